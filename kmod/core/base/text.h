// SPDX-License-Identifier: GPL-2.0
// text.h - bounded strings and the message builder behind every extack sentence.
#pragma once

#include "base/base.h"

namespace vnitro::base {

size_t str_len(const char *s, size_t max);
bool str_eq(const char *a, const char *b);
// Copies with truncation; always NUL-terminates when cap > 0.
void str_copy(char *dst, size_t cap, const char *src);
void mem_copy(void *dst, const void *src, size_t len);
bool mem_eq(const void *a, const void *b, size_t len);
// Does string @s start with @prefix? Reads no byte of @s past its NUL.
bool has_prefix(const char *s, const char *prefix);

// Appends to a fixed buffer, truncating silently; never overflows.
class text {
public:
	text(char *buf, size_t cap);
	text &str(const char *s);
	text &u32(uint32_t v);
	text &hex(uint64_t v, unsigned int digits);
	text &ipv4(uint32_t host_order_addr);
	text &cidr(uint32_t addr, uint8_t prefixlen);
	// RFC 5952 text of the IPv6 address whose upper and lower 64 bits are @hi and @lo.
	text &ipv6(uint64_t hi, uint64_t lo);
	text &cidr6(uint64_t hi, uint64_t lo, uint8_t prefixlen);
	text &ch(char c);
	const char *c_str() const { return buf_; }

private:
	char *buf_;
	size_t cap_;
	size_t len_;
};

// Sets err->code and starts err->msg; returns the builder for the sentence.
text fail(vcore_err *err, int code);

} // namespace vnitro::base
