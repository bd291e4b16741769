// SPDX-License-Identifier: GPL-2.0
// core_api.cc - the core's life cycle: installing the services table.
#include "base/base.h"

namespace vnitro::base {

const vnitro_services *svc;

} // namespace vnitro::base

extern "C" {

void vnitro_core_init(const struct vnitro_services *services)
{
	vnitro::base::svc = services;
}

void vnitro_core_exit(void)
{
	vnitro::base::svc = nullptr;
}

} // extern "C"
