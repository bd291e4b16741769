// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro igw": internet gateways, one per VPC, into a namespace the user names. */
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
		"addresses, cannot be deleted.\n");
}

void print_igw(printer &p, const struct vnitro_igw &g)
{
	char mac[MAC_STRLEN];

	p.open_object();
	p.string("id", "%s:", g.id);
	p.string("vpc", " vpc %s", g.vpc_id);
	p.string("netns", " netns %s", g.netns_name[0] ? g.netns_name : nullptr);
	p.string("ifname", " dev %s", g.ifname[0] ? g.ifname : nullptr);
	p.string("mac", " mac %s", format_mac(g.mac, mac));
	p.boolean("frag_needed", " frag-needed %s", g.frag_needed);
	p.close_object();
}

int do_show(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "igw");
	const char *id = args.more() ? check_id(args.next(), "internet gateway") : nullptr;

	args.finish();
	return show_objects(opts, id, vnitro_igw_get, vnitro_igw_list, print_igw);
}

enum add_keyword { ADD_VPC, ADD_NETNS, ADD_FRAG };

int do_add(const struct options *opts, int argc, char **argv)
{
	static const char *const keywords[] = { "vpc", "netns", "frag-needed" };
	arg_cursor args(argc, argv, "igw");
	const char *id, *vpc = nullptr, *netns = nullptr;
	struct vnitro_igw g;
	bool frag = true;
	unsigned seen = 0;
	int fd = -1, rc;
	session s;

	if (!args.more())
		args.missing("the gateway id");
	id = check_id(args.next(), "internet gateway");
	while (args.more()) {
		int k = args.keyword(keywords, 3);
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
	rc = vnitro_igw_add(s.handle(), id, vpc, fd, netns, frag, &g);
	if (fd >= 0)
		close(fd);
	if (rc)
		return s.fail();
	printer p(stdout, opts->json, opts->pretty);
	print_igw(p, g);
	return STATUS_OK;
}

int do_set(const struct options *opts, int argc, char **argv)
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
	id = check_id(args.next(), "internet gateway");
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
	printer p(stdout, opts->json, opts->pretty);
	print_igw(p, g);
	return STATUS_OK;
}

int do_del(const struct options *, int argc, char **argv)
{
	return run_on_id(argc, argv, "igw", "internet gateway", check_id, vnitro_igw_del);
}

const struct command commands[] = {
	{ "show", do_show },	/* the default */
	{ "list", do_show },
	{ "add", do_add },
	{ "set", do_set },
	{ "del", do_del },
	{ "delete", do_del },
};

} // namespace

const struct object igw_object = {
	"igw", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli
