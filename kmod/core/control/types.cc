// SPDX-License-Identifier: GPL-2.0
// types.cc - the EC2 instance types vnitro models and the network limits each one has.
#include "control/world.h"
#include "vcore/efa.h"
#include "vcore/ena.h"

using namespace vnitro::base;

namespace vnitro::control {

namespace {

constexpr uint8_t configurable = VCORE_ENA_RSS_KEY_CONFIGURABLE;
constexpr uint8_t fixed = VCORE_ENA_RSS_KEY_FIXED;

/*
 * The table is EC2's catalogue: types_table.h is generated from
 * Documentation/data/ec2-instance-types.tsv (one DescribeInstanceTypes dump;
 * Documentation/instance-types.md has its source and what each column means)
 * by scripts/instance-types.py --emit-c, which also applies the rules the
 * dump lacks, each with its source there:
 *  - which types vnitro models: those with ENA, and the Intel 82599 VF types
 *    (EC2 User Guide, "Enhanced networking": "C3, C4, D2, I2, M4 (excluding
 *    m4.16xlarge), and R3"); their queues are ixgbevf's two queue pairs. The
 *    families with no enhanced networking at all are netfront_families below.
 *  - bandwidth: card 0's baseline and peak times the network cards.
 *  - max_queues: the device's default ENA queues per interface; an attach
 *    gives the ENI at most one per vCPU, as the ena driver does.
 *  - efa: EFA with RDMA read (0xefa2) on Nitro v4 and later and p4d/p4de,
 *    without it (0xefa0) on the other Nitro v3 EFA types (EC2 User Guide,
 *    efa.html, "Supported instance types").
 *  - rss key mode: fixed on Nitro v2 and ENA on Xen, configurable from Nitro
 *    v3 on (amzn-drivers ENA_Linux_Best_Practices.rst, "Configuring RSS").
 *  - conntrack_max: vnitro's own figure, not EC2's (EC2 does not publish
 *    the tracking allowance): 16 flows per Mbit/s of baseline bandwidth,
 *    within 8192 and 1048576 (with_conntrack_max below).
 * make check regenerates the header and fails if it differs.
 */
constexpr uint32_t conntrack_per_mbps = 16, conntrack_min = 8192, conntrack_max = 1048576;

// @t with its conntrack_max: clamp(baseline_mbps * 16, 8192, 1048576) flows.
constexpr vcore_type_info with_conntrack_max(vcore_type_info t)
{
	uint64_t flows = uint64_t(t.baseline_mbps) * conntrack_per_mbps;

	t.conntrack_max = flows < conntrack_min ? conntrack_min
			  : flows > conntrack_max ? conntrack_max : uint32_t(flows);
	return t;
}

// The ENA types and the Intel VF types, by family (digits as numbers), then size.
constexpr auto ena = VNITRO_ADAPTER_ENA, ixgbevf = VNITRO_ADAPTER_IXGBEVF;
constexpr uint8_t no_efa = VCORE_EFA_GEN_NONE, efa_gen1 = VCORE_EFA_GEN_1,
		  efa_gen2 = VCORE_EFA_GEN_2;

constexpr vcore_type_info types[] = {
#define VNITRO_TYPE(name, vcpus, enis, cards, per_card, ips, queues, baseline, peak, efa,      \
		    efas, express, key, adapter)                                              \
	with_conntrack_max({ name, enis, cards, per_card, ips, queues, baseline, efa, express,  \
			     key, 0, adapter, vcpus, peak, efas }),
#include "control/types_table.h"
#undef VNITRO_TYPE
};

constexpr uint32_t type_count = sizeof(types) / sizeof(types[0]);

// An instance keeps its attachments in an array of max_instance_enis, a port at most
// VCORE_PORT_MAX_IPS addresses, an ENA device at most VCORE_ENA_RSS_MAX_QUEUES queues.
constexpr bool types_fit()
{
	for (const vcore_type_info &t : types)
		if (t.max_enis > max_instance_enis || !t.network_cards ||
		    t.network_cards > VNITRO_MAX_NETWORK_CARD + 1 ||
		    t.max_enis_per_card > VNITRO_MAX_DEVICE_INDEX + 1 ||
		    t.max_ips_per_eni > VCORE_PORT_MAX_IPS || !t.max_queues ||
		    t.max_queues > VCORE_ENA_RSS_MAX_QUEUES || !t.vcpus ||
		    t.max_efas > t.network_cards || !t.efa != !t.max_efas ||
		    t.peak_mbps < t.baseline_mbps)
			return false;
	return true;
}
static_assert(types_fit(), "an instance type exceeds what an instance can hold");

// The families EC2 gives no enhanced networking (Xen netfront only): EC2 User Guide,
// instance-types.md's summary table, "Enhanced networking: Not supported".
constexpr const char *netfront_families[] = { "c1.", "cc2.", "cr1.", "g2.", "hs1.", "m1.",
					      "m2.", "m3.", "t1.", "t2." };

// Whether @name is FAMILY.SIZE for one of netfront_families.
bool netfront_only(const char *name)
{
	for (const char *f : netfront_families)
		if (has_prefix(name, f))
			return true;
	return false;
}

} // namespace

const vcore_type_info *find_type(const char *name, vcore_err *err)
{
	if (!name || !name[0])
		name = VCORE_DEFAULT_INSTANCE_TYPE;
	for (const vcore_type_info &t : types)
		if (str_eq(t.name, name))
			return &t;
	if (err && netfront_only(name))
		fail(err, EINVAL_).str("instance type \"").str(name)
			.str("\" has no enhanced networking (EC2 gives it only the Xen netfront "
			     "interface), which vnitro does not model");
	else if (err)
		fail(err, EINVAL_).str("unknown instance type \"").str(name)
			.str("\"; vnitro models ").u32(type_count)
			.str(" EC2 types (\"vnitro instance types\" lists them)");
	return nullptr;
}

} // namespace vnitro::control

using namespace vnitro::control;

extern "C" {

int vcore_ctl_type_get(const char *name, struct vcore_type_info *out, struct vcore_err *err)
{
	const vcore_type_info *t = find_type(name, err);

	if (!t)
		return err->code;
	*out = *t;
	return 0;
}

int vcore_ctl_type_at(uint32_t pos, struct vcore_type_info *out)
{
	if (pos >= type_count)
		return -ENOENT_;
	*out = types[pos];
	return 0;
}

} // extern "C"
