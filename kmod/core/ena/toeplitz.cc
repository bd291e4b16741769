// SPDX-License-Identifier: GPL-2.0
// toeplitz.cc - the Toeplitz hash of receive-side scaling, key order and initial value as parameters.
#include "ena/toeplitz.h"

namespace vnitro::ena {

namespace {

// Byte @pos of the key as the device reads it, wrapping around its end.
uint8_t key_byte(const uint8_t *key, uint32_t key_len, key_order order, uint32_t pos)
{
	uint32_t i = pos % key_len;

	return order == key_order::reversed ? key[key_len - 1 - i] : key[i];
}

} // namespace

uint32_t toeplitz(const uint8_t *key, uint32_t key_len, key_order order, uint32_t init,
		  const uint8_t *data, uint32_t len)
{
	uint32_t result = init;
	uint32_t window = 0;	// the 32 key bits that line up with the current input bit

	if (!key_len)
		return init;
	for (uint32_t i = 0; i < 4; i++)
		window = window << 8 | key_byte(key, key_len, order, i);
	for (uint32_t i = 0; i < len; i++) {
		// The byte whose bits slide into the window while data[i] is consumed.
		uint32_t next = key_byte(key, key_len, order, i + 4);

		for (int bit = 7; bit >= 0; bit--) {
			if (data[i] >> bit & 1)
				result ^= window;
			window = window << 1 | (next >> bit & 1);
		}
	}
	return result;
}

} // namespace vnitro::ena
