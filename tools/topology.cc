// SPDX-License-Identifier: GPL-2.0-only
/* Reads a topology file (JSON, with json-c) and checks it whole, before any kernel call. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "topology.h"

namespace vnitro::cli {

namespace {

enum {
	PATH_LEN = 160,
	FILE_MAX = 16 << 20,	/* bytes; a world of thousands of ENIs is far less */
	ID_MAX = VNITRO_ID_LEN - 1,
	HEX_MAX = 17,		/* "eni-"/"sg-"/"acl-"/"eipalloc-" and 1 to 17 hex digits, as EC2 */
	VPC_MIN_PREFIX = 16,	/* EC2: VPC and subnet blocks are /16 to /28 */
	VPC_MAX_PREFIX = 28,
};

enum kind { K_STRING, K_BOOL, K_INT, K_ARRAY, K_OBJECT };

/* One key an object of the file may have. */
struct key {
	const char *name;
	enum kind kind;
	bool required;
	bool nullable;
};

const char *kind_name(enum kind k)
{
	static const char *const names[] = { "a string", "true or false", "an integer",
					     "an array", "an object" };
	return names[k];
}

const char *json_kind_name(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:	return "null";
	case json_type_boolean:	return "a boolean";
	case json_type_double:	return "a number";
	case json_type_int:	return "an integer";
	case json_type_object:	return "an object";
	case json_type_array:	return "an array";
	case json_type_string:	return "a string";
	}
	return "something else";
}

bool is_kind(json_object *v, enum kind k)
{
	static const json_type types[] = { json_type_string, json_type_boolean, json_type_int,
					   json_type_array, json_type_object };
	return json_object_get_type(v) == types[k];
}

bool is_lower_hex(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/* "eni-", "sg-", "acl-" or "eipalloc-" and 1 to 17 lowercase hex digits. */
bool is_hex_id(const char *s, const char *prefix)
{
	size_t plen = strlen(prefix), len = strlen(s);

	return len > plen && len <= plen + HEX_MAX && !strncmp(s, prefix, plen) &&
	       is_lower_hex(s + plen);
}

/* The kernel's rule for VPC, subnet and gateway ids and AZ names. */
bool is_object_id(const char *s)
{
	size_t len = strlen(s);

	return len >= 1 && len <= ID_MAX && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == len;
}

/* 1 to @max printable ASCII characters, as EC2's placement group names. */
bool is_ascii_name(const char *s, size_t max)
{
	size_t len = strlen(s);

	for (const char *c = s; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			return false;
	return len >= 1 && len <= max;
}

bool parse_ip(const char *s, uint32_t *addr)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return false;
	*addr = in.s_addr;
	return true;
}

bool parse_block(const char *s, uint32_t *addr, uint8_t *prefixlen)
{
	const char *slash = strchr(s, '/');
	char ip[IPV4_STRLEN];
	size_t len, digits;

	if (!slash || size_t(slash - s) >= sizeof(ip))
		return false;
	digits = strlen(slash + 1);
	if (digits < 1 || digits > 2 || strspn(slash + 1, "0123456789") != digits)
		return false;
	len = size_t(slash - s);
	memcpy(ip, s, len);
	ip[len] = '\0';
	*prefixlen = uint8_t(atoi(slash + 1));
	return *prefixlen <= 32 && parse_ip(ip, addr);
}

bool parse_mac_text(const char *s, uint8_t mac[VNITRO_MAC_LEN])
{
	unsigned b[VNITRO_MAC_LEN];
	char end;

	if (strlen(s) != 17 || strspn(s, "0123456789abcdefABCDEF:") != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &end) != 6)
		return false;
	for (int i = 0; i < VNITRO_MAC_LEN; i++) {
		if (s[i * 3 + 2] != (i == VNITRO_MAC_LEN - 1 ? '\0' : ':'))
			return false;
		mac[i] = uint8_t(b[i]);
	}
	return true;
}

/* "the first four and the last address of a subnet" are AWS's. */
bool is_reserved(const struct topo_subnet &sn, uint32_t ip)
{
	uint32_t host = ntohl(ip) & ~prefix_mask(sn.prefixlen);

	return host < 4 || host == ~prefix_mask(sn.prefixlen);
}

/* @out := @path and what @fmt adds, e.g. ".enis[2]" and ".mac". */
void subpath(char out[PATH_LEN], const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void subpath(char out[PATH_LEN], const char *path, const char *fmt, ...)
{
	size_t len = strlen(path) < PATH_LEN - 1 ? strlen(path) : PATH_LEN - 1;
	va_list ap;

	memcpy(out, path, len);
	va_start(ap, fmt);
	vsnprintf(out + len, PATH_LEN - len, fmt, ap);
	va_end(ap);
}

class parser {
public:
	parser(const char *file, struct topology &t) : file_(file), t_(t) {}

	json_object *read_document();
	void top(json_object *root);

private:
	[[noreturn]] void bad(const char *path, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));
	void check_keys(json_object *obj, const char *path, const struct key *keys, size_t n);
	json_object *get(json_object *obj, const char *name) const;
	const char *string(json_object *obj, const char *name) const;
	bool boolean(json_object *obj, const char *name, bool dflt) const;
	size_t array(json_object *obj, const char *name) const;
	json_object *item(json_object *obj, const char *name, size_t i) const;

	void object_id(const char *path, const char *id, const char *what);
	void block(const char *path, const char *s, uint32_t *addr, uint8_t *prefixlen,
		   bool vpc_rules);
	void any_block(const char *path, const char *s, uint8_t *ipv6, uint32_t *addr,
		       uint8_t addr6[16], uint8_t *prefixlen);
	uint32_t address(const char *path, const char *s, const struct topo_subnet &sn);
	void ipv6_block(json_object *o, const char *path, uint8_t want_len, uint8_t *addr,
			uint8_t *prefixlen);
	void eni_ipv6(json_object *o, const char *path, const struct topo_subnet &sn,
		      struct topo_eni *e);

	void vpc(json_object *o, const char *path, struct topo_vpc *v);
	void subnet(json_object *o, const char *path, struct topo_subnet *sn);
	void route(json_object *o, const char *path, const struct topo_subnet &sn,
		   struct topo_route *r);
	void gateway(json_object *o, const char *path, struct topo_igw *g, bool egress_only);
	void sg(json_object *o, const char *path, struct topo_sg *g);
	void sg_rules(json_object *o, const char *path, struct topo_sg *g);
	void sg_rule(json_object *o, const char *path, const struct topo_sg &g, uint8_t direction,
		     struct vnitro_sg_rule *r);
	template <typename R>
	void rule_match(json_object *o, const char *path, R *r);
	void nacl(json_object *o, const char *path, struct topo_nacl *a);
	void nacl_entry(json_object *o, const char *path, uint8_t direction,
			struct vnitro_nacl_entry *e);
	void placement_group(json_object *o, const char *path, struct topo_pg *g);
	void instance(json_object *o, const char *path, struct topo_instance *in);
	void instance_placement(json_object *o, const char *path, struct topo_instance *in);
	void eni(json_object *o, const char *path, struct topo_eni *e);
	void eni_lists(json_object *o, const char *path, const struct topo_subnet &sn,
		       struct topo_eni *e);
	void eni_attachment(json_object *o, const char *path, struct topo_eni *e);
	uint32_t timeout(json_object *o, const char *path, const char *name, uint32_t min,
			 uint32_t max, uint32_t dflt, const char *ec2_name);
	void cross_checks();
	void eip_pool(json_object *root);
	void world_settings(json_object *root);
	uint32_t setting(json_object *o, const char *name, const char *what, uint32_t min,
			 uint32_t max);
	void path_model(json_object *root);
	void path_field(json_object *o, const char *path, const struct path_field &f,
			struct vnitro_path_change *c);
	void one_path(json_object *o, const char *path, struct vnitro_path_change *c);
	void eip(json_object *o, const char *path, struct topo_eip *a);
	void eip_association(json_object *o, const char *path, struct topo_eip *a);
	uint32_t eip_private_ip(json_object *o, const char *path, const struct topo_eni &e);

	const char *file_;
	struct topology &t_;
};

void parser::bad(const char *path, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	usage_error("%s: %s: %s", file_, path, msg);
}

json_object *parser::read_document()
{
	FILE *f = strcmp(file_, "<stdin>") ? fopen(file_, "r") : stdin;
	size_t len = 0, got;
	char *buf;

	if (!f)
		usage_error("cannot read %s: %s", file_, strerror(errno));
	buf = static_cast<char *>(malloc(FILE_MAX + 1));
	if (!buf)
		usage_error("%s: out of memory", file_);
	while (len <= FILE_MAX && (got = fread(buf + len, 1, FILE_MAX + 1 - len, f)) > 0)
		len += got;
	if (ferror(f))
		usage_error("cannot read %s: %s", file_, strerror(errno));
	if (len > FILE_MAX)
		usage_error("%s: larger than %d MiB", file_, FILE_MAX >> 20);
	if (f != stdin)
		fclose(f);

	json_tokener *tok = json_tokener_new();
	json_object *root;
	enum json_tokener_error jerr;
	size_t end, line = 1, col = 1;

	if (!tok)
		usage_error("%s: out of memory", file_);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, buf, int(len));
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_success)
		end += strspn(buf + end, " \t\r\n");
	for (size_t i = 0; i < end && i < len; i++, col++)
		if (buf[i] == '\n')
			line++, col = 0;
	if (jerr == json_tokener_continue)
		usage_error("%s:%zu:%zu: JSON ends too early", file_, line, col);
	if (jerr != json_tokener_success)
		usage_error("%s:%zu:%zu: invalid JSON: %s", file_, line, col,
			    json_tokener_error_desc(jerr));
	if (end < len)
		usage_error("%s:%zu:%zu: invalid JSON: text after the document", file_, line, col);
	json_tokener_free(tok);
	free(buf);
	return root;
}

void parser::check_keys(json_object *obj, const char *path, const struct key *keys, size_t n)
{
	if (!is_kind(obj, K_OBJECT))
		bad(path, "expected an object, got %s", json_kind_name(obj));
	json_object_object_foreach(obj, name, value) {
		size_t i = 0;

		while (i < n && strcmp(keys[i].name, name))
			i++;
		if (i == n) {
			char list[256] = "";

			for (size_t k = 0; k < n; k++) {
				strncat(list, k ? ", " : "", sizeof(list) - strlen(list) - 1);
				strncat(list, keys[k].name, sizeof(list) - strlen(list) - 1);
			}
			bad(path, "unknown key \"%s\" (expected %s)", name, list);
		}
		if (!value && keys[i].nullable)
			continue;
		if (!is_kind(value, keys[i].kind))
			bad(path, "\"%s\" must be %s%s, not %s", name, kind_name(keys[i].kind),
			    keys[i].nullable ? " or null" : "", json_kind_name(value));
	}
	for (size_t i = 0; i < n; i++)
		if (keys[i].required && !get(obj, keys[i].name))
			bad(path, "\"%s\" is required", keys[i].name);
}

json_object *parser::get(json_object *obj, const char *name) const
{
	json_object *v = nullptr;

	return json_object_object_get_ex(obj, name, &v) ? v : nullptr;
}

const char *parser::string(json_object *obj, const char *name) const
{
	json_object *v = get(obj, name);

	return v ? json_object_get_string(v) : nullptr;
}

bool parser::boolean(json_object *obj, const char *name, bool dflt) const
{
	json_object *v = get(obj, name);

	return v ? json_object_get_boolean(v) : dflt;
}

size_t parser::array(json_object *obj, const char *name) const
{
	json_object *v = get(obj, name);

	return v ? json_object_array_length(v) : 0;
}

json_object *parser::item(json_object *obj, const char *name, size_t i) const
{
	return json_object_array_get_idx(get(obj, name), i);
}

void parser::object_id(const char *path, const char *id, const char *what)
{
	if (!is_object_id(id))
		bad(path, "\"%s\" is not a valid %s (1 to %d characters a-z, 0-9 and '-')", id,
		    what, ID_MAX);
}

void parser::block(const char *path, const char *s, uint32_t *addr, uint8_t *prefixlen,
		   bool vpc_rules)
{
	uint32_t mask;

	if (!parse_block(s, addr, prefixlen))
		bad(path, "\"%s\" is not a CIDR block (expected A.B.C.D/N)", s);
	if (vpc_rules && (*prefixlen < VPC_MIN_PREFIX || *prefixlen > VPC_MAX_PREFIX))
		bad(path, "%s: the netmask must be between /%d and /%d", s, VPC_MIN_PREFIX,
		    VPC_MAX_PREFIX);
	mask = prefix_mask(*prefixlen);
	if (ntohl(*addr) & ~mask) {
		char fixed[CIDR_STRLEN];

		bad(path, "%s has host bits set; did you mean %s?", s,
		    format_cidr(htonl(ntohl(*addr) & mask), *prefixlen, fixed));
	}
}

/*
 * A rule's or an entry's "cidr", a route's "destination": an IPv4 block as
 * block() takes it (*@ipv6 0), or an IPv6 one, /0 to /128, into @addr6 (*@ipv6 1).
 */
void parser::any_block(const char *path, const char *s, uint8_t *ipv6, uint32_t *addr,
		       uint8_t addr6[16], uint8_t *prefixlen)
{
	const char *slash = strchr(s, '/');
	char buf[IPV6_STRLEN], fixed[CIDR6_STRLEN];
	size_t digits = slash ? strlen(slash + 1) : 0;
	unsigned long plen;
	uint8_t net[16];

	if (!strchr(s, ':')) {
		block(path, s, addr, prefixlen, false);
		*ipv6 = 0;
		return;
	}
	if (!slash || size_t(slash - s) >= sizeof(buf) || digits < 1 || digits > 3 ||
	    strspn(slash + 1, "0123456789") != digits)
		bad(path, "\"%s\" is not an IPv6 CIDR block (expected ADDRESS/N)", s);
	memcpy(buf, s, size_t(slash - s));
	buf[slash - s] = '\0';
	if (inet_pton(AF_INET6, buf, addr6) != 1)
		bad(path, "\"%s\" is not an IPv6 CIDR block (\"%s\" is not an IPv6 address)", s, buf);
	plen = strtoul(slash + 1, nullptr, 10);
	if (plen > 128)
		bad(path, "%s: the prefix length must be 0 to 128", s);
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = plen > i * 8 ? plen - i * 8 : 0;

		net[i] = uint8_t(bits >= 8 ? addr6[i] : addr6[i] & (0xff00 >> bits));
	}
	if (memcmp(net, addr6, 16))
		bad(path, "%s has host bits set; did you mean %s?", s,
		    format_any_cidr(1, 0, net, uint8_t(plen), fixed));
	*ipv6 = 1;
	*prefixlen = uint8_t(plen);
}

/* An ENI address: inside @sn and not one of the five AWS keeps. */
uint32_t parser::address(const char *path, const char *s, const struct topo_subnet &sn)
{
	char cidr[CIDR_STRLEN];
	uint32_t ip;

	if (!parse_ip(s, &ip))
		bad(path, "\"%s\" is not a valid IPv4 address", s);
	if (!cidr_contains(sn.addr, sn.prefixlen, ip))
		bad(path, "%s is not inside subnet %s (%s)", s, sn.id,
		    format_cidr(sn.addr, sn.prefixlen, cidr));
	if (is_reserved(sn, ip))
		bad(path, "%s is reserved by AWS (the first four and the last address of subnet %s)",
		    s, sn.id);
	return ip;
}

/* "ipv6_cidr": null/absent (none) or a block of @want_len bits, no host bits. */
void parser::ipv6_block(json_object *o, const char *path, uint8_t want_len, uint8_t *addr,
			uint8_t *prefixlen)
{
	const char *s = string(o, "ipv6_cidr"), *slash;
	char p[PATH_LEN], buf[IPV6_STRLEN];

	*prefixlen = 0;
	if (!s)
		return;
	subpath(p, path, ".ipv6_cidr");
	slash = strchr(s, '/');
	if (!slash || size_t(slash - s) >= sizeof(buf))
		bad(p, "\"%s\" is not an IPv6 CIDR block (expected ADDRESS/%u)", s, want_len);
	memcpy(buf, s, size_t(slash - s));
	buf[slash - s] = '\0';
	if (inet_pton(AF_INET6, buf, addr) != 1 || strtoul(slash + 1, nullptr, 10) != want_len ||
	    strspn(slash + 1, "0123456789") != strlen(slash + 1))
		bad(p, "\"%s\" is not an IPv6 /%u block", s, want_len);
	for (unsigned bit = want_len; bit < 128; bit++)
		if (addr[bit / 8] & (0x80 >> (bit % 8)))
			bad(p, "%s has host bits set", s);
	*prefixlen = want_len;
}

void parser::vpc(json_object *o, const char *path, struct topo_vpc *v)
{
	static const struct key keys[] = {
		{ "id", K_STRING, true, false },
		{ "cidr", K_STRING, true, false },
		{ "ipv6_cidr", K_STRING, false, true },
	};
	char p[PATH_LEN];

	check_keys(o, path, keys, sizeof(keys) / sizeof(keys[0]));
	ipv6_block(o, path, VNITRO_VPC_IPV6_PREFIXLEN, v->ipv6, &v->ipv6_prefixlen);
	v->id = string(o, "id");
	subpath(p, path, ".id");
	object_id(p, v->id, "VPC id");
	if (t_.find_vpc(v->id))
		bad(p, "VPC %s appears twice", v->id);
	subpath(p, path, ".cidr");
	block(p, string(o, "cidr"), &v->addr, &v->prefixlen, true);
}

void parser::subnet(json_object *o, const char *path, struct topo_subnet *sn)
{
	static const struct key keys[] = {
		{ "id", K_STRING, true, false },
		{ "vpc", K_STRING, true, false },
		{ "cidr", K_STRING, true, false },
		{ "az", K_STRING, true, false },
		{ "routes", K_ARRAY, false, true },
		{ "network_acl", K_STRING, false, true },
		{ "ipv6_cidr", K_STRING, false, true },
		{ "assign_ipv6_on_creation", K_BOOL, false, false },
	};
	const struct topo_vpc *v;
	const struct topo_nacl *a = nullptr;
	char p[PATH_LEN];

	check_keys(o, path, keys, sizeof(keys) / sizeof(keys[0]));
	sn->id = string(o, "id");
	subpath(p, path, ".id");
	object_id(p, sn->id, "subnet id");
	if (t_.find_subnet(sn->id))
		bad(p, "subnet %s appears twice", sn->id);
	sn->vpc = string(o, "vpc");
	v = t_.find_vpc(sn->vpc);
	subpath(p, path, ".vpc");
	if (!v)
		bad(p, "VPC \"%s\" is not in the file", sn->vpc);
	sn->az = string(o, "az");
	subpath(p, path, ".az");
	object_id(p, sn->az, "availability zone name");
	sn->nacl = string(o, "network_acl");
	subpath(p, path, ".network_acl");
	if (sn->nacl && !(a = t_.find_nacl(sn->nacl)))
		bad(p, "network ACL \"%s\" is not in the file (\"network_acls\")", sn->nacl);
	if (sn->nacl && strcmp(a->vpc, sn->vpc))
		bad(p, "network ACL %s is in VPC %s, and the subnet in VPC %s: a subnet uses an ACL of its own VPC",
		    a->id, a->vpc, sn->vpc);

	subpath(p, path, ".cidr");
	block(p, string(o, "cidr"), &sn->addr, &sn->prefixlen, true);
	if (sn->prefixlen < v->prefixlen || !cidr_contains(v->addr, v->prefixlen, sn->addr))
		bad(p, "%s is not inside VPC %s", string(o, "cidr"), v->id);
	for (const struct topo_subnet *other = t_.subnets; other < sn; other++) {
		uint8_t shorter = other->prefixlen < sn->prefixlen ? other->prefixlen
								   : sn->prefixlen;

		if (!strcmp(other->vpc, sn->vpc) &&
		    cidr_contains(other->addr, shorter, sn->addr))
			bad(p, "%s overlaps subnet %s", string(o, "cidr"), other->id);
	}

	ipv6_block(o, path, VNITRO_SUBNET_IPV6_PREFIXLEN, sn->ipv6, &sn->ipv6_prefixlen);
	subpath(p, path, ".ipv6_cidr");
	if (sn->ipv6_prefixlen && !v->ipv6_prefixlen)
		bad(p, "VPC %s has no \"ipv6_cidr\": a subnet's IPv6 block is a /64 of its VPC's", v->id);
	if (sn->ipv6_prefixlen && memcmp(sn->ipv6, v->ipv6, 7))
		bad(p, "%s is not inside VPC %s's IPv6 block", string(o, "ipv6_cidr"), v->id);
	for (const struct topo_subnet *other = t_.subnets; other < sn; other++)
		if (sn->ipv6_prefixlen && other->ipv6_prefixlen && !memcmp(other->ipv6, sn->ipv6, 8))
			bad(p, "%s is subnet %s's IPv6 block too", string(o, "ipv6_cidr"), other->id);
	sn->assign_ipv6 = boolean(o, "assign_ipv6_on_creation", false);
	if (sn->assign_ipv6 && !sn->ipv6_prefixlen)
		bad(path, "\"assign_ipv6_on_creation\" needs the subnet's \"ipv6_cidr\"");

	sn->route_count = array(o, "routes");
	sn->routes = static_cast<struct topo_route *>(calloc(sn->route_count + 1,
							     sizeof(*sn->routes)));
	if (!sn->routes)
		bad(path, "out of memory");
}

void parser::route(json_object *o, const char *path, const struct topo_subnet &sn,
		   struct topo_route *r)
{
	static const struct key keys[] = {
		{ "destination", K_STRING, true, false },
		{ "target", K_STRING, true, false },
	};
	const struct topo_vpc *v = t_.find_vpc(sn.vpc);
	char p[PATH_LEN];
	const char *vpc;

	check_keys(o, path, keys, 2);
	subpath(p, path, ".destination");
	any_block(p, string(o, "destination"), &r->ipv6, &r->addr, r->addr6, &r->prefixlen);
	if (!r->ipv6 && r->addr == v->addr && r->prefixlen == v->prefixlen)
		bad(p, "%s is the local route of VPC %s, which every subnet has", string(o, "destination"), v->id);
	if (r->ipv6 && v->ipv6_prefixlen && r->prefixlen == v->ipv6_prefixlen &&
	    !memcmp(r->addr6, v->ipv6, 16))
		bad(p, "%s is the local route of VPC %s's IPv6 block, which every subnet has while the VPC has the block",
		    string(o, "destination"), v->id);
	for (const struct topo_route *other = sn.routes; other < r; other++)
		if (same_destination(*other, *r))
			bad(p, "subnet %s has two routes to %s", sn.id, string(o, "destination"));

	/* Targets are checked once every ENI and gateway is known. */
	r->target = string(o, "target");
	subpath(p, path, ".target");
	if (const struct topo_igw *g = t_.find_igw(r->target)) {
		vpc = g->vpc;
	} else if ((g = t_.find_eigw(r->target))) {
		if (!r->ipv6)
			bad(p, "egress-only internet gateway %s carries IPv6 only, not %s", r->target,
			    string(o, "destination"));
		vpc = g->vpc;
	} else {
		const struct topo_eni *e = t_.find_eni(r->target);

		if (!e)
			bad(p, "\"%s\" is not a network interface, internet gateway or egress-only internet gateway of the file",
			    r->target);
		vpc = t_.find_subnet(e->subnet)->vpc;
	}
	if (strcmp(vpc, sn.vpc))
		bad(p, "route target %s is in VPC %s, not in %s", r->target, vpc, sn.vpc);
}

/*
 * An item of "internet_gateways" or, @egress_only, of
 * "egress_only_internet_gateways": the kernel makes an egress-only one of
 * any id starting with "eigw-", and of no other.
 */
void parser::gateway(json_object *o, const char *path, struct topo_igw *g, bool egress_only)
{
	static const struct key keys[] = {
		{ "id", K_STRING, true, false },
		{ "vpc", K_STRING, true, false },
		{ "netns", K_STRING, false, true },
		{ "frag_needed", K_BOOL, false, false },	/* not an egress-only one's */
	};
	const char *what = egress_only ? "egress-only internet gateway" : "internet gateway";
	const struct topo_igw *list = egress_only ? t_.eigws : t_.igws;
	size_t prefix = strlen(VNITRO_EIGW_ID_PREFIX);
	char p[PATH_LEN];

	check_keys(o, path, keys, egress_only ? 3 : 4);
	g->id = string(o, "id");
	subpath(p, path, ".id");
	if (egress_only && (strncmp(g->id, VNITRO_EIGW_ID_PREFIX, prefix) || !g->id[prefix] ||
			    !is_object_id(g->id)))
		bad(p, "\"%s\" is not a valid egress-only internet gateway id (\"%s\" and 1 to %zu characters a-z, 0-9 and '-')",
		    g->id, VNITRO_EIGW_ID_PREFIX, ID_MAX - prefix);
	object_id(p, g->id, "internet gateway id");
	if (!egress_only && !strncmp(g->id, VNITRO_EIGW_ID_PREFIX, prefix))
		bad(p, "\"%s\" is an egress-only internet gateway id: list it in \"egress_only_internet_gateways\"",
		    g->id);
	if (find_id(list, size_t(g - list), g->id))
		bad(p, "%s %s appears twice", what, g->id);
	g->vpc = string(o, "vpc");
	subpath(p, path, ".vpc");
	if (!t_.find_vpc(g->vpc))
		bad(p, "VPC \"%s\" is not in the file", g->vpc);
	for (const struct topo_igw *other = list; other < g; other++)
		if (!strcmp(other->vpc, g->vpc))
			bad(p, "VPC %s has two %ss, %s and %s (at most one)", g->vpc, what, other->id,
			    g->id);
	g->netns = string(o, "netns");
	subpath(p, path, ".netns");
	if (g->netns && vnitro_netns_name_check(g->netns))
		bad(p, "\"%s\" is not a valid network namespace name", g->netns);
	g->frag_needed = !egress_only && boolean(o, "frag_needed", true);
}

void parser::sg(json_object *o, const char *path, struct topo_sg *g)
{
	static const struct key keys[] = {
		{ "id", K_STRING, true, false },
		{ "vpc", K_STRING, true, false },
		{ "name", K_STRING, false, false },
		{ "description", K_STRING, false, false },
		{ "ingress", K_ARRAY, false, false },
		{ "egress", K_ARRAY, false, false },
	};
	char p[PATH_LEN];

	check_keys(o, path, keys, sizeof(keys) / sizeof(keys[0]));
	g->id = string(o, "id");
	subpath(p, path, ".id");
	if (!is_hex_id(g->id, "sg-"))
		bad(p, "\"%s\" is not a valid security group id (expected \"sg-\" and 1 to %d lowercase hex digits)",
		    g->id, HEX_MAX);
	if (t_.find_sg(g->id))
		bad(p, "security group %s appears twice", g->id);
	g->vpc = string(o, "vpc");
	subpath(p, path, ".vpc");
	if (!t_.find_vpc(g->vpc))
		bad(p, "VPC \"%s\" is not in the file", g->vpc);
	g->name = string(o, "name");
	if (!g->name)
		g->name = g->id;
	subpath(p, path, ".name");
	if (!g->name[0] || strlen(g->name) >= VNITRO_SG_NAME_LEN)
		bad(p, "a security group name has 1 to %d characters", VNITRO_SG_NAME_LEN - 1);
	if (!strncmp(g->name, "sg-", 3) && strcmp(g->name, g->id))
		bad(p, "security group names may not start with \"sg-\" (\"%s\")", g->name);
	for (const struct topo_sg *other = t_.sgs; other < g; other++)
		if (!strcmp(other->vpc, g->vpc) && !strcmp(other->name, g->name))
			bad(p, "VPC %s has two security groups named \"%s\" (%s and %s)", g->vpc,
			    g->name, other->id, g->id);
	g->description = string(o, "description");
	if (!g->description)
		g->description = "";
	subpath(p, path, ".description");
	if (strlen(g->description) >= VNITRO_DESCRIPTION_LEN)
		bad(p, "a description has at most %d characters", VNITRO_DESCRIPTION_LEN - 1);
	g->rules = static_cast<struct vnitro_sg_rule *>(calloc(4 * VNITRO_MAX_SG_RULES,
								 sizeof(*g->rules)));
	if (!g->rules)
		bad(path, "out of memory");
}

/*
 * "ingress" and "egress", once every group of the file is known; at most
 * VNITRO_MAX_SG_RULES of a direction cover IPv4 and as many IPv6 (a rule
 * naming a group covers both), so a direction has at most twice that.
 */
void parser::sg_rules(json_object *o, const char *path, struct topo_sg *g)
{
	static const char *const keys[] = { "ingress", "egress" };
	char p[PATH_LEN], q[PATH_LEN];

	for (uint8_t d = VNITRO_SG_INGRESS; d <= VNITRO_SG_EGRESS; d++) {
		size_t n = array(o, keys[d]), v4 = 0, v6 = 0;

		subpath(q, path, ".%s", keys[d]);
		for (size_t i = 0; i < n; i++) {
			struct vnitro_sg_rule r;

			subpath(p, path, ".%s[%zu]", keys[d], i);
			sg_rule(item(o, keys[d], i), p, *g, d, &r);
			v4 += r.peer_id[0] || !r.ipv6;
			v6 += r.peer_id[0] || r.ipv6;
			if (v4 > VNITRO_MAX_SG_RULES || v6 > VNITRO_MAX_SG_RULES)
				bad(q, "at most %d %s rules for %s per security group (EC2's quota, per address family; a rule naming a group counts for both)",
				    VNITRO_MAX_SG_RULES, keys[d], v4 > VNITRO_MAX_SG_RULES ? "IPv4" : "IPv6");
			for (uint32_t k = 0; k < g->rule_count; k++)
				if (same_sg_rule(g->rules[k], r))
					bad(p, "the same rule appears twice");
			g->rules[g->rule_count++] = r;
		}
	}
}

void parser::sg_rule(json_object *o, const char *path, const struct topo_sg &g, uint8_t direction,
		     struct vnitro_sg_rule *r)
{
	static const struct key keys[] = {
		{ "protocol", K_STRING, true, false },
		{ "port_from", K_INT, false, false },
		{ "port_to", K_INT, false, false },
		{ "icmp_type", K_INT, false, false },
		{ "icmp_code", K_INT, false, false },
		{ "cidr", K_STRING, false, false },
		{ "sg", K_STRING, false, false },
	};
	const struct topo_sg *peer;
	const char *cidr;
	char p[PATH_LEN];

	check_keys(o, path, keys, sizeof(keys) / sizeof(keys[0]));
	*r = vnitro_sg_rule{};
	r->direction = direction;
	rule_match(o, path, r);
	cidr = string(o, "cidr");
	if (!!cidr == !!get(o, "sg"))
		bad(path, "a rule has one peer: \"cidr\" or \"sg\"");
	if (cidr) {
		subpath(p, path, ".cidr");
		any_block(p, cidr, &r->ipv6, &r->cidr_addr, r->cidr6, &r->cidr_prefixlen);
		return;
	}
	subpath(p, path, ".sg");
	peer = t_.find_sg(string(o, "sg"));
	if (!peer)
		bad(p, "security group \"%s\" is not in the file", string(o, "sg"));
	if (strcmp(peer->vpc, g.vpc))
		bad(p, "security group %s is in VPC %s, not in %s: a rule names groups of its own VPC",
		    peer->id, peer->vpc, g.vpc);
	snprintf(r->peer_id, sizeof(r->peer_id), "%s", peer->id);
}

/*
 * What a security group rule and a network ACL entry match alike: "protocol",
 * the ports of tcp and udp, an ICMP type and code; @r's other fields are left.
 */
template <typename R>
void parser::rule_match(json_object *o, const char *path, R *r)
{
	json_object *from, *to, *type, *code;
	const char *proto;
	char p[PATH_LEN];
	bool ported;

	r->icmp_type = r->icmp_code = -1;
	proto = string(o, "protocol");
	subpath(p, path, ".protocol");
	if (!parse_sg_protocol(proto, &r->protocol))
		bad(p, "\"%s\" is not a protocol (expected tcp, udp, icmp, icmpv6, all or 0 to 255)",
		    proto);
	ported = r->protocol == 6 || r->protocol == 17;
	from = get(o, "port_from");
	to = get(o, "port_to");
	if (ported != (from && to) || (!ported && (from || to)))
		bad(path, ported ? "a %s rule needs \"port_from\" and \"port_to\""
				 : "only tcp and udp rules have ports, not %s", proto);
	if (ported) {
		int64_t lo = json_object_get_int64(from), hi = json_object_get_int64(to);

		if (lo < 0 || hi > 65535 || lo > hi)
			bad(path, "ports %lld-%lld: expected 0 to 65535, the first not above the last",
			    (long long)lo, (long long)hi);
		r->has_ports = 1;
		r->port_from = uint16_t(lo);
		r->port_to = uint16_t(hi);
	}
	type = get(o, "icmp_type");
	code = get(o, "icmp_code");
	if ((type || code) && r->protocol != 1 && r->protocol != 58)
		bad(path, "only icmp and icmpv6 rules have \"icmp_type\" and \"icmp_code\"");
	if (code && !type)
		bad(path, "\"icmp_code\" needs \"icmp_type\"");
	if ((type && (json_object_get_int64(type) < 0 || json_object_get_int64(type) > 255)) ||
	    (code && (json_object_get_int64(code) < 0 || json_object_get_int64(code) > 255)))
		bad(path, "an ICMP type and code run from 0 to 255");
	if (type)
		r->icmp_type = int16_t(json_object_get_int64(type));
	if (code)
		r->icmp_code = int16_t(json_object_get_int64(code));
}

void parser::nacl(json_object *o, const char *path, struct topo_nacl *a)
{
	static const struct key keys[] = {
		{ "id", K_STRING, true, false },
		{ "vpc", K_STRING, true, false },
		{ "default", K_BOOL, false, false },
		{ "ingress", K_ARRAY, false, false },
		{ "egress", K_ARRAY, false, false },
	};
	static const char *const dirs[] = { "ingress", "egress" };
	size_t in_vpc = 1;
	char p[PATH_LEN];

	check_keys(o, path, keys, sizeof(keys) / sizeof(keys[0]));
	a->id = string(o, "id");
	subpath(p, path, ".id");
	if (!is_hex_id(a->id, "acl-"))
		bad(p, "\"%s\" is not a valid network ACL id (expected \"acl-\" and 1 to %d lowercase hex digits)",
		    a->id, HEX_MAX);
	if (t_.find_nacl(a->id))
		bad(p, "network ACL %s appears twice", a->id);
	a->vpc = string(o, "vpc");
	subpath(p, path, ".vpc");
	if (!t_.find_vpc(a->vpc))
		bad(p, "VPC \"%s\" is not in the file", a->vpc);
	a->is_default = boolean(o, "default", false);
	for (const struct topo_nacl *other = t_.nacls; other < a; other++) {
		if (strcmp(other->vpc, a->vpc))
			continue;
		in_vpc++;
		subpath(p, path, ".default");
		if (a->is_default && other->is_default)
			bad(p, "VPC %s has two default network ACLs, %s and %s (one)", a->vpc,
			    other->id, a->id);
	}
	if (in_vpc > VNITRO_MAX_NACLS_PER_VPC)
		bad(path, "VPC %s has more than %d network ACLs (EC2's quota \"Network ACLs per VPC\")",
		    a->vpc, VNITRO_MAX_NACLS_PER_VPC);
	a->entries = static_cast<struct vnitro_nacl_entry *>(
		calloc(4 * VNITRO_MAX_NACL_ENTRIES, sizeof(*a->entries)));
	if (!a->entries)
		bad(path, "out of memory");
	/* The quota is per direction and address family; numbers are unique per direction. */
	for (uint8_t d = VNITRO_SG_INGRESS; d <= VNITRO_SG_EGRESS; d++) {
		size_t n = array(o, dirs[d]), count[2] = {};
		char q[PATH_LEN];

		subpath(q, path, ".%s", dirs[d]);
		for (size_t i = 0; i < n; i++) {
			struct vnitro_nacl_entry e;

			subpath(p, path, ".%s[%zu]", dirs[d], i);
			nacl_entry(item(o, dirs[d], i), p, d, &e);
			if (++count[e.ipv6] > VNITRO_MAX_NACL_ENTRIES)
				bad(q, "at most %d %s rules for %s per network ACL (EC2's quota of %d per direction and address family counts the \"*\" rule)",
				    VNITRO_MAX_NACL_ENTRIES, dirs[d], e.ipv6 ? "IPv6" : "IPv4",
				    VNITRO_MAX_NACL_RULES);
			for (uint32_t k = 0; k < a->entry_count; k++)
				if (a->entries[k].direction == d && a->entries[k].number == e.number)
					bad(p, "%s rule number %u appears twice", dirs[d], e.number);
			a->entries[a->entry_count++] = e;
		}
	}
}

void parser::nacl_entry(json_object *o, const char *path, uint8_t direction,
			struct vnitro_nacl_entry *e)
{
	static const struct key keys[] = {
		{ "rule", K_INT, true, false },
		{ "action", K_STRING, true, false },
		{ "protocol", K_STRING, true, false },
		{ "port_from", K_INT, false, false },
		{ "port_to", K_INT, false, false },
		{ "icmp_type", K_INT, false, false },
		{ "icmp_code", K_INT, false, false },
		{ "cidr", K_STRING, true, false },
	};
	int64_t number;
	const char *action;
	char p[PATH_LEN];

	check_keys(o, path, keys, sizeof(keys) / sizeof(keys[0]));
	*e = vnitro_nacl_entry{};
	e->direction = direction;
	number = json_object_get_int64(get(o, "rule"));
	subpath(p, path, ".rule");
	if (number < 1 || number > VNITRO_NACL_MAX_NUMBER)
		bad(p, "rule number %lld is out of range: use 1 to %d (32767 and up are reserved)",
		    (long long)number, VNITRO_NACL_MAX_NUMBER);
	e->number = uint16_t(number);
	action = string(o, "action");
	subpath(p, path, ".action");
	if (strcmp(action, "allow") && strcmp(action, "deny"))
		bad(p, "\"%s\" is not an action (expected \"allow\" or \"deny\")", action);
	e->action = uint8_t(strcmp(action, "allow") ? VNITRO_NACL_DENY : VNITRO_NACL_ALLOW);
	rule_match(o, path, e);
	subpath(p, path, ".cidr");
	any_block(p, string(o, "cidr"), &e->ipv6, &e->cidr_addr, e->cidr6, &e->cidr_prefixlen);
}

/* As PG_ADD takes it, refused in the kernel's words; the defaults written in. */
void parser::placement_group(json_object *o, const char *path, struct topo_pg *g)
{
	static const struct key keys[] = {
		{ "name", K_STRING, true, false },
		{ "strategy", K_STRING, true, false },
		{ "partition_count", K_INT, false, true },
		{ "spread_level", K_STRING, false, true },
	};
	json_object *count = get(o, "partition_count");
	const char *level, *strategy;
	char p[PATH_LEN];

	check_keys(o, path, keys, sizeof(keys) / sizeof(keys[0]));
	g->name = string(o, "name");
	subpath(p, path, ".name");
	if (!is_ascii_name(g->name, VNITRO_PG_NAME_LEN - 1))
		bad(p, "a placement group name is 1 to %d ASCII characters", VNITRO_PG_NAME_LEN - 1);
	if (t_.find_pg(g->name))
		bad(p, "placement group %s appears twice", g->name);
	strategy = string(o, "strategy");
	g->strategy = pg_strategy_of(strategy);
	subpath(p, path, ".strategy");
	if (!g->strategy)
		bad(p, "\"%s\" is not a placement strategy (expected \"cluster\", \"spread\" or \"partition\")",
		    strategy);
	subpath(p, path, ".partition_count");
	if (count && g->strategy != VNITRO_PG_PARTITION)
		bad(p, "a partition count is valid only for a partition placement group");
	if (count && (json_object_get_int64(count) < 1 ||
		      json_object_get_int64(count) > VNITRO_PG_MAX_PARTITIONS))
		bad(p, "partition count %s is out of range: 1 to %d", json_object_get_string(count),
		    VNITRO_PG_MAX_PARTITIONS);
	if (g->strategy == VNITRO_PG_PARTITION)
		g->partition_count = count ? uint32_t(json_object_get_int64(count))
					   : uint32_t(VNITRO_PG_DEFAULT_PARTITIONS);
	level = string(o, "spread_level");
	subpath(p, path, ".spread_level");
	if (level && g->strategy != VNITRO_PG_SPREAD)
		bad(p, "a spread level is valid only for a spread placement group");
	if (level && !pg_spread_level_of(level))
		bad(p, "\"%s\" is not a spread level (expected \"rack\" or \"host\")", level);
	if (level && pg_spread_level_of(level) == VNITRO_PG_SPREAD_HOST)
		bad(p, "spread level host is only for placement groups on AWS Outposts");
	if (g->strategy == VNITRO_PG_SPREAD)
		g->spread_level = VNITRO_PG_SPREAD_RACK;
}

/* Burstable performance types (t2, t3, t3a, t4g ...), which no cluster group takes. */
bool is_burstable(const char *type)
{
	return type[0] == 't' && type[1] >= '0' && type[1] <= '9';
}

/*
 * "placement_group" and "partition", with what the kernel would refuse at
 * INSTANCE_ADD that the file alone shows: against the group, and against
 * the group's instances before this one in the file.
 */
void parser::instance_placement(json_object *o, const char *path, struct topo_instance *in)
{
	json_object *partition = get(o, "partition");
	const struct topo_pg *g;
	const char *az = t_.find_subnet(in->subnet)->az;
	uint32_t in_az = 0;
	char p[PATH_LEN];

	in->placement_group = string(o, "placement_group");
	subpath(p, path, ".partition");
	if (partition && !in->placement_group)
		bad(p, "a partition number needs a placement group");
	if (!in->placement_group)
		return;
	g = t_.find_pg(in->placement_group);
	if (partition && g && g->strategy != VNITRO_PG_PARTITION)
		bad(p, "a partition number is valid only in a partition placement group");
	if (partition && g && (json_object_get_int64(partition) < 1 ||
			       json_object_get_int64(partition) > g->partition_count))
		bad(p, "partition %s is out of range: placement group '%s' has %u partitions",
		    json_object_get_string(partition), g->name, g->partition_count);
	if (partition)
		in->partition = uint32_t(json_object_get_int64(partition));
	subpath(p, path, ".placement_group");
	if (!g)
		bad(p, "placement group \"%s\" is not in the file", in->placement_group);
	if (g->strategy == VNITRO_PG_CLUSTER && in->type && is_burstable(in->type))
		bad(p, "placement groups may not be used with instances of type '%s'", in->type);
	for (const struct topo_instance *other = t_.instances; other < in; other++) {
		const char *other_az = t_.find_subnet(other->subnet)->az;

		if (!other->placement_group || strcmp(other->placement_group, g->name))
			continue;
		if (g->strategy == VNITRO_PG_CLUSTER && strcmp(other_az, az))
			bad(p, "cluster placement group '%s' has instance %s in %s; %s is in %s (one availability zone)",
			    g->name, other->name, other_az, in->name, az);
		in_az += !strcmp(other_az, az);
	}
	if (g->strategy == VNITRO_PG_SPREAD && in_az >= VNITRO_PG_SPREAD_PER_AZ)
		bad(p, "spread placement group '%s' already has %d instances in %s (EC2: seven running instances per Availability Zone)",
		    g->name, VNITRO_PG_SPREAD_PER_AZ, az);
}

void parser::instance(json_object *o, const char *path, struct topo_instance *in)
{
	static const struct key keys[] = {
		{ "name", K_STRING, true, false },
		{ "subnet", K_STRING, true, false },
		{ "type", K_STRING, false, true },
		{ "placement_group", K_STRING, false, true },
		{ "partition", K_INT, false, true },
		{ "metadata_tokens", K_STRING, false, false },
		{ "metadata_hop_limit", K_INT, false, false },
		{ "metadata_endpoint", K_BOOL, false, false },
		{ "host", K_STRING, false, true },
	};
	json_object *hops = get(o, "metadata_hop_limit");
	const char *tokens, *host;
	char p[PATH_LEN];

	check_keys(o, path, keys, sizeof(keys) / sizeof(keys[0]));
	in->name = string(o, "name");
	subpath(p, path, ".name");
	if (vnitro_netns_name_check(in->name))
		bad(p, "\"%s\" is not a valid instance name (a network namespace name: 1 to %d characters, no \"/\", not \".\" or \"..\")",
		    in->name, VNITRO_NAME_LEN - 1);
	if (t_.find_instance(in->name))
		bad(p, "instance %s appears twice", in->name);
	in->subnet = string(o, "subnet");
	subpath(p, path, ".subnet");
	if (!t_.find_subnet(in->subnet))
		bad(p, "subnet \"%s\" is not in the file", in->subnet);
	in->type = string(o, "type");
	subpath(p, path, ".type");
	if (in->type && (!in->type[0] || strlen(in->type) >= VNITRO_TYPE_LEN))
		bad(p, "\"%s\" is not an instance type name", in->type);
	in->primary = -1;
	tokens = string(o, "metadata_tokens");
	subpath(p, path, ".metadata_tokens");
	if (tokens && strcmp(tokens, "optional") && strcmp(tokens, "required"))
		bad(p, "\"%s\" is not a metadata tokens setting (expected \"optional\" or \"required\")",
		    tokens);
	in->md_tokens = uint8_t(tokens && !strcmp(tokens, "required") ? VNITRO_MD_TOKENS_REQUIRED
								    : VNITRO_MD_TOKENS_OPTIONAL);
	in->md_hop_limit = uint8_t(VNITRO_MD_HOP_LIMIT_MIN);
	subpath(p, path, ".metadata_hop_limit");
	if (hops && (json_object_get_int64(hops) < VNITRO_MD_HOP_LIMIT_MIN ||
		     json_object_get_int64(hops) > VNITRO_MD_HOP_LIMIT_MAX))
		bad(p, "%s is out of range: EC2's HttpPutResponseHopLimit is %d to %d",
		    json_object_get_string(hops), VNITRO_MD_HOP_LIMIT_MIN, VNITRO_MD_HOP_LIMIT_MAX);
	if (hops)
		in->md_hop_limit = uint8_t(json_object_get_int64(hops));
	in->md_endpoint = boolean(o, "metadata_endpoint", true);
	host = string(o, "host");
	subpath(p, path, ".host");
	if (host && (!parse_ip(host, &in->host) || !in->host || (ntohl(in->host) >> 24) == 127 ||
		     (ntohl(in->host) >> 24) >= 224))
		bad(p, "\"%s\" is not a host's underlay address (A.B.C.D)", host);
	instance_placement(o, path, in);
}

void parser::eni(json_object *o, const char *path, struct topo_eni *e)
{
	static const struct key keys[] = {
		{ "id", K_STRING, true, false },
		{ "subnet", K_STRING, true, false },
		{ "mac", K_STRING, false, true },
		{ "private_ip", K_STRING, false, true },
		{ "type", K_STRING, false, false },
		{ "secondary_ips", K_ARRAY, false, false },
		{ "ipv6_addresses", K_ARRAY, false, false },
		{ "description", K_STRING, false, false },
		{ "security_groups", K_ARRAY, false, false },
		{ "source_dest_check", K_BOOL, false, false },
		{ "ena_express", K_BOOL, false, false },
		{ "ena_express_udp", K_BOOL, false, false },
		{ "tcp_established_timeout", K_INT, false, false },
		{ "udp_stream_timeout", K_INT, false, false },
		{ "udp_timeout", K_INT, false, false },
		{ "instance", K_STRING, false, true },
		{ "network_card_index", K_INT, false, true },
		{ "device_index", K_INT, false, true },
	};
	const struct topo_subnet *sn;
	const char *s;
	char p[PATH_LEN];

	check_keys(o, path, keys, sizeof(keys) / sizeof(keys[0]));
	e->id = string(o, "id");
	subpath(p, path, ".id");
	if (!is_hex_id(e->id, "eni-"))
		bad(p, "\"%s\" is not a valid ENI id (expected \"eni-\" and 1 to %d lowercase hex digits)",
		    e->id, HEX_MAX);
	for (const struct topo_eni *other = t_.enis; other < e; other++)
		if (!strcmp(other->id, e->id))
			bad(p, "network interface %s appears twice", e->id);
	e->subnet = string(o, "subnet");
	sn = t_.find_subnet(e->subnet);
	subpath(p, path, ".subnet");
	if (!sn)
		bad(p, "subnet \"%s\" is not in the file", e->subnet);

	if ((s = string(o, "mac"))) {
		subpath(p, path, ".mac");
		if (!parse_mac_text(s, e->mac))
			bad(p, "\"%s\" is not a valid MAC address (expected XX:XX:XX:XX:XX:XX)", s);
		if (e->mac[0] & 1)
			bad(p, "%s is a multicast address; an ENI's MAC is unicast", s);
		e->has_mac = true;
	}
	if ((s = string(o, "private_ip"))) {
		subpath(p, path, ".private_ip");
		e->private_ip = address(p, s, *sn);
	}
	e->type = VNITRO_ENI_TYPE_INTERFACE;
	if ((s = string(o, "type"))) {
		subpath(p, path, ".type");
		if (!strcmp(s, "efa"))
			e->type = VNITRO_ENI_TYPE_EFA;
		else if (strcmp(s, "interface"))
			bad(p, "\"%s\" is not an ENI type (expected \"interface\" or \"efa\")", s);
	}
	e->description = string(o, "description");
	if (!e->description)
		e->description = "";
	subpath(p, path, ".description");
	if (strlen(e->description) >= VNITRO_DESCRIPTION_LEN)
		bad(p, "a description has at most %d characters", VNITRO_DESCRIPTION_LEN - 1);
	e->source_dest_check = boolean(o, "source_dest_check", true);
	e->ena_express = boolean(o, "ena_express", false);
	e->ena_express_udp = boolean(o, "ena_express_udp", false);
	subpath(p, path, ".ena_express_udp");
	if (e->ena_express_udp && !e->ena_express)
		bad(p, "ENA Express for UDP needs ENA Express (\"ena_express\": true)");
	e->tcp_established_timeout = timeout(o, path, "tcp_established_timeout",
					     VNITRO_TCP_ESTABLISHED_TIMEOUT_MIN,
					     VNITRO_TCP_ESTABLISHED_TIMEOUT_MAX,
					     VNITRO_TCP_ESTABLISHED_TIMEOUT_DEFAULT,
					     "TcpEstablishedTimeout");
	e->udp_stream_timeout = timeout(o, path, "udp_stream_timeout",
					VNITRO_UDP_STREAM_TIMEOUT_MIN, VNITRO_UDP_STREAM_TIMEOUT_MAX,
					VNITRO_UDP_STREAM_TIMEOUT_DEFAULT, "UdpStreamTimeout");
	e->udp_timeout = timeout(o, path, "udp_timeout", VNITRO_UDP_TIMEOUT_MIN,
				 VNITRO_UDP_TIMEOUT_MAX, VNITRO_UDP_TIMEOUT_DEFAULT, "UdpTimeout");
	eni_lists(o, path, *sn, e);
	eni_ipv6(o, path, *sn, e);
	eni_attachment(o, path, e);
}

/* A connection tracking timeout of an ENI: @dflt when absent, else within EC2's range. */
uint32_t parser::timeout(json_object *o, const char *path, const char *name, uint32_t min,
			 uint32_t max, uint32_t dflt, const char *ec2_name)
{
	json_object *v = get(o, name);
	char p[PATH_LEN];

	if (!v)
		return dflt;
	subpath(p, path, ".%s", name);
	if (json_object_get_int64(v) < min || json_object_get_int64(v) > max)
		bad(p, "%s is out of range: EC2's %s is %u to %u seconds",
		    json_object_get_string(v), ec2_name, min, max);
	return uint32_t(json_object_get_int64(v));
}

/*
 * "ipv6_addresses": of the subnet's /64, not AWS's (the first four, the
 * last), each once in the file.
 */
void parser::eni_ipv6(json_object *o, const char *path, const struct topo_subnet &sn,
		      struct topo_eni *e)
{
	static const uint8_t ones[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zeros[7] = {};
	size_t n = array(o, "ipv6_addresses");
	char p[PATH_LEN];

	subpath(p, path, ".ipv6_addresses");
	if (n && !sn.ipv6_prefixlen)
		bad(p, "subnet %s has no \"ipv6_cidr\"", sn.id);
	if (n > VNITRO_MAX_ENI_IPV6)
		bad(p, "at most %d IPv6 addresses per network interface", VNITRO_MAX_ENI_IPV6);
	for (size_t i = 0; i < n; i++) {
		json_object *v = item(o, "ipv6_addresses", i);
		const char *s = is_kind(v, K_STRING) ? json_object_get_string(v) : nullptr;
		uint8_t *a = e->ipv6[i];

		subpath(p, path, ".ipv6_addresses[%zu]", i);
		if (!s || inet_pton(AF_INET6, s, a) != 1)
			bad(p, "expected an IPv6 address as a string");
		if (memcmp(a, sn.ipv6, 8))
			bad(p, "%s is not in subnet %s's IPv6 block", s, sn.id);
		if ((!memcmp(a + 8, zeros, 7) && a[15] < 4) || !memcmp(a + 8, ones, 8))
			bad(p, "%s is reserved by AWS (the first four addresses and the last one)", s);
		for (size_t k = 0; k < i; k++)
			if (!memcmp(e->ipv6[k], a, 16))
				bad(p, "%s appears twice", s);
		for (const struct topo_eni *other = t_.enis; other < e; other++)
			for (size_t k = 0; k < other->ipv6_count; k++)
				if (!memcmp(other->ipv6[k], a, 16))
					bad(p, "%s is network interface %s's too", s, other->id);
	}
	e->ipv6_count = n;
}

/* "secondary_ips" and "security_groups". */
void parser::eni_lists(json_object *o, const char *path, const struct topo_subnet &sn,
		       struct topo_eni *e)
{
	size_t n = array(o, "secondary_ips");
	char p[PATH_LEN];

	subpath(p, path, ".secondary_ips");
	if (n > VNITRO_MAX_ENI_IPS - 1)
		bad(p, "at most %d secondary addresses (%d private IPv4 addresses per network interface)",
		    VNITRO_MAX_ENI_IPS - 1, VNITRO_MAX_ENI_IPS);
	for (size_t i = 0; i < n; i++) {
		json_object *v = item(o, "secondary_ips", i);

		subpath(p, path, ".secondary_ips[%zu]", i);
		if (!is_kind(v, K_STRING))
			bad(p, "expected an IPv4 address as a string, got %s", json_kind_name(v));
		e->secondary_ips[i] = address(p, json_object_get_string(v), sn);
		for (size_t k = 0; k < i; k++)
			if (e->secondary_ips[k] == e->secondary_ips[i])
				bad(p, "%s appears twice", json_object_get_string(v));
		if (e->secondary_ips[i] == e->private_ip)
			bad(p, "%s is the primary address", json_object_get_string(v));
	}
	e->secondary_count = n;

	n = array(o, "security_groups");
	subpath(p, path, ".security_groups");
	if (n > VNITRO_MAX_SECURITY_GROUPS)
		bad(p, "at most %d security groups per network interface",
		    VNITRO_MAX_SECURITY_GROUPS);
	for (size_t i = 0; i < n; i++) {
		json_object *v = item(o, "security_groups", i);
		const char *sg = is_kind(v, K_STRING) ? json_object_get_string(v) : nullptr;

		subpath(p, path, ".security_groups[%zu]", i);
		if (!sg || !is_hex_id(sg, "sg-"))
			bad(p, "expected a security group id (\"sg-\" and 1 to %d lowercase hex digits)",
			    HEX_MAX);
		const struct topo_sg *g = t_.find_sg(sg);

		if (!g)
			bad(p, "security group %s is not in the file (\"security_groups\")", sg);
		if (strcmp(g->vpc, sn.vpc))
			bad(p, "security group %s is in VPC %s, and the ENI in VPC %s", sg, g->vpc,
			    sn.vpc);
		for (size_t k = 0; k < i; k++)
			if (!strcmp(e->security_groups[k], sg))
				bad(p, "%s appears twice", sg);
		e->security_groups[i] = sg;
	}
	e->security_group_count = n;
}

/* "instance" and "device_index": both, or neither (available); "network_card_index" with them. */
void parser::eni_attachment(json_object *o, const char *path, struct topo_eni *e)
{
	json_object *index = get(o, "device_index"), *card = get(o, "network_card_index");
	const struct topo_instance *in;
	char p[PATH_LEN], place[64];

	e->instance = string(o, "instance");
	e->device_index = -1;
	e->network_card = 0;
	subpath(p, path, ".network_card_index");
	if (card && !index)
		bad(p, "a network card goes with \"instance\" and \"device_index\"");
	if (card && (json_object_get_int64(card) < 0 ||
		     json_object_get_int64(card) > VNITRO_MAX_NETWORK_CARD))
		bad(p, "%s is not a network card index (0 to %d)", json_object_get_string(card),
		    VNITRO_MAX_NETWORK_CARD);
	if (card)
		e->network_card = int(json_object_get_int64(card));
	if (!e->instance && !index)
		return;
	if (!e->instance || !index)
		bad(path, "\"instance\" and \"device_index\" go together (both null: available)");
	in = t_.find_instance(e->instance);
	subpath(p, path, ".instance");
	if (!in)
		bad(p, "instance \"%s\" is not in the file", e->instance);
	subpath(p, path, ".device_index");
	if (json_object_get_int64(index) < 0 ||
	    json_object_get_int64(index) > VNITRO_MAX_DEVICE_INDEX)
		bad(p, "%s is not a device index (0 to %d)", json_object_get_string(index),
		    VNITRO_MAX_DEVICE_INDEX);
	e->device_index = int(json_object_get_int64(index));
	for (const struct topo_eni *other = t_.enis; other < e; other++)
		if (other->instance && !strcmp(other->instance, e->instance) &&
		    other->device_index == e->device_index && other->network_card == e->network_card)
			bad(p, "%s of instance %s holds %s already",
			    format_place(e->network_card, e->device_index, place, sizeof(place)),
			    e->instance, other->id);
	if (topo_primary(*e)) {
		/* The instance creates its primary ENI: in its subnet, of type interface. */
		if (strcmp(e->subnet, in->subnet))
			bad(p, "the primary network interface of %s is in its subnet %s, not in %s",
			    in->name, in->subnet, e->subnet);
		if (e->type != VNITRO_ENI_TYPE_INTERFACE)
			bad(p, "a primary network interface is of type interface");
		const_cast<struct topo_instance *>(in)->primary = int(e - t_.enis);
	} else if (strcmp(t_.find_subnet(e->subnet)->az, t_.find_subnet(in->subnet)->az)) {
		bad(p, "%s is in %s and instance %s in %s: an ENI attaches only in its availability zone",
		    e->id, t_.find_subnet(e->subnet)->az, in->name,
		    t_.find_subnet(in->subnet)->az);
	}
}

/* What one object cannot show: addresses and MACs unique across ENIs. */
void parser::cross_checks()
{
	char p[PATH_LEN], ip[IPV4_STRLEN], mac[MAC_STRLEN];

	for (size_t i = 0; i < t_.eni_count; i++) {
		const struct topo_eni &e = t_.enis[i];

		for (size_t k = 0; k < i; k++) {
			const struct topo_eni &o = t_.enis[k];

			snprintf(p, sizeof(p), ".enis[%zu].mac", i);
			if (e.has_mac && o.has_mac && !topo_primary(e) &&
			    !topo_primary(o) && !memcmp(e.mac, o.mac, VNITRO_MAC_LEN))
				bad(p, "%s is the MAC of %s too", format_mac(e.mac, mac), o.id);
			if (strcmp(e.subnet, o.subnet))
				continue;
			for (size_t a = 0; a <= e.secondary_count; a++) {
				uint32_t addr = a ? e.secondary_ips[a - 1] : e.private_ip;

				if (!addr)
					continue;
				bool taken = addr == o.private_ip;

				for (size_t b = 0; b < o.secondary_count; b++)
					taken |= addr == o.secondary_ips[b];
				if (!a)
					snprintf(p, sizeof(p), ".enis[%zu].private_ip", i);
				else
					snprintf(p, sizeof(p), ".enis[%zu].secondary_ips[%zu]", i, a - 1);
				if (taken)
					bad(p, "%s is an address of %s too", format_ipv4(addr, ip), o.id);
			}
		}
	}
}

/* "eip_pool": a block of /16 to /30, as EIP_POOL_SET takes it; absent: the default pool. */
void parser::eip_pool(json_object *root)
{
	const char *s = string(root, "eip_pool");

	t_.has_eip_pool = s;
	if (!s) {
		t_.eip_pool_addr = htonl(EIP_POOL_DEFAULT_ADDR);
		t_.eip_pool_prefixlen = EIP_POOL_DEFAULT_PREFIXLEN;
		return;
	}
	block(".eip_pool", s, &t_.eip_pool_addr, &t_.eip_pool_prefixlen, false);
	if (t_.eip_pool_prefixlen < VNITRO_EIP_POOL_MIN_PREFIXLEN ||
	    t_.eip_pool_prefixlen > VNITRO_EIP_POOL_MAX_PREFIXLEN)
		bad(".eip_pool", "%s: the public pool is /%d to /%d", s,
		    VNITRO_EIP_POOL_MIN_PREFIXLEN, VNITRO_EIP_POOL_MAX_PREFIXLEN);
}

/* "world": "rate_scale" and "burst_seconds", each optional, as WORLD_SET takes them. */
void parser::world_settings(json_object *root)
{
	static const struct key keys[] = {
		{ "rate_scale", K_INT, false, false },
		{ "burst_seconds", K_INT, false, false },
	};
	json_object *o = get(root, "world");

	if (!o)
		return;
	check_keys(o, ".world", keys, sizeof(keys) / sizeof(keys[0]));
	t_.rate_scale = setting(o, "rate_scale", "rate scale", 1, VNITRO_RATE_SCALE_MAX);
	t_.burst_seconds = setting(o, "burst_seconds", "burst seconds", VNITRO_BURST_SECONDS_MIN,
				   VNITRO_BURST_SECONDS_MAX);
}

/* One of them within the kernel's range, refused in the kernel's words; absent: 0. */
uint32_t parser::setting(json_object *o, const char *name, const char *what, uint32_t min,
			 uint32_t max)
{
	json_object *v = get(o, name);
	char p[PATH_LEN];

	if (!v)
		return 0;
	subpath(p, ".world", ".%s", name);
	if (json_object_get_int64(v) < min || json_object_get_int64(v) > max)
		bad(p, "%s %s is out of range: %u to %u", what, json_object_get_string(v), min, max);
	return uint32_t(json_object_get_int64(v));
}

/*
 * "path": each field optional, as PATH_SET takes them, within the kernel's
 * ranges; "per_path", the paths whose fields are not the world's.
 */
void parser::path_model(json_object *root)
{
	struct key keys[PATH_FIELDS + 2];
	struct vnitro_path_change &c = t_.path;
	json_object *o = get(root, "path"), *seed;
	size_t n = 0;

	if (!o)
		return;
	for (const struct path_field &f : path_fields)
		keys[n++] = { f.key, K_INT, false, false };
	keys[n++] = { "seed", K_INT, false, false };
	keys[n++] = { "per_path", K_ARRAY, false, false };
	check_keys(o, ".path", keys, n);
	for (const struct path_field &f : path_fields)
		path_field(o, ".path", f, &c);
	/* json-c reads a number past a u64 as the largest u64: only a negative seed is caught. */
	if ((seed = get(o, "seed"))) {
		if (json_object_get_int64(seed) < 0)
			bad(".path.seed", "seed %s is out of range: 0 to %" PRIu64,
			    json_object_get_string(seed), UINT64_MAX);
		c.seed = json_object_get_uint64(seed);
		c.set_seed = 1;
	}
	if (!get(o, "per_path"))
		return;
	t_.has_per_path = true;
	if (array(o, "per_path") > VNITRO_PATH_COUNT_MAX)
		bad(".path.per_path", "at most %d entries, one per path", VNITRO_PATH_COUNT_MAX);
	for (size_t i = 0; i < array(o, "per_path"); i++) {
		char p[PATH_LEN];

		snprintf(p, sizeof(p), ".path.per_path[%zu]", i);
		one_path(item(o, "per_path", i), p, &t_.per_path[t_.per_path_count]);
		t_.per_path_count++;
	}
}

/*
 * Field @f of the object @o at @path into @c, if the file gives it, refused
 * in the words of the path model's messages.
 */
void parser::path_field(json_object *o, const char *path, const struct path_field &f,
			struct vnitro_path_change *c)
{
	json_object *v = get(o, f.key);
	char p[PATH_LEN];

	if (!v)
		return;
	subpath(p, path, ".%s", f.key);
	if (json_object_get_int64(v) < f.min || json_object_get_int64(v) > f.max)
		bad(p, "path %s %s%s is out of range: %u to %u", f.what, json_object_get_string(v),
		    f.unit, f.min, f.max);
	c->*f.change = uint32_t(json_object_get_int64(v));
	c->*f.set = 1;
}

/*
 * One of "per_path": the path's number, which the world (the file's
 * "paths", else the kernel's: apply checks that) must have, once; its own
 * fields, but none of the world's.
 */
void parser::one_path(json_object *o, const char *path, struct vnitro_path_change *c)
{
	struct key keys[PATH_FIELDS + 1];
	json_object *v;
	char p[PATH_LEN];
	int64_t index;
	size_t n = 0;

	keys[n++] = { "path", K_INT, true, false };
	for (const struct path_field &f : path_fields) {
		if (f.one)
			keys[n++] = { f.key, K_INT, false, false };
		else if (is_kind(o, K_OBJECT) && get(o, f.key))
			bad(path, "\"%s\" is the world's, not one path's: give it in .path", f.key);
	}
	if (is_kind(o, K_OBJECT) && get(o, "seed"))
		bad(path, "the seed is the world's, not one path's: give it in .path");
	check_keys(o, path, keys, n);
	v = get(o, "path");
	index = json_object_get_int64(v);
	subpath(p, path, ".path");
	if (index < 0 || index >= VNITRO_PATH_COUNT_MAX)
		bad(p, "path index %s is out of range: 0 to %d", json_object_get_string(v),
		    VNITRO_PATH_COUNT_MAX - 1);
	if (t_.path.set_paths && index >= t_.path.paths)
		bad(p, "path %" PRId64 " does not exist: .path.paths is %u (0 to %u)", index,
		    t_.path.paths, t_.path.paths - 1);
	for (size_t i = 0; i < t_.per_path_count; i++)
		if (t_.per_path[i].index == index)
			bad(p, "path %" PRId64 " appears twice", index);
	c->has_index = 1;
	c->index = uint32_t(index);
	for (const struct path_field &f : path_fields)
		if (f.one)
			path_field(o, path, f, c);
}

void parser::eip(json_object *o, const char *path, struct topo_eip *a)
{
	static const struct key keys[] = {
		{ "allocation_id", K_STRING, true, false },
		{ "public_ip", K_STRING, true, false },
		{ "eni", K_STRING, false, true },
		{ "private_ip", K_STRING, false, true },
	};
	uint32_t host, last = ~prefix_mask(t_.eip_pool_prefixlen);
	char p[PATH_LEN], pool[CIDR_STRLEN];
	const char *s;

	check_keys(o, path, keys, sizeof(keys) / sizeof(keys[0]));
	a->id = string(o, "allocation_id");
	subpath(p, path, ".allocation_id");
	if (!is_hex_id(a->id, "eipalloc-"))
		bad(p, "\"%s\" is not a valid allocation id (expected \"eipalloc-\" and 1 to %d lowercase hex digits)",
		    a->id, HEX_MAX);
	if (t_.find_eip(a->id))
		bad(p, "Elastic IP %s appears twice", a->id);

	s = string(o, "public_ip");
	subpath(p, path, ".public_ip");
	format_cidr(t_.eip_pool_addr, t_.eip_pool_prefixlen, pool);
	if (!parse_ip(s, &a->public_ip))
		bad(p, "\"%s\" is not a valid IPv4 address", s);
	if (!cidr_contains(t_.eip_pool_addr, t_.eip_pool_prefixlen, a->public_ip))
		bad(p, "%s is not inside the public pool %s%s", s, pool,
		    t_.has_eip_pool ? "" : " (the default; \"eip_pool\" sets another)");
	host = ntohl(a->public_ip) & last;
	if (host == 0 || host == last)
		bad(p, "%s is the %s address of the public pool %s", s, host ? "broadcast" : "network",
		    pool);
	for (const struct topo_eip *other = t_.eips; other < a; other++)
		if (other->public_ip == a->public_ip)
			bad(p, "%s is the address of %s too", s, other->id);
	eip_association(o, path, a);
}

/* "eni" and "private_ip": an ENI of the file in a VPC with a gateway, one address each. */
void parser::eip_association(json_object *o, const char *path, struct topo_eip *a)
{
	const struct topo_eni *e;
	const char *vpc;
	bool has_igw = false;
	char p[PATH_LEN];

	a->eni = string(o, "eni");
	subpath(p, path, ".eni");
	if (!a->eni) {
		subpath(p, path, ".private_ip");
		if (string(o, "private_ip"))
			bad(p, "a private address goes with \"eni\"");
		return;
	}
	if (!(e = t_.find_eni(a->eni)))
		bad(p, "network interface \"%s\" is not in the file", a->eni);
	vpc = t_.find_subnet(e->subnet)->vpc;
	for (size_t i = 0; i < t_.igw_count; i++)
		has_igw |= !strcmp(t_.igws[i].vpc, vpc);
	if (!has_igw)
		bad(p, "VPC %s of %s has no internet gateway in the file (\"internet_gateways\"); an Elastic IP needs one",
		    vpc, e->id);
	a->private_ip = eip_private_ip(o, path, *e);
	for (const struct topo_eip *other = t_.eips; other < a; other++)
		if (other->eni && !strcmp(other->eni, a->eni) && other->private_ip == a->private_ip) {
			char ip[IPV4_STRLEN];

			subpath(p, path, string(o, "private_ip") ? ".private_ip" : ".eni");
			bad(p, "%s of %s has Elastic IP %s already (one per private address)",
			    a->private_ip ? format_ipv4(a->private_ip, ip) : "the primary address",
			    e->id, other->id);
		}
}

/* The address an Elastic IP maps to: one of @e's in the file; absent: its primary address. */
uint32_t parser::eip_private_ip(json_object *o, const char *path, const struct topo_eni &e)
{
	const char *s = string(o, "private_ip");
	char p[PATH_LEN];
	uint32_t ip;

	if (!s)
		return e.private_ip;
	subpath(p, path, ".private_ip");
	if (!parse_ip(s, &ip))
		bad(p, "\"%s\" is not a valid IPv4 address", s);
	if (ip == e.private_ip || has_ip(e.secondary_ips, e.secondary_count, ip))
		return ip;
	bad(p, "%s is not an address of %s in the file (\"private_ip\" or \"secondary_ips\")", s,
	    e.id);
}

template <typename T>
T *alloc_array(size_t n)
{
	T *p = static_cast<T *>(calloc(n + 1, sizeof(T)));

	if (!p)
		usage_error("out of memory");
	return p;
}

void parser::top(json_object *root)
{
	static const struct key keys[] = {
		{ "version", K_INT, false, false },
		{ "world", K_OBJECT, false, false },
		{ "path", K_OBJECT, false, false },
		{ "vpcs", K_ARRAY, false, false },
		{ "subnets", K_ARRAY, false, false },
		{ "internet_gateways", K_ARRAY, false, false },
		{ "egress_only_internet_gateways", K_ARRAY, false, false },
		{ "security_groups", K_ARRAY, false, false },
		{ "network_acls", K_ARRAY, false, false },
		{ "placement_groups", K_ARRAY, false, false },
		{ "instances", K_ARRAY, false, false },
		{ "enis", K_ARRAY, false, false },
		{ "eip_pool", K_STRING, false, false },
		{ "elastic_ips", K_ARRAY, false, false },
		// The revision of the world in etcd the file was read at (vnitro cluster dump).
		{ "cluster_revision", K_INT, false, false },
	};
	char p[PATH_LEN];
	json_object *v;

	check_keys(root, "top level", keys, sizeof(keys) / sizeof(keys[0]));
	if ((v = get(root, "version")) && json_object_get_int64(v) != TOPOLOGY_VERSION)
		bad(".version", "version %s is not supported (this vnitro reads version %d)",
		    json_object_get_string(v), TOPOLOGY_VERSION);
	if ((v = get(root, "cluster_revision")) && json_object_get_int64(v) < 1)
		bad(".cluster_revision", "%s is no revision of etcd's (1 and up)", json_object_get_string(v));
	t_.cluster_revision = v ? json_object_get_int64(v) : 0;
	world_settings(root);
	path_model(root);

	/* In dependency order, so that every reference points backwards... */
	t_.vpcs = alloc_array<struct topo_vpc>(array(root, "vpcs"));
	for (size_t i = 0; i < array(root, "vpcs"); i++, t_.vpc_count++) {
		snprintf(p, sizeof(p), ".vpcs[%zu]", i);
		vpc(item(root, "vpcs", i), p, &t_.vpcs[i]);
	}
	t_.nacls = alloc_array<struct topo_nacl>(array(root, "network_acls"));
	for (size_t i = 0; i < array(root, "network_acls"); i++, t_.nacl_count++) {
		snprintf(p, sizeof(p), ".network_acls[%zu]", i);
		nacl(item(root, "network_acls", i), p, &t_.nacls[i]);
	}
	t_.subnets = alloc_array<struct topo_subnet>(array(root, "subnets"));
	for (size_t i = 0; i < array(root, "subnets"); i++, t_.subnet_count++) {
		snprintf(p, sizeof(p), ".subnets[%zu]", i);
		subnet(item(root, "subnets", i), p, &t_.subnets[i]);
	}
	t_.igws = alloc_array<struct topo_igw>(array(root, "internet_gateways"));
	for (size_t i = 0; i < array(root, "internet_gateways"); i++, t_.igw_count++) {
		snprintf(p, sizeof(p), ".internet_gateways[%zu]", i);
		gateway(item(root, "internet_gateways", i), p, &t_.igws[i], false);
	}
	t_.eigws = alloc_array<struct topo_igw>(array(root, "egress_only_internet_gateways"));
	for (size_t i = 0; i < array(root, "egress_only_internet_gateways"); i++, t_.eigw_count++) {
		snprintf(p, sizeof(p), ".egress_only_internet_gateways[%zu]", i);
		gateway(item(root, "egress_only_internet_gateways", i), p, &t_.eigws[i], true);
	}
	t_.sgs = alloc_array<struct topo_sg>(array(root, "security_groups"));
	for (size_t i = 0; i < array(root, "security_groups"); i++, t_.sg_count++) {
		snprintf(p, sizeof(p), ".security_groups[%zu]", i);
		sg(item(root, "security_groups", i), p, &t_.sgs[i]);
	}
	for (size_t i = 0; i < t_.sg_count; i++) {
		snprintf(p, sizeof(p), ".security_groups[%zu]", i);
		sg_rules(item(root, "security_groups", i), p, &t_.sgs[i]);
	}
	for (size_t i = 0; i < t_.vpc_count; i++) {
		size_t defaults = 0;

		for (size_t k = 0; k < t_.sg_count; k++)
			defaults += !strcmp(t_.sgs[k].vpc, t_.vpcs[i].id) && topo_default(t_.sgs[k]);
		snprintf(p, sizeof(p), ".vpcs[%zu]", i);
		if (defaults > 1)
			bad(p, "VPC %s has %zu default security groups (one)", t_.vpcs[i].id, defaults);
	}
	if (array(root, "placement_groups") > VNITRO_MAX_PGS)
		bad(".placement_groups", "at most %d placement groups", VNITRO_MAX_PGS);
	t_.pgs = alloc_array<struct topo_pg>(array(root, "placement_groups"));
	for (size_t i = 0; i < array(root, "placement_groups"); i++, t_.pg_count++) {
		snprintf(p, sizeof(p), ".placement_groups[%zu]", i);
		placement_group(item(root, "placement_groups", i), p, &t_.pgs[i]);
	}
	t_.instances = alloc_array<struct topo_instance>(array(root, "instances"));
	for (size_t i = 0; i < array(root, "instances"); i++, t_.instance_count++) {
		snprintf(p, sizeof(p), ".instances[%zu]", i);
		instance(item(root, "instances", i), p, &t_.instances[i]);
	}
	t_.enis = alloc_array<struct topo_eni>(array(root, "enis"));
	for (size_t i = 0; i < array(root, "enis"); i++, t_.eni_count++) {
		snprintf(p, sizeof(p), ".enis[%zu]", i);
		eni(item(root, "enis", i), p, &t_.enis[i]);
	}
	cross_checks();
	/* ... except routes, which name ENIs and gateways. */
	for (size_t i = 0; i < t_.subnet_count; i++) {
		json_object *sn = item(root, "subnets", i);
		struct topo_subnet &s = t_.subnets[i];

		for (size_t k = 0; k < s.route_count; k++) {
			snprintf(p, sizeof(p), ".subnets[%zu].routes[%zu]", i, k);
			route(item(sn, "routes", k), p, s, &s.routes[k]);
		}
	}
	/* Elastic IPs name ENIs and need their VPC's gateway. */
	eip_pool(root);
	if (array(root, "elastic_ips") > VNITRO_MAX_EIPS)
		bad(".elastic_ips", "at most %d Elastic IP addresses (EC2's quota \"Elastic IP addresses per Region\")",
		    VNITRO_MAX_EIPS);
	t_.eips = alloc_array<struct topo_eip>(array(root, "elastic_ips"));
	for (size_t i = 0; i < array(root, "elastic_ips"); i++, t_.eip_count++) {
		snprintf(p, sizeof(p), ".elastic_ips[%zu]", i);
		eip(item(root, "elastic_ips", i), p, &t_.eips[i]);
	}
}

} // namespace

uint32_t prefix_mask(uint8_t prefixlen)
{
	return prefixlen ? ~0u << (32 - prefixlen) : 0;
}

bool cidr_contains(uint32_t addr, uint8_t prefixlen, uint32_t ip)
{
	return ((ntohl(ip) ^ ntohl(addr)) & prefix_mask(prefixlen)) == 0;
}

topology::~topology()
{
	for (size_t i = 0; i < subnet_count; i++)
		free(subnets[i].routes);
	for (size_t i = 0; i < sg_count; i++)
		free(sgs[i].rules);
	free(sgs);
	for (size_t i = 0; i < nacl_count; i++)
		free(nacls[i].entries);
	free(nacls);
	free(vpcs);
	free(subnets);
	free(igws);
	free(eigws);
	free(pgs);
	free(instances);
	free(enis);
	free(eips);
	json_object_put(root_);
}

void topology::load(const char *file)
{
	parser p(strcmp(file, "-") ? file : "<stdin>", *this);

	root_ = p.read_document();
	p.top(root_);
}

const struct topo_vpc *topology::find_vpc(const char *id) const
{
	return find_id(vpcs, vpc_count, id);
}

const struct topo_subnet *topology::find_subnet(const char *id) const
{
	return find_id(subnets, subnet_count, id);
}

const struct topo_instance *topology::find_instance(const char *name) const
{
	return find_name(instances, instance_count, name);
}

const struct topo_pg *topology::find_pg(const char *name) const
{
	return find_name(pgs, pg_count, name);
}

const struct topo_eni *topology::find_eni(const char *id) const
{
	return find_id(enis, eni_count, id);
}

const struct topo_igw *topology::find_igw(const char *id) const
{
	return find_id(igws, igw_count, id);
}

const struct topo_igw *topology::find_eigw(const char *id) const
{
	return find_id(eigws, eigw_count, id);
}

const struct topo_sg *topology::find_sg(const char *id) const
{
	return find_id(sgs, sg_count, id);
}

const struct topo_nacl *topology::find_nacl(const char *id) const
{
	return find_id(nacls, nacl_count, id);
}

const struct topo_eip *topology::find_eip(const char *id) const
{
	return find_id(eips, eip_count, id);
}

const char *format_place(int card, int index, char *buf, size_t len)
{
	if (card)
		snprintf(buf, len, "network card %d, device index %d", card, index);
	else
		snprintf(buf, len, "device index %d", index);
	return buf;
}

} // namespace vnitro::cli
