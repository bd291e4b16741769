// SPDX-License-Identifier: LGPL-2.1-or-later
/* ENIs: creating, deleting, attaching, detaching and reading them. */
#include <errno.h>

#include "internal.h"

using namespace vnitro::lib;

VNITRO_EXPORT int vnitro_eni_add(struct vnitro_handle *h,
				 const struct vnitro_eni_spec *spec,
				 struct vnitro_eni *out)
{
	struct vnitro_eni scratch;
	struct request req;

	request_init(&req, h, VNITRO_CMD_ENI_ADD, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_SUBNET_ID, spec->subnet_id);
	if (spec->id)
		request_put_string(&req, VNITRO_A_ENI_ID, spec->id);
	if (spec->private_ip)
		request_put_u32(&req, VNITRO_A_PRIVATE_IP, spec->private_ip);
	if (spec->mac)
		request_put(&req, VNITRO_A_MAC, VNITRO_MAC_LEN, spec->mac);
	if (spec->type >= 0)
		request_put_u8(&req, VNITRO_A_ENI_TYPE, uint8_t(spec->type));
	return request_do(&req, &eni_decoder, out ? out : &scratch);
}

VNITRO_EXPORT int vnitro_eni_del(struct vnitro_handle *h, const char *id)
{
	return request_by_key(h, VNITRO_CMD_ENI_DEL, VNITRO_A_ENI_ID, id,
			      nullptr, nullptr);
}

VNITRO_EXPORT int vnitro_eni_get(struct vnitro_handle *h, const char *id,
				 struct vnitro_eni *out)
{
	return request_by_key(h, VNITRO_CMD_ENI_GET, VNITRO_A_ENI_ID, id,
			      &eni_decoder, out);
}

VNITRO_EXPORT int vnitro_eni_list(struct vnitro_handle *h,
				  struct vnitro_eni **items, size_t *count)
{
	return request_list_of(h, VNITRO_CMD_ENI_GET, &eni_decoder,
			       items, count);
}

VNITRO_EXPORT int vnitro_eni_attach(struct vnitro_handle *h, const char *id,
				    const char *instance, uint32_t device_index,
				    struct vnitro_eni *out)
{
	struct vnitro_eni scratch;
	struct request req;

	request_init(&req, h, VNITRO_CMD_ENI_ATTACH, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_ENI_ID, id);
	request_put_string(&req, VNITRO_A_INSTANCE_NAME, instance);
	request_put_u32(&req, VNITRO_A_DEVICE_INDEX, device_index);
	return request_do(&req, &eni_decoder, out ? out : &scratch);
}

VNITRO_EXPORT int vnitro_eni_detach(struct vnitro_handle *h, const char *id)
{
	return request_by_key(h, VNITRO_CMD_ENI_DETACH, VNITRO_A_ENI_ID, id,
			      nullptr, nullptr);
}
