// SPDX-License-Identifier: LGPL-2.1-or-later
/* The path model: the loss, delay and reordering of every path between ENIs, and its seed. */
#include <errno.h>

#include "internal.h"

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

	/* Without an attribute PATH_SET would change nothing: refused here, as the kernel would. */
	if (!c->set_loss_ppm && !c->set_reorder_ppm && !c->set_delay_us &&
	    !c->set_reorder_delay_us && !c->set_seed)
		return set_error(h, -EINVAL, "nothing to set: give the loss, reordering, delays or seed");
	request_init(&req, h, VNITRO_CMD_PATH_SET, NLM_F_ACK);
	if (c->set_loss_ppm)
		request_put_u32(&req, VNITRO_A_PATH_LOSS_PPM, c->loss_ppm);
	if (c->set_reorder_ppm)
		request_put_u32(&req, VNITRO_A_PATH_REORDER_PPM, c->reorder_ppm);
	if (c->set_delay_us)
		request_put_u32(&req, VNITRO_A_PATH_DELAY_US, c->delay_us);
	if (c->set_reorder_delay_us)
		request_put_u32(&req, VNITRO_A_PATH_REORDER_DELAY_US, c->reorder_delay_us);
	if (c->set_seed)
		request_put_u64(&req, VNITRO_A_PATH_SEED, c->seed);
	return request_do(&req, &path_decoder, out ? out : &scratch);
}
