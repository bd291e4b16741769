// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro vpc": create, delete and show VPCs. */
#include <string.h>

#include "cli.h"
#include "print.h"
#include "show.h"

namespace vnitro::cli {

namespace {

void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro vpc { show | list } [ ID ]\n"
		"       vnitro vpc add ID cidr CIDR\n"
		"       vnitro vpc { del | delete } ID\n"
		"       vnitro vpc set ID ipv6-cidr { amazon | IPV6CIDR | none }\n"
		"       vnitro vpc help\n"
		"where  CIDR := A.B.C.D/N, N from 16 to 28 (as EC2)\n"
		"       IPV6CIDR := an IPv6 /56; \"amazon\" picks one from 2600:1f18::/32,\n"
		"       \"none\" disassociates it (once no subnet has an IPv6 block)\n"
		"A VPC with subnets or an internet gateway cannot be deleted.\n");
}

void print_vpc(printer &p, const struct vnitro_vpc &v)
{
	char cidr[CIDR_STRLEN], cidr6[CIDR6_STRLEN];

	p.open_object();
	p.string("id", "%s:", v.id);
	p.string("cidr", " cidr %s",
		 format_cidr(v.cidr_addr, v.cidr_prefixlen, cidr));
	p.string("ipv6_cidr", " ipv6-cidr %s", format_cidr6(v.ipv6_cidr, v.ipv6_prefixlen, cidr6));
	p.close_object();
}

int do_show(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "vpc");
	const char *id = args.more() ? check_id(args.next(), "VPC") : nullptr;

	args.finish();
	return show_objects(opts, id, vnitro_vpc_get, vnitro_vpc_list,
			    print_vpc);
}

int do_add(const struct options *opts, int argc, char **argv)
{
	static const char *const keywords[] = { "cidr" };
	arg_cursor args(argc, argv, "vpc");
	uint32_t addr = 0;
	uint8_t plen = 0;
	struct vnitro_vpc v;
	unsigned seen = 0;
	const char *id;
	session s;

	if (!args.more())
		args.missing("the VPC id");
	id = check_id(args.next(), "VPC");
	while (args.more()) {
		int k = args.keyword(keywords, 1);

		args.once(&seen, k, keywords[k]);
		parse_cidr(args.value(keywords[k]), &addr, &plen);
	}
	if (!seen)
		args.missing("\"cidr CIDR\"");
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_vpc_add(s.handle(), id, addr, plen, &v))
		return s.fail();
	printer p(stdout, opts->json, opts->pretty);
	print_vpc(p, v);
	return STATUS_OK;
}

int do_del(const struct options *, int argc, char **argv)
{
	return run_on_id(argc, argv, "vpc", "VPC", check_id, vnitro_vpc_del);
}

/* "set ID ipv6-cidr { amazon | CIDR | none }": EC2's Associate/DisassociateVpcCidrBlock. */
int do_set(const struct options *opts, int argc, char **argv)
{
	static const char *const keywords[] = { "ipv6-cidr" };
	arg_cursor args(argc, argv, "vpc");
	uint8_t addr[16], plen = VNITRO_VPC_IPV6_PREFIXLEN;
	const uint8_t *given = nullptr;
	const char *id, *value;
	struct vnitro_vpc v;
	unsigned seen = 0;
	session s;

	if (!args.more())
		args.missing("the VPC id");
	id = check_id(args.next(), "VPC");
	if (!args.more())
		args.missing("\"ipv6-cidr { amazon | CIDR | none }\"");
	while (args.more()) {
		int k = args.keyword(keywords, 1);

		args.once(&seen, k, keywords[k]);
		value = args.value(keywords[k]);
		if (!strcmp(value, "none")) {
			plen = 0;
		} else if (strcmp(value, "amazon")) {
			parse_cidr6(value, addr, &plen);
			given = addr;
		}
	}
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_vpc_ipv6_set(s.handle(), id, given, plen, &v))
		return s.fail();
	printer p(stdout, opts->json, opts->pretty);
	print_vpc(p, v);
	return STATUS_OK;
}

const struct command commands[] = {
	{ "show", do_show },	/* the default */
	{ "list", do_show },
	{ "add", do_add },
	{ "del", do_del },
	{ "delete", do_del },
	{ "set", do_set },
};

} // namespace

const struct object vpc_object = {
	"vpc", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli
