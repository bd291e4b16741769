// SPDX-License-Identifier: GPL-2.0
/*
 * rings.c - how full the rings are. RX: the entries in use. TX: descriptors in
 * flight: a sent frame holds its descriptors until
 * the queue pair's NAPI processes the (moderated) TX completion; the queue is
 * stopped and woken around that as ena_start_xmit and ena_clean_tx_irq do.
 */
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "vnitro.h"

/* ena_tx_map_skb: one descriptor for the linear part, one per fragment. */
u32 vnitro_tx_descs(const struct sk_buff *skb)
{
	return 1 + skb_shinfo(skb)->nr_frags;
}

static bool vnitro_tx_ring_has_room(struct vnitro_netdev *vnd, u32 q)
{
	int free = (int)READ_ONCE(vnd->tx_ring_size) - atomic_read(&vnd->txr[q].used);

	return free >= VNITRO_TX_STOP_THRESH;
}

static void vnitro_tx_ring_count(struct vnitro_tx_ring *txr, u64 *counter)
{
	u64_stats_update_begin(&txr->syncp);
	(*counter)++;
	u64_stats_update_end(&txr->syncp);
}

/*
 * ndo_start_xmit, under TX queue @q's lock, once a frame of @descs
 * descriptors went out: they stay in use until the completion. Like
 * ena_start_xmit, stop the queue when the next frame might not fit, then look
 * again in case a completion ran meanwhile.
 */
void vnitro_tx_ring_consume(struct vnitro_netdev *vnd, u32 q, u32 descs)
{
	struct netdev_queue *txq = netdev_get_tx_queue(vnd->dev, q);
	struct vnitro_tx_ring *txr = &vnd->txr[q];

	atomic_add(descs, &txr->used);
	vnitro_irq_raise(&vnd->rx[q], VNITRO_IRQ_TX);
	if (likely(vnitro_tx_ring_has_room(vnd, q)))
		return;
	netif_tx_stop_queue(txq);
	vnitro_tx_ring_count(txr, &txr->queue_stop);
	/* Pairs with the clean's atomic_xchg: the stop is visible before we re-read. */
	smp_mb__after_atomic();
	if (vnitro_tx_ring_has_room(vnd, q)) {
		netif_tx_wake_queue(txq);
		vnitro_tx_ring_count(txr, &txr->queue_wakeup);
	}
}

/*
 * The TX half of the queue pair's NAPI poll: every frame sent so far has left
 * the device, so all descriptors come back (unless a stall is injected), and
 * a stopped queue is woken under its lock, as ena_clean_tx_irq does.
 */
void vnitro_tx_ring_clean(struct vnitro_netdev *vnd, u32 q)
{
	struct vnitro_tx_ring *txr = &vnd->txr[q];
	struct netdev_queue *txq;

	if (READ_ONCE(vnd->rx[q].faults.tx_stall) || !atomic_read(&txr->used))
		return;
	atomic_xchg(&txr->used, 0);	/* a full barrier, paired with the xmit side */
	txq = netdev_get_tx_queue(vnd->dev, q);
	if (likely(!netif_tx_queue_stopped(txq)))
		return;
	__netif_tx_lock(txq, smp_processor_id());
	/* rx_up: never wake a queue that vnitro_queues_down stopped. */
	if (netif_tx_queue_stopped(txq) && READ_ONCE(vnd->rx_up) &&
	    vnitro_tx_ring_has_room(vnd, q)) {
		netif_tx_wake_queue(txq);
		vnitro_tx_ring_count(txr, &txr->queue_wakeup);
	}
	__netif_tx_unlock(txq);
}

/* Queues down, NAPI disabled and TX stopped: ena frees every TX buffer. */
void vnitro_tx_ring_reset(struct vnitro_netdev *vnd, u32 q)
{
	atomic_set(&vnd->txr[q].used, 0);
}

void vnitro_read_tx_ring_stats(struct vnitro_tx_ring *txr, u64 *stop, u64 *wakeup)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&txr->syncp);
		*stop = txr->queue_stop;
		*wakeup = txr->queue_wakeup;
	} while (u64_stats_fetch_retry(&txr->syncp, start));
}

/*
 * Ring entries in use: frames waiting, and those the NAPI poll took but has
 * not finished with (ena refills their descriptors only at the end of the
 * poll). Read without locks: a bound, not an exact count.
 */
u32 vnitro_rx_ring_fill(const struct vnitro_rx_queue *rxq)
{
	return skb_queue_len_lockless(&rxq->ring) + READ_ONCE(rxq->in_poll);
}
