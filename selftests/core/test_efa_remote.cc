// SPDX-License-Identifier: GPL-2.0
// test_efa_remote.cc - EFA between two hosts: two engines, each on its own fabric, and the
// tunnel between them played here (core/efa/engine.cc "Between hosts", core/fabric/efa.cc,
// vcore_fabric_xmit_tunneled). Host a has device a (ENI 02:..:01) and knows b's ENI as a
// remote port; host b the other way round. Documentation/cluster.md.
#include "efa_fixture.h"

using namespace efa_fx;

namespace {

enum : uint32_t { host_a = 0xc0a83801, host_b = 0xc0a83802 };

// The frames the engines build: what the shim's skbs are.
struct frame {
	uint32_t len;
	uint8_t data[9100];
};
long live_frames;

void *frame_alloc(uint32_t len, uint8_t **data)
{
	frame *f = new frame();

	f->len = len;
	*data = f->data;
	live_frames++;
	return f;
}

void frame_free(void *p)
{
	delete static_cast<frame *>(p);
	live_frames--;
}

bool copy_out(void *src, uint64_t soff, uint8_t *dst, uint32_t len)
{
	if (soff > fx_mem_size || len > fx_mem_size - soff) {
		copies_refused++;
		return false;
	}
	memcpy(dst, static_cast<uint8_t *>(src) + soff, len);
	return true;
}

const vcore_efa_engine_ops remote_ops = {copy,    copy_in,     cq_event,   nullptr,  nullptr,
					 nullptr, frame_alloc, frame_free, copy_out};

struct host {
	vcore_fabric *fab;
	vcore_efa_engine *eng;
	uint32_t addr;
	vcore_fabric_port *remote;	// the other host's ENI, here
	dev_fx *dev;
};
host ha, hb;

// The other host's ENI @id as a remote port of @h's fabric; its cookie names that host.
vcore_fabric_port *remote_port(host &h, uint8_t id, host &there)
{
	vcore_port_desc d = eni_desc(id, 7, &there);
	vcore_fabric_port *p;
	int err;

	d.remote_host = there.addr;
	p = vcore_fabric_port_add(h.fab, &d, &err);
	cr_assert(p, "port_add: %d", err);
	return p;
}

void host_up(host &h, uint32_t addr, uint8_t id)
{
	h.addr = addr;
	h.eng = engine_create(&remote_ops);
	h.fab = fab;
	h.dev = new dev_fx();
	dev_init(h.eng, *h.dev, id, 7);
}

void setup(void)
{
	harness_init(nullptr);
	live_frames = 0;
	host_up(ha, host_a, 1);
	host_up(hb, host_b, 2);
	ha.remote = remote_port(ha, 2, hb);
	hb.remote = remote_port(hb, 1, ha);
}

void teardown(void)
{
	for (host *h : {&ha, &hb}) {
		fab = h->fab;
		vcore_fabric_port_del(fab, h->remote);
		dev_fini(*h->dev);
		delete h->dev;
		engine_destroy(h->eng);
	}
	cr_expect_eq(live_frames, 0, "%ld frames not freed", live_frames);
	cr_expect_eq(harness.live_allocs, 0, "leaked %ld allocations", harness.live_allocs);
	harness_fini();
}

// What the tunnel does to the frames in flight: deliver each (drop: the first @drop
// frames lost; dup: each delivered twice).
struct wire_faults {
	unsigned int drop;
	bool dup;
};

// One round: both engines' passes at @now, then what they sent crosses to the other host,
// and what that sent back (answers), until nothing is in flight. Returns the frames sent.
unsigned int round(uint64_t now, wire_faults *w = nullptr)
{
	unsigned int i;

	harness.delivery_count = 0;
	vcore_efa_engine_poll(ha.eng, now);
	vcore_efa_engine_poll(hb.eng, now);
	for (i = 0; i < harness.delivery_count; i++) {
		cr_assert_lt(harness.delivery_count, harness_max_deliveries,
			     "more frames than the harness records");
		const harness_delivery &d = harness.deliveries[i];
		auto *f = static_cast<frame *>(d.frame_ctx);
		host &to = *static_cast<host *>(d.cookie);
		host &from = &to == &ha ? hb : ha;
		vcore_tunnel_meta m = {};

		cr_assert(d.tunneled, "an EFA frame goes through the tunnel");
		m.host = from.addr;
		memcpy(m.src_mac, d.src_mac, 6);
		memcpy(m.dst_mac, f->data, 6);
		for (int copies = w && w->dup ? 2 : 1; copies; copies--) {
			if (w && w->drop) {
				w->drop--;
				break;
			}
			if (vcore_fabric_xmit_tunneled(to.fab, &m, f->data, f->len, f) == VCORE_XMIT_EFA)
				vcore_efa_engine_rx(to.eng, f->data, f->len, now);
		}
		frame_free(f);
	}
	harness.delivery_count = 0;
	return i;
}

vcore_efa_engine_stats stats(const host &h)
{
	vcore_efa_engine_stats s;

	vcore_efa_engine_get_stats(h.eng, &s);
	return s;
}

uint64_t addr(dev_fx &d, uint32_t off)
{
	return reinterpret_cast<uintptr_t>(d.mem) + off;
}

void fill(dev_fx &d, uint32_t off, uint32_t len, uint8_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		d.mem[off + i] = uint8_t(seed + i * 7);
}

} // namespace

