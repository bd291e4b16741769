// SPDX-License-Identifier: LGPL-2.1-or-later
/* ENIs: creating, deleting, attaching, detaching and reading them. */
#include <errno.h>
#include <string.h>

#include "internal.h"

using namespace vnitro::lib;

/* The settings of ENI_SET (and of ENI_ADD) that @s asks for. */
static void put_settings(struct request *req, const struct vnitro_eni_settings *s)
{
	if (s->set_source_dest_check)
		request_put_u8(req, VNITRO_A_SOURCE_DEST_CHECK,
			       uint8_t(!!s->source_dest_check));
	if (s->set_ena_express)
		request_put_u8(req, VNITRO_A_ENA_EXPRESS, uint8_t(!!s->ena_express));
	if (s->set_ena_express_udp)
		request_put_u8(req, VNITRO_A_ENA_EXPRESS_UDP,
			       uint8_t(!!s->ena_express_udp));
	if (s->set_tcp_established_timeout)
		request_put_u32(req, VNITRO_A_TCP_ESTABLISHED_TIMEOUT,
				s->tcp_established_timeout);
	if (s->set_udp_stream_timeout)
		request_put_u32(req, VNITRO_A_UDP_STREAM_TIMEOUT, s->udp_stream_timeout);
	if (s->set_udp_timeout)
		request_put_u32(req, VNITRO_A_UDP_TIMEOUT, s->udp_timeout);
	/* An empty description clears it: put it even when "". */
	if (s->description && !req->err)
		request_put(req, VNITRO_A_DESCRIPTION, strlen(s->description) + 1,
			    s->description);
	if (s->set_security_groups && !s->security_group_count) {
		/*
		 * libnl drops an empty nest; the kernel takes a zero-length
		 * one (flagged nested, as strict validation wants), and refuses
		 * it with EC2's reason (a list is never empty).
		 */
		request_put(req, VNITRO_A_SECURITY_GROUPS | NLA_F_NESTED, 0, nullptr);
	} else if (s->set_security_groups) {
		struct nlattr *nest = request_nest_start(req, VNITRO_A_SECURITY_GROUPS);

		for (size_t i = 0; i < s->security_group_count; i++)
			request_put_string(req, VNITRO_A_SECURITY_GROUP_ID,
					   s->security_groups[i]);
		request_nest_end(req, nest);
	}
}

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
	if (spec->settings)
		put_settings(&req, spec->settings);
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

VNITRO_EXPORT int vnitro_eni_attach_card(struct vnitro_handle *h, const char *id,
					 const char *instance, uint32_t network_card,
					 uint32_t device_index, struct vnitro_eni *out)
{
	struct vnitro_eni scratch;
	struct request req;

	request_init(&req, h, VNITRO_CMD_ENI_ATTACH, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_ENI_ID, id);
	request_put_string(&req, VNITRO_A_INSTANCE_NAME, instance);
	/* Card 0 is the kernel's default: left out, the request suits a module without cards. */
	if (network_card)
		request_put_u32(&req, VNITRO_A_NETWORK_CARD, network_card);
	request_put_u32(&req, VNITRO_A_DEVICE_INDEX, device_index);
	return request_do(&req, &eni_decoder, out ? out : &scratch);
}

VNITRO_EXPORT int vnitro_eni_attach(struct vnitro_handle *h, const char *id,
				    const char *instance, uint32_t device_index,
				    struct vnitro_eni *out)
{
	return vnitro_eni_attach_card(h, id, instance, 0, device_index, out);
}

VNITRO_EXPORT int vnitro_eni_detach(struct vnitro_handle *h, const char *id)
{
	return request_by_key(h, VNITRO_CMD_ENI_DETACH, VNITRO_A_ENI_ID, id,
			      nullptr, nullptr);
}

VNITRO_EXPORT int vnitro_eni_set(struct vnitro_handle *h, const char *id,
				 const struct vnitro_eni_settings *s,
				 struct vnitro_eni *out)
{
	struct vnitro_eni scratch;
	struct request req;

	request_init(&req, h, VNITRO_CMD_ENI_SET, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_ENI_ID, id);
	put_settings(&req, s);
	return request_do(&req, &eni_decoder, out ? out : &scratch);
}

VNITRO_EXPORT int vnitro_eni_ip_assign(struct vnitro_handle *h, const char *id,
				       uint32_t ip, uint32_t count,
				       struct vnitro_eni *out)
{
	struct vnitro_eni scratch;
	struct request req;

	request_init(&req, h, VNITRO_CMD_ENI_IP_ASSIGN, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_ENI_ID, id);
	if (ip)
		request_put_u32(&req, VNITRO_A_PRIVATE_IP, ip);
	else
		request_put_u32(&req, VNITRO_A_IP_COUNT, count);
	return request_do(&req, &eni_decoder, out ? out : &scratch);
}

VNITRO_EXPORT int vnitro_eni_ip_unassign(struct vnitro_handle *h,
					 const char *id, uint32_t ip,
					 struct vnitro_eni *out)
{
	struct vnitro_eni scratch;
	struct request req;

	request_init(&req, h, VNITRO_CMD_ENI_IP_UNASSIGN, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_ENI_ID, id);
	request_put_u32(&req, VNITRO_A_PRIVATE_IP, ip);
	return request_do(&req, &eni_decoder, out ? out : &scratch);
}

VNITRO_EXPORT int vnitro_eni_ipv6_assign(struct vnitro_handle *h, const char *id,
					 const uint8_t *addr, uint32_t count,
					 struct vnitro_eni *out)
{
	struct vnitro_eni scratch;
	struct request req;

	request_init(&req, h, VNITRO_CMD_ENI_IP_ASSIGN, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_ENI_ID, id);
	if (addr)
		request_put(&req, VNITRO_A_IPV6_ADDR, 16, addr);
	else
		request_put_u32(&req, VNITRO_A_IPV6_COUNT, count);
	return request_do(&req, &eni_decoder, out ? out : &scratch);
}

VNITRO_EXPORT int vnitro_eni_ipv6_unassign(struct vnitro_handle *h, const char *id,
					   const uint8_t *addr, struct vnitro_eni *out)
{
	struct vnitro_eni scratch;
	struct request req;

	request_init(&req, h, VNITRO_CMD_ENI_IP_UNASSIGN, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_ENI_ID, id);
	request_put(&req, VNITRO_A_IPV6_ADDR, 16, addr);
	return request_do(&req, &eni_decoder, out ? out : &scratch);
}
