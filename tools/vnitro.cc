// SPDX-License-Identifier: GPL-2.0-only
/* vnitro(8): global options and the OBJECT table; objects do the rest. */
#include <string.h>

#include "cli.h"

using namespace vnitro::cli;

namespace {

void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro [ OPTIONS ] OBJECT { COMMAND | help }\n"
		"       vnitro [ OPTIONS ] { apply FILE | dump }\n"
		"       vnitro exec INSTANCE [ -- ] [ COMMAND [ ARGS... ] ]\n"
		"       vnitro [ -V | -h ]\n"
		"where  OBJECT := { instance | eni | vpc | subnet | route | igw | eigw | sg | nacl | eip | world | path | placement-group | tunnel | cluster }\n"
		"       OPTIONS := { -j[son] | -p[retty] | -c[luster] | -V[ersion] | -h[elp] }\n"
		"-cluster: the change is made to the world of every host, in etcd\n"
		"($VNITRO_ETCD, under $VNITRO_ETCD_PREFIX or /vnitro), from a host whose\n"
		"vnitrod runs its latest revision (Documentation/cluster.md).\n"
		"Objects, commands and keywords may be abbreviated: \"vnitro en sh\";\n"
		"\"exec\" never is.\n"
		"Exit status: 0 success, 1 failure (e.g. the kernel refused),\n"
		"             2 usage error (nothing was done).\n");
}

/* "vnitro help" is an object of its own, as in iproute2, with only "help". */
const struct object help_object = {
	"help", nullptr, 0, usage,
};

const struct object *const objects[] = {
	&instance_object, &eni_object, &vpc_object, &subnet_object, &route_object,
	&igw_object, &eigw_object, &sg_object, &nacl_object, &eip_object, &services_object,
	&world_object, &path_object, &placement_group_object, &pg_object, &tunnel_object,
	&cluster_object, &apply_object, &dump_object, &help_object,
};
constexpr size_t object_count = sizeof(objects) / sizeof(objects[0]);

enum option { OPT_JSON, OPT_PRETTY, OPT_VERSION, OPT_HELP, OPT_CLUSTER };

/* -j, -json, --json, ...: iproute2 takes one or two dashes. */
enum option parse_option(const char *arg)
{
	static const char *const names[] = { "json", "pretty", "Version",
					     "version", "help", "cluster" };
	static const enum option options[] = { OPT_JSON, OPT_PRETTY,
					       OPT_VERSION, OPT_VERSION,
					       OPT_HELP, OPT_CLUSTER };
	const char *word = arg + (arg[1] == '-' ? 2 : 1);
	int i = match_word(word, names, 6, "option");

	if (i < 0)
		usage_error("unknown option \"%s\"; try \"vnitro help\"", arg);
	return options[i];
}

const struct object *find_object(const char *word)
{
	const char *names[object_count];
	int i;

	/*
	 * Outside the table: a command that runs programs is spelled out, and
	 * "vnitro e" does not match it.
	 */
	if (!strcmp(word, "exec"))
		return &exec_object;
	for (size_t k = 0; k < object_count; k++)
		names[k] = objects[k]->name;
	i = match_word(word, names, object_count, "object");
	if (i < 0)
		usage_error("unknown object \"%s\"; try \"vnitro help\"", word);
	return objects[i];
}

} // namespace

int main(int argc, char **argv)
{
	struct options opts = {};

	for (argc--, argv++; argc > 0 && argv[0][0] == '-'; argc--, argv++) {
		switch (parse_option(argv[0])) {
		case OPT_JSON:
			opts.json = true;
			report_set_json(true);
			break;
		case OPT_PRETTY:
			opts.pretty = true;
			break;
		case OPT_VERSION:
			printf("vnitro %s\n", vnitro_version());
			return STATUS_OK;
		case OPT_HELP:
			usage(stdout);
			return STATUS_OK;
		case OPT_CLUSTER:
			opts.cluster = true;
			break;
		}
	}
	if (argc == 0) {
		usage(stderr);
		return STATUS_USAGE;
	}
	const struct object *obj = find_object(argv[0]);
	if (!opts.cluster)
		return run_object(&opts, obj, argc - 1, argv + 1);
	/* What is not the world's: the cluster's own commands, a host's tunnel, programs. */
	if (obj == &cluster_object || obj == &tunnel_object || obj == &exec_object ||
	    obj == &apply_object || obj == &dump_object || obj == &help_object)
		usage_error("-cluster is for the commands that change the world, not \"%s\" "
			    "(vnitro cluster apply FILE and vnitro cluster dump are the whole world's)",
			    obj->name);
	return run_in_cluster(&opts, obj, argc - 1, argv + 1);
}
