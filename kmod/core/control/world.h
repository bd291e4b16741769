// SPDX-License-Identifier: GPL-2.0
// world.h - the control plane's objects (VPC, subnet, instance, ENI) and their registry.
#pragma once

#include "base/slist.h"
#include "base/text.h"

namespace vnitro::control {

struct instance;

struct vpc {
	vpc *next;
	char id[VNITRO_ID_MAX];
	uint32_t addr;
	uint8_t prefixlen;
	uint32_t key;		// the fabric's name for this VPC
};

struct subnet {
	subnet *next;
	char id[VNITRO_ID_MAX];
	char az[VNITRO_ID_MAX];
	vpc *owner;
	uint32_t addr;
	uint8_t prefixlen;
	uint32_t key;		// the fabric's name for this subnet
};

struct eni {
	eni *next;
	char id[VNITRO_ID_MAX];
	subnet *home;
	uint8_t mac[6];
	uint32_t ip;
	uint8_t type;
	bool source_dest_check;
	// Attachment; owner == nullptr while available.
	instance *owner;
	uint32_t device_index;
	void *plug_cookie;
};

struct instance {
	instance *next;
	char name[VNITRO_NAME_MAX];
	void *cookie;		// the namespace, owned once registered
	subnet *home;		// subnet of the primary ENI
	eni *slots[VNITRO_MAX_DEVICE_INDEX + 1];
};

// The registry; vnitro_ctl is its C name.
struct world {
	const vnitro_ctl_ops *ops;
	void *ops_ctx;
	base::slist<vpc> vpcs;
	base::slist<subnet> subnets;
	base::slist<instance> instances;
	base::slist<eni> enis;
	uint32_t next_subnet_key;
	uint32_t next_vpc_key;
};

// Lookups; nullptr when absent (and a message in err when err is given).
vpc *find_vpc(const world &w, const char *id, vnitro_err *err);
subnet *find_subnet(const world &w, const char *id, vnitro_err *err);
instance *find_instance(const world &w, const char *name, vnitro_err *err);
eni *find_eni(const world &w, const char *id, vnitro_err *err);

// Identifier rules shared by every object.
bool valid_object_id(const char *id);
bool valid_instance_name(const char *name);

// ENI operations used by the instance life cycle (eni.cc).
eni *eni_create(world &w, const vnitro_eni_spec &spec, vnitro_err *err);
void eni_free(world &w, eni *e);
int eni_plug(world &w, eni *e, instance *inst, uint32_t index, vnitro_err *err);
void eni_unplug(world &w, eni *e);

// Snapshots for replies.
void fill_info(const eni &e, vnitro_eni_info *out);
void fill_info(const instance &i, vnitro_instance_info *out);

} // namespace vnitro::control

// The opaque C handle is the world itself.
struct vnitro_ctl : vnitro::control::world {};
