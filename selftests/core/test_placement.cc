// SPDX-License-Identifier: GPL-2.0
// test_placement.cc - placement groups: their rules as EC2 states them, and where instances sit (control/placement.cc).
#include "ctl_fixture.h"

/*
 * vpc-default 172.31.0.0/16
 *   subnet-default 172.31.0.0/20 (us-east-1a): i1 (no group)
 *   subnet-b 172.31.16.0/20 (us-east-1b)
 */
static int ns[16];

static void setup(void)
{
	ctl_setup();
	default_world();
	add_subnet("subnet-b", "vpc-default", ip4(172, 31, 16, 0), 20, "us-east-1b");
}

TestSuite(placement, .init = setup, .fini = harness_fini);

static vcore_pg_info add_pg(const char *name, uint8_t strategy, uint32_t partitions = 0,
			    uint8_t level = 0)
{
	vcore_pg_info g;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_pg_add(ctl, name, strategy, partitions, level, &g, &err), 0, "%s",
		     err.msg);
	return g;
}

// A copy that outlives the assertion macros' temporaries.
static const vcore_pg_info &get_pg(const char *name)
{
	static vcore_pg_info g;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_pg_get(ctl, name, false, &g, &err), 0, "%s", err.msg);
	return g;
}

static vcore_instance_info launch(const char *name, int n, const char *pg, uint32_t partition = 0,
				  const char *subnet = "subnet-default", const char *type = nullptr)
{
	static vcore_instance_info info;	// large: not on the stack
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_instance_add_placed(ctl, name, &ns[n], subnet, 0, type, pg, partition,
						   &info, &err),
		     0, "%s", err.msg);
	return info;
}

static void del_instance(const char *name)
{
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_instance_del(ctl, name, &err), 0, "%s", err.msg);
}

CORE_TEST(placement, a_group_has_a_pg_id_and_ec2s_defaults)
{
	vcore_pg_info c = add_pg("my-cluster", VNITRO_PG_CLUSTER);
	vcore_pg_info s = add_pg("my-spread", VNITRO_PG_SPREAD);
	vcore_pg_info p = add_pg("HDFS-Group-A", VNITRO_PG_PARTITION, 5);
	vcore_pg_info d = add_pg("two", VNITRO_PG_PARTITION);
	vcore_pg_info by_id;
	vcore_err err = {};

	cr_assert_eq(strncmp(c.id, "pg-", 3), 0);
	cr_assert_eq(strlen(c.id), 20u, "pg- and 17 hex digits: %s", c.id);
	cr_assert_eq(strspn(c.id + 3, "0123456789abcdef"), 17u);
	cr_assert_str_neq(c.id, s.id);
	cr_assert_eq(c.partition_count + c.spread_level + c.instance_count, 0u);
	cr_assert_str_empty(c.az, "no zone before its first instance");
	cr_assert_eq(s.spread_level, VNITRO_PG_SPREAD_RACK, "EC2 shows \"SpreadLevel\": \"rack\"");
	cr_assert_eq(p.partition_count, 5u);
	cr_assert_eq(d.partition_count, uint32_t(VNITRO_PG_DEFAULT_PARTITIONS));
	cr_assert_eq(vcore_ctl_pg_get(ctl, p.id, true, &by_id, &err), 0, "%s", err.msg);
	cr_assert_str_eq(by_id.name, "HDFS-Group-A");
	cr_assert_eq(count_pgs(), 4u);
}

CORE_TEST(placement, bad_groups_are_refused_with_ec2s_codes)
{
	char long_name[VNITRO_PG_NAME_LEN + 1];

	add_pg("taken", VNITRO_PG_CLUSTER);
	memset(long_name, 'a', VNITRO_PG_NAME_LEN);
	long_name[VNITRO_PG_NAME_LEN] = '\0';
	assert_refused(-EEXIST, [](vcore_err *e) {
		vcore_pg_info g;
		return vcore_ctl_pg_add(ctl, "taken", VNITRO_PG_SPREAD, 0, 0, &g, e);
	}, "InvalidPlacementGroup.Duplicate", "'taken' already exists");
	assert_refused(-EINVAL, [&](vcore_err *e) {
		vcore_pg_info g;
		return vcore_ctl_pg_add(ctl, long_name, VNITRO_PG_CLUSTER, 0, 0, &g, e);
	}, "InvalidParameterValue", "1 to 255");
	assert_refused(-EINVAL, [](vcore_err *e) {
		vcore_pg_info g;
		return vcore_ctl_pg_add(ctl, "", VNITRO_PG_CLUSTER, 0, 0, &g, e);
	}, "1 to 255");
	assert_refused(-EINVAL, [](vcore_err *e) {
		vcore_pg_info g;
		return vcore_ctl_pg_add(ctl, "tab\there", VNITRO_PG_CLUSTER, 0, 0, &g, e);
	}, "ASCII");
	assert_refused(-EINVAL, [](vcore_err *e) {
		vcore_pg_info g;
		return vcore_ctl_pg_add(ctl, "x", 4, 0, 0, &g, e);
	}, "cluster, spread or partition");
	assert_refused(-EINVAL, [](vcore_err *e) {
		vcore_pg_info g;
		return vcore_ctl_pg_add(ctl, "x", VNITRO_PG_CLUSTER, 3, 0, &g, e);
	}, "InvalidParameterCombination", "partition count");
	assert_refused(-EINVAL, [](vcore_err *e) {
		vcore_pg_info g;
		return vcore_ctl_pg_add(ctl, "x", VNITRO_PG_PARTITION, 8, 0, &g, e);
	}, "partition count 8", "1 to 7");
	assert_refused(-EINVAL, [](vcore_err *e) {
		vcore_pg_info g;
		return vcore_ctl_pg_add(ctl, "x", VNITRO_PG_CLUSTER, 0, VNITRO_PG_SPREAD_RACK, &g, e);
	}, "InvalidParameterCombination", "spread level");
	assert_refused(-EINVAL, [](vcore_err *e) {
		vcore_pg_info g;
		return vcore_ctl_pg_add(ctl, "x", VNITRO_PG_SPREAD, 0, VNITRO_PG_SPREAD_HOST, &g, e);
	}, "Outposts");
	assert_refused(-ENOENT, [](vcore_err *e) {
		vcore_pg_info g;
		return vcore_ctl_pg_get(ctl, "nope", false, &g, e);
	}, "InvalidPlacementGroup.Unknown", "'nope' is unknown");
	assert_refused(-ENOENT, [](vcore_err *e) {
		return vcore_ctl_pg_del(ctl, "nope", e);
	}, "InvalidPlacementGroup.Unknown");
}

CORE_TEST(placement, at_most_500_groups)
{
	char name[16];
	vcore_pg_info g;
	vcore_err err = {};

	for (int i = 0; i < VNITRO_MAX_PGS; i++) {
		snprintf(name, sizeof(name), "g%d", i);
		cr_assert_eq(vcore_ctl_pg_add(ctl, name, VNITRO_PG_SPREAD, 0, 0, &g, &err), 0, "%s",
			     err.msg);
	}
	assert_refused(-ENOSPC, [](vcore_err *e) {
		vcore_pg_info g2;
		return vcore_ctl_pg_add(ctl, "one-more", VNITRO_PG_SPREAD, 0, 0, &g2, e);
	}, "PlacementGroupLimitExceeded", "500");
	cr_assert_eq(vcore_ctl_pg_del(ctl, "g7", &err), 0, "%s", err.msg);
	cr_assert_eq(vcore_ctl_pg_add(ctl, "one-more", VNITRO_PG_SPREAD, 0, 0, &g, &err), 0, "%s",
		     err.msg);
}

// A cluster group: one zone, no burstable types, its instances on one rack node.
CORE_TEST(placement, a_cluster_group_shares_its_nodes_and_keeps_one_zone)
{
	vcore_instance_info a, b, lone;

	add_pg("hpc", VNITRO_PG_CLUSTER);
	a = launch("a", 1, "hpc");
	b = launch("b", 2, "hpc");
	cr_assert_str_eq(a.pg_name, "hpc");
	cr_assert_str_eq(a.pg_id, get_pg("hpc").id);
	cr_assert_eq(a.partition, 0u);
	for (int l = 0; l < VNITRO_TOPOLOGY_LAYERS; l++) {
		cr_assert_neq(a.nodes[l], 0u);
		cr_assert_eq(a.nodes[l], b.nodes[l], "layer %d shared", l);
	}
	cr_assert_str_eq(get_pg("hpc").az, "us-east-1a");
	cr_assert_eq(get_pg("hpc").instance_count, 2u);
	lone = get_instance("i1");
	cr_assert_str_empty(lone.pg_name);
	cr_assert_eq(lone.nodes[0], a.nodes[0], "one zone, one top node");
	cr_assert_neq(lone.nodes[2], a.nodes[2], "outside the group: another rack");
	assert_refused(-EBUSY, [](vcore_err *e) {
		vcore_instance_info i;
		return vcore_ctl_instance_add_placed(ctl, "c", &ns[3], "subnet-b", 0, nullptr, "hpc",
						     0, &i, e);
	}, "InvalidPlacementGroup.InUse", "'hpc' is in use in another availability zone: us-east-1a");
	assert_refused(-EINVAL, [](vcore_err *e) {
		vcore_instance_info i;
		return vcore_ctl_instance_add_placed(ctl, "c", &ns[3], "subnet-default", 0,
						     "t3.micro", "hpc", 0, &i, e);
	}, "InvalidParameterCombination",
	   "Placement groups may not be used with instances of type 't3.micro'");
	assert_refused(-EBUSY, [](vcore_err *e) { return vcore_ctl_pg_del(ctl, "hpc", e); },
		       "InvalidPlacementGroup.InUse", "'hpc' is in use and may not be deleted");
	// Emptied, it may move zones; then it can go.
	del_instance("a");
	del_instance("b");
	cr_assert_str_empty(get_pg("hpc").az);
	launch("c", 3, "hpc", 0, "subnet-b");
	cr_assert_str_eq(get_pg("hpc").az, "us-east-1b");
	del_instance("c");
	vcore_err err = {};
	cr_assert_eq(vcore_ctl_pg_del(ctl, "hpc", &err), 0, "%s", err.msg);
	cr_assert_eq(count_pgs(), 0u);
}

