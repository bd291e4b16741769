/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvnitro: the C API for the vnitro control plane and instance namespaces. */
#ifndef VNITRO_VNITRO_H
#define VNITRO_VNITRO_H

#include <net/if.h>		/* IF_NAMESIZE, POSIX for IFNAMSIZ */
#include <stddef.h>
#include <stdint.h>
#include <linux/vnitro.h>	/* VNITRO_ID_LEN, VNITRO_NAME_LEN, enums */

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Conventions. Functions returning int return 0 (or a non-negative value
 * where stated) on success and a negative errno on failure; after a failure
 * on a handle, vnitro_last_error() explains it. Strings in result structs
 * are NUL-terminated; a field the kernel did not send is "" (or 0). IPv4
 * addresses are uint32_t in network byte order. A handle is not thread-safe:
 * use one per thread. Nothing here keeps a pointer the caller passed in,
 * and pointer arguments must not be NULL unless said otherwise.
 */

#define VNITRO_AZ_LEN		VNITRO_ID_LEN	/* "us-east-1a" */
#define VNITRO_STATUS_LEN	16		/* "available" | "in-use" */
#define VNITRO_PCI_SLOT_LEN	32		/* "10000:00:03.0" */
#define VNITRO_RDMA_DEVICE_LEN	64		/* IB_DEVICE_NAME_MAX: "efa_0" */
#define VNITRO_MAC_LEN		6

struct vnitro_handle;

/* An EC2 instance type's network limits (TYPE_GET, and in every instance). */
struct vnitro_type {
	char name[VNITRO_TYPE_LEN];
	uint32_t max_enis;
	uint32_t max_ips_per_eni;	/* private IPv4, primary included */
	uint32_t max_queues;		/* ENA queue pairs the device offers per ENI */
	uint32_t baseline_mbps;		/* the instance's, all network cards */
	uint8_t efa;			/* 0 or 1: supported */
	uint8_t ena_express;
	uint8_t rss_key_configurable;
	uint32_t network_cards;		/* cards 0 .. network_cards - 1 */
	uint32_t max_enis_per_card;
	uint64_t conntrack_max;		/* flows each ENI may track at once */
	uint8_t adapter;		/* enum vnitro_adapter: what its ENIs present */
	uint32_t vcpus;
	uint32_t peak_mbps;		/* burst bandwidth, all cards; baseline_mbps if none */
	uint32_t max_efas;		/* EFAs per instance, at most one per card */
};

struct vnitro_instance {
	char name[VNITRO_NAME_LEN];
	char subnet_id[VNITRO_ID_LEN];
	char primary_eni_id[VNITRO_ID_LEN];
	uint32_t eni_count;
	char az[VNITRO_AZ_LEN];
	struct vnitro_type type;
	/* Metadata options: enum vnitro_md_tokens, the PUT response hop limit, endpoint on. */
	uint8_t md_tokens;
	uint8_t md_hop_limit;
	uint8_t md_endpoint;
	/* Its placement group ("" and 0: none) and partition (partition groups: 1..count). */
	char placement_group[VNITRO_PG_NAME_LEN];
	char placement_group_id[VNITRO_ID_LEN];
	uint32_t partition;
	/* Its network nodes, top layer first ("nn-…", as DescribeInstanceTopology's). */
	char network_nodes[VNITRO_TOPOLOGY_LAYERS][VNITRO_ID_LEN];
	/* 0: it runs on this host; else its host's underlay IPv4 address (network order). */
	uint32_t host;
};

/* The tunnel to other hosts (TUNNEL_GET). */
struct vnitro_tunnel {
	char dev[IF_NAMESIZE];		/* the Geneve device; "" none */
	uint32_t local;			/* this host's underlay address (network order); 0: none */
	uint64_t tx_packets;		/* frames sent to other hosts' ENIs */
	uint64_t tx_dropped;		/* ... that could not leave (no device, no memory) */
	uint64_t rx_packets;		/* frames from other hosts delivered here */
	uint64_t rx_dropped;		/* ... refused (no vnitro option, the mapping disagrees) */
};

/* A placement group (PG_ADD, PG_GET). */
struct vnitro_placement_group {
	char name[VNITRO_PG_NAME_LEN];
	char id[VNITRO_ID_LEN];		/* "pg-" and 17 lowercase hex digits */
	uint8_t strategy;		/* enum vnitro_pg_strategy */
	uint32_t partition_count;	/* partition groups; else 0 */
	uint8_t spread_level;		/* spread groups: enum vnitro_pg_spread_level; else 0 */
	uint32_t instance_count;	/* instances in it */
	char az[VNITRO_AZ_LEN];		/* a cluster group's zone once it has had an instance */
};

struct vnitro_eni {
	char id[VNITRO_ID_LEN];
	char subnet_id[VNITRO_ID_LEN];
	char vpc_id[VNITRO_ID_LEN];
	uint8_t mac[VNITRO_MAC_LEN];
	uint32_t private_ip;		/* network byte order */
	uint8_t type;			/* enum vnitro_eni_type */
	uint8_t source_dest_check;	/* 0 or 1 */
	uint8_t ena_express;		/* 0 or 1 */
	uint8_t ena_express_udp;	/* 0 or 1 */
	uint32_t secondary_ips[VNITRO_MAX_ENI_IPS - 1];	/* network order */
	uint32_t secondary_count;
	char description[VNITRO_DESCRIPTION_LEN];
	char security_groups[VNITRO_MAX_SECURITY_GROUPS][VNITRO_ID_LEN];
	uint32_t security_group_count;
	char status[VNITRO_STATUS_LEN];
	/* Attachment: instance "" and device_index -1 while detached. */
	char instance[VNITRO_NAME_LEN];
	int32_t device_index;
	char ifname[IF_NAMESIZE];
	uint32_t ifindex;		/* 0 while detached */
	char pci_slot[VNITRO_PCI_SLOT_LEN];
	uint8_t adapter;		/* enum vnitro_adapter of the attached function */
	/* Frames the fabric dropped for source/dest check (attached only). */
	uint64_t tx_src_dst_dropped;
	uint64_t rx_src_dst_dropped;
	/* An attached EFA ENI's RDMA device ("efa_0"); "" otherwise. */
	char rdma_device[VNITRO_RDMA_DEVICE_LEN];
	/* The network card of the attachment; -1 while detached. */
	int32_t network_card;
	/*
	 * Security groups on the attached ENI's frames (0 while detached):
	 * drops per direction, new flows refused with the tracking table full
	 * (ENA's conntrack_allowance_exceeded), flows tracked now, and the
	 * table's size.
	 */
	uint64_t sg_ingress_dropped;
	uint64_t sg_egress_dropped;
	uint64_t conntrack_allowance_exceeded;
	uint64_t conntrack_tracked;
	uint64_t conntrack_max;
	/*
	 * Connection tracking idle timeouts in force, seconds (EC2's
	 * ConnectionTrackingConfiguration); 0 from a module without them.
	 */
	uint32_t tcp_established_timeout;
	uint32_t udp_stream_timeout;
	uint32_t udp_timeout;
	/* IPv6 addresses, 16 bytes each (network order), in assignment order. */
	uint8_t ipv6[VNITRO_MAX_ENI_IPV6][16];
	uint32_t ipv6_count;
	/*
	 * Network order: the alias under which the link-local services'
	 * namespace sees this ENI's requests (the metadata service's; + 1:
	 * DNS at 169.254.169.253, + 2: DNS at the VPC's base + 2, + 3: Time
	 * Sync). 0 while detached.
	 */
	uint32_t svc_addr;
};

/*
 * One route of a subnet's route table, to an IPv4 or an IPv6 destination.
 * A VPC with an IPv6 block has two local routes in every table: its IPv4
 * block, then its IPv6 /56.
 */
struct vnitro_route {
	char subnet_id[VNITRO_ID_LEN];
	uint32_t addr;			/* IPv4, network byte order ... */
	uint8_t prefixlen;		/* ... 0-32; IPv6: 0-128 */
	uint8_t target;			/* enum vnitro_route_target_kind */
	char target_id[VNITRO_ID_LEN];	/* ENI, IGW or EIGW id; "" for local */
	char status[VNITRO_STATUS_LEN];	/* "active" | "blackhole" */
	uint8_t ipv6;			/* 1: the destination is addr6, not addr */
	uint8_t addr6[16];		/* IPv6, network order */
};

/*
 * A VPC's internet gateway or, with egress_only 1, its egress-only internet
 * gateway (an id starting with VNITRO_EIGW_ID_PREFIX): the kernel lists both
 * kinds together.
 */
#define VNITRO_EIGW_ID_PREFIX	"eigw-"

struct vnitro_igw {
	char id[VNITRO_ID_LEN];
	char vpc_id[VNITRO_ID_LEN];
	char netns_name[VNITRO_NAME_LEN];
	uint8_t mac[VNITRO_MAC_LEN];
	uint8_t frag_needed;		/* 0 or 1; meaningless for an egress-only one */
	char ifname[IF_NAMESIZE];	/* its netdev in the namespace: "igw0", "eigw0" */
	uint32_t ifindex;
	uint8_t egress_only;		/* 0 or 1; 0 from a module without them */
	/* An egress-only gateway's tracking table, and what it kept out. */
	uint64_t conntrack_tracked;
	uint64_t conntrack_max;
	uint64_t conntrack_allowance_exceeded;
	uint64_t inbound_dropped;	/* from the internet, answering no flow */
};

/*
 * A security group rule: traffic it admits in @direction to or from its
 * peer, a group (@peer_id) or an IPv4 or IPv6 block. Unused fields are 0,
 * but for icmp_type and icmp_code, which are -1 (any) except in icmp and
 * icmpv6 rules that name a type or code.
 */
struct vnitro_sg_rule {
	uint8_t direction;		/* enum vnitro_sg_direction */
	uint16_t protocol;		/* 0-255, or VNITRO_SG_PROTO_ALL */
	uint8_t has_ports;		/* tcp (6) and udp (17): required */
	uint16_t port_from, port_to;
	int16_t icmp_type, icmp_code;	/* icmp (1), icmpv6 (58): -1 = any */
	char peer_id[VNITRO_ID_LEN];	/* "": the peer is the block: */
	uint32_t cidr_addr;		/* IPv4, network byte order ... */
	uint8_t cidr_prefixlen;		/* ... 0-32; IPv6: 0-128 */
	uint8_t ipv6;			/* 1: the block is cidr6, not cidr_addr */
	uint8_t cidr6[16];		/* IPv6, network order */
};

/*
 * A security group: its rules, ingress first, in the order they were added;
 * up to VNITRO_MAX_SG_RULES per direction for IPv4 and as many for IPv6.
 */
struct vnitro_sg {
	char id[VNITRO_ID_LEN];
	char vpc_id[VNITRO_ID_LEN];
	char name[VNITRO_SG_NAME_LEN];
	char description[VNITRO_DESCRIPTION_LEN];
	uint32_t rule_count;
	struct vnitro_sg_rule rules[4 * VNITRO_MAX_SG_RULES];
};

/*
 * A network ACL entry: rule @number of @direction does @action to what
 * matches. Unused fields are 0, but for icmp_type and icmp_code, which are
 * -1 (any) except in icmp and icmpv6 entries that name a type or code.
 */
