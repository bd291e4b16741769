/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcore/fabric.h - the switch every frame between two vnitro ports crosses.
 * Part of the boundary between the C shim and the C++ core (one header per area:
 * services, fabric, control, ena, efa): extern "C" functions, POD structs, fixed-width
 * integers, opaque handles. Every name the core exports starts with vcore_/VCORE_; the
 * shim's own names start with vnitro_.
 */
#ifndef VCORE_FABRIC_H
#define VCORE_FABRIC_H

#include "vcore/services.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vcore_fabric;
struct vcore_fabric_port;
struct vcore_efa_dev;		/* an EFA endpoint (the efa section below) */

enum {
	/*
	 * Private IPv4 addresses per ENI, primary included: the largest
	 * per-ENI limit of the instance types we model (64, e.g. c8i.48xlarge).
	 */
	VCORE_PORT_MAX_IPS = 64,
	/* IPv6 addresses per ENI: EC2 gives a type as many as IPv4 addresses. */
	VCORE_PORT_MAX_IPV6 = VNITRO_MAX_ENI_IPV6,
	/* Routes per route table: the default VPC quota ("Routes per route table", 50). */
	VCORE_SUBNET_MAX_ROUTES = 50,
	VCORE_VPC_MTU = 9001,		/* jumbo frames inside a VPC */
	VCORE_IGW_MTU = 1500,		/* the internet edge */
	/*
	 * MACs of the VPC's routers: 02:56:4e ("VN") + 24 bits. A subnet's
	 * router is 02:56:4e + subnet_key (keys below 0x800000); the VPC router
	 * the internet gateway sees is 02:56:4e + (0x800000 | vpc_key). ENI and
	 * IGW ports may not use the prefix. The core rewrites a frame in place
	 * only when it is sent to such a MAC (and routed).
	 */
	VCORE_ROUTER_MAC_0 = 0x02,
	VCORE_ROUTER_MAC_1 = 0x56,
	VCORE_ROUTER_MAC_2 = 0x4e,
	VCORE_SUBNET_KEY_MAX = 0x7fffff,
	/* A Geneve VNI: 24 bits (vcore_port_desc.vni). */
	VCORE_VNI_MAX = 0xffffff,
	/* Rules per security group, direction and address family: EC2's
	 * quota "Inbound or outbound rules per security group" (60), which
	 * it enforces for IPv4 and IPv6 rules separately; a rule naming a
	 * group counts in both. */
	VCORE_SG_MAX_RULES = 60,
	/* Security groups per ENI: EC2's quota "Security groups per network
	 * interface" (5 by default; 16 at most on request). */
	VCORE_PORT_MAX_SGS = VNITRO_MAX_SECURITY_GROUPS,
	VCORE_SG_PROTO_ALL = 0xffff,	/* a rule for every IP protocol ("-1") */
	/* "us-gov-west-1.compute.internal" and longer regions, NUL included. */
	VCORE_DNS_DOMAIN_MAX = 64,
};

/* What sits behind a port. */
enum vcore_port_kind {
	VCORE_PORT_ENI,	/* an attached ENI: one subnet, its private IPs */
	VCORE_PORT_IGW,	/* a VPC's internet gateway: the "internet" side */
	VCORE_PORT_SERVICES,	/* the link-local services' port (one per fabric) */
};

/*
 * EC2's link-local services, reached from every instance over its own ENI:
 * the instance metadata service (169.254.169.254, TCP 80), the VPC's DNS
 * resolver (169.254.169.253 and the VPC's base address + 2, UDP and TCP
 * 53) and Time Sync (169.254.169.123, UDP 123). The fabric hands what an
 * ENI sends them to the services port, whose namespace holds the servers;
 * the shim rewrites the destination to an alias in 169.254.0.0/17 that
 * names the asking ENI and the service: alias = 169.254.0.0 | slot << 2 |
 * service. An ENI port gets its slot (1..VCORE_SVC_SLOTS - 1) when it is
 * plugged, round robin so that a slot is not soon reused. Replies come
 * back from the alias and leave the fabric from the service's address.
 */
enum {
	VCORE_SVC_ALIAS_NET = 0xa9fe0000,	/* 169.254.0.0 */
	VCORE_SVC_ALIAS_PREFIXLEN = 17,
	VCORE_SVC_SLOTS = 1 << (32 - VCORE_SVC_ALIAS_PREFIXLEN - 2),
	VCORE_SVC_IMDS_IP = 0xa9fea9fe,		/* 169.254.169.254 */
	VCORE_SVC_DNS_IP = 0xa9fea9fd,		/* 169.254.169.253 */
	VCORE_SVC_NTP_IP = 0xa9fea97b,		/* 169.254.169.123 */
	/*
	 * The link-local allowance: "each network interface ... has a hard
	 * limit of 1024 packets that it can send to the Amazon-provided DNS
	 * server every second" (VPC User Guide, DNS quotas), and ENA's
	 * linklocal_allowance_exceeded counts "packets dropped because the PPS
	 * of the traffic to local proxy services exceeded the maximum for the
	 * network interface", DNS, metadata and Time Sync alike (EC2 User
	 * Guide, ENA's network performance metrics). vnitro applies the 1024
	 * to the three together; above it a request is dropped and counted.
	 */
	VCORE_LINKLOCAL_PPS = 1024,
};

enum vcore_svc {
	VCORE_SVC_IMDS,		/* 169.254.169.254 */
	VCORE_SVC_DNS,		/* 169.254.169.253 */
	VCORE_SVC_DNS_VPC,	/* the VPC's base + 2 ("AmazonProvidedDNS") */
	VCORE_SVC_NTP,		/* 169.254.169.123 */
};

/* Network nodes between an instance and the rest of its zone (vcore_port_desc). */
#define VCORE_TOPOLOGY_LAYERS 3

/* What the fabric must know about a port when it is plugged in. */
struct vcore_port_desc {
	uint8_t mac[6];
	uint8_t kind;			/* enum vcore_port_kind */
	/*
	 * ENI: 1 = drop sent frames whose source IPv4 is not one of ips[] and
	 * frames to deliver whose destination IPv4 is not (EC2's default).
	 * IGW: unused.
	 */
	uint8_t source_dest_check;
	/* IGW: 1 = answer DF packets over VCORE_IGW_MTU with ICMP frag-needed
	 * (PMTUD works); 0 = drop them silently (the PMTUD "black hole"). */
	uint8_t frag_needed;
	/*
	 * IGW: 1 = the VPC's egress-only internet gateway (EC2's eigw, at most
	 * one per VPC besides its internet gateway): IPv6 only, stateful. What
	 * the VPC sends through it opens a tracked flow at the gateway; what
	 * the internet sends passes only as part of such a flow (replies, and
	 * ICMPv6 errors about it). Fixed while plugged.
	 */
	uint8_t egress_only;
	/*
	 * ENI: primary private IPv4 (the DHCP lease) and the secondaries, host
	 * order; all inside the subnet, none 0, no repeats (-EINVAL), none used
	 * by another port of the VPC (-EADDRINUSE). IGW: none.
	 */
	uint32_t ip;
	uint32_t secondary_ips[VCORE_PORT_MAX_IPS - 1];
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
	/*
	 * ENI: the domain of its region's private names, which DHCP hands out
	 * (option 15): "ec2.internal" in us-east-1, "REGION.compute.internal"
	 * elsewhere; "" = ec2.internal. Fixed while plugged.
	 */
	char dns_domain[VCORE_DNS_DOMAIN_MAX];
	void *cookie;			/* passed back to deliver() */
	/*
	 * ENI: the keys of its security groups (vcore_fabric_sg_set), which
	 * filter what it sends and receives, statefully; sg_count 0 = no
	 * filtering at all (an IGW; an ENI the control plane has not given
	 * groups). A key with no group set (yet) allows nothing.
	 */
	uint32_t sg_keys[VCORE_PORT_MAX_SGS];
	uint32_t sg_count;
	/*
	 * ENI: the subnet's IPv6 /64 (its upper 64 bits; has_ipv6 0 = the
	 * subnet has no IPv6 block, and the VPC carries no IPv6 for the ENI)
	 * and the ENI's IPv6 addresses, each the lower 64 bits (the interface
	 * identifier) under that prefix: none 0, no repeats (-EINVAL), none
	 * used by another port of the VPC (-EADDRINUSE). Unlike the subnet's
	 * IPv4 block they may change while the port is plugged (EC2 associates
	 * a block with a subnet that has ENIs). IGW: has_ipv6 and the VPC's
	 * /56 in ipv6_prefix (its low 8 bits 0), no addresses: the gateway
	 * answers neighbour solicitations for the block from its side.
	 */
	uint8_t has_ipv6;
	uint64_t ipv6_prefix;		/* host order: bits 127..64 of the address */
	uint64_t ipv6_iids[VCORE_PORT_MAX_IPV6];	/* host order: bits 63..0 */
	uint32_t ipv6_count;
	/*
	 * ENI: connection tracking. conntrack_max: flows tracked at once (0 =
	 * VCORE_CONNTRACK_DEFAULT_MAX); the idle timeouts EC2 lets users set
	 * per ENI, in seconds (0 = EC2's default; else within EC2's range).
	 */
	uint32_t conntrack_max;
	uint32_t tcp_established_timeout;	/* 60..432000, default 432000 */
	uint32_t udp_timeout;			/* 30..60, default 30 */
	uint32_t udp_stream_timeout;		/* 60..180, default 180 */
	/*
	 * ENI: its instance's bandwidth allowances (vcore_fabric_allowance_set)
	 * and the network card it is attached to, whose share it draws on; key
	 * 0 = none (a key with no allowances set yet limits nothing). Fixed
	 * while plugged.
	 */
	uint32_t allowance_key;
	uint32_t network_card;		/* below the allowance's cards */
	/*
	 * ENI: ENA Express (VCORE_SRD_*), which its instance type supports (the
	 * control plane checks); may change while plugged.
	 */
	uint8_t ena_express;
	/*
	 * ENI: where its instance sits in its zone's network, as network
	 * nodes top layer first (the zone's, a block's, a rack's; equal keys
	 * = the same node, 0 = unknown), and its cluster placement group
	 * (0: none). Fixed while plugged.
	 */
	uint64_t nodes[VCORE_TOPOLOGY_LAYERS];
	uint32_t cluster_key;
	/*
	 * ENI: the host it is on. 0: this one; otherwise the underlay IPv4
	 * address (host order) of the host whose module delivers to it: a
	 * remote port. The fabric finds it, answers ARP for it and routes to
	 * it as to any ENI, applies the sender's half of the pipeline here,
	 * and hands what it delivers to deliver_tunneled; the receiver's half
	 * (its groups, source/dest check, allowances) is that host's
	 * (vcore_fabric_xmit_tunneled). A remote port has no allowances. Fixed
	 * while plugged.
	 */
	uint32_t remote_host;
	/*
	 * ENI: its VPC's virtual network identifier on the wire between hosts
	 * (24 bits, the same on every host: derived from the VPC's id). Fixed
	 * while plugged.
	 */
	uint32_t vni;
};

enum {
	VCORE_CONNTRACK_DEFAULT_MAX = 65536,
	VCORE_TCP_ESTABLISHED_TIMEOUT = 432000,
	VCORE_UDP_TIMEOUT = 30,
	VCORE_UDP_STREAM_TIMEOUT = 180,
};

/*
 * A security group rule, as the fabric applies it. The peer is the remote
 * end: the source of what is received (ingress), the destination of what
 * is sent (egress). A rule allows a packet when its protocol matches (any,
 * for VCORE_SG_PROTO_ALL), its ports (TCP and UDP: the destination port
 * lies in [port_lo, port_hi]) or ICMP (1) or ICMPv6 (58) type and code (-1:
 * any), and its peer: an address in the rule's CIDR block, which also
 * says the one address family it covers, or, when peer_sg is not 0, a
 * private address (IPv4 or IPv6) of an ENI that is a member of group
 * peer_sg.
 */
struct vcore_sg_rule {
	uint16_t proto;
	uint16_t port_lo, port_hi;
	int16_t icmp_type, icmp_code;
	uint32_t peer_sg;
	uint8_t ipv6;			/* the block is IPv6: cidr6, prefixlen up to 128 */
	uint8_t cidr_prefixlen;
	uint32_t cidr_addr;		/* IPv4, host order */
	uint64_t cidr6_hi, cidr6_lo;	/* IPv6, host order */
};

/*
 * A security group: its key (not 0) and rules, ingress and egress, at most
 * VCORE_SG_MAX_RULES per direction covering IPv4 (an IPv4 block or a group)
 * and as many covering IPv6 (an IPv6 block or a group).
 */
struct vcore_fabric_sg_desc {
	uint32_t key;
	uint32_t vpc_key;
	uint32_t ingress_count, egress_count;
	struct vcore_sg_rule ingress[2 * VCORE_SG_MAX_RULES];
	struct vcore_sg_rule egress[2 * VCORE_SG_MAX_RULES];
};

/* Fabric-wide drop/forward counters (monotonic). */
struct vcore_fabric_stats {
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
	uint64_t drop_arp;		/* ARP that is not a request, neighbour discovery that is not a
					 * solicitation (the VPC answers; instances never do) */
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
	uint64_t drop_sg;		/* a security group allowed it in neither tracking nor rules */
	uint64_t drop_conntrack_full;	/* a new flow, the sender's or receiver's table full */
	uint64_t drop_nacl;		/* a subnet's network ACL denied it, leaving or entering */
	/* IPv6: neighbour advertisements, router advertisements and DHCPv6 replies sent. */
	uint64_t nd6_replies;
	uint64_t ra_sent;
	uint64_t dhcp6_replies;
	uint64_t drop_no_ipv6;		/* IPv6 from or to an ENI whose subnet has no IPv6 block */
	/* What the internet sent through an egress-only internet gateway that belongs to no
	 * flow an instance opened through it (a full table there: drop_conntrack_full). */
	uint64_t drop_egress_only;
	/* The link-local services: requests handed to the services port, replies it sent
	 * back, and what was refused (another port or protocol; no services port). */
	uint64_t svc_requests;
	uint64_t svc_replies;
	uint64_t drop_svc;
	/* Requests above an ENI's link-local allowance (VCORE_LINKLOCAL_PPS). */
	uint64_t drop_linklocal_allowance;
	/* Packets (a TSO frame's segments each) over an instance's bandwidth allowances,
	 * and an ENI's fragments over VCORE_FRAGMENT_PPS. */
	uint64_t drop_bw_in_allowance;
	uint64_t drop_bw_out_allowance;
	uint64_t drop_pps_allowance;
	/* Packets of a flow over the single-flow limit (vcore_fabric_set_flow_limit). */
	uint64_t drop_flow_limit;
	/*
	 * The path model between ENIs: frames it had arrive later than at once
	 * (delay, jitter, congestion), and SRD packets it lost and resent.
	 */
	uint64_t path_delayed;
	uint64_t srd_resent;
	/*
	 * ENA Express's SRD links (fabric/srdlink.cc): copies a receiver got
	 * twice (an acknowledgement was lost or late), packets given up after
	 * every resend was lost, packets that waited for a full window, and
	 * packets dropped because no link could be made (no memory).
	 */
	uint64_t srd_duplicates;
	uint64_t srd_given_up;
	uint64_t srd_window_waits;
	uint64_t srd_no_link;
	/* TCP SYNs between two ENIs of ENA Express whose MSS option was clamped. */
	uint64_t srd_mss_clamped;
	/* Packets over an allowance or the single-flow limit that waited in its queue. */
	uint64_t allowance_queued;
	/*
	 * Between hosts: frames from another host delivered here, and those
	 * refused because the mapping disagrees with the sender (an ENI that
	 * is not where it says, another VPC, a destination that is not this
	 * host's). What went the other way the tunnel counts (shim/tunnel.c).
	 */
	uint64_t tunnel_rx;
	uint64_t drop_tunnel_mapping;
};

/* Per-port counters of frames the fabric refused, as seen by that port. */
struct vcore_port_stats {
	uint64_t tx_dropped;
	/* Security groups, EC2's conntrack counters (ENA names them in ethtool -S). */
	uint64_t sg_ingress_dropped;		/* received, allowed by no rule */
	uint64_t sg_egress_dropped;		/* sent, allowed by no rule */
	uint64_t conntrack_allowance_exceeded;	/* a new flow found the table full */
	uint64_t conntrack_tracked;		/* flows tracked now (a gauge) */
	uint64_t conntrack_max;
	uint64_t rx_arp_replies;
	uint64_t tx_src_dst_dropped;	/* sent with a source IP not ours */
	uint64_t rx_src_dst_dropped;	/* addressed to an IP not ours */
	/* Requests to the link-local services above EC2's 1024 packets per second. */
	uint64_t linklocal_allowance_exceeded;
	/* ENA's bw_in/bw_out/pps_allowance_exceeded: packets this ENI received or sent
	 * over its instance's bandwidth allowances; fragments it sent over 1024 a second. */
	uint64_t bw_in_allowance_exceeded;
	uint64_t bw_out_allowance_exceeded;
	uint64_t pps_allowance_exceeded;
	/* ENA Express, as ENA's ena_srd_* (VCORE_SRD_*). */
	uint64_t srd_mode;			/* VCORE_SRD_ENABLED | VCORE_SRD_UDP */
	uint64_t srd_tx_pkts;			/* sent over SRD */
	uint64_t srd_eligible_tx_pkts;		/* sent, meeting this ENI's side of the rules */
	uint64_t srd_rx_pkts;			/* received over SRD */
	/* The percentage of its SRD window the busiest peer's packets in flight hold. */
	uint64_t srd_resource_utilization;
};

/*
 * ENA Express (EC2 User Guide, "Improve network performance between EC2
 * instances with ENA Express"): a packet goes over SRD when both ENIs have
 * it turned on (their types support it), both are in the same Region, it is
 * TCP, or UDP with both ENIs' UDP setting on, and it fits the MTU ENA
 * Express needs (8900); otherwise it falls back to plain ENA, silently.
 * SRD retransmits what the path loses (no loss is seen), and lifts the
 * single-flow limit to 25 Gbps. The bits are ena_srd_mode's (ENA driver).
 */
enum {
	VCORE_SRD_ENABLED = 1,
	VCORE_SRD_UDP = 2,
	VCORE_SRD_MTU = 8900,
};
#define VCORE_SRD_FLOW_LIMIT_BPS 25000000000ull

/*
 * An instance's bandwidth allowances: EC2's "separate network I/O credit
 * buckets for inbound and outbound traffic", per network card (EC2 gives
 * each card its own baseline and peak). Rates are bits per second, already
 * divided by the world's rate scale; peak_bps >= baseline_bps >= 1. While
 * the peak is above the baseline (an "up to" type), a card's direction may
 * send at its peak until its credits run out, burst_s seconds from full,
 * and then at its baseline; sending below the baseline earns credits back.
 * A packet over an allowance is dropped and counted (bw_in/bw_out) at the
 * ENI it arrived at or left.
 */
struct vcore_allowance_desc {
	uint32_t key;			/* not 0 */
	uint32_t cards;			/* 1..VCORE_MAX_CARDS */
	uint64_t peak_bps;		/* per card and direction */
	uint64_t baseline_bps;
	uint32_t burst_s;		/* 1..VNITRO_BURST_SECONDS_MAX */
	/*
	 * What the instance may send to and receive from an internet gateway,
	 * each direction, all cards together (EC2: 5 Gbps below 32 vCPUs,
	 * else half the instance's bandwidth and at least 5 Gbps); 0 = only
	 * the cards' allowances. At least VCORE_ALLOWANCE_MIN_BPS otherwise.
	 */
	uint64_t internet_bps;
};

enum {
	VCORE_MAX_CARDS = VNITRO_MAX_NETWORK_CARD + 1,
	VCORE_ALLOWANCE_MIN_BPS = 8,	/* the least an allowance's rates may be */
	/*
	 * "EC2 enforces a PPS limit per ENI for egress fragmented IP packets"
	 * (amzn-drivers, ENA Linux Best Practices), "1024 PPS for the network
	 * interface" (EC2 User Guide, ENA metrics), counted in
	 * pps_allowance_exceeded.
	 */
	VCORE_FRAGMENT_PPS = 1024,
};

/* The most they may be: 10 Tbit/s. */
#define VCORE_ALLOWANCE_MAX_BPS 10000000000000ull

/*
 * Sets the allowances of @desc->key: new ones start with full credits; an
 * existing one takes the new rates in place and keeps its credits (-EINVAL:
 * a value out of range; -ENOMEM). Sleeps.
 */
int vcore_fabric_allowance_set(struct vcore_fabric *fab, const struct vcore_allowance_desc *desc);
/*
 * EC2's single-flow limit: "when instances are not in the same cluster
 * placement group, bandwidth for single-flow traffic is limited to 5 Gbps"
 * (a 5-tuple for TCP and UDP, source, destination and protocol otherwise),
 * divided by the world's rate scale; 0: none. Applies where an ENI whose
 * allowance's peak is above it sends or receives.
 */
#define VCORE_FLOW_LIMIT_BPS 5000000000ull
/* "Instances within a cluster placement group can use up to 10 Gbps for single-flow traffic." */
#define VCORE_CLUSTER_FLOW_LIMIT_BPS 10000000000ull
/*
 * @bps for plain ENA, @cluster_bps for plain ENA between two ENIs of one
 * cluster placement group, @srd_bps over SRD (ENA Express:
 * VCORE_SRD_FLOW_LIMIT_BPS).
 */
void vcore_fabric_set_flow_limit(struct vcore_fabric *fab, uint64_t bps, uint64_t cluster_bps,
				 uint64_t srd_bps);
/*
 * EC2 "shapes the traffic that exceeds the maximum by queueing and then
 * dropping network packets" (User Guide, "Monitor network performance for
 * ENA settings"): a packet between two ENIs over a bandwidth allowance or
 * the single-flow limit waits up to @ns for its turn (delivered that much
 * later, and counted in the ENIs' bw_*_allowance_exceeded as EC2 counts
 * queued packets) before it is dropped instead. 0 (a new fabric's): dropped
 * at once. The queue depth is vnitro's choice (EC2 gives none).
 */
#define VCORE_ALLOWANCE_QUEUE_NS 10000000ull
void vcore_fabric_set_allowance_queue(struct vcore_fabric *fab, uint64_t ns);

/* What was set for @key last (-ENOENT: nothing). */
int vcore_fabric_allowance_get(struct vcore_fabric *fab, uint32_t key,
			       struct vcore_allowance_desc *out);
/* Forgets the allowances of @key (no port uses it any more). Sleeps. */
void vcore_fabric_allowance_del(struct vcore_fabric *fab, uint32_t key);

struct vcore_fabric *vcore_fabric_create(void);
void vcore_fabric_destroy(struct vcore_fabric *fab);
/*
 * Returns the port, or NULL with *err = -ENOMEM, -EADDRINUSE (MAC taken or
 * a router's, or an IP already used in that VPC), -EEXIST (the VPC has an
 * IGW port of that kind already, internet or egress-only: one each per VPC,
 * as EC2 allows; the fabric has its services port already) or -EINVAL (kind, MAC not
 * unicast, key or IPs out of range).
 */
struct vcore_fabric_port *vcore_fabric_port_add(struct vcore_fabric *fab,
						const struct vcore_port_desc *desc,
						int *err);
/*
 * Replaces a plugged port's IPs and flags (secondary IP assigned or
 * unassigned, source/dest check or frag_needed toggled); MAC, kind, subnet,
 * VPC and cookie must not change (-EINVAL). IPs as for port_add; -ENOMEM;
 * -ENOENT once port_del has begun (the caller keeps @port alive until this
 * returns: the shim unpublishes a port under RTNL, which updates hold).
 * Readers see the old or the new set, never a mix. Sleeps (waits for RCU).
 */
int vcore_fabric_port_update(struct vcore_fabric *fab, struct vcore_fabric_port *port,
			     const struct vcore_port_desc *desc);
/* Unlinks the port and waits until no CPU can still deliver to it. */
void vcore_fabric_port_del(struct vcore_fabric *fab, struct vcore_fabric_port *port);

/* Where a route sends matching packets. */
enum vcore_route_target {
	VCORE_ROUTE_LOCAL,	/* inside the VPC: to the ENI that owns the destination IP */
	VCORE_ROUTE_ENI,	/* to the ENI with target_mac (e.g. a NAT instance) */
	VCORE_ROUTE_IGW,	/* to the VPC's internet gateway port */
	VCORE_ROUTE_EIGW,	/* to its egress-only internet gateway port (IPv6 routes only) */
};

