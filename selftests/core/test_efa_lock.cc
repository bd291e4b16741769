// SPDX-License-Identifier: GPL-2.0
// test_efa_lock.cc - the engine's per-device locking and bounded passes (issue 12, defect 11):
// a pass holds the device it walks, and a peer's lock only while it delivers there; it
// never takes more than dev_budget WQEs from one device, and picks up where it stopped.
#include "efa_fixture.h"

#include <string>

using namespace efa_fx;

static vcore_efa_engine *eng;
static dev_fx *a, *b;
// What the ops saw, e.g. "La Lb* Ub Ua R": lock (* as a peer), unlock, resched.
static std::string trace;
static int held_a, held_b;
// Devices held when the last bytes moved.
static int copy_held_a, copy_held_b;

static char name_of(void *cookie)
{
	return cookie == a ? 'a' : cookie == b ? 'b' : '?';
}

static void dev_lock(void *cookie, bool peer)
{
	int &held = cookie == a ? held_a : held_b;

	cr_assert_eq(held, 0, "device %c locked twice", name_of(cookie));
	held++;
	trace += std::string(" L") + name_of(cookie) + (peer ? "*" : "");
}

static void dev_unlock(void *cookie)
{
	int &held = cookie == a ? held_a : held_b;

	cr_assert_eq(held, 1, "device %c unlocked but not held", name_of(cookie));
	held--;
	trace += std::string(" U") + name_of(cookie);
}

static void resched(void)
{
	cr_assert_eq(held_a + held_b, 0, "resched with a device held");
	trace += " R";
}

static bool copy_seen(void *dst, uint64_t doff, void *src, uint64_t soff, uint32_t len)
{
	copy_held_a = held_a;
	copy_held_b = held_b;
	return copy(dst, doff, src, soff, len);
}

static const vcore_efa_engine_ops lock_ops = {copy_seen, copy_in, cq_event, dev_lock,
					       dev_unlock, resched};

static void setup(void)
{
	harness_init(nullptr);
	eng = engine_create(&lock_ops);
	a = new dev_fx();
	b = new dev_fx();
	// Newest first in the engine's list: b, then a.
	dev_init(eng, *a, 1, 7);
	dev_init(eng, *b, 2, 7);
	trace.clear();
}

static void teardown(void)
{
	two_devs_down(eng, a, b);
}

TestSuite(efa_lock, .init = setup, .fini = teardown);

static uint64_t addr(dev_fx &d, uint32_t off)
{
	return reinterpret_cast<uintptr_t>(d.mem) + off;
}

Test(efa_lock, an_idle_pass_holds_each_device_alone)
{
	cr_assert_not(vcore_efa_engine_poll(eng, 0));
	cr_assert_str_eq(trace.c_str(), " Lb Ub R La Ua R");
}

Test(efa_lock, a_delivery_holds_the_receiver_too)
{
	qp_init(*a, VCORE_EFA_QP_UD, 0x11111111);
	qp_init(*b, VCORE_EFA_QP_UD, 0x11111111);
	post_recv(b->qp, 1, addr(*b, 0), 100, b->key);
	post_send(a->qp, send_req(*a, 1, ah_to(*a, *b), b->qp.qpn, 0x11111111, 0, 100));
	trace.clear();
	cr_assert(vcore_efa_engine_poll(eng, 0));
	cr_assert_str_eq(trace.c_str(), " Lb Ub R La Lb* Ub Ua R");
	cr_assert_eq(copy_held_a + copy_held_b, 2, "the bytes moved with both devices held");
}

Test(efa_lock, a_delivery_to_itself_takes_no_second_lock)
{
	qp_fx *other = new qp_fx();

	qp_init(*a, VCORE_EFA_QP_UD, 0x11111111);
	qp_open(*a, *other, VCORE_EFA_QP_UD, 0x11111111);
	post_recv(*other, 1, addr(*a, 4096), 100, a->key);
	post_send(a->qp, send_req(*a, 1, ah_to(*a, *a), other->qpn, 0x11111111, 0, 100));
	trace.clear();
	cr_assert(vcore_efa_engine_poll(eng, 0));
	cr_assert_str_eq(trace.c_str(), " Lb Ub R La Ua R");
	cr_assert_eq(copy_held_a, 1);
	cr_assert_arr_eq(a->mem + 4096, a->mem, 100);
	delete other;
}

// 20 QPs with a full SQ each (16 WQEs): 320 WQEs, more than one device's share of a pass.
constexpr uint32_t nqp = 20;
static_assert(nqp * sq_n > dev_budget && (nqp - 1) * sq_n < 2 * dev_budget);

// A full SQ of 8-byte UD sends to b on @q. No receive is posted at b: each datagram is
// dropped there, cheaply.
static void fill_sq(qp_fx &q, uint16_t ah)
{
	for (uint32_t n = 0; n < sq_n; n++)
		post_send(q, send_req(*a, uint16_t(n), ah, b->qp.qpn, 0x11111111, 0, 8));
}

// nqp QPs of a, each with a full SQ toward b's QP; the AH in *ah.
static qp_fx *busy_qps(uint16_t *ah)
{
	qp_fx *qps = new qp_fx[nqp]();

	qp_init(*b, VCORE_EFA_QP_UD, 0x11111111);
	*ah = ah_to(*a, *b);
	for (uint32_t i = 0; i < nqp; i++) {
		qp_open(*a, qps[i], VCORE_EFA_QP_UD, 0x11111111);
		fill_sq(qps[i], *ah);
	}
	return qps;
}

Test(efa_lock, a_pass_takes_at_most_dev_budget_wqes_from_a_device_and_resumes_after)
{
	vcore_efa_engine_stats s0, s1, s2;
	uint16_t ah;
	qp_fx *qps = busy_qps(&ah);

	vcore_efa_engine_get_stats(eng, &s0);
	cr_assert(vcore_efa_engine_poll(eng, 0));
	vcore_efa_engine_get_stats(eng, &s1);
	cr_assert_eq(s1.tx_wqes - s0.tx_wqes, dev_budget);
	cr_assert(vcore_efa_engine_poll(eng, 0));
	vcore_efa_engine_get_stats(eng, &s2);
	cr_assert_eq(s2.tx_wqes - s0.tx_wqes, nqp * sq_n, "the second pass took the rest");
	for (uint32_t i = 0; i < nqp; i++)
		cr_assert_eq(a->dev->qp_find(qps[i].qpn)->sq_cons, sq_n, "QP %u served", i);
	delete[] qps;
}

// The first pass stops inside the list of QPs: the second starts at the next QP, so the
// ones at the end are not left behind by the ones at the start posting again.
Test(efa_lock, the_next_pass_starts_where_the_budget_ran_out)
{
	uint16_t ah;
	qp_fx *qps = busy_qps(&ah);
	uint32_t served = dev_budget / sq_n;

	cr_assert(vcore_efa_engine_poll(eng, 0));
	// The served QPs post again before the second pass.
	for (uint32_t i = 0; i < served; i++)
		fill_sq(qps[i], ah);
	cr_assert(vcore_efa_engine_poll(eng, 0));
	for (uint32_t i = served; i < nqp; i++)
		cr_assert_eq(a->dev->qp_find(qps[i].qpn)->sq_cons, sq_n, "QP %u served", i);
	delete[] qps;
}
