// SPDX-License-Identifier: GPL-2.0
// wire.cc - encode and decode the EFA device's descriptors and completion entries.
#include "efa/wire.h"

namespace vnitro::efa {

namespace {

// Byte offsets inside a TX WQE (the 32-byte meta descriptor, then the data).
enum tx_off : uint32_t {
	tx_req_id = 0,
	tx_ctrl1 = 2,
	tx_ctrl2 = 3,
	tx_dest_qpn = 4,
	tx_length = 6,
	tx_imm = 8,
	tx_ah = 12,
	tx_reserved = 14,
	tx_qkey = 16,
	tx_reserved2 = 20,		// 12 bytes, must be zero
	tx_data = 32,			// 2 x 16-byte buffers, 32 inline bytes, or rdma req
};

// ctrl1 / ctrl2 bits of the meta descriptor.
constexpr uint8_t ctrl1_op_type = 0x0f;
constexpr uint8_t ctrl1_has_imm = 1 << 4;
constexpr uint8_t ctrl1_inline = 1 << 5;
constexpr uint8_t ctrl1_meta_ext = 1 << 6;	// must be zero
constexpr uint8_t ctrl1_meta_desc = 1 << 7;	// must be set
constexpr uint8_t ctrl2_phase = 1 << 0;
constexpr uint8_t ctrl2_first = 1 << 2;		// must be set
constexpr uint8_t ctrl2_last = 1 << 3;		// must be set
constexpr uint8_t ctrl2_comp_req = 1 << 4;
constexpr uint8_t ctrl2_reserved = 0xe2;		// bits 1, 5..7: must be zero

// Buffer descriptor: length, lkey (24 bits, rest MBZ), address lo, hi.
constexpr uint32_t buf_desc_size = 16;
constexpr uint32_t rx_first = 1u << 30;
constexpr uint32_t rx_last = 1u << 31;
constexpr uint32_t rx_reserved = 0x3f000000;

// Completion flags byte.
constexpr uint8_t cq_flag_phase = 1 << 0;
constexpr uint8_t cq_flag_qtype_shift = 1;
constexpr uint8_t cq_flag_qtype = 3 << 1;
constexpr uint8_t cq_flag_has_imm = 1 << 3;

uint16_t get16(const uint8_t *p) { return uint16_t(p[0] | p[1] << 8); }
uint32_t get32(const uint8_t *p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24; }
uint64_t get64(const uint8_t *p) { return get32(p) | uint64_t(get32(p + 4)) << 32; }

void put16(uint8_t *p, uint16_t v)
{
	p[0] = uint8_t(v);
	p[1] = uint8_t(v >> 8);
}

void put32(uint8_t *p, uint32_t v)
{
	put16(p, uint16_t(v));
	put16(p + 2, uint16_t(v >> 16));
}

void put64(uint8_t *p, uint64_t v)
{
	put32(p, uint32_t(v));
	put32(p + 4, uint32_t(v >> 32));
}

bool all_zero(const uint8_t *p, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

// A TX buffer (or remote address) descriptor; false if reserved key bits are set.
bool get_buf(const uint8_t *p, uint32_t key_bits, sge *out)
{
	uint32_t key = get32(p + 4);

	if (key & ~key_bits)
		return false;
	out->length = get32(p);
	out->lkey = key;
	out->addr = uint64_t(get32(p + 8)) | uint64_t(get32(p + 12)) << 32;
	return true;
}

void put_buf(uint8_t *p, const sge &s)
{
	put32(p, s.length);
	put32(p + 4, s.lkey);
	put32(p + 8, uint32_t(s.addr));
	put32(p + 12, uint32_t(s.addr >> 32));
}

} // namespace

status tx_wqe_decode(const uint8_t (&wqe)[tx_wqe_size], tx_request *out)
{
	uint8_t ctrl1 = wqe[tx_ctrl1], ctrl2 = wqe[tx_ctrl2];
	uint16_t length = get16(wqe + tx_length);

	*out = tx_request();
	out->req_id = get16(wqe + tx_req_id);
	if (!(ctrl1 & ctrl1_meta_desc) || (ctrl1 & ctrl1_meta_ext) || (ctrl2 & ctrl2_reserved) ||
	    (ctrl2 & (ctrl2_first | ctrl2_last)) != (ctrl2_first | ctrl2_last) ||
	    get16(wqe + tx_reserved) || !all_zero(wqe + tx_reserved2, 12))
		return status::local_qp_internal_error;	// not a descriptor the device accepts
	out->has_imm = ctrl1 & ctrl1_has_imm;
	out->inline_msg = ctrl1 & ctrl1_inline;
	out->comp_req = ctrl2 & ctrl2_comp_req;
	out->phase = ctrl2 & ctrl2_phase;
	out->dest_qpn = get16(wqe + tx_dest_qpn);
	out->imm = get32(wqe + tx_imm);
	out->ah = get16(wqe + tx_ah);
	out->qkey = get32(wqe + tx_qkey);

	switch (ctrl1 & ctrl1_op_type) {
	case uint8_t(send_op::send):
		out->op = send_op::send;
		if (out->inline_msg) {
			if (length > inline_max)
				return status::local_bad_length;
			out->inline_len = length;
			for (uint32_t i = 0; i < length; i++)
				out->inline_data[i] = wqe[tx_data + i];
			return status::ok;
		}
		if (length > tx_max_sge)
			return status::local_bad_length;
		out->sge_count = length;
		for (uint32_t i = 0; i < length; i++)
			if (!get_buf(wqe + tx_data + i * buf_desc_size, key_mask, &out->sgl[i]))
				return status::local_invalid_lkey;
		return status::ok;
	case uint8_t(send_op::rdma_read):
		out->op = send_op::rdma_read;
		// One remote address, then one local buffer; no inline data, no immediate.
		if (out->inline_msg || out->has_imm || length != tx_max_rdma_sge)
			return status::local_invalid_op_type;
		if (!get_buf(wqe + tx_data, ~0u, &out->remote) ||
		    !get_buf(wqe + tx_data + buf_desc_size, key_mask, &out->sgl[0]))
			return status::local_invalid_lkey;
		out->sge_count = 1;
		return status::ok;
	default:
		return status::local_invalid_op_type;
	}
}

void tx_wqe_encode(const tx_request &req, uint8_t (&wqe)[tx_wqe_size])
{
	for (uint8_t &b : wqe)
		b = 0;
	put16(wqe + tx_req_id, req.req_id);
	wqe[tx_ctrl1] = uint8_t(uint8_t(req.op) & ctrl1_op_type) | ctrl1_meta_desc |
			(req.has_imm ? ctrl1_has_imm : 0) | (req.inline_msg ? ctrl1_inline : 0);
	wqe[tx_ctrl2] = ctrl2_first | ctrl2_last | (req.comp_req ? ctrl2_comp_req : 0) |
			(req.phase ? ctrl2_phase : 0);
	put16(wqe + tx_dest_qpn, req.dest_qpn);
	put32(wqe + tx_imm, req.imm);
	put16(wqe + tx_ah, req.ah);
	put32(wqe + tx_qkey, req.qkey);
	if (req.op == send_op::rdma_read) {
		put16(wqe + tx_length, uint16_t(tx_max_rdma_sge));
		put_buf(wqe + tx_data, req.remote);
		put_buf(wqe + tx_data + buf_desc_size, req.sgl[0]);
	} else if (req.inline_msg) {
		uint32_t n = req.inline_len < inline_max ? req.inline_len : inline_max;

		put16(wqe + tx_length, uint16_t(req.inline_len));
		for (uint32_t i = 0; i < n; i++)
			wqe[tx_data + i] = req.inline_data[i];
	} else {
		uint32_t n = req.sge_count < tx_max_sge ? req.sge_count : tx_max_sge;

		put16(wqe + tx_length, uint16_t(req.sge_count));
		for (uint32_t i = 0; i < n; i++)
			put_buf(wqe + tx_data + i * buf_desc_size, req.sgl[i]);
	}
}

bool rx_desc_decode(const uint8_t (&desc)[rx_desc_size], rx_buffer *out)
{
	uint32_t ctrl = get32(desc + 12);

	out->addr = get64(desc);
	out->req_id = get16(desc + 8);
	out->length = get16(desc + 10);
	out->lkey = ctrl & key_mask;
	out->first = ctrl & rx_first;
	out->last = ctrl & rx_last;
	return !(ctrl & rx_reserved) && out->first && out->last;
}

void rx_desc_encode(const rx_buffer &buf, uint8_t (&desc)[rx_desc_size])
{
	put64(desc, buf.addr);
	put16(desc + 8, buf.req_id);
	put16(desc + 10, uint16_t(buf.length));
	put32(desc + 12, (buf.lkey & key_mask) | (buf.first ? rx_first : 0) | (buf.last ? rx_last : 0));
}

void cdesc_encode(const completion &c, uint8_t *entry, uint32_t size)
{
	uint8_t flags = uint8_t(uint8_t(c.type) << cq_flag_qtype_shift) |
			(c.has_imm ? cq_flag_has_imm : 0) | (c.phase ? cq_flag_phase : 0);

	for (uint32_t i = 0; i < size; i++)
		if (i != 3)
			entry[i] = 0;
	put16(entry, c.req_id);
	entry[2] = uint8_t(c.st);
	put16(entry + 4, c.qpn);
	put16(entry + 6, c.length);
	if (size >= rx_cdesc_size) {
		put16(entry + 8, c.ah);
		put16(entry + 10, c.src_qpn);
		put32(entry + 12, c.imm);
	}
	if (size >= rx_cdesc_ex_size)
		for (uint32_t i = 0; i < 16; i++)
			entry[16 + i] = c.src_gid[i];
	// The phase lives in this byte: it goes last (the caller orders the stores).
	entry[3] = flags;
}

void cdesc_decode(const uint8_t *entry, uint32_t size, completion *out)
{
	*out = completion();
	out->req_id = get16(entry);
	out->st = status(entry[2]);
	out->phase = entry[3] & cq_flag_phase;
	out->type = queue_type((entry[3] & cq_flag_qtype) >> cq_flag_qtype_shift);
	out->has_imm = entry[3] & cq_flag_has_imm;
	out->qpn = get16(entry + 4);
	out->length = get16(entry + 6);
	if (size >= rx_cdesc_size) {
		out->ah = get16(entry + 8);
		out->src_qpn = get16(entry + 10);
		out->imm = get32(entry + 12);
	}
	if (size >= rx_cdesc_ex_size)
		for (uint32_t i = 0; i < 16; i++)
			out->src_gid[i] = entry[16 + i];
}

} // namespace vnitro::efa
