/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcore/efa.h - the EFA device's attributes, object tables and engine (core/efa).
 * Part of the boundary between the C shim and the C++ core (one header per area:
 * services, fabric, control, ena, efa): extern "C" functions, POD structs, fixed-width
 * integers, opaque handles. Every name the core exports starts with vcore_/VCORE_; the
 * shim's own names start with vnitro_.
 */
#ifndef VCORE_EFA_H
#define VCORE_EFA_H

#include "vcore/fabric.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
	VCORE_EFA_GID_LEN = 16,
	/*
	 * device_caps bits of the extended query_device response and the
	 * alloc_ucontext command's comp_mask bits, numbered as rdma/efa-abi.h's
	 * EFA_QUERY_DEVICE_CAPS_* and EFA_ALLOC_UCONTEXT_CMD_COMP_* (the shim
	 * checks the numbers at build time).
	 */
	VCORE_EFA_CAP_RDMA_READ = 1 << 0,
	VCORE_EFA_CAP_RNR_RETRY = 1 << 1,
	VCORE_EFA_CAP_CQ_NOTIFICATIONS = 1 << 2,
	VCORE_EFA_CAP_CQ_WITH_SGID = 1 << 3,
	VCORE_EFA_UCTX_COMP_TX_BATCH = 1 << 0,
	VCORE_EFA_UCTX_COMP_MIN_SQ_WR = 1 << 1,
	/*
	 * MR access bits, numbered as IB_ACCESS_* (the shim checks): the engine
	 * writes into a region only with LOCAL_WRITE, and an RDMA read takes
	 * bytes from a peer's region only with REMOTE_READ.
	 */
	VCORE_EFA_ACCESS_LOCAL_WRITE = 1 << 0,
	VCORE_EFA_ACCESS_REMOTE_READ = 1 << 2,
};

/*
 * EFA generations, as the PCI device id tells them apart (the efa driver's
 * id table, efa_main.c: 0xefa0, 0xefa1, 0xefa2). Each instance type with
 * EFA has one (control/types.cc); the device's identity and capabilities
 * follow it (core/efa/device.cc says which and why).
 */
enum vcore_efa_gen {
	VCORE_EFA_GEN_NONE = 0,
	VCORE_EFA_GEN_1 = 1,		/* 0xefa0: send/receive only */
	VCORE_EFA_GEN_2 = 2,		/* 0xefa2: RDMA read on SRD */
	VCORE_EFA_GEN_MAX = VCORE_EFA_GEN_2,
};

/*
 * What the emulated EFA device reports: the fields of the efa driver's
 * efa_com_get_device_attr_result that reach userspace, plus its PCI
 * identity. query_device, query_port, alloc_ucontext and the extended
 * query_device response are filled from here, as efa_verbs.c does.
 */
struct vcore_efa_attr {
	uint16_t vendor_id;		/* PCI vendor: vendor_id */
	uint16_t device_id;		/* PCI device: vendor_part_id */
	uint16_t subsystem_device;	/* hw_ver */
	uint64_t page_size_cap;
	uint64_t max_mr_pages;		/* max_mr_size = pages * PAGE_SIZE */
	uint32_t max_qp;
	uint32_t max_cq;
	uint32_t max_pd;
	uint32_t max_mr;
	uint32_t max_ah;
	uint32_t max_cq_depth;		/* max_cqe */
	uint32_t max_sq_depth;		/* max_sq_wr */
	uint32_t max_rq_depth;		/* max_rq_wr */
	uint16_t max_sq_sge;
	uint16_t max_rq_sge;
	uint16_t max_wr_rdma_sge;	/* max_sge_rd */
	uint32_t max_rdma_size;
	uint32_t device_caps;		/* VCORE_EFA_CAP_* */
	uint32_t mtu;			/* port max_msg_sz; MTU enum derived from it */
	uint16_t sub_cqs_per_cq;
	uint16_t inline_buf_size;
	uint32_t max_llq_size;		/* bytes */
	uint16_t max_tx_batch;		/* units of 64 bytes */
	uint16_t min_sq_depth;		/* min_sq_wr */
};

/* The attributes of an EFA of generation @gen; -EINVAL for one vnitro does not model. */
int vcore_efa_get_attr(uint8_t gen, struct vcore_efa_attr *out);
/*
 * GID[0] of the device behind an ENI: fe80::/64 and the modified EUI-64 of
 * the ENI's MAC (unique in the fabric), so it is stable across attach,
 * detach and reload.
 */
void vcore_efa_gid(const uint8_t mac[6], uint8_t gid[VCORE_EFA_GID_LEN]);
/*
 * alloc_ucontext's handshake (efa_user_comp_handshake): userspace must
 * acknowledge every optional limit the device reports. -EOPNOTSUPP.
 */
int vcore_efa_ucontext_check(uint32_t cmd_comp_mask, struct vcore_err *err);

/*
 * The engine: every EFA device of the module and the pass that moves data.
 * A message finds its destination through the fabric (an endpoint attached
 * to an ENI's port, vcore_fabric_efa_attach), which applies the VPC's
 * checks and the path model. Locking is the environment's, in two levels:
 * - the engine's (device list, stats, the fabric's EFA endpoints): held by
 *   every engine-wide call below (create and destroy of a device, a pass,
 *   get_stats, engine_counts) and by vcore_fabric_efa_attach/detach;
 * - one per device (dev_lock): held by every call on that device's objects
 *   (the verbs) and, through the ops, by a pass while it walks the device and
 *   while it delivers to it. A pass is the only holder of two device locks
 *   (its device, then a peer), and passes run on one thread, so verbs on
 *   different devices never wait for each other, and a verb waits at most
 *   for one device's bounded share of a pass (dev_budget WQEs).
 */
struct vcore_efa_engine;
struct vcore_efa_dev;

/* What the engine needs from the environment to move bytes. */
struct vcore_efa_engine_ops {
	/*
	 * Copies @len bytes between registered memory regions, each given by
	 * its cookie (vcore_efa_mr_desc) and an offset from the region's
	 * first byte. The engine has checked both ranges; the environment
	 * checks them again against what it pinned and refuses (returns false,
	 * copies nothing) a range that is not all inside both regions.
	 */
	bool (*copy)(void *dst_mr, uint64_t dst_off, void *src_mr, uint64_t src_off, uint32_t len);
	/* Copies @len bytes into a region (inline sends); refuses as copy does. */
	bool (*copy_in)(void *dst_mr, uint64_t dst_off, const uint8_t *src, uint32_t len);
	/* An armed CQ got a completion: raise its completion event (cookie of cq_add). */
	void (*cq_event)(void *cq_cookie);
	/*
	 * The per-device lock (the cookie of vcore_efa_dev_create): a pass
	 * takes its device's with @peer false and a receiving device's, while
	 * it holds its own, with @peer true. Optional (NULL: no locking).
	 */
	void (*dev_lock)(void *dev_cookie, bool peer);
	void (*dev_unlock)(void *dev_cookie);
	/* Between two devices of a pass, no device held: let others run. Optional. */
	void (*resched)(void);
	/*
	 * EFA between hosts (Documentation/cluster.md), optional (NULL: a
	 * message for another host's device is not sent). frame_alloc: a frame
	 * of @len bytes for the fabric to send, its bytes at *@data; NULL when
	 * there is no memory. frame_free: one the fabric did not take.
	 * copy_out: @len bytes of a region into @dst; refuses as copy does.
	 */
	void *(*frame_alloc)(uint32_t len, uint8_t **data);
	void (*frame_free)(void *frame);
	bool (*copy_out)(void *src_mr, uint64_t src_off, uint8_t *dst, uint32_t len);
};

/* Engine-wide counters (monotonic). */
struct vcore_efa_engine_stats {
	uint64_t passes;
	uint64_t tx_wqes;		/* send WQEs taken from SQs */
	uint64_t rx_delivered;		/* messages placed in a receive buffer */
	uint64_t tx_errors;		/* send WQEs completed with an error */
	/* The fabric's refusals of this engine's messages (also in the fabric's counters): */
	uint64_t drop_no_dest;		/* no endpoint with the AH's GID, or the sender's port is unplugged */
	uint64_t drop_cross_subnet;	/* the destination ENI is in another subnet */
	uint64_t drop_bad_qp;		/* no such QP, wrong type, state or QKey */
	uint64_t drop_no_buffer;	/* UD: no receive posted */
	uint64_t rnr_retries;		/* SRD: no receive posted, resent later */
	uint64_t bad_rx_desc;		/* malformed receive descriptors, completed with an error */
	uint64_t srd_sent;		/* SRD messages put on a path (first copies) */
	uint64_t srd_resent;		/* copies sent again after a timeout or an RNR */
	uint64_t srd_acked;		/* SRD messages the receiving side answered (delivered or refused) */
	uint64_t srd_duplicates;	/* copies of a delivered message: dropped, acknowledged */
	uint64_t srd_given_up;		/* SRD sends failed: retries or RNR retries spent */
	/* This engine's share of the fabric's path_lost and path_reordered: */
	uint64_t path_lost;		/* packets and UD datagrams lost on the fabric */
	uint64_t path_reordered;	/* packets held back so later ones overtook them */
	/* RDMA read (the efa driver's hw stats rdma_read_wrs/bytes/wr_err). */
	uint64_t rdma_read_wrs;		/* read WQEs taken from SQs */
	uint64_t rdma_read_bytes;	/* bytes read from remote regions */
	uint64_t rdma_read_wr_err;	/* read WQEs completed with an error */
	/* A copy the environment refused (a range outside its pinned pages): a bug, never traffic. */
	uint64_t copy_refused;
	uint64_t drop_filtered;		/* a security group of either ENI allows no "all traffic" from the peer */
	/* Between hosts: frames sent to another host's devices (messages, answers), those that arrived, */
	uint64_t remote_tx;
	uint64_t remote_rx;
	/* and those dropped: not sent (no memory, no route), or arrived malformed or for no device here. */
	uint64_t remote_dropped;
};

/*
 * One device's traffic, as the efa driver's port hw_counters name it (rdma statistic,
 * /sys/class/infiniband/efa_N/ports/1/hw_counters). Packets are copies on the wire: a
 * UD datagram, each SRD copy (resends too), an RDMA read's request and its response.
 */
struct vcore_efa_port_stats {
	uint64_t tx_bytes;		/* payload bytes of the packets this device sent */
	uint64_t tx_pkts;
	uint64_t rx_bytes;		/* payload bytes of the packets that reached it */
	uint64_t rx_pkts;
	uint64_t rx_drops;		/* arrived, not delivered: no QP, no buffer (UD; SRD's RNR), bad descriptor */
	uint64_t send_bytes;		/* send WQEs taken from its SQs, and their bytes */
	uint64_t send_wrs;
	uint64_t recv_bytes;		/* messages placed in its receive buffers, and their bytes */
	uint64_t recv_wrs;
	uint64_t rdma_read_wrs;		/* read WQEs it took as requester */
	uint64_t rdma_read_bytes;	/* bytes its reads brought in */
	uint64_t rdma_read_wr_err;	/* its read WQEs completed with an error */
	uint64_t rdma_read_resp_bytes;	/* bytes it sent as a responder to others' reads */
};

/* @dev's counters; the caller holds the device's lock (ops.dev_lock), as the engine does. */
void vcore_efa_get_port_stats(const struct vcore_efa_dev *dev, struct vcore_efa_port_stats *out);

/*
 * A frame another host's engine sent to a device of this one (the fabric
 * returned VCORE_XMIT_EFA for it): a message, delivered as from a local
 * device (the receiving QP, its buffer, its completion), or an answer to one
 * of ours. Engine lock held, as for a pass; the caller keeps the frame.
 */
void vcore_efa_engine_rx(struct vcore_efa_engine *eng, const uint8_t *frame, uint32_t len,
			 uint64_t now_ns);

/* An engine whose messages cross @fab (which must outlive it). */
struct vcore_efa_engine *vcore_efa_engine_create(const struct vcore_efa_engine_ops *ops,
						 struct vcore_fabric *fab);
/* Every device must be gone. */
void vcore_efa_engine_destroy(struct vcore_efa_engine *eng);
/*
 * One pass over every QP of every device: new send WQEs and receive
 * descriptors, due RNR retries. Returns true when it found work (the
 * shim's kthread keeps polling while work arrives).
 */
bool vcore_efa_engine_poll(struct vcore_efa_engine *eng, uint64_t now_ns);
void vcore_efa_engine_get_stats(const struct vcore_efa_engine *eng,
				struct vcore_efa_engine_stats *out);

/* Objects alive on one device, for leak checks. */
struct vcore_efa_counts {
	uint32_t pds;
	uint32_t mrs;
	uint32_t cqs;
	uint32_t qps;
	uint32_t ahs;
};

/*
 * A device of generation @gen with GID @gid (vcore_efa_gid of its ENI's
 * MAC); @lock_cookie is what the engine's dev_lock and dev_unlock get for
 * it. It sends and receives once attached to its ENI's fabric port
 * (vcore_fabric_efa_attach). NULL without memory or for a generation
 * vnitro does not model.
 */
struct vcore_efa_dev *vcore_efa_dev_create(struct vcore_efa_engine *eng, uint8_t gen,
					   const uint8_t gid[VCORE_EFA_GID_LEN],
					   void *lock_cookie);
/*
 * Every object must have been freed (ib_core destroys them before
 * unregistering), and the device detached from the fabric.
 */
void vcore_efa_dev_destroy(struct vcore_efa_dev *dev);
void vcore_efa_get_counts(const struct vcore_efa_dev *dev, struct vcore_efa_counts *out);
/* The same, summed over every device of the engine. */
void vcore_efa_engine_counts(const struct vcore_efa_engine *eng, struct vcore_efa_counts *out);

/* A protection domain number below max_pd; -ENOMEM when all are in use (as the device). */
int vcore_efa_pd_alloc(struct vcore_efa_dev *dev, uint16_t *pdn);
void vcore_efa_pd_free(struct vcore_efa_dev *dev, uint16_t pdn);

/* Memory registration: [iova, iova + length) of PD pdn, pinned by the shim. */
struct vcore_efa_mr_desc {
	uint16_t pdn;
	uint64_t iova;
	uint64_t length;
	uint32_t access;		/* IB_ACCESS_* bits, as given */
	void *cookie;			/* the shim's MR, passed to the copy ops */
};

/*
 * 0 and the key (lkey = rkey, 24 bits); -EINVAL (length 0, over max_mr_size,
 * wrap), -EOPNOTSUPP (access beyond LOCAL_WRITE, and REMOTE_READ where the
 * device has RDMA read: efa_alloc_mr), -ENOMEM.
 */
int vcore_efa_mr_add(struct vcore_efa_dev *dev, const struct vcore_efa_mr_desc *desc,
		     uint32_t *key, struct vcore_err *err);
void vcore_efa_mr_del(struct vcore_efa_dev *dev, uint32_t key);

/* A completion queue: its ring is kernel memory the process maps read-only. */
struct vcore_efa_cq_desc {
	uint32_t entries;		/* per sub-CQ */
	uint32_t entry_size;		/* 16, or 32 with the source GID */
	uint16_t num_sub_cqs;
	uint8_t with_sgid;		/* EFA_CREATE_CQ_WITH_SGID */
	uint8_t notifications;		/* EFA_CREATE_CQ_WITH_COMPLETION_CHANNEL */
};

/*
 * Validates as efa_create_cq does (entries 1..max_cq_depth, entry size,
 * sub-CQ count): 0 or -EINVAL; *ring_size is the ring's byte size (before
 * page alignment).
 */
int vcore_efa_cq_check(const struct vcore_efa_cq_desc *desc, uint32_t *ring_size,
		       struct vcore_err *err);
/*
 * Adds a checked CQ whose ring (@ring, zeroed) the engine writes; -ENOMEM at
 * max_cq. With notifications, @db is the CQ doorbell userspace writes
 * (consumer index, command sequence number, arm bit: efa_io_regs_defs.h) and
 * the engine raises ops->cq_event(@cookie) once per arming.
 */
int vcore_efa_cq_add(struct vcore_efa_dev *dev, const struct vcore_efa_cq_desc *desc,
		     uint8_t *ring, uint32_t *db, void *cookie, uint16_t *cq_idx,
		     struct vcore_err *err);
void vcore_efa_cq_del(struct vcore_efa_dev *dev, uint16_t cq_idx);

enum vcore_efa_qp_type {
	VCORE_EFA_QP_UD,
	VCORE_EFA_QP_SRD,
};

/* QP states and attribute mask bits, numbered as ib_verbs.h's IB_QPS_* and IB_QP_*. */
enum vcore_efa_qp_state {
	VCORE_EFA_QPS_RESET,
	VCORE_EFA_QPS_INIT,
	VCORE_EFA_QPS_RTR,
	VCORE_EFA_QPS_RTS,
	VCORE_EFA_QPS_SQD,
	VCORE_EFA_QPS_SQE,
	VCORE_EFA_QPS_ERR,
};

enum vcore_efa_qp_mask {
	VCORE_EFA_QP_STATE = 1 << 0,
	VCORE_EFA_QP_CUR_STATE = 1 << 1,
	VCORE_EFA_QP_EN_SQD_ASYNC_NOTIFY = 1 << 2,
	VCORE_EFA_QP_PKEY_INDEX = 1 << 4,
	VCORE_EFA_QP_PORT = 1 << 5,
	VCORE_EFA_QP_QKEY = 1 << 6,
	VCORE_EFA_QP_SQ_PSN = 1 << 16,
	VCORE_EFA_QP_CAP = 1 << 19,
	VCORE_EFA_QP_RNR_RETRY = 1 << 11,
	VCORE_EFA_QP_ATTR_STANDARD_BITS = (1 << 21) - 1,	/* IB_QP_ATTR_STANDARD_BITS */
};

struct vcore_efa_qp_desc {
	uint8_t type;			/* enum vcore_efa_qp_type */
	uint16_t pdn;
	uint16_t send_cq;
	uint16_t recv_cq;
	uint32_t max_send_wr;
	uint32_t max_recv_wr;
	uint32_t max_send_sge;
	uint32_t max_recv_sge;
	uint32_t max_inline;
	uint32_t sq_ring_size;		/* bytes of LLQ entries (libefa: wqe_cnt * 64) */
	uint32_t rq_ring_size;		/* bytes of RX descriptors; 0 = no RQ */
};

/* Where a QP's queues live in kernel memory (mapped into the process). */
struct vcore_efa_qp_rings {
	uint8_t *llq;			/* sq_ring_size bytes */
	uint8_t *rq;			/* rq_ring_size bytes, or NULL */
	uint32_t *sq_db;		/* the producer counters userspace writes */
	uint32_t *rq_db;
};

/* efa_qp_validate_cap/attr and the ring sizes: 0, -EINVAL or -EOPNOTSUPP. */
int vcore_efa_qp_check(const struct vcore_efa_dev *dev, const struct vcore_efa_qp_desc *desc,
		       struct vcore_err *err);
/* Adds a checked QP in RESET; *qpn is unique modulo the next power of two of max_qp. */
int vcore_efa_qp_add(struct vcore_efa_dev *dev, const struct vcore_efa_qp_desc *desc,
		     const struct vcore_efa_qp_rings *rings, uint32_t *qpn,
		     struct vcore_err *err);
/* The engine forgets the QP (pending work is dropped): its rings may go after this. */
void vcore_efa_qp_del(struct vcore_efa_dev *dev, uint32_t qpn);

struct vcore_efa_qp_attr {
	uint8_t qp_state;		/* enum vcore_efa_qp_state */
	uint8_t cur_qp_state;
	uint8_t port_num;
	uint8_t rnr_retry;
	uint16_t pkey_index;
	uint32_t qkey;
	uint32_t sq_psn;
	uint8_t en_sqd_async_notify;
};

/*
 * efa_modify_qp: the EFA state machine and attribute masks (SRD's own
 * table, UD's as ib_modify_qp_is_ok), port 1 and P_Key index 0 only.
 * -EOPNOTSUPP for attributes EFA does not have, -EINVAL for a transition
 * or mask the table refuses; nothing changes then.
 */
int vcore_efa_qp_modify(struct vcore_efa_dev *dev, uint32_t qpn,
			const struct vcore_efa_qp_attr *attr, uint32_t mask,
			struct vcore_err *err);
/* efa_query_qp's mask check and values: -EOPNOTSUPP, -EINVAL for an unknown QP. */
int vcore_efa_qp_query(const struct vcore_efa_dev *dev, uint32_t qpn, uint32_t mask,
		       struct vcore_efa_qp_attr *out, struct vcore_err *err);

/* An address handle of PD pdn toward @gid; the same (pd, gid) shares one number. */
int vcore_efa_ah_add(struct vcore_efa_dev *dev, uint16_t pdn,
		     const uint8_t gid[VCORE_EFA_GID_LEN], uint16_t *ah, struct vcore_err *err);
void vcore_efa_ah_del(struct vcore_efa_dev *dev, uint16_t pdn, uint16_t ah);

#ifdef __cplusplus
}
#endif

#endif /* VCORE_EFA_H */
