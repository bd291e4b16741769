// SPDX-License-Identifier: GPL-2.0
// test_nd6.cc - the VPC router's neighbour discovery parser and builders (core/fabric/nd6.cc).
#include "ipv6_fixture.h"
#include "fabric/nd6.h"

using namespace vnitro::fabric;

static void setup(void)
{
	harness_init(nullptr);
}

TestSuite(nd6, .init = setup, .fini = harness_fini);

/*
 * A asks for the router's link-local address, as Linux sends it (RFC 4861
 * 4.3 and 7.2.2): to the target's solicited-node address, with A's MAC.
 */
static const uint8_t ns[86] = {
	0x33, 0x33, 0xff, 0x00, 0x00, 0x01,	// Ethernet destination: ff02::1:ff00:1's
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,	// Ethernet source: A
	0x86, 0xdd,				// EtherType: IPv6
	0x60, 0x00, 0x00, 0x00,			// version 6
	0x00, 0x20,				// payload length 32
	58,					// next header: ICMPv6
	255,					// hop limit
	0xfe, 0x80, 0, 0, 0, 0, 0, 0,		// source fe80::ff:fe00:a
	0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x0a,
	0xff, 0x02, 0, 0, 0, 0, 0, 0,		// destination ff02::1:ff00:1
	0x00, 0x00, 0x00, 0x01, 0xff, 0x00, 0x00, 0x01,
	135,					// type: Neighbor Solicitation
	0,					// code
	0x2e, 0x31,				// checksum
	0x00, 0x00, 0x00, 0x00,			// reserved
	0xfe, 0x80, 0, 0, 0, 0, 0, 0,		// target fe80::56:4eff:fe00:1
	0x00, 0x56, 0x4e, 0xff, 0xfe, 0x00, 0x00, 0x01,
	1, 1,					// Source Link-Layer Address, 8 bytes
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
};

// Duplicate address detection of the same target: from ::, no option.
static const uint8_t dad_ns[78] = {
	0x33, 0x33, 0xff, 0x00, 0x00, 0x01,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00,
	0x00, 0x18,				// payload length 24
	58,
	255,
	0, 0, 0, 0, 0, 0, 0, 0,			// source ::
	0, 0, 0, 0, 0, 0, 0, 0,
	0xff, 0x02, 0, 0, 0, 0, 0, 0,		// destination ff02::1:ff00:1
	0x00, 0x00, 0x00, 0x01, 0xff, 0x00, 0x00, 0x01,
	135,
	0,
	0x2e, 0xcf,				// checksum
	0x00, 0x00, 0x00, 0x00,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0,		// target fe80::56:4eff:fe00:1
	0x00, 0x56, 0x4e, 0xff, 0xfe, 0x00, 0x00, 0x01,
};

// A looks for routers (RFC 4861 4.1, 6.3.7).
static const uint8_t rs[70] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x02,	// Ethernet destination: ff02::2's
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00,
	0x00, 0x10,				// payload length 16
	58,
	255,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0,		// source fe80::ff:fe00:a
	0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x0a,
	0xff, 0x02, 0, 0, 0, 0, 0, 0,		// destination ff02::2, all routers
	0, 0, 0, 0, 0, 0, 0, 0x02,
	133,					// type: Router Solicitation
	0,
	0x7b, 0x1a,				// checksum
	0x00, 0x00, 0x00, 0x00,			// reserved
	1, 1,					// Source Link-Layer Address
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
};

enum : uint32_t {
	off_payload_len = 18,
	off_hop_limit = 21,
	off_src = 22,
	off_dst = 38,
	off_type = 54,
	off_code = 55,
	off_check = 2,			// inside the ICMPv6 message
	off_target = 62,
	off_option = 78,		// NS; RS: 62
};

static const uint8_t unspecified[16] = {};
static const uint8_t all_routers[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
static const uint8_t snm_router1[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0,
					 0, 0, 0, 0x01, 0xff, 0x00, 0x00, 0x01 };

static bool parse(const uint8_t *frame, uint32_t len, nd6_message *m)
{
	uint8_t *f = heap_frame(frame, len, len);
	bool ok = nd6_parse(f, len, m);

	free(f);
	return ok;
}

// @frame with byte @offset set to @value and the checksum made right again (unless !@fix).
static bool parse_modified(const uint8_t *frame, uint32_t len, uint32_t offset, uint8_t value,
			   bool fix = true)
{
	uint8_t f[128];
	nd6_message m;

	memcpy(f, frame, len);
	f[offset] = value;
	if (fix)
		ref_fix_csum(f, be16(f + off_payload_len), off_check, false);
	return parse(f, len, &m);
}

/*
 * @frame with @tail appended to its ICMPv6 message (the payload length
 * grown to match, the checksum made right): the frame's new length.
 */
static uint32_t with_tail(uint8_t *buf, const uint8_t *frame, uint32_t len, const uint8_t *tail,
			  uint32_t tail_len)
{
	uint32_t l4_len = len - v6_l4_off + tail_len;

	memcpy(buf, frame, len);
	memcpy(buf + len, tail, tail_len);
	put_be16_at(buf + off_payload_len, static_cast<uint16_t>(l4_len));
	ref_fix_csum(buf, l4_len, off_check, false);
	return len + tail_len;
}

static bool parse_with_tail(const uint8_t *frame, uint32_t len, const uint8_t *tail,
			    uint32_t tail_len, nd6_message *m)
{
	uint8_t buf[256];

	return parse(buf, with_tail(buf, frame, len, tail, tail_len), m);
}

/* ---- parsing ---- */

// Every field of a parsed solicitation; @slla nullptr: no option.
static void assert_message(const nd6_message &m, uint8_t type, const uint8_t *src,
			   const uint8_t *dst, const uint8_t *target, const uint8_t *slla)
{
	cr_assert_eq(m.type, type);
	cr_assert_arr_eq(m.eth_src, mac_a, 6);
	cr_assert_arr_eq(m.src, src, 16);
	cr_assert_arr_eq(m.dst, dst, 16);
	cr_assert_arr_eq(m.target, target, 16);
	cr_assert_eq(m.has_slla, slla != nullptr);
	if (slla)
		cr_assert_arr_eq(m.slla, slla, 6);
	cr_assert_eq(m.dad, src == unspecified);
}

CORE_TEST(nd6, the_literal_frames_carry_correct_checksums)
{
	cr_assert_eq(ref_l4_csum(ns, 32), 0);
	cr_assert_eq(ref_l4_csum(dad_ns, 24), 0);
	cr_assert_eq(ref_l4_csum(rs, 16), 0);
}

CORE_TEST(nd6, parses_a_neighbor_solicitation)
{
	nd6_message m;

	memset(&m, 0x77, sizeof(m));
	cr_assert(parse(ns, sizeof(ns), &m));
	cr_assert_eq(icmp6_neighbor_solicit, 135);
	assert_message(m, icmp6_neighbor_solicit, lla_a, snm_router1, lla_router1, mac_a);
}

CORE_TEST(nd6, parses_a_unicast_solicitation_without_the_option)
{
	// Reachability confirmation (7.2.2): to the target itself, the option MAY be left out.
	uint8_t f[78];
	nd6_message m;

	memcpy(f, ns, sizeof(f));
	memcpy(f + off_dst, lla_router1, 16);
	memcpy(f, router1, 6);
	put_be16_at(f + off_payload_len, 24);
	ref_fix_csum(f, 24, off_check, false);
	cr_assert(parse(f, sizeof(f), &m));
	assert_message(m, icmp6_neighbor_solicit, lla_a, lla_router1, lla_router1, nullptr);
}

CORE_TEST(nd6, parses_duplicate_address_detection)
{
	nd6_message m;

	cr_assert(parse(dad_ns, sizeof(dad_ns), &m));
	assert_message(m, icmp6_neighbor_solicit, unspecified, snm_router1, lla_router1, nullptr);
}

CORE_TEST(nd6, parses_a_router_solicitation)
{
	nd6_message m;

	memset(&m, 0x77, sizeof(m));
	cr_assert(parse(rs, sizeof(rs), &m));
	cr_assert_eq(icmp6_router_solicit, 133);
	assert_message(m, icmp6_router_solicit, lla_a, all_routers, unspecified, mac_a);
}

CORE_TEST(nd6, parses_a_router_solicitation_from_the_unspecified_address)
{
	uint8_t f[62];
	nd6_message m;

	memcpy(f, rs, sizeof(f));		// no option: 6.1.1 forbids it from ::
	memset(f + off_src, 0, 16);
	put_be16_at(f + off_payload_len, 8);
	ref_fix_csum(f, 8, off_check, false);
	cr_assert(parse(f, sizeof(f), &m));
	assert_message(m, icmp6_router_solicit, unspecified, all_routers, unspecified, nullptr);
}

CORE_TEST(nd6, accepts_padding_and_unknown_options)
{
	// A nonce option (RFC 3971 5.3.2, type 14) is not the router's business.
	static const uint8_t nonce[8] = { 14, 1, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02 };
	uint8_t *f = heap_frame(ns, sizeof(ns), 100);
	nd6_message m;

	cr_assert(nd6_parse(f, 100, &m), "bytes past the payload are link padding");
	free(f);
	cr_assert(parse_with_tail(ns, sizeof(ns), nonce, sizeof(nonce), &m));
	cr_assert(m.has_slla);
	cr_assert(parse_with_tail(rs, sizeof(rs), nonce, sizeof(nonce), &m));
	cr_assert(parse_with_tail(dad_ns, sizeof(dad_ns), nonce, sizeof(nonce), &m));
	cr_assert(m.dad);
}

CORE_TEST(nd6, rejects_short_frames)
{
	const uint8_t *frames[] = { ns, dad_ns, rs };
	uint32_t lens[] = { sizeof(ns), sizeof(dad_ns), sizeof(rs) };
	nd6_message m;

	for (int i = 0; i < 3; i++) {
		for (uint32_t len = 0; len < lens[i]; len++) {
			uint8_t *f = heap_frame(frames[i], lens[i], len);

			cr_assert_not(nd6_parse(f, len, &m), "frame %d: accepted %u bytes", i, len);
			free(f);
		}
	}
}

CORE_TEST(nd6, rejects_messages_shorter_than_their_type)
{
	// The payload length says less than 24 (NS) or 8 (RS) bytes; the checksum agrees.
	for (uint16_t len = 0; len < 24; len++) {
		uint8_t f[sizeof(dad_ns)];
		nd6_message m;

		memcpy(f, dad_ns, sizeof(f));
		put_be16_at(f + off_payload_len, len);
		if (len >= 4)
			ref_fix_csum(f, len, off_check, false);
		cr_assert_not(parse(f, sizeof(f), &m), "NS of %u bytes", len);
	}
	for (uint16_t len = 0; len < 8; len++) {
		uint8_t f[sizeof(rs)];
		nd6_message m;

		memcpy(f, rs, sizeof(f));
		memset(f + 62, 0, 8);
		put_be16_at(f + off_payload_len, len);
		if (len >= 4)
			ref_fix_csum(f, len, off_check, false);
		cr_assert_not(parse(f, sizeof(f), &m), "RS of %u bytes", len);
	}
}

CORE_TEST(nd6, rejects_a_bad_checksum)
{
	// Every bit the checksum covers: pseudo-header addresses and the message.
	for (uint32_t off = off_src; off < sizeof(ns); off++)
		for (int bit = 0; bit < 8; bit++)
			cr_assert_not(parse_modified(ns, sizeof(ns), off, ns[off] ^ (1 << bit), false),
				      "byte %u bit %d", off, bit);
	cr_assert_not(parse_modified(rs, sizeof(rs), v6_l4_off + off_check, 0, false));
	cr_assert_not(parse_modified(rs, sizeof(rs), v6_l4_off + off_check + 1, 0x1b, false));
}

CORE_TEST(nd6, rejects_hop_limits_below_255)
{
	// Not covered by the checksum: a router may have forwarded it.
	cr_assert_not(parse_modified(ns, sizeof(ns), off_hop_limit, 254));
	cr_assert_not(parse_modified(ns, sizeof(ns), off_hop_limit, 64));
	cr_assert_not(parse_modified(ns, sizeof(ns), off_hop_limit, 1));
	cr_assert_not(parse_modified(rs, sizeof(rs), off_hop_limit, 254));
	cr_assert_not(parse_modified(dad_ns, sizeof(dad_ns), off_hop_limit, 0));
}

CORE_TEST(nd6, rejects_other_codes_types_and_protocols)
{
	cr_assert_not(parse_modified(ns, sizeof(ns), off_code, 1));
	cr_assert_not(parse_modified(rs, sizeof(rs), off_code, 0x80));
	cr_assert_not(parse_modified(ns, sizeof(ns), off_type, icmp6_neighbor_advert));
	cr_assert_not(parse_modified(rs, sizeof(rs), off_type, icmp6_router_advert));
	cr_assert_not(parse_modified(rs, sizeof(rs), off_type, 128));	// echo request
	cr_assert_not(parse_modified(rs, sizeof(rs), off_type, 137));	// redirect
	// The same bytes as a hop-by-hop header, UDP: not ICMPv6 right after the header.
	cr_assert_not(parse_modified(ns, sizeof(ns), 20, 0));
	cr_assert_not(parse_modified(ns, sizeof(ns), 20, 17));
	cr_assert_not(parse_modified(ns, sizeof(ns), 12, 0x08, false));	// EtherType
	cr_assert_not(parse_modified(ns, sizeof(ns), 14, 0x40, false));	// version
}

CORE_TEST(nd6, rejects_malformed_options)
{
	static const uint8_t zero_len[8] = { 14, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t too_long[8] = { 14, 2, 0, 0, 0, 0, 0, 0 };	// 16 bytes in 8
	static const uint8_t slla_16[16] = { 1, 2, 2, 0, 0, 0, 0, 0x0b };	// not Ethernet's size
	static const uint8_t slla_again[8] = { 1, 1, 2, 0, 0, 0, 0, 0x0b };
	static const uint8_t half[4] = { 14, 1, 0, 0 };
	static const uint8_t one[1] = { 14 };
	nd6_message m;

	cr_assert_not(parse_with_tail(ns, sizeof(ns), zero_len, 8, &m));
	cr_assert_not(parse_with_tail(rs, sizeof(rs), zero_len, 2, &m), "an empty option, alone");
	cr_assert_not(parse_with_tail(dad_ns, sizeof(dad_ns), zero_len, 8, &m));
	cr_assert_not(parse_with_tail(ns, sizeof(ns), too_long, 8, &m));
	cr_assert_not(parse_with_tail(rs, sizeof(rs), half, 4, &m));
	cr_assert_not(parse_with_tail(rs, sizeof(rs), one, 1, &m));
	cr_assert_not(parse_with_tail(ns, sizeof(ns), slla_again, 8, &m), "two SLLA options");
	cr_assert_not(parse_with_tail(ns, sizeof(ns) - 8, slla_16, 16, &m));
	// The first option's own length byte: zero, and running past the end.
	cr_assert_not(parse_modified(ns, sizeof(ns), off_option + 1, 0));
	cr_assert_not(parse_modified(ns, sizeof(ns), off_option + 1, 2));
	cr_assert_not(parse_modified(rs, sizeof(rs), 62 + 1, 0));
	cr_assert_not(parse_modified(rs, sizeof(rs), 62 + 1, 255));
}

CORE_TEST(nd6, rejects_a_multicast_target)
{
	cr_assert_not(parse_modified(ns, sizeof(ns), off_target, 0xff));
	cr_assert_not(parse_modified(dad_ns, sizeof(dad_ns), off_target, 0xff));
}

CORE_TEST(nd6, rejects_unspecified_sources_with_a_link_layer_address)
{
	uint8_t f[sizeof(ns)];
	nd6_message m;

	memcpy(f, ns, sizeof(f));
	memset(f + off_src, 0, 16);
	ref_fix_csum(f, 32, off_check, false);
	cr_assert_not(parse(f, sizeof(f), &m), "NS from :: with SLLA");
	memcpy(f, rs, sizeof(rs));
	memset(f + off_src, 0, 16);
	ref_fix_csum(f, 16, off_check, false);
	cr_assert_not(parse(f, sizeof(rs), &m), "RS from :: with SLLA");
}

CORE_TEST(nd6, rejects_detection_not_sent_to_a_solicited_node_address)
{
	uint8_t f[sizeof(dad_ns)];
	nd6_message m;

	memcpy(f, dad_ns, sizeof(f));
	memcpy(f + off_dst, lla_router1, 16);			// to the target itself
	ref_fix_csum(f, 24, off_check, false);
	cr_assert_not(parse(f, sizeof(f), &m));
	memcpy(f + off_dst, ipv6_all_nodes, 16);		// ff02::1
	ref_fix_csum(f, 24, off_check, false);
	cr_assert_not(parse(f, sizeof(f), &m));
	memcpy(f + off_dst, snm_router1, 16);
	f[off_dst + 12] = 0xfe;					// ff02::1:fe00:1
	ref_fix_csum(f, 24, off_check, false);
	cr_assert_not(parse(f, sizeof(f), &m));
	// Another target's solicited-node address is still one (7.1.1 asks no more).
	f[off_dst + 12] = 0xff;
	f[off_dst + 15] = 0x02;
	ref_fix_csum(f, 24, off_check, false);
	cr_assert(parse(f, sizeof(f), &m));
}

/* ---- Neighbor Advertisement ---- */

/*
 * The router's answer to ns (RFC 4861 4.4, 7.2.4): "fe80::56:4eff:fe00:1
 * is at 02:56:4e:00:00:01", written out field by field.
 */
static const uint8_t na[86] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,	// Ethernet destination: A
	0x02, 0x56, 0x4e, 0x00, 0x00, 0x01,	// Ethernet source: the router
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00,
	0x00, 0x20,				// payload length 32
	58,
	255,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0,		// source: the target
	0x00, 0x56, 0x4e, 0xff, 0xfe, 0x00, 0x00, 0x01,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0,		// destination: the solicitation's source
	0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x0a,
	136,					// type: Neighbor Advertisement
	0,
	0xb0, 0x10,				// checksum
	0xe0, 0x00, 0x00, 0x00,			// R, S, O
	0xfe, 0x80, 0, 0, 0, 0, 0, 0,		// target
	0x00, 0x56, 0x4e, 0xff, 0xfe, 0x00, 0x00, 0x01,
	2, 1,					// Target Link-Layer Address, 8 bytes
	0x02, 0x56, 0x4e, 0x00, 0x00, 0x01,
};

// Builds the NA to @ns_frame into a heap buffer of exactly nd6_na_frame_len bytes.
static uint8_t *build_na(const uint8_t *ns_frame, uint32_t len, bool router)
{
	uint8_t *out = static_cast<uint8_t *>(malloc(nd6_na_frame_len));
	nd6_message m;

	cr_assert(parse(ns_frame, len, &m));
	memset(out, 0xa5, nd6_na_frame_len);
	cr_assert_eq(nd6_build_na(out, m, router1, router), nd6_na_frame_len);
	return out;
}

CORE_TEST(nd6, builds_the_neighbor_advertisement)
{
	uint8_t *out = build_na(ns, sizeof(ns), true);

	cr_assert_eq(nd6_na_frame_len, 86u);
	assert_frame(out, na, sizeof(na));
	cr_assert_eq(ref_l4_csum(out, 32), 0);
	free(out);
}

CORE_TEST(nd6, a_host_answer_has_no_router_flag)
{
	uint8_t *out = build_na(ns, sizeof(ns), false);
	uint8_t want[sizeof(na)];

	memcpy(want, na, sizeof(want));
	want[v6_l4_off + 4] = 0x60;		// S, O
	ref_fix_csum(want, 32, off_check, false);
	assert_frame(out, want, sizeof(want));
	free(out);
}

CORE_TEST(nd6, the_advertisement_goes_to_the_frame_source)
{
	// The solicitation's Ethernet source, not its option, names where the answer goes.
	uint8_t f[sizeof(ns)];
	uint8_t *out;

	memcpy(f, ns, sizeof(f));
	memcpy(f + 6, mac_b, 6);
	out = build_na(f, sizeof(f), true);
	cr_assert_arr_eq(out, mac_b, 6);
	cr_assert_arr_eq(out + 6 + 6 + 2 + 8 + 16, lla_a, 16);
	free(out);
}

CORE_TEST(nd6, detection_is_answered_to_all_nodes)
{
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
	uint8_t *out = build_na(dad_ns, sizeof(dad_ns), true);
	uint8_t want[sizeof(na)];

	memcpy(want, na, sizeof(want));
	memcpy(want, all_nodes_mac, 6);
	memcpy(want + off_dst, ipv6_all_nodes, 16);
	want[v6_l4_off + 4] = 0xa0;		// R, O: not solicited (7.2.4)
	ref_fix_csum(want, 32, off_check, false);
	assert_frame(out, want, sizeof(want));
	cr_assert_eq(ref_l4_csum(out, 32), 0);
	free(out);
}

CORE_TEST(nd6, an_advertisement_is_not_a_solicitation)
{
	uint8_t *out = build_na(ns, sizeof(ns), true);
	nd6_message m;

	cr_assert_not(parse(out, nd6_na_frame_len, &m));
	free(out);
}

/* ---- Router Advertisement ---- */

// A periodic advertisement to all nodes (RFC 4861 4.2, 4.6.2, 4.6.4, 6.2.3).
static const uint8_t ra[118] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x01,	// Ethernet destination: ff02::1's
	0x02, 0x56, 0x4e, 0x00, 0x00, 0x01,	// Ethernet source: the router
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00,
	0x00, 0x40,				// payload length 64
	58,
	255,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0,		// source: the router's link-local address
	0x00, 0x56, 0x4e, 0xff, 0xfe, 0x00, 0x00, 0x01,
	0xff, 0x02, 0, 0, 0, 0, 0, 0,		// destination ff02::1
	0, 0, 0, 0, 0, 0, 0, 0x01,
	134,					// type: Router Advertisement
	0,
	0x79, 0xf3,				// checksum
	64,					// cur hop limit
	0x80,					// M
	0x07, 0x08,				// router lifetime 1800 s
	0x00, 0x00, 0x75, 0x30,			// reachable time 30000 ms
	0x00, 0x00, 0x03, 0xe8,			// retrans timer 1000 ms
	1, 1,					// Source Link-Layer Address
	0x02, 0x56, 0x4e, 0x00, 0x00, 0x01,
	5, 1,					// MTU
	0x00, 0x00,				// reserved
	0x00, 0x00, 0x23, 0x29,			// 9001
	3, 4,					// Prefix Information, 32 bytes
	64,					// prefix length
	0x80,					// L
	0x00, 0x01, 0x51, 0x80,			// valid lifetime 86400 s
	0x00, 0x00, 0x38, 0x40,			// preferred lifetime 14400 s
	0x00, 0x00, 0x00, 0x00,			// reserved
	0x26, 0x00, 0x1f, 0x18, 0x12, 0x34, 0x56, 0x00,	// 2600:1f18:1234:5600::
	0, 0, 0, 0, 0, 0, 0, 0,
};

static nd6_ra_params ra_params(void)
{
	// The host bits of the prefix are the caller's noise: the builder clears them.
	static const uint8_t prefix[16] = { 0x26, 0x00, 0x1f, 0x18, 0x12, 0x34, 0x56, 0x00,
					    0xde, 0xad, 0xbe, 0xef, 0, 1, 0, 2 };
	nd6_ra_params p = {};

	memcpy(p.router_mac, router1, 6);
	p.cur_hop_limit = 64;
	p.managed = true;
	p.router_lifetime = 1800;
	p.reachable_ms = 30000;
	p.retrans_ms = 1000;
	p.mtu = 9001;
	memcpy(p.prefix, prefix, 16);
	p.prefix_len = 64;
	p.on_link = true;
	p.valid_lifetime = 86400;
	p.preferred_lifetime = 14400;
	return p;
}

CORE_TEST(nd6, builds_the_router_advertisement)
{
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
	uint8_t *out = static_cast<uint8_t *>(malloc(nd6_ra_frame_max));

	cr_assert_eq(nd6_ra_frame_max, 118u);
	memset(out, 0xa5, nd6_ra_frame_max);
	cr_assert_eq(nd6_build_ra(out, ra_params(), all_nodes_mac, ipv6_all_nodes), sizeof(ra));
	assert_frame(out, ra, sizeof(ra));
	cr_assert_eq(ref_l4_csum(out, 64), 0);
	free(out);
}

CORE_TEST(nd6, builds_a_solicited_advertisement_without_mtu)
{
	// To A alone, O only, not a default router, L and A, infinite lifetimes, a /60.
	static const uint8_t want[110] = {
		0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,	// Ethernet destination: A
		0x02, 0x56, 0x4e, 0x00, 0x00, 0x01,
		0x86, 0xdd,
		0x60, 0x00, 0x00, 0x00,
		0x00, 0x38,				// payload length 56
		58,
		255,
		0xfe, 0x80, 0, 0, 0, 0, 0, 0,
		0x00, 0x56, 0x4e, 0xff, 0xfe, 0x00, 0x00, 0x01,
		0xfe, 0x80, 0, 0, 0, 0, 0, 0,		// destination: A
		0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x0a,
		134,
		0,
		0xf1, 0x30,				// checksum
		0,					// cur hop limit unspecified
		0x40,					// O
		0x00, 0x00,				// router lifetime 0
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
		1, 1,
		0x02, 0x56, 0x4e, 0x00, 0x00, 0x01,
		3, 4,					// Prefix Information, no MTU option before it
		60,
		0xc0,					// L, A
		0xff, 0xff, 0xff, 0xff,			// infinity
		0xff, 0xff, 0xff, 0xff,
		0x00, 0x00, 0x00, 0x00,
		0x26, 0x00, 0x1f, 0x18, 0x12, 0x34, 0x56, 0x50,	// 2600:1f18:1234:5650::/60
		0, 0, 0, 0, 0, 0, 0, 0,
	};
	nd6_ra_params p = ra_params();
	uint8_t *out = static_cast<uint8_t *>(malloc(sizeof(want)));

	p.cur_hop_limit = 0;
	p.managed = false;
	p.other = true;
	p.router_lifetime = 0;
	p.reachable_ms = 0;
	p.retrans_ms = 0;
	p.mtu = 0;
	p.prefix[7] = 0x5f;			// the low nibble is past /60
	p.prefix_len = 60;
	p.autonomous = true;
	p.valid_lifetime = 0xffffffff;
	p.preferred_lifetime = 0xffffffff;
	cr_assert_eq(nd6_build_ra(out, p, mac_a, lla_a), sizeof(want));
	assert_frame(out, want, sizeof(want));
	cr_assert_eq(ref_l4_csum(out, 56), 0);
	free(out);
}

CORE_TEST(nd6, an_advertisement_is_not_a_router_solicitation)
{
	uint8_t out[nd6_ra_frame_max];
	nd6_message m;

	nd6_build_ra(out, ra_params(), mac_a, lla_a);
	cr_assert_not(parse(out, sizeof(out), &m));
}
