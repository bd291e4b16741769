// SPDX-License-Identifier: GPL-2.0
/* xdp_tx.bpf.c - XDP_TX: the test's UDP frames go back to their sender, the rest pass. */
#include "parse.h"

SEC("xdp")
int xdp_tx(struct xdp_md *ctx)
{
	return reflect(ctx) ? XDP_PASS : XDP_TX;
}

/* The same for frames larger than a page: the headers are in the first buffer. */
SEC("xdp.frags")
int xdp_tx_frags(struct xdp_md *ctx)
{
	return reflect(ctx) ? XDP_PASS : XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
