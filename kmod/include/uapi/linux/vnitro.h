/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/* The "vnitro" generic netlink family: the control plane's only ABI. */
#ifndef _UAPI_LINUX_VNITRO_H
#define _UAPI_LINUX_VNITRO_H

#define VNITRO_GENL_NAME	"vnitro"
#define VNITRO_GENL_VERSION	1

/*
 * Commands. Every command takes and returns attributes of the single
 * VNITRO_A_* space below. GET commands support NLM_F_DUMP; a GET with an
 * identifying attribute (name or id) answers for that one object.
 * Mutating commands need CAP_NET_ADMIN. Failures carry an extack message.
 *
 * INSTANCE_ADD  NAME, NETNS_FD (omit for the init namespace), SUBNET_ID,
 *               optional PRIVATE_IP for the primary ENI, optional
 *               INSTANCE_TYPE ("c5n.18xlarge" when omitted).
 *               Registers the namespace as an instance and creates and
 *               attaches its primary ENI at device index 0.
 *               Reply: the instance (as INSTANCE_GET), with the type's
 *               limits: MAX_ENIS, MAX_IPS_PER_ENI, MAX_QUEUES,
 *               EFA_SUPPORTED, ENA_EXPRESS_SUPPORTED, BASELINE_MBPS,
 *               RSS_KEY_CONFIGURABLE, CONNTRACK_MAX (flows each ENI of
 *               the type may track), ADAPTER (the interface its ENIs
 *               present: ENA or the Intel 82599 VF). Optional PG_NAME
 *               (and PG_PARTITION) launches it into a placement group;
 *               replies carry PG_NAME, PG_ID, PG_PARTITION and
 *               NETWORK_NODES (its place in the zone's network).
 * INSTANCE_DEL  NAME. Detaches every ENI; deletes the primary ENI.
 * INSTANCE_GET  [NAME]. Replies carry the instance metadata options
 *               MD_HTTP_TOKENS, MD_HOP_LIMIT and MD_ENDPOINT.
 * INSTANCE_SET  NAME and any of MD_HTTP_TOKENS, MD_HOP_LIMIT, MD_ENDPOINT
 *               (EC2's ModifyInstanceMetadataOptions; the metadata service
 *               in userspace enforces them). Reply: the instance.
 * ENI_ADD       SUBNET_ID, optional ENI_ID, PRIVATE_IP, MAC, ENI_TYPE,
 *               and any setting of ENI_SET (EC2's CreateNetworkInterface
 *               takes a description, groups and tracking timeouts): a
 *               refused setting creates nothing. Reply: the ENI (as ENI_GET).
 * ENI_DEL       ENI_ID. Refused while attached.
 * ENI_GET       [ENI_ID].
 * ENI_ATTACH    ENI_ID, INSTANCE_NAME, DEVICE_INDEX. Reply: the ENI.
 * ENI_DETACH    ENI_ID. Refused for device index 0 (the primary ENI).
 * VPC_GET       [VPC_ID].
 * SUBNET_GET    [SUBNET_ID].
 *
 * VPC_ADD       VPC_ID, CIDR_ADDR, CIDR_PREFIXLEN (/16 to /28). Creates the
 *               VPC's default security group. Reply: the VPC.
 * VPC_DEL       VPC_ID. Refused while it has subnets, an internet gateway
 *               or egress-only internet gateway, or security groups but
 *               its default one (deleted with it).
 * SUBNET_ADD    SUBNET_ID, VPC_ID, CIDR_ADDR, CIDR_PREFIXLEN (/16 to /28,
 *               inside the VPC, overlapping no other subnet), AZ.
 *               Creates the subnet's route table with the "local" route
 *               for the VPC's CIDR. Reply: the subnet.
 * SUBNET_DEL    SUBNET_ID. Refused while ENIs live in it.
 * ENI_SET       ENI_ID and any of SOURCE_DEST_CHECK, DESCRIPTION (empty
 *               clears it), SECURITY_GROUPS (replaces the list: 1 to 5
 *               groups of the ENI's VPC; a new ENI has the VPC's default
 *               group), ENA_EXPRESS, ENA_EXPRESS_UDP,
 *               TCP_ESTABLISHED_TIMEOUT, UDP_STREAM_TIMEOUT, UDP_TIMEOUT
 *               (each within EC2's range, VNITRO_*_TIMEOUT_MIN/MAX).
 *               All or nothing.
 *               Reply: the ENI.
 * ENI_IP_ASSIGN ENI_ID and either PRIVATE_IP (that address) or IP_COUNT
 *               (that many free ones, lowest first): secondary private
 *               IPv4 addresses. Reply: the ENI.
 * ENI_IP_UNASSIGN ENI_ID, PRIVATE_IP (a secondary address). Reply: the ENI.
 * ROUTE_ADD     SUBNET_ID, the destination: CIDR_ADDR and CIDR_PREFIXLEN
 *               (IPv4) or IPV6_CIDR_ADDR and IPV6_CIDR_PREFIXLEN (IPv6, /0
 *               to /128), and the target: ENI_ID (an ENI of the same VPC)
 *               or IGW_ID (the VPC's internet gateway, or its egress-only
 *               internet gateway "eigw-…": IPv6 destinations only).
 *               Reply: the route
 *               (as ROUTE_GET). A VPC with an IPv6 block has a second
 *               local route, its /56, in every table.
 * ROUTE_DEL     SUBNET_ID and the destination. The local routes stay.
 * ROUTE_GET     [SUBNET_ID [destination]]. A dump lists every
 *               route of every subnet; a GET with only SUBNET_ID is refused.
 *               Reply: SUBNET_ID, the destination, ROUTE_TARGET,
 *               ENI_ID or IGW_ID, STATUS ("active" | "blackhole": the
 *               target ENI is not attached or no longer exists).
 * IGW_ADD       IGW_ID, VPC_ID, NETNS_FD (the "internet" namespace; omit
 *               for the init namespace), optional NETNS_NAME (shown back),
 *               optional FRAG_NEEDED (default 1). One per VPC.
 *               An IGW_ID "eigw-…" makes the VPC's egress-only internet
 *               gateway instead (EC2's eigw, one per VPC besides its
 *               internet gateway): IPv6 only, outbound only (what comes
 *               in must answer a flow an instance opened), a netdev
 *               "eigwN"; FRAG_NEEDED (IPv4's) is refused for it.
 *               Reply: the gateway (as IGW_GET).
 * IGW_DEL       IGW_ID. Refused while a route targets it.
 * IGW_GET       [IGW_ID]. Reply: IGW_ID, VPC_ID, MAC, FRAG_NEEDED, EGRESS_ONLY
 *               (an egress-only gateway: its table's CONNTRACK_TRACKED,
 *               CONNTRACK_MAX, CONNTRACK_ALLOWANCE_EXCEEDED and INBOUND_DROPPED),
 *               NETNS_NAME (if given), IFNAME and IFINDEX of the gateway's
 *               netdev in its namespace ("igw0": the first free igwN).
 * IGW_SET       IGW_ID, FRAG_NEEDED. Reply: the gateway. Refused for an
 *               egress-only gateway.
 * TYPE_GET      [INSTANCE_TYPE]: the instance types and their limits
 *               (the attributes of an instance reply after INSTANCE_TYPE).
 * SG_ADD        VPC_ID, optional SECURITY_GROUP_ID ("sg-" and 1 to 17
 *               lowercase hex digits; random 17 when omitted), optional
 *               SG_NAME (unique in the VPC; not "default", not "sg-…";
 *               the id when omitted), optional DESCRIPTION. The group
 *               starts with one egress rule: all protocols to 0.0.0.0/0.
 *               Reply: the group (as SG_GET).
 * SG_DEL        SECURITY_GROUP_ID. Refused for a VPC's default group,
 *               while an ENI has the group, and while a rule of another
 *               group names it.
 * SG_GET        [SECURITY_GROUP_ID]. Reply: SECURITY_GROUP_ID, VPC_ID,
 *               SG_NAME, DESCRIPTION, SG_RULES (a nest of SG_RULE nests,
 *               each the rule attributes below). A group with more rules
 *               than fit in one message comes as several messages with
 *               the same SECURITY_GROUP_ID, each carrying the next rules.
 * SG_RULE_ADD   SECURITY_GROUP_ID and a rule: SG_DIRECTION, SG_PROTOCOL,
 *               SG_PORT_FROM and SG_PORT_TO (tcp and udp only, both
 *               required), SG_ICMP_TYPE and SG_ICMP_CODE (icmp and
 *               icmpv6 (58) only, each optional: absent = any; a code
 *               needs a type), and the peer: CIDR_ADDR with
 *               CIDR_PREFIXLEN (IPv4), IPV6_CIDR_ADDR with
 *               IPV6_CIDR_PREFIXLEN (IPv6, /0 to /128), or SG_PEER_ID (a
 *               group of the same VPC, matching its members' IPv4 and
 *               IPv6 addresses). At most VNITRO_MAX_SG_RULES per
 *               direction for IPv4 and as many for IPv6; a group rule
 *               counts for both. All or nothing. Reply: the group.
 * SG_RULE_DEL   The same attributes: deletes the rule equal to them.
 *               Reply: the group.
 * NACL_ADD      VPC_ID, optional NACL_ID ("acl-" and 1 to 17 lowercase hex
 *               digits; random if absent). A new ACL has no rules: it
 *               denies everything. Reply: the ACL (as NACL_GET).
 * NACL_DEL      NACL_ID. Refused for a VPC's default ACL and for one a
 *               subnet is associated with.
 * NACL_GET      [NACL_ID]. Reply: NACL_ID, VPC_ID, NACL_DEFAULT,
 *               NACL_ENTRIES (a nest of NACL_ENTRY nests, each direction
 *               by rule number). An ACL with more entries than fit in
 *               one message of a dump comes as several messages with the
 *               same NACL_ID, each carrying the next entries.
 * NACL_ENTRY_ADD NACL_ID and a rule: SG_DIRECTION, NACL_RULE_NUMBER,
 *               NACL_RULE_ACTION, SG_PROTOCOL, SG_PORT_FROM and SG_PORT_TO
 *               (tcp and udp only, both required), SG_ICMP_TYPE and
 *               SG_ICMP_CODE (icmp and icmpv6 only; absent: any), and
 *               CIDR_ADDR and CIDR_PREFIXLEN (IPv4) or IPV6_CIDR_ADDR and
 *               IPV6_CIDR_PREFIXLEN (IPv6). Numbers are unique per
 *               direction across both families; at most
 *               VNITRO_MAX_NACL_ENTRIES per direction and family. A VPC's
 *               default ACL gets rule 101 allowing ::/0 in each direction
 *               not yet changed when the VPC gets an IPv6 block. Reply:
 *               the ACL.
 * NACL_ENTRY_REPLACE The same: the rule of that direction and number,
 *               which must exist, becomes this one. Reply: the ACL.
 * NACL_ENTRY_DEL NACL_ID, SG_DIRECTION, NACL_RULE_NUMBER. Reply: the ACL.
 * NACL_ASSOCIATE SUBNET_ID, NACL_ID (of the subnet's VPC; its default ACL
 *               is EC2's "disassociate"). Reply: the subnet.
 * EIP_ADD       Optional EIP_ALLOCATION_ID ("eipalloc-" and 1 to 17
 *               lowercase hex digits; random if absent), optional
 *               PUBLIC_IP (of the pool and free; the lowest free if
 *               absent). At most VNITRO_MAX_EIPS. Reply: the address
 *               (as EIP_GET).
 * EIP_DEL       EIP_ALLOCATION_ID. Refused while associated.
 * EIP_GET       [EIP_ALLOCATION_ID]. Reply: EIP_ALLOCATION_ID, PUBLIC_IP
 *               and, when associated, EIP_ASSOCIATION_ID, ENI_ID,
 *               PRIVATE_IP and INSTANCE_NAME (if the ENI is attached).
 * EIP_ASSOCIATE EIP_ALLOCATION_ID, ENI_ID, optional PRIVATE_IP (one of
 *               the ENI's; its primary if absent), optional flag
 *               EIP_ALLOW_REASSOCIATION. The ENI's VPC needs an internet
 *               gateway. Reply: the address.
 * EIP_DISASSOCIATE EIP_ALLOCATION_ID or EIP_ASSOCIATION_ID; idempotent.
 * EIP_POOL_GET  Reply: CIDR_ADDR, CIDR_PREFIXLEN of the public pool.
 * EIP_POOL_SET  CIDR_ADDR, CIDR_PREFIXLEN (/16 to /30, no host bits);
 *               refused while an allocated address would fall outside.
 *               Reply: the pool.
 * VPC_IPV6_SET  VPC_ID, IPV6_CIDR_PREFIXLEN: 56 associates an IPv6 block
 *               (IPV6_CIDR_ADDR, no host bits, or when absent an
 *               Amazon-provided one from 2600:1f18::/32), 0 disassociates it
 *               (refused while a subnet has an IPv6 block). One per VPC.
 *               Reply: the VPC (VPC_GET adds IPV6_CIDR_* when it has one).
 * SUBNET_IPV6_SET SUBNET_ID and IPV6_CIDR_PREFIXLEN: 64 with IPV6_CIDR_ADDR
 *               (inside the VPC's block, no other subnet's) associates, 0
 *               disassociates (refused while an ENI has IPv6 addresses);
 *               and/or ASSIGN_IPV6_ON_CREATION (needs a block; cleared
 *               with it). Reply: the subnet (always with
 *               ASSIGN_IPV6_ON_CREATION).
 * ENI_IP_ASSIGN and ENI_IP_UNASSIGN take IPV6_ADDR (or IPV6_COUNT for
 *               assign) instead of PRIVATE_IP (IP_COUNT): IPv6 addresses of
 *               the subnet's block, as many as IPv4 ones (the type's limit).
 *               The ENI reply lists them in IPV6_ADDRS.
 * SVC_ADD       NETNS_FD (not the initial namespace), optional NETNS_NAME:
 *               plugs the link-local services' port (one per host), netdev
 *               "svc0" in that namespace. What an instance sends to
 *               169.254.169.254 (TCP 80), 169.254.169.253 and its VPC's
 *               base + 2 (UDP and TCP 53) or 169.254.169.123 (UDP 123)
 *               arrives there addressed to an alias in CIDR_ADDR/
 *               CIDR_PREFIXLEN (169.254.0.0/17): the ENI's SVC_ADDR plus
 *               0, 1, 2 or 3 for those four; what the namespace sends back
 *               from the alias reaches that ENI from the service's address.
 *               Reply: as SVC_GET.
 * SVC_DEL       Unplugs it.
 * SVC_GET       Reply: IFNAME, IFINDEX, NETNS_NAME, MAC, CIDR_ADDR,
 *               CIDR_PREFIXLEN, SVC_REQUESTS, SVC_REPLIES, SVC_DROPPED.
 *               An attached ENI's reply carries its SVC_ADDR.
 *
 * ADD, ATTACH and GET answer with the object; DEL and DETACH only ack.
 * ENI ids are "eni-" and 1 to 17 lowercase hex digits. Device indexes run
 * from 0 to VNITRO_MAX_DEVICE_INDEX on each network card (NETWORK_CARD,
 * 0 to VNITRO_MAX_NETWORK_CARD, fewer as the instance type has them); the
 * primary ENI is at network card 0, device index 0. The default world's instance for the
 * initial namespace is "i-host" (module parameter default_world); an
 * INSTANCE_ADD without NETNS_FD registers the initial namespace.
 */
enum vnitro_cmd {
	VNITRO_CMD_UNSPEC,
	VNITRO_CMD_INSTANCE_ADD,
	VNITRO_CMD_INSTANCE_DEL,
	VNITRO_CMD_INSTANCE_GET,
	VNITRO_CMD_ENI_ADD,
	VNITRO_CMD_ENI_DEL,
	VNITRO_CMD_ENI_GET,
	VNITRO_CMD_ENI_ATTACH,
	VNITRO_CMD_ENI_DETACH,
	VNITRO_CMD_VPC_GET,
	VNITRO_CMD_SUBNET_GET,
	VNITRO_CMD_VPC_ADD,
	VNITRO_CMD_VPC_DEL,
	VNITRO_CMD_SUBNET_ADD,
	VNITRO_CMD_SUBNET_DEL,
	VNITRO_CMD_ENI_SET,
	VNITRO_CMD_ENI_IP_ASSIGN,
	VNITRO_CMD_ENI_IP_UNASSIGN,
	VNITRO_CMD_ROUTE_ADD,
	VNITRO_CMD_ROUTE_DEL,
	VNITRO_CMD_ROUTE_GET,
	VNITRO_CMD_IGW_ADD,
	VNITRO_CMD_IGW_DEL,
	VNITRO_CMD_IGW_GET,
	VNITRO_CMD_IGW_SET,
	VNITRO_CMD_TYPE_GET,
	VNITRO_CMD_SG_ADD,
	VNITRO_CMD_SG_DEL,
	VNITRO_CMD_SG_GET,
	VNITRO_CMD_SG_RULE_ADD,
	VNITRO_CMD_SG_RULE_DEL,
	VNITRO_CMD_NACL_ADD,
	VNITRO_CMD_NACL_DEL,
	VNITRO_CMD_NACL_GET,
	VNITRO_CMD_NACL_ENTRY_ADD,
	VNITRO_CMD_NACL_ENTRY_DEL,
	VNITRO_CMD_NACL_ENTRY_REPLACE,
	VNITRO_CMD_NACL_ASSOCIATE,
	VNITRO_CMD_EIP_ADD,
	VNITRO_CMD_EIP_DEL,
	VNITRO_CMD_EIP_GET,
	VNITRO_CMD_EIP_ASSOCIATE,
	VNITRO_CMD_EIP_DISASSOCIATE,
	VNITRO_CMD_EIP_POOL_GET,
	VNITRO_CMD_EIP_POOL_SET,
	VNITRO_CMD_VPC_IPV6_SET,
	VNITRO_CMD_SUBNET_IPV6_SET,
	VNITRO_CMD_SVC_ADD,
	VNITRO_CMD_SVC_DEL,
	VNITRO_CMD_SVC_GET,
	VNITRO_CMD_INSTANCE_SET,
	/*
	 * The world's settings (WORLD_GET replies with them; WORLD_SET changes
	 * those given, all or nothing): RATE_SCALE and BURST_SECONDS.
	 */
	VNITRO_CMD_WORLD_GET,
	VNITRO_CMD_WORLD_SET,
	/*
	 * The path model between ENIs (PATH_GET replies with it; PATH_SET
	 * changes the PATH_* attributes given, all or nothing): what the
	 * VPC's network loses, delays and reorders, path by path, and the seed
	 * its draws start from. PATH_SET without PATH_INDEX sets the world's
	 * model, which every path takes; with it, that path's own fields.
	 */
	VNITRO_CMD_PATH_GET,
	VNITRO_CMD_PATH_SET,
	/*
	 * Placement groups (EC2's CreatePlacementGroup, DescribePlacementGroups,
	 * DeletePlacementGroup). PG_ADD: PG_NAME, PG_STRATEGY, optional
	 * PG_PARTITION_COUNT (partition only: 1 to VNITRO_PG_MAX_PARTITIONS,
	 * default 2) and PG_SPREAD_LEVEL (spread only: rack, the default).
	 * Reply: the group (PG_NAME, PG_ID, PG_STRATEGY, PG_PARTITION_COUNT,
	 * PG_SPREAD_LEVEL, PG_INSTANCE_COUNT, AZ: a cluster group's zone once
	 * it has an instance). PG_DEL: PG_NAME, refused while it has
	 * instances. PG_GET: [PG_NAME or PG_ID]. An instance joins a group at
	 * INSTANCE_ADD (PG_NAME, and PG_PARTITION for a partition group) and
	 * leaves it when deleted: EC2 moves only stopped instances, and
	 * vnitro's never stop.
	 */
	VNITRO_CMD_PG_ADD,
	VNITRO_CMD_PG_DEL,
	VNITRO_CMD_PG_GET,
	/*
	 * The tunnel to other hosts (Documentation/cluster.md). TUNNEL_SET:
	 * TUNNEL_DEV, the name of a Geneve device in external (collect
	 * metadata) mode in the caller's namespace ("ip link add NAME type
	 * geneve external"), through which frames for another host's ENIs
	 * leave and theirs arrive; "" lets go of the one in use; and
	 * optionally TUNNEL_LOCAL, this host's own underlay address (the
	 * outer source; 0.0.0.0: none), which no instance of another host may
	 * have. Reply as TUNNEL_GET: TUNNEL_DEV ("" none), TUNNEL_LOCAL (if
	 * set), TUNNEL_TX_PACKETS,
	 * TUNNEL_TX_DROPPED (no tunnel, no memory), TUNNEL_RX_PACKETS,
	 * TUNNEL_RX_DROPPED (no vnitro option, or the fabric refused it).
	 * An instance of another host: INSTANCE_ADD with INSTANCE_HOST (no
	 * NETNS_FD), and ENI_ID and MAC for its primary ENI.
	 */
	VNITRO_CMD_TUNNEL_SET,
	VNITRO_CMD_TUNNEL_GET,

	__VNITRO_CMD_MAX,
	VNITRO_CMD_MAX = __VNITRO_CMD_MAX - 1
};

/* Identifier lengths, counting the terminating NUL. */
enum {
	VNITRO_ID_LEN = 32,		/* "eni-0123456789abcdef0", "subnet-…" */
	VNITRO_NAME_LEN = 64,		/* instance (network namespace) name */
	VNITRO_AZ_LEN = 32,
	VNITRO_STATUS_LEN = 16,
	VNITRO_PCI_SLOT_LEN = 32,
	VNITRO_MAX_DEVICE_INDEX = 31,
	VNITRO_MAX_NETWORK_CARD = 31,	/* p5.48xlarge: 32 network cards */
	VNITRO_TYPE_LEN = 32,		/* "c5n.18xlarge" */
	VNITRO_DESCRIPTION_LEN = 256,	/* EC2: up to 255 characters */
	VNITRO_MAX_SECURITY_GROUPS = 5,	/* EC2 quota "Security groups per network interface" */
	VNITRO_MAX_ENI_IPS = 64,	/* private IPv4 per ENI, primary included: the largest type's (c8i) */
	VNITRO_SG_NAME_LEN = 256,	/* EC2: up to 255 characters */
	/* EC2 quota "Inbound or outbound rules per security group", per address family */
	VNITRO_MAX_SG_RULES = 60,
	/*
	 * EC2 quota "Rules per network ACL", per direction and address family,
	 * 20 by default; EC2 counts the final "*" deny rule among them, so 19
	 * numbered rules.
	 */
	VNITRO_MAX_NACL_RULES = 20,
	VNITRO_MAX_NACL_ENTRIES = VNITRO_MAX_NACL_RULES - 1,
	VNITRO_NACL_MAX_NUMBER = 32766,	/* rule numbers 1-32766; 32767 and up are EC2's */
	VNITRO_MAX_NACLS_PER_VPC = 200,	/* EC2 quota "Network ACLs per VPC" */
	VNITRO_MAX_EIPS = 5,		/* EC2 quota "Elastic IP addresses per Region" */
	VNITRO_EIP_POOL_MIN_PREFIXLEN = 16,	/* the public pool: /16 ... */
	VNITRO_EIP_POOL_MAX_PREFIXLEN = 30,	/* ... to /30 */
	VNITRO_VPC_IPV6_PREFIXLEN = 56,	/* EC2: a VPC's IPv6 block is a /56 ... */
	VNITRO_SUBNET_IPV6_PREFIXLEN = 64,	/* ... and a subnet's a /64 */
	VNITRO_MAX_ENI_IPV6 = 64,	/* IPv6 per ENI: as many as IPv4 (the largest type's) */
};

