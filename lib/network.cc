// SPDX-License-Identifier: LGPL-2.1-or-later
/* VPCs and subnets: the network topology, read-only from userspace. */
#include "internal.h"

using namespace vnitro::lib;

VNITRO_EXPORT int vnitro_vpc_get(struct vnitro_handle *h, const char *id,
				 struct vnitro_vpc *out)
{
	return request_by_key(h, VNITRO_CMD_VPC_GET, VNITRO_A_VPC_ID, id,
			      &vpc_decoder, out);
}

VNITRO_EXPORT int vnitro_vpc_list(struct vnitro_handle *h,
				  struct vnitro_vpc **items, size_t *count)
{
	return request_list_of(h, VNITRO_CMD_VPC_GET, &vpc_decoder,
			       items, count);
}

VNITRO_EXPORT int vnitro_subnet_get(struct vnitro_handle *h, const char *id,
				    struct vnitro_subnet *out)
{
	return request_by_key(h, VNITRO_CMD_SUBNET_GET, VNITRO_A_SUBNET_ID, id,
			      &subnet_decoder, out);
}

VNITRO_EXPORT int vnitro_subnet_list(struct vnitro_handle *h,
				     struct vnitro_subnet **items,
				     size_t *count)
{
	return request_list_of(h, VNITRO_CMD_SUBNET_GET, &subnet_decoder,
			       items, count);
}

VNITRO_EXPORT int vnitro_vpc_add(struct vnitro_handle *h, const char *id,
				 uint32_t addr, uint8_t prefixlen,
				 struct vnitro_vpc *out)
{
	struct vnitro_vpc scratch;
	struct request req;

	request_init(&req, h, VNITRO_CMD_VPC_ADD, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_VPC_ID, id);
	request_put_u32(&req, VNITRO_A_CIDR_ADDR, addr);
	request_put_u8(&req, VNITRO_A_CIDR_PREFIXLEN, prefixlen);
	return request_do(&req, &vpc_decoder, out ? out : &scratch);
}

VNITRO_EXPORT int vnitro_vpc_del(struct vnitro_handle *h, const char *id)
{
	return request_by_key(h, VNITRO_CMD_VPC_DEL, VNITRO_A_VPC_ID, id,
			      nullptr, nullptr);
}

VNITRO_EXPORT int vnitro_subnet_add(struct vnitro_handle *h, const char *id,
				    const char *vpc_id, uint32_t addr,
				    uint8_t prefixlen, const char *az,
				    struct vnitro_subnet *out)
{
	struct vnitro_subnet scratch;
	struct request req;

	request_init(&req, h, VNITRO_CMD_SUBNET_ADD, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_SUBNET_ID, id);
	request_put_string(&req, VNITRO_A_VPC_ID, vpc_id);
	request_put_u32(&req, VNITRO_A_CIDR_ADDR, addr);
	request_put_u8(&req, VNITRO_A_CIDR_PREFIXLEN, prefixlen);
	request_put_string(&req, VNITRO_A_AZ, az);
	return request_do(&req, &subnet_decoder, out ? out : &scratch);
}

VNITRO_EXPORT int vnitro_subnet_del(struct vnitro_handle *h, const char *id)
{
	return request_by_key(h, VNITRO_CMD_SUBNET_DEL, VNITRO_A_SUBNET_ID, id,
			      nullptr, nullptr);
}

namespace {

// VPC_IPV6_SET and SUBNET_IPV6_SET: the object named by @key_attr gets @addr/@prefixlen.
int ipv6_block_set(struct vnitro_handle *h, int cmd, int key_attr, const char *id,
		   const uint8_t *addr, uint8_t prefixlen, const struct decoder *dec, void *out)
{
	struct request req;

	request_init(&req, h, cmd, NLM_F_ACK);
	request_put_string(&req, key_attr, id);
	if (addr)
		request_put(&req, VNITRO_A_IPV6_CIDR_ADDR, 16, addr);
	request_put_u8(&req, VNITRO_A_IPV6_CIDR_PREFIXLEN, prefixlen);
	return request_do(&req, dec, out);
}

} // namespace

VNITRO_EXPORT int vnitro_vpc_ipv6_set(struct vnitro_handle *h, const char *id,
				      const uint8_t *addr, uint8_t prefixlen,
				      struct vnitro_vpc *out)
{
	struct vnitro_vpc scratch;

	return ipv6_block_set(h, VNITRO_CMD_VPC_IPV6_SET, VNITRO_A_VPC_ID, id, addr, prefixlen,
			      &vpc_decoder, out ? out : &scratch);
}

VNITRO_EXPORT int vnitro_subnet_ipv6_set(struct vnitro_handle *h, const char *id,
					 const uint8_t *addr, uint8_t prefixlen,
					 struct vnitro_subnet *out)
{
	struct vnitro_subnet scratch;

	return ipv6_block_set(h, VNITRO_CMD_SUBNET_IPV6_SET, VNITRO_A_SUBNET_ID, id, addr, prefixlen,
			      &subnet_decoder, out ? out : &scratch);
}

VNITRO_EXPORT int vnitro_subnet_set_assign_ipv6(struct vnitro_handle *h, const char *id,
						uint8_t on, struct vnitro_subnet *out)
{
	struct vnitro_subnet scratch;
	struct request req;

	request_init(&req, h, VNITRO_CMD_SUBNET_IPV6_SET, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_SUBNET_ID, id);
	request_put_u8(&req, VNITRO_A_ASSIGN_IPV6_ON_CREATION, on);
	return request_do(&req, &subnet_decoder, out ? out : &scratch);
}
