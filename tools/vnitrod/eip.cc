// SPDX-License-Identifier: GPL-2.0-only
/*
 * Elastic IP addresses as EC2's: AllocateAddress, DescribeAddresses,
 * AssociateAddress, DisassociateAddress and ReleaseAddress over
 * vnitro_eip_*. All of vnitro's addresses are for use in a VPC (domain
 * "vpc"); the kernel starts its refusals with EC2's code ("AddressLimitExceeded:
 * ..."), which becomes the answer's.
 */
#include "vnitrod.h"

namespace vnitro::ec2 {

namespace {

constexpr const char ALLOC_PREFIX[] = "eipalloc-";

bool associated(const vnitro_eip &a)
{
	return a.association_id[0] != '\0';
}

bool find_allocation(const snapshot &s, const std::string &id, const vnitro_eip *&a, error &e)
{
	if (id.compare(0, strlen(ALLOC_PREFIX), ALLOC_PREFIX))
		return client_error(e, "InvalidAllocationID.Malformed", "Invalid id: \"" +
				    id.substr(0, 128) + "\" (expecting \"eipalloc-...\")");
	for (auto &x : s.eips) {
		if (id == x.id) {
			a = &x;
			return true;
		}
	}
	return client_error(e, "InvalidAllocationID.NotFound", "The allocation ID '" +
			    id.substr(0, 128) + "' does not exist");
}

/* Domain=vpc (or none), and Address: one of the public pool's, free. */
bool allocate_address(context &c, error &e)
{
	const params &p = c.req.args;
	const std::string *domain = param(p, "Domain"), *address = param(p, "Address");
	uint32_t ip = 0;
	vnitro_eip a;
	snapshot s;
	int rc;

	if (domain && *domain != "vpc")
		return client_error(e, "InvalidParameterValue", "Value (" + domain->substr(0, 64) +
				    ") for parameter Domain is invalid: vnitro's addresses are for "
				    "use in a VPC (vpc)");
	if ((address && !param_ipv4("Address", *address, ip, e)) ||
	    !snapshot_load(s, c.cfg, SNAP_EIPS, e))
		return false;
	if (s.eips.size() >= VNITRO_MAX_EIPS)
		return client_error(e, "AddressLimitExceeded", "The maximum number of addresses has "
				    "been reached: " + std::to_string(s.eips.size()) + " are allocated, "
				    "and the quota \"Elastic IP addresses per Region\" is " +
				    std::to_string(VNITRO_MAX_EIPS));
	for (auto &x : s.eips)
		if (ip && x.public_ip == ip)
			return client_error(e, "InvalidAddress.InUse", "Address " + *address +
					    " is already allocated (" + x.id + ")");
	if (c.dry_run)
		return dry_run_ok(e);
	rc = vnitro_eip_add(world_handle(e), nullptr, ip, &a);
	if (rc)
		return world_coded_error(e, rc, "InvalidAddress.NotFound", "AddressLimitExceeded");
	xml_text(c.out, "publicIp", ipv4_text(a.public_ip));
	xml_text(c.out, "domain", "vpc");
	xml_text(c.out, "allocationId", a.id);
	xml_text(c.out, "publicIpv4Pool", "amazon");
	xml_text(c.out, "networkBorderGroup", c.cfg.region);
	return true;
}

/* ---- DescribeAddresses. */

using values = std::vector<std::string>;

void a_id(const vnitro_eip &a, const snapshot &, values &v) { v.push_back(a.id); }
void a_public(const vnitro_eip &a, const snapshot &, values &v) { v.push_back(ipv4_text(a.public_ip)); }
void a_domain(const vnitro_eip &, const snapshot &, values &v) { v.push_back("vpc"); }
void a_pool(const vnitro_eip &, const snapshot &, values &v) { v.push_back("amazon"); }

/* The association's fields, which only an associated address has. */
enum assoc_field { ASSOC_ID, ASSOC_ENI, ASSOC_ENI_OWNER, ASSOC_PRIVATE_IP, ASSOC_INSTANCE };

template <assoc_field F>
void a_assoc(const vnitro_eip &a, const snapshot &s, values &v)
{
	if (!associated(a) || (F == ASSOC_INSTANCE && !a.instance[0]))
		return;
	switch (F) {
	case ASSOC_ID: v.push_back(a.association_id); break;
	case ASSOC_ENI: v.push_back(a.eni_id); break;
	case ASSOC_ENI_OWNER: v.push_back(s.account); break;
	case ASSOC_PRIVATE_IP: v.push_back(ipv4_text(a.private_ip)); break;
	case ASSOC_INSTANCE: v.push_back(a.instance); break;
	}
}

const filter_def<vnitro_eip, snapshot> ADDRESS_FILTERS[] = {
	{ "allocation-id", a_id },
	{ "association-id", a_assoc<ASSOC_ID> },
	{ "domain", a_domain },
	{ "instance-id", a_assoc<ASSOC_INSTANCE> },
	{ "network-interface-id", a_assoc<ASSOC_ENI> },
	{ "network-interface-owner-id", a_assoc<ASSOC_ENI_OWNER> },
	{ "private-ip-address", a_assoc<ASSOC_PRIVATE_IP> },
	{ "public-ip", a_public },
	{ "public-ipv4-pool", a_pool },
};

std::string allocation_id(const vnitro_eip &a)
{
	return a.id;
}

void address_xml(pugi::xml_node item, const vnitro_eip &a, const config &cfg)
{
	xml_text(item, "publicIp", ipv4_text(a.public_ip));
	xml_text(item, "allocationId", a.id);
	xml_text(item, "domain", "vpc");
	if (associated(a)) {
		if (a.instance[0])
			xml_text(item, "instanceId", a.instance);
		xml_text(item, "associationId", a.association_id);
		xml_text(item, "networkInterfaceId", a.eni_id);
		xml_text(item, "networkInterfaceOwnerId", cfg.account);
		xml_text(item, "privateIpAddress", ipv4_text(a.private_ip));
	}
	item.append_child("tagSet");
	xml_text(item, "publicIpv4Pool", "amazon");
	xml_text(item, "networkBorderGroup", cfg.region);
}

/* PublicIp.N (each must be allocated) narrows AllocationId.N and the filters. EC2 does not page it. */
bool describe_addresses(context &c, error &e)
{
	std::vector<std::string> publics = param_list(c.req.args, "PublicIp");
	std::vector<const vnitro_eip *> shown;
	std::vector<vnitro_eip> chosen;
	std::string next;
	snapshot s;

	if (!snapshot_load(s, c.cfg, SNAP_EIPS, e))
		return false;
	for (auto &text : publics) {
		size_t before = chosen.size();
		uint32_t ip;

		if (!param_ipv4("PublicIp", text, ip, e))
			return false;
		for (auto &a : s.eips)
			if (a.public_ip == ip)
				chosen.push_back(a);
		if (chosen.size() == before)
			return client_error(e, "InvalidAddress.NotFound", "Address '" + text +
					    "' not found.");
	}
	if (!describe_select(c, publics.empty() ? s.eips : chosen, s, ADDRESS_FILTERS,
			     sizeof(ADDRESS_FILTERS) / sizeof(ADDRESS_FILTERS[0]), allocation_id,
			     "AllocationId", ALLOC_PREFIX, "InvalidAllocationID.Malformed",
			     "InvalidAllocationID.NotFound", "allocation", shown, next, e))
		return false;

	pugi::xml_node set = c.out.append_child("addressesSet");
	for (const vnitro_eip *a : shown)
		address_xml(set.append_child("item"), *a, c.cfg);
	return true;
}

/* ---- Association. */

bool has_address(const vnitro_eni &n, uint32_t ip)
{
	for (uint32_t i = 0; i < n.secondary_count; i++)
		if (n.secondary_ips[i] == ip)
			return true;
	return n.private_ip == ip;
}

/* NetworkInterfaceId, or InstanceId of an instance with one ENI (as EC2 requires). */
bool find_eni(const params &p, const snapshot &s, const vnitro_eni *&n, error &e)
{
	const std::string *id = param(p, "NetworkInterfaceId"), *instance = param(p, "InstanceId");
	const vnitro_instance *in;
	std::string eni_id;

	if (!id == !instance)
		return client_error(e, id ? "InvalidParameterCombination" : "MissingParameter",
				    "Give NetworkInterfaceId or InstanceId, not both");
	if (instance) {
		in = s.instance(instance->c_str());
		if (!in)
			return client_error(e, "InvalidInstanceID.NotFound", "The instance ID '" +
					    instance->substr(0, 128) + "' does not exist");
		if (in->eni_count > 1)
			return client_error(e, "InvalidInstanceID", "There are multiple interfaces "
					    "attached to instance '" + *instance + "'. Please specify "
					    "an interface ID for the operation instead.");
		eni_id = in->primary_eni_id;
	} else if (id->compare(0, 4, "eni-")) {
		return client_error(e, "InvalidNetworkInterfaceID.Malformed", "Invalid id: \"" +
				    id->substr(0, 128) + "\" (expecting \"eni-...\")");
	} else {
		eni_id = id->substr(0, 128);
	}
	n = s.eni(eni_id.c_str());
	if (!n)
		return client_error(e, "InvalidNetworkInterfaceID.NotFound", "The networkInterface "
				    "ID '" + eni_id + "' does not exist");
	return true;
}

/*
 * To PrivateIpAddress of the ENI, its primary by default. An address
 * associated elsewhere moves only with AllowReassociation=true (vnitro's
 * reading; see Documentation/elastic-ips.md).
 */
bool associate_address(context &c, error &e)
{
	const params &p = c.req.args;
	const std::string *private_ip = param(p, "PrivateIpAddress");
	bool reassociate = false, given;
	const vnitro_eip *a;
	const vnitro_eni *n;
	std::string alloc;
	uint32_t ip = 0;
	vnitro_eip out;
	snapshot s;
	int rc;

	if (!require(p, "AllocationId", alloc, e) ||
	    !param_bool(p, "AllowReassociation", reassociate, given, e) ||
	    (private_ip && !param_ipv4("PrivateIpAddress", *private_ip, ip, e)) ||
	    !snapshot_load(s, c.cfg, SNAP_INSTANCES | SNAP_ENIS | SNAP_EIPS, e) ||
	    !find_allocation(s, alloc, a, e) || !find_eni(p, s, n, e))
		return false;
	if (!ip)
		ip = n->private_ip;
	if (!has_address(*n, ip))
		return client_error(e, "InvalidParameterValue", "The address " + ipv4_text(ip) +
				    " is not a private IPv4 address of " + n->id);
	if (associated(*a) && (strcmp(a->eni_id, n->id) || a->private_ip != ip) && !reassociate)
		return client_error(e, "Resource.AlreadyAssociated", "resource " + alloc +
				    " is already associated with associate-id " + a->association_id +
				    " (" + a->eni_id + ", " + ipv4_text(a->private_ip) +
				    "); give AllowReassociation=true to move it");
	if (c.dry_run)
		return dry_run_ok(e);
	rc = vnitro_eip_associate(world_handle(e), a->id, n->id, ip, reassociate, &out);
	if (rc)
		return world_coded_error(e, rc, "InvalidAllocationID.NotFound");
	xml_text(c.out, "associationId", out.association_id);
	return true;
}

/*
 * vnitro keeps no record of past associations: an association id that is
 * not current is InvalidAssociationID.NotFound, also when it was once.
 */
bool disassociate_address(context &c, error &e)
{
	const vnitro_eip *a = nullptr;
	std::string id;
	snapshot s;
	int rc;

	if (!require(c.req.args, "AssociationId", id, e) || !snapshot_load(s, c.cfg, SNAP_EIPS, e))
		return false;
	for (auto &x : s.eips)
		if (associated(x) && id == x.association_id)
			a = &x;
	if (!a)
		return client_error(e, "InvalidAssociationID.NotFound", "The association ID '" +
				    id.substr(0, 128) + "' does not exist");
	if (c.dry_run)
		return dry_run_ok(e);
	rc = vnitro_eip_disassociate(world_handle(e), id.c_str());
	return rc ? world_coded_error(e, rc, "InvalidAssociationID.NotFound") : return_true(c);
}

/* Refused while associated (EC2's rule for a nondefault VPC, vnitro's for every VPC). */
bool release_address(context &c, error &e)
{
	const vnitro_eip *a;
	std::string id;
	snapshot s;
	int rc;

	if (!require(c.req.args, "AllocationId", id, e) || !snapshot_load(s, c.cfg, SNAP_EIPS, e) ||
	    !find_allocation(s, id, a, e))
		return false;
	if (associated(*a))
		return client_error(e, "InvalidIPAddress.InUse", "Address " + ipv4_text(a->public_ip) +
				    " (" + id + ") is in use: associated with " + a->eni_id + " as " +
				    a->association_id + "; disassociate it first");
	if (c.dry_run)
		return dry_run_ok(e);
	rc = vnitro_eip_del(world_handle(e), id.c_str());
	return rc ? world_coded_error(e, rc, "InvalidAllocationID.NotFound") : return_true(c);
}

const char *const ALLOCATE[] = { "Domain", "Address", "DryRun", nullptr };
const char *const DESCRIBE[] = { "PublicIp.N", "AllocationId.N", "Filter.N.Name",
				 "Filter.N.Value.N", "DryRun", nullptr };
const char *const ASSOCIATE[] = { "AllocationId", "NetworkInterfaceId", "InstanceId",
				  "PrivateIpAddress", "AllowReassociation", "DryRun", nullptr };
const char *const DISASSOCIATE[] = { "AssociationId", "DryRun", nullptr };
const char *const RELEASE[] = { "AllocationId", "DryRun", nullptr };

} // namespace

const action_def eip_actions[] = {
	{ "DescribeAddresses", describe_addresses, DESCRIBE },
	{ "AllocateAddress", allocate_address, ALLOCATE },
	{ "AssociateAddress", associate_address, ASSOCIATE },
	{ "DisassociateAddress", disassociate_address, DISASSOCIATE },
	{ "ReleaseAddress", release_address, RELEASE },
};
const size_t eip_action_count = sizeof(eip_actions) / sizeof(eip_actions[0]);

} // namespace vnitro::ec2
