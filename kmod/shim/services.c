// SPDX-License-Identifier: GPL-2.0
/* services.c - the kernel primitives the C++ core is given (struct vcore_services). */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>

#include "vnitro.h"

struct vnitro_objects vnitro_objects;

static void *vnitro_svc_alloc(size_t size, unsigned int flags)
{
	void *p;

	/* Sleeping callers may get vmalloc memory: an SRD QP's flow is ~25 KiB. */
	if (flags & VCORE_ALLOC_ATOMIC)
		p = kzalloc(size, GFP_ATOMIC);
	else
		p = kvzalloc(size, GFP_KERNEL);
	if (p)
		atomic_long_inc(&vnitro_objects.core_allocs);
	return p;
}

static void vnitro_svc_free(void *ptr)
{
	if (ptr)
		atomic_long_dec(&vnitro_objects.core_allocs);
	kvfree(ptr);
}

static void vnitro_svc_log(int level, const char *msg)
{
	switch (level) {
	case VCORE_LOG_ERR:
		pr_err("%s\n", msg);
		break;
	case VCORE_LOG_WARN:
		pr_warn("%s\n", msg);
		break;
	case VCORE_LOG_INFO:
		pr_info("%s\n", msg);
		break;
	default:
		pr_debug("%s\n", msg);
	}
}

static void vnitro_svc_rcu_read_lock(void)
{
	rcu_read_lock();
}

static void vnitro_svc_rcu_read_unlock(void)
{
	rcu_read_unlock();
}

static void *vnitro_svc_mutex_create(void)
{
	struct mutex *m = kmalloc(sizeof(*m), GFP_KERNEL);

	if (m)
		mutex_init(m);
	return m;
}

static void vnitro_svc_mutex_destroy(void *m)
{
	mutex_destroy(m);
	kfree(m);
}

static void vnitro_svc_mutex_lock(void *m)
{
	mutex_lock(m);
}

static void vnitro_svc_mutex_unlock(void *m)
{
	mutex_unlock(m);
}

/* The fabric delivers to a port's cookie: an ENI's netdev or a gateway's. */
static void vnitro_svc_deliver(void *port_cookie, void *frame_ctx, u64 due_ns)
{
	struct vnitro_sink *sink = port_cookie;

	if (sink->kind == VNITRO_SINK_IGW)
		vnitro_igw_deliver(container_of(sink, struct vnitro_igw_dev, sink), frame_ctx);
	else if (sink->kind == VNITRO_SINK_LINKLOCAL)
		vnitro_linklocal_deliver(container_of(sink, struct vnitro_linklocal_dev, sink), frame_ctx);
	else
		vnitro_netdev_deliver(container_of(sink, struct vnitro_netdev, sink), frame_ctx,
				      due_ns);
}

/* A remote port's: the frame crosses to its host (the path model's delay stays behind). */
static void vnitro_svc_deliver_tunneled(void *port_cookie, const u8 *src_mac, void *frame_ctx,
					u64 due_ns)
{
	struct vnitro_sink *sink = port_cookie;

	vnitro_tunnel_deliver(container_of(sink, struct vnitro_eni_dev, sink), src_mac, frame_ctx);
}

static void vnitro_svc_deliver_copy(void *port_cookie, const u8 *frame, u32 len)
{
	struct vnitro_sink *sink = port_cookie;

	if (sink->kind == VNITRO_SINK_IGW)
		vnitro_igw_deliver_copy(container_of(sink, struct vnitro_igw_dev, sink), frame, len);
	else if (sink->kind == VNITRO_SINK_LINKLOCAL || sink->kind == VNITRO_SINK_TUNNEL)
		return;		/* the fabric answers nothing to the services' port, nor across hosts */
	else
		vnitro_netdev_deliver_copy(container_of(sink, struct vnitro_netdev, sink), frame,
					   len);
}

static void *vnitro_svc_spin_create(void)
{
	spinlock_t *lock = kmalloc(sizeof(*lock), GFP_KERNEL);

	if (lock)
		spin_lock_init(lock);
	return lock;
}

static void vnitro_svc_spin_destroy(void *lock)
{
	kfree(lock);
}

void vnitro_env_spin_lock(void *lock)
{
	spin_lock_bh(lock);
}

void vnitro_env_spin_unlock(void *lock)
{
	spin_unlock_bh(lock);
}

static uint32_t vnitro_svc_cpu_count(void)
{
	return nr_cpu_ids;
}

/*
 * The core's clock, read on every tracked frame for idle timeouts counted in
 * seconds: the tick's time is exact enough and costs a load, where ktime_get
 * reads the clocksource (under TCG, about 3 % of a small frame's path).
 */
static uint64_t vnitro_svc_now_ns(void)
{
	return ktime_get_coarse_ns();
}

const struct vcore_services vnitro_services = {
	.alloc = vnitro_svc_alloc,
	.free = vnitro_svc_free,
	.log = vnitro_svc_log,
	.now_ns = vnitro_svc_now_ns,
	.random = get_random_bytes,
	.rcu_read_lock = vnitro_svc_rcu_read_lock,
	.rcu_read_unlock = vnitro_svc_rcu_read_unlock,
	.synchronize_rcu = synchronize_rcu,
	.mutex_create = vnitro_svc_mutex_create,
	.mutex_destroy = vnitro_svc_mutex_destroy,
	.mutex_lock = vnitro_svc_mutex_lock,
	.mutex_unlock = vnitro_svc_mutex_unlock,
	.deliver = vnitro_svc_deliver,
	.deliver_copy = vnitro_svc_deliver_copy,
	.deliver_tunneled = vnitro_svc_deliver_tunneled,
	.cpu_count = vnitro_svc_cpu_count,
	.spin_create = vnitro_svc_spin_create,
	.spin_destroy = vnitro_svc_spin_destroy,
};

uint32_t vnitro_env_cpu(void)
{
	return raw_smp_processor_id();
}

/* The path model's clock: the one hrtimers run on (latency.c). */
u64 vnitro_env_clock_ns(void)
{
	return ktime_get_ns();
}

/* Every frame context the fabric charges is an skb: ENA, XDP and gateway transmits. */
void vnitro_env_frame_size(void *frame_ctx, struct vcore_frame_size *out)
{
	const struct sk_buff *skb = frame_ctx;

	out->bytes = skb->len;
	if (skb_is_gso(skb)) {
		out->packets = max_t(u32, skb_shinfo(skb)->gso_segs, 1);
		out->ip_len = vnitro_netdev_seg_len(skb);
	} else {
		out->packets = 1;
		out->ip_len = skb->len > ETH_HLEN ? skb->len - ETH_HLEN : 0;
	}
	out->csum_partial = skb->ip_summed == CHECKSUM_PARTIAL;
}
