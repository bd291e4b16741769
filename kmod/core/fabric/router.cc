// SPDX-License-Identifier: GPL-2.0
// router.cc - the VPC router: per-subnet route tables (longest prefix wins), TTL, the 1500-byte edge.
#include "fabric/fabric.h"
#include "fabric/icmp.h"
#include "base/csum.h"
#include "base/ipv4.h"
#include "base/text.h"

using namespace vnitro::base;

namespace vnitro::fabric {

namespace {

} // namespace

const route_table *find_table(const fabric *fab, uint32_t key)
{
	return fab->tables.find(key);
}

namespace {

// The route for @dst from @src's subnet: its table, longest prefix first, or
// the implicit local route of the VPC when the subnet has no table.
bool lookup_route(const fabric *fab, const port *src, uint32_t dst, vcore_fabric_route *out)
{
	const route_table *t = find_table(fab, src->subnet_key);

	if (!t) {
		if (!src->vpc_prefixlen || !prefix_contains(src->vpc_addr, src->vpc_prefixlen, dst))
			return false;
		*out = vcore_fabric_route{};
		out->target = VCORE_ROUTE_LOCAL;
		return true;
	}
	for (uint32_t i = 0; i < t->count; i++) {
		if (!t->routes[i].ipv6 && prefix_contains(t->routes[i].addr, t->routes[i].prefixlen, dst)) {
			*out = t->routes[i];
			return true;
		}
	}
	return false;
}

} // namespace

bool lookup_route6(const fabric *fab, const port *src, const addr128 &dst, vcore_fabric_route *out)
{
	const route_table *t = find_table(fab, src->subnet_key);

	for (uint32_t i = 0; t && i < t->count; i++) {
		const vcore_fabric_route &r = t->routes[i];

		if (r.ipv6 && prefix6_contains({ r.addr6_hi, r.addr6_lo }, r.prefixlen, dst)) {
			*out = r;
			return true;
		}
	}
	return false;
}

port *find_igw(const fabric *fab, uint32_t vpc_key, bool egress_only)
{
	for (port *p = rcu_load(fab->igws); p; p = rcu_load(p->igw_next))
		if (p->vpc_key == vpc_key && p->egress_only == egress_only)
			return p;
	return nullptr;
}

namespace {

// Kept out of line: the reply buffer lives only while an error is sent.
__attribute__((noinline)) void send_icmp(fabric *fab, port *to, const uint8_t *frame, uint32_t len,
					 const ipv4_view &ip, uint8_t type, uint8_t code,
					 uint16_t mtu)
{
	uint8_t out[icmp_frame_max];
	uint8_t mac[eth_alen];
	ipv4_view err_ip;
	uint32_t n;

	// From the sender's own router, the address it has as its gateway.
	router_mac(to->subnet_key, mac);
	n = icmp_build_error(out, frame, len, ip, mac, to->subnet_addr + 1, type, code, mtu);
	if (!ipv4_parse(out, n, &err_ip))
		return;
	ip_packet err(err_ip, out, n);
	if (nacl_admits(fab, to, err) && sg_admits(fab, to, err))
		port_deliver_copy(to, out, n);
}

vcore_xmit_verdict ttl_expired(fabric *fab, port *src, ip_packet &pkt)
{
	if (!sg_sends(fab, src, pkt))
		return VCORE_XMIT_DROPPED;
	// What traceroute needs; the internet side gets no answer (no router address there).
	if (src->kind == VCORE_PORT_ENI && icmp_may_answer(pkt.frame, pkt.len, pkt.ip))
		send_icmp(fab, src, pkt.frame, pkt.len, pkt.ip, icmp_time_exceeded, icmp_code_ttl, 0);
	return drop(cpu_stats(fab).drop_ttl, src);
}

/*
 * Over the internet gateway's 1500 bytes. The fabric never fragments: with
 * DF the sender learns the MTU (RFC 1191) unless the gateway suppresses the
 * ICMP (the PMTUD black hole); without DF the packet is dropped.
 */
vcore_xmit_verdict too_big(fabric *fab, port *src, port *igw, ip_packet &pkt)
{
	if (!sg_sends(fab, src, pkt))
		return VCORE_XMIT_DROPPED;
	if (!(pkt.ip.frag & ip_flag_df) || !rcu_load(igw->state)->frag_needed ||
	    !icmp_may_answer(pkt.frame, pkt.len, pkt.ip))
		return drop(cpu_stats(fab).drop_too_big, src);
	send_icmp(fab, src, pkt.frame, pkt.len, pkt.ip, icmp_dest_unreach, icmp_code_frag_needed,
		  VCORE_IGW_MTU);
	counter_inc(cpu_stats(fab).frag_needed_sent);
	return VCORE_XMIT_ANSWERED;
}

// Rewrites @frame (@pkt's) as a router sends it on and delivers it to @dst.
vcore_xmit_verdict forward(fabric *fab, port *src, port *dst, uint8_t *frame, ip_packet &pkt,
			   void *frame_ctx)
{
	const ipv4_view &ip = pkt.ip;
	uint8_t *ttl_word = ip.hdr + ip_ttl;
	uint16_t before, after;
	carriage c;

	if (!ingress_allowed(fab, src, dst, &ip))
		return VCORE_XMIT_DROPPED;
	if (!nacl_enters(fab, src, dst, pkt))
		return VCORE_XMIT_DROPPED;
	if (!sg_allows(fab, src, dst, &pkt) || !crossing(fab, src, dst, &pkt, frame_ctx, &c))
		return VCORE_XMIT_DROPPED;
	mem_copy(frame, dst->mac, eth_alen);
	if (dst->kind == VCORE_PORT_ENI)
		router_mac(dst->subnet_key, frame + eth_alen);
	else
		vpc_router_mac(dst->vpc_key, frame + eth_alen);
	// TTL shares a 16-bit word with the protocol: RFC 1624 on that word.
	before = get_be16(ttl_word);
	ttl_word[0]--;
	after = get_be16(ttl_word);
	put_be16(ip.hdr + ip_check, csum_replace16(get_be16(ip.hdr + ip_check), before, after));
	port_deliver(src, dst, frame_ctx, c.due_ns);
	crossed(src, dst, c);
	counter_inc(cpu_stats(fab).routed);
	return VCORE_XMIT_DELIVERED;
}

bool valid_target_mac(const uint8_t *mac)
{
	static const uint8_t zero[eth_alen] = {};

	return !mac_is_multicast(mac) && !mem_eq(mac, zero, eth_alen) && !mac_is_vpc_reserved(mac);
}

bool valid_routes(const vcore_fabric_subnet_desc &d)
{
	if (!d.key || d.key > VCORE_SUBNET_KEY_MAX || d.prefixlen > 32 ||
	    d.route_count > VCORE_SUBNET_MAX_ROUTES)
		return false;
	for (uint32_t i = 0; i < d.route_count; i++) {
		const vcore_fabric_route &r = d.routes[i];

		// An egress-only internet gateway carries IPv6 alone.
		if (r.ipv6 > 1 || r.target > VCORE_ROUTE_EIGW ||
		    (r.target == VCORE_ROUTE_EIGW && !r.ipv6))
			return false;
		if (r.ipv6 ? (r.prefixlen > 128 || r.addr || !prefix6_exact({ r.addr6_hi, r.addr6_lo },
									    r.prefixlen))
			   : (r.prefixlen > 32 || (r.addr & ~prefix_mask(r.prefixlen)) ||
			      r.addr6_hi || r.addr6_lo))
			return false;
		if (r.target == VCORE_ROUTE_ENI && !valid_target_mac(r.target_mac))
			return false;
		for (uint32_t j = 0; j < i; j++)
			if (d.routes[j].ipv6 == r.ipv6 && d.routes[j].addr == r.addr &&
			    d.routes[j].addr6_hi == r.addr6_hi && d.routes[j].addr6_lo == r.addr6_lo &&
			    d.routes[j].prefixlen == r.prefixlen)
				return false;	// EC2: RouteAlreadyExists
	}
	return true;
}

// Insertion sort, longest prefix first: the data path takes the first match.
void sort_routes(route_table *t)
{
	for (uint32_t i = 1; i < t->count; i++) {
		vcore_fabric_route r = t->routes[i];
		uint32_t j = i;

		for (; j && t->routes[j - 1].prefixlen < r.prefixlen; j--)
			t->routes[j] = t->routes[j - 1];
		t->routes[j] = r;
	}
}

} // namespace

vcore_xmit_verdict route_from_eni(fabric *fab, port *src, uint8_t *frame, uint32_t len,
				  const ipv4_view *ip, uint32_t seg_len, void *frame_ctx)
{
	vcore_fabric_route r;
	port *dst = nullptr;

	if (!ip)			// the VPC router routes IPv4 only
		return drop(cpu_stats(fab).drop_no_route, src);
	ip_packet pkt(*ip, frame, len);

	if (!lookup_route(fab, src, ip->dst, &r))
		return drop(cpu_stats(fab).drop_no_route, src);
	switch (r.target) {
	case VCORE_ROUTE_LOCAL:
		dst = lookup_ip(fab, src->vpc_key, ip->dst);
		if (!dst)
			return drop(cpu_stats(fab).drop_no_dest, src);
		break;
	case VCORE_ROUTE_ENI:
		dst = lookup_mac(fab, r.target_mac);
		if (!dst || dst->kind != VCORE_PORT_ENI || dst->vpc_key != src->vpc_key)
			return drop(cpu_stats(fab).drop_no_route, src);	// blackhole
		break;
	case VCORE_ROUTE_IGW:
		dst = find_igw(fab, src->vpc_key);
		if (!dst)
			return drop(cpu_stats(fab).drop_no_route, src);	// blackhole
		break;
	default:
		return drop(cpu_stats(fab).drop_no_route, src);
	}
	if (!nacl_leaves(fab, src, dst, pkt))
		return VCORE_XMIT_DROPPED;
	if (ip->ttl <= 1)
		return ttl_expired(fab, src, pkt);
	// A GSO frame's header counts all its segments: the wire sees each one.
	if (dst->kind == VCORE_PORT_IGW && (seg_len ? seg_len : ip->tot_len) > VCORE_IGW_MTU)
		return too_big(fab, src, dst, pkt);
	return forward(fab, src, dst, frame, pkt, frame_ctx);
}

vcore_xmit_verdict route_from_igw(fabric *fab, port *src, uint8_t *frame, uint32_t len,
				  void *frame_ctx)
{
	ipv4_view ip;
	port *dst;

	if (get_be16(frame + 12) != ethertype_ipv4)
		return drop(cpu_stats(fab).drop_no_route, src);
	if (!ipv4_parse(frame, len, &ip))
		return drop(cpu_stats(fab).drop_malformed, src);
	if (!prefix_contains(src->vpc_addr, src->vpc_prefixlen, ip.dst))
		return drop(cpu_stats(fab).drop_no_dest, src);
	dst = lookup_ip(fab, src->vpc_key, ip.dst);
	if (!dst)
		return drop(cpu_stats(fab).drop_no_dest, src);
	ip_packet pkt(ip, frame, len);

	if (ip.ttl <= 1)
		return ttl_expired(fab, src, pkt);
	return forward(fab, src, dst, frame, pkt, frame_ctx);
}

} // namespace vnitro::fabric

using namespace vnitro::fabric;

extern "C" {

int vcore_fabric_subnet_set(struct vcore_fabric *fab, const struct vcore_fabric_subnet_desc *desc)
{
	route_table *nt;

	if (!valid_routes(*desc))
		return -EINVAL_;
	nt = create<route_table>();
	if (!nt)
		return -ENOMEM_;
	nt->key = desc->key;
	nt->vpc_key = desc->vpc_key;
	nt->nacl_key = desc->nacl_key;
	nt->count = desc->route_count;
	for (uint32_t i = 0; i < nt->count; i++)
		nt->routes[i] = desc->routes[i];
	sort_routes(nt);
	fab->tables.publish(fab->writer_lock, nt);	// readers see the old table or the new one
	return 0;
}

int vcore_fabric_subnet_get(struct vcore_fabric *fab, uint32_t key,
			    struct vcore_fabric_subnet_desc *out)
{
	mutex_guard guard(fab->writer_lock);
	const route_table *t = find_table(fab, key);

	if (!t)
		return -ENOENT_;
	*out = vcore_fabric_subnet_desc{};
	out->key = t->key;
	out->vpc_key = t->vpc_key;
	out->nacl_key = t->nacl_key;
	out->route_count = t->count;
	for (uint32_t i = 0; i < t->count; i++)
		out->routes[i] = t->routes[i];
	return 0;
}

void vcore_fabric_subnet_del(struct vcore_fabric *fab, uint32_t key)
{
	fab->tables.remove(fab->writer_lock, key);
}

} // extern "C"
