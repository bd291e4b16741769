// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro vpc": show the VPCs the module knows. */
#include <stdlib.h>

#include "cli.h"
#include "print.h"

namespace vnitro::cli {

namespace {

void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro vpc { show | list } [ ID ]\n"
		"       vnitro vpc help\n");
}

void print_vpc(printer &p, const struct vnitro_vpc &v)
{
	char cidr[CIDR_STRLEN];

	p.open_object();
	p.string("id", "%s:", v.id);
	p.string("cidr", " cidr %s",
		 format_cidr(v.cidr_addr, v.cidr_prefixlen, cidr));
	p.close_object();
}

int do_show(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "vpc");
	const char *id = args.more() ? check_id(args.next(), "VPC") : nullptr;
	struct vnitro_vpc *list = nullptr, one;
	size_t count = 1;
	session s;
	int rc;

	args.finish();
	if (!s.open())
		return STATUS_ERROR;
	if (id)
		rc = vnitro_vpc_get(s.handle(), id, &one);
	else
		rc = vnitro_vpc_list(s.handle(), &list, &count);
	if (rc)
		return s.fail();

	printer p(stdout, opts->json, opts->pretty);
	p.open_array();
	for (size_t i = 0; i < count; i++)
		print_vpc(p, id ? one : list[i]);
	p.close_array();
	free(list);
	return STATUS_OK;
}

int do_help(const struct options *, int, char **)
{
	usage(stdout);
	return STATUS_OK;
}

const struct command commands[] = {
	{ "show", do_show },	/* the default */
	{ "list", do_show },
	{ "help", do_help },
};

} // namespace

const struct object vpc_object = {
	"vpc", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli
