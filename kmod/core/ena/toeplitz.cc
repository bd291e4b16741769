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

// Each entry is toeplitz() of one nibble at its place: equal to it by construction.
void toeplitz_nibbles_fill(uint32_t (*nibbles)[2][16], const uint8_t *key, uint32_t key_len,
			   key_order order)
{
	uint8_t one[VCORE_ENA_RSS_INPUT_MAX] = {};

	for (uint32_t i = 0; i < VCORE_ENA_RSS_INPUT_MAX; i++) {
		for (uint32_t v = 0; v < 16; v++) {
			one[i] = static_cast<uint8_t>(v);
			nibbles[i][0][v] = toeplitz(key, key_len, order, 0, one, i + 1);
			one[i] = static_cast<uint8_t>(v << 4);
			nibbles[i][1][v] = toeplitz(key, key_len, order, 0, one, i + 1);
		}
		one[i] = 0;
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
