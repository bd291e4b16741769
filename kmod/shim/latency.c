// SPDX-License-Identifier: GPL-2.0
/*
 * latency.c - the network's latency on an ENI's receive queues: frames the
 * fabric's path model has arrive later wait here until they are due.
 *
 * A frame the fabric delivers with a due time in the future is held in its
 * RX queue's hold list, sorted by due time (frames of one flow never
 * overtake each other: the core gives a flow's frames non-decreasing due
 * times), and a timer per queue moves the due ones into the ring at their
 * time, as if they had just crossed the wire. A frame due now arrives at
 * once, unless others wait: then it takes its place among them, so that
 * nothing it follows is overtaken. The timer runs in hard-interrupt context,
 * as a NIC's interrupt would (a softirq timer waits behind the softirq that is
 * running, often the other instance's receive), so the hold lock is taken
 * with interrupts off. The hold list is the network's, not the
 * device's: its frames are not in the RX ring (they do not fill it), and
 * they are dropped when the queues go down, like frames on a wire to a
 * device that is being reset. Each queue counts how late it moved frames
 * past their due time (held_stats, debugfs): the host's share of the latency.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/skbuff.h>

#include "vnitro.h"

/* Frames a queue holds at most; more (a path slower than the sender) are dropped as rx_drops. */
#define VNITRO_HOLD_MAX 4096

/*
 * Moves the frames due by @now into the ring (in due order, the hold lock
 * held so that no other CPU's release interleaves) and re-arms the timer for
 * the next one. Hold lock held.
 */
static void vnitro_hold_release(struct vnitro_rx_queue *rxq, u64 now)
{
	struct vnitro_hold_stats *st = &rxq->held_stats;
	struct sk_buff *skb;

	while ((skb = skb_peek(&rxq->held)) && *vnitro_skb_due(skb) <= now) {
		u64 late = now - *vnitro_skb_due(skb);

		st->released++;
		st->late_100us += late >= 100 * NSEC_PER_USEC;
		st->late_1ms += late >= NSEC_PER_MSEC;
		st->late_max_ns = max(st->late_max_ns, late);
		__skb_unlink(skb, &rxq->held);
		vnitro_rx_enqueue(rxq, skb);
	}
	if (skb)
		hrtimer_start(&rxq->held_timer, ns_to_ktime(*vnitro_skb_due(skb)),
			      HRTIMER_MODE_ABS_HARD);
}

static enum hrtimer_restart vnitro_hold_timer(struct hrtimer *t)
{
	struct vnitro_rx_queue *rxq = container_of(t, struct vnitro_rx_queue, held_timer);
	unsigned long flags;

	spin_lock_irqsave(&rxq->held.lock, flags);
	vnitro_hold_release(rxq, ktime_get_ns());
	spin_unlock_irqrestore(&rxq->held.lock, flags);
	return HRTIMER_NORESTART;
}

void vnitro_hold_init(struct vnitro_rx_queue *rxq)
{
	skb_queue_head_init(&rxq->held);
	hrtimer_init(&rxq->held_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	rxq->held_timer.function = vnitro_hold_timer;
}

/*
 * The frame @skb for @rxq, due at @due_ns (ktime_get_ns's clock, which is
 * vnitro_env_clock_ns's; 0: now). Atomic context, as the fabric's deliver.
 */
void vnitro_hold_enqueue(struct vnitro_rx_queue *rxq, struct sk_buff *skb, u64 due_ns)
{
	struct sk_buff *prev;
	unsigned long flags;
	u64 now;

	/* Nothing waits (read without the lock: a frame due now needs no order). */
	if (!due_ns && skb_queue_empty_lockless(&rxq->held)) {
		vnitro_rx_enqueue(rxq, skb);
		return;
	}
	now = ktime_get_ns();
	spin_lock_irqsave(&rxq->held.lock, flags);
	if (skb_queue_empty(&rxq->held) && due_ns <= now) {
		spin_unlock_irqrestore(&rxq->held.lock, flags);
		vnitro_rx_enqueue(rxq, skb);
		return;
	}
	if (skb_queue_len(&rxq->held) >= VNITRO_HOLD_MAX) {
		spin_unlock_irqrestore(&rxq->held.lock, flags);
		atomic64_inc(&rxq->dropped);
		kfree_skb(skb);
		return;
	}
	*vnitro_skb_due(skb) = due_ns;	/* it may have lost it on its way (segmentation) */
	/* From the tail: frames mostly come in due order. */
	for (prev = skb_peek_tail(&rxq->held); prev && *vnitro_skb_due(prev) > due_ns;
	     prev = skb_queue_is_first(&rxq->held, prev) ? NULL : prev->prev)
		;
	if (prev)
		__skb_queue_after(&rxq->held, prev, skb);
	else
		__skb_queue_head(&rxq->held, skb);
	if (due_ns <= now)
		vnitro_hold_release(rxq, now);
	else if (skb_peek(&rxq->held) == skb)
		hrtimer_start(&rxq->held_timer, ns_to_ktime(due_ns), HRTIMER_MODE_ABS_HARD);
	spin_unlock_irqrestore(&rxq->held.lock, flags);
}

/* The queue goes down: no deliveries any more (rx_up cleared, a grace period passed). */
void vnitro_hold_stop(struct vnitro_rx_queue *rxq)
{
	hrtimer_cancel(&rxq->held_timer);
	skb_queue_purge(&rxq->held);
}

/* Frames held now, for debugfs. */
u32 vnitro_hold_len(const struct vnitro_rx_queue *rxq)
{
	return skb_queue_len_lockless(&rxq->held);
}

/* A copy of the lateness counters, for debugfs. */
void vnitro_hold_read_stats(struct vnitro_rx_queue *rxq, struct vnitro_hold_stats *out)
{
	spin_lock_irq(&rxq->held.lock);
	*out = rxq->held_stats;
	spin_unlock_irq(&rxq->held.lock);
}
