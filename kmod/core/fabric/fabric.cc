// SPDX-License-Identifier: GPL-2.0
// fabric.cc - the VPC switch: ports by MAC, same-subnet switching, the ARP responder.
#include "fabric/arp.h"
#include "base/ipv4.h"
#include "base/text.h"

using namespace vnitro::base;

namespace vnitro::fabric {

namespace {

constexpr uint32_t bucket_count = 256;

uint32_t mac_bucket(const uint8_t *mac)
{
	// The low octets of generated MACs are random; mix in the rest anyway.
	return (mac[5] ^ mac[4] * 31u ^ mac[3] * 131u ^ mac[2] * 17u) % bucket_count;
}

} // namespace

struct port {
	port *next;			// bucket chain, read under RCU
	vnitro_port_desc desc;
	uint64_t tx_dropped;
	uint64_t rx_arp_replies;
};

struct fabric {
	port *buckets[bucket_count];	// published with rcu_store
	void *writer_lock;		// serialises port add/del
	vnitro_fabric_stats stats;
};

namespace {

// Caller holds an RCU read section or the writer lock.
port *lookup_mac(const fabric *fab, const uint8_t *mac)
{
	for (port *p = rcu_load(fab->buckets[mac_bucket(mac)]); p; p = rcu_load(p->next))
		if (mem_eq(p->desc.mac, mac, eth_alen))
			return p;
	return nullptr;
}

// ARP is rare: a scan of every port is fine until secondary IPs arrive.
port *lookup_ip(const fabric *fab, uint32_t subnet_key, uint32_t ip)
{
	for (uint32_t b = 0; b < bucket_count; b++)
		for (port *p = rcu_load(fab->buckets[b]); p; p = rcu_load(p->next))
			if (p->desc.subnet_key == subnet_key && p->desc.ip == ip)
				return p;
	return nullptr;
}

vnitro_xmit_verdict drop(uint64_t &reason, port *src)
{
	counter_inc(reason);
	counter_inc(src->tx_dropped);
	return VNITRO_XMIT_DROPPED;
}

// Answers for the subnet router (.1) and for every ENI of the sender's subnet.
vnitro_xmit_verdict answer_arp(fabric *fab, port *src, const uint8_t *frame, uint32_t len)
{
	uint8_t reply[arp_frame_len];
	uint8_t mac[eth_alen];
	arp_request req;
	port *target;

	if (!arp_parse_request(frame, len, &req))
		return drop(fab->stats.drop_malformed, src);
	if (req.target_ip == src->desc.subnet_addr + 1) {
		router_mac(src->desc.subnet_key, mac);
	} else {
		target = lookup_ip(fab, src->desc.subnet_key, req.target_ip);
		// No answer for one's own address: that is duplicate address detection.
		if (!target || target == src)
			return drop(fab->stats.drop_no_dest, src);
		mem_copy(mac, target->desc.mac, eth_alen);
	}
	arp_build_reply(reply, req, mac);
	svc->deliver_copy(src->desc.cookie, reply, sizeof(reply));
	counter_inc(fab->stats.arp_replies);
	counter_inc(src->rx_arp_replies);
	return VNITRO_XMIT_ANSWERED;
}

} // namespace

} // namespace vnitro::fabric

using namespace vnitro::fabric;

struct vnitro_fabric : fabric {};
struct vnitro_fabric_port : port {};

extern "C" {

struct vnitro_fabric *vnitro_fabric_create(void)
{
	vnitro_fabric *fab = create<vnitro_fabric>();

	if (!fab)
		return nullptr;
	fab->writer_lock = svc->mutex_create();
	if (!fab->writer_lock) {
		destroy(fab);
		return nullptr;
	}
	return fab;
}

void vnitro_fabric_destroy(struct vnitro_fabric *fab)
{
	if (!fab)
		return;
	for (port *head : fab->buckets)
		if (head)
			svc->log(VNITRO_LOG_ERR, "fabric destroyed with ports still plugged in");
	svc->mutex_destroy(fab->writer_lock);
	destroy(fab);
}

struct vnitro_fabric_port *vnitro_fabric_port_add(struct vnitro_fabric *fab,
						  const struct vnitro_port_desc *desc, int *err)
{
	mutex_guard guard(fab->writer_lock);
	vnitro_fabric_port *p;
	port **head;

	if (lookup_mac(fab, desc->mac) || mac_is_vpc_reserved(desc->mac)) {
		*err = -EADDRINUSE_;
		return nullptr;
	}
	p = create<vnitro_fabric_port>();
	if (!p) {
		*err = -ENOMEM_;
		return nullptr;
	}
	p->desc = *desc;
	head = &fab->buckets[mac_bucket(desc->mac)];
	p->next = *head;
	rcu_store(*head, static_cast<port *>(p));
	return p;
}

void vnitro_fabric_port_del(struct vnitro_fabric *fab, struct vnitro_fabric_port *victim)
{
	{
		mutex_guard guard(fab->writer_lock);

		for (port **pp = &fab->buckets[mac_bucket(victim->desc.mac)]; *pp; pp = &(*pp)->next) {
			if (*pp == victim) {
				rcu_store(*pp, victim->next);
				break;
			}
		}
	}
	// After this no CPU is inside xmit with a pointer to the victim.
	svc->synchronize_rcu();
	destroy(victim);
}

enum vnitro_xmit_verdict vnitro_fabric_xmit(struct vnitro_fabric *fab,
					    struct vnitro_fabric_port *src,
					    uint8_t *frame, uint32_t len, void *frame_ctx)
{
	rcu_guard rcu;
	const uint8_t *dst_mac = frame;
	uint8_t rmac[eth_alen];
	port *dst;

	if (len < eth_hlen)
		return drop(fab->stats.drop_malformed, src);
	router_mac(src->desc.subnet_key, rmac);
	if (get_be16(frame + 12) == ethertype_arp &&
	    (mac_is_broadcast(dst_mac) || mem_eq(dst_mac, rmac, eth_alen)))
		return answer_arp(fab, src, frame, len);
	if (mac_is_multicast(dst_mac))
		return drop(fab->stats.drop_bcast_mcast, src);
	dst = lookup_mac(fab, dst_mac);
	if (!dst || dst == src) {
		// Frames for the router need the VPC router, which is not built yet.
		return drop(mem_eq(dst_mac, rmac, eth_alen) ? fab->stats.drop_cross_subnet
							    : fab->stats.drop_no_dest, src);
	}
	if (dst->desc.subnet_key != src->desc.subnet_key)
		return drop(fab->stats.drop_cross_subnet, src);
	svc->deliver(dst->desc.cookie, frame_ctx);
	counter_inc(fab->stats.forwarded);
	return VNITRO_XMIT_DELIVERED;
}

void vnitro_fabric_get_stats(const struct vnitro_fabric *fab, struct vnitro_fabric_stats *out)
{
	out->forwarded = counter_read(fab->stats.forwarded);
	out->arp_replies = counter_read(fab->stats.arp_replies);
	out->drop_malformed = counter_read(fab->stats.drop_malformed);
	out->drop_no_dest = counter_read(fab->stats.drop_no_dest);
	out->drop_cross_subnet = counter_read(fab->stats.drop_cross_subnet);
	out->drop_bcast_mcast = counter_read(fab->stats.drop_bcast_mcast);
}

void vnitro_fabric_port_get_stats(const struct vnitro_fabric_port *port,
				  struct vnitro_port_stats *out)
{
	out->tx_dropped = counter_read(port->tx_dropped);
	out->rx_arp_replies = counter_read(port->rx_arp_replies);
}

} // extern "C"
