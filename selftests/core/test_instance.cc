// SPDX-License-Identifier: GPL-2.0
// test_instance.cc - instances: a primary ENI at index 0, deletion (core/control/instance.cc).
#include "ctl_fixture.h"

static void setup(void)
{
	ctl_setup();
	default_world();
	// A second AZ for the instances that need one.
	add_subnet("subnet-b", "vpc-default", ip4(172, 31, 16, 0), 20, "us-east-1b");
}

TestSuite(instance, .init = setup, .fini = harness_fini);

CORE_TEST(instance, add_reports_the_instance)
{
	vcore_instance_info i = add_instance("i2", &ns2, "subnet-b");
	vcore_eni_info e;

	cr_assert_str_eq(i.name, "i2");
	cr_assert_str_eq(i.subnet_id, "subnet-b");
	cr_assert_str_eq(i.az, "us-east-1b");
	cr_assert_eq(i.eni_count, 1);
	cr_assert_eq(i.cookie, &ns2);
	e = get_eni(i.primary_eni_id);
	cr_assert_eq(e.private_ip, ip4(172, 31, 16, 4));
	cr_assert_str_eq(e.instance, "i2");
	cr_assert_eq(e.device_index, 0);
	cr_assert_eq(fake.last_plug.instance_cookie, &ns2);
	cr_assert_eq(fake.last_plug.device_index, 0);
	cr_assert_str_eq(fake.last_plug.eni_id, i.primary_eni_id);
	// Same answer from a lookup.
	e = get_eni(get_instance("i2").primary_eni_id);
	cr_assert_str_eq(e.id, i.primary_eni_id);
}

CORE_TEST(instance, the_port_names_its_regions_dns_domain)
{
	// DHCP's option 15 (the port's dns_domain): EC2's private name domain of the zone's region.
	add_instance("i2", &ns2, "subnet-b");
	cr_assert_str_eq(fake.last_plug.port.dns_domain, "ec2.internal");
	add_vpc("vpc-w", ip4(10, 8, 0, 0), 16);
	add_subnet("subnet-w", "vpc-w", ip4(10, 8, 0, 0), 24, "eu-west-1b");
	add_instance("i3", &ns3, "subnet-w");
	cr_assert_str_eq(fake.last_plug.port.dns_domain, "eu-west-1.compute.internal");
}

CORE_TEST(instance, explicit_primary_ip)
{
	vcore_instance_info i = add_instance("i2", &ns2, "subnet-default", ip4(172, 31, 9, 9));

	cr_assert_eq(get_eni(i.primary_eni_id).private_ip, ip4(172, 31, 9, 9));
	cr_assert_eq(fake.last_plug.port.ip, ip4(172, 31, 9, 9));
}

CORE_TEST(instance, refused_primary_ip)
{
	vcore_instance_info i;

	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_instance_add(ctl, "i2", &ns2, "subnet-default", ip4(172, 31, 0, 1), nullptr,
					      &i, err);
	}, "172.31.0.1", "reserved");
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_instance_add(ctl, "i2", &ns2, "subnet-default", ip4(172, 31, 16, 4), nullptr,
					      &i, err);
	}, "172.31.16.4", "not in subnet subnet-default");
	assert_refused(-EADDRINUSE, [&](vcore_err *err) {
		return vcore_ctl_instance_add(ctl, "i2", &ns2, "subnet-default", ip4(172, 31, 0, 4), nullptr,
					      &i, err);
	}, "172.31.0.4", "already assigned");
}

CORE_TEST(instance, duplicate_name)
{
	vcore_instance_info i;

	assert_refused(-EEXIST, [&](vcore_err *err) {
		return vcore_ctl_instance_add(ctl, "i1", &ns2, "subnet-default", 0, nullptr, &i, err);
	}, "\"i1\"", "already exists");
}

CORE_TEST(instance, same_namespace_twice)
{
	vcore_instance_info i;

	assert_refused(-EEXIST, [&](vcore_err *err) {
		return vcore_ctl_instance_add(ctl, "i2", &ns1, "subnet-default", 0, nullptr, &i, err);
	}, "already instance \"i1\"");
}

CORE_TEST(instance, invalid_names)
{
	static const char *const bad[] = {
		"", ".", "..", "a/b", "/", "i1/",
		"n234567890123456789012345678901234567890123456789012345678901234",	// 64
	};
	vcore_instance_info i;

	cr_assert_eq(strlen(bad[6]), 64);
	for (const char *name : bad)
		assert_refused(-EINVAL, [&](vcore_err *err) {
			return vcore_ctl_instance_add(ctl, name, &ns2, "subnet-default", 0, nullptr, &i, err);
		}, "invalid instance name");
}

CORE_TEST(instance, unusual_but_valid_names)
{
	static const char *const good[] = {
		"n23456789012345678901234567890123456789012345678901234567890123",	// 63
		"...", ".hidden", "Web Server", "i-0abc_DEF.x",
	};
	static int cookies[5];

	cr_assert_eq(strlen(good[0]), 63);
	for (int n = 0; n < 5; n++) {
		vcore_instance_info i = add_instance(good[n], &cookies[n], "subnet-default");

		cr_assert_str_eq(i.name, good[n]);
	}
	cr_assert_eq(count_instances(), 6);
}

CORE_TEST(instance, unknown_subnet)
{
	vcore_instance_info i;

	assert_refused(-ENOENT, [&](vcore_err *err) {
		return vcore_ctl_instance_add(ctl, "i2", &ns2, "subnet-nope", 0, nullptr, &i, err);
	}, "subnet \"subnet-nope\" does not exist");
}

CORE_TEST(instance, plug_failure_leaves_nothing_behind)
{
	vcore_instance_info i;
	unsigned int plugs = fake.plugs;

	fake_fail_next_plug(-ENOSPC, "no free PCI slot on the instance bus");
	assert_refused(-ENOSPC, [&](vcore_err *err) {
		return vcore_ctl_instance_add(ctl, "i2", &ns2, "subnet-default", 0, nullptr, &i, err);
	}, "no free PCI slot on the instance bus");
	cr_assert_eq(fake.plugs, plugs + 1, "plug was tried");
	cr_assert_eq(fake.releases, 0, "the namespace is still the caller's");
	// The name, the namespace and the address are all free again.
	i = add_instance("i2", &ns2, "subnet-default");
	cr_assert_eq(get_eni(i.primary_eni_id).private_ip, ip4(172, 31, 0, 5));
}

CORE_TEST(instance, out_of_memory_leaves_nothing_behind)
{
	vcore_instance_info i;

	// First allocation: the primary ENI; second: the instance.
	for (unsigned long nth = 1; nth <= 2; nth++) {
		harness.fail_alloc_in = nth;
		assert_refused(-ENOMEM, [&](vcore_err *err) {
			return vcore_ctl_instance_add(ctl, "i2", &ns2, "subnet-default", 0, nullptr, &i, err);
		}, "out of memory");
		harness.fail_alloc_in = 0;
	}
	add_instance("i2", &ns2, "subnet-default");
}

CORE_TEST(instance, get_unknown)
{
	assert_refused(-ENOENT, [&](vcore_err *err) {
		vcore_instance_info i;

		return vcore_ctl_instance_get(ctl, "i-nope", &i, err);
	}, "instance \"i-nope\" does not exist");
}

CORE_TEST(instance, eni_count_follows_attachments)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-default"));
	vcore_eni_info b = add_eni(eni_spec("subnet-default"));

	attach(a.id, "i1", 3);
	cr_assert_eq(get_instance("i1").eni_count, 2);
	attach(b.id, "i1", 31);
	cr_assert_eq(get_instance("i1").eni_count, 3);
	detach(a.id);
	cr_assert_eq(get_instance("i1").eni_count, 2);
}

CORE_TEST(instance, del_keeps_secondaries_detached)
{
	vcore_instance_info i = get_instance("i1");
	vcore_eni_info a = add_eni(eni_spec("subnet-default"));
	vcore_eni_info b = add_eni(eni_spec("subnet-default"));
	vcore_eni_info spare = add_eni(eni_spec("subnet-default"));
	void *cookie_a, *cookie_b, *cookie_primary = get_eni(i.primary_eni_id).plug_cookie;
	vcore_err err = {};

	cookie_a = attach(a.id, "i1", 1).plug_cookie;
	cookie_b = attach(b.id, "i1", 5).plug_cookie;
	cr_assert_eq(fake_live_plugs(), 3);

	cr_assert_eq(vcore_ctl_instance_del(ctl, "i1", &err), 0, "%s", err.msg);
	cr_assert_eq(fake.unplugs, 3);
	cr_assert_eq(fake_live_plugs(), 0, "unplugged: %p %p %p", cookie_a, cookie_b,
		     cookie_primary);
	cr_assert_eq(fake.releases, 1, "the namespace is released once");
	cr_assert_eq(fake.last_release, &ns1);
	cr_assert_eq(count_instances(), 0);
	cr_assert_not(eni_exists(i.primary_eni_id), "the primary ENI dies with its instance");
	for (const vcore_eni_info *e : { &a, &b, &spare }) {
		vcore_eni_info now = get_eni(e->id);

		cr_assert_eq(now.attached, 0, "%s still attached", e->id);
		cr_assert_str_empty(now.instance);
		cr_assert_eq(now.device_index, 0);
		cr_assert_null(now.plug_cookie);
		cr_assert_eq(now.private_ip, e->private_ip);
	}
	cr_assert_eq(count_enis(), 3);
}

CORE_TEST(instance, del_unknown)
{
	assert_refused(-ENOENT, [&](vcore_err *err) {
		return vcore_ctl_instance_del(ctl, "i-nope", err);
	}, "instance \"i-nope\" does not exist");
}

CORE_TEST(instance, del_then_reuse)
{
	vcore_instance_info i;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_instance_del(ctl, "i1", &err), 0, "%s", err.msg);
	// Same name, same namespace, and the primary's address is free again.
	i = add_instance("i1", &ns1, "subnet-default");
	cr_assert_eq(get_eni(i.primary_eni_id).private_ip, ip4(172, 31, 0, 4));
	cr_assert_eq(fake.releases, 1);
}

CORE_TEST(instance, iterate_in_insertion_order)
{
	static const char *const expect[] = { "i1", "i3", "i4" };
	static int ns4;
	vcore_instance_info i;
	vcore_err err = {};

	add_instance("i2", &ns2, "subnet-b");
	add_instance("i3", &ns3, "subnet-default");
	add_instance("i4", &ns4, "subnet-b");
	cr_assert_eq(count_instances(), 4);
	cr_assert_eq(vcore_ctl_instance_del(ctl, "i2", &err), 0, "%s", err.msg);
	for (uint32_t n = 0; n < 3; n++) {
		cr_assert_eq(vcore_ctl_instance_at(ctl, n, &i), 0);
		cr_assert_str_eq(i.name, expect[n]);
	}
	cr_assert_eq(vcore_ctl_instance_at(ctl, 3, &i), -ENOENT);
}

CORE_TEST(instance, metadata_options_default_as_ec2s)
{
	vcore_instance_info i = add_instance("i2", &ns2, "subnet-b");

	cr_assert_eq(i.md.tokens, VNITRO_MD_TOKENS_OPTIONAL);
	cr_assert_eq(i.md.hop_limit, 1);
	cr_assert_eq(i.md.endpoint, 1);
}

CORE_TEST(instance, metadata_options_set_only_what_is_given)
{
	vcore_md_changes c = { VNITRO_MD_TOKENS_REQUIRED, -1, -1 };
	vcore_instance_info i;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_instance_set(ctl, "i1", &c, &i, &err), 0, "%s", err.msg);
	cr_assert_eq(i.md.tokens, VNITRO_MD_TOKENS_REQUIRED);
	cr_assert_eq(i.md.hop_limit, 1);
	c = { -1, 64, 0 };
	cr_assert_eq(vcore_ctl_instance_set(ctl, "i1", &c, &i, &err), 0, "%s", err.msg);
	i = get_instance("i1");
	cr_assert_eq(i.md.tokens, VNITRO_MD_TOKENS_REQUIRED);
	cr_assert_eq(i.md.hop_limit, 64);
	cr_assert_eq(i.md.endpoint, 0);
}

CORE_TEST(instance, metadata_options_refused_change_nothing)
{
	static const vcore_md_changes bad[] = {
		{ VNITRO_MD_TOKENS_REQUIRED, 0, -1 },	// hop limit below 1
		{ VNITRO_MD_TOKENS_REQUIRED, 65, -1 },	// above 64
		{ 2, -1, 1 },				// no such tokens setting
		{ VNITRO_MD_TOKENS_REQUIRED, 3, 2 },	// endpoint neither 0 nor 1
		{ -1, -1, -1 },				// nothing
	};
	static const char *const words[] = { "1 to 64", "1 to 64", "optional or required",
					     "endpoint", "nothing to set" };
	vcore_instance_info i;

	for (size_t n = 0; n < sizeof(bad) / sizeof(bad[0]); n++)
		assert_refused(-EINVAL, [&](vcore_err *err) {
			return vcore_ctl_instance_set(ctl, "i1", &bad[n], &i, err);
		}, words[n]);
	i = get_instance("i1");
	cr_assert_eq(i.md.tokens, VNITRO_MD_TOKENS_OPTIONAL);
	cr_assert_eq(i.md.hop_limit, 1);
	cr_assert_eq(i.md.endpoint, 1);
	assert_refused(-ENOENT, [&](vcore_err *err) {
		return vcore_ctl_instance_set(ctl, "nope", &bad[0], &i, err);
	}, "nope");
}

/* ---- bandwidth allowances and the world's settings (core/control/settings.cc) ---- */

static vcore_allowance_desc allowance_of_port(void)
{
	vcore_allowance_desc d = {};

	cr_assert_neq(fake.last_plug.port.allowance_key, 0u, "the port names its allowances");
	cr_assert_eq(vcore_fabric_allowance_get(ctl_fab, fake.last_plug.port.allowance_key, &d), 0);
	return d;
}

// EC2's figures per network card, in bits per second, divided by the rate scale.
CORE_TEST(instance, an_instance_gets_its_types_allowances)
{
	vcore_allowance_desc d;
	vcore_world_settings w;

	vcore_ctl_world_get(ctl, &w);
	cr_assert_eq(w.rate_scale, 1u);
	cr_assert_eq(w.burst_s, 300u);
	add_instance("i2", &ns2, "subnet-b", 0, "t3.micro");
	d = allowance_of_port();
	cr_assert_eq(d.cards, 1u);
	cr_assert_eq(d.baseline_bps, 64000000ull, "t3.micro: 0.064 Gbps baseline");
	cr_assert_eq(d.peak_bps, 5000000000ull, "up to 5 Gbps");
	cr_assert_eq(d.burst_s, 300u);
	add_instance("i3", &ns3, "subnet-b", 0, "p5.48xlarge");
	d = allowance_of_port();
	cr_assert_eq(d.cards, 32u);
	cr_assert_eq(d.baseline_bps, 100000000000ull, "3200 Gbps over 32 cards");
	cr_assert_eq(d.peak_bps, d.baseline_bps);
	cr_assert_eq(fake.last_plug.port.network_card, 0u);
}

CORE_TEST(instance, the_rate_scale_divides_every_instances_allowances)
{
	vcore_world_settings c = {1000, 0}, w;
	vcore_allowance_desc d;
	vcore_err err = {};
	uint32_t key;

	add_instance("i2", &ns2, "subnet-b", 0, "t3.micro");
	key = fake.last_plug.port.allowance_key;
	cr_assert_eq(vcore_ctl_world_set(ctl, &c, &w, &err), 0, "%s", err.msg);
	cr_assert_eq(w.rate_scale, 1000u);
	cr_assert_eq(w.burst_s, 300u, "unchanged");
	cr_assert_eq(vcore_fabric_allowance_get(ctl_fab, key, &d), 0);
	cr_assert_eq(d.baseline_bps, 64000ull);
	cr_assert_eq(d.peak_bps, 5000000ull, "5 Gbps is 5 Mbit/s at 1/1000");
	// A new instance gets the scaled rates; burst seconds change every one.
	c = {0, 2};
	cr_assert_eq(vcore_ctl_world_set(ctl, &c, &w, &err), 0, "%s", err.msg);
	cr_assert_eq(w.rate_scale, 1000u);
	cr_assert_eq(vcore_fabric_allowance_get(ctl_fab, key, &d), 0);
	cr_assert_eq(d.burst_s, 2u);
	add_instance("i3", &ns3, "subnet-b", 0, "c5n.18xlarge");
	d = allowance_of_port();
	cr_assert_eq(d.peak_bps, 100000000ull);
	cr_assert_eq(d.burst_s, 2u);
	// The scale floors at 8 bit/s: t3.micro's 64 Mbit/s at 1/1000000.
	c = {VNITRO_RATE_SCALE_MAX, 0};
	cr_assert_eq(vcore_ctl_world_set(ctl, &c, &w, &err), 0, "%s", err.msg);
	cr_assert_eq(vcore_fabric_allowance_get(ctl_fab, key, &d), 0);
	cr_assert_eq(d.baseline_bps, 64ull);
	// The instance goes, and its allowances with it.
	cr_assert_eq(vcore_ctl_instance_del(ctl, "i2", &err), 0, "%s", err.msg);
	cr_assert_eq(vcore_fabric_allowance_get(ctl_fab, key, &d), -ENOENT);
}

CORE_TEST(instance, world_set_refuses_out_of_range_and_changes_nothing)
{
	vcore_world_settings w, too_fast = {VNITRO_RATE_SCALE_MAX + 1, 2};
	vcore_world_settings too_long = {10, 3601}, nothing = {0, 0};

	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_world_set(ctl, &too_fast, &w, err);
	}, "rate scale 1000001 is out of range: 1 to 1000000");
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_world_set(ctl, &too_long, &w, err);
	}, "burst seconds 3601 is out of range: 1 to 3600");
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_world_set(ctl, &nothing, &w, err);
	}, "nothing to set");
	vcore_ctl_world_get(ctl, &w);
	cr_assert_eq(w.rate_scale, 1u);
	cr_assert_eq(w.burst_s, 300u);
}

// EC2: through an internet gateway, 5 Gbps below 32 vCPUs; half the bandwidth (at least
// 5 Gbps) from 32 on; C8in and its like their baseline.
CORE_TEST(instance, the_internet_gateways_limit_follows_the_vcpus)
{
	vcore_allowance_desc d;

	add_instance("i2", &ns2, "subnet-b", 0, "m5.large");
	d = allowance_of_port();
	cr_assert_eq(d.internet_bps, 5000000000ull, "2 vCPUs, up to 10 Gbps: 5 Gbps");
	add_instance("i3", &ns3, "subnet-b", 0, "t3.micro");
	d = allowance_of_port();
	cr_assert_eq(d.internet_bps, 0u, "up to 5 Gbps: its own allowance is the limit");
	add_vpc("vpc-x", ip4(10, 9, 0, 0), 16);
	add_subnet("subnet-x", "vpc-x", ip4(10, 9, 0, 0), 24, "us-east-1a");
	static int ns4, ns5, ns6;
	add_instance("i4", &ns4, "subnet-x", 0, "c5n.18xlarge");
	d = allowance_of_port();
	cr_assert_eq(d.internet_bps, 50000000000ull, "72 vCPUs, 100 Gbps: 50");
	add_instance("i5", &ns5, "subnet-x", 0, "c8in.48xlarge");
	d = allowance_of_port();
	cr_assert_eq(d.internet_bps, 0u, "C8in: its baseline");
	add_instance("i6", &ns6, "subnet-x", 0, "p5.48xlarge");
	d = allowance_of_port();
	cr_assert_eq(d.internet_bps, 1600000000000ull / 1000 * 1000, "3200 Gbps: 1600");
}

// Another host's instance (cluster.md): no namespace here, its ENIs remote ports.
static int add_spec(const char *name, void *cookie, uint32_t host, const char *eni_id,
		    const uint8_t *mac, vcore_instance_info *out, vcore_err *err)
{
	vcore_instance_spec spec = {};

	spec.name = name;
	spec.subnet_id = "subnet-b";
	spec.host = host;
	if (eni_id)
		snprintf(spec.eni_id, sizeof(spec.eni_id), "%s", eni_id);
	if (mac)
		memcpy(spec.mac, mac, 6);
	return vcore_ctl_instance_add_spec(ctl, &spec, cookie, out, err);
}

CORE_TEST(instance, another_hosts_instance)
{
	const uint8_t mac[6] = { 0x02, 0x0b, 0, 0, 0, 0x01 };
	unsigned long releases = fake.releases;
	vcore_instance_info i;
	vcore_err err = {};
	vcore_eni_info e;

	cr_assert_eq(add_spec("db", nullptr, ip4(192, 168, 56, 2), "eni-0b1", mac, &i, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(i.host, ip4(192, 168, 56, 2));
	cr_assert_null(i.cookie);
	cr_assert_str_eq(i.primary_eni_id, "eni-0b1", "the primary ENI's id as given");
	e = get_eni("eni-0b1");
	cr_assert_arr_eq(e.mac, mac, 6, "and its MAC");
	cr_assert_eq(fake.last_plug.host, ip4(192, 168, 56, 2));
	cr_assert_null(fake.last_plug.instance_cookie);
	cr_assert_eq(fake.last_plug.port.remote_host, ip4(192, 168, 56, 2));
	cr_assert_eq(fake.last_plug.port.allowance_key, 0u, "its allowances are its host's");
	cr_assert_neq(fake.last_plug.port.vni, 0u);
	cr_assert_leq(fake.last_plug.port.vni, (uint32_t)VCORE_VNI_MAX);
	cr_assert_eq(vcore_ctl_instance_del(ctl, "db", &err), 0, "%s", err.msg);
	cr_assert_eq(fake.releases, releases, "no namespace to release");
}

CORE_TEST(instance, every_host_gives_a_vpc_the_same_vni)
{
	vcore_instance_info i;
	vcore_err err = {};
	uint32_t vni;

	add_instance("i2", &ns2, "subnet-b");
	vni = fake.last_plug.port.vni;
	cr_assert_eq(fake.last_plug.port.remote_host, 0u);
	cr_assert_eq(add_spec("db", nullptr, ip4(10, 0, 0, 2), nullptr, nullptr, &i, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(fake.last_plug.port.vni, vni, "a VPC's VNI comes from its id alone");
}

CORE_TEST(instance, another_hosts_instance_refused)
{
	vcore_instance_info i;
	vcore_err err = {};

	cr_assert_eq(add_spec("db", &ns2, ip4(192, 168, 56, 2), nullptr, nullptr, &i, &err), -EINVAL);
	cr_assert_str_eq(err.msg, "an instance of another host has no network namespace here");
	cr_assert_eq(add_spec("db", nullptr, 0, nullptr, nullptr, &i, &err), -EINVAL);
	cr_assert_str_eq(err.msg, "an instance of this host needs its network namespace");
	cr_assert_eq(add_spec("db", nullptr, ip4(127, 0, 0, 1), nullptr, nullptr, &i, &err), -EINVAL);
	cr_assert_str_eq(err.msg, "host 127.0.0.1 is no host's address: give the underlay IPv4 "
				  "address of the host the instance runs on");
	cr_assert_eq(add_spec("db", nullptr, ip4(224, 0, 0, 1), nullptr, nullptr, &i, &err), -EINVAL);
	cr_assert_eq(add_spec("db", nullptr, ip4(10, 0, 0, 2), "eni-bad!", nullptr, &i, &err),
		     -EINVAL, "the primary ENI's id is checked as eni add checks it");
	cr_assert_eq(vcore_ctl_instance_get(ctl, "db", &i, &err), -ENOENT, "nothing was added");
}
