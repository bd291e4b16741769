// SPDX-License-Identifier: GPL-2.0
// text.cc - bounded strings and the message builder behind every extack sentence.
#include "base/text.h"

namespace vnitro::base {

size_t str_len(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

void str_copy(char *dst, size_t cap, const char *src)
{
	size_t n;

	if (!cap)
		return;
	n = str_len(src, cap - 1);
	mem_copy(dst, src, n);
	dst[n] = '\0';
}

void mem_copy(void *dst, const void *src, size_t len)
{
	__builtin_memcpy(dst, src, len);
}

bool mem_eq(const void *a, const void *b, size_t len)
{
	return __builtin_memcmp(a, b, len) == 0;
}

bool has_prefix(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++)
		if (*s != *prefix)
			return false;
	return true;
}

text::text(char *buf, size_t cap) : buf_(buf), cap_(cap), len_(0)
{
	if (cap_)
		buf_[0] = '\0';
}

text &text::ch(char c)
{
	if (len_ + 1 < cap_) {
		buf_[len_++] = c;
		buf_[len_] = '\0';
	}
	return *this;
}

text &text::str(const char *s)
{
	while (*s)
		ch(*s++);
	return *this;
}

text &text::u32(uint32_t v)
{
	char digits[10];
	int n = 0;

	do {
		digits[n++] = static_cast<char>('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		ch(digits[--n]);
	return *this;
}

text &text::hex(uint64_t v, unsigned int width)
{
	static const char xdigits[] = "0123456789abcdef";

	// Digits beyond the 16 a u64 holds are leading zeros.
	while (width--)
		ch(width >= 16 ? '0' : xdigits[(v >> (width * 4)) & 0xf]);
	return *this;
}

text &text::ipv4(uint32_t addr)
{
	return u32(addr >> 24).ch('.').u32((addr >> 16) & 0xff).ch('.')
		.u32((addr >> 8) & 0xff).ch('.').u32(addr & 0xff);
}

text &text::cidr(uint32_t addr, uint8_t prefixlen)
{
	return ipv4(addr).ch('/').u32(prefixlen);
}

text &text::ipv6(uint64_t hi, uint64_t lo)
{
	static const char xdigits[] = "0123456789abcdef";
	uint16_t g[8];
	int best = -1, best_len = 1;

	for (int i = 0; i < 8; i++)
		g[i] = static_cast<uint16_t>((i < 4 ? hi : lo) >> (48 - 16 * (i % 4)));
	// The longest run of two or more zero groups (the first of equals) becomes "::".
	for (int i = 0, run = 0; i < 8; i++) {
		run = g[i] ? 0 : run + 1;
		if (run > best_len) {
			best_len = run;
			best = i - run + 1;
		}
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			str("::");
			if (i + best_len == 8)
				break;
			i += best_len - 1;
			continue;
		}
		bool lead = true;

		for (int shift = 12; shift >= 0; shift -= 4) {
			unsigned int d = (g[i] >> shift) & 0xf;

			if (d || !lead || !shift) {
				ch(xdigits[d]);
				lead = false;
			}
		}
		if (i < 7 && i + 1 != best)
			ch(':');
	}
	return *this;
}

text &text::cidr6(uint64_t hi, uint64_t lo, uint8_t prefixlen)
{
	return ipv6(hi, lo).ch('/').u32(prefixlen);
}

text fail(vcore_err *err, int code)
{
	err->code = -code;
	return text(err->msg, sizeof(err->msg));
}

} // namespace vnitro::base
