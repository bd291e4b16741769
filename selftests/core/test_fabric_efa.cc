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
