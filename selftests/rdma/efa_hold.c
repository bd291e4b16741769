// SPDX-License-Identifier: GPL-2.0
/*
 * efa_hold.c - opens an RDMA device through libibverbs/libefa, allocates a
 * PD, says "ready" and keeps them until killed: a user context for the
 * suites to kill -9 or to hold the module with. Each line on stdin asks it to
 * allocate (and free) one more PD and print "ok" or "error: <strerror>", to
 * see what the context is worth after its device went away; a line "cq N"
 * creates a CQ of N entries and keeps it (the memory-cgroup check).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <infiniband/verbs.h>

#include "peer.h"

int main(int argc, char **argv)
{
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	char line[64];

	if (argc != 2) {
		fprintf(stderr, "usage: efa_hold DEVICE\n");
		return 2;
	}
	ctx = efa_open(argv[1]);
	pd = ibv_alloc_pd(ctx);
	if (!pd)
		die("ibv_alloc_pd: %s", strerror(errno));
	printf("ready\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		struct ibv_pd *more;
		int entries;

		if (sscanf(line, "cq %d", &entries) == 1) {
			if (ibv_create_cq(ctx, entries, NULL, NULL, 0))
				printf("ok\n");
			else
				printf("error: %s\n", strerror(errno));
			fflush(stdout);
			continue;
		}
		more = ibv_alloc_pd(ctx);
		if (more) {
			ibv_dealloc_pd(more);
			printf("ok\n");
		} else {
			printf("error: %s\n", strerror(errno));
		}
		fflush(stdout);
	}
	for (;;)
		pause();
}
