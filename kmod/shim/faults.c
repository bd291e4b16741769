// SPDX-License-Identifier: GPL-2.0
/*
 * faults.c - the faults injected into a queue (debugfs.c sets them), as the
 * receive path applies them to a frame before it enters the RX ring.
 */
#include <linux/atomic.h>
#include <linux/skbuff.h>

#include "vnitro.h"

/*
 * A bit error on the wire: the frame keeps its length, its last byte is
 * flipped, so the device's L3/L4 checksum check fails (csum_bad) and the
 * stack drops it. A frame whose checksum was left to the sending device gets
 * it first, as it would have on the wire. A TSO frame kept whole for the
 * receiver (tso.c) stands for many wire frames and has no one checksum to
 * complete (skb_checksum_help refuses GSO skbs): it is dropped whole, as
 * its corrupted wire frames would each be. skb->data is the network header.
 */
static int vnitro_corrupt(struct sk_buff *skb)
{
	if (skb_is_gso(skb))
		return -EMSGSIZE;
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		return -ENOMEM;
	/* Private and linear: TCP's clone for retransmission must stay intact. */
	if (!skb->len || skb_ensure_writable(skb, skb->len))
		return -ENOMEM;
	skb->data[skb->len - 1] ^= 0xff;
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

/* Takes one from a "next N frames" count; false when it was zero. */
static bool vnitro_fault_take(atomic_t *count)
{
	return atomic_read(count) && atomic_dec_if_positive(count) >= 0;
}

/*
 * Applies the faults injected into @rxq to a frame it receives, before the
 * frame enters the ring. Returns true when the frame was dropped (and
 * counted as the device's rx_drops, which ip -s link shows as rx dropped).
 */
bool vnitro_fault_rx(struct vnitro_rx_queue *rxq, struct sk_buff *skb)
{
	struct vnitro_faults *f = &rxq->faults;

	if (likely(!atomic_read(&f->rx_drop) && !atomic_read(&f->rx_corrupt)))
		return false;
	if (vnitro_fault_take(&f->rx_drop) ||
	    (vnitro_fault_take(&f->rx_corrupt) && vnitro_corrupt(skb))) {
		atomic64_inc(&rxq->dropped);
		dev_kfree_skb_any(skb);
		return true;
	}
	return false;
}