TestSuite(efa_remote, .init = setup, .fini = teardown);

Test(efa_remote, a_ud_datagram_crosses_to_the_other_host)
{
	dev_fx &a = *ha.dev, &b = *hb.dev;
	completion c;

	qp_init(a, VCORE_EFA_QP_UD, 0x11);
	qp_init(b, VCORE_EFA_QP_UD, 0x11);
	uint16_t back = ah_to(b, a);
	fill(a, 0, 100, 3);
	post_recv(b.qp, 42, addr(b, 4096), 200, b.key);
	tx_request r = send_req(a, 9, ah_to(a, b), b.qp.qpn, 0x11, 0, 100);
	r.has_imm = true;
	r.imm = 0xfeedbeef;
	post_send(a.qp, r);
	cr_assert_eq(round(0), 1, "one frame, not answered");
	cr_assert(poll(a.cq, &c));
	cr_assert_eq(c.st, status::ok);
	cr_assert(poll(b.cq, &c), "delivered on host b");
	cr_assert_eq(c.st, status::ok);
	cr_assert_eq(c.req_id, 42);
	cr_assert_eq(c.length, 100);
	cr_assert_eq(c.src_qpn, a.qp.qpn);
	cr_assert_eq(c.ah, back, "the receiver's AH for the sender's GID");
	cr_assert(c.has_imm);
	cr_assert_eq(c.imm, 0xfeedbeef);
	cr_assert_arr_eq(c.src_gid, a.gid, 16);
	cr_assert_arr_eq(b.mem + 4096, a.mem, 100);
	cr_assert_eq(stats(ha).remote_tx, 1);
	cr_assert_eq(stats(hb).remote_rx, 1);
	cr_assert_eq(stats(hb).rx_delivered, 1);
}

Test(efa_remote, srd_messages_arrive_once_over_a_lossy_duplicating_tunnel)
{
	dev_fx &a = *ha.dev, &b = *hb.dev;
	completion c;
	uint16_t ah = ah_to(a, b);
	constexpr int n = 8;
	bool seen[n] = {};
	int sent_ok = 0;

	qp_init(a, VCORE_EFA_QP_SRD, 0x22);
	qp_init(b, VCORE_EFA_QP_SRD, 0x22);
	for (int i = 0; i < n; i++)
		fill(a, i * 64, 64, uint8_t(1 + 37 * i));
	for (int i = 0; i < n; i++)
		post_recv(b.qp, uint16_t(i), addr(b, 1024 + i * 64), 64, b.key);
	for (int i = 0; i < n; i++)
		post_send(a.qp, send_req(a, uint16_t(100 + i), ah, b.qp.qpn, 0x22, i * 64, 64));
	wire_faults w = {3, true};	// the first three frames lost, every other one twice
	for (uint64_t now = 0; now < 100 * 1000 * 1000 && sent_ok < n; now += 250 * 1000) {
		round(now, &w);
		while (poll(a.cq, &c)) {
			cr_assert_eq(c.st, status::ok, "send %u", c.req_id);
			sent_ok++;
		}
	}
	cr_assert_eq(sent_ok, n, "every send completed");
	for (int i = 0; i < n; i++) {
		cr_assert(poll(b.cq, &c), "message %d", i);
		cr_assert_eq(c.st, status::ok);
		// Which message filled the buffer: each one, once, byte for byte (unordered).
		int k = 0;
		while (k < n && memcmp(b.mem + 1024 + c.req_id * 64, a.mem + k * 64, 64))
			k++;
		cr_assert_lt(k, n, "buffer %u holds no message that was sent", c.req_id);
		cr_assert_not(seen[k], "message %d arrived twice", k);
		seen[k] = true;
	}
	cr_assert_not(poll(b.cq, &c), "nothing more");
	cr_assert_gt(stats(hb).srd_duplicates, 0, "the copies were recognised");
	cr_assert_eq(stats(ha).srd_acked, n);
	cr_assert_gt(stats(ha).srd_resent, 0, "the lost ones were resent");
}

Test(efa_remote, srd_rnr_from_the_other_host_waits_then_delivers)
{
	dev_fx &a = *ha.dev, &b = *hb.dev;
	completion c;

	qp_init(a, VCORE_EFA_QP_SRD, 1);
	qp_init(b, VCORE_EFA_QP_SRD, 1);
	fill(a, 0, 32, 9);
	post_send(a.qp, send_req(a, 3, ah_to(a, b), b.qp.qpn, 1, 0, 32));
	cr_assert_eq(round(0), 2, "the message and its RNR");
	cr_assert_not(poll(a.cq, &c), "receiver not ready: the send waits");
	cr_assert_eq(stats(hb).rnr_retries, 1, "counted where it happened");
	post_recv(b.qp, 8, addr(b, 100), 32, b.key);
	for (uint64_t now = 2000 * 1000; now < 10 * 1000 * 1000 && !poll(a.cq, &c); now += 1000 * 1000)
		round(now);
	cr_assert_eq(c.st, status::ok);
	cr_assert_eq(c.req_id, 3);
	cr_assert(poll(b.cq, &c));
	cr_assert_arr_eq(b.mem + 100, a.mem, 32);
}

Test(efa_remote, the_receivers_error_travels_back_to_the_sender)
{
	dev_fx &a = *ha.dev, &b = *hb.dev;
	completion c;

	qp_init(a, VCORE_EFA_QP_SRD, 1);
	qp_init(b, VCORE_EFA_QP_SRD, 1);
	post_send(a.qp, send_req(a, 4, ah_to(a, b), b.qp.qpn + 5, 1, 0, 16));	// no such QP
	cr_assert_eq(round(0), 2, "the message and its answer");
	cr_assert(poll(a.cq, &c));
	cr_assert_eq(c.st, status::remote_bad_dest_qpn);
	post_recv(b.qp, 1, addr(b, 0), 8, b.key);
	post_send(a.qp, send_req(a, 5, ah_to(a, b), b.qp.qpn, 1, 0, 16));		// buffer too short
	round(0);
	cr_assert(poll(a.cq, &c));
	cr_assert_eq(c.st, status::remote_bad_length);
	cr_assert(poll(b.cq, &c));
	cr_assert_eq(c.st, status::local_bad_length);
}

Test(efa_remote, a_send_to_a_silent_host_times_out)
{
	dev_fx &a = *ha.dev, &b = *hb.dev;
	completion c;
	wire_faults w = {1000, false};	// nothing crosses
	uint64_t now = 0;

	qp_init(a, VCORE_EFA_QP_SRD, 1);
	qp_init(b, VCORE_EFA_QP_SRD, 1);
	post_send(a.qp, send_req(a, 6, ah_to(a, b), b.qp.qpn, 1, 0, 16));
	for (; now < 2000ull * 1000 * 1000 && !poll(a.cq, &c); now += 1000 * 1000)
		round(now, &w);
	cr_assert_eq(c.st, status::local_unresp_remote);
	cr_assert_eq(c.req_id, 6);
	cr_assert_eq(stats(ha).srd_given_up, 1);
}

Test(efa_remote, rdma_read_to_the_other_host_is_not_built)
{
	dev_fx &a = *ha.dev, &b = *hb.dev;
	completion c;

	fab = ha.fab;
	dev_fini(a);
	dev_init(ha.eng, a, 1, 7, VCORE_EFA_GEN_2);
	qp_init(a, VCORE_EFA_QP_SRD, 1);
	qp_init(b, VCORE_EFA_QP_SRD, 1);
	tx_request r = send_req(a, 7, ah_to(a, b), b.qp.qpn, 1, 0, 16);
	r.op = send_op::rdma_read;
	r.remote = {addr(b, 0), 16, b.key};
	post_send(a.qp, r);
	round(0);
	cr_assert(poll(a.cq, &c));
	cr_assert_eq(c.st, status::remote_abort);
}
