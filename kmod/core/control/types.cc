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
 * Sources, per column:
 *  - max_enis, max_ips_per_eni: EC2 User Guide, "Maximum IP addresses per
 *    network interface" (docs.aws.amazon.com/AWSEC2/latest/UserGuide/
 *    using-eni.html#AvailableIpPerENI), also DescribeInstanceTypes
 *    NetworkInfo.MaximumNetworkInterfaces / Ipv4AddressesPerInterface.
 *  - network_cards, max_enis_per_card: DescribeInstanceTypes
 *    NetworkInfo.MaximumNetworkCards and NetworkCards[].MaximumNetworkInterfaces;
 *    EC2 User Guide, "Network cards" (using-eni.html#network-cards): one card
 *    on most types; p5.48xlarge has 32 cards of 2 interfaces each (64 in
 *    all), and EC2's P5 EFA guide (efa-acc-inst-types.html) puts the primary
 *    at card 0, device index 0, and one EFA on each other card at device
 *    index 1.
 *  - max_queues: EC2 User Guide, "ENA queues" (default maximum ENA queues per
 *    interface by instance type).
 *  - baseline_mbps: the instance type specifications ("Network bandwidth
 *    (Gbps)", baseline column; t3.micro 0.064, m5.large 0.75, c5n.large 3).
 *  - efa: EC2 User Guide, "Supported instance types" for EFA; the generation
 *    (core/efa/device.h has the ids): c5n, the first EFA instances, EFA v1
 *    without RDMA read; p5 "second-generation EFA" (AWS P5 launch, 2023)
 *    with RDMA read (EC2 User Guide, EFA: RDMA read on p4d, p5 and later).
 *  - ena_express: EC2 User Guide, "Improve network performance with ENA
 *    Express", supported instance types (Nitro v4 and later network-optimised
 *    and accelerated types; not c5n).
 *  - rss key mode: amzn-ec2-ena-utilities ena-toeplitz (see vcore/ena.h):
 *    configurable on network-optimised Nitro v3 (c5n) and later, fixed on
 *    earlier Nitro types (t3, m5).
 *  - conntrack_max: vnitro's own figure, not EC2's (EC2 does not publish
 *    the tracking allowance): 16 flows per Mbit/s of baseline bandwidth,
 *    within 8192 and 1048576 (with_conntrack_max below).
 *  - adapter: EC2 User Guide, "Enhanced networking on Amazon EC2 instances":
 *    "The following instance types use the Intel 82599 VF interface for
 *    enhanced networking: C3, C4, D2, I2, M4 (excluding m4.16xlarge), and
 *    R3", up to 10 Gbps; every other type here uses ENA. Their limits come
 *    from the same pages as above (using-eni.md, the per-family bandwidth
 *    tables) and DescribeInstanceTypes (EnaSupport unsupported, EfaSupported
 *    and EnaSrdSupported false); where the two disagree on the largest
 *    sizes' baseline (5 or 10 Gbps) vnitro takes DescribeInstanceTypes'.
 *    Their "queues" are the ixgbevf driver's two queue pairs
 *    (IXGBEVF_MAX_RSS_QUEUES), not ENA queues. Documentation/ixgbevf.md
 *    has the sources.
 * ENA types sorted by size, smallest first, then the Intel VF types; the
 * table is the list "vnitro instance types" shows.
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

// @t, a type whose enhanced networking is the Intel 82599 VF.
constexpr vcore_type_info intel_vf(vcore_type_info t)
{
	t = with_conntrack_max(t);
	t.adapter = VNITRO_ADAPTER_IXGBEVF;
	return t;
}

constexpr vcore_type_info types[] = {
	// name, max_enis, network_cards, max_enis_per_card, max_ips_per_eni,
	// max_queues, baseline_mbps, efa, ena_express, rss key mode
	with_conntrack_max({ "t3.micro", 2, 1, 2, 2, 2, 64, 0, 0, fixed }),
	with_conntrack_max({ "m5.large", 3, 1, 3, 10, 2, 750, 0, 0, fixed }),
	with_conntrack_max({ "c5n.large", 3, 1, 3, 10, 2, 3000, 0, 0, configurable }),
	with_conntrack_max({ "c5n.18xlarge", 15, 1, 15, 50, 32, 100000, VCORE_EFA_GEN_1, 0,
			     configurable }),
	with_conntrack_max({ "p5.48xlarge", 64, 32, 2, 50, 32, 3200000, VCORE_EFA_GEN_2, 1,
			     configurable }),
	// The Intel 82599 VF types, by family, then size.
	intel_vf({ "c3.large", 3, 1, 3, 10, 2, 500, 0, 0, fixed }),
	intel_vf({ "c3.xlarge", 4, 1, 4, 15, 2, 700, 0, 0, fixed }),
	intel_vf({ "c3.2xlarge", 4, 1, 4, 15, 2, 1000, 0, 0, fixed }),
	intel_vf({ "c3.4xlarge", 8, 1, 8, 30, 2, 2000, 0, 0, fixed }),
	intel_vf({ "c3.8xlarge", 8, 1, 8, 30, 2, 5000, 0, 0, fixed }),
	intel_vf({ "c4.large", 3, 1, 3, 10, 2, 625, 0, 0, fixed }),
	intel_vf({ "c4.xlarge", 4, 1, 4, 15, 2, 1250, 0, 0, fixed }),
	intel_vf({ "c4.2xlarge", 4, 1, 4, 15, 2, 2500, 0, 0, fixed }),
	intel_vf({ "c4.4xlarge", 8, 1, 8, 30, 2, 5000, 0, 0, fixed }),
	intel_vf({ "c4.8xlarge", 8, 1, 8, 30, 2, 10000, 0, 0, fixed }),
	intel_vf({ "d2.xlarge", 4, 1, 4, 15, 2, 1250, 0, 0, fixed }),
	intel_vf({ "d2.2xlarge", 4, 1, 4, 15, 2, 2500, 0, 0, fixed }),
	intel_vf({ "d2.4xlarge", 8, 1, 8, 30, 2, 5000, 0, 0, fixed }),
	intel_vf({ "d2.8xlarge", 8, 1, 8, 30, 2, 10000, 0, 0, fixed }),
	intel_vf({ "i2.xlarge", 4, 1, 4, 15, 2, 700, 0, 0, fixed }),
	intel_vf({ "i2.2xlarge", 4, 1, 4, 15, 2, 1000, 0, 0, fixed }),
	intel_vf({ "i2.4xlarge", 8, 1, 8, 30, 2, 2000, 0, 0, fixed }),
	intel_vf({ "i2.8xlarge", 8, 1, 8, 30, 2, 10000, 0, 0, fixed }),
	intel_vf({ "m4.large", 2, 1, 2, 10, 2, 450, 0, 0, fixed }),
	intel_vf({ "m4.xlarge", 4, 1, 4, 15, 2, 750, 0, 0, fixed }),
	intel_vf({ "m4.2xlarge", 4, 1, 4, 15, 2, 1000, 0, 0, fixed }),
	intel_vf({ "m4.4xlarge", 8, 1, 8, 30, 2, 2000, 0, 0, fixed }),
	intel_vf({ "m4.10xlarge", 8, 1, 8, 30, 2, 10000, 0, 0, fixed }),
	intel_vf({ "r3.large", 3, 1, 3, 10, 2, 500, 0, 0, fixed }),
	intel_vf({ "r3.xlarge", 4, 1, 4, 15, 2, 700, 0, 0, fixed }),
	intel_vf({ "r3.2xlarge", 4, 1, 4, 15, 2, 1000, 0, 0, fixed }),
	intel_vf({ "r3.4xlarge", 8, 1, 8, 30, 2, 2000, 0, 0, fixed }),
	intel_vf({ "r3.8xlarge", 8, 1, 8, 30, 2, 5000, 0, 0, fixed }),
};

constexpr uint32_t type_count = sizeof(types) / sizeof(types[0]);

// An instance keeps its attachments in an array of max_instance_enis.
constexpr bool types_fit()
{
	for (const vcore_type_info &t : types)
		if (t.max_enis > max_instance_enis || !t.network_cards ||
		    t.network_cards > VNITRO_MAX_NETWORK_CARD + 1 ||
		    t.max_enis_per_card > VNITRO_MAX_DEVICE_INDEX + 1)
			return false;
	return true;
}
static_assert(types_fit(), "an instance type exceeds what an instance can hold");

} // namespace

const vcore_type_info *find_type(const char *name, vcore_err *err)
{
	if (!name || !name[0])
		name = VCORE_DEFAULT_INSTANCE_TYPE;
	for (const vcore_type_info &t : types)
		if (str_eq(t.name, name))
			return &t;
	if (err) {
		text msg = fail(err, EINVAL_).str("unknown instance type \"").str(name)
				.str("\"; vnitro models ");
		for (uint32_t i = 0; i < type_count; i++)
			msg.str(i ? ", " : "").str(types[i].name);
	}
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
