// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro vpc": show the VPCs the module knows. */
#include "cli.h"
#include "print.h"
#include "show.h"

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

	args.finish();
	return show_objects(opts, id, vnitro_vpc_get, vnitro_vpc_list,
			    print_vpc);
}

const struct command commands[] = {
	{ "show", do_show },	/* the default */
	{ "list", do_show },
};

} // namespace

const struct object vpc_object = {
	"vpc", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli
