// SPDX-License-Identifier: GPL-2.0
// test_sg.cc - security groups on the fabric: rules, tracking, EC2's untracked case, timeouts (core/fabric/sg.cc).
#include "fabric_fixture.h"

static void setup(void)
{
	fabric_setup();
}

TestSuite(sg, .init = setup, .fini = harness_fini);

enum : uint32_t { sg_default = 10, sg_web = 20, sg_client = 30 };
enum : uint8_t { tcp = 6, udp = 17, icmp = 1, syn = 0x02, ack = 0x10, fin = 0x01 };

static vcore_sg_rule all_from(uint32_t cidr, uint8_t prefixlen)
{
	vcore_sg_rule r = {};

	r.proto = VCORE_SG_PROTO_ALL;
	r.cidr_addr = cidr;
	r.cidr_prefixlen = prefixlen;
	r.icmp_type = r.icmp_code = -1;
	return r;
}

static vcore_sg_rule all_from_group(uint32_t key)
{
	vcore_sg_rule r = all_from(0, 0);

	r.peer_sg = key;
	return r;
}

static vcore_sg_rule rule(uint16_t proto, uint16_t lo, uint16_t hi, uint32_t cidr,
			   uint8_t prefixlen)
{
	vcore_sg_rule r = all_from(cidr, prefixlen);

	r.proto = proto;
	r.port_lo = lo;
	r.port_hi = hi;
	return r;
}

static vcore_fabric_sg_desc group(uint32_t key)
{
	vcore_fabric_sg_desc d = {};

	d.key = key;
	d.vpc_key = vpc1;
	return d;
}

static void set_group(const vcore_fabric_sg_desc &d)
{
	cr_assert_eq(vcore_fabric_sg_set(fab, &d), 0);
}

// EC2's default group: all traffic in from its own members, all out to anywhere.
static void set_default_group(uint32_t key)
{
	vcore_fabric_sg_desc d = group(key);

	d.ingress[d.ingress_count++] = all_from_group(key);
	d.egress[d.egress_count++] = all_from(0, 0);
	set_group(d);
}

static vcore_port_desc with_groups(vcore_port_desc d, uint32_t k1, uint32_t k2 = 0)
{
	d.sg_keys[d.sg_count++] = k1;
	if (k2)
		d.sg_keys[d.sg_count++] = k2;
	return d;
}

// A (and B) in group @ka, C in group @kc; 0 = no groups (not filtered).
static void plug_grouped(uint32_t ka, uint32_t kb, uint32_t kc)
{
	vcore_port_desc d;

	d = desc_of(mac_a, ip_a, key1, subnet1, &cookie_a);
	pa = plug_desc(ka ? with_groups(d, ka) : d);
	d = desc_of(mac_b, ip_b, key1, subnet1, &cookie_b);
	pb = plug_desc(kb ? with_groups(d, kb) : d);
	d = desc_of(mac_c, ip_c, key2, subnet2, &cookie_c);
	pc = plug_desc(kc ? with_groups(d, kc) : d);
}

// An IPv4 frame of protocol @proto with ports (ICMP: type, code and id).
static uint32_t l4_frame(uint8_t *buf, const uint8_t *dmac, const uint8_t *smac, uint32_t sip,
			 uint32_t dip, uint8_t proto, uint16_t sport, uint16_t dport,
			 uint8_t flags = 0)
{
	ip_opts o;
	uint32_t len;

	o.proto = proto;
	len = ip_frame(buf, dmac, smac, sip, dip, 20, o);
	if (proto == icmp) {
		buf[34] = static_cast<uint8_t>(sport);	// type
		buf[35] = static_cast<uint8_t>(dport);	// code
		buf[38] = 0x12;				// identifier
		buf[39] = 0x34;
		return len;
	}
	buf[34] = static_cast<uint8_t>(sport >> 8);
	buf[35] = static_cast<uint8_t>(sport);
	buf[36] = static_cast<uint8_t>(dport >> 8);
	buf[37] = static_cast<uint8_t>(dport);
	buf[47] = flags;
	return len;
}

static vcore_xmit_verdict tcp_ab(uint16_t sport, uint16_t dport, uint8_t flags)
{
	uint8_t f[128];

	return xmit_tracked(pa, f, l4_frame(f, mac_b, mac_a, ip_a, ip_b, tcp, sport, dport, flags));
}

static vcore_xmit_verdict tcp_ba(uint16_t sport, uint16_t dport, uint8_t flags)
{
	uint8_t f[128];

	return xmit_tracked(pb, f, l4_frame(f, mac_a, mac_b, ip_b, ip_a, tcp, sport, dport, flags));
}

static vcore_xmit_verdict udp_ab(uint16_t sport, uint16_t dport)
{
	uint8_t f[128];

	return xmit_tracked(pa, f, l4_frame(f, mac_b, mac_a, ip_a, ip_b, udp, sport, dport));
}

static vcore_xmit_verdict udp_ba(uint16_t sport, uint16_t dport)
{
	uint8_t f[128];

	return xmit_tracked(pb, f, l4_frame(f, mac_a, mac_b, ip_b, ip_a, udp, sport, dport));
}

// A web server's group: TCP 80 in from @prefixlen bits of 172.31.0.0 (0: anywhere), nothing out.
static void set_web_group(uint8_t prefixlen)
{
	vcore_fabric_sg_desc d = group(sg_web);

	d.ingress[d.ingress_count++] = rule(tcp, 80, 80, prefixlen ? uint32_t(vpc_block) : 0, prefixlen);
	set_group(d);
}

// A client's group: all out, nothing in.
static void set_client_group(void)
{
	vcore_fabric_sg_desc d = group(sg_client);

	d.egress[d.egress_count++] = all_from(0, 0);
	set_group(d);
}

