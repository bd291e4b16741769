// SPDX-License-Identifier: GPL-2.0
/*
 * linklocal.c - the link-local services' netdev "svc0": EC2's instance
 * metadata service, the VPC's DNS resolver and Time Sync are servers in a
 * namespace of their own (vnitro services add), behind this device.
 *
 * A request an instance sends to 169.254.169.254 (or .253, .123, or its
 * VPC's base + 2) arrives here addressed to the alias the core names for
 * the asking ENI and the service (vcore/fabric.h): the namespace routes
 * 169.254.0.0/17 to itself, so a server bound to 0.0.0.0 accepts it and
 * learns from getsockname() who asked. Its reply, from the alias, leaves by
 * svc0 (the namespace's default route) and reaches that ENI from the
 * service's own address, with the TTL the server set (IMDSv2's hop limit).
 *
 * Like an internet gateway's device, svc0 belongs to its namespace and to
 * the services port: `vnitro services del` removes it, `ip link del`
 * cannot. It resolves no neighbours (IFF_NOARP): every frame it sends
 * goes to the fabric, which picks the ENI from the source alias.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/ip.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include <linux/vnitro.h>

#include "vnitro.h"
#include "genl.h"

#define VNITRO_SVC_IFNAME	"svc0"

/* The headers the core and vnitro_nat4 read and rewrite, linear and ours to write. */
static bool vnitro_linklocal_writable(struct sk_buff *skb)
{
	unsigned int len = min_t(unsigned int, skb->len, VNITRO_PARSE_LEN);

	return pskb_may_pull(skb, len) && !skb_ensure_writable(skb, len);
}

/* A reply: to the ENI its source alias names, from the service's address. */
static netdev_tx_t vnitro_linklocal_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vnitro_linklocal_dev *svc = netdev_priv(dev);
	struct vcore_fabric_port *port, *dst = NULL;
	unsigned int len = skb->len;
	u32 service_ip;

	rcu_read_lock();
	port = rcu_dereference(svc->port);
	if (port && vnitro_linklocal_writable(skb))
		dst = vcore_fabric_svc_reply_to(vnitro.fabric, port, skb->data, skb_headlen(skb),
						&service_ip);
	if (dst && vnitro_nat4(skb, true, htonl(service_ip)))
		vcore_fabric_svc_deliver(vnitro.fabric, dst, skb);
	else
		dst = NULL;
	rcu_read_unlock();

	if (dst) {
		dev_sw_netstats_tx_add(dev, 1, len);
	} else {
		dev_core_stats_tx_dropped_inc(dev);
		dev_kfree_skb_any(skb);
	}
	return NETDEV_TX_OK;
}

/*
 * services.deliver for the services' port: a request, to its alias, taken
 * in by the namespace's stack as veth does it (under RCU, atomic).
 */
void vnitro_linklocal_deliver(struct vnitro_linklocal_dev *svc, struct sk_buff *skb)
{
	struct net_device *dev = svc->dev;
	u32 alias;

	/* The ENI's xmit made the headers of a frame to its router writable. */
	alias = vcore_fabric_svc_alias(vnitro.fabric, skb->data, skb_headlen(skb));
	if (!alias || !vnitro_nat4(skb, false, htonl(alias))) {
		dev_core_stats_rx_dropped_inc(dev);
		kfree_skb(skb);
		return;
	}
	/* Addressed to the router's MAC: to svc0's own, or the stack ignores it. */
	ether_addr_copy(skb->data, dev->dev_addr);
	vnitro_edge_rx(dev, skb);
}

static void vnitro_linklocal_get_drvinfo(struct net_device *dev, struct ethtool_drvinfo *info)
{
	strscpy(info->driver, "vnitro-svc", sizeof(info->driver));
}

static const struct ethtool_ops vnitro_linklocal_ethtool_ops = {
	.get_drvinfo = vnitro_linklocal_get_drvinfo,
	.get_link = ethtool_op_get_link,
};

static const struct net_device_ops vnitro_linklocal_netdev_ops = {
	.ndo_init = vnitro_edge_ndo_init,
	.ndo_uninit = vnitro_edge_ndo_uninit,
	.ndo_start_xmit = vnitro_linklocal_xmit,
	.ndo_get_stats64 = dev_get_tstats64,
	.ndo_validate_addr = eth_validate_addr,
};

static void vnitro_linklocal_setup(struct net_device *dev)
{
	/* No TSO: the stack hands over frames of the MTU, which an ENI's 9001 fits. */
	vnitro_edge_setup(dev, VCORE_VPC_MTU);
	dev->netdev_ops = &vnitro_linklocal_netdev_ops;
	dev->ethtool_ops = &vnitro_linklocal_ethtool_ops;
	dev->flags |= IFF_NOARP;
}

