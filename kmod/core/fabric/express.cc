// SPDX-License-Identifier: GPL-2.0
// express.cc - ENA Express: which frames go over SRD, its counters, and the last checks every frame between two ports passes.
//
// EC2 (User Guide, "Improve network performance between EC2 instances with
// ENA Express"): "Both sending and receiving instances must have ENA
// Express configured"; they may be "in the same Availability Zone or across
// Availability Zones within the same Region"; TCP uses it, UDP only where
// both ends turned on EnaSrdUdpEnabled; a packet above the MTU ENA Express
// needs (8900: AWS's check-ena-express-settings) falls back, still counted
// as eligible; "if any requirement is unmet, the instances use the standard
// TCP/UDP protocol but without SRD to communicate". ena_srd_eligible_tx_pkts
// counts what meets the sender's side of these (ENA's "transmitted or could
// have been transmitted over ENA SRD"); ena_srd_tx_pkts and ena_srd_rx_pkts
// what went over SRD. What SRD does to a packet here (path.cc): it is sprayed
// over the spine paths, steering clear of congested ones, the path's losses
// are recovered (SRD resends within microseconds, below TCP's timeout), it
// arrives in its flow's order, and the flow may use 25 Gbps instead of 5.
#include "fabric/fabric.h"

using namespace vnitro::base;

namespace vnitro::fabric {

namespace {

// Is @pkt of a protocol ENA Express carries, as @p's settings have it?
bool carries(uint8_t mode, packet *pkt)
{
	uint8_t proto;

	if (!pkt || !(mode & VCORE_SRD_ENABLED))
		return false;
	proto = pkt->fields().proto;
	return proto == ipproto_tcp || (proto == ipproto_udp && (mode & VCORE_SRD_UDP));
}

} // namespace

uint32_t region_of(const char *dns_domain)
{
	uint32_t h = 2166136261u;	// FNV-1a: equal domains, equal Regions

	for (size_t i = 0; i < VCORE_DNS_DOMAIN_MAX && dns_domain[i]; i++)
		h = (h ^ uint8_t(dns_domain[i])) * 16777619u;
	return h;
}

bool crossing(fabric *fab, port *src, port *dst, packet *pkt, void *frame_ctx, carriage *c)
{
	uint8_t mode = 0;

	*c = carriage{};
	if (src->kind != VCORE_PORT_ENI && dst->kind != VCORE_PORT_ENI)
		return true;
	vnitro_env_frame_size(frame_ctx, &c->size);
	if (src->kind == VCORE_PORT_ENI)
		mode = rcu_load(src->state)->ena_express;
	if (carries(mode, pkt)) {
		// EC2: a packet over the MTU "falls back to standard ENA transmission,
		// though the packet is still reflected as eligible in the counter".
		counter_add(src->srd_eligible, c->size.packets);
		// The receiver's side: ENA Express (and for UDP its UDP setting) on, the same Region.
		c->srd = c->size.ip_len <= VCORE_SRD_MTU && dst->kind == VCORE_PORT_ENI &&
			 dst->region == src->region &&
			 carries(rcu_load(dst->state)->ena_express, pkt);
	}
	if (!allowances_pass(fab, src, dst, pkt, *c))
		return false;
	// The path model is the VPC's, between ENIs (the gateway's side is the internet's).
	return src->kind != VCORE_PORT_ENI || dst->kind != VCORE_PORT_ENI ||
	       path_carries(fab, src, dst, pkt ? &pkt->fields() : nullptr, c->srd, &c->due_ns);
}

void crossed(port *src, port *dst, const carriage &c)
{
	if (!c.srd)
		return;
	counter_add(src->srd_tx, c.size.packets);
	counter_add(dst->srd_rx, c.size.packets);
}

} // namespace vnitro::fabric
