// SPDX-License-Identifier: GPL-2.0
// csum.h - the Internet checksum (RFC 1071) over big-endian words, and its incremental update (RFC 1624).
#pragma once

#include "base/base.h"

namespace vnitro::base {

// Adds @len bytes to a running one's-complement sum, as big-endian 16-bit
// words (an odd last byte is padded with zero). Sums stay far below 2^32 for
// the few hundred bytes the core checksums.
inline uint32_t csum_add(uint32_t sum, const uint8_t *p, uint32_t len)
{
	for (; len > 1; p += 2, len -= 2)
		sum += static_cast<uint32_t>(p[0] << 8 | p[1]);
	if (len)
		sum += static_cast<uint32_t>(p[0] << 8);
	return sum;
}

inline uint32_t csum_add32(uint32_t sum, uint32_t v)
{
	return sum + (v >> 16) + (v & 0xffff);
}

// Folds the carries and complements: the value to store in a checksum field.
inline uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return static_cast<uint16_t>(~sum);
}

// RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') when one 16-bit word changes from
// @old to @now. Unlike eqn. 2 it never yields 0xffff (-0) for a sum of +0.
inline uint16_t csum_replace16(uint16_t check, uint16_t old, uint16_t now)
{
	uint32_t sum = static_cast<uint16_t>(~check);

	sum += static_cast<uint16_t>(~old);
	sum += now;
	return csum_fold(sum);
}

} // namespace vnitro::base