// A spread group: distinct racks, at most seven instances per zone.
CORE_TEST(placement, a_spread_group_takes_seven_per_zone_on_distinct_racks)
{
	char name[16];
	uint64_t racks[7];

	add_pg("spread", VNITRO_PG_SPREAD);
	for (int i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		racks[i] = launch(name, i + 1, "spread").nodes[2];
		for (int j = 0; j < i; j++)
			cr_assert_neq(racks[i], racks[j]);
	}
	assert_refused(-ENOSPC, [](vcore_err *e) {
		vcore_instance_info i;
		return vcore_ctl_instance_add_placed(ctl, "s7", &ns[8], "subnet-default", 0, nullptr,
						     "spread", 0, &i, e);
	}, "InsufficientInstanceCapacity", "7 instances in us-east-1a");
	// Another zone has seven more.
	launch("s7", 8, "spread", 0, "subnet-b");
	cr_assert_eq(get_pg("spread").instance_count, 8u);
	cr_assert_str_empty(get_pg("spread").az, "only a cluster group has one zone");
}

// A partition group: the emptiest partition by default, a partition's own rack.
CORE_TEST(placement, a_partition_group_fills_evenly_and_partitions_share_no_rack)
{
	vcore_instance_info a, b, c, d;

	add_pg("hdfs", VNITRO_PG_PARTITION, 3);
	a = launch("a", 1, "hdfs");
	b = launch("b", 2, "hdfs");
	c = launch("c", 3, "hdfs", 1);
	d = launch("d", 4, "hdfs");
	cr_assert_eq(a.partition, 1u);
	cr_assert_eq(b.partition, 2u);
	cr_assert_eq(c.partition, 1u, "asked for");
	cr_assert_eq(d.partition, 3u, "the emptiest");
	cr_assert_eq(a.nodes[2], c.nodes[2], "one partition, one rack");
	cr_assert_neq(a.nodes[2], b.nodes[2]);
	cr_assert_neq(a.nodes[2], d.nodes[2]);
	assert_refused(-EINVAL, [](vcore_err *e) {
		vcore_instance_info i;
		return vcore_ctl_instance_add_placed(ctl, "e", &ns[5], "subnet-default", 0, nullptr,
						     "hdfs", 4, &i, e);
	}, "InvalidParameterValue", "partition 4 is out of range", "has 3 partitions");
	add_pg("hpc", VNITRO_PG_CLUSTER);
	assert_refused(-EINVAL, [](vcore_err *e) {
		vcore_instance_info i;
		return vcore_ctl_instance_add_placed(ctl, "e", &ns[5], "subnet-default", 0, nullptr,
						     "hpc", 1, &i, e);
	}, "InvalidParameterCombination", "only in a partition placement group");
	assert_refused(-EINVAL, [](vcore_err *e) {
		vcore_instance_info i;
		return vcore_ctl_instance_add_placed(ctl, "e", &ns[5], "subnet-default", 0, nullptr,
						     "", 2, &i, e);
	}, "InvalidParameterCombination", "needs a placement group");
	assert_refused(-ENOENT, [](vcore_err *e) {
		vcore_instance_info i;
		return vcore_ctl_instance_add_placed(ctl, "e", &ns[5], "subnet-default", 0, nullptr,
						     "nope", 0, &i, e);
	}, "InvalidPlacementGroup.Unknown");
}

// The ports of an instance carry its nodes, and a cluster group's key.
CORE_TEST(placement, ports_carry_the_nodes_and_the_cluster_key)
{
	vcore_instance_info a;

	add_pg("hpc", VNITRO_PG_CLUSTER);
	add_pg("hdfs", VNITRO_PG_PARTITION);
	a = launch("a", 1, "hpc");
	for (int l = 0; l < VNITRO_TOPOLOGY_LAYERS; l++)
		cr_assert_eq(fake.last_plug.port.nodes[l], a.nodes[l]);
	cr_assert_neq(fake.last_plug.port.cluster_key, 0u);
	launch("b", 2, "hdfs");
	cr_assert_eq(fake.last_plug.port.cluster_key, 0u, "only a cluster group's");
	add_eni(eni_spec("subnet-default", 0, "eni-2"));
	attach("eni-2", "a", 1);
	for (int l = 0; l < VNITRO_TOPOLOGY_LAYERS; l++)
		cr_assert_eq(fake.last_plug.port.nodes[l], a.nodes[l], "a second ENI too");
}
