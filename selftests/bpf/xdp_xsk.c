// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_xsk.c - an AF_XDP receiver in copy mode (XDP_COPY): attaches
 * xdp_xsk.bpf.o in native mode, binds a socket to one RX queue, puts it in
 * the program's xskmap, and counts the frames it receives.
 *
 *   xdp_xsk IFNAME QUEUE COUNT TIMEOUT_MS OBJ
 *
 * Prints "ready" once bound (send then), "received N" at the end (COUNT
 * frames or TIMEOUT_MS without one), and detaches. libxdp's xsk API.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>

enum { NUM_FRAMES = 4096, FRAME_SIZE = XSK_UMEM__DEFAULT_FRAME_SIZE, BATCH = 64 };

struct rx {
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_ring_cons ring;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	void *area;
};

/* Gives the kernel every frame of the umem to copy received frames into. */
static int fill_all(struct rx *rx)
{
	__u32 idx, i, n = XSK_RING_PROD__DEFAULT_NUM_DESCS;

	if (xsk_ring_prod__reserve(&rx->fill, n, &idx) != n)
		return -1;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&rx->fill, idx++) = (__u64)i * FRAME_SIZE;
	xsk_ring_prod__submit(&rx->fill, n);
	return 0;
}

/* Takes what arrived off the RX ring and gives the buffers back. */
static unsigned int drain(struct rx *rx)
{
	__u32 idx_rx, idx_fill, n, i;

	n = xsk_ring_cons__peek(&rx->ring, BATCH, &idx_rx);
	if (!n)
		return 0;
	while (xsk_ring_prod__reserve(&rx->fill, n, &idx_fill) != n)
		;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&rx->fill, idx_fill++) =
			xsk_ring_cons__rx_desc(&rx->ring, idx_rx++)->addr;
	xsk_ring_prod__submit(&rx->fill, n);
	xsk_ring_cons__release(&rx->ring, n);
	return n;
}

static int setup(struct rx *rx, const char *ifname, __u32 queue, int xsks_fd)
{
	struct xsk_socket_config cfg = {
		.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
		/* Our own program redirects; libxdp must not load its default one. */
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.xdp_flags = XDP_FLAGS_DRV_MODE,
		.bind_flags = XDP_COPY,
	};
	int err, fd;

	rx->area = mmap(NULL, (size_t)NUM_FRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (rx->area == MAP_FAILED) {
		perror("xdp_xsk: mmap");
		return -1;
	}
	err = xsk_umem__create(&rx->umem, rx->area, (__u64)NUM_FRAMES * FRAME_SIZE, &rx->fill,
			       &rx->comp, NULL);
	if (err) {
		fprintf(stderr, "Error: umem: %s\n", strerror(-err));
		return -1;
	}
	err = xsk_socket__create(&rx->xsk, ifname, queue, rx->umem, &rx->ring, NULL, &cfg);
	if (err) {
		fprintf(stderr, "Error: AF_XDP socket on %s queue %u: %s\n", ifname, queue, strerror(-err));
		return -1;
	}
	fd = xsk_socket__fd(rx->xsk);
	if (bpf_map_update_elem(xsks_fd, &queue, &fd, BPF_ANY)) {
		fprintf(stderr, "Error: xskmap[%u]: %s\n", queue, strerror(errno));
		return -1;
	}
	return fill_all(rx);
}

int main(int argc, char **argv)
{
	struct rx rx = {};
	unsigned int received = 0, count;
	struct bpf_object *obj;
	int ifindex, timeout, xsks_fd, prog_fd, rc = 1;
	__u32 queue;

	if (argc != 6) {
		fprintf(stderr, "Usage: xdp_xsk IFNAME QUEUE COUNT TIMEOUT_MS OBJ\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	queue = strtoul(argv[2], NULL, 0);
	count = strtoul(argv[3], NULL, 0);
	timeout = atoi(argv[4]);
	if (!ifindex) {
		fprintf(stderr, "Error: no device %s\n", argv[1]);
		return 1;
	}
	obj = bpf_object__open_file(argv[5], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "Error: cannot load %s: %s\n", argv[5], strerror(errno));
		return 1;
	}
	prog_fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "xdp_xsk"));
	xsks_fd = bpf_map__fd(bpf_object__find_map_by_name(obj, "xsks"));
	if (prog_fd < 0 || xsks_fd < 0 || bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL)) {
		fprintf(stderr, "Error: cannot attach xdp_xsk to %s\n", argv[1]);
		return 1;
	}
	if (setup(&rx, argv[1], queue, xsks_fd))
		goto out_detach;
	printf("ready\n");
	fflush(stdout);
	while (received < count) {
		struct pollfd pfd = { .fd = xsk_socket__fd(rx.xsk), .events = POLLIN };

		if (poll(&pfd, 1, timeout) <= 0)
			break;
		received += drain(&rx);
	}
	printf("received %u\n", received);
	rc = 0;
out_detach:
	bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	if (rx.xsk)
		xsk_socket__delete(rx.xsk);
	if (rx.umem)
		xsk_umem__delete(rx.umem);
	bpf_object__close(obj);
	return rc;
}
