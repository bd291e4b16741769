// SPDX-License-Identifier: GPL-2.0
/* xdp_aborted.bpf.c - XDP_ABORTED (a program error), and an action code no kernel knows. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_aborted(struct xdp_md *ctx)
{
	return XDP_ABORTED;
}

/* Counted as xdp_invalid by ena, and dropped. */
SEC("xdp")
int xdp_invalid(struct xdp_md *ctx)
{
	return XDP_REDIRECT + 42;
}

char LICENSE[] SEC("license") = "GPL";
