// SPDX-License-Identifier: GPL-2.0
/*
 * ixgbevf.c - the Intel 82599 Virtual Function personality of an ENI's
 * netdev, on the instance types whose enhanced networking is the Intel VF
 * (C3, C4, D2, I2, M4 below 16xlarge, R3). Everything that is not
 * personality (the fabric port, queues, NAPI, moderation, XDP) is the ENA
 * netdev's (netdev.c); this file is what the in-tree ixgbevf driver of Linux
 * 6.1 shows on an 82599 VF: its offloads, MTU range, queue count, and the
 * ethtool answers and refusals of its ethtool.c. The facts, with their
 * sources, are in Documentation/ixgbevf.md.
 */
#include <linux/delay.h>
#include <linux/ethtool.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "vnitro.h"

enum {
	/* MTU: IXGBE_MAX_JUMBO_FRAME_SIZE (9728) less the Ethernet header and FCS. */
	VNITRO_IXGBEVF_MAX_MTU = 9728 - ETH_HLEN - ETH_FCS_LEN,
	/* Rings (ixgbevf.h, defines.h): defaults, bounds, and sizes a multiple of 8. */
	VNITRO_IXGBEVF_DEFAULT_TXD = 1024,
	VNITRO_IXGBEVF_DEFAULT_RXD = 512,
	VNITRO_IXGBEVF_MIN_RXD = 64,
	VNITRO_IXGBEVF_MAX_RXD = 4096,
	VNITRO_IXGBEVF_MIN_TXD = 64,
	VNITRO_IXGBEVF_MAX_TXD = 4096,
	VNITRO_IXGBEVF_DESC_MULTIPLE = 8,
	/* RSS as an 82599 VF reads it from its PF (ethtool.c). */
	VNITRO_IXGBEVF_RETA_SIZE = 128,		/* IXGBEVF_82599_RETA_SIZE */
	VNITRO_IXGBEVF_RSS_KEY_SIZE = 40,	/* IXGBEVF_RSS_HASH_KEY_SIZE */
	/* Interrupt throttling: rx-usecs above IXGBE_MAX_EITR >> 2 is refused. */
	VNITRO_IXGBEVF_MAX_USECS = 0x00000FF8 >> 2,
	VNITRO_IXGBEVF_DYNAMIC_ITR = 1,		/* rx-usecs 1: dynamic (the default) */
	VNITRO_IXGBEVF_20K_ITR_USECS = 50,	/* IXGBE_20K_ITR, where dynamic starts */
	/* ixgbevf_features_check: what a context descriptor can describe. */
	VNITRO_IXGBEVF_MAX_MAC_HDR_LEN = 127,
	VNITRO_IXGBEVF_MAX_NETWORK_HDR_LEN = 511,
	VNITRO_IXGBEVF_REGS = 45,		/* IXGBE_REGS_LEN */
	VNITRO_IXGBEVF_REVISION = 1,
	VNITRO_IXGBEVF_PRIV_LEGACY_RX = BIT(0),
	/* RX buffers on 4 KiB pages (ixgbevf.h): 2048, or 3072 for larger frames. */
	VNITRO_IXGBEVF_RXBUFFER_2048 = 2048,
	VNITRO_IXGBEVF_RXBUFFER_3072 = 3072,
};

/* IXGBEVF_MAX_FRAME_BUILD_SKB on 4 KiB pages: above it, 3 KiB buffers. */
#define VNITRO_IXGBEVF_MAX_FRAME_BUILD_SKB \
	(SKB_WITH_OVERHEAD(VNITRO_IXGBEVF_RXBUFFER_2048) - (NET_SKB_PAD + NET_IP_ALIGN))

/* The features ixgbevf_probe sets on an 82599 VF (tunnels through GSO_PARTIAL). */
#define VNITRO_IXGBEVF_GSO_PARTIAL (NETIF_F_GSO_GRE | NETIF_F_GSO_GRE_CSUM | \
				    NETIF_F_GSO_IPXIP4 | NETIF_F_GSO_IPXIP6 | \
				    NETIF_F_GSO_UDP_TUNNEL | NETIF_F_GSO_UDP_TUNNEL_CSUM)

/*
 * As ixgbevf_probe and ixgbevf_sw_init: the offloads (no RX hash: the VF never
 * sets NETIF_F_RXHASH; VLAN offloads fixed on), the MTU range of a VF whose
 * PF speaks mailbox API 1.1 or later (68 to 9710), the default rings and
 * dynamic interrupt throttling.
 */
void vnitro_ixgbevf_setup(struct vnitro_netdev *vnd)
{
	struct net_device *dev = vnd->dev;

	dev->hw_features = NETIF_F_SG | NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_RXCSUM |
			   NETIF_F_HW_CSUM | NETIF_F_SCTP_CRC;
	dev->gso_partial_features = VNITRO_IXGBEVF_GSO_PARTIAL;
	dev->hw_features |= NETIF_F_GSO_PARTIAL | VNITRO_IXGBEVF_GSO_PARTIAL;
	dev->features = dev->hw_features | NETIF_F_HIGHDMA;
	dev->vlan_features |= dev->features | NETIF_F_TSO_MANGLEID;
	dev->hw_enc_features |= dev->vlan_features;
	dev->features |= NETIF_F_HW_VLAN_CTAG_FILTER | NETIF_F_HW_VLAN_CTAG_RX |
			 NETIF_F_HW_VLAN_CTAG_TX;
	dev->priv_flags |= IFF_UNICAST_FLT;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = VNITRO_IXGBEVF_MAX_MTU;
	vnd->rx_ring_size = VNITRO_IXGBEVF_DEFAULT_RXD;
	vnd->tx_ring_size = VNITRO_IXGBEVF_DEFAULT_TXD;
	vnd->itr_setting = VNITRO_IXGBEVF_DYNAMIC_ITR;
	vnd->rx_usecs = VNITRO_IXGBEVF_20K_ITR_USECS;
	vnd->tx_usecs = VNITRO_IXGBEVF_20K_ITR_USECS;
	vnd->adaptive_rx = true;
	vnd->msg_enable = NETIF_MSG_DRV | NETIF_MSG_PROBE | NETIF_MSG_LINK;
}

/*
 * ixgbevf_features_check, and what the emulated device leaves to the stack:
 * encapsulated frames are checksummed and segmented in software, so that
 * the fabric only ever sees plain TCP/UDP offloads (the VPC carries no
 * tunnels of an instance's own in hardware either).
 */
netdev_features_t vnitro_ixgbevf_features_check(struct sk_buff *skb, netdev_features_t features)
{
	unsigned int mac_hdr_len = skb_network_header(skb) - skb->data;

	if (unlikely(mac_hdr_len > VNITRO_IXGBEVF_MAX_MAC_HDR_LEN))
		return features & ~(NETIF_F_HW_CSUM | NETIF_F_SCTP_CRC | NETIF_F_HW_VLAN_CTAG_TX |
				    NETIF_F_TSO | NETIF_F_TSO6);
	if (unlikely(skb_checksum_start(skb) - skb_network_header(skb) >
		     VNITRO_IXGBEVF_MAX_NETWORK_HDR_LEN))
		return features & ~(NETIF_F_HW_CSUM | NETIF_F_SCTP_CRC | NETIF_F_TSO | NETIF_F_TSO6);
	if (skb->encapsulation)
		features &= ~(NETIF_F_CSUM_MASK | NETIF_F_SCTP_CRC | NETIF_F_GSO_MASK);
	return features;
}

/*
 * The checksums the device computes on transmit that a receiver could not
 * finish: SCTP's CRC32c (NETIF_F_SCTP_CRC). False when the frame must be
 * dropped.
 */
bool vnitro_ixgbevf_tx_csum(struct sk_buff *skb)
{
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb->csum_not_inet)
		return !skb_crc32c_csum_help(skb);
	return true;
}

