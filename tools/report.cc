// SPDX-License-Identifier: GPL-2.0-only
/* Error reporting: "Error: ..." or, under -j, {"error":"..."} on stderr. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "print.h"

namespace vnitro::cli {

namespace {

bool report_json;	/* set once, from -j, before any error */

void vreport(const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fflush(stdout);
	if (report_json) {
		printer p(stderr, true, false);

		p.open_object();
		p.string("error", nullptr, msg);
		p.close_object();
	} else {
		fprintf(stderr, "Error: %s\n", msg);
	}
}

} // namespace

void report_set_json(bool json)
{
	report_json = json;
}

int report_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	return STATUS_ERROR;
}

/* Like iproute2's invarg(): bad syntax ends the program before any work. */
void usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	exit(STATUS_USAGE);
}

} // namespace vnitro::cli
