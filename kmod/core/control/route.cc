// SPDX-License-Identifier: GPL-2.0
// route.cc - per-subnet route tables: the undeletable local route, routes to an ENI or the IGW.
#include "control/world.h"
#include "base/ipv4.h"

using namespace vnitro::base;

namespace vnitro::control {

namespace {

// A route's destination, IPv4 or IPv6.
struct dest {
	bool ipv6;
	uint32_t addr;
	addr128 addr6;
	uint8_t prefixlen;
};

dest v4_dest(uint32_t addr, uint8_t prefixlen)
{
	return { false, addr, {}, prefixlen };
}

dest v6_dest(const uint8_t *addr6, uint8_t prefixlen)
{
	return { true, 0, addr128_of(addr6), prefixlen };
}

// The VPC's IPv6 block as a destination.
dest vpc6_dest(const vpc &v)
{
	return { true, 0, { v.ipv6_prefix, 0 }, VNITRO_VPC_IPV6_PREFIXLEN };
}

bool same_dest(const route &r, const dest &d)
{
	return r.ipv6 == d.ipv6 && r.prefixlen == d.prefixlen &&
	       (d.ipv6 ? r.addr6 == d.addr6 : r.addr == d.addr);
}

text &put_dest(text &t, const dest &d)
{
	return d.ipv6 ? t.cidr6(d.addr6.hi, d.addr6.lo, d.prefixlen) : t.cidr(d.addr, d.prefixlen);
}

route *find_route(subnet &s, const dest &d)
{
	for (uint32_t i = 0; i < s.route_count; i++)
		if (same_dest(s.routes[i], d))
			return &s.routes[i];
	return nullptr;
}

bool routes_to(const subnet &s, const eni *e)
{
	for (uint32_t i = 0; i < s.route_count; i++)
		if (s.routes[i].target == VNITRO_ROUTE_TARGET_ENI && s.routes[i].to_eni == e)
			return true;
	return false;
}

int check_destination(const dest &d, vcore_err *err)
{
	uint32_t addr = d.addr;
	uint8_t prefixlen = d.prefixlen;
	addr128 net;

	if (d.ipv6) {
		net = { d.addr6.hi & prefix6_mask(prefixlen).hi, d.addr6.lo & prefix6_mask(prefixlen).lo };
		if (prefixlen > 128) {
			fail(err, EINVAL_).str("route destination prefix length /").u32(prefixlen)
				.str(" is out of range (0 to 128)");
			return err->code;
		}
		if (!prefix6_exact(d.addr6, prefixlen)) {
			fail(err, EINVAL_).str("route destination ").cidr6(d.addr6.hi, d.addr6.lo, prefixlen)
				.str(" has host bits set; did you mean ").cidr6(net.hi, net.lo, prefixlen)
				.str("?");
			return err->code;
		}
		return 0;
	}
	if (prefixlen > 32) {
		fail(err, EINVAL_).str("route destination prefix length /").u32(prefixlen)
			.str(" is out of range (0 to 32)");
		return err->code;
	}
	if (addr & ~prefix_mask(prefixlen)) {
		fail(err, EINVAL_).str("route destination ").cidr(addr, prefixlen)
			.str(" has host bits set; did you mean ")
			.cidr(addr & prefix_mask(prefixlen), prefixlen).str("?");
		return err->code;
	}
	return 0;
}

// Resolves @target_id into @r's target; the ENI or IGW must be of @s's VPC.
int set_target(world &w, const subnet &s, const char *target_id, route *r, vcore_err *err)
{
	if (has_prefix(target_id, "eni-")) {
		eni *e = find_eni(w, target_id, err);

		if (!e)
			return err->code;
		if (e->home->owner != s.owner) {
			fail(err, EINVAL_).str("route target ").str(target_id).str(" is in VPC ")
				.str(e->home->owner->id).str(", not in ").str(s.owner->id);
			return err->code;
		}
		r->target = VNITRO_ROUTE_TARGET_ENI;
		r->to_eni = e;
		mem_copy(r->eni_mac, e->mac, 6);
	} else {
		igw *g = find_igw(w, target_id, nullptr);

		if (!g) {
			fail(err, ENOENT_).str("route target \"").str(target_id)
				.str("\" is neither a network interface nor an internet gateway");
			return err->code;
		}
		if (g->owner != s.owner) {
			fail(err, EINVAL_).str(kind_name(g->egress_only)).str(" ").str(target_id)
				.str(" is attached to VPC ").str(g->owner->id).str(", not to ")
				.str(s.owner->id);
			return err->code;
		}
		// EC2 routes only IPv6 destinations to an egress-only internet gateway.
		if (g->egress_only && !r->ipv6) {
			fail(err, EINVAL_).str("egress-only internet gateway ").str(target_id)
				.str(" carries IPv6 alone: route an IPv6 destination (such as ::/0)")
				.str(" to it, and IPv4 to an internet gateway or a NAT instance");
			return err->code;
		}
		r->target = g->egress_only ? VNITRO_ROUTE_TARGET_EIGW : VNITRO_ROUTE_TARGET_IGW;
		r->to_igw = g;
	}
	str_copy(r->target_id, sizeof(r->target_id), target_id);
	return 0;
}

} // namespace

void routes_init(subnet &s)
{
	route &local = s.routes[0];

	local = route{};
	local.addr = s.owner->addr;
	local.prefixlen = s.owner->prefixlen;
	local.target = VNITRO_ROUTE_TARGET_LOCAL;
	s.route_count = 1;
	if (s.owner->has_ipv6) {
		route &local6 = s.routes[s.route_count++];

		local6 = route{};
		local6.ipv6 = true;
		local6.addr6 = { s.owner->ipv6_prefix, 0 };
		local6.prefixlen = VNITRO_VPC_IPV6_PREFIXLEN;
		local6.target = VNITRO_ROUTE_TARGET_LOCAL;
	}
}

int routes_publish(world &w, const subnet &s, vcore_err *err)
{
	vcore_fabric_subnet_desc *desc;
	int ret;

	// About 700 bytes: too much for a kernel stack frame next to the callers'.
	desc = create<vcore_fabric_subnet_desc>();
	if (!desc) {
		fail(err, ENOMEM_).str("out of memory");
		return err->code;
	}
	desc->key = s.key;
	desc->vpc_key = s.owner->key;
	desc->addr = s.addr;
	desc->prefixlen = s.prefixlen;
	desc->route_count = s.route_count;
	desc->nacl_key = s.acl ? s.acl->key : 0;
	for (uint32_t i = 0; i < s.route_count; i++) {
		const route &r = s.routes[i];
		vcore_fabric_route &fr = desc->routes[i];

		fr.ipv6 = r.ipv6;
		fr.addr = r.addr;
		fr.addr6_hi = r.addr6.hi;
		fr.addr6_lo = r.addr6.lo;
		fr.prefixlen = r.prefixlen;
		switch (r.target) {
		case VNITRO_ROUTE_TARGET_LOCAL:
			fr.target = VCORE_ROUTE_LOCAL;
			break;
		case VNITRO_ROUTE_TARGET_ENI:
			// Unplugged or deleted: the fabric finds no port and drops (blackhole).
			fr.target = VCORE_ROUTE_ENI;
			mem_copy(fr.target_mac, r.eni_mac, 6);
			break;
		case VNITRO_ROUTE_TARGET_EIGW:
			fr.target = VCORE_ROUTE_EIGW;
			break;
		default:
			fr.target = VCORE_ROUTE_IGW;
			break;
		}
	}
	ret = vcore_fabric_subnet_set(w.fab, desc);
	destroy(desc);
	if (ret)
		fail(err, -ret).str("the VPC router refused the route table of ").str(s.id)
			.str(ret == -ENOMEM_ ? ": out of memory" : ": invalid route");
	return ret;
}

void routes_withdraw(world &w, const subnet &s)
{
	vcore_fabric_subnet_del(w.fab, s.key);
}

void routes_eni_changed(world &w, const eni *e)
{
	vcore_err ignored;

	// The tables themselves did not change, so a failure leaves the old ones.
	for (subnet *s = w.subnets.front(); s; s = s->next)
		if (routes_to(*s, e))
			routes_publish(w, *s, &ignored);
}

void routes_eni_gone(world &w, const eni *e)
{
	for (subnet *s = w.subnets.front(); s; s = s->next)
		for (uint32_t i = 0; i < s->route_count; i++)
			if (s->routes[i].to_eni == e)
				s->routes[i].to_eni = nullptr;
}

bool routes_use_igw(const world &w, const igw *g, const subnet **where)
{
	for (subnet *s = w.subnets.front(); s; s = s->next) {
		for (uint32_t i = 0; i < s->route_count; i++) {
			if (s->routes[i].to_igw == g) {
				*where = s;
				return true;
			}
		}
	}
	return false;
}

const subnet *routes_ipv6_user(const world &w, const vpc *v)
{
	return w.subnets.find([v](subnet *s) {
		if (s->owner != v)
			return false;
		for (uint32_t i = 0; i < s->route_count; i++)
			if (s->routes[i].ipv6 && s->routes[i].target != VNITRO_ROUTE_TARGET_LOCAL)
				return true;
		return false;
	});
}

namespace {

// Adds (@add) or removes the local route of @v's /56 in @s: 0, -ENOSPC when
// there is no room, -EEXIST when a route of the user's has that destination.
int set_local6(subnet &s, const vpc &v, bool add)
{
	route *r = find_route(s, vpc6_dest(v));
	uint32_t pos;

	if (!add) {
		if (!r || r->target != VNITRO_ROUTE_TARGET_LOCAL)
			return 0;
		pos = static_cast<uint32_t>(r - s.routes);
		for (uint32_t i = pos; i + 1 < s.route_count; i++)
			s.routes[i] = s.routes[i + 1];
		s.route_count--;
		return 0;
	}
	if (r)
		return r->target == VNITRO_ROUTE_TARGET_LOCAL ? 0 : -EEXIST_;
	if (s.route_count == VCORE_SUBNET_MAX_ROUTES)
		return -ENOSPC_;
	// Right after the IPv4 local route, as EC2 lists them.
	for (uint32_t i = s.route_count; i > 1; i--)
		s.routes[i] = s.routes[i - 1];
	s.routes[1] = route{};
	s.routes[1].ipv6 = true;
	s.routes[1].addr6 = { v.ipv6_prefix, 0 };
	s.routes[1].prefixlen = VNITRO_VPC_IPV6_PREFIXLEN;
	s.routes[1].target = VNITRO_ROUTE_TARGET_LOCAL;
	s.route_count++;
	return 0;
}

// Gives gateway @g (or none) its VPC's IPv6 block as it is now.
int gateway_changed(world &w, const igw *g, vcore_err *err)
{
	vcore_port_desc port;

	if (!g || !w.ops->igw_update || !g->cookie)
		return 0;
	port_desc_of(*g, &port);
	return w.ops->igw_update(w.ops_ctx, g->cookie, &port, err);
}

} // namespace

int routes_vpc_ipv6_changed(world &w, vpc *v, vcore_err *err)
{
	igw *gws[2] = { v->gateway, v->egress_gateway };
	subnet *s;

	for (s = w.subnets.front(); s; s = s->next) {
		if (s->owner != v)
			continue;
		switch (set_local6(*s, *v, v->has_ipv6)) {
		case -ENOSPC_:
			fail(err, ENOSPC_).str("the route table of ").str(s->id)
				.str(" has no room for the local route of the VPC's IPv6 block");
			goto undo;
		case -EEXIST_:
			fail(err, EEXIST_).str("the route table of ").str(s->id)
				.str(" has a route to ").cidr6(v->ipv6_prefix, 0, VNITRO_VPC_IPV6_PREFIXLEN)
				.str(", which would be the local route of the VPC's IPv6 block;")
				.str(" delete it first");
			goto undo;
		}
		if (routes_publish(w, *s, err)) {
			set_local6(*s, *v, !v->has_ipv6);
			goto undo;
		}
	}
	// The gateways answer neighbour solicitations for the block.
	for (uint32_t i = 0; i < 2; i++) {
		if (gateway_changed(w, gws[i], err)) {
			// The one before it gets its old block back (the caller flipped has_ipv6).
			vcore_err ignored;

			v->has_ipv6 = !v->has_ipv6;
			if (i)
				gateway_changed(w, gws[0], &ignored);
			v->has_ipv6 = !v->has_ipv6;
			goto undo;
		}
	}
	return 0;
undo:
	// The subnets before @s have the new table: give them the old one back.
	for (subnet *t = w.subnets.front(); t != s; t = t->next) {
		vcore_err ignored;

		if (t->owner != v)
			continue;
		set_local6(*t, *v, !v->has_ipv6);
		routes_publish(w, *t, &ignored);
	}
	return err->code;
}

void fill_info(const subnet &s, const route &r, vcore_route_info *out)
{
	*out = vcore_route_info{};
	str_copy(out->subnet_id, sizeof(out->subnet_id), s.id);
	out->ipv6 = r.ipv6;
	addr128_put(r.addr6, out->addr6);
	out->addr = r.addr;
	out->prefixlen = r.prefixlen;
	out->target = r.target;
	str_copy(out->target_id, sizeof(out->target_id), r.target_id);
	out->blackhole = r.target == VNITRO_ROUTE_TARGET_ENI && (!r.to_eni || !r.to_eni->owner);
}

} // namespace vnitro::control

using namespace vnitro::control;

namespace {

int route_add(world &w, const char *subnet_id, const dest &d, const char *target_id,
	      vcore_route_info *out, vcore_err *err)
{
	subnet *s = find_subnet(w, subnet_id, err);
	route r = {};

	if (!s)
		return err->code;
	if (check_destination(d, err))
		return err->code;
	if (find_route(*s, d)) {
		text t = fail(err, EEXIST_).str("the route table of ").str(s->id)
				.str(" already has a route to ");

		put_dest(t, d).str("; delete it first");
		return err->code;
	}
	if (s->route_count == VCORE_SUBNET_MAX_ROUTES) {
		// The default VPC quota "Routes per route table".
		fail(err, ENOSPC_).str("the route table of ").str(s->id).str(" is full: at most ")
			.u32(VCORE_SUBNET_MAX_ROUTES).str(" routes per route table");
		return err->code;
	}
	r.ipv6 = d.ipv6;
	r.addr = d.addr;
	r.addr6 = d.addr6;
	r.prefixlen = d.prefixlen;
	if (set_target(w, *s, target_id, &r, err))
		return err->code;
	s->routes[s->route_count++] = r;
	if (routes_publish(w, *s, err)) {
		s->route_count--;
		return err->code;
	}
	fill_info(*s, s->routes[s->route_count - 1], out);
	return 0;
}

int route_del(world &w, const char *subnet_id, const dest &d, vcore_err *err)
{
	subnet *s = find_subnet(w, subnet_id, err);
	route *r, saved;
	uint32_t pos;

	if (!s)
		return err->code;
	r = find_route(*s, d);
	if (!r) {
		text t = fail(err, ENOENT_).str("the route table of ").str(s->id)
				.str(" has no route to ");

		put_dest(t, d);
		return err->code;
	}
	if (r->target == VNITRO_ROUTE_TARGET_LOCAL) {
		text t = fail(err, EPERM_).str("the local route ");

		put_dest(t, d).str(" of VPC ").str(s->owner->id).str(" cannot be deleted");
		return err->code;
	}
	pos = static_cast<uint32_t>(r - s->routes);
	saved = *r;
	for (uint32_t i = pos; i + 1 < s->route_count; i++)
		s->routes[i] = s->routes[i + 1];
	s->route_count--;
	if (routes_publish(w, *s, err)) {
		for (uint32_t i = s->route_count; i > pos; i--)
			s->routes[i] = s->routes[i - 1];
		s->routes[pos] = saved;
		s->route_count++;
		return err->code;
	}
	return 0;
}

int route_get(const world &w, const char *subnet_id, const dest &d, vcore_route_info *out,
	      vcore_err *err)
{
	subnet *s = find_subnet(w, subnet_id, err);
	route *r;

	if (!s)
		return err->code;
	r = find_route(*s, d);
	if (!r) {
		text t = fail(err, ENOENT_).str("the route table of ").str(s->id)
				.str(" has no route to ");

		put_dest(t, d);
		return err->code;
	}
	fill_info(*s, *r, out);
	return 0;
}

} // namespace

extern "C" {

int vcore_ctl_route_add(struct vcore_ctl *ctl, const char *subnet_id, uint32_t addr,
			uint8_t prefixlen, const char *target_id, struct vcore_route_info *out,
			struct vcore_err *err)
{
	return route_add(*ctl, subnet_id, v4_dest(addr, prefixlen), target_id, out, err);
}

int vcore_ctl_route6_add(struct vcore_ctl *ctl, const char *subnet_id, const uint8_t *addr6,
			 uint8_t prefixlen, const char *target_id, struct vcore_route_info *out,
			 struct vcore_err *err)
{
	return route_add(*ctl, subnet_id, v6_dest(addr6, prefixlen), target_id, out, err);
}

int vcore_ctl_route_del(struct vcore_ctl *ctl, const char *subnet_id, uint32_t addr,
			uint8_t prefixlen, struct vcore_err *err)
{
	return route_del(*ctl, subnet_id, v4_dest(addr, prefixlen), err);
}

int vcore_ctl_route6_del(struct vcore_ctl *ctl, const char *subnet_id, const uint8_t *addr6,
			 uint8_t prefixlen, struct vcore_err *err)
{
	return route_del(*ctl, subnet_id, v6_dest(addr6, prefixlen), err);
}

int vcore_ctl_route_get(const struct vcore_ctl *ctl, const char *subnet_id, uint32_t addr,
			uint8_t prefixlen, struct vcore_route_info *out, struct vcore_err *err)
{
	return route_get(*ctl, subnet_id, v4_dest(addr, prefixlen), out, err);
}

int vcore_ctl_route6_get(const struct vcore_ctl *ctl, const char *subnet_id, const uint8_t *addr6,
			 uint8_t prefixlen, struct vcore_route_info *out, struct vcore_err *err)
{
	return route_get(*ctl, subnet_id, v6_dest(addr6, prefixlen), out, err);
}

int vcore_ctl_route_at(const struct vcore_ctl *ctl, uint32_t pos, struct vcore_route_info *out)
{
	for (subnet *s = ctl->subnets.front(); s; s = s->next) {
		if (pos < s->route_count) {
			fill_info(*s, s->routes[pos], out);
			return 0;
		}
		pos -= s->route_count;
	}
	return -ENOENT_;
}

} // extern "C"
