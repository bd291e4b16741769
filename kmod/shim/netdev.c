// SPDX-License-Identifier: GPL-2.0
/*
 * netdev.c - the ENA-like netdev of an attached ENI: transmit hands frames to
 * the fabric, the fabric delivers into the receiver's RX ring, and NAPI polls
 * that ring into the stack.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/u64_stats_sync.h>

#include "vnitro.h"

enum {
	VNITRO_ENA_MIN_MTU = 128,	/* ENA_MIN_MTU */
	VNITRO_ENA_MAX_MTU = 9216,	/* the device's max_mtu on Nitro */
	VNITRO_RX_RING_SIZE = 1024,	/* ENA's default ring size */
	VNITRO_PARSE_LEN = 64,		/* header bytes the fabric may read */
};

struct vnitro_queue_stats {
	u64 packets;
	u64 bytes;
	u64 dropped;
	struct u64_stats_sync syncp;
};

struct vnitro_netdev {
	struct net_device *dev;
	struct pci_dev *pdev;
	struct vnitro_eni_dev *edev;
	/* Our fabric port; NULL once unplugging began. Read under RCU. */
	struct vnitro_fabric_port __rcu *port;
	struct napi_struct napi;
	struct sk_buff_head rx_ring;
	struct vnitro_queue_stats tx;	/* written by xmit, under the TX lock */
	struct vnitro_queue_stats rx;	/* written by NAPI */
	atomic64_t rx_dropped;		/* written by any sender's CPU */
};

static void vnitro_stats_add(struct vnitro_queue_stats *s, unsigned int len)
{
	u64_stats_update_begin(&s->syncp);
	s->packets++;
	s->bytes += len;
	u64_stats_update_end(&s->syncp);
}

static void vnitro_stats_drop(struct vnitro_queue_stats *s)
{
	u64_stats_update_begin(&s->syncp);
	s->dropped++;
	u64_stats_update_end(&s->syncp);
}

static netdev_tx_t vnitro_netdev_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);
	struct vnitro_fabric_port *port;
	enum vnitro_xmit_verdict verdict = VNITRO_XMIT_DROPPED;
	unsigned int len = skb->len;

	skb_tx_timestamp(skb);
	rcu_read_lock();
	port = rcu_dereference(vnd->port);
	if (port && pskb_may_pull(skb, min_t(unsigned int, len, VNITRO_PARSE_LEN)))
		verdict = vnitro_fabric_xmit(vnitro.fabric, port, skb->data, skb_headlen(skb), skb);
	rcu_read_unlock();

	switch (verdict) {
	case VNITRO_XMIT_DELIVERED:
		vnitro_stats_add(&vnd->tx, len);
		break;
	case VNITRO_XMIT_ANSWERED:
		vnitro_stats_add(&vnd->tx, len);
		dev_consume_skb_any(skb);
		break;
	case VNITRO_XMIT_DROPPED:
		vnitro_stats_drop(&vnd->tx);
		dev_kfree_skb_any(skb);
		break;
	}
	return NETDEV_TX_OK;
}

static void vnitro_rx_enqueue(struct vnitro_netdev *vnd, struct sk_buff *skb)
{
	if (skb_queue_len(&vnd->rx_ring) >= VNITRO_RX_RING_SIZE) {
		atomic64_inc(&vnd->rx_dropped);
		kfree_skb(skb);
		return;
	}
	skb_queue_tail(&vnd->rx_ring, skb);
	napi_schedule(&vnd->napi);
}

/* services.deliver: called by the fabric under RCU, in atomic context. */
void vnitro_netdev_deliver(void *port_cookie, void *frame_ctx)
{
	struct vnitro_netdev *vnd = port_cookie;
	struct sk_buff *skb = frame_ctx;

	if (!netif_running(vnd->dev)) {
		atomic64_inc(&vnd->rx_dropped);
		kfree_skb(skb);
		return;
	}
	/* Scrubs the sender's state and checks the receiver's MTU, like veth. */
	if (__dev_forward_skb(vnd->dev, skb) != NET_RX_SUCCESS) {
		atomic64_inc(&vnd->rx_dropped);
		return;
	}
	vnitro_rx_enqueue(vnd, skb);
}

/* services.deliver_copy: a frame the fabric itself sends (an ARP reply). */
void vnitro_netdev_deliver_copy(void *port_cookie, const u8 *frame, u32 len)
{
	struct vnitro_netdev *vnd = port_cookie;
	struct sk_buff *skb;

	if (!netif_running(vnd->dev))
		return;
	skb = netdev_alloc_skb_ip_align(vnd->dev, len);
	if (!skb) {
		atomic64_inc(&vnd->rx_dropped);
		return;
	}
	skb_put_data(skb, frame, len);
	skb->protocol = eth_type_trans(skb, vnd->dev);
	vnitro_rx_enqueue(vnd, skb);
}

static int vnitro_netdev_poll(struct napi_struct *napi, int budget)
{
	struct vnitro_netdev *vnd = container_of(napi, struct vnitro_netdev, napi);
	struct sk_buff *skb;
	int done = 0;

	while (done < budget && (skb = skb_dequeue(&vnd->rx_ring))) {
		vnitro_stats_add(&vnd->rx, skb->len + ETH_HLEN);
		napi_gro_receive(napi, skb);
		done++;
	}
	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}

static int vnitro_netdev_open(struct net_device *dev)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);

	napi_enable(&vnd->napi);
	netif_start_queue(dev);
	/* The fabric is always reachable: link up once the queues run, as ENA reports. */
	netif_carrier_on(dev);
	return 0;
}

static int vnitro_netdev_stop(struct net_device *dev)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);

	netif_carrier_off(dev);
	netif_stop_queue(dev);
	napi_disable(&vnd->napi);
	skb_queue_purge(&vnd->rx_ring);
	return 0;
}

static void vnitro_read_stats(struct vnitro_queue_stats *s, u64 *packets, u64 *bytes, u64 *dropped)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&s->syncp);
		*packets = s->packets;
		*bytes = s->bytes;
		*dropped = s->dropped;
	} while (u64_stats_fetch_retry(&s->syncp, start));
}

static void vnitro_netdev_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *stats)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);

	vnitro_read_stats(&vnd->tx, &stats->tx_packets, &stats->tx_bytes, &stats->tx_dropped);
	vnitro_read_stats(&vnd->rx, &stats->rx_packets, &stats->rx_bytes, &stats->rx_dropped);
	stats->rx_dropped += atomic64_read(&vnd->rx_dropped);
}

static const struct net_device_ops vnitro_netdev_ops = {
	.ndo_open = vnitro_netdev_open,
	.ndo_stop = vnitro_netdev_stop,
	.ndo_start_xmit = vnitro_netdev_xmit,
	.ndo_get_stats64 = vnitro_netdev_get_stats64,
	.ndo_validate_addr = eth_validate_addr,
};

/* ethN for device index N, as EC2's guest images name them; else eth%d. */
static int vnitro_netdev_register(struct net_device *dev, struct vnitro_eni_dev *edev)
{
	char name[IFNAMSIZ];

	ASSERT_RTNL();
	snprintf(name, sizeof(name), "eth%u", edev->device_index);
	if (__dev_get_by_name(edev->net, name))
		strscpy(name, "eth%d", sizeof(name));
	strscpy(dev->name, name, sizeof(dev->name));
	return register_netdevice(dev);
}

/* Called from probe; the fabric port exists before the netdev can be opened. */
int vnitro_netdev_create(struct vnitro_eni_dev *edev, struct pci_dev *pdev)
{
	struct vnitro_fabric_port *port;
	struct vnitro_port_desc desc;
	struct vnitro_netdev *vnd;
	struct net_device *dev;
	int ret;

	dev = alloc_etherdev_mqs(sizeof(*vnd), 1, 1);
	if (!dev)
		return -ENOMEM;
	vnd = netdev_priv(dev);
	vnd->dev = dev;
	vnd->pdev = pdev;
	vnd->edev = edev;
	skb_queue_head_init(&vnd->rx_ring);
	u64_stats_init(&vnd->tx.syncp);
	u64_stats_init(&vnd->rx.syncp);
	SET_NETDEV_DEV(dev, &pdev->dev);
	dev_net_set(dev, edev->net);
	eth_hw_addr_set(dev, edev->port.mac);
	dev->netdev_ops = &vnitro_netdev_ops;
	dev->ethtool_ops = &vnitro_ethtool_ops;
	dev->min_mtu = VNITRO_ENA_MIN_MTU;
	dev->max_mtu = VNITRO_ENA_MAX_MTU;
	netif_napi_add(dev, &vnd->napi, vnitro_netdev_poll);
	netif_carrier_off(dev);

	desc = edev->port;
	desc.cookie = vnd;
	port = vnitro_fabric_port_add(vnitro.fabric, &desc, &ret);
	if (!port)
		goto err_free_netdev;
	rcu_assign_pointer(vnd->port, port);

	rtnl_lock();
	ret = vnitro_netdev_register(dev, edev);
	if (!ret)
		edev->netdev = dev;
	rtnl_unlock();
	if (ret)
		goto err_del_port;
	return 0;

err_del_port:
	RCU_INIT_POINTER(vnd->port, NULL);
	vnitro_fabric_port_del(vnitro.fabric, port);
err_free_netdev:
	netif_napi_del(&vnd->napi);
	free_netdev(dev);
	return ret;
}

/* Called from remove: unplug from the fabric first, so nothing is delivered. */
void vnitro_netdev_destroy(struct vnitro_eni_dev *edev)
{
	struct net_device *dev = edev->netdev;
	struct vnitro_fabric_port *port;
	struct vnitro_netdev *vnd;

	if (!dev)
		return;
	vnd = netdev_priv(dev);
	/* Only probe and remove write it, serialised by the device lock. */
	port = rcu_dereference_protected(vnd->port, true);
	RCU_INIT_POINTER(vnd->port, NULL);
	vnitro_fabric_port_del(vnitro.fabric, port);	/* waits for RCU readers */

	rtnl_lock();
	edev->netdev = NULL;
	unregister_netdevice(dev);
	rtnl_unlock();
	skb_queue_purge(&vnd->rx_ring);
	netif_napi_del(&vnd->napi);
	free_netdev(dev);
}
