// SPDX-License-Identifier: GPL-2.0
// ip6.cc - IPv6 from an ENI: the router's neighbour discovery and DHCPv6 server, switching within a subnet.
#include "fabric/dhcp6.h"
#include "fabric/fabric.h"
#include "fabric/ipv6.h"
#include "fabric/nd6.h"

using namespace vnitro::base;

namespace vnitro::fabric {

namespace {

/*
 * What the VPC router says, as EC2 documents it: addresses come from
 * DHCPv6 only (M set, no SLAAC: the prefix is on-link but not autonomous;
 * a dual-stack subnet's DHCPv6 gives addresses and nothing else, so O is
 * clear), the VPC's MTU, and the router as default router. The preferred
 * lease time is EC2's default (140 s), renewed at half of it.
 */
constexpr uint16_t ra_router_lifetime_s = 1800;
constexpr uint8_t ra_cur_hop_limit = 64;
constexpr uint32_t prefix_valid_s = 2592000;		// RFC 4861's AdvValidLifetime default
constexpr uint32_t prefix_preferred_s = 604800;	// and AdvPreferredLifetime
constexpr uint32_t lease_preferred_s = 140;
constexpr uint32_t lease_valid_s = 375;
constexpr uint32_t lease_t1_s = lease_preferred_s / 2;
constexpr uint32_t lease_t2_s = lease_preferred_s * 4 / 5;

uint64_t be64_at(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = static_cast<uint8_t>(v);
}

/*
 * An ENI's own addresses: its assigned ones, and a link-local one that is
 * its MAC's (EUI-64) or not of that form at all (stable-privacy, RFC 7217).
 * A link-local address made from another MAC is another port's: using it
 * would let an instance pose as a neighbour or the router.
 */
bool own_address(const port *p, const port_state *st, const uint8_t *a)
{
	uint8_t ll[ipv6_alen];

	if (!ipv6_is_link_local(a))
		return state_has_ip6(st, be64_at(a), be64_at(a + 8));
	ipv6_link_local_from_mac(p->mac, ll);
	return mem_eq(a + 8, ll + 8, 8) || a[11] != 0xff || a[12] != 0xfe;
}

// The subnet router's addresses: its link-local one and the /64's first.
bool router_address(const port_state *st, const uint8_t *rmac, const uint8_t *a)
{
	uint8_t ll[ipv6_alen];

	ipv6_link_local_from_mac(rmac, ll);
	return mem_eq(a, ll, ipv6_alen) || (be64_at(a) == st->ipv6_prefix && be64_at(a + 8) == 1);
}

void send_ra(fabric *fab, port *src, const port_state *st, const uint8_t *rmac,
	     const uint8_t *dst_mac, const uint8_t *dst_ip)
{
	static const uint8_t all_nodes_mac[eth_alen] = { 0x33, 0x33, 0, 0, 0, 1 };
	uint8_t out[nd6_ra_frame_max];
	nd6_ra_params p = {};
	uint32_t len;

	mem_copy(p.router_mac, rmac, eth_alen);
	p.cur_hop_limit = ra_cur_hop_limit;
	p.managed = true;
	p.router_lifetime = ra_router_lifetime_s;
	p.mtu = VCORE_VPC_MTU;
	put_be64(p.prefix, st->ipv6_prefix);
	p.prefix_len = VNITRO_SUBNET_IPV6_PREFIXLEN;
	p.on_link = true;
	p.valid_lifetime = prefix_valid_s;
	p.preferred_lifetime = prefix_preferred_s;
	if (ipv6_is_unspecified(dst_ip))
		len = nd6_build_ra(out, p, all_nodes_mac, ipv6_all_nodes);
	else
		len = nd6_build_ra(out, p, dst_mac, dst_ip);
	port_deliver_copy(src, out, len);
	counter_inc(cpu_stats(fab).ra_sent);
}

/*
 * Router and neighbour solicitations. The VPC answers every one itself, as
 * it does ARP: for the router and for the ENIs of the sender's subnet; an
 * address nobody holds (and duplicate address detection, from ::) gets no
 * answer.
 */
__attribute__((noinline)) vcore_xmit_verdict answer_nd(fabric *fab, port *src,
						       const port_state *st, const uint8_t *rmac,
						       const nd6_message &m)
{
	uint8_t out[nd6_na_frame_len];
	const uint8_t *mac = rmac;
	bool router = true;
	port *target;

	if (m.type == icmp6_router_solicit) {
		send_ra(fab, src, st, rmac, m.eth_src, m.src);
		return VCORE_XMIT_ANSWERED;
	}
	if (m.dad)
		return drop(cpu_stats(fab).drop_no_dest, src);
	if (!router_address(st, rmac, m.target)) {
		if (be64_at(m.target) != st->ipv6_prefix)
			return drop(cpu_stats(fab).drop_no_dest, src);
		target = lookup_ip6(fab, src->vpc_key, st->ipv6_prefix, be64_at(m.target + 8));
		if (!target || target == src || target->subnet_key != src->subnet_key)
			return drop(cpu_stats(fab).drop_no_dest, src);
		mac = target->mac;
		router = false;
	}
	port_deliver_copy(src, out, nd6_build_na(out, m, mac, router));
	counter_inc(cpu_stats(fab).nd6_replies);
	counter_inc(src->rx_arp_replies);
	return VCORE_XMIT_ANSWERED;
}

uint8_t dhcp6_answer_type(const dhcp6_message &m)
{
	switch (m.type) {
	case dhcp6_solicit:
		return m.rapid_commit ? dhcp6_reply : dhcp6_advertise;
	case dhcp6_request:
	case dhcp6_confirm:
	case dhcp6_renew:
	case dhcp6_rebind:
	case dhcp6_release:
	case dhcp6_decline:
	case dhcp6_information_request:
		return dhcp6_reply;
	default:
		return 0;
	}
}

/*
 * The VPC's DHCPv6 server: every address of the ENI in one IA_NA (EC2
 * hands out the addresses assigned to the interface, nothing else), and a
 * router advertisement with each reply, so that a host that renews its
 * lease keeps its default route without periodic advertisements.
 */
__attribute__((noinline)) vcore_xmit_verdict serve_dhcp6(fabric *fab, port *src,
							 const port_state *st, const uint8_t *rmac,
							 uint8_t *frame, uint32_t len)
{
	uint8_t *buf = cpu_scratch(fab), *addrs = buf + dhcp6_frame_max;
	dhcp6_message m;
	dhcp6_lease lease = {};
	uint8_t type;

	static_assert(dhcp6_frame_max + VCORE_PORT_MAX_IPV6 * ipv6_alen <= scratch_stride,
		      "a reply and its addresses fit the scratch buffer");
	if (!dhcp6_parse(frame, len, &m) || !(type = dhcp6_answer_type(m)))
		return drop(cpu_stats(fab).drop_malformed, src);
	// A message for another server (RFC 8415 16) is not ours to answer.
	if (m.server_id && !dhcp6_is_our_server_id(m, rmac))
		return drop(cpu_stats(fab).drop_no_dest, src);
	for (uint32_t i = 0; i < st->count6; i++) {
		put_be64(addrs + i * ipv6_alen, st->ipv6_prefix);
		put_be64(addrs + i * ipv6_alen + 8, st->ents6[i].lo);
	}
	mem_copy(lease.server_mac, rmac, eth_alen);
	lease.addrs = addrs;
	lease.count = st->count6;
	lease.t1 = lease_t1_s;
	lease.t2 = lease_t2_s;
	lease.preferred = lease_preferred_s;
	lease.valid = lease_valid_s;
	lease.status = dhcp6_status_success;
	// CONFIRM: are the client's addresses still on this link (RFC 8415 18.3.3)?
	if (m.type == dhcp6_confirm && m.ia_addr && be64_at(m.ia_addr) != st->ipv6_prefix)
		lease.status = dhcp6_status_not_on_link;
	port_deliver_copy(src, buf, dhcp6_build_reply(buf, m, type, lease));
	counter_inc(cpu_stats(fab).dhcp6_replies);
	if (type == dhcp6_reply && !ipv6_is_unspecified(m.src))
		send_ra(fab, src, st, rmac, m.eth_src, m.src);
	return VCORE_XMIT_ANSWERED;
}

// ICMPv6 of neighbour discovery (RFC 4861 4): RS, RA, NS, NA, Redirect.
bool is_nd(const ipv6_view &v, uint32_t len)
{
	uint8_t type;

	if (v.next_header != ipproto_icmpv6 || len < eth_hlen + ipv6_hlen + 1)
		return false;
	type = v.hdr[ipv6_hlen];
	return type >= icmp6_router_solicit && type <= icmp6_redirect;
}

bool is_dhcp6_to_server(const ipv6_view &v, uint32_t len)
{
	const uint8_t *udp = v.hdr + ipv6_hlen;

	return v.next_header == ipproto_udp && len >= eth_hlen + ipv6_hlen + udp_hlen &&
	       get_be16(udp + 2) == dhcp6_server_port;
}

/*
 * The VPC router for IPv6: the local route only (the destination is an
 * address of an ENI in another subnet of the VPC); the router's own route
 * tables and the gateways carry IPv4 alone so far. The hop limit is
 * decremented and the frame readdressed from the destination subnet's
 * router, as for IPv4.
 */
__attribute__((noinline)) vcore_xmit_verdict route6(fabric *fab, port *src, uint8_t *frame,
						    const ipv6_view &v, void *frame_ctx)
{
	port *dst = lookup_ip6(fab, src->vpc_key, be64_at(v.dst), be64_at(v.dst + 8));

	if (!dst || dst == src || dst->kind != VCORE_PORT_ENI)
		return drop(cpu_stats(fab).drop_no_route, src);
	if (v.hop_limit <= 1)
		return drop(cpu_stats(fab).drop_ttl, src);
	if (!nacl_passes_ipv6(fab, src, dst) || !sg_allows(fab, src, dst, nullptr))
		return VCORE_XMIT_DROPPED;
	if (path_loses_frame(fab, src))
		return VCORE_XMIT_DROPPED;
	mem_copy(frame, dst->mac, eth_alen);
	router_mac(dst->subnet_key, frame + eth_alen);
	v.hdr[ip6_hop_limit] = static_cast<uint8_t>(v.hop_limit - 1);
	port_deliver(dst, frame_ctx);
	counter_inc(cpu_stats(fab).routed);
	return VCORE_XMIT_DELIVERED;
}

} // namespace

vcore_xmit_verdict xmit6_from_eni(fabric *fab, port *src, uint8_t *frame, uint32_t len,
				  const uint8_t *rmac, bool to_router, void *frame_ctx)
{
	const port_state *st = rcu_load(src->state), *dst_st;
	nd6_message m;
	ipv6_view v;
	port *dst;

	if (!ipv6_parse_head(frame, len, &v))
		return drop(cpu_stats(fab).drop_malformed, src);
	// EC2 carries IPv6 only in subnets that have an IPv6 block.
	if (!st->has_ipv6)
		return drop(cpu_stats(fab).drop_no_ipv6, src);
	/*
	 * Neighbour discovery is the VPC's, as ARP is: it answers every
	 * solicitation itself, multicast or unicast (a reachability probe is
	 * addressed to the neighbour's MAC), and carries no advertisement or
	 * redirect, so that no instance can tell another where an address or
	 * the router is.
	 */
	if (is_nd(v, len)) {
		if (nd6_parse(frame, len, &m))
			return answer_nd(fab, src, st, rmac, m);
		return drop(mac_is_multicast(frame) ? cpu_stats(fab).drop_bcast_mcast
						    : cpu_stats(fab).drop_arp, src);
	}
	if (mac_is_multicast(frame)) {
		if (is_dhcp6_to_server(v, len))
			return serve_dhcp6(fab, src, st, rmac, frame, len);
		// MLD reports, mDNS and the like: the VPC carries no multicast.
		return drop(cpu_stats(fab).drop_bcast_mcast, src);
	}
	if (st->source_dest_check && !own_address(src, st, v.src)) {
		counter_inc(src->tx_src_dst_dropped);
		return drop(cpu_stats(fab).drop_src_dst_check, src);
	}
	if (to_router)
		return route6(fab, src, frame, v, frame_ctx);
	dst = lookup_mac(fab, frame);
	if (!dst || dst == src)
		return drop(cpu_stats(fab).drop_no_dest, src);
	if (dst->kind != VCORE_PORT_ENI || dst->subnet_key != src->subnet_key)
		return drop(cpu_stats(fab).drop_cross_subnet, src);
	dst_st = rcu_load(dst->state);
	if (!dst_st->has_ipv6)
		return drop(cpu_stats(fab).drop_no_ipv6, src);
	if (dst_st->source_dest_check && !own_address(dst, dst_st, v.dst)) {
		counter_inc(dst->rx_src_dst_dropped);
		return drop(cpu_stats(fab).drop_src_dst_check, src);
	}
	return switch_to(fab, src, dst, nullptr, frame_ctx);
}

} // namespace vnitro::fabric
