// SPDX-License-Identifier: GPL-2.0
// test_srcdst.cc - EC2's source/destination check in both directions (core/fabric/srcdst.cc).
#include "fabric_fixture.h"

static void setup(void)
{
	fabric_setup();
}

TestSuite(srcdst, .init = setup, .fini = harness_fini);

// A, B, C plugged with the check on, as EC2 creates every ENI.
static void plug_checked(void)
{
	vcore_port_desc d;

	d = desc_of(mac_a, ip_a, key1, subnet1, &cookie_a);
	d.source_dest_check = 1;
	d.secondary_count = 1;
	d.secondary_ips[0] = ip_a + 100;
	pa = plug_desc(d);
	d = desc_of(mac_b, ip_b, key1, subnet1, &cookie_b);
	d.source_dest_check = 1;
	pb = plug_desc(d);
	d = desc_of(mac_c, ip_c, key2, subnet2, &cookie_c);
	d.source_dest_check = 1;
	pc = plug_desc(d);
}

CORE_TEST(srcdst, own_addresses_pass)
{
	uint8_t frame[128];

	plug_checked();
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, mac_b, mac_a, ip_a, ip_b, 30)),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, mac_b, mac_a, ip_a + 100, ip_b, 30)),
		     VCORE_XMIT_DELIVERED, "a secondary IP is A's too");
	cr_assert_eq(xmit(pb, frame, ip_frame(frame, mac_a, mac_b, ip_b, ip_a + 100, 30)),
		     VCORE_XMIT_DELIVERED, "and may receive");
	cr_assert_eq(stats().forwarded, 3u);
	cr_assert_eq(stats().drop_src_dst_check, 0u);
}

CORE_TEST(srcdst, a_foreign_source_is_not_sent)
{
	uint8_t frame[128];
	vcore_port_stats ps;

	plug_checked();
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, mac_b, mac_a, ip_a + 1, ip_b, 30)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_src_dst_check);
	ps = port_stats(pa);
	cr_assert_eq(ps.tx_src_dst_dropped, 1u);
	cr_assert_eq(ps.rx_src_dst_dropped, 0u);
	cr_assert_eq(port_stats(pb).rx_src_dst_dropped, 0u, "B never saw it");
	// Also when routed: the check comes before the router.
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, 0x08080808, ip_c, 30)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_src_dst_check, 2u);
	cr_assert_eq(stats().routed, 0u);
	cr_assert_eq(port_stats(pa).tx_src_dst_dropped, 2u);
}

CORE_TEST(srcdst, a_foreign_destination_is_not_delivered)
{
	uint8_t frame[128];
	vcore_port_stats ps;

	plug_checked();
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, mac_b, mac_a, ip_a, 0x08080808, 30)),
		     VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_src_dst_check);
	ps = port_stats(pb);
	cr_assert_eq(ps.rx_src_dst_dropped, 1u);
	cr_assert_eq(ps.tx_src_dst_dropped, 0u);
	cr_assert_eq(port_stats(pa).tx_src_dst_dropped, 0u, "A's source was fine");
}

CORE_TEST(srcdst, check_off_lets_a_nat_instance_through)
{
	uint8_t frame[128];

	plug_checked();
	set_check(pb, mac_b, ip_b, key1, subnet1, &cookie_b, 0);
	// B forwards for others: sends with any source, receives for any destination.
	cr_assert_eq(xmit(pb, frame, ip_frame(frame, mac_a, mac_b, 0x08080808, ip_a, 30)),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, mac_b, mac_a, ip_a, 0x08080808, 30)),
		     VCORE_XMIT_DELIVERED);
	// A keeps its check: it still receives only its own addresses...
	cr_assert_eq(xmit(pb, frame, ip_frame(frame, mac_a, mac_b, ip_b, 0x08080808, 30)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(port_stats(pa).rx_src_dst_dropped, 1u);
	// ...and back on, B is refused again.
	set_check(pb, mac_b, ip_b, key1, subnet1, &cookie_b, 1);
	cr_assert_eq(xmit(pb, frame, ip_frame(frame, mac_a, mac_b, 0x08080808, ip_a, 30)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(port_stats(pb).tx_src_dst_dropped, 1u);
}

CORE_TEST(srcdst, arp_and_other_protocols_are_not_checked)
{
	uint8_t frame[128];

	plug_checked();
	// ARP asking with a source that is not A's (e.g. a probe from 0.0.0.0).
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, 0, ip_b)),
		     VCORE_XMIT_ANSWERED);
	cr_assert_eq(xmit(pa, frame, arp_request(frame, mac_b, mac_a, 0, ip_b)),
		     VCORE_XMIT_ANSWERED);
	// Neither are protocols other than IP (here the IEEE's local experimental one).
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, mac_b, mac_a, 0x88b5, 40)),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(stats().drop_src_dst_check, 0u);
}

CORE_TEST(srcdst, unreadable_ipv4_is_not_sent_when_checked)
{
	uint8_t frame[128];
	uint32_t len;

	plug_checked();
	len = ip_frame(frame, mac_b, mac_a, ip_a, ip_b, 30);
	frame[14] = 0x44;		// IHL 4: shorter than any IPv4 header
	cr_assert_eq(xmit(pa, frame, len), VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_malformed);
	ip_frame(frame, mac_b, mac_a, ip_a, ip_b, 30);
	cr_assert_eq(xmit(pa, frame, 14 + 19), VCORE_XMIT_DROPPED, "a header cut short");
	cr_assert_eq(stats().drop_malformed, 2u);
	// With the check off at both ends the switch does not look inside.
	set_check(pa, mac_a, ip_a, key1, subnet1, &cookie_a, 0);
	cr_assert_eq(xmit(pa, frame, 14 + 19), VCORE_XMIT_DROPPED, "B still checks");
	set_check(pb, mac_b, ip_b, key1, subnet1, &cookie_b, 0);
	cr_assert_eq(xmit(pa, frame, 14 + 19), VCORE_XMIT_DELIVERED);
}
