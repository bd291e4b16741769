// SPDX-License-Identifier: GPL-2.0
/* xdp_xsk.bpf.c - the test's UDP frames to the AF_XDP socket bound to their RX queue. */
#include "parse.h"

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 32);	/* VNITRO_ENA_MAX_QUEUES */
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

SEC("xdp")
int xdp_xsk(struct xdp_md *ctx)
{
	if (!test_udp_of((void *)(long)ctx->data, (void *)(long)ctx->data_end))
		return XDP_PASS;
	/* No socket on this queue: XDP_PASS, as the default flags say. */
	return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
