// SPDX-License-Identifier: GPL-2.0-only
/* The read-only objects: DescribeVpcs, DescribeSubnets and DescribeInstanceTypes. */
#include <arpa/inet.h>

#include "vnitrod.h"

namespace vnitro::ec2 {

std::string cidr_text(uint32_t addr, uint8_t len)
{
	return ipv4_text(addr) + "/" + std::to_string(len);
}

std::string cidr6_text(const uint8_t *addr, uint8_t len)
{
	return ipv6_text(addr) + "/" + std::to_string(len);
}

namespace {

using values = std::vector<std::string>;

/* EC2's association ids have no counterpart in vnitro: derived from the object's id. */
std::string association(const char *prefix, const char *id)
{
	return prefix + sha256_hex(id).substr(0, 17);
}

/* ---- VPCs: vpc-default is the default VPC vnitro creates when it loads. */

bool is_default_vpc(const vnitro_vpc &v)
{
	return !strcmp(v.id, "vpc-default");
}

void v_id(const vnitro_vpc &v, const snapshot &, values &out) { out.push_back(v.id); }
void v_cidr(const vnitro_vpc &v, const snapshot &, values &out)
{
	out.push_back(cidr_text(v.cidr_addr, v.cidr_prefixlen));
}
void v_default(const vnitro_vpc &v, const snapshot &, values &out)
{
	out.push_back(is_default_vpc(v) ? "true" : "false");
}
void v_state(const vnitro_vpc &, const snapshot &, values &out) { out.push_back("available"); }
void v_owner(const vnitro_vpc &, const snapshot &s, values &out) { out.push_back(s.account); }
void v_cidr6(const vnitro_vpc &v, const snapshot &, values &out)
{
	if (v.ipv6_prefixlen)
		out.push_back(cidr6_text(v.ipv6_cidr, v.ipv6_prefixlen));
}

const filter_def<vnitro_vpc, snapshot> VPC_FILTERS[] = {
	{ "vpc-id", v_id },
	{ "cidr", v_cidr },
	{ "cidr-block-association.cidr-block", v_cidr },
	{ "cidr-block-association.state", v_state },
	{ "ipv6-cidr-block-association.ipv6-cidr-block", v_cidr6 },
	{ "is-default", v_default },
	{ "state", v_state },
	{ "owner-id", v_owner },
};

std::string vpc_id(const vnitro_vpc &v) { return v.id; }

bool describe_vpcs(context &c, error &e)
{
	std::vector<const vnitro_vpc *> shown;
	std::string next;
	snapshot s;

	if (!snapshot_load(s, c.cfg, SNAP_VPCS, e) ||
	    !describe_select(c, s.vpcs, s, VPC_FILTERS, sizeof(VPC_FILTERS) / sizeof(VPC_FILTERS[0]),
			     vpc_id, "VpcId", "vpc-", "InvalidVpcID.Malformed", "InvalidVpcID.NotFound",
			     "vpc", shown, next, e))
		return false;

	pugi::xml_node set = c.out.append_child("vpcSet");
	for (const vnitro_vpc *v : shown) {
		pugi::xml_node item = set.append_child("item"), a;

		xml_text(item, "vpcId", v->id);
		xml_text(item, "ownerId", c.cfg.account);
		xml_text(item, "state", "available");
		xml_text(item, "cidrBlock", cidr_text(v->cidr_addr, v->cidr_prefixlen));
		a = item.append_child("cidrBlockAssociationSet").append_child("item");
		xml_text(a, "cidrBlock", cidr_text(v->cidr_addr, v->cidr_prefixlen));
		xml_text(a, "associationId", association("vpc-cidr-assoc-", v->id));
		xml_text(a.append_child("cidrBlockState"), "state", "associated");
		a = item.append_child("ipv6CidrBlockAssociationSet");
		if (v->ipv6_prefixlen) {
			a = a.append_child("item");
			xml_text(a, "ipv6CidrBlock", cidr6_text(v->ipv6_cidr, v->ipv6_prefixlen));
			xml_text(a, "associationId", association("vpc-cidr-assoc-", (std::string(v->id) + "/6").c_str()));
			xml_text(a.append_child("ipv6CidrBlockState"), "state", "associated");
		}
		xml_text(item, "instanceTenancy", "default");
		xml_bool(item, "isDefault", is_default_vpc(*v));
		item.append_child("tagSet");
	}
	if (!next.empty())
		xml_text(c.out, "nextToken", next);
	return true;
}

/* ---- Subnets. */

/* A subnet's size less AWS's five reserved addresses and those ENIs hold. */
long free_addresses(const vnitro_subnet &sn, const snapshot &s)
{
	long n = (1L << (32 - sn.cidr_prefixlen)) - 5;

	for (auto &eni : s.enis)
		if (!strcmp(eni.subnet_id, sn.id))
			n -= 1 + long(eni.secondary_count);
	return n < 0 ? 0 : n;
}

bool is_default_subnet(const vnitro_subnet &sn)
{
	return !strcmp(sn.id, "subnet-default");
}

void s_id(const vnitro_subnet &sn, const snapshot &, values &out) { out.push_back(sn.id); }
void s_vpc(const vnitro_subnet &sn, const snapshot &, values &out) { out.push_back(sn.vpc_id); }
void s_az(const vnitro_subnet &sn, const snapshot &, values &out) { out.push_back(sn.az); }
void s_state(const vnitro_subnet &, const snapshot &, values &out) { out.push_back("available"); }
void s_owner(const vnitro_subnet &, const snapshot &s, values &out) { out.push_back(s.account); }
void s_cidr(const vnitro_subnet &sn, const snapshot &, values &out)
{
	out.push_back(cidr_text(sn.cidr_addr, sn.cidr_prefixlen));
}
void s_cidr6(const vnitro_subnet &sn, const snapshot &, values &out)
{
	if (sn.ipv6_prefixlen)
		out.push_back(cidr6_text(sn.ipv6_cidr, sn.ipv6_prefixlen));
}
void s_default(const vnitro_subnet &sn, const snapshot &, values &out)
{
	out.push_back(is_default_subnet(sn) ? "true" : "false");
}
void s_free(const vnitro_subnet &sn, const snapshot &s, values &out)
{
	out.push_back(std::to_string(free_addresses(sn, s)));
}

const filter_def<vnitro_subnet, snapshot> SUBNET_FILTERS[] = {
	{ "subnet-id", s_id },
	{ "vpc-id", s_vpc },
	{ "cidr-block", s_cidr },
	{ "cidr", s_cidr },
	{ "cidrBlock", s_cidr },
	{ "availability-zone", s_az },
	{ "availabilityZone", s_az },
	{ "available-ip-address-count", s_free },
	{ "default-for-az", s_default },
	{ "defaultForAz", s_default },
	{ "ipv6-cidr-block-association.ipv6-cidr-block", s_cidr6 },
	{ "state", s_state },
	{ "owner-id", s_owner },
};

std::string subnet_id(const vnitro_subnet &sn) { return sn.id; }

bool describe_subnets(context &c, error &e)
{
	std::vector<const vnitro_subnet *> shown;
	std::string next;
	snapshot s;

	if (!snapshot_load(s, c.cfg, SNAP_SUBNETS | SNAP_ENIS, e) ||
	    !describe_select(c, s.subnets, s, SUBNET_FILTERS,
			     sizeof(SUBNET_FILTERS) / sizeof(SUBNET_FILTERS[0]), subnet_id, "SubnetId",
			     "subnet-", "InvalidSubnetID.Malformed", "InvalidSubnetID.NotFound",
			     "subnet", shown, next, e))
		return false;

	pugi::xml_node set = c.out.append_child("subnetSet");
	for (const vnitro_subnet *sn : shown) {
		pugi::xml_node item = set.append_child("item"), a;

		xml_text(item, "subnetId", sn->id);
		xml_text(item, "subnetArn", arn(c.cfg, std::string("subnet/") + sn->id));
		xml_text(item, "state", "available");
		xml_text(item, "ownerId", c.cfg.account);
		xml_text(item, "vpcId", sn->vpc_id);
		xml_text(item, "cidrBlock", cidr_text(sn->cidr_addr, sn->cidr_prefixlen));
		a = item.append_child("ipv6CidrBlockAssociationSet");
		if (sn->ipv6_prefixlen) {
			a = a.append_child("item");
			xml_text(a, "ipv6CidrBlock", cidr6_text(sn->ipv6_cidr, sn->ipv6_prefixlen));
			xml_text(a, "associationId", association("subnet-cidr-assoc-", sn->id));
			xml_text(a.append_child("ipv6CidrBlockState"), "state", "associated");
		}
		xml_int(item, "availableIpAddressCount", free_addresses(*sn, s));
		xml_text(item, "availabilityZone", sn->az);
		xml_bool(item, "defaultForAz", is_default_subnet(*sn));
		xml_bool(item, "mapPublicIpOnLaunch", false);
		xml_bool(item, "assignIpv6AddressOnCreation", sn->assign_ipv6_on_creation);
		item.append_child("tagSet");
	}
	if (!next.empty())
		xml_text(c.out, "nextToken", next);
	return true;
}

/* ---- Instance types: the module's catalogue (vnitro instance types). */

/* Mbit/s as EC2 writes Gbps: "0.75", "12.5", "100.0" (one decimal at least, as the API does). */
std::string gbps_text(uint64_t mbps)
{
	std::string s = std::to_string(mbps / 1000) + ".";
	uint64_t frac = mbps % 1000;

	if (!frac)
		return s + "0";
	s += std::to_string(frac / 100);
	if (frac % 100)
		s += std::to_string(frac / 10 % 10);
	if (frac % 10)
		s += std::to_string(frac % 10);
	return s;
}

/*
 * EC2's "network performance" text, from the figures: "Up to 10 Gigabit" for a type that
 * bursts, "100 Gigabit" for one that does not. EC2's own text is in the catalogue
 * (Documentation/data/ec2-instance-types.tsv) and differs for a few types (instance-types.md).
 */
std::string performance_text(uint64_t baseline, uint64_t peak)
{
	std::string g = gbps_text(peak);

	if (g.size() > 2 && !g.compare(g.size() - 2, 2, ".0"))
		g.resize(g.size() - 2);
	return (peak > baseline ? "Up to " : "") + g + " Gigabit";
}

const char *ena_support(const vnitro_type &t)
{
	return t.adapter == VNITRO_ADAPTER_ENA ? "required" : "unsupported";
}

void t_name(const vnitro_type &t, const snapshot &, values &out) { out.push_back(t.name); }
void t_vcpus(const vnitro_type &t, const snapshot &, values &out)
{
	out.push_back(std::to_string(t.vcpus));
}
void t_enis(const vnitro_type &t, const snapshot &, values &out)
{
	out.push_back(std::to_string(t.max_enis));
}
void t_cards(const vnitro_type &t, const snapshot &, values &out)
{
	out.push_back(std::to_string(t.network_cards));
}
void t_ips(const vnitro_type &t, const snapshot &, values &out)
{
	out.push_back(std::to_string(t.max_ips_per_eni));
}
void t_efa(const vnitro_type &t, const snapshot &, values &out)
{
	out.push_back(t.efa ? "true" : "false");
}
void t_efas(const vnitro_type &t, const snapshot &, values &out)
{
	if (t.efa)
		out.push_back(std::to_string(t.max_efas));
}
void t_ena(const vnitro_type &t, const snapshot &, values &out) { out.push_back(ena_support(t)); }
void t_srd(const vnitro_type &t, const snapshot &, values &out)
{
	out.push_back(t.ena_express ? "true" : "false");
}
void t_ipv6(const vnitro_type &, const snapshot &, values &out) { out.push_back("true"); }
void t_perf(const vnitro_type &t, const snapshot &, values &out)
{
	out.push_back(performance_text(t.baseline_mbps, t.peak_mbps));
}

const filter_def<vnitro_type, snapshot> TYPE_FILTERS[] = {
	{ "instance-type", t_name },
	{ "vcpu-info.default-vcpus", t_vcpus },
	{ "network-info.maximum-network-interfaces", t_enis },
	{ "network-info.maximum-network-cards", t_cards },
	{ "network-info.ipv4-addresses-per-interface", t_ips },
	{ "network-info.ipv6-addresses-per-interface", t_ips },
	{ "network-info.ipv6-supported", t_ipv6 },
	{ "network-info.efa-supported", t_efa },
	{ "network-info.efa-info.maximum-efa-interfaces", t_efas },
	{ "network-info.ena-support", t_ena },
	{ "network-info.ena-srd-supported", t_srd },
	{ "network-info.network-performance", t_perf },
};

std::string type_name(const vnitro_type &t) { return t.name; }

bool describe_instance_types(context &c, error &e)
{
	std::vector<const vnitro_type *> shown;
	const std::string *max = param(c.req.args, "MaxResults");
	std::string next;
	snapshot s;

	/* DescribeInstanceTypes pages by at most 100 (DITMaxResults: 5-100). */
	if (max && (max->size() > 3 || atoi(max->c_str()) > 100))
		return client_error(e, "InvalidParameterValue", "MaxResults must be between 5 and 100");
	if (!snapshot_load(s, c.cfg, SNAP_TYPES, e))
		return false;
	/* EC2 names every unknown type at once. */
	std::string unknown;
	for (auto &want : param_list(c.req.args, "InstanceType")) {
		bool known = false;

		for (auto &t : s.types)
			known = known || want == t.name;
		if (!known)
			unknown += (unknown.empty() ? "" : ", ") + want.substr(0, 64);
	}
	if (!unknown.empty() && !c.dry_run)
		return client_error(e, "InvalidInstanceType",
				    "The following supplied instance types do not exist: [" + unknown + "]");
	if (!describe_select(c, s.types, s, TYPE_FILTERS,
			     sizeof(TYPE_FILTERS) / sizeof(TYPE_FILTERS[0]), type_name,
			     "InstanceType", nullptr, nullptr, "InvalidInstanceType", "instance type",
			     shown, next, e))
		return false;

	pugi::xml_node set = c.out.append_child("instanceTypeSet");
	for (const vnitro_type *t : shown) {
		pugi::xml_node item = set.append_child("item"), n, card;
		uint32_t cards = t->network_cards ? t->network_cards : 1;

		xml_text(item, "instanceType", t->name);
		xml_int(item.append_child("vCpuInfo"), "defaultVCpus", t->vcpus);
		n = item.append_child("networkInfo");
		xml_text(n, "networkPerformance", performance_text(t->baseline_mbps, t->peak_mbps));
		xml_int(n, "maximumNetworkInterfaces", t->max_enis);
		xml_int(n, "maximumNetworkCards", cards);
		xml_int(n, "defaultNetworkCardIndex", 0);
		card = n.append_child("networkCards");
		for (uint32_t i = 0; i < cards; i++) {
			pugi::xml_node ci = card.append_child("item");
			uint64_t base = t->baseline_mbps / cards, peak = t->peak_mbps / cards;

			xml_int(ci, "networkCardIndex", i);
			xml_text(ci, "networkPerformance", performance_text(base, peak));
			xml_int(ci, "maximumNetworkInterfaces", t->max_enis_per_card);
			xml_text(ci, "baselineBandwidthInGbps", gbps_text(base));
			xml_text(ci, "peakBandwidthInGbps", gbps_text(peak));
		}
		xml_int(n, "ipv4AddressesPerInterface", t->max_ips_per_eni);
		xml_int(n, "ipv6AddressesPerInterface", t->max_ips_per_eni);
		xml_bool(n, "ipv6Supported", true);
		xml_text(n, "enaSupport", ena_support(*t));
		xml_bool(n, "efaSupported", t->efa);
		if (t->efa)
			xml_int(n.append_child("efaInfo"), "maximumEfaInterfaces", t->max_efas);
		xml_bool(n, "enaSrdSupported", t->ena_express);
	}
	if (!next.empty())
		xml_text(c.out, "nextToken", next);
	return true;
}

const char *const TYPES[] = { "InstanceType.N", "Filter.N.Name", "Filter.N.Value.N",
			      "MaxResults", "NextToken", "DryRun", nullptr };
const char *const VPCS[] = { "VpcId.N", "Filter.N.Name", "Filter.N.Value.N", "MaxResults",
			     "NextToken", "DryRun", nullptr };
const char *const SUBNETS[] = { "SubnetId.N", "Filter.N.Name", "Filter.N.Value.N", "MaxResults",
				"NextToken", "DryRun", nullptr };

} // namespace

const action_def describe_actions[] = {
	{ "DescribeVpcs", describe_vpcs, VPCS },
	{ "DescribeSubnets", describe_subnets, SUBNETS },
	{ "DescribeInstanceTypes", describe_instance_types, TYPES },
};
const size_t describe_action_count = sizeof(describe_actions) / sizeof(describe_actions[0]);

} // namespace vnitro::ec2
