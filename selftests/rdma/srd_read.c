// SPDX-License-Identifier: GPL-2.0
/*
 * srd_read.c - RDMA read between two instances through stock libibverbs and
 * libefa (ibv_wr_rdma_read on an SRD QP): the server opens a region of
 * known bytes to remote reads, the client reads all of it in pieces of
 * every size from 1 byte to 64 KiB, checks each byte, then makes reads the
 * server's side must refuse (unknown rkey, range past the region, a region
 * without REMOTE_READ) and checks they fail with the device's status and
 * land nothing.
 *
 *   server: srd_read -d DEV
 *   client: srd_read -d DEV [-n ROUNDS] SERVER_IP
 *
 * GID, QPN, QKey and the regions' addresses and keys go over TCP port 18701.
 * The client prints what it did and the mean time of a 64-byte read (a
 * figure, not a check). Exit 0 only when every read did what it should.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <infiniband/efadv.h>

#include "peer.h"

#define PORT 18701
#define QKEY 0x11111111u
#define SIZE (1u << 20)		/* the server's readable region */
#define MAX_PIECE 65536u
#define DEPTH 16

struct peer {
	uint8_t gid[16];
	uint32_t qpn;
	uint32_t qkey;
	uint64_t addr;			/* readable region */
	uint32_t rkey;
	uint64_t plain_addr;		/* a region without REMOTE_READ */
	uint32_t plain_rkey;
};

static struct ibv_context *ctx;
static struct ibv_pd *pd;
static struct ibv_cq *cq;
static struct ibv_qp *qp;
static struct ibv_qp_ex *qpx;
static struct ibv_mr *mr, *plain;
static uint8_t *buf, *plain_buf;

static uint8_t pattern(uint32_t off)
{
	return (uint8_t)(off * 131 + (off >> 8) * 7 + 1);
}

static void setup(const char *name, bool server)
{
	struct ibv_qp_init_attr_ex init = {};
	struct efadv_qp_init_attr efa = {};
	struct efadv_device_attr ea = {};

	ctx = efa_open(name);
	if (efadv_query_device(ctx, &ea, sizeof(ea)))
		die("efadv_query_device");
	if (!(ea.device_caps & EFADV_DEVICE_ATTR_CAPS_RDMA_READ))
		die("%s has no RDMA read (device_caps %#x)", name, ea.device_caps);
	pd = ibv_alloc_pd(ctx);
	buf = calloc(1, SIZE);
	plain_buf = calloc(1, 4096);
	if (!pd || !buf || !plain_buf)
		die("alloc: %s", strerror(errno));
	if (server)
		for (uint32_t off = 0; off < SIZE; off++)
			buf[off] = pattern(off);
	mr = ibv_reg_mr(pd, buf, SIZE, IBV_ACCESS_LOCAL_WRITE |
			(server ? IBV_ACCESS_REMOTE_READ : 0));
	plain = ibv_reg_mr(pd, plain_buf, 4096, IBV_ACCESS_LOCAL_WRITE);
	cq = ibv_create_cq(ctx, 2 * DEPTH, NULL, NULL, 0);
	if (!mr || !plain || !cq)
		die("reg_mr/create_cq: %s", strerror(errno));
	init.send_cq = cq;
	init.recv_cq = cq;
	init.cap.max_send_wr = DEPTH;
	init.cap.max_recv_wr = DEPTH;
	init.cap.max_send_sge = 1;
	init.cap.max_recv_sge = 1;
	init.qp_type = IBV_QPT_DRIVER;
	init.pd = pd;
	init.comp_mask = IBV_QP_INIT_ATTR_PD | IBV_QP_INIT_ATTR_SEND_OPS_FLAGS;
	init.send_ops_flags = IBV_QP_EX_WITH_SEND | IBV_QP_EX_WITH_RDMA_READ;
	efa.driver_qp_type = EFADV_QP_DRIVER_TYPE_SRD;
	qp = efadv_create_qp_ex(ctx, &init, &efa, sizeof(efa));
	if (!qp)
		die("create SRD QP with RDMA read: %s", strerror(errno));
	qpx = ibv_qp_to_qp_ex(qp);
	srd_to_rts(qp, QKEY);
}

static void me(struct peer *p)
{
	local_gid(ctx, p->gid);
	p->qpn = qp->qp_num;
	p->qkey = QKEY;
	p->addr = (uintptr_t)buf;
	p->rkey = mr->rkey;
	p->plain_addr = (uintptr_t)plain_buf;
	p->plain_rkey = plain->rkey;
}

static int server(void)
{
	struct peer mine, theirs;
	uint8_t done;
	int lfd, fd;

	me(&mine);
	fd = tcp_serve(PORT, &lfd);
	full_io(fd, &mine, sizeof(mine), true);
	full_io(fd, &theirs, sizeof(theirs), false);
	/* One-sided: the server does nothing until the client is done. */
	full_io(fd, &done, 1, false);
	for (uint32_t off = 0; off < SIZE; off++)
		if (buf[off] != pattern(off))
			die("the readable region changed at %u", off);
	printf("region intact after the client's reads\n");
	full_io(fd, &done, 1, true);
	close(fd);
	close(lfd);
	return 0;
}

static struct ibv_ah *ah;
static struct peer theirs;

static void post_read(uint64_t id, uint64_t raddr, uint32_t rkey, void *local, uint32_t len)
{
	ibv_wr_start(qpx);
	qpx->wr_id = id;
	qpx->wr_flags = IBV_SEND_SIGNALED;
	ibv_wr_rdma_read(qpx, rkey, raddr);
	ibv_wr_set_sge(qpx, mr->lkey, (uintptr_t)local, len);
	ibv_wr_set_ud_addr(qpx, ah, theirs.qpn, theirs.qkey);
	if (ibv_wr_complete(qpx))
		die("post read %llu: %s", (unsigned long long)id, strerror(errno));
}

static struct ibv_wc wait_wc(void)
{
	struct ibv_wc wc;
	int k;

	while (!(k = ibv_poll_cq(cq, 1, &wc)))
		;
	if (k < 0)
		die("poll_cq");
	return wc;
}

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

/* Reads the whole region into buf in pieces of @piece bytes, DEPTH at a time. */
static uint32_t read_all(uint32_t piece, uint32_t *failed)
{
	uint32_t posted = 0, done = 0, n = (SIZE + piece - 1) / piece;

	while (done < n) {
		while (posted < n && posted - done < DEPTH) {
			uint32_t off = posted * piece, len = SIZE - off < piece ? SIZE - off : piece;

			post_read(posted, theirs.addr + off, theirs.rkey, buf + off, len);
			posted++;
		}
		struct ibv_wc wc = wait_wc();

		if (wc.status != IBV_WC_SUCCESS) {
			fprintf(stderr, "srd_read: read %llu of %u bytes: %s (vendor_err %u)\n",
				(unsigned long long)wc.wr_id, piece, ibv_wc_status_str(wc.status),
				wc.vendor_err);
			(*failed)++;
		}
		done++;
	}
	return n;
}

/* A read the server's side must refuse: REMOTE_ERROR_BAD_ADDRESS (7), nothing lands. */
static bool refused(const char *why, uint64_t raddr, uint32_t rkey)
{
	static uint8_t zero[64];
	struct ibv_wc wc;

	memset(buf, 0, sizeof(zero));
	post_read(0, raddr, rkey, buf, sizeof(zero));
	wc = wait_wc();
	printf("%s: %s, vendor_err %u\n", why, ibv_wc_status_str(wc.status), wc.vendor_err);
	return wc.status == IBV_WC_GENERAL_ERR && wc.vendor_err == 7 &&
	       !memcmp(buf, zero, sizeof(zero));
}

static int client(const char *host, uint32_t rounds)
{
	uint32_t reads = 0, failed = 0, wrong = 0, piece, r;
	bool all_refused = true;
	struct peer mine;
	uint8_t done = 1;
	double t0, t1;
	int fd;

	me(&mine);
	fd = tcp_dial(host, PORT);
	full_io(fd, &theirs, sizeof(theirs), false);
	full_io(fd, &mine, sizeof(mine), true);
	ah = ah_to(pd, theirs.gid);

	/* Pieces of 1 byte .. 64 KiB: odd sizes, page-straddling offsets. */
	for (r = 0; r < rounds; r++) {
		for (piece = 1 + r % 7; piece <= MAX_PIECE; piece = piece * 3 + 1) {
			if ((SIZE + piece - 1) / piece > 4096)
				continue;	/* keep the run short under emulation */
			memset(buf, 0, SIZE);
			reads += read_all(piece, &failed);
			for (uint32_t off = 0; off < SIZE; off++)
				if (buf[off] != pattern(off)) {
					if (!wrong++)
						fprintf(stderr, "srd_read: piece %u: byte %u is %#x, not %#x\n",
							piece, off, buf[off], pattern(off));
					break;
				}
		}
	}
	printf("%u reads completed OK, %u failed, %u passes with wrong bytes\n",
	       reads - failed, failed, wrong);

	all_refused &= refused("unknown rkey", theirs.addr, theirs.rkey ^ 0x400);
	all_refused &= refused("past the region", theirs.addr + SIZE - 32, theirs.rkey);
	all_refused &= refused("region without REMOTE_READ", theirs.plain_addr, theirs.plain_rkey);
	printf("bad reads %s\n", all_refused ? "refused with REMOTE_ERROR_BAD_ADDRESS" : "NOT refused");

	t0 = now_us();
	for (r = 0; r < 200; r++) {
		post_read(r, theirs.addr, theirs.rkey, buf, 64);
		if (wait_wc().status != IBV_WC_SUCCESS)
			failed++;
	}
	t1 = now_us();
	printf("64-byte read: %.1f us mean over 200 (figure, not a check)\n", (t1 - t0) / 200);

	full_io(fd, &done, 1, true);
	full_io(fd, &done, 1, false);
	close(fd);
	ibv_destroy_ah(ah);
	return !failed && !wrong && all_refused ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *dev = NULL;
	uint32_t rounds = 1;
	int opt, ret;

	while ((opt = getopt(argc, argv, "d:n:")) != -1) {
		if (opt == 'd')
			dev = optarg;
		else if (opt == 'n')
			rounds = (uint32_t)strtoul(optarg, NULL, 0);
		else
			return 2;
	}
	if (!dev || !rounds || argc - optind > 1) {
		fprintf(stderr, "usage: srd_read -d DEVICE [-n ROUNDS] [SERVER_IP]\n");
		return 2;
	}
	alarm(110);	/* a stuck run fails instead of hanging its suite */
	setup(dev, optind == argc);
	ret = optind < argc ? client(argv[optind], rounds) : server();
	ibv_destroy_qp(qp);
	ibv_destroy_cq(cq);
	ibv_dereg_mr(plain);
	ibv_dereg_mr(mr);
	ibv_dealloc_pd(pd);
	ibv_close_device(ctx);
	free(plain_buf);
	free(buf);
	return ret;
}
