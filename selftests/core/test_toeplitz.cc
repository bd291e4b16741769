// SPDX-License-Identifier: GPL-2.0
// test_toeplitz.cc - the generic Toeplitz hash (core/ena/toeplitz.cc): Microsoft's and AWS's vectors.
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ena/toeplitz.h"
#include "rss_keys.h"

using namespace vnitro::ena;

static void setup(void)
{
	harness_init(nullptr);
}

TestSuite(toeplitz, .init = setup, .fini = harness_fini);

// A Microsoft verification row: destination first, as the specification's table lists them.
struct ms_vector {
	const char *dst;
	uint16_t dst_port;
	const char *src;
	uint16_t src_port;
	uint32_t ip_only;
	uint32_t with_tcp;
};

static const ms_vector ms_ipv4[] = {
	{ "161.142.100.80", 1766, "66.9.149.187", 2794, 0x323e8fc2, 0x51ccc178 },
	{ "65.69.140.83", 4739, "199.92.111.2", 14230, 0xd718262a, 0xc626b0ea },
	{ "12.22.207.184", 38024, "24.19.198.95", 12898, 0xd2d0a5de, 0x5c2b394a },
	{ "209.142.163.6", 2217, "38.27.205.30", 48228, 0x82989176, 0xafc7327f },
	{ "202.188.127.2", 1303, "153.39.163.191", 44251, 0x5d1809c5, 0x10e828a2 },
};

static const ms_vector ms_ipv6[] = {
	{ "3ffe:2501:200:3::1", 1766, "3ffe:2501:200:1fff::7", 2794, 0x2cc18cd5, 0x40207d3d },
	{ "ff02::1", 4739, "3ffe:501:8::260:97ff:fe40:efab", 14230, 0x0f0c461c, 0xdde51bbf },
	{ "fe80::200:f8ff:fe21:67cf", 38024, "3ffe:1900:4545:3:200:f8ff:fe21:67cf", 44251,
	  0x4b61e985, 0x02d1feef },
};

/*
 * The hash input, in the specification's order: source address, destination
 * address, then (with_ports) source and destination port, all in network
 * order. Returned on the heap with exactly its length, so ASan sees over-reads.
 */
static uint8_t *input_of(int af, const ms_vector &v, bool with_ports, uint32_t *len)
{
	uint32_t alen = af == AF_INET ? 4 : 16;
	uint8_t *in = static_cast<uint8_t *>(malloc(2 * alen + 4));

	cr_assert_eq(inet_pton(af, v.src, in), 1, "%s", v.src);
	cr_assert_eq(inet_pton(af, v.dst, in + alen), 1, "%s", v.dst);
	*len = 2 * alen;
	if (with_ports) {
		in[*len] = v.src_port >> 8;
		in[*len + 1] = v.src_port & 0xff;
		in[*len + 2] = v.dst_port >> 8;
		in[*len + 3] = v.dst_port & 0xff;
		*len += 4;
	}
	return in;
}

static uint32_t ms_hash(int af, const ms_vector &v, bool with_ports)
{
	uint32_t len;
	uint8_t *in = input_of(af, v, with_ports, &len);
	uint32_t h = toeplitz(ms_key, sizeof(ms_key), key_order::as_given, 0, in, len);

	free(in);
	return h;
}

CORE_TEST(toeplitz, microsoft_ipv4_vectors)
{
	for (const ms_vector &v : ms_ipv4) {
		cr_assert_eq(ms_hash(AF_INET, v, false), v.ip_only, "%s -> %s", v.src, v.dst);
		cr_assert_eq(ms_hash(AF_INET, v, true), v.with_tcp, "%s:%u -> %s:%u",
			     v.src, v.src_port, v.dst, v.dst_port);
	}
}

CORE_TEST(toeplitz, microsoft_ipv6_vectors)
{
	for (const ms_vector &v : ms_ipv6) {
		cr_assert_eq(ms_hash(AF_INET6, v, false), v.ip_only, "%s -> %s", v.src, v.dst);
		cr_assert_eq(ms_hash(AF_INET6, v, true), v.with_tcp, "[%s]:%u -> [%s]:%u",
			     v.src, v.src_port, v.dst, v.dst_port);
	}
}

// 1.2.3.4:7000 -> 1.2.3.5:7000, the flow of AWS's example.
static const uint8_t aws_flow[12] = { 1, 2, 3, 4, 1, 2, 3, 5, 0x1b, 0x58, 0x1b, 0x58 };

static uint32_t aws_hash(key_order order, uint32_t init)
{
	uint8_t *in = static_cast<uint8_t *>(malloc(sizeof(aws_flow)));
	uint32_t h;

	memcpy(in, aws_flow, sizeof(aws_flow));
	h = toeplitz(aws_key, sizeof(aws_key), order, init, in, sizeof(aws_flow));
	free(in);
	return h;
}

/*
 * ENA_Linux_Best_Practices.rst (amzn-drivers), "Configuring RSS", prints for
 * this key and flow: DPDK/FreeBSD 0xa9828bd4 (entry 84): textbook Toeplitz,
 * those drivers reverse the key before the device reverses it back and pass
 * init_val 0; Linux after "ethtool -X" 0x5b5eb8e5 (entry 101): the key as
 * written, read backwards by the device, initial value 0xffffffff; Linux
 * drivers v2.2.11g-v2.6.0g before the key is first set 0xa4a1471a (entry 26):
 * reversed with initial value 0.
 */
CORE_TEST(toeplitz, ena_vectors_of_aws)
{
	uint32_t textbook = aws_hash(key_order::as_given, 0);
	uint32_t linux_set = aws_hash(key_order::reversed, 0xffffffff);
	uint32_t linux_old = aws_hash(key_order::reversed, 0);

	cr_assert_eq(textbook, 0xa9828bd4u, "got %#x", textbook);
	cr_assert_eq(textbook % 128, 84u);
	cr_assert_eq(linux_set, 0x5b5eb8e5u, "got %#x", linux_set);
	cr_assert_eq(linux_set % 128, 101u);
	cr_assert_eq(linux_old, 0xa4a1471au, "got %#x", linux_old);
	cr_assert_eq(linux_old % 128, 26u);
}

/*
 * The fixed default key of older instance types (toeplitz_calc.py,
 * RSS_DEFAULT_KEY), read as given from 0xffffffff, over the same flow (its
 * addresses and ports already in ascending order). AWS's tool prints the
 * folded result, 0x50705070 (entry 112); the unfolded 0x7efb5070 is our own
 * computation, checked with an independent bit-serial model.
 */
CORE_TEST(toeplitz, ena_fixed_default_key_before_folding)
{
	static const uint8_t fixed_key[40] = {
		0xbe, 0xac, 0x01, 0xfa, 0x6a, 0x42, 0xb7, 0x3b,
		0x80, 0x30, 0xf2, 0x0c, 0x77, 0xcb, 0x2d, 0xa3,
		0xae, 0x7b, 0x30, 0xb4, 0xd0, 0xca, 0x2b, 0xcb,
		0x43, 0xa3, 0x8f, 0xb0, 0x41, 0x67, 0x25, 0x3d,
		0x25, 0x5b, 0x0e, 0xc2, 0x6d, 0x5a, 0x56, 0xda,
	};
	uint32_t h = toeplitz(fixed_key, 40, key_order::as_given, 0xffffffff, aws_flow,
			      sizeof(aws_flow));

	cr_assert_eq(h, 0x7efb5070u, "got %#x", h);
}

// The initial value only XORs into the result.
CORE_TEST(toeplitz, initial_value_is_xored_in)
{
	uint8_t data[36];

	for (int round = 0; round < 200; round++) {
		uint32_t init = static_cast<uint32_t>(random());
		uint32_t len = static_cast<uint32_t>(random()) % sizeof(data);

		for (uint8_t &b : data)
			b = static_cast<uint8_t>(random());
		cr_assert_eq(toeplitz(aws_key, 40, key_order::reversed, init, data, len),
			     init ^ toeplitz(aws_key, 40, key_order::reversed, 0, data, len));
	}
}

