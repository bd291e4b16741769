// SPDX-License-Identifier: GPL-2.0
/*
 * genl_placement.c - the "vnitro" family's placement group commands (PG_*),
 * and the placement attributes of an instance's replies.
 */
#include "genl.h"
#include "vnitro.h"

static int vnitro_put_pg(struct sk_buff *msg, const void *obj)
{
	const struct vcore_pg_info *g = obj;

	if (nla_put_string(msg, VNITRO_A_PG_NAME, g->name) ||
	    nla_put_string(msg, VNITRO_A_PG_ID, g->id) ||
	    nla_put_u8(msg, VNITRO_A_PG_STRATEGY, g->strategy) ||
	    nla_put_u32(msg, VNITRO_A_PG_INSTANCE_COUNT, g->instance_count) ||
	    (g->partition_count &&
	     nla_put_u32(msg, VNITRO_A_PG_PARTITION_COUNT, g->partition_count)) ||
	    (g->spread_level && nla_put_u8(msg, VNITRO_A_PG_SPREAD_LEVEL, g->spread_level)) ||
	    (g->az[0] && nla_put_string(msg, VNITRO_A_AZ, g->az)))
		return -EMSGSIZE;
	return 0;
}

int vnitro_put_placement(struct sk_buff *msg, const struct vcore_instance_info *inst)
{
	char node[VNITRO_ID_LEN];
	struct nlattr *nodes;
	int l;

	if (inst->pg_name[0] &&
	    (nla_put_string(msg, VNITRO_A_PG_NAME, inst->pg_name) ||
	     nla_put_string(msg, VNITRO_A_PG_ID, inst->pg_id) ||
	     (inst->partition && nla_put_u32(msg, VNITRO_A_PG_PARTITION, inst->partition))))
		return -EMSGSIZE;
	nodes = nla_nest_start(msg, VNITRO_A_NETWORK_NODES);
	if (!nodes)
		return -EMSGSIZE;
	for (l = 0; l < VNITRO_TOPOLOGY_LAYERS; l++) {
		/* EC2's node ids: "nn-" and 17 hex digits. */
		snprintf(node, sizeof(node), "nn-%017llx", (unsigned long long)inst->nodes[l]);
		if (nla_put_string(msg, VNITRO_A_NETWORK_NODE, node))
			return -EMSGSIZE;
	}
	nla_nest_end(msg, nodes);
	return 0;
}

/* PG_ADD and PG_GET reply with the group; PG_DEL acks. */
int vnitro_cmd_pg(struct sk_buff *skb, struct genl_info *info)
{
	u8 cmd = info->genlhdr->cmd;
	struct vcore_err err = {};
	struct vcore_pg_info g;
	struct nlattr *count = info->attrs[VNITRO_A_PG_PARTITION_COUNT];
	int ret;

	if (cmd == VNITRO_CMD_PG_GET && info->attrs[VNITRO_A_PG_ID]) {
		mutex_lock(&vnitro.ctl_lock);
		ret = vcore_ctl_pg_get(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_PG_ID), true, &g,
				       &err);
		mutex_unlock(&vnitro.ctl_lock);
		goto out;
	}
	if (!vnitro_genl_require(info, VNITRO_A_PG_NAME))
		return -EINVAL;
	if (cmd == VNITRO_CMD_PG_ADD) {
		if (!vnitro_genl_require(info, VNITRO_A_PG_STRATEGY))
			return -EINVAL;
		/* 0 means "the default" to the core: a request saying 0 is refused here. */
		if (count && !nla_get_u32(count)) {
			NL_SET_ERR_MSG_ATTR(info->extack, count,
					    "InvalidParameterValue: partition count 0 is out of "
					    "range: 1 to 7");
			return -EINVAL;
		}
	}
	mutex_lock(&vnitro.ctl_lock);
	switch (cmd) {
	case VNITRO_CMD_PG_ADD:
		ret = vcore_ctl_pg_add(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_PG_NAME),
				       nla_get_u8(info->attrs[VNITRO_A_PG_STRATEGY]),
				       count ? nla_get_u32(count) : 0,
				       info->attrs[VNITRO_A_PG_SPREAD_LEVEL]
					       ? nla_get_u8(info->attrs[VNITRO_A_PG_SPREAD_LEVEL])
					       : 0,
				       &g, &err);
		break;
	case VNITRO_CMD_PG_DEL:
		ret = vcore_ctl_pg_del(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_PG_NAME), &err);
		break;
	default:
		ret = vcore_ctl_pg_get(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_PG_NAME), false,
				       &g, &err);
	}
	mutex_unlock(&vnitro.ctl_lock);
out:
	if (ret)
		return vnitro_genl_fail(skb, info, &err);
	if (cmd == VNITRO_CMD_PG_DEL)
		return 0;
	return vnitro_genl_reply(info, VNITRO_CMD_PG_GET, vnitro_put_pg, &g);
}

static int vnitro_pg_at(u32 pos, void *out)
{
	return vcore_ctl_pg_at(vnitro.ctl, pos, out);
}

int vnitro_dump_pgs(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vnitro_genl_dump(skb, cb, VNITRO_CMD_PG_GET, vnitro_pg_at, vnitro_put_pg);
}
