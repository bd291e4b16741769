// SPDX-License-Identifier: LGPL-2.1-or-later
/* The world's settings: the rate scale of every bandwidth allowance, and burst seconds. */
#include <errno.h>

#include "internal.h"

using namespace vnitro::lib;

VNITRO_EXPORT int vnitro_world_get(struct vnitro_handle *h, struct vnitro_world *out)
{
	struct request req;

	request_init(&req, h, VNITRO_CMD_WORLD_GET, NLM_F_ACK);
	return request_do(&req, &world_decoder, out);
}

VNITRO_EXPORT int vnitro_world_set(struct vnitro_handle *h, uint32_t rate_scale,
				   uint32_t burst_seconds, struct vnitro_world *out)
{
	struct vnitro_world scratch;
	struct request req;

	/* Without an attribute WORLD_SET would change nothing: refuse here. */
	if (!rate_scale && !burst_seconds)
		return set_error(h, -EINVAL, "nothing to set: a rate scale, burst seconds or both");
	request_init(&req, h, VNITRO_CMD_WORLD_SET, NLM_F_ACK);
	if (rate_scale)
		request_put_u32(&req, VNITRO_A_RATE_SCALE, rate_scale);
	if (burst_seconds)
		request_put_u32(&req, VNITRO_A_BURST_SECONDS, burst_seconds);
	return request_do(&req, &world_decoder, out ? out : &scratch);
}
