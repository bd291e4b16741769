// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro apply FILE": makes the world what a topology file says, changing only what differs. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "print.h"
#include "topology.h"

namespace vnitro::cli {

namespace {

void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro [ -j [ -p ] ] apply FILE\n"
		"       vnitro apply help\n"
		"where  FILE := a topology file, as \"vnitro dump\" writes it (\"-\": stdin)\n"
		"Sets the world's settings and the path model the file gives, then\n"
		"creates what is missing in dependency order (VPCs, subnets, network ACLs\n"
		"and their entries and associations, security groups and their rules,\n"
		"internet gateways, egress-only internet gateways, the public pool,\n"
		"Elastic IPs, placement groups, instances, ENIs, attachments, secondary IPs, IPv6 blocks\n"
		"and addresses, ENI settings, routes, Elastic IP associations) and\n"
		"changes the settings that differ; prints one line per change. A group's\n"
		"rules and an ACL's entries become the file's (what the file lacks is\n"
		"deleted); a group named \"default\" and an ACL with \"default\": true are\n"
		"their VPC's, whatever their id in the file; a subnet without\n"
		"\"network_acl\" uses its VPC's default ACL; an Elastic IP without \"eni\"\n"
		"is disassociated; without \"eip_pool\" the pool stays as it is, and so\n"
		"does each of the world's settings \"world\" does not give and each field\n"
		"of the model \"path\" does not give (a seed is written only if it\n"
		"differs: writing one restarts the model's draws). With \"per_path\" in\n"
		"\"path\", every path in use is then set to what it lists for it, or to the\n"
		"world's fields; without, the paths keep theirs, unless the file changes\n"
		"one of the world's fields a path has, which every path takes.\n"
		"An object that exists with another immutable attribute is an error, found\n"
		"before anything changes. No object absent from the file is deleted, but\n"
		"the IPv6 routes of a VPC whose IPv6 block goes (EC2 keeps a block while\n"
		"routes use it; those the file lists are added back).\n"
		"Exit status: 0 done, 1 a conflict or a kernel refusal, 2 a bad file.\n");
}

enum { DETAIL_LEN = 512 };

/* Adds " KEY VALUE" to @detail. */
void detail_add(char *detail, const char *key, const char *value)
{
	size_t len = strlen(detail);

	snprintf(detail + len, DETAIL_LEN - len, "%s%s %s", len ? " " : "", key, value);
}

/* Adds " KEY N" to @detail. */
void detail_add_u32(char *detail, const char *key, uint32_t value)
{
	char text[12];

	snprintf(text, sizeof(text), "%u", value);
	detail_add(detail, key, text);
}

class applier {
public:
	applier(const topology &t, const world &w, session &s, printer &p)
		: t_(t), w_(w), s_(s), p_(p) {}
	~applier()
	{
		free(now_);
		free(primary_ids_);
		free(sg_ids_);
		free(sgs_);
		free(nacl_ids_);
		free(nacls_);
		free(route_gone_);
	}

	bool prepare();
	int check() const;
	int run();

private:
	int conflict(const char *fmt, ...) const __attribute__((format(printf, 2, 3)));
	void change(const char *action, const char *object, const char *id, const char *detail);
	int refused(const char *action, const char *object, const char *id, const char *detail);
	const char *actual_id(const struct topo_eni &e) const;
	int open_netns(const char *name, bool *created);

	int check_gateway(const struct topo_igw &g, bool egress_only) const;
	int check_sg(const struct topo_sg &g) const;
	int read_sgs();
	const struct vnitro_sg *kernel_sg(const char *id) const;
	const char *default_sg(const char *vpc) const;
	const char *actual_sg(const char *file_id) const;
	int create_sgs();
	int converge_sg_rules();
	int check_nacl(const struct topo_nacl &a) const;
	int read_nacls();
	const struct vnitro_nacl *kernel_nacl(const char *id) const;
	const char *default_nacl(const char *vpc) const;
	int create_nacls();
	int converge_nacl_entries();
	int associate_nacls();
	int check_eip_target(const struct topo_eip &a) const;
	int check_eips() const;
	int create_eips();
	int associate_eips();
	int check_pg(const struct topo_pg &g) const;
	int check_placement(const struct topo_instance &in) const;
	int check_instance(const struct topo_instance &in) const;
	int check_eni(const struct topo_eni &e) const;
	int set_world();
	int check_path() const;
	int set_path();
	int set_one_path(const struct vnitro_path &now, const struct vnitro_one_path &o);
	int create_vpcs_and_subnets();
	int create_gateways(bool egress_only);
	int create_pgs();
	int create_instances();
	uint32_t remote_host(const struct topo_instance &in) const;
	int converge_metadata(const struct topo_instance &in, const struct vnitro_instance &now);
	int create_enis();
	int attach_enis();
	int converge_ips();
	int delete_ipv6_routes(const char *vpc);
	int converge_ipv6();
	int converge_ipv6_default_rules();
	int converge_settings();
	int converge_routes();

	const topology &t_;
	const world &w_;
	session &s_;
	printer &p_;
	/* Per ENI of the file: its state once it exists, and a primary ENI's real id. */
	struct vnitro_eni *now_ = nullptr;
	char (*primary_ids_)[VNITRO_ID_LEN] = nullptr;
	/* Per group of the file: its id in the kernel (a default group's is the kernel's). */
	char (*sg_ids_)[VNITRO_ID_LEN] = nullptr;
	/* The kernel's groups, read again once VPCs and groups are created. */
	struct vnitro_sg *sgs_ = nullptr;
	size_t sg_count_ = 0;
	/* The same for network ACLs. */
	char (*nacl_ids_)[VNITRO_ID_LEN] = nullptr;
	struct vnitro_nacl *nacls_ = nullptr;
	size_t nacl_count_ = 0;
	/* A VPC got an IPv6 block in this run, and its default rules EC2's ::/0 ones. */
	bool vpc_ipv6_added_ = false;
	/* Per route of the world: deleted in this run, with its VPC's IPv6 block. */
	bool *route_gone_ = nullptr;
};

bool applier::prepare()
{
	now_ = static_cast<struct vnitro_eni *>(calloc(t_.eni_count + 1, sizeof(*now_)));
	primary_ids_ = static_cast<char (*)[VNITRO_ID_LEN]>(calloc(t_.eni_count + 1,
								     VNITRO_ID_LEN));
	sg_ids_ = static_cast<char (*)[VNITRO_ID_LEN]>(calloc(t_.sg_count + 1, VNITRO_ID_LEN));
	nacl_ids_ = static_cast<char (*)[VNITRO_ID_LEN]>(calloc(t_.nacl_count + 1, VNITRO_ID_LEN));
	route_gone_ = static_cast<bool *>(calloc(w_.route_count + 1, sizeof(*route_gone_)));
	return now_ && primary_ids_ && sg_ids_ && nacl_ids_ && route_gone_;
}

int applier::conflict(const char *fmt, ...) const
{
	char msg[DETAIL_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return report_error("%s; nothing was changed", msg);
}

/* One line (or JSON object) per change, as it is made. */
void applier::change(const char *action, const char *object, const char *id, const char *detail)
{
	p_.open_object();
	p_.string("action", "%s", action);
	p_.string("object", " %s", object);
	p_.string("id", " %s", id);
	p_.string("detail", detail[0] ? " %s" : nullptr, detail);
	p_.close_object();
	fflush(stdout);
}

/* The kernel refused: what was done stays printed, the JSON array closed. */
int applier::refused(const char *action, const char *object, const char *id, const char *detail)
{
	p_.close_array();
	return report_error("%s %s %s%s%s: %s", action, object, id, detail[0] ? " " : "", detail,
			    vnitro_last_error(s_.handle()));
}

const char *applier::actual_id(const struct topo_eni &e) const
{
	return topo_primary(e) ? primary_ids_[&e - t_.enis] : e.id;
}

/* "ip netns add NAME" unless it exists; returns an fd or a negative errno (reported). */
int applier::open_netns(const char *name, bool *created)
{
	char why[512];
	int rc = vnitro_netns_add(name, why, sizeof(why));
	int fd;

	if (rc && rc != -EEXIST) {
		p_.close_array();
		return report_error("%s", why), rc;
	}
	*created = rc == 0;
	fd = vnitro_netns_open(name);
	if (fd < 0) {
		if (*created)
			vnitro_netns_del(name);
		p_.close_array();
		report_error("cannot open network namespace \"%s\": %s", name, strerror(-fd));
	}
	return fd;
}

/* ---- before anything changes: what the file says against what exists ---- */

/* A group's strategy and partition count cannot change (EC2). */
int applier::check_pg(const struct topo_pg &g) const
{
	const struct vnitro_placement_group *wg = w_.find_pg(g.name);

	if (!wg)
		return 0;
	if (wg->strategy != g.strategy)
		return conflict("placement group %s: strategy is %s, the file says %s (a placement group's strategy cannot change)",
				g.name, pg_strategy_name(wg->strategy), pg_strategy_name(g.strategy));
	if (wg->partition_count != g.partition_count)
		return conflict("placement group %s: partition_count is %u, the file says %u (a placement group's partition count cannot change)",
				g.name, wg->partition_count, g.partition_count);
	return 0;
}

/*
 * A new instance of the file in a group that has instances already: a
 * cluster group's zone, a spread group's seven per zone, counting the
 * file's new instances before it.
 */
int applier::check_placement(const struct topo_instance &in) const
{
	const struct vnitro_placement_group *wg = w_.find_pg(in.placement_group);
	const char *az = t_.find_subnet(in.subnet)->az;
	uint32_t in_az = 0;

	if (!wg)
		return 0;
	if (wg->strategy == VNITRO_PG_CLUSTER && wg->az[0] && strcmp(wg->az, az))
		return conflict("instance %s: placement group %s is in use in another availability zone: %s, the file puts the instance in %s",
				in.name, wg->name, wg->az, az);
	if (wg->strategy != VNITRO_PG_SPREAD)
		return 0;
	for (size_t i = 0; i < w_.instance_count; i++)
		in_az += !strcmp(w_.instances[i].placement_group, wg->name) &&
			 !strcmp(w_.instances[i].az, az);
	for (const struct topo_instance *other = t_.instances; other < &in; other++)
		in_az += other->placement_group && !strcmp(other->placement_group, wg->name) &&
			 !w_.find_instance(other->name) &&
			 !strcmp(t_.find_subnet(other->subnet)->az, az);
	if (in_az >= VNITRO_PG_SPREAD_PER_AZ)
		return conflict("instance %s: spread placement group %s would have %u instances in %s (EC2: seven running instances per Availability Zone)",
				in.name, wg->name, in_az + 1, az);
	return 0;
}

int applier::check_instance(const struct topo_instance &in) const
{
	const struct vnitro_instance *wi = w_.find_instance(in.name);
	const char *group = in.placement_group ? in.placement_group : "";
	char want[IPV4_STRLEN], have[IPV4_STRLEN];

	if (!wi)
		return in.placement_group ? check_placement(in) : 0;
	/* Another host's instance is that host's for its life, as this host's are this one's. */
	if (wi->host != remote_host(in)) {
		char file_host[IPV4_STRLEN], world_host[IPV4_STRLEN];

		return conflict("instance %s: host is %s, the file says %s (an instance stays on its host)",
				in.name, wi->host ? format_ipv4(wi->host, world_host) : "this host",
				remote_host(in) ? format_ipv4(in.host, file_host) : "this host");
	}
	/* EC2 moves only a stopped instance between groups, and vnitro's never stop. */
	if (strcmp(wi->placement_group, group))
		return conflict("instance %s: placement_group is %s, the file says %s (an instance's placement group cannot change)",
				in.name, wi->placement_group[0] ? wi->placement_group : "null",
				in.placement_group ? in.placement_group : "null");
	if (in.partition && wi->partition != in.partition)
		return conflict("instance %s: partition is %u, the file says %u (an instance's partition cannot change)",
				in.name, wi->partition, in.partition);
	if (strcmp(wi->subnet_id, in.subnet))
		return conflict("instance %s: subnet is %s, the file says %s (an instance's subnet cannot change)",
				in.name, wi->subnet_id, in.subnet);
	if (in.type && strcmp(wi->type.name, in.type))
		return conflict("instance %s: type is %s, the file says %s (an instance's type cannot change)",
				in.name, wi->type.name, in.type);
	if (in.primary >= 0 && t_.enis[in.primary].private_ip) {
		const struct vnitro_eni *pe = w_.find_eni(wi->primary_eni_id);
		uint32_t ip = t_.enis[in.primary].private_ip;

		if (pe && pe->private_ip != ip)
			return conflict("instance %s: its primary network interface %s has address %s, the file says %s",
					in.name, pe->id, format_ipv4(pe->private_ip, have),
					format_ipv4(ip, want));
	}
	return 0;
}

int applier::check_eni(const struct topo_eni &e) const
{
	const struct vnitro_eni *we = w_.find_eni(e.id);
	char want[MAC_STRLEN], have[MAC_STRLEN];

	if (e.instance) {
		/* The index it goes to must be free, or freed by apply itself. */
		const struct vnitro_eni *cur = w_.eni_at(e.instance, e.network_card, e.device_index);
		const struct topo_eni *mover = cur ? t_.find_eni(cur->id) : nullptr;
		char place[64];

		if (cur && strcmp(cur->id, e.id) && !eni_is_primary(*cur) &&
		    !(mover && !topo_primary(*mover) &&
		      (!mover->instance || strcmp(mover->instance, e.instance) ||
		       mover->device_index != e.device_index ||
		       mover->network_card != e.network_card)))
			return conflict("network interface %s: %s of instance %s holds %s, which the file leaves there",
					e.id, format_place(e.network_card, e.device_index, place,
							   sizeof(place)),
					e.instance, cur->id);
	}
	if (!we)
		return 0;
	if (eni_is_primary(*we))
		return conflict("network interface %s is the primary network interface of instance %s; the file makes it a secondary one",
				e.id, we->instance);
	if (strcmp(we->subnet_id, e.subnet))
		return conflict("network interface %s: subnet is %s, the file says %s (an ENI's subnet cannot change)",
				e.id, we->subnet_id, e.subnet);
	if (e.has_mac && memcmp(we->mac, e.mac, VNITRO_MAC_LEN))
		return conflict("network interface %s: mac is %s, the file says %s (an ENI's MAC cannot change)",
				e.id, format_mac(we->mac, have), format_mac(e.mac, want));
	if (e.private_ip && we->private_ip != e.private_ip)
		return conflict("network interface %s: private_ip is %s, the file says %s (an ENI's primary address cannot change)",
				e.id, format_ipv4(we->private_ip, have), format_ipv4(e.private_ip, want));
	if (we->type != e.type)
		return conflict("network interface %s: type is %s, the file says %s (an ENI's type cannot change)",
				e.id, eni_type_name(we->type), eni_type_name(uint8_t(e.type)));
	return 0;
}

/* A gateway's VPC and namespace cannot change; a VPC has one of each kind. */
int applier::check_gateway(const struct topo_igw &g, bool egress_only) const
{
	const char *what = egress_only ? "egress-only internet gateway" : "internet gateway";
	const struct vnitro_igw *wg = egress_only ? w_.find_eigw(g.id) : w_.find_igw(g.id);
	const struct vnitro_igw *other = egress_only ? w_.find_eigw_of(g.vpc) : w_.find_igw_of(g.vpc);

	if (!wg && other)
		return conflict("%s %s: VPC %s has %s %s already (at most one)", what, g.id, g.vpc,
				what, other->id);
	if (wg && strcmp(wg->vpc_id, g.vpc))
		return conflict("%s %s: vpc is %s, the file says %s (a gateway's VPC cannot change)",
				what, g.id, wg->vpc_id, g.vpc);
	if (wg && strcmp(wg->netns_name, g.netns ? g.netns : ""))
		return conflict("%s %s: netns is %s, the file says %s (a gateway's namespace cannot change)",
				what, g.id, wg->netns_name[0] ? wg->netns_name : "null",
				g.netns ? g.netns : "null");
	return 0;
}

/* A group's VPC, name and description cannot change (EC2). */
int applier::check_sg(const struct topo_sg &g) const
{
	const struct vnitro_sg *wg = topo_default(g) ? nullptr : w_.find_sg(g.id);

	if (!wg)
		return 0;
	if (strcmp(wg->vpc_id, g.vpc))
		return conflict("security group %s: vpc is %s, the file says %s (a group's VPC cannot change)",
				g.id, wg->vpc_id, g.vpc);
	if (strcmp(wg->name, g.name))
		return conflict("security group %s: name is \"%s\", the file says \"%s\" (a group's name cannot change)",
				g.id, wg->name, g.name);
	if (strcmp(wg->description, g.description))
		return conflict("security group %s: description is \"%s\", the file says \"%s\" (a group's description cannot change)",
				g.id, wg->description, g.description);
	return 0;
}

/* A custom ACL's VPC cannot change, nor can it be a VPC's default ACL. */
int applier::check_nacl(const struct topo_nacl &a) const
{
	const struct vnitro_nacl *wa = a.is_default ? nullptr : w_.find_nacl(a.id);

	if (!wa)
		return 0;
	if (strcmp(wa->vpc_id, a.vpc))
		return conflict("network ACL %s: vpc is %s, the file says %s (an ACL's VPC cannot change)",
				a.id, wa->vpc_id, a.vpc);
	if (wa->is_default)
		return conflict("network ACL %s is the default network ACL of VPC %s; the file makes it a custom one",
				a.id, wa->vpc_id);
	return 0;
}

/* The ENI of the file that exists already (a primary ENI: its instance's), or NULL. */
const struct vnitro_eni *existing_eni(const world &w, const struct topo_eni &e)
{
	const struct vnitro_instance *wi;

	if (!topo_primary(e))
		return w.find_eni(e.id);
	wi = w.find_instance(e.instance);
	return wi ? w.find_eni(wi->primary_eni_id) : nullptr;
}

/*
 * An Elastic IP the file leaves out that holds the private address the file
 * gives another: the kernel would disassociate it (one per private address),
 * and apply leaves what the file does not name alone.
 */
int applier::check_eip_target(const struct topo_eip &a) const
{
	const struct vnitro_eni *we = existing_eni(w_, *t_.find_eni(a.eni));
	uint32_t ip;
	char addr[IPV4_STRLEN];

	if (!we)
		return 0;
	ip = a.private_ip ? a.private_ip : we->private_ip;
	for (size_t i = 0; i < w_.eip_count; i++) {
		const struct vnitro_eip &wa = w_.eips[i];

		if (wa.association_id[0] && !strcmp(wa.eni_id, we->id) && wa.private_ip == ip &&
		    !t_.find_eip(wa.id))
			return conflict("Elastic IP %s: %s of %s has Elastic IP %s, which the file leaves out (one Elastic IP per private address)",
					a.id, format_ipv4(ip, addr), we->id, wa.id);
	}
	return 0;
}

/* An allocation's address cannot change; a new pool must hold every allocated address. */
int applier::check_eips() const
{
	char have[IPV4_STRLEN], want[IPV4_STRLEN], pool[CIDR_STRLEN];

	for (size_t i = 0; i < t_.eip_count; i++) {
		const struct topo_eip &a = t_.eips[i];
		const struct vnitro_eip *wa = w_.find_eip(a.id);

		if (wa && wa->public_ip != a.public_ip)
			return conflict("Elastic IP %s: public_ip is %s, the file says %s (an Elastic IP's address cannot change)",
					a.id, format_ipv4(wa->public_ip, have),
					format_ipv4(a.public_ip, want));
		if (a.eni)
			if (int rc = check_eip_target(a))
				return rc;
	}
	if (!t_.has_eip_pool)
		return 0;
	for (size_t i = 0; i < w_.eip_count; i++) {
		const struct vnitro_eip &wa = w_.eips[i];

		if (!cidr_contains(t_.eip_pool_addr, t_.eip_pool_prefixlen, wa.public_ip))
			return conflict("the public pool cannot become %s: Elastic IP %s (%s) is outside it (release it first)",
					format_cidr(t_.eip_pool_addr, t_.eip_pool_prefixlen, pool),
					wa.id, format_ipv4(wa.public_ip, have));
	}
	return 0;
}

/* A path "per_path" lists must be one the world has, if the file leaves "paths" as it is. */
int applier::check_path() const
{
	if (t_.path.set_paths)
		return 0;	/* the file's count: the parser checked it */
	for (size_t i = 0; i < t_.per_path_count; i++) {
		uint32_t index = t_.per_path[i].index;

		if (index >= w_.path.paths)
			return conflict("path %u does not exist: the world has %u (0 to %u), and the file gives no .path.paths",
					index, w_.path.paths, w_.path.paths - 1);
	}
	return 0;
}

int applier::check() const
{
	char have[CIDR_STRLEN], want[CIDR_STRLEN];

	if (int rc = check_path())
		return rc;
	for (size_t i = 0; i < t_.vpc_count; i++) {
		const struct topo_vpc &v = t_.vpcs[i];
		const struct vnitro_vpc *wv = w_.find_vpc(v.id);

		if (wv && (wv->cidr_addr != v.addr || wv->cidr_prefixlen != v.prefixlen))
			return conflict("VPC %s: cidr is %s, the file says %s (a VPC's CIDR block cannot change)",
					v.id, format_cidr(wv->cidr_addr, wv->cidr_prefixlen, have),
					format_cidr(v.addr, v.prefixlen, want));
	}
	for (size_t i = 0; i < t_.subnet_count; i++) {
		const struct topo_subnet &sn = t_.subnets[i];
		const struct vnitro_subnet *ws = w_.find_subnet(sn.id);

		if (!ws)
			continue;
		if (strcmp(ws->vpc_id, sn.vpc))
			return conflict("subnet %s: vpc is %s, the file says %s (a subnet's VPC cannot change)",
					sn.id, ws->vpc_id, sn.vpc);
		if (ws->cidr_addr != sn.addr || ws->cidr_prefixlen != sn.prefixlen)
			return conflict("subnet %s: cidr is %s, the file says %s (a subnet's CIDR block cannot change)",
					sn.id, format_cidr(ws->cidr_addr, ws->cidr_prefixlen, have),
					format_cidr(sn.addr, sn.prefixlen, want));
		if (strcmp(ws->az, sn.az))
			return conflict("subnet %s: az is %s, the file says %s (a subnet's availability zone cannot change)",
					sn.id, ws->az, sn.az);
	}
	for (size_t i = 0; i < t_.igw_count; i++)
		if (int rc = check_gateway(t_.igws[i], false))
			return rc;
	for (size_t i = 0; i < t_.eigw_count; i++)
		if (int rc = check_gateway(t_.eigws[i], true))
			return rc;
	for (size_t i = 0; i < t_.sg_count; i++)
		if (int rc = check_sg(t_.sgs[i]))
			return rc;
	for (size_t i = 0; i < t_.nacl_count; i++)
		if (int rc = check_nacl(t_.nacls[i]))
			return rc;
	for (size_t i = 0; i < t_.pg_count; i++)
		if (int rc = check_pg(t_.pgs[i]))
			return rc;
	for (size_t i = 0; i < t_.instance_count; i++)
		if (int rc = check_instance(t_.instances[i]))
			return rc;
	for (size_t i = 0; i < t_.eni_count; i++)
		if (!topo_primary(t_.enis[i]))
			if (int rc = check_eni(t_.enis[i]))
				return rc;
	return check_eips();
}

/* ---- the changes, in dependency order ---- */

int applier::create_vpcs_and_subnets()
{
	char cidr[CIDR_STRLEN], detail[DETAIL_LEN];

	for (size_t i = 0; i < t_.vpc_count; i++) {
		const struct topo_vpc &v = t_.vpcs[i];

		if (w_.find_vpc(v.id))
			continue;
		snprintf(detail, sizeof(detail), "cidr %s", format_cidr(v.addr, v.prefixlen, cidr));
		if (vnitro_vpc_add(s_.handle(), v.id, v.addr, v.prefixlen, nullptr))
			return refused("create", "vpc", v.id, detail);
		change("create", "vpc", v.id, detail);
	}
	for (size_t i = 0; i < t_.subnet_count; i++) {
		const struct topo_subnet &sn = t_.subnets[i];

		if (w_.find_subnet(sn.id))
			continue;
		snprintf(detail, sizeof(detail), "vpc %s cidr %s az %s", sn.vpc,
			 format_cidr(sn.addr, sn.prefixlen, cidr), sn.az);
		if (vnitro_subnet_add(s_.handle(), sn.id, sn.vpc, sn.addr, sn.prefixlen, sn.az,
				      nullptr))
			return refused("create", "subnet", sn.id, detail);
		change("create", "subnet", sn.id, detail);
	}
	return STATUS_OK;
}

int applier::read_sgs()
{
	free(sgs_);
	sgs_ = nullptr;
	if (vnitro_sg_list(s_.handle(), &sgs_, &sg_count_)) {
		p_.close_array();
		return s_.fail();
	}
	return STATUS_OK;
}

const struct vnitro_sg *applier::kernel_sg(const char *id) const
{
	for (size_t i = 0; i < sg_count_; i++)
		if (!strcmp(sgs_[i].id, id))
			return &sgs_[i];
	return nullptr;
}

const char *applier::default_sg(const char *vpc) const
{
	for (size_t i = 0; i < sg_count_; i++)
		if (!strcmp(sgs_[i].vpc_id, vpc) && !strcmp(sgs_[i].name, "default"))
			return sgs_[i].id;
	return "";
}

const char *applier::actual_sg(const char *file_id) const
{
	return sg_ids_[t_.find_sg(file_id) - t_.sgs];
}

/* After the VPCs: their default groups have ids now; the other groups are made. */
int applier::create_sgs()
{
	char detail[DETAIL_LEN];
	int rc = read_sgs();

	for (size_t i = 0; !rc && i < t_.sg_count; i++) {
		const struct topo_sg &g = t_.sgs[i];

		if (topo_default(g)) {
			snprintf(sg_ids_[i], VNITRO_ID_LEN, "%s", default_sg(g.vpc));
			continue;
		}
		snprintf(sg_ids_[i], VNITRO_ID_LEN, "%s", g.id);
		if (kernel_sg(g.id))
			continue;
		snprintf(detail, sizeof(detail), "vpc %s name \"%s\"%s%s%s", g.vpc, g.name,
			 g.description[0] ? " description \"" : "", g.description,
			 g.description[0] ? "\"" : "");
		if (vnitro_sg_add(s_.handle(), g.id, g.vpc, g.name, g.description, nullptr))
			return refused("create", "sg", g.id, detail);
		change("create", "sg", g.id, detail);
	}
	return rc ? rc : read_sgs();
}

/* Appends " proto tcp port 22-22" (with an ICMP type and code) at @buf + @n; returns the length. */
template <typename R>
size_t match_detail(char *buf, size_t len, size_t n, const R &r)
{
	char proto[SG_PROTO_STRLEN];

	if (n < len)
		n += size_t(snprintf(buf + n, len - n, " proto %s",
				     sg_protocol_name(r.protocol, proto)));
	if (r.has_ports && n < len)
		n += size_t(snprintf(buf + n, len - n, " port %u-%u", r.port_from, r.port_to));
	if (r.icmp_type >= 0 && n < len)
		n += size_t(snprintf(buf + n, len - n, " icmp-type %d", r.icmp_type));
	if (r.icmp_code >= 0 && n < len)
		n += size_t(snprintf(buf + n, len - n, " code %d", r.icmp_code));
	return n;
}

/* "ingress proto tcp port 22-22 cidr 0.0.0.0/0", as "vnitro sg rule" takes it. */
void rule_detail(char *buf, size_t len, const struct vnitro_sg_rule &r)
{
	char cidr[CIDR6_STRLEN];
	size_t n;

	n = match_detail(buf, len, size_t(snprintf(buf, len, "%s",
		r.direction == VNITRO_SG_EGRESS ? "egress" : "ingress")), r);
	if (n < len)
		snprintf(buf + n, len - n, r.peer_id[0] ? " sg %s" : " cidr %s",
			 r.peer_id[0] ? r.peer_id : format_rule_cidr(r, cidr));
}

bool has_rule(const struct vnitro_sg_rule *rules, size_t count, const struct vnitro_sg_rule &r)
{
	for (size_t i = 0; i < count; i++)
		if (same_sg_rule(rules[i], r))
			return true;
	return false;
}

/* Each group's rules become the file's: first out what it lacks (room under the quota), then in. */
int applier::converge_sg_rules()
{
	static struct vnitro_sg_rule want[4 * VNITRO_MAX_SG_RULES];
	char detail[DETAIL_LEN];

	for (size_t i = 0; i < t_.sg_count; i++) {
		const struct topo_sg &g = t_.sgs[i];
		const char *id = sg_ids_[i];
		const struct vnitro_sg *now = kernel_sg(id);

		if (!now)
			return conflict("security group %s: not in the kernel after its creation", id);
		for (size_t k = 0; k < g.rule_count; k++) {
			want[k] = g.rules[k];
			if (want[k].peer_id[0])
				snprintf(want[k].peer_id, VNITRO_ID_LEN, "%s", actual_sg(g.rules[k].peer_id));
		}
		for (uint32_t k = 0; k < now->rule_count; k++) {
			if (has_rule(want, g.rule_count, now->rules[k]))
				continue;
			rule_detail(detail, sizeof(detail), now->rules[k]);
			if (vnitro_sg_rule_del(s_.handle(), id, &now->rules[k], nullptr))
				return refused("delete", "sg-rule", id, detail);
			change("delete", "sg-rule", id, detail);
		}
		for (size_t k = 0; k < g.rule_count; k++) {
			if (has_rule(now->rules, now->rule_count, want[k]))
				continue;
			rule_detail(detail, sizeof(detail), want[k]);
			if (vnitro_sg_rule_add(s_.handle(), id, &want[k], nullptr))
				return refused("add", "sg-rule", id, detail);
			change("add", "sg-rule", id, detail);
		}
	}
	return STATUS_OK;
}

int applier::read_nacls()
{
	free(nacls_);
	nacls_ = nullptr;
	if (vnitro_nacl_list(s_.handle(), &nacls_, &nacl_count_)) {
		p_.close_array();
		return s_.fail();
	}
	return STATUS_OK;
}

const struct vnitro_nacl *applier::kernel_nacl(const char *id) const
{
	return find_id(nacls_, nacl_count_, id);
}

const char *applier::default_nacl(const char *vpc) const
{
	for (size_t i = 0; i < nacl_count_; i++)
		if (nacls_[i].is_default && !strcmp(nacls_[i].vpc_id, vpc))
			return nacls_[i].id;
	return "";
}

/* After the VPCs: their default ACLs have ids now; the other ACLs are made (with no entries). */
int applier::create_nacls()
{
	char detail[DETAIL_LEN];
	int rc = read_nacls();

	for (size_t i = 0; !rc && i < t_.nacl_count; i++) {
		const struct topo_nacl &a = t_.nacls[i];

		snprintf(nacl_ids_[i], VNITRO_ID_LEN, "%s", a.is_default ? default_nacl(a.vpc) : a.id);
		if (a.is_default || kernel_nacl(a.id))
			continue;
		snprintf(detail, sizeof(detail), "vpc %s", a.vpc);
		if (vnitro_nacl_add(s_.handle(), a.id, a.vpc, nullptr))
			return refused("create", "nacl", a.id, detail);
		change("create", "nacl", a.id, detail);
	}
	return rc ? rc : read_nacls();
}

/* "ingress rule 100 allow proto all cidr 0.0.0.0/0", as "vnitro nacl entry" takes it. */
void entry_detail(char *buf, size_t len, const struct vnitro_nacl_entry &e)
{
	char cidr[CIDR6_STRLEN];
	size_t n;

	n = match_detail(buf, len, size_t(snprintf(buf, len, "%s rule %u %s",
		e.direction == VNITRO_SG_EGRESS ? "egress" : "ingress", e.number,
		e.action == VNITRO_NACL_ALLOW ? "allow" : "deny")), e);
	if (n < len)
		snprintf(buf + n, len - n, " cidr %s", format_rule_cidr(e, cidr));
}

bool same_entry(const struct vnitro_nacl_entry &a, const struct vnitro_nacl_entry &b)
{
	return a.direction == b.direction && a.number == b.number && a.action == b.action &&
	       a.protocol == b.protocol && a.has_ports == b.has_ports &&
	       a.port_from == b.port_from && a.port_to == b.port_to &&
	       a.icmp_type == b.icmp_type && a.icmp_code == b.icmp_code && same_rule_cidr(a, b);
}

/* The entry of @direction numbered @number among @count, or NULL. */
const struct vnitro_nacl_entry *numbered(const struct vnitro_nacl_entry *entries, size_t count,
					 uint8_t direction, uint16_t number)
{
	for (size_t i = 0; i < count; i++)
		if (entries[i].direction == direction && entries[i].number == number)
			return &entries[i];
	return nullptr;
}

/*
 * Each ACL's entries become the file's: numbers the file lacks go first (room
 * under the quota), then entries that differ are replaced, then new ones added.
 */
int applier::converge_nacl_entries()
{
	char detail[DETAIL_LEN];

	for (size_t i = 0; i < t_.nacl_count; i++) {
		const struct topo_nacl &a = t_.nacls[i];
		const char *id = nacl_ids_[i];
		const struct vnitro_nacl *now = kernel_nacl(id);

		if (!now)
			return conflict("network ACL %s: not in the kernel after its creation", id);
		for (uint32_t k = 0; k < now->entry_count; k++) {
			const struct vnitro_nacl_entry &e = now->entries[k];

			if (numbered(a.entries, a.entry_count, e.direction, e.number))
				continue;
			snprintf(detail, sizeof(detail), "%s rule %u",
				 e.direction == VNITRO_SG_EGRESS ? "egress" : "ingress", e.number);
			if (vnitro_nacl_entry_del(s_.handle(), id, e.direction, e.number, nullptr))
				return refused("delete", "nacl-entry", id, detail);
			change("delete", "nacl-entry", id, detail);
		}
		for (size_t k = 0; k < a.entry_count; k++) {
			const struct vnitro_nacl_entry &e = a.entries[k];
			const struct vnitro_nacl_entry *had = numbered(now->entries, now->entry_count,
								       e.direction, e.number);
			const char *action = had ? "replace" : "add";
			int rc;

			if (had && same_entry(*had, e))
				continue;
			entry_detail(detail, sizeof(detail), e);
			rc = had ? vnitro_nacl_entry_replace(s_.handle(), id, &e, nullptr)
				 : vnitro_nacl_entry_add(s_.handle(), id, &e, nullptr);
			if (rc)
				return refused(action, "nacl-entry", id, detail);
			change(action, "nacl-entry", id, detail);
		}
	}
	return STATUS_OK;
}

/* Each subnet to the file's ACL, or to its VPC's default one. */
int applier::associate_nacls()
{
	char detail[DETAIL_LEN];

	for (size_t i = 0; i < t_.subnet_count; i++) {
		const struct topo_subnet &sn = t_.subnets[i];
		const struct vnitro_subnet *ws = w_.find_subnet(sn.id);
		const char *want = sn.nacl ? nacl_ids_[t_.find_nacl(sn.nacl) - t_.nacls]
					   : default_nacl(sn.vpc);
		const char *now = ws ? ws->nacl_id : default_nacl(sn.vpc);

		if (!strcmp(want, now))
			continue;
		snprintf(detail, sizeof(detail), "subnet %s", sn.id);
		if (vnitro_nacl_associate(s_.handle(), want, sn.id, nullptr))
			return refused("associate", "nacl", want, detail);
		change("associate", "nacl", want, detail);
	}
	return STATUS_OK;
}

/* Internet gateways, or egress-only ones: those have no frag-needed to set. */
int applier::create_gateways(bool egress_only)
{
	const struct topo_igw *list = egress_only ? t_.eigws : t_.igws;
	size_t count = egress_only ? t_.eigw_count : t_.igw_count;
	const char *object = egress_only ? "eigw" : "igw";
	char detail[DETAIL_LEN];

	for (size_t i = 0; i < count; i++) {
		const struct topo_igw &g = list[i];
		const struct vnitro_igw *wg = egress_only ? w_.find_eigw(g.id) : w_.find_igw(g.id);
		bool created = false;
		int fd = -1, rc;

		if (wg) {
			if (egress_only || !wg->frag_needed == !g.frag_needed)
				continue;
			snprintf(detail, sizeof(detail), "frag-needed %s", g.frag_needed ? "on" : "off");
			if (vnitro_igw_set(s_.handle(), g.id, g.frag_needed, nullptr))
				return refused("set", object, g.id, detail);
			change("set", object, g.id, detail);
			continue;
		}
		if (g.netns && (fd = open_netns(g.netns, &created)) < 0)
			return STATUS_ERROR;
		if (created)
			change("create", "netns", g.netns, "");
		snprintf(detail, sizeof(detail), "vpc %s%s%s%s%s", g.vpc, g.netns ? " netns " : "",
			 g.netns ? g.netns : "", egress_only ? "" : " frag-needed ",
			 egress_only ? "" : g.frag_needed ? "on" : "off");
		rc = egress_only ? vnitro_eigw_add(s_.handle(), g.id, g.vpc, fd, g.netns, nullptr)
				 : vnitro_igw_add(s_.handle(), g.id, g.vpc, fd, g.netns, g.frag_needed,
						  nullptr);
		if (fd >= 0)
			close(fd);
		if (rc)
			return refused("create", object, g.id, detail);
		change("create", object, g.id, detail);
	}
	return STATUS_OK;
}

/* Before the instances that go in them. */
int applier::create_pgs()
{
	char detail[DETAIL_LEN];

	for (size_t i = 0; i < t_.pg_count; i++) {
		const struct topo_pg &g = t_.pgs[i];

		if (w_.find_pg(g.name))
			continue;
		snprintf(detail, sizeof(detail), "strategy %s", pg_strategy_name(g.strategy));
		if (g.partition_count)
			detail_add_u32(detail, "partition-count", g.partition_count);
		if (g.spread_level)
			detail_add(detail, "spread-level", pg_spread_level_name(g.spread_level));
		if (vnitro_pg_add(s_.handle(), g.name, g.strategy, g.partition_count, g.spread_level,
				  nullptr))
			return refused("create", "placement-group", g.name, detail);
		change("create", "placement-group", g.name, detail);
	}
	return STATUS_OK;
}

/*
 * The instance's host as the kernel takes it: 0 for this host's (no "host" in the file, or
 * this host's own address, vnitro tunnel set ... local), else the other host's address.
 */
uint32_t applier::remote_host(const struct topo_instance &in) const
{
	return in.host && in.host != w_.tunnel.local ? in.host : 0;
}

int applier::create_instances()
{
	char detail[DETAIL_LEN], ip[IPV4_STRLEN], host[IPV4_STRLEN];

	for (size_t i = 0; i < t_.instance_count; i++) {
		const struct topo_instance &in = t_.instances[i];
		const struct vnitro_instance *wi = w_.find_instance(in.name);
		const struct topo_eni *pe = in.primary >= 0 ? &t_.enis[in.primary] : nullptr;
		uint32_t addr = pe ? pe->private_ip : 0;
		struct vnitro_instance_spec spec = {};
		struct vnitro_instance out;
		bool created = false;
		int fd = -1, rc;

		if (wi) {
			if (in.primary >= 0)
				memcpy(primary_ids_[in.primary], wi->primary_eni_id, VNITRO_ID_LEN);
			if ((rc = converge_metadata(in, *wi)))
				return rc;
			continue;
		}
		/* Another host's instance has no namespace here. */
		if (!remote_host(in) && (fd = open_netns(in.name, &created)) < 0)
			return STATUS_ERROR;
		snprintf(detail, sizeof(detail), "subnet %s%s%s%s%s", in.subnet,
			 addr ? " ip " : "", addr ? format_ipv4(addr, ip) : "",
			 in.type ? " type " : "", in.type ? in.type : "");
		if (in.placement_group)
			detail_add(detail, "placement-group", in.placement_group);
		if (in.partition)
			detail_add_u32(detail, "partition", in.partition);
		if (remote_host(in))
			detail_add(detail, "host", format_ipv4(in.host, host));
		spec.name = in.name;
		spec.subnet_id = in.subnet;
		spec.netns_fd = fd;
		spec.private_ip = addr;
		spec.type = in.type;
		spec.placement_group = in.placement_group;
		spec.partition = in.partition;
		spec.host = remote_host(in);
		/* A file that names hosts names every host's ENIs alike: the primary's id and MAC too. */
		if (in.host && pe) {
			spec.primary_eni_id = pe->id;
			spec.mac = pe->has_mac ? pe->mac : nullptr;
		}
		rc = vnitro_instance_create(s_.handle(), &spec, &out);
		if (fd >= 0)
			close(fd);
		if (rc) {
			rc = refused("create", "instance", in.name, detail);
			if (created)
				vnitro_netns_del(in.name);
			return rc;
		}
		/* Where the kernel put it, when the file leaves the partition to it. */
		if (!in.partition && out.partition)
			detail_add_u32(detail, "partition", out.partition);
		snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail),
			 " primary-eni %s", out.primary_eni_id);
		change("create", "instance", in.name, detail);
		if (in.primary >= 0)
			memcpy(primary_ids_[in.primary], out.primary_eni_id, VNITRO_ID_LEN);
		if ((rc = converge_metadata(in, out)))
			return rc;
	}
	return STATUS_OK;
}


int applier::create_enis()
{
	char detail[DETAIL_LEN], ip[IPV4_STRLEN], mac[MAC_STRLEN];

	for (size_t i = 0; i < t_.eni_count; i++) {
		const struct topo_eni &e = t_.enis[i];
		struct vnitro_eni_spec spec = {};

		if (topo_primary(e) || w_.find_eni(e.id))
			continue;
		spec.subnet_id = e.subnet;
		spec.id = e.id;
		spec.private_ip = e.private_ip;
		spec.mac = e.has_mac ? e.mac : nullptr;
		spec.type = e.type;
		snprintf(detail, sizeof(detail), "subnet %s%s%s%s%s type %s", e.subnet,
			 e.private_ip ? " ip " : "", e.private_ip ? format_ipv4(e.private_ip, ip) : "",
			 e.has_mac ? " mac " : "", e.has_mac ? format_mac(e.mac, mac) : "",
			 eni_type_name(uint8_t(e.type)));
		if (vnitro_eni_add(s_.handle(), &spec, nullptr))
			return refused("create", "eni", e.id, detail);
		change("create", "eni", e.id, detail);
	}
	return STATUS_OK;
}

/* "instance I index N", with " card C" before the index off card 0 (as eni attach takes them). */
void attach_detail(char *buf, size_t len, const char *instance, int card, int index)
{
	if (card)
		snprintf(buf, len, "instance %s card %d index %d", instance, card, index);
	else
		snprintf(buf, len, "instance %s index %d", instance, index);
}

/* Every detach first, so that ENIs can trade places. */
int applier::attach_enis()
{
	char detail[DETAIL_LEN];

	for (size_t i = 0; i < t_.eni_count; i++) {
		const struct topo_eni &e = t_.enis[i];
		const struct vnitro_eni *we = w_.find_eni(e.id);

		if (topo_primary(e) || !we || we->device_index < 0)
			continue;
		if (e.instance && !strcmp(we->instance, e.instance) &&
		    we->device_index == e.device_index && we->network_card == e.network_card)
			continue;
		attach_detail(detail, sizeof(detail), we->instance, we->network_card,
			      we->device_index);
		if (vnitro_eni_detach(s_.handle(), e.id))
			return refused("detach", "eni", e.id, detail);
		change("detach", "eni", e.id, detail);
	}
	for (size_t i = 0; i < t_.eni_count; i++) {
		const struct topo_eni &e = t_.enis[i];
		const struct vnitro_eni *we = w_.find_eni(e.id);

		if (e.device_index < 0 || topo_primary(e))
			continue;
		if (we && we->device_index == e.device_index && we->network_card == e.network_card &&
		    !strcmp(we->instance, e.instance))
			continue;
		attach_detail(detail, sizeof(detail), e.instance, e.network_card, e.device_index);
		if (vnitro_eni_attach_card(s_.handle(), e.id, e.instance, uint32_t(e.network_card),
					   uint32_t(e.device_index), nullptr))
			return refused("attach", "eni", e.id, detail);
		change("attach", "eni", e.id, detail);
	}
	return STATUS_OK;
}

/* Secondary addresses: every unassign first, so that an address can move. */
int applier::converge_ips()
{
	char detail[DETAIL_LEN], ip[IPV4_STRLEN];

	for (size_t i = 0; i < t_.eni_count; i++) {
		const char *id = actual_id(t_.enis[i]);

		if (vnitro_eni_get(s_.handle(), id, &now_[i]))
			return refused("read", "eni", id, "");
	}
	for (size_t i = 0; i < t_.eni_count; i++) {
		const struct topo_eni &e = t_.enis[i];
		const char *id = actual_id(e);

		for (uint32_t k = now_[i].secondary_count; k-- > 0;) {
			uint32_t addr = now_[i].secondary_ips[k];

			if (has_ip(e.secondary_ips, e.secondary_count, addr))
				continue;
			snprintf(detail, sizeof(detail), "ip %s", format_ipv4(addr, ip));
			if (vnitro_eni_ip_unassign(s_.handle(), id, addr, &now_[i]))
				return refused("unassign", "eni", id, detail);
			change("unassign", "eni", id, detail);
		}
	}
	for (size_t i = 0; i < t_.eni_count; i++) {
		const struct topo_eni &e = t_.enis[i];
		const char *id = actual_id(e);

		for (size_t k = 0; k < e.secondary_count; k++) {
			uint32_t addr = e.secondary_ips[k];

			if (has_ip(now_[i].secondary_ips, now_[i].secondary_count, addr))
				continue;
			snprintf(detail, sizeof(detail), "ip %s", format_ipv4(addr, ip));
			if (vnitro_eni_ip_assign(s_.handle(), id, addr, 0, &now_[i]))
				return refused("assign", "eni", id, detail);
			change("assign", "eni", id, detail);
		}
	}
	return STATUS_OK;
}

bool same_block(const uint8_t *a, uint8_t alen, const uint8_t *b, uint8_t blen)
{
	return alen == blen && (!alen || !memcmp(a, b, 16));
}

bool has_ipv6(const uint8_t (*list)[16], size_t count, const uint8_t *addr)
{
	for (size_t i = 0; i < count; i++)
		if (!memcmp(list[i], addr, 16))
			return true;
	return false;
}

/*
 * EC2 keeps a VPC's IPv6 block while a route table of the VPC has an IPv6
 * route: those of every subnet of @vpc go first, and converge_routes() adds
 * back the ones the file lists. The local route of the /56 goes with the block.
 */
int applier::delete_ipv6_routes(const char *vpc)
{
	char detail[DETAIL_LEN], cidr[CIDR6_STRLEN];

	for (size_t i = 0; i < w_.route_count; i++) {
		const struct vnitro_route &r = w_.routes[i];
		const struct vnitro_subnet *ws = w_.find_subnet(r.subnet_id);

		if (!r.ipv6 || !ws || strcmp(ws->vpc_id, vpc))
			continue;
		route_gone_[i] = true;
		if (r.target == VNITRO_ROUTE_TARGET_LOCAL)
			continue;
		format_destination(r, cidr);
		snprintf(detail, sizeof(detail), "subnet %s via %s", r.subnet_id, r.target_id);
		if (vnitro_route_del_ipv6(s_.handle(), r.subnet_id, r.addr6, r.prefixlen))
			return refused("delete", "route", cidr, detail);
		change("delete", "route", cidr, detail);
	}
	return STATUS_OK;
}

/*
 * The IPv6 blocks and addresses become the file's: what goes, goes first
 * (ENIs' addresses, then subnets' blocks, then VPCs', each after its
 * subnets' IPv6 routes), as EC2 needs, then what comes (VPCs' blocks,
 * subnets', addresses).
 */
int applier::converge_ipv6()
{
	char detail[DETAIL_LEN], text[CIDR6_STRLEN];

	for (size_t i = 0; i < t_.eni_count; i++) {
		const struct topo_eni &e = t_.enis[i];
		const char *id = actual_id(e);

		for (uint32_t k = now_[i].ipv6_count; k-- > 0;) {
			uint8_t addr[16];

			memcpy(addr, now_[i].ipv6[k], 16);
			if (has_ipv6(e.ipv6, e.ipv6_count, addr))
				continue;
			snprintf(detail, sizeof(detail), "ipv6 %s", format_ipv6(addr, text));
			if (vnitro_eni_ipv6_unassign(s_.handle(), id, addr, &now_[i]))
				return refused("unassign", "eni", id, detail);
			change("unassign", "eni", id, detail);
		}
	}
	for (size_t i = 0; i < t_.subnet_count; i++) {
		const struct topo_subnet &sn = t_.subnets[i];
		const struct vnitro_subnet *ws = w_.find_subnet(sn.id);

		if (!ws || !ws->ipv6_prefixlen ||
		    same_block(ws->ipv6_cidr, ws->ipv6_prefixlen, sn.ipv6, sn.ipv6_prefixlen))
			continue;
		snprintf(detail, sizeof(detail), "ipv6-cidr %s",
			 format_cidr6(ws->ipv6_cidr, ws->ipv6_prefixlen, text));
		if (vnitro_subnet_ipv6_set(s_.handle(), sn.id, nullptr, 0, nullptr))
			return refused("disassociate", "subnet", sn.id, detail);
		change("disassociate", "subnet", sn.id, detail);
	}
	for (size_t i = 0; i < t_.vpc_count; i++) {
		const struct topo_vpc &v = t_.vpcs[i];
		const struct vnitro_vpc *wv = w_.find_vpc(v.id);

		if (!wv || !wv->ipv6_prefixlen ||
		    same_block(wv->ipv6_cidr, wv->ipv6_prefixlen, v.ipv6, v.ipv6_prefixlen))
			continue;
		if (int rc = delete_ipv6_routes(v.id))
			return rc;
		snprintf(detail, sizeof(detail), "ipv6-cidr %s",
			 format_cidr6(wv->ipv6_cidr, wv->ipv6_prefixlen, text));
		if (vnitro_vpc_ipv6_set(s_.handle(), v.id, nullptr, 0, nullptr))
			return refused("disassociate", "vpc", v.id, detail);
		change("disassociate", "vpc", v.id, detail);
	}
	for (size_t i = 0; i < t_.vpc_count; i++) {
		const struct topo_vpc &v = t_.vpcs[i];
		const struct vnitro_vpc *wv = w_.find_vpc(v.id);

		if (!v.ipv6_prefixlen ||
		    (wv && same_block(wv->ipv6_cidr, wv->ipv6_prefixlen, v.ipv6, v.ipv6_prefixlen)))
			continue;
		snprintf(detail, sizeof(detail), "ipv6-cidr %s",
			 format_cidr6(v.ipv6, v.ipv6_prefixlen, text));
		if (vnitro_vpc_ipv6_set(s_.handle(), v.id, v.ipv6, v.ipv6_prefixlen, nullptr))
			return refused("associate", "vpc", v.id, detail);
		change("associate", "vpc", v.id, detail);
		vpc_ipv6_added_ = true;
	}
	for (size_t i = 0; i < t_.subnet_count; i++) {
		const struct topo_subnet &sn = t_.subnets[i];
		const struct vnitro_subnet *ws = w_.find_subnet(sn.id);

		if (!sn.ipv6_prefixlen ||
		    (ws && same_block(ws->ipv6_cidr, ws->ipv6_prefixlen, sn.ipv6, sn.ipv6_prefixlen)))
			continue;
		snprintf(detail, sizeof(detail), "ipv6-cidr %s",
			 format_cidr6(sn.ipv6, sn.ipv6_prefixlen, text));
		if (vnitro_subnet_ipv6_set(s_.handle(), sn.id, sn.ipv6, sn.ipv6_prefixlen, nullptr))
			return refused("associate", "subnet", sn.id, detail);
		change("associate", "subnet", sn.id, detail);
	}
	for (size_t i = 0; i < t_.subnet_count; i++) {
		const struct topo_subnet &sn = t_.subnets[i];
		const struct vnitro_subnet *ws = w_.find_subnet(sn.id);
		// A block taken away took the setting with it.
		bool now = ws && ws->assign_ipv6_on_creation &&
			   same_block(ws->ipv6_cidr, ws->ipv6_prefixlen, sn.ipv6, sn.ipv6_prefixlen);

		if (now == sn.assign_ipv6)
			continue;
		snprintf(detail, sizeof(detail), "assign-ipv6-on-creation %s",
			 sn.assign_ipv6 ? "on" : "off");
		if (vnitro_subnet_set_assign_ipv6(s_.handle(), sn.id, sn.assign_ipv6, nullptr))
			return refused("set", "subnet", sn.id, detail);
		change("set", "subnet", sn.id, detail);
	}
	for (size_t i = 0; i < t_.eni_count; i++) {
		const struct topo_eni &e = t_.enis[i];
		const char *id = actual_id(e);

		for (size_t k = 0; k < e.ipv6_count; k++) {
			if (has_ipv6(now_[i].ipv6, now_[i].ipv6_count, e.ipv6[k]))
				continue;
			snprintf(detail, sizeof(detail), "ipv6 %s", format_ipv6(e.ipv6[k], text));
			if (vnitro_eni_ipv6_assign(s_.handle(), id, e.ipv6[k], 0, &now_[i]))
				return refused("assign", "eni", id, detail);
			change("assign", "eni", id, detail);
		}
	}
	return STATUS_OK;
}

/*
 * A VPC that got its IPv6 block after its rules converged got EC2's "allow
 * ::/0" rules with it: an egress rule in its default group, rule 101 in its
 * default ACL. The file decides about them as about any other rule.
 */
int applier::converge_ipv6_default_rules()
{
	int rc;

	if (!vpc_ipv6_added_)
		return STATUS_OK;
	if ((rc = read_nacls()) || (rc = converge_nacl_entries()) || (rc = read_sgs()))
		return rc;
	return converge_sg_rules();
}

bool same_groups(const struct vnitro_eni &now, const char *const *groups, size_t count)
{
	if (now.security_group_count != count)
		return false;
	for (size_t i = 0; i < count; i++)
		if (strcmp(now.security_groups[i], groups[i]))
			return false;
	return true;
}

/*
 * A connection tracking timeout to set if the file's (@want) is not the
 * kernel's (@now; 0 from a module without timeouts: its default).
 */
void timeout_detail(int *set, uint32_t *value, uint32_t now, uint32_t want, uint32_t dflt,
		    const char *keyword, char *detail)
{
	char seconds[16];

	if ((now ? now : dflt) == want)
		return;
	*set = 1;
	*value = want;
	snprintf(seconds, sizeof(seconds), "%u", want);
	detail_add(detail, keyword, seconds);
}

/* One INSTANCE_SET where the file's metadata options differ from @now's. */
int applier::converge_metadata(const struct topo_instance &in, const struct vnitro_instance &now)
{
	struct vnitro_md_changes c = { -1, -1, -1 };
	char detail[DETAIL_LEN] = "";

	if (now.md_tokens != in.md_tokens) {
		c.tokens = in.md_tokens;
		detail_add(detail, "metadata tokens",
			   in.md_tokens == VNITRO_MD_TOKENS_REQUIRED ? "required" : "optional");
	}
	if (now.md_hop_limit != in.md_hop_limit) {
		c.hop_limit = in.md_hop_limit;
		detail_add_u32(detail, "hop-limit", in.md_hop_limit);
	}
	if (!now.md_endpoint != !in.md_endpoint) {
		c.endpoint = in.md_endpoint;
		detail_add(detail, "endpoint", in.md_endpoint ? "on" : "off");
	}
	if (!detail[0])
		return STATUS_OK;
	if (vnitro_instance_set(s_.handle(), in.name, &c, nullptr))
		return refused("set", "instance", in.name, detail);
	change("set", "instance", in.name, detail);
	return STATUS_OK;
}

/* One ENI_SET per ENI whose settings differ: all of them or none. */
int applier::converge_settings()
{
	for (size_t i = 0; i < t_.eni_count; i++) {
		const struct topo_eni &e = t_.enis[i];
		const struct vnitro_eni &now = now_[i];
		struct vnitro_eni_settings set = {};
		char detail[DETAIL_LEN] = "", quoted[VNITRO_DESCRIPTION_LEN + 2];
		char groups[VNITRO_MAX_SECURITY_GROUPS * VNITRO_ID_LEN + 8] = "";
		const char *want[VNITRO_MAX_SECURITY_GROUPS];
		size_t want_count = e.security_group_count;

		/* The file's ids of groups, in the kernel's; none: the VPC's default group. */
		for (size_t k = 0; k < want_count; k++)
			want[k] = actual_sg(e.security_groups[k]);
		if (!want_count) {
			want[0] = default_sg(t_.find_subnet(e.subnet)->vpc);
			want_count = 1;
		}

		if (!now.source_dest_check != !e.source_dest_check) {
			set.set_source_dest_check = 1;
			set.source_dest_check = e.source_dest_check;
			detail_add(detail, "source-dest-check", e.source_dest_check ? "on" : "off");
		}
		if (!now.ena_express != !e.ena_express) {
			set.set_ena_express = 1;
			set.ena_express = e.ena_express;
			detail_add(detail, "ena-express", e.ena_express ? "on" : "off");
		}
		if (!now.ena_express_udp != !e.ena_express_udp) {
			set.set_ena_express_udp = 1;
			set.ena_express_udp = e.ena_express_udp;
			detail_add(detail, "ena-express-udp", e.ena_express_udp ? "on" : "off");
		}
		timeout_detail(&set.set_tcp_established_timeout, &set.tcp_established_timeout,
			       now.tcp_established_timeout, e.tcp_established_timeout,
			       VNITRO_TCP_ESTABLISHED_TIMEOUT_DEFAULT, "tcp-established-timeout",
			       detail);
		timeout_detail(&set.set_udp_stream_timeout, &set.udp_stream_timeout,
			       now.udp_stream_timeout, e.udp_stream_timeout,
			       VNITRO_UDP_STREAM_TIMEOUT_DEFAULT, "udp-stream-timeout", detail);
		timeout_detail(&set.set_udp_timeout, &set.udp_timeout, now.udp_timeout,
			       e.udp_timeout, VNITRO_UDP_TIMEOUT_DEFAULT, "udp-timeout", detail);
		if (strcmp(now.description, e.description)) {
			set.description = e.description;
			snprintf(quoted, sizeof(quoted), "\"%s\"", e.description);
			detail_add(detail, "description", quoted);
		}
		if (!same_groups(now, want, want_count)) {
			set.set_security_groups = 1;
			set.security_groups = want;
			set.security_group_count = want_count;
			for (size_t k = 0; k < want_count; k++)
				snprintf(groups + strlen(groups), sizeof(groups) - strlen(groups),
					 "%s%s", k ? "," : "", want[k]);
			detail_add(detail, "security-groups", groups);
		}
		if (!detail[0])
			continue;
		if (vnitro_eni_set(s_.handle(), actual_id(e), &set, nullptr))
			return refused("set", "eni", actual_id(e), detail);
		change("set", "eni", actual_id(e), detail);
	}
	return STATUS_OK;
}

/* ROUTE_DEL and ROUTE_ADD of @r's destination, whichever its family. */
int del_route(struct vnitro_handle *h, const char *subnet, const struct topo_route &r)
{
	return r.ipv6 ? vnitro_route_del_ipv6(h, subnet, r.addr6, r.prefixlen)
		      : vnitro_route_del(h, subnet, r.addr, r.prefixlen);
}

int add_route(struct vnitro_handle *h, const char *subnet, const struct topo_route &r,
	      const char *target)
{
	return r.ipv6 ? vnitro_route_add_ipv6(h, subnet, r.addr6, r.prefixlen, target, nullptr)
		      : vnitro_route_add(h, subnet, r.addr, r.prefixlen, target, nullptr);
}

/*
 * After the IPv6 blocks: a route to a different target is replaced; routes
 * the file lacks stay, but for the IPv6 routes delete_ipv6_routes() took.
 */
int applier::converge_routes()
{
	char detail[DETAIL_LEN], cidr[CIDR6_STRLEN];

	for (size_t i = 0; i < t_.subnet_count; i++) {
		const struct topo_subnet &sn = t_.subnets[i];

		for (size_t k = 0; k < sn.route_count; k++) {
			const struct topo_route &r = sn.routes[k];
			const struct topo_eni *e = t_.find_igw(r.target) || t_.find_eigw(r.target)
							   ? nullptr : t_.find_eni(r.target);
			const char *target = e ? actual_id(*e) : r.target;
			const struct vnitro_route *wr = w_.find_route(sn.id, r);
			const char *action;

			if (wr && route_gone_[wr - w_.routes])
				wr = nullptr;
			if (wr && !strcmp(wr->target_id, target))
				continue;
			action = wr ? "replace" : "create";
			format_destination(r, cidr);
			snprintf(detail, sizeof(detail), "subnet %s via %s", sn.id, target);
			if (wr && del_route(s_.handle(), sn.id, r))
				return refused(action, "route", cidr, detail);
			if (add_route(s_.handle(), sn.id, r, target))
				return refused(action, "route", cidr, detail);
			change(action, "route", cidr, detail);
		}
	}
	return STATUS_OK;
}

/*
 * First, so that what is created gets the file's allowances from the start:
 * one WORLD_SET of the settings the file gives that differ.
 */
int applier::set_world()
{
	uint32_t rate_scale = t_.rate_scale != w_.settings.rate_scale ? t_.rate_scale : 0;
	uint32_t burst_seconds =
		t_.burst_seconds != w_.settings.burst_seconds ? t_.burst_seconds : 0;
	char settings[DETAIL_LEN], rate[32] = "", burst[32] = "";

	if (!rate_scale && !burst_seconds)
		return STATUS_OK;
	if (rate_scale)
		snprintf(rate, sizeof(rate), "rate-scale 1/%u", rate_scale);
	if (burst_seconds)
		snprintf(burst, sizeof(burst), "burst-seconds %u", burst_seconds);
	snprintf(settings, sizeof(settings), "%s%s%s", rate, rate[0] && burst[0] ? " " : "", burst);
	if (vnitro_world_set(s_.handle(), rate_scale, burst_seconds, nullptr))
		return refused("set", "world", settings, "");
	change("set", "world", settings, "");
	return STATUS_OK;
}

/*
 * A field of the path model to set if the file gives it (*@set) and the
 * kernel's (@now) differs; else *@set is cleared.
 */
void path_detail(int *set, uint64_t want, uint64_t now, const char *keyword, char *detail)
{
	char value[24];

	if (!*set || want == now) {
		*set = 0;
		return;
	}
	snprintf(value, sizeof(value), "%" PRIu64, want);
	detail_add(detail, keyword, value);
}

/*
 * Right after the world's settings: one PATH_SET of the world's fields the
 * file gives that differ, the seed only if it differs too, since writing it,
 * even the same, restarts every draw of the model. A path's field set so
 * becomes every path's, so the paths are then compared with the model that
 * PATH_SET returns.
 */
int applier::set_path()
{
	struct vnitro_path_change c = t_.path;
	struct vnitro_path now = w_.path;
	char detail[DETAIL_LEN] = "";

	for (const struct path_field &f : path_fields)
		path_detail(&(c.*f.set), c.*f.change, now.*f.world, f.keyword, detail);
	path_detail(&c.set_seed, c.seed, now.seed, "seed", detail);
	if (detail[0]) {
		if (vnitro_path_set(s_.handle(), &c, &now))
			return refused("set", "path", detail, "");
		change("set", "path", detail, "");
	}
	if (!t_.has_per_path)
		return STATUS_OK;
	for (uint32_t i = 0; i < now.n_paths; i++)
		if (int rc = set_one_path(now, now.one[i]))
			return rc;
	return STATUS_OK;
}

/*
 * With "per_path": path @o to what the file gives it, the world's fields
 * (@now's) for what it does not, or for all if the file does not list it;
 * one PATH_SET of those that differ.
 */
int applier::set_one_path(const struct vnitro_path &now, const struct vnitro_one_path &o)
{
	const struct vnitro_path_change *want = nullptr;
	struct vnitro_path_change c = {};
	char id[32], detail[DETAIL_LEN] = "";

	for (size_t i = 0; i < t_.per_path_count; i++)
		if (t_.per_path[i].index == o.index)
			want = &t_.per_path[i];
	c.has_index = 1;
	c.index = o.index;
	for (const struct path_field &f : path_fields) {
		if (!f.one)
			continue;
		c.*f.change = want && want->*f.set ? want->*f.change : now.*f.world;
		c.*f.set = 1;
		path_detail(&(c.*f.set), c.*f.change, o.*f.one, f.keyword, detail);
	}
	if (!detail[0])
		return STATUS_OK;
	snprintf(id, sizeof(id), "path %u", o.index);
	if (vnitro_path_set(s_.handle(), &c, nullptr))
		return refused("set", "path", id, detail);
	change("set", "path", id, detail);
	return STATUS_OK;
}

/* The file's pool first (if it has one), so that the new addresses are in it. */
int applier::create_eips()
{
	char detail[DETAIL_LEN], ip[IPV4_STRLEN], pool[CIDR_STRLEN];

	if (t_.has_eip_pool && (w_.eip_pool.addr != t_.eip_pool_addr ||
				w_.eip_pool.prefixlen != t_.eip_pool_prefixlen)) {
		struct vnitro_eip_pool now;

		format_cidr(t_.eip_pool_addr, t_.eip_pool_prefixlen, pool);
		if (vnitro_eip_pool_set(s_.handle(), t_.eip_pool_addr, t_.eip_pool_prefixlen, &now))
			return refused("set", "eip-pool", pool, "");
		change("set", "eip-pool", pool, "");
	}
	for (size_t i = 0; i < t_.eip_count; i++) {
		const struct topo_eip &a = t_.eips[i];

		if (w_.find_eip(a.id))
			continue;
		snprintf(detail, sizeof(detail), "public-ip %s", format_ipv4(a.public_ip, ip));
		if (vnitro_eip_add(s_.handle(), a.id, a.public_ip, nullptr))
			return refused("create", "eip", a.id, detail);
		change("create", "eip", a.id, detail);
	}
	return STATUS_OK;
}

/*
 * Last, once ENIs have their addresses and VPCs their gateways: the
 * addresses the file leaves unassociated first, then each to its ENI's
 * address. An address associated elsewhere moves with allow-reassociation.
 * The kernel's state is read again: changes to ENIs may have disassociated.
 */
int applier::associate_eips()
{
	char detail[DETAIL_LEN], ip[IPV4_STRLEN];
	struct vnitro_eip now;

	for (size_t i = 0; i < t_.eip_count; i++) {
		const struct topo_eip &a = t_.eips[i];

		if (a.eni || !w_.find_eip(a.id))
			continue;
		if (vnitro_eip_get(s_.handle(), a.id, &now))
			return refused("read", "eip", a.id, "");
		if (!now.association_id[0])
			continue;
		if (vnitro_eip_disassociate(s_.handle(), a.id))
			return refused("disassociate", "eip", a.id, "");
		change("disassociate", "eip", a.id, "");
	}
	for (size_t i = 0; i < t_.eip_count; i++) {
		const struct topo_eip &a = t_.eips[i];
		const struct topo_eni *e = a.eni ? t_.find_eni(a.eni) : nullptr;
		const char *eni;
		uint32_t want;
		bool associated;

		if (!e)
			continue;
		eni = actual_id(*e);
		want = a.private_ip ? a.private_ip : now_[e - t_.enis].private_ip;
		memset(&now, 0, sizeof(now));
		if (w_.find_eip(a.id) && vnitro_eip_get(s_.handle(), a.id, &now))
			return refused("read", "eip", a.id, "");
		associated = now.association_id[0];
		if (associated && !strcmp(now.eni_id, eni) && now.private_ip == want)
			continue;
		snprintf(detail, sizeof(detail), "eni %s private-ip %s%s", eni, format_ipv4(want, ip),
			 associated ? " allow-reassociation" : "");
		if (vnitro_eip_associate(s_.handle(), a.id, eni, want, associated, nullptr))
			return refused("associate", "eip", a.id, detail);
		change("associate", "eip", a.id, detail);
	}
	return STATUS_OK;
}

int applier::run()
{
	int rc;

	p_.open_array();
	if ((rc = set_world()) || (rc = set_path()) || (rc = create_vpcs_and_subnets()) ||
	    (rc = create_nacls()) || (rc = converge_nacl_entries()) || (rc = associate_nacls()) ||
	    (rc = create_sgs()) || (rc = converge_sg_rules()) || (rc = create_gateways(false)) ||
	    (rc = create_gateways(true)) || (rc = create_eips()) || (rc = create_pgs()) ||
	    (rc = create_instances()) || (rc = create_enis()) || (rc = attach_enis()) ||
	    (rc = converge_ips()) || (rc = converge_ipv6()) || (rc = converge_ipv6_default_rules()) ||
	    (rc = converge_settings()) || (rc = converge_routes()) ||
	    (rc = associate_eips()))
		return rc;
	p_.close_array();
	return STATUS_OK;
}

int do_apply(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "apply");
	const char *file;
	topology t;
	session s;
	world w;
	int rc;

	if (!args.more())
		args.missing("FILE");
	file = args.next();
	args.finish();
	t.load(file);		/* a bad file ends here, before any kernel call */

	if (!s.open() || !w.read(s))
		return STATUS_ERROR;
	printer p(stdout, opts->json, opts->pretty);
	applier a(t, w, s, p);

	if (!a.prepare())
		return report_error("out of memory");
	rc = a.check();
	return rc ? rc : a.run();
}

/* An object that is its own command: "vnitro apply FILE". */
const struct command commands[] = {
	{ nullptr, do_apply },
};

} // namespace

const struct object apply_object = {
	"apply", commands, 1, usage,
};

} // namespace vnitro::cli
