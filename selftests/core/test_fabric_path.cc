// SPDX-License-Identifier: GPL-2.0
// test_fabric_path.cc - the path model lives in the fabric: its configuration, seed and ENA frames' losses (core/fabric/path.cc).
#include "fabric_fixture.h"

/*
 * The fabric_fixture topology: A and B in subnet 1, C in subnet 2, the
 * internet gateway of the VPC. Source/dest checks off.
 */
static void setup(void)
{
	fabric_setup();
	plug_abc();
}

TestSuite(fabric_path, .init = setup, .fini = harness_fini);

static void set_loss(uint32_t ppm)
{
	vcore_fabric_path_config cfg;

	vcore_fabric_get_path(fab, &cfg);
	cfg.loss_ppm = ppm;
	vcore_fabric_set_path(fab, &cfg, true);
}

CORE_TEST(fabric_path, lossless_by_default_and_set_get_round_trips)
{
	vcore_fabric_path_config cfg = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	vcore_fabric_path_config want = {50000, 60000, 10000, 2000000, 300, 400, 500, 600, 700, 3};

	vcore_fabric_get_path(fab, &cfg);
	cr_assert_eq(cfg.loss_ppm + cfg.reorder_ppm + cfg.delay_ns, 0);
	cr_assert_eq(cfg.jitter_ns + cfg.congestion_ppm + cfg.congestion_delay_ns +
			     cfg.congestion_loss_ppm, 0);
	cr_assert_eq(cfg.reorder_delay_ns, 1000 * 1000, "held back 1 ms: after SRD's first resend");
	cr_assert_eq(cfg.episode_ns, 10 * 1000 * 1000);
	cr_assert_eq(cfg.paths, 8);
	cr_assert_eq(vcore_fabric_get_seed(fab), 0);
	vcore_fabric_set_path(fab, &want, true);
	vcore_fabric_get_path(fab, &cfg);
	cr_assert_eq(memcmp(&cfg, &want, sizeof(cfg)), 0);
	vcore_fabric_seed(fab, 77);
	cr_assert_eq(vcore_fabric_get_seed(fab), 77);
}

// A switched frame between two ENIs meets the path's loss.
CORE_TEST(fabric_path, switched_frames_between_enis_are_lost_at_loss_ppm)
{
	uint8_t f[64];
	uint32_t n = ip_frame(f, mac_b, mac_a, ip_a, ip_b, 8);

	set_loss(1000000);
	cr_assert_eq(xmit(pa, f, n), VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, path_lost);
	set_loss(0);
	cr_assert_eq(xmit(pa, f, n), VCORE_XMIT_DELIVERED);
	cr_assert_eq(harness.delivery_count, 1);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_b);
}

// So does a routed one (A to C through the VPC router), but not the fabric's
// own answers (ARP) nor what crosses the internet gateway (not the VPC's path).
CORE_TEST(fabric_path, routed_frames_between_enis_are_lost_the_gateway_is_not_the_path)
{
	uint8_t f[64];
	uint32_t n;

	pigw = plug_desc(igw_desc(1));
	set_loss(1000000);
	n = ip_frame(f, router1, mac_a, ip_a, ip_c, 8);
	cr_assert_eq(xmit(pa, f, n), VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, path_lost);
	n = arp_request(f, bcast, mac_a, ip_a, ip_b);
	cr_assert_eq(xmit(pa, f, n), VCORE_XMIT_ANSWERED);
	n = ip_frame(f, vpc_router1, mac_igw, 0x08080808, ip_a, 8);
	cr_assert_eq(xmit(pigw, f, n), VCORE_XMIT_DELIVERED, "from the internet: delivered");
	cr_assert_eq(stats().path_lost, 1);
}

// The same seed, the same frames lost: a lossy ENA run can be replayed.
static uint32_t lost_pattern(uint64_t seed, uint64_t *mask)
{
	uint8_t f[64];
	uint32_t n = ip_frame(f, mac_b, mac_a, ip_a, ip_b, 8), lost = 0;

	vcore_fabric_seed(fab, seed);
	*mask = 0;
	for (uint32_t i = 0; i < 64; i++) {
		if (xmit(pa, f, n) == VCORE_XMIT_DROPPED) {
			*mask |= 1ull << i;
			lost++;
		}
		harness_clear_deliveries();
	}
	return lost;
}

CORE_TEST(fabric_path, the_seed_replays_the_same_frame_losses)
{
	uint64_t m1, m2, m3;

	set_loss(300000);
	uint32_t lost = lost_pattern(5, &m1);
	cr_assert_gt(lost, 5, "about 30 %% lost (%u of 64)", lost);
	cr_assert_lt(lost, 40);
	cr_assert_eq(lost_pattern(5, &m2), lost);
	cr_assert_eq(m2, m1, "the very same frames");
	lost_pattern(6, &m3);
	cr_assert_neq(m3, m1, "another seed, another pattern");
	cr_assert_eq(stats().path_lost, port_stats(pa).tx_dropped);
}

/* ---- several paths: latency, ECMP, congestion, SRD ---- */

// A UDP frame from A to B of the flow with source port @sport.
static uint32_t udp_ab(uint8_t *f, uint16_t sport)
{
	ip_opts o;
	uint32_t n;

	o.proto = 17;
	n = ip_frame(f, mac_b, mac_a, ip_a, ip_b, 40, o);
	f[34] = static_cast<uint8_t>(sport >> 8);
	f[35] = static_cast<uint8_t>(sport);
	return n;
}

static vcore_fabric_one_path one_path(uint32_t loss_ppm, uint32_t delay_ns)
{
	vcore_fabric_one_path p = {};

	p.loss_ppm = loss_ppm;
	p.delay_ns = delay_ns;
	return p;
}

// Sends flow @sport once: true when delivered (and then *due its due time).
static bool send_flow(uint16_t sport, uint64_t *due = nullptr)
{
	uint8_t f[128];
	bool ok = xmit(pa, f, udp_ab(f, sport)) == VCORE_XMIT_DELIVERED;

	if (ok && due)
		*due = harness.deliveries[0].due_ns;
	harness_clear_deliveries();
	return ok;
}

CORE_TEST(fabric_path, one_path_is_set_alone_and_the_world_sets_them_all)
{
	vcore_fabric_path_config cfg;
	vcore_fabric_one_path p = one_path(1000, 2000), got;

	cr_assert_eq(vcore_fabric_set_one_path(fab, VCORE_PATHS_MAX, &p), -EINVAL);
	cr_assert_eq(vcore_fabric_get_one_path(fab, VCORE_PATHS_MAX, &got), -EINVAL);
	cr_assert_eq(vcore_fabric_set_one_path(fab, 3, &p), 0);
	vcore_fabric_get_one_path(fab, 3, &got);
	cr_assert_eq(memcmp(&got, &p, sizeof(p)), 0);
	vcore_fabric_get_one_path(fab, 2, &got);
	cr_assert_eq(got.loss_ppm + got.delay_ns, 0, "the others keep the world's");
	vcore_fabric_get_path(fab, &cfg);
	cr_assert_eq(cfg.loss_ppm, 0, "the world's own stays");
	cfg.delay_ns = 5000;
	vcore_fabric_set_path(fab, &cfg, false);
	vcore_fabric_get_one_path(fab, 3, &got);
	cr_assert_eq(got.delay_ns, 2000, "without to_paths, the paths keep theirs");
	vcore_fabric_set_path(fab, &cfg, true);
	vcore_fabric_get_one_path(fab, 3, &got);
	cr_assert_eq(got.delay_ns, 5000, "the world's replaces what was set per path");
	cr_assert_eq(got.loss_ppm, 0);
}

// Nothing set: frames arrive at once, and the clock is not even read for them.
CORE_TEST(fabric_path, the_default_model_delivers_at_once)
{
	uint64_t due = 1;

	cr_assert(send_flow(1000, &due));
	cr_assert_eq(due, 0);
	cr_assert_eq(stats().path_delayed, 0);
}

CORE_TEST(fabric_path, a_delay_and_its_jitter_set_the_arrival)
{
	vcore_fabric_path_config cfg;
	uint64_t due, now;
	bool spread = false;

	vcore_fabric_get_path(fab, &cfg);
	cfg.delay_ns = 100000;
	vcore_fabric_set_path(fab, &cfg, true);
	now = vnitro_env_clock_ns();
	cr_assert(send_flow(1000, &due));
	cr_assert_eq(due, now + 100000, "one-way latency 100 us");
	cr_assert_eq(stats().path_delayed, 1);
	cfg.jitter_ns = 50000;
	vcore_fabric_set_path(fab, &cfg, true);
	for (uint16_t i = 0; i < 64; i++) {
		now = vnitro_env_clock_ns();
		cr_assert(send_flow(2000 + i, &due));
		cr_assert_geq(due, now + 100000);
		cr_assert_leq(due, now + 150000);
		spread |= due > now + 125000;
	}
	cr_assert(spread, "jitter draws vary");
}

// The frames of one flow never overtake each other, whatever the jitter.
CORE_TEST(fabric_path, a_flow_arrives_in_order)
{
	vcore_fabric_path_config cfg;
	uint64_t due, last = 0;

	vcore_fabric_get_path(fab, &cfg);
	cfg.jitter_ns = 1000000;
	vcore_fabric_set_path(fab, &cfg, true);
	for (int i = 0; i < 100; i++) {
		cr_assert(send_flow(4242, &due));
		cr_assert_geq(due, last, "frame %d overtook", i);
		last = due;
		harness_advance_clock(1000);
	}
}

// ECMP: a flow keeps its path, so a path that loses everything loses whole
// flows and spares the others.
CORE_TEST(fabric_path, plain_flows_keep_their_path)
{
	vcore_fabric_one_path bad = one_path(1000000, 0);
	uint32_t dead = 0;

	cr_assert_eq(vcore_fabric_set_one_path(fab, 5, &bad), 0);
	for (uint16_t sport = 1; sport <= 64; sport++) {
		bool first = send_flow(sport);

		for (int i = 0; i < 5; i++)
			cr_assert_eq(send_flow(sport), first, "flow %u changed its fate", sport);
		dead += !first;
	}
	// One path of 8: about 8 of 64 flows.
	cr_assert_gt(dead, 0, "no flow took the bad path");
	cr_assert_lt(dead, 24, "%u of 64 flows lost", dead);
	cr_assert_eq(stats().path_lost, dead * 6);
}

// A path in a congestion episode adds its delay and loss; episodes are the
// seed's and the clock's: congestion_ppm 1000000 congests every episode.
CORE_TEST(fabric_path, congestion_episodes_add_delay_and_loss)
{
	vcore_fabric_path_config cfg;
	uint64_t due, now;

	vcore_fabric_get_path(fab, &cfg);
	cfg.delay_ns = 10000;
	cfg.congestion_ppm = 1000000;
	cfg.congestion_delay_ns = 2000000;
	vcore_fabric_set_path(fab, &cfg, true);
	now = vnitro_env_clock_ns();
	cr_assert(send_flow(7, &due));
	cr_assert_eq(due, now + 2010000);
	cfg.congestion_loss_ppm = 1000000;
	vcore_fabric_set_path(fab, &cfg, true);
	cr_assert_not(send_flow(7), "lost while congested");
	cfg.congestion_ppm = 0;
	vcore_fabric_set_path(fab, &cfg, true);
	cr_assert(send_flow(7, &due), "no episode, no congestion loss");
}

