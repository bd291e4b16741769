// SPDX-License-Identifier: GPL-2.0
// test_eni.cc - ENIs: creation, addressing, attach/detach/delete rules (core/control/eni.cc).
#include "ctl_fixture.h"

/*
 * vpc-default 172.31.0.0/16
 *   subnet-default 172.31.0.0/20  us-east-1a  i1 (primary .4), i2 (primary .5)
 *   subnet-b       172.31.16.0/20 us-east-1b
 *   subnet-c       172.31.32.0/20 us-east-1a
 */
static void setup(void)
{
	ctl_setup();
	default_world();
	add_subnet("subnet-b", "vpc-default", ip4(172, 31, 16, 0), 20, "us-east-1b");
	add_subnet("subnet-c", "vpc-default", ip4(172, 31, 32, 0), 20, "us-east-1a");
	add_instance("i2", &ns2, "subnet-default");
}

TestSuite(eni, .init = setup, .fini = harness_fini);

static bool is_lower_hex(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

// A security group of vpc-default, which ENI_SET can then name.
static void add_group(const char *id)
{
	vcore_sg_info g;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_sg_add(ctl, id, "vpc-default", id + 3, "", &g, &err), 0, "%s",
		     err.msg);
}

static const char *primary_of(const char *instance)
{
	static vcore_instance_info i;

	i = get_instance(instance);
	return i.primary_eni_id;
}

/* ---- creation ---- */

CORE_TEST(eni, add_reports_an_available_eni)
{
	vcore_eni_info e = add_eni(eni_spec("subnet-b"));

	cr_assert_str_eq(e.subnet_id, "subnet-b");
	cr_assert_str_eq(e.vpc_id, "vpc-default");
	cr_assert_eq(e.private_ip, ip4(172, 31, 16, 4));
	cr_assert_eq(e.type, VNITRO_ENI_TYPE_INTERFACE);
	cr_assert_eq(e.source_dest_check, 1);
	cr_assert_eq(e.attached, 0);
	cr_assert_str_empty(e.instance);
	cr_assert_eq(e.device_index, 0);
	cr_assert_null(e.plug_cookie);
	cr_assert(mac_is_local_unicast(e.mac));
	cr_assert_eq(fake.plugs, 2, "adding an ENI plugs nothing");
}

CORE_TEST(eni, generated_id_format)
{
	for (int n = 0; n < 8; n++) {
		vcore_eni_info e = add_eni(eni_spec("subnet-default"));

		cr_assert_eq(strlen(e.id), 4 + 17, "\"%s\"", e.id);
		cr_assert_eq(strncmp(e.id, "eni-", 4), 0, "\"%s\"", e.id);
		cr_assert(is_lower_hex(e.id + 4), "\"%s\"", e.id);
	}
	cr_assert(is_lower_hex(primary_of("i1") + 4));
}

CORE_TEST(eni, generated_ids_and_macs_are_unique)
{
	vcore_eni_info e[16];

	for (int n = 0; n < 16; n++) {
		e[n] = add_eni(eni_spec("subnet-b"));
		for (int m = 0; m < n; m++) {
			cr_assert_str_neq(e[n].id, e[m].id);
			cr_assert_neq(memcmp(e[n].mac, e[m].mac, 6), 0);
		}
	}
}

CORE_TEST(eni, generation_is_reproducible_per_seed)
{
	vcore_eni_info first, again, other;
	vcore_err err = {};

	harness_seed(42);
	first = add_eni(eni_spec("subnet-b"));
	cr_assert_eq(vcore_ctl_eni_del(ctl, first.id, &err), 0, "%s", err.msg);
	harness_seed(42);
	again = add_eni(eni_spec("subnet-b"));
	cr_assert_str_eq(again.id, first.id);
	cr_assert_arr_eq(again.mac, first.mac, 6);
	harness_seed(43);
	other = add_eni(eni_spec("subnet-b"));
	cr_assert_str_neq(other.id, first.id);
	cr_assert_neq(memcmp(other.mac, first.mac, 6), 0);
}

CORE_TEST(eni, generated_mac_is_forced_local_unicast)
{
	static const uint8_t draws[12] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };	// then zeros
	static const uint8_t from_ones[6] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t from_zeros[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x00 };
	vcore_eni_info a, b;

	// Only the two low bits of the first octet are forced: multicast off, local on.
	harness_random_script(6, draws, sizeof(draws));
	a = add_eni(eni_spec("subnet-b"));
	b = add_eni(eni_spec("subnet-b"));
	cr_assert_arr_eq(a.mac, from_ones, 6);
	cr_assert_arr_eq(b.mac, from_zeros, 6);
}

CORE_TEST(eni, generated_mac_collision_is_retried)
{
	static const uint8_t mac_x[6] = { 0x02, 0x01, 0x02, 0x03, 0x04, 0x05 };
	static const uint8_t mac_y[6] = { 0x02, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e };
	uint8_t script[6 + 6];
	vcore_eni_info e;

	add_eni(eni_spec("subnet-b", 0, "", mac_x));
	memcpy(script, mac_x, 6);		// taken: must be drawn again
	memcpy(script + 6, mac_y, 6);
	harness_random_script(6, script, sizeof(script));
	e = add_eni(eni_spec("subnet-b"));
	cr_assert_arr_eq(e.mac, mac_y, 6);
}

CORE_TEST(eni, generated_id_collision_is_retried)
{
	vcore_eni_info a, b;

	// Same seed, same first draw: b's first id is a's and must be drawn again.
	harness_seed(7);
	a = add_eni(eni_spec("subnet-b"));
	harness_seed(7);
	b = add_eni(eni_spec("subnet-b"));
	cr_assert_str_neq(a.id, b.id);
	cr_assert(eni_exists(a.id));
	cr_assert(eni_exists(b.id));
}

CORE_TEST(eni, explicit_ids)
{
	static const char *const good[] = { "eni-0", "eni-0123abcd", "eni-0123456789abcdef0" };

	for (const char *id : good) {
		vcore_eni_info e = add_eni(eni_spec("subnet-b", 0, id));

		cr_assert_str_eq(e.id, id);
		cr_assert(eni_exists(id));
	}
}

CORE_TEST(eni, invalid_explicit_ids)
{
	static const char *const bad[] = {
		"eni-", "eni", "eni-xyz", "eni-ABC", "ENI-123", "eni_123", "eni--1", "en-123",
		"eni-0123456789abcdef01",	// 18 hex digits
		"vpc-0123", " eni-1", "eni-1 ",
	};

	for (const char *id : bad) {
		vcore_eni_spec spec = eni_spec("subnet-b", 0, id);
		vcore_eni_info out;

		assert_refused(-EINVAL, [&](vcore_err *err) {
			return vcore_ctl_eni_add(ctl, &spec, &out, err);
		}, "invalid network interface id", id);
	}
}

CORE_TEST(eni, duplicate_explicit_id)
{
	vcore_eni_spec spec = eni_spec("subnet-b", 0, "eni-abc");
	vcore_eni_info out;

	add_eni(spec);
	assert_refused(-EEXIST, [&](vcore_err *err) {
		return vcore_ctl_eni_add(ctl, &spec, &out, err);
	}, "eni-abc", "already exists");
	spec = eni_spec("subnet-b", 0, primary_of("i1"));
	assert_refused(-EEXIST, [&](vcore_err *err) {
		return vcore_ctl_eni_add(ctl, &spec, &out, err);
	}, "already exists");
}

CORE_TEST(eni, unknown_subnet)
{
	vcore_eni_spec spec = eni_spec("subnet-nope");
	vcore_eni_info out;

	assert_refused(-ENOENT, [&](vcore_err *err) {
		return vcore_ctl_eni_add(ctl, &spec, &out, err);
	}, "subnet \"subnet-nope\" does not exist");
}

CORE_TEST(eni, unknown_type)
{
	vcore_eni_spec spec = eni_spec("subnet-b", 0, "", nullptr, VNITRO_ENI_TYPE_EFA + 1);
	vcore_eni_info out;

	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_eni_add(ctl, &spec, &out, err);
	}, "type 2");
	cr_assert_eq(add_eni(eni_spec("subnet-b", 0, "", nullptr, VNITRO_ENI_TYPE_EFA)).type,
		     VNITRO_ENI_TYPE_EFA);
}

CORE_TEST(eni, out_of_memory)
{
	vcore_eni_spec spec = eni_spec("subnet-b");
	vcore_eni_info out;

	harness.fail_alloc_in = 1;
	assert_refused(-ENOMEM, [&](vcore_err *err) {
		return vcore_ctl_eni_add(ctl, &spec, &out, err);
	}, "out of memory");
}

/* ---- addresses ---- */

CORE_TEST(eni, addresses_are_allocated_lowest_first)
{
	vcore_eni_info e5, e6, e7, again;
	vcore_err err = {};

	// i1 has .4 and i2 .5.
	e5 = add_eni(eni_spec("subnet-default"));
	e6 = add_eni(eni_spec("subnet-default"));
	e7 = add_eni(eni_spec("subnet-default"));
	cr_assert_eq(e5.private_ip, ip4(172, 31, 0, 6));
	cr_assert_eq(e6.private_ip, ip4(172, 31, 0, 7));
	cr_assert_eq(e7.private_ip, ip4(172, 31, 0, 8));
	cr_assert_eq(vcore_ctl_eni_del(ctl, e6.id, &err), 0, "%s", err.msg);
	again = add_eni(eni_spec("subnet-default"));
	cr_assert_eq(again.private_ip, ip4(172, 31, 0, 7), "a freed address is reused first");
	cr_assert_eq(add_eni(eni_spec("subnet-default")).private_ip, ip4(172, 31, 0, 9));
	// Every subnet counts on its own.
	cr_assert_eq(add_eni(eni_spec("subnet-b")).private_ip, ip4(172, 31, 16, 4));
}

CORE_TEST(eni, explicit_address)
{
	cr_assert_eq(add_eni(eni_spec("subnet-default", ip4(172, 31, 15, 254))).private_ip,
		     ip4(172, 31, 15, 254));
	cr_assert_eq(add_eni(eni_spec("subnet-default", ip4(172, 31, 0, 6))).private_ip,
		     ip4(172, 31, 0, 6));
	// The allocator steps over addresses taken explicitly.
	cr_assert_eq(add_eni(eni_spec("subnet-default")).private_ip, ip4(172, 31, 0, 7));
}

CORE_TEST(eni, explicit_address_outside_the_subnet)
{
	static const uint32_t outside[] = {
		ip4(172, 31, 16, 4),	// subnet-b
		ip4(172, 31, 15, 255) + 1,
		ip4(10, 0, 0, 4),
	};

	for (uint32_t ip : outside) {
		vcore_eni_spec spec = eni_spec("subnet-default", ip);
		vcore_eni_info out;

		assert_refused(-EINVAL, [&](vcore_err *err) {
			return vcore_ctl_eni_add(ctl, &spec, &out, err);
		}, "is not in subnet subnet-default", "172.31.0.0/20");
	}
}

CORE_TEST(eni, reserved_addresses)
{
	static const uint32_t reserved[] = {
		ip4(172, 31, 0, 0),	// network
		ip4(172, 31, 0, 1),	// router
		ip4(172, 31, 0, 2),	// DNS
		ip4(172, 31, 0, 3),	// future use
		ip4(172, 31, 15, 255),	// broadcast
	};

	for (uint32_t ip : reserved) {
		vcore_eni_spec spec = eni_spec("subnet-default", ip);
		vcore_eni_info out;
		char dotted[16];

		snprintf(dotted, sizeof(dotted), "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
			 (ip >> 8) & 0xff, ip & 0xff);
		assert_refused(-EINVAL, [&](vcore_err *err) {
			return vcore_ctl_eni_add(ctl, &spec, &out, err);
		}, dotted, "reserved", "subnet-default");
	}
}

CORE_TEST(eni, address_in_use)
{
	vcore_eni_spec spec = eni_spec("subnet-default", ip4(172, 31, 0, 5));
	vcore_eni_info out;

	assert_refused(-EADDRINUSE, [&](vcore_err *err) {
		return vcore_ctl_eni_add(ctl, &spec, &out, err);
	}, "172.31.0.5", "already assigned", "subnet-default");
}

CORE_TEST(eni, small_subnet_runs_out)
{
	vcore_eni_spec spec = eni_spec("subnet-t");
	vcore_eni_info out;

	add_vpc("vpc-t", ip4(10, 0, 0, 0), 16);
	add_subnet("subnet-t", "vpc-t", ip4(10, 0, 0, 0), 28, "us-east-1a");
	// A /28 has 16 addresses, 5 of them reserved: .4 to .14.
	for (uint8_t host = 4; host <= 14; host++)
		cr_assert_eq(add_eni(spec).private_ip, ip4(10, 0, 0, host));
	assert_refused(-ENOSPC, [&](vcore_err *err) {
		return vcore_ctl_eni_add(ctl, &spec, &out, err);
	}, "subnet-t", "no free IPv4 address");
	cr_assert_eq(count_enis(), 2 + 11);
}

/* ---- MACs ---- */

CORE_TEST(eni, explicit_mac)
{
	static const uint8_t mac[6] = { 0x0a, 0x12, 0x34, 0x56, 0x78, 0x9a };
	vcore_eni_info e = add_eni(eni_spec("subnet-b", 0, "", mac));
	vcore_eni_info got = get_eni(e.id);

	cr_assert_arr_eq(e.mac, mac, 6);
	cr_assert_arr_eq(got.mac, mac, 6);
}

CORE_TEST(eni, explicit_multicast_mac)
{
	static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	for (const uint8_t *mac : { mcast, bcast }) {
		vcore_eni_spec spec = eni_spec("subnet-b", 0, "", mac);
		vcore_eni_info out;

		assert_refused(-EINVAL, [&](vcore_err *err) {
			return vcore_ctl_eni_add(ctl, &spec, &out, err);
		}, "MAC address must be unicast");
	}
}

CORE_TEST(eni, explicit_mac_reserved_for_vpc_routers)
{
	// The router of subnet key 1 and any other MAC under the VPC's prefix.
	static const uint8_t router[6] = { 0x02, 0x56, 0x4e, 0x00, 0x00, 0x01 };
	static const uint8_t other[6] = { 0x02, 0x56, 0x4e, 0xab, 0xcd, 0xef };

	for (const uint8_t *mac : { router, other }) {
		vcore_eni_spec spec = eni_spec("subnet-b", 0, "", mac);
		vcore_eni_info out;

		assert_refused(-EINVAL, [&](vcore_err *err) {
			return vcore_ctl_eni_add(ctl, &spec, &out, err);
		}, "02:56:4e", "reserved");
	}
}

CORE_TEST(eni, explicit_mac_in_use)
{
	vcore_eni_spec spec = eni_spec("subnet-b", 0, "", get_eni(primary_of("i1")).mac);
	vcore_eni_info out;

	// In any subnet: the fabric switches on MACs alone.
	assert_refused(-EADDRINUSE, [&](vcore_err *err) {
		return vcore_ctl_eni_add(ctl, &spec, &out, err);
	}, "MAC address is already used");
}

/* ---- attach ---- */

CORE_TEST(eni, attach_plugs_the_eni)
{
	vcore_eni_info e = add_eni(eni_spec("subnet-c", 0, "", nullptr, VNITRO_ENI_TYPE_EFA));
	vcore_eni_info out = attach(e.id, "i1", 1);
	vcore_eni_info got = get_eni(e.id);
	const vcore_plug_desc &d = fake.last_plug;
	vcore_subnet_info c;
	vcore_err err = {};

	cr_assert_eq(out.attached, 1);
	cr_assert_str_eq(out.instance, "i1");
	cr_assert_eq(out.device_index, 1);
	cr_assert_eq(out.plug_cookie, fake.last_plug_cookie);
	cr_assert_not_null(out.plug_cookie);
	cr_assert_eq(got.attached, 1);
	cr_assert_str_eq(got.instance, "i1");
	cr_assert_eq(got.device_index, 1);
	cr_assert_eq(got.plug_cookie, out.plug_cookie);
	cr_assert_eq(get_instance("i1").eni_count, 2);

	cr_assert_str_eq(d.eni_id, e.id);
	cr_assert_arr_eq(d.port.mac, e.mac, 6);
	cr_assert_eq(d.port.ip, ip4(172, 31, 32, 4));
	cr_assert_eq(vcore_ctl_subnet_get(ctl, "subnet-c", &c, &err), 0);
	cr_assert_eq(d.port.subnet_addr, c.cidr_addr);
	cr_assert_eq(d.port.subnet_prefixlen, 20);
	cr_assert_eq(d.instance_cookie, &ns1);
	cr_assert_eq(d.device_index, 1);
	cr_assert_eq(d.eni_type, VNITRO_ENI_TYPE_EFA);
	cr_assert_eq(d.efa_gen, VCORE_EFA_GEN_1, "i1 is a c5n.18xlarge: EFA v1");
}

CORE_TEST(eni, efa_generation_follows_the_instance_type)
{
	vcore_eni_info efa = add_eni(eni_spec("subnet-c", 0, "", nullptr, VNITRO_ENI_TYPE_EFA));
	vcore_eni_info ena = add_eni(eni_spec("subnet-c", 0, "", nullptr, VNITRO_ENI_TYPE_INTERFACE));
	int ns9;

	add_instance("big", &ns9, "subnet-c", 0, "p5.48xlarge");
	attach(efa.id, "big", 1);
	cr_assert_eq(fake.last_plug.efa_gen, VCORE_EFA_GEN_2, "p5: EFA v2, with RDMA read");
	attach_on(ena.id, "big", 1, 1);
	cr_assert_eq(fake.last_plug.efa_gen, VCORE_EFA_GEN_NONE, "an ENA-only ENI has no EFA");
	detach(ena.id);
	detach(efa.id);
}

CORE_TEST(eni, subnets_have_distinct_keys)
{
	uint32_t key_default, key_b, key_c;

	key_default = fake.last_plug.port.subnet_key;		// i2's primary
	attach(add_eni(eni_spec("subnet-c")).id, "i1", 1);
	key_c = fake.last_plug.port.subnet_key;
	add_instance("i3", &ns3, "subnet-b");
	key_b = fake.last_plug.port.subnet_key;
	cr_assert_neq(key_default, key_b);
	cr_assert_neq(key_default, key_c);
	cr_assert_neq(key_b, key_c);
	// Same subnet, same key.
	attach(add_eni(eni_spec("subnet-default")).id, "i1", 2);
	cr_assert_eq(fake.last_plug.port.subnet_key, key_default);
}

CORE_TEST(eni, plug_tells_the_fabric_the_vpc)
{
	vcore_port_desc first = fake.last_plug.port;	// i2's primary, vpc-default

	cr_assert_eq(first.kind, VCORE_PORT_ENI);
	cr_assert_eq(first.source_dest_check, 1, "on by default, as EC2 creates ENIs");
	cr_assert_neq(first.vpc_key, 0u);
	cr_assert_eq(first.vpc_addr, vpc_default_block);
	cr_assert_eq(first.vpc_prefixlen, 16);
	cr_assert_eq(first.secondary_count, 0u);
	// Another VPC, another key.
	add_vpc("vpc-two", ip4(10, 0, 0, 0), 16);
	add_subnet("subnet-two", "vpc-two", ip4(10, 0, 0, 0), 24, "us-east-1a");
	add_instance("i3", &ns3, "subnet-two");
	cr_assert_neq(fake.last_plug.port.vpc_key, first.vpc_key);
	cr_assert_eq(fake.last_plug.port.vpc_addr, ip4(10, 0, 0, 0));
	// Same VPC, same key.
	attach(add_eni(eni_spec("subnet-c")).id, "i2", 1);
	cr_assert_eq(fake.last_plug.port.vpc_key, first.vpc_key);
}

CORE_TEST(eni, attach_unknown_eni_or_instance)
{
	vcore_eni_info e = add_eni(eni_spec("subnet-default"));
	vcore_eni_info out;

	assert_refused(-ENOENT, [&](vcore_err *err) {
		return vcore_ctl_eni_attach(ctl, "eni-99", "i1", 0, 1, &out, err);
	}, "network interface \"eni-99\" does not exist");
	assert_refused(-ENOENT, [&](vcore_err *err) {
		return vcore_ctl_eni_attach(ctl, e.id, "i-nope", 0, 1, &out, err);
	}, "instance \"i-nope\" does not exist");
}

CORE_TEST(eni, attach_twice)
{
	vcore_eni_info e = add_eni(eni_spec("subnet-default"));
	vcore_eni_info out;

	attach(e.id, "i1", 1);
	assert_refused(-EBUSY, [&](vcore_err *err) {
		return vcore_ctl_eni_attach(ctl, e.id, "i2", 0, 2, &out, err);
	}, e.id, "already attached to instance i1 at device index 1");
	assert_refused(-EBUSY, [&](vcore_err *err) {
		return vcore_ctl_eni_attach(ctl, e.id, "i1", 0, 2, &out, err);
	}, "already attached");
}

CORE_TEST(eni, attach_index_out_of_range)
{
	vcore_eni_info e = add_eni(eni_spec("subnet-default"));
	vcore_eni_info out;

	for (uint32_t index : { 32u, 33u, 1000u, UINT32_MAX }) {
		char number[16];

		snprintf(number, sizeof(number), "%u", index);
		assert_refused(-ERANGE, [&](vcore_err *err) {
			return vcore_ctl_eni_attach(ctl, e.id, "i1", 0, index, &out, err);
		}, "device index", number, "0 to 31");
	}
	cr_assert_eq(attach(e.id, "i1", 31).device_index, 31, "31 is the last index");
}

CORE_TEST(eni, attach_to_a_used_index)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-default"));
	vcore_eni_info b = add_eni(eni_spec("subnet-default"));
	vcore_eni_info out;

	attach(a.id, "i1", 1);
	assert_refused(-EBUSY, [&](vcore_err *err) {
		return vcore_ctl_eni_attach(ctl, b.id, "i1", 0, 1, &out, err);
	}, "device index 1 of instance i1 is already used by", a.id);
	assert_refused(-EBUSY, [&](vcore_err *err) {
		return vcore_ctl_eni_attach(ctl, b.id, "i1", 0, 0, &out, err);
	}, "device index 0", primary_of("i1"));
	// The same index of another instance is free.
	attach(b.id, "i2", 1);
}

CORE_TEST(eni, network_cards_of_the_instance_type)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-c", 0, "", nullptr, VNITRO_ENI_TYPE_EFA));
	vcore_eni_info b = add_eni(eni_spec("subnet-c", 0, "", nullptr, VNITRO_ENI_TYPE_EFA));
	vcore_eni_info c = add_eni(eni_spec("subnet-c"));
	vcore_eni_info d = add_eni(eni_spec("subnet-default"));
	vcore_eni_info out;
	int ns9;

	// i1 is a c5n.18xlarge: one network card.
	assert_refused(-ERANGE, [&](vcore_err *err) {
		return vcore_ctl_eni_attach(ctl, d.id, "i1", 1, 1, &out, err);
	}, "network card 1 is out of range", "c5n.18xlarge has one network card (0)");
	add_instance("big", &ns9, "subnet-c", 0, "p5.48xlarge");
	assert_refused(-ERANGE, [&](vcore_err *err) {
		return vcore_ctl_eni_attach(ctl, a.id, "big", 32, 1, &out, err);
	}, "network card 32 is out of range", "p5.48xlarge has 32 network cards (0 to 31)");
	// EC2's P5 layout: the primary at card 0, an EFA at device index 1 of each other card.
	out = attach_on(a.id, "big", 1, 1);
	cr_assert_eq(out.network_card, 1);
	cr_assert_eq(out.device_index, 1);
	cr_assert_eq(fake.last_plug.network_card, 1);
	cr_assert_eq(fake.last_plug.device_index, 1);
	assert_refused(-EBUSY, [&](vcore_err *err) {
		return vcore_ctl_eni_attach(ctl, b.id, "big", 1, 1, &out, err);
	}, "network card 1, device index 1 of instance big is already used by", a.id);
	// Device index 1 of card 0 is another place; card 1 takes a second at index 0.
	attach_on(b.id, "big", 0, 1);
	attach_on(c.id, "big", 1, 0);
	assert_refused(-ENOSPC, [&](vcore_err *err) {
		return vcore_ctl_eni_attach(ctl, d.id, "big", 1, 2, &out, err);
	}, "p5.48xlarge supports at most 2 network interfaces per network card",
	   "network card 1 of instance big has 2");
	assert_refused(-EBUSY, [&](vcore_err *err) {
		return vcore_ctl_eni_del(ctl, a.id, err);
	}, "attached to instance big at network card 1, device index 1");
	// Device index 0 of card 1 is not the primary: it detaches.
	detach(c.id);
	detach(a.id);
	detach(b.id);
}

// EC2's MaximumEfaInterfaces: one EFA on a c5n.18xlarge, whatever its free device indexes.
CORE_TEST(eni, efas_per_instance_are_limited)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-default", 0, "", nullptr, VNITRO_ENI_TYPE_EFA));
	vcore_eni_info b = add_eni(eni_spec("subnet-default", 0, "", nullptr, VNITRO_ENI_TYPE_EFA));
	vcore_eni_info c = add_eni(eni_spec("subnet-default"));
	vcore_eni_info out;

	attach_on(a.id, "i1", 0, 1);
	assert_refused(-ENOSPC, [&](vcore_err *err) {
		return vcore_ctl_eni_attach(ctl, b.id, "i1", 0, 2, &out, err);
	}, "c5n.18xlarge supports at most 1 EFA (MaximumEfaInterfaces)",
	   "instance i1 has 1");
	attach_on(c.id, "i1", 0, 2);	// an ENA interface still fits
	detach(a.id);
	attach_on(b.id, "i1", 0, 1);	// the EFA's place is free again
	detach(b.id);
	detach(c.id);
}

CORE_TEST(eni, attach_across_availability_zones)
{
	vcore_eni_info e = add_eni(eni_spec("subnet-b"));
	vcore_eni_info out;

	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_eni_attach(ctl, e.id, "i1", 0, 1, &out, err);
	}, e.id, "availability zone us-east-1b", "instance i1 is in us-east-1a");
}

CORE_TEST(eni, attach_from_another_subnet_of_the_same_az)
{
	vcore_eni_info e = add_eni(eni_spec("subnet-c"));
	vcore_instance_info i;

	cr_assert_eq(attach(e.id, "i1", 4).device_index, 4);
	i = get_instance("i1");
	cr_assert_str_eq(i.subnet_id, "subnet-default", "an instance's subnet is its primary's");
}

CORE_TEST(eni, attach_plug_failure)
{
	vcore_eni_info e = add_eni(eni_spec("subnet-default"));
	vcore_eni_info out;

	fake_fail_next_plug(-EIO, "hot-plug failed");
	assert_refused(-EIO, [&](vcore_err *err) {
		return vcore_ctl_eni_attach(ctl, e.id, "i1", 0, 1, &out, err);
	}, "hot-plug failed");
	cr_assert_eq(get_instance("i1").eni_count, 1);
	// Neither the ENI nor the index is taken.
	cr_assert_eq(attach(e.id, "i1", 1).device_index, 1);
}

/* ---- detach ---- */

CORE_TEST(eni, detach_unplugs)
{
	vcore_eni_info e = add_eni(eni_spec("subnet-default"));
	void *cookie = attach(e.id, "i1", 3).plug_cookie;
	vcore_eni_info now;

	detach(e.id);
	cr_assert_eq(fake.last_unplug, cookie);
	cr_assert_eq(fake.unplugs, 1);
	now = get_eni(e.id);
	cr_assert_eq(now.attached, 0);
	cr_assert_str_empty(now.instance);
	cr_assert_eq(now.device_index, 0);
	cr_assert_null(now.plug_cookie);
	cr_assert_eq(now.private_ip, e.private_ip, "detaching keeps the address");
	cr_assert_arr_eq(now.mac, e.mac, 6);
	cr_assert_eq(get_instance("i1").eni_count, 1);
	// Free to go again, there or elsewhere.
	attach(e.id, "i2", 3);
	detach(e.id);
	attach(e.id, "i1", 3);
}

CORE_TEST(eni, detach_an_efa_in_use)
{
	vcore_eni_info efa = add_eni(eni_spec("subnet-c", 0, "", nullptr, VNITRO_ENI_TYPE_EFA));
	vcore_eni_info ena = add_eni(eni_spec("subnet-c", 0, "", nullptr, VNITRO_ENI_TYPE_INTERFACE));

	fake.in_use_cookie = attach(efa.id, "i1", 1).plug_cookie;
	fake.in_use_holders = 2;
	assert_refused(-EBUSY, [&](vcore_err *err) {
		return vcore_ctl_eni_detach(ctl, efa.id, err);
	}, efa.id, "is an EFA", "efa_7 has 2 open user contexts", "end the processes");
	cr_assert_eq(fake.unplugs, 0, "a refused detach unplugs nothing");
	cr_assert_eq(get_eni(efa.id).attached, 1);
	// Only an EFA is asked: an ENA ENI with the same cookie detaches.
	fake.in_use_cookie = attach(ena.id, "i1", 2).plug_cookie;
	detach(ena.id);
	// Once the processes are gone, it detaches.
	fake.in_use_cookie = get_eni(efa.id).plug_cookie;
	fake.in_use_holders = 0;
	detach(efa.id);
	cr_assert_eq(fake.unplugs, 2);
}

CORE_TEST(eni, detach_the_primary)
{
	const char *primary = primary_of("i1");

	assert_refused(-EPERM, [&](vcore_err *err) {
		return vcore_ctl_eni_detach(ctl, primary, err);
	}, primary, "primary", "i1");
}

CORE_TEST(eni, detach_when_not_attached)
{
	vcore_eni_info e = add_eni(eni_spec("subnet-default"));

	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_eni_detach(ctl, e.id, err);
	}, e.id, "is not attached");
}

CORE_TEST(eni, detach_unknown)
{
	assert_refused(-ENOENT, [&](vcore_err *err) {
		return vcore_ctl_eni_detach(ctl, "eni-99", err);
	}, "\"eni-99\" does not exist");
}

/* ---- delete ---- */

CORE_TEST(eni, delete_frees_id_address_and_mac)
{
	vcore_eni_info e = add_eni(eni_spec("subnet-default", 0, "eni-dead"));
	vcore_eni_info again;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_eni_del(ctl, "eni-dead", &err), 0, "%s", err.msg);
	cr_assert_not(eni_exists("eni-dead"));
	cr_assert_eq(count_enis(), 2);
	again = add_eni(eni_spec("subnet-default", e.private_ip, "eni-dead", e.mac));
	cr_assert_str_eq(again.id, "eni-dead");
}

CORE_TEST(eni, delete_attached)
{
	vcore_eni_info e = add_eni(eni_spec("subnet-default"));
	const char *primary = primary_of("i1");

	attach(e.id, "i2", 2);
	assert_refused(-EBUSY, [&](vcore_err *err) {
		return vcore_ctl_eni_del(ctl, e.id, err);
	}, e.id, "attached to instance i2 at device index 2", "detach it first");
	assert_refused(-EBUSY, [&](vcore_err *err) {
		return vcore_ctl_eni_del(ctl, primary, err);
	}, "attached to instance i1 at device index 0");
}

CORE_TEST(eni, delete_unknown)
{
	assert_refused(-ENOENT, [&](vcore_err *err) {
		return vcore_ctl_eni_del(ctl, "eni-99", err);
	}, "\"eni-99\" does not exist");
}

CORE_TEST(eni, get_unknown)
{
	assert_refused(-ENOENT, [&](vcore_err *err) {
		vcore_eni_info out;

		return vcore_ctl_eni_get(ctl, "eni-99", &out, err);
	}, "network interface \"eni-99\" does not exist");
}

/* ---- iteration ---- */

CORE_TEST(eni, iterate_in_insertion_order)
{
	const char *expect[5];
	char primaries[2][VCORE_ID_MAX];
	vcore_eni_info e;
	vcore_err err = {};

	snprintf(primaries[0], sizeof(primaries[0]), "%s", primary_of("i1"));
	snprintf(primaries[1], sizeof(primaries[1]), "%s", primary_of("i2"));
	add_eni(eni_spec("subnet-b", 0, "eni-c"));
	add_eni(eni_spec("subnet-default", 0, "eni-a"));
	add_eni(eni_spec("subnet-c", 0, "eni-b"));
	cr_assert_eq(vcore_ctl_eni_del(ctl, "eni-a", &err), 0, "%s", err.msg);
	add_eni(eni_spec("subnet-default", 0, "eni-a"));
	expect[0] = primaries[0];
	expect[1] = primaries[1];
	expect[2] = "eni-c";
	expect[3] = "eni-b";
	expect[4] = "eni-a";
	for (uint32_t n = 0; n < 5; n++) {
		cr_assert_eq(vcore_ctl_eni_at(ctl, n, &e), 0);
		cr_assert_str_eq(e.id, expect[n]);
	}
	cr_assert_eq(vcore_ctl_eni_at(ctl, 5, &e), -ENOENT);
	cr_assert_eq(vcore_ctl_eni_at(ctl, UINT32_MAX, &e), -ENOENT);
}

/* ---- secondary private IPv4 addresses ---- */

static vcore_eni_info assign(const char *id, uint32_t ip, uint32_t count)
{
	static vcore_eni_info e;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_eni_ip_assign(ctl, id, ip, count, &e, &err), 0, "%s", err.msg);
	return e;
}

CORE_TEST(eni, assign_by_count_picks_the_lowest_free_addresses)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-b"));
	vcore_eni_info e = assign(a.id, 0, 2);

	cr_assert_eq(e.secondary_count, 2);
	cr_assert_eq(e.secondary_ips[0], ip4(172, 31, 16, 5));
	cr_assert_eq(e.secondary_ips[1], ip4(172, 31, 16, 6));
	// They are taken: a new ENI gets the next one.
	cr_assert_eq(add_eni(eni_spec("subnet-b")).private_ip, ip4(172, 31, 16, 7));
}

CORE_TEST(eni, assign_by_address_checks_subnet_reserved_and_uniqueness)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-b"));
	vcore_eni_info b = add_eni(eni_spec("subnet-b"));
	vcore_eni_info e;

	e = assign(a.id, ip4(172, 31, 16, 100), 0);
	cr_assert_eq(e.secondary_ips[0], ip4(172, 31, 16, 100));
	assert_refused(-EADDRINUSE, [&](vcore_err *err) {
		return vcore_ctl_eni_ip_assign(ctl, b.id, ip4(172, 31, 16, 100), 0, &e, err);
	}, "172.31.16.100", "already assigned");
	assert_refused(-EADDRINUSE, [&](vcore_err *err) {
		return vcore_ctl_eni_ip_assign(ctl, b.id, a.private_ip, 0, &e, err);
	}, "already assigned");
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_eni_ip_assign(ctl, b.id, ip4(172, 31, 16, 3), 0, &e, err);
	}, "172.31.16.3", "reserved");
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_eni_ip_assign(ctl, b.id, ip4(172, 31, 31, 255), 0, &e, err);
	}, "reserved");
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_eni_ip_assign(ctl, b.id, ip4(172, 31, 0, 100), 0, &e, err);
	}, "not in subnet subnet-b");
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_eni_ip_assign(ctl, b.id, 0, 0, &e, err);
	}, "address", "how many");
	// A secondary address of an ENI is refused as another's primary too.
	vcore_eni_info out;
	assert_refused(-EADDRINUSE, [&](vcore_err *err) {
		vcore_eni_spec spec = eni_spec("subnet-b", ip4(172, 31, 16, 100));
		return vcore_ctl_eni_add(ctl, &spec, &out, err);
	}, "already assigned");
}

// Detached, an ENI may hold what the largest type's ENI holds (c8i: 64).
CORE_TEST(eni, detached_eni_holds_at_most_64_addresses)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-b"));
	vcore_eni_info e = assign(a.id, 0, 63);

	cr_assert_eq(e.secondary_count, 63);
	assert_refused(-ENOSPC, [&](vcore_err *err) {
		return vcore_ctl_eni_ip_assign(ctl, a.id, 0, 1, &e, err);
	}, "at most 64");
}

CORE_TEST(eni, count_beyond_the_free_addresses_changes_nothing)
{
	vcore_err err = {};
	vcore_eni_info e;

	add_vpc("vpc-t", ip4(10, 9, 0, 0), 16);
	add_subnet("subnet-t", "vpc-t", ip4(10, 9, 0, 0), 28, "us-east-1a");	// 11 usable
	vcore_eni_info a = add_eni(eni_spec("subnet-t"));
	assert_refused(-ENOSPC, [&](vcore_err *err) {
		return vcore_ctl_eni_ip_assign(ctl, a.id, 0, 11, &e, err);
	}, "no free IPv4 address");
	cr_assert_eq(vcore_ctl_eni_ip_assign(ctl, a.id, 0, 10, &e, &err), 0, "%s", err.msg);
}

CORE_TEST(eni, unassign)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-b"));
	vcore_eni_info e = assign(a.id, 0, 3);
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_eni_ip_unassign(ctl, a.id, ip4(172, 31, 16, 6), &e, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(e.secondary_count, 2);
	cr_assert_eq(e.secondary_ips[0], ip4(172, 31, 16, 5));
	cr_assert_eq(e.secondary_ips[1], ip4(172, 31, 16, 7));
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_eni_ip_unassign(ctl, a.id, a.private_ip, &e, err);
	}, "primary", "cannot be unassigned");
	assert_refused(-ENOENT, [&](vcore_err *err) {
		return vcore_ctl_eni_ip_unassign(ctl, a.id, ip4(172, 31, 16, 6), &e, err);
	}, "172.31.16.6", "not assigned");
}

CORE_TEST(eni, attached_changes_reach_the_fabric_and_its_refusal_rolls_back)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-default"));
	vcore_eni_info e;

	attach(a.id, "i1", 1);
	e = assign(a.id, 0, 1);
	cr_assert_eq(fake.port_updates, 1);
	cr_assert_eq(fake.last_update_cookie, e.plug_cookie);
	cr_assert_eq(fake.last_port.secondary_count, 1);
	cr_assert_eq(fake.last_port.secondary_ips[0], e.secondary_ips[0]);
	cr_assert_eq(fake.last_port.ip, a.private_ip);
	cr_assert_eq(fake.last_port.source_dest_check, 1);
	fake_fail_next(&fake.fail_next_update, -ENOMEM, "no memory for the port");
	assert_refused(-ENOMEM, [&](vcore_err *err) {
		return vcore_ctl_eni_ip_assign(ctl, a.id, 0, 1, &e, err);
	}, "no memory for the port");
	fake_fail_next(&fake.fail_next_update, -ENOMEM, "no memory for the port");
	assert_refused(-ENOMEM, [&](vcore_err *err) {
		return vcore_ctl_eni_ip_unassign(ctl, a.id, e.secondary_ips[0], &e, err);
	}, "no memory for the port");
}

CORE_TEST(eni, move_carries_addresses_and_settings)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-default"));
	vcore_eni_changes c = {};
	vcore_eni_info e;
	vcore_err err = {};

	assign(a.id, 0, 2);
	add_group("sg-0123abcd");
	c.set_security_groups = 1;
	c.security_group_count = 1;
	snprintf(c.security_groups[0], sizeof(c.security_groups[0]), "sg-0123abcd");
	cr_assert_eq(vcore_ctl_eni_set(ctl, a.id, &c, &e, &err), 0, "%s", err.msg);
	attach(a.id, "i1", 1);
	detach(a.id);
	e = attach(a.id, "i2", 1);
	cr_assert_eq(memcmp(e.mac, a.mac, 6), 0);
	cr_assert_eq(e.secondary_count, 2);
	cr_assert_str_eq(e.security_groups[0], "sg-0123abcd");
	cr_assert_eq(fake.last_plug.port.secondary_count, 2);
	cr_assert_eq(memcmp(fake.last_plug.port.mac, a.mac, 6), 0);
}

/* ---- ENI settings ---- */

CORE_TEST(eni, set_stores_every_field)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-b"));
	vcore_eni_changes c = {};
	vcore_eni_info e;
	vcore_err err = {};

	add_group("sg-1");
	add_group("sg-0123456789abcdef0");
	c.set_source_dest_check = 1;
	c.set_description = 1;
	snprintf(c.description, sizeof(c.description), "NAT instance, us-east-1a");
	c.set_security_groups = 1;
	c.security_group_count = 2;
	snprintf(c.security_groups[0], sizeof(c.security_groups[0]), "sg-1");
	snprintf(c.security_groups[1], sizeof(c.security_groups[1]), "sg-0123456789abcdef0");
	c.set_ena_express = c.ena_express = 1;
	c.set_ena_express_udp = c.ena_express_udp = 1;
	cr_assert_eq(vcore_ctl_eni_set(ctl, a.id, &c, &e, &err), 0, "%s", err.msg);
	e = get_eni(a.id);
	cr_assert_eq(e.source_dest_check, 0);
	cr_assert_str_eq(e.description, "NAT instance, us-east-1a");
	cr_assert_eq(e.security_group_count, 2);
	cr_assert_str_eq(e.security_groups[1], "sg-0123456789abcdef0");
	cr_assert_eq(e.ena_express, 1);
	cr_assert_eq(e.ena_express_udp, 1);
	cr_assert_eq(fake.port_updates, 0, "an available ENI has no port");
	// Clearing the description; the groups cannot be cleared (test_sg.cc).
	c = vcore_eni_changes{};
	c.set_description = 1;
	cr_assert_eq(vcore_ctl_eni_set(ctl, a.id, &c, &e, &err), 0, "%s", err.msg);
	cr_assert_str_empty(e.description);
	cr_assert_eq(e.security_group_count, 2);
	cr_assert_eq(e.source_dest_check, 0, "unchanged");
}

CORE_TEST(eni, set_refusals_change_nothing)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-b"));
	static vcore_eni_changes c;
	vcore_eni_info e;

	c = vcore_eni_changes{};
	c.set_source_dest_check = 1;
	c.set_security_groups = 1;
	c.security_group_count = 6;
	for (int i = 0; i < 6; i++)
		snprintf(c.security_groups[i % 5], sizeof(c.security_groups[0]), "sg-%d", i);
	assert_refused(-ENOSPC, [&](vcore_err *err) {
		return vcore_ctl_eni_set(ctl, a.id, &c, &e, err);
	}, "at most 5 security groups");
	c.security_group_count = 2;
	snprintf(c.security_groups[1], sizeof(c.security_groups[1]), "sg-zz");
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_eni_set(ctl, a.id, &c, &e, err);
	}, "invalid security group id", "sg-zz");
	snprintf(c.security_groups[1], sizeof(c.security_groups[1]), "%s", c.security_groups[0]);
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_eni_set(ctl, a.id, &c, &e, err);
	}, "listed twice");
	c = vcore_eni_changes{};
	c.set_ena_express_udp = c.ena_express_udp = 1;
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_eni_set(ctl, a.id, &c, &e, err);
	}, "ENA Express for UDP needs ENA Express");
	c = vcore_eni_changes{};
	c.set_description = 1;
	memset(c.description, 'x', sizeof(c.description));
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_eni_set(ctl, a.id, &c, &e, err);
	}, "at most 255 characters");
	assert_refused(-ENOENT, [&](vcore_err *err) {
		return vcore_ctl_eni_set(ctl, "eni-404", &c, &e, err);
	}, "eni-404");
}

CORE_TEST(eni, source_dest_check_reaches_an_attached_port)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-default"));
	vcore_eni_changes c = {};
	vcore_eni_info e;
	vcore_err err = {};

	attach(a.id, "i1", 1);
	cr_assert_eq(fake.last_plug.port.source_dest_check, 1, "on by default, as EC2");
	c.set_source_dest_check = 1;
	cr_assert_eq(vcore_ctl_eni_set(ctl, a.id, &c, &e, &err), 0, "%s", err.msg);
	cr_assert_eq(fake.port_updates, 1);
	cr_assert_eq(fake.last_port.source_dest_check, 0);
	// Setting the same value again does not touch the fabric.
	cr_assert_eq(vcore_ctl_eni_set(ctl, a.id, &c, &e, &err), 0, "%s", err.msg);
	cr_assert_eq(fake.port_updates, 1);
	c.source_dest_check = 1;
	c.set_description = 1;
	snprintf(c.description, sizeof(c.description), "kept only if the port takes it");
	fake_fail_next(&fake.fail_next_update, -ENOMEM, "no memory for the port");
	assert_refused(-ENOMEM, [&](vcore_err *err) {
		return vcore_ctl_eni_set(ctl, a.id, &c, &e, err);
	}, "no memory for the port");
}

/* ---- connection tracking timeouts ---- */

static void assert_port_timeouts(const vcore_port_desc &p, uint32_t tcp_established,
				 uint32_t udp_stream, uint32_t udp)
{
	cr_assert_eq(p.tcp_established_timeout, tcp_established);
	cr_assert_eq(p.udp_stream_timeout, udp_stream);
	cr_assert_eq(p.udp_timeout, udp);
}

CORE_TEST(eni, conntrack_timeouts_default_to_ec2s)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-c"));

	cr_assert_eq(a.tcp_established_timeout, 432000, "5 days");
	cr_assert_eq(a.udp_stream_timeout, 180);
	cr_assert_eq(a.udp_timeout, 30);
	attach(a.id, "i1", 1);
	assert_port_timeouts(fake.last_plug.port, 432000, 180, 30);
}

CORE_TEST(eni, conntrack_timeouts_set_any_subset)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-c"));
	vcore_eni_changes c = {};
	vcore_eni_info e;
	vcore_err err = {};

	c.set_udp_timeout = 1;
	c.udp_timeout = 60;
	cr_assert_eq(vcore_ctl_eni_set(ctl, a.id, &c, &e, &err), 0, "%s", err.msg);
	cr_assert_eq(e.udp_timeout, 60);
	cr_assert_eq(e.udp_stream_timeout, 180, "unchanged");
	cr_assert_eq(e.tcp_established_timeout, 432000, "unchanged");
	c = vcore_eni_changes{};
	c.set_tcp_established_timeout = 1;
	c.tcp_established_timeout = 60;
	c.set_udp_stream_timeout = 1;
	c.udp_stream_timeout = 60;
	cr_assert_eq(vcore_ctl_eni_set(ctl, a.id, &c, &e, &err), 0, "%s", err.msg);
	e = get_eni(a.id);
	cr_assert_eq(e.tcp_established_timeout, 60);
	cr_assert_eq(e.udp_stream_timeout, 60);
	cr_assert_eq(e.udp_timeout, 60, "kept from the first call");
	cr_assert_eq(fake.port_updates, 0, "an available ENI has no port");
	// What was set reaches the port when the ENI is attached.
	attach(a.id, "i1", 1);
	assert_port_timeouts(fake.last_plug.port, 60, 60, 60);
}

CORE_TEST(eni, conntrack_timeouts_out_of_range_change_nothing)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-default"));
	static vcore_eni_changes c;
	vcore_eni_info e;

	attach(a.id, "i1", 1);
	struct { uint8_t *set; uint32_t *value; uint32_t low, high; const char *range; } cases[] = {
		{ &c.set_tcp_established_timeout, &c.tcp_established_timeout, 59, 432001,
		  "60 to 432000" },
		{ &c.set_udp_stream_timeout, &c.udp_stream_timeout, 59, 181, "60 to 180" },
		{ &c.set_udp_timeout, &c.udp_timeout, 29, 61, "30 to 60" },
	};
	for (auto &k : cases) {
		for (uint32_t bad : { k.low, k.high, 0u }) {
			c = vcore_eni_changes{};
			// Valid changes alongside: all or nothing.
			c.set_source_dest_check = 1;
			c.set_description = 1;
			snprintf(c.description, sizeof(c.description), "never kept");
			*k.set = 1;
			*k.value = bad;
			assert_refused(-EINVAL, [&](vcore_err *err) {
				return vcore_ctl_eni_set(ctl, a.id, &c, &e, err);
			}, "out of range", k.range);
		}
	}
	c = vcore_eni_changes{};
	c.set_udp_timeout = 1;
	c.udp_timeout = 61;
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_eni_set(ctl, a.id, &c, &e, err);
	}, "UDP timeout 61", "UdpTimeout");
}

CORE_TEST(eni, conntrack_timeouts_reach_an_attached_port)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-default"));
	vcore_eni_changes c = {};
	vcore_eni_info e;
	vcore_err err = {};

	attach(a.id, "i1", 1);
	c.set_udp_timeout = 1;
	c.udp_timeout = 60;
	c.set_tcp_established_timeout = 1;
	c.tcp_established_timeout = 3600;
	cr_assert_eq(vcore_ctl_eni_set(ctl, a.id, &c, &e, &err), 0, "%s", err.msg);
	cr_assert_eq(fake.port_updates, 1);
	assert_port_timeouts(fake.last_port, 3600, 180, 60);
	cr_assert_eq(fake.last_port.source_dest_check, 1, "the rest of the port as it was");
	// The same values again do not touch the fabric.
	cr_assert_eq(vcore_ctl_eni_set(ctl, a.id, &c, &e, &err), 0, "%s", err.msg);
	cr_assert_eq(fake.port_updates, 1);
	// A port that refuses the update leaves the ENI as it was.
	c.udp_timeout = 45;
	c.set_source_dest_check = 1;
	fake_fail_next(&fake.fail_next_update, -ENOMEM, "no memory for the port");
	assert_refused(-ENOMEM, [&](vcore_err *err) {
		return vcore_ctl_eni_set(ctl, a.id, &c, &e, err);
	}, "no memory for the port");
	e = get_eni(a.id);
	cr_assert_eq(e.udp_timeout, 60);
	cr_assert_eq(e.source_dest_check, 1);
}

CORE_TEST(eni, security_groups_reach_an_attached_port)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-default"));
	vcore_eni_changes c = {};
	vcore_eni_info e;
	vcore_err err = {};
	uint32_t default_key;

	add_group("sg-1");
	attach(a.id, "i1", 1);
	cr_assert_eq(fake.last_plug.port.sg_count, 1);
	default_key = fake.last_plug.port.sg_keys[0];
	c.set_security_groups = 1;
	c.security_group_count = 2;
	snprintf(c.security_groups[0], sizeof(c.security_groups[0]), "sg-1");
	snprintf(c.security_groups[1], sizeof(c.security_groups[1]), "%s", a.security_groups[0]);
	cr_assert_eq(vcore_ctl_eni_set(ctl, a.id, &c, &e, &err), 0, "%s", err.msg);
	cr_assert_eq(fake.port_updates, 1);
	cr_assert_eq(fake.last_port.sg_count, 2);
	cr_assert_neq(fake.last_port.sg_keys[0], default_key);
	cr_assert_eq(fake.last_port.sg_keys[1], default_key);
}

CORE_TEST(eni, port_tracks_as_many_flows_as_its_instance_type_allows)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-default"));
	vcore_eni_info b = add_eni(eni_spec("subnet-default"));

	add_instance("mid", &ns3, "subnet-default", 0, "m5.large");
	cr_assert_eq(fake.last_plug.port.conntrack_max, 12000, "m5.large's primary: 750 * 16");
	attach(a.id, "i1", 1);
	cr_assert_eq(fake.last_plug.port.conntrack_max, 1048576, "c5n.18xlarge: the ceiling");
	attach(b.id, "mid", 1);
	cr_assert_eq(fake.last_plug.port.conntrack_max, 12000);
}

/* ---- settings at creation (EC2's CreateNetworkInterface) ---- */

CORE_TEST(eni, add_with_settings)
{
	vcore_eni_spec spec = eni_spec("subnet-b", 0, "eni-5e7");
	vcore_eni_changes c = {};
	vcore_eni_info e;
	vcore_err err = {};

	add_group("sg-1");
	c.set_description = 1;
	snprintf(c.description, sizeof(c.description), "made whole");
	c.set_security_groups = 1;
	c.security_group_count = 1;
	snprintf(c.security_groups[0], sizeof(c.security_groups[0]), "sg-1");
	c.set_udp_timeout = 1;
	c.udp_timeout = 45;
	spec.settings = &c;
	cr_assert_eq(vcore_ctl_eni_add(ctl, &spec, &e, &err), 0, "%s", err.msg);
	cr_assert_str_eq(e.description, "made whole", "the reply has the settings");
	e = get_eni("eni-5e7");
	cr_assert_str_eq(e.description, "made whole");
	cr_assert_eq(e.security_group_count, 1);
	cr_assert_str_eq(e.security_groups[0], "sg-1");
	cr_assert_eq(e.udp_timeout, 45);
}

CORE_TEST(eni, add_with_a_refused_setting_creates_nothing)
{
	vcore_eni_spec spec = eni_spec("subnet-b", 0, "eni-5e8");
	vcore_eni_changes c = {};
	vcore_eni_info e;

	c.set_security_groups = 1;
	c.security_group_count = 1;
	snprintf(c.security_groups[0], sizeof(c.security_groups[0]), "sg-404");
	spec.settings = &c;
	assert_refused(-ENOENT, [&](vcore_err *err) {
		return vcore_ctl_eni_add(ctl, &spec, &e, err);
	}, "sg-404");
	c = vcore_eni_changes{};
	c.set_tcp_established_timeout = 1;
	c.tcp_established_timeout = 59;
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_eni_add(ctl, &spec, &e, err);
	}, "TCP established timeout 59 is out of range");
	// Neither left the ENI behind: its id is free, and it can be made plainly.
	spec.settings = nullptr;
	add_eni(spec);
}
