// SPDX-License-Identifier: GPL-2.0
// test_dhcp.cc - the VPC's DHCP server, its replies parsed back byte by byte (core/fabric/dhcp.cc).
#include "fabric_fixture.h"

static void setup(void)
{
	fabric_setup();
}

TestSuite(dhcp, .init = setup, .fini = harness_fini);

enum : uint32_t {
	xid = 0x3903f326,
	router_ip = subnet1 + 1,
	all_ones = 0xffffffff,
	msg_off = 14 + 20 + 8,		// BOOTP message in a frame without IP options
};

struct client_msg {
	const uint8_t *dst = bcast;
	uint32_t sip = 0, dip = all_ones;
	uint8_t type = 1;
	uint16_t flags = 0;
	uint32_t ciaddr = 0;
	const uint8_t *chaddr = mac_a;
	uint32_t requested = 0, server_id = 0;
};

// A client message as udhcpc and dhclient send it (RFC 2131 4.4.1).
static uint32_t client_frame(uint8_t *buf, const client_msg &m)
{
	uint8_t *udp = buf + 34, *msg = buf + msg_off, *opt;
	uint32_t msg_len = 300, len;

	memset(buf, 0, msg_off + msg_len);
	len = ip_frame(buf, m.dst, mac_a, m.sip, m.dip, 8 + msg_len);
	memset(udp, 0, 8 + msg_len);
	udp[1] = 68;
	udp[3] = 67;
	udp[4] = static_cast<uint8_t>((8 + msg_len) >> 8);
	udp[5] = static_cast<uint8_t>(8 + msg_len);
	msg[0] = 1;			// BOOTREQUEST
	msg[1] = 1;
	msg[2] = 6;
	put_ip(msg + 4, xid);
	msg[10] = static_cast<uint8_t>(m.flags >> 8);
	msg[11] = static_cast<uint8_t>(m.flags);
	put_ip(msg + 12, m.ciaddr);
	memcpy(msg + 28, m.chaddr, 6);
	put_ip(msg + 236, 0x63825363);
	opt = msg + 240;
	*opt++ = 53;
	*opt++ = 1;
	*opt++ = m.type;
	if (m.requested) {
		*opt++ = 50;
		*opt++ = 4;
		put_ip(opt, m.requested);
		opt += 4;
	}
	if (m.server_id) {
		*opt++ = 54;
		*opt++ = 4;
		put_ip(opt, m.server_id);
		opt += 4;
	}
	*opt++ = 0;			// a PAD, as some clients send
	static const uint8_t prl[] = { 55, 7, 1, 3, 6, 12, 15, 28, 26 };
	memcpy(opt, prl, sizeof(prl));
	opt += sizeof(prl);
	*opt = 255;
	return len;
}

// The options of a reply: value and length by code (-1 = absent).
struct options {
	int len[256];
	const uint8_t *val[256];
};

static options parse_options(const uint8_t *msg, uint32_t msg_len)
{
	options o;
	uint32_t i = 240;

	for (int &l : o.len)
		l = -1;
	while (i < msg_len && msg[i] != 255) {
		if (msg[i] == 0) {
			i++;
			continue;
		}
		cr_assert_leq(i + 2 + msg[i + 1], msg_len, "option %u runs past the message", msg[i]);
		cr_assert_eq(o.len[msg[i]], -1, "option %u twice", msg[i]);
		o.len[msg[i]] = msg[i + 1];
		o.val[msg[i]] = msg + i + 2;
		i += 2 + msg[i + 1];
	}
	cr_assert_lt(i, msg_len, "no END option");
	return o;
}

static void assert_u32_option(const options &o, int code, uint32_t v)
{
	cr_assert_eq(o.len[code], 4, "option %d length %d", code, o.len[code]);
	cr_assert_eq(be32(o.val[code]), v, "option %d: %08x, expected %08x", code,
		     be32(o.val[code]), v);
}

static void assert_str_option(const options &o, int code, const char *s)
{
	cr_assert_eq(o.len[code], static_cast<int>(strlen(s)), "option %d length", code);
	cr_assert_arr_eq(o.val[code], s, strlen(s), "option %d", code);
}

/*
 * Checks the one delivery of a reply: Ethernet, IPv4 and UDP headers with
 * their checksums, BOOTP fields; returns its options.
 */
static options check_reply(uint8_t type, const uint8_t *eth_dst, uint32_t ip_dst, uint32_t yiaddr,
			   uint32_t ciaddr, uint16_t flags)
{
	const harness_delivery &d = harness.deliveries[0];
	const uint8_t *ip = d.frame + 14, *udp = ip + 20, *msg = udp + 8;
	uint32_t udp_len, sum;
	options o;

	cr_assert_eq(harness.delivery_count, 1);
	cr_assert(d.copy);
	cr_assert_eq(d.cookie, &cookie_a, "the reply goes to the client's port");
	cr_assert_arr_eq(d.frame, eth_dst, 6, "Ethernet destination");
	cr_assert_arr_eq(d.frame + 6, router1, 6, "from the subnet router");
	cr_assert_eq(be16(d.frame + 12), 0x0800);
	cr_assert_eq(ip[0], 0x45);
	cr_assert_eq(be16(ip + 2), d.len - 14, "IP total length");
	cr_assert_eq(ip[9], 17);
	cr_assert_gt(ip[8], 0, "TTL");
	cr_assert_eq(ref_csum(ip, 20), 0, "IP header checksum");
	cr_assert_eq(be32(ip + 12), router_ip, "from the server identifier");
	cr_assert_eq(be32(ip + 16), ip_dst, "IP destination");
	cr_assert_eq(be16(udp), 67);
	cr_assert_eq(be16(udp + 2), 68);
	udp_len = be16(udp + 4);
	cr_assert_eq(udp_len, d.len - 34, "UDP length");
	cr_assert_geq(udp_len - 8, 300u, "BOOTP messages are at least 300 bytes (RFC 1542)");
	cr_assert_neq(be16(udp + 6), 0, "UDP checksum present");
	// Pseudo-header + UDP: a correct checksum sums to 0xffff (ref_csum 0).
	sum = (router_ip >> 16) + (router_ip & 0xffff) + (ip_dst >> 16) + (ip_dst & 0xffff) + 17 +
	      udp_len;
	cr_assert_eq(ref_csum(udp, udp_len, sum), 0, "UDP checksum");

	cr_assert_eq(msg[0], 2, "BOOTREPLY");
	cr_assert_eq(msg[1], 1);
	cr_assert_eq(msg[2], 6);
	cr_assert_eq(msg[3], 0, "hops");
	cr_assert_eq(be32(msg + 4), xid);
	cr_assert_eq(be16(msg + 10), flags);
	cr_assert_eq(be32(msg + 12), ciaddr, "ciaddr");
	cr_assert_eq(be32(msg + 16), yiaddr, "yiaddr");
	cr_assert_eq(be32(msg + 20), 0u, "siaddr");
	cr_assert_eq(be32(msg + 24), 0u, "giaddr");
	cr_assert_arr_eq(msg + 28, mac_a, 6, "chaddr");
	for (int i = 34; i < 236; i++)
		cr_assert_eq(msg[i], 0, "chaddr padding, sname, file: byte %d", i);
	cr_assert_eq(be32(msg + 236), 0x63825363u, "magic cookie");
	o = parse_options(msg, udp_len - 8);
	cr_assert_eq(o.len[53], 1);
	cr_assert_eq(o.val[53][0], type, "message type");
	assert_u32_option(o, 54, router_ip);
	return o;
}

// Everything an OFFER or ACK of A's lease carries.
static void assert_lease_options(const options &o, bool with_lease_time)
{
	assert_u32_option(o, 1, 0xfffff000);		// /20
	assert_u32_option(o, 3, router_ip);		// subnet base + 1
	assert_u32_option(o, 6, vpc_block + 2);		// AmazonProvidedDNS
	assert_u32_option(o, 28, subnet1 + 0xfff);	// broadcast
	cr_assert_eq(o.len[26], 2);
	cr_assert_eq(be16(o.val[26]), 9001, "interface MTU");
	assert_str_option(o, 15, "ec2.internal");
	assert_str_option(o, 12, "ip-172-31-0-4");
	if (with_lease_time)
		assert_u32_option(o, 51, 3600);
	else
		cr_assert_eq(o.len[51], -1, "no lease time in an ACK to INFORM");
}

static void assert_answered(const client_msg &m)
{
	uint8_t frame[400];

	harness_clear_deliveries();
	cr_assert_eq(xmit(pa, frame, client_frame(frame, m)), VCORE_XMIT_ANSWERED);
}

/* ---- the exchange ---- */

CORE_TEST(dhcp, discover_gets_an_offer)
{
	client_msg m;
	options o;

	plug_abc();
	assert_answered(m);
	o = check_reply(2, mac_a, ip_a, ip_a, 0, 0);
	assert_lease_options(o, true);
	cr_assert_eq(stats().dhcp_replies, 1u);
	cr_assert_eq(stats_total(stats()), 1u);
	cr_assert_eq(port_stats(pa).tx_dropped, 0u);
}

CORE_TEST(dhcp, the_domain_is_the_ports_region)
{
	vcore_port_desc d = desc_of(mac_a, ip_a, key1, subnet1, &cookie_a);
	client_msg m;
	options o;

	memcpy(d.dns_domain, "us-west-2.compute.internal", sizeof("us-west-2.compute.internal"));
	pa = plug_desc(d);
	assert_answered(m);
	o = check_reply(2, mac_a, ip_a, ip_a, 0, 0);
	assert_str_option(o, 15, "us-west-2.compute.internal");
}

CORE_TEST(dhcp, broadcast_flag_gets_a_broadcast)
{
	client_msg m;

	plug_abc();
	m.flags = 0x8000;
	assert_answered(m);
	check_reply(2, bcast, all_ones, ip_a, 0, 0x8000);
}

CORE_TEST(dhcp, request_for_the_offer_gets_an_ack)
{
	client_msg m;
	options o;

	plug_abc();
	m.type = 3;
	m.requested = ip_a;
	m.server_id = router_ip;
	assert_answered(m);
	o = check_reply(5, mac_a, ip_a, ip_a, 0, 0);
	assert_lease_options(o, true);
	// INIT-REBOOT: option 50 without a server identifier.
	m.server_id = 0;
	assert_answered(m);
	check_reply(5, mac_a, ip_a, ip_a, 0, 0);
	cr_assert_eq(stats().dhcp_replies, 2u);
}

CORE_TEST(dhcp, renewal_is_unicast_both_ways)
{
	client_msg m;
	options o;

	// RENEWING: to the server's address at the router's MAC, from ciaddr.
	plug_abc();
	m.type = 3;
	m.dst = router1;
	m.sip = ip_a;
	m.dip = router_ip;
	m.ciaddr = ip_a;
	m.flags = 0x8000;		// ignored once the client has an address
	assert_answered(m);
	o = check_reply(5, mac_a, ip_a, ip_a, ip_a, 0x8000);
	assert_lease_options(o, true);
	// REBINDING: the same, broadcast.
	m.dst = bcast;
	m.dip = all_ones;
	assert_answered(m);
	check_reply(5, mac_a, ip_a, ip_a, ip_a, 0x8000);
}

CORE_TEST(dhcp, request_for_another_address_gets_a_nak)
{
	client_msg m;
	options o;

	plug_abc();
	m.type = 3;
	m.requested = subnet1 + 99;	// e.g. a lease from another subnet
	assert_answered(m);
	o = check_reply(6, bcast, all_ones, 0, 0, 0);
	for (int code : { 1, 3, 6, 12, 15, 26, 28, 51 })
		cr_assert_eq(o.len[code], -1, "option %d in a NAK", code);
	// No address named at all.
	m.requested = 0;
	assert_answered(m);
	check_reply(6, bcast, all_ones, 0, 0, 0);
}

CORE_TEST(dhcp, request_to_another_server_is_not_answered)
{
	client_msg m;

	plug_abc();
	m.type = 3;
	m.requested = ip_a;
	m.server_id = 0x0a000001;
	assert_answered(m);
	cr_assert_eq(harness.delivery_count, 0);
	cr_assert_eq(stats().dhcp_replies, 0u);
}

CORE_TEST(dhcp, inform_gets_configuration_only)
{
	client_msg m;
	options o;

	plug_abc();
	m.type = 8;
	m.sip = ip_a;
	m.ciaddr = ip_a;
	assert_answered(m);
	o = check_reply(5, mac_a, ip_a, 0, ip_a, 0);
	assert_lease_options(o, false);
}

CORE_TEST(dhcp, release_and_decline_change_nothing)
{
	client_msg m;

	plug_abc();
	m.type = 7;
	m.sip = m.ciaddr = ip_a;
	m.dst = router1;
	m.dip = router_ip;
	assert_answered(m);
	m.type = 4;
	m.dst = bcast;
	m.dip = all_ones;
	m.sip = m.ciaddr = 0;
	m.requested = ip_a;
	assert_answered(m);
	cr_assert_eq(harness.delivery_count, 0);
	// The address is still A's: the next DISCOVER offers it again.
	m = client_msg{};
	assert_answered(m);
	check_reply(2, mac_a, ip_a, ip_a, 0, 0);
}

CORE_TEST(dhcp, every_port_gets_its_own_lease)
{
	uint8_t frame[400];
	client_msg m;
	options o;

	plug_abc();
	m.chaddr = mac_c;
	client_frame(frame, m);
	memcpy(frame + 6, mac_c, 6);
	cr_assert_eq(xmit(pc, frame, 14 + 20 + 8 + 300), VCORE_XMIT_ANSWERED);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_c);
	cr_assert_arr_eq(harness.deliveries[0].frame + 6, router2, 6);
	const uint8_t *msg = harness.deliveries[0].frame + msg_off;
	cr_assert_eq(be32(msg + 16), ip_c);
	o = parse_options(msg, harness.deliveries[0].len - msg_off);
	assert_u32_option(o, 54, subnet2 + 1);
	assert_u32_option(o, 3, subnet2 + 1);
	assert_u32_option(o, 6, vpc_block + 2);
	assert_str_option(o, 12, "ip-172-31-16-4");
}

