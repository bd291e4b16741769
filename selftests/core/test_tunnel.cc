// SPDX-License-Identifier: GPL-2.0
// test_tunnel.cc - another host's ENIs as remote ports, and what another host's fabric sends
// here (core/fabric/fabric.cc: vcore_fabric_xmit_tunneled; the sender's half in express.cc, sg.cc).
#include "fabric_fixture.h"

static void setup(void)
{
	fabric_setup();
}

TestSuite(tunnel, .init = setup, .fini = harness_fini);

enum : uint32_t {
	host_b = 0xc0a83802,	// 192.168.56.2, B's and C's host
	vni1 = 0x123456,
};

// A here; B (same subnet) and C (subnet 2) on host_b. All of VNI vni1.
static void plug_remote_bc(uint8_t source_dest_check = 0)
{
	vcore_port_desc d = desc_of(mac_a, ip_a, key1, subnet1, &cookie_a);

	d.vni = vni1;
	d.source_dest_check = source_dest_check;
	pa = plug_desc(d);
	d = desc_of(mac_b, ip_b, key1, subnet1, &cookie_b);
	d.vni = vni1;
	d.remote_host = host_b;
	pb = plug_desc(d);
	d = desc_of(mac_c, ip_c, key2, subnet2, &cookie_c);
	d.vni = vni1;
	d.remote_host = host_b;
	pc = plug_desc(d);
}

static vcore_tunnel_meta meta(const uint8_t *src, const uint8_t *dst, uint32_t host = host_b,
			      uint32_t vni = vni1)
{
	vcore_tunnel_meta m = {};

	m.host = host;
	m.vni = vni;
	memcpy(m.src_mac, src, 6);
	memcpy(m.dst_mac, dst, 6);
	return m;
}

static vcore_xmit_verdict receive(const vcore_tunnel_meta &m, const uint8_t *frame, uint32_t len)
{
	uint8_t *copy = static_cast<uint8_t *>(malloc(len));
	unsigned long allocs = harness.allocs;
	vcore_xmit_verdict v;

	memcpy(copy, frame, len);
	v = vcore_fabric_xmit_tunneled(fab, &m, copy, len, &frame_token);
	free(copy);
	cr_assert_eq(harness.allocs, allocs, "xmit_tunneled allocated memory");
	cr_assert_eq(harness.rcu_depth, 0);
	return v;
}

CORE_TEST(tunnel, a_frame_for_another_hosts_eni_goes_through_the_tunnel)
{
	uint8_t frame[128];

	plug_remote_bc();
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, mac_b, mac_a, ip_a, ip_b, 30)),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(harness.delivery_count, 1);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_b);
	cr_assert(harness.deliveries[0].tunneled, "deliver, not deliver_tunneled");
	cr_assert_arr_eq(harness.deliveries[0].src_mac, mac_a, 6, "the sending ENI is named");
	cr_assert_eq(harness.deliveries[0].frame_ctx, &frame_token);
	cr_assert_eq(stats().forwarded, 1u);
}

CORE_TEST(tunnel, routed_to_another_hosts_eni_leaves_routed)
{
	uint8_t frame[128];

	plug_remote_bc();
	cr_assert_eq(xmit(pa, frame, ip_frame(frame, router1, mac_a, ip_a, ip_c, 30)),
		     VCORE_XMIT_DELIVERED);
	cr_assert_eq(harness.delivery_count, 1);
	cr_assert(harness.deliveries[0].tunneled);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_c);
	cr_assert_arr_eq(harness.deliveries[0].src_mac, mac_a, 6);
	cr_assert_arr_eq(xmitted, mac_c, 6, "addressed to C by this host's router");
	cr_assert_arr_eq(xmitted + 6, router2, 6);
	cr_assert_eq(xmitted[14 + 8], 63, "one hop fewer");
}

CORE_TEST(tunnel, arp_for_another_hosts_eni_is_answered_here)
{
	uint8_t frame[64];

	plug_remote_bc();
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, ip_b)), VCORE_XMIT_ANSWERED);
	cr_assert_eq(harness.delivery_count, 1);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_a);
	cr_assert_arr_eq(harness.deliveries[0].frame + 22, mac_b, 6, "B's MAC, as if B were here");
}

CORE_TEST(tunnel, a_frame_from_another_host_is_delivered_here)
{
	uint8_t frame[128];
	uint32_t len = ip_frame(frame, mac_a, mac_b, ip_b, ip_a, 30);

	plug_remote_bc();
	cr_assert_eq(receive(meta(mac_b, mac_a), frame, len), VCORE_XMIT_DELIVERED);
	cr_assert_eq(harness.delivery_count, 1);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_a);
	cr_assert_not(harness.deliveries[0].tunneled);
	cr_assert_eq(stats().tunnel_rx, 1u);
	cr_assert_eq(stats_total(stats()), 1u, "counted once");
}

// What the mapping here does not confirm is dropped and counted, whoever it claims to be.
CORE_TEST(tunnel, the_mapping_here_decides)
{
	uint8_t frame[128], routed[128];
	uint32_t len = ip_frame(frame, mac_a, mac_b, ip_b, ip_a, 30);
	const uint8_t nobody[6] = { 0x02, 0, 0, 0, 0, 0x77 };
	struct {
		const char *why;
		vcore_tunnel_meta m;
		const uint8_t *frame;
	} bad[] = {
		{ "from another host than B's", meta(mac_b, mac_a, host_b + 1), frame },
		{ "from no host", meta(mac_b, mac_a, 0), frame },
		{ "from A, which is here", meta(mac_a, mac_a, host_b), frame },
		{ "for B, which is not here", meta(mac_c, mac_b), frame },
		{ "for an unknown ENI", meta(mac_b, nobody), frame },
		{ "from an unknown ENI", meta(nobody, mac_a), frame },
		{ "of another VPC's VNI", meta(mac_b, mac_a, host_b, vni1 + 1), frame },
		{ "addressed to another MAC than the ENI it claims", meta(mac_b, mac_a), routed },
	};

	plug_remote_bc();
	ip_frame(routed, mac_b, mac_c, ip_c, ip_b, 30);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(receive(bad[i].m, bad[i].frame, len), VCORE_XMIT_DROPPED, "%s", bad[i].why);
		cr_assert_eq(stats().drop_tunnel_mapping, i + 1, "%s: counted", bad[i].why);
	}
	cr_assert_eq(harness.delivery_count, 0);
	cr_assert_eq(stats().tunnel_rx, 0u);
}

// The receiver's half is this host's: A's source/dest check applies here.
CORE_TEST(tunnel, the_receivers_checks_apply_here)
{
	uint8_t frame[128];

	plug_remote_bc(1);
	cr_assert_eq(receive(meta(mac_b, mac_a), frame,
			     ip_frame(frame, mac_a, mac_b, ip_b, ip_a + 1, 30)),
		     VCORE_XMIT_DROPPED, "not one of A's addresses");
	cr_assert_eq(port_stats(pa).rx_src_dst_dropped, 1u);
	cr_assert_eq(stats().drop_src_dst_check, 1u);
	cr_assert_eq(harness.delivery_count, 0);
}

// Only what an ENI sends crosses hosts: the internet's (through this host's gateway) does not yet.
CORE_TEST(tunnel, the_gateway_does_not_reach_another_host)
{
	uint8_t frame[128];

	plug_remote_bc();
	pigw = plug_desc(igw_desc(1));
	cr_assert_eq(xmit(pigw, frame, ip_frame(frame, vpc_router1, mac_igw, 0x08080808, ip_b, 30)),
		     VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_no_dest, 1u);
	cr_assert_eq(harness.delivery_count, 0);
}

CORE_TEST(tunnel, what_a_remote_port_may_be)
{
	vcore_port_desc d = desc_of(mac_b, ip_b, key1, subnet1, &cookie_b);
	int err = 0;

	d.remote_host = host_b;
	d.allowance_key = 7;
	cr_assert_null(vcore_fabric_port_add(fab, &d, &err), "its allowances are its host's");
	cr_assert_eq(err, -EINVAL);
	d.allowance_key = 0;
	d.vni = VCORE_VNI_MAX + 1;
	cr_assert_null(vcore_fabric_port_add(fab, &d, &err), "a VNI has 24 bits");
	cr_assert_eq(err, -EINVAL);
	d = igw_desc(1);
	d.remote_host = host_b;
	cr_assert_null(vcore_fabric_port_add(fab, &d, &err), "a gateway is every host's");
	cr_assert_eq(err, -EINVAL);
	d = desc_of(mac_b, ip_b, key1, subnet1, &cookie_b);
	d.remote_host = host_b;
	pb = plug_desc(d);
	d.remote_host = host_b + 1;
	cr_assert_eq(vcore_fabric_port_update(fab, pb, &d), -EINVAL, "its host is fixed while plugged");
}
