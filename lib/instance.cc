// SPDX-License-Identifier: LGPL-2.1-or-later
/* Instances: network namespaces registered with their primary ENI. */
#include <errno.h>
#include <string.h>

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
	return vnitro_instance_add_placed(h, name, netns_fd, subnet_id, private_ip, type,
					  nullptr, 0, out);
}

VNITRO_EXPORT int vnitro_instance_add_placed(struct vnitro_handle *h, const char *name,
					     int netns_fd, const char *subnet_id,
					     uint32_t private_ip, const char *type,
					     const char *placement_group, uint32_t partition,
					     struct vnitro_instance *out)
{
	struct vnitro_instance_spec spec = {};

	spec.name = name;
	spec.subnet_id = subnet_id;
	spec.netns_fd = netns_fd;
	spec.private_ip = private_ip;
	spec.type = type;
	spec.placement_group = placement_group;
	spec.partition = partition;
	return vnitro_instance_create(h, &spec, out);
}

VNITRO_EXPORT int vnitro_instance_create(struct vnitro_handle *h,
					 const struct vnitro_instance_spec *spec,
					 struct vnitro_instance *out)
{
	struct vnitro_instance scratch;
	struct request req;

	request_init(&req, h, VNITRO_CMD_INSTANCE_ADD, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_INSTANCE_NAME, spec->name);
	request_put_string(&req, VNITRO_A_SUBNET_ID, spec->subnet_id);
	if (spec->host)
		request_put_u32(&req, VNITRO_A_INSTANCE_HOST, spec->host);
	else if (spec->netns_fd >= 0)
		request_put_u32(&req, VNITRO_A_NETNS_FD, uint32_t(spec->netns_fd));
	if (spec->private_ip)
		request_put_u32(&req, VNITRO_A_PRIVATE_IP, spec->private_ip);
	if (spec->type)
		request_put_string(&req, VNITRO_A_INSTANCE_TYPE, spec->type);
	if (spec->placement_group && *spec->placement_group)
		request_put_string(&req, VNITRO_A_PG_NAME, spec->placement_group);
	if (spec->partition)
		request_put_u32(&req, VNITRO_A_PG_PARTITION, spec->partition);
	if (spec->primary_eni_id)
		request_put_string(&req, VNITRO_A_ENI_ID, spec->primary_eni_id);
	if (spec->mac)
		request_put(&req, VNITRO_A_MAC, VNITRO_MAC_LEN, spec->mac);
	return request_do(&req, &instance_decoder, out ? out : &scratch);
}

static int tunnel_set(struct vnitro_handle *h, const char *dev, const uint32_t *local,
		      struct vnitro_tunnel *out)
{
	struct vnitro_tunnel scratch;
	struct request req;

	request_init(&req, h, VNITRO_CMD_TUNNEL_SET, NLM_F_ACK);
	if (dev && !dev[0])
		request_put(&req, VNITRO_A_TUNNEL_DEV, 1, "");	/* none */
	else
		request_put_string(&req, VNITRO_A_TUNNEL_DEV, dev);
	if (local)
		request_put_u32(&req, VNITRO_A_TUNNEL_LOCAL, *local);
	return request_do(&req, &tunnel_decoder, out ? out : &scratch);
}

VNITRO_EXPORT int vnitro_tunnel_set(struct vnitro_handle *h, const char *dev,
				    struct vnitro_tunnel *out)
{
	return tunnel_set(h, dev, nullptr, out);
}

VNITRO_EXPORT int vnitro_tunnel_set_local(struct vnitro_handle *h, const char *dev,
					  uint32_t local, struct vnitro_tunnel *out)
{
	return tunnel_set(h, dev, &local, out);
}

VNITRO_EXPORT int vnitro_tunnel_get(struct vnitro_handle *h, struct vnitro_tunnel *out)
{
	struct request req;

	request_init(&req, h, VNITRO_CMD_TUNNEL_GET, NLM_F_ACK);
	return request_do(&req, &tunnel_decoder, out);
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

VNITRO_EXPORT int vnitro_instance_set(struct vnitro_handle *h, const char *name,
				      const struct vnitro_md_changes *c,
				      struct vnitro_instance *out)
{
	struct vnitro_instance scratch;
	struct request req;

	/* Above a u8 the kernel would see a truncated value: refuse here. */
	if (c->tokens > UINT8_MAX || c->hop_limit > UINT8_MAX || c->endpoint > UINT8_MAX)
		return set_error(h, -EINVAL, "metadata option out of range (hop limit: 1 to %d)",
				 VNITRO_MD_HOP_LIMIT_MAX);
	request_init(&req, h, VNITRO_CMD_INSTANCE_SET, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_INSTANCE_NAME, name);
	if (c->tokens >= 0)
		request_put_u8(&req, VNITRO_A_MD_HTTP_TOKENS, uint8_t(c->tokens));
	if (c->hop_limit >= 0)
		request_put_u8(&req, VNITRO_A_MD_HOP_LIMIT, uint8_t(c->hop_limit));
	if (c->endpoint >= 0)
		request_put_u8(&req, VNITRO_A_MD_ENDPOINT, uint8_t(c->endpoint));
	return request_do(&req, &instance_decoder, out ? out : &scratch);
}

VNITRO_EXPORT int vnitro_pg_add(struct vnitro_handle *h, const char *name, uint8_t strategy,
				uint32_t partition_count, uint8_t spread_level,
				struct vnitro_placement_group *out)
{
	struct vnitro_placement_group scratch;
	struct request req;

	request_init(&req, h, VNITRO_CMD_PG_ADD, NLM_F_ACK);
	request_put_string(&req, VNITRO_A_PG_NAME, name);
	request_put_u8(&req, VNITRO_A_PG_STRATEGY, strategy);
	if (partition_count)
		request_put_u32(&req, VNITRO_A_PG_PARTITION_COUNT, partition_count);
	if (spread_level)
		request_put_u8(&req, VNITRO_A_PG_SPREAD_LEVEL, spread_level);
	return request_do(&req, &pg_decoder, out ? out : &scratch);
}

VNITRO_EXPORT int vnitro_pg_del(struct vnitro_handle *h, const char *name)
{
	return request_by_key(h, VNITRO_CMD_PG_DEL, VNITRO_A_PG_NAME, name, nullptr, nullptr);
}

VNITRO_EXPORT int vnitro_pg_get(struct vnitro_handle *h, const char *name_or_id,
				struct vnitro_placement_group *out)
{
	/* A name may begin with "pg-" too: only "pg-" and 17 hex digits is an id. */
	bool by_id = strlen(name_or_id) == 20 && !strncmp(name_or_id, "pg-", 3) &&
		     strspn(name_or_id + 3, "0123456789abcdef") == 17;

	return request_by_key(h, VNITRO_CMD_PG_GET, by_id ? VNITRO_A_PG_ID : VNITRO_A_PG_NAME,
			      name_or_id, &pg_decoder, out);
}

VNITRO_EXPORT int vnitro_pg_list(struct vnitro_handle *h, struct vnitro_placement_group **items,
				 size_t *count)
{
	return request_list_of(h, VNITRO_CMD_PG_GET, &pg_decoder, items, count);
}