CORE_TEST(dhcp, not_subject_to_the_source_check)
{
	vcore_port_desc d = desc_of(mac_a, ip_a, key1, subnet1, &cookie_a);
	client_msg m;

	d.source_dest_check = 1;
	pa = plug_desc(d);
	assert_answered(m);		// from 0.0.0.0
	check_reply(2, mac_a, ip_a, ip_a, 0, 0);
	cr_assert_eq(stats().drop_src_dst_check, 0u);
}

CORE_TEST(dhcp, no_dns_option_without_the_vpc_cidr)
{
	vcore_port_desc d = desc_of(mac_a, ip_a, key1, subnet1, &cookie_a);
	client_msg m;
	options o;

	d.vpc_prefixlen = 0;
	pa = plug_desc(d);
	assert_answered(m);
	o = check_reply(2, mac_a, ip_a, ip_a, 0, 0);
	cr_assert_eq(o.len[6], -1);
}

/* ---- what the server refuses ---- */

CORE_TEST(dhcp, another_hardware_address_has_no_lease)
{
	uint8_t frame[400];
	client_msg m;

	plug_abc();
	m.chaddr = mac_b;
	cr_assert_eq(xmit(pa, frame, client_frame(frame, m)), VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_dest);
}

CORE_TEST(dhcp, malformed_messages)
{
	uint8_t frame[400];
	client_msg m;
	uint32_t len;

	plug_abc();
	len = client_frame(frame, m);
	frame[msg_off + 236] = 0;	// magic cookie
	cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_malformed);
	client_frame(frame, m);
	frame[msg_off] = 2;		// a BOOTREPLY sent to the server
	cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_DROPPED);
	client_frame(frame, m);
	frame[msg_off + 242] = 2;	// DHCPOFFER from a client
	cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_DROPPED);
	client_frame(frame, m);
	frame[msg_off + 240] = 12;	// no message type: option 12 instead
	cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_DROPPED);
	client_frame(frame, m);
	frame[msg_off + 241] = 200;	// an option running past the end
	cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_DROPPED);
	m.type = 8;			// INFORM without ciaddr
	cr_assert_eq(xmit(pa, frame, client_frame(frame, m)), VCORE_XMIT_DROPPED);
	m.type = 1;
	cr_assert_eq(xmit(pa, frame, msg_off + 239), VCORE_XMIT_DROPPED, "cut before the options");
	cr_assert_eq(stats().drop_malformed, 7u);
	cr_assert_eq(harness.delivery_count, 0);
}

CORE_TEST(dhcp, only_the_bytes_at_hand_are_read)
{
	uint8_t frame[400];
	client_msg m;
	uint32_t len = client_frame(frame, m);

	/*
	 * UDP says 308 bytes, fewer are at hand: the options end where the bytes
	 * do. Options: 53 (3 bytes), PAD, 55 (9 bytes), END. A cut between two
	 * options leaves a usable message; a cut inside one, a malformed one.
	 */
	plug_abc();
	for (uint32_t cut = msg_off + 240; cut < len; cut++) {
		uint32_t at = cut - msg_off - 240;
		bool whole = at == 3 || at == 4 || at >= 13;

		harness_clear_deliveries();
		vcore_xmit_verdict v = xmit(pa, frame, cut);
		cr_assert_eq(v, whole ? VCORE_XMIT_ANSWERED : VCORE_XMIT_DROPPED, "cut %u", at);
	}
}

CORE_TEST(dhcp, other_broadcasts_stay_dropped)
{
	uint8_t frame[400];
	client_msg m;
	uint32_t len;

	plug_abc();
	len = client_frame(frame, m);
	frame[37] = 68;			// to the client port: another DHCP server's business
	cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_bcast_mcast);
	client_frame(frame, m);
	frame[14 + 9] = 6;		// TCP to port 67
	cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_bcast_mcast, 2u);
	// To port 67 at a unicast IP that is not the server's, through the router.
	m.dst = router1;
	m.sip = ip_a;
	m.dip = 0x0a000001;
	cr_assert_eq(xmit(pa, frame, client_frame(frame, m)), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_no_route, 1u, "routed like any packet");
	cr_assert_eq(stats().dhcp_replies, 0u);
}
