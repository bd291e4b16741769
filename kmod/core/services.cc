// SPDX-License-Identifier: GPL-2.0
// services.cc - the core's life cycle: installing the services table.
#include "base/base.h"

namespace vnitro::base {

const vcore_services *svc;

} // namespace vnitro::base

extern "C" {

void vcore_core_init(const struct vcore_services *services)
{
	vnitro::base::svc = services;
}

void vcore_core_exit(void)
{
	vnitro::base::svc = nullptr;
}

} // extern "C"
