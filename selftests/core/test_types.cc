// SPDX-License-Identifier: GPL-2.0
// test_types.cc - instance types and the limits attach enforces (core/control/types.cc).
#include "ctl_fixture.h"

/*
 * vpc-default 172.31.0.0/16, subnet-default 172.31.0.0/20 (us-east-1a)
 *   i1 (default type), small (t3.micro), mid (m5.large)
 */
static void setup(void)
{
	ctl_setup();
	default_world();
	add_instance("small", &ns2, "subnet-default", 0, "t3.micro");
	add_instance("mid", &ns3, "subnet-default", 0, "m5.large");
}

TestSuite(types, .init = setup, .fini = harness_fini);

// @name's row.
static vcore_type_info type(const char *name)
{
	vcore_type_info t = {};
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_type_get(name, &t, &err), 0, "%s", err.msg);
	return t;
}

CORE_TEST(types, table_has_the_documented_limits)
{
	vcore_type_info t = type("t3.micro");

	cr_assert_eq(t.max_enis, 2);
	cr_assert_eq(t.max_ips_per_eni, 2);
	cr_assert_eq(t.efa, 0);
	t = type("m5.large");
	cr_assert_eq(t.max_enis, 3);
	cr_assert_eq(t.max_ips_per_eni, 10);
	cr_assert_eq(t.rss_key_mode, VCORE_ENA_RSS_KEY_FIXED);
	t = type("c5n.18xlarge");
	cr_assert_eq(t.max_enis, 15);
	cr_assert_eq(t.network_cards, 1);
	cr_assert_eq(t.max_enis_per_card, 15);
	cr_assert_eq(t.max_ips_per_eni, 50);
	cr_assert_eq(t.max_queues, 32);
	cr_assert_eq(t.efa, VCORE_EFA_GEN_1, "c5n: first-generation EFA");
	cr_assert_eq(t.ena_express, 0);
	cr_assert_eq(t.rss_key_mode, VCORE_ENA_RSS_KEY_CONFIGURABLE);
	t = type("p5.48xlarge");
	cr_assert_eq(t.max_enis, 64);
	cr_assert_eq(t.network_cards, 32, "p5: 32 network cards");
	cr_assert_eq(t.max_enis_per_card, 2, "of 2 interfaces each");
	cr_assert_eq(t.efa, VCORE_EFA_GEN_2, "p5: second-generation EFA");
	cr_assert_eq(t.ena_express, 1);
}

// vnitro's figure, not EC2's: clamp(baseline_mbps * 16, 8192, 1048576).
CORE_TEST(types, conntrack_max_follows_baseline_bandwidth)
{
	vcore_type_info t;

	cr_assert_eq(type("t3.micro").conntrack_max, 8192, "64 Mbit/s: the floor");
	cr_assert_eq(type("m5.large").conntrack_max, 12000, "750 Mbit/s");
	cr_assert_eq(type("c5n.large").conntrack_max, 48000, "3 Gbit/s");
	cr_assert_eq(type("c5n.18xlarge").conntrack_max, 1048576, "100 Gbit/s: the ceiling");
	cr_assert_eq(type("p5.48xlarge").conntrack_max, 1048576);
	for (uint32_t n = 0; vcore_ctl_type_at(n, &t) == 0; n++)
		cr_assert(t.conntrack_max >= 8192 && t.conntrack_max <= 1048576, "%s", t.name);
}

CORE_TEST(types, iteration_and_unknown_names)
{
	vcore_type_info t;
	vcore_err err = {};
	uint32_t n = 0;

	while (vcore_ctl_type_at(n, &t) == 0)
		n++;
	cr_assert_geq(n, 1300, "EC2's catalogue, not a handful");
	cr_assert_eq(vcore_ctl_type_get("x9.huge", &t, &err), -EINVAL);
	cr_assert(strstr(err.msg, "x9.huge") && strstr(err.msg, "vnitro instance types"), "%s",
		  err.msg);
}

// EC2 gives these only the Xen netfront interface: neither ENA nor the Intel VF.
CORE_TEST(types, types_without_enhanced_networking_refused_with_the_reason)
{
	vcore_type_info t;
	vcore_err err = {};

	for (const char *name : { "t2.micro", "m3.medium", "c1.xlarge", "t1.micro" }) {
		err = {};
		cr_assert_eq(vcore_ctl_type_get(name, &t, &err), -EINVAL, "%s", name);
		cr_assert(strstr(err.msg, name) && strstr(err.msg, "no enhanced networking") &&
			  strstr(err.msg, "netfront"), "%s", err.msg);
	}
}

// Figures straight from the catalogue (DescribeInstanceTypes), and the rules it lacks.
CORE_TEST(types, catalogue_figures_and_rules)
{
	vcore_type_info t = type("m5.large");

	cr_assert_eq(t.vcpus, 2);
	cr_assert_eq(t.max_queues, 8, "the device offers 8 (DefaultEnaQueueCountPerInterface)");
	cr_assert_eq(t.baseline_mbps, 750);
	cr_assert_eq(t.peak_mbps, 10000, "up to 10 Gigabit");
	t = type("p5.48xlarge");
	cr_assert_eq(t.baseline_mbps, 3200000, "32 cards of 100 Gbps");
	cr_assert_eq(t.max_efas, 32, "an EFA on each card");
	t = type("trn1n.32xlarge");
	cr_assert_eq(t.max_enis, 80);
	cr_assert_eq(t.network_cards, 16);
	t = type("c8i.48xlarge");
	cr_assert_eq(t.max_ips_per_eni, 64);
	cr_assert_eq(t.rss_key_mode, VCORE_ENA_RSS_KEY_CONFIGURABLE, "Nitro v6");
	// RDMA read: Nitro v4 and later, and p4d; not the other Nitro v3 EFA types.
	cr_assert_eq(type("p4d.24xlarge").efa, VCORE_EFA_GEN_2);
	cr_assert_eq(type("c6gn.16xlarge").efa, VCORE_EFA_GEN_2);
	cr_assert_eq(type("m5zn.12xlarge").efa, VCORE_EFA_GEN_1);
	// The key: fixed on Nitro v2 and ENA on Xen, configurable from Nitro v3.
	cr_assert_eq(type("t3.micro").rss_key_mode, VCORE_ENA_RSS_KEY_FIXED);
	cr_assert_eq(type("c6g.large").rss_key_mode, VCORE_ENA_RSS_KEY_FIXED);
	cr_assert_eq(type("i3.large").rss_key_mode, VCORE_ENA_RSS_KEY_FIXED, "ENA on Xen");
	cr_assert_eq(type("m5n.large").rss_key_mode, VCORE_ENA_RSS_KEY_CONFIGURABLE);
	cr_assert_eq(type("m6i.large").rss_key_mode, VCORE_ENA_RSS_KEY_CONFIGURABLE);
	for (uint32_t n = 0; vcore_ctl_type_at(n, &t) == 0; n++) {
		cr_assert(t.peak_mbps >= t.baseline_mbps && t.baseline_mbps, "%s", t.name);
		cr_assert(t.max_queues >= 1 && t.vcpus >= 1, "%s", t.name);
		cr_assert(!t.efa == !t.max_efas && t.max_efas <= t.network_cards, "%s", t.name);
	}
}

CORE_TEST(types, default_type_and_instance_reports_it)
{
	vcore_instance_info i = get_instance("i1");

	cr_assert_str_eq(i.type.name, VCORE_DEFAULT_INSTANCE_TYPE);
	i = get_instance("small");
	cr_assert_str_eq(i.type.name, "t3.micro");
}

CORE_TEST(types, unknown_type_refused_at_instance_add)
{
	vcore_instance_info i;
	int ns4;

	assert_refused(-EINVAL, [&](vcore_err *err) {
		return vcore_ctl_instance_add(ctl, "i4", &ns4, "subnet-default", 0, "t3.nano-ish",
					      &i, err);
	}, "unknown instance type", "t3.nano-ish");
}

CORE_TEST(types, plug_carries_queues_and_key_mode)
{
	vcore_eni_info e = add_eni(eni_spec("subnet-default"));

	attach(e.id, "mid", 1);
	cr_assert_eq(fake.last_plug.max_queues, 2);
	cr_assert_eq(fake.last_plug.rss_key_mode, VCORE_ENA_RSS_KEY_FIXED);
	detach(e.id);
	attach(e.id, "i1", 1);
	cr_assert_eq(fake.last_plug.max_queues, 32);
	cr_assert_eq(fake.last_plug.rss_key_mode, VCORE_ENA_RSS_KEY_CONFIGURABLE);
}

CORE_TEST(types, max_enis_enforced_with_the_type_named)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-default"));
	vcore_eni_info b = add_eni(eni_spec("subnet-default"));
	vcore_eni_info e;

	attach(a.id, "small", 1);
	assert_refused(-ENOSPC, [&](vcore_err *err) {
		return vcore_ctl_eni_attach(ctl, b.id, "small", 0, 2, &e, err);
	}, "t3.micro supports at most 2 network interfaces");
	// A detach frees the place.
	detach(a.id);
	attach(b.id, "small", 2);
}

CORE_TEST(types, ips_per_eni_enforced_at_attach)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-default"));
	vcore_eni_info e;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_eni_ip_assign(ctl, a.id, 0, 2, &e, &err), 0, "%s", err.msg);
	assert_refused(-ENOSPC, [&](vcore_err *err) {
		return vcore_ctl_eni_attach(ctl, a.id, "small", 0, 1, &e, err);
	}, "t3.micro supports at most 2 private IPv4 addresses", a.id, "has 3");
	attach(a.id, "mid", 1);
}

CORE_TEST(types, ips_per_eni_enforced_at_assign_while_attached)
{
	vcore_instance_info small = get_instance("small");
	static char id[VCORE_ID_MAX];
	vcore_eni_info e;
	vcore_err err = {};

	snprintf(id, sizeof(id), "%s", small.primary_eni_id);
	cr_assert_eq(vcore_ctl_eni_ip_assign(ctl, id, 0, 1, &e, &err), 0, "%s", err.msg);
	assert_refused(-ENOSPC, [&](vcore_err *err) {
		return vcore_ctl_eni_ip_assign(ctl, id, 0, 1, &e, err);
	}, "t3.micro supports at most 2 private IPv4 addresses");
}

CORE_TEST(types, efa_needs_a_type_with_efa)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-default", 0, "", nullptr, VNITRO_ENI_TYPE_EFA));
	vcore_eni_info e;

	assert_refused(-EOPNOTSUPP, [&](vcore_err *err) {
		return vcore_ctl_eni_attach(ctl, a.id, "mid", 0, 1, &e, err);
	}, "m5.large does not support EFA");
	attach(a.id, "i1", 1);
}

CORE_TEST(types, ena_express_needs_a_type_with_it)
{
	vcore_eni_info a = add_eni(eni_spec("subnet-default"));
	vcore_eni_changes c = {};
	vcore_eni_info e;
	vcore_err err = {};
	int ns4;

	c.set_ena_express = 1;
	c.ena_express = 1;
	cr_assert_eq(vcore_ctl_eni_set(ctl, a.id, &c, &e, &err), 0, "%s", err.msg);
	cr_assert_eq(e.ena_express, 1);
	assert_refused(-EOPNOTSUPP, [&](vcore_err *err) {
		return vcore_ctl_eni_attach(ctl, a.id, "i1", 0, 1, &e, err);
	}, "c5n.18xlarge does not support ENA Express");
	add_instance("big", &ns4, "subnet-default", 0, "p5.48xlarge");
	attach(a.id, "big", 1);
	vcore_ctl_instance_del(ctl, "big", &err);
}

// EC2 User Guide, "Enhanced networking": C3, C4, D2, I2, M4 (but m4.16xlarge) and R3.
CORE_TEST(types, intel_vf_types_and_their_limits)
{
	static const char *const intel[] = {
		"c3.large", "c4.large", "c4.8xlarge", "d2.xlarge", "i2.xlarge", "m4.large",
		"m4.xlarge", "m4.10xlarge", "r3.large", "r3.8xlarge",
	};
	vcore_type_info t;

	for (const char *name : intel) {
		t = type(name);
		cr_assert_eq(t.adapter, VNITRO_ADAPTER_IXGBEVF, "%s", name);
		cr_assert_eq(t.efa, 0, "%s", name);
		cr_assert_eq(t.ena_express, 0, "%s", name);
		cr_assert_eq(t.max_queues, 2, "%s: ixgbevf's two queue pairs", name);
		cr_assert_leq(t.baseline_mbps, 10000, "%s: up to 10 Gbps", name);
	}
	cr_assert_eq(type("m5.large").adapter, VNITRO_ADAPTER_ENA);
	cr_assert_eq(type("p5.48xlarge").adapter, VNITRO_ADAPTER_ENA);
	t = type("c4.large");
	cr_assert_eq(t.max_enis, 3);
	cr_assert_eq(t.max_ips_per_eni, 10);
	cr_assert_eq(t.baseline_mbps, 625);
	cr_assert_eq(type("m4.large").max_enis, 2, "m4.large: 2 interfaces, unlike the other .large");
	cr_assert_eq(type("c4.8xlarge").max_ips_per_eni, 30);
	cr_assert_eq(type("m4.16xlarge").adapter, VNITRO_ADAPTER_ENA, "m4.16xlarge: ENA on Xen");
}

CORE_TEST(types, intel_vf_types_refuse_efa_and_ena_express_with_the_reason)
{
	vcore_eni_info efa = add_eni(eni_spec("subnet-default", 0, "", nullptr, VNITRO_ENI_TYPE_EFA));
	vcore_eni_info a = add_eni(eni_spec("subnet-default"));
	vcore_eni_changes c = {};
	vcore_eni_info e;
	vcore_err err = {};
	int ns4;

	add_instance("old", &ns4, "subnet-default", 0, "c4.large");
	cr_assert_eq(get_instance("old").type.adapter, VNITRO_ADAPTER_IXGBEVF);
	assert_refused(-EOPNOTSUPP, [&](vcore_err *err) {
		return vcore_ctl_eni_attach(ctl, efa.id, "old", 0, 1, &e, err);
	}, "c4.large does not support EFA: its enhanced networking is the Intel 82599 VF interface");
	attach(a.id, "old", 1);
	cr_assert_eq(fake.last_plug.adapter, VNITRO_ADAPTER_IXGBEVF, "the shim is told the personality");
	c.set_ena_express = 1;
	c.ena_express = 1;
	assert_refused(-EOPNOTSUPP, [&](vcore_err *err) {
		return vcore_ctl_eni_set(ctl, a.id, &c, &e, err);
	}, "c4.large does not support ENA Express: its enhanced networking is the Intel 82599 VF");
	cr_assert_eq(get_eni(a.id).ena_express, 0, "nothing half-applied");
	detach(a.id);
	attach(a.id, "mid", 1);
	cr_assert_eq(fake.last_plug.adapter, VNITRO_ADAPTER_ENA);
	vcore_ctl_instance_del(ctl, "old", &err);
}
