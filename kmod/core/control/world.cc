// SPDX-License-Identifier: GPL-2.0
// world.cc - the registry: VPCs and subnets, lookups, the default world, teardown.
#include "control/world.h"
#include "base/ipv4.h"

using namespace vnitro::base;

namespace vnitro::control {

namespace {

// AWS accepts VPC and subnet blocks from /16 to /28.
constexpr uint8_t min_prefixlen = 16;
constexpr uint8_t max_prefixlen = 28;

bool id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

int check_block(uint32_t addr, uint8_t prefixlen, const char *what, vcore_err *err)
{
	if (prefixlen < min_prefixlen || prefixlen > max_prefixlen) {
		fail(err, EINVAL_).str(what).str(" CIDR block /").u32(prefixlen)
			.str(" is out of range: the netmask must be between /16 and /28");
		return err->code;
	}
	if (addr & ~prefix_mask(prefixlen)) {
		fail(err, EINVAL_).str(what).str(" CIDR block ").cidr(addr, prefixlen)
			.str(" has host bits set; did you mean ")
			.cidr(addr & prefix_mask(prefixlen), prefixlen).str("?");
		return err->code;
	}
	// Blocks are /16 or longer: inside 169.254.0.0/16 or apart from it.
	if ((addr & 0xffff0000u) == (VCORE_SVC_ALIAS_NET & 0xffff0000u)) {
		fail(err, EINVAL_).str(what).str(" CIDR block ").cidr(addr, prefixlen)
			.str(" is restricted: 169.254.0.0/16 is link-local, where the instance "
			     "metadata service and the VPC's DNS are");
		return err->code;
	}
	return 0;
}

} // namespace

bool valid_object_id(const char *id)
{
	size_t len = str_len(id, VCORE_ID_MAX);

	if (!len || len >= VCORE_ID_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!id_char(id[i]))
			return false;
	return true;
}

bool valid_hex_id(const char *id, const char *prefix)
{
	size_t plen = str_len(prefix, VCORE_ID_MAX);
	size_t len = str_len(id, VCORE_ID_MAX);

	if (len <= plen || len > plen + hex_id_digits || !mem_eq(id, prefix, plen))
		return false;
	for (size_t i = plen; i < len; i++) {
		char c = id[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

void random_hex_id(char *id, const char *prefix)
{
	uint64_t r[2];

	// 17 random hex digits: one from r[0], sixteen from r[1].
	svc->random(r, sizeof(r));
	text(id, VCORE_ID_MAX).str(prefix).hex(r[0], 1).hex(r[1], 16);
}

// The rules of `ip netns add`: a file name under /run/netns.
bool valid_instance_name(const char *name)
{
	size_t len = str_len(name, VCORE_NAME_MAX);

	if (!len || len >= VCORE_NAME_MAX || str_eq(name, ".") || str_eq(name, ".."))
		return false;
	for (size_t i = 0; i < len; i++)
		if (name[i] == '/')
			return false;
	return true;
}

vpc *find_vpc(const world &w, const char *id, vcore_err *err)
{
	vpc *v = w.vpcs.find([id](vpc *it) { return str_eq(it->id, id); });

	if (!v && err)
		fail(err, ENOENT_).str("VPC \"").str(id).str("\" does not exist");
	return v;
}

subnet *find_subnet(const world &w, const char *id, vcore_err *err)
{
	subnet *s = w.subnets.find([id](subnet *it) { return str_eq(it->id, id); });

	if (!s && err)
		fail(err, ENOENT_).str("subnet \"").str(id).str("\" does not exist");
	return s;
}

instance *find_instance(const world &w, const char *name, vcore_err *err)
{
	instance *i = w.instances.find([name](instance *it) { return str_eq(it->name, name); });

	if (!i && err)
		fail(err, ENOENT_).str("instance \"").str(name).str("\" does not exist");
	return i;
}

eni *find_eni(const world &w, const char *id, vcore_err *err)
{
	eni *e = w.enis.find([id](eni *it) { return str_eq(it->id, id); });

	if (!e && err)
		fail(err, ENOENT_).str("network interface \"").str(id).str("\" does not exist");
	return e;
}

void fill_info(const subnet &s, vcore_subnet_info *out)
{
	*out = vcore_subnet_info{};
	str_copy(out->id, sizeof(out->id), s.id);
	str_copy(out->vpc_id, sizeof(out->vpc_id), s.owner->id);
	str_copy(out->az, sizeof(out->az), s.az);
	out->cidr_addr = s.addr;
	out->cidr_prefixlen = s.prefixlen;
	str_copy(out->nacl_id, sizeof(out->nacl_id), s.acl->id);
	out->has_ipv6 = s.has_ipv6;
	out->ipv6_prefix = s.ipv6_prefix;
	out->assign_ipv6_on_creation = s.assign_ipv6_on_creation;
}

void fill_info(const vpc &v, vcore_vpc_info *out)
{
	*out = vcore_vpc_info{};
	str_copy(out->id, sizeof(out->id), v.id);
	out->cidr_addr = v.addr;
	out->cidr_prefixlen = v.prefixlen;
	out->has_ipv6 = v.has_ipv6;
	out->ipv6_prefix = v.ipv6_prefix;
}

} // namespace vnitro::control

using namespace vnitro::control;

extern "C" {

struct vcore_ctl *vcore_ctl_create(const struct vcore_ctl_ops *ops, void *ops_ctx,
				   struct vcore_fabric *fab)
{
	vcore_ctl *ctl = create<vcore_ctl>();

	if (!ctl)
		return nullptr;
	ctl->ops = ops;
	ctl->ops_ctx = ops_ctx;
	ctl->fab = fab;
	ctl->next_subnet_key = 1;
	ctl->next_vpc_key = 1;
	ctl->next_sg_key = 1;
	ctl->next_nacl_key = 1;
	ctl->next_instance_key = 1;
	ctl->rate_scale = VNITRO_RATE_SCALE_DEFAULT;
	ctl->burst_s = VNITRO_BURST_SECONDS_DEFAULT;
	flow_limit_publish(*ctl);
	ctl->eip_pool_addr = VCORE_EIP_POOL_ADDR;
	ctl->eip_pool_prefixlen = VCORE_EIP_POOL_PREFIXLEN;
	return ctl;
}

void vcore_ctl_destroy(struct vcore_ctl *ctl)
{
	vcore_err ignored;

	if (!ctl)
		return;
	while (instance *i = ctl->instances.front())
		vcore_ctl_instance_del(ctl, i->name, &ignored);
	while (eni *e = ctl->enis.front())
		eni_free(*ctl, e);
	eips_free(*ctl);
	pgs_free(*ctl);
	while (igw *g = ctl->igws.front()) {
		if (ctl->ops->igw_unplug && g->cookie)
			ctl->ops->igw_unplug(ctl->ops_ctx, g->cookie);
		ctl->igws.remove(g);
		ctl->ops->netns_release(ctl->ops_ctx, g->netns);
		destroy(g);
	}
	while (sg *g = ctl->groups.front())
		sg_free(*ctl, g);
	while (subnet *s = ctl->subnets.front()) {
		routes_withdraw(*ctl, *s);
		ctl->subnets.remove(s);
		destroy(s);
	}
	while (nacl *a = ctl->acls.front())
		nacl_free(*ctl, a);
	while (vpc *v = ctl->vpcs.front()) {
		ctl->vpcs.remove(v);
		destroy(v);
	}
	destroy(ctl);
}

int vcore_ctl_vpc_add(struct vcore_ctl *ctl, const char *id, uint32_t addr,
		      uint8_t prefixlen, struct vcore_err *err)
{
	vpc *v;

	if (!valid_object_id(id)) {
		fail(err, EINVAL_).str("invalid VPC id: use 1 to 31 characters a-z, 0-9 and '-'");
		return err->code;
	}
	if (find_vpc(*ctl, id, nullptr)) {
		fail(err, EEXIST_).str("VPC \"").str(id).str("\" already exists");
		return err->code;
	}
	if (check_block(addr, prefixlen, "VPC", err))
		return err->code;
	v = create<vpc>();
	if (!v) {
		fail(err, ENOMEM_).str("out of memory");
		return err->code;
	}
	str_copy(v->id, sizeof(v->id), id);
	v->addr = addr;
	v->prefixlen = prefixlen;
	v->key = ctl->next_vpc_key++;	// the default group's rules name it
	if (!sg_create_default(*ctl, v, err)) {
		destroy(v);
		return err->code;
	}
	if (!nacl_create_default(*ctl, v, err)) {
		sg_free(*ctl, v->default_group);
		destroy(v);
		return err->code;
	}
	ctl->vpcs.push_back(v);
	return 0;
}

int vcore_ctl_vpc_del(struct vcore_ctl *ctl, const char *id, struct vcore_err *err)
{
	vpc *v = find_vpc(*ctl, id, err);
	const sg *g;
	const nacl *a;
	subnet *s;

	if (!v)
		return err->code;
	s = ctl->subnets.find([v](subnet *it) { return it->owner == v; });
	if (s) {
		fail(err, EBUSY_).str("VPC ").str(id).str(" still has subnet ").str(s->id)
			.str("; delete its subnets first");
		return err->code;
	}
	if (igw *gw = v->gateway ? v->gateway : v->egress_gateway) {
		fail(err, EBUSY_).str("VPC ").str(id).str(" still has ").str(kind_name(gw->egress_only))
			.str(" ").str(gw->id).str("; delete it first");
		return err->code;
	}
	g = sg_vpc_busy(*ctl, v);
	if (g) {
		fail(err, EBUSY_).str("VPC ").str(id).str(" still has security group ").str(g->id)
			.str(" (\"").str(g->name).str("\"); delete its security groups first");
		return err->code;
	}
	a = nacl_vpc_busy(*ctl, v);
	if (a) {
		fail(err, EBUSY_).str("VPC ").str(id).str(" still has network ACL ").str(a->id)
			.str("; delete its network ACLs first");
		return err->code;
	}
	sg_free(*ctl, v->default_group);
	nacl_free(*ctl, v->default_acl);
	ctl->vpcs.remove(v);
	destroy(v);
	return 0;
}

int vcore_ctl_subnet_del(struct vcore_ctl *ctl, const char *id, struct vcore_err *err)
{
	subnet *s = find_subnet(*ctl, id, err);
	eni *e;

	if (!s)
		return err->code;
	e = ctl->enis.find([s](eni *it) { return it->home == s; });
	if (e) {
		fail(err, EBUSY_).str("subnet ").str(id).str(" still has network interface ")
			.str(e->id).str("; delete its network interfaces first");
		return err->code;
	}
	routes_withdraw(*ctl, *s);
	ctl->subnets.remove(s);
	destroy(s);
	return 0;
}

int vcore_ctl_subnet_add(struct vcore_ctl *ctl, const char *id, const char *vpc_id,
			 uint32_t addr, uint8_t prefixlen, const char *az,
			 struct vcore_err *err)
{
	vpc *v = find_vpc(*ctl, vpc_id, err);
	subnet *s;

	if (!v)
		return err->code;
	if (!valid_object_id(id) || !valid_object_id(az)) {
		fail(err, EINVAL_).str("invalid subnet id or AZ name: use 1 to 31 characters a-z, 0-9 and '-'");
		return err->code;
	}
	if (find_subnet(*ctl, id, nullptr)) {
		fail(err, EEXIST_).str("subnet \"").str(id).str("\" already exists");
		return err->code;
	}
	if (check_block(addr, prefixlen, "subnet", err))
		return err->code;
	if (!prefix_covers(v->addr, v->prefixlen, addr, prefixlen)) {
		fail(err, EINVAL_).str("subnet CIDR block ").cidr(addr, prefixlen)
			.str(" is not inside VPC ").str(v->id).str(" (").cidr(v->addr, v->prefixlen).str(")");
		return err->code;
	}
	s = ctl->subnets.find([&](subnet *it) {
		return it->owner == v && (prefix_contains(it->addr, it->prefixlen, addr) ||
					  prefix_contains(addr, prefixlen, it->addr));
	});
	if (s) {
		fail(err, EEXIST_).str("subnet CIDR block ").cidr(addr, prefixlen)
			.str(" overlaps ").str(s->id).str(" (").cidr(s->addr, s->prefixlen).str(")");
		return err->code;
	}
	s = create<subnet>();
	if (!s) {
		fail(err, ENOMEM_).str("out of memory");
		return err->code;
	}
	str_copy(s->id, sizeof(s->id), id);
	str_copy(s->az, sizeof(s->az), az);
	s->owner = v;
	s->addr = addr;
	s->prefixlen = prefixlen;
	s->key = ctl->next_subnet_key++;
	s->acl = v->default_acl;	// EC2: the VPC's default ACL until told otherwise
	routes_init(*s);
	if (routes_publish(*ctl, *s, err)) {
		destroy(s);
		return err->code;
	}
	ctl->subnets.push_back(s);
	return 0;
}

int vcore_ctl_create_default_world(struct vcore_ctl *ctl, const char *instance_name,
				   void *instance_cookie, struct vcore_err *err)
{
	constexpr uint32_t vpc_block = 0xac1f0000;	// 172.31.0.0, AWS's default VPC
	vcore_instance_info info;

	if (vcore_ctl_vpc_add(ctl, "vpc-default", vpc_block, 16, err) ||
	    vcore_ctl_subnet_add(ctl, "subnet-default", "vpc-default", vpc_block, 20,
				 "us-east-1a", err))
		return err->code;
	return vcore_ctl_instance_add(ctl, instance_name, instance_cookie, "subnet-default",
				      0, nullptr, &info, err);
}

int vcore_ctl_vpc_get(const struct vcore_ctl *ctl, const char *id,
		      struct vcore_vpc_info *out, struct vcore_err *err)
{
	vpc *v = find_vpc(*ctl, id, err);

	if (!v)
		return err->code;
	fill_info(*v, out);
	return 0;
}

int vcore_ctl_vpc_at(const struct vcore_ctl *ctl, uint32_t pos, struct vcore_vpc_info *out)
{
	vpc *v = ctl->vpcs.at(pos);
	vcore_err unused;

	return v ? vcore_ctl_vpc_get(ctl, v->id, out, &unused) : -ENOENT_;
}

int vcore_ctl_subnet_get(const struct vcore_ctl *ctl, const char *id,
			 struct vcore_subnet_info *out, struct vcore_err *err)
{
	subnet *s = find_subnet(*ctl, id, err);

	if (!s)
		return err->code;
	fill_info(*s, out);
	return 0;
}

int vcore_ctl_subnet_at(const struct vcore_ctl *ctl, uint32_t pos,
			struct vcore_subnet_info *out)
{
	subnet *s = ctl->subnets.at(pos);
	vcore_err unused;

	return s ? vcore_ctl_subnet_get(ctl, s->id, out, &unused) : -ENOENT_;
}

} // extern "C"
