// SPDX-License-Identifier: GPL-2.0
/*
 * tso.c - TCP segmentation offload: which ENIs offer it, and what the
 * "device" does with a TSO frame on its way to a receiver.
 *
 * The ena driver turns on NETIF_F_TSO/TSO6 when the device advertises the
 * TSO offload (ena_set_dev_offloads). The ENA devices of EC2 do not (AWS,
 * amzn-drivers issue #29: "the ENA device ... doesn't support ... TSO"), so
 * `ethtool -k` on EC2 shows tcp-segmentation-offload off [fixed]: that is our
 * default too. The tso parameter models a device that advertises it.
 *
 * A TSO frame stands for gso_segs wire frames of gso_size payload each. The
 * receiving ENI takes them as one frame, as if its GRO had merged them, when
 * its stack would have done just that (GRO and RX checksum offload on);
 * otherwise the frame is cut into those wire frames here, each with a
 * checksum the receiver can verify. Wire frames larger than the receiver's
 * MTU are dropped like any oversized frame: a device cuts at the sender's
 * MSS, never at the receiver's MTU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "vnitro.h"

static bool tso;
module_param(tso, bool, 0644);
MODULE_PARM_DESC(tso, "ENIs attached from now on offer TSO/TSO6 (EC2's ENA does not; default off)");

/* Features for a new ENA netdev: the offloads its device advertises. */
netdev_features_t vnitro_tso_features(void)
{
	return READ_ONCE(tso) ? NETIF_F_TSO | NETIF_F_TSO6 : 0;
}

/* True when @dev's stack takes the TSO frame @skb whole (skb->data: Ethernet header). */
static bool vnitro_tso_keep(const struct net_device *dev, const struct sk_buff *skb)
{
	return (dev->features & (NETIF_F_GRO | NETIF_F_RXCSUM)) == (NETIF_F_GRO | NETIF_F_RXCSUM) &&
	       skb->ip_summed == CHECKSUM_PARTIAL;
}

/*
 * Delivers the TSO frame @skb to @vnd through @deliver_one, whole or cut into
 * its wire frames. Consumes @skb. Atomic context, as the fabric's deliver.
 */
void vnitro_tso_deliver(struct vnitro_netdev *vnd, struct sk_buff *skb,
			void (*deliver_one)(struct vnitro_netdev *vnd, struct sk_buff *skb))
{
	struct sk_buff *segs, *next;

	if (!skb_gso_validate_network_len(skb, READ_ONCE(vnd->dev->mtu))) {
		atomic64_inc(&vnd->rx[0].dropped);
		kfree_skb(skb);
		return;
	}
	if (vnitro_tso_keep(vnd->dev, skb)) {
		deliver_one(vnd, skb);
		return;
	}
	/* Segments stay CHECKSUM_PARTIAL: the receive path completes them if needed. */
	segs = skb_gso_segment(skb, NETIF_F_SG | NETIF_F_HW_CSUM);
	if (IS_ERR_OR_NULL(segs)) {
		atomic64_inc(&vnd->rx[0].dropped);
		kfree_skb(skb);
		return;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, segs, next) {
		skb_mark_not_on_list(segs);
		deliver_one(vnd, segs);
	}
}
