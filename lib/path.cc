// SPDX-License-Identifier: LGPL-2.1-or-later
/* The path model: the spine paths between ENIs, the world's model and each path's, and its seed. */
#include <errno.h>

#include "internal.h"

namespace vnitro::lib {

namespace {

/* A u32 field of PATH_SET: its attribute, and where vnitro_path_change keeps it. */
struct path_field {
	int attr;
	int vnitro_path_change::*set;
	uint32_t vnitro_path_change::*value;
};

/* In the order of the attributes. */
const struct path_field path_fields[] = {
	{ VNITRO_A_PATH_LOSS_PPM, &vnitro_path_change::set_loss_ppm,
	  &vnitro_path_change::loss_ppm },
	{ VNITRO_A_PATH_REORDER_PPM, &vnitro_path_change::set_reorder_ppm,
	  &vnitro_path_change::reorder_ppm },
	{ VNITRO_A_PATH_DELAY_US, &vnitro_path_change::set_delay_us,
	  &vnitro_path_change::delay_us },
	{ VNITRO_A_PATH_REORDER_DELAY_US, &vnitro_path_change::set_reorder_delay_us,
	  &vnitro_path_change::reorder_delay_us },
	{ VNITRO_A_PATH_JITTER_US, &vnitro_path_change::set_jitter_us,
	  &vnitro_path_change::jitter_us },
	{ VNITRO_A_PATH_CONGESTION_PPM, &vnitro_path_change::set_congestion_ppm,
	  &vnitro_path_change::congestion_ppm },
	{ VNITRO_A_PATH_CONGESTION_DELAY_US, &vnitro_path_change::set_congestion_delay_us,
	  &vnitro_path_change::congestion_delay_us },
	{ VNITRO_A_PATH_CONGESTION_LOSS_PPM, &vnitro_path_change::set_congestion_loss_ppm,
	  &vnitro_path_change::congestion_loss_ppm },
	{ VNITRO_A_PATH_EPISODE_US, &vnitro_path_change::set_episode_us,
	  &vnitro_path_change::episode_us },
	{ VNITRO_A_PATH_COUNT, &vnitro_path_change::set_paths, &vnitro_path_change::paths },
	{ VNITRO_A_PATH_NODE_DELAY_US, &vnitro_path_change::set_node_delay_us,
	  &vnitro_path_change::node_delay_us },
	{ VNITRO_A_PATH_AZ_DELAY_US, &vnitro_path_change::set_az_delay_us,
	  &vnitro_path_change::az_delay_us },
};

} // namespace

bool path_change_empty(const struct vnitro_path_change *c)
{
	for (const struct path_field &f : path_fields)
		if (c->*f.set)
			return false;
	return !c->set_seed;
}

void path_put_change(struct request *req, const struct vnitro_path_change *c)
{
	if (c->has_index)
		request_put_u32(req, VNITRO_A_PATH_INDEX, c->index);
	for (const struct path_field &f : path_fields)
		if (c->*f.set)
			request_put_u32(req, f.attr, c->*f.value);
	if (c->set_seed)
		request_put_u64(req, VNITRO_A_PATH_SEED, c->seed);
}

} // namespace vnitro::lib

using namespace vnitro::lib;

VNITRO_EXPORT int vnitro_path_get(struct vnitro_handle *h, struct vnitro_path *out)
{
	struct request req;

	request_init(&req, h, VNITRO_CMD_PATH_GET, NLM_F_ACK);
	return request_do(&req, &path_decoder, out);
}

VNITRO_EXPORT int vnitro_path_set(struct vnitro_handle *h, const struct vnitro_path_change *c,
				  struct vnitro_path *out)
{
	struct vnitro_path scratch;
	struct request req;

	/* Without a field PATH_SET would change nothing: refused here, as the kernel would. */
	if (path_change_empty(c))
		return set_error(h, -EINVAL,
				 "nothing to set: give the loss, delays, congestion, paths or seed");
	request_init(&req, h, VNITRO_CMD_PATH_SET, NLM_F_ACK);
	path_put_change(&req, c);
	return request_do(&req, &path_decoder, out ? out : &scratch);
}