/*
 * An ENI's connection tracking idle timeouts, in seconds: EC2's ranges
 * (ConnectionTrackingSpecificationRequest). A new ENI has the defaults.
 */
enum {
	VNITRO_TCP_ESTABLISHED_TIMEOUT_MIN = 60,
	VNITRO_TCP_ESTABLISHED_TIMEOUT_MAX = 432000,
	VNITRO_TCP_ESTABLISHED_TIMEOUT_DEFAULT = 432000,	/* 5 days */
	VNITRO_UDP_STREAM_TIMEOUT_MIN = 60,
	VNITRO_UDP_STREAM_TIMEOUT_MAX = 180,
	VNITRO_UDP_STREAM_TIMEOUT_DEFAULT = 180,
	VNITRO_UDP_TIMEOUT_MIN = 30,
	VNITRO_UDP_TIMEOUT_MAX = 60,
	VNITRO_UDP_TIMEOUT_DEFAULT = 30,
};

/*
 * The world's settings (VNITRO_CMD_WORLD_SET). Rates are EC2's divided by
 * the rate scale; "up to" instances burst for BURST_SECONDS on full credits
 * (EC2 User Guide, "Amazon EC2 instance network bandwidth": "typically from
 * 5 to 60 minutes"; vnitro's default is the 5). Lower values are for tests.
 */
enum {
	VNITRO_RATE_SCALE_DEFAULT = 1,
	VNITRO_RATE_SCALE_MAX = 1000000,
	VNITRO_BURST_SECONDS_MIN = 1,
	VNITRO_BURST_SECONDS_MAX = 3600,
	VNITRO_BURST_SECONDS_DEFAULT = 300,
	VNITRO_PATH_MAX_PPM = 1000000,
	VNITRO_PATH_MAX_US = 1000000,	/* a second */
	VNITRO_PATH_REORDER_DELAY_DEFAULT_US = 1000,
	VNITRO_PATH_EPISODE_DEFAULT_US = 10000,
	VNITRO_PATH_COUNT_DEFAULT = 8,
	VNITRO_PATH_COUNT_MAX = 16,
};

/*
 * Placement groups (EC2 User Guide, "Placement groups"): "maximum of 500
 * placement groups per account in each Region"; names "Up to 255 ASCII
 * characters"; a partition group has at most seven partitions per
 * Availability Zone; a spread group "supports a maximum of seven running
 * instances per Availability Zone".
 */
enum {
	VNITRO_PG_NAME_LEN = 256,
	VNITRO_MAX_PGS = 500,
	VNITRO_PG_MAX_PARTITIONS = 7,
	VNITRO_PG_DEFAULT_PARTITIONS = 2,
	VNITRO_PG_SPREAD_PER_AZ = 7,
	/*
	 * The network nodes between an instance and the rest of its zone, top
	 * layer first (EC2's DescribeInstanceTopology: "The AWS network is
	 * arranged in a hierarchy of layers"; three nodes per instance).
	 */
	VNITRO_TOPOLOGY_LAYERS = 3,
};

/* VNITRO_A_PG_STRATEGY */
enum vnitro_pg_strategy {
	VNITRO_PG_CLUSTER = 1,
	VNITRO_PG_SPREAD,
	VNITRO_PG_PARTITION,
};

/* VNITRO_A_PG_SPREAD_LEVEL: host is for AWS Outposts only (refused). */
enum vnitro_pg_spread_level {
	VNITRO_PG_SPREAD_RACK = 1,
	VNITRO_PG_SPREAD_HOST,
};

/* Which traffic a security group rule admits (VNITRO_A_SG_DIRECTION). */
enum vnitro_sg_direction {
	VNITRO_SG_INGRESS,		/* inbound: the peer is the source */
	VNITRO_SG_EGRESS,		/* outbound: the peer is the destination */
};

/* What a network ACL rule does with what it matches (VNITRO_A_NACL_RULE_ACTION). */
enum vnitro_nacl_action {
	VNITRO_NACL_DENY,
	VNITRO_NACL_ALLOW,
};

/* VNITRO_A_SG_PROTOCOL: an IP protocol number 0-255, or this for every protocol (EC2's -1). */
#define VNITRO_SG_PROTO_ALL	256

/* MD_HTTP_TOKENS: whether the metadata service requires IMDSv2's session token. */
enum vnitro_md_tokens {
	VNITRO_MD_TOKENS_OPTIONAL,
	VNITRO_MD_TOKENS_REQUIRED,
};

/* MD_HOP_LIMIT's range, as EC2 bounds HttpPutResponseHopLimit. */
enum {
	VNITRO_MD_HOP_LIMIT_MIN = 1,
	VNITRO_MD_HOP_LIMIT_MAX = 64,
};

enum vnitro_eni_type {
	VNITRO_ENI_TYPE_INTERFACE,
	VNITRO_ENI_TYPE_EFA,
};

