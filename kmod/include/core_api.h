/* SPDX-License-Identifier: GPL-2.0 */
/*
 * core_api.h - the only boundary between the C shim and the C++ core:
 * extern "C" functions, POD structs, fixed-width integers, opaque handles.
 *
 * Locking contract: every vnitro_ctl_* call is serialised by the caller (the
 * shim's control mutex, or the single-threaded test harness). The fabric's
 * data path (vnitro_fabric_xmit) runs concurrently from any CPU in atomic
 * context; port add/del serialise among themselves inside the core.
 */
#ifndef VNITRO_CORE_API_H
#define VNITRO_CORE_API_H

#if defined(__cplusplus) && !__STDC_HOSTED__
/* Freestanding C++ inside the kernel: no header may be included. */
typedef __UINT8_TYPE__ uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT64_TYPE__ uint64_t;
typedef __INT32_TYPE__ int32_t;
typedef __SIZE_TYPE__ size_t;
#elif defined(__KERNEL__)
#include <linux/types.h>
#else
#include <stddef.h>
#include <stdint.h>
#endif

#include <linux/vnitro.h>	/* the uapi: limits and enums shared with userspace */

#ifdef __cplusplus
extern "C" {
#endif

enum {
	VNITRO_ID_MAX = VNITRO_ID_LEN,		/* ids incl. NUL (uapi) */
	VNITRO_NAME_MAX = VNITRO_NAME_LEN,	/* instance name incl. NUL (uapi) */
	VNITRO_MSG_MAX = 192,		/* an error message for extack */
};

/* Allocation flags for vnitro_services.alloc. */
enum vnitro_alloc_flags {
	VNITRO_ALLOC_SLEEP = 0,		/* may sleep (GFP_KERNEL) */
	VNITRO_ALLOC_ATOMIC = 1,	/* must not sleep (GFP_ATOMIC) */
};

enum vnitro_log_level {
	VNITRO_LOG_ERR,
	VNITRO_LOG_WARN,
	VNITRO_LOG_INFO,
	VNITRO_LOG_DEBUG,
};

/*
 * What the environment gives the core. The shim fills it with kernel
 * primitives; the unit tests with libc ones. rcu_* give read-side critical
 * sections that synchronize_rcu waits for (kernel RCU in the shim).
 */
struct vnitro_services {
	void *(*alloc)(size_t size, unsigned int flags);	/* zeroed */
	void (*free)(void *ptr);
	void (*log)(int level, const char *msg);
	uint64_t (*now_ns)(void);
	void (*random)(void *buf, size_t len);
	void (*rcu_read_lock)(void);
	void (*rcu_read_unlock)(void);
	void (*synchronize_rcu)(void);
	void *(*mutex_create)(void);
	void (*mutex_destroy)(void *mutex);
	void (*mutex_lock)(void *mutex);
	void (*mutex_unlock)(void *mutex);
	/*
	 * Data path, called inside an rcu_read_lock section in atomic context:
	 * deliver hands the frame context (the shim's packet) to a port and
	 * consumes it; deliver_copy gives a port a new frame built by the core.
	 */
	void (*deliver)(void *port_cookie, void *frame_ctx);
	void (*deliver_copy)(void *port_cookie, const uint8_t *frame, uint32_t len);
};

/* ---- fabric: the switch every frame between two vnitro devices crosses ---- */

struct vnitro_fabric;
struct vnitro_fabric_port;
struct vnitro_efa_dev;		/* an EFA endpoint (the efa section below) */

enum {
	/*
	 * Private IPv4 addresses per ENI, primary included: the largest
	 * per-ENI limit of the instance types we model (50, e.g. c5n.18xlarge).
	 */
	VNITRO_PORT_MAX_IPS = 50,
	/* Routes per route table: the default VPC quota ("Routes per route table", 50). */
	VNITRO_SUBNET_MAX_ROUTES = 50,
	VNITRO_VPC_MTU = 9001,		/* jumbo frames inside a VPC */
	VNITRO_IGW_MTU = 1500,		/* the internet edge */
	/*
	 * MACs of the VPC's routers: 02:56:4e ("VN") + 24 bits. A subnet's
	 * router is 02:56:4e + subnet_key (keys below 0x800000); the VPC router
	 * the internet gateway sees is 02:56:4e + (0x800000 | vpc_key). ENI and
	 * IGW ports may not use the prefix. The core rewrites a frame in place
	 * only when it is sent to such a MAC (and routed).
	 */
	VNITRO_ROUTER_MAC_0 = 0x02,
	VNITRO_ROUTER_MAC_1 = 0x56,
	VNITRO_ROUTER_MAC_2 = 0x4e,
	VNITRO_SUBNET_KEY_MAX = 0x7fffff,
};

/* What sits behind a port. */
enum vnitro_port_kind {
	VNITRO_PORT_ENI,	/* an attached ENI: one subnet, its private IPs */
	VNITRO_PORT_IGW,	/* a VPC's internet gateway: the "internet" side */
};

/* What the fabric must know about a port when it is plugged in. */
struct vnitro_port_desc {
	uint8_t mac[6];
	uint8_t kind;			/* enum vnitro_port_kind */
	/*
	 * ENI: 1 = drop sent frames whose source IPv4 is not one of ips[] and
	 * frames to deliver whose destination IPv4 is not (EC2's default).
	 * IGW: unused.
	 */
	uint8_t source_dest_check;
	/* IGW: 1 = answer DF packets over VNITRO_IGW_MTU with ICMP frag-needed
	 * (PMTUD works); 0 = drop them silently (the PMTUD "black hole"). */
	uint8_t frag_needed;
	/*
	 * ENI: primary private IPv4 (the DHCP lease) and the secondaries, host
	 * order; all inside the subnet, none 0, no repeats (-EINVAL), none used
	 * by another port of the VPC (-EADDRINUSE). IGW: none.
	 */
	uint32_t ip;
	uint32_t secondary_ips[VNITRO_PORT_MAX_IPS - 1];
	uint32_t secondary_count;
	uint32_t subnet_key;		/* ENI: equal keys = same subnet, 1..SUBNET_KEY_MAX; IGW: 0 */
	uint32_t subnet_addr;		/* ENI: subnet network address, host order */
	uint8_t subnet_prefixlen;
	uint32_t vpc_key;		/* equal keys = same VPC (ENI and IGW) */
	/*
	 * The VPC CIDR. IGW: the block it answers ARP for. ENI: the DNS
	 * address DHCP hands out (base + 2, "AmazonProvidedDNS") and the
	 * implicit local route of a subnet without a route table; prefixlen 0
	 * = unknown (no DNS option, no implicit route).
	 */
	uint32_t vpc_addr;
	uint8_t vpc_prefixlen;
	void *cookie;			/* passed back to deliver() */
};

/* Fabric-wide drop/forward counters (monotonic). */
struct vnitro_fabric_stats {
	uint64_t forwarded;
	uint64_t arp_replies;
	uint64_t dhcp_replies;
	uint64_t routed;		/* forwarded by the VPC router (TTL decremented) */
	uint64_t frag_needed_sent;	/* ICMP 3/4 sent for the 1500-byte edge */
	uint64_t drop_malformed;
	uint64_t drop_no_dest;		/* unknown destination MAC, ARP target or IP */
	uint64_t drop_cross_subnet;	/* another subnet, not through the router */
	uint64_t drop_bcast_mcast;	/* the VPC carries no broadcast/multicast (but DHCP) */
	uint64_t drop_src_dst_check;	/* either direction */
	uint64_t drop_no_route;		/* no route, or the target is not attached (blackhole) */
	uint64_t drop_ttl;		/* TTL would reach 0 */
	uint64_t drop_too_big;		/* over the edge MTU: DF with frag-needed off, or no DF */
	uint64_t drop_arp;		/* ARP that is not a request (the VPC answers; instances never do) */
	uint64_t drop_spoofed_mac;	/* an ENI's frame whose source MAC is not the ENI's */
	/*
	 * EFA packets (UD datagrams, SRD packets, RDMA read requests) the
	 * fabric passed to their destination endpoint; the ones it refused
	 * are in drop_no_dest (no endpoint has the GID) and drop_cross_subnet.
	 */
	uint64_t efa_forwarded;
	/* The path model: frames and EFA packets lost (loss_ppm, or a full path), held back. */
	uint64_t path_lost;
	uint64_t path_reordered;
};

/* Per-port counters of frames the fabric refused, as seen by that port. */
struct vnitro_port_stats {
	uint64_t tx_dropped;
	uint64_t rx_arp_replies;
	uint64_t tx_src_dst_dropped;	/* sent with a source IP not ours */
	uint64_t rx_src_dst_dropped;	/* addressed to an IP not ours */
};

struct vnitro_fabric *vnitro_fabric_create(void);
void vnitro_fabric_destroy(struct vnitro_fabric *fab);
/*
 * Returns the port, or NULL with *err = -ENOMEM, -EADDRINUSE (MAC taken or
 * a router's, or an IP already used in that VPC), -EEXIST (the VPC has an
 * IGW port already: one per VPC, as EC2 allows) or -EINVAL (kind, MAC not
 * unicast, key or IPs out of range).
 */
struct vnitro_fabric_port *vnitro_fabric_port_add(struct vnitro_fabric *fab,
						  const struct vnitro_port_desc *desc,
						  int *err);
/*
 * Replaces a plugged port's IPs and flags (secondary IP assigned or
 * unassigned, source/dest check or frag_needed toggled); MAC, kind, subnet,
 * VPC and cookie must not change (-EINVAL). IPs as for port_add; -ENOMEM;
 * -ENOENT once port_del has begun (the caller keeps @port alive until this
 * returns: the shim unpublishes a port under RTNL, which updates hold).
 * Readers see the old or the new set, never a mix. Sleeps (waits for RCU).
 */
int vnitro_fabric_port_update(struct vnitro_fabric *fab, struct vnitro_fabric_port *port,
			      const struct vnitro_port_desc *desc);
/* Unlinks the port and waits until no CPU can still deliver to it. */
void vnitro_fabric_port_del(struct vnitro_fabric *fab, struct vnitro_fabric_port *port);

/* Where a route sends matching packets. */
enum vnitro_route_target {
	VNITRO_ROUTE_LOCAL,	/* inside the VPC: to the ENI that owns the destination IP */
	VNITRO_ROUTE_ENI,	/* to the ENI with target_mac (e.g. a NAT instance) */
	VNITRO_ROUTE_IGW,	/* to the VPC's internet gateway port */
};

struct vnitro_fabric_route {
	uint32_t addr;			/* destination network, host order */
	uint8_t prefixlen;
	uint8_t target;			/* enum vnitro_route_target */
	uint8_t target_mac[6];		/* VNITRO_ROUTE_ENI */
};

/* A subnet as the VPC router sees it: its CIDR and its route table. */
struct vnitro_fabric_subnet_desc {
	uint32_t key;			/* the subnet_key of its ports */
	uint32_t vpc_key;
	uint32_t addr;			/* host order */
	uint8_t prefixlen;
	uint32_t route_count;		/* longest prefix wins */
	struct vnitro_fabric_route routes[VNITRO_SUBNET_MAX_ROUTES];
};

/*
 * Adds or replaces (same key) a subnet and its route table; readers see the
 * old or the new table. 0, -ENOMEM, or -EINVAL for a bad key, count,
 * prefix (host bits set), target, target MAC or a destination listed twice.
 * A route to an ENI that is not plugged (or an IGW that is not) drops what
 * it matches, counted as drop_no_route (a "blackhole" route). A subnet the
 * fabric has no table for routes as a new VPC's main table does: the VPC
 * CIDR of the sending port (vpc_addr/vpc_prefixlen) is local, nothing else.
 * subnet_del of an unknown key does nothing.
 */
int vnitro_fabric_subnet_set(struct vnitro_fabric *fab, const struct vnitro_fabric_subnet_desc *desc);
void vnitro_fabric_subnet_del(struct vnitro_fabric *fab, uint32_t key);

/* Verdicts of vnitro_fabric_xmit. */
enum vnitro_xmit_verdict {
	VNITRO_XMIT_DELIVERED,	/* frame_ctx was consumed by deliver() */
	VNITRO_XMIT_ANSWERED,	/* the fabric answered it (ARP, DHCP, ICMP): caller frees */
	VNITRO_XMIT_DROPPED,	/* refused and counted: caller frees */
};

/*
 * Switch or route one Ethernet frame sent by @src. @frame/@len are the bytes
 * the core may parse (at least the headers; the shim makes them linear, and
 * all of a small frame, so that a DHCP message is whole) and rewrite in
 * place when it routes (MACs, TTL, IPv4 header checksum): the shim makes
 * them writable first when the destination MAC is a router's (above). Atomic.
 *
 * ENI ports: same-subnet frames are switched by MAC; frames to the subnet's
 * router MAC are routed by the sender subnet's route table. ARP for the
 * router and for any IP of the subnet is answered; DHCP (UDP 68 -> 67,
 * broadcast) is answered with the ENI's primary IP, mask, router (.1), DNS
 * (VPC base + 2) and interface MTU 9001. IGW ports: ARP for any IP of the
 * VPC CIDR is answered with the VPC router's MAC; IPv4 is routed to the ENI
 * that owns the destination.
 */
enum vnitro_xmit_verdict vnitro_fabric_xmit(struct vnitro_fabric *fab,
					    struct vnitro_fabric_port *src,
					    uint8_t *frame, uint32_t len,
					    void *frame_ctx);
/*
 * vnitro_fabric_xmit for a frame the sending device segments (TSO/GSO):
 * @seg_len is the IP length (network and transport headers plus the
 * segment size) of the largest packet it stands for on the wire, which is
 * what the 1500-byte edge applies to; the header's total length is that of
 * the whole frame. 0: not segmented, as vnitro_fabric_xmit.
 */
enum vnitro_xmit_verdict vnitro_fabric_xmit_gso(struct vnitro_fabric *fab,
						struct vnitro_fabric_port *src,
						uint8_t *frame, uint32_t len, uint32_t seg_len,
						void *frame_ctx);
void vnitro_fabric_get_stats(const struct vnitro_fabric *fab, struct vnitro_fabric_stats *out);
void vnitro_fabric_port_get_stats(const struct vnitro_fabric_port *port,
				  struct vnitro_port_stats *out);
/* The table subnet_set gave subnet @key (routes longest prefix first; addr/prefixlen 0), or -ENOENT. */
int vnitro_fabric_subnet_get(struct vnitro_fabric *fab, uint32_t key,
			     struct vnitro_fabric_subnet_desc *out);

/*
 * The path model every packet between two ports crosses (debugfs
 * efa_fabric): losses and reordering in parts per million, delays in ns.
 * EFA SRD packets meet all four (each SRD QP's flow is a path of its own);
 * UD datagrams and ENA frames between ENIs meet the loss only, since
 * holding them back would need deferred delivery. Lossless and immediate
 * by default, with reorder_delay_ns 1 ms. Any context; a reader may see a
 * mix of an old and a new configuration for one packet.
 */
struct vnitro_fabric_path_config {
	uint32_t loss_ppm;
	uint32_t reorder_ppm;
	uint32_t delay_ns;		/* every packet */
	uint32_t reorder_delay_ns;	/* extra, for a held-back packet */
};

void vnitro_fabric_set_path(struct vnitro_fabric *fab, const struct vnitro_fabric_path_config *cfg);
void vnitro_fabric_get_path(const struct vnitro_fabric *fab, struct vnitro_fabric_path_config *out);
/*
 * Restarts the path model's pseudo-random losses and reordering from @seed:
 * the ENA frames' draws at once, and every EFA device's and SRD flow's
 * generator before the engine's next pass, so a run that sets the seed
 * before its traffic sees the same pattern again. get_seed: the last one set (0: none).
 */
void vnitro_fabric_seed(struct vnitro_fabric *fab, uint64_t seed);
uint64_t vnitro_fabric_get_seed(const struct vnitro_fabric *fab);

/*
 * The EFA device of an ENI is an endpoint of that ENI's port: attach it when
 * both exist (the EFA function probed, the port plugged), detach it before
 * the device is destroyed. Unplugging the port (port_del) detaches it too.
 * Lifetime: the caller holds the EFA engine's lock (the one every pass
 * holds) across attach and detach, and the device outlives its attachment,
 * so an endpoint a pass got from the fabric stays valid for the whole pass.
 * attach: 0, -EINVAL (not an ENI port, or the port's MAC is not the one the
 * device's GID names), -EBUSY (another endpoint is attached there, or this
 * one elsewhere), -ENOENT (port_del has begun). Both take the writer lock.
 */
int vnitro_fabric_efa_attach(struct vnitro_fabric *fab, struct vnitro_fabric_port *port,
			     struct vnitro_efa_dev *dev);
void vnitro_fabric_efa_detach(struct vnitro_fabric *fab, struct vnitro_efa_dev *dev);

/* ---- control plane: VPCs, subnets, instances, ENIs and their rules ---- */

struct vnitro_ctl;

/* An error for the user: negative errno plus an extack-ready sentence. */
struct vnitro_err {
	int code;
	char msg[VNITRO_MSG_MAX];
};

/* What the shim must do when an ENI is attached to an instance. */
struct vnitro_plug_desc {
	char eni_id[VNITRO_ID_MAX];
	struct vnitro_port_desc port;	/* complete but for the cookie */
	void *instance_cookie;		/* the instance's namespace (shim's) */
	uint32_t network_card;
	uint32_t device_index;
	uint8_t eni_type;		/* enum vnitro_eni_type */
	/* From the instance type: */
	uint8_t rss_key_mode;		/* enum vnitro_ena_rss_key_mode */
	uint32_t max_queues;		/* ENA queue pairs per ENI */
	uint8_t efa_gen;		/* enum vnitro_efa_gen of the EFA function (ENIs of type efa) */
};

/* What the shim must do when an internet gateway is created. */
struct vnitro_igw_plug_desc {
	char igw_id[VNITRO_ID_MAX];
	struct vnitro_port_desc port;	/* kind VNITRO_PORT_IGW; cookie unused */
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
struct vnitro_ctl_ops {
	int (*plug)(void *ops_ctx, const struct vnitro_plug_desc *desc,
		    void **plug_cookie, struct vnitro_err *err);
	void (*unplug)(void *ops_ctx, void *plug_cookie);
	void (*netns_release)(void *ops_ctx, void *netns_cookie);
	int (*port_update)(void *ops_ctx, void *plug_cookie, const struct vnitro_port_desc *port,
			   struct vnitro_err *err);
	int (*igw_plug)(void *ops_ctx, const struct vnitro_igw_plug_desc *desc,
			void **igw_cookie, struct vnitro_err *err);
	void (*igw_unplug)(void *ops_ctx, void *igw_cookie);
	int (*igw_update)(void *ops_ctx, void *igw_cookie, const struct vnitro_port_desc *port,
			  struct vnitro_err *err);
	uint32_t (*in_use)(void *ops_ctx, void *plug_cookie, char *dev, size_t dev_len);
};

/* An EC2 instance type and the limits vnitro enforces for it (control/types.cc). */
struct vnitro_type_info {
	char name[VNITRO_TYPE_LEN];
	uint32_t max_enis;		/* network interfaces per instance */
	uint32_t network_cards;		/* network cards: 0 to network_cards - 1 */
	uint32_t max_enis_per_card;	/* network interfaces per network card */
	uint32_t max_ips_per_eni;	/* private IPv4 per ENI, primary included */
	uint32_t max_queues;		/* ENA queue pairs per ENI */
	uint32_t baseline_mbps;		/* baseline bandwidth */
	uint8_t efa;			/* EFA generation (enum vnitro_efa_gen); 0: no EFA */
	uint8_t ena_express;		/* ENA Express supported */
	uint8_t rss_key_mode;		/* enum vnitro_ena_rss_key_mode */
};

struct vnitro_vpc_info {
	char id[VNITRO_ID_MAX];
	uint32_t cidr_addr;		/* host order */
	uint8_t cidr_prefixlen;
};

struct vnitro_subnet_info {
	char id[VNITRO_ID_MAX];
	char vpc_id[VNITRO_ID_MAX];
	char az[VNITRO_ID_MAX];
	uint32_t cidr_addr;
	uint8_t cidr_prefixlen;
};

struct vnitro_instance_info {
	char name[VNITRO_NAME_MAX];
	char subnet_id[VNITRO_ID_MAX];
	char az[VNITRO_ID_MAX];
	char primary_eni_id[VNITRO_ID_MAX];
	uint32_t eni_count;
	struct vnitro_type_info type;
	void *cookie;			/* the instance's namespace */
};

struct vnitro_eni_info {
	char id[VNITRO_ID_MAX];
	char subnet_id[VNITRO_ID_MAX];
	char vpc_id[VNITRO_ID_MAX];
	uint8_t mac[6];
	uint32_t private_ip;		/* host order */
	uint32_t secondary_ips[VNITRO_PORT_MAX_IPS - 1];	/* host order, assignment order */
	uint32_t secondary_count;
	char description[VNITRO_DESCRIPTION_LEN];
	char security_groups[VNITRO_MAX_SECURITY_GROUPS][VNITRO_ID_MAX];
	uint32_t security_group_count;
	uint8_t type;
	uint8_t source_dest_check;
	uint8_t ena_express;
	uint8_t ena_express_udp;
	uint8_t attached;
	/* valid when attached: */
	char instance[VNITRO_NAME_MAX];
	uint32_t network_card;
	uint32_t device_index;
	void *plug_cookie;
};

/* Arguments of vnitro_ctl_eni_add; zero fields mean "choose for me". */
struct vnitro_eni_spec {
	char id[VNITRO_ID_MAX];		/* "" = generate */
	char subnet_id[VNITRO_ID_MAX];
	uint32_t private_ip;		/* 0 = allocate, host order */
	uint8_t mac[6];			/* all zero = generate */
	uint8_t type;
};

/* Arguments of vnitro_ctl_eni_set: only the fields whose set_* flag is 1 change. */
struct vnitro_eni_changes {
	uint8_t set_source_dest_check, source_dest_check;
	uint8_t set_ena_express, ena_express;
	uint8_t set_ena_express_udp, ena_express_udp;
	uint8_t set_description;
	char description[VNITRO_DESCRIPTION_LEN];
	uint8_t set_security_groups;
	uint32_t security_group_count;
	char security_groups[VNITRO_MAX_SECURITY_GROUPS][VNITRO_ID_MAX];
};

struct vnitro_route_info {
	char subnet_id[VNITRO_ID_MAX];
	uint32_t addr;			/* host order */
	uint8_t prefixlen;
	uint8_t target;			/* enum vnitro_route_target_kind */
	char target_id[VNITRO_ID_MAX];	/* ENI or IGW id; "" for local */
	uint8_t blackhole;		/* the target ENI is detached or gone */
};

struct vnitro_igw_info {
	char id[VNITRO_ID_MAX];
	char vpc_id[VNITRO_ID_MAX];
	char netns_name[VNITRO_NAME_MAX];
	uint8_t mac[6];
	uint8_t frag_needed;
	void *cookie;			/* what igw_plug returned (NULL without the op) */
};

/*
 * A control plane whose subnets and route tables live in @fab (which must
 * outlive it); ports are plugged through @ops.
 */
struct vnitro_ctl *vnitro_ctl_create(const struct vnitro_ctl_ops *ops, void *ops_ctx,
				     struct vnitro_fabric *fab);
/* Deletes every instance and ENI (unplugging them) and frees the control plane. */
void vnitro_ctl_destroy(struct vnitro_ctl *ctl);

/* vpc-default 172.31.0.0/16, subnet-default 172.31.0.0/20, instance @name. */
int vnitro_ctl_create_default_world(struct vnitro_ctl *ctl, const char *instance_name,
				    void *instance_cookie, struct vnitro_err *err);

int vnitro_ctl_vpc_add(struct vnitro_ctl *ctl, const char *id, uint32_t addr,
		       uint8_t prefixlen, struct vnitro_err *err);
/* -EBUSY while the VPC has subnets or an internet gateway. */
int vnitro_ctl_vpc_del(struct vnitro_ctl *ctl, const char *id, struct vnitro_err *err);
int vnitro_ctl_subnet_add(struct vnitro_ctl *ctl, const char *id, const char *vpc_id,
			  uint32_t addr, uint8_t prefixlen, const char *az,
			  struct vnitro_err *err);
/* -EBUSY while ENIs live in the subnet. */
int vnitro_ctl_subnet_del(struct vnitro_ctl *ctl, const char *id, struct vnitro_err *err);

/* The instance types: by name (-ENOENT listing them), by position. */
int vnitro_ctl_type_get(const char *name, struct vnitro_type_info *out, struct vnitro_err *err);
int vnitro_ctl_type_at(uint32_t pos, struct vnitro_type_info *out);
/* The type of an INSTANCE_ADD without one. */
#define VNITRO_DEFAULT_INSTANCE_TYPE "c5n.18xlarge"

/*
 * Registers @cookie (a namespace) as instance @name of type @type (NULL or
 * "" = VNITRO_DEFAULT_INSTANCE_TYPE) and creates and attaches its primary
 * ENI at index 0. On failure nothing is kept and the caller still owns the
 * cookie; on success the control plane owns it.
 */
int vnitro_ctl_instance_add(struct vnitro_ctl *ctl, const char *name, void *cookie,
			    const char *subnet_id, uint32_t primary_ip, const char *type,
			    struct vnitro_instance_info *out, struct vnitro_err *err);
int vnitro_ctl_instance_del(struct vnitro_ctl *ctl, const char *name, struct vnitro_err *err);

int vnitro_ctl_eni_add(struct vnitro_ctl *ctl, const struct vnitro_eni_spec *spec,
		       struct vnitro_eni_info *out, struct vnitro_err *err);
int vnitro_ctl_eni_del(struct vnitro_ctl *ctl, const char *id, struct vnitro_err *err);
int vnitro_ctl_eni_attach(struct vnitro_ctl *ctl, const char *id, const char *instance,
			  uint32_t network_card, uint32_t device_index,
			  struct vnitro_eni_info *out, struct vnitro_err *err);
int vnitro_ctl_eni_detach(struct vnitro_ctl *ctl, const char *id, struct vnitro_err *err);
/* All or nothing; an attached ENI's port is updated. */
int vnitro_ctl_eni_set(struct vnitro_ctl *ctl, const char *id,
		       const struct vnitro_eni_changes *changes, struct vnitro_eni_info *out,
		       struct vnitro_err *err);
/* @ip (host order) if not 0, else @count free addresses, lowest first. */
int vnitro_ctl_eni_ip_assign(struct vnitro_ctl *ctl, const char *id, uint32_t ip,
			     uint32_t count, struct vnitro_eni_info *out, struct vnitro_err *err);
int vnitro_ctl_eni_ip_unassign(struct vnitro_ctl *ctl, const char *id, uint32_t ip,
			       struct vnitro_eni_info *out, struct vnitro_err *err);

/* Routes of a subnet's table: @target_id names an ENI ("eni-…") or an IGW. */
int vnitro_ctl_route_add(struct vnitro_ctl *ctl, const char *subnet_id, uint32_t addr,
			 uint8_t prefixlen, const char *target_id, struct vnitro_route_info *out,
			 struct vnitro_err *err);
int vnitro_ctl_route_del(struct vnitro_ctl *ctl, const char *subnet_id, uint32_t addr,
			 uint8_t prefixlen, struct vnitro_err *err);
int vnitro_ctl_route_get(const struct vnitro_ctl *ctl, const char *subnet_id, uint32_t addr,
			 uint8_t prefixlen, struct vnitro_route_info *out, struct vnitro_err *err);
/* Every route of every subnet, subnet by subnet, local route first. */
int vnitro_ctl_route_at(const struct vnitro_ctl *ctl, uint32_t pos, struct vnitro_route_info *out);

/* Internet gateways: one per VPC; @cookie is the "internet" namespace (owned on success). */
int vnitro_ctl_igw_add(struct vnitro_ctl *ctl, const char *id, const char *vpc_id,
		       void *cookie, const char *netns_name, uint8_t frag_needed,
		       struct vnitro_igw_info *out, struct vnitro_err *err);
int vnitro_ctl_igw_del(struct vnitro_ctl *ctl, const char *id, struct vnitro_err *err);
int vnitro_ctl_igw_set(struct vnitro_ctl *ctl, const char *id, uint8_t frag_needed,
		       struct vnitro_igw_info *out, struct vnitro_err *err);
int vnitro_ctl_igw_get(const struct vnitro_ctl *ctl, const char *id,
		       struct vnitro_igw_info *out, struct vnitro_err *err);
int vnitro_ctl_igw_at(const struct vnitro_ctl *ctl, uint32_t pos, struct vnitro_igw_info *out);

/* Lookups by id/name (-ENOENT with a message) and iteration by position. */
int vnitro_ctl_vpc_get(const struct vnitro_ctl *ctl, const char *id,
		       struct vnitro_vpc_info *out, struct vnitro_err *err);
int vnitro_ctl_vpc_at(const struct vnitro_ctl *ctl, uint32_t pos, struct vnitro_vpc_info *out);
int vnitro_ctl_subnet_get(const struct vnitro_ctl *ctl, const char *id,
			  struct vnitro_subnet_info *out, struct vnitro_err *err);
int vnitro_ctl_subnet_at(const struct vnitro_ctl *ctl, uint32_t pos,
			 struct vnitro_subnet_info *out);
int vnitro_ctl_instance_get(const struct vnitro_ctl *ctl, const char *name,
			    struct vnitro_instance_info *out, struct vnitro_err *err);
int vnitro_ctl_instance_at(const struct vnitro_ctl *ctl, uint32_t pos,
			   struct vnitro_instance_info *out);
int vnitro_ctl_eni_get(const struct vnitro_ctl *ctl, const char *id,
		       struct vnitro_eni_info *out, struct vnitro_err *err);
int vnitro_ctl_eni_at(const struct vnitro_ctl *ctl, uint32_t pos, struct vnitro_eni_info *out);

/* ---- efa: the EFA device's attributes and object tables (core/efa/device) ---- */

enum {
	VNITRO_EFA_GID_LEN = 16,
	/*
	 * device_caps bits of the extended query_device response and the
	 * alloc_ucontext command's comp_mask bits, numbered as rdma/efa-abi.h's
	 * EFA_QUERY_DEVICE_CAPS_* and EFA_ALLOC_UCONTEXT_CMD_COMP_* (the shim
	 * checks the numbers at build time).
	 */
	VNITRO_EFA_CAP_RDMA_READ = 1 << 0,
	VNITRO_EFA_CAP_RNR_RETRY = 1 << 1,
	VNITRO_EFA_CAP_CQ_NOTIFICATIONS = 1 << 2,
	VNITRO_EFA_CAP_CQ_WITH_SGID = 1 << 3,
	VNITRO_EFA_UCTX_COMP_TX_BATCH = 1 << 0,
	VNITRO_EFA_UCTX_COMP_MIN_SQ_WR = 1 << 1,
	/*
	 * MR access bits, numbered as IB_ACCESS_* (the shim checks): the engine
	 * writes into a region only with LOCAL_WRITE, and an RDMA read takes
	 * bytes from a peer's region only with REMOTE_READ.
	 */
	VNITRO_EFA_ACCESS_LOCAL_WRITE = 1 << 0,
	VNITRO_EFA_ACCESS_REMOTE_READ = 1 << 2,
};

/*
 * EFA generations, as the PCI device id tells them apart (the efa driver's
 * id table, efa_main.c: 0xefa0, 0xefa1, 0xefa2). Each instance type with
 * EFA has one (control/types.cc); the device's identity and capabilities
 * follow it (core/efa/device.cc says which and why).
 */
enum vnitro_efa_gen {
	VNITRO_EFA_GEN_NONE = 0,
	VNITRO_EFA_GEN_1 = 1,		/* 0xefa0: send/receive only */
	VNITRO_EFA_GEN_2 = 2,		/* 0xefa2: RDMA read on SRD */
	VNITRO_EFA_GEN_MAX = VNITRO_EFA_GEN_2,
};

/*
 * What the emulated EFA device reports: the fields of the efa driver's
 * efa_com_get_device_attr_result that reach userspace, plus its PCI
 * identity. query_device, query_port, alloc_ucontext and the extended
 * query_device response are filled from here, as efa_verbs.c does.
 */
struct vnitro_efa_attr {
	uint16_t vendor_id;		/* PCI vendor: vendor_id */
	uint16_t device_id;		/* PCI device: vendor_part_id */
	uint16_t subsystem_device;	/* hw_ver */
	uint64_t page_size_cap;
	uint64_t max_mr_pages;		/* max_mr_size = pages * PAGE_SIZE */
	uint32_t max_qp;
	uint32_t max_cq;
	uint32_t max_pd;
	uint32_t max_mr;
	uint32_t max_ah;
	uint32_t max_cq_depth;		/* max_cqe */
	uint32_t max_sq_depth;		/* max_sq_wr */
	uint32_t max_rq_depth;		/* max_rq_wr */
	uint16_t max_sq_sge;
	uint16_t max_rq_sge;
	uint16_t max_wr_rdma_sge;	/* max_sge_rd */
	uint32_t max_rdma_size;
	uint32_t device_caps;		/* VNITRO_EFA_CAP_* */
	uint32_t mtu;			/* port max_msg_sz; MTU enum derived from it */
	uint16_t sub_cqs_per_cq;
	uint16_t inline_buf_size;
	uint32_t max_llq_size;		/* bytes */
	uint16_t max_tx_batch;		/* units of 64 bytes */
	uint16_t min_sq_depth;		/* min_sq_wr */
};

/* The attributes of an EFA of generation @gen; -EINVAL for one vnitro does not model. */
int vnitro_efa_get_attr(uint8_t gen, struct vnitro_efa_attr *out);
/*
 * GID[0] of the device behind an ENI: fe80::/64 and the modified EUI-64 of
 * the ENI's MAC (unique in the fabric), so it is stable across attach,
 * detach and reload.
 */
void vnitro_efa_gid(const uint8_t mac[6], uint8_t gid[VNITRO_EFA_GID_LEN]);
/*
 * alloc_ucontext's handshake (efa_user_comp_handshake): userspace must
 * acknowledge every optional limit the device reports. -EOPNOTSUPP.
 */
int vnitro_efa_ucontext_check(uint32_t cmd_comp_mask, struct vnitro_err *err);

/*
 * The engine: every EFA device of the module and the pass that moves data.
 * A message finds its destination through the fabric (an endpoint attached
 * to an ENI's port, vnitro_fabric_efa_attach), which applies the VPC's
 * checks and the path model. Locking is the environment's, in two levels:
 * - the engine's (device list, stats, the fabric's EFA endpoints): held by
 *   every engine-wide call below (create and destroy of a device, a pass,
 *   get_stats, engine_counts) and by vnitro_fabric_efa_attach/detach;
 * - one per device (dev_lock): held by every call on that device's objects
 *   (the verbs) and, through the ops, by a pass while it walks the device and
 *   while it delivers to it. A pass is the only holder of two device locks
 *   (its device, then a peer), and passes run on one thread, so verbs on
 *   different devices never wait for each other, and a verb waits at most
 *   for one device's bounded share of a pass (dev_budget WQEs).
 */
struct vnitro_efa_engine;
struct vnitro_efa_dev;

/* What the engine needs from the environment to move bytes. */
struct vnitro_efa_engine_ops {
	/*
	 * Copies @len bytes between registered memory regions, each given by
	 * its cookie (vnitro_efa_mr_desc) and an offset from the region's
	 * first byte. The engine has checked both ranges; the environment
	 * checks them again against what it pinned and refuses (returns false,
	 * copies nothing) a range that is not all inside both regions.
	 */
	bool (*copy)(void *dst_mr, uint64_t dst_off, void *src_mr, uint64_t src_off, uint32_t len);
	/* Copies @len bytes into a region (inline sends); refuses as copy does. */
	bool (*copy_in)(void *dst_mr, uint64_t dst_off, const uint8_t *src, uint32_t len);
	/* An armed CQ got a completion: raise its completion event (cookie of cq_add). */
	void (*cq_event)(void *cq_cookie);
	/*
	 * The per-device lock (the cookie of vnitro_efa_dev_create): a pass
	 * takes its device's with @peer false and a receiving device's, while
	 * it holds its own, with @peer true. Optional (NULL: no locking).
	 */
	void (*dev_lock)(void *dev_cookie, bool peer);
	void (*dev_unlock)(void *dev_cookie);
	/* Between two devices of a pass, no device held: let others run. Optional. */
	void (*resched)(void);
};

/* Engine-wide counters (monotonic). */
struct vnitro_efa_engine_stats {
	uint64_t passes;
	uint64_t tx_wqes;		/* send WQEs taken from SQs */
	uint64_t rx_delivered;		/* messages placed in a receive buffer */
	uint64_t tx_errors;		/* send WQEs completed with an error */
	/* The fabric's refusals of this engine's messages (also in the fabric's counters): */
	uint64_t drop_no_dest;		/* no endpoint with the AH's GID, or the sender's port is unplugged */
	uint64_t drop_cross_subnet;	/* the destination ENI is in another subnet */
	uint64_t drop_bad_qp;		/* no such QP, wrong type, state or QKey */
	uint64_t drop_no_buffer;	/* UD: no receive posted */
	uint64_t rnr_retries;		/* SRD: no receive posted, resent later */
	uint64_t bad_rx_desc;		/* malformed receive descriptors, completed with an error */
	uint64_t srd_sent;		/* SRD messages put on a path (first copies) */
	uint64_t srd_resent;		/* copies sent again after a timeout or an RNR */
	uint64_t srd_acked;		/* SRD messages the receiving side answered (delivered or refused) */
	uint64_t srd_duplicates;	/* copies of a delivered message: dropped, acknowledged */
	uint64_t srd_given_up;		/* SRD sends failed: retries or RNR retries spent */
	/* This engine's share of the fabric's path_lost and path_reordered: */
	uint64_t path_lost;		/* packets and UD datagrams lost on the fabric */
	uint64_t path_reordered;	/* packets held back so later ones overtook them */
	/* RDMA read (the efa driver's hw stats rdma_read_wrs/bytes/wr_err). */
	uint64_t rdma_read_wrs;		/* read WQEs taken from SQs */
	uint64_t rdma_read_bytes;	/* bytes read from remote regions */
	uint64_t rdma_read_wr_err;	/* read WQEs completed with an error */
	/* A copy the environment refused (a range outside its pinned pages): a bug, never traffic. */
	uint64_t copy_refused;
};

/* An engine whose messages cross @fab (which must outlive it). */
struct vnitro_efa_engine *vnitro_efa_engine_create(const struct vnitro_efa_engine_ops *ops,
						   struct vnitro_fabric *fab);
/* Every device must be gone. */
void vnitro_efa_engine_destroy(struct vnitro_efa_engine *eng);
/*
 * One pass over every QP of every device: new send WQEs and receive
 * descriptors, due RNR retries. Returns true when it found work (the
 * shim's kthread keeps polling while work arrives).
 */
bool vnitro_efa_engine_poll(struct vnitro_efa_engine *eng, uint64_t now_ns);
void vnitro_efa_engine_get_stats(const struct vnitro_efa_engine *eng,
				 struct vnitro_efa_engine_stats *out);

/* Objects alive on one device, for leak checks. */
struct vnitro_efa_counts {
	uint32_t pds;
	uint32_t mrs;
	uint32_t cqs;
	uint32_t qps;
	uint32_t ahs;
};

/*
 * A device of generation @gen with GID @gid (vnitro_efa_gid of its ENI's
 * MAC); @lock_cookie is what the engine's dev_lock and dev_unlock get for
 * it. It sends and receives once attached to its ENI's fabric port
 * (vnitro_fabric_efa_attach). NULL without memory or for a generation
 * vnitro does not model.
 */
struct vnitro_efa_dev *vnitro_efa_dev_create(struct vnitro_efa_engine *eng, uint8_t gen,
					     const uint8_t gid[VNITRO_EFA_GID_LEN],
					     void *lock_cookie);
/*
 * Every object must have been freed (ib_core destroys them before
 * unregistering), and the device detached from the fabric.
 */
void vnitro_efa_dev_destroy(struct vnitro_efa_dev *dev);
void vnitro_efa_get_counts(const struct vnitro_efa_dev *dev, struct vnitro_efa_counts *out);
/* The same, summed over every device of the engine. */
void vnitro_efa_engine_counts(const struct vnitro_efa_engine *eng, struct vnitro_efa_counts *out);

/* A protection domain number below max_pd; -ENOMEM when all are in use (as the device). */
int vnitro_efa_pd_alloc(struct vnitro_efa_dev *dev, uint16_t *pdn);
void vnitro_efa_pd_free(struct vnitro_efa_dev *dev, uint16_t pdn);

/* Memory registration: [iova, iova + length) of PD pdn, pinned by the shim. */
struct vnitro_efa_mr_desc {
	uint16_t pdn;
	uint64_t iova;
	uint64_t length;
	uint32_t access;		/* IB_ACCESS_* bits, as given */
	void *cookie;			/* the shim's MR, passed to the copy ops */
};

/*
 * 0 and the key (lkey = rkey, 24 bits); -EINVAL (length 0, over max_mr_size,
 * wrap), -EOPNOTSUPP (access beyond LOCAL_WRITE, and REMOTE_READ where the
 * device has RDMA read: efa_alloc_mr), -ENOMEM.
 */
int vnitro_efa_mr_add(struct vnitro_efa_dev *dev, const struct vnitro_efa_mr_desc *desc,
		      uint32_t *key, struct vnitro_err *err);
void vnitro_efa_mr_del(struct vnitro_efa_dev *dev, uint32_t key);

/* A completion queue: its ring is kernel memory the process maps read-only. */
struct vnitro_efa_cq_desc {
	uint32_t entries;		/* per sub-CQ */
	uint32_t entry_size;		/* 16, or 32 with the source GID */
	uint16_t num_sub_cqs;
	uint8_t with_sgid;		/* EFA_CREATE_CQ_WITH_SGID */
	uint8_t notifications;		/* EFA_CREATE_CQ_WITH_COMPLETION_CHANNEL */
};

/*
 * Validates as efa_create_cq does (entries 1..max_cq_depth, entry size,
 * sub-CQ count): 0 or -EINVAL; *ring_size is the ring's byte size (before
 * page alignment).
 */
int vnitro_efa_cq_check(const struct vnitro_efa_cq_desc *desc, uint32_t *ring_size,
			struct vnitro_err *err);
/*
 * Adds a checked CQ whose ring (@ring, zeroed) the engine writes; -ENOMEM at
 * max_cq. With notifications, @db is the CQ doorbell userspace writes
 * (consumer index, command sequence number, arm bit: efa_io_regs_defs.h) and
 * the engine raises ops->cq_event(@cookie) once per arming.
 */
int vnitro_efa_cq_add(struct vnitro_efa_dev *dev, const struct vnitro_efa_cq_desc *desc,
		      uint8_t *ring, uint32_t *db, void *cookie, uint16_t *cq_idx,
		      struct vnitro_err *err);
void vnitro_efa_cq_del(struct vnitro_efa_dev *dev, uint16_t cq_idx);

enum vnitro_efa_qp_type {
	VNITRO_EFA_QP_UD,
	VNITRO_EFA_QP_SRD,
};

/* QP states and attribute mask bits, numbered as ib_verbs.h's IB_QPS_* and IB_QP_*. */
enum vnitro_efa_qp_state {
	VNITRO_EFA_QPS_RESET,
	VNITRO_EFA_QPS_INIT,
	VNITRO_EFA_QPS_RTR,
	VNITRO_EFA_QPS_RTS,
	VNITRO_EFA_QPS_SQD,
	VNITRO_EFA_QPS_SQE,
	VNITRO_EFA_QPS_ERR,
};

enum vnitro_efa_qp_mask {
	VNITRO_EFA_QP_STATE = 1 << 0,
	VNITRO_EFA_QP_CUR_STATE = 1 << 1,
	VNITRO_EFA_QP_EN_SQD_ASYNC_NOTIFY = 1 << 2,
	VNITRO_EFA_QP_PKEY_INDEX = 1 << 4,
	VNITRO_EFA_QP_PORT = 1 << 5,
	VNITRO_EFA_QP_QKEY = 1 << 6,
	VNITRO_EFA_QP_SQ_PSN = 1 << 16,
	VNITRO_EFA_QP_CAP = 1 << 19,
	VNITRO_EFA_QP_RNR_RETRY = 1 << 11,
	VNITRO_EFA_QP_ATTR_STANDARD_BITS = (1 << 21) - 1,	/* IB_QP_ATTR_STANDARD_BITS */
};

struct vnitro_efa_qp_desc {
	uint8_t type;			/* enum vnitro_efa_qp_type */
	uint16_t pdn;
	uint16_t send_cq;
	uint16_t recv_cq;
	uint32_t max_send_wr;
	uint32_t max_recv_wr;
	uint32_t max_send_sge;
	uint32_t max_recv_sge;
	uint32_t max_inline;
	uint32_t sq_ring_size;		/* bytes of LLQ entries (libefa: wqe_cnt * 64) */
	uint32_t rq_ring_size;		/* bytes of RX descriptors; 0 = no RQ */
};

/* Where a QP's queues live in kernel memory (mapped into the process). */
struct vnitro_efa_qp_rings {
	uint8_t *llq;			/* sq_ring_size bytes */
	uint8_t *rq;			/* rq_ring_size bytes, or NULL */
	uint32_t *sq_db;		/* the producer counters userspace writes */
	uint32_t *rq_db;
};

/* efa_qp_validate_cap/attr and the ring sizes: 0, -EINVAL or -EOPNOTSUPP. */
int vnitro_efa_qp_check(const struct vnitro_efa_dev *dev, const struct vnitro_efa_qp_desc *desc,
			struct vnitro_err *err);
/* Adds a checked QP in RESET; *qpn is unique modulo the next power of two of max_qp. */
int vnitro_efa_qp_add(struct vnitro_efa_dev *dev, const struct vnitro_efa_qp_desc *desc,
		      const struct vnitro_efa_qp_rings *rings, uint32_t *qpn,
		      struct vnitro_err *err);
/* The engine forgets the QP (pending work is dropped): its rings may go after this. */
void vnitro_efa_qp_del(struct vnitro_efa_dev *dev, uint32_t qpn);

struct vnitro_efa_qp_attr {
	uint8_t qp_state;		/* enum vnitro_efa_qp_state */
	uint8_t cur_qp_state;
	uint8_t port_num;
	uint8_t rnr_retry;
	uint16_t pkey_index;
	uint32_t qkey;
	uint32_t sq_psn;
	uint8_t en_sqd_async_notify;
};

/*
 * efa_modify_qp: the EFA state machine and attribute masks (SRD's own
 * table, UD's as ib_modify_qp_is_ok), port 1 and P_Key index 0 only.
 * -EOPNOTSUPP for attributes EFA does not have, -EINVAL for a transition
 * or mask the table refuses; nothing changes then.
 */
int vnitro_efa_qp_modify(struct vnitro_efa_dev *dev, uint32_t qpn,
			 const struct vnitro_efa_qp_attr *attr, uint32_t mask,
			 struct vnitro_err *err);
/* efa_query_qp's mask check and values: -EOPNOTSUPP, -EINVAL for an unknown QP. */
int vnitro_efa_qp_query(const struct vnitro_efa_dev *dev, uint32_t qpn, uint32_t mask,
			struct vnitro_efa_qp_attr *out, struct vnitro_err *err);

/* An address handle of PD pdn toward @gid; the same (pd, gid) shares one number. */
int vnitro_efa_ah_add(struct vnitro_efa_dev *dev, uint16_t pdn,
		      const uint8_t gid[VNITRO_EFA_GID_LEN], uint16_t *ah, struct vnitro_err *err);
void vnitro_efa_ah_del(struct vnitro_efa_dev *dev, uint16_t pdn, uint16_t ah);

/* ---- end of efa ---- */

/* ---- lifetime of the core as a whole ---- */

/* Installs the services table; must precede every other call. */
void vnitro_core_init(const struct vnitro_services *svc);
void vnitro_core_exit(void);

/* ---- ena: receive-side scaling as an ENA device computes it ---- */

enum {
	VNITRO_ENA_RSS_KEY_LEN = 40,		/* ENA_HASH_KEY_SIZE */
	VNITRO_ENA_RSS_TABLE_SIZE = 128,	/* ENA_RX_RSS_TABLE_SIZE: hash % 128 picks the entry */
	VNITRO_ENA_RSS_MAX_QUEUES = 128,	/* ENA_MAX_NUM_IO_QUEUES */
};

/* Hash functions, numbered as ena_admin_hash_functions. */
enum vnitro_ena_rss_hfunc {
	VNITRO_ENA_RSS_TOEPLITZ = 1,
	VNITRO_ENA_RSS_CRC32 = 2,
};

/* Which key the device hashes with: a property of the instance type. */
enum vnitro_ena_rss_key_mode {
	/*
	 * Function and key settable (Nitro v3 network-optimised types such as
	 * c5n, and Nitro v4 such as c6gn, m6i). The device reads the key its
	 * driver wrote from the last byte to the first and starts the hash at
	 * init_val; ethtool -x shows the key as written. Source: AWS's
	 * amzn-ec2-ena-utilities, ena-toeplitz/toeplitz_calc.py.
	 */
	VNITRO_ENA_RSS_KEY_CONFIGURABLE = 0,
	/*
	 * Only the indirection table is settable (older types): Toeplitz with
	 * the device's own key, each of address pair and port pair sorted
	 * smaller first (both directions of a connection hash alike), initial
	 * value 0xffffffff whatever init_val says, and the low 16 bits of the
	 * result repeated in the high 16. Same source. cfg->key is unused.
	 */
	VNITRO_ENA_RSS_KEY_FIXED = 1,
};

/* Flow types, numbered as ena_admin_flow_hash_proto: the index of fields[]. */
enum vnitro_ena_rss_proto {
	VNITRO_ENA_RSS_TCP4,
	VNITRO_ENA_RSS_UDP4,
	VNITRO_ENA_RSS_TCP6,
	VNITRO_ENA_RSS_UDP6,
	VNITRO_ENA_RSS_IP4,		/* IPv4, neither TCP nor UDP (or ports unreadable) */
	VNITRO_ENA_RSS_IP6,		/* IPv6 likewise, and IPv6 with extension headers */
	VNITRO_ENA_RSS_IP4_FRAG,	/* any IPv4 fragment, first one included */
	VNITRO_ENA_RSS_NOT_IP,		/* never hashed by vnitro (fields kept for ethtool) */
	VNITRO_ENA_RSS_PROTO_NUM,
};

/* Hash input fields, numbered as ena_admin_flow_hash_fields. */
enum vnitro_ena_rss_field {
	VNITRO_ENA_RSS_L2_DA = 1 << 0,
	VNITRO_ENA_RSS_L2_SA = 1 << 1,
	VNITRO_ENA_RSS_L3_DA = 1 << 2,
	VNITRO_ENA_RSS_L3_SA = 1 << 3,
	VNITRO_ENA_RSS_L4_DP = 1 << 4,
	VNITRO_ENA_RSS_L4_SP = 1 << 5,
};

/*
 * What a hash was computed over, for PKT_HASH_TYPE_L3/L4. (The ena driver
 * itself reports L4 for unfragmented TCP/UDP, whatever the fields, and NONE
 * for everything else.)
 */
enum vnitro_ena_rss_hash_type {
	VNITRO_ENA_RSS_HASH_NONE,	/* hash 0, queue of table entry 0 */
	VNITRO_ENA_RSS_HASH_L3,		/* addresses only */
	VNITRO_ENA_RSS_HASH_L4,		/* ports included */
};

/*
 * One device's RSS state. Plain data: the shim keeps it under RCU, changes a
 * copy with the calls below (each leaves the copy untouched when it fails)
 * and publishes it. Input is hashed in the order source address, destination
 * address, source port, destination port, each only if its field is set.
 */
struct vnitro_ena_rss_config {
	uint8_t key[VNITRO_ENA_RSS_KEY_LEN];	/* as the driver wrote it */
	uint32_t init_val;			/* initial value of the hash function */
	uint8_t hfunc;				/* enum vnitro_ena_rss_hfunc */
	uint8_t key_mode;			/* enum vnitro_ena_rss_key_mode */
	uint16_t queue_count;			/* RX queues, 1 to VNITRO_ENA_RSS_MAX_QUEUES */
	uint16_t fields[VNITRO_ENA_RSS_PROTO_NUM];	/* enum vnitro_ena_rss_field bits */
	uint16_t table[VNITRO_ENA_RSS_TABLE_SIZE];	/* RX queue of each entry */
};

struct vnitro_ena_rss_result {
	uint32_t hash;			/* for skb_set_hash() */
	uint16_t queue;			/* always below cfg->queue_count */
	uint8_t hash_type;		/* enum vnitro_ena_rss_hash_type */
	uint8_t proto;			/* enum vnitro_ena_rss_proto the frame was classified as */
};

/*
 * Defaults for @queue_count RX queues, as the Linux ena driver sets them up:
 * Toeplitz, init_val 0xffffffff, @key (VNITRO_ENA_RSS_KEY_LEN bytes) or, when
 * NULL, a random one from svc->random; table[i] = i % queue_count
 * (ethtool_rxfh_indir_default); fields: TCP/UDP over IPv4/IPv6 on addresses
 * and ports, IPv4/IPv6 and IPv4 fragments on addresses, other frames on MACs.
 * -EINVAL for a queue count or key mode out of range.
 */
int vnitro_ena_rss_init(struct vnitro_ena_rss_config *cfg, uint32_t queue_count,
			uint32_t key_mode, const uint8_t *key, struct vnitro_err *err);
/* ethtool -L: new queue count; the table goes back to the default spread. */
int vnitro_ena_rss_set_queue_count(struct vnitro_ena_rss_config *cfg, uint32_t queue_count,
				   struct vnitro_err *err);

/*
 * The ethtool rxfh/rxnfc surface, with ena_ethtool.c's semantics. hfunc is
 * an ETH_RSS_HASH_* bit of include/linux/ethtool.h (0: no change / none
 * reported), flow_type and data the ETHTOOL_GRXFH/SRXFH values of
 * include/uapi/linux/ethtool.h, passed through unchanged. @err must not be
 * NULL: a refusal fills it with a sentence for extack.
 */
/* get_rxfh_key_size: 0 when the key cannot be read or set (KEY_FIXED). */
uint32_t vnitro_ena_rss_key_size(const struct vnitro_ena_rss_config *cfg);
/*
 * get_rxfh: any of @indir (TABLE_SIZE), @key (KEY_LEN), @hfunc may be NULL.
 * With KEY_FIXED neither @key nor @hfunc is written, as ena_get_rxfh() on a
 * device without the RSS_HASH_FUNCTION feature.
 */
void vnitro_ena_rss_get_rxfh(const struct vnitro_ena_rss_config *cfg, uint32_t *indir,
			     uint8_t *key, uint8_t *hfunc);
/*
 * set_rxfh: @indir (TABLE_SIZE entries, each below queue_count: else
 * -EINVAL) and @key (KEY_LEN bytes) may be NULL to keep them. Toeplitz and
 * CRC32 only (-EOPNOTSUPP); with KEY_FIXED a key or function is
 * -EOPNOTSUPP. All-or-nothing. With KEY_CONFIGURABLE every success resets
 * init_val to 0xffffffff, as ena_set_rxfh() resends it each time.
 */
int vnitro_ena_rss_set_rxfh(struct vnitro_ena_rss_config *cfg, const uint32_t *indir,
			    const uint8_t *key, uint8_t hfunc, struct vnitro_err *err);
/*
 * ETHTOOL_GRXFH / SRXFH ("ethtool -n/-N ethX rx-flow-hash"): tcp4 udp4 tcp6
 * udp6 ip4 ip6 ether. AH/ESP/SCTP over IPv4 and AH/ESP over IPv6 are
 * -EOPNOTSUPP, any other flow type -EINVAL (as ena_ethtool.c). Set accepts
 * any subset of the fields the flow type has (s d f n; m for ether) and
 * refuses others (v t r, and ports for ip4/ip6) with -EOPNOTSUPP.
 */
int vnitro_ena_rss_get_flow_hash(const struct vnitro_ena_rss_config *cfg, uint32_t flow_type,
				 uint64_t *data);
int vnitro_ena_rss_set_flow_hash(struct vnitro_ena_rss_config *cfg, uint32_t flow_type,
				 uint64_t data, struct vnitro_err *err);

/*
 * Data path: hash of the first @len bytes of a received Ethernet frame (the
 * linear headers; never read past @len) and the RX queue it steers to. No
 * allocation, no locks: any context, under the RCU section that keeps @cfg.
 */
void vnitro_ena_rss_hash_frame(const struct vnitro_ena_rss_config *cfg, const uint8_t *frame,
			       uint32_t len, struct vnitro_ena_rss_result *out);

/* ---- end of ena ---- */

#ifdef __cplusplus
}
#endif

#endif /* VNITRO_CORE_API_H */
