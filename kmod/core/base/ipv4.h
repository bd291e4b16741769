// SPDX-License-Identifier: GPL-2.0
// ipv4.h - IPv4 prefix arithmetic on host-order addresses.
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

} // namespace vnitro::base
