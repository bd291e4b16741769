// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro tunnel": the Geneve device frames to and from other hosts' ENIs cross. */
#include <net/if.h>
#include <string.h>

#include "cli.h"
#include "print.h"
#include "show.h"

namespace vnitro::cli {

namespace {

void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro tunnel set dev { DEV | none } [ local ADDRESS ]\n"
		"       vnitro tunnel [ show ]\n"
		"       vnitro tunnel help\n"
		"where  DEV := a Geneve device in external mode on this host, made with\n"
		"              \"ip link add DEV type geneve external\" and set up\n"
		"       ADDRESS := A.B.C.D, this host's own underlay address (0.0.0.0: none):\n"
		"              the tunnel's source, and what \"dump\" says of this host's\n"
		"              instances, so that \"apply\" of its file on another host knows\n"
		"              them as this host's\n"
		"Frames for the ENIs of another host's instances (\"vnitro instance add\n"
		"... host HOST\") leave through DEV to HOST, in Geneve (UDP 6081) with the\n"
		"VPC's VNI and an option naming both ENIs; what other hosts send arrives\n"
		"through it and is checked against this host's world. \"none\" lets go of\n"
		"the device. show prints the device and its counters.\n");
}

void print_tunnel(printer &p, const struct vnitro_tunnel &t)
{
	p.open_object();
	if (t.dev[0]) {
		p.string("dev", "dev %s", t.dev);
	} else {
		p.text("dev none");
		p.null("dev");
	}
	if (t.local) {
		char local[IPV4_STRLEN];

		p.string("local", " local %s", format_ipv4(t.local, local));
	} else {
		p.null("local");
	}
	p.uint("tx_packets", " tx-packets %s", t.tx_packets);
	p.uint("tx_dropped", " tx-dropped %s", t.tx_dropped);
	p.uint("rx_packets", " rx-packets %s", t.rx_packets);
	p.uint("rx_dropped", " rx-dropped %s", t.rx_dropped);
	p.close_object();
}

int do_show(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "tunnel");
	struct vnitro_tunnel t;
	session s;

	args.finish();
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_tunnel_get(s.handle(), &t))
		return s.fail();
	return print_object(opts, t, print_tunnel);
}

int do_set(const struct options *opts, int argc, char **argv)
{
	static const char *const keywords[] = { "dev", "local" };
	arg_cursor args(argc, argv, "tunnel");
	const char *dev = nullptr;
	bool has_local = false;
	uint32_t local = 0;
	struct vnitro_tunnel t;
	unsigned seen = 0;
	session s;
	int rc;

	while (args.more()) {
		int k = args.keyword(keywords, 2);

		args.once(&seen, k, keywords[k]);
		if (k == 0) {
			dev = args.value(keywords[k]);
		} else {
			local = parse_ipv4(args.value(keywords[k]));
			has_local = true;
		}
	}
	if (!dev)
		args.missing("\"dev DEV\" (or \"dev none\")");
	if (!strcmp(dev, "none"))
		dev = "";
	else if (strlen(dev) >= IF_NAMESIZE)
		usage_error("device name \"%s\" is too long (at most %d characters)", dev,
			    IF_NAMESIZE - 1);
	if (!s.open())
		return STATUS_ERROR;
	rc = has_local ? vnitro_tunnel_set_local(s.handle(), dev, local, &t)
		   : vnitro_tunnel_set(s.handle(), dev, &t);
	if (rc)
		return s.fail();
	return print_object(opts, t, print_tunnel);
}

const struct command commands[] = {
	{ "show", do_show },	/* the default */
	{ "set", do_set },
};

} // namespace

const struct object tunnel_object = {
	"tunnel", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli
