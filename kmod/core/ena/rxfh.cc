// SPDX-License-Identifier: GPL-2.0
// rxfh.cc - ethtool's view of ENA RSS (-x/-X, -n/-N rx-flow-hash), with ena_ethtool.c's answers.
#include "ena/rss.h"
#include "base/text.h"

using namespace vnitro::base;

namespace vnitro::ena {

namespace {

// Flow types and RXH_* bits of include/uapi/linux/ethtool.h.
enum : uint32_t {
	tcp_v4_flow = 0x01,
	udp_v4_flow = 0x02,
	sctp_v4_flow = 0x03,
	ah_esp_v4_flow = 0x04,
	tcp_v6_flow = 0x05,
	udp_v6_flow = 0x06,
	ah_v4_flow = 0x09,
	esp_v4_flow = 0x0a,
	ah_v6_flow = 0x0b,
	esp_v6_flow = 0x0c,
	ipv4_flow = 0x10,
	ipv6_flow = 0x11,
	ether_flow = 0x12,
};

enum : uint64_t {
	rxh_l2da = 1 << 1,
	rxh_ip_src = 1 << 4,
	rxh_ip_dst = 1 << 5,
	rxh_l4_b_0_1 = 1 << 6,	// source port
	rxh_l4_b_2_3 = 1 << 7,	// destination port
};

// ETH_RSS_HASH_* of include/linux/ethtool.h (kernel-internal, stable since 3.19).
enum : uint8_t {
	eth_rss_hash_no_change = 0,
	eth_rss_hash_top = 1 << 0,
	eth_rss_hash_crc32 = 1 << 2,
};

// ena_flow_hash_to_flow_type() and back: the ethtool bits ENA has a field for.
struct field_bit {
	uint64_t rxh;
	uint16_t ena;
};

constexpr field_bit field_bits[] = {
	{ rxh_l2da, VCORE_ENA_RSS_L2_DA },
	{ rxh_ip_src, VCORE_ENA_RSS_L3_SA },
	{ rxh_ip_dst, VCORE_ENA_RSS_L3_DA },
	{ rxh_l4_b_0_1, VCORE_ENA_RSS_L4_SP },
	{ rxh_l4_b_2_3, VCORE_ENA_RSS_L4_DP },
};

constexpr uint64_t rxh_known = rxh_l2da | rxh_ip_src | rxh_ip_dst | rxh_l4_b_0_1 | rxh_l4_b_2_3;

// ethtool's own names for the flow types, indexed by vcore_ena_rss_proto.
constexpr const char *proto_names[VCORE_ENA_RSS_PROTO_NUM] = {
	"tcp4", "udp4", "tcp6", "udp6", "ip4", "ip6", "ip4 fragment", "ether",
};

// The ENA flow type of an ethtool flow type, or -EOPNOTSUPP/-EINVAL as ena_ethtool.c says.
int proto_of(uint32_t flow_type)
{
	switch (flow_type) {
	case tcp_v4_flow:
		return VCORE_ENA_RSS_TCP4;
	case udp_v4_flow:
		return VCORE_ENA_RSS_UDP4;
	case tcp_v6_flow:
		return VCORE_ENA_RSS_TCP6;
	case udp_v6_flow:
		return VCORE_ENA_RSS_UDP6;
	case ipv4_flow:
		return VCORE_ENA_RSS_IP4;
	case ipv6_flow:
		return VCORE_ENA_RSS_IP6;
	case ether_flow:
		return VCORE_ENA_RSS_NOT_IP;
	case ah_v4_flow:
	case esp_v4_flow:
	case ah_v6_flow:
	case esp_v6_flow:
	case sctp_v4_flow:
	case ah_esp_v4_flow:
		return -EOPNOTSUPP_;
	default:
		return -EINVAL_;
	}
}

uint64_t rxh_of(uint16_t fields)
{
	uint64_t data = 0;

	for (const field_bit &b : field_bits)
		if (fields & b.ena)
			data |= b.rxh;
	return data;
}

uint16_t fields_of(uint64_t data)
{
	uint16_t fields = 0;

	for (const field_bit &b : field_bits)
		if (data & b.rxh)
			fields |= b.ena;
	return fields;
}

bool fixed(const vcore_ena_rss_config *cfg)
{
	return cfg->key_mode == VCORE_ENA_RSS_KEY_FIXED;
}

int check_table(const vcore_ena_rss_config *cfg, const uint32_t *indir, vcore_err *err)
{
	for (uint32_t i = 0; i < rss_table_size; i++) {
		if (indir[i] < cfg->queue_count)
			continue;
		fail(err, EINVAL_).str("RSS table entry ").u32(i).str(" names RX queue ").u32(indir[i])
			.str(", but the device has ").u32(cfg->queue_count).str(" RX queues");
		return err->code;
	}
	return 0;
}

// The hash function an ETH_RSS_HASH_* value asks for; -EOPNOTSUPP for the others.
int hfunc_of(const vcore_ena_rss_config *cfg, uint8_t hfunc, uint8_t *func, vcore_err *err)
{
	switch (hfunc) {
	case eth_rss_hash_no_change:
		*func = cfg->hfunc;
		return 0;
	case eth_rss_hash_top:
		*func = VCORE_ENA_RSS_TOEPLITZ;
		return 0;
	case eth_rss_hash_crc32:
		*func = VCORE_ENA_RSS_CRC32;
		return 0;
	default:
		fail(err, EOPNOTSUPP_).str("ENA hashes with toeplitz or crc32 only");
		return err->code;
	}
}

} // namespace

} // namespace vnitro::ena

using namespace vnitro::ena;

extern "C" {

uint32_t vcore_ena_rss_key_size(const struct vcore_ena_rss_config *cfg)
{
	return fixed(cfg) ? 0 : rss_key_len;
}

void vcore_ena_rss_get_rxfh(const struct vcore_ena_rss_config *cfg, uint32_t *indir,
			    uint8_t *key, uint8_t *hfunc)
{
	if (indir)
		for (uint32_t i = 0; i < rss_table_size; i++)
			indir[i] = cfg->table[i];
	// Like ena_get_rxfh() on a device without RSS_HASH_FUNCTION: neither key nor function.
	if (fixed(cfg))
		return;
	if (key)
		mem_copy(key, cfg->key, rss_key_len);
	if (hfunc)
		*hfunc = cfg->hfunc == VCORE_ENA_RSS_CRC32 ? eth_rss_hash_crc32 : eth_rss_hash_top;
}

int vcore_ena_rss_set_rxfh(struct vcore_ena_rss_config *cfg, const uint32_t *indir,
			   const uint8_t *key, uint8_t hfunc, struct vcore_err *err)
{
	uint8_t func = cfg->hfunc;
	int ret;

	if (indir) {
		ret = check_table(cfg, indir, err);
		if (ret)
			return ret;
	}
	/*
	 * A device without the ENA_ADMIN_RSS_HASH_FUNCTION feature: ena_set_rxfh
	 * passes any function, toeplitz included, to ena_com_fill_hash_function,
	 * whose get_feature fails with -EOPNOTSUPP; a key never gets this far
	 * (get_rxfh_key_size is 0, so ethtool and the ethtool core refuse it).
	 * ena writes the table before it tries the function; here a refusal
	 * changes nothing, table included.
	 */
	if (fixed(cfg) && (key || hfunc != eth_rss_hash_no_change)) {
		fail(err, EOPNOTSUPP_).str("this ENA has a fixed RSS key and hash function;"
					   " only the indirection table can be set");
		return err->code;
	}
	if (!fixed(cfg)) {
		ret = hfunc_of(cfg, hfunc, &func, err);
		if (ret)
			return ret;
	}
	if (indir)
		for (uint32_t i = 0; i < rss_table_size; i++)
			cfg->table[i] = static_cast<uint16_t>(indir[i]);
	if (fixed(cfg))
		return 0;
	/*
	 * ena_set_rxfh() always ends in ena_com_fill_hash_function() with
	 * 0xffffffff here, since the current function is never "none": the
	 * device restarts from that initial value whatever was set before.
	 * Unlike ena_com, the key is kept for CRC32 too, so get echoes set.
	 */
	if (key) {
		mem_copy(cfg->key, key, rss_key_len);
		fill_key_nibbles(cfg);
	}
	cfg->hfunc = func;
	cfg->init_val = linux_init_val;
	return 0;
}

int vcore_ena_rss_get_flow_hash(const struct vcore_ena_rss_config *cfg, uint32_t flow_type,
				uint64_t *data)
{
	int proto = proto_of(flow_type);

	*data = 0;
	if (proto < 0)
		return proto;
	*data = rxh_of(cfg->fields[proto]);
	return 0;
}

int vcore_ena_rss_set_flow_hash(struct vcore_ena_rss_config *cfg, uint32_t flow_type,
				uint64_t data, struct vcore_err *err)
{
	int proto = proto_of(flow_type);
	uint16_t fields;

	if (proto == -EOPNOTSUPP_) {
		fail(err, EOPNOTSUPP_).str("ENA has no RSS hash settings for AH, ESP or SCTP flows");
		return err->code;
	}
	if (proto < 0) {
		unsigned int digits = 2;

		while (digits < 8 && flow_type >> (digits * 4))
			digits++;
		fail(err, EINVAL_).str("flow type 0x").hex(flow_type, digits)
			.str(" has no RSS hash settings on ENA");
		return err->code;
	}
	fields = fields_of(data);
	/*
	 * ena_ethtool.c drops the bits it cannot map, and ena_com only logs
	 * fields the device does not support; vnitro refuses both, so that
	 * what get reports is what the device hashes.
	 */
	if ((data & ~rxh_known) || (fields & ~default_fields(proto))) {
		fail(err, EOPNOTSUPP_).str("ENA cannot hash ").str(proto_names[proto])
			.str(proto == VCORE_ENA_RSS_NOT_IP ? " flows on anything but the destination MAC"
			     : (default_fields(proto) & l4_fields) ? " flows on anything but IP addresses and ports"
			     : " flows on anything but IP addresses");
		return err->code;
	}
	cfg->fields[proto] = fields;
	return 0;
}

} // extern "C"
