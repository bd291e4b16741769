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

// What a receiver sees of a message, from a device of this host or another's.
struct arrival {
	const uint8_t *src_gid;
	uint32_t src_qpn;
	uint8_t qp_type;		// the sender's QP's
	uint32_t dst_qpn;
	uint32_t qkey;
	bool has_imm;
	uint32_t imm;
	uint32_t length;
	const message *local;		// its bytes in the sender's MRs (this host), or
	const uint8_t *bytes;		// in the frame that brought it
};

arrival arrival_of(const message &msg)
{
	const tx_request &req = *msg.req;

	return arrival{msg.src_dev->gid, msg.src_qp->qpn, msg.src_qp->type, req.dest_qpn, req.qkey,
		       req.has_imm, req.imm, msg.length, &msg, nullptr};
}

void complete_recv(qp *q, const rx_buffer &buf, status st, const arrival *a, uint16_t ah)
{
	completion c{};

	c.req_id = buf.req_id;
	c.st = st;
	c.type = queue_type::recv;
	c.qpn = uint16_t(q->qpn);
	if (a && st == status::ok) {
		c.length = uint16_t(a->length);
		c.ah = ah;
		c.src_qpn = uint16_t(a->src_qpn);
		c.has_imm = a->has_imm;
		c.imm = a->imm;
		mem_copy(c.src_gid, a->src_gid, VCORE_EFA_GID_LEN);
	}
	complete(q->recv_cq, c);
}

// What the sender of a message that did not arrive completes with: UD is
// unreliable (the send succeeded, the datagram was lost); SRD reports.
status lost(const arrival &a, status srd_status)
{
	return a.qp_type == VCORE_EFA_QP_UD ? status::ok : srd_status;
}

bool receiving(uint8_t state)
{
	return state == VCORE_EFA_QPS_RTR || state == VCORE_EFA_QPS_RTS ||
	       state == VCORE_EFA_QPS_SQD;
}

