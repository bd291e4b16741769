// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnitro's instances as EC2's: DescribeInstances, ModifyInstanceAttribute
 * and ModifyInstanceMetadataOptions.
 * An instance's id is its vnitro name; each is alone in a reservation whose
 * id is derived from that name.
 */
#include <errno.h>

#include <algorithm>

#include "vnitrod.h"

namespace vnitro::ec2 {

namespace {

using inst_filter = filter_def<vnitro_instance, snapshot>;
using values = std::vector<std::string>;

/* The instance's ENIs by network card, then device index. */
std::vector<const vnitro_eni *> enis_of(const vnitro_instance &in, const snapshot &s)
{
	std::vector<const vnitro_eni *> out;

	for (auto &n : s.enis)
		if (!strcmp(n.instance, in.name))
			out.push_back(&n);
	std::sort(out.begin(), out.end(), [](const vnitro_eni *a, const vnitro_eni *b) {
		return a->network_card != b->network_card ? a->network_card < b->network_card :
							    a->device_index < b->device_index;
	});
	return out;
}

std::string reservation_id(const vnitro_instance &in)
{
	return "r-" + sha256_hex(in.name).substr(0, 17);
}

std::string vpc_of(const vnitro_instance &in, const snapshot &s)
{
	const vnitro_subnet *sn = s.subnet(in.subnet_id);

	return sn ? sn->vpc_id : "";
}

void f_id(const vnitro_instance &in, const snapshot &, values &v) { v.push_back(in.name); }
void f_type(const vnitro_instance &in, const snapshot &, values &v) { v.push_back(in.type.name); }
void f_subnet(const vnitro_instance &in, const snapshot &, values &v) { v.push_back(in.subnet_id); }
void f_az(const vnitro_instance &in, const snapshot &, values &v) { v.push_back(in.az); }
void f_vpc(const vnitro_instance &in, const snapshot &s, values &v) { v.push_back(vpc_of(in, s)); }
void f_state(const vnitro_instance &, const snapshot &, values &v) { v.push_back("running"); }
void f_code(const vnitro_instance &, const snapshot &, values &v) { v.push_back("16"); }
void f_reservation(const vnitro_instance &in, const snapshot &, values &v)
{
	v.push_back(reservation_id(in));
}

void f_private_ip(const vnitro_instance &in, const snapshot &s, values &v)
{
	if (const vnitro_eni *n = s.eni(in.primary_eni_id))
		v.push_back(ipv4_text(n->private_ip));
}

void f_dns(const vnitro_instance &in, const snapshot &s, values &v)
{
	if (const vnitro_eni *n = s.eni(in.primary_eni_id))
		v.push_back(private_dns_name(n->private_ip, in.az));
}

void f_eni(const vnitro_instance &in, const snapshot &s, values &v)
{
	for (const vnitro_eni *n : enis_of(in, s))
		v.push_back(n->id);
}

void f_eni_ips(const vnitro_instance &in, const snapshot &s, values &v)
{
	for (const vnitro_eni *n : enis_of(in, s)) {
		v.push_back(ipv4_text(n->private_ip));
		for (uint32_t i = 0; i < n->secondary_count; i++)
			v.push_back(ipv4_text(n->secondary_ips[i]));
	}
}

/* Only an instance in a placement group (a partition group's) has these values. */
void f_pg_name(const vnitro_instance &in, const snapshot &, values &v)
{
	if (in.placement_group[0])
		v.push_back(in.placement_group);
}

void f_partition(const vnitro_instance &in, const snapshot &, values &v)
{
	if (in.partition)
		v.push_back(std::to_string(in.partition));
}

void f_group(const vnitro_instance &in, const snapshot &s, values &v)
{
	if (const vnitro_eni *n = s.eni(in.primary_eni_id))
		for (uint32_t i = 0; i < n->security_group_count; i++)
			v.push_back(n->security_groups[i]);
}

const inst_filter INSTANCE_FILTERS[] = {
	{ "instance-id", f_id },
	{ "instance-type", f_type },
	{ "vpc-id", f_vpc },
	{ "subnet-id", f_subnet },
	{ "availability-zone", f_az },
	{ "private-ip-address", f_private_ip },
	{ "private-dns-name", f_dns },
	{ "network-interface.network-interface-id", f_eni },
	{ "network-interface.addresses.private-ip-address", f_eni_ips },
	{ "instance-state-name", f_state },
	{ "instance-state-code", f_code },
	{ "reservation-id", f_reservation },
	{ "instance.group-id", f_group },
	{ "placement-group-name", f_pg_name },
	{ "placement-partition-number", f_partition },
	{ "tag:Name", f_id },
};

std::string instance_id(const vnitro_instance &in)
{
	return in.name;
}

/*
 * EC2's InstanceMetadataOptionsResponse. A change is "pending" in
 * ModifyInstanceMetadataOptions' answer and "applied" afterwards, as EC2
 * says; here it is in force as soon as the call returns.
 */
void metadata_options_xml(pugi::xml_node x, const vnitro_instance &in, const char *state)
{
	xml_text(x, "state", state);
	xml_text(x, "httpTokens", in.md_tokens == VNITRO_MD_TOKENS_REQUIRED ? "required" : "optional");
	xml_int(x, "httpPutResponseHopLimit", in.md_hop_limit);
	xml_text(x, "httpEndpoint", in.md_endpoint ? "enabled" : "disabled");
	xml_text(x, "httpProtocolIpv6", "disabled");
	xml_text(x, "instanceMetadataTags", "disabled");
}

/* What vnitro carries; no image, launch time, key, architecture or block devices. */
void instance_xml(pugi::xml_node item, const vnitro_instance &in, const snapshot &s,
		  const config &cfg)
{
	const vnitro_eni *primary = s.eni(in.primary_eni_id);
	pugi::xml_node x;

	xml_text(item, "instanceId", in.name);
	x = item.append_child("instanceState");
	xml_int(x, "code", 16);
	xml_text(x, "name", "running");
	if (primary) {
		xml_text(item, "privateDnsName", private_dns_name(primary->private_ip, in.az));
		xml_text(item, "privateIpAddress", ipv4_text(primary->private_ip));
	}
	xml_text(item, "instanceType", in.type.name);
	/* As EC2 shows it: groupName "" outside a group; partitionNumber in a partition group. */
	x = item.append_child("placement");
	xml_text(x, "availabilityZone", in.az);
	xml_text(x, "groupName", in.placement_group);
	if (in.partition)
		xml_int(x, "partitionNumber", in.partition);
	xml_text(x, "tenancy", "default");
	if (in.placement_group_id[0])
		xml_text(x, "groupId", in.placement_group_id);
	xml_text(item, "subnetId", in.subnet_id);
	xml_text(item, "vpcId", vpc_of(in, s));
	/* The Intel VF types' enhanced networking is EC2's sriovNetSupport "simple". */
	xml_bool(item, "enaSupport", in.type.adapter == VNITRO_ADAPTER_ENA);
	if (in.type.adapter == VNITRO_ADAPTER_IXGBEVF)
		xml_text(item, "sriovNetSupport", "simple");
	if (primary) {
		xml_bool(item, "sourceDestCheck", primary->source_dest_check);
		groups_xml(item, *primary, s);
	}
	metadata_options_xml(item.append_child("metadataOptions"), in, "applied");
	x = item.append_child("networkInterfaceSet");
	for (const vnitro_eni *n : enis_of(in, s))
		eni_xml(x.append_child("item"), *n, s, cfg, true);
	x = item.append_child("tagSet").append_child("item");
	xml_text(x, "key", "Name");
	xml_text(x, "value", in.name);
}

bool describe_instances(context &c, error &e)
{
	std::vector<const vnitro_instance *> shown;
	std::string next;
	snapshot s;

	if (param(c.req.args, "MaxResults") && param(c.req.args, "InstanceId.1"))
		return client_error(e, "InvalidParameterCombination", "The parameter InstanceIds "
				    "cannot be used with the parameter maxResults");
	if (!snapshot_load(s, c.cfg, SNAP_SUBNETS | SNAP_INSTANCES | SNAP_ENIS | SNAP_SGS | SNAP_EIPS, e) ||
	    !describe_select(c, s.instances, s, INSTANCE_FILTERS,
			     sizeof(INSTANCE_FILTERS) / sizeof(INSTANCE_FILTERS[0]), instance_id,
			     "InstanceId", nullptr, nullptr, "InvalidInstanceID.NotFound", "instance",
			     shown, next, e))
		return false;

	pugi::xml_node set = c.out.append_child("reservationSet");
	for (const vnitro_instance *in : shown) {
		pugi::xml_node r = set.append_child("item");

		xml_text(r, "reservationId", reservation_id(*in));
		xml_text(r, "ownerId", c.cfg.account);
		r.append_child("groupSet");
		instance_xml(r.append_child("instancesSet").append_child("item"), *in, s, c.cfg);
	}
	if (!next.empty())
		xml_text(c.out, "nextToken", next);
	return true;
}

/* The libvnitro handle with instance @id read into @in; nullptr and @e if not. */
vnitro_handle *instance_handle(const std::string &id, vnitro_instance &in, error &e)
{
	vnitro_handle *h = world_handle(e);
	int rc;

	if (!h)
		return nullptr;
	rc = vnitro_instance_get(h, id.c_str(), &in);
	if (rc == -ENOENT)
		client_error(e, "InvalidInstanceID.NotFound", "The instance ID '" + id.substr(0, 128) +
			     "' does not exist");
	else if (rc)
		world_error(e, rc, "InvalidInstanceID.NotFound");
	return rc ? nullptr : h;
}

/*
 * SourceDestCheck (also as Attribute=sourceDestCheck with Value) and
 * GroupId.N, applied to the instance's primary ENI; groups only while it
 * is the instance's one ENI, as EC2 requires.
 */
bool modify_instance_attribute(context &c, error &e)
{
	const params &p = c.req.args;
	std::vector<std::string> groups = param_list(p, "GroupId");
	std::vector<const char *> ptrs;
	const std::string *attr = param(p, "Attribute");
	bool sdc = false, sdc_given;
	vnitro_eni_settings set = {};
	std::string id;
	vnitro_instance in;
	vnitro_eni scratch;
	vnitro_handle *h;
	int rc;

	if (!require(p, "InstanceId", id, e) || !param_bool(p, "SourceDestCheck.Value", sdc, sdc_given, e))
		return false;
	if (attr) {
		if (*attr != "sourceDestCheck")
			return client_error(e, "InvalidParameterValue", "Value (" + attr->substr(0, 64) +
					    ") for parameter attribute is invalid: vnitrod modifies only "
					    "sourceDestCheck and groups");
		if (sdc_given)
			return client_error(e, "InvalidParameterCombination", "Give SourceDestCheck or "
					    "Attribute with Value, not both");
		if (!param(p, "Value"))
			return client_error(e, "MissingParameter", "The request must contain the parameter Value");
		if (!param_bool(p, "Value", sdc, sdc_given, e))
			return false;
	} else if (param(p, "Value")) {
		return client_error(e, "MissingParameter", "The request must contain the parameter Attribute");
	}
	if (sdc_given + !groups.empty() != 1)
		return client_error(e, sdc_given ? "InvalidParameterCombination" : "MissingParameter",
				    "Give one attribute to modify: SourceDestCheck or GroupId");
	if (!(h = instance_handle(id, in, e)))
		return false;
	if (!groups.empty() && in.eni_count > 1)
		return client_error(e, "InvalidInstanceID", "There are multiple interfaces attached to "
				    "instance '" + id + "'. Please specify an interface ID for the operation instead.");
	if (c.dry_run)
		return dry_run_ok(e);
	set.set_source_dest_check = sdc_given;
	set.source_dest_check = sdc;
	for (auto &g : groups)
		ptrs.push_back(g.c_str());
	set.set_security_groups = !groups.empty();
	set.security_groups = ptrs.data();
	set.security_group_count = ptrs.size();
	rc = vnitro_eni_set(h, in.primary_eni_id, &set, &scratch);
	if (rc)
		return world_error(e, rc, "InvalidGroup.NotFound", "SecurityGroupsPerInterfaceLimitExceeded");
	xml_bool(c.out, "return", true);
	return true;
}

/* "enabled"/"disabled" (or another pair) of @name into *@out; absent: unchanged. */
bool param_choice(const params &p, const char *name, const char *no, const char *yes, int &out,
		  error &e)
{
	const std::string *v = param(p, name);

	if (!v)
		return true;
	if (*v != no && *v != yes)
		return client_error(e, "InvalidParameterValue", "Value (" + v->substr(0, 64) +
				    ") for parameter " + name + " is invalid. Valid values: " + no +
				    ", " + yes);
	out = *v == yes;
	return true;
}

/* HttpTokens, HttpPutResponseHopLimit and HttpEndpoint onto INSTANCE_SET. */
bool modify_instance_metadata_options(context &c, error &e)
{
	const params &p = c.req.args;
	vnitro_md_changes md = { -1, -1, -1 };
	int ipv6 = 0, tags = 0;
	uint32_t hops = 0;
	bool given = false;
	vnitro_instance in;
	std::string id;
	vnitro_handle *h;
	int rc;

	if (!require(p, "InstanceId", id, e) ||
	    !param_choice(p, "HttpTokens", "optional", "required", md.tokens, e) ||
	    !param_choice(p, "HttpEndpoint", "disabled", "enabled", md.endpoint, e) ||
	    !param_choice(p, "HttpProtocolIpv6", "disabled", "enabled", ipv6, e) ||
	    !param_choice(p, "InstanceMetadataTags", "disabled", "enabled", tags, e) ||
	    !param_uint(p, "HttpPutResponseHopLimit", VNITRO_MD_HOP_LIMIT_MIN,
			VNITRO_MD_HOP_LIMIT_MAX, hops, given, e))
		return false;
	if (ipv6 || tags)
		return client_error(e, "InvalidParameterValue", std::string("vnitrod does not serve ") +
				    (ipv6 ? "the metadata service over IPv6 (HttpProtocolIpv6)" :
					    "instance tags in the metadata (InstanceMetadataTags)"));
	if (given)
		md.hop_limit = int(hops);
	if (!(h = instance_handle(id, in, e)))
		return false;
	if (c.dry_run)
		return dry_run_ok(e);
	/* Nothing to change is no error on EC2: the options are answered as they are. */
	if ((md.tokens >= 0 || md.hop_limit >= 0 || md.endpoint >= 0) &&
	    (rc = vnitro_instance_set(h, id.c_str(), &md, &in)))
		return world_error(e, rc, "InvalidInstanceID.NotFound");
	xml_text(c.out, "instanceId", in.name);
	metadata_options_xml(c.out.append_child("instanceMetadataOptions"), in, "pending");
	return true;
}

const char *const DESCRIBE[] = { "InstanceId.N", "Filter.N.Name", "Filter.N.Value.N", "MaxResults",
				 "NextToken", "DryRun", nullptr };
const char *const MODIFY[] = { "InstanceId", "SourceDestCheck.Value", "Attribute", "Value",
			       "GroupId.N", "DryRun", nullptr };
const char *const MODIFY_MD[] = { "InstanceId", "HttpTokens", "HttpPutResponseHopLimit",
				  "HttpEndpoint", "HttpProtocolIpv6", "InstanceMetadataTags",
				  "DryRun", nullptr };

} // namespace

const action_def instance_actions[] = {
	{ "DescribeInstances", describe_instances, DESCRIBE },
	{ "ModifyInstanceAttribute", modify_instance_attribute, MODIFY },
	{ "ModifyInstanceMetadataOptions", modify_instance_metadata_options, MODIFY_MD },
};
const size_t instance_action_count = sizeof(instance_actions) / sizeof(instance_actions[0]);

} // namespace vnitro::ec2
