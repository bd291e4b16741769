// SPDX-License-Identifier: GPL-2.0
/*
 * tunnel.c - the fabric between hosts: another host's ENIs as remote ports
 * whose frames leave through a Geneve device of the kernel's own (external,
 * collect-metadata mode, as Open vSwitch uses it), and what other hosts send
 * arrives through the same device's rx_handler. The kernel's geneve driver
 * does the encapsulation, the UDP socket, checksums and GSO; vnitro says
 * where each frame goes (the tunnel key: the host's address, the VPC's VNI)
 * and which ENIs it is between (one Geneve option). Documentation/cluster.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/dst_metadata.h>
#include <net/geneve.h>
#include <net/ip_tunnels.h>
#include <net/rtnetlink.h>

#include "genl.h"
#include "vnitro.h"

/*
 * The option vnitro puts in every frame: class 0xff56 is in RFC 8926's
 * "Experimental Use" range (0xff00-0xffff); the type's high bit makes it
 * critical, so a Geneve endpoint that does not know it drops the frame
 * rather than deliver it without its ENIs. Data: the sending ENI's MAC,
 * then the receiving ENI's (MACs are unique in the world).
 */
#define VNITRO_GENEVE_CLASS	0xff56
#define VNITRO_GENEVE_TYPE_ENIS	0x81

struct vnitro_geneve_enis {
	struct geneve_opt hdr;
	u8 src_mac[ETH_ALEN];
	u8 dst_mac[ETH_ALEN];
} __packed;

static_assert(sizeof(struct vnitro_geneve_enis) % 4 == 0);

struct vnitro_tunnel {
	struct net_device __rcu *dev;	/* set under RTNL */
	u32 local;			/* this host's underlay address, host order; 0: none */
	atomic64_t tx_packets, tx_dropped, rx_packets, rx_dropped;
};

static struct vnitro_tunnel vnitro_tunnel;

/* services.deliver_tunneled: @skb for ENI @edev of another host, sent by the ENI of @src_mac. */
void vnitro_tunnel_deliver(struct vnitro_eni_dev *edev, const u8 *src_mac, struct sk_buff *skb)
{
	struct net_device *dev = rcu_dereference(vnitro_tunnel.dev);
	struct vnitro_geneve_enis opt = {
		.hdr = {
			.opt_class = htons(VNITRO_GENEVE_CLASS),
			.type = VNITRO_GENEVE_TYPE_ENIS,
			.length = (sizeof(opt) - sizeof(opt.hdr)) / 4,
		},
	};
	struct ip_tunnel_info *info;
	struct metadata_dst *md;

	if (!dev)
		goto drop;
	md = metadata_dst_alloc(sizeof(opt), METADATA_IP_TUNNEL, GFP_ATOMIC);
	if (!md)
		goto drop;
	ether_addr_copy(opt.src_mac, src_mac);
	ether_addr_copy(opt.dst_mac, edev->port.mac);
	info = &md->u.tun_info;
	info->mode = IP_TUNNEL_INFO_TX;
	info->key.u.ipv4.dst = htonl(edev->port.remote_host);
	info->key.u.ipv4.src = htonl(READ_ONCE(vnitro_tunnel.local));	/* 0: the route's */
	info->key.tun_id = cpu_to_be64(edev->port.vni);
	info->key.tun_flags = TUNNEL_KEY;
	info->key.ttl = 64;
	ip_tunnel_info_opts_set(info, &opt, sizeof(opt), TUNNEL_GENEVE_OPT);
	/* Nothing of the sender's namespace travels: marks, conntrack, its route. */
	skb_scrub_packet(skb, true);
	skb_dst_set(skb, &md->dst);
	skb->dev = dev;
	skb_reset_mac_header(skb);
	atomic64_inc(&vnitro_tunnel.tx_packets);
	dev_queue_xmit(skb);
	return;
drop:
	atomic64_inc(&vnitro_tunnel.tx_dropped);
	kfree_skb(skb);
}

/* Finds vnitro's option among the frame's, or NULL. */
static const struct vnitro_geneve_enis *vnitro_tunnel_option(const struct ip_tunnel_info *info)
{
	const u8 *opts = ip_tunnel_info_opts((struct ip_tunnel_info *)info);
	unsigned int off = 0;

	while (off + sizeof(struct geneve_opt) <= info->options_len) {
		const struct geneve_opt *o = (const struct geneve_opt *)(opts + off);
		unsigned int len = sizeof(*o) + o->length * 4;

		if (off + len > info->options_len)
			break;
		if (o->opt_class == htons(VNITRO_GENEVE_CLASS) && o->type == VNITRO_GENEVE_TYPE_ENIS &&
		    len == sizeof(struct vnitro_geneve_enis))
			return (const struct vnitro_geneve_enis *)o;
		off += len;
	}
	return NULL;
}

/* What another host sent to one of ours: handed to the fabric, never to the stack. */
static rx_handler_result_t vnitro_tunnel_rx(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	const struct ip_tunnel_info *info = skb_tunnel_info(skb);
	const struct vnitro_geneve_enis *opt;
	struct vcore_tunnel_meta m = {};
	unsigned int len;

	if (!info || ip_tunnel_info_af(info) != AF_INET ||
	    !(info->key.tun_flags & TUNNEL_GENEVE_OPT) || !(opt = vnitro_tunnel_option(info)))
		goto drop;
	m.host = ntohl(info->key.u.ipv4.src);
	m.vni = be64_to_cpu(info->key.tun_id) & VCORE_VNI_MAX;
	ether_addr_copy(m.src_mac, opt->src_mac);
	ether_addr_copy(m.dst_mac, opt->dst_mac);
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		goto out;
	/* Back to the Ethernet header eth_type_trans pulled, as the fabric reads frames. */
	skb_push_rcsum(skb, skb->data - skb_mac_header(skb));
	len = vnitro_netdev_parse_len(skb);
	if (!pskb_may_pull(skb, len))
		goto drop;
	/* The tunnel's metadata stays here (__dev_forward_skb scrubs the rest). */
	skb_dst_drop(skb);
	switch (vcore_fabric_xmit_tunneled(vnitro.fabric, &m, skb->data, skb_headlen(skb), skb)) {
	case VCORE_XMIT_DELIVERED:
		break;
	case VCORE_XMIT_EFA:
		if (!vnitro_engine_rx(skb)) {
			atomic64_inc(&vnitro_tunnel.rx_dropped);
			goto out;
		}
		break;
	default:
		goto drop;
	}
	atomic64_inc(&vnitro_tunnel.rx_packets);
	goto out;
drop:
	atomic64_inc(&vnitro_tunnel.rx_dropped);
	kfree_skb(skb);
out:
	*pskb = NULL;
	return RX_HANDLER_CONSUMED;
}

/* Whether @dev is a Geneve device in external mode (its own fill_info says). RTNL held. */
static bool vnitro_geneve_external(struct net_device *dev)
{
	struct nlattr *attrs[IFLA_GENEVE_MAX + 1];
	struct sk_buff *skb;
	bool ext = false;

	if (!netif_is_geneve(dev) || !dev->rtnl_link_ops->fill_info)
		return false;
	skb = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return false;
	if (!dev->rtnl_link_ops->fill_info(skb, dev) &&
	    !nla_parse_deprecated(attrs, IFLA_GENEVE_MAX, (struct nlattr *)skb->data, skb->len,
				  NULL, NULL))
		ext = !!attrs[IFLA_GENEVE_COLLECT_METADATA];
	kfree_skb(skb);
	return ext;
}

/* Lets go of the device in use, if any. RTNL held. */
static void vnitro_tunnel_release(void)
{
	struct net_device *dev = rtnl_dereference(vnitro_tunnel.dev);

	if (!dev)
		return;
	netdev_rx_handler_unregister(dev);	/* waits out the handler's readers */
	RCU_INIT_POINTER(vnitro_tunnel.dev, NULL);
	synchronize_net();			/* and the senders' */
	dev_put(dev);
}

static int vnitro_tunnel_set(struct net *net, const char *name, struct vcore_err *err)
{
	struct net_device *dev = NULL;
	int ret;

	ASSERT_RTNL();
	if (name[0]) {
		dev = __dev_get_by_name(net, name);
		if (!dev) {
			err->code = -ENODEV;
			snprintf(err->msg, sizeof(err->msg), "no device \"%s\" on this host", name);
			return err->code;
		}
		if (dev == rtnl_dereference(vnitro_tunnel.dev))
			return 0;
		if (!vnitro_geneve_external(dev)) {
			err->code = -EINVAL;
			snprintf(err->msg, sizeof(err->msg),
				 "\"%s\" is no Geneve device in external mode: create one with \"ip link add %s type geneve external\"",
				 name, name);
			return err->code;
		}
	}
	vnitro_tunnel_release();
	if (!dev)
		return 0;
	ret = netdev_rx_handler_register(dev, vnitro_tunnel_rx, NULL);
	if (ret) {
		err->code = ret;
		snprintf(err->msg, sizeof(err->msg),
			 "\"%s\" already has a receive handler (a bridge, a bond, Open vSwitch): the tunnel needs a Geneve device of its own",
			 name);
		return ret;
	}
	dev_hold(dev);
	rcu_assign_pointer(vnitro_tunnel.dev, dev);
	return 0;
}

u32 vnitro_tunnel_local(void)
{
	return READ_ONCE(vnitro_tunnel.local);
}

static int vnitro_put_tunnel(struct sk_buff *msg, const void *obj)
{
	const struct net_device *dev = obj;
	u32 local = READ_ONCE(vnitro_tunnel.local);

	if (nla_put_string(msg, VNITRO_A_TUNNEL_DEV, dev ? dev->name : "") ||
	    (local && nla_put_be32(msg, VNITRO_A_TUNNEL_LOCAL, htonl(local))) ||
	    nla_put_u64_64bit(msg, VNITRO_A_TUNNEL_TX_PACKETS,
			      atomic64_read(&vnitro_tunnel.tx_packets), VNITRO_A_UNSPEC) ||
	    nla_put_u64_64bit(msg, VNITRO_A_TUNNEL_TX_DROPPED,
			      atomic64_read(&vnitro_tunnel.tx_dropped), VNITRO_A_UNSPEC) ||
	    nla_put_u64_64bit(msg, VNITRO_A_TUNNEL_RX_PACKETS,
			      atomic64_read(&vnitro_tunnel.rx_packets), VNITRO_A_UNSPEC) ||
	    nla_put_u64_64bit(msg, VNITRO_A_TUNNEL_RX_DROPPED,
			      atomic64_read(&vnitro_tunnel.rx_dropped), VNITRO_A_UNSPEC))
		return -EMSGSIZE;
	return 0;
}

/*
 * This host's own address: refused while an instance of another host has it
 * (that instance would be this host's). ctl_lock held: INSTANCE_ADD checks it so.
 */
static int vnitro_tunnel_check_local(u32 local, struct vcore_err *err)
{
	struct vcore_instance_info inst;
	u32 i;

	lockdep_assert_held(&vnitro.ctl_lock);
	for (i = 0; local && !vcore_ctl_instance_at(vnitro.ctl, i, &inst); i++) {
		if (inst.host == local) {
			err->code = -EEXIST;
			snprintf(err->msg, sizeof(err->msg),
				 "instance \"%s\" runs on host %pI4h: that cannot be this host's address",
				 inst.name, &local);
			return err->code;
		}
	}
	return 0;
}

/*
 * TUNNEL_SET (TUNNEL_DEV, TUNNEL_LOCAL) and TUNNEL_GET: the reply names the device, the
 * address and the counters. All or nothing: the address is checked before the device
 * changes. ctl_lock before RTNL, as everywhere.
 */
int vnitro_cmd_tunnel(struct sk_buff *skb, struct genl_info *info)
{
	bool set = info->genlhdr->cmd == VNITRO_CMD_TUNNEL_SET;
	struct nlattr *local = info->attrs[VNITRO_A_TUNNEL_LOCAL];
	struct vcore_err err = {};
	int ret = 0;

	if (set && !vnitro_genl_require(info, VNITRO_A_TUNNEL_DEV))
		return -EINVAL;
	mutex_lock(&vnitro.ctl_lock);
	rtnl_lock();
	if (set && local)
		ret = vnitro_tunnel_check_local(ntohl(nla_get_be32(local)), &err);
	if (set && !ret)
		ret = vnitro_tunnel_set(genl_info_net(info),
					vnitro_genl_str(info, VNITRO_A_TUNNEL_DEV), &err);
	if (set && !ret && local)
		WRITE_ONCE(vnitro_tunnel.local, ntohl(nla_get_be32(local)));
	if (ret)
		ret = vnitro_genl_fail(skb, info, &err);
	else
		ret = vnitro_genl_reply(info, VNITRO_CMD_TUNNEL_GET, vnitro_put_tunnel,
					rtnl_dereference(vnitro_tunnel.dev));
	rtnl_unlock();
	mutex_unlock(&vnitro.ctl_lock);
	return ret;
}

/* The Geneve device goes away (ip link del, its namespace deleted): let go of it. */
static int vnitro_tunnel_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (event == NETDEV_UNREGISTER && dev == rtnl_dereference(vnitro_tunnel.dev))
		vnitro_tunnel_release();
	return NOTIFY_DONE;
}

static struct notifier_block vnitro_tunnel_notifier = {
	.notifier_call = vnitro_tunnel_event,
};

/* An ENI of another host: a fabric port whose frames go through the tunnel. */
int vnitro_tunnel_plug(struct vnitro_eni_dev *edev, struct vcore_err *err)
{
	struct vcore_port_desc desc = edev->port;
	int ret;

	edev->sink.kind = VNITRO_SINK_TUNNEL;
	desc.cookie = &edev->sink;
	edev->remote_port = vcore_fabric_port_add(vnitro.fabric, &desc, &ret);
	if (!edev->remote_port) {
		err->code = ret;
		snprintf(err->msg, sizeof(err->msg),
			 "the fabric refused the port of another host's network interface %s (errno %d)",
			 edev->eni_id, -ret);
		return ret;
	}
	return 0;
}

void vnitro_tunnel_unplug(struct vnitro_eni_dev *edev)
{
	vcore_fabric_port_del(vnitro.fabric, edev->remote_port);	/* waits for senders */
	edev->remote_port = NULL;
}

int vnitro_tunnel_update(struct vnitro_eni_dev *edev, const struct vcore_port_desc *port)
{
	struct vcore_port_desc desc = *port;

	desc.cookie = &edev->sink;
	return vcore_fabric_port_update(vnitro.fabric, edev->remote_port, &desc);
}

int vnitro_tunnel_init(void)
{
	return register_netdevice_notifier(&vnitro_tunnel_notifier);
}

void vnitro_tunnel_exit(void)
{
	rtnl_lock();
	vnitro_tunnel_release();
	rtnl_unlock();
	unregister_netdevice_notifier(&vnitro_tunnel_notifier);
}
