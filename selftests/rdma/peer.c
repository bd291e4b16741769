// SPDX-License-Identifier: GPL-2.0
/* peer.c - see peer.h. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "peer.h"

void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void full_io(int fd, void *p, size_t n, bool wr)
{
	while (n) {
		ssize_t r = wr ? write(fd, p, n) : read(fd, p, n);

		if (r <= 0)
			die("tcp %s: %s", wr ? "write" : "read", r ? strerror(errno) : "closed");
		p = (uint8_t *)p + r;
		n -= (size_t)r;
	}
}

struct ibv_context *efa_open(const char *name)
{
	struct ibv_context *ctx = NULL;
	struct ibv_device **list;
	int i, n;

	list = ibv_get_device_list(&n);
	for (i = 0; list && i < n && !ctx; i++)
		if (!strcmp(ibv_get_device_name(list[i]), name))
			ctx = ibv_open_device(list[i]);
	if (list)
		ibv_free_device_list(list);
	if (!ctx)
		die("cannot open %s", name);
	return ctx;
}

void srd_to_rts(struct ibv_qp *qp, uint32_t qkey)
{
	struct ibv_qp_attr a = {.qp_state = IBV_QPS_INIT, .port_num = 1, .qkey = qkey};

	if (ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT | IBV_QP_QKEY))
		die("modify INIT");
	a.qp_state = IBV_QPS_RTR;
	if (ibv_modify_qp(qp, &a, IBV_QP_STATE))
		die("modify RTR");
	a.qp_state = IBV_QPS_RTS;
	a.rnr_retry = 7;	/* forever: the peer may not have reposted yet */
	if (ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_SQ_PSN | IBV_QP_RNR_RETRY))
		die("modify RTS");
}

void local_gid(struct ibv_context *ctx, uint8_t gid[16])
{
	union ibv_gid g;

	if (ibv_query_gid(ctx, 1, 0, &g))
		die("query_gid");
	memcpy(gid, g.raw, sizeof(g.raw));
}

struct ibv_ah *ah_to(struct ibv_pd *pd, const uint8_t gid[16])
{
	struct ibv_ah_attr aa = {.is_global = 1, .port_num = 1};
	struct ibv_ah *ah;

	memcpy(aa.grh.dgid.raw, gid, sizeof(aa.grh.dgid.raw));
	ah = ibv_create_ah(pd, &aa);
	if (!ah)
		die("create_ah: %s", strerror(errno));
	return ah;
}

int tcp_serve(uint16_t port, int *lfd)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	int one = 1, fd;

	*lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(*lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (*lfd < 0 || bind(*lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(*lfd, 1))
		die("listen on %u: %s", port, strerror(errno));
	fd = accept(*lfd, NULL, NULL);
	if (fd < 0)
		die("accept: %s", strerror(errno));
	return fd;
}

int tcp_dial(const char *host, uint16_t port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	int fd, tries;

	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		die("bad address %s", host);
	for (tries = 0;; tries++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			return fd;
		close(fd);
		if (tries == 100)
			die("connect %s: %s", host, strerror(errno));
		usleep(100 * 1000);
	}
}
