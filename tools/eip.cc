// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro eip": Elastic IP addresses, their association with an ENI's private address, the public pool. */
#include <string.h>

#include "cli.h"
#include "print.h"
#include "show.h"

namespace vnitro::cli {

namespace {

void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro eip { show | list } [ ALLOC ]\n"
		"       vnitro eip add [ ALLOC ] [ address ADDRESS ]\n"
		"       vnitro eip { del | delete } ALLOC\n"
		"       vnitro eip associate ALLOC eni ENI [ private-ip ADDRESS ]\n"
		"                            [ allow-reassociation ]\n"
		"       vnitro eip disassociate { ALLOC | ASSOC }\n"
		"       vnitro eip pool [ CIDR ]\n"
		"       vnitro eip help\n"
		"where  ALLOC := eipalloc-HEX (1 to 17 lowercase hex digits; add picks 17 at random)\n"
		"       ASSOC := eipassoc-HEX, as associate printed it\n"
		"add allocates ADDRESS, or the lowest free address, from the public pool\n"
		"(203.0.113.0/24 until set; /16 to /30, its network and broadcast addresses\n"
		"excluded). At most 5 addresses (EC2's \"Elastic IP addresses per Region\").\n"
		"associate maps the address to the ENI's primary private address, or\n"
		"ADDRESS of its own; the ENI's VPC needs an internet gateway. An address\n"
		"associated elsewhere moves only with allow-reassociation. The address\n"
		"follows its ENI to any instance; deleting the ENI or unassigning its\n"
		"private address disassociates it. An associated address cannot be deleted.\n");
}

void print_eip(printer &p, const struct vnitro_eip &a)
{
	char pub[IPV4_STRLEN], priv[IPV4_STRLEN];
	bool associated = a.association_id[0];

	p.open_object();
	p.string("id", "%s:", a.id);
	p.string("public_ip", " public %s", format_ipv4(a.public_ip, pub));
	p.string("association_id", " association %s", associated ? a.association_id : nullptr);
	p.string("eni", " eni %s", associated ? a.eni_id : nullptr);
	p.string("vpc", " vpc %s", associated ? a.vpc_id : nullptr);
	p.string("private_ip", " private-ip %s",
		 associated ? format_ipv4(a.private_ip, priv) : nullptr);
	p.string("instance", " instance %s", associated && a.instance[0] ? a.instance : nullptr);
	p.close_object();
}

const char *check_alloc_id(const char *s)
{
	return check_hex_id(s, "eipalloc-", "allocation");
}

int do_show(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "eip");
	const char *id = args.more() ? check_alloc_id(args.next()) : nullptr;

	args.finish();
	return show_objects(opts, id, vnitro_eip_get, vnitro_eip_list, print_eip);
}

int do_add(const struct options *opts, int argc, char **argv)
{
	static const char *const keywords[] = { "address" };
	arg_cursor args(argc, argv, "eip");
	const char *id = nullptr;
	struct vnitro_eip a;
	uint32_t address = 0;
	unsigned seen = 0;
	session s;

	if (args.more() && !strncmp(args.peek(), "eipalloc-", 9))
		id = check_alloc_id(args.next());
	while (args.more()) {
		int k = args.keyword(keywords, 1);

		args.once(&seen, k, keywords[k]);
		address = parse_private_ip(args.value(keywords[k]));
	}
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_eip_add(s.handle(), id, address, &a))
		return s.fail();
	return print_object(opts, a, print_eip);
}

int do_del(const struct options *, int argc, char **argv)
{
	return run_on_id(argc, argv, "eip", "allocation",
			 [](const char *s, const char *) { return check_alloc_id(s); }, vnitro_eip_del);
}

enum associate_keyword { ASSOC_ENI, ASSOC_PRIVATE_IP, ASSOC_REASSOCIATE };

int do_associate(const struct options *opts, int argc, char **argv)
{
	static const char *const keywords[] = { "eni", "private-ip", "allow-reassociation" };
	arg_cursor args(argc, argv, "eip");
	const char *id, *eni = nullptr;
	bool reassociate = false;
	uint32_t private_ip = 0;
	struct vnitro_eip a;
	unsigned seen = 0;
	session s;

	if (!args.more())
		args.missing("the allocation id");
	id = check_alloc_id(args.next());
	while (args.more()) {
		int k = args.keyword(keywords, 3);

		args.once(&seen, k, keywords[k]);
		if (k == ASSOC_REASSOCIATE)
			reassociate = true;
		else if (k == ASSOC_ENI)
			eni = check_eni_id(args.value(keywords[k]));
		else
			private_ip = parse_private_ip(args.value(keywords[k]));
	}
	if (!eni)
		args.missing("\"eni ENI\"");
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_eip_associate(s.handle(), id, eni, private_ip, reassociate, &a))
		return s.fail();
	return print_object(opts, a, print_eip);
}

int do_disassociate(const struct options *, int argc, char **argv)
{
	return run_on_id(argc, argv, "eip", "allocation or association",
			 [](const char *s, const char *) {
				 if (!strncmp(s, "eipassoc-", 9))
					 return check_hex_id(s, "eipassoc-", "association");
				 return check_alloc_id(s);
			 },
			 vnitro_eip_disassociate);
}

int do_pool(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "eip");
	struct vnitro_eip_pool pool;
	char cidr[CIDR_STRLEN];
	uint32_t addr = 0;
	uint8_t prefixlen = 0;
	bool set = args.more();
	session s;

	if (set)
		parse_cidr(args.next(), &addr, &prefixlen);
	args.finish();
	if (!s.open())
		return STATUS_ERROR;
	if (set ? vnitro_eip_pool_set(s.handle(), addr, prefixlen, &pool)
		: vnitro_eip_pool_get(s.handle(), &pool))
		return s.fail();
	printer p(stdout, opts->json, opts->pretty);
	p.open_object();
	p.string("pool", "pool %s", format_cidr(pool.addr, pool.prefixlen, cidr));
	p.close_object();
	return STATUS_OK;
}

const struct command commands[] = {
	{ "show", do_show },	/* the default */
	{ "list", do_show },
	{ "add", do_add },
	{ "del", do_del },
	{ "delete", do_del },
	{ "associate", do_associate },
	{ "disassociate", do_disassociate },
	{ "pool", do_pool },
};

} // namespace

const struct object eip_object = {
	"eip", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli
