// SPDX-License-Identifier: GPL-2.0
// efa_fixture.h - EFA devices, QPs and rings in userspace memory for the engine and QP tests.
#pragma once

#include <string.h>

#include "harness.h"
#include "efa/device.h"
#include "efa/engine.h"
#include "efa/wire.h"

namespace efa_fx {

using namespace vnitro::efa;

// MR cookies are the buffer's base; the engine gives offsets from it. Like
// the shim, refuse what is outside the fixture's buffers (dev_fx::mem).
constexpr uint64_t fx_mem_size = 8192;
inline uint64_t copies_refused;

inline bool copy(void *dst, uint64_t doff, void *src, uint64_t soff, uint32_t len)
{
	if (doff > fx_mem_size || len > fx_mem_size - doff || soff > fx_mem_size ||
	    len > fx_mem_size - soff) {
		copies_refused++;
		return false;
	}
	memcpy(static_cast<uint8_t *>(dst) + doff, static_cast<uint8_t *>(src) + soff, len);
	return true;
}

inline bool copy_in(void *dst, uint64_t doff, const uint8_t *src, uint32_t len)
{
	if (doff > fx_mem_size || len > fx_mem_size - doff) {
		copies_refused++;
		return false;
	}
	memcpy(static_cast<uint8_t *>(dst) + doff, src, len);
	return true;
}

struct cq_fx;
inline void cq_event(void *cookie);

constexpr vcore_efa_engine_ops ops = {copy, copy_in, cq_event};
constexpr uint32_t sq_n = 16, rq_n = 16, cq_n = 16;

struct qp_fx {
	uint32_t qpn;
	uint8_t llq[sq_n * tx_wqe_size];
	uint8_t rq[rq_n * rx_desc_size];
	uint32_t sq_db, rq_db;
	uint32_t sq_pc, rq_pc;		// what libefa would count
};

struct cq_fx {
	uint16_t idx;
	uint8_t ring[cq_n * rx_cdesc_ex_size];
	uint32_t cc;			// consumed
	uint32_t db;			// the CQ doorbell (notifications)
	int events;
};

inline void cq_event(void *cookie)
{
	static_cast<cq_fx *>(cookie)->events++;
}

struct dev_fx {
	vcore_efa_dev *dev;
	vcore_fabric_port *port;	// its ENI's, in efa_fx::fab
	uint8_t gid[16];
	uint16_t pdn;
	cq_fx cq;
	uint8_t mem[fx_mem_size];	// one registered buffer
	uint32_t key;
	qp_fx qp;
};

inline void make_gid(uint8_t *gid, uint8_t last)
{
	const uint8_t mac[6] = {0x02, 0, 0, 0, 0, last};

	vcore_efa_gid(mac, gid);
}

/*
 * The fabric the engine's messages cross: each device is the endpoint of an
 * ENI port 02:00:00:00:00:<id>, 10.<subnet>.0.<id>/24 in subnet key
 * <subnet> of VPC 1.
 */
inline vcore_fabric *fab;

inline vcore_efa_engine *engine_create(const vcore_efa_engine_ops *o)
{
	fab = vcore_fabric_create();
	cr_assert(fab);
	return vcore_efa_engine_create(o, fab);
}

inline void engine_destroy(vcore_efa_engine *eng)
{
	vcore_efa_engine_destroy(eng);
	vcore_fabric_destroy(fab);
	fab = nullptr;
}

inline vcore_port_desc eni_desc(uint8_t id, uint32_t subnet, void *cookie)
{
	vcore_port_desc d = {};

	d.mac[0] = 0x02;
	d.mac[5] = id;
	d.kind = VCORE_PORT_ENI;
	d.subnet_key = subnet;
	d.subnet_addr = 10u << 24 | (subnet & 0xff) << 16;
	d.subnet_prefixlen = 24;
	d.ip = d.subnet_addr | id;
	d.vpc_key = 1;
	d.vpc_addr = 10u << 24;
	d.vpc_prefixlen = 8;
	d.cookie = cookie;
	return d;
}

inline vcore_fabric_port *eni_port(uint8_t id, uint32_t subnet, void *cookie)
{
	vcore_port_desc d = eni_desc(id, subnet, cookie);
	vcore_fabric_port *p;
	int err;

	p = vcore_fabric_port_add(fab, &d, &err);
	cr_assert(p, "port_add: %d", err);
	return p;
}

// The device leaves the fabric (dev_destroy detaches it), then its port goes.
inline void dev_fini(dev_fx &d)
{
	vcore_efa_dev_destroy(d.dev);
	vcore_fabric_port_del(fab, d.port);
	d.dev = nullptr;
	d.port = nullptr;
}

inline void dev_init(vcore_efa_engine *eng, dev_fx &d, uint8_t id, uint32_t subnet,
		     uint8_t gen = VCORE_EFA_GEN_1)
{
	vcore_err err = {};
	vcore_efa_cq_desc cqd = {cq_n, rx_cdesc_ex_size, 1, 1, 1};
	vcore_efa_mr_desc mrd = {};

	make_gid(d.gid, id);
	d.dev = vcore_efa_dev_create(eng, gen, d.gid, &d);
	cr_assert(d.dev);
	d.port = eni_port(id, subnet, &d);
	cr_assert_eq(vcore_fabric_efa_attach(fab, d.port, d.dev), 0);
	cr_assert_eq(vcore_efa_pd_alloc(d.dev, &d.pdn), 0);
	cr_assert_eq(vcore_efa_cq_add(d.dev, &cqd, d.cq.ring, &d.cq.db, &d.cq, &d.cq.idx, &err), 0, "%s", err.msg);
	mrd.pdn = d.pdn;
	mrd.iova = reinterpret_cast<uintptr_t>(d.mem);
	mrd.length = sizeof(d.mem);
	mrd.cookie = d.mem;
	mrd.access = VCORE_EFA_ACCESS_LOCAL_WRITE;
	cr_assert_eq(vcore_efa_mr_add(d.dev, &mrd, &d.key, &err), 0, "%s", err.msg);
}

inline vcore_efa_qp_desc qp_desc(const dev_fx &d, uint8_t type)
{
	vcore_efa_qp_desc q = {};

	q.type = type;
	q.pdn = d.pdn;
	q.send_cq = d.cq.idx;
	q.recv_cq = d.cq.idx;
	q.max_send_wr = sq_n;
	q.max_recv_wr = rq_n;
	q.max_send_sge = 2;
	q.max_recv_sge = 1;
	q.max_inline = 32;
	q.sq_ring_size = sq_n * tx_wqe_size;
	q.rq_ring_size = rq_n * rx_desc_size;
	return q;
}

// A QP of @d on the rings of @qp, taken to RTS.
inline void qp_open(dev_fx &d, qp_fx &qp, uint8_t type, uint32_t qkey, uint8_t rnr_retry = 7)
{
	vcore_efa_qp_desc q = qp_desc(d, type);
	vcore_efa_qp_rings r = {qp.llq, qp.rq, &qp.sq_db, &qp.rq_db};
	vcore_efa_qp_attr a = {};
	vcore_err err = {};

	cr_assert_eq(vcore_efa_qp_add(d.dev, &q, &r, &qp.qpn, &err), 0, "%s", err.msg);
	a.qp_state = VCORE_EFA_QPS_INIT;
	a.port_num = 1;
	a.qkey = qkey;
	cr_assert_eq(vcore_efa_qp_modify(d.dev, qp.qpn, &a,
					 VCORE_EFA_QP_STATE | VCORE_EFA_QP_PKEY_INDEX |
					 VCORE_EFA_QP_PORT | VCORE_EFA_QP_QKEY, &err), 0, "%s", err.msg);
	a.qp_state = VCORE_EFA_QPS_RTR;
	cr_assert_eq(vcore_efa_qp_modify(d.dev, qp.qpn, &a, VCORE_EFA_QP_STATE, &err), 0,
		     "%s", err.msg);
	a.qp_state = VCORE_EFA_QPS_RTS;
	a.rnr_retry = rnr_retry;
	cr_assert_eq(vcore_efa_qp_modify(d.dev, qp.qpn, &a,
					 VCORE_EFA_QP_STATE | VCORE_EFA_QP_SQ_PSN |
					 (type == VCORE_EFA_QP_SRD ? VCORE_EFA_QP_RNR_RETRY : 0),
					 &err), 0, "%s", err.msg);
}

// The device's own QP (dev_fx::qp).
inline void qp_init(dev_fx &d, uint8_t type, uint32_t qkey, uint8_t rnr_retry = 7)
{
	qp_open(d, d.qp, type, qkey, rnr_retry);
}

// Posts a WQE as libefa does: entry, then the doorbell.
inline void post_send(qp_fx &q, tx_request req)
{
	uint8_t wqe[tx_wqe_size];

	req.phase = (q.sq_pc / sq_n) & 1;
	req.comp_req = true;
	tx_wqe_encode(req, wqe);
	memcpy(q.llq + ring_slot(q.sq_pc, sq_n) * tx_wqe_size, wqe, sizeof(wqe));
	q.sq_pc++;
	q.sq_db = q.sq_pc & 0xffff;
}

inline tx_request send_req(const dev_fx &src, uint16_t req_id, uint16_t ah, uint32_t dest_qpn,
			   uint32_t qkey, uint32_t off, uint32_t len)
{
	tx_request r = {};

	r.req_id = req_id;
	r.op = send_op::send;
	r.ah = ah;
	r.dest_qpn = uint16_t(dest_qpn);
	r.qkey = qkey;
	r.sge_count = 1;
	r.sgl[0] = {reinterpret_cast<uintptr_t>(src.mem) + off, len, src.key};
	return r;
}

inline void post_recv(qp_fx &q, uint16_t req_id, uint64_t addr, uint32_t len, uint32_t key)
{
	rx_buffer b = {addr, len, key, req_id, true, true};
	uint8_t desc[rx_desc_size];

	rx_desc_encode(b, desc);
	memcpy(q.rq + ring_slot(q.rq_pc, rq_n) * rx_desc_size, desc, sizeof(desc));
	q.rq_pc++;
	q.rq_db = q.rq_pc & 0xffff;
}

// The next completion, as libefa polls it; false when none.
inline bool poll(cq_fx &c, completion *out)
{
	const uint8_t *e = c.ring + ring_slot(c.cc, cq_n) * rx_cdesc_ex_size;

	cdesc_decode(e, rx_cdesc_ex_size, out);
	if (out->phase != cq_phase(c.cc, cq_n))
		return false;
	c.cc++;
	return true;
}

// An AH on @from's PD toward @to's GID.
inline uint16_t ah_to(dev_fx &from, const dev_fx &to)
{
	vcore_err err = {};
	uint16_t ah;

	cr_assert_eq(vcore_efa_ah_add(from.dev, from.pdn, to.gid, &ah, &err), 0, "%s", err.msg);
	return ah;
}

// Suite .fini of the two-device suites: the devices, the engine, then nothing may be left.
inline void two_devs_down(vcore_efa_engine *eng, dev_fx *a, dev_fx *b)
{
	for (dev_fx *d : {a, b}) {
		dev_fini(*d);
		delete d;
	}
	engine_destroy(eng);
	cr_expect_eq(harness.live_allocs, 0, "leaked %ld allocations", harness.live_allocs);
	harness_fini();
}

} // namespace efa_fx
