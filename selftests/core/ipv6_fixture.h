// SPDX-License-Identifier: GPL-2.0
// ipv6_fixture.h - IPv6 test frames: exact-size heap copies, the upper-layer checksum by the RFC.
#pragma once

#include "fabric_fixture.h"

enum : uint32_t {
	v6_l4_off = 14 + 40,		// ICMPv6 or UDP right after the IPv6 header
};

// fe80::ff:fe00:a, port A's link-local address (02:00:00:00:00:0a, EUI-64).
inline const uint8_t lla_a[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
				   0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x0a };
// fe80::56:4eff:fe00:1, subnet 1's router (02:56:4e:00:00:01).
inline const uint8_t lla_router1[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
					 0x00, 0x56, 0x4e, 0xff, 0xfe, 0x00, 0x00, 0x01 };

// The first @have bytes of @frame in exactly @len heap bytes (zeros after), for ASan to see over-reads.
inline uint8_t *heap_frame(const uint8_t *frame, uint32_t have, uint32_t len)
{
	uint8_t *f = static_cast<uint8_t *>(calloc(1, len ? len : 1));

	memcpy(f, frame, len < have ? len : have);
	return f;
}

/*
 * RFC 8200 8.1 by the letter: the sum over source, destination, the 32-bit
 * length @l4_len and the next header of the IPv6 header in @frame, then the
 * @l4_len bytes after it. 0 when the checksum in them is correct.
 */
inline uint16_t ref_l4_csum(const uint8_t *frame, uint32_t l4_len)
{
	const uint8_t *ip = frame + 14;
	uint32_t sum = (l4_len >> 16) + (l4_len & 0xffff) + ip[6];

	for (uint32_t i = 8; i < 40; i += 2)
		sum += be16(ip + i);
	return ref_csum(ip + 40, l4_len, sum);
}

// After a test changed a byte: stores the checksum at @check_off of the upper-layer message again.
inline void ref_fix_csum(uint8_t *frame, uint32_t l4_len, uint32_t check_off, bool udp)
{
	uint8_t *l4 = frame + v6_l4_off;
	uint16_t c;

	l4[check_off] = l4[check_off + 1] = 0;
	c = ref_l4_csum(frame, l4_len);
	if (udp && !c)
		c = 0xffff;
	l4[check_off] = static_cast<uint8_t>(c >> 8);
	l4[check_off + 1] = static_cast<uint8_t>(c);
}

// Byte by byte, so that a failure names the first byte that differs.
inline void assert_frame(const uint8_t *got, const uint8_t *want, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		cr_assert_eq(got[i], want[i], "byte %u: 0x%02x, expected 0x%02x", i, got[i], want[i]);
}

inline void put_be16_at(uint8_t *p, uint16_t v)
{
	p[0] = static_cast<uint8_t>(v >> 8);
	p[1] = static_cast<uint8_t>(v);
}

/* ---- frames through the fabric (test_fabric_ip6.cc) ---- */

// Bytes put together in wire order: messages and options written out field by field.
struct wire {
	uint8_t b[256];
	uint32_t len = 0;

	wire &u8(uint8_t v)
	{
		cr_assert_lt(len, sizeof(b), "wire: message too long for the test");
		b[len++] = v;
		return *this;
	}
	wire &u16(uint16_t v)
	{
		return u8(static_cast<uint8_t>(v >> 8)).u8(static_cast<uint8_t>(v));
	}
	wire &u32(uint32_t v)
	{
		return u16(static_cast<uint16_t>(v >> 16)).u16(static_cast<uint16_t>(v));
	}
	wire &put(const uint8_t *p, uint32_t n)
	{
		for (uint32_t i = 0; i < n; i++)
			u8(p[i]);
		return *this;
	}
	// A DHCPv6 option (RFC 8415 21.1): code, length, @data.
	wire &opt(uint16_t code, const wire &data)
	{
		return u16(code).u16(static_cast<uint16_t>(data.len)).put(data.b, data.len);
	}
};

// An IPv6 address from its upper and lower 64 bits (host order, as vcore_port_desc holds them).
struct addr6 {
	uint8_t b[16];
};

inline addr6 a6(uint64_t hi, uint64_t lo)
{
	addr6 a;

	for (int i = 7; i >= 0; i--, hi >>= 8, lo >>= 8) {
		a.b[i] = static_cast<uint8_t>(hi);
		a.b[8 + i] = static_cast<uint8_t>(lo);
	}
	return a;
}

/*
 * An Ethernet/IPv6 frame from @eth_src to @eth_dst, @src to @dst, carrying
 * @l4 as @next_header; an ICMPv6 (58) or UDP (17) checksum is stored by the
 * RFC (ref_fix_csum). Returns the length.
 */
inline uint32_t v6_frame(uint8_t *buf, const uint8_t *eth_dst, const uint8_t *eth_src,
			 const uint8_t *src, const uint8_t *dst, uint8_t next_header,
			 uint8_t hop_limit, const wire &l4)
{
	static const uint8_t ver_tc_flow[4] = { 0x60, 0, 0, 0 };

	memcpy(buf, eth_dst, 6);
	memcpy(buf + 6, eth_src, 6);
	put_be16_at(buf + 12, 0x86dd);
	memcpy(buf + 14, ver_tc_flow, 4);
	put_be16_at(buf + 18, static_cast<uint16_t>(l4.len));
	buf[20] = next_header;
	buf[21] = hop_limit;
	memcpy(buf + 22, src, 16);
	memcpy(buf + 38, dst, 16);
	memcpy(buf + v6_l4_off, l4.b, l4.len);
	if (next_header == 58)
		ref_fix_csum(buf, l4.len, 2, false);
	else if (next_header == 17)
		ref_fix_csum(buf, l4.len, 6, true);
	return v6_l4_off + l4.len;
}
