// SPDX-License-Identifier: GPL-2.0
/*
 * genl_eip.c - the "vnitro" family's Elastic IP commands (EIP_*): allocate,
 * release, associate, disassociate, show, and the public pool they come from.
 */
#include <linux/vnitro.h>

#include "vnitro.h"
#include "genl.h"

static int vnitro_put_eip(struct sk_buff *msg, const void *obj)
{
	const struct vcore_eip_info *a = obj;

	if (nla_put_string(msg, VNITRO_A_EIP_ALLOCATION_ID, a->id) ||
	    nla_put_be32(msg, VNITRO_A_PUBLIC_IP, htonl(a->public_ip)))
		return -EMSGSIZE;
	if (!a->associated)
		return 0;
	if (nla_put_string(msg, VNITRO_A_EIP_ASSOCIATION_ID, a->association_id) ||
	    nla_put_string(msg, VNITRO_A_ENI_ID, a->eni_id) ||
	    nla_put_string(msg, VNITRO_A_VPC_ID, a->vpc_id) ||
	    nla_put_be32(msg, VNITRO_A_PRIVATE_IP, htonl(a->private_ip)) ||
	    (a->instance[0] && nla_put_string(msg, VNITRO_A_INSTANCE_NAME, a->instance)))
		return -EMSGSIZE;
	return 0;
}

static u32 vnitro_genl_ip(struct genl_info *info, int attr)
{
	return info->attrs[attr] ? ntohl(nla_get_be32(info->attrs[attr])) : 0;
}

/* EIP_ADD, EIP_GET (one address) and EIP_ASSOCIATE: each replies with the address. */
static int vnitro_cmd_eip(struct sk_buff *skb, struct genl_info *info)
{
	u8 cmd = info->genlhdr->cmd;
	struct vcore_eip_info a;
	struct vcore_err err = {};
	const char *id;
	int ret;

	if (cmd != VNITRO_CMD_EIP_ADD && !vnitro_genl_require(info, VNITRO_A_EIP_ALLOCATION_ID))
		return -EINVAL;
	if (cmd == VNITRO_CMD_EIP_ASSOCIATE && !vnitro_genl_require(info, VNITRO_A_ENI_ID))
		return -EINVAL;
	id = vnitro_genl_str(info, VNITRO_A_EIP_ALLOCATION_ID);
	mutex_lock(&vnitro.ctl_lock);
	switch (cmd) {
	case VNITRO_CMD_EIP_ADD:
		ret = vcore_ctl_eip_add(vnitro.ctl, id, vnitro_genl_ip(info, VNITRO_A_PUBLIC_IP),
					&a, &err);
		break;
	case VNITRO_CMD_EIP_ASSOCIATE:
		ret = vcore_ctl_eip_associate(vnitro.ctl, id, vnitro_genl_str(info, VNITRO_A_ENI_ID),
					      vnitro_genl_ip(info, VNITRO_A_PRIVATE_IP),
					      nla_get_flag(info->attrs[VNITRO_A_EIP_ALLOW_REASSOCIATION]),
					      &a, &err);
		break;
	default:
		ret = vcore_ctl_eip_get(vnitro.ctl, id, &a, &err);
		break;
	}
	mutex_unlock(&vnitro.ctl_lock);
	if (ret)
		return vnitro_genl_fail(skb, info, &err);
	return vnitro_genl_reply(info, VNITRO_CMD_EIP_GET, vnitro_put_eip, &a);
}

/* EIP_DEL (by allocation) and EIP_DISASSOCIATE (by allocation or association): acks only. */
static int vnitro_cmd_eip_release(struct sk_buff *skb, struct genl_info *info)
{
	struct vcore_err err = {};
	int attr = VNITRO_A_EIP_ALLOCATION_ID;
	int ret;

	if (info->genlhdr->cmd == VNITRO_CMD_EIP_DISASSOCIATE &&
	    info->attrs[VNITRO_A_EIP_ASSOCIATION_ID])
		attr = VNITRO_A_EIP_ASSOCIATION_ID;
	if (!vnitro_genl_require(info, attr))
		return -EINVAL;
	mutex_lock(&vnitro.ctl_lock);
	if (info->genlhdr->cmd == VNITRO_CMD_EIP_DEL)
		ret = vcore_ctl_eip_del(vnitro.ctl, vnitro_genl_str(info, attr), &err);
	else
		ret = vcore_ctl_eip_disassociate(vnitro.ctl, vnitro_genl_str(info, attr), &err);
	mutex_unlock(&vnitro.ctl_lock);
	return ret ? vnitro_genl_fail(skb, info, &err) : 0;
}

struct vnitro_eip_pool {
	u32 addr;
	u8 prefixlen;
};

static int vnitro_put_pool(struct sk_buff *msg, const void *obj)
{
	const struct vnitro_eip_pool *p = obj;

	if (nla_put_be32(msg, VNITRO_A_CIDR_ADDR, htonl(p->addr)) ||
	    nla_put_u8(msg, VNITRO_A_CIDR_PREFIXLEN, p->prefixlen))
		return -EMSGSIZE;
	return 0;
}

/* EIP_POOL_GET, and EIP_POOL_SET: both reply with the pool. */
static int vnitro_cmd_eip_pool(struct sk_buff *skb, struct genl_info *info)
{
	struct vnitro_eip_pool pool;
	struct vcore_err err = {};
	int ret = 0;

	if (info->genlhdr->cmd == VNITRO_CMD_EIP_POOL_SET &&
	    vnitro_genl_cidr(info, &pool.addr, &pool.prefixlen))
		return -EINVAL;
	mutex_lock(&vnitro.ctl_lock);
	if (info->genlhdr->cmd == VNITRO_CMD_EIP_POOL_SET)
		ret = vcore_ctl_eip_pool_set(vnitro.ctl, pool.addr, pool.prefixlen, &err);
	if (!ret)
		vcore_ctl_eip_pool_get(vnitro.ctl, &pool.addr, &pool.prefixlen);
	mutex_unlock(&vnitro.ctl_lock);
	if (ret)
		return vnitro_genl_fail(skb, info, &err);
	return vnitro_genl_reply(info, VNITRO_CMD_EIP_POOL_GET, vnitro_put_pool, &pool);
}

static int vnitro_eip_at(u32 pos, void *out)
{
	return vcore_ctl_eip_at(vnitro.ctl, pos, out);
}

static int vnitro_dump_eips(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vnitro_genl_dump(skb, cb, VNITRO_CMD_EIP_GET, vnitro_eip_at, vnitro_put_eip);
}

/* Reads too need CAP_NET_ADMIN, as for every other object. */
const struct genl_small_ops vnitro_genl_eip_ops[VNITRO_GENL_EIP_OPS] = {
	{ .cmd = VNITRO_CMD_EIP_ADD, .doit = vnitro_cmd_eip, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_EIP_DEL, .doit = vnitro_cmd_eip_release, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_EIP_GET, .doit = vnitro_cmd_eip, .dumpit = vnitro_dump_eips,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_EIP_ASSOCIATE, .doit = vnitro_cmd_eip, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_EIP_DISASSOCIATE, .doit = vnitro_cmd_eip_release,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_EIP_POOL_GET, .doit = vnitro_cmd_eip_pool, .flags = GENL_ADMIN_PERM },
	{ .cmd = VNITRO_CMD_EIP_POOL_SET, .doit = vnitro_cmd_eip_pool, .flags = GENL_ADMIN_PERM },
};
