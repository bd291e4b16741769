// SPDX-License-Identifier: GPL-2.0-only
/*
 * The actions that change ENIs: create, delete, attach, detach, modify,
 * assign and unassign private addresses. Each checks what it can first
 * (DryRun answers after those checks) and undoes its own earlier steps
 * when a later one is refused, so a refused request changes nothing.
 */
#include <errno.h>
#include <stdlib.h>

#include <algorithm>

#include "vnitrod.h"

namespace vnitro::ec2 {

bool describe_network_interfaces(context &c, error &e);

namespace {

constexpr uint32_t MAX_IPS = VNITRO_MAX_ENI_IPS - 1;	/* secondary, per request */

bool get_eni(const std::string &id, vnitro_eni &out, error &e)
{
	vnitro_handle *h = world_handle(e);
	int rc;

	if (!h)
		return false;
	if (id.compare(0, 4, "eni-"))
		return client_error(e, "InvalidNetworkInterfaceID.Malformed", "Invalid id: \"" +
				    id.substr(0, 128) + "\" (expecting \"eni-...\")");
	rc = vnitro_eni_get(h, id.c_str(), &out);
	if (rc == -ENOENT)
		return client_error(e, "InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '" +
				    id.substr(0, 128) + "' does not exist");
	return !rc || world_error(e, rc, "InvalidNetworkInterfaceID.NotFound");
}

bool has_secondary(const vnitro_eni &n, uint32_t ip)
{
	return std::find(n.secondary_ips, n.secondary_ips + n.secondary_count, ip) !=
	       n.secondary_ips + n.secondary_count;
}

/* Views the one ENI an action changed, with what its XML needs besides. */
bool render_eni(context &c, pugi::xml_node item, const vnitro_eni &n, error &e)
{
	snapshot s;

	if (!snapshot_load(s, c.cfg, SNAP_SUBNETS | SNAP_SGS | SNAP_EIPS, e))
		return false;
	eni_xml(item, n, s, c.cfg, false);
	return true;
}

/* SecurityGroupId.N as the C array vnitro_eni_settings takes. */
struct group_list {
	std::vector<std::string> ids;
	std::vector<const char *> ptrs;

	explicit group_list(const params &p) : ids(param_list(p, "SecurityGroupId"))
	{
		for (auto &id : ids)
			ptrs.push_back(id.c_str());
	}
};

/* The ENA Express (ENA SRD) fields of Attach and Modify; disabling ENA Express disables its UDP too. */
bool ena_srd(const params &p, vnitro_eni_settings &s, bool &given, error &e)
{
	bool on = false, udp = false, on_given, udp_given;

	if (!param_bool(p, "EnaSrdSpecification.EnaSrdEnabled", on, on_given, e) ||
	    !param_bool(p, "EnaSrdSpecification.EnaSrdUdpSpecification.EnaSrdUdpEnabled", udp,
			udp_given, e))
		return false;
	given = on_given || udp_given;
	if (on_given) {
		s.set_ena_express = 1;
		s.ena_express = on;
	}
	if (udp_given || (on_given && !on)) {
		s.set_ena_express_udp = 1;
		s.ena_express_udp = udp_given ? udp : false;
	}
	return true;
}

bool create_network_interface(context &c, error &e)
{
	const params &p = c.req.args;
	std::string subnet, type;
	std::vector<uint32_t> secondaries;
	uint32_t primary = 0, count = 0, v6count = 0;
	bool count_given, v6_given;
	vnitro_eni_settings set = {};
	vnitro_eni_spec spec = {};
	group_list groups(p);
	vnitro_subnet sn;
	vnitro_eni n;
	vnitro_handle *h;
	int rc;

	if (!require(p, "SubnetId", subnet, e) ||
	    !param_uint(p, "SecondaryPrivateIpAddressCount", 1, MAX_IPS, count, count_given, e) ||
	    !param_uint(p, "Ipv6AddressCount", 1, VNITRO_MAX_ENI_IPV6, v6count, v6_given, e))
		return false;
	type = param(p, "InterfaceType") ? *param(p, "InterfaceType") : "interface";
	if (type != "interface" && type != "efa")
		return client_error(e, "InvalidParameterValue", "Value (" + type.substr(0, 64) +
				    ") for parameter InterfaceType is invalid: vnitro has interface and efa");
	if (const std::string *ip = param(p, "PrivateIpAddress"))
		if (!param_ipv4("PrivateIpAddress", *ip, primary, e))
			return false;
	for (auto &idx : list_indices(p, "PrivateIpAddresses.")) {
		std::string base = "PrivateIpAddresses." + idx;
		const std::string *ip = param(p, base + ".PrivateIpAddress");
		bool is_primary = false, given;
		uint32_t a;

		if (!ip)
			return client_error(e, "MissingParameter", "The request must contain the "
					    "parameter " + base + ".PrivateIpAddress");
		if (!param_ipv4(base + ".PrivateIpAddress", *ip, a, e) ||
		    !param_bool(p, base + ".Primary", is_primary, given, e))
			return false;
		if (is_primary && primary && primary != a)
			return client_error(e, "InvalidParameterCombination", "Only one primary private "
					    "IPv4 address can be given");
		if (is_primary)
			primary = a;
		else
			secondaries.push_back(a);
	}
	if (param(p, "Ipv6Addresses.1.Ipv6Address"))
		return client_error(e, "InvalidParameterValue", "vnitrod assigns IPv6 addresses by "
				    "count only (Ipv6AddressCount)");
	if (!(h = world_handle(e)))
		return false;
	rc = vnitro_subnet_get(h, subnet.c_str(), &sn);
	if (rc == -ENOENT)
		return client_error(e, "InvalidSubnetID.NotFound", "The subnet ID '" +
				    subnet.substr(0, 128) + "' does not exist");
	if (rc)
		return world_error(e, rc, "InvalidSubnetID.NotFound");
	if (c.dry_run)
		return dry_run_ok(e);

	if (const std::string *d = param(p, "Description"))
		set.description = d->c_str();
	if (!groups.ids.empty()) {
		set.set_security_groups = 1;
		set.security_groups = groups.ptrs.data();
		set.security_group_count = groups.ptrs.size();
	}
	spec.subnet_id = subnet.c_str();
	spec.private_ip = primary;
	spec.type = type == "efa" ? VNITRO_ENI_TYPE_EFA : VNITRO_ENI_TYPE_INTERFACE;
	spec.settings = &set;
	rc = vnitro_eni_add(h, &spec, &n);
	if (rc)
		return world_error(e, rc, "InvalidGroup.NotFound", "SecurityGroupsPerInterfaceLimitExceeded");
	for (uint32_t ip : secondaries)
		if ((rc = vnitro_eni_ip_assign(h, n.id, ip, 0, &n)))
			break;
	if (!rc && count_given)
		rc = vnitro_eni_ip_assign(h, n.id, 0, count, &n);
	if (!rc && v6_given)
		rc = vnitro_eni_ipv6_assign(h, n.id, nullptr, v6count, &n);
	if (rc) {
		world_error(e, rc, "InvalidParameterValue", "PrivateIpAddressLimitExceeded");
		vnitro_eni_del(h, n.id);
		return false;
	}
	if (!render_eni(c, c.out.append_child("networkInterface"), n, e))
		return false;
	if (const std::string *t = param(p, "ClientToken"))
		xml_text(c.out, "clientToken", *t);
	return true;
}

bool delete_network_interface(context &c, error &e)
{
	std::string id;
	vnitro_eni n;
	int rc;

	if (!require(c.req.args, "NetworkInterfaceId", id, e) || !get_eni(id, n, e))
		return false;
	if (n.instance[0])
		return client_error(e, "InvalidNetworkInterface.InUse", "Network interface '" + id +
				    "' is currently in use (attached to instance " + n.instance + ").");
	if (c.dry_run)
		return dry_run_ok(e);
	rc = vnitro_eni_del(world_handle(e), id.c_str());
	return rc ? world_error(e, rc, "InvalidNetworkInterfaceID.NotFound") : return_true(c);
}

bool attach_network_interface(context &c, error &e)
{
	const params &p = c.req.args;
	std::string id, instance;
	uint32_t index = 0, card = 0;
	bool given, srd_given;
	vnitro_eni_settings set = {};
	vnitro_instance in;
	vnitro_eni n;
	vnitro_handle *h;
	int rc;

	if (!require(p, "NetworkInterfaceId", id, e) || !require(p, "InstanceId", instance, e))
		return false;
	if (!param(p, "DeviceIndex"))
		return client_error(e, "MissingParameter", "The request must contain the parameter DeviceIndex");
	if (!param_uint(p, "DeviceIndex", 0, 0x7fffffff, index, given, e) ||
	    !param_uint(p, "NetworkCardIndex", 0, 0x7fffffff, card, given, e) ||
	    !ena_srd(p, set, srd_given, e) || !get_eni(id, n, e))
		return false;
	h = world_handle(e);
	rc = vnitro_instance_get(h, instance.c_str(), &in);
	if (rc == -ENOENT)
		return client_error(e, "InvalidInstanceID.NotFound", "The instance ID '" +
				    instance.substr(0, 128) + "' does not exist");
	if (rc)
		return world_error(e, rc, "InvalidInstanceID.NotFound");
	if (n.instance[0])
		return client_error(e, "InvalidNetworkInterface.InUse", "Interface: [" + id +
				    "] in use: attached to instance " + n.instance + ".");
	if (c.dry_run)
		return dry_run_ok(e);
	rc = vnitro_eni_attach_card(h, id.c_str(), instance.c_str(), card, index, &n);
	if (rc == -EBUSY)
		return client_error(e, "InvalidParameterValue", vnitro_last_error(h));
	if (rc)
		return world_error(e, rc, "InvalidNetworkInterfaceID.NotFound", "AttachmentLimitExceeded");
	if (srd_given && (rc = vnitro_eni_set(h, id.c_str(), &set, &n))) {
		world_error(e, rc, "InvalidNetworkInterfaceID.NotFound");
		vnitro_eni_detach(h, id.c_str());
		return false;
	}
	xml_text(c.out, "attachmentId", attachment_id(n.id));
	xml_int(c.out, "networkCardIndex", n.network_card);
	return true;
}

/* Force is accepted and changes nothing: vnitro detaches at once. */
bool detach_network_interface(context &c, error &e)
{
	std::string att, id;
	bool force, given;
	vnitro_eni n;
	error ignored;
	int rc;

	if (!require(c.req.args, "AttachmentId", att, e) ||
	    !param_bool(c.req.args, "Force", force, given, e))
		return false;
	id = eni_of_attachment(att);
	if (id.empty() || !get_eni(id, n, ignored) || !n.instance[0]) {
		if (ignored.status >= 500)
			return fail(e, ignored.status, ignored.code.c_str(), ignored.message);
		return client_error(e, "InvalidAttachmentID.NotFound", "The attachment ID '" +
				    att.substr(0, 128) + "' does not exist");
	}
	if (c.dry_run)
		return dry_run_ok(e);
	rc = vnitro_eni_detach(world_handle(e), id.c_str());
	if (rc == -EPERM)
		return client_error(e, "OperationNotPermitted", vnitro_last_error(world_handle(e)));
	return rc ? world_error(e, rc, "InvalidAttachmentID.NotFound") : return_true(c);
}

/* One attribute per request, as EC2 takes them. */
bool modify_network_interface_attribute(context &c, error &e)
{
	const params &p = c.req.args;
	vnitro_eni_settings set = {};
	group_list groups(p);
	bool sdc = false, sdc_given, srd_given;
	const std::string *desc = param(p, "Description.Value");
	std::string id;
	vnitro_eni n;
	int rc, how_many;

	if (!require(p, "NetworkInterfaceId", id, e) ||
	    !param_bool(p, "SourceDestCheck.Value", sdc, sdc_given, e) ||
	    !ena_srd(p, set, srd_given, e))
		return false;
	how_many = sdc_given + !!desc + !groups.ids.empty() + srd_given;
	if (how_many == 0)
		return client_error(e, "MissingParameter", "Give one attribute to modify: "
				    "SourceDestCheck, Description, SecurityGroupId or EnaSrdSpecification");
	if (how_many > 1)
		return client_error(e, "InvalidParameterCombination", "Only one attribute can be "
				    "modified at a time");
	if (!get_eni(id, n, e))
		return false;
	if (c.dry_run)
		return dry_run_ok(e);
	set.set_source_dest_check = sdc_given;
	set.source_dest_check = sdc;
	set.description = desc ? desc->c_str() : nullptr;
	if (!groups.ids.empty()) {
		set.set_security_groups = 1;
		set.security_groups = groups.ptrs.data();
		set.security_group_count = groups.ptrs.size();
	}
	rc = vnitro_eni_set(world_handle(e), id.c_str(), &set, &n);
	if (rc)
		return world_error(e, rc, "InvalidGroup.NotFound", "SecurityGroupsPerInterfaceLimitExceeded");
	return return_true(c);
}

/* An address moved from another ENI (AllowReassignment), to put back if a later step fails. */
struct move {
	std::string from;
	uint32_t ip;
};

void undo_assign(vnitro_handle *h, const std::string &id, const std::vector<uint32_t> &added,
		 const std::vector<move> &moved)
{
	vnitro_eni scratch;

	for (uint32_t ip : added)
		vnitro_eni_ip_unassign(h, id.c_str(), ip, &scratch);
	for (auto &m : moved)
		vnitro_eni_ip_assign(h, m.from.c_str(), m.ip, 0, &scratch);
}

bool assign_private_ip_addresses(context &c, error &e)
{
	const params &p = c.req.args;
	std::vector<std::string> texts = param_list(p, "PrivateIpAddress");
	std::vector<uint32_t> ips, added;
	std::vector<move> moved;
	uint32_t count = 0;
	bool count_given, reassign = false, given;
	std::string id;
	vnitro_eni n;
	snapshot s;
	vnitro_handle *h;
	int rc = 0;

	if (!require(p, "NetworkInterfaceId", id, e) ||
	    !param_uint(p, "SecondaryPrivateIpAddressCount", 1, MAX_IPS, count, count_given, e) ||
	    !param_bool(p, "AllowReassignment", reassign, given, e))
		return false;
	if (texts.empty() && !count_given)
		return client_error(e, "MissingParameter", "Give PrivateIpAddress.N or "
				    "SecondaryPrivateIpAddressCount");
	if (!texts.empty() && count_given)
		return client_error(e, "InvalidParameterCombination", "PrivateIpAddress.N and "
				    "SecondaryPrivateIpAddressCount cannot be given together");
	for (size_t i = 0; i < texts.size(); i++) {
		uint32_t ip;

		if (!param_ipv4("PrivateIpAddress." + std::to_string(i + 1), texts[i], ip, e))
			return false;
		ips.push_back(ip);
	}
	if (!get_eni(id, n, e) || !snapshot_load(s, c.cfg, SNAP_ENIS, e))
		return false;
	for (uint32_t ip : ips) {
		if (ip == n.private_ip || has_secondary(n, ip))
			return client_error(e, "InvalidParameterValue", "Address " + ipv4_text(ip) +
					    " is already assigned to " + id);
		for (auto &other : s.enis) {
			if (!strcmp(other.id, n.id))
				continue;
			if (other.private_ip == ip || (has_secondary(other, ip) && !reassign))
				return client_error(e, "InvalidIPAddress.InUse", "Address " +
						    ipv4_text(ip) + " is in use by " + other.id);
			if (has_secondary(other, ip))
				moved.push_back({ other.id, ip });
		}
	}
	if (c.dry_run)
		return dry_run_ok(e);

	h = world_handle(e);
	std::vector<move> done;
	for (auto &m : moved) {
		vnitro_eni other;

		if ((rc = vnitro_eni_ip_unassign(h, m.from.c_str(), m.ip, &other)))
			break;
		done.push_back(m);
	}
	for (size_t i = 0; !rc && i < ips.size(); i++)
		if (!(rc = vnitro_eni_ip_assign(h, id.c_str(), ips[i], 0, &n)))
			added.push_back(ips[i]);
	if (!rc && count_given) {
		vnitro_eni before = n;

		if (!(rc = vnitro_eni_ip_assign(h, id.c_str(), 0, count, &n)))
			for (uint32_t i = 0; i < n.secondary_count; i++)
				if (!has_secondary(before, n.secondary_ips[i]))
					added.push_back(n.secondary_ips[i]);
	}
	if (rc) {
		world_error(e, rc, "InvalidNetworkInterfaceID.NotFound", "PrivateIpAddressLimitExceeded");
		undo_assign(h, id, added, done);
		return false;
	}
	xml_text(c.out, "networkInterfaceId", id);
	pugi::xml_node set = c.out.append_child("assignedPrivateIpAddressesSet");
	for (uint32_t ip : added)
		xml_text(set.append_child("item"), "privateIpAddress", ipv4_text(ip));
	return true;
}

bool unassign_private_ip_addresses(context &c, error &e)
{
	std::vector<std::string> texts = param_list(c.req.args, "PrivateIpAddress");
	std::vector<uint32_t> ips, removed;
	std::string id;
	vnitro_eni n;
	vnitro_handle *h;
	int rc = 0;

	if (!require(c.req.args, "NetworkInterfaceId", id, e))
		return false;
	if (texts.empty())
		return client_error(e, "MissingParameter", "The request must contain the parameter "
				    "PrivateIpAddress.1");
	for (size_t i = 0; i < texts.size(); i++) {
		uint32_t ip;

		if (!param_ipv4("PrivateIpAddress." + std::to_string(i + 1), texts[i], ip, e))
			return false;
		ips.push_back(ip);
	}
	if (!get_eni(id, n, e))
		return false;
	for (uint32_t ip : ips) {
		if (ip == n.private_ip)
			return client_error(e, "InvalidParameterValue", "Address " + ipv4_text(ip) +
					    " is the primary private IPv4 address of " + id +
					    " and cannot be unassigned");
		if (!has_secondary(n, ip))
			return client_error(e, "InvalidParameterValue", "Some of the specified "
					    "addresses are not assigned to interface " + id + ": " +
					    ipv4_text(ip));
	}
	if (c.dry_run)
		return dry_run_ok(e);
	h = world_handle(e);
	for (uint32_t ip : ips) {
		if ((rc = vnitro_eni_ip_unassign(h, id.c_str(), ip, &n)))
			break;
		removed.push_back(ip);
	}
	if (rc) {
		world_error(e, rc, "InvalidNetworkInterfaceID.NotFound");
		for (uint32_t ip : removed)
			vnitro_eni_ip_assign(h, id.c_str(), ip, 0, &n);
		return false;
	}
	return return_true(c);
}

const char *const DESCRIBE[] = { "NetworkInterfaceId.N", "Filter.N.Name", "Filter.N.Value.N",
				 "MaxResults", "NextToken", "DryRun", nullptr };
const char *const CREATE[] = { "SubnetId", "Description", "SecurityGroupId.N", "PrivateIpAddress",
			       "PrivateIpAddresses.N.PrivateIpAddress", "PrivateIpAddresses.N.Primary",
			       "SecondaryPrivateIpAddressCount", "InterfaceType", "Ipv6AddressCount",
			       "ClientToken", "DryRun", nullptr };
const char *const DELETE[] = { "NetworkInterfaceId", "DryRun", nullptr };
const char *const ATTACH[] = { "NetworkInterfaceId", "InstanceId", "DeviceIndex", "NetworkCardIndex",
			       "EnaSrdSpecification.EnaSrdEnabled",
			       "EnaSrdSpecification.EnaSrdUdpSpecification.EnaSrdUdpEnabled",
			       "DryRun", nullptr };
const char *const DETACH[] = { "AttachmentId", "Force", "DryRun", nullptr };
const char *const MODIFY[] = { "NetworkInterfaceId", "SourceDestCheck.Value", "Description.Value",
			       "SecurityGroupId.N", "EnaSrdSpecification.EnaSrdEnabled",
			       "EnaSrdSpecification.EnaSrdUdpSpecification.EnaSrdUdpEnabled",
			       "DryRun", nullptr };
const char *const ASSIGN[] = { "NetworkInterfaceId", "PrivateIpAddress.N",
			       "SecondaryPrivateIpAddressCount", "AllowReassignment", "DryRun", nullptr };
const char *const UNASSIGN[] = { "NetworkInterfaceId", "PrivateIpAddress.N", "DryRun", nullptr };

} // namespace

const action_def eni_actions[] = {
	{ "DescribeNetworkInterfaces", describe_network_interfaces, DESCRIBE },
	{ "CreateNetworkInterface", create_network_interface, CREATE },
	{ "DeleteNetworkInterface", delete_network_interface, DELETE },
	{ "AttachNetworkInterface", attach_network_interface, ATTACH },
	{ "DetachNetworkInterface", detach_network_interface, DETACH },
	{ "ModifyNetworkInterfaceAttribute", modify_network_interface_attribute, MODIFY },
	{ "AssignPrivateIpAddresses", assign_private_ip_addresses, ASSIGN },
	{ "UnassignPrivateIpAddresses", unassign_private_ip_addresses, UNASSIGN },
};
const size_t eni_action_count = sizeof(eni_actions) / sizeof(eni_actions[0]);

} // namespace vnitro::ec2
