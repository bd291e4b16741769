// SPDX-License-Identifier: GPL-2.0
// sg.cc - security groups: a VPC's default group, named groups, their ingress and egress rules.
//
// Each group is published to the fabric under its key (vcore_fabric_sg_set)
// whenever it or its rules change, whole; an ENI's port names its groups'
// keys (port_desc_of), and the fabric filters its frames with them.
#include "control/world.h"
#include "base/ipv4.h"

using namespace vnitro::base;

namespace vnitro::control {

namespace {

constexpr uint16_t proto_icmp = 1;
constexpr uint16_t proto_tcp = 6;
constexpr uint16_t proto_udp = 17;
constexpr uint16_t proto_icmpv6 = 58;
constexpr const char *default_name = "default";
constexpr const char *default_description = "default VPC security group";

const char *direction_name(uint8_t direction)
{
	return direction == VNITRO_SG_EGRESS ? "egress" : "ingress";
}

// The rule as EC2's messages show one: peer, protocol, ports, ALLOW.
text &describe(text &t, const sg_rule &r)
{
	t.str("\"peer: ");
	if (r.peer)
		t.str(r.peer->id);
	else if (r.ipv6)
		t.cidr6(r.addr6.hi, r.addr6.lo, r.prefixlen);
	else
		t.cidr(r.addr, r.prefixlen);
	t.str(", ");
	switch (r.protocol) {
	case proto_tcp: t.str("TCP"); break;
	case proto_udp: t.str("UDP"); break;
	case proto_icmp: t.str("ICMP"); break;
	case proto_icmpv6: t.str("ICMPv6"); break;
	case VNITRO_SG_PROTO_ALL: t.str("ALL"); break;
	default: t.str("protocol ").u32(r.protocol); break;
	}
	if (r.has_ports)
		t.str(", from port: ").u32(r.port_from).str(", to port: ").u32(r.port_to);
	if (r.protocol == proto_icmp || r.protocol == proto_icmpv6) {
		t.str(", type: ");
		if (r.icmp_type < 0)
			t.str("any");
		else
			t.u32(uint32_t(r.icmp_type));
		t.str(", code: ");
		if (r.icmp_code < 0)
			t.str("any");
		else
			t.u32(uint32_t(r.icmp_code));
	}
	return t.str(", ALLOW\"");
}

bool same_rule(const sg_rule &a, const sg_rule &b)
{
	return a.protocol == b.protocol && a.has_ports == b.has_ports &&
	       a.port_from == b.port_from && a.port_to == b.port_to &&
	       a.icmp_type == b.icmp_type && a.icmp_code == b.icmp_code &&
	       a.peer == b.peer && a.ipv6 == b.ipv6 && a.addr == b.addr && a.addr6 == b.addr6 &&
	       a.prefixlen == b.prefixlen;
}

// The address families @r covers: a group names members of both.
uint32_t families(const sg_rule &r)
{
	return r.peer ? family_v4 | family_v6 : r.ipv6 ? family_v6 : family_v4;
}

// How many of @g's rules in direction @d cover family @f.
uint32_t rules_of_family(const sg &g, uint8_t d, uint32_t f)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < g.rule_count[d]; i++)
		n += (families(g.rules[d][i]) & f) != 0;
	return n;
}

// Where @r is among @g's rules of direction @d, or -1.
int32_t find_rule(const sg &g, uint8_t d, const sg_rule &r)
{
	for (uint32_t i = 0; i < g.rule_count[d]; i++)
		if (same_rule(g.rules[d][i], r))
			return int32_t(i);
	return -1;
}

int check_peer(const world &w, const sg &g, const vcore_ctl_sg_rule &in, sg_rule *r, vcore_err *err)
{
	if (in.peer_id[0]) {
		sg *peer = find_sg(w, in.peer_id, err);

		if (!peer)
			return err->code;
		if (peer->owner != g.owner) {
			fail(err, EINVAL_).str("security group ").str(peer->id).str(" is in VPC ")
				.str(peer->owner->id).str(", and ").str(g.id).str(" in VPC ")
				.str(g.owner->id).str(": a rule can name only a group of its own VPC");
			return err->code;
		}
		r->peer = peer;
		return 0;
	}
	if (in.ipv6) {
		if (check_rule_cidr6(addr128_of(in.cidr6), in.cidr_prefixlen, err))
			return err->code;
		r->ipv6 = true;
		r->addr6 = addr128_of(in.cidr6);
	} else {
		if (check_rule_cidr(in.cidr_addr, in.cidr_prefixlen, err))
			return err->code;
		r->addr = in.cidr_addr;
	}
	r->prefixlen = in.cidr_prefixlen;
	return 0;
}

// @in as a canonical rule of @g, or a message saying what is wrong with it.
int check_rule(const world &w, const sg &g, const vcore_ctl_sg_rule &in, sg_rule *r, vcore_err *err)
{
	*r = sg_rule{};
	if (in.direction > VNITRO_SG_EGRESS) {
		fail(err, EINVAL_).str("a rule is ingress or egress, not direction ").u32(in.direction);
		return err->code;
	}
	if (in.protocol > VNITRO_SG_PROTO_ALL) {
		fail(err, EINVAL_).str("protocol ").u32(in.protocol)
			.str(" does not exist: use tcp, udp, icmp, icmpv6, all or a number from 0 to 255");
		return err->code;
	}
	r->protocol = in.protocol;
	if (check_rule_ports(in.protocol, in.has_ports, in.port_from, in.port_to, err) ||
	    check_rule_icmp(in.protocol, in.icmp_type, in.icmp_code, err))
		return err->code;
	r->has_ports = in.has_ports;
	r->port_from = in.has_ports ? in.port_from : 0;
	r->port_to = in.has_ports ? in.port_to : 0;
	r->icmp_type = in.protocol == proto_icmp || in.protocol == proto_icmpv6 ? in.icmp_type : -1;
	r->icmp_code = in.protocol == proto_icmp || in.protocol == proto_icmpv6 ? in.icmp_code : -1;
	return check_peer(w, g, in, r, err);
}

void fill_rule(const sg_rule &r, uint8_t direction, vcore_ctl_sg_rule *out)
{
	*out = vcore_ctl_sg_rule{};
	out->direction = direction;
	out->protocol = r.protocol;
	out->has_ports = r.has_ports;
	out->port_from = r.port_from;
	out->port_to = r.port_to;
	out->icmp_type = r.icmp_type;
	out->icmp_code = r.icmp_code;
	if (r.peer)
		str_copy(out->peer_id, sizeof(out->peer_id), r.peer->id);
	out->ipv6 = r.ipv6;
	out->cidr_addr = r.addr;
	addr128_put(r.addr6, out->cidr6);
	out->cidr_prefixlen = r.prefixlen;
}

int choose_id(const world &w, const char *wanted, char *id, vcore_err *err)
{
	return choose_hex_id(wanted, "sg-", "security group",
			     [&w](const char *it) { return find_sg(w, it, nullptr) != nullptr; }, id, err);
}

// Copies @src without its trailing spaces (EC2 trims them); false if too long.
bool copy_trimmed(char *dst, size_t cap, const char *src)
{
	size_t len = str_len(src, cap);

	if (len >= cap)
		return false;
	while (len && src[len - 1] == ' ')
		len--;
	mem_copy(dst, src, len);
	dst[len] = '\0';
	return true;
}

int check_name(const world &w, const vpc &v, const char *name, vcore_err *err)
{
	const sg *other;

	if (!name[0]) {
		fail(err, EINVAL_).str("a security group name cannot be empty (or only spaces)");
		return err->code;
	}
	if (str_eq(name, default_name)) {
		fail(err, EINVAL_).str("the name \"default\" is reserved for the VPC's default security group");
		return err->code;
	}
	if (has_prefix(name, "sg-")) {
		fail(err, EINVAL_).str("security group names may not start with \"sg-\" (\"")
			.str(name).str("\"), as EC2 refuses them");
		return err->code;
	}
	other = w.groups.find([&](sg *it) { return it->owner == &v && str_eq(it->name, name); });
	if (other) {
		fail(err, EEXIST_).str("VPC ").str(v.id).str(" already has a security group named \"")
			.str(name).str("\" (").str(other->id).str(")");
		return err->code;
	}
	return 0;
}

sg *sg_alloc(world &w, vpc *v, const char *id)
{
	sg *g = create<sg>();

	if (!g)
		return nullptr;
	str_copy(g->id, sizeof(g->id), id);
	g->owner = v;
	g->key = w.next_sg_key++;
	return g;
}

sg_rule &add_rule(sg &g, uint8_t direction, uint16_t protocol, sg *peer)
{
	sg_rule &r = g.rules[direction][g.rule_count[direction]++];

	r = sg_rule{};
	r.protocol = protocol;
	r.icmp_type = r.icmp_code = -1;
	r.peer = peer;
	return r;
}

// EC2's "allow all IPv6 out" rule (::/0), which the default group of a VPC with an IPv6 block has.
sg_rule all_ipv6_out()
{
	sg_rule r = {};

	r.protocol = VNITRO_SG_PROTO_ALL;
	r.icmp_type = r.icmp_code = -1;
	r.ipv6 = true;
	return r;
}

// Another group's rule naming @g, or nullptr.
const sg *referrer_of(const world &w, const sg &g)
{
	return w.groups.find([&g](sg *it) {
		if (it == &g)
			return false;
		for (int d = 0; d < 2; d++)
			for (uint32_t i = 0; i < it->rule_count[d]; i++)
				if (it->rules[d][i].peer == &g)
					return true;
		return false;
	});
}

// The group @id and @rule as one of its rules, or nullptr and a message.
sg *rule_of(const world &w, const char *id, const vcore_ctl_sg_rule &rule, sg_rule *r, vcore_err *err)
{
	sg *g = find_sg(w, id, err);

	if (!g || check_rule(w, *g, rule, r, err))
		return nullptr;
	return g;
}

// @r as the fabric applies it.
vcore_sg_rule fabric_rule(const sg_rule &r)
{
	vcore_sg_rule out = {};

	out.proto = r.protocol == VNITRO_SG_PROTO_ALL ? uint16_t(VCORE_SG_PROTO_ALL) : r.protocol;
	out.port_lo = r.has_ports ? r.port_from : 0;
	out.port_hi = r.has_ports ? r.port_to : 0xffff;
	out.icmp_type = r.icmp_type;
	out.icmp_code = r.icmp_code;
	out.peer_sg = r.peer ? r.peer->key : 0;
	out.ipv6 = r.ipv6;
	out.cidr_addr = r.addr;
	out.cidr6_hi = r.addr6.hi;
	out.cidr6_lo = r.addr6.lo;
	out.cidr_prefixlen = r.prefixlen;
	return out;
}

// Gives the fabric @g as it is now; on failure the fabric keeps what it had.
int publish(world &w, const sg &g, vcore_err *err)
{
	vcore_fabric_sg_desc *desc;
	int ret;

	// About 10 KiB: too much for a kernel stack frame.
	desc = create<vcore_fabric_sg_desc>();
	if (!desc) {
		fail(err, ENOMEM_).str("out of memory");
		return err->code;
	}
	desc->key = g.key;
	desc->vpc_key = g.owner->key;
	desc->ingress_count = g.rule_count[VNITRO_SG_INGRESS];
	desc->egress_count = g.rule_count[VNITRO_SG_EGRESS];
	for (uint32_t i = 0; i < desc->ingress_count; i++)
		desc->ingress[i] = fabric_rule(g.rules[VNITRO_SG_INGRESS][i]);
	for (uint32_t i = 0; i < desc->egress_count; i++)
		desc->egress[i] = fabric_rule(g.rules[VNITRO_SG_EGRESS][i]);
	ret = vcore_fabric_sg_set(w.fab, desc);
	destroy(desc);
	if (ret)
		fail(err, -ret).str("the VPC fabric refused security group ").str(g.id)
			.str(ret == -ENOMEM_ ? ": out of memory" : ": invalid rule");
	return ret;
}

} // namespace

int check_rule_ports(uint16_t protocol, bool has_ports, uint16_t from, uint16_t to, vcore_err *err)
{
	bool ported = protocol == proto_tcp || protocol == proto_udp;

	if (ported && !has_ports) {
		fail(err, EINVAL_).str("a ").str(protocol == proto_tcp ? "tcp" : "udp")
			.str(" rule needs a port range (0-65535)");
		return err->code;
	}
	if (!ported && has_ports) {
		text t = fail(err, EINVAL_).str("only tcp and udp rules take ports; protocol ");

		if (protocol == VNITRO_SG_PROTO_ALL)
			t.str("all");
		else
			t.u32(protocol);
		t.str(" covers every port");
		return err->code;
	}
	if (ported && from > to) {
		fail(err, EINVAL_).str("port range ").u32(from).str("-").u32(to)
			.str(" is backwards: the first port must not be above the last");
		return err->code;
	}
	return 0;
}

int check_rule_icmp(uint16_t protocol, int16_t type, int16_t code, vcore_err *err)
{
	if (protocol != proto_icmp && protocol != proto_icmpv6) {
		if (type != -1 || code != -1) {
			fail(err, EINVAL_).str("only icmp and icmpv6 rules take an icmp type and code");
			return err->code;
		}
		return 0;
	}
	if (type < -1 || type > 255 || code < -1 || code > 255) {
		fail(err, EINVAL_).str("an icmp type and code run from 0 to 255 (-1: any)");
		return err->code;
	}
	if (type == -1 && code != -1) {
		fail(err, EINVAL_).str("an icmp rule for any type must be for any code too");
		return err->code;
	}
	return 0;
}

int check_rule_cidr(uint32_t addr, uint8_t prefixlen, vcore_err *err)
{
	if (prefixlen > 32) {
		fail(err, EINVAL_).str("CIDR block prefix length /").u32(prefixlen)
			.str(" is out of range: IPv4 runs from /0 to /32");
		return err->code;
	}
	if (addr & ~prefix_mask(prefixlen)) {
		fail(err, EINVAL_).str("CIDR block ").cidr(addr, prefixlen)
			.str(" has host bits set; did you mean ")
			.cidr(addr & prefix_mask(prefixlen), prefixlen).str("?");
		return err->code;
	}
	return 0;
}

int check_rule_cidr6(const addr128 &addr, uint8_t prefixlen, vcore_err *err)
{
	addr128 net = { addr.hi & prefix6_mask(prefixlen).hi, addr.lo & prefix6_mask(prefixlen).lo };

	if (prefixlen > 128) {
		fail(err, EINVAL_).str("CIDR block prefix length /").u32(prefixlen)
			.str(" is out of range: IPv6 runs from /0 to /128");
		return err->code;
	}
	if (!prefix6_exact(addr, prefixlen)) {
		fail(err, EINVAL_).str("CIDR block ").cidr6(addr.hi, addr.lo, prefixlen)
			.str(" has host bits set; did you mean ").cidr6(net.hi, net.lo, prefixlen)
			.str("?");
		return err->code;
	}
	return 0;
}

static_assert(uint32_t(VNITRO_MAX_SG_RULES) <= uint32_t(VCORE_SG_MAX_RULES), "the fabric holds every rule of a group");

sg *find_sg(const world &w, const char *id, vcore_err *err)
{
	sg *g = w.groups.find([id](sg *it) { return str_eq(it->id, id); });

	if (!g && err)
		fail(err, ENOENT_).str("security group \"").str(id).str("\" does not exist");
	return g;
}

// A VPC's default group's id: 17 hex digits of the 64-bit FNV-1a hash of
// its VPC's id, so that every host of a cluster gives it the same
// (Documentation/cluster.md); another one if a group has it already.
static void default_id(const world &w, const vpc &v, char *id, vcore_err *err)
{
	static const char hex[] = "0123456789abcdef";
	char wanted[VCORE_ID_MAX] = "sg-";
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < VCORE_ID_MAX && v.id[i]; i++)
		h = (h ^ uint8_t(v.id[i])) * 1099511628211ull;
	wanted[3] = hex[(h >> 60) & 1];		// 17 digits: the 65th bit is 0 or 1
	for (int i = 0; i < 16; i++)
		wanted[4 + i] = hex[(h >> (60 - 4 * i)) & 15];
	wanted[20] = '\0';
	if (find_sg(w, wanted, nullptr))
		wanted[0] = '\0';
	choose_id(w, wanted, id, err);
}

// EC2's default group: ingress all from itself, egress all to 0.0.0.0/0.
sg *sg_create_default(world &w, vpc *v, vcore_err *err)
{
	char id[VCORE_ID_MAX];
	sg *g;

	default_id(w, *v, id, err);
	g = sg_alloc(w, v, id);
	if (!g) {
		fail(err, ENOMEM_).str("out of memory");
		return nullptr;
	}
	str_copy(g->name, sizeof(g->name), default_name);
	str_copy(g->description, sizeof(g->description), default_description);
	add_rule(*g, VNITRO_SG_INGRESS, VNITRO_SG_PROTO_ALL, g);
	add_rule(*g, VNITRO_SG_EGRESS, VNITRO_SG_PROTO_ALL, nullptr);
	if (v->has_ipv6)
		g->rules[VNITRO_SG_EGRESS][g->rule_count[VNITRO_SG_EGRESS]++] = all_ipv6_out();
	if (publish(w, *g, err)) {
		destroy(g);
		return nullptr;
	}
	w.groups.push_back(g);
	v->default_group = g;
	return g;
}

// EC2 gives the default group of a VPC that gets an IPv6 block an
// "allow all IPv6 out" rule; a group that has it, or has no room, is left.
int sg_vpc_ipv6_added(world &w, vpc *v, vcore_err *err)
{
	sg *g = v->default_group;
	sg_rule r = all_ipv6_out();
	uint8_t d = VNITRO_SG_EGRESS;

	if (!g || find_rule(*g, d, r) >= 0 || rules_of_family(*g, d, family_v6) >= VNITRO_MAX_SG_RULES)
		return 0;
	g->rules[d][g->rule_count[d]++] = r;
	if (publish(w, *g, err)) {
		g->rule_count[d]--;
		return err->code;
	}
	return 0;
}

void sg_free(world &w, sg *g)
{
	if (g->owner->default_group == g)
		g->owner->default_group = nullptr;
	w.groups.remove(g);
	vcore_fabric_sg_del(w.fab, g->key);
	destroy(g);
}

const sg *sg_vpc_busy(const world &w, const vpc *v)
{
	return w.groups.find([v](sg *it) { return it->owner == v && it != v->default_group; });
}

void fill_info(const sg &g, vcore_sg_info *out)
{
	*out = vcore_sg_info{};
	str_copy(out->id, sizeof(out->id), g.id);
	str_copy(out->vpc_id, sizeof(out->vpc_id), g.owner->id);
	str_copy(out->name, sizeof(out->name), g.name);
	str_copy(out->description, sizeof(out->description), g.description);
	out->key = g.key;
	out->is_default = g.owner->default_group == &g;
	out->rule_count = g.rule_count[VNITRO_SG_INGRESS] + g.rule_count[VNITRO_SG_EGRESS];
}

} // namespace vnitro::control

using namespace vnitro::control;

extern "C" {

int vcore_ctl_sg_add(struct vcore_ctl *ctl, const char *id, const char *vpc_id,
		     const char *name, const char *description, struct vcore_sg_info *out,
		     struct vcore_err *err)
{
	char gid[VCORE_ID_MAX];
	char gname[VNITRO_SG_NAME_LEN];
	vpc *v = find_vpc(*ctl, vpc_id, err);
	sg *g;

	if (!v)
		return err->code;
	if (choose_id(*ctl, id, gid, err))
		return err->code;
	if (!copy_trimmed(gname, sizeof(gname), name[0] ? name : gid)) {
		fail(err, EINVAL_).str("a security group name has at most ")
			.u32(VNITRO_SG_NAME_LEN - 1).str(" characters");
		return err->code;
	}
	// The id stands in for a name not given: it is the one "sg-" name allowed.
	if (name[0] && check_name(*ctl, *v, gname, err))
		return err->code;
	if (str_len(description, VNITRO_DESCRIPTION_LEN) >= VNITRO_DESCRIPTION_LEN) {
		fail(err, EINVAL_).str("a security group description has at most ")
			.u32(VNITRO_DESCRIPTION_LEN - 1).str(" characters");
		return err->code;
	}
	g = sg_alloc(*ctl, v, gid);
	if (!g) {
		fail(err, ENOMEM_).str("out of memory");
		return err->code;
	}
	str_copy(g->name, sizeof(g->name), gname);
	copy_trimmed(g->description, sizeof(g->description), description);
	// EC2: no inbound rules, and one outbound rule allowing everything.
	add_rule(*g, VNITRO_SG_EGRESS, VNITRO_SG_PROTO_ALL, nullptr);
	if (publish(*ctl, *g, err)) {
		destroy(g);
		return err->code;
	}
	ctl->groups.push_back(g);
	fill_info(*g, out);
	return 0;
}

int vcore_ctl_sg_del(struct vcore_ctl *ctl, const char *id, struct vcore_err *err)
{
	sg *g = find_sg(*ctl, id, err);
	const eni *user;
	const sg *referrer;

	if (!g)
		return err->code;
	if (g->owner->default_group == g) {
		fail(err, EPERM_).str("CannotDelete: the specified group: \"").str(id)
			.str("\" name: \"default\" cannot be deleted by a user; it goes with VPC ")
			.str(g->owner->id);
		return err->code;
	}
	user = ctl->enis.find([g](eni *e) {
		for (uint32_t i = 0; i < e->group_count; i++)
			if (e->groups[i] == g)
				return true;
		return false;
	});
	if (user) {
		fail(err, EBUSY_).str("security group ").str(id)
			.str(" has a dependent object: network interface ").str(user->id)
			.str(" uses it; give that interface other groups first");
		return err->code;
	}
	referrer = referrer_of(*ctl, *g);
	if (referrer) {
		fail(err, EBUSY_).str("security group ").str(id)
			.str(" has a dependent object: a rule of security group ").str(referrer->id)
			.str(" names it; delete that rule first");
		return err->code;
	}
	sg_free(*ctl, g);
	return 0;
}

int vcore_ctl_sg_rule_add(struct vcore_ctl *ctl, const char *id, const struct vcore_ctl_sg_rule *rule,
			  struct vcore_sg_info *out, struct vcore_err *err)
{
	sg_rule r;
	sg *g = rule_of(*ctl, id, *rule, &r, err);
	uint8_t d = rule->direction;

	if (!g)
		return err->code;
	if (find_rule(*g, d, r) >= 0) {
		text t = fail(err, EEXIST_).str("the specified rule ");

		describe(t, r).str(" already exists as an ").str(direction_name(d))
			.str(" rule of ").str(id);
		return err->code;
	}
	for (uint32_t f = family_v4; f <= family_v6; f <<= 1) {
		if (!(families(r) & f) || rules_of_family(*g, d, f) < VNITRO_MAX_SG_RULES)
			continue;
		fail(err, ENOSPC_).str("security group ").str(id).str(" already has ")
			.u32(VNITRO_MAX_SG_RULES).str(" ").str(direction_name(d))
			.str(f == family_v4 ? " rules for IPv4" : " rules for IPv6")
			.str(": the quota \"Inbound or outbound rules per security group\" is ")
			.u32(VNITRO_MAX_SG_RULES).str(" per address family (a group rule counts for both)");
		return err->code;
	}
	g->rules[d][g->rule_count[d]++] = r;
	if (publish(*ctl, *g, err)) {
		g->rule_count[d]--;
		return err->code;
	}
	fill_info(*g, out);
	return 0;
}

int vcore_ctl_sg_rule_del(struct vcore_ctl *ctl, const char *id, const struct vcore_ctl_sg_rule *rule,
			  struct vcore_sg_info *out, struct vcore_err *err)
{
	sg_rule r;
	sg *g = rule_of(*ctl, id, *rule, &r, err);
	uint8_t d = rule->direction;
	int32_t i;

	if (!g)
		return err->code;
	i = find_rule(*g, d, r);
	if (i < 0) {
		text t = fail(err, ENOENT_).str("the specified rule ");

		describe(t, r).str(" does not exist as an ").str(direction_name(d))
			.str(" rule of security group ").str(id);
		return err->code;
	}
	for (uint32_t k = uint32_t(i); k + 1 < g->rule_count[d]; k++)
		g->rules[d][k] = g->rules[d][k + 1];
	g->rule_count[d]--;
	if (publish(*ctl, *g, err)) {
		// Put it back where it was: the fabric still applies it.
		for (uint32_t k = g->rule_count[d]; k > uint32_t(i); k--)
			g->rules[d][k] = g->rules[d][k - 1];
		g->rules[d][i] = r;
		g->rule_count[d]++;
		return err->code;
	}
	fill_info(*g, out);
	return 0;
}

int vcore_ctl_sg_get(const struct vcore_ctl *ctl, const char *id, struct vcore_sg_info *out,
		     struct vcore_err *err)
{
	sg *g = find_sg(*ctl, id, err);

	if (!g)
		return err->code;
	fill_info(*g, out);
	return 0;
}

int vcore_ctl_sg_at(const struct vcore_ctl *ctl, uint32_t pos, struct vcore_sg_info *out)
{
	sg *g = ctl->groups.at(pos);

	if (!g)
		return -ENOENT_;
	fill_info(*g, out);
	return 0;
}

int vcore_ctl_sg_rule_at(const struct vcore_ctl *ctl, const char *id, uint32_t pos,
			 struct vcore_ctl_sg_rule *out)
{
	sg *g = find_sg(*ctl, id, nullptr);
	uint8_t d = VNITRO_SG_INGRESS;

	if (!g)
		return -ENOENT_;
	if (pos >= g->rule_count[d]) {
		pos -= g->rule_count[d];
		d = VNITRO_SG_EGRESS;
	}
	if (pos >= g->rule_count[d])
		return -ENOENT_;
	fill_rule(g->rules[d][pos], d, out);
	return 0;
}

} // extern "C"
