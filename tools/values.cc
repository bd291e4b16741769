// SPDX-License-Identifier: GPL-2.0-only
/* Addresses, ids, names and indexes: parsed strictly, formatted for output. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

namespace vnitro::cli {

namespace {

enum { ENI_HEX_MAX = 17 };	/* "eni-" + up to 17 hex digits, as in EC2 */

bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* 0..15, or -1 if @c is not a hex digit of either case. */
int hex_value(char c)
{
	if (is_lower_hex(c))
		return c <= '9' ? c - '0' : c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

} // namespace

uint32_t parse_ipv4(const char *s)
{
	struct in_addr addr;

	/* inet_pton() takes exactly four decimal parts, no leading zeros. */
	if (inet_pton(AF_INET, s, &addr) != 1)
		usage_error("\"%s\" is not a valid IPv4 address", s);
	return addr.s_addr;
}

uint32_t parse_private_ip(const char *s)
{
	uint32_t addr = parse_ipv4(s);

	/* 0 asks the kernel to pick one: never let an address mean that. */
	if (addr == 0)
		usage_error("\"%s\" cannot be an ENI's address", s);
	return addr;
}

void parse_mac(const char *s, uint8_t mac[VNITRO_MAC_LEN])
{
	const char *p = s;

	/* Exactly six pairs of hex digits separated by colons. */
	for (int i = 0; i < VNITRO_MAC_LEN; i++, p += 3) {
		int hi = hex_value(p[0]);
		int lo = hi < 0 ? -1 : hex_value(p[1]);
		char sep = i == VNITRO_MAC_LEN - 1 ? '\0' : ':';

		if (lo < 0 || p[2] != sep)
			usage_error("\"%s\" is not a valid MAC address (expected XX:XX:XX:XX:XX:XX)",
				    s);
		mac[i] = uint8_t(hi << 4 | lo);
	}
}

/* 0 to 255 in decimal digits only (no sign, spaces or hex); the kernel checks the range. */
static uint32_t parse_small_index(const char *s, const char *what)
{
	size_t len = strlen(s);
	uint32_t index = 0;

	if (len > 0 && len <= 3 && strspn(s, "0123456789") == len) {
		for (const char *p = s; *p; p++)
			index = index * 10 + uint32_t(*p - '0');
		if (index <= 255)
			return index;
	}
	usage_error("\"%s\" is not a valid %s (expected 0 to 255)", s, what);
}

uint32_t parse_device_index(const char *s)
{
	return parse_small_index(s, "device index");
}

uint32_t parse_network_card(const char *s)
{
	return parse_small_index(s, "network card index");
}

int parse_eni_type(const char *s)
{
	static const char *const names[] = { "interface", "efa" };
	static const int types[] = { VNITRO_ENI_TYPE_INTERFACE,
				     VNITRO_ENI_TYPE_EFA };
	int i = match_word(s, names, 2, "ENI type");

	if (i < 0)
		usage_error("\"%s\" is not an ENI type (expected \"interface\" or \"efa\")",
			    s);
	return types[i];
}

const char *check_eni_id(const char *s)
{
	bool ok = !strncmp(s, "eni-", 4);

	if (ok) {
		size_t digits = strlen(s + 4);

		ok = digits >= 1 && digits <= ENI_HEX_MAX;
		for (const char *p = s + 4; ok && *p; p++)
			ok = is_lower_hex(*p);
	}
	if (!ok)
		usage_error("\"%s\" is not a valid ENI id (expected \"eni-\" and 1 to %d lowercase hex digits)",
			    s, ENI_HEX_MAX);
	return s;
}

const char *check_hex_id(const char *s, const char *prefix, const char *what)
{
	size_t plen = strlen(prefix);
	bool ok = !strncmp(s, prefix, plen);

	if (ok) {
		size_t digits = strlen(s + plen);

		ok = digits >= 1 && digits <= 17 && strspn(s + plen, "0123456789abcdef") == digits;
	}
	if (!ok)
		usage_error("\"%s\" is not a valid %s id (expected \"%s\" and 1 to 17 lowercase hex digits)",
			    s, what, prefix);
	return s;
}

const char *check_id(const char *s, const char *what)
{
	if (!s[0])
		usage_error("the %s id is empty", what);
	if (strlen(s) >= VNITRO_ID_LEN)
		usage_error("%s id \"%s\" is too long (at most %d characters)",
			    what, s, VNITRO_ID_LEN - 1);
	return s;
}

const char *check_instance_name(const char *s)
{
	if (vnitro_netns_name_check(s))
		usage_error("\"%s\" is not a valid instance name (a network namespace name: 1 to %d characters, no \"/\", not \".\" or \"..\")",
			    s, VNITRO_NAME_LEN - 1);
	return s;
}

const char *format_ipv4(uint32_t addr, char buf[IPV4_STRLEN])
{
	struct in_addr in = { addr };

	return inet_ntop(AF_INET, &in, buf, IPV4_STRLEN);
}

const char *format_mac(const uint8_t mac[VNITRO_MAC_LEN], char buf[MAC_STRLEN])
{
	snprintf(buf, MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

const char *format_cidr(uint32_t addr, uint8_t prefixlen,
			char buf[CIDR_STRLEN])
{
	char ip[IPV4_STRLEN];

	snprintf(buf, CIDR_STRLEN, "%s/%u", format_ipv4(addr, ip), prefixlen);
	return buf;
}

/* The enhanced-networking interface, named by the driver that ethtool -i reports. */
const char *adapter_name(uint8_t adapter)
{
	switch (adapter) {
	case VNITRO_ADAPTER_ENA:	return "ena";
	case VNITRO_ADAPTER_IXGBEVF:	return "ixgbevf";
	default:			return "unknown";
	}
}

const char *eni_type_name(uint8_t type)
{
	switch (type) {
	case VNITRO_ENI_TYPE_INTERFACE:	return "interface";
	case VNITRO_ENI_TYPE_EFA:	return "efa";
	default:			return "unknown";
	}
}

} // namespace vnitro::cli

namespace vnitro::cli {

void parse_cidr(const char *s, uint32_t *addr, uint8_t *prefixlen)
{
	char buf[CIDR_STRLEN];
	const char *slash = strchr(s, '/');
	size_t len = slash ? size_t(slash - s) : 0;
	unsigned long plen;
	char *end;

	if (!slash || len >= sizeof(buf) || !slash[1] || strspn(slash + 1, "0123456789") !=
	    strlen(slash + 1))
		usage_error("\"%s\" is not a CIDR block (expected A.B.C.D/N)", s);
	memcpy(buf, s, len);
	buf[len] = '\0';
	plen = strtoul(slash + 1, &end, 10);
	if (plen > 32 || strlen(slash + 1) > 2)
		usage_error("\"%s\": the prefix length must be 0 to 32", s);
	*addr = parse_ipv4(buf);
	*prefixlen = uint8_t(plen);
}

void parse_ipv6(const char *s, uint8_t addr[16])
{
	if (inet_pton(AF_INET6, s, addr) != 1)
		usage_error("\"%s\" is not a valid IPv6 address", s);
}

void parse_cidr6(const char *s, uint8_t addr[16], uint8_t *prefixlen)
{
	char buf[IPV6_STRLEN];
	const char *slash = strchr(s, '/');
	size_t len = slash ? size_t(slash - s) : 0;
	unsigned long plen;

	if (!slash || len >= sizeof(buf) || !slash[1] || strlen(slash + 1) > 3 ||
	    strspn(slash + 1, "0123456789") != strlen(slash + 1))
		usage_error("\"%s\" is not an IPv6 CIDR block (expected ADDRESS/N)", s);
	memcpy(buf, s, len);
	buf[len] = '\0';
	plen = strtoul(slash + 1, nullptr, 10);
	if (plen > 128)
		usage_error("\"%s\": the prefix length must be 0 to 128", s);
	if (inet_pton(AF_INET6, buf, addr) != 1)
		usage_error("\"%s\" is not an IPv6 CIDR block (\"%s\" is not an IPv6 address)", s, buf);
	*prefixlen = uint8_t(plen);
}

const char *format_ipv6(const uint8_t addr[16], char buf[IPV6_STRLEN])
{
	return inet_ntop(AF_INET6, addr, buf, IPV6_STRLEN);
}

const char *format_cidr6(const uint8_t addr[16], uint8_t prefixlen, char buf[CIDR6_STRLEN])
{
	char ip[IPV6_STRLEN];

	if (!prefixlen)
		return nullptr;
	snprintf(buf, CIDR6_STRLEN, "%s/%u", format_ipv6(addr, ip), prefixlen);
	return buf;
}

void parse_any_cidr(const char *s, uint8_t *ipv6, uint32_t *addr, uint8_t addr6[16],
		    uint8_t *prefixlen)
{
	*ipv6 = strchr(s, ':') != nullptr;
	if (*ipv6)
		parse_cidr6(s, addr6, prefixlen);
	else
		parse_cidr(s, addr, prefixlen);
}

const char *format_any_cidr(uint8_t ipv6, uint32_t addr, const uint8_t addr6[16],
			    uint8_t prefixlen, char buf[CIDR6_STRLEN])
{
	char ip[IPV6_STRLEN];

	if (!ipv6)
		return format_cidr(addr, prefixlen, buf);
	snprintf(buf, CIDR6_STRLEN, "%s/%u", format_ipv6(addr6, ip), prefixlen);
	return buf;
}

bool parse_on_off(const char *s, const char *keyword)
{
	if (!strcmp(s, "on"))
		return true;
	if (!strcmp(s, "off"))
		return false;
	usage_error("\"%s\" needs \"on\" or \"off\", not \"%s\"", keyword, s);
}

uint32_t parse_u32(const char *s, const char *what, uint32_t min, uint32_t max)
{
	size_t len = strlen(s);
	unsigned long v;

	if (len == 0 || len > 10 || strspn(s, "0123456789") != len ||
	    (v = strtoul(s, nullptr, 10)) < min || v > max)
		usage_error("\"%s\" is not a valid %s (expected %u to %u)", s, what, min, max);
	return uint32_t(v);
}

} // namespace vnitro::cli
