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

int run_on_id(int argc, char **argv, const char *object, const char *what,
	      const char *(*check)(const char *word, const char *what),
	      int (*op)(struct vnitro_handle *h, const char *id))
{
	arg_cursor args(argc, argv, object);
	char missing[64];
	const char *id;
	session s;

	if (!args.more()) {
		snprintf(missing, sizeof(missing), "the %s id", what);
		args.missing(missing);
	}
	id = check(args.next(), what);
	args.finish();
	if (!s.open())
		return STATUS_ERROR;
	return op(s.handle(), id) ? s.fail() : STATUS_OK;
}

} // namespace vnitro::cli
