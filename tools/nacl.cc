// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro nacl": network ACLs, their numbered entries and subnet associations. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "print.h"
#include "show.h"

namespace vnitro::cli {

namespace {

void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro nacl { show | list } [ ACL ]\n"
		"       vnitro nacl add [ ACL ] vpc VPC\n"
		"       vnitro nacl { del | delete } ACL\n"
		"       vnitro nacl entry { add | replace } ACL { ingress | egress } rule N\n"
		"                         { allow | deny } proto PROTO [ port N[-M] ]\n"
		"                         [ icmp-type T [ code C ] ] cidr CIDR\n"
		"       vnitro nacl entry { del | delete } ACL { ingress | egress } rule N\n"
		"       vnitro nacl associate ACL subnet SUBNET\n"
		"       vnitro nacl help\n"
		"where  ACL := acl-HEX (1 to 17 lowercase hex digits; add picks 17 at random)\n"
		"       N := 1-32766, unique per direction; lowest first, the first match decides\n"
		"       PROTO := { tcp | udp | icmp | icmpv6 | all | 0-255 }\n"
		"       CIDR := { A.B.C.D/N | IPV6-ADDRESS/N } (e.g. ::/0, 2001:db8::/64)\n"
		"Network ACLs are stateless: replies need rules of their own. What no rule\n"
		"matches is denied (the \"*\" rule). A new ACL has no rules: it denies all.\n"
		"Each VPC has a default ACL allowing all (rule 100, 0.0.0.0/0, and rule 101,\n"
		"::/0, once the VPC has an IPv6 block), which its subnets use until\n"
		"associated with another; associating the default again disassociates.\n"
		"icmp and icmpv6 rules may name a type and code. At most 19 rules per\n"
		"direction for IPv4 and 19 for IPv6 (EC2's 20 counts the \"*\" rule).\n");
}

int do_show(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "nacl");
	const char *id = args.more() ? check_nacl_id(args.next()) : nullptr;

	args.finish();
	return show_objects(opts, id, vnitro_nacl_get, vnitro_nacl_list, print_nacl);
}

int do_add(const struct options *opts, int argc, char **argv)
{
	static const char *const keywords[] = { "vpc" };
	arg_cursor args(argc, argv, "nacl");
	const char *id = nullptr, *vpc = nullptr;
	struct vnitro_nacl a;
	unsigned seen = 0;
	session s;

	if (args.more() && !strncmp(args.peek(), "acl-", 4))
		id = check_nacl_id(args.next());
	while (args.more()) {
		int k = args.keyword(keywords, 1);

		args.once(&seen, k, keywords[k]);
		vpc = check_id(args.value(keywords[k]), "VPC");
	}
	if (!vpc)
		args.missing("\"vpc VPC\"");
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_nacl_add(s.handle(), id, vpc, &a))
		return s.fail();
	return print_object(opts, a, print_nacl);
}

int do_del(const struct options *, int argc, char **argv)
{
	return run_on_id(argc, argv, "nacl", "network ACL", check_id, vnitro_nacl_del);
}

/* ACL { ingress | egress } rule N: the part every entry command starts with. */
const char *parse_head(arg_cursor &args, struct vnitro_nacl_entry *e)
{
	static const char *const rule[] = { "rule" };
	const char *id;

	*e = vnitro_nacl_entry{};
	e->icmp_type = e->icmp_code = -1;
	if (!args.more())
		args.missing("the network ACL id");
	id = check_nacl_id(args.next());
	e->direction = parse_direction(args);
	if (!args.more())
		args.missing("\"rule N\"");
	args.keyword(rule, 1);
	e->number = uint16_t(parse_u32(args.value("rule"), "rule number", 1,
				       VNITRO_NACL_MAX_NUMBER));
	return id;
}

/* The rest of an add or replace: { allow | deny } proto PROTO [ port ] [ icmp ] cidr CIDR */
void parse_body(arg_cursor &args, struct vnitro_nacl_entry *e)
{
	static const char *const keywords[] = { MATCH_KEYWORDS };
	static const char *const actions[] = { "allow", "deny" };
	unsigned seen = 0;
	int a;

	if (!args.more())
		args.missing("\"allow\" or \"deny\"");
	a = match_word(args.peek(), actions, 2, "action");
	if (a < 0)
		usage_error("\"%s\" is not an action (expected \"allow\" or \"deny\")",
			    args.peek());
	args.next();
	e->action = uint8_t(a == 0 ? VNITRO_NACL_ALLOW : VNITRO_NACL_DENY);
	while (args.more()) {
		int k = args.keyword(keywords, M_COUNT);
		const char *value = args.value(keywords[k]);

		args.once(&seen, k, keywords[k]);
		parse_match(k, value, e);
	}
	check_match(args, seen);
	if (!(seen & 1u << M_CIDR))
		args.missing("\"cidr CIDR\"");
}

enum entry_verb { V_ADD, V_REPLACE, V_DEL, V_DELETE };

int do_entry(const struct options *opts, int argc, char **argv)
{
	static const char *const verbs[] = { "add", "replace", "del", "delete" };
	arg_cursor args(argc, argv, "nacl entry");
	struct vnitro_nacl_entry e;
	struct vnitro_nacl a;
	const char *id;
	session s;
	int v, rc;

	if (!args.more())
		args.missing("\"add\", \"replace\" or \"del\"");
	v = match_word(args.peek(), verbs, 4, "nacl entry command");
	if (v < 0)
		usage_error("\"%s\" is not a \"nacl entry\" command (expected \"add\", \"replace\" or \"del\")",
			    args.peek());
	args.next();
	id = parse_head(args, &e);
	if (v == V_ADD || v == V_REPLACE)
		parse_body(args, &e);
	args.finish();
	if (!s.open())
		return STATUS_ERROR;
	if (v == V_ADD)
		rc = vnitro_nacl_entry_add(s.handle(), id, &e, &a);
	else if (v == V_REPLACE)
		rc = vnitro_nacl_entry_replace(s.handle(), id, &e, &a);
	else
		rc = vnitro_nacl_entry_del(s.handle(), id, e.direction, e.number, &a);
	return rc ? s.fail() : print_object(opts, a, print_nacl);
}

int do_associate(const struct options *opts, int argc, char **argv)
{
	static const char *const keywords[] = { "subnet" };
	arg_cursor args(argc, argv, "nacl associate");
	struct vnitro_subnet sn;
	const char *id, *subnet;
	session s;

	if (!args.more())
		args.missing("the network ACL id");
	id = check_nacl_id(args.next());
	if (!args.more())
		args.missing("\"subnet SUBNET\"");
	args.keyword(keywords, 1);
	subnet = check_id(args.value("subnet"), "subnet");
	args.finish();
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_nacl_associate(s.handle(), id, subnet, &sn))
		return s.fail();
	printer p(stdout, opts->json, opts->pretty);
	p.open_object();
	p.string("subnet", "%s", sn.id);
	p.string("nacl", " nacl %s", sn.nacl_id);
	p.close_object();
	return STATUS_OK;
}

const struct command commands[] = {
	{ "show", do_show },	/* the default */
	{ "list", do_show },
	{ "add", do_add },
	{ "del", do_del },
	{ "delete", do_del },
	{ "entry", do_entry },
	{ "associate", do_associate },
};

/* One entry; JSON keys are those of a topology file's entries. */
void print_entry(printer &p, const struct vnitro_nacl_entry &e)
{
	char proto[SG_PROTO_STRLEN], cidr[CIDR6_STRLEN];

	if (p.json())
		p.open_object();
	p.text("\n    ");
	p.text(e.direction == VNITRO_SG_EGRESS ? "egress" : "ingress");
	p.uint("rule", " rule %s", e.number);
	p.string("action", " %s", e.action == VNITRO_NACL_ALLOW ? "allow" : "deny");
	p.string("protocol", " proto %s", sg_protocol_name(e.protocol, proto));
	if (e.has_ports) {
		p.uint("port_from", " port %s", e.port_from);
		p.uint("port_to", "-%s", e.port_to);
	}
	if (e.icmp_type >= 0)
		p.uint("icmp_type", " icmp-type %s", uint32_t(e.icmp_type));
	if (e.icmp_code >= 0)
		p.uint("icmp_code", " code %s", uint32_t(e.icmp_code));
	p.string("cidr", " cidr %s", format_rule_cidr(e, cidr));
	if (p.json())
		p.close_object();
}

/*
 * @a's entries of @direction by number (the kernel sends them sorted), then
 * the "*" rule, for IPv6 too in an ACL with IPv6 entries.
 */
void print_entries(printer &p, const struct vnitro_nacl &a, uint8_t direction)
{
	const char *name = direction == VNITRO_SG_EGRESS ? "egress" : "ingress";
	bool ipv6 = false;

	p.open_array_key(name);
	for (uint32_t i = 0; i < a.entry_count; i++) {
		ipv6 |= a.entries[i].ipv6;
		if (a.entries[i].direction == direction)
			print_entry(p, a.entries[i]);
	}
	p.close_array();
	if (!p.json()) {
		p.text("\n    ");
		p.text(name);
		p.text(" rule * deny proto all cidr 0.0.0.0/0");
		if (ipv6) {
			p.text("\n    ");
			p.text(name);
			p.text(" rule * deny proto all cidr ::/0");
		}
	}
}

} // namespace

const char *check_nacl_id(const char *s)
{
	return check_hex_id(s, "acl-", "network ACL");
}

void print_nacl(printer &p, const struct vnitro_nacl &a)
{
	p.open_object();
	p.string("id", "%s:", a.id);
	p.string("vpc", " vpc %s", a.vpc_id);
	p.boolean("default", a.is_default ? " default" : nullptr, a.is_default);
	print_entries(p, a, VNITRO_SG_INGRESS);
	print_entries(p, a, VNITRO_SG_EGRESS);
	p.close_object();
}

const struct object nacl_object = {
	"nacl", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli
