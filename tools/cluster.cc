// SPDX-License-Identifier: GPL-2.0-only
/*
 * "vnitro cluster": the world of several hosts, kept in etcd (Documentation/cluster.md).
 * The world is one topology file (vnitro dump's format, each instance with its "host")
 * under PREFIX/world; each host's vnitrod applies it as it changes. A change is
 * written only if the world is still at the revision the file was read at, so that of two
 * hosts changing it at once one wins and the other is told to read it again.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* An item's identity in an array of the world: its "id", else its "name", else all of it. */
std::string identity(json_object *item)
{
	json_object *v;

	if (json_object_object_get_ex(item, "id", &v) || json_object_object_get_ex(item, "name", &v))
		return json_object_get_string(v);
	return std::string("=") + json_object_to_json_string_ext(item, JSON_C_TO_STRING_PLAIN);
}

/* The item of @array whose identity is @key (its index in *@at if @at), or nullptr. */
json_object *find_item(json_object *array, const std::string &key, size_t *at = nullptr)
{
	for (size_t i = 0; i < json_object_array_length(array); i++) {
		json_object *item = json_object_array_get_idx(array, i);

		if (identity(item) == key) {
			if (at)
				*at = i;
			return item;
		}
	}
	return nullptr;
}

/*
 * Brings into @world the items of @after that @item names (a string equal to an item's
 * identity: an ENI's security groups, an instance's subnet...) and @world lacks, and
 * what those name in turn: a world file holds every object it refers to.
 */
void pull_references(json_object *world, json_object *after, json_object *item, int depth)
{
	if (depth > 8)
		return;
	if (json_object_is_type(item, json_type_object)) {
		json_object_object_foreach(item, k, v) {
			(void)k;
			pull_references(world, after, v, depth + 1);
		}
		return;
	}
	if (json_object_is_type(item, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(item); i++)
			pull_references(world, after, json_object_array_get_idx(item, i), depth + 1);
		return;
	}
	if (!json_object_is_type(item, json_type_string))
		return;
	std::string name = json_object_get_string(item);
	json_object_object_foreach(after, key, list) {
		json_object *found, *mine = nullptr;

		if (!json_object_is_type(list, json_type_array) || !(found = find_item(list, name)))
			continue;
		if (!json_object_object_get_ex(world, key, &mine)) {
			mine = json_object_new_array();
			json_object_object_add(world, key, mine);
		}
		if (!json_object_is_type(mine, json_type_array) || find_item(mine, name))
			continue;
		json_object_array_add(mine, json_object_get(found));
		pull_references(world, after, found, depth + 1);
	}
}

/*
 * What a command changed on this host (@before, @after: its dumps), made to @world (the
 * world in etcd, changed in place): items of the arrays added, replaced or removed by
 * their identity, other values replaced. What the command did not touch stays as the
 * world has it, this host's own instance (i-host) too.
 */
void patch_world(json_object *world, json_object *before, json_object *after)
{
	json_object_object_foreach(after, key, val) {
		json_object *old = nullptr, *mine = nullptr;

		json_object_object_get_ex(before, key, &old);
		if (old && json_object_equal(old, val))
			continue;
		json_object_object_get_ex(world, key, &mine);
		if (!json_object_is_type(val, json_type_array)) {
			json_object_object_add(world, key, json_object_get(val));
			continue;
		}
		if (!mine) {
			mine = json_object_new_array();
			json_object_object_add(world, key, mine);
		}
		if (!json_object_is_type(mine, json_type_array))
			continue;
		for (size_t i = 0; i < json_object_array_length(val); i++) {
			json_object *item = json_object_array_get_idx(val, i), *was;
			std::string id = identity(item);
			size_t w;

			was = old ? find_item(old, id) : nullptr;
			if (was && json_object_equal(was, item))
				continue;
			if (find_item(mine, id, &w))
				json_object_array_put_idx(mine, w, json_object_get(item));
			else
				json_object_array_add(mine, json_object_get(item));
			pull_references(world, after, item, 0);
		}
		for (size_t i = 0; old && i < json_object_array_length(old); i++) {
			std::string id = identity(json_object_array_get_idx(old, i));
			size_t w;

			if (!find_item(val, id) && find_item(mine, id, &w))
				json_object_array_del_idx(mine, w, 1);
		}
	}
}

/* Makes this host's world @doc again (vnitro apply of it), quietly: a change undone. */
bool restore(const std::string &doc)
{
	char path[] = "/tmp/vnitro-cluster-XXXXXX";
	const struct options quiet = {};
	char *argv[] = { path, nullptr };
	int fd = mkstemp(path), out, rc = STATUS_ERROR;

	if (fd < 0)
		return false;
	if (write(fd, doc.data(), doc.size()) == ssize_t(doc.size())) {
		fflush(stdout);
		out = dup(STDOUT_FILENO);
		int null = open("/dev/null", O_WRONLY);
		if (out >= 0 && null >= 0 && dup2(null, STDOUT_FILENO) >= 0) {
			rc = apply_object.commands[0].run(&quiet, 1, argv);
			fflush(stdout);
			dup2(out, STDOUT_FILENO);
		}
		if (null >= 0)
			close(null);
		if (out >= 0)
			close(out);
	}
	close(fd);
	unlink(path);
	return rc == STATUS_OK;
}

} // namespace

int run_in_cluster(const struct options *opts, const struct object *obj, int argc, char **argv)
{
	const char *env = getenv("VNITRO_ETCD_PREFIX");
	std::string prefix = env && *env ? env : DEFAULT_PREFIX, world, host, before, after;
	struct vnitro_tunnel tun = {};
	int64_t rev = 0, hrev = 0, now = 0;
	char addr[INET_ADDRSTRLEN];
	bool found, won;
	int rc;

	if (prefix[0] != '/' || prefix.size() < 2 || prefix.back() == '/')
		usage_error("VNITRO_ETCD_PREFIX \"%s\" is not a key prefix (\"/NAME\", no trailing \"/\")",
			    prefix.c_str());
	etcd::client c(etcd::default_endpoints());
	if (!c.valid())
		usage_error("%s", c.why().c_str());
	{
		session s;

		if (!s.open())
			return STATUS_ERROR;
		if (vnitro_tunnel_get(s.handle(), &tun))
			return s.fail();
	}
	if (!tun.local)
		return report_error("this host has no address of its own, so no place in the cluster: "
				    "vnitro tunnel set dev DEV local ADDRESS, and run vnitrod --etcd");
	inet_ntop(AF_INET, &tun.local, addr, sizeof(addr));
	if (!c.get(prefix + "/world", &world, &rev, &found))
		return etcd_error(c);
	if (!found)
		return report_error("no world in etcd under %s: vnitro cluster apply FILE stores one",
				    prefix.c_str());
	if (!c.get(prefix + "/hosts/" + addr, &host, &hrev, &found))
		return etcd_error(c);
	if (!found)
		return report_error("no vnitrod keeps this host (%s) alive under %s: start "
				    "vnitrod --etcd URLS --host %s", addr, prefix.c_str(), addr);
	json_object *h = json_tokener_parse(host.c_str()), *applied = nullptr;
	int64_t at = h && json_object_object_get_ex(h, "applied", &applied) ?
		     json_object_get_int64(applied) : 0;
	json_object_put(h);
	if (at != rev)
		return report_error("this host (%s) runs revision %lld of the world, not the latest (%lld): "
				    "nothing done; try again once its vnitrod has applied it",
				    addr, (long long)at, (long long)rev);
	if (!dump_to_string(&before))
		return STATUS_ERROR;
	rc = run_object(opts, obj, argc, argv);
	if (rc != STATUS_OK)
		return rc;
	if (!dump_to_string(&after))
		return restore(before), STATUS_ERROR;
	if (after == before)
		return STATUS_OK;	/* nothing changed (a "show"): nothing to store */
	json_object *w = json_tokener_parse(world.c_str()), *b = json_tokener_parse(before.c_str()),
		    *a = json_tokener_parse(after.c_str());
	if (w && b && a && json_object_is_type(w, json_type_object))
		patch_world(w, b, a);
	else
		json_object_put(w), w = nullptr;
	json_object_put(b);
	json_object_put(a);
	if (!w) {
		restore(before);
		return report_error("the world in etcd under %s is not a topology file: "
				    "the change is undone on this host", prefix.c_str());
	}
	std::string value = json_object_to_json_string_ext(w, JSON_C_TO_STRING_PRETTY |
							    JSON_C_TO_STRING_SPACED |
							    JSON_C_TO_STRING_NOSLASHESCAPE);
	json_object_put(w);
	if (!c.put_if(prefix + "/world", value, rev, &won, &now)) {
		restore(before);
		return report_error("%s: the change is undone on this host", c.why().c_str());
	}
	if (!won) {
		restore(before);
		return report_error("the world in etcd changed since revision %lld (it is at %lld now): "
				    "the change is undone on this host; make it again",
				    (long long)rev, (long long)now);
	}
	return STATUS_OK;
}

namespace {

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
