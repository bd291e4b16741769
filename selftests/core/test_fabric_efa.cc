// SPDX-License-Identifier: GPL-2.0
// test_fabric_efa.cc - EFA endpoints on the fabric's ENI ports: attach, detach, resolution, the VPC's checks (core/fabric/efa.cc).
#include "fabric_fixture.h"
#include "fabric/fabric.h"
#include "efa/device.h"

/*
 *   subnet key 1                              subnet key 2
 *   A (efa a)   B (efa b)   D (no EFA)        C (efa c)
 *   ==========+===========+=========+=========+=========  fabric
 *
 * Each EFA device's GID is the EUI-64 of its port's MAC (vcore_efa_gid).
 */
static const vcore_efa_engine_ops no_ops = {};
static const uint8_t mac_d[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0d };
static vcore_efa_engine *eng;
static vcore_efa_dev *ea, *eb, *ec;
static uint8_t gid_a[16], gid_b[16], gid_c[16], gid_d[16];

static vcore_efa_dev *efa_of(const uint8_t *mac, uint8_t *gid)
{
	vcore_efa_dev *d;

	vcore_efa_gid(mac, gid);
	d = vcore_efa_dev_create(eng, VCORE_EFA_GEN_1, gid, nullptr);
	cr_assert_not_null(d);
	return d;
}

// Devices first (dev_destroy detaches them), then the ports, the engine, the fabric.
static void release(void)
{
	for (vcore_efa_dev **d : {&ea, &eb, &ec}) {
		vcore_efa_dev_destroy(*d);
		*d = nullptr;
	}
	vcore_efa_engine_destroy(eng);
	eng = nullptr;
	release_fabric();
}

static void setup(void)
{
	harness_init(release);
	fab = vcore_fabric_create();
	cr_assert_not_null(fab);
	eng = vcore_efa_engine_create(&no_ops, fab);
	cr_assert_not_null(eng);
	plug_abc();
	ea = efa_of(mac_a, gid_a);
	eb = efa_of(mac_b, gid_b);
	ec = efa_of(mac_c, gid_c);
	vcore_efa_gid(mac_d, gid_d);
	cr_assert_eq(vcore_fabric_efa_attach(fab, pa, ea), 0);
	cr_assert_eq(vcore_fabric_efa_attach(fab, pb, eb), 0);
	cr_assert_eq(vcore_fabric_efa_attach(fab, pc, ec), 0);
}

TestSuite(fabric_efa, .init = setup, .fini = harness_fini);

using vnitro::fabric::efa_resolve;
using vnitro::fabric::efa_verdict;

static efa_verdict resolve(vcore_efa_dev *src, const uint8_t *gid, vcore_efa_dev **dst)
{
	efa_verdict v = efa_resolve(fab, src, gid, dst);

	cr_assert_eq(harness.rcu_depth, 0, "resolve left its RCU section open");
	return v;
}

CORE_TEST(fabric_efa, same_subnet_is_delivered)
{
	vcore_efa_dev *dst = nullptr;

	cr_assert(resolve(ea, gid_b, &dst) == efa_verdict::deliver);
	cr_assert_eq(dst, eb);
	cr_assert(resolve(eb, gid_a, &dst) == efa_verdict::deliver);
	cr_assert_eq(dst, ea);
	// To itself (a QP of the same device): the same port, so the same subnet.
	cr_assert(resolve(ea, gid_a, &dst) == efa_verdict::deliver);
	cr_assert_eq(dst, ea);
	cr_assert_eq(stats().efa_forwarded, 3);
	cr_assert_eq(stats().drop_cross_subnet + stats().drop_no_dest, 0);
	cr_assert_eq(harness.delivery_count, 0, "no frame is built for EFA");
}

CORE_TEST(fabric_efa, another_subnet_is_dropped_and_counted)
{
	vcore_efa_dev *dst = ea;

	cr_assert(resolve(ea, gid_c, &dst) == efa_verdict::cross_subnet);
	cr_assert_null(dst);
	cr_assert(resolve(ec, gid_b, &dst) == efa_verdict::cross_subnet);
	cr_assert_eq(stats().drop_cross_subnet, 2);
	cr_assert_eq(stats().efa_forwarded, 0);
	cr_assert_eq(port_stats(pa).tx_dropped, 1, "charged to the sender's port");
	cr_assert_eq(port_stats(pc).tx_dropped, 1);
	cr_assert_eq(port_stats(pb).tx_dropped, 0);
}

CORE_TEST(fabric_efa, unknown_gid_is_dropped_and_counted)
{
	uint8_t gid[16];
	vcore_efa_dev *dst = ea;

	// D's port exists, but has no EFA endpoint.
	plug(mac_d, ip_b + 1, key1, subnet1, &cookie_b);
	cr_assert(resolve(ea, gid_d, &dst) == efa_verdict::no_dest);
	cr_assert_null(dst);
	// No port has the MAC.
	const uint8_t nobody[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x77 };
	vcore_efa_gid(nobody, gid);
	cr_assert(resolve(ea, gid, &dst) == efa_verdict::no_dest);
	// Not a link-local EUI-64 GID at all.
	memcpy(gid, gid_b, sizeof(gid));
	gid[0] = 0x20;
	cr_assert(resolve(ea, gid, &dst) == efa_verdict::no_dest);
	memcpy(gid, gid_b, sizeof(gid));
	gid[11] = 0;
	cr_assert(resolve(ea, gid, &dst) == efa_verdict::no_dest);
	cr_assert_eq(stats().drop_no_dest, 4);
	cr_assert_eq(port_stats(pa).tx_dropped, 4);
}

CORE_TEST(fabric_efa, a_detached_endpoint_is_not_reached)
{
	vcore_efa_dev *dst = nullptr;

	vcore_fabric_efa_detach(fab, eb);
	cr_assert(resolve(ea, gid_b, &dst) == efa_verdict::no_dest);
	// Nor does it send: its own port is not its own any more.
	cr_assert(resolve(eb, gid_a, &dst) == efa_verdict::no_dest);
	cr_assert_eq(stats().drop_no_dest, 2);
	vcore_fabric_efa_detach(fab, eb);	// twice: nothing
	cr_assert_eq(vcore_fabric_efa_attach(fab, pb, eb), 0);
	cr_assert(resolve(ea, gid_b, &dst) == efa_verdict::deliver);
	cr_assert_eq(dst, eb);
}

CORE_TEST(fabric_efa, unplugging_the_port_detaches_its_endpoint)
{
	vcore_efa_dev *dst = nullptr;

	unplug(pb);
	cr_assert(resolve(ea, gid_b, &dst) == efa_verdict::no_dest);
	// The sender whose port went (its ENA function removed): nothing leaves it,
	// counted, with no port to charge.
	cr_assert(resolve(eb, gid_a, &dst) == efa_verdict::no_dest);
	cr_assert_eq(stats().drop_no_dest, 2);
	// A new port for the same ENI (the function probed again): attached anew.
	pb = plug(mac_b, ip_b, key1, subnet1, &cookie_b);
	cr_assert_eq(vcore_fabric_efa_attach(fab, pb, eb), 0);
	cr_assert(resolve(ea, gid_b, &dst) == efa_verdict::deliver);
	cr_assert_eq(dst, eb);
}

CORE_TEST(fabric_efa, attach_refusals)
{
	uint8_t gid[16];

	// Another ENI's port: the GID names a different MAC.
	cr_assert_eq(vcore_fabric_efa_attach(fab, pb, ea), -EINVAL);
	// Twice on one port, or one endpoint on two.
	cr_assert_eq(vcore_fabric_efa_attach(fab, pa, ea), 0, "again: nothing to do");
	vcore_efa_dev *other = efa_of(mac_a, gid);
	cr_assert_eq(vcore_fabric_efa_attach(fab, pa, other), -EBUSY);
	vcore_efa_dev_destroy(other);
	// Not an ENI's port.
	pigw = plug_desc(igw_desc(1));
	vcore_efa_dev *gw = efa_of(mac_igw, gid);
	cr_assert_eq(vcore_fabric_efa_attach(fab, pigw, gw), -EINVAL);
	vcore_efa_dev_destroy(gw);
}

// The engine's pass holds devices found through the fabric: destroying a
// device (under the engine's lock, as the pass) takes it out of the fabric.
CORE_TEST(fabric_efa, a_destroyed_device_leaves_the_fabric)
{
	vcore_efa_dev *dst = nullptr;

	vcore_efa_dev_destroy(eb);
	eb = nullptr;
	cr_assert(resolve(ea, gid_b, &dst) == efa_verdict::no_dest);
	cr_assert_null(dst);
	eb = efa_of(mac_b, gid_b);
	cr_assert_eq(vcore_fabric_efa_attach(fab, pb, eb), 0, "the port is free for a new device");
}

// ---- Another host's ENIs (remote ports): Documentation/cluster.md ----

static const uint8_t mac_e[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0e };
static const uint32_t host_b = 0xc0a83802;	// 192.168.56.2

// E: an ENI of host_b in A's subnet (E2: in C's). vni 0, as A's.
static vcore_fabric_port *plug_remote(const uint8_t *mac, uint32_t key, uint32_t net)
{
	vcore_port_desc d = desc_of(mac, ip_b + 2, key, net, &cookie_b);

	d.remote_host = host_b;
	return plug_desc(d);
}

