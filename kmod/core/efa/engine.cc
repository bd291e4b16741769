// SPDX-License-Identifier: GPL-2.0
// engine.cc - the EFA data path: SQ doorbells, WQE checks, delivery, completions.
#include "efa/engine.h"

#include "base/text.h"
#include "efa/srd.h"

namespace vnitro::efa {

namespace {

using namespace vnitro::base;

// Userspace's producer counter: a plain store on its side, so an acquire
// load here orders the ring contents it published before.
uint16_t read_doorbell(const uint32_t *db)
{
	return uint16_t(__atomic_load_n(db, __ATOMIC_ACQUIRE));
}

// Writes one completion; the phase byte last, after a release barrier, so
// a poller that sees the new phase sees the whole entry.
void complete(cq *c, completion &comp)
{
	uint8_t entry[rx_cdesc_ex_size];
	uint32_t slot = ring_slot(c->produced, c->entries);
	uint8_t *dst = c->ring + size_t(slot) * c->entry_size;

	comp.phase = cq_phase(c->produced, c->entries);
	cdesc_encode(comp, entry, c->entry_size);
	for (uint32_t i = 0; i < c->entry_size; i++)
		if (i != 3)
			__atomic_store_n(dst + i, entry[i], __ATOMIC_RELAXED);
	__atomic_store_n(dst + 3, entry[3], __ATOMIC_RELEASE);
	c->produced++;

	// An armed CQ raises one event per arming: userspace counts events
	// (libefa's cmd_sn) and arms again with the next number.
	if (c->db) {
		uint32_t db = __atomic_load_n(c->db, __ATOMIC_ACQUIRE);
		int32_t sn = int32_t((db >> cq_db_cmd_sn_shift) & cq_db_cmd_sn_mask);

		if (((db & cq_db_arm) && sn != c->fired_sn) ||
		    (c->armed_sn >= 0 && c->armed_sn != c->fired_sn) ||
		    (c->fired_sn >= 0 && sn != c->fired_sn)) {
			c->fired_sn = sn;
			c->armed_sn = -1;
			c->ops->cq_event(c->cookie);
		}
	}
}

// Latches the arm writes the CQ doorbells show now (see cq::armed_sn).
void latch_arms(vcore_efa_dev *dev)
{
	for (uint32_t i = 0; i < dev->armable_cqs.size(); i++) {
		cq *c = dev->armable_cqs[i];
		uint32_t db = __atomic_load_n(c->db, __ATOMIC_ACQUIRE);
		int32_t sn = int32_t((db >> cq_db_cmd_sn_shift) & cq_db_cmd_sn_mask);

		if ((db & cq_db_arm) && sn != c->fired_sn)
			c->armed_sn = sn;
	}
}

void complete_send(qp *q, uint16_t req_id, status st)
{
	completion c{};

	c.req_id = req_id;
	c.st = st;
	c.type = queue_type::send;
	c.qpn = uint16_t(q->qpn);
	complete(q->send_cq, c);
}

// The MR behind [addr, addr + len) of PD @pdn, or nullptr.
const mr *check_range(const vcore_efa_dev *dev, uint16_t pdn, uint32_t lkey, uint64_t addr,
		      uint32_t len)
{
	const mr *m = dev->mr_find(lkey);

	if (!m || m->pdn != pdn || addr < m->iova || addr - m->iova > m->length ||
	    len > m->length - (addr - m->iova))
		return nullptr;
	return m;
}

// The endpoint a message to @gid reaches, as the fabric resolves it (the
// VPC's checks are applied there), held for as long as the delivery lasts:
// the pass holds the sender's device already, so only another one is
// locked (the one place two device locks are held). dev is nullptr when the
// fabric refused the message; verdict says why.
class peer_device {
public:
	peer_device(vcore_efa_engine *eng, const vcore_efa_dev *self, const uint8_t *gid)
	{
		verdict = fabric::efa_resolve(eng->fab, self, gid, &dev);
		held_ = dev && dev != self;
		if (held_)
			dev_lock(dev, true);
	}
	~peer_device()
	{
		if (held_)
			dev_unlock(dev);
	}
	peer_device(const peer_device &) = delete;
	peer_device &operator=(const peer_device &) = delete;

	vcore_efa_dev *dev = nullptr;
	fabric::efa_verdict verdict;

private:
	bool held_;
};

// A message the fabric did not let through: counted here too (the engine's
// view of its own messages), and the remote is unresponsive.
status unreachable(vcore_efa_engine *eng, fabric::efa_verdict verdict)
{
	if (verdict == fabric::efa_verdict::cross_subnet)
		eng->stats.drop_cross_subnet++;
	else if (verdict == fabric::efa_verdict::filtered)
		eng->stats.drop_filtered++;
	else
		eng->stats.drop_no_dest++;
	return status::local_unresp_remote;
}

// A receive buffer of @q, or false when none is posted.
bool take_rx(qp *q, rx_buffer *buf, bool *valid)
{
	uint8_t desc[rx_desc_size];
	uint16_t posted;

	if (!q->rq_entries)
		return false;
	posted = uint16_t(read_doorbell(q->rq_db) - q->rq_cons);
	if (!posted || posted > q->rq_entries)
		return false;	// nothing, or a counter no ring can hold: nothing usable
	const uint8_t *src = q->rq + size_t(ring_slot(q->rq_cons, q->rq_entries)) * rx_desc_size;
	for (uint32_t i = 0; i < rx_desc_size; i++)
		desc[i] = __atomic_load_n(src + i, __ATOMIC_RELAXED);
	q->rq_cons++;
	*valid = rx_desc_decode(desc, buf);
	return true;
}

void complete_recv(qp *q, const rx_buffer &buf, status st, const message *msg,
		   uint16_t ah)
{
	completion c{};

	c.req_id = buf.req_id;
	c.st = st;
	c.type = queue_type::recv;
	c.qpn = uint16_t(q->qpn);
	if (msg && st == status::ok) {
		c.length = uint16_t(msg->length);
		c.ah = ah;
		c.src_qpn = uint16_t(msg->src_qp->qpn);
		c.has_imm = msg->req->has_imm;
		c.imm = msg->req->imm;
		mem_copy(c.src_gid, msg->src_dev->gid, VCORE_EFA_GID_LEN);
	}
	complete(q->recv_cq, c);
}

// What the sender of a message that did not arrive completes with: UD is
// unreliable (the send succeeded, the datagram was lost); SRD reports.
status lost(const message &msg, status srd_status)
{
	return msg.src_qp->type == VCORE_EFA_QP_UD ? status::ok : srd_status;
}

bool receiving(uint8_t state)
{
	return state == VCORE_EFA_QPS_RTR || state == VCORE_EFA_QPS_RTS ||
	       state == VCORE_EFA_QPS_SQD;
}

// Copies @msg's bytes to @dst_off of @dmr. False when the environment
// refused a copy (a range outside what it pinned: an engine bug, counted).
bool place(vcore_efa_engine *eng, const message &msg, const mr *dmr, uint64_t dst_off)
{
	const tx_request &req = *msg.req;

	if (req.inline_msg) {
		if (eng->ops.copy_in(dmr->cookie, dst_off, req.inline_data, req.inline_len))
			return true;
		eng->stats.copy_refused++;
		return false;
	}
	for (uint32_t i = 0; i < req.sge_count; i++) {
		const sge &s = req.sgl[i];

		if (!s.length)
			continue;
		if (!eng->ops.copy(dmr->cookie, dst_off, msg.src_mrs[i]->cookie,
				   s.addr - msg.src_mrs[i]->iova, s.length)) {
			eng->stats.copy_refused++;
			return false;
		}
		dst_off += s.length;
	}
	return true;
}

} // namespace

status transmit(vcore_efa_engine *eng, const message &msg, bool *rnr)
{
	const tx_request &req = *msg.req;
	const ah_entry &ah = msg.src_dev->ah_tab[req.ah];
	peer_device peer(eng, msg.src_dev, ah.gid);
	vcore_efa_dev *dst_dev = peer.dev;
	rx_buffer buf;
	bool valid;

	*rnr = false;
	if (!dst_dev)
		return lost(msg, unreachable(eng, peer.verdict));
	vcore_efa_port_stats &hw = dst_dev->hw;

	hw.rx_pkts++;
	hw.rx_bytes += msg.length;
	qp *dst = dst_dev->qp_find(req.dest_qpn);
	if (!dst || dst->type != msg.src_qp->type || !receiving(dst->state) ||
	    dst->qkey != req.qkey) {
		eng->stats.drop_bad_qp++;
		hw.rx_drops++;
		return lost(msg, status::remote_bad_dest_qpn);
	}
	if (!take_rx(dst, &buf, &valid)) {
		hw.rx_drops++;
		if (dst->type == VCORE_EFA_QP_UD) {
			eng->stats.drop_no_buffer++;
			return status::ok;
		}
		eng->stats.rnr_retries++;
		*rnr = true;
		return status::remote_rnr;
	}
	if (!valid) {
		hw.rx_drops++;
		eng->stats.bad_rx_desc++;
		complete_recv(dst, buf, status::local_qp_internal_error, nullptr, 0);
		return lost(msg, status::remote_abort);
	}
	const mr *dmr = check_range(dst_dev, dst->pdn, buf.lkey, buf.addr, buf.length);
	// Pages pinned without write access (a read-only mapping) are never written.
	if (dmr && !(dmr->access & VCORE_EFA_ACCESS_LOCAL_WRITE))
		dmr = nullptr;
	if (!dmr) {
		hw.rx_drops++;
		eng->stats.bad_rx_desc++;
		complete_recv(dst, buf, status::local_invalid_lkey, nullptr, 0);
		return lost(msg, status::remote_bad_address);
	}
	if (buf.length < msg.length) {
		hw.rx_drops++;
		complete_recv(dst, buf, status::local_bad_length, nullptr, 0);
		return lost(msg, status::remote_bad_length);
	}

	// Every range is checked: the bytes move.
	if (!place(eng, msg, dmr, buf.addr - dmr->iova)) {
		hw.rx_drops++;
		complete_recv(dst, buf, status::local_qp_internal_error, nullptr, 0);
		return status::local_qp_internal_error;
	}
	complete_recv(dst, buf, status::ok, &msg, dst_dev->ah_lookup(dst->pdn, msg.src_dev->gid));
	eng->stats.rx_delivered++;
	hw.recv_wrs++;
	hw.recv_bytes += msg.length;
	return status::ok;
}

namespace {

// ---- RDMA read: SRD QPs of a generation with VCORE_EFA_CAP_RDMA_READ ----
//
// A read WQE is checked on the requester's side like a send (AH, then the
// local buffer the bytes land in), travels the QP's SRD flow like a send
// (lost, resent, reordered alike), and when the request reaches the
// responder its remote range is checked against the responder's MRs before
// a byte moves. Statuses: efa_io_defs.h; the remote side's failures are
// REMOTE_ERROR_BAD_ADDRESS, "RKEY not registered or does not match remote
// IOVA" in the newer kernels' comment of the same value (libefa 44 reports
// it as IBV_WC_GENERAL_ERR, vendor_err 7).

// The requester's half: @req is a read on @q. Fills @msg (length, the
// local MR in src_mrs[0]).
status check_read(const vcore_efa_dev *dev, const qp *q, const tx_request &req, message *msg)
{
	const sge &local = req.sgl[0];

	// A device without the capability, or a UD QP: as any unknown op.
	if (!dev->rdma_read() || q->type != VCORE_EFA_QP_SRD)
		return status::local_invalid_op_type;
	if (!dev->ahs.busy(req.ah) || dev->ah_tab[req.ah].pdn != q->pdn)
		return status::local_invalid_ah;
	// One read moves at most max_rdma_size, into one local buffer that holds it.
	if (req.remote.length > dev->attr->max_rdma_size || local.length < req.remote.length)
		return status::local_bad_length;
	msg->length = req.remote.length;
	msg->src_mrs[0] = nullptr;
	if (!local.length)
		return status::ok;
	// The whole local SGE is registered in the QP's PD and writable.
	const mr *m = check_range(dev, q->pdn, local.lkey, local.addr, local.length);
	if (!m || !(m->access & VCORE_EFA_ACCESS_LOCAL_WRITE))
		return status::local_invalid_lkey;
	msg->src_mrs[0] = m;
	return status::ok;
}

// The responder's QP on @peer (held) a request of @msg reaches, or nullptr
// and the status the requester completes with (the same rules as
// transmit(): the endpoint the fabric resolves, a QP of the same type,
// ready, same QKey).
qp *read_peer(vcore_efa_engine *eng, const message &msg, const peer_device &peer, status *st)
{
	const tx_request &req = *msg.req;

	if (!peer.dev) {
		*st = unreachable(eng, peer.verdict);
		return nullptr;
	}
	qp *dst = peer.dev->qp_find(req.dest_qpn);
	if (!dst || dst->type != msg.src_qp->type || !receiving(dst->state) ||
	    dst->qkey != req.qkey) {
		eng->stats.drop_bad_qp++;
		*st = status::remote_bad_dest_qpn;
		return nullptr;
	}
	return dst;
}

// The responder's half, when the request arrives: the remote range must be
// one MR of the responder's QP's PD, whole, with REMOTE_READ; then the
// bytes move remote -> local. Nothing is written on the responder's side
// and it gets no completion (a read is one-sided).
status read_execute(vcore_efa_engine *eng, const message &msg)
{
	const tx_request &req = *msg.req;
	peer_device peer(eng, msg.src_dev, msg.src_dev->ah_tab[req.ah].gid);
	vcore_efa_dev *dst_dev = peer.dev;
	status st = status::ok;
	qp *dst = read_peer(eng, msg, peer, &st);

	if (!dst) {
		if (dst_dev) {
			dst_dev->hw.rx_pkts++;
			dst_dev->hw.rx_drops++;
		}
		return st;
	}
	dst_dev->hw.rx_pkts++;		// the request
	const mr *rmr = (req.remote.lkey & ~key_mask) ? nullptr :
			check_range(dst_dev, dst->pdn, req.remote.lkey, req.remote.addr,
				    req.remote.length);
	if (!rmr || !(rmr->access & VCORE_EFA_ACCESS_REMOTE_READ))
		return status::remote_bad_address;
	if (msg.length) {
		const mr *lmr = msg.src_mrs[0];

		if (!eng->ops.copy(lmr->cookie, req.sgl[0].addr - lmr->iova, rmr->cookie,
				   req.remote.addr - rmr->iova, msg.length)) {
			eng->stats.copy_refused++;
			return status::local_qp_internal_error;
		}
	}
	eng->stats.rdma_read_bytes += msg.length;
	// The response: the responder sends the bytes, the requester receives them.
	dst_dev->hw.rdma_read_resp_bytes += msg.length;
	dst_dev->hw.tx_pkts++;
	dst_dev->hw.tx_bytes += msg.length;
	msg.src_dev->hw.rdma_read_bytes += msg.length;
	msg.src_dev->hw.rx_pkts++;
	msg.src_dev->hw.rx_bytes += msg.length;
	return status::ok;
}

// Counts a finished WQE of @dev's, of @req's kind, that completes with @st.
void count_done(vcore_efa_engine *eng, vcore_efa_dev *dev, const tx_request &req, status st)
{
	if (st == status::ok)
		return;
	eng->stats.tx_errors++;
	if (req.op == send_op::rdma_read) {
		eng->stats.rdma_read_wr_err++;
		dev->hw.rdma_read_wr_err++;
	}
}

// The bytes a packet of @req carries to the peer: a send's payload; a read request none.
uint32_t payload_len(const tx_request &req)
{
	uint32_t n = 0;

	if (req.op != send_op::send)
		return 0;
	if (req.inline_msg)
		return req.inline_len;
	for (uint32_t i = 0; i < req.sge_count && i < tx_max_sge; i++)
		n += req.sgl[i].length;
	return n;
}

// Checks a decoded send against the sender's tables; fills @msg.
status check_send(vcore_efa_dev *dev, qp *q, const tx_request &req, message *msg)
{
	if (req.op == send_op::rdma_read)
		return check_read(dev, q, req, msg);
	if (req.op != send_op::send)
		return status::local_invalid_op_type;
	if (!dev->ahs.busy(req.ah) || dev->ah_tab[req.ah].pdn != q->pdn)
		return status::local_invalid_ah;
	// The lengths are user-written: each SGE is bounded by the MTU before it
	// is added, and the sum is taken in 64 bits, so no pair of SGEs can
	// wrap the total back under the MTU and the receive buffer's size.
	uint64_t total = 0;

	msg->length = 0;
	if (req.inline_msg) {
		if (req.inline_len > inline_max)
			return status::local_bad_length;
		total = req.inline_len;
	} else {
		if (req.sge_count > q->max_send_sge && req.sge_count > 1)
			return status::local_bad_length;
		for (uint32_t i = 0; i < req.sge_count; i++) {
			const sge &s = req.sgl[i];

			msg->src_mrs[i] = nullptr;
			if (!s.length)
				continue;
			if (s.length > attr().mtu)
				return status::local_bad_length;
			msg->src_mrs[i] = check_range(dev, q->pdn, s.lkey, s.addr, s.length);
			if (!msg->src_mrs[i])
				return status::local_invalid_lkey;
			total += s.length;
		}
	}
	if (total > attr().mtu)
		return status::local_bad_length;
	msg->length = uint32_t(total);
	return status::ok;
}

// Every copy on an SRD QP's path whose sequence is @seq, or all with @all.
void srd_forget(srd_flow *f, uint32_t seq, bool all)
{
	f->wire.drop_if([&](const srd_packet &p) { return all || p.seq == seq; });
}

// Puts a copy of message @seq of @dev's QP on its path (the first one or a
// resend): the fabric's path model decides its fate and counts it, and the
// two instances' placement adds its latency; this engine counts its share.
void srd_put(vcore_efa_engine *eng, vcore_efa_dev *dev, srd_flow *f, uint32_t seq, uint64_t now)
{
	const fabric::path_stats before = f->wire.stats();
	const tx_request &req = f->pending[seq % srd::window];

	dev->hw.tx_pkts++;
	dev->hw.tx_bytes += payload_len(req);
	fabric::path_send(eng->fab, f->wire, srd_packet{seq}, now,
			  fabric::efa_placement_ns(eng->fab, dev, dev->ah_tab[req.ah].gid));
	eng->stats.path_lost += f->wire.stats().lost - before.lost +
				f->wire.stats().overflow - before.overflow;
	eng->stats.path_reordered += f->wire.stats().reordered - before.reordered;
}

// A copy of message @seq of QP @q arrived at the receiving side: deliver it
// once, and answer (ack, or RNR when no receive buffer is posted).
void srd_arrive(vcore_efa_engine *eng, vcore_efa_dev *dev, qp *q, uint32_t seq,
		uint64_t now)
{
	srd_flow *f = q->srd;
	const tx_request &req = f->pending[seq % srd::window];
	uint64_t cookie;
	message msg{};
	bool rnr = false;
	status st;

	if (f->rx.seen(seq)) {
		// Delivered already (a resend crossed a late copy): acknowledged again, dropped.
		f->rx.count_duplicate();
		eng->stats.srd_duplicates++;
		f->tx.ack(seq, &cookie);
		return;
	}
	// The sender's buffers are read now, so check them again: the MR may
	// have been deregistered since the WQE was posted.
	st = check_send(dev, q, req, &msg);
	if (st == status::ok) {
		msg.src_dev = dev;
		msg.src_qp = q;
		msg.req = &req;
		// A read needs no receive buffer: it never meets RNR.
		if (req.op == send_op::rdma_read)
			st = read_execute(eng, msg);
		else
			st = transmit(eng, msg, &rnr);
	}
	if (rnr) {
		f->rx.count_rnr();
		if (f->tx.rnr(seq, now, &cookie)) {
			srd_forget(f, seq, false);
			eng->stats.srd_given_up++;
			eng->stats.tx_errors++;
			complete_send(q, req.req_id, status::remote_rnr);
		}
		return;
	}
	// Answered, delivered or refused: either way the receiver is done with it.
	f->rx.delivered(seq);
	if (!f->tx.ack(seq, &cookie))
		return;
	eng->stats.srd_acked++;
	count_done(eng, dev, req, st);
	if (req.comp_req || st != status::ok)
		complete_send(q, req.req_id, st);
}

// An SRD QP's messages on their way: timers due by @now, then arrivals.
bool srd_progress(vcore_efa_engine *eng, vcore_efa_dev *dev, qp *q, uint64_t now)
{
	srd_flow *f = q->srd;
	srd::due_event ev;
	srd_packet pkt;
	bool work = false;

	while (f->tx.due(now, &ev)) {
		work = true;
		if (ev.action == srd::due_action::resend) {
			eng->stats.srd_resent++;
			srd_put(eng, dev, f, ev.seq, now);
			continue;
		}
		// No answer after srd::max_tries sends: the remote is unresponsive.
		srd_forget(f, ev.seq, false);
		eng->stats.srd_given_up++;
		count_done(eng, dev, f->pending[ev.seq % srd::window], status::local_unresp_remote);
		complete_send(q, f->pending[ev.seq % srd::window].req_id,
			      status::local_unresp_remote);
	}
	// Resends come first, so a copy sent now over a path without delay arrives now.
	while (f->wire.receive(now, &pkt)) {
		srd_arrive(eng, dev, q, pkt.seq, now);
		work = true;
	}
	return work;
}

void flush_queues(qp *q)
{
	uint16_t pending = uint16_t(read_doorbell(q->sq_db) - q->sq_cons);
	uint8_t wqe[tx_wqe_size];
	tx_request req;
	rx_buffer buf;
	bool valid;

	// Sends on their way were posted first: they are flushed first.
	if (q->srd) {
		srd_flow *f = q->srd;

		f->tx.flush([&](uint64_t seq) {
			complete_send(q, f->pending[seq % srd::window].req_id, status::flushed);
		});
		srd_forget(f, 0, true);
	}
	for (; pending && pending <= q->sq_entries; pending--) {
		const uint8_t *src = q->llq + size_t(ring_slot(q->sq_cons, q->sq_entries)) * tx_wqe_size;

		for (uint32_t i = 0; i < tx_wqe_size; i++)
			wqe[i] = __atomic_load_n(src + i, __ATOMIC_RELAXED);
		tx_wqe_decode(wqe, &req);
		complete_send(q, req.req_id, status::flushed);
		q->sq_cons++;
	}
	while (take_rx(q, &buf, &valid))
		complete_recv(q, buf, status::flushed, nullptr, 0);
}

// Takes at most @budget WQEs from @q's SQ; returns how many it took.
uint32_t process_sq(vcore_efa_engine *eng, vcore_efa_dev *dev, qp *q, uint64_t now,
		    uint32_t budget)
{
	uint16_t pending = uint16_t(read_doorbell(q->sq_db) - q->sq_cons);
	uint8_t wqe[tx_wqe_size];
	uint32_t done = 0;

	if (pending > q->sq_entries)
		return 0;	// a counter no ring can hold: wait for a sane one
	while (pending && done < budget) {
		const uint8_t *src = q->llq + size_t(ring_slot(q->sq_cons, q->sq_entries)) * tx_wqe_size;
		tx_request req;
		message msg{};
		bool rnr = false;
		status st;

		// SRD: a full window holds new work back in the SQ.
		if (q->srd && q->srd->tx.outstanding() == srd::window)
			break;
		for (uint32_t i = 0; i < tx_wqe_size; i++)
			wqe[i] = __atomic_load_n(src + i, __ATOMIC_RELAXED);
		st = tx_wqe_decode(wqe, &req);
		if (st == status::ok)
			st = check_send(dev, q, req, &msg);
		q->sq_cons++;
		pending--;
		done++;
		eng->stats.tx_wqes++;
		if (req.op == send_op::rdma_read) {
			eng->stats.rdma_read_wrs++;
			dev->hw.rdma_read_wrs++;
		} else if (st == status::ok) {
			dev->hw.send_wrs++;
			dev->hw.send_bytes += msg.length;
		}
		if (st == status::ok && q->srd) {
			// Completed when the receiver answers (srd_arrive).
			uint32_t seq = q->srd->tx.next_seq();

			q->srd->tx.submit(seq, q->rnr_retry, now, &seq);
			q->srd->pending[seq % srd::window] = req;
			eng->stats.srd_sent++;
			srd_put(eng, dev, q->srd, seq, now);
			continue;
		}
		if (st == status::ok) {
			// UD: the datagram may be lost on the way; the sender cannot tell.
			msg.src_dev = dev;
			msg.src_qp = q;
			msg.req = &req;
			dev->hw.tx_pkts++;
			dev->hw.tx_bytes += msg.length;
			if (fabric::path_loses_datagram(eng->fab, dev->rng))
				eng->stats.path_lost++;
			else
				st = transmit(eng, msg, &rnr);
		}
		count_done(eng, dev, req, st);
		if (req.comp_req || st != status::ok)
			complete_send(q, req.req_id, st);
	}
	return done;
}

// One device's share of a pass (its lock held): at most dev_budget WQEs,
// from the QP after the last one served when the budget ran out before.
bool poll_device(vcore_efa_engine *eng, vcore_efa_dev *dev, uint64_t now)
{
	const uint32_t n = dev->live_qps.size();
	uint32_t budget = dev_budget;
	bool work = false;

	latch_arms(dev);
	for (uint32_t k = 0; k < n; k++) {
		uint32_t i = (dev->poll_cursor + k) % n;
		qp *q = dev->live_qps[i];

		if (q->state == VCORE_EFA_QPS_RTS) {
			uint32_t done = process_sq(eng, dev, q, now, budget < sq_budget ? budget : sq_budget);

			budget -= done;
			work |= done != 0;
		} else if (q->state == VCORE_EFA_QPS_ERR) {
			flush_queues(q);
		}
		// A drained (SQD) QP still finishes what is on its way.
		if (q->srd && (q->state == VCORE_EFA_QPS_RTS || q->state == VCORE_EFA_QPS_SQD))
			work |= srd_progress(eng, dev, q, now);
		if (!budget) {
			dev->poll_cursor = (i + 1) % n;
			return true;
		}
	}
	return work;
}

} // namespace

// In device and QP order, so the same seed gives the same flows the same draws.
void reseed(vcore_efa_engine *eng, uint64_t seed)
{
	eng->rng = fabric::prng(seed);
	for (vcore_efa_dev *dev = eng->devs; dev; dev = dev->next) {
		dev_lock(dev, false);
		dev->rng = fabric::prng(eng->rng.next());
		for (uint32_t i = 0; i < attr().max_qp; i++) {
			qp *q = dev->qps.busy(i) ? dev->qp_tab[i] : nullptr;

			if (q && q->srd)
				q->srd->wire.seed(dev->rng.next());
		}
		dev_unlock(dev);
	}
}

} // namespace vnitro::efa

using namespace vnitro;

extern "C" {

struct vcore_efa_engine *vcore_efa_engine_create(const struct vcore_efa_engine_ops *ops,
						 struct vcore_fabric *fab)
{
	auto *eng = base::create<vcore_efa_engine>();

	if (!eng)
		return nullptr;
	eng->ops = *ops;
	eng->fab = fab;
	eng->path_epoch = fabric::path_epoch(fab);
	return eng;
}

void vcore_efa_engine_destroy(struct vcore_efa_engine *eng)
{
	base::destroy(eng);
}

bool vcore_efa_engine_poll(struct vcore_efa_engine *eng, uint64_t now_ns)
{
	uint32_t epoch = fabric::path_epoch(eng->fab);
	bool work = false;

	// A new seed on the fabric: restart every generator before any packet.
	if (epoch != eng->path_epoch) {
		eng->path_epoch = epoch;
		efa::reseed(eng, fabric::path_seed(eng->fab));
	}
	eng->stats.passes++;
	for (vcore_efa_dev *dev = eng->devs; dev; dev = dev->next) {
		efa::dev_lock(dev, false);
		work |= efa::poll_device(eng, dev, now_ns);
		efa::dev_unlock(dev);
		if (eng->ops.resched)
			eng->ops.resched();
	}
	return work;
}

void vcore_efa_engine_get_stats(const struct vcore_efa_engine *eng,
				struct vcore_efa_engine_stats *out)
{
	*out = eng->stats;
}

} // extern "C"
