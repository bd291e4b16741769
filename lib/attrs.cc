// SPDX-License-Identifier: LGPL-2.1-or-later
/* The vnitro attribute space: its policy, and replies decoded into structs. */
#include <errno.h>
#include <string.h>

#include <netlink/genl/genl.h>

#include "internal.h"

namespace vnitro::lib {

namespace {

struct attr_info {
	const char *name;
	struct nla_policy policy;
};

struct attr_table {
	struct attr_info a[VNITRO_A_MAX + 1];
};

constexpr attr_info str(const char *name, size_t size)
{
	return { name, { NLA_STRING, 0, uint16_t(size) } };
}

constexpr attr_info u32(const char *name)
{
	return { name, { NLA_U32, 0, 0 } };
}

constexpr attr_info u16(const char *name)
{
	return { name, { NLA_U16, 0, 0 } };
}

constexpr attr_info u8(const char *name)
{
	return { name, { NLA_U8, 0, 0 } };
}

constexpr attr_info u64(const char *name)
{
	return { name, { NLA_U64, 0, 0 } };
}

constexpr attr_info nested(const char *name)
{
	return { name, { NLA_NESTED, 0, 0 } };
}

constexpr attr_info bytes(const char *name, uint16_t len)
{
	return { name, { NLA_UNSPEC, len, len } };
}

/* Strings are bounded by the result field they land in, NUL included. */
constexpr attr_table make_table()
{
	attr_table t{};

	t.a[VNITRO_A_INSTANCE_NAME] = str("INSTANCE_NAME", VNITRO_NAME_LEN);
	t.a[VNITRO_A_NETNS_FD] = u32("NETNS_FD");
	t.a[VNITRO_A_VPC_ID] = str("VPC_ID", VNITRO_ID_LEN);
	t.a[VNITRO_A_SUBNET_ID] = str("SUBNET_ID", VNITRO_ID_LEN);
	t.a[VNITRO_A_ENI_ID] = str("ENI_ID", VNITRO_ID_LEN);
	t.a[VNITRO_A_MAC] = bytes("MAC", VNITRO_MAC_LEN);
	t.a[VNITRO_A_PRIVATE_IP] = u32("PRIVATE_IP");
	t.a[VNITRO_A_DEVICE_INDEX] = u32("DEVICE_INDEX");
	t.a[VNITRO_A_IFNAME] = str("IFNAME", IF_NAMESIZE);
	t.a[VNITRO_A_IFINDEX] = u32("IFINDEX");
	t.a[VNITRO_A_ENI_TYPE] = u8("ENI_TYPE");
	t.a[VNITRO_A_SOURCE_DEST_CHECK] = u8("SOURCE_DEST_CHECK");
	t.a[VNITRO_A_CIDR_ADDR] = u32("CIDR_ADDR");
	t.a[VNITRO_A_CIDR_PREFIXLEN] = u8("CIDR_PREFIXLEN");
	t.a[VNITRO_A_AZ] = str("AZ", VNITRO_AZ_LEN);
	t.a[VNITRO_A_PCI_SLOT] = str("PCI_SLOT", VNITRO_PCI_SLOT_LEN);
	t.a[VNITRO_A_PRIMARY_ENI_ID] = str("PRIMARY_ENI_ID", VNITRO_ID_LEN);
	t.a[VNITRO_A_ENI_COUNT] = u32("ENI_COUNT");
	t.a[VNITRO_A_STATUS] = str("STATUS", VNITRO_STATUS_LEN);
	t.a[VNITRO_A_PAD] = bytes("PAD", 0);
	t.a[VNITRO_A_INSTANCE_TYPE] = str("INSTANCE_TYPE", VNITRO_TYPE_LEN);
	t.a[VNITRO_A_DESCRIPTION] = str("DESCRIPTION", VNITRO_DESCRIPTION_LEN);
	t.a[VNITRO_A_SECURITY_GROUPS] = nested("SECURITY_GROUPS");
	t.a[VNITRO_A_SECURITY_GROUP_ID] = str("SECURITY_GROUP_ID", VNITRO_ID_LEN);
	t.a[VNITRO_A_SECONDARY_IPS] = nested("SECONDARY_IPS");
	t.a[VNITRO_A_IP_COUNT] = u32("IP_COUNT");
	t.a[VNITRO_A_ENA_EXPRESS] = u8("ENA_EXPRESS");
	t.a[VNITRO_A_ENA_EXPRESS_UDP] = u8("ENA_EXPRESS_UDP");
	t.a[VNITRO_A_ROUTE_TARGET] = u8("ROUTE_TARGET");
	t.a[VNITRO_A_IGW_ID] = str("IGW_ID", VNITRO_ID_LEN);
	t.a[VNITRO_A_FRAG_NEEDED] = u8("FRAG_NEEDED");
	t.a[VNITRO_A_NETNS_NAME] = str("NETNS_NAME", VNITRO_NAME_LEN);
	t.a[VNITRO_A_MAX_ENIS] = u32("MAX_ENIS");
	t.a[VNITRO_A_MAX_IPS_PER_ENI] = u32("MAX_IPS_PER_ENI");
	t.a[VNITRO_A_MAX_QUEUES] = u32("MAX_QUEUES");
	t.a[VNITRO_A_EFA_SUPPORTED] = u8("EFA_SUPPORTED");
	t.a[VNITRO_A_ENA_EXPRESS_SUPPORTED] = u8("ENA_EXPRESS_SUPPORTED");
	t.a[VNITRO_A_BASELINE_MBPS] = u32("BASELINE_MBPS");
	t.a[VNITRO_A_RSS_KEY_CONFIGURABLE] = u8("RSS_KEY_CONFIGURABLE");
	t.a[VNITRO_A_ADAPTER] = u8("ADAPTER");
	t.a[VNITRO_A_VCPUS] = u32("VCPUS");
	t.a[VNITRO_A_PEAK_MBPS] = u32("PEAK_MBPS");
	t.a[VNITRO_A_MAX_EFAS] = u32("MAX_EFAS");
	t.a[VNITRO_A_TX_SRC_DST_DROPPED] = u64("TX_SRC_DST_DROPPED");
	t.a[VNITRO_A_RX_SRC_DST_DROPPED] = u64("RX_SRC_DST_DROPPED");
	t.a[VNITRO_A_SG_INGRESS_DROPPED] = u64("SG_INGRESS_DROPPED");
	t.a[VNITRO_A_SG_EGRESS_DROPPED] = u64("SG_EGRESS_DROPPED");
	t.a[VNITRO_A_CONNTRACK_ALLOWANCE_EXCEEDED] = u64("CONNTRACK_ALLOWANCE_EXCEEDED");
	t.a[VNITRO_A_CONNTRACK_TRACKED] = u64("CONNTRACK_TRACKED");
	t.a[VNITRO_A_CONNTRACK_MAX] = u64("CONNTRACK_MAX");
	t.a[VNITRO_A_RDMA_DEVICE] = str("RDMA_DEVICE", VNITRO_RDMA_DEVICE_LEN);
	t.a[VNITRO_A_NETWORK_CARD] = u32("NETWORK_CARD");
	t.a[VNITRO_A_NETWORK_CARDS] = u32("NETWORK_CARDS");
	t.a[VNITRO_A_MAX_ENIS_PER_CARD] = u32("MAX_ENIS_PER_CARD");
	t.a[VNITRO_A_SG_NAME] = str("SG_NAME", VNITRO_SG_NAME_LEN);
	t.a[VNITRO_A_SG_RULES] = nested("SG_RULES");
	t.a[VNITRO_A_SG_RULE] = nested("SG_RULE");
	t.a[VNITRO_A_SG_DIRECTION] = u8("SG_DIRECTION");
	t.a[VNITRO_A_SG_PROTOCOL] = u16("SG_PROTOCOL");
	t.a[VNITRO_A_SG_PORT_FROM] = u16("SG_PORT_FROM");
	t.a[VNITRO_A_SG_PORT_TO] = u16("SG_PORT_TO");
	t.a[VNITRO_A_SG_ICMP_TYPE] = u8("SG_ICMP_TYPE");
	t.a[VNITRO_A_SG_ICMP_CODE] = u8("SG_ICMP_CODE");
	t.a[VNITRO_A_SG_PEER_ID] = str("SG_PEER_ID", VNITRO_ID_LEN);
	t.a[VNITRO_A_TCP_ESTABLISHED_TIMEOUT] = u32("TCP_ESTABLISHED_TIMEOUT");
	t.a[VNITRO_A_UDP_STREAM_TIMEOUT] = u32("UDP_STREAM_TIMEOUT");
	t.a[VNITRO_A_UDP_TIMEOUT] = u32("UDP_TIMEOUT");
	t.a[VNITRO_A_NACL_ID] = str("NACL_ID", VNITRO_ID_LEN);
	t.a[VNITRO_A_NACL_DEFAULT] = { "NACL_DEFAULT", { NLA_FLAG, 0, 0 } };
	t.a[VNITRO_A_NACL_ENTRIES] = nested("NACL_ENTRIES");
	t.a[VNITRO_A_NACL_ENTRY] = nested("NACL_ENTRY");
	t.a[VNITRO_A_NACL_RULE_NUMBER] = u16("NACL_RULE_NUMBER");
	t.a[VNITRO_A_NACL_RULE_ACTION] = u8("NACL_RULE_ACTION");
	t.a[VNITRO_A_EIP_ALLOCATION_ID] = str("EIP_ALLOCATION_ID", VNITRO_ID_LEN);
	t.a[VNITRO_A_EIP_ASSOCIATION_ID] = str("EIP_ASSOCIATION_ID", VNITRO_ID_LEN);
	t.a[VNITRO_A_PUBLIC_IP] = u32("PUBLIC_IP");
	t.a[VNITRO_A_EIP_ALLOW_REASSOCIATION] = { "EIP_ALLOW_REASSOCIATION", { NLA_FLAG, 0, 0 } };
	t.a[VNITRO_A_IPV6_CIDR_ADDR] = bytes("IPV6_CIDR_ADDR", 16);
	t.a[VNITRO_A_IPV6_CIDR_PREFIXLEN] = u8("IPV6_CIDR_PREFIXLEN");
	t.a[VNITRO_A_IPV6_ADDR] = bytes("IPV6_ADDR", 16);
	t.a[VNITRO_A_IPV6_COUNT] = u32("IPV6_COUNT");
	t.a[VNITRO_A_IPV6_ADDRS] = nested("IPV6_ADDRS");
	t.a[VNITRO_A_ASSIGN_IPV6_ON_CREATION] = u8("ASSIGN_IPV6_ON_CREATION");
	t.a[VNITRO_A_EGRESS_ONLY] = u8("EGRESS_ONLY");
	t.a[VNITRO_A_INBOUND_DROPPED] = u64("INBOUND_DROPPED");
	t.a[VNITRO_A_SVC_ADDR] = u32("SVC_ADDR");
	t.a[VNITRO_A_SVC_REQUESTS] = u64("SVC_REQUESTS");
	t.a[VNITRO_A_SVC_REPLIES] = u64("SVC_REPLIES");
	t.a[VNITRO_A_SVC_DROPPED] = u64("SVC_DROPPED");
	t.a[VNITRO_A_MD_HTTP_TOKENS] = u8("MD_HTTP_TOKENS");
	t.a[VNITRO_A_MD_HOP_LIMIT] = u8("MD_HOP_LIMIT");
	t.a[VNITRO_A_MD_ENDPOINT] = u8("MD_ENDPOINT");
	t.a[VNITRO_A_RATE_SCALE] = u32("RATE_SCALE");
	t.a[VNITRO_A_BURST_SECONDS] = u32("BURST_SECONDS");
	t.a[VNITRO_A_PATH_LOSS_PPM] = u32("PATH_LOSS_PPM");
	t.a[VNITRO_A_PATH_REORDER_PPM] = u32("PATH_REORDER_PPM");
	t.a[VNITRO_A_PATH_DELAY_US] = u32("PATH_DELAY_US");
	t.a[VNITRO_A_PATH_REORDER_DELAY_US] = u32("PATH_REORDER_DELAY_US");
	t.a[VNITRO_A_PATH_SEED] = u64("PATH_SEED");
	t.a[VNITRO_A_PATH_JITTER_US] = u32("PATH_JITTER_US");
	t.a[VNITRO_A_PATH_CONGESTION_PPM] = u32("PATH_CONGESTION_PPM");
	t.a[VNITRO_A_PATH_CONGESTION_DELAY_US] = u32("PATH_CONGESTION_DELAY_US");
	t.a[VNITRO_A_PATH_CONGESTION_LOSS_PPM] = u32("PATH_CONGESTION_LOSS_PPM");
	t.a[VNITRO_A_PATH_EPISODE_US] = u32("PATH_EPISODE_US");
	t.a[VNITRO_A_PATH_COUNT] = u32("PATH_COUNT");
	t.a[VNITRO_A_PATH_INDEX] = u32("PATH_INDEX");
	t.a[VNITRO_A_PATHS] = nested("PATHS");
	t.a[VNITRO_A_PATH_NODE_DELAY_US] = u32("PATH_NODE_DELAY_US");
	t.a[VNITRO_A_PATH_AZ_DELAY_US] = u32("PATH_AZ_DELAY_US");
	t.a[VNITRO_A_PG_NAME] = str("PG_NAME", VNITRO_PG_NAME_LEN);
	t.a[VNITRO_A_PG_ID] = str("PG_ID", VNITRO_ID_LEN);
	t.a[VNITRO_A_PG_STRATEGY] = u8("PG_STRATEGY");
	t.a[VNITRO_A_PG_PARTITION_COUNT] = u32("PG_PARTITION_COUNT");
	t.a[VNITRO_A_PG_SPREAD_LEVEL] = u8("PG_SPREAD_LEVEL");
	t.a[VNITRO_A_PG_INSTANCE_COUNT] = u32("PG_INSTANCE_COUNT");
	t.a[VNITRO_A_PG_PARTITION] = u32("PG_PARTITION");
	t.a[VNITRO_A_NETWORK_NODES] = nested("NETWORK_NODES");
	t.a[VNITRO_A_NETWORK_NODE] = str("NETWORK_NODE", VNITRO_ID_LEN);
	t.a[VNITRO_A_INSTANCE_HOST] = u32("INSTANCE_HOST");
	t.a[VNITRO_A_TUNNEL_DEV] = str("TUNNEL_DEV", IF_NAMESIZE);
	t.a[VNITRO_A_TUNNEL_TX_PACKETS] = u64("TUNNEL_TX_PACKETS");
	t.a[VNITRO_A_TUNNEL_TX_DROPPED] = u64("TUNNEL_TX_DROPPED");
	t.a[VNITRO_A_TUNNEL_RX_PACKETS] = u64("TUNNEL_RX_PACKETS");
	t.a[VNITRO_A_TUNNEL_RX_DROPPED] = u64("TUNNEL_RX_DROPPED");
	t.a[VNITRO_A_TUNNEL_LOCAL] = u32("TUNNEL_LOCAL");
	return t;
}

constexpr attr_table table = make_table();

/* libnl wants the policies as one array. */
struct policy_array {
	struct nla_policy p[VNITRO_A_MAX + 1];
};

constexpr policy_array make_policy()
{
	policy_array pa{};

	for (int i = 0; i <= VNITRO_A_MAX; i++)
		pa.p[i] = table.a[i].policy;
	return pa;
}

constexpr policy_array policy = make_policy();

/* The policy bounded the length, so this never truncates. */
template <size_t N>
void get_string(char (&dst)[N], struct nlattr **tb, int attr)
{
	if (tb[attr])
		nla_strlcpy(dst, tb[attr], N);
}

uint64_t get_u64(struct nlattr **tb, int attr)
{
	return tb[attr] ? nla_get_u64(tb[attr]) : 0;
}

uint8_t get_u8(struct nlattr **tb, int attr)
{
	return tb[attr] ? nla_get_u8(tb[attr]) : 0;
}

uint32_t get_u32(struct nlattr **tb, int attr)
{
	return tb[attr] ? nla_get_u32(tb[attr]) : 0;
}

void decode_type_fields(struct nlattr **tb, struct vnitro_type *t)
{
	get_string(t->name, tb, VNITRO_A_INSTANCE_TYPE);
	t->max_enis = get_u32(tb, VNITRO_A_MAX_ENIS);
	t->max_ips_per_eni = get_u32(tb, VNITRO_A_MAX_IPS_PER_ENI);
	t->max_queues = get_u32(tb, VNITRO_A_MAX_QUEUES);
	t->baseline_mbps = get_u32(tb, VNITRO_A_BASELINE_MBPS);
	t->efa = get_u8(tb, VNITRO_A_EFA_SUPPORTED);
	t->ena_express = get_u8(tb, VNITRO_A_ENA_EXPRESS_SUPPORTED);
	t->rss_key_configurable = get_u8(tb, VNITRO_A_RSS_KEY_CONFIGURABLE);
	t->adapter = get_u8(tb, VNITRO_A_ADAPTER);
	t->vcpus = get_u32(tb, VNITRO_A_VCPUS);
	t->peak_mbps = get_u32(tb, VNITRO_A_PEAK_MBPS);
	t->max_efas = get_u32(tb, VNITRO_A_MAX_EFAS);
	t->network_cards = get_u32(tb, VNITRO_A_NETWORK_CARDS);
	t->max_enis_per_card = get_u32(tb, VNITRO_A_MAX_ENIS_PER_CARD);
	if (tb[VNITRO_A_CONNTRACK_MAX])
		t->conntrack_max = nla_get_u64(tb[VNITRO_A_CONNTRACK_MAX]);
}

int decode_type(struct nlattr **tb, void *out)
{
	auto *t = static_cast<struct vnitro_type *>(out);

	if (!tb[VNITRO_A_INSTANCE_TYPE])
		return -EPROTO;
	decode_type_fields(tb, t);
	return 0;
}

/* The nests of an ENI: each entry of the one attribute type expected. */
int decode_eni_lists(struct nlattr **tb, struct vnitro_eni *e)
{
	struct nlattr *a;
	int rem;

	if (tb[VNITRO_A_SECONDARY_IPS]) {
		nla_for_each_nested(a, tb[VNITRO_A_SECONDARY_IPS], rem) {
			if (nla_type(a) != VNITRO_A_PRIVATE_IP || nla_len(a) != 4 ||
			    e->secondary_count == VNITRO_MAX_ENI_IPS - 1)
				return -EPROTO;
			e->secondary_ips[e->secondary_count++] = nla_get_u32(a);
		}
	}
	if (tb[VNITRO_A_IPV6_ADDRS]) {
		nla_for_each_nested(a, tb[VNITRO_A_IPV6_ADDRS], rem) {
			if (nla_type(a) != VNITRO_A_IPV6_ADDR || nla_len(a) != 16 ||
			    e->ipv6_count == VNITRO_MAX_ENI_IPV6)
				return -EPROTO;
			memcpy(e->ipv6[e->ipv6_count++], nla_data(a), 16);
		}
	}
	if (tb[VNITRO_A_SECURITY_GROUPS]) {
		nla_for_each_nested(a, tb[VNITRO_A_SECURITY_GROUPS], rem) {
			if (nla_type(a) != VNITRO_A_SECURITY_GROUP_ID || nla_len(a) < 1 ||
			    nla_len(a) > VNITRO_ID_LEN ||
			    e->security_group_count == VNITRO_MAX_SECURITY_GROUPS)
				return -EPROTO;
			nla_strlcpy(e->security_groups[e->security_group_count++], a,
				    VNITRO_ID_LEN);
		}
	}
	return 0;
}

void decode_cidr(struct nlattr **tb, uint32_t *addr, uint8_t *prefixlen)
{
	if (tb[VNITRO_A_CIDR_ADDR])
		*addr = nla_get_u32(tb[VNITRO_A_CIDR_ADDR]);
	if (tb[VNITRO_A_CIDR_PREFIXLEN])
		*prefixlen = nla_get_u8(tb[VNITRO_A_CIDR_PREFIXLEN]);
}

// An IPv6 block, when the object has one (the policy checked its length).
void decode_ipv6_cidr(struct nlattr **tb, uint8_t *addr, uint8_t *prefixlen)
{
	if (!tb[VNITRO_A_IPV6_CIDR_ADDR] || !tb[VNITRO_A_IPV6_CIDR_PREFIXLEN])
		return;
	memcpy(addr, nla_data(tb[VNITRO_A_IPV6_CIDR_ADDR]), 16);
	*prefixlen = nla_get_u8(tb[VNITRO_A_IPV6_CIDR_PREFIXLEN]);
}

// A rule's or a route's block: IPv4 (CIDR_*) or IPv6 (IPV6_CIDR_*, both attributes), never both.
int decode_any_block(struct nlattr **tb, uint8_t *ipv6, uint32_t *addr, uint8_t *addr6,
		     uint8_t *prefixlen)
{
	if (!tb[VNITRO_A_IPV6_CIDR_ADDR] && !tb[VNITRO_A_IPV6_CIDR_PREFIXLEN]) {
		decode_cidr(tb, addr, prefixlen);
		return 0;
	}
	if (tb[VNITRO_A_CIDR_ADDR] || tb[VNITRO_A_CIDR_PREFIXLEN] ||
	    !tb[VNITRO_A_IPV6_CIDR_ADDR] || !tb[VNITRO_A_IPV6_CIDR_PREFIXLEN] ||
	    nla_get_u8(tb[VNITRO_A_IPV6_CIDR_PREFIXLEN]) > 128)
		return -EPROTO;
	*ipv6 = 1;
	decode_ipv6_cidr(tb, addr6, prefixlen);
	return 0;
}

// A route's destination is a block as a rule's: IPv4 or IPv6, never both, never neither.
int decode_route(struct nlattr **tb, void *out)
{
	auto *r = static_cast<struct vnitro_route *>(out);

	if (!tb[VNITRO_A_SUBNET_ID] || (!tb[VNITRO_A_CIDR_ADDR] && !tb[VNITRO_A_IPV6_CIDR_ADDR]) ||
	    decode_any_block(tb, &r->ipv6, &r->addr, r->addr6, &r->prefixlen) < 0)
		return -EPROTO;
	get_string(r->subnet_id, tb, VNITRO_A_SUBNET_ID);
	r->target = get_u8(tb, VNITRO_A_ROUTE_TARGET);
	if (tb[VNITRO_A_ENI_ID])
		get_string(r->target_id, tb, VNITRO_A_ENI_ID);
	else
		get_string(r->target_id, tb, VNITRO_A_IGW_ID);
	get_string(r->status, tb, VNITRO_A_STATUS);
	return 0;
}

int decode_igw(struct nlattr **tb, void *out)
{
	auto *g = static_cast<struct vnitro_igw *>(out);

	if (!tb[VNITRO_A_IGW_ID])
		return -EPROTO;
	get_string(g->id, tb, VNITRO_A_IGW_ID);
	get_string(g->vpc_id, tb, VNITRO_A_VPC_ID);
	get_string(g->netns_name, tb, VNITRO_A_NETNS_NAME);
	if (tb[VNITRO_A_MAC])
		memcpy(g->mac, nla_data(tb[VNITRO_A_MAC]), VNITRO_MAC_LEN);
	g->frag_needed = get_u8(tb, VNITRO_A_FRAG_NEEDED);
	get_string(g->ifname, tb, VNITRO_A_IFNAME);
	if (tb[VNITRO_A_IFINDEX])
		g->ifindex = nla_get_u32(tb[VNITRO_A_IFINDEX]);
	g->egress_only = get_u8(tb, VNITRO_A_EGRESS_ONLY);	/* absent: an older module's igw */
	g->conntrack_tracked = get_u64(tb, VNITRO_A_CONNTRACK_TRACKED);
	g->conntrack_max = get_u64(tb, VNITRO_A_CONNTRACK_MAX);
	g->conntrack_allowance_exceeded = get_u64(tb, VNITRO_A_CONNTRACK_ALLOWANCE_EXCEEDED);
	g->inbound_dropped = get_u64(tb, VNITRO_A_INBOUND_DROPPED);
	return 0;
}

int decode_instance(struct nlattr **tb, void *out)
{
	auto *in = static_cast<struct vnitro_instance *>(out);

	if (!tb[VNITRO_A_INSTANCE_NAME])
		return -EPROTO;
	get_string(in->name, tb, VNITRO_A_INSTANCE_NAME);
	get_string(in->subnet_id, tb, VNITRO_A_SUBNET_ID);
	get_string(in->primary_eni_id, tb, VNITRO_A_PRIMARY_ENI_ID);
	get_string(in->az, tb, VNITRO_A_AZ);
	if (tb[VNITRO_A_ENI_COUNT])
		in->eni_count = nla_get_u32(tb[VNITRO_A_ENI_COUNT]);
	/* EC2's defaults where a reply has no options. */
	in->md_tokens = uint8_t(VNITRO_MD_TOKENS_OPTIONAL);
	in->md_hop_limit = uint8_t(VNITRO_MD_HOP_LIMIT_MIN);
	in->md_endpoint = 1;
	if (tb[VNITRO_A_MD_HTTP_TOKENS])
		in->md_tokens = nla_get_u8(tb[VNITRO_A_MD_HTTP_TOKENS]);
	if (tb[VNITRO_A_MD_HOP_LIMIT])
		in->md_hop_limit = nla_get_u8(tb[VNITRO_A_MD_HOP_LIMIT]);
	if (tb[VNITRO_A_MD_ENDPOINT])
		in->md_endpoint = nla_get_u8(tb[VNITRO_A_MD_ENDPOINT]);
	decode_type_fields(tb, &in->type);
	get_string(in->placement_group, tb, VNITRO_A_PG_NAME);
	get_string(in->placement_group_id, tb, VNITRO_A_PG_ID);
	in->partition = get_u32(tb, VNITRO_A_PG_PARTITION);
	if (tb[VNITRO_A_INSTANCE_HOST])
		in->host = nla_get_u32(tb[VNITRO_A_INSTANCE_HOST]);	/* network order */
	if (tb[VNITRO_A_NETWORK_NODES]) {
		struct nlattr *a;
		uint32_t n = 0;
		int rem;

		nla_for_each_nested(a, tb[VNITRO_A_NETWORK_NODES], rem) {
			if (nla_type(a) != VNITRO_A_NETWORK_NODE || nla_len(a) < 1 ||
			    nla_len(a) > VNITRO_ID_LEN || n == VNITRO_TOPOLOGY_LAYERS)
				return -EPROTO;
			nla_strlcpy(in->network_nodes[n++], a, VNITRO_ID_LEN);
		}
	}
	return 0;
}

int decode_pg(struct nlattr **tb, void *out)
{
	auto *g = static_cast<struct vnitro_placement_group *>(out);

	if (!tb[VNITRO_A_PG_NAME] || !tb[VNITRO_A_PG_ID] || !tb[VNITRO_A_PG_STRATEGY])
		return -EPROTO;
	get_string(g->name, tb, VNITRO_A_PG_NAME);
	get_string(g->id, tb, VNITRO_A_PG_ID);
	get_string(g->az, tb, VNITRO_A_AZ);
	g->strategy = nla_get_u8(tb[VNITRO_A_PG_STRATEGY]);
	g->partition_count = get_u32(tb, VNITRO_A_PG_PARTITION_COUNT);
	if (tb[VNITRO_A_PG_SPREAD_LEVEL])
		g->spread_level = nla_get_u8(tb[VNITRO_A_PG_SPREAD_LEVEL]);
	g->instance_count = get_u32(tb, VNITRO_A_PG_INSTANCE_COUNT);
	return 0;
}

int decode_attachment(struct nlattr **tb, struct vnitro_eni *e)
{
	e->device_index = -1;
	e->network_card = -1;
	if (!tb[VNITRO_A_DEVICE_INDEX])
		return 0;
	uint32_t index = nla_get_u32(tb[VNITRO_A_DEVICE_INDEX]);
	uint32_t card = get_u32(tb, VNITRO_A_NETWORK_CARD);
	if (index > INT32_MAX || card > INT32_MAX)
		return -EPROTO;
	e->device_index = int32_t(index);
	e->network_card = int32_t(card);
	get_string(e->instance, tb, VNITRO_A_INSTANCE_NAME);
	get_string(e->ifname, tb, VNITRO_A_IFNAME);
	e->tx_src_dst_dropped = get_u64(tb, VNITRO_A_TX_SRC_DST_DROPPED);
	e->rx_src_dst_dropped = get_u64(tb, VNITRO_A_RX_SRC_DST_DROPPED);
	e->sg_ingress_dropped = get_u64(tb, VNITRO_A_SG_INGRESS_DROPPED);
	e->sg_egress_dropped = get_u64(tb, VNITRO_A_SG_EGRESS_DROPPED);
	e->conntrack_allowance_exceeded = get_u64(tb, VNITRO_A_CONNTRACK_ALLOWANCE_EXCEEDED);
	e->conntrack_tracked = get_u64(tb, VNITRO_A_CONNTRACK_TRACKED);
	e->conntrack_max = get_u64(tb, VNITRO_A_CONNTRACK_MAX);
	get_string(e->pci_slot, tb, VNITRO_A_PCI_SLOT);
	e->adapter = get_u8(tb, VNITRO_A_ADAPTER);
	get_string(e->rdma_device, tb, VNITRO_A_RDMA_DEVICE);
	if (tb[VNITRO_A_IFINDEX])
		e->ifindex = nla_get_u32(tb[VNITRO_A_IFINDEX]);
	return 0;
}

int decode_eni(struct nlattr **tb, void *out)
{
	auto *e = static_cast<struct vnitro_eni *>(out);

	if (!tb[VNITRO_A_ENI_ID])
		return -EPROTO;
	get_string(e->id, tb, VNITRO_A_ENI_ID);
	get_string(e->subnet_id, tb, VNITRO_A_SUBNET_ID);
	get_string(e->vpc_id, tb, VNITRO_A_VPC_ID);
	get_string(e->status, tb, VNITRO_A_STATUS);
	if (tb[VNITRO_A_MAC])
		memcpy(e->mac, nla_data(tb[VNITRO_A_MAC]), VNITRO_MAC_LEN);
	/* Already in network order: copy the bytes, do not convert. */
	if (tb[VNITRO_A_PRIVATE_IP])
		e->private_ip = nla_get_u32(tb[VNITRO_A_PRIVATE_IP]);
	if (tb[VNITRO_A_ENI_TYPE])
		e->type = nla_get_u8(tb[VNITRO_A_ENI_TYPE]);
	if (tb[VNITRO_A_SOURCE_DEST_CHECK])
		e->source_dest_check =
			!!nla_get_u8(tb[VNITRO_A_SOURCE_DEST_CHECK]);
	e->ena_express = !!get_u8(tb, VNITRO_A_ENA_EXPRESS);
	e->ena_express_udp = !!get_u8(tb, VNITRO_A_ENA_EXPRESS_UDP);
	e->tcp_established_timeout = get_u32(tb, VNITRO_A_TCP_ESTABLISHED_TIMEOUT);
	e->udp_stream_timeout = get_u32(tb, VNITRO_A_UDP_STREAM_TIMEOUT);
	e->udp_timeout = get_u32(tb, VNITRO_A_UDP_TIMEOUT);
	get_string(e->description, tb, VNITRO_A_DESCRIPTION);
	/* Network order, as PRIVATE_IP. */
	e->svc_addr = get_u32(tb, VNITRO_A_SVC_ADDR);
	if (decode_eni_lists(tb, e) < 0)
		return -EPROTO;
	return decode_attachment(tb, e);
}

int decode_subnet(struct nlattr **tb, void *out)
{
	auto *s = static_cast<struct vnitro_subnet *>(out);

	if (!tb[VNITRO_A_SUBNET_ID])
		return -EPROTO;
	get_string(s->id, tb, VNITRO_A_SUBNET_ID);
	get_string(s->vpc_id, tb, VNITRO_A_VPC_ID);
	get_string(s->az, tb, VNITRO_A_AZ);
	get_string(s->nacl_id, tb, VNITRO_A_NACL_ID);
	decode_cidr(tb, &s->cidr_addr, &s->cidr_prefixlen);
	decode_ipv6_cidr(tb, s->ipv6_cidr, &s->ipv6_prefixlen);
	s->assign_ipv6_on_creation = !!get_u8(tb, VNITRO_A_ASSIGN_IPV6_ON_CREATION);
	return 0;
}

int decode_vpc(struct nlattr **tb, void *out)
{
	auto *v = static_cast<struct vnitro_vpc *>(out);

	if (!tb[VNITRO_A_VPC_ID])
		return -EPROTO;
	get_string(v->id, tb, VNITRO_A_VPC_ID);
	decode_cidr(tb, &v->cidr_addr, &v->cidr_prefixlen);
	decode_ipv6_cidr(tb, v->ipv6_cidr, &v->ipv6_prefixlen);
	return 0;
}

int decode_sg_rule(struct nlattr *nest, struct vnitro_sg_rule *r)
{
	struct nlattr *tb[VNITRO_A_MAX + 1] = {};

	if (nla_type(nest) != VNITRO_A_SG_RULE ||
	    nla_parse_nested(tb, VNITRO_A_MAX, nest, const_cast<nla_policy *>(policy.p)) < 0 ||
	    !tb[VNITRO_A_SG_DIRECTION] || !tb[VNITRO_A_SG_PROTOCOL])
		return -EPROTO;
	r->direction = nla_get_u8(tb[VNITRO_A_SG_DIRECTION]);
	r->protocol = nla_get_u16(tb[VNITRO_A_SG_PROTOCOL]);
	if (tb[VNITRO_A_SG_PORT_FROM] && tb[VNITRO_A_SG_PORT_TO]) {
		r->has_ports = 1;
		r->port_from = nla_get_u16(tb[VNITRO_A_SG_PORT_FROM]);
		r->port_to = nla_get_u16(tb[VNITRO_A_SG_PORT_TO]);
	}
	r->icmp_type = tb[VNITRO_A_SG_ICMP_TYPE] ? nla_get_u8(tb[VNITRO_A_SG_ICMP_TYPE]) : -1;
	r->icmp_code = tb[VNITRO_A_SG_ICMP_CODE] ? nla_get_u8(tb[VNITRO_A_SG_ICMP_CODE]) : -1;
	get_string(r->peer_id, tb, VNITRO_A_SG_PEER_ID);
	return decode_any_block(tb, &r->ipv6, &r->cidr_addr, r->cidr6, &r->cidr_prefixlen);
}

int decode_sg(struct nlattr **tb, void *out)
{
	auto *g = static_cast<struct vnitro_sg *>(out);
	struct nlattr *a;
	int rem;

	if (!tb[VNITRO_A_SECURITY_GROUP_ID])
		return -EPROTO;
	get_string(g->id, tb, VNITRO_A_SECURITY_GROUP_ID);
	get_string(g->vpc_id, tb, VNITRO_A_VPC_ID);
	get_string(g->name, tb, VNITRO_A_SG_NAME);
	get_string(g->description, tb, VNITRO_A_DESCRIPTION);
	if (!tb[VNITRO_A_SG_RULES])
		return 0;
	nla_for_each_nested(a, tb[VNITRO_A_SG_RULES], rem) {
		if (g->rule_count == 4 * VNITRO_MAX_SG_RULES ||
		    decode_sg_rule(a, &g->rules[g->rule_count++]) < 0)
			return -EPROTO;
	}
	return 0;
}

int decode_nacl_entry(struct nlattr *nest, struct vnitro_nacl_entry *e)
{
	struct nlattr *tb[VNITRO_A_MAX + 1] = {};

	if (nla_type(nest) != VNITRO_A_NACL_ENTRY ||
	    nla_parse_nested(tb, VNITRO_A_MAX, nest, const_cast<nla_policy *>(policy.p)) < 0 ||
	    !tb[VNITRO_A_SG_DIRECTION] || !tb[VNITRO_A_NACL_RULE_NUMBER] ||
	    !tb[VNITRO_A_NACL_RULE_ACTION] || !tb[VNITRO_A_SG_PROTOCOL])
		return -EPROTO;
	e->direction = nla_get_u8(tb[VNITRO_A_SG_DIRECTION]);
	e->number = nla_get_u16(tb[VNITRO_A_NACL_RULE_NUMBER]);
	e->action = nla_get_u8(tb[VNITRO_A_NACL_RULE_ACTION]);
	e->protocol = nla_get_u16(tb[VNITRO_A_SG_PROTOCOL]);
	if (tb[VNITRO_A_SG_PORT_FROM] && tb[VNITRO_A_SG_PORT_TO]) {
		e->has_ports = 1;
		e->port_from = nla_get_u16(tb[VNITRO_A_SG_PORT_FROM]);
		e->port_to = nla_get_u16(tb[VNITRO_A_SG_PORT_TO]);
	}
	e->icmp_type = tb[VNITRO_A_SG_ICMP_TYPE] ? nla_get_u8(tb[VNITRO_A_SG_ICMP_TYPE]) : -1;
	e->icmp_code = tb[VNITRO_A_SG_ICMP_CODE] ? nla_get_u8(tb[VNITRO_A_SG_ICMP_CODE]) : -1;
	return decode_any_block(tb, &e->ipv6, &e->cidr_addr, e->cidr6, &e->cidr_prefixlen);
}

int decode_nacl(struct nlattr **tb, void *out)
{
	auto *a = static_cast<struct vnitro_nacl *>(out);
	struct nlattr *n;
	int rem;

	if (!tb[VNITRO_A_NACL_ID])
		return -EPROTO;
	get_string(a->id, tb, VNITRO_A_NACL_ID);
	get_string(a->vpc_id, tb, VNITRO_A_VPC_ID);
	a->is_default = !!tb[VNITRO_A_NACL_DEFAULT];
	if (!tb[VNITRO_A_NACL_ENTRIES])
		return 0;
	nla_for_each_nested(n, tb[VNITRO_A_NACL_ENTRIES], rem) {
		if (a->entry_count == 4 * VNITRO_MAX_NACL_ENTRIES ||
		    decode_nacl_entry(n, &a->entries[a->entry_count++]) < 0)
			return -EPROTO;
	}
	return 0;
}

int decode_eip(struct nlattr **tb, void *out)
{
	auto *a = static_cast<struct vnitro_eip *>(out);

	if (!tb[VNITRO_A_EIP_ALLOCATION_ID])
		return -EPROTO;
	get_string(a->id, tb, VNITRO_A_EIP_ALLOCATION_ID);
	a->public_ip = get_u32(tb, VNITRO_A_PUBLIC_IP);
	get_string(a->association_id, tb, VNITRO_A_EIP_ASSOCIATION_ID);
	get_string(a->eni_id, tb, VNITRO_A_ENI_ID);
	get_string(a->vpc_id, tb, VNITRO_A_VPC_ID);
	a->private_ip = get_u32(tb, VNITRO_A_PRIVATE_IP);
	get_string(a->instance, tb, VNITRO_A_INSTANCE_NAME);
	return 0;
}

int decode_eip_pool(struct nlattr **tb, void *out)
{
	auto *p = static_cast<struct vnitro_eip_pool *>(out);

	if (!tb[VNITRO_A_CIDR_ADDR] || !tb[VNITRO_A_CIDR_PREFIXLEN])
		return -EPROTO;
	decode_cidr(tb, &p->addr, &p->prefixlen);
	return 0;
}

int decode_world(struct nlattr **tb, void *out)
{
	auto *w = static_cast<struct vnitro_world *>(out);

	if (!tb[VNITRO_A_RATE_SCALE] || !tb[VNITRO_A_BURST_SECONDS])
		return -EPROTO;
	w->rate_scale = get_u32(tb, VNITRO_A_RATE_SCALE);
	w->burst_seconds = get_u32(tb, VNITRO_A_BURST_SECONDS);
	return 0;
}

/* The fields a path has, the world's too: all of them, or -EPROTO. */
int decode_path_fields(struct nlattr **tb, uint32_t *loss_ppm, uint32_t *delay_us,
		       uint32_t *jitter_us, uint32_t *congestion_ppm,
		       uint32_t *congestion_delay_us, uint32_t *congestion_loss_ppm)
{
	if (!tb[VNITRO_A_PATH_LOSS_PPM] || !tb[VNITRO_A_PATH_DELAY_US] ||
	    !tb[VNITRO_A_PATH_JITTER_US] || !tb[VNITRO_A_PATH_CONGESTION_PPM] ||
	    !tb[VNITRO_A_PATH_CONGESTION_DELAY_US] || !tb[VNITRO_A_PATH_CONGESTION_LOSS_PPM])
		return -EPROTO;
	*loss_ppm = get_u32(tb, VNITRO_A_PATH_LOSS_PPM);
	*delay_us = get_u32(tb, VNITRO_A_PATH_DELAY_US);
	*jitter_us = get_u32(tb, VNITRO_A_PATH_JITTER_US);
	*congestion_ppm = get_u32(tb, VNITRO_A_PATH_CONGESTION_PPM);
	*congestion_delay_us = get_u32(tb, VNITRO_A_PATH_CONGESTION_DELAY_US);
	*congestion_loss_ppm = get_u32(tb, VNITRO_A_PATH_CONGESTION_LOSS_PPM);
	return 0;
}

/* One nest of PATHS (its type is the path's number plus one): its index and fields. */
int decode_one_path(struct nlattr *nest, struct vnitro_one_path *o)
{
	struct nlattr *tb[VNITRO_A_MAX + 1] = {};

	if (nla_parse_nested(tb, VNITRO_A_MAX, nest, const_cast<nla_policy *>(policy.p)) < 0 ||
	    !tb[VNITRO_A_PATH_INDEX])
		return -EPROTO;
	o->index = nla_get_u32(tb[VNITRO_A_PATH_INDEX]);
	if (o->index >= VNITRO_PATH_COUNT_MAX)
		return -EPROTO;
	return decode_path_fields(tb, &o->loss_ppm, &o->delay_us, &o->jitter_us,
				  &o->congestion_ppm, &o->congestion_delay_us,
				  &o->congestion_loss_ppm);
}

/* The world's model and every path in use: the model comes whole. */
int decode_path(struct nlattr **tb, void *out)
{
	auto *p = static_cast<struct vnitro_path *>(out);
	struct nlattr *a;
	int rem;

	if (!tb[VNITRO_A_PATH_REORDER_PPM] || !tb[VNITRO_A_PATH_REORDER_DELAY_US] ||
	    !tb[VNITRO_A_PATH_EPISODE_US] || !tb[VNITRO_A_PATH_COUNT] ||
	    !tb[VNITRO_A_PATH_SEED] || !tb[VNITRO_A_PATHS] ||
	    decode_path_fields(tb, &p->loss_ppm, &p->delay_us, &p->jitter_us, &p->congestion_ppm,
			       &p->congestion_delay_us, &p->congestion_loss_ppm))
		return -EPROTO;
	p->reorder_ppm = get_u32(tb, VNITRO_A_PATH_REORDER_PPM);
	p->reorder_delay_us = get_u32(tb, VNITRO_A_PATH_REORDER_DELAY_US);
	p->episode_us = get_u32(tb, VNITRO_A_PATH_EPISODE_US);
	p->paths = get_u32(tb, VNITRO_A_PATH_COUNT);
	p->seed = get_u64(tb, VNITRO_A_PATH_SEED);
	p->node_delay_us = get_u32(tb, VNITRO_A_PATH_NODE_DELAY_US);
	p->az_delay_us = get_u32(tb, VNITRO_A_PATH_AZ_DELAY_US);
	nla_for_each_nested(a, tb[VNITRO_A_PATHS], rem) {
		if (p->n_paths == VNITRO_PATH_COUNT_MAX ||
		    decode_one_path(a, &p->one[p->n_paths]) < 0 ||
		    p->one[p->n_paths].index != p->n_paths)
			return -EPROTO;
		p->n_paths++;
	}
	return 0;
}

int decode_services(struct nlattr **tb, void *out)
{
	auto *v = static_cast<struct vnitro_services *>(out);

	if (!tb[VNITRO_A_IFNAME])
		return -EPROTO;
	get_string(v->ifname, tb, VNITRO_A_IFNAME);
	get_string(v->netns_name, tb, VNITRO_A_NETNS_NAME);
	v->ifindex = get_u32(tb, VNITRO_A_IFINDEX);
	if (tb[VNITRO_A_MAC])
		memcpy(v->mac, nla_data(tb[VNITRO_A_MAC]), VNITRO_MAC_LEN);
	decode_cidr(tb, &v->alias_addr, &v->alias_prefixlen);
	v->requests = get_u64(tb, VNITRO_A_SVC_REQUESTS);
	v->replies = get_u64(tb, VNITRO_A_SVC_REPLIES);
	v->dropped = get_u64(tb, VNITRO_A_SVC_DROPPED);
	return 0;
}

int decode_tunnel(struct nlattr **tb, void *out)
{
	auto *t = static_cast<struct vnitro_tunnel *>(out);

	if (!tb[VNITRO_A_TUNNEL_DEV])
		return -EPROTO;
	get_string(t->dev, tb, VNITRO_A_TUNNEL_DEV);
	if (tb[VNITRO_A_TUNNEL_LOCAL])
		t->local = nla_get_u32(tb[VNITRO_A_TUNNEL_LOCAL]);	/* network order */
	t->tx_packets = get_u64(tb, VNITRO_A_TUNNEL_TX_PACKETS);
	t->tx_dropped = get_u64(tb, VNITRO_A_TUNNEL_TX_DROPPED);
	t->rx_packets = get_u64(tb, VNITRO_A_TUNNEL_RX_PACKETS);
	t->rx_dropped = get_u64(tb, VNITRO_A_TUNNEL_RX_DROPPED);
	return 0;
}

} // namespace

const struct decoder tunnel_decoder = {
	sizeof(struct vnitro_tunnel), decode_tunnel, "tunnel",
};
const struct decoder world_decoder = {
	sizeof(struct vnitro_world), decode_world, "world settings",
};
const struct decoder path_decoder = {
	sizeof(struct vnitro_path), decode_path, "path model",
};
const struct decoder services_decoder = {
	sizeof(struct vnitro_services), decode_services, "link-local services",
};
const struct decoder eip_decoder = {
	sizeof(struct vnitro_eip), decode_eip, "Elastic IP address",
};
const struct decoder eip_pool_decoder = {
	sizeof(struct vnitro_eip_pool), decode_eip_pool, "public pool",
};
const struct decoder nacl_decoder = {
	sizeof(struct vnitro_nacl), decode_nacl, "network ACL",
};
const struct decoder sg_decoder = {
	sizeof(struct vnitro_sg), decode_sg, "security group",
};
const struct decoder instance_decoder = {
	sizeof(struct vnitro_instance), decode_instance, "instance",
};
const struct decoder pg_decoder = {
	sizeof(struct vnitro_placement_group), decode_pg, "placement group",
};
const struct decoder eni_decoder = {
	sizeof(struct vnitro_eni), decode_eni, "ENI",
};
const struct decoder subnet_decoder = {
	sizeof(struct vnitro_subnet), decode_subnet, "subnet",
};
const struct decoder vpc_decoder = {
	sizeof(struct vnitro_vpc), decode_vpc, "VPC",
};
const struct decoder route_decoder = {
	sizeof(struct vnitro_route), decode_route, "route",
};
const struct decoder igw_decoder = {
	sizeof(struct vnitro_igw), decode_igw, "internet gateway",
};
const struct decoder type_decoder = {
	sizeof(struct vnitro_type), decode_type, "instance type",
};

int attrs_parse(struct nlmsghdr *nlh, struct nlattr **tb)
{
	return genlmsg_parse(nlh, 0, tb, VNITRO_A_MAX, policy.p);
}

const char *attrs_name(int attr)
{
	if (attr <= VNITRO_A_UNSPEC || attr > VNITRO_A_MAX)
		return nullptr;
	return table.a[attr].name;
}

size_t attrs_string_size(int attr)
{
	if (attr <= VNITRO_A_UNSPEC || attr > VNITRO_A_MAX ||
	    table.a[attr].policy.type != NLA_STRING)
		return 0;
	return table.a[attr].policy.maxlen;
}

} // namespace vnitro::lib
