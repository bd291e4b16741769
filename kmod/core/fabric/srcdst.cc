// SPDX-License-Identifier: GPL-2.0
// srcdst.cc - EC2's source/destination check: an ENI sends and receives only its own IPv4 addresses.
#include "fabric/fabric.h"

using namespace vnitro::base;

namespace vnitro::fabric {

/*
 * EC2 checks IPv4 (and IPv6) traffic only: ARP never reaches here as IP,
 * and DHCP is served before the check. A port with the check off (a NAT
 * instance, a firewall appliance) may send any source address.
 */
bool egress_allowed(fabric *fab, port *src, const ipv4_view *ip)
{
	const port_state *st;

	if (!ip || src->kind != VCORE_PORT_ENI)
		return true;
	st = rcu_load(src->state);
	if (!st->source_dest_check || state_has_ip(st, ip->src))
		return true;
	counter_inc(src->tx_src_dst_dropped);
	drop(cpu_stats(fab).drop_src_dst_check, src);
	return false;
}

bool ingress_allowed(fabric *fab, port *src, port *dst, const ipv4_view *ip)
{
	const port_state *st;

	if (!ip || dst->kind != VCORE_PORT_ENI)
		return true;
	st = rcu_load(dst->state);
	if (!st->source_dest_check || state_has_ip(st, ip->dst))
		return true;
	counter_inc(dst->rx_src_dst_dropped);
	drop(cpu_stats(fab).drop_src_dst_check, src);
	return false;
}

} // namespace vnitro::fabric
