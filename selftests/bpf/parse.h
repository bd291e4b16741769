/* SPDX-License-Identifier: GPL-2.0 */
/* parse.h - bounded header parsing and the "reflect" rewrite shared by the XDP test programs. */
#ifndef VNITRO_BPF_PARSE_H
#define VNITRO_BPF_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* The UDP port the suites send to (selftests/net/xdp.sh, udp_probe). */
#define VNITRO_TEST_PORT 9000

/* The IPv4 header of an Ethernet frame, or NULL. */
static __always_inline struct iphdr *ipv4_of(void *data, void *end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5)
		return NULL;
	return ip;
}

/* The UDP header of an IPv4 frame to VNITRO_TEST_PORT, or NULL. */
static __always_inline struct udphdr *test_udp_of(void *data, void *end)
{
	struct iphdr *ip = ipv4_of(data, end);
	struct udphdr *udp;

	if (!ip || ip->protocol != IPPROTO_UDP)
		return NULL;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end || udp->dest != bpf_htons(VNITRO_TEST_PORT))
		return NULL;
	return udp;
}

/*
 * Turns a frame around: MACs, IPv4 addresses and UDP ports swapped, so it
 * goes back to its sender's socket. Sums are order-free, so no checksum
 * changes. Returns 0, or -1 for a frame that is not the test's UDP.
 */
static __always_inline int reflect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct udphdr *udp = test_udp_of(data, end);
	struct ethhdr *eth = data;
	struct iphdr *ip;
	unsigned char mac[ETH_ALEN];
	__be32 addr;
	__be16 port;

	if (!udp)
		return -1;
	ip = (void *)(eth + 1);
	__builtin_memcpy(mac, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, mac, ETH_ALEN);
	addr = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = addr;
	port = udp->source;
	udp->source = udp->dest;
	udp->dest = port;
	return 0;
}

#endif /* VNITRO_BPF_PARSE_H */
