// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro instance": network namespaces registered as instances. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "print.h"
#include "show.h"

namespace vnitro::cli {

namespace {

void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro instance { show | list } [ NAME ]\n"
		"       vnitro instance add NAME subnet SUBNET [ ip ADDRESS ] [ type TYPE ]\n"
		"                           [ placement-group GROUP [ partition P ] ]\n"
		"                           [ host HOST [ eni ENI ] [ mac MAC ] ]\n"
		"       vnitro instance set NAME metadata [ tokens { optional | required } ]\n"
		"                                    [ hop-limit N ] [ endpoint { on | off } ]\n"
		"       vnitro instance types [ TYPE ]\n"
		"       vnitro instance { del | delete } NAME\n"
		"       vnitro instance help\n"
		"where  NAME := the instance's network namespace, as in \"ip netns\"\n"
		"       ADDRESS := A.B.C.D, the primary ENI's address in SUBNET\n"
		"       TYPE := an EC2 instance type, e.g. t3.micro (default c5n.18xlarge);\n"
		"               \"vnitro instance types\" lists them with their limits\n"
		"       GROUP := a placement group's name (vnitro placement-group help)\n"
		"       P := 1-7, a partition of GROUP, a partition group (default: the\n"
		"            one with the fewest instances, the lowest of those)\n"
		"       N := 1-64, the IP TTL of the metadata token's response (default 1)\n"
		"       HOST := A.B.C.D, the underlay address of the host the instance runs\n"
		"               on when that is another one: no namespace here, its ENIs are\n"
		"               reached through the tunnel (vnitro tunnel help)\n"
		"       ENI, MAC := its primary ENI's id and MAC (default: picked), as every\n"
		"                   host of the VPC must know them\n"
		"\"add\" creates the namespace like \"ip netns add\" unless it exists,\n"
		"and the environment \"vnitro exec\" enters; \"del\" removes both, the\n"
		"namespace like \"ip netns del\". Listing instances (\"show\" without\n"
		"NAME) tears down environments left by instances that are gone. \"show\"\n"
		"names an instance's placement group and partition, and its network\n"
		"nodes, top layer first (EC2's DescribeInstanceTopology).\n"
		"\"set ... metadata\" sets EC2's instance metadata options, which the metadata\n"
		"service (vnitrod --imds) enforces: tokens required refuses IMDSv1, endpoint\n"
		"off answers 403. A new instance has tokens optional, hop-limit 1, endpoint on.\n");
}

/* Text: a second line, "placement-group G partition N network-nodes A B C", as far as it has them. */
void print_placement(printer &p, const struct vnitro_instance &in)
{
	bool placed = in.placement_group[0], nodes = in.network_nodes[0][0];

	if (placed || nodes)
		p.text("\n   ");
	p.string("placement_group", " placement-group %s", placed ? in.placement_group : nullptr);
	p.string("placement_group_id", nullptr, placed ? in.placement_group_id : nullptr);
	if (in.partition)
		p.uint("partition", " partition %s", in.partition);
	else
		p.null("partition");
	if (nodes)
		p.text(" network-nodes");
	p.open_array_key("network_nodes");
	for (size_t i = 0; i < VNITRO_TOPOLOGY_LAYERS && in.network_nodes[i][0]; i++)
		p.string(nullptr, " %s", in.network_nodes[i]);
	p.close_array();
}

void print_instance(printer &p, const struct vnitro_instance &in)
{
	p.open_object();
	p.string("name", "%s:", in.name);
	p.string("subnet", " subnet %s", in.subnet_id);
	p.string("az", " az %s", in.az);
	p.string("primary_eni", " primary-eni %s", in.primary_eni_id);
	p.uint("eni_count", " enis %s", in.eni_count);
	p.string("type", " type %s", in.type.name);
	/* Text names the interface only where it is not ENA. */
	p.string("adapter", in.type.adapter != VNITRO_ADAPTER_ENA ? " adapter %s" : nullptr,
		 adapter_name(in.type.adapter));
	p.string("metadata_tokens", " metadata tokens %s",
		 in.md_tokens == VNITRO_MD_TOKENS_REQUIRED ? "required" : "optional");
	p.uint("metadata_hop_limit", " hop-limit %s", in.md_hop_limit);
	p.boolean("metadata_endpoint", " endpoint %s", in.md_endpoint);
	if (in.host) {
		char host[IPV4_STRLEN];

		p.string("host", " host %s", format_ipv4(in.host, host));
	} else {
		p.null("host");
	}
	print_placement(p, in);
	p.close_object();
}

void print_type(printer &p, const struct vnitro_type &t)
{
	p.open_object();
	p.string("name", "%s:", t.name);
	p.uint("vcpus", " vcpus %s", t.vcpus);
	p.uint("max_enis", " max-enis %s", t.max_enis);
	/* Text names the cards only where there are several. */
	p.uint("network_cards", t.network_cards > 1 ? " network-cards %s" : nullptr,
	       t.network_cards);
	p.uint("max_enis_per_card", t.network_cards > 1 ? " enis-per-card %s" : nullptr,
	       t.max_enis_per_card);
	p.uint("max_ips_per_eni", " ips-per-eni %s", t.max_ips_per_eni);
	p.uint("max_queues", " queues %s", t.max_queues);
	p.string("adapter", " adapter %s", adapter_name(t.adapter));
	p.uint("baseline_mbps", " baseline-mbps %s", t.baseline_mbps);
	/* Text gives the burst only where the type has one ("up to"). */
	p.uint("peak_mbps", t.peak_mbps != t.baseline_mbps ? " peak-mbps %s" : nullptr,
	       t.peak_mbps);
	p.boolean("efa", " efa %s", t.efa);
	p.uint("max_efas", t.efa ? " max-efas %s" : nullptr, t.max_efas);
	p.boolean("ena_express", " ena-express %s", t.ena_express);
	p.boolean("rss_key_configurable", " rss-key %s", t.rss_key_configurable);
	p.uint("conntrack_max", " conntrack-max %s", t.conntrack_max);
	p.close_object();
}

int do_types(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "instance");
	const char *name = args.more() ? check_id(args.next(), "instance type") : nullptr;

	args.finish();
	return show_objects(opts, name, vnitro_type_get, vnitro_type_list, print_type);
}

int do_show(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "instance");
	const char *name = args.more() ? check_instance_name(args.next())
				       : nullptr;

	args.finish();
	/* After rmmod or a crash, this is where leftover environments go. */
	if (!name)
		sweep_environments();
	return show_objects(opts, name, vnitro_instance_get,
			    vnitro_instance_list, print_instance);
}

struct add_args {
	const char *name;
	const char *subnet_id;
	uint32_t private_ip;	/* 0: the kernel picks */
	const char *type;	/* NULL: the kernel's default */
	const char *placement_group;	/* NULL: none */
	uint32_t partition;	/* 0: the kernel picks (in a partition group) */
	uint32_t host;		/* network order; 0: this host */
	const char *eni_id;	/* the primary ENI's; NULL: picked */
	uint8_t mac[VNITRO_MAC_LEN];
	bool has_mac;
};

enum add_keyword { ADD_SUBNET, ADD_IP, ADD_TYPE, ADD_PLACEMENT_GROUP, ADD_PARTITION, ADD_HOST,
		   ADD_ENI, ADD_MAC };

void parse_add(arg_cursor &args, struct add_args *a)
{
	static const char *const keywords[] = { "subnet", "ip", "type", "placement-group",
						"partition", "host", "eni", "mac" };
	unsigned seen = 0;

	if (!args.more())
		args.missing("the instance NAME");
	a->name = check_instance_name(args.next());
	while (args.more()) {
		int k = args.keyword(keywords, 8);
		const char *value = args.value(keywords[k]);

		args.once(&seen, k, keywords[k]);
		if (k == ADD_HOST) {
			a->host = parse_ipv4(value);
			if (!a->host)
				usage_error("host 0.0.0.0 is no host's address: give the underlay address of the host the instance runs on");
		} else if (k == ADD_ENI) {
			a->eni_id = check_eni_id(value);
		} else if (k == ADD_MAC) {
			parse_mac(value, a->mac);
			a->has_mac = true;
		} else if (k == ADD_SUBNET)
			a->subnet_id = check_id(value, "subnet");
		else if (k == ADD_IP)
			a->private_ip = parse_private_ip(value);
		else if (k == ADD_TYPE)
			a->type = check_id(value, "instance type");
		else if (k == ADD_PLACEMENT_GROUP)
			a->placement_group = value;
		else
			a->partition = parse_u32(value, "partition", 1, VNITRO_PG_MAX_PARTITIONS);
	}
	if (!a->subnet_id)
		args.missing("\"subnet SUBNET\"");
	if (a->partition && !a->placement_group)
		usage_error("a partition needs its placement group (\"placement-group GROUP partition P\"); try \"vnitro instance help\"");
}

/* The instance as the kernel takes it: in @netns_fd, or another host's (a.host). */
int create(session &s, const struct add_args &a, int netns_fd, struct vnitro_instance *out)
{
	struct vnitro_instance_spec spec = {};

	spec.name = a.name;
	spec.subnet_id = a.subnet_id;
	spec.netns_fd = netns_fd;
	spec.private_ip = a.private_ip;
	spec.type = a.type;
	spec.placement_group = a.placement_group;
	spec.partition = a.partition;
	spec.host = a.host;
	spec.primary_eni_id = a.eni_id;
	spec.mac = a.has_mac ? a.mac : nullptr;
	return vnitro_instance_create(s.handle(), &spec, out) ? s.fail() : STATUS_OK;
}

/* Registers the namespace, which exists by now, with the kernel. */
int register_netns(session &s, const struct add_args &a,
		   struct vnitro_instance *out)
{
	int fd = vnitro_netns_open(a.name);
	int rc;

	if (fd < 0)
		return report_error("cannot open network namespace \"%s\": %s",
				    a.name, strerror(-fd));
	rc = create(s, a, fd, out);
	close(fd);
	return rc;
}

/* Another host's instance: no namespace, no environment here. */
int add_remote(const struct options *opts, session &s, const struct add_args &a)
{
	struct vnitro_instance in;

	if (create(s, a, -1, &in))
		return STATUS_ERROR;
	printer p(stdout, opts->json, opts->pretty);
	print_instance(p, in);
	return STATUS_OK;
}

int do_add(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "instance");
	struct add_args a = {};
	struct vnitro_instance in;
	char why[512];
	bool created;
	session s;
	int rc;

	parse_add(args, &a);
	/* Connect first: no namespace is left behind without the module. */
	if (!s.open())
		return STATUS_ERROR;
	if (a.host)
		return add_remote(opts, s, a);

	rc = vnitro_netns_add(a.name, why, sizeof(why));
	if (rc && rc != -EEXIST)
		return report_error("%s", why);
	created = rc == 0;	/* an existing namespace is used, and kept */

	rc = register_netns(s, a, &in);
	if (!rc && vnitro_env_add(s.handle(), a.name)) {
		/* All or nothing: the instance goes again, its error stays. */
		rc = s.fail();
		vnitro_instance_del(s.handle(), a.name);
	}
	if (rc) {
		if (created)
			vnitro_netns_del(a.name);
		return rc;
	}
	printer p(stdout, opts->json, opts->pretty);
	print_instance(p, in);
	return STATUS_OK;
}

enum md_keyword { MD_TOKENS, MD_HOP_LIMIT, MD_ENDPOINT };

void parse_metadata(arg_cursor &args, struct vnitro_md_changes *c)
{
	static const char *const words[] = { "metadata" };
	static const char *const keywords[] = { "tokens", "hop-limit", "endpoint" };
	static const char *const tokens[] = { "optional", "required" };
	unsigned seen = 0;

	*c = { -1, -1, -1 };
	if (!args.more())
		args.missing("\"metadata\" and a setting");
	args.keyword(words, 1);
	while (args.more()) {
		int k = args.keyword(keywords, 3);
		const char *value = args.value(keywords[k]);

		args.once(&seen, k, keywords[k]);
		if (k == MD_TOKENS) {
			c->tokens = match_word(value, tokens, 2, "tokens setting");
			if (c->tokens < 0)
				usage_error("\"%s\" is not a metadata tokens setting (expected optional or required)",
					    value);
		} else if (k == MD_HOP_LIMIT) {
			c->hop_limit = int(parse_u32(value, "hop-limit", VNITRO_MD_HOP_LIMIT_MIN,
						     VNITRO_MD_HOP_LIMIT_MAX));
		} else {
			c->endpoint = parse_on_off(value, keywords[k]);
		}
	}
	if (!seen)
		args.missing("a metadata setting (tokens, hop-limit or endpoint)");
}

int do_set(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "instance");
	struct vnitro_md_changes c;
	struct vnitro_instance in;
	const char *name;
	session s;

	if (!args.more())
		args.missing("the instance NAME");
	name = check_instance_name(args.next());
	parse_metadata(args, &c);
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_instance_set(s.handle(), name, &c, &in))
		return s.fail();
	printer p(stdout, opts->json, opts->pretty);
	print_instance(p, in);
	return STATUS_OK;
}

int do_del(const struct options *, int argc, char **argv)
{
	arg_cursor args(argc, argv, "instance");
	const char *name;
	session s;
	int rc;

	if (!args.more())
		args.missing("the instance NAME");
	name = check_instance_name(args.next());
	args.finish();
	if (!s.open())
		return STATUS_ERROR;
	rc = vnitro_instance_del(s.handle(), name);
	/* No such instance: an environment of that name is a leftover. */
	if (rc == -ENOENT)
		vnitro_env_del(s.handle(), name);
	if (rc)
		return s.fail();
	if (vnitro_env_del(s.handle(), name))
		return s.fail();

	/* The initial namespace's instance ("i-host") has no file. */
	rc = vnitro_netns_del(name);
	if (rc && rc != -ENOENT)
		return report_error("instance \"%s\" is deleted, but not its network namespace file: %s",
				    name, strerror(-rc));
	return STATUS_OK;
}

const struct command commands[] = {
	{ "show", do_show },	/* the default */
	{ "list", do_show },
	{ "add", do_add },
	{ "set", do_set },
	{ "del", do_del },
	{ "delete", do_del },
	{ "types", do_types },
};

} // namespace

const struct object instance_object = {
	"instance", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli
