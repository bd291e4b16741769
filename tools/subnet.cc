// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro subnet": create, delete and show subnets. */
#include <string.h>

#include "cli.h"
#include "print.h"
#include "show.h"

namespace vnitro::cli {

namespace {

void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro subnet { show | list } [ ID ]\n"
		"       vnitro subnet add ID vpc VPC cidr CIDR az AZ\n"
		"       vnitro subnet { del | delete } ID\n"
		"       vnitro subnet set ID [ ipv6-cidr { IPV6CIDR | none } ]\n"
		"                            [ assign-ipv6-on-creation { on | off } ]\n"
		"       vnitro subnet help\n"
		"where  CIDR := A.B.C.D/N inside the VPC, N from 16 to 28\n"
		"       AZ := an availability zone name, e.g. us-east-1a\n"
		"EC2 reserves the first four and the last address of a subnet.\n"
		"A subnet with network interfaces cannot be deleted.\n");
}

void print_subnet(printer &p, const struct vnitro_subnet &sn)
{
	char cidr[CIDR_STRLEN], cidr6[CIDR6_STRLEN];

	p.open_object();
	p.string("id", "%s:", sn.id);
	p.string("vpc", " vpc %s", sn.vpc_id);
	p.string("cidr", " cidr %s",
		 format_cidr(sn.cidr_addr, sn.cidr_prefixlen, cidr));
	p.string("az", " az %s", sn.az);
	p.string("nacl", " nacl %s", sn.nacl_id);
	p.string("ipv6_cidr", " ipv6-cidr %s", format_cidr6(sn.ipv6_cidr, sn.ipv6_prefixlen, cidr6));
	p.boolean("assign_ipv6_on_creation", sn.assign_ipv6_on_creation ?
		  " assign-ipv6-on-creation on" : nullptr, sn.assign_ipv6_on_creation);
	p.close_object();
}

int do_show(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "subnet");
	const char *id = args.more() ? check_id(args.next(), "subnet")
				     : nullptr;

	args.finish();
	return show_objects(opts, id, vnitro_subnet_get, vnitro_subnet_list,
			    print_subnet);
}

enum add_keyword { ADD_VPC, ADD_CIDR, ADD_AZ };

int do_add(const struct options *opts, int argc, char **argv)
{
	static const char *const keywords[] = { "vpc", "cidr", "az" };
	arg_cursor args(argc, argv, "subnet");
	const char *id, *vpc = nullptr, *az = nullptr;
	struct vnitro_subnet sn;
	uint32_t addr = 0;
	uint8_t plen = 0;
	unsigned seen = 0;
	session s;

	if (!args.more())
		args.missing("the subnet id");
	id = check_id(args.next(), "subnet");
	while (args.more()) {
		int k = args.keyword(keywords, 3);
		const char *value = args.value(keywords[k]);

		args.once(&seen, k, keywords[k]);
		if (k == ADD_VPC)
			vpc = check_id(value, "VPC");
		else if (k == ADD_CIDR)
			parse_cidr(value, &addr, &plen);
		else
			az = check_id(value, "availability zone");
	}
	if (!vpc)
		args.missing("\"vpc VPC\"");
	if (!(seen & (1u << ADD_CIDR)))
		args.missing("\"cidr CIDR\"");
	if (!az)
		args.missing("\"az AZ\"");
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_subnet_add(s.handle(), id, vpc, addr, plen, az, &sn))
		return s.fail();
	printer p(stdout, opts->json, opts->pretty);
	print_subnet(p, sn);
	return STATUS_OK;
}

int do_del(const struct options *, int argc, char **argv)
{
	return run_on_id(argc, argv, "subnet", "subnet", check_id, vnitro_subnet_del);
}

/*
 * "set ID [ipv6-cidr { CIDR | none }] [assign-ipv6-on-creation on|off]":
 * EC2's Associate/DisassociateSubnetCidrBlock and ModifySubnetAttribute.
 */
int do_set(const struct options *opts, int argc, char **argv)
{
	static const char *const keywords[] = { "ipv6-cidr", "assign-ipv6-on-creation" };
	arg_cursor args(argc, argv, "subnet");
	uint8_t addr[16], plen = 0;
	const uint8_t *given = nullptr;
	struct vnitro_subnet sn;
	unsigned seen = 0;
	const char *id, *value;
	bool assign = false;
	session s;

	if (!args.more())
		args.missing("the subnet id");
	id = check_id(args.next(), "subnet");
	if (!args.more())
		args.missing("\"ipv6-cidr { CIDR | none }\" or \"assign-ipv6-on-creation { on | off }\"");
	while (args.more()) {
		int k = args.keyword(keywords, 2);

		args.once(&seen, k, keywords[k]);
		value = args.value(keywords[k]);
		if (k == 1) {
			assign = parse_on_off(value, keywords[k]);
		} else if (strcmp(value, "none")) {
			parse_cidr6(value, addr, &plen);
			given = addr;
		}
	}
	if (assign && (seen & 1) && !given)
		usage_error("\"assign-ipv6-on-creation on\" needs the IPv6 block \"ipv6-cidr none\" takes away");
	if (!s.open())
		return STATUS_ERROR;
	if ((seen & 1) && vnitro_subnet_ipv6_set(s.handle(), id, given, plen, &sn))
		return s.fail();
	/* After the block: with one it cannot be refused, so nothing is half done. */
	if ((seen & 2) && vnitro_subnet_set_assign_ipv6(s.handle(), id, assign, &sn))
		return s.fail();
	printer p(stdout, opts->json, opts->pretty);
	print_subnet(p, sn);
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

const struct object subnet_object = {
	"subnet", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli
