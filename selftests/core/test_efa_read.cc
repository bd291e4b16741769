// SPDX-License-Identifier: GPL-2.0
// test_efa_read.cc - RDMA read on SRD QPs between two EFA v2 devices (core/efa/engine.cc).
#include "efa_fixture.h"

using namespace efa_fx;

static vcore_efa_engine *eng;
static dev_fx *a, *b;		// a reads from b
static uint32_t rkey;		// b's region open to remote reads: mem[4096, 8192)
static constexpr uint32_t qkey = 0x1234;

static uint64_t addr(dev_fx &d, uint32_t off)
{
	return reinterpret_cast<uintptr_t>(d.mem) + off;
}

static uint32_t reg(dev_fx &d, uint16_t pdn, uint32_t off, uint32_t len, uint32_t access)
{
	vcore_efa_mr_desc m = {pdn, addr(d, off), len, access, d.mem + off};
	vcore_err err = {};
	uint32_t key;

	cr_assert_eq(vcore_efa_mr_add(d.dev, &m, &key, &err), 0, "%s", err.msg);
	return key;
}

static void setup_gen(uint8_t gen_a, uint8_t gen_b)
{
	harness_init(nullptr);
	eng = engine_create(&ops);
	a = new dev_fx();
	b = new dev_fx();
	dev_init(eng, *a, 1, 7, gen_a);
	dev_init(eng, *b, 2, 7, gen_b);
	for (uint32_t i = 0; i < sizeof(b->mem); i++)
		b->mem[i] = uint8_t(i * 13 + 1);
	if (b->dev->rdma_read())
		rkey = reg(*b, b->pdn, 4096, 4096,
			   VCORE_EFA_ACCESS_LOCAL_WRITE | VCORE_EFA_ACCESS_REMOTE_READ);
}

static void setup(void)
{
	setup_gen(VCORE_EFA_GEN_2, VCORE_EFA_GEN_2);
}

static void teardown(void)
{
	two_devs_down(eng, a, b);
}

TestSuite(efa_read, .init = setup, .fini = teardown);

static vcore_efa_engine_stats stats(void)
{
	vcore_efa_engine_stats s;

	vcore_efa_engine_get_stats(eng, &s);
	return s;
}

// A read as libefa's wr_rdma_read + wr_set_sge writes it: the remote range
// and a local buffer of the same length.
static tx_request read_req(uint16_t req_id, uint16_t ah, uint64_t raddr, uint32_t rk,
			   uint32_t loff, uint32_t len)
{
	tx_request r = {};

	r.req_id = req_id;
	r.op = send_op::rdma_read;
	r.ah = ah;
	r.dest_qpn = uint16_t(b->qp.qpn);
	r.qkey = qkey;
	r.sge_count = 1;
	r.sgl[0] = {addr(*a, loff), len, a->key};
	r.remote = {raddr, len, rk};
	return r;
}

static void both_srd(void)
{
	qp_init(*a, VCORE_EFA_QP_SRD, qkey);
	qp_init(*b, VCORE_EFA_QP_SRD, qkey);
}

// Posts @r, runs the engine, returns the requester's completion; the
// responder gets none and the local buffer is untouched unless it succeeded.
static status run(const tx_request &r)
{
	uint8_t before[sizeof(a->mem)];
	completion c, none;

	memcpy(before, a->mem, sizeof(before));
	post_send(a->qp, r);
	vcore_efa_engine_poll(eng, 0);
	cr_assert(poll(a->cq, &c), "the read was not completed");
	cr_assert_eq(c.req_id, r.req_id);
	cr_assert_eq(c.type, queue_type::send);
	cr_assert_not(poll(a->cq, &none), "one WQE, one completion");
	cr_assert_not(poll(b->cq, &none), "a read completes nothing on the responder");
	if (c.st != status::ok)
		cr_assert_arr_eq(a->mem, before, sizeof(before), "a failed read wrote bytes");
	return c.st;
}

Test(efa_read, moves_the_remote_bytes_into_the_local_buffer)
{
	both_srd();
	uint16_t ah = ah_to(*a, *b);

	cr_assert_eq(run(read_req(5, ah, addr(*b, 4096 + 100), rkey, 200, 1000)), status::ok);
	cr_assert_arr_eq(a->mem + 200, b->mem + 4096 + 100, 1000);
	vcore_efa_engine_stats s = stats();
	cr_assert_eq(s.rdma_read_wrs, 1);
	cr_assert_eq(s.rdma_read_bytes, 1000);
	cr_assert_eq(s.rdma_read_wr_err, 0);
	cr_assert_eq(s.rx_delivered, 0, "no receive buffer is consumed");
	// Each device's hw_counters: the requester's read, the responder's response.
	vcore_efa_port_stats ra, rb;
	vcore_efa_get_port_stats(a->dev, &ra);
	vcore_efa_get_port_stats(b->dev, &rb);
	cr_assert_eq(ra.rdma_read_wrs, 1);
	cr_assert_eq(ra.rdma_read_bytes, 1000);
	cr_assert_eq(ra.rx_bytes, 1000);
	cr_assert_eq(ra.send_wrs + ra.recv_wrs, 0, "a read is neither a send nor a receive");
	cr_assert_eq(rb.rdma_read_resp_bytes, 1000);
	cr_assert_eq(rb.tx_bytes, 1000);
	cr_assert_eq(rb.rx_pkts, 1, "the request");
	cr_assert_eq(rb.rdma_read_wrs + rb.recv_wrs, 0);
}

Test(efa_read, whole_region_and_zero_length)
{
	both_srd();
	uint16_t ah = ah_to(*a, *b);

	cr_assert_eq(run(read_req(1, ah, addr(*b, 4096), rkey, 0, 4096)), status::ok);
	cr_assert_arr_eq(a->mem, b->mem + 4096, 4096);
	cr_assert_eq(run(read_req(2, ah, addr(*b, 8192), rkey, 0, 0)), status::ok,
		     "zero bytes at the region's end");
}

Test(efa_read, unknown_rkey_is_a_remote_bad_address)
{
	both_srd();
	uint16_t ah = ah_to(*a, *b);

	cr_assert_eq(run(read_req(1, ah, addr(*b, 4096), rkey ^ 0x40, 0, 64)),
		     status::remote_bad_address);
	cr_assert_eq(run(read_req(2, ah, addr(*b, 4096), rkey | 0x1000000, 0, 64)),
		     status::remote_bad_address, "rkey bits above the 24 of a key");
	cr_assert_eq(stats().rdma_read_wr_err, 2);
	cr_assert_eq(stats().tx_errors, 2);
}

Test(efa_read, remote_range_outside_the_region)
{
	both_srd();
	uint16_t ah = ah_to(*a, *b);

	cr_assert_eq(run(read_req(1, ah, addr(*b, 8192 - 10), rkey, 0, 11)),
		     status::remote_bad_address, "one byte past the end");
	cr_assert_eq(run(read_req(2, ah, addr(*b, 4095), rkey, 0, 8)),
		     status::remote_bad_address, "one byte before the start");
	cr_assert_eq(run(read_req(3, ah, addr(*b, 8192 - 10), rkey, 0, 10)), status::ok);
}

Test(efa_read, region_without_remote_read)
{
	both_srd();
	uint16_t ah = ah_to(*a, *b);

	// b's first region (the fixture's) has LOCAL_WRITE only.
	cr_assert_eq(run(read_req(1, ah, addr(*b, 0), b->key, 0, 64)), status::remote_bad_address);
}

Test(efa_read, region_of_another_pd_on_the_responder)
{
	uint16_t other;

	both_srd();
	cr_assert_eq(vcore_efa_pd_alloc(b->dev, &other), 0);
	uint32_t k = reg(*b, other, 0, 64, VCORE_EFA_ACCESS_REMOTE_READ);
	cr_assert_eq(run(read_req(1, ah_to(*a, *b), addr(*b, 0), k, 0, 64)),
		     status::remote_bad_address, "the rkey is checked against the QP's PD");
	vcore_efa_mr_del(b->dev, k);
	vcore_efa_pd_free(b->dev, other);
}

Test(efa_read, local_buffer_is_checked_before_the_request_leaves)
{
	both_srd();
	uint16_t ah = ah_to(*a, *b);
	tx_request r = read_req(1, ah, addr(*b, 4096), rkey, 0, 64);

	r.sgl[0].lkey ^= 0x40;
	cr_assert_eq(run(r), status::local_invalid_lkey, "unknown lkey");
	r = read_req(2, ah, addr(*b, 4096), rkey, 8192 - 32, 64);
	cr_assert_eq(run(r), status::local_invalid_lkey, "local buffer past the region");
	r = read_req(3, ah, addr(*b, 4096), rkey, 0, 64);
	r.sgl[0].length = 63;
	cr_assert_eq(run(r), status::local_bad_length, "local buffer shorter than the read");
	cr_assert_eq(stats().srd_sent, 0, "nothing was put on the fabric");
}

Test(efa_read, local_region_without_local_write)
{
	both_srd();
	uint32_t ro = reg(*a, a->pdn, 0, 64, 0);
	tx_request r = read_req(1, ah_to(*a, *b), addr(*b, 4096), rkey, 0, 64);

	r.sgl[0].lkey = ro;
	cr_assert_eq(run(r), status::local_invalid_lkey);
}

Test(efa_read, over_max_rdma_size)
{
	both_srd();
	tx_request r = read_req(1, ah_to(*a, *b), addr(*b, 4096), rkey, 0, 64);

	r.remote.length = r.sgl[0].length = a->dev->attr->max_rdma_size + 1;
	cr_assert_eq(run(r), status::local_bad_length);
}

Test(efa_read, destination_qp_and_qkey)
{
	both_srd();
	uint16_t ah = ah_to(*a, *b);
	tx_request r = read_req(1, ah, addr(*b, 4096), rkey, 0, 64);

	r.qkey = qkey + 1;
	cr_assert_eq(run(r), status::remote_bad_dest_qpn, "wrong QKey");
	r = read_req(2, ah, addr(*b, 4096), rkey, 0, 64);
	r.dest_qpn = uint16_t(b->qp.qpn + 1);
	cr_assert_eq(run(r), status::remote_bad_dest_qpn, "no such QP");
	cr_assert_eq(run(read_req(3, 77, addr(*b, 4096), rkey, 0, 64)), status::local_invalid_ah);
}

Test(efa_read, ud_qp_cannot_read)
{
	qp_init(*a, VCORE_EFA_QP_UD, qkey);
	qp_init(*b, VCORE_EFA_QP_UD, qkey);
	cr_assert_eq(run(read_req(1, ah_to(*a, *b), addr(*b, 4096), rkey, 0, 64)),
		     status::local_invalid_op_type);
}

// Reads cross the SRD flow like sends: over loss and reordering each is
// done once, with the right bytes.
Test(efa_read, srd_loss_and_reordering)
{
	vcore_fabric_path_config cfg = {100000, 100000, 0, 50 * 1000};
	completion c;
	uint32_t done = 0;

	both_srd();
	uint16_t ah = ah_to(*a, *b);
	vcore_fabric_set_path(fab, &cfg, true);
	vcore_fabric_seed(fab, 42);
	for (uint16_t i = 0; i < 64; i++) {
		post_send(a->qp, read_req(i, ah, addr(*b, 4096 + i * 64), rkey, i * 64, 64));
		for (uint64_t t = i * 10000000ull; done <= i; t += 100000) {
			vcore_efa_engine_poll(eng, t);
			while (poll(a->cq, &c)) {
				cr_assert_eq(c.st, status::ok);
				done++;
			}
			cr_assert_lt(t, (i + 1) * 10000000ull, "read %u never completed", i);
		}
	}
	cr_assert_eq(done, 64);
	cr_assert_arr_eq(a->mem, b->mem + 4096, 4096);
	cr_assert_gt(stats().srd_resent, 0, "the path lost nothing: the test tests nothing");
	cr_assert_eq(stats().rdma_read_bytes, 4096, "each read moved its bytes once");
}

// EFA v1 (c5n): no RDMA read. A read WQE completes with the invalid-op
// status, and a region cannot be opened to remote reads.
static void setup_v1(void)
{
	setup_gen(VCORE_EFA_GEN_1, VCORE_EFA_GEN_1);
}

TestSuite(efa_read_v1, .init = setup_v1, .fini = teardown);

Test(efa_read_v1, read_is_an_invalid_op)
{
	both_srd();
	cr_assert_eq(run(read_req(1, ah_to(*a, *b), addr(*b, 0), b->key, 0, 64)),
		     status::local_invalid_op_type);
	cr_assert_eq(stats().rdma_read_wr_err, 1);
}

Test(efa_read_v1, remote_read_access_is_refused)
{
	vcore_efa_mr_desc m = {a->pdn, addr(*a, 0), 64,
				VCORE_EFA_ACCESS_LOCAL_WRITE | VCORE_EFA_ACCESS_REMOTE_READ,
				a->mem};
	vcore_efa_counts before, after;
	vcore_err err = {};
	uint32_t key;

	vcore_efa_get_counts(a->dev, &before);
	cr_assert_eq(vcore_efa_mr_add(a->dev, &m, &key, &err), -EOPNOTSUPP);
	cr_assert(strstr(err.msg, "no RDMA read"), "%s", err.msg);
	vcore_efa_get_counts(a->dev, &after);
	cr_assert_eq(after.mrs, before.mrs, "nothing registered");
	m.access = 1 << 1;	// IB_ACCESS_REMOTE_WRITE: on no generation
	cr_assert_eq(vcore_efa_mr_add(a->dev, &m, &key, &err), -EOPNOTSUPP);
}

Test(efa_read_v1, attributes_differ_by_generation)
{
	vcore_efa_attr v1, v2;

	cr_assert_eq(vcore_efa_get_attr(VCORE_EFA_GEN_1, &v1), 0);
	cr_assert_eq(vcore_efa_get_attr(VCORE_EFA_GEN_2, &v2), 0);
	cr_assert_eq(v1.device_id, 0xefa0);
	cr_assert_eq(v2.device_id, 0xefa2);
	cr_assert_eq(v2.subsystem_device, 0xefa2);
	cr_assert_eq(v1.device_caps & VCORE_EFA_CAP_RDMA_READ, 0u);
	cr_assert(v2.device_caps & VCORE_EFA_CAP_RDMA_READ);
	cr_assert_eq(v1.max_rdma_size, 0u);
	cr_assert_eq(v2.max_rdma_size, 1u << 30);
	cr_assert_eq(v2.max_wr_rdma_sge, 1, "EFA_IO_TX_DESC_NUM_RDMA_BUFS");
	// Everything else is the same device.
	cr_assert_eq(v2.max_qp, v1.max_qp);
	cr_assert_eq(v2.mtu, v1.mtu);
	cr_assert_eq(v2.device_caps & ~VCORE_EFA_CAP_RDMA_READ, v1.device_caps);
	cr_assert_eq(vcore_efa_get_attr(VCORE_EFA_GEN_NONE, &v1), -EINVAL);
	cr_assert_eq(vcore_efa_get_attr(VCORE_EFA_GEN_MAX + 1, &v1), -EINVAL);
	cr_assert_null(vcore_efa_dev_create(eng, VCORE_EFA_GEN_MAX + 1, a->gid, nullptr));
}
