// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro subnet": show the subnets the module knows. */
#include "cli.h"
#include "print.h"
#include "show.h"

namespace vnitro::cli {

namespace {

void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro subnet { show | list } [ ID ]\n"
		"       vnitro subnet help\n");
}

void print_subnet(printer &p, const struct vnitro_subnet &sn)
{
	char cidr[CIDR_STRLEN];

	p.open_object();
	p.string("id", "%s:", sn.id);
	p.string("vpc", " vpc %s", sn.vpc_id);
	p.string("cidr", " cidr %s",
		 format_cidr(sn.cidr_addr, sn.cidr_prefixlen, cidr));
	p.string("az", " az %s", sn.az);
	p.close_object();
}

int do_show(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "subnet");
	const char *id = args.more() ? check_id(args.next(), "subnet")
				     : nullptr;

	args.finish();
	return show_objects(opts, id, vnitro_subnet_get, vnitro_subnet_list,
			    print_subnet);
}

const struct command commands[] = {
	{ "show", do_show },	/* the default */
	{ "list", do_show },
};

} // namespace

const struct object subnet_object = {
	"subnet", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli
