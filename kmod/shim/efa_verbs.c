// SPDX-License-Identifier: GPL-2.0
/*
 * efa_verbs.c - the RDMA device of an EFA ENI: an ib_device that speaks the
 * EFA uverbs ABI (rdma/efa-abi.h), so the distribution's libefa binds it.
 * Every limit and table lives in the core (core/efa/device); this file
 * translates between ib_core's callbacks and those calls.
 *
 * Locking (issue 12, defect 11): each device's lock (efa->lock) is taken by
 * every verb that creates, destroys or changes one of its objects, so verbs
 * on different devices never wait for each other. vnitro_efa_lock is the
 * engine's: the list of devices (their core's create and destroy), their
 * attachment to fabric ports, the engine's counters, and edev->efa. Order:
 * RTNL, vnitro_efa_lock, a device's lock, then (the engine's pass only) a
 * peer device's lock; the fabric's writer lock (attach) after vnitro_efa_lock.
 * ib_core's own locks are outside all of them (it calls the verbs).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>
#include <rdma/efa-abi.h>
#include <rdma/ib_umem.h>
#include <rdma/ib_verbs.h>
#include <rdma/uverbs_ioctl.h>

#include "efa.h"
#include "vnitro.h"

DEFINE_MUTEX(vnitro_efa_lock);

/* The core numbers these as the ABI and ib_verbs.h do; keep them in step. */
#define VNITRO_EFA_SAME(ours, theirs) static_assert((int)(ours) == (int)(theirs))
VNITRO_EFA_SAME(VCORE_EFA_CAP_RDMA_READ, EFA_QUERY_DEVICE_CAPS_RDMA_READ);
VNITRO_EFA_SAME(VCORE_EFA_CAP_RNR_RETRY, EFA_QUERY_DEVICE_CAPS_RNR_RETRY);
VNITRO_EFA_SAME(VCORE_EFA_CAP_CQ_NOTIFICATIONS, EFA_QUERY_DEVICE_CAPS_CQ_NOTIFICATIONS);
VNITRO_EFA_SAME(VCORE_EFA_CAP_CQ_WITH_SGID, EFA_QUERY_DEVICE_CAPS_CQ_WITH_SGID);
VNITRO_EFA_SAME(VCORE_EFA_UCTX_COMP_TX_BATCH, EFA_ALLOC_UCONTEXT_CMD_COMP_TX_BATCH);
VNITRO_EFA_SAME(VCORE_EFA_UCTX_COMP_MIN_SQ_WR, EFA_ALLOC_UCONTEXT_CMD_COMP_MIN_SQ_WR);
VNITRO_EFA_SAME(VCORE_EFA_GID_LEN, sizeof(union ib_gid));
VNITRO_EFA_SAME(VCORE_EFA_ACCESS_LOCAL_WRITE, IB_ACCESS_LOCAL_WRITE);
VNITRO_EFA_SAME(VCORE_EFA_ACCESS_REMOTE_READ, IB_ACCESS_REMOTE_READ);
VNITRO_EFA_SAME(VCORE_EFA_QPS_RESET, IB_QPS_RESET);
VNITRO_EFA_SAME(VCORE_EFA_QPS_INIT, IB_QPS_INIT);
VNITRO_EFA_SAME(VCORE_EFA_QPS_RTR, IB_QPS_RTR);
VNITRO_EFA_SAME(VCORE_EFA_QPS_RTS, IB_QPS_RTS);
VNITRO_EFA_SAME(VCORE_EFA_QPS_SQD, IB_QPS_SQD);
VNITRO_EFA_SAME(VCORE_EFA_QPS_SQE, IB_QPS_SQE);
VNITRO_EFA_SAME(VCORE_EFA_QPS_ERR, IB_QPS_ERR);
VNITRO_EFA_SAME(VCORE_EFA_QP_STATE, IB_QP_STATE);
VNITRO_EFA_SAME(VCORE_EFA_QP_CUR_STATE, IB_QP_CUR_STATE);
VNITRO_EFA_SAME(VCORE_EFA_QP_EN_SQD_ASYNC_NOTIFY, IB_QP_EN_SQD_ASYNC_NOTIFY);
VNITRO_EFA_SAME(VCORE_EFA_QP_PKEY_INDEX, IB_QP_PKEY_INDEX);
VNITRO_EFA_SAME(VCORE_EFA_QP_PORT, IB_QP_PORT);
VNITRO_EFA_SAME(VCORE_EFA_QP_QKEY, IB_QP_QKEY);
VNITRO_EFA_SAME(VCORE_EFA_QP_SQ_PSN, IB_QP_SQ_PSN);
VNITRO_EFA_SAME(VCORE_EFA_QP_RNR_RETRY, IB_QP_RNR_RETRY);
VNITRO_EFA_SAME(VCORE_EFA_QP_CAP, IB_QP_CAP);
VNITRO_EFA_SAME(VCORE_EFA_QP_ATTR_STANDARD_BITS, IB_QP_ATTR_STANDARD_BITS);

static struct vnitro_efa_pd *to_vpd(struct ib_pd *ibpd)
{
	return container_of(ibpd, struct vnitro_efa_pd, ibpd);
}

/* efa_verbs.c refuses input it does not know: a request must be zero past what we read. */
static bool vnitro_efa_udata_clear(struct ib_udata *udata, size_t from)
{
	return !udata || udata->inlen <= from || ib_is_udata_cleared(udata, from, udata->inlen - from);
}

static int vnitro_efa_query_device(struct ib_device *ibdev, struct ib_device_attr *props,
				   struct ib_udata *udata)
{
	const struct vcore_efa_attr *a = &to_vefa(ibdev)->attr;
	struct efa_ibv_ex_query_device_resp resp = {};

	if (!vnitro_efa_udata_clear(udata, 0)) {
		ibdev_dbg(ibdev, "query_device: unknown request fields are set\n");
		return -EINVAL;
	}
	memset(props, 0, sizeof(*props));
	props->max_mr_size = a->max_mr_pages * PAGE_SIZE;
	props->page_size_cap = a->page_size_cap;
	props->vendor_id = a->vendor_id;
	props->vendor_part_id = a->device_id;
	props->hw_ver = a->subsystem_device;
	props->max_qp = a->max_qp;
	props->max_cq = a->max_cq;
	props->max_pd = a->max_pd;
	props->max_mr = a->max_mr;
	props->max_ah = a->max_ah;
	props->max_cqe = a->max_cq_depth;
	props->max_qp_wr = min(a->max_sq_depth, a->max_rq_depth);
	props->max_send_sge = a->max_sq_sge;
	props->max_recv_sge = a->max_rq_sge;
	props->max_sge_rd = a->max_wr_rdma_sge;
	props->max_pkeys = 1;

	if (udata && udata->outlen) {
		resp.max_sq_sge = a->max_sq_sge;
		resp.max_rq_sge = a->max_rq_sge;
		resp.max_sq_wr = a->max_sq_depth;
		resp.max_rq_wr = a->max_rq_depth;
		resp.max_rdma_size = a->max_rdma_size;
		resp.device_caps = a->device_caps;
		return ib_copy_to_udata(udata, &resp, min(sizeof(resp), udata->outlen));
	}
	return 0;
}

/* ib_core zeroes @props before calling. */
static int vnitro_efa_query_port(struct ib_device *ibdev, u32 port, struct ib_port_attr *props)
{
	const struct vcore_efa_attr *a = &to_vefa(ibdev)->attr;

	props->lmc = 1;
	props->state = IB_PORT_ACTIVE;
	props->phys_state = IB_PORT_PHYS_STATE_LINK_UP;
	props->gid_tbl_len = 1;
	props->pkey_tbl_len = 1;
	props->active_speed = IB_SPEED_EDR;
	props->active_width = IB_WIDTH_4X;
	props->max_mtu = ib_mtu_int_to_enum(a->mtu);
	props->active_mtu = ib_mtu_int_to_enum(a->mtu);
	props->max_msg_sz = a->mtu;
	props->max_vl_num = 1;
	return 0;
}

static int vnitro_efa_query_gid(struct ib_device *ibdev, u32 port, int index, union ib_gid *gid)
{
	memcpy(gid->raw, to_vefa(ibdev)->gid, sizeof(gid->raw));
	return 0;
}

static int vnitro_efa_query_pkey(struct ib_device *ibdev, u32 port, u16 index, u16 *pkey)
{
	if (index > 0)
		return -EINVAL;
	*pkey = 0xffff;		/* the default partition, full membership */
	return 0;
}

static int vnitro_efa_get_port_immutable(struct ib_device *ibdev, u32 port_num,
					 struct ib_port_immutable *immutable)
{
	struct ib_port_attr attr;
	int ret;

	ret = ib_query_port(ibdev, port_num, &attr);
	if (ret)
		return ret;
	immutable->pkey_tbl_len = attr.pkey_tbl_len;
	immutable->gid_tbl_len = attr.gid_tbl_len;
	return 0;
}

static enum rdma_link_layer vnitro_efa_link_layer(struct ib_device *ibdev, u32 port_num)
{
	return IB_LINK_LAYER_UNSPECIFIED;
}

static int vnitro_efa_alloc_ucontext(struct ib_ucontext *ibuc, struct ib_udata *udata)
{
	struct vnitro_efa *efa = to_vefa(ibuc->device);
	const struct vcore_efa_attr *a = &efa->attr;
	struct efa_ibv_alloc_ucontext_resp resp = {};
	struct efa_ibv_alloc_ucontext_cmd cmd = {};
	struct vcore_err err = {};
	int ret;

	/*
	 * Only from the device's instance (issue 12, defect 2). In exclusive
	 * mode ib_uverbs already refused to open the file elsewhere; this
	 * covers shared mode and a file passed to a process in another
	 * namespace.
	 */
	if (!net_eq(current->nsproxy->net_ns, read_pnet(&ibuc->device->coredev.rdma_net))) {
		ibdev_dbg(ibuc->device, "alloc_ucontext: not from the device's network namespace\n");
		return -EPERM;
	}
	/* Fields we do not know are fine: the response acknowledges ours. */
	ret = ib_copy_from_udata(&cmd, udata, min(sizeof(cmd), udata->inlen));
	if (ret)
		return ret;
	ret = vcore_efa_ucontext_check(cmd.comp_mask, &err);
	if (ret) {
		ibdev_dbg(ibuc->device, "alloc_ucontext: %s\n", err.msg);
		return ret;
	}
	resp.cmds_supp_udata_mask = EFA_USER_CMDS_SUPP_UDATA_QUERY_DEVICE |
				    EFA_USER_CMDS_SUPP_UDATA_CREATE_AH;
	resp.sub_cqs_per_cq = a->sub_cqs_per_cq;
	resp.inline_buf_size = a->inline_buf_size;
	resp.max_llq_size = a->max_llq_size;
	resp.max_tx_batch = a->max_tx_batch;
	resp.min_sq_wr = a->min_sq_depth;
	ret = ib_copy_to_udata(udata, &resp, min(sizeof(resp), udata->outlen));
	if (ret)
		return ret;
	/* A context pins the module (see disassociate_ucontext below). */
	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	atomic_inc(&efa->ucontexts);
	atomic_inc(&vnitro_efa_usage.ucontexts);
	return 0;
}

/*
 * Runs under the file's hw_destroy_rwsem, which the module's exit path
 * (ib_unregister_device, through ib_uverbs) also takes before it goes on:
 * the module's code cannot be freed under this function's tail.
 */
static void vnitro_efa_dealloc_ucontext(struct ib_ucontext *ibuc)
{
	atomic_dec(&to_vefa(ibuc->device)->ucontexts);
	atomic_dec(&vnitro_efa_usage.ucontexts);
	module_put(THIS_MODULE);
}

/*
 * The device goes while a process holds it (its instance deleted, or an open
 * file without a context): ib_uverbs has already destroyed every object the
 * context held through our destroy callbacks, and the process gets EIO from
 * then on. Having this op is what keeps ib_unregister_device from waiting
 * for the process to close its files; there is nothing left to undo here.
 */
static void vnitro_efa_disassociate_ucontext(struct ib_ucontext *ibuc)
{
	ibdev_info(ibuc->device, "device removed under an open user context\n");
}

static int vnitro_efa_alloc_pd(struct ib_pd *ibpd, struct ib_udata *udata)
{
	struct vnitro_efa *efa = to_vefa(ibpd->device);
	struct vnitro_efa_pd *pd = to_vpd(ibpd);
	struct efa_ibv_alloc_pd_resp resp = {};
	int ret;

	if (!vnitro_efa_udata_clear(udata, 0))
		return -EINVAL;
	mutex_lock(&efa->lock);
	ret = vcore_efa_pd_alloc(efa->core, &pd->pdn);
	mutex_unlock(&efa->lock);
	if (ret)
		return ret;
	resp.pdn = pd->pdn;
	if (udata && udata->outlen) {
		ret = ib_copy_to_udata(udata, &resp, min(sizeof(resp), udata->outlen));
		if (ret)
			goto err_free_pd;
	}
	return 0;

err_free_pd:
	mutex_lock(&efa->lock);
	vcore_efa_pd_free(efa->core, pd->pdn);
	mutex_unlock(&efa->lock);
	return ret;
}

static int vnitro_efa_dealloc_pd(struct ib_pd *ibpd, struct ib_udata *udata)
{
	struct vnitro_efa *efa = to_vefa(ibpd->device);

	mutex_lock(&efa->lock);
	vcore_efa_pd_free(efa->core, to_vpd(ibpd)->pdn);
	mutex_unlock(&efa->lock);
	return 0;
}

/* The user context a verb runs for; NULL for kernel callers (we have none). */
static struct ib_ucontext *vnitro_efa_uctx(struct ib_udata *udata)
{
	struct vnitro_efa_ucontext *uc =
		rdma_udata_to_drv_context(udata, struct vnitro_efa_ucontext, ibuc);

	return uc ? &uc->ibuc : NULL;
}

/* ---- memory registration ---- */

static struct ib_mr *vnitro_efa_reg_mr(struct ib_pd *ibpd, u64 start, u64 length, u64 iova,
				       int access, struct ib_udata *udata)
{
	struct vnitro_efa *efa = to_vefa(ibpd->device);
	int supp = IB_ACCESS_LOCAL_WRITE |
		   (efa->attr.device_caps & VCORE_EFA_CAP_RDMA_READ ? IB_ACCESS_REMOTE_READ : 0);
	struct vcore_efa_mr_desc desc = {};
	struct sg_page_iter sg_iter;
	struct vnitro_efa_mr *mr;
	struct vcore_err err = {};
	unsigned long i = 0;
	u32 key;
	int ret;

	if (!vnitro_efa_udata_clear(udata, 0))
		return ERR_PTR(-EINVAL);
	/*
	 * efa_alloc_mr: local write, and remote read where the device has
	 * RDMA read; refused before any page is pinned.
	 */
	access &= ~IB_ACCESS_OPTIONAL;
	if (access & ~supp) {
		ibdev_dbg(ibpd->device, "reg_mr: access flags %#x not supported, supported %#x\n",
			  access, supp);
		return ERR_PTR(-EOPNOTSUPP);
	}
	mr = kzalloc(sizeof(*mr), GFP_KERNEL);
	if (!mr)
		return ERR_PTR(-ENOMEM);
	mr->umem = ib_umem_get(ibpd->device, start, length, access);
	if (IS_ERR(mr->umem)) {
		ret = PTR_ERR(mr->umem);
		goto err_free_mr;
	}
	mr->first_page_offset = ib_umem_offset(mr->umem);
	mr->npages = PAGE_ALIGN(mr->first_page_offset + length) >> PAGE_SHIFT;
	mr->pages = kvcalloc(mr->npages, sizeof(*mr->pages), GFP_KERNEL);
	if (!mr->pages) {
		ret = -ENOMEM;
		goto err_release_umem;
	}
	/* Pages in order; the engine finds byte x of the MR in pages[(offset + x) / PAGE_SIZE]. */
	for_each_sgtable_page(&mr->umem->sgt_append.sgt, &sg_iter, 0) {
		if (i == mr->npages)
			break;
		mr->pages[i++] = sg_page_iter_page(&sg_iter);
	}
	if (i != mr->npages) {
		ret = -EFAULT;
		goto err_free_pages;
	}

	desc.pdn = to_vpd(ibpd)->pdn;
	desc.iova = iova;
	desc.length = length;
	desc.access = access;
	desc.cookie = mr;
	mutex_lock(&efa->lock);
	ret = vcore_efa_mr_add(efa->core, &desc, &key, &err);
	mutex_unlock(&efa->lock);
	if (ret) {
		ibdev_dbg(ibpd->device, "reg_mr: %s\n", err.msg);
		goto err_free_pages;
	}
	mr->ibmr.lkey = key;
	mr->ibmr.rkey = key;
	atomic_long_add(mr->npages, &vnitro_efa_usage.pinned_pages);
	return &mr->ibmr;

err_free_pages:
	kvfree(mr->pages);
err_release_umem:
	ib_umem_release(mr->umem);
err_free_mr:
	kfree(mr);
	return ERR_PTR(ret);
}

static int vnitro_efa_dereg_mr(struct ib_mr *ibmr, struct ib_udata *udata)
{
	struct vnitro_efa_mr *mr = container_of(ibmr, struct vnitro_efa_mr, ibmr);

	/* After this the engine cannot find the MR: its pages may go. */
	mutex_lock(&to_vefa(ibmr->device)->lock);
	vcore_efa_mr_del(to_vefa(ibmr->device)->core, ibmr->lkey);
	mutex_unlock(&to_vefa(ibmr->device)->lock);
	atomic_long_sub(mr->npages, &vnitro_efa_usage.pinned_pages);
	kvfree(mr->pages);
	ib_umem_release(mr->umem);
	kfree(mr);
	return 0;
}

/* ---- completion queues ---- */

static int vnitro_efa_create_cq(struct ib_cq *ibcq, const struct ib_cq_init_attr *attr,
				struct ib_udata *udata)
{
	struct vnitro_efa *efa = to_vefa(ibcq->device);
	struct vnitro_efa_cq *cq = container_of(ibcq, struct vnitro_efa_cq, ibcq);
	struct ib_ucontext *uctx = vnitro_efa_uctx(udata);
	struct efa_ibv_create_cq_resp resp = {};
	struct efa_ibv_create_cq cmd = {};
	struct vcore_efa_cq_desc desc = {};
	struct vcore_err err = {};
	u32 ring_size;
	int ret;

	if (attr->flags || !uctx)
		return -EOPNOTSUPP;
	/* efa_create_cq's ABI checks, in its order. */
	if (udata->inlen < offsetofend(typeof(cmd), num_sub_cqs) ||
	    !vnitro_efa_udata_clear(udata, sizeof(cmd)))
		return -EINVAL;
	ret = ib_copy_from_udata(&cmd, udata, min(sizeof(cmd), udata->inlen));
	if (ret)
		return ret;
	if (cmd.comp_mask || memchr_inv(cmd.reserved_58, 0, sizeof(cmd.reserved_58)))
		return -EINVAL;
	desc.entries = attr->cqe;
	desc.entry_size = cmd.cq_entry_size;
	desc.num_sub_cqs = cmd.num_sub_cqs;
	desc.with_sgid = !!(cmd.flags & EFA_CREATE_CQ_WITH_SGID);
	desc.notifications = !!(cmd.flags & EFA_CREATE_CQ_WITH_COMPLETION_CHANNEL);
	ret = vcore_efa_cq_check(&desc, &ring_size, &err);
	if (ret) {
		ibdev_dbg(ibcq->device, "create_cq: %s\n", err.msg);
		return ret;
	}
	cq->ring = vnitro_efa_mmap_alloc(uctx, ring_size, &resp.q_mmap_key);
	if (!cq->ring)
		return -ENOMEM;
	if (desc.notifications) {
		/* The doorbell libefa arms the CQ with; at offset 0 of its page. */
		cq->db = vnitro_efa_mmap_alloc(uctx, PAGE_SIZE, &resp.db_mmap_key);
		if (!cq->db) {
			ret = -ENOMEM;
			goto err_remove_ring;
		}
		resp.comp_mask |= EFA_CREATE_CQ_RESP_DB_OFF;
		resp.db_off = 0;
	}
	mutex_lock(&efa->lock);
	ret = vcore_efa_cq_add(efa->core, &desc, cq->ring->kaddr,
			       cq->db ? cq->db->kaddr : NULL, &cq->ibcq, &cq->cq_idx, &err);
	mutex_unlock(&efa->lock);
	if (ret) {
		ibdev_dbg(ibcq->device, "create_cq: %s\n", err.msg);
		goto err_remove_ring;
	}
	cq->ibcq.cqe = attr->cqe;
	resp.q_mmap_size = cq->ring->size;
	resp.cq_idx = cq->cq_idx;
	ret = ib_copy_to_udata(udata, &resp, min(sizeof(resp), udata->outlen));
	if (ret)
		goto err_del_cq;
	return 0;

err_del_cq:
	mutex_lock(&efa->lock);
	vcore_efa_cq_del(efa->core, cq->cq_idx);
	mutex_unlock(&efa->lock);
err_remove_ring:
	vnitro_efa_mmap_remove(cq->db);
	vnitro_efa_mmap_remove(cq->ring);
	return ret;
}

static int vnitro_efa_destroy_cq(struct ib_cq *ibcq, struct ib_udata *udata)
{
	struct vnitro_efa_cq *cq = container_of(ibcq, struct vnitro_efa_cq, ibcq);

	mutex_lock(&to_vefa(ibcq->device)->lock);
	vcore_efa_cq_del(to_vefa(ibcq->device)->core, cq->cq_idx);
	mutex_unlock(&to_vefa(ibcq->device)->lock);
	vnitro_efa_mmap_remove(cq->db);
	vnitro_efa_mmap_remove(cq->ring);
	return 0;
}

/* ---- queue pairs ---- */

static struct vnitro_efa_qp *to_vqp(struct ib_qp *ibqp)
{
	return container_of(ibqp, struct vnitro_efa_qp, ibqp);
}

static void vnitro_efa_qp_unmap(struct vnitro_efa_qp *qp)
{
	vnitro_efa_mmap_remove(qp->rq);
	vnitro_efa_mmap_remove(qp->rq_db);
	vnitro_efa_mmap_remove(qp->llq);
	vnitro_efa_mmap_remove(qp->sq_db);
}

static int vnitro_efa_create_qp(struct ib_qp *ibqp, struct ib_qp_init_attr *init,
				struct ib_udata *udata)
{
	struct vnitro_efa *efa = to_vefa(ibqp->device);
	struct vnitro_efa_qp *qp = to_vqp(ibqp);
	struct ib_ucontext *uctx = vnitro_efa_uctx(udata);
	struct efa_ibv_create_qp_resp resp = {};
	struct vcore_efa_qp_rings rings = {};
	struct vcore_efa_qp_desc desc = {};
	struct efa_ibv_create_qp cmd = {};
	struct vcore_err err = {};
	u32 qpn;
	int ret;

	if (!uctx)
		return -EOPNOTSUPP;		/* no kernel verbs consumers */
	if (init->srq || init->create_flags)
		return -EOPNOTSUPP;
	if (udata->inlen < offsetofend(typeof(cmd), driver_qp_type) ||
	    !vnitro_efa_udata_clear(udata, sizeof(cmd)))
		return -EINVAL;
	ret = ib_copy_from_udata(&cmd, udata, min(sizeof(cmd), udata->inlen));
	if (ret)
		return ret;
	if (cmd.comp_mask)
		return -EINVAL;
	if (init->qp_type == IB_QPT_UD)
		desc.type = VCORE_EFA_QP_UD;
	else if (init->qp_type == IB_QPT_DRIVER && cmd.driver_qp_type == EFA_QP_DRIVER_TYPE_SRD)
		desc.type = VCORE_EFA_QP_SRD;
	else
		return -EOPNOTSUPP;
	desc.pdn = to_vpd(ibqp->pd)->pdn;
	desc.send_cq = container_of(init->send_cq, struct vnitro_efa_cq, ibcq)->cq_idx;
	desc.recv_cq = container_of(init->recv_cq, struct vnitro_efa_cq, ibcq)->cq_idx;
	desc.max_send_wr = init->cap.max_send_wr;
	desc.max_recv_wr = init->cap.max_recv_wr;
	desc.max_send_sge = init->cap.max_send_sge;
	desc.max_recv_sge = init->cap.max_recv_sge;
	desc.max_inline = init->cap.max_inline_data;
	desc.sq_ring_size = cmd.sq_ring_size;
	desc.rq_ring_size = cmd.rq_ring_size;
	mutex_lock(&efa->lock);
	ret = vcore_efa_qp_check(efa->core, &desc, &err);
	mutex_unlock(&efa->lock);
	if (ret) {
		ibdev_dbg(ibqp->device, "create_qp: %s\n", err.msg);
		return ret;
	}

	/* The RQ doorbell and ring first, as libefa maps them. */
	ret = -ENOMEM;
	if (desc.rq_ring_size) {
		qp->rq_db = vnitro_efa_mmap_alloc(uctx, PAGE_SIZE, &resp.rq_db_mmap_key);
		qp->rq = vnitro_efa_mmap_alloc(uctx, desc.rq_ring_size, &resp.rq_mmap_key);
		if (!qp->rq_db || !qp->rq)
			goto err_unmap;
		resp.rq_mmap_size = qp->rq->size;
		rings.rq = qp->rq->kaddr;
		rings.rq_db = qp->rq_db->kaddr;
	}
	qp->sq_db = vnitro_efa_mmap_alloc(uctx, PAGE_SIZE, &resp.sq_db_mmap_key);
	qp->llq = vnitro_efa_mmap_alloc(uctx, desc.sq_ring_size, &resp.llq_desc_mmap_key);
	if (!qp->sq_db || !qp->llq)
		goto err_unmap;
	rings.llq = qp->llq->kaddr;
	rings.sq_db = qp->sq_db->kaddr;
	/* Offsets in the pages are 0; one sub-CQ per CQ. */

	mutex_lock(&efa->lock);
	ret = vcore_efa_qp_add(efa->core, &desc, &rings, &qpn, &err);
	mutex_unlock(&efa->lock);
	if (ret) {
		ibdev_dbg(ibqp->device, "create_qp: %s\n", err.msg);
		goto err_unmap;
	}
	qp->ibqp.qp_num = qpn;
	qp->cap = init->cap;
	ret = ib_copy_to_udata(udata, &resp, min(sizeof(resp), udata->outlen));
	if (ret)
		goto err_del_qp;
	return 0;

err_del_qp:
	mutex_lock(&efa->lock);
	vcore_efa_qp_del(efa->core, qpn);
	mutex_unlock(&efa->lock);
err_unmap:
	vnitro_efa_qp_unmap(qp);
	return ret;
}

static int vnitro_efa_destroy_qp(struct ib_qp *ibqp, struct ib_udata *udata)
{
	/* The engine forgets the QP under the lock: then its rings may go. */
	mutex_lock(&to_vefa(ibqp->device)->lock);
	vcore_efa_qp_del(to_vefa(ibqp->device)->core, ibqp->qp_num);
	mutex_unlock(&to_vefa(ibqp->device)->lock);
	vnitro_efa_qp_unmap(to_vqp(ibqp));
	return 0;
}

static int vnitro_efa_modify_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr, int mask,
				struct ib_udata *udata)
{
	struct vcore_efa_qp_attr a = {};
	struct vcore_err err = {};
	int ret;

	if (mask & ~IB_QP_ATTR_STANDARD_BITS)
		return -EOPNOTSUPP;
	if (!vnitro_efa_udata_clear(udata, 0))
		return -EINVAL;
	a.qp_state = attr->qp_state;
	a.cur_qp_state = attr->cur_qp_state;
	a.port_num = attr->port_num;
	a.pkey_index = attr->pkey_index;
	a.qkey = attr->qkey;
	a.sq_psn = attr->sq_psn;
	a.rnr_retry = attr->rnr_retry;
	a.en_sqd_async_notify = attr->en_sqd_async_notify;
	mutex_lock(&to_vefa(ibqp->device)->lock);
	ret = vcore_efa_qp_modify(to_vefa(ibqp->device)->core, ibqp->qp_num, &a, mask, &err);
	mutex_unlock(&to_vefa(ibqp->device)->lock);
	if (ret)
		ibdev_dbg(ibqp->device, "modify_qp: %s\n", err.msg);
	return ret;
}

static int vnitro_efa_query_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr, int mask,
			       struct ib_qp_init_attr *init)
{
	struct vnitro_efa_qp *qp = to_vqp(ibqp);
	struct vcore_efa_qp_attr a;
	struct vcore_err err = {};
	int ret;

	mutex_lock(&to_vefa(ibqp->device)->lock);
	ret = vcore_efa_qp_query(to_vefa(ibqp->device)->core, ibqp->qp_num, mask, &a, &err);
	mutex_unlock(&to_vefa(ibqp->device)->lock);
	if (ret) {
		ibdev_dbg(ibqp->device, "query_qp: %s\n", err.msg);
		return ret;
	}
	memset(attr, 0, sizeof(*attr));
	memset(init, 0, sizeof(*init));
	attr->qp_state = a.qp_state;
	attr->qkey = a.qkey;
	attr->sq_psn = a.sq_psn;
	attr->port_num = a.port_num;
	attr->rnr_retry = a.rnr_retry;
	attr->cap = qp->cap;
	init->qp_type = ibqp->qp_type;
	init->recv_cq = ibqp->recv_cq;
	init->send_cq = ibqp->send_cq;
	init->qp_context = ibqp->qp_context;
	init->cap = qp->cap;
	return 0;
}

/* ---- address handles ---- */

static int vnitro_efa_create_ah(struct ib_ah *ibah, struct rdma_ah_init_attr *init,
				struct ib_udata *udata)
{
	struct vnitro_efa_ah *ah = container_of(ibah, struct vnitro_efa_ah, ibah);
	struct efa_ibv_create_ah_resp resp = {};
	struct vcore_err err = {};
	u16 pdn = to_vpd(ibah->pd)->pdn;
	int ret;

	if (!(init->flags & RDMA_CREATE_AH_SLEEPABLE))
		return -EOPNOTSUPP;
	if (!vnitro_efa_udata_clear(udata, 0))
		return -EINVAL;
	mutex_lock(&to_vefa(ibah->device)->lock);
	ret = vcore_efa_ah_add(to_vefa(ibah->device)->core, pdn, init->ah_attr->grh.dgid.raw,
			       &ah->ah, &err);
	mutex_unlock(&to_vefa(ibah->device)->lock);
	if (ret) {
		ibdev_dbg(ibah->device, "create_ah: %s\n", err.msg);
		return ret;
	}
	resp.efa_address_handle = ah->ah;
	if (udata && udata->outlen) {
		ret = ib_copy_to_udata(udata, &resp, min(sizeof(resp), udata->outlen));
		if (ret) {
			mutex_lock(&to_vefa(ibah->device)->lock);
			vcore_efa_ah_del(to_vefa(ibah->device)->core, pdn, ah->ah);
			mutex_unlock(&to_vefa(ibah->device)->lock);
			return ret;
		}
	}
	return 0;
}

static int vnitro_efa_destroy_ah(struct ib_ah *ibah, u32 flags)
{
	struct vnitro_efa_ah *ah = container_of(ibah, struct vnitro_efa_ah, ibah);

	if (!(flags & RDMA_DESTROY_AH_SLEEPABLE))
		return -EOPNOTSUPP;
	mutex_lock(&to_vefa(ibah->device)->lock);
	vcore_efa_ah_del(to_vefa(ibah->device)->core, to_vpd(ibah->pd)->pdn, ah->ah);
	mutex_unlock(&to_vefa(ibah->device)->lock);
	return 0;
}

/*
 * The device's hw_counters (efa_stats.c): each control verb is one admin
 * command on EFA, and the efa driver counts the failures of some of them.
 * The device is taken before the call: a destroy frees its object.
 */
#define VNITRO_EFA_COUNTED(fn, ibobj, err_counter, params, args)		\
static int fn##_counted params							\
{										\
	struct vnitro_efa *efa = to_vefa((ibobj)->device);			\
	int ret = fn args;							\
										\
	vnitro_efa_count_cmd(efa, ret, err_counter);				\
	return ret;								\
}

VNITRO_EFA_COUNTED(vnitro_efa_alloc_ucontext, ibuc, &efa->stats.alloc_ucontext_err,
		   (struct ib_ucontext *ibuc, struct ib_udata *udata), (ibuc, udata))
VNITRO_EFA_COUNTED(vnitro_efa_alloc_pd, ibpd, &efa->stats.alloc_pd_err,
		   (struct ib_pd *ibpd, struct ib_udata *udata), (ibpd, udata))
VNITRO_EFA_COUNTED(vnitro_efa_create_cq, ibcq, &efa->stats.create_cq_err,
		   (struct ib_cq *ibcq, const struct ib_cq_init_attr *attr, struct ib_udata *udata),
		   (ibcq, attr, udata))
VNITRO_EFA_COUNTED(vnitro_efa_create_qp, ibqp, &efa->stats.create_qp_err,
		   (struct ib_qp *ibqp, struct ib_qp_init_attr *init, struct ib_udata *udata),
		   (ibqp, init, udata))
VNITRO_EFA_COUNTED(vnitro_efa_create_ah, ibah, &efa->stats.create_ah_err,
		   (struct ib_ah *ibah, struct rdma_ah_init_attr *init, struct ib_udata *udata),
		   (ibah, init, udata))
VNITRO_EFA_COUNTED(vnitro_efa_modify_qp, ibqp, NULL,
		   (struct ib_qp *ibqp, struct ib_qp_attr *attr, int mask, struct ib_udata *udata),
		   (ibqp, attr, mask, udata))
VNITRO_EFA_COUNTED(vnitro_efa_query_qp, ibqp, NULL,
		   (struct ib_qp *ibqp, struct ib_qp_attr *attr, int mask,
		    struct ib_qp_init_attr *init), (ibqp, attr, mask, init))
VNITRO_EFA_COUNTED(vnitro_efa_destroy_qp, ibqp, NULL,
		   (struct ib_qp *ibqp, struct ib_udata *udata), (ibqp, udata))
VNITRO_EFA_COUNTED(vnitro_efa_destroy_cq, ibcq, NULL,
		   (struct ib_cq *ibcq, struct ib_udata *udata), (ibcq, udata))
VNITRO_EFA_COUNTED(vnitro_efa_destroy_ah, ibah, NULL, (struct ib_ah *ibah, u32 flags),
		   (ibah, flags))
VNITRO_EFA_COUNTED(vnitro_efa_dealloc_pd, ibpd, NULL,
		   (struct ib_pd *ibpd, struct ib_udata *udata), (ibpd, udata))
VNITRO_EFA_COUNTED(vnitro_efa_dereg_mr, ibmr, NULL,
		   (struct ib_mr *ibmr, struct ib_udata *udata), (ibmr, udata))

static struct ib_mr *vnitro_efa_reg_mr_counted(struct ib_pd *ibpd, u64 start, u64 length,
					       u64 iova, int access, struct ib_udata *udata)
{
	struct ib_mr *mr = vnitro_efa_reg_mr(ibpd, start, length, iova, access, udata);
	struct vnitro_efa *efa = to_vefa(ibpd->device);

	vnitro_efa_count_cmd(efa, IS_ERR(mr) ? PTR_ERR(mr) : 0, &efa->stats.reg_mr_err);
	return mr;
}

static int vnitro_efa_mmap_counted(struct ib_ucontext *uctx, struct vm_area_struct *vma)
{
	int ret = vnitro_efa_mmap(uctx, vma);

	if (ret)
		atomic64_inc(&to_vefa(uctx->device)->stats.mmap_err);
	return ret;
}

static const struct ib_device_ops vnitro_efa_ops = {
	/*
	 * With disassociate_ucontext, ib_uverbs does not pin the owner for an
	 * open file; each user context pins the module itself.
	 */
	.owner = THIS_MODULE,
	.driver_id = RDMA_DRIVER_EFA,
	.uverbs_abi_ver = EFA_UVERBS_ABI_VERSION,

	.alloc_hw_device_stats = vnitro_efa_alloc_hw_device_stats,
	.alloc_hw_port_stats = vnitro_efa_alloc_hw_port_stats,
	.alloc_pd = vnitro_efa_alloc_pd_counted,
	.alloc_ucontext = vnitro_efa_alloc_ucontext_counted,
	.create_cq = vnitro_efa_create_cq_counted,
	.create_qp = vnitro_efa_create_qp_counted,
	.create_user_ah = vnitro_efa_create_ah_counted,
	.dealloc_pd = vnitro_efa_dealloc_pd_counted,
	.dealloc_ucontext = vnitro_efa_dealloc_ucontext,
	.dereg_mr = vnitro_efa_dereg_mr_counted,
	.disassociate_ucontext = vnitro_efa_disassociate_ucontext,
	.destroy_ah = vnitro_efa_destroy_ah_counted,
	.destroy_cq = vnitro_efa_destroy_cq_counted,
	.destroy_qp = vnitro_efa_destroy_qp_counted,
	.get_hw_stats = vnitro_efa_get_hw_stats,
	.get_link_layer = vnitro_efa_link_layer,
	.get_port_immutable = vnitro_efa_get_port_immutable,
	.mmap = vnitro_efa_mmap_counted,
	.mmap_free = vnitro_efa_mmap_free,
	.modify_qp = vnitro_efa_modify_qp_counted,
	.query_device = vnitro_efa_query_device,
	.query_gid = vnitro_efa_query_gid,
	.query_pkey = vnitro_efa_query_pkey,
	.query_port = vnitro_efa_query_port,
	.query_qp = vnitro_efa_query_qp_counted,
	.reg_user_mr = vnitro_efa_reg_mr_counted,

	INIT_RDMA_OBJ_SIZE(ib_ah, vnitro_efa_ah, ibah),
	INIT_RDMA_OBJ_SIZE(ib_cq, vnitro_efa_cq, ibcq),
	INIT_RDMA_OBJ_SIZE(ib_pd, vnitro_efa_pd, ibpd),
	INIT_RDMA_OBJ_SIZE(ib_qp, vnitro_efa_qp, ibqp),
	INIT_RDMA_OBJ_SIZE(ib_ucontext, vnitro_efa_ucontext, ibuc),
};

/*
 * The EFA device becomes its ENI's fabric port's endpoint, once both exist:
 * at EFA probe, and when the ENA function probes again after a sysfs
 * remove (a new port). RTNL (edev->netdev, its port) and vnitro_efa_lock
 * (the engine's: attach and detach happen under it) held. The core's
 * vcore_efa_dev_destroy detaches it; unplugging the port does too.
 */
static void vnitro_efa_join_port(struct vnitro_eni_dev *edev)
{
	struct vcore_fabric_port *port;
	int ret;

	ASSERT_RTNL();
	lockdep_assert_held(&vnitro_efa_lock);
	if (!edev->efa || !edev->netdev)
		return;
	port = rtnl_dereference(((struct vnitro_netdev *)netdev_priv(edev->netdev))->port);
	if (!port)
		return;
	ret = vcore_fabric_efa_attach(vnitro.fabric, port, edev->efa->core);
	if (ret)
		pr_warn("%s: the EFA device could not join the fabric port (errno %d)\n",
			edev->eni_id, -ret);
}

/* Leaves the engine's directory; every object is gone (ib_core destroyed them). */
static void vnitro_efa_core_destroy(struct vnitro_efa *efa)
{
	struct vcore_efa_counts c;

	mutex_lock(&vnitro_efa_lock);
	vcore_efa_get_counts(efa->core, &c);
	if (c.pds || c.mrs || c.cqs || c.qps || c.ahs)
		ibdev_err(&efa->ibdev, "objects left: %u PDs, %u MRs, %u CQs, %u QPs, %u AHs\n",
			  c.pds, c.mrs, c.cqs, c.qps, c.ahs);
	vcore_efa_dev_destroy(efa->core);
	vnitro_engine_device_count(-1);
	mutex_unlock(&vnitro_efa_lock);
}

/*
 * Probe of an EFA function: registers efa_%d parented on it, with the ENI's
 * netdev as the port's. Called with the function's device lock held.
 */
