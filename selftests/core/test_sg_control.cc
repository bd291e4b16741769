// SPDX-License-Identifier: GPL-2.0
// test_sg.cc - security groups: default groups, names, rules, quotas, references (core/control/sg.cc).
#include "ctl_fixture.h"

/*
 * vpc-default 172.31.0.0/16 (default group)
 *   subnet-default 172.31.0.0/20  i1
 * vpc-b 10.0.0.0/16 (default group)
 *   subnet-b 10.0.1.0/24
 */
static void setup(void)
{
	ctl_setup();
	default_world();
	add_vpc("vpc-b", ip4(10, 0, 0, 0), 16);
	add_subnet("subnet-b", "vpc-b", ip4(10, 0, 1, 0), 24, "us-east-1a");
}

TestSuite(sg_control, .init = setup, .fini = harness_fini);

constexpr uint16_t tcp = 6, udp = 17, icmp = 1;

static vcore_sg_info add_sg(const char *id, const char *vpc, const char *name,
			    const char *description = "")
{
	static vcore_sg_info g;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_sg_add(ctl, id, vpc, name, description, &g, &err), 0, "%s",
		     err.msg);
	return g;
}

static vcore_sg_info get_sg(const char *id)
{
	static vcore_sg_info g;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_sg_get(ctl, id, &g, &err), 0, "%s", err.msg);
	return g;
}

// The id of @vpc's default group.
static const char *default_sg(const char *vpc)
{
	static vcore_sg_info g;

	for (uint32_t n = 0; vcore_ctl_sg_at(ctl, n, &g) == 0; n++)
		if (g.is_default && !strcmp(g.vpc_id, vpc))
			return g.id;
	cr_assert_fail("VPC %s has no default group", vpc);
	return nullptr;
}

static vcore_ctl_sg_rule rule(uint8_t direction, uint16_t protocol)
{
	vcore_ctl_sg_rule r = {};

	r.direction = direction;
	r.protocol = protocol;
	r.icmp_type = r.icmp_code = -1;
	return r;
}

static vcore_ctl_sg_rule ports(vcore_ctl_sg_rule r, uint16_t from, uint16_t to)
{
	r.has_ports = 1;
	r.port_from = from;
	r.port_to = to;
	return r;
}

static vcore_ctl_sg_rule cidr(vcore_ctl_sg_rule r, uint32_t addr, uint8_t prefixlen)
{
	r.cidr_addr = addr;
	r.cidr_prefixlen = prefixlen;
	return r;
}

static vcore_ctl_sg_rule peer(vcore_ctl_sg_rule r, const char *id)
{
	snprintf(r.peer_id, sizeof(r.peer_id), "%s", id);
	return r;
}

static vcore_sg_info rule_add(const char *id, const vcore_ctl_sg_rule &r)
{
	static vcore_sg_info g;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_sg_rule_add(ctl, id, &r, &g, &err), 0, "%s", err.msg);
	return g;
}

static vcore_ctl_sg_rule rule_at(const char *id, uint32_t pos)
{
	vcore_ctl_sg_rule r;

	cr_assert_eq(vcore_ctl_sg_rule_at(ctl, id, pos, &r), 0, "no rule %u in %s", pos, id);
	return r;
}

static int set_groups(const char *eni, std::initializer_list<const char *> ids, vcore_err *err)
{
	static vcore_eni_changes c;
	static vcore_eni_info e;

	c = vcore_eni_changes{};
	c.set_security_groups = 1;
	for (const char *id : ids)
		snprintf(c.security_groups[c.security_group_count++], VCORE_ID_MAX, "%s", id);
	return vcore_ctl_eni_set(ctl, eni, &c, &e, err);
}

static bool is_sg_id17(const char *id)
{
	if (strncmp(id, "sg-", 3) || strlen(id) != 20)
		return false;
	for (const char *p = id + 3; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

/* ---- the default group ---- */

CORE_TEST(sg_control, every_vpc_has_a_default_group)
{
	const char *id = default_sg("vpc-b");
	vcore_sg_info g = get_sg(id);
	vcore_ctl_sg_rule in, out;

	cr_assert(is_sg_id17(id), "id %s", id);
	cr_assert_str_eq(g.name, "default");
	cr_assert_str_eq(g.description, "default VPC security group");
	cr_assert_str_eq(g.vpc_id, "vpc-b");
	cr_assert_eq(g.is_default, 1);
	cr_assert_eq(g.rule_count, 2);
	in = rule_at(id, 0);
	cr_assert_eq(in.direction, VNITRO_SG_INGRESS);
	cr_assert_eq(in.protocol, VNITRO_SG_PROTO_ALL);
	cr_assert_str_eq(in.peer_id, id, "ingress from the group itself");
	out = rule_at(id, 1);
	cr_assert_eq(out.direction, VNITRO_SG_EGRESS);
	cr_assert_eq(out.protocol, VNITRO_SG_PROTO_ALL);
	cr_assert_str_empty(out.peer_id);
	cr_assert_eq(out.cidr_addr, 0);
	cr_assert_eq(out.cidr_prefixlen, 0, "egress to 0.0.0.0/0");
	cr_assert_eq(count_sgs(), 2);
}

CORE_TEST(sg_control, default_group_cannot_be_deleted_but_goes_with_its_vpc)
{
	const char *id = default_sg("vpc-b");
	char saved[VCORE_ID_MAX];
	vcore_err err = {};

	snprintf(saved, sizeof(saved), "%s", id);
	assert_refused(-EPERM, [&](vcore_err *e) { return vcore_ctl_sg_del(ctl, saved, e); },
		       "CannotDelete", saved, "default");
	cr_assert_eq(vcore_ctl_subnet_del(ctl, "subnet-b", &err), 0, "%s", err.msg);
	cr_assert_eq(vcore_ctl_vpc_del(ctl, "vpc-b", &err), 0, "%s", err.msg);
	cr_assert_eq(count_sgs(), 1);
	cr_assert_eq(vcore_ctl_sg_get(ctl, saved, nullptr, &err), -ENOENT);
}

CORE_TEST(sg_control, default_group_rules_can_change)
{
	const char *id = default_sg("vpc-b");
	vcore_ctl_sg_rule self = peer(rule(VNITRO_SG_INGRESS, VNITRO_SG_PROTO_ALL), id);
	vcore_sg_info g;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_sg_rule_del(ctl, id, &self, &g, &err), 0, "%s", err.msg);
	cr_assert_eq(g.rule_count, 1);
	rule_add(id, self);
	cr_assert_eq(get_sg(id).rule_count, 2);
}

CORE_TEST(sg_control, new_eni_gets_its_vpcs_default_group)
{
	vcore_eni_info e = add_eni(eni_spec("subnet-b"));

	cr_assert_eq(e.security_group_count, 1);
	cr_assert_str_eq(e.security_groups[0], default_sg("vpc-b"));
	vcore_instance_info i = get_instance("i1");

	e = get_eni(i.primary_eni_id);
	cr_assert_str_eq(e.security_groups[0], default_sg("vpc-default"));
}

/* ---- creating and naming groups ---- */

CORE_TEST(sg_control, add_starts_with_one_egress_rule)
{
	vcore_sg_info g = add_sg("", "vpc-b", "web", "web servers");
	vcore_ctl_sg_rule r;

	cr_assert(is_sg_id17(g.id), "id %s", g.id);
	cr_assert_str_eq(g.name, "web");
	cr_assert_str_eq(g.description, "web servers");
	cr_assert_eq(g.is_default, 0);
	cr_assert_eq(g.rule_count, 1, "no ingress rule, one egress rule");
	r = rule_at(g.id, 0);
	cr_assert_eq(r.direction, VNITRO_SG_EGRESS);
	cr_assert_eq(r.protocol, VNITRO_SG_PROTO_ALL);
	cr_assert_eq(r.cidr_prefixlen, 0);
	cr_assert_str_empty(r.peer_id);
}

CORE_TEST(sg_control, keys_are_small_and_distinct)
{
	uint32_t a = get_sg(default_sg("vpc-default")).key;
	uint32_t b = get_sg(default_sg("vpc-b")).key;
	uint32_t c = add_sg("sg-c", "vpc-b", "c").key;

	cr_assert(a >= 1 && a != b && b != c && a != c);
	cr_assert(c <= 3, "key %u", c);
}

CORE_TEST(sg_control, given_id_and_name_defaults)
{
	vcore_sg_info g = add_sg("sg-0123abcd", "vpc-b", "");

	cr_assert_str_eq(g.id, "sg-0123abcd");
	cr_assert_str_eq(g.name, "sg-0123abcd", "a group without a name is named after its id");
	g = add_sg("sg-1", "vpc-b", "trailing   ", "desc  ");
	cr_assert_str_eq(g.name, "trailing", "trailing spaces are trimmed, as EC2 does");
	cr_assert_str_eq(g.description, "desc");
}

CORE_TEST(sg_control, add_refusals_change_nothing)
{
	static char long_name[VNITRO_SG_NAME_LEN + 1];
	static char long_desc[VNITRO_DESCRIPTION_LEN + 1];
	vcore_sg_info g;

	add_sg("sg-a", "vpc-b", "web");
	memset(long_name, 'n', VNITRO_SG_NAME_LEN);
	memset(long_desc, 'd', VNITRO_DESCRIPTION_LEN);
	assert_refused(-ENOENT, [&](vcore_err *e) {
		return vcore_ctl_sg_add(ctl, "", "vpc-none", "x", "", &g, e);
	}, "vpc-none", "does not exist");
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_sg_add(ctl, "sg-xyz", "vpc-b", "x", "", &g, e);
	}, "invalid security group id", "sg-xyz");
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_sg_add(ctl, "sg-0123456789abcdef01", "vpc-b", "x", "", &g, e);
	}, "1 to 17 lowercase hex digits");
	assert_refused(-EEXIST, [&](vcore_err *e) {
		return vcore_ctl_sg_add(ctl, "sg-a", "vpc-default", "x", "", &g, e);
	}, "sg-a", "already exists");
	assert_refused(-EEXIST, [&](vcore_err *e) {
		return vcore_ctl_sg_add(ctl, "", "vpc-b", "web", "", &g, e);
	}, "vpc-b", "\"web\"", "sg-a");
	assert_refused(-EEXIST, [&](vcore_err *e) {
		return vcore_ctl_sg_add(ctl, "", "vpc-b", "web  ", "", &g, e);
	}, "\"web\"");
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_sg_add(ctl, "", "vpc-b", "default", "", &g, e);
	}, "\"default\" is reserved");
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_sg_add(ctl, "", "vpc-b", "sg-web", "", &g, e);
	}, "may not start with \"sg-\"");
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_sg_add(ctl, "", "vpc-b", "   ", "", &g, e);
	}, "cannot be empty");
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_sg_add(ctl, "", "vpc-b", long_name, "", &g, e);
	}, "at most 255 characters");
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_sg_add(ctl, "", "vpc-b", "x", long_desc, &g, e);
	}, "description has at most 255 characters");
	// The same name in another VPC is another group.
	add_sg("", "vpc-default", "web");
}

/* ---- rules ---- */

CORE_TEST(sg_control, rules_of_every_kind_are_stored)
{
	const char *self = "sg-a";
	vcore_ctl_sg_rule r;

	add_sg(self, "vpc-b", "web");
	rule_add(self, cidr(ports(rule(VNITRO_SG_INGRESS, tcp), 22, 22), ip4(203, 0, 113, 0), 24));
	rule_add(self, cidr(ports(rule(VNITRO_SG_INGRESS, udp), 1000, 2000), 0, 0));
	rule_add(self, cidr(rule(VNITRO_SG_INGRESS, icmp), ip4(10, 0, 0, 0), 8));
	r = rule(VNITRO_SG_INGRESS, icmp);
	r.icmp_type = 8;
	rule_add(self, cidr(r, 0, 0));
	r.icmp_code = 0;
	rule_add(self, cidr(r, 0, 0));
	rule_add(self, peer(rule(VNITRO_SG_INGRESS, 47), self));
	rule_add(self, peer(rule(VNITRO_SG_EGRESS, 0), default_sg("vpc-b")));
	cr_assert_eq(get_sg(self).rule_count, 8);
	r = rule_at(self, 0);
	cr_assert_eq(r.protocol, tcp);
	cr_assert_eq(r.has_ports, 1);
	cr_assert_eq(r.port_from, 22);
	cr_assert_eq(r.cidr_addr, ip4(203, 0, 113, 0));
	cr_assert_eq(r.cidr_prefixlen, 24);
	cr_assert_eq(r.icmp_type, -1);
	r = rule_at(self, 4);
	cr_assert_eq(r.icmp_type, 8);
	cr_assert_eq(r.icmp_code, 0);
	r = rule_at(self, 5);
	cr_assert_eq(r.protocol, 47);
	cr_assert_str_eq(r.peer_id, self);
	// Ingress first, then egress: the initial egress rule, then the new one.
	cr_assert_eq(rule_at(self, 6).direction, VNITRO_SG_EGRESS);
	r = rule_at(self, 7);
	cr_assert_str_eq(r.peer_id, default_sg("vpc-b"));
	cr_assert_eq(vcore_ctl_sg_rule_at(ctl, self, 8, &r), -ENOENT);
}

CORE_TEST(sg_control, invalid_rules_change_nothing)
{
	const char *id = "sg-a";
	vcore_ctl_sg_rule r;
	vcore_sg_info g;

	add_sg(id, "vpc-b", "web");
	add_sg("sg-d", "vpc-default", "other");
	auto refuse_add = [&](int code, const vcore_ctl_sg_rule &bad, const char *w1, const char *w2) {
		assert_refused(code, [&](vcore_err *e) {
			return vcore_ctl_sg_rule_add(ctl, id, &bad, &g, e);
		}, w1, w2);
	};
	refuse_add(-EINVAL, rule(VNITRO_SG_INGRESS, tcp), "tcp rule needs a port range", "0-65535");
	refuse_add(-EINVAL, rule(VNITRO_SG_INGRESS, udp), "udp rule needs a port range", "");
	refuse_add(-EINVAL, ports(rule(VNITRO_SG_INGRESS, tcp), 90, 80), "80", "backwards");
	refuse_add(-EINVAL, ports(rule(VNITRO_SG_INGRESS, VNITRO_SG_PROTO_ALL), 1, 2),
		   "only tcp and udp rules take ports", "all");
	refuse_add(-EINVAL, ports(rule(VNITRO_SG_INGRESS, icmp), 1, 2),
		   "only tcp and udp rules take ports", "1");
	refuse_add(-EINVAL, rule(VNITRO_SG_INGRESS, 257), "protocol 257 does not exist", "0 to 255");
	r = rule(VNITRO_SG_INGRESS, tcp);
	r.icmp_type = 3;
	refuse_add(-EINVAL, ports(r, 1, 1), "only icmp and icmpv6 rules take an icmp type", "");
	r = rule(VNITRO_SG_INGRESS, icmp);
	r.icmp_code = 4;
	refuse_add(-EINVAL, r, "any type must be for any code", "");
	r.icmp_type = 256;
	refuse_add(-EINVAL, r, "from 0 to 255", "");
	r = rule(2, tcp);
	refuse_add(-EINVAL, r, "ingress or egress", "");
	refuse_add(-EINVAL, cidr(rule(VNITRO_SG_EGRESS, VNITRO_SG_PROTO_ALL), 0, 33), "/33",
		   "/0 to /32");
	refuse_add(-EINVAL, cidr(rule(VNITRO_SG_EGRESS, VNITRO_SG_PROTO_ALL), ip4(10, 0, 0, 1), 24),
		   "host bits set", "10.0.0.0/24");
	refuse_add(-ENOENT, peer(rule(VNITRO_SG_INGRESS, VNITRO_SG_PROTO_ALL), "sg-ffff"),
		   "sg-ffff", "does not exist");
	refuse_add(-EINVAL, peer(rule(VNITRO_SG_INGRESS, VNITRO_SG_PROTO_ALL), "sg-d"),
		   "vpc-default", "its own VPC");
	// The number of tcp is tcp.
	refuse_add(-EINVAL, cidr(rule(VNITRO_SG_INGRESS, 6), 0, 0), "tcp rule needs a port range",
		   "");
	assert_refused(-ENOENT, [&](vcore_err *e) {
		r = rule(VNITRO_SG_INGRESS, VNITRO_SG_PROTO_ALL);
		return vcore_ctl_sg_rule_add(ctl, "sg-9", &r, &g, e);
	}, "sg-9", "does not exist");
}

CORE_TEST(sg_control, duplicate_rule_refused)
{
	vcore_ctl_sg_rule ssh = cidr(ports(rule(VNITRO_SG_INGRESS, tcp), 22, 22), 0, 0);
	vcore_ctl_sg_rule all_out = rule(VNITRO_SG_EGRESS, VNITRO_SG_PROTO_ALL);
	vcore_sg_info g;

	add_sg("sg-a", "vpc-b", "web");
	rule_add("sg-a", ssh);
	assert_refused(-EEXIST, [&](vcore_err *e) {
		return vcore_ctl_sg_rule_add(ctl, "sg-a", &ssh, &g, e);
	}, "the specified rule", "\"peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW\"",
	   "already exists");
	assert_refused(-EEXIST, [&](vcore_err *e) {
		return vcore_ctl_sg_rule_add(ctl, "sg-a", &all_out, &g, e);
	}, "peer: 0.0.0.0/0, ALL, ALLOW", "egress");
	// The same rule in the other direction is another rule.
	ssh.direction = VNITRO_SG_EGRESS;
	rule_add("sg-a", ssh);
}

CORE_TEST(sg_control, rule_del_needs_an_equal_rule)
{
	vcore_ctl_sg_rule ssh = cidr(ports(rule(VNITRO_SG_INGRESS, tcp), 22, 22), 0, 0);
	vcore_ctl_sg_rule other = ssh;
	vcore_sg_info g;
	vcore_err err = {};

	add_sg("sg-a", "vpc-b", "web");
	rule_add("sg-a", ssh);
	other.port_to = 23;
	assert_refused(-ENOENT, [&](vcore_err *e) {
		return vcore_ctl_sg_rule_del(ctl, "sg-a", &other, &g, e);
	}, "does not exist", "to port: 23", "sg-a");
	other = ssh;
	other.direction = VNITRO_SG_EGRESS;
	assert_refused(-ENOENT, [&](vcore_err *e) {
		return vcore_ctl_sg_rule_del(ctl, "sg-a", &other, &g, e);
	}, "egress");
	cr_assert_eq(vcore_ctl_sg_rule_del(ctl, "sg-a", &ssh, &g, &err), 0, "%s", err.msg);
	cr_assert_eq(g.rule_count, 1);
	assert_refused(-ENOENT, [&](vcore_err *e) {
		return vcore_ctl_sg_rule_del(ctl, "sg-a", &ssh, &g, e);
	}, "does not exist");
}

CORE_TEST(sg_control, sixty_rules_each_way)
{
	vcore_ctl_sg_rule r;
	vcore_sg_info g;

	add_sg("sg-a", "vpc-b", "web");
	for (uint16_t p = 1; p <= VNITRO_MAX_SG_RULES; p++)
		rule_add("sg-a", cidr(ports(rule(VNITRO_SG_INGRESS, tcp), p, p), 0, 0));
	r = cidr(ports(rule(VNITRO_SG_INGRESS, tcp), 61, 61), 0, 0);
	assert_refused(-ENOSPC, [&](vcore_err *e) {
		return vcore_ctl_sg_rule_add(ctl, "sg-a", &r, &g, e);
	}, "60 ingress rules", "Inbound or outbound rules per security group");
	// The egress bucket is separate: one rule there already, 59 more fit.
	for (uint16_t p = 1; p < VNITRO_MAX_SG_RULES; p++)
		rule_add("sg-a", cidr(ports(rule(VNITRO_SG_EGRESS, udp), p, p), 0, 0));
	r = cidr(ports(rule(VNITRO_SG_EGRESS, udp), 99, 99), 0, 0);
	assert_refused(-ENOSPC, [&](vcore_err *e) {
		return vcore_ctl_sg_rule_add(ctl, "sg-a", &r, &g, e);
	}, "60 egress rules");
	cr_assert_eq(get_sg("sg-a").rule_count, 2 * VNITRO_MAX_SG_RULES);
}

/* ---- deleting groups ---- */

CORE_TEST(sg_control, del_refused_while_an_eni_uses_the_group)
{
	vcore_eni_info e = add_eni(eni_spec("subnet-b"));
	vcore_err err = {};

	add_sg("sg-a", "vpc-b", "web");
	cr_assert_eq(set_groups(e.id, { "sg-a" }, &err), 0, "%s", err.msg);
	assert_refused(-EBUSY, [&](vcore_err *x) { return vcore_ctl_sg_del(ctl, "sg-a", x); },
		       "dependent object", e.id);
	cr_assert_eq(set_groups(e.id, { default_sg("vpc-b") }, &err), 0, "%s", err.msg);
	cr_assert_eq(vcore_ctl_sg_del(ctl, "sg-a", &err), 0, "%s", err.msg);
	cr_assert_eq(count_sgs(), 2);
}

CORE_TEST(sg_control, del_refused_while_another_group_names_it)
{
	vcore_ctl_sg_rule from_a = peer(rule(VNITRO_SG_INGRESS, VNITRO_SG_PROTO_ALL), "sg-a");
	vcore_sg_info g;
	vcore_err err = {};

	add_sg("sg-a", "vpc-b", "a");
	add_sg("sg-b", "vpc-b", "b");
	rule_add("sg-b", from_a);
	assert_refused(-EBUSY, [&](vcore_err *x) { return vcore_ctl_sg_del(ctl, "sg-a", x); },
		       "dependent object", "sg-b");
	cr_assert_eq(vcore_ctl_sg_rule_del(ctl, "sg-b", &from_a, &g, &err), 0, "%s", err.msg);
	// A rule naming the group itself does not hold it.
	rule_add("sg-a", from_a);
	cr_assert_eq(vcore_ctl_sg_del(ctl, "sg-a", &err), 0, "%s", err.msg);
	assert_refused(-ENOENT, [&](vcore_err *x) { return vcore_ctl_sg_del(ctl, "sg-a", x); },
		       "does not exist");
}

CORE_TEST(sg_control, vpc_del_refused_while_it_has_groups)
{
	vcore_err err = {};

	add_sg("sg-a", "vpc-b", "web");
	cr_assert_eq(vcore_ctl_subnet_del(ctl, "subnet-b", &err), 0, "%s", err.msg);
	assert_refused(-EBUSY, [&](vcore_err *x) { return vcore_ctl_vpc_del(ctl, "vpc-b", x); },
		       "security group sg-a", "\"web\"");
	cr_assert_eq(vcore_ctl_sg_del(ctl, "sg-a", &err), 0, "%s", err.msg);
	cr_assert_eq(vcore_ctl_vpc_del(ctl, "vpc-b", &err), 0, "%s", err.msg);
	cr_assert_eq(count_sgs(), 1);
}

CORE_TEST(sg_control, vpc_add_failing_leaves_no_group)
{
	assert_refused(-EINVAL, [&](vcore_err *x) {
		return vcore_ctl_vpc_add(ctl, "vpc-c", ip4(10, 1, 0, 0), 8, x);
	}, "/8");
	harness.fail_alloc_in = 2;	// the VPC, then its default group
	assert_refused(-ENOMEM, [&](vcore_err *x) {
		return vcore_ctl_vpc_add(ctl, "vpc-c", ip4(10, 1, 0, 0), 16, x);
	}, "out of memory");
}

/* ---- an ENI's groups ---- */

CORE_TEST(sg_control, eni_groups_must_exist_in_its_vpc)
{
	vcore_eni_info e = add_eni(eni_spec("subnet-b"));
	const char *id = e.id;
	vcore_err err = {};

	add_sg("sg-a", "vpc-b", "a");
	add_sg("sg-d", "vpc-default", "d");
	assert_refused(-ENOENT, [&](vcore_err *x) { return set_groups(id, { "sg-a", "sg-77" }, x); },
		       "sg-77", "does not exist");
	assert_refused(-EINVAL, [&](vcore_err *x) { return set_groups(id, { "sg-d" }, x); },
		       "sg-d", "vpc-default", "vpc-b");
	assert_refused(-EINVAL, [&](vcore_err *x) { return set_groups(id, {}, x); },
		       "at least one security group", default_sg("vpc-b"));
	assert_refused(-EINVAL, [&](vcore_err *x) { return set_groups(id, { "sg-a", "sg-a" }, x); },
		       "listed twice");
	cr_assert_eq(set_groups(id, { "sg-a", default_sg("vpc-b") }, &err), 0, "%s", err.msg);
	e = get_eni(id);
	cr_assert_eq(e.security_group_count, 2);
	cr_assert_str_eq(e.security_groups[0], "sg-a");
}

CORE_TEST(sg_control, five_groups_per_eni)
{
	vcore_eni_info e = add_eni(eni_spec("subnet-b"));
	const char *id = e.id;
	static vcore_eni_changes c;
	vcore_eni_info out;
	vcore_err err = {};

	add_sg("sg-1", "vpc-b", "1");
	add_sg("sg-2", "vpc-b", "2");
	add_sg("sg-3", "vpc-b", "3");
	add_sg("sg-4", "vpc-b", "4");
	add_sg("sg-5", "vpc-b", "5");
	cr_assert_eq(set_groups(id, { "sg-1", "sg-2", "sg-3", "sg-4", "sg-5" }, &err), 0, "%s",
		     err.msg);
	c = vcore_eni_changes{};
	c.set_security_groups = 1;
	c.security_group_count = 6;
	assert_refused(-ENOSPC, [&](vcore_err *x) { return vcore_ctl_eni_set(ctl, id, &c, &out, x); },
		       "at most 5 security groups", "Security groups per network interface");
}

/* ---- what the fabric is given ---- */

CORE_TEST(sg_control, an_attached_enis_port_names_its_groups_and_follows_a_change)
{
	vcore_instance_info inst = add_instance("i9", &ns3, "subnet-default");
	vcore_sg_info web = add_sg("sg-e0", "vpc-default", "web");
	vcore_err err = {};
	uint32_t dkey;

	cr_assert_eq(fake.last_plug.port.sg_count, 1u, "attached with the default group");
	dkey = fake.last_plug.port.sg_keys[0];
	cr_assert_neq(dkey, 0u);
	cr_assert_eq(set_groups(inst.primary_eni_id, { "sg-e0", default_sg("vpc-default") }, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(fake.port_updates, 1u, "a change of groups reaches the port");
	cr_assert_eq(fake.last_port.sg_count, 2u);
	cr_assert_eq(fake.last_port.sg_keys[0], web.key);
	cr_assert_eq(fake.last_port.sg_keys[1], dkey);

	// The port refuses: the ENI keeps its groups (all or nothing).
	fake_fail_next(&fake.fail_next_update, -ENOMEM, "no memory");
	cr_assert_eq(set_groups(inst.primary_eni_id, { "sg-e0" }, &err), -ENOMEM);
	cr_assert_eq(get_eni(inst.primary_eni_id).security_group_count, 2u);
}

/* ---- IPv6 ---- */

static vcore_ctl_sg_rule cidr6(vcore_ctl_sg_rule r, uint64_t hi, uint64_t lo, uint8_t prefixlen)
{
	r.ipv6 = 1;
	for (int i = 0; i < 8; i++) {
		r.cidr6[i] = uint8_t(hi >> (56 - 8 * i));
		r.cidr6[8 + i] = uint8_t(lo >> (56 - 8 * i));
	}
	r.cidr_prefixlen = prefixlen;
	return r;
}

static void vpc_ipv6(const char *vpc)
{
	vcore_vpc_info v;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_vpc_ipv6_set(ctl, vpc, nullptr, 56, &v, &err), 0, "%s", err.msg);
}

// Has @id an egress "all traffic to ::/0" rule?
static bool has_all_ipv6_out(const char *id)
{
	vcore_ctl_sg_rule r;

	for (uint32_t k = 0; vcore_ctl_sg_rule_at(ctl, id, k, &r) == 0; k++)
		if (r.direction == VNITRO_SG_EGRESS && r.ipv6 && !r.cidr_prefixlen &&
		    r.protocol == VNITRO_SG_PROTO_ALL)
			return true;
	return false;
}

/*
 * EC2: the default group of a VPC with an IPv6 block has an "all IPv6 out"
 * rule (::/0), added when the block is associated; other groups do not get
 * one, and the rule stays if the block goes.
 */
CORE_TEST(sg_control, the_default_group_gets_all_ipv6_out_with_a_block)
{
	const char *def = default_sg("vpc-b");

	add_sg("sg-a", "vpc-b", "web");
	cr_assert_not(has_all_ipv6_out(def));
	vpc_ipv6("vpc-b");
	cr_assert(has_all_ipv6_out(def));
	cr_assert_eq(get_sg(def).rule_count, 3u);
	cr_assert_not(has_all_ipv6_out("sg-a"));
	add_sg("sg-c", "vpc-b", "later");
	cr_assert_not(has_all_ipv6_out("sg-c"));
}

CORE_TEST(sg_control, ipv6_rules_are_stored_and_compared_with_their_block)
{
	vcore_ctl_sg_rule r = cidr6(ports(rule(VNITRO_SG_INGRESS, tcp), 22, 22),
				    0x20010db800000000ull, 0, 32);
	vcore_ctl_sg_rule echo = cidr6(rule(VNITRO_SG_INGRESS, 58), 0, 0, 0);
	vcore_sg_info g;

	add_sg("sg-a", "vpc-b", "web");
	rule_add("sg-a", r);
	cr_assert_eq(rule_at("sg-a", 0).ipv6, 1);
	cr_assert_eq(memcmp(rule_at("sg-a", 0).cidr6, r.cidr6, 16), 0);
	cr_assert_eq(rule_at("sg-a", 0).cidr_prefixlen, 32);
	// The same ports from the IPv4 block with the same bits is another rule.
	rule_add("sg-a", cidr(ports(rule(VNITRO_SG_INGRESS, tcp), 22, 22), 0x20010db8, 32));
	echo.icmp_type = 128;
	rule_add("sg-a", echo);
	cr_assert_eq(rule_at("sg-a", 2).icmp_type, 128, "icmpv6 takes a type");
	assert_refused(-EEXIST, [&](vcore_err *e) {
		return vcore_ctl_sg_rule_add(ctl, "sg-a", &r, &g, e);
	}, "2001:db8::/32", "already exists");
	vcore_ctl_sg_rule host_bits = cidr6(rule(VNITRO_SG_INGRESS, udp), 0x20010db800000000ull, 1, 64);
	host_bits = ports(host_bits, 1, 1);
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_sg_rule_add(ctl, "sg-a", &host_bits, &g, e);
	}, "2001:db8::1/64", "did you mean 2001:db8::/64");
	vcore_ctl_sg_rule too_long = cidr6(rule(VNITRO_SG_INGRESS, VNITRO_SG_PROTO_ALL), 0, 0, 129);
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_sg_rule_add(ctl, "sg-a", &too_long, &g, e);
	}, "/129", "/0 to /128");
	cr_assert_eq(vcore_ctl_sg_rule_del(ctl, "sg-a", &r, &g, nullptr), 0);
	cr_assert_eq(get_sg("sg-a").rule_count, 3u, "the IPv4 twin stays");
}

/*
 * EC2 counts 60 rules per direction for IPv4 and 60 for IPv6, a rule that
 * names a group in both.
 */
CORE_TEST(sg_control, sixty_rules_per_family)
{
	vcore_ctl_sg_rule r;
	vcore_sg_info g;

	add_sg("sg-a", "vpc-b", "web");
	add_sg("sg-b", "vpc-b", "db");
	for (uint16_t p = 1; p <= VNITRO_MAX_SG_RULES; p++)
		rule_add("sg-a", cidr(ports(rule(VNITRO_SG_INGRESS, tcp), p, p), 0, 0));
	for (uint16_t p = 1; p < VNITRO_MAX_SG_RULES; p++)
		rule_add("sg-a", cidr6(ports(rule(VNITRO_SG_INGRESS, tcp), p, p), 0, 0, 0));
	r = peer(rule(VNITRO_SG_INGRESS, VNITRO_SG_PROTO_ALL), "sg-b");
	assert_refused(-ENOSPC, [&](vcore_err *e) {
		return vcore_ctl_sg_rule_add(ctl, "sg-a", &r, &g, e);
	}, "60 ingress rules for IPv4", "counts for both", "per address family");
	rule_add("sg-a", cidr6(ports(rule(VNITRO_SG_INGRESS, tcp), 99, 99), 0, 0, 0));
	r = cidr6(ports(rule(VNITRO_SG_INGRESS, tcp), 100, 100), 0, 0, 0);
	assert_refused(-ENOSPC, [&](vcore_err *e) {
		return vcore_ctl_sg_rule_add(ctl, "sg-a", &r, &g, e);
	}, "60 ingress rules for IPv6");
	cr_assert_eq(get_sg("sg-a").rule_count, 2 * VNITRO_MAX_SG_RULES + 1);
}
