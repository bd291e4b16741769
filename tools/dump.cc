// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro dump": the whole world as one topology document, which "vnitro apply" reads back. */
#include <string.h>

#include "cli.h"
#include "print.h"
#include "topology.h"

namespace vnitro::cli {

namespace {

void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro [ -p ] dump\n"
		"       vnitro dump help\n"
		"Writes the world's settings, the path model (with the paths whose fields\n"
		"differ from the world's) and every VPC, subnet (with its non-local\n"
		"routes), internet gateway, egress-only internet gateway, security group\n"
		"(with its rules), network ACL (with its entries), the public pool,\n"
		"Elastic IP (with its association), placement group, instance (with its\n"
		"group and partition) and ENI as one JSON document (-p: pretty), in a\n"
		"stable order: the topology file \"vnitro apply\" reads. See vnitro(8).\n");
}

/* Both local routes (IPv4, and the IPv6 /56) come with the VPC and its block: not written. */
void print_routes(printer &p, const world &w, const char *subnet)
{
	char cidr[CIDR6_STRLEN];

	p.open_array_key("routes");
	for (size_t i = 0; i < w.route_count; i++) {
		const struct vnitro_route &r = w.routes[i];

		if (strcmp(r.subnet_id, subnet) || r.target == VNITRO_ROUTE_TARGET_LOCAL)
			continue;
		/* A route to a deleted ENI (a blackhole) cannot be re-created. */
		if (r.target == VNITRO_ROUTE_TARGET_ENI && !w.find_eni(r.target_id))
			continue;
		p.open_object();
		p.string("destination", nullptr, format_destination(r, cidr));
		p.string("target", nullptr, r.target_id);
		p.close_object();
	}
	p.close_array();
}

void print_eni(printer &p, const struct vnitro_eni &e)
{
	char mac[MAC_STRLEN], ip[IPV4_STRLEN], ip6[IPV6_STRLEN];

	p.open_object();
	p.string("id", nullptr, e.id);
	p.string("subnet", nullptr, e.subnet_id);
	p.string("mac", nullptr, format_mac(e.mac, mac));
	p.string("private_ip", nullptr, format_ipv4(e.private_ip, ip));
	p.string("type", nullptr, eni_type_name(e.type));
	p.open_array_key("secondary_ips");
	for (uint32_t i = 0; i < e.secondary_count; i++)
		p.string(nullptr, nullptr, format_ipv4(e.secondary_ips[i], ip));
	p.close_array();
	p.open_array_key("ipv6_addresses");
	for (uint32_t i = 0; i < e.ipv6_count; i++)
		p.string(nullptr, nullptr, format_ipv6(e.ipv6[i], ip6));
	p.close_array();
	p.string("description", nullptr, e.description);
	p.open_array_key("security_groups");
	for (uint32_t i = 0; i < e.security_group_count; i++)
		p.string(nullptr, nullptr, e.security_groups[i]);
	p.close_array();
	p.boolean("source_dest_check", nullptr, e.source_dest_check);
	p.boolean("ena_express", nullptr, e.ena_express);
	p.boolean("ena_express_udp", nullptr, e.ena_express_udp);
	p.uint("tcp_established_timeout", nullptr, e.tcp_established_timeout);
	p.uint("udp_stream_timeout", nullptr, e.udp_stream_timeout);
	p.uint("udp_timeout", nullptr, e.udp_timeout);
	if (e.device_index >= 0) {
		p.string("instance", nullptr, e.instance);
		p.uint("network_card_index", nullptr, uint32_t(e.network_card));
		p.uint("device_index", nullptr, uint32_t(e.device_index));
	} else {
		p.null("instance");
		p.null("network_card_index");
		p.null("device_index");
	}
	p.close_object();
}

/* By name, not id: apply creates a group the kernel gives a new id. */
void print_placement_group(printer &p, const struct vnitro_placement_group &g)
{
	p.open_object();
	p.string("name", nullptr, g.name);
	p.string("strategy", nullptr, pg_strategy_name(g.strategy));
	if (g.strategy == VNITRO_PG_PARTITION)
		p.uint("partition_count", nullptr, g.partition_count);
	else
		p.null("partition_count");
	p.string("spread_level", nullptr,
		 g.strategy == VNITRO_PG_SPREAD ? pg_spread_level_name(g.spread_level) : nullptr);
	p.close_object();
}

/*
 * @local: this host's underlay address (vnitro tunnel set ... local), 0 if none: what
 * "host" says of this host's instances, so that the file names every instance's host.
 */
void print_instance(printer &p, const struct vnitro_instance &in, uint32_t local)
{
	char host[IPV4_STRLEN];
	uint32_t h = in.host ? in.host : local;

	p.open_object();
	p.string("name", nullptr, in.name);
	p.string("subnet", nullptr, in.subnet_id);
	p.string("type", nullptr, in.type.name);
	p.string("placement_group", nullptr, in.placement_group[0] ? in.placement_group : nullptr);
	if (in.partition)
		p.uint("partition", nullptr, in.partition);
	else
		p.null("partition");
	p.string("metadata_tokens", nullptr,
		 in.md_tokens == VNITRO_MD_TOKENS_REQUIRED ? "required" : "optional");
	p.uint("metadata_hop_limit", nullptr, in.md_hop_limit);
	p.boolean("metadata_endpoint", nullptr, in.md_endpoint);
	p.string("host", nullptr, h ? format_ipv4(h, host) : nullptr);
	p.close_object();
}

/* Not the association id nor the instance: apply makes the one, the ENI gives the other. */
void print_elastic_ip(printer &p, const struct vnitro_eip &a)
{
	char pub[IPV4_STRLEN], priv[IPV4_STRLEN];
	bool associated = a.association_id[0];

	p.open_object();
	p.string("allocation_id", nullptr, a.id);
	p.string("public_ip", nullptr, format_ipv4(a.public_ip, pub));
	p.string("eni", nullptr, associated ? a.eni_id : nullptr);
	p.string("private_ip", nullptr, associated ? format_ipv4(a.private_ip, priv) : nullptr);
	p.close_object();
}

/* Either kind of gateway as the array @key; frag_needed is an internet gateway's only. */
void print_gateways(printer &p, const char *key, const struct vnitro_igw *items, size_t count)
{
	p.open_array_key(key);
	for (size_t i = 0; i < count; i++) {
		const struct vnitro_igw &g = items[i];

		p.open_object();
		p.string("id", nullptr, g.id);
		p.string("vpc", nullptr, g.vpc_id);
		p.string("netns", nullptr, g.netns_name[0] ? g.netns_name : nullptr);
		if (!g.egress_only)
			p.boolean("frag_needed", nullptr, g.frag_needed);
		p.close_object();
	}
	p.close_array();
}

void print_world(printer &p, const world &w)
{
	char cidr[CIDR_STRLEN], cidr6[CIDR6_STRLEN];

	p.open_object();
	p.uint("version", nullptr, TOPOLOGY_VERSION);
	p.open_object_key("world");
	p.uint("rate_scale", nullptr, w.settings.rate_scale);
	p.uint("burst_seconds", nullptr, w.settings.burst_seconds);
	p.close_object();
	/* The world's model, then only the paths it does not describe. */
	p.open_object_key("path");
	print_path_fields(p, w.path, false);
	p.close_object();
	p.open_array_key("vpcs");
	for (size_t i = 0; i < w.vpc_count; i++) {
		p.open_object();
		p.string("id", nullptr, w.vpcs[i].id);
		p.string("cidr", nullptr,
			 format_cidr(w.vpcs[i].cidr_addr, w.vpcs[i].cidr_prefixlen, cidr));
		p.string("ipv6_cidr", nullptr,
			 format_cidr6(w.vpcs[i].ipv6_cidr, w.vpcs[i].ipv6_prefixlen, cidr6));
		p.close_object();
	}
	p.close_array();
	p.open_array_key("subnets");
	for (size_t i = 0; i < w.subnet_count; i++) {
		const struct vnitro_subnet &sn = w.subnets[i];

		p.open_object();
		p.string("id", nullptr, sn.id);
		p.string("vpc", nullptr, sn.vpc_id);
		p.string("cidr", nullptr, format_cidr(sn.cidr_addr, sn.cidr_prefixlen, cidr));
		p.string("az", nullptr, sn.az);
		p.string("network_acl", nullptr, sn.nacl_id);
		p.string("ipv6_cidr", nullptr, format_cidr6(sn.ipv6_cidr, sn.ipv6_prefixlen, cidr6));
		p.boolean("assign_ipv6_on_creation", nullptr, sn.assign_ipv6_on_creation);
		print_routes(p, w, sn.id);
		p.close_object();
	}
	p.close_array();
	print_gateways(p, "internet_gateways", w.igws, w.igw_count);
	print_gateways(p, "egress_only_internet_gateways", w.eigws, w.eigw_count);
	p.open_array_key("security_groups");
	for (size_t i = 0; i < w.sg_count; i++)
		print_sg(p, w.sgs[i]);
	p.close_array();
	p.open_array_key("network_acls");
	for (size_t i = 0; i < w.nacl_count; i++)
		print_nacl(p, w.nacls[i]);
	p.close_array();
	p.string("eip_pool", nullptr, format_cidr(w.eip_pool.addr, w.eip_pool.prefixlen, cidr));
	p.open_array_key("elastic_ips");
	for (size_t i = 0; i < w.eip_count; i++)
		print_elastic_ip(p, w.eips[i]);
	p.close_array();
	p.open_array_key("placement_groups");
	for (size_t i = 0; i < w.pg_count; i++)
		print_placement_group(p, w.pgs[i]);
	p.close_array();
	p.open_array_key("instances");
	for (size_t i = 0; i < w.instance_count; i++)
		print_instance(p, w.instances[i], w.tunnel.local);
	p.close_array();
	p.open_array_key("enis");
	for (size_t i = 0; i < w.eni_count; i++)
		print_eni(p, w.enis[i]);
	p.close_array();
	p.close_object();
}

int do_dump(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "dump");
	session s;
	world w;

	args.finish();
	if (!s.open() || !w.read(s))
		return STATUS_ERROR;
	w.sort();

	printer p(stdout, true, opts->pretty);
	print_world(p, w);
	return STATUS_OK;
}

} // namespace

bool dump_to_string(std::string *out)
{
	session s;
	world w;
	char *buf = nullptr;
	size_t len = 0;
	FILE *f;

	if (!s.open() || !w.read(s))
		return false;
	w.sort();
	f = open_memstream(&buf, &len);
	if (!f) {
		report_error("out of memory");
		return false;
	}
	{
		printer p(f, true, true);
		print_world(p, w);
	}
	fclose(f);
	out->assign(buf, len);
	free(buf);
	return true;
}

namespace {

/* An object that is its own command: "vnitro dump". */
const struct command commands[] = {
	{ nullptr, do_dump },
};

} // namespace

const struct object dump_object = {
	"dump", commands, 1, usage,
};

} // namespace vnitro::cli