/* ixgbevf_reinit_locked: what settings that rebuild the rings do (MTU, ethtool). */
static void vnitro_ixgbevf_reinit(struct vnitro_netdev *vnd)
{
	if (!netif_running(vnd->dev))
		return;
	vnitro_netdev_down(vnd);
	vnitro_netdev_up(vnd);
}

/* ixgbevf_change_mtu: no MTU change under an XDP program. */
int vnitro_ixgbevf_change_mtu(struct net_device *dev, int new_mtu)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);

	if (rtnl_dereference(vnd->xdp_prog)) {
		dev_warn(dev->dev.parent, "MTU cannot be changed while XDP program is loaded\n");
		return -EPERM;
	}
	WRITE_ONCE(dev->mtu, new_mtu);
	vnitro_ixgbevf_reinit(vnd);
	return 0;
}

/* ixgbevf_rx_bufsz of an 82599 VF's RX ring (ixgbevf_set_rx_buffer_len). */
static unsigned int vnitro_ixgbevf_rx_bufsz(const struct vnitro_netdev *vnd)
{
	unsigned int max_frame = vnd->dev->mtu + ETH_HLEN + ETH_FCS_LEN;

	if (!vnd->legacy_rx && max_frame > VNITRO_IXGBEVF_MAX_FRAME_BUILD_SKB)
		return VNITRO_IXGBEVF_RXBUFFER_3072;
	return VNITRO_IXGBEVF_RXBUFFER_2048;
}

/* ixgbevf_xdp_setup's check: a frame with a VLAN tag must fit one RX buffer. */
bool vnitro_ixgbevf_xdp_fits(const struct vnitro_netdev *vnd)
{
	return vnd->dev->mtu + ETH_HLEN + ETH_FCS_LEN + VLAN_HLEN <= vnitro_ixgbevf_rx_bufsz(vnd);
}

/* NETIF_F_HW_VLAN_CTAG_FILTER: the VF asks its PF for the VLAN; the VPC has none. */
int vnitro_ixgbevf_vlan_rx_add_vid(struct net_device *dev, __be16 proto, u16 vid)
{
	return 0;
}

int vnitro_ixgbevf_vlan_rx_kill_vid(struct net_device *dev, __be16 proto, u16 vid)
{
	return 0;
}

/* ---- ethtool: ixgbevf's ethtool_ops ---- */

/* The in-tree driver fills only driver and bus-info: version is the kernel release. */
static void vnitro_ixgbevf_get_drvinfo(struct net_device *dev, struct ethtool_drvinfo *info)
{
	strscpy(info->driver, VNITRO_IXGBEVF_DRV_NAME, sizeof(info->driver));
	strscpy(info->bus_info, dev_name(dev->dev.parent), sizeof(info->bus_info));
}

static const char *const vnitro_ixgbevf_stats_global[] = {
	"rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "tx_busy", "tx_restart_queue",
	"tx_timeout_count", "multicast", "rx_csum_offload_errors", "alloc_rx_page",
	"alloc_rx_page_failed", "alloc_rx_buff_failed", "tx_ipsec", "rx_ipsec",
};

enum {
	VNITRO_IXGBEVF_STAT_RX_PACKETS, VNITRO_IXGBEVF_STAT_TX_PACKETS,
	VNITRO_IXGBEVF_STAT_RX_BYTES, VNITRO_IXGBEVF_STAT_TX_BYTES,
	VNITRO_IXGBEVF_STAT_MULTICAST = 7, VNITRO_IXGBEVF_STAT_CSUM_ERRORS = 8,
};

static const char vnitro_ixgbevf_tests[][ETH_GSTRING_LEN] = {
	"Register test  (offline)",
	"Link test   (on/offline)",
};

static const char vnitro_ixgbevf_priv_flags[][ETH_GSTRING_LEN] = {
	"legacy-rx",
};

static int vnitro_ixgbevf_get_sset_count(struct net_device *dev, int sset)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);

	switch (sset) {
	case ETH_SS_TEST:
		return ARRAY_SIZE(vnitro_ixgbevf_tests);
	case ETH_SS_STATS:
		/* Packets and bytes of each TX, XDP TX and RX queue. */
		return ARRAY_SIZE(vnitro_ixgbevf_stats_global) +
		       (2 * vnd->num_queues + vnitro_xdp_num_queues(vnd)) * 2;
	case ETH_SS_PRIV_FLAGS:
		return ARRAY_SIZE(vnitro_ixgbevf_priv_flags);
	default:
		return -EINVAL;
	}
}

static void vnitro_ixgbevf_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);
	u32 i;

	switch (sset) {
	case ETH_SS_TEST:
		memcpy(data, vnitro_ixgbevf_tests, sizeof(vnitro_ixgbevf_tests));
		break;
	case ETH_SS_PRIV_FLAGS:
		memcpy(data, vnitro_ixgbevf_priv_flags, sizeof(vnitro_ixgbevf_priv_flags));
		break;
	case ETH_SS_STATS:
		for (i = 0; i < ARRAY_SIZE(vnitro_ixgbevf_stats_global); i++)
			ethtool_sprintf(&data, "%s", vnitro_ixgbevf_stats_global[i]);
		for (i = 0; i < vnd->num_queues; i++) {
			ethtool_sprintf(&data, "tx_queue_%u_packets", i);
			ethtool_sprintf(&data, "tx_queue_%u_bytes", i);
		}
		for (i = 0; i < vnitro_xdp_num_queues(vnd); i++) {
			ethtool_sprintf(&data, "xdp_queue_%u_packets", i);
			ethtool_sprintf(&data, "xdp_queue_%u_bytes", i);
		}
		for (i = 0; i < vnd->num_queues; i++) {
			ethtool_sprintf(&data, "rx_queue_%u_packets", i);
			ethtool_sprintf(&data, "rx_queue_%u_bytes", i);
		}
		break;
	}
}

static u64 *vnitro_ixgbevf_put_queue(u64 *data, struct vnitro_queue_stats *s)
{
	u64 packets = 0, bytes = 0, dropped = 0;

	vnitro_read_stats(s, &packets, &bytes, &dropped);
	*data++ = packets;
	*data++ = bytes;
	return data;
}

/*
 * As ixgbevf_get_ethtool_stats. tx_busy and tx_restart_queue stay 0, as in the
 * driver (nothing updates the adapter-wide copies); the allocation and IPsec
 * counters have nothing to count here.
 */
static void vnitro_ixgbevf_get_ethtool_stats(struct net_device *dev, struct ethtool_stats *stats,
					     u64 *data)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);
	struct rtnl_link_stats64 net_stats;
	u64 csum_errors = 0;
	u32 q;

	dev_get_stats(dev, &net_stats);
	for (q = 0; q < vnd->num_queues; q++) {
		struct vnitro_csum_stats csum;

		vnitro_read_csum_stats(&vnd->rx[q], &csum);
		csum_errors += csum.bad;
	}
	memset(data, 0, ARRAY_SIZE(vnitro_ixgbevf_stats_global) * sizeof(*data));
	data[VNITRO_IXGBEVF_STAT_RX_PACKETS] = net_stats.rx_packets;
	data[VNITRO_IXGBEVF_STAT_TX_PACKETS] = net_stats.tx_packets;
	data[VNITRO_IXGBEVF_STAT_RX_BYTES] = net_stats.rx_bytes;
	data[VNITRO_IXGBEVF_STAT_TX_BYTES] = net_stats.tx_bytes;
	data[VNITRO_IXGBEVF_STAT_MULTICAST] = net_stats.multicast;
	data[VNITRO_IXGBEVF_STAT_CSUM_ERRORS] = csum_errors;
	data += ARRAY_SIZE(vnitro_ixgbevf_stats_global);
	for (q = 0; q < vnd->num_queues; q++)
		data = vnitro_ixgbevf_put_queue(data, &vnd->tx[q]);
	for (q = 0; q < vnitro_xdp_num_queues(vnd); q++)
		data = vnitro_ixgbevf_put_queue(data, &vnd->xdp_tx[q].stats);
	for (q = 0; q < vnd->num_queues; q++)
		data = vnitro_ixgbevf_put_queue(data, &vnd->rx[q].stats);
}

/*
 * ethtool -d: the 45 registers ixgbevf_get_regs reads, as the emulated VF
 * holds them: link up at 10 Gb/s, the queues' ring lengths and enables, the
 * first vector's throttling interval. The rest (DMA addresses, heads and
 * tails, interrupt masks) read 0.
 */
static int vnitro_ixgbevf_get_regs_len(struct net_device *dev)
{
	return VNITRO_IXGBEVF_REGS * sizeof(u32);
}

static void vnitro_ixgbevf_get_regs(struct net_device *dev, struct ethtool_regs *regs, void *p)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);
	bool up = netif_running(dev);
	u32 *r = p;
	u32 q;

	memset(p, 0, VNITRO_IXGBEVF_REGS * sizeof(u32));
	regs->version = (1u << 24) | (VNITRO_IXGBEVF_REVISION << 16) | VNITRO_IXGBEVF_DEVICE_ID;
	if (netif_carrier_ok(dev))
		r[2] = 0x40000000 | 0x30000000;		/* VFLINKS: LINKS_UP, 10G */
	r[11] = (vnd->itr_setting == VNITRO_IXGBEVF_DYNAMIC_ITR ?
		 READ_ONCE(vnd->rx_usecs) : vnd->itr_setting >> 2) << 2;	/* VTEITR(0) */
	for (q = 0; q < min_t(u32, vnd->num_queues, 2); q++) {
		r[18 + q] = vnd->rx_ring_size * 16;		/* VFRDLEN: 16-byte descriptors */
		r[24 + q] = up ? 0x02000000 : 0;		/* VFRXDCTL: RXDCTL_ENABLE */
		r[33 + q] = vnd->tx_ring_size * 16;		/* VFTDLEN */
		r[39 + q] = up ? 0x02000000 : 0;		/* VFTXDCTL: TXDCTL_ENABLE */
	}
}

/* ethtool -r: ixgbevf_nway_reset reinitialises a running interface. */
static int vnitro_ixgbevf_nway_reset(struct net_device *dev)
{
	vnitro_ixgbevf_reinit(netdev_priv(dev));
	return 0;
}

static void vnitro_ixgbevf_get_ringparam(struct net_device *dev, struct ethtool_ringparam *ring,
					 struct kernel_ethtool_ringparam *kernel_ring,
					 struct netlink_ext_ack *extack)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);

	ring->rx_max_pending = VNITRO_IXGBEVF_MAX_RXD;
	ring->tx_max_pending = VNITRO_IXGBEVF_MAX_TXD;
	ring->rx_pending = vnd->rx_ring_size;
	ring->tx_pending = vnd->tx_ring_size;
}

/*
 * As ixgbevf_set_ringparam: the core has refused sizes above 4096; below 64
 * becomes 64, and a size rounds up to a multiple of 8.
 */
static int vnitro_ixgbevf_set_ringparam(struct net_device *dev, struct ethtool_ringparam *ring,
					struct kernel_ethtool_ringparam *kernel_ring,
					struct netlink_ext_ack *extack)
{
	u32 tx, rx;

	if (ring->rx_mini_pending || ring->rx_jumbo_pending)
		return -EINVAL;
	tx = ALIGN(clamp_t(u32, ring->tx_pending, VNITRO_IXGBEVF_MIN_TXD, VNITRO_IXGBEVF_MAX_TXD),
		   VNITRO_IXGBEVF_DESC_MULTIPLE);
	rx = ALIGN(clamp_t(u32, ring->rx_pending, VNITRO_IXGBEVF_MIN_RXD, VNITRO_IXGBEVF_MAX_RXD),
		   VNITRO_IXGBEVF_DESC_MULTIPLE);
	return vnitro_netdev_set_rings(dev, tx, rx);
}

static u32 vnitro_ixgbevf_get_msglevel(struct net_device *dev)
{
	return ((struct vnitro_netdev *)netdev_priv(dev))->msg_enable;
}

static void vnitro_ixgbevf_set_msglevel(struct net_device *dev, u32 data)
{
	((struct vnitro_netdev *)netdev_priv(dev))->msg_enable = data;
}

/*
 * ethtool -t: ixgbevf_diag_test. The link test fails without carrier; the
 * register test always passes on the emulated registers. Offline (ethtool's
 * default) closes a running interface around the register test and opens it
 * again. Both end with the driver's four-second sleep.
 */
static void vnitro_ixgbevf_self_test(struct net_device *dev, struct ethtool_test *test, u64 *data)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);

	data[0] = 0;
	data[1] = !netif_carrier_ok(dev);
	if (data[1])
		test->flags |= ETH_TEST_FL_FAILED;
	if (test->flags & ETH_TEST_FL_OFFLINE)
		vnitro_ixgbevf_reinit(vnd);
	msleep_interruptible(4 * 1000);
}

static int vnitro_ixgbevf_get_coalesce(struct net_device *dev, struct ethtool_coalesce *coal,
				       struct kernel_ethtool_coalesce *kernel_coal,
				       struct netlink_ext_ack *extack)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);

	/* Every vector carries an RX and a TX ring: only the RX setting is reported. */
	coal->rx_coalesce_usecs = vnd->itr_setting <= VNITRO_IXGBEVF_DYNAMIC_ITR ?
				  vnd->itr_setting : vnd->itr_setting >> 2;
	return 0;
}

/*
 * ixgbevf_set_coalesce on mixed vectors: tx-usecs must be 0; rx-usecs 0 turns
 * throttling off, 1 makes it dynamic (from 50 us, adapting as the load
 * changes), N sets N microseconds, up to 1022. The interval applies to the
 * vector, so to RX and TX events alike.
 */
static int vnitro_ixgbevf_set_coalesce(struct net_device *dev, struct ethtool_coalesce *coal,
				       struct kernel_ethtool_coalesce *kernel_coal,
				       struct netlink_ext_ack *extack)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);
	u32 usecs = coal->rx_coalesce_usecs;
	bool dynamic = usecs == VNITRO_IXGBEVF_DYNAMIC_ITR;

	if (coal->tx_coalesce_usecs)
		return -EINVAL;
	if (usecs > VNITRO_IXGBEVF_MAX_USECS)
		return -EINVAL;
	vnd->itr_setting = usecs > 1 ? usecs << 2 : usecs;
	if (dynamic)
		usecs = VNITRO_IXGBEVF_20K_ITR_USECS;
	vnitro_irq_set_moderation(vnd, usecs, usecs, dynamic);
	return 0;
}

static int vnitro_ixgbevf_get_rxnfc(struct net_device *dev, struct ethtool_rxnfc *info,
				    u32 *rules)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);

	if (info->cmd != ETHTOOL_GRXRINGS)
		return -EOPNOTSUPP;
	info->data = vnd->num_queues;
	return 0;
}

static u32 vnitro_ixgbevf_get_rxfh_indir_size(struct net_device *dev)
{
	return VNITRO_IXGBEVF_RETA_SIZE;
}

static u32 vnitro_ixgbevf_get_rxfh_key_size(struct net_device *dev)
{
	return VNITRO_IXGBEVF_RSS_KEY_SIZE;
}

/*
 * ethtool -x: the table and key the PF programmed, read over the mailbox
 * (ixgbevf_get_reta_locked masks each entry to the VF's queues: 0 and 1, or
 * 0 alone). There is no set_rxfh: ethtool -X is "Operation not supported".
 */
static int vnitro_ixgbevf_get_rxfh(struct net_device *dev, u32 *indir, u8 *key, u8 *hfunc)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);
	const struct vcore_ena_rss_config *cfg = &rtnl_dereference(vnd->rss)->cfg;
	u32 mask = vnd->num_queues > 1 ? 1 : 0, i;

	if (hfunc)
		*hfunc = ETH_RSS_HASH_TOP;
	if (indir)
		for (i = 0; i < VNITRO_IXGBEVF_RETA_SIZE; i++)
			indir[i] = cfg->table[i] & mask;
	if (key)
		memcpy(key, cfg->key, VNITRO_IXGBEVF_RSS_KEY_SIZE);
	return 0;
}

static int vnitro_ixgbevf_get_link_ksettings(struct net_device *dev,
					     struct ethtool_link_ksettings *cmd)
{
	ethtool_link_ksettings_zero_link_mode(cmd, supported);
	ethtool_link_ksettings_add_link_mode(cmd, supported, 10000baseT_Full);
	cmd->base.autoneg = AUTONEG_DISABLE;
	cmd->base.port = -1;
	if (netif_carrier_ok(dev)) {
		cmd->base.speed = SPEED_10000;
		cmd->base.duplex = DUPLEX_FULL;
	} else {
		cmd->base.speed = SPEED_UNKNOWN;
		cmd->base.duplex = DUPLEX_UNKNOWN;
	}
	return 0;
}

static u32 vnitro_ixgbevf_get_priv_flags(struct net_device *dev)
{
	return ((struct vnitro_netdev *)netdev_priv(dev))->legacy_rx ?
	       VNITRO_IXGBEVF_PRIV_LEGACY_RX : 0;
}

static int vnitro_ixgbevf_set_priv_flags(struct net_device *dev, u32 flags)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);
	bool legacy_rx = flags & VNITRO_IXGBEVF_PRIV_LEGACY_RX;

	if (legacy_rx != vnd->legacy_rx) {
		vnd->legacy_rx = legacy_rx;
		vnitro_ixgbevf_reinit(vnd);
	}
	return 0;
}

/* No channels, no set_rxfh, no set_rxnfc, no EEPROM: ixgbevf has none of them. */
const struct ethtool_ops vnitro_ixgbevf_ethtool_ops = {
	.supported_coalesce_params = ETHTOOL_COALESCE_USECS,
	.get_drvinfo = vnitro_ixgbevf_get_drvinfo,
	.get_regs_len = vnitro_ixgbevf_get_regs_len,
	.get_regs = vnitro_ixgbevf_get_regs,
	.nway_reset = vnitro_ixgbevf_nway_reset,
	.get_link = ethtool_op_get_link,
	.get_ringparam = vnitro_ixgbevf_get_ringparam,
	.set_ringparam = vnitro_ixgbevf_set_ringparam,
	.get_msglevel = vnitro_ixgbevf_get_msglevel,
	.set_msglevel = vnitro_ixgbevf_set_msglevel,
	.self_test = vnitro_ixgbevf_self_test,
	.get_sset_count = vnitro_ixgbevf_get_sset_count,
	.get_strings = vnitro_ixgbevf_get_strings,
	.get_ethtool_stats = vnitro_ixgbevf_get_ethtool_stats,
	.get_coalesce = vnitro_ixgbevf_get_coalesce,
	.set_coalesce = vnitro_ixgbevf_set_coalesce,
	.get_rxnfc = vnitro_ixgbevf_get_rxnfc,
	.get_rxfh_indir_size = vnitro_ixgbevf_get_rxfh_indir_size,
	.get_rxfh_key_size = vnitro_ixgbevf_get_rxfh_key_size,
	.get_rxfh = vnitro_ixgbevf_get_rxfh,
	.get_link_ksettings = vnitro_ixgbevf_get_link_ksettings,
	.get_priv_flags = vnitro_ixgbevf_get_priv_flags,
	.set_priv_flags = vnitro_ixgbevf_set_priv_flags,
};
