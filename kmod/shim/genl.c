// SPDX-License-Identifier: GPL-2.0
/*
 * genl.c - the "vnitro" generic netlink family: strict policies, one handler
 * per command translating attributes to core calls, extack on every refusal.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include <linux/vnitro.h>

#include "vnitro.h"
#include "genl.h"

static const struct nla_policy vnitro_policy[VNITRO_A_MAX + 1] = {
	[VNITRO_A_INSTANCE_NAME] = { .type = NLA_NUL_STRING, .len = VNITRO_NAME_LEN - 1 },
	[VNITRO_A_NETNS_FD] = { .type = NLA_U32 },
	[VNITRO_A_VPC_ID] = { .type = NLA_NUL_STRING, .len = VNITRO_ID_LEN - 1 },
	[VNITRO_A_SUBNET_ID] = { .type = NLA_NUL_STRING, .len = VNITRO_ID_LEN - 1 },
	[VNITRO_A_ENI_ID] = { .type = NLA_NUL_STRING, .len = VNITRO_ID_LEN - 1 },
	[VNITRO_A_MAC] = NLA_POLICY_EXACT_LEN(ETH_ALEN),
	[VNITRO_A_PRIVATE_IP] = { .type = NLA_BE32 },
	[VNITRO_A_DEVICE_INDEX] = { .type = NLA_U32 },
	[VNITRO_A_NETWORK_CARD] = { .type = NLA_U32 },
	[VNITRO_A_ENI_TYPE] = NLA_POLICY_MAX(NLA_U8, VNITRO_ENI_TYPE_EFA),
	[VNITRO_A_SOURCE_DEST_CHECK] = NLA_POLICY_MAX(NLA_U8, 1),
	[VNITRO_A_CIDR_ADDR] = { .type = NLA_BE32 },
	[VNITRO_A_CIDR_PREFIXLEN] = NLA_POLICY_MAX(NLA_U8, 32),
	[VNITRO_A_AZ] = { .type = NLA_NUL_STRING, .len = VNITRO_AZ_LEN - 1 },
	[VNITRO_A_INSTANCE_TYPE] = { .type = NLA_NUL_STRING, .len = VNITRO_TYPE_LEN - 1 },
	[VNITRO_A_DESCRIPTION] = { .type = NLA_NUL_STRING, .len = VNITRO_DESCRIPTION_LEN - 1 },
	/* Entries are checked one by one in vnitro_genl_groups(). */
	[VNITRO_A_SECURITY_GROUPS] = { .type = NLA_NESTED },
	[VNITRO_A_SECURITY_GROUP_ID] = { .type = NLA_NUL_STRING, .len = VNITRO_ID_LEN - 1 },
	[VNITRO_A_IP_COUNT] = NLA_POLICY_RANGE(NLA_U32, 1, VNITRO_MAX_ENI_IPS - 1),
	[VNITRO_A_ENA_EXPRESS] = NLA_POLICY_MAX(NLA_U8, 1),
	[VNITRO_A_ENA_EXPRESS_UDP] = NLA_POLICY_MAX(NLA_U8, 1),
	/* The core checks EC2's ranges, naming them in its message. */
	[VNITRO_A_TCP_ESTABLISHED_TIMEOUT] = { .type = NLA_U32 },
	[VNITRO_A_UDP_STREAM_TIMEOUT] = { .type = NLA_U32 },
	[VNITRO_A_UDP_TIMEOUT] = { .type = NLA_U32 },
	[VNITRO_A_IGW_ID] = { .type = NLA_NUL_STRING, .len = VNITRO_ID_LEN - 1 },
	[VNITRO_A_FRAG_NEEDED] = NLA_POLICY_MAX(NLA_U8, 1),
	[VNITRO_A_NETNS_NAME] = { .type = NLA_NUL_STRING, .len = VNITRO_NAME_LEN - 1 },
	[VNITRO_A_SG_NAME] = { .type = NLA_NUL_STRING, .len = VNITRO_SG_NAME_LEN - 1 },
	[VNITRO_A_SG_DIRECTION] = NLA_POLICY_MAX(NLA_U8, VNITRO_SG_EGRESS),
	[VNITRO_A_SG_PROTOCOL] = NLA_POLICY_MAX(NLA_U16, VNITRO_SG_PROTO_ALL),
	[VNITRO_A_SG_PORT_FROM] = { .type = NLA_U16 },
	[VNITRO_A_SG_PORT_TO] = { .type = NLA_U16 },
	[VNITRO_A_SG_ICMP_TYPE] = { .type = NLA_U8 },
	[VNITRO_A_SG_ICMP_CODE] = { .type = NLA_U8 },
	[VNITRO_A_SG_PEER_ID] = { .type = NLA_NUL_STRING, .len = VNITRO_ID_LEN - 1 },
	[VNITRO_A_NACL_ID] = { .type = NLA_NUL_STRING, .len = VNITRO_ID_LEN - 1 },
	[VNITRO_A_NACL_DEFAULT] = { .type = NLA_REJECT },	/* reply only */
	[VNITRO_A_NACL_ENTRIES] = { .type = NLA_REJECT },	/* reply only */
	[VNITRO_A_NACL_ENTRY] = { .type = NLA_REJECT },		/* reply only */
	[VNITRO_A_NACL_RULE_NUMBER] = NLA_POLICY_RANGE(NLA_U16, 1, VNITRO_NACL_MAX_NUMBER),
	[VNITRO_A_NACL_RULE_ACTION] = NLA_POLICY_MAX(NLA_U8, VNITRO_NACL_ALLOW),
	[VNITRO_A_EIP_ALLOCATION_ID] = { .type = NLA_NUL_STRING, .len = VNITRO_ID_LEN - 1 },
	[VNITRO_A_EIP_ASSOCIATION_ID] = { .type = NLA_NUL_STRING, .len = VNITRO_ID_LEN - 1 },
	[VNITRO_A_PUBLIC_IP] = { .type = NLA_BE32 },
	[VNITRO_A_EIP_ALLOW_REASSOCIATION] = { .type = NLA_FLAG },
	[VNITRO_A_IPV6_CIDR_ADDR] = NLA_POLICY_EXACT_LEN(16),
	[VNITRO_A_IPV6_CIDR_PREFIXLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[VNITRO_A_IPV6_ADDR] = NLA_POLICY_EXACT_LEN(16),
	[VNITRO_A_IPV6_COUNT] = NLA_POLICY_RANGE(NLA_U32, 1, VNITRO_MAX_ENI_IPV6),
	[VNITRO_A_ASSIGN_IPV6_ON_CREATION] = NLA_POLICY_MAX(NLA_U8, 1),
	[VNITRO_A_EGRESS_ONLY] = { .type = NLA_REJECT },	/* reply only: the id says it */
	[VNITRO_A_INBOUND_DROPPED] = { .type = NLA_REJECT },
	[VNITRO_A_SVC_ADDR] = { .type = NLA_REJECT },
	[VNITRO_A_SVC_REQUESTS] = { .type = NLA_REJECT },
	[VNITRO_A_SVC_REPLIES] = { .type = NLA_REJECT },
	[VNITRO_A_SVC_DROPPED] = { .type = NLA_REJECT },
	/* Ranges are the core's to check, with a message that names EC2's. */
	[VNITRO_A_MD_HTTP_TOKENS] = { .type = NLA_U8 },
	[VNITRO_A_MD_HOP_LIMIT] = { .type = NLA_U8 },
	[VNITRO_A_MD_ENDPOINT] = { .type = NLA_U8 },
	[VNITRO_A_INSTANCE_HOST] = { .type = NLA_BE32 },
	[VNITRO_A_TUNNEL_DEV] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[VNITRO_A_TUNNEL_LOCAL] = { .type = NLA_BE32 },
	/* Attributes that only replies carry. */
	[VNITRO_A_TUNNEL_TX_PACKETS] = { .type = NLA_REJECT },
	[VNITRO_A_TUNNEL_TX_DROPPED] = { .type = NLA_REJECT },
	[VNITRO_A_TUNNEL_RX_PACKETS] = { .type = NLA_REJECT },
	[VNITRO_A_TUNNEL_RX_DROPPED] = { .type = NLA_REJECT },
	[VNITRO_A_IFNAME] = { .type = NLA_REJECT },
	[VNITRO_A_IFINDEX] = { .type = NLA_REJECT },
	[VNITRO_A_PCI_SLOT] = { .type = NLA_REJECT },
	[VNITRO_A_PRIMARY_ENI_ID] = { .type = NLA_REJECT },
	[VNITRO_A_ENI_COUNT] = { .type = NLA_REJECT },
	[VNITRO_A_STATUS] = { .type = NLA_REJECT },
	[VNITRO_A_SECONDARY_IPS] = { .type = NLA_REJECT },
	[VNITRO_A_ROUTE_TARGET] = { .type = NLA_REJECT },
	[VNITRO_A_MAX_ENIS] = { .type = NLA_REJECT },
	[VNITRO_A_MAX_IPS_PER_ENI] = { .type = NLA_REJECT },
	[VNITRO_A_MAX_QUEUES] = { .type = NLA_REJECT },
	[VNITRO_A_EFA_SUPPORTED] = { .type = NLA_REJECT },
	[VNITRO_A_ENA_EXPRESS_SUPPORTED] = { .type = NLA_REJECT },
	[VNITRO_A_BASELINE_MBPS] = { .type = NLA_REJECT },
	[VNITRO_A_RSS_KEY_CONFIGURABLE] = { .type = NLA_REJECT },
	[VNITRO_A_ADAPTER] = { .type = NLA_REJECT },
	[VNITRO_A_VCPUS] = { .type = NLA_REJECT },
	[VNITRO_A_PEAK_MBPS] = { .type = NLA_REJECT },
	[VNITRO_A_MAX_EFAS] = { .type = NLA_REJECT },
	[VNITRO_A_RATE_SCALE] = { .type = NLA_U32 },
	[VNITRO_A_BURST_SECONDS] = { .type = NLA_U32 },
	[VNITRO_A_PATH_LOSS_PPM] = { .type = NLA_U32 },
	[VNITRO_A_PATH_REORDER_PPM] = { .type = NLA_U32 },
	[VNITRO_A_PATH_DELAY_US] = { .type = NLA_U32 },
	[VNITRO_A_PATH_REORDER_DELAY_US] = { .type = NLA_U32 },
	[VNITRO_A_PATH_SEED] = { .type = NLA_U64 },
	[VNITRO_A_PATH_JITTER_US] = { .type = NLA_U32 },
	[VNITRO_A_PATH_CONGESTION_PPM] = { .type = NLA_U32 },
	[VNITRO_A_PATH_CONGESTION_DELAY_US] = { .type = NLA_U32 },
	[VNITRO_A_PATH_CONGESTION_LOSS_PPM] = { .type = NLA_U32 },
	[VNITRO_A_PATH_EPISODE_US] = { .type = NLA_U32 },
	[VNITRO_A_PATH_COUNT] = { .type = NLA_U32 },
	[VNITRO_A_PATH_INDEX] = { .type = NLA_U32 },
	[VNITRO_A_PATH_NODE_DELAY_US] = { .type = NLA_U32 },
	[VNITRO_A_PATH_AZ_DELAY_US] = { .type = NLA_U32 },
	/* A name one character too long reaches the core, whose message says the limit. */
	[VNITRO_A_PG_NAME] = { .type = NLA_NUL_STRING, .len = VNITRO_PG_NAME_LEN },
	[VNITRO_A_PG_ID] = { .type = NLA_NUL_STRING, .len = VNITRO_ID_LEN - 1 },
	[VNITRO_A_PG_STRATEGY] = { .type = NLA_U8 },
	[VNITRO_A_PG_PARTITION_COUNT] = { .type = NLA_U32 },
	[VNITRO_A_PG_SPREAD_LEVEL] = { .type = NLA_U8 },
	[VNITRO_A_PG_INSTANCE_COUNT] = { .type = NLA_REJECT },
	[VNITRO_A_PG_PARTITION] = { .type = NLA_U32 },
	[VNITRO_A_NETWORK_NODES] = { .type = NLA_REJECT },
	[VNITRO_A_NETWORK_NODE] = { .type = NLA_REJECT },
	[VNITRO_A_PATHS] = { .type = NLA_REJECT },
	[VNITRO_A_TX_SRC_DST_DROPPED] = { .type = NLA_REJECT },
	[VNITRO_A_RX_SRC_DST_DROPPED] = { .type = NLA_REJECT },
	[VNITRO_A_RDMA_DEVICE] = { .type = NLA_REJECT },
	[VNITRO_A_NETWORK_CARDS] = { .type = NLA_REJECT },
	[VNITRO_A_MAX_ENIS_PER_CARD] = { .type = NLA_REJECT },
	[VNITRO_A_SG_RULES] = { .type = NLA_REJECT },
	[VNITRO_A_SG_RULE] = { .type = NLA_REJECT },
	[VNITRO_A_SG_INGRESS_DROPPED] = { .type = NLA_REJECT },
	[VNITRO_A_SG_EGRESS_DROPPED] = { .type = NLA_REJECT },
	[VNITRO_A_CONNTRACK_ALLOWANCE_EXCEEDED] = { .type = NLA_REJECT },
	[VNITRO_A_CONNTRACK_TRACKED] = { .type = NLA_REJECT },
	[VNITRO_A_CONNTRACK_MAX] = { .type = NLA_REJECT },
	[VNITRO_A_IPV6_ADDRS] = { .type = NLA_REJECT },
};

/* Messages for missing attributes; extack keeps the pointer, so literals. */
static const char *const vnitro_missing_msg[VNITRO_A_MAX + 1] = {
	[VNITRO_A_INSTANCE_NAME] = "missing instance name (VNITRO_A_INSTANCE_NAME)",
	[VNITRO_A_SUBNET_ID] = "missing subnet id (VNITRO_A_SUBNET_ID)",
	[VNITRO_A_ENI_ID] = "missing network interface id (VNITRO_A_ENI_ID)",
	[VNITRO_A_DEVICE_INDEX] = "missing device index (VNITRO_A_DEVICE_INDEX)",
	[VNITRO_A_VPC_ID] = "missing VPC id (VNITRO_A_VPC_ID)",
	[VNITRO_A_CIDR_ADDR] = "missing CIDR block address (VNITRO_A_CIDR_ADDR)",
	[VNITRO_A_CIDR_PREFIXLEN] = "missing CIDR block prefix length (VNITRO_A_CIDR_PREFIXLEN)",
	[VNITRO_A_AZ] = "missing availability zone (VNITRO_A_AZ)",
	[VNITRO_A_PRIVATE_IP] = "missing address (VNITRO_A_PRIVATE_IP)",
	[VNITRO_A_IGW_ID] = "missing internet gateway id (VNITRO_A_IGW_ID)",
	[VNITRO_A_FRAG_NEEDED] = "missing frag-needed setting (VNITRO_A_FRAG_NEEDED)",
	[VNITRO_A_SECURITY_GROUP_ID] = "missing security group id (VNITRO_A_SECURITY_GROUP_ID)",
	[VNITRO_A_SG_DIRECTION] = "missing rule direction (VNITRO_A_SG_DIRECTION)",
	[VNITRO_A_SG_PROTOCOL] = "missing rule protocol (VNITRO_A_SG_PROTOCOL)",
	[VNITRO_A_EIP_ALLOCATION_ID] = "missing allocation id (VNITRO_A_EIP_ALLOCATION_ID)",
	[VNITRO_A_PG_NAME] = "missing placement group name (VNITRO_A_PG_NAME)",
	[VNITRO_A_PG_STRATEGY] =
		"missing placement strategy: cluster, spread or partition (VNITRO_A_PG_STRATEGY)",
	[VNITRO_A_IPV6_CIDR_PREFIXLEN] =
		"missing IPv6 prefix length, 0 to disassociate (VNITRO_A_IPV6_CIDR_PREFIXLEN)",
	[VNITRO_A_IPV6_ADDR] = "missing IPv6 address (VNITRO_A_IPV6_ADDR)",
	[VNITRO_A_NETNS_FD] =
		"missing namespace (VNITRO_A_NETNS_FD): the services need one of their own",
};

/*
 * The core formats its sentences at run time, into @err on the doit's stack;
 * extack keeps only a pointer, and genl drops genl_mutex before
 * netlink_rcv_skb sends the ack, so no buffer outlives the doit safely (a
 * shared one let concurrent requests read each other's messages). Linux
 * 6.1 has no formatted extack (NL_SET_ERR_MSG_FMT came in 6.2), so the
 * error is acked here, while @err lives, and -EINTR tells netlink_rcv_skb
 * that the request is answered (as netlink_dump_start does).
 */
int vnitro_genl_fail(struct sk_buff *skb, struct genl_info *info, const struct vcore_err *err)
{
	if (!info->extack)
		return err->code;
	info->extack->_msg = err->msg;
	netlink_ack(skb, info->nlhdr, err->code, info->extack);
	info->extack->_msg = NULL;
	return -EINTR;
}

bool vnitro_genl_require(struct genl_info *info, int attr)
{
	if (info->attrs[attr])
		return true;
	NL_SET_ERR_ATTR_MISS(info->extack, NULL, attr);
	if (info->extack)
		info->extack->_msg = vnitro_missing_msg[attr];
	return false;
}

const char *vnitro_genl_str(struct genl_info *info, int attr)
{
	return info->attrs[attr] ? nla_data(info->attrs[attr]) : "";
}

/* ---- replies ---- */

/* An IPv6 address from its upper and lower 64 bits (host order). */
static int vnitro_put_ipv6(struct sk_buff *msg, int attr, u64 hi, u64 lo)
{
	__be64 a[2] = { cpu_to_be64(hi), cpu_to_be64(lo) };

	return nla_put(msg, attr, sizeof(a), a);
}

static int vnitro_put_ipv6_cidr(struct sk_buff *msg, u8 has, u64 prefix, u8 prefixlen)
{
	if (!has)
		return 0;
	if (vnitro_put_ipv6(msg, VNITRO_A_IPV6_CIDR_ADDR, prefix, 0) ||
	    nla_put_u8(msg, VNITRO_A_IPV6_CIDR_PREFIXLEN, prefixlen))
		return -EMSGSIZE;
	return 0;
}

/* Secondary IPs and security groups, each a nest of repeated attributes. */
static int vnitro_put_eni_lists(struct sk_buff *msg, const struct vcore_eni_info *eni)
{
	struct nlattr *nest;
	u32 i;

	nest = nla_nest_start(msg, VNITRO_A_SECONDARY_IPS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < eni->secondary_count; i++)
		if (nla_put_be32(msg, VNITRO_A_PRIVATE_IP, htonl(eni->secondary_ips[i])))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, VNITRO_A_IPV6_ADDRS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < eni->ipv6_count; i++)
		if (vnitro_put_ipv6(msg, VNITRO_A_IPV6_ADDR, eni->ipv6_prefix, eni->ipv6_iids[i]))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, VNITRO_A_SECURITY_GROUPS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < eni->security_group_count; i++)
		if (nla_put_string(msg, VNITRO_A_SECURITY_GROUP_ID, eni->security_groups[i]))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * An attached ENI's netdev as a dump shows it: name, ifindex and its port's
 * source/dest check drops, read under RCU (no RTNL per object: a dump of
 * many ENIs must not hold up the rest of the networking stack). Only a
 * rename racing the read can show a name half old, half new.
 */
static int vnitro_put_eni_netdev(struct sk_buff *msg, const struct vnitro_eni_dev *edev)
{
	struct vcore_fabric_port *port;
	struct vcore_port_stats st = {};
	char name[IFNAMSIZ];
	struct net_device *dev;
	u32 alias = 0;
	int ifindex;

	rcu_read_lock();
	dev = vnitro_netdev_of_rcu(edev);
	if (!dev) {
		rcu_read_unlock();
		return 0;
	}
	strscpy(name, dev->name, sizeof(name));
	ifindex = dev->ifindex;
	port = rcu_dereference(((struct vnitro_netdev *)netdev_priv(dev))->port);
	if (port) {
		vcore_fabric_port_get_stats(port, &st);
		alias = vcore_fabric_port_svc_alias(port);
	}
	rcu_read_unlock();
	if (alias && nla_put_be32(msg, VNITRO_A_SVC_ADDR, htonl(alias)))
		return -EMSGSIZE;
	if (nla_put_string(msg, VNITRO_A_IFNAME, name) ||
	    nla_put_u32(msg, VNITRO_A_IFINDEX, ifindex) ||
	    nla_put_u64_64bit(msg, VNITRO_A_TX_SRC_DST_DROPPED, st.tx_src_dst_dropped,
			      VNITRO_A_PAD) ||
	    nla_put_u64_64bit(msg, VNITRO_A_RX_SRC_DST_DROPPED, st.rx_src_dst_dropped,
			      VNITRO_A_PAD) ||
	    nla_put_u64_64bit(msg, VNITRO_A_SG_INGRESS_DROPPED, st.sg_ingress_dropped,
			      VNITRO_A_PAD) ||
	    nla_put_u64_64bit(msg, VNITRO_A_SG_EGRESS_DROPPED, st.sg_egress_dropped,
			      VNITRO_A_PAD) ||
	    nla_put_u64_64bit(msg, VNITRO_A_CONNTRACK_ALLOWANCE_EXCEEDED,
			      st.conntrack_allowance_exceeded, VNITRO_A_PAD) ||
	    nla_put_u64_64bit(msg, VNITRO_A_CONNTRACK_TRACKED, st.conntrack_tracked,
			      VNITRO_A_PAD) ||
	    nla_put_u64_64bit(msg, VNITRO_A_CONNTRACK_MAX, st.conntrack_max, VNITRO_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int vnitro_put_type(struct sk_buff *msg, const struct vcore_type_info *t)
{
	if (nla_put_string(msg, VNITRO_A_INSTANCE_TYPE, t->name) ||
	    nla_put_u32(msg, VNITRO_A_MAX_ENIS, t->max_enis) ||
	    nla_put_u32(msg, VNITRO_A_NETWORK_CARDS, t->network_cards) ||
	    nla_put_u32(msg, VNITRO_A_MAX_ENIS_PER_CARD, t->max_enis_per_card) ||
	    nla_put_u32(msg, VNITRO_A_MAX_IPS_PER_ENI, t->max_ips_per_eni) ||
	    nla_put_u32(msg, VNITRO_A_MAX_QUEUES, t->max_queues) ||
	    nla_put_u32(msg, VNITRO_A_BASELINE_MBPS, t->baseline_mbps) ||
	    nla_put_u8(msg, VNITRO_A_EFA_SUPPORTED, !!t->efa) ||
	    nla_put_u8(msg, VNITRO_A_ENA_EXPRESS_SUPPORTED, t->ena_express) ||
	    nla_put_u8(msg, VNITRO_A_RSS_KEY_CONFIGURABLE,
		       t->rss_key_mode == VCORE_ENA_RSS_KEY_CONFIGURABLE) ||
	    nla_put_u64_64bit(msg, VNITRO_A_CONNTRACK_MAX, t->conntrack_max, VNITRO_A_PAD) ||
	    nla_put_u8(msg, VNITRO_A_ADAPTER, t->adapter) ||
	    nla_put_u32(msg, VNITRO_A_VCPUS, t->vcpus) ||
	    nla_put_u32(msg, VNITRO_A_PEAK_MBPS, t->peak_mbps) ||
	    nla_put_u32(msg, VNITRO_A_MAX_EFAS, t->max_efas))
		return -EMSGSIZE;
	return 0;
}

static int vnitro_put_type_obj(struct sk_buff *msg, const void *obj)
{
	return vnitro_put_type(msg, obj);
}

static int vnitro_put_route(struct sk_buff *msg, const void *obj)
{
	const struct vcore_route_info *r = obj;

	if (nla_put_string(msg, VNITRO_A_SUBNET_ID, r->subnet_id) ||
	    vnitro_put_block(msg, r->ipv6, r->addr, r->addr6, r->prefixlen) ||
	    nla_put_u8(msg, VNITRO_A_ROUTE_TARGET, r->target) ||
	    nla_put_string(msg, VNITRO_A_STATUS, r->blackhole ? "blackhole" : "active"))
		return -EMSGSIZE;
	if (r->target == VNITRO_ROUTE_TARGET_ENI &&
	    nla_put_string(msg, VNITRO_A_ENI_ID, r->target_id))
		return -EMSGSIZE;
	if ((r->target == VNITRO_ROUTE_TARGET_IGW || r->target == VNITRO_ROUTE_TARGET_EIGW) &&
	    nla_put_string(msg, VNITRO_A_IGW_ID, r->target_id))
		return -EMSGSIZE;
	return 0;
}

/* An egress-only gateway's tracking table and what it kept out. */
static int vnitro_put_gateway_table(struct sk_buff *msg, const struct vnitro_igw_dev *igw)
{
	struct vcore_port_stats st = {};
	struct vcore_fabric_port *port;

	rcu_read_lock();
	port = rcu_dereference(igw->port);
	if (port)
		vcore_fabric_port_get_stats(port, &st);
	rcu_read_unlock();
	if (nla_put_u64_64bit(msg, VNITRO_A_CONNTRACK_TRACKED, st.conntrack_tracked, VNITRO_A_PAD) ||
	    nla_put_u64_64bit(msg, VNITRO_A_CONNTRACK_MAX, st.conntrack_max, VNITRO_A_PAD) ||
	    nla_put_u64_64bit(msg, VNITRO_A_CONNTRACK_ALLOWANCE_EXCEEDED,
			      st.conntrack_allowance_exceeded, VNITRO_A_PAD) ||
	    /* The gateway's side "sends" what comes in from the internet (sg.cc). */
	    nla_put_u64_64bit(msg, VNITRO_A_INBOUND_DROPPED, st.sg_egress_dropped, VNITRO_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int vnitro_put_igw(struct sk_buff *msg, const void *obj)
{
	const struct vcore_igw_info *g = obj;

	if (nla_put_string(msg, VNITRO_A_IGW_ID, g->id) ||
	    nla_put_string(msg, VNITRO_A_VPC_ID, g->vpc_id) ||
	    nla_put(msg, VNITRO_A_MAC, ETH_ALEN, g->mac) ||
	    nla_put_u8(msg, VNITRO_A_FRAG_NEEDED, g->frag_needed) ||
	    nla_put_u8(msg, VNITRO_A_EGRESS_ONLY, g->egress_only) ||
	    (g->netns_name[0] && nla_put_string(msg, VNITRO_A_NETNS_NAME, g->netns_name)))
		return -EMSGSIZE;
	if (g->cookie && g->egress_only && vnitro_put_gateway_table(msg, g->cookie))
		return -EMSGSIZE;
	if (g->cookie) {
		const struct vnitro_igw_dev *igw = g->cookie;
		int ret = 0;

		/* The netdev lives as long as the gateway; RTNL keeps its name still. */
		rtnl_lock();
		if (nla_put_string(msg, VNITRO_A_IFNAME, igw->dev->name) ||
		    nla_put_u32(msg, VNITRO_A_IFINDEX, igw->dev->ifindex))
			ret = -EMSGSIZE;
		rtnl_unlock();
		return ret;
	}
	return 0;
}

static int vnitro_put_eni(struct sk_buff *msg, const void *obj)
{
	const struct vcore_eni_info *eni = obj;
	const struct vnitro_eni_dev *edev = eni->plug_cookie;

	if (nla_put_string(msg, VNITRO_A_ENI_ID, eni->id) ||
	    nla_put_string(msg, VNITRO_A_SUBNET_ID, eni->subnet_id) ||
	    nla_put_string(msg, VNITRO_A_VPC_ID, eni->vpc_id) ||
	    nla_put(msg, VNITRO_A_MAC, ETH_ALEN, eni->mac) ||
	    nla_put_be32(msg, VNITRO_A_PRIVATE_IP, htonl(eni->private_ip)) ||
	    nla_put_u8(msg, VNITRO_A_ENI_TYPE, eni->type) ||
	    nla_put_u8(msg, VNITRO_A_SOURCE_DEST_CHECK, eni->source_dest_check) ||
	    nla_put_u8(msg, VNITRO_A_ENA_EXPRESS, eni->ena_express) ||
	    nla_put_u8(msg, VNITRO_A_ENA_EXPRESS_UDP, eni->ena_express_udp) ||
	    nla_put_u32(msg, VNITRO_A_TCP_ESTABLISHED_TIMEOUT, eni->tcp_established_timeout) ||
	    nla_put_u32(msg, VNITRO_A_UDP_STREAM_TIMEOUT, eni->udp_stream_timeout) ||
	    nla_put_u32(msg, VNITRO_A_UDP_TIMEOUT, eni->udp_timeout) ||
	    nla_put_string(msg, VNITRO_A_DESCRIPTION, eni->description) ||
	    nla_put_string(msg, VNITRO_A_STATUS, eni->attached ? "in-use" : "available") ||
	    vnitro_put_eni_lists(msg, eni))
		return -EMSGSIZE;
	if (!eni->attached)
		return 0;
	if (nla_put_string(msg, VNITRO_A_INSTANCE_NAME, eni->instance) ||
	    nla_put_u32(msg, VNITRO_A_NETWORK_CARD, eni->network_card) ||
	    nla_put_u32(msg, VNITRO_A_DEVICE_INDEX, eni->device_index))
		return -EMSGSIZE;
	/* Another host's ENI has no function here. */
	if (edev && !edev->remote_port) {
		char slot[32];

		vnitro_pci_slot_name(edev, slot, sizeof(slot));
		if (nla_put_string(msg, VNITRO_A_PCI_SLOT, slot) ||
		    nla_put_u8(msg, VNITRO_A_ADAPTER, edev->adapter))
			return -EMSGSIZE;
		if (eni->type == VNITRO_ENI_TYPE_EFA) {
			char rdma[IB_DEVICE_NAME_MAX];

			vnitro_efa_device_name(edev, rdma, sizeof(rdma));
			if (rdma[0] && nla_put_string(msg, VNITRO_A_RDMA_DEVICE, rdma))
				return -EMSGSIZE;
		}
		return vnitro_put_eni_netdev(msg, edev);
	}
	return 0;
}

static int vnitro_put_instance(struct sk_buff *msg, const void *obj)
{
	const struct vcore_instance_info *inst = obj;
	if (nla_put_string(msg, VNITRO_A_INSTANCE_NAME, inst->name) ||
	    nla_put_string(msg, VNITRO_A_SUBNET_ID, inst->subnet_id) ||
	    nla_put_string(msg, VNITRO_A_AZ, inst->az) ||
	    nla_put_u32(msg, VNITRO_A_ENI_COUNT, inst->eni_count) ||
	    (inst->primary_eni_id[0] &&
	     nla_put_string(msg, VNITRO_A_PRIMARY_ENI_ID, inst->primary_eni_id)) ||
	    nla_put_u8(msg, VNITRO_A_MD_HTTP_TOKENS, inst->md.tokens) ||
	    nla_put_u8(msg, VNITRO_A_MD_HOP_LIMIT, inst->md.hop_limit) ||
	    nla_put_u8(msg, VNITRO_A_MD_ENDPOINT, inst->md.endpoint) ||
	    (inst->host && nla_put_be32(msg, VNITRO_A_INSTANCE_HOST, htonl(inst->host))) ||
	    vnitro_put_placement(msg, inst))
		return -EMSGSIZE;
	return vnitro_put_type(msg, &inst->type);
}

static int vnitro_put_vpc(struct sk_buff *msg, const void *obj)
{
	const struct vcore_vpc_info *vpc = obj;
	if (nla_put_string(msg, VNITRO_A_VPC_ID, vpc->id) ||
	    nla_put_be32(msg, VNITRO_A_CIDR_ADDR, htonl(vpc->cidr_addr)) ||
	    nla_put_u8(msg, VNITRO_A_CIDR_PREFIXLEN, vpc->cidr_prefixlen))
		return -EMSGSIZE;
	return vnitro_put_ipv6_cidr(msg, vpc->has_ipv6, vpc->ipv6_prefix,
				    VNITRO_VPC_IPV6_PREFIXLEN);
}

int vnitro_put_subnet(struct sk_buff *msg, const void *obj)
{
	const struct vcore_subnet_info *subnet = obj;
	if (nla_put_string(msg, VNITRO_A_SUBNET_ID, subnet->id) ||
	    nla_put_string(msg, VNITRO_A_VPC_ID, subnet->vpc_id) ||
	    nla_put_string(msg, VNITRO_A_AZ, subnet->az) ||
	    nla_put_be32(msg, VNITRO_A_CIDR_ADDR, htonl(subnet->cidr_addr)) ||
	    nla_put_u8(msg, VNITRO_A_CIDR_PREFIXLEN, subnet->cidr_prefixlen) ||
	    nla_put_string(msg, VNITRO_A_NACL_ID, subnet->nacl_id))
		return -EMSGSIZE;
	if (nla_put_u8(msg, VNITRO_A_ASSIGN_IPV6_ON_CREATION, subnet->assign_ipv6_on_creation))
		return -EMSGSIZE;
	return vnitro_put_ipv6_cidr(msg, subnet->has_ipv6, subnet->ipv6_prefix,
				    VNITRO_SUBNET_IPV6_PREFIXLEN);
}

/* Any object a reply or a dump carries. */
union vnitro_any_info {
	struct vcore_vpc_info vpc;
	struct vcore_subnet_info subnet;
	struct vcore_instance_info instance;
	struct vcore_eni_info eni;
	struct vcore_route_info route;
	struct vcore_igw_info igw;
	struct vcore_type_info type;
	struct vcore_sg_info sg;
	struct vcore_nacl_info nacl;
	struct vcore_eip_info eip;
};

struct genl_family vnitro_genl_family;

/* Replies to a doit with one object. */
int vnitro_genl_reply(struct genl_info *info, u8 cmd, vnitro_put_fn put, const void *obj)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	void *hdr;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vnitro_genl_family, 0, cmd);
	if (!hdr || put(msg, obj)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* One entry of a dump; returns -EMSGSIZE when the skb is full. */
static int vnitro_genl_dump_one(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
				vnitro_put_fn put, const void *obj)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				&vnitro_genl_family, NLM_F_MULTI, cmd);

	if (!hdr)
		return -EMSGSIZE;
	if (put(skb, obj)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* ---- commands that name one object by one attribute: GET, DEL, DETACH ---- */

typedef int (*vnitro_del_fn)(struct vcore_ctl *ctl, const char *id, struct vcore_err *err);
typedef int (*vnitro_get_fn)(const char *id, void *out, struct vcore_err *err);

static int vnitro_instance_get(const char *id, void *out, struct vcore_err *err)
{
	return vcore_ctl_instance_get(vnitro.ctl, id, out, err);
}

static int vnitro_eni_get(const char *id, void *out, struct vcore_err *err)
{
	return vcore_ctl_eni_get(vnitro.ctl, id, out, err);
}

static int vnitro_vpc_get(const char *id, void *out, struct vcore_err *err)
{
	return vcore_ctl_vpc_get(vnitro.ctl, id, out, err);
}

static int vnitro_subnet_get(const char *id, void *out, struct vcore_err *err)
{
	return vcore_ctl_subnet_get(vnitro.ctl, id, out, err);
}

static int vnitro_igw_get(const char *id, void *out, struct vcore_err *err)
{
	return vcore_ctl_igw_get(vnitro.ctl, id, out, err);
}

/* Per command: the attribute naming the object, and either a deletion or a lookup + reply. */
static const struct vnitro_by_id_cmd {
	int key;
	vnitro_del_fn del;
	vnitro_get_fn get;
	vnitro_put_fn put;	/* replies with the command's own number */
} vnitro_by_id[VNITRO_CMD_MAX + 1] = {
	[VNITRO_CMD_INSTANCE_DEL] = { VNITRO_A_INSTANCE_NAME, .del = vcore_ctl_instance_del },
	[VNITRO_CMD_INSTANCE_GET] = { VNITRO_A_INSTANCE_NAME, .get = vnitro_instance_get,
				      .put = vnitro_put_instance },
	[VNITRO_CMD_ENI_DEL] = { VNITRO_A_ENI_ID, .del = vcore_ctl_eni_del },
	[VNITRO_CMD_ENI_DETACH] = { VNITRO_A_ENI_ID, .del = vcore_ctl_eni_detach },
	[VNITRO_CMD_ENI_GET] = { VNITRO_A_ENI_ID, .get = vnitro_eni_get, .put = vnitro_put_eni },
	[VNITRO_CMD_VPC_DEL] = { VNITRO_A_VPC_ID, .del = vcore_ctl_vpc_del },
	[VNITRO_CMD_VPC_GET] = { VNITRO_A_VPC_ID, .get = vnitro_vpc_get, .put = vnitro_put_vpc },
	[VNITRO_CMD_SUBNET_DEL] = { VNITRO_A_SUBNET_ID, .del = vcore_ctl_subnet_del },
	[VNITRO_CMD_SUBNET_GET] = { VNITRO_A_SUBNET_ID, .get = vnitro_subnet_get,
				    .put = vnitro_put_subnet },
	[VNITRO_CMD_IGW_DEL] = { VNITRO_A_IGW_ID, .del = vcore_ctl_igw_del },
	[VNITRO_CMD_IGW_GET] = { VNITRO_A_IGW_ID, .get = vnitro_igw_get, .put = vnitro_put_igw },
	[VNITRO_CMD_SG_DEL] = { VNITRO_A_SECURITY_GROUP_ID, .del = vcore_ctl_sg_del },
	[VNITRO_CMD_NACL_DEL] = { VNITRO_A_NACL_ID, .del = vcore_ctl_nacl_del },
};

/*
 * The doit of every command in vnitro_by_id. A GET replies under ctl_lock:
 * ENI replies read the attachment's netdev (lock order ctl_lock -> RTNL).
 */
static int vnitro_cmd_by_id(struct sk_buff *skb, struct genl_info *info)
{
	u8 cmd = info->genlhdr->cmd;
	const struct vnitro_by_id_cmd *c = &vnitro_by_id[cmd];
	union vnitro_any_info *obj = NULL;
	struct vcore_err err = {};
	const char *id;
	int ret;

	if (!vnitro_genl_require(info, c->key))
		return -EINVAL;
	id = vnitro_genl_str(info, c->key);
	if (c->get) {
		obj = kmalloc(sizeof(*obj), GFP_KERNEL);
		if (!obj)
			return -ENOMEM;
	}
	mutex_lock(&vnitro.ctl_lock);
	ret = c->get ? c->get(id, obj, &err) : c->del(vnitro.ctl, id, &err);
	if (ret)
		ret = vnitro_genl_fail(skb, info, &err);
	else if (c->get)
		ret = vnitro_genl_reply(info, cmd, c->put, obj);
	mutex_unlock(&vnitro.ctl_lock);
	kfree(obj);
	return ret;
}

/* ---- instances ---- */

struct net *vnitro_genl_netns(struct genl_info *info)
{
	struct net *net;

	if (!info->attrs[VNITRO_A_NETNS_FD])
		return get_net(&init_net);
	net = get_net_ns_by_fd(nla_get_u32(info->attrs[VNITRO_A_NETNS_FD]));
	if (IS_ERR(net))
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VNITRO_A_NETNS_FD],
				    "not a network namespace file descriptor");
	return net;
}

static int vnitro_cmd_instance_add(struct sk_buff *skb, struct genl_info *info)
{
	struct vcore_instance_spec spec = {};
	struct vcore_instance_info inst;
	struct vcore_err err = {};
	struct net *net = NULL;
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_INSTANCE_NAME) ||
	    !vnitro_genl_require(info, VNITRO_A_SUBNET_ID))
		return -EINVAL;
	spec.name = vnitro_genl_str(info, VNITRO_A_INSTANCE_NAME);
	spec.subnet_id = vnitro_genl_str(info, VNITRO_A_SUBNET_ID);
	if (info->attrs[VNITRO_A_PRIVATE_IP])
		spec.primary_ip = ntohl(nla_get_be32(info->attrs[VNITRO_A_PRIVATE_IP]));
	spec.type = vnitro_genl_str(info, VNITRO_A_INSTANCE_TYPE);
	spec.pg_name = vnitro_genl_str(info, VNITRO_A_PG_NAME);
	if (info->attrs[VNITRO_A_PG_PARTITION])
		spec.partition = nla_get_u32(info->attrs[VNITRO_A_PG_PARTITION]);
	strscpy(spec.eni_id, vnitro_genl_str(info, VNITRO_A_ENI_ID), sizeof(spec.eni_id));
	if (info->attrs[VNITRO_A_MAC])
		memcpy(spec.mac, nla_data(info->attrs[VNITRO_A_MAC]), ETH_ALEN);
	/* Another host's instance has no namespace here. */
	if (info->attrs[VNITRO_A_INSTANCE_HOST]) {
		if (info->attrs[VNITRO_A_NETNS_FD]) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VNITRO_A_NETNS_FD],
					    "an instance of another host (INSTANCE_HOST) has no network namespace here");
			return -EINVAL;
		}
		spec.host = ntohl(nla_get_be32(info->attrs[VNITRO_A_INSTANCE_HOST]));
		if (!spec.host) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VNITRO_A_INSTANCE_HOST],
					    "host 0.0.0.0 is no host's address");
			return -EINVAL;
		}

	} else {
		net = vnitro_genl_netns(info);
		if (IS_ERR(net))
			return PTR_ERR(net);
	}

	mutex_lock(&vnitro.ctl_lock);
	/* Under ctl_lock, as TUNNEL_SET's local address is set. */
	if (spec.host && spec.host == vnitro_tunnel_local()) {
		err.code = ret = -EINVAL;
		snprintf(err.msg, sizeof(err.msg),
			 "%pI4h is this host's own address (vnitro tunnel show): an instance of this host is added without a host",
			 &spec.host);
	} else {
		ret = vcore_ctl_instance_add_spec(vnitro.ctl, &spec, net, &inst, &err);
	}
	mutex_unlock(&vnitro.ctl_lock);
	if (ret) {
		if (net)
			put_net(net);
		return vnitro_genl_fail(skb, info, &err);
	}
	return vnitro_genl_reply(info, VNITRO_CMD_INSTANCE_GET, vnitro_put_instance, &inst);
}

static int vnitro_genl_u8_or(struct genl_info *info, int attr)
{
	return info->attrs[attr] ? nla_get_u8(info->attrs[attr]) : -1;
}

static int vnitro_cmd_instance_set(struct sk_buff *skb, struct genl_info *info)
{
	struct vcore_md_changes c = {
		.tokens = vnitro_genl_u8_or(info, VNITRO_A_MD_HTTP_TOKENS),
		.hop_limit = vnitro_genl_u8_or(info, VNITRO_A_MD_HOP_LIMIT),
		.endpoint = vnitro_genl_u8_or(info, VNITRO_A_MD_ENDPOINT),
	};
	struct vcore_instance_info inst;
	struct vcore_err err = {};
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_INSTANCE_NAME))
		return -EINVAL;
	mutex_lock(&vnitro.ctl_lock);
	ret = vcore_ctl_instance_set(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_INSTANCE_NAME),
				     &c, &inst, &err);
	mutex_unlock(&vnitro.ctl_lock);
	if (ret)
		return vnitro_genl_fail(skb, info, &err);
	return vnitro_genl_reply(info, VNITRO_CMD_INSTANCE_GET, vnitro_put_instance, &inst);
}

/* ---- the world's settings ---- */

static int vnitro_put_world(struct sk_buff *msg, const void *obj)
{
	const struct vcore_world_settings *w = obj;

	if (nla_put_u32(msg, VNITRO_A_RATE_SCALE, w->rate_scale) ||
	    nla_put_u32(msg, VNITRO_A_BURST_SECONDS, w->burst_s))
		return -EMSGSIZE;
	return 0;
}

/* WORLD_GET, and WORLD_SET: both reply with the settings. */
static int vnitro_cmd_world(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *scale = info->attrs[VNITRO_A_RATE_SCALE];
	struct nlattr *burst = info->attrs[VNITRO_A_BURST_SECONDS];
	struct vcore_world_settings c = {}, now;
	struct vcore_err err = {};
	int ret = 0;

	/* The core reads 0 as "unchanged": a 0 given is refused here. */
	if (info->genlhdr->cmd == VNITRO_CMD_WORLD_SET) {
		c.rate_scale = scale ? nla_get_u32(scale) : 0;
		c.burst_s = burst ? nla_get_u32(burst) : 0;
		if (scale && !c.rate_scale) {
			NL_SET_ERR_MSG_ATTR(info->extack, scale,
					    "rate scale 0 is out of range: 1 to 1000000");
			return -EINVAL;
		}
		if (burst && !c.burst_s) {
			NL_SET_ERR_MSG_ATTR(info->extack, burst,
					    "burst seconds 0 is out of range: 1 to 3600");
			return -EINVAL;
		}
	}
	mutex_lock(&vnitro.ctl_lock);
	if (info->genlhdr->cmd == VNITRO_CMD_WORLD_SET)
		ret = vcore_ctl_world_set(vnitro.ctl, &c, &now, &err);
	else
		vcore_ctl_world_get(vnitro.ctl, &now);
	mutex_unlock(&vnitro.ctl_lock);
	if (ret)
		return vnitro_genl_fail(skb, info, &err);
	return vnitro_genl_reply(info, VNITRO_CMD_WORLD_GET, vnitro_put_world, &now);
}

/* ---- the path model ---- */

struct vnitro_path {
	struct vcore_fabric_path_config cfg;
	struct vcore_fabric_one_path one[VCORE_PATHS_MAX];
	u64 seed;
};

/*
 * The settings PATH_SET takes: where each goes in the world's model and in
 * one path's (-1: the world's only), its unit and range.
 */
static const struct vnitro_path_knob {
	int attr;
	const char *name;	/* as vnitro path set spells it */
	int world_off, one_off;
	u32 min, max;
	bool us;		/* microseconds, kept in ns */
} vnitro_path_knobs[] = {
#define W(f) offsetof(struct vcore_fabric_path_config, f)
#define O(f) offsetof(struct vcore_fabric_one_path, f)
	{ VNITRO_A_PATH_LOSS_PPM, "loss-ppm", W(loss_ppm), O(loss_ppm), 0, VNITRO_PATH_MAX_PPM },
	{ VNITRO_A_PATH_REORDER_PPM, "reorder-ppm", W(reorder_ppm), -1, 0, VNITRO_PATH_MAX_PPM },
	{ VNITRO_A_PATH_DELAY_US, "delay-us", W(delay_ns), O(delay_ns), 0, VNITRO_PATH_MAX_US, true },
	{ VNITRO_A_PATH_REORDER_DELAY_US, "reorder-delay-us", W(reorder_delay_ns), -1, 0,
	  VNITRO_PATH_MAX_US, true },
	{ VNITRO_A_PATH_JITTER_US, "jitter-us", W(jitter_ns), O(jitter_ns), 0, VNITRO_PATH_MAX_US,
	  true },
	{ VNITRO_A_PATH_CONGESTION_PPM, "congestion-ppm", W(congestion_ppm), O(congestion_ppm), 0,
	  VNITRO_PATH_MAX_PPM },
	{ VNITRO_A_PATH_CONGESTION_DELAY_US, "congestion-delay-us", W(congestion_delay_ns),
	  O(congestion_delay_ns), 0, VNITRO_PATH_MAX_US, true },
	{ VNITRO_A_PATH_CONGESTION_LOSS_PPM, "congestion-loss-ppm", W(congestion_loss_ppm),
	  O(congestion_loss_ppm), 0, VNITRO_PATH_MAX_PPM },
	{ VNITRO_A_PATH_EPISODE_US, "episode-us", W(episode_ns), -1, 1, VNITRO_PATH_MAX_US, true },
	{ VNITRO_A_PATH_COUNT, "paths", W(paths), -1, 1, VNITRO_PATH_COUNT_MAX },
	{ VNITRO_A_PATH_NODE_DELAY_US, "node-delay-us", W(node_delay_ns), -1, 0, VNITRO_PATH_MAX_US,
	  true },
	{ VNITRO_A_PATH_AZ_DELAY_US, "az-delay-us", W(az_delay_ns), -1, 0, VNITRO_PATH_MAX_US,
	  true },
#undef W
#undef O
};

static u32 *vnitro_path_slot(void *base, int off)
{
	return (u32 *)((char *)base + off);
}

static u32 vnitro_path_value(const struct vnitro_path_knob *k, const void *base, int off)
{
	u32 v = *vnitro_path_slot((void *)base, off);

	return k->us ? v / NSEC_PER_USEC : v;
}

static int vnitro_put_path(struct sk_buff *msg, const void *obj)
{
	const struct vnitro_path *p = obj;
	struct nlattr *list, *one;
	unsigned int i, k;

	for (k = 0; k < ARRAY_SIZE(vnitro_path_knobs); k++)
		if (nla_put_u32(msg, vnitro_path_knobs[k].attr,
				vnitro_path_value(&vnitro_path_knobs[k], &p->cfg,
						  vnitro_path_knobs[k].world_off)))
			return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, VNITRO_A_PATH_SEED, p->seed, VNITRO_A_PAD))
		return -EMSGSIZE;
	list = nla_nest_start(msg, VNITRO_A_PATHS);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < p->cfg.paths && i < VCORE_PATHS_MAX; i++) {
		one = nla_nest_start(msg, i + 1);
		if (!one || nla_put_u32(msg, VNITRO_A_PATH_INDEX, i))
			return -EMSGSIZE;
		for (k = 0; k < ARRAY_SIZE(vnitro_path_knobs); k++) {
			const struct vnitro_path_knob *kn = &vnitro_path_knobs[k];

			if (kn->one_off >= 0 &&
			    nla_put_u32(msg, kn->attr, vnitro_path_value(kn, &p->one[i], kn->one_off)))
				return -EMSGSIZE;
		}
		nla_nest_end(msg, one);
	}
	nla_nest_end(msg, list);
	return 0;
}

/*
 * PATH_SET's values into the world's model (@one NULL) or one path's: all
 * checked first. False, with a message naming the first bad one in @err.
 */
static bool vnitro_path_take(struct genl_info *info, struct vcore_fabric_path_config *cfg,
			     struct vcore_fabric_one_path *one, u32 index, struct vcore_err *err)
{
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(vnitro_path_knobs); k++) {
		const struct vnitro_path_knob *kn = &vnitro_path_knobs[k];
		struct nlattr *a = info->attrs[kn->attr];
		u32 v;

		if (!a)
			continue;
		v = nla_get_u32(a);
		err->code = -EINVAL;
		if (one && kn->one_off < 0) {
			snprintf(err->msg, sizeof(err->msg),
				 "%s is the world's, not one path's: set it without a path", kn->name);
			return false;
		}
		if (v < kn->min || v > kn->max) {
			snprintf(err->msg, sizeof(err->msg), "path %s %u is out of range: %u to %u",
				 kn->name, v, kn->min, kn->max);
			return false;
		}
		*vnitro_path_slot(one ? (void *)one : (void *)cfg, one ? kn->one_off : kn->world_off) =
			kn->us ? v * NSEC_PER_USEC : v;
	}
	if (one && info->attrs[VNITRO_A_PATH_SEED]) {
		snprintf(err->msg, sizeof(err->msg),
			 "the seed is the world's, not one path's: set it without a path");
		return false;
	}
	err->code = 0;
	return true;
}

/* The model as PATH_GET replies it. vnitro_path_lock held. */
static void vnitro_path_read(struct vnitro_path *p)
{
	unsigned int i;

	vcore_fabric_get_path(vnitro.fabric, &p->cfg);
	for (i = 0; i < VCORE_PATHS_MAX; i++)
		vcore_fabric_get_one_path(vnitro.fabric, i, &p->one[i]);
	p->seed = vcore_fabric_get_seed(vnitro.fabric);
}

/* PATH_GET, and PATH_SET: both reply with the model; a seed restarts every draw. */
static int vnitro_cmd_path(struct sk_buff *skb, struct genl_info *info)
{
	bool set = info->genlhdr->cmd == VNITRO_CMD_PATH_SET, any = false;
	struct nlattr *idx = info->attrs[VNITRO_A_PATH_INDEX];
	struct vcore_err err = {};
	struct vnitro_path *p;
	unsigned int k;
	u32 index = 0;
	int ret;

	for (k = 0; k < ARRAY_SIZE(vnitro_path_knobs); k++)
		any |= !!info->attrs[vnitro_path_knobs[k].attr];
	any |= !!info->attrs[VNITRO_A_PATH_SEED];
	if (set && !any) {
		NL_SET_ERR_MSG(info->extack, "nothing to set: give the loss, delays, congestion, "
					     "paths or seed");
		return -EINVAL;
	}
	if (!set && idx) {
		NL_SET_ERR_MSG(info->extack, "PATH_GET replies with every path: give no path");
		return -EINVAL;
	}
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	mutex_lock(&vnitro_path_lock);
	vnitro_path_read(p);
	if (set) {
		if (idx) {
			index = nla_get_u32(idx);
			if (index >= p->cfg.paths) {
				err.code = -EINVAL;
				snprintf(err.msg, sizeof(err.msg),
					 "path %u does not exist: the world has %u (0 to %u)", index,
					 p->cfg.paths, p->cfg.paths - 1);
			} else if (vnitro_path_take(info, &p->cfg, &p->one[index], index, &err)) {
				vcore_fabric_set_one_path(vnitro.fabric, index, &p->one[index]);
			}
		} else if (vnitro_path_take(info, &p->cfg, NULL, 0, &err)) {
			bool to_paths = false;

			/* The paths take the world's fields only when one of theirs is given. */
			for (k = 0; k < ARRAY_SIZE(vnitro_path_knobs); k++)
				to_paths |= vnitro_path_knobs[k].one_off >= 0 &&
					    info->attrs[vnitro_path_knobs[k].attr];
			vcore_fabric_set_path(vnitro.fabric, &p->cfg, to_paths);
			if (info->attrs[VNITRO_A_PATH_SEED])
				vcore_fabric_seed(vnitro.fabric,
						  nla_get_u64(info->attrs[VNITRO_A_PATH_SEED]));
		}
		vnitro_path_read(p);
	}
	mutex_unlock(&vnitro_path_lock);
	if (err.code)
		ret = vnitro_genl_fail(skb, info, &err);
	else
		ret = vnitro_genl_reply(info, VNITRO_CMD_PATH_GET, vnitro_put_path, p);
	kfree(p);
	return ret;
}

/* ---- ENIs ---- */

/* Replies read the attachment's netdev: callers hold ctl_lock. */
static int vnitro_genl_eni_reply(struct genl_info *info, const struct vcore_eni_info *eni)
{
	lockdep_assert_held(&vnitro.ctl_lock);
	return vnitro_genl_reply(info, VNITRO_CMD_ENI_GET, vnitro_put_eni, eni);
}

static int vnitro_genl_eni_changes(struct genl_info *info, struct vcore_eni_changes *c,
				   int *any);

static int vnitro_cmd_eni_add(struct sk_buff *skb, struct genl_info *info)
{
	struct vcore_eni_spec spec = {};
	struct vcore_eni_changes *c;
	struct vcore_eni_info eni;
	struct vcore_err err = {};
	int any, ret;

	if (!vnitro_genl_require(info, VNITRO_A_SUBNET_ID))
		return -EINVAL;
	strscpy(spec.subnet_id, vnitro_genl_str(info, VNITRO_A_SUBNET_ID), sizeof(spec.subnet_id));
	strscpy(spec.id, vnitro_genl_str(info, VNITRO_A_ENI_ID), sizeof(spec.id));
	if (info->attrs[VNITRO_A_PRIVATE_IP])
		spec.private_ip = ntohl(nla_get_be32(info->attrs[VNITRO_A_PRIVATE_IP]));
	if (info->attrs[VNITRO_A_MAC]) {
		nla_memcpy(spec.mac, info->attrs[VNITRO_A_MAC], ETH_ALEN);
		if (is_zero_ether_addr(spec.mac)) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VNITRO_A_MAC],
					    "MAC address 00:00:00:00:00:00 is not valid");
			return -EINVAL;
		}
	}
	if (info->attrs[VNITRO_A_ENI_TYPE]) {
		spec.type = nla_get_u8(info->attrs[VNITRO_A_ENI_TYPE]);
	}
	c = kzalloc(sizeof(*c), GFP_KERNEL);	/* the settings it is created with, if any */
	if (!c)
		return -ENOMEM;
	ret = vnitro_genl_eni_changes(info, c, &any);
	if (ret)
		goto out;
	spec.settings = any ? c : NULL;
	mutex_lock(&vnitro.ctl_lock);
	ret = vcore_ctl_eni_add(vnitro.ctl, &spec, &eni, &err);
	ret = ret ? vnitro_genl_fail(skb, info, &err) : vnitro_genl_eni_reply(info, &eni);
	mutex_unlock(&vnitro.ctl_lock);
out:
	kfree(c);
	return ret;
}

static int vnitro_cmd_eni_attach(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *card = info->attrs[VNITRO_A_NETWORK_CARD];
	struct vcore_eni_info eni;
	struct vcore_err err = {};
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_ENI_ID) ||
	    !vnitro_genl_require(info, VNITRO_A_INSTANCE_NAME) ||
	    !vnitro_genl_require(info, VNITRO_A_DEVICE_INDEX))
		return -EINVAL;
	mutex_lock(&vnitro.ctl_lock);
	ret = vcore_ctl_eni_attach(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_ENI_ID),
				   vnitro_genl_str(info, VNITRO_A_INSTANCE_NAME),
				   card ? nla_get_u32(card) : 0,
				   nla_get_u32(info->attrs[VNITRO_A_DEVICE_INDEX]), &eni, &err);
	ret = ret ? vnitro_genl_fail(skb, info, &err) : vnitro_genl_eni_reply(info, &eni);
	mutex_unlock(&vnitro.ctl_lock);
	return ret;
}

/* ---- VPC and subnet lookups ---- */

/* ---- VPCs and subnets ---- */

int vnitro_genl_cidr(struct genl_info *info, u32 *addr, u8 *prefixlen)
{
	if (!vnitro_genl_require(info, VNITRO_A_CIDR_ADDR) ||
	    !vnitro_genl_require(info, VNITRO_A_CIDR_PREFIXLEN))
		return -EINVAL;
	*addr = ntohl(nla_get_be32(info->attrs[VNITRO_A_CIDR_ADDR]));
	*prefixlen = nla_get_u8(info->attrs[VNITRO_A_CIDR_PREFIXLEN]);
	return 0;
}

static int vnitro_cmd_vpc_add(struct sk_buff *skb, struct genl_info *info)
{
	struct vcore_vpc_info vpc;
	struct vcore_err err = {};
	const char *id;
	u8 prefixlen;
	u32 addr;
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_VPC_ID) ||
	    vnitro_genl_cidr(info, &addr, &prefixlen))
		return -EINVAL;
	id = vnitro_genl_str(info, VNITRO_A_VPC_ID);
	mutex_lock(&vnitro.ctl_lock);
	ret = vcore_ctl_vpc_add(vnitro.ctl, id, addr, prefixlen, &err);
	if (!ret)
		ret = vcore_ctl_vpc_get(vnitro.ctl, id, &vpc, &err);
	mutex_unlock(&vnitro.ctl_lock);
	if (ret)
		return vnitro_genl_fail(skb, info, &err);
	return vnitro_genl_reply(info, VNITRO_CMD_VPC_GET, vnitro_put_vpc, &vpc);
}

static int vnitro_cmd_subnet_add(struct sk_buff *skb, struct genl_info *info)
{
	struct vcore_subnet_info subnet;
	struct vcore_err err = {};
	const char *id;
	u8 prefixlen;
	u32 addr;
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_SUBNET_ID) ||
	    !vnitro_genl_require(info, VNITRO_A_VPC_ID) ||
	    !vnitro_genl_require(info, VNITRO_A_AZ) ||
	    vnitro_genl_cidr(info, &addr, &prefixlen))
		return -EINVAL;
	id = vnitro_genl_str(info, VNITRO_A_SUBNET_ID);
	mutex_lock(&vnitro.ctl_lock);
	ret = vcore_ctl_subnet_add(vnitro.ctl, id, vnitro_genl_str(info, VNITRO_A_VPC_ID), addr,
				   prefixlen, vnitro_genl_str(info, VNITRO_A_AZ), &err);
	if (!ret)
		ret = vcore_ctl_subnet_get(vnitro.ctl, id, &subnet, &err);
	mutex_unlock(&vnitro.ctl_lock);
	if (ret)
		return vnitro_genl_fail(skb, info, &err);
	return vnitro_genl_reply(info, VNITRO_CMD_SUBNET_GET, vnitro_put_subnet, &subnet);
}

/* ---- ENI settings and addresses ---- */

/* SECURITY_GROUPS: only SECURITY_GROUP_ID entries, NUL-terminated, at most five. */
static int vnitro_genl_groups(struct genl_info *info, struct vcore_eni_changes *c)
{
	const struct nlattr *nest = info->attrs[VNITRO_A_SECURITY_GROUPS];
	const struct nlattr *attr;
	int rem;

	c->set_security_groups = 1;
	nla_for_each_nested(attr, nest, rem) {
		if (nla_type(attr) != VNITRO_A_SECURITY_GROUP_ID || nla_len(attr) < 1 ||
		    nla_len(attr) > VNITRO_ID_LEN ||
		    ((const char *)nla_data(attr))[nla_len(attr) - 1] != '\0') {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "security groups must be SECURITY_GROUP_ID strings of at most 31 characters");
			return -EINVAL;
		}
		if (c->security_group_count == VNITRO_MAX_SECURITY_GROUPS) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "a network interface has at most 5 security groups");
			return -ENOSPC;
		}
		strscpy(c->security_groups[c->security_group_count++], nla_data(attr),
			VNITRO_ID_LEN);
	}
	return 0;
}

static int vnitro_genl_flag(struct genl_info *info, int attr, u8 *set, u8 *value)
{
	if (!info->attrs[attr])
		return 0;
	*set = 1;
	*value = nla_get_u8(info->attrs[attr]);
	return 1;
}

static int vnitro_genl_seconds(struct genl_info *info, int attr, u8 *set, u32 *value)
{
	if (!info->attrs[attr])
		return 0;
	*set = 1;
	*value = nla_get_u32(info->attrs[attr]);
	return 1;
}

/* The settings of ENI_SET (and ENI_ADD) into @c; *@any: whether there was one. */
static int vnitro_genl_eni_changes(struct genl_info *info, struct vcore_eni_changes *c, int *any)
{
	int ret;

	*any = 0;
	*any |= vnitro_genl_flag(info, VNITRO_A_SOURCE_DEST_CHECK, &c->set_source_dest_check,
				&c->source_dest_check);
	*any |= vnitro_genl_flag(info, VNITRO_A_ENA_EXPRESS, &c->set_ena_express,
				 &c->ena_express);
	*any |= vnitro_genl_flag(info, VNITRO_A_ENA_EXPRESS_UDP, &c->set_ena_express_udp,
				 &c->ena_express_udp);
	*any |= vnitro_genl_seconds(info, VNITRO_A_TCP_ESTABLISHED_TIMEOUT,
				    &c->set_tcp_established_timeout, &c->tcp_established_timeout);
	*any |= vnitro_genl_seconds(info, VNITRO_A_UDP_STREAM_TIMEOUT,
				    &c->set_udp_stream_timeout, &c->udp_stream_timeout);
	*any |= vnitro_genl_seconds(info, VNITRO_A_UDP_TIMEOUT, &c->set_udp_timeout,
				    &c->udp_timeout);
	if (info->attrs[VNITRO_A_DESCRIPTION]) {
		c->set_description = 1;
		strscpy(c->description, nla_data(info->attrs[VNITRO_A_DESCRIPTION]),
			sizeof(c->description));
		*any = 1;
	}
	if (info->attrs[VNITRO_A_SECURITY_GROUPS]) {
		ret = vnitro_genl_groups(info, c);
		if (ret)
			return ret;
		*any = 1;
	}
	return 0;
}

static int vnitro_cmd_eni_set(struct sk_buff *skb, struct genl_info *info)
{
	struct vcore_eni_changes *c;
	struct vcore_eni_info eni;
	struct vcore_err err = {};
	int any, ret;

	if (!vnitro_genl_require(info, VNITRO_A_ENI_ID))
		return -EINVAL;
	c = kzalloc(sizeof(*c), GFP_KERNEL);	/* ~480 bytes: off the stack */
	if (!c)
		return -ENOMEM;
	ret = vnitro_genl_eni_changes(info, c, &any);
	if (ret)
		goto out;
	if (!any) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "nothing to set: give SOURCE_DEST_CHECK, DESCRIPTION, SECURITY_GROUPS, ENA_EXPRESS, ENA_EXPRESS_UDP or a conntrack timeout");
		ret = -EINVAL;
		goto out;
	}
	mutex_lock(&vnitro.ctl_lock);
	ret = vcore_ctl_eni_set(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_ENI_ID), c, &eni, &err);
	ret = ret ? vnitro_genl_fail(skb, info, &err) : vnitro_genl_eni_reply(info, &eni);
	mutex_unlock(&vnitro.ctl_lock);
