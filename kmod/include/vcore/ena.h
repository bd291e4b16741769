/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcore/ena.h - receive-side scaling as an ENA device computes it (core/ena).
 * Part of the boundary between the C shim and the C++ core (one header per area:
 * services, fabric, control, ena, efa): extern "C" functions, POD structs, fixed-width
 * integers, opaque handles. Every name the core exports starts with vcore_/VCORE_; the
 * shim's own names start with vnitro_.
 */
#ifndef VCORE_ENA_H
#define VCORE_ENA_H

#include "vcore/services.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
	VCORE_ENA_RSS_KEY_LEN = 40,		/* ENA_HASH_KEY_SIZE */
	VCORE_ENA_RSS_TABLE_SIZE = 128,	/* ENA_RX_RSS_TABLE_SIZE: hash % 128 picks the entry */
	VCORE_ENA_RSS_MAX_QUEUES = 128,	/* ENA_MAX_NUM_IO_QUEUES */
	VCORE_ENA_RSS_INPUT_MAX = 36,	/* bytes hashed at most: TCP/UDP over IPv6 */
};

/* Hash functions, numbered as ena_admin_hash_functions. */
enum vcore_ena_rss_hfunc {
	VCORE_ENA_RSS_TOEPLITZ = 1,
	VCORE_ENA_RSS_CRC32 = 2,
};

/* Which key the device hashes with: a property of the instance type. */
enum vcore_ena_rss_key_mode {
	/*
	 * Function and key settable (Nitro v3 network-optimised types such as
	 * c5n, and Nitro v4 such as c6gn, m6i). The device reads the key its
	 * driver wrote from the last byte to the first and starts the hash at
	 * init_val; ethtool -x shows the key as written. Source: AWS's
	 * amzn-ec2-ena-utilities, ena-toeplitz/toeplitz_calc.py.
	 */
	VCORE_ENA_RSS_KEY_CONFIGURABLE = 0,
	/*
	 * Only the indirection table is settable (older types): Toeplitz with
	 * the device's own key, each of address pair and port pair sorted
	 * smaller first (both directions of a connection hash alike), initial
	 * value 0xffffffff whatever init_val says, and the low 16 bits of the
	 * result repeated in the high 16. Same source. cfg->key is unused.
	 */
	VCORE_ENA_RSS_KEY_FIXED = 1,
};

/* Flow types, numbered as ena_admin_flow_hash_proto: the index of fields[]. */
enum vcore_ena_rss_proto {
	VCORE_ENA_RSS_TCP4,
	VCORE_ENA_RSS_UDP4,
	VCORE_ENA_RSS_TCP6,
	VCORE_ENA_RSS_UDP6,
	VCORE_ENA_RSS_IP4,		/* IPv4, neither TCP nor UDP (or ports unreadable) */
	VCORE_ENA_RSS_IP6,		/* IPv6 likewise, and IPv6 with extension headers */
	VCORE_ENA_RSS_IP4_FRAG,	/* any IPv4 fragment, first one included */
	VCORE_ENA_RSS_NOT_IP,		/* never hashed by vnitro (fields kept for ethtool) */
	VCORE_ENA_RSS_PROTO_NUM,
};

/* Hash input fields, numbered as ena_admin_flow_hash_fields. */
enum vcore_ena_rss_field {
	VCORE_ENA_RSS_L2_DA = 1 << 0,
	VCORE_ENA_RSS_L2_SA = 1 << 1,
	VCORE_ENA_RSS_L3_DA = 1 << 2,
	VCORE_ENA_RSS_L3_SA = 1 << 3,
	VCORE_ENA_RSS_L4_DP = 1 << 4,
	VCORE_ENA_RSS_L4_SP = 1 << 5,
};

/*
 * What a hash was computed over, for PKT_HASH_TYPE_L3/L4. (The ena driver
 * itself reports L4 for unfragmented TCP/UDP, whatever the fields, and NONE
 * for everything else.)
 */
enum vcore_ena_rss_hash_type {
	VCORE_ENA_RSS_HASH_NONE,	/* hash 0, queue of table entry 0 */
	VCORE_ENA_RSS_HASH_L3,		/* addresses only */
	VCORE_ENA_RSS_HASH_L4,		/* ports included */
};

/*
 * One device's RSS state. Plain data: the shim keeps it under RCU, changes a
 * copy with the calls below (each leaves the copy untouched when it fails)
 * and publishes it. Input is hashed in the order source address, destination
 * address, source port, destination port, each only if its field is set.
 */
struct vcore_ena_rss_config {
	uint8_t key[VCORE_ENA_RSS_KEY_LEN];	/* as the driver wrote it */
	uint32_t init_val;			/* initial value of the hash function */
	uint8_t hfunc;				/* enum vcore_ena_rss_hfunc */
	uint8_t key_mode;			/* enum vcore_ena_rss_key_mode */
	uint16_t queue_count;			/* RX queues, 1 to VCORE_ENA_RSS_MAX_QUEUES */
	uint16_t fields[VCORE_ENA_RSS_PROTO_NUM];	/* enum vcore_ena_rss_field bits */
	uint16_t table[VCORE_ENA_RSS_TABLE_SIZE];	/* RX queue of each entry */
	/*
	 * Derived from the key the device hashes with (kept by the calls below,
	 * never set by hand): what each 4-bit half of each input byte XORs into
	 * a Toeplitz hash. Two lookups per byte instead of a loop over its bits.
	 */
	uint32_t key_nibbles[VCORE_ENA_RSS_INPUT_MAX][2][16];
};

struct vcore_ena_rss_result {
	uint32_t hash;			/* for skb_set_hash() */
	uint16_t queue;			/* always below cfg->queue_count */
	uint8_t hash_type;		/* enum vcore_ena_rss_hash_type */
	uint8_t proto;			/* enum vcore_ena_rss_proto the frame was classified as */
};

/*
 * Defaults for @queue_count RX queues, as the Linux ena driver sets them up:
 * Toeplitz, init_val 0xffffffff, @key (VCORE_ENA_RSS_KEY_LEN bytes) or, when
 * NULL, a random one from svc->random; table[i] = i % queue_count
 * (ethtool_rxfh_indir_default); fields: TCP/UDP over IPv4/IPv6 on addresses
 * and ports, IPv4/IPv6 and IPv4 fragments on addresses, other frames on MACs.
 * -EINVAL for a queue count or key mode out of range.
 */
int vcore_ena_rss_init(struct vcore_ena_rss_config *cfg, uint32_t queue_count,
		       uint32_t key_mode, const uint8_t *key, struct vcore_err *err);
/* ethtool -L: new queue count; the table goes back to the default spread. */
int vcore_ena_rss_set_queue_count(struct vcore_ena_rss_config *cfg, uint32_t queue_count,
				  struct vcore_err *err);

/*
 * The ethtool rxfh/rxnfc surface, with ena_ethtool.c's semantics. hfunc is
 * an ETH_RSS_HASH_* bit of include/linux/ethtool.h (0: no change / none
 * reported), flow_type and data the ETHTOOL_GRXFH/SRXFH values of
 * include/uapi/linux/ethtool.h, passed through unchanged. @err must not be
 * NULL: a refusal fills it with a sentence for extack.
 */
/* get_rxfh_key_size: 0 when the key cannot be read or set (KEY_FIXED). */
uint32_t vcore_ena_rss_key_size(const struct vcore_ena_rss_config *cfg);
/*
 * get_rxfh: any of @indir (TABLE_SIZE), @key (KEY_LEN), @hfunc may be NULL.
 * With KEY_FIXED neither @key nor @hfunc is written, as ena_get_rxfh() on a
 * device without the RSS_HASH_FUNCTION feature.
 */
void vcore_ena_rss_get_rxfh(const struct vcore_ena_rss_config *cfg, uint32_t *indir,
			    uint8_t *key, uint8_t *hfunc);
/*
 * set_rxfh: @indir (TABLE_SIZE entries, each below queue_count: else
 * -EINVAL) and @key (KEY_LEN bytes) may be NULL to keep them. Toeplitz and
 * CRC32 only (-EOPNOTSUPP); with KEY_FIXED a key or function is
 * -EOPNOTSUPP. All-or-nothing. With KEY_CONFIGURABLE every success resets
 * init_val to 0xffffffff, as ena_set_rxfh() resends it each time.
 */
int vcore_ena_rss_set_rxfh(struct vcore_ena_rss_config *cfg, const uint32_t *indir,
			   const uint8_t *key, uint8_t hfunc, struct vcore_err *err);
/*
 * ETHTOOL_GRXFH / SRXFH ("ethtool -n/-N ethX rx-flow-hash"): tcp4 udp4 tcp6
 * udp6 ip4 ip6 ether. AH/ESP/SCTP over IPv4 and AH/ESP over IPv6 are
 * -EOPNOTSUPP, any other flow type -EINVAL (as ena_ethtool.c). Set accepts
 * any subset of the fields the flow type has (s d f n; m for ether) and
 * refuses others (v t r, and ports for ip4/ip6) with -EOPNOTSUPP.
 */
int vcore_ena_rss_get_flow_hash(const struct vcore_ena_rss_config *cfg, uint32_t flow_type,
				uint64_t *data);
int vcore_ena_rss_set_flow_hash(struct vcore_ena_rss_config *cfg, uint32_t flow_type,
				uint64_t data, struct vcore_err *err);

/*
 * Data path: hash of the first @len bytes of a received Ethernet frame (the
 * linear headers; never read past @len) and the RX queue it steers to. No
 * allocation, no locks: any context, under the RCU section that keeps @cfg.
 */
void vcore_ena_rss_hash_frame(const struct vcore_ena_rss_config *cfg, const uint8_t *frame,
			      uint32_t len, struct vcore_ena_rss_result *out);

#ifdef __cplusplus
}
#endif

#endif /* VCORE_ENA_H */
