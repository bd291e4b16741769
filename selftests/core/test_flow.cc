// SPDX-License-Identifier: GPL-2.0
// test_flow.cc - parsing the RSS hash input out of received frames (core/ena/flow.cc).
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ena/flow.h"

using namespace vnitro::ena;

static void setup(void)
{
	harness_init(nullptr);
}

TestSuite(flow, .init = setup, .fini = harness_fini);

// What a test frame carries; zero fields take the defaults of make_frame().
struct frame_spec {
	int af;			// AF_INET or AF_INET6
	const char *src, *dst;
	uint8_t proto;		// IPv4 protocol / IPv6 next header
	uint16_t sport, dport;
	bool vlan;		// one 802.1Q tag
	uint16_t frag;		// IPv4 flags + fragment offset field
	uint8_t ihl;		// IPv4 header length in words (5 when 0)
};

enum { frame_max = 128 };

// Ethernet (+ tag) + IP + 8 bytes of transport header; returns the length.
static uint32_t make_frame(const frame_spec &s, uint8_t *f)
{
	uint32_t off = 14;
	uint32_t ihl = s.ihl ? s.ihl : 5;

	memset(f, 0, frame_max);
	memcpy(f, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02", 12);
	if (s.vlan) {
		f[12] = 0x81, f[13] = 0x00, f[14] = 0x00, f[15] = 0x05;	// VLAN 5
		off += 4;
	}
	if (s.af == AF_INET) {
		f[off - 2] = 0x08, f[off - 1] = 0x00;
		f[off] = 0x40 | ihl;
		f[off + 2] = 0, f[off + 3] = static_cast<uint8_t>(ihl * 4 + 8);
		f[off + 6] = s.frag >> 8, f[off + 7] = s.frag & 0xff;
		f[off + 8] = 64;
		f[off + 9] = s.proto;
		cr_assert_eq(inet_pton(AF_INET, s.src, f + off + 12), 1);
		cr_assert_eq(inet_pton(AF_INET, s.dst, f + off + 16), 1);
		off += ihl * 4;
	} else {
		f[off - 2] = 0x86, f[off - 1] = 0xdd;
		f[off] = 0x60;
		f[off + 5] = 8;
		f[off + 6] = s.proto;
		f[off + 7] = 64;
		cr_assert_eq(inet_pton(AF_INET6, s.src, f + off + 8), 1);
		cr_assert_eq(inet_pton(AF_INET6, s.dst, f + off + 24), 1);
		off += 40;
	}
	f[off] = s.sport >> 8, f[off + 1] = s.sport & 0xff;
	f[off + 2] = s.dport >> 8, f[off + 3] = s.dport & 0xff;
	return off + 8;
}

// Parses the first @len bytes from a heap copy of exactly that size (ASan sees over-reads).
static bool parse(const uint8_t *frame, uint32_t len, flow *out)
{
	uint8_t *copy = static_cast<uint8_t *>(malloc(len ? len : 1));
	bool ok;

	memcpy(copy, frame, len);
	ok = flow_parse(copy, len, out);
	free(copy);
	return ok;
}

static const frame_spec tcp4 = { AF_INET, "10.0.0.1", "10.0.0.2", 6, 40000, 443 };
static const frame_spec tcp6 = { AF_INET6, "2001:db8::1", "2001:db8::2", 6, 40000, 443 };

CORE_TEST(flow, ipv4_tcp)
{
	uint8_t f[frame_max];
	uint32_t len = make_frame(tcp4, f);
	static const uint8_t src[4] = { 10, 0, 0, 1 }, dst[4] = { 10, 0, 0, 2 };
	flow fl;

	cr_assert(parse(f, len, &fl));
	cr_assert_eq(fl.l3, l3_proto::ipv4);
	cr_assert_eq(fl.l4, l4_proto::tcp);
	cr_assert_not(fl.fragment);
	cr_assert_eq(fl.addr_len, 4);
	cr_assert_arr_eq(fl.src, src, 4);
	cr_assert_arr_eq(fl.dst, dst, 4);
	cr_assert_eq(fl.src_port[0] << 8 | fl.src_port[1], 40000);
	cr_assert_eq(fl.dst_port[0] << 8 | fl.dst_port[1], 443);
}

CORE_TEST(flow, ipv4_udp_and_other_protocols)
{
	frame_spec s = tcp4;
	uint8_t f[frame_max];
	flow fl;

	s.proto = 17;
	cr_assert(parse(f, make_frame(s, f), &fl));
	cr_assert_eq(fl.l4, l4_proto::udp);
	for (uint8_t proto : { 1, 47, 50, 132 }) {	// ICMP, GRE, ESP, SCTP
		s.proto = proto;
		cr_assert(parse(f, make_frame(s, f), &fl));
		cr_assert_eq(fl.l3, l3_proto::ipv4);
		cr_assert_eq(fl.l4, l4_proto::other, "protocol %u", proto);
	}
}

CORE_TEST(flow, ipv4_options_move_the_ports)
{
	frame_spec s = tcp4;
	uint8_t f[frame_max];
	flow fl;

	s.ihl = 15;		// 40 bytes of options
	cr_assert(parse(f, make_frame(s, f), &fl));
	cr_assert_eq(fl.l4, l4_proto::tcp);
	cr_assert_eq(fl.src_port[0] << 8 | fl.src_port[1], 40000);
	cr_assert_eq(fl.dst_port[0] << 8 | fl.dst_port[1], 443);
}

// First, middle and last fragments all hash on addresses: no ports, whatever the protocol.
CORE_TEST(flow, ipv4_fragments_never_read_ports)
{
	frame_spec s = tcp4;
	uint8_t f[frame_max];
	flow fl;

	for (uint16_t frag : { 0x2000, 0x2010, 0x0010, 0x1fff }) {	// MF; MF+offset; offset
		s.frag = frag;
		cr_assert(parse(f, make_frame(s, f), &fl));
		cr_assert(fl.fragment, "frag field %#x", frag);
		cr_assert_eq(fl.l4, l4_proto::other);
		cr_assert_eq(fl.src_port[0] | fl.src_port[1] | fl.dst_port[0] | fl.dst_port[1], 0);
	}
	s.frag = 0x4000;	// Don't Fragment alone is no fragment
	cr_assert(parse(f, make_frame(s, f), &fl));
	cr_assert_not(fl.fragment);
	cr_assert_eq(fl.l4, l4_proto::tcp);
}

CORE_TEST(flow, ipv6_tcp_udp_and_extension_headers)
{
	frame_spec s = tcp6;
	uint8_t f[frame_max];
	uint8_t src[16];
	flow fl;

	inet_pton(AF_INET6, "2001:db8::1", src);
	cr_assert(parse(f, make_frame(s, f), &fl));
	cr_assert_eq(fl.l3, l3_proto::ipv6);
	cr_assert_eq(fl.l4, l4_proto::tcp);
	cr_assert_eq(fl.addr_len, 16);
	cr_assert_arr_eq(fl.src, src, 16);
	cr_assert_eq(fl.dst[15], 2);
	cr_assert_eq(fl.dst_port[0] << 8 | fl.dst_port[1], 443);
	s.proto = 17;
	cr_assert(parse(f, make_frame(s, f), &fl));
	cr_assert_eq(fl.l4, l4_proto::udp);
	// Hop-by-hop, routing, fragment, destination options: not walked, addresses only.
	for (uint8_t nh : { 0, 43, 44, 60, 58 }) {
		s.proto = nh;
		cr_assert(parse(f, make_frame(s, f), &fl));
		cr_assert_eq(fl.l3, l3_proto::ipv6);
		cr_assert_eq(fl.l4, l4_proto::other, "next header %u", nh);
	}
}

CORE_TEST(flow, one_vlan_tag)
{
	frame_spec s = tcp4;
	uint8_t f[frame_max];
	flow fl;

	s.vlan = true;
	cr_assert(parse(f, make_frame(s, f), &fl));
	cr_assert_eq(fl.l4, l4_proto::tcp);
	cr_assert_eq(fl.dst[3], 2);
	s = tcp6;
	s.vlan = true;
	cr_assert(parse(f, make_frame(s, f), &fl));
	cr_assert_eq(fl.l3, l3_proto::ipv6);
	cr_assert_eq(fl.l4, l4_proto::tcp);
}

CORE_TEST(flow, not_ip)
{
	uint8_t f[frame_max];
	uint32_t len = make_frame(tcp4, f);
	flow fl;

	f[12] = 0x08, f[13] = 0x06;		// ARP
	cr_assert_not(parse(f, len, &fl));
	cr_assert_eq(fl.l3, l3_proto::none);
	f[12] = 0x88, f[13] = 0xa8;		// 802.1ad: only one 802.1Q tag is understood
	cr_assert_not(parse(f, len, &fl));
	// A second 802.1Q tag inside the first.
	len = make_frame({ AF_INET, "10.0.0.1", "10.0.0.2", 6, 1, 2, true }, f);
	f[16] = 0x81, f[17] = 0x00;
	cr_assert_not(parse(f, len, &fl));
}

CORE_TEST(flow, malformed_ip_headers)
{
	uint8_t f[frame_max];
	uint32_t len = make_frame(tcp4, f);
	flow fl;

	f[14] = 0x45 ^ 0x70;			// version 3
	cr_assert_not(parse(f, len, &fl));
	f[14] = 0x44;				// IHL 4 (16 bytes)
	cr_assert_not(parse(f, len, &fl));
	f[14] = 0x65;				// IPv6 version under the IPv4 EtherType
	cr_assert_not(parse(f, len, &fl));
	len = make_frame(tcp6, f);
	f[14] = 0x45;				// IPv4 version under the IPv6 EtherType
	cr_assert_not(parse(f, len, &fl));
	cr_assert_eq(fl.l3, l3_proto::none);
}

// Every truncation: no over-read (ASan), ports only when all four bytes are there.
CORE_TEST(flow, every_truncation)
{
	struct {
		frame_spec spec;
		uint32_t l3_at;		// first length with a full IP header
		uint32_t l4_at;		// first length with both ports
	} cases[] = {
		{ tcp4, 14 + 20, 14 + 20 + 4 },
		{ tcp6, 14 + 40, 14 + 40 + 4 },
		{ { AF_INET, "10.0.0.1", "10.0.0.2", 17, 1, 2, true }, 18 + 20, 18 + 20 + 4 },
		{ { AF_INET, "10.0.0.1", "10.0.0.2", 6, 1, 2, false, 0, 6 }, 14 + 20, 14 + 24 + 4 },
	};

	for (auto &c : cases) {
		uint8_t f[frame_max];
		uint32_t full = make_frame(c.spec, f);

		for (uint32_t len = 0; len <= full; len++) {
			flow fl;
			bool ok = parse(f, len, &fl);

			cr_assert_eq(ok, len >= c.l3_at, "len %u", len);
			if (!ok)
				continue;
			cr_assert_eq(fl.l4 != l4_proto::other, len >= c.l4_at, "len %u", len);
		}
	}
}
