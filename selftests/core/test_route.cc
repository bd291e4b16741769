// SPDX-License-Identifier: GPL-2.0
// test_route.cc - route tables and internet gateways (core/control/route.cc, igw.cc).
#include <arpa/inet.h>

#include "ctl_fixture.h"

/*
 * vpc-default 172.31.0.0/16                     vpc-x 10.0.0.0/16
 *   subnet-default 172.31.0.0/20  i1 (primary)    subnet-x 10.0.1.0/24
 *   subnet-b       172.31.16.0/20
 */
static int internet, internet2;

static void setup(void)
{
	ctl_setup();
	default_world();
	add_subnet("subnet-b", "vpc-default", ip4(172, 31, 16, 0), 20, "us-east-1a");
	add_vpc("vpc-x", ip4(10, 0, 0, 0), 16);
	add_subnet("subnet-x", "vpc-x", ip4(10, 0, 1, 0), 24, "us-east-1a");
}

TestSuite(route, .init = setup, .fini = harness_fini);

static vcore_igw_info add_igw(const char *id, const char *vpc, void *ns)
{
	vcore_igw_info g;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_igw_add(ctl, id, vpc, ns, "internet", 1, &g, &err), 0, "%s",
		     err.msg);
	return g;
}

static vcore_route_info add_route(const char *subnet, uint32_t addr, uint8_t len,
				  const char *target)
{
	vcore_route_info r;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_route_add(ctl, subnet, addr, len, target, &r, &err), 0, "%s",
		     err.msg);
	return r;
}

CORE_TEST(route, every_subnet_starts_with_its_local_route)
{
	vcore_route_info r;
	vcore_err err = {};

	cr_assert_eq(count_routes(), 3);
	cr_assert_eq(vcore_ctl_route_get(ctl, "subnet-b", vpc_default_block, 16, &r, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(r.target, VNITRO_ROUTE_TARGET_LOCAL);
	cr_assert_str_empty(r.target_id);
	assert_refused(-EPERM, [](vcore_err *err) {
		return vcore_ctl_route_del(ctl, "subnet-b", vpc_default_block, 16, err);
	}, "local route", "cannot be deleted");
}

CORE_TEST(route, eni_route_published_and_blackholed)
{
	vcore_eni_info nat = add_eni(eni_spec("subnet-b"));
	vcore_route_info r = add_route("subnet-default", 0, 0, nat.id);
	static vcore_fabric_subnet_desc table;
	vcore_err err = {};

	cr_assert_eq(r.target, VNITRO_ROUTE_TARGET_ENI);
	cr_assert_str_eq(r.target_id, nat.id);
	cr_assert_eq(r.blackhole, 1, "the target is not attached");
	// In the fabric's table of subnet-default (key 1), longest prefix first: 0/0 last.
	cr_assert_eq(fabric_table(1, &table), 0);
	cr_assert_eq(table.route_count, 2);
	cr_assert_eq(table.routes[1].target, VCORE_ROUTE_ENI);
	cr_assert_eq(memcmp(table.routes[1].target_mac, nat.mac, 6), 0);
	attach(nat.id, "i1", 1);
	cr_assert_eq(vcore_ctl_route_get(ctl, "subnet-default", 0, 0, &r, &err), 0);
	cr_assert_eq(r.blackhole, 0);
	detach(nat.id);
	cr_assert_eq(fabric_table(1, &table), 0);
	cr_assert_eq(table.route_count, 2, "the route stays; the fabric finds no port (blackhole)");
	cr_assert_eq(vcore_ctl_eni_del(ctl, nat.id, &err), 0, "%s", err.msg);
	cr_assert_eq(vcore_ctl_route_get(ctl, "subnet-default", 0, 0, &r, &err), 0);
	cr_assert_eq(r.blackhole, 1, "a deleted target leaves a blackhole route, as EC2");
	cr_assert_str_eq(r.target_id, nat.id);
	cr_assert_eq(vcore_ctl_route_del(ctl, "subnet-default", 0, 0, &err), 0, "%s", err.msg);
	cr_assert_eq(fabric_table(1, &table), 0);
	cr_assert_eq(table.route_count, 1);
}

CORE_TEST(route, refusals)
{
	vcore_eni_info nat = add_eni(eni_spec("subnet-b"));
	vcore_eni_info other = add_eni(eni_spec("subnet-x"));
	vcore_route_info r;

	add_route("subnet-default", ip4(192, 168, 0, 0), 16, nat.id);
	assert_refused(-EEXIST, [&](vcore_err *err) {
		return vcore_ctl_route_add(ctl, "subnet-default", ip4(192, 168, 0, 0), 16, nat.id,
					   &r, err);
	}, "already has a route to 192.168.0.0/16");
	assert_refused(-EEXIST, [&](vcore_err *err) {
		return vcore_ctl_route_add(ctl, "subnet-default", vpc_default_block, 16, nat.id,
					   &r, err);
	}, "already has a route to 172.31.0.0/16");
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_route_add(ctl, "subnet-default", ip4(10, 1, 2, 3), 16, nat.id,
					   &r, err);
	}, "host bits", "10.1.0.0/16");
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_route_add(ctl, "subnet-default", 0, 33, nat.id, &r, err);
	}, "/33");
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_route_add(ctl, "subnet-default", 0, 0, other.id, &r, err);
	}, other.id, "vpc-x", "not in vpc-default");
	assert_refused(-ENOENT, [&](vcore_err *err) {
		return vcore_ctl_route_add(ctl, "subnet-default", 0, 0, "eni-404", &r, err);
	}, "eni-404");
	assert_refused(-ENOENT, [&](vcore_err *err) {
		return vcore_ctl_route_add(ctl, "subnet-default", 0, 0, "igw-none", &r, err);
	}, "igw-none", "neither");
	assert_refused(-ENOENT, [&](vcore_err *err) {
		return vcore_ctl_route_add(ctl, "subnet-nope", 0, 0, nat.id, &r, err);
	}, "subnet-nope");
	assert_refused(-ENOENT, [&](vcore_err *err) {
		return vcore_ctl_route_del(ctl, "subnet-default", ip4(192, 169, 0, 0), 16, err);
	}, "no route to 192.169.0.0/16");
	// The second allocation is the fabric's table (the first, the control plane's desc).
	harness.fail_alloc_in = 2;
	assert_refused(-ENOMEM, [&](vcore_err *err) {
		return vcore_ctl_route_add(ctl, "subnet-default", 0, 0, nat.id, &r, err);
	}, "VPC router", "route table of subnet-default", "out of memory");
	harness.fail_alloc_in = 2;
	assert_refused(-ENOMEM, [&](vcore_err *err) {
		return vcore_ctl_route_del(ctl, "subnet-default", ip4(192, 168, 0, 0), 16, err);
	}, "VPC router", "out of memory");
}

CORE_TEST(route, table_is_full_at_50)
{
	vcore_eni_info nat = add_eni(eni_spec("subnet-b"));
	vcore_route_info r;

	for (uint32_t n = 1; n < VCORE_SUBNET_MAX_ROUTES; n++)
		add_route("subnet-b", ip4(10, 100, uint8_t(n), 0), 24, nat.id);
	assert_refused(-ENOSPC, [&](vcore_err *err) {
		return vcore_ctl_route_add(ctl, "subnet-b", ip4(10, 101, 0, 0), 24, nat.id, &r, err);
	}, "at most 50 routes");
}

/* ---- internet gateways ---- */

CORE_TEST(route, igw_lifecycle)
{
	vcore_igw_info g = add_igw("igw-1", "vpc-default", &internet);
	vcore_route_info r;
	vcore_err err = {};

	cr_assert_str_eq(g.vpc_id, "vpc-default");
	cr_assert_str_eq(g.netns_name, "internet");
	cr_assert_eq(g.frag_needed, 1);
	cr_assert(mac_is_local_unicast(g.mac));
	cr_assert_eq(fake.igw_plugs, 1);
	cr_assert_eq(fake.last_igw.port.kind, VCORE_PORT_IGW);
	cr_assert_eq(fake.last_igw.port.vpc_addr, vpc_default_block);
	cr_assert_eq(fake.last_igw.port.vpc_prefixlen, 16);
	cr_assert_eq(fake.last_igw.netns_cookie, &internet);
	r = add_route("subnet-default", 0, 0, "igw-1");
	cr_assert_eq(r.target, VNITRO_ROUTE_TARGET_IGW);
	static vcore_fabric_subnet_desc table;
	cr_assert_eq(fabric_table(1, &table), 0);
	cr_assert_eq(table.routes[1].target, VCORE_ROUTE_IGW);
	assert_refused(-EBUSY, [](vcore_err *err) {
		return vcore_ctl_igw_del(ctl, "igw-1", err);
	}, "igw-1", "subnet-default", "delete that route first");
	assert_refused(-EBUSY, [](vcore_err *err) {
		return vcore_ctl_vpc_del(ctl, "vpc-default", err);
	}, "vpc-default");
	cr_assert_eq(vcore_ctl_igw_set(ctl, "igw-1", 0, &g, &err), 0, "%s", err.msg);
	cr_assert_eq(g.frag_needed, 0);
	cr_assert_eq(fake.last_igw_port.frag_needed, 0);
	cr_assert_eq(vcore_ctl_route_del(ctl, "subnet-default", 0, 0, &err), 0, "%s", err.msg);
	cr_assert_eq(vcore_ctl_igw_del(ctl, "igw-1", &err), 0, "%s", err.msg);
	cr_assert_eq(fake.igw_unplugs, 1);
	cr_assert_eq(fake.last_release, &internet, "the gateway's namespace is released");
}

CORE_TEST(route, igw_refusals)
{
	vcore_igw_info g;

	add_igw("igw-1", "vpc-default", &internet);
	assert_refused(-EEXIST, [&](vcore_err *err) {
		return vcore_ctl_igw_add(ctl, "igw-2", "vpc-default", &internet2, "inet", 1, &g, err);
	}, "vpc-default", "already has internet gateway igw-1");
	assert_refused(-EEXIST, [&](vcore_err *err) {
		return vcore_ctl_igw_add(ctl, "igw-1", "vpc-x", &internet2, "inet", 1, &g, err);
	}, "igw-1", "already exists");
	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_igw_add(ctl, "gw-1", "vpc-x", &internet2, "inet", 1, &g, err);
	}, "invalid internet gateway id");
	assert_refused(-ENOENT, [&](vcore_err *err) {
		return vcore_ctl_igw_add(ctl, "igw-2", "vpc-nope", &internet2, "inet", 1, &g, err);
	}, "vpc-nope");
	assert_refused(-EINVAL, [&](vcore_err *err) {
		vcore_route_info r;
		return vcore_ctl_route_add(ctl, "subnet-x", 0, 0, "igw-1", &r, err);
	}, "igw-1", "not to vpc-x");
	fake_fail_next(&fake.fail_next_igw, -ENOMEM, "no netdev for the gateway");
	assert_refused(-ENOMEM, [&](vcore_err *err) {
		return vcore_ctl_igw_add(ctl, "igw-2", "vpc-x", &internet2, "inet", 1, &g, err);
	}, "no netdev for the gateway");
	fake_fail_next(&fake.fail_next_igw, -ENOMEM, "cannot update");
	assert_refused(-ENOMEM, [&](vcore_err *err) {
		return vcore_ctl_igw_set(ctl, "igw-1", 0, &g, err);
	}, "cannot update");
}

CORE_TEST(route, destroy_releases_gateways_and_withdraws_subnets)
{
	static uint32_t tables[harness_max_plugs];

	add_igw("igw-1", "vpc-default", &internet);
	fabric_tables(tables, harness_max_plugs);
	cr_assert_eq(tables[1] && tables[2] && tables[3], 1, "three subnets, three tables");
	vcore_ctl_destroy(ctl);
	ctl = nullptr;
	cr_assert_eq(fake.live_igws, 0);
	fabric_tables(tables, harness_max_plugs);
	for (uint32_t t : tables)
		cr_assert_eq(t, 0, "every table withdrawn");
}

/* ---- IPv6 ---- */

static const uint8_t any6[16] = {};
static const uint8_t doc6[16] = { 0x20, 0x01, 0x0d, 0xb8 };	// 2001:db8::

