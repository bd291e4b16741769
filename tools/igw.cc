// SPDX-License-Identifier: GPL-2.0-only
/*
 * "vnitro igw" and "vnitro eigw": a VPC's internet gateway and its egress-only
 * internet gateway, one of each per VPC, into a namespace the user names.
 */
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "print.h"
#include "show.h"

namespace vnitro::cli {

namespace {

/* The kernel keeps both kinds in one list; an id's "eigw-" prefix tells them apart. */
struct gateway_kind {
	const char *object;	/* "igw" */
	const char *what;	/* "internet gateway" */
	bool egress_only;
};

const struct gateway_kind igw_kind = { "igw", "internet gateway", false };
const struct gateway_kind eigw_kind = { "eigw", "egress-only internet gateway", true };

void igw_usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro igw { show | list } [ ID ]\n"
		"       vnitro igw add ID vpc VPC [ netns NAME ] [ frag-needed { on | off } ]\n"
		"       vnitro igw set ID frag-needed { on | off }\n"
		"       vnitro igw { del | delete } ID\n"
		"       vnitro igw help\n"
		"where  ID := igw-...\n"
		"       NAME := the \"internet\" network namespace (as in \"ip netns\");\n"
		"               without it, the initial namespace\n"
		"The gateway's netdev appears there as igw0 (the first free igwN), MTU 1500.\n"
		"frag-needed on (the default) answers DF packets over 1500 bytes toward\n"
		"the gateway with ICMP \"fragmentation needed\"; off drops them silently.\n"
		"A gateway that a route targets, or whose VPC has associated Elastic IP\n"
		"addresses, cannot be deleted. Egress-only internet gateways: \"vnitro eigw\".\n");
}

void eigw_usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro eigw { show | list } [ ID ]\n"
		"       vnitro eigw add ID vpc VPC [ netns NAME ]\n"
		"       vnitro eigw { del | delete } ID\n"
		"       vnitro eigw help\n"
		"where  ID := eigw-...\n"
		"       NAME := the \"internet\" network namespace (as in \"ip netns\");\n"
		"               without it, the initial namespace\n"
		"The VPC's egress-only internet gateway, one per VPC besides its internet\n"
		"gateway: IPv6 only and stateful. Instances open connections to the internet\n"
		"through it and get the replies; the internet cannot open one to them.\n"
		"Route ::/0 (or a narrower IPv6 block) to it: \"vnitro route add ::/0\n"
		"subnet SUBNET via ID\". Its netdev appears in NAME as eigw0 (the first\n"
		"free eigwN). A gateway that a route targets cannot be deleted.\n");
}

bool is_eigw_id(const char *id)
{
	return !strncmp(id, VNITRO_EIGW_ID_PREFIX, strlen(VNITRO_EIGW_ID_PREFIX));
}

/*
 * @id, given to "vnitro OBJECT @command": a gateway id of @kind, or a usage
 * error that names the command for the other kind.
 */
const char *check_gateway_id(const char *id, const struct gateway_kind &kind, const char *command)
{
	size_t len = strlen(id);

	check_id(id, kind.what);
	if (is_eigw_id(id) != kind.egress_only) {
		if (kind.egress_only)
			usage_error("\"%s\" is not an egress-only internet gateway id (expected \"eigw-...\"); for an internet gateway, use \"vnitro igw %s\"",
				    id, command);
		if (!strcmp(command, "set"))
			usage_error("\"%s\" is an egress-only internet gateway id; it has no frag-needed setting (it carries IPv6 only)",
				    id);
		usage_error("\"%s\" is an egress-only internet gateway id; use \"vnitro eigw %s\"", id,
			    command);
	}
	if (kind.egress_only && (len == strlen(VNITRO_EIGW_ID_PREFIX) ||
				 strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-") != len))
		usage_error("\"%s\" is not a valid egress-only internet gateway id (expected \"eigw-\" and lowercase letters, digits or '-')",
			    id);
	return id;
}

/* Both kinds; frag-needed (IPv4's) is an internet gateway's only. */
void print_gateway(printer &p, const struct vnitro_igw &g)
{
	char mac[MAC_STRLEN];

	p.open_object();
	p.string("id", "%s:", g.id);
	p.string("vpc", " vpc %s", g.vpc_id);
	p.string("netns", " netns %s", g.netns_name[0] ? g.netns_name : nullptr);
	p.string("ifname", " dev %s", g.ifname[0] ? g.ifname : nullptr);
	p.uint("ifindex", nullptr, g.ifindex);
	p.string("mac", " mac %s", format_mac(g.mac, mac));
	if (!g.egress_only) {
		p.boolean("frag_needed", " frag-needed %s", g.frag_needed);
	} else {
		/* As an ENI's: shown in text once the gateway has seen traffic. */
		bool any = g.conntrack_tracked || g.conntrack_allowance_exceeded || g.inbound_dropped;

		p.uint("conntrack_tracked", any ? "\n    conntrack tracked %s" : nullptr,
		       g.conntrack_tracked);
		p.uint("conntrack_max", any ? " max %s" : nullptr, g.conntrack_max);
		p.uint("conntrack_allowance_exceeded", any ? " full %s" : nullptr,
		       g.conntrack_allowance_exceeded);
		p.uint("inbound_dropped", any ? " inbound-dropped %s" : nullptr, g.inbound_dropped);
	}
	p.close_object();
}

bool is_igw(const struct vnitro_igw &g)
{
	return !g.egress_only;
}

bool is_eigw(const struct vnitro_igw &g)
{
	return g.egress_only;
}

int gateway_show(const struct gateway_kind &kind, const struct options *opts, int argc,
		 char **argv)
{
	arg_cursor args(argc, argv, kind.object);
	const char *id = args.more() ? check_gateway_id(args.next(), kind, "show") : nullptr;

	args.finish();
	return show_objects(opts, id, vnitro_igw_get, vnitro_igw_list, print_gateway,
			    kind.egress_only ? is_eigw : is_igw);
}

enum add_keyword { ADD_VPC, ADD_NETNS, ADD_FRAG };

int gateway_add(const struct gateway_kind &kind, const struct options *opts, int argc,
		char **argv)
{
	static const char *const keywords[] = { "vpc", "netns", "frag-needed" };
	arg_cursor args(argc, argv, kind.object);
	const char *id, *vpc = nullptr, *netns = nullptr;
	struct vnitro_igw g;
	bool frag = true;
	unsigned seen = 0;
	int fd = -1, rc;
	session s;

	if (!args.more())
		args.missing("the gateway id");
	id = check_gateway_id(args.next(), kind, "add");
	while (args.more()) {
		/* An egress-only gateway has no frag-needed. */
		int k = args.keyword(keywords, kind.egress_only ? ADD_FRAG : ADD_FRAG + 1);
		const char *value = args.value(keywords[k]);

		args.once(&seen, k, keywords[k]);
		if (k == ADD_VPC)
			vpc = check_id(value, "VPC");
		else if (k == ADD_NETNS)
			netns = check_instance_name(value);
		else
			frag = parse_on_off(value, keywords[k]);
	}
	if (!vpc)
		args.missing("\"vpc VPC\"");
	if (!s.open())
		return STATUS_ERROR;
	if (netns) {
		fd = vnitro_netns_open(netns);
		if (fd < 0)
			return report_error("cannot open network namespace \"%s\": %s; create it with \"ip netns add %s\"",
					    netns, strerror(-fd), netns);
	}
	rc = kind.egress_only ? vnitro_eigw_add(s.handle(), id, vpc, fd, netns, &g)
			      : vnitro_igw_add(s.handle(), id, vpc, fd, netns, frag, &g);
	if (fd >= 0)
		close(fd);
	if (rc)
		return s.fail();
	return print_object(opts, g, print_gateway);
}

/* run_on_id()'s checks of "del": either kind's id. */
const char *check_igw_del(const char *id, const char *)
{
	return check_gateway_id(id, igw_kind, "del");
}

const char *check_eigw_del(const char *id, const char *)
{
	return check_gateway_id(id, eigw_kind, "del");
}

int igw_set(const struct options *opts, int argc, char **argv)
{
	static const char *const keywords[] = { "frag-needed" };
	arg_cursor args(argc, argv, "igw");
	struct vnitro_igw g;
	unsigned seen = 0;
	bool frag = true;
	const char *id;
	session s;

	if (!args.more())
		args.missing("the gateway id");
	id = check_gateway_id(args.next(), igw_kind, "set");
	while (args.more()) {
		int k = args.keyword(keywords, 1);

		args.once(&seen, k, keywords[k]);
		frag = parse_on_off(args.value(keywords[k]), keywords[k]);
	}
	if (!seen)
		args.missing("\"frag-needed { on | off }\"");
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_igw_set(s.handle(), id, frag, &g))
		return s.fail();
	return print_object(opts, g, print_gateway);
}

int igw_show(const struct options *opts, int argc, char **argv)
{
	return gateway_show(igw_kind, opts, argc, argv);
}

int igw_add(const struct options *opts, int argc, char **argv)
{
	return gateway_add(igw_kind, opts, argc, argv);
}

int igw_del(const struct options *, int argc, char **argv)
{
	return run_on_id(argc, argv, "igw", igw_kind.what, check_igw_del, vnitro_igw_del);
}

int eigw_show(const struct options *opts, int argc, char **argv)
{
	return gateway_show(eigw_kind, opts, argc, argv);
}

int eigw_add(const struct options *opts, int argc, char **argv)
{
	return gateway_add(eigw_kind, opts, argc, argv);
}

int eigw_del(const struct options *, int argc, char **argv)
{
	return run_on_id(argc, argv, "eigw", eigw_kind.what, check_eigw_del, vnitro_igw_del);
}

const struct command igw_commands[] = {
	{ "show", igw_show },	/* the default */
	{ "list", igw_show },
	{ "add", igw_add },
	{ "set", igw_set },
	{ "del", igw_del },
	{ "delete", igw_del },
};

const struct command eigw_commands[] = {
	{ "show", eigw_show },	/* the default */
	{ "list", eigw_show },
	{ "add", eigw_add },
	{ "del", eigw_del },
	{ "delete", eigw_del },
};

} // namespace

const struct object igw_object = {
	"igw", igw_commands, sizeof(igw_commands) / sizeof(igw_commands[0]), igw_usage,
};

const struct object eigw_object = {
	"eigw", eigw_commands, sizeof(eigw_commands) / sizeof(eigw_commands[0]), eigw_usage,
};

} // namespace vnitro::cli
