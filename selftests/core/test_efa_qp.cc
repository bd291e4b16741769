// SPDX-License-Identifier: GPL-2.0
// test_efa_qp.cc - EFA QP creation checks and state machine (core/efa/qp.cc), MR/CQ/AH tables.
#include "efa_fixture.h"

using namespace efa_fx;

static vcore_efa_engine *eng;
static dev_fx *d;
static vcore_err err;

static void setup(void)
{
	harness_init(nullptr);
	eng = engine_create(&ops);
	d = new dev_fx();
	dev_init(eng, *d, 1, 1);
	err = {};
}

static void teardown(void)
{
	dev_fini(*d);
	delete d;
	engine_destroy(eng);
	cr_expect_eq(harness.live_allocs, 0, "leaked %ld allocations", harness.live_allocs);
	harness_fini();
}

TestSuite(efa_qp, .init = setup, .fini = teardown);

static uint32_t add(uint8_t type)
{
	vcore_efa_qp_desc q = qp_desc(*d, type);
	vcore_efa_qp_rings r = {d->qp.llq, d->qp.rq, &d->qp.sq_db, &d->qp.rq_db};
	uint32_t qpn;

	cr_assert_eq(vcore_efa_qp_add(d->dev, &q, &r, &qpn, &err), 0, "%s", err.msg);
	return qpn;
}

static int modify(uint32_t qpn, uint8_t state, uint32_t mask, uint8_t port = 1)
{
	vcore_efa_qp_attr a = {};

	a.qp_state = state;
	a.port_num = port;
	a.qkey = 0x1234;
	a.rnr_retry = 3;
	return vcore_efa_qp_modify(d->dev, qpn, &a, mask, &err);
}

enum : uint32_t {
	S = VCORE_EFA_QP_STATE,
	INIT_MASK = VCORE_EFA_QP_STATE | VCORE_EFA_QP_PKEY_INDEX | VCORE_EFA_QP_PORT |
		    VCORE_EFA_QP_QKEY,
	PSN = VCORE_EFA_QP_SQ_PSN,
	RNR = VCORE_EFA_QP_RNR_RETRY,
};

static uint8_t state_of(uint32_t qpn)
{
	vcore_efa_qp_attr a;

	cr_assert_eq(vcore_efa_qp_query(d->dev, qpn, VCORE_EFA_QP_STATE, &a, &err), 0);
	return a.qp_state;
}

Test(efa_qp, srd_walks_reset_init_rtr_rts_with_rnr_retry)
{
	uint32_t qpn = add(VCORE_EFA_QP_SRD);
	vcore_efa_qp_attr a;

	cr_assert_eq(state_of(qpn), VCORE_EFA_QPS_RESET);
	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_INIT, INIT_MASK), 0, "%s", err.msg);
	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_RTR, S), 0, "%s", err.msg);
	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_RTS, S | PSN | RNR), 0, "%s", err.msg);
	cr_assert_eq(vcore_efa_qp_query(d->dev, qpn, S | VCORE_EFA_QP_QKEY | RNR, &a, &err), 0);
	cr_assert_eq(a.qp_state, VCORE_EFA_QPS_RTS);
	cr_assert_eq(a.qkey, 0x1234);
	cr_assert_eq(a.rnr_retry, 3);
	cr_assert_eq(a.port_num, 1);
}

Test(efa_qp, srd_retries_rnr_forever_until_told_otherwise)
{
	uint32_t qpn = add(VCORE_EFA_QP_SRD);
	vcore_efa_qp_attr a;

	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_INIT, INIT_MASK), 0, "%s", err.msg);
	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_RTR, S), 0, "%s", err.msg);
	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_RTS, S | PSN), 0, "%s", err.msg);
	cr_assert_eq(vcore_efa_qp_query(d->dev, qpn, RNR, &a, &err), 0);
	cr_assert_eq(a.rnr_retry, 7, "the device's default: infinite");
}

Test(efa_qp, ud_has_no_rnr_retry)
{
	uint32_t qpn = add(VCORE_EFA_QP_UD);

	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_INIT, INIT_MASK), 0);
	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_RTR, S), 0);
	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_RTS, S | PSN | RNR), -EINVAL);
	cr_assert_eq(state_of(qpn), VCORE_EFA_QPS_RTR, "a refusal changes nothing");
	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_RTS, S | PSN), 0);
}

Test(efa_qp, required_attributes)
{
	uint32_t qpn = add(VCORE_EFA_QP_SRD);

	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_INIT, S | VCORE_EFA_QP_PORT), -EINVAL,
		     "RESET -> INIT needs P_Key index, port and QKey");
	cr_assert(strstr(err.msg, "RESET -> INIT"), "%s", err.msg);
	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_INIT, INIT_MASK), 0);
	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_RTR, S), 0);
	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_RTS, S), -EINVAL, "RTR -> RTS needs the SQ PSN");
}

Test(efa_qp, invalid_transitions)
{
	uint32_t qpn = add(VCORE_EFA_QP_SRD);

	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_RTR, S), -EINVAL, "RESET -> RTR");
	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_ERR, S), -EINVAL, "RESET -> ERR");
	cr_assert_eq(modify(qpn, 9, S), -EINVAL, "no such state");
	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_INIT, INIT_MASK), 0);
	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_RTS, S | PSN), -EINVAL, "INIT -> RTS");
	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_ERR, S), 0);
	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_RESET, S), 0);
	cr_assert_eq(state_of(qpn), VCORE_EFA_QPS_RESET);
}

Test(efa_qp, cur_state_only_from_rtr_on)
{
	uint32_t qpn = add(VCORE_EFA_QP_SRD);

	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_INIT, INIT_MASK | VCORE_EFA_QP_CUR_STATE), -EINVAL);
}

Test(efa_qp, attributes_efa_does_not_have)
{
	uint32_t qpn = add(VCORE_EFA_QP_SRD);
	vcore_efa_qp_attr a;

	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_INIT, INIT_MASK | (1 << 7)), -EOPNOTSUPP, "AV");
	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_INIT, INIT_MASK | (1u << 25)), -EOPNOTSUPP);
	cr_assert_eq(modify(qpn, VCORE_EFA_QPS_INIT, INIT_MASK, 2), -EOPNOTSUPP, "port 2");
	cr_assert_eq(state_of(qpn), VCORE_EFA_QPS_RESET);
	cr_assert_eq(vcore_efa_qp_query(d->dev, qpn, 1 << 7, &a, &err), -EOPNOTSUPP);
}

Test(efa_qp, unknown_qp)
{
	cr_assert_eq(modify(200, VCORE_EFA_QPS_INIT, INIT_MASK), -EINVAL);
	cr_assert_eq(modify(0, VCORE_EFA_QPS_INIT, INIT_MASK), -EINVAL);
}

Test(efa_qp, capabilities_over_the_device)
{
	vcore_efa_qp_desc q = qp_desc(*d, VCORE_EFA_QP_SRD);

	q.max_inline = 33;
	cr_assert_eq(vcore_efa_qp_check(d->dev, &q, &err), -EINVAL);
	q = qp_desc(*d, VCORE_EFA_QP_SRD);
	q.max_send_sge = 3;
	cr_assert_eq(vcore_efa_qp_check(d->dev, &q, &err), -EINVAL);
	q = qp_desc(*d, VCORE_EFA_QP_SRD);
	q.max_recv_wr = 32769;
	cr_assert_eq(vcore_efa_qp_check(d->dev, &q, &err), -EINVAL);
	q = qp_desc(*d, 5);
	cr_assert_eq(vcore_efa_qp_check(d->dev, &q, &err), -EOPNOTSUPP);
}

Test(efa_qp, ring_sizes_the_engine_can_walk)
{
	vcore_efa_qp_desc q = qp_desc(*d, VCORE_EFA_QP_SRD);

	q.sq_ring_size = 3 * 64;
	cr_assert_eq(vcore_efa_qp_check(d->dev, &q, &err), -EINVAL, "not a power of two");
	q = qp_desc(*d, VCORE_EFA_QP_SRD);
	q.sq_ring_size = 8 * 64;
	cr_assert_eq(vcore_efa_qp_check(d->dev, &q, &err), -EINVAL, "fewer WQEs than max_send_wr");
	q = qp_desc(*d, VCORE_EFA_QP_SRD);
	q.sq_ring_size = 8192 * 64;
	q.max_send_wr = 4096;
	cr_assert_eq(vcore_efa_qp_check(d->dev, &q, &err), -EINVAL, "over max_llq_size");
	q = qp_desc(*d, VCORE_EFA_QP_SRD);
	q.rq_ring_size = 100;
	cr_assert_eq(vcore_efa_qp_check(d->dev, &q, &err), -EINVAL, "partial descriptor");
	q = qp_desc(*d, VCORE_EFA_QP_SRD);
	q.rq_ring_size = 0;
	q.max_recv_wr = 0;
	cr_assert_eq(vcore_efa_qp_check(d->dev, &q, &err), 0, "no RQ at all");
}

Test(efa_qp, qp_numbers_are_unique_up_to_max_qp)
{
	vcore_efa_attr a;
	vcore_efa_qp_desc q = qp_desc(*d, VCORE_EFA_QP_UD);
	vcore_efa_qp_rings r = {d->qp.llq, d->qp.rq, &d->qp.sq_db, &d->qp.rq_db};
	bool seen[256] = {};
	uint32_t qpn;

	vcore_efa_get_attr(VCORE_EFA_GEN_1, &a);
	for (uint32_t i = 0; i < a.max_qp; i++) {
		cr_assert_eq(vcore_efa_qp_add(d->dev, &q, &r, &qpn, &err), 0);
		cr_assert_neq(qpn, 0u);
		cr_assert_not(seen[qpn % 256], "qpn %u collides modulo 256", qpn);
		seen[qpn % 256] = true;
	}
	cr_assert_eq(vcore_efa_qp_add(d->dev, &q, &r, &qpn, &err), -ENOMEM);
}

Test(efa_qp, cq_checks_as_efa_create_cq)
{
	vcore_efa_cq_desc c = {16, 32, 1, 1};
	uint32_t size;

	cr_assert_eq(vcore_efa_cq_check(&c, &size, &err), 0);
	cr_assert_eq(size, 512u);
	c.entry_size = 16;
	cr_assert_eq(vcore_efa_cq_check(&c, &size, &err), -EINVAL, "16 bytes cannot hold the GID");
	c.with_sgid = 0;
	cr_assert_eq(vcore_efa_cq_check(&c, &size, &err), 0);
	c.entry_size = 24;
	cr_assert_eq(vcore_efa_cq_check(&c, &size, &err), -EINVAL);
	c = {0, 32, 1, 0};
	cr_assert_eq(vcore_efa_cq_check(&c, &size, &err), -EINVAL);
	c = {65537, 32, 1, 0};
	cr_assert_eq(vcore_efa_cq_check(&c, &size, &err), -EINVAL);
	c = {16, 32, 2, 0};
	cr_assert_eq(vcore_efa_cq_check(&c, &size, &err), -EINVAL, "one sub-CQ per CQ");
}

Test(efa_qp, mr_keys_fit_24_bits_and_die_with_the_mr)
{
	vcore_efa_mr_desc m = {d->pdn, 0x1000, 4096, 0, nullptr};
	uint32_t k1, k2;
	vcore_efa_counts c;

	cr_assert_eq(vcore_efa_mr_add(d->dev, &m, &k1, &err), 0);
	cr_assert_eq(k1 & ~0xffffffu, 0u);
	cr_assert_eq(d->dev->mr_find(k1)->iova, 0x1000u);
	vcore_efa_mr_del(d->dev, k1);
	cr_assert_null(d->dev->mr_find(k1));
	cr_assert_eq(vcore_efa_mr_add(d->dev, &m, &k2, &err), 0);
	cr_assert_neq(k1, k2, "a new registration never reuses a dead key at once");
	m.length = 0;
	cr_assert_eq(vcore_efa_mr_add(d->dev, &m, &k2, &err), -EINVAL);
	m = {d->pdn, ~0ull - 10, 100, 0, nullptr};
	cr_assert_eq(vcore_efa_mr_add(d->dev, &m, &k2, &err), -EINVAL, "wraps");
	m = {77, 0x1000, 100, 0, nullptr};
	cr_assert_eq(vcore_efa_mr_add(d->dev, &m, &k2, &err), -EINVAL, "no such PD");
	vcore_efa_get_counts(d->dev, &c);
	cr_assert_eq(c.mrs, 2u, "the fixture's and one here");
}

// Issue 12, defect 10: one 6-bit generation for the whole device gave a
// stale key back when its index came round again after a multiple of 64
// registrations (a full round robin over 2^18 indices is one). Each slot
// now counts its own registrations: the stale key misses, and deregistering
// with it leaves the new MR alone.
Test(efa_qp, a_stale_key_misses_when_its_slot_comes_round_again)
{
	vcore_efa_mr_desc m = {d->pdn, 0x1000, 4096, 0, nullptr};
	const uint32_t index_mask = (1u << mr_index_bits) - 1;
	uint32_t stale, k = 0, n, held;
	vcore_efa_counts c;

	// 64 live MRs (the fixture's and 63): the slot comes round after
	// max_mr - 64 registrations, a multiple of 64.
	for (n = 0; n < 63; n++)
		cr_assert_eq(vcore_efa_mr_add(d->dev, &m, &held, &err), 0);
	cr_assert_eq(vcore_efa_mr_add(d->dev, &m, &stale, &err), 0);
	vcore_efa_mr_del(d->dev, stale);
	for (n = 0; n <= attr().max_mr; n++) {
		cr_assert_eq(vcore_efa_mr_add(d->dev, &m, &k, &err), 0, "%s", err.msg);
		if ((k & index_mask) == (stale & index_mask))
			break;
		vcore_efa_mr_del(d->dev, k);
	}
	cr_assert_leq(n, attr().max_mr, "the slot never came round");
	cr_assert_neq(k, stale, "the slot's next key differs from its stale one");
	cr_assert_null(d->dev->mr_find(stale));
	vcore_efa_mr_del(d->dev, stale);
	cr_assert_not_null(d->dev->mr_find(k), "a stale key deregistered the new MR");
	vcore_efa_get_counts(d->dev, &c);
	cr_assert_eq(c.mrs, 65u, "the 64 held and the new one");
}

Test(efa_qp, ahs_are_shared_per_pd_and_gid)
{
	uint8_t g1[16], g2[16];
	uint16_t a1, a2, a3, pd2;

	make_gid(g1, 10);
	make_gid(g2, 11);
	cr_assert_eq(vcore_efa_pd_alloc(d->dev, &pd2), 0);
	cr_assert_eq(vcore_efa_ah_add(d->dev, d->pdn, g1, &a1, &err), 0);
	cr_assert_eq(vcore_efa_ah_add(d->dev, d->pdn, g1, &a2, &err), 0);
	cr_assert_eq(a1, a2);
	cr_assert_eq(vcore_efa_ah_add(d->dev, d->pdn, g2, &a3, &err), 0);
	cr_assert_neq(a1, a3);
	cr_assert_eq(vcore_efa_ah_add(d->dev, pd2, g1, &a3, &err), 0);
	cr_assert_neq(a1, a3, "another PD, another AH");
	vcore_efa_ah_del(d->dev, d->pdn, a1);
	cr_assert_eq(d->dev->ah_lookup(d->pdn, g1), a1, "still referenced once");
	vcore_efa_ah_del(d->dev, d->pdn, a1);
	cr_assert_eq(d->dev->ah_lookup(d->pdn, g1), ah_unknown);
}

// The engine walks the device's live QPs (a packed list), not its 256 slots:
// the list follows creations and deletions in any order.
static bool live_has(uint32_t qpn)
{
	for (uint32_t i = 0; i < d->dev->live_qps.size(); i++)
		if (d->dev->live_qps[i]->qpn == qpn)
			return true;
	return false;
}

Test(efa_qp, live_list_follows_creation_and_deletion)
{
	uint32_t qpn[5];

	for (uint32_t &q : qpn)
		q = add(VCORE_EFA_QP_SRD);
	cr_assert_eq(d->dev->live_qps.size(), 5u);
	vcore_efa_qp_del(d->dev, qpn[1]);
	vcore_efa_qp_del(d->dev, qpn[4]);
	vcore_efa_qp_del(d->dev, qpn[0]);
	vcore_efa_qp_del(d->dev, qpn[0]);	// twice: nothing happens
	cr_assert_eq(d->dev->live_qps.size(), 2u);
	cr_assert(live_has(qpn[2]) && live_has(qpn[3]));
	uint32_t again = add(VCORE_EFA_QP_UD);
	cr_assert_eq(d->dev->live_qps.size(), 3u);
	cr_assert(live_has(again) && live_has(qpn[2]) && live_has(qpn[3]));
	for (uint32_t q : {qpn[3], again, qpn[2]})
		vcore_efa_qp_del(d->dev, q);
	cr_assert_eq(d->dev->live_qps.size(), 0u);
}

// Only CQs with notifications have a doorbell to latch arms from.
Test(efa_qp, armable_cqs_are_those_with_a_doorbell)
{
	static uint8_t ring[cq_n * rx_cdesc_ex_size];
	static uint32_t db;
	vcore_efa_cq_desc plain = {cq_n, rx_cdesc_ex_size, 1, 1, 0};
	vcore_efa_cq_desc notified = {cq_n, rx_cdesc_ex_size, 1, 1, 1};
	uint16_t p, n;
	uint32_t before = d->dev->armable_cqs.size();

	cr_assert_eq(vcore_efa_cq_add(d->dev, &plain, ring, &db, nullptr, &p, &err), 0);
	cr_assert_eq(vcore_efa_cq_add(d->dev, &notified, ring, &db, nullptr, &n, &err), 0);
	cr_assert_eq(d->dev->armable_cqs.size(), before + 1);
	vcore_efa_cq_del(d->dev, n);
	vcore_efa_cq_del(d->dev, p);
	cr_assert_eq(d->dev->armable_cqs.size(), before);
}
