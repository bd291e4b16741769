/* SPDX-License-Identifier: GPL-2.0 */
/*
 * peer.h - what the EFA test programs that run between two instances share:
 * failing with a message, opening a device by name, taking an SRD QP to RTS,
 * an AH to a peer's GID, and the TCP connection they swap addresses over.
 */
#ifndef VNITRO_SELFTESTS_RDMA_PEER_H
#define VNITRO_SELFTESTS_RDMA_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <infiniband/verbs.h>

/* "PROGRAM: message" on stderr, exit 1. */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* All @n bytes written (@wr) to or read from @fd, or die. */
void full_io(int fd, void *p, size_t n, bool wr);
/* The RDMA device called @name, opened through libibverbs, or die. */
struct ibv_context *efa_open(const char *name);
/* @qp from RESET to RTS on port 1 with @qkey, P_Key index 0, rnr_retry 7 (forever). */
void srd_to_rts(struct ibv_qp *qp, uint32_t qkey);
/* GID[0] of port 1. */
void local_gid(struct ibv_context *ctx, uint8_t gid[16]);
/* An AH in @pd for the peer whose GID[0] is @gid. */
struct ibv_ah *ah_to(struct ibv_pd *pd, const uint8_t gid[16]);
/* Server: listens on @port and accepts one client; *@lfd is the listening socket. */
int tcp_serve(uint16_t port, int *lfd);
/* Client: connects to @host:@port, trying for 10 s while the server starts. */
int tcp_dial(const char *host, uint16_t port);

#endif
