// SPDX-License-Identifier: GPL-2.0
// test_wire.cc - the EFA descriptor and completion formats, against hand-built bytes.
#include <criterion/criterion.h>
#include <string.h>

#include "efa/wire.h"

using namespace vnitro::efa;

namespace {

// A send WQE as libefa lays it out (efa_io_defs.h offsets), built byte by byte.
void raw_send(uint8_t (&w)[tx_wqe_size], uint16_t nbufs)
{
	memset(w, 0, sizeof(w));
	w[0] = 0x34, w[1] = 0x12;		// req_id 0x1234
	w[2] = 0x80 | 0x10;			// meta_desc, has_imm, op send
	w[3] = 0x01 | 0x04 | 0x08 | 0x10;	// phase, first, last, comp_req
	w[4] = 0x07, w[5] = 0x00;		// dest_qp_num 7
	w[6] = uint8_t(nbufs), w[7] = 0;	// length: number of buffers
	w[8] = 0xef, w[9] = 0xbe, w[10] = 0xad, w[11] = 0xde;	// immediate 0xdeadbeef
	w[12] = 0x05, w[13] = 0x00;		// ah 5
	w[16] = 0x11, w[17] = 0x11, w[18] = 0x11, w[19] = 0x11;	// qkey 0x11111111
	// buffer 0: 4096 bytes, lkey 0xabcdef, address 0x00007f0011223344
	w[32] = 0x00, w[33] = 0x10;
	w[36] = 0xef, w[37] = 0xcd, w[38] = 0xab;
	w[40] = 0x44, w[41] = 0x33, w[42] = 0x22, w[43] = 0x11, w[44] = 0x00, w[45] = 0x7f;
	// buffer 1: 8 bytes, lkey 2, address 0x2000
	w[48] = 8, w[52] = 2, w[57] = 0x20;
}

} // namespace

Test(wire, sizes_are_the_devices)
{
	cr_assert_eq(tx_wqe_size, 64);
	cr_assert_eq(rx_desc_size, 16);
	cr_assert_eq(rx_cdesc_size, 16);
	cr_assert_eq(rx_cdesc_ex_size, 32);
	cr_assert_eq(inline_max, 32);
}

Test(wire, send_wqe_decodes_field_by_field)
{
	uint8_t w[tx_wqe_size];
	tx_request r;

	raw_send(w, 2);
	cr_assert_eq(tx_wqe_decode(w, &r), status::ok);
	cr_assert_eq(r.req_id, 0x1234);
	cr_assert_eq(r.op, send_op::send);
	cr_assert(r.has_imm && !r.inline_msg && r.comp_req && r.phase);
	cr_assert_eq(r.dest_qpn, 7);
	cr_assert_eq(r.imm, 0xdeadbeef);
	cr_assert_eq(r.ah, 5);
	cr_assert_eq(r.qkey, 0x11111111);
	cr_assert_eq(r.sge_count, 2);
	cr_assert_eq(r.sgl[0].length, 4096);
	cr_assert_eq(r.sgl[0].lkey, 0xabcdef);
	cr_assert_eq(r.sgl[0].addr, 0x00007f0011223344ull);
	cr_assert_eq(r.sgl[1].length, 8);
	cr_assert_eq(r.sgl[1].lkey, 2);
	cr_assert_eq(r.sgl[1].addr, 0x2000);
}

Test(wire, encode_is_the_inverse_of_decode)
{
	uint8_t w[tx_wqe_size], again[tx_wqe_size];
	tx_request r;

	raw_send(w, 2);
	cr_assert_eq(tx_wqe_decode(w, &r), status::ok);
	tx_wqe_encode(r, again);
	cr_assert_arr_eq(w, again, sizeof(w));
}

