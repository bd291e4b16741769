// SPDX-License-Identifier: GPL-2.0
// nacl.cc - network ACLs: default and custom ACLs, numbered entries, subnet associations.
//
// Each ACL is published to the fabric under its key (vcore_fabric_nacl_set)
// whenever its entries change, whole; a subnet's route table names its
// ACL's key (routes_publish), and the fabric filters what enters and leaves
// the subnet with it. The final "*" deny is the fabric's, never an entry.
#include "control/world.h"
#include "base/ipv4.h"

using namespace vnitro::base;

namespace vnitro::control {

namespace {

constexpr uint16_t proto_icmp = 1;
constexpr uint16_t proto_icmpv6 = 58;
// EC2's default ACL: rule 100 allows all IPv4, rule 101 all IPv6 (once the VPC has a block).
constexpr uint16_t default_number = 100;
constexpr uint16_t default_number6 = 101;

const char *direction_name(uint8_t direction)
{
	return direction == VNITRO_SG_EGRESS ? "egress" : "ingress";
}

int check_direction(uint8_t direction, vcore_err *err)
{
	if (direction > VNITRO_SG_EGRESS) {
		fail(err, EINVAL_).str("a rule is ingress or egress, not direction ")
			.u32(direction);
		return err->code;
	}
	return 0;
}

int check_number(uint32_t number, vcore_err *err)
{
	if (number < 1 || number > VNITRO_NACL_MAX_NUMBER) {
		fail(err, EINVAL_).str("rule number ").u32(number)
			.str(" is out of range: use 1 to ").u32(VNITRO_NACL_MAX_NUMBER)
			.str(" (32767 and up are reserved)");
		return err->code;
	}
	return 0;
}

// @in as a canonical entry, or a message saying what is wrong with it.
int check_entry(const vcore_ctl_nacl_entry &in, nacl_entry *r, vcore_err *err)
{
	*r = nacl_entry{};
	if (check_direction(in.direction, err) || check_number(in.number, err))
		return err->code;
	if (in.action > VNITRO_NACL_ALLOW) {
		fail(err, EINVAL_).str("a rule's action is allow or deny, not ").u32(in.action);
		return err->code;
	}
	if (in.protocol > VNITRO_SG_PROTO_ALL) {
		fail(err, EINVAL_).str("protocol ").u32(in.protocol)
			.str(" does not exist: use tcp, udp, icmp, icmpv6, all or a number from 0 to 255");
		return err->code;
	}
	r->number = in.number;
	r->allow = in.action == VNITRO_NACL_ALLOW;
	r->protocol = in.protocol;
	if (check_rule_ports(in.protocol, in.has_ports, in.port_from, in.port_to, err) ||
	    check_rule_icmp(in.protocol, in.icmp_type, in.icmp_code, err) ||
	    (in.ipv6 ? check_rule_cidr6(addr128_of(in.cidr6), in.cidr_prefixlen, err)
		     : check_rule_cidr(in.cidr_addr, in.cidr_prefixlen, err)))
		return err->code;
	r->has_ports = in.has_ports;
	r->port_from = in.has_ports ? in.port_from : 0;
	r->port_to = in.has_ports ? in.port_to : 0;
	r->icmp_type = in.protocol == proto_icmp || in.protocol == proto_icmpv6 ? in.icmp_type : -1;
	r->icmp_code = in.protocol == proto_icmp || in.protocol == proto_icmpv6 ? in.icmp_code : -1;
	r->ipv6 = in.ipv6;
	if (in.ipv6)
		r->addr6 = addr128_of(in.cidr6);
	else
		r->addr = in.cidr_addr;
	r->prefixlen = in.cidr_prefixlen;
	return 0;
}

// How many of @a's entries in direction @d are of @ipv6's family, @skip (an index) aside.
uint32_t entries_of_family(const nacl &a, uint8_t d, bool ipv6, int32_t skip)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < a.entry_count[d]; i++)
		n += int32_t(i) != skip && a.entries[d][i].ipv6 == ipv6;
	return n;
}

int check_quota(const nacl &a, const char *id, uint8_t d, bool ipv6, int32_t skip, vcore_err *err)
{
	if (entries_of_family(a, d, ipv6, skip) < VNITRO_MAX_NACL_ENTRIES)
		return 0;
	fail(err, ENOSPC_).str("network ACL ").str(id).str(" already has ")
		.u32(VNITRO_MAX_NACL_ENTRIES).str(" ").str(direction_name(d))
		.str(ipv6 ? " rules for IPv6" : " rules for IPv4")
		.str(": the quota \"Rules per network ACL\" is ").u32(VNITRO_MAX_NACL_RULES)
		.str(" per direction and address family, the final \"*\" deny rule included");
	return err->code;
}

void fill_entry(const nacl_entry &r, uint8_t direction, vcore_ctl_nacl_entry *out)
{
	*out = vcore_ctl_nacl_entry{};
	out->direction = direction;
	out->number = r.number;
	out->action = r.allow ? VNITRO_NACL_ALLOW : VNITRO_NACL_DENY;
	out->protocol = r.protocol;
	out->has_ports = r.has_ports;
	out->port_from = r.port_from;
	out->port_to = r.port_to;
	out->icmp_type = r.icmp_type;
	out->icmp_code = r.icmp_code;
	out->ipv6 = r.ipv6;
	out->cidr_addr = r.addr;
	addr128_put(r.addr6, out->cidr6);
	out->cidr_prefixlen = r.prefixlen;
}

// Where number @number is among @a's entries of direction @d, or -1.
int32_t find_entry(const nacl &a, uint8_t d, uint16_t number)
{
	for (uint32_t i = 0; i < a.entry_count[d]; i++)
		if (a.entries[d][i].number == number)
			return int32_t(i);
	return -1;
}

int choose_id(const world &w, const char *wanted, char *id, vcore_err *err)
{
	return choose_hex_id(wanted, "acl-", "network ACL",
			     [&w](const char *it) { return find_nacl(w, it, nullptr) != nullptr; }, id, err);
}

nacl *nacl_alloc(world &w, vpc *v, const char *id)
{
	nacl *a = create<nacl>();

	if (!a)
		return nullptr;
	str_copy(a->id, sizeof(a->id), id);
	a->owner = v;
	a->key = w.next_nacl_key++;
	return a;
}

// Inserts @r into direction @d, keeping the entries sorted by number.
void insert_entry(nacl &a, uint8_t d, const nacl_entry &r)
{
	uint32_t i = a.entry_count[d];

	for (; i > 0 && a.entries[d][i - 1].number > r.number; i--)
		a.entries[d][i] = a.entries[d][i - 1];
	a.entries[d][i] = r;
	a.entry_count[d]++;
}

void remove_entry(nacl &a, uint8_t d, uint32_t i)
{
	for (uint32_t k = i; k + 1 < a.entry_count[d]; k++)
		a.entries[d][k] = a.entries[d][k + 1];
	a.entry_count[d]--;
}

// @r as the fabric applies it.
vcore_nacl_rule fabric_rule(const nacl_entry &r)
{
	vcore_nacl_rule out = {};

	out.number = r.number;
	out.allow = r.allow;
	out.proto = r.protocol == VNITRO_SG_PROTO_ALL ? uint16_t(VCORE_SG_PROTO_ALL) : r.protocol;
	out.port_lo = r.has_ports ? r.port_from : 0;
	out.port_hi = r.has_ports ? r.port_to : 0xffff;
	out.icmp_type = r.icmp_type;
	out.icmp_code = r.icmp_code;
	out.ipv6 = r.ipv6;
	out.cidr_addr = r.addr;
	out.cidr6_hi = r.addr6.hi;
	out.cidr6_lo = r.addr6.lo;
	out.cidr_prefixlen = r.prefixlen;
	return out;
}

// Gives the fabric @a as it is now; on failure the fabric keeps what it had.
int publish(world &w, const nacl &a, vcore_err *err)
{
	vcore_fabric_nacl_desc *desc;
	int ret;

	// About 3 KiB: too much for a kernel stack frame.
	desc = create<vcore_fabric_nacl_desc>();
	if (!desc) {
		fail(err, ENOMEM_).str("out of memory");
		return err->code;
	}
	desc->key = a.key;
	desc->ingress_count = a.entry_count[VNITRO_SG_INGRESS];
	desc->egress_count = a.entry_count[VNITRO_SG_EGRESS];
	for (uint32_t i = 0; i < desc->ingress_count; i++)
		desc->ingress[i] = fabric_rule(a.entries[VNITRO_SG_INGRESS][i]);
	for (uint32_t i = 0; i < desc->egress_count; i++)
		desc->egress[i] = fabric_rule(a.entries[VNITRO_SG_EGRESS][i]);
	ret = vcore_fabric_nacl_set(w.fab, desc);
	destroy(desc);
	if (ret)
		fail(err, -ret).str("the VPC fabric refused network ACL ").str(a.id)
			.str(ret == -ENOMEM_ ? ": out of memory" : ": invalid rule");
	return ret;
}

// EC2's default rule 100 (101): allow all traffic from or to 0.0.0.0/0 (::/0).
nacl_entry allow_all(bool ipv6)
{
	nacl_entry r = {};

	r.number = ipv6 ? default_number6 : default_number;
	r.allow = true;
	r.protocol = VNITRO_SG_PROTO_ALL;
	r.icmp_type = r.icmp_code = -1;
	r.ipv6 = ipv6;
	return r;
}

// The first subnet associated with @a, or nullptr.
const subnet *associated_subnet(const world &w, const nacl &a)
{
	return w.subnets.find([&a](subnet *s) { return s->acl == &a; });
}

uint32_t vpc_acl_count(const world &w, const vpc *v)
{
	uint32_t n = 0;

	for (nacl *a = w.acls.front(); a; a = a->next)
		n += a->owner == v;
	return n;
}

// The ACL @id and @entry as one of its entries, or nullptr and a message.
nacl *entry_of(const world &w, const char *id, const vcore_ctl_nacl_entry &entry,
	       nacl_entry *r, vcore_err *err)
{
	nacl *a = find_nacl(w, id, err);

	if (!a || check_entry(entry, r, err))
		return nullptr;
	return a;
}

} // namespace

static_assert(2 * uint32_t(VNITRO_MAX_NACL_ENTRIES) <= uint32_t(VCORE_NACL_MAX_RULES),
	      "the fabric holds every entry of an ACL");
static_assert(uint32_t(VNITRO_NACL_MAX_NUMBER) == uint32_t(VCORE_NACL_MAX_NUMBER),
	      "the fabric and the ABI agree on rule numbers");

nacl *find_nacl(const world &w, const char *id, vcore_err *err)
{
	nacl *a = w.acls.find([id](nacl *it) { return str_eq(it->id, id); });

	if (!a && err)
		fail(err, ENOENT_).str("network ACL \"").str(id).str("\" does not exist");
	return a;
}

// EC2's default ACL: rule 100 allows everything in and out.
nacl *nacl_create_default(world &w, vpc *v, vcore_err *err)
{
	char id[VCORE_ID_MAX];
	nacl *a;

	choose_id(w, "", id, err);
	a = nacl_alloc(w, v, id);
	if (!a) {
		fail(err, ENOMEM_).str("out of memory");
		return nullptr;
	}
	for (uint8_t d = VNITRO_SG_INGRESS; d <= VNITRO_SG_EGRESS; d++) {
		insert_entry(*a, d, allow_all(false));
		if (v->has_ipv6)
			insert_entry(*a, d, allow_all(true));
	}
	if (publish(w, *a, err)) {
		destroy(a);
		return nullptr;
	}
	v->default_acl = a;
	w.acls.push_back(a);
	return a;
}

int nacl_vpc_ipv6_added(world &w, vpc *v, vcore_err *err)
{
	nacl *a = v->default_acl;
	bool added[2] = {};

	if (!a)
		return 0;
	for (uint8_t d = VNITRO_SG_INGRESS; d <= VNITRO_SG_EGRESS; d++) {
		if (a->modified[d] || find_entry(*a, d, default_number6) >= 0)
			continue;
		insert_entry(*a, d, allow_all(true));
		added[d] = true;
	}
	if ((added[0] || added[1]) && publish(w, *a, err)) {
		for (uint8_t d = VNITRO_SG_INGRESS; d <= VNITRO_SG_EGRESS; d++)
			if (added[d])
				remove_entry(*a, d, uint32_t(find_entry(*a, d, default_number6)));
		return err->code;
	}
	return 0;
}

void nacl_free(world &w, nacl *a)
{
	if (a->owner->default_acl == a)
		a->owner->default_acl = nullptr;
	w.acls.remove(a);
	vcore_fabric_nacl_del(w.fab, a->key);
	destroy(a);
}

const nacl *nacl_vpc_busy(const world &w, const vpc *v)
{
	return w.acls.find([v](nacl *it) { return it->owner == v && it != v->default_acl; });
}

void fill_info(const nacl &a, vcore_nacl_info *out)
{
	*out = vcore_nacl_info{};
	str_copy(out->id, sizeof(out->id), a.id);
	str_copy(out->vpc_id, sizeof(out->vpc_id), a.owner->id);
	out->key = a.key;
	out->is_default = a.owner->default_acl == &a;
	out->entry_count = a.entry_count[VNITRO_SG_INGRESS] + a.entry_count[VNITRO_SG_EGRESS];
}

} // namespace vnitro::control

using namespace vnitro::control;

namespace {

void fill_nacl(const vcore_ctl *ctl, const nacl &a, vcore_nacl_info *out)
{
	fill_info(a, out);
	for (subnet *s = ctl->subnets.front(); s; s = s->next)
		out->subnet_count += s->acl == &a;
}

} // namespace

extern "C" {

int vcore_ctl_nacl_add(struct vcore_ctl *ctl, const char *id, const char *vpc_id,
		       struct vcore_nacl_info *out, struct vcore_err *err)
{
	char aid[VCORE_ID_MAX];
	vpc *v = find_vpc(*ctl, vpc_id, err);
	nacl *a;

	if (!v)
		return err->code;
	if (choose_id(*ctl, id, aid, err))
		return err->code;
	if (vpc_acl_count(*ctl, v) >= VNITRO_MAX_NACLS_PER_VPC) {
		fail(err, ENOSPC_).str("VPC ").str(vpc_id).str(" already has ")
			.u32(VNITRO_MAX_NACLS_PER_VPC)
			.str(" network ACLs: the quota \"Network ACLs per VPC\" is ")
			.u32(VNITRO_MAX_NACLS_PER_VPC);
		return err->code;
	}
	a = nacl_alloc(*ctl, v, aid);
	if (!a) {
		fail(err, ENOMEM_).str("out of memory");
		return err->code;
	}
	// EC2: no rules, so the "*" rules deny everything both ways.
	if (publish(*ctl, *a, err)) {
		destroy(a);
		return err->code;
	}
	ctl->acls.push_back(a);
	fill_nacl(ctl, *a, out);
	return 0;
}

int vcore_ctl_nacl_del(struct vcore_ctl *ctl, const char *id, struct vcore_err *err)
{
	nacl *a = find_nacl(*ctl, id, err);
	const subnet *s;

	if (!a)
		return err->code;
	if (a->owner->default_acl == a) {
		fail(err, EPERM_).str("network ACL ").str(id)
			.str(" is the default network ACL of VPC ").str(a->owner->id)
			.str(": it cannot be deleted by a user; it goes with its VPC");
		return err->code;
	}
	s = associated_subnet(*ctl, *a);
	if (s) {
		fail(err, EBUSY_).str("network ACL ").str(id)
			.str(" has a dependent object: subnet ").str(s->id)
			.str(" is associated with it; associate that subnet with another ACL")
			.str(" first");
		return err->code;
	}
	nacl_free(*ctl, a);
	return 0;
}

int vcore_ctl_nacl_entry_add(struct vcore_ctl *ctl, const char *id,
			     const struct vcore_ctl_nacl_entry *entry,
			     struct vcore_nacl_info *out, struct vcore_err *err)
{
	nacl_entry r;
	nacl *a = entry_of(*ctl, id, *entry, &r, err);
	uint8_t d = entry->direction;
	int32_t i;

	if (!a)
		return err->code;
	if (find_entry(*a, d, r.number) >= 0) {
		fail(err, EEXIST_).str("NetworkAclEntryAlreadyExists: network ACL ").str(id)
			.str(" already has ").str(direction_name(d)).str(" rule number ")
			.u32(r.number).str("; replace it or pick another number");
		return err->code;
	}
	if (check_quota(*a, id, d, r.ipv6, -1, err))
		return err->code;
	insert_entry(*a, d, r);
	if (publish(*ctl, *a, err)) {
		i = find_entry(*a, d, r.number);
		remove_entry(*a, d, uint32_t(i));
		return err->code;
	}
	a->modified[d] = true;
	fill_nacl(ctl, *a, out);
	return 0;
}

int vcore_ctl_nacl_entry_replace(struct vcore_ctl *ctl, const char *id,
				 const struct vcore_ctl_nacl_entry *entry,
				 struct vcore_nacl_info *out, struct vcore_err *err)
{
	nacl_entry r, old;
	nacl *a = entry_of(*ctl, id, *entry, &r, err);
	uint8_t d = entry->direction;
	int32_t i;

	if (!a)
		return err->code;
	i = find_entry(*a, d, r.number);
	if (i < 0) {
		fail(err, ENOENT_).str("network ACL ").str(id).str(" has no ")
			.str(direction_name(d)).str(" rule number ").u32(r.number)
			.str(" to replace; add it instead");
		return err->code;
	}
	if (r.ipv6 != a->entries[d][i].ipv6 && check_quota(*a, id, d, r.ipv6, i, err))
		return err->code;
	old = a->entries[d][i];
	a->entries[d][i] = r;
	if (publish(*ctl, *a, err)) {
		a->entries[d][i] = old;
		return err->code;
	}
	a->modified[d] = true;
	fill_nacl(ctl, *a, out);
	return 0;
}

int vcore_ctl_nacl_entry_del(struct vcore_ctl *ctl, const char *id, uint8_t direction,
			     uint16_t number, struct vcore_nacl_info *out, struct vcore_err *err)
{
	nacl *a = find_nacl(*ctl, id, err);
	nacl_entry old;
	int32_t i;

	if (!a || check_direction(direction, err) || check_number(number, err))
		return err->code;
	i = find_entry(*a, direction, number);
	if (i < 0) {
		fail(err, ENOENT_).str("network ACL ").str(id).str(" has no ")
			.str(direction_name(direction)).str(" rule number ").u32(number);
		return err->code;
	}
	old = a->entries[direction][i];
	remove_entry(*a, direction, uint32_t(i));
	if (publish(*ctl, *a, err)) {
		insert_entry(*a, direction, old);
		return err->code;
	}
	a->modified[direction] = true;
	fill_nacl(ctl, *a, out);
	return 0;
}

int vcore_ctl_nacl_associate(struct vcore_ctl *ctl, const char *id, const char *subnet_id,
			     struct vcore_subnet_info *out, struct vcore_err *err)
{
	subnet *s = find_subnet(*ctl, subnet_id, err);
	nacl *a, *old;

	if (!s)
		return err->code;
	a = find_nacl(*ctl, id, err);
	if (!a)
		return err->code;
	if (a->owner != s->owner) {
		fail(err, EINVAL_).str("network ACL ").str(id).str(" is in VPC ")
			.str(a->owner->id).str(", and subnet ").str(subnet_id).str(" in VPC ")
			.str(s->owner->id).str(": a subnet can use only an ACL of its own VPC");
		return err->code;
	}
	old = s->acl;
	s->acl = a;
	if (old != a && routes_publish(*ctl, *s, err)) {
		s->acl = old;
		return err->code;
	}
	fill_info(*s, out);
	return 0;
}

int vcore_ctl_nacl_get(const struct vcore_ctl *ctl, const char *id, struct vcore_nacl_info *out,
		       struct vcore_err *err)
{
	nacl *a = find_nacl(*ctl, id, err);

	if (!a)
		return err->code;
	fill_nacl(ctl, *a, out);
	return 0;
}

int vcore_ctl_nacl_at(const struct vcore_ctl *ctl, uint32_t pos, struct vcore_nacl_info *out)
{
	nacl *a = ctl->acls.at(pos);

	if (!a)
		return -ENOENT_;
	fill_nacl(ctl, *a, out);
	return 0;
}

int vcore_ctl_nacl_entry_at(const struct vcore_ctl *ctl, const char *id, uint32_t pos,
			    struct vcore_ctl_nacl_entry *out)
{
	nacl *a = find_nacl(*ctl, id, nullptr);
	uint8_t d = VNITRO_SG_INGRESS;

	if (!a)
		return -ENOENT_;
	if (pos >= a->entry_count[d]) {
		pos -= a->entry_count[d];
		d = VNITRO_SG_EGRESS;
	}
	if (pos >= a->entry_count[d])
		return -ENOENT_;
	fill_entry(a->entries[d][pos], d, out);
	return 0;
}

} // extern "C"
