// SPDX-License-Identifier: GPL-2.0
// ipv6.cc - IPv6 blocks of VPCs (/56) and subnets (/64), and ENIs' IPv6 addresses.
#include "control/world.h"

using namespace vnitro::base;

namespace vnitro::control {

namespace {

// EC2's Amazon-provided blocks come from Amazon's own space; us-east-1's
// VPCs get /56s of 2600:1f18::/32, so vnitro draws them from there.
constexpr uint64_t amazon_pool = 0x26001f1800000000ull;
constexpr uint64_t amazon_pool_mask = 0xffffffff00000000ull;
// The low 8 bits of a /56's upper half are the subnets' part.
constexpr uint64_t vpc_subnet_bits = 0xff;
// AWS keeps the first four addresses of a subnet and the last one, for IPv6 as for IPv4.
constexpr uint64_t last_iid = ~0ull;

uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

// Global unicast (2000::/3) or unique local (fc00::/7): the blocks a VPC can hold.
bool assignable_block(uint64_t hi)
{
	return (hi >> 61) == 1 || (hi >> 57) == (0xfcull >> 1);
}

bool eni_has_ipv6(const eni &e, uint64_t iid)
{
	for (uint32_t i = 0; i < e.ipv6_count; i++)
		if (e.ipv6[i] == iid)
			return true;
	return false;
}

bool ipv6_in_use(const world &w, const subnet *s, uint64_t iid)
{
	return w.enis.find([&](eni *it) { return it->home == s && eni_has_ipv6(*it, iid); });
}

// Gives every attached ENI of @s its port's new IPv6 state; on a refusal the
// ones already given are put back as they were (@s restored by the caller).
int sync_subnet(world &w, subnet *s, vcore_err *err)
{
	eni *failed = nullptr;

	w.enis.find([&](eni *it) {
		if (it->home == s && sync_port(w, it, err))
			failed = it;
		return failed != nullptr;
	});
	return failed ? err->code : 0;
}

void resync_subnet(world &w, subnet *s)
{
	vcore_err ignored;

	w.enis.find([&](eni *it) {
		if (it->home == s)
			sync_port(w, it, &ignored);
		return false;
	});
}

int vpc_ipv6_clear(world &w, vpc *v, vcore_vpc_info *out, vcore_err *err)
{
	const subnet *user;
	subnet *s;

	if (!v->has_ipv6) {
		fail(err, ENOENT_).str("VPC ").str(v->id).str(" has no IPv6 CIDR block");
		return err->code;
	}
	s = w.subnets.find([v](subnet *it) { return it->owner == v && it->has_ipv6; });
	if (s) {
		fail(err, EBUSY_).str("subnet ").str(s->id).str(" of VPC ").str(v->id)
			.str(" still has IPv6 CIDR block ")
			.cidr6(s->ipv6_prefix, 0, VNITRO_SUBNET_IPV6_PREFIXLEN)
			.str("; disassociate the subnets' IPv6 blocks first");
		return err->code;
	}
	user = routes_ipv6_user(w, v);
	if (user) {
		fail(err, EBUSY_).str("the route table of subnet ").str(user->id)
			.str(" has IPv6 routes; delete them first");
		return err->code;
	}
	v->has_ipv6 = false;
	if (routes_vpc_ipv6_changed(w, v, err)) {
		v->has_ipv6 = true;
		return err->code;
	}
	v->ipv6_prefix = 0;
	fill_info(*v, out);
	return 0;
}

int subnet_ipv6_clear(world &w, subnet *s, vcore_subnet_info *out, vcore_err *err)
{
	eni *e;

	if (!s->has_ipv6) {
		fail(err, ENOENT_).str("subnet ").str(s->id).str(" has no IPv6 CIDR block");
		return err->code;
	}
	e = w.enis.find([s](eni *it) { return it->home == s && it->ipv6_count; });
	if (e) {
		fail(err, EBUSY_).str("network interface ").str(e->id).str(" in subnet ").str(s->id)
			.str(" still has IPv6 addresses; unassign them first");
		return err->code;
	}
	s->has_ipv6 = false;
	if (sync_subnet(w, s, err)) {
		s->has_ipv6 = true;
		resync_subnet(w, s);
		return err->code;
	}
	s->ipv6_prefix = 0;
	s->assign_ipv6_on_creation = false;
	fill_info(*s, out);
	return 0;
}

} // namespace

int choose_ipv6(const world &w, const subnet *s, const uint8_t *wanted, uint64_t *iid,
		vcore_err *err)
{
	uint64_t hi, lo;

	if (!wanted) {
		// EC2 hands out addresses that look random within the /64.
		do
			svc->random(iid, sizeof(*iid));
		while (*iid < 4 || *iid == last_iid || ipv6_in_use(w, s, *iid));
		return 0;
	}
	hi = get_be64(wanted);
	lo = get_be64(wanted + 8);
	if (hi != s->ipv6_prefix) {
		fail(err, EINVAL_).str("address ").ipv6(hi, lo).str(" is not in subnet ").str(s->id)
			.str(" (").cidr6(s->ipv6_prefix, 0, VNITRO_SUBNET_IPV6_PREFIXLEN).str(")");
		return err->code;
	}
	if (lo < 4 || lo == last_iid) {
		fail(err, EINVAL_).str("address ").ipv6(hi, lo).str(" is reserved by AWS in subnet ")
			.str(s->id).str(": the first four addresses and the last one are not assignable");
		return err->code;
	}
	if (ipv6_in_use(w, s, lo)) {
		fail(err, EADDRINUSE_).str("address ").ipv6(hi, lo)
			.str(" is already assigned to a network interface in subnet ").str(s->id);
		return err->code;
	}
	*iid = lo;
	return 0;
}

} // namespace vnitro::control

using namespace vnitro::control;

extern "C" {

int vcore_ctl_vpc_ipv6_set(struct vcore_ctl *ctl, const char *id, const uint8_t *addr,
			   uint8_t prefixlen, struct vcore_vpc_info *out, struct vcore_err *err)
{
	vpc *v = find_vpc(*ctl, id, err);
	uint64_t hi;

	if (!v)
		return err->code;
	if (!prefixlen)
		return vpc_ipv6_clear(*ctl, v, out, err);
	if (prefixlen != VNITRO_VPC_IPV6_PREFIXLEN) {
		fail(err, EINVAL_).str("a VPC's IPv6 CIDR block is a /56, not a /").u32(prefixlen);
		return err->code;
	}
	if (v->has_ipv6) {
		fail(err, EEXIST_).str("VPC ").str(id).str(" already has IPv6 CIDR block ")
			.cidr6(v->ipv6_prefix, 0, VNITRO_VPC_IPV6_PREFIXLEN);
		return err->code;
	}
	if (addr) {
		hi = get_be64(addr);
		if ((hi & vpc_subnet_bits) || get_be64(addr + 8)) {
			fail(err, EINVAL_).str("IPv6 CIDR block ").cidr6(hi, get_be64(addr + 8), prefixlen)
				.str(" has host bits set");
			return err->code;
		}
		if (!assignable_block(hi)) {
			fail(err, EINVAL_).str("IPv6 CIDR block ").cidr6(hi, 0, prefixlen)
				.str(" is not global unicast (2000::/3) or unique local (fc00::/7)");
			return err->code;
		}
		if (ctl->vpcs.find([hi](vpc *it) { return it->has_ipv6 && it->ipv6_prefix == hi; })) {
			fail(err, EADDRINUSE_).str("IPv6 CIDR block ").cidr6(hi, 0, prefixlen)
				.str(" belongs to another VPC");
			return err->code;
		}
	} else {
		do {
			svc->random(&hi, sizeof(hi));
			hi = amazon_pool | ((hi << 8) & ~amazon_pool_mask);
		} while (ctl->vpcs.find([hi](vpc *it) { return it->has_ipv6 && it->ipv6_prefix == hi; }));
	}
	v->has_ipv6 = true;
	v->ipv6_prefix = hi;
	if (routes_vpc_ipv6_changed(*ctl, v, err)) {
		v->has_ipv6 = false;
		v->ipv6_prefix = 0;
		return err->code;
	}
	if (sg_vpc_ipv6_added(*ctl, v, err) || nacl_vpc_ipv6_added(*ctl, v, err)) {
		vcore_err ignored;

		v->has_ipv6 = false;
		routes_vpc_ipv6_changed(*ctl, v, &ignored);
		v->ipv6_prefix = 0;
		return err->code;
	}
	fill_info(*v, out);
	return 0;
}

int vcore_ctl_subnet_ipv6_set(struct vcore_ctl *ctl, const char *id, const uint8_t *addr,
			      uint8_t prefixlen, struct vcore_subnet_info *out,
			      struct vcore_err *err)
{
	subnet *s = find_subnet(*ctl, id, err);
	const vpc *v;
	subnet *other;
	uint64_t hi;

	if (!s)
		return err->code;
	if (!prefixlen)
		return subnet_ipv6_clear(*ctl, s, out, err);
	v = s->owner;
	if (prefixlen != VNITRO_SUBNET_IPV6_PREFIXLEN || !addr) {
		fail(err, EINVAL_).str("a subnet's IPv6 CIDR block is a /64 of its VPC's /56; give one");
		return err->code;
	}
	hi = get_be64(addr);
	if (get_be64(addr + 8)) {
		fail(err, EINVAL_).str("IPv6 CIDR block ").cidr6(hi, get_be64(addr + 8), prefixlen)
			.str(" has host bits set");
		return err->code;
	}
	if (!v->has_ipv6) {
		fail(err, EINVAL_).str("VPC ").str(v->id)
			.str(" has no IPv6 CIDR block; associate one with the VPC first");
		return err->code;
	}
	if ((hi & ~vpc_subnet_bits) != v->ipv6_prefix) {
		fail(err, EINVAL_).str("IPv6 CIDR block ").cidr6(hi, 0, prefixlen)
			.str(" is not inside VPC ").str(v->id).str(" (")
			.cidr6(v->ipv6_prefix, 0, VNITRO_VPC_IPV6_PREFIXLEN).str(")");
		return err->code;
	}
	if (s->has_ipv6) {
		fail(err, EEXIST_).str("subnet ").str(id).str(" already has IPv6 CIDR block ")
			.cidr6(s->ipv6_prefix, 0, prefixlen);
		return err->code;
	}
	other = ctl->subnets.find([hi](subnet *it) { return it->has_ipv6 && it->ipv6_prefix == hi; });
	if (other) {
		fail(err, EEXIST_).str("IPv6 CIDR block ").cidr6(hi, 0, prefixlen)
			.str(" belongs to subnet ").str(other->id);
		return err->code;
	}
	s->has_ipv6 = true;
	s->ipv6_prefix = hi;
	if (sync_subnet(*ctl, s, err)) {
		s->has_ipv6 = false;
		s->ipv6_prefix = 0;
		resync_subnet(*ctl, s);
		return err->code;
	}
	fill_info(*s, out);
	return 0;
}

int vcore_ctl_subnet_assign_ipv6(struct vcore_ctl *ctl, const char *id, uint8_t on,
				  struct vcore_subnet_info *out, struct vcore_err *err)
{
	subnet *s = find_subnet(*ctl, id, err);

	if (!s)
		return err->code;
	if (on && !s->has_ipv6) {
		fail(err, EINVAL_).str("subnet ").str(id)
			.str(" has no IPv6 CIDR block to assign addresses from; associate one first");
		return err->code;
	}
	s->assign_ipv6_on_creation = on;
	fill_info(*s, out);
	return 0;
}

int vcore_ctl_eni_ipv6_assign(struct vcore_ctl *ctl, const char *id, const uint8_t *addr,
			      uint32_t count, struct vcore_eni_info *out, struct vcore_err *err)
{
	eni *e = find_eni(*ctl, id, err);
	uint32_t limit, before;

	if (!e)
		return err->code;
	if (!e->home->has_ipv6) {
		fail(err, EINVAL_).str("subnet ").str(e->home->id).str(" of ").str(e->id)
			.str(" has no IPv6 CIDR block; associate one with the subnet first");
		return err->code;
	}
	if (addr)
		count = 1;
	if (!count) {
		fail(err, EINVAL_).str("give an IPv6 address to assign, or how many to pick");
		return err->code;
	}
	limit = ip_limit(*e);
	if (e->ipv6_count + count > limit) {
		text msg = fail(err, ENOSPC_);

		if (e->owner)
			msg.str(e->owner->type->name).str(" supports at most ");
		else
			msg.str("a network interface holds at most ");
		msg.u32(limit).str(" IPv6 addresses per network interface; ").str(e->id)
			.str(" has ").u32(e->ipv6_count).str(" and ").u32(count)
			.str(count == 1 ? " more does not fit" : " more do not fit");
		return err->code;
	}
	before = e->ipv6_count;
	for (uint32_t n = 0; n < count; n++) {
		uint64_t iid;

		if (choose_ipv6(*ctl, e->home, addr, &iid, err)) {
			e->ipv6_count = before;
			return err->code;
		}
		e->ipv6[e->ipv6_count++] = iid;
	}
	if (sync_port(*ctl, e, err)) {
		e->ipv6_count = before;
		return err->code;
	}
	fill_info(*e, out);
	return 0;
}

int vcore_ctl_eni_ipv6_unassign(struct vcore_ctl *ctl, const char *id, const uint8_t *addr,
				struct vcore_eni_info *out, struct vcore_err *err)
{
	eni *e = find_eni(*ctl, id, err);
	uint64_t hi, lo;
	uint32_t pos;

	if (!e)
		return err->code;
	hi = get_be64(addr);
	lo = get_be64(addr + 8);
	for (pos = 0; pos < e->ipv6_count; pos++)
		if (e->home->has_ipv6 && hi == e->home->ipv6_prefix && e->ipv6[pos] == lo)
			break;
	if (pos == e->ipv6_count) {
		fail(err, ENOENT_).str("IPv6 address ").ipv6(hi, lo).str(" is not assigned to ").str(e->id);
		return err->code;
	}
	for (uint32_t i = pos; i + 1 < e->ipv6_count; i++)
		e->ipv6[i] = e->ipv6[i + 1];
	e->ipv6_count--;
	if (sync_port(*ctl, e, err)) {
		for (uint32_t i = e->ipv6_count; i > pos; i--)
			e->ipv6[i] = e->ipv6[i - 1];
		e->ipv6[pos] = lo;
		e->ipv6_count++;
		return err->code;
	}
	fill_info(*e, out);
	return 0;
}

} // extern "C"
