// SPDX-License-Identifier: GPL-2.0
/*
 * genl_filter.c - the "vnitro" family's commands for what filters traffic:
 * security groups and their rules (SG_*), network ACLs, their entries and
 * subnet associations (NACL_*). genl.c registers them with the others.
 */
#include <linux/vnitro.h>

#include "vnitro.h"
#include "genl.h"

/* ---- security groups ---- */

/* A reply of one group and all its rules: 240 rules of at most ~100 bytes fit. */
#define VNITRO_SG_MSG_SIZE	(32 * 1024)

int vnitro_put_block(struct sk_buff *msg, u8 ipv6, u32 addr, const u8 *addr6, u8 prefixlen)
{
	if (ipv6)
		return nla_put(msg, VNITRO_A_IPV6_CIDR_ADDR, 16, addr6) ||
		       nla_put_u8(msg, VNITRO_A_IPV6_CIDR_PREFIXLEN, prefixlen) ? -EMSGSIZE : 0;
	return nla_put_be32(msg, VNITRO_A_CIDR_ADDR, htonl(addr)) ||
	       nla_put_u8(msg, VNITRO_A_CIDR_PREFIXLEN, prefixlen) ? -EMSGSIZE : 0;
}

int vnitro_genl_block(struct genl_info *info, u8 *ipv6, u32 *addr, u8 *addr6, u8 *prefixlen)
{
	struct nlattr **a = info->attrs;

	if (a[VNITRO_A_IPV6_CIDR_ADDR] || a[VNITRO_A_IPV6_CIDR_PREFIXLEN]) {
		if (a[VNITRO_A_CIDR_ADDR] || a[VNITRO_A_CIDR_PREFIXLEN]) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "one block: IPv4 (CIDR_*) or IPv6 (IPV6_CIDR_*), not both");
			return -EINVAL;
		}
		if (!vnitro_genl_require(info, VNITRO_A_IPV6_CIDR_ADDR) ||
		    !vnitro_genl_require(info, VNITRO_A_IPV6_CIDR_PREFIXLEN))
			return -EINVAL;
		*ipv6 = 1;
		memcpy(addr6, nla_data(a[VNITRO_A_IPV6_CIDR_ADDR]), 16);
		*prefixlen = nla_get_u8(a[VNITRO_A_IPV6_CIDR_PREFIXLEN]);
		return 0;
	}
	return vnitro_genl_cidr(info, addr, prefixlen);
}

static int vnitro_put_sg_rule(struct sk_buff *msg, const struct vcore_ctl_sg_rule *r)
{
	struct nlattr *nest = nla_nest_start(msg, VNITRO_A_SG_RULE);

	if (!nest ||
	    nla_put_u8(msg, VNITRO_A_SG_DIRECTION, r->direction) ||
	    nla_put_u16(msg, VNITRO_A_SG_PROTOCOL, r->protocol) ||
	    (r->has_ports && (nla_put_u16(msg, VNITRO_A_SG_PORT_FROM, r->port_from) ||
			      nla_put_u16(msg, VNITRO_A_SG_PORT_TO, r->port_to))) ||
	    (r->icmp_type >= 0 && nla_put_u8(msg, VNITRO_A_SG_ICMP_TYPE, r->icmp_type)) ||
	    (r->icmp_code >= 0 && nla_put_u8(msg, VNITRO_A_SG_ICMP_CODE, r->icmp_code)))
		goto err_cancel;
	if (r->peer_id[0] ? nla_put_string(msg, VNITRO_A_SG_PEER_ID, r->peer_id)
			  : vnitro_put_block(msg, r->ipv6, r->cidr_addr, r->cidr6, r->cidr_prefixlen))
		goto err_cancel;
	nla_nest_end(msg, nest);
	return 0;

err_cancel:
	if (nest)
		nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

/*
 * Group @g with its rules from *@rule on, as many as fit; *@rule is left at
 * the first rule not sent. -EMSGSIZE when not even the group's own
 * attributes fit. Called under ctl_lock (the rules are read from the core).
 */
static int vnitro_put_sg_from(struct sk_buff *msg, const struct vcore_sg_info *g, u32 *rule)
{
	struct vcore_ctl_sg_rule r;
	struct nlattr *nest;

	lockdep_assert_held(&vnitro.ctl_lock);
	if (nla_put_string(msg, VNITRO_A_SECURITY_GROUP_ID, g->id) ||
	    nla_put_string(msg, VNITRO_A_VPC_ID, g->vpc_id) ||
	    nla_put_string(msg, VNITRO_A_SG_NAME, g->name) ||
	    nla_put_string(msg, VNITRO_A_DESCRIPTION, g->description))
		return -EMSGSIZE;
	nest = nla_nest_start(msg, VNITRO_A_SG_RULES);
	if (!nest)
		return -EMSGSIZE;
	for (; vcore_ctl_sg_rule_at(vnitro.ctl, g->id, *rule, &r) == 0; (*rule)++)
		if (vnitro_put_sg_rule(msg, &r))
			break;
	nla_nest_end(msg, nest);
	return 0;
}

/* Replies with group @g and every rule of it; under ctl_lock. */
static int vnitro_genl_sg_reply(struct genl_info *info, const struct vcore_sg_info *g)
{
	struct sk_buff *msg = genlmsg_new(VNITRO_SG_MSG_SIZE, GFP_KERNEL);
	u32 rule = 0;
	void *hdr;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vnitro_genl_family, 0, VNITRO_CMD_SG_GET);
	if (!hdr || vnitro_put_sg_from(msg, g, &rule) || rule != g->rule_count) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int vnitro_cmd_sg_add(struct sk_buff *skb, struct genl_info *info)
{
	struct vcore_sg_info *g;
	struct vcore_err err = {};
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_VPC_ID))
		return -EINVAL;
	g = kmalloc(sizeof(*g), GFP_KERNEL);	/* ~600 bytes: off the stack */
	if (!g)
		return -ENOMEM;
	mutex_lock(&vnitro.ctl_lock);
	ret = vcore_ctl_sg_add(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_SECURITY_GROUP_ID),
			       vnitro_genl_str(info, VNITRO_A_VPC_ID),
			       vnitro_genl_str(info, VNITRO_A_SG_NAME),
			       vnitro_genl_str(info, VNITRO_A_DESCRIPTION), g, &err);
	ret = ret ? vnitro_genl_fail(skb, info, &err) : vnitro_genl_sg_reply(info, g);
	mutex_unlock(&vnitro.ctl_lock);
	kfree(g);
	return ret;
}

int vnitro_cmd_sg_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vcore_sg_info *g;
	struct vcore_err err = {};
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_SECURITY_GROUP_ID))
		return -EINVAL;
	g = kmalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return -ENOMEM;
	mutex_lock(&vnitro.ctl_lock);
	ret = vcore_ctl_sg_get(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_SECURITY_GROUP_ID), g,
			       &err);
	ret = ret ? vnitro_genl_fail(skb, info, &err) : vnitro_genl_sg_reply(info, g);
	mutex_unlock(&vnitro.ctl_lock);
	kfree(g);
	return ret;
}

/* The rule SG_RULE_ADD and SG_RULE_DEL name: direction, protocol, ports, ICMP, one peer. */
static int vnitro_genl_sg_rule(struct genl_info *info, struct vcore_ctl_sg_rule *r)
{
	struct nlattr **a = info->attrs;

	if (!vnitro_genl_require(info, VNITRO_A_SECURITY_GROUP_ID) ||
	    !vnitro_genl_require(info, VNITRO_A_SG_DIRECTION) ||
	    !vnitro_genl_require(info, VNITRO_A_SG_PROTOCOL))
		return -EINVAL;
	r->direction = nla_get_u8(a[VNITRO_A_SG_DIRECTION]);
	r->protocol = nla_get_u16(a[VNITRO_A_SG_PROTOCOL]);
	if (a[VNITRO_A_SG_PORT_FROM] || a[VNITRO_A_SG_PORT_TO]) {
		if (!a[VNITRO_A_SG_PORT_FROM] || !a[VNITRO_A_SG_PORT_TO]) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "a port range needs both SG_PORT_FROM and SG_PORT_TO");
			return -EINVAL;
		}
		r->has_ports = 1;
		r->port_from = nla_get_u16(a[VNITRO_A_SG_PORT_FROM]);
		r->port_to = nla_get_u16(a[VNITRO_A_SG_PORT_TO]);
	}
	r->icmp_type = a[VNITRO_A_SG_ICMP_TYPE] ? nla_get_u8(a[VNITRO_A_SG_ICMP_TYPE]) : -1;
	r->icmp_code = a[VNITRO_A_SG_ICMP_CODE] ? nla_get_u8(a[VNITRO_A_SG_ICMP_CODE]) : -1;
	if (!!a[VNITRO_A_SG_PEER_ID] == !!(a[VNITRO_A_CIDR_ADDR] || a[VNITRO_A_CIDR_PREFIXLEN] ||
					   a[VNITRO_A_IPV6_CIDR_ADDR] ||
					   a[VNITRO_A_IPV6_CIDR_PREFIXLEN])) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "a rule needs one peer: CIDR_ADDR and CIDR_PREFIXLEN, IPV6_CIDR_ADDR and IPV6_CIDR_PREFIXLEN, or SG_PEER_ID");
		return -EINVAL;
	}
	if (a[VNITRO_A_SG_PEER_ID]) {
		strscpy(r->peer_id, nla_data(a[VNITRO_A_SG_PEER_ID]), sizeof(r->peer_id));
		return 0;
	}
	return vnitro_genl_block(info, &r->ipv6, &r->cidr_addr, r->cidr6, &r->cidr_prefixlen);
}

typedef int (*vnitro_sg_rule_fn)(struct vcore_ctl *ctl, const char *id,
				 const struct vcore_ctl_sg_rule *rule, struct vcore_sg_info *out,
				 struct vcore_err *err);

/* SG_RULE_ADD and SG_RULE_DEL: both answer with the group as it now is. */
int vnitro_cmd_sg_rule(struct sk_buff *skb, struct genl_info *info)
{
	vnitro_sg_rule_fn change = info->genlhdr->cmd == VNITRO_CMD_SG_RULE_ADD ?
				   vcore_ctl_sg_rule_add : vcore_ctl_sg_rule_del;
	struct vcore_ctl_sg_rule rule = {};
	struct vcore_sg_info *g;
	struct vcore_err err = {};
	int ret;

	ret = vnitro_genl_sg_rule(info, &rule);
	if (ret)
		return ret;
	g = kmalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return -ENOMEM;
	mutex_lock(&vnitro.ctl_lock);
	ret = change(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_SECURITY_GROUP_ID), &rule, g, &err);
	ret = ret ? vnitro_genl_fail(skb, info, &err) : vnitro_genl_sg_reply(info, g);
	mutex_unlock(&vnitro.ctl_lock);
	kfree(g);
	return ret;
}

/* ---- network ACLs ---- */

/*
 * A reply of one ACL and all its entries: 2 directions x 2 families x 19
 * entries of at most 96 bytes and the ids, about 7.4 KiB. A dump cuts an
 * ACL that does not fit in what is left of a message (vnitro_dump_nacls).
 */
#define VNITRO_NACL_MSG_SIZE	(16 * 1024)

static int vnitro_put_nacl_entry(struct sk_buff *msg, const struct vcore_ctl_nacl_entry *e)
{
	struct nlattr *nest = nla_nest_start(msg, VNITRO_A_NACL_ENTRY);

	if (!nest ||
	    nla_put_u8(msg, VNITRO_A_SG_DIRECTION, e->direction) ||
	    nla_put_u16(msg, VNITRO_A_NACL_RULE_NUMBER, e->number) ||
	    nla_put_u8(msg, VNITRO_A_NACL_RULE_ACTION, e->action) ||
	    nla_put_u16(msg, VNITRO_A_SG_PROTOCOL, e->protocol) ||
	    (e->has_ports && (nla_put_u16(msg, VNITRO_A_SG_PORT_FROM, e->port_from) ||
			      nla_put_u16(msg, VNITRO_A_SG_PORT_TO, e->port_to))) ||
	    (e->icmp_type >= 0 && nla_put_u8(msg, VNITRO_A_SG_ICMP_TYPE, e->icmp_type)) ||
	    (e->icmp_code >= 0 && nla_put_u8(msg, VNITRO_A_SG_ICMP_CODE, e->icmp_code)) ||
	    vnitro_put_block(msg, e->ipv6, e->cidr_addr, e->cidr6, e->cidr_prefixlen)) {
		if (nest)
			nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * ACL @a with its entries from *@entry on, as many as fit; *@entry is left
 * at the first entry not sent. -EMSGSIZE when not even the ACL's own
 * attributes fit. Under ctl_lock (the entries are read from the core).
 */
static int vnitro_put_nacl_from(struct sk_buff *msg, const struct vcore_nacl_info *a, u32 *entry)
{
	struct vcore_ctl_nacl_entry e;
	struct nlattr *nest;

	lockdep_assert_held(&vnitro.ctl_lock);
	if (nla_put_string(msg, VNITRO_A_NACL_ID, a->id) ||
	    nla_put_string(msg, VNITRO_A_VPC_ID, a->vpc_id) ||
	    (a->is_default && nla_put_flag(msg, VNITRO_A_NACL_DEFAULT)))
		return -EMSGSIZE;
	nest = nla_nest_start(msg, VNITRO_A_NACL_ENTRIES);
	if (!nest)
		return -EMSGSIZE;
	for (; vcore_ctl_nacl_entry_at(vnitro.ctl, a->id, *entry, &e) == 0; (*entry)++)
		if (vnitro_put_nacl_entry(msg, &e))
			break;
	nla_nest_end(msg, nest);
	return 0;
}

/* ACL @obj and every entry of it, or -EMSGSIZE; under ctl_lock. */
static int vnitro_put_nacl(struct sk_buff *msg, const void *obj)
{
	const struct vcore_nacl_info *a = obj;
	u32 entry = 0;

	if (vnitro_put_nacl_from(msg, a, &entry) || entry != a->entry_count)
		return -EMSGSIZE;
	return 0;
}

/* Replies with ACL @a; under ctl_lock. */
static int vnitro_genl_nacl_reply(struct genl_info *info, const struct vcore_nacl_info *a)
{
	struct sk_buff *msg = genlmsg_new(VNITRO_NACL_MSG_SIZE, GFP_KERNEL);
	void *hdr;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vnitro_genl_family, 0, VNITRO_CMD_NACL_GET);
	if (!hdr || vnitro_put_nacl(msg, a)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* The entry NACL_ENTRY_ADD and NACL_ENTRY_REPLACE name: a numbered rule with an action. */
static int vnitro_genl_nacl_entry(struct genl_info *info, struct vcore_ctl_nacl_entry *e)
{
	struct nlattr **a = info->attrs;

	if (!vnitro_genl_require(info, VNITRO_A_NACL_ID) ||
	    !vnitro_genl_require(info, VNITRO_A_SG_DIRECTION) ||
	    !vnitro_genl_require(info, VNITRO_A_NACL_RULE_NUMBER) ||
	    !vnitro_genl_require(info, VNITRO_A_NACL_RULE_ACTION) ||
	    !vnitro_genl_require(info, VNITRO_A_SG_PROTOCOL))
		return -EINVAL;
	e->direction = nla_get_u8(a[VNITRO_A_SG_DIRECTION]);
	e->number = nla_get_u16(a[VNITRO_A_NACL_RULE_NUMBER]);
	e->action = nla_get_u8(a[VNITRO_A_NACL_RULE_ACTION]);
	e->protocol = nla_get_u16(a[VNITRO_A_SG_PROTOCOL]);
	if (a[VNITRO_A_SG_PORT_FROM] || a[VNITRO_A_SG_PORT_TO]) {
		if (!a[VNITRO_A_SG_PORT_FROM] || !a[VNITRO_A_SG_PORT_TO]) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "a port range needs both SG_PORT_FROM and SG_PORT_TO");
			return -EINVAL;
		}
		e->has_ports = 1;
		e->port_from = nla_get_u16(a[VNITRO_A_SG_PORT_FROM]);
		e->port_to = nla_get_u16(a[VNITRO_A_SG_PORT_TO]);
	}
	e->icmp_type = a[VNITRO_A_SG_ICMP_TYPE] ? nla_get_u8(a[VNITRO_A_SG_ICMP_TYPE]) : -1;
	e->icmp_code = a[VNITRO_A_SG_ICMP_CODE] ? nla_get_u8(a[VNITRO_A_SG_ICMP_CODE]) : -1;
	return vnitro_genl_block(info, &e->ipv6, &e->cidr_addr, e->cidr6, &e->cidr_prefixlen);
}

/*
 * NACL_ADD, NACL_GET, NACL_ENTRY_ADD, NACL_ENTRY_REPLACE and NACL_ENTRY_DEL:
 * each answers with the ACL as it now is.
 */
int vnitro_cmd_nacl(struct sk_buff *skb, struct genl_info *info)
{
	u8 cmd = info->genlhdr->cmd;
	struct vcore_ctl_nacl_entry entry = {};
	struct vcore_nacl_info a;
	struct vcore_err err = {};
	const char *id;
	int ret;

	if (cmd == VNITRO_CMD_NACL_ADD ? !vnitro_genl_require(info, VNITRO_A_VPC_ID)
				       : !vnitro_genl_require(info, VNITRO_A_NACL_ID))
		return -EINVAL;
	if (cmd == VNITRO_CMD_NACL_ENTRY_ADD || cmd == VNITRO_CMD_NACL_ENTRY_REPLACE) {
		ret = vnitro_genl_nacl_entry(info, &entry);
		if (ret)
			return ret;
	}
	if (cmd == VNITRO_CMD_NACL_ENTRY_DEL &&
	    (!vnitro_genl_require(info, VNITRO_A_SG_DIRECTION) ||
	     !vnitro_genl_require(info, VNITRO_A_NACL_RULE_NUMBER)))
		return -EINVAL;
	id = vnitro_genl_str(info, VNITRO_A_NACL_ID);
	mutex_lock(&vnitro.ctl_lock);
	switch (cmd) {
	case VNITRO_CMD_NACL_ADD:
		ret = vcore_ctl_nacl_add(vnitro.ctl, id, vnitro_genl_str(info, VNITRO_A_VPC_ID),
					 &a, &err);
		break;
	case VNITRO_CMD_NACL_ENTRY_ADD:
		ret = vcore_ctl_nacl_entry_add(vnitro.ctl, id, &entry, &a, &err);
		break;
	case VNITRO_CMD_NACL_ENTRY_REPLACE:
		ret = vcore_ctl_nacl_entry_replace(vnitro.ctl, id, &entry, &a, &err);
		break;
	case VNITRO_CMD_NACL_ENTRY_DEL:
		ret = vcore_ctl_nacl_entry_del(vnitro.ctl, id,
					       nla_get_u8(info->attrs[VNITRO_A_SG_DIRECTION]),
					       nla_get_u16(info->attrs[VNITRO_A_NACL_RULE_NUMBER]),
					       &a, &err);
		break;
	default:
		ret = vcore_ctl_nacl_get(vnitro.ctl, id, &a, &err);
		break;
	}
	ret = ret ? vnitro_genl_fail(skb, info, &err) : vnitro_genl_nacl_reply(info, &a);
	mutex_unlock(&vnitro.ctl_lock);
	return ret;
}

int vnitro_cmd_nacl_associate(struct sk_buff *skb, struct genl_info *info)
{
	struct vcore_subnet_info subnet;
	struct vcore_err err = {};
	int ret;

	if (!vnitro_genl_require(info, VNITRO_A_NACL_ID) ||
	    !vnitro_genl_require(info, VNITRO_A_SUBNET_ID))
		return -EINVAL;
	mutex_lock(&vnitro.ctl_lock);
	ret = vcore_ctl_nacl_associate(vnitro.ctl, vnitro_genl_str(info, VNITRO_A_NACL_ID),
				       vnitro_genl_str(info, VNITRO_A_SUBNET_ID), &subnet, &err);
	mutex_unlock(&vnitro.ctl_lock);
	if (ret)
		return vnitro_genl_fail(skb, info, &err);
	return vnitro_genl_reply(info, VNITRO_CMD_SUBNET_GET, vnitro_put_subnet, &subnet);
}

/*
 * ACLs, one message each, or several when an ACL's entries do not fit in
 * what is left of the skb (as vnitro_dump_sgs): cb->args[0] is the ACL,
 * cb->args[1] its first entry not yet sent.
 */
int vnitro_dump_nacls(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vcore_nacl_info a;
	u32 pos = cb->args[0], entry = cb->args[1];
	bool stuck;

	mutex_lock(&vnitro.ctl_lock);
	for (; vcore_ctl_nacl_at(vnitro.ctl, pos, &a) == 0; pos++, entry = 0) {
		u32 first = entry;
		void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
					&vnitro_genl_family, NLM_F_MULTI, VNITRO_CMD_NACL_GET);

		if (!hdr)
			break;
		if (vnitro_put_nacl_from(skb, &a, &entry) ||
		    (entry == first && first < a.entry_count)) {
			genlmsg_cancel(skb, hdr);
			entry = first;
			break;
		}
		genlmsg_end(skb, hdr);
		if (entry < a.entry_count)
			break;		/* the rest of this ACL in the next skb */
	}
	stuck = !skb->len && vcore_ctl_nacl_at(vnitro.ctl, pos, &a) == 0;
	mutex_unlock(&vnitro.ctl_lock);
	cb->args[0] = pos;
	cb->args[1] = entry;
	return stuck ? -EMSGSIZE : skb->len;
}

/*
 * Groups, one message each, or several when a group's rules do not fit in
 * what is left of the skb: cb->args[0] is the group, cb->args[1] its first
 * rule not yet sent. A group is cut only after at least one of its rules,
 * so every dump makes progress.
 */
int vnitro_dump_sgs(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vcore_sg_info *g;
	u32 pos = cb->args[0], rule = cb->args[1];
	bool stuck;

	g = kmalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return -ENOMEM;
	mutex_lock(&vnitro.ctl_lock);
	for (; vcore_ctl_sg_at(vnitro.ctl, pos, g) == 0; pos++, rule = 0) {
		u32 first = rule;
		void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
					&vnitro_genl_family, NLM_F_MULTI, VNITRO_CMD_SG_GET);

		if (!hdr)
			break;
		if (vnitro_put_sg_from(skb, g, &rule) || (rule == first && first < g->rule_count)) {
			genlmsg_cancel(skb, hdr);
			rule = first;
			break;
		}
		genlmsg_end(skb, hdr);
		if (rule < g->rule_count)
			break;		/* the rest of this group in the next skb */
	}
	/* An empty skb that cannot take one rule would never end the dump. */
	stuck = !skb->len && vcore_ctl_sg_at(vnitro.ctl, pos, g) == 0;
	mutex_unlock(&vnitro.ctl_lock);
	kfree(g);
	cb->args[0] = pos;
	cb->args[1] = rule;
	return stuck ? -EMSGSIZE : skb->len;
}
