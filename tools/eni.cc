// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro eni": create, delete, attach, detach and show ENIs. */
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
		"                      [ type { interface | efa } ]\n"
		"       vnitro eni { del | delete } ID\n"
		"       vnitro eni attach ID instance NAME index INDEX\n"
		"       vnitro eni detach ID\n"
		"       vnitro eni help\n"
		"where  ID := eni-HEX (1 to 17 lowercase hex digits)\n"
		"       ADDRESS := A.B.C.D, in the subnet\n"
		"       MAC := XX:XX:XX:XX:XX:XX\n"
		"       INDEX := 0..255 (0 is the primary ENI's)\n"
		"Without ID, MAC or ip, \"add\" lets the kernel choose them.\n");
}

void print_attachment(printer &p, const struct vnitro_eni &e)
{
	static const char *const keys[] = {
		"instance", "device_index", "ifname", "ifindex", "pci_slot",
	};

	if (e.device_index < 0) {
		for (const char *key : keys)
			p.null(key);
		return;
	}
	p.text("\n   ");
	p.string("instance", " instance %s", e.instance);
	p.uint("device_index", " index %s", uint32_t(e.device_index));
	p.string("ifname", " dev %s", e.ifname);
	p.uint("ifindex", " ifindex %s", e.ifindex);
	p.string("pci_slot", " pci %s", e.pci_slot);
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
	print_attachment(p, e);
	p.close_object();
}

/* Prints one ENI as "add" and "attach" do: a JSON object, not an array. */
int print_one(const struct options *opts, const struct vnitro_eni &e)
{
	printer p(stdout, opts->json, opts->pretty);

	print_eni(p, e);
	return STATUS_OK;
}

int do_show(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "eni");
	const char *id = args.more() ? check_eni_id(args.next()) : nullptr;

	args.finish();
	return show_objects(opts, id, vnitro_eni_get, vnitro_eni_list,
			    print_eni);
}

enum add_keyword { ADD_SUBNET, ADD_IP, ADD_MAC, ADD_TYPE };

/* "add [ID] subnet SUBNET [ip A.B.C.D] [mac MAC] [type TYPE]" */
void parse_add(arg_cursor &args, struct vnitro_eni_spec *spec, uint8_t *mac)
{
	static const char *const keywords[] = { "subnet", "ip", "mac", "type" };
	unsigned seen = 0;

	spec->type = -1;
	if (args.more() && match_word(args.peek(), keywords, 4, "keyword") < 0)
		spec->id = check_eni_id(args.next());
	while (args.more()) {
		int k = args.keyword(keywords, 4);
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
	struct vnitro_eni eni;
	session s;

	parse_add(args, &spec, mac);
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_eni_add(s.handle(), &spec, &eni))
		return s.fail();
	return print_one(opts, eni);
}

/* "del ID" and "detach ID": one ENI, nothing printed on success. */
int by_id(int argc, char **argv,
	  int (*op)(struct vnitro_handle *h, const char *id))
{
	arg_cursor args(argc, argv, "eni");
	const char *id;
	session s;

	if (!args.more())
		args.missing("the ENI id");
	id = check_eni_id(args.next());
	args.finish();
	if (!s.open())
		return STATUS_ERROR;
	return op(s.handle(), id) ? s.fail() : STATUS_OK;
}

int do_del(const struct options *, int argc, char **argv)
{
	return by_id(argc, argv, vnitro_eni_del);
}

int do_detach(const struct options *, int argc, char **argv)
{
	return by_id(argc, argv, vnitro_eni_detach);
}

enum attach_keyword { ATTACH_INSTANCE, ATTACH_INDEX };

int do_attach(const struct options *opts, int argc, char **argv)
{
	static const char *const keywords[] = { "instance", "index" };
	arg_cursor args(argc, argv, "eni");
	const char *id, *instance = nullptr;
	uint32_t index = 0;
	struct vnitro_eni eni;
	unsigned seen = 0;
	session s;

	if (!args.more())
		args.missing("the ENI id");
	id = check_eni_id(args.next());
	while (args.more()) {
		int k = args.keyword(keywords, 2);
		const char *value = args.value(keywords[k]);

		args.once(&seen, k, keywords[k]);
		if (k == ATTACH_INSTANCE)
			instance = check_instance_name(value);
		else
			index = parse_device_index(value);
	}
	if (!instance)
		args.missing("\"instance NAME\"");
	if (!(seen & (1u << ATTACH_INDEX)))
		args.missing("\"index INDEX\"");

	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_eni_attach(s.handle(), id, instance, index, &eni))
		return s.fail();
	return print_one(opts, eni);
}

const struct command commands[] = {
	{ "show", do_show },	/* the default */
	{ "list", do_show },
	{ "add", do_add },
	{ "del", do_del },
	{ "delete", do_del },
	{ "attach", do_attach },
	{ "detach", do_detach },
};

} // namespace

const struct object eni_object = {
	"eni", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli
