// SPDX-License-Identifier: GPL-2.0
// igw.cc - internet gateways and egress-only internet gateways: one of each per VPC, a port
// into a namespace the user calls the internet.
#include "control/world.h"

using namespace vnitro::base;

namespace vnitro::control {

const char *kind_name(bool egress_only)
{
	return egress_only ? "egress-only internet gateway" : "internet gateway";
}

igw *find_igw(const world &w, const char *id, vcore_err *err)
{
	igw *g = w.igws.find([id](igw *it) { return str_eq(it->id, id); });

	if (!g && err)
		fail(err, ENOENT_).str(kind_name(has_prefix(id, "eigw-")))
			.str(" \"").str(id).str("\" does not exist");
	return g;
}

void port_desc_of(const igw &g, vcore_port_desc *out)
{
	*out = vcore_port_desc{};
	mem_copy(out->mac, g.mac, 6);
	out->kind = VCORE_PORT_IGW;
	out->frag_needed = g.frag_needed;
	out->egress_only = g.egress_only;
	out->vpc_key = g.owner->key;
	out->vpc_addr = g.owner->addr;
	out->vpc_prefixlen = g.owner->prefixlen;
	out->has_ipv6 = g.owner->has_ipv6;
	out->ipv6_prefix = g.owner->ipv6_prefix;
}

void fill_info(const igw &g, vcore_igw_info *out)
{
	*out = vcore_igw_info{};
	str_copy(out->id, sizeof(out->id), g.id);
	str_copy(out->vpc_id, sizeof(out->vpc_id), g.owner->id);
	str_copy(out->netns_name, sizeof(out->netns_name), g.netns_name);
	mem_copy(out->mac, g.mac, 6);
	out->frag_needed = g.frag_needed;
	out->egress_only = g.egress_only;
	out->cookie = g.cookie;
}

} // namespace vnitro::control

using namespace vnitro::control;

extern "C" {

int vcore_ctl_igw_add(struct vcore_ctl *ctl, const char *id, const char *vpc_id,
		      void *cookie, const char *netns_name, uint8_t frag_needed,
		      struct vcore_igw_info *out, struct vcore_err *err)
{
	vcore_igw_plug_desc desc = {};
	bool egress_only;
	vpc *v;
	igw *g;

	// EC2's two kinds of gateway, told apart by their ids' prefixes.
	egress_only = valid_object_id(id) && has_prefix(id, "eigw-") && id[5];
	if (!egress_only && (!valid_object_id(id) || !has_prefix(id, "igw-") || !id[4])) {
		fail(err, EINVAL_).str("invalid internet gateway id \"").str(id)
			.str("\": expected \"igw-\" (an internet gateway) or \"eigw-\" (an egress-only")
			.str(" internet gateway) and up to 27 characters a-z, 0-9 and '-'");
		return err->code;
	}
	if (find_igw(*ctl, id, nullptr)) {
		fail(err, EEXIST_).str(kind_name(egress_only)).str(" ").str(id).str(" already exists");
		return err->code;
	}
	v = find_vpc(*ctl, vpc_id, err);
	if (!v)
		return err->code;
	if (igw *other = egress_only ? v->egress_gateway : v->gateway) {
		fail(err, EEXIST_).str("VPC ").str(v->id).str(" already has ")
			.str(kind_name(egress_only)).str(" ").str(other->id)
			.str(": a VPC has at most one");
		return err->code;
	}
	if (str_len(netns_name, VCORE_NAME_MAX) >= VCORE_NAME_MAX) {
		fail(err, EINVAL_).str("namespace name is too long");
		return err->code;
	}
	g = create<igw>();
	if (!g) {
		fail(err, ENOMEM_).str("out of memory");
		return err->code;
	}
	str_copy(g->id, sizeof(g->id), id);
	str_copy(g->netns_name, sizeof(g->netns_name), netns_name);
	g->owner = v;
	g->netns = cookie;
	g->frag_needed = !egress_only && frag_needed;
	g->egress_only = egress_only;
	generate_mac(*ctl, g->mac);
	if (ctl->ops->igw_plug) {
		str_copy(desc.igw_id, sizeof(desc.igw_id), id);
		port_desc_of(*g, &desc.port);
		desc.netns_cookie = cookie;
		if (ctl->ops->igw_plug(ctl->ops_ctx, &desc, &g->cookie, err)) {
			destroy(g);
			return err->code;
		}
	}
	(egress_only ? v->egress_gateway : v->gateway) = g;
	ctl->igws.push_back(g);
	fill_info(*g, out);
	return 0;
}

int vcore_ctl_igw_del(struct vcore_ctl *ctl, const char *id, struct vcore_err *err)
{
	igw *g = find_igw(*ctl, id, err);
	const subnet *user;

	if (!g)
		return err->code;
	if (routes_use_igw(*ctl, g, &user)) {
		fail(err, EBUSY_).str(kind_name(g->egress_only)).str(" ").str(id)
			.str(" is the target of a route in ")
			.str(user->id).str("; delete that route first");
		return err->code;
	}
	// EC2's DetachInternetGateway refusal, word for word (it fills the
	// message: `vnitro eip show` tells which addresses).
	if (!g->egress_only && eips_vpc_mapped(*ctl, g->owner)) {
		fail(err, EBUSY_).str("DependencyViolation: Network ").str(g->owner->id)
			.str(" has some mapped public address(es). Please unmap those public")
			.str(" address(es) before detaching the gateway.");
		return err->code;
	}
	if (ctl->ops->igw_unplug && g->cookie)
		ctl->ops->igw_unplug(ctl->ops_ctx, g->cookie);
	(g->egress_only ? g->owner->egress_gateway : g->owner->gateway) = nullptr;
	ctl->igws.remove(g);
	ctl->ops->netns_release(ctl->ops_ctx, g->netns);
	destroy(g);
	return 0;
}

int vcore_ctl_igw_set(struct vcore_ctl *ctl, const char *id, uint8_t frag_needed,
		      struct vcore_igw_info *out, struct vcore_err *err)
{
	igw *g = find_igw(*ctl, id, err);
	vcore_port_desc port;
	bool old;

	if (!g)
		return err->code;
	if (g->egress_only) {
		fail(err, EINVAL_).str(id).str(" is an egress-only internet gateway, which carries")
			.str(" IPv6 alone: frag-needed is IPv4's, and IPv6 packets too big for its")
			.str(" 1500 bytes always get ICMPv6 \"packet too big\"");
		return err->code;
	}
	old = g->frag_needed;
	g->frag_needed = frag_needed;
	if (ctl->ops->igw_update && g->cookie) {
		port_desc_of(*g, &port);
		if (ctl->ops->igw_update(ctl->ops_ctx, g->cookie, &port, err)) {
			g->frag_needed = old;
			return err->code;
		}
	}
	fill_info(*g, out);
	return 0;
}

int vcore_ctl_igw_get(const struct vcore_ctl *ctl, const char *id,
		      struct vcore_igw_info *out, struct vcore_err *err)
{
	igw *g = find_igw(*ctl, id, err);

	if (!g)
		return err->code;
	fill_info(*g, out);
	return 0;
}

int vcore_ctl_igw_at(const struct vcore_ctl *ctl, uint32_t pos, struct vcore_igw_info *out)
{
	igw *g = ctl->igws.at(pos);

	if (!g)
		return -ENOENT_;
	fill_info(*g, out);
	return 0;
}

} // extern "C"
