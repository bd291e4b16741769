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

	srd_links_may_allocate = true;
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

/* ---- SRD links: EFA's state machines carry the packets (fabric/srdlink.cc) ---- */

// A frame of @proto from A to B; *@due: when it arrives (0: lost).
static uint64_t send_due(uint8_t proto)
{
	uint8_t f[128];
	ip_opts o;
	uint64_t due = 0;

	o.proto = proto;
	if (xmit(pa, f, ip_frame(f, mac_b, mac_a, ip_a, ip_b, 40, o)) == VCORE_XMIT_DELIVERED)
		due = harness.deliveries[0].due_ns;
	harness_clear_deliveries();
	return due;
}

static void set_world(uint32_t loss_ppm, uint32_t delay_ns)
{
	vcore_fabric_path_config c = {};

	c.loss_ppm = loss_ppm;
	c.delay_ns = delay_ns;
	vcore_fabric_set_path(fab, &c, true);
}

// Copies and acknowledgements are lost alike: a packet whose acknowledgement
// was lost is sent again and the receiver drops the second copy; every packet
// arrives, once, after its first copy.
CORE_TEST(express, lost_acknowledgements_make_duplicates_the_receiver_drops)
{
	srd_links_may_allocate = true;
	plug_pair(tcp, tcp);
	set_world(300000, 10000);
	for (int i = 0; i < 200; i++)
		cr_assert_neq(send_due(proto_tcp), 0u, "packet %d lost over SRD", i);
	cr_assert_eq(stats().path_lost, 0u);
	cr_assert_gt(stats().srd_resent, 0u);
	cr_assert_gt(stats().srd_duplicates, 0u, "30 %% of acknowledgements lost, no copy twice");
	cr_assert_lt(stats().srd_duplicates, stats().srd_resent, "a resend after a lost copy is no duplicate");
	assert_srd(200, 200, 200);
}

// A packet in flight holds a slot of the sender's window until its
// acknowledgement is back: ena_srd_resource_utilization is the share held.
CORE_TEST(express, resource_utilization_is_the_window_held_in_flight)
{
	srd_links_may_allocate = true;
	plug_pair(tcp, tcp);
	set_world(0, 1000000);		// 1 ms each way
	for (int i = 0; i < 64; i++)
		cr_assert_neq(send_due(proto_tcp), 0u);
	cr_assert_eq(port_stats(pa).srd_resource_utilization, 50u, "64 of 128 in flight");
	cr_assert_eq(port_stats(pb).srd_resource_utilization, 0u, "B sent nothing");
	harness_advance_clock(2000000);
	cr_assert_eq(port_stats(pa).srd_resource_utilization, 0u, "every acknowledgement back");
}

// The window is of sequences: the 129th packet in flight leaves when the
// first one's acknowledgement is back, a round trip later.
CORE_TEST(express, a_full_window_holds_the_next_packet_a_round_trip)
{
	uint64_t first, last = 0;

	srd_links_may_allocate = true;
	plug_pair(tcp, tcp);
	set_world(0, 1000000);
	first = send_due(proto_tcp);
	cr_assert_eq(first, vnitro_env_clock_ns() + 1000000);
	for (int i = 1; i < 128; i++)
		cr_assert_eq(send_due(proto_tcp), first);
	cr_assert_eq(stats().srd_window_waits, 0u);
	last = send_due(proto_tcp);
	cr_assert_eq(stats().srd_window_waits, 1u);
	cr_assert_eq(last, first + 2000000, "sent when the first is acknowledged, 2 ms later");
	cr_assert_eq(port_stats(pa).srd_resource_utilization, 100u);
}

// Every path losing everything: each packet is given up after its last
// resend, and lost as a plain frame would be.
CORE_TEST(express, a_packet_no_path_carries_is_given_up)
{
	srd_links_may_allocate = true;
	plug_pair(tcp, tcp);
	set_world(1000000, 0);
	cr_assert_eq(send_due(proto_tcp), 0u);
	cr_assert_eq(stats().srd_given_up, 1u);
	cr_assert_eq(stats().srd_resent, 31u, "32 sends, then given up");
	cr_assert_eq(stats().path_lost, 1u);
	cr_assert_eq(port_stats(pa).srd_resource_utilization, 0u, "a given-up packet holds no slot");
}

// Without a path model nothing is lost or late: no link is made.
CORE_TEST(express, no_path_model_no_link)
{
	plug_pair(tcp, tcp);
	for (int i = 0; i < 10; i++)
		cr_assert(send_ab(proto_tcp));
	assert_srd(10, 10, 10);
	cr_assert_eq(port_stats(pa).srd_resource_utilization, 0u);
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

/* ---- MSS clamping ---- */

// The TCP checksum over @frame's 24-byte TCP header (IPv4 pseudo-header and
// all): 0 when the header's own checksum is right.
static uint16_t tcp_sum(const uint8_t *frame)
{
	uint8_t pseudo[12 + 24];

	memcpy(pseudo, frame + 26, 8);	// source, destination
	pseudo[8] = 0;
	pseudo[9] = proto_tcp;
	pseudo[10] = 0;
	pseudo[11] = 24;
	memcpy(pseudo + 12, frame + 34, 24);
	return ref_csum(pseudo, sizeof(pseudo));
}

// A TCP SYN (@flags) from A to B with an MSS option of @mss, checksum right.
static uint32_t syn_ab(uint8_t *f, uint16_t mss, uint8_t flags = 0x02)
{
	ip_opts o;
	uint32_t n;
	uint8_t *t;
	uint16_t c;

	o.proto = proto_tcp;
	n = ip_frame(f, mac_b, mac_a, ip_a, ip_b, 24, o);
	t = f + 34;
	memset(t, 0, 24);
	t[1] = 80;			// ports 0 -> 80...
	t[3] = 0x50;			// ... -> 80
	t[12] = 6 << 4;			// 24 bytes: one option
	t[13] = flags;
	t[14] = 0xff;
	t[20] = 2;			// MSS
	t[21] = 4;
	t[22] = uint8_t(mss >> 8);
	t[23] = uint8_t(mss);
	c = tcp_sum(f);
	t[16] = uint8_t(c >> 8);
	t[17] = uint8_t(c);
	return n;
}

// The MSS option and whether the TCP checksum of what the core left in xmitted[] is right.
static uint16_t sent_mss(bool *csum_ok)
{
	*csum_ok = tcp_sum(xmitted) == 0;
	return uint16_t(xmitted[34 + 22] << 8 | xmitted[34 + 23]);
}

// EC2: "Newly established TCP connections automatically clamp the MSS": a
// SYN between two ENIs of ENA Express leaves with an MSS whose segments fit
// 8900 bytes (8860 over IPv4), its checksum still right.
CORE_TEST(express, a_syn_between_two_enabled_enis_has_its_mss_clamped)
{
	uint8_t f[128];
	bool ok;

	plug_pair(tcp, tcp);
	cr_assert_eq(xmit(pa, f, syn_ab(f, 8961)), VCORE_XMIT_DELIVERED);
	cr_assert_eq(sent_mss(&ok), 8860);
	cr_assert(ok, "the checksum follows the option");
	cr_assert_eq(stats().srd_mss_clamped, 1u);
	// The SYN-ACK too; a smaller MSS, and what is not a SYN, stay as they are.
	cr_assert_eq(xmit(pa, f, syn_ab(f, 9001, 0x12)), VCORE_XMIT_DELIVERED);
	cr_assert_eq(sent_mss(&ok), 8860);
	cr_assert(ok);
	cr_assert_eq(xmit(pa, f, syn_ab(f, 1460)), VCORE_XMIT_DELIVERED);
	cr_assert_eq(sent_mss(&ok), 1460);
	cr_assert_eq(xmit(pa, f, syn_ab(f, 8961, 0x10)), VCORE_XMIT_DELIVERED);
	cr_assert_eq(sent_mss(&ok), 8961, "an ACK is not clamped");
	cr_assert_eq(stats().srd_mss_clamped, 2u);
	// Left to the device, the checksum field holds the pseudo-header's sum: untouched.
	harness.frame_csum_partial = 1;
	uint32_t n = syn_ab(f, 8961);
	uint16_t before = uint16_t(f[34 + 16] << 8 | f[34 + 17]);
	cr_assert_eq(xmit(pa, f, n), VCORE_XMIT_DELIVERED);
	cr_assert_eq(sent_mss(&ok), 8860);
	cr_assert_eq(uint16_t(xmitted[34 + 16] << 8 | xmitted[34 + 17]), before);
}

// Where ENA Express would not carry the connection, nothing is rewritten.
CORE_TEST(express, no_clamp_where_srd_would_not_carry_it)
{
	uint8_t f[128];
	bool ok;

	plug_pair(tcp, off);
	cr_assert_eq(xmit(pa, f, syn_ab(f, 8961)), VCORE_XMIT_DELIVERED);
	cr_assert_eq(sent_mss(&ok), 8961);
	cr_assert(ok);
	cr_assert_eq(stats().srd_mss_clamped, 0u);
}
