/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcore/control.h - the control plane: VPCs, subnets, instances, ENIs and their rules.
 * Part of the boundary between the C shim and the C++ core (one header per area:
 * services, fabric, control, ena, efa): extern "C" functions, POD structs, fixed-width
 * integers, opaque handles. Every name the core exports starts with vcore_/VCORE_; the
 * shim's own names start with vnitro_.
 */
#ifndef VCORE_CONTROL_H
#define VCORE_CONTROL_H

#include "vcore/fabric.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vcore_ctl;

/* What the shim must do when an ENI is attached to an instance. */
struct vcore_plug_desc {
	char eni_id[VCORE_ID_MAX];
	struct vcore_port_desc port;	/* complete but for the cookie */
	void *instance_cookie;		/* the instance's namespace (shim's); NULL on another host */
	uint32_t host;			/* 0: this host; else the instance's host (port.remote_host) */
	uint32_t network_card;
	uint32_t device_index;
	uint8_t eni_type;		/* enum vnitro_eni_type */
	/* From the instance type: */
	uint8_t rss_key_mode;		/* enum vcore_ena_rss_key_mode */
	uint32_t max_queues;		/* ENA queue pairs per ENI: the device's, at most the vCPUs */
	uint8_t efa_gen;		/* enum vcore_efa_gen of the EFA function (ENIs of type efa) */
	uint8_t adapter;		/* enum vnitro_adapter: the function's personality */
};

/* What the shim must do when an internet gateway is created. */
struct vcore_igw_plug_desc {
	char igw_id[VCORE_ID_MAX];
	struct vcore_port_desc port;	/* kind VCORE_PORT_IGW; cookie unused */
	void *netns_cookie;		/* the "internet" namespace (shim's) */
};

/*
 * Side effects the control plane asks of its environment, all called with
 * the control plane's lock held. plug returns 0 and a cookie for the
 * attachment, or a negative errno with err->msg set; unplug cannot fail.
 * netns_release drops a namespace reference the control plane took over
 * (instance_add, igw_add).
 *
 * The others keep the fabric's ports in step and may be NULL (nothing to
 * keep in step): port_update replaces an attached ENI's port desc (IPs,
 * source/dest check) and may fail (the core then rolls back);
 * igw_plug/igw_unplug/igw_update do for a gateway's port what
 * plug/unplug/port_update do for an ENI's. (Route tables need no op: the
 * control plane sets them in the fabric it was created with.) in_use says whether userspace
 * holds a device of the attachment open (an EFA's user contexts): it writes
 * the device's name into dev and returns how many holders there are.
 */
struct vcore_ctl_ops {
	int (*plug)(void *ops_ctx, const struct vcore_plug_desc *desc,
		    void **plug_cookie, struct vcore_err *err);
	void (*unplug)(void *ops_ctx, void *plug_cookie);
	void (*netns_release)(void *ops_ctx, void *netns_cookie);
	int (*port_update)(void *ops_ctx, void *plug_cookie, const struct vcore_port_desc *port,
			   struct vcore_err *err);
	int (*igw_plug)(void *ops_ctx, const struct vcore_igw_plug_desc *desc,
			void **igw_cookie, struct vcore_err *err);
	void (*igw_unplug)(void *ops_ctx, void *igw_cookie);
	int (*igw_update)(void *ops_ctx, void *igw_cookie, const struct vcore_port_desc *port,
			  struct vcore_err *err);
	uint32_t (*in_use)(void *ops_ctx, void *plug_cookie, char *dev, size_t dev_len);
};

/* An EC2 instance type and the limits vnitro enforces for it (control/types.cc). */
struct vcore_type_info {
	char name[VNITRO_TYPE_LEN];
	uint32_t max_enis;		/* network interfaces per instance */
	uint32_t network_cards;		/* network cards: 0 to network_cards - 1 */
	uint32_t max_enis_per_card;	/* network interfaces per network card */
	uint32_t max_ips_per_eni;	/* private IPv4 per ENI, primary included */
	uint32_t max_queues;		/* ENA queue pairs the device offers per ENI */
	uint32_t baseline_mbps;		/* baseline bandwidth of the instance, all cards */
	uint8_t efa;			/* EFA generation (enum vcore_efa_gen); 0: no EFA */
	uint8_t ena_express;		/* ENA Express supported */
	uint8_t rss_key_mode;		/* enum vcore_ena_rss_key_mode */
	uint32_t conntrack_max;		/* flows each ENI tracks at once: vnitro's figure */
	uint8_t adapter;		/* enum vnitro_adapter: what its ENIs present */
	uint32_t vcpus;			/* the guest driver uses at most one queue pair per vCPU */
	uint32_t peak_mbps;		/* burst bandwidth ("up to"); baseline_mbps if none */
	uint32_t max_efas;		/* EFAs per instance, one per network card at most */
};

struct vcore_vpc_info {
	char id[VCORE_ID_MAX];
	uint32_t cidr_addr;		/* host order */
	uint8_t cidr_prefixlen;
	uint8_t has_ipv6;		/* its IPv6 /56: */
	uint64_t ipv6_prefix;		/* the address's upper 64 bits, host order */
};

struct vcore_subnet_info {
	char id[VCORE_ID_MAX];
	char vpc_id[VCORE_ID_MAX];
	char az[VCORE_ID_MAX];
	uint32_t cidr_addr;
	uint8_t cidr_prefixlen;
	char nacl_id[VCORE_ID_MAX];	/* the network ACL it is associated with */
	uint8_t has_ipv6;		/* its IPv6 /64: */
	uint64_t ipv6_prefix;		/* the address's upper 64 bits, host order */
	uint8_t assign_ipv6_on_creation;	/* a new ENI gets an IPv6 address */
};

/* An instance's metadata options (EC2's InstanceMetadataOptions). */
struct vcore_md_options {
	uint8_t tokens;			/* enum vnitro_md_tokens */
	uint8_t hop_limit;		/* VNITRO_MD_HOP_LIMIT_MIN .. _MAX */
	uint8_t endpoint;		/* 0 or 1 */
};

/* INSTANCE_SET's changes: a field below 0 is left as it is. */
struct vcore_md_changes {
	int tokens, hop_limit, endpoint;
};

struct vcore_instance_info {
	char name[VCORE_NAME_MAX];
	char subnet_id[VCORE_ID_MAX];
	char az[VCORE_ID_MAX];
	char primary_eni_id[VCORE_ID_MAX];
	uint32_t eni_count;
	struct vcore_type_info type;
	void *cookie;			/* the instance's namespace */
	struct vcore_md_options md;
	/* Its placement group ("": none), and partition (partition groups). */
	char pg_name[VNITRO_PG_NAME_LEN];
	char pg_id[VCORE_ID_MAX];
	uint32_t partition;
	/* Its network nodes, top layer first (shown as "nn-" and 17 hex digits). */
	uint64_t nodes[VNITRO_TOPOLOGY_LAYERS];
	/* 0: it runs on this host; else its host's underlay IPv4 address, host order. */
	uint32_t host;
};

/* A placement group (placement.cc). */
struct vcore_pg_info {
	char name[VNITRO_PG_NAME_LEN];
	char id[VCORE_ID_MAX];		/* "pg-" and 17 lowercase hex digits */
	uint8_t strategy;		/* enum vnitro_pg_strategy */
	uint32_t partition_count;	/* partition groups; else 0 */
	uint8_t spread_level;		/* spread groups; else 0 */
	uint32_t instance_count;
	char az[VCORE_ID_MAX];		/* a cluster group's zone, once set */
};

struct vcore_eni_info {
	char id[VCORE_ID_MAX];
	char subnet_id[VCORE_ID_MAX];
	char vpc_id[VCORE_ID_MAX];
	uint8_t mac[6];
	uint32_t private_ip;		/* host order */
	uint32_t secondary_ips[VCORE_PORT_MAX_IPS - 1];	/* host order, assignment order */
	uint32_t secondary_count;
	/* IPv6 addresses: ipv6_prefix (the subnet's /64, upper 64 bits) and each
	 * one's lower 64 bits, host order, in assignment order. */
	uint64_t ipv6_prefix;
	uint64_t ipv6_iids[VCORE_PORT_MAX_IPV6];
	uint32_t ipv6_count;
	char description[VNITRO_DESCRIPTION_LEN];
	char security_groups[VNITRO_MAX_SECURITY_GROUPS][VCORE_ID_MAX];
	uint32_t security_group_count;
	uint8_t type;
	uint8_t source_dest_check;
	uint8_t ena_express;
	uint8_t ena_express_udp;
	uint8_t attached;
	/* valid when attached: */
	char instance[VCORE_NAME_MAX];
	uint32_t network_card;
	uint32_t device_index;
	void *plug_cookie;
	/* Connection tracking idle timeouts in force, seconds. */
	uint32_t tcp_established_timeout;
	uint32_t udp_stream_timeout;
	uint32_t udp_timeout;
};

