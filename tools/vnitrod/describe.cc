// SPDX-License-Identifier: GPL-2.0-only
/* The read-only network objects: DescribeVpcs, DescribeSubnets, DescribeSecurityGroups. */
#include <arpa/inet.h>

#include "vnitrod.h"

namespace vnitro::ec2 {

namespace {

using values = std::vector<std::string>;

std::string cidr(uint32_t addr, uint8_t len)
{
	return ipv4_text(addr) + "/" + std::to_string(len);
}

std::string cidr6(const uint8_t *addr, uint8_t len)
{
	return ipv6_text(addr) + "/" + std::to_string(len);
}

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
	out.push_back(cidr(v.cidr_addr, v.cidr_prefixlen));
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
		out.push_back(cidr6(v.ipv6_cidr, v.ipv6_prefixlen));
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
		xml_text(item, "cidrBlock", cidr(v->cidr_addr, v->cidr_prefixlen));
		a = item.append_child("cidrBlockAssociationSet").append_child("item");
		xml_text(a, "cidrBlock", cidr(v->cidr_addr, v->cidr_prefixlen));
		xml_text(a, "associationId", association("vpc-cidr-assoc-", v->id));
		xml_text(a.append_child("cidrBlockState"), "state", "associated");
		a = item.append_child("ipv6CidrBlockAssociationSet");
		if (v->ipv6_prefixlen) {
			a = a.append_child("item");
			xml_text(a, "ipv6CidrBlock", cidr6(v->ipv6_cidr, v->ipv6_prefixlen));
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
	out.push_back(cidr(sn.cidr_addr, sn.cidr_prefixlen));
}
void s_cidr6(const vnitro_subnet &sn, const snapshot &, values &out)
{
	if (sn.ipv6_prefixlen)
		out.push_back(cidr6(sn.ipv6_cidr, sn.ipv6_prefixlen));
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
		xml_text(item, "subnetArn", "arn:aws:ec2:" + c.cfg.region + ":" + c.cfg.account +
			 ":subnet/" + sn->id);
		xml_text(item, "state", "available");
		xml_text(item, "ownerId", c.cfg.account);
		xml_text(item, "vpcId", sn->vpc_id);
		xml_text(item, "cidrBlock", cidr(sn->cidr_addr, sn->cidr_prefixlen));
		a = item.append_child("ipv6CidrBlockAssociationSet");
		if (sn->ipv6_prefixlen) {
			a = a.append_child("item");
			xml_text(a, "ipv6CidrBlock", cidr6(sn->ipv6_cidr, sn->ipv6_prefixlen));
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

/* ---- Security groups: one ipPermissions item per vnitro rule (EC2 merges equal ports). */

void g_id(const vnitro_sg &g, const snapshot &, values &out) { out.push_back(g.id); }
void g_name(const vnitro_sg &g, const snapshot &, values &out) { out.push_back(g.name); }
void g_vpc(const vnitro_sg &g, const snapshot &, values &out) { out.push_back(g.vpc_id); }
void g_desc(const vnitro_sg &g, const snapshot &, values &out) { out.push_back(g.description); }
void g_owner(const vnitro_sg &, const snapshot &s, values &out) { out.push_back(s.account); }

const filter_def<vnitro_sg, snapshot> SG_FILTERS[] = {
	{ "group-id", g_id },
	{ "group-name", g_name },
	{ "vpc-id", g_vpc },
	{ "description", g_desc },
	{ "owner-id", g_owner },
};

std::string sg_id(const vnitro_sg &g) { return g.id; }

std::string protocol_name(uint16_t p)
{
	switch (p) {
	case VNITRO_SG_PROTO_ALL: return "-1";
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 58: return "icmpv6";
	default: return std::to_string(p);
	}
}

void rule_xml(pugi::xml_node item, const vnitro_sg_rule &r, const config &cfg)
{
	bool icmp = r.protocol == 1 || r.protocol == 58;
	pugi::xml_node set, x;

	xml_text(item, "ipProtocol", protocol_name(r.protocol));
	if (r.has_ports) {
		xml_int(item, "fromPort", r.port_from);
		xml_int(item, "toPort", r.port_to);
	} else if (icmp) {
		xml_int(item, "fromPort", r.icmp_type);
		xml_int(item, "toPort", r.icmp_code);
	}
	set = item.append_child("groups");
	if (r.peer_id[0]) {
		x = set.append_child("item");
		xml_text(x, "userId", cfg.account);
		xml_text(x, "groupId", r.peer_id);
	}
	set = item.append_child("ipRanges");
	if (!r.peer_id[0] && !r.ipv6)
		xml_text(set.append_child("item"), "cidrIp", cidr(r.cidr_addr, r.cidr_prefixlen));
	set = item.append_child("ipv6Ranges");
	if (!r.peer_id[0] && r.ipv6)
		xml_text(set.append_child("item"), "cidrIpv6", cidr6(r.cidr6, r.cidr_prefixlen));
	item.append_child("prefixListIds");
}

bool describe_security_groups(context &c, error &e)
{
	std::vector<const vnitro_sg *> shown;
	std::vector<std::string> names = param_list(c.req.args, "GroupName");
	std::string next;
	snapshot s;

	if (!snapshot_load(s, c.cfg, SNAP_SGS, e))
		return false;
	for (auto &n : names) {
		bool found = false;

		for (auto &g : s.sgs)
			found = found || n == g.name;
		if (!found)
			return client_error(e, "InvalidGroup.NotFound", "The security group '" +
					    n.substr(0, 128) + "' does not exist");
	}
	if (!describe_select(c, s.sgs, s, SG_FILTERS, sizeof(SG_FILTERS) / sizeof(SG_FILTERS[0]),
			     sg_id, "GroupId", "sg-", "InvalidGroupId.Malformed", "InvalidGroup.NotFound",
			     "security group", shown, next, e))
		return false;

	pugi::xml_node set = c.out.append_child("securityGroupInfo");
	for (const vnitro_sg *g : shown) {
		bool named = names.empty();

		for (auto &n : names)
			named = named || n == g->name;
		if (!named)
			continue;
		pugi::xml_node item = set.append_child("item");
		pugi::xml_node in, out;

		xml_text(item, "ownerId", c.cfg.account);
		xml_text(item, "groupId", g->id);
		xml_text(item, "groupName", g->name);
		xml_text(item, "groupDescription", g->description);
		xml_text(item, "vpcId", g->vpc_id);
		in = item.append_child("ipPermissions");
		out = item.append_child("ipPermissionsEgress");
		for (uint32_t i = 0; i < g->rule_count; i++)
			rule_xml((g->rules[i].direction == VNITRO_SG_EGRESS ? out : in).append_child("item"),
				 g->rules[i], c.cfg);
		item.append_child("tagSet");
	}
	if (!next.empty())
		xml_text(c.out, "nextToken", next);
	return true;
}

const char *const VPCS[] = { "VpcId.N", "Filter.N.Name", "Filter.N.Value.N", "MaxResults",
			     "NextToken", "DryRun", nullptr };
const char *const SUBNETS[] = { "SubnetId.N", "Filter.N.Name", "Filter.N.Value.N", "MaxResults",
				"NextToken", "DryRun", nullptr };
const char *const GROUPS[] = { "GroupId.N", "GroupName.N", "Filter.N.Name", "Filter.N.Value.N",
			       "MaxResults", "NextToken", "DryRun", nullptr };

} // namespace

const action_def describe_actions[] = {
	{ "DescribeVpcs", describe_vpcs, VPCS },
	{ "DescribeSubnets", describe_subnets, SUBNETS },
	{ "DescribeSecurityGroups", describe_security_groups, GROUPS },
};
const size_t describe_action_count = sizeof(describe_actions) / sizeof(describe_actions[0]);

} // namespace vnitro::ec2
