// SPDX-License-Identifier: GPL-2.0
// test_router.cc - the VPC router: route tables, TTL, the internet gateway and PMTUD (core/fabric/router.cc, icmp.cc).
#include "fabric_fixture.h"

static void setup(void)
{
	fabric_setup();
}

TestSuite(router, .init = setup, .fini = harness_fini);

static vcore_fabric_route route(uint32_t addr, uint8_t len, uint8_t target,
				const uint8_t *mac = nullptr)
{
	vcore_fabric_route r = {};

	r.addr = addr;
	r.prefixlen = len;
	r.target = target;
	if (mac)
		memcpy(r.target_mac, mac, 6);
	return r;
}

static int set_table(uint32_t key, std::initializer_list<vcore_fabric_route> routes)
{
	vcore_fabric_subnet_desc d = {};

	d.key = key;
	d.vpc_key = vpc1;
	d.addr = key == key1 ? subnet1 : subnet2;
	d.prefixlen = 20;
	for (const vcore_fabric_route &r : routes)
		d.routes[d.route_count++] = r;
	return vcore_fabric_subnet_set(fab, &d);
}

// The routed frame as it left the router: MACs, TTL, a valid header checksum.
static void assert_routed(const uint8_t *to_mac, const uint8_t *from_router, uint8_t ttl)
{
	cr_assert_arr_eq(xmitted, to_mac, 6, "destination MAC");
	cr_assert_arr_eq(xmitted + 6, from_router, 6, "source MAC: the destination side's router");
	cr_assert_eq(xmitted[14 + 8], ttl, "TTL %u, expected %u", xmitted[14 + 8], ttl);
	cr_assert_eq(ref_csum(xmitted + 14, 20), 0, "IPv4 header checksum wrong after the rewrite");
}

/* ---- between subnets ---- */

CORE_TEST(router, implicit_local_route_between_subnets)
{
	uint8_t frame[128];

	// No table set: the VPC CIDR is local, as in a new VPC's main route table.
	plug_abc();
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, ip_c, 40)),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_c);
	cr_assert_eq(harness.deliveries[0].frame_ctx, &frame_token);
	assert_routed(mac_c, router2, 63);
	cr_assert_eq(stats().routed, 1u);
	cr_assert_eq(stats().forwarded, 0u);
	// Back the other way, and to a neighbour of the same subnet through the router.
	cr_assert_eq(xmit(pc, frame, ip_frame(frame, router2, mac_c, ip_c, ip_a, 40)),
		     VCORE_XMIT_DELIVERED);
	assert_routed(mac_a, router1, 63);
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, ip_b, 40, { .ttl = 2 })),
		     VCORE_XMIT_DELIVERED);
	assert_routed(mac_b, router1, 1);
	cr_assert_eq(stats().routed, 3u);
}

CORE_TEST(router, outside_the_vpc_without_a_route)
{
	uint8_t frame[128];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, 0x08080808, 40)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_route);
}

CORE_TEST(router, a_local_address_nobody_has)
{
	uint8_t frame[128];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, subnet2 + 77, 40)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_dest);
}

CORE_TEST(router, no_implicit_route_without_the_vpc_cidr)
{
	vcore_port_desc d = desc_of(mac_a, ip_a, key1, subnet1, &cookie_a);
	uint8_t frame[128];

	d.vpc_prefixlen = 0;
	d.vpc_addr = 0;
	pa = plug_desc(d);
	pc = plug(mac_c, ip_c, key2, subnet2, &cookie_c);
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, ip_c, 40)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_route);
}

CORE_TEST(router, checksum_update_matches_a_recomputation)
{
	uint8_t frame[128];

	// Every TTL, so that the carry of RFC 1624's sum is exercised.
	plug_abc();
	for (uint32_t ttl = 2; ttl < 256; ttl++) {
		for (uint32_t id = 0; id < 0x10000; id += 0x1111) {
			uint32_t len = ip_frame(frame, router1, mac_a, ip_a, ip_c, 8,
						{ .ttl = static_cast<uint8_t>(ttl) });

			frame[18] = static_cast<uint8_t>(id >> 8);
			frame[19] = static_cast<uint8_t>(id);
			frame[24] = frame[25] = 0;
			uint16_t c = ref_csum(frame + 14, 20);
			frame[24] = static_cast<uint8_t>(c >> 8);
			frame[25] = static_cast<uint8_t>(c);
			harness_clear_deliveries();
			cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_DELIVERED);
			cr_assert_eq(xmitted[22], ttl - 1);
			cr_assert_eq(ref_csum(xmitted + 14, 20), 0, "ttl %u id %x", ttl, id);
		}
	}
}

/* ---- route tables ---- */

CORE_TEST(router, longest_prefix_wins)
{
	static const uint8_t mac_nat[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0d };
	static int cookie_nat;
	uint8_t frame[128];

	plug_abc();
	plug(mac_nat, subnet2 + 9, key2, subnet2, &cookie_nat);
	pigw = plug_desc(igw_desc(1));
	cr_assert_eq(set_table(key1, { route(0, 0, VCORE_ROUTE_IGW),
				       route(vpc_block, 16, VCORE_ROUTE_LOCAL),
				       route(0x0a000000, 8, VCORE_ROUTE_ENI, mac_nat),
				       route(0x0a010000, 16, VCORE_ROUTE_IGW) }), 0);
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, 0x0a020304, 40)),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_nat, "10/8 -> the NAT ENI");
	assert_routed(mac_nat, router2, 63);
	harness_clear_deliveries();
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, 0x0a010304, 40)),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_igw, "10.1/16 beats 10/8");
	assert_routed(mac_igw, vpc_router1, 63);
	harness_clear_deliveries();
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, ip_c, 40)),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_c, "172.31/16 is local");
	harness_clear_deliveries();
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, 0x08080808, 40)),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_igw, "0/0 is the last resort");
	cr_assert_eq(stats().routed, 4u);
}

CORE_TEST(router, a_table_without_local_route_routes_nothing_locally)
{
	uint8_t frame[128];

	// The fabric does what the table says; keeping "local" is the control plane's rule.
	plug_abc();
	cr_assert_eq(set_table(key1, { route(0x0a000000, 8, VCORE_ROUTE_LOCAL) }), 0);
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, ip_c, 40)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_route);
	// Subnet 2 has no table: still the implicit local route.
	cr_assert_eq(xmit(pc, frame, ip_frame(frame, router2, mac_c, ip_c, ip_a, 40)),
		     VCORE_XMIT_DELIVERED);
}

CORE_TEST(router, nat_instance_needs_its_check_off)
{
	static const uint8_t mac_nat[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0d };
	static int cookie_nat;
	vcore_port_desc d = desc_of(mac_nat, subnet2 + 9, key2, subnet2, &cookie_nat);
	vcore_fabric_port *nat;
	uint8_t frame[128];

	plug_abc();
	d.source_dest_check = 1;
	nat = plug_desc(d);
	cr_assert_eq(set_table(key1, { route(vpc_block, 16, VCORE_ROUTE_LOCAL),
				       route(0, 0, VCORE_ROUTE_ENI, mac_nat) }), 0);
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, 0x08080808, 40)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_src_dst_check);
	cr_assert_eq(port_stats(nat).rx_src_dst_dropped, 1u);
	d.source_dest_check = 0;
	cr_assert_eq(vcore_fabric_port_update(fab, nat, &d), 0);
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, 0x08080808, 40)),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_nat);
	assert_routed(mac_nat, router2, 63);
}

CORE_TEST(router, blackhole_routes)
{
	static const uint8_t gone[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0e };
	uint8_t frame[128];

	plug_abc();
	cr_assert_eq(set_table(key1, { route(0x0a000000, 8, VCORE_ROUTE_ENI, gone),
				       route(0, 0, VCORE_ROUTE_IGW) }), 0);
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, 0x0a000001, 40)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_route);
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, 0x08080808, 40)),
		     VCORE_XMIT_DROPPED, "no IGW plugged");
	cr_assert_eq(stats().drop_no_route, 2u);
}

CORE_TEST(router, eni_target_in_another_vpc_is_a_blackhole)
{
	static const uint8_t other[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0f };
	static int cookie_other;
	vcore_port_desc d = desc_of(other, ip_a, 7, subnet1, &cookie_other);
	uint8_t frame[128];

	plug_abc();
	d.vpc_key = vpc1 + 1;
	plug_desc(d);
	cr_assert_eq(set_table(key1, { route(0, 0, VCORE_ROUTE_ENI, other) }), 0);
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, 0x08080808, 40)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_route);
	// Nor is a route target the internet gateway's MAC.
	pigw = plug_desc(igw_desc(1));
	cr_assert_eq(set_table(key1, { route(0, 0, VCORE_ROUTE_ENI, mac_igw) }), 0);
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, 0x08080808, 40)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_no_route, 2u);
}

CORE_TEST(router, subnet_set_refuses_bad_tables)
{
	static const uint8_t zero[6] = {};
	vcore_fabric_subnet_desc d = {};
	long allocs = harness.live_allocs;

	cr_assert_eq(set_table(0, {}), -EINVAL, "key 0");
	cr_assert_eq(set_table(VCORE_SUBNET_KEY_MAX + 1, {}), -EINVAL, "key too large");
	cr_assert_eq(set_table(key1, { route(0x0a000001, 8, VCORE_ROUTE_LOCAL) }), -EINVAL,
		     "host bits set");
	cr_assert_eq(set_table(key1, { route(0x0a000000, 33, VCORE_ROUTE_LOCAL) }), -EINVAL);
	cr_assert_eq(set_table(key1, { route(0, 0, 3) }), -EINVAL, "unknown target");
	cr_assert_eq(set_table(key1, { route(0, 0, VCORE_ROUTE_ENI, zero) }), -EINVAL);
	cr_assert_eq(set_table(key1, { route(0, 0, VCORE_ROUTE_ENI, bcast) }), -EINVAL);
	cr_assert_eq(set_table(key1, { route(0, 0, VCORE_ROUTE_ENI, router2) }), -EINVAL,
		     "a router is no ENI");
	cr_assert_eq(set_table(key1, { route(0, 0, VCORE_ROUTE_IGW),
				       route(0, 0, VCORE_ROUTE_LOCAL) }), -EINVAL,
		     "the same destination twice");
	d.key = key1;
	d.route_count = VCORE_SUBNET_MAX_ROUTES + 1;
	cr_assert_eq(vcore_fabric_subnet_set(fab, &d), -EINVAL);
	harness.fail_alloc_in = 1;
	cr_assert_eq(set_table(key1, {}), -ENOMEM);
	cr_assert_eq(harness.live_allocs, allocs);
}

CORE_TEST(router, a_full_table)
{
	vcore_fabric_subnet_desc d = {};
	uint8_t frame[128];

	plug_abc();
	pigw = plug_desc(igw_desc(1));
	d.key = key1;
	d.route_count = VCORE_SUBNET_MAX_ROUTES;
	for (uint32_t i = 0; i < d.route_count; i++)
		d.routes[i] = route(0x0a000000 + (i << 8), 24, VCORE_ROUTE_LOCAL);
	d.routes[17] = route(0x0a001100, 24, VCORE_ROUTE_IGW);
	cr_assert_eq(vcore_fabric_subnet_set(fab, &d), 0);
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, 0x0a001105, 40)),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_igw);
}

CORE_TEST(router, replacing_and_deleting_a_table)
{
	uint8_t frame[128];
	unsigned long syncs;
	long allocs;

	plug_abc();
	pigw = plug_desc(igw_desc(1));
	cr_assert_eq(set_table(key1, { route(0, 0, VCORE_ROUTE_IGW) }), 0);
	allocs = harness.live_allocs;
	syncs = harness.synchronize_calls;
	cr_assert_eq(set_table(key1, { route(vpc_block, 16, VCORE_ROUTE_LOCAL) }), 0);
	cr_assert_eq(harness.synchronize_calls, syncs + 1, "the old table outlives its readers");
	cr_assert_eq(harness.live_allocs, allocs, "the old table was not freed");
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, 0x08080808, 40)),
		     VCORE_XMIT_DROPPED, "the new table has no default route");
	cr_assert_eq(stats().drop_no_route, 1u);
	vcore_fabric_subnet_del(fab, key1);
	cr_assert_eq(harness.live_allocs, allocs - 1);
	vcore_fabric_subnet_del(fab, key1);	// unknown: nothing happens
	// Back to the implicit local route.
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, ip_c, 40)),
		     VCORE_XMIT_DELIVERED);
	// Tables left at destroy are freed with the fabric (harness_verify checks).
	cr_assert_eq(set_table(key2, { route(0, 0, VCORE_ROUTE_IGW) }), 0);
	cr_assert_eq(set_table(key2 + 64, { route(0, 0, VCORE_ROUTE_IGW) }), 0);
}

/* ---- TTL ---- */

CORE_TEST(router, ttl_expires_with_time_exceeded)
{
	uint8_t frame[128], orig[128];
	uint32_t len;
	const uint8_t *r, *icmp;

	plug_abc();
	len = ip_frame(frame, router1, mac_a, ip_a, ip_c, 40, { .ttl = 1 });
	memcpy(orig, frame, len);
	cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_ttl, 1u);
	cr_assert_eq(port_stats(pa).tx_dropped, 1u);
	cr_assert_eq(harness.delivery_count, 1, "the ICMP error, nothing else");
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_a);
	r = harness.deliveries[0].frame;
	cr_assert_eq(harness.deliveries[0].len, 14 + 20 + 8 + 28u);
	cr_assert_arr_eq(r, mac_a, 6);
	cr_assert_arr_eq(r + 6, router1, 6);
	cr_assert_eq(be32(r + 26), subnet1 + 1, "from A's router");
	cr_assert_eq(be32(r + 30), ip_a);
	icmp = r + 34;
	cr_assert_eq(icmp[0], 11);
	cr_assert_eq(icmp[1], 0);
	cr_assert_eq(ref_csum(icmp, 8 + 28), 0);
	cr_assert_arr_eq(icmp + 8, orig + 14, 28, "the packet as it arrived");
	// TTL 0 likewise; and an ICMP error never earns another.
	harness_clear_deliveries();
	len = ip_frame(frame, router1, mac_a, ip_a, ip_c, 40, { .ttl = 0, .proto = 1 });
	frame[34] = 3;			// destination unreachable
	cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_DROPPED);
	cr_assert_eq(harness.delivery_count, 0);
	cr_assert_eq(stats().drop_ttl, 2u);
}

/* ---- the internet gateway ---- */

CORE_TEST(router, igw_arp_gets_the_vpc_router)
{
	uint8_t frame[64], expected[42];

	plug_abc();
	pigw = plug_desc(igw_desc(1));
	cr_assert_eq(xmit(pigw, frame, arp_request(frame, bcast, mac_igw, 0x08080808, ip_c)),
		     VCORE_XMIT_ANSWERED);
	expected_reply(expected, mac_igw, 0x08080808, vpc_router1, ip_c);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_igw);
	cr_assert_arr_eq(harness.deliveries[0].frame, expected, 42);
	// Any address of the VPC CIDR, owned or not.
	harness_clear_deliveries();
	cr_assert_eq(xmit(pigw, frame, arp_request(frame, vpc_router1, mac_igw, 0x08080808,
						   vpc_block + 0xfffe)),
		     VCORE_XMIT_ANSWERED);
	harness_clear_deliveries();
	cr_assert_eq(xmit(pigw, frame, arp_request(frame, bcast, mac_igw, 0x08080808, 0x0a000001)),
		     VCORE_XMIT_DROPPED, "outside the VPC");
	cr_assert_eq(stats().drop_no_dest, 1u);
	cr_assert_eq(stats().arp_replies, 2u);
}

CORE_TEST(router, igw_traffic_reaches_the_owner)
{
	uint8_t frame[128];

	plug_abc();
	pigw = plug_desc(igw_desc(1));
	cr_assert_eq(xmit(pigw, frame, ip_frame(frame, vpc_router1, mac_igw, 0x08080808, ip_c, 40)),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_c);
	assert_routed(mac_c, router2, 63);
	cr_assert_eq(stats().routed, 1u);
	// An address nobody owns, one outside the VPC, TTL 1.
	harness_clear_deliveries();
	cr_assert_eq(xmit(pigw, frame, ip_frame(frame, vpc_router1, mac_igw, 1, ip_c + 1, 40)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(xmit(pigw, frame, ip_frame(frame, vpc_router1, mac_igw, 1, 0x0a000001, 40)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_no_dest, 2u);
	cr_assert_eq(xmit(pigw, frame, ip_frame(frame, vpc_router1, mac_igw, 1, ip_c, 40,
						{ .ttl = 1 })),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_ttl, 1u);
	cr_assert_eq(harness.delivery_count, 0, "no ICMP toward the internet");
	cr_assert_eq(port_stats(pigw).tx_dropped, 3u);
}

CORE_TEST(router, igw_reaches_enis_only_through_the_router)
{
	uint8_t frame[128];

	plug_abc();
	pigw = plug_desc(igw_desc(1));
	cr_assert_eq(xmit(pigw, frame, ip_frame(frame, mac_c, mac_igw, 1, ip_c, 40)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pigw, drop_cross_subnet);
	cr_assert_eq(xmit(pigw, frame, ip_frame(frame, router2, mac_igw, 1, ip_c, 40)),
		     VCORE_XMIT_DROPPED, "a subnet's router is not the IGW's");
	cr_assert_eq(xmit(pigw, frame, eth_frame(frame, bcast, mac_igw, 0x0800, 20)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_bcast_mcast, 1u);
	cr_assert_eq(xmit(pigw, frame, eth_frame(frame, vpc_router1, mac_igw, 0x86dd, 40)),
		     VCORE_XMIT_DROPPED, "not an IPv6 header");
	cr_assert_eq(stats().drop_malformed, 1u);
	// And an ENI cannot reach the IGW's MAC directly either.
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, mac_igw, mac_a, ip_a, 0x08080808, 40)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_cross_subnet, 2u);
}

CORE_TEST(router, igw_traffic_meets_the_destination_check)
{
	vcore_port_desc d = desc_of(mac_c, ip_c, key2, subnet2, &cookie_c);
	uint8_t frame[128];

	pigw = plug_desc(igw_desc(1));
	d.source_dest_check = 1;
	pc = plug_desc(d);
	cr_assert_eq(xmit(pigw, frame, ip_frame(frame, vpc_router1, mac_igw, 1, ip_c, 40)),
		     VCORE_XMIT_DELIVERED);
	// A reply from the ENI goes out by the default route.
	cr_assert_eq(set_table(key2, { route(vpc_block, 16, VCORE_ROUTE_LOCAL),
				       route(0, 0, VCORE_ROUTE_IGW) }), 0);
	cr_assert_eq(xmit(pc, frame, ip_frame(frame, router2, mac_c, ip_c, 1, 40)),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(harness.deliveries[1].cookie, &cookie_igw);
	assert_routed(mac_igw, vpc_router1, 63);
}

/* ---- the 1500-byte edge ---- */

static void with_igw_default_route(uint8_t frag_needed)
{
	plug_abc();
	pigw = plug_desc(igw_desc(frag_needed));
	cr_assert_eq(set_table(key1, { route(vpc_block, 16, VCORE_ROUTE_LOCAL),
				       route(0, 0, VCORE_ROUTE_IGW) }), 0);
}

CORE_TEST(router, igw_mtu_is_1500)
{
	uint8_t frame[128];

	with_igw_default_route(1);
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, 0x08080808, 40,
					      { .df = true, .total_len = 1500 })),
		     VCORE_XMIT_DELIVERED, "exactly 1500 passes");
	// Inside the VPC 9001 passes: the edge is the IGW's alone.
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, ip_c, 40,
					      { .df = true, .total_len = 9001 })),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(stats().routed, 2u);
}

CORE_TEST(router, frag_needed_for_df_over_1500)
{
	uint8_t frame[128], orig[128];
	const uint8_t *r, *ip, *icmp;
	uint32_t len;

	with_igw_default_route(1);
	len = ip_frame(frame, router1, mac_a, ip_a, 0x08080808, 60,
		       { .proto = 6, .df = true, .total_len = 1501 });
	memcpy(orig, frame, len);
	cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_ANSWERED);
	cr_assert_eq(stats().frag_needed_sent, 1u);
	cr_assert_eq(stats_total(stats()), 1u, "counted once, as frag_needed_sent");
	cr_assert_eq(port_stats(pa).tx_dropped, 0u);
	cr_assert_eq(harness.delivery_count, 1);
	cr_assert(harness.deliveries[0].copy);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_a, "to the sender");
	r = harness.deliveries[0].frame;
	ip = r + 14;
	icmp = ip + 20;
	cr_assert_eq(harness.deliveries[0].len, 14 + 20 + 8 + 28u, "header + 8 bytes quoted");
	cr_assert_arr_eq(r, mac_a, 6);
	cr_assert_arr_eq(r + 6, router1, 6);
	cr_assert_eq(be16(r + 12), 0x0800);
	cr_assert_eq(ip[0], 0x45);
	cr_assert_eq(be16(ip + 2), 20 + 8 + 28);
	cr_assert_eq(ip[9], 1, "ICMP");
	cr_assert_gt(ip[8], 0);
	cr_assert_eq(ref_csum(ip, 20), 0, "IP header checksum");
	cr_assert_eq(be32(ip + 12), subnet1 + 1, "from the sender's subnet router");
	cr_assert_eq(be32(ip + 16), ip_a);
	cr_assert_eq(icmp[0], 3, "destination unreachable");
	cr_assert_eq(icmp[1], 4, "fragmentation needed and DF set");
	cr_assert_eq(be16(icmp + 4), 0, "unused");
	cr_assert_eq(be16(icmp + 6), 1500, "next-hop MTU (RFC 1191)");
	cr_assert_eq(ref_csum(icmp, 8 + 28), 0, "ICMP checksum");
	cr_assert_arr_eq(icmp + 8, orig + 14, 28, "original header + 8 bytes, unmodified");
}

CORE_TEST(router, frag_needed_quotes_ip_options)
{
	uint8_t frame[128];
	uint32_t len;

	with_igw_default_route(1);
	len = ip_frame(frame, router1, mac_a, ip_a, 0x08080808, 60,
		       { .df = true, .total_len = 4000 });
	frame[14] = 0x46;		// one word of options (NOPs)
	memset(frame + 34, 1, 4);
	frame[24] = frame[25] = 0;
	uint16_t c = ref_csum(frame + 14, 24);
	frame[24] = static_cast<uint8_t>(c >> 8);
	frame[25] = static_cast<uint8_t>(c);
	cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_ANSWERED);
	cr_assert_eq(harness.deliveries[0].len, 14 + 20 + 8 + 24 + 8u);
	cr_assert_arr_eq(harness.deliveries[0].frame + 42, frame + 14, 32);
}

CORE_TEST(router, suppressed_frag_needed_is_a_black_hole)
{
	vcore_port_desc d = igw_desc(0);
	uint8_t frame[128];

	with_igw_default_route(1);
	cr_assert_eq(vcore_fabric_port_update(fab, pigw, &d), 0);
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, 0x08080808, 40,
					      { .df = true, .total_len = 1501 })),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_too_big);
	// Toggled back: PMTUD works again.
	d.frag_needed = 1;
	cr_assert_eq(vcore_fabric_port_update(fab, pigw, &d), 0);
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, 0x08080808, 40,
					      { .df = true, .total_len = 1501 })),
		     VCORE_XMIT_ANSWERED);
}

/*
 * A TSO frame's header says 64000 bytes, but each of its wire packets is
 * seg_len long: the edge applies to those (the sender's stack has learnt
 * the path MTU and segments below it), not to the frame the NIC cuts.
 */
CORE_TEST(router, gso_frame_is_measured_by_its_segments)
{
	uint8_t frame[128];

	with_igw_default_route(1);
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, 0x08080808, 40,
					      { .proto = 6, .df = true, .total_len = 64000 }),
			  1500),
		     VCORE_XMIT_DELIVERED, "segments of 1500 cross the edge");
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_igw);
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, 0x08080808, 40,
					      { .proto = 6, .df = true, .total_len = 1400 }),
			  1501),
		     VCORE_XMIT_ANSWERED, "segments of 1501 do not, whatever the header says");
	cr_assert_eq(stats().frag_needed_sent, 1u);
	cr_assert_eq(be16(harness.deliveries[1].frame + 14 + 20 + 6), 1500, "next-hop MTU");
	// Inside the VPC a GSO frame is the receiver's business, as before.
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, ip_c, 40,
					      { .proto = 6, .df = true, .total_len = 64000 }),
			  9001),
		     VCORE_XMIT_DELIVERED);
}

CORE_TEST(router, no_fragmentation_without_df)
{
	uint8_t frame[128];

	with_igw_default_route(1);
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, 0x08080808, 40,
					      { .total_len = 1501 })),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_too_big);
}

CORE_TEST(router, no_frag_needed_about_an_icmp_error)
{
	uint8_t frame[128];
	uint32_t len;

	with_igw_default_route(1);
	len = ip_frame(frame, router1, mac_a, ip_a, 0x08080808, 40,
		       { .proto = 1, .df = true, .total_len = 1600 });
	frame[34] = 11;			// time exceeded
	cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_too_big);
	// An echo request is a query: it gets its answer.
	frame[34] = 8;
	cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_ANSWERED);
}
