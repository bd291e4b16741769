// SPDX-License-Identifier: LGPL-2.1-or-later
/* Security groups and their rules. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

using namespace vnitro::lib;

namespace {

void put_rule(struct request *req, const char *id, const struct vnitro_sg_rule *r)
{
	request_put_string(req, VNITRO_A_SECURITY_GROUP_ID, id);
	request_put_u8(req, VNITRO_A_SG_DIRECTION, r->direction);
	request_put_u16(req, VNITRO_A_SG_PROTOCOL, r->protocol);
	if (r->has_ports) {
		request_put_u16(req, VNITRO_A_SG_PORT_FROM, r->port_from);
		request_put_u16(req, VNITRO_A_SG_PORT_TO, r->port_to);
	}
	if (r->icmp_type >= 0)
		request_put_u8(req, VNITRO_A_SG_ICMP_TYPE, uint8_t(r->icmp_type));
	if (r->icmp_code >= 0)
		request_put_u8(req, VNITRO_A_SG_ICMP_CODE, uint8_t(r->icmp_code));
	if (r->peer_id[0]) {
		request_put_string(req, VNITRO_A_SG_PEER_ID, r->peer_id);
	} else if (r->ipv6) {
		request_put(req, VNITRO_A_IPV6_CIDR_ADDR, sizeof(r->cidr6), r->cidr6);
		request_put_u8(req, VNITRO_A_IPV6_CIDR_PREFIXLEN, r->cidr_prefixlen);
	} else {
		request_put_u32(req, VNITRO_A_CIDR_ADDR, r->cidr_addr);
		request_put_u8(req, VNITRO_A_CIDR_PREFIXLEN, r->cidr_prefixlen);
	}
}

/* request_do() of a request answered by a group, into @out or (NULL) a scratch one. */
int request_sg(struct request *req, struct vnitro_sg *out)
{
	struct vnitro_sg *scratch = nullptr;
	int rc;

	if (!out) {
		/* About 18 KiB: off the stack. */
		scratch = static_cast<struct vnitro_sg *>(malloc(sizeof(*scratch)));
		if (!scratch) {
			nlmsg_free(req->msg);
			return set_errno(req->h, -ENOMEM);
		}
	}
	rc = request_do(req, &sg_decoder, out ? out : scratch);
	free(scratch);
	return rc;
}

int change_rule(struct vnitro_handle *h, uint8_t cmd, const char *id,
		const struct vnitro_sg_rule *rule, struct vnitro_sg *out)
{
	struct request req;

	request_init(&req, h, cmd, NLM_F_ACK);
	put_rule(&req, id, rule);
	return request_sg(&req, out);
}

} // namespace

namespace vnitro::lib {

int merge_split_groups(struct vnitro_handle *h, struct vnitro_sg *items, size_t *count)
{
	return merge_split(h, items, count, &vnitro_sg::rule_count, &vnitro_sg::rules,
			   "security group", "rules");
}

} // namespace vnitro::lib

VNITRO_EXPORT int vnitro_sg_add(struct vnitro_handle *h, const char *id, const char *vpc_id,
				const char *name, const char *description, struct vnitro_sg *out)
{
	struct request req;

	request_init(&req, h, VNITRO_CMD_SG_ADD, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_VPC_ID, vpc_id);
	if (id)
		request_put_string(&req, VNITRO_A_SECURITY_GROUP_ID, id);
	if (name && name[0])
		request_put_string(&req, VNITRO_A_SG_NAME, name);
	if (description && description[0])
		request_put_string(&req, VNITRO_A_DESCRIPTION, description);
	return request_sg(&req, out);
}

VNITRO_EXPORT int vnitro_sg_del(struct vnitro_handle *h, const char *id)
{
	return request_by_key(h, VNITRO_CMD_SG_DEL, VNITRO_A_SECURITY_GROUP_ID, id, nullptr,
			      nullptr);
}

VNITRO_EXPORT int vnitro_sg_get(struct vnitro_handle *h, const char *id, struct vnitro_sg *out)
{
	return request_by_key(h, VNITRO_CMD_SG_GET, VNITRO_A_SECURITY_GROUP_ID, id, &sg_decoder,
			      out);
}

VNITRO_EXPORT int vnitro_sg_list(struct vnitro_handle *h, struct vnitro_sg **items,
				 size_t *count)
{
	int rc = request_list_of(h, VNITRO_CMD_SG_GET, &sg_decoder, items, count);

	if (!rc)
		rc = merge_split_groups(h, *items, count);
	if (rc) {
		free(*items);
		*items = nullptr;
		*count = 0;
	}
	return rc;
}

VNITRO_EXPORT int vnitro_sg_rule_add(struct vnitro_handle *h, const char *id,
				     const struct vnitro_sg_rule *rule, struct vnitro_sg *out)
{
	return change_rule(h, VNITRO_CMD_SG_RULE_ADD, id, rule, out);
}

VNITRO_EXPORT int vnitro_sg_rule_del(struct vnitro_handle *h, const char *id,
				     const struct vnitro_sg_rule *rule, struct vnitro_sg *out)
{
	return change_rule(h, VNITRO_CMD_SG_RULE_DEL, id, rule, out);
}
