/* SPDX-License-Identifier: GPL-2.0 */
/* efa.h - the shim's EFA objects: the ib_device of an EFA ENI and what verbs create on it. */
#ifndef VNITRO_SHIM_EFA_H
#define VNITRO_SHIM_EFA_H

#include <rdma/ib_verbs.h>

#include "vcore/efa.h"

struct vnitro_eni_dev;

/* Module-wide counts of what userspace holds, for leak checks (debugfs efa_objects). */
struct vnitro_efa_usage {
	atomic_t ucontexts;
	atomic_t mmap_entries;
	atomic_long_t pinned_pages;
};
extern struct vnitro_efa_usage vnitro_efa_usage;

/* The RDMA device of one EFA ENI (efa_N). */
/* The device-level hw_counters (efa_stats.c). */
struct vnitro_efa_stats {
	atomic64_t submitted_cmds;	/* control verbs, each an admin command on EFA */
	atomic64_t cmds_err;
	atomic64_t alloc_pd_err;
	atomic64_t create_qp_err;
	atomic64_t create_cq_err;
	atomic64_t reg_mr_err;
	atomic64_t alloc_ucontext_err;
	atomic64_t create_ah_err;
	atomic64_t mmap_err;
	time64_t up_since;		/* boot-time seconds at probe: keep_alive_rcvd */
};

struct vnitro_efa {
	struct ib_device ibdev;
	/*
	 * The device's lock: every verb on its objects, and the engine's pass
	 * while it walks the device or delivers to it (engine.c).
	 */
	struct mutex lock;
	struct vcore_efa_dev *core;	/* object tables, under lock */
	struct vnitro_eni_dev *edev;
	struct vcore_efa_attr attr;	/* constant after probe */
	u8 gid[VCORE_EFA_GID_LEN];	/* GID[0], from the ENI's MAC */
	atomic_t ucontexts;		/* open user contexts */
	struct vnitro_efa_stats stats;
};

static inline struct vnitro_efa *to_vefa(struct ib_device *ibdev)
{
	return container_of(ibdev, struct vnitro_efa, ibdev);
}

struct vnitro_efa_ucontext {
	struct ib_ucontext ibuc;
};

struct vnitro_efa_pd {
	struct ib_pd ibpd;
	u16 pdn;
};

/* Queue memory a process maps (efa_mmap.c). */
struct vnitro_efa_mmap {
	struct rdma_user_mmap_entry rdma;
	void *kaddr;			/* vmap of pages[] */
	struct page **pages;		/* zeroed, charged to the mapping process's memcg */
	unsigned long npages;
	size_t size;
};

/* A user memory registration: pinned pages, as the engine copies between them. */
struct vnitro_efa_mr {
	struct ib_mr ibmr;
	struct ib_umem *umem;
	struct page **pages;		/* every page of the range, in order */
	unsigned long npages;
	unsigned int first_page_offset;	/* of the first byte (iova) in pages[0] */
};

struct vnitro_efa_cq {
	struct ib_cq ibcq;
	u16 cq_idx;
	struct vnitro_efa_mmap *ring;
	struct vnitro_efa_mmap *db;	/* with a completion channel: the arm doorbell */
};

struct vnitro_efa_qp {
	struct ib_qp ibqp;
	struct ib_qp_cap cap;		/* as created, for query_qp */
	struct vnitro_efa_mmap *llq;
	struct vnitro_efa_mmap *rq;
	struct vnitro_efa_mmap *sq_db;
	struct vnitro_efa_mmap *rq_db;
};

struct vnitro_efa_ah {
	struct ib_ah ibah;
	u16 ah;
};

/* Serialises every EFA verb that changes an object and every engine pass. */
extern struct mutex vnitro_efa_lock;

/* efa_mmap.c */
struct vnitro_efa_mmap *vnitro_efa_mmap_alloc(struct ib_ucontext *uctx, size_t size, u64 *key);
void vnitro_efa_mmap_remove(struct vnitro_efa_mmap *m);
int vnitro_efa_mmap(struct ib_ucontext *uctx, struct vm_area_struct *vma);

/* efa_stats.c */
struct rdma_hw_stats *vnitro_efa_alloc_hw_port_stats(struct ib_device *ibdev, u32 port_num);
struct rdma_hw_stats *vnitro_efa_alloc_hw_device_stats(struct ib_device *ibdev);
int vnitro_efa_get_hw_stats(struct ib_device *ibdev, struct rdma_hw_stats *stats, u32 port,
			    int index);
void vnitro_efa_count_cmd(struct vnitro_efa *efa, int ret, atomic64_t *err);
void vnitro_efa_mmap_free(struct rdma_user_mmap_entry *e);

/* engine.c */
int vnitro_engine_init(void);
void vnitro_engine_exit(void);
struct vcore_efa_engine *vnitro_engine_core(void);
void vnitro_engine_device_count(int delta);
void vnitro_engine_get_stats(struct vcore_efa_engine_stats *out);

#endif /* VNITRO_SHIM_EFA_H */
