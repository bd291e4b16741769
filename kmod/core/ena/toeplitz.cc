// SPDX-License-Identifier: GPL-2.0
// toeplitz.cc - the Toeplitz hash of receive-side scaling, key order and initial value as parameters.
#include "ena/toeplitz.h"

namespace vnitro::ena {

namespace {

// Byte @pos of the key as the device reads it, wrapping around its end.
uint8_t key_byte(const uint8_t *key, uint32_t key_len, key_order order, uint32_t pos)
{
	uint32_t i = pos < key_len ? pos : pos % key_len;	// no division on the usual path

	return order == key_order::reversed ? key[key_len - 1 - i] : key[i];
}

} // namespace

/*
 * Byte by byte rather than bit by bit: @window holds the 40 key bits that
 * input byte i spans (key bytes i to i + 4), so the 32-bit window of its
 * bit b is window >> (b + 1). The per-bit XORs are independent of each
 * other, with no shift-in chain between them, and zero bytes (common in
 * addresses and ports) cost one test: several times fewer operations per
 * frame than sliding the window one bit at a time.
 */
uint32_t toeplitz(const uint8_t *key, uint32_t key_len, key_order order, uint32_t init,
		  const uint8_t *data, uint32_t len)
{
	uint32_t result = init;
	uint64_t window = 0;

	if (!key_len)
		return init;
	for (uint32_t i = 0; i < 4; i++)
		window = window << 8 | key_byte(key, key_len, order, i);
	for (uint32_t i = 0; i < len; i++) {
		uint32_t byte = data[i];

		window = (window << 8 | key_byte(key, key_len, order, i + 4)) & 0xffffffffffull;
		if (!byte)
			continue;
		for (int bit = 7; bit >= 0; bit--)
			if (byte >> bit & 1)
				result ^= static_cast<uint32_t>(window >> (bit + 1));
	}
	return result;
}

void toeplitz_nibbles_fill(uint32_t (*nibbles)[2][16], uint32_t max_len, const uint8_t *key,
			   uint32_t key_len, key_order order)
{
	uint64_t window = 0;

	for (uint32_t i = 0; i < 4; i++)
		window = window << 8 | (key_len ? key_byte(key, key_len, order, i) : 0);
	for (uint32_t i = 0; i < max_len; i++) {
		uint32_t bit[8];

		window = (window << 8 | (key_len ? key_byte(key, key_len, order, i + 4) : 0)) &
			 0xffffffffffull;
		// As toeplitz(): the 32-bit window of bit b of this byte.
		for (int b = 0; b < 8; b++)
			bit[b] = static_cast<uint32_t>(window >> (b + 1));
		for (uint32_t v = 0; v < 16; v++) {
			uint32_t lo = 0, hi = 0;

			for (int b = 0; b < 4; b++)
				if (v >> b & 1) {
					lo ^= bit[b];
					hi ^= bit[b + 4];
				}
			nibbles[i][0][v] = lo;
			nibbles[i][1][v] = hi;
		}
	}
}

uint32_t toeplitz_nibbles(const uint32_t (*nibbles)[2][16], uint32_t init, const uint8_t *data,
			  uint32_t len)
{
	uint32_t result = init;

	for (uint32_t i = 0; i < len; i++)
		result ^= nibbles[i][1][data[i] >> 4] ^ nibbles[i][0][data[i] & 15];
	return result;
}

} // namespace vnitro::ena
