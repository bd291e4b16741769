// SPDX-License-Identifier: LGPL-2.1-or-later
/* Route tables, internet gateways and egress-only internet gateways. */
#include "internal.h"
#include <string.h>

using namespace vnitro::lib;

namespace {

/* ROUTE_ADD of the destination route_put_destination() put, to @target_id. */
int route_add(struct request *req, const char *target_id, struct vnitro_route *out)
{
	struct vnitro_route scratch;
	bool eni = target_id && !strncmp(target_id, "eni-", 4);

	request_put_string(req, eni ? VNITRO_A_ENI_ID : VNITRO_A_IGW_ID, target_id);
	return request_do(req, &route_decoder, out ? out : &scratch);
}

} // namespace

namespace vnitro::lib {

void route_put_destination(struct request *req, const char *subnet_id, uint32_t addr,
			   const uint8_t *addr6, uint8_t prefixlen)
{
	request_put_string(req, VNITRO_A_SUBNET_ID, subnet_id);
	if (addr6) {
		request_put(req, VNITRO_A_IPV6_CIDR_ADDR, 16, addr6);
		request_put_u8(req, VNITRO_A_IPV6_CIDR_PREFIXLEN, prefixlen);
	} else {
		request_put_u32(req, VNITRO_A_CIDR_ADDR, addr);
		request_put_u8(req, VNITRO_A_CIDR_PREFIXLEN, prefixlen);
	}
}

void igw_put_add(struct request *req, const char *id, const char *vpc_id, int netns_fd,
		 const char *netns_name, int frag_needed)
{
	request_put_string(req, VNITRO_A_IGW_ID, id);
	request_put_string(req, VNITRO_A_VPC_ID, vpc_id);
	if (netns_fd >= 0)
		request_put_u32(req, VNITRO_A_NETNS_FD, uint32_t(netns_fd));
	if (netns_name)
		request_put_string(req, VNITRO_A_NETNS_NAME, netns_name);
	if (frag_needed >= 0)
		request_put_u8(req, VNITRO_A_FRAG_NEEDED, uint8_t(frag_needed));
}

} // namespace vnitro::lib

VNITRO_EXPORT int vnitro_route_add(struct vnitro_handle *h,
				   const char *subnet_id, uint32_t addr,
				   uint8_t prefixlen, const char *target_id,
				   struct vnitro_route *out)
{
	struct request req;

	request_init(&req, h, VNITRO_CMD_ROUTE_ADD, NLM_F_ACK);
	route_put_destination(&req, subnet_id, addr, nullptr, prefixlen);
	return route_add(&req, target_id, out);
}

VNITRO_EXPORT int vnitro_route_add_ipv6(struct vnitro_handle *h, const char *subnet_id,
					const uint8_t *addr6, uint8_t prefixlen,
					const char *target_id, struct vnitro_route *out)
{
	struct request req;

	request_init(&req, h, VNITRO_CMD_ROUTE_ADD, NLM_F_ACK);
	route_put_destination(&req, subnet_id, 0, addr6, prefixlen);
	return route_add(&req, target_id, out);
}

VNITRO_EXPORT int vnitro_route_del(struct vnitro_handle *h,
				   const char *subnet_id, uint32_t addr,
				   uint8_t prefixlen)
{
	struct request req;

	request_init(&req, h, VNITRO_CMD_ROUTE_DEL, NLM_F_ACK);
	route_put_destination(&req, subnet_id, addr, nullptr, prefixlen);
	return request_do(&req, nullptr, nullptr);
}

VNITRO_EXPORT int vnitro_route_del_ipv6(struct vnitro_handle *h, const char *subnet_id,
					const uint8_t *addr6, uint8_t prefixlen)
{
	struct request req;

	request_init(&req, h, VNITRO_CMD_ROUTE_DEL, NLM_F_ACK);
	route_put_destination(&req, subnet_id, 0, addr6, prefixlen);
	return request_do(&req, nullptr, nullptr);
}

VNITRO_EXPORT int vnitro_route_list(struct vnitro_handle *h,
				    struct vnitro_route **items, size_t *count)
{
	return request_list_of(h, VNITRO_CMD_ROUTE_GET, &route_decoder, items,
			       count);
}

VNITRO_EXPORT int vnitro_igw_add(struct vnitro_handle *h, const char *id,
				 const char *vpc_id, int netns_fd,
				 const char *netns_name, int frag_needed,
				 struct vnitro_igw *out)
{
	struct vnitro_igw scratch;
	struct request req;

	request_init(&req, h, VNITRO_CMD_IGW_ADD, NLM_F_ACK);
	igw_put_add(&req, id, vpc_id, netns_fd, netns_name, !!frag_needed);
	return request_do(&req, &igw_decoder, out ? out : &scratch);
}

VNITRO_EXPORT int vnitro_eigw_add(struct vnitro_handle *h, const char *id,
				  const char *vpc_id, int netns_fd,
				  const char *netns_name, struct vnitro_igw *out)
{
	struct vnitro_igw scratch;
	struct request req;

	if (id && strncmp(id, VNITRO_EIGW_ID_PREFIX, strlen(VNITRO_EIGW_ID_PREFIX)))
		return set_error(h, -EINVAL, "\"%s\" is not an egress-only internet gateway id (\"%s...\")",
				 id, VNITRO_EIGW_ID_PREFIX);
	request_init(&req, h, VNITRO_CMD_IGW_ADD, NLM_F_ACK);
	igw_put_add(&req, id, vpc_id, netns_fd, netns_name, -1);
	return request_do(&req, &igw_decoder, out ? out : &scratch);
}

VNITRO_EXPORT int vnitro_igw_del(struct vnitro_handle *h, const char *id)
{
	return request_by_key(h, VNITRO_CMD_IGW_DEL, VNITRO_A_IGW_ID, id,
			      nullptr, nullptr);
}

VNITRO_EXPORT int vnitro_igw_set(struct vnitro_handle *h, const char *id,
				 int frag_needed, struct vnitro_igw *out)
{
	struct vnitro_igw scratch;
	struct request req;

	request_init(&req, h, VNITRO_CMD_IGW_SET, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_IGW_ID, id);
	request_put_u8(&req, VNITRO_A_FRAG_NEEDED, uint8_t(!!frag_needed));
	return request_do(&req, &igw_decoder, out ? out : &scratch);
}

VNITRO_EXPORT int vnitro_igw_get(struct vnitro_handle *h, const char *id,
				 struct vnitro_igw *out)
{
	return request_by_key(h, VNITRO_CMD_IGW_GET, VNITRO_A_IGW_ID, id,
			      &igw_decoder, out);
}

VNITRO_EXPORT int vnitro_igw_list(struct vnitro_handle *h,
				  struct vnitro_igw **items, size_t *count)
{
	return request_list_of(h, VNITRO_CMD_IGW_GET, &igw_decoder, items,
			       count);
}
