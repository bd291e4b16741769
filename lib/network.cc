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
