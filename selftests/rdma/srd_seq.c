// SPDX-License-Identifier: GPL-2.0
/*
 * srd_seq.c - SRD's promise end to end through stock libibverbs/libefa: the
 * client sends N numbered messages over an SRD QP, the server checks that
 * each number arrives exactly once and that every byte is the one sent.
 *
 *   server: srd_seq -d DEV -n N
 *   client: srd_seq -d DEV -n N SERVER_IP
 *
 * GID, QPN and QKey are exchanged over TCP port 18700; the client reports
 * when all its sends completed, the server then looks once more for a late
 * extra delivery and answers with its verdict. Exit 0 only when the server
 * saw N distinct messages and nothing else, and every send completed OK.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <infiniband/efadv.h>

#include "peer.h"

#define PORT 18700
#define QKEY 0x11111111u
#define SQ_DEPTH 64
#define RQ_DEPTH 128
#define SLOT 64			/* bytes per send or receive buffer */
#define MAGIC 0x5eb1ab1eu

/* What travels: the sequence number, its complement and a filler derived from it. */
struct msg {
	uint32_t seq;
	uint32_t check;
	uint8_t fill[24];
};

struct peer {
	uint8_t gid[16];
	uint32_t qpn;
	uint32_t qkey;
};

static struct ibv_context *ctx;
static struct ibv_pd *pd;
static struct ibv_cq *cq;
static struct ibv_qp *qp;
static struct ibv_mr *mr;
static uint8_t *buf;

static void make_msg(struct msg *m, uint32_t seq)
{
	m->seq = seq;
	m->check = ~seq ^ MAGIC;
	for (unsigned int i = 0; i < sizeof(m->fill); i++)
		m->fill[i] = (uint8_t)(seq * 31 + i);
}

static bool msg_ok(const struct msg *m)
{
	struct msg want;

	make_msg(&want, m->seq);
	return !memcmp(m, &want, sizeof(want));
}

static void open_dev(const char *name)
{
	ctx = efa_open(name);
	pd = ibv_alloc_pd(ctx);
	buf = calloc(SQ_DEPTH + RQ_DEPTH, SLOT);
	if (!pd || !buf)
		die("alloc_pd: %s", strerror(errno));
	mr = ibv_reg_mr(pd, buf, (SQ_DEPTH + RQ_DEPTH) * SLOT, IBV_ACCESS_LOCAL_WRITE);
	cq = ibv_create_cq(ctx, SQ_DEPTH + RQ_DEPTH, NULL, NULL, 0);
	if (!mr || !cq)
		die("reg_mr/create_cq: %s", strerror(errno));
}

static void qp_up(void)
{
	struct ibv_qp_init_attr init = {};

	init.send_cq = cq;
	init.recv_cq = cq;
	init.cap.max_send_wr = SQ_DEPTH;
	init.cap.max_recv_wr = RQ_DEPTH;
	init.cap.max_send_sge = 1;
	init.cap.max_recv_sge = 1;
	init.qp_type = IBV_QPT_DRIVER;
	qp = efadv_create_driver_qp(pd, &init, EFADV_QP_DRIVER_TYPE_SRD);
	if (!qp)
		die("create SRD QP: %s", strerror(errno));
	srd_to_rts(qp, QKEY);
}

static void me(struct peer *p)
{
	local_gid(ctx, p->gid);
	p->qpn = htonl(qp->qp_num);
	p->qkey = htonl(QKEY);
}

static void post_recv(uint32_t slot)
{
	struct ibv_sge sge = {(uintptr_t)buf + (SQ_DEPTH + slot) * SLOT, SLOT, mr->lkey};
	struct ibv_recv_wr wr = {.wr_id = slot, .sg_list = &sge, .num_sge = 1}, *bad;

	if (ibv_post_recv(qp, &wr, &bad))
		die("post_recv");
}

static int server(uint32_t n)
{
	uint8_t *seen = calloc(n, 1);
	uint32_t received = 0, dup = 0, bad = 0, errors = 0, i;
	struct peer mine, theirs;
	struct ibv_wc wc[16];
	uint8_t done, verdict;
	bool finished = false;
	int ls, fd, k;

	if (!seen)
		die("calloc");
	for (i = 0; i < RQ_DEPTH; i++)
		post_recv(i);
	me(&mine);
	fd = tcp_serve(PORT, &ls);
	full_io(fd, &theirs, sizeof(theirs), false);
	full_io(fd, &mine, sizeof(mine), true);
	/*
	 * Until the client says all its sends completed: by then every message was delivered,
	 * so what the CQ holds then is drained once more (messages and the word may both come
	 * between a poll that finds nothing and the look for the word).
	 */
	for (;;) {
		k = ibv_poll_cq(cq, 16, wc);
		if (k < 0)
			die("poll_cq");
		for (int j = 0; j < k; j++) {
			const struct msg *m = (const void *)(buf + (SQ_DEPTH + wc[j].wr_id) * SLOT);

			if (wc[j].status != IBV_WC_SUCCESS || wc[j].opcode != IBV_WC_RECV) {
				fprintf(stderr, "srd_seq: receive %s\n", ibv_wc_status_str(wc[j].status));
				errors++;
				continue;
			}
			if (wc[j].byte_len != sizeof(*m) || m->seq >= n || !msg_ok(m)) {
				bad++;
			} else if (seen[m->seq]) {
				fprintf(stderr, "srd_seq: message %u arrived twice\n", m->seq);
				dup++;
			} else {
				seen[m->seq] = 1;
				received++;
			}
			post_recv((uint32_t)wc[j].wr_id);
		}
		if (k)
			continue;
		if (finished)
			break;
		finished = recv(fd, &done, 1, MSG_DONTWAIT) == 1;
	}
	/* One more look for anything late (a duplicate would be one). */
	usleep(100 * 1000);
	while ((k = ibv_poll_cq(cq, 16, wc)) > 0)
		dup += (uint32_t)k;
	printf("received %u of %u distinct messages; %u duplicates, %u corrupt, %u receive errors\n",
	       received, n, dup, bad, errors);
	verdict = received == n && !dup && !bad && !errors;
	full_io(fd, &verdict, 1, true);
	close(fd);
	close(ls);
	return verdict ? 0 : 1;
}

static int client(uint32_t n, const char *host)
{
	uint32_t free_slots[SQ_DEPTH], n_free = 0, sent = 0, done_ok = 0, failed = 0, i;
	struct peer mine, theirs;
	struct ibv_wc wc[16];
	struct ibv_ah *ah;
	uint8_t done = 1, verdict;
	int fd, k;

	me(&mine);
	fd = tcp_dial(host, PORT);
	full_io(fd, &mine, sizeof(mine), true);
	full_io(fd, &theirs, sizeof(theirs), false);
	ah = ah_to(pd, theirs.gid);
	for (i = 0; i < SQ_DEPTH; i++)
		free_slots[n_free++] = i;
	while (done_ok + failed < n) {
		while (sent < n && n_free) {
			uint32_t slot = free_slots[--n_free];
			struct ibv_sge sge = {(uintptr_t)buf + slot * SLOT, sizeof(struct msg), mr->lkey};
			struct ibv_send_wr wr = {}, *badwr;

			make_msg((struct msg *)(buf + slot * SLOT), sent);
			wr.wr_id = slot;
			wr.sg_list = &sge;
			wr.num_sge = 1;
			wr.opcode = IBV_WR_SEND;
			wr.send_flags = IBV_SEND_SIGNALED;
			wr.wr.ud.ah = ah;
			wr.wr.ud.remote_qpn = ntohl(theirs.qpn);
			wr.wr.ud.remote_qkey = ntohl(theirs.qkey);
			if (ibv_post_send(qp, &wr, &badwr))
				die("post_send %u", sent);
			sent++;
		}
		k = ibv_poll_cq(cq, 16, wc);
		if (k < 0)
			die("poll_cq");
		for (int j = 0; j < k; j++) {
			if (wc[j].status == IBV_WC_SUCCESS) {
				done_ok++;
			} else {
				fprintf(stderr, "srd_seq: send %s\n", ibv_wc_status_str(wc[j].status));
				failed++;
			}
			free_slots[n_free++] = (uint32_t)wc[j].wr_id;
		}
	}
	printf("%u sends completed OK, %u failed\n", done_ok, failed);
	full_io(fd, &done, 1, true);
	full_io(fd, &verdict, 1, false);
	printf("server: %s\n", verdict ? "each message exactly once" : "FAILED");
	close(fd);
	ibv_destroy_ah(ah);
	return verdict && !failed ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *dev = NULL;
	uint32_t n = 0;
	int opt, ret;

	while ((opt = getopt(argc, argv, "d:n:")) != -1) {
		if (opt == 'd')
			dev = optarg;
		else if (opt == 'n')
			n = (uint32_t)strtoul(optarg, NULL, 0);
		else
			return 2;
	}
	if (!dev || !n || argc - optind > 1) {
		fprintf(stderr, "usage: srd_seq -d DEVICE -n COUNT [SERVER_IP]\n");
		return 2;
	}
	alarm(110);	/* a stuck run fails instead of hanging its suite */
	open_dev(dev);
	qp_up();
	ret = optind < argc ? client(n, argv[optind]) : server(n);
	ibv_destroy_qp(qp);
	ibv_destroy_cq(cq);
	ibv_dereg_mr(mr);
	ibv_dealloc_pd(pd);
	ibv_close_device(ctx);
	free(buf);
	return ret;
}
