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
	vcore_fabric_set_path(fab, &cfg);
}

CORE_TEST(fabric_path, lossless_by_default_and_set_get_round_trips)
{
	vcore_fabric_path_config cfg = {1, 2, 3, 4};
	vcore_fabric_path_config want = {50000, 60000, 10000, 2000000};

	vcore_fabric_get_path(fab, &cfg);
	cr_assert_eq(cfg.loss_ppm + cfg.reorder_ppm + cfg.delay_ns, 0);
	cr_assert_eq(cfg.reorder_delay_ns, 1000 * 1000, "held back 1 ms: after SRD's first resend");
	cr_assert_eq(vcore_fabric_get_seed(fab), 0);
	vcore_fabric_set_path(fab, &want);
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