Test(wire, inline_send_up_to_32_bytes)
{
	tx_request in = {}, out;
	uint8_t w[tx_wqe_size];

	in.op = send_op::send;
	in.inline_msg = true;
	in.inline_len = 32;
	for (int i = 0; i < 32; i++)
		in.inline_data[i] = uint8_t(i * 7);
	tx_wqe_encode(in, w);
	cr_assert_eq(w[2] & 0x20, 0x20, "inline bit");
	cr_assert_eq(w[6], 32, "length is the byte count");
	cr_assert_eq(w[32 + 31], uint8_t(31 * 7), "data follows the meta descriptor");
	cr_assert_eq(tx_wqe_decode(w, &out), status::ok);
	cr_assert_eq(out.inline_len, 32);
	cr_assert_arr_eq(out.inline_data, in.inline_data, 32);

	w[6] = 33;	// one byte more than the device's inline buffer
	cr_assert_eq(tx_wqe_decode(w, &out), status::local_bad_length);
}

Test(wire, rdma_read_carries_remote_then_local)
{
	tx_request in = {}, out;
	uint8_t w[tx_wqe_size];

	in.op = send_op::rdma_read;
	in.remote = {0x1000000, 65536, 0x12345678};
	in.sgl[0] = {0x2000000, 65536, 0x42};
	in.sge_count = 1;
	tx_wqe_encode(in, w);
	cr_assert_eq(w[2] & 0x0f, 1, "op type 1");
	cr_assert_eq(w[6], 1, "one local buffer");
	cr_assert_eq(w[32 + 4], 0x78, "rkey: a full 32-bit key right after the length");
	cr_assert_eq(tx_wqe_decode(w, &out), status::ok);
	cr_assert_eq(out.remote.addr, 0x1000000);
	cr_assert_eq(out.remote.lkey, 0x12345678);
	cr_assert_eq(out.sgl[0].addr, 0x2000000);
	cr_assert_eq(out.sgl[0].lkey, 0x42);

	w[2] |= 0x10;	// immediate data on a read: not an operation the device knows
	cr_assert_eq(tx_wqe_decode(w, &out), status::local_invalid_op_type);
}

Test(wire, malformed_rdma_reads)
{
	tx_request in = {}, out;
	uint8_t w[tx_wqe_size];

	in.op = send_op::rdma_read;
	in.req_id = 0x77;
	in.remote = {0x1000, 64, 0xffffffff};
	in.sgl[0] = {0x2000, 64, 0x42};
	in.sge_count = 1;
	tx_wqe_encode(in, w);
	cr_assert_eq(tx_wqe_decode(w, &out), status::ok, "any 32-bit rkey decodes");
	cr_assert_eq(out.remote.lkey, 0xffffffffu, "the engine, not the codec, judges the rkey");
	w[2] |= 0x20;	// inline data on a read
	cr_assert_eq(tx_wqe_decode(w, &out), status::local_invalid_op_type);
	tx_wqe_encode(in, w);
	w[6] = 2;	// two local buffers: EFA_IO_TX_DESC_NUM_RDMA_BUFS is 1
	cr_assert_eq(tx_wqe_decode(w, &out), status::local_invalid_op_type);
	w[6] = 0;
	cr_assert_eq(tx_wqe_decode(w, &out), status::local_invalid_op_type);
	tx_wqe_encode(in, w);
	w[48 + 7] = 0x01;	// local lkey: bits above 24 are reserved
	cr_assert_eq(tx_wqe_decode(w, &out), status::local_invalid_lkey);
	cr_assert_eq(out.req_id, 0x77, "req_id still reported for the completion");
}

Test(wire, malformed_wqes_are_refused_with_the_devices_status)
{
	uint8_t w[tx_wqe_size];
	tx_request r;

	raw_send(w, 3);
	cr_assert_eq(tx_wqe_decode(w, &r), status::local_bad_length, "3 buffers, the device has 2");
	cr_assert_eq(r.req_id, 0x1234, "req_id still reported for the completion");

	raw_send(w, 1);
	w[2] = (w[2] & ~0x0f) | 2;
	cr_assert_eq(tx_wqe_decode(w, &r), status::local_invalid_op_type, "op type 2");

	raw_send(w, 1);
	w[39] = 0x01;	// lkey bits 24..31 are reserved
	cr_assert_eq(tx_wqe_decode(w, &r), status::local_invalid_lkey);

	raw_send(w, 1);
	w[2] &= ~0x80;
	cr_assert_eq(tx_wqe_decode(w, &r), status::local_qp_internal_error, "meta_desc must be set");

	raw_send(w, 1);
	w[3] &= ~0x08;
	cr_assert_eq(tx_wqe_decode(w, &r), status::local_qp_internal_error, "last must be set");

	raw_send(w, 1);
	w[25] = 1;
	cr_assert_eq(tx_wqe_decode(w, &r), status::local_qp_internal_error, "reserved bytes MBZ");
}

Test(wire, rx_descriptor_layout)
{
	uint8_t d[rx_desc_size] = {0x00, 0x10, 0, 0, 0x7f, 0, 0, 0,	// address 0x7f00001000
				   0x09, 0x00,				// req_id 9
				   0x00, 0x20,				// length 8192
				   0x33, 0x22, 0x11, 0xc0};		// lkey 0x112233, first, last
	rx_buffer b;
	uint8_t again[rx_desc_size];

	cr_assert(rx_desc_decode(d, &b));
	cr_assert_eq(b.addr, 0x7f00001000ull);
	cr_assert_eq(b.req_id, 9);
	cr_assert_eq(b.length, 8192);
	cr_assert_eq(b.lkey, 0x112233);
	rx_desc_encode(b, again);
	cr_assert_arr_eq(d, again, sizeof(d));

	d[15] = 0x80;	// last without first: a multi-descriptor WQE, which EFA does not have
	cr_assert_not(rx_desc_decode(d, &b));
	d[15] = 0xc1;	// reserved bit 24
	cr_assert_not(rx_desc_decode(d, &b));
}

Test(wire, rx_completion_layout_and_phase_last)
{
	completion c = {}, out;
	uint8_t e[rx_cdesc_ex_size];

	memset(e, 0xaa, sizeof(e));
	c.req_id = 0x0102;
	c.st = status::remote_rnr;
	c.type = queue_type::recv;
	c.phase = true;
	c.has_imm = true;
	c.qpn = 3;
	c.length = 1500;
	c.ah = ah_unknown;
	c.src_qpn = 9;
	c.imm = 0x01020304;
	for (int i = 0; i < 16; i++)
		c.src_gid[i] = uint8_t(0xf0 + i);
	cdesc_encode(c, e, sizeof(e));
	cr_assert_eq(e[0], 0x02);
	cr_assert_eq(e[1], 0x01);
	cr_assert_eq(e[2], 10, "status RNR is 10");
	cr_assert_eq(e[3], 0x01 | 2 << 1 | 0x08, "phase, q_type recv, has_imm");
	cr_assert_eq(e[6] | e[7] << 8, 1500);
	cr_assert_eq(e[8] | e[9] << 8, 0xffff);
	cr_assert_eq(e[12], 0x04);
	cr_assert_eq(e[16], 0xf0);
	cdesc_decode(e, sizeof(e), &out);
	cr_assert_eq(out.st, status::remote_rnr);
	cr_assert_eq(out.type, queue_type::recv);
	cr_assert(out.phase && out.has_imm);
	cr_assert_eq(out.src_qpn, 9);
	cr_assert_eq(out.imm, 0x01020304u);
	cr_assert_arr_eq(out.src_gid, c.src_gid, 16);
}

Test(wire, tx_completion_is_eight_bytes)
{
	completion c = {};
	uint8_t e[16];

	memset(e, 0xaa, sizeof(e));
	c.req_id = 1;
	c.type = queue_type::send;
	cdesc_encode(c, e, tx_cdesc_size);
	cr_assert_eq(e[3], 1 << 1, "q_type send, phase 0");
	cr_assert_eq(e[8], 0xaa, "nothing written past the entry");
}

Test(wire, ring_arithmetic)
{
	cr_assert(is_pow2(1024));
	cr_assert_not(is_pow2(1000));
	cr_assert_not(is_pow2(0));
	cr_assert_eq(ring_slot(1025, 1024), 1);
	cr_assert(cq_phase(0, 256), "lap 0: phase 1, so a zeroed ring holds nothing");
	cr_assert(cq_phase(255, 256));
	cr_assert_not(cq_phase(256, 256));
	cr_assert(cq_phase(512, 256));
	cr_assert(cq_phase(0xffffffffu, 256) == !((0xffffffffu / 256) & 1));
}
