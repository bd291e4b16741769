// SPDX-License-Identifier: GPL-2.0
// test_csum.cc - the Internet checksum and its incremental update (core/base/csum.h).
#include <stdlib.h>

#include "harness.h"
#include "base/csum.h"

using namespace vnitro::base;

static void setup(void)
{
	harness_init(nullptr);
}

TestSuite(csum, .init = setup, .fini = harness_fini);

CORE_TEST(csum, rfc1071_example)
{
	// RFC 1071 section 3: the one's-complement sum of these words is ddf2.
	static const uint8_t data[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	cr_assert_eq(csum_fold(csum_add(0, data, 8)), static_cast<uint16_t>(~0xddf2));
	// An odd length pads the last byte with a zero on the right.
	cr_assert_eq(csum_add(0, data, 7), csum_add(0, data, 6) + 0xf600u);
}

CORE_TEST(csum, a_real_ipv4_header)
{
	// A header as Linux sent it (checksum field b861), from a capture.
	static const uint8_t hdr[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
					 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01,
					 0xc0, 0xa8, 0x00, 0xc7 };
	uint8_t copy[20];

	cr_assert_eq(csum_fold(csum_add(0, hdr, 20)), 0, "a valid header sums to zero");
	memcpy(copy, hdr, 20);
	copy[10] = copy[11] = 0;
	cr_assert_eq(csum_fold(csum_add(0, copy, 20)), 0xb861);
}

CORE_TEST(csum, incremental_update_equals_recomputation)
{
	uint8_t hdr[20];

	srand(4);
	for (int round = 0; round < 20000; round++) {
		for (uint8_t &b : hdr)
			b = static_cast<uint8_t>(rand());
		hdr[10] = hdr[11] = 0;
		uint16_t check = csum_fold(csum_add(0, hdr, 20));
		uint16_t old = static_cast<uint16_t>(hdr[8] << 8 | hdr[9]);
		uint16_t now = static_cast<uint16_t>(rand());

		hdr[8] = static_cast<uint8_t>(now >> 8);
		hdr[9] = static_cast<uint8_t>(now);
		uint16_t want = csum_fold(csum_add(0, hdr, 20));
		uint16_t got = csum_replace16(check, old, now);
		// Both are valid one's-complement checksums; RFC 1624 eqn. 3 never
		// yields -0 (0xffff) where recomputation gives +0, and vice versa.
		cr_assert_eq(got, want, "round %d: %04x -> %04x: got %04x, want %04x", round, old,
			     now, got, want);
	}
}
