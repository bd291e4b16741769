// SPDX-License-Identifier: GPL-2.0-only
/* The CLI's connection to the vnitro module for the length of one command. */
#include "cli.h"

namespace vnitro::cli {

bool session::open()
{
	if (vnitro_open(&h_) == 0)
		return true;
	/* h_ is NULL only when out of memory; last_error copes. */
	report_error("%s", vnitro_last_error(h_));
	return false;
}

int session::fail() const
{
	return report_error("%s", vnitro_last_error(h_));
}

} // namespace vnitro::cli
