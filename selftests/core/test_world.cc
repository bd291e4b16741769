// SPDX-License-Identifier: GPL-2.0
// test_world.cc - the registry: VPCs, subnets, default world, teardown (core/control/world.cc).
#include "ctl_fixture.h"

TestSuite(world, .init = ctl_setup, .fini = harness_fini);

/* ---- the default world ---- */

CORE_TEST(world, default_world_objects)
{
	vcore_vpc_info v;
	vcore_subnet_info s;
	vcore_instance_info i;

	default_world();
	cr_assert_eq(vcore_ctl_vpc_at(ctl, 0, &v), 0);
	cr_assert_str_eq(v.id, "vpc-default");
	cr_assert_eq(v.cidr_addr, ip4(172, 31, 0, 0));
	cr_assert_eq(v.cidr_prefixlen, 16);
	cr_assert_eq(vcore_ctl_vpc_at(ctl, 1, &v), -ENOENT);

	cr_assert_eq(vcore_ctl_subnet_at(ctl, 0, &s), 0);
	cr_assert_str_eq(s.id, "subnet-default");
	cr_assert_str_eq(s.vpc_id, "vpc-default");
	cr_assert_str_eq(s.az, "us-east-1a");
	cr_assert_eq(s.cidr_addr, ip4(172, 31, 0, 0));
	cr_assert_eq(s.cidr_prefixlen, 20);
	cr_assert_eq(vcore_ctl_subnet_at(ctl, 1, &s), -ENOENT);

	cr_assert_eq(vcore_ctl_instance_at(ctl, 0, &i), 0);
	cr_assert_str_eq(i.name, "i1");
	cr_assert_str_eq(i.subnet_id, "subnet-default");
	cr_assert_str_eq(i.az, "us-east-1a");
	cr_assert_eq(i.eni_count, 1);
	cr_assert_eq(i.cookie, &ns1);
	cr_assert_str_not_empty(i.primary_eni_id);
	cr_assert_eq(vcore_ctl_instance_at(ctl, 1, &i), -ENOENT);
	cr_assert_eq(count_enis(), 1);
	cr_assert_eq(fake.releases, 0);
}

CORE_TEST(world, default_world_primary_eni)
{
	vcore_instance_info i;
	vcore_eni_info e;

	default_world();
	i = get_instance("i1");
	e = get_eni(i.primary_eni_id);
	cr_assert_str_eq(e.subnet_id, "subnet-default");
	cr_assert_str_eq(e.vpc_id, "vpc-default");
	cr_assert_eq(e.private_ip, ip4(172, 31, 0, 4), "the first assignable address");
	cr_assert(mac_is_local_unicast(e.mac), "MAC %02x:... is not locally administered unicast",
		  e.mac[0]);
	cr_assert_eq(e.type, VNITRO_ENI_TYPE_INTERFACE);
	cr_assert_eq(e.source_dest_check, 1);
	cr_assert_eq(e.attached, 1);
	cr_assert_str_eq(e.instance, "i1");
	cr_assert_eq(e.device_index, 0);
	cr_assert_eq(e.plug_cookie, fake.last_plug_cookie);
	cr_assert_not_null(e.plug_cookie);
}

CORE_TEST(world, default_world_plugs_the_primary)
{
	vcore_instance_info i;
	vcore_eni_info e;
	const vcore_plug_desc &d = fake.last_plug;

	default_world();
	i = get_instance("i1");
	e = get_eni(i.primary_eni_id);
	cr_assert_eq(fake.plugs, 1);
	cr_assert_str_eq(d.eni_id, i.primary_eni_id);
	cr_assert_arr_eq(d.port.mac, e.mac, 6);
	cr_assert_eq(d.port.ip, ip4(172, 31, 0, 4));
	cr_assert_eq(d.port.subnet_addr, subnet_default_block);
	cr_assert_eq(d.port.subnet_prefixlen, 20);
	cr_assert_neq(d.port.subnet_key, 0, "a subnet key of 0 is easily confused with none");
	cr_assert_eq(d.instance_cookie, &ns1);
	cr_assert_eq(d.device_index, 0);
	cr_assert_eq(d.eni_type, VNITRO_ENI_TYPE_INTERFACE);
}

CORE_TEST(world, default_world_twice)
{
	default_world();
	assert_refused(-EEXIST, [&](vcore_err *err) {
		return vcore_ctl_create_default_world(ctl, "i2", &ns2, err);
	}, "vpc-default", "already exists");
}

/*
 * Not atomic: when the instance cannot be made, vpc-default and
 * subnet-default stay. The shim only calls this at load and tears the whole
 * control plane down on failure, so nothing sees the half-built world; what
 * must hold is that the namespace stays the caller's.
 */
CORE_TEST(world, default_world_plug_failure)
{
	vcore_err err = {};

	fake_fail_next_plug(-EIO, "no PCI slot");
	cr_assert_eq(vcore_ctl_create_default_world(ctl, "i1", &ns1, &err), -EIO);
	cr_assert_str_eq(err.msg, "no PCI slot");
	cr_assert_eq(count_instances(), 0);
	cr_assert_eq(count_enis(), 0);
	cr_assert_eq(fake.releases, 0, "the caller still owns the namespace");
	cr_assert_eq(fake_live_plugs(), 0);
}

/* ---- VPCs ---- */

CORE_TEST(world, vpc_add_and_get)
{
	vcore_vpc_info v;
	vcore_err err = {};

	add_vpc("vpc-a", ip4(10, 0, 0, 0), 16);
	add_vpc("vpc-b", ip4(192, 168, 1, 0), 28);
	memset(&v, 0xa5, sizeof(v));
	cr_assert_eq(vcore_ctl_vpc_get(ctl, "vpc-b", &v, &err), 0);
	cr_assert_str_eq(v.id, "vpc-b");
	cr_assert_eq(v.cidr_addr, ip4(192, 168, 1, 0));
	cr_assert_eq(v.cidr_prefixlen, 28);
}

CORE_TEST(world, vpc_prefix_out_of_range)
{
	static const uint8_t lens[] = { 0, 8, 15, 29, 30, 32 };

	for (uint8_t len : lens) {
		char slash[8];

		snprintf(slash, sizeof(slash), "/%u", len);
		assert_refused(-EINVAL, [&](vcore_err *err) {
			return vcore_ctl_vpc_add(ctl, "vpc-a", 0, len, err);
		}, "VPC", slash, "between /16 and /28");
	}
}

CORE_TEST(world, vpc_host_bits)
{
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_vpc_add(ctl, "vpc-a", ip4(10, 0, 0, 1), 16, err);
	}, "10.0.0.1/16", "host bits", "did you mean 10.0.0.0/16?");
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_vpc_add(ctl, "vpc-a", ip4(10, 0, 0, 8), 28, err);
	}, "host bits", "10.0.0.0/28");
}

CORE_TEST(world, vpc_link_local_restricted)
{
	// The metadata service's and the services' aliases' block (link-local-services.md).
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_vpc_add(ctl, "vpc-a", ip4(169, 254, 0, 0), 16, err);
	}, "169.254.0.0/16", "restricted", "link-local");
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_vpc_add(ctl, "vpc-a", ip4(169, 254, 169, 240), 28, err);
	}, "169.254.169.240/28", "restricted");
	// Its neighbours are fine.
	add_vpc("vpc-b", ip4(169, 255, 0, 0), 16);
	add_vpc("vpc-c", ip4(169, 253, 255, 240), 28);
}

CORE_TEST(world, vpc_duplicate_id)
{
	default_world();
	assert_refused(-EEXIST, [&](vcore_err *err) {
		return vcore_ctl_vpc_add(ctl, "vpc-default", ip4(10, 0, 0, 0), 16, err);
	}, "vpc-default", "already exists");
}

CORE_TEST(world, vpc_bad_ids)
{
	static const char *const bad[] = {
		"", "VPC-A", "vpc_a", "vpc a", "vpc.a", "vpc/a", "vpc-\xc3\xa9",
		"v23456789012345678901234567890123",	// 33 characters
		"v2345678901234567890123456789012",	// 32: no room left for the NUL
	};

	for (const char *id : bad)
		assert_refused(-EINVAL, [&](vcore_err *err) {
			return vcore_ctl_vpc_add(ctl, id, ip4(10, 0, 0, 0), 16, err);
		}, "invalid VPC id");
	// 31 characters is the longest id.
	add_vpc("v234567890123456789012345678901", ip4(10, 0, 0, 0), 16);
}

CORE_TEST(world, vpc_get_unknown)
{
	default_world();
	assert_refused(-ENOENT, [&](vcore_err *err) {
		vcore_vpc_info v;

		return vcore_ctl_vpc_get(ctl, "vpc-nope", &v, err);
	}, "\"vpc-nope\"", "does not exist");
}

CORE_TEST(world, vpcs_may_overlap)
{
	// Separate VPCs are separate networks, as in EC2.
	default_world();
	add_vpc("vpc-b", vpc_default_block, 16);
	add_subnet("subnet-b", "vpc-b", subnet_default_block, 20, "us-east-1a");
	cr_assert_eq(count_vpcs(), 2);
	cr_assert_eq(count_subnets(), 2);
}

/* ---- subnets ---- */

CORE_TEST(world, subnet_add_and_get)
{
	vcore_subnet_info s;
	vcore_err err = {};

	default_world();
	add_subnet("subnet-b", "vpc-default", ip4(172, 31, 16, 0), 20, "us-east-1b");
	add_subnet("subnet-c", "vpc-default", ip4(172, 31, 255, 240), 28, "us-east-1c");
	memset(&s, 0xa5, sizeof(s));
	cr_assert_eq(vcore_ctl_subnet_get(ctl, "subnet-b", &s, &err), 0);
	cr_assert_str_eq(s.id, "subnet-b");
	cr_assert_str_eq(s.vpc_id, "vpc-default");
	cr_assert_str_eq(s.az, "us-east-1b");
	cr_assert_eq(s.cidr_addr, ip4(172, 31, 16, 0));
	cr_assert_eq(s.cidr_prefixlen, 20);
}

CORE_TEST(world, subnet_of_unknown_vpc)
{
	assert_refused(-ENOENT, [&](vcore_err *err) {
		return vcore_ctl_subnet_add(ctl, "subnet-a", "vpc-nope", ip4(10, 0, 0, 0), 24,
					    "us-east-1a", err);
	}, "VPC \"vpc-nope\" does not exist");
}

CORE_TEST(world, subnet_prefix_out_of_range)
{
	add_vpc("vpc-a", ip4(10, 0, 0, 0), 16);
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_subnet_add(ctl, "subnet-a", "vpc-a", ip4(10, 0, 0, 0), 29,
					    "us-east-1a", err);
	}, "subnet", "/29", "between /16 and /28");
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_subnet_add(ctl, "subnet-a", "vpc-a", ip4(10, 0, 0, 0), 15,
					    "us-east-1a", err);
	}, "subnet", "/15", "between /16 and /28");
}

CORE_TEST(world, subnet_host_bits)
{
	default_world();
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_subnet_add(ctl, "subnet-b", "vpc-default", ip4(172, 31, 16, 1), 20,
					    "us-east-1a", err);
	}, "subnet", "172.31.16.1/20", "host bits", "did you mean 172.31.16.0/20?");
}

CORE_TEST(world, subnet_outside_its_vpc)
{
	default_world();
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_subnet_add(ctl, "subnet-b", "vpc-default", ip4(10, 0, 0, 0), 20,
					    "us-east-1a", err);
	}, "10.0.0.0/20", "is not inside VPC vpc-default", "172.31.0.0/16");
	// Just past the end of the VPC.
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_subnet_add(ctl, "subnet-b", "vpc-default", ip4(172, 32, 0, 0), 28,
					    "us-east-1a", err);
	}, "172.32.0.0/28", "not inside");
}

CORE_TEST(world, subnet_larger_than_its_vpc)
{
	add_vpc("vpc-small", ip4(10, 0, 0, 0), 24);
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_subnet_add(ctl, "subnet-a", "vpc-small", ip4(10, 0, 0, 0), 20,
					    "us-east-1a", err);
	}, "10.0.0.0/20", "not inside VPC vpc-small", "10.0.0.0/24");
}

CORE_TEST(world, subnets_must_not_overlap)
{
	default_world();
	// Inside subnet-default, then around it, then equal to it.
	assert_refused(-EEXIST, [&](vcore_err *err) {
		return vcore_ctl_subnet_add(ctl, "subnet-b", "vpc-default", ip4(172, 31, 8, 0), 24,
					    "us-east-1a", err);
	}, "172.31.8.0/24", "overlaps subnet-default", "172.31.0.0/20");
	assert_refused(-EEXIST, [&](vcore_err *err) {
		return vcore_ctl_subnet_add(ctl, "subnet-b", "vpc-default", ip4(172, 31, 0, 0), 16,
					    "us-east-1a", err);
	}, "overlaps subnet-default");
	assert_refused(-EEXIST, [&](vcore_err *err) {
		return vcore_ctl_subnet_add(ctl, "subnet-b", "vpc-default", subnet_default_block, 20,
					    "us-east-1a", err);
	}, "overlaps subnet-default");
	// Right after it is fine.
	add_subnet("subnet-b", "vpc-default", ip4(172, 31, 16, 0), 20, "us-east-1a");
}

CORE_TEST(world, subnet_duplicate_id)
{
	default_world();
	assert_refused(-EEXIST, [&](vcore_err *err) {
		return vcore_ctl_subnet_add(ctl, "subnet-default", "vpc-default",
					    ip4(172, 31, 16, 0), 20, "us-east-1a", err);
	}, "subnet-default", "already exists");
}

CORE_TEST(world, subnet_bad_id_or_az)
{
	static const char *const bad[] = {
		"", "Subnet-A", "subnet_a", "subnet a", "s2345678901234567890123456789012",
	};

	default_world();
	for (const char *id : bad) {
		assert_refused(-EINVAL, [&](vcore_err *err) {
			return vcore_ctl_subnet_add(ctl, id, "vpc-default", ip4(172, 31, 16, 0), 20,
						    "us-east-1a", err);
		}, "invalid subnet id or AZ");
		assert_refused(-EINVAL, [&](vcore_err *err) {
			return vcore_ctl_subnet_add(ctl, "subnet-b", "vpc-default",
						    ip4(172, 31, 16, 0), 20, id, err);
		}, "invalid subnet id or AZ");
	}
}

CORE_TEST(world, subnet_get_unknown)
{
	default_world();
	assert_refused(-ENOENT, [&](vcore_err *err) {
		vcore_subnet_info s;

		return vcore_ctl_subnet_get(ctl, "subnet-nope", &s, err);
	}, "\"subnet-nope\"", "does not exist");
}

/* ---- iteration ---- */

CORE_TEST(world, vpcs_and_subnets_iterate_in_insertion_order)
{
	static const char *const vpcs[] = { "vpc-default", "vpc-c", "vpc-a", "vpc-b" };
	static const char *const subnets[] = { "subnet-default", "subnet-z", "subnet-a", "subnet-m" };
	vcore_vpc_info v;
	vcore_subnet_info s;

	default_world();
	add_vpc("vpc-c", ip4(10, 3, 0, 0), 16);
	add_vpc("vpc-a", ip4(10, 1, 0, 0), 16);
	add_vpc("vpc-b", ip4(10, 2, 0, 0), 16);
	add_subnet("subnet-z", "vpc-c", ip4(10, 3, 0, 0), 24, "us-east-1a");
	add_subnet("subnet-a", "vpc-default", ip4(172, 31, 16, 0), 20, "us-east-1a");
	add_subnet("subnet-m", "vpc-a", ip4(10, 1, 0, 0), 24, "us-east-1b");
	for (uint32_t n = 0; n < 4; n++) {
		cr_assert_eq(vcore_ctl_vpc_at(ctl, n, &v), 0);
		cr_assert_str_eq(v.id, vpcs[n]);
		cr_assert_eq(vcore_ctl_subnet_at(ctl, n, &s), 0);
		cr_assert_str_eq(s.id, subnets[n]);
	}
	cr_assert_eq(vcore_ctl_vpc_at(ctl, 4, &v), -ENOENT);
	cr_assert_eq(vcore_ctl_subnet_at(ctl, 4, &s), -ENOENT);
	cr_assert_eq(vcore_ctl_vpc_at(ctl, UINT32_MAX, &v), -ENOENT);
	cr_assert_eq(vcore_ctl_subnet_at(ctl, UINT32_MAX, &s), -ENOENT);
}

CORE_TEST(world, empty_world_iterates_nothing)
{
	vcore_vpc_info v;
	vcore_subnet_info s;
	vcore_instance_info i;
	vcore_eni_info e;

	cr_assert_eq(vcore_ctl_vpc_at(ctl, 0, &v), -ENOENT);
	cr_assert_eq(vcore_ctl_subnet_at(ctl, 0, &s), -ENOENT);
	cr_assert_eq(vcore_ctl_instance_at(ctl, 0, &i), -ENOENT);
	cr_assert_eq(vcore_ctl_eni_at(ctl, 0, &e), -ENOENT);
}

/* ---- life cycle ---- */

CORE_TEST(world, create_fails_cleanly_without_memory)
{
	harness.fail_alloc_in = 1;
	cr_assert_null(vcore_ctl_create(&fake_ctl_ops, &fake, ctl_fab));
}

CORE_TEST(world, destroy_unplugs_and_frees_everything)
{
	default_world();
	add_subnet("subnet-b", "vpc-default", ip4(172, 31, 16, 0), 20, "us-east-1a");
	add_vpc("vpc-x", ip4(10, 0, 0, 0), 16);
	add_subnet("subnet-x", "vpc-x", ip4(10, 0, 0, 0), 24, "us-east-1a");
	add_instance("i2", &ns2, "subnet-b");
	add_instance("i3", &ns3, "subnet-x");
	attach(add_eni(eni_spec("subnet-default")).id, "i1", 1);
	attach(add_eni(eni_spec("subnet-b")).id, "i1", 7);
	attach(add_eni(eni_spec("subnet-x")).id, "i2", 31);
	add_eni(eni_spec("subnet-b"));		// available, never attached
	cr_assert_eq(fake_live_plugs(), 6);

	ctl_release();
	cr_assert_eq(fake_live_plugs(), 0, "still plugged after destroy");
	cr_assert_eq(fake.unplugs, fake.plugs);
	cr_assert_eq(fake.releases, 3, "every namespace is given back once");
	cr_assert_eq(harness.live_allocs, 0, "%ld allocation(s) leaked", harness.live_allocs);
}

CORE_TEST(world, destroy_null_is_a_no_op)
{
	vcore_ctl_destroy(nullptr);
}

/* ---- deleting VPCs and subnets ---- */

CORE_TEST(world, vpc_del_refused_while_it_has_subnets)
{
	add_vpc("vpc-x", ip4(10, 0, 0, 0), 16);
	add_subnet("subnet-x", "vpc-x", ip4(10, 0, 1, 0), 24, "us-east-1a");
	assert_refused(-EBUSY, [](vcore_err *err) {
		return vcore_ctl_vpc_del(ctl, "vpc-x", err);
	}, "vpc-x", "subnet-x");
	assert_refused(-ENOENT, [](vcore_err *err) {
		return vcore_ctl_vpc_del(ctl, "vpc-nope", err);
	}, "vpc-nope");
}

CORE_TEST(world, subnet_del_refused_while_enis_live_in_it)
{
	vcore_err err = {};
	vcore_eni_info e;

	add_vpc("vpc-x", ip4(10, 0, 0, 0), 16);
	add_subnet("subnet-x", "vpc-x", ip4(10, 0, 1, 0), 24, "us-east-1a");
	e = add_eni(eni_spec("subnet-x"));
	assert_refused(-EBUSY, [](vcore_err *err) {
		return vcore_ctl_subnet_del(ctl, "subnet-x", err);
	}, "subnet-x", "still has network interface");
	cr_assert_eq(vcore_ctl_eni_del(ctl, e.id, &err), 0, "%s", err.msg);
	cr_assert_eq(vcore_ctl_subnet_del(ctl, "subnet-x", &err), 0, "%s", err.msg);
	cr_assert_eq(vcore_ctl_vpc_del(ctl, "vpc-x", &err), 0, "%s", err.msg);
	cr_assert_eq(count_vpcs(), 0);
	cr_assert_eq(count_subnets(), 0);
}

CORE_TEST(world, subnet_add_publishes_its_local_route_and_del_withdraws_it)
{
	static vcore_fabric_subnet_desc table;
	vcore_err err = {};

	add_vpc("vpc-x", ip4(10, 0, 0, 0), 16);
	add_subnet("subnet-x", "vpc-x", ip4(10, 0, 1, 0), 24, "us-east-1a");
	// The first subnet of this world: key 1, in the fabric the control plane was given.
	cr_assert_eq(fabric_table(1, &table), 0, "the table is in the fabric");
	cr_assert_eq(table.route_count, 1);
	cr_assert_eq(table.routes[0].addr, ip4(10, 0, 0, 0));
	cr_assert_eq(table.routes[0].prefixlen, 16);
	cr_assert_eq(table.routes[0].target, VCORE_ROUTE_LOCAL);
	cr_assert_neq(table.vpc_key, 0);
	cr_assert_eq(vcore_ctl_subnet_del(ctl, "subnet-x", &err), 0, "%s", err.msg);
	cr_assert_eq(fabric_table(1, &table), -ENOENT, "and gone with the subnet");
}

CORE_TEST(world, subnet_add_refused_when_the_fabric_refuses)
{
	add_vpc("vpc-x", ip4(10, 0, 0, 0), 16);
	// The subnet, the control plane's desc, then the fabric's table.
	harness.fail_alloc_in = 3;
	assert_refused(-ENOMEM, [](vcore_err *err) {
		return vcore_ctl_subnet_add(ctl, "subnet-x", "vpc-x", ip4(10, 0, 1, 0), 24,
					    "us-east-1a", err);
	}, "VPC router", "subnet-x", "out of memory");
}
