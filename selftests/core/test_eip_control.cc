// SPDX-License-Identifier: GPL-2.0
// test_eip_control.cc - Elastic IP addresses: pool, allocation, association, release (control/eip.cc).
#include "ctl_fixture.h"
#include "fabric/fabric.h"

/*
 * vpc-default 172.31.0.0/16, igw-1             vpc-b 10.0.0.0/16, no gateway
 *   subnet-default 172.31.0.0/20                 subnet-b 10.0.1.0/24
 *     i1 (primary ENI 172.31.0.4)                  eni-b 10.0.1.10
 *     i2 (primary ENI)
 *     eni-1 172.31.0.20 (+ 172.31.0.21), detached
 */
static int internet;

static void setup(void)
{
	vcore_igw_info g;
	vcore_eni_info e;
	vcore_err err = {};

	ctl_setup();
	default_world();
	add_instance("i2", &ns2, "subnet-default");
	cr_assert_eq(vcore_ctl_igw_add(ctl, "igw-1", "vpc-default", &internet, "inet", 0, &g, &err),
		     0, "%s", err.msg);
	add_eni(eni_spec("subnet-default", ip4(172, 31, 0, 20), "eni-1"));
	cr_assert_eq(vcore_ctl_eni_ip_assign(ctl, "eni-1", ip4(172, 31, 0, 21), 0, &e, &err), 0, "%s", err.msg);
	add_vpc("vpc-b", ip4(10, 0, 0, 0), 16);
	add_subnet("subnet-b", "vpc-b", ip4(10, 0, 1, 0), 24, "us-east-1a");
	add_eni(eni_spec("subnet-b", ip4(10, 0, 1, 10), "eni-b"));
}

TestSuite(eip_control, .init = setup, .fini = harness_fini);

constexpr uint32_t vpc_default_key = 1;
constexpr uint32_t pub(uint8_t last) { return ip4(203, 0, 113, last); }

static vcore_eip_info alloc(const char *id = "", uint32_t ip = 0)
{
	vcore_eip_info a;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_eip_add(ctl, id, ip, &a, &err), 0, "%s", err.msg);
	return a;
}

static vcore_eip_info associate(const char *id, const char *eni, uint32_t ip = 0,
				bool reassociate = false)
{
	vcore_eip_info a;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_eip_associate(ctl, id, eni, ip, reassociate, &a, &err), 0, "%s",
		     err.msg);
	return a;
}

static vcore_eip_info get_eip(const char *id)
{
	vcore_eip_info a;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_eip_get(ctl, id, &a, &err), 0, "%s", err.msg);
	return a;
}

static void disassociate(const char *id)
{
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_eip_disassociate(ctl, id, &err), 0, "%s", err.msg);
}

// The private address the fabric translates @public_ip to in the default VPC, or 0.
static uint32_t fabric_private(uint32_t public_ip)
{
	harness.rcu_depth++;	// as the data path reads it
	const vnitro::fabric::eip_entry *e =
		vnitro::fabric::eip_by_public(ctl_fab, vpc_default_key, public_ip);
	uint32_t ip = e ? e->private_ip : 0;
	harness.rcu_depth--;
	return ip;
}

static const char *primary_of(const char *instance)
{
	static vcore_instance_info i;

	i = get_instance(instance);
	return i.primary_eni_id;
}

static bool valid_id(const char *id, const char *prefix)
{
	size_t plen = strlen(prefix);

	if (strncmp(id, prefix, plen) || strlen(id) != plen + 17)
		return false;
	return strspn(id + plen, "0123456789abcdef") == 17;
}

CORE_TEST(eip_control, allocate_lowest_free_or_the_one_asked_for)
{
	vcore_eip_info a = alloc();

	cr_assert(valid_id(a.id, "eipalloc-"), "random id %s", a.id);
	cr_assert_eq(a.public_ip, pub(1), "the lowest address but the network's");
	cr_assert_eq(a.associated, 0);
	cr_assert_str_empty(a.association_id);
	cr_assert_eq(alloc("eipalloc-1", pub(50)).public_ip, pub(50));
	cr_assert_eq(alloc("eipalloc-2").public_ip, pub(2));
	cr_assert_eq(count_eips(), 3u);
	cr_assert_eq(get_eip("eipalloc-1").public_ip, pub(50));
}

CORE_TEST(eip_control, allocation_refusals_change_nothing)
{
	alloc("eipalloc-a", pub(7));
	assert_refused(-EINVAL, [](vcore_err *e) {
		vcore_eip_info a;
		return vcore_ctl_eip_add(ctl, "eipalloc-XYZ", 0, &a, e);
	}, "invalid Elastic IP allocation id", "eipalloc-XYZ", "lowercase hex");
	assert_refused(-EINVAL, [](vcore_err *e) {
		vcore_eip_info a;
		return vcore_ctl_eip_add(ctl, "eipalloc-0123456789abcdef01", 0, &a, e);
	}, "1 to 17");
	assert_refused(-EEXIST, [](vcore_err *e) {
		vcore_eip_info a;
		return vcore_ctl_eip_add(ctl, "eipalloc-a", 0, &a, e);
	}, "Elastic IP allocation eipalloc-a already exists");
	assert_refused(-EINVAL, [](vcore_err *e) {
		vcore_eip_info a;
		return vcore_ctl_eip_add(ctl, "", ip4(198, 51, 100, 1), &a, e);
	}, "198.51.100.1", "not an address of the public pool", "203.0.113.0/24");
	assert_refused(-EINVAL, [](vcore_err *e) {
		vcore_eip_info a;
		return vcore_ctl_eip_add(ctl, "", pub(0), &a, e);
	}, "203.0.113.0 ", "network and broadcast");
	assert_refused(-EINVAL, [](vcore_err *e) {
		vcore_eip_info a;
		return vcore_ctl_eip_add(ctl, "", pub(255), &a, e);
	}, "203.0.113.255");
	assert_refused(-EEXIST, [](vcore_err *e) {
		vcore_eip_info a;
		return vcore_ctl_eip_add(ctl, "", pub(7), &a, e);
	}, "InvalidAddress.InUse", "203.0.113.7", "eipalloc-a");
}

CORE_TEST(eip_control, the_sixth_address_is_over_the_quota)
{
	for (int i = 0; i < VNITRO_MAX_EIPS; i++)
		alloc();
	assert_refused(-ENOSPC, [](vcore_err *e) {
		vcore_eip_info a;
		return vcore_ctl_eip_add(ctl, "", 0, &a, e);
	}, "AddressLimitExceeded", "Elastic IP addresses per Region", "5");
}

CORE_TEST(eip_control, pool_default_set_and_refusals)
{
	vcore_err err = {};
	uint32_t addr;
	uint8_t len;

	vcore_ctl_eip_pool_get(ctl, &addr, &len);
	cr_assert_eq(addr, pub(0));
	cr_assert_eq(len, 24);
	alloc("eipalloc-a");
	assert_refused(-EBUSY, [](vcore_err *e) {
		return vcore_ctl_eip_pool_set(ctl, ip4(198, 51, 100, 0), 24, e);
	}, "203.0.113.1", "eipalloc-a", "outside the public pool 198.51.100.0/24");
	alloc("eipalloc-f", pub(3));
	assert_refused(-EBUSY, [](vcore_err *e) {
		return vcore_ctl_eip_pool_set(ctl, pub(0), 30, e);
	}, "203.0.113.3", "eipalloc-f", "203.0.113.0/30");	// its broadcast address
	assert_refused(-EINVAL, [](vcore_err *e) {
		return vcore_ctl_eip_pool_set(ctl, ip4(198, 50, 0, 0), 15, e);
	}, "/15", "/16 to /30");
	assert_refused(-EINVAL, [](vcore_err *e) {
		return vcore_ctl_eip_pool_set(ctl, pub(0), 31, e);
	}, "/31");
	assert_refused(-EINVAL, [](vcore_err *e) {
		return vcore_ctl_eip_pool_set(ctl, ip4(198, 51, 100, 1), 24, e);
	}, "host bits", "198.51.100.0/24");
	cr_assert_eq(vcore_ctl_eip_del(ctl, "eipalloc-a", &err), 0, "%s", err.msg);
	cr_assert_eq(vcore_ctl_eip_del(ctl, "eipalloc-f", &err), 0, "%s", err.msg);
	cr_assert_eq(vcore_ctl_eip_pool_set(ctl, ip4(198, 51, 100, 4), 30, &err), 0, "%s", err.msg);
	// A /30 has two usable addresses: .5 and .6.
	cr_assert_eq(alloc().public_ip, ip4(198, 51, 100, 5));
	cr_assert_eq(alloc().public_ip, ip4(198, 51, 100, 6));
	assert_refused(-ENOSPC, [](vcore_err *e) {
		vcore_eip_info a;
		return vcore_ctl_eip_add(ctl, "", 0, &a, e);
	}, "198.51.100.4/30", "no free address");
}

CORE_TEST(eip_control, associate_maps_the_primary_address_in_the_fabric)
{
	const char *eni = primary_of("i1");
	vcore_eni_info e = get_eni(eni);
	vcore_eip_info a;

	alloc("eipalloc-a");
	a = associate("eipalloc-a", eni);
	cr_assert_eq(a.associated, 1);
	cr_assert(valid_id(a.association_id, "eipassoc-"), "association id %s", a.association_id);
	cr_assert_str_eq(a.eni_id, eni);
	cr_assert_str_eq(a.vpc_id, "vpc-default");
	cr_assert_eq(a.private_ip, e.private_ip);
	cr_assert_str_eq(a.instance, "i1");
	cr_assert_eq(fabric_private(pub(1)), e.private_ip);
	// A secondary address, asked for; a detached ENI has no instance.
	alloc("eipalloc-b");
	a = associate("eipalloc-b", "eni-1", ip4(172, 31, 0, 21));
	cr_assert_eq(a.private_ip, ip4(172, 31, 0, 21));
	cr_assert_str_empty(a.instance);
	cr_assert_eq(fabric_private(pub(2)), ip4(172, 31, 0, 21));
}

CORE_TEST(eip_control, association_refusals_change_nothing)
{
	alloc("eipalloc-a");
	alloc("eipalloc-b");
	associate("eipalloc-b", "eni-1");
	assert_refused(-EINVAL, [](vcore_err *e) {
		vcore_eip_info a;
		return vcore_ctl_eip_associate(ctl, "eipalloc-a", "eni-b", 0, 0, &a, e);
	}, "Gateway.NotAttached", "Network vpc-b is not attached to any internet gateway");
	assert_refused(-EINVAL, [](vcore_err *e) {
		vcore_eip_info a;
		return vcore_ctl_eip_associate(ctl, "eipalloc-a", "eni-1", ip4(172, 31, 0, 22), 0, &a,
					       e);
	}, "172.31.0.22", "not a private address of eni-1");
	assert_refused(-ENOENT, [](vcore_err *e) {
		vcore_eip_info a;
		return vcore_ctl_eip_associate(ctl, "eipalloc-c", "eni-1", 0, 0, &a, e);
	}, "InvalidAllocationID.NotFound", "eipalloc-c");
	assert_refused(-ENOENT, [](vcore_err *e) {
		vcore_eip_info a;
		return vcore_ctl_eip_associate(ctl, "eipalloc-a", "eni-2", 0, 0, &a, e);
	}, "eni-2");
	assert_refused(-EBUSY, [](vcore_err *e) {
		vcore_eip_info a;
		return vcore_ctl_eip_associate(ctl, "eipalloc-b", primary_of("i2"), 0, 0, &a, e);
	}, "Resource.AlreadyAssociated", "eipalloc-b", "eni-1", "allow-reassociation");
}

CORE_TEST(eip_control, reassociation_moves_the_address)
{
	const char *eni2 = primary_of("i2");
	vcore_eip_info a, again;

	alloc("eipalloc-a");
	a = associate("eipalloc-a", "eni-1");
	again = associate("eipalloc-a", "eni-1");
	cr_assert_str_eq(again.association_id, a.association_id, "the same association again");
	again = associate("eipalloc-a", eni2, 0, true);
	cr_assert_str_eq(again.eni_id, eni2);
	cr_assert_str_eq(again.instance, "i2");
	cr_assert_str_neq(again.association_id, a.association_id, "a new association");
	cr_assert_eq(fabric_private(pub(1)), get_eni(eni2).private_ip);
}

CORE_TEST(eip_control, a_private_address_has_one_elastic_ip)
{
	vcore_eip_info b;

	alloc("eipalloc-a");
	alloc("eipalloc-b");
	associate("eipalloc-a", "eni-1");
	b = associate("eipalloc-b", "eni-1");
	cr_assert_eq(b.private_ip, ip4(172, 31, 0, 20));
	cr_assert_eq(get_eip("eipalloc-a").associated, 0, "the other one is disassociated");
	cr_assert_eq(count_eips(), 2u, "and stays allocated");
	cr_assert_eq(fabric_private(pub(1)), 0u);
	cr_assert_eq(fabric_private(pub(2)), ip4(172, 31, 0, 20));
}

CORE_TEST(eip_control, disassociate_by_either_id_and_idempotent)
{
	vcore_eip_info a;

	alloc("eipalloc-a");
	a = associate("eipalloc-a", "eni-1");
	disassociate(a.association_id);
	cr_assert_eq(get_eip("eipalloc-a").associated, 0);
	cr_assert_eq(fabric_private(pub(1)), 0u);
	disassociate(a.association_id);
	disassociate("eipalloc-a");
	associate("eipalloc-a", "eni-1");
	disassociate("eipalloc-a");
	cr_assert_eq(fabric_private(pub(1)), 0u);
	assert_refused(-ENOENT, [](vcore_err *e) {
		return vcore_ctl_eip_disassociate(ctl, "eipalloc-b", e);
	}, "eipalloc-b", "does not exist");
	assert_refused(-EINVAL, [](vcore_err *e) {
		return vcore_ctl_eip_disassociate(ctl, "eipassoc-xyz", e);
	}, "invalid association id", "eipassoc-xyz");
}

CORE_TEST(eip_control, release_refused_while_associated)
{
	vcore_err err = {};

	alloc("eipalloc-a");
	associate("eipalloc-a", "eni-1");
	assert_refused(-EBUSY, [](vcore_err *e) { return vcore_ctl_eip_del(ctl, "eipalloc-a", e); },
		       "InvalidIPAddress.InUse", "203.0.113.1", "eni-1", "disassociate it first");
	disassociate("eipalloc-a");
	cr_assert_eq(vcore_ctl_eip_del(ctl, "eipalloc-a", &err), 0, "%s", err.msg);
	cr_assert_eq(count_eips(), 0u);
	assert_refused(-ENOENT, [](vcore_err *e) { return vcore_ctl_eip_del(ctl, "eipalloc-a", e); },
		       "eipalloc-a");
}

CORE_TEST(eip_control, the_address_follows_its_eni)
{
	alloc("eipalloc-a");
	associate("eipalloc-a", "eni-1");
	attach("eni-1", "i1", 1);
	vcore_eip_info a = get_eip("eipalloc-a");
	cr_assert_str_eq(a.instance, "i1");
	detach("eni-1");
	attach("eni-1", "i2", 1);
	a = get_eip("eipalloc-a");
	cr_assert_str_eq(a.instance, "i2");
	cr_assert_eq(fabric_private(pub(1)), ip4(172, 31, 0, 20), "never remapped");
}

CORE_TEST(eip_control, deleting_the_eni_or_its_address_disassociates)
{
	vcore_err err = {};
	vcore_eni_info e;

	alloc("eipalloc-a");
	alloc("eipalloc-b");
	alloc("eipalloc-c");
	associate("eipalloc-a", "eni-1", ip4(172, 31, 0, 21));
	associate("eipalloc-b", "eni-1");
	cr_assert_eq(vcore_ctl_eni_ip_unassign(ctl, "eni-1", ip4(172, 31, 0, 21), &e, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(get_eip("eipalloc-a").associated, 0, "its address is gone");
	cr_assert_eq(fabric_private(pub(1)), 0u);
	cr_assert_eq(get_eip("eipalloc-b").associated, 1, "the primary keeps its own");
	cr_assert_eq(vcore_ctl_eni_del(ctl, "eni-1", &err), 0, "%s", err.msg);
	cr_assert_eq(get_eip("eipalloc-b").associated, 0);
	cr_assert_eq(fabric_private(pub(2)), 0u);
	// An instance's primary ENI goes with it.
	associate("eipalloc-c", primary_of("i2"));
	cr_assert_eq(vcore_ctl_instance_del(ctl, "i2", &err), 0, "%s", err.msg);
	cr_assert_eq(get_eip("eipalloc-c").associated, 0);
	cr_assert_eq(fabric_private(pub(3)), 0u);
	cr_assert_eq(count_eips(), 3u, "all still allocated");
}

CORE_TEST(eip_control, gateway_kept_while_addresses_are_mapped)
{
	vcore_err err = {};

	alloc("eipalloc-a");
	associate("eipalloc-a", "eni-1");
	assert_refused(-EBUSY, [](vcore_err *e) { return vcore_ctl_igw_del(ctl, "igw-1", e); },
		       "DependencyViolation: Network vpc-default has some mapped public address(es).",
		       "Please unmap those public address(es) before detaching the gateway.");
	disassociate("eipalloc-a");
	cr_assert_eq(vcore_ctl_igw_del(ctl, "igw-1", &err), 0, "%s", err.msg);
}

CORE_TEST(eip_control, fabric_refusal_is_undone)
{
	alloc("eipalloc-a");
	alloc("eipalloc-b");
	associate("eipalloc-a", "eni-1");
	associate("eipalloc-b", "eni-1", ip4(172, 31, 0, 21));
	// b onto .20, where a is: a is unmapped first, then the fabric fails.
	assert_refused(-ENOMEM, [](vcore_err *e) {
		vcore_eip_info a;

		harness.fail_alloc_in = 1;
		return vcore_ctl_eip_associate(ctl, "eipalloc-b", "eni-1", ip4(172, 31, 0, 20), 1,
					       &a, e);
	}, "the VPC fabric refused to map 203.0.113.2", "out of memory");
	cr_assert_eq(fabric_private(pub(1)), ip4(172, 31, 0, 20), "a mapped again");
	cr_assert_eq(fabric_private(pub(2)), ip4(172, 31, 0, 21), "b as it was");
	assert_refused(-ENOMEM, [](vcore_err *e) {
		vcore_eip_info a;

		harness.fail_alloc_in = 1;
		return vcore_ctl_eip_associate(ctl, "eipalloc-a", primary_of("i1"), 0, 1, &a, e);
	}, "203.0.113.1");
	cr_assert_eq(fabric_private(pub(1)), ip4(172, 31, 0, 20));
}