// Over SRD, a packet takes the best of four paths and is resent after a
// loss: seven dead paths of eight lose no flow, and cost resends only.
CORE_TEST(fabric_path, srd_sprays_around_a_dead_path)
{
	vcore_fabric_one_path bad = one_path(1000000, 0);

	srd_links_may_allocate = true;

	unplug(pa);
	unplug(pb);
	pa = plug_desc([] {
		vcore_port_desc d = desc_of(mac_a, ip_a, key1, subnet1, &cookie_a);
		d.ena_express = VCORE_SRD_ENABLED | VCORE_SRD_UDP;
		return d;
	}());
	pb = plug_desc([] {
		vcore_port_desc d = desc_of(mac_b, ip_b, key1, subnet1, &cookie_b);
		d.ena_express = VCORE_SRD_ENABLED | VCORE_SRD_UDP;
		return d;
	}());
	for (uint32_t i = 1; i < VCORE_PATHS_MAX; i++)
		cr_assert_eq(vcore_fabric_set_one_path(fab, i, &bad), 0);
	for (uint16_t sport = 1; sport <= 64; sport++)
		for (int i = 0; i < 5; i++)
			cr_assert(send_flow(sport), "flow %u lost a packet over SRD", sport);
	cr_assert_eq(stats().path_lost, 0);
	cr_assert_gt(stats().srd_resent, 0, "half the packets start among dead paths only");
	cr_assert_eq(port_stats(pb).srd_rx_pkts, 320);
}

/* ---- placement: the network nodes between two instances ---- */

// Replugs A and B with network nodes @a and @b (zone, block, rack).
static void place_ab(const uint64_t (&a)[3], const uint64_t (&b)[3])
{
	vcore_port_desc da = desc_of(mac_a, ip_a, key1, subnet1, &cookie_a);
	vcore_port_desc db = desc_of(mac_b, ip_b, key1, subnet1, &cookie_b);

	unplug(pa);
	unplug(pb);
	memcpy(da.nodes, a, sizeof(a));
	memcpy(db.nodes, b, sizeof(b));
	pa = plug_desc(da);
	pb = plug_desc(db);
}

// One-way: node_delay per node crossed (1 on a rack, 3 in a block, 5 in a
// zone, 6 between zones), az_delay more between zones, on top of the path's.
CORE_TEST(fabric_path, placement_adds_each_node_crossed_and_the_zones_distance)
{
	vcore_fabric_path_config cfg;
	uint64_t due, now;

	place_ab({1, 2, 3}, {1, 2, 3});
	now = vnitro_env_clock_ns();
	cr_assert(send_flow(9, &due));
	cr_assert_eq(due, 0, "no placement delays set: at once");
	vcore_fabric_get_path(fab, &cfg);
	cfg.node_delay_ns = 10000;
	cfg.az_delay_ns = 500000;
	cfg.delay_ns = 1000;
	vcore_fabric_set_path(fab, &cfg, true);
	vcore_fabric_get_path(fab, &cfg);
	cr_assert_eq(cfg.node_delay_ns, 10000);
	cr_assert_eq(cfg.az_delay_ns, 500000);
	struct {
		uint64_t b[3];
		uint64_t want;
	} cases[] = {
		{{1, 2, 3}, 1000 + 10000},		// one rack node (a cluster group)
		{{1, 2, 4}, 1000 + 30000},		// one block
		{{1, 5, 6}, 1000 + 50000},		// one zone
		{{7, 8, 9}, 1000 + 60000 + 500000},	// another zone
	};
	for (auto &c : cases) {
		place_ab({1, 2, 3}, c.b);
		now = vnitro_env_clock_ns();
		cr_assert(send_flow(9, &due));
		cr_assert_eq(due - now, c.want, "%llu ns, expected %llu",
			     (unsigned long long)(due - now), (unsigned long long)c.want);
	}
	// Placement alone (no path delay) is a model in force.
	cfg.delay_ns = 0;
	vcore_fabric_set_path(fab, &cfg, true);
	now = vnitro_env_clock_ns();
	cr_assert(send_flow(10, &due));
	cr_assert_eq(due - now, 560000u);
}
