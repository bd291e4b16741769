// SPDX-License-Identifier: GPL-2.0
/*
 * genl_fuzz.c - a bounded fuzzer of the "vnitro" generic netlink family
 * (issue 12, make fuzz): every command, known and unknown, with attributes
 * that are right, mutated, of the wrong type or length, unterminated,
 * duplicated, nested in garbage or repeated hundreds of times; as do, dump
 * and batch; from several processes at once. Values come from a dictionary
 * of what the kernel answered (IDs of the world's objects), of limits and of
 * random bytes, so that many requests get past the policy into the handlers.
 *
 * usage: genl_fuzz [-n ITERATIONS | -t SECONDS] [-s SEED] [-j PROCESSES]
 *
 * Prints the seed, the requests sent and how the kernel answered them (the
 * errno of each ack, "OK" for success), one line each. Exit 0 after the run,
 * 1 if the family cannot be reached, 2 for a bad argument. Kernel splats are
 * the runner's to find (dmesg): the kernel must not care what it is sent.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/vnitro.h>

#define MSG_MAX		16384
#define POOL_MAX	64
#define ERRNO_MAX	160

/* ---- a seeded generator (xorshift64*) ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static bool chance(uint32_t percent)
{
	return below(100) < percent;
}

/* ---- what each attribute is, as the family's policy says ---- */

enum kind { K_NONE, K_STR, K_U8, K_U16, K_U32, K_U64, K_MAC, K_NEST };

static enum kind kind_of(unsigned int type)
{
	switch (type) {
	case VNITRO_A_INSTANCE_NAME: case VNITRO_A_VPC_ID: case VNITRO_A_SUBNET_ID:
	case VNITRO_A_ENI_ID: case VNITRO_A_IFNAME: case VNITRO_A_AZ: case VNITRO_A_PCI_SLOT:
	case VNITRO_A_PRIMARY_ENI_ID: case VNITRO_A_STATUS: case VNITRO_A_INSTANCE_TYPE:
	case VNITRO_A_DESCRIPTION: case VNITRO_A_SECURITY_GROUP_ID: case VNITRO_A_IGW_ID:
	case VNITRO_A_NETNS_NAME: case VNITRO_A_RDMA_DEVICE: case VNITRO_A_SG_NAME:
	case VNITRO_A_SG_PEER_ID: case VNITRO_A_NACL_ID:
	case VNITRO_A_EIP_ALLOCATION_ID: case VNITRO_A_EIP_ASSOCIATION_ID:
	case VNITRO_A_PG_NAME: case VNITRO_A_PG_ID: case VNITRO_A_TUNNEL_DEV:
		return K_STR;
	case VNITRO_A_ENI_TYPE: case VNITRO_A_SOURCE_DEST_CHECK: case VNITRO_A_CIDR_PREFIXLEN:
	case VNITRO_A_ENA_EXPRESS: case VNITRO_A_ENA_EXPRESS_UDP: case VNITRO_A_ROUTE_TARGET:
	case VNITRO_A_FRAG_NEEDED: case VNITRO_A_EFA_SUPPORTED:
	case VNITRO_A_ENA_EXPRESS_SUPPORTED: case VNITRO_A_RSS_KEY_CONFIGURABLE:
	case VNITRO_A_SG_DIRECTION: case VNITRO_A_SG_ICMP_TYPE: case VNITRO_A_SG_ICMP_CODE:
	case VNITRO_A_NACL_RULE_ACTION: case VNITRO_A_MD_HTTP_TOKENS: case VNITRO_A_MD_HOP_LIMIT:
	case VNITRO_A_MD_ENDPOINT: case VNITRO_A_PG_STRATEGY: case VNITRO_A_PG_SPREAD_LEVEL:
		return K_U8;
	case VNITRO_A_SG_PROTOCOL: case VNITRO_A_SG_PORT_FROM: case VNITRO_A_SG_PORT_TO:
	case VNITRO_A_NACL_RULE_NUMBER:
		return K_U16;
	case VNITRO_A_NETNS_FD: case VNITRO_A_PRIVATE_IP: case VNITRO_A_DEVICE_INDEX:
	case VNITRO_A_IFINDEX: case VNITRO_A_CIDR_ADDR: case VNITRO_A_ENI_COUNT:
	case VNITRO_A_IP_COUNT: case VNITRO_A_MAX_ENIS: case VNITRO_A_MAX_IPS_PER_ENI:
	case VNITRO_A_MAX_QUEUES: case VNITRO_A_BASELINE_MBPS:
	case VNITRO_A_TCP_ESTABLISHED_TIMEOUT: case VNITRO_A_UDP_STREAM_TIMEOUT:
	case VNITRO_A_UDP_TIMEOUT: case VNITRO_A_PUBLIC_IP: case VNITRO_A_RATE_SCALE:
	case VNITRO_A_BURST_SECONDS: case VNITRO_A_PATH_LOSS_PPM: case VNITRO_A_PATH_REORDER_PPM:
	case VNITRO_A_PATH_DELAY_US: case VNITRO_A_PATH_REORDER_DELAY_US:
	case VNITRO_A_PATH_JITTER_US: case VNITRO_A_PATH_CONGESTION_PPM:
	case VNITRO_A_PATH_CONGESTION_DELAY_US: case VNITRO_A_PATH_CONGESTION_LOSS_PPM:
	case VNITRO_A_PATH_EPISODE_US: case VNITRO_A_PATH_COUNT: case VNITRO_A_PATH_INDEX:
	case VNITRO_A_PATH_NODE_DELAY_US: case VNITRO_A_PATH_AZ_DELAY_US:
	case VNITRO_A_PG_PARTITION_COUNT: case VNITRO_A_PG_PARTITION: case VNITRO_A_INSTANCE_HOST:
		return K_U32;
	case VNITRO_A_TX_SRC_DST_DROPPED: case VNITRO_A_RX_SRC_DST_DROPPED:
	case VNITRO_A_SG_INGRESS_DROPPED: case VNITRO_A_SG_EGRESS_DROPPED:
	case VNITRO_A_CONNTRACK_ALLOWANCE_EXCEEDED: case VNITRO_A_CONNTRACK_TRACKED:
	case VNITRO_A_CONNTRACK_MAX: case VNITRO_A_PATH_SEED:
	case VNITRO_A_TUNNEL_TX_PACKETS: case VNITRO_A_TUNNEL_TX_DROPPED:
	case VNITRO_A_TUNNEL_RX_PACKETS: case VNITRO_A_TUNNEL_RX_DROPPED:
		return K_U64;
	case VNITRO_A_MAC:
		return K_MAC;
	case VNITRO_A_SECURITY_GROUPS: case VNITRO_A_SECONDARY_IPS: case VNITRO_A_SG_RULES:
	case VNITRO_A_SG_RULE: case VNITRO_A_NACL_ENTRIES: case VNITRO_A_NACL_ENTRY:
	case VNITRO_A_PATHS: case VNITRO_A_NETWORK_NODES:
		return K_NEST;
	default:
		return K_NONE;
	}
}

/* ---- the dictionary: strings the kernel knows, and others ---- */

static char pool[POOL_MAX][VNITRO_DESCRIPTION_LEN];
static unsigned int pool_n, pool_next;
static int netns_fds[4];	/* this namespace, a regular file, a closed fd, -1 */

static void pool_add(const char *s, size_t len)
{
	unsigned int i;

	if (!len || len >= sizeof(pool[0]))
		return;
	for (i = 0; i < pool_n; i++)
		if (!strncmp(pool[i], s, len) && !pool[i][len])
			return;
	memcpy(pool[pool_next], s, len);
	pool[pool_next][len] = '\0';
	pool_next = (pool_next + 1) % POOL_MAX;
	if (pool_n < POOL_MAX)
		pool_n++;
}

static const char *const seeds[] = {
	"i-host", "i-a", "i-b", "i-fuzz", "vpc-default", "subnet-default", "subnet-other",
	"eni-0", "eni-ffffffffffffffffff", "igw-1", "sg-0123456789abcdef0", "sg-", "sg-XYZ",
	"acl-1", "acl-", "acl-0123456789abcdef0",
	"c5n.18xlarge", "p5.48xlarge", "m5.large", "t2.micro", "us-east-1a", "", "internet",
	"eni-../../etc", "%s%s%n", "vpc-1", "subnet-1",
};

/* A string value into @buf: from the pool, a seed, random bytes or a long run; returns its length. */
static size_t pick_string(char *buf, size_t cap, bool *terminated)
{
	size_t len;

	*terminated = !chance(5);
	switch (below(6)) {
	case 0:
	case 1:
		if (pool_n) {
			const char *s = pool[below(pool_n)];

			len = strlen(s);
			memcpy(buf, s, len);
			break;
		}
		/* fall through */
	case 2:
	case 3: {
		const char *s = seeds[below(sizeof(seeds) / sizeof(seeds[0]))];

		len = strlen(s);
		memcpy(buf, s, len);
		break;
	}
	case 4:
		len = below(40);
		for (size_t i = 0; i < len; i++)
			buf[i] = (char)(0x20 + below(0x5f));
		break;
	default:
		/* Past every length limit (IDs 32, names 64, descriptions 256). */
		len = (size_t[]){31, 32, 63, 64, 255, 256, 300, 1000}[below(8)];
		if (len > cap - 1)
			len = cap - 1;
		memset(buf, 'a' + below(26), len);
		break;
	}
	if (*terminated)
		buf[len++] = '\0';
	return len;
}

static uint32_t pick_u32(unsigned int type)
{
	static const uint32_t edges[] = {0, 1, 2, 15, 16, 28, 29, 31, 32, 50, 51, 255, 256,
					 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff};

	if (type == VNITRO_A_NETNS_FD && chance(70))
		return (uint32_t)netns_fds[below(4)];
	if ((type == VNITRO_A_PRIVATE_IP || type == VNITRO_A_CIDR_ADDR) && chance(70))
		/* 172.31.0.0/16 (the default VPC), network order, or around it. */
		return htonl(0xac1f0000u | (chance(80) ? below(0x10000) : (uint32_t)rnd()));
	if (chance(50))
		return edges[below(sizeof(edges) / sizeof(edges[0]))];
	return (uint32_t)rnd();
}

/* ---- building a request ---- */

struct msg {
	char buf[MSG_MAX];
	size_t len;
};

/* Appends an attribute header with @len bytes of payload; NULL when full. */
static void *put(struct msg *m, unsigned short type, size_t len)
{
	struct nlattr *nla = (struct nlattr *)(m->buf + m->len);

	if (m->len + NLA_HDRLEN + NLA_ALIGN(len) > sizeof(m->buf) || NLA_HDRLEN + len > 0xffff)
		return NULL;
	nla->nla_type = type;
	nla->nla_len = (unsigned short)(NLA_HDRLEN + len);
	memset((char *)nla + NLA_HDRLEN, 0, NLA_ALIGN(len));
	m->len += NLA_HDRLEN + NLA_ALIGN(len);
	return (char *)nla + NLA_HDRLEN;
}

static void put_random_attr(struct msg *m, int depth);

/* A nest: its proper members, garbage, or hundreds of members (huge counts). */
static void put_nest(struct msg *m, unsigned short type, int depth)
{
	size_t start = m->len;
	struct nlattr *nest;
	unsigned int n, i;

	if (!put(m, type | (chance(80) ? NLA_F_NESTED : 0), 0))
		return;
	n = chance(10) ? 100 + below(400) : below(8);
	for (i = 0; i < n; i++) {
		if (depth < 4 && chance(15)) {
			put_random_attr(m, depth + 1);
			continue;
		}
		if (type == VNITRO_A_SECURITY_GROUPS) {
			char s[VNITRO_DESCRIPTION_LEN + 64];
			bool term;
			size_t len = pick_string(s, sizeof(s), &term);
			void *p = put(m, VNITRO_A_SECURITY_GROUP_ID, len);

			if (!p)
				break;
			memcpy(p, s, len);
		} else {
			uint32_t *p = put(m, VNITRO_A_PRIVATE_IP, 4);

			if (!p)
				break;
			*p = pick_u32(VNITRO_A_PRIVATE_IP);
		}
	}
	nest = (struct nlattr *)(m->buf + start);
	nest->nla_len = (unsigned short)(m->len - start > 0xffff ? 0xffff : m->len - start);
}

static void put_random_attr(struct msg *m, int depth)
{
	unsigned short type = (unsigned short)(chance(90) ? 1 + below(VNITRO_A_MAX) :
					       below(VNITRO_A_MAX + 20));
	enum kind k = kind_of(type);
	uint8_t *p;
	size_t len;

	if (chance(8))
		k = (enum kind)(1 + below(K_NEST));	/* the wrong type */
	if (chance(8)) {
		/* A length no type has: random bytes. */
		len = below(64);
		p = put(m, type, len);
		for (size_t i = 0; p && i < len; i++)
			p[i] = (uint8_t)rnd();
		return;
	}
	switch (k) {
	case K_STR: {
		char s[VNITRO_DESCRIPTION_LEN + 1024];
		bool term;

		len = pick_string(s, sizeof(s), &term);
		p = put(m, type, len);
		if (p)
			memcpy(p, s, len);
		break;
	}
	case K_U8:
		p = put(m, type, chance(90) ? 1 : below(9));
		if (p)
			*p = (uint8_t)(chance(60) ? below(3) : rnd());
		break;
	case K_U16:
		p = put(m, type, chance(90) ? 2 : below(9));
		if (p && m->buf + m->len - (char *)p >= 2) {
			uint16_t v = (uint16_t)(chance(50) ? below(260) : rnd());

			memcpy(p, &v, 2);
		}
		break;
	case K_U32:
		p = put(m, type, chance(90) ? 4 : below(9));
		if (p && m->buf + m->len - (char *)p >= 4) {
			uint32_t v = pick_u32(type);

			memcpy(p, &v, 4);
		}
		break;
	case K_U64:
		p = put(m, type, 8);
		if (p) {
			uint64_t v = rnd();

			memcpy(p, &v, 8);
		}
		break;
	case K_MAC:
		len = chance(85) ? 6 : below(12);
		p = put(m, type, len);
		for (size_t i = 0; p && i < len; i++)
			p[i] = chance(50) ? (uint8_t)rnd() : (i == 0 ? 2 : 0);
		break;
	case K_NEST:
		put_nest(m, type, depth);
		break;
	default:
		p = put(m, type, below(16));
		break;
	}
}

/* What each command needs (uapi/linux/vnitro.h), so that many requests reach its handler. */
static const uint8_t needs[VNITRO_CMD_MAX + 1][5] = {
	[VNITRO_CMD_INSTANCE_ADD] = {VNITRO_A_INSTANCE_NAME, VNITRO_A_SUBNET_ID, VNITRO_A_NETNS_FD,
				     VNITRO_A_INSTANCE_TYPE, VNITRO_A_PG_NAME},
	[VNITRO_CMD_INSTANCE_DEL] = {VNITRO_A_INSTANCE_NAME},
	[VNITRO_CMD_INSTANCE_GET] = {VNITRO_A_INSTANCE_NAME},
	[VNITRO_CMD_INSTANCE_SET] = {VNITRO_A_INSTANCE_NAME, VNITRO_A_MD_HTTP_TOKENS,
				     VNITRO_A_MD_HOP_LIMIT, VNITRO_A_MD_ENDPOINT},
	[VNITRO_CMD_WORLD_SET] = {VNITRO_A_RATE_SCALE, VNITRO_A_BURST_SECONDS},
	[VNITRO_CMD_PATH_SET] = {VNITRO_A_PATH_LOSS_PPM, VNITRO_A_PATH_INDEX,
				 VNITRO_A_PATH_CONGESTION_PPM, VNITRO_A_PATH_COUNT, VNITRO_A_PATH_SEED},
	[VNITRO_CMD_ENI_ADD] = {VNITRO_A_SUBNET_ID, VNITRO_A_ENI_TYPE, VNITRO_A_PRIVATE_IP},
	[VNITRO_CMD_ENI_DEL] = {VNITRO_A_ENI_ID},
	[VNITRO_CMD_ENI_GET] = {VNITRO_A_ENI_ID},
	[VNITRO_CMD_ENI_ATTACH] = {VNITRO_A_ENI_ID, VNITRO_A_INSTANCE_NAME, VNITRO_A_DEVICE_INDEX},
	[VNITRO_CMD_ENI_DETACH] = {VNITRO_A_ENI_ID},
	[VNITRO_CMD_VPC_GET] = {VNITRO_A_VPC_ID},
	[VNITRO_CMD_SUBNET_GET] = {VNITRO_A_SUBNET_ID},
	[VNITRO_CMD_VPC_ADD] = {VNITRO_A_VPC_ID, VNITRO_A_CIDR_ADDR, VNITRO_A_CIDR_PREFIXLEN},
	[VNITRO_CMD_VPC_DEL] = {VNITRO_A_VPC_ID},
	[VNITRO_CMD_SUBNET_ADD] = {VNITRO_A_SUBNET_ID, VNITRO_A_VPC_ID, VNITRO_A_CIDR_ADDR,
				   VNITRO_A_CIDR_PREFIXLEN, VNITRO_A_AZ},
	[VNITRO_CMD_SUBNET_DEL] = {VNITRO_A_SUBNET_ID},
	[VNITRO_CMD_ENI_SET] = {VNITRO_A_ENI_ID, VNITRO_A_SOURCE_DEST_CHECK, VNITRO_A_DESCRIPTION,
				VNITRO_A_SECURITY_GROUPS, VNITRO_A_ENA_EXPRESS},
	[VNITRO_CMD_ENI_IP_ASSIGN] = {VNITRO_A_ENI_ID, VNITRO_A_IP_COUNT},
	[VNITRO_CMD_ENI_IP_UNASSIGN] = {VNITRO_A_ENI_ID, VNITRO_A_PRIVATE_IP},
	[VNITRO_CMD_ROUTE_ADD] = {VNITRO_A_SUBNET_ID, VNITRO_A_CIDR_ADDR, VNITRO_A_CIDR_PREFIXLEN,
				  VNITRO_A_ENI_ID},
	[VNITRO_CMD_ROUTE_DEL] = {VNITRO_A_SUBNET_ID, VNITRO_A_CIDR_ADDR, VNITRO_A_CIDR_PREFIXLEN},
	[VNITRO_CMD_ROUTE_GET] = {VNITRO_A_SUBNET_ID, VNITRO_A_CIDR_ADDR, VNITRO_A_CIDR_PREFIXLEN},
	[VNITRO_CMD_IGW_ADD] = {VNITRO_A_IGW_ID, VNITRO_A_VPC_ID, VNITRO_A_NETNS_FD},
	[VNITRO_CMD_IGW_DEL] = {VNITRO_A_IGW_ID},
	[VNITRO_CMD_IGW_GET] = {VNITRO_A_IGW_ID},
	[VNITRO_CMD_IGW_SET] = {VNITRO_A_IGW_ID, VNITRO_A_FRAG_NEEDED},
	[VNITRO_CMD_TYPE_GET] = {VNITRO_A_INSTANCE_TYPE},
	[VNITRO_CMD_SG_ADD] = {VNITRO_A_VPC_ID, VNITRO_A_SECURITY_GROUP_ID, VNITRO_A_SG_NAME,
			       VNITRO_A_DESCRIPTION},
	[VNITRO_CMD_SG_DEL] = {VNITRO_A_SECURITY_GROUP_ID},
	[VNITRO_CMD_SG_GET] = {VNITRO_A_SECURITY_GROUP_ID},
	[VNITRO_CMD_SG_RULE_ADD] = {VNITRO_A_SECURITY_GROUP_ID, VNITRO_A_SG_DIRECTION,
				    VNITRO_A_SG_PROTOCOL, VNITRO_A_SG_PORT_FROM, VNITRO_A_CIDR_ADDR},
	[VNITRO_CMD_SG_RULE_DEL] = {VNITRO_A_SECURITY_GROUP_ID, VNITRO_A_SG_DIRECTION,
				    VNITRO_A_SG_PROTOCOL, VNITRO_A_SG_PEER_ID},
	[VNITRO_CMD_NACL_ADD] = {VNITRO_A_VPC_ID, VNITRO_A_NACL_ID},
	[VNITRO_CMD_NACL_DEL] = {VNITRO_A_NACL_ID},
	[VNITRO_CMD_NACL_GET] = {VNITRO_A_NACL_ID},
	[VNITRO_CMD_NACL_ENTRY_ADD] = {VNITRO_A_NACL_ID, VNITRO_A_SG_DIRECTION,
				       VNITRO_A_NACL_RULE_NUMBER, VNITRO_A_NACL_RULE_ACTION,
				       VNITRO_A_SG_PROTOCOL},
	[VNITRO_CMD_NACL_ENTRY_DEL] = {VNITRO_A_NACL_ID, VNITRO_A_SG_DIRECTION,
				       VNITRO_A_NACL_RULE_NUMBER},
	[VNITRO_CMD_NACL_ENTRY_REPLACE] = {VNITRO_A_NACL_ID, VNITRO_A_SG_DIRECTION,
					   VNITRO_A_NACL_RULE_NUMBER, VNITRO_A_NACL_RULE_ACTION,
					   VNITRO_A_CIDR_ADDR},
	[VNITRO_CMD_NACL_ASSOCIATE] = {VNITRO_A_NACL_ID, VNITRO_A_SUBNET_ID},
	[VNITRO_CMD_EIP_ADD] = {VNITRO_A_EIP_ALLOCATION_ID, VNITRO_A_PUBLIC_IP},
	[VNITRO_CMD_EIP_DEL] = {VNITRO_A_EIP_ALLOCATION_ID},
	[VNITRO_CMD_EIP_GET] = {VNITRO_A_EIP_ALLOCATION_ID},
	[VNITRO_CMD_EIP_ASSOCIATE] = {VNITRO_A_EIP_ALLOCATION_ID, VNITRO_A_ENI_ID,
				      VNITRO_A_PRIVATE_IP, VNITRO_A_EIP_ALLOW_REASSOCIATION},
	[VNITRO_CMD_EIP_DISASSOCIATE] = {VNITRO_A_EIP_ASSOCIATION_ID},
	[VNITRO_CMD_EIP_POOL_SET] = {VNITRO_A_CIDR_ADDR, VNITRO_A_CIDR_PREFIXLEN},
	[VNITRO_CMD_PG_ADD] = {VNITRO_A_PG_NAME, VNITRO_A_PG_STRATEGY, VNITRO_A_PG_PARTITION_COUNT,
			       VNITRO_A_PG_SPREAD_LEVEL},
	[VNITRO_CMD_PG_DEL] = {VNITRO_A_PG_NAME},
	[VNITRO_CMD_PG_GET] = {VNITRO_A_PG_ID},
	/* Another host's instance: a remote port, sent to through whatever tunnel there is. */
	[VNITRO_CMD_TUNNEL_SET] = {VNITRO_A_TUNNEL_DEV},
};

/* An attribute of @type as its policy wants it, valued from the dictionary or the edges. */
static void put_proper_attr(struct msg *m, unsigned short type)
{
	uint8_t *p;

	switch (kind_of(type)) {
	case K_STR: {
		char s[VNITRO_DESCRIPTION_LEN + 1024];
		size_t len;
		bool term;

		do
			len = pick_string(s, sizeof(s), &term);
		while (!term);
		p = put(m, type, len);
		if (p)
			memcpy(p, s, len);
		break;
	}
	case K_U8:
		p = put(m, type, 1);
		if (p)
			*p = (uint8_t)(type == VNITRO_A_CIDR_PREFIXLEN ? 14 + below(18) : below(3));
		break;
	case K_U16:
		p = put(m, type, 2);
		if (p) {
			/* tcp, udp, icmp, all, or a port near the edges */
			static const uint16_t values[] = {6, 17, 1, VNITRO_SG_PROTO_ALL, 0, 22, 65535};
			uint16_t v = values[below(sizeof(values) / sizeof(values[0]))];

			memcpy(p, &v, 2);
		}
		break;
	case K_U32:
		p = put(m, type, 4);
		if (p) {
			uint32_t v = type == VNITRO_A_DEVICE_INDEX ? below(34) :
				     type == VNITRO_A_IP_COUNT ? below(60) : pick_u32(type);

			memcpy(p, &v, 4);
		}
		break;
	case K_NEST:
		put_nest(m, type, 3);
		break;
	default:
		put_random_attr(m, 0);
		break;
	}
}

/*
 * One request of family @family into @m (after its netlink and genl headers).
 * Returns false when its length was broken on purpose: the kernel may drop it
 * without an answer.
 */
static bool build(struct msg *m, uint16_t family, uint32_t seq)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *g = (struct genlmsghdr *)NLMSG_DATA(nlh);
	unsigned int n, i;

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (chance(15) ? NLM_F_DUMP : 0);
	nlh->nlmsg_seq = seq;
	g->cmd = (uint8_t)(chance(92) ? below(VNITRO_CMD_MAX + 1) : rnd());
	g->version = chance(95) ? VNITRO_GENL_VERSION : (uint8_t)rnd();
	if (g->cmd <= VNITRO_CMD_MAX && chance(50)) {
		/* Well formed, mostly: what the command needs, each as its policy says. */
		for (i = 0; i < 5 && needs[g->cmd][i]; i++)
			if (chance(92))
				put_proper_attr(m, needs[g->cmd][i]);
		n = chance(20) ? 1 : 0;
	} else {
		n = chance(5) ? 50 + below(200) : below(9);
	}
	for (i = 0; i < n; i++)
		put_random_attr(m, 0);
	nlh->nlmsg_len = (uint32_t)m->len;
	if (chance(2)) {
		/* A length that does not match what follows. */
		nlh->nlmsg_len = (uint32_t)(chance(50) ? below((uint32_t)m->len) : m->len + below(64));
		return false;
	}
	return true;
}

/* ---- talking to the kernel ---- */

static uint64_t errnos[ERRNO_MAX + 2];	/* [0]: OK, [ERRNO_MAX + 1]: no answer */

/* Learns string attributes of a reply (IDs of the world's objects) for the dictionary. */
static void learn(const struct nlmsghdr *nlh)
{
	const struct nlattr *nla;
	int rem;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return;
	nla = (const struct nlattr *)((const char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	rem = (int)nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	for (; rem >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN && nla->nla_len <= rem;
	     rem -= NLA_ALIGN(nla->nla_len),
	     nla = (const struct nlattr *)((const char *)nla + NLA_ALIGN(nla->nla_len)))
		if (kind_of(nla->nla_type & NLA_TYPE_MASK) == K_STR && nla->nla_len > NLA_HDRLEN)
			pool_add((const char *)nla + NLA_HDRLEN, strnlen((const char *)nla + NLA_HDRLEN,
							nla->nla_len - NLA_HDRLEN));
}

/* Reads until the ack (or a dump's end); counts its errno. */
static void drain(int fd, uint32_t seq)
{
	static char buf[65536];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* EAGAIN: no answer within the receive timeout (or none was due: bad length). */
			errnos[ERRNO_MAX + 1]++;
			return;
		}
		for (; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				int e = -((struct nlmsgerr *)NLMSG_DATA(nlh))->error;

				errnos[e >= 0 && e <= ERRNO_MAX ? e : ERRNO_MAX]++;
				return;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				errnos[0]++;
				return;
			}
			learn(nlh);
		}
	}
}

static int open_socket(void)
{
	struct timeval tv = {.tv_sec = 5};
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static int family_id(int fd)
{
	struct msg m = {};
	struct nlmsghdr *nlh = (struct nlmsghdr *)m.buf;
	struct genlmsghdr *g = (struct genlmsghdr *)NLMSG_DATA(nlh);
	char buf[8192];
	ssize_t n;
	void *p;

	m.len = NLMSG_HDRLEN + GENL_HDRLEN;
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	p = put(&m, CTRL_ATTR_FAMILY_NAME, sizeof(VNITRO_GENL_NAME));
	memcpy(p, VNITRO_GENL_NAME, sizeof(VNITRO_GENL_NAME));
	nlh->nlmsg_len = (uint32_t)m.len;
	if (send(fd, m.buf, m.len, 0) < 0)
		return -errno;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0)
		return -errno;
	nlh = (struct nlmsghdr *)buf;
	if (!NLMSG_OK(nlh, n) || nlh->nlmsg_type == NLMSG_ERROR)
		return nlh->nlmsg_type == NLMSG_ERROR ? ((struct nlmsgerr *)NLMSG_DATA(nlh))->error : -EPROTO;
	for (struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	     (char *)a + NLA_HDRLEN <= buf + nlh->nlmsg_len && a->nla_len >= NLA_HDRLEN;
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			return *(uint16_t *)((char *)a + NLA_HDRLEN);
	return -ENOENT;
}

/* Dumps of every GET, for the dictionary (and as fuzz of their own). */
static void refresh_pool(int fd, uint16_t family, uint32_t *seq)
{
	static const uint8_t gets[] = {VNITRO_CMD_INSTANCE_GET, VNITRO_CMD_ENI_GET,
				       VNITRO_CMD_VPC_GET, VNITRO_CMD_SUBNET_GET,
				       VNITRO_CMD_ROUTE_GET, VNITRO_CMD_IGW_GET, VNITRO_CMD_TYPE_GET,
				       VNITRO_CMD_SG_GET};
	struct msg m;

	for (size_t i = 0; i < sizeof(gets); i++) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)m.buf;
		struct genlmsghdr *g = (struct genlmsghdr *)NLMSG_DATA(nlh);

		memset(m.buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
		m.len = NLMSG_HDRLEN + GENL_HDRLEN;
		nlh->nlmsg_type = family;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP;
		nlh->nlmsg_seq = ++*seq;
		g->cmd = gets[i];
		g->version = VNITRO_GENL_VERSION;
		nlh->nlmsg_len = (uint32_t)m.len;
		if (send(fd, m.buf, m.len, 0) >= 0)
			drain(fd, *seq);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One worker: ITERATIONS requests or until DEADLINE. Writes its counts to @out. */
static void worker(uint64_t seed, uint64_t iterations, double deadline, int out)
{
	uint32_t seq = 0;
	uint64_t it;
	struct msg m;
	int fd, family;

	rng_state = seed ? seed : 1;
	fd = open_socket();
	family = fd < 0 ? -errno : family_id(fd);
	if (family < 0) {
		fprintf(stderr, "genl_fuzz: family %s: %s\n", VNITRO_GENL_NAME, strerror(-family));
		_exit(1);
	}
	netns_fds[0] = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	netns_fds[1] = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	netns_fds[2] = 1000;
	netns_fds[3] = -1;
	refresh_pool(fd, (uint16_t)family, &seq);
	for (it = 0; iterations ? it < iterations : now() < deadline; it++) {
		if (it % 500 == 499)
			refresh_pool(fd, (uint16_t)family, &seq);
		bool answered = build(&m, (uint16_t)family, ++seq);

		if (answered && chance(3)) {
			/* A batch: a second request in the same datagram. */
			struct msg second;

			build(&second, (uint16_t)family, seq + 1000000);
			if (m.len + second.len <= sizeof(m.buf)) {
				memcpy(m.buf + NLMSG_ALIGN(m.len), second.buf, second.len);
				m.len = NLMSG_ALIGN(m.len) + second.len;
			}
		}
		if (send(fd, m.buf, m.len, 0) < 0) {
			int e = errno;

			errnos[e <= ERRNO_MAX ? e : ERRNO_MAX]++;
			continue;
		}
		if (!answered) {
			struct pollfd pfd = {.fd = fd, .events = POLLIN};

			if (poll(&pfd, 1, 100) <= 0) {
				errnos[ERRNO_MAX + 1]++;
				continue;
			}
		}
		drain(fd, seq);
	}
	if (write(out, &it, sizeof(it)) != sizeof(it) ||
	    write(out, errnos, sizeof(errnos)) != sizeof(errnos))
		_exit(1);
	_exit(0);
}

static void usage(void)
{
	fprintf(stderr, "usage: genl_fuzz [-n ITERATIONS | -t SECONDS] [-s SEED] [-j PROCESSES]\n");
	exit(2);
}

static uint64_t number(const char *opt, const char *s, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || !*s || !v || v > max) {
		fprintf(stderr, "genl_fuzz: invalid %s %s (1..%" PRIu64 ")\n", opt, s, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	uint64_t iterations = 0, seconds = 0, seed = 0, procs = 1, total = 0;
	uint64_t sum[ERRNO_MAX + 2] = {0};
	int pipefd[2], opt, failed = 0;
	double deadline;

	while ((opt = getopt(argc, argv, "n:t:s:j:")) != -1) {
		switch (opt) {
		case 'n': iterations = number("-n", optarg, UINT64_MAX / 2); break;
		case 't': seconds = number("-t", optarg, 86400); break;
		case 's': seed = number("-s", optarg, UINT64_MAX); break;
		case 'j': procs = number("-j", optarg, 64); break;
		default: usage();
		}
	}
	if (optind != argc || (iterations && seconds))
		usage();
	if (!iterations && !seconds)
		seconds = 10;
	if (!seed)
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	printf("seed: %" PRIu64 "\n", seed);
	fflush(stdout);
	deadline = now() + (double)seconds;
	if (pipe(pipefd))
		return 1;
	for (uint64_t p = 0; p < procs; p++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (!pid) {
			close(pipefd[0]);
			worker(seed + p * 0x9e3779b97f4a7c15ull, iterations, deadline, pipefd[1]);
		}
	}
	close(pipefd[1]);
	for (uint64_t p = 0; p < procs; p++) {
		uint64_t it, e[ERRNO_MAX + 2];

		if (read(pipefd[0], &it, sizeof(it)) != sizeof(it) ||
		    read(pipefd[0], e, sizeof(e)) != sizeof(e)) {
			failed = 1;
			continue;
		}
		total += it;
		for (int i = 0; i < ERRNO_MAX + 2; i++)
			sum[i] += e[i];
	}
	while (wait(NULL) > 0)
		;
	if (failed) {
		fprintf(stderr, "genl_fuzz: a worker did not finish\n");
		return 1;
	}
	printf("iterations: %" PRIu64 "\nerrnos:", total);
	for (int i = 0; i <= ERRNO_MAX + 1; i++) {
		if (!sum[i])
			continue;
		if (i == 0)
			printf(" OK:%" PRIu64, sum[i]);
		else if (i == ERRNO_MAX + 1)
			printf(" no-answer:%" PRIu64, sum[i]);
		else
			printf(" %s:%" PRIu64, strerrorname_np(i) ? strerrorname_np(i) : "E?", sum[i]);
	}
	printf("\n");
	return 0;
}