int vnitro_efa_create(struct vnitro_eni_dev *edev, struct pci_dev *pdev)
{
	struct vnitro_efa *efa;
	int ret;

	efa = ib_alloc_device(vnitro_efa, ibdev);
	if (!efa)
		return -ENOMEM;
	efa->edev = edev;
	mutex_init(&efa->lock);
	atomic_set(&efa->ucontexts, 0);
	efa->stats.up_since = ktime_get_boottime_seconds();
	ret = vcore_efa_get_attr(edev->efa_gen, &efa->attr);
	if (ret)
		goto err_dealloc_device;
	vcore_efa_gid(edev->port.mac, efa->gid);
	mutex_lock(&vnitro_efa_lock);
	efa->core = vcore_efa_dev_create(vnitro_engine_core(), edev->efa_gen, efa->gid, efa);
	if (efa->core)
		vnitro_engine_device_count(1);
	mutex_unlock(&vnitro_efa_lock);
	if (!efa->core) {
		ret = -ENOMEM;
		goto err_dealloc_device;
	}
	efa->ibdev.node_type = RDMA_NODE_UNSPECIFIED;
	efa->ibdev.phys_port_cnt = 1;
	efa->ibdev.num_comp_vectors = 1;
	efa->ibdev.dev.parent = &pdev->dev;
	ib_set_device_ops(&efa->ibdev, &vnitro_efa_ops);

	/* The netdev must be given back before it unregisters (vnitro_efa_netdev_gone). */
	rtnl_lock();
	mutex_lock(&vnitro_efa_lock);
	ret = edev->netdev ? ib_device_set_netdev(&efa->ibdev, edev->netdev, 1) : 0;
	if (!ret) {
		edev->efa = efa;
		vnitro_efa_join_port(edev);
	}
	mutex_unlock(&vnitro_efa_lock);
	rtnl_unlock();
	if (ret)
		goto err_destroy_core;

	/*
	 * The device belongs to the instance's namespace, as its netdev does.
	 * With ib_core in exclusive mode (netns_mode=0) that is the only place
	 * it is listed and can be opened (issue 12, defect 2); in shared mode
	 * it is listed everywhere and alloc_ucontext refuses other namespaces.
	 */
	write_pnet(&efa->ibdev.coredev.rdma_net, edev->net);
	ret = ib_register_device(&efa->ibdev, "efa_%d", &pdev->dev);
	if (ret)
		goto err_unpublish;
	if (!net_eq(edev->net, &init_net) && rdma_dev_access_netns(&efa->ibdev, &init_net))
		pr_warn_once("RDMA is in shared network-namespace mode: EFA devices are listed in every instance and refused outside their own, which breaks libfabric's efa provider when several instances have one. Load ib_core with netns_mode=0, or run `rdma system set netns exclusive` before any namespace exists.\n");
	mutex_lock(&vnitro_efa_lock);
	strscpy(edev->rdma_device, dev_name(&efa->ibdev.dev), sizeof(edev->rdma_device));
	mutex_unlock(&vnitro_efa_lock);
	ibdev_info(&efa->ibdev, "EFA device of %s registered\n", edev->eni_id);
	return 0;

err_unpublish:
	rtnl_lock();
	mutex_lock(&vnitro_efa_lock);
	edev->efa = NULL;
	ib_device_set_netdev(&efa->ibdev, NULL, 1);
	mutex_unlock(&vnitro_efa_lock);
	rtnl_unlock();
err_destroy_core:
	vnitro_efa_core_destroy(efa);
err_dealloc_device:
	mutex_destroy(&efa->lock);
	ib_dealloc_device(&efa->ibdev);
	return ret;
}

/*
 * Remove of the EFA function. ib_unregister_device destroys every object a
 * user context still holds and disassociates the context (no waiting for the
 * process), so the core's tables are empty afterwards.
 */
void vnitro_efa_destroy(struct vnitro_eni_dev *edev)
{
	struct vnitro_efa *efa;

	mutex_lock(&vnitro_efa_lock);
	efa = edev->efa;
	mutex_unlock(&vnitro_efa_lock);
	if (!efa)
		return;
	ib_unregister_device(&efa->ibdev);

	rtnl_lock();
	mutex_lock(&vnitro_efa_lock);
	edev->efa = NULL;
	edev->rdma_device[0] = '\0';
	mutex_unlock(&vnitro_efa_lock);
	rtnl_unlock();
	vnitro_efa_core_destroy(efa);
	mutex_destroy(&efa->lock);
	ib_dealloc_device(&efa->ibdev);
}

/* The ENI's netdev is about to unregister (RTNL held): ib_core must let go of it. */
void vnitro_efa_netdev_gone(struct vnitro_eni_dev *edev)
{
	ASSERT_RTNL();
	mutex_lock(&vnitro_efa_lock);
	if (edev->efa)
		ib_device_set_netdev(&edev->efa->ibdev, NULL, 1);
	mutex_unlock(&vnitro_efa_lock);
}

/*
 * The ENI's netdev is registered again (RTNL held): the port's netdev once
 * more, and the EFA device the new fabric port's endpoint.
 */
void vnitro_efa_netdev_back(struct vnitro_eni_dev *edev)
{
	ASSERT_RTNL();
	mutex_lock(&vnitro_efa_lock);
	if (edev->efa && edev->netdev &&
	    ib_device_set_netdev(&edev->efa->ibdev, edev->netdev, 1))
		ibdev_warn(&edev->efa->ibdev, "could not give the port its netdev back\n");
	vnitro_efa_join_port(edev);
	mutex_unlock(&vnitro_efa_lock);
}

/* For eni detach: user contexts open on the ENI's EFA device, named in dev. */
u32 vnitro_efa_users(const struct vnitro_eni_dev *edev, char *dev, size_t len)
{
	u32 users = 0;

	mutex_lock(&vnitro_efa_lock);
	if (edev->efa)
		users = atomic_read(&edev->efa->ucontexts);
	strscpy(dev, edev->rdma_device, len);
	mutex_unlock(&vnitro_efa_lock);
	return users;
}

/* For `vnitro eni show`: the ib_device's name, or "" without one. */
void vnitro_efa_device_name(const struct vnitro_eni_dev *edev, char *buf, size_t len)
{
	mutex_lock(&vnitro_efa_lock);
	strscpy(buf, edev->rdma_device, len);
	mutex_unlock(&vnitro_efa_lock);
}
