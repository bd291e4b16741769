// SPDX-License-Identifier: GPL-2.0
// test_efa_device.cc - the EFA device's attributes, GID, handshake and PD table (core/efa/device.cc).
#include <string.h>

#include "harness.h"
#include "efa/device.h"
#include "efa/wire.h"

static const vcore_efa_engine_ops no_ops = {};
static vcore_fabric *fab;
static vcore_efa_engine *eng;
static const uint8_t gid[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0xff, 0xfe, 4, 5, 6};

static void setup(void)
{
	harness_init(nullptr);
	fab = vcore_fabric_create();
	eng = vcore_efa_engine_create(&no_ops, fab);
	cr_assert(eng);
}

static void teardown(void)
{
	vcore_efa_engine_destroy(eng);
	vcore_fabric_destroy(fab);
	cr_expect_eq(harness.live_allocs, 0, "leaked %ld allocations", harness.live_allocs);
	harness_fini();
}

TestSuite(efa_device, .init = setup, .fini = teardown);

Test(efa_device, attributes_are_efa_v1s)
{
	vcore_efa_attr a;

	vcore_efa_get_attr(VCORE_EFA_GEN_1, &a);
	cr_assert_eq(a.vendor_id, 0x1d0f);
	cr_assert_eq(a.device_id, 0xefa0);
	cr_assert_eq(a.subsystem_device, 0xefa0, "ibv_devinfo shows hw_ver 0xEFA0");
	cr_assert_eq(a.max_sq_sge, 2);
	cr_assert_eq(a.max_rq_sge, 1);
	cr_assert_eq(a.inline_buf_size, 32);
	cr_assert_eq(a.sub_cqs_per_cq, 1);
	// No RDMA read on EFA v1; the caps say so and the limits agree.
	cr_assert_eq(a.device_caps & VCORE_EFA_CAP_RDMA_READ, 0u);
	cr_assert_eq(a.max_rdma_size, 0u);
	cr_assert(a.device_caps & VCORE_EFA_CAP_RNR_RETRY);
	cr_assert(a.device_caps & VCORE_EFA_CAP_CQ_WITH_SGID);
	cr_assert(a.device_caps & VCORE_EFA_CAP_CQ_NOTIFICATIONS, "completion channels");
}

Test(efa_device, limits_cover_libfabric_rdm)
{
	vcore_efa_attr a;

	vcore_efa_get_attr(VCORE_EFA_GEN_1, &a);
	// libfabric 1.17's RDM endpoint: SQ 1024 WRs, RQ 8192, one CQ for both.
	cr_assert_geq(a.max_sq_depth, 1024u);
	cr_assert_geq(a.max_rq_depth / a.max_rq_sge, 8192u);
	cr_assert_geq(a.max_cq_depth, 16384u);
	cr_assert(vnitro::efa::is_pow2(a.max_sq_depth));
	cr_assert(vnitro::efa::is_pow2(a.max_rq_depth));
	// The LLQ holds a whole SQ of 64-byte entries.
	cr_assert_eq(a.max_llq_size, a.max_sq_depth * vnitro::efa::tx_wqe_size);
	// ib_mtu_int_to_enum(mtu) must be IB_MTU_4096: at least 4096.
	cr_assert_geq(a.mtu, 4096u);
	cr_assert_leq(a.mtu, (uint32_t)VCORE_VPC_MTU);
}

Test(efa_device, gid_is_link_local_eui64_of_the_mac)
{
	const uint8_t mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
	const uint8_t want[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0,
				  0x00, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55};
	uint8_t gid[16], again[16];

	memset(gid, 0xaa, sizeof(gid));
	vcore_efa_gid(mac, gid);
	cr_assert_arr_eq(gid, want, 16);
	vcore_efa_gid(mac, again);
	cr_assert_arr_eq(gid, again, 16, "stable");
}

Test(efa_device, gids_differ_with_macs)
{
	const uint8_t a[6] = {0x02, 0, 0, 0, 0, 1}, b[6] = {0x02, 0, 0, 0, 0, 2};
	uint8_t ga[16], gb[16];

	vcore_efa_gid(a, ga);
	vcore_efa_gid(b, gb);
	cr_assert(memcmp(ga, gb, 16));
}

Test(efa_device, handshake_needs_tx_batch_acknowledged)
{
	vcore_err err = {};

	// What libefa 44 sends.
	cr_assert_eq(vcore_efa_ucontext_check(VCORE_EFA_UCTX_COMP_TX_BATCH |
					      VCORE_EFA_UCTX_COMP_MIN_SQ_WR, &err), 0);
	// The device reports max_tx_batch, so an old library must be refused.
	cr_assert_eq(vcore_efa_ucontext_check(0, &err), -EOPNOTSUPP);
	cr_assert_eq(err.code, -EOPNOTSUPP);
	cr_assert(strstr(err.msg, "max_tx_batch"), "%s", err.msg);
	// min_sq_wr is 0: not acknowledging it is fine.
	cr_assert_eq(vcore_efa_ucontext_check(VCORE_EFA_UCTX_COMP_TX_BATCH, &err), 0);
}

Test(efa_device, pds_are_numbered_up_to_max_pd)
{
	vcore_efa_attr a;
	vcore_efa_counts c;
	vcore_efa_dev *dev = vcore_efa_dev_create(eng, VCORE_EFA_GEN_1, gid, nullptr);
	uint16_t pdn;

	cr_assert(dev);
	vcore_efa_get_attr(VCORE_EFA_GEN_1, &a);
	for (uint32_t i = 0; i < a.max_pd; i++) {
		cr_assert_eq(vcore_efa_pd_alloc(dev, &pdn), 0);
		cr_assert_eq(pdn, i);
	}
	cr_assert_eq(vcore_efa_pd_alloc(dev, &pdn), -ENOMEM, "max_pd reached");
	vcore_efa_get_counts(dev, &c);
	cr_assert_eq(c.pds, a.max_pd);
	vcore_efa_pd_free(dev, 7);
	cr_assert_eq(vcore_efa_pd_alloc(dev, &pdn), 0);
	cr_assert_eq(pdn, 7);
	for (uint32_t i = 0; i < a.max_pd; i++)
		vcore_efa_pd_free(dev, uint16_t(i));
	vcore_efa_pd_free(dev, 3);	// twice: ignored
	vcore_efa_get_counts(dev, &c);
	cr_assert_eq(c.pds, 0u);
	vcore_efa_dev_destroy(dev);
}

Test(efa_device, freed_pd_is_not_reused_at_once)
{
	vcore_efa_dev *dev = vcore_efa_dev_create(eng, VCORE_EFA_GEN_1, gid, nullptr);
	uint16_t a, b;

	cr_assert_eq(vcore_efa_pd_alloc(dev, &a), 0);
	vcore_efa_pd_free(dev, a);
	cr_assert_eq(vcore_efa_pd_alloc(dev, &b), 0);
	cr_assert_neq(a, b);
	vcore_efa_pd_free(dev, b);
	vcore_efa_dev_destroy(dev);
}

Test(efa_device, create_fails_cleanly_without_memory)
{
	harness.fail_alloc_in = 2;	// the PD bitmap
	cr_assert_null(vcore_efa_dev_create(eng, VCORE_EFA_GEN_1, gid, nullptr));
}
