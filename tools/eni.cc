// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro eni": create, delete, attach, detach and show ENIs. */
#include <string.h>

#include "cli.h"
#include "print.h"
#include "show.h"

namespace vnitro::cli {

namespace {

void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro eni { show | list } [ ID ]\n"
		"       vnitro eni add [ ID ] subnet SUBNET [ ip ADDRESS ] [ mac MAC ]\n"
		"                      [ type { interface | efa } ] [ description TEXT ]\n"
		"                      [ security-groups SG[,SG...] ]\n"
		"                      [ tcp-established-timeout SECONDS ]\n"
		"                      [ udp-stream-timeout SECONDS ] [ udp-timeout SECONDS ]\n"
		"       vnitro eni { del | delete } ID\n"
		"       vnitro eni attach ID instance NAME index INDEX [card CARD]\n"
		"       vnitro eni detach ID\n"
		"       vnitro eni set ID [ source-dest-check { on | off } ] [ description TEXT ]\n"
		"                         [ security-groups SG[,SG...] ] [ ena-express { on | off } ]\n"
		"                         [ ena-express-udp { on | off } ] [ mtu MTU ]\n"
		"                         [ tcp-established-timeout SECONDS ]\n"
		"                         [ udp-stream-timeout SECONDS ] [ udp-timeout SECONDS ]\n"
		"       vnitro eni assign ID { ip ADDRESS | count N | ipv6 ADDRESS6 | ipv6-count N }\n"
		"       vnitro eni unassign ID { ip ADDRESS | ipv6 ADDRESS6 }\n"
		"       vnitro eni help\n"
		"where  ID := eni-HEX (1 to 17 lowercase hex digits)\n"
		"       ADDRESS := A.B.C.D, in the subnet\n"
		"       ADDRESS6 := an IPv6 address in the subnet's /64 (\"vnitro subnet set\")\n"
		"       MAC := XX:XX:XX:XX:XX:XX\n"
		"       INDEX := 0..255 (0 of card 0 is the primary ENI's)\n"
		"       CARD := the network card, 0 (default) to the instance type's last\n"
		"       SG := sg-HEX, a group of the ENI's VPC (\"vnitro sg\"); 1 to 5\n"
		"       MTU := set on the attached netdev in its instance, as \"ip link set mtu\"\n"
		"       SECONDS := connection tracking idle timeouts, EC2's ranges:\n"
		"                  tcp-established 60..432000 (432000), udp-stream 60..180 (180),\n"
		"                  udp 30..60 (30)\n"
		"\"assign\" adds secondary private addresses; \"count N\" picks N free ones.\n"
		"IPv6 addresses: as many as private IPv4 ones (the instance type's limit).\n"
		"Without ID, MAC or ip, \"add\" lets the kernel choose them.\n");
}

void print_attachment(printer &p, const struct vnitro_eni &e)
{
	static const char *const keys[] = {
		"instance", "network_card", "device_index", "ifname", "ifindex", "pci_slot",
		"adapter", "rdma_device", "svc_addr",
	};
	char alias[IPV4_STRLEN];

	if (e.device_index < 0) {
		for (const char *key : keys)
			p.null(key);
		return;
	}
	p.text("\n   ");
	p.string("instance", " instance %s", e.instance);
	/* Text names the card only off card 0, as most instance types have one. */
	p.uint("network_card", e.network_card ? " card %s" : nullptr, uint32_t(e.network_card));
	p.uint("device_index", " index %s", uint32_t(e.device_index));
	p.string("ifname", " dev %s", e.ifname);
	p.uint("ifindex", " ifindex %s", e.ifindex);
	p.string("pci_slot", " pci %s", e.pci_slot);
	/* Text names it only where it is not ENA, as most instance types have ENA. */
	p.string("adapter", e.adapter != VNITRO_ADAPTER_ENA ? " adapter %s" : nullptr,
		 adapter_name(e.adapter));
	if (e.rdma_device[0])
		p.string("rdma_device", " rdma %s", e.rdma_device);
	else
		p.null("rdma_device");
	/* JSON only: what a server of the services' namespace sees it as. */
	if (e.svc_addr)
		p.string("svc_addr", nullptr, format_ipv4(e.svc_addr, alias));
	else
		p.null("svc_addr");
}

void print_lists(printer &p, const struct vnitro_eni &e)
{
	char ip[IPV4_STRLEN], ip6[IPV6_STRLEN];

	if (e.secondary_count)
		p.text("\n    secondary-ips");
	p.open_array_key("secondary_ips");
	for (uint32_t i = 0; i < e.secondary_count; i++)
		p.string(nullptr, " %s", format_ipv4(e.secondary_ips[i], ip));
	p.close_array();
	if (e.ipv6_count)
		p.text("\n    ipv6-addresses");
	p.open_array_key("ipv6_addresses");
	for (uint32_t i = 0; i < e.ipv6_count; i++)
		p.string(nullptr, " %s", format_ipv6(e.ipv6[i], ip6));
	p.close_array();
	if (e.security_group_count)
		p.text("\n    security-groups");
	p.open_array_key("security_groups");
	for (uint32_t i = 0; i < e.security_group_count; i++)
		p.string(nullptr, " %s", e.security_groups[i]);
	p.close_array();
	p.string("description", e.description[0] ? "\n    description \"%s\"" : nullptr,
		 e.description);
}

/* Text names the timeouts only when one is not EC2's default; JSON always. */
void print_conntrack_timeouts(printer &p, const struct vnitro_eni &e)
{
	bool any = e.tcp_established_timeout != VNITRO_TCP_ESTABLISHED_TIMEOUT_DEFAULT ||
		   e.udp_stream_timeout != VNITRO_UDP_STREAM_TIMEOUT_DEFAULT ||
		   e.udp_timeout != VNITRO_UDP_TIMEOUT_DEFAULT;

	p.uint("tcp_established_timeout",
	       any ? "\n    conntrack-timeouts tcp-established %s" : nullptr,
	       e.tcp_established_timeout);
	p.uint("udp_stream_timeout", any ? " udp-stream %s" : nullptr, e.udp_stream_timeout);
	p.uint("udp_timeout", any ? " udp %s" : nullptr, e.udp_timeout);
}

void print_eni(printer &p, const struct vnitro_eni &e)
{
	char mac[MAC_STRLEN], ip[IPV4_STRLEN];

	p.open_object();
	p.string("id", "%s:", e.id);
	p.string("subnet", " subnet %s", e.subnet_id);
	p.string("vpc", " vpc %s", e.vpc_id);
	p.string("mac", " mac %s", format_mac(e.mac, mac));
	p.string("private_ip", " ip %s", format_ipv4(e.private_ip, ip));
	p.string("type", " type %s", eni_type_name(e.type));
	p.boolean("source_dest_check", " source-dest-check %s",
		  e.source_dest_check);
	p.string("status", " status %s", e.status);
	/* Text shows what is on or non-zero; JSON always has every key. */
	p.boolean("ena_express", e.ena_express ? " ena-express %s" : nullptr, e.ena_express);
	p.boolean("ena_express_udp", e.ena_express_udp ? " ena-express-udp %s" : nullptr,
		  e.ena_express_udp);
	print_lists(p, e);
	print_conntrack_timeouts(p, e);
	print_attachment(p, e);
	if (e.device_index >= 0) {
		bool any = e.tx_src_dst_dropped || e.rx_src_dst_dropped;

		p.uint("tx_src_dst_dropped", any ? "\n    src-dst-dropped tx %s" : nullptr,
		       e.tx_src_dst_dropped);
		p.uint("rx_src_dst_dropped", any ? " rx %s" : nullptr, e.rx_src_dst_dropped);
		any = e.sg_ingress_dropped || e.sg_egress_dropped || e.conntrack_allowance_exceeded;
		p.uint("sg_ingress_dropped", any ? "\n    sg-dropped ingress %s" : nullptr,
		       e.sg_ingress_dropped);
		p.uint("sg_egress_dropped", any ? " egress %s" : nullptr, e.sg_egress_dropped);
		p.uint("conntrack_allowance_exceeded", any ? " conntrack-full %s" : nullptr,
		       e.conntrack_allowance_exceeded);
		any = e.conntrack_tracked;
		p.uint("conntrack_tracked", any ? "\n    conntrack tracked %s" : nullptr,
		       e.conntrack_tracked);
		p.uint("conntrack_max", any ? " max %s" : nullptr, e.conntrack_max);
	} else {
		p.null("tx_src_dst_dropped");
		p.null("rx_src_dst_dropped");
		p.null("sg_ingress_dropped");
		p.null("sg_egress_dropped");
		p.null("conntrack_allowance_exceeded");
		p.null("conntrack_tracked");
		p.null("conntrack_max");
	}
	p.close_object();
}

int do_show(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "eni");
	const char *id = args.more() ? check_eni_id(args.next()) : nullptr;

	args.finish();
	return show_objects(opts, id, vnitro_eni_get, vnitro_eni_list,
			    print_eni);
}

/* ENI ids have their own form ("eni-" and hex). */
const char *check_eni(const char *word, const char *)
{
	return check_eni_id(word);
}

int do_del(const struct options *, int argc, char **argv)
{
	return run_on_id(argc, argv, "eni", "ENI", check_eni, vnitro_eni_del);
}

int do_detach(const struct options *, int argc, char **argv)
{
	return run_on_id(argc, argv, "eni", "ENI", check_eni, vnitro_eni_detach);
}

enum attach_keyword { ATTACH_INSTANCE, ATTACH_INDEX, ATTACH_CARD };

int do_attach(const struct options *opts, int argc, char **argv)
{
	static const char *const keywords[] = { "instance", "index", "card" };
	arg_cursor args(argc, argv, "eni");
	const char *id, *instance = nullptr;
	uint32_t index = 0, card = 0;
	struct vnitro_eni eni;
	unsigned seen = 0;
	session s;

	if (!args.more())
		args.missing("the ENI id");
	id = check_eni_id(args.next());
	while (args.more()) {
		int k = args.keyword(keywords, 3);
		const char *value = args.value(keywords[k]);

		args.once(&seen, k, keywords[k]);
		if (k == ATTACH_INSTANCE)
			instance = check_instance_name(value);
		else if (k == ATTACH_INDEX)
			index = parse_device_index(value);
		else
			card = parse_network_card(value);
	}
	if (!instance)
		args.missing("\"instance NAME\"");
	if (!(seen & (1u << ATTACH_INDEX)))
		args.missing("\"index INDEX\"");

	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_eni_attach_card(s.handle(), id, instance, card, index, &eni))
		return s.fail();
	return print_object(opts, eni, print_eni);
}

enum set_keyword {
	SET_SDC, SET_DESC, SET_SG, SET_EXPRESS, SET_EXPRESS_UDP, SET_MTU, SET_TCP_ESTABLISHED,
	SET_UDP_STREAM, SET_UDP,
};

/* A connection tracking timeout: seconds within EC2's range, named in the refusal. */
uint32_t parse_timeout(const char *value, const char *keyword, uint32_t min, uint32_t max,
		       const char *ec2_name)
{
	uint32_t v = parse_u32(value, keyword, 0, UINT32_MAX);

	if (v < min || v > max)
		usage_error("%s %s is out of range: EC2's %s is %u to %u seconds", keyword, value,
			    ec2_name, min, max);
	return v;
}

/*
 * "security-groups sg-1,sg-2"; the strings point into @buf. "none" (what
 * cleared the list before groups were objects) reaches the kernel as an
 * empty list, which it refuses with EC2's reason.
 */
size_t split_groups(const char *value, char *buf, size_t len, const char **out)
{
	size_t n = 0;

	if (!strcmp(value, "none"))
		return 0;
	snprintf(buf, len, "%s", value);
	for (char *tok = strtok(buf, ","); tok; tok = strtok(nullptr, ",")) {
		if (n == VNITRO_MAX_SECURITY_GROUPS)
			usage_error("at most %d security groups per network interface",
				    VNITRO_MAX_SECURITY_GROUPS);
		out[n++] = check_id(tok, "security group");
	}
	if (!n)
		usage_error("\"security-groups\" needs a list such as sg-1,sg-2");
	return n;
}

/* What "eni add" and "eni set" both take: a description, groups, tracking timeouts. */
struct settings_args {
	struct vnitro_eni_settings set = {};
	const char *groups[VNITRO_MAX_SECURITY_GROUPS];
	char group_buf[VNITRO_MAX_SECURITY_GROUPS * VNITRO_ID_LEN + 8];
};

/* @keyword's @value into @a if it is one of those settings; false if it is not. */
bool parse_shared_setting(const char *keyword, const char *value, struct settings_args *a)
{
	struct vnitro_eni_settings &set = a->set;

	if (!strcmp(keyword, "description")) {
		if (strlen(value) >= VNITRO_DESCRIPTION_LEN)
			usage_error("a description has at most %d characters",
				    VNITRO_DESCRIPTION_LEN - 1);
		set.description = value;
	} else if (!strcmp(keyword, "security-groups")) {
		set.set_security_groups = 1;
		set.security_group_count = split_groups(value, a->group_buf, sizeof(a->group_buf),
							a->groups);
		set.security_groups = a->groups;
	} else if (!strcmp(keyword, "tcp-established-timeout")) {
		set.set_tcp_established_timeout = 1;
		set.tcp_established_timeout = parse_timeout(
			value, keyword, VNITRO_TCP_ESTABLISHED_TIMEOUT_MIN,
			VNITRO_TCP_ESTABLISHED_TIMEOUT_MAX, "TcpEstablishedTimeout");
	} else if (!strcmp(keyword, "udp-stream-timeout")) {
		set.set_udp_stream_timeout = 1;
		set.udp_stream_timeout = parse_timeout(value, keyword, VNITRO_UDP_STREAM_TIMEOUT_MIN,
						       VNITRO_UDP_STREAM_TIMEOUT_MAX,
						       "UdpStreamTimeout");
	} else if (!strcmp(keyword, "udp-timeout")) {
		set.set_udp_timeout = 1;
		set.udp_timeout = parse_timeout(value, keyword, VNITRO_UDP_TIMEOUT_MIN,
						VNITRO_UDP_TIMEOUT_MAX, "UdpTimeout");
	} else {
		return false;
	}
	return true;
}

enum add_keyword { ADD_SUBNET, ADD_IP, ADD_MAC, ADD_TYPE };

/*
 * [ ID ] subnet SUBNET [ ip ] [ mac ] [ type ] and the settings EC2's
 * CreateNetworkInterface takes (description, groups, tracking timeouts).
 */
void parse_add(arg_cursor &args, struct vnitro_eni_spec *spec, uint8_t *mac,
	       struct settings_args *a)
{
	static const char *const keywords[] = { "subnet", "ip", "mac", "type", "description",
						"security-groups", "tcp-established-timeout",
						"udp-stream-timeout", "udp-timeout" };
	const size_t n = sizeof(keywords) / sizeof(keywords[0]);
	unsigned seen = 0;

	spec->type = -1;
	if (args.more() && match_word(args.peek(), keywords, n, "keyword") < 0)
		spec->id = check_eni_id(args.next());
	while (args.more()) {
		int k = args.keyword(keywords, n);
		const char *value = args.value(keywords[k]);

		args.once(&seen, k, keywords[k]);
		switch (k) {
		case ADD_SUBNET:
			spec->subnet_id = check_id(value, "subnet");
			break;
		case ADD_IP:
			spec->private_ip = parse_private_ip(value);
			break;
		case ADD_MAC:
			parse_mac(value, mac);
			spec->mac = mac;
			break;
		case ADD_TYPE:
			spec->type = parse_eni_type(value);
			break;
		default:
			parse_shared_setting(keywords[k], value, a);
			spec->settings = &a->set;
			break;
		}
	}
	if (!spec->subnet_id)
		args.missing("\"subnet SUBNET\"");
}

int do_add(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "eni");
	struct vnitro_eni_spec spec = {};
	uint8_t mac[VNITRO_MAC_LEN];
	struct settings_args a;
	struct vnitro_eni eni;
	session s;

	parse_add(args, &spec, mac, &a);
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_eni_add(s.handle(), &spec, &eni))
		return s.fail();
	return print_object(opts, eni, print_eni);
}

int do_set(const struct options *opts, int argc, char **argv)
{
	static const char *const keywords[] = { "source-dest-check", "description",
						"security-groups", "ena-express",
						"ena-express-udp", "mtu",
						"tcp-established-timeout",
						"udp-stream-timeout", "udp-timeout" };
	arg_cursor args(argc, argv, "eni");
	struct settings_args a;
	struct vnitro_eni_settings &set = a.set;
	uint32_t mtu = 0;
	struct vnitro_eni eni;
	unsigned seen = 0;
	const char *id;
	session s;

	if (!args.more())
		args.missing("the ENI id");
	id = check_eni_id(args.next());
	while (args.more()) {
		int k = args.keyword(keywords, sizeof(keywords) / sizeof(keywords[0]));
		const char *value = args.value(keywords[k]);

		args.once(&seen, k, keywords[k]);
		switch (k) {
		case SET_SDC:
			set.set_source_dest_check = 1;
			set.source_dest_check = parse_on_off(value, keywords[k]);
			break;
		case SET_EXPRESS:
			set.set_ena_express = 1;
			set.ena_express = parse_on_off(value, keywords[k]);
			break;
		case SET_EXPRESS_UDP:
			set.set_ena_express_udp = 1;
			set.ena_express_udp = parse_on_off(value, keywords[k]);
			break;
		case SET_MTU:
			mtu = parse_u32(value, "MTU", 68, 65535);
			break;
		default:	/* description, security-groups, the timeouts */
			parse_shared_setting(keywords[k], value, &a);
			break;
		}
	}
	if (!seen)
		args.missing("a setting");
	if (!s.open())
		return STATUS_ERROR;
	if (seen & ~(1u << SET_MTU)) {
		if (vnitro_eni_set(s.handle(), id, &set, &eni))
			return s.fail();
	}
	if (mtu && vnitro_eni_set_mtu(s.handle(), id, mtu))
		return s.fail();
	if (vnitro_eni_get(s.handle(), id, &eni))
		return s.fail();
	return print_object(opts, eni, print_eni);
}

enum assign_keyword { ASSIGN_IP, ASSIGN_IPV6, ASSIGN_COUNT, ASSIGN_IPV6_COUNT };

/*
 * "assign ID { ip A | count N | ipv6 A6 | ipv6-count N }" and
 * "unassign ID { ip A | ipv6 A6 }": one address or count per command.
 */
int assign_common(const struct options *opts, int argc, char **argv, bool assign)
{
	static const char *const keywords[] = { "ip", "ipv6", "count", "ipv6-count" };
	arg_cursor args(argc, argv, "eni");
	uint32_t ip = 0, count = 0, count6 = 0;
	uint8_t ip6[16];
	struct vnitro_eni eni;
	unsigned seen = 0;
	const char *id;
	session s;
	int rc;

	if (!args.more())
		args.missing("the ENI id");
	id = check_eni_id(args.next());
	while (args.more()) {
		int k = args.keyword(keywords, assign ? 4 : 2);
		const char *value = args.value(keywords[k]);

		args.once(&seen, k, keywords[k]);
		if (k == ASSIGN_IP)
			ip = parse_private_ip(value);
		else if (k == ASSIGN_IPV6)
			parse_ipv6(value, ip6);
		else if (k == ASSIGN_COUNT)
			count = parse_u32(value, "count", 1, VNITRO_MAX_ENI_IPS - 1);
		else
			count6 = parse_u32(value, "ipv6-count", 1, VNITRO_MAX_ENI_IPV6);
	}
	if (seen & (seen - 1))
		usage_error(assign ? "give one of \"ip\", \"count\", \"ipv6\" and \"ipv6-count\""
				   : "give either \"ip ADDRESS\" or \"ipv6 ADDRESS\", not both");
	if (!seen)
		args.missing(assign ? "\"ip ADDRESS\", \"count N\", \"ipv6 ADDRESS\" or \"ipv6-count N\""
				    : "\"ip ADDRESS\" or \"ipv6 ADDRESS\"");
	if (!s.open())
		return STATUS_ERROR;
	if (seen & (1u << ASSIGN_IPV6 | 1u << ASSIGN_IPV6_COUNT))
		rc = assign ? vnitro_eni_ipv6_assign(s.handle(), id, count6 ? nullptr : ip6, count6,
						     &eni)
			    : vnitro_eni_ipv6_unassign(s.handle(), id, ip6, &eni);
	else
		rc = assign ? vnitro_eni_ip_assign(s.handle(), id, ip, count, &eni)
			    : vnitro_eni_ip_unassign(s.handle(), id, ip, &eni);
	return rc ? s.fail() : print_object(opts, eni, print_eni);
}

int do_assign(const struct options *opts, int argc, char **argv)
{
	return assign_common(opts, argc, argv, true);
}

int do_unassign(const struct options *opts, int argc, char **argv)
{
	return assign_common(opts, argc, argv, false);
}

const struct command commands[] = {
	{ "show", do_show },	/* the default */
	{ "list", do_show },
	{ "add", do_add },
	{ "del", do_del },
	{ "delete", do_del },
	{ "attach", do_attach },
	{ "detach", do_detach },
	{ "set", do_set },
	{ "assign", do_assign },
	{ "unassign", do_unassign },
};

} // namespace

const struct object eni_object = {
	"eni", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli
