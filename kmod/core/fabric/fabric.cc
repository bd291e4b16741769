// SPDX-License-Identifier: GPL-2.0
// fabric.cc - the VPC switch: ports by MAC, same-subnet switching, the ARP responder, dispatch to the services.
#include "fabric/arp.h"
#include "fabric/fabric.h"
#include "fabric/ipv6.h"
#include "base/ipv4.h"
#include "base/text.h"

using namespace vnitro::base;

namespace vnitro::fabric {

namespace {

uint32_t mac_bucket(const uint8_t *mac)
{
	// Fibonacci hashing of the low four octets (a generated MAC's random
	// part); the top bits pick the bucket.
	uint32_t low = (uint32_t)mac[2] << 24 | (uint32_t)mac[3] << 16 | (uint32_t)mac[4] << 8 | mac[5];

	return (low * 0x9e3779b1u) >> (32 - mac_bucket_bits);
}

/*
 * A link-local service's address an ENI may ask ARP for: those in
 * 169.254.0.0/16 (where a link-scope route for it sends the instance, as
 * some distributions install one), and the VPC's DNS address when it lies
 * in the sender's subnet. The subnet router answers for them.
 */
bool svc_on_link(const port *src, uint32_t ip)
{
	return svc_of(src, ip) >= 0 &&
	       (ip != src->vpc_addr + 2 || prefix_contains(src->subnet_addr, src->subnet_prefixlen, ip));
}

/*
 * ENI: the subnet router (.1), the link-local services (svc_on_link) and
 * every IP of the sender's subnet. IGW: any
 * address of the VPC CIDR, at the VPC router. Kept out of line so that the
 * reply buffer is on the stack only while a reply is built.
 */
__attribute__((noinline)) vcore_xmit_verdict answer_arp(fabric *fab, port *src,
							const uint8_t *frame, uint32_t len)
{
	uint8_t reply[arp_frame_len];
	uint8_t mac[eth_alen];
	arp_request req;
	port *target;

	if (!arp_parse_request(frame, len, &req))
		return drop(arp_is_other_op(frame, len) ? cpu_stats(fab).drop_arp
							 : cpu_stats(fab).drop_malformed, src);
	if (src->kind == VCORE_PORT_IGW) {
		if (!prefix_contains(src->vpc_addr, src->vpc_prefixlen, req.target_ip) &&
		    !eip_by_public(fab, src->vpc_key, req.target_ip))
			return drop(cpu_stats(fab).drop_no_dest, src);
		vpc_router_mac(src->vpc_key, mac);
	} else if (req.target_ip == src->subnet_addr + 1 || svc_on_link(src, req.target_ip)) {
		router_mac(src->subnet_key, mac);
	} else {
		target = lookup_ip(fab, src->vpc_key, req.target_ip);
		// No answer for one's own address: that is duplicate address detection.
		if (!target || target == src || target->subnet_key != src->subnet_key)
			return drop(cpu_stats(fab).drop_no_dest, src);
		mem_copy(mac, target->mac, eth_alen);
	}
	arp_build_reply(reply, req, mac);
	port_deliver_copy(src, reply, sizeof(reply));
	counter_inc(cpu_stats(fab).arp_replies);
	counter_inc(src->rx_arp_replies);
	return VCORE_XMIT_ANSWERED;
}

vcore_xmit_verdict xmit_from_eni(fabric *fab, port *src, uint8_t *frame, uint32_t len,
				 uint32_t seg_len, void *frame_ctx)
{
	uint16_t type = get_be16(frame + 12);
	uint8_t rmac[eth_alen];
	bool to_router, ip_ok = false;
	ipv4_view ipv;
	port *dst;

	// Anti-spoofing: an ENI sends with its own MAC, or not at all (a frame
	// under another port's MAC would poison learning and ARP caches).
	if (!mem_eq(frame + eth_alen, src->mac, eth_alen))
		return drop(cpu_stats(fab).drop_spoofed_mac, src);
	router_mac(src->subnet_key, rmac);
	to_router = mem_eq(frame, rmac, eth_alen);
	if (type == ethertype_ipv6)
		return xmit6_from_eni(fab, src, frame, len, rmac, to_router, seg_len, frame_ctx);
	// Instances never see each other's ARP: the VPC answers every request
	// itself, broadcast or unicast (a neighbour's reachability probe is
	// addressed to the neighbour's MAC), and carries no reply, so no
	// instance can tell another where an address is.
	if (type == ethertype_arp && (!mac_is_multicast(frame) || mac_is_broadcast(frame)))
		return answer_arp(fab, src, frame, len);
	// Before the source check: a client without an address sends from 0.0.0.0.
	if ((mac_is_broadcast(frame) || to_router) &&
	    dhcp_is_for_server(frame, len, src->subnet_addr + 1))
		return dhcp_serve(fab, src, frame, len);
	if (mac_is_multicast(frame))
		return drop(cpu_stats(fab).drop_bcast_mcast, src);
	if (type == ethertype_ipv4) {
		ip_ok = ipv4_parse(frame, len, &ipv);
		// What cannot be checked or routed is not sent.
		if (!ip_ok && (to_router || rcu_load(src->state)->source_dest_check))
			return drop(cpu_stats(fab).drop_malformed, src);
	}
	if (!egress_allowed(fab, src, ip_ok ? &ipv : nullptr))
		return VCORE_XMIT_DROPPED;
	if (ip_ok && (ipv.frag & (ip_flag_mf | ip_offset_mask)) && !fragment_allowed(fab, src))
		return VCORE_XMIT_DROPPED;
	// The link-local services, whatever the routes, ACLs and groups say.
	if (to_router && ip_ok && svc_of(src, ipv.dst) >= 0)
		return svc_request(fab, src, ipv, frame, len, frame_ctx);
	if (to_router)
		return route_from_eni(fab, src, frame, len, ip_ok ? &ipv : nullptr, seg_len,
				      frame_ctx);

	dst = lookup_mac(fab, frame);
	if (!dst || dst == src)
		return drop(cpu_stats(fab).drop_no_dest, src);
	// Another subnet (or the internet gateway) is reached only through the router.
	if (dst->kind != VCORE_PORT_ENI || dst->subnet_key != src->subnet_key)
		return drop(cpu_stats(fab).drop_cross_subnet, src);
	if (type == ethertype_ipv4 && !ip_ok && rcu_load(dst->state)->source_dest_check)
		return drop(cpu_stats(fab).drop_malformed, src);
	if (!ingress_allowed(fab, src, dst, ip_ok ? &ipv : nullptr))
		return VCORE_XMIT_DROPPED;
	ip_packet pkt(ipv, frame, len);

	return switch_to(fab, src, dst, ip_ok ? &pkt : nullptr, frame_ctx);
}

// The internet reaches the VPC only through the VPC router.
vcore_xmit_verdict xmit_from_igw(fabric *fab, port *src, uint8_t *frame, uint32_t len,
				 void *frame_ctx)
{
	uint8_t vmac[eth_alen];
	bool to_router;

	if (get_be16(frame + 12) == ethertype_ipv6)
		return xmit6_from_igw(fab, src, frame, len, frame_ctx);
	// An egress-only gateway carries IPv6 alone: nothing behind it answers ARP.
	if (src->egress_only)
		return drop(cpu_stats(fab).drop_no_dest, src);
	vpc_router_mac(src->vpc_key, vmac);
	to_router = mem_eq(frame, vmac, eth_alen);
	if ((mac_is_broadcast(frame) || to_router) && get_be16(frame + 12) == ethertype_arp)
		return answer_arp(fab, src, frame, len);
	if (mac_is_multicast(frame))
		return drop(cpu_stats(fab).drop_bcast_mcast, src);
	if (!to_router)
		return drop(lookup_mac(fab, frame) ? cpu_stats(fab).drop_cross_subnet
						   : cpu_stats(fab).drop_no_dest, src);
	return route_from_igw(fab, src, frame, len, frame_ctx);
}

bool valid_unicast(const uint8_t *mac)
{
	static const uint8_t zero[eth_alen] = {};

	return !mac_is_multicast(mac) && !mem_eq(mac, zero, eth_alen);
}

// The fields port_update may not change. Writer lock held.
bool same_identity(const port *p, const vcore_port_desc &d)
{
	return mem_eq(p->mac, d.mac, eth_alen) && p->kind == d.kind &&
	       p->egress_only == d.egress_only &&
	       p->subnet_key == d.subnet_key && p->subnet_addr == d.subnet_addr &&
	       p->subnet_prefixlen == d.subnet_prefixlen && p->vpc_key == d.vpc_key &&
	       p->vpc_addr == d.vpc_addr && p->vpc_prefixlen == d.vpc_prefixlen &&
	       mem_eq(p->dns_domain, d.dns_domain, sizeof(p->dns_domain)) && p->cookie == d.cookie &&
	       p->allowance_key == d.allowance_key && p->network_card == d.network_card &&
	       mem_eq(p->nodes, d.nodes, sizeof(p->nodes)) && p->cluster_key == d.cluster_key &&
	       p->remote_host == d.remote_host && p->vni == d.vni;
}

// Everything but the IPs and their uniqueness (state_create checks those).
int check_desc(const fabric *fab, const vcore_port_desc &d)
{
	if (!valid_unicast(d.mac) || d.subnet_prefixlen > 32 || d.vpc_prefixlen > 32 ||
	    str_len(d.dns_domain, sizeof(d.dns_domain)) == sizeof(d.dns_domain))
		return -EINVAL_;
	switch (d.kind) {
	case VCORE_PORT_ENI:
		if (!d.subnet_key || d.subnet_key > VCORE_SUBNET_KEY_MAX || d.egress_only ||
		    d.network_card >= VCORE_MAX_CARDS || d.vni > VCORE_VNI_MAX)
			return -EINVAL_;
		// Another host's ENI: its allowances are that host's.
		if (d.remote_host && (d.allowance_key || !svc->deliver_tunneled))
			return -EINVAL_;
		return 0;
	case VCORE_PORT_IGW:
		if (!d.vpc_prefixlen || d.egress_only > 1)
			return -EINVAL_;	// it answers ARP for the VPC CIDR
		break;
	case VCORE_PORT_SERVICES:
		// No subnet, VPC or addresses: it serves every VPC.
		if (d.subnet_key || d.vpc_key || d.vpc_prefixlen || d.egress_only || d.has_ipv6 ||
		    d.sg_count)
			return -EINVAL_;
		break;
	default:
		return -EINVAL_;
	}
	// Only an instance's ENIs have allowances, or another host.
	return d.allowance_key || d.network_card || d.remote_host || d.vni ? -EINVAL_ : 0;
}

} // namespace

vcore_xmit_verdict switch_to(fabric *fab, port *src, port *dst, packet *pkt, void *frame_ctx)
{
	carriage c;

	if (!sg_allows(fab, src, dst, pkt) || !crossing(fab, src, dst, pkt, frame_ctx, &c))
		return VCORE_XMIT_DROPPED;
	port_deliver(src, dst, frame_ctx, c.due_ns);
	crossed(src, dst, c);
	counter_inc(cpu_stats(fab).forwarded);
	return VCORE_XMIT_DELIVERED;
}

port *lookup_mac(const fabric *fab, const uint8_t *mac)
{
	for (port *p = rcu_load(fab->buckets[mac_bucket(mac)]); p; p = rcu_load(p->next))
		if (mem_eq(p->mac, mac, eth_alen))
			return p;
	return nullptr;
}

} // namespace vnitro::fabric

using namespace vnitro::fabric;

extern "C" {

struct vcore_fabric *vcore_fabric_create(void)
{
	vcore_fabric *fab = create<vcore_fabric>();

	if (!fab)
		return nullptr;
	fab->writer_lock = svc->mutex_create();
	fab->stats_cpus = svc->cpu_count() ? svc->cpu_count() : 1;
	fab->stats = static_cast<char *>(svc->alloc(size_t(fab->stats_cpus) * stats_stride,
						     VCORE_ALLOC_SLEEP));
	fab->scratch = static_cast<uint8_t *>(svc->alloc(size_t(fab->stats_cpus) * scratch_stride,
							  VCORE_ALLOC_SLEEP));
	// One allocation for both per-flow tables: the clocks, then the dues.
	fab->flow_clocks = static_cast<uint64_t *>(svc->alloc(2 * sizeof(uint64_t) << flow_slot_bits,
							       VCORE_ALLOC_SLEEP));
	fab->flow_dues = fab->flow_clocks + (1u << flow_slot_bits);
	if (!fab->writer_lock || !fab->stats || !fab->scratch || !fab->flow_clocks) {
		if (fab->writer_lock)
			svc->mutex_destroy(fab->writer_lock);
		svc->free(fab->stats);
		svc->free(fab->scratch);
		svc->free(fab->flow_clocks);
		destroy(fab);
		return nullptr;
	}
	// A held-back packet arrives 1 ms late: after SRD's first resend (0.5 ms).
	fab->path.cfg.reorder_delay_ns = 1000 * 1000;
	fab->path.episode_ns = 10 * 1000 * 1000;
	fab->path.paths = 8;
	return fab;
}

void vcore_fabric_destroy(struct vcore_fabric *fab)
{
	if (!fab)
		return;
	for (port *head : fab->buckets)
		if (head)
			svc->log(VCORE_LOG_ERR, "fabric destroyed with ports still plugged in");
	fab->tables.free_all();
	fab->groups.free_all();
	fab->nacls.free_all();
	fab->allowances.free_all();
	eips_free(fab);
	svc->mutex_destroy(fab->writer_lock);
	svc->free(fab->stats);
	svc->free(fab->scratch);
	svc->free(fab->flow_clocks);
	destroy(fab);
}

struct vcore_fabric_port *vcore_fabric_port_add(struct vcore_fabric *fab,
						const struct vcore_port_desc *desc, int *err)
{
	mutex_guard guard(fab->writer_lock);
	vcore_fabric_port *p;
	port_state *st;
	port **head;

	*err = check_desc(fab, *desc);
	if (*err)
		return nullptr;
	if (lookup_mac(fab, desc->mac) || mac_is_vpc_reserved(desc->mac)) {
		*err = -EADDRINUSE_;
		return nullptr;
	}
	if (desc->kind == VCORE_PORT_IGW) {
		for (port *igw = fab->igws; igw; igw = igw->igw_next) {
			if (igw->vpc_key == desc->vpc_key && igw->egress_only == desc->egress_only) {
				*err = -EEXIST_;
				return nullptr;
			}
		}
	}
	p = create<vcore_fabric_port>();
	if (!p) {
		*err = -ENOMEM_;
		return nullptr;
	}
	p->kind = desc->kind;
	p->egress_only = desc->kind == VCORE_PORT_IGW && desc->egress_only;
	*err = sg_port_init(fab, p);
	if (!*err) {
		*err = srd_port_init(p);
		if (*err)
			sg_port_free(p);
	}
	if (*err) {
		destroy(p);
		return nullptr;
	}
	st = state_create(fab, *desc, p, nullptr, err);
	if (!st) {
		sg_port_free(p);
		srd_port_free(p);
		destroy(p);
		return nullptr;
	}
	mem_copy(p->mac, desc->mac, eth_alen);
	p->kind = desc->kind;
	p->subnet_key = desc->subnet_key;
	p->subnet_addr = desc->subnet_addr;
	p->subnet_prefixlen = desc->subnet_prefixlen;
	p->vpc_key = desc->vpc_key;
	p->vpc_addr = desc->vpc_addr;
	p->vpc_prefixlen = desc->vpc_prefixlen;
	mem_copy(p->dns_domain, desc->dns_domain, sizeof(p->dns_domain));
	p->cookie = desc->cookie;
	p->allowance_key = desc->allowance_key;
	p->network_card = desc->network_card;
	p->region = region_of(desc->dns_domain);
	mem_copy(p->nodes, desc->nodes, sizeof(p->nodes));
	p->cluster_key = desc->cluster_key;
	p->remote_host = desc->remote_host;
	p->vni = desc->vni;
	p->state = st;
	// Fully built before any reader can find it. Another host's ENI asks
	// that host's link-local services.
	*err = p->remote_host ? 0 : svc_port_add(fab, p);
	if (*err) {
		sg_port_free(p);
		srd_port_free(p);
		destroy(st);
		destroy(p);
		return nullptr;
	}
	state_link(fab, st);
	head = &fab->buckets[mac_bucket(desc->mac)];
	p->next = *head;
	rcu_store(*head, static_cast<port *>(p));
	if (p->kind == VCORE_PORT_IGW) {
		p->igw_next = fab->igws;
		rcu_store(fab->igws, static_cast<port *>(p));
	}
	return p;
}

int vcore_fabric_port_update(struct vcore_fabric *fab, struct vcore_fabric_port *p,
			     const struct vcore_port_desc *desc)
{
	port_state *st, *old;
	int err = 0;

	{
		mutex_guard guard(fab->writer_lock);

		// A port being deleted keeps its state: linking a new one now
		// would leave it in the IP index after port_del frees it.
		if (p->unplugged)
			return -ENOENT_;
		if (!same_identity(p, *desc))
			return -EINVAL_;
		st = state_create(fab, *desc, p, p, &err);
		if (!st)
			return err;
		// New entries first, so that an IP in both sets is never missing.
		old = p->state;
		state_link(fab, st);
		rcu_store(p->state, st);
		state_unlink(fab, old);
	}
	// No reader is left on the old set or its index entries after this.
	svc->synchronize_rcu();
	destroy(old);
	return 0;
}

void vcore_fabric_port_del(struct vcore_fabric *fab, struct vcore_fabric_port *victim)
{
	{
		mutex_guard guard(fab->writer_lock);

		victim->unplugged = true;
		for (port **pp = &fab->buckets[mac_bucket(victim->mac)]; *pp; pp = &(*pp)->next) {
			if (*pp == victim) {
				rcu_store(*pp, victim->next);
				break;
			}
		}
		for (port **pp = &fab->igws; *pp; pp = &(*pp)->igw_next) {
			if (*pp == victim) {
				rcu_store(*pp, victim->igw_next);
				break;
			}
		}
		state_unlink(fab, victim->state);
		svc_port_del(fab, victim);
		efa_port_gone(victim);
	}
	// After this no CPU is inside xmit (or an EFA resolve) with a pointer to the victim.
	svc->synchronize_rcu();
	destroy(victim->state);
	sg_port_free(victim);
	srd_port_free(victim);
	destroy(victim);
}

enum vcore_xmit_verdict vcore_fabric_xmit_gso(struct vcore_fabric *fab,
					      struct vcore_fabric_port *src,
					      uint8_t *frame, uint32_t len, uint32_t seg_len,
					      void *frame_ctx)
{
	rcu_guard rcu;

	if (len < eth_hlen)
		return drop(cpu_stats(fab).drop_malformed, src);
	if (src->kind == VCORE_PORT_IGW)
		return xmit_from_igw(fab, src, frame, len, frame_ctx);
	// The services port sends only through vcore_fabric_svc_reply_to.
	if (src->kind == VCORE_PORT_SERVICES)
		return drop(cpu_stats(fab).drop_svc, src);
	return xmit_from_eni(fab, src, frame, len, seg_len, frame_ctx);
}

enum vcore_xmit_verdict vcore_fabric_xmit(struct vcore_fabric *fab,
					  struct vcore_fabric_port *src,
					  uint8_t *frame, uint32_t len, void *frame_ctx)
{
	return vcore_fabric_xmit_gso(fab, src, frame, len, 0, frame_ctx);
}

enum vcore_xmit_verdict vcore_fabric_xmit_tunneled(struct vcore_fabric *fab,
						   const struct vcore_tunnel_meta *m,
						   uint8_t *frame, uint32_t len, void *frame_ctx)
{
	rcu_guard rcu;
	port *src = lookup_mac(fab, m->src_mac), *dst = lookup_mac(fab, m->dst_mac);
	bool ip_ok = false;
	ipv4_view ipv;

	// What the sender says must be what this host knows: the source an ENI
	// of the sending host, the destination one of ours, one VPC, and the
	// frame addressed to that ENI.
	if (len < eth_hlen || !src || !dst || src->kind != VCORE_PORT_ENI ||
	    dst->kind != VCORE_PORT_ENI || !m->host || src->remote_host != m->host ||
	    dst->remote_host || src->vpc_key != dst->vpc_key || src->vni != m->vni ||
	    dst->vni != m->vni || !mem_eq(frame, dst->mac, eth_alen)) {
		counter_inc(cpu_stats(fab).drop_tunnel_mapping);
		return VCORE_XMIT_DROPPED;
	}
	// EFA between hosts: the subnet, an EFA device, the groups, as on one host (efa_resolve).
	if (get_be16(frame + 12) == VCORE_ETHERTYPE_EFA) {
		if (!rcu_load(dst->efa))
			return drop(cpu_stats(fab).drop_no_dest, src);
		if (efa_admit(fab, src, dst) != efa_verdict::deliver)
			return VCORE_XMIT_DROPPED;
		counter_inc(cpu_stats(fab).tunnel_rx);
		return VCORE_XMIT_EFA;
	}
	// The receiver's half: what its source/dest check and groups say.
	if (get_be16(frame + 12) == ethertype_ipv4) {
		ip_ok = ipv4_parse(frame, len, &ipv);
		if (!ip_ok && rcu_load(dst->state)->source_dest_check)
			return drop(cpu_stats(fab).drop_malformed, src);
		if (!ingress_allowed(fab, src, dst, ip_ok ? &ipv : nullptr))
			return VCORE_XMIT_DROPPED;
	}
	if (ip_ok) {
		ip_packet pkt(ipv, frame, len);

		if (!sg_allows(fab, src, dst, &pkt))
			return VCORE_XMIT_DROPPED;
	} else if (get_be16(frame + 12) == ethertype_ipv6) {
		packet pkt(frame, len);

		if (!sg_allows(fab, src, dst, &pkt))
			return VCORE_XMIT_DROPPED;
	} else if (!sg_allows(fab, src, dst, nullptr)) {
		return VCORE_XMIT_DROPPED;
	}
	port_deliver(src, dst, frame_ctx);
	counter_inc(cpu_stats(fab).tunnel_rx);
	return VCORE_XMIT_DELIVERED;
}

void vcore_fabric_get_stats(const struct vcore_fabric *fab, struct vcore_fabric_stats *out)
{
	constexpr size_t n = sizeof(vcore_fabric_stats) / sizeof(uint64_t);
	uint64_t *sum = reinterpret_cast<uint64_t *>(out);

	static_assert(sizeof(vcore_fabric_stats) == n * sizeof(uint64_t),
		      "vcore_fabric_stats holds u64 counters only");
	for (size_t i = 0; i < n; i++)
		sum[i] = 0;
	for (uint32_t cpu = 0; cpu < fab->stats_cpus; cpu++) {
		const uint64_t *c = reinterpret_cast<const uint64_t *>(fab->stats + cpu * stats_stride);

		for (size_t i = 0; i < n; i++)
			sum[i] += counter_read(c[i]);
	}
}

void vcore_fabric_port_get_stats(const struct vcore_fabric_port *port,
				 struct vcore_port_stats *out)
{
	out->tx_dropped = counter_read(port->tx_dropped);
	out->sg_ingress_dropped = counter_read(port->sg_ingress_dropped);
	out->sg_egress_dropped = counter_read(port->sg_egress_dropped);
	out->conntrack_allowance_exceeded = counter_read(port->conntrack_exceeded);
	out->conntrack_max = rcu_load(port->state)->conntrack_max;
	out->conntrack_tracked = port->ct ? __atomic_load_n(&port->ct->count, __ATOMIC_RELAXED) : 0;
	out->rx_arp_replies = counter_read(port->rx_arp_replies);
	out->tx_src_dst_dropped = counter_read(port->tx_src_dst_dropped);
	out->rx_src_dst_dropped = counter_read(port->rx_src_dst_dropped);
	out->linklocal_allowance_exceeded = counter_read(port->linklocal_exceeded);
	out->bw_in_allowance_exceeded = counter_read(port->bw_in_exceeded);
	out->bw_out_allowance_exceeded = counter_read(port->bw_out_exceeded);
	out->pps_allowance_exceeded = counter_read(port->pps_exceeded);
	out->srd_mode = rcu_load(port->state)->ena_express;
	out->srd_tx_pkts = counter_read(port->srd_tx);
	out->srd_eligible_tx_pkts = counter_read(port->srd_eligible);
	out->srd_rx_pkts = counter_read(port->srd_rx);
	out->srd_resource_utilization = srd_utilization(port, vnitro_env_clock_ns());
}

} // extern "C"
