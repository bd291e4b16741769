// SPDX-License-Identifier: GPL-2.0
// rss.h - an ENA device's receive-side scaling: its defaults, the hash of a frame, the RX queue.
#pragma once

#include "ena/flow.h"

namespace vnitro::ena {

constexpr uint32_t rss_key_len = VCORE_ENA_RSS_KEY_LEN;
constexpr uint32_t rss_table_size = VCORE_ENA_RSS_TABLE_SIZE;
constexpr uint32_t rss_max_queues = VCORE_ENA_RSS_MAX_QUEUES;
constexpr uint32_t hash_input_max = 2 * ipv6_addr_len + 4;	// TCP/UDP over IPv6
static_assert(hash_input_max == VCORE_ENA_RSS_INPUT_MAX, "the key table covers every input");

// The initial value the Linux driver passes with every hash function it sets,
// and the one the fixed-key device always uses.
constexpr uint32_t linux_init_val = 0xffffffff;

constexpr uint16_t l3_fields = VCORE_ENA_RSS_L3_SA | VCORE_ENA_RSS_L3_DA;
constexpr uint16_t l4_fields = VCORE_ENA_RSS_L4_SP | VCORE_ENA_RSS_L4_DP;
constexpr uint16_t l2_fields = VCORE_ENA_RSS_L2_SA | VCORE_ENA_RSS_L2_DA;

/*
 * What ena_com_set_default_hash_ctrl() selects per flow type. vnitro's device
 * supports exactly these fields, and any subset of them: no source says what
 * a real device's supported_fields holds.
 */
constexpr uint16_t default_fields(uint32_t proto)
{
	switch (proto) {
	case VCORE_ENA_RSS_TCP4:
	case VCORE_ENA_RSS_UDP4:
	case VCORE_ENA_RSS_TCP6:
	case VCORE_ENA_RSS_UDP6:
		return l3_fields | l4_fields;
	case VCORE_ENA_RSS_IP4:
	case VCORE_ENA_RSS_IP6:
	case VCORE_ENA_RSS_IP4_FRAG:
		return l3_fields;
	case VCORE_ENA_RSS_NOT_IP:
		return l2_fields;
	default:
		return 0;
	}
}

/*
 * The device's own key on instance types where it cannot be changed: the
 * Microsoft RSS specification's key with its ten 32-bit words in reverse
 * order, read as given (toeplitz_calc.py, RSS_DEFAULT_KEY).
 */
extern const uint8_t fixed_default_key[rss_key_len];

// The fixed-key device keeps 16 bits of hash and reports them twice.
constexpr uint32_t fold16(uint32_t hash)
{
	return (hash & 0xffff) | hash << 16;
}

/*
 * cfg->key_nibbles for the key @cfg hashes with: the fixed key as given, or
 * cfg->key as the device reads it (reversed). Whenever key_mode or key change.
 */
void fill_key_nibbles(vcore_ena_rss_config *cfg);

// The ENA flow type (index of cfg.fields) of a parsed frame.
vcore_ena_rss_proto classify(const flow &f);

/*
 * Writes into @buf (hash_input_max bytes) what is hashed for @f under
 * @fields: source address, destination address, source port, destination
 * port, each only if selected (ports only for TCP/UDP). @symmetric puts the
 * smaller address first and, separately, the smaller port first, when both
 * of a pair are selected. Returns the length, 0 when nothing is hashed, and
 * sets @type to what went in.
 */
uint32_t hash_input(const flow &f, uint16_t fields, bool symmetric, uint8_t *buf,
		    vcore_ena_rss_hash_type *type);

// The whole data path after parsing: hash, type and RX queue of @f.
void rss_hash_flow(const vcore_ena_rss_config &cfg, const flow &f, vcore_ena_rss_result *out);

} // namespace vnitro::ena
