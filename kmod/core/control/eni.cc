// SPDX-License-Identifier: GPL-2.0
// eni.cc - elastic network interfaces: creation, addressing, attach and detach rules.
#include "control/world.h"
#include "vcore/efa.h"
#include "base/ipv4.h"
#include "fabric/frame.h"

using namespace vnitro::base;

namespace vnitro::control {

bool has_ip(const eni &e, uint32_t ip)
{
	if (e.ip == ip)
		return true;
	for (uint32_t i = 0; i < e.secondary_count; i++)
		if (e.secondary[i] == ip)
			return true;
	return false;
}

namespace {

// Primary and secondary addresses are unique within a subnet.
bool ip_in_use(const world &w, const subnet *s, uint32_t ip)
{
	return w.enis.find([&](eni *it) { return it->home == s && has_ip(*it, ip); });
}

// AWS reserves the network address, .1 (router), .2 (DNS), .3 and the last one.
bool ip_reserved(const subnet *s, uint32_t ip)
{
	return ip - s->addr < 4 || ip == prefix_last(s->addr, s->prefixlen);
}

int choose_ip(const world &w, const subnet *s, uint32_t wanted, uint32_t *ip, vcore_err *err)
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

int choose_mac(const world &w, const uint8_t *wanted, uint8_t *mac, vcore_err *err)
{
	static const uint8_t zero[6] = {};

	if (mem_eq(wanted, zero, 6)) {
		generate_mac(w, mac);
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

int choose_id(const world &w, const char *wanted, char *id, vcore_err *err)
{
	return choose_hex_id(wanted, "eni-", "network interface",
			     [&w](const char *it) { return find_eni(w, it, nullptr) != nullptr; }, id, err);
}

} // namespace

// How many private IPv4 addresses @e may hold: its instance type's limit
// while attached, the largest type's while available. EC2 gives a type as
// many IPv6 addresses per interface as IPv4 ones.
uint32_t ip_limit(const eni &e)
{
	return e.owner ? e.owner->type->max_ips_per_eni : uint32_t(VCORE_PORT_MAX_IPS);
}

int sync_port(world &w, eni *e, vcore_err *err)
{
	vcore_port_desc port;
	int ret;

	if (!e->owner || !w.ops->port_update)
		return 0;
	port_desc_of(*e, *e->owner, &port);
	ret = w.ops->port_update(w.ops_ctx, e->plug_cookie, &port, err);
	if (ret)
		err->code = ret;
	return ret;
}

namespace {

// Why a type lacks an ENA feature when it has no ENA at all (EC2 User Guide,
// "Enhanced networking": these types use the Intel 82599 VF interface).
const char *not_ena(const vcore_type_info &t)
{
	return t.adapter == VNITRO_ADAPTER_IXGBEVF
	       ? ": its enhanced networking is the Intel 82599 VF interface, not ENA" : "";
}

// The attach-time rules of the instance type.
int check_type_limits(const eni &e, const instance &inst, uint32_t card, vcore_err *err)
{
	const vcore_type_info &t = *inst.type;
	uint32_t on_card = 0;

	if (inst.eni_count >= t.max_enis) {
		fail(err, ENOSPC_).str(t.name).str(" supports at most ").u32(t.max_enis)
			.str(" network interfaces, and instance ").str(inst.name).str(" has ")
			.u32(inst.eni_count);
		return err->code;
	}
	for (uint32_t i = 0; i < inst.eni_count; i++)
		on_card += inst.enis[i]->network_card == card;
	if (on_card >= t.max_enis_per_card) {
		fail(err, ENOSPC_).str(t.name).str(" supports at most ").u32(t.max_enis_per_card)
			.str(" network interfaces per network card, and network card ").u32(card)
			.str(" of instance ").str(inst.name).str(" has ").u32(on_card);
		return err->code;
	}
	if (1 + e.secondary_count > t.max_ips_per_eni) {
		fail(err, ENOSPC_).str(t.name).str(" supports at most ").u32(t.max_ips_per_eni)
			.str(" private IPv4 addresses per network interface, and ").str(e.id)
			.str(" has ").u32(1 + e.secondary_count);
		return err->code;
	}
	if (e.type == VNITRO_ENI_TYPE_EFA && !t.efa) {
		fail(err, EOPNOTSUPP_).str(t.name).str(" does not support EFA")
			.str(not_ena(t)).str("; ").str(e.id).str(" is of type efa");
		return err->code;
	}
	if (e.type == VNITRO_ENI_TYPE_EFA) {
		uint32_t efas = 0;

		for (uint32_t i = 0; i < inst.eni_count; i++)
			efas += inst.enis[i]->type == VNITRO_ENI_TYPE_EFA;
		// EC2's EfaInfo.MaximumEfaInterfaces (1 on a c5n.18xlarge, 32 on a p5.48xlarge).
		if (efas >= t.max_efas) {
			fail(err, ENOSPC_).str(t.name).str(" supports at most ").u32(t.max_efas)
				.str(t.max_efas == 1 ? " EFA" : " EFAs")
				.str(" (MaximumEfaInterfaces), and instance ").str(inst.name)
				.str(" has ").u32(efas);
			return err->code;
		}
	}
	if (e.ena_express && !t.ena_express) {
		fail(err, EOPNOTSUPP_).str(t.name).str(" does not support ENA Express")
			.str(not_ena(t)).str(", which ").str(e.id).str(" has turned on");
		return err->code;
	}
	return 0;
}

// ENI_SET's security groups as groups of @e's VPC: at least one (EC2's
// ModifyNetworkInterfaceAttribute), at most the quota, no repeats.
int resolve_groups(const world &w, const eni &e, const vcore_eni_changes &c, sg **out,
		   vcore_err *err)
{
	const vpc *v = e.home->owner;

	if (!c.security_group_count) {
		fail(err, EINVAL_).str("network interface ").str(e.id)
			.str(" needs at least one security group, as in EC2; its VPC's default group is ")
			.str(v->default_group->id);
		return err->code;
	}
	if (c.security_group_count > VNITRO_MAX_SECURITY_GROUPS) {
		fail(err, ENOSPC_).str("a network interface has at most ")
			.u32(VNITRO_MAX_SECURITY_GROUPS).str(" security groups, not ")
			.u32(c.security_group_count)
			.str(": the quota \"Security groups per network interface\" is ")
			.u32(VNITRO_MAX_SECURITY_GROUPS);
		return err->code;
	}
	for (uint32_t i = 0; i < c.security_group_count; i++) {
		const char *id = c.security_groups[i];

		if (!valid_hex_id(id, "sg-")) {
			fail(err, EINVAL_).str("invalid security group id \"").str(id)
				.str("\": expected \"sg-\" and 1 to 17 lowercase hex digits");
			return err->code;
		}
		for (uint32_t j = 0; j < i; j++) {
			if (str_eq(id, c.security_groups[j])) {
				fail(err, EINVAL_).str("security group ").str(id).str(" is listed twice");
				return err->code;
			}
		}
	}
	for (uint32_t i = 0; i < c.security_group_count; i++) {
		const char *id = c.security_groups[i];

		out[i] = find_sg(w, id, err);
		if (!out[i])
			return err->code;
		if (out[i]->owner != v) {
			fail(err, EINVAL_).str("security group ").str(id).str(" is in VPC ")
				.str(out[i]->owner->id).str(", and network interface ").str(e.id)
				.str(" in VPC ").str(v->id).str(": an interface takes groups of its own VPC");
			return err->code;
		}
	}
	return 0;
}

} // namespace

static_assert(uint32_t(VNITRO_TCP_ESTABLISHED_TIMEOUT_DEFAULT) ==
		      uint32_t(VCORE_TCP_ESTABLISHED_TIMEOUT) &&
	      uint32_t(VNITRO_UDP_STREAM_TIMEOUT_DEFAULT) == uint32_t(VCORE_UDP_STREAM_TIMEOUT) &&
	      uint32_t(VNITRO_UDP_TIMEOUT_DEFAULT) == uint32_t(VCORE_UDP_TIMEOUT),
	      "the control plane's defaults are the fabric's");

// One connection tracking timeout of an ENI_SET, in EC2's range or refused.
int check_timeout(uint8_t set, uint32_t seconds, uint32_t min, uint32_t max,
		  const char *what, const char *ec2_name, vcore_err *err)
{
	if (!set || (seconds >= min && seconds <= max))
		return 0;
	fail(err, EINVAL_).str(what).str(" ").u32(seconds).str(" is out of range: EC2's ")
		.str(ec2_name).str(" is ").u32(min).str(" to ").u32(max).str(" seconds");
	return err->code;
}

int check_timeouts(const vcore_eni_changes &c, vcore_err *err)
{
	if (check_timeout(c.set_tcp_established_timeout, c.tcp_established_timeout,
			  VNITRO_TCP_ESTABLISHED_TIMEOUT_MIN, VNITRO_TCP_ESTABLISHED_TIMEOUT_MAX,
			  "TCP established timeout", "TcpEstablishedTimeout", err) ||
	    check_timeout(c.set_udp_stream_timeout, c.udp_stream_timeout,
			  VNITRO_UDP_STREAM_TIMEOUT_MIN, VNITRO_UDP_STREAM_TIMEOUT_MAX,
			  "UDP stream timeout", "UdpStreamTimeout", err) ||
	    check_timeout(c.set_udp_timeout, c.udp_timeout, VNITRO_UDP_TIMEOUT_MIN,
			  VNITRO_UDP_TIMEOUT_MAX, "UDP timeout", "UdpTimeout", err))
		return err->code;
	return 0;
}

// What of an ENI its port shows the fabric and ENI_SET can change.
struct port_settings {
	bool source_dest_check;
	sg *groups[VNITRO_MAX_SECURITY_GROUPS];
	uint32_t group_count;
	uint32_t tcp_established_timeout, udp_stream_timeout, udp_timeout;
	bool ena_express, ena_express_udp;
};

port_settings port_settings_of(const eni &e)
{
	port_settings p = {};

	p.source_dest_check = e.source_dest_check;
	for (uint32_t i = 0; i < e.group_count; i++)
		p.groups[i] = e.groups[i];
	p.group_count = e.group_count;
	p.tcp_established_timeout = e.tcp_established_timeout;
	p.udp_stream_timeout = e.udp_stream_timeout;
	p.udp_timeout = e.udp_timeout;
	p.ena_express = e.ena_express;
	p.ena_express_udp = e.ena_express_udp;
	return p;
}

void port_settings_restore(eni *e, const port_settings &p)
{
	e->source_dest_check = p.source_dest_check;
	for (uint32_t i = 0; i < p.group_count; i++)
		e->groups[i] = p.groups[i];
	e->group_count = p.group_count;
	e->tcp_established_timeout = p.tcp_established_timeout;
	e->udp_stream_timeout = p.udp_stream_timeout;
	e->udp_timeout = p.udp_timeout;
	e->ena_express = p.ena_express;
	e->ena_express_udp = p.ena_express_udp;
}

bool port_settings_differ(const port_settings &a, const port_settings &b)
{
	if (a.source_dest_check != b.source_dest_check || a.group_count != b.group_count ||
	    a.tcp_established_timeout != b.tcp_established_timeout ||
	    a.udp_stream_timeout != b.udp_stream_timeout || a.udp_timeout != b.udp_timeout ||
	    a.ena_express != b.ena_express || a.ena_express_udp != b.ena_express_udp)
		return true;
	for (uint32_t i = 0; i < a.group_count; i++)
		if (a.groups[i] != b.groups[i])
			return true;
	return false;
}

bool mac_in_use(const world &w, const uint8_t *mac)
{
	return w.enis.find([mac](eni *it) { return mem_eq(it->mac, mac, 6); }) ||
	       w.igws.find([mac](igw *it) { return mem_eq(it->mac, mac, 6); });
}

void generate_mac(const world &w, uint8_t *mac)
{
	// Locally administered unicast, like the 02:/0a:/0e: MACs EC2 hands out.
	do {
		svc->random(mac, 6);
		mac[0] = static_cast<uint8_t>((mac[0] & 0xfc) | 0x02);
	} while (mac_in_use(w, mac) || fabric::mac_is_vpc_reserved(mac));
}

namespace {

/*
 * The domain of the private names of @az's region, as EC2's DHCP hands it
 * out: "us-east-1a" -> "ec2.internal", "eu-west-1b" ->
 * "eu-west-1.compute.internal" (the region is the zone without its
 * trailing letters).
 */
void dns_domain_of(const char *az, char *out, size_t cap)
{
	size_t n = str_len(az, VCORE_ID_MAX);
	text t(out, cap);

	while (n && az[n - 1] >= 'a' && az[n - 1] <= 'z')
		n--;
	if (!n || (n == 9 && mem_eq(az, "us-east-1", 9))) {
		t.str("ec2.internal");
		return;
	}
	for (size_t i = 0; i < n; i++)
		t.ch(az[i]);
	t.str(".compute.internal");
}

/*
 * A VPC's Geneve VNI, the same on every host: 24 bits of the FNV-1a hash
 * of its id (ids are the world's; keys are each host's own).
 */
uint32_t vni_of(const char *vpc_id)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < VCORE_ID_MAX && vpc_id[i]; i++)
		h = (h ^ uint8_t(vpc_id[i])) * 16777619u;
	return (h ^ (h >> 24)) & VCORE_VNI_MAX;
}

} // namespace

void port_desc_of(const eni &e, const instance &owner, vcore_port_desc *out)
{
	*out = vcore_port_desc{};
	mem_copy(out->mac, e.mac, 6);
	out->kind = VCORE_PORT_ENI;
	out->source_dest_check = e.source_dest_check;
	out->ip = e.ip;
	for (uint32_t i = 0; i < e.secondary_count; i++)
		out->secondary_ips[i] = e.secondary[i];
	out->secondary_count = e.secondary_count;
	out->subnet_key = e.home->key;
	out->subnet_addr = e.home->addr;
	out->subnet_prefixlen = e.home->prefixlen;
	out->vpc_key = e.home->owner->key;
	out->vpc_addr = e.home->owner->addr;
	out->vpc_prefixlen = e.home->owner->prefixlen;
	dns_domain_of(e.home->az, out->dns_domain, sizeof(out->dns_domain));
	for (uint32_t i = 0; i < e.group_count; i++)
		out->sg_keys[i] = e.groups[i]->key;
	out->sg_count = e.group_count;
	out->has_ipv6 = e.home->has_ipv6;
	out->ipv6_prefix = e.home->ipv6_prefix;
	for (uint32_t i = 0; i < e.ipv6_count; i++)
		out->ipv6_iids[i] = e.ipv6[i];
	out->ipv6_count = e.ipv6_count;
	out->conntrack_max = owner.type->conntrack_max;
	out->tcp_established_timeout = e.tcp_established_timeout;
	out->udp_timeout = e.udp_timeout;
	out->udp_stream_timeout = e.udp_stream_timeout;
	// Another host's instance: its allowances are counted there.
	out->allowance_key = owner.host ? 0 : owner.key;
	out->remote_host = owner.host;
	out->vni = vni_of(e.home->owner->id);
	out->network_card = e.network_card;
	out->ena_express = (e.ena_express ? VCORE_SRD_ENABLED : 0) |
			   (e.ena_express_udp ? VCORE_SRD_UDP : 0);
	for (uint32_t l = 0; l < VCORE_TOPOLOGY_LAYERS; l++)
		out->nodes[l] = owner.nodes[l];
	out->cluster_key = owner.group && owner.group->strategy == VNITRO_PG_CLUSTER
				   ? owner.group->key : 0;
}

eni *eni_create(world &w, const vcore_eni_spec &spec, vcore_err *err)
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
	// EC2's AssignIpv6AddressOnCreation: one address of the subnet's /64.
	if (s->has_ipv6 && s->assign_ipv6_on_creation) {
		if (choose_ipv6(w, s, nullptr, &tmp.ipv6[0], err))
			return nullptr;
		tmp.ipv6_count = 1;
	}
	e = create<eni>();
	if (!e) {
		fail(err, ENOMEM_).str("out of memory");
		return nullptr;
	}
	*e = tmp;
	e->home = s;
	e->type = spec.type;
	e->source_dest_check = true;
	e->tcp_established_timeout = VNITRO_TCP_ESTABLISHED_TIMEOUT_DEFAULT;
	e->udp_stream_timeout = VNITRO_UDP_STREAM_TIMEOUT_DEFAULT;
	e->udp_timeout = VNITRO_UDP_TIMEOUT_DEFAULT;
	// EC2: an interface created without groups gets its VPC's default group.
	e->groups[0] = s->owner->default_group;
	e->group_count = 1;
	w.enis.push_back(e);
	return e;
}

void eni_free(world &w, eni *e)
{
	eips_eni_gone(w, e);
	routes_eni_gone(w, e);
	w.enis.remove(e);
	destroy(e);
}

// " at device index N", or " at network card C, device index N" off card 0.
text &place(text &t, uint32_t card, uint32_t index)
{
	if (card)
		t.str(" at network card ").u32(card).str(", device index ");
	else
		t.str(" at device index ");
	return t.u32(index);
}

eni *attached_at(const instance &i, uint32_t card, uint32_t index)
{
	for (uint32_t n = 0; n < i.eni_count; n++)
		if (i.enis[n]->network_card == card && i.enis[n]->device_index == index)
			return i.enis[n];
	return nullptr;
}

int eni_plug(world &w, eni *e, instance *inst, uint32_t card, uint32_t index, vcore_err *err)
{
	vcore_plug_desc desc = {};
	void *cookie = nullptr;
	int ret;

	if (check_type_limits(*e, *inst, card, err))
		return err->code;
	str_copy(desc.eni_id, sizeof(desc.eni_id), e->id);
	port_desc_of(*e, *inst, &desc.port);
	desc.instance_cookie = inst->cookie;
	desc.host = inst->host;
	desc.network_card = card;
	desc.device_index = index;
	desc.eni_type = e->type;
	desc.rss_key_mode = inst->type->rss_key_mode;
	// The guest's driver sets up at most one queue pair per vCPU (ena_calc_max_io_queue_num:
	// num_online_cpus()); the shim clamps again by the VM's own CPUs.
	desc.max_queues = inst->type->vcpus < inst->type->max_queues ? inst->type->vcpus
								   : inst->type->max_queues;
	desc.efa_gen = e->type == VNITRO_ENI_TYPE_EFA ? inst->type->efa : uint8_t(VCORE_EFA_GEN_NONE);
	desc.adapter = inst->type->adapter;
	ret = w.ops->plug(w.ops_ctx, &desc, &cookie, err);
	if (ret) {
		err->code = ret;
		return ret;
	}
	e->owner = inst;
	e->network_card = card;
	e->device_index = index;
	e->plug_cookie = cookie;
	inst->enis[inst->eni_count++] = e;
	routes_eni_changed(w, e);
	return 0;
}

void eni_unplug(world &w, eni *e)
{
	instance *inst = e->owner;
	uint32_t i = 0;

	w.ops->unplug(w.ops_ctx, e->plug_cookie);
	while (inst->enis[i] != e)
		i++;
	for (; i + 1 < inst->eni_count; i++)
		inst->enis[i] = inst->enis[i + 1];
	inst->eni_count--;
	e->owner = nullptr;
	e->network_card = 0;
	e->device_index = 0;
	e->plug_cookie = nullptr;
	routes_eni_changed(w, e);
}

void fill_info(const eni &e, vcore_eni_info *out)
{
	*out = vcore_eni_info{};
	str_copy(out->id, sizeof(out->id), e.id);
	str_copy(out->subnet_id, sizeof(out->subnet_id), e.home->id);
	str_copy(out->vpc_id, sizeof(out->vpc_id), e.home->owner->id);
	mem_copy(out->mac, e.mac, 6);
	out->private_ip = e.ip;
	for (uint32_t i = 0; i < e.secondary_count; i++)
		out->secondary_ips[i] = e.secondary[i];
	out->secondary_count = e.secondary_count;
	out->ipv6_prefix = e.home->ipv6_prefix;
	for (uint32_t i = 0; i < e.ipv6_count; i++)
		out->ipv6_iids[i] = e.ipv6[i];
	out->ipv6_count = e.ipv6_count;
	str_copy(out->description, sizeof(out->description), e.description);
	for (uint32_t i = 0; i < e.group_count; i++)
		str_copy(out->security_groups[i], sizeof(out->security_groups[i]), e.groups[i]->id);
	out->security_group_count = e.group_count;
	out->type = e.type;
	out->source_dest_check = e.source_dest_check;
	out->ena_express = e.ena_express;
	out->ena_express_udp = e.ena_express_udp;
	if (e.owner) {
		out->attached = 1;
		str_copy(out->instance, sizeof(out->instance), e.owner->name);
		out->network_card = e.network_card;
		out->device_index = e.device_index;
		out->plug_cookie = e.plug_cookie;
	}
	out->tcp_established_timeout = e.tcp_established_timeout;
	out->udp_stream_timeout = e.udp_stream_timeout;
	out->udp_timeout = e.udp_timeout;
}

} // namespace vnitro::control

using namespace vnitro::control;

extern "C" {

int vcore_ctl_eni_add(struct vcore_ctl *ctl, const struct vcore_eni_spec *spec,
		      struct vcore_eni_info *out, struct vcore_err *err)
{
	eni *e = eni_create(*ctl, *spec, err);

	if (!e)
		return err->code;
	// Detached, it has no port: only a refused setting can fail, and then it goes.
	if (spec->settings && vcore_ctl_eni_set(ctl, e->id, spec->settings, out, err)) {
		eni_free(*ctl, e);
		return err->code;
	}
	fill_info(*e, out);
	return 0;
}

int vcore_ctl_eni_del(struct vcore_ctl *ctl, const char *id, struct vcore_err *err)
{
	eni *e = find_eni(*ctl, id, err);

	if (!e)
		return err->code;
	if (e->owner) {
		text t = fail(err, EBUSY_).str("network interface ").str(id)
				.str(" is attached to instance ").str(e->owner->name);
		place(t, e->network_card, e->device_index).str(" and cannot be deleted; detach it first");
		return err->code;
	}
	eni_free(*ctl, e);
	return 0;
}

int vcore_ctl_eni_attach(struct vcore_ctl *ctl, const char *id, const char *instance_name,
			 uint32_t card, uint32_t device_index, struct vcore_eni_info *out,
			 struct vcore_err *err)
{
	eni *e = find_eni(*ctl, id, err);
	instance *inst;

	if (!e)
		return err->code;
	inst = find_instance(*ctl, instance_name, err);
	if (!inst)
		return err->code;
	if (e->owner) {
		text t = fail(err, EBUSY_).str("network interface ").str(id)
				.str(" is already attached to instance ").str(e->owner->name);
		place(t, e->network_card, e->device_index);
		return err->code;
	}
	if (device_index > VNITRO_MAX_DEVICE_INDEX) {
		fail(err, ERANGE_).str("device index ").u32(device_index).str(" is out of range (0 to ")
			.u32(VNITRO_MAX_DEVICE_INDEX).str(")");
		return err->code;
	}
	if (card >= inst->type->network_cards) {
		text t = fail(err, ERANGE_).str("network card ").u32(card).str(" is out of range: ")
				.str(inst->type->name).str(" has ");
		if (inst->type->network_cards == 1)
			t.str("one network card (0)");
		else
			t.u32(inst->type->network_cards).str(" network cards (0 to ")
				.u32(inst->type->network_cards - 1).str(")");
		return err->code;
	}
	if (eni *used = attached_at(*inst, card, device_index)) {
		text t = fail(err, EBUSY_);

		if (card)
			t.str("network card ").u32(card).str(", ");
		t.str("device index ").u32(device_index).str(" of instance ").str(inst->name)
			.str(" is already used by ").str(used->id);
		return err->code;
	}
	if (!str_eq(e->home->az, inst->home->az)) {
		fail(err, EINVAL_).str("network interface ").str(id).str(" is in availability zone ")
			.str(e->home->az).str(" but instance ").str(inst->name).str(" is in ")
			.str(inst->home->az);
		return err->code;
	}
	if (eni_plug(*ctl, e, inst, card, device_index, err))
		return err->code;
	fill_info(*e, out);
	return 0;
}

/*
 * EC2 detaches an EFA only from a stopped instance; vnitro's instances are
 * always running, so it refuses while a process has the EFA device open
 * (the work it has posted would vanish under it).
 */
static bool efa_idle(world &w, const eni &e, vcore_err *err)
{
	char dev[VCORE_ID_MAX] = "";
	uint32_t holders;

	if (e.type != VNITRO_ENI_TYPE_EFA || !w.ops->in_use)
		return true;
	holders = w.ops->in_use(w.ops_ctx, e.plug_cookie, dev, sizeof(dev));
	if (!holders)
		return true;
	fail(err, EBUSY_).str("network interface ").str(e.id).str(" is an EFA and ").str(dev)
		.str(" has ").u32(holders).str(holders == 1 ? " open user context" : " open user contexts")
		.str("; an EFA cannot be detached while in use: end the processes using it first");
	return false;
}

int vcore_ctl_eni_detach(struct vcore_ctl *ctl, const char *id, struct vcore_err *err)
{
	eni *e = find_eni(*ctl, id, err);

	if (!e)
		return err->code;
	if (!e->owner) {
		fail(err, EINVAL_).str("network interface ").str(id).str(" is not attached");
		return err->code;
	}
	if (e == primary_of(*e->owner)) {
		fail(err, EPERM_).str("network interface ").str(id)
			.str(" is the primary network interface (device index 0) of instance ")
			.str(e->owner->name).str(" and cannot be detached");
		return err->code;
	}
	if (!efa_idle(*ctl, *e, err))
		return err->code;
	eni_unplug(*ctl, e);
	return 0;
}

int vcore_ctl_eni_set(struct vcore_ctl *ctl, const char *id,
		      const struct vcore_eni_changes *c, struct vcore_eni_info *out,
		      struct vcore_err *err)
{
	eni *e = find_eni(*ctl, id, err);
	sg *groups[VNITRO_MAX_SECURITY_GROUPS];
	bool express, express_udp;
	port_settings before;

	if (!e)
		return err->code;
	if (c->set_description &&
	    str_len(c->description, VNITRO_DESCRIPTION_LEN) >= VNITRO_DESCRIPTION_LEN) {
		fail(err, EINVAL_).str("a description has at most ")
			.u32(VNITRO_DESCRIPTION_LEN - 1).str(" characters");
		return err->code;
	}
	if (c->set_security_groups && resolve_groups(*ctl, *e, *c, groups, err))
		return err->code;
	express = c->set_ena_express ? c->ena_express : e->ena_express;
	express_udp = c->set_ena_express_udp ? c->ena_express_udp : e->ena_express_udp;
	if (express_udp && !express) {
		fail(err, EINVAL_).str("ENA Express for UDP needs ENA Express turned on");
		return err->code;
	}
	if (express && !e->ena_express && e->owner && !e->owner->type->ena_express) {
		fail(err, EOPNOTSUPP_).str(e->owner->type->name)
			.str(" does not support ENA Express").str(not_ena(*e->owner->type))
			.str(" (").str(e->id)
			.str(" is attached to instance ").str(e->owner->name).str(")");
		return err->code;
	}
	if (check_timeouts(*c, err))
		return err->code;
	// What the fabric sees changes first: only the port update can fail, and is undone.
	before = port_settings_of(*e);
	if (c->set_source_dest_check)
		e->source_dest_check = c->source_dest_check;
	if (c->set_security_groups) {
		for (uint32_t i = 0; i < c->security_group_count; i++)
			e->groups[i] = groups[i];
		e->group_count = c->security_group_count;
	}
	if (c->set_tcp_established_timeout)
		e->tcp_established_timeout = c->tcp_established_timeout;
	if (c->set_udp_stream_timeout)
		e->udp_stream_timeout = c->udp_stream_timeout;
	if (c->set_udp_timeout)
		e->udp_timeout = c->udp_timeout;
	e->ena_express = express;
	e->ena_express_udp = express_udp;
	if (port_settings_differ(before, port_settings_of(*e)) && sync_port(*ctl, e, err)) {
		port_settings_restore(e, before);
		return err->code;
	}
	if (c->set_description)
		str_copy(e->description, sizeof(e->description), c->description);
	fill_info(*e, out);
	return 0;
}

int vcore_ctl_eni_ip_assign(struct vcore_ctl *ctl, const char *id, uint32_t ip,
			    uint32_t count, struct vcore_eni_info *out, struct vcore_err *err)
{
	eni *e = find_eni(*ctl, id, err);
	uint32_t limit, before;

	if (!e)
		return err->code;
	if (ip)
		count = 1;
	if (!count) {
		fail(err, EINVAL_).str("give an address to assign, or how many to pick");
		return err->code;
	}
	limit = ip_limit(*e);
	if (1 + e->secondary_count + count > limit) {
		text msg = fail(err, ENOSPC_);

		if (e->owner)
			msg.str(e->owner->type->name).str(" supports at most ");
		else
			msg.str("a network interface holds at most ");
		msg.u32(limit).str(" private IPv4 addresses per network interface; ").str(e->id)
			.str(" has ").u32(1 + e->secondary_count).str(" and ").u32(count)
			.str(count == 1 ? " more does not fit" : " more do not fit");
		return err->code;
	}
	before = e->secondary_count;
	for (uint32_t n = 0; n < count; n++) {
		uint32_t chosen;

		if (choose_ip(*ctl, e->home, ip, &chosen, err)) {
			e->secondary_count = before;
			return err->code;
		}
		e->secondary[e->secondary_count++] = chosen;
	}
	if (sync_port(*ctl, e, err)) {
		e->secondary_count = before;
		return err->code;
	}
	fill_info(*e, out);
	return 0;
}

int vcore_ctl_eni_ip_unassign(struct vcore_ctl *ctl, const char *id, uint32_t ip,
			      struct vcore_eni_info *out, struct vcore_err *err)
{
	eni *e = find_eni(*ctl, id, err);
	uint32_t pos;

	if (!e)
		return err->code;
	if (ip == e->ip) {
		fail(err, EINVAL_).str("address ").ipv4(ip).str(" is the primary private IPv4 address of ")
			.str(e->id).str(" and cannot be unassigned");
		return err->code;
	}
	for (pos = 0; pos < e->secondary_count && e->secondary[pos] != ip; pos++)
		;
	if (pos == e->secondary_count) {
		fail(err, ENOENT_).str("address ").ipv4(ip).str(" is not assigned to ").str(e->id);
		return err->code;
	}
	for (uint32_t i = pos; i + 1 < e->secondary_count; i++)
		e->secondary[i] = e->secondary[i + 1];
	e->secondary_count--;
	if (sync_port(*ctl, e, err)) {
		for (uint32_t i = e->secondary_count; i > pos; i--)
			e->secondary[i] = e->secondary[i - 1];
		e->secondary[pos] = ip;
		e->secondary_count++;
		return err->code;
	}
	eips_ip_gone(*ctl, e, ip);
	fill_info(*e, out);
	return 0;
}

int vcore_ctl_eni_get(const struct vcore_ctl *ctl, const char *id,
		      struct vcore_eni_info *out, struct vcore_err *err)
{
	eni *e = find_eni(*ctl, id, err);

	if (!e)
		return err->code;
	fill_info(*e, out);
	return 0;
}

int vcore_ctl_eni_at(const struct vcore_ctl *ctl, uint32_t pos, struct vcore_eni_info *out)
{
	eni *e = ctl->enis.at(pos);

	if (!e)
		return -ENOENT_;
	fill_info(*e, out);
	return 0;
}

} // extern "C"
