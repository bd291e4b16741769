// SPDX-License-Identifier: GPL-2.0
// test_ipv6.cc - IPv6 header parsing and address arithmetic (core/fabric/ipv6.h).
#include "ipv6_fixture.h"
#include "fabric/ipv6.h"

using namespace vnitro::fabric;

static void setup(void)
{
	harness_init(nullptr);
}

TestSuite(ipv6, .init = setup, .fini = harness_fini);

/*
 * An echo request from fe80::ff:fe00:a to fe80::56:4eff:fe00:1, 8 bytes of
 * ICMPv6, written out as RFC 8200 section 3 lays out the header.
 */
static const uint8_t echo[62] = {
	0x02, 0x56, 0x4e, 0x00, 0x00, 0x01,	// Ethernet destination: the router
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,	// Ethernet source: A
	0x86, 0xdd,				// EtherType: IPv6
	0x60, 0x00, 0x00, 0x00,			// version 6, traffic class 0, flow label 0
	0x00, 0x08,				// payload length
	58,					// next header: ICMPv6
	64,					// hop limit
	0xfe, 0x80, 0, 0, 0, 0, 0, 0,		// source fe80::ff:fe00:a
	0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x0a,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0,		// destination fe80::56:4eff:fe00:1
	0x00, 0x56, 0x4e, 0xff, 0xfe, 0x00, 0x00, 0x01,
	0x80, 0x00,				// ICMPv6 echo request, code 0
	0x00, 0x00,				// checksum (not looked at here)
	0x12, 0x34, 0x00, 0x01,			// identifier, sequence
};

static bool parse_copy(uint32_t have, uint32_t len, ipv6_view *v)
{
	uint8_t *f = heap_frame(echo, have, len);
	bool ok = ipv6_parse(f, len, v);

	free(f);
	return ok;
}

static bool parse_modified(uint32_t offset, uint8_t value)
{
	uint8_t f[sizeof(echo)];
	ipv6_view v;

	memcpy(f, echo, sizeof(f));
	f[offset] = value;
	return ipv6_parse(f, sizeof(f), &v);
}

CORE_TEST(ipv6, parses_the_header)
{
	uint8_t f[sizeof(echo)];
	ipv6_view v;

	memcpy(f, echo, sizeof(f));
	cr_assert(ipv6_parse(f, sizeof(f), &v));
	cr_assert_eq(v.hdr, f + 14);
	cr_assert_eq(v.payload_len, 8u);
	cr_assert_eq(v.next_header, 58);
	cr_assert_eq(v.hop_limit, 64);
	cr_assert_eq(v.src, f + 22);
	cr_assert_eq(v.dst, f + 38);
	cr_assert_arr_eq(v.src, lla_a, 16);
	cr_assert_arr_eq(v.dst, lla_router1, 16);
}

CORE_TEST(ipv6, accepts_padding_after_the_payload)
{
	ipv6_view v;

	cr_assert(parse_copy(sizeof(echo), 64, &v));	// the Ethernet minimum and 4 more
	cr_assert_eq(v.payload_len, 8u);
}

CORE_TEST(ipv6, rejects_short_frames)
{
	ipv6_view v;

	for (uint32_t len = 0; len < sizeof(echo); len++)
		cr_assert_not(parse_copy(sizeof(echo), len, &v), "accepted a %u-byte frame", len);
}

CORE_TEST(ipv6, rejects_a_payload_longer_than_the_frame)
{
	uint8_t f[sizeof(echo)];
	ipv6_view v;

	memcpy(f, echo, sizeof(f));
	f[19] = 9;
	cr_assert_not(ipv6_parse(f, sizeof(f), &v));
	f[18] = 0xff;
	f[19] = 0xff;
	cr_assert_not(ipv6_parse(f, sizeof(f), &v));
	f[18] = 0;
	f[19] = 0;				// an empty payload is a payload
	cr_assert(ipv6_parse(f, sizeof(f), &v));
	cr_assert_eq(v.payload_len, 0u);
}

CORE_TEST(ipv6, rejects_other_versions_and_ethertypes)
{
	cr_assert_not(parse_modified(14, 0x40));	// version 4
	cr_assert_not(parse_modified(14, 0x70));
	cr_assert_not(parse_modified(14, 0x00));
	cr_assert_not(parse_modified(12, 0x08));	// 0x08dd
	cr_assert_not(parse_modified(13, 0x00));	// 0x8600
	cr_assert(parse_modified(14, 0x6f), "traffic class and flow label are not looked at");
}

CORE_TEST(ipv6, writes_headers_it_parses_back)
{
	uint8_t f[sizeof(echo)];
	uint8_t *payload;

	memset(f, 0xa5, sizeof(f));
	payload = ipv6_write_headers(f, router1, mac_a, lla_a, lla_router1, 8, ipproto_icmpv6, 64);
	cr_assert_eq(payload, f + 54);
	memcpy(payload, echo + 54, 8);
	cr_assert_arr_eq(f, echo, sizeof(echo));
}

CORE_TEST(ipv6, link_local_from_mac)
{
	// RFC 4291 appendix A: 34-56-78-9A-BC-DE is interface identifier 3656:78ff:fe9a:bcde.
	static const uint8_t mac[6] = { 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde };
	static const uint8_t want[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
					  0x36, 0x56, 0x78, 0xff, 0xfe, 0x9a, 0xbc, 0xde };
	uint8_t a[16];

	memset(a, 0xa5, sizeof(a));
	ipv6_link_local_from_mac(mac, a);
	cr_assert_arr_eq(a, want, 16);
	ipv6_link_local_from_mac(mac_a, a);		// locally administered: the bit goes off
	cr_assert_arr_eq(a, lla_a, 16);
	ipv6_link_local_from_mac(router1, a);
	cr_assert_arr_eq(a, lla_router1, 16);
}

CORE_TEST(ipv6, address_classes)
{
	static const uint8_t unspecified[16] = {};
	static const uint8_t loopback[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t febf[16] = { 0xfe, 0xbf, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9 };
	static const uint8_t site_local[16] = { 0xfe, 0xc0 };	// fec0::
	static const uint8_t fe40[16] = { 0xfe, 0x40 };
	static const uint8_t global[16] = { 0x26, 0x00, 0x1f, 0x18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t mcast[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t last_byte[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80 };

	cr_assert(ipv6_is_link_local(lla_a));
	cr_assert(ipv6_is_link_local(febf));
	cr_assert_not(ipv6_is_link_local(site_local));
	cr_assert_not(ipv6_is_link_local(fe40));
	cr_assert_not(ipv6_is_link_local(global));
	cr_assert_not(ipv6_is_link_local(mcast));

	cr_assert(ipv6_is_multicast(mcast));
	cr_assert(ipv6_is_multicast(ipv6_all_nodes));
	cr_assert_not(ipv6_is_multicast(lla_a));
	cr_assert_not(ipv6_is_multicast(fe40));

	cr_assert(ipv6_is_unspecified(unspecified));
	cr_assert_not(ipv6_is_unspecified(loopback));
	cr_assert_not(ipv6_is_unspecified(last_byte));
	cr_assert_not(ipv6_is_unspecified(fe40));
}

CORE_TEST(ipv6, solicited_node_address_and_multicast_mac)
{
	// RFC 4291 2.7.1: 4037::01:800:200e:8c6c solicits at ff02::1:ff0e:8c6c.
	static const uint8_t addr[16] = { 0x40, 0x37, 0, 0, 0, 0, 0, 0,
					  0x00, 0x01, 0x08, 0x00, 0x20, 0x0e, 0x8c, 0x6c };
	static const uint8_t want[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0,
					  0, 0, 0, 0x01, 0xff, 0x0e, 0x8c, 0x6c };
	static const uint8_t want_mac[6] = { 0x33, 0x33, 0xff, 0x0e, 0x8c, 0x6c };
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
	uint8_t a[16], mac[6];

	ipv6_solicited_node(addr, a);
	cr_assert_arr_eq(a, want, 16);
	ipv6_multicast_mac(a, mac);
	cr_assert_arr_eq(mac, want_mac, 6);
	ipv6_multicast_mac(ipv6_all_nodes, mac);
	cr_assert_arr_eq(mac, all_nodes_mac, 6);
	memcpy(a, want, 16);
	ipv6_solicited_node(a, a);			// in place: a solicited-node address is its own
	cr_assert_arr_eq(a, want, 16);
}

CORE_TEST(ipv6, pseudo_header_sum)
{
	uint8_t f[sizeof(echo)];
	uint32_t sum;

	memcpy(f, echo, sizeof(f));
	sum = ipv6_pseudo_sum(f + 22, f + 38, 8, 58);
	// Independently: the words of both addresses, the length and the next header.
	uint32_t want = 8 + 58;
	for (uint32_t i = 22; i < 54; i += 2)
		want += be16(f + i);
	cr_assert_eq(sum, want);
	// Lengths past 16 bits count both halves (RFC 8200 8.1: 32-bit length).
	cr_assert_eq(ipv6_pseudo_sum(f + 22, f + 38, 0x12345, 17), want - 8 - 58 + 0x1 + 0x2345 + 17);

	// A checksum the core computes verifies with the reference, and the other way round.
	put_be16_at(f + 56, ipv6_l4_check(f + 22, f + 38, f + 54, 8, 58));
	cr_assert_eq(ref_l4_csum(f, 8), 0);
	cr_assert_eq(ipv6_l4_check(f + 22, f + 38, f + 54, 8, 58), 0, "a correct message sums to 0");
	f[60] ^= 1;
	cr_assert_neq(ipv6_l4_check(f + 22, f + 38, f + 54, 8, 58), 0);
}

CORE_TEST(ipv6, prefix_match)
{
	// 2600:1f18:1234:5600::/56 and an address inside it.
	static const uint8_t prefix[16] = { 0x26, 0x00, 0x1f, 0x18, 0x12, 0x34, 0x56, 0x00 };
	static const uint8_t inside[16] = { 0x26, 0x00, 0x1f, 0x18, 0x12, 0x34, 0x56, 0x7f,
					    1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t a[16];

	cr_assert(ipv6_prefix_match(inside, prefix, 0));
	cr_assert(ipv6_prefix_match(inside, prefix, 56));
	cr_assert(ipv6_prefix_match(inside, prefix, 57));		// 0x7f: the top bit is 0
	cr_assert_not(ipv6_prefix_match(inside, prefix, 58));
	cr_assert_not(ipv6_prefix_match(inside, prefix, 64));
	cr_assert(ipv6_prefix_match(lla_a, lla_router1, 64));
	// Byte 9 is 0x00 against 0x56 (0101 0110): bit 73 is the first to differ.
	cr_assert(ipv6_prefix_match(lla_a, lla_router1, 73));
	cr_assert_not(ipv6_prefix_match(lla_a, lla_router1, 74));
	cr_assert(ipv6_prefix_match(lla_a, lla_a, 128));
	cr_assert(ipv6_prefix_match(lla_a, lla_a, 200), "lengths past 128 are 128");
	memcpy(a, lla_a, 16);
	a[15] ^= 1;
	cr_assert(ipv6_prefix_match(a, lla_a, 127));
	cr_assert_not(ipv6_prefix_match(a, lla_a, 128));
	a[0] ^= 0x20;				// fe80 -> de80: bit 3
	cr_assert(ipv6_prefix_match(a, lla_a, 2));
	cr_assert_not(ipv6_prefix_match(a, lla_a, 3));
}
