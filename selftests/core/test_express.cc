// SPDX-License-Identifier: GPL-2.0
// test_express.cc - ENA Express: which frames go over SRD, its counters, loss recovery and flow limit (core/fabric/express.cc).
#include "fabric_fixture.h"

static void setup(void)
{
	fabric_setup();
	harness.frame_bytes = 1000;
}

TestSuite(express, .init = setup, .fini = harness_fini);

enum : uint8_t {
	off = 0,
	tcp = VCORE_SRD_ENABLED,
	udp = VCORE_SRD_ENABLED | VCORE_SRD_UDP,
	proto_tcp = 6,
	proto_udp = 17,
};

// An ENI with ENA Express @mode, in @domain's Region.
static vcore_port_desc eni(const uint8_t *mac, uint32_t ip, uint32_t key, uint32_t net, void *cookie,
			   uint8_t mode, const char *domain = "")
{
	vcore_port_desc d = desc_of(mac, ip, key, net, cookie);

	d.ena_express = mode;
	snprintf(d.dns_domain, sizeof(d.dns_domain), "%s", domain);
	return d;
}

static void plug_pair(uint8_t mode_a, uint8_t mode_b, const char *domain_b = "")
{
	pa = plug_desc(eni(mac_a, ip_a, key1, subnet1, &cookie_a, mode_a));
	pb = plug_desc(eni(mac_b, ip_b, key1, subnet1, &cookie_b, mode_b, domain_b));
}

// One frame of @proto from A to B: delivered or not.
static bool send_ab(uint8_t proto)
{
	uint8_t f[128];
	ip_opts o;
	vcore_xmit_verdict v;

	o.proto = proto;
	v = xmit(pa, f, ip_frame(f, mac_b, mac_a, ip_a, ip_b, 40, o));
	harness_clear_deliveries();
	return v == VCORE_XMIT_DELIVERED;
}

// A's eligible and sent, B's received, as ethtool -S shows them.
static void assert_srd(uint64_t eligible, uint64_t tx, uint64_t rx)
{
	vcore_port_stats a = port_stats(pa), b = port_stats(pb);

	cr_assert_eq(a.srd_eligible_tx_pkts, eligible, "eligible %lu", (unsigned long)a.srd_eligible_tx_pkts);
	cr_assert_eq(a.srd_tx_pkts, tx, "tx %lu", (unsigned long)a.srd_tx_pkts);
	cr_assert_eq(b.srd_rx_pkts, rx, "rx %lu", (unsigned long)b.srd_rx_pkts);
}

CORE_TEST(express, tcp_between_two_enabled_enis_goes_over_srd)
{
	plug_pair(tcp, tcp);
	cr_assert(send_ab(proto_tcp));
	assert_srd(1, 1, 1);
	cr_assert_eq(port_stats(pa).srd_mode, 1u, "ena_srd_mode: enabled");
	// UDP is TCP's only with the UDP setting: plain ENA, not even eligible.
	cr_assert(send_ab(proto_udp));
	assert_srd(1, 1, 1);
	// ICMP and the rest never.
	cr_assert(send_ab(1));
	assert_srd(1, 1, 1);
}

// EC2: "Both sending and receiving instances must have ENA Express configured."
CORE_TEST(express, one_end_off_falls_back_silently_but_counts_eligible)
{
	plug_pair(tcp, off);
	for (int i = 0; i < 5; i++)
		cr_assert(send_ab(proto_tcp), "delivered over plain ENA");
	assert_srd(5, 0, 0);
	cr_assert_eq(port_stats(pb).srd_mode, 0u);
	// From B's side nothing is even eligible.
	uint8_t f[128];
	ip_opts o;

	o.proto = proto_tcp;
	cr_assert_eq(xmit(pb, f, ip_frame(f, mac_a, mac_b, ip_b, ip_a, 40, o)), VCORE_XMIT_DELIVERED);
	cr_assert_eq(port_stats(pb).srd_eligible_tx_pkts, 0u);
}

CORE_TEST(express, udp_needs_both_ends_udp_setting)
{
	plug_pair(udp, tcp);
	cr_assert(send_ab(proto_udp));
	assert_srd(1, 0, 0);
	cr_assert_eq(port_stats(pa).srd_mode, 3u, "ena_srd_mode: enabled and UDP");
	unplug(pb);
	pb = plug_desc(eni(mac_b, ip_b, key1, subnet1, &cookie_b, udp));
	cr_assert(send_ab(proto_udp));
	assert_srd(2, 1, 1);
}

// ENA Express needs an MTU of 8900 at most: a larger packet falls back,
// "still reflected as eligible in the counter" (EC2).
CORE_TEST(express, packets_above_8900_bytes_fall_back_but_count_as_eligible)
{
	plug_pair(tcp, tcp);
	harness.frame_bytes = 9014;
	harness.frame_ip_len = 9000;
	cr_assert(send_ab(proto_tcp));
	assert_srd(1, 0, 0);
	harness.frame_ip_len = 8900;
	cr_assert(send_ab(proto_tcp));
	assert_srd(2, 1, 1);
	// A TSO frame counts its segments.
	harness.frame_bytes = 64000;
	harness.frame_packets = 8;
	cr_assert(send_ab(proto_tcp));
	assert_srd(10, 9, 9);
}

// EC2: the same Region, in the same or another Availability Zone.
CORE_TEST(express, another_region_falls_back)
{
	plug_pair(tcp, tcp, "eu-west-1.compute.internal");
	cr_assert(send_ab(proto_tcp));
	assert_srd(1, 0, 0);
}

CORE_TEST(express, routed_to_another_subnet_of_the_region)
{
	uint8_t f[128];
	ip_opts o;

	pa = plug_desc(eni(mac_a, ip_a, key1, subnet1, &cookie_a, tcp));
	pc = plug_desc(eni(mac_c, ip_c, key2, subnet2, &cookie_c, tcp));
	o.proto = proto_tcp;
	cr_assert_eq(xmit(pa, f, ip_frame(f, router1, mac_a, ip_a, ip_c, 40, o)), VCORE_XMIT_DELIVERED);
	cr_assert_eq(port_stats(pa).srd_tx_pkts, 1u);
	cr_assert_eq(port_stats(pc).srd_rx_pkts, 1u);
}

// SRD resends what the path loses: a flow over it sees no loss; plain ENA does.
CORE_TEST(express, srd_recovers_the_paths_losses)
{
	vcore_fabric_path_config lossy = {};
	uint32_t plain = 0;

	plug_pair(tcp, tcp);
	pc = plug_desc(eni(mac_c, ip_a + 9, key1, subnet1, &cookie_c, off));
	lossy.loss_ppm = 500000;
	vcore_fabric_set_path(fab, &lossy, true);
	for (int i = 0; i < 100; i++)
		cr_assert(send_ab(proto_tcp), "frame %d lost over SRD", i);
	cr_assert_eq(stats().path_lost, 0u);
	for (int i = 0; i < 100; i++) {
		uint8_t f[128];
		ip_opts o;

		o.proto = proto_tcp;
		plain += xmit(pa, f, ip_frame(f, mac_c, mac_a, ip_a, ip_a + 9, 40, o)) ==
			 VCORE_XMIT_DELIVERED;
		harness_clear_deliveries();
	}
	cr_assert(plain > 20 && plain < 80, "plain ENA to C lost about half: %u delivered", plain);
	cr_assert_eq(stats().path_lost, 100u - plain);
}

// The ENI's setting may change while it is plugged: the next frame sees it.
CORE_TEST(express, a_port_update_turns_it_on)
{
	vcore_port_desc d;

	plug_pair(off, tcp);
	cr_assert(send_ab(proto_tcp));
	assert_srd(0, 0, 0);
	d = eni(mac_a, ip_a, key1, subnet1, &cookie_a, tcp);
	cr_assert_eq(vcore_fabric_port_update(fab, pa, &d), 0);
	cr_assert(send_ab(proto_tcp));
	assert_srd(1, 1, 1);
	// UDP without ENA Express itself is no mode at all.
	d.ena_express = VCORE_SRD_UDP;
	cr_assert_eq(vcore_fabric_port_update(fab, pa, &d), 0);
	cr_assert_eq(port_stats(pa).srd_mode, 0u);
}

// Over SRD a flow may use 25 Gbps where plain ENA gives it 5: here 25 and 5 Mbit/s.
CORE_TEST(express, srd_lifts_the_single_flow_limit)
{
	vcore_allowance_desc big = {};
	uint32_t over_srd = 0, plain = 0;

	vcore_fabric_set_flow_limit(fab, 8 * 1000000ull, 16 * 1000000ull, 40 * 1000000ull);
	big.cards = 1;
	big.peak_bps = big.baseline_bps = 100000ull * 1000000;
	big.burst_s = 1;
	big.key = 1;
	cr_assert_eq(vcore_fabric_allowance_set(fab, &big), 0);
	big.key = 2;
	cr_assert_eq(vcore_fabric_allowance_set(fab, &big), 0);
	vcore_port_desc da = eni(mac_a, ip_a, key1, subnet1, &cookie_a, tcp);
	vcore_port_desc db = eni(mac_b, ip_b, key1, subnet1, &cookie_b, tcp);
	vcore_port_desc dc = eni(mac_c, ip_a + 9, key1, subnet1, &cookie_c, off);
	da.allowance_key = 1;
	db.allowance_key = dc.allowance_key = 2;
	pa = plug_desc(da);
	pb = plug_desc(db);
	pc = plug_desc(dc);
	// 100 ms of 1000-byte frames, one every 100 us: 80 Mbit/s offered.
	for (int i = 0; i < 1000; i++) {
		uint8_t f[128];
		ip_opts o;

		o.proto = proto_tcp;
		harness_advance_clock(100000 - 2000);
		over_srd += send_ab(proto_tcp);
		plain += xmit(pa, f, ip_frame(f, mac_c, mac_a, ip_a, ip_a + 9, 40, o)) ==
			 VCORE_XMIT_DELIVERED;
		harness_clear_deliveries();
	}
	// Each flow: its rate over 100 ms plus two 64 KiB frames' tolerance.
	cr_assert(over_srd >= 600 && over_srd <= 640, "40 Mbit/s over SRD: %u", over_srd);
	cr_assert(plain >= 220 && plain <= 240, "8 Mbit/s plain: %u", plain);
}
