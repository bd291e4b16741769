// SPDX-License-Identifier: GPL-2.0
// test_nacl_control.cc - network ACLs: defaults, custom ACLs, entries, associations (control/nacl.cc).
#include "ctl_fixture.h"

/*
 * vpc-default 172.31.0.0/16 (default ACL)
 *   subnet-default 172.31.0.0/20  i1
 *   subnet-c 172.31.16.0/20
 * vpc-b 10.0.0.0/16 (default ACL)
 *   subnet-b 10.0.1.0/24
 */
static void setup(void)
{
	ctl_setup();
	default_world();
	add_subnet("subnet-c", "vpc-default", ip4(172, 31, 16, 0), 20, "us-east-1a");
	add_vpc("vpc-b", ip4(10, 0, 0, 0), 16);
	add_subnet("subnet-b", "vpc-b", ip4(10, 0, 1, 0), 24, "us-east-1a");
}

TestSuite(nacl_control, .init = setup, .fini = harness_fini);

constexpr uint16_t tcp = 6, udp = 17, icmp = 1;
constexpr uint16_t all = VNITRO_SG_PROTO_ALL;
constexpr uint8_t in = VNITRO_SG_INGRESS, out = VNITRO_SG_EGRESS;

static const vcore_nacl_info &add_acl(const char *id, const char *vpc)
{
	static vcore_nacl_info a;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_nacl_add(ctl, id, vpc, &a, &err), 0, "%s", err.msg);
	return a;
}

static const vcore_nacl_info &get_acl(const char *id)
{
	static vcore_nacl_info a;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_nacl_get(ctl, id, &a, &err), 0, "%s", err.msg);
	return a;
}

static const vcore_subnet_info &get_subnet(const char *id)
{
	static vcore_subnet_info s;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_subnet_get(ctl, id, &s, &err), 0, "%s", err.msg);
	return s;
}

// The id of @vpc's default ACL.
static const char *default_acl(const char *vpc)
{
	static vcore_nacl_info a;

	for (uint32_t n = 0; vcore_ctl_nacl_at(ctl, n, &a) == 0; n++)
		if (a.is_default && !strcmp(a.vpc_id, vpc))
			return a.id;
	cr_assert_fail("VPC %s has no default ACL", vpc);
	return nullptr;
}

static vcore_ctl_nacl_entry entry(uint8_t direction, uint16_t number, bool allow,
				  uint16_t protocol, uint32_t addr = 0, uint8_t prefixlen = 0)
{
	vcore_ctl_nacl_entry e = {};

	e.direction = direction;
	e.number = number;
	e.action = allow ? VNITRO_NACL_ALLOW : VNITRO_NACL_DENY;
	e.protocol = protocol;
	e.icmp_type = e.icmp_code = -1;
	e.cidr_addr = addr;
	e.cidr_prefixlen = prefixlen;
	return e;
}

static vcore_ctl_nacl_entry ports(vcore_ctl_nacl_entry e, uint16_t from, uint16_t to)
{
	e.has_ports = 1;
	e.port_from = from;
	e.port_to = to;
	return e;
}

static void add_entry(const char *id, const vcore_ctl_nacl_entry &e)
{
	vcore_nacl_info a;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_nacl_entry_add(ctl, id, &e, &a, &err), 0, "%s", err.msg);
}

static void associate(const char *id, const char *subnet)
{
	vcore_subnet_info s;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_nacl_associate(ctl, id, subnet, &s, &err), 0, "%s", err.msg);
	cr_assert_str_eq(s.nacl_id, id);
}

// The ACL key the fabric's table of @subnet names.
static uint32_t published_key(const char *subnet)
{
	static vcore_fabric_subnet_desc d;
	uint32_t key;

	for (key = 1; key < harness_max_plugs; key++) {
		vcore_subnet_info s;

		if (vcore_ctl_subnet_at(ctl, key - 1, &s) == 0 && !strcmp(s.id, subnet))
			break;
	}
	cr_assert_lt(key, harness_max_plugs);
	cr_assert_eq(fabric_table(key, &d), 0);
	return d.nacl_key;
}

// Entries of @id as "in 100 allow 256 ..." lines.
static const char *entries_of(const char *id)
{
	static char buf[4096];
	vcore_ctl_nacl_entry e;
	size_t len = 0;

	buf[0] = '\0';
	for (uint32_t k = 0; vcore_ctl_nacl_entry_at(ctl, id, k, &e) == 0; k++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s %u %s %u %u-%u %d/%d %08x/%u\n",
				e.direction == in ? "in" : "out", e.number,
				e.action == VNITRO_NACL_ALLOW ? "allow" : "deny", e.protocol,
				e.port_from, e.port_to, e.icmp_type, e.icmp_code, e.cidr_addr,
				e.cidr_prefixlen);
	return buf;
}

CORE_TEST(nacl_control, every_vpc_has_a_default_acl_allowing_all)
{
	const char *id = default_acl("vpc-default");
	vcore_nacl_info a = get_acl(id);

	cr_assert_eq(count_nacls(), 2);
	cr_assert_eq(strncmp(id, "acl-", 4), 0);
	cr_assert_eq(strlen(id), 4 + 17);
	cr_assert(a.is_default);
	cr_assert_eq(a.entry_count, 2);
	cr_assert_eq(a.subnet_count, 2);
	cr_assert_str_eq(entries_of(id), "in 100 allow 256 0-0 -1/-1 00000000/0\n"
					 "out 100 allow 256 0-0 -1/-1 00000000/0\n");
	cr_assert_str_eq(get_subnet("subnet-default").nacl_id, id);
	cr_assert_str_eq(get_subnet("subnet-c").nacl_id, id);
	cr_assert_str_eq(get_subnet("subnet-b").nacl_id, default_acl("vpc-b"));
	cr_assert_eq(published_key("subnet-default"), a.key);
	cr_assert_neq(published_key("subnet-b"), a.key);
	cr_assert_neq(published_key("subnet-b"), 0);
}

CORE_TEST(nacl_control, default_acl_cannot_be_deleted_but_goes_with_its_vpc)
{
	static char saved[VCORE_ID_MAX];
	vcore_err err = {};

	strcpy(saved, default_acl("vpc-b"));
	assert_refused(-EPERM, [&](vcore_err *e) { return vcore_ctl_nacl_del(ctl, saved, e); },
		       saved, "default", "vpc-b");
	cr_assert_eq(vcore_ctl_subnet_del(ctl, "subnet-b", &err), 0, "%s", err.msg);
	cr_assert_eq(vcore_ctl_vpc_del(ctl, "vpc-b", &err), 0, "%s", err.msg);
	cr_assert_eq(count_nacls(), 1);
	vcore_nacl_info gone;
	cr_assert_eq(vcore_ctl_nacl_get(ctl, saved, &gone, &err), -ENOENT);
}

CORE_TEST(nacl_control, default_acl_rules_can_change)
{
	const char *id = default_acl("vpc-b");
	vcore_nacl_info a;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_nacl_entry_del(ctl, id, in, 100, &a, &err), 0, "%s", err.msg);
	cr_assert_eq(a.entry_count, 1);
	add_entry(id, entry(in, 100, false, all));
	cr_assert_str_eq(entries_of(id), "in 100 deny 256 0-0 -1/-1 00000000/0\n"
					 "out 100 allow 256 0-0 -1/-1 00000000/0\n");
}

CORE_TEST(nacl_control, custom_acl_denies_all_and_serves_no_subnet)
{
	vcore_nacl_info a = add_acl("", "vpc-default");

	cr_assert_eq(strncmp(a.id, "acl-", 4), 0);
	cr_assert_eq(strlen(a.id), 4 + 17);
	cr_assert_not(a.is_default);
	cr_assert_eq(a.entry_count, 0);
	cr_assert_eq(a.subnet_count, 0);
	cr_assert_str_eq(entries_of(a.id), "");
	cr_assert_str_eq(get_subnet("subnet-c").nacl_id, default_acl("vpc-default"));
	cr_assert_str_eq(add_acl("acl-1", "vpc-default").id, "acl-1");
	cr_assert_eq(count_nacls(), 4);
}

CORE_TEST(nacl_control, entries_sorted_by_number_per_direction)
{
	add_acl("acl-a", "vpc-default");
	add_entry("acl-a", ports(entry(in, 200, true, tcp, ip4(10, 0, 0, 0), 8), 7000, 7000));
	add_entry("acl-a", entry(in, 90, false, all, ip4(10, 1, 0, 0), 16));
	add_entry("acl-a", ports(entry(out, 100, true, udp), 1024, 65535));
	add_entry("acl-a", entry(in, 32766, true, 50));
	add_entry("acl-a", entry(in, 1, true, icmp));
	cr_assert_str_eq(entries_of("acl-a"),
			 "in 1 allow 1 0-0 -1/-1 00000000/0\n"
			 "in 90 deny 256 0-0 -1/-1 0a010000/16\n"
			 "in 200 allow 6 7000-7000 -1/-1 0a000000/8\n"
			 "in 32766 allow 50 0-0 -1/-1 00000000/0\n"
			 "out 100 allow 17 1024-65535 -1/-1 00000000/0\n");
	cr_assert_eq(get_acl("acl-a").entry_count, 5);
}

CORE_TEST(nacl_control, icmp_type_and_code)
{
	vcore_ctl_nacl_entry e = entry(in, 90, true, icmp);

	add_acl("acl-a", "vpc-default");
	e.icmp_type = 3;
	e.icmp_code = 4;
	add_entry("acl-a", e);
	e.number = 91;
	e.icmp_code = -1;
	add_entry("acl-a", e);
	cr_assert_str_eq(entries_of("acl-a"), "in 90 allow 1 0-0 3/4 00000000/0\n"
					      "in 91 allow 1 0-0 3/-1 00000000/0\n");
}

CORE_TEST(nacl_control, replace_and_delete)
{
	vcore_nacl_info a;
	vcore_err err = {};
	vcore_ctl_nacl_entry e = ports(entry(in, 100, true, tcp), 22, 22);

	add_acl("acl-a", "vpc-default");
	add_entry("acl-a", e);
	add_entry("acl-a", entry(out, 100, true, all));
	e = entry(in, 100, false, all, ip4(192, 0, 2, 0), 24);
	cr_assert_eq(vcore_ctl_nacl_entry_replace(ctl, "acl-a", &e, &a, &err), 0, "%s", err.msg);
	cr_assert_str_eq(entries_of("acl-a"), "in 100 deny 256 0-0 -1/-1 c0000200/24\n"
					      "out 100 allow 256 0-0 -1/-1 00000000/0\n");
	cr_assert_eq(vcore_ctl_nacl_entry_del(ctl, "acl-a", out, 100, &a, &err), 0, "%s", err.msg);
	cr_assert_eq(a.entry_count, 1);
	cr_assert_str_eq(entries_of("acl-a"), "in 100 deny 256 0-0 -1/-1 c0000200/24\n");
}

CORE_TEST(nacl_control, quota_counts_the_star_rule)
{
	vcore_nacl_info a;

	add_acl("acl-a", "vpc-default");
	for (uint16_t n = 1; n <= VNITRO_MAX_NACL_ENTRIES; n++)
		add_entry("acl-a", entry(in, n, true, all));
	add_entry("acl-a", entry(out, 1, true, all));	// the other direction has its own
	assert_refused(-ENOSPC, [&](vcore_err *e) {
		vcore_ctl_nacl_entry x = entry(in, 500, true, all);
		return vcore_ctl_nacl_entry_add(ctl, "acl-a", &x, &a, e);
	}, "acl-a", "19", "Rules per network ACL", "20", "\"*\"");
}

CORE_TEST(nacl_control, entry_refusals_change_nothing)
{
	vcore_nacl_info a;

	add_acl("acl-a", "vpc-default");
	add_entry("acl-a", entry(in, 100, true, all));
	struct {
		int code;
		vcore_ctl_nacl_entry e;
		const char *word;
	} cases[] = {
		{ -EINVAL, entry(in, 0, true, all), "rule number 0" },
		{ -EINVAL, entry(in, 32767, true, all), "32767" },
		{ -EEXIST, entry(in, 100, false, all), "NetworkAclEntryAlreadyExists" },
		{ -EINVAL, entry(2, 1, true, all), "ingress or egress" },
		{ -EINVAL, entry(in, 1, true, 257), "does not exist" },
		{ -EINVAL, entry(in, 1, true, tcp), "port range" },
		{ -EINVAL, ports(entry(in, 1, true, all), 1, 2), "only tcp and udp" },
		{ -EINVAL, ports(entry(in, 1, true, udp), 9, 2), "backwards" },
		{ -EINVAL, entry(in, 1, true, all, ip4(10, 0, 0, 1), 8), "did you mean 10.0.0.0/8" },
		{ -EINVAL, entry(in, 1, true, all, 0, 33), "/33" },
	};
	cases[3].e.action = VNITRO_NACL_ALLOW;
	for (auto &c : cases)
		assert_refused(c.code, [&](vcore_err *e) {
			return vcore_ctl_nacl_entry_add(ctl, "acl-a", &c.e, &a, e);
		}, c.word);

	vcore_ctl_nacl_entry bad_icmp = entry(in, 1, true, icmp);
	bad_icmp.icmp_code = 4;
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_nacl_entry_add(ctl, "acl-a", &bad_icmp, &a, e);
	}, "any code");
	vcore_ctl_nacl_entry bad_action = entry(in, 1, true, all);
	bad_action.action = 7;
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_nacl_entry_add(ctl, "acl-a", &bad_action, &a, e);
	}, "allow or deny");
	vcore_ctl_nacl_entry fine = entry(in, 1, true, all);
	assert_refused(-ENOENT, [&](vcore_err *e) {
		return vcore_ctl_nacl_entry_add(ctl, "acl-none", &fine, &a, e);
	}, "acl-none", "does not exist");
	assert_refused(-ENOENT, [&](vcore_err *e) {
		return vcore_ctl_nacl_entry_replace(ctl, "acl-a", &fine, &a, e);
	}, "no ingress rule number 1");
	vcore_ctl_nacl_entry bad_replace = entry(in, 100, true, all, ip4(10, 0, 0, 1), 8);
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_nacl_entry_replace(ctl, "acl-a", &bad_replace, &a, e);
	}, "host bits");
	assert_refused(-ENOENT, [&](vcore_err *e) {
		return vcore_ctl_nacl_entry_del(ctl, "acl-a", out, 100, &a, e);
	}, "no egress rule number 100");
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_nacl_entry_del(ctl, "acl-a", in, 0, &a, e);
	}, "rule number 0");
}

CORE_TEST(nacl_control, associate_publishes_and_default_disassociates)
{
	const char *def = default_acl("vpc-default");
	uint32_t def_key = get_acl(def).key;
	vcore_nacl_info a = add_acl("acl-a", "vpc-default");

	associate("acl-a", "subnet-c");
	cr_assert_eq(published_key("subnet-c"), a.key);
	cr_assert_eq(published_key("subnet-default"), def_key);
	cr_assert_eq(get_acl("acl-a").subnet_count, 1);
	cr_assert_eq(get_acl(def).subnet_count, 1);
	associate("acl-a", "subnet-c");	// again: nothing changes
	associate(def, "subnet-c");	// EC2's "disassociate"
	cr_assert_eq(published_key("subnet-c"), def_key);
	cr_assert_eq(get_acl("acl-a").subnet_count, 0);
}

CORE_TEST(nacl_control, association_and_delete_refusals_change_nothing)
{
	vcore_subnet_info s;
	vcore_nacl_info a;
	vcore_err err = {};

	add_acl("acl-a", "vpc-default");
	add_acl("acl-b", "vpc-b");
	associate("acl-a", "subnet-c");
	assert_refused(-ENOENT, [&](vcore_err *e) {
		return vcore_ctl_nacl_associate(ctl, "acl-none", "subnet-c", &s, e);
	}, "acl-none", "does not exist");
	assert_refused(-ENOENT, [&](vcore_err *e) {
		return vcore_ctl_nacl_associate(ctl, "acl-a", "subnet-none", &s, e);
	}, "subnet-none", "does not exist");
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_nacl_associate(ctl, "acl-b", "subnet-c", &s, e);
	}, "acl-b", "vpc-b", "vpc-default");
	assert_refused(-EBUSY, [&](vcore_err *e) { return vcore_ctl_nacl_del(ctl, "acl-a", e); },
		       "acl-a", "subnet-c");
	assert_refused(-EBUSY, [&](vcore_err *e) { return vcore_ctl_vpc_del(ctl, "vpc-b", e); },
		       "subnet-b");
	cr_assert_eq(vcore_ctl_subnet_del(ctl, "subnet-b", &err), 0, "%s", err.msg);
	assert_refused(-EBUSY, [&](vcore_err *e) { return vcore_ctl_vpc_del(ctl, "vpc-b", e); },
		       "network ACL acl-b");
	cr_assert_eq(vcore_ctl_nacl_del(ctl, "acl-b", &err), 0, "%s", err.msg);
	cr_assert_eq(vcore_ctl_vpc_del(ctl, "vpc-b", &err), 0, "%s", err.msg);
	(void)a;
}

CORE_TEST(nacl_control, add_refusals_change_nothing)
{
	vcore_nacl_info a;

	add_acl("acl-a", "vpc-default");
	assert_refused(-ENOENT, [&](vcore_err *e) {
		return vcore_ctl_nacl_add(ctl, "", "vpc-none", &a, e);
	}, "vpc-none", "does not exist");
	assert_refused(-EEXIST, [&](vcore_err *e) {
		return vcore_ctl_nacl_add(ctl, "acl-a", "vpc-b", &a, e);
	}, "acl-a", "already exists");
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_nacl_add(ctl, "acl-xyz", "vpc-b", &a, e);
	}, "acl-xyz", "17 lowercase hex");
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_nacl_add(ctl, "acl-0123456789abcdef01", "vpc-b", &a, e);
	}, "invalid network ACL id");
	assert_refused(-ENOENT, [&](vcore_err *e) { return vcore_ctl_nacl_del(ctl, "acl-none", e); },
		       "acl-none");
}

CORE_TEST(nacl_control, per_vpc_quota)
{
	vcore_nacl_info a;

	// The default ACL counts: EC2's quota is per VPC.
	for (uint32_t n = 1; n < VNITRO_MAX_NACLS_PER_VPC; n++)
		add_acl("", "vpc-b");
	assert_refused(-ENOSPC, [&](vcore_err *e) {
		return vcore_ctl_nacl_add(ctl, "", "vpc-b", &a, e);
	}, "vpc-b", "Network ACLs per VPC", "200");
	add_acl("", "vpc-default");
}

CORE_TEST(nacl_control, fabric_forgets_deleted_acls)
{
	vcore_nacl_info a = add_acl("acl-a", "vpc-default");
	vcore_err err = {};

	associate("acl-a", "subnet-c");
	associate(default_acl("vpc-default"), "subnet-c");
	cr_assert_eq(vcore_ctl_nacl_del(ctl, "acl-a", &err), 0, "%s", err.msg);
	cr_assert_eq(count_nacls(), 2);
	// A new ACL gets a new key: a table never names a key that changed meaning.
	cr_assert_neq(add_acl("acl-b", "vpc-default").key, a.key);
}

/* ---- IPv6 ---- */

static vcore_ctl_nacl_entry entry6(uint8_t direction, uint16_t number, bool allow, uint16_t protocol,
				   uint64_t hi = 0, uint64_t lo = 0, uint8_t prefixlen = 0)
{
	vcore_ctl_nacl_entry e = entry(direction, number, allow, protocol);

	e.ipv6 = 1;
	for (int i = 0; i < 8; i++) {
		e.cidr6[i] = uint8_t(hi >> (56 - 8 * i));
		e.cidr6[8 + i] = uint8_t(lo >> (56 - 8 * i));
	}
	e.cidr_prefixlen = prefixlen;
	return e;
}

static void vpc_ipv6(const char *vpc)
{
	vcore_vpc_info v;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_vpc_ipv6_set(ctl, vpc, nullptr, 56, &v, &err), 0, "%s", err.msg);
}

// @id's IPv6 entries as "in 101 allow" words.
static const char *ipv6_entries_of(const char *id)
{
	static char buf[1024];
	vcore_ctl_nacl_entry e;
	size_t len = 0;

	buf[0] = '\0';
	for (uint32_t k = 0; vcore_ctl_nacl_entry_at(ctl, id, k, &e) == 0; k++)
		if (e.ipv6)
			len += snprintf(buf + len, sizeof(buf) - len, "%s %u %s/%u\n",
					e.direction == in ? "in" : "out", e.number,
					e.action == VNITRO_NACL_ALLOW ? "allow" : "deny",
					e.cidr_prefixlen);
	return buf;
}

/*
 * EC2: a VPC that gets an IPv6 block gets rule 101 (allow all ::/0) in its
 * default ACL, in each direction whose rules the user has not changed.
 */
CORE_TEST(nacl_control, an_ipv6_block_adds_rule_101_where_the_default_acl_is_untouched)
{
	const char *def = default_acl("vpc-default");
	char def_b[VCORE_ID_MAX];

	vpc_ipv6("vpc-default");
	cr_assert_str_eq(ipv6_entries_of(def), "in 101 allow/0\nout 101 allow/0\n");
	snprintf(def_b, sizeof(def_b), "%s", default_acl("vpc-b"));
	add_entry(def_b, entry(in, 200, false, all, ip4(192, 0, 2, 0), 24));
	vpc_ipv6("vpc-b");
	cr_assert_str_eq(ipv6_entries_of(def_b), "out 101 allow/0\n");
	add_acl("acl-a", "vpc-default");
	cr_assert_str_eq(ipv6_entries_of("acl-a"), "", "a custom ACL denies IPv6 too");
}

CORE_TEST(nacl_control, ipv6_entries_count_apart_and_share_numbers)
{
	vcore_nacl_info a;

	add_acl("acl-a", "vpc-default");
	for (uint16_t n = 1; n <= VNITRO_MAX_NACL_ENTRIES; n++)
		add_entry("acl-a", entry(in, n, true, all));
	add_entry("acl-a", entry6(in, 100, true, all));
	vcore_ctl_nacl_entry same_number = entry6(in, 1, true, all);
	assert_refused(-EEXIST, [&](vcore_err *e) {
		return vcore_ctl_nacl_entry_add(ctl, "acl-a", &same_number, &a, e);
	}, "NetworkAclEntryAlreadyExists", "rule number 1");
	for (uint16_t n = 101; n < 100 + VNITRO_MAX_NACL_ENTRIES; n++)
		add_entry("acl-a", entry6(in, n, true, all));
	vcore_ctl_nacl_entry one_more = entry6(in, 500, true, all);
	assert_refused(-ENOSPC, [&](vcore_err *e) {
		return vcore_ctl_nacl_entry_add(ctl, "acl-a", &one_more, &a, e);
	}, "19 ingress rules for IPv6", "per direction and address family");
	// Replacing an IPv4 entry by an IPv6 one needs room among the IPv6 ones.
	vcore_ctl_nacl_entry to_v6 = entry6(in, 1, true, all);
	assert_refused(-ENOSPC, [&](vcore_err *e) {
		return vcore_ctl_nacl_entry_replace(ctl, "acl-a", &to_v6, &a, e);
	}, "rules for IPv6");
	vcore_ctl_nacl_entry icmp6 = entry6(out, 5, true, 58);
	icmp6.icmp_type = 2;
	add_entry("acl-a", icmp6);
	vcore_ctl_nacl_entry host_bits = entry6(out, 6, true, all, 0x20010db800000000ull, 1, 64);
	assert_refused(-EINVAL, [&](vcore_err *e) {
		return vcore_ctl_nacl_entry_add(ctl, "acl-a", &host_bits, &a, e);
	}, "did you mean 2001:db8::/64");
}