/* Arguments of vcore_ctl_eni_add; zero fields mean "choose for me". */
struct vcore_eni_spec {
	char id[VCORE_ID_MAX];		/* "" = generate */
	char subnet_id[VCORE_ID_MAX];
	uint32_t private_ip;		/* 0 = allocate, host order */
	uint8_t mac[6];			/* all zero = generate */
	uint8_t type;
	/* NULL, or what the new ENI gets as ENI_SET would give it (EC2's
	 * CreateNetworkInterface takes a description, groups and timeouts):
	 * if that is refused, the ENI is not created. */
	const struct vcore_eni_changes *settings;
};

/* Arguments of vcore_ctl_eni_set: only the fields whose set_* flag is 1 change. */
struct vcore_eni_changes {
	uint8_t set_source_dest_check, source_dest_check;
	uint8_t set_ena_express, ena_express;
	uint8_t set_ena_express_udp, ena_express_udp;
	uint8_t set_description;
	char description[VNITRO_DESCRIPTION_LEN];
	uint8_t set_security_groups;
	uint32_t security_group_count;
	char security_groups[VNITRO_MAX_SECURITY_GROUPS][VCORE_ID_MAX];
	/* Seconds, within EC2's ranges (VNITRO_*_TIMEOUT_MIN/MAX). */
	uint8_t set_tcp_established_timeout;
	uint32_t tcp_established_timeout;
	uint8_t set_udp_stream_timeout;
	uint32_t udp_stream_timeout;
	uint8_t set_udp_timeout;
	uint32_t udp_timeout;
};

struct vcore_route_info {
	char subnet_id[VCORE_ID_MAX];
	uint8_t ipv6;			/* the destination is addr6 (network order), else addr */
	uint8_t addr6[16];
	uint32_t addr;			/* host order */
	uint8_t prefixlen;
	uint8_t target;			/* enum vnitro_route_target_kind */
	char target_id[VCORE_ID_MAX];	/* ENI or IGW id; "" for local */
	uint8_t blackhole;		/* the target ENI is detached or gone */
};

struct vcore_igw_info {
	char id[VCORE_ID_MAX];
	char vpc_id[VCORE_ID_MAX];
	char netns_name[VCORE_NAME_MAX];
	uint8_t mac[6];
	uint8_t frag_needed;
	uint8_t egress_only;		/* an egress-only internet gateway ("eigw-…") */
	void *cookie;			/* what igw_plug returned (NULL without the op) */
};

/*
 * One rule of a security group (control/sg.cc). Unused fields are zero,
 * but for icmp_type/icmp_code, which are -1 (any) unless protocol is 1.
 */
struct vcore_ctl_sg_rule {
	uint8_t direction;		/* enum vnitro_sg_direction */
	uint16_t protocol;		/* 0-255 or VNITRO_SG_PROTO_ALL */
	uint8_t has_ports;		/* tcp (6) and udp (17) must have a range: */
	uint16_t port_from, port_to;
	int16_t icmp_type, icmp_code;	/* icmp (1), icmpv6 (58): -1 = any; any type needs any code */
	char peer_id[VCORE_ID_MAX];	/* a group of the same VPC; "" = the CIDR block: */
	uint8_t ipv6;			/* 1: cidr6 (IPv6, /0 to /128); 0: cidr_addr (IPv4) */
	uint32_t cidr_addr;		/* host order */
	uint8_t cidr6[16];		/* network order */
	uint8_t cidr_prefixlen;
};

struct vcore_sg_info {
	char id[VCORE_ID_MAX];
	char vpc_id[VCORE_ID_MAX];
	char name[VNITRO_SG_NAME_LEN];
	char description[VNITRO_DESCRIPTION_LEN];
	uint32_t key;			/* the fabric's name for the group, from 1 */
	uint8_t is_default;		/* the VPC's default group */
	uint32_t rule_count;		/* ingress and egress */
};

/*
 * One rule (entry) of a network ACL (control/nacl.cc). Unused fields are
 * zero, but for icmp_type/icmp_code, which are -1 (any) unless protocol is 1.
 */
struct vcore_ctl_nacl_entry {
	uint8_t direction;		/* enum vnitro_sg_direction */
	uint16_t number;		/* 1..VNITRO_NACL_MAX_NUMBER, unique per direction */
	uint8_t action;			/* enum vnitro_nacl_action */
	uint16_t protocol;		/* 0-255 or VNITRO_SG_PROTO_ALL */
	uint8_t has_ports;		/* tcp (6) and udp (17) must have a range */
	uint16_t port_from, port_to;
	int16_t icmp_type, icmp_code;	/* icmp (1), icmpv6 (58): -1 = any; any type needs any code */
	uint8_t ipv6;			/* 1: cidr6 (IPv6, /0 to /128); 0: cidr_addr (IPv4) */
	uint32_t cidr_addr;		/* host order */
	uint8_t cidr6[16];		/* network order */
	uint8_t cidr_prefixlen;
};

struct vcore_nacl_info {
	char id[VCORE_ID_MAX];
	char vpc_id[VCORE_ID_MAX];
	uint32_t key;			/* the fabric's name for the ACL, from 1 */
	uint8_t is_default;		/* the VPC's default ACL */
	uint32_t entry_count;		/* ingress and egress, the "*" rules not counted */
	uint32_t subnet_count;		/* subnets associated with it */
};

/* An Elastic IP address (control/eip.cc); the association fields are "" and 0 when not associated. */
struct vcore_eip_info {
	char id[VCORE_ID_MAX];		/* "eipalloc-…" */
	uint32_t public_ip;		/* host order */
	uint8_t associated;
	char association_id[VCORE_ID_MAX];	/* "eipassoc-…" */
	char eni_id[VCORE_ID_MAX];
	char vpc_id[VCORE_ID_MAX];
	uint32_t private_ip;		/* host order */
	char instance[VCORE_NAME_MAX];	/* the ENI's instance; "" while the ENI is detached */
};

/*
 * A control plane whose subnets and route tables live in @fab (which must
 * outlive it); ports are plugged through @ops.
 */
struct vcore_ctl *vcore_ctl_create(const struct vcore_ctl_ops *ops, void *ops_ctx,
				   struct vcore_fabric *fab);
/* Deletes every instance and ENI (unplugging them) and frees the control plane. */
void vcore_ctl_destroy(struct vcore_ctl *ctl);

/* vpc-default 172.31.0.0/16, subnet-default 172.31.0.0/20, instance @name. */
int vcore_ctl_create_default_world(struct vcore_ctl *ctl, const char *instance_name,
				   void *instance_cookie, struct vcore_err *err);

/* Creates the VPC's default security group too. */
int vcore_ctl_vpc_add(struct vcore_ctl *ctl, const char *id, uint32_t addr,
		      uint8_t prefixlen, struct vcore_err *err);
/*
 * -EBUSY while the VPC has subnets, an internet gateway or security groups
 * besides its default one (deleted with it).
 */
int vcore_ctl_vpc_del(struct vcore_ctl *ctl, const char *id, struct vcore_err *err);
int vcore_ctl_subnet_add(struct vcore_ctl *ctl, const char *id, const char *vpc_id,
			 uint32_t addr, uint8_t prefixlen, const char *az,
			 struct vcore_err *err);
/* -EBUSY while ENIs live in the subnet. */
int vcore_ctl_subnet_del(struct vcore_ctl *ctl, const char *id, struct vcore_err *err);

/* The instance types: by name (-ENOENT listing them), by position. */
int vcore_ctl_type_get(const char *name, struct vcore_type_info *out, struct vcore_err *err);
int vcore_ctl_type_at(uint32_t pos, struct vcore_type_info *out);
/* The type of an INSTANCE_ADD without one. */
#define VCORE_DEFAULT_INSTANCE_TYPE "c5n.18xlarge"

/*
 * Registers @cookie (a namespace) as instance @name of type @type (NULL or
 * "" = VCORE_DEFAULT_INSTANCE_TYPE) and creates and attaches its primary
 * ENI at index 0. On failure nothing is kept and the caller still owns the
 * cookie; on success the control plane owns it.
 */
int vcore_ctl_instance_add(struct vcore_ctl *ctl, const char *name, void *cookie,
			   const char *subnet_id, uint32_t primary_ip, const char *type,
			   struct vcore_instance_info *out, struct vcore_err *err);
/*
 * The same, launched into placement group @pg_name (NULL or "": none), in
 * @partition of a partition group (0: the one with the fewest instances).
 * Refused as EC2 refuses: a cluster group whose instances are in another
 * zone, or a burstable type in one; an eighth instance of a spread group
 * in a zone; a partition beyond the group's count.
 */
int vcore_ctl_instance_add_placed(struct vcore_ctl *ctl, const char *name, void *cookie,
				  const char *subnet_id, uint32_t primary_ip, const char *type,
				  const char *pg_name, uint32_t partition,
				  struct vcore_instance_info *out, struct vcore_err *err);
/*
 * The same, all of it given: @spec->host 0 runs it here, in namespace
 * @cookie; another host's underlay IPv4 address (host order) makes it that
 * host's instance (@cookie NULL): its ENIs are remote ports, reached over
 * the tunnel. @spec->eni_id and @spec->mac give its primary ENI's id and
 * MAC ("" and all zero: chosen), so that every host's world names the
 * same ENI alike.
 */
struct vcore_instance_spec {
	const char *name;
	const char *subnet_id;
	uint32_t primary_ip;		/* 0: allocated */
	const char *type;		/* NULL or "": the default */
	const char *pg_name;		/* NULL or "": none */
	uint32_t partition;
	uint32_t host;
	char eni_id[VCORE_ID_MAX];
	uint8_t mac[6];
};
int vcore_ctl_instance_add_spec(struct vcore_ctl *ctl, const struct vcore_instance_spec *spec,
				void *cookie, struct vcore_instance_info *out,
				struct vcore_err *err);
int vcore_ctl_instance_del(struct vcore_ctl *ctl, const char *name, struct vcore_err *err);
/*
 * Placement groups: @partition_count for a partition group (0: 2), @spread_level
 * for a spread group (0: rack); at most VNITRO_MAX_PGS. Deleting one with
 * instances is refused (-EBUSY). Get by name, or by id ("pg-…") when
 * @by_id; at: by position.
 */
int vcore_ctl_pg_add(struct vcore_ctl *ctl, const char *name, uint8_t strategy,
		     uint32_t partition_count, uint8_t spread_level,
		     struct vcore_pg_info *out, struct vcore_err *err);
int vcore_ctl_pg_del(struct vcore_ctl *ctl, const char *name, struct vcore_err *err);
int vcore_ctl_pg_get(const struct vcore_ctl *ctl, const char *key, bool by_id,
		     struct vcore_pg_info *out, struct vcore_err *err);
int vcore_ctl_pg_at(const struct vcore_ctl *ctl, uint32_t pos, struct vcore_pg_info *out);
/* All or nothing: every given option is checked before any is set. */
int vcore_ctl_instance_set(struct vcore_ctl *ctl, const char *name,
			   const struct vcore_md_changes *changes,
			   struct vcore_instance_info *out, struct vcore_err *err);

int vcore_ctl_eni_add(struct vcore_ctl *ctl, const struct vcore_eni_spec *spec,
		      struct vcore_eni_info *out, struct vcore_err *err);
int vcore_ctl_eni_del(struct vcore_ctl *ctl, const char *id, struct vcore_err *err);
int vcore_ctl_eni_attach(struct vcore_ctl *ctl, const char *id, const char *instance,
			 uint32_t network_card, uint32_t device_index,
			 struct vcore_eni_info *out, struct vcore_err *err);
int vcore_ctl_eni_detach(struct vcore_ctl *ctl, const char *id, struct vcore_err *err);
/*
 * All or nothing; an attached ENI's port is updated. Security groups must
 * be groups of the ENI's VPC, at least one (a new ENI has the default group);
 * connection tracking timeouts within EC2's ranges.
 */
int vcore_ctl_eni_set(struct vcore_ctl *ctl, const char *id,
		      const struct vcore_eni_changes *changes, struct vcore_eni_info *out,
		      struct vcore_err *err);
/* @ip (host order) if not 0, else @count free addresses, lowest first. */
int vcore_ctl_eni_ip_assign(struct vcore_ctl *ctl, const char *id, uint32_t ip,
			    uint32_t count, struct vcore_eni_info *out, struct vcore_err *err);
int vcore_ctl_eni_ip_unassign(struct vcore_ctl *ctl, const char *id, uint32_t ip,
			      struct vcore_eni_info *out, struct vcore_err *err);

/*
 * IPv6 (control/ipv6.cc). An address is 16 bytes, network order. A VPC
 * holds one /56 (@addr NULL: an Amazon-provided one, 2600:1f18::/32 and 24
 * random bits), each subnet one /64 inside it; @prefixlen 0 disassociates
 * (-EBUSY while a subnet, or an ENI, still has IPv6). ENIs get addresses
 * of their subnet's /64: @addr, or @count free ones (@addr NULL), as many
 * in all as the type's IPv4 limit; the first four and the last of a
 * subnet are AWS's. Attached ENIs' ports follow at once.
 */
int vcore_ctl_vpc_ipv6_set(struct vcore_ctl *ctl, const char *id, const uint8_t *addr,
			   uint8_t prefixlen, struct vcore_vpc_info *out, struct vcore_err *err);
int vcore_ctl_subnet_ipv6_set(struct vcore_ctl *ctl, const char *id, const uint8_t *addr,
			      uint8_t prefixlen, struct vcore_subnet_info *out,
			      struct vcore_err *err);
/* EC2's AssignIpv6AddressOnCreation; -EINVAL to turn it on without a block. */
int vcore_ctl_subnet_assign_ipv6(struct vcore_ctl *ctl, const char *id, uint8_t on,
				 struct vcore_subnet_info *out, struct vcore_err *err);
int vcore_ctl_eni_ipv6_assign(struct vcore_ctl *ctl, const char *id, const uint8_t *addr,
			      uint32_t count, struct vcore_eni_info *out, struct vcore_err *err);
int vcore_ctl_eni_ipv6_unassign(struct vcore_ctl *ctl, const char *id, const uint8_t *addr,
				struct vcore_eni_info *out, struct vcore_err *err);

/* Routes of a subnet's table: @target_id names an ENI ("eni-…") or an IGW. */
int vcore_ctl_route_add(struct vcore_ctl *ctl, const char *subnet_id, uint32_t addr,
			uint8_t prefixlen, const char *target_id, struct vcore_route_info *out,
			struct vcore_err *err);
int vcore_ctl_route_del(struct vcore_ctl *ctl, const char *subnet_id, uint32_t addr,
			uint8_t prefixlen, struct vcore_err *err);
int vcore_ctl_route_get(const struct vcore_ctl *ctl, const char *subnet_id, uint32_t addr,
			uint8_t prefixlen, struct vcore_route_info *out, struct vcore_err *err);
/* Every route of every subnet, subnet by subnet, local route first. */
int vcore_ctl_route_at(const struct vcore_ctl *ctl, uint32_t pos, struct vcore_route_info *out);
/*
 * The same for IPv6 destinations (@addr6: 16 bytes, network order, /0 to
 * /128). A VPC with an IPv6 block has a second local route, its /56, in
 * every subnet's table; the gateway or an ENI may be the target of others.
 */
int vcore_ctl_route6_add(struct vcore_ctl *ctl, const char *subnet_id, const uint8_t *addr6,
			 uint8_t prefixlen, const char *target_id, struct vcore_route_info *out,
			 struct vcore_err *err);
int vcore_ctl_route6_del(struct vcore_ctl *ctl, const char *subnet_id, const uint8_t *addr6,
			 uint8_t prefixlen, struct vcore_err *err);
int vcore_ctl_route6_get(const struct vcore_ctl *ctl, const char *subnet_id, const uint8_t *addr6,
			 uint8_t prefixlen, struct vcore_route_info *out, struct vcore_err *err);

/* Internet gateways: one per VPC; @cookie is the "internet" namespace (owned on success). */
int vcore_ctl_igw_add(struct vcore_ctl *ctl, const char *id, const char *vpc_id,
		      void *cookie, const char *netns_name, uint8_t frag_needed,
		      struct vcore_igw_info *out, struct vcore_err *err);
/* -EBUSY while a route targets it or an Elastic IP is associated in its VPC. */
int vcore_ctl_igw_del(struct vcore_ctl *ctl, const char *id, struct vcore_err *err);
int vcore_ctl_igw_set(struct vcore_ctl *ctl, const char *id, uint8_t frag_needed,
		      struct vcore_igw_info *out, struct vcore_err *err);
int vcore_ctl_igw_get(const struct vcore_ctl *ctl, const char *id,
		      struct vcore_igw_info *out, struct vcore_err *err);
int vcore_ctl_igw_at(const struct vcore_ctl *ctl, uint32_t pos, struct vcore_igw_info *out);

/*
 * Security groups (control/sg.cc). Every VPC has its default group from
 * VPC_ADD to VPC_DEL. @id "" picks a random one; @name "" names the group
 * after its id. Each call changes everything it says or nothing.
 */
int vcore_ctl_sg_add(struct vcore_ctl *ctl, const char *id, const char *vpc_id,
		     const char *name, const char *description, struct vcore_sg_info *out,
		     struct vcore_err *err);
/* -EPERM for a default group, -EBUSY while an ENI or another group's rule names it. */
int vcore_ctl_sg_del(struct vcore_ctl *ctl, const char *id, struct vcore_err *err);
int vcore_ctl_sg_rule_add(struct vcore_ctl *ctl, const char *id, const struct vcore_ctl_sg_rule *rule,
			  struct vcore_sg_info *out, struct vcore_err *err);
/* -ENOENT unless the group has a rule equal to @rule. */
int vcore_ctl_sg_rule_del(struct vcore_ctl *ctl, const char *id, const struct vcore_ctl_sg_rule *rule,
			  struct vcore_sg_info *out, struct vcore_err *err);
int vcore_ctl_sg_get(const struct vcore_ctl *ctl, const char *id, struct vcore_sg_info *out,
		     struct vcore_err *err);
int vcore_ctl_sg_at(const struct vcore_ctl *ctl, uint32_t pos, struct vcore_sg_info *out);
/* Rule @pos of group @id: its ingress rules first, then its egress rules, each in order added. */
int vcore_ctl_sg_rule_at(const struct vcore_ctl *ctl, const char *id, uint32_t pos,
			 struct vcore_ctl_sg_rule *out);

/*
 * Network ACLs (control/nacl.cc). Every VPC has its default ACL from
 * VPC_ADD to VPC_DEL, and every subnet is associated with one ACL of its
 * VPC, the default until told otherwise. @id "" picks a random one. Each
 * call changes everything it says or nothing.
 */
int vcore_ctl_nacl_add(struct vcore_ctl *ctl, const char *id, const char *vpc_id,
		       struct vcore_nacl_info *out, struct vcore_err *err);
/* -EPERM for a default ACL, -EBUSY while a subnet is associated with it. */
int vcore_ctl_nacl_del(struct vcore_ctl *ctl, const char *id, struct vcore_err *err);
/* -EEXIST if @entry's direction has its number already. */
int vcore_ctl_nacl_entry_add(struct vcore_ctl *ctl, const char *id,
			     const struct vcore_ctl_nacl_entry *entry,
			     struct vcore_nacl_info *out, struct vcore_err *err);
/* -ENOENT unless @entry's direction has its number: that rule becomes @entry. */
int vcore_ctl_nacl_entry_replace(struct vcore_ctl *ctl, const char *id,
				 const struct vcore_ctl_nacl_entry *entry,
				 struct vcore_nacl_info *out, struct vcore_err *err);
int vcore_ctl_nacl_entry_del(struct vcore_ctl *ctl, const char *id, uint8_t direction,
			     uint16_t number, struct vcore_nacl_info *out, struct vcore_err *err);
/* Associates subnet @subnet_id with ACL @id of its VPC. */
int vcore_ctl_nacl_associate(struct vcore_ctl *ctl, const char *id, const char *subnet_id,
			     struct vcore_subnet_info *out, struct vcore_err *err);
int vcore_ctl_nacl_get(const struct vcore_ctl *ctl, const char *id, struct vcore_nacl_info *out,
		       struct vcore_err *err);
int vcore_ctl_nacl_at(const struct vcore_ctl *ctl, uint32_t pos, struct vcore_nacl_info *out);
/* Entry @pos of ACL @id: its ingress rules by number, then its egress rules by number. */
int vcore_ctl_nacl_entry_at(const struct vcore_ctl *ctl, const char *id, uint32_t pos,
			    struct vcore_ctl_nacl_entry *out);

/*
 * Elastic IP addresses (control/eip.cc): allocated from the public pool
 * (VCORE_EIP_POOL_* until set), at most VNITRO_MAX_EIPS, each mapped 1:1 to
 * an ENI's private address at the VPC's internet gateway once associated.
 * Each call changes everything it says or nothing.
 */
#define VCORE_EIP_POOL_ADDR	0xcb007100u	/* 203.0.113.0, TEST-NET-3 (RFC 5737) */
#define VCORE_EIP_POOL_PREFIXLEN 24
/* @id "" picks a random one; @public_ip 0 the lowest free address of the pool. */
int vcore_ctl_eip_add(struct vcore_ctl *ctl, const char *id, uint32_t public_ip,
		      struct vcore_eip_info *out, struct vcore_err *err);
/* -EBUSY while associated. */
int vcore_ctl_eip_del(struct vcore_ctl *ctl, const char *id, struct vcore_err *err);
/*
 * @private_ip 0: the ENI's primary address. -EBUSY if @id is associated
 * elsewhere and @allow_reassociation is 0; another address mapped to the
 * same private address is disassociated.
 */
int vcore_ctl_eip_associate(struct vcore_ctl *ctl, const char *id, const char *eni_id,
			    uint32_t private_ip, uint8_t allow_reassociation,
			    struct vcore_eip_info *out, struct vcore_err *err);
/* @id: an allocation ("eipalloc-…") or an association ("eipassoc-…"); idempotent. */
int vcore_ctl_eip_disassociate(struct vcore_ctl *ctl, const char *id, struct vcore_err *err);
int vcore_ctl_eip_get(const struct vcore_ctl *ctl, const char *id, struct vcore_eip_info *out,
		      struct vcore_err *err);
int vcore_ctl_eip_at(const struct vcore_ctl *ctl, uint32_t pos, struct vcore_eip_info *out);
int vcore_ctl_eip_pool_set(struct vcore_ctl *ctl, uint32_t addr, uint8_t prefixlen,
			   struct vcore_err *err);
void vcore_ctl_eip_pool_get(const struct vcore_ctl *ctl, uint32_t *addr, uint8_t *prefixlen);

/*
 * The world's settings (control/settings.cc): every instance's bandwidth
 * allowances are its type's rates divided by rate_scale, and "up to" types
 * burst burst_s seconds on full credits (uapi: VNITRO_A_RATE_SCALE,
 * VNITRO_A_BURST_SECONDS). A new world has 1 and 300.
 */
struct vcore_world_settings {
	uint32_t rate_scale;		/* 1..VNITRO_RATE_SCALE_MAX */
	uint32_t burst_s;		/* VNITRO_BURST_SECONDS_MIN..MAX */
};
void vcore_ctl_world_get(const struct vcore_ctl *ctl, struct vcore_world_settings *out);
/*
 * Sets the fields of @changes that are not 0, all or nothing (-EINVAL with
 * a message), and gives every instance its new allowances; what they used
 * of their credits carries over. *out: the settings now.
 */
int vcore_ctl_world_set(struct vcore_ctl *ctl, const struct vcore_world_settings *changes,
			struct vcore_world_settings *out, struct vcore_err *err);

/* Lookups by id/name (-ENOENT with a message) and iteration by position. */
int vcore_ctl_vpc_get(const struct vcore_ctl *ctl, const char *id,
		      struct vcore_vpc_info *out, struct vcore_err *err);
int vcore_ctl_vpc_at(const struct vcore_ctl *ctl, uint32_t pos, struct vcore_vpc_info *out);
int vcore_ctl_subnet_get(const struct vcore_ctl *ctl, const char *id,
			 struct vcore_subnet_info *out, struct vcore_err *err);
int vcore_ctl_subnet_at(const struct vcore_ctl *ctl, uint32_t pos,
			struct vcore_subnet_info *out);
int vcore_ctl_instance_get(const struct vcore_ctl *ctl, const char *name,
			   struct vcore_instance_info *out, struct vcore_err *err);
int vcore_ctl_instance_at(const struct vcore_ctl *ctl, uint32_t pos,
			  struct vcore_instance_info *out);
int vcore_ctl_eni_get(const struct vcore_ctl *ctl, const char *id,
		      struct vcore_eni_info *out, struct vcore_err *err);
int vcore_ctl_eni_at(const struct vcore_ctl *ctl, uint32_t pos, struct vcore_eni_info *out);

#ifdef __cplusplus
}
#endif

#endif /* VCORE_CONTROL_H */