struct vnitro_nacl_entry {
	uint8_t direction;		/* enum vnitro_sg_direction */
	uint16_t number;		/* 1-32766 */
	uint8_t action;			/* enum vnitro_nacl_action */
	uint16_t protocol;		/* 0-255, or VNITRO_SG_PROTO_ALL */
	uint8_t has_ports;		/* tcp (6) and udp (17): required */
	uint16_t port_from, port_to;
	int16_t icmp_type, icmp_code;	/* icmp (1), icmpv6 (58): -1 = any */
	uint32_t cidr_addr;		/* IPv4, network byte order ... */
	uint8_t cidr_prefixlen;		/* ... 0-32; IPv6: 0-128 */
	uint8_t ipv6;			/* 1: the block is cidr6, not cidr_addr */
	uint8_t cidr6[16];		/* IPv6, network order */
};

/*
 * A network ACL: its entries, ingress by number, then egress by number;
 * up to VNITRO_MAX_NACL_ENTRIES per direction for IPv4 and as many for IPv6.
 */
struct vnitro_nacl {
	char id[VNITRO_ID_LEN];
	char vpc_id[VNITRO_ID_LEN];
	uint8_t is_default;
	uint32_t entry_count;
	struct vnitro_nacl_entry entries[4 * VNITRO_MAX_NACL_ENTRIES];
};

/* An Elastic IP address; the association fields are "" and 0 while not associated. */
struct vnitro_eip {
	char id[VNITRO_ID_LEN];		/* "eipalloc-…" */
	uint32_t public_ip;		/* network byte order */
	char association_id[VNITRO_ID_LEN];	/* "eipassoc-…" */
	char eni_id[VNITRO_ID_LEN];
	char vpc_id[VNITRO_ID_LEN];
	uint32_t private_ip;		/* network byte order */
	char instance[VNITRO_NAME_LEN];	/* the ENI's instance; "" while detached */
};

/* The public pool Elastic IP addresses come from. */
struct vnitro_eip_pool {
	uint32_t addr;			/* network byte order */
	uint8_t prefixlen;
};

/*
 * The world's settings (WORLD_GET, WORLD_SET). Every bandwidth allowance the
 * module enforces is EC2's figure divided by rate_scale (1000 turns 5 Gbps
 * into 5 Mbit/s); an "up to" instance type with full network I/O credits
 * bursts at its peak for burst_seconds before it falls to its baseline.
 */
struct vnitro_world {
	uint32_t rate_scale;		/* 1 (the default) to VNITRO_RATE_SCALE_MAX */
	uint32_t burst_seconds;		/* VNITRO_BURST_SECONDS_MIN to _MAX, default 300 */
};

/*
 * The path model (PATH_GET, PATH_SET). Between two ENIs the VPC's network has
 * `paths` spine paths; each has a one-way latency (delay_us, plus up to
 * jitter_us drawn per frame), a loss and congestion episodes: time is cut
 * into episodes of episode_us, in a share congestion_ppm of which a path
 * adds congestion_delay_us and loses congestion_loss_ppm (when above its
 * loss). A plain ENA flow keeps one path (ECMP on its 5-tuple); ENA Express
 * (SRD) sprays its packets over the paths, avoids congested ones and resends
 * what is lost. EFA packets meet the world's loss and delay, EFA's SRD
 * packets its reordering too. The world's per-path fields are what every
 * path takes when one of them is set; a path may then be given its own.
 * A new world loses, delays and reorders nothing, with 8 paths, episodes of
 * 10000 us and a held-back packet late by 1000 us.
 */
struct vnitro_one_path {
	uint32_t index;			/* 0 to paths - 1 */
	uint32_t loss_ppm;		/* parts per million, 0 to VNITRO_PATH_MAX_PPM */
	uint32_t delay_us;		/* one-way latency, 0 to VNITRO_PATH_MAX_US */
	uint32_t jitter_us;		/* 0 to _MAX_US */
	uint32_t congestion_ppm;	/* share of episodes congested, 0 to _MAX_PPM */
	uint32_t congestion_delay_us;	/* 0 to _MAX_US */
	uint32_t congestion_loss_ppm;	/* 0 to _MAX_PPM */
};

struct vnitro_path {
	uint32_t loss_ppm;		/* parts per million, 0 to VNITRO_PATH_MAX_PPM */
	uint32_t reorder_ppm;		/* parts per million held back, 0 to _MAX_PPM */
	uint32_t delay_us;		/* one-way latency, 0 to VNITRO_PATH_MAX_US */
	uint32_t reorder_delay_us;	/* a held-back packet's extra latency, 0 to _MAX_US */
	uint64_t seed;			/* the last seed written (0: none yet) */
	uint32_t jitter_us;		/* 0 to VNITRO_PATH_MAX_US */
	uint32_t congestion_ppm;	/* share of episodes congested, 0 to _MAX_PPM */
	uint32_t congestion_delay_us;	/* 0 to _MAX_US */
	uint32_t congestion_loss_ppm;	/* 0 to _MAX_PPM */
	uint32_t episode_us;		/* 1 to _MAX_US */
	uint32_t paths;			/* spine paths in use, 1 to VNITRO_PATH_COUNT_MAX */
	/* Placement: per network node a frame crosses, and between zones (0 to _MAX_US). */
	uint32_t node_delay_us;
	uint32_t az_delay_us;
	/* Each path in use, in order: one[i].index is i. */
	uint32_t n_paths;
	struct vnitro_one_path one[VNITRO_PATH_COUNT_MAX];
};

/*
 * What PATH_SET changes: only the fields whose set_* is non-zero (0 is a
 * value of each). With has_index, path @index's own fields (loss, delay,
 * jitter and congestion: the kernel refuses the rest and the seed); without,
 * the world's, and every path takes the world's per-path fields when one of
 * them is set (what was set per path is replaced).
 */
struct vnitro_path_change {
	int set_loss_ppm;
	uint32_t loss_ppm;
	int set_reorder_ppm;
	uint32_t reorder_ppm;
	int set_delay_us;
	uint32_t delay_us;
	int set_reorder_delay_us;
	uint32_t reorder_delay_us;
	int set_seed;			/* restarts every draw of the model from it */
	uint64_t seed;
	int set_jitter_us;
	uint32_t jitter_us;
	int set_congestion_ppm;
	uint32_t congestion_ppm;
	int set_congestion_delay_us;
	uint32_t congestion_delay_us;
	int set_congestion_loss_ppm;
	uint32_t congestion_loss_ppm;
	int set_episode_us;
	uint32_t episode_us;
	int set_paths;
	uint32_t paths;
	int set_node_delay_us;		/* world only */
	uint32_t node_delay_us;
	int set_az_delay_us;		/* world only */
	uint32_t az_delay_us;
	int has_index;			/* one path's fields, not the world's */
	uint32_t index;
};

/* What ENI_SET changes: only the fields whose set_* is non-zero. */
struct vnitro_eni_settings {
	int set_source_dest_check, source_dest_check;
	int set_ena_express, ena_express;
	int set_ena_express_udp, ena_express_udp;
	const char *description;	/* NULL: unchanged; "": cleared */
	int set_security_groups;	/* replaces the list with these: */
	const char *const *security_groups;
	size_t security_group_count;
	/* Seconds, within VNITRO_*_TIMEOUT_MIN .. _MAX (the kernel checks). */
	int set_tcp_established_timeout;
	uint32_t tcp_established_timeout;
	int set_udp_stream_timeout;
	uint32_t udp_stream_timeout;
	int set_udp_timeout;
	uint32_t udp_timeout;
};

struct vnitro_subnet {
	char id[VNITRO_ID_LEN];
	char vpc_id[VNITRO_ID_LEN];
	uint32_t cidr_addr;		/* network byte order */
	uint8_t cidr_prefixlen;
	char az[VNITRO_AZ_LEN];
	char nacl_id[VNITRO_ID_LEN];	/* the network ACL it is associated with */
	uint8_t ipv6_cidr[16];		/* its IPv6 /64 (network order) ... */
	uint8_t ipv6_prefixlen;		/* ... 64, or 0: none */
	uint8_t assign_ipv6_on_creation;	/* a new ENI gets an IPv6 address */
};

struct vnitro_vpc {
	char id[VNITRO_ID_LEN];
	uint32_t cidr_addr;		/* network byte order */
	uint8_t cidr_prefixlen;
	uint8_t ipv6_cidr[16];		/* its IPv6 /56 (network order) ... */
	uint8_t ipv6_prefixlen;		/* ... 56, or 0: none */
};

/* What ENI_ADD should create. Zero it, then set what you need. */
struct vnitro_eni_spec {
	const char *subnet_id;		/* required */
	const char *id;			/* NULL: the kernel picks it */
	uint32_t private_ip;		/* 0: the kernel picks it */
	const uint8_t *mac;		/* 6 bytes; NULL: the kernel picks */
	int type;			/* enum vnitro_eni_type; <0: default */
	/* NULL, or settings it is created with, as vnitro_eni_set takes
	 * them; if the kernel refuses one, no ENI is created. */
	const struct vnitro_eni_settings *settings;
};

/* Returns the library version, e.g. "0.1.0"; a static string. */
const char *vnitro_version(void);

/*
 * Opens a generic netlink socket and resolves the "vnitro" family.
 * Stores a new handle in *hp in every case except -ENOMEM (then *hp is
 * NULL), so the caller can read vnitro_last_error() after a failure; the
 * caller owns the handle and releases it with vnitro_close(). Returns 0,
 * -ENOENT when the vnitro module is not loaded, or another negative errno.
 * The handle is usable for commands only after a 0 return.
 */
int vnitro_open(struct vnitro_handle **hp);

/* Closes the socket and frees the handle. NULL is a no-op. */
void vnitro_close(struct vnitro_handle *h);

/*
 * Returns why the most recent failing call on @h failed: the kernel's
 * extended-ack message if it sent one, otherwise a description of the
 * errno. Successful calls leave it unchanged. The string belongs to @h and
 * stays valid until the next call on @h. Never NULL, even for a NULL @h.
 */
const char *vnitro_last_error(const struct vnitro_handle *h);

/*
 * Commands. Each sends one request and waits for the kernel's answer; it
 * returns 0, or a negative errno with vnitro_last_error() set: the errno
 * the kernel refused with, -ENOTCONN if vnitro_open() failed on @h,
 * -EINVAL / -ENAMETOOLONG for a missing, empty or oversized string
 * (nothing is sent), -EPROTO for a reply that breaks the ABI.
 *
 * Each *_get() fills *out with the one object named (-ENOENT, with the
 * kernel's message, if there is none). Each *_list() stores a malloc()ed
 * array of *count objects in *items (NULL when *count is 0), which the
 * caller releases with free(); on failure *items is NULL and *count 0.
 * The "out" of *_add() and vnitro_eni_attach() may be NULL.
 */

/*
 * INSTANCE_ADD: registers the network namespace open as @netns_fd (-1 for
 * the initial namespace) as instance @name in @subnet_id, and creates its
 * primary ENI at device index 0 with @private_ip (network order; 0 lets the
 * kernel pick). @netns_fd stays the caller's. Fills *out with the instance.
 */
int vnitro_instance_add(struct vnitro_handle *h, const char *name,
			int netns_fd, const char *subnet_id,
			uint32_t private_ip, struct vnitro_instance *out);
/* The same, of instance type @type (NULL: the kernel's default, c5n.18xlarge). */
int vnitro_instance_add_typed(struct vnitro_handle *h, const char *name,
			      int netns_fd, const char *subnet_id,
			      uint32_t private_ip, const char *type,
			      struct vnitro_instance *out);
/*
 * The same, launched into placement group @placement_group (NULL or "":
 * none), in @partition of a partition group (0: vnitro picks the one with
 * the fewest instances). A group refuses what EC2's would: a cluster group
 * another zone than its instances' or a burstable type, an eighth
 * instance of a spread group in one zone, a partition beyond its count.
 */
int vnitro_instance_add_placed(struct vnitro_handle *h, const char *name,
			       int netns_fd, const char *subnet_id,
			       uint32_t private_ip, const char *type,
			       const char *placement_group, uint32_t partition,
			       struct vnitro_instance *out);
/*
 * INSTANCE_ADD with everything: an instance of another host when @host
 * (network order) is that host's underlay IPv4 address (@netns_fd is then
 * not used: it has no namespace here, and its ENIs are reached through the
 * tunnel); @primary_eni_id and @mac (NULL: chosen) name its primary ENI as
 * the other hosts do. Zero the spec, then set what you need.
 */
struct vnitro_instance_spec {
	const char *name;		/* required */
	const char *subnet_id;		/* required */
	int netns_fd;			/* -1: the initial namespace */
	uint32_t private_ip;		/* network order; 0: picked */
	const char *type;		/* NULL: c5n.18xlarge */
	const char *placement_group;	/* NULL or "": none */
	uint32_t partition;
	uint32_t host;			/* network order; 0: this host */
	const char *primary_eni_id;	/* NULL: picked */
	const uint8_t *mac;		/* 6 bytes; NULL: picked */
};
int vnitro_instance_create(struct vnitro_handle *h, const struct vnitro_instance_spec *spec,
			   struct vnitro_instance *out);
/*
 * TUNNEL_SET: frames between hosts go through Geneve device @dev (one in
 * external mode, "ip link add NAME type geneve external"); "" lets go of
 * it. TUNNEL_GET: the device and its counters.
 */
int vnitro_tunnel_set(struct vnitro_handle *h, const char *dev, struct vnitro_tunnel *out);
/* The same, and this host's own underlay address @local (network order; 0: none). */
int vnitro_tunnel_set_local(struct vnitro_handle *h, const char *dev, uint32_t local,
			    struct vnitro_tunnel *out);
int vnitro_tunnel_get(struct vnitro_handle *h, struct vnitro_tunnel *out);
/*
 * PG_ADD: placement group @name, enum vnitro_pg_strategy @strategy;
 * @partition_count for a partition group (0: 2), @spread_level for a
 * spread group (0: rack). PG_DEL: refused while it has instances.
 * PG_GET: by name or by id ("pg-…").
 */
int vnitro_pg_add(struct vnitro_handle *h, const char *name, uint8_t strategy,
		  uint32_t partition_count, uint8_t spread_level,
		  struct vnitro_placement_group *out);
int vnitro_pg_del(struct vnitro_handle *h, const char *name);
int vnitro_pg_get(struct vnitro_handle *h, const char *name_or_id,
		  struct vnitro_placement_group *out);
int vnitro_pg_list(struct vnitro_handle *h, struct vnitro_placement_group **items,
		   size_t *count);
/* TYPE_GET: one instance type by name, or all of them. */
int vnitro_type_get(struct vnitro_handle *h, const char *name,
		    struct vnitro_type *out);
int vnitro_type_list(struct vnitro_handle *h, struct vnitro_type **items,
		     size_t *count);
/* INSTANCE_SET: the instance's metadata options; a field below 0 stays as it is. */
struct vnitro_md_changes {
	int tokens;			/* enum vnitro_md_tokens */
	int hop_limit;			/* 1 .. 64 */
	int endpoint;			/* 0 or 1 */
};
int vnitro_instance_set(struct vnitro_handle *h, const char *name,
			const struct vnitro_md_changes *changes,
			struct vnitro_instance *out);
/* INSTANCE_DEL: detaches every ENI of @name and deletes its primary ENI. */
int vnitro_instance_del(struct vnitro_handle *h, const char *name);
/* INSTANCE_GET of instance @name, and the dump of all instances. */
int vnitro_instance_get(struct vnitro_handle *h, const char *name,
			struct vnitro_instance *out);
int vnitro_instance_list(struct vnitro_handle *h,
			 struct vnitro_instance **items, size_t *count);

/* ENI_ADD: creates a detached ENI as @spec says; fills *out with it. */
int vnitro_eni_add(struct vnitro_handle *h, const struct vnitro_eni_spec *spec,
		   struct vnitro_eni *out);
/* ENI_DEL: deletes ENI @id; the kernel refuses while it is attached. */
int vnitro_eni_del(struct vnitro_handle *h, const char *id);
/* ENI_GET of ENI @id, and the dump of all ENIs. */
int vnitro_eni_get(struct vnitro_handle *h, const char *id,
		   struct vnitro_eni *out);
int vnitro_eni_list(struct vnitro_handle *h, struct vnitro_eni **items,
		    size_t *count);
/*
 * ENI_ATTACH: attaches ENI @id to @instance at @device_index (0..31) of
 * network card 0. Fills *out with the ENI as attached.
 */
int vnitro_eni_attach(struct vnitro_handle *h, const char *id,
		      const char *instance, uint32_t device_index,
		      struct vnitro_eni *out);
/* The same at @device_index of network card @network_card (0..31). */
int vnitro_eni_attach_card(struct vnitro_handle *h, const char *id,
			   const char *instance, uint32_t network_card,
			   uint32_t device_index, struct vnitro_eni *out);
/* ENI_DETACH: the kernel refuses for the primary ENI (device index 0). */
int vnitro_eni_detach(struct vnitro_handle *h, const char *id);
/* ENI_SET: all of @s or nothing. */
int vnitro_eni_set(struct vnitro_handle *h, const char *id,
		   const struct vnitro_eni_settings *s, struct vnitro_eni *out);
/* ENI_IP_ASSIGN: address @ip (network order), or if 0, @count free ones. */
int vnitro_eni_ip_assign(struct vnitro_handle *h, const char *id, uint32_t ip,
			 uint32_t count, struct vnitro_eni *out);
/* ENI_IP_UNASSIGN: a secondary address. */
int vnitro_eni_ip_unassign(struct vnitro_handle *h, const char *id, uint32_t ip,
			   struct vnitro_eni *out);
/*
 * IPv6 addresses of an ENI (16 bytes, network order): assign @addr, or
 * @count free ones of the subnet's /64 when @addr is NULL; unassign @addr.
 * @out (may be NULL) receives the ENI.
 */
int vnitro_eni_ipv6_assign(struct vnitro_handle *h, const char *id, const uint8_t *addr,
			   uint32_t count, struct vnitro_eni *out);
int vnitro_eni_ipv6_unassign(struct vnitro_handle *h, const char *id, const uint8_t *addr,
			     struct vnitro_eni *out);
/*
 * IPv6 blocks: a VPC's /56 (@addr NULL: Amazon-provided) and a subnet's
 * /64; @prefixlen 0 disassociates. @out (may be NULL) receives the object.
 */
int vnitro_vpc_ipv6_set(struct vnitro_handle *h, const char *id, const uint8_t *addr,
			uint8_t prefixlen, struct vnitro_vpc *out);
int vnitro_subnet_ipv6_set(struct vnitro_handle *h, const char *id, const uint8_t *addr,
			   uint8_t prefixlen, struct vnitro_subnet *out);
/* EC2's AssignIpv6AddressOnCreation (@on 0 or 1; 1 needs the subnet's block). */
int vnitro_subnet_set_assign_ipv6(struct vnitro_handle *h, const char *id, uint8_t on,
				  struct vnitro_subnet *out);
/*
 * The MTU of attached ENI @id's netdev, set through rtnetlink inside its
 * instance's namespace (/run/netns/INSTANCE, or the caller's own namespace
 * for an instance without a file, such as i-host): what
 * "ip -n INSTANCE link set dev IFNAME mtu N" does. -EINVAL with a message if
 * the ENI is not attached; the kernel's errno if it refuses the MTU.
 */
int vnitro_eni_set_mtu(struct vnitro_handle *h, const char *id, uint32_t mtu);

/* VPC_ADD, VPC_DEL, SUBNET_ADD, SUBNET_DEL (addresses in network order). */
int vnitro_vpc_add(struct vnitro_handle *h, const char *id, uint32_t addr,
		   uint8_t prefixlen, struct vnitro_vpc *out);
int vnitro_vpc_del(struct vnitro_handle *h, const char *id);
int vnitro_subnet_add(struct vnitro_handle *h, const char *id,
		      const char *vpc_id, uint32_t addr, uint8_t prefixlen,
		      const char *az, struct vnitro_subnet *out);
int vnitro_subnet_del(struct vnitro_handle *h, const char *id);

/*
 * ROUTE_ADD/DEL/GET to the IPv4 destination @addr/@prefixlen (network
 * order): @target_id is an ENI id or an internet gateway id (an egress-only
 * one takes IPv6 destinations only). The local routes cannot be deleted.
 */
int vnitro_route_add(struct vnitro_handle *h, const char *subnet_id,
		     uint32_t addr, uint8_t prefixlen, const char *target_id,
		     struct vnitro_route *out);
int vnitro_route_del(struct vnitro_handle *h, const char *subnet_id,
		     uint32_t addr, uint8_t prefixlen);
/* The same to the IPv6 destination @addr6 (16 bytes, network order)/@prefixlen (0-128). */
int vnitro_route_add_ipv6(struct vnitro_handle *h, const char *subnet_id,
			  const uint8_t *addr6, uint8_t prefixlen, const char *target_id,
			  struct vnitro_route *out);
int vnitro_route_del_ipv6(struct vnitro_handle *h, const char *subnet_id,
			  const uint8_t *addr6, uint8_t prefixlen);
/* Every route of every subnet, IPv4 and IPv6, each table in the kernel's order. */
int vnitro_route_list(struct vnitro_handle *h, struct vnitro_route **items,
		      size_t *count);

/* IGW_ADD (@netns_fd -1: the initial namespace), IGW_DEL, IGW_SET, IGW_GET. */
int vnitro_igw_add(struct vnitro_handle *h, const char *id, const char *vpc_id,
		   int netns_fd, const char *netns_name, int frag_needed,
		   struct vnitro_igw *out);
int vnitro_igw_del(struct vnitro_handle *h, const char *id);
int vnitro_igw_set(struct vnitro_handle *h, const char *id, int frag_needed,
		   struct vnitro_igw *out);
int vnitro_igw_get(struct vnitro_handle *h, const char *id,
		   struct vnitro_igw *out);
int vnitro_igw_list(struct vnitro_handle *h, struct vnitro_igw **items,
		    size_t *count);
/*
 * IGW_ADD of the VPC's egress-only internet gateway (IPv6 only, outbound
 * only): @id must start with VNITRO_EIGW_ID_PREFIX (else -EINVAL, nothing is
 * sent); no frag-needed, which the kernel refuses for it. vnitro_igw_del(),
 * vnitro_igw_get() and vnitro_igw_list() serve both kinds; vnitro_igw_set()
 * is refused for this one.
 */
int vnitro_eigw_add(struct vnitro_handle *h, const char *id, const char *vpc_id,
		    int netns_fd, const char *netns_name, struct vnitro_igw *out);

/*
 * SG_ADD: a security group in @vpc_id. @id NULL: the kernel picks one;
 * @name NULL or "": named after its id; @description NULL or "": none. It starts with
 * one egress rule, all protocols to 0.0.0.0/0.
 */
int vnitro_sg_add(struct vnitro_handle *h, const char *id, const char *vpc_id,
		  const char *name, const char *description, struct vnitro_sg *out);
/* SG_DEL: refused for a default group and while anything depends on @id. */
int vnitro_sg_del(struct vnitro_handle *h, const char *id);
/* SG_GET of group @id, and the dump of all groups (default groups too). */
int vnitro_sg_get(struct vnitro_handle *h, const char *id, struct vnitro_sg *out);
int vnitro_sg_list(struct vnitro_handle *h, struct vnitro_sg **items, size_t *count);
/* SG_RULE_ADD and SG_RULE_DEL: fill *out with group @id as it now is. */
int vnitro_sg_rule_add(struct vnitro_handle *h, const char *id,
		       const struct vnitro_sg_rule *rule, struct vnitro_sg *out);
int vnitro_sg_rule_del(struct vnitro_handle *h, const char *id,
		       const struct vnitro_sg_rule *rule, struct vnitro_sg *out);

/*
 * NACL_ADD: a network ACL in @vpc_id, with no entries (it denies all).
 * @id NULL: the kernel picks one.
 */
int vnitro_nacl_add(struct vnitro_handle *h, const char *id, const char *vpc_id,
		    struct vnitro_nacl *out);
/* NACL_DEL: refused for a default ACL and while a subnet is associated with @id. */
int vnitro_nacl_del(struct vnitro_handle *h, const char *id);
/* NACL_GET of ACL @id, and the dump of all ACLs (default ACLs too). */
int vnitro_nacl_get(struct vnitro_handle *h, const char *id, struct vnitro_nacl *out);
int vnitro_nacl_list(struct vnitro_handle *h, struct vnitro_nacl **items, size_t *count);
/* NACL_ENTRY_ADD, _REPLACE and _DEL: fill *out (may be NULL) with ACL @id as it now is. */
int vnitro_nacl_entry_add(struct vnitro_handle *h, const char *id,
			  const struct vnitro_nacl_entry *entry, struct vnitro_nacl *out);
int vnitro_nacl_entry_replace(struct vnitro_handle *h, const char *id,
			      const struct vnitro_nacl_entry *entry, struct vnitro_nacl *out);
int vnitro_nacl_entry_del(struct vnitro_handle *h, const char *id, uint8_t direction,
			  uint16_t number, struct vnitro_nacl *out);
/* NACL_ASSOCIATE: subnet @subnet_id uses ACL @id (its VPC's default: EC2's disassociate). */
int vnitro_nacl_associate(struct vnitro_handle *h, const char *id, const char *subnet_id,
			  struct vnitro_subnet *out);

/*
 * EIP_ADD: allocate an Elastic IP address; @id NULL: the kernel picks one;
 * @public_ip (network order) 0: the lowest free address of the pool.
 */
int vnitro_eip_add(struct vnitro_handle *h, const char *id, uint32_t public_ip,
		   struct vnitro_eip *out);
/* EIP_DEL: release; refused while associated. */
int vnitro_eip_del(struct vnitro_handle *h, const char *id);
/* EIP_GET of allocation @id, and the dump of all. */
int vnitro_eip_get(struct vnitro_handle *h, const char *id, struct vnitro_eip *out);
int vnitro_eip_list(struct vnitro_handle *h, struct vnitro_eip **items, size_t *count);
/*
 * EIP_ASSOCIATE: map @id to @private_ip (network order; 0: the primary) of
 * ENI @eni_id; @allow_reassociation moves it from where it is associated.
 */
int vnitro_eip_associate(struct vnitro_handle *h, const char *id, const char *eni_id,
			 uint32_t private_ip, int allow_reassociation, struct vnitro_eip *out);
/* EIP_DISASSOCIATE: @id an allocation ("eipalloc-…") or an association ("eipassoc-…"). */
int vnitro_eip_disassociate(struct vnitro_handle *h, const char *id);
/* EIP_POOL_GET and EIP_POOL_SET (@addr network order); *out is the pool in force. */
int vnitro_eip_pool_get(struct vnitro_handle *h, struct vnitro_eip_pool *out);
int vnitro_eip_pool_set(struct vnitro_handle *h, uint32_t addr, uint8_t prefixlen,
			struct vnitro_eip_pool *out);

/*
 * WORLD_GET, and WORLD_SET of the settings that are not 0 (0 leaves one as it
 * is; both 0: -EINVAL, nothing is sent), all or nothing: the kernel checks
 * the ranges. *out is the settings in force (set's @out may be NULL).
 */
int vnitro_world_get(struct vnitro_handle *h, struct vnitro_world *out);
int vnitro_world_set(struct vnitro_handle *h, uint32_t rate_scale, uint32_t burst_seconds,
		     struct vnitro_world *out);

/*
 * PATH_GET, and PATH_SET of the fields @c marks (none: -EINVAL, nothing is
 * sent), all or nothing: the kernel checks the ranges, that the path exists
 * and that only a path's own fields are given with one. A seed, even the one
 * in force, restarts every pseudo-random draw of the model from it, so that a
 * run can be replayed. *out is the model in force, every path in use with it
 * (set's @out may be NULL).
 */
int vnitro_path_get(struct vnitro_handle *h, struct vnitro_path *out);
int vnitro_path_set(struct vnitro_handle *h, const struct vnitro_path_change *c,
		    struct vnitro_path *out);

/* VPC_GET and SUBNET_GET: one by id, or the dump of all. */
int vnitro_vpc_get(struct vnitro_handle *h, const char *id,
		   struct vnitro_vpc *out);
int vnitro_vpc_list(struct vnitro_handle *h, struct vnitro_vpc **items,
		    size_t *count);
int vnitro_subnet_get(struct vnitro_handle *h, const char *id,
		      struct vnitro_subnet *out);
int vnitro_subnet_list(struct vnitro_handle *h, struct vnitro_subnet **items,
		       size_t *count);

/*
 * Network namespaces, handled exactly as iproute2's "ip netns" does, so
 * that "ip netns exec NAME" works on an instance and vice versa. They need
 * no handle and CAP_SYS_ADMIN.
 */
#define VNITRO_NETNS_RUN_DIR	"/run/netns"

/*
 * Returns 0 if @name is usable as a namespace name (non-empty, shorter
 * than VNITRO_NAME_LEN, no '/', neither "." nor ".."), else -EINVAL.
 */
int vnitro_netns_name_check(const char *name);

/*
 * "ip netns add NAME": makes VNITRO_NETNS_RUN_DIR a shared mount point,
 * creates VNITRO_NETNS_RUN_DIR/NAME and bind-mounts a new network namespace
 * onto it. Returns 0, -EEXIST if the file already exists (it is left
 * alone), or another negative errno after undoing what it did. On failure,
 * if @err is not NULL, writes a one-line explanation of at most @errlen
 * bytes (NUL included) to it.
 */
int vnitro_netns_add(const char *name, char *err, size_t errlen);

/*
 * Opens the namespace NAME (O_RDONLY | O_CLOEXEC). Returns the file
 * descriptor, which the caller owns and closes, or a negative errno.
 */
int vnitro_netns_open(const char *name);

/*
 * "ip netns del NAME": lazily unmounts and unlinks the namespace file.
 * Returns 0 or the negative errno of unlink(), -ENOENT if there is none.
 */
int vnitro_netns_del(const char *name);

/*
 * Instance environments, what "vnitro exec" enters: for each instance a
 * mount namespace (a sysfs of the instance's network namespace, a bpffs of
 * its own at /sys/fs/bpf, its own /etc/resolv.conf, /etc/hostname and
 * /etc/hosts) and a UTS namespace (EC2's host name, ip-A-B-C-D), kept alive
 * as "ip netns" keeps network namespaces: bind-mounted onto the files mnt
 * and uts of VNITRO_ENV_RUN_DIR/NAME, a private mount. An environment
 * records the primary ENI and the network namespace it was made for; one
 * whose instance is gone or was made anew is stale, and each function
 * below tears down the stale ones it meets. They need CAP_SYS_ADMIN and a
 * handle (for the instance's addresses and for error messages).
 */
#define VNITRO_ENV_RUN_DIR	"/run/vnitro-instances"

/*
 * Creates the environment of instance @name, which must be registered;
 * replaces one left from an earlier instance of that name, keeps a current
 * one. Returns 0 or a negative errno.
 */
int vnitro_env_add(struct vnitro_handle *h, const char *name);

/*
 * vnitro_env_add(), then moves the calling process, which must be
 * single-threaded, into the instance's network, UTS and mount namespaces,
 * in the directory it was in if that exists there (else "/"). Returns 0 or
 * a negative errno; on failure the process may have entered some of them.
 */
int vnitro_env_enter(struct vnitro_handle *h, const char *name);

/*
 * Tears down the environment of @name, whether its instance exists or not:
 * lazily unmounts the namespace files (processes inside keep them until
 * they exit) and removes the directory. Returns 0, also if there is none.
 */
int vnitro_env_del(struct vnitro_handle *h, const char *name);

/*
 * Tears down every stale environment; with @module_loaded 0 (the vnitro
 * family does not exist, so no instance does) every environment, and @h
 * may then be a handle whose vnitro_open() failed. Returns how many it
 * tore down, or a negative errno.
 */
int vnitro_env_sweep(struct vnitro_handle *h, int module_loaded);

/*
 * The link-local services (EC2's instance metadata service at
 * 169.254.169.254, the VPC's DNS resolver at 169.254.169.253 and at each
 * VPC's base + 2, Time Sync at 169.254.169.123): servers in a network
 * namespace of their own behind the netdev "svc0", one per host. Each
 * request reaches them addressed to its ENI's alias (struct vnitro_eni
 * svc_addr) in @alias_addr/@alias_prefixlen.
 */
#define VNITRO_SERVICES_NETNS	"vnitro-services"

struct vnitro_services {
	char netns_name[VNITRO_NAME_LEN];
	char ifname[IF_NAMESIZE];	/* "svc0" */
	uint32_t ifindex;
	uint8_t mac[VNITRO_MAC_LEN];
	uint32_t alias_addr;		/* network order: 169.254.0.0 */
	uint8_t alias_prefixlen;	/* 17 */
	uint64_t requests;		/* handed to the namespace */
	uint64_t replies;		/* sent back to the instances */
	uint64_t dropped;		/* refused: another port or protocol */
};

/*
 * Plugs the services into namespace @netns_name (NULL: VNITRO_SERVICES_NETNS),
 * creating it as "ip netns add" would if it does not exist, and readies it:
 * lo and svc0 up, 169.254.0.0/17 local (every alias is an address of the
 * namespace), a default route by svc0. Needs CAP_SYS_ADMIN and CAP_NET_ADMIN.
 * Returns 0 or a negative errno (-EEXIST: plugged in already); nothing is
 * left plugged on failure.
 */
int vnitro_services_add(struct vnitro_handle *h, const char *netns_name,
			struct vnitro_services *out);
/* Unplugs them (svc0 goes; the namespace stays). -ENOENT: none. */
int vnitro_services_del(struct vnitro_handle *h);
int vnitro_services_get(struct vnitro_handle *h, struct vnitro_services *out);

#ifdef __cplusplus
}
#endif

#endif /* VNITRO_VNITRO_H */