struct vcore_fabric_route {
	uint32_t addr;			/* destination network, host order */
	uint8_t ipv6;			/* 1: the destination is addr6_hi:addr6_lo/prefixlen */
	uint64_t addr6_hi, addr6_lo;	/* host order */
	uint8_t prefixlen;
	uint8_t target;			/* enum vcore_route_target */
	uint8_t target_mac[6];		/* VCORE_ROUTE_ENI */
};

/* A subnet as the VPC router sees it: its CIDR and its route table. */
struct vcore_fabric_subnet_desc {
	uint32_t key;			/* the subnet_key of its ports */
	uint32_t vpc_key;
	uint32_t addr;			/* host order */
	uint8_t prefixlen;
	uint32_t route_count;		/* longest prefix wins */
	struct vcore_fabric_route routes[VCORE_SUBNET_MAX_ROUTES];
	/*
	 * The network ACL (vcore_fabric_nacl_set) that filters what enters
	 * and leaves the subnet; 0 = none (everything passes). A key the
	 * fabric holds no ACL for denies everything, as an ACL's last rule.
	 */
	uint32_t nacl_key;
};

enum {
	/* Per direction: EC2's quota (20 rules, the "*" rule among them),
	 * which it enforces for IPv4 and IPv6 rules separately. */
	VCORE_NACL_MAX_RULES = 40,
	VCORE_NACL_MAX_NUMBER = 32766,	/* rule numbers run from 1 */
};

/*
 * A network ACL rule, stateless: it matches a packet's protocol (any, for
 * VCORE_SG_PROTO_ALL), its destination port (TCP, UDP: in [port_lo,
 * port_hi]) or ICMP/ICMPv6 type and code (-1: any), and the remote address:
 * the source of what enters the subnet (ingress), the destination of what
 * leaves it (egress), in the rule's block, IPv4 or IPv6 (a rule covers its
 * block's address family only).
 */
struct vcore_nacl_rule {
	uint16_t number;		/* 1..VCORE_NACL_MAX_NUMBER, unique per direction */
	uint8_t allow;			/* 1 allow, 0 deny */
	uint16_t proto;
	uint16_t port_lo, port_hi;
	int16_t icmp_type, icmp_code;
	uint8_t ipv6;			/* the block is IPv6: cidr6, prefixlen up to 128 */
	uint8_t cidr_prefixlen;
	uint32_t cidr_addr;		/* IPv4, host order */
	uint64_t cidr6_hi, cidr6_lo;	/* IPv6, host order */
};

/*
 * A network ACL: its key (not 0) and rules per direction, in any order;
 * the fabric evaluates them by number, lowest first, the first match
 * deciding, and denies what none matches (EC2's "*" rule).
 */
struct vcore_fabric_nacl_desc {
	uint32_t key;
	uint32_t ingress_count, egress_count;
	struct vcore_nacl_rule ingress[VCORE_NACL_MAX_RULES];
	struct vcore_nacl_rule egress[VCORE_NACL_MAX_RULES];
};

/*
 * Adds or replaces (same key) an ACL; readers see the old or the new one.
 * 0, -ENOMEM, or -EINVAL (key 0, a count, number, protocol, port range,
 * ICMP type/code or CIDR out of range, a number twice in a direction).
 * nacl_del of an unknown key does nothing; subnets naming it then deny all.
 */
int vcore_fabric_nacl_set(struct vcore_fabric *fab, const struct vcore_fabric_nacl_desc *desc);
void vcore_fabric_nacl_del(struct vcore_fabric *fab, uint32_t key);

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
int vcore_fabric_subnet_set(struct vcore_fabric *fab, const struct vcore_fabric_subnet_desc *desc);
void vcore_fabric_subnet_del(struct vcore_fabric *fab, uint32_t key);

/* Verdicts of vcore_fabric_xmit. */
enum vcore_xmit_verdict {
	VCORE_XMIT_DELIVERED,	/* frame_ctx was consumed by deliver() */
	VCORE_XMIT_ANSWERED,	/* the fabric answered it (ARP, DHCP, ICMP): caller frees */
	VCORE_XMIT_DROPPED,	/* refused and counted: caller frees */
	/* vcore_fabric_xmit_tunneled: an EFA frame, for vcore_efa_engine_rx (caller's to hand on) */
	VCORE_XMIT_EFA,
};

/*
 * The Ethernet type of EFA frames between hosts (IEEE 802's "Local
 * Experimental Ethertype 1"): from the sending ENI's MAC to the receiving
 * one's, never seen by an instance (Documentation/cluster.md).
 */
#define VCORE_ETHERTYPE_EFA 0x88b5

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
enum vcore_xmit_verdict vcore_fabric_xmit(struct vcore_fabric *fab,
					  struct vcore_fabric_port *src,
					  uint8_t *frame, uint32_t len,
					  void *frame_ctx);
