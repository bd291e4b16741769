// SPDX-License-Identifier: GPL-2.0
/*
 * test_verbs.c - the EFA device through the stock libibverbs and libefa:
 * attributes, port, GID, P_Key and protection domains, and the errors a
 * real EFA gives. Runs inside the VM; VNITRO_EFA_DEV names the device.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <infiniband/efadv.h>
#include <infiniband/verbs.h>

static struct ibv_context *ctx;

static void open_dev(void)
{
	const char *name = getenv("VNITRO_EFA_DEV");
	struct ibv_device **list;
	int i, n;

	cr_assert(name, "VNITRO_EFA_DEV is not set");
	list = ibv_get_device_list(&n);
	cr_assert(list, "no RDMA devices");
	for (i = 0; i < n && !ctx; i++)
		if (!strcmp(ibv_get_device_name(list[i]), name))
			ctx = ibv_open_device(list[i]);
	ibv_free_device_list(list);
	cr_assert(ctx, "cannot open %s", name);
}

static void close_dev(void)
{
	if (ctx)
		ibv_close_device(ctx);
	ctx = NULL;
}

TestSuite(verbs, .init = open_dev, .fini = close_dev);

Test(verbs, device_attributes_are_efa_v1s)
{
	struct ibv_device_attr a;

	cr_assert_eq(ibv_query_device(ctx, &a), 0);
	cr_assert_eq(a.vendor_id, 0x1d0f);
	cr_assert_eq(a.vendor_part_id, 0xefa0);
	cr_assert_eq(a.hw_ver, 0xefa0);
	cr_assert_eq(a.phys_port_cnt, 1);
	cr_assert_eq(a.max_pkeys, 1);
	cr_assert_geq(a.max_cqe, 16384, "libfabric's RDM CQ must fit");
	cr_assert_eq(a.max_sge, 1, "min(max_sq_sge, max_rq_sge), as efa_query_device");
	cr_assert_str_eq(a.fw_ver, "0.0.0.0");
}

Test(verbs, efadv_attributes)
{
	struct efadv_device_attr e = {};

	cr_assert_eq(efadv_query_device(ctx, &e, sizeof(e)), 0);
	cr_assert_eq(e.max_sq_sge, 2);
	cr_assert_eq(e.max_rq_sge, 1);
	cr_assert_eq(e.inline_buf_size, 32);
	cr_assert_geq(e.max_sq_wr, 1024);
	cr_assert_geq(e.max_rq_wr, 8192);
	cr_assert(e.device_caps & EFADV_DEVICE_ATTR_CAPS_RNR_RETRY);
	cr_assert(e.device_caps & EFADV_DEVICE_ATTR_CAPS_CQ_WITH_SGID);
	cr_assert_not(e.device_caps & EFADV_DEVICE_ATTR_CAPS_RDMA_READ, "EFA v1 has no RDMA read");
}

Test(verbs, port_is_active_with_efa_mtu)
{
	struct ibv_port_attr p;

	cr_assert_eq(ibv_query_port(ctx, 1, &p), 0);
	cr_assert_eq(p.state, IBV_PORT_ACTIVE);
	cr_assert_eq(p.active_mtu, IBV_MTU_4096);
	cr_assert_eq(p.max_msg_sz, 8928);
	cr_assert_eq(p.link_layer, IBV_LINK_LAYER_UNSPECIFIED);
	cr_assert_eq(p.gid_tbl_len, 1);
	cr_assert_eq(p.pkey_tbl_len, 1);
	cr_assert_neq(ibv_query_port(ctx, 2, &p), 0, "one port only");
}

Test(verbs, one_gid_link_local)
{
	union ibv_gid gid;

	cr_assert_eq(ibv_query_gid(ctx, 1, 0, &gid), 0);
	cr_assert_eq(gid.raw[0], 0xfe);
	cr_assert_eq(gid.raw[1], 0x80);
	cr_assert_eq(gid.raw[11], 0xff);
	cr_assert_eq(gid.raw[12], 0xfe);
	cr_assert_neq(ibv_query_gid(ctx, 1, 1, &gid), 0, "GID table of one entry");
}

Test(verbs, default_pkey_only)
{
	__be16 pkey;

	cr_assert_eq(ibv_query_pkey(ctx, 1, 0, &pkey), 0);
	cr_assert_eq(pkey, 0xffff);
	cr_assert_neq(ibv_query_pkey(ctx, 1, 1, &pkey), 0);
}

Test(verbs, pds_up_to_max_pd)
{
	struct ibv_device_attr a;
	struct ibv_pd **pds;
	int i;

	cr_assert_eq(ibv_query_device(ctx, &a), 0);
	pds = calloc(a.max_pd + 1, sizeof(*pds));
	cr_assert(pds);
	for (i = 0; i < a.max_pd; i++) {
		pds[i] = ibv_alloc_pd(ctx);
		cr_assert(pds[i], "PD %d of %d: %s", i, a.max_pd, strerror(errno));
	}
	errno = 0;
	cr_assert_null(ibv_alloc_pd(ctx), "max_pd %d reached", a.max_pd);
	cr_assert_eq(errno, ENOMEM, "%s", strerror(errno));
	for (i = 0; i < a.max_pd; i++)
		cr_assert_eq(ibv_dealloc_pd(pds[i]), 0);
	pds[0] = ibv_alloc_pd(ctx);
	cr_assert(pds[0], "PDs come back after dealloc");
	ibv_dealloc_pd(pds[0]);
	free(pds);
}

Test(verbs, pds_of_a_closed_context_are_released)
{
	struct ibv_device_attr a;
	int i;

	cr_assert_eq(ibv_query_device(ctx, &a), 0);
	/* Leak them all on purpose: closing the context must give them back. */
	for (i = 0; i < a.max_pd; i++)
		cr_assert(ibv_alloc_pd(ctx));
	close_dev();
	open_dev();
	struct ibv_pd *pd = ibv_alloc_pd(ctx);
	cr_assert(pd, "the closed context's PDs were freed");
	ibv_dealloc_pd(pd);
}
