// SPDX-License-Identifier: GPL-2.0
// test_ipv4.cc - IPv4 prefix arithmetic (core/base/ipv4.h).
#include "harness.h"
#include "base/ipv4.h"

using namespace vnitro::base;

// The helpers are constexpr: the compiler checks the same facts at build time.
static_assert(prefix_mask(0) == 0 && prefix_mask(32) == 0xffffffff);
static_assert(prefix_contains(0xac1f0000, 16, 0xac1fffff));
static_assert(prefix_last(0xac1f0000, 20) == 0xac1f0fff);

static void setup(void)
{
	harness_init(nullptr);
}

TestSuite(ipv4, .init = setup, .fini = harness_fini);

// Runtime copies, so that the calls below are not folded away.
static volatile uint8_t len0 = 0, len1 = 1, len16 = 16, len20 = 20, len28 = 28, len31 = 31,
			len32 = 32;

CORE_TEST(ipv4, prefix_mask_every_length)
{
	cr_assert_eq(prefix_mask(len0), 0x00000000u);
	cr_assert_eq(prefix_mask(len1), 0x80000000u);
	cr_assert_eq(prefix_mask(len16), 0xffff0000u);
	cr_assert_eq(prefix_mask(len20), 0xfffff000u);
	cr_assert_eq(prefix_mask(len28), 0xfffffff0u);
	cr_assert_eq(prefix_mask(len31), 0xfffffffeu);
	cr_assert_eq(prefix_mask(len32), 0xffffffffu);
	for (uint8_t len = 0; len <= 32; len++) {
		uint32_t mask = prefix_mask(len);

		// len ones, all at the top: the host part ~mask is 0..01..1.
		cr_assert_eq(__builtin_popcount(mask), len, "/%u", len);
		cr_assert_eq(~mask & (~mask + 1), 0u, "/%u is not contiguous", len);
	}
}

CORE_TEST(ipv4, contains)
{
	// 172.31.0.0/16
	cr_assert(prefix_contains(0xac1f0000, len16, 0xac1f0000));
	cr_assert(prefix_contains(0xac1f0000, len16, 0xac1f1234));
	cr_assert(prefix_contains(0xac1f0000, len16, 0xac1fffff));
	cr_assert_not(prefix_contains(0xac1f0000, len16, 0xac200000));
	cr_assert_not(prefix_contains(0xac1f0000, len16, 0xac1effff));
	// /0 holds everything, /32 only itself.
	cr_assert(prefix_contains(0, len0, 0xffffffff));
	cr_assert(prefix_contains(0x01020304, len0, 0));
	cr_assert(prefix_contains(0x0a000005, len32, 0x0a000005));
	cr_assert_not(prefix_contains(0x0a000005, len32, 0x0a000004));
	cr_assert_not(prefix_contains(0x0a000005, len32, 0x0a000006));
	// Host bits in the network address do not matter.
	cr_assert(prefix_contains(0xac1f0101, len16, 0xac1f0202));
}

CORE_TEST(ipv4, covers)
{
	// 172.31.0.0/20 inside 172.31.0.0/16, and the other way round.
	cr_assert(prefix_covers(0xac1f0000, len16, 0xac1f0000, len20));
	cr_assert_not(prefix_covers(0xac1f0000, len20, 0xac1f0000, len16));
	// Equal blocks cover each other.
	cr_assert(prefix_covers(0xac1f0000, len16, 0xac1f0000, len16));
	// The last /28 of the /16 is inside; the first one past it is not.
	cr_assert(prefix_covers(0xac1f0000, len16, 0xac1ffff0, len28));
	cr_assert_not(prefix_covers(0xac1f0000, len16, 0xac200000, len28));
	// A shorter inner prefix never fits, even when its address is inside.
	cr_assert_not(prefix_covers(0xac1f0000, len16, 0xac1f0000, 15));
	// /0 covers everything; nothing but /32 fits in a /32.
	cr_assert(prefix_covers(0, len0, 0x0a000000, len32));
	cr_assert(prefix_covers(0, len0, 0, len0));
	cr_assert(prefix_covers(0x0a000001, len32, 0x0a000001, len32));
	cr_assert_not(prefix_covers(0x0a000001, len32, 0x0a000000, len31));
}

CORE_TEST(ipv4, last)
{
	cr_assert_eq(prefix_last(0xac1f0000, len16), 0xac1fffffu);
	cr_assert_eq(prefix_last(0xac1f0000, len20), 0xac1f0fffu);
	cr_assert_eq(prefix_last(0x0a000000, len28), 0x0a00000fu);
	cr_assert_eq(prefix_last(0x0a000004, len31), 0x0a000005u);
	cr_assert_eq(prefix_last(0x0a000005, len32), 0x0a000005u);
	cr_assert_eq(prefix_last(0, len0), 0xffffffffu);
	cr_assert_eq(prefix_last(0xffffff00, 24), 0xffffffffu);
}
