// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro services": the link-local services' port (metadata, DNS, Time Sync) and its namespace. */
#include "cli.h"
#include "print.h"
#include "show.h"

namespace vnitro::cli {

namespace {

void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro services add [ netns NAME ]\n"
		"       vnitro services { del | delete }\n"
		"       vnitro services [ show ]\n"
		"       vnitro services help\n"
		"add plugs EC2's link-local services into namespace NAME (default\n"
		"\"" VNITRO_SERVICES_NETNS "\", created if missing) as netdev svc0, one per host:\n"
		"what an instance sends to 169.254.169.254 (TCP 80), 169.254.169.253 or\n"
		"its VPC's base + 2 (UDP and TCP 53) and 169.254.169.123 (UDP 123) reaches\n"
		"servers there, addressed to an alias in 169.254.0.0/17 that names the\n"
		"asking ENI (\"vnitro -j eni show\" lists each attached ENI's svc_addr).\n"
		"No rule of a security group or network ACL filters them, as on EC2.\n"
		"del removes svc0; the namespace and what runs in it stay.\n");
}

void print_services(printer &p, const struct vnitro_services &v)
{
	char mac[MAC_STRLEN], cidr[CIDR_STRLEN];

	p.open_object();
	p.string("netns", "netns %s", v.netns_name[0] ? v.netns_name : "?");
	p.string("ifname", " dev %s", v.ifname);
	p.uint("ifindex", nullptr, v.ifindex);
	p.string("mac", " mac %s", format_mac(v.mac, mac));
	p.string("aliases", " aliases %s", format_cidr(v.alias_addr, v.alias_prefixlen, cidr));
	p.uint("requests", "\n    requests %s", v.requests);
	p.uint("replies", " replies %s", v.replies);
	p.uint("dropped", " dropped %s", v.dropped);
	p.close_object();
}

int do_show(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "services");
	struct vnitro_services v;
	session s;

	args.finish();
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_services_get(s.handle(), &v))
		return s.fail();
	return print_object(opts, v, print_services);
}

int do_add(const struct options *opts, int argc, char **argv)
{
	static const char *const keywords[] = { "netns" };
	arg_cursor args(argc, argv, "services");
	const char *netns = nullptr;
	struct vnitro_services v;
	unsigned seen = 0;
	session s;

	while (args.more()) {
		int k = args.keyword(keywords, 1);

		args.once(&seen, k, keywords[k]);
		netns = check_instance_name(args.value(keywords[k]));
	}
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_services_add(s.handle(), netns, &v))
		return s.fail();
	return print_object(opts, v, print_services);
}

int do_del(const struct options *, int argc, char **argv)
{
	arg_cursor args(argc, argv, "services");
	session s;

	args.finish();
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_services_del(s.handle()))
		return s.fail();
	return STATUS_OK;
}

const struct command commands[] = {
	{ "show", do_show },	/* the default */
	{ "list", do_show },
	{ "add", do_add },
	{ "del", do_del },
	{ "delete", do_del },
};

} // namespace

const struct object services_object = {
	"services", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli
