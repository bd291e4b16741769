// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs.c - fault injection, netdevsim style: /sys/kernel/debug/vnitro/
 * ENI-ID/queue-N/ drops or corrupts the next frames a queue receives and
 * stalls its RX processing or TX completions; `irq` shows the queue pair's
 * interrupt moderation at work; `fabric` counts what the VPC fabric carried
 * and dropped, by reason; `conntrack_advance` moves connection tracking's
 * clock ahead; `efa_fabric/` injects loss and reordering into the
 * fabric's path model (named for the EFA traffic it was first made for; ENA
 * frames between ENIs meet its losses too); `objects` counts what is alive.
 * Never configuration: that is ethtool's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>

#include "vnitro.h"

/* The fabric's counters, one "name: value" a line: every frame is counted once. */
static int vnitro_fabric_stats_show(struct seq_file *m, void *v)
{
	struct vcore_fabric_stats s;

	vcore_fabric_get_stats(vnitro.fabric, &s);
	seq_printf(m, "forwarded: %llu\nrouted: %llu\narp_replies: %llu\ndhcp_replies: %llu\n"
		   "frag_needed_sent: %llu\n", s.forwarded, s.routed, s.arp_replies,
		   s.dhcp_replies, s.frag_needed_sent);
	seq_printf(m, "drop_malformed: %llu\ndrop_no_dest: %llu\ndrop_cross_subnet: %llu\n"
		   "drop_bcast_mcast: %llu\ndrop_src_dst_check: %llu\ndrop_no_route: %llu\n"
		   "drop_ttl: %llu\ndrop_too_big: %llu\ndrop_arp: %llu\ndrop_spoofed_mac: %llu\n",
		   s.drop_malformed, s.drop_no_dest, s.drop_cross_subnet, s.drop_bcast_mcast,
		   s.drop_src_dst_check, s.drop_no_route, s.drop_ttl, s.drop_too_big, s.drop_arp,
		   s.drop_spoofed_mac);
	seq_printf(m, "efa_forwarded: %llu\npath_lost: %llu\npath_reordered: %llu\n",
		   s.efa_forwarded, s.path_lost, s.path_reordered);
	seq_printf(m, "drop_sg: %llu\ndrop_conntrack_full: %llu\ndrop_nacl: %llu\n", s.drop_sg,
		   s.drop_conntrack_full, s.drop_nacl);
	seq_printf(m, "nd6_replies: %llu\nra_sent: %llu\ndhcp6_replies: %llu\ndrop_no_ipv6: %llu\n",
		   s.nd6_replies, s.ra_sent, s.dhcp6_replies, s.drop_no_ipv6);
	seq_printf(m, "drop_egress_only: %llu\n", s.drop_egress_only);
	seq_printf(m, "svc_requests: %llu\n", s.svc_requests);
	seq_printf(m, "svc_replies: %llu\n", s.svc_replies);
	seq_printf(m, "drop_svc: %llu\n", s.drop_svc);
	seq_printf(m, "drop_linklocal_allowance: %llu\n", s.drop_linklocal_allowance);
	seq_printf(m, "drop_bw_in_allowance: %llu\ndrop_bw_out_allowance: %llu\n"
		   "drop_pps_allowance: %llu\ndrop_flow_limit: %llu\n", s.drop_bw_in_allowance,
		   s.drop_bw_out_allowance, s.drop_pps_allowance, s.drop_flow_limit);
	seq_printf(m, "path_delayed: %llu\nsrd_resent: %llu\nsrd_mss_clamped: %llu\n",
		   s.path_delayed, s.srd_resent, s.srd_mss_clamped);
	seq_printf(m, "srd_duplicates: %llu\nsrd_given_up: %llu\nsrd_window_waits: %llu\n"
		   "srd_no_link: %llu\n", s.srd_duplicates, s.srd_given_up, s.srd_window_waits,
		   s.srd_no_link);
	seq_printf(m, "allowance_queued: %llu\n", s.allowance_queued);
	seq_printf(m, "tunnel_rx: %llu\ndrop_tunnel_mapping: %llu\n", s.tunnel_rx,
		   s.drop_tunnel_mapping);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vnitro_fabric_stats);

/*
 * The path model's knobs: efa_fabric/{loss_ppm, reorder_ppm, delay_us,
 * reorder_delay_us}. Each file's data is the offset of the field it sets;
 * parts per million stop at 1000000, delays at 1 s. The core keeps the
 * values; this lock only makes each write a whole read-modify-write.
 */
DEFINE_MUTEX(vnitro_path_lock);

static u32 *vnitro_path_field(struct vcore_fabric_path_config *cfg, void *data)
{
	return (u32 *)((char *)cfg + (uintptr_t)data);
}

static bool vnitro_path_is_delay(void *data)
{
	uintptr_t off = (uintptr_t)data;

	return off == offsetof(struct vcore_fabric_path_config, delay_ns) ||
	       off == offsetof(struct vcore_fabric_path_config, reorder_delay_ns);
}

static int vnitro_path_get(void *data, u64 *val)
{
	struct vcore_fabric_path_config cfg;

	vcore_fabric_get_path(vnitro.fabric, &cfg);
	*val = *vnitro_path_field(&cfg, data);
	if (vnitro_path_is_delay(data))
		*val /= NSEC_PER_USEC;
	return 0;
}

static int vnitro_path_set(void *data, u64 val)
{
	bool delay = vnitro_path_is_delay(data);
	struct vcore_fabric_path_config cfg;

	if (val > (delay ? USEC_PER_SEC : 1000000)) {
		pr_info("efa_fabric: %llu is out of range (at most %s)\n", val,
			delay ? "1000000 us" : "1000000 ppm");
		return -ERANGE;
	}
	mutex_lock(&vnitro_path_lock);
	vcore_fabric_get_path(vnitro.fabric, &cfg);
	*vnitro_path_field(&cfg, data) = delay ? val * NSEC_PER_USEC : val;
	vcore_fabric_set_path(vnitro.fabric, &cfg, true);
	mutex_unlock(&vnitro_path_lock);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vnitro_path_fops, vnitro_path_get, vnitro_path_set, "%llu\n");

/*
 * efa_fabric/seed: writing one restarts every path's losses and reordering
 * from it (reproducible runs); reads back the last one written, 0 if none.
 */
static int vnitro_path_seed_get(void *data, u64 *val)
{
	*val = vcore_fabric_get_seed(vnitro.fabric);
	return 0;
}

static int vnitro_path_seed_set(void *data, u64 val)
{
	vcore_fabric_seed(vnitro.fabric, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vnitro_path_seed_fops, vnitro_path_seed_get, vnitro_path_seed_set,
			 "%llu\n");

static void vnitro_path_debugfs(struct dentry *parent)
{
	static const struct {
		const char *name;
		size_t off;
	} knobs[] = {
		{ "loss_ppm", offsetof(struct vcore_fabric_path_config, loss_ppm) },
		{ "reorder_ppm", offsetof(struct vcore_fabric_path_config, reorder_ppm) },
		{ "delay_us", offsetof(struct vcore_fabric_path_config, delay_ns) },
		{ "reorder_delay_us", offsetof(struct vcore_fabric_path_config, reorder_delay_ns) },
	};
	struct dentry *dir = debugfs_create_dir("efa_fabric", parent);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		debugfs_create_file_unsafe(knobs[i].name, 0600, dir, (void *)knobs[i].off,
					   &vnitro_path_fops);
	debugfs_create_file_unsafe("seed", 0600, dir, NULL, &vnitro_path_seed_fops);
}

/*
 * conntrack_advance: writing N moves connection tracking's clock N seconds
 * ahead (tests of the idle timeouts: EC2's TCP timeout is 5 days). A fault
 * knob like the others: it only makes tracked flows expire sooner.
 */
static int vnitro_conntrack_advance_set(void *data, u64 val)
{
	if (val > U32_MAX)
		return -ERANGE;
	vcore_fabric_conntrack_advance(vnitro.fabric, val);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(vnitro_conntrack_advance_fops, NULL, vnitro_conntrack_advance_set,
			 "%llu\n");

/*
 * advertise: writing anything sends the subnet routers' periodic IPv6
 * advertisements now (tests: the next round is minutes away).
 */
static int vnitro_advertise_set(void *data, u64 val)
{
	vnitro_advertise_now();
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(vnitro_advertise_fops, NULL, vnitro_advertise_set, "%llu\n");

/*
 * Live objects (leak checks: the torture suite reads it before and after).
 * core_allocs leaves out the flows security groups track, which live until
 * they expire or their ENI goes (conntrack_flows, read on its own).
 */
static int vnitro_objects_show(struct seq_file *m, void *v)
{
	seq_printf(m, "core_allocs: %ld\neni_functions: %d\nnetdevs: %d\n",
		   atomic_long_read(&vnitro_objects.core_allocs) -
			   (long)vcore_fabric_conntrack_flows(vnitro.fabric),
		   atomic_read(&vnitro_objects.eni_functions),
		   atomic_read(&vnitro_objects.netdevs));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vnitro_objects);

/* After the fabric exists: the file reads it. */
void vnitro_debugfs_init(void)
{
	vnitro.debugfs = debugfs_create_dir(VNITRO_DRV_NAME, NULL);
	debugfs_create_file("fabric", 0400, vnitro.debugfs, NULL, &vnitro_fabric_stats_fops);
	debugfs_create_file("objects", 0400, vnitro.debugfs, NULL, &vnitro_objects_fops);
	debugfs_create_file_unsafe("conntrack_advance", 0200, vnitro.debugfs, NULL,
				   &vnitro_conntrack_advance_fops);
	debugfs_create_file_unsafe("advertise", 0200, vnitro.debugfs, NULL, &vnitro_advertise_fops);
	vnitro_path_debugfs(vnitro.debugfs);
}

void vnitro_debugfs_exit(void)
{
	debugfs_remove(vnitro.debugfs);
}

/* ---- the files ---- */

static int vnitro_count_get(void *data, u64 *val)
{
	*val = atomic_read(data);
	return 0;
}

static int vnitro_count_set(void *data, u64 val)
{
	if (val > INT_MAX)
		return -EINVAL;
	atomic_set(data, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vnitro_count_fops, vnitro_count_get, vnitro_count_set, "%llu\n");

static int vnitro_rx_stall_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct vnitro_rx_queue *)data)->faults.rx_stall);
	return 0;
}

/* Unstalling raises the vector, so frames already waiting are processed. */
static int vnitro_rx_stall_set(void *data, u64 val)
{
	struct vnitro_rx_queue *rxq = data;

	if (val > 1)
		return -EINVAL;
	WRITE_ONCE(rxq->faults.rx_stall, val);
	if (!val && !skb_queue_empty_lockless(&rxq->ring))
		vnitro_irq_raise(rxq, VNITRO_IRQ_RX);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vnitro_rx_stall_fops, vnitro_rx_stall_get, vnitro_rx_stall_set, "%llu\n");

static int vnitro_tx_stall_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct vnitro_rx_queue *)data)->faults.tx_stall);
	return 0;
}

static int vnitro_tx_stall_set(void *data, u64 val)
{
	struct vnitro_rx_queue *rxq = data;

	if (val > 1)
		return -EINVAL;
	WRITE_ONCE(rxq->faults.tx_stall, val);
	if (!val && atomic_read(&rxq->vnd->txr[rxq->qid].used))
		vnitro_irq_raise(rxq, VNITRO_IRQ_TX);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vnitro_tx_stall_fops, vnitro_tx_stall_get, vnitro_tx_stall_set, "%llu\n");

/* What the queue pair's interrupt and rings are doing; read-only. */
static int vnitro_irq_show(struct seq_file *m, void *v)
{
	struct vnitro_rx_queue *rxq = m->private;
	struct vnitro_netdev *vnd = rxq->vnd;
	struct vnitro_hold_stats held;

	seq_printf(m, "interrupts: %lld\n", (long long)atomic64_read(&rxq->irq.interrupts));
	seq_printf(m, "rx_usecs: %u\n", vnitro_irq_rx_usecs(rxq));
	seq_printf(m, "tx_usecs: %u\n", READ_ONCE(vnd->tx_usecs));
	seq_printf(m, "rx_ring: %u/%u\n", vnitro_rx_ring_fill(rxq),
		   READ_ONCE(vnd->rx_ring_size));
	vnitro_hold_read_stats(rxq, &held);
	seq_printf(m, "rx_held: %u\n", vnitro_hold_len(rxq));
	seq_printf(m, "rx_held_released: %llu\n", held.released);
	seq_printf(m, "rx_held_late_100us: %llu\n", held.late_100us);
	seq_printf(m, "rx_held_late_1ms: %llu\n", held.late_1ms);
	seq_printf(m, "rx_held_late_max_us: %llu\n", div_u64(held.late_max_ns, NSEC_PER_USEC));
	seq_printf(m, "tx_ring: %d/%u\n", atomic_read(&vnd->txr[rxq->qid].used),
		   READ_ONCE(vnd->tx_ring_size));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vnitro_irq);

/* Under /sys/kernel/debug/vnitro/, by ENI id: ifnames repeat across instances. */
void vnitro_debugfs_add(struct vnitro_netdev *vnd)
{
	char name[16];
	struct dentry *dir;
	u32 q;

	vnd->debugfs = debugfs_create_dir(vnd->edev->eni_id, vnitro.debugfs);
	for (q = 0; q < vnd->max_queues; q++) {
		struct vnitro_rx_queue *rxq = &vnd->rx[q];

		snprintf(name, sizeof(name), "queue-%u", q);
		dir = debugfs_create_dir(name, vnd->debugfs);
		debugfs_create_file_unsafe("rx_drop", 0600, dir, &rxq->faults.rx_drop,
					   &vnitro_count_fops);
		debugfs_create_file_unsafe("rx_corrupt", 0600, dir, &rxq->faults.rx_corrupt,
					   &vnitro_count_fops);
		debugfs_create_file_unsafe("rx_stall", 0600, dir, rxq, &vnitro_rx_stall_fops);
		debugfs_create_file_unsafe("tx_stall", 0600, dir, rxq, &vnitro_tx_stall_fops);
		debugfs_create_file("irq", 0400, dir, rxq, &vnitro_irq_fops);
	}
}

/* Before the netdev goes: once this returns no file operation is running. */
void vnitro_debugfs_del(struct vnitro_netdev *vnd)
{
	debugfs_remove(vnd->debugfs);
	vnd->debugfs = NULL;
}
