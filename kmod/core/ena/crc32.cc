// SPDX-License-Identifier: GPL-2.0
// crc32.cc - CRC-32, the hash function an ENA device offers besides Toeplitz.
#include "ena/crc32.h"

namespace vnitro::ena {

namespace {

constexpr uint32_t poly_reflected = 0xedb88320;	// 0x04c11db7 with its bits reversed

struct crc_table {
	uint32_t entry[256];
};

constexpr crc_table make_table()
{
	crc_table t = {};

	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int bit = 0; bit < 8; bit++)
			c = c & 1 ? c >> 1 ^ poly_reflected : c >> 1;
		t.entry[i] = c;
	}
	return t;
}

// Computed by the compiler: read-only data, no initialisation at run time.
constexpr crc_table table = make_table();

static_assert(table.entry[1] == 0x77073096 && table.entry[255] == 0x2d02ef8d,
	      "not the IEEE 802.3 CRC-32 table");

} // namespace

uint32_t crc32(uint32_t init, const uint8_t *data, uint32_t len)
{
	uint32_t crc = init;

	for (uint32_t i = 0; i < len; i++)
		crc = table.entry[(crc ^ data[i]) & 0xff] ^ crc >> 8;
	return ~crc;
}

} // namespace vnitro::ena