static void vpc_ipv6(const char *vpc, const char *block)
{
	vcore_vpc_info v;
	vcore_err err = {};
	uint8_t addr[16] = {};

	cr_assert_eq(inet_pton(AF_INET6, block, addr), 1);
	cr_assert_eq(vcore_ctl_vpc_ipv6_set(ctl, vpc, addr, 56, &v, &err), 0, "%s", err.msg);
}

/*
 * A VPC with an IPv6 block has a second local route, its /56, in every
 * table (EC2 shows both); IPv6 routes to the gateway sit beside IPv4 ones
 * of the same bits, and the block cannot go while they exist.
 */
CORE_TEST(route, ipv6_local_route_and_routes_to_the_gateway)
{
	static vcore_fabric_subnet_desc table;
	vcore_route_info r;
	vcore_vpc_info v;
	vcore_err err = {};
	uint8_t block[16] = {};

	cr_assert_eq(count_routes(), 3);
	vpc_ipv6("vpc-default", "2600:1f18:ab:1200::");
	cr_assert_eq(count_routes(), 5, "each subnet of vpc-default gains its /56");
	inet_pton(AF_INET6, "2600:1f18:ab:1200::", block);
	cr_assert_eq(vcore_ctl_route6_get(ctl, "subnet-b", block, 56, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.target, VNITRO_ROUTE_TARGET_LOCAL);
	cr_assert_eq(r.ipv6, 1);
	assert_refused(-EPERM, [&](vcore_err *e) {
		return vcore_ctl_route6_del(ctl, "subnet-b", block, 56, e);
	}, "local route 2600:1f18:ab:1200::/56", "cannot be deleted");
	add_igw("igw-1", "vpc-default", &internet);
	cr_assert_eq(fake.last_igw.port.has_ipv6, 1, "the gateway answers for the /56");
	cr_assert_eq(fake.last_igw.port.ipv6_prefix, 0x26001f1800ab1200ull);
	cr_assert_eq(vcore_ctl_route6_add(ctl, "subnet-b", any6, 0, "igw-1", &r, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(r.ipv6, 1);
	cr_assert_eq(r.target, VNITRO_ROUTE_TARGET_IGW);
	add_route("subnet-b", 0, 0, "igw-1");	// 0.0.0.0/0 is another route
	cr_assert_eq(fabric_table(2, &table), 0);
	cr_assert_eq(table.route_count, 4);
	assert_refused(-EEXIST, [&](vcore_err *e) {
		return vcore_ctl_route6_add(ctl, "subnet-b", any6, 0, "igw-1", &r, e);
	}, "already has a route to ::/0");
	uint8_t host_bits[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1 };
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_route6_add(ctl, "subnet-b", host_bits, 32, "igw-1", &r, e);
	}, "did you mean 2001:db8::/32");
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_route6_add(ctl, "subnet-b", doc6, 129, "igw-1", &r, e);
	}, "0 to 128");
	assert_refused(-EBUSY, [&](vcore_err *e) {
		return vcore_ctl_vpc_ipv6_set(ctl, "vpc-default", nullptr, 0, &v, e);
	}, "subnet-b", "IPv6 routes");
	cr_assert_eq(vcore_ctl_route6_del(ctl, "subnet-b", any6, 0, &err), 0, "%s", err.msg);
	cr_assert_eq(vcore_ctl_vpc_ipv6_set(ctl, "vpc-default", nullptr, 0, &v, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(count_routes(), 4, "the /56 local routes went with the block");
	cr_assert_eq(fake.last_igw_port.has_ipv6, 0, "and the gateway no longer answers for it");
}

/* ---- egress-only internet gateways ---- */

/*
 * EC2's egress-only internet gateway: "eigw-…", one per VPC beside its
 * internet gateway, IPv6 routes only; its port is an egress-only IGW port
 * that follows the VPC's IPv6 block as the internet gateway's does.
 */
CORE_TEST(route, egress_only_gateway_lifecycle)
{
	static vcore_fabric_subnet_desc table;
	vcore_igw_info g;
	vcore_route_info r;
	vcore_err err = {};

	add_igw("igw-1", "vpc-default", &internet);
	vpc_ipv6("vpc-default", "2600:1f18:ab:1200::");
	g = add_igw("eigw-1", "vpc-default", &internet2);
	cr_assert_eq(g.egress_only, 1);
	cr_assert_eq(g.frag_needed, 0, "frag-needed is IPv4's");
	cr_assert_eq(fake.last_igw.port.egress_only, 1);
	cr_assert_eq(fake.last_igw.port.has_ipv6, 1);
	cr_assert_eq(fake.last_igw.port.ipv6_prefix, 0x26001f1800ab1200ull);
	cr_assert_eq(vcore_ctl_igw_get(ctl, "igw-1", &g, &err), 0);
	cr_assert_eq(g.egress_only, 0);
	cr_assert_eq(vcore_ctl_route6_add(ctl, "subnet-b", any6, 0, "eigw-1", &r, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(r.target, VNITRO_ROUTE_TARGET_EIGW);
	cr_assert_str_eq(r.target_id, "eigw-1");
	cr_assert_eq(fabric_table(2, &table), 0);
	cr_assert_eq(table.routes[table.route_count - 1].target, VCORE_ROUTE_EIGW);
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_route_add(ctl, "subnet-b", 0, 0, "eigw-1", &r, e);
	}, "egress-only internet gateway eigw-1", "IPv6 alone");
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_igw_set(ctl, "eigw-1", 1, &g, e);
	}, "eigw-1", "egress-only");
	assert_refused(-EBUSY, [](vcore_err *e) {
		return vcore_ctl_igw_del(ctl, "eigw-1", e);
	}, "egress-only internet gateway eigw-1", "subnet-b", "delete that route first");
	assert_refused(-EEXIST, [&](vcore_err *e) {
		return vcore_ctl_igw_add(ctl, "eigw-2", "vpc-default", &internet2, "inet", 1, &g, e);
	}, "already has egress-only internet gateway eigw-1");
	assert_refused(-ENOENT, [&](vcore_err *e) {
		return vcore_ctl_igw_get(ctl, "eigw-9", &g, e);
	}, "egress-only internet gateway \"eigw-9\" does not exist");
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_igw_add(ctl, "eigw-", "vpc-x", &internet2, "inet", 1, &g, e);
	}, "invalid internet gateway id", "eigw-");
	// The VPC keeps it until it is deleted; the block cannot go while the route is there.
	cr_assert_eq(vcore_ctl_route6_del(ctl, "subnet-b", any6, 0, &err), 0, "%s", err.msg);
	cr_assert_eq(vcore_ctl_igw_del(ctl, "igw-1", &err), 0, "%s", err.msg);
	assert_refused(-EBUSY, [](vcore_err *e) {
		return vcore_ctl_vpc_del(ctl, "vpc-default", e);
	}, "vpc-default");
	cr_assert_eq(vcore_ctl_igw_del(ctl, "eigw-1", &err), 0, "%s", err.msg);
	cr_assert_eq(fake.last_release, &internet2);
	// Gone, the VPC can have another.
	add_igw("eigw-2", "vpc-default", &internet2);
}

// A failure to update the second gateway with a new block puts the first one back.
CORE_TEST(route, a_gateway_that_cannot_take_the_block_undoes_it)
{
	vcore_vpc_info v;
	uint8_t block[16] = {};

	add_igw("igw-1", "vpc-default", &internet);
	add_igw("eigw-1", "vpc-default", &internet2);
	inet_pton(AF_INET6, "2600:1f18:ab:1200::", block);
	fake.igw_updates_to_pass = 1;
	fake_fail_next(&fake.fail_next_igw, -ENOMEM, "cannot update");
	vcore_err err = {};
	cr_assert_eq(vcore_ctl_vpc_ipv6_set(ctl, "vpc-default", block, 56, &v, &err), -ENOMEM);
	cr_assert_str_eq(err.msg, "cannot update");
	cr_assert_eq(fake.igw_updates, 2u, "the first gateway took the block, then gave it back");
	cr_assert_eq(fake.last_igw_port.has_ipv6, 0, "the first gateway has no block again");
	cr_assert_eq(fake.last_igw_port.egress_only, 0);
	cr_assert_eq(count_routes(), 3, "no /56 local route");
}