out:
	kfree(c);
	return ret;
}

/*
 * ENI_IP_ASSIGN and ENI_IP_UNASSIGN with IPV6_ADDR (or IPV6_COUNT): the
 * ENI's IPv6 addresses. IPv4 attributes alongside are refused, so that a
 * request never does half of what it says.
 */
static int vnitro_cmd_eni_ipv6(struct sk_buff *skb, struct genl_info *info)
{
	bool assign = info->genlhdr->cmd == VNITRO_CMD_ENI_IP_ASSIGN;
	const u8 *addr = NULL;
	struct vcore_eni_info *eni;
	struct vcore_err err = {};
	u32 count = 0;
	int ret;

	if (info->attrs[VNITRO_A_PRIVATE_IP] || info->attrs[VNITRO_A_IP_COUNT] ||
	    (info->attrs[VNITRO_A_IPV6_ADDR] && info->attrs[VNITRO_A_IPV6_COUNT])) {
		NL_SET_ERR_MSG(info->extack, "give one of PRIVATE_IP, IP_COUNT, IPV6_ADDR, IPV6_COUNT");
		return -EINVAL;
	}
	if (!assign && !vnitro_genl_require(info, VNITRO_A_IPV6_ADDR))
		return -EINVAL;
	if (info->attrs[VNITRO_A_IPV6_ADDR])
		addr = nla_data(info->attrs[VNITRO_A_IPV6_ADDR]);
	else
		count = nla_get_u32(info->attrs[VNITRO_A_IPV6_COUNT]);
	eni = kmalloc(sizeof(*eni), GFP_KERNEL);
	if (!eni)
		return -ENOMEM;
	mutex_lock(&vnitro.ctl_lock);
	if (assign)
		ret = vcore_ctl_eni_ipv6_assign(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_ENI_ID),
						addr, count, eni, &err);
	else
		ret = vcore_ctl_eni_ipv6_unassign(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_ENI_ID),
						  addr, eni, &err);
	ret = ret ? vnitro_genl_fail(skb, info, &err) : vnitro_genl_eni_reply(info, eni);
	mutex_unlock(&vnitro.ctl_lock);
	kfree(eni);
	return ret;
}

/* VPC_IPV6_SET and SUBNET_IPV6_SET: associate (56, 64) or disassociate (0) an IPv6 block. */
static int vnitro_cmd_ipv6_set(struct sk_buff *skb, struct genl_info *info)
{
	bool vpc = info->genlhdr->cmd == VNITRO_CMD_VPC_IPV6_SET;
	int key = vpc ? VNITRO_A_VPC_ID : VNITRO_A_SUBNET_ID;
	union {
		struct vcore_vpc_info vpc;
		struct vcore_subnet_info subnet;
	} out;
	struct vcore_err err = {};
	const struct nlattr *flag;
	const u8 *addr = NULL;
	int ret;

	if (!vnitro_genl_require(info, key))
		return -EINVAL;
	flag = vpc ? NULL : info->attrs[VNITRO_A_ASSIGN_IPV6_ON_CREATION];
	if (!flag && !vnitro_genl_require(info, VNITRO_A_IPV6_CIDR_PREFIXLEN))
		return -EINVAL;
	if (flag && nla_get_u8(flag) && info->attrs[VNITRO_A_IPV6_CIDR_PREFIXLEN] &&
	    !nla_get_u8(info->attrs[VNITRO_A_IPV6_CIDR_PREFIXLEN])) {
		NL_SET_ERR_MSG(info->extack,
			       "addresses on creation need the IPv6 block the request disassociates");
		return -EINVAL;
	}
	if (info->attrs[VNITRO_A_IPV6_CIDR_ADDR])
		addr = nla_data(info->attrs[VNITRO_A_IPV6_CIDR_ADDR]);
	mutex_lock(&vnitro.ctl_lock);
	if (!info->attrs[VNITRO_A_IPV6_CIDR_PREFIXLEN])
		ret = 0;
	else if (vpc)
		ret = vcore_ctl_vpc_ipv6_set(vnitro.ctl, vnitro_genl_str(info, key), addr,
					     nla_get_u8(info->attrs[VNITRO_A_IPV6_CIDR_PREFIXLEN]),
					     &out.vpc, &err);
	else
		ret = vcore_ctl_subnet_ipv6_set(vnitro.ctl, vnitro_genl_str(info, key), addr,
						nla_get_u8(info->attrs[VNITRO_A_IPV6_CIDR_PREFIXLEN]),
						&out.subnet, &err);
	/* The block first: the flag needs one, and cannot fail once it is there. */
	if (!ret && flag)
		ret = vcore_ctl_subnet_assign_ipv6(vnitro.ctl, vnitro_genl_str(info, key),
						   nla_get_u8(flag), &out.subnet, &err);
	mutex_unlock(&vnitro.ctl_lock);
	if (ret)
		return vnitro_genl_fail(skb, info, &err);
	return vpc ? vnitro_genl_reply(info, VNITRO_CMD_VPC_GET, vnitro_put_vpc, &out.vpc)
		   : vnitro_genl_reply(info, VNITRO_CMD_SUBNET_GET, vnitro_put_subnet, &out.subnet);
}

static int vnitro_cmd_eni_ip_assign(struct sk_buff *skb, struct genl_info *info)
{
	struct vcore_eni_info eni;
	struct vcore_err err = {};
	u32 ip = 0, count = 0;
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_ENI_ID))
		return -EINVAL;
	if (info->attrs[VNITRO_A_IPV6_ADDR] || info->attrs[VNITRO_A_IPV6_COUNT])
		return vnitro_cmd_eni_ipv6(skb, info);
	if (info->attrs[VNITRO_A_PRIVATE_IP] && info->attrs[VNITRO_A_IP_COUNT]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VNITRO_A_IP_COUNT],
				    "give either an address (PRIVATE_IP) or a count (IP_COUNT), not both");
		return -EINVAL;
	}
	if (info->attrs[VNITRO_A_PRIVATE_IP])
		ip = ntohl(nla_get_be32(info->attrs[VNITRO_A_PRIVATE_IP]));
	else if (info->attrs[VNITRO_A_IP_COUNT])
		count = nla_get_u32(info->attrs[VNITRO_A_IP_COUNT]);
	else
		count = 1;
	mutex_lock(&vnitro.ctl_lock);
	ret = vcore_ctl_eni_ip_assign(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_ENI_ID), ip, count,
				      &eni, &err);
	ret = ret ? vnitro_genl_fail(skb, info, &err) : vnitro_genl_eni_reply(info, &eni);
	mutex_unlock(&vnitro.ctl_lock);
	return ret;
}

static int vnitro_cmd_eni_ip_unassign(struct sk_buff *skb, struct genl_info *info)
{
	struct vcore_eni_info eni;
	struct vcore_err err = {};
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_ENI_ID))
		return -EINVAL;
	if (info->attrs[VNITRO_A_IPV6_ADDR])
		return vnitro_cmd_eni_ipv6(skb, info);
	if (!vnitro_genl_require(info, VNITRO_A_PRIVATE_IP))
		return -EINVAL;
	mutex_lock(&vnitro.ctl_lock);
	ret = vcore_ctl_eni_ip_unassign(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_ENI_ID),
					ntohl(nla_get_be32(info->attrs[VNITRO_A_PRIVATE_IP])),
					&eni, &err);
	ret = ret ? vnitro_genl_fail(skb, info, &err) : vnitro_genl_eni_reply(info, &eni);
	mutex_unlock(&vnitro.ctl_lock);
	return ret;
}

/* ---- routes ---- */

/* A route's destination, IPv4 or IPv6 (vnitro_genl_block). */
struct vnitro_route_dest {
	u8 ipv6, prefixlen;
	u32 addr;
	u8 addr6[16];
};

static int vnitro_genl_route_dest(struct genl_info *info, struct vnitro_route_dest *d)
{
	if (!vnitro_genl_require(info, VNITRO_A_SUBNET_ID))
		return -EINVAL;
	return vnitro_genl_block(info, &d->ipv6, &d->addr, d->addr6, &d->prefixlen);
}

static int vnitro_cmd_route_add(struct sk_buff *skb, struct genl_info *info)
{
	struct vcore_route_info route;
	struct vnitro_route_dest d = {};
	struct vcore_err err = {};
	const char *subnet, *target;
	int ret;

	if (vnitro_genl_route_dest(info, &d))
		return -EINVAL;
	if (!!info->attrs[VNITRO_A_ENI_ID] == !!info->attrs[VNITRO_A_IGW_ID]) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "a route needs one target: ENI_ID or IGW_ID");
		return -EINVAL;
	}
	subnet = vnitro_genl_str(info, VNITRO_A_SUBNET_ID);
	target = info->attrs[VNITRO_A_ENI_ID] ? vnitro_genl_str(info, VNITRO_A_ENI_ID)
					      : vnitro_genl_str(info, VNITRO_A_IGW_ID);
	mutex_lock(&vnitro.ctl_lock);
	ret = d.ipv6 ? vcore_ctl_route6_add(vnitro.ctl, subnet, d.addr6, d.prefixlen, target,
					    &route, &err)
		     : vcore_ctl_route_add(vnitro.ctl, subnet, d.addr, d.prefixlen, target,
					   &route, &err);
	mutex_unlock(&vnitro.ctl_lock);
	if (ret)
		return vnitro_genl_fail(skb, info, &err);
	return vnitro_genl_reply(info, VNITRO_CMD_ROUTE_GET, vnitro_put_route, &route);
}

static int vnitro_cmd_route_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vnitro_route_dest d = {};
	struct vcore_err err = {};
	const char *subnet;
	int ret;

	if (vnitro_genl_route_dest(info, &d))
		return -EINVAL;
	subnet = vnitro_genl_str(info, VNITRO_A_SUBNET_ID);
	mutex_lock(&vnitro.ctl_lock);
	ret = d.ipv6 ? vcore_ctl_route6_del(vnitro.ctl, subnet, d.addr6, d.prefixlen, &err)
		     : vcore_ctl_route_del(vnitro.ctl, subnet, d.addr, d.prefixlen, &err);
	mutex_unlock(&vnitro.ctl_lock);
	return ret ? vnitro_genl_fail(skb, info, &err) : 0;
}

static int vnitro_cmd_route_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vcore_route_info route;
	struct vnitro_route_dest d = {};
	struct vcore_err err = {};
	const char *subnet;
	int ret;

	if (vnitro_genl_route_dest(info, &d))
		return -EINVAL;
	subnet = vnitro_genl_str(info, VNITRO_A_SUBNET_ID);
	mutex_lock(&vnitro.ctl_lock);
	ret = d.ipv6 ? vcore_ctl_route6_get(vnitro.ctl, subnet, d.addr6, d.prefixlen, &route, &err)
		     : vcore_ctl_route_get(vnitro.ctl, subnet, d.addr, d.prefixlen, &route, &err);
	mutex_unlock(&vnitro.ctl_lock);
	if (ret)
		return vnitro_genl_fail(skb, info, &err);
	return vnitro_genl_reply(info, VNITRO_CMD_ROUTE_GET, vnitro_put_route, &route);
}

