// SPDX-License-Identifier: GPL-2.0
// test_text.cc - bounded strings and the text builder (core/base/text.cc).
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "base/text.h"

using namespace vnitro::base;

static void setup(void)
{
	harness_init(nullptr);
}

TestSuite(text, .init = setup, .fini = harness_fini);

enum { guard = 0x5a };

// Heap buffers of exactly @n bytes, so that ASan sees any byte written past them.
static char *exact_buf(size_t n)
{
	char *p = static_cast<char *>(malloc(n ? n : 1));

	memset(p, guard, n ? n : 1);
	return p;
}

static void expect_untouched(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(p[i], guard, "byte %zu was written", i);
}

CORE_TEST(text, str_len_counts_up_to_the_bound)
{
	char *unterminated = exact_buf(4);

	cr_assert_eq(str_len("", 8), 0);
	cr_assert_eq(str_len("abc", 8), 3);
	cr_assert_eq(str_len("abc", 3), 3);
	cr_assert_eq(str_len("abcdef", 4), 4);
	cr_assert_eq(str_len("abc", 0), 0);
	// Never reads past max, even when there is no NUL.
	cr_assert_eq(str_len(unterminated, 4), 4);
	free(unterminated);
}

CORE_TEST(text, str_eq_compares_whole_strings)
{
	cr_assert(str_eq("", ""));
	cr_assert(str_eq("vpc-default", "vpc-default"));
	cr_assert_not(str_eq("ab", "abc"));
	cr_assert_not(str_eq("abc", "ab"));
	cr_assert_not(str_eq("", "a"));
	cr_assert_not(str_eq("a", ""));
	cr_assert_not(str_eq("abd", "abc"));
}

// A short string against a longer prefix: no byte past its NUL is read
// (an exact-size allocation, which ASan-style tools would catch).
CORE_TEST(text, has_prefix_stops_at_the_strings_end)
{
	char *igw = static_cast<char *>(malloc(4));

	memcpy(igw, "igw", 4);
	cr_assert_not(has_prefix(igw, "igw-"));
	cr_assert_not(has_prefix(igw, "eigw-"));
	cr_assert(has_prefix(igw, "igw"));
	cr_assert(has_prefix(igw, ""));
	cr_assert(has_prefix("eigw-1", "eigw-"));
	cr_assert_not(has_prefix("", "e"));
	free(igw);
}

CORE_TEST(text, str_copy_fits)
{
	char *dst = exact_buf(8);

	str_copy(dst, 8, "abc");
	cr_assert_str_eq(dst, "abc");
	str_copy(dst, 8, "1234567");		// exactly cap - 1 characters
	cr_assert_str_eq(dst, "1234567");
	str_copy(dst, 8, "");
	cr_assert_str_eq(dst, "");
	free(dst);
}

CORE_TEST(text, str_copy_truncates_and_terminates)
{
	char *dst = exact_buf(8);

	str_copy(dst, 8, "12345678");
	cr_assert_str_eq(dst, "1234567");
	str_copy(dst, 8, "a much longer source string");
	cr_assert_str_eq(dst, "a much ");
	free(dst);

	dst = exact_buf(1);
	str_copy(dst, 1, "abc");
	cr_assert_str_eq(dst, "");
	free(dst);
}

CORE_TEST(text, str_copy_with_no_capacity_writes_nothing)
{
	char *dst = exact_buf(4);

	str_copy(dst, 0, "abc");
	expect_untouched(dst, 4);
	free(dst);
}

CORE_TEST(text, mem_copy_and_mem_eq)
{
	const uint8_t src[6] = { 0x02, 0x00, 0x00, 0xab, 0xcd, 0xef };
	uint8_t dst[6] = {};

	cr_assert_not(mem_eq(dst, src, sizeof(src)));
	mem_copy(dst, src, sizeof(src));
	cr_assert(mem_eq(dst, src, sizeof(src)));
	cr_assert(mem_eq(dst, src, 0));
	dst[5] ^= 1;
	cr_assert_not(mem_eq(dst, src, sizeof(src)));
	cr_assert(mem_eq(dst, src, 5));
}

CORE_TEST(text, builder_appends)
{
	char buf[64];

	text(buf, sizeof(buf)).str("VPC \"").str("vpc-a").ch('"').str(" has ").u32(3).str(" subnets");
	cr_assert_str_eq(buf, "VPC \"vpc-a\" has 3 subnets");
}

CORE_TEST(text, builder_starts_empty)
{
	char buf[8] = "garbage";
	text t(buf, sizeof(buf));

	cr_assert_str_eq(buf, "");
	cr_assert_eq(t.c_str(), buf);
	t.str("");
	cr_assert_str_eq(buf, "");
}

CORE_TEST(text, u32_extremes)
{
	char buf[16];

	text(buf, sizeof(buf)).u32(0);
	cr_assert_str_eq(buf, "0");
	text(buf, sizeof(buf)).u32(7);
	cr_assert_str_eq(buf, "7");
	text(buf, sizeof(buf)).u32(10);
	cr_assert_str_eq(buf, "10");
	text(buf, sizeof(buf)).u32(1000000);
	cr_assert_str_eq(buf, "1000000");
	text(buf, sizeof(buf)).u32(4294967295u);
	cr_assert_str_eq(buf, "4294967295");
}

CORE_TEST(text, hex_pads_to_width)
{
	char buf[32];

	text(buf, sizeof(buf)).hex(0xdeadbeef, 8);
	cr_assert_str_eq(buf, "deadbeef");
	text(buf, sizeof(buf)).hex(0xab, 4);
	cr_assert_str_eq(buf, "00ab");
	text(buf, sizeof(buf)).hex(0, 1);
	cr_assert_str_eq(buf, "0");
	text(buf, sizeof(buf)).hex(0x0123456789abcdefull, 16);
	cr_assert_str_eq(buf, "0123456789abcdef");
	text(buf, sizeof(buf)).hex(~0ull, 16);
	cr_assert_str_eq(buf, "ffffffffffffffff");
}

CORE_TEST(text, hex_width_keeps_the_low_digits)
{
	char buf[32];

	text(buf, sizeof(buf)).hex(0x1234, 2);
	cr_assert_str_eq(buf, "34");
	text(buf, sizeof(buf)).str("x").hex(0x1234, 0).str("y");
	cr_assert_str_eq(buf, "xy");
}

/*
 * Regression (fixed in db6caf1): hex() shifted a uint64_t by width * 4, so a
 * width above 16 shifted by 64 or more, undefined behaviour that UBSan
 * aborts on and x86 turned into a repeated low digit. ENI ids used hex(r, 17).
 */
CORE_TEST(text, hex_wider_than_64_bits_pads_with_zeros)
{
	char buf[32];

	text(buf, sizeof(buf)).hex(0x1, 17);
	cr_assert_str_eq(buf, "00000000000000001");
	text(buf, sizeof(buf)).hex(0xfedcba9876543210ull, 17);
	cr_assert_str_eq(buf, "0fedcba9876543210");
}

CORE_TEST(text, ipv4_and_cidr)
{
	char buf[32];

	text(buf, sizeof(buf)).ipv4(0xac1f0004);
	cr_assert_str_eq(buf, "172.31.0.4");
	text(buf, sizeof(buf)).ipv4(0);
	cr_assert_str_eq(buf, "0.0.0.0");
	text(buf, sizeof(buf)).ipv4(0xffffffff);
	cr_assert_str_eq(buf, "255.255.255.255");
	text(buf, sizeof(buf)).ipv4(0x0a000a01);
	cr_assert_str_eq(buf, "10.0.10.1");
	text(buf, sizeof(buf)).cidr(0xac1f0000, 16);
	cr_assert_str_eq(buf, "172.31.0.0/16");
	text(buf, sizeof(buf)).cidr(0, 0);
	cr_assert_str_eq(buf, "0.0.0.0/0");
	text(buf, sizeof(buf)).cidr(0xc0a80180, 28);
	cr_assert_str_eq(buf, "192.168.1.128/28");
}

// RFC 5952: lowercase, no leading zeros, the longest run of two or more zero
// groups (the first of equal runs) as "::", a single zero group kept.
CORE_TEST(text, ipv6_and_cidr6)
{
	static const struct {
		uint64_t hi, lo;
		const char *want;
	} cases[] = {
		{ 0, 0, "::" },
		{ 0, 1, "::1" },
		{ 0x1ull << 48, 0, "1::" },
		{ 0x26001f1800ab1200ull, 0, "2600:1f18:ab:1200::" },
		{ 0x26001f1800ab1201ull, 0x0000000000000005ull, "2600:1f18:ab:1201::5" },
		{ 0xfe80000000000000ull, 0x00564efffe000001ull, "fe80::56:4eff:fe00:1" },
		{ 0x20010db800000001ull, 0x0001000000000001ull, "2001:db8:0:1:1::1" },
		{ 0x20010db800000000ull, 0x0001000000000001ull, "2001:db8::1:0:0:1" },
		{ 0x20010db8000a000bull, 0x000c000d000e000full, "2001:db8:a:b:c:d:e:f" },
		{ 0xffffffffffffffffull, 0xffffffffffffffffull, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
	};
	char buf[48];

	for (const auto &c : cases) {
		text(buf, sizeof(buf)).ipv6(c.hi, c.lo);
		cr_assert_str_eq(buf, c.want);
	}
	text(buf, sizeof(buf)).cidr6(0x26001f1800ab1200ull, 0, 56);
	cr_assert_str_eq(buf, "2600:1f18:ab:1200::/56");
}

CORE_TEST(text, truncates_at_capacity_without_overflow)
{
	char *mem = exact_buf(16);

	// An 8-byte window in the middle: the bytes around it must survive.
	text(mem + 4, 8).str("abcdefghij").u32(12345).ipv4(0x01020304).hex(0xff, 4).ch('!');
	cr_assert_str_eq(mem + 4, "abcdefg");
	expect_untouched(mem, 4);
	expect_untouched(mem + 12, 4);
	free(mem);
}

CORE_TEST(text, every_append_stops_at_capacity)
{
	char *buf = exact_buf(5);

	text(buf, 5).u32(4294967295u);
	cr_assert_str_eq(buf, "4294");
	text(buf, 5).hex(0xdeadbeef, 8);
	cr_assert_str_eq(buf, "dead");
	text(buf, 5).ipv4(0xac1f0004);
	cr_assert_str_eq(buf, "172.");
	text(buf, 5).cidr(0xac1f0000, 16);
	cr_assert_str_eq(buf, "172.");
	text(buf, 5).str("abcd").ch('e').ch('f');
	cr_assert_str_eq(buf, "abcd");
	free(buf);
}

CORE_TEST(text, capacity_one_holds_only_the_terminator)
{
	char *buf = exact_buf(1);

	text(buf, 1).str("abc").u32(1).ch('x');
	cr_assert_eq(buf[0], '\0');
	free(buf);
}

CORE_TEST(text, capacity_zero_writes_nothing)
{
	char *buf = exact_buf(4);

	text(buf, 0).str("abc").u32(1).hex(1, 2).ipv4(1).ch('x');
	expect_untouched(buf, 4);
	free(buf);
}

CORE_TEST(text, fail_sets_a_negative_code_and_starts_the_message)
{
	vcore_err *err = static_cast<vcore_err *>(malloc(sizeof(*err)));

	memset(err, guard, sizeof(*err));
	fail(err, EINVAL_).str("prefix /").u32(29).str(" is out of range");
	cr_assert_eq(err->code, -EINVAL);
	cr_assert_str_eq(err->msg, "prefix /29 is out of range");

	// A second failure replaces the first message, it does not append.
	fail(err, ENOENT_).str("gone");
	cr_assert_eq(err->code, -ENOENT);
	cr_assert_str_eq(err->msg, "gone");
	free(err);
}

CORE_TEST(text, fail_message_is_bounded_by_the_err_struct)
{
	vcore_err *err = static_cast<vcore_err *>(malloc(sizeof(*err)));
	char expected[VCORE_MSG_MAX];

	memset(expected, 'x', sizeof(expected) - 1);
	expected[sizeof(expected) - 1] = '\0';
	text t = fail(err, EBUSY_);
	for (int i = 0; i < 300; i++)
		t.ch('x');
	cr_assert_eq(err->code, -EBUSY);
	cr_assert_eq(strlen(err->msg), VCORE_MSG_MAX - 1);
	cr_assert_str_eq(err->msg, expected);
	free(err);
}
