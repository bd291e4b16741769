// SPDX-License-Identifier: GPL-2.0-only
/* The topology file of "vnitro apply" and "vnitro dump", and the world it describes. */
#ifndef VNITRO_TOOLS_TOPOLOGY_H
#define VNITRO_TOOLS_TOPOLOGY_H

#include "cli.h"

struct json_object;

namespace vnitro::cli {

/* The format version "vnitro dump" writes and "vnitro apply" accepts. */
enum { TOPOLOGY_VERSION = 1 };

/*
 * A topology file, parsed and validated as a whole (topology.cc). Strings
 * point into the parsed JSON document, which the topology owns. A NULL
 * string is a key the file left out (or set to null).
 */
struct topo_vpc {
	const char *id;
	uint32_t addr;			/* network order */
	uint8_t prefixlen;
	uint8_t ipv6[16];		/* "ipv6_cidr", a /56 ... */
	uint8_t ipv6_prefixlen;		/* ... 56, or 0: none (null or absent) */
};

/* "destination" is IPv4 or IPv6, as in a struct vnitro_route. */
struct topo_route {
	uint32_t addr;			/* IPv4, network order ... */
	uint8_t prefixlen;		/* ... 0-32; IPv6: 0-128 */
	uint8_t ipv6;			/* 1: the destination is addr6, not addr */
	uint8_t addr6[16];		/* IPv6, network order */
	const char *target;		/* an ENI or gateway id of the file */
};

struct topo_subnet {
	const char *id;
	const char *vpc;
	uint32_t addr;
	uint8_t prefixlen;
	const char *az;
	const char *nacl;		/* "network_acl"; NULL: its VPC's default ACL */
	uint8_t ipv6[16];		/* "ipv6_cidr", a /64 of the VPC's ... */
	uint8_t ipv6_prefixlen;		/* ... 64, or 0: none */
	bool assign_ipv6;		/* "assign_ipv6_on_creation", false by default */
	struct topo_route *routes;
	size_t route_count;
};

/* An internet gateway, or an egress-only one ("eigw-…", in a list of its own). */
struct topo_igw {
	const char *id;
	const char *vpc;
	const char *netns;		/* NULL: the initial namespace */
	bool frag_needed;		/* an internet gateway's only */
};

struct topo_sg {
	const char *id;			/* of a default group: only a name in the file */
	const char *vpc;
	const char *name;		/* "default": the VPC's default group */
	const char *description;	/* never NULL; "" by default */
	struct vnitro_sg_rule *rules;	/* ingress, then egress; peer_id: a group of the file */
	size_t rule_count;
};

/* A network ACL; a default one comes with its VPC, and its id in the file is only a name. */
struct topo_nacl {
	const char *id;
	const char *vpc;
	bool is_default;		/* "default": true */
	struct vnitro_nacl_entry *entries;	/* ingress, then egress */
	size_t entry_count;
};

/* An Elastic IP address and the private address it maps to. */
struct topo_eip {
	const char *id;			/* "allocation_id" */
	uint32_t public_ip;		/* network order */
	const char *eni;		/* an ENI of the file; NULL: not associated */
	uint32_t private_ip;		/* 0 with an ENI: its primary address, which the kernel picks */
};

/* The public pool until "eip_pool" sets another: the kernel's default (RFC 5737 TEST-NET-3). */
enum { EIP_POOL_DEFAULT_PREFIXLEN = 24 };
constexpr uint32_t EIP_POOL_DEFAULT_ADDR = 0xcb007100u;	/* 203.0.113.0, host order */

/* A VPC's default group comes with the VPC: its id in the file is only a name. */
inline bool topo_default(const struct topo_sg &g)
{
	return !__builtin_strcmp(g.name, "default");
}

/* A placement group: the file names it, the kernel gives it its id. */
struct topo_pg {
	const char *name;
	uint8_t strategy;		/* enum vnitro_pg_strategy */
	uint32_t partition_count;	/* a partition group's, 2 unless given; else 0 */
	uint8_t spread_level;		/* a spread group's: rack; else 0 */
};

struct topo_instance {
	const char *name;
	const char *subnet;
	const char *type;		/* NULL: not pinned (the kernel's default) */
	const char *placement_group;	/* a group of the file; NULL: none */
	uint32_t partition;		/* in a partition group; 0: the kernel picks */
	uint32_t host;			/* "host": its host's underlay address (network order); 0: none */
	int primary;			/* index in enis[] of its device index 0, or -1 */
	/* Metadata options; absent keys are EC2's defaults. */
	uint8_t md_tokens;		/* enum vnitro_md_tokens */
	uint8_t md_hop_limit;
	bool md_endpoint;
};

struct topo_eni {
	const char *id;			/* of a primary ENI: only a name in the file */
	const char *subnet;
	bool has_mac;			/* else the kernel picks it */
	uint8_t mac[VNITRO_MAC_LEN];
	uint32_t private_ip;		/* 0: the kernel picks it */
	int type;			/* enum vnitro_eni_type */
	uint32_t secondary_ips[VNITRO_MAX_ENI_IPS - 1];
	size_t secondary_count;
	uint8_t ipv6[VNITRO_MAX_ENI_IPV6][16];	/* "ipv6_addresses", of the subnet's /64 */
	size_t ipv6_count;
	const char *description;	/* never NULL; "" by default */
	const char *security_groups[VNITRO_MAX_SECURITY_GROUPS];
	size_t security_group_count;
	bool source_dest_check;
	bool ena_express;
	bool ena_express_udp;
	/* Connection tracking idle timeouts, seconds: EC2's defaults unless given. */
	uint32_t tcp_established_timeout;
	uint32_t udp_stream_timeout;
	uint32_t udp_timeout;
	const char *instance;		/* NULL: available (detached) */
	int network_card;		/* "network_card_index": 0 unless given */
	int device_index;		/* -1 while detached; 0 of card 0: the primary ENI */
};

/* The primary ENI is at network card 0, device index 0. */
inline bool topo_primary(const struct topo_eni &e)
{
	return e.device_index == 0 && e.network_card == 0;
}

inline bool eni_is_primary(const struct vnitro_eni &e)
{
	return e.device_index == 0 && e.network_card == 0;
}

/* "device index N", or "network card C, device index N" off card 0, into @buf. */
const char *format_place(int card, int index, char *buf, size_t len);

class topology {
public:
	topology() = default;
	~topology();
	topology(const topology &) = delete;
	topology &operator=(const topology &) = delete;

	/*
	 * Reads FILE ("-": standard input) and checks it without the kernel:
	 * syntax, keys, types, values, references and the rules a file alone
	 * shows. A bad file is a usage error: "FILE: PATH: why", exit 2.
	 */
	void load(const char *file);
	/* The document as read (the file's JSON), for vnitro cluster apply to store. */
	struct json_object *document() const { return root_; }
	/* "cluster_revision": the world's revision in etcd the file was dumped at; 0: none. */
	int64_t cluster_revision = 0;

	struct topo_vpc *vpcs = nullptr;
	size_t vpc_count = 0;
	struct topo_subnet *subnets = nullptr;
	size_t subnet_count = 0;
	struct topo_igw *igws = nullptr;
	size_t igw_count = 0;
	struct topo_igw *eigws = nullptr;	/* "egress_only_internet_gateways" */
	size_t eigw_count = 0;
	struct topo_sg *sgs = nullptr;
	size_t sg_count = 0;
	struct topo_nacl *nacls = nullptr;
	size_t nacl_count = 0;
	struct topo_pg *pgs = nullptr;		/* "placement_groups" */
	size_t pg_count = 0;
	struct topo_instance *instances = nullptr;
	size_t instance_count = 0;
	struct topo_eni *enis = nullptr;
	size_t eni_count = 0;
	/* "eip_pool", or the default pool when the file has none (has_eip_pool false). */
	bool has_eip_pool = false;
	uint32_t eip_pool_addr = 0;	/* network order */
	uint8_t eip_pool_prefixlen = 0;
	struct topo_eip *eips = nullptr;
	size_t eip_count = 0;
	/* "world": the settings WORLD_SET takes; 0, one the file does not give (left as it is). */
	uint32_t rate_scale = 0;
	uint32_t burst_seconds = 0;
	/* "path": the fields PATH_SET takes; those the file gives are set, the rest left alone. */
	struct vnitro_path_change path = {};
	/*
	 * "per_path" (has_per_path: the file has it, even empty): one change per
	 * path it lists, has_index set, in the file's order; the other paths in
	 * use are to be the world's.
	 */
	bool has_per_path = false;
	size_t per_path_count = 0;
	struct vnitro_path_change per_path[VNITRO_PATH_COUNT_MAX] = {};

	const struct topo_vpc *find_vpc(const char *id) const;
	const struct topo_subnet *find_subnet(const char *id) const;
	const struct topo_instance *find_instance(const char *name) const;
	const struct topo_pg *find_pg(const char *name) const;
	/* By the id in the file (for a primary ENI, a name the file gives it). */
	const struct topo_eni *find_eni(const char *id) const;
	const struct topo_igw *find_igw(const char *id) const;
	const struct topo_igw *find_eigw(const char *id) const;
	const struct topo_sg *find_sg(const char *id) const;
	const struct topo_nacl *find_nacl(const char *id) const;
	const struct topo_eip *find_eip(const char *id) const;

private:
	struct json_object *root_ = nullptr;
};

/* The kernel's world, read in one go (world.cc); lists as libvnitro returns them. */
class world {
public:
	world() = default;
	~world();
	world(const world &) = delete;
	world &operator=(const world &) = delete;

	/* Reads every list; on failure reports the library's error and returns false. */
	bool read(session &s);
	/* Sorts every list into the stable order of "vnitro dump". */
	void sort();

	struct vnitro_vpc *vpcs = nullptr;
	size_t vpc_count = 0;
	struct vnitro_subnet *subnets = nullptr;
	size_t subnet_count = 0;
	/* The kernel lists both kinds of gateway together; read() splits them. */
	struct vnitro_igw *igws = nullptr;
	size_t igw_count = 0;
	struct vnitro_igw *eigws = nullptr;	/* egress_only */
	size_t eigw_count = 0;
	struct vnitro_instance *instances = nullptr;
	size_t instance_count = 0;
	struct vnitro_placement_group *pgs = nullptr;
	size_t pg_count = 0;
	struct vnitro_eni *enis = nullptr;
	size_t eni_count = 0;
	struct vnitro_route *routes = nullptr;
	size_t route_count = 0;
	struct vnitro_sg *sgs = nullptr;
	size_t sg_count = 0;
	struct vnitro_nacl *nacls = nullptr;
	size_t nacl_count = 0;
	struct vnitro_eip *eips = nullptr;
	size_t eip_count = 0;
	struct vnitro_eip_pool eip_pool = {};
	struct vnitro_world settings = {};
	struct vnitro_tunnel tunnel = {};	/* its local address: this host's in the file */
	struct vnitro_path path = {};

	const struct vnitro_vpc *find_vpc(const char *id) const;
	const struct vnitro_subnet *find_subnet(const char *id) const;
	const struct vnitro_igw *find_igw(const char *id) const;
	const struct vnitro_igw *find_igw_of(const char *vpc_id) const;
	const struct vnitro_igw *find_eigw(const char *id) const;
	const struct vnitro_igw *find_eigw_of(const char *vpc_id) const;
	const struct vnitro_instance *find_instance(const char *name) const;
	const struct vnitro_placement_group *find_pg(const char *name) const;
	const struct vnitro_eni *find_eni(const char *id) const;
	/* The ENI attached to @instance at @index, or NULL. */
	const struct vnitro_eni *eni_at(const char *instance, int32_t card, int32_t index) const;
	const struct vnitro_sg *find_sg(const char *id) const;
	/* The default group of VPC @vpc_id, or NULL. */
	const struct vnitro_sg *default_sg_of(const char *vpc_id) const;
	const struct vnitro_nacl *find_nacl(const char *id) const;
	const struct vnitro_eip *find_eip(const char *id) const;
	/* The route of @subnet to @dest's destination, or NULL. */
	const struct vnitro_route *find_route(const char *subnet,
					      const struct topo_route &dest) const;
};

/* The item of @items whose string @key is @value, or NULL. */
template <typename T, typename K>
const T *find_by(const T *items, size_t count, K T::*key, const char *value)
{
	for (size_t i = 0; i < count; i++)
		if (!__builtin_strcmp(items[i].*key, value))
			return &items[i];
	return nullptr;
}

/* The item of @items whose id is @id, or NULL. */
template <typename T>
const T *find_id(const T *items, size_t count, const char *id)
{
	return find_by(items, count, &T::id, id);
}

/* The item of @items whose name is @name (instances, placement groups), or NULL. */
template <typename T>
const T *find_name(const T *items, size_t count, const char *name)
{
	return find_by(items, count, &T::name, name);
}

/* Host-order helpers shared by topology.cc, apply.cc and dump.cc. */
uint32_t prefix_mask(uint8_t prefixlen);	/* host order */
bool cidr_contains(uint32_t addr, uint8_t prefixlen, uint32_t ip);	/* network order */

/* Whether @ip is one of @ips (any byte order, the same for both). */
inline bool has_ip(const uint32_t *ips, size_t count, uint32_t ip)
{
	for (size_t i = 0; i < count; i++)
		if (ips[i] == ip)
			return true;
	return false;
}

} // namespace vnitro::cli

#endif /* VNITRO_TOOLS_TOPOLOGY_H */