// Copies @msg's bytes to @dst_off of @dmr. False when the environment
// refused a copy (a range outside what it pinned: an engine bug, counted).
bool place(vcore_efa_engine *eng, const arrival &a, const mr *dmr, uint64_t dst_off)
{
	if (!a.local) {
		if (!a.length || eng->ops.copy_in(dmr->cookie, dst_off, a.bytes, a.length))
			return true;
		eng->stats.copy_refused++;
		return false;
	}
	const message &msg = *a.local;
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

namespace {

// ---- Between hosts: messages and answers as frames through the tunnel ----
//
// A frame from the sending ENI's MAC to the receiving one's, of type
// VCORE_ETHERTYPE_EFA, then this header (big-endian) and the payload:
//   0 version  1 type  2 flags  3 status  4 source QPN  8 destination QPN
//   12 QKey  16 sequence  20 flow nonce  24 immediate  28 payload length
// An SRD message is answered with an ACK (its status: what the sender
// completes with) or an RNR; the sender's flow resends until one arrives,
// the receiving QP keeps a duplicate filter per sending flow (remote_flow).
// The nonce tells a sending QP from an earlier one with the same number.
// Documentation/cluster.md.
constexpr uint8_t remote_version = 1;
constexpr uint32_t remote_hlen = 32;
constexpr uint8_t remote_flag_imm = 1;

enum class remote_type : uint8_t { ud_send = 1, srd_send = 2, srd_ack = 3, srd_rnr = 4 };

struct remote_header {
	remote_type type;
	bool has_imm;
	uint8_t st;
	uint32_t src_qpn, dst_qpn, qkey, seq, nonce, imm, length;
};

void remote_encode(const remote_header &h, uint8_t *p)
{
	p[0] = remote_version;
	p[1] = uint8_t(h.type);
	p[2] = h.has_imm ? remote_flag_imm : 0;
	p[3] = h.st;
	fabric::put_be32(p + 4, h.src_qpn);
	fabric::put_be32(p + 8, h.dst_qpn);
	fabric::put_be32(p + 12, h.qkey);
	fabric::put_be32(p + 16, h.seq);
	fabric::put_be32(p + 20, h.nonce);
	fabric::put_be32(p + 24, h.imm);
	fabric::put_be32(p + 28, h.length);
}

// False for what no engine sends: another version or type, a length that
// is not the rest of the frame or more than the MTU, an answer with bytes.
bool remote_decode(const uint8_t *frame, uint32_t len, remote_header *h)
{
	const uint8_t *p = frame + fabric::eth_hlen;

	if (len < fabric::eth_hlen + remote_hlen || fabric::get_be16(frame + 12) != VCORE_ETHERTYPE_EFA ||
	    p[0] != remote_version || p[1] < uint8_t(remote_type::ud_send) ||
	    p[1] > uint8_t(remote_type::srd_rnr))
		return false;
	h->type = remote_type(p[1]);
	h->has_imm = p[2] & remote_flag_imm;
	h->st = p[3];
	h->src_qpn = fabric::get_be32(p + 4);
	h->dst_qpn = fabric::get_be32(p + 8);
	h->qkey = fabric::get_be32(p + 12);
	h->seq = fabric::get_be32(p + 16);
	h->nonce = fabric::get_be32(p + 20);
	h->imm = fabric::get_be32(p + 24);
	h->length = fabric::get_be32(p + 28);
	if (h->length > attr().mtu || h->length != len - fabric::eth_hlen - remote_hlen)
		return false;
	return h->type == remote_type::ud_send || h->type == remote_type::srd_send || !h->length;
}

// A frame of @h (and @h.length payload bytes the caller writes at the
// returned pointer) from @src's ENI to the ENI of @dst_mac; nullptr when no
// frame could be had (counted). *@ctx: the frame, for remote_put.
uint8_t *remote_frame(vcore_efa_engine *eng, const vcore_efa_dev *src, const uint8_t *dst_mac,
		      const remote_header &h, void **ctx)
{
	uint8_t *p;

	*ctx = eng->ops.frame_alloc ?
	       eng->ops.frame_alloc(fabric::eth_hlen + remote_hlen + h.length, &p) : nullptr;
	if (!*ctx) {
		eng->stats.remote_dropped++;
		return nullptr;
	}
	mem_copy(p, dst_mac, fabric::eth_alen);
	fabric::mac_of_gid(src->gid, p + fabric::eth_alen);
	fabric::put_be16(p + 12, VCORE_ETHERTYPE_EFA);
	remote_encode(h, p + fabric::eth_hlen);
	return p + fabric::eth_hlen + remote_hlen;
}

// Sends a frame remote_frame made (counted either way).
void remote_put(vcore_efa_engine *eng, const vcore_efa_dev *src, const uint8_t *dst_mac, void *ctx)
{
	if (fabric::efa_send_remote(eng->fab, src, dst_mac, ctx)) {
		eng->stats.remote_tx++;
		return;
	}
	eng->ops.frame_free(ctx);
	eng->stats.remote_dropped++;
}

// Message @seq (SRD; UD: 0) of @msg to the device of @gid on another host.
void send_message(vcore_efa_engine *eng, const message &msg, const uint8_t *gid, uint32_t seq)
{
	const tx_request &req = *msg.req;
	remote_header h{};
	uint8_t mac[fabric::eth_alen];
	void *ctx;

	h.type = msg.src_qp->srd ? remote_type::srd_send : remote_type::ud_send;
	h.has_imm = req.has_imm;
	h.src_qpn = msg.src_qp->qpn;
	h.dst_qpn = req.dest_qpn;
	h.qkey = req.qkey;
	h.seq = seq;
	h.nonce = msg.src_qp->srd ? msg.src_qp->srd->nonce : 0;
	h.imm = req.imm;
	h.length = msg.length;
	fabric::mac_of_gid(gid, mac);
	uint8_t *p = remote_frame(eng, msg.src_dev, mac, h, &ctx);
	if (!p)
		return;
	if (req.inline_msg) {
		mem_copy(p, req.inline_data, req.inline_len);
	} else {
		for (uint32_t i = 0; i < req.sge_count; i++) {
			const sge &sg = req.sgl[i];

			if (!sg.length)
				continue;
			if (!eng->ops.copy_out(msg.src_mrs[i]->cookie, sg.addr - msg.src_mrs[i]->iova, p,
					       sg.length)) {
				eng->stats.copy_refused++;
				eng->ops.frame_free(ctx);
				return;
			}
			p += sg.length;
		}
	}
	remote_put(eng, msg.src_dev, mac, ctx);
}

// A message reaches device @dst_dev (held): the QP it names, a receive
// buffer, the bytes placed, the receiver's completion. Returns the status
// the sender completes with; *rnr when an SRD receiver had no buffer.
status receive(vcore_efa_engine *eng, vcore_efa_dev *dst_dev, const arrival &a, bool *rnr)
{
	vcore_efa_port_stats &hw = dst_dev->hw;
	rx_buffer buf;
	bool valid;

	*rnr = false;
	hw.rx_pkts++;
	hw.rx_bytes += a.length;
	qp *dst = dst_dev->qp_find(a.dst_qpn);
	if (!dst || dst->type != a.qp_type || !receiving(dst->state) || dst->qkey != a.qkey) {
		eng->stats.drop_bad_qp++;
		hw.rx_drops++;
		return lost(a, status::remote_bad_dest_qpn);
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
		return lost(a, status::remote_abort);
	}
	const mr *dmr = check_range(dst_dev, dst->pdn, buf.lkey, buf.addr, buf.length);
	// Pages pinned without write access (a read-only mapping) are never written.
	if (dmr && !(dmr->access & VCORE_EFA_ACCESS_LOCAL_WRITE))
		dmr = nullptr;
	if (!dmr) {
		hw.rx_drops++;
		eng->stats.bad_rx_desc++;
		complete_recv(dst, buf, status::local_invalid_lkey, nullptr, 0);
		return lost(a, status::remote_bad_address);
	}
	if (buf.length < a.length) {
		hw.rx_drops++;
		complete_recv(dst, buf, status::local_bad_length, nullptr, 0);
		return lost(a, status::remote_bad_length);
	}

	// Every range is checked: the bytes move.
	if (!place(eng, a, dmr, buf.addr - dmr->iova)) {
		hw.rx_drops++;
		complete_recv(dst, buf, status::local_qp_internal_error, nullptr, 0);
		return status::local_qp_internal_error;
	}
	complete_recv(dst, buf, status::ok, &a, dst_dev->ah_lookup(dst->pdn, a.src_gid));
	eng->stats.rx_delivered++;
	hw.recv_wrs++;
	hw.recv_bytes += a.length;
	return status::ok;
}

} // namespace

status transmit(vcore_efa_engine *eng, const message &msg, uint32_t seq, bool *rnr, bool *remote)
{
	const tx_request &req = *msg.req;
	const ah_entry &ah = msg.src_dev->ah_tab[req.ah];
	peer_device peer(eng, msg.src_dev, ah.gid);

	*rnr = false;
	*remote = false;
	if (peer.verdict == fabric::efa_verdict::remote) {
		// Another host's: a frame there; an SRD message is answered from there.
		*remote = true;
		send_message(eng, msg, ah.gid, seq);
		return status::ok;
	}
	if (!peer.dev)
		return lost(arrival_of(msg), unreachable(eng, peer.verdict));
	return receive(eng, peer.dev, arrival_of(msg), rnr);
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

	// Not built between hosts (Documentation/cluster.md): the remote side does not execute it.
	if (peer.verdict == fabric::efa_verdict::remote) {
		*st = status::remote_abort;
		return nullptr;
	}
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
	bool rnr = false, remote = false;
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
			st = transmit(eng, msg, seq, &rnr, &remote);
	}
	// Another host's device answers it (remote_answer); until then it is resent.
	if (remote)
		return;
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
		bool rnr = false, remote = false;
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
				st = transmit(eng, msg, 0, &rnr, &remote);
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

// ---- Between hosts: what arrives ----

// The duplicate filter QP @f keeps for the flow (@mac, @qpn, @nonce) of another host.
srd::receiver &remote_filter(srd_flow *f, const uint8_t *mac, uint32_t qpn, uint32_t nonce,
			     uint64_t now)
{
	remote_flow *pick = &f->remotes[0];

	for (remote_flow &r : f->remotes) {
		if (r.used && r.qpn == qpn && r.nonce == nonce && mem_eq(r.mac, mac, fabric::eth_alen)) {
			if (now - r.last_ns > remote_idle_ns)
				r.rx = srd::receiver{};
			r.last_ns = now;
			return r.rx;
		}
		if (pick->used && (!r.used || r.last_ns < pick->last_ns))
			pick = &r;
	}
	*pick = remote_flow{};
	mem_copy(pick->mac, mac, fabric::eth_alen);
	pick->used = true;
	pick->qpn = qpn;
	pick->nonce = nonce;
	pick->last_ns = now;
	return pick->rx;
}

// Answers SRD message @h of the ENI of @mac (another host's) at device @dev.
void answer(vcore_efa_engine *eng, const vcore_efa_dev *dev, const uint8_t *mac,
	    const remote_header &h, remote_type type, status st)
{
	remote_header a{};
	void *ctx;

	a.type = type;
	a.st = uint8_t(st);
	a.src_qpn = h.dst_qpn;
	a.dst_qpn = h.src_qpn;
	a.seq = h.seq;
	a.nonce = h.nonce;
	if (remote_frame(eng, dev, mac, a, &ctx))
		remote_put(eng, dev, mac, ctx);
}

// A message from another host for device @dev (held): delivered as one
// from here would be; an SRD message once, and answered.
void remote_receive(vcore_efa_engine *eng, vcore_efa_dev *dev, const uint8_t *frame,
		    const remote_header &h, uint64_t now)
{
	const uint8_t *mac = frame + fabric::eth_alen;
	uint8_t gid[VCORE_EFA_GID_LEN];
	bool rnr;

	vcore_efa_gid(mac, gid);
	arrival a{gid, h.src_qpn,
		  uint8_t(h.type == remote_type::ud_send ? VCORE_EFA_QP_UD : VCORE_EFA_QP_SRD),
		  h.dst_qpn, h.qkey, h.has_imm, h.imm, h.length, nullptr,
		  frame + fabric::eth_hlen + remote_hlen};
	if (h.type == remote_type::ud_send) {
		receive(eng, dev, a, &rnr);
		return;
	}
	qp *q = dev->qp_find(h.dst_qpn);
	srd::receiver *rx = q && q->srd ? &remote_filter(q->srd, mac, h.src_qpn, h.nonce, now) : nullptr;
	if (rx && rx->seen(h.seq)) {
		rx->count_duplicate();
		eng->stats.srd_duplicates++;
		answer(eng, dev, mac, h, remote_type::srd_ack, status::ok);
		return;
	}
	status st = receive(eng, dev, a, &rnr);
	if (rnr) {
		if (rx)
			rx->count_rnr();
		answer(eng, dev, mac, h, remote_type::srd_rnr, st);
		return;
	}
	if (rx)
		rx->delivered(h.seq);
	answer(eng, dev, mac, h, remote_type::srd_ack, st);
}

// Another host's answer to SRD message @h.seq of a QP of @dev (held).
void remote_answer(vcore_efa_engine *eng, vcore_efa_dev *dev, const remote_header &h, uint64_t now)
{
	qp *q = dev->qp_find(h.dst_qpn);
	uint64_t cookie;

	// A QP that is gone, or a new one with the number (another nonce): nothing of it is on its way.
	if (!q || !q->srd || q->srd->nonce != h.nonce ||
	    (q->state != VCORE_EFA_QPS_RTS && q->state != VCORE_EFA_QPS_SQD)) {
		eng->stats.remote_dropped++;
		return;
	}
	srd_flow *f = q->srd;
	const tx_request &req = f->pending[h.seq % srd::window];
	if (h.type == remote_type::srd_rnr) {
		if (f->tx.rnr(h.seq, now, &cookie)) {
			srd_forget(f, h.seq, false);
			eng->stats.srd_given_up++;
			eng->stats.tx_errors++;
			complete_send(q, req.req_id, status::remote_rnr);
		}
		return;
	}
	if (!f->tx.ack(h.seq, &cookie))
		return;		// answered already, or given up
	srd_forget(f, h.seq, false);
	eng->stats.srd_acked++;
	// The receiver's status, as the device reports it; anything else is the remote's abort.
	status st = h.st <= uint8_t(status::local_unresp_remote) && h.st != uint8_t(status::flushed) ?
		    status(h.st) : status::remote_abort;
	count_done(eng, dev, req, st);
	if (req.comp_req || st != status::ok)
		complete_send(q, req.req_id, st);
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

void vcore_efa_engine_rx(struct vcore_efa_engine *eng, const uint8_t *frame, uint32_t len,
			 uint64_t now_ns)
{
	efa::remote_header h;
	vcore_efa_dev *dev;

	if (!efa::remote_decode(frame, len, &h) || !(dev = fabric::efa_local(eng->fab, frame))) {
		eng->stats.remote_dropped++;
		return;
	}
	eng->stats.remote_rx++;
	efa::dev_lock(dev, false);
	if (h.type == efa::remote_type::ud_send || h.type == efa::remote_type::srd_send)
		efa::remote_receive(eng, dev, frame, h, now_ns);
	else
		efa::remote_answer(eng, dev, h, now_ns);
	efa::dev_unlock(dev);
}

void vcore_efa_engine_get_stats(const struct vcore_efa_engine *eng,
				struct vcore_efa_engine_stats *out)
{
	*out = eng->stats;
}

} // extern "C"
