// SPDX-License-Identifier: GPL-2.0-only
/*
 * "vnitro cluster": the world of several hosts, kept in etcd (Documentation/cluster.md).
 * The world is one topology file (vnitro dump's format, each instance with its "host")
 * under PREFIX/world; each host's vnitrod applies it as it changes. A change is
 * written only if the world is still at the revision the file was read at, so that of two
 * hosts changing it at once one wins and the other is told to read it again.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "etcd.h"
#include "topology.h"

namespace vnitro::cli {

namespace {

const char DEFAULT_PREFIX[] = "/vnitro";

void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro cluster apply FILE [ etcd URLS ] [ prefix PREFIX ]\n"
		"       vnitro cluster dump [ etcd URLS ] [ prefix PREFIX ]\n"
		"       vnitro cluster hosts [ etcd URLS ] [ prefix PREFIX ]\n"
		"       vnitro cluster help\n"
		"where  FILE := a topology file (vnitro dump's format) whose instances name\n"
		"               their \"host\" (\"-\": stdin)\n"
		"       URLS := etcd's endpoints, http://HOST:PORT[,...] (default $VNITRO_ETCD,\n"
		"               else http://127.0.0.1:2379)\n"
		"       PREFIX := where the world lives in etcd (default /vnitro)\n"
		"\"apply\" checks FILE as \"vnitro apply\" does and stores it as the world of\n"
		"every host (PREFIX/world), which each host's vnitrod applies. A FILE with\n"
		"\"cluster_revision\" (as \"dump\" writes it) is stored only if the world is\n"
		"still at that revision: a change made since is not overwritten, and the\n"
		"command fails saying so. \"dump\" prints the world with its revision;\n"
		"\"hosts\" the hosts whose vnitrod is alive (PREFIX/hosts/ADDRESS), each\n"
		"with the world's revision it applied last.\n");
}

struct cluster_args {
	std::string etcd = etcd::default_endpoints();
	std::string prefix = DEFAULT_PREFIX;
};

void parse_common(arg_cursor &args, struct cluster_args *a)
{
	static const char *const keywords[] = { "etcd", "prefix" };
	unsigned seen = 0;

	while (args.more()) {
		int k = args.keyword(keywords, 2);
		const char *value = args.value(keywords[k]);

		args.once(&seen, k, keywords[k]);
		if (k == 0) {
			a->etcd = value;
		} else {
			if (value[0] != '/' || strlen(value) < 2 || value[strlen(value) - 1] == '/')
				usage_error("\"%s\" is not a key prefix (\"/NAME\", no trailing \"/\")",
					    value);
			a->prefix = value;
		}
	}
}

int etcd_error(const etcd::client &c)
{
	return report_error("%s", c.why().c_str());
}

int do_apply(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "cluster");
	struct cluster_args a;
	int64_t expect, rev = 0, now = 0;
	std::string cur, value;
	const char *file;
	json_object *doc;
	bool found, won;
	topology t;

	if (!args.more())
		args.missing("FILE");
	file = args.next();
	parse_common(args, &a);
	t.load(file);		/* a bad file ends here, before etcd is asked */

	etcd::client c(a.etcd);
	if (!c.valid())
		usage_error("%s", c.why().c_str());
	if (!c.get(a.prefix + "/world", &cur, &rev, &found))
		return etcd_error(c);
	/* Without a revision in the file, the world as it is now is what it replaces. */
	expect = t.cluster_revision ? t.cluster_revision : rev;
	doc = t.document();
	json_object_object_del(doc, "cluster_revision");
	value = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
						     JSON_C_TO_STRING_SPACED |
						     JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!c.put_if(a.prefix + "/world", value, expect, &won, &now))
		return etcd_error(c);
	if (!won)
		return report_error("the world in etcd changed since revision %lld (it is at %lld now): "
				    "read it again (vnitro cluster dump) and make the change there",
				    (long long)expect, (long long)now);
	if (opts->json)
		printf("{\"cluster_revision\": %lld}\n", (long long)now);
	else
		printf("cluster_revision %lld\n", (long long)now);
	return STATUS_OK;
}

int do_dump(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "cluster");
	struct cluster_args a;
	std::string value;
	json_object *doc;
	int64_t rev = 0;
	bool found;

	parse_common(args, &a);
	etcd::client c(a.etcd);
	if (!c.valid())
		usage_error("%s", c.why().c_str());
	if (!c.get(a.prefix + "/world", &value, &rev, &found))
		return etcd_error(c);
	if (!found)
		return report_error("no world in etcd under %s: vnitro cluster apply FILE stores one",
				    a.prefix.c_str());
	doc = json_tokener_parse(value.c_str());
	if (!doc || !json_object_is_type(doc, json_type_object)) {
		json_object_put(doc);
		return report_error("the world in etcd under %s is not a topology file",
				    a.prefix.c_str());
	}
	json_object_object_add(doc, "cluster_revision", json_object_new_int64(rev));
	puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_NOSLASHESCAPE |
						      (opts->pretty ? JSON_C_TO_STRING_PRETTY |
								      JSON_C_TO_STRING_SPACED
								    : JSON_C_TO_STRING_PLAIN)));
	json_object_put(doc);
	return STATUS_OK;
}

int do_hosts(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "cluster");
	std::vector<std::pair<std::string, std::string>> hosts;
	struct cluster_args a;
	json_object *list;

	parse_common(args, &a);
	etcd::client c(a.etcd);
	if (!c.valid())
		usage_error("%s", c.why().c_str());
	if (!c.list(a.prefix + "/hosts/", &hosts))
		return etcd_error(c);
	list = json_object_new_array();
	for (const auto &h : hosts) {
		json_object *o = json_tokener_parse(h.second.c_str());

		if (!o)
			o = json_object_new_object();
		if (!opts->json) {
			json_object *applied = json_object_object_get(o, "applied");

			printf("%s applied %lld\n", h.first.c_str() + a.prefix.size() + strlen("/hosts/"),
			       applied ? (long long)json_object_get_int64(applied) : 0LL);
		}
		json_object_array_add(list, o);
	}
	if (opts->json)
		puts(json_object_to_json_string_ext(list, opts->pretty ? JSON_C_TO_STRING_PRETTY
								       : JSON_C_TO_STRING_PLAIN));
	json_object_put(list);
	return STATUS_OK;
}

const struct command commands[] = {
	{ "apply", do_apply },
	{ "dump", do_dump },
	{ "hosts", do_hosts },
};

} // namespace

const struct object cluster_object = {
	"cluster", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli
