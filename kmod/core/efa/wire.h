// SPDX-License-Identifier: GPL-2.0
// wire.h - the EFA device's queue formats: TX WQE, RX descriptor, completions, ring phase.
//
// Layouts and values are the device's (the kernel's
// drivers/infiniband/hw/efa/efa_io_defs.h describes them; stock libefa writes
// and reads them through mmapped queues), defined here again in our own
// terms. All multi-byte fields are little-endian. Userspace owns the memory
// these bytes live in: decode from a private copy, never from the shared page.
#pragma once

#include "base/base.h"

namespace vnitro::efa {

constexpr uint32_t tx_wqe_size = 64;		// one LLQ entry
constexpr uint32_t rx_desc_size = 16;
constexpr uint32_t tx_cdesc_size = 8;		// common part only
constexpr uint32_t rx_cdesc_size = 16;
constexpr uint32_t rx_cdesc_ex_size = 32;	// with the source GID (CQ_WITH_SGID)
constexpr uint32_t tx_max_sge = 2;		// EFA_IO_TX_DESC_NUM_BUFS
constexpr uint32_t tx_max_rdma_sge = 1;		// EFA_IO_TX_DESC_NUM_RDMA_BUFS
constexpr uint32_t inline_max = 32;		// EFA_IO_TX_DESC_INLINE_MAX_SIZE
constexpr uint32_t key_mask = 0xffffff;		// lkey: 24 bits in descriptors
constexpr uint16_t ah_unknown = 0xffff;		// RX completion: sender has no AH here

enum class queue_type : uint8_t {
	send = 1,
	recv = 2,
};

enum class send_op : uint8_t {
	send = 0,
	rdma_read = 1,
};

// Completion statuses, with the device's numbers.
enum class status : uint8_t {
	ok = 0,
	flushed = 1,			// QP destroyed or in error with work pending
	local_qp_internal_error = 2,
	local_invalid_op_type = 3,
	local_invalid_ah = 4,
	local_invalid_lkey = 5,		// not registered, or IOVA outside the MR
	local_bad_length = 6,		// message too long
	remote_bad_address = 7,		// destination ENI down or without EFA
	remote_abort = 8,
	remote_bad_dest_qpn = 9,	// no such QP, or not ready
	remote_rnr = 10,		// no receive posted
	remote_bad_length = 11,		// receive buffer too short
	remote_bad_status = 12,
	local_unresp_remote = 13,
};

struct sge {
	uint64_t addr;
	uint32_t length;
	uint32_t lkey;			// 24 bits
};

// A TX WQE as the engine acts on it.
struct tx_request {
	uint16_t req_id;
	send_op op;
	bool has_imm;
	bool inline_msg;
	bool comp_req;			// post a completion when done
	bool phase;
	uint16_t dest_qpn;
	uint16_t ah;
	uint32_t imm;
	uint32_t qkey;
	uint32_t sge_count;		// send: buffers in sgl; rdma read: 1 (local)
	sge sgl[tx_max_sge];
	uint32_t inline_len;
	uint8_t inline_data[inline_max];
	sge remote;			// rdma read: remote address, length, rkey
};

// Why a WQE cannot be executed; as a completion status of the device.
// Returns status::ok and fills @out, or the status to complete the WQE with
// (out->req_id is filled whenever the meta descriptor could be read).
status tx_wqe_decode(const uint8_t (&wqe)[tx_wqe_size], tx_request *out);
// The inverse, for tests and for the engine's own loopback checks.
void tx_wqe_encode(const tx_request &req, uint8_t (&wqe)[tx_wqe_size]);

struct rx_buffer {
	uint64_t addr;
	uint32_t length;
	uint32_t lkey;
	uint16_t req_id;
	bool first;
	bool last;
};

// False when reserved bits are set or first/last are not both set (one buffer per WQE).
bool rx_desc_decode(const uint8_t (&desc)[rx_desc_size], rx_buffer *out);
void rx_desc_encode(const rx_buffer &buf, uint8_t (&desc)[rx_desc_size]);

struct completion {
	uint16_t req_id;
	status st;
	queue_type type;
	bool phase;
	bool has_imm;			// RX only
	uint16_t qpn;			// local QP
	uint16_t length;		// bytes transferred (RX)
	uint16_t ah;			// RX: sender's AH here, or ah_unknown
	uint16_t src_qpn;		// RX
	uint32_t imm;			// RX, if has_imm
	uint8_t src_gid[16];		// RX, extended entries only
};

// Writes a completion entry of @size bytes (tx_cdesc_size, rx_cdesc_size or
// rx_cdesc_ex_size; larger entries are zero-padded). The byte holding the
// phase bit is written last, so a poller that sees the new phase sees the
// whole entry (the caller adds the release barrier between).
void cdesc_encode(const completion &c, uint8_t *entry, uint32_t size);
void cdesc_decode(const uint8_t *entry, uint32_t size, completion *out);

// Ring arithmetic. Queues have power-of-two sizes; counters run free and are
// masked. Lap 0 of a completion queue carries phase 1, lap 1 phase 0, and so
// on: a fresh zeroed ring has no valid entry.
constexpr bool is_pow2(uint32_t n) { return n && !(n & (n - 1)); }
constexpr uint32_t ring_slot(uint32_t counter, uint32_t size) { return counter & (size - 1); }
constexpr bool cq_phase(uint32_t counter, uint32_t size) { return !((counter / size) & 1); }

} // namespace vnitro::efa
