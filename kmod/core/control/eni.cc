// SPDX-License-Identifier: GPL-2.0
// eni.cc - elastic network interfaces: creation, addressing, attach and detach rules.
#include "control/world.h"
#include "base/ipv4.h"
#include "fabric/frame.h"

using namespace vnitro::base;

namespace vnitro::control {

namespace {

// "eni-" and 1 to 17 lowercase hex digits, as EC2 names them.
constexpr size_t eni_hex_max = 17;

bool valid_eni_id(const char *id)
{
	size_t len = str_len(id, VNITRO_ID_MAX);

	if (len < 5 || len > 4 + eni_hex_max || !mem_eq(id, "eni-", 4))
		return false;
	for (size_t i = 4; i < len; i++) {
		char c = id[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

bool ip_in_use(const world &w, const subnet *s, uint32_t ip)
{
	return w.enis.find([&](eni *it) { return it->home == s && it->ip == ip; });
}

// AWS reserves the network address, .1 (router), .2 (DNS), .3 and the last one.
bool ip_reserved(const subnet *s, uint32_t ip)
{
	return ip - s->addr < 4 || ip == prefix_last(s->addr, s->prefixlen);
}

int choose_ip(const world &w, const subnet *s, uint32_t wanted, uint32_t *ip, vnitro_err *err)
{
	if (!wanted) {
		uint32_t last = prefix_last(s->addr, s->prefixlen);

		for (uint32_t cand = s->addr + 4; cand < last; cand++) {
			if (!ip_in_use(w, s, cand)) {
				*ip = cand;
				return 0;
			}
		}
		fail(err, ENOSPC_).str("subnet ").str(s->id).str(" has no free IPv4 address left");
		return err->code;
	}
	if (!prefix_contains(s->addr, s->prefixlen, wanted)) {
		fail(err, EINVAL_).str("address ").ipv4(wanted).str(" is not in subnet ")
			.str(s->id).str(" (").cidr(s->addr, s->prefixlen).str(")");
		return err->code;
	}
	if (ip_reserved(s, wanted)) {
		fail(err, EINVAL_).str("address ").ipv4(wanted).str(" is reserved by AWS in subnet ")
			.str(s->id).str(": the first four addresses and the last one are not assignable");
		return err->code;
	}
	if (ip_in_use(w, s, wanted)) {
		fail(err, EADDRINUSE_).str("address ").ipv4(wanted)
			.str(" is already assigned to another network interface in subnet ").str(s->id);
		return err->code;
	}
	*ip = wanted;
	return 0;
}

bool mac_in_use(const world &w, const uint8_t *mac)
{
	return w.enis.find([mac](eni *it) { return mem_eq(it->mac, mac, 6); });
}

int choose_mac(const world &w, const uint8_t *wanted, uint8_t *mac, vnitro_err *err)
{
	static const uint8_t zero[6] = {};

	if (mem_eq(wanted, zero, 6)) {
		// Locally administered unicast, like the 02:/0a:/0e: MACs EC2 hands out.
		do {
			svc->random(mac, 6);
			mac[0] = static_cast<uint8_t>((mac[0] & 0xfc) | 0x02);
		} while (mac_in_use(w, mac) || fabric::mac_is_vpc_reserved(mac));
		return 0;
	}
	if (wanted[0] & 1) {
		fail(err, EINVAL_).str("MAC address must be unicast (the low bit of the first octet must be 0)");
		return err->code;
	}
	if (fabric::mac_is_vpc_reserved(wanted)) {
		fail(err, EINVAL_).str("MAC addresses starting with 02:56:4e are reserved for the VPC's routers");
		return err->code;
	}
	if (mac_in_use(w, wanted)) {
		fail(err, EADDRINUSE_).str("MAC address is already used by another network interface");
		return err->code;
	}
	mem_copy(mac, wanted, 6);
	return 0;
}

int choose_id(const world &w, const char *wanted, char *id, vnitro_err *err)
{
	if (!wanted[0]) {
		do {
			uint64_t r[2];

			// 17 random hex digits: one from r[0], sixteen from r[1].
			svc->random(r, sizeof(r));
			text(id, VNITRO_ID_MAX).str("eni-").hex(r[0], 1).hex(r[1], 16);
		} while (find_eni(w, id, nullptr));
		return 0;
	}
	if (!valid_eni_id(wanted)) {
		fail(err, EINVAL_).str("invalid network interface id \"").str(wanted)
			.str("\": expected \"eni-\" and 1 to 17 lowercase hex digits");
		return err->code;
	}
	if (find_eni(w, wanted, nullptr)) {
		fail(err, EEXIST_).str("network interface ").str(wanted).str(" already exists");
		return err->code;
	}
	str_copy(id, VNITRO_ID_MAX, wanted);
	return 0;
}

} // namespace

eni *eni_create(world &w, const vnitro_eni_spec &spec, vnitro_err *err)
{
	subnet *s = find_subnet(w, spec.subnet_id, err);
	eni tmp = {};
	eni *e;

	if (!s)
		return nullptr;
	if (spec.type > VNITRO_ENI_TYPE_EFA) {
		fail(err, EINVAL_).str("unknown network interface type ").u32(spec.type);
		return nullptr;
	}
	if (choose_id(w, spec.id, tmp.id, err) || choose_ip(w, s, spec.private_ip, &tmp.ip, err) ||
	    choose_mac(w, spec.mac, tmp.mac, err))
		return nullptr;
	e = create<eni>();
	if (!e) {
		fail(err, ENOMEM_).str("out of memory");
		return nullptr;
	}
	*e = tmp;
	e->home = s;
	e->type = spec.type;
	e->source_dest_check = true;
	w.enis.push_back(e);
	return e;
}

void eni_free(world &w, eni *e)
{
	w.enis.remove(e);
	destroy(e);
}

int eni_plug(world &w, eni *e, instance *inst, uint32_t index, vnitro_err *err)
{
	vnitro_plug_desc desc = {};
	void *cookie = nullptr;
	int ret;

	str_copy(desc.eni_id, sizeof(desc.eni_id), e->id);
	mem_copy(desc.port.mac, e->mac, 6);
	desc.port.ip = e->ip;
	desc.port.subnet_key = e->home->key;
	desc.port.subnet_addr = e->home->addr;
	desc.port.subnet_prefixlen = e->home->prefixlen;
	desc.port.kind = VNITRO_PORT_ENI;
	desc.port.source_dest_check = e->source_dest_check;
	desc.port.vpc_key = e->home->owner->key;
	desc.port.vpc_addr = e->home->owner->addr;
	desc.port.vpc_prefixlen = e->home->owner->prefixlen;
	desc.instance_cookie = inst->cookie;
	desc.device_index = index;
	desc.eni_type = e->type;
	ret = w.ops->plug(w.ops_ctx, &desc, &cookie, err);
	if (ret) {
		err->code = ret;
		return ret;
	}
	e->owner = inst;
	e->device_index = index;
	e->plug_cookie = cookie;
	inst->slots[index] = e;
	return 0;
}

void eni_unplug(world &w, eni *e)
{
	w.ops->unplug(w.ops_ctx, e->plug_cookie);
	e->owner->slots[e->device_index] = nullptr;
	e->owner = nullptr;
	e->device_index = 0;
	e->plug_cookie = nullptr;
}

void fill_info(const eni &e, vnitro_eni_info *out)
{
	*out = vnitro_eni_info{};
	str_copy(out->id, sizeof(out->id), e.id);
	str_copy(out->subnet_id, sizeof(out->subnet_id), e.home->id);
	str_copy(out->vpc_id, sizeof(out->vpc_id), e.home->owner->id);
	mem_copy(out->mac, e.mac, 6);
	out->private_ip = e.ip;
	out->type = e.type;
	out->source_dest_check = e.source_dest_check;
	if (e.owner) {
		out->attached = 1;
		str_copy(out->instance, sizeof(out->instance), e.owner->name);
		out->device_index = e.device_index;
		out->plug_cookie = e.plug_cookie;
	}
}

} // namespace vnitro::control

using namespace vnitro::control;

extern "C" {

int vnitro_ctl_eni_add(struct vnitro_ctl *ctl, const struct vnitro_eni_spec *spec,
		       struct vnitro_eni_info *out, struct vnitro_err *err)
{
	eni *e = eni_create(*ctl, *spec, err);

	if (!e)
		return err->code;
	fill_info(*e, out);
	return 0;
}

int vnitro_ctl_eni_del(struct vnitro_ctl *ctl, const char *id, struct vnitro_err *err)
{
	eni *e = find_eni(*ctl, id, err);

	if (!e)
		return err->code;
	if (e->owner) {
		fail(err, EBUSY_).str("network interface ").str(id).str(" is attached to instance ")
			.str(e->owner->name).str(" at device index ").u32(e->device_index)
			.str(" and cannot be deleted; detach it first");
		return err->code;
	}
	eni_free(*ctl, e);
	return 0;
}

int vnitro_ctl_eni_attach(struct vnitro_ctl *ctl, const char *id, const char *instance_name,
			  uint32_t device_index, struct vnitro_eni_info *out,
			  struct vnitro_err *err)
{
	eni *e = find_eni(*ctl, id, err);
	instance *inst;

	if (!e)
		return err->code;
	inst = find_instance(*ctl, instance_name, err);
	if (!inst)
		return err->code;
	if (e->owner) {
		fail(err, EBUSY_).str("network interface ").str(id).str(" is already attached to instance ")
			.str(e->owner->name).str(" at device index ").u32(e->device_index);
		return err->code;
	}
	if (device_index > VNITRO_MAX_DEVICE_INDEX) {
		fail(err, ERANGE_).str("device index ").u32(device_index).str(" is out of range (0 to ")
			.u32(VNITRO_MAX_DEVICE_INDEX).str(")");
		return err->code;
	}
	if (eni *used = inst->slots[device_index]) {
		fail(err, EBUSY_).str("device index ").u32(device_index).str(" of instance ")
			.str(inst->name).str(" is already used by ").str(used->id);
		return err->code;
	}
	if (!str_eq(e->home->az, inst->home->az)) {
		fail(err, EINVAL_).str("network interface ").str(id).str(" is in availability zone ")
			.str(e->home->az).str(" but instance ").str(inst->name).str(" is in ")
			.str(inst->home->az);
		return err->code;
	}
	if (eni_plug(*ctl, e, inst, device_index, err))
		return err->code;
	fill_info(*e, out);
	return 0;
}

int vnitro_ctl_eni_detach(struct vnitro_ctl *ctl, const char *id, struct vnitro_err *err)
{
	eni *e = find_eni(*ctl, id, err);

	if (!e)
		return err->code;
	if (!e->owner) {
		fail(err, EINVAL_).str("network interface ").str(id).str(" is not attached");
		return err->code;
	}
	if (e->device_index == 0) {
		fail(err, EPERM_).str("network interface ").str(id)
			.str(" is the primary network interface (device index 0) of instance ")
			.str(e->owner->name).str(" and cannot be detached");
		return err->code;
	}
	eni_unplug(*ctl, e);
	return 0;
}

int vnitro_ctl_eni_get(const struct vnitro_ctl *ctl, const char *id,
		       struct vnitro_eni_info *out, struct vnitro_err *err)
{
	eni *e = find_eni(*ctl, id, err);

	if (!e)
		return err->code;
	fill_info(*e, out);
	return 0;
}

int vnitro_ctl_eni_at(const struct vnitro_ctl *ctl, uint32_t pos, struct vnitro_eni_info *out)
{
	eni *e = ctl->enis.at(pos);

	if (!e)
		return -ENOENT_;
	fill_info(*e, out);
	return 0;
}

} // extern "C"
