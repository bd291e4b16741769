// SPDX-License-Identifier: GPL-2.0
/*
 * efa_verbs.c - the RDMA device of an EFA ENI: an ib_device that speaks the
 * EFA uverbs ABI (rdma/efa-abi.h), so the distribution's libefa binds it.
 * Every limit and table lives in the core (core/efa/device); this file
 * translates between ib_core's callbacks and those calls.
 *
 * Locking: vnitro_efa_lock (one mutex for the module's EFA devices) is taken
 * by every verb that creates, destroys or changes an object, and guards
 * edev->efa. Order: RTNL, then vnitro_efa_lock. ib_core's own locks are
 * outside both (it calls the verbs).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rtnetlink.h>
#include <rdma/efa-abi.h>
#include <rdma/ib_verbs.h>

#include "efa.h"
#include "vnitro.h"

static DEFINE_MUTEX(vnitro_efa_lock);

/* The core numbers these as the ABI and ib_verbs.h do; keep them in step. */
#define VNITRO_EFA_SAME(ours, theirs) static_assert((int)(ours) == (int)(theirs))
VNITRO_EFA_SAME(VNITRO_EFA_CAP_RDMA_READ, EFA_QUERY_DEVICE_CAPS_RDMA_READ);
VNITRO_EFA_SAME(VNITRO_EFA_CAP_RNR_RETRY, EFA_QUERY_DEVICE_CAPS_RNR_RETRY);
VNITRO_EFA_SAME(VNITRO_EFA_CAP_CQ_NOTIFICATIONS, EFA_QUERY_DEVICE_CAPS_CQ_NOTIFICATIONS);
VNITRO_EFA_SAME(VNITRO_EFA_CAP_CQ_WITH_SGID, EFA_QUERY_DEVICE_CAPS_CQ_WITH_SGID);
VNITRO_EFA_SAME(VNITRO_EFA_UCTX_COMP_TX_BATCH, EFA_ALLOC_UCONTEXT_CMD_COMP_TX_BATCH);
VNITRO_EFA_SAME(VNITRO_EFA_UCTX_COMP_MIN_SQ_WR, EFA_ALLOC_UCONTEXT_CMD_COMP_MIN_SQ_WR);
VNITRO_EFA_SAME(VNITRO_EFA_GID_LEN, sizeof(union ib_gid));
VNITRO_EFA_SAME(VNITRO_EFA_QPS_RESET, IB_QPS_RESET);
VNITRO_EFA_SAME(VNITRO_EFA_QPS_INIT, IB_QPS_INIT);
VNITRO_EFA_SAME(VNITRO_EFA_QPS_RTR, IB_QPS_RTR);
VNITRO_EFA_SAME(VNITRO_EFA_QPS_RTS, IB_QPS_RTS);
VNITRO_EFA_SAME(VNITRO_EFA_QPS_SQD, IB_QPS_SQD);
VNITRO_EFA_SAME(VNITRO_EFA_QPS_SQE, IB_QPS_SQE);
VNITRO_EFA_SAME(VNITRO_EFA_QPS_ERR, IB_QPS_ERR);
VNITRO_EFA_SAME(VNITRO_EFA_QP_STATE, IB_QP_STATE);
VNITRO_EFA_SAME(VNITRO_EFA_QP_CUR_STATE, IB_QP_CUR_STATE);
VNITRO_EFA_SAME(VNITRO_EFA_QP_EN_SQD_ASYNC_NOTIFY, IB_QP_EN_SQD_ASYNC_NOTIFY);
VNITRO_EFA_SAME(VNITRO_EFA_QP_PKEY_INDEX, IB_QP_PKEY_INDEX);
VNITRO_EFA_SAME(VNITRO_EFA_QP_PORT, IB_QP_PORT);
VNITRO_EFA_SAME(VNITRO_EFA_QP_QKEY, IB_QP_QKEY);
VNITRO_EFA_SAME(VNITRO_EFA_QP_SQ_PSN, IB_QP_SQ_PSN);
VNITRO_EFA_SAME(VNITRO_EFA_QP_RNR_RETRY, IB_QP_RNR_RETRY);
VNITRO_EFA_SAME(VNITRO_EFA_QP_CAP, IB_QP_CAP);
VNITRO_EFA_SAME(VNITRO_EFA_QP_ATTR_STANDARD_BITS, IB_QP_ATTR_STANDARD_BITS);

static struct vnitro_efa *to_vefa(struct ib_device *ibdev)
{
	return container_of(ibdev, struct vnitro_efa, ibdev);
}

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
	const struct vnitro_efa_attr *a = &to_vefa(ibdev)->attr;
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
	const struct vnitro_efa_attr *a = &to_vefa(ibdev)->attr;

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
	const struct vnitro_efa_attr *a = &efa->attr;
	struct efa_ibv_alloc_ucontext_resp resp = {};
	struct efa_ibv_alloc_ucontext_cmd cmd = {};
	struct vnitro_err err = {};
	int ret;

	/* Fields we do not know are fine: the response acknowledges ours. */
	ret = ib_copy_from_udata(&cmd, udata, min(sizeof(cmd), udata->inlen));
	if (ret)
		return ret;
	ret = vnitro_efa_ucontext_check(cmd.comp_mask, &err);
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
	atomic_inc(&efa->ucontexts);
	return 0;
}

static void vnitro_efa_dealloc_ucontext(struct ib_ucontext *ibuc)
{
	atomic_dec(&to_vefa(ibuc->device)->ucontexts);
}

static int vnitro_efa_alloc_pd(struct ib_pd *ibpd, struct ib_udata *udata)
{
	struct vnitro_efa *efa = to_vefa(ibpd->device);
	struct vnitro_efa_pd *pd = to_vpd(ibpd);
	struct efa_ibv_alloc_pd_resp resp = {};
	int ret;

	if (!vnitro_efa_udata_clear(udata, 0))
		return -EINVAL;
	mutex_lock(&vnitro_efa_lock);
	ret = vnitro_efa_pd_alloc(efa->core, &pd->pdn);
	mutex_unlock(&vnitro_efa_lock);
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
	mutex_lock(&vnitro_efa_lock);
	vnitro_efa_pd_free(efa->core, pd->pdn);
	mutex_unlock(&vnitro_efa_lock);
	return ret;
}

static int vnitro_efa_dealloc_pd(struct ib_pd *ibpd, struct ib_udata *udata)
{
	struct vnitro_efa *efa = to_vefa(ibpd->device);

	mutex_lock(&vnitro_efa_lock);
	vnitro_efa_pd_free(efa->core, to_vpd(ibpd)->pdn);
	mutex_unlock(&vnitro_efa_lock);
	return 0;
}

static const struct ib_device_ops vnitro_efa_ops = {
	/*
	 * ib_uverbs pins the owner while a file of the device is open (we have
	 * no disassociate_ucontext): the module cannot go while a context lives.
	 */
	.owner = THIS_MODULE,
	.driver_id = RDMA_DRIVER_EFA,
	.uverbs_abi_ver = EFA_UVERBS_ABI_VERSION,

	.alloc_pd = vnitro_efa_alloc_pd,
	.alloc_ucontext = vnitro_efa_alloc_ucontext,
	.dealloc_pd = vnitro_efa_dealloc_pd,
	.dealloc_ucontext = vnitro_efa_dealloc_ucontext,
	.get_link_layer = vnitro_efa_link_layer,
	.get_port_immutable = vnitro_efa_get_port_immutable,
	.query_device = vnitro_efa_query_device,
	.query_gid = vnitro_efa_query_gid,
	.query_pkey = vnitro_efa_query_pkey,
	.query_port = vnitro_efa_query_port,

	INIT_RDMA_OBJ_SIZE(ib_pd, vnitro_efa_pd, ibpd),
	INIT_RDMA_OBJ_SIZE(ib_ucontext, vnitro_efa_ucontext, ibuc),
};

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
	efa->core = vnitro_efa_dev_create();
	if (!efa->core) {
		ret = -ENOMEM;
		goto err_dealloc_device;
	}
	efa->edev = edev;
	atomic_set(&efa->ucontexts, 0);
	vnitro_efa_get_attr(&efa->attr);
	vnitro_efa_gid(edev->port.mac, efa->gid);
	efa->ibdev.node_type = RDMA_NODE_UNSPECIFIED;
	efa->ibdev.phys_port_cnt = 1;
	efa->ibdev.num_comp_vectors = 1;
	efa->ibdev.dev.parent = &pdev->dev;
	ib_set_device_ops(&efa->ibdev, &vnitro_efa_ops);

	/* The netdev must be given back before it unregisters (vnitro_efa_netdev_gone). */
	rtnl_lock();
	mutex_lock(&vnitro_efa_lock);
	ret = edev->netdev ? ib_device_set_netdev(&efa->ibdev, edev->netdev, 1) : 0;
	if (!ret)
		edev->efa = efa;
	mutex_unlock(&vnitro_efa_lock);
	rtnl_unlock();
	if (ret)
		goto err_destroy_core;

	ret = ib_register_device(&efa->ibdev, "efa_%d", &pdev->dev);
	if (ret)
		goto err_unpublish;
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
	vnitro_efa_dev_destroy(efa->core);
err_dealloc_device:
	ib_dealloc_device(&efa->ibdev);
	return ret;
}

/*
 * Remove of the EFA function. ib_unregister_device destroys every object a
 * user context still holds and waits until the contexts are closed, so the
 * core's tables are empty afterwards.
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
	vnitro_efa_dev_destroy(efa->core);
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

/* For `vnitro eni show`: the ib_device's name, or "" without one. */
void vnitro_efa_device_name(const struct vnitro_eni_dev *edev, char *buf, size_t len)
{
	mutex_lock(&vnitro_efa_lock);
	strscpy(buf, edev->rdma_device, len);
	mutex_unlock(&vnitro_efa_lock);
}
