// SPDX-License-Identifier: LGPL-2.1-or-later
/* Network ACLs, their numbered entries and subnet associations. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

using namespace vnitro::lib;

namespace {

void put_entry(struct request *req, const char *id, const struct vnitro_nacl_entry *e)
{
	request_put_string(req, VNITRO_A_NACL_ID, id);
	request_put_u8(req, VNITRO_A_SG_DIRECTION, e->direction);
	request_put_u16(req, VNITRO_A_NACL_RULE_NUMBER, e->number);
	request_put_u8(req, VNITRO_A_NACL_RULE_ACTION, e->action);
	request_put_u16(req, VNITRO_A_SG_PROTOCOL, e->protocol);
	if (e->has_ports) {
		request_put_u16(req, VNITRO_A_SG_PORT_FROM, e->port_from);
		request_put_u16(req, VNITRO_A_SG_PORT_TO, e->port_to);
	}
	if (e->icmp_type >= 0)
		request_put_u8(req, VNITRO_A_SG_ICMP_TYPE, uint8_t(e->icmp_type));
	if (e->icmp_code >= 0)
		request_put_u8(req, VNITRO_A_SG_ICMP_CODE, uint8_t(e->icmp_code));
	if (e->ipv6) {
		request_put(req, VNITRO_A_IPV6_CIDR_ADDR, sizeof(e->cidr6), e->cidr6);
		request_put_u8(req, VNITRO_A_IPV6_CIDR_PREFIXLEN, e->cidr_prefixlen);
	} else {
		request_put_u32(req, VNITRO_A_CIDR_ADDR, e->cidr_addr);
		request_put_u8(req, VNITRO_A_CIDR_PREFIXLEN, e->cidr_prefixlen);
	}
}

/* request_do() of a request answered by an ACL, into @out or (NULL) a scratch one. */
int request_nacl(struct request *req, struct vnitro_nacl *out)
{
	struct vnitro_nacl scratch;

	return request_do(req, &nacl_decoder, out ? out : &scratch);
}

} // namespace

namespace vnitro::lib {

int merge_split_nacls(struct vnitro_handle *h, struct vnitro_nacl *items, size_t *count)
{
	return merge_split(h, items, count, &vnitro_nacl::entry_count, &vnitro_nacl::entries,
			   "network ACL", "entries");
}

} // namespace vnitro::lib

VNITRO_EXPORT int vnitro_nacl_add(struct vnitro_handle *h, const char *id, const char *vpc_id,
				  struct vnitro_nacl *out)
{
	struct request req;

	request_init(&req, h, VNITRO_CMD_NACL_ADD, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_VPC_ID, vpc_id);
	if (id)
		request_put_string(&req, VNITRO_A_NACL_ID, id);
	return request_nacl(&req, out);
}

VNITRO_EXPORT int vnitro_nacl_del(struct vnitro_handle *h, const char *id)
{
	return request_by_key(h, VNITRO_CMD_NACL_DEL, VNITRO_A_NACL_ID, id, nullptr, nullptr);
}

VNITRO_EXPORT int vnitro_nacl_get(struct vnitro_handle *h, const char *id, struct vnitro_nacl *out)
{
	return request_by_key(h, VNITRO_CMD_NACL_GET, VNITRO_A_NACL_ID, id, &nacl_decoder, out);
}

VNITRO_EXPORT int vnitro_nacl_list(struct vnitro_handle *h, struct vnitro_nacl **items,
				   size_t *count)
{
	int rc = request_list_of(h, VNITRO_CMD_NACL_GET, &nacl_decoder, items, count);

	if (!rc)
		rc = merge_split_nacls(h, *items, count);
	if (rc) {
		free(*items);
		*items = nullptr;
		*count = 0;
	}
	return rc;
}

VNITRO_EXPORT int vnitro_nacl_entry_add(struct vnitro_handle *h, const char *id,
					const struct vnitro_nacl_entry *entry,
					struct vnitro_nacl *out)
{
	struct request req;

	request_init(&req, h, VNITRO_CMD_NACL_ENTRY_ADD, NLM_F_ACK);
	put_entry(&req, id, entry);
	return request_nacl(&req, out);
}

VNITRO_EXPORT int vnitro_nacl_entry_replace(struct vnitro_handle *h, const char *id,
					    const struct vnitro_nacl_entry *entry,
					    struct vnitro_nacl *out)
{
	struct request req;

	request_init(&req, h, VNITRO_CMD_NACL_ENTRY_REPLACE, NLM_F_ACK);
	put_entry(&req, id, entry);
	return request_nacl(&req, out);
}

VNITRO_EXPORT int vnitro_nacl_entry_del(struct vnitro_handle *h, const char *id,
					uint8_t direction, uint16_t number,
					struct vnitro_nacl *out)
{
	struct request req;

	request_init(&req, h, VNITRO_CMD_NACL_ENTRY_DEL, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_NACL_ID, id);
	request_put_u8(&req, VNITRO_A_SG_DIRECTION, direction);
	request_put_u16(&req, VNITRO_A_NACL_RULE_NUMBER, number);
	return request_nacl(&req, out);
}

VNITRO_EXPORT int vnitro_nacl_associate(struct vnitro_handle *h, const char *id,
					const char *subnet_id, struct vnitro_subnet *out)
{
	struct vnitro_subnet scratch;
	struct request req;

	request_init(&req, h, VNITRO_CMD_NACL_ASSOCIATE, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_NACL_ID, id);
	request_put_string(&req, VNITRO_A_SUBNET_ID, subnet_id);
	return request_do(&req, &subnet_decoder, out ? out : &scratch);
}
