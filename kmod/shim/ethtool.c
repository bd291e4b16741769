// SPDX-License-Identifier: GPL-2.0
/* ethtool.c - the ethtool surface of the ENA netdev, named as the real ena driver names it. */
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "vnitro.h"

/*
 * Upstream ena fills only driver and bus-info; the ethtool core then reports
 * the kernel release as the version, exactly as on an EC2 instance running a
 * distribution kernel.
 */
static void vnitro_get_drvinfo(struct net_device *dev, struct ethtool_drvinfo *info)
{
	strscpy(info->driver, VNITRO_ENA_DRV_NAME, sizeof(info->driver));
	strscpy(info->bus_info, dev_name(dev->dev.parent), sizeof(info->bus_info));
}

/*
 * ethtool -S, in the order and with the names of the ena driver (the ENI
 * allowance group as on devices with ENI stats, the ENA Express group as
 * amzn-drivers adds it). Only what vnitro emulates is counted; the rest
 * stays zero until the feature behind it exists.
 */
static const char *const vnitro_stats_global[] = {
	"tx_timeout", "suspend", "resume", "wd_expired", "interface_up", "interface_down",
	"admin_q_pause",
};

static const char *const vnitro_stats_device[] = {
	"bw_in_allowance_exceeded", "bw_out_allowance_exceeded", "pps_allowance_exceeded",
	"conntrack_allowance_exceeded", "linklocal_allowance_exceeded",
	"conntrack_allowance_available",
	"ena_srd_mode", "ena_srd_tx_pkts", "ena_srd_eligible_tx_pkts", "ena_srd_rx_pkts",
	"ena_srd_resource_utilization",
};

/* Positions of the counted entries in the tables above. */
enum { VNITRO_STAT_INTERFACE_UP = 4, VNITRO_STAT_INTERFACE_DOWN = 5 };
enum {
	VNITRO_STAT_BW_IN_EXCEEDED = 0, VNITRO_STAT_BW_OUT_EXCEEDED = 1, VNITRO_STAT_PPS_EXCEEDED = 2,
	VNITRO_STAT_CONNTRACK_EXCEEDED = 3, VNITRO_STAT_LINKLOCAL_EXCEEDED = 4,
	VNITRO_STAT_CONNTRACK_AVAILABLE = 5, VNITRO_STAT_SRD_MODE = 6, VNITRO_STAT_SRD_TX = 7,
	VNITRO_STAT_SRD_ELIGIBLE_TX = 8, VNITRO_STAT_SRD_RX = 9, VNITRO_STAT_SRD_UTILIZATION = 10,
};
enum { VNITRO_STAT_CNT, VNITRO_STAT_BYTES };	/* the first two of each queue group */

static const char *const vnitro_stats_tx[] = {
	"cnt", "bytes", "queue_stop", "queue_wakeup", "dma_mapping_err", "linearize",
	"linearize_failed", "napi_comp", "tx_poll", "doorbells", "prepare_ctx_err", "bad_req_id",
	"llq_buffer_copy", "missed_tx", "unmask_interrupt",
};

static const char *const vnitro_stats_rx[] = {
	"cnt", "bytes", "rx_copybreak_pkt", "csum_good", "refil_partial", "csum_bad",
	"page_alloc_fail", "skb_alloc_fail", "dma_mapping_err", "bad_desc_num", "bad_req_id",
	"empty_rx_ring", "csum_unchecked", "xdp_aborted", "xdp_drop", "xdp_pass", "xdp_tx",
	"xdp_invalid", "xdp_redirect",
};

static const char *const vnitro_stats_admin[] = {
	"aborted_cmd", "submitted_cmd", "completed_cmd", "out_of_space", "no_completion",
};

static int vnitro_get_sset_count(struct net_device *dev, int sset)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);

	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return ARRAY_SIZE(vnitro_stats_global) + ARRAY_SIZE(vnitro_stats_device) +
	       vnd->num_queues * (ARRAY_SIZE(vnitro_stats_tx) + ARRAY_SIZE(vnitro_stats_rx)) +
	       vnitro_xdp_num_queues(vnd) * ARRAY_SIZE(vnitro_stats_tx) +
	       ARRAY_SIZE(vnitro_stats_admin);
}

static void vnitro_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);
	u32 q, i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < ARRAY_SIZE(vnitro_stats_global); i++)
		ethtool_sprintf(&data, "%s", vnitro_stats_global[i]);
	for (i = 0; i < ARRAY_SIZE(vnitro_stats_device); i++)
		ethtool_sprintf(&data, "%s", vnitro_stats_device[i]);
	for (q = 0; q < vnd->num_queues; q++) {
		for (i = 0; i < ARRAY_SIZE(vnitro_stats_tx); i++)
			ethtool_sprintf(&data, "queue_%u_tx_%s", q, vnitro_stats_tx[i]);
		for (i = 0; i < ARRAY_SIZE(vnitro_stats_rx); i++)
			ethtool_sprintf(&data, "queue_%u_rx_%s", q, vnitro_stats_rx[i]);
	}
	/* As ena: XDP TX queues follow the I/O queues, with TX counters only. */
	for (q = 0; q < vnitro_xdp_num_queues(vnd); q++)
		for (i = 0; i < ARRAY_SIZE(vnitro_stats_tx); i++)
			ethtool_sprintf(&data, "queue_%u_xdp_tx_%s", vnd->num_queues + q,
					vnitro_stats_tx[i]);
	for (i = 0; i < ARRAY_SIZE(vnitro_stats_admin); i++)
		ethtool_sprintf(&data, "ena_admin_q_%s", vnitro_stats_admin[i]);
}

/* Positions in vnitro_stats_tx of the TX ring's and the NAPI loop's counters. */
enum {
	VNITRO_STAT_TX_QUEUE_STOP = 2, VNITRO_STAT_TX_QUEUE_WAKEUP = 3, VNITRO_STAT_TX_NAPI_COMP = 7,
	VNITRO_STAT_TX_TX_POLL = 8, VNITRO_STAT_TX_UNMASK_INTERRUPT = 14,
};

/* ena counts its NAPI loop in the TX group of the queue pair. */
static void vnitro_put_tx_ring_stats(u64 *tx, struct vnitro_netdev *vnd, u32 q)
{
	struct vnitro_napi_stats napi;

	vnitro_read_tx_ring_stats(&vnd->txr[q], &tx[VNITRO_STAT_TX_QUEUE_STOP],
				  &tx[VNITRO_STAT_TX_QUEUE_WAKEUP]);
	vnitro_read_napi_stats(&vnd->rx[q], &napi);
	tx[VNITRO_STAT_TX_NAPI_COMP] = napi.napi_comp;
	tx[VNITRO_STAT_TX_TX_POLL] = napi.tx_poll;
	tx[VNITRO_STAT_TX_UNMASK_INTERRUPT] = napi.unmask_interrupt;
}

/* Positions in vnitro_stats_rx of the checksum engine's counters. */
enum { VNITRO_STAT_RX_CSUM_GOOD = 3, VNITRO_STAT_RX_CSUM_BAD = 5, VNITRO_STAT_RX_CSUM_UNCHECKED = 12 };
/* ... and of the XDP verdicts, xdp_aborted to xdp_redirect in ena's order. */
enum { VNITRO_STAT_RX_XDP = 13 };

/* Writes one queue group: cnt and bytes, then zeros for the rest. */
static u64 *vnitro_put_queue_stats(u64 *data, struct vnitro_queue_stats *s, size_t n)
{
	u64 packets = 0, bytes = 0, dropped = 0;

	vnitro_read_stats(s, &packets, &bytes, &dropped);
	memset(data, 0, n * sizeof(*data));
	data[VNITRO_STAT_CNT] = packets;
	data[VNITRO_STAT_BYTES] = bytes;
	return data + n;
}

/* Called under RTNL, so num_queues cannot change underneath. */
static void vnitro_get_ethtool_stats(struct net_device *dev, struct ethtool_stats *stats, u64 *data)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);
	size_t n_global = ARRAY_SIZE(vnitro_stats_global) + ARRAY_SIZE(vnitro_stats_device);
	struct vcore_port_stats ps = {};
	struct vcore_fabric_port *port;
	u64 *device;
	u32 q;

	memset(data, 0, n_global * sizeof(*data));
	data[VNITRO_STAT_INTERFACE_UP] = vnd->interface_up;
	data[VNITRO_STAT_INTERFACE_DOWN] = vnd->interface_down;
	/* The allowances, as EC2 reports them per ENI. */
	rcu_read_lock();
	port = rcu_dereference(vnd->port);
	if (port)
		vcore_fabric_port_get_stats(port, &ps);
	rcu_read_unlock();
	device = data + ARRAY_SIZE(vnitro_stats_global);
	device[VNITRO_STAT_BW_IN_EXCEEDED] = ps.bw_in_allowance_exceeded;
	device[VNITRO_STAT_BW_OUT_EXCEEDED] = ps.bw_out_allowance_exceeded;
	device[VNITRO_STAT_PPS_EXCEEDED] = ps.pps_allowance_exceeded;
	device[VNITRO_STAT_CONNTRACK_EXCEEDED] = ps.conntrack_allowance_exceeded;
	device[VNITRO_STAT_LINKLOCAL_EXCEEDED] = ps.linklocal_allowance_exceeded;
	device[VNITRO_STAT_CONNTRACK_AVAILABLE] =
		ps.conntrack_max > ps.conntrack_tracked ? ps.conntrack_max - ps.conntrack_tracked : 0;
	/* ENA Express; resource utilization stays 0: SRD here holds no per-connection memory. */
	device[VNITRO_STAT_SRD_MODE] = ps.srd_mode;
	device[VNITRO_STAT_SRD_TX] = ps.srd_tx_pkts;
	device[VNITRO_STAT_SRD_ELIGIBLE_TX] = ps.srd_eligible_tx_pkts;
	device[VNITRO_STAT_SRD_RX] = ps.srd_rx_pkts;
	device[VNITRO_STAT_SRD_UTILIZATION] = ps.srd_resource_utilization;
	data += n_global;
	for (q = 0; q < vnd->num_queues; q++) {
		struct vnitro_xdp_rx_stats xdp;
		struct vnitro_csum_stats csum;
		u64 *rx, *tx = data;

		data = vnitro_put_queue_stats(data, &vnd->tx[q], ARRAY_SIZE(vnitro_stats_tx));
		vnitro_put_tx_ring_stats(tx, vnd, q);
		rx = data;
		data = vnitro_put_queue_stats(data, &vnd->rx[q].stats, ARRAY_SIZE(vnitro_stats_rx));
		vnitro_read_csum_stats(&vnd->rx[q], &csum);
		rx[VNITRO_STAT_RX_CSUM_GOOD] = csum.good;
		rx[VNITRO_STAT_RX_CSUM_BAD] = csum.bad;
		rx[VNITRO_STAT_RX_CSUM_UNCHECKED] = csum.unchecked;
		vnitro_xdp_read_rx_stats(&vnd->rx[q], &xdp);
		rx[VNITRO_STAT_RX_XDP + 0] = xdp.aborted;
		rx[VNITRO_STAT_RX_XDP + 1] = xdp.drop;
		rx[VNITRO_STAT_RX_XDP + 2] = xdp.pass;
		rx[VNITRO_STAT_RX_XDP + 3] = xdp.tx;
		rx[VNITRO_STAT_RX_XDP + 4] = xdp.invalid;
		rx[VNITRO_STAT_RX_XDP + 5] = xdp.redirect;
	}
	for (q = 0; q < vnitro_xdp_num_queues(vnd); q++)
		data = vnitro_put_queue_stats(data, &vnd->xdp_tx[q].stats, ARRAY_SIZE(vnitro_stats_tx));
	memset(data, 0, ARRAY_SIZE(vnitro_stats_admin) * sizeof(*data));
}

/* ---- RSS: ethtool -x/-X and -n/-N rx-flow-hash, with ena's semantics (core/ena) ---- */

static const struct vcore_ena_rss_config *vnitro_rss_cfg(struct net_device *dev)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);

	return &rtnl_dereference(vnd->rss)->cfg;
}

static u32 vnitro_get_rxfh_key_size(struct net_device *dev)
{
	return vcore_ena_rss_key_size(vnitro_rss_cfg(dev));
}

static u32 vnitro_get_rxfh_indir_size(struct net_device *dev)
{
	return VCORE_ENA_RSS_TABLE_SIZE;
}

static int vnitro_get_rxfh(struct net_device *dev, u32 *indir, u8 *key, u8 *hfunc)
{
	vcore_ena_rss_get_rxfh(vnitro_rss_cfg(dev), indir, key, hfunc);
	return 0;
}

/*
 * RSS changes are made to a copy that is then published, so the data path
 * sees the old or the new configuration, never a mix. On failure the copy is
 * dropped and, as ethtool's ioctl path carries no extack, the reason logged.
 */
static int vnitro_rss_finish(struct vnitro_netdev *vnd, struct vnitro_rss *rss, int ret,
			     const struct vcore_err *err)
{
	if (ret) {
		netdev_info(vnd->dev, "RSS: %s\n", err->msg);
		kfree(rss);
		return ret;
	}
	vnitro_netdev_rss_publish(vnd, rss);
	return 0;
}

static int vnitro_set_rxfh(struct net_device *dev, const u32 *indir, const u8 *key, const u8 hfunc)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);
	struct vcore_err err = {};
	struct vnitro_rss *rss;
	int ret;

	rss = vnitro_netdev_rss_copy(vnd);
	if (!rss)
		return -ENOMEM;
	ret = vcore_ena_rss_set_rxfh(&rss->cfg, indir, key, hfunc, &err);
	return vnitro_rss_finish(vnd, rss, ret, &err);
}

static int vnitro_get_rxnfc(struct net_device *dev, struct ethtool_rxnfc *info, u32 *rules)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);

	switch (info->cmd) {
	case ETHTOOL_GRXRINGS:
		info->data = vnd->num_queues;
		return 0;
	case ETHTOOL_GRXFH:
		return vcore_ena_rss_get_flow_hash(vnitro_rss_cfg(dev), info->flow_type, &info->data);
	default:
		return -EOPNOTSUPP;	/* ENA has no n-tuple filters */
	}
}

static int vnitro_set_rxnfc(struct net_device *dev, struct ethtool_rxnfc *info)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);
	struct vcore_err err = {};
	struct vnitro_rss *rss;
	int ret;

	if (info->cmd != ETHTOOL_SRXFH)
		return -EOPNOTSUPP;
	rss = vnitro_netdev_rss_copy(vnd);
	if (!rss)
		return -ENOMEM;
	ret = vcore_ena_rss_set_flow_hash(&rss->cfg, info->flow_type, info->data, &err);
	return vnitro_rss_finish(vnd, rss, ret, &err);
}

/* ethtool -l: ENA exposes combined channels only. */
static void vnitro_get_channels(struct net_device *dev, struct ethtool_channels *ch)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);

	ch->max_combined = vnd->max_queues;
	ch->combined_count = vnd->num_queues;
}

/* ethtool -L combined N; the ethtool core has already checked N <= max. */
static int vnitro_set_channels(struct net_device *dev, struct ethtool_channels *ch)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);

	if (!ch->combined_count)
		return -EINVAL;
	/* As ena_set_channels: with XDP, half the channels are XDP TX queues. */
	if (rtnl_dereference(vnd->xdp_prog) && !vnitro_xdp_queue_count_ok(vnd, ch->combined_count)) {
		netdev_info(dev, "XDP is attached: at most %u channels (half of %u), the rest are XDP TX queues\n",
			    vnd->max_queues / 2, vnd->max_queues);
		return -EINVAL;
	}
	return vnitro_netdev_set_queues(dev, ch->combined_count);
}

/* ---- ethtool -g/-G: ring sizes, with ena's limits and rounding ---- */

static void vnitro_get_ringparam(struct net_device *dev, struct ethtool_ringparam *ring,
				 struct kernel_ethtool_ringparam *kernel_ring,
				 struct netlink_ext_ack *extack)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);

	ring->rx_max_pending = VNITRO_RX_RING_SIZE_MAX;
	ring->tx_max_pending = VNITRO_TX_RING_SIZE_MAX;
	ring->rx_pending = vnd->rx_ring_size;
	ring->tx_pending = vnd->tx_ring_size;
}

/*
 * The ethtool core has refused sizes above the maximum ("requested ring size
 * exceeds maximum") and the rings ena lacks (mini, jumbo). As
 * ena_set_ringparam: below ENA_MIN_RING_SIZE becomes the minimum, and every
 * size is rounded down to a power of two.
 */
static int vnitro_set_ringparam(struct net_device *dev, struct ethtool_ringparam *ring,
				struct kernel_ethtool_ringparam *kernel_ring,
				struct netlink_ext_ack *extack)
{
	u32 tx = rounddown_pow_of_two(max_t(u32, ring->tx_pending, VNITRO_RING_SIZE_MIN));
	u32 rx = rounddown_pow_of_two(max_t(u32, ring->rx_pending, VNITRO_RING_SIZE_MIN));

	return vnitro_netdev_set_rings(dev, tx, rx);
}

/* ---- ethtool -c/-C: interrupt moderation (coalesce.c does the moderating) ---- */

static int vnitro_get_coalesce(struct net_device *dev, struct ethtool_coalesce *coal,
			       struct kernel_ethtool_coalesce *kernel_coal,
			       struct netlink_ext_ack *extack)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);

	/* As ena_get_coalesce: the non-adaptive intervals, whatever net_dim chose. */
	coal->tx_coalesce_usecs = vnd->tx_usecs;
	coal->rx_coalesce_usecs = vnd->rx_usecs;
	coal->use_adaptive_rx_coalesce = vnd->adaptive_rx;
	return 0;
}

/*
 * The ethtool core refuses what supported_coalesce_params leaves out (frame
 * counts, adaptive-tx, ...). ena writes the intervals into 15-bit fields of
 * the interrupt register and would silently lose the high bits; vnitro
 * refuses such values instead, before changing anything.
 */
static int vnitro_set_coalesce(struct net_device *dev, struct ethtool_coalesce *coal,
			       struct kernel_ethtool_coalesce *kernel_coal,
			       struct netlink_ext_ack *extack)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);

	if (coal->tx_coalesce_usecs > VNITRO_USECS_MAX || coal->rx_coalesce_usecs > VNITRO_USECS_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "interrupt interval above the device's maximum of 32767 usecs");
		netdev_info(dev, "coalesce: interrupt interval above the device's maximum of %u usecs\n",
			    VNITRO_USECS_MAX);
		return -EINVAL;
	}
	vnitro_irq_set_moderation(vnd, coal->tx_coalesce_usecs, coal->rx_coalesce_usecs,
				  coal->use_adaptive_rx_coalesce);
	return 0;
}

const struct ethtool_ops vnitro_ethtool_ops = {
	/* As ena: the intervals and adaptive-rx, nothing else. */
	.supported_coalesce_params = ETHTOOL_COALESCE_USECS | ETHTOOL_COALESCE_USE_ADAPTIVE_RX,
	.get_drvinfo = vnitro_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = vnitro_get_sset_count,
	.get_strings = vnitro_get_strings,
	.get_ethtool_stats = vnitro_get_ethtool_stats,
	.get_rxfh_key_size = vnitro_get_rxfh_key_size,
	.get_rxfh_indir_size = vnitro_get_rxfh_indir_size,
	.get_rxfh = vnitro_get_rxfh,
	.set_rxfh = vnitro_set_rxfh,
	.get_rxnfc = vnitro_get_rxnfc,
	.set_rxnfc = vnitro_set_rxnfc,
	.get_channels = vnitro_get_channels,
	.set_channels = vnitro_set_channels,
	.get_ringparam = vnitro_get_ringparam,
	.set_ringparam = vnitro_set_ringparam,
	.get_coalesce = vnitro_get_coalesce,
	.set_coalesce = vnitro_set_coalesce,
};
