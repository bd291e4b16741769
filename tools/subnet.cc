// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro subnet": show the subnets the module knows. */
#include <stdlib.h>

#include "cli.h"
#include "print.h"

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
	struct vnitro_subnet *list = nullptr, one;
	size_t count = 1;
	session s;
	int rc;

	args.finish();
	if (!s.open())
		return STATUS_ERROR;
	if (id)
		rc = vnitro_subnet_get(s.handle(), id, &one);
	else
		rc = vnitro_subnet_list(s.handle(), &list, &count);
	if (rc)
		return s.fail();

	printer p(stdout, opts->json, opts->pretty);
	p.open_array();
	for (size_t i = 0; i < count; i++)
		print_subnet(p, id ? one : list[i]);
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

const struct object subnet_object = {
	"subnet", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli
