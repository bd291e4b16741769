// SPDX-License-Identifier: GPL-2.0
// test_fabric.cc - the VPC switch: ports, verdicts, the ARP responder (core/fabric/fabric.cc).
#include "fabric_fixture.h"

static void setup(void)
{
	fabric_setup();
}

TestSuite(fabric, .init = setup, .fini = harness_fini);

/* ---- life cycle and ports ---- */

CORE_TEST(fabric, create_and_destroy_empty)
{
	vcore_fabric_stats s = stats();

	cr_assert_eq(harness.live_mutexes, 1);
	cr_assert_eq(stats_total(s), 0u);
	release_fabric();
	cr_assert_eq(harness.live_allocs, 0);
	cr_assert_eq(harness.live_mutexes, 0);
	cr_assert_eq(harness.log_count, 0, "destroy logged: %s", harness.last_log);
}

CORE_TEST(fabric, create_fails_cleanly_without_memory)
{
	vcore_fabric *other;

	harness.fail_alloc_in = 1;
	other = vcore_fabric_create();
	cr_assert_null(other);
	harness.fail_alloc_in = 2;	// the per-CPU counters
	other = vcore_fabric_create();
	cr_assert_null(other);
	harness.fail_alloc_in = 3;	// the per-CPU scratch buffers
	other = vcore_fabric_create();
	cr_assert_null(other);
	harness.fail_alloc_in = 4;	// the single-flow limit's clocks
	other = vcore_fabric_create();
	cr_assert_null(other);
	harness.fail_mutex_create = true;
	other = vcore_fabric_create();
	cr_assert_null(other);
	cr_assert_eq(harness.live_allocs, 4, "only the fixture's fabric, its counters, scratch "
		     "buffers and flow clocks are allocated");
	cr_assert_eq(harness.live_mutexes, 1, "only the fixture's fabric has a mutex");
}

CORE_TEST(fabric, port_add_and_del)
{
	long base = harness.live_allocs;

	plug_abc();
	cr_assert_eq(harness.live_allocs, base + 12,
		     "a port, its IP set, its tracking table and its SRD links each");
	cr_assert_eq(harness.last_alloc_flags, VCORE_ALLOC_SLEEP);
	cr_assert_eq(port_stats(pa).tx_dropped, 0u);
	cr_assert_eq(port_stats(pa).rx_arp_replies, 0u);
	unplug(pb);
	cr_assert_eq(harness.synchronize_calls, 1);
	unplug(pa);
	unplug(pc);
	cr_assert_eq(harness.synchronize_calls, 3);
	cr_assert_eq(harness.live_allocs, base);
}

CORE_TEST(fabric, port_add_refuses_a_duplicate_mac)
{
	vcore_port_desc d = desc_of(mac_a, ip_b, key1, subnet1, &cookie_b);
	uint8_t frame[64];
	int err = 0;
	long allocs;

	plug_abc();
	allocs = harness.live_allocs;
	cr_assert_null(vcore_fabric_port_add(fab, &d, &err));
	cr_assert_eq(err, -EADDRINUSE);
	// Also across subnets: MACs are unique in the whole fabric.
	d = desc_of(mac_a, ip_c + 1, key2, subnet2, &cookie_c);
	err = 0;
	cr_assert_null(vcore_fabric_port_add(fab, &d, &err));
	cr_assert_eq(err, -EADDRINUSE);
	cr_assert_eq(harness.live_allocs, allocs);
	// The first owner of the MAC still gets its frames.
	cr_assert_eq(xmit(pb, frame, eth_frame(frame, mac_a, mac_b, 0x0800, 20)),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_a);
}

CORE_TEST(fabric, port_add_refuses_the_router_mac)
{
	static const uint8_t router_123456[6] = { 0x02, 0x56, 0x4e, 0x12, 0x34, 0x56 };
	vcore_port_desc d = desc_of(router1, ip_a, key1, subnet1, &cookie_a);
	int err = 0;

	cr_assert_null(vcore_fabric_port_add(fab, &d, &err));
	cr_assert_eq(err, -EADDRINUSE);
	// All three low octets come from the subnet key.
	d = desc_of(router_123456, ip_a, 0x123456, subnet1, &cookie_a);
	err = 0;
	cr_assert_null(vcore_fabric_port_add(fab, &d, &err));
	cr_assert_eq(err, -EADDRINUSE);
	cr_assert_eq(harness.live_allocs, 4,
		     "only the fabric, its counters, scratch and flow clocks are allocated");
}

CORE_TEST(fabric, port_add_fails_cleanly_without_memory)
{
	vcore_port_desc d = desc_of(mac_a, ip_a, key1, subnet1, &cookie_a);
	int err = 0;

	harness.fail_alloc_in = 1;
	cr_assert_null(vcore_fabric_port_add(fab, &d, &err));
	cr_assert_eq(err, -ENOMEM);
	// The MAC was not half-registered: it can be plugged now.
	plug(mac_a, ip_a, key1, subnet1, &cookie_a);
}

CORE_TEST(fabric, ports_sharing_a_hash_bucket)
{
	// The bucket hash ignores the first two octets: these four collide.
	static const uint8_t m[4][6] = {
		{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x42 },
		{ 0x06, 0x00, 0x00, 0x00, 0x00, 0x42 },
		{ 0x0a, 0x00, 0x00, 0x00, 0x00, 0x42 },
		{ 0x0e, 0x00, 0x00, 0x00, 0x00, 0x42 },
	};
	static int cookies[4];
	vcore_fabric_port *p[4];
	uint8_t frame[64];

	for (int i = 0; i < 4; i++)
		p[i] = plug(m[i], subnet1 + 10 + i, key1, subnet1, &cookies[i]);
	unplug(p[1]);			// the middle of the chain
	unplug(p[3]);			// its head (ports are pushed at the front)
	for (int i = 0; i < 4; i++) {
		harness_clear_deliveries();
		vcore_xmit_verdict v = xmit(p[i == 0 ? 2 : 0], frame,
					    eth_frame(frame, m[i], m[i == 0 ? 2 : 0], 0x0800, 20));
		if (i == 1 || i == 3) {
			cr_assert_eq(v, VCORE_XMIT_DROPPED, "port %d still reachable", i);
		} else {
			cr_assert_eq(v, VCORE_XMIT_DELIVERED, "port %d unreachable", i);
			cr_assert_eq(harness.deliveries[0].cookie, &cookies[i]);
		}
	}
}

/* ---- switching ---- */

CORE_TEST(fabric, unicast_in_the_subnet_is_delivered)
{
	uint8_t frame[64];
	vcore_fabric_stats s;

	plug_abc();
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, mac_b, mac_a, 0x0800, 40)),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(harness.delivery_count, 1);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_b);
	cr_assert_eq(harness.deliveries[0].frame_ctx, &frame_token);
	cr_assert_not(harness.deliveries[0].copy);
	cr_assert_gt(harness.deliveries[0].rcu_depth, 0);
	s = stats();
	cr_assert_eq(s.forwarded, 1u);
	cr_assert_eq(s.arp_replies + s.drop_malformed + s.drop_no_dest + s.drop_cross_subnet +
		     s.drop_bcast_mcast, 0u);
	cr_assert_eq(port_stats(pa).tx_dropped, 0u);
	cr_assert_eq(port_stats(pb).tx_dropped, 0u);

	// And back.
	harness_clear_deliveries();
	cr_assert_eq(xmit(pb, frame, eth_frame(frame, mac_a, mac_b, 0x88b5, 40)),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_a);
	cr_assert_eq(stats().forwarded, 2u);
}

CORE_TEST(fabric, header_only_frame_is_switched)
{
	uint8_t frame[14];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, mac_b, mac_a, 0x0800, 0)),
		     VCORE_XMIT_DELIVERED);
}

CORE_TEST(fabric, unknown_mac_is_dropped)
{
	static const uint8_t nobody[6] = { 0x02, 0x99, 0x99, 0x99, 0x99, 0x99 };
	uint8_t frame[64];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, nobody, mac_a, 0x0800, 20)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_dest);
	cr_assert_eq(port_stats(pb).tx_dropped, 0u);
}

CORE_TEST(fabric, other_subnet_is_dropped)
{
	uint8_t frame[64];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, mac_c, mac_a, 0x0800, 20)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_cross_subnet);
	cr_assert_eq(port_stats(pc).tx_dropped, 0u);
}

CORE_TEST(fabric, ipv6_needs_the_subnets_ipv6_block)
{
	uint8_t frame[64];
	uint32_t len;

	// A well-formed IPv6 header (version 6, no payload), the subnet without a block.
	plug_abc();
	len = eth_frame(frame, router1, mac_a, 0x86dd, 40);
	frame[14] = 0x60;
	frame[18] = frame[19] = 0;
	cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_ipv6);
	// Something that only claims to be IPv6 is malformed.
	frame[14] = 0x45;
	cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_malformed, 1u);
}

CORE_TEST(fabric, another_subnets_router_is_not_ours)
{
	uint8_t frame[64];

	// A's router is router1; router2 is no port A can reach by MAC.
	plug_abc();
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router2, mac_a, ip_a, ip_c, 8)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_dest);
}

CORE_TEST(fabric, frame_to_self_is_dropped)
{
	uint8_t frame[64];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, mac_a, mac_a, 0x0800, 20)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_dest);
}

CORE_TEST(fabric, broadcast_other_than_arp_is_dropped)
{
	uint8_t frame[64];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, bcast, mac_a, 0x0800, 20)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_bcast_mcast);
}

CORE_TEST(fabric, multicast_is_dropped)
{
	static const uint8_t ipv6_mcast[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t ipv4_mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
	uint8_t frame[64];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, ipv6_mcast, mac_a, 0x88b5, 40)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_bcast_mcast);
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, ipv4_mcast, mac_a, 0x0800, 20)),
		     VCORE_XMIT_DROPPED);
	// Multicast ARP is not a question for the responder either.
	cr_assert_eq(xmit(pa, frame, arp_request(frame, ipv4_mcast, mac_a, ip_a, ip_b)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_bcast_mcast, 3u);
	cr_assert_eq(port_stats(pa).tx_dropped, 3u);
	cr_assert_eq(harness.delivery_count, 0);
}

CORE_TEST(fabric, runt_frames_are_malformed)
{
	uint8_t frame[64];

	plug_abc();
	eth_frame(frame, mac_b, mac_a, 0x0800, 20);
	cr_assert_eq(xmit(pa, frame, 13), VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_malformed);
	cr_assert_eq(xmit(pa, frame, 0), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_malformed, 2u);
	cr_assert_eq(harness.delivery_count, 0);
}

/* ---- the ARP responder ---- */

CORE_TEST(fabric, arp_for_a_neighbour_is_answered_to_the_sender)
{
	uint8_t frame[64], expected[42];
	vcore_fabric_stats s;

	plug_abc();
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, ip_b)),
		     VCORE_XMIT_ANSWERED);
	cr_assert_eq(harness.delivery_count, 1);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_a, "the reply goes to the asker");
	cr_assert(harness.deliveries[0].copy);
	cr_assert_gt(harness.deliveries[0].rcu_depth, 0);
	cr_assert_eq(harness.deliveries[0].len, 42u);
	expected_reply(expected, mac_a, ip_a, mac_b, ip_b);
	for (int i = 0; i < 42; i++)
		cr_assert_eq(harness.deliveries[0].frame[i], expected[i],
			     "reply byte %d: 0x%02x, expected 0x%02x", i,
			     harness.deliveries[0].frame[i], expected[i]);
	s = stats();
	cr_assert_eq(s.arp_replies, 1u);
	cr_assert_eq(s.forwarded + s.drop_malformed + s.drop_no_dest + s.drop_cross_subnet +
		     s.drop_bcast_mcast, 0u);
	cr_assert_eq(port_stats(pa).rx_arp_replies, 1u);
	cr_assert_eq(port_stats(pa).tx_dropped, 0u);
	cr_assert_eq(port_stats(pb).rx_arp_replies, 0u);
}

CORE_TEST(fabric, arp_for_the_router_gets_the_router_mac)
{
	uint8_t frame[64], expected[42];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, subnet1 + 1)),
		     VCORE_XMIT_ANSWERED);
	expected_reply(expected, mac_a, ip_a, router1, subnet1 + 1);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_a);
	cr_assert_arr_eq(harness.deliveries[0].frame, expected, 42);

	// Each subnet has its own router MAC.
	harness_clear_deliveries();
	cr_assert_eq(xmit(pc, frame, arp_request(frame, bcast, mac_c, ip_c, subnet2 + 1)),
		     VCORE_XMIT_ANSWERED);
	expected_reply(expected, mac_c, ip_c, router2, subnet2 + 1);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_c);
	cr_assert_arr_eq(harness.deliveries[0].frame, expected, 42);
	cr_assert_eq(stats().arp_replies, 2u);
}

CORE_TEST(fabric, unicast_arp_to_the_router_is_answered)
{
	uint8_t frame[64], expected[42];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, arp_request(frame, router1, mac_a, ip_a, ip_b)),
		     VCORE_XMIT_ANSWERED);
	expected_reply(expected, mac_a, ip_a, mac_b, ip_b);
	cr_assert_arr_eq(harness.deliveries[0].frame, expected, 42);
	cr_assert_eq(port_stats(pa).rx_arp_replies, 1u);
}

CORE_TEST(fabric, unicast_arp_to_a_neighbour_is_answered_by_the_vpc)
{
	uint8_t frame[64], want[42];

	// A confirms its cache entry for B (a unicast probe to B's MAC): the VPC
	// answers, as for every ARP request; B never sees it.
	plug_abc();
	cr_assert_eq(xmit(pa, frame, arp_request(frame, mac_b, mac_a, ip_a, ip_b)),
		     VCORE_XMIT_ANSWERED);
	cr_assert_eq(harness.delivery_count, 1);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_a);
	expected_reply(want, mac_a, ip_a, mac_b, ip_b);
	cr_assert_arr_eq(harness.deliveries[0].frame, want, sizeof(want));
	cr_assert_eq(stats().forwarded, 0u);
	cr_assert_eq(stats().arp_replies, 1u);
}

// Issue 12, defect 3: i-a told i-b "the router is at i-a's MAC" with a
// unicast reply, and the switch carried it, so i-a could capture i-b's
// routed traffic.
CORE_TEST(fabric, arp_replies_between_instances_are_dropped)
{
	static const uint8_t fixed[8] = { 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x02 };
	uint8_t frame[64];

	plug_abc();
	arp_request(frame, mac_b, mac_a, subnet1 + 1, ip_b);
	memcpy(frame + 14, fixed, sizeof(fixed));	// "subnet1 + 1 is-at mac_a", to B
	memcpy(frame + 32, mac_b, 6);
	cr_assert_eq(xmit(pa, frame, 42), VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_arp);
	// Broadcast (gratuitous) replies alike.
	memcpy(frame, bcast, 6);
	cr_assert_eq(xmit(pa, frame, 42), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_arp, 2u);
	cr_assert_eq(harness.delivery_count, 0);
}

CORE_TEST(fabric, a_frame_under_another_mac_is_dropped)
{
	uint8_t frame[64];

	// A sends as B: to C, to the router, and an ARP request as B.
	plug_abc();
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, mac_c, mac_b, 0x0800, 20)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_spoofed_mac);
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_b, ip_a, subnet2 + 9, 8)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_b, ip_b, subnet1 + 1)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_spoofed_mac, 3u);
	cr_assert_eq(stats().arp_replies, 0u);
	cr_assert_eq(port_stats(pa).tx_dropped, 3u);
	cr_assert_eq(harness.delivery_count, 0);
}

CORE_TEST(fabric, arp_across_subnets_is_not_answered)
{
	uint8_t frame[64];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, ip_c)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_dest);
	cr_assert_eq(port_stats(pa).rx_arp_replies, 0u);
}

CORE_TEST(fabric, arp_for_an_unknown_ip_is_not_answered)
{
	uint8_t frame[64];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, subnet1 + 99)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_dest);
}

CORE_TEST(fabric, arp_for_a_reserved_plus_two_address_is_not_answered)
{
	uint8_t frame[64];

	// EC2 reserves every subnet's .2, but its resolver answers at the VPC's
	// base + 2 only (test_fabric_svc): subnet 2's is nobody's.
	plug_abc();
	cr_assert_eq(xmit(pc, frame, arp_request(frame, bcast, mac_c, ip_c, subnet2 + 2)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pc, drop_no_dest);
}

CORE_TEST(fabric, arp_for_ones_own_ip_is_not_answered)
{
	uint8_t frame[64];

	// Duplicate address detection must see silence.
	plug_abc();
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, ip_a)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_dest);
	cr_assert_eq(port_stats(pa).rx_arp_replies, 0u);
}

CORE_TEST(fabric, malformed_arp_is_dropped)
{
	uint8_t frame[64];

	plug_abc();
	arp_request(frame, bcast, mac_a, ip_a, ip_b);
	cr_assert_eq(xmit(pa, frame, 41), VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_malformed);
	frame[21] = 2;			// a (gratuitous) reply is not a question
	cr_assert_eq(xmit(pa, frame, 42), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_malformed, 1u);
	cr_assert_eq(stats().drop_arp, 1u);
	cr_assert_eq(harness.delivery_count, 0);
}

CORE_TEST(fabric, drops_are_counted_per_sender)
{
	static const uint8_t nobody[6] = { 0x02, 0x99, 0x99, 0x99, 0x99, 0x99 };
	uint8_t frame[64];

	plug_abc();
	xmit(pa, frame, eth_frame(frame, nobody, mac_a, 0x0800, 20));
	xmit(pa, frame, eth_frame(frame, mac_c, mac_a, 0x0800, 20));
	xmit(pb, frame, eth_frame(frame, bcast, mac_b, 0x0800, 20));
	xmit(pa, frame, eth_frame(frame, mac_b, mac_a, 0x0800, 20));	// delivered
	xmit(pb, frame, arp_request(frame, bcast, mac_b, ip_b, ip_a));	// answered
	cr_assert_eq(port_stats(pa).tx_dropped, 2u);
	cr_assert_eq(port_stats(pb).tx_dropped, 1u);
	cr_assert_eq(port_stats(pc).tx_dropped, 0u);
	cr_assert_eq(port_stats(pa).rx_arp_replies, 0u);
	cr_assert_eq(port_stats(pb).rx_arp_replies, 1u);
	cr_assert_eq(stats().forwarded, 1u);
	cr_assert_eq(stats().arp_replies, 1u);
}

CORE_TEST(fabric, deleted_port_is_gone)
{
	uint8_t frame[64];
	unsigned long syncs;

	plug_abc();
	syncs = harness.synchronize_calls;
	unplug(pb);
	cr_assert_eq(harness.synchronize_calls, syncs + 1, "port_del must wait for readers");
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, mac_b, mac_a, 0x0800, 20)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, ip_b)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_no_dest, 2u);
	cr_assert_eq(harness.delivery_count, 0);
	// The MAC is free again.
	pb = plug(mac_b, ip_b, key1, subnet1, &cookie_b);
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, mac_b, mac_a, 0x0800, 20)),
		     VCORE_XMIT_DELIVERED);
}

/* ---- port validation ---- */

static int add_err(const vcore_port_desc &d)
{
	int err = 0;
	long allocs = harness.live_allocs;

	cr_assert_null(vcore_fabric_port_add(fab, &d, &err));
	cr_assert_eq(harness.live_allocs, allocs, "a refused port_add kept memory");
	return err;
}

CORE_TEST(fabric, port_add_refuses_bad_descriptions)
{
	static const uint8_t zero[6] = {};
	static const uint8_t mcast[6] = { 0x03, 0, 0, 0, 0, 1 };
	vcore_port_desc d = desc_of(mac_a, ip_a, key1, subnet1, &cookie_a);

	d.kind = 7;
	cr_assert_eq(add_err(d), -EINVAL, "unknown kind");
	d = desc_of(zero, ip_a, key1, subnet1, &cookie_a);
	cr_assert_eq(add_err(d), -EINVAL, "all-zero MAC");
	d = desc_of(mcast, ip_a, key1, subnet1, &cookie_a);
	cr_assert_eq(add_err(d), -EINVAL, "multicast MAC");
	d = desc_of(mac_a, ip_a, 0, subnet1, &cookie_a);
	cr_assert_eq(add_err(d), -EINVAL, "subnet key 0");
	d = desc_of(mac_a, ip_a, VCORE_SUBNET_KEY_MAX + 1, subnet1, &cookie_a);
	cr_assert_eq(add_err(d), -EINVAL, "subnet key in the VPC routers' range");
	d = desc_of(mac_a, 0, key1, subnet1, &cookie_a);
	cr_assert_eq(add_err(d), -EINVAL, "no primary IP");
	d = desc_of(mac_a, ip_c, key1, subnet1, &cookie_a);
	cr_assert_eq(add_err(d), -EINVAL, "primary IP outside the subnet");
	d = desc_of(mac_a, ip_a, key1, subnet1, &cookie_a);
	d.secondary_count = 1;
	d.secondary_ips[0] = ip_c;
	cr_assert_eq(add_err(d), -EINVAL, "secondary IP outside the subnet");
	d.secondary_ips[0] = ip_a;
	cr_assert_eq(add_err(d), -EINVAL, "secondary repeats the primary");
	d.secondary_count = VCORE_PORT_MAX_IPS;
	cr_assert_eq(add_err(d), -EINVAL, "one IP over VCORE_PORT_MAX_IPS");
	d = desc_of(mac_a, ip_a, key1, subnet1, &cookie_a);
	d.subnet_prefixlen = 33;
	cr_assert_eq(add_err(d), -EINVAL);
	d = igw_desc(1);
	d.vpc_prefixlen = 0;
	cr_assert_eq(add_err(d), -EINVAL, "an IGW without a VPC CIDR");
	// None of it stuck: the MAC and the IP are free.
	plug(mac_a, ip_a, key1, subnet1, &cookie_a);
}

CORE_TEST(fabric, ips_are_unique_per_vpc)
{
	vcore_port_desc d;

	plug_abc();
	d = desc_of(mac_igw, ip_a, key1, subnet1, &cookie_c);
	cr_assert_eq(add_err(d), -EADDRINUSE, "A's primary IP");
	d = desc_of(mac_igw, ip_b + 10, key1, subnet1, &cookie_c);
	d.secondary_count = 2;
	d.secondary_ips[0] = ip_b + 11;
	d.secondary_ips[1] = ip_b;
	cr_assert_eq(add_err(d), -EADDRINUSE, "B's primary IP as a secondary");
	// The same address in another VPC is another address.
	d = desc_of(mac_igw, ip_a, key1 + 10, subnet1, &cookie_c);
	d.vpc_key = vpc1 + 1;
	plug_desc(d);
}

CORE_TEST(fabric, one_internet_gateway_per_vpc)
{
	vcore_port_desc d = igw_desc(1);

	plug_desc(d);
	memcpy(d.mac, mac_c, 6);
	cr_assert_eq(add_err(d), -EEXIST);
	d.vpc_key = vpc1 + 1;
	plug_desc(d);
}

/* ---- secondary IPs and the IP index ---- */

static vcore_port_desc with_secondaries(vcore_port_desc d, uint32_t first, uint32_t count)
{
	d.secondary_count = count;
	for (uint32_t i = 0; i < count; i++)
		d.secondary_ips[i] = first + i;
	return d;
}

CORE_TEST(fabric, arp_answers_for_every_secondary_ip)
{
	uint8_t frame[64], expected[42];
	uint32_t first = subnet1 + 100, n = VCORE_PORT_MAX_IPS - 1;

	plug_abc();
	unplug(pb);
	pb = plug_desc(with_secondaries(desc_of(mac_b, ip_b, key1, subnet1, &cookie_b), first, n));
	for (uint32_t i = 0; i < n; i++) {
		harness_clear_deliveries();
		cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, first + i)),
			     VCORE_XMIT_ANSWERED, "secondary %u", i);
		expected_reply(expected, mac_a, ip_a, mac_b, first + i);
		cr_assert_arr_eq(harness.deliveries[0].frame, expected, 42);
	}
	cr_assert_eq(stats().arp_replies, n);
	// The one after the last is nobody's.
	harness_clear_deliveries();
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, first + n)),
		     VCORE_XMIT_DROPPED);
}

CORE_TEST(fabric, ip_index_holds_many_ports)
{
	static int cookies[12];
	vcore_fabric_port *p[12];
	uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x01, 0x00 };
	uint8_t frame[64];

	// 12 ports x 4 IPs; every address finds its owner, then half go away.
	for (int i = 0; i < 12; i++) {
		mac[5] = static_cast<uint8_t>(i);
		p[i] = plug_desc(with_secondaries(desc_of(mac, subnet1 + 16 + i, key1, subnet1,
							  &cookies[i]), subnet1 + 256 * (i + 1), 3));
	}
	for (int i = 0; i < 12; i += 2)
		unplug(p[i]);
	mac[5] = 1;			// p[1] asks, under its own MAC
	for (int i = 0; i < 12; i++) {
		for (uint32_t k = 0; k < 3; k++) {
			harness_clear_deliveries();
			vcore_xmit_verdict v = xmit(p[1], frame, arp_request(frame, bcast, mac, 1,
							subnet1 + 256 * (i + 1) + k));
			if (i == 1) {
				cr_assert_eq(v, VCORE_XMIT_DROPPED, "one's own IP");
			} else if (i % 2) {
				cr_assert_eq(v, VCORE_XMIT_ANSWERED, "port %d IP %u", i, k);
				cr_assert_eq(harness.deliveries[0].frame[27], i, "wrong owner");
			} else {
				cr_assert_eq(v, VCORE_XMIT_DROPPED, "port %d is gone", i);
			}
		}
	}
}

/* ---- port_update ---- */

// Issue 12, defect 4: an update that ran inside port_del's grace period
// linked a new state into the IP index, which port_del then freed while it
// was still indexed. The update in that window (run from the harness's
// synchronize_rcu) is refused and the index stays clean.
static vcore_fabric_port *racing_port;
static int racing_ret = 1;

static void update_during_del(void)
{
	vcore_port_desc d = desc_of(mac_b, ip_b, key1, subnet1, &cookie_b);

	harness.on_synchronize = nullptr;
	d.secondary_count = 1;
	d.secondary_ips[0] = subnet1 + 60;
	racing_ret = vcore_fabric_port_update(fab, racing_port, &d);
}

CORE_TEST(fabric, port_update_in_port_dels_grace_period_changes_nothing)
{
	uint8_t frame[64];

	plug_abc();
	racing_port = pb;
	harness.on_synchronize = update_during_del;
	unplug(pb);
	cr_assert_eq(racing_ret, -ENOENT, "the update must be refused");
	// Nothing of B is left in the index: its IPs find no owner.
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, subnet1 + 60)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, ip_b)),
		     VCORE_XMIT_DROPPED);
}


CORE_TEST(fabric, port_update_moves_secondary_ips)
{
	vcore_port_desc d = desc_of(mac_b, ip_b, key1, subnet1, &cookie_b);
	uint8_t frame[64];
	unsigned long syncs;
	long allocs;

	plug_abc();
	d.secondary_count = 1;
	d.secondary_ips[0] = subnet1 + 50;
	allocs = harness.live_allocs;
	syncs = harness.synchronize_calls;
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), 0);
	cr_assert_eq(harness.synchronize_calls, syncs + 1, "the old set is freed after a grace period");
	cr_assert_eq(harness.live_allocs, allocs, "the old set was not freed");
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, subnet1 + 50)),
		     VCORE_XMIT_ANSWERED);
	cr_assert_arr_eq(harness.deliveries[0].frame + 6, mac_b, 6);

	// Unassigned from B, assigned to A (a failover): B no longer owns it.
	d.secondary_count = 0;
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), 0);
	d = desc_of(mac_a, ip_a, key1, subnet1, &cookie_a);
	d.secondary_count = 1;
	d.secondary_ips[0] = subnet1 + 50;
	cr_assert_eq(vcore_fabric_port_update(fab, pa, &d), 0);
	harness_clear_deliveries();
	cr_assert_eq(xmit(pb, frame, arp_request(frame, bcast, mac_b, ip_b, subnet1 + 50)),
		     VCORE_XMIT_ANSWERED);
	cr_assert_arr_eq(harness.deliveries[0].frame + 6, mac_a, 6);
}

CORE_TEST(fabric, port_update_refuses_identity_changes)
{
	vcore_port_desc d;
	uint8_t frame[64];

	plug_abc();
	d = desc_of(mac_c, ip_b, key1, subnet1, &cookie_b);
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), -EINVAL, "MAC");
	d = desc_of(mac_b, ip_c, key2, subnet2, &cookie_b);
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), -EINVAL, "subnet");
	d = desc_of(mac_b, ip_b, key1, subnet1, &cookie_a);
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), -EINVAL, "cookie");
	d = desc_of(mac_b, ip_b, key1, subnet1, &cookie_b);
	d.vpc_key = 9;
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), -EINVAL, "VPC");
	d = desc_of(mac_b, ip_b, key1, subnet1, &cookie_b);
	d.kind = VCORE_PORT_IGW;
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), -EINVAL, "kind");
	// IP rules as for port_add, and a refusal keeps the old set.
	d = desc_of(mac_b, ip_a, key1, subnet1, &cookie_b);
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), -EADDRINUSE);
	d = desc_of(mac_b, ip_b, key1, subnet1, &cookie_b);
	d.secondary_count = 1;
	d.secondary_ips[0] = ip_b;
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), -EINVAL);
	harness.fail_alloc_in = 1;
	d.secondary_ips[0] = ip_b + 1;
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), -ENOMEM);
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, ip_b)),
		     VCORE_XMIT_ANSWERED);
	harness_clear_deliveries();
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, ip_b + 1)),
		     VCORE_XMIT_DROPPED);
}

CORE_TEST(fabric, port_update_keeps_its_own_ips)
{
	vcore_port_desc d = with_secondaries(desc_of(mac_b, ip_b, key1, subnet1, &cookie_b),
					     subnet1 + 60, 3);

	// Re-publishing the same addresses is not a conflict with oneself.
	plug_abc();
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), 0);
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), 0);
	d.source_dest_check = 1;
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), 0);
}

// A reader during port_update's grace period: the new set, whole.
static void read_during_grace_period(void)
{
	uint8_t frame[64];

	harness.on_synchronize = nullptr;
	harness_clear_deliveries();
	for (uint32_t ip = subnet1 + 70; ip < subnet1 + 74; ip++)
		cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, ip)),
			     VCORE_XMIT_ANSWERED, "new IP %x not visible yet", ip);
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, subnet1 + 60)),
		     VCORE_XMIT_DROPPED, "old IP still visible");
	// The new flag too: B now refuses foreign destinations.
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, mac_b, mac_a, ip_a, ip_c, 8)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(port_stats(pb).rx_src_dst_dropped, 1u);
}

CORE_TEST(fabric, port_update_publishes_before_the_grace_period)
{
	vcore_port_desc d = with_secondaries(desc_of(mac_b, ip_b, key1, subnet1, &cookie_b),
					     subnet1 + 60, 4);

	plug_abc();
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), 0);
	d = with_secondaries(d, subnet1 + 70, 4);
	d.source_dest_check = 1;
	harness.on_synchronize = read_during_grace_period;
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), 0);
	cr_assert_null(harness.on_synchronize, "update did not wait for a grace period");
}
