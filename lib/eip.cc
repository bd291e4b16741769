// SPDX-License-Identifier: LGPL-2.1-or-later
/* Elastic IP addresses: allocation, association, and the public pool. */
#include <errno.h>
#include <string.h>

#include "internal.h"

using namespace vnitro::lib;

namespace {

/* request_do() of a request answered by an address, into @out or (NULL) a scratch one. */
int request_eip(struct request *req, struct vnitro_eip *out)
{
	struct vnitro_eip scratch;

	return request_do(req, &eip_decoder, out ? out : &scratch);
}

} // namespace

VNITRO_EXPORT int vnitro_eip_add(struct vnitro_handle *h, const char *id, uint32_t public_ip,
				 struct vnitro_eip *out)
{
	struct request req;

	request_init(&req, h, VNITRO_CMD_EIP_ADD, NLM_F_ACK);
	if (id)
		request_put_string(&req, VNITRO_A_EIP_ALLOCATION_ID, id);
	if (public_ip)
		request_put_u32(&req, VNITRO_A_PUBLIC_IP, public_ip);
	return request_eip(&req, out);
}

VNITRO_EXPORT int vnitro_eip_del(struct vnitro_handle *h, const char *id)
{
	return request_by_key(h, VNITRO_CMD_EIP_DEL, VNITRO_A_EIP_ALLOCATION_ID, id, nullptr,
			      nullptr);
}

VNITRO_EXPORT int vnitro_eip_get(struct vnitro_handle *h, const char *id, struct vnitro_eip *out)
{
	return request_by_key(h, VNITRO_CMD_EIP_GET, VNITRO_A_EIP_ALLOCATION_ID, id, &eip_decoder,
			      out);
}

VNITRO_EXPORT int vnitro_eip_list(struct vnitro_handle *h, struct vnitro_eip **items,
				  size_t *count)
{
	return request_list_of(h, VNITRO_CMD_EIP_GET, &eip_decoder, items, count);
}

VNITRO_EXPORT int vnitro_eip_associate(struct vnitro_handle *h, const char *id,
				       const char *eni_id, uint32_t private_ip,
				       int allow_reassociation, struct vnitro_eip *out)
{
	struct request req;

	request_init(&req, h, VNITRO_CMD_EIP_ASSOCIATE, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_EIP_ALLOCATION_ID, id);
	request_put_string(&req, VNITRO_A_ENI_ID, eni_id);
	if (private_ip)
		request_put_u32(&req, VNITRO_A_PRIVATE_IP, private_ip);
	if (allow_reassociation)
		request_put(&req, VNITRO_A_EIP_ALLOW_REASSOCIATION, 0, nullptr);
	return request_eip(&req, out);
}

VNITRO_EXPORT int vnitro_eip_disassociate(struct vnitro_handle *h, const char *id)
{
	bool by_association = id && !strncmp(id, "eipassoc-", 9);

	return request_by_key(h, VNITRO_CMD_EIP_DISASSOCIATE,
			      by_association ? VNITRO_A_EIP_ASSOCIATION_ID
					     : VNITRO_A_EIP_ALLOCATION_ID,
			      id, nullptr, nullptr);
}

VNITRO_EXPORT int vnitro_eip_pool_get(struct vnitro_handle *h, struct vnitro_eip_pool *out)
{
	struct request req;

	request_init(&req, h, VNITRO_CMD_EIP_POOL_GET, NLM_F_ACK);
	return request_do(&req, &eip_pool_decoder, out);
}

VNITRO_EXPORT int vnitro_eip_pool_set(struct vnitro_handle *h, uint32_t addr, uint8_t prefixlen,
				      struct vnitro_eip_pool *out)
{
	struct vnitro_eip_pool scratch;
	struct request req;

	request_init(&req, h, VNITRO_CMD_EIP_POOL_SET, NLM_F_ACK);
	request_put_u32(&req, VNITRO_A_CIDR_ADDR, addr);
	request_put_u8(&req, VNITRO_A_CIDR_PREFIXLEN, prefixlen);
	return request_do(&req, &eip_pool_decoder, out ? out : &scratch);
}
