// SPDX-License-Identifier: GPL-2.0-only
/* vnitro's ENIs as EC2's NetworkInterface, and DescribeNetworkInterfaces. */
#include "vnitrod.h"

namespace vnitro::ec2 {

namespace {

bool attached(const vnitro_eni &n)
{
	return n.instance[0] != '\0';
}

const vnitro_eip *eip_of(const snapshot &s, const vnitro_eni &n, uint32_t ip)
{
	for (auto &a : s.eips)
		if (!strcmp(a.eni_id, n.id) && a.private_ip == ip)
			return &a;
	return nullptr;
}

/*
 * An Elastic IP's association; the instance form has no allocation or
 * association id. Its ipOwnerId is the address's owner: the account.
 */
void association_xml(pugi::xml_node parent, const vnitro_eip &a, const snapshot &s,
		     bool in_instance)
{
	pugi::xml_node x = parent.append_child("association");

	if (!in_instance) {
		xml_text(x, "allocationId", a.id);
		xml_text(x, "associationId", a.association_id);
	}
	xml_text(x, "ipOwnerId", s.account);
	xml_text(x, "publicDnsName", "");
	xml_text(x, "publicIp", ipv4_text(a.public_ip));
}

void private_ip_xml(pugi::xml_node set, const vnitro_eni &n, const snapshot &s,
		    const std::string &az, uint32_t ip, bool primary, bool in_instance)
{
	pugi::xml_node item = set.append_child("item");
	const vnitro_eip *a = eip_of(s, n, ip);

	xml_text(item, "privateIpAddress", ipv4_text(ip));
	xml_text(item, "privateDnsName", private_dns_name(ip, az));
	xml_bool(item, "primary", primary);
	if (a)
		association_xml(item, *a, s, in_instance);
}

/* The values of each filter name for one ENI. */
using eni_filter = filter_def<vnitro_eni, snapshot>;
using values = std::vector<std::string>;

void f_id(const vnitro_eni &n, const snapshot &, values &v) { v.push_back(n.id); }
void f_vpc(const vnitro_eni &n, const snapshot &, values &v) { v.push_back(n.vpc_id); }
void f_subnet(const vnitro_eni &n, const snapshot &, values &v) { v.push_back(n.subnet_id); }
void f_mac(const vnitro_eni &n, const snapshot &, values &v) { v.push_back(mac_text(n.mac)); }
void f_status(const vnitro_eni &n, const snapshot &, values &v) { v.push_back(n.status); }
void f_desc(const vnitro_eni &n, const snapshot &, values &v) { v.push_back(n.description); }
void f_az(const vnitro_eni &n, const snapshot &s, values &v) { v.push_back(az_of_eni(n, s)); }
void f_owner(const vnitro_eni &, const snapshot &s, values &v) { v.push_back(s.account); }

void f_sdc(const vnitro_eni &n, const snapshot &, values &v)
{
	v.push_back(n.source_dest_check ? "true" : "false");
}

void f_type(const vnitro_eni &n, const snapshot &, values &v)
{
	v.push_back(n.type == VNITRO_ENI_TYPE_EFA ? "efa" : "interface");
}

void f_primary_ip(const vnitro_eni &n, const snapshot &, values &v)
{
	v.push_back(ipv4_text(n.private_ip));
}

void f_ips(const vnitro_eni &n, const snapshot &, values &v)
{
	v.push_back(ipv4_text(n.private_ip));
	for (uint32_t i = 0; i < n.secondary_count; i++)
		v.push_back(ipv4_text(n.secondary_ips[i]));
}

void f_ipv6(const vnitro_eni &n, const snapshot &, values &v)
{
	for (uint32_t i = 0; i < n.ipv6_count; i++)
		v.push_back(ipv6_text(n.ipv6[i]));
}

void f_group_id(const vnitro_eni &n, const snapshot &, values &v)
{
	for (uint32_t i = 0; i < n.security_group_count; i++)
		v.push_back(n.security_groups[i]);
}

void f_group_name(const vnitro_eni &n, const snapshot &s, values &v)
{
	for (uint32_t i = 0; i < n.security_group_count; i++)
		if (const vnitro_sg *g = s.sg(n.security_groups[i]))
			v.push_back(g->name);
}

void f_att_instance(const vnitro_eni &n, const snapshot &, values &v)
{
	if (attached(n))
		v.push_back(n.instance);
}

void f_att_id(const vnitro_eni &n, const snapshot &, values &v)
{
	if (attached(n))
		v.push_back(attachment_id(n.id));
}

void f_att_index(const vnitro_eni &n, const snapshot &, values &v)
{
	if (attached(n))
		v.push_back(std::to_string(n.device_index));
}

void f_att_card(const vnitro_eni &n, const snapshot &, values &v)
{
	if (attached(n))
		v.push_back(std::to_string(n.network_card));
}

void f_att_status(const vnitro_eni &n, const snapshot &, values &v)
{
	if (attached(n))
		v.push_back("attached");
}

void f_att_dot(const vnitro_eni &n, const snapshot &, values &v)
{
	if (attached(n))
		v.push_back(n.device_index == 0 ? "true" : "false");
}

/* The Elastic IPs on the ENI's addresses: their public address, allocation or association id. */
enum eip_field { EIP_PUBLIC_IP, EIP_ALLOCATION, EIP_ASSOCIATION };

template <eip_field F>
void f_eip(const vnitro_eni &n, const snapshot &s, values &v)
{
	for (auto &a : s.eips)
		if (!strcmp(a.eni_id, n.id))
			v.push_back(F == EIP_PUBLIC_IP ? ipv4_text(a.public_ip) :
				    F == EIP_ALLOCATION ? a.id : a.association_id);
}

void f_requester_managed(const vnitro_eni &, const snapshot &, values &v)
{
	v.push_back("false");
}

const eni_filter ENI_FILTERS[] = {
	{ "network-interface-id", f_id },
	{ "vpc-id", f_vpc },
	{ "subnet-id", f_subnet },
	{ "availability-zone", f_az },
	{ "attachment.instance-id", f_att_instance },
	{ "attachment.attachment-id", f_att_id },
	{ "attachment.device-index", f_att_index },
	{ "attachment.network-card-index", f_att_card },
	{ "attachment.status", f_att_status },
	{ "attachment.delete-on-termination", f_att_dot },
	{ "private-ip-address", f_primary_ip },
	{ "addresses.private-ip-address", f_ips },
	{ "ipv6-addresses.ipv6-address", f_ipv6 },
	{ "association.public-ip", f_eip<EIP_PUBLIC_IP> },
	{ "association.allocation-id", f_eip<EIP_ALLOCATION> },
	{ "association.association-id", f_eip<EIP_ASSOCIATION> },
	{ "mac-address", f_mac },
	{ "status", f_status },
	{ "group-id", f_group_id },
	{ "group-name", f_group_name },
	{ "description", f_desc },
	{ "source-dest-check", f_sdc },
	{ "interface-type", f_type },
	{ "requester-managed", f_requester_managed },
	{ "owner-id", f_owner },
};

std::string eni_id(const vnitro_eni &n)
{
	return n.id;
}

} // namespace

std::string az_of_eni(const vnitro_eni &n, const snapshot &s)
{
	const vnitro_subnet *sn = s.subnet(n.subnet_id);

	return sn ? sn->az : "";
}

void groups_xml(pugi::xml_node parent, const vnitro_eni &n, const snapshot &s)
{
	pugi::xml_node set = parent.append_child("groupSet");

	for (uint32_t i = 0; i < n.security_group_count; i++) {
		pugi::xml_node item = set.append_child("item");
		const vnitro_sg *g = s.sg(n.security_groups[i]);

		xml_text(item, "groupId", n.security_groups[i]);
		if (g)
			xml_text(item, "groupName", g->name);
	}
}

/*
 * What vnitro carries, in EC2's names. Not carried, so not shown: the
 * attach time, tags (ENIs have no name), IPv4/IPv6 prefixes. ENA Express
 * (enaSrdSpecification) is the ENI's setting, shown with its attachment
 * as EC2 shows it.
 */
void eni_xml(pugi::xml_node item, const vnitro_eni &n, const snapshot &s, const config &cfg,
	     bool in_instance)
{
	std::string az = az_of_eni(n, s);
	const vnitro_eip *primary_eip = eip_of(s, n, n.private_ip);

	if (primary_eip)
		association_xml(item, *primary_eip, s, in_instance);
	if (attached(n)) {
		pugi::xml_node att = item.append_child("attachment");

		xml_text(att, "attachmentId", attachment_id(n.id));
		/* vnitro deletes an instance's primary ENI with it, and no other. */
		xml_bool(att, "deleteOnTermination", n.device_index == 0);
		xml_int(att, "deviceIndex", n.device_index);
		xml_int(att, "networkCardIndex", n.network_card);
		if (!in_instance) {
			xml_text(att, "instanceId", n.instance);
			xml_text(att, "instanceOwnerId", cfg.account);
		}
		xml_text(att, "status", "attached");
		if (!in_instance) {
			pugi::xml_node srd = att.append_child("enaSrdSpecification");

			xml_bool(srd, "enaSrdEnabled", n.ena_express);
			xml_bool(srd.append_child("enaSrdUdpSpecification"), "enaSrdUdpEnabled",
				 n.ena_express_udp);
		}
	}
	if (!in_instance)
		xml_text(item, "availabilityZone", az);
	xml_text(item, "description", n.description);
	groups_xml(item, n, s);
	xml_text(item, "interfaceType", n.type == VNITRO_ENI_TYPE_EFA ? "efa" : "interface");
	pugi::xml_node v6 = item.append_child("ipv6AddressesSet");
	for (uint32_t i = 0; i < n.ipv6_count; i++)
		xml_text(v6.append_child("item"), "ipv6Address", ipv6_text(n.ipv6[i]));
	xml_text(item, "macAddress", mac_text(n.mac));
	xml_text(item, "networkInterfaceId", n.id);
	xml_text(item, "ownerId", cfg.account);
	xml_text(item, "privateDnsName", private_dns_name(n.private_ip, az));
	xml_text(item, "privateIpAddress", ipv4_text(n.private_ip));
	pugi::xml_node ips = item.append_child("privateIpAddressesSet");
	private_ip_xml(ips, n, s, az, n.private_ip, true, in_instance);
	for (uint32_t i = 0; i < n.secondary_count; i++)
		private_ip_xml(ips, n, s, az, n.secondary_ips[i], false, in_instance);
	if (!in_instance)
		xml_bool(item, "requesterManaged", false);
	xml_bool(item, "sourceDestCheck", n.source_dest_check);
	xml_text(item, "status", n.status);
	xml_text(item, "subnetId", n.subnet_id);
	if (!in_instance)
		item.append_child("tagSet");
	xml_text(item, "vpcId", n.vpc_id);
}

bool describe_network_interfaces(context &c, error &e)
{
	std::vector<const vnitro_eni *> shown;
	std::string next;
	snapshot s;

	if (param(c.req.args, "MaxResults") && param(c.req.args, "NetworkInterfaceId.1"))
		return client_error(e, "InvalidParameterCombination", "The parameter "
				    "NetworkInterfaceIds cannot be used with the parameter MaxResults");
	if (!snapshot_load(s, c.cfg, SNAP_SUBNETS | SNAP_ENIS | SNAP_SGS | SNAP_EIPS, e))
		return false;
	if (!describe_select(c, s.enis, s, ENI_FILTERS, sizeof(ENI_FILTERS) / sizeof(ENI_FILTERS[0]),
			     eni_id, "NetworkInterfaceId", "eni-", "InvalidNetworkInterfaceID.Malformed",
			     "InvalidNetworkInterfaceID.NotFound", "networkInterface", shown, next, e))
		return false;

	pugi::xml_node set = c.out.append_child("networkInterfaceSet");
	for (const vnitro_eni *n : shown)
		eni_xml(set.append_child("item"), *n, s, c.cfg, false);
	if (!next.empty())
		xml_text(c.out, "nextToken", next);
	return true;
}

} // namespace vnitro::ec2
