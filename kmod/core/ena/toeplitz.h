// SPDX-License-Identifier: GPL-2.0
// toeplitz.h - the Toeplitz hash of receive-side scaling, key order and initial value as parameters.
#pragma once

#include "base/base.h"
#include "vcore/ena.h"

namespace vnitro::ena {

// The order in which a device reads the key it was given.
enum class key_order : uint8_t {
	as_given,	// key[0] first: the Microsoft RSS specification
	reversed,	// key[len - 1] first: what an ENA device does with the key its driver wrote
};

/*
 * For every set bit of @data, most significant bit of data[0] first, XORs the
 * 32 key bits that start at that bit's position into a result that starts at
 * @init. The key is read cyclically, so inputs longer than key_len - 4 bytes
 * still hash (AWS's ena-toeplitz model rotates the whole key the same way);
 * for shorter inputs this is the textbook definition. A key_len of 0 returns
 * @init. Pure: no state, no allocation; safe anywhere.
 */
uint32_t toeplitz(const uint8_t *key, uint32_t key_len, key_order order, uint32_t init,
		  const uint8_t *data, uint32_t len);

/*
 * The same hash from a table: @nibbles[i][1][v] is what a high half v of input
 * byte i XORs into the result, [i][0][v] a low half (toeplitz() of that byte
 * alone, init 0). toeplitz_nibbles_fill() builds it for VCORE_ENA_RSS_INPUT_MAX
 * input bytes; toeplitz_nibbles() then hashes up to that many with two lookups
 * a byte, equal to toeplitz() with the same key, order and @init.
 */
void toeplitz_nibbles_fill(uint32_t (*nibbles)[2][16], const uint8_t *key, uint32_t key_len,
			   key_order order);
uint32_t toeplitz_nibbles(const uint32_t (*nibbles)[2][16], uint32_t init, const uint8_t *data,
			  uint32_t len);

} // namespace vnitro::ena
