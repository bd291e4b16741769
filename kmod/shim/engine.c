// SPDX-License-Identifier: GPL-2.0
/*
 * engine.c - the kthread that drives the core's EFA engine, and the copy
 * between pinned pages it asks for. Adaptive: it busy-polls while work
 * arrived within the last engine_spin_us, then sleeps engine_idle_us
 * between passes, and 1 ms once idle for long (a frame from another host
 * wakes it at once); with no EFA device it waits until one appears. It
 * sleeps interruptibly: "S" in ps and top, no load average. efa_engine's
 * poll_us is the time spent in passes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/wait.h>

#include "efa.h"
#include "vnitro.h"

/*
 * Measured under TCG (kthread and process on different vCPUs): spinning
 * 50 us after the last doorbell keeps the round trip within 0.5 us of a
 * busy poll; sleeping 10-20 us after each empty poll costs ~60 us.
 */
static unsigned int engine_spin_us = 50;
module_param(engine_spin_us, uint, 0644);
MODULE_PARM_DESC(engine_spin_us, "EFA engine: busy-poll this long after the last work (default 50)");
static unsigned int engine_idle_us = 20;
module_param(engine_idle_us, uint, 0644);
MODULE_PARM_DESC(engine_idle_us, "EFA engine: sleep between polls once idle (default 20)");

enum {
	VNITRO_ENGINE_DEEP_IDLE_NS = 10 * NSEC_PER_MSEC,	/* then poll every ms */
	VNITRO_ENGINE_DEEP_SLEEP_US = 1000,
};

static struct {
	struct vcore_efa_engine *core;		/* under vnitro_efa_lock */
	struct task_struct *thread;
	wait_queue_head_t wait;
	atomic_t devices;
	struct dentry *debugfs;		/* /sys/kernel/debug/vnitro/efa_engine */
	struct dentry *objects;		/* /sys/kernel/debug/vnitro/efa_objects */
	u64 poll_ns;				/* time in passes, under vnitro_efa_lock */
	struct sk_buff_head rxq;		/* EFA frames from other hosts (vnitro_engine_rx) */
} veng;

/* Frames from other hosts waiting for a pass; more are dropped (their senders resend). */
enum { VNITRO_ENGINE_RXQ_MAX = 4096, VNITRO_ENGINE_RX_BUDGET = 256 };
/* Room in front of a frame for the tunnel's headers (outer Ethernet, IPv4, UDP, Geneve, option). */
enum { VNITRO_ENGINE_HEADROOM = 128 };

/* Bytes at @off of a pinned MR: page and offset in it. */
static struct page *vnitro_mr_page(struct vnitro_efa_mr *mr, u64 off, unsigned int *pofs)
{
	u64 pos = mr->first_page_offset + off;

	*pofs = offset_in_page(pos);
	return mr->pages[pos >> PAGE_SHIFT];
}

/*
 * Whether [@off, @off + @len) of @mr lies in its pinned pages. The core
 * checked the range against the MR's registered bounds already; this is
 * the last line between a wrong caller and another page's memory, so no
 * page is indexed unless it holds.
 */
static bool vnitro_mr_holds(const struct vnitro_efa_mr *mr, u64 off, u32 len)
{
	u64 end;

	if (check_add_overflow(off, (u64)mr->first_page_offset, &end) ||
	    check_add_overflow(end, (u64)len, &end))
		return false;
	return end <= (u64)mr->npages << PAGE_SHIFT;
}

static bool vnitro_engine_copy(void *dst_mr, u64 dst_off, void *src_mr, u64 src_off, u32 len)
{
	if (WARN_ONCE(!vnitro_mr_holds(dst_mr, dst_off, len) || !vnitro_mr_holds(src_mr, src_off, len),
		      "vnitro: EFA copy of %u bytes outside a memory region refused\n", len))
		return false;
	while (len) {
		unsigned int dofs, sofs, n;
		struct page *dp = vnitro_mr_page(dst_mr, dst_off, &dofs);
		struct page *sp = vnitro_mr_page(src_mr, src_off, &sofs);
		void *d, *s;

		n = min3((unsigned int)len, (unsigned int)PAGE_SIZE - dofs,
			 (unsigned int)PAGE_SIZE - sofs);
		d = kmap_local_page(dp);
		s = kmap_local_page(sp);
		memcpy(d + dofs, s + sofs, n);
		kunmap_local(s);
		kunmap_local(d);
		dst_off += n;
		src_off += n;
		len -= n;
	}
	return true;
}

/* Between a pinned MR's bytes at @off and a kernel buffer: into the MR with @to_mr. */
static void vnitro_mr_copy_buf(struct vnitro_efa_mr *mr, u64 off, u8 *buf, u32 len, bool to_mr)
{
	while (len) {
		unsigned int pofs, n;
		struct page *p = vnitro_mr_page(mr, off, &pofs);
		void *m;

		n = min((unsigned int)len, (unsigned int)PAGE_SIZE - pofs);
		m = kmap_local_page(p);
		if (to_mr)
			memcpy(m + pofs, buf, n);
		else
			memcpy(buf, m + pofs, n);
		kunmap_local(m);
		off += n;
		buf += n;
		len -= n;
	}
}

static bool vnitro_engine_copy_out(void *src_mr, u64 src_off, u8 *dst, u32 len)
{
	if (WARN_ONCE(!vnitro_mr_holds(src_mr, src_off, len),
		      "vnitro: EFA copy out of %u bytes outside a memory region refused\n", len))
		return false;
	vnitro_mr_copy_buf(src_mr, src_off, dst, len, false);
	return true;
}

/* A frame for another host (engine pass: process context, may sleep). */
static void *vnitro_engine_frame_alloc(u32 len, u8 **data)
{
	struct sk_buff *skb = alloc_skb(VNITRO_ENGINE_HEADROOM + len, GFP_KERNEL);

	if (!skb)
		return NULL;
	skb_reserve(skb, VNITRO_ENGINE_HEADROOM);
	*data = skb_put(skb, len);
	skb->protocol = htons(VCORE_ETHERTYPE_EFA);
	return skb;
}

static void vnitro_engine_frame_free(void *frame)
{
	kfree_skb(frame);
}

bool vnitro_engine_rx(struct sk_buff *skb)
{
	if (!atomic_read(&veng.devices) || skb_queue_len(&veng.rxq) >= VNITRO_ENGINE_RXQ_MAX) {
		kfree_skb(skb);
		return false;
	}
	skb->dev = NULL;	/* the tunnel's device may go before the pass takes it */
	skb_queue_tail(&veng.rxq, skb);
	wake_up(&veng.wait);
	return true;
}

/* Hands the frames other hosts sent to the engine (vnitro_efa_lock held). */
static bool vnitro_engine_drain_rx(u64 now)
{
	struct sk_buff *skb;
	int n = 0;

	while (n < VNITRO_ENGINE_RX_BUDGET && (skb = skb_dequeue(&veng.rxq))) {
		vcore_efa_engine_rx(veng.core, skb->data, skb_headlen(skb), now);
		consume_skb(skb);
		n++;
	}
	return n;
}

static bool vnitro_engine_copy_in(void *dst_mr, u64 dst_off, const u8 *src, u32 len)
{
	if (WARN_ONCE(!vnitro_mr_holds(dst_mr, dst_off, len),
		      "vnitro: EFA inline copy of %u bytes outside a memory region refused\n", len))
		return false;
	vnitro_mr_copy_buf(dst_mr, dst_off, (u8 *)src, len, true);
	return true;
}

/*
 * An armed CQ got a completion (engine pass, its device's lock held, so the
 * CQ is alive): ib_uverbs queues the event on the CQ's completion channel.
 */
static void vnitro_engine_cq_event(void *cookie)
{
	struct ib_cq *ibcq = cookie;

	if (ibcq->comp_handler)
		ibcq->comp_handler(ibcq, ibcq->cq_context);
}

/*
 * A pass holds vnitro_efa_lock (the device list) and one device's lock at a
 * time, plus a peer's while it delivers there: the peer is a second lock of
 * the same class, one level down (the pass runs on this thread only, so two
 * passes never hold two devices in opposite orders).
 */
static void vnitro_engine_dev_lock(void *cookie, bool peer)
{
	struct vnitro_efa *efa = cookie;

	mutex_lock_nested(&efa->lock, peer ? SINGLE_DEPTH_NESTING : 0);
}

static void vnitro_engine_dev_unlock(void *cookie)
{
	struct vnitro_efa *efa = cookie;

	mutex_unlock(&efa->lock);
}

static void vnitro_engine_resched(void)
{
	cond_resched();
}

static const struct vcore_efa_engine_ops vnitro_engine_ops = {
	.copy = vnitro_engine_copy,
	.copy_in = vnitro_engine_copy_in,
	.cq_event = vnitro_engine_cq_event,
	.dev_lock = vnitro_engine_dev_lock,
	.dev_unlock = vnitro_engine_dev_unlock,
	.resched = vnitro_engine_resched,
	.frame_alloc = vnitro_engine_frame_alloc,
	.frame_free = vnitro_engine_frame_free,
	.copy_out = vnitro_engine_copy_out,
};

static bool vnitro_engine_wake(void)
{
	return !skb_queue_empty_lockless(&veng.rxq) || kthread_should_stop();
}

static int vnitro_engine_thread(void *arg)
{
	u64 last_work = 0;

	/* Its short sleeps end within 10 us of their time (as a usleep_range of 20-30 us did). */
	current->timer_slack_ns = 10 * NSEC_PER_USEC;

	while (!kthread_should_stop()) {
		u64 now;
		bool work;

		if (!atomic_read(&veng.devices)) {
			wait_event_interruptible(veng.wait, atomic_read(&veng.devices) ||
						 kthread_should_stop());
			continue;
		}
		mutex_lock(&vnitro_efa_lock);
		now = ktime_get_ns();
		work = vnitro_engine_drain_rx(now);
		work |= vcore_efa_engine_poll(veng.core, now);
		veng.poll_ns += ktime_get_ns() - now;
		mutex_unlock(&vnitro_efa_lock);
		if (work)
			last_work = now;
		if (now - last_work < (u64)READ_ONCE(engine_spin_us) * NSEC_PER_USEC) {
			cond_resched();
		} else {
			unsigned int us = now - last_work < VNITRO_ENGINE_DEEP_IDLE_NS ?
					  max(READ_ONCE(engine_idle_us), 1u) : VNITRO_ENGINE_DEEP_SLEEP_US;

			/* A frame from another host ends the sleep (vnitro_engine_rx). */
			wait_event_interruptible_hrtimeout(veng.wait, vnitro_engine_wake(),
							   ns_to_ktime((u64)us * NSEC_PER_USEC));
		}
	}
	return 0;
}

struct vcore_efa_engine *vnitro_engine_core(void)
{
	return veng.core;
}

/* A device appeared or went (under vnitro_efa_lock): wake the thread for the first. */
void vnitro_engine_device_count(int delta)
{
	if (atomic_add_return(delta, &veng.devices) == 1 && delta > 0)
		wake_up(&veng.wait);
}

void vnitro_engine_get_stats(struct vcore_efa_engine_stats *out)
{
	mutex_lock(&vnitro_efa_lock);
	vcore_efa_engine_get_stats(veng.core, out);
	mutex_unlock(&vnitro_efa_lock);
}

/* The engine's counters: drops by reason, so "not delivered" is always counted somewhere. */
static int vnitro_engine_stats_show(struct seq_file *m, void *v)
{
	struct vcore_efa_engine_stats s;

	vnitro_engine_get_stats(&s);
	seq_printf(m, "passes: %llu\ntx_wqes: %llu\nrx_delivered: %llu\ntx_errors: %llu\n"
		   "drop_no_dest: %llu\ndrop_cross_subnet: %llu\ndrop_bad_qp: %llu\n"
		   "drop_no_buffer: %llu\nrnr_retries: %llu\nbad_rx_desc: %llu\n",
		   s.passes, s.tx_wqes, s.rx_delivered, s.tx_errors, s.drop_no_dest,
		   s.drop_cross_subnet, s.drop_bad_qp, s.drop_no_buffer, s.rnr_retries,
		   s.bad_rx_desc);
	seq_printf(m, "srd_sent: %llu\nsrd_resent: %llu\nsrd_acked: %llu\nsrd_duplicates: %llu\n"
		   "srd_given_up: %llu\npath_lost: %llu\npath_reordered: %llu\n",
		   s.srd_sent, s.srd_resent, s.srd_acked, s.srd_duplicates, s.srd_given_up,
		   s.path_lost, s.path_reordered);
	seq_printf(m, "rdma_read_wrs: %llu\nrdma_read_bytes: %llu\nrdma_read_wr_err: %llu\n",
		   s.rdma_read_wrs, s.rdma_read_bytes, s.rdma_read_wr_err);
	seq_printf(m, "copy_refused: %llu\ndrop_filtered: %llu\n", s.copy_refused,
		   s.drop_filtered);
	seq_printf(m, "remote_tx: %llu\nremote_rx: %llu\nremote_dropped: %llu\n", s.remote_tx,
		   s.remote_rx, s.remote_dropped);
	seq_printf(m, "poll_us: %llu\n", READ_ONCE(veng.poll_ns) / NSEC_PER_USEC);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vnitro_engine_stats);

struct vnitro_efa_usage vnitro_efa_usage;

/*
 * What userspace holds on every EFA device, for leak checks: each line must
 * return to its value before a process started once the process is gone.
 */
static int vnitro_engine_objects_show(struct seq_file *m, void *v)
{
	struct vcore_efa_counts c;

	mutex_lock(&vnitro_efa_lock);
	vcore_efa_engine_counts(veng.core, &c);
	mutex_unlock(&vnitro_efa_lock);
	seq_printf(m, "ucontexts: %d\npds: %u\nmrs: %u\npinned_pages: %ld\ncqs: %u\nqps: %u\n"
		   "ahs: %u\nmmap_entries: %d\n",
		   atomic_read(&vnitro_efa_usage.ucontexts), c.pds, c.mrs,
		   atomic_long_read(&vnitro_efa_usage.pinned_pages), c.cqs, c.qps, c.ahs,
		   atomic_read(&vnitro_efa_usage.mmap_entries));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vnitro_engine_objects);

int vnitro_engine_init(void)
{
	init_waitqueue_head(&veng.wait);
	atomic_set(&veng.devices, 0);
	skb_queue_head_init(&veng.rxq);
	veng.core = vcore_efa_engine_create(&vnitro_engine_ops, vnitro.fabric);
	if (!veng.core)
		return -ENOMEM;
	veng.thread = kthread_run(vnitro_engine_thread, NULL, "vnitro-efa");
	if (IS_ERR(veng.thread)) {
		int ret = PTR_ERR(veng.thread);

		vcore_efa_engine_destroy(veng.core);
		return ret;
	}
	if (!IS_ERR_OR_NULL(vnitro.debugfs)) {
		veng.debugfs = debugfs_create_file("efa_engine", 0444, vnitro.debugfs, NULL,
						   &vnitro_engine_stats_fops);
		veng.objects = debugfs_create_file("efa_objects", 0444, vnitro.debugfs, NULL,
						   &vnitro_engine_objects_fops);
	}
	return 0;
}

/* Every EFA device is gone. */
void vnitro_engine_exit(void)
{
	debugfs_remove(veng.debugfs);	/* waits for readers: none after this */
	debugfs_remove(veng.objects);
	kthread_stop(veng.thread);
	skb_queue_purge(&veng.rxq);
	vcore_efa_engine_destroy(veng.core);
}
