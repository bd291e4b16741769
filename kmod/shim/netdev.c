// SPDX-License-Identifier: GPL-2.0
/*
 * netdev.c - the ENA-like netdev of an attached ENI: transmit hands frames to
 * the fabric, the fabric delivers into one of the receiver's RX rings, and
 * that ring's NAPI polls it into the stack.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/filter.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "vnitro.h"

enum {
	/*
	 * Frames up to this size are made linear whole, so that the fabric
	 * sees all of a DHCP message (RFC 2131: clients send at most 576
	 * bytes unless told otherwise); copying that little is cheap.
	 */
	VNITRO_LINEAR_ALL_LEN = 576,
};

static void vnitro_stats_add(struct vnitro_queue_stats *s, unsigned int len)
{
	u64_stats_update_begin(&s->syncp);
	s->packets++;
	s->bytes += len;
	u64_stats_update_end(&s->syncp);
}

static void vnitro_stats_drop(struct vnitro_queue_stats *s)
{
	u64_stats_update_begin(&s->syncp);
	s->dropped++;
	u64_stats_update_end(&s->syncp);
}

/* A TCP SYN (IPv4 without options in the way of the flags, or IPv6 with TCP next). */
static bool vnitro_is_tcp_syn(const u8 *d, unsigned int len)
{
	unsigned int l4;

	if (len < ETH_HLEN + 20)
		return false;
	if (d[12] == 0x08 && d[13] == 0x00) {
		if (d[ETH_HLEN + 9] != IPPROTO_TCP)
			return false;
		l4 = ETH_HLEN + (d[ETH_HLEN] & 0xf) * 4;
	} else if (d[12] == 0x86 && d[13] == 0xdd) {
		if (len < ETH_HLEN + 40 || d[ETH_HLEN + 6] != IPPROTO_TCP)
			return false;
		l4 = ETH_HLEN + 40;
	} else {
		return false;
	}
	return len > l4 + 13 && (d[l4 + 13] & 0x02);
}

/* How much of @skb the fabric reads: all of a small frame (a DHCP message), else the headers. */
unsigned int vnitro_netdev_parse_len(const struct sk_buff *skb)
{
	return skb->len <= VNITRO_LINEAR_ALL_LEN ? skb->len :
	       min_t(unsigned int, skb->len, VNITRO_PARSE_LEN);
}

/*
 * The bytes the fabric may read, linear, and writable when it may rewrite
 * them: it routes (rewrites MACs, TTL and the IPv4 header checksum) only
 * frames sent to a VPC router's MAC, and ENA Express clamps the MSS of TCP
 * SYNs, so the copy of a cloned header (TCP clones every segment) is paid
 * on those frames alone. Returns the length.
 */
unsigned int vnitro_netdev_xmit_prepare(struct sk_buff *skb)
{
	unsigned int len = vnitro_netdev_parse_len(skb);

	if (!pskb_may_pull(skb, len))
		return 0;
	if (len >= ETH_HLEN &&
	    ((skb->data[0] == VCORE_ROUTER_MAC_0 && skb->data[1] == VCORE_ROUTER_MAC_1 &&
	      skb->data[2] == VCORE_ROUTER_MAC_2) ||
	     vnitro_is_tcp_syn(skb->data, len)) &&
	    skb_ensure_writable(skb, len))
		return 0;
	return skb_headlen(skb);
}

/*
 * The IPv4/IPv6 length of the largest wire packet a TSO frame stands for
 * (network and transport headers plus gso_size), what an MTU applies to;
 * 0 for a frame that is sent as it is.
 */
u32 vnitro_netdev_seg_len(const struct sk_buff *skb)
{
	unsigned int l4;

	if (!skb_is_gso(skb))
		return 0;
	l4 = skb_shinfo(skb)->gso_type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6) ? tcp_hdrlen(skb) :
									  sizeof(struct udphdr);
	return skb_transport_offset(skb) - skb_network_offset(skb) + l4 +
	       skb_shinfo(skb)->gso_size;
}

static netdev_tx_t vnitro_netdev_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);
	struct vnitro_queue_stats *stats = &vnd->tx[skb_get_queue_mapping(skb)];
	enum vcore_xmit_verdict verdict = VCORE_XMIT_DROPPED;
	struct vcore_fabric_port *port;
	u32 q = skb_get_queue_mapping(skb);
	unsigned int len;
	u32 descs;

	/* The Intel VF's offloads: it inserts VLAN tags and computes SCTP's CRC. */
	if (unlikely(skb_vlan_tag_present(skb))) {
		skb = __vlan_hwaccel_push_inside(skb);
		if (!skb) {
			vnitro_stats_drop(stats);
			return NETDEV_TX_OK;
		}
	}
	if (unlikely(vnd->ixgbevf && !vnitro_ixgbevf_tx_csum(skb))) {
		vnitro_stats_drop(stats);
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	len = skb->len;
	descs = vnitro_tx_descs(skb);	/* before the receiver owns the frame */
	skb_tx_timestamp(skb);
	rcu_read_lock();
	port = rcu_dereference(vnd->port);
	if (port && vnitro_netdev_xmit_prepare(skb))
		verdict = vcore_fabric_xmit_gso(vnitro.fabric, port, skb->data, skb_headlen(skb),
						vnitro_netdev_seg_len(skb), skb);
	rcu_read_unlock();

	switch (verdict) {
	case VCORE_XMIT_DELIVERED:
		vnitro_stats_add(stats, len);
		break;
	case VCORE_XMIT_ANSWERED:
		vnitro_stats_add(stats, len);
		dev_consume_skb_any(skb);
		break;
	case VCORE_XMIT_DROPPED:
	case VCORE_XMIT_EFA:	/* only a frame between hosts is one */
		vnitro_stats_drop(stats);
		dev_kfree_skb_any(skb);
		break;
	}
	vnitro_tx_ring_consume(vnd, q, descs);
	return NETDEV_TX_OK;
}

/*
 * The RX queue a received frame lands on, chosen as the device does: RSS over
 * the frame's headers (the Ethernet header is still at skb->data). NULL
 * while the queues are down. Called under RCU.
 */
static struct vnitro_rx_queue *vnitro_rx_queue_of(struct vnitro_netdev *vnd, struct sk_buff *skb,
						  struct vcore_ena_rss_result *res)
{
	struct vnitro_rss *rss;

	if (!smp_load_acquire(&vnd->rx_up))
		return NULL;
	rss = rcu_dereference(vnd->rss);
	vcore_ena_rss_hash_frame(&rss->cfg, skb->data, skb_headlen(skb), res);
	/* The config's queue count is the current one: both change only while down. */
	return &vnd->rx[res->queue];
}

/* As ena_set_rx_hash: L4 for unfragmented TCP/UDP, the value without a type otherwise. */
static void vnitro_rx_set_hash(struct vnitro_netdev *vnd, struct sk_buff *skb,
			       const struct vcore_ena_rss_result *res)
{
	bool l4;

	if (!(vnd->dev->features & NETIF_F_RXHASH))
		return;
	l4 = res->proto == VCORE_ENA_RSS_TCP4 || res->proto == VCORE_ENA_RSS_UDP4 ||
	     res->proto == VCORE_ENA_RSS_TCP6 || res->proto == VCORE_ENA_RSS_UDP6;
	skb_set_hash(skb, res->hash, l4 ? PKT_HASH_TYPE_L4 : PKT_HASH_TYPE_NONE);
}

/*
 * A frame for the ring, after the faults injected into the queue. A full
 * ring drops it, counted as the device's rx_drops (ena reports those as
 * rx_dropped); otherwise the queue pair's interrupt is raised.
 */
void vnitro_rx_enqueue(struct vnitro_rx_queue *rxq, struct sk_buff *skb)
{
	if (vnitro_fault_rx(rxq, skb))
		return;
	if (vnitro_rx_ring_fill(rxq) >= READ_ONCE(rxq->vnd->rx_ring_size)) {
		atomic64_inc(&rxq->dropped);
		dev_kfree_skb_any(skb);
		return;
	}
	skb_queue_tail(&rxq->ring, skb);
	vnitro_irq_raise(rxq, VNITRO_IRQ_RX);
}

/*
 * One frame into the RX queue RSS picks for it, when it is due
 * (vnitro_skb_due, which segmentation copies to every segment).
 * skb->data: the Ethernet header.
 */
static void vnitro_netdev_deliver_one(struct vnitro_netdev *vnd, struct sk_buff *skb)
{
	struct vcore_ena_rss_result res;
	struct vnitro_rx_queue *rxq = vnitro_rx_queue_of(vnd, skb, &res);
	u64 due = *vnitro_skb_due(skb);

	if (!rxq) {
		atomic64_inc(&vnd->rx[0].dropped);
		kfree_skb(skb);
		return;
	}
	/* Scrubs the sender's state and checks the receiver's MTU, like veth. */
	if (__dev_forward_skb(vnd->dev, skb) != NET_RX_SUCCESS) {
		atomic64_inc(&rxq->dropped);
		return;
	}
	vnitro_rx_set_hash(vnd, skb, &res);
	vnitro_hold_enqueue(rxq, skb, due);
}

/*
 * services.deliver for an ENI: called by the fabric under RCU, in atomic
 * context; @due_ns: when the path model has it arrive (latency.c).
 */
void vnitro_netdev_deliver(struct vnitro_netdev *vnd, struct sk_buff *skb, u64 due_ns)
{
	*vnitro_skb_due(skb) = due_ns;
	if (skb_is_gso(skb))
		vnitro_tso_deliver(vnd, skb, vnitro_netdev_deliver_one);
	else
		vnitro_netdev_deliver_one(vnd, skb);
}

/* services.deliver_copy for an ENI: a frame the fabric itself sends (ARP, DHCP, ICMP). */
void vnitro_netdev_deliver_copy(struct vnitro_netdev *vnd, const u8 *frame, u32 len)
{
	struct vcore_ena_rss_result res;
	struct vnitro_rx_queue *rxq;
	struct sk_buff *skb;

	skb = netdev_alloc_skb_ip_align(vnd->dev, len);
	if (!skb) {
		atomic64_inc(&vnd->rx[0].dropped);
		return;
	}
	skb_put_data(skb, frame, len);
	rxq = vnitro_rx_queue_of(vnd, skb, &res);
	if (!rxq) {
		kfree_skb(skb);
		return;
	}
	skb->protocol = eth_type_trans(skb, vnd->dev);
	vnitro_rx_set_hash(vnd, skb, &res);
	vnitro_hold_enqueue(rxq, skb, 0);
}

/*
 * The device's L3/L4 checksum check; true when the checksum is right. @l4
 * tells whether a TCP/UDP checksum was there to check at all. skb->data is
 * the network header (after eth_type_trans).
 */
static bool vnitro_csum_check(struct sk_buff *skb, bool *l4)
{
	unsigned int l4off, l4len;
	__wsum sum;
	u8 proto;

	*l4 = false;
	if (skb->protocol == htons(ETH_P_IP)) {
		const struct iphdr *iph;

		if (!pskb_may_pull(skb, sizeof(*iph)))
			return false;
		iph = (const struct iphdr *)skb->data;
		if (iph->ihl < 5 || !pskb_may_pull(skb, iph->ihl * 4))
			return false;
		iph = (const struct iphdr *)skb->data;
		if (ip_fast_csum(iph, iph->ihl))
			return false;			/* header checksum error */
		if (ip_is_fragment(iph))
			return true;			/* no L4 checksum to check */
		proto = iph->protocol;
		l4off = iph->ihl * 4;
		l4len = ntohs(iph->tot_len) - l4off;
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		if (!pskb_may_pull(skb, sizeof(struct ipv6hdr)))
			return false;
		/* Extension headers are not walked: such frames stay unchecked. */
		proto = ((const struct ipv6hdr *)skb->data)->nexthdr;
		l4off = sizeof(struct ipv6hdr);
		l4len = ntohs(((const struct ipv6hdr *)skb->data)->payload_len);
	} else {
		return true;
	}
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return true;
	if (l4off + l4len > skb->len || l4len < (proto == IPPROTO_TCP ? sizeof(struct tcphdr) :
						      sizeof(struct udphdr)) ||
	    !pskb_may_pull(skb, l4off + sizeof(struct udphdr)))
		return false;
	/* A zero UDP checksum over IPv4 means "none": nothing to check. */
	if (proto == IPPROTO_UDP && skb->protocol == htons(ETH_P_IP) &&
	    !((const struct udphdr *)(skb->data + l4off))->check)
		return true;
	*l4 = true;
	sum = skb_checksum(skb, l4off, l4len, 0);
	if (skb->protocol == htons(ETH_P_IP)) {
		const struct iphdr *iph = (const struct iphdr *)skb->data;

		return !csum_tcpudp_magic(iph->saddr, iph->daddr, l4len, proto, sum);
	}
	return !csum_ipv6_magic(&((const struct ipv6hdr *)skb->data)->saddr,
				&((const struct ipv6hdr *)skb->data)->daddr, l4len, proto, sum);
}

/*
 * RX checksum offload, as ena_rx_checksum maps the device's verdict. A frame
 * whose sender left the checksum to the device (CHECKSUM_PARTIAL) is right by
 * construction: it stays PARTIAL, which the stack trusts, unless the receiver
 * turned RX checksumming off; then the device completes it first, so the
 * stack's own check finds a correct checksum. Returns false to drop.
 */
static bool vnitro_rx_csum(struct vnitro_netdev *vnd, struct vnitro_rx_queue *rxq,
			   struct sk_buff *skb)
{
	struct vnitro_csum_stats *c = &rxq->csum;
	bool ok, l4;

	if (!(vnd->dev->features & NETIF_F_RXCSUM)) {
		if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
			return false;
		skb->ip_summed = CHECKSUM_NONE;
		return true;
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		c->good += skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
		return true;
	}
	ok = vnitro_csum_check(skb, &l4);
	if (!ok)
		c->bad++;
	else if (l4)
		c->good++;
	else
		c->unchecked++;
	skb->ip_summed = ok && l4 ? CHECKSUM_UNNECESSARY : CHECKSUM_NONE;
	return true;
}

/*
 * Counts a received frame as the wire frames it stands for: a TSO frame kept
 * whole is gso_segs frames, each with its own headers. skb->data: the network
 * header. Under stats->syncp.
 */
static void vnitro_rx_count(struct vnitro_queue_stats *stats, const struct sk_buff *skb)
{
	unsigned int segs = 1, hdrs = 0;

	if (skb_is_gso(skb)) {
		segs = skb_shinfo(skb)->gso_segs;
		hdrs = ETH_HLEN + skb_transport_offset(skb) +
		       (skb_shinfo(skb)->gso_type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6) ?
			tcp_hdrlen(skb) : sizeof(struct udphdr));
	}
	stats->packets += segs;
	stats->bytes += skb->len + ETH_HLEN + (segs - 1) * hdrs;
}

/* A received frame to the stack: checksum verdict, counters, GRO. In @rxq's NAPI. */
static void vnitro_rx_stack_one(struct vnitro_netdev *vnd, struct vnitro_rx_queue *rxq,
				struct sk_buff *skb)
{
	u64_stats_update_begin(&rxq->stats.syncp);
	if (!vnitro_rx_csum(vnd, rxq, skb)) {
		rxq->stats.dropped++;
		u64_stats_update_end(&rxq->stats.syncp);
		kfree_skb(skb);
		return;
	}
	vnitro_rx_count(&rxq->stats, skb);
	u64_stats_update_end(&rxq->stats.syncp);
	napi_gro_receive(&rxq->napi, skb);
}

/*
 * A TSO frame kept whole (tso.c) because the receiver had GRO and RX
 * checksumming on, which it has turned off since the frame entered the ring:
 * cut it into its wire frames now, each of which the device checksums
 * (skb_checksum_help refuses GSO skbs). skb->data: the network header.
 */
static void vnitro_rx_stack_gso(struct vnitro_netdev *vnd, struct vnitro_rx_queue *rxq,
				struct sk_buff *skb)
{
	struct sk_buff *segs, *next;

	skb_push(skb, skb->data - skb_mac_header(skb));
	segs = skb_gso_segment(skb, NETIF_F_SG | NETIF_F_HW_CSUM);
	if (IS_ERR_OR_NULL(segs)) {
		u64_stats_update_begin(&rxq->stats.syncp);
		rxq->stats.dropped++;
		u64_stats_update_end(&rxq->stats.syncp);
		kfree_skb(skb);
		return;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, segs, next) {
		skb_mark_not_on_list(segs);
		skb_pull(segs, skb_network_offset(segs));
		vnitro_rx_stack_one(vnd, rxq, segs);
	}
}

/* The same for any frame off the ring, TSO frames kept whole included. */
static void vnitro_rx_stack(struct vnitro_netdev *vnd, struct vnitro_rx_queue *rxq,
			    struct sk_buff *skb)
{
	if (unlikely(skb_is_gso(skb) && !(vnd->dev->features & NETIF_F_RXCSUM)))
		vnitro_rx_stack_gso(vnd, rxq, skb);
	else
		vnitro_rx_stack_one(vnd, rxq, skb);
}


/*
 * Takes up to @n frames off the ring into @batch under one acquisition of
 * the ring's lock, instead of one per frame; they count against the ring
 * (in_poll) until the poll is done with them. Returns how many.
 */
static u32 vnitro_rx_take(struct vnitro_rx_queue *rxq, struct sk_buff_head *batch, u32 n)
{
	struct sk_buff *skb;
	unsigned long flags;
	u32 taken = 0;

	spin_lock_irqsave(&rxq->ring.lock, flags);
	while (taken < n && (skb = __skb_dequeue(&rxq->ring))) {
		__skb_queue_tail(batch, skb);
		taken++;
	}
	WRITE_ONCE(rxq->in_poll, taken);
	spin_unlock_irqrestore(&rxq->ring.lock, flags);
	return taken;
}

/* A stall set mid-poll: the frames not yet processed go back to the ring's head. */
static void vnitro_rx_give_back(struct vnitro_rx_queue *rxq, struct sk_buff_head *batch)
{
	unsigned long flags;

	spin_lock_irqsave(&rxq->ring.lock, flags);
	skb_queue_splice_init(batch, &rxq->ring);
	WRITE_ONCE(rxq->in_poll, 0);
	spin_unlock_irqrestore(&rxq->ring.lock, flags);
}

static int vnitro_netdev_poll(struct napi_struct *napi, int budget)
{
	struct vnitro_rx_queue *rxq = container_of(napi, struct vnitro_rx_queue, napi);
	struct vnitro_netdev *vnd = netdev_priv(napi->dev);
	struct sk_buff_head batch, pass;
	bool xdp_redirected = false;
	struct sk_buff *skb;
	int done = 0;

	__skb_queue_head_init(&batch);
	__skb_queue_head_init(&pass);
	/* One vector per queue pair, as ena_io_poll: TX completions first. */
	vnitro_irq_polled(rxq);
	vnitro_tx_ring_clean(vnd, rxq->qid);
	while (done < budget && !READ_ONCE(rxq->faults.rx_stall) &&
	       vnitro_rx_take(rxq, &batch, budget - done)) {
		while ((skb = __skb_dequeue(&batch))) {
			if (READ_ONCE(rxq->faults.rx_stall)) {
				__skb_queue_head(&batch, skb);
				vnitro_rx_give_back(rxq, &batch);
				break;
			}
			done++;
			if (!vnitro_xdp_rx(vnd, rxq, skb, &pass, &xdp_redirected)) {
				vnitro_rx_stack(vnd, rxq, skb);
				continue;
			}
			/* What the program passed (several frames for a TSO frame). */
			while ((skb = __skb_dequeue(&pass)))
				vnitro_rx_stack(vnd, rxq, skb);
		}
		WRITE_ONCE(rxq->in_poll, 0);
	}
	if (xdp_redirected)
		xdp_do_flush();
	if (done < budget)
		vnitro_irq_poll_done(rxq, done);
	return done;
}

/*
 * Zeroes a queue pair's counters, as ena_up does: it allocates the rings
 * afresh and ena_setup_tx_resources / ena_setup_rx_resources memset
 * tx_stats and rx_stats (cnt, bytes, csum_*, xdp_*, queue_stop/wakeup,
 * the NAPI loop's), for the XDP TX queues too. What survives is the
 * device's: the drops, which ena reads from the device (dev_stats.rx_drops,
 * tx_drops) and never resets. Called with the pair stopped: NAPI disabled,
 * TX disabled, and no ndo_xdp_xmit since rx_up cleared and a grace period.
 */
static void vnitro_queue_stats_reset(struct vnitro_netdev *vnd, u32 q)
{
	struct vnitro_rx_queue *rxq = &vnd->rx[q];
	struct vnitro_tx_ring *txr = &vnd->txr[q];

	u64_stats_update_begin(&vnd->tx[q].syncp);
	vnd->tx[q].packets = 0;
	vnd->tx[q].bytes = 0;
	u64_stats_update_end(&vnd->tx[q].syncp);
	u64_stats_update_begin(&rxq->stats.syncp);
	rxq->stats.packets = 0;
	rxq->stats.bytes = 0;
	rxq->csum = (struct vnitro_csum_stats){};
	rxq->xdp = (struct vnitro_xdp_rx_stats){};
	u64_stats_update_end(&rxq->stats.syncp);
	u64_stats_update_begin(&rxq->napi_stats.syncp);
	rxq->napi_stats.tx_poll = 0;
	rxq->napi_stats.napi_comp = 0;
	rxq->napi_stats.unmask_interrupt = 0;
	u64_stats_update_end(&rxq->napi_stats.syncp);
	u64_stats_update_begin(&txr->syncp);
	txr->queue_stop = 0;
	txr->queue_wakeup = 0;
	u64_stats_update_end(&txr->syncp);
	u64_stats_update_begin(&vnd->xdp_tx[q].stats.syncp);
	vnd->xdp_tx[q].stats.packets = 0;
	vnd->xdp_tx[q].stats.bytes = 0;
	u64_stats_update_end(&vnd->xdp_tx[q].stats.syncp);
}

/* Starts num_queues queue pairs; the fabric may deliver once this returns. */
static void vnitro_queues_up(struct vnitro_netdev *vnd)
{
	u32 q;

	for (q = 0; q < vnd->num_queues; q++) {
		vnitro_queue_stats_reset(vnd, q);
		napi_enable(&vnd->rx[q].napi);
		vnitro_irq_start(&vnd->rx[q]);
	}
	smp_store_release(&vnd->rx_up, true);
	netif_tx_start_all_queues(vnd->dev);
}

/* Stops delivery, waits out senders still inside the fabric, drains the rings. */
static void vnitro_queues_down(struct vnitro_netdev *vnd)
{
	u32 q;

	/* rx_up first: a TX completion running now must not wake a queue again. */
	WRITE_ONCE(vnd->rx_up, false);
	netif_tx_disable(vnd->dev);
	synchronize_rcu();
	for (q = 0; q < vnd->num_queues; q++) {
		vnitro_hold_stop(&vnd->rx[q]);
		napi_disable(&vnd->rx[q].napi);
		vnitro_irq_stop(&vnd->rx[q]);
		skb_queue_purge(&vnd->rx[q].ring);
		vnitro_tx_ring_reset(vnd, q);
	}
}

/*
 * ena_up: the queues come up with fresh counters, counted in interface_up;
 * the link is up once they run (the fabric is always reachable). RTNL held.
 */
void vnitro_netdev_up(struct vnitro_netdev *vnd)
{
	ASSERT_RTNL();
	vnitro_queues_up(vnd);
	vnd->interface_up++;
	netif_carrier_on(vnd->dev);
}

/* ena_down: counted in interface_down, carrier off, the queues stopped. RTNL held. */
void vnitro_netdev_down(struct vnitro_netdev *vnd)
{
	ASSERT_RTNL();
	vnd->interface_down++;
	netif_carrier_off(vnd->dev);
	vnitro_queues_down(vnd);
}

static int vnitro_netdev_open(struct net_device *dev)
{
	vnitro_netdev_up(netdev_priv(dev));
	return 0;
}

static int vnitro_netdev_stop(struct net_device *dev)
{
	vnitro_netdev_down(netdev_priv(dev));
	return 0;
}

/*
 * ethtool -L combined N: like ena_update_queue_count, which closes the
 * device (ena_close -> ena_down), resizes, and opens it again (ena_up),
 * each counted; a device that is down stays down and counts nothing.
 */
int vnitro_netdev_set_queues(struct net_device *dev, u32 count)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);
	bool running = netif_running(dev);
	int ret;

	struct vcore_err err = {};
	struct vnitro_rss *rss;

	ASSERT_RTNL();
	rss = vnitro_netdev_rss_copy(vnd);
	if (!rss)
		return -ENOMEM;
	/* Like ena: a new queue count resets the table to the default spread. */
	ret = vcore_ena_rss_set_queue_count(&rss->cfg, count, &err);
	if (ret) {
		kfree(rss);
		return ret;
	}
	if (running)
		vnitro_netdev_down(vnd);
	ret = netif_set_real_num_tx_queues(dev, count);
	if (!ret)
		ret = netif_set_real_num_rx_queues(dev, count);
	if (!ret) {
		vnd->num_queues = count;
		vnitro_netdev_rss_publish(vnd, rss);
	} else {
		netif_set_real_num_tx_queues(dev, vnd->num_queues);
		kfree(rss);
	}
	if (running)
		vnitro_netdev_up(vnd);
	return ret;
}

/*
 * ethtool -G: like ena_update_queue_sizes (and ixgbevf_set_ringparam), the
 * queues go down (ena_close, counted as interface_down), take the new sizes
 * and come up again; sizes that do not change change nothing.
 */
int vnitro_netdev_set_rings(struct net_device *dev, u32 tx_size, u32 rx_size)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);
	bool running = netif_running(dev);

	ASSERT_RTNL();
	if (tx_size == vnd->tx_ring_size && rx_size == vnd->rx_ring_size)
		return 0;
	if (running)
		vnitro_netdev_down(vnd);
	WRITE_ONCE(vnd->tx_ring_size, tx_size);
	WRITE_ONCE(vnd->rx_ring_size, rx_size);
	if (running)
		vnitro_netdev_up(vnd);
	return 0;
}

/* A private copy of the current RSS configuration to change; RTNL held. */
struct vnitro_rss *vnitro_netdev_rss_copy(struct vnitro_netdev *vnd)
{
	ASSERT_RTNL();
	return kmemdup(rtnl_dereference(vnd->rss), sizeof(struct vnitro_rss), GFP_KERNEL);
}

/* Makes @rss the data path's configuration; the old one goes after a grace period. */
void vnitro_netdev_rss_publish(struct vnitro_netdev *vnd, struct vnitro_rss *rss)
{
	struct vnitro_rss *old = rtnl_dereference(vnd->rss);

	rcu_assign_pointer(vnd->rss, rss);
	kfree_rcu(old, rcu);
}

void vnitro_read_csum_stats(struct vnitro_rx_queue *rxq, struct vnitro_csum_stats *out)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&rxq->stats.syncp);
		*out = rxq->csum;
	} while (u64_stats_fetch_retry(&rxq->stats.syncp, start));
}

void vnitro_read_stats(struct vnitro_queue_stats *s, u64 *packets, u64 *bytes, u64 *dropped)
{
	unsigned int start;
	u64 p, b, d;

	/* Adds to the caller's totals. */
	do {
		start = u64_stats_fetch_begin(&s->syncp);
		p = s->packets;
		b = s->bytes;
		d = s->dropped;
	} while (u64_stats_fetch_retry(&s->syncp, start));
	*packets += p;
	*bytes += b;
	*dropped += d;
}

/*
 * Sums the queues in use, as ena does, so it agrees with ethtool -S. Like
 * ena_get_stats64, nothing while the queues are down (ena returns before
 * reading even the device's drop counters).
 */
static void vnitro_netdev_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *stats)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);
	u32 q, n;

	if (!smp_load_acquire(&vnd->rx_up))
		return;
	n = READ_ONCE(vnd->num_queues);
	for (q = 0; q < n; q++) {
		vnitro_read_stats(&vnd->tx[q], &stats->tx_packets, &stats->tx_bytes, &stats->tx_dropped);
		vnitro_read_stats(&vnd->rx[q].stats, &stats->rx_packets, &stats->rx_bytes,
				  &stats->rx_dropped);
		stats->rx_dropped += atomic64_read(&vnd->rx[q].dropped);
	}
}

/* ---- XDP: attaching a program (xdp.c runs it) ---- */

/* Swaps @vnd's program; the first program and the removal of the last rebuild the rings. */
static void vnitro_xdp_swap(struct vnitro_netdev *vnd, struct bpf_prog *prog)
{
	struct bpf_prog *old = rtnl_dereference(vnd->xdp_prog);
	bool bounce = netif_running(vnd->dev) && !old != !prog;

	if (bounce)
		vnitro_netdev_down(vnd);
	rcu_assign_pointer(vnd->xdp_prog, prog);
	if (bounce)
		vnitro_netdev_up(vnd);
}

/*
 * ixgbevf_xdp_setup: a frame of the current MTU with a VLAN tag must fit one
 * RX buffer (2 KiB, or 3 KiB for an MTU above 1646 without legacy-rx), so
 * an MTU up to 3050; an XDP TX ring beside each RX ring, whatever the count.
 */
static int vnitro_xdp_set_ixgbevf(struct vnitro_netdev *vnd, struct netdev_bpf *bpf)
{
	if (bpf->prog && !vnitro_ixgbevf_xdp_fits(vnd)) {
		NL_SET_ERR_MSG_MOD(bpf->extack,
				   "the MTU's frames do not fit one RX buffer of the 82599 VF: lower the MTU for XDP");
		return -EINVAL;
	}
	vnitro_xdp_swap(vnd, bpf->prog);
	return 0;
}

static int vnitro_xdp_set(struct net_device *dev, struct netdev_bpf *bpf)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);
	struct bpf_prog *prog = bpf->prog;
	struct bpf_prog *old = rtnl_dereference(vnd->xdp_prog);
	int prev_max = dev->max_mtu;

	if (vnd->ixgbevf)
		return vnitro_xdp_set_ixgbevf(vnd, bpf);
	if (prog && !vnitro_xdp_mtu_ok(dev->mtu, prog)) {
		netdev_err(dev, "Failed to set xdp program, the current MTU (%d) is larger than the maximum allowed MTU (%lu) while xdp is on",
			   dev->mtu, (unsigned long)VNITRO_ENA_XDP_MAX_MTU);
		NL_SET_ERR_MSG_MOD(bpf->extack,
				   "Failed to set xdp program, the current MTU is larger than the maximum allowed MTU. Check the dmesg for more info");
		return -EINVAL;
	}
	if (prog && !vnitro_xdp_queue_count_ok(vnd, vnd->num_queues)) {
		netdev_err(dev, "Failed to set xdp program, the Rx/Tx channel count should be at most half of the maximum allowed channel count. The current queue count (%u), the maximal queue count (%u)\n",
			   vnd->num_queues, vnd->max_queues);
		NL_SET_ERR_MSG_MOD(bpf->extack,
				   "Failed to set xdp program, there is no enough space for allocating XDP queues, Check the dmesg for more info");
		return -EINVAL;
	}
	/*
	 * As ena_xdp_set: the first program makes the XDP TX queues (ena_down,
	 * then ena_up with them), and removing the last one frees them
	 * (ena_destroy_and_free_all_xdp_queues: down, up) - each counted in
	 * interface_down/up, the frames in the rings lost, the per-queue
	 * counters fresh. Replacing a program swaps it live: NAPI and
	 * ndo_xdp_xmit read the pointer under RCU, the core drops its
	 * reference to @old after we return, and a program is freed only
	 * after a grace period.
	 */
	vnitro_xdp_swap(vnd, prog);
	dev->max_mtu = prog && !prog->aux->xdp_has_frags ? VNITRO_ENA_XDP_MAX_MTU : VNITRO_ENA_MAX_MTU;
	if (!old && prog)
		netdev_info(dev, "XDP program is set, changing the max_mtu from %d to %d",
			    prev_max, dev->max_mtu);
	return 0;
}

/* ndo_bpf: XDP_SETUP_PROG only, as ena (queries are answered by the core). */
static int vnitro_xdp_bpf(struct net_device *dev, struct netdev_bpf *bpf)
{
	ASSERT_RTNL();
	switch (bpf->command) {
	case XDP_SETUP_PROG:
		return vnitro_xdp_set(dev, bpf);
	default:
		return -EINVAL;
	}
}

static int vnitro_netdev_change_mtu(struct net_device *dev, int new_mtu)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);

	if (vnd->ixgbevf)
		return vnitro_ixgbevf_change_mtu(dev, new_mtu);
	WRITE_ONCE(dev->mtu, new_mtu);	/* as the core does without the hook */
	return 0;
}

static netdev_features_t vnitro_netdev_features_check(struct sk_buff *skb, struct net_device *dev,
						      netdev_features_t features)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);

	if (vnd->ixgbevf)
		return vnitro_ixgbevf_features_check(skb, features);
	return vlan_features_check(skb, features);	/* the core's default */
}

/* One set for both personalities: what differs asks vnd->ixgbevf. */
static const struct net_device_ops vnitro_netdev_ops = {
	.ndo_open = vnitro_netdev_open,
	.ndo_stop = vnitro_netdev_stop,
	.ndo_start_xmit = vnitro_netdev_xmit,
	.ndo_get_stats64 = vnitro_netdev_get_stats64,
	.ndo_validate_addr = eth_validate_addr,
	.ndo_change_mtu = vnitro_netdev_change_mtu,
	.ndo_features_check = vnitro_netdev_features_check,
	/* Called only for NETIF_F_HW_VLAN_CTAG_FILTER, which only the Intel VF has. */
	.ndo_vlan_rx_add_vid = vnitro_ixgbevf_vlan_rx_add_vid,
	.ndo_vlan_rx_kill_vid = vnitro_ixgbevf_vlan_rx_kill_vid,
	.ndo_bpf = vnitro_xdp_bpf,
	.ndo_xdp_xmit = vnitro_xdp_xmit,
};

/* ethN for device index N, as EC2's guest images name them; else eth%d. */
static int vnitro_netdev_register(struct net_device *dev, struct vnitro_eni_dev *edev)
{
	char name[IFNAMSIZ];

	ASSERT_RTNL();
	snprintf(name, sizeof(name), "eth%u", edev->device_index);
	if (__dev_get_by_name(edev->net, name))
		strscpy(name, "eth%d", sizeof(name));
	strscpy(dev->name, name, sizeof(dev->name));
	return register_netdevice(dev);
}

/* RSS as ena sets it up at probe: the boot's netdev RSS key, default spread. */
static int vnitro_rss_init(struct vnitro_netdev *vnd)
{
	u8 key[VCORE_ENA_RSS_KEY_LEN];
	struct vcore_err err = {};
	struct vnitro_rss *rss;
	int ret;

	rss = kzalloc(sizeof(*rss), GFP_KERNEL);
	if (!rss)
		return -ENOMEM;
	netdev_rss_key_fill(key, sizeof(key));
	/* The Intel VF shows its PF's key (ethtool -x), so the hash uses the key it shows. */
	ret = vcore_ena_rss_init(&rss->cfg, vnd->num_queues,
				 vnd->ixgbevf ? VCORE_ENA_RSS_KEY_CONFIGURABLE : vnd->edev->rss_key_mode,
				 key, &err);
	if (ret) {
		netdev_err(vnd->dev, "RSS: %s\n", err.msg);
		kfree(rss);
		return ret;
	}
	RCU_INIT_POINTER(vnd->rss, rss);
	return 0;
}

static void vnitro_queues_init(struct vnitro_netdev *vnd)
{
	u32 q;

	/*
	 * As ena_calc_max_io_queue_num: no more queues than online CPUs, nor
	 * than the device offers (the instance type's ENA queues per ENI).
	 */
	vnd->max_queues = clamp_t(u32, min(num_online_cpus(), vnd->edev->max_queues), 1,
				  VNITRO_ENA_MAX_QUEUES);
	vnd->num_queues = vnd->max_queues;
	vnd->rx_ring_size = VNITRO_RING_SIZE_DEFAULT;
	vnd->tx_ring_size = VNITRO_RING_SIZE_DEFAULT;
	vnd->tx_usecs = VNITRO_TX_USECS_DEFAULT;
	vnd->rx_usecs = VNITRO_RX_USECS_DEFAULT;
	for (q = 0; q < vnd->max_queues; q++) {
		struct vnitro_rx_queue *rxq = &vnd->rx[q];

		rxq->vnd = vnd;
		rxq->qid = q;
		skb_queue_head_init(&rxq->ring);
		vnitro_hold_init(rxq);
		u64_stats_init(&rxq->stats.syncp);
		u64_stats_init(&rxq->napi_stats.syncp);
		u64_stats_init(&vnd->tx[q].syncp);
		u64_stats_init(&vnd->txr[q].syncp);
		vnitro_irq_init(rxq);
		netif_napi_add(vnd->dev, &rxq->napi, vnitro_netdev_poll);
	}
}

static void vnitro_queues_uninit(struct vnitro_netdev *vnd)
{
	u32 q;

	for (q = 0; q < vnd->max_queues; q++) {
		/* A debugfs unstall may have armed the timer after the queues went down. */
		hrtimer_cancel(&vnd->rx[q].irq.timer);
		vnitro_hold_stop(&vnd->rx[q]);
		skb_queue_purge(&vnd->rx[q].ring);
		netif_napi_del(&vnd->rx[q].napi);
	}
}

/* Called from probe; the fabric port exists before the netdev can be opened. */
int vnitro_netdev_create(struct vnitro_eni_dev *edev, struct pci_dev *pdev)
{
	struct vcore_fabric_port *port;
	struct vcore_port_desc desc;
	struct vnitro_netdev *vnd;
	struct net_device *dev;
	unsigned int queues;
	int ret;

	queues = edev->adapter == VNITRO_ADAPTER_IXGBEVF ? VNITRO_IXGBEVF_NETDEV_QUEUES :
							   VNITRO_ENA_MAX_QUEUES;
	dev = alloc_etherdev_mqs(sizeof(*vnd), queues, queues);
	if (!dev)
		return -ENOMEM;
	atomic_inc(&vnitro_objects.netdevs);
	vnd = netdev_priv(dev);
	vnd->sink.kind = VNITRO_SINK_ENA;
	vnd->dev = dev;
	vnd->edev = edev;
	vnd->ixgbevf = edev->adapter == VNITRO_ADAPTER_IXGBEVF;
	vnitro_queues_init(vnd);
	ret = vnitro_xdp_init(vnd);
	if (ret)
		goto err_uninit_queues;
	ret = vnitro_rss_init(vnd);
	if (ret)
		goto err_uninit_xdp;
	netif_set_real_num_tx_queues(dev, vnd->num_queues);
	netif_set_real_num_rx_queues(dev, vnd->num_queues);
	SET_NETDEV_DEV(dev, &pdev->dev);
	dev_net_set(dev, edev->net);
	eth_hw_addr_set(dev, edev->port.mac);
	dev->netdev_ops = &vnitro_netdev_ops;
	/*
	 * ether_setup set IFF_TX_SKB_SHARING, but the fabric hands the skb
	 * itself to the receiving ENI's ring: as veth, no shared skbs (pktgen
	 * then refuses clone_skb instead of corrupting its lists).
	 */
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	if (vnd->ixgbevf) {
		dev->ethtool_ops = &vnitro_ixgbevf_ethtool_ops;
		vnitro_ixgbevf_setup(vnd);
	} else {
		dev->ethtool_ops = &vnitro_ethtool_ops;
		dev->min_mtu = VNITRO_ENA_MIN_MTU;
		dev->max_mtu = VNITRO_ENA_MAX_MTU;
		/* As ena_set_dev_offloads for a device with checksum offload (and TSO if modelled). */
		dev->features |= NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM | NETIF_F_RXCSUM |
				 NETIF_F_RXHASH | NETIF_F_HIGHDMA | vnitro_tso_features();
		dev->hw_features |= dev->features;
	}
	netif_carrier_off(dev);

	desc = edev->port;
	desc.cookie = &vnd->sink;
	port = vcore_fabric_port_add(vnitro.fabric, &desc, &ret);
	if (!port)
		goto err_free_rss;
	rcu_assign_pointer(vnd->port, port);

	rtnl_lock();
	ret = vnitro_netdev_register(dev, edev);
	if (!ret) {
		edev->netdev = dev;
		WRITE_ONCE(edev->ifindex, dev->ifindex);
		/* Re-probed after a sysfs remove and rescan: the EFA port gets it back. */
		vnitro_efa_netdev_back(edev);
	}
	rtnl_unlock();
	if (ret)
		goto err_del_port;
	vnitro_debugfs_add(vnd);
	return 0;

err_del_port:
	RCU_INIT_POINTER(vnd->port, NULL);
	vcore_fabric_port_del(vnitro.fabric, port);
err_free_rss:
	kfree(rcu_dereference_protected(vnd->rss, true));
err_uninit_xdp:
	vnitro_xdp_uninit(vnd);
err_uninit_queues:
	vnitro_queues_uninit(vnd);
	free_netdev(dev);
	atomic_dec(&vnitro_objects.netdevs);
	return ret;
}

/*
 * @edev's netdev for a reader without RTNL (the ENI dump): looked up by its
 * ifindex in the instance's namespace, and only if it is still @edev's.
 * Caller holds rcu_read_lock; NULL when there is none (or it left the
 * namespace).
 */
struct net_device *vnitro_netdev_of_rcu(const struct vnitro_eni_dev *edev)
{
	int ifindex = READ_ONCE(edev->ifindex);
	struct net_device *dev;

	if (!ifindex)
		return NULL;
	dev = dev_get_by_index_rcu(edev->net, ifindex);
	if (!dev || dev->netdev_ops != &vnitro_netdev_ops ||
	    ((struct vnitro_netdev *)netdev_priv(dev))->edev != edev)
		return NULL;
	return dev;
}

/* Called from remove: unplug from the fabric first, so nothing is delivered. */
void vnitro_netdev_destroy(struct vnitro_eni_dev *edev)
{
	struct net_device *dev = edev->netdev;
	struct vcore_fabric_port *port;
	struct vnitro_netdev *vnd;

	if (!dev)
		return;
	vnd = netdev_priv(dev);
	vnitro_debugfs_del(vnd);	/* no fault injection into a departing device */
	/*
	 * Only probe and remove write it, serialised by the device lock; an ENI
	 * update (vnitro_port_update) reads it and updates the port under RTNL,
	 * so unpublishing it under RTNL means no update is on the port when it
	 * is deleted, and none finds it afterwards.
	 */
	rtnl_lock();
	port = rtnl_dereference(vnd->port);
	RCU_INIT_POINTER(vnd->port, NULL);
	rtnl_unlock();
	vcore_fabric_port_del(vnitro.fabric, port);	/* waits for RCU readers */

	rtnl_lock();
	vnitro_efa_netdev_gone(edev);	/* ib_core must not hold it past unregistration */
	edev->netdev = NULL;
	WRITE_ONCE(edev->ifindex, 0);
	unregister_netdevice(dev);
	rtnl_unlock();
	vnitro_xdp_uninit(vnd);
	vnitro_queues_uninit(vnd);
	/* Unplugged and unregistered: no reader is left. */
	kfree(rcu_dereference_protected(vnd->rss, true));
	free_netdev(dev);
	atomic_dec(&vnitro_objects.netdevs);
}
