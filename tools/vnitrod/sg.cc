// SPDX-License-Identifier: GPL-2.0-only
/*
 * Security groups as EC2's: CreateSecurityGroup, DeleteSecurityGroup,
 * DescribeSecurityGroups and the four calls that authorize and revoke rules.
 * One EC2 IpPermission (a protocol, its ports, any number of peers) is one
 * vnitro rule per peer. A request is checked whole before its first change,
 * and the rules it changed are put back if libvnitro refuses a later one, so
 * a refused request changes nothing.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "vnitrod.h"

namespace vnitro::ec2 {

namespace {

/* Where GroupName is looked up: EC2 takes names for its default VPC only. */
constexpr const char DEFAULT_VPC[] = "vpc-default";
constexpr const char DEFAULT_GROUP[] = "default";
/* EC2's characters for VPC group names and descriptions, and their length. */
constexpr const char NAME_CHARS[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789 ._-:/()#,@[]+=&;{}!$*";
constexpr size_t NAME_MAX_LEN = VNITRO_SG_NAME_LEN - 1;

enum protocol : uint16_t { PROTO_ICMP = 1, PROTO_TCP = 6, PROTO_UDP = 17, PROTO_ICMPV6 = 58 };
constexpr uint8_t IN = VNITRO_SG_INGRESS, OUT = VNITRO_SG_EGRESS;

/* The peers of one permission: IpPermissions.N.<list>.M.<field>. */
enum peer_kind { PEER_CIDR, PEER_CIDR6, PEER_GROUP };

bool icmp_protocol(uint16_t p)
{
	return p == PROTO_ICMP || p == PROTO_ICMPV6;
}

std::string protocol_name(uint16_t p)
{
	switch (p) {
	case VNITRO_SG_PROTO_ALL: return "-1";
	case PROTO_ICMP: return "icmp";
	case PROTO_TCP: return "tcp";
	case PROTO_UDP: return "udp";
	case PROTO_ICMPV6: return "icmpv6";
	default: return std::to_string(p);
	}
}

/* EC2's fromPort and toPort of a rule: ports, or an icmp type and code; false for neither. */
bool rule_ports(const vnitro_sg_rule &r, int &from, int &to)
{
	if (r.has_ports) {
		from = r.port_from;
		to = r.port_to;
		return true;
	}
	from = r.icmp_type;
	to = r.icmp_code;
	return icmp_protocol(r.protocol);
}

std::string peer_text(const vnitro_sg_rule &r)
{
	if (r.peer_id[0])
		return r.peer_id;
	return r.ipv6 ? cidr6_text(r.cidr6, r.cidr_prefixlen) : cidr_text(r.cidr_addr, r.cidr_prefixlen);
}

/* A rule as EC2's messages show one: "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW". */
std::string rule_text(const vnitro_sg_rule &r)
{
	std::string proto = r.protocol == VNITRO_SG_PROTO_ALL ? "ALL" : protocol_name(r.protocol);
	std::string t = "\"peer: " + peer_text(r) + ", ";
	int from, to;

	for (char &ch : proto)
		ch = char(toupper(ch));
	t += proto;
	if (rule_ports(r, from, to))
		t += ", from port: " + std::to_string(from) + ", to port: " + std::to_string(to);
	return t + ", ALLOW\"";
}

/* Equal protocol and ports: one IpPermission in EC2's answers. */
bool same_match(const vnitro_sg_rule &a, const vnitro_sg_rule &b)
{
	return a.direction == b.direction && a.protocol == b.protocol &&
	       a.has_ports == b.has_ports && a.port_from == b.port_from && a.port_to == b.port_to &&
	       a.icmp_type == b.icmp_type && a.icmp_code == b.icmp_code;
}

/* Rules as vnitro compares them: canonical fields, the block only when there is no group. */
bool same_rule(const vnitro_sg_rule &a, const vnitro_sg_rule &b)
{
	if (!same_match(a, b) || strcmp(a.peer_id, b.peer_id))
		return false;
	if (a.peer_id[0])
		return true;
	return a.ipv6 == b.ipv6 && a.cidr_prefixlen == b.cidr_prefixlen &&
	       (a.ipv6 ? !memcmp(a.cidr6, b.cidr6, sizeof(a.cidr6)) : a.cidr_addr == b.cidr_addr);
}

bool has_rule(const vnitro_sg &g, const vnitro_sg_rule &r)
{
	for (uint32_t i = 0; i < g.rule_count; i++)
		if (same_rule(g.rules[i], r))
			return true;
	return false;
}

/* ---- Finding groups: by id, or by name in a VPC (names compare as EC2's, ignoring case). */

const vnitro_sg *group_named(const snapshot &s, const std::string &name, const char *vpc)
{
	for (auto &g : s.sgs)
		if (!strcmp(g.vpc_id, vpc) && !strcasecmp(g.name, name.c_str()))
			return &g;
	return nullptr;
}

bool find_group_id(const snapshot &s, const std::string &id, const vnitro_sg *&g, error &e)
{
	if (id.compare(0, 3, "sg-"))
		return client_error(e, "InvalidGroupId.Malformed", "Invalid id: \"" + id.substr(0, 128) +
				    "\" (expecting \"sg-...\")");
	g = s.sg(id.c_str());
	if (!g)
		return client_error(e, "InvalidGroup.NotFound", "The security group '" +
				    id.substr(0, 128) + "' does not exist");
	return true;
}

bool find_group_name(const snapshot &s, const std::string &name, const char *vpc,
		     const vnitro_sg *&g, error &e)
{
	g = group_named(s, name, vpc);
	if (!g)
		return client_error(e, "InvalidGroup.NotFound", "The security group '" +
				    name.substr(0, 128) + "' does not exist in VPC '" + vpc + "'");
	return true;
}

/* The group a call changes: GroupId, or GroupName in the default VPC. */
bool find_target(const params &p, const snapshot &s, const vnitro_sg *&g, error &e)
{
	const std::string *id = param(p, "GroupId"), *name = param(p, "GroupName");

	if (id && name)
		return client_error(e, "InvalidParameterCombination", "Give GroupId or GroupName, "
				    "not both");
	if (id)
		return find_group_id(s, *id, g, e);
	if (name)
		return find_group_name(s, *name, DEFAULT_VPC, g, e);
	return client_error(e, "MissingParameter", "The request must contain the parameter GroupId "
			    "(or GroupName, for a group of the default VPC)");
}

/* ---- EC2's IpPermission as vnitro rules. */

/* IpProtocol: tcp, udp, icmp, icmpv6 (any case), -1 for all, or a number 0-255. */
bool parse_protocol(const std::string &name, const std::string &text, uint16_t &out, error &e)
{
	static const struct { const char *name; uint16_t number; } names[] = {
		{ "tcp", PROTO_TCP }, { "udp", PROTO_UDP }, { "icmp", PROTO_ICMP },
		{ "icmpv6", PROTO_ICMPV6 }, { "-1", VNITRO_SG_PROTO_ALL },
	};

	for (auto &n : names) {
		if (!strcasecmp(text.c_str(), n.name)) {
			out = n.number;
			return true;
		}
	}
	if (text.empty() || text.size() > 3 || strspn(text.c_str(), "0123456789") != text.size() ||
	    atoi(text.c_str()) > 255)
		return client_error(e, "InvalidParameterValue", "Invalid value '" + text.substr(0, 64) +
				    "' for " + name + ": use tcp, udp, icmp, icmpv6, -1 (all) or a "
				    "protocol number from 0 to 255");
	out = uint16_t(atoi(text.c_str()));
	return true;
}

/* FromPort or ToPort: 0 to 65535, or -1. */
bool param_port(const params &p, const std::string &name, int &out, bool &given, error &e)
{
	const std::string *v = param(p, name);
	uint32_t port = 0;

	if (v && *v == "-1") {
		given = true;
		out = -1;
		return true;
	}
	if (!param_uint(p, name, 0, 65535, port, given, e))
		return false;
	out = given ? int(port) : out;
	return true;
}

/* What IpPermissions.N. (@base; "" for the flat form) says but its peers. */
bool parse_match(const params &p, const std::string &base, uint8_t direction, vnitro_sg_rule &r,
		 error &e)
{
	std::string text;
	int from = -1, to = -1;
	bool from_given, to_given;

	r = vnitro_sg_rule{};
	r.direction = direction;
	r.icmp_type = r.icmp_code = -1;
	if (!require(p, base + "IpProtocol", text, e) ||
	    !parse_protocol(base + "IpProtocol", text, r.protocol, e) ||
	    !param_port(p, base + "FromPort", from, from_given, e) ||
	    !param_port(p, base + "ToPort", to, to_given, e))
		return false;
	if (r.protocol == PROTO_TCP || r.protocol == PROTO_UDP) {
		if (!from_given || !to_given)
			return client_error(e, "InvalidParameterValue", "A " +
					    protocol_name(r.protocol) + " permission needs " + base +
					    "FromPort and " + base + "ToPort: a port range, or -1 for all");
		if (from == -1 && to == -1) {		/* EC2's "all ports" */
			from = 0;
			to = 65535;
		}
		if (from < 0 || to < 0 || from > to)
			return client_error(e, "InvalidParameterValue", "Invalid port range " +
					    std::to_string(from) + "-" + std::to_string(to) +
					    ": from 0 to 65535, the first not above the last");
		r.has_ports = 1;
		r.port_from = uint16_t(from);
		r.port_to = uint16_t(to);
	} else if (icmp_protocol(r.protocol)) {
		/* FromPort is the type, ToPort the code; -1 (or none): any. */
		if (from > 255 || to > 255)
			return client_error(e, "InvalidParameterValue", "An ICMP type (FromPort) "
					    "and code (ToPort) run from 0 to 255, or -1 for any");
		if (from == -1 && to != -1)
			return client_error(e, "InvalidParameterValue", "If you specify all ICMP "
					    "types (FromPort -1), you must specify all codes (ToPort -1)");
		r.icmp_type = int16_t(from);
		r.icmp_code = int16_t(to);
	}
	/* Other protocols: EC2 allows every port, whatever ports are given. */
	return true;
}

/* A block "A.B.C.D/N" or "IPV6/N" as @r's peer. */
bool parse_cidr(const std::string &name, const std::string &text, bool v6, vnitro_sg_rule &r,
		error &e)
{
	size_t slash = text.find('/');
	std::string len = slash == std::string::npos ? "" : text.substr(slash + 1);
	int max = v6 ? 128 : 32;

	if (len.empty() || len.size() > 3 || strspn(len.c_str(), "0123456789") != len.size() ||
	    atoi(len.c_str()) > max ||
	    inet_pton(v6 ? AF_INET6 : AF_INET, text.substr(0, slash).c_str(),
		      v6 ? static_cast<void *>(r.cidr6) : static_cast<void *>(&r.cidr_addr)) != 1)
		return client_error(e, "InvalidParameterValue", "Value (" + text.substr(0, 64) +
				    ") for parameter " + name + " is invalid. CIDR block " +
				    text.substr(0, 64) + " is malformed: expected " +
				    (v6 ? "an IPv6 address/0-128" : "A.B.C.D/0-32"));
	r.ipv6 = v6;
	r.cidr_prefixlen = uint8_t(atoi(len.c_str()));
	return true;
}

/* A Groups.M (or UserIdGroupPairs.M) peer: GroupId, or GroupName in the target's VPC. */
bool parse_group_peer(const params &p, const std::string &base, const vnitro_sg &target,
		      const snapshot &s, vnitro_sg_rule &r, error &e)
{
	const std::string *id = param(p, base + "GroupId"), *name = param(p, base + "GroupName");
	const std::string *user = param(p, base + "UserId");
	const vnitro_sg *peer;

	if (user && *user != s.account)
		return client_error(e, "InvalidParameterValue", "Value (" + user->substr(0, 64) +
				    ") for parameter " + base + "UserId is invalid: vnitro has one "
				    "account, " + s.account);
	if (!id == !name)
		return client_error(e, id ? "InvalidParameterCombination" : "MissingParameter",
				    "Give " + base + "GroupId or " + base + "GroupName");
	if (id ? !find_group_id(s, *id, peer, e) : !find_group_name(s, *name, target.vpc_id, peer, e))
		return false;
	snprintf(r.peer_id, sizeof(r.peer_id), "%s", peer->id);
	return true;
}

/* Each peer of IpPermissions.N (@base) as a rule of @match's protocol and ports. */
bool parse_peers(const params &p, const std::string &base, const vnitro_sg_rule &match,
		 const vnitro_sg &target, const snapshot &s, std::vector<vnitro_sg_rule> &out,
		 error &e)
{
	static const struct { const char *list, *field; peer_kind kind; } lists[] = {
		{ "IpRanges.", "CidrIp", PEER_CIDR },
		{ "Ipv6Ranges.", "CidrIpv6", PEER_CIDR6 },
		{ "Groups.", nullptr, PEER_GROUP },
		{ "UserIdGroupPairs.", nullptr, PEER_GROUP },	/* the SDKs' name for Groups */
	};
	size_t before = out.size();

	for (auto &l : lists) {
		for (auto &idx : list_indices(p, base + l.list)) {
			std::string item = base + l.list + idx + ".";
			vnitro_sg_rule r = match;
			std::string cidr;

			if (l.kind == PEER_GROUP) {
				if (!parse_group_peer(p, item, target, s, r, e))
					return false;
			} else if (!require(p, item + l.field, cidr, e) ||
				   !parse_cidr(item + l.field, cidr, l.kind == PEER_CIDR6, r, e)) {
				return false;
			}
			out.push_back(r);
		}
	}
	if (out.size() == before)
		return client_error(e, "MissingParameter", "The permission " + base + " needs a peer: " +
				    base + "IpRanges, " + base + "Ipv6Ranges or " + base + "Groups");
	return true;
}

/* IpPermissions.N, or the flat IpProtocol, FromPort, ToPort and CidrIp, as vnitro rules. */
bool parse_rules(const params &p, uint8_t direction, const vnitro_sg &target, const snapshot &s,
		 std::vector<vnitro_sg_rule> &out, error &e)
{
	std::vector<std::string> perms = list_indices(p, "IpPermissions.");
	bool flat = param(p, "IpProtocol") || param(p, "FromPort") || param(p, "ToPort") ||
		    param(p, "CidrIp");
	vnitro_sg_rule match;
	std::string cidr;

	if (flat && !perms.empty())
		return client_error(e, "InvalidParameterCombination", "Give IpPermissions, or "
				    "IpProtocol, FromPort, ToPort and CidrIp, not both");
	if (flat) {
		if (!parse_match(p, "", direction, match, e) || !require(p, "CidrIp", cidr, e) ||
		    !parse_cidr("CidrIp", cidr, false, match, e))
			return false;
		out.push_back(match);
		return true;
	}
	if (perms.empty())
		return client_error(e, "MissingParameter", "The request must contain the parameter "
				    "IpPermissions");
	for (auto &idx : perms) {
		std::string base = "IpPermissions." + idx + ".";

		if (!parse_match(p, base, direction, match, e) ||
		    !parse_peers(p, base, match, target, s, out, e))
			return false;
	}
	return true;
}

/* ---- Changing rules. */

/* The address families a rule counts in for the quota: a group peer in both. */
unsigned families(const vnitro_sg_rule &r)
{
	return r.peer_id[0] ? 3 : r.ipv6 ? 2 : 1;
}

/* vnitro's quota: VNITRO_MAX_SG_RULES per direction and family, @add on top of @g's rules. */
bool check_room(const vnitro_sg &g, const std::vector<vnitro_sg_rule> &add, error &e)
{
	for (uint8_t d = VNITRO_SG_INGRESS; d <= VNITRO_SG_EGRESS; d++) {
		for (unsigned f = 1; f <= 2; f++) {
			size_t n = 0;

			for (uint32_t i = 0; i < g.rule_count; i++)
				n += g.rules[i].direction == d && (families(g.rules[i]) & f);
			for (auto &r : add)
				n += r.direction == d && (families(r) & f);
			if (n <= VNITRO_MAX_SG_RULES)
				continue;
			return client_error(e, "RulesPerSecurityGroupLimitExceeded", "The maximum "
					    "number of rules per security group has been reached: " +
					    std::string(g.id) + " would have " + std::to_string(n) +
					    (d == OUT ? " egress" : " ingress") + " rules for " +
					    (f == 1 ? "IPv4" : "IPv6") + "; the quota is " +
					    std::to_string(VNITRO_MAX_SG_RULES) + " per direction and "
					    "family (a rule naming a group counts for both)");
		}
	}
	return true;
}

using rule_fn = int (*)(struct vnitro_handle *, const char *, const struct vnitro_sg_rule *,
			struct vnitro_sg *);

/*
 * @change (add or delete) each of @rules in group @id, or none: after a
 * refusal, @undo takes back those done. EEXIST is a duplicate rule, ENOENT
 * @notfound, ENOSPC the rule quota.
 */
bool change_rules(const char *id, const std::vector<vnitro_sg_rule> &rules, rule_fn change,
		  rule_fn undo, const char *notfound, error &e)
{
	vnitro_handle *h = world_handle(e);
	size_t done = 0;
	int rc = 0;

	if (!h)
		return false;
	while (done < rules.size() && !(rc = change(h, id, &rules[done], nullptr)))
		done++;
	if (!rc)
		return true;
	if (rc == -EEXIST)
		client_error(e, "InvalidPermission.Duplicate", vnitro_last_error(h));
	else
		world_error(e, rc, notfound, "RulesPerSecurityGroupLimitExceeded");
	while (done--)
		undo(h, id, &rules[done], nullptr);
	return false;
}

/* Authorize: none of @rules may exist, or be given twice, and they must fit the quota. */
bool check_new(const vnitro_sg &g, const std::vector<vnitro_sg_rule> &rules, error &e)
{
	for (size_t i = 0; i < rules.size(); i++) {
		bool twice = false;

		for (size_t k = 0; k < i; k++)
			twice = twice || same_rule(rules[k], rules[i]);
		if (twice || has_rule(g, rules[i]))
			return client_error(e, "InvalidPermission.Duplicate", "the specified rule " +
					    rule_text(rules[i]) + (twice ? " is given twice" :
					    " already exists in " + std::string(g.id)));
	}
	return check_room(g, rules, e);
}

/* Revoke: each of @given must exist; @out has each once. */
bool check_existing(const vnitro_sg &g, const std::vector<vnitro_sg_rule> &given,
		    std::vector<vnitro_sg_rule> &out, error &e)
{
	for (auto &r : given) {
		bool seen = false;

		if (!has_rule(g, r))
			return client_error(e, "InvalidPermission.NotFound", "The specified rule " +
					    rule_text(r) + " does not exist in security group " +
					    g.id + "; nothing was revoked");
		for (auto &k : out)
			seen = seen || same_rule(k, r);
		if (!seen)
			out.push_back(r);
	}
	return true;
}

/* Authorize (@add) or revoke the request's rules of @direction. */
bool change_permissions(context &c, uint8_t direction, bool add, error &e)
{
	std::vector<vnitro_sg_rule> given, rules;
	const vnitro_sg *g;
	snapshot s;

	if (!snapshot_load(s, c.cfg, SNAP_SGS, e) || !find_target(c.req.args, s, g, e) ||
	    !parse_rules(c.req.args, direction, *g, s, given, e))
		return false;
	if (add ? !check_new(*g, given, e) : !check_existing(*g, given, rules, e))
		return false;
	if (c.dry_run)
		return dry_run_ok(e);
	if (add)
		rules = given;
	if (!change_rules(g->id, rules, add ? vnitro_sg_rule_add : vnitro_sg_rule_del,
			  add ? vnitro_sg_rule_del : vnitro_sg_rule_add,
			  add ? "InvalidGroup.NotFound" : "InvalidPermission.NotFound", e))
		return false;
	xml_bool(c.out, "return", true);
	return true;
}

bool authorize_ingress(context &c, error &e) { return change_permissions(c, IN, true, e); }
bool authorize_egress(context &c, error &e) { return change_permissions(c, OUT, true, e); }
bool revoke_ingress(context &c, error &e) { return change_permissions(c, IN, false, e); }
bool revoke_egress(context &c, error &e) { return change_permissions(c, OUT, false, e); }

/* ---- Groups. */

/* A name or description: EC2's characters, at most 255 of them, trailing spaces trimmed. */
bool check_text(const params &p, const char *name, std::string &out, error &e)
{
	if (!require(p, name, out, e))
		return false;
	while (!out.empty() && out.back() == ' ')
		out.pop_back();
	if (out.empty() || out.size() > NAME_MAX_LEN || strspn(out.c_str(), NAME_CHARS) != out.size())
		return client_error(e, "InvalidParameterValue", "Invalid value '" + out.substr(0, 64) +
				    "' for " + name + ": 1 to 255 characters of a-z, A-Z, 0-9, "
				    "spaces and ._-:/()#,@[]+=&;{}!$*");
	return true;
}

bool create_security_group(context &c, error &e)
{
	const params &p = c.req.args;
	const std::string *vpc_param = param(p, "VpcId");
	std::string name, description, vpc = vpc_param ? *vpc_param : DEFAULT_VPC;
	std::vector<vnitro_sg> made(1);		/* about 18 KiB: off the stack */
	bool vpc_exists = false;
	snapshot s;
	int rc;

	if (!check_text(p, "GroupName", name, e) || !check_text(p, "GroupDescription", description, e))
		return false;
	if (!strcasecmp(name.c_str(), DEFAULT_GROUP))
		return client_error(e, "InvalidGroup.Reserved", "The security group 'default' is "
				    "reserved: it is each VPC's default group");
	if (!strncasecmp(name.c_str(), "sg-", 3))
		return client_error(e, "InvalidParameterValue", "Group names may not be in the "
				    "format sg-*");
	if (!snapshot_load(s, c.cfg, SNAP_VPCS | SNAP_SGS, e))
		return false;
	for (auto &v : s.vpcs)
		vpc_exists = vpc_exists || vpc == v.id;
	if (!vpc_exists && !vpc_param)
		return client_error(e, "VPCIdNotSpecified", "No default VPC for this user: give VpcId");
	if (!vpc_exists)
		return client_error(e, "InvalidVpcID.NotFound", "The vpc ID '" + vpc.substr(0, 128) +
				    "' does not exist");
	if (group_named(s, name, vpc.c_str()))
		return client_error(e, "InvalidGroup.Duplicate", "The security group '" + name +
				    "' already exists for VPC '" + vpc + "'");
	if (c.dry_run)
		return dry_run_ok(e);
	rc = vnitro_sg_add(world_handle(e), nullptr, vpc.c_str(), name.c_str(), description.c_str(),
			   made.data());
	if (rc == -EEXIST)
		return client_error(e, "InvalidGroup.Duplicate", vnitro_last_error(world_handle(e)));
	if (rc)
		return world_error(e, rc, "InvalidVpcID.NotFound", "SecurityGroupLimitExceeded");
	xml_bool(c.out, "return", true);
	xml_text(c.out, "groupId", made[0].id);
	return true;
}

/* What keeps @g: an ENI that has it, or another group's rule that names it; "" if nothing. */
std::string dependent_of(const vnitro_sg &g, const snapshot &s)
{
	for (auto &n : s.enis)
		for (uint32_t i = 0; i < n.security_group_count; i++)
			if (!strcmp(n.security_groups[i], g.id))
				return std::string("network interface ") + n.id + " uses it";
	for (auto &other : s.sgs)
		for (uint32_t i = 0; &other != &g && i < other.rule_count; i++)
			if (!strcmp(other.rules[i].peer_id, g.id))
				return std::string("a rule of group ") + other.id + " names it";
	return "";
}

bool delete_security_group(context &c, error &e)
{
	const vnitro_sg *g;
	std::string id, dependent;
	snapshot s;
	int rc;

	if (!snapshot_load(s, c.cfg, SNAP_SGS | SNAP_ENIS, e) || !find_target(c.req.args, s, g, e))
		return false;
	id = g->id;
	if (!strcmp(g->name, DEFAULT_GROUP))
		return client_error(e, "CannotDelete", "the specified group: \"" + id + "\" name: "
				    "\"default\" cannot be deleted by a user");
	dependent = dependent_of(*g, s);
	if (!dependent.empty())
		return client_error(e, "DependencyViolation", "resource " + id + " has a dependent "
				    "object: " + dependent);
	if (c.dry_run)
		return dry_run_ok(e);
	rc = vnitro_sg_del(world_handle(e), id.c_str());
	if (rc == -EPERM)
		return client_error(e, "CannotDelete", vnitro_last_error(world_handle(e)));
	if (rc == -EBUSY)
		return client_error(e, "DependencyViolation", vnitro_last_error(world_handle(e)));
	if (rc)
		return world_error(e, rc, "InvalidGroup.NotFound");
	xml_bool(c.out, "return", true);
	xml_text(c.out, "groupId", id);
	return true;
}

/* ---- DescribeSecurityGroups: EC2 lists a group's rules of equal protocol and ports as one item. */

using values = std::vector<std::string>;

void g_id(const vnitro_sg &g, const snapshot &, values &out) { out.push_back(g.id); }
void g_name(const vnitro_sg &g, const snapshot &, values &out) { out.push_back(g.name); }
void g_vpc(const vnitro_sg &g, const snapshot &, values &out) { out.push_back(g.vpc_id); }
void g_desc(const vnitro_sg &g, const snapshot &, values &out) { out.push_back(g.description); }
void g_owner(const vnitro_sg &, const snapshot &s, values &out) { out.push_back(s.account); }

enum perm_field { PERM_PROTOCOL, PERM_FROM, PERM_TO, PERM_CIDR, PERM_CIDR6, PERM_GROUP };

/* ip-permission.* (@D ingress) and egress.ip-permission.*: the field @F of each rule. */
template <uint8_t D, perm_field F>
void g_perm(const vnitro_sg &g, const snapshot &, values &out)
{
	for (uint32_t i = 0; i < g.rule_count; i++) {
		const vnitro_sg_rule &r = g.rules[i];
		int from, to;
		bool ports = rule_ports(r, from, to);

		if (r.direction != D)
			continue;
		if (F == PERM_PROTOCOL)
			out.push_back(protocol_name(r.protocol));
		else if ((F == PERM_FROM || F == PERM_TO) && ports)
			out.push_back(std::to_string(F == PERM_FROM ? from : to));
		else if ((F == PERM_CIDR || F == PERM_CIDR6) && !r.peer_id[0] &&
			 r.ipv6 == (F == PERM_CIDR6))
			out.push_back(peer_text(r));
		else if (F == PERM_GROUP && r.peer_id[0])
			out.push_back(r.peer_id);
	}
}

const filter_def<vnitro_sg, snapshot> SG_FILTERS[] = {
	{ "group-id", g_id },
	{ "group-name", g_name },
	{ "vpc-id", g_vpc },
	{ "description", g_desc },
	{ "owner-id", g_owner },
	{ "ip-permission.protocol", g_perm<IN, PERM_PROTOCOL> },
	{ "ip-permission.from-port", g_perm<IN, PERM_FROM> },
	{ "ip-permission.to-port", g_perm<IN, PERM_TO> },
	{ "ip-permission.cidr", g_perm<IN, PERM_CIDR> },
	{ "ip-permission.ipv6-cidr", g_perm<IN, PERM_CIDR6> },
	{ "ip-permission.group-id", g_perm<IN, PERM_GROUP> },
	{ "egress.ip-permission.protocol", g_perm<OUT, PERM_PROTOCOL> },
	{ "egress.ip-permission.from-port", g_perm<OUT, PERM_FROM> },
	{ "egress.ip-permission.to-port", g_perm<OUT, PERM_TO> },
	{ "egress.ip-permission.cidr", g_perm<OUT, PERM_CIDR> },
	{ "egress.ip-permission.ipv6-cidr", g_perm<OUT, PERM_CIDR6> },
	{ "egress.ip-permission.group-id", g_perm<OUT, PERM_GROUP> },
};

std::string sg_id(const vnitro_sg &g) { return g.id; }

/* One IpPermission: the protocol and ports of @g's rule @first and the peers of all rules like it. */
void permission_xml(pugi::xml_node item, const vnitro_sg &g, uint32_t first,
		    std::vector<bool> &shown, const config &cfg)
{
	const vnitro_sg_rule &r = g.rules[first];
	pugi::xml_node groups, v4, v6;
	int from, to;

	xml_text(item, "ipProtocol", protocol_name(r.protocol));
	if (rule_ports(r, from, to)) {
		xml_int(item, "fromPort", from);
		xml_int(item, "toPort", to);
	}
	groups = item.append_child("groups");
	v4 = item.append_child("ipRanges");
	v6 = item.append_child("ipv6Ranges");
	item.append_child("prefixListIds");
	for (uint32_t i = first; i < g.rule_count; i++) {
		const vnitro_sg_rule &o = g.rules[i];

		if (shown[i] || !same_match(r, o))
			continue;
		shown[i] = true;
		if (o.peer_id[0]) {
			pugi::xml_node x = groups.append_child("item");

			xml_text(x, "userId", cfg.account);
			xml_text(x, "groupId", o.peer_id);
		} else {
			xml_text((o.ipv6 ? v6 : v4).append_child("item"),
				 o.ipv6 ? "cidrIpv6" : "cidrIp", peer_text(o));
		}
	}
}

void group_xml(pugi::xml_node item, const vnitro_sg &g, const config &cfg)
{
	pugi::xml_node sets[2];
	std::vector<bool> shown(g.rule_count);

	xml_text(item, "ownerId", cfg.account);
	xml_text(item, "groupId", g.id);
	xml_text(item, "groupName", g.name);
	xml_text(item, "groupDescription", g.description);
	xml_text(item, "vpcId", g.vpc_id);
	sets[VNITRO_SG_INGRESS] = item.append_child("ipPermissions");
	sets[VNITRO_SG_EGRESS] = item.append_child("ipPermissionsEgress");
	for (uint32_t i = 0; i < g.rule_count; i++)
		if (!shown[i])
			permission_xml(sets[g.rules[i].direction].append_child("item"), g, i, shown,
				       cfg);
	item.append_child("tagSet");
}

/* GroupName.N: groups of the default VPC, as EC2 looks names up. */
bool describe_security_groups(context &c, error &e)
{
	std::vector<std::string> names;
	std::vector<const vnitro_sg *> shown;
	std::vector<vnitro_sg> named;
	std::string next;
	snapshot s;

	if (!group_names(c.req.args, names, e) || !snapshot_load(s, c.cfg, SNAP_SGS, e))
		return false;
	for (auto &n : names) {
		const vnitro_sg *g;

		if (!find_group_name(s, n, DEFAULT_VPC, g, e))
			return false;
		named.push_back(*g);
	}
	if (!describe_select(c, names.empty() ? s.sgs : named, s, SG_FILTERS,
			     sizeof(SG_FILTERS) / sizeof(SG_FILTERS[0]), sg_id, "GroupId", "sg-",
			     "InvalidGroupId.Malformed", "InvalidGroup.NotFound", "security group",
			     shown, next, e))
		return false;

	pugi::xml_node set = c.out.append_child("securityGroupInfo");
	for (const vnitro_sg *g : shown)
		group_xml(set.append_child("item"), *g, c.cfg);
	if (!next.empty())
		xml_text(c.out, "nextToken", next);
	return true;
}

/* The four rule calls' parameters, the flat form's included (EC2 takes it for ingress only). */
const char *const PERMISSIONS[] = {
	"GroupId", "GroupName", "IpProtocol", "FromPort", "ToPort", "CidrIp",
	"IpPermissions.N.IpProtocol", "IpPermissions.N.FromPort", "IpPermissions.N.ToPort",
	"IpPermissions.N.IpRanges.N.CidrIp", "IpPermissions.N.Ipv6Ranges.N.CidrIpv6",
	"IpPermissions.N.Groups.N.GroupId", "IpPermissions.N.Groups.N.GroupName",
	"IpPermissions.N.Groups.N.UserId", "IpPermissions.N.UserIdGroupPairs.N.GroupId",
	"IpPermissions.N.UserIdGroupPairs.N.GroupName", "IpPermissions.N.UserIdGroupPairs.N.UserId",
	"DryRun", nullptr,
};
const char *const CREATE[] = { "GroupName", "GroupDescription", "VpcId", "DryRun", nullptr };
const char *const DELETE[] = { "GroupId", "GroupName", "DryRun", nullptr };
const char *const DESCRIBE[] = { "GroupId.N", "GroupName.N", "Filter.N.Name", "Filter.N.Value.N",
				 "MaxResults", "NextToken", "DryRun", nullptr };

} // namespace

const action_def sg_actions[] = {
	{ "DescribeSecurityGroups", describe_security_groups, DESCRIBE },
	{ "CreateSecurityGroup", create_security_group, CREATE },
	{ "DeleteSecurityGroup", delete_security_group, DELETE },
	{ "AuthorizeSecurityGroupIngress", authorize_ingress, PERMISSIONS },
	{ "AuthorizeSecurityGroupEgress", authorize_egress, PERMISSIONS },
	{ "RevokeSecurityGroupIngress", revoke_ingress, PERMISSIONS },
	{ "RevokeSecurityGroupEgress", revoke_egress, PERMISSIONS },
};
const size_t sg_action_count = sizeof(sg_actions) / sizeof(sg_actions[0]);

} // namespace vnitro::ec2