/*
 * vcore_fabric_xmit for a frame the sending device segments (TSO/GSO):
 * @seg_len is the IP length (network and transport headers plus the
 * segment size) of the largest packet it stands for on the wire, which is
 * what the 1500-byte edge applies to; the header's total length is that of
 * the whole frame. 0: not segmented, as vcore_fabric_xmit.
 */
enum vcore_xmit_verdict vcore_fabric_xmit_gso(struct vcore_fabric *fab,
					      struct vcore_fabric_port *src,
					      uint8_t *frame, uint32_t len, uint32_t seg_len,
					      void *frame_ctx);

/* What the tunnel between hosts says of a frame (shim/tunnel.c). */
struct vcore_tunnel_meta {
	uint32_t host;			/* the sending host's underlay IPv4, host order */
	uint32_t vni;			/* the VPC's (vcore_port_desc.vni) */
	uint8_t src_mac[6];		/* the ENI that sent it (a remote port here) */
	uint8_t dst_mac[6];		/* the ENI it is for (a port of this host) */
};

/*
 * A frame another host's fabric delivered to one of this host's ENIs
 * through the tunnel: the sender's half of the pipeline ran there. Checked
 * against this host's mapping (the source a remote port on @m->host, the
 * destination a port of this host with @m->dst_mac as the frame's
 * destination, both of VPC @m->vni, in one VPC; otherwise dropped as
 * drop_tunnel_mapping), then the receiver's half: its source/dest check
 * and security groups (with its tracking), and delivered. An EFA frame
 * (VCORE_ETHERTYPE_EFA) must stay in its subnet and reach an ENI with an EFA
 * device whose groups allow the peer (as on one host); then the caller
 * hands it to the EFA engine (VCORE_XMIT_EFA). Atomic, as vcore_fabric_xmit.
 */
enum vcore_xmit_verdict vcore_fabric_xmit_tunneled(struct vcore_fabric *fab,
						   const struct vcore_tunnel_meta *m,
						   uint8_t *frame, uint32_t len, void *frame_ctx);
void vcore_fabric_get_stats(const struct vcore_fabric *fab, struct vcore_fabric_stats *out);
void vcore_fabric_port_get_stats(const struct vcore_fabric_port *port,
				 struct vcore_port_stats *out);
/*
 * Sets (adds or replaces) security group @desc->key: -EINVAL for a key of
 * 0, too many rules, a rule with a bad protocol, port range, ICMP code
 * without a type, or prefix. Rules change at once for new flows; flows
 * already tracked keep going until they time out (as on EC2). -ENOMEM.
 */
int vcore_fabric_sg_set(struct vcore_fabric *fab, const struct vcore_fabric_sg_desc *desc);
/* Deletes group @key (ports that still name it are allowed nothing by it). */
void vcore_fabric_sg_del(struct vcore_fabric *fab, uint32_t key);
/*
 * Elastic IPs: the internet gateway of VPC @vpc_key translates @public_ip
 * to @private_ip one to one (EC2's 1:1 NAT: the instance only ever sees its
 * private address). Set adds or re-points one: -EINVAL for a 0 address,
 * -EADDRINUSE when another VPC holds @public_ip or another Elastic IP is
 * on @private_ip, -ENOMEM. The gateway answers ARP for its Elastic IPs.
 */
int vcore_fabric_eip_set(struct vcore_fabric *fab, uint32_t vpc_key, uint32_t public_ip,
			 uint32_t private_ip);
void vcore_fabric_eip_del(struct vcore_fabric *fab, uint32_t public_ip);
/*
 * Data path, under RCU: what the gateway port @igw translates (0: nothing).
 * The shim rewrites the packet (it knows the sk_buff's checksum state).
 */
uint32_t vcore_fabric_eip_private(const struct vcore_fabric *fab,
				  const struct vcore_fabric_port *igw, uint32_t public_ip);
uint32_t vcore_fabric_eip_public(const struct vcore_fabric *fab,
				 const struct vcore_fabric_port *igw, uint32_t private_ip);
/*
 * The link-local services (the enum above). An ENI port's alias base (its
 * slot's IMDS alias; | service gives the others), 0 for another port.
 */
uint32_t vcore_fabric_port_svc_alias(const struct vcore_fabric_port *port);
/*
 * What a request the fabric delivered to the services port becomes there:
 * the alias its destination is rewritten to, or 0 (drop it). RCU held.
 */
uint32_t vcore_fabric_svc_alias(struct vcore_fabric *fab, const uint8_t *frame, uint32_t len);
/*
 * A frame the services port @svc sends: the ENI port its source alias
 * names (plugged), with *@service_ip the address the source must become;
 * the frame's MACs are rewritten (the ENI's subnet router to the ENI).
 * NULL: drop it (counted). RCU held until vcore_fabric_svc_deliver.
 */
struct vcore_fabric_port *vcore_fabric_svc_reply_to(struct vcore_fabric *fab,
						    struct vcore_fabric_port *svc,
						    uint8_t *frame, uint32_t len,
						    uint32_t *service_ip);
/* Delivers that frame, its source rewritten, to @dst. RCU held. */
void vcore_fabric_svc_deliver(struct vcore_fabric *fab, struct vcore_fabric_port *dst,
			      void *frame_ctx);
