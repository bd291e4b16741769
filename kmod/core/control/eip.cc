// SPDX-License-Identifier: GPL-2.0
// eip.cc - Elastic IP addresses: the public pool, allocation, association with an ENI's private address.
//
// An associated address is a translation in the fabric (vcore_fabric_eip_set)
// from the public address to (VPC, private address), which the internet
// gateway applies both ways. The translation names no ENI, so the address
// follows its ENI from instance to instance without being touched; it goes
// when the ENI or that private address does.
#include "control/world.h"
#include "base/ipv4.h"

using namespace vnitro::base;

namespace vnitro::control {

namespace {

eip *find_eip(const world &w, const char *id, vcore_err *err)
{
	eip *a = w.eips.find([id](eip *it) { return str_eq(it->id, id); });

	if (!a && err)
		fail(err, ENOENT_).str("InvalidAllocationID.NotFound: Elastic IP address \"").str(id)
			.str("\" does not exist");
	return a;
}

eip *find_public(const world &w, uint32_t ip)
{
	return w.eips.find([ip](eip *it) { return it->public_ip == ip; });
}

// The address mapped to @private_ip in @v, or nullptr.
eip *find_mapped(const world &w, const vpc *v, uint32_t private_ip)
{
	return w.eips.find([&](eip *it) {
		return it->to && it->to->home->owner == v && it->private_ip == private_ip;
	});
}

// A pool's usable addresses: all but its network and broadcast addresses.
bool in_pool(uint32_t net, uint8_t prefixlen, uint32_t ip)
{
	return prefix_contains(net, prefixlen, ip) && ip != net && ip != prefix_last(net, prefixlen);
}

uint32_t allocated(const world &w)
{
	uint32_t n = 0;

	for (eip *a = w.eips.front(); a; a = a->next)
		n++;
	return n;
}

int choose_id(const world &w, const char *wanted, char *id, vcore_err *err)
{
	return choose_hex_id(wanted, "eipalloc-", "Elastic IP allocation",
			     [&w](const char *it) { return find_eip(w, it, nullptr) != nullptr; }, id, err);
}

int choose_public(const world &w, uint32_t wanted, uint32_t *ip, vcore_err *err)
{
	uint32_t last = prefix_last(w.eip_pool_addr, w.eip_pool_prefixlen);

	if (!wanted) {
		for (uint32_t a = w.eip_pool_addr + 1; a < last; a++) {
			if (!find_public(w, a)) {
				*ip = a;
				return 0;
			}
		}
		fail(err, ENOSPC_).str("InsufficientAddressCapacity: the public pool ")
			.cidr(w.eip_pool_addr, w.eip_pool_prefixlen).str(" has no free address");
		return err->code;
	}
	if (!in_pool(w.eip_pool_addr, w.eip_pool_prefixlen, wanted)) {
		fail(err, EINVAL_).str("InvalidAddress.NotFound: ").ipv4(wanted)
			.str(" is not an address of the public pool ")
			.cidr(w.eip_pool_addr, w.eip_pool_prefixlen)
			.str(" (its network and broadcast addresses excluded)");
		return err->code;
	}
	if (find_public(w, wanted)) {
		fail(err, EEXIST_).str("InvalidAddress.InUse: ").ipv4(wanted)
			.str(" is already allocated to ").str(find_public(w, wanted)->id);
		return err->code;
	}
	*ip = wanted;
	return 0;
}

void fabric_refused(vcore_err *err, int ret, const eip &a)
{
	fail(err, -ret).str("the VPC fabric refused to map ").ipv4(a.public_ip)
		.str(ret == -ENOMEM_ ? ": out of memory" : ": the address is mapped elsewhere");
}

// Takes @a's translation out of the fabric and forgets its association.
void unmap(world &w, eip &a)
{
	vcore_fabric_eip_del(w.fab, a.public_ip);
	a.to = nullptr;
	a.private_ip = 0;
	a.association_id[0] = '\0';
}

} // namespace

void eips_eni_gone(world &w, const eni *e)
{
	for (eip *a = w.eips.front(); a; a = a->next)
		if (a->to == e)
			unmap(w, *a);
}

void eips_ip_gone(world &w, const eni *e, uint32_t ip)
{
	for (eip *a = w.eips.front(); a; a = a->next)
		if (a->to == e && a->private_ip == ip)
			unmap(w, *a);
}

const eip *eips_vpc_mapped(const world &w, const vpc *v)
{
	return w.eips.find([v](eip *it) { return it->to && it->to->home->owner == v; });
}

void eips_free(world &w)
{
	while (eip *a = w.eips.front()) {
		if (a->to)
			unmap(w, *a);
		w.eips.remove(a);
		destroy(a);
	}
}

void fill_info(const eip &a, vcore_eip_info *out)
{
	*out = vcore_eip_info{};
	str_copy(out->id, sizeof(out->id), a.id);
	out->public_ip = a.public_ip;
	if (!a.to)
		return;
	out->associated = 1;
	str_copy(out->association_id, sizeof(out->association_id), a.association_id);
	str_copy(out->eni_id, sizeof(out->eni_id), a.to->id);
	str_copy(out->vpc_id, sizeof(out->vpc_id), a.to->home->owner->id);
	out->private_ip = a.private_ip;
	if (a.to->owner)
		str_copy(out->instance, sizeof(out->instance), a.to->owner->name);
}

} // namespace vnitro::control

using namespace vnitro::control;

namespace {

// Maps @a to @ip of @e in the fabric, first unmapping what stands in the way:
// @a's old translation (another VPC's) and @other (mapped to @ip already).
// On failure both are mapped again, so the fabric is as it was.
int map(vcore_ctl *ctl, eip &a, eni &e, uint32_t ip, eip *other, vcore_err *err)
{
	const vpc *v = e.home->owner;
	const vpc *old_vpc = a.to ? a.to->home->owner : nullptr;
	int ret;

	if (other)
		vcore_fabric_eip_del(ctl->fab, other->public_ip);
	// Within one VPC the fabric re-points a translation in one step.
	if (old_vpc && old_vpc != v)
		vcore_fabric_eip_del(ctl->fab, a.public_ip);
	ret = vcore_fabric_eip_set(ctl->fab, v->key, a.public_ip, ip);
	if (ret) {
		// Each goes back where it was; the fabric has room for what it just freed.
		if (old_vpc && old_vpc != v)
			vcore_fabric_eip_set(ctl->fab, old_vpc->key, a.public_ip, a.private_ip);
		if (other)
			vcore_fabric_eip_set(ctl->fab, v->key, other->public_ip, ip);
		fabric_refused(err, ret, a);
		return err->code;
	}
	if (other) {
		other->to = nullptr;
		other->private_ip = 0;
		other->association_id[0] = '\0';
	}
	if (a.to != &e || a.private_ip != ip || !a.association_id[0])
		random_hex_id(a.association_id, "eipassoc-");
	a.to = &e;
	a.private_ip = ip;
	return 0;
}

} // namespace

extern "C" {

int vcore_ctl_eip_add(struct vcore_ctl *ctl, const char *id, uint32_t public_ip,
		      struct vcore_eip_info *out, struct vcore_err *err)
{
	char aid[VCORE_ID_MAX];
	uint32_t ip;
	eip *a;

	if (choose_id(*ctl, id, aid, err))
		return err->code;
	if (allocated(*ctl) >= VNITRO_MAX_EIPS) {
		fail(err, ENOSPC_).str("AddressLimitExceeded: ").u32(VNITRO_MAX_EIPS)
			.str(" Elastic IP addresses are allocated: the quota \"Elastic IP addresses")
			.str(" per Region\" is ").u32(VNITRO_MAX_EIPS).str("; release one first");
		return err->code;
	}
	if (choose_public(*ctl, public_ip, &ip, err))
		return err->code;
	a = create<eip>();
	if (!a) {
		fail(err, ENOMEM_).str("out of memory");
		return err->code;
	}
	str_copy(a->id, sizeof(a->id), aid);
	a->public_ip = ip;
	ctl->eips.push_back(a);
	fill_info(*a, out);
	return 0;
}

int vcore_ctl_eip_del(struct vcore_ctl *ctl, const char *id, struct vcore_err *err)
{
	eip *a = find_eip(*ctl, id, err);

	if (!a)
		return err->code;
	if (a->to) {
		fail(err, EBUSY_).str("InvalidIPAddress.InUse: ").str(id).str(" (")
			.ipv4(a->public_ip).str(") is associated with ").str(a->to->id)
			.str(" (").str(a->association_id).str("); disassociate it first");
		return err->code;
	}
	ctl->eips.remove(a);
	destroy(a);
	return 0;
}

int vcore_ctl_eip_associate(struct vcore_ctl *ctl, const char *id, const char *eni_id,
			    uint32_t private_ip, uint8_t allow_reassociation,
			    struct vcore_eip_info *out, struct vcore_err *err)
{
	eip *a = find_eip(*ctl, id, err);
	eip *other;
	eni *e;
	vpc *v;

	if (!a)
		return err->code;
	e = find_eni(*ctl, eni_id, err);
	if (!e)
		return err->code;
	v = e->home->owner;
	if (!v->gateway) {
		fail(err, EINVAL_).str("Gateway.NotAttached: Network ").str(v->id)
			.str(" is not attached to any internet gateway; add one with `vnitro igw add`");
		return err->code;
	}
	if (!private_ip)
		private_ip = e->ip;
	if (!has_ip(*e, private_ip)) {
		fail(err, EINVAL_).str("InvalidParameterValue: ").ipv4(private_ip)
			.str(" is not a private address of ").str(e->id);
		return err->code;
	}
	if (a->to && (a->to != e || a->private_ip != private_ip) && !allow_reassociation) {
		fail(err, EBUSY_).str("Resource.AlreadyAssociated: ").str(id)
			.str(" is already associated with ").str(a->to->id).str(" (")
			.ipv4(a->private_ip).str("); use allow-reassociation to move it");
		return err->code;
	}
	other = find_mapped(*ctl, v, private_ip);
	if (other == a)
		other = nullptr;
	if (map(ctl, *a, *e, private_ip, other, err))
		return err->code;
	fill_info(*a, out);
	return 0;
}

int vcore_ctl_eip_disassociate(struct vcore_ctl *ctl, const char *id, struct vcore_err *err)
{
	eip *a;

	if (has_prefix(id, "eipassoc-")) {
		a = ctl->eips.find([id](eip *it) { return str_eq(it->association_id, id); });
		// EC2 answers success for an association that is already gone.
		if (!a && !valid_hex_id(id, "eipassoc-")) {
			fail(err, EINVAL_).str("invalid association id \"").str(id)
				.str("\": expected \"eipassoc-\" and 1 to 17 lowercase hex digits");
			return err->code;
		}
	} else {
		a = find_eip(*ctl, id, err);
		if (!a)
			return err->code;
	}
	if (a && a->to)
		unmap(*ctl, *a);
	return 0;
}

int vcore_ctl_eip_get(const struct vcore_ctl *ctl, const char *id, struct vcore_eip_info *out,
		      struct vcore_err *err)
{
	eip *a = find_eip(*ctl, id, err);

	if (!a)
		return err->code;
	fill_info(*a, out);
	return 0;
}

int vcore_ctl_eip_at(const struct vcore_ctl *ctl, uint32_t pos, struct vcore_eip_info *out)
{
	eip *a = ctl->eips.at(pos);

	if (!a)
		return -ENOENT_;
	fill_info(*a, out);
	return 0;
}

int vcore_ctl_eip_pool_set(struct vcore_ctl *ctl, uint32_t addr, uint8_t prefixlen,
			   struct vcore_err *err)
{
	if (prefixlen < VNITRO_EIP_POOL_MIN_PREFIXLEN || prefixlen > VNITRO_EIP_POOL_MAX_PREFIXLEN) {
		fail(err, EINVAL_).str("public pool /").u32(prefixlen).str(" is out of range: use /")
			.u32(VNITRO_EIP_POOL_MIN_PREFIXLEN).str(" to /")
			.u32(VNITRO_EIP_POOL_MAX_PREFIXLEN);
		return err->code;
	}
	if (addr & ~prefix_mask(prefixlen)) {
		fail(err, EINVAL_).str("public pool ").cidr(addr, prefixlen)
			.str(" has host bits set: did you mean ")
			.cidr(addr & prefix_mask(prefixlen), prefixlen).str("?");
		return err->code;
	}
	for (eip *a = ctl->eips.front(); a; a = a->next) {
		if (!in_pool(addr, prefixlen, a->public_ip)) {
			fail(err, EBUSY_).str("allocated address ").ipv4(a->public_ip).str(" (")
				.str(a->id).str(") would be outside the public pool ")
				.cidr(addr, prefixlen).str("; release it first");
			return err->code;
		}
	}
	ctl->eip_pool_addr = addr;
	ctl->eip_pool_prefixlen = prefixlen;
	return 0;
}

void vcore_ctl_eip_pool_get(const struct vcore_ctl *ctl, uint32_t *addr, uint8_t *prefixlen)
{
	*addr = ctl->eip_pool_addr;
	*prefixlen = ctl->eip_pool_prefixlen;
}

} // extern "C"
