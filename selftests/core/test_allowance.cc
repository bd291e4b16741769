// SPDX-License-Identifier: GPL-2.0
// test_allowance.cc - instances' bandwidth allowances and ENIs' fragment allowance (core/fabric/allowance.cc).
#include "fabric_fixture.h"

static void setup(void)
{
	fabric_setup();
	// Every frame stands for 1000 bytes on the wire unless a test says otherwise.
	harness.frame_bytes = 1000;
}

TestSuite(allowance, .init = setup, .fini = harness_fini);

enum : uint32_t {
	inst1 = 7,
	inst2 = 8,
	mbit = 1000000,
	ms = 1000000,		// nanoseconds
};

static int set_allowance(uint32_t key, uint64_t peak_bps, uint64_t base_bps, uint32_t burst_s = 1,
			 uint32_t cards = 2)
{
	vcore_allowance_desc d = {};

	d.key = key;
	d.cards = cards;
	d.peak_bps = peak_bps;
	d.baseline_bps = base_bps;
	d.burst_s = burst_s;
	return vcore_fabric_allowance_set(fab, &d);
}

// An ENI of instance @key on network card @card.
static vcore_fabric_port *plug_eni(const uint8_t *mac, uint32_t ip, uint32_t subnet_key,
				   uint32_t net, void *cookie, uint32_t key, uint32_t card = 0)
{
	vcore_port_desc d = desc_of(mac, ip, subnet_key, net, cookie);

	d.allowance_key = key;
	d.network_card = card;
	return plug_desc(d);
}

// Sends @n frames A -> B back to back (the clock moves 1 us a read); how many went through.
static uint32_t burst(vcore_fabric_port *from, const uint8_t *to_mac, uint32_t sip, uint32_t dip,
		      uint32_t n)
{
	uint8_t f[128];
	uint32_t len = ip_frame(f, to_mac, mac_a, sip, dip, 40), sent = 0;

	memcpy(f + 6, from == pa ? mac_a : from == pb ? mac_b : mac_c, 6);
	for (uint32_t i = 0; i < n; i++) {
		sent += xmit(from, f, len) == VCORE_XMIT_DELIVERED;
		harness_clear_deliveries();
	}
	return sent;
}

// Plugs the internet gateway, routes subnet 1's default to it and sends @n
// frames from A to 8.8.8.8: how many went through.
static uint32_t to_the_internet(uint32_t n)
{
	vcore_fabric_subnet_desc t = {};
	uint8_t f[128];
	uint32_t len, sent = 0;

	pigw = plug_desc(igw_desc(1));
	t.key = key1;
	t.vpc_key = vpc1;
	t.addr = subnet1;
	t.prefixlen = 20;
	t.route_count = 2;
	t.routes[0].addr = vpc_block;
	t.routes[0].prefixlen = 16;
	t.routes[0].target = VCORE_ROUTE_LOCAL;
	t.routes[1].target = VCORE_ROUTE_IGW;
	cr_assert_eq(vcore_fabric_subnet_set(fab, &t), 0);
	len = ip_frame(f, router1, mac_a, ip_a, 0x08080808, 40);
	for (uint32_t i = 0; i < n; i++) {
		sent += xmit(pa, f, len) == VCORE_XMIT_DELIVERED;
		harness_clear_deliveries();
	}
	return sent;
}

/* ---- the peak: a short-term cap ---- */

// A of instance inst1 at 8 Mbit/s each way (no burst), B without allowances.
static void limited_a_and_b(void)
{
	cr_assert_eq(set_allowance(inst1, 8 * mbit, 8 * mbit), 0);
	pa = plug_eni(mac_a, ip_a, key1, subnet1, &cookie_a, inst1);
	pb = plug(mac_b, ip_b, key1, subnet1, &cookie_b);
}

// 8 Mbit/s is 1000 bytes a millisecond; the tolerance is two 64 KiB frames'
// worth (131 ms here), so about 132 frames pass at once, then one a millisecond.
CORE_TEST(allowance, outbound_is_capped_at_the_peak_and_counted_at_the_sender)
{
	uint32_t sent;

	limited_a_and_b();
	sent = burst(pa, mac_b, ip_a, ip_b, 300);
	cr_assert(sent >= 131 && sent <= 134, "a tolerance's worth at once: %u", sent);
	cr_assert_eq(port_stats(pa).bw_out_allowance_exceeded, 300 - sent);
	cr_assert_eq(port_stats(pa).tx_dropped, 300 - sent);
	cr_assert_eq(port_stats(pb).bw_in_allowance_exceeded, 0u);
	cr_assert_eq(stats().drop_bw_out_allowance, 300 - sent);
	cr_assert_eq(stats().forwarded, sent);
	// 50 ms later, 50 frames' worth more.
	harness_advance_clock(50 * ms);
	sent = burst(pa, mac_b, ip_a, ip_b, 100);
	cr_assert(sent >= 49 && sent <= 52, "the rate: %u in 50 ms", sent);
}

// EC2 "shapes the traffic that exceeds the maximum by queueing and then
// dropping network packets": with a queue of 50 ms, 50 frames past the
// tolerance wait their turn (due later and later, counted as exceeded),
// and only the rest are dropped.
CORE_TEST(allowance, over_the_peak_a_packet_waits_in_the_queue_then_is_dropped)
{
	uint8_t f[128];
	uint32_t len = ip_frame(f, mac_b, mac_a, ip_a, ip_b, 40), at_once = 0, queued = 0;
	uint64_t last_due = 0, start;

	vcore_fabric_set_allowance_queue(fab, 50 * ms);
	limited_a_and_b();
	start = vnitro_env_clock_ns();
	for (int i = 0; i < 300; i++) {
		if (xmit(pa, f, len) == VCORE_XMIT_DELIVERED) {
			uint64_t due = harness.deliveries[0].due_ns;

			if (!due)
				at_once++;
			else
				queued++;
			cr_assert_geq(due, last_due, "frame %d overtook one queued before it", i);
			cr_assert_leq(due, start + 50 * ms + ms, "at most the queue's 50 ms late");
			last_due = due;
		}
		harness_clear_deliveries();
	}
	cr_assert(at_once >= 131 && at_once <= 134, "a tolerance's worth at once: %u", at_once);
	cr_assert(queued >= 48 && queued <= 52, "50 ms of queue at 1000 bytes a ms: %u", queued);
	cr_assert_eq(stats().allowance_queued, queued);
	cr_assert_eq(stats().drop_bw_out_allowance, 300 - at_once - queued, "dropped: the rest");
	cr_assert_eq(port_stats(pa).bw_out_allowance_exceeded, 300 - at_once,
		     "EC2 counts a packet queued or dropped");
	cr_assert_eq(port_stats(pa).tx_dropped, 300 - at_once - queued);
}

// A gateway delivers at once, so what goes to it does not wait: dropped.
CORE_TEST(allowance, nothing_waits_on_the_way_to_a_gateway)
{
	uint32_t sent;

	vcore_fabric_set_allowance_queue(fab, 50 * ms);
	limited_a_and_b();
	sent = to_the_internet(300);
	cr_assert(sent >= 131 && sent <= 134, "%u", sent);
	cr_assert_eq(stats().allowance_queued, 0u);
}

CORE_TEST(allowance, inbound_is_capped_at_the_receiver_and_counted_there)
{
	uint32_t sent;

	cr_assert_eq(set_allowance(inst2, 8 * mbit, 8 * mbit), 0);
	pa = plug(mac_a, ip_a, key1, subnet1, &cookie_a);
	pb = plug_eni(mac_b, ip_b, key1, subnet1, &cookie_b, inst2);
	sent = burst(pa, mac_b, ip_a, ip_b, 300);
	cr_assert(sent >= 131 && sent <= 134, "%u", sent);
	cr_assert_eq(port_stats(pb).bw_in_allowance_exceeded, 300 - sent);
	cr_assert_eq(port_stats(pb).bw_out_allowance_exceeded, 0u);
	cr_assert_eq(port_stats(pa).bw_out_allowance_exceeded, 0u);
	cr_assert_eq(port_stats(pa).tx_dropped, 300 - sent, "the sender lost them");
	cr_assert_eq(stats().drop_bw_in_allowance, 300 - sent);
}

// Inbound and outbound are separate allowances (EC2: separate credit buckets).
CORE_TEST(allowance, in_and_out_are_separate)
{
	limited_a_and_b();
	cr_assert_geq(burst(pa, mac_b, ip_a, ip_b, 300), 131u);
	cr_assert_geq(burst(pb, mac_a, ip_b, ip_a, 300), 131u, "A's inbound is untouched");
}

// The count is of packets: a TSO frame's segments each.
CORE_TEST(allowance, a_tso_frame_counts_its_segments)
{
	limited_a_and_b();
	harness.frame_bytes = 64000;
	harness.frame_packets = 44;
	// The tolerance is 131072 bytes: a frame passes while the clock is no
	// further ahead, so three 64 KB frames do and the fourth does not.
	cr_assert_eq(burst(pa, mac_b, ip_a, ip_b, 4), 3u);
	cr_assert_eq(port_stats(pa).bw_out_allowance_exceeded, 44u);
	cr_assert_eq(stats().drop_bw_out_allowance, 44u);
	cr_assert_eq(port_stats(pa).tx_dropped, 1u, "one frame");
}

// One instance's ENIs on a card share its allowance; another card has its own.
CORE_TEST(allowance, enis_share_their_cards_allowance)
{
	uint32_t sent;

	cr_assert_eq(set_allowance(inst1, 8 * mbit, 8 * mbit), 0);
	pa = plug_eni(mac_a, ip_a, key1, subnet1, &cookie_a, inst1, 0);
	pb = plug_eni(mac_b, ip_b, key1, subnet1, &cookie_b, inst1, 0);
	pc = plug_eni(mac_c, ip_a + 9, key1, subnet1, &cookie_c, inst1, 1);
	sent = burst(pa, mac_c, ip_a, ip_a + 9, 100) + burst(pb, mac_c, ip_b, ip_a + 9, 100);
	cr_assert(sent >= 131 && sent <= 134, "card 0 shared by A and B: %u", sent);
	// C, on card 1, received all of it (its inbound is card 1's) and sends on card 1.
	cr_assert_eq(port_stats(pc).bw_in_allowance_exceeded, 0u);
	cr_assert_geq(burst(pc, mac_a, ip_a + 9, ip_a, 131), 131u);
}

// A frame routed to another subnet, or to the internet gateway, is charged as well.
CORE_TEST(allowance, routed_frames_are_charged)
{
	uint8_t f[128];
	uint32_t len, sent = 0;

	cr_assert_eq(set_allowance(inst1, 8 * mbit, 8 * mbit), 0);
	pa = plug_eni(mac_a, ip_a, key1, subnet1, &cookie_a, inst1);
	pc = plug(mac_c, ip_c, key2, subnet2, &cookie_c);
	len = ip_frame(f, router1, mac_a, ip_a, ip_c, 40);
	for (int i = 0; i < 300; i++) {
		sent += xmit(pa, f, len) == VCORE_XMIT_DELIVERED;
		harness_clear_deliveries();
	}
	cr_assert(sent >= 131 && sent <= 134, "%u", sent);
	cr_assert_eq(stats().routed, sent);
	cr_assert_eq(port_stats(pa).bw_out_allowance_exceeded, 300 - sent);
}

/* ---- the baseline: network I/O credits ---- */

// Peak 8 Mbit/s, baseline 0.8: from full credits the card sends at its peak
// for burst_s (1 s), then at its baseline; idle, it earns the credits back.
CORE_TEST(allowance, an_up_to_type_bursts_on_its_credits_then_falls_to_the_baseline)
{
	uint32_t first = 0, later = 0;

	cr_assert_eq(set_allowance(inst1, 8 * mbit, 800000, 1), 0);
	pa = plug_eni(mac_a, ip_a, key1, subnet1, &cookie_a, inst1);
	pb = plug(mac_b, ip_b, key1, subnet1, &cookie_b);
	// The peak's rate: a frame a millisecond. The first second all pass.
	for (int i = 0; i < 1000; i++) {
		harness_advance_clock(ms - 2000);
		first += burst(pa, mac_b, ip_a, ip_b, 1);
	}
	cr_assert_geq(first, 995u, "a second at the peak on full credits: %u", first);
	// Then the credits are gone: a tenth gets through, the baseline.
	for (int i = 0; i < 2000; i++) {
		harness_advance_clock(ms - 2000);
		later += burst(pa, mac_b, ip_a, ip_b, 1);
	}
	cr_assert(later >= 180 && later <= 260, "the baseline: %u of 2000", later);
	cr_assert_eq(port_stats(pa).bw_out_allowance_exceeded, 3000u - first - later);
	// Ten seconds idle (below the baseline) earn the full second back.
	harness_advance_clock(20000ull * ms);
	first = 0;
	for (int i = 0; i < 900; i++) {
		harness_advance_clock(ms - 2000);
		first += burst(pa, mac_b, ip_a, ip_b, 1);
	}
	cr_assert_geq(first, 895u, "credits earned back: %u", first);
}

// New rates take effect at once; the credits used so far stay used.
CORE_TEST(allowance, set_again_changes_the_rates_in_place)
{
	uint32_t sent;

	limited_a_and_b();
	sent = burst(pa, mac_b, ip_a, ip_b, 300);
	cr_assert_lt(sent, 140u);
	// Ten times the rate: the clock stays where the old rate left it.
	cr_assert_eq(set_allowance(inst1, 80 * mbit, 80 * mbit), 0);
	cr_assert_eq(burst(pa, mac_b, ip_a, ip_b, 10), 0u, "the clock is still ahead");
	harness_advance_clock(200 * ms);
	cr_assert_geq(burst(pa, mac_b, ip_a, ip_b, 300), 131u);
	// Then ten frames a millisecond, not one.
	harness_advance_clock(10 * ms);
	sent = burst(pa, mac_b, ip_a, ip_b, 300);
	cr_assert(sent >= 98 && sent <= 103, "10 ms at 80 Mbit/s: %u", sent);
	// Forgotten: nothing limits the port.
	vcore_fabric_allowance_del(fab, inst1);
	cr_assert_eq(burst(pa, mac_b, ip_a, ip_b, 1000), 1000u);
}

CORE_TEST(allowance, set_refuses_what_is_out_of_range)
{
	cr_assert_eq(set_allowance(0, 8 * mbit, 8 * mbit), -EINVAL, "key 0");
	cr_assert_eq(set_allowance(inst1, 8 * mbit, 8 * mbit, 1, 0), -EINVAL, "no card");
	cr_assert_eq(set_allowance(inst1, 8 * mbit, 8 * mbit, 1, VCORE_MAX_CARDS + 1), -EINVAL);
	cr_assert_eq(set_allowance(inst1, 8 * mbit, 9 * mbit), -EINVAL, "peak below baseline");
	cr_assert_eq(set_allowance(inst1, 8 * mbit, 7), -EINVAL, "below 8 bit/s");
	cr_assert_eq(set_allowance(inst1, VCORE_ALLOWANCE_MAX_BPS + 1, 8 * mbit), -EINVAL);
	cr_assert_eq(set_allowance(inst1, 8 * mbit, 8 * mbit, 0), -EINVAL, "burst 0 s");
	cr_assert_eq(set_allowance(inst1, 8 * mbit, 8 * mbit, VNITRO_BURST_SECONDS_MAX + 1),
		     -EINVAL);
	cr_assert_eq(set_allowance(inst1, VCORE_ALLOWANCE_MAX_BPS, VCORE_ALLOWANCE_MIN_BPS,
				   VNITRO_BURST_SECONDS_MAX), 0, "the extremes");
	cr_assert_eq(set_allowance(inst1, 8 * mbit, 8 * mbit, 1, 3), -EINVAL,
		     "an instance's card count does not change");
	cr_assert_eq(harness.log_count, 0u);
}

// A port whose card is beyond its allowance's cards (or whose key has none) is not limited.
CORE_TEST(allowance, a_port_without_allowances_is_not_limited)
{
	vcore_port_desc d = igw_desc(1);
	int err = 0;

	pa = plug_eni(mac_a, ip_a, key1, subnet1, &cookie_a, inst1);
	pb = plug(mac_b, ip_b, key1, subnet1, &cookie_b);
	cr_assert_eq(burst(pa, mac_b, ip_a, ip_b, 500), 500u, "key with nothing set");
	// Only ENIs have allowances: a gateway with a key is refused.
	d.allowance_key = inst1;
	cr_assert_null(vcore_fabric_port_add(fab, &d, &err));
	cr_assert_eq(err, -EINVAL);
	d = desc_of(mac_c, ip_c, key2, subnet2, &cookie_c);
	d.network_card = VCORE_MAX_CARDS;
	cr_assert_null(vcore_fabric_port_add(fab, &d, &err));
	cr_assert_eq(err, -EINVAL);
}

/* ---- fragments: 1024 a second per ENI ---- */

CORE_TEST(allowance, an_eni_sends_1024_fragments_a_second)
{
	uint8_t f[128];
	uint32_t len, sent = 0;

	plug_abc();
	len = ip_frame(f, mac_b, mac_a, ip_a, ip_b, 40);
	f[14 + 6] = 0x20;	// more fragments
	for (int i = 0; i < 1100; i++) {
		sent += xmit(pa, f, len) == VCORE_XMIT_DELIVERED;
		harness_clear_deliveries();
	}
	cr_assert(sent >= 1024 && sent <= 1026, "a second's worth at once: %u", sent);
	cr_assert_eq(port_stats(pa).pps_allowance_exceeded, 1100 - sent);
	cr_assert_eq(stats().drop_pps_allowance, 1100 - sent);
	// B has its own; whole packets are not counted.
	len = ip_frame(f, mac_a, mac_b, ip_b, ip_a, 40);
	f[14 + 7] = 0x10;	// a later fragment (offset 16 units)
	cr_assert_eq(xmit(pb, f, len), VCORE_XMIT_DELIVERED);
	harness_clear_deliveries();
	len = ip_frame(f, mac_b, mac_a, ip_a, ip_b, 40);
	cr_assert_eq(xmit(pa, f, len), VCORE_XMIT_DELIVERED, "not a fragment");
}

/* ---- the single-flow limit ---- */

// A UDP flow from A's 172.31.0.4 to B, its source port @sport.
static uint32_t flow_burst(uint16_t sport, uint32_t n)
{
	uint8_t f[128];
	uint32_t len = ip_frame(f, mac_b, mac_a, ip_a, ip_b, 40), sent = 0;

	f[34] = static_cast<uint8_t>(sport >> 8);
	f[35] = static_cast<uint8_t>(sport);
	for (uint32_t i = 0; i < n; i++) {
		sent += xmit(pa, f, len) == VCORE_XMIT_DELIVERED;
		harness_clear_deliveries();
	}
	return sent;
}

// EC2: one flow gets 5 Gbps, whatever the instance's bandwidth; here 8 Mbit/s
// between instances of 8 Gbit/s (whose tolerance, a millisecond, is 1 MB).
CORE_TEST(allowance, one_flow_is_limited_below_the_instances_bandwidth)
{
	uint32_t one, other;

	vcore_fabric_set_flow_limit(fab, 8 * mbit, 16 * mbit, 40 * mbit);
	cr_assert_eq(set_allowance(inst1, 8000ull * mbit, 8000ull * mbit), 0);
	cr_assert_eq(set_allowance(inst2, 8000ull * mbit, 8000ull * mbit), 0);
	pa = plug_eni(mac_a, ip_a, key1, subnet1, &cookie_a, inst1);
	pb = plug_eni(mac_b, ip_b, key1, subnet1, &cookie_b, inst2);
	one = flow_burst(1000, 300);
	cr_assert(one >= 131 && one <= 134, "a flow's tolerance at 8 Mbit/s: %u", one);
	cr_assert_eq(stats().drop_flow_limit, 300 - one);
	cr_assert_eq(port_stats(pa).tx_dropped, 300 - one);
	cr_assert_eq(port_stats(pa).bw_out_allowance_exceeded, 0u, "not the instance's allowance");
	other = flow_burst(1001, 300);
	cr_assert(other >= 131 && other <= 134, "another flow has its own limit: %u", other);
	// 20 ms later, 20 frames' worth for the first flow.
	harness_advance_clock(20 * ms);
	one = flow_burst(1000, 100);
	cr_assert(one >= 19 && one <= 22, "%u", one);
	// No limit: the instance's allowance is the cap.
	vcore_fabric_set_flow_limit(fab, 0, 0, 0);
	harness_advance_clock(200 * ms);
	cr_assert_geq(flow_burst(1000, 300), 299u);
}

// EC2: "Instances within a cluster placement group can use up to 10 Gbps for
// single-flow traffic": both ends in one cluster group, twice the limit.
CORE_TEST(allowance, one_flow_within_a_cluster_group_has_twice_the_limit)
{
	vcore_port_desc da = desc_of(mac_a, ip_a, key1, subnet1, &cookie_a);
	vcore_port_desc db = desc_of(mac_b, ip_b, key1, subnet1, &cookie_b);
	uint32_t one;

	vcore_fabric_set_flow_limit(fab, 8 * mbit, 16 * mbit, 40 * mbit);
	cr_assert_eq(set_allowance(inst1, 8000ull * mbit, 8000ull * mbit), 0);
	cr_assert_eq(set_allowance(inst2, 8000ull * mbit, 8000ull * mbit), 0);
	da.allowance_key = inst1;
	db.allowance_key = inst2;
	da.cluster_key = db.cluster_key = 7;
	pa = plug_desc(da);
	pb = plug_desc(db);
	// The flow's tolerance spent, 20 ms buy 40 frames' worth (20 at 8 Mbit/s).
	flow_burst(1000, 300);
	harness_advance_clock(20 * ms);
	one = flow_burst(1000, 100);
	cr_assert(one >= 39 && one <= 43, "%u", one);
	// B in another group (or none): 8 Mbit/s again.
	unplug(pb);
	db.cluster_key = 8;
	pb = plug_desc(db);
	flow_burst(2000, 300);
	harness_advance_clock(20 * ms);
	one = flow_burst(2000, 100);
	cr_assert(one >= 19 && one <= 22, "%u", one);
}

// Where an end's own peak is the tighter cap (a t3.micro's 5 Gbps), the flow limit is moot.
CORE_TEST(allowance, the_flow_limit_applies_only_above_an_ends_peak)
{
	uint8_t f[128];
	uint32_t len;

	vcore_fabric_set_flow_limit(fab, 8 * mbit, 16 * mbit, 40 * mbit);
	cr_assert_eq(set_allowance(inst1, 80 * mbit, 80 * mbit), 0);
	cr_assert_eq(set_allowance(inst2, 8 * mbit, 8 * mbit), 0);
	pa = plug_eni(mac_a, ip_a, key1, subnet1, &cookie_a, inst1);
	pb = plug_eni(mac_b, ip_b, key1, subnet1, &cookie_b, inst2);
	flow_burst(1000, 300);
	cr_assert_eq(stats().drop_flow_limit, 0u);
	cr_assert_gt(port_stats(pb).bw_in_allowance_exceeded, 0u, "B's inbound was the cap");
	// Not IP: no flow to limit (and no allowance refuses a first ARP-less frame).
	harness_advance_clock(500 * ms);
	len = eth_frame(f, mac_b, mac_a, 0x88b5, 46);
	cr_assert_eq(xmit(pa, f, len), VCORE_XMIT_DELIVERED);
	cr_assert_eq(stats().drop_flow_limit, 0u);
}

// The shim's clock moves by ticks (4 ms at HZ=250): the full rate must pass
// through such a clock, not only a tolerance's worth per tick.
CORE_TEST(allowance, a_clock_that_ticks_still_gives_the_full_rate)
{
	uint32_t sent = 0;

	// 8 Gbit/s is 1 MB a millisecond: 62 frames of 64 KB a 4 ms tick.
	cr_assert_eq(set_allowance(inst1, 8000ull * mbit, 8000ull * mbit), 0);
	pa = plug_eni(mac_a, ip_a, key1, subnet1, &cookie_a, inst1);
	pb = plug(mac_b, ip_b, key1, subnet1, &cookie_b);
	harness.frame_bytes = 64000;
	harness.frame_packets = 44;
	burst(pa, mac_b, ip_a, ip_b, 1000);	// the tolerance's worth, spent
	for (int tick = 0; tick < 20; tick++) {
		harness_advance_clock(4 * ms - 100 * 1000);
		sent += burst(pa, mac_b, ip_a, ip_b, 100);	// the clock reads add 100 us
	}
	cr_assert(sent >= 20 * 60 && sent <= 20 * 64, "80 ms at 8 Gbit/s: %u of 64 KB", sent);
}

// Through the internet gateway, an instance has a limit of its own, all cards together.
CORE_TEST(allowance, the_internet_gateway_has_its_own_limit)
{
	vcore_allowance_desc d = {};
	uint32_t out, within;

	d.key = inst1;
	d.cards = 2;
	d.peak_bps = d.baseline_bps = 8000ull * mbit;
	d.burst_s = 1;
	d.internet_bps = 8 * mbit;
	cr_assert_eq(vcore_fabric_allowance_set(fab, &d), 0);
	pa = plug_eni(mac_a, ip_a, key1, subnet1, &cookie_a, inst1);
	pb = plug(mac_b, ip_b, key1, subnet1, &cookie_b);
	out = to_the_internet(300);
	cr_assert(out >= 131 && out <= 134, "8 Mbit/s to the internet: %u", out);
	cr_assert_eq(port_stats(pa).bw_out_allowance_exceeded, 300 - out);
	// Within the VPC, the card's 8 Gbit/s.
	within = burst(pa, mac_b, ip_a, ip_b, 300);
	cr_assert_eq(within, 300u);
	cr_assert_eq(vcore_fabric_allowance_get(fab, inst1, &d), 0);
	cr_assert_eq(d.internet_bps, 8 * mbit);
	d.internet_bps = 7;
	cr_assert_eq(vcore_fabric_allowance_set(fab, &d), -EINVAL, "below 8 bit/s");
}
