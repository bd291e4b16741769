// SPDX-License-Identifier: GPL-2.0
/*
 * coalesce.c - interrupt moderation: each queue pair's emulated MSI-X vector
 * fires no sooner than rx-usecs (tx-usecs) after the poll that last unmasked
 * it (ena hands the device the delay with each unmask,
 * ena_com_update_intr_reg). An event on a vector unmasked for longer than
 * that fires at once; one that comes sooner waits the interval from itself,
 * gathering what follows. The vector stays masked while the NAPI poll it
 * scheduled runs, and with adaptive-rx takes its RX interval from net_dim,
 * as ena does.
 */
#include <linux/dim.h>
#include <linux/hrtimer.h>
#include <linux/netdevice.h>

#include "vnitro.h"

enum {
	VNITRO_IRQ_ENABLED,	/* the queues are up: events may fire the vector */
	VNITRO_IRQ_MASKED,	/* fired; the NAPI poll has not unmasked it yet */
};

/* Fires the vector once: mask it, count it and schedule the pair's NAPI. */
static void vnitro_irq_fire(struct vnitro_rx_queue *rxq)
{
	if (test_and_set_bit(VNITRO_IRQ_MASKED, &rxq->irq.flags))
		return;
	atomic64_inc(&rxq->irq.interrupts);
	/* Fails only while the queues go down; vnitro_irq_start unmasks again. */
	napi_schedule(&rxq->napi);
}

/* Hard-interrupt context, like the device's MSI-X message. */
static enum hrtimer_restart vnitro_irq_timer(struct hrtimer *timer)
{
	struct vnitro_rx_queue *rxq = container_of(timer, struct vnitro_rx_queue, irq.timer);

	if (test_bit(VNITRO_IRQ_ENABLED, &rxq->irq.flags))
		vnitro_irq_fire(rxq);
	return HRTIMER_NORESTART;
}

/* ena_dim_work: adopt the interval of the profile net_dim moved to. */
static void vnitro_dim_work(struct work_struct *work)
{
	struct dim *dim = container_of(work, struct dim, work);
	struct vnitro_irq *irq = container_of(dim, struct vnitro_irq, dim);
	struct dim_cq_moder moder = net_dim_get_rx_moderation(dim->mode, dim->profile_ix);

	WRITE_ONCE(irq->rx_usecs, moder.usec);
	dim->state = DIM_START_MEASURE;
}

/* The RX interval in effect: adaptive-rx's current choice, or ethtool's rx-usecs. */
u32 vnitro_irq_rx_usecs(const struct vnitro_rx_queue *rxq)
{
	if (READ_ONCE(rxq->vnd->adaptive_rx))
		return READ_ONCE(rxq->irq.rx_usecs);
	return READ_ONCE(rxq->vnd->rx_usecs);
}

/*
 * ethtool -C's intervals and adaptive-rx (RTNL): the data path reads them
 * at the next event; net_dim starts again from @rx_usecs
 * (ena_update_rx_rings_nonadaptive_intr_moderation).
 */
void vnitro_irq_set_moderation(struct vnitro_netdev *vnd, u32 tx_usecs, u32 rx_usecs,
			       bool adaptive_rx)
{
	u32 q;

	WRITE_ONCE(vnd->tx_usecs, tx_usecs);
	WRITE_ONCE(vnd->rx_usecs, rx_usecs);
	for (q = 0; q < vnd->max_queues; q++)
		WRITE_ONCE(vnd->rx[q].irq.rx_usecs, rx_usecs);
	WRITE_ONCE(vnd->adaptive_rx, adaptive_rx);
}

void vnitro_irq_init(struct vnitro_rx_queue *rxq)
{
	hrtimer_init(&rxq->irq.timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	rxq->irq.timer.function = vnitro_irq_timer;
	INIT_WORK(&rxq->irq.dim.work, vnitro_dim_work);
}

/* Queues up (RTNL): a fresh measurement for net_dim, the vector unmasked. */
void vnitro_irq_start(struct vnitro_rx_queue *rxq)
{
	struct vnitro_irq *irq = &rxq->irq;

	/* vnitro_irq_stop cancelled the work, so the dim can be reset in place. */
	memset(&irq->dim, 0, sizeof(irq->dim));
	INIT_WORK(&irq->dim.work, vnitro_dim_work);
	irq->dim.mode = DIM_CQ_PERIOD_MODE_START_FROM_EQE;	/* as ena_init_napi_in_range */
	irq->napi_events = 0;
	irq->unmasked = 0;	/* long ago: the first event fires at once */
	WRITE_ONCE(irq->rx_usecs, READ_ONCE(rxq->vnd->rx_usecs));
	smp_store_release(&irq->flags, BIT(VNITRO_IRQ_ENABLED));
}

/*
 * Queues down (RTNL), after napi_disable: nothing can raise the vector any
 * more except a debugfs unstall, which finds it disabled.
 */
void vnitro_irq_stop(struct vnitro_rx_queue *rxq)
{
	clear_bit(VNITRO_IRQ_ENABLED, &rxq->irq.flags);
	hrtimer_cancel(&rxq->irq.timer);
	cancel_work_sync(&rxq->irq.dim.work);
}

/*
 * An event for the queue pair: a frame entered its RX ring, or one of its TX
 * queue's frames left. Any context. While the vector is masked nothing
 * happens: the poll that unmasks it looks for pending work itself.
 */
void vnitro_irq_raise(struct vnitro_rx_queue *rxq, enum vnitro_irq_event ev)
{
	struct vnitro_irq *irq = &rxq->irq;
	ktime_t now, when;
	u32 usecs;

	/* Pairs with vnitro_irq_poll_done: the work is visible before the mask is read. */
	smp_mb();
	if (READ_ONCE(irq->flags) != BIT(VNITRO_IRQ_ENABLED))
		return;
	if (ev == VNITRO_IRQ_RX) {
		if (READ_ONCE(rxq->faults.rx_stall))
			return;
		usecs = vnitro_irq_rx_usecs(rxq);
	} else {
		if (READ_ONCE(rxq->faults.tx_stall))
			return;
		usecs = READ_ONCE(rxq->vnd->tx_usecs);
	}
	if (!usecs) {
		hrtimer_try_to_cancel(&irq->timer);
		vnitro_irq_fire(rxq);
		return;
	}
	now = ktime_get();
	/* Unmasked for longer than the interval, nothing pending: no reason to wait. */
	if (!hrtimer_is_queued(&irq->timer) &&
	    ktime_after(now, ktime_add_us(READ_ONCE(irq->unmasked), usecs))) {
		vnitro_irq_fire(rxq);
		return;
	}
	/* The first event starts the interval; a later one may only shorten it. */
	when = ktime_add_us(now, usecs);
	if (hrtimer_is_queued(&irq->timer) && ktime_before(hrtimer_get_expires(&irq->timer), when))
		return;
	hrtimer_start(&irq->timer, when, HRTIMER_MODE_ABS);
}

/* ena_adjust_adaptive_rx_intr_moderation: one sample per poll that found frames. */
static void vnitro_irq_sample(struct vnitro_rx_queue *rxq)
{
	struct dim_sample sample;

	rxq->irq.napi_events++;
	/* This NAPI is the only writer of its stats: plain reads are exact. */
	dim_update_sample(rxq->irq.napi_events, rxq->stats.packets, rxq->stats.bytes, &sample);
	net_dim(&rxq->irq.dim, sample);
}

static void vnitro_napi_stat_inc(struct vnitro_rx_queue *rxq, u64 *counter)
{
	u64_stats_update_begin(&rxq->napi_stats.syncp);
	(*counter)++;
	u64_stats_update_end(&rxq->napi_stats.syncp);
}

/*
 * The end of a NAPI poll that did @rx_done frames' work within its budget:
 * complete it, feed net_dim, unmask the vector (ena_io_poll's tail) and raise
 * it again for work that arrived while it was masked.
 */
void vnitro_irq_poll_done(struct vnitro_rx_queue *rxq, int rx_done)
{
	struct vnitro_netdev *vnd = rxq->vnd;

	if (!napi_complete_done(&rxq->napi, rx_done))
		return;		/* busy polling goes on: stay masked */
	vnitro_napi_stat_inc(rxq, &rxq->napi_stats.napi_comp);
	if (rx_done && READ_ONCE(vnd->adaptive_rx))
		vnitro_irq_sample(rxq);
	/* Before the unmask: a raise that finds the vector unmasked reads it. */
	WRITE_ONCE(rxq->irq.unmasked, ktime_get());
	smp_mb__before_atomic();
	clear_bit(VNITRO_IRQ_MASKED, &rxq->irq.flags);
	vnitro_napi_stat_inc(rxq, &rxq->napi_stats.unmask_interrupt);
	/* Pairs with vnitro_irq_raise: unmasked before the work is looked at. */
	smp_mb__after_atomic();
	if (!skb_queue_empty_lockless(&rxq->ring))
		vnitro_irq_raise(rxq, VNITRO_IRQ_RX);
	if (atomic_read(&vnd->txr[rxq->qid].used))
		vnitro_irq_raise(rxq, VNITRO_IRQ_TX);
}

/* Every poll, as ena counts tx_poll. */
void vnitro_irq_polled(struct vnitro_rx_queue *rxq)
{
	vnitro_napi_stat_inc(rxq, &rxq->napi_stats.tx_poll);
}

void vnitro_read_napi_stats(struct vnitro_rx_queue *rxq, struct vnitro_napi_stats *out)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&rxq->napi_stats.syncp);
		out->tx_poll = rxq->napi_stats.tx_poll;
		out->napi_comp = rxq->napi_stats.napi_comp;
		out->unmask_interrupt = rxq->napi_stats.unmask_interrupt;
	} while (u64_stats_fetch_retry(&rxq->napi_stats.syncp, start));
}
