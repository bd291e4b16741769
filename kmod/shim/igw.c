// SPDX-License-Identifier: GPL-2.0
/*
 * igw.c - an internet gateway's netdev: an Ethernet device in the namespace
 * the user calls the internet, whose frames enter the VPC router and to
 * which the router sends what a route table points at the gateway.
 *
 * The device is the VPC's side of the internet edge, so its MTU is EC2's
 * 1500 (anything larger crossing it has met the router's frag-needed rule
 * already). It belongs to its namespace (NETIF_F_NETNS_LOCAL) and to the
 * gateway object: `vnitro igw del` removes it, `ip link del` cannot.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/netdevice.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>

#include "vnitro.h"

/* The first free igwN (eigwN) of the namespace: igw0 for the first gateway there. */
#define VNITRO_IGW_IFNAME	"igw%d"
#define VNITRO_EIGW_IFNAME	"eigw%d"

/* ---- what the edge devices share (the gateways' and the services' svc0) ---- */

int vnitro_edge_ndo_init(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

void vnitro_edge_ndo_uninit(struct net_device *dev)
{
	free_percpu(dev->tstats);
}

/* A frame the fabric delivers, received by @dev's namespace as veth does it (RCU, atomic). */
void vnitro_edge_rx(struct net_device *dev, struct sk_buff *skb)
{
	unsigned int len;

	/* Scrubs the sender's state, checks our MTU; counts and frees on failure. */
	if (__dev_forward_skb(dev, skb) != NET_RX_SUCCESS)
		return;
	len = skb->len;
	if (netif_rx(skb) == NET_RX_SUCCESS)
		dev_sw_netstats_rx_add(dev, len);
	else
		dev_core_stats_rx_dropped_inc(dev);
}

/*
 * An Ethernet device of its namespace and its object (NETIF_F_NETNS_LOCAL,
 * no rtnl_link_ops: `ip link del` cannot remove it), lockless with
 * per-CPU counters, no qdisc, the checksum left to the receiver as on
 * veth; MTU @mtu at most.
 */
void vnitro_edge_setup(struct net_device *dev, unsigned int mtu)
{
	ether_setup(dev);
	dev->priv_flags |= IFF_NO_QUEUE;
	/* ndo_start_xmit hands the skb itself on: a shared one (pktgen's clone_skb) would be corrupted. */
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->features |= NETIF_F_LLTX | NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA |
			 NETIF_F_NETNS_LOCAL;
	dev->hw_features |= NETIF_F_SG | NETIF_F_HW_CSUM;
	dev->mtu = mtu;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = mtu;
}

/* ---- Elastic IPs: the gateway's 1:1 NAT (the core holds the translations) ---- */

/* @len bytes from @off lie in the frame's linear, writable headers. */
static bool vnitro_igw_hdr_ok(const struct sk_buff *skb, unsigned int off, unsigned int len)
{
	return off + len <= skb_headlen(skb);
}

/*
 * An ICMP error quotes the packet it answers: after the outer address
 * changes from @from to @to, the quoted header's address on the other side
 * (the packet went the other way) changes too, or the sender's stack could
 * not match the error to its socket (PMTUD through an Elastic IP).
 */
static void vnitro_igw_nat_icmp(struct sk_buff *skb, unsigned int off, bool src, __be32 from,
				__be32 to)
{
	struct icmphdr *icmph = (struct icmphdr *)(skb->data + off);
	struct iphdr *inner = (struct iphdr *)(skb->data + off + sizeof(*icmph));
	__sum16 old_check;
	__be32 *quoted;

	switch (icmph->type) {
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		break;
	default:
		return;
	}
	if (!vnitro_igw_hdr_ok(skb, off + sizeof(*icmph), sizeof(*inner)))
		return;
	quoted = src ? &inner->daddr : &inner->saddr;
	if (*quoted != from)
		return;
	old_check = inner->check;
	csum_replace4(&inner->check, from, to);
	*quoted = to;
	/* The ICMP checksum covers the quoted address and the quoted checksum. */
	inet_proto_csum_replace4(&icmph->checksum, skb, from, to, false);
	inet_proto_csum_replace2(&icmph->checksum, skb, (__force __be16)old_check,
				 (__force __be16)inner->check, false);
}

/*
 * Rewrites the IPv4 source (@src) or destination of an Ethernet frame to
 * @to, with every checksum that covers it: the IP header's, TCP's and
 * UDP's (pseudo-header; a partial checksum left to the device is updated
 * as such), an ICMP error's quote. The headers are linear and writable
 * (xmit_prepare made them so for the router, which rewrote them; the
 * services port's xmit makes them so). Also the services' aliases (linklocal.c).
 */
bool vnitro_nat4(struct sk_buff *skb, bool src, __be32 to)
{
	unsigned int off = ETH_HLEN, l4;
	struct iphdr *iph;
	__be32 *addr, from;

	if (!vnitro_igw_hdr_ok(skb, off, sizeof(*iph)))
		return false;
	iph = (struct iphdr *)(skb->data + off);
	l4 = off + iph->ihl * 4;
	addr = src ? &iph->saddr : &iph->daddr;
	from = *addr;
	if (!(iph->frag_off & htons(IP_OFFSET))) {
		switch (iph->protocol) {
		case IPPROTO_TCP: {
			struct tcphdr *th = (struct tcphdr *)(skb->data + l4);

			if (!vnitro_igw_hdr_ok(skb, l4, sizeof(*th)))
				return false;
			inet_proto_csum_replace4(&th->check, skb, from, to, true);
			break;
		}
		case IPPROTO_UDP: {
			struct udphdr *uh = (struct udphdr *)(skb->data + l4);

			if (!vnitro_igw_hdr_ok(skb, l4, sizeof(*uh)))
				return false;
			/* A zero checksum means none (RFC 768). */
			if (uh->check || skb->ip_summed == CHECKSUM_PARTIAL) {
				inet_proto_csum_replace4(&uh->check, skb, from, to, true);
				if (!uh->check)
					uh->check = CSUM_MANGLED_0;
			}
			break;
		}
		case IPPROTO_ICMP:
			if (vnitro_igw_hdr_ok(skb, l4, sizeof(struct icmphdr)))
				vnitro_igw_nat_icmp(skb, l4, src, from, to);
			break;
		}
	}
	csum_replace4(&iph->check, from, to);
	*addr = to;
	return true;
}

/*
 * @out false: the internet's frame to an Elastic IP, to its private address
 * before the router sees it. @out true: the VPC's frame to the internet,
 * from the Elastic IP of its source, if it has one.
 */
static void vnitro_igw_translate(struct vcore_fabric_port *port, struct sk_buff *skb, bool out)
{
	const struct iphdr *iph = (const struct iphdr *)(skb->data + ETH_HLEN);
	u32 to;

	if (!vnitro_igw_hdr_ok(skb, 0, ETH_HLEN + sizeof(*iph)) ||
	    ((struct ethhdr *)skb->data)->h_proto != htons(ETH_P_IP))
		return;
	to = out ? vcore_fabric_eip_public(vnitro.fabric, port, ntohl(iph->saddr))
		 : vcore_fabric_eip_private(vnitro.fabric, port, ntohl(iph->daddr));
	if (to)
		vnitro_nat4(skb, out, htonl(to));
}

/* The internet sends: into the VPC router, which answers ARP for the VPC CIDR. */
static netdev_tx_t vnitro_igw_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vnitro_igw_dev *igw = netdev_priv(dev);
	enum vcore_xmit_verdict verdict = VCORE_XMIT_DROPPED;
	struct vcore_fabric_port *port;
	unsigned int len = skb->len;

	rcu_read_lock();
	port = rcu_dereference(igw->port);
	if (port && vnitro_netdev_xmit_prepare(skb)) {
		vnitro_igw_translate(port, skb, false);
		verdict = vcore_fabric_xmit(vnitro.fabric, port, skb->data, skb_headlen(skb), skb);
	}
	rcu_read_unlock();

	switch (verdict) {
	case VCORE_XMIT_DELIVERED:
		dev_sw_netstats_tx_add(dev, 1, len);
		break;
	case VCORE_XMIT_ANSWERED:
		dev_sw_netstats_tx_add(dev, 1, len);
		dev_consume_skb_any(skb);
		break;
	case VCORE_XMIT_DROPPED:
	case VCORE_XMIT_EFA:	/* only a frame between hosts is one */
		dev_core_stats_tx_dropped_inc(dev);
		dev_kfree_skb_any(skb);
		break;
	}
	return NETDEV_TX_OK;
}

/*
 * services.deliver for a gateway: what the VPC router sends to the internet,
 * received by the namespace's stack as veth does it (under RCU, atomic).
 */
void vnitro_igw_deliver(struct vnitro_igw_dev *igw, struct sk_buff *skb)
{
	struct vcore_fabric_port *port = rcu_dereference(igw->port);

	if (port)
		vnitro_igw_translate(port, skb, true);
	vnitro_edge_rx(igw->dev, skb);
}

/* services.deliver_copy for a gateway: the VPC router's ARP replies. */
void vnitro_igw_deliver_copy(struct vnitro_igw_dev *igw, const u8 *frame, u32 len)
{
	struct net_device *dev = igw->dev;
	struct sk_buff *skb;

	skb = netdev_alloc_skb_ip_align(dev, len);
	if (!skb) {
		dev_core_stats_rx_dropped_inc(dev);
		return;
	}
	skb_put_data(skb, frame, len);
	skb->protocol = eth_type_trans(skb, dev);
	len = skb->len;
	if (netif_rx(skb) == NET_RX_SUCCESS)
		dev_sw_netstats_rx_add(dev, len);
	else
		dev_core_stats_rx_dropped_inc(dev);
}

static void vnitro_igw_get_drvinfo(struct net_device *dev, struct ethtool_drvinfo *info)
{
	struct vnitro_igw_dev *igw = netdev_priv(dev);

	strscpy(info->driver, igw->igw_id[0] == 'e' ? "vnitro-eigw" : "vnitro-igw",
		sizeof(info->driver));
	/* Not a PCI function: the gateway's id stands where bus-info would. */
	strscpy(info->bus_info, igw->igw_id, sizeof(info->bus_info));
}

static const struct ethtool_ops vnitro_igw_ethtool_ops = {
	.get_drvinfo = vnitro_igw_get_drvinfo,
	.get_link = ethtool_op_get_link,
};

static const struct net_device_ops vnitro_igw_netdev_ops = {
	.ndo_init = vnitro_edge_ndo_init,
	.ndo_uninit = vnitro_edge_ndo_uninit,
	.ndo_start_xmit = vnitro_igw_xmit,
	.ndo_get_stats64 = dev_get_tstats64,
	.ndo_validate_addr = eth_validate_addr,
};

static void vnitro_igw_setup(struct net_device *dev)
{
	vnitro_edge_setup(dev, VCORE_IGW_MTU);	/* EC2: 1500 bytes through an internet gateway */
	dev->netdev_ops = &vnitro_igw_netdev_ops;
	dev->ethtool_ops = &vnitro_igw_ethtool_ops;
}

/*
 * ctl op igw_plug (ctl_lock held): the gateway's fabric port, then its
 * netdev in @desc->netns_cookie, the namespace the gateway holds a
 * reference on. The port exists before the device can send; frames for a
 * device not yet up are dropped by __dev_forward_skb.
 */
int vnitro_igw_plug(void *ops_ctx, const struct vcore_igw_plug_desc *desc, void **cookie,
		    struct vcore_err *err)
{
	struct vcore_port_desc port_desc = desc->port;
	struct vcore_fabric_port *port;
	struct vnitro_igw_dev *igw;
	struct net_device *dev;
	int ret;

	lockdep_assert_held(&vnitro.ctl_lock);
	dev = alloc_netdev(sizeof(*igw), desc->port.egress_only ? VNITRO_EIGW_IFNAME : VNITRO_IGW_IFNAME,
			   NET_NAME_ENUM, vnitro_igw_setup);
	if (!dev) {
		ret = -ENOMEM;
		strscpy(err->msg, "out of memory", sizeof(err->msg));
		goto err_out;
	}
	atomic_inc(&vnitro_objects.netdevs);
	igw = netdev_priv(dev);
	igw->sink.kind = VNITRO_SINK_IGW;
	igw->dev = dev;
	strscpy(igw->igw_id, desc->igw_id, sizeof(igw->igw_id));
	dev_net_set(dev, desc->netns_cookie);
	eth_hw_addr_set(dev, desc->port.mac);

	port_desc.cookie = &igw->sink;
	port = vcore_fabric_port_add(vnitro.fabric, &port_desc, &ret);
	if (!port) {
		snprintf(err->msg, sizeof(err->msg),
			 "the fabric refused the gateway's port (errno %d)", -ret);
		goto err_free_netdev;
	}
	rcu_assign_pointer(igw->port, port);

	ret = register_netdev(dev);
	if (ret) {
		snprintf(err->msg, sizeof(err->msg),
			 "cannot register the gateway's netdev in its namespace (errno %d)", -ret);
		goto err_del_port;
	}
	*cookie = igw;
	return 0;

err_del_port:
	RCU_INIT_POINTER(igw->port, NULL);
	vcore_fabric_port_del(vnitro.fabric, port);
err_free_netdev:
	free_netdev(dev);
	atomic_dec(&vnitro_objects.netdevs);
err_out:
	err->code = ret;
	return ret;
}

/* ctl op igw_unplug (ctl_lock held): off the fabric first, so nothing is delivered, then gone. */
void vnitro_igw_unplug(void *ops_ctx, void *cookie)
{
	struct vnitro_igw_dev *igw = cookie;
	struct net_device *dev = igw->dev;
	struct vcore_fabric_port *port;

	lockdep_assert_held(&vnitro.ctl_lock);
	port = rcu_dereference_protected(igw->port, lockdep_is_held(&vnitro.ctl_lock));
	RCU_INIT_POINTER(igw->port, NULL);
	vcore_fabric_port_del(vnitro.fabric, port);	/* waits for senders inside the fabric */
	/* Frames still in the namespace's backlog are flushed by the unregistration. */
	unregister_netdev(dev);
	free_netdev(dev);
	atomic_dec(&vnitro_objects.netdevs);
}

/* ctl op igw_update (ctl_lock held): the frag-needed switch. */
int vnitro_igw_update(void *ops_ctx, void *cookie, const struct vcore_port_desc *port,
		      struct vcore_err *err)
{
	struct vnitro_igw_dev *igw = cookie;
	struct vcore_port_desc desc = *port;
	int ret;

	lockdep_assert_held(&vnitro.ctl_lock);
	desc.cookie = &igw->sink;
	ret = vcore_fabric_port_update(vnitro.fabric,
				       rcu_dereference_protected(igw->port,
								  lockdep_is_held(&vnitro.ctl_lock)),
					&desc);
	if (ret) {
		err->code = ret;
		snprintf(err->msg, sizeof(err->msg),
			 "the fabric refused the gateway's new settings (errno %d)", -ret);
	}
	return ret;
}