/*
 * The enhanced-networking interface an instance type's ENIs present
 * (VNITRO_A_ADAPTER): ENA on Nitro types; the Intel 82599 Virtual Function
 * (driver ixgbevf, EC2's sriovNetSupport "simple") on C3, C4, D2, I2, M4
 * below 16xlarge and R3.
 */
enum vnitro_adapter {
	VNITRO_ADAPTER_ENA,
	VNITRO_ADAPTER_IXGBEVF,
};

/* What a route sends its matching packets to (VNITRO_A_ROUTE_TARGET). */
enum vnitro_route_target_kind {
	VNITRO_ROUTE_TARGET_LOCAL,	/* the VPC itself: the ENI owning the address */
	VNITRO_ROUTE_TARGET_ENI,	/* an ENI, e.g. a NAT instance's */
	VNITRO_ROUTE_TARGET_IGW,	/* the VPC's internet gateway */
	VNITRO_ROUTE_TARGET_EIGW,	/* its egress-only internet gateway (IPv6 routes) */
};

/* IPv4 addresses are u32 in network byte order, as in IFA_ADDRESS. */
enum vnitro_attr {
	VNITRO_A_UNSPEC,
	VNITRO_A_INSTANCE_NAME,		/* string */
	VNITRO_A_NETNS_FD,		/* u32: fd of the instance's netns */
	VNITRO_A_VPC_ID,		/* string */
	VNITRO_A_SUBNET_ID,		/* string */
	VNITRO_A_ENI_ID,		/* string */
	VNITRO_A_MAC,			/* binary, 6 bytes */
	VNITRO_A_PRIVATE_IP,		/* u32, network order */
	VNITRO_A_DEVICE_INDEX,		/* u32 */
	VNITRO_A_IFNAME,		/* string (reply only) */
	VNITRO_A_IFINDEX,		/* u32 (reply only) */
	VNITRO_A_ENI_TYPE,		/* u8, enum vnitro_eni_type */
	VNITRO_A_SOURCE_DEST_CHECK,	/* u8, 0 or 1 */
	VNITRO_A_CIDR_ADDR,		/* u32, network order (reply only) */
	VNITRO_A_CIDR_PREFIXLEN,	/* u8 (reply only) */
	VNITRO_A_AZ,			/* string (reply only) */
	VNITRO_A_PCI_SLOT,		/* string, "10000:00:03.0" (reply only) */
	VNITRO_A_PRIMARY_ENI_ID,	/* string (instance reply only) */
	VNITRO_A_ENI_COUNT,		/* u32 (instance reply only) */
	VNITRO_A_STATUS,		/* string: "available" | "in-use" (ENI), route state */
	VNITRO_A_PAD,
	VNITRO_A_INSTANCE_TYPE,		/* string, "m5.large" */
	VNITRO_A_DESCRIPTION,		/* string, at most 255 characters */
	VNITRO_A_SECURITY_GROUPS,	/* nested: SECURITY_GROUP_ID, at most 5 */
	VNITRO_A_SECURITY_GROUP_ID,	/* string, "sg-" and 1 to 17 lowercase hex digits */
	VNITRO_A_SECONDARY_IPS,		/* nested: PRIVATE_IP each (reply only) */
	VNITRO_A_IP_COUNT,		/* u32: how many addresses to pick */
	VNITRO_A_ENA_EXPRESS,		/* u8, 0 or 1: ENA Express (SRD) for TCP */
	VNITRO_A_ENA_EXPRESS_UDP,	/* u8, 0 or 1: ENA Express for UDP too */
	VNITRO_A_ROUTE_TARGET,		/* u8, enum vnitro_route_target_kind (reply only) */
	VNITRO_A_IGW_ID,		/* string, "igw-…" or "eigw-…" */
	VNITRO_A_FRAG_NEEDED,		/* u8, 0 or 1: ICMP frag-needed at the 1500-byte edge */
	VNITRO_A_NETNS_NAME,		/* string: the gateway's namespace, as the user named it */
	VNITRO_A_MAX_ENIS,		/* u32 (reply only): network interfaces per instance */
	VNITRO_A_MAX_IPS_PER_ENI,	/* u32 (reply only): private IPv4 per ENI */
	VNITRO_A_MAX_QUEUES,		/* u32 (reply only): ENA queue pairs per ENI */
	VNITRO_A_EFA_SUPPORTED,		/* u8 (reply only) */
	VNITRO_A_ENA_EXPRESS_SUPPORTED,	/* u8 (reply only) */
	VNITRO_A_BASELINE_MBPS,		/* u32 (reply only): baseline bandwidth, Mbit/s */
	VNITRO_A_RSS_KEY_CONFIGURABLE,	/* u8 (reply only): ethtool -X hkey works */
	VNITRO_A_TX_SRC_DST_DROPPED,	/* u64 (reply only): sent from an address not the ENI's */
	VNITRO_A_RX_SRC_DST_DROPPED,	/* u64 (reply only): to an address not the ENI's */
	VNITRO_A_RDMA_DEVICE,		/* string (reply only): an attached EFA ENI's "efa_0" */
	VNITRO_A_NETWORK_CARD,		/* u32: network card index (ENI_ATTACH, default 0; ENI reply) */
	VNITRO_A_NETWORK_CARDS,		/* u32 (reply only): network cards of the instance type */
	VNITRO_A_MAX_ENIS_PER_CARD,	/* u32 (reply only): network interfaces per network card */
	VNITRO_A_SG_NAME,		/* string, at most 255 characters */
	VNITRO_A_SG_RULES,		/* nested: SG_RULE each (reply only) */
	VNITRO_A_SG_RULE,		/* nested: the rule attributes below (reply only) */
	VNITRO_A_SG_DIRECTION,		/* u8, enum vnitro_sg_direction */
	VNITRO_A_SG_PROTOCOL,		/* u16, 0-255 or VNITRO_SG_PROTO_ALL */
	VNITRO_A_SG_PORT_FROM,		/* u16: first port (tcp, udp) */
	VNITRO_A_SG_PORT_TO,		/* u16: last port (tcp, udp) */
	VNITRO_A_SG_ICMP_TYPE,		/* u8 (icmp); absent: any type */
	VNITRO_A_SG_ICMP_CODE,		/* u8 (icmp); absent: any code */
	VNITRO_A_SG_PEER_ID,		/* string: the group a rule names as its peer */
	/* An attached ENI's security group counters (ENI reply only). */
	VNITRO_A_SG_INGRESS_DROPPED,	/* u64: received, allowed by no rule */
	VNITRO_A_SG_EGRESS_DROPPED,	/* u64: sent, allowed by no rule */
	VNITRO_A_CONNTRACK_ALLOWANCE_EXCEEDED,	/* u64: new flows refused, the table full */
	VNITRO_A_CONNTRACK_TRACKED,	/* u64: flows tracked now */
	VNITRO_A_CONNTRACK_MAX,		/* u64: flows the ENI (type reply: each ENI) may track */
	/* Connection tracking idle timeouts, seconds (ENI_SET; ENI reply: the values in force). */
	VNITRO_A_TCP_ESTABLISHED_TIMEOUT,	/* u32: 60-432000, default 432000 */
	VNITRO_A_UDP_STREAM_TIMEOUT,	/* u32: 60-180, default 180 */
	VNITRO_A_UDP_TIMEOUT,		/* u32: 30-60, default 30 */
	/* Network ACLs (NACL_*) and a subnet's (SUBNET reply: its ACL's id). */
	VNITRO_A_NACL_ID,		/* string: "acl-" and 1 to 17 lowercase hex digits */
	VNITRO_A_NACL_DEFAULT,		/* flag: the VPC's default network ACL (reply only) */
	VNITRO_A_NACL_ENTRIES,		/* nested: NACL_ENTRY each (reply only) */
	VNITRO_A_NACL_ENTRY,		/* nested: one rule's attributes (reply only) */
	VNITRO_A_NACL_RULE_NUMBER,	/* u16: 1-32766, unique per direction */
	VNITRO_A_NACL_RULE_ACTION,	/* u8, enum vnitro_nacl_action */
	/* Elastic IP addresses (EIP_*). */
	VNITRO_A_EIP_ALLOCATION_ID,	/* string: "eipalloc-" and 1 to 17 lowercase hex digits */
	VNITRO_A_EIP_ASSOCIATION_ID,	/* string: "eipassoc-" and 17 lowercase hex digits */
	VNITRO_A_PUBLIC_IP,		/* u32, network order */
	VNITRO_A_EIP_ALLOW_REASSOCIATION,	/* flag: move an associated address */
	/* IPv6 (VPC_IPV6_SET, SUBNET_IPV6_SET, ENI_IP_ASSIGN/UNASSIGN; VPC, subnet and ENI replies). */
	VNITRO_A_IPV6_CIDR_ADDR,	/* binary, 16 bytes */
	VNITRO_A_IPV6_CIDR_PREFIXLEN,	/* u8: 56 (VPC), 64 (subnet), 0 = none */
	VNITRO_A_IPV6_ADDR,		/* binary, 16 bytes */
	VNITRO_A_IPV6_COUNT,		/* u32: how many IPv6 addresses to pick */
	VNITRO_A_IPV6_ADDRS,		/* nested: IPV6_ADDR each (ENI reply only) */
	VNITRO_A_ASSIGN_IPV6_ON_CREATION,	/* u8, 0 or 1: a new ENI of the subnet gets an IPv6 address */
	VNITRO_A_EGRESS_ONLY,		/* u8 (reply only): 1 for an egress-only internet gateway */
	/* u64 (egress-only gateway reply only): what the internet sent through it that
	 * belonged to no flow an instance opened; with CONNTRACK_TRACKED, _MAX and
	 * CONNTRACK_ALLOWANCE_EXCEEDED for the gateway's own table. */
	VNITRO_A_INBOUND_DROPPED,
	/* The link-local services (SVC_*; reply only). */
	VNITRO_A_SVC_ADDR,		/* u32, network order: an attached ENI's alias base */
	VNITRO_A_SVC_REQUESTS,		/* u64: requests handed to the services' namespace */
	VNITRO_A_SVC_REPLIES,		/* u64: replies it sent back */
	VNITRO_A_SVC_DROPPED,		/* u64: refused (another port or protocol; no services) */
	/* An instance's metadata options (INSTANCE_SET; every instance reply). */
	VNITRO_A_MD_HTTP_TOKENS,	/* u8, enum vnitro_md_tokens: optional (default) or required */
	VNITRO_A_MD_HOP_LIMIT,		/* u8: the token PUT response's IP TTL, 1-64, default 1 */
	VNITRO_A_MD_ENDPOINT,		/* u8: 1 enabled (default), 0 disabled */
	/* u8, enum vnitro_adapter (reply only): an instance type's enhanced-networking
	 * interface (type and instance replies), the one an attached ENI presents. */
	VNITRO_A_ADAPTER,
	/* An instance type's (type and instance replies; reply only): */
	VNITRO_A_VCPUS,			/* u32: default vCPUs */
	VNITRO_A_PEAK_MBPS,		/* u32: burst bandwidth, all cards; the baseline if none */
	VNITRO_A_MAX_EFAS,		/* u32: EFAs per instance, one per network card at most */
	/*
	 * The world's settings (WORLD_GET, WORLD_SET). An emulated host cannot
	 * move EC2's 100 Gbps: every bandwidth allowance is EC2's figure
	 * divided by RATE_SCALE (1, the default, to VNITRO_RATE_SCALE_MAX), so
	 * 1000 turns 5 Gbps into 5 Mbit/s. BURST_SECONDS: how long an "up to"
	 * instance with full network I/O credits bursts at its peak before it
	 * falls to its baseline (EC2: "typically from 5 to 60 minutes").
	 */
	VNITRO_A_RATE_SCALE,		/* u32: 1 to VNITRO_RATE_SCALE_MAX */
	VNITRO_A_BURST_SECONDS,		/* u32: VNITRO_BURST_SECONDS_MIN to _MAX */
	/*
	 * The path model (PATH_GET, PATH_SET). Between two ENIs the network
	 * has PATH_COUNT spine paths; each has a one-way latency (DELAY_US,
	 * plus up to JITTER_US drawn per frame), a loss (LOSS_PPM) and
	 * congestion episodes: time is cut into episodes of EPISODE_US, in a
	 * share CONGESTION_PPM of which (drawn per path from the seed) the path
	 * adds CONGESTION_DELAY_US and loses CONGESTION_LOSS_PPM (when above
	 * LOSS_PPM). A plain ENA flow keeps one path (ECMP on its 5-tuple);
	 * ENA Express (SRD) sprays its packets over the paths, avoids congested
	 * ones and resends what is lost. EFA packets meet the world's LOSS_PPM
	 * and DELAY_US, and EFA SRD packets REORDER_PPM and REORDER_DELAY_US.
	 * A new world loses, delays and reorders nothing (8 paths, episodes of
	 * 10000 us, a held-back packet late by 1000 us). Writing a seed
	 * restarts every draw from it, so that a run replays the same losses.
	 */
	VNITRO_A_PATH_LOSS_PPM,		/* u32: parts per million, 0 to 1000000 */
	VNITRO_A_PATH_REORDER_PPM,	/* u32: parts per million held back, 0 to 1000000 */
	VNITRO_A_PATH_DELAY_US,		/* u32: one-way latency, 0 to VNITRO_PATH_MAX_US */
	VNITRO_A_PATH_REORDER_DELAY_US,	/* u32: a held-back packet's extra latency, 0 to _MAX_US */
	VNITRO_A_PATH_SEED,		/* u64: the last seed written (0: none yet) */
	VNITRO_A_PATH_JITTER_US,	/* u32: 0 to VNITRO_PATH_MAX_US */
	VNITRO_A_PATH_CONGESTION_PPM,	/* u32: share of episodes congested, 0 to 1000000 */
	VNITRO_A_PATH_CONGESTION_DELAY_US,	/* u32: 0 to VNITRO_PATH_MAX_US */
	VNITRO_A_PATH_CONGESTION_LOSS_PPM,	/* u32: 0 to 1000000 */
	VNITRO_A_PATH_EPISODE_US,	/* u32: 1 to VNITRO_PATH_MAX_US (world only) */
	VNITRO_A_PATH_COUNT,		/* u32: 1 to VNITRO_PATH_COUNT_MAX (world only) */
	VNITRO_A_PATH_INDEX,		/* u32: a path, 0 to PATH_COUNT - 1 */
	/*
	 * Reply only: a nest of one nest per path in use, each with
	 * PATH_INDEX, LOSS_PPM, DELAY_US, JITTER_US and CONGESTION_*.
	 */
	VNITRO_A_PATHS,
	/*
	 * Placement (PATH_GET, PATH_SET; world only): a frame between two ENIs
	 * also spends NODE_DELAY_US at each network node it crosses (one
	 * between instances on one rack node, as a cluster placement group
	 * puts them; three within a block; five within a zone; six between
	 * zones) and AZ_DELAY_US more between Availability Zones. Default 0.
	 */
	VNITRO_A_PATH_NODE_DELAY_US,	/* u32: 0 to VNITRO_PATH_MAX_US */
	VNITRO_A_PATH_AZ_DELAY_US,	/* u32: 0 to VNITRO_PATH_MAX_US */
	/* Placement groups (PG_*), and an instance's (INSTANCE_ADD; instance replies). */
	VNITRO_A_PG_NAME,		/* string: 1 to 255 ASCII characters */
	VNITRO_A_PG_ID,			/* string: "pg-" and 17 lowercase hex digits (reply only) */
	VNITRO_A_PG_STRATEGY,		/* u8, enum vnitro_pg_strategy */
	VNITRO_A_PG_PARTITION_COUNT,	/* u32: 1 to VNITRO_PG_MAX_PARTITIONS (partition groups) */
	VNITRO_A_PG_SPREAD_LEVEL,	/* u8, enum vnitro_pg_spread_level (spread groups) */
	VNITRO_A_PG_INSTANCE_COUNT,	/* u32 (reply only): instances in the group */
	VNITRO_A_PG_PARTITION,		/* u32: an instance's partition, 1 to the count; 0 or absent: vnitro picks */
	/* Reply only: nest of VNITRO_TOPOLOGY_LAYERS NETWORK_NODE, top layer first. */
	VNITRO_A_NETWORK_NODES,
	VNITRO_A_NETWORK_NODE,		/* string: "nn-" and 17 lowercase hex digits */
	/* Between hosts (TUNNEL_*; INSTANCE_ADD and instance replies). */
	VNITRO_A_INSTANCE_HOST,		/* be32: the underlay IPv4 address of its host; absent: this one */
	VNITRO_A_TUNNEL_DEV,		/* string: a Geneve device's name, "" none */
	VNITRO_A_TUNNEL_TX_PACKETS,	/* u64 (reply only) */
	VNITRO_A_TUNNEL_TX_DROPPED,	/* u64 (reply only) */
	VNITRO_A_TUNNEL_RX_PACKETS,	/* u64 (reply only) */
	VNITRO_A_TUNNEL_RX_DROPPED,	/* u64 (reply only) */
	VNITRO_A_TUNNEL_LOCAL,		/* be32: this host's underlay address */

	__VNITRO_A_MAX,
	VNITRO_A_MAX = __VNITRO_A_MAX - 1
};

#endif /* _UAPI_LINUX_VNITRO_H */
