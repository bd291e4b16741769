/* SPDX-License-Identifier: GPL-2.0 */
/*
 * genl.h - what genl.c shares with the files that hold some of the "vnitro"
 * family's commands (genl_filter.c, genl_eip.c, genl_placement.c): attribute
 * helpers, replies,
 * dumps, and those files' handlers.
 */
#ifndef VNITRO_GENL_H
#define VNITRO_GENL_H

#include <net/genetlink.h>

#include "vcore/control.h"

typedef int (*vnitro_put_fn)(struct sk_buff *msg, const void *obj);
typedef int (*vnitro_at_fn)(u32 pos, void *out);

/* Acks @err's message while it lives; returns what the doit must return. */
int vnitro_genl_fail(struct sk_buff *skb, struct genl_info *info, const struct vcore_err *err);
/* False, with an extack naming @attr, when the request lacks it. */
bool vnitro_genl_require(struct genl_info *info, int attr);
/* A string attribute, or "" when absent. */
const char *vnitro_genl_str(struct genl_info *info, int attr);
/* CIDR_ADDR and CIDR_PREFIXLEN, both required; host order. */
int vnitro_genl_cidr(struct genl_info *info, u32 *addr, u8 *prefixlen);
/*
 * A block of either family (genl_filter.c): CIDR_ADDR and CIDR_PREFIXLEN
 * (IPv4, host order) or IPV6_CIDR_ADDR and IPV6_CIDR_PREFIXLEN (*@ipv6 = 1,
 * @addr6 network order), both attributes of one of them; and back.
 */
int vnitro_genl_block(struct genl_info *info, u8 *ipv6, u32 *addr, u8 *addr6, u8 *prefixlen);
int vnitro_put_block(struct sk_buff *msg, u8 ipv6, u32 addr, const u8 *addr6, u8 prefixlen);
/* Replies to a doit with one object, put by @put under command @cmd. */
int vnitro_genl_reply(struct genl_info *info, u8 cmd, vnitro_put_fn put, const void *obj);
/* A dump of the objects @at finds from cb->args[0] on, under ctl_lock. */
int vnitro_genl_dump(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
		     vnitro_at_fn at, vnitro_put_fn put);

/* The family (genl.c), for the dumps of other files. */
extern struct genl_family vnitro_genl_family;
/* A subnet's attributes: NACL_ASSOCIATE replies with the subnet. */
int vnitro_put_subnet(struct sk_buff *msg, const void *obj);

/* Security group and network ACL commands (genl_filter.c). */
int vnitro_cmd_sg_add(struct sk_buff *skb, struct genl_info *info);
int vnitro_cmd_sg_get(struct sk_buff *skb, struct genl_info *info);
int vnitro_cmd_sg_rule(struct sk_buff *skb, struct genl_info *info);
int vnitro_dump_sgs(struct sk_buff *skb, struct netlink_callback *cb);
int vnitro_cmd_nacl(struct sk_buff *skb, struct genl_info *info);
int vnitro_cmd_nacl_associate(struct sk_buff *skb, struct genl_info *info);
int vnitro_dump_nacls(struct sk_buff *skb, struct netlink_callback *cb);

/* The link-local services' port (linklocal.c). */
int vnitro_cmd_svc_add(struct sk_buff *skb, struct genl_info *info);
int vnitro_cmd_svc_del(struct sk_buff *skb, struct genl_info *info);
int vnitro_cmd_svc_get(struct sk_buff *skb, struct genl_info *info);
/* A reference on the namespace NETNS_FD names, or on the initial one without it. */
struct net *vnitro_genl_netns(struct genl_info *info);

/* Placement groups (genl_placement.c), and an instance's placement attributes. */
int vnitro_cmd_pg(struct sk_buff *skb, struct genl_info *info);
int vnitro_cmd_tunnel(struct sk_buff *skb, struct genl_info *info);	/* tunnel.c */
int vnitro_dump_pgs(struct sk_buff *skb, struct netlink_callback *cb);
int vnitro_put_placement(struct sk_buff *msg, const struct vcore_instance_info *inst);

/* Elastic IP commands (genl_eip.c). */
enum { VNITRO_GENL_EIP_OPS = 7 };
extern const struct genl_small_ops vnitro_genl_eip_ops[VNITRO_GENL_EIP_OPS];

#endif /* VNITRO_GENL_H */
