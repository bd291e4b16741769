// SPDX-License-Identifier: GPL-2.0
/* xdp_drop.bpf.c - XDP_DROP for every frame. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

/* Loaded with BPF_F_XDP_HAS_FRAGS, for jumbo MTUs. */
SEC("xdp.frags")
int xdp_drop_frags(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
