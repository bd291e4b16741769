// SPDX-License-Identifier: LGPL-2.1-or-later
/* Instances: network namespaces registered with their primary ENI. */
#include <errno.h>

#include "internal.h"

using namespace vnitro::lib;

VNITRO_EXPORT int vnitro_instance_add(struct vnitro_handle *h, const char *name,
				      int netns_fd, const char *subnet_id,
				      uint32_t private_ip,
				      struct vnitro_instance *out)
{
	return vnitro_instance_add_typed(h, name, netns_fd, subnet_id,
					 private_ip, nullptr, out);
}

VNITRO_EXPORT int vnitro_instance_add_typed(struct vnitro_handle *h,
					    const char *name, int netns_fd,
					    const char *subnet_id,
					    uint32_t private_ip,
					    const char *type,
					    struct vnitro_instance *out)
{
	struct vnitro_instance scratch;
	struct request req;

	request_init(&req, h, VNITRO_CMD_INSTANCE_ADD, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_INSTANCE_NAME, name);
	request_put_string(&req, VNITRO_A_SUBNET_ID, subnet_id);
	if (netns_fd >= 0)
		request_put_u32(&req, VNITRO_A_NETNS_FD, uint32_t(netns_fd));
	if (private_ip)
		request_put_u32(&req, VNITRO_A_PRIVATE_IP, private_ip);
	if (type)
		request_put_string(&req, VNITRO_A_INSTANCE_TYPE, type);
	return request_do(&req, &instance_decoder, out ? out : &scratch);
}

VNITRO_EXPORT int vnitro_type_get(struct vnitro_handle *h, const char *name,
				  struct vnitro_type *out)
{
	return request_by_key(h, VNITRO_CMD_TYPE_GET, VNITRO_A_INSTANCE_TYPE,
			      name, &type_decoder, out);
}

VNITRO_EXPORT int vnitro_type_list(struct vnitro_handle *h,
				   struct vnitro_type **items, size_t *count)
{
	return request_list_of(h, VNITRO_CMD_TYPE_GET, &type_decoder, items,
			       count);
}

VNITRO_EXPORT int vnitro_instance_del(struct vnitro_handle *h, const char *name)
{
	return request_by_key(h, VNITRO_CMD_INSTANCE_DEL,
			      VNITRO_A_INSTANCE_NAME, name, nullptr, nullptr);
}

VNITRO_EXPORT int vnitro_instance_get(struct vnitro_handle *h, const char *name,
				      struct vnitro_instance *out)
{
	return request_by_key(h, VNITRO_CMD_INSTANCE_GET,
			      VNITRO_A_INSTANCE_NAME, name, &instance_decoder,
			      out);
}

VNITRO_EXPORT int vnitro_instance_list(struct vnitro_handle *h,
				       struct vnitro_instance **items,
				       size_t *count)
{
	return request_list_of(h, VNITRO_CMD_INSTANCE_GET, &instance_decoder,
			       items, count);
}