// An EFA frame (VCORE_ETHERTYPE_EFA) from @src to @dst with @len bytes in all.
static uint32_t efa_frame(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint32_t len)
{
	memset(f, 0, len);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = VCORE_ETHERTYPE_EFA >> 8;
	f[13] = VCORE_ETHERTYPE_EFA & 0xff;
	return len;
}

static vcore_tunnel_meta meta_of(const uint8_t *src, const uint8_t *dst)
{
	vcore_tunnel_meta m = {};

	m.host = host_b;
	memcpy(m.src_mac, src, 6);
	memcpy(m.dst_mac, dst, 6);
	return m;
}

CORE_TEST(fabric_efa, another_hosts_eni_resolves_as_remote_after_the_same_checks)
{
	vcore_efa_dev *dst = ea;
	uint8_t gid_e[16];

	plug_remote(mac_e, key1, subnet1);
	vcore_efa_gid(mac_e, gid_e);
	cr_assert(resolve(ea, gid_e, &dst) == efa_verdict::remote, "a frame for the tunnel");
	cr_assert_null(dst, "no device of this host");
	cr_assert_eq(stats().efa_forwarded, 1);
	// EFA stays in its subnet across hosts too: refused here, before anything leaves.
	cr_assert(resolve(ec, gid_e, &dst) == efa_verdict::cross_subnet);
	cr_assert_eq(stats().drop_cross_subnet, 1);
}

CORE_TEST(fabric_efa, an_efa_frame_from_another_host_goes_to_the_engine)
{
	uint8_t f[64];
	vcore_tunnel_meta m = meta_of(mac_e, mac_a);

	plug_remote(mac_e, key1, subnet1);
	efa_frame(f, mac_a, mac_e, sizeof(f));
	cr_assert_eq(vcore_fabric_xmit_tunneled(fab, &m, f, sizeof(f), &frame_token), VCORE_XMIT_EFA);
	cr_assert_eq(stats().tunnel_rx, 1);
	cr_assert_eq(harness.delivery_count, 0, "never to the ENI's netdev");
	cr_assert_eq(harness.rcu_depth, 0);
}

CORE_TEST(fabric_efa, an_efa_frame_from_another_host_keeps_to_its_subnet_and_needs_a_device)
{
	uint8_t f[64];
	vcore_tunnel_meta m = meta_of(mac_e, mac_c);

	// E (subnet 1) to C (subnet 2, with a device): dropped as on one host.
	plug_remote(mac_e, key1, subnet1);
	efa_frame(f, mac_c, mac_e, sizeof(f));
	cr_assert_eq(vcore_fabric_xmit_tunneled(fab, &m, f, sizeof(f), &frame_token),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_cross_subnet, 1);
	// To D, in E's subnet but without an EFA device.
	plug(mac_d, ip_b + 1, key1, subnet1, &cookie_b);
	m = meta_of(mac_e, mac_d);
	efa_frame(f, mac_d, mac_e, sizeof(f));
	cr_assert_eq(vcore_fabric_xmit_tunneled(fab, &m, f, sizeof(f), &frame_token),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_no_dest, 1);
	cr_assert_eq(stats().tunnel_rx, 0);
}

// What the engine makes of frames that no engine sent, or for no device here.
CORE_TEST(fabric_efa, the_engine_drops_malformed_frames_and_counts_them)
{
	uint8_t f[128];
	vcore_efa_engine_stats s;

	efa_frame(f, mac_a, mac_e, sizeof(f));
	vcore_efa_engine_rx(eng, f, sizeof(f), 0);		// version 0
	f[14] = 1;
	f[15] = 9;						// no such type
	vcore_efa_engine_rx(eng, f, sizeof(f), 0);
	f[15] = 1;						// UD, but the length is wrong
	vcore_efa_engine_rx(eng, f, sizeof(f), 0);
	vcore_efa_engine_rx(eng, f, 20, 0);			// shorter than the header
	f[45] = sizeof(f) - 14 - 32;				// the length now matches
	memcpy(f, mac_d, 6);					// but no device has D's MAC
	vcore_efa_engine_rx(eng, f, sizeof(f), 0);
	vcore_efa_engine_get_stats(eng, &s);
	cr_assert_eq(s.remote_dropped, 5);
	cr_assert_eq(s.remote_rx, 0);
	// To A's device: taken, and dropped there as any message for a QP it does not have.
	memcpy(f, mac_a, 6);
	vcore_efa_engine_rx(eng, f, sizeof(f), 0);
	vcore_efa_engine_get_stats(eng, &s);
	cr_assert_eq(s.remote_rx, 1);
	cr_assert_eq(s.drop_bad_qp, 1);
	cr_assert_eq(s.remote_tx, 0, "nothing is answered to a UD datagram");
}
