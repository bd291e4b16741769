// SPDX-License-Identifier: GPL-2.0
// test_fabric_ip6.cc - IPv6 from an ENI: router ND, DHCPv6, switching (core/fabric/ip6.cc).
#include <initializer_list>

#include "ipv6_fixture.h"
#include "fabric/dhcp6.h"
#include "fabric/nd6.h"

using namespace vnitro::fabric;

/*
 *   subnet key 1: 2600:1f18:ab:1200::/64         subnet key 2: 2600:1f18:ab:1201::/64
 *   router 02:56:4e:00:00:01                     router 02:56:4e:00:00:02
 *     fe80::56:4eff:fe00:1 and 2600:1f18:ab:1200::1
 *
 *   +----------------------+ +----------------------+  +----------------------+
 *   | A 02:00:..:00:0a     | | B 02:00:..:00:0b     |  | C 02:00:..:00:0c     |
 *   |   ...:1200::a, ::1a  | |   ...:1200::b        |  |   ...:1201::c        |
 *   +----------+-----------+ +----------+-----------+  +----------+-----------+
 *              |                        |                         |
 *   ===========+========================+=========================+=====  fabric
 *
 * Every port checks sources and destinations, as EC2 creates them; no
 * security groups.
 */

static void setup(void)
{
	fabric_setup();
}

TestSuite(fabric_ip6, .init = setup, .fini = harness_fini);

constexpr uint64_t prefix1 = 0x26001f1800ab1200ull, prefix2 = 0x26001f1800ab1201ull;	// one VPC /56

enum : uint64_t {
	iid_a = 0xa,
	iid_a2 = 0x1a,
	iid_b = 0xb,
	iid_b2 = 0x2b,
	iid_c = 0xc,
	iid_free = 0x99,	// nobody's
};

enum : uint32_t {
	iaid = 0x1a2b3c4d,
	xid = 0x123456,
};

// fe80::ff:fe00:b, B's link-local address.
static const uint8_t lla_b[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0, 0x0b };
// fe80::56:4eff:fe00:2, subnet 2's router.
static const uint8_t lla_router2[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
					 0x00, 0x56, 0x4e, 0xff, 0xfe, 0x00, 0x00, 0x02 };
static const uint8_t unspecified[16] = {};
static const uint8_t all_nodes[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t all_routers[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
static const uint8_t all_dhcp[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2 };
static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
static const uint8_t all_routers_mac[6] = { 0x33, 0x33, 0, 0, 0, 2 };
static const uint8_t all_dhcp_mac[6] = { 0x33, 0x33, 0, 1, 0, 2 };

/* ---- ports ---- */

struct port6 {
	const uint8_t *mac;
	uint32_t ip, key, net;
	int *cookie;
	uint64_t prefix;
};

static const port6 A = { mac_a, ip_a, key1, subnet1, &cookie_a, prefix1 };
static const port6 B = { mac_b, ip_b, key1, subnet1, &cookie_b, prefix1 };
static const port6 C = { mac_c, ip_c, key2, subnet2, &cookie_c, prefix2 };
static const uint8_t mac_d[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0d };
static int cookie_d;
static const port6 D = { mac_d, ip_b + 1, key1, subnet1, &cookie_d, prefix1 };

// @p's descriptor with its subnet's /64 and @iids, the check on.
static vcore_port_desc desc6(const port6 &p, std::initializer_list<uint64_t> iids)
{
	vcore_port_desc d = desc_of(p.mac, p.ip, p.key, p.net, p.cookie);

	d.source_dest_check = 1;
	d.has_ipv6 = 1;
	d.ipv6_prefix = p.prefix;
	for (uint64_t iid : iids)
		d.ipv6_iids[d.ipv6_count++] = iid;
	return d;
}

// @iid under subnet 1's /64.
static addr6 net1(uint64_t iid)
{
	return a6(prefix1, iid);
}

static void plug_v6(void)
{
	pa = plug_desc(desc6(A, { iid_a, iid_a2 }));
	pb = plug_desc(desc6(B, { iid_b }));
	pc = plug_desc(desc6(C, { iid_c }));
}

static int add_err(const vcore_port_desc &d)
{
	long allocs = harness.live_allocs;
	int err = 0;

	cr_assert_null(vcore_fabric_port_add(fab, &d, &err));
	cr_assert_eq(harness.live_allocs, allocs, "a refused port_add kept memory");
	return err;
}

/* ---- neighbour discovery (RFC 4861) ---- */

/*
 * A Neighbor Solicitation from A's @src for @target, to the target's
 * solicited-node address (or unicast to @eth_dst), with A's link-layer
 * address unless from :: (duplicate address detection).
 */
static uint32_t ns_frame(uint8_t *buf, const uint8_t *src, const uint8_t *target,
			 const uint8_t *eth_dst = nullptr)
{
	uint8_t dst[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff };
	uint8_t mac[6] = { 0x33, 0x33, 0xff };
	wire m;

	memcpy(dst + 13, target + 13, 3);
	memcpy(mac + 3, target + 13, 3);
	m.u8(icmp6_neighbor_solicit).u8(0).u16(0).u32(0).put(target, 16);
	if (memcmp(src, unspecified, 16))
		m.u8(nd6_opt_source_lla).u8(1).put(mac_a, 6);
	return v6_frame(buf, eth_dst ? eth_dst : mac, mac_a, src, dst, 58, 255, m);
}

// The advertisement A must get for its solicitation from @to: @target is at @mac.
static uint32_t na_frame(uint8_t *buf, const uint8_t *to, const uint8_t *target,
			 const uint8_t *mac, uint8_t flags)
{
	wire m;

	m.u8(icmp6_neighbor_advert).u8(0).u16(0).u8(flags).u8(0).u16(0).put(target, 16);
	m.u8(nd6_opt_target_lla).u8(1).put(mac, 6);
	return v6_frame(buf, mac_a, mac, target, to, 58, 255, m);
}

// A Router Solicitation from A's @src to ff02::2, its link-layer address unless from ::.
static uint32_t rs_frame(uint8_t *buf, const uint8_t *src, const uint8_t *eth_dst = all_routers_mac)
{
	wire m;

	m.u8(icmp6_router_solicit).u8(0).u16(0).u32(0);
	if (memcmp(src, unspecified, 16))
		m.u8(nd6_opt_source_lla).u8(1).put(mac_a, 6);
	return v6_frame(buf, eth_dst, mac_a, src, all_routers, 58, 255, m);
}

/*
 * Subnet 1's advertisement as EC2 words it: hop limit 64, M (DHCPv6
 * addresses), default router for 1800 s; the router's MAC, MTU 9001, the
 * /64 on-link and not autonomous with RFC 4861's default lifetimes.
 */
static uint32_t ra_frame(uint8_t *buf, const uint8_t *eth_dst, const uint8_t *dst)
{
	wire m;

	m.u8(icmp6_router_advert).u8(0).u16(0).u8(64).u8(nd6_ra_managed).u16(1800).u32(0).u32(0);
	m.u8(nd6_opt_source_lla).u8(1).put(router1, 6);
	m.u8(nd6_opt_mtu).u8(1).u16(0).u32(9001);
	m.u8(nd6_opt_prefix_info).u8(4).u8(64).u8(nd6_prefix_on_link).u32(2592000).u32(604800);
	m.u32(0).put(net1(0).b, 16);
	return v6_frame(buf, eth_dst, router1, lla_router1, dst, 58, 255, m);
}

// Delivery @i is a copy for A holding exactly @want, its checksum right.
static void assert_copy_to_a(uint32_t i, const uint8_t *want, uint32_t len)
{
	const harness_delivery &d = harness.deliveries[i];

	cr_assert_gt(harness.delivery_count, i, "no delivery %u", i);
	cr_assert(d.copy, "delivery %u is not a copy", i);
	cr_assert_eq(d.cookie, &cookie_a);
	cr_assert_eq(d.len, len);
	cr_assert_eq(ref_l4_csum(d.frame, len - v6_l4_off), 0, "upper-layer checksum");
	assert_frame(d.frame, want, len);
}

// A's solicitation from @src for @target is answered: at @mac, with @flags.
static void assert_ns_answered(const uint8_t *src, const uint8_t *target, const uint8_t *mac,
			       uint8_t flags, const uint8_t *eth_dst = nullptr)
{
	uint8_t frame[128], want[128];

	harness_clear_deliveries();
	cr_assert_eq(xmit(pa, frame, ns_frame(frame, src, target, eth_dst)), VCORE_XMIT_ANSWERED);
	cr_assert_eq(harness.delivery_count, 1u);
	assert_copy_to_a(0, want, na_frame(want, src, target, mac, flags));
}

CORE_TEST(fabric_ip6, ns_for_a_neighbour_is_answered_with_its_mac)
{
	vcore_fabric_stats s;

	plug_v6();
	assert_ns_answered(net1(iid_a).b, net1(iid_b).b, mac_b,
			   nd6_na_solicited | nd6_na_override);
	cr_assert_eq(stats().nd6_replies, 1u);
	// From A's link-local address too.
	assert_ns_answered(lla_a, net1(iid_b).b, mac_b, nd6_na_solicited | nd6_na_override);
	// A reachability probe unicast to the router's MAC is answered too.
	assert_ns_answered(lla_a, net1(iid_b).b, mac_b, nd6_na_solicited | nd6_na_override,
			   router1);
	s = stats();
	cr_assert_eq(s.nd6_replies, 3u);
	cr_assert_eq(stats_total(s), 3u);
	// The port counts neighbour answers with its ARP replies.
	cr_assert_eq(port_stats(pa).rx_arp_replies, 3u);
	cr_assert_eq(port_stats(pa).tx_dropped, 0u);
}

CORE_TEST(fabric_ip6, ns_for_the_router_is_answered_with_the_router_mac)
{
	const uint8_t flags = nd6_na_router | nd6_na_solicited | nd6_na_override;

	plug_v6();
	assert_ns_answered(lla_a, lla_router1, router1, flags);
	assert_ns_answered(net1(iid_a).b, net1(1).b, router1, flags);
	cr_assert_eq(stats().nd6_replies, 2u);
}

CORE_TEST(fabric_ip6, ns_nobody_answers_for_is_dropped)
{
	const addr6 targets[] = {
		net1(iid_free),		// nobody's
		a6(prefix2, iid_c),	// C's, under another subnet's /64
		net1(iid_a2),		// A's own
		net1(2),		// the /64's second address is no router's
	};
	uint8_t frame[128];

	plug_v6();
	for (const addr6 &t : targets)
		cr_assert_eq(xmit(pa, frame, ns_frame(frame, lla_a, t.b)), VCORE_XMIT_DROPPED);
	// B's link-local address and the router of another subnet are not ours to tell.
	cr_assert_eq(xmit(pa, frame, ns_frame(frame, lla_a, lla_b)), VCORE_XMIT_DROPPED);
	cr_assert_eq(xmit(pa, frame, ns_frame(frame, lla_a, lla_router2)), VCORE_XMIT_DROPPED);
	// Duplicate address detection of B's address: B answers it itself, if anyone.
	cr_assert_eq(xmit(pa, frame, ns_frame(frame, unspecified, net1(iid_b).b)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(harness.delivery_count, 0u);
	cr_assert_eq(stats().drop_no_dest, 7u);
	cr_assert_eq(stats_total(stats()), 7u);
	cr_assert_eq(port_stats(pa).tx_dropped, 7u);
}

CORE_TEST(fabric_ip6, ns_for_a_port_of_another_subnet_under_the_same_prefix_is_dropped)
{
	vcore_port_desc d = desc6(C, { iid_c });
	uint8_t frame[128];

	// The fabric does not tie a /64 to one subnet key: the key decides.
	d.ipv6_prefix = prefix1;
	pa = plug_desc(desc6(A, { iid_a }));
	pc = plug_desc(d);
	cr_assert_eq(xmit(pa, frame, ns_frame(frame, lla_a, net1(iid_c).b)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_dest);
}

CORE_TEST(fabric_ip6, rs_gets_a_router_advertisement)
{
	uint8_t frame[128], want[128];

	plug_v6();
	cr_assert_eq(xmit(pa, frame, rs_frame(frame, lla_a)), VCORE_XMIT_ANSWERED);
	cr_assert_eq(harness.delivery_count, 1u);
	assert_copy_to_a(0, want, ra_frame(want, mac_a, lla_a));
	// From :: the answer goes to all nodes (RFC 4861 6.2.6).
	harness_clear_deliveries();
	cr_assert_eq(xmit(pa, frame, rs_frame(frame, unspecified)), VCORE_XMIT_ANSWERED);
	assert_copy_to_a(0, want, ra_frame(want, all_nodes_mac, all_nodes));
	// Unicast to the router's MAC.
	harness_clear_deliveries();
	cr_assert_eq(xmit(pa, frame, rs_frame(frame, lla_a, router1)), VCORE_XMIT_ANSWERED);
	assert_copy_to_a(0, want, ra_frame(want, mac_a, lla_a));
	cr_assert_eq(stats().ra_sent, 3u);
	cr_assert_eq(stats_total(stats()), 3u);
	cr_assert_eq(stats().nd6_replies, 0u);
}

/*
 * The routers' periodic advertisements (RFC 4861 6.2.4): one to all nodes
 * for each ENI whose subnet has a block, exactly what a solicitation from ::
 * gets; none for an ENI of a subnet without one, nor for a gateway.
 */
CORE_TEST(fabric_ip6, periodic_advertisements_reach_every_ipv6_eni)
{
	vcore_port_desc d = desc6(D, {});
	uint8_t want[128];
	uint32_t to_a = 0, to_b = 0, to_c = 0;

	plug_v6();
	d.has_ipv6 = 0;
	plug_desc(d);
	pigw = plug_desc(igw_desc(1));
	cr_assert_eq(vcore_fabric_advertise(fab), 3u);
	cr_assert_eq(harness.delivery_count, 3u);
	cr_assert_eq(stats().ra_sent, 3u);
	for (uint32_t i = 0; i < 3; i++) {
		const harness_delivery &del = harness.deliveries[i];

		cr_assert(del.copy);
		cr_assert(!memcmp(del.frame, all_nodes_mac, 6), "to all nodes");
		to_a += del.cookie == &cookie_a;
		to_b += del.cookie == &cookie_b;
		to_c += del.cookie == &cookie_c;
		if (del.cookie == &cookie_a)
			assert_copy_to_a(i, want, ra_frame(want, all_nodes_mac, all_nodes));
	}
	cr_assert(to_a == 1 && to_b == 1 && to_c == 1, "one each for A, B and C");
}

/* ---- DHCPv6 (RFC 8415) ---- */

// A's DUID-LLT.
static wire client_duid(void)
{
	return wire().u16(1).u16(1).u32(0x2b3c4d5e).put(mac_a, 6);
}

// A router's DUID-LL: the server identifier.
static wire server_duid(const uint8_t *router)
{
	return wire().u16(3).u16(1).put(router, 6);
}

// The IA_NA EC2 answers with: @iids under subnet 1's /64, 140 s preferred, 375 s valid.
static wire ia_na_given(std::initializer_list<uint64_t> iids)
{
	wire ia;

	ia.u32(iaid).u32(iids.size() ? 70 : 0).u32(iids.size() ? 112 : 0);
	for (uint64_t iid : iids)
		ia.opt(dhcp6_opt_ia_addr, wire().put(net1(iid).b, 16).u32(140).u32(375));
	if (!iids.size())
		ia.opt(dhcp6_opt_status_code, wire().u16(dhcp6_status_no_addrs_avail));
	return ia;
}

// A's client's options: its DUID, the server's (@server nullptr: none), an empty IA_NA.
static wire client_opts(const uint8_t *server)
{
	wire o = wire().opt(dhcp6_opt_client_id, client_duid());

	if (server)
		o.opt(dhcp6_opt_server_id, server_duid(server));
	return o.opt(dhcp6_opt_ia_na, wire().u32(iaid).u32(0).u32(0));
}

// The server's: A's DUID echoed, the router's, the IA_NA of @iids.
static wire server_opts(std::initializer_list<uint64_t> iids)
{
	return wire().opt(dhcp6_opt_client_id, client_duid())
		     .opt(dhcp6_opt_server_id, server_duid(router1))
		     .opt(dhcp6_opt_ia_na, ia_na_given(iids));
}

// A DHCPv6 message of @type carrying @opts, UDP @sport to @dport.
static wire dhcp6_udp(uint16_t sport, uint16_t dport, uint8_t type, const wire &opts)
{
	wire m;

	m.u16(sport).u16(dport).u16(static_cast<uint16_t>(8 + 4 + opts.len)).u16(0);
	return m.u32(static_cast<uint32_t>(type) << 24 | xid).put(opts.b, opts.len);
}

// What A's client sends: from its link-local address to ff02::1:2.
static uint32_t client_frame(uint8_t *buf, uint8_t type, const wire &opts)
{
	return v6_frame(buf, all_dhcp_mac, mac_a, lla_a, all_dhcp, 17, 1,
			dhcp6_udp(dhcp6_client_port, dhcp6_server_port, type, opts));
}

// What the server must answer: from the router's link-local address to A's.
static uint32_t server_frame(uint8_t *buf, uint8_t type, const wire &opts)
{
	return v6_frame(buf, mac_a, router1, lla_router1, lla_a, 17, 64,
			dhcp6_udp(dhcp6_server_port, dhcp6_client_port, type, opts));
}

// A's client sends @type with @opts; the server answers @answer with @answer_opts (and an RA).
static void assert_dhcp6_answer(uint8_t type, const wire &opts, uint8_t answer,
				const wire &answer_opts, bool with_ra)
{
	uint8_t frame[256], want[256];

	harness_clear_deliveries();
	cr_assert_eq(xmit(pa, frame, client_frame(frame, type, opts)), VCORE_XMIT_ANSWERED);
	cr_assert_eq(harness.delivery_count, with_ra ? 2u : 1u);
	assert_copy_to_a(0, want, server_frame(want, answer, answer_opts));
	if (with_ra)
		assert_copy_to_a(1, want, ra_frame(want, mac_a, lla_a));
}

CORE_TEST(fabric_ip6, solicit_is_advertised_every_address)
{
	plug_v6();
	assert_dhcp6_answer(dhcp6_solicit, client_opts(nullptr), dhcp6_advertise,
			    server_opts({ iid_a, iid_a2 }), false);
	cr_assert_eq(stats().dhcp6_replies, 1u);
	cr_assert_eq(stats().ra_sent, 0u, "no RA with an ADVERTISE");
	cr_assert_eq(stats_total(stats()), 1u);
}

CORE_TEST(fabric_ip6, rapid_commit_request_and_renew_get_a_reply_and_an_ra)
{
	wire rapid = wire().opt(dhcp6_opt_rapid_commit, wire());
	wire given = server_opts({ iid_a, iid_a2 });

	plug_v6();
	assert_dhcp6_answer(dhcp6_solicit, client_opts(nullptr).put(rapid.b, rapid.len),
			    dhcp6_reply, wire(given).put(rapid.b, rapid.len), true);
	assert_dhcp6_answer(dhcp6_request, client_opts(router1), dhcp6_reply, given, true);
	assert_dhcp6_answer(dhcp6_renew, client_opts(router1), dhcp6_reply, given, true);
	cr_assert_eq(stats().dhcp6_replies, 3u);
	cr_assert_eq(stats().ra_sent, 3u);
	cr_assert_eq(stats_total(stats()), 6u);
}

CORE_TEST(fabric_ip6, a_port_without_addresses_is_told_none_are_available)
{
	pa = plug_desc(desc6(A, {}));
	assert_dhcp6_answer(dhcp6_solicit, client_opts(nullptr), dhcp6_advertise, server_opts({}),
			    false);
}

CORE_TEST(fabric_ip6, a_request_for_another_server_is_dropped)
{
	uint8_t frame[256];
	uint32_t len = client_frame(frame, dhcp6_request, client_opts(router2));

	plug_v6();
	cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_dest);
}

/* ---- switching within a subnet ---- */

// @p, at @mac, sends a UDP datagram to @eth_dst from @src to @dst.
static vcore_xmit_verdict send_udp6(vcore_fabric_port *p, const uint8_t *mac,
				    const uint8_t *eth_dst, const uint8_t *src, const uint8_t *dst)
{
	uint8_t frame[128];

	return xmit(p, frame, v6_frame(frame, eth_dst, mac, src, dst, 17, 64,
				       wire().u16(40000).u16(7).u16(12).u16(0).u32(0xdeadbeef)));
}

static vcore_xmit_verdict a_sends(const uint8_t *eth_dst, const uint8_t *src, const uint8_t *dst)
{
	return send_udp6(pa, mac_a, eth_dst, src, dst);
}

// Turns @p's source/dest check off, keeping its addresses (@iids).
static void check_off(vcore_fabric_port *p, const port6 &which,
		      std::initializer_list<uint64_t> iids)
{
	vcore_port_desc d = desc6(which, iids);

	d.source_dest_check = 0;
	cr_assert_eq(vcore_fabric_port_update(fab, p, &d), 0);
}

CORE_TEST(fabric_ip6, unicast_is_switched_within_the_subnet)
{
	plug_v6();
	cr_assert_eq(a_sends(mac_b, net1(iid_a).b, net1(iid_b).b), VCORE_XMIT_DELIVERED);
	cr_assert_eq(harness.delivery_count, 1u);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_b);
	cr_assert_not(harness.deliveries[0].copy, "switched, not copied");
	cr_assert_eq(harness.deliveries[0].frame_ctx, &frame_token);
	// A's second address, link-local to link-local, and back.
	cr_assert_eq(a_sends(mac_b, net1(iid_a2).b, net1(iid_b).b), VCORE_XMIT_DELIVERED);
	cr_assert_eq(a_sends(mac_b, lla_a, lla_b), VCORE_XMIT_DELIVERED);
	cr_assert_eq(send_udp6(pb, mac_b, mac_a, net1(iid_b).b, net1(iid_a2).b),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(stats().forwarded, 4u);
	cr_assert_eq(stats_total(stats()), 4u);
}

CORE_TEST(fabric_ip6, the_check_refuses_foreign_sources_and_destinations)
{
	plug_v6();
	cr_assert_eq(a_sends(mac_b, net1(iid_free).b, net1(iid_b).b), VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_src_dst_check);
	cr_assert_eq(port_stats(pa).tx_src_dst_dropped, 1u);
	cr_assert_eq(port_stats(pb).rx_src_dst_dropped, 0u);
	// B's address, and A's interface identifier under another /64, are not A's either.
	cr_assert_eq(a_sends(mac_b, net1(iid_b).b, net1(iid_b).b), VCORE_XMIT_DROPPED);
	cr_assert_eq(a_sends(mac_b, a6(prefix2, iid_a).b, net1(iid_b).b), VCORE_XMIT_DROPPED);
	cr_assert_eq(port_stats(pa).tx_src_dst_dropped, 3u);
	// An address that is not B's is not delivered to B.
	cr_assert_eq(a_sends(mac_b, net1(iid_a).b, net1(iid_free).b), VCORE_XMIT_DROPPED);
	cr_assert_eq(port_stats(pb).rx_src_dst_dropped, 1u);
	cr_assert_eq(port_stats(pa).tx_src_dst_dropped, 3u);
	cr_assert_eq(stats().drop_src_dst_check, 4u);
	// With its check off A sends for others, and B receives for others.
	check_off(pa, A, { iid_a, iid_a2 });
	cr_assert_eq(a_sends(mac_b, net1(iid_free).b, net1(iid_b).b), VCORE_XMIT_DELIVERED);
	cr_assert_eq(a_sends(mac_b, net1(iid_a).b, net1(iid_free).b), VCORE_XMIT_DROPPED);
	check_off(pb, B, { iid_b });
	cr_assert_eq(a_sends(mac_b, net1(iid_a).b, net1(iid_free).b), VCORE_XMIT_DELIVERED);
	cr_assert_eq(stats().forwarded, 2u);
	cr_assert_eq(port_stats(pb).rx_src_dst_dropped, 2u);
}

CORE_TEST(fabric_ip6, frames_for_no_neighbour_are_dropped)
{
	static const uint8_t nobody[6] = { 0x02, 0, 0, 0, 0, 0x77 };
	vcore_port_desc d = desc_of(mac_b, ip_b, key1, subnet1, &cookie_b);

	plug_v6();
	cr_assert_eq(a_sends(mac_c, net1(iid_a).b, a6(prefix2, iid_c).b), VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_cross_subnet);
	cr_assert_eq(a_sends(nobody, net1(iid_a).b, net1(iid_b).b), VCORE_XMIT_DROPPED);
	cr_assert_eq(a_sends(mac_a, net1(iid_a).b, net1(iid_a2).b), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_no_dest, 2u);
	// B's port lost the subnet's block before A's did.
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), 0);
	cr_assert_eq(a_sends(mac_b, lla_a, lla_b), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_no_ipv6, 1u);
	cr_assert_eq(harness.delivery_count, 0u);
}

/* ---- what the VPC does not carry ---- */

CORE_TEST(fabric_ip6, a_subnet_without_ipv6_carries_none)
{
	uint8_t frame[128];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, ns_frame(frame, lla_a, lla_router1)), VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_ipv6);
	cr_assert_eq(xmit(pa, frame, rs_frame(frame, lla_a)), VCORE_XMIT_DROPPED);
	cr_assert_eq(a_sends(mac_b, lla_a, lla_b), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_no_ipv6, 3u);
	cr_assert_eq(stats_total(stats()), 3u);
	cr_assert_eq(harness.delivery_count, 0u);
}

/*
 * The router carries IPv6 on the VPC's local route: to an ENI's address in
 * another subnet, readdressed from that subnet's router, one hop fewer.
 * Nothing else is routed yet (the router's own address, the internet).
 */
CORE_TEST(fabric_ip6, the_local_route_carries_ipv6_between_subnets)
{
	static const uint8_t outside[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
					     0, 0, 0, 0, 0, 0, 0, 1 };
	wire echo = wire().u8(128).u8(0).u16(0).u32(0x00010001);
	uint8_t frame[128];

	plug_v6();
	cr_assert_eq(a_sends(router1, net1(iid_a).b, a6(prefix2, iid_c).b), VCORE_XMIT_DELIVERED);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_c);
	cr_assert_not(harness.deliveries[0].copy, "routed in place, not copied");
	cr_assert(!memcmp(xmitted, mac_c, 6) && !memcmp(xmitted + 6, router2, 6),
		  "to C's MAC from subnet 2's router");
	cr_assert_eq(xmitted[14 + 7], 63, "one hop fewer");
	cr_assert_eq(stats().routed, 1u);
	cr_assert_eq(xmit(pa, frame, v6_frame(frame, router1, mac_a, net1(iid_a).b, net1(1).b, 58,
					      64, echo)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(a_sends(router1, net1(iid_a).b, outside), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_no_route, 2u);
	cr_assert_eq(xmit(pa, frame, v6_frame(frame, router1, mac_a, net1(iid_a).b,
					      a6(prefix2, iid_c).b, 58, 1, echo)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_ttl, 1u);
	// The source check comes first.
	cr_assert_eq(a_sends(router1, net1(iid_free).b, a6(prefix2, iid_c).b), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_src_dst_check, 1u);
	cr_assert_eq(stats().routed, 1u);
}

/* ---- network ACLs and security groups on IPv6 ---- */

// @p, at @mac, sends UDP @sport -> @dport to @eth_dst from @src to @dst.
static vcore_xmit_verdict udp6(vcore_fabric_port *p, const uint8_t *mac, const uint8_t *eth_dst,
			       const uint8_t *src, const uint8_t *dst, uint16_t sport,
			       uint16_t dport)
{
	uint8_t frame[128];

	return xmit_tracked(p, frame, v6_frame(frame, eth_dst, mac, src, dst, 17, 64,
				       wire().u16(sport).u16(dport).u16(12).u16(0).u32(0xdeadbeef)));
}

static vcore_xmit_verdict a_to_b(uint16_t sport, uint16_t dport)
{
	return udp6(pa, mac_a, mac_b, net1(iid_a).b, net1(iid_b).b, sport, dport);
}

static vcore_xmit_verdict b_to_a(uint16_t sport, uint16_t dport)
{
	return udp6(pb, mac_b, mac_a, net1(iid_b).b, net1(iid_a).b, sport, dport);
}

// A rule for protocol @proto (ports all, ICMP any) with the IPv6 block @hi:@lo/@len.
template <typename Rule>
static Rule v6_rule(uint16_t proto, uint64_t hi, uint64_t lo, uint8_t len)
{
	Rule r = {};

	r.proto = proto;
	r.port_hi = 0xffff;
	r.icmp_type = r.icmp_code = -1;
	r.ipv6 = 1;
	r.cidr6_hi = hi;
	r.cidr6_lo = lo;
	r.cidr_prefixlen = len;
	return r;
}

static vcore_nacl_rule acl_rule(uint16_t number, bool allow, vcore_nacl_rule r)
{
	r.number = number;
	r.allow = allow;
	return r;
}

// Subnet 2 (C's) filtered by ACL 7.
static void acl_on_subnet2(const vcore_fabric_nacl_desc &acl)
{
	vcore_fabric_subnet_desc sub = {};

	cr_assert_eq(vcore_fabric_nacl_set(fab, &acl), 0);
	sub.key = key2;
	sub.vpc_key = vpc1;
	sub.addr = subnet2;
	sub.prefixlen = 20;
	sub.nacl_key = acl.key;
	cr_assert_eq(vcore_fabric_subnet_set(fab, &sub), 0);
}

/*
 * An ACL decides IPv6 by its IPv6 rules only, lowest number first: an
 * IPv4 "allow all" (rule 100) lets no IPv6 in; EC2's rule 101 (::/0) does;
 * a lower-numbered IPv6 deny for one port wins over it, and an IPv4 deny
 * below everything does not touch IPv6.
 */
CORE_TEST(fabric_ip6, an_acl_decides_ipv6_by_its_ipv6_rules)
{
	vcore_fabric_nacl_desc acl = {};
	vcore_nacl_rule v4_all = {};

	plug_v6();
	v4_all.proto = VCORE_SG_PROTO_ALL;
	v4_all.port_hi = 0xffff;
	v4_all.icmp_type = v4_all.icmp_code = -1;
	acl.key = 7;
	acl.ingress[acl.ingress_count++] = acl_rule(100, true, v4_all);
	acl.egress[acl.egress_count++] = acl_rule(100, true, v4_all);
	acl_on_subnet2(acl);
	cr_assert_eq(a_sends(router1, net1(iid_a).b, a6(prefix2, iid_c).b), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_nacl, 1u);
	cr_assert_eq(port_stats(pa).tx_dropped, 1u);

	acl.ingress[acl.ingress_count++] =
		acl_rule(101, true, v6_rule<vcore_nacl_rule>(VCORE_SG_PROTO_ALL, 0, 0, 0));
	acl_on_subnet2(acl);
	cr_assert_eq(a_sends(router1, net1(iid_a).b, a6(prefix2, iid_c).b), VCORE_XMIT_DELIVERED);

	// Rule 90: no UDP to port 7 from subnet 1's /64; rule 10: IPv4 denied.
	vcore_nacl_rule no7 = v6_rule<vcore_nacl_rule>(17, prefix1, 0, 64);
	no7.port_lo = no7.port_hi = 7;
	acl.ingress[acl.ingress_count++] = acl_rule(90, false, no7);
	acl.ingress[acl.ingress_count++] = acl_rule(10, false, v4_all);
	acl_on_subnet2(acl);
	cr_assert_eq(a_sends(router1, net1(iid_a).b, a6(prefix2, iid_c).b), VCORE_XMIT_DROPPED);
	cr_assert_eq(udp6(pa, mac_a, router1, net1(iid_a).b, a6(prefix2, iid_c).b, 40000, 8),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(stats().drop_nacl, 2u);
	// C's replies leave by subnet 2's egress rules: IPv4 only there.
	cr_assert_eq(udp6(pc, mac_c, router2, a6(prefix2, iid_c).b, net1(iid_a).b, 8, 40000),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_nacl, 3u);
}

CORE_TEST(fabric_ip6, acl_numbers_are_unique_across_families_and_blocks_checked)
{
	vcore_fabric_nacl_desc acl = {};
	vcore_nacl_rule r = v6_rule<vcore_nacl_rule>(VCORE_SG_PROTO_ALL, 0, 0, 0);

	acl.key = 7;
	acl.ingress[0] = acl_rule(100, true, r);
	acl.ingress[1] = acl_rule(100, true, r);
	acl.ingress[1].ipv6 = 0;
	acl.ingress_count = 2;
	cr_assert_eq(vcore_fabric_nacl_set(fab, &acl), -EINVAL);
	acl.ingress_count = 1;
	acl.ingress[0].cidr_prefixlen = 129;
	cr_assert_eq(vcore_fabric_nacl_set(fab, &acl), -EINVAL);
	acl.ingress[0] = acl_rule(100, true, v6_rule<vcore_nacl_rule>(17, prefix1, 1, 64));
	cr_assert_eq(vcore_fabric_nacl_set(fab, &acl), -EINVAL, "host bits past /64");
	acl.ingress[0].cidr6_lo = 0;
	cr_assert_eq(vcore_fabric_nacl_set(fab, &acl), 0);
}

enum : uint32_t { sg_b = 21, sg_a = 22 };

// B's group: UDP port 7 in from subnet 1's /64 (IPv6), everything in from IPv4 anywhere.
static void group_b(void)
{
	vcore_fabric_sg_desc g = {};
	vcore_sg_rule v4_all = {};
	vcore_sg_rule port7 = v6_rule<vcore_sg_rule>(17, prefix1, 0, 64);

	v4_all.proto = VCORE_SG_PROTO_ALL;
	v4_all.port_hi = 0xffff;
	v4_all.icmp_type = v4_all.icmp_code = -1;
	port7.port_lo = port7.port_hi = 7;
	g.key = sg_b;
	g.vpc_key = vpc1;
	g.ingress[g.ingress_count++] = v4_all;
	g.ingress[g.ingress_count++] = port7;
	cr_assert_eq(vcore_fabric_sg_set(fab, &g), 0);
}

// @which at @p in group @key (its addresses @iids kept).
static void join(vcore_fabric_port *p, const port6 &which, std::initializer_list<uint64_t> iids,
		 uint32_t key)
{
	vcore_port_desc d = desc6(which, iids);

	d.sg_count = 1;
	d.sg_keys[0] = key;
	cr_assert_eq(vcore_fabric_port_update(fab, p, &d), 0);
}

/*
 * A group's IPv6 rules filter IPv6 within a subnet, statefully: what a rule
 * lets in is tracked, so the reply leaves although B allows nothing out;
 * an IPv4 "all traffic" rule lets no IPv6 through.
 */
CORE_TEST(fabric_ip6, groups_filter_ipv6_by_their_ipv6_rules_and_track_it)
{
	plug_v6();
	group_b();
	join(pb, B, { iid_b }, sg_b);
	cr_assert_eq(a_to_b(40000, 7), VCORE_XMIT_DELIVERED);
	cr_assert_eq(a_to_b(40000, 8), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_sg, 1u);
	cr_assert_eq(port_stats(pb).sg_ingress_dropped, 1u);
	cr_assert_eq(b_to_a(7, 40000), VCORE_XMIT_DELIVERED, "the reply of a tracked flow");
	cr_assert_eq(b_to_a(7, 40001), VCORE_XMIT_DROPPED, "B allows nothing out");
	cr_assert_eq(port_stats(pb).sg_egress_dropped, 1u);
	cr_assert_eq(vcore_fabric_conntrack_flows(fab), 1u);
}

/*
 * A rule naming a group matches its members' IPv6 addresses as well as
 * their IPv4 ones; an ICMPv6 rule names ICMPv6 types, and echo replies and
 * errors about a tracked flow pass by tracking.
 */
CORE_TEST(fabric_ip6, group_references_and_icmpv6_rules)
{
	vcore_fabric_sg_desc g = {};
	vcore_sg_rule from_a = {}, echo = v6_rule<vcore_sg_rule>(58, 0, 0, 0);
	wire ping = wire().u8(128).u8(0).u16(0).u32(0x00420001);
	wire pong = wire().u8(129).u8(0).u16(0).u32(0x00420001);
	wire own_ping = wire().u8(128).u8(0).u16(0).u32(0x00430001);
	uint8_t frame[160];

	plug_v6();
	from_a.proto = 17;
	from_a.port_lo = 1000;
	from_a.port_hi = 2000;
	from_a.icmp_type = from_a.icmp_code = -1;
	from_a.peer_sg = sg_a;
	echo.port_hi = 0;
	echo.icmp_type = 128;
	g.key = sg_b;
	g.vpc_key = vpc1;
	g.ingress[g.ingress_count++] = from_a;
	g.ingress[g.ingress_count++] = echo;
	cr_assert_eq(vcore_fabric_sg_set(fab, &g), 0);
	join(pb, B, { iid_b }, sg_b);
	cr_assert_eq(a_to_b(40000, 1500), VCORE_XMIT_DROPPED, "A is in no group yet");
	g = {};
	g.key = sg_a;
	g.vpc_key = vpc1;
	cr_assert_eq(vcore_fabric_sg_set(fab, &g), 0);
	join(pa, A, { iid_a, iid_a2 }, sg_a);
	cr_assert_eq(a_to_b(40000, 1500), VCORE_XMIT_DROPPED, "A's group allows nothing out");
	g.egress[g.egress_count++] = v6_rule<vcore_sg_rule>(VCORE_SG_PROTO_ALL, 0, 0, 0);
	cr_assert_eq(vcore_fabric_sg_set(fab, &g), 0);
	cr_assert_eq(a_to_b(40000, 1500), VCORE_XMIT_DELIVERED);
	cr_assert_eq(udp6(pa, mac_a, mac_b, net1(iid_a2).b, net1(iid_b).b, 40000, 1999),
		     VCORE_XMIT_DELIVERED, "A's second address is A's too");
	cr_assert_eq(a_to_b(40000, 2001), VCORE_XMIT_DROPPED);

	cr_assert_eq(xmit_tracked(pa, frame, v6_frame(frame, mac_b, mac_a, net1(iid_a).b, net1(iid_b).b,
					      58, 64, ping)),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(xmit_tracked(pb, frame, v6_frame(frame, mac_a, mac_b, net1(iid_b).b, net1(iid_a).b,
					      58, 64, pong)),
		     VCORE_XMIT_DELIVERED, "A's echo is tracked: B's reply comes back in");
	cr_assert_eq(xmit_tracked(pb, frame, v6_frame(frame, mac_a, mac_b, net1(iid_b).b,
						      net1(iid_a).b, 58, 64, own_ping)),
		     VCORE_XMIT_DROPPED, "B's own echo request: B allows nothing out");

	// Packet too big (2) quoting A's tracked UDP flow: related, it reaches A.
	wire too_big = wire().u8(2).u8(0).u16(0).u32(1280).u32(0x60000000).u16(12).u8(17).u8(64)
			       .put(net1(iid_a).b, 16).put(net1(iid_b).b, 16)
			       .u16(40000).u16(1500).u16(12).u16(0);
	cr_assert_eq(xmit_tracked(pb, frame, v6_frame(frame, mac_a, mac_b, net1(iid_b).b, net1(iid_a).b,
					      58, 64, too_big)),
		     VCORE_XMIT_DELIVERED);
	wire stray = too_big;
	stray.b[48] = 0x9c;	// quoting destination port 40000 -> 39999... a flow nobody has
	stray.b[49] = 0x3f;
	cr_assert_eq(xmit_tracked(pb, frame, v6_frame(frame, mac_a, mac_b, net1(iid_b).b, net1(iid_a).b,
					      58, 64, stray)),
		     VCORE_XMIT_DROPPED);
}

// Extension headers are walked past: the UDP port behind a hop-by-hop header is what rules see.
CORE_TEST(fabric_ip6, rules_see_the_transport_header_past_extension_headers)
{
	uint8_t frame[160];
	wire hbh7 = wire().u8(17).u8(0).u16(0x0104).u32(0)	// Pad1... PadN: 8 bytes
			     .u16(40000).u16(7).u16(12).u16(0).u32(0xdeadbeef);
	wire hbh8 = wire().u8(17).u8(0).u16(0x0104).u32(0)
			     .u16(40000).u16(8).u16(12).u16(0).u32(0xdeadbeef);

	plug_v6();
	group_b();
	join(pb, B, { iid_b }, sg_b);
	cr_assert_eq(xmit_tracked(pa, frame, v6_frame(frame, mac_b, mac_a, net1(iid_a).b, net1(iid_b).b,
					      0, 64, hbh7)),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(xmit_tracked(pa, frame, v6_frame(frame, mac_b, mac_a, net1(iid_a).b, net1(iid_b).b,
					      0, 64, hbh8)),
		     VCORE_XMIT_DROPPED);
}

/*
 * EC2 counts a group's rules per address family (60 for IPv4, 60 for
 * IPv6, a group rule in both): the fabric takes 60 of each and no more.
 */
CORE_TEST(fabric_ip6, a_group_holds_sixty_rules_per_family)
{
	vcore_fabric_sg_desc *g = static_cast<vcore_fabric_sg_desc *>(calloc(1, sizeof(*g)));
	vcore_sg_rule r4 = {}, r6 = v6_rule<vcore_sg_rule>(17, 0, 0, 0);

	r4.proto = 17;
	r4.icmp_type = r4.icmp_code = -1;
	g->key = sg_b;
	g->vpc_key = vpc1;
	for (uint16_t i = 0; i < VCORE_SG_MAX_RULES; i++) {
		r4.port_lo = r4.port_hi = i;
		r6.port_lo = r6.port_hi = i;
		g->ingress[g->ingress_count++] = r4;
		g->ingress[g->ingress_count++] = r6;
	}
	cr_assert_eq(vcore_fabric_sg_set(fab, g), 0);
	g->ingress[0] = r6;
	cr_assert_eq(vcore_fabric_sg_set(fab, g), -EINVAL, "61 IPv6 rules");
	g->ingress[0] = r4;
	g->ingress[1].peer_sg = sg_a;
	g->ingress[1].ipv6 = 0;
	g->ingress[1].cidr_prefixlen = 0;
	cr_assert_eq(vcore_fabric_sg_set(fab, g), -EINVAL, "a group rule counts for IPv4 too");
	g->ingress[1] = r6;
	g->ingress[1].cidr_prefixlen = 129;
	cr_assert_eq(vcore_fabric_sg_set(fab, g), -EINVAL);
	g->ingress[1].cidr_prefixlen = 0;
	g->ingress[1].ipv6 = 2;
	cr_assert_eq(vcore_fabric_sg_set(fab, g), -EINVAL);
	free(g);
}

CORE_TEST(fabric_ip6, multicast_other_than_nd_and_dhcp6_is_dropped)
{
	static const uint8_t mld_routers[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0,
						 0, 0, 0, 0, 0, 0, 0, 0x16 };
	static const uint8_t mld_mac[6] = { 0x33, 0x33, 0, 0, 0, 0x16 };
	wire mld = wire().u8(143).u8(0).u16(0).u16(0).u16(0);
	wire na = wire().u8(icmp6_neighbor_advert).u8(0).u16(0).u8(nd6_na_override).u8(0).u16(0)
			.put(lla_a, 16).u8(nd6_opt_target_lla).u8(1).put(mac_a, 6);
	uint8_t frame[128];
	uint32_t len;

	plug_v6();
	len = v6_frame(frame, mld_mac, mac_a, lla_a, mld_routers, 58, 1, mld);
	cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_bcast_mcast);
	len = v6_frame(frame, all_nodes_mac, mac_a, lla_a, all_nodes, 58, 255, na);
	cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_DROPPED);
	cr_assert_eq(a_sends(all_nodes_mac, lla_a, all_nodes), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_bcast_mcast, 3u);
	// Neighbour discovery claiming more payload than the frame holds is not read.
	frame[19] = 200;
	cr_assert_eq(xmit(pa, frame, v6_l4_off + 12), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_bcast_mcast, 4u);
	cr_assert_eq(harness.delivery_count, 0u);
}

/*
 * Neighbour discovery is the VPC's alone: a solicitation sent to a
 * neighbour's MAC (a reachability probe) is answered by the VPC, and no
 * advertisement or redirect from an instance reaches another, so A cannot
 * tell B that the router, or anything else, is at A's MAC.
 */
CORE_TEST(fabric_ip6, nd_is_never_carried_between_instances)
{
	wire ra = wire().u8(icmp6_router_advert).u8(0).u16(0).u8(64).u8(0).u16(1800).u32(0).u32(0)
			.u8(nd6_opt_source_lla).u8(1).put(mac_a, 6);
	wire redirect = wire().u8(icmp6_redirect).u8(0).u16(0).u32(0).put(lla_a, 16)
			.put(net1(iid_b).b, 16);
	uint8_t frame[128];

	plug_v6();
	assert_ns_answered(net1(iid_a).b, net1(iid_b).b, mac_b, nd6_na_solicited | nd6_na_override,
			   mac_b);
	// "The router's link-local address is at A's MAC", to B.
	cr_assert_eq(xmit(pa, frame, na_frame(frame, lla_b, lla_router1, mac_a, nd6_na_override)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(xmit_tracked(pa, frame, v6_frame(frame, mac_b, mac_a, lla_a, lla_b, 58, 255, ra)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(xmit_tracked(pa, frame, v6_frame(frame, mac_b, mac_a, lla_a, lla_b, 58, 255,
					      redirect)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_arp, 3u);
	cr_assert_eq(stats().forwarded, 0u);
}

/*
 * A link-local source is the sender's own when it is its MAC's EUI-64 or of
 * no EUI-64 form (stable privacy); another MAC's EUI-64 is another port's.
 */
CORE_TEST(fabric_ip6, a_link_local_source_of_another_mac_is_refused)
{
	static const uint8_t stable[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
					    0x3c, 0x15, 0xc2, 0xe8, 0x90, 0x4f, 0x11, 0x21 };

	plug_v6();
	cr_assert_eq(a_sends(mac_b, lla_b, net1(iid_b).b), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_src_dst_check, 1u);
	cr_assert_eq(port_stats(pa).tx_src_dst_dropped, 1u);
	cr_assert_eq(a_sends(mac_b, stable, lla_b), VCORE_XMIT_DELIVERED);
	// And B accepts only its own link-local address as a destination.
	cr_assert_eq(a_sends(mac_b, lla_a, lla_a), VCORE_XMIT_DROPPED);
	cr_assert_eq(port_stats(pb).rx_src_dst_dropped, 1u);
}

// A GSO frame (or one in pages) holds less than its header claims: it is passed on all the same.
CORE_TEST(fabric_ip6, a_frame_longer_than_its_bytes_at_hand_is_switched)
{
	uint8_t frame[128];
	uint32_t len;

	plug_v6();
	len = v6_frame(frame, mac_b, mac_a, net1(iid_a).b, net1(iid_b).b, 6, 64,
		       wire().u16(40000).u16(80).u32(1).u32(0).u16(0x5010).u16(512).u32(0));
	put_be16_at(frame + 18, 64000);
	cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_DELIVERED);
	cr_assert_eq(stats().forwarded, 1u);
}

/* ---- the IPv6 index: port_add and port_update ---- */

// Is @iid under subnet 1's /64 told to A at @mac? (nullptr: not told at all.)
static void assert_neighbour(uint64_t iid, const uint8_t *mac)
{
	uint8_t frame[128];

	if (mac) {
		assert_ns_answered(lla_a, net1(iid).b, mac,
				   nd6_na_solicited | nd6_na_override);
		return;
	}
	harness_clear_deliveries();
	cr_assert_eq(xmit(pa, frame, ns_frame(frame, lla_a, net1(iid).b)),
		     VCORE_XMIT_DROPPED, "::%lx still answered", (unsigned long)iid);
}

CORE_TEST(fabric_ip6, port_update_changes_what_nd_answers)
{
	vcore_port_desc d;

	plug_v6();
	assert_neighbour(iid_b2, nullptr);
	d = desc6(B, { iid_b, iid_b2 });
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), 0);
	assert_neighbour(iid_b2, mac_b);
	assert_neighbour(iid_b, mac_b);
	d = desc6(B, { iid_b2 });
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), 0);
	assert_neighbour(iid_b, nullptr);
	assert_neighbour(iid_b2, mac_b);
	// Unplugged, B's addresses leave the index and are free for another port.
	unplug(pb);
	assert_neighbour(iid_b2, nullptr);
	plug_desc(desc6(D, { iid_b2 }));
	assert_neighbour(iid_b2, mac_d);
}

CORE_TEST(fabric_ip6, an_address_has_one_owner_in_a_vpc)
{
	vcore_port_desc d;

	plug_v6();
	d = desc6(A, { iid_a, iid_b });
	cr_assert_eq(vcore_fabric_port_update(fab, pa, &d), -EADDRINUSE);
	cr_assert_eq(add_err(desc6(D, { iid_free, iid_a2 })), -EADDRINUSE);
	// Nothing changed: B still answers for its address, A still receives at its second.
	assert_neighbour(iid_b, mac_b);
	assert_neighbour(iid_free, nullptr);
	cr_assert_eq(send_udp6(pb, mac_b, mac_a, net1(iid_b).b, net1(iid_a2).b),
		     VCORE_XMIT_DELIVERED);
	// A port keeps its own addresses across an update.
	d = desc6(A, { iid_a2, iid_a });
	cr_assert_eq(vcore_fabric_port_update(fab, pa, &d), 0);
	// The same interface identifier under another /64, or in another VPC, is another address.
	d = desc6(D, { iid_b });
	d.ipv6_prefix = prefix2;
	plug_desc(d);
	d = desc6(D, { iid_b });
	d.mac[5] = 0x0e;
	d.vpc_key = 2;
	plug_desc(d);
}

CORE_TEST(fabric_ip6, invalid_ipv6_addresses_are_refused)
{
	vcore_port_desc d;

	d = desc6(A, { 0 });
	cr_assert_eq(add_err(d), -EINVAL, "interface identifier 0");
	d = desc6(A, { iid_a, iid_a2, iid_a });
	cr_assert_eq(add_err(d), -EINVAL, "an address twice");
	d = desc6(A, { iid_a });
	d.has_ipv6 = 0;
	cr_assert_eq(add_err(d), -EINVAL, "addresses without a /64");
	d = desc6(A, {});
	d.ipv6_count = VCORE_PORT_MAX_IPV6 + 1;
	cr_assert_eq(add_err(d), -EINVAL, "more addresses than an ENI holds");
	d = igw_desc(0);
	d.has_ipv6 = 1;
	d.ipv6_prefix = prefix1 + 1;
	cr_assert_eq(add_err(d), -EINVAL, "a gateway's block is the VPC's /56");
	d.ipv6_prefix = prefix1;
	d.ipv6_iids[d.ipv6_count++] = iid_a;
	cr_assert_eq(add_err(d), -EINVAL, "a gateway holds no address");
	// port_update refuses them too, and keeps the addresses it had.
	plug_v6();
	d = desc6(B, { iid_b, iid_b });
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), -EINVAL);
	assert_neighbour(iid_b, mac_b);
}

CORE_TEST(fabric_ip6, every_address_of_a_full_port_is_found)
{
	vcore_port_desc d = desc6(B, {});

	for (uint32_t i = 0; i < VCORE_PORT_MAX_IPV6; i++)
		d.ipv6_iids[d.ipv6_count++] = 0x100 + i * 0x9e3779b97f4a7c1ull;
	pa = plug_desc(desc6(A, { iid_a }));
	pb = plug_desc(d);
	for (uint32_t i = 0; i < VCORE_PORT_MAX_IPV6; i++)
		assert_neighbour(d.ipv6_iids[i], mac_b);
	cr_assert_eq(stats().nd6_replies, VCORE_PORT_MAX_IPV6);
}

/* ---- routes to the internet gateway ---- */

static const uint8_t outside6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };

// Plugs gateway @g with the VPC's /56 and gives subnet 1 the IPv4 and IPv6
// local routes and ::/0 to @target, the gateway.
// Subnet 1 (172.31.0.0/20 in vpc1) with no routes yet.
static vcore_fabric_subnet_desc subnet1_table(void)
{
	vcore_fabric_subnet_desc sub = {};

	sub.key = key1;
	sub.vpc_key = vpc1;
	sub.addr = subnet1;
	sub.prefixlen = 20;
	return sub;
}

static vcore_fabric_port *default6_to(vcore_port_desc g, uint8_t target)
{
	vcore_fabric_subnet_desc sub = subnet1_table();
	vcore_fabric_port *p;

	g.has_ipv6 = 1;
	g.ipv6_prefix = prefix1;	// the VPC's /56: ...:1200::/56
	p = plug_desc(g);
	sub.route_count = 2;
	sub.routes[0].target = VCORE_ROUTE_LOCAL;
	sub.routes[0].addr = 0xac1f0000;
	sub.routes[0].prefixlen = 16;
	sub.routes[1].target = target;
	sub.routes[1].ipv6 = 1;
	cr_assert_eq(vcore_fabric_subnet_set(fab, &sub), 0);
	return p;
}

// ::/0 to the internet gateway.
static void default6_to_igw(void)
{
	pigw = default6_to(igw_desc(1), VCORE_ROUTE_IGW);
}

/*
 * ::/0 to the internet gateway: the router hands the packet to the
 * gateway's port from the VPC router's MAC, one hop fewer; without the
 * route it is dropped as no route.
 */
CORE_TEST(fabric_ip6, a_default_route_to_the_gateway_carries_ipv6_out)
{
	plug_v6();
	cr_assert_eq(a_sends(router1, net1(iid_a).b, outside6), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_no_route, 1u);
	default6_to_igw();
	cr_assert_eq(a_sends(router1, net1(iid_a).b, outside6), VCORE_XMIT_DELIVERED);
	cr_assert(!memcmp(xmitted, mac_igw, 6) && !memcmp(xmitted + 6, vpc_router1, 6),
		  "to the gateway's MAC from the VPC router's");
	cr_assert_eq(xmitted[14 + 7], 63);
	cr_assert_eq(stats().routed, 1u);
	// An IPv6 route never matches IPv4, nor the other way round.
	uint8_t frame[128];
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, 0x08080808, 40)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_no_route, 2u);
}

// The gateway's side: neighbour solicitations for the VPC's /56 get the VPC router's MAC.
CORE_TEST(fabric_ip6, the_gateway_answers_neighbour_solicitations_for_the_vpc_block)
{
	static const uint8_t inet_ll[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0, 0x99 };
	uint8_t frame[160], dst[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff };
	uint8_t mac[6] = { 0x33, 0x33, 0xff };
	addr6 target = net1(iid_a);
	wire m;

	plug_v6();
	default6_to_igw();
	memcpy(dst + 13, target.b + 13, 3);
	memcpy(mac + 3, target.b + 13, 3);
	m.u8(icmp6_neighbor_solicit).u8(0).u16(0).u32(0).put(target.b, 16)
	 .u8(nd6_opt_source_lla).u8(1).put(mac_igw, 6);
	cr_assert_eq(xmit(pigw, frame, v6_frame(frame, mac, mac_igw, inet_ll, dst, 58, 255, m)),
		     VCORE_XMIT_ANSWERED);
	cr_assert_eq(harness.delivery_count, 1u);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_igw);
	cr_assert(!memcmp(harness.deliveries[0].frame + 6, vpc_router1, 6), "from the VPC router");
	cr_assert_eq(harness.deliveries[0].frame[v6_l4_off], icmp6_neighbor_advert);
	// An address outside the /56 is not the VPC's to answer for.
	m = wire();
	m.u8(icmp6_neighbor_solicit).u8(0).u16(0).u32(0).put(outside6, 16)
	 .u8(nd6_opt_source_lla).u8(1).put(mac_igw, 6);
	cr_assert_eq(xmit(pigw, frame, v6_frame(frame, mac, mac_igw, inet_ll, dst, 58, 255, m)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_no_dest, 1u);
}

// From the internet: to the VPC router's MAC, to an ENI's address, one hop fewer.
CORE_TEST(fabric_ip6, the_gateway_carries_ipv6_in_to_the_eni_holding_the_address)
{
	plug_v6();
	default6_to_igw();
	cr_assert_eq(udp6(pigw, mac_igw, vpc_router1, outside6, net1(iid_a).b, 443, 40000),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_a);
	cr_assert(!memcmp(xmitted, mac_a, 6) && !memcmp(xmitted + 6, router1, 6));
	cr_assert_eq(xmitted[14 + 7], 63);
	cr_assert_eq(udp6(pigw, mac_igw, vpc_router1, outside6, net1(iid_free).b, 443, 40000),
		     VCORE_XMIT_DROPPED, "nobody's address");
	cr_assert_eq(udp6(pigw, mac_igw, mac_a, outside6, net1(iid_a).b, 443, 40000),
		     VCORE_XMIT_DROPPED, "only through the router");
	cr_assert_eq(stats().drop_no_dest, 2u);
}

/*
 * The internet gateway's 1500 bytes: IPv6 is never fragmented on the way,
 * so a larger packet gets ICMPv6 "packet too big" (MTU 1500) from the
 * subnet router, quoting it; a packet whose hop limit runs out gets "time
 * exceeded".
 */
CORE_TEST(fabric_ip6, packet_too_big_and_time_exceeded_from_the_router)
{
	static uint8_t big[14 + 40 + 8 + 1500];
	uint8_t frame[160];
	const uint8_t *err;

	plug_v6();
	default6_to_igw();
	v6_frame(big, router1, mac_a, net1(iid_a).b, outside6, 17, 64,
		 wire().u16(40000).u16(443).u16(1508).u16(0));
	put_be16_at(big + 18, 1508);
	cr_assert_eq(xmit(pa, big, sizeof(big)), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_too_big, 1u);
	cr_assert_eq(harness.delivery_count, 1u);
	err = harness.deliveries[0].frame;
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_a);
	cr_assert_eq(harness.deliveries[0].len, 14u + 1280u, "as much as fits in 1280 bytes");
	cr_assert(!memcmp(err, mac_a, 6) && !memcmp(err + 6, router1, 6));
	cr_assert(!memcmp(err + 22, a6(prefix1, 1).b, 16), "from the subnet router's address");
	cr_assert(!memcmp(err + 38, net1(iid_a).b, 16));
	cr_assert_eq(err[v6_l4_off], 2);
	cr_assert_eq(be16(err + v6_l4_off + 6), 1500u, "the MTU");
	cr_assert_eq(ref_l4_csum(err, 1240), 0, "a correct ICMPv6 checksum");
	cr_assert(!memcmp(err + v6_l4_off + 8, big + 14, 40), "quoting the packet");

	harness_clear_deliveries();
	cr_assert_eq(xmit(pa, frame, v6_frame(frame, router1, mac_a, net1(iid_a).b, outside6, 17, 1,
					      wire().u16(40000).u16(443).u16(12).u16(0).u32(0))),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_ttl, 1u);
	cr_assert_eq(harness.delivery_count, 1u);
	cr_assert_eq(harness.deliveries[0].frame[v6_l4_off], 3, "time exceeded");
}

/* ---- the egress-only internet gateway ---- */

static const uint8_t mac_eigw[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x9e };
static int cookie_eigw;
static vcore_fabric_port *peigw;

// ::/0 to the VPC's egress-only internet gateway.
static void default6_to_eigw(void)
{
	vcore_port_desc g = igw_desc(0);

	memcpy(g.mac, mac_eigw, 6);
	g.cookie = &cookie_eigw;
	g.egress_only = 1;
	peigw = default6_to(g, VCORE_ROUTE_EIGW);
}

// The internet sends UDP @sport -> @dport to A through the egress-only gateway.
static vcore_xmit_verdict inet_to_a(uint16_t sport, uint16_t dport)
{
	return udp6(peigw, mac_eigw, vpc_router1, outside6, net1(iid_a).b, sport, dport);
}

/*
 * EC2's egress-only internet gateway: what an instance sends out opens a
 * flow at the gateway, whose replies come back in; nothing the internet
 * starts gets in, whatever the instance's groups say (it has none here).
 */
CORE_TEST(fabric_ip6, an_egress_only_gateway_lets_replies_in_and_nothing_else)
{
	plug_v6();
	default6_to_eigw();
	cr_assert_eq(inet_to_a(443, 40000), VCORE_XMIT_DROPPED, "before any flow");
	cr_assert_eq(stats().drop_egress_only, 1u);
	cr_assert_eq(udp6(pa, mac_a, router1, net1(iid_a).b, outside6, 40000, 443),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_eigw);
	cr_assert(!memcmp(xmitted, mac_eigw, 6) && !memcmp(xmitted + 6, vpc_router1, 6));
	cr_assert_eq(inet_to_a(443, 40000), VCORE_XMIT_DELIVERED, "the reply");
	cr_assert_eq(harness.deliveries[1].cookie, &cookie_a);
	cr_assert_eq(inet_to_a(443, 40001), VCORE_XMIT_DROPPED, "another port");
	cr_assert_eq(inet_to_a(80, 40000), VCORE_XMIT_DROPPED, "another remote port");
	cr_assert_eq(udp6(peigw, mac_eigw, vpc_router1, outside6, net1(iid_a2).b, 443, 40000),
		     VCORE_XMIT_DROPPED, "another address of the ENI");
	cr_assert_eq(stats().drop_egress_only, 4u);
	vcore_port_stats ps;
	vcore_fabric_port_get_stats(peigw, &ps);
	cr_assert_eq(ps.conntrack_tracked, 1u, "the gateway tracks the flow");
	cr_assert_eq(ps.sg_egress_dropped, 4u);
	// Idle past EC2's UDP timeout (30 s), the flow is gone.
	vcore_fabric_conntrack_advance(fab, 31);
	cr_assert_eq(inet_to_a(443, 40000), VCORE_XMIT_DROPPED, "after the flow timed out");
}

// An ICMPv6 error about a flow an instance opened is related to it and comes in (PMTUD).
CORE_TEST(fabric_ip6, an_egress_only_gateway_lets_errors_about_its_flows_in)
{
	uint8_t frame[256];
	wire quote;

	plug_v6();
	default6_to_eigw();
	cr_assert_eq(udp6(pa, mac_a, router1, net1(iid_a).b, outside6, 40000, 443),
		     VCORE_XMIT_DELIVERED);
	// "Packet too big" from a router on the internet, quoting A's datagram.
	quote.u8(2).u8(0).u16(0).u32(1280).u8(0x60).u8(0).u16(0).u16(20).u8(17).u8(63)
	     .put(net1(iid_a).b, 16).put(outside6, 16).u16(40000).u16(443).u16(20).u16(0);
	cr_assert_eq(xmit(peigw, frame, v6_frame(frame, vpc_router1, mac_eigw, outside6,
						 net1(iid_a).b, 58, 64, quote)),
		     VCORE_XMIT_DELIVERED);
	// The same error about a flow nobody opened stays out.
	quote = wire();
	quote.u8(2).u8(0).u16(0).u32(1280).u8(0x60).u8(0).u16(0).u16(20).u8(17).u8(63)
	     .put(net1(iid_a).b, 16).put(outside6, 16).u16(40001).u16(443).u16(20).u16(0);
	cr_assert_eq(xmit(peigw, frame, v6_frame(frame, vpc_router1, mac_eigw, outside6,
						 net1(iid_a).b, 58, 64, quote)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_egress_only, 1u);
}

/*
 * One internet gateway and one egress-only gateway per VPC, side by side;
 * the egress-only one carries no IPv4 (no route, no ARP), and packets over
 * its 1500 bytes get "packet too big" as at the internet gateway.
 */
CORE_TEST(fabric_ip6, an_egress_only_gateway_is_ipv6_only_and_one_per_vpc)
{
	static uint8_t big[14 + 40 + 8 + 1500];
	vcore_fabric_subnet_desc sub = subnet1_table();
	vcore_port_desc g = igw_desc(0);
	uint8_t frame[128];

	plug_v6();
	default6_to_eigw();
	pigw = plug_desc(igw_desc(1));
	g.mac[5] = 0x9f;
	g.egress_only = 1;
	cr_assert_eq(add_err(g), -EEXIST, "a second egress-only gateway in the VPC");
	g.egress_only = 2;
	g.vpc_key = vpc1 + 7;
	cr_assert_eq(add_err(g), -EINVAL);
	vcore_port_desc e = desc6(D, { 0x77 });
	e.egress_only = 1;
	cr_assert_eq(add_err(e), -EINVAL, "an ENI is no gateway");
	// An IPv4 route to it is refused: the table keeps what it had.
	sub.route_count = 1;
	sub.routes[0].target = VCORE_ROUTE_EIGW;
	cr_assert_eq(vcore_fabric_subnet_set(fab, &sub), -EINVAL);
	cr_assert_eq(udp6(pa, mac_a, router1, net1(iid_a).b, outside6, 40000, 443),
		     VCORE_XMIT_DELIVERED);
	// ARP from its side finds nothing.
	cr_assert_eq(xmit(peigw, frame, arp_request(frame, bcast, mac_eigw, 0x08080808, ip_a)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().arp_replies, 0u);
	v6_frame(big, router1, mac_a, net1(iid_a).b, outside6, 17, 64,
		 wire().u16(40000).u16(443).u16(1508).u16(0));
	put_be16_at(big + 18, 1508);
	cr_assert_eq(xmit(pa, big, sizeof(big)), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_too_big, 1u);
	cr_assert_eq(harness.deliveries[harness.delivery_count - 1].frame[v6_l4_off], 2,
		     "packet too big");
}
