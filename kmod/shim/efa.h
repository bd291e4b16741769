/* SPDX-License-Identifier: GPL-2.0 */
/* efa.h - the shim's EFA objects: the ib_device of an EFA ENI and what verbs create on it. */
#ifndef VNITRO_SHIM_EFA_H
#define VNITRO_SHIM_EFA_H

#include <rdma/ib_verbs.h>

#include "core_api.h"

struct vnitro_eni_dev;

/* The RDMA device of one EFA ENI (efa_N). */
struct vnitro_efa {
	struct ib_device ibdev;
	struct vnitro_efa_dev *core;	/* object tables, under vnitro_efa_lock */
	struct vnitro_eni_dev *edev;
	struct vnitro_efa_attr attr;	/* constant after probe */
	u8 gid[VNITRO_EFA_GID_LEN];	/* GID[0], from the ENI's MAC */
	atomic_t ucontexts;		/* open user contexts */
};

struct vnitro_efa_ucontext {
	struct ib_ucontext ibuc;
};

struct vnitro_efa_pd {
	struct ib_pd ibpd;
	u16 pdn;
};

#endif /* VNITRO_SHIM_EFA_H */