CORE_TEST(sg, the_default_group_lets_its_members_talk_and_no_one_else_in)
{
	set_default_group(sg_default);
	set_client_group();
	plug_grouped(sg_default, sg_default, sg_client);
	cr_assert_eq(tcp_ab(40000, 22, syn), VCORE_XMIT_DELIVERED, "member to member");
	cr_assert_eq(tcp_ba(22, 40000, syn | ack), VCORE_XMIT_DELIVERED);
	uint8_t f[128];
	// C (another group) to A, routed: C may send, A's group lets only members in.
	cr_assert_eq(xmit_tracked(pc, f, l4_frame(f, router2, mac_c, ip_c, ip_a, tcp, 40001, 22, syn)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(port_stats(pa).sg_ingress_dropped, 1u);
	cr_assert_eq(port_stats(pc).sg_egress_dropped, 0u);
	cr_assert_eq(port_stats(pc).tx_dropped, 1u, "the sender pays the drop");
	cr_assert_eq(stats().drop_sg, 1u);
	cr_assert_eq(stats_total(stats()), 3u, "each frame counted once");
}

CORE_TEST(sg, replies_to_a_tracked_flow_pass_whatever_the_rules_say)
{
	set_client_group();
	set_web_group(16);
	plug_grouped(sg_client, sg_web, 0);
	cr_assert_eq(tcp_ab(40000, 80, syn), VCORE_XMIT_DELIVERED);
	cr_assert_eq(port_stats(pa).conntrack_tracked, 1u, "A tracks its outbound flow");
	cr_assert_eq(port_stats(pb).conntrack_tracked, 1u, "B tracks its inbound flow");
	cr_assert_eq(tcp_ba(80, 40000, syn | ack), VCORE_XMIT_DELIVERED,
		     "B has no egress rule, A no ingress rule: tracking lets the reply through");
	cr_assert_eq(tcp_ab(40000, 80, ack), VCORE_XMIT_DELIVERED);
	cr_assert_eq(tcp_ba(80, 40001, syn | ack), VCORE_XMIT_DROPPED, "not a reply to anything");
	cr_assert_eq(port_stats(pb).sg_egress_dropped, 1u);
	cr_assert_eq(tcp_ab(40000, 81, syn), VCORE_XMIT_DROPPED, "B lets in port 80 only");
	cr_assert_eq(port_stats(pb).sg_ingress_dropped, 1u);
}

CORE_TEST(sg, removing_a_rule_does_not_cut_tracked_flows)
{
	set_client_group();
	set_web_group(16);
	plug_grouped(sg_client, sg_web, 0);
	cr_assert_eq(tcp_ab(40000, 80, syn), VCORE_XMIT_DELIVERED);
	set_group(group(sg_web));	// every rule gone
	cr_assert_eq(tcp_ab(40000, 80, ack), VCORE_XMIT_DELIVERED, "the tracked flow goes on");
	cr_assert_eq(tcp_ba(80, 40000, ack), VCORE_XMIT_DELIVERED);
	cr_assert_eq(tcp_ab(40001, 80, syn), VCORE_XMIT_DROPPED, "a new flow meets the new rules");
}

CORE_TEST(sg, open_rules_both_ways_leave_a_flow_untracked_and_removal_cuts_it)
{
	vcore_fabric_sg_desc d = group(sg_web);

	// EC2's example: TCP 80 from 0.0.0.0/0 in, all traffic to 0.0.0.0/0 out.
	d.ingress[d.ingress_count++] = rule(tcp, 80, 80, 0, 0);
	d.egress[d.egress_count++] = all_from(0, 0);
	set_group(d);
	set_client_group();
	plug_grouped(sg_client, sg_web, 0);
	cr_assert_eq(tcp_ab(40000, 80, syn), VCORE_XMIT_DELIVERED);
	cr_assert_eq(port_stats(pb).conntrack_tracked, 0u, "B does not track it");
	cr_assert_eq(port_stats(pa).conntrack_tracked, 1u,
		     "A does: its group has no open rule inbound");
	d.ingress_count = 0;
	set_group(d);
	cr_assert_eq(tcp_ab(40000, 80, ack), VCORE_XMIT_DROPPED,
		     "an untracked flow stops when its rule goes");
	// A narrower rule (not /0) makes the flow tracked: it survives the removal.
	d.ingress[d.ingress_count++] = rule(tcp, 80, 80, vpc_block, 16);
	set_group(d);
	cr_assert_eq(tcp_ab(40002, 80, syn), VCORE_XMIT_DELIVERED);
	cr_assert_eq(port_stats(pb).conntrack_tracked, 1u);
	d.ingress_count = 0;
	set_group(d);
	cr_assert_eq(tcp_ab(40002, 80, ack), VCORE_XMIT_DELIVERED);
}

CORE_TEST(sg, icmp_is_always_tracked)
{
	vcore_fabric_sg_desc d = group(sg_web);
	uint8_t f[128];

	d.ingress[d.ingress_count++] = all_from(0, 0);
	d.egress[d.egress_count++] = all_from(0, 0);
	set_group(d);
	plug_grouped(sg_web, sg_web, 0);
	cr_assert_eq(xmit_tracked(pa, f, l4_frame(f, mac_b, mac_a, ip_a, ip_b, icmp, 8, 0)),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(port_stats(pa).conntrack_tracked, 1u);
	cr_assert_eq(port_stats(pb).conntrack_tracked, 1u);
	cr_assert_eq(vcore_fabric_conntrack_flows(fab), 2u, "the fabric's count, every ENI's");
	cr_assert_eq(udp_ab(5000, 53), VCORE_XMIT_DELIVERED);
	cr_assert_eq(port_stats(pa).conntrack_tracked, 1u, "UDP open both ways is not tracked");
}

CORE_TEST(sg, an_echo_reply_passes_by_tracking_and_icmp_rules_match_type_and_code)
{
	vcore_fabric_sg_desc d = group(sg_web);
	uint8_t f[128];

	set_client_group();
	d.ingress[d.ingress_count] = rule(icmp, 0, 0, 0, 0);
	d.ingress[d.ingress_count].icmp_type = 8;	// echo requests only
	d.ingress[d.ingress_count++].icmp_code = 0;
	set_group(d);
	plug_grouped(sg_client, sg_web, 0);
	cr_assert_eq(xmit_tracked(pa, f, l4_frame(f, mac_b, mac_a, ip_a, ip_b, icmp, 8, 0)),
		     VCORE_XMIT_DELIVERED, "ping A -> B");
	cr_assert_eq(xmit_tracked(pb, f, l4_frame(f, mac_a, mac_b, ip_b, ip_a, icmp, 0, 0)),
		     VCORE_XMIT_DELIVERED, "its reply");
	cr_assert_eq(xmit_tracked(pa, f, l4_frame(f, mac_b, mac_a, ip_a, ip_b, icmp, 13, 0)),
		     VCORE_XMIT_DROPPED, "a timestamp request");
	cr_assert_eq(port_stats(pa).sg_egress_dropped, 0u, "A sends anything");
	cr_assert_eq(port_stats(pb).sg_ingress_dropped, 1u, "but B takes echo requests only");
}

static void be16_at(uint8_t *p, uint16_t v)
{
	p[0] = static_cast<uint8_t>(v >> 8);
	p[1] = static_cast<uint8_t>(v);
}

// An ICMP error (@type, @code) from @smac/@sip quoting a UDP datagram @qsrc:@qsport -> @qdst:@qdport.
static uint32_t icmp_error(uint8_t *buf, const uint8_t *dmac, const uint8_t *smac, uint32_t sip,
			   uint32_t dip, uint8_t type, uint8_t code, uint32_t qsrc, uint32_t qdst,
			   uint16_t qsport, uint16_t qdport)
{
	ip_opts o;
	uint8_t quoted[64];
	uint32_t len;

	o.proto = icmp;
	len = ip_frame(buf, dmac, smac, sip, dip, 8 + 28, o);
	ip_frame(quoted, mac_a, mac_b, qsrc, qdst, 8);
	buf[34] = type;
	buf[35] = code;
	memset(buf + 36, 0, 6);
	memcpy(buf + 42, quoted + 14, 20);		// the quoted IP header
	be16_at(buf + 62, qsport);
	be16_at(buf + 64, qdport);
	be16_at(buf + 66, 16);
	be16_at(buf + 68, 0);
	return len;
}

CORE_TEST(sg, icmp_errors_about_a_tracked_flow_pass_as_related_and_others_need_a_rule)
{
	vcore_fabric_sg_desc d = group(sg_web);
	uint8_t f[128];

	set_client_group();
	d.ingress[d.ingress_count++] = rule(udp, 53, 53, vpc_block, 16);	// nothing out
	set_group(d);
	plug_grouped(sg_client, sg_web, 0);
	cr_assert_eq(udp_ab(5000, 53), VCORE_XMIT_DELIVERED);
	// B's port is closed: its unreachable quotes A's datagram, on a flow both track.
	cr_assert_eq(xmit_tracked(pb, f, icmp_error(f, mac_a, mac_b, ip_b, ip_a, 3, 3, ip_a, ip_b, 5000, 53)),
		     VCORE_XMIT_DELIVERED, "B may send it, A may take it: related");
	cr_assert_eq(xmit_tracked(pb, f, icmp_error(f, mac_a, mac_b, ip_b, ip_a, 3, 4, ip_a, ip_b, 5000, 53)),
		     VCORE_XMIT_DELIVERED, "frag-needed alike");
	cr_assert_eq(xmit_tracked(pb, f, icmp_error(f, mac_a, mac_b, ip_b, ip_a, 3, 3, ip_a, ip_b, 5001, 53)),
		     VCORE_XMIT_DROPPED, "about a flow never seen: B's group sends nothing");
	cr_assert_eq(port_stats(pb).sg_egress_dropped, 1u);
	cr_assert_eq(port_stats(pa).conntrack_tracked, 1u, "errors open no flow");
	cr_assert_eq(port_stats(pb).conntrack_tracked, 1u);
}

CORE_TEST(sg, udp_timeouts_single_exchange_and_stream)
{
	vcore_fabric_sg_desc dns = group(sg_web);
	vcore_port_desc d;

	set_client_group();
	dns.ingress[dns.ingress_count++] = rule(udp, 53, 53, 0, 0);
	dns.egress[dns.egress_count++] = all_from(0, 0);
	set_group(dns);
	d = with_groups(desc_of(mac_a, ip_a, key1, subnet1, &cookie_a), sg_web);
	pa = plug_desc(d);
	d = with_groups(desc_of(mac_b, ip_b, key1, subnet1, &cookie_b), sg_client);
	d.udp_timeout = 40;
	d.udp_stream_timeout = 90;
	pb = plug_desc(d);
	// A, a DNS server, tracks nothing (open both ways); B has no ingress rule:
	// A's datagrams reach B only as replies to B's.
	cr_assert_eq(udp_ba(5000, 53), VCORE_XMIT_DELIVERED);
	cr_assert_eq(udp_ab(53, 5000), VCORE_XMIT_DELIVERED, "the reply");
	vcore_fabric_conntrack_advance(fab, 41);
	cr_assert_eq(udp_ab(53, 5000), VCORE_XMIT_DROPPED, "B forgot it after its 40 s");
	// A stream: request, reply, request again.
	cr_assert_eq(udp_ba(5001, 53), VCORE_XMIT_DELIVERED);
	cr_assert_eq(udp_ab(53, 5001), VCORE_XMIT_DELIVERED);
	cr_assert_eq(udp_ba(5001, 53), VCORE_XMIT_DELIVERED);
	vcore_fabric_conntrack_advance(fab, 89);
	cr_assert_eq(udp_ab(53, 5001), VCORE_XMIT_DELIVERED, "a stream lasts 90 s idle");
	vcore_fabric_conntrack_advance(fab, 91);
	cr_assert_eq(udp_ab(53, 5001), VCORE_XMIT_DROPPED);
}

CORE_TEST(sg, tcp_established_timeout_is_per_eni)
{
	vcore_port_desc d;

	set_client_group();
	d = with_groups(desc_of(mac_a, ip_a, key1, subnet1, &cookie_a), sg_client);
	d.tcp_established_timeout = 60;
	pa = plug_desc(d);
	pb = plug_desc(desc_of(mac_b, ip_b, key1, subnet1, &cookie_b));
	cr_assert_eq(tcp_ab(40000, 80, syn), VCORE_XMIT_DELIVERED);
	cr_assert_eq(tcp_ba(80, 40000, syn | ack), VCORE_XMIT_DELIVERED);
	vcore_fabric_conntrack_advance(fab, 59);
	cr_assert_eq(tcp_ba(80, 40000, ack), VCORE_XMIT_DELIVERED);
	vcore_fabric_conntrack_advance(fab, 61);
	cr_assert_eq(tcp_ba(80, 40000, ack), VCORE_XMIT_DROPPED, "idle 61 s: forgotten");
	// Not yet answered: 120 s whatever the established timeout.
	cr_assert_eq(tcp_ab(40001, 80, syn), VCORE_XMIT_DELIVERED);
	vcore_fabric_conntrack_advance(fab, 100);
	cr_assert_eq(tcp_ba(80, 40001, syn | ack), VCORE_XMIT_DELIVERED);
	// Closed both ways: 10 s.
	cr_assert_eq(tcp_ab(40001, 80, fin | ack), VCORE_XMIT_DELIVERED);
	cr_assert_eq(tcp_ba(80, 40001, fin | ack), VCORE_XMIT_DELIVERED);
	vcore_fabric_conntrack_advance(fab, 11);
	cr_assert_eq(tcp_ba(80, 40001, ack), VCORE_XMIT_DROPPED);
}

CORE_TEST(sg, a_full_table_drops_new_flows_and_counts_them)
{
	vcore_port_desc d;

	set_client_group();
	d = with_groups(desc_of(mac_a, ip_a, key1, subnet1, &cookie_a), sg_client);
	d.conntrack_max = 2;
	pa = plug_desc(d);
	pb = plug_desc(desc_of(mac_b, ip_b, key1, subnet1, &cookie_b));
	cr_assert_eq(tcp_ab(40000, 80, syn), VCORE_XMIT_DELIVERED);
	cr_assert_eq(tcp_ab(40001, 80, syn), VCORE_XMIT_DELIVERED);
	cr_assert_eq(tcp_ab(40002, 80, syn), VCORE_XMIT_DROPPED);
	cr_assert_eq(port_stats(pa).conntrack_allowance_exceeded, 1u);
	cr_assert_eq(port_stats(pa).conntrack_max, 2u);
	cr_assert_eq(stats().drop_conntrack_full, 1u);
	cr_assert_eq(tcp_ab(40000, 80, ack), VCORE_XMIT_DELIVERED, "tracked flows go on");
	vcore_fabric_conntrack_advance(fab, 121);	// both unanswered: gone
	cr_assert_eq(tcp_ab(40002, 80, syn), VCORE_XMIT_DELIVERED, "expired flows make room");
	cr_assert_eq(port_stats(pa).conntrack_tracked, 1u);
}

CORE_TEST(sg, a_group_reference_matches_the_private_addresses_of_its_members)
{
	vcore_fabric_sg_desc d = group(sg_web);
	vcore_port_desc c;
	uint8_t f[128];

	d.ingress[d.ingress_count++] = all_from_group(sg_client);
	d.egress[d.egress_count++] = all_from(0, 0);
	set_group(d);
	set_client_group();
	plug_grouped(sg_client, sg_web, sg_default);
	cr_assert_eq(tcp_ab(40000, 22, syn), VCORE_XMIT_DELIVERED, "A is a member of sg_client");
	cr_assert_eq(xmit_tracked(pc, f, l4_frame(f, router2, mac_c, ip_c, ip_b, tcp, 40000, 22, syn)),
		     VCORE_XMIT_DROPPED, "C is not (and its own group is not even set)");
	c = with_groups(desc_of(mac_c, ip_c, key2, subnet2, &cookie_c), sg_default, sg_client);
	set_default_group(sg_default);
	cr_assert_eq(vcore_fabric_port_update(fab, pc, &c), 0);
	cr_assert_eq(xmit_tracked(pc, f, l4_frame(f, router2, mac_c, ip_c, ip_b, tcp, 40001, 22, syn)),
		     VCORE_XMIT_DELIVERED, "now it is, routed to another subnet");
	// A foreign source address is no member, whoever sends it.
	cr_assert_eq(xmit_tracked(pc, f, l4_frame(f, router2, mac_c, 0x0a000001, ip_b, tcp, 40002, 22,
					  syn)),
		     VCORE_XMIT_DROPPED);
}

CORE_TEST(sg, a_missing_group_allows_nothing_and_non_ip_needs_an_all_traffic_rule)
{
	uint8_t f[128];

	plug_grouped(sg_web, 0, 0);	// sg_web never set
	cr_assert_eq(tcp_ab(40000, 80, syn), VCORE_XMIT_DROPPED);
	cr_assert_eq(port_stats(pa).sg_egress_dropped, 1u);
	cr_assert_eq(xmit_tracked(pa, f, eth_frame(f, mac_b, mac_a, 0x88b5, 40)), VCORE_XMIT_DROPPED,
		     "no rule: no other protocol either");
	cr_assert_eq(xmit_tracked(pb, f, eth_frame(f, mac_a, mac_b, 0x88b5, 40)), VCORE_XMIT_DROPPED);
	cr_assert_eq(tcp_ba(80, 40000, syn), VCORE_XMIT_DROPPED);
	cr_assert_eq(port_stats(pa).sg_ingress_dropped, 2u);
}

CORE_TEST(sg, non_ipv4_passes_between_members_of_a_self_referencing_group)
{
	uint8_t f[128];

	set_default_group(sg_default);
	set_client_group();
	plug_grouped(sg_default, sg_default, 0);
	cr_assert_eq(xmit_tracked(pa, f, eth_frame(f, mac_b, mac_a, 0x88b5, 40)), VCORE_XMIT_DELIVERED,
		     "another protocol between members of the default group");
	vcore_port_desc d = with_groups(desc_of(mac_b, ip_b, key1, subnet1, &cookie_b), sg_client);
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), 0);
	cr_assert_eq(xmit_tracked(pa, f, eth_frame(f, mac_b, mac_a, 0x88b5, 40)), VCORE_XMIT_DROPPED,
		     "B is in no group A's rule names, and B's group lets nothing in");
	cr_assert_eq(xmit_tracked(pb, f, eth_frame(f, mac_a, mac_b, 0x88b5, 40)), VCORE_XMIT_DROPPED,
		     "B may send anywhere, A lets in only its group's members");
	cr_assert_eq(port_stats(pa).sg_ingress_dropped, 1u);
}

CORE_TEST(sg, later_fragments_follow_their_first)
{
	vcore_fabric_sg_desc d = group(sg_web);
	uint8_t f[128];
	uint32_t len;

	d.ingress[d.ingress_count++] = rule(udp, 53, 53, 0, 0);
	set_group(d);
	plug_grouped(0, sg_web, 0);
	len = l4_frame(f, mac_b, mac_a, ip_a, ip_b, udp, 5000, 53);
	f[20] = 0x20;		// MF, offset 0
	cr_assert_eq(xmit_tracked(pa, f, len), VCORE_XMIT_DELIVERED);
	f[20] = 0x00;		// the last fragment, offset 8 units: no UDP header
	f[21] = 0x08;
	cr_assert_eq(xmit_tracked(pa, f, len), VCORE_XMIT_DELIVERED, "its datagram passed");
	f[18] = 0x99;		// another datagram's id
	cr_assert_eq(xmit_tracked(pa, f, len), VCORE_XMIT_DROPPED, "no first fragment passed for it");
}

CORE_TEST(sg, bad_groups_and_ports_are_refused_whole)
{
	vcore_fabric_sg_desc d = group(0);
	vcore_port_desc p;
	int err = 0;

	cr_assert_eq(vcore_fabric_sg_set(fab, &d), -EINVAL, "key 0");
	d = group(sg_web);
	d.ingress_count = VCORE_SG_MAX_RULES + 1;
	cr_assert_eq(vcore_fabric_sg_set(fab, &d), -EINVAL, "61 rules");
	d.ingress_count = 1;
	d.ingress[0] = all_from(vpc_block + 1, 16);
	cr_assert_eq(vcore_fabric_sg_set(fab, &d), -EINVAL, "host bits in the prefix");
	d.ingress[0] = rule(tcp, 90, 80, 0, 0);
	cr_assert_eq(vcore_fabric_sg_set(fab, &d), -EINVAL, "ports the wrong way round");
	d.ingress[0] = rule(icmp, 0, 0, 0, 0);
	d.ingress[0].icmp_code = 4;
	cr_assert_eq(vcore_fabric_sg_set(fab, &d), -EINVAL, "a code without a type");
	d.ingress[0] = rule(300, 0, 0, 0, 0);
	cr_assert_eq(vcore_fabric_sg_set(fab, &d), -EINVAL, "protocol 300");

	p = desc_of(mac_a, ip_a, key1, subnet1, &cookie_a);
	p.sg_count = VCORE_PORT_MAX_SGS + 1;
	for (uint32_t i = 0; i < p.sg_count && i < VCORE_PORT_MAX_SGS; i++)
		p.sg_keys[i] = i + 1;
	cr_assert_null(vcore_fabric_port_add(fab, &p, &err));
	cr_assert_eq(err, -EINVAL, "six groups");
	p.sg_count = 2;
	p.sg_keys[1] = p.sg_keys[0];
	cr_assert_null(vcore_fabric_port_add(fab, &p, &err));
	cr_assert_eq(err, -EINVAL, "a group twice");
	p.sg_count = 1;
	p.udp_timeout = 61;
	cr_assert_null(vcore_fabric_port_add(fab, &p, &err));
	cr_assert_eq(err, -EINVAL, "UDP timeout above EC2's 60 s");
	p.udp_timeout = 0;
	p.tcp_established_timeout = 59;
	cr_assert_null(vcore_fabric_port_add(fab, &p, &err));
	cr_assert_eq(err, -EINVAL, "TCP established timeout below EC2's 60 s");
	cr_assert_eq(harness.live_allocs, 4, "nothing left behind");
}

CORE_TEST(sg, deleting_a_group_takes_its_rules_away)
{
	set_client_group();
	plug_grouped(sg_client, 0, 0);
	cr_assert_eq(tcp_ab(40000, 80, syn), VCORE_XMIT_DELIVERED);
	vcore_fabric_sg_del(fab, sg_client);
	cr_assert_eq(tcp_ab(40001, 80, syn), VCORE_XMIT_DROPPED);
	vcore_fabric_sg_del(fab, sg_client);	// twice: nothing happens
}
