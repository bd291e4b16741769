// SPDX-License-Identifier: GPL-2.0
// qp.cc - EFA queue pairs: creation checks, the state machine and its attribute masks.
#include "base/text.h"
#include "efa/device.h"
#include "efa/engine.h"
#include "efa/srd.h"
#include "efa/wire.h"

namespace vnitro::efa {

namespace {

using namespace vnitro::base;

// A new SRD flow's nonce (engine.h: remote_flow): one counter for every
// device, started from the clock, so a QP number used again, even after the
// module was loaded again, comes with another nonce.
uint32_t next_nonce()
{
	static uint32_t last;
	uint32_t seen = __atomic_load_n(&last, __ATOMIC_RELAXED);

	if (!seen)
		__atomic_compare_exchange_n(&last, &seen, uint32_t(vnitro_env_clock_ns() >> 10) | 1,
					    false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	return __atomic_add_fetch(&last, 1, __ATOMIC_RELAXED);
}

enum : uint32_t {
	m_state = VCORE_EFA_QP_STATE,
	m_cur = VCORE_EFA_QP_CUR_STATE,
	m_sqd = VCORE_EFA_QP_EN_SQD_ASYNC_NOTIFY,
	m_pkey = VCORE_EFA_QP_PKEY_INDEX,
	m_port = VCORE_EFA_QP_PORT,
	m_qkey = VCORE_EFA_QP_QKEY,
	m_psn = VCORE_EFA_QP_SQ_PSN,
	m_rnr = VCORE_EFA_QP_RNR_RETRY,
	// EFA_MODIFY_QP_SUPP_MASK and EFA_QUERY_QP_SUPP_MASK of efa_verbs.c.
	modify_supported = m_state | m_cur | m_sqd | m_pkey | m_port | m_qkey | m_psn | m_rnr,
	query_supported = m_state | m_pkey | m_port | m_qkey | m_psn | VCORE_EFA_QP_CAP | m_rnr,
};

constexpr uint32_t n_states = VCORE_EFA_QPS_ERR + 1;

struct transition {
	bool valid;
	uint32_t req;
	uint32_t opt;
};

// efa_verbs.c's srd_qp_state_table; UD follows ib_modify_qp_is_ok(), which
// is the same table without RNR_RETRY on RTR -> RTS (added for SRD below).
transition lookup(uint32_t cur, uint32_t next)
{
	constexpr transition ok = {true, 0, 0};

	if (next == VCORE_EFA_QPS_RESET)
		return ok;			// from every state
	if (next == VCORE_EFA_QPS_ERR)
		return cur == VCORE_EFA_QPS_RESET ? transition{} : ok;
	switch (cur) {
	case VCORE_EFA_QPS_RESET:
		if (next == VCORE_EFA_QPS_INIT)
			return {true, m_pkey | m_port | m_qkey, 0};
		break;
	case VCORE_EFA_QPS_INIT:
		if (next == VCORE_EFA_QPS_INIT)
			return {true, 0, m_pkey | m_port | m_qkey};
		if (next == VCORE_EFA_QPS_RTR)
			return {true, 0, m_pkey | m_qkey};
		break;
	case VCORE_EFA_QPS_RTR:
		if (next == VCORE_EFA_QPS_RTS)
			return {true, m_psn, m_cur | m_qkey};
		break;
	case VCORE_EFA_QPS_RTS:
		if (next == VCORE_EFA_QPS_RTS)
			return {true, 0, m_cur | m_qkey};
		if (next == VCORE_EFA_QPS_SQD)
			return {true, 0, m_sqd};
		break;
	case VCORE_EFA_QPS_SQD:
		if (next == VCORE_EFA_QPS_RTS)
			return {true, 0, m_cur | m_qkey};
		if (next == VCORE_EFA_QPS_SQD)
			return {true, 0, m_pkey | m_qkey};
		break;
	case VCORE_EFA_QPS_SQE:
		if (next == VCORE_EFA_QPS_RTS)
			return {true, 0, m_cur | m_qkey};
		break;
	}
	return {};
}

bool transition_ok(uint8_t type, uint32_t cur, uint32_t next, uint32_t mask)
{
	if (cur >= n_states || next >= n_states)
		return false;
	if ((mask & m_cur) && cur != VCORE_EFA_QPS_RTR && cur != VCORE_EFA_QPS_RTS &&
	    cur != VCORE_EFA_QPS_SQD && cur != VCORE_EFA_QPS_SQE)
		return false;
	transition t = lookup(cur, next);
	uint32_t opt = t.opt;

	if (!t.valid)
		return false;
	if (type == VCORE_EFA_QP_SRD && cur == VCORE_EFA_QPS_RTR && next == VCORE_EFA_QPS_RTS)
		opt |= m_rnr;
	if ((mask & t.req) != t.req)
		return false;
	return !(mask & ~(t.req | opt | m_state));
}

const char *const state_names[n_states] = {"RESET", "INIT", "RTR", "RTS", "SQD", "SQE", "ERR"};

} // namespace

} // namespace vnitro::efa

using namespace vnitro;

extern "C" {

int vcore_efa_qp_check(const struct vcore_efa_dev *dev, const struct vcore_efa_qp_desc *d,
		       struct vcore_err *err)
{
	const vcore_efa_attr &a = efa::attr();
	uint32_t sq_entries = d->sq_ring_size / efa::tx_wqe_size;
	uint32_t rq_entries = d->rq_ring_size / efa::rx_desc_size;

	// efa_qp_validate_cap
	if (d->max_send_wr > a.max_sq_depth || d->max_recv_wr > a.max_rq_depth ||
	    d->max_send_sge > a.max_sq_sge || d->max_recv_sge > a.max_rq_sge ||
	    d->max_inline > a.inline_buf_size) {
		base::fail(err, base::EINVAL_).str("QP capabilities over the device's (send WRs ")
			.u32(a.max_sq_depth).str(", receive WRs ").u32(a.max_rq_depth)
			.str(", SGEs ").u32(a.max_sq_sge).str("/").u32(a.max_rq_sge)
			.str(", inline ").u32(a.inline_buf_size).str(")");
		return err->code;
	}
	if (d->type != VCORE_EFA_QP_UD && d->type != VCORE_EFA_QP_SRD) {
		base::fail(err, base::EOPNOTSUPP_).str("QP type not UD or SRD");
		return err->code;
	}
	if (!dev->pds.busy(d->pdn) || !dev->cqs.busy(d->send_cq) || !dev->cqs.busy(d->recv_cq)) {
		base::fail(err, base::EINVAL_).str("QP's PD or CQs do not exist");
		return err->code;
	}
	// The rings the engine walks: whole entries, a power of two of them,
	// within the device's LLQ and RQ depth (the kernel keeps these sizes:
	// it never trusts a count userspace could change later).
	if (d->sq_ring_size % efa::tx_wqe_size || !efa::is_pow2(sq_entries) ||
	    d->sq_ring_size > a.max_llq_size || sq_entries < d->max_send_wr) {
		base::fail(err, base::EINVAL_).str("SQ ring of ").u32(d->sq_ring_size)
			.str(" bytes is not a power of two of 64-byte WQEs up to max_llq_size (")
			.u32(a.max_llq_size).str(") holding max_send_wr");
		return err->code;
	}
	if (d->rq_ring_size % efa::rx_desc_size || (rq_entries && !efa::is_pow2(rq_entries)) ||
	    rq_entries > a.max_rq_depth || rq_entries < d->max_recv_wr) {
		base::fail(err, base::EINVAL_).str("RQ ring of ").u32(d->rq_ring_size)
			.str(" bytes is not a power of two of 16-byte descriptors up to max_rq_wr (")
			.u32(a.max_rq_depth).str(") holding max_recv_wr");
		return err->code;
	}
	return 0;
}

int vcore_efa_qp_add(struct vcore_efa_dev *dev, const struct vcore_efa_qp_desc *d,
		     const struct vcore_efa_qp_rings *rings, uint32_t *qpn,
		     struct vcore_err *err)
{
	uint32_t idx;
	int ret = vcore_efa_qp_check(dev, d, err);

	if (ret)
		return ret;
	auto *q = base::create<efa::qp>();
	// An SRD QP's sends in flight (~25 KiB): allocated here, never on the data path.
	if (q && d->type == VCORE_EFA_QP_SRD) {
		q->srd = base::create<efa::srd_flow>();
		if (!q->srd) {
			base::destroy(q);
			q = nullptr;
		} else {
			q->srd->nonce = efa::next_nonce();
		}
	}
	if (!q || !dev->qps.alloc(&idx)) {
		if (q)
			base::destroy(q->srd);
		base::destroy(q);
		base::fail(err, base::ENOMEM_).str("max_qp (").u32(efa::attr().max_qp)
			.str(") queue pairs exist");
		return err->code;
	}
	// 1..max_qp: unique modulo the power of two libefa sizes its table by; 0 stays unused.
	q->qpn = idx + 1;
	q->type = d->type;
	q->state = VCORE_EFA_QPS_RESET;
	// Until modify_qp sets rnr_retry (perftest never does) the device retries an
	// RNR forever, as EFA's firmware did before the counter existed and does by
	// default (libfabric's EFA_RNR_INFINITE_RETRY).
	q->rnr_retry = efa::srd::rnr_retry_infinite;
	q->pdn = d->pdn;
	q->send_cq = dev->cq_tab[d->send_cq];
	q->recv_cq = dev->cq_tab[d->recv_cq];
	q->max_send_sge = d->max_send_sge;
	q->max_recv_sge = d->max_recv_sge;
	q->max_inline = d->max_inline;
	q->llq = rings->llq;
	q->sq_entries = d->sq_ring_size / efa::tx_wqe_size;
	q->sq_db = rings->sq_db;
	q->rq = d->rq_ring_size ? rings->rq : nullptr;
	q->rq_entries = d->rq_ring_size / efa::rx_desc_size;
	q->rq_db = rings->rq_db;
	if (q->srd)
		q->srd->wire.seed(dev->rng.next());
	dev->qp_tab[idx] = q;
	dev->live_qps.add(q);
	*qpn = q->qpn;
	return 0;
}

void vcore_efa_qp_del(struct vcore_efa_dev *dev, uint32_t qpn)
{
	if (!dev->qp_find(qpn))
		return;
	dev->live_qps.remove(dev->qp_tab[qpn - 1]);
	base::destroy(dev->qp_tab[qpn - 1]->srd);
	base::destroy(dev->qp_tab[qpn - 1]);
	dev->qp_tab[qpn - 1] = nullptr;
	dev->qps.free(qpn - 1);
}

int vcore_efa_qp_modify(struct vcore_efa_dev *dev, uint32_t qpn,
			const struct vcore_efa_qp_attr *attr, uint32_t mask,
			struct vcore_err *err)
{
	efa::qp *q = dev->qp_find(qpn);

	if (!q) {
		base::fail(err, base::EINVAL_).str("QP ").u32(qpn).str(" does not exist");
		return err->code;
	}
	if (mask & ~uint32_t(efa::modify_supported)) {
		base::fail(err, base::EOPNOTSUPP_).str("EFA QPs have no attributes 0x")
			.hex(mask & ~uint32_t(efa::modify_supported), 0);
		return err->code;
	}
	uint32_t cur = (mask & efa::m_cur) ? attr->cur_qp_state : q->state;
	uint32_t next = (mask & efa::m_state) ? attr->qp_state : cur;

	if (!efa::transition_ok(q->type, cur, next, mask)) {
		base::fail(err, base::EINVAL_).str("QP ").u32(qpn).str(": ")
			.str(cur < efa::n_states ? efa::state_names[cur] : "?").str(" -> ")
			.str(next < efa::n_states ? efa::state_names[next] : "?")
			.str(" is not allowed with attribute mask 0x").hex(mask, 0);
		return err->code;
	}
	if ((mask & efa::m_port) && attr->port_num != 1) {
		base::fail(err, base::EOPNOTSUPP_).str("EFA has port 1 only");
		return err->code;
	}
	if ((mask & efa::m_pkey) && attr->pkey_index) {
		base::fail(err, base::EOPNOTSUPP_).str("EFA has P_Key index 0 only");
		return err->code;
	}
	if (mask & efa::m_qkey)
		q->qkey = attr->qkey;
	if (mask & efa::m_psn)
		q->sq_psn = attr->sq_psn;
	if (mask & efa::m_rnr)
		q->rnr_retry = attr->rnr_retry;
	if (mask & efa::m_sqd)
		q->sqd_notify = attr->en_sqd_async_notify;
	if (mask & efa::m_state) {
		q->state = uint8_t(next);
		if (next == VCORE_EFA_QPS_RESET) {
			// libefa starts its producer counters again from 0.
			q->sq_cons = 0;
			q->rq_cons = 0;
			// Work on its way is discarded without completions, as RESET does.
			if (q->srd) {
				q->srd->tx.flush([](uint64_t) {});
				q->srd->wire.drop_if([](const efa::srd_packet &) { return true; });
			}
		}
	}
	return 0;
}

int vcore_efa_qp_query(const struct vcore_efa_dev *dev, uint32_t qpn, uint32_t mask,
		       struct vcore_efa_qp_attr *out, struct vcore_err *err)
{
	const efa::qp *q = dev->qp_find(qpn);

	if (mask & ~uint32_t(efa::query_supported)) {
		base::fail(err, base::EOPNOTSUPP_).str("EFA QPs have no attributes 0x")
			.hex(mask & ~uint32_t(efa::query_supported), 0);
		return err->code;
	}
	if (!q) {
		base::fail(err, base::EINVAL_).str("QP ").u32(qpn).str(" does not exist");
		return err->code;
	}
	*out = {};
	out->qp_state = q->state;
	out->qkey = q->qkey;
	out->sq_psn = q->sq_psn;
	out->port_num = 1;
	out->rnr_retry = q->rnr_retry;
	return 0;
}

} // extern "C"
