// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro sg": security groups and their rules, which the VPC fabric enforces on every frame. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "print.h"
#include "show.h"

namespace vnitro::cli {

namespace {

enum { PROTO_ICMP = 1, PROTO_TCP = 6, PROTO_UDP = 17, PROTO_ICMPV6 = 58 };

void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro sg { show | list } [ SG ]\n"
		"       vnitro sg add [ SG ] vpc VPC [ name NAME ] [ description TEXT ]\n"
		"       vnitro sg { del | delete } SG\n"
		"       vnitro sg rule { add | del } SG { ingress | egress } proto PROTO\n"
		"                      [ port N[-M] ] [ icmp-type T [ code C ] ] { cidr CIDR | sg SG }\n"
		"       vnitro sg help\n"
		"where  SG := sg-HEX (1 to 17 lowercase hex digits; add picks 17 at random)\n"
		"       PROTO := { tcp | udp | icmp | icmpv6 | all | 0-255 }\n"
		"       CIDR := { A.B.C.D/N | IPV6-ADDRESS/N } (e.g. ::/0, 2001:db8::/64)\n"
		"tcp and udp rules need a port range; icmp and icmpv6 rules may name a type\n"
		"and code (any when left out); other protocols take neither. The peer is an\n"
		"IPv4 or IPv6 block, or a group of the same VPC (its members' addresses of\n"
		"both families). At most 60 rules per direction for IPv4 and 60 for IPv6;\n"
		"a rule naming a group counts for both. A new group has one egress rule, all\n"
		"to 0.0.0.0/0; each VPC has a default group that cannot be deleted (it gets\n"
		"an egress rule all to ::/0 when the VPC gets an IPv6 block).\n"
		"The fabric enforces the rules statefully on every frame of an ENI.\n");
}

int do_show(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "sg");
	const char *id = args.more() ? check_sg_id(args.next()) : nullptr;

	args.finish();
	return show_objects(opts, id, vnitro_sg_get, vnitro_sg_list, print_sg);
}

enum add_keyword { ADD_VPC, ADD_NAME, ADD_DESCRIPTION };

int do_add(const struct options *opts, int argc, char **argv)
{
	static const char *const keywords[] = { "vpc", "name", "description" };
	arg_cursor args(argc, argv, "sg");
	const char *id = nullptr, *vpc = nullptr, *name = nullptr, *description = nullptr;
	struct vnitro_sg *g;
	unsigned seen = 0;
	session s;
	int rc;

	if (args.more() && !strncmp(args.peek(), "sg-", 3))
		id = check_sg_id(args.next());
	while (args.more()) {
		int k = args.keyword(keywords, 3);
		const char *value = args.value(keywords[k]);

		args.once(&seen, k, keywords[k]);
		if (k == ADD_VPC)
			vpc = check_id(value, "VPC");
		else if (k == ADD_NAME)
			name = value;
		else
			description = value;
	}
	if (!vpc)
		args.missing("\"vpc VPC\"");
	if (!s.open())
		return STATUS_ERROR;
	g = static_cast<struct vnitro_sg *>(malloc(sizeof(*g)));
	if (!g)
		return report_error("out of memory");
	rc = vnitro_sg_add(s.handle(), id, vpc, name, description, g);
	rc = rc ? s.fail() : print_object(opts, *g, print_sg);
	free(g);
	return rc;
}

int do_del(const struct options *, int argc, char **argv)
{
	return run_on_id(argc, argv, "sg", "security group", check_id, vnitro_sg_del);
}

enum { R_SG = M_COUNT };

/* SG { ingress | egress } proto PROTO [ port N[-M] ] [ icmp-type T [ code C ] ] { cidr | sg } */
const char *parse_rule(arg_cursor &args, struct vnitro_sg_rule *r)
{
	static const char *const keywords[] = { MATCH_KEYWORDS, "sg" };
	unsigned seen = 0;
	const char *id;

	*r = vnitro_sg_rule{};
	r->icmp_type = r->icmp_code = -1;
	if (!args.more())
		args.missing("the security group id");
	id = check_sg_id(args.next());
	r->direction = parse_direction(args);
	while (args.more()) {
		int k = args.keyword(keywords, R_SG + 1);
		const char *value = args.value(keywords[k]);

		args.once(&seen, k, keywords[k]);
		if (k == R_SG)
			snprintf(r->peer_id, sizeof(r->peer_id), "%s", check_sg_id(value));
		else
			parse_match(k, value, r);
	}
	check_match(args, seen);
	if (!(seen & (1u << M_CIDR | 1u << R_SG)))
		args.missing("the peer: \"cidr CIDR\" or \"sg SG\"");
	if ((seen & 1u << M_CIDR) && (seen & 1u << R_SG))
		usage_error("a rule has one peer: \"cidr CIDR\" or \"sg SG\", not both");
	return id;
}

int do_rule(const struct options *opts, int argc, char **argv)
{
	static const char *const verbs[] = { "add", "del", "delete" };
	arg_cursor args(argc, argv, "sg rule");
	struct vnitro_sg_rule r;
	struct vnitro_sg *g;
	const char *id;
	session s;
	int v, rc;

	if (!args.more())
		args.missing("\"add\" or \"del\"");
	v = match_word(args.peek(), verbs, 3, "sg rule command");
	if (v < 0)
		usage_error("\"%s\" is not an \"sg rule\" command (expected \"add\" or \"del\")",
			    args.peek());
	args.next();
	id = parse_rule(args, &r);
	if (!s.open())
		return STATUS_ERROR;
	g = static_cast<struct vnitro_sg *>(malloc(sizeof(*g)));
	if (!g)
		return report_error("out of memory");
	rc = v == 0 ? vnitro_sg_rule_add(s.handle(), id, &r, g)
		    : vnitro_sg_rule_del(s.handle(), id, &r, g);
	rc = rc ? s.fail() : print_object(opts, *g, print_sg);
	free(g);
	return rc;
}

const struct command commands[] = {
	{ "show", do_show },	/* the default */
	{ "list", do_show },
	{ "add", do_add },
	{ "del", do_del },
	{ "delete", do_del },
	{ "rule", do_rule },
};

} // namespace

/* "N" or "N-M", both 0-65535, N <= M (the kernel says why otherwise). */
void parse_port_range(const char *s, uint16_t *from, uint16_t *to)
{
	char buf[16];
	const char *dash = strchr(s, '-');

	if (!dash) {
		*from = *to = uint16_t(parse_u32(s, "port", 0, 65535));
		return;
	}
	if (size_t(dash - s) >= sizeof(buf))
		usage_error("\"%s\" is not a port range (expected N or N-M, 0 to 65535)", s);
	memcpy(buf, s, size_t(dash - s));
	buf[dash - s] = '\0';
	*from = uint16_t(parse_u32(buf, "port", 0, 65535));
	*to = uint16_t(parse_u32(dash + 1, "port", 0, 65535));
}

const char *check_sg_id(const char *s)
{
	return check_hex_id(s, "sg-", "security group");
}

uint8_t parse_direction(arg_cursor &args)
{
	static const char *const directions[] = { "ingress", "egress" };
	int d;

	if (!args.more())
		args.missing("\"ingress\" or \"egress\"");
	d = match_word(args.peek(), directions, 2, "direction");
	if (d < 0)
		usage_error("\"%s\" is not a direction (expected \"ingress\" or \"egress\")",
			    args.peek());
	args.next();
	return uint8_t(d == 0 ? VNITRO_SG_INGRESS : VNITRO_SG_EGRESS);
}

void check_match(arg_cursor &args, unsigned seen)
{
	if (!(seen & 1u << M_PROTO))
		args.missing("\"proto PROTO\"");
	if ((seen & 1u << M_CODE) && !(seen & 1u << M_ICMP_TYPE))
		usage_error("\"code\" needs \"icmp-type\" before it");
}

bool parse_sg_protocol(const char *s, uint16_t *out)
{
	static const struct { const char *name; uint16_t number; } names[] = {
		{ "tcp", PROTO_TCP }, { "udp", PROTO_UDP }, { "icmp", PROTO_ICMP },
		{ "icmpv6", PROTO_ICMPV6 }, { "all", VNITRO_SG_PROTO_ALL },
	};
	size_t len = strlen(s);

	for (const auto &n : names) {
		if (!strcmp(s, n.name)) {
			*out = n.number;
			return true;
		}
	}
	if (!len || len > 3 || strspn(s, "0123456789") != len || atoi(s) > 255)
		return false;
	*out = uint16_t(atoi(s));
	return true;
}

const char *sg_protocol_name(uint16_t protocol, char buf[SG_PROTO_STRLEN])
{
	switch (protocol) {
	case PROTO_TCP:			return "tcp";
	case PROTO_UDP:			return "udp";
	case PROTO_ICMP:		return "icmp";
	case PROTO_ICMPV6:		return "icmpv6";
	case VNITRO_SG_PROTO_ALL:	return "all";
	}
	snprintf(buf, SG_PROTO_STRLEN, "%u", protocol);
	return buf;
}

/* One rule; JSON keys are those of a topology file's rules. */
void print_sg_rule(printer &p, const struct vnitro_sg_rule &r)
{
	char proto[SG_PROTO_STRLEN], cidr[CIDR6_STRLEN];

	/* Text: one line per rule under its group's line, which ends the object. */
	if (p.json())
		p.open_object();
	p.text("\n    ");
	p.text(r.direction == VNITRO_SG_EGRESS ? "egress" : "ingress");
	p.string("protocol", " proto %s", sg_protocol_name(r.protocol, proto));
	if (r.has_ports) {
		p.uint("port_from", " port %s", r.port_from);
		p.uint("port_to", "-%s", r.port_to);
	}
	if (r.icmp_type >= 0)
		p.uint("icmp_type", " icmp-type %s", uint32_t(r.icmp_type));
	if (r.icmp_code >= 0)
		p.uint("icmp_code", " code %s", uint32_t(r.icmp_code));
	if (r.peer_id[0])
		p.string("sg", " sg %s", r.peer_id);
	else
		p.string("cidr", " cidr %s", format_rule_cidr(r, cidr));
	if (p.json())
		p.close_object();
}

void print_sg_rules(printer &p, const struct vnitro_sg &g, uint8_t direction)
{
	p.open_array_key(direction == VNITRO_SG_EGRESS ? "egress" : "ingress");
	for (uint32_t i = 0; i < g.rule_count; i++)
		if (g.rules[i].direction == direction)
			print_sg_rule(p, g.rules[i]);
	p.close_array();
}

void print_sg(printer &p, const struct vnitro_sg &g)
{
	p.open_object();
	p.string("id", "%s:", g.id);
	p.string("vpc", " vpc %s", g.vpc_id);
	p.string("name", " name \"%s\"", g.name);
	p.string("description", g.description[0] ? " description \"%s\"" : nullptr,
		 g.description);
	print_sg_rules(p, g, VNITRO_SG_INGRESS);
	print_sg_rules(p, g, VNITRO_SG_EGRESS);
	p.close_object();
}

bool same_sg_rule(const struct vnitro_sg_rule &a, const struct vnitro_sg_rule &b)
{
	return a.direction == b.direction && a.protocol == b.protocol &&
	       a.has_ports == b.has_ports && a.port_from == b.port_from &&
	       a.port_to == b.port_to && a.icmp_type == b.icmp_type &&
	       a.icmp_code == b.icmp_code && !strcmp(a.peer_id, b.peer_id) &&
	       (a.peer_id[0] || same_rule_cidr(a, b));
}

const struct object sg_object = {
	"sg", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli
