// SPDX-License-Identifier: GPL-2.0
/*
 * linklocal.cc - EC2's link-local services (the instance metadata service,
 * the VPC's DNS resolver, Time Sync): what an ENI sends them goes to the
 * services port, and the services port's replies to the ENI that asked.
 *
 * On EC2 these answer on the instance's own ENI whatever its VPC, subnet,
 * route table, network ACL or security groups say (no rule of either
 * filters them), and they cannot be reached any other way: a frame for them
 * from an internet gateway, or routed from another subnet, never gets here.
 * The services port's namespace tells the ENIs apart by the alias the shim
 * gives each request's destination (vcore/fabric.h), so two instances of
 * overlapping VPCs, with the same address and port, stay two connections.
 */
#include "fabric/fabric.h"
#include "base/ipv4.h"
#include "base/text.h"

using namespace vnitro::base;

namespace vnitro::fabric {

namespace {

// The destination port of a TCP or UDP packet that is not a later
// fragment, or -1.
int dst_port(const ipv4_view &ip, const uint8_t *frame, uint32_t len)
{
	uint32_t l4 = eth_hlen + ip.hlen;

	if ((ip.frag & ip_offset_mask) || len < l4 + 4 ||
	    (ip.proto != ipproto_tcp && ip.proto != ipproto_udp))
		return -1;
	return get_be16(frame + l4 + 2);
}

// Does @svc listen on @ip's protocol and @port?
bool serves(int svc, const ipv4_view &ip, int port)
{
	switch (svc) {
	case VCORE_SVC_IMDS:
		return ip.proto == ipproto_tcp && port == 80;
	case VCORE_SVC_DNS:
	case VCORE_SVC_DNS_VPC:
		return port == 53;
	case VCORE_SVC_NTP:
		return ip.proto == ipproto_udp && port == 123;
	}
	return false;
}

uint32_t address_of(const port *p, uint32_t svc)
{
	switch (svc) {
	case VCORE_SVC_IMDS:
		return VCORE_SVC_IMDS_IP;
	case VCORE_SVC_DNS:
		return VCORE_SVC_DNS_IP;
	case VCORE_SVC_DNS_VPC:
		return p->vpc_prefixlen ? p->vpc_addr + 2 : 0;
	default:
		return VCORE_SVC_NTP_IP;
	}
}

uint32_t alias_of(const port *p)
{
	return p->svc_slot ? VCORE_SVC_ALIAS_NET | uint32_t(p->svc_slot) << 2 : 0;
}

} // namespace

int svc_of(const port *src, uint32_t dst_ip)
{
	switch (dst_ip) {
	case VCORE_SVC_IMDS_IP:
		return VCORE_SVC_IMDS;
	case VCORE_SVC_DNS_IP:
		return VCORE_SVC_DNS;
	case VCORE_SVC_NTP_IP:
		return VCORE_SVC_NTP;
	}
	// The VPC's base + 2 is reserved in the subnet holding it: no ENI has it.
	if (src->vpc_prefixlen && dst_ip == src->vpc_addr + 2)
		return VCORE_SVC_DNS_VPC;
	return -1;
}

vcore_xmit_verdict svc_request(fabric *fab, port *src, const ipv4_view &ip, const uint8_t *frame,
			       uint32_t len, void *frame_ctx)
{
	port *svc = rcu_load(fab->svc);

	if (!svc || !src->svc_slot || !serves(svc_of(src, ip.dst), ip, dst_port(ip, frame, len)))
		return drop(cpu_stats(fab).drop_svc, src);
	// 1024 requests may come at once, then one each 1/1024 s.
	if (!rate_take(src->linklocal_tat, VCORE_LINKLOCAL_PPS, base::svc->now_ns())) {
		counter_inc(src->linklocal_exceeded);
		return drop(cpu_stats(fab).drop_linklocal_allowance, src);
	}
	port_deliver(src, svc, frame_ctx);
	counter_inc(cpu_stats(fab).svc_requests);
	return VCORE_XMIT_DELIVERED;
}

int svc_port_add(fabric *fab, port *p)
{
	if (p->kind == VCORE_PORT_SERVICES) {
		if (fab->svc)
			return -EEXIST_;
		rcu_store(fab->svc, p);
		return 0;
	}
	if (p->kind != VCORE_PORT_ENI)
		return 0;
	// Round robin: a reply still on its way to a slot's last owner does
	// not find a new one there. No free slot: the ENI has no services.
	for (uint32_t n = 1; n < VCORE_SVC_SLOTS; n++) {
		uint32_t slot = (fab->svc_cursor + n) % VCORE_SVC_SLOTS;

		if (slot && !fab->svc_slots[slot]) {
			fab->svc_cursor = slot;
			p->svc_slot = uint16_t(slot);
			rcu_store(fab->svc_slots[slot], p);
			break;
		}
	}
	return 0;
}

void svc_port_del(fabric *fab, port *p)
{
	if (fab->svc == p)
		rcu_store(fab->svc, static_cast<port *>(nullptr));
	if (p->svc_slot && fab->svc_slots[p->svc_slot] == p)
		rcu_store(fab->svc_slots[p->svc_slot], static_cast<port *>(nullptr));
}

} // namespace vnitro::fabric

using namespace vnitro::fabric;

extern "C" {

uint32_t vcore_fabric_port_svc_alias(const struct vcore_fabric_port *port)
{
	return port->kind == VCORE_PORT_ENI ? alias_of(port) : 0;
}

uint32_t vcore_fabric_svc_alias(struct vcore_fabric *fab, const uint8_t *frame, uint32_t len)
{
	const uint8_t *ip = frame + eth_hlen;
	port *src;
	int svc;

	if (len < eth_hlen + ipv4_min_hlen || get_be16(frame + 12) != ethertype_ipv4)
		return 0;
	// The fabric checked the source MAC: it is the asking ENI's.
	src = lookup_mac(fab, frame + eth_alen);
	if (!src || src->kind != VCORE_PORT_ENI || !src->svc_slot)
		return 0;
	svc = svc_of(src, get_be32(ip + ip_daddr));
	return svc < 0 ? 0 : alias_of(src) | uint32_t(svc);
}

struct vcore_fabric_port *vcore_fabric_svc_reply_to(struct vcore_fabric *fab,
						    struct vcore_fabric_port *svc,
						    uint8_t *frame, uint32_t len,
						    uint32_t *service_ip)
{
	uint32_t alias, slot;
	ipv4_view ip;
	port *dst;

	if (!ipv4_parse(frame, len, &ip)) {
		drop(cpu_stats(fab).drop_malformed, svc);
		return nullptr;
	}
	alias = ip.src;
	slot = (alias >> 2) & (VCORE_SVC_SLOTS - 1);
	dst = prefix_contains(VCORE_SVC_ALIAS_NET, VCORE_SVC_ALIAS_PREFIXLEN, alias) && slot ?
		      rcu_load(fab->svc_slots[slot]) : nullptr;
	// A slot freed a moment ago is empty: what its ENI asked dies with it.
	if (!dst || dst->unplugged || !(*service_ip = address_of(dst, alias & 3))) {
		drop(cpu_stats(fab).drop_svc, svc);
		return nullptr;
	}
	router_mac(dst->subnet_key, frame + eth_alen);
	mem_copy(frame, dst->mac, eth_alen);
	return static_cast<vcore_fabric_port *>(dst);
}

void vcore_fabric_svc_deliver(struct vcore_fabric *fab, struct vcore_fabric_port *dst,
			      void *frame_ctx)
{
	port_deliver(nullptr, dst, frame_ctx);
	counter_inc(cpu_stats(fab).svc_replies);
}

} // extern "C"
