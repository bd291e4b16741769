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
#include "base/csum.h"
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

// The largest MSS whose segments fit ENA Express's MTU: its IP packet less
// the IP and TCP headers.
constexpr uint8_t tcp_syn = 0x02;
constexpr uint16_t srd_mss_v4 = VCORE_SRD_MTU - 20 - 20;
constexpr uint16_t srd_mss_v6 = VCORE_SRD_MTU - 40 - 20;

// EC2 (User Guide, ENA Express, "MTU size"): "ENA Express requires a lower
// MTU than the default to accommodate additional AWS SRD headers. Newly
// established TCP connections automatically clamp the MSS to mitigate
// this". A SYN (or SYN-ACK) that ENA Express would carry has its MSS option
// lowered to what fits, so the connection's segments stay eligible; its
// checksum follows (RFC 1624) unless the device is to compute it. The frame
// is the sender's, made writable for SYNs (xmit's contract).
void clamp_mss(fabric *fab, packet *pkt, const carriage &c)
{
	const sg_packet &f = pkt->fields();
	uint8_t *tcp = const_cast<uint8_t *>(f.tcp);
	uint16_t limit = f.v6 ? srd_mss_v6 : srd_mss_v4;
	uint32_t hlen, i;

	if (!tcp || !(f.tcp_flags & tcp_syn) || f.tcp_avail < 20)
		return;
	// The shim makes a SYN writable where it finds one: IPv6 without
	// extension headers (TCP right after the 40-byte header) only.
	if (f.v6 && f.tcp != pkt->frame + eth_hlen + 40)
		return;
	hlen = (tcp[12] >> 4) * 4u;
	if (hlen < 20 || hlen > f.tcp_avail)
		return;
	for (i = 20; i < hlen;) {
		uint8_t kind = tcp[i];

		if (kind == 0)		// end of options
			return;
		if (kind == 1) {	// no-op
			i++;
			continue;
		}
		if (i + 1 >= hlen || tcp[i + 1] < 2 || i + tcp[i + 1] > hlen)
			return;
		if (kind == 2 && tcp[i + 1] == 4) {
			uint16_t mss = get_be16(tcp + i + 2);

			if (mss <= limit)
				return;
			put_be16(tcp + i + 2, limit);
			if (!c.size.csum_partial)
				put_be16(tcp + 16, csum_replace16(get_be16(tcp + 16), mss, limit));
			counter_inc(cpu_stats(fab).srd_mss_clamped);
			return;
		}
		i += tcp[i + 1];
	}
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
	// Only what an ENI sends crosses to another host (the gateway's, the
	// internet's, is not carried there yet).
	if (dst->remote_host && src->kind != VCORE_PORT_ENI) {
		drop(cpu_stats(fab).drop_no_dest, src);
		return false;
	}
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
		bool both = dst->kind == VCORE_PORT_ENI && dst->region == src->region &&
			    carries(rcu_load(dst->state)->ena_express, pkt);

		c->srd = both && c->size.ip_len <= VCORE_SRD_MTU;
		if (both)
			clamp_mss(fab, pkt, *c);
	}
	if (!allowances_pass(fab, src, dst, pkt, *c))
		return false;
	// The path model is the VPC's, between ENIs (the gateway's side is the internet's).
	if (src->kind == VCORE_PORT_ENI && dst->kind == VCORE_PORT_ENI &&
	    !path_carries(fab, src, dst, pkt ? &pkt->fields() : nullptr, c->srd, &c->due_ns))
		return false;
	// A packet that waited in an allowance's queue leaves when its turn comes.
	if (c->queued_ns) {
		uint64_t turn = vnitro_env_clock_ns() + c->queued_ns;

		if (turn > c->due_ns)
			c->due_ns = turn;
	}
	return true;
}

void crossed(port *src, port *dst, const carriage &c)
{
	if (!c.srd)
		return;
	counter_add(src->srd_tx, c.size.packets);
	counter_add(dst->srd_rx, c.size.packets);
}

} // namespace vnitro::fabric
