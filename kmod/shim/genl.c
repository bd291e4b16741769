// SPDX-License-Identifier: GPL-2.0
/*
 * genl.c - the "vnitro" generic netlink family: strict policies, one handler
 * per command translating attributes to core calls, extack on every refusal.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include <linux/vnitro.h>

#include "vnitro.h"

static const struct nla_policy vnitro_policy[VNITRO_A_MAX + 1] = {
	[VNITRO_A_INSTANCE_NAME] = { .type = NLA_NUL_STRING, .len = VNITRO_NAME_LEN - 1 },
	[VNITRO_A_NETNS_FD] = { .type = NLA_U32 },
	[VNITRO_A_VPC_ID] = { .type = NLA_NUL_STRING, .len = VNITRO_ID_LEN - 1 },
	[VNITRO_A_SUBNET_ID] = { .type = NLA_NUL_STRING, .len = VNITRO_ID_LEN - 1 },
	[VNITRO_A_ENI_ID] = { .type = NLA_NUL_STRING, .len = VNITRO_ID_LEN - 1 },
	[VNITRO_A_MAC] = NLA_POLICY_EXACT_LEN(ETH_ALEN),
	[VNITRO_A_PRIVATE_IP] = { .type = NLA_BE32 },
	[VNITRO_A_DEVICE_INDEX] = { .type = NLA_U32 },
	[VNITRO_A_ENI_TYPE] = NLA_POLICY_MAX(NLA_U8, VNITRO_ENI_TYPE_EFA),
	/* Attributes that only replies carry. */
	[VNITRO_A_IFNAME] = { .type = NLA_REJECT },
	[VNITRO_A_IFINDEX] = { .type = NLA_REJECT },
	[VNITRO_A_SOURCE_DEST_CHECK] = { .type = NLA_REJECT },
	[VNITRO_A_CIDR_ADDR] = { .type = NLA_REJECT },
	[VNITRO_A_CIDR_PREFIXLEN] = { .type = NLA_REJECT },
	[VNITRO_A_AZ] = { .type = NLA_REJECT },
	[VNITRO_A_PCI_SLOT] = { .type = NLA_REJECT },
	[VNITRO_A_PRIMARY_ENI_ID] = { .type = NLA_REJECT },
	[VNITRO_A_ENI_COUNT] = { .type = NLA_REJECT },
	[VNITRO_A_STATUS] = { .type = NLA_REJECT },
};

/* Messages for missing attributes; extack keeps the pointer, so literals. */
static const char *const vnitro_missing_msg[VNITRO_A_MAX + 1] = {
	[VNITRO_A_INSTANCE_NAME] = "missing instance name (VNITRO_A_INSTANCE_NAME)",
	[VNITRO_A_SUBNET_ID] = "missing subnet id (VNITRO_A_SUBNET_ID)",
	[VNITRO_A_ENI_ID] = "missing network interface id (VNITRO_A_ENI_ID)",
	[VNITRO_A_DEVICE_INDEX] = "missing device index (VNITRO_A_DEVICE_INDEX)",
	[VNITRO_A_VPC_ID] = "missing VPC id (VNITRO_A_VPC_ID)",
};

/*
 * The core formats its sentences at run time; extack keeps only a pointer.
 * The family is not parallel_ops, so genl_mutex serialises every request up
 * to and including its ack: one buffer is enough.
 */
static char vnitro_genl_msg[VNITRO_MSG_MAX];

static int vnitro_genl_fail(struct genl_info *info, const struct vnitro_err *err)
{
	strscpy(vnitro_genl_msg, err->msg, sizeof(vnitro_genl_msg));
	if (info->extack)
		info->extack->_msg = vnitro_genl_msg;
	return err->code;
}

static bool vnitro_genl_require(struct genl_info *info, int attr)
{
	if (info->attrs[attr])
		return true;
	NL_SET_ERR_ATTR_MISS(info->extack, NULL, attr);
	if (info->extack)
		info->extack->_msg = vnitro_missing_msg[attr];
	return false;
}

static const char *vnitro_genl_str(struct genl_info *info, int attr)
{
	return info->attrs[attr] ? nla_data(info->attrs[attr]) : "";
}

/* ---- replies ---- */

static int vnitro_put_eni(struct sk_buff *msg, const void *obj)
{
	const struct vnitro_eni_info *eni = obj;
	const struct vnitro_eni_dev *edev = eni->plug_cookie;

	if (nla_put_string(msg, VNITRO_A_ENI_ID, eni->id) ||
	    nla_put_string(msg, VNITRO_A_SUBNET_ID, eni->subnet_id) ||
	    nla_put_string(msg, VNITRO_A_VPC_ID, eni->vpc_id) ||
	    nla_put(msg, VNITRO_A_MAC, ETH_ALEN, eni->mac) ||
	    nla_put_be32(msg, VNITRO_A_PRIVATE_IP, htonl(eni->private_ip)) ||
	    nla_put_u8(msg, VNITRO_A_ENI_TYPE, eni->type) ||
	    nla_put_u8(msg, VNITRO_A_SOURCE_DEST_CHECK, eni->source_dest_check) ||
	    nla_put_string(msg, VNITRO_A_STATUS, eni->attached ? "in-use" : "available"))
		return -EMSGSIZE;
	if (!eni->attached)
		return 0;
	if (nla_put_string(msg, VNITRO_A_INSTANCE_NAME, eni->instance) ||
	    nla_put_u32(msg, VNITRO_A_DEVICE_INDEX, eni->device_index))
		return -EMSGSIZE;
	if (edev) {
		char slot[32];
		int ret = 0;

		vnitro_pci_slot_name(edev, slot, sizeof(slot));
		if (nla_put_string(msg, VNITRO_A_PCI_SLOT, slot))
			return -EMSGSIZE;
		/* The netdev exists while the driver is bound (probe/remove under RTNL). */
		rtnl_lock();
		if (edev->netdev &&
		    (nla_put_string(msg, VNITRO_A_IFNAME, edev->netdev->name) ||
		     nla_put_u32(msg, VNITRO_A_IFINDEX, edev->netdev->ifindex)))
			ret = -EMSGSIZE;
		rtnl_unlock();
		return ret;
	}
	return 0;
}

static int vnitro_put_instance(struct sk_buff *msg, const void *obj)
{
	const struct vnitro_instance_info *inst = obj;
	if (nla_put_string(msg, VNITRO_A_INSTANCE_NAME, inst->name) ||
	    nla_put_string(msg, VNITRO_A_SUBNET_ID, inst->subnet_id) ||
	    nla_put_string(msg, VNITRO_A_AZ, inst->az) ||
	    nla_put_u32(msg, VNITRO_A_ENI_COUNT, inst->eni_count) ||
	    (inst->primary_eni_id[0] &&
	     nla_put_string(msg, VNITRO_A_PRIMARY_ENI_ID, inst->primary_eni_id)))
		return -EMSGSIZE;
	return 0;
}

static int vnitro_put_vpc(struct sk_buff *msg, const void *obj)
{
	const struct vnitro_vpc_info *vpc = obj;
	if (nla_put_string(msg, VNITRO_A_VPC_ID, vpc->id) ||
	    nla_put_be32(msg, VNITRO_A_CIDR_ADDR, htonl(vpc->cidr_addr)) ||
	    nla_put_u8(msg, VNITRO_A_CIDR_PREFIXLEN, vpc->cidr_prefixlen))
		return -EMSGSIZE;
	return 0;
}

static int vnitro_put_subnet(struct sk_buff *msg, const void *obj)
{
	const struct vnitro_subnet_info *subnet = obj;
	if (nla_put_string(msg, VNITRO_A_SUBNET_ID, subnet->id) ||
	    nla_put_string(msg, VNITRO_A_VPC_ID, subnet->vpc_id) ||
	    nla_put_string(msg, VNITRO_A_AZ, subnet->az) ||
	    nla_put_be32(msg, VNITRO_A_CIDR_ADDR, htonl(subnet->cidr_addr)) ||
	    nla_put_u8(msg, VNITRO_A_CIDR_PREFIXLEN, subnet->cidr_prefixlen))
		return -EMSGSIZE;
	return 0;
}

typedef int (*vnitro_put_fn)(struct sk_buff *msg, const void *obj);

static struct genl_family vnitro_genl_family;

/* Replies to a doit with one object. */
static int vnitro_genl_reply(struct genl_info *info, u8 cmd, vnitro_put_fn put, const void *obj)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	void *hdr;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vnitro_genl_family, 0, cmd);
	if (!hdr || put(msg, obj)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* One entry of a dump; returns -EMSGSIZE when the skb is full. */
static int vnitro_genl_dump_one(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
				vnitro_put_fn put, const void *obj)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				&vnitro_genl_family, NLM_F_MULTI, cmd);

	if (!hdr)
		return -EMSGSIZE;
	if (put(skb, obj)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* ---- instances ---- */

static int vnitro_cmd_instance_add(struct sk_buff *skb, struct genl_info *info)
{
	struct vnitro_instance_info inst;
	struct vnitro_err err = {};
	struct net *net;
	u32 ip = 0;
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_INSTANCE_NAME) ||
	    !vnitro_genl_require(info, VNITRO_A_SUBNET_ID))
		return -EINVAL;
	if (info->attrs[VNITRO_A_PRIVATE_IP])
		ip = ntohl(nla_get_be32(info->attrs[VNITRO_A_PRIVATE_IP]));
	if (info->attrs[VNITRO_A_NETNS_FD]) {
		net = get_net_ns_by_fd(nla_get_u32(info->attrs[VNITRO_A_NETNS_FD]));
		if (IS_ERR(net)) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VNITRO_A_NETNS_FD],
					    "not a network namespace file descriptor");
			return PTR_ERR(net);
		}
	} else {
		net = get_net(&init_net);
	}

	mutex_lock(&vnitro.ctl_lock);
	ret = vnitro_ctl_instance_add(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_INSTANCE_NAME),
				      net, vnitro_genl_str(info, VNITRO_A_SUBNET_ID), ip, NULL,
				      &inst, &err);
	mutex_unlock(&vnitro.ctl_lock);
	if (ret) {
		put_net(net);
		return vnitro_genl_fail(info, &err);
	}
	return vnitro_genl_reply(info, VNITRO_CMD_INSTANCE_GET, vnitro_put_instance, &inst);
}

static int vnitro_cmd_instance_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vnitro_err err = {};
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_INSTANCE_NAME))
		return -EINVAL;
	mutex_lock(&vnitro.ctl_lock);
	ret = vnitro_ctl_instance_del(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_INSTANCE_NAME), &err);
	mutex_unlock(&vnitro.ctl_lock);
	return ret ? vnitro_genl_fail(info, &err) : 0;
}

static int vnitro_cmd_instance_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vnitro_instance_info inst;
	struct vnitro_err err = {};
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_INSTANCE_NAME))
		return -EINVAL;
	mutex_lock(&vnitro.ctl_lock);
	ret = vnitro_ctl_instance_get(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_INSTANCE_NAME),
				      &inst, &err);
	mutex_unlock(&vnitro.ctl_lock);
	if (ret)
		return vnitro_genl_fail(info, &err);
	return vnitro_genl_reply(info, VNITRO_CMD_INSTANCE_GET, vnitro_put_instance, &inst);
}

/* ---- ENIs ---- */

/* Replies read the attachment's netdev: callers hold ctl_lock. */
static int vnitro_genl_eni_reply(struct genl_info *info, const struct vnitro_eni_info *eni)
{
	lockdep_assert_held(&vnitro.ctl_lock);
	return vnitro_genl_reply(info, VNITRO_CMD_ENI_GET, vnitro_put_eni, eni);
}

static int vnitro_cmd_eni_add(struct sk_buff *skb, struct genl_info *info)
{
	struct vnitro_eni_spec spec = {};
	struct vnitro_eni_info eni;
	struct vnitro_err err = {};
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_SUBNET_ID))
		return -EINVAL;
	strscpy(spec.subnet_id, vnitro_genl_str(info, VNITRO_A_SUBNET_ID), sizeof(spec.subnet_id));
	strscpy(spec.id, vnitro_genl_str(info, VNITRO_A_ENI_ID), sizeof(spec.id));
	if (info->attrs[VNITRO_A_PRIVATE_IP])
		spec.private_ip = ntohl(nla_get_be32(info->attrs[VNITRO_A_PRIVATE_IP]));
	if (info->attrs[VNITRO_A_MAC]) {
		nla_memcpy(spec.mac, info->attrs[VNITRO_A_MAC], ETH_ALEN);
		if (is_zero_ether_addr(spec.mac)) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VNITRO_A_MAC],
					    "MAC address 00:00:00:00:00:00 is not valid");
			return -EINVAL;
		}
	}
	if (info->attrs[VNITRO_A_ENI_TYPE]) {
		spec.type = nla_get_u8(info->attrs[VNITRO_A_ENI_TYPE]);
		if (spec.type == VNITRO_ENI_TYPE_EFA) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VNITRO_A_ENI_TYPE],
					    "ENIs of type efa are not supported by this vnitro yet");
			return -EOPNOTSUPP;
		}
	}
	mutex_lock(&vnitro.ctl_lock);
	ret = vnitro_ctl_eni_add(vnitro.ctl, &spec, &eni, &err);
	ret = ret ? vnitro_genl_fail(info, &err) : vnitro_genl_eni_reply(info, &eni);
	mutex_unlock(&vnitro.ctl_lock);
	return ret;
}

static int vnitro_cmd_eni_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vnitro_err err = {};
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_ENI_ID))
		return -EINVAL;
	mutex_lock(&vnitro.ctl_lock);
	ret = vnitro_ctl_eni_del(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_ENI_ID), &err);
	mutex_unlock(&vnitro.ctl_lock);
	return ret ? vnitro_genl_fail(info, &err) : 0;
}

static int vnitro_cmd_eni_attach(struct sk_buff *skb, struct genl_info *info)
{
	struct vnitro_eni_info eni;
	struct vnitro_err err = {};
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_ENI_ID) ||
	    !vnitro_genl_require(info, VNITRO_A_INSTANCE_NAME) ||
	    !vnitro_genl_require(info, VNITRO_A_DEVICE_INDEX))
		return -EINVAL;
	mutex_lock(&vnitro.ctl_lock);
	ret = vnitro_ctl_eni_attach(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_ENI_ID),
				    vnitro_genl_str(info, VNITRO_A_INSTANCE_NAME),
				    nla_get_u32(info->attrs[VNITRO_A_DEVICE_INDEX]), &eni, &err);
	ret = ret ? vnitro_genl_fail(info, &err) : vnitro_genl_eni_reply(info, &eni);
	mutex_unlock(&vnitro.ctl_lock);
	return ret;
}

static int vnitro_cmd_eni_detach(struct sk_buff *skb, struct genl_info *info)
{
	struct vnitro_err err = {};
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_ENI_ID))
		return -EINVAL;
	mutex_lock(&vnitro.ctl_lock);
	ret = vnitro_ctl_eni_detach(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_ENI_ID), &err);
	mutex_unlock(&vnitro.ctl_lock);
	return ret ? vnitro_genl_fail(info, &err) : 0;
}

static int vnitro_cmd_eni_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vnitro_eni_info eni;
	struct vnitro_err err = {};
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_ENI_ID))
		return -EINVAL;
	mutex_lock(&vnitro.ctl_lock);
	ret = vnitro_ctl_eni_get(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_ENI_ID), &eni, &err);
	ret = ret ? vnitro_genl_fail(info, &err) : vnitro_genl_eni_reply(info, &eni);
	mutex_unlock(&vnitro.ctl_lock);
	return ret;
}

/* ---- VPCs and subnets (read-only until the VPC issue) ---- */

static int vnitro_cmd_vpc_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vnitro_vpc_info vpc;
	struct vnitro_err err = {};
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_VPC_ID))
		return -EINVAL;
	mutex_lock(&vnitro.ctl_lock);
	ret = vnitro_ctl_vpc_get(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_VPC_ID), &vpc, &err);
	mutex_unlock(&vnitro.ctl_lock);
	if (ret)
		return vnitro_genl_fail(info, &err);
	return vnitro_genl_reply(info, VNITRO_CMD_VPC_GET, vnitro_put_vpc, &vpc);
}

static int vnitro_cmd_subnet_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vnitro_subnet_info subnet;
	struct vnitro_err err = {};
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_SUBNET_ID))
		return -EINVAL;
	mutex_lock(&vnitro.ctl_lock);
	ret = vnitro_ctl_subnet_get(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_SUBNET_ID),
				    &subnet, &err);
	mutex_unlock(&vnitro.ctl_lock);
	if (ret)
		return vnitro_genl_fail(info, &err);
	return vnitro_genl_reply(info, VNITRO_CMD_SUBNET_GET, vnitro_put_subnet, &subnet);
}

/* ---- dumps: cb->args[0] is the position of the next object ---- */

union vnitro_any_info {
	struct vnitro_vpc_info vpc;
	struct vnitro_subnet_info subnet;
	struct vnitro_instance_info instance;
	struct vnitro_eni_info eni;
};

typedef int (*vnitro_at_fn)(u32 pos, void *out);

static int vnitro_genl_dump(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
			    vnitro_at_fn at, vnitro_put_fn put)
{
	union vnitro_any_info *obj;
	u32 pos = cb->args[0];

	obj = kmalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return -ENOMEM;
	mutex_lock(&vnitro.ctl_lock);
	for (; at(pos, obj) == 0; pos++)
		if (vnitro_genl_dump_one(skb, cb, cmd, put, obj))
			break;
	mutex_unlock(&vnitro.ctl_lock);
	kfree(obj);
	cb->args[0] = pos;
	return skb->len;
}

static int vnitro_instance_at(u32 pos, void *out)
{
	return vnitro_ctl_instance_at(vnitro.ctl, pos, out);
}

static int vnitro_eni_at(u32 pos, void *out)
{
	return vnitro_ctl_eni_at(vnitro.ctl, pos, out);
}

static int vnitro_vpc_at(u32 pos, void *out)
{
	return vnitro_ctl_vpc_at(vnitro.ctl, pos, out);
}

static int vnitro_subnet_at(u32 pos, void *out)
{
	return vnitro_ctl_subnet_at(vnitro.ctl, pos, out);
}

static int vnitro_dump_instances(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vnitro_genl_dump(skb, cb, VNITRO_CMD_INSTANCE_GET, vnitro_instance_at,
				vnitro_put_instance);
}

static int vnitro_dump_enis(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vnitro_genl_dump(skb, cb, VNITRO_CMD_ENI_GET, vnitro_eni_at,
				vnitro_put_eni);
}

static int vnitro_dump_vpcs(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vnitro_genl_dump(skb, cb, VNITRO_CMD_VPC_GET, vnitro_vpc_at,
				vnitro_put_vpc);
}

static int vnitro_dump_subnets(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vnitro_genl_dump(skb, cb, VNITRO_CMD_SUBNET_GET, vnitro_subnet_at,
				vnitro_put_subnet);
}

static const struct genl_ops vnitro_genl_ops[] = {
	{ .cmd = VNITRO_CMD_INSTANCE_ADD, .doit = vnitro_cmd_instance_add, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_INSTANCE_DEL, .doit = vnitro_cmd_instance_del, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_INSTANCE_GET, .doit = vnitro_cmd_instance_get,
	  .dumpit = vnitro_dump_instances },
	{ .cmd = VNITRO_CMD_ENI_ADD, .doit = vnitro_cmd_eni_add, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_ENI_DEL, .doit = vnitro_cmd_eni_del, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_ENI_GET, .doit = vnitro_cmd_eni_get, .dumpit = vnitro_dump_enis },
	{ .cmd = VNITRO_CMD_ENI_ATTACH, .doit = vnitro_cmd_eni_attach, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_ENI_DETACH, .doit = vnitro_cmd_eni_detach, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_VPC_GET, .doit = vnitro_cmd_vpc_get, .dumpit = vnitro_dump_vpcs },
	{ .cmd = VNITRO_CMD_SUBNET_GET, .doit = vnitro_cmd_subnet_get,
	  .dumpit = vnitro_dump_subnets },
};

static struct genl_family vnitro_genl_family __ro_after_init = {
	.name = VNITRO_GENL_NAME,
	.version = VNITRO_GENL_VERSION,
	.maxattr = VNITRO_A_MAX,
	.policy = vnitro_policy,
	.module = THIS_MODULE,
	.ops = vnitro_genl_ops,
	.n_ops = ARRAY_SIZE(vnitro_genl_ops),
	/* resv_start_op = 0: strict validation of every command and attribute. */
};

int vnitro_genl_init(void)
{
	return genl_register_family(&vnitro_genl_family);
}

void vnitro_genl_exit(void)
{
	genl_unregister_family(&vnitro_genl_family);
}
