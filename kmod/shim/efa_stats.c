// SPDX-License-Identifier: GPL-2.0
/*
 * efa_stats.c - an EFA device's hardware counters, as the efa driver names
 * them (drivers/infiniband/hw/efa/efa_verbs.c, EFA_DEFINE_DEVICE_STATS and
 * EFA_DEFINE_PORT_STATS): `rdma statistic show link efa_N/1` and
 * /sys/class/infiniband/efa_N/{hw_counters,ports/1/hw_counters}. The port's
 * are the core's per-device traffic counters; the device's count the
 * control verbs (each one admin command on EFA) and their failures, and
 * keep_alive_rcvd the device's once-a-second heartbeat since it came up.
 */
#include <linux/ktime.h>
#include <linux/stddef.h>
#include <linux/timekeeping.h>
#include <rdma/ib_verbs.h>

#include "efa.h"
#include "vnitro.h"

enum {
	VNITRO_EFA_SUBMITTED_CMDS,
	VNITRO_EFA_COMPLETED_CMDS,
	VNITRO_EFA_CMDS_ERR,
	VNITRO_EFA_NO_COMPLETION_CMDS,
	VNITRO_EFA_KEEP_ALIVE_RCVD,
	VNITRO_EFA_ALLOC_PD_ERR,
	VNITRO_EFA_CREATE_QP_ERR,
	VNITRO_EFA_CREATE_CQ_ERR,
	VNITRO_EFA_REG_MR_ERR,
	VNITRO_EFA_ALLOC_UCONTEXT_ERR,
	VNITRO_EFA_CREATE_AH_ERR,
	VNITRO_EFA_MMAP_ERR,
	VNITRO_EFA_DEVICE_STATS
};

static const struct rdma_stat_desc vnitro_efa_device_descs[] = {
	[VNITRO_EFA_SUBMITTED_CMDS].name = "submitted_cmds",
	[VNITRO_EFA_COMPLETED_CMDS].name = "completed_cmds",
	[VNITRO_EFA_CMDS_ERR].name = "cmds_err",
	[VNITRO_EFA_NO_COMPLETION_CMDS].name = "no_completion_cmds",
	[VNITRO_EFA_KEEP_ALIVE_RCVD].name = "keep_alive_rcvd",
	[VNITRO_EFA_ALLOC_PD_ERR].name = "alloc_pd_err",
	[VNITRO_EFA_CREATE_QP_ERR].name = "create_qp_err",
	[VNITRO_EFA_CREATE_CQ_ERR].name = "create_cq_err",
	[VNITRO_EFA_REG_MR_ERR].name = "reg_mr_err",
	[VNITRO_EFA_ALLOC_UCONTEXT_ERR].name = "alloc_ucontext_err",
	[VNITRO_EFA_CREATE_AH_ERR].name = "create_ah_err",
	[VNITRO_EFA_MMAP_ERR].name = "mmap_err",
};

/* The port's, in the efa driver's order: the core's fields of the same names. */
#define VNITRO_EFA_PORT_STATS(op)						\
	op(tx_bytes) op(tx_pkts) op(rx_bytes) op(rx_pkts) op(rx_drops)		\
	op(send_bytes) op(send_wrs) op(recv_bytes) op(recv_wrs)			\
	op(rdma_read_wrs) op(rdma_read_bytes) op(rdma_read_wr_err)		\
	op(rdma_read_resp_bytes)
#define VNITRO_EFA_PORT_DESC(f) { .name = #f },
#define VNITRO_EFA_PORT_OFFSET(f) offsetof(struct vcore_efa_port_stats, f),

static const struct rdma_stat_desc vnitro_efa_port_descs[] = {
	VNITRO_EFA_PORT_STATS(VNITRO_EFA_PORT_DESC)
};
static const size_t vnitro_efa_port_offsets[] = {
	VNITRO_EFA_PORT_STATS(VNITRO_EFA_PORT_OFFSET)
};

struct rdma_hw_stats *vnitro_efa_alloc_hw_port_stats(struct ib_device *ibdev, u32 port_num)
{
	return rdma_alloc_hw_stats_struct(vnitro_efa_port_descs, ARRAY_SIZE(vnitro_efa_port_descs),
					  RDMA_HW_STATS_DEFAULT_LIFESPAN);
}

struct rdma_hw_stats *vnitro_efa_alloc_hw_device_stats(struct ib_device *ibdev)
{
	return rdma_alloc_hw_stats_struct(vnitro_efa_device_descs,
					  ARRAY_SIZE(vnitro_efa_device_descs),
					  RDMA_HW_STATS_DEFAULT_LIFESPAN);
}

int vnitro_efa_get_hw_stats(struct ib_device *ibdev, struct rdma_hw_stats *stats, u32 port,
			    int index)
{
	struct vnitro_efa *efa = to_vefa(ibdev);
	struct vnitro_efa_stats *s = &efa->stats;
	struct vcore_efa_port_stats p;
	u64 *v = stats->value;

	if (!port) {
		v[VNITRO_EFA_SUBMITTED_CMDS] = atomic64_read(&s->submitted_cmds);
		v[VNITRO_EFA_COMPLETED_CMDS] = atomic64_read(&s->submitted_cmds);
		v[VNITRO_EFA_CMDS_ERR] = atomic64_read(&s->cmds_err);
		v[VNITRO_EFA_NO_COMPLETION_CMDS] = 0;	/* no admin command can time out */
		v[VNITRO_EFA_KEEP_ALIVE_RCVD] = ktime_get_boottime_seconds() - s->up_since;
		v[VNITRO_EFA_ALLOC_PD_ERR] = atomic64_read(&s->alloc_pd_err);
		v[VNITRO_EFA_CREATE_QP_ERR] = atomic64_read(&s->create_qp_err);
		v[VNITRO_EFA_CREATE_CQ_ERR] = atomic64_read(&s->create_cq_err);
		v[VNITRO_EFA_REG_MR_ERR] = atomic64_read(&s->reg_mr_err);
		v[VNITRO_EFA_ALLOC_UCONTEXT_ERR] = atomic64_read(&s->alloc_ucontext_err);
		v[VNITRO_EFA_CREATE_AH_ERR] = atomic64_read(&s->create_ah_err);
		v[VNITRO_EFA_MMAP_ERR] = atomic64_read(&s->mmap_err);
		return VNITRO_EFA_DEVICE_STATS;
	}
	mutex_lock(&efa->lock);
	vcore_efa_get_port_stats(efa->core, &p);
	mutex_unlock(&efa->lock);
	for (size_t i = 0; i < ARRAY_SIZE(vnitro_efa_port_offsets); i++)
		v[i] = *(const u64 *)((const char *)&p + vnitro_efa_port_offsets[i]);
	return ARRAY_SIZE(vnitro_efa_port_descs);
}

/* A control verb done (one admin command on EFA); @err also counts a failure there. */
void vnitro_efa_count_cmd(struct vnitro_efa *efa, int ret, atomic64_t *err)
{
	atomic64_inc(&efa->stats.submitted_cmds);
	if (!ret)
		return;
	atomic64_inc(&efa->stats.cmds_err);
	if (err)
		atomic64_inc(err);
}
