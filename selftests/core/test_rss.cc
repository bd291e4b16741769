// SPDX-License-Identifier: GPL-2.0
// test_rss.cc - ENA receive-side scaling: defaults, the hash of a frame, its RX queue (core/ena/rss.cc).
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ena/crc32.h"
#include "ena/rss.h"
#include "ena/toeplitz.h"
#include "rss_keys.h"

using namespace vnitro::ena;

static_assert(vnitro::base::EOPNOTSUPP_ == EOPNOTSUPP, "core errno value differs from the host's");

static void setup(void)
{
	harness_init(nullptr);
}

TestSuite(rss, .init = setup, .fini = harness_fini);

// ---- frames ----

struct frame_spec {
	int af;
	const char *src, *dst;
	uint8_t proto;		// IPv4 protocol / IPv6 next header
	uint16_t sport, dport;
	uint16_t frag;		// IPv4 flags + fragment offset
};

enum { frame_max = 128 };

static uint32_t make_frame(const frame_spec &s, uint8_t *f)
{
	uint32_t off = 14;

	memset(f, 0, frame_max);
	if (s.af == AF_INET) {
		f[12] = 0x08, f[13] = 0x00;
		f[off] = 0x45;
		f[off + 6] = s.frag >> 8, f[off + 7] = s.frag & 0xff;
		f[off + 9] = s.proto;
		cr_assert_eq(inet_pton(AF_INET, s.src, f + off + 12), 1);
		cr_assert_eq(inet_pton(AF_INET, s.dst, f + off + 16), 1);
		off += 20;
	} else {
		f[12] = 0x86, f[13] = 0xdd;
		f[off] = 0x60;
		f[off + 6] = s.proto;
		cr_assert_eq(inet_pton(AF_INET6, s.src, f + off + 8), 1);
		cr_assert_eq(inet_pton(AF_INET6, s.dst, f + off + 24), 1);
		off += 40;
	}
	f[off] = s.sport >> 8, f[off + 1] = s.sport & 0xff;
	f[off + 2] = s.dport >> 8, f[off + 3] = s.dport & 0xff;
	return off + 8;
}

// The data path over a heap copy of exactly @len bytes; checks it allocates nothing.
static vcore_ena_rss_result hash_bytes(const vcore_ena_rss_config &cfg, const uint8_t *f,
				       uint32_t len)
{
	uint8_t *copy = static_cast<uint8_t *>(malloc(len ? len : 1));
	unsigned long allocs = harness.allocs;
	vcore_ena_rss_result r;

	memcpy(copy, f, len);
	memset(&r, 0x77, sizeof(r));
	vcore_ena_rss_hash_frame(&cfg, copy, len, &r);
	free(copy);
	cr_assert_eq(harness.allocs, allocs, "the data path allocated");
	cr_assert_lt(r.queue, cfg.queue_count);
	return r;
}

static vcore_ena_rss_result hash_of(const vcore_ena_rss_config &cfg, const frame_spec &s)
{
	uint8_t f[frame_max];

	return hash_bytes(cfg, f, make_frame(s, f));
}

static vcore_ena_rss_config config(uint32_t queues, uint32_t mode, const uint8_t *key)
{
	vcore_ena_rss_config cfg;
	vcore_err err = {};

	cr_assert_eq(vcore_ena_rss_init(&cfg, queues, mode, key, &err), 0, "%s", err.msg);
	return cfg;
}

// ---- defaults ----

CORE_TEST(rss, defaults_follow_the_linux_driver)
{
	vcore_ena_rss_config cfg = config(8, VCORE_ENA_RSS_KEY_CONFIGURABLE, aws_key);
	const uint16_t l3 = VCORE_ENA_RSS_L3_SA | VCORE_ENA_RSS_L3_DA;
	const uint16_t l4 = VCORE_ENA_RSS_L4_SP | VCORE_ENA_RSS_L4_DP;

	cr_assert_arr_eq(cfg.key, aws_key, 40);
	cr_assert_eq(cfg.hfunc, VCORE_ENA_RSS_TOEPLITZ);
	cr_assert_eq(cfg.init_val, 0xffffffffu);
	cr_assert_eq(cfg.key_mode, VCORE_ENA_RSS_KEY_CONFIGURABLE);
	cr_assert_eq(cfg.queue_count, 8);
	// ena_com_set_default_hash_ctrl()
	cr_assert_eq(cfg.fields[VCORE_ENA_RSS_TCP4], l3 | l4);
	cr_assert_eq(cfg.fields[VCORE_ENA_RSS_UDP4], l3 | l4);
	cr_assert_eq(cfg.fields[VCORE_ENA_RSS_TCP6], l3 | l4);
	cr_assert_eq(cfg.fields[VCORE_ENA_RSS_UDP6], l3 | l4);
	cr_assert_eq(cfg.fields[VCORE_ENA_RSS_IP4], l3);
	cr_assert_eq(cfg.fields[VCORE_ENA_RSS_IP6], l3);
	cr_assert_eq(cfg.fields[VCORE_ENA_RSS_IP4_FRAG], l3);
	cr_assert_eq(cfg.fields[VCORE_ENA_RSS_NOT_IP], VCORE_ENA_RSS_L2_SA | VCORE_ENA_RSS_L2_DA);
}

// ethtool_rxfh_indir_default(i, n) = i % n, for every queue count.
CORE_TEST(rss, default_table_spreads_over_the_queues)
{
	for (uint32_t n = 1; n <= VCORE_ENA_RSS_MAX_QUEUES; n++) {
		vcore_ena_rss_config cfg = config(n, VCORE_ENA_RSS_KEY_CONFIGURABLE, aws_key);

		for (uint32_t i = 0; i < VCORE_ENA_RSS_TABLE_SIZE; i++)
			cr_assert_eq(cfg.table[i], i % n, "n %u entry %u", n, i);
	}
}

CORE_TEST(rss, random_key_comes_from_the_services)
{
	static const uint8_t scripted[40] = {
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
		21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	};
	vcore_ena_rss_config cfg;

	harness_random_script(40, scripted, sizeof(scripted));
	cfg = config(4, VCORE_ENA_RSS_KEY_CONFIGURABLE, nullptr);
	cr_assert_arr_eq(cfg.key, scripted, 40);
}

CORE_TEST(rss, fixed_mode_has_no_key_of_its_own)
{
	vcore_ena_rss_config cfg;
	static const uint8_t zero[40] = {};

	memset(&cfg, 0x5a, sizeof(cfg));
	cfg = config(4, VCORE_ENA_RSS_KEY_FIXED, aws_key);
	cr_assert_arr_eq(cfg.key, zero, 40);
	cr_assert_eq(cfg.key_mode, VCORE_ENA_RSS_KEY_FIXED);
	cr_assert_eq(cfg.hfunc, VCORE_ENA_RSS_TOEPLITZ);
}

CORE_TEST(rss, init_refuses_bad_arguments)
{
	vcore_ena_rss_config cfg, before;
	vcore_err err = {};

	memset(&cfg, 0x5a, sizeof(cfg));
	before = cfg;
	cr_assert_eq(vcore_ena_rss_init(&cfg, 0, VCORE_ENA_RSS_KEY_CONFIGURABLE, aws_key, &err),
		     -EINVAL);
	cr_assert_str_eq(err.msg, "RX queue count 0 is out of range (1 to 128)");
	cr_assert_eq(vcore_ena_rss_init(&cfg, 129, VCORE_ENA_RSS_KEY_CONFIGURABLE, aws_key, &err),
		     -EINVAL);
	cr_assert_eq(vcore_ena_rss_init(&cfg, 8, 2, aws_key, &err), -EINVAL);
	cr_assert_str_eq(err.msg, "unknown RSS key mode 2");
	cr_assert_arr_eq(&cfg, &before, sizeof(cfg), "a refused init changed the config");
}

CORE_TEST(rss, queue_count_change_rebuilds_the_table)
{
	vcore_ena_rss_config cfg = config(8, VCORE_ENA_RSS_KEY_CONFIGURABLE, aws_key);
	vcore_ena_rss_config before;
	vcore_err err = {};

	cfg.fields[VCORE_ENA_RSS_TCP4] = VCORE_ENA_RSS_L3_SA;
	cr_assert_eq(vcore_ena_rss_set_queue_count(&cfg, 3, &err), 0);
	cr_assert_eq(cfg.queue_count, 3);
	for (uint32_t i = 0; i < VCORE_ENA_RSS_TABLE_SIZE; i++)
		cr_assert_eq(cfg.table[i], i % 3);
	// Key and fields survive.
	cr_assert_arr_eq(cfg.key, aws_key, 40);
	cr_assert_eq(cfg.fields[VCORE_ENA_RSS_TCP4], VCORE_ENA_RSS_L3_SA);
	before = cfg;
	cr_assert_eq(vcore_ena_rss_set_queue_count(&cfg, 0, &err), -EINVAL);
	cr_assert_eq(vcore_ena_rss_set_queue_count(&cfg, 200, &err), -EINVAL);
	cr_assert_str_eq(err.msg, "RX queue count 200 is out of range (1 to 128)");
	cr_assert_arr_eq(&cfg, &before, sizeof(cfg));
}

// ---- the hash a real ENA computes ----

static const frame_spec aws_flow = { AF_INET, "1.2.3.4", "1.2.3.5", 6, 7000, 7000 };

/*
 * ENA_Linux_Best_Practices.rst: with this key set by "ethtool -X", the Linux
 * driver sees 0x5b5eb8e5 and RSS table entry 101.
 */
CORE_TEST(rss, aws_example_on_a_configurable_key)
{
	vcore_ena_rss_config cfg = config(128, VCORE_ENA_RSS_KEY_CONFIGURABLE, aws_key);
	frame_spec udp = aws_flow;
	vcore_ena_rss_result r = hash_of(cfg, aws_flow);

	cr_assert_eq(r.hash, 0x5b5eb8e5u, "got %#x", r.hash);
	cr_assert_eq(r.queue, 101);
	cr_assert_eq(r.hash_type, VCORE_ENA_RSS_HASH_L4);
	cr_assert_eq(r.proto, VCORE_ENA_RSS_TCP4);
	udp.proto = 17;
	r = hash_of(cfg, udp);
	cr_assert_eq(r.hash, 0x5b5eb8e5u);
	cr_assert_eq(r.proto, VCORE_ENA_RSS_UDP4);
	// With 8 queues entry 101 holds queue 101 % 8.
	cfg = config(8, VCORE_ENA_RSS_KEY_CONFIGURABLE, aws_key);
	cr_assert_eq(hash_of(cfg, aws_flow).queue, 5);
}

// The same page: Linux drivers v2.2.11g-v2.6.0g hashed from 0 until the key was set.
CORE_TEST(rss, aws_example_with_initial_value_zero)
{
	vcore_ena_rss_config cfg = config(128, VCORE_ENA_RSS_KEY_CONFIGURABLE, aws_key);
	vcore_ena_rss_result r;

	cfg.init_val = 0;
	r = hash_of(cfg, aws_flow);
	cr_assert_eq(r.hash, 0xa4a1471au, "got %#x", r.hash);
	cr_assert_eq(r.queue, 26);
}

/*
 * DPDK and FreeBSD write the key reversed and pass init_val 0, so the device
 * computes textbook Toeplitz (0xa9828bd4, entry 84, on the same page) and,
 * with Microsoft's key, the specification's vectors, through whole frames.
 */
static vcore_ena_rss_config textbook_config(const uint8_t *key)
{
	uint8_t reversed[40];

	for (int i = 0; i < 40; i++)
		reversed[i] = key[39 - i];
	vcore_ena_rss_config cfg = config(128, VCORE_ENA_RSS_KEY_CONFIGURABLE, reversed);

	cfg.init_val = 0;
	return cfg;
}

CORE_TEST(rss, pre_reversed_key_gives_textbook_toeplitz)
{
	vcore_ena_rss_result r = hash_of(textbook_config(aws_key), aws_flow);

	cr_assert_eq(r.hash, 0xa9828bd4u, "got %#x", r.hash);
	cr_assert_eq(r.queue, 84);
}

struct ms_row {
	frame_spec flow;	// protocol filled in by the test
	uint32_t ip_only, with_ports;
};

static const ms_row ms_rows[] = {
	{ { AF_INET, "66.9.149.187", "161.142.100.80", 0, 2794, 1766 }, 0x323e8fc2, 0x51ccc178 },
	{ { AF_INET, "199.92.111.2", "65.69.140.83", 0, 14230, 4739 }, 0xd718262a, 0xc626b0ea },
	{ { AF_INET, "24.19.198.95", "12.22.207.184", 0, 12898, 38024 }, 0xd2d0a5de, 0x5c2b394a },
	{ { AF_INET, "38.27.205.30", "209.142.163.6", 0, 48228, 2217 }, 0x82989176, 0xafc7327f },
	{ { AF_INET, "153.39.163.191", "202.188.127.2", 0, 44251, 1303 }, 0x5d1809c5, 0x10e828a2 },
	{ { AF_INET6, "3ffe:2501:200:1fff::7", "3ffe:2501:200:3::1", 0, 2794, 1766 },
	  0x2cc18cd5, 0x40207d3d },
	{ { AF_INET6, "3ffe:501:8::260:97ff:fe40:efab", "ff02::1", 0, 14230, 4739 },
	  0x0f0c461c, 0xdde51bbf },
	{ { AF_INET6, "3ffe:1900:4545:3:200:f8ff:fe21:67cf", "fe80::200:f8ff:fe21:67cf", 0,
	    44251, 38024 }, 0x4b61e985, 0x02d1feef },
};

CORE_TEST(rss, microsoft_vectors_through_frames)
{
	vcore_ena_rss_config cfg = textbook_config(ms_key);

	for (const ms_row &row : ms_rows) {
		frame_spec s = row.flow;
		bool v4 = s.af == AF_INET;
		vcore_ena_rss_result r;

		for (uint8_t proto : { 6, 17 }) {
			s.proto = proto;
			r = hash_of(cfg, s);
			cr_assert_eq(r.hash, row.with_ports, "%s proto %u: %#x", s.src, proto, r.hash);
			cr_assert_eq(r.hash_type, VCORE_ENA_RSS_HASH_L4);
			cr_assert_eq(r.queue, row.with_ports % 128);
		}
		s.proto = v4 ? 1 : 58;		// ICMP: addresses only
		r = hash_of(cfg, s);
		cr_assert_eq(r.hash, row.ip_only, "%s: %#x", s.src, r.hash);
		cr_assert_eq(r.hash_type, VCORE_ENA_RSS_HASH_L3);
		cr_assert_eq(r.proto, v4 ? VCORE_ENA_RSS_IP4 : VCORE_ENA_RSS_IP6);
		s.proto = 6;
		if (v4)
			s.frag = 0x2000;	// first fragment of a TCP datagram
		else
			s.proto = 0;		// hop-by-hop options header before TCP
		r = hash_of(cfg, s);
		cr_assert_eq(r.hash, row.ip_only);
		cr_assert_eq(r.hash_type, VCORE_ENA_RSS_HASH_L3);
		cr_assert_eq(r.proto, v4 ? VCORE_ENA_RSS_IP4_FRAG : VCORE_ENA_RSS_IP6);
	}
}

/*
 * Instance types with a fixed key. AWS's toeplitz_calc.py, run without -k,
 * prints these hashes and table entries: 1.2.3.4:7000 -> 1.2.3.5:7000
 * 0x50705070 (112); 66.9.149.187:2794 -> 161.142.100.80:1766 0x373c373c
 * (60); 10.0.0.1:80 -> 10.0.0.2:443 0x8bd78bd7 (87), each in both directions.
 */
CORE_TEST(rss, fixed_key_vectors_of_aws)
{
	struct {
		frame_spec flow;
		uint32_t hash;
		uint16_t entry;
	} rows[] = {
		{ { AF_INET, "1.2.3.4", "1.2.3.5", 6, 7000, 7000 }, 0x50705070, 112 },
		{ { AF_INET, "66.9.149.187", "161.142.100.80", 6, 2794, 1766 }, 0x373c373c, 60 },
		{ { AF_INET, "10.0.0.1", "10.0.0.2", 17, 80, 443 }, 0x8bd78bd7, 87 },
	};
	vcore_ena_rss_config cfg = config(128, VCORE_ENA_RSS_KEY_FIXED, nullptr);

	for (auto &row : rows) {
		frame_spec back = { row.flow.af, row.flow.dst, row.flow.src, row.flow.proto,
				    row.flow.dport, row.flow.sport };
		vcore_ena_rss_result r = hash_of(cfg, row.flow);

		cr_assert_eq(r.hash, row.hash, "%s: %#x", row.flow.src, r.hash);
		cr_assert_eq(r.queue, row.entry);
		cr_assert_eq(r.hash_type, VCORE_ENA_RSS_HASH_L4);
		r = hash_of(cfg, back);
		cr_assert_eq(r.hash, row.hash, "%s back: %#x", row.flow.src, r.hash);
	}
}

/*
 * Addresses and ports are sorted separately (toeplitz_calc.py swaps each
 * pair on its own): 10.0.0.2:80 -> 10.0.0.1:443 is another connection than
 * the one above, yet hashes the same.
 */
CORE_TEST(rss, fixed_key_sorts_addresses_and_ports_separately)
{
	vcore_ena_rss_config cfg = config(128, VCORE_ENA_RSS_KEY_FIXED, nullptr);
	frame_spec other = { AF_INET, "10.0.0.2", "10.0.0.1", 17, 80, 443 };

	cr_assert_eq(hash_of(cfg, other).hash, 0x8bd78bd7u);
}

// The device's own key and initial value: what the driver set does not matter.
CORE_TEST(rss, fixed_key_ignores_key_and_init_val)
{
	vcore_ena_rss_config cfg = config(128, VCORE_ENA_RSS_KEY_FIXED, nullptr);

	memcpy(cfg.key, aws_key, 40);
	cfg.init_val = 0;
	cr_assert_eq(hash_of(cfg, aws_flow).hash, 0x50705070u);
}

// The fixed key is Microsoft's key with its 32-bit words in reverse order.
CORE_TEST(rss, fixed_key_is_the_microsoft_key_word_reversed)
{
	for (int word = 0; word < 10; word++)
		cr_assert_arr_eq(fixed_default_key + 4 * word, ms_key + 4 * (9 - word), 4,
				 "word %d", word);
	cr_assert_eq(fold16(0x7efb5070), 0x50705070u);
}

// IPv6 and addresses-only on a fixed-key device: sorted, folded, either direction.
CORE_TEST(rss, fixed_key_ipv6_and_addresses_only)
{
	vcore_ena_rss_config cfg = config(16, VCORE_ENA_RSS_KEY_FIXED, nullptr);
	frame_spec v6 = { AF_INET6, "3ffe:2501:200:3::1", "3ffe:2501:200:1fff::7", 6, 1766, 2794 };
	frame_spec v6_back = { AF_INET6, v6.dst, v6.src, 6, 2794, 1766 };
	frame_spec icmp = { AF_INET, "161.142.100.80", "66.9.149.187", 1 };
	frame_spec icmp_back = { AF_INET, icmp.dst, icmp.src, 1 };
	vcore_ena_rss_result r = hash_of(cfg, v6);

	// Our own computation (the AWS tool only does IPv4 with ports).
	cr_assert_eq(r.hash, 0xb6cdb6cdu, "got %#x", r.hash);
	cr_assert_eq(hash_of(cfg, v6_back).hash, r.hash);
	r = hash_of(cfg, icmp);
	cr_assert_eq(r.hash, 0xc5e8c5e8u, "got %#x", r.hash);
	cr_assert_eq(r.hash_type, VCORE_ENA_RSS_HASH_L3);
	cr_assert_eq(hash_of(cfg, icmp_back).hash, r.hash);
}

// CRC32 over the same input: zlib.crc32 of 1.2.3.4 1.2.3.5 7000 7000 is 0x32b7886d.
CORE_TEST(rss, crc32_function)
{
	vcore_ena_rss_config cfg = config(128, VCORE_ENA_RSS_KEY_CONFIGURABLE, aws_key);
	vcore_ena_rss_result r;

	cfg.hfunc = VCORE_ENA_RSS_CRC32;
	r = hash_of(cfg, aws_flow);
	cr_assert_eq(r.hash, 0x32b7886du, "got %#x", r.hash);
	cr_assert_eq(r.queue, 0x32b7886d % 128);
	cr_assert_eq(r.hash_type, VCORE_ENA_RSS_HASH_L4);
}

// ---- fields and types ----

CORE_TEST(rss, selected_fields_only)
{
	vcore_ena_rss_config cfg = config(128, VCORE_ENA_RSS_KEY_CONFIGURABLE, aws_key);
	static const uint8_t src_and_sport[6] = { 1, 2, 3, 4, 0x1b, 0x58 };
	static const uint8_t addrs[8] = { 1, 2, 3, 4, 1, 2, 3, 5 };
	static const uint8_t dport[2] = { 0x1b, 0x58 };
	vcore_ena_rss_result r;

	cfg.fields[VCORE_ENA_RSS_TCP4] = VCORE_ENA_RSS_L3_SA | VCORE_ENA_RSS_L4_SP;
	r = hash_of(cfg, aws_flow);
	cr_assert_eq(r.hash, toeplitz(aws_key, 40, key_order::reversed, 0xffffffff, src_and_sport, 6));
	cr_assert_eq(r.hash_type, VCORE_ENA_RSS_HASH_L4);
	cfg.fields[VCORE_ENA_RSS_TCP4] = VCORE_ENA_RSS_L3_SA | VCORE_ENA_RSS_L3_DA;
	r = hash_of(cfg, aws_flow);
	cr_assert_eq(r.hash, toeplitz(aws_key, 40, key_order::reversed, 0xffffffff, addrs, 8));
	cr_assert_eq(r.hash_type, VCORE_ENA_RSS_HASH_L3);
	cfg.fields[VCORE_ENA_RSS_TCP4] = VCORE_ENA_RSS_L4_DP;
	r = hash_of(cfg, aws_flow);
	cr_assert_eq(r.hash, toeplitz(aws_key, 40, key_order::reversed, 0xffffffff, dport, 2));
	cr_assert_eq(r.hash_type, VCORE_ENA_RSS_HASH_L4);
}

// No field selected, or not IP at all: no hash, table entry 0.
CORE_TEST(rss, nothing_to_hash)
{
	vcore_ena_rss_config cfg = config(4, VCORE_ENA_RSS_KEY_CONFIGURABLE, aws_key);
	uint8_t f[frame_max];
	uint32_t len = make_frame(aws_flow, f);
	vcore_ena_rss_result r;

	cfg.table[0] = 3;
	cfg.fields[VCORE_ENA_RSS_TCP4] = 0;
	r = hash_bytes(cfg, f, len);
	cr_assert_eq(r.hash, 0u);
	cr_assert_eq(r.hash_type, VCORE_ENA_RSS_HASH_NONE);
	cr_assert_eq(r.proto, VCORE_ENA_RSS_TCP4);
	cr_assert_eq(r.queue, 3);
	f[12] = 0x08, f[13] = 0x06;		// ARP
	r = hash_bytes(cfg, f, len);
	cr_assert_eq(r.hash, 0u);
	cr_assert_eq(r.hash_type, VCORE_ENA_RSS_HASH_NONE);
	cr_assert_eq(r.proto, VCORE_ENA_RSS_NOT_IP);
	cr_assert_eq(r.queue, 3);
}

// Ports stay out for IPv4/IPv6 flow types even when a raw config asks for them.
CORE_TEST(rss, ports_only_for_tcp_and_udp)
{
	vcore_ena_rss_config cfg = textbook_config(ms_key);
	frame_spec icmp = ms_rows[0].flow;
	vcore_ena_rss_result r;

	icmp.proto = 1;
	cfg.fields[VCORE_ENA_RSS_IP4] |= VCORE_ENA_RSS_L4_SP | VCORE_ENA_RSS_L4_DP;
	r = hash_of(cfg, icmp);
	cr_assert_eq(r.hash, ms_rows[0].ip_only);
	cr_assert_eq(r.hash_type, VCORE_ENA_RSS_HASH_L3);
}

// A table entry beyond the queue count (a config written raw) never steers outside.
CORE_TEST(rss, queue_never_outside_the_queue_count)
{
	vcore_ena_rss_config cfg = config(4, VCORE_ENA_RSS_KEY_CONFIGURABLE, aws_key);

	for (uint16_t &q : cfg.table)
		q = 9;
	cr_assert_eq(hash_of(cfg, aws_flow).queue, 0);
}

// Every truncation of every kind of frame, from heap copies of the exact size.
CORE_TEST(rss, never_reads_past_len)
{
	vcore_ena_rss_config cfg = config(8, VCORE_ENA_RSS_KEY_CONFIGURABLE, aws_key);
	vcore_ena_rss_config sym = config(8, VCORE_ENA_RSS_KEY_FIXED, nullptr);
	frame_spec specs[] = {
		aws_flow,
		{ AF_INET, "1.2.3.4", "1.2.3.5", 17, 1, 2, 0x2000 },
		{ AF_INET6, "2001:db8::1", "2001:db8::2", 17, 1, 2 },
		{ AF_INET6, "2001:db8::1", "2001:db8::2", 0, 1, 2 },
	};

	for (const frame_spec &s : specs) {
		uint8_t f[frame_max];
		uint32_t full = make_frame(s, f);

		for (uint32_t len = 0; len <= full; len++) {
			vcore_ena_rss_result r = hash_bytes(cfg, f, len);

			if (r.hash_type == VCORE_ENA_RSS_HASH_NONE)
				cr_assert_eq(r.hash, 0u);
			hash_bytes(sym, f, len);
		}
	}
}
