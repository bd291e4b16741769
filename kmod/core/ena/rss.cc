// SPDX-License-Identifier: GPL-2.0
// rss.cc - an ENA device's receive-side scaling: its defaults, the hash of a frame, the RX queue.
#include "ena/rss.h"
#include "ena/crc32.h"
#include "ena/toeplitz.h"
#include "base/text.h"

using namespace vnitro::base;

namespace vnitro::ena {

const uint8_t fixed_default_key[rss_key_len] = {
	0xbe, 0xac, 0x01, 0xfa, 0x6a, 0x42, 0xb7, 0x3b,
	0x80, 0x30, 0xf2, 0x0c, 0x77, 0xcb, 0x2d, 0xa3,
	0xae, 0x7b, 0x30, 0xb4, 0xd0, 0xca, 0x2b, 0xcb,
	0x43, 0xa3, 0x8f, 0xb0, 0x41, 0x67, 0x25, 0x3d,
	0x25, 0x5b, 0x0e, 0xc2, 0x6d, 0x5a, 0x56, 0xda,
};

namespace {

// Network-order fields compare as numbers when compared byte by byte.
bool bytes_less(const uint8_t *a, const uint8_t *b, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		if (a[i] != b[i])
			return a[i] < b[i];
	return false;
}

uint32_t append(uint8_t *buf, uint32_t pos, const uint8_t *bytes, uint32_t len)
{
	mem_copy(buf + pos, bytes, len);
	return pos + len;
}

// ethtool_rxfh_indir_default(): the entries cycle through the queues.
void fill_default_table(vcore_ena_rss_config *cfg)
{
	for (uint32_t i = 0; i < rss_table_size; i++)
		cfg->table[i] = static_cast<uint16_t>(i % cfg->queue_count);
}

int check_queue_count(uint32_t queue_count, vcore_err *err)
{
	if (queue_count >= 1 && queue_count <= rss_max_queues)
		return 0;
	fail(err, EINVAL_).str("RX queue count ").u32(queue_count).str(" is out of range (1 to ")
		.u32(rss_max_queues).str(")");
	return err->code;
}

} // namespace

void fill_key_nibbles(vcore_ena_rss_config *cfg)
{
	if (cfg->key_mode == VCORE_ENA_RSS_KEY_FIXED)
		toeplitz_nibbles_fill(cfg->key_nibbles, fixed_default_key, rss_key_len,
				      key_order::as_given);
	else
		toeplitz_nibbles_fill(cfg->key_nibbles, cfg->key, rss_key_len, key_order::reversed);
}

vcore_ena_rss_proto classify(const flow &f)
{
	bool tcp = f.l4 == l4_proto::tcp, udp = f.l4 == l4_proto::udp;

	if (f.l3 == l3_proto::ipv4) {
		if (f.fragment)
			return VCORE_ENA_RSS_IP4_FRAG;
		return tcp ? VCORE_ENA_RSS_TCP4 : udp ? VCORE_ENA_RSS_UDP4 : VCORE_ENA_RSS_IP4;
	}
	if (f.l3 == l3_proto::ipv6)
		return tcp ? VCORE_ENA_RSS_TCP6 : udp ? VCORE_ENA_RSS_UDP6 : VCORE_ENA_RSS_IP6;
	return VCORE_ENA_RSS_NOT_IP;
}

uint32_t hash_input(const flow &f, uint16_t fields, bool symmetric, uint8_t *buf,
		    vcore_ena_rss_hash_type *type)
{
	const uint8_t *sa = f.src, *da = f.dst, *sp = f.src_port, *dp = f.dst_port;
	bool ports = f.l4 != l4_proto::other && (fields & l4_fields);
	uint32_t len = 0;

	*type = VCORE_ENA_RSS_HASH_NONE;
	if (f.l3 == l3_proto::none)
		return 0;
	if (symmetric && (fields & l3_fields) == l3_fields && bytes_less(da, sa, f.addr_len)) {
		sa = f.dst;
		da = f.src;
	}
	if (symmetric && (fields & l4_fields) == l4_fields && bytes_less(dp, sp, 2)) {
		sp = f.dst_port;
		dp = f.src_port;
	}
	if (fields & VCORE_ENA_RSS_L3_SA)
		len = append(buf, len, sa, f.addr_len);
	if (fields & VCORE_ENA_RSS_L3_DA)
		len = append(buf, len, da, f.addr_len);
	if (ports && (fields & VCORE_ENA_RSS_L4_SP))
		len = append(buf, len, sp, 2);
	if (ports && (fields & VCORE_ENA_RSS_L4_DP))
		len = append(buf, len, dp, 2);
	if (len)
		*type = ports ? VCORE_ENA_RSS_HASH_L4 : VCORE_ENA_RSS_HASH_L3;
	return len;
}

void rss_hash_flow(const vcore_ena_rss_config &cfg, const flow &f, vcore_ena_rss_result *out)
{
	bool fixed = cfg.key_mode == VCORE_ENA_RSS_KEY_FIXED;
	vcore_ena_rss_proto proto = classify(f);
	uint8_t input[hash_input_max];
	vcore_ena_rss_hash_type type;
	uint32_t len, hash = 0;
	uint16_t queue;

	len = hash_input(f, cfg.fields[proto], fixed, input, &type);
	// key_nibbles hold the key of either kind (fill_key_nibbles).
	if (len && fixed)
		hash = fold16(toeplitz_nibbles(cfg.key_nibbles, linux_init_val, input, len));
	else if (len && cfg.hfunc == VCORE_ENA_RSS_CRC32)
		hash = crc32(cfg.init_val, input, len);
	else if (len)
		hash = toeplitz_nibbles(cfg.key_nibbles, cfg.init_val, input, len);
	queue = cfg.table[hash % rss_table_size];
	// The table was checked against queue_count when set; still never steer outside.
	out->queue = queue < cfg.queue_count ? queue : 0;
	out->hash = hash;
	out->hash_type = static_cast<uint8_t>(type);
	out->proto = static_cast<uint8_t>(proto);
}

} // namespace vnitro::ena

using namespace vnitro::ena;

extern "C" {

int vcore_ena_rss_init(struct vcore_ena_rss_config *cfg, uint32_t queue_count,
		       uint32_t key_mode, const uint8_t *key, struct vcore_err *err)
{
	int ret = check_queue_count(queue_count, err);

	if (ret)
		return ret;
	if (key_mode != VCORE_ENA_RSS_KEY_CONFIGURABLE && key_mode != VCORE_ENA_RSS_KEY_FIXED) {
		fail(err, EINVAL_).str("unknown RSS key mode ").u32(key_mode);
		return err->code;
	}
	*cfg = vcore_ena_rss_config();
	cfg->key_mode = static_cast<uint8_t>(key_mode);
	cfg->hfunc = VCORE_ENA_RSS_TOEPLITZ;
	cfg->init_val = linux_init_val;
	cfg->queue_count = static_cast<uint16_t>(queue_count);
	// A fixed-key device has no key the driver could write or read.
	if (key_mode == VCORE_ENA_RSS_KEY_CONFIGURABLE && key)
		mem_copy(cfg->key, key, rss_key_len);
	else if (key_mode == VCORE_ENA_RSS_KEY_CONFIGURABLE)
		svc->random(cfg->key, rss_key_len);
	for (uint32_t proto = 0; proto < VCORE_ENA_RSS_PROTO_NUM; proto++)
		cfg->fields[proto] = default_fields(proto);
	fill_default_table(cfg);
	fill_key_nibbles(cfg);
	return 0;
}

int vcore_ena_rss_set_queue_count(struct vcore_ena_rss_config *cfg, uint32_t queue_count,
				  struct vcore_err *err)
{
	int ret = check_queue_count(queue_count, err);

	if (ret)
		return ret;
	// As ena_update_queue_count(): the table is rebuilt for the new count.
	cfg->queue_count = static_cast<uint16_t>(queue_count);
	fill_default_table(cfg);
	return 0;
}

void vcore_ena_rss_hash_frame(const struct vcore_ena_rss_config *cfg, const uint8_t *frame,
			      uint32_t len, struct vcore_ena_rss_result *out)
{
	flow f;

	flow_parse(frame, len, &f);
	rss_hash_flow(*cfg, f, out);
}

} // extern "C"