/* ---- internet gateways ---- */

static int vnitro_cmd_igw_add(struct sk_buff *skb, struct genl_info *info)
{
	struct vcore_igw_info igw;
	struct vcore_err err = {};
	u8 frag_needed = 1;
	struct net *net;
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_IGW_ID) ||
	    !vnitro_genl_require(info, VNITRO_A_VPC_ID))
		return -EINVAL;
	if (info->attrs[VNITRO_A_FRAG_NEEDED]) {
		if (!strncmp(vnitro_genl_str(info, VNITRO_A_IGW_ID), "eigw-", 5)) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VNITRO_A_FRAG_NEEDED],
					    "an egress-only internet gateway carries IPv6 alone: frag-needed is IPv4's");
			return -EINVAL;
		}
		frag_needed = nla_get_u8(info->attrs[VNITRO_A_FRAG_NEEDED]);
	}
	net = vnitro_genl_netns(info);
	if (IS_ERR(net))
		return PTR_ERR(net);
	mutex_lock(&vnitro.ctl_lock);
	ret = vcore_ctl_igw_add(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_IGW_ID),
				vnitro_genl_str(info, VNITRO_A_VPC_ID), net,
				vnitro_genl_str(info, VNITRO_A_NETNS_NAME), frag_needed, &igw, &err);
	mutex_unlock(&vnitro.ctl_lock);
	if (ret) {
		put_net(net);
		return vnitro_genl_fail(skb, info, &err);
	}
	return vnitro_genl_reply(info, VNITRO_CMD_IGW_GET, vnitro_put_igw, &igw);
}

static int vnitro_cmd_igw_set(struct sk_buff *skb, struct genl_info *info)
{
	struct vcore_igw_info igw;
	struct vcore_err err = {};
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_IGW_ID) ||
	    !vnitro_genl_require(info, VNITRO_A_FRAG_NEEDED))
		return -EINVAL;
	mutex_lock(&vnitro.ctl_lock);
	ret = vcore_ctl_igw_set(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_IGW_ID),
				nla_get_u8(info->attrs[VNITRO_A_FRAG_NEEDED]), &igw, &err);
	mutex_unlock(&vnitro.ctl_lock);
	if (ret)
		return vnitro_genl_fail(skb, info, &err);
	return vnitro_genl_reply(info, VNITRO_CMD_IGW_GET, vnitro_put_igw, &igw);
}

/* ---- instance types (constant: no lock) ---- */

static int vnitro_cmd_type_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vcore_type_info type;
	struct vcore_err err = {};

	if (!vnitro_genl_require(info, VNITRO_A_INSTANCE_TYPE))
		return -EINVAL;
	if (vcore_ctl_type_get(vnitro_genl_str(info, VNITRO_A_INSTANCE_TYPE), &type, &err))
		return vnitro_genl_fail(skb, info, &err);
	return vnitro_genl_reply(info, VNITRO_CMD_TYPE_GET, vnitro_put_type_obj, &type);
}

/* ---- dumps: cb->args[0] is the position of the next object ---- */

int vnitro_genl_dump(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
		     vnitro_at_fn at, vnitro_put_fn put)
{
	union vnitro_any_info *obj;
	u32 pos = cb->args[0];

	obj = kmalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return -ENOMEM;
	mutex_lock(&vnitro.ctl_lock);
	for (; at(pos, obj) == 0; pos++)
		if (vnitro_genl_dump_one(skb, cb, cmd, put, obj))
			break;
	mutex_unlock(&vnitro.ctl_lock);
	kfree(obj);
	cb->args[0] = pos;
	return skb->len;
}

static int vnitro_instance_at(u32 pos, void *out)
{
	return vcore_ctl_instance_at(vnitro.ctl, pos, out);
}

static int vnitro_eni_at(u32 pos, void *out)
{
	return vcore_ctl_eni_at(vnitro.ctl, pos, out);
}

static int vnitro_vpc_at(u32 pos, void *out)
{
	return vcore_ctl_vpc_at(vnitro.ctl, pos, out);
}

static int vnitro_subnet_at(u32 pos, void *out)
{
	return vcore_ctl_subnet_at(vnitro.ctl, pos, out);
}

static int vnitro_route_at(u32 pos, void *out)
{
	return vcore_ctl_route_at(vnitro.ctl, pos, out);
}

static int vnitro_igw_at(u32 pos, void *out)
{
	return vcore_ctl_igw_at(vnitro.ctl, pos, out);
}

static int vnitro_type_at(u32 pos, void *out)
{
	return vcore_ctl_type_at(pos, out);
}

static int vnitro_dump_routes(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vnitro_genl_dump(skb, cb, VNITRO_CMD_ROUTE_GET, vnitro_route_at, vnitro_put_route);
}

static int vnitro_dump_igws(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vnitro_genl_dump(skb, cb, VNITRO_CMD_IGW_GET, vnitro_igw_at, vnitro_put_igw);
}

static int vnitro_dump_types(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vnitro_genl_dump(skb, cb, VNITRO_CMD_TYPE_GET, vnitro_type_at, vnitro_put_type_obj);
}

static int vnitro_dump_instances(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vnitro_genl_dump(skb, cb, VNITRO_CMD_INSTANCE_GET, vnitro_instance_at,
				vnitro_put_instance);
}

static int vnitro_dump_enis(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vnitro_genl_dump(skb, cb, VNITRO_CMD_ENI_GET, vnitro_eni_at,
				vnitro_put_eni);
}

static int vnitro_dump_vpcs(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vnitro_genl_dump(skb, cb, VNITRO_CMD_VPC_GET, vnitro_vpc_at,
				vnitro_put_vpc);
}

static int vnitro_dump_subnets(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vnitro_genl_dump(skb, cb, VNITRO_CMD_SUBNET_GET, vnitro_subnet_at,
				vnitro_put_subnet);
}

static const struct genl_ops vnitro_genl_ops[] = {
	{ .cmd = VNITRO_CMD_INSTANCE_ADD, .doit = vnitro_cmd_instance_add, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_INSTANCE_SET, .doit = vnitro_cmd_instance_set, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_WORLD_GET, .doit = vnitro_cmd_world, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_WORLD_SET, .doit = vnitro_cmd_world, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_PATH_GET, .doit = vnitro_cmd_path, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_PATH_SET, .doit = vnitro_cmd_path, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_PG_ADD, .doit = vnitro_cmd_pg, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_PG_DEL, .doit = vnitro_cmd_pg, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_PG_GET, .doit = vnitro_cmd_pg, .dumpit = vnitro_dump_pgs,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_TUNNEL_SET, .doit = vnitro_cmd_tunnel, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_TUNNEL_GET, .doit = vnitro_cmd_tunnel, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_INSTANCE_DEL, .doit = vnitro_cmd_by_id, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_INSTANCE_GET, .doit = vnitro_cmd_by_id,
	  .dumpit = vnitro_dump_instances,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_ENI_ADD, .doit = vnitro_cmd_eni_add, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_ENI_DEL, .doit = vnitro_cmd_by_id, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_ENI_GET, .doit = vnitro_cmd_by_id, .dumpit = vnitro_dump_enis,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_ENI_ATTACH, .doit = vnitro_cmd_eni_attach, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_ENI_DETACH, .doit = vnitro_cmd_by_id, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_VPC_GET, .doit = vnitro_cmd_by_id, .dumpit = vnitro_dump_vpcs,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_SUBNET_GET, .doit = vnitro_cmd_by_id,
	  .dumpit = vnitro_dump_subnets,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_VPC_ADD, .doit = vnitro_cmd_vpc_add, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_VPC_DEL, .doit = vnitro_cmd_by_id, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_SUBNET_ADD, .doit = vnitro_cmd_subnet_add, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_SUBNET_DEL, .doit = vnitro_cmd_by_id, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_ENI_SET, .doit = vnitro_cmd_eni_set, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_ENI_IP_ASSIGN, .doit = vnitro_cmd_eni_ip_assign,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_ENI_IP_UNASSIGN, .doit = vnitro_cmd_eni_ip_unassign,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_ROUTE_ADD, .doit = vnitro_cmd_route_add, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_ROUTE_DEL, .doit = vnitro_cmd_route_del, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_ROUTE_GET, .doit = vnitro_cmd_route_get, .dumpit = vnitro_dump_routes,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_IGW_ADD, .doit = vnitro_cmd_igw_add, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_IGW_DEL, .doit = vnitro_cmd_by_id, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_IGW_GET, .doit = vnitro_cmd_by_id, .dumpit = vnitro_dump_igws,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_IGW_SET, .doit = vnitro_cmd_igw_set, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_TYPE_GET, .doit = vnitro_cmd_type_get, .dumpit = vnitro_dump_types,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_SG_ADD, .doit = vnitro_cmd_sg_add, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_SG_DEL, .doit = vnitro_cmd_by_id, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_SG_GET, .doit = vnitro_cmd_sg_get, .dumpit = vnitro_dump_sgs,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_SG_RULE_ADD, .doit = vnitro_cmd_sg_rule, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_SG_RULE_DEL, .doit = vnitro_cmd_sg_rule, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_NACL_ADD, .doit = vnitro_cmd_nacl, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_NACL_DEL, .doit = vnitro_cmd_by_id, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_NACL_GET, .doit = vnitro_cmd_nacl, .dumpit = vnitro_dump_nacls,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_NACL_ENTRY_ADD, .doit = vnitro_cmd_nacl, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_NACL_ENTRY_DEL, .doit = vnitro_cmd_nacl, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_NACL_ENTRY_REPLACE, .doit = vnitro_cmd_nacl, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_NACL_ASSOCIATE, .doit = vnitro_cmd_nacl_associate,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_VPC_IPV6_SET, .doit = vnitro_cmd_ipv6_set, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_SUBNET_IPV6_SET, .doit = vnitro_cmd_ipv6_set, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_SVC_ADD, .doit = vnitro_cmd_svc_add, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_SVC_DEL, .doit = vnitro_cmd_svc_del, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_SVC_GET, .doit = vnitro_cmd_svc_get, .flags = GENL_ADMIN_PERM },
};

struct genl_family vnitro_genl_family __ro_after_init = {
	.name = VNITRO_GENL_NAME,
	.version = VNITRO_GENL_VERSION,
	.maxattr = VNITRO_A_MAX,
	.policy = vnitro_policy,
	.module = THIS_MODULE,
	.ops = vnitro_genl_ops,
	.n_ops = ARRAY_SIZE(vnitro_genl_ops),
	/* Commands of their own files. */
	.small_ops = vnitro_genl_eip_ops,
	.n_small_ops = ARRAY_SIZE(vnitro_genl_eip_ops),
	/* resv_start_op = 0: strict validation of every command and attribute. */
};

int vnitro_genl_init(void)
{
	return genl_register_family(&vnitro_genl_family);
}

void vnitro_genl_exit(void)
{
	genl_unregister_family(&vnitro_genl_family);
}