// Reading the key backwards is the same as hashing with the reversed key.
CORE_TEST(toeplitz, reversed_order_reads_the_key_backwards)
{
	uint8_t backwards[40];
	uint8_t data[36];

	for (int i = 0; i < 40; i++)
		backwards[i] = aws_key[39 - i];
	for (int round = 0; round < 200; round++) {
		for (uint8_t &b : data)
			b = static_cast<uint8_t>(random());
		cr_assert_eq(toeplitz(aws_key, 40, key_order::reversed, 0, data, sizeof(data)),
			     toeplitz(backwards, 40, key_order::as_given, 0, data, sizeof(data)));
	}
}

/*
 * AWS's model rotates the whole key one bit left per input bit: past key_len -
 * 4 bytes of input the window wraps to the key's start. A bit-serial model of
 * exactly that, written independently, agrees for every length and key size.
 */
static uint32_t rotating_model(const uint8_t *key, uint32_t key_len, const uint8_t *data,
			       uint32_t len)
{
	uint32_t result = 0, nbits = key_len * 8;

	for (uint32_t bit = 0; bit < len * 8; bit++) {
		uint32_t window = 0;

		if (!(data[bit / 8] & (0x80 >> (bit % 8))))
			continue;
		for (uint32_t j = 0; j < 32; j++) {
			uint32_t k = (bit + j) % nbits;

			window = window << 1 | ((key[k / 8] >> (7 - k % 8)) & 1);
		}
		result ^= window;
	}
	return result;
}

CORE_TEST(toeplitz, long_inputs_wrap_around_the_key)
{
	uint8_t data[64];

	for (uint8_t &b : data)
		b = static_cast<uint8_t>(random());
	for (uint32_t key_len = 1; key_len <= 40; key_len++)
		for (uint32_t len = 0; len <= sizeof(data); len++)
			cr_assert_eq(toeplitz(aws_key, key_len, key_order::as_given, 0, data, len),
				     rotating_model(aws_key, key_len, data, len),
				     "key_len %u len %u", key_len, len);
}

CORE_TEST(toeplitz, degenerate_inputs)
{
	uint8_t byte = 0xff;

	// No input: the initial value; no key: nothing to XOR in.
	cr_assert_eq(toeplitz(aws_key, 40, key_order::reversed, 0x12345678, nullptr, 0), 0x12345678u);
	cr_assert_eq(toeplitz(nullptr, 0, key_order::as_given, 0xffffffff, &byte, 1), 0xffffffffu);
	// One zero byte adds nothing; 0x80 adds the first 32 key bits.
	byte = 0;
	cr_assert_eq(toeplitz(ms_key, 40, key_order::as_given, 0, &byte, 1), 0u);
	byte = 0x80;
	cr_assert_eq(toeplitz(ms_key, 40, key_order::as_given, 0, &byte, 1), 0x6d5a56dau);
	cr_assert_eq(toeplitz(ms_key, 40, key_order::reversed, 0, &byte, 1), 0xfa01acbeu);
}

// The table the data path hashes with gives toeplitz()'s answer for any key, order, init and length.
CORE_TEST(toeplitz, nibble_table_equals_the_bitwise_hash)
{
	static uint32_t nibbles[36][2][16];
	uint8_t key[40], data[36];

	for (int round = 0; round < 50; round++) {
		key_order order = round % 2 ? key_order::reversed : key_order::as_given;
		uint32_t key_len = round < 2 ? 40 : 5 + static_cast<uint32_t>(random()) % 36;
		uint32_t init = round % 3 ? static_cast<uint32_t>(random()) : 0xffffffff;

		for (uint8_t &b : key)
			b = static_cast<uint8_t>(random());
		for (uint8_t &b : data)
			b = static_cast<uint8_t>(random());
		toeplitz_nibbles_fill(nibbles, key, key_len, order);
		for (uint32_t len = 0; len <= 36; len++)
			cr_assert_eq(toeplitz_nibbles(nibbles, init, data, len),
				     toeplitz(key, key_len, order, init, data, len),
				     "round %d key_len %u len %u", round, key_len, len);
	}
	// No key: every entry 0, the hash its initial value.
	toeplitz_nibbles_fill(nibbles, nullptr, 0, key_order::as_given);
	cr_assert_eq(toeplitz_nibbles(nibbles, 0x12345678, data, 36), 0x12345678u);
}
