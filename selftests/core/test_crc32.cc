// SPDX-License-Identifier: GPL-2.0
// test_crc32.cc - CRC-32, ENA's other hash function (core/ena/crc32.cc).
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ena/crc32.h"

using namespace vnitro::ena;

static void setup(void)
{
	harness_init(nullptr);
}

TestSuite(crc32, .init = setup, .fini = harness_fini);

static uint32_t crc_of(const char *s, uint32_t init = 0xffffffff)
{
	uint32_t len = static_cast<uint32_t>(strlen(s));
	uint8_t *copy = static_cast<uint8_t *>(malloc(len ? len : 1));	// exact size for ASan
	uint32_t crc;

	memcpy(copy, s, len);
	crc = crc32(init, copy, len);
	free(copy);
	return crc;
}

// The catalogue check value of CRC-32/ISO-HDLC (zlib, Ethernet), and a second classic.
CORE_TEST(crc32, standard_check_values)
{
	cr_assert_eq(crc_of("123456789"), 0xcbf43926u);
	cr_assert_eq(crc_of("The quick brown fox jumps over the lazy dog"), 0x414fa339u);
	cr_assert_eq(crc_of(""), 0u);
	cr_assert_eq(crc_of("", 0), 0xffffffffu);
}

// The hash input of 1.2.3.4:7000 -> 1.2.3.5:7000; the value is zlib.crc32() of these bytes.
CORE_TEST(crc32, ena_example_flow)
{
	static const uint8_t flow[12] = { 1, 2, 3, 4, 1, 2, 3, 5, 0x1b, 0x58, 0x1b, 0x58 };

	cr_assert_eq(crc32(0xffffffff, flow, sizeof(flow)), 0x32b7886du);
}

// Bit by bit, straight from the reflected polynomial, with any register preset.
static uint32_t bitwise_model(uint32_t init, const uint8_t *data, uint32_t len)
{
	uint32_t crc = init;

	for (uint32_t i = 0; i < len; i++) {
		crc ^= data[i];
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ ((crc & 1) ? 0xedb88320u : 0);
	}
	return ~crc;
}

CORE_TEST(crc32, table_matches_the_bitwise_definition)
{
	uint8_t data[40];

	for (int round = 0; round < 500; round++) {
		uint32_t init = static_cast<uint32_t>(random());
		uint32_t len = static_cast<uint32_t>(random()) % (sizeof(data) + 1);

		for (uint8_t &b : data)
			b = static_cast<uint8_t>(random());
		cr_assert_eq(crc32(init, data, len), bitwise_model(init, data, len), "round %d", round);
	}
}
