// SPDX-License-Identifier: GPL-2.0
// instance.cc - instances: a namespace registered with a primary ENI at device index 0.
#include "control/world.h"

using namespace vnitro::base;

namespace vnitro::control {

void fill_info(const instance &i, vcore_instance_info *out)
{
	*out = vcore_instance_info{};
	str_copy(out->name, sizeof(out->name), i.name);
	str_copy(out->subnet_id, sizeof(out->subnet_id), i.home->id);
	str_copy(out->az, sizeof(out->az), i.home->az);
	if (eni *primary = primary_of(i))
		str_copy(out->primary_eni_id, sizeof(out->primary_eni_id), primary->id);
	out->eni_count = i.eni_count;
	out->type = *i.type;
	out->cookie = i.cookie;
	out->md = i.md;
	if (i.group) {
		str_copy(out->pg_name, sizeof(out->pg_name), i.group->name);
		str_copy(out->pg_id, sizeof(out->pg_id), i.group->id);
	}
	out->partition = i.partition;
	for (uint32_t l = 0; l < VNITRO_TOPOLOGY_LAYERS; l++)
		out->nodes[l] = i.nodes[l];
	out->host = i.host;
}

namespace {

// EC2's defaults for a new instance: IMDSv1 and v2, one hop, the endpoint on.
constexpr vcore_md_options md_defaults = {
	VNITRO_MD_TOKENS_OPTIONAL, VNITRO_MD_HOP_LIMIT_MIN, 1,
};

bool md_check(const vcore_md_changes &c, vcore_err *err)
{
	if (c.tokens > VNITRO_MD_TOKENS_REQUIRED) {
		fail(err, EINVAL_).str("metadata tokens must be optional or required");
		return false;
	}
	if (c.hop_limit >= 0 &&
	    (c.hop_limit < VNITRO_MD_HOP_LIMIT_MIN || c.hop_limit > VNITRO_MD_HOP_LIMIT_MAX)) {
		fail(err, EINVAL_).str("metadata hop limit ").u32(uint32_t(c.hop_limit))
			.str(" is out of range: EC2 allows 1 to 64");
		return false;
	}
	if (c.endpoint > 1) {
		fail(err, EINVAL_).str("metadata endpoint must be enabled (1) or disabled (0)");
		return false;
	}
	if (c.tokens < 0 && c.hop_limit < 0 && c.endpoint < 0) {
		fail(err, EINVAL_).str("nothing to set: give the metadata tokens, hop limit or endpoint");
		return false;
	}
	return true;
}

} // namespace

} // namespace vnitro::control

using namespace vnitro::control;

extern "C" {

int vcore_ctl_instance_add(struct vcore_ctl *ctl, const char *name, void *cookie,
			   const char *subnet_id, uint32_t primary_ip, const char *type,
			   struct vcore_instance_info *out, struct vcore_err *err)
{
	return vcore_ctl_instance_add_placed(ctl, name, cookie, subnet_id, primary_ip, type,
					     nullptr, 0, out, err);
}

int vcore_ctl_instance_add_placed(struct vcore_ctl *ctl, const char *name, void *cookie,
				  const char *subnet_id, uint32_t primary_ip, const char *type,
				  const char *pg_name, uint32_t partition,
				  struct vcore_instance_info *out, struct vcore_err *err)
{
	vcore_instance_spec spec = {};

	spec.name = name;
	spec.subnet_id = subnet_id;
	spec.primary_ip = primary_ip;
	spec.type = type;
	spec.pg_name = pg_name;
	spec.partition = partition;
	return vcore_ctl_instance_add_spec(ctl, &spec, cookie, out, err);
}

int vcore_ctl_instance_add_spec(struct vcore_ctl *ctl, const struct vcore_instance_spec *is,
				void *cookie, struct vcore_instance_info *out,
				struct vcore_err *err)
{
	const char *name = is->name;
	const vcore_type_info *t;
	vcore_eni_spec spec = {};
	instance *inst, *other;
	eni *primary;

	if (!valid_instance_name(name)) {
		fail(err, EINVAL_).str("invalid instance name: it names a network namespace, "
				       "so use 1 to 63 characters, no '/', not \".\" or \"..\"");
		return err->code;
	}
	if (find_instance(*ctl, name, nullptr)) {
		fail(err, EEXIST_).str("instance \"").str(name).str("\" already exists");
		return err->code;
	}
	if (!is->host != !!cookie) {
		fail(err, EINVAL_).str(is->host ? "an instance of another host has no network namespace here"
						: "an instance of this host needs its network namespace");
		return err->code;
	}
	if (is->host) {
		uint8_t first = uint8_t(is->host >> 24);

		// A unicast address a host can have: not 0/8, 127/8, multicast or reserved.
		if (!first || first == 127 || first >= 224) {
			fail(err, EINVAL_).str("host ").ipv4(is->host)
				.str(" is no host's address: give the underlay IPv4 address of the host the instance runs on");
			return err->code;
		}
	} else {
		other = ctl->instances.find([cookie](instance *it) { return it->cookie == cookie; });
		if (other) {
			fail(err, EEXIST_).str("this network namespace is already instance \"")
				.str(other->name).str("\"");
			return err->code;
		}
	}
	t = find_type(is->type, err);
	if (!t)
		return err->code;
	str_copy(spec.id, sizeof(spec.id), is->eni_id);
	mem_copy(spec.mac, is->mac, sizeof(spec.mac));
	str_copy(spec.subnet_id, sizeof(spec.subnet_id), is->subnet_id);
	spec.private_ip = is->primary_ip;
	spec.type = VNITRO_ENI_TYPE_INTERFACE;
	primary = eni_create(*ctl, spec, err);
	if (!primary)
		return err->code;
	inst = create<instance>();
	if (!inst) {
		fail(err, ENOMEM_).str("out of memory");
		goto err_free_eni;
	}
	str_copy(inst->name, sizeof(inst->name), name);
	inst->cookie = cookie;
	inst->host = is->host;
	inst->home = primary->home;
	inst->type = t;
	inst->md = md_defaults;
	inst->key = ctl->next_instance_key++;
	if (placement_join(*ctl, *inst, is->pg_name, is->partition, err))
		goto err_free_instance;
	if (allowances_publish(*ctl, *inst, err))
		goto err_leave;
	if (eni_plug(*ctl, primary, inst, 0, 0, err))
		goto err_withdraw;
	ctl->instances.push_back(inst);
	fill_info(*inst, out);
	return 0;

err_withdraw:
	allowances_withdraw(*ctl, *inst);
err_leave:
	placement_leave(*inst);
err_free_instance:
	destroy(inst);
err_free_eni:
	eni_free(*ctl, primary);
	return err->code;
}

int vcore_ctl_instance_del(struct vcore_ctl *ctl, const char *name, struct vcore_err *err)
{
	instance *inst = find_instance(*ctl, name, err);
	eni *primary;

	if (!inst)
		return err->code;
	// Secondary ENIs survive the instance, detached, the last attached
	// first; the primary dies with it.
	primary = primary_of(*inst);
	for (uint32_t i = inst->eni_count; i-- > 0;)
		if (inst->enis[i] != primary)
			eni_unplug(*ctl, inst->enis[i]);
	if (primary) {
		eni_unplug(*ctl, primary);
		eni_free(*ctl, primary);
	}
	ctl->instances.remove(inst);
	placement_leave(*inst);
	allowances_withdraw(*ctl, *inst);
	if (inst->cookie)
		ctl->ops->netns_release(ctl->ops_ctx, inst->cookie);
	destroy(inst);
	return 0;
}

int vcore_ctl_instance_set(struct vcore_ctl *ctl, const char *name,
			   const struct vcore_md_changes *changes,
			   struct vcore_instance_info *out, struct vcore_err *err)
{
	instance *inst = find_instance(*ctl, name, err);

	if (!inst || !md_check(*changes, err))
		return err->code;
	if (changes->tokens >= 0)
		inst->md.tokens = uint8_t(changes->tokens);
	if (changes->hop_limit >= 0)
		inst->md.hop_limit = uint8_t(changes->hop_limit);
	if (changes->endpoint >= 0)
		inst->md.endpoint = uint8_t(changes->endpoint);
	fill_info(*inst, out);
	return 0;
}

int vcore_ctl_instance_get(const struct vcore_ctl *ctl, const char *name,
			   struct vcore_instance_info *out, struct vcore_err *err)
{
	instance *inst = find_instance(*ctl, name, err);

	if (!inst)
		return err->code;
	fill_info(*inst, out);
	return 0;
}

int vcore_ctl_instance_at(const struct vcore_ctl *ctl, uint32_t pos,
			  struct vcore_instance_info *out)
{
	instance *inst = ctl->instances.at(pos);

	if (!inst)
		return -ENOENT_;
	fill_info(*inst, out);
	return 0;
}

} // extern "C"
