// SPDX-License-Identifier: GPL-2.0
// test_efa_engine.cc - the EFA data path between two devices (core/efa/engine.cc).
#include "efa_fixture.h"

#include <utility>

using namespace efa_fx;

static vcore_efa_engine *eng;
static dev_fx *a, *b;

static void setup(void)
{
	harness_init(nullptr);
	eng = engine_create(&ops);
	a = new dev_fx();
	b = new dev_fx();
	dev_init(eng, *a, 1, 7);
	dev_init(eng, *b, 2, 7);
}

static void teardown(void)
{
	two_devs_down(eng, a, b);
}

TestSuite(efa_engine, .init = setup, .fini = teardown);

static void fill(dev_fx &d, uint32_t off, uint32_t len, uint8_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		d.mem[off + i] = uint8_t(seed + i * 7);
}

static vcore_efa_engine_stats stats(void)
{
	vcore_efa_engine_stats s;

	vcore_efa_engine_get_stats(eng, &s);
	return s;
}

static uint64_t addr(dev_fx &d, uint32_t off)
{
	return reinterpret_cast<uintptr_t>(d.mem) + off;
}

Test(efa_engine, ud_send_is_delivered_and_completed_on_both_sides)
{
	completion c;
	uint16_t ah;

	qp_init(*a, VCORE_EFA_QP_UD, 0x11111111);
	qp_init(*b, VCORE_EFA_QP_UD, 0x11111111);
	ah = ah_to(*a, *b);
	uint16_t back = ah_to(*b, *a);	// b knows a: its completion names the AH
	fill(*a, 0, 100, 3);
	post_recv(b->qp, 42, addr(*b, 4096), 200, b->key);
	tx_request r = send_req(*a, 9, ah, b->qp.qpn, 0x11111111, 0, 100);
	r.has_imm = true;
	r.imm = 0xfeedbeef;
	post_send(a->qp, r);
	cr_assert(vcore_efa_engine_poll(eng, 0));
	cr_assert_arr_eq(b->mem + 4096, a->mem, 100);

	cr_assert(poll(b->cq, &c), "receive completion");
	cr_assert_eq(c.type, queue_type::recv);
	cr_assert_eq(c.st, status::ok);
	cr_assert_eq(c.req_id, 42);
	cr_assert_eq(c.length, 100);
	cr_assert_eq(c.qpn, b->qp.qpn);
	cr_assert_eq(c.src_qpn, a->qp.qpn);
	cr_assert_eq(c.ah, back);
	cr_assert(c.has_imm);
	cr_assert_eq(c.imm, 0xfeedbeef);
	cr_assert_arr_eq(c.src_gid, a->gid, 16);

	cr_assert(poll(a->cq, &c), "send completion");
	cr_assert_eq(c.type, queue_type::send);
	cr_assert_eq(c.st, status::ok);
	cr_assert_eq(c.req_id, 9);
	cr_assert_eq(c.qpn, a->qp.qpn);
	cr_assert_not(vcore_efa_engine_poll(eng, 0), "nothing left to do");
}

Test(efa_engine, unknown_sender_gets_ah_unknown)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_UD, 1);
	qp_init(*b, VCORE_EFA_QP_UD, 1);
	post_recv(b->qp, 1, addr(*b, 0), 64, b->key);
	post_send(a->qp, send_req(*a, 1, ah_to(*a, *b), b->qp.qpn, 1, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(b->cq, &c));
	cr_assert_eq(c.ah, ah_unknown);
}

Test(efa_engine, ud_without_receive_is_dropped_and_send_succeeds)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_UD, 1);
	qp_init(*b, VCORE_EFA_QP_UD, 1);
	post_send(a->qp, send_req(*a, 5, ah_to(*a, *b), b->qp.qpn, 1, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::ok, "UD is unreliable: the sender is not told");
	cr_assert_not(poll(b->cq, &c));
	cr_assert_eq(stats().drop_no_buffer, 1);
}

Test(efa_engine, ud_wrong_qkey_is_dropped)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_UD, 1);
	qp_init(*b, VCORE_EFA_QP_UD, 0x2222);
	post_recv(b->qp, 1, addr(*b, 0), 64, b->key);
	post_send(a->qp, send_req(*a, 5, ah_to(*a, *b), b->qp.qpn, 0x3333, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::ok);
	cr_assert_not(poll(b->cq, &c), "the receive buffer stays posted");
	cr_assert_eq(stats().drop_bad_qp, 1);
}

Test(efa_engine, srd_waits_for_a_receive_buffer_then_delivers)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_SRD, 1, 7);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	fill(*a, 0, 32, 9);
	post_send(a->qp, send_req(*a, 3, ah_to(*a, *b), b->qp.qpn, 1, 0, 32));
	vcore_efa_engine_poll(eng, 0);
	cr_assert_not(poll(a->cq, &c), "receiver not ready: the send waits");
	cr_assert_eq(stats().rnr_retries, 1);
	post_recv(b->qp, 8, addr(*b, 100), 32, b->key);
	vcore_efa_engine_poll(eng, 1000);
	cr_assert_not(poll(a->cq, &c), "not before the RNR delay");
	vcore_efa_engine_poll(eng, 2 * 1000 * 1000);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::ok);
	cr_assert(poll(b->cq, &c));
	cr_assert_eq(c.st, status::ok);
	cr_assert_arr_eq(b->mem + 100, a->mem, 32);
}

Test(efa_engine, srd_gives_up_after_rnr_retry)
{
	completion c;
	uint64_t now = 0;

	qp_init(*a, VCORE_EFA_QP_SRD, 1, 2);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	post_send(a->qp, send_req(*a, 3, ah_to(*a, *b), b->qp.qpn, 1, 0, 32));
	// The first try and its retries: 1 + 2 sends, the last one gives up.
	for (int i = 0; i < 2; i++, now += 2000000) {
		vcore_efa_engine_poll(eng, now);
		cr_assert_not(poll(a->cq, &c), "retry %d", i);
	}
	vcore_efa_engine_poll(eng, now);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::remote_rnr);
}

static vcore_efa_port_stats hw(dev_fx &d)
{
	vcore_efa_port_stats s;

	vcore_efa_get_port_stats(d.dev, &s);
	return s;
}

// The efa driver's port hw_counters, per device: packets and bytes on the wire, work
// requests and their bytes, drops at the receiver.
Test(efa_engine, port_counters_count_each_side)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_UD, 1);
	qp_init(*b, VCORE_EFA_QP_UD, 1);
	post_recv(b->qp, 1, addr(*b, 0), 200, b->key);
	post_send(a->qp, send_req(*a, 1, ah_to(*a, *b), b->qp.qpn, 1, 0, 100));
	post_send(a->qp, send_req(*a, 2, ah_to(*a, *b), b->qp.qpn, 1, 0, 60));	// no buffer left
	vcore_efa_engine_poll(eng, 0);
	vcore_efa_port_stats sa = hw(*a), sb = hw(*b);
	cr_assert_eq(sa.send_wrs, 2);
	cr_assert_eq(sa.send_bytes, 160);
	cr_assert_eq(sa.tx_pkts, 2);
	cr_assert_eq(sa.tx_bytes, 160);
	cr_assert_eq(sa.rx_pkts + sa.recv_wrs + sa.rx_drops, 0, "a received nothing");
	cr_assert_eq(sb.rx_pkts, 2);
	cr_assert_eq(sb.rx_bytes, 160);
	cr_assert_eq(sb.recv_wrs, 1);
	cr_assert_eq(sb.recv_bytes, 100);
	cr_assert_eq(sb.rx_drops, 1, "the datagram without a receive buffer");
	cr_assert_eq(sb.tx_pkts + sb.send_wrs, 0, "b sent nothing");
	while (poll(a->cq, &c) || poll(b->cq, &c))
		;
}

Test(efa_engine, port_counters_count_srd_resends_and_rnr)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_SRD, 1, 7);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	post_send(a->qp, send_req(*a, 3, ah_to(*a, *b), b->qp.qpn, 1, 0, 32));
	vcore_efa_engine_poll(eng, 0);			// RNR: no buffer
	post_recv(b->qp, 8, addr(*b, 100), 32, b->key);
	vcore_efa_engine_poll(eng, 2 * 1000 * 1000);	// the resend is delivered
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::ok);
	vcore_efa_port_stats sa = hw(*a), sb = hw(*b);
	cr_assert_eq(sa.send_wrs, 1, "one work request");
	cr_assert_eq(sa.tx_pkts, 2, "two copies on the wire");
	cr_assert_eq(sa.tx_bytes, 64);
	cr_assert_eq(sb.rx_pkts, 2);
	cr_assert_eq(sb.rx_drops, 1, "the copy that met RNR");
	cr_assert_eq(sb.recv_wrs, 1);
	cr_assert_eq(sb.recv_bytes, 32);
}

Test(efa_engine, bad_lkey_is_refused_before_any_byte_moves)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	post_recv(b->qp, 1, addr(*b, 0), 64, b->key);
	tx_request r = send_req(*a, 4, ah_to(*a, *b), b->qp.qpn, 1, 0, 8);
	r.sgl[0].lkey = a->key ^ 0x40000;	// another generation of the same index
	post_send(a->qp, r);
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::local_invalid_lkey);
	cr_assert_not(poll(b->cq, &c), "nothing reached the receiver");
}

Test(efa_engine, sge_out_of_bounds_is_refused)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	post_recv(b->qp, 1, addr(*b, 0), 8192, b->key);
	post_send(a->qp, send_req(*a, 4, ah_to(*a, *b), b->qp.qpn, 1, 8000, 193));
	tx_request before = send_req(*a, 5, ah_to(*a, *b), b->qp.qpn, 1, 0, 8);
	before.sgl[0].addr = addr(*a, 0) - 1;
	post_send(a->qp, before);
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::local_invalid_lkey, "past the end");
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::local_invalid_lkey, "before the start");
}

Test(efa_engine, mr_of_another_pd_is_refused)
{
	completion c;
	vcore_err err = {};
	vcore_efa_mr_desc mrd = {};
	uint16_t pd2;
	uint32_t key2;

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	cr_assert_eq(vcore_efa_pd_alloc(a->dev, &pd2), 0);
	mrd = {pd2, addr(*a, 0), 64, 0, a->mem};
	cr_assert_eq(vcore_efa_mr_add(a->dev, &mrd, &key2, &err), 0);
	tx_request r = send_req(*a, 4, ah_to(*a, *b), b->qp.qpn, 1, 0, 8);
	r.sgl[0].lkey = key2;
	post_send(a->qp, r);
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::local_invalid_lkey);
}

Test(efa_engine, unknown_ah_is_refused)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	post_send(a->qp, send_req(*a, 4, 77, 1, 1, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::local_invalid_ah);
}

Test(efa_engine, inline_send_carries_its_bytes)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_UD, 1);
	qp_init(*b, VCORE_EFA_QP_UD, 1);
	post_recv(b->qp, 1, addr(*b, 0), 64, b->key);
	tx_request r = send_req(*a, 4, ah_to(*a, *b), b->qp.qpn, 1, 0, 0);
	r.inline_msg = true;
	r.sge_count = 0;
	r.inline_len = 32;
	for (int i = 0; i < 32; i++)
		r.inline_data[i] = uint8_t(0xa0 + i);
	post_send(a->qp, r);
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(b->cq, &c));
	cr_assert_eq(c.length, 32);
	cr_assert_arr_eq(b->mem, r.inline_data, 32);
}

Test(efa_engine, two_sges_are_gathered)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	fill(*a, 0, 4096, 1);
	post_recv(b->qp, 1, addr(*b, 0), 8192, b->key);
	tx_request r = send_req(*a, 4, ah_to(*a, *b), b->qp.qpn, 1, 0, 10);
	r.sge_count = 2;
	r.sgl[1] = {addr(*a, 1000), 20, a->key};
	post_send(a->qp, r);
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(b->cq, &c));
	cr_assert_eq(c.length, 30);
	cr_assert_arr_eq(b->mem, a->mem, 10);
	cr_assert_arr_eq(b->mem + 10, a->mem + 1000, 20);
}

Test(efa_engine, message_longer_than_the_buffer)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	post_recv(b->qp, 6, addr(*b, 0), 16, b->key);
	post_send(a->qp, send_req(*a, 4, ah_to(*a, *b), b->qp.qpn, 1, 0, 17));
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(b->cq, &c));
	cr_assert_eq(c.st, status::local_bad_length);
	cr_assert_eq(c.req_id, 6);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::remote_bad_length);
}

Test(efa_engine, message_over_the_mtu)
{
	completion c;
	uint16_t ah;

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	ah = ah_to(*a, *b);
	post_recv(b->qp, 1, addr(*b, 0), 8192, b->key);
	post_send(a->qp, send_req(*a, 4, ah, b->qp.qpn, 1, 0, 8192));
	tx_request r = send_req(*a, 5, ah, b->qp.qpn, 1, 0, 4096);
	r.sgl[0].length = 4096;
	r.sge_count = 2;
	r.sgl[1] = {addr(*a, 0), 4096 + 1000, a->key};	// 9192 bytes > 8928
	post_send(a->qp, r);
	vcore_efa_engine_poll(eng, 0);
	// SRD completions come in any order: the refused one is known at once,
	// the sent one when the receiver answers.
	completion c2;
	cr_assert(poll(a->cq, &c) && poll(a->cq, &c2));
	if (c.req_id != 4)
		std::swap(c, c2);
	cr_assert_eq(c.req_id, 4);
	cr_assert_eq(c.st, status::ok, "8192 bytes fit the MTU");
	cr_assert_eq(c2.req_id, 5);
	cr_assert_eq(c2.st, status::local_bad_length);
}

// A 2 GiB MR on @d whose pages are never touched: the fixture's copy
// refuses anything outside d.mem, as the shim refuses outside its pages.
static uint32_t huge_mr(dev_fx &d, uint64_t iova)
{
	vcore_efa_mr_desc mrd = {};
	vcore_err err = {};
	uint32_t key;

	mrd.pdn = d.pdn;
	mrd.iova = iova;
	mrd.length = 1ull << 31;
	mrd.cookie = d.mem;
	mrd.access = VCORE_EFA_ACCESS_LOCAL_WRITE;
	cr_assert_eq(vcore_efa_mr_add(d.dev, &mrd, &key, &err), 0, "%s", err.msg);
	return key;
}

constexpr uint64_t huge_iova = 0x7f0000000000ull;

// a -> b over QPs of @type, a receive of @recv_len posted on b: a send
// (req_id 4) whose sgl[0] points at a 2 GiB MR of a's, for the caller to size.
static tx_request huge_send(uint8_t type, uint32_t recv_len)
{
	qp_init(*a, type, 1);
	qp_init(*b, type, 1);
	uint32_t key = huge_mr(*a, huge_iova);
	post_recv(b->qp, 1, addr(*b, 0), recv_len, b->key);
	tx_request r = send_req(*a, 4, ah_to(*a, *b), b->qp.qpn, 1, 0, 0);
	r.sgl[0] = {huge_iova, 0, key};
	return r;
}

// Issue 12, defect 1: two SGEs of 0x80000000 over one 2 GiB MR summed to 0
// in 32 bits, passed the MTU and receive-size checks, and the copy ran
// gigabytes past the receive buffer.
Test(efa_engine, sges_summing_past_32_bits_are_refused_before_any_copy)
{
	tx_request r = huge_send(VCORE_EFA_QP_SRD, 16);
	completion c;

	r.sge_count = 2;
	r.sgl[0].length = 0x80000000u;
	r.sgl[1] = r.sgl[0];
	post_send(a->qp, r);
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.req_id, 4);
	cr_assert_eq(c.st, status::local_bad_length);
	cr_assert_not(poll(b->cq, &c), "nothing reached the receiver");
	cr_assert_eq(copies_refused, 0, "the core refused it, not the copy");
	cr_assert_eq(stats().copy_refused, 0);
}

Test(efa_engine, one_sge_over_the_mtu_is_refused)
{
	tx_request r = huge_send(VCORE_EFA_QP_UD, 8192);
	completion c;

	r.sgl[0].length = 0xffffffffu;
	post_send(a->qp, r);
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::local_bad_length);
	cr_assert_not(poll(b->cq, &c));
}

// Defence in depth: where the environment refuses a copy (the core's
// checks and the pinned pages disagree), the receive fails, nothing is
// delivered, and the refusal is counted.
Test(efa_engine, a_refused_copy_fails_the_message_and_is_counted)
{
	tx_request r = huge_send(VCORE_EFA_QP_SRD, 8192);
	completion c;

	// Inside the registered 2 GiB, outside the 8 KiB the fixture "pinned".
	r.sgl[0].addr += 0x10000;
	r.sgl[0].length = 100;
	post_send(a->qp, r);
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::local_qp_internal_error);
	cr_assert(poll(b->cq, &c));
	cr_assert_eq(c.st, status::local_qp_internal_error);
	cr_assert_eq(stats().copy_refused, 1);
	cr_assert_eq(copies_refused, 1);
}

Test(efa_engine, bad_receive_key_fails_both_sides)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	post_recv(b->qp, 6, addr(*b, 0), 64, b->key + 1);
	post_send(a->qp, send_req(*a, 4, ah_to(*a, *b), b->qp.qpn, 1, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(b->cq, &c));
	cr_assert_eq(c.st, status::local_invalid_lkey);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::remote_bad_address);
}

Test(efa_engine, another_subnet_is_not_reached)
{
	completion c;
	dev_fx *far = new dev_fx();

	dev_init(eng, *far, 3, 8);
	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*far, VCORE_EFA_QP_SRD, 1);
	post_recv(far->qp, 6, addr(*far, 0), 64, far->key);
	post_send(a->qp, send_req(*a, 4, ah_to(*a, *far), far->qp.qpn, 1, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::local_unresp_remote);
	cr_assert_not(poll(far->cq, &c));
	cr_assert_eq(stats().drop_cross_subnet, 1);
	vcore_fabric_stats fs;
	vcore_fabric_get_stats(fab, &fs);
	cr_assert_eq(fs.drop_cross_subnet, 1, "the fabric refused it, and counted it");
	cr_assert_eq(fs.efa_forwarded, 0);
	dev_fini(*far);
	delete far;
}

// The fabric finds the peer: an endpoint detached from its port (its ENI's
// ENA function removed, say) is not reached, and reached again once back.
Test(efa_engine, a_detached_peer_is_unreachable_until_attached_again)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	uint16_t ah = ah_to(*a, *b);
	post_recv(b->qp, 6, addr(*b, 0), 64, b->key);
	vcore_fabric_efa_detach(fab, b->dev);
	post_send(a->qp, send_req(*a, 4, ah, b->qp.qpn, 1, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::local_unresp_remote);
	cr_assert_eq(stats().drop_no_dest, 1);
	cr_assert_eq(vcore_fabric_efa_attach(fab, b->port, b->dev), 0);
	post_send(a->qp, send_req(*a, 5, ah, b->qp.qpn, 1, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::ok);
	cr_assert(poll(b->cq, &c));
	cr_assert_eq(c.req_id, 6);
}

Test(efa_engine, qp_not_in_rts_sends_nothing)
{
	completion c;
	vcore_efa_qp_desc q = qp_desc(*a, VCORE_EFA_QP_UD);
	vcore_efa_qp_rings r = {a->qp.llq, a->qp.rq, &a->qp.sq_db, &a->qp.rq_db};
	vcore_err err = {};

	cr_assert_eq(vcore_efa_qp_add(a->dev, &q, &r, &a->qp.qpn, &err), 0);
	post_send(a->qp, send_req(*a, 4, ah_to(*a, *b), 1, 1, 0, 8));
	cr_assert_not(vcore_efa_engine_poll(eng, 0));
	cr_assert_not(poll(a->cq, &c), "a QP in RESET does not process its SQ");
}

Test(efa_engine, error_state_flushes)
{
	completion c;
	vcore_efa_qp_attr at = {};
	vcore_err err = {};

	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	post_recv(b->qp, 6, addr(*b, 0), 64, b->key);
	at.qp_state = VCORE_EFA_QPS_ERR;
	cr_assert_eq(vcore_efa_qp_modify(b->dev, b->qp.qpn, &at, VCORE_EFA_QP_STATE, &err), 0);
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(b->cq, &c));
	cr_assert_eq(c.st, status::flushed);
	cr_assert_eq(c.req_id, 6);
}

Test(efa_engine, destroyed_destination_qp)
{
	completion c;
	uint32_t qpn;

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	qpn = b->qp.qpn;
	vcore_efa_qp_del(b->dev, qpn);
	post_send(a->qp, send_req(*a, 4, ah_to(*a, *b), qpn, 1, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::remote_bad_dest_qpn);
}

Test(efa_engine, doorbell_beyond_the_ring_is_ignored)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	a->qp.sq_db = 1000;	// more than 16 WQEs: no ring holds that
	cr_assert_not(vcore_efa_engine_poll(eng, 0));
	cr_assert_not(poll(a->cq, &c));
}

Test(efa_engine, many_sends_wrap_the_rings)
{
	completion c;
	uint16_t ah;

	qp_init(*a, VCORE_EFA_QP_UD, 1);
	qp_init(*b, VCORE_EFA_QP_UD, 1);
	ah = ah_to(*a, *b);
	for (int i = 0; i < 100; i++) {
		post_recv(b->qp, uint16_t(i), addr(*b, 0), 64, b->key);
		post_send(a->qp, send_req(*a, uint16_t(i), ah, b->qp.qpn, 1, 0, 8));
		vcore_efa_engine_poll(eng, 0);
		cr_assert(poll(b->cq, &c), "%d", i);
		cr_assert_eq(c.type, queue_type::recv);
		cr_assert_eq(c.req_id, i);
		cr_assert(poll(a->cq, &c), "%d", i);
		cr_assert_eq(c.type, queue_type::send);
		cr_assert_eq(c.req_id, i);
	}
}

Test(efa_engine, receive_buffer_without_local_write_is_never_written)
{
	completion c;
	vcore_err err = {};
	vcore_efa_mr_desc mrd = {};
	uint32_t ro_key;

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	mrd = {b->pdn, addr(*b, 0), 64, 0, b->mem};	// registered read-only
	cr_assert_eq(vcore_efa_mr_add(b->dev, &mrd, &ro_key, &err), 0);
	memset(b->mem, 0x5a, 64);
	fill(*a, 0, 8, 1);
	post_recv(b->qp, 6, addr(*b, 0), 64, ro_key);
	post_send(a->qp, send_req(*a, 4, ah_to(*a, *b), b->qp.qpn, 1, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(b->cq, &c));
	cr_assert_eq(c.st, status::local_invalid_lkey);
	for (int i = 0; i < 64; i++)
		cr_assert_eq(b->mem[i], 0x5a);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::remote_bad_address);
}

Test(efa_engine, armed_cq_raises_one_event_per_arming)
{
	completion c;
	uint16_t ah;

	qp_init(*a, VCORE_EFA_QP_UD, 1);
	qp_init(*b, VCORE_EFA_QP_UD, 1);
	ah = ah_to(*a, *b);
	post_send(a->qp, send_req(*a, 1, ah, b->qp.qpn, 1, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	cr_assert_eq(a->cq.events, 0, "not armed: no event");
	a->cq.db = cq_db_arm | (0u << cq_db_cmd_sn_shift);	// libefa arms with cmd_sn 0
	post_send(a->qp, send_req(*a, 2, ah, b->qp.qpn, 1, 0, 8));
	post_send(a->qp, send_req(*a, 3, ah, b->qp.qpn, 1, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	cr_assert_eq(a->cq.events, 1, "one event for the arming, not one per completion");
	a->cq.db = 3;				// polled: consumer index, not armed
	post_send(a->qp, send_req(*a, 4, ah, b->qp.qpn, 1, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	cr_assert_eq(a->cq.events, 1);
	a->cq.db = cq_db_arm | (1u << cq_db_cmd_sn_shift);	// after the event: cmd_sn 1
	post_send(a->qp, send_req(*a, 5, ah, b->qp.qpn, 1, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	cr_assert_eq(a->cq.events, 2);
	while (poll(a->cq, &c))
		;
}

Test(efa_engine, arming_survives_the_consumer_index_update)
{
	uint16_t ah;

	qp_init(*a, VCORE_EFA_QP_UD, 1);
	qp_init(*b, VCORE_EFA_QP_UD, 1);
	ah = ah_to(*a, *b);
	a->cq.db = cq_db_arm;			// ibv_req_notify_cq, cmd_sn 0
	vcore_efa_engine_poll(eng, 0);		// the engine sees the arm
	a->cq.db = 0;				// ibv_poll_cq writes the consumer index, no arm
	post_send(a->qp, send_req(*a, 1, ah, b->qp.qpn, 1, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	cr_assert_eq(a->cq.events, 1, "the arm was latched");
	// After the event libefa counts cmd_sn 1, arms and polls: the arm write is gone.
	a->cq.db = 1u << cq_db_cmd_sn_shift;
	post_send(a->qp, send_req(*a, 2, ah, b->qp.qpn, 1, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	cr_assert_eq(a->cq.events, 2, "a new cmd_sn is a new arming");
	post_send(a->qp, send_req(*a, 3, ah, b->qp.qpn, 1, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	cr_assert_eq(a->cq.events, 2, "not twice for one arming");
}

// SRD's promise over a bad fabric: 5 % of packets lost, 5 % held back past
// the first resend timeout. Every message arrives exactly once, every send
// completes OK, and the engine's counters show the losses and resends.
Test(efa_engine, srd_over_loss_and_reordering_delivers_each_message_once)
{
	constexpr uint32_t n = 2000;
	static uint8_t seen[n];
	vcore_fabric_path_config cfg = {50000, 50000, 10 * 1000, 1000 * 1000};
	uint32_t sent = 0, send_done = 0, received = 0;
	uint64_t now = 0;
	completion c;

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	uint16_t ah = ah_to(*a, *b);
	vcore_fabric_set_path(fab, &cfg, true);
	for (uint32_t i = 0; i < rq_n; i++)
		post_recv(b->qp, uint16_t(i), addr(*b, i * 64), 64, b->key);
	// Send buffers by req_id, free again when that send completes (in any order).
	uint16_t free_ids[sq_n], n_free = 0;
	for (uint16_t i = 0; i < sq_n; i++)
		free_ids[n_free++] = i;
	for (int round = 0; received < n && round < 200000; round++, now += 50 * 1000) {
		while (sent < n && n_free) {
			uint16_t id = free_ids[--n_free];

			memcpy(a->mem + id * 8, &sent, sizeof(sent));
			post_send(a->qp, send_req(*a, id, ah, b->qp.qpn, 1, id * 8, sizeof(sent)));
			sent++;
		}
		vcore_efa_engine_poll(eng, now);
		while (poll(a->cq, &c)) {
			cr_assert_eq(c.st, status::ok, "send %u: status %u", c.req_id, unsigned(c.st));
			free_ids[n_free++] = c.req_id;
			send_done++;
		}
		while (poll(b->cq, &c)) {
			uint32_t seq;

			cr_assert_eq(c.st, status::ok);
			memcpy(&seq, b->mem + c.req_id * 64, sizeof(seq));
			cr_assert_lt(seq, n);
			cr_assert_eq(seen[seq], 0, "message %u delivered twice", seq);
			seen[seq] = 1;
			received++;
			post_recv(b->qp, c.req_id, addr(*b, c.req_id * 64), 64, b->key);
		}
	}
	for (int round = 0; send_done < n && round < 10000; round++, now += 50 * 1000) {
		vcore_efa_engine_poll(eng, now);
		while (poll(a->cq, &c)) {
			cr_assert_eq(c.st, status::ok);
			send_done++;
		}
	}
	cr_assert_eq(received, n, "every message arrived");
	cr_assert_eq(send_done, n, "every send completed");
	cr_assert_not(poll(b->cq, &c), "and nothing more arrived");
	vcore_efa_engine_stats s = stats();
	cr_assert_eq(s.srd_sent, n);
	cr_assert_gt(s.path_lost, 50, "losses happened (%llu)", (unsigned long long)s.path_lost);
	cr_assert_gt(s.path_reordered, 50);
	cr_assert_geq(s.srd_resent, s.path_lost, "every lost copy was sent again");
	cr_assert_gt(s.srd_duplicates, 0, "late copies of delivered messages were dropped");
	cr_assert_eq(s.rx_delivered, n);
	// The path is the fabric's: it counted the same losses and reorders.
	vcore_fabric_stats fs;
	vcore_fabric_get_stats(fab, &fs);
	cr_assert_eq(fs.path_lost, s.path_lost);
	cr_assert_eq(fs.path_reordered, s.path_reordered);
}

// An RNR holds back only the message that met it: later sends pass it.
Test(efa_engine, srd_rnr_delays_only_that_message)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	uint16_t ah = ah_to(*a, *b);
	post_send(a->qp, send_req(*a, 1, ah, b->qp.qpn, 1, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	cr_assert_eq(stats().rnr_retries, 1);
	post_recv(b->qp, 7, addr(*b, 0), 64, b->key);
	post_send(a->qp, send_req(*a, 2, ah, b->qp.qpn, 1, 8, 8));
	vcore_efa_engine_poll(eng, 1000);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.req_id, 2, "the second send did not wait behind the first");
	cr_assert_not(poll(a->cq, &c));
	post_recv(b->qp, 8, addr(*b, 64), 64, b->key);
	vcore_efa_engine_poll(eng, 2 * 1000 * 1000);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.req_id, 1);
	cr_assert_eq(c.st, status::ok);
}

// ---- SRD messages caught on their way (a path with 100 us of latency) ----

static void slow_path(uint32_t loss_ppm = 0)
{
	vcore_fabric_path_config cfg = {loss_ppm, 0, 100 * 1000, 0};

	vcore_fabric_set_path(fab, &cfg, true);
}

// With the default lossless, immediate path a send is delivered and both
// sides complete in the pass that found the doorbell, as before the model.
Test(efa_engine, srd_lossless_path_completes_in_the_same_pass)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	fill(*a, 0, 64, 5);
	post_recv(b->qp, 2, addr(*b, 4096), 64, b->key);
	post_send(a->qp, send_req(*a, 1, ah_to(*a, *b), b->qp.qpn, 1, 0, 64));
	cr_assert(vcore_efa_engine_poll(eng, 0));
	cr_assert(poll(b->cq, &c));
	cr_assert_eq(c.st, status::ok);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::ok);
	cr_assert_arr_eq(b->mem + 4096, a->mem, 64);
	vcore_efa_engine_stats s = stats();
	cr_assert_eq(s.srd_sent, 1);
	cr_assert_eq(s.srd_acked, 1);
	cr_assert_eq(s.srd_resent, 0);
}

// Placement: the network nodes between the two instances add their latency
// to an SRD message (here, ports without nodes: one rack node apart).
Test(efa_engine, srd_messages_meet_the_placement_latency)
{
	vcore_fabric_path_config cfg = {};
	completion c;

	vcore_fabric_get_path(fab, &cfg);
	cfg.node_delay_ns = 50 * 1000;
	vcore_fabric_set_path(fab, &cfg, true);
	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	post_recv(b->qp, 2, addr(*b, 4096), 64, b->key);
	post_send(a->qp, send_req(*a, 1, ah_to(*a, *b), b->qp.qpn, 1, 0, 64));
	vcore_efa_engine_poll(eng, 0);
	vcore_efa_engine_poll(eng, 40 * 1000);
	cr_assert_not(poll(b->cq, &c), "one node: 50 us on its way");
	vcore_efa_engine_poll(eng, 60 * 1000);
	cr_assert(poll(b->cq, &c));
	cr_assert_eq(c.st, status::ok);
	cr_assert(poll(a->cq, &c), "acknowledged");
}

// The bytes are read when the copy arrives: an MR deregistered meanwhile
// fails the send with the lkey status and nothing moves.
Test(efa_engine, srd_sender_mr_gone_before_arrival_fails_the_send)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	slow_path();
	memset(b->mem, 0xee, 64);
	fill(*a, 0, 64, 5);
	post_recv(b->qp, 2, addr(*b, 0), 64, b->key);
	post_send(a->qp, send_req(*a, 1, ah_to(*a, *b), b->qp.qpn, 1, 0, 64));
	vcore_efa_engine_poll(eng, 0);
	cr_assert_not(poll(a->cq, &c), "on its way");
	vcore_efa_mr_del(a->dev, a->key);
	vcore_efa_engine_poll(eng, 200 * 1000);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.req_id, 1);
	cr_assert_eq(c.st, status::local_invalid_lkey);
	cr_assert_not(poll(b->cq, &c), "the receive buffer was not used");
	for (int i = 0; i < 64; i++)
		cr_assert_eq(b->mem[i], 0xee, "byte %d written", i);
	// The buffer is still posted: the next message uses it.
	vcore_efa_engine_poll(eng, 100 * 1000 * 1000);
	cr_assert_not(poll(a->cq, &c), "answered once, never resent");
}

// ERR flushes what is on its way: each send completes once, as flushed, and
// its copies never arrive.
Test(efa_engine, srd_error_state_flushes_sends_in_flight)
{
	completion c;
	vcore_efa_qp_attr at = {};
	vcore_err err = {};
	bool got[3] = {};

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	slow_path();
	uint16_t ah = ah_to(*a, *b);
	for (uint16_t i = 0; i < 3; i++) {
		post_recv(b->qp, i, addr(*b, 4096 + i * 64), 64, b->key);
		post_send(a->qp, send_req(*a, i, ah, b->qp.qpn, 1, i * 8, 8));
	}
	vcore_efa_engine_poll(eng, 0);
	cr_assert_not(poll(a->cq, &c));
	at.qp_state = VCORE_EFA_QPS_ERR;
	cr_assert_eq(vcore_efa_qp_modify(a->dev, a->qp.qpn, &at, VCORE_EFA_QP_STATE, &err), 0);
	vcore_efa_engine_poll(eng, 1000 * 1000);
	for (int i = 0; i < 3; i++) {
		cr_assert(poll(a->cq, &c), "send %d", i);
		cr_assert_eq(c.st, status::flushed);
		cr_assert_lt(c.req_id, 3);
		cr_assert_not(got[c.req_id], "req %u twice", c.req_id);
		got[c.req_id] = true;
	}
	vcore_efa_engine_poll(eng, 100 * 1000 * 1000);
	cr_assert_not(poll(a->cq, &c), "flushed once");
	cr_assert_not(poll(b->cq, &c), "nothing arrived");
	cr_assert_eq(stats().rx_delivered, 0);
}

// The destination QP destroyed while a message is on its way: the sender
// learns it from the answer.
Test(efa_engine, srd_destination_destroyed_in_flight)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	slow_path();
	post_recv(b->qp, 2, addr(*b, 0), 64, b->key);
	post_send(a->qp, send_req(*a, 1, ah_to(*a, *b), b->qp.qpn, 1, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	vcore_efa_qp_del(b->dev, b->qp.qpn);
	vcore_efa_engine_poll(eng, 200 * 1000);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::remote_bad_dest_qpn);
}

// The sending QP destroyed (or the device removed) with copies on the path:
// they go with it, nothing is delivered, nothing leaks (teardown counts).
Test(efa_engine, srd_sender_destroyed_in_flight)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	slow_path();
	post_recv(b->qp, 2, addr(*b, 0), 64, b->key);
	post_send(a->qp, send_req(*a, 1, ah_to(*a, *b), b->qp.qpn, 1, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	vcore_efa_qp_del(a->dev, a->qp.qpn);
	vcore_efa_engine_poll(eng, 100 * 1000 * 1000);
	cr_assert_not(poll(b->cq, &c));
	cr_assert_eq(stats().rx_delivered, 0);
	// And a device removed with a flow busy (its QP is freed with it).
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	post_send(b->qp, send_req(*b, 1, ah_to(*b, *a), 1, 1, 0, 8));
	vcore_efa_engine_poll(eng, 200 * 1000 * 1000);
}

// Every copy lost: after srd::max_tries sends the message fails with
// "unresponsive remote" (libefa: IBV_WC_RESP_TIMEOUT_ERR), once.
Test(efa_engine, srd_gives_up_after_max_tries_of_loss)
{
	completion c;
	uint64_t now = 0;

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	slow_path(1000000);
	post_recv(b->qp, 2, addr(*b, 0), 64, b->key);
	post_send(a->qp, send_req(*a, 1, ah_to(*a, *b), b->qp.qpn, 1, 0, 8));
	for (; now < 2000ull * 1000 * 1000 && !poll(a->cq, &c); now += 1000 * 1000)
		vcore_efa_engine_poll(eng, now);
	cr_assert_eq(c.req_id, 1);
	cr_assert_eq(c.st, status::local_unresp_remote);
	vcore_efa_engine_stats s = stats();
	cr_assert_eq(s.srd_resent, vnitro::efa::srd::max_tries - 1);
	cr_assert_eq(s.path_lost, vnitro::efa::srd::max_tries);
	cr_assert_eq(s.srd_given_up, 1);
	cr_assert_eq(s.srd_acked, 0);
	vcore_efa_engine_poll(eng, now + 1000ull * 1000 * 1000);
	cr_assert_not(poll(a->cq, &c), "given up once");
	cr_assert_not(poll(b->cq, &c));
}

// UD is unreliable: a lost datagram is gone, and its sender completes OK.
Test(efa_engine, ud_lost_datagram_completes_ok_and_never_arrives)
{
	completion c;

	qp_init(*a, VCORE_EFA_QP_UD, 1);
	qp_init(*b, VCORE_EFA_QP_UD, 1);
	slow_path(1000000);
	post_recv(b->qp, 2, addr(*b, 0), 64, b->key);
	post_send(a->qp, send_req(*a, 1, ah_to(*a, *b), b->qp.qpn, 1, 0, 8));
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(a->cq, &c));
	cr_assert_eq(c.st, status::ok);
	vcore_efa_engine_poll(eng, 100 * 1000 * 1000);
	cr_assert_not(poll(b->cq, &c));
	cr_assert_eq(stats().path_lost, 1);
}

// The same seed gives the same losses: a lossy run can be replayed.
static uint64_t lost_with_seed(uint64_t seed, uint16_t ah)
{
	completion c;
	uint64_t before;

	vcore_fabric_seed(fab, seed);
	before = stats().path_lost;
	for (uint16_t i = 0; i < 64; i++) {
		post_send(a->qp, send_req(*a, i % sq_n, ah, b->qp.qpn, 1, 0, 8));
		vcore_efa_engine_poll(eng, 0);
		while (poll(a->cq, &c))
			;
	}
	return stats().path_lost - before;
}

Test(efa_engine, fabric_seed_replays_the_same_losses)
{
	qp_init(*a, VCORE_EFA_QP_UD, 1);
	qp_init(*b, VCORE_EFA_QP_UD, 1);
	uint16_t ah = ah_to(*a, *b);
	slow_path(300000);
	uint64_t first = lost_with_seed(42, ah);
	cr_assert_gt(first, 0);
	cr_assert_lt(first, 64);
	cr_assert_eq(lost_with_seed(42, ah), first);
}

// SRD paths are reseeded too: the same seed, the same losses and resends.
static void srd_run_with_seed(uint64_t seed, uint16_t ah, uint64_t *lost, uint64_t *resent)
{
	vcore_efa_engine_stats s0 = stats(), s1;
	completion c;
	uint64_t now = 0;
	int done = 0;

	vcore_fabric_seed(fab, seed);
	for (uint16_t i = 0; i < 8; i++) {
		post_recv(b->qp, i, addr(*b, 4096 + i * 64), 64, b->key);
		post_send(a->qp, send_req(*a, i, ah, b->qp.qpn, 1, i * 8, 8));
	}
	for (; done < 16 && now < 10000ull * 1000 * 1000; now += 100 * 1000) {
		vcore_efa_engine_poll(eng, now);
		while (poll(a->cq, &c) || poll(b->cq, &c)) {
			cr_assert_eq(c.st, status::ok);
			done++;
		}
	}
	cr_assert_eq(done, 16, "8 sends and 8 receives");
	s1 = stats();
	*lost = s1.path_lost - s0.path_lost;
	*resent = s1.srd_resent - s0.srd_resent;
}

Test(efa_engine, fabric_seed_replays_srd_losses)
{
	uint64_t lost1, resent1, lost2, resent2;

	qp_init(*a, VCORE_EFA_QP_SRD, 1);
	qp_init(*b, VCORE_EFA_QP_SRD, 1);
	uint16_t ah = ah_to(*a, *b);
	slow_path(400000);
	srd_run_with_seed(9, ah, &lost1, &resent1);
	srd_run_with_seed(9, ah, &lost2, &resent2);
	cr_assert_gt(lost1, 0);
	cr_assert_eq(lost2, lost1);
	cr_assert_eq(resent2, resent1);
}