static int vnitro_linklocal_put(struct sk_buff *msg, const void *obj)
{
	const struct vnitro_linklocal_dev *svc = obj;
	struct vcore_fabric_stats st;

	vcore_fabric_get_stats(vnitro.fabric, &st);
	if (nla_put_string(msg, VNITRO_A_IFNAME, svc->dev->name) ||
	    nla_put_u32(msg, VNITRO_A_IFINDEX, svc->dev->ifindex) ||
	    (svc->netns_name[0] && nla_put_string(msg, VNITRO_A_NETNS_NAME, svc->netns_name)) ||
	    nla_put(msg, VNITRO_A_MAC, ETH_ALEN, svc->dev->dev_addr) ||
	    nla_put_be32(msg, VNITRO_A_CIDR_ADDR, htonl(VCORE_SVC_ALIAS_NET)) ||
	    nla_put_u8(msg, VNITRO_A_CIDR_PREFIXLEN, VCORE_SVC_ALIAS_PREFIXLEN) ||
	    nla_put_u64_64bit(msg, VNITRO_A_SVC_REQUESTS, st.svc_requests, VNITRO_A_PAD) ||
	    nla_put_u64_64bit(msg, VNITRO_A_SVC_REPLIES, st.svc_replies, VNITRO_A_PAD) ||
	    nla_put_u64_64bit(msg, VNITRO_A_SVC_DROPPED, st.drop_svc, VNITRO_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/* ctl_lock held. The port first, with a fresh MAC; then the device in @net. */
static int vnitro_linklocal_plug(struct net *net, const char *netns_name, struct netlink_ext_ack *extack)
{
	struct vcore_port_desc desc = {};
	struct vcore_fabric_port *port = NULL;
	struct vnitro_linklocal_dev *svc;
	struct net_device *dev;
	int ret, tries;

	lockdep_assert_held(&vnitro.ctl_lock);
	dev = alloc_netdev(sizeof(*svc), VNITRO_SVC_IFNAME, NET_NAME_PREDICTABLE, vnitro_linklocal_setup);
	if (!dev)
		return -ENOMEM;
	atomic_inc(&vnitro_objects.netdevs);
	svc = netdev_priv(dev);
	svc->sink.kind = VNITRO_SINK_LINKLOCAL;
	svc->dev = dev;
	svc->net = net;
	strscpy(svc->netns_name, netns_name, sizeof(svc->netns_name));
	dev_net_set(dev, net);

	desc.kind = VCORE_PORT_SERVICES;
	desc.cookie = &svc->sink;
	/* A random unicast MAC another port might hold, once in 2^46. */
	for (tries = 0, ret = -EADDRINUSE; !port && ret == -EADDRINUSE && tries < 4; tries++) {
		eth_random_addr(desc.mac);
		port = vcore_fabric_port_add(vnitro.fabric, &desc, &ret);
	}
	if (!port) {
		NL_SET_ERR_MSG(extack, "the fabric refused the services' port");
		goto err_free_netdev;
	}
	eth_hw_addr_set(dev, desc.mac);
	rcu_assign_pointer(svc->port, port);

	ret = register_netdev(dev);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot register svc0 in the services' namespace "
				       "(is there a svc0 there already?)");
		goto err_del_port;
	}
	vnitro.linklocal = svc;
	return 0;

err_del_port:
	RCU_INIT_POINTER(svc->port, NULL);
	vcore_fabric_port_del(vnitro.fabric, port);
err_free_netdev:
	free_netdev(dev);
	atomic_dec(&vnitro_objects.netdevs);
	return ret;
}

/* ctl_lock held: off the fabric first, so nothing is delivered, then gone. */
static void vnitro_linklocal_unplug(void)
{
	struct vnitro_linklocal_dev *svc = vnitro.linklocal;
	struct net_device *dev = svc->dev;
	struct vcore_fabric_port *port;
	struct net *net = svc->net;

	lockdep_assert_held(&vnitro.ctl_lock);
	vnitro.linklocal = NULL;
	port = rcu_dereference_protected(svc->port, lockdep_is_held(&vnitro.ctl_lock));
	RCU_INIT_POINTER(svc->port, NULL);
	vcore_fabric_port_del(vnitro.fabric, port);	/* waits for senders inside the fabric */
	unregister_netdev(dev);
	free_netdev(dev);
	atomic_dec(&vnitro_objects.netdevs);
	put_net(net);
}

int vnitro_cmd_svc_add(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net;
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_NETNS_FD))
		return -EINVAL;
	net = vnitro_genl_netns(info);
	if (IS_ERR(net))
		return PTR_ERR(net);
	if (net_eq(net, &init_net)) {
		put_net(net);
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VNITRO_A_NETNS_FD],
				    "the services need a namespace of their own, not the host's");
		return -EINVAL;
	}
	mutex_lock(&vnitro.ctl_lock);
	ret = vnitro.linklocal ? -EEXIST : vnitro_linklocal_plug(net, vnitro_genl_str(info, VNITRO_A_NETNS_NAME),
						     info->extack);
	if (ret == -EEXIST && vnitro.linklocal)
		NL_SET_ERR_MSG(info->extack,
			       "the services are plugged in already (vnitro services show)");
	if (!ret)
		ret = vnitro_genl_reply(info, VNITRO_CMD_SVC_GET, vnitro_linklocal_put, vnitro.linklocal);
	mutex_unlock(&vnitro.ctl_lock);
	if (ret && !vnitro.linklocal)
		put_net(net);
	return ret;
}

static int vnitro_linklocal_none(struct genl_info *info)
{
	NL_SET_ERR_MSG(info->extack, "no services are plugged in (vnitro services add netns NAME)");
	return -ENOENT;
}

int vnitro_cmd_svc_del(struct sk_buff *skb, struct genl_info *info)
{
	int ret = 0;

	mutex_lock(&vnitro.ctl_lock);
	if (vnitro.linklocal)
		vnitro_linklocal_unplug();
	else
		ret = vnitro_linklocal_none(info);
	mutex_unlock(&vnitro.ctl_lock);
	return ret;
}

int vnitro_cmd_svc_get(struct sk_buff *skb, struct genl_info *info)
{
	int ret;

	mutex_lock(&vnitro.ctl_lock);
	ret = vnitro.linklocal ? vnitro_genl_reply(info, VNITRO_CMD_SVC_GET, vnitro_linklocal_put, vnitro.linklocal)
			 : vnitro_linklocal_none(info);
	mutex_unlock(&vnitro.ctl_lock);
	return ret;
}

void vnitro_linklocal_exit(void)
{
	mutex_lock(&vnitro.ctl_lock);
	if (vnitro.linklocal)
		vnitro_linklocal_unplug();
	mutex_unlock(&vnitro.ctl_lock);
}
