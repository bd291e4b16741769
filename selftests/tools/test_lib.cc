// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of libvnitro that need no vnitro module: reply decoding and
 * extack parsing on synthetic messages, the request/ack/dump machinery
 * against the kernel's own "nlctrl" family, and the netns helpers inside a
 * private mount namespace with a tmpfs on /run.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>

#include <string>

#include <criterion/criterion.h>

#include "internal.h"

using namespace vnitro::lib;

/* ---- reply decoding ---- */

static struct nl_msg *reply_new(void)
{
	struct nl_msg *msg = nlmsg_alloc();

	cr_assert(msg);
	cr_assert(genlmsg_put(msg, 0, 0, 0x20, 0, 0, VNITRO_CMD_ENI_GET,
			      VNITRO_GENL_VERSION));
	return msg;
}

static int decode(struct nl_msg *msg, const struct decoder *dec, void *out)
{
	struct nlattr *tb[VNITRO_A_MAX + 1] = {};
	int rc = attrs_parse(nlmsg_hdr(msg), tb);

	if (!rc) {
		memset(out, 0, dec->size);
		rc = dec->decode(tb, out);
	}
	nlmsg_free(msg);
	return rc;
}

static void put_eni_base(struct nl_msg *msg)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x0a, 0x1b, 0x2c, 0x3d };

	nla_put_string(msg, VNITRO_A_ENI_ID, "eni-0a1b2c3d4e5f67890");
	nla_put_string(msg, VNITRO_A_SUBNET_ID, "subnet-default");
	nla_put_string(msg, VNITRO_A_VPC_ID, "vpc-default");
	nla_put(msg, VNITRO_A_MAC, 6, mac);
	nla_put_u32(msg, VNITRO_A_PRIVATE_IP, htonl(0xac1f0004));
	nla_put_u8(msg, VNITRO_A_ENI_TYPE, VNITRO_ENI_TYPE_EFA);
	nla_put_u8(msg, VNITRO_A_SOURCE_DEST_CHECK, 1);
	nla_put_string(msg, VNITRO_A_STATUS, "available");
}

Test(decode, eni_detached)
{
	struct nl_msg *msg = reply_new();
	struct vnitro_eni e;

	put_eni_base(msg);
	cr_assert_eq(decode(msg, &eni_decoder, &e), 0);
	cr_assert_str_eq(e.id, "eni-0a1b2c3d4e5f67890");
	cr_assert_str_eq(e.subnet_id, "subnet-default");
	cr_assert_str_eq(e.vpc_id, "vpc-default");
	cr_assert_eq(e.mac[0], 0x02);
	cr_assert_eq(e.mac[5], 0x3d);
	cr_assert_eq(e.private_ip, htonl(0xac1f0004));
	cr_assert_eq(e.type, VNITRO_ENI_TYPE_EFA);
	cr_assert_eq(e.source_dest_check, 1);
	cr_assert_str_eq(e.status, "available");
	cr_assert_eq(e.device_index, -1);
	cr_assert_str_eq(e.instance, "");
	cr_assert_eq(e.ifindex, 0u);
}

Test(decode, eni_attached)
{
	struct nl_msg *msg = reply_new();
	struct vnitro_eni e;

	put_eni_base(msg);
	nla_put_string(msg, VNITRO_A_INSTANCE_NAME, "i-host");
	nla_put_u32(msg, VNITRO_A_NETWORK_CARD, 2);
	nla_put_u32(msg, VNITRO_A_DEVICE_INDEX, 3);
	nla_put_string(msg, VNITRO_A_IFNAME, "eth3");
	nla_put_u32(msg, VNITRO_A_IFINDEX, 7);
	nla_put_string(msg, VNITRO_A_PCI_SLOT, "10000:00:03.0");
	cr_assert_eq(decode(msg, &eni_decoder, &e), 0);
	cr_assert_str_eq(e.instance, "i-host");
	cr_assert_eq(e.device_index, 3);
	cr_assert_eq(e.network_card, 2);
	cr_assert_str_eq(e.ifname, "eth3");
	cr_assert_eq(e.ifindex, 7u);
	cr_assert_str_eq(e.pci_slot, "10000:00:03.0");
}

Test(decode, eni_conntrack_timeouts)
{
	struct nl_msg *msg = reply_new();
	struct vnitro_eni e;

	put_eni_base(msg);
	cr_assert_eq(decode(msg, &eni_decoder, &e), 0);
	cr_assert_eq(e.udp_timeout, 0u, "a module without them: 0");
	msg = reply_new();	/* decode() freed the first */
	put_eni_base(msg);
	nla_put_u32(msg, VNITRO_A_TCP_ESTABLISHED_TIMEOUT, 432000);
	nla_put_u32(msg, VNITRO_A_UDP_STREAM_TIMEOUT, 120);
	nla_put_u32(msg, VNITRO_A_UDP_TIMEOUT, 60);
	cr_assert_eq(decode(msg, &eni_decoder, &e), 0);
	cr_assert_eq(e.tcp_established_timeout, 432000u);
	cr_assert_eq(e.udp_stream_timeout, 120u);
	cr_assert_eq(e.udp_timeout, 60u);
}

Test(decode, type_conntrack_max)
{
	struct nl_msg *msg = reply_new();
	struct vnitro_type t;

	nla_put_string(msg, VNITRO_A_INSTANCE_TYPE, "m5.large");
	nla_put_u32(msg, VNITRO_A_BASELINE_MBPS, 750);
	nla_put_u64(msg, VNITRO_A_CONNTRACK_MAX, 12000);
	cr_assert_eq(decode(msg, &type_decoder, &t), 0);
	cr_assert_str_eq(t.name, "m5.large");
	cr_assert_eq(t.conntrack_max, 12000u);
}

Test(decode, string_longer_than_its_field_is_refused)
{
	struct nl_msg *msg = reply_new();
	char id[VNITRO_ID_LEN + 1];
	struct vnitro_eni e;

	memset(id, 'a', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	nla_put_string(msg, VNITRO_A_ENI_ID, id);
	cr_assert_neq(decode(msg, &eni_decoder, &e), 0);
}

Test(decode, short_mac_is_refused)
{
	struct nl_msg *msg = reply_new();
	struct vnitro_eni e;

	nla_put_string(msg, VNITRO_A_ENI_ID, "eni-1");
	nla_put(msg, VNITRO_A_MAC, 5, "\x02\x00\x00\x00\x01");
	cr_assert_neq(decode(msg, &eni_decoder, &e), 0);
}

Test(decode, eni_without_id_is_refused)
{
	struct nl_msg *msg = reply_new();
	struct vnitro_eni e;

	nla_put_string(msg, VNITRO_A_SUBNET_ID, "subnet-default");
	cr_assert_eq(decode(msg, &eni_decoder, &e), -EPROTO);
}

Test(decode, instance)
{
	struct nl_msg *msg = reply_new();
	struct vnitro_instance in;

	nla_put_string(msg, VNITRO_A_INSTANCE_NAME, "web1");
	nla_put_string(msg, VNITRO_A_SUBNET_ID, "subnet-default");
	nla_put_string(msg, VNITRO_A_PRIMARY_ENI_ID, "eni-5");
	nla_put_u32(msg, VNITRO_A_ENI_COUNT, 2);
	nla_put_string(msg, VNITRO_A_AZ, "us-east-1a");
	cr_assert_eq(decode(msg, &instance_decoder, &in), 0);
	cr_assert_str_eq(in.name, "web1");
	cr_assert_str_eq(in.subnet_id, "subnet-default");
	cr_assert_str_eq(in.primary_eni_id, "eni-5");
	cr_assert_eq(in.eni_count, 2u);
	cr_assert_str_eq(in.az, "us-east-1a");
	cr_assert_str_eq(in.placement_group, "", "no placement group");
	cr_assert_eq(in.partition, 0u);
	cr_assert_str_eq(in.network_nodes[0], "", "a module without topology: no node");
}

/* An instance's reply with its placement group, partition and @nodes network nodes. */
static struct nl_msg *placed_instance_reply(int nodes)
{
	struct nl_msg *msg = reply_new();
	struct nlattr *nest;

	nla_put_string(msg, VNITRO_A_INSTANCE_NAME, "web1");
	nla_put_string(msg, VNITRO_A_SUBNET_ID, "subnet-default");
	nla_put_string(msg, VNITRO_A_PRIMARY_ENI_ID, "eni-5");
	nla_put_string(msg, VNITRO_A_AZ, "us-east-1a");
	nla_put_string(msg, VNITRO_A_PG_NAME, "parts");
	nla_put_string(msg, VNITRO_A_PG_ID, "pg-0123456789abcdef0");
	nla_put_u32(msg, VNITRO_A_PG_PARTITION, 3);
	nest = nla_nest_start(msg, VNITRO_A_NETWORK_NODES);
	for (int i = 0; i < nodes; i++) {
		char id[VNITRO_ID_LEN];

		snprintf(id, sizeof(id), "nn-%017x", i + 1);
		nla_put_string(msg, VNITRO_A_NETWORK_NODE, id);
	}
	nla_nest_end(msg, nest);
	return msg;
}

Test(decode, instance_placement_and_network_nodes)
{
	struct vnitro_instance in;

	cr_assert_eq(decode(placed_instance_reply(3), &instance_decoder, &in), 0);
	cr_assert_str_eq(in.placement_group, "parts");
	cr_assert_str_eq(in.placement_group_id, "pg-0123456789abcdef0");
	cr_assert_eq(in.partition, 3u);
	cr_assert_str_eq(in.network_nodes[0], "nn-00000000000000001", "top layer first");
	cr_assert_str_eq(in.network_nodes[2], "nn-00000000000000003");
}

Test(decode, more_network_nodes_than_layers_are_refused)
{
	struct vnitro_instance in;

	cr_assert_eq(decode(placed_instance_reply(VNITRO_TOPOLOGY_LAYERS + 1), &instance_decoder, &in),
		     -EPROTO);
}

Test(decode, placement_group)
{
	struct nl_msg *msg = reply_new();
	struct vnitro_placement_group g;

	nla_put_string(msg, VNITRO_A_PG_NAME, "hpc");
	nla_put_string(msg, VNITRO_A_PG_ID, "pg-0123456789abcdef0");
	nla_put_u8(msg, VNITRO_A_PG_STRATEGY, VNITRO_PG_CLUSTER);
	nla_put_u32(msg, VNITRO_A_PG_INSTANCE_COUNT, 2);
	nla_put_string(msg, VNITRO_A_AZ, "us-east-1a");
	cr_assert_eq(decode(msg, &pg_decoder, &g), 0);
	cr_assert_str_eq(g.name, "hpc");
	cr_assert_str_eq(g.id, "pg-0123456789abcdef0");
	cr_assert_eq(g.strategy, VNITRO_PG_CLUSTER);
	cr_assert_eq(g.partition_count, 0u);
	cr_assert_eq(g.spread_level, 0);
	cr_assert_eq(g.instance_count, 2u);
	cr_assert_str_eq(g.az, "us-east-1a");

	msg = reply_new();
	nla_put_string(msg, VNITRO_A_PG_NAME, "parts");
	nla_put_string(msg, VNITRO_A_PG_ID, "pg-0123456789abcdef1");
	nla_put_u8(msg, VNITRO_A_PG_STRATEGY, VNITRO_PG_PARTITION);
	nla_put_u32(msg, VNITRO_A_PG_PARTITION_COUNT, 7);
	cr_assert_eq(decode(msg, &pg_decoder, &g), 0);
	cr_assert_eq(g.partition_count, 7u);
	cr_assert_str_eq(g.az, "", "no zone but a cluster group's");
}

Test(decode, placement_group_without_id_or_strategy_is_refused)
{
	struct nl_msg *msg = reply_new();
	struct vnitro_placement_group g;

	nla_put_string(msg, VNITRO_A_PG_NAME, "hpc");
	nla_put_u8(msg, VNITRO_A_PG_STRATEGY, VNITRO_PG_CLUSTER);
	cr_assert_eq(decode(msg, &pg_decoder, &g), -EPROTO);
	msg = reply_new();
	nla_put_string(msg, VNITRO_A_PG_NAME, "hpc");
	nla_put_string(msg, VNITRO_A_PG_ID, "pg-0123456789abcdef0");
	cr_assert_eq(decode(msg, &pg_decoder, &g), -EPROTO);
}

static void put_rule(struct nl_msg *msg, uint8_t direction, uint16_t protocol, uint16_t port,
		     const char *peer)
{
	struct nlattr *rule = nla_nest_start(msg, VNITRO_A_SG_RULE);

	nla_put_u8(msg, VNITRO_A_SG_DIRECTION, direction);
	nla_put_u16(msg, VNITRO_A_SG_PROTOCOL, protocol);
	if (port) {
		nla_put_u16(msg, VNITRO_A_SG_PORT_FROM, port);
		nla_put_u16(msg, VNITRO_A_SG_PORT_TO, port);
	}
	if (peer) {
		nla_put_string(msg, VNITRO_A_SG_PEER_ID, peer);
	} else {
		nla_put_u32(msg, VNITRO_A_CIDR_ADDR, htonl(0xcb007100));
		nla_put_u8(msg, VNITRO_A_CIDR_PREFIXLEN, 24);
	}
	nla_nest_end(msg, rule);
}

/* A group's reply with @rules tcp rules from port @first_port (120 rules need more than a page). */
static struct nl_msg *sg_reply(const char *id, int rules, uint16_t first_port)
{
	struct nl_msg *msg = nlmsg_alloc_size(64 * 1024);
	struct nlattr *nest;

	cr_assert(msg);
	cr_assert(genlmsg_put(msg, 0, 0, 0x20, 0, 0, VNITRO_CMD_SG_GET, VNITRO_GENL_VERSION));
	nla_put_string(msg, VNITRO_A_SECURITY_GROUP_ID, id);
	nla_put_string(msg, VNITRO_A_VPC_ID, "vpc-default");
	nla_put_string(msg, VNITRO_A_SG_NAME, "web");
	nla_put_string(msg, VNITRO_A_DESCRIPTION, "web servers");
	nest = nla_nest_start(msg, VNITRO_A_SG_RULES);
	for (int i = 0; i < rules; i++)
		put_rule(msg, VNITRO_SG_INGRESS, 6, uint16_t(first_port + i), nullptr);
	cr_assert_eq(nla_nest_end(msg, nest), 0);
	return msg;
}

Test(decode, security_group_and_its_rules)
{
	struct nl_msg *msg = reply_new();
	static struct vnitro_sg g;
	struct nlattr *nest;

	nla_put_string(msg, VNITRO_A_SECURITY_GROUP_ID, "sg-1");
	nla_put_string(msg, VNITRO_A_VPC_ID, "vpc-default");
	nla_put_string(msg, VNITRO_A_SG_NAME, "web");
	nla_put_string(msg, VNITRO_A_DESCRIPTION, "");
	nest = nla_nest_start(msg, VNITRO_A_SG_RULES);
	put_rule(msg, VNITRO_SG_INGRESS, 6, 22, nullptr);
	put_rule(msg, VNITRO_SG_EGRESS, VNITRO_SG_PROTO_ALL, 0, "sg-2");
	nla_nest_end(msg, nest);
	cr_assert_eq(decode(msg, &sg_decoder, &g), 0);
	cr_assert_str_eq(g.id, "sg-1");
	cr_assert_str_eq(g.name, "web");
	cr_assert_eq(g.rule_count, 2u);
	cr_assert_eq(g.rules[0].has_ports, 1);
	cr_assert_eq(g.rules[0].port_to, 22);
	cr_assert_eq(g.rules[0].cidr_prefixlen, 24);
	cr_assert_eq(g.rules[0].icmp_type, -1, "absent: any");
	cr_assert_eq(g.rules[1].direction, VNITRO_SG_EGRESS);
	cr_assert_eq(g.rules[1].protocol, VNITRO_SG_PROTO_ALL);
	cr_assert_str_eq(g.rules[1].peer_id, "sg-2");
}

Test(decode, rule_without_a_protocol_is_refused)
{
	struct nl_msg *msg = reply_new();
	static struct vnitro_sg g;
	struct nlattr *nest, *rule;

	nla_put_string(msg, VNITRO_A_SECURITY_GROUP_ID, "sg-1");
	nest = nla_nest_start(msg, VNITRO_A_SG_RULES);
	rule = nla_nest_start(msg, VNITRO_A_SG_RULE);
	nla_put_u8(msg, VNITRO_A_SG_DIRECTION, VNITRO_SG_INGRESS);
	nla_nest_end(msg, rule);
	nla_nest_end(msg, nest);
	cr_assert_eq(decode(msg, &sg_decoder, &g), -EPROTO);
}

Test(decode, more_rules_than_a_group_has_are_refused)
{
	static struct vnitro_sg g;

	/* Per direction, VNITRO_MAX_SG_RULES for IPv4 and as many for IPv6. */
	cr_assert_eq(decode(sg_reply("sg-1", 4 * VNITRO_MAX_SG_RULES, 1), &sg_decoder, &g), 0);
	cr_assert_eq(g.rule_count, 4u * VNITRO_MAX_SG_RULES);
	cr_assert_eq(decode(sg_reply("sg-1", 4 * VNITRO_MAX_SG_RULES + 1, 1), &sg_decoder, &g),
		     -EPROTO);
}

static const uint8_t net6[16] = { 0x26, 0x00, 0x1f, 0x18, 0xab, 0xcd, 0x12, 0x00 };

/* An IPv6 block in a rule's nest: IPV6_CIDR_ADDR and IPV6_CIDR_PREFIXLEN. */
static void put_block6(struct nl_msg *msg, const uint8_t *addr, uint8_t prefixlen)
{
	nla_put(msg, VNITRO_A_IPV6_CIDR_ADDR, 16, addr);
	nla_put_u8(msg, VNITRO_A_IPV6_CIDR_PREFIXLEN, prefixlen);
}

/* Group sg-1 with one ingress rule of @protocol whose block put_block() puts. */
static struct nl_msg *sg_reply_with(uint16_t protocol, void (*put_block)(struct nl_msg *msg))
{
	struct nl_msg *msg = reply_new();
	struct nlattr *nest, *rule;

	nla_put_string(msg, VNITRO_A_SECURITY_GROUP_ID, "sg-1");
	nest = nla_nest_start(msg, VNITRO_A_SG_RULES);
	rule = nla_nest_start(msg, VNITRO_A_SG_RULE);
	nla_put_u8(msg, VNITRO_A_SG_DIRECTION, VNITRO_SG_INGRESS);
	nla_put_u16(msg, VNITRO_A_SG_PROTOCOL, protocol);
	if (protocol == 58)
		nla_put_u8(msg, VNITRO_A_SG_ICMP_TYPE, 128);
	put_block(msg);
	nla_nest_end(msg, rule);
	nla_nest_end(msg, nest);
	return msg;
}

/* The blocks the rules below name, good and bad. */
static void block_net6(struct nl_msg *msg)
{
	put_block6(msg, net6, 56);
}

static void block_all6(struct nl_msg *msg)
{
	static const uint8_t any[16] = {};

	put_block6(msg, any, 0);
}

static void block_both(struct nl_msg *msg)
{
	put_block6(msg, net6, 56);
	nla_put_u32(msg, VNITRO_A_CIDR_ADDR, htonl(0x0a000000));
	nla_put_u8(msg, VNITRO_A_CIDR_PREFIXLEN, 8);
}

static void block_no_length6(struct nl_msg *msg)
{
	nla_put(msg, VNITRO_A_IPV6_CIDR_ADDR, 16, net6);
}

static void block_129(struct nl_msg *msg)
{
	put_block6(msg, net6, 129);
}

Test(decode, sg_rule_with_an_ipv6_block)
{
	static struct vnitro_sg g;

	cr_assert_eq(decode(sg_reply_with(58, block_net6), &sg_decoder, &g), 0);
	cr_assert_eq(g.rule_count, 1u);
	cr_assert_eq(g.rules[0].protocol, 58);
	cr_assert_eq(g.rules[0].icmp_type, 128);
	cr_assert_eq(g.rules[0].icmp_code, -1);
	cr_assert_eq(g.rules[0].ipv6, 1);
	cr_assert_arr_eq(g.rules[0].cidr6, net6, 16);
	cr_assert_eq(g.rules[0].cidr_prefixlen, 56);
	cr_assert_eq(g.rules[0].cidr_addr, 0u);
	/* ::/0, the kernel's "allow all IPv6 out": a block all the same. */
	cr_assert_eq(decode(sg_reply_with(VNITRO_SG_PROTO_ALL, block_all6), &sg_decoder, &g), 0);
	cr_assert_eq(g.rules[0].ipv6, 1);
	cr_assert_eq(g.rules[0].cidr_prefixlen, 0);
	/* An IPv4 rule says so. */
	cr_assert_eq(decode(sg_reply("sg-1", 1, 22), &sg_decoder, &g), 0);
	cr_assert_eq(g.rules[0].ipv6, 0);
}

Test(decode, sg_rule_with_two_blocks_or_half_of_one_is_refused)
{
	static struct vnitro_sg g;

	cr_assert_eq(decode(sg_reply_with(6, block_both), &sg_decoder, &g), -EPROTO);
	cr_assert_eq(decode(sg_reply_with(6, block_no_length6), &sg_decoder, &g), -EPROTO);
	cr_assert_eq(decode(sg_reply_with(6, block_129), &sg_decoder, &g), -EPROTO);
}

static void put_nacl_entry(struct nl_msg *msg, uint8_t direction, uint16_t number,
			   uint8_t action, uint16_t protocol)
{
	struct nlattr *e = nla_nest_start(msg, VNITRO_A_NACL_ENTRY);

	nla_put_u8(msg, VNITRO_A_SG_DIRECTION, direction);
	nla_put_u16(msg, VNITRO_A_NACL_RULE_NUMBER, number);
	nla_put_u8(msg, VNITRO_A_NACL_RULE_ACTION, action);
	nla_put_u16(msg, VNITRO_A_SG_PROTOCOL, protocol);
	if (protocol == 1) {
		nla_put_u8(msg, VNITRO_A_SG_ICMP_TYPE, 3);
		nla_put_u8(msg, VNITRO_A_SG_ICMP_CODE, 4);
	}
	nla_put_u32(msg, VNITRO_A_CIDR_ADDR, htonl(0x0a000000));
	nla_put_u8(msg, VNITRO_A_CIDR_PREFIXLEN, 8);
	nla_nest_end(msg, e);
}

Test(decode, nacl_with_entries)
{
	struct nl_msg *msg = reply_new();
	static struct vnitro_nacl a;
	struct nlattr *nest;

	nla_put_string(msg, VNITRO_A_NACL_ID, "acl-1");
	nla_put_string(msg, VNITRO_A_VPC_ID, "vpc-default");
	nla_put_flag(msg, VNITRO_A_NACL_DEFAULT);
	nest = nla_nest_start(msg, VNITRO_A_NACL_ENTRIES);
	put_nacl_entry(msg, VNITRO_SG_INGRESS, 90, VNITRO_NACL_ALLOW, 1);
	put_nacl_entry(msg, VNITRO_SG_EGRESS, 32766, VNITRO_NACL_DENY, VNITRO_SG_PROTO_ALL);
	nla_nest_end(msg, nest);
	cr_assert_eq(decode(msg, &nacl_decoder, &a), 0);
	cr_assert_str_eq(a.id, "acl-1");
	cr_assert_str_eq(a.vpc_id, "vpc-default");
	cr_assert_eq(a.is_default, 1);
	cr_assert_eq(a.entry_count, 2u);
	cr_assert_eq(a.entries[0].number, 90);
	cr_assert_eq(a.entries[0].action, VNITRO_NACL_ALLOW);
	cr_assert_eq(a.entries[0].icmp_type, 3);
	cr_assert_eq(a.entries[0].icmp_code, 4);
	cr_assert_eq(a.entries[0].has_ports, 0);
	cr_assert_eq(a.entries[0].cidr_prefixlen, 8);
	cr_assert_eq(a.entries[1].direction, VNITRO_SG_EGRESS);
	cr_assert_eq(a.entries[1].number, 32766);
	cr_assert_eq(a.entries[1].action, VNITRO_NACL_DENY);
	cr_assert_eq(a.entries[1].icmp_type, -1, "absent: any");
}

Test(decode, nacl_entry_with_an_ipv6_block)
{
	struct nl_msg *msg = reply_new();
	static struct vnitro_nacl a;
	struct nlattr *nest, *e;

	nla_put_string(msg, VNITRO_A_NACL_ID, "acl-1");
	nest = nla_nest_start(msg, VNITRO_A_NACL_ENTRIES);
	put_nacl_entry(msg, VNITRO_SG_INGRESS, 100, VNITRO_NACL_ALLOW, VNITRO_SG_PROTO_ALL);
	e = nla_nest_start(msg, VNITRO_A_NACL_ENTRY);
	nla_put_u8(msg, VNITRO_A_SG_DIRECTION, VNITRO_SG_INGRESS);
	nla_put_u16(msg, VNITRO_A_NACL_RULE_NUMBER, 101);
	nla_put_u8(msg, VNITRO_A_NACL_RULE_ACTION, VNITRO_NACL_DENY);
	nla_put_u16(msg, VNITRO_A_SG_PROTOCOL, 58);
	nla_put_u8(msg, VNITRO_A_SG_ICMP_TYPE, 135);
	nla_put_u8(msg, VNITRO_A_SG_ICMP_CODE, 0);
	put_block6(msg, net6, 64);
	nla_nest_end(msg, e);
	nla_nest_end(msg, nest);
	cr_assert_eq(decode(msg, &nacl_decoder, &a), 0);
	cr_assert_eq(a.entry_count, 2u);
	cr_assert_eq(a.entries[0].ipv6, 0);
	cr_assert_eq(a.entries[0].cidr_prefixlen, 8);
	cr_assert_eq(a.entries[1].number, 101);
	cr_assert_eq(a.entries[1].protocol, 58);
	cr_assert_eq(a.entries[1].icmp_type, 135);
	cr_assert_eq(a.entries[1].icmp_code, 0);
	cr_assert_eq(a.entries[1].ipv6, 1);
	cr_assert_arr_eq(a.entries[1].cidr6, net6, 16);
	cr_assert_eq(a.entries[1].cidr_prefixlen, 64);
}

Test(decode, nacl_entry_without_a_number_is_refused)
{
	struct nl_msg *msg = reply_new();
	static struct vnitro_nacl a;
	struct nlattr *nest, *e;

	nla_put_string(msg, VNITRO_A_NACL_ID, "acl-1");
	nest = nla_nest_start(msg, VNITRO_A_NACL_ENTRIES);
	e = nla_nest_start(msg, VNITRO_A_NACL_ENTRY);
	nla_put_u8(msg, VNITRO_A_SG_DIRECTION, VNITRO_SG_INGRESS);
	nla_put_u8(msg, VNITRO_A_NACL_RULE_ACTION, VNITRO_NACL_ALLOW);
	nla_put_u16(msg, VNITRO_A_SG_PROTOCOL, 6);
	nla_nest_end(msg, e);
	nla_nest_end(msg, nest);
	cr_assert_eq(decode(msg, &nacl_decoder, &a), -EPROTO);
}

Test(decode, subnet_names_its_nacl)
{
	struct nl_msg *msg = reply_new();
	struct vnitro_subnet sn = {};

	nla_put_string(msg, VNITRO_A_SUBNET_ID, "subnet-b");
	nla_put_string(msg, VNITRO_A_NACL_ID, "acl-0123456789abcdef0");
	cr_assert_eq(decode(msg, &subnet_decoder, &sn), 0);
	cr_assert_str_eq(sn.nacl_id, "acl-0123456789abcdef0");
}

Test(decode, eip_associated_and_not)
{
	struct nl_msg *msg = reply_new();
	struct vnitro_eip a;

	nla_put_string(msg, VNITRO_A_EIP_ALLOCATION_ID, "eipalloc-0123456789abcdef0");
	nla_put_u32(msg, VNITRO_A_PUBLIC_IP, htonl(0xcb007101));
	nla_put_string(msg, VNITRO_A_EIP_ASSOCIATION_ID, "eipassoc-0123456789abcdef0");
	nla_put_string(msg, VNITRO_A_ENI_ID, "eni-1");
	nla_put_string(msg, VNITRO_A_VPC_ID, "vpc-default");
	nla_put_u32(msg, VNITRO_A_PRIVATE_IP, htonl(0xac1f0004));
	nla_put_string(msg, VNITRO_A_INSTANCE_NAME, "i-a");
	cr_assert_eq(decode(msg, &eip_decoder, &a), 0);
	cr_assert_str_eq(a.id, "eipalloc-0123456789abcdef0");
	cr_assert_eq(ntohl(a.public_ip), 0xcb007101u);
	cr_assert_str_eq(a.association_id, "eipassoc-0123456789abcdef0");
	cr_assert_str_eq(a.eni_id, "eni-1");
	cr_assert_str_eq(a.vpc_id, "vpc-default");
	cr_assert_eq(ntohl(a.private_ip), 0xac1f0004u);
	cr_assert_str_eq(a.instance, "i-a");

	msg = reply_new();
	nla_put_string(msg, VNITRO_A_EIP_ALLOCATION_ID, "eipalloc-2");
	nla_put_u32(msg, VNITRO_A_PUBLIC_IP, htonl(0xcb007102));
	cr_assert_eq(decode(msg, &eip_decoder, &a), 0);
	cr_assert_str_empty(a.association_id);
	cr_assert_str_empty(a.eni_id);
	cr_assert_eq(a.private_ip, 0u);
}

Test(decode, eip_without_an_allocation_id_is_refused)
{
	struct nl_msg *msg = reply_new();
	struct vnitro_eip a;

	nla_put_u32(msg, VNITRO_A_PUBLIC_IP, htonl(0xcb007101));
	cr_assert_eq(decode(msg, &eip_decoder, &a), -EPROTO);
}

Test(decode, eip_pool)
{
	struct nl_msg *msg = reply_new();
	struct vnitro_eip_pool p;

	nla_put_u32(msg, VNITRO_A_CIDR_ADDR, htonl(0xcb007100));
	nla_put_u8(msg, VNITRO_A_CIDR_PREFIXLEN, 24);
	cr_assert_eq(decode(msg, &eip_pool_decoder, &p), 0);
	cr_assert_eq(ntohl(p.addr), 0xcb007100u);
	cr_assert_eq(p.prefixlen, 24);
	msg = reply_new();
	nla_put_u32(msg, VNITRO_A_CIDR_ADDR, htonl(0xcb007100));
	cr_assert_eq(decode(msg, &eip_pool_decoder, &p), -EPROTO, "a pool needs its length");
}

Test(decode, world)
{
	struct nl_msg *msg = reply_new();
	struct vnitro_world w;

	nla_put_u32(msg, VNITRO_A_RATE_SCALE, 1000);
	nla_put_u32(msg, VNITRO_A_BURST_SECONDS, 60);
	cr_assert_eq(decode(msg, &world_decoder, &w), 0);
	cr_assert_eq(w.rate_scale, 1000u);
	cr_assert_eq(w.burst_seconds, 60u);
	msg = reply_new();
	nla_put_u32(msg, VNITRO_A_RATE_SCALE, 1000);
	cr_assert_eq(decode(msg, &world_decoder, &w), -EPROTO, "the settings come together");
}

/* A path model's world, as PATH_GET replies it, the nest of paths left open for them. */
static struct nlattr *put_path_world(struct nl_msg *msg, uint32_t paths)
{
	nla_put_u32(msg, VNITRO_A_PATH_LOSS_PPM, 1000);
	nla_put_u32(msg, VNITRO_A_PATH_REORDER_PPM, 0);
	nla_put_u32(msg, VNITRO_A_PATH_DELAY_US, 50);
	nla_put_u32(msg, VNITRO_A_PATH_REORDER_DELAY_US, 1000);
	nla_put_u32(msg, VNITRO_A_PATH_JITTER_US, 7);
	nla_put_u32(msg, VNITRO_A_PATH_CONGESTION_PPM, 20000);
	nla_put_u32(msg, VNITRO_A_PATH_CONGESTION_DELAY_US, 300);
	nla_put_u32(msg, VNITRO_A_PATH_CONGESTION_LOSS_PPM, 5000);
	nla_put_u32(msg, VNITRO_A_PATH_EPISODE_US, 10000);
	nla_put_u32(msg, VNITRO_A_PATH_COUNT, paths);
	nla_put(msg, VNITRO_A_PAD, 0, nullptr);	/* as nla_put_u64_64bit() may align it */
	nla_put_u64(msg, VNITRO_A_PATH_SEED, UINT64_MAX);
	return nla_nest_start(msg, VNITRO_A_PATHS);
}

/* Path @index, nest type index + 1 as the kernel numbers them; its delay @delay_us, the rest 0. */
static void put_one_path(struct nl_msg *msg, uint32_t index, uint32_t delay_us)
{
	struct nlattr *one = nla_nest_start(msg, int(index) + 1);

	nla_put_u32(msg, VNITRO_A_PATH_INDEX, index);
	nla_put_u32(msg, VNITRO_A_PATH_LOSS_PPM, 0);
	nla_put_u32(msg, VNITRO_A_PATH_DELAY_US, delay_us);
	nla_put_u32(msg, VNITRO_A_PATH_JITTER_US, 0);
	nla_put_u32(msg, VNITRO_A_PATH_CONGESTION_PPM, 0);
	nla_put_u32(msg, VNITRO_A_PATH_CONGESTION_DELAY_US, 0);
	nla_put_u32(msg, VNITRO_A_PATH_CONGESTION_LOSS_PPM, index);
	nla_nest_end(msg, one);
}

Test(decode, path)
{
	struct nl_msg *msg = reply_new();
	struct vnitro_path m;
	struct nlattr *paths;

	paths = put_path_world(msg, 3);
	for (uint32_t i = 0; i < 3; i++)
		put_one_path(msg, i, i == 1 ? 5000 : 50);
	nla_nest_end(msg, paths);
	cr_assert_eq(decode(msg, &path_decoder, &m), 0);
	cr_assert_eq(m.loss_ppm, 1000u);
	cr_assert_eq(m.reorder_ppm, 0u);
	cr_assert_eq(m.delay_us, 50u);
	cr_assert_eq(m.reorder_delay_us, 1000u);
	cr_assert_eq(m.jitter_us, 7u);
	cr_assert_eq(m.congestion_ppm, 20000u);
	cr_assert_eq(m.congestion_delay_us, 300u);
	cr_assert_eq(m.congestion_loss_ppm, 5000u);
	cr_assert_eq(m.episode_us, 10000u);
	cr_assert_eq(m.paths, 3u);
	cr_assert_eq(m.seed, UINT64_MAX);
	cr_assert_eq(m.n_paths, 3u, "one entry per nest");
	for (uint32_t i = 0; i < 3; i++) {
		cr_assert_eq(m.one[i].index, i);
		cr_assert_eq(m.one[i].delay_us, i == 1 ? 5000u : 50u);
		cr_assert_eq(m.one[i].congestion_loss_ppm, i);
	}
	cr_assert_eq(m.one[3].index, 0u, "past the paths in use: untouched");
}

Test(decode, path_placement_delays)
{
	struct nl_msg *msg = reply_new();
	struct vnitro_path m;
	struct nlattr *paths;

	nla_put_u32(msg, VNITRO_A_PATH_NODE_DELAY_US, 5);
	nla_put_u32(msg, VNITRO_A_PATH_AZ_DELAY_US, 700);
	paths = put_path_world(msg, 1);
	put_one_path(msg, 0, 50);
	nla_nest_end(msg, paths);
	cr_assert_eq(decode(msg, &path_decoder, &m), 0);
	cr_assert_eq(m.node_delay_us, 5u);
	cr_assert_eq(m.az_delay_us, 700u);
}

Test(decode, path_comes_whole)
{
	struct nl_msg *msg = reply_new();
	struct vnitro_path m;

	nla_put_u32(msg, VNITRO_A_PATH_LOSS_PPM, 0);
	nla_put_u32(msg, VNITRO_A_PATH_REORDER_PPM, 0);
	nla_put_u32(msg, VNITRO_A_PATH_DELAY_US, 0);
	nla_put_u32(msg, VNITRO_A_PATH_REORDER_DELAY_US, 1000);
	cr_assert_eq(decode(msg, &path_decoder, &m), -EPROTO, "the model comes whole, seed too");

	/* A module's reply of before the paths: refused, not read as a world of none. */
	msg = reply_new();
	nla_put_u32(msg, VNITRO_A_PATH_LOSS_PPM, 0);
	nla_put_u32(msg, VNITRO_A_PATH_REORDER_PPM, 0);
	nla_put_u32(msg, VNITRO_A_PATH_DELAY_US, 0);
	nla_put_u32(msg, VNITRO_A_PATH_REORDER_DELAY_US, 1000);
	nla_put_u64(msg, VNITRO_A_PATH_SEED, 0);
	cr_assert_eq(decode(msg, &path_decoder, &m), -EPROTO);

	msg = reply_new();
	nla_nest_end(msg, put_path_world(msg, 1));	/* libnl drops the empty nest */
	cr_assert_eq(decode(msg, &path_decoder, &m), -EPROTO, "the paths in use come with it");
}

Test(decode, path_nests_are_checked)
{
	struct nl_msg *msg = reply_new();
	struct nlattr *paths, *one;
	struct vnitro_path m;

	/* Without its index. */
	paths = put_path_world(msg, 1);
	one = nla_nest_start(msg, 1);
	nla_put_u32(msg, VNITRO_A_PATH_LOSS_PPM, 0);
	nla_nest_end(msg, one);
	nla_nest_end(msg, paths);
	cr_assert_eq(decode(msg, &path_decoder, &m), -EPROTO);

	/* Without one of its fields. */
	msg = reply_new();
	paths = put_path_world(msg, 1);
	one = nla_nest_start(msg, 1);
	nla_put_u32(msg, VNITRO_A_PATH_INDEX, 0);
	nla_put_u32(msg, VNITRO_A_PATH_LOSS_PPM, 0);
	nla_put_u32(msg, VNITRO_A_PATH_DELAY_US, 0);
	nla_nest_end(msg, one);
	nla_nest_end(msg, paths);
	cr_assert_eq(decode(msg, &path_decoder, &m), -EPROTO);

	/* Out of order: one[i] is path i. */
	msg = reply_new();
	paths = put_path_world(msg, 2);
	put_one_path(msg, 1, 0);
	put_one_path(msg, 0, 0);
	nla_nest_end(msg, paths);
	cr_assert_eq(decode(msg, &path_decoder, &m), -EPROTO);

	/* More paths than a world has. */
	msg = reply_new();
	paths = put_path_world(msg, VNITRO_PATH_COUNT_MAX);
	for (uint32_t i = 0; i <= VNITRO_PATH_COUNT_MAX; i++)
		put_one_path(msg, i, 0);
	nla_nest_end(msg, paths);
	cr_assert_eq(decode(msg, &path_decoder, &m), -EPROTO);

	/* All of them is fine. */
	msg = reply_new();
	paths = put_path_world(msg, VNITRO_PATH_COUNT_MAX);
	for (uint32_t i = 0; i < VNITRO_PATH_COUNT_MAX; i++)
		put_one_path(msg, i, i);
	nla_nest_end(msg, paths);
	cr_assert_eq(decode(msg, &path_decoder, &m), 0);
	cr_assert_eq(m.n_paths, uint32_t(VNITRO_PATH_COUNT_MAX));
	cr_assert_eq(m.one[VNITRO_PATH_COUNT_MAX - 1].delay_us, uint32_t(VNITRO_PATH_COUNT_MAX - 1));
}

/* A dump cuts a group into messages with the same id: the list joins them, in order. */
Test(decode, split_groups_are_joined)
{
	static struct vnitro_sg items[4];
	struct vnitro_handle h = {};
	size_t count = 4;

	cr_assert_eq(decode(sg_reply("sg-1", 50, 1), &sg_decoder, &items[0]), 0);
	cr_assert_eq(decode(sg_reply("sg-1", 10, 51), &sg_decoder, &items[1]), 0);
	cr_assert_eq(decode(sg_reply("sg-2", 3, 1), &sg_decoder, &items[2]), 0);
	cr_assert_eq(decode(sg_reply("sg-3", 0, 1), &sg_decoder, &items[3]), 0);
	cr_assert_eq(merge_split_groups(&h, items, &count), 0);
	cr_assert_eq(count, 3u);
	cr_assert_str_eq(items[0].id, "sg-1");
	cr_assert_eq(items[0].rule_count, 60u);
	for (uint32_t i = 0; i < 60; i++)
		cr_assert_eq(items[0].rules[i].port_from, i + 1, "rule %u", i);
	cr_assert_str_eq(items[1].id, "sg-2");
	cr_assert_eq(items[1].rule_count, 3u);
	cr_assert_str_eq(items[2].id, "sg-3");
	cr_assert_eq(items[2].rule_count, 0u);
}

Test(decode, split_group_over_the_limit_is_refused)
{
	static struct vnitro_sg items[2];
	struct vnitro_handle h = {};
	size_t count = 2;

	cr_assert_eq(decode(sg_reply("sg-1", 200, 1), &sg_decoder, &items[0]), 0);
	cr_assert_eq(decode(sg_reply("sg-1", 4 * VNITRO_MAX_SG_RULES - 200 + 1, 201), &sg_decoder,
			    &items[1]), 0);
	cr_assert_eq(merge_split_groups(&h, items, &count), -EPROTO);
	cr_assert(strstr(h.error, "too many rules"), "%s", h.error);
}

/* ACL @id's message of a dump with @entries ingress entries numbered from @first. */
static struct nl_msg *nacl_reply(const char *id, int entries, uint16_t first)
{
	struct nl_msg *msg = reply_new();
	struct nlattr *nest;

	nla_put_string(msg, VNITRO_A_NACL_ID, id);
	nla_put_string(msg, VNITRO_A_VPC_ID, "vpc-default");
	nest = nla_nest_start(msg, VNITRO_A_NACL_ENTRIES);
	for (int i = 0; i < entries; i++)
		put_nacl_entry(msg, VNITRO_SG_INGRESS, uint16_t(first + i), VNITRO_NACL_ALLOW, 6);
	cr_assert_eq(nla_nest_end(msg, nest), 0);
	return msg;
}

/* A dump may cut an ACL as it cuts a group: the list joins the parts, in order. */
Test(decode, split_nacls_are_joined)
{
	static struct vnitro_nacl items[4];
	struct vnitro_handle h = {};
	size_t count = 4;

	cr_assert_eq(decode(nacl_reply("acl-1", 30, 1), &nacl_decoder, &items[0]), 0);
	cr_assert_eq(decode(nacl_reply("acl-1", 8, 31), &nacl_decoder, &items[1]), 0);
	cr_assert_eq(decode(nacl_reply("acl-2", 2, 100), &nacl_decoder, &items[2]), 0);
	cr_assert_eq(decode(nacl_reply("acl-3", 0, 1), &nacl_decoder, &items[3]), 0);
	cr_assert_eq(merge_split_nacls(&h, items, &count), 0);
	cr_assert_eq(count, 3u);
	cr_assert_str_eq(items[0].id, "acl-1");
	cr_assert_eq(items[0].entry_count, 38u);
	for (uint32_t i = 0; i < 38; i++)
		cr_assert_eq(items[0].entries[i].number, i + 1, "entry %u", i);
	cr_assert_str_eq(items[1].id, "acl-2");
	cr_assert_eq(items[1].entry_count, 2u);
	cr_assert_str_eq(items[2].id, "acl-3");
	cr_assert_eq(items[2].entry_count, 0u);
}

Test(decode, split_nacl_over_the_limit_is_refused)
{
	static struct vnitro_nacl items[2];
	struct vnitro_handle h = {};
	size_t count = 2;

	cr_assert_eq(decode(nacl_reply("acl-1", 40, 1), &nacl_decoder, &items[0]), 0);
	cr_assert_eq(decode(nacl_reply("acl-1", 4 * VNITRO_MAX_NACL_ENTRIES - 40 + 1, 41),
			    &nacl_decoder, &items[1]), 0);
	cr_assert_eq(merge_split_nacls(&h, items, &count), -EPROTO);
	cr_assert(strstr(h.error, "network ACL acl-1 has too many entries"), "%s", h.error);
}

Test(decode, subnet_and_vpc)
{
	struct nl_msg *msg = reply_new();
	struct vnitro_subnet sn;
	struct vnitro_vpc v;

	nla_put_string(msg, VNITRO_A_SUBNET_ID, "subnet-default");
	nla_put_string(msg, VNITRO_A_VPC_ID, "vpc-default");
	nla_put_u32(msg, VNITRO_A_CIDR_ADDR, htonl(0xac1f0000));
	nla_put_u8(msg, VNITRO_A_CIDR_PREFIXLEN, 20);
	nla_put_string(msg, VNITRO_A_AZ, "us-east-1a");
	cr_assert_eq(decode(msg, &subnet_decoder, &sn), 0);
	cr_assert_str_eq(sn.vpc_id, "vpc-default");
	cr_assert_eq(sn.cidr_addr, htonl(0xac1f0000));
	cr_assert_eq(sn.cidr_prefixlen, 20);

	msg = reply_new();
	nla_put_string(msg, VNITRO_A_VPC_ID, "vpc-default");
	nla_put_u32(msg, VNITRO_A_CIDR_ADDR, htonl(0xac1f0000));
	nla_put_u8(msg, VNITRO_A_CIDR_PREFIXLEN, 16);
	cr_assert_eq(decode(msg, &vpc_decoder, &v), 0);
	cr_assert_str_eq(v.id, "vpc-default");
	cr_assert_eq(v.cidr_prefixlen, 16);
}

static void block_ten8(struct nl_msg *msg)
{
	nla_put_u32(msg, VNITRO_A_CIDR_ADDR, htonl(0x0a000000));
	nla_put_u8(msg, VNITRO_A_CIDR_PREFIXLEN, 8);
}

static void block_none(struct nl_msg *)
{
}

/* A route of subnet-default via igw-1 to the destination put_block() puts. */
static struct nl_msg *route_reply(void (*put_block)(struct nl_msg *msg))
{
	struct nl_msg *msg = reply_new();

	nla_put_string(msg, VNITRO_A_SUBNET_ID, "subnet-default");
	put_block(msg);
	nla_put_u8(msg, VNITRO_A_ROUTE_TARGET, VNITRO_ROUTE_TARGET_IGW);
	nla_put_string(msg, VNITRO_A_IGW_ID, "igw-1");
	nla_put_string(msg, VNITRO_A_STATUS, "active");
	return msg;
}

Test(decode, route_to_an_ipv4_or_an_ipv6_destination)
{
	struct vnitro_route r;

	cr_assert_eq(decode(route_reply(block_ten8), &route_decoder, &r), 0);
	cr_assert_eq(r.ipv6, 0);
	cr_assert_eq(r.addr, htonl(0x0a000000));
	cr_assert_eq(r.prefixlen, 8);
	cr_assert_eq(r.target, VNITRO_ROUTE_TARGET_IGW);
	cr_assert_str_eq(r.target_id, "igw-1");
	cr_assert_str_eq(r.status, "active");
	cr_assert_eq(decode(route_reply(block_net6), &route_decoder, &r), 0);
	cr_assert_eq(r.ipv6, 1);
	cr_assert_arr_eq(r.addr6, net6, 16);
	cr_assert_eq(r.prefixlen, 56);
	cr_assert_eq(r.addr, 0u);
	cr_assert_str_eq(r.target_id, "igw-1");
	/* ::/0, the IPv6 default route. */
	cr_assert_eq(decode(route_reply(block_all6), &route_decoder, &r), 0);
	cr_assert_eq(r.ipv6, 1);
	cr_assert_eq(r.prefixlen, 0);
}

Test(decode, route_with_two_destinations_half_of_one_or_none_is_refused)
{
	struct vnitro_route r;

	cr_assert_eq(decode(route_reply(block_both), &route_decoder, &r), -EPROTO);
	cr_assert_eq(decode(route_reply(block_no_length6), &route_decoder, &r), -EPROTO);
	cr_assert_eq(decode(route_reply(block_129), &route_decoder, &r), -EPROTO);
	cr_assert_eq(decode(route_reply(block_none), &route_decoder, &r), -EPROTO);
}

/* A route of subnet-default to ::/0 via the egress-only gateway eigw-1. */
Test(decode, route_via_an_egress_only_gateway)
{
	struct nl_msg *msg = reply_new();
	struct vnitro_route r;

	nla_put_string(msg, VNITRO_A_SUBNET_ID, "subnet-default");
	block_all6(msg);
	nla_put_u8(msg, VNITRO_A_ROUTE_TARGET, VNITRO_ROUTE_TARGET_EIGW);
	nla_put_string(msg, VNITRO_A_IGW_ID, "eigw-1");
	nla_put_string(msg, VNITRO_A_STATUS, "active");
	cr_assert_eq(decode(msg, &route_decoder, &r), 0);
	cr_assert_eq(r.target, VNITRO_ROUTE_TARGET_EIGW);
	cr_assert_str_eq(r.target_id, "eigw-1");
	cr_assert_eq(r.ipv6, 1);
}

/* A gateway reply as IGW_GET's, with EGRESS_ONLY @egress_only (-1: none, as from an older module). */
static struct nl_msg *igw_reply(const char *id, int egress_only)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xe9 };
	struct nl_msg *msg = reply_new();

	nla_put_string(msg, VNITRO_A_IGW_ID, id);
	nla_put_string(msg, VNITRO_A_VPC_ID, "vpc-default");
	nla_put(msg, VNITRO_A_MAC, 6, mac);
	nla_put_u8(msg, VNITRO_A_FRAG_NEEDED, 1);
	nla_put_string(msg, VNITRO_A_NETNS_NAME, "internet");
	nla_put_string(msg, VNITRO_A_IFNAME, egress_only > 0 ? "eigw0" : "igw0");
	nla_put_u32(msg, VNITRO_A_IFINDEX, 5);
	if (egress_only >= 0)
		nla_put_u8(msg, VNITRO_A_EGRESS_ONLY, uint8_t(egress_only));
	return msg;
}

Test(decode, gateways_of_both_kinds)
{
	struct vnitro_igw g;

	cr_assert_eq(decode(igw_reply("eigw-1", 1), &igw_decoder, &g), 0);
	cr_assert_str_eq(g.id, "eigw-1");
	cr_assert_eq(g.egress_only, 1);
	cr_assert_str_eq(g.ifname, "eigw0");
	cr_assert_eq(g.ifindex, 5u);
	cr_assert_str_eq(g.netns_name, "internet");
	cr_assert_eq(g.mac[5], 0xe9);
	cr_assert_eq(decode(igw_reply("igw-1", 0), &igw_decoder, &g), 0);
	cr_assert_eq(g.egress_only, 0);
	cr_assert_eq(g.frag_needed, 1);
	/* An older module sends no EGRESS_ONLY: an internet gateway. */
	cr_assert_eq(decode(igw_reply("igw-1", -1), &igw_decoder, &g), 0);
	cr_assert_eq(g.egress_only, 0);
}

/* ---- request encoding ---- */

/* The attributes of the request built in @req into @tb; returns its message, for nlmsg_free(). */
static struct nl_msg *parse_request(struct request *req, struct nlattr **tb)
{
	cr_assert_eq(req->err, 0);
	cr_assert_eq(attrs_parse(nlmsg_hdr(req->msg), tb), 0);
	return req->msg;
}

Test(encode, route_destination_of_either_family)
{
	struct vnitro_handle h = {};
	struct nlattr *tb[VNITRO_A_MAX + 1];
	struct request req;
	struct nl_msg *msg;

	h.family = 0x20;
	request_init(&req, &h, VNITRO_CMD_ROUTE_ADD, NLM_F_ACK);
	route_put_destination(&req, "subnet-default", htonl(0x0a000000), nullptr, 8);
	msg = parse_request(&req, tb);
	cr_assert_str_eq(nla_get_string(tb[VNITRO_A_SUBNET_ID]), "subnet-default");
	cr_assert_eq(nla_get_u32(tb[VNITRO_A_CIDR_ADDR]), htonl(0x0a000000));
	cr_assert_eq(nla_get_u8(tb[VNITRO_A_CIDR_PREFIXLEN]), 8);
	cr_assert_null(tb[VNITRO_A_IPV6_CIDR_ADDR]);
	cr_assert_null(tb[VNITRO_A_IPV6_CIDR_PREFIXLEN]);
	nlmsg_free(msg);

	request_init(&req, &h, VNITRO_CMD_ROUTE_DEL, NLM_F_ACK);
	route_put_destination(&req, "subnet-default", 0, net6, 56);
	msg = parse_request(&req, tb);
	cr_assert_eq(nla_len(tb[VNITRO_A_IPV6_CIDR_ADDR]), 16);
	cr_assert_arr_eq(nla_data(tb[VNITRO_A_IPV6_CIDR_ADDR]), net6, 16);
	cr_assert_eq(nla_get_u8(tb[VNITRO_A_IPV6_CIDR_PREFIXLEN]), 56);
	cr_assert_null(tb[VNITRO_A_CIDR_ADDR], "never both families");
	cr_assert_null(tb[VNITRO_A_CIDR_PREFIXLEN]);
	nlmsg_free(msg);
}

Test(encode, gateway_add_with_and_without_frag_needed)
{
	struct vnitro_handle h = {};
	struct nlattr *tb[VNITRO_A_MAX + 1];
	struct request req;
	struct nl_msg *msg;

	h.family = 0x20;
	request_init(&req, &h, VNITRO_CMD_IGW_ADD, NLM_F_ACK);
	igw_put_add(&req, "igw-1", "vpc-default", 7, "internet", 0);
	msg = parse_request(&req, tb);
	cr_assert_str_eq(nla_get_string(tb[VNITRO_A_IGW_ID]), "igw-1");
	cr_assert_str_eq(nla_get_string(tb[VNITRO_A_VPC_ID]), "vpc-default");
	cr_assert_eq(nla_get_u32(tb[VNITRO_A_NETNS_FD]), 7u);
	cr_assert_str_eq(nla_get_string(tb[VNITRO_A_NETNS_NAME]), "internet");
	cr_assert_not_null(tb[VNITRO_A_FRAG_NEEDED]);
	cr_assert_eq(nla_get_u8(tb[VNITRO_A_FRAG_NEEDED]), 0);
	nlmsg_free(msg);

	/* An egress-only gateway's: no FRAG_NEEDED, which the kernel refuses for it. */
	request_init(&req, &h, VNITRO_CMD_IGW_ADD, NLM_F_ACK);
	igw_put_add(&req, "eigw-1", "vpc-default", -1, nullptr, -1);
	msg = parse_request(&req, tb);
	cr_assert_str_eq(nla_get_string(tb[VNITRO_A_IGW_ID]), "eigw-1");
	cr_assert_null(tb[VNITRO_A_FRAG_NEEDED]);
	cr_assert_null(tb[VNITRO_A_NETNS_FD], "the initial namespace: none");
	cr_assert_null(tb[VNITRO_A_NETNS_NAME]);
	nlmsg_free(msg);
}

Test(encode, path_seed_is_a_u64)
{
	struct vnitro_handle h = {};
	struct nlattr *tb[VNITRO_A_MAX + 1];
	struct request req;
	struct nl_msg *msg;

	h.family = 0x20;
	request_init(&req, &h, VNITRO_CMD_PATH_SET, NLM_F_ACK);
	request_put_u32(&req, VNITRO_A_PATH_LOSS_PPM, 0);
	request_put_u64(&req, VNITRO_A_PATH_SEED, UINT64_MAX);
	msg = parse_request(&req, tb);
	cr_assert_eq(nla_len(tb[VNITRO_A_PATH_SEED]), 8);
	cr_assert_eq(nla_get_u64(tb[VNITRO_A_PATH_SEED]), UINT64_MAX);
	cr_assert_not_null(tb[VNITRO_A_PATH_LOSS_PPM], "0 is a loss to set");
	cr_assert_eq(nla_get_u32(tb[VNITRO_A_PATH_LOSS_PPM]), 0u);
	nlmsg_free(msg);
}

Test(encode, path_change_of_the_world)
{
	struct vnitro_path_change c = {};
	struct vnitro_handle h = {};
	struct nlattr *tb[VNITRO_A_MAX + 1];
	struct request req;
	struct nl_msg *msg;

	h.family = 0x20;
	cr_assert(path_change_empty(&c));
	c.set_jitter_us = 1;
	c.set_congestion_ppm = 1;
	c.congestion_ppm = 20000;
	c.set_congestion_delay_us = 1;
	c.congestion_delay_us = 300;
	c.set_congestion_loss_ppm = 1;
	c.congestion_loss_ppm = 5000;
	c.set_episode_us = 1;
	c.episode_us = 1;
	c.set_paths = 1;
	c.paths = 16;
	c.set_node_delay_us = 1;
	c.set_az_delay_us = 1;
	c.az_delay_us = 1000000;
	c.index = 3;	/* without has_index: not sent */
	cr_assert_not(path_change_empty(&c));
	request_init(&req, &h, VNITRO_CMD_PATH_SET, NLM_F_ACK);
	path_put_change(&req, &c);
	msg = parse_request(&req, tb);
	cr_assert_not_null(tb[VNITRO_A_PATH_JITTER_US], "0 is a jitter to set");
	cr_assert_eq(nla_get_u32(tb[VNITRO_A_PATH_JITTER_US]), 0u);
	cr_assert_eq(nla_get_u32(tb[VNITRO_A_PATH_CONGESTION_PPM]), 20000u);
	cr_assert_eq(nla_get_u32(tb[VNITRO_A_PATH_CONGESTION_DELAY_US]), 300u);
	cr_assert_eq(nla_get_u32(tb[VNITRO_A_PATH_CONGESTION_LOSS_PPM]), 5000u);
	cr_assert_eq(nla_get_u32(tb[VNITRO_A_PATH_EPISODE_US]), 1u);
	cr_assert_eq(nla_get_u32(tb[VNITRO_A_PATH_COUNT]), 16u);
	cr_assert_not_null(tb[VNITRO_A_PATH_NODE_DELAY_US], "0 is a node delay to set");
	cr_assert_eq(nla_get_u32(tb[VNITRO_A_PATH_NODE_DELAY_US]), 0u);
	cr_assert_eq(nla_get_u32(tb[VNITRO_A_PATH_AZ_DELAY_US]), 1000000u);
	cr_assert_null(tb[VNITRO_A_PATH_INDEX], "the world's: no path");
	cr_assert_null(tb[VNITRO_A_PATH_LOSS_PPM], "only what set_* marks");
	cr_assert_null(tb[VNITRO_A_PATH_REORDER_PPM]);
	cr_assert_null(tb[VNITRO_A_PATH_SEED]);
	nlmsg_free(msg);
}

Test(encode, path_change_of_one_path)
{
	struct vnitro_path_change c = {};
	struct vnitro_handle h = {};
	struct nlattr *tb[VNITRO_A_MAX + 1];
	struct request req;
	struct nl_msg *msg;

	h.family = 0x20;
	c.has_index = 1;
	c.index = 0;
	cr_assert(path_change_empty(&c), "a path alone is nothing to set");
	c.set_delay_us = 1;
	c.delay_us = 5000;
	/* What is not a path's is sent all the same: the kernel refuses it, in its words. */
	c.set_reorder_ppm = 1;
	request_init(&req, &h, VNITRO_CMD_PATH_SET, NLM_F_ACK);
	path_put_change(&req, &c);
	msg = parse_request(&req, tb);
	cr_assert_not_null(tb[VNITRO_A_PATH_INDEX], "path 0 is a path");
	cr_assert_eq(nla_get_u32(tb[VNITRO_A_PATH_INDEX]), 0u);
	cr_assert_eq(nla_get_u32(tb[VNITRO_A_PATH_DELAY_US]), 5000u);
	cr_assert_not_null(tb[VNITRO_A_PATH_REORDER_PPM]);
	cr_assert_null(tb[VNITRO_A_PATH_LOSS_PPM]);
	/* The kernel reads PATH_INDEX first: it leads. */
	cr_assert_eq(nla_type(genlmsg_attrdata(
			     static_cast<const struct genlmsghdr *>(nlmsg_data(nlmsg_hdr(msg))), 0)),
		     VNITRO_A_PATH_INDEX);
	nlmsg_free(msg);
}

/* ---- extack parsing ---- */

/* Builds an NLMSG_ERROR or NLMSG_DONE as the kernel's netlink_ack() does. */
struct ack_builder {
	alignas(4) unsigned char buf[512] = {};
	size_t len = NLMSG_HDRLEN;

	struct nlmsghdr *hdr() { return reinterpret_cast<nlmsghdr *>(buf); }
	void append(const void *data, size_t n)
	{
		memcpy(buf + len, data, n);
		len += NLMSG_ALIGN(n);
	}
	void attr(int type, const void *data, size_t n)
	{
		struct nlattr a = { uint16_t(NLA_HDRLEN + n), uint16_t(type) };

		memcpy(buf + len, &a, sizeof(a));
		memcpy(buf + len + NLA_HDRLEN, data, n);
		len += NLA_ALIGN(NLA_HDRLEN + n);
	}
	const struct nlmsghdr *done(uint16_t type, uint16_t flags)
	{
		hdr()->nlmsg_type = type;
		hdr()->nlmsg_flags = flags;
		hdr()->nlmsg_len = uint32_t(len);
		return hdr();
	}
};

static void put_nlmsgerr(ack_builder &b, uint32_t request_len)
{
	struct nlmsgerr e = {};

	e.error = -EINVAL;
	e.msg.nlmsg_len = request_len;
	b.append(&e, sizeof(e));
}

Test(extack, capped_error_message)
{
	ack_builder b;
	char text[64];

	put_nlmsgerr(b, 200);	/* capped: the 200 bytes are not echoed */
	b.attr(NLMSGERR_ATTR_MSG, "subnet not found", 17);
	cr_assert(extack_message(b.done(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS),
				 text, sizeof(text)));
	cr_assert_str_eq(text, "subnet not found");
}

Test(extack, uncapped_error_skips_the_echoed_request)
{
	unsigned char payload[6] = { 1, 2, 3, 4, 5, 6 };
	ack_builder b;
	char text[64];

	put_nlmsgerr(b, NLMSG_HDRLEN + sizeof(payload));
	b.append(payload, sizeof(payload));
	b.attr(NLMSGERR_ATTR_OFFS, "\x10\0\0\0", 4);
	b.attr(NLMSGERR_ATTR_MSG, "ENI is attached", 16);
	cr_assert(extack_message(b.done(NLMSG_ERROR, NLM_F_ACK_TLVS),
				 text, sizeof(text)));
	cr_assert_str_eq(text, "ENI is attached");
}

Test(extack, dump_done_message)
{
	int err = -ENOBUFS;
	ack_builder b;
	char text[64];

	b.append(&err, sizeof(err));
	b.attr(NLMSGERR_ATTR_MSG, "dump failed", 12);
	cr_assert(extack_message(b.done(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS),
				 text, sizeof(text)));
	cr_assert_str_eq(text, "dump failed");
}

Test(extack, missing_attribute_is_named)
{
	uint32_t type = VNITRO_A_SUBNET_ID;
	ack_builder b;
	char text[64];

	put_nlmsgerr(b, 40);
	b.attr(NLMSGERR_ATTR_MISS_TYPE, &type, sizeof(type));
	cr_assert(extack_message(b.done(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS),
				 text, sizeof(text)));
	cr_assert_str_eq(text, "missing attribute SUBNET_ID");
}

Test(extack, none_without_the_flag)
{
	ack_builder b;
	char text[64] = "";

	put_nlmsgerr(b, 40);
	b.attr(NLMSGERR_ATTR_MSG, "ignored", 8);
	cr_assert_not(extack_message(b.done(NLMSG_ERROR, NLM_F_CAPPED),
				     text, sizeof(text)));
}

Test(extack, echoed_request_longer_than_the_message)
{
	ack_builder b;
	char text[64];

	put_nlmsgerr(b, 4000);	/* claims an uncapped echo that is not there */
	b.attr(NLMSGERR_ATTR_MSG, "x", 2);
	cr_assert_not(extack_message(b.done(NLMSG_ERROR, NLM_F_ACK_TLVS),
				     text, sizeof(text)));
}

Test(extack, message_truncated_to_the_buffer)
{
	ack_builder b;
	char text[5];

	put_nlmsgerr(b, 40);
	b.attr(NLMSGERR_ATTR_MSG, "a long message", 15);
	cr_assert(extack_message(b.done(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS),
				 text, sizeof(text)));
	cr_assert_str_eq(text, "a lo");
}

/* ---- requests, acks and dumps, against the kernel's nlctrl family ---- */

static struct vnitro_handle *ctrl;

/* A handle pointed at nlctrl, whose replies and errors are known. */
static void ctrl_open(void)
{
	int rc = vnitro_open(&ctrl);

	cr_assert(ctrl);
	if (rc && !ctrl->sock)
		cr_skip_test("no generic netlink socket: %s",
			     vnitro_last_error(ctrl));
	cr_assert(rc == 0 || rc == -ENOENT, "vnitro_open: %s",
		  vnitro_last_error(ctrl));
	ctrl->family = GENL_ID_CTRL;
	nl_socket_disable_auto_ack(ctrl->sock);
}

static void ctrl_close(void)
{
	vnitro_close(ctrl);
}

TestSuite(request, .init = ctrl_open, .fini = ctrl_close, .timeout = 10);

/* True if the last error is the kernel's text, not a strerror fallback. */
static bool has_extack(int rc)
{
	return strcmp(vnitro_last_error(ctrl), strerror(-rc)) != 0;
}

Test(request, open_without_module_explains)
{
	struct vnitro_handle *h;
	int rc = vnitro_open(&h);

	if (rc == 0) {
		vnitro_close(h);
		cr_skip_test("the vnitro module is loaded");
	}
	cr_assert_eq(rc, -ENOENT);
	cr_assert_str_eq(vnitro_last_error(h),
			 "the vnitro kernel module is not loaded (generic netlink family \"vnitro\" not found)");
	/* A failed handle refuses commands instead of talking to nobody. */
	cr_assert_eq(vnitro_eni_del(h, "eni-1"), -ENOTCONN);
	vnitro_close(h);
}

Test(request, kernel_extack_text_is_kept)
{
	struct request req;
	int rc;

	/* CTRL_ATTR_FAMILY_ID is a u16: one byte fails its policy. */
	request_init(&req, ctrl, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	request_put_u8(&req, CTRL_ATTR_FAMILY_ID, 1);
	rc = request_do(&req, nullptr, nullptr);
	cr_assert_lt(rc, 0);
	cr_assert(has_extack(rc), "no extack: %s", vnitro_last_error(ctrl));
}

Test(request, errno_without_extack)
{
	struct request req;
	int rc;

	request_init(&req, ctrl, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	request_put(&req, CTRL_ATTR_FAMILY_NAME, 7, "nosuch");
	rc = request_do(&req, nullptr, nullptr);
	cr_assert_eq(rc, -ENOENT);
	cr_assert_str_not_empty(vnitro_last_error(ctrl));
}

Test(request, unknown_command)
{
	struct request req;

	request_init(&req, ctrl, 200, NLM_F_ACK);
	cr_assert_eq(request_do(&req, nullptr, nullptr), -EOPNOTSUPP);
}

Test(request, ack_after_an_unwanted_reply)
{
	struct request req;

	request_init(&req, ctrl, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	request_put(&req, CTRL_ATTR_FAMILY_NAME, 7, "nlctrl");
	cr_assert_eq(request_do(&req, nullptr, nullptr), 0);
}

Test(request, reply_failing_the_policy_is_refused)
{
	struct vnitro_eni e;
	struct request req;

	/* nlctrl's family reply is no ENI: its nested ops overflow "MAC". */
	request_init(&req, ctrl, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	request_put(&req, CTRL_ATTR_FAMILY_NAME, 7, "nlctrl");
	cr_assert_eq(request_do(&req, &eni_decoder, &e), -EPROTO);
	cr_assert(strstr(vnitro_last_error(ctrl), "malformed"));
}

Test(request, dump_runs_to_done_and_leaves_the_socket_clean)
{
	struct request req;
	size_t count = 99;
	void *items;

	/* nlctrl's replies are no ENIs: the dump fails, but is read to the end. */
	request_init(&req, ctrl, CTRL_CMD_GETFAMILY, NLM_F_DUMP);
	cr_assert_eq(request_dump(&req, &eni_decoder, &items, &count), -EPROTO);
	cr_assert_null(items);
	cr_assert_eq(count, 0u);

	request_init(&req, ctrl, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	request_put(&req, CTRL_ATTR_FAMILY_NAME, 7, "nlctrl");
	cr_assert_eq(request_do(&req, nullptr, nullptr), 0);
}

Test(request, oversized_string_is_not_sent)
{
	char name[VNITRO_NAME_LEN + 1];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	cr_assert_eq(vnitro_instance_del(ctrl, name), -ENAMETOOLONG);
	cr_assert(strstr(vnitro_last_error(ctrl), "too long"));
	cr_assert_eq(vnitro_instance_del(ctrl, ""), -EINVAL);
}

Test(request, placement_group_name_is_checked_before_sending)
{
	struct vnitro_placement_group g;
	char name[VNITRO_PG_NAME_LEN + 1];

	memset(name, 'g', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	cr_assert_eq(vnitro_pg_add(ctrl, name, VNITRO_PG_CLUSTER, 0, 0, nullptr), -ENAMETOOLONG);
	cr_assert(strstr(vnitro_last_error(ctrl), "too long"));
	name[VNITRO_PG_NAME_LEN - 1] = '\0';
	/* 255 characters are sent: nlctrl knows no PG_ADD. */
	cr_assert_eq(vnitro_pg_add(ctrl, name, VNITRO_PG_CLUSTER, 0, 0, nullptr), -EOPNOTSUPP);
	cr_assert_eq(vnitro_pg_del(ctrl, ""), -EINVAL);
	cr_assert_eq(vnitro_pg_get(ctrl, "pg-0123456789abcdef0", &g), -EOPNOTSUPP);
}

Test(request, eigw_add_takes_egress_only_ids)
{
	struct vnitro_igw g;

	/* Not "eigw-…": refused before anything is sent. */
	cr_assert_eq(vnitro_eigw_add(ctrl, "igw-1", "vpc-default", -1, nullptr, &g), -EINVAL);
	cr_assert_str_eq(vnitro_last_error(ctrl),
			 "\"igw-1\" is not an egress-only internet gateway id (\"eigw-...\")");
	cr_assert_eq(vnitro_eigw_add(ctrl, nullptr, "vpc-default", -1, nullptr, &g), -EINVAL);
	/* "eigw-…" is sent: nlctrl knows no IGW_ADD. */
	cr_assert_eq(vnitro_eigw_add(ctrl, "eigw-1", "vpc-default", -1, nullptr, nullptr), -EOPNOTSUPP);
}

Test(request, world_set_needs_a_setting)
{
	struct vnitro_world w;

	/* 0 leaves a setting as it is: with nothing to set, nothing is sent. */
	cr_assert_eq(vnitro_world_set(ctrl, 0, 0, &w), -EINVAL);
	cr_assert_str_eq(vnitro_last_error(ctrl),
			 "nothing to set: a rate scale, burst seconds or both");
	/* One is sent: nlctrl knows no WORLD_SET. */
	cr_assert_eq(vnitro_world_set(ctrl, 1000, 0, nullptr), -EOPNOTSUPP);
	cr_assert_eq(vnitro_world_set(ctrl, 0, 60, nullptr), -EOPNOTSUPP);
}

Test(request, path_set_needs_a_field)
{
	struct vnitro_path_change c = {};
	struct vnitro_path m;

	/* 0 is a value of every field: only the set_* flags say what to send. */
	cr_assert_eq(vnitro_path_set(ctrl, &c, &m), -EINVAL);
	cr_assert_str_eq(vnitro_last_error(ctrl),
			 "nothing to set: give the loss, delays, congestion, paths or seed");
	/* A path alone is nothing to set either. */
	c.has_index = 1;
	c.index = 3;
	cr_assert_eq(vnitro_path_set(ctrl, &c, &m), -EINVAL);
	cr_assert_str_eq(vnitro_last_error(ctrl),
			 "nothing to set: give the loss, delays, congestion, paths or seed");
	/* One is sent, 0 or not: nlctrl knows no PATH_SET. */
	c.set_loss_ppm = 1;
	cr_assert_eq(vnitro_path_set(ctrl, &c, nullptr), -EOPNOTSUPP);
	c = {};
	c.set_seed = 1;
	cr_assert_eq(vnitro_path_set(ctrl, &c, nullptr), -EOPNOTSUPP);
	c = {};
	c.set_paths = 1;
	cr_assert_eq(vnitro_path_set(ctrl, &c, nullptr), -EOPNOTSUPP);
	c = {};
	c.set_episode_us = 1;
	cr_assert_eq(vnitro_path_set(ctrl, &c, nullptr), -EOPNOTSUPP);
}

/* ---- network namespaces, in a private mount namespace ---- */

static void private_run(void)
{
	if (unshare(CLONE_NEWNS))
		cr_skip_test("cannot unshare the mount namespace: %s",
			     strerror(errno));
	cr_assert_eq(mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr), 0);
	cr_assert_eq(mount("tmpfs", "/run", "tmpfs", 0, "mode=0755"), 0,
		     "mount tmpfs: %s", strerror(errno));
}

TestSuite(netns, .init = private_run, .timeout = 10);

static bool run_dir_is_shared(void)
{
	char line[1024];
	bool shared = false;
	FILE *f = fopen("/proc/self/mountinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, " /run/netns ") && strstr(line, " shared:"))
			shared = true;
	if (f)
		fclose(f);
	return shared;
}

Test(netns, name_check)
{
	char longest[VNITRO_NAME_LEN];

	memset(longest, 'x', sizeof(longest));
	longest[sizeof(longest) - 1] = '\0';
	cr_assert_eq(vnitro_netns_name_check("web-1"), 0);
	cr_assert_eq(vnitro_netns_name_check(longest), 0);
	longest[sizeof(longest) - 1] = 'x';	/* no room for the NUL now */
	cr_assert_eq(vnitro_netns_name_check(std::string(longest, sizeof(longest)).c_str()), -EINVAL);
	cr_assert_eq(vnitro_netns_name_check(""), -EINVAL);
	cr_assert_eq(vnitro_netns_name_check("."), -EINVAL);
	cr_assert_eq(vnitro_netns_name_check(".."), -EINVAL);
	cr_assert_eq(vnitro_netns_name_check("a/b"), -EINVAL);
	cr_assert_eq(vnitro_netns_name_check(nullptr), -EINVAL);
}

Test(netns, add_open_del)
{
	struct stat ours, theirs;
	char err[256] = "";
	int fd;

	cr_assert_eq(vnitro_netns_add("t1", err, sizeof(err)), 0, "%s", err);
	cr_assert(run_dir_is_shared());
	fd = vnitro_netns_open("t1");
	cr_assert_geq(fd, 0);
	cr_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	/* A new namespace, not ours. */
	cr_assert_eq(fstat(fd, &theirs), 0);
	cr_assert_eq(stat("/proc/self/ns/net", &ours), 0);
	cr_assert_neq(theirs.st_ino, ours.st_ino);
	cr_assert_eq(setns(fd, CLONE_NEWNET), 0, "setns: %s", strerror(errno));
	close(fd);

	cr_assert_eq(vnitro_netns_add("t1", err, sizeof(err)), -EEXIST);
	cr_assert_eq(vnitro_netns_del("t1"), 0);
	cr_assert_eq(access("/run/netns/t1", F_OK), -1);
	cr_assert_eq(vnitro_netns_del("t1"), -ENOENT);
	cr_assert_eq(vnitro_netns_open("t1"), -ENOENT);
}

Test(netns, iproute2_sees_ours_and_we_see_theirs)
{
	char err[256] = "";
	int fd;

	if (system("ip -V >/dev/null 2>&1"))
		cr_skip_test("iproute2 is not installed");
	cr_assert_eq(vnitro_netns_add("ours", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(system("ip netns exec ours true"), 0);
	cr_assert_eq(system("ip netns add theirs"), 0);
	fd = vnitro_netns_open("theirs");
	cr_assert_geq(fd, 0);
	cr_assert_eq(setns(fd, CLONE_NEWNET), 0);
	close(fd);
	cr_assert_eq(vnitro_netns_del("theirs"), 0);
	cr_assert_eq(system("ip netns del ours"), 0);
}

Test(netns, works_with_sigchld_ignored)
{
	char err[256] = "";

	/* The child is then reaped by the kernel, and waitpid() says ECHILD. */
	signal(SIGCHLD, SIG_IGN);
	cr_assert_eq(vnitro_netns_add("t2", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(vnitro_netns_del("t2"), 0);
}

Test(netns, invalid_name_touches_nothing)
{
	char err[256] = "";

	cr_assert_eq(vnitro_netns_add("../etc", err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "invalid"), "%s", err);
	cr_assert_eq(access("/run/netns", F_OK), -1);
}
