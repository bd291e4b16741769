// SPDX-License-Identifier: GPL-2.0
/* xdp_pass.bpf.c - XDP_PASS for every frame, with and without multi-buffer support. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/* Loaded with BPF_F_XDP_HAS_FRAGS: the device may hand it frames larger than a page. */
SEC("xdp.frags")
int xdp_pass_frags(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
