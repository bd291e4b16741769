// SPDX-License-Identifier: GPL-2.0
// test_rxfh.cc - ethtool -x/-X and -n/-N rx-flow-hash on ENA RSS (core/ena/rxfh.cc).
#include <errno.h>
#include <linux/ethtool.h>
#include <string.h>

#include "harness.h"
#include "ena/rss.h"

// include/linux/ethtool.h is not uapi: its ETH_RSS_HASH_* bits, as the kernel defines them.
enum : uint8_t {
	ETH_RSS_HASH_NO_CHANGE_ = 0,
	ETH_RSS_HASH_TOP_ = 1 << 0,
	ETH_RSS_HASH_XOR_ = 1 << 1,
	ETH_RSS_HASH_CRC32_ = 1 << 2,
};

static void setup(void)
{
	harness_init(nullptr);
}

TestSuite(rxfh, .init = setup, .fini = harness_fini);

static const uint8_t key_a[40] = {
	0x77, 0xd1, 0xc9, 0x34, 0xa4, 0xc9, 0xbd, 0x87,
	0x6e, 0x35, 0xdd, 0x17, 0xb2, 0xe3, 0x23, 0x9e,
	0x39, 0x6d, 0x8a, 0x93, 0x2a, 0x95, 0xb4, 0x72,
	0x3a, 0xb3, 0x7f, 0x56, 0x8e, 0xde, 0xb6, 0x01,
	0x97, 0xaf, 0x3b, 0x2f, 0x3a, 0x70, 0xe7, 0x04,
};

static vcore_ena_rss_config config(uint32_t mode)
{
	vcore_ena_rss_config cfg;
	vcore_err err = {};

	cr_assert_eq(vcore_ena_rss_init(&cfg, 4, mode, key_a, &err), 0, "%s", err.msg);
	return cfg;
}

static const uint64_t sdfn = RXH_IP_SRC | RXH_IP_DST | RXH_L4_B_0_1 | RXH_L4_B_2_3;
static const uint64_t sd = RXH_IP_SRC | RXH_IP_DST;

// ---- -n / -N rx-flow-hash ----

// What "ethtool -n ethX rx-flow-hash <type>" prints on a fresh ENA.
CORE_TEST(rxfh, default_flow_hash_per_type)
{
	vcore_ena_rss_config cfg = config(VCORE_ENA_RSS_KEY_CONFIGURABLE);
	struct {
		uint32_t flow_type;
		uint64_t data;
	} rows[] = {
		{ TCP_V4_FLOW, sdfn }, { UDP_V4_FLOW, sdfn }, { TCP_V6_FLOW, sdfn },
		{ UDP_V6_FLOW, sdfn }, { IPV4_FLOW, sd }, { IPV6_FLOW, sd },
		{ ETHER_FLOW, RXH_L2DA },	// L2_SA has no ethtool bit
	};

	for (auto &row : rows) {
		uint64_t data = 0x5a5a;

		cr_assert_eq(vcore_ena_rss_get_flow_hash(&cfg, row.flow_type, &data), 0);
		cr_assert_eq(data, row.data, "flow type %#x: %#llx", row.flow_type,
			     (unsigned long long)data);
	}
}

// ena_get_rss_hash()/ena_set_rss_hash(): these are -EOPNOTSUPP, anything unknown -EINVAL.
CORE_TEST(rxfh, unsupported_and_unknown_flow_types)
{
	vcore_ena_rss_config cfg = config(VCORE_ENA_RSS_KEY_CONFIGURABLE), before = cfg;
	uint32_t notsupp[] = { AH_V4_FLOW, ESP_V4_FLOW, AH_V6_FLOW, ESP_V6_FLOW, SCTP_V4_FLOW,
			       AH_ESP_V4_FLOW };
	uint32_t invalid[] = { 0, SCTP_V6_FLOW, AH_ESP_V6_FLOW, IPV4_USER_FLOW, IPV6_USER_FLOW,
			       0x13, TCP_V4_FLOW | FLOW_EXT, TCP_V4_FLOW | FLOW_RSS };
	vcore_err err = {};
	uint64_t data;

	for (uint32_t ft : notsupp) {
		cr_assert_eq(vcore_ena_rss_get_flow_hash(&cfg, ft, &data), -EOPNOTSUPP, "%#x", ft);
		cr_assert_eq(data, 0u);
		cr_assert_eq(vcore_ena_rss_set_flow_hash(&cfg, ft, sd, &err), -EOPNOTSUPP, "%#x", ft);
		cr_assert_str_eq(err.msg, "ENA has no RSS hash settings for AH, ESP or SCTP flows");
	}
	for (uint32_t ft : invalid) {
		cr_assert_eq(vcore_ena_rss_get_flow_hash(&cfg, ft, &data), -EINVAL, "%#x", ft);
		cr_assert_eq(vcore_ena_rss_set_flow_hash(&cfg, ft, sd, &err), -EINVAL, "%#x", ft);
	}
	cr_assert_str_eq(err.msg, "flow type 0x20000001 has no RSS hash settings on ENA");
	cr_assert_arr_eq(&cfg, &before, sizeof(cfg));
}

// Set stores, get echoes, the data path follows: every subset of s d f n.
CORE_TEST(rxfh, set_then_get_every_subset)
{
	vcore_ena_rss_config cfg = config(VCORE_ENA_RSS_KEY_CONFIGURABLE);
	const uint64_t bits[4] = { RXH_IP_SRC, RXH_IP_DST, RXH_L4_B_0_1, RXH_L4_B_2_3 };
	vcore_err err = {};

	for (uint32_t ft : { TCP_V4_FLOW, UDP_V4_FLOW, TCP_V6_FLOW, UDP_V6_FLOW }) {
		for (uint32_t subset = 0; subset < 16; subset++) {
			uint64_t data = 0, got;

			for (int b = 0; b < 4; b++)
				if (subset & (1u << b))
					data |= bits[b];
			cr_assert_eq(vcore_ena_rss_set_flow_hash(&cfg, ft, data, &err), 0, "%s",
				     err.msg);
			cr_assert_eq(vcore_ena_rss_get_flow_hash(&cfg, ft, &got), 0);
			cr_assert_eq(got, data);
		}
	}
	cr_assert_eq(vcore_ena_rss_set_flow_hash(&cfg, TCP_V4_FLOW, RXH_IP_DST | RXH_L4_B_2_3, &err),
		     0);
	cr_assert_eq(cfg.fields[VCORE_ENA_RSS_TCP4], VCORE_ENA_RSS_L3_DA | VCORE_ENA_RSS_L4_DP);
	cr_assert_eq(vcore_ena_rss_set_flow_hash(&cfg, IPV6_FLOW, RXH_IP_SRC, &err), 0);
	cr_assert_eq(cfg.fields[VCORE_ENA_RSS_IP6], VCORE_ENA_RSS_L3_SA);
	cr_assert_eq(vcore_ena_rss_set_flow_hash(&cfg, ETHER_FLOW, RXH_L2DA, &err), 0);
	cr_assert_eq(cfg.fields[VCORE_ENA_RSS_NOT_IP], VCORE_ENA_RSS_L2_DA);
	// Other flow types were not touched.
	cr_assert_eq(cfg.fields[VCORE_ENA_RSS_IP4], VCORE_ENA_RSS_L3_SA | VCORE_ENA_RSS_L3_DA);
}

// What ENA has no field for is refused, so that get always tells what is hashed.
CORE_TEST(rxfh, fields_the_flow_type_does_not_have)
{
	vcore_ena_rss_config cfg = config(VCORE_ENA_RSS_KEY_CONFIGURABLE), before = cfg;
	vcore_err err = {};

	const uint64_t extras[] = { RXH_VLAN, RXH_L3_PROTO, (uint32_t)RXH_DISCARD, RXH_L2DA,
				    1ull << 40 };

	for (uint64_t extra : extras) {
		cr_assert_eq(vcore_ena_rss_set_flow_hash(&cfg, TCP_V4_FLOW, sdfn | extra, &err),
			     -EOPNOTSUPP, "%#llx", (unsigned long long)extra);
		cr_assert_str_eq(err.msg,
				 "ENA cannot hash tcp4 flows on anything but IP addresses and ports");
	}
	cr_assert_eq(vcore_ena_rss_set_flow_hash(&cfg, IPV4_FLOW, sd | RXH_L4_B_0_1, &err),
		     -EOPNOTSUPP);
	cr_assert_str_eq(err.msg, "ENA cannot hash ip4 flows on anything but IP addresses");
	cr_assert_eq(vcore_ena_rss_set_flow_hash(&cfg, IPV6_FLOW, RXH_L4_B_2_3, &err), -EOPNOTSUPP);
	cr_assert_eq(vcore_ena_rss_set_flow_hash(&cfg, ETHER_FLOW, RXH_IP_SRC, &err), -EOPNOTSUPP);
	cr_assert_str_eq(err.msg, "ENA cannot hash ether flows on anything but the destination MAC");
	cr_assert_arr_eq(&cfg, &before, sizeof(cfg));
}

// ---- -x / -X ----

CORE_TEST(rxfh, get_echoes_the_config)
{
	vcore_ena_rss_config cfg = config(VCORE_ENA_RSS_KEY_CONFIGURABLE);
	uint32_t indir[VCORE_ENA_RSS_TABLE_SIZE];
	uint8_t key[40], hfunc = 0xff;

	cr_assert_eq(vcore_ena_rss_key_size(&cfg), 40u);
	vcore_ena_rss_get_rxfh(&cfg, indir, key, &hfunc);
	for (uint32_t i = 0; i < VCORE_ENA_RSS_TABLE_SIZE; i++)
		cr_assert_eq(indir[i], i % 4);
	cr_assert_arr_eq(key, key_a, 40);
	cr_assert_eq(hfunc, ETH_RSS_HASH_TOP_);
	// Any of the three may be NULL.
	vcore_ena_rss_get_rxfh(&cfg, nullptr, nullptr, nullptr);
	cfg.hfunc = VCORE_ENA_RSS_CRC32;
	vcore_ena_rss_get_rxfh(&cfg, nullptr, nullptr, &hfunc);
	cr_assert_eq(hfunc, ETH_RSS_HASH_CRC32_);
}

CORE_TEST(rxfh, set_table_key_and_function)
{
	vcore_ena_rss_config cfg = config(VCORE_ENA_RSS_KEY_CONFIGURABLE);
	uint32_t indir[VCORE_ENA_RSS_TABLE_SIZE], back[VCORE_ENA_RSS_TABLE_SIZE];
	uint8_t key[40], got[40], hfunc;
	vcore_err err = {};

	for (uint32_t i = 0; i < VCORE_ENA_RSS_TABLE_SIZE; i++)
		indir[i] = (i * 7) % 4;
	for (int i = 0; i < 40; i++)
		key[i] = static_cast<uint8_t>(i * 13);
	cr_assert_eq(vcore_ena_rss_set_rxfh(&cfg, indir, key, ETH_RSS_HASH_CRC32_, &err), 0, "%s",
		     err.msg);
	vcore_ena_rss_get_rxfh(&cfg, back, got, &hfunc);
	cr_assert_arr_eq(back, indir, sizeof(indir));
	cr_assert_arr_eq(got, key, 40);
	cr_assert_eq(hfunc, ETH_RSS_HASH_CRC32_);
	// No change keeps the function and the key.
	cr_assert_eq(vcore_ena_rss_set_rxfh(&cfg, nullptr, nullptr, ETH_RSS_HASH_NO_CHANGE_, &err), 0);
	cr_assert_eq(cfg.hfunc, VCORE_ENA_RSS_CRC32);
	cr_assert_arr_eq(cfg.key, key, 40);
	cr_assert_eq(vcore_ena_rss_set_rxfh(&cfg, nullptr, key_a, ETH_RSS_HASH_TOP_, &err), 0);
	cr_assert_eq(cfg.hfunc, VCORE_ENA_RSS_TOEPLITZ);
	cr_assert_arr_eq(cfg.key, key_a, 40);
}

// A frame is hashed with the key just set, not with the one before.
CORE_TEST(rxfh, frames_hash_with_the_key_set)
{
	vcore_ena_rss_config cfg, fresh;
	uint8_t other[40];
	// A UDP/IPv4 frame: 10.0.0.1:1000 -> 10.0.0.2:2000.
	uint8_t frame[42] = { 0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00,
			      0x45, 0, 0, 28, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
			      0x03, 0xe8, 0x07, 0xd0, 0, 8, 0, 0 };
	vcore_ena_rss_result before, after, want;
	vcore_err err = {};

	for (int i = 0; i < 40; i++)
		other[i] = static_cast<uint8_t>(i * 13);
	cr_assert_eq(vcore_ena_rss_init(&cfg, 4, VCORE_ENA_RSS_KEY_CONFIGURABLE, other, &err), 0);
	vcore_ena_rss_hash_frame(&cfg, frame, sizeof(frame), &before);
	cr_assert_eq(vcore_ena_rss_set_rxfh(&cfg, nullptr, key_a, ETH_RSS_HASH_NO_CHANGE_, &err), 0);
	vcore_ena_rss_hash_frame(&cfg, frame, sizeof(frame), &after);
	cr_assert_eq(vcore_ena_rss_init(&fresh, 4, VCORE_ENA_RSS_KEY_CONFIGURABLE, key_a, &err), 0);
	vcore_ena_rss_hash_frame(&fresh, frame, sizeof(frame), &want);
	cr_assert_eq(after.hash, want.hash, "%#x, not %#x", after.hash, want.hash);
	cr_assert_neq(after.hash, before.hash);
	// A table alone keeps the key's hash.
	uint32_t indir[VCORE_ENA_RSS_TABLE_SIZE] = {};
	cr_assert_eq(vcore_ena_rss_set_rxfh(&cfg, indir, nullptr, ETH_RSS_HASH_NO_CHANGE_, &err), 0);
	vcore_ena_rss_hash_frame(&cfg, frame, sizeof(frame), &after);
	cr_assert_eq(after.hash, want.hash);
	cr_assert_eq(after.queue, 0);
}

// ena_set_rxfh() always resends init_val 0xffffffff (the v2.6 "before setting the key" fix).
CORE_TEST(rxfh, any_set_restores_the_linux_initial_value)
{
	vcore_ena_rss_config cfg = config(VCORE_ENA_RSS_KEY_CONFIGURABLE);
	vcore_err err = {};

	cfg.init_val = 0;
	cr_assert_eq(vcore_ena_rss_set_rxfh(&cfg, nullptr, nullptr, ETH_RSS_HASH_NO_CHANGE_, &err), 0);
	cr_assert_eq(cfg.init_val, 0xffffffffu);
}

// All or nothing: a bad entry or function leaves table, key and function as they were.
CORE_TEST(rxfh, set_refusals_change_nothing)
{
	vcore_ena_rss_config cfg = config(VCORE_ENA_RSS_KEY_CONFIGURABLE), before;
	uint32_t indir[VCORE_ENA_RSS_TABLE_SIZE] = {};
	uint8_t key[40] = {};
	vcore_err err = {};

	cfg.init_val = 0;
	before = cfg;
	indir[77] = 4;		// queues are 0-3
	cr_assert_eq(vcore_ena_rss_set_rxfh(&cfg, indir, key, ETH_RSS_HASH_TOP_, &err), -EINVAL);
	cr_assert_str_eq(err.msg, "RSS table entry 77 names RX queue 4, but the device has 4 RX queues");
	indir[77] = 3;
	cr_assert_eq(vcore_ena_rss_set_rxfh(&cfg, indir, key, ETH_RSS_HASH_XOR_, &err), -EOPNOTSUPP);
	cr_assert_str_eq(err.msg, "ENA hashes with toeplitz or crc32 only");
	cr_assert_eq(vcore_ena_rss_set_rxfh(&cfg, indir, key, ETH_RSS_HASH_TOP_ | ETH_RSS_HASH_CRC32_,
					    &err), -EOPNOTSUPP);
	cr_assert_arr_eq(&cfg, &before, sizeof(cfg));
}

// Older instance types: only the table can be read and set.
CORE_TEST(rxfh, fixed_key_device)
{
	vcore_ena_rss_config cfg = config(VCORE_ENA_RSS_KEY_FIXED), before;
	uint32_t indir[VCORE_ENA_RSS_TABLE_SIZE];
	uint8_t key[40], untouched[40], hfunc = 0;
	vcore_err err = {};

	cr_assert_eq(vcore_ena_rss_key_size(&cfg), 0u);
	memset(key, 0xa5, sizeof(key));
	memcpy(untouched, key, sizeof(key));
	vcore_ena_rss_get_rxfh(&cfg, indir, key, &hfunc);
	cr_assert_arr_eq(key, untouched, 40);
	cr_assert_eq(hfunc, 0, "ena_get_rxfh reports no function without RSS_HASH_FUNCTION");
	cr_assert_eq(indir[5], 1u);
	before = cfg;
	cr_assert_eq(vcore_ena_rss_set_rxfh(&cfg, indir, key_a, ETH_RSS_HASH_NO_CHANGE_, &err),
		     -EOPNOTSUPP);
	cr_assert_str_eq(err.msg, "this ENA has a fixed RSS key and hash function;"
			 " only the indirection table can be set");
	cr_assert_eq(vcore_ena_rss_set_rxfh(&cfg, indir, nullptr, ETH_RSS_HASH_TOP_, &err),
		     -EOPNOTSUPP);
	cr_assert_arr_eq(&cfg, &before, sizeof(cfg));
	for (uint32_t &q : indir)
		q = 2;
	cr_assert_eq(vcore_ena_rss_set_rxfh(&cfg, indir, nullptr, ETH_RSS_HASH_NO_CHANGE_, &err), 0);
	cr_assert_eq(cfg.table[0], 2);
	cr_assert_eq(cfg.table[127], 2);
	cr_assert_eq(cfg.hfunc, before.hfunc);
	cr_assert_eq(cfg.init_val, before.init_val);
}
