// SPDX-License-Identifier: GPL-2.0-only
/* Declarations shared by the files of the vnitro command-line tool. */
#ifndef VNITRO_TOOLS_CLI_H
#define VNITRO_TOOLS_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <string>

#include <vnitro/vnitro.h>

namespace vnitro::cli {

/* Exit statuses, documented in "vnitro help". */
enum status {
	STATUS_OK = 0,
	STATUS_ERROR = 1,	/* it failed, e.g. the kernel refused */
	STATUS_USAGE = 2,	/* bad command line; nothing was done */
};

struct options {
	bool json;
	bool pretty;
	bool cluster;		/* -c: the change is the world's, through etcd (cluster.cc) */
};

/* One COMMAND of an OBJECT. */
struct command {
	const char *name;
	int (*run)(const struct options *opts, int argc, char **argv);
};

/*
 * One OBJECT; its first command is the default (or "help" if it has none).
 * Dispatch gives every object a "help" command, which prints its usage.
 * An object whose only command has a NULL name takes its words directly.
 */
struct object {
	const char *name;
	const struct command *commands;
	size_t count;
	void (*usage)(FILE *out);
};

extern const struct object instance_object;
extern const struct object eni_object;
extern const struct object vpc_object;
extern const struct object subnet_object;
extern const struct object route_object;
extern const struct object igw_object;
extern const struct object eigw_object;
extern const struct object sg_object;
extern const struct object nacl_object;
extern const struct object eip_object;
extern const struct object services_object;
extern const struct object world_object;
extern const struct object path_object;
extern const struct object placement_group_object;
extern const struct object pg_object;	/* "pg": the same, shorter */
extern const struct object tunnel_object;
extern const struct object cluster_object;
extern const struct object apply_object;
extern const struct object dump_object;
/* "exec INSTANCE ...", matched only in full (see vnitro.cc). */
extern const struct object exec_object;

/* report.cc: errors, as text or (under -j) JSON, on stderr. */
void report_set_json(bool json);
int report_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
[[noreturn]] void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* dispatch.cc: prefix matching, command tables and the argument cursor. */
bool is_prefix(const char *word, const char *of);
/*
 * Index of the name @word abbreviates (an exact match wins), or -1 if
 * none. An ambiguous @word is a usage error naming the @kind of word.
 */
int match_word(const char *word, const char *const *names, size_t count,
	       const char *kind);
int run_object(const struct options *opts, const struct object *obj,
	       int argc, char **argv);
/*
 * "vnitro --cluster OBJECT COMMAND...": the command runs here, on a host that
 * runs the world's latest revision, and the world this host then has is
 * stored in etcd if no other change came first (else this host goes back).
 */
int run_in_cluster(const struct options *opts, const struct object *obj, int argc, char **argv);
/* What "vnitro dump" prints (pretty JSON), into @out; false when it could not read. */
bool dump_to_string(std::string *out);

/* The words after COMMAND, consumed left to right. */
class arg_cursor {
public:
	arg_cursor(int argc, char **argv, const char *object);
	bool more() const { return argc_ > 0; }
	const char *peek() const { return more() ? argv_[0] : nullptr; }
	const char *next();
	/* The value after @keyword, which must be there. */
	const char *value(const char *keyword);
	/* The index of the keyword in @names; unknown ones are usage errors. */
	int keyword(const char *const *names, size_t count);
	/* A usage error if bit @index of *@seen is set; then sets it. */
	void once(unsigned *seen, int index, const char *keyword) const;
	/* A usage error if any word is left. */
	void finish() const;
	/* A usage error: @name is missing. */
	[[noreturn]] void missing(const char *name) const;

private:
	int argc_;
	char **argv_;
	const char *object_;
};

/* values.cc: parsing (usage error if invalid) and formatting values. */
enum { IPV4_STRLEN = 16, MAC_STRLEN = 18, CIDR_STRLEN = 20 };
uint32_t parse_ipv4(const char *s);	/* network order */
uint32_t parse_private_ip(const char *s);	/* parse_ipv4(), not 0.0.0.0 */
void parse_mac(const char *s, uint8_t mac[VNITRO_MAC_LEN]);
uint32_t parse_device_index(const char *s);
uint32_t parse_network_card(const char *s);
int parse_eni_type(const char *s);
const char *check_eni_id(const char *s);
const char *check_id(const char *s, const char *what);
/* @prefix and 1 to 17 lowercase hex digits, as EC2's ids ("sg-"), or a usage error naming @what. */
const char *check_hex_id(const char *s, const char *prefix, const char *what);
const char *check_instance_name(const char *s);
const char *format_ipv4(uint32_t addr, char buf[IPV4_STRLEN]);
const char *format_mac(const uint8_t mac[VNITRO_MAC_LEN], char buf[MAC_STRLEN]);
const char *format_cidr(uint32_t addr, uint8_t prefixlen,
			char buf[CIDR_STRLEN]);
const char *eni_type_name(uint8_t type);
const char *adapter_name(uint8_t adapter);
void parse_cidr(const char *s, uint32_t *addr, uint8_t *prefixlen);	/* network order */
bool parse_on_off(const char *s, const char *keyword);
/* IPv6: inet_pton's text; an address or a block ADDR/N (N 0 to 128). */
enum { IPV6_STRLEN = 46, CIDR6_STRLEN = 50 };
void parse_ipv6(const char *s, uint8_t addr[16]);
void parse_cidr6(const char *s, uint8_t addr[16], uint8_t *prefixlen);
const char *format_ipv6(const uint8_t addr[16], char buf[IPV6_STRLEN]);
/* "ADDR/N", or nullptr when @prefixlen is 0 (no block). */
const char *format_cidr6(const uint8_t addr[16], uint8_t prefixlen, char buf[CIDR6_STRLEN]);
/*
 * A block of either family, as rules name them: IPv6 text (it has a colon)
 * into @addr6 with *@ipv6 1, else IPv4 into *@addr with *@ipv6 0; formatted
 * back the same way, "::/0" and "0.0.0.0/0" included.
 */
void parse_any_cidr(const char *s, uint8_t *ipv6, uint32_t *addr, uint8_t addr6[16],
		    uint8_t *prefixlen);
const char *format_any_cidr(uint8_t ipv6, uint32_t addr, const uint8_t addr6[16],
			    uint8_t prefixlen, char buf[CIDR6_STRLEN]);
uint32_t parse_u32(const char *s, const char *what, uint32_t min, uint32_t max);

/* sg.cc: security groups, shared with dump, apply and the topology file. */
class printer;
enum { SG_PROTO_STRLEN = 8 };
const char *check_sg_id(const char *s);
/* tcp, udp, icmp, icmpv6, all or 0-255 into *@out; false if @s is none of them. */
bool parse_sg_protocol(const char *s, uint16_t *out);
const char *sg_protocol_name(uint16_t protocol, char buf[SG_PROTO_STRLEN]);
void print_sg(printer &p, const struct vnitro_sg &g);
/* A group's rules of @direction as the array "ingress" or "egress". */
void print_sg_rules(printer &p, const struct vnitro_sg &g, uint8_t direction);
bool same_sg_rule(const struct vnitro_sg_rule &a, const struct vnitro_sg_rule &b);
void parse_port_range(const char *s, uint16_t *from, uint16_t *to);

/*
 * What a security group rule and a network ACL entry match alike, spelled
 * the same on their command lines: these keywords first, in this order.
 */
enum match_keyword { M_PROTO, M_PORT, M_ICMP_TYPE, M_CODE, M_CIDR, M_COUNT };
#define MATCH_KEYWORDS "proto", "port", "icmp-type", "code", "cidr"
/* "ingress" or "egress", the next word: VNITRO_SG_INGRESS or VNITRO_SG_EGRESS. */
uint8_t parse_direction(arg_cursor &args);
/* After the keywords (@seen, a bit per match_keyword): proto given, code after icmp-type. */
void check_match(arg_cursor &args, unsigned seen);

/* The value of match keyword @k into @r (a vnitro_sg_rule or vnitro_nacl_entry). */
template <typename R>
void parse_match(int k, const char *value, R *r)
{
	switch (k) {
	case M_PROTO:
		if (!parse_sg_protocol(value, &r->protocol))
			usage_error("\"%s\" is not a protocol (expected tcp, udp, icmp, icmpv6, all or 0 to 255)",
				    value);
		break;
	case M_PORT:
		parse_port_range(value, &r->port_from, &r->port_to);
		r->has_ports = 1;
		break;
	case M_ICMP_TYPE:
		r->icmp_type = int16_t(parse_u32(value, "ICMP type", 0, 255));
		break;
	case M_CODE:
		r->icmp_code = int16_t(parse_u32(value, "ICMP code", 0, 255));
		break;
	case M_CIDR:
		parse_any_cidr(value, &r->ipv6, &r->cidr_addr, r->cidr6, &r->cidr_prefixlen);
		break;
	}
}

/* @r's block (a vnitro_sg_rule's or vnitro_nacl_entry's), IPv4 or IPv6. */
template <typename R>
const char *format_rule_cidr(const R &r, char buf[CIDR6_STRLEN])
{
	return format_any_cidr(r.ipv6, r.cidr_addr, r.cidr6, r.cidr_prefixlen, buf);
}

/* Whether @a and @b name the same block. */
template <typename R>
bool same_rule_cidr(const R &a, const R &b)
{
	return a.ipv6 == b.ipv6 && a.cidr_prefixlen == b.cidr_prefixlen &&
	       (a.ipv6 ? !__builtin_memcmp(a.cidr6, b.cidr6, sizeof(a.cidr6))
		       : a.cidr_addr == b.cidr_addr);
}

/* A route's destination (a vnitro_route's or a topo_route's), IPv4 or IPv6. */
template <typename R>
const char *format_destination(const R &r, char buf[CIDR6_STRLEN])
{
	return format_any_cidr(r.ipv6, r.addr, r.addr6, r.prefixlen, buf);
}

/* Whether routes @a and @b (each a vnitro_route or a topo_route) have the same destination. */
template <typename A, typename B>
bool same_destination(const A &a, const B &b)
{
	return a.ipv6 == b.ipv6 && a.prefixlen == b.prefixlen &&
	       (a.ipv6 ? !__builtin_memcmp(a.addr6, b.addr6, sizeof(a.addr6)) : a.addr == b.addr);
}

/* nacl.cc: network ACLs, shared with dump, apply and the topology file. */
const char *check_nacl_id(const char *s);
void print_nacl(printer &p, const struct vnitro_nacl &a);

/*
 * placement.cc: placement groups' strategies and spread levels by name
 * ("cluster", "rack"), shared with dump, apply and the topology file; an
 * unknown name is 0.
 */
const char *pg_strategy_name(uint8_t strategy);
const char *pg_spread_level_name(uint8_t level);
uint8_t pg_strategy_of(const char *name);
uint8_t pg_spread_level_of(const char *name);

/*
 * path.cc: the u32 fields of the path model, in the order "vnitro path show"
 * prints them, shared with dump, apply and the topology file. A field with
 * @one is a path's as well as the world's; one without, the world's only.
 */
struct path_field {
	const char *keyword;	/* "loss-ppm", as vnitro path set spells it */
	const char *key;	/* "loss_ppm", as JSON */
	const char *what;	/* "loss" in "path loss 1000001 ppm is out of range: 0 to 1000000" */
	const char *unit;	/* " ppm", " us", or "" */
	const char *needs;	/* "parts per million", for a value that is no number */
	uint32_t min, max;
	int vnitro_path_change::*set;
	uint32_t vnitro_path_change::*change;
	uint32_t vnitro_path::*world;
	uint32_t vnitro_one_path::*one;
};
enum { PATH_FIELDS = 12 };
extern const struct path_field path_fields[PATH_FIELDS];
/* Whether path @o's own fields are the world's (@m's): show and dump print only those that differ. */
bool path_is_the_worlds(const struct vnitro_path &m, const struct vnitro_one_path &o);
/*
 * The model's fields, its seed and the array "per_path" into the object
 * open on @p: every path in use, or (@every_path false) those that differ.
 */
void print_path_fields(printer &p, const struct vnitro_path &m, bool every_path);

/* session.cc: the connection to the kernel module for one command. */
class session {
public:
	session() = default;
	~session() { vnitro_close(h_); }
	session(const session &) = delete;
	session &operator=(const session &) = delete;

	/* Opens the handle; on failure reports why and returns false. */
	bool open();
	struct vnitro_handle *handle() const { return h_; }
	/* Reports the library's last error; returns STATUS_ERROR. */
	int fail() const;

private:
	struct vnitro_handle *h_ = nullptr;
};

/*
 * "OBJECT del ID" and the like: the one word after COMMAND is an id, checked
 * with @check (which names it @what in its usage error), handed to @op;
 * nothing is printed on success.
 */
/*
 * exec.cc: tears down the environments of instances that are gone (all of
 * them if the module is not loaded); quietly, as the caller reports its own
 * errors.
 */
void sweep_environments(void);

int run_on_id(int argc, char **argv, const char *object, const char *what,
	      const char *(*check)(const char *word, const char *what),
	      int (*op)(struct vnitro_handle *h, const char *id));

} // namespace vnitro::cli

#endif /* VNITRO_TOOLS_CLI_H */
