// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro route": the route table of each subnet. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "print.h"

namespace vnitro::cli {

namespace {

void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro route { show | list } [ subnet SUBNET ]\n"
		"       vnitro route add CIDR subnet SUBNET via TARGET\n"
		"       vnitro route { del | delete } CIDR subnet SUBNET\n"
		"       vnitro route help\n"
		"where  CIDR := { A.B.C.D/N | IPV6-ADDRESS/N }, the destination (e.g.\n"
		"               0.0.0.0/0 or ::/0 for a default route, 2001:db8::/32)\n"
		"       TARGET := an ENI id (eni-HEX, of the same VPC), the VPC's\n"
		"                 internet gateway id (igw-...), or its egress-only\n"
		"                 internet gateway id (eigw-...) for IPv6 destinations:\n"
		"                 \"vnitro route add ::/0 subnet SUBNET via eigw-...\"\n"
		"Every subnet has a \"local\" route for its VPC's CIDR, and a second one\n"
		"for the VPC's IPv6 /56 while the VPC has one; they cannot be deleted.\n"
		"A route to an ENI that is detached or deleted is a blackhole.\n");
}

const char *target_name(uint8_t target)
{
	switch (target) {
	case VNITRO_ROUTE_TARGET_LOCAL:
		return "local";
	case VNITRO_ROUTE_TARGET_ENI:
		return "eni";
	case VNITRO_ROUTE_TARGET_IGW:
		return "igw";
	case VNITRO_ROUTE_TARGET_EIGW:
		return "eigw";
	}
	return "unknown";
}

void print_route(printer &p, const struct vnitro_route &r)
{
	char cidr[CIDR6_STRLEN];

	p.open_object();
	p.string("destination", "%s", format_destination(r, cidr));
	p.string("subnet", " subnet %s", r.subnet_id);
	p.string("target", " via %s", r.target_id[0] ? r.target_id : "local");
	p.string("target_type", nullptr, target_name(r.target));
	p.string("state", " %s", r.status);
	p.close_object();
}

int do_show(const struct options *opts, int argc, char **argv)
{
	static const char *const keywords[] = { "subnet" };
	arg_cursor args(argc, argv, "route");
	const char *subnet = nullptr;
	struct vnitro_route *items;
	size_t count;
	session s;

	if (args.more()) {
		args.keyword(keywords, 1);
		subnet = check_id(args.value("subnet"), "subnet");
	}
	args.finish();
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_route_list(s.handle(), &items, &count))
		return s.fail();
	printer p(stdout, opts->json, opts->pretty);
	p.open_array();
	for (size_t i = 0; i < count; i++)
		if (!subnet || !strcmp(items[i].subnet_id, subnet))
			print_route(p, items[i]);
	p.close_array();
	free(items);
	return STATUS_OK;
}

enum keyword { KW_SUBNET, KW_VIA };

int route_common(const struct options *opts, int argc, char **argv, bool add)
{
	static const char *const keywords[] = { "subnet", "via" };
	arg_cursor args(argc, argv, "route");
	const char *subnet = nullptr, *via = nullptr;
	struct vnitro_route dest = {}, r;
	unsigned seen = 0;
	session s;
	int rc;

	if (!args.more())
		args.missing("the destination CIDR");
	parse_any_cidr(args.next(), &dest.ipv6, &dest.addr, dest.addr6, &dest.prefixlen);
	while (args.more()) {
		int k = args.keyword(keywords, add ? 2 : 1);
		const char *value = args.value(keywords[k]);

		args.once(&seen, k, keywords[k]);
		if (k == KW_SUBNET)
			subnet = check_id(value, "subnet");
		else
			via = check_id(value, "route target");
	}
	if (!subnet)
		args.missing("\"subnet SUBNET\"");
	if (add && !via)
		args.missing("\"via TARGET\"");
	if (!s.open())
		return STATUS_ERROR;
	if (!add) {
		rc = dest.ipv6 ? vnitro_route_del_ipv6(s.handle(), subnet, dest.addr6, dest.prefixlen)
			       : vnitro_route_del(s.handle(), subnet, dest.addr, dest.prefixlen);
		return rc ? s.fail() : STATUS_OK;
	}
	rc = dest.ipv6 ? vnitro_route_add_ipv6(s.handle(), subnet, dest.addr6, dest.prefixlen, via, &r)
		       : vnitro_route_add(s.handle(), subnet, dest.addr, dest.prefixlen, via, &r);
	if (rc)
		return s.fail();
	printer p(stdout, opts->json, opts->pretty);
	print_route(p, r);
	return STATUS_OK;
}

int do_add(const struct options *opts, int argc, char **argv)
{
	return route_common(opts, argc, argv, true);
}

int do_del(const struct options *opts, int argc, char **argv)
{
	return route_common(opts, argc, argv, false);
}

const struct command commands[] = {
	{ "show", do_show },	/* the default */
	{ "list", do_show },
	{ "add", do_add },
	{ "del", do_del },
	{ "delete", do_del },
};

} // namespace

const struct object route_object = {
	"route", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli
