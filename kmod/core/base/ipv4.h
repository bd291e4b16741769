// SPDX-License-Identifier: GPL-2.0
// ipv4.h - IPv4 and IPv6 prefix arithmetic on host-order addresses.
#pragma once

#include "base/base.h"

namespace vnitro::base {

constexpr uint32_t prefix_mask(uint8_t prefixlen)
{
	return prefixlen ? ~0u << (32 - prefixlen) : 0;
}

constexpr bool prefix_contains(uint32_t net, uint8_t prefixlen, uint32_t addr)
{
	return ((addr ^ net) & prefix_mask(prefixlen)) == 0;
}

// Does [inner/inner_len] lie entirely inside [outer/outer_len]?
constexpr bool prefix_covers(uint32_t outer, uint8_t outer_len, uint32_t inner, uint8_t inner_len)
{
	return inner_len >= outer_len && prefix_contains(outer, outer_len, inner);
}

constexpr uint32_t prefix_last(uint32_t net, uint8_t prefixlen)
{
	return net | ~prefix_mask(prefixlen);
}

// An IPv6 address as two host-order halves.
struct addr128 {
	uint64_t hi, lo;
};

constexpr bool operator==(const addr128 &a, const addr128 &b)
{
	return a.hi == b.hi && a.lo == b.lo;
}

// The address in the 16 network-order bytes at @b, and back.
constexpr addr128 addr128_of(const uint8_t *b)
{
	addr128 a = {};

	for (int i = 0; i < 8; i++) {
		a.hi = a.hi << 8 | b[i];
		a.lo = a.lo << 8 | b[8 + i];
	}
	return a;
}

inline void addr128_put(const addr128 &a, uint8_t *b)
{
	for (int i = 0; i < 8; i++) {
		b[i] = uint8_t(a.hi >> (56 - 8 * i));
		b[8 + i] = uint8_t(a.lo >> (56 - 8 * i));
	}
}

// IPv4 @a as an IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 2.5.5.2).
constexpr addr128 v4_mapped(uint32_t a)
{
	return { 0, 0xffff00000000ull | a };
}

// The mask of the first @prefixlen (0-128) bits, as the halves of an address.
constexpr addr128 prefix6_mask(uint8_t prefixlen)
{
	if (prefixlen >= 128)
		return { ~0ull, ~0ull };
	if (prefixlen > 64)
		return { ~0ull, ~0ull << (128 - prefixlen) };
	return { prefixlen ? ~0ull << (64 - prefixlen) : 0, 0 };
}

constexpr bool prefix6_contains(const addr128 &net, uint8_t prefixlen, const addr128 &addr)
{
	return ((addr.hi ^ net.hi) & prefix6_mask(prefixlen).hi) == 0 &&
	       ((addr.lo ^ net.lo) & prefix6_mask(prefixlen).lo) == 0;
}

// No bit set past the prefix.
constexpr bool prefix6_exact(const addr128 &net, uint8_t prefixlen)
{
	return !(net.hi & ~prefix6_mask(prefixlen).hi) && !(net.lo & ~prefix6_mask(prefixlen).lo);
}

} // namespace vnitro::base
