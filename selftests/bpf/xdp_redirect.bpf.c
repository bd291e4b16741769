// SPDX-License-Identifier: GPL-2.0
/* xdp_redirect.bpf.c - XDP_REDIRECT of the test's UDP frames through a devmap or a cpumap. */
#include "parse.h"

/* Entry 0: the egress device (xdp_load ... devmap tx_port 0 IFNAME). */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} tx_port SEC(".maps");

/* Entry 0: a CPU whose kthread builds skbs (xdp_load ... cpumap cpu_map 0 QSIZE). */
struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} cpu_map SEC(".maps");

/* The frame as it came, out of the devmap's device. */
SEC("xdp")
int xdp_redirect(struct xdp_md *ctx)
{
	if (!test_udp_of((void *)(long)ctx->data, (void *)(long)ctx->data_end))
		return XDP_PASS;
	return bpf_redirect_map(&tx_port, 0, 0);
}

/* Turned around first, so it goes back to its sender from the devmap's device. */
SEC("xdp")
int xdp_redirect_reflect(struct xdp_md *ctx)
{
	if (reflect(ctx))
		return XDP_PASS;
	return bpf_redirect_map(&tx_port, 0, 0);
}

/* Every frame to the stack of the cpumap's CPU. */
SEC("xdp")
int xdp_redirect_cpu(struct xdp_md *ctx)
{
	return bpf_redirect_map(&cpu_map, 0, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
