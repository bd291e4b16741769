// SPDX-License-Identifier: GPL-2.0
// ip6.cc - IPv6: the router's neighbour discovery and DHCPv6 server, switching, routing, the gateway.
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

// An error quotes as much of the packet as keeps it within the minimum MTU (RFC 4443 2.4 (c)).
constexpr uint32_t icmp6_error_max = 1280;

/*
 * Sends @to (an ENI) ICMPv6 error @type/@code about @frame (@len bytes, the
 * packet it sent), from its subnet router's first address, after the
 * groups and the subnet's ACL let it in as they do the router's IPv4
 * errors: an error about a tracked flow is related to it. Kept out of line
 * (the scratch buffer is per CPU).
 */
__attribute__((noinline)) void send_icmp6(fabric *fab, port *to, const uint8_t *frame,
					  uint32_t len, uint8_t type, uint8_t code, uint32_t param)
{
	const port_state *st = rcu_load(to->state);
	uint8_t *out = cpu_scratch(fab), *icmp, rmac[eth_alen], router[ipv6_alen];
	uint32_t quoted = len - eth_hlen, l4_len;

	static_assert(eth_hlen + icmp6_error_max <= scratch_stride, "an error fits the scratch buffer");
	if (quoted > icmp6_error_max - ipv6_hlen - 8)
		quoted = icmp6_error_max - ipv6_hlen - 8;
	l4_len = 8 + quoted;
	router_mac(to->subnet_key, rmac);
	put_be64(router, st->ipv6_prefix);
	put_be64(router + 8, 1);
	icmp = ipv6_write_headers(out, frame + eth_alen, rmac, router, frame + eth_hlen + ip6_saddr,
				  l4_len, ipproto_icmpv6, 255);
	icmp[0] = type;
	icmp[1] = code;
	put_be16(icmp + 2, 0);
	put_be32(icmp + 4, param);
	mem_copy(icmp + 8, frame + eth_hlen, quoted);
	put_be16(icmp + 2, ipv6_l4_check(router, frame + eth_hlen + ip6_saddr, icmp, l4_len,
					 ipproto_icmpv6));
	packet err(out, eth_hlen + ipv6_hlen + l4_len);
	if (nacl_admits(fab, to, err) && sg_admits(fab, to, err))
		port_deliver_copy(to, out, err.len);
}

// @frame, routed by the VPC router from @src to @dst (crossing() passed it as @c):
// readdressed from the router, one hop fewer.
vcore_xmit_verdict forward6(fabric *fab, port *src, port *dst, uint8_t *frame, const ipv6_view &v,
			    const carriage &c, void *frame_ctx)
{
	mem_copy(frame, dst->mac, eth_alen);
	if (dst->kind == VCORE_PORT_ENI)
		router_mac(dst->subnet_key, frame + eth_alen);
	else
		vpc_router_mac(dst->vpc_key, frame + eth_alen);
	v.hdr[ip6_hop_limit] = static_cast<uint8_t>(v.hop_limit - 1);
	port_deliver(src, dst, frame_ctx, c.due_ns);
	crossed(src, dst, c);
	counter_inc(cpu_stats(fab).routed);
	return VCORE_XMIT_DELIVERED;
}

// Is @a inside the VPC's /56, of which @prefix (a /64's upper half, or the /56's) is part?
bool in_vpc_block(uint64_t prefix, const addr128 &a)
{
	return (a.hi >> 8) == (prefix >> 8);
}

/*
 * Where the VPC router sends IPv6 from @src to @d: the VPC's own block is
 * the local route (the ENI holding the address); anything else takes the
 * subnet's IPv6 routes, longest prefix first, to the internet gateway or
 * an ENI. nullptr: no route, or its target is gone (a blackhole).
 */
port *route6_target(fabric *fab, port *src, const port_state *st, const addr128 &d)
{
	vcore_fabric_route r;
	port *dst;

	if (in_vpc_block(st->ipv6_prefix, d)) {
		dst = lookup_ip6(fab, src->vpc_key, d.hi, d.lo);
		return dst && dst != src && dst->kind == VCORE_PORT_ENI ? dst : nullptr;
	}
	if (!lookup_route6(fab, src, d, &r))
		return nullptr;
	switch (r.target) {
	case VCORE_ROUTE_IGW:
	case VCORE_ROUTE_EIGW:
		dst = find_igw(fab, src->vpc_key, r.target == VCORE_ROUTE_EIGW);
		return dst && rcu_load(dst->state)->has_ipv6 ? dst : nullptr;
	case VCORE_ROUTE_ENI:
		dst = lookup_mac(fab, r.target_mac);
		return dst && dst != src && dst->kind == VCORE_PORT_ENI &&
		       dst->vpc_key == src->vpc_key ? dst : nullptr;
	default:
		return nullptr;
	}
}

/*
 * The VPC router for IPv6 from an ENI: the route (route6_target), both
 * subnets' network ACLs and both ends' groups, the hop limit (time exceeded
 * when it runs out), and the internet gateway's 1500 bytes, which IPv6
 * routers never fragment: a larger packet gets "packet too big" (RFC 8201
 * path MTU discovery). @seg_len: a GSO frame's largest wire packet.
 */
__attribute__((noinline)) vcore_xmit_verdict route6(fabric *fab, port *src, uint8_t *frame,
						    uint32_t len, const ipv6_view &v,
						    uint32_t seg_len, void *frame_ctx)
{
	const port_state *st = rcu_load(src->state);
	port *dst = route6_target(fab, src, st, addr128_of(v.dst));
	uint32_t wire_len = seg_len ? seg_len : ipv6_hlen + v.payload_len;
	packet pkt(frame, len);
	carriage c;

	if (!dst)
		return drop(cpu_stats(fab).drop_no_route, src);
	if (v.hop_limit <= 1) {
		if (sg_sends(fab, src, pkt))
			send_icmp6(fab, src, frame, len, icmp6_time_exceeded, 0, 0);
		return drop(cpu_stats(fab).drop_ttl, src);
	}
	if (!nacl_leaves(fab, src, dst, pkt) || !nacl_enters(fab, src, dst, pkt))
		return VCORE_XMIT_DROPPED;
	if (dst->kind == VCORE_PORT_IGW && wire_len > VCORE_IGW_MTU) {
		if (sg_sends(fab, src, pkt))
			send_icmp6(fab, src, frame, len, icmp6_too_big, 0, VCORE_IGW_MTU);
		return drop(cpu_stats(fab).drop_too_big, src);
	}
	if (!sg_allows(fab, src, dst, &pkt) || !crossing(fab, src, dst, &pkt, frame_ctx, &c))
		return VCORE_XMIT_DROPPED;
	return forward6(fab, src, dst, frame, v, c, frame_ctx);
}

} // namespace

vcore_xmit_verdict xmit6_from_eni(fabric *fab, port *src, uint8_t *frame, uint32_t len,
				  const uint8_t *rmac, bool to_router, uint32_t seg_len,
				  void *frame_ctx)
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
	// A fragment header right after the fixed one, as every sender puts it.
	if (v.next_header == ipproto_fragment && !fragment_allowed(fab, src))
		return VCORE_XMIT_DROPPED;
	if (to_router)
		return route6(fab, src, frame, len, v, seg_len, frame_ctx);
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
	packet pkt(frame, len);
	return switch_to(fab, src, dst, &pkt, frame_ctx);
}

/*
 * IPv6 from the internet gateway's side: it answers neighbour solicitations
 * for the VPC's /56 with the VPC router's MAC (as it answers ARP for the
 * IPv4 block), and the router carries a packet sent to that MAC to the ENI
 * holding its destination, through the subnet's ACL and the ENI's groups.
 */
vcore_xmit_verdict xmit6_from_igw(fabric *fab, port *src, uint8_t *frame, uint32_t len,
				  void *frame_ctx)
{
	const port_state *st = rcu_load(src->state);
	uint8_t vmac[eth_alen], out[nd6_na_frame_len];
	nd6_message m;
	ipv6_view v;
	carriage c;
	addr128 d;
	port *dst;

	if (!ipv6_parse_head(frame, len, &v))
		return drop(cpu_stats(fab).drop_malformed, src);
	if (!st->has_ipv6)
		return drop(cpu_stats(fab).drop_no_ipv6, src);
	vpc_router_mac(src->vpc_key, vmac);
	if (is_nd(v, len)) {
		if (!nd6_parse(frame, len, &m) || m.type != icmp6_neighbor_solicit || m.dad ||
		    !in_vpc_block(st->ipv6_prefix, addr128_of(m.target)))
			return drop(cpu_stats(fab).drop_no_dest, src);
		port_deliver_copy(src, out, nd6_build_na(out, m, vmac, true));
		counter_inc(cpu_stats(fab).nd6_replies);
		return VCORE_XMIT_ANSWERED;
	}
	if (mac_is_multicast(frame))
		return drop(cpu_stats(fab).drop_bcast_mcast, src);
	d = addr128_of(v.dst);
	if (!mem_eq(frame, vmac, eth_alen) || !in_vpc_block(st->ipv6_prefix, d))
		return drop(cpu_stats(fab).drop_no_dest, src);
	dst = lookup_ip6(fab, src->vpc_key, d.hi, d.lo);
	if (!dst || dst->kind != VCORE_PORT_ENI)
		return drop(cpu_stats(fab).drop_no_dest, src);
	if (v.hop_limit <= 1)
		return drop(cpu_stats(fab).drop_ttl, src);
	packet pkt(frame, len);
	if (!nacl_enters(fab, src, dst, pkt) || !sg_allows(fab, src, dst, &pkt) ||
	    !crossing(fab, src, dst, &pkt, frame_ctx, &c))
		return VCORE_XMIT_DROPPED;
	return forward6(fab, src, dst, frame, v, c, frame_ctx);
}

} // namespace vnitro::fabric

using namespace vnitro::fabric;

extern "C" uint32_t vcore_fabric_advertise(struct vcore_fabric *fab)
{
	static const uint8_t unspecified[ipv6_alen] = {};	// send_ra: to all nodes
	uint8_t rmac[eth_alen];
	uint32_t sent = 0;
	rcu_guard rcu;

	for (port *head : fab->buckets) {
		for (port *p = rcu_load(head); p; p = rcu_load(p->next)) {
			const port_state *st = rcu_load(p->state);

			if (p->kind != VCORE_PORT_ENI || !st->has_ipv6)
				continue;
			router_mac(p->subnet_key, rmac);
			send_ra(fab, p, st, rmac, nullptr, unspecified);
			sent++;
		}
	}
	return sent;
}
