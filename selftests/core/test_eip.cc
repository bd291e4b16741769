// SPDX-License-Identifier: GPL-2.0
// test_eip.cc - Elastic IPs: the gateway's translations and its ARP for them (core/fabric/eip.cc).
#include "fabric_fixture.h"

static void setup(void)
{
	fabric_setup();
}

TestSuite(eip, .init = setup, .fini = harness_fini);

enum : uint32_t {
	eip1 = 0xcb007105,	// 203.0.113.5
	eip2 = 0xcb007106,
	vpc2 = 2,
};

static uint32_t to_private(uint32_t public_ip)
{
	harness.rcu_depth++;	// the data path's RCU section
	uint32_t ip = vcore_fabric_eip_private(fab, pigw, public_ip);
	harness.rcu_depth--;
	return ip;
}

static uint32_t to_public(uint32_t private_ip)
{
	harness.rcu_depth++;
	uint32_t ip = vcore_fabric_eip_public(fab, pigw, private_ip);
	harness.rcu_depth--;
	return ip;
}

CORE_TEST(eip, translations_both_ways_and_repointing)
{
	plug_abc();
	pigw = plug_desc(igw_desc(1));
	cr_assert_eq(to_private(eip1), 0u, "no Elastic IP yet");
	cr_assert_eq(vcore_fabric_eip_set(fab, vpc1, eip1, ip_a), 0);
	cr_assert_eq(to_private(eip1), (uint32_t)ip_a);
	cr_assert_eq(to_public(ip_a), (uint32_t)eip1);
	cr_assert_eq(to_public(ip_b), 0u, "B has none");
	cr_assert_eq(vcore_fabric_eip_set(fab, vpc1, eip1, ip_a), 0, "the same again: nothing changes");
	long syncs = harness.synchronize_calls;
	// Re-associated to B (EC2: allow-reassociation): A loses it.
	cr_assert_eq(vcore_fabric_eip_set(fab, vpc1, eip1, ip_b), 0);
	cr_assert_eq(harness.synchronize_calls, syncs + 1, "the old translation is freed after a grace period");
	cr_assert_eq(to_private(eip1), (uint32_t)ip_b);
	cr_assert_eq(to_public(ip_a), 0u);
	cr_assert_eq(to_public(ip_b), (uint32_t)eip1);
	vcore_fabric_eip_del(fab, eip1);
	cr_assert_eq(to_private(eip1), 0u);
	cr_assert_eq(to_public(ip_b), 0u);
	vcore_fabric_eip_del(fab, eip1);	// twice: nothing happens
}

CORE_TEST(eip, one_per_private_address_and_one_vpc_per_public_address)
{
	plug_abc();
	pigw = plug_desc(igw_desc(1));
	cr_assert_eq(vcore_fabric_eip_set(fab, vpc1, eip1, ip_a), 0);
	cr_assert_eq(vcore_fabric_eip_set(fab, vpc1, eip2, ip_a), -EADDRINUSE,
		     "A's address has an Elastic IP already");
	cr_assert_eq(vcore_fabric_eip_set(fab, vpc2, eip1, ip_a), -EADDRINUSE,
		     "another VPC cannot take it");
	cr_assert_eq(vcore_fabric_eip_set(fab, vpc1, 0, ip_a), -EINVAL);
	cr_assert_eq(vcore_fabric_eip_set(fab, vpc1, eip2, 0), -EINVAL);
	cr_assert_eq(to_private(eip1), (uint32_t)ip_a, "refusals change nothing");
	cr_assert_eq(to_private(eip2), 0u);
	// Another VPC's gateway does not translate this VPC's addresses.
	cr_assert_eq(vcore_fabric_eip_set(fab, vpc2, eip2, ip_a), 0,
		     "the same private address in another VPC is another address");
	cr_assert_eq(to_private(eip2), 0u, "not through VPC 1's gateway");
	cr_assert_eq(to_public(ip_a), (uint32_t)eip1);
}

CORE_TEST(eip, the_gateway_answers_arp_for_its_vpcs_elastic_ips)
{
	uint8_t frame[64], expected[42];

	plug_abc();
	pigw = plug_desc(igw_desc(1));
	cr_assert_eq(xmit(pigw, frame, arp_request(frame, bcast, mac_igw, 0x08080808, eip1)),
		     VCORE_XMIT_DROPPED, "not an Elastic IP yet");
	cr_assert_eq(vcore_fabric_eip_set(fab, vpc1, eip1, ip_c), 0);
	cr_assert_eq(vcore_fabric_eip_set(fab, vpc2, eip2, ip_c), 0);
	cr_assert_eq(xmit(pigw, frame, arp_request(frame, bcast, mac_igw, 0x08080808, eip1)),
		     VCORE_XMIT_ANSWERED);
	expected_reply(expected, mac_igw, 0x08080808, vpc_router1, eip1);
	cr_assert_arr_eq(harness.deliveries[0].frame, expected, 42);
	harness_clear_deliveries();
	cr_assert_eq(xmit(pigw, frame, arp_request(frame, bcast, mac_igw, 0x08080808, eip2)),
		     VCORE_XMIT_DROPPED, "another VPC's Elastic IP");
	cr_assert_eq(stats().arp_replies, 1u);
}

CORE_TEST(eip, destroy_frees_what_is_left)
{
	cr_assert_eq(vcore_fabric_eip_set(fab, vpc1, eip1, ip_a), 0);
	cr_assert_eq(vcore_fabric_eip_set(fab, vpc2, eip2, ip_b), 0);
	// harness_fini checks that the fixture's release leaves no allocation.
}