/* Moves connection tracking's clock @seconds ahead: tests of the idle timeouts. */
void vcore_fabric_conntrack_advance(struct vcore_fabric *fab, uint32_t seconds);
/*
 * The routers' periodic advertisements (RFC 4861 6.2.4): an unsolicited
 * router advertisement to all nodes on every ENI port whose subnet has an
 * IPv6 block, from its subnet router, so that a host keeps its default
 * route without soliciting again. The caller calls it every 200 to 600
 * seconds (RFC 4861's MinRtrAdvInterval and MaxRtrAdvInterval defaults),
 * with bottom halves off. Returns how many it sent.
 */
uint32_t vcore_fabric_advertise(struct vcore_fabric *fab);
/* Flows tracked now, over every ENI (each is one of the core's allocations). */
uint64_t vcore_fabric_conntrack_flows(const struct vcore_fabric *fab);
/* The table subnet_set gave subnet @key (routes longest prefix first; addr/prefixlen 0), or -ENOENT. */
int vcore_fabric_subnet_get(struct vcore_fabric *fab, uint32_t key,
			    struct vcore_fabric_subnet_desc *out);

/*
 * The path model: the network between two ENIs is VCORE_PATHS_MAX spine
 * paths, of which `paths` are in use. Each has a one-way latency (delay_ns,
 * plus up to jitter_ns drawn per frame), a loss, and congestion episodes:
 * time is cut into episodes of episode_ns, and in a share congestion_ppm of
 * them (drawn per path and episode from the seed) the path adds
 * congestion_delay_ns and loses congestion_loss_ppm when that is more than
 * loss_ppm. A plain ENA frame takes its flow's path (ECMP: a hash of the
 * 5-tuple); a frame ENA Express carries over SRD takes the least loaded of
 * four paths per packet and is resent after a loss. Frames
 * of one flow arrive in order. EFA packets meet the world's loss, delay and
 * reordering (reorder_ppm, reorder_delay_ns: EFA SRD packets only).
 * Lossless and immediate by default (reorder_delay_ns 1 ms, episode_ns
 * 10 ms, 8 paths). Any context; a reader may see a mix of an old and a new
 * configuration for one frame.
 */
#define VCORE_PATHS_MAX 16

struct vcore_fabric_path_config {
	uint32_t loss_ppm;
	uint32_t reorder_ppm;
	uint32_t delay_ns;		/* every packet */
	uint32_t reorder_delay_ns;	/* extra, for a held-back packet */
	uint32_t jitter_ns;
	uint32_t congestion_ppm;
	uint32_t congestion_delay_ns;
	uint32_t congestion_loss_ppm;
	uint32_t episode_ns;		/* > 0 */
	uint32_t paths;			/* 1 .. VCORE_PATHS_MAX */
	/*
	 * Placement: each network node a frame crosses between two ENIs
	 * adds node_delay_ns (1 on one rack node, 3 in one block, 5 in one
	 * zone, 6 between zones), and az_delay_ns more between zones.
	 */
	uint32_t node_delay_ns;
	uint32_t az_delay_ns;
};

/* One path's own model: the fields of the world's that a path may change. */
struct vcore_fabric_one_path {
	uint32_t loss_ppm;
	uint32_t delay_ns;
	uint32_t jitter_ns;
	uint32_t congestion_ppm;
	uint32_t congestion_delay_ns;
	uint32_t congestion_loss_ppm;
};

/*
 * The world's model; with @to_paths every path takes its fields (what was
 * set per path is replaced), otherwise the paths keep theirs.
 */
void vcore_fabric_set_path(struct vcore_fabric *fab, const struct vcore_fabric_path_config *cfg,
			   bool to_paths);
void vcore_fabric_get_path(const struct vcore_fabric *fab, struct vcore_fabric_path_config *out);
/* Path @index (< VCORE_PATHS_MAX, else -EINVAL) alone. */
int vcore_fabric_set_one_path(struct vcore_fabric *fab, uint32_t index,
			      const struct vcore_fabric_one_path *p);
int vcore_fabric_get_one_path(const struct vcore_fabric *fab, uint32_t index,
			      struct vcore_fabric_one_path *out);
/*
 * Restarts the path model's pseudo-random losses and reordering from @seed:
 * the ENA frames' draws at once, and every EFA device's and SRD flow's
 * generator before the engine's next pass, so a run that sets the seed
 * before its traffic sees the same pattern again. get_seed: the last one set (0: none).
 */
void vcore_fabric_seed(struct vcore_fabric *fab, uint64_t seed);
uint64_t vcore_fabric_get_seed(const struct vcore_fabric *fab);

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
int vcore_fabric_efa_attach(struct vcore_fabric *fab, struct vcore_fabric_port *port,
			    struct vcore_efa_dev *dev);
void vcore_fabric_efa_detach(struct vcore_fabric *fab, struct vcore_efa_dev *dev);

#ifdef __cplusplus
}
#endif

#endif /* VCORE_FABRIC_H */
