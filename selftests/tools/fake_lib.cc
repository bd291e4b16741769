// SPDX-License-Identifier: GPL-2.0-only
/*
 * A test double for libvnitro: the same C API over canned objects, so that
 * test_cli.sh can check the CLI's text and JSON output and its handling of
 * kernel refusals without the module. Linked into vnitro_fake only.
 * With VNITRO_FAKE_TRACE=FILE set, namespace calls are appended to FILE.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vnitro/vnitro.h>

struct vnitro_handle {
	char error[256];
};

/* An instance's placement group, partition and network nodes: defined with the groups, at the end. */
void placement_fill(struct vnitro_instance *in);
void placement_leave(const char *instance);

namespace {

const char PRIMARY[] = "eni-0a1b2c3d4e5f60718";
/*
 * With VNITRO_FAKE_IPV6 set, vpc-default has the IPv6 block VPC6/56,
 * sg-1 also admits icmpv6 echo requests (type 128) from it, and
 * subnet-default has a route ::/0 via igw-d. Once vnitro_vpc_ipv6_set()
 * gives it that block or takes it away, that holds for the rest of the
 * process. With the block it has what EC2 then adds: an egress rule all to
 * ::/0 in its default group, rule 101 allowing ::/0 both ways in its
 * default ACL, a second local route.
 */
const uint8_t VPC6[16] = { 0x26, 0x00, 0x1f, 0x18, 0xab, 0xcd, 0x12, 0x00 };
bool vpc6_associated, vpc6_disassociated;

bool fake_ipv6()
{
	return getenv("VNITRO_FAKE_IPV6");
}

/*
 * With VNITRO_FAKE_EIGW set, vpc-default has the egress-only internet gateway
 * eigw-d (in the namespace "internet"), and the ::/0 of VNITRO_FAKE_IPV6 goes
 * through it; vnitro_eigw_add() makes one, vnitro_igw_del() deletes it.
 */
bool fake_eigw()
{
	return getenv("VNITRO_FAKE_EIGW");
}

/* The egress-only gateway of vpc-default, as VNITRO_FAKE_EIGW or vnitro_eigw_add() makes it. */
struct vnitro_igw make_eigw(const char *id, const char *netns)
{
	struct vnitro_igw g = {};
	const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xe9 };

	snprintf(g.id, sizeof(g.id), "%s", id);
	snprintf(g.vpc_id, sizeof(g.vpc_id), "vpc-default");
	snprintf(g.netns_name, sizeof(g.netns_name), "%s", netns ? netns : "");
	memcpy(g.mac, mac, 6);
	g.frag_needed = 1;	/* the kernel sends it for both kinds */
	snprintf(g.ifname, sizeof(g.ifname), "eigw0");
	g.ifindex = 9;
	g.egress_only = 1;
	g.conntrack_max = 65536;
	return g;
}

struct vnitro_igw eigw;
bool eigw_added, eigw_gone;

bool eigw_exists()
{
	if (fake_eigw() && !eigw_added && !eigw_gone) {
		eigw = make_eigw("eigw-d", "internet");
		eigw.conntrack_tracked = 2;	/* a gateway in use */
		eigw.inbound_dropped = 7;
		return true;
	}
	return eigw_added && !eigw_gone;
}

bool vpc_has_ipv6()
{
	return (fake_ipv6() && !vpc6_disassociated) || vpc6_associated;
}

int refuse(struct vnitro_handle *h, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->error, sizeof(h->error), fmt, ap);
	va_end(ap);
	return err;
}

void trace(const char *call, const char *name)
{
	const char *path = getenv("VNITRO_FAKE_TRACE");
	FILE *f = path ? fopen(path, "a") : nullptr;

	if (f) {
		fprintf(f, "%s %s\n", call, name);
		fclose(f);
	}
}

template <typename T>
int one_list(T **items, size_t *count, const T *src, size_t n)
{
	*items = static_cast<T *>(calloc(n ? n : 1, sizeof(T)));
	memcpy(*items, src, n * sizeof(T));
	*count = n;
	return 0;
}

/*
 * Metadata options: per instance name, EC2's defaults until
 * vnitro_instance_set() changes them; its arguments are checked as the
 * kernel checks them.
 */
struct {
	char name[VNITRO_NAME_LEN];
	struct vnitro_md_changes md;
} md_set[8];

void md_options(struct vnitro_instance *in)
{
	in->md_tokens = VNITRO_MD_TOKENS_OPTIONAL;
	in->md_hop_limit = 1;
	in->md_endpoint = 1;
	for (auto &m : md_set) {
		if (strcmp(m.name, in->name))
			continue;
		if (m.md.tokens >= 0)
			in->md_tokens = uint8_t(m.md.tokens);
		if (m.md.hop_limit >= 0)
			in->md_hop_limit = uint8_t(m.md.hop_limit);
		if (m.md.endpoint >= 0)
			in->md_endpoint = uint8_t(m.md.endpoint);
	}
}

struct vnitro_instance make_instance(const char *name, const char *eni,
				     uint32_t count)
{
	struct vnitro_instance in = {};

	snprintf(in.name, sizeof(in.name), "%s", name);
	snprintf(in.subnet_id, sizeof(in.subnet_id), "subnet-default");
	snprintf(in.primary_eni_id, sizeof(in.primary_eni_id), "%s", eni);
	snprintf(in.az, sizeof(in.az), "us-east-1a");
	in.eni_count = count;
	snprintf(in.type.name, sizeof(in.type.name), "c5n.18xlarge");
	md_options(&in);
	placement_fill(&in);
	return in;
}

struct vnitro_eni make_eni(const char *id, uint8_t last)
{
	struct vnitro_eni e = {};
	const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, last };

	snprintf(e.id, sizeof(e.id), "%s", id);
	snprintf(e.subnet_id, sizeof(e.subnet_id), "subnet-default");
	snprintf(e.vpc_id, sizeof(e.vpc_id), "vpc-default");
	memcpy(e.mac, mac, 6);
	e.private_ip = htonl(0xac1f0000 | last);
	e.type = VNITRO_ENI_TYPE_INTERFACE;
	e.source_dest_check = 1;
	snprintf(e.status, sizeof(e.status), "available");
	e.device_index = -1;
	e.network_card = -1;
	e.tcp_established_timeout = VNITRO_TCP_ESTABLISHED_TIMEOUT_DEFAULT;
	e.udp_stream_timeout = VNITRO_UDP_STREAM_TIMEOUT_DEFAULT;
	e.udp_timeout = VNITRO_UDP_TIMEOUT_DEFAULT;
	snprintf(e.security_groups[0], sizeof(e.security_groups[0]), "sg-d");
	e.security_group_count = 1;
	return e;
}

void attach(struct vnitro_eni *e, const char *instance, uint32_t index)
{
	snprintf(e->status, sizeof(e->status), "in-use");
	snprintf(e->instance, sizeof(e->instance), "%s", instance);
	e->device_index = int32_t(index);
	e->network_card = 0;
	snprintf(e->ifname, sizeof(e->ifname), "eth%u", index);
	e->ifindex = 2 + index;
	snprintf(e->pci_slot, sizeof(e->pci_slot), "10000:00:%02x.0", 3 + index);
	/* The services' alias of slot 1 + index: 169.254.0.4 for eth0. */
	e->svc_addr = htonl(0xa9fe0000u | (1 + index) << 2);
}

struct vnitro_eni primary_eni()
{
	struct vnitro_eni e = make_eni(PRIMARY, 4);

	attach(&e, "i-host", 0);
	return e;
}

} // namespace

/*
 * With VNITRO_FAKE_WORLD set (vnitrod_fake's tests, test_ec2api.sh), the
 * ENI and instance calls below keep their state in the process instead of
 * answering from the canned objects: defined at the end of this file.
 */
bool fake_world();
int world_instance_get(struct vnitro_handle *h, const char *name, struct vnitro_instance *out);
int world_instance_list(struct vnitro_instance **items, size_t *count);
int world_eni_add(struct vnitro_handle *h, const struct vnitro_eni_spec *spec, struct vnitro_eni *out);
int world_eni_del(struct vnitro_handle *h, const char *id);
int world_eni_get(struct vnitro_handle *h, const char *id, struct vnitro_eni *out);
int world_eni_list(struct vnitro_eni **items, size_t *count);
int world_eni_attach(struct vnitro_handle *h, const char *id, const char *instance, uint32_t card,
		     uint32_t index, struct vnitro_eni *out);
int world_eni_detach(struct vnitro_handle *h, const char *id);
int world_eni_set(struct vnitro_handle *h, const char *id, const struct vnitro_eni_settings *s,
		  struct vnitro_eni *out);
int world_eni_ip_assign(struct vnitro_handle *h, const char *id, uint32_t ip, uint32_t count,
			struct vnitro_eni *out);
int world_eni_ip_unassign(struct vnitro_handle *h, const char *id, uint32_t ip,
			  struct vnitro_eni *out);
void world_eips_gone(const char *eni, uint32_t ip);
int world_sg_add(struct vnitro_handle *h, const char *id, const char *vpc_id, const char *name,
		 const char *description, struct vnitro_sg *out);
int world_sg_del(struct vnitro_handle *h, const char *id);
int world_sg_get(struct vnitro_handle *h, const char *id, struct vnitro_sg *out);
int world_sg_list(struct vnitro_sg **items, size_t *count);
int world_sg_rule_add(struct vnitro_handle *h, const char *id, const struct vnitro_sg_rule *rule,
		      struct vnitro_sg *out);
int world_sg_rule_del(struct vnitro_handle *h, const char *id, const struct vnitro_sg_rule *rule,
		      struct vnitro_sg *out);
int world_eip_add(struct vnitro_handle *h, const char *id, uint32_t public_ip, struct vnitro_eip *out);
int world_eip_del(struct vnitro_handle *h, const char *id);
int world_eip_get(struct vnitro_handle *h, const char *id, struct vnitro_eip *out);
int world_eip_list(struct vnitro_eip **items, size_t *count);
int world_eip_associate(struct vnitro_handle *h, const char *id, const char *eni_id,
			uint32_t private_ip, int allow_reassociation, struct vnitro_eip *out);
int world_eip_disassociate(struct vnitro_handle *h, const char *id);

extern "C" {

const char *vnitro_version(void) { return "0.0.0-fake"; }

int vnitro_open(struct vnitro_handle **hp)
{
	*hp = static_cast<struct vnitro_handle *>(calloc(1, sizeof(**hp)));
	return 0;
}

void vnitro_close(struct vnitro_handle *h) { free(h); }

const char *vnitro_last_error(const struct vnitro_handle *h)
{
	return h ? h->error : "no handle";
}

int vnitro_instance_add(struct vnitro_handle *h, const char *name,
			int netns_fd, const char *subnet_id,
			uint32_t, struct vnitro_instance *out)
{
	if (netns_fd < 0 || fcntl(netns_fd, F_GETFD) < 0)
		return refuse(h, -EBADF, "bad namespace fd");
	if (strcmp(subnet_id, "subnet-default"))
		return refuse(h, -ENOENT, "subnet \"%s\" not found", subnet_id);
	*out = make_instance(name, "eni-00000000000000001", 1);
	return 0;
}

int vnitro_instance_del(struct vnitro_handle *h, const char *name)
{
	if (!strcmp(name, "nosuch"))
		return refuse(h, -ENOENT, "instance \"%s\" not found", name);
	placement_leave(name);
	return 0;
}

int vnitro_instance_get(struct vnitro_handle *h, const char *name,
			struct vnitro_instance *out)
{
	if (fake_world())
		return world_instance_get(h, name, out);
	if (strcmp(name, "i-host"))
		return refuse(h, -ENOENT, "instance \"%s\" not found", name);
	*out = make_instance("i-host", PRIMARY, 2);
	return 0;
}

int vnitro_instance_list(struct vnitro_handle *, struct vnitro_instance **items,
			 size_t *count)
{
	if (fake_world())
		return world_instance_list(items, count);
	const struct vnitro_instance all[] = {
		make_instance("i-host", PRIMARY, 2),
		make_instance("web1", "eni-00000000000000001", 1),
	};

	return one_list(items, count, all, 2);
}

int vnitro_eni_add(struct vnitro_handle *h, const struct vnitro_eni_spec *spec,
		   struct vnitro_eni *out)
{
	if (fake_world())
		return world_eni_add(h, spec, out);
	if (strcmp(spec->subnet_id, "subnet-default"))
		return refuse(h, -ENOENT, "subnet \"%s\" not found",
			      spec->subnet_id);
	*out = make_eni(spec->id ? spec->id : "eni-0f", 0x99);
	if (spec->private_ip)
		out->private_ip = spec->private_ip;
	if (spec->mac)
		memcpy(out->mac, spec->mac, 6);
	if (spec->type >= 0)
		out->type = uint8_t(spec->type);
	if (spec->settings) {
		const struct vnitro_eni_settings *s = spec->settings;
		char what[VNITRO_DESCRIPTION_LEN + 96];

		/* What reached the library with the add: description|groups|timeouts. */
		snprintf(what, sizeof(what), "%s|%zu %s|%u %u %u", s->description ? s->description : "",
			 s->set_security_groups ? s->security_group_count : 0,
			 s->set_security_groups && s->security_group_count ? s->security_groups[0] : "",
			 s->set_tcp_established_timeout ? s->tcp_established_timeout : 0,
			 s->set_udp_stream_timeout ? s->udp_stream_timeout : 0,
			 s->set_udp_timeout ? s->udp_timeout : 0);
		trace("eni_add_settings", what);
	}
	return 0;
}

int vnitro_eni_del(struct vnitro_handle *h, const char *id)
{
	if (fake_world())
		return world_eni_del(h, id);
	if (!strcmp(id, PRIMARY))
		return refuse(h, -EBUSY, "ENI %s is attached", id);
	return 0;
}

int vnitro_eni_get(struct vnitro_handle *h, const char *id,
		   struct vnitro_eni *out)
{
	if (fake_world())
		return world_eni_get(h, id, out);
	if (!strcmp(id, "eni-5")) {
		*out = make_eni(id, 5);
		return 0;
	}
	if (strcmp(id, PRIMARY))
		return refuse(h, -ENOENT, "ENI %s not found", id);
	*out = primary_eni();
	return 0;
}

int vnitro_eni_list(struct vnitro_handle *, struct vnitro_eni **items,
		    size_t *count)
{
	if (fake_world())
		return world_eni_list(items, count);
	const struct vnitro_eni all[] = { primary_eni(), make_eni("eni-5", 5) };

	return one_list(items, count, all, 2);
}

int vnitro_eni_attach_card(struct vnitro_handle *h, const char *id,
			   const char *instance, uint32_t card, uint32_t index,
			   struct vnitro_eni *out)
{
	if (fake_world())
		return world_eni_attach(h, id, instance, card, index, out);
	if (index == 0 && card == 0)
		return refuse(h, -EBUSY, "device index 0 of %s is taken", instance);
	if (card > 1)
		return refuse(h, -ERANGE, "network card %u is out of range", card);
	*out = make_eni(id, 5);
	attach(out, instance, index);
	out->network_card = int32_t(card);
	return 0;
}

int vnitro_eni_attach(struct vnitro_handle *h, const char *id,
		      const char *instance, uint32_t index,
		      struct vnitro_eni *out)
{
	return vnitro_eni_attach_card(h, id, instance, 0, index, out);
}

int vnitro_eni_detach(struct vnitro_handle *h, const char *id)
{
	if (fake_world())
		return world_eni_detach(h, id);
	if (!strcmp(id, PRIMARY))
		return refuse(h, -EINVAL, "cannot detach the primary ENI (device index 0)");
	return 0;
}

int vnitro_vpc_get(struct vnitro_handle *h, const char *id,
		   struct vnitro_vpc *out)
{
	if (strcmp(id, "vpc-default"))
		return refuse(h, -ENOENT, "VPC %s not found", id);
	*out = {};
	snprintf(out->id, sizeof(out->id), "vpc-default");
	out->cidr_addr = htonl(0xac1f0000);
	out->cidr_prefixlen = 16;
	if (vpc_has_ipv6()) {
		memcpy(out->ipv6_cidr, VPC6, 16);
		out->ipv6_prefixlen = 56;
	}
	return 0;
}

int vnitro_vpc_list(struct vnitro_handle *h, struct vnitro_vpc **items,
		    size_t *count)
{
	struct vnitro_vpc v;

	vnitro_vpc_get(h, "vpc-default", &v);
	return one_list(items, count, &v, 1);
}

int vnitro_subnet_get(struct vnitro_handle *h, const char *id,
		      struct vnitro_subnet *out)
{
	if (strcmp(id, "subnet-default"))
		return refuse(h, -ENOENT, "subnet %s not found", id);
	*out = {};
	snprintf(out->id, sizeof(out->id), "subnet-default");
	snprintf(out->vpc_id, sizeof(out->vpc_id), "vpc-default");
	snprintf(out->az, sizeof(out->az), "us-east-1a");
	snprintf(out->nacl_id, sizeof(out->nacl_id), "acl-d");
	out->cidr_addr = htonl(0xac1f0000);
	out->cidr_prefixlen = 20;
	return 0;
}

/* subnet-default; with VNITRO_FAKE_EMPTY set, none: an empty list must print []. */
int vnitro_subnet_list(struct vnitro_handle *h, struct vnitro_subnet **items,
		       size_t *count)
{
	struct vnitro_subnet sn;

	*items = nullptr;
	*count = 0;
	if (getenv("VNITRO_FAKE_EMPTY"))
		return 0;
	vnitro_subnet_get(h, "subnet-default", &sn);
	return one_list(items, count, &sn, 1);
}

/* The control-plane calls added with issue 4: refused as "not in the fake". */
#define FAKE_REFUSE(h) refuse(h, -EOPNOTSUPP, "not implemented by the fake library")

int vnitro_instance_add_typed(struct vnitro_handle *h, const char *name,
			      int netns_fd, const char *subnet_id,
			      uint32_t private_ip, const char *type,
			      struct vnitro_instance *out)
{
	return vnitro_instance_add_placed(h, name, netns_fd, subnet_id, private_ip, type, nullptr, 0,
					  out);
}

int vnitro_type_get(struct vnitro_handle *h, const char *, struct vnitro_type *)
{
	return FAKE_REFUSE(h);
}

static struct vnitro_type fake_type(const char *name, uint32_t enis, uint32_t ips,
				     uint32_t mbps, uint32_t peak, uint8_t adapter)
{
	struct vnitro_type t = {};

	snprintf(t.name, sizeof(t.name), "%s", name);
	t.vcpus = 2;
	t.max_enis = enis;
	t.network_cards = 1;
	t.max_enis_per_card = enis;
	t.max_ips_per_eni = ips;
	t.max_queues = 2;
	t.baseline_mbps = mbps;
	t.peak_mbps = peak;
	t.conntrack_max = mbps * 16 < 8192 ? 8192 : mbps * 16;
	t.adapter = adapter;
	return t;
}

int vnitro_type_list(struct vnitro_handle *, struct vnitro_type **items, size_t *count)
{
	const struct vnitro_type t[] = {
		fake_type("t3.micro", 2, 2, 64, 5000, VNITRO_ADAPTER_ENA),
		fake_type("c4.large", 3, 10, 625, 625, VNITRO_ADAPTER_IXGBEVF),
	};

	return one_list(items, count, t, 2);
}

int vnitro_eni_set(struct vnitro_handle *h, const char *id,
		   const struct vnitro_eni_settings *s, struct vnitro_eni *out)
{
	int rc;

	if (fake_world())
		return world_eni_set(h, id, s, out);
	rc = vnitro_eni_get(h, id, out);
	if (rc)
		return rc;
	trace("eni_set", id);
	if (s->set_source_dest_check)
		out->source_dest_check = uint8_t(!!s->source_dest_check);
	if (s->description)
		snprintf(out->description, sizeof(out->description), "%s", s->description);
	if (s->set_security_groups) {
		for (size_t i = 0; i < s->security_group_count; i++)
			snprintf(out->security_groups[i], sizeof(out->security_groups[i]), "%s",
				 s->security_groups[i]);
		out->security_group_count = uint32_t(s->security_group_count);
	}
	if (s->set_tcp_established_timeout || s->set_udp_stream_timeout || s->set_udp_timeout) {
		char what[64];

		/* What reached the library; 0 = not set. */
		snprintf(what, sizeof(what), "%u %u %u",
			 s->set_tcp_established_timeout ? s->tcp_established_timeout : 0,
			 s->set_udp_stream_timeout ? s->udp_stream_timeout : 0,
			 s->set_udp_timeout ? s->udp_timeout : 0);
		trace("eni_set_conntrack_timeouts", what);
	}
	if (s->set_tcp_established_timeout)
		out->tcp_established_timeout = s->tcp_established_timeout;
	if (s->set_udp_stream_timeout)
		out->udp_stream_timeout = s->udp_stream_timeout;
	if (s->set_udp_timeout)
		out->udp_timeout = s->udp_timeout;
	return 0;
}

int vnitro_eni_set_mtu(struct vnitro_handle *h, const char *id, uint32_t)
{
	trace("eni_set_mtu", id);
	return 0 * h->error[0];
}

int vnitro_eni_ip_assign(struct vnitro_handle *h, const char *id, uint32_t ip, uint32_t count,
			 struct vnitro_eni *out)
{
	if (fake_world())
		return world_eni_ip_assign(h, id, ip, count, out);
	return FAKE_REFUSE(h);
}

int vnitro_eni_ip_unassign(struct vnitro_handle *h, const char *id, uint32_t ip,
			   struct vnitro_eni *out)
{
	if (fake_world())
		return world_eni_ip_unassign(h, id, ip, out);
	return FAKE_REFUSE(h);
}

int vnitro_eni_ipv6_assign(struct vnitro_handle *h, const char *, const uint8_t *, uint32_t,
			   struct vnitro_eni *)
{
	return FAKE_REFUSE(h);
}

int vnitro_eni_ipv6_unassign(struct vnitro_handle *h, const char *, const uint8_t *,
			     struct vnitro_eni *)
{
	return FAKE_REFUSE(h);
}

bool has_ipv6_routes();

/*
 * vpc-default gets VPC6/56 (and EC2's ::/0 rules); nothing else. It loses
 * its block as EC2's VPCs do: not while a route of its subnet is IPv6.
 */
int vnitro_vpc_ipv6_set(struct vnitro_handle *h, const char *id, const uint8_t *addr,
			uint8_t prefixlen, struct vnitro_vpc *out)
{
	if (!strcmp(id, "vpc-default") && !prefixlen && vpc_has_ipv6()) {
		if (has_ipv6_routes())
			return refuse(h, -EBUSY, "the route table of subnet subnet-default has IPv6 "
				      "routes; delete them first");
		vpc6_associated = false;
		vpc6_disassociated = true;
		return out ? vnitro_vpc_get(h, id, out) : 0;
	}
	if (strcmp(id, "vpc-default") || !addr || prefixlen != 56 || memcmp(addr, VPC6, 16))
		return FAKE_REFUSE(h);
	vpc6_associated = true;
	return out ? vnitro_vpc_get(h, id, out) : 0;
}

int vnitro_subnet_ipv6_set(struct vnitro_handle *h, const char *, const uint8_t *, uint8_t,
			   struct vnitro_subnet *)
{
	return FAKE_REFUSE(h);
}

int vnitro_subnet_set_assign_ipv6(struct vnitro_handle *h, const char *, uint8_t,
				  struct vnitro_subnet *)
{
	return FAKE_REFUSE(h);
}

int vnitro_vpc_add(struct vnitro_handle *h, const char *, uint32_t, uint8_t, struct vnitro_vpc *)
{
	return FAKE_REFUSE(h);
}

int vnitro_vpc_del(struct vnitro_handle *h, const char *)
{
	return FAKE_REFUSE(h);
}

int vnitro_subnet_add(struct vnitro_handle *h, const char *, const char *, uint32_t, uint8_t,
		      const char *, struct vnitro_subnet *)
{
	return FAKE_REFUSE(h);
}

int vnitro_subnet_del(struct vnitro_handle *h, const char *)
{
	return FAKE_REFUSE(h);
}

/*
 * The route table of subnet-default: its local routes (172.31.0.0/16, and
 * VPC6/56 while vpc-default has that block), then the others, first those
 * of VNITRO_FAKE_IPV6 (::/0 via igw-d, or via eigw-d with VNITRO_FAKE_EIGW),
 * then what route_add adds in this
 * process, less what route_del deletes.
 */
struct vnitro_route routes[8];	/* the routes that are not local */
size_t route_count;
bool routes_seeded;

struct vnitro_route make_route(uint8_t ipv6, uint32_t addr, const uint8_t *addr6, uint8_t prefixlen,
			       const char *target)
{
	struct vnitro_route r = {};

	snprintf(r.subnet_id, sizeof(r.subnet_id), "subnet-default");
	r.ipv6 = ipv6;
	r.addr = addr;
	if (addr6)
		memcpy(r.addr6, addr6, 16);
	r.prefixlen = prefixlen;
	r.target = !target ? VNITRO_ROUTE_TARGET_LOCAL :
		   !strncmp(target, "eni-", 4) ? VNITRO_ROUTE_TARGET_ENI :
		   !strncmp(target, "eigw-", 5) ? VNITRO_ROUTE_TARGET_EIGW : VNITRO_ROUTE_TARGET_IGW;
	snprintf(r.target_id, sizeof(r.target_id), "%s", target ? target : "");
	snprintf(r.status, sizeof(r.status), "active");
	return r;
}

/* The route of VNITRO_FAKE_IPV6, before the first call looks at the routes. */
void seed_routes()
{
	static const uint8_t any[16] = {};

	if (!routes_seeded && fake_ipv6())
		routes[route_count++] = make_route(1, 0, any, 0, fake_eigw() ? "eigw-d" : "igw-d");
	routes_seeded = true;
}

bool has_ipv6_routes()
{
	seed_routes();
	for (size_t i = 0; i < route_count; i++)
		if (routes[i].ipv6)
			return true;
	return false;
}

bool same_destination(const struct vnitro_route &a, const struct vnitro_route &b)
{
	return a.ipv6 == b.ipv6 && a.prefixlen == b.prefixlen && a.addr == b.addr &&
	       !memcmp(a.addr6, b.addr6, 16);
}

/* The destination as the kernel writes it in its messages. */
const char *route_text(const struct vnitro_route &r, char buf[64])
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(r.ipv6 ? AF_INET6 : AF_INET, r.ipv6 ? static_cast<const void *>(r.addr6) : &r.addr,
		  ip, sizeof(ip));
	snprintf(buf, 64, "%s/%u", ip, r.prefixlen);
	return buf;
}

int route_add(struct vnitro_handle *h, const char *subnet, const struct vnitro_route &want,
	      struct vnitro_route *out)
{
	char text[64];

	seed_routes();
	if (strcmp(subnet, "subnet-default"))
		return refuse(h, -ENOENT, "subnet %s not found", subnet);
	if (strcmp(want.target_id, "igw-d") && strcmp(want.target_id, PRIMARY) &&
	    strcmp(want.target_id, "eni-5") && !(eigw_exists() && !strcmp(want.target_id, eigw.id)))
		return refuse(h, -ENOENT, "route target %s not found", want.target_id);
	if (want.target == VNITRO_ROUTE_TARGET_EIGW && !want.ipv6)
		return refuse(h, -EINVAL, "egress-only internet gateway %s takes IPv6 destinations only, not %s",
			      want.target_id, route_text(want, text));
	for (size_t i = 0; i < route_count; i++)
		if (same_destination(routes[i], want))
			return refuse(h, -EEXIST, "the route table of subnet-default already has a "
				      "route to %s; delete it first", route_text(want, text));
	if (route_count == sizeof(routes) / sizeof(routes[0]))
		return refuse(h, -ENOSPC, "the fake's route table is full");
	routes[route_count++] = want;
	if (out)
		*out = want;
	return 0;
}

int route_del(struct vnitro_handle *h, const char *subnet, const struct vnitro_route &want)
{
	char text[64];

	seed_routes();
	if (strcmp(subnet, "subnet-default"))
		return refuse(h, -ENOENT, "subnet %s not found", subnet);
	for (size_t i = 0; i < route_count; i++) {
		if (!same_destination(routes[i], want))
			continue;
		memmove(&routes[i], &routes[i + 1], (route_count - i - 1) * sizeof(routes[0]));
		route_count--;
		return 0;
	}
	if ((!want.ipv6 && want.addr == htonl(0xac1f0000) && want.prefixlen == 16) ||
	    (want.ipv6 && vpc_has_ipv6() && want.prefixlen == 56 && !memcmp(want.addr6, VPC6, 16)))
		return refuse(h, -EPERM, "the local route %s of VPC vpc-default cannot be deleted",
			      route_text(want, text));
	return refuse(h, -ENOENT, "the route table of subnet-default has no route to %s",
		      route_text(want, text));
}

int vnitro_route_add(struct vnitro_handle *h, const char *subnet, uint32_t addr, uint8_t prefixlen,
		     const char *target, struct vnitro_route *out)
{
	return route_add(h, subnet, make_route(0, addr, nullptr, prefixlen, target), out);
}

int vnitro_route_add_ipv6(struct vnitro_handle *h, const char *subnet, const uint8_t *addr6,
			  uint8_t prefixlen, const char *target, struct vnitro_route *out)
{
	return route_add(h, subnet, make_route(1, 0, addr6, prefixlen, target), out);
}

int vnitro_route_del(struct vnitro_handle *h, const char *subnet, uint32_t addr, uint8_t prefixlen)
{
	return route_del(h, subnet, make_route(0, addr, nullptr, prefixlen, nullptr));
}

int vnitro_route_del_ipv6(struct vnitro_handle *h, const char *subnet, const uint8_t *addr6,
			  uint8_t prefixlen)
{
	return route_del(h, subnet, make_route(1, 0, addr6, prefixlen, nullptr));
}

int vnitro_route_list(struct vnitro_handle *, struct vnitro_route **items, size_t *count)
{
	struct vnitro_route all[2 + sizeof(routes) / sizeof(routes[0])];
	size_t n = 0;

	seed_routes();
	all[n++] = make_route(0, htonl(0xac1f0000), nullptr, 16, nullptr);
	if (vpc_has_ipv6())
		all[n++] = make_route(1, 0, VPC6, 56, nullptr);
	memcpy(&all[n], routes, route_count * sizeof(routes[0]));
	return one_list(items, count, all, n + route_count);
}

int vnitro_igw_add(struct vnitro_handle *h, const char *, const char *, int, const char *, int,
		   struct vnitro_igw *)
{
	return FAKE_REFUSE(h);
}

int vnitro_igw_set(struct vnitro_handle *h, const char *, int, struct vnitro_igw *)
{
	return FAKE_REFUSE(h);
}

int vnitro_eigw_add(struct vnitro_handle *h, const char *id, const char *vpc_id, int netns_fd,
		    const char *netns_name, struct vnitro_igw *out)
{
	char what[128];

	snprintf(what, sizeof(what), "%s %s %s %s", id, vpc_id, netns_name ? netns_name : "-",
		 netns_fd >= 0 && fcntl(netns_fd, F_GETFD) >= 0 ? "fd" : "no-fd");
	trace("eigw_add", what);
	if (strcmp(vpc_id, "vpc-default"))
		return refuse(h, -ENOENT, "VPC %s not found", vpc_id);
	if (eigw_exists())
		return refuse(h, -EEXIST, "VPC vpc-default has an egress-only internet gateway already");
	eigw = make_eigw(id, netns_name);
	eigw_added = true;
	eigw_gone = false;
	if (out)
		*out = eigw;
	return 0;
}

/* igw-d of vpc-default, which the associated Elastic IP eipalloc-1 needs. */
struct vnitro_igw make_igw()
{
	struct vnitro_igw g = {};

	snprintf(g.id, sizeof(g.id), "igw-d");
	snprintf(g.vpc_id, sizeof(g.vpc_id), "vpc-default");
	g.frag_needed = 1;
	snprintf(g.ifname, sizeof(g.ifname), "igw0");
	g.ifindex = 8;
	return g;
}

int vnitro_igw_get(struct vnitro_handle *h, const char *id, struct vnitro_igw *out)
{
	if (!strcmp(id, "igw-d"))
		*out = make_igw();
	else if (eigw_exists() && !strcmp(id, eigw.id))
		*out = eigw;
	else
		return refuse(h, -ENOENT, "internet gateway %s not found", id);
	return 0;
}

/* The kernel's dump: both kinds of gateway in one list. */
int vnitro_igw_list(struct vnitro_handle *, struct vnitro_igw **items, size_t *count)
{
	struct vnitro_igw all[2] = { make_igw() };

	if (eigw_exists())
		all[1] = eigw;
	return one_list(items, count, all, eigw_exists() ? 2 : 1);
}

int vnitro_igw_del(struct vnitro_handle *h, const char *id)
{
	struct vnitro_igw g;

	if (vnitro_igw_get(h, id, &g))
		return -ENOENT;
	seed_routes();
	for (size_t i = 0; i < route_count; i++)
		if (!strcmp(routes[i].target_id, id))
			return refuse(h, -EBUSY, "a route of subnet-default targets gateway %s", id);
	if (g.egress_only)
		eigw_gone = true;
	return 0;
}

/*
 * Security groups: vpc-default's default group sg-d and sg-1 ("web", with
 * an ssh rule); sg-f is refused as if an ENI used it.
 */
struct vnitro_sg make_sg(const char *id, const char *name)
{
	struct vnitro_sg g = {};
	struct vnitro_sg_rule *r = g.rules;

	snprintf(g.id, sizeof(g.id), "%s", id);
	snprintf(g.vpc_id, sizeof(g.vpc_id), "vpc-default");
	snprintf(g.name, sizeof(g.name), "%s", name);
	if (!strcmp(name, "default")) {
		snprintf(g.description, sizeof(g.description), "default VPC security group");
		*r = {};
		r->protocol = VNITRO_SG_PROTO_ALL;
		r->icmp_type = r->icmp_code = -1;
		snprintf(r->peer_id, sizeof(r->peer_id), "%s", id);
		r++;
	} else {
		*r = {};
		r->protocol = 6;
		r->has_ports = 1;
		r->port_from = r->port_to = 22;
		r->icmp_type = r->icmp_code = -1;
		r->cidr_addr = htonl(0xcb007100);
		r->cidr_prefixlen = 24;
		r++;
		if (fake_ipv6()) {
			*r = {};
			r->protocol = 58;
			r->icmp_type = 128;
			r->icmp_code = -1;
			r->ipv6 = 1;
			memcpy(r->cidr6, VPC6, 16);
			r->cidr_prefixlen = 56;
			r++;
		}
	}
	*r = {};
	r->direction = VNITRO_SG_EGRESS;
	r->protocol = VNITRO_SG_PROTO_ALL;
	r->icmp_type = r->icmp_code = -1;
	r++;
	if (vpc_has_ipv6() && !strcmp(name, "default")) {
		*r = r[-1];
		r->ipv6 = 1;
		r++;
	}
	g.rule_count = uint32_t(r - g.rules);
	return g;
}

bool same_rule(const struct vnitro_sg_rule &a, const struct vnitro_sg_rule &b)
{
	return a.direction == b.direction && a.protocol == b.protocol &&
	       a.has_ports == b.has_ports && a.port_from == b.port_from && a.port_to == b.port_to &&
	       a.icmp_type == b.icmp_type && a.icmp_code == b.icmp_code &&
	       !strcmp(a.peer_id, b.peer_id) && a.ipv6 == b.ipv6 && a.cidr_addr == b.cidr_addr &&
	       !memcmp(a.cidr6, b.cidr6, 16) && a.cidr_prefixlen == b.cidr_prefixlen;
}

/* What sg_add made in this run, which sg_list then shows; the out of the calls below. */
struct vnitro_sg added_sg, scratch_sg;
bool sg_was_added;

int vnitro_sg_add(struct vnitro_handle *h, const char *id, const char *vpc_id, const char *name,
		  const char *description, struct vnitro_sg *out)
{
	if (fake_world())
		return world_sg_add(h, id, vpc_id, name, description, out);
	if (strcmp(vpc_id, "vpc-default"))
		return refuse(h, -ENOENT, "VPC \"%s\" does not exist", vpc_id);
	if (!out)
		out = &scratch_sg;
	*out = make_sg(id ? id : "sg-0f", name ? name : (id ? id : "sg-0f"));
	out->rule_count = 0;
	out->rules[out->rule_count] = make_sg("sg-d", "default").rules[1];
	out->rule_count++;
	if (description)
		snprintf(out->description, sizeof(out->description), "%s", description);
	added_sg = *out;
	sg_was_added = true;
	return 0;
}

int vnitro_sg_del(struct vnitro_handle *h, const char *id)
{
	if (fake_world())
		return world_sg_del(h, id);
	if (!strcmp(id, "sg-f"))
		return refuse(h, -EBUSY, "security group %s has a dependent object: network "
			      "interface eni-5 uses it; give that interface other groups first", id);
	return 0;
}

int vnitro_sg_get(struct vnitro_handle *h, const char *id, struct vnitro_sg *out)
{
	if (fake_world())
		return world_sg_get(h, id, out);
	if (!out)
		out = &scratch_sg;
	if (sg_was_added && !strcmp(id, added_sg.id)) {
		*out = added_sg;
		return 0;
	}
	if (strcmp(id, "sg-1") && strcmp(id, "sg-d"))
		return refuse(h, -ENOENT, "security group \"%s\" does not exist", id);
	*out = make_sg(id, strcmp(id, "sg-d") ? "web" : "default");
	return 0;
}

int vnitro_sg_list(struct vnitro_handle *, struct vnitro_sg **items, size_t *count)
{
	static struct vnitro_sg all[3];

	if (fake_world())
		return world_sg_list(items, count);

	all[0] = make_sg("sg-d", "default");
	all[1] = make_sg("sg-1", "web");
	all[2] = added_sg;
	return one_list(items, count, all, sg_was_added ? 3 : 2);
}

int vnitro_sg_rule_add(struct vnitro_handle *h, const char *id, const struct vnitro_sg_rule *rule,
		       struct vnitro_sg *out)
{
	if (fake_world())
		return world_sg_rule_add(h, id, rule, out);
	if (!out)
		out = &scratch_sg;
	if (vnitro_sg_get(h, id, out))
		return -ENOENT;
	if (rule->protocol == 6 && !rule->has_ports)
		return refuse(h, -EINVAL, "a tcp rule needs a port range (0-65535)");
	out->rules[out->rule_count++] = *rule;
	return 0;
}

int vnitro_sg_rule_del(struct vnitro_handle *h, const char *id, const struct vnitro_sg_rule *rule,
		       struct vnitro_sg *out)
{
	if (fake_world())
		return world_sg_rule_del(h, id, rule, out);
	if (!out)
		out = &scratch_sg;
	if (vnitro_sg_get(h, id, out))
		return -ENOENT;
	for (uint32_t i = 0; i < out->rule_count; i++) {
		if (!same_rule(out->rules[i], *rule))
			continue;
		memmove(&out->rules[i], &out->rules[i + 1],
			(out->rule_count - i - 1) * sizeof(out->rules[0]));
		out->rule_count--;
		return 0;
	}
	return refuse(h, -ENOENT, "the specified rule does not exist as a rule of security group %s", id);
}

int vnitro_netns_name_check(const char *name)
{
	if (!name || !name[0] || strlen(name) >= VNITRO_NAME_LEN ||
	    strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	return 0;
}

/* Names starting with "existing" already exist, as after "ip netns add". */
int vnitro_netns_add(const char *name, char *err, size_t errlen)
{
	trace("netns_add", name);
	if (!strncmp(name, "existing", 8)) {
		snprintf(err, errlen, "exists");
		return -EEXIST;
	}
	return 0;
}

int vnitro_netns_open(const char *name)
{
	trace("netns_open", name);
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

int vnitro_netns_del(const char *name)
{
	trace("netns_del", name);
	return strcmp(name, "i-host") ? 0 : -ENOENT;
}

/* Names starting with "noenv" cannot have an environment. */
int vnitro_env_add(struct vnitro_handle *h, const char *name)
{
	trace("env_add", name);
	if (!strncmp(name, "noenv", 5))
		return refuse(h, -EPERM, "cannot build the environment of instance %s: cannot mount sysfs: Operation not permitted",
			      name);
	return 0;
}

/* Only i-host exists; "entering" it leaves the process where it is. */
int vnitro_env_enter(struct vnitro_handle *h, const char *name)
{
	trace("env_enter", name);
	if (strcmp(name, "i-host"))
		return refuse(h, -ENOENT, "instance \"%s\" not found", name);
	return 0;
}

int vnitro_env_del(struct vnitro_handle *, const char *name)
{
	trace("env_del", name);
	return 0;
}

int vnitro_env_sweep(struct vnitro_handle *, int module_loaded)
{
	trace("env_sweep", module_loaded ? "loaded" : "unloaded");
	return 0;
}

} // extern "C"

/* Network ACLs: acl-d, the default (rule 100 allows all both ways), and acl-1, empty. */
namespace {

struct vnitro_nacl make_nacl(const char *id, bool is_default)
{
	struct vnitro_nacl a = {};

	snprintf(a.id, sizeof(a.id), "%s", id);
	snprintf(a.vpc_id, sizeof(a.vpc_id), "vpc-default");
	a.is_default = is_default;
	if (is_default) {
		for (uint8_t d = 0; d < 2; d++) {
			struct vnitro_nacl_entry &e = a.entries[a.entry_count++];

			e.direction = d;
			e.number = 100;
			e.action = VNITRO_NACL_ALLOW;
			e.protocol = VNITRO_SG_PROTO_ALL;
			e.icmp_type = e.icmp_code = -1;
			if (vpc_has_ipv6()) {
				struct vnitro_nacl_entry &e6 = a.entries[a.entry_count++];

				e6 = e;
				e6.number = 101;
				e6.ipv6 = 1;
			}
		}
	}
	return a;
}

struct vnitro_nacl scratch_nacl;
/* The last ACL added, which the list and get then show too (as for groups). */
struct vnitro_nacl added_nacl;
bool nacl_was_added;

} // namespace

int vnitro_nacl_add(struct vnitro_handle *h, const char *id, const char *vpc_id,
		    struct vnitro_nacl *out)
{
	if (strcmp(vpc_id, "vpc-default"))
		return refuse(h, -ENOENT, "VPC \"%s\" does not exist", vpc_id);
	added_nacl = make_nacl(id ? id : "acl-0f", false);
	nacl_was_added = true;
	*(out ? out : &scratch_nacl) = added_nacl;
	return 0;
}

int vnitro_nacl_del(struct vnitro_handle *h, const char *id)
{
	if (!strcmp(id, "acl-d"))
		return refuse(h, -EPERM, "network ACL acl-d is the default network ACL of VPC "
			      "vpc-default: it cannot be deleted by a user; it goes with its VPC");
	return 0;
}

int vnitro_nacl_get(struct vnitro_handle *h, const char *id, struct vnitro_nacl *out)
{
	if (!out)
		out = &scratch_nacl;
	if (nacl_was_added && !strcmp(id, added_nacl.id)) {
		*out = added_nacl;
		return 0;
	}
	if (strcmp(id, "acl-d") && strcmp(id, "acl-1"))
		return refuse(h, -ENOENT, "network ACL \"%s\" does not exist", id);
	*out = make_nacl(id, !strcmp(id, "acl-d"));
	return 0;
}

int vnitro_nacl_list(struct vnitro_handle *, struct vnitro_nacl **items, size_t *count)
{
	static struct vnitro_nacl all[3];

	all[0] = make_nacl("acl-d", true);
	all[1] = make_nacl("acl-1", false);
	all[2] = added_nacl;
	return one_list(items, count, all, nacl_was_added ? 3 : 2);
}

int vnitro_nacl_entry_add(struct vnitro_handle *h, const char *id,
			  const struct vnitro_nacl_entry *entry, struct vnitro_nacl *out)
{
	if (!out)
		out = &scratch_nacl;
	if (vnitro_nacl_get(h, id, out))
		return -ENOENT;
	if (entry->number == 100 && !strcmp(id, "acl-d"))
		return refuse(h, -EEXIST, "NetworkAclEntryAlreadyExists: network ACL acl-d already "
			      "has %s rule number 100; replace it or pick another number",
			      entry->direction ? "egress" : "ingress");
	out->entries[out->entry_count++] = *entry;
	return 0;
}

int vnitro_nacl_entry_replace(struct vnitro_handle *h, const char *id,
			      const struct vnitro_nacl_entry *entry, struct vnitro_nacl *out)
{
	if (!out)
		out = &scratch_nacl;
	if (vnitro_nacl_get(h, id, out))
		return -ENOENT;
	for (uint32_t i = 0; i < out->entry_count; i++) {
		if (out->entries[i].direction == entry->direction &&
		    out->entries[i].number == entry->number) {
			out->entries[i] = *entry;
			return 0;
		}
	}
	return refuse(h, -ENOENT, "network ACL %s has no %s rule number %u to replace; add it instead",
		      id, entry->direction ? "egress" : "ingress", entry->number);
}

int vnitro_nacl_entry_del(struct vnitro_handle *h, const char *id, uint8_t direction,
			  uint16_t number, struct vnitro_nacl *out)
{
	if (!out)
		out = &scratch_nacl;
	if (vnitro_nacl_get(h, id, out))
		return -ENOENT;
	for (uint32_t i = 0; i < out->entry_count; i++) {
		if (out->entries[i].direction == direction && out->entries[i].number == number) {
			out->entries[i] = out->entries[--out->entry_count];
			return 0;
		}
	}
	return refuse(h, -ENOENT, "network ACL %s has no %s rule number %u", id,
		      direction ? "egress" : "ingress", number);
}

int vnitro_nacl_associate(struct vnitro_handle *h, const char *id, const char *subnet_id,
			  struct vnitro_subnet *out)
{
	struct vnitro_nacl a;
	struct vnitro_subnet scratch;

	if (!out)
		out = &scratch;
	if (vnitro_nacl_get(h, id, &a) || vnitro_subnet_get(h, subnet_id, out))
		return -ENOENT;
	snprintf(out->nacl_id, sizeof(out->nacl_id), "%s", id);
	return 0;
}

/*
 * Elastic IPs: eipalloc-1 (203.0.113.1) associated with the primary ENI of
 * i-host as eipassoc-1, eipalloc-2 (203.0.113.2) not associated; the pool
 * 203.0.113.0/24.
 */
namespace {

struct vnitro_eip make_eip(const char *id, uint8_t last, bool associated)
{
	struct vnitro_eip a = {};

	snprintf(a.id, sizeof(a.id), "%s", id);
	a.public_ip = htonl(0xcb007100 | last);
	if (associated) {
		snprintf(a.association_id, sizeof(a.association_id), "eipassoc-1");
		snprintf(a.eni_id, sizeof(a.eni_id), "%s", PRIMARY);
		snprintf(a.vpc_id, sizeof(a.vpc_id), "vpc-default");
		a.private_ip = htonl(0xac1f0004);	/* 172.31.0.4, the ENI's primary address */
		snprintf(a.instance, sizeof(a.instance), "i-host");
	}
	return a;
}

struct vnitro_eip scratch_eip;

} // namespace

int vnitro_eip_add(struct vnitro_handle *h, const char *id, uint32_t public_ip,
		   struct vnitro_eip *out)
{
	uint32_t ip = ntohl(public_ip);

	if (fake_world())
		return world_eip_add(h, id, public_ip, out);
	if (public_ip && ((ip & 0xffffff00) != 0xcb007100 || (ip & 0xff) == 0 || (ip & 0xff) == 255))
		return refuse(h, -EINVAL, "InvalidAddress.NotFound: %u.%u.%u.%u is not an address of "
			      "the public pool 203.0.113.0/24", ip >> 24, (ip >> 16) & 0xff,
			      (ip >> 8) & 0xff, ip & 0xff);
	*(out ? out : &scratch_eip) = make_eip(id ? id : "eipalloc-0f", public_ip ? ip & 0xff : 3,
					       false);
	return 0;
}

int vnitro_eip_get(struct vnitro_handle *h, const char *id, struct vnitro_eip *out)
{
	if (fake_world())
		return world_eip_get(h, id, out);
	if (strcmp(id, "eipalloc-1") && strcmp(id, "eipalloc-2"))
		return refuse(h, -ENOENT, "InvalidAllocationID.NotFound: Elastic IP address \"%s\" "
			      "does not exist", id);
	*(out ? out : &scratch_eip) = make_eip(id, id[9] - '0', !strcmp(id, "eipalloc-1"));
	return 0;
}

int vnitro_eip_del(struct vnitro_handle *h, const char *id)
{
	if (fake_world())
		return world_eip_del(h, id);
	if (vnitro_eip_get(h, id, nullptr))
		return -ENOENT;
	if (!strcmp(id, "eipalloc-1"))
		return refuse(h, -EBUSY, "InvalidIPAddress.InUse: eipalloc-1 (203.0.113.1) is "
			      "associated with %s (eipassoc-1); disassociate it first", PRIMARY);
	return 0;
}

int vnitro_eip_list(struct vnitro_handle *, struct vnitro_eip **items, size_t *count)
{
	if (fake_world())
		return world_eip_list(items, count);
	const struct vnitro_eip all[2] = {
		make_eip("eipalloc-1", 1, true), make_eip("eipalloc-2", 2, false),
	};

	return one_list(items, count, all, 2);
}

int vnitro_eip_associate(struct vnitro_handle *h, const char *id, const char *eni_id,
			 uint32_t private_ip, int allow_reassociation, struct vnitro_eip *out)
{
	if (fake_world())
		return world_eip_associate(h, id, eni_id, private_ip, allow_reassociation, out);
	if (!out)
		out = &scratch_eip;
	if (vnitro_eip_get(h, id, out))
		return -ENOENT;
	if (strcmp(eni_id, PRIMARY) && strcmp(eni_id, "eni-5"))
		return refuse(h, -ENOENT, "network interface \"%s\" does not exist", eni_id);
	if (!strcmp(id, "eipalloc-1") && private_ip && !allow_reassociation)
		return refuse(h, -EBUSY, "Resource.AlreadyAssociated: eipalloc-1 is already "
			      "associated with %s (172.31.0.4); use allow-reassociation to move it",
			      PRIMARY);
	*out = make_eip(id, id[9] - '0', true);
	if (!strcmp(eni_id, "eni-5")) {
		snprintf(out->eni_id, sizeof(out->eni_id), "eni-5");
		out->private_ip = htonl(0xac1f0005);
		out->instance[0] = '\0';
	}
	if (private_ip)
		out->private_ip = private_ip;
	return 0;
}

int vnitro_eip_disassociate(struct vnitro_handle *h, const char *id)
{
	if (fake_world())
		return world_eip_disassociate(h, id);
	if (!strncmp(id, "eipassoc-", 9))
		return 0;
	return vnitro_eip_get(h, id, nullptr);
}

int vnitro_eip_pool_get(struct vnitro_handle *, struct vnitro_eip_pool *out)
{
	out->addr = htonl(0xcb007100);
	out->prefixlen = 24;
	return 0;
}

int vnitro_eip_pool_set(struct vnitro_handle *h, uint32_t addr, uint8_t prefixlen,
			struct vnitro_eip_pool *out)
{
	if (prefixlen < 16 || prefixlen > 30)
		return refuse(h, -EINVAL, "public pool /%u is out of range: use /16 to /30",
			      prefixlen);
	out->addr = addr;
	out->prefixlen = prefixlen;
	return 0;
}

namespace {

/* The world's settings: the kernel's defaults until vnitro_world_set() changes them. */
struct vnitro_world settings = { VNITRO_RATE_SCALE_DEFAULT, VNITRO_BURST_SECONDS_DEFAULT };

} // namespace

int vnitro_world_get(struct vnitro_handle *, struct vnitro_world *out)
{
	*out = settings;
	return 0;
}

/* The library's check (something to set), then the kernel's ranges: all or nothing. */
int vnitro_world_set(struct vnitro_handle *h, uint32_t rate_scale, uint32_t burst_seconds,
		     struct vnitro_world *out)
{
	if (!rate_scale && !burst_seconds)
		return refuse(h, -EINVAL, "nothing to set: a rate scale, burst seconds or both");
	if (rate_scale > VNITRO_RATE_SCALE_MAX)
		return refuse(h, -EINVAL, "rate scale %u is out of range: 1 to %d", rate_scale,
			      VNITRO_RATE_SCALE_MAX);
	if (burst_seconds && (burst_seconds < VNITRO_BURST_SECONDS_MIN ||
			      burst_seconds > VNITRO_BURST_SECONDS_MAX))
		return refuse(h, -EINVAL, "burst seconds %u is out of range: %d to %d", burst_seconds,
			      VNITRO_BURST_SECONDS_MIN, VNITRO_BURST_SECONDS_MAX);
	if (rate_scale)
		settings.rate_scale = rate_scale;
	if (burst_seconds)
		settings.burst_seconds = burst_seconds;
	if (out)
		*out = settings;
	return 0;
}

namespace {

/*
 * The path model: the world's fields and seed, and each of the kernel's
 * VNITRO_PATH_COUNT_MAX paths (those past the count in use keep theirs);
 * the kernel's defaults until vnitro_path_set() changes them. With
 * VNITRO_FAKE_PATHS set, two paths start with their own fields, as "vnitro
 * path set path 3 delay-us 5000" and "path set path 5 loss-ppm 1000
 * congestion-ppm 20000" would make them.
 */
struct vnitro_path path_world;
struct vnitro_one_path path_one[VNITRO_PATH_COUNT_MAX];
bool path_ready;

/* A field PATH_SET takes, in the kernel's order: where the world and a path (if it has it) keep it. */
struct path_knob {
	const char *name;
	uint32_t min, max;
	int vnitro_path_change::*set;
	uint32_t vnitro_path_change::*value;
	uint32_t vnitro_path::*world;
	uint32_t vnitro_one_path::*one;
};

#define KNOB(name, field, min, max, one)                                                 \
	{ name, min, max, &vnitro_path_change::set_##field, &vnitro_path_change::field, \
	  &vnitro_path::field, one }
const struct path_knob path_knobs[] = {
	KNOB("loss-ppm", loss_ppm, 0, VNITRO_PATH_MAX_PPM, &vnitro_one_path::loss_ppm),
	KNOB("reorder-ppm", reorder_ppm, 0, VNITRO_PATH_MAX_PPM, nullptr),
	KNOB("delay-us", delay_us, 0, VNITRO_PATH_MAX_US, &vnitro_one_path::delay_us),
	KNOB("reorder-delay-us", reorder_delay_us, 0, VNITRO_PATH_MAX_US, nullptr),
	KNOB("jitter-us", jitter_us, 0, VNITRO_PATH_MAX_US, &vnitro_one_path::jitter_us),
	KNOB("congestion-ppm", congestion_ppm, 0, VNITRO_PATH_MAX_PPM,
	     &vnitro_one_path::congestion_ppm),
	KNOB("congestion-delay-us", congestion_delay_us, 0, VNITRO_PATH_MAX_US,
	     &vnitro_one_path::congestion_delay_us),
	KNOB("congestion-loss-ppm", congestion_loss_ppm, 0, VNITRO_PATH_MAX_PPM,
	     &vnitro_one_path::congestion_loss_ppm),
	KNOB("episode-us", episode_us, 1, VNITRO_PATH_MAX_US, nullptr),
	KNOB("paths", paths, 1, VNITRO_PATH_COUNT_MAX, nullptr),
	KNOB("node-delay-us", node_delay_us, 0, VNITRO_PATH_MAX_US, nullptr),
	KNOB("az-delay-us", az_delay_us, 0, VNITRO_PATH_MAX_US, nullptr),
};
#undef KNOB

/* Every path takes the world's own fields, as a world's PATH_SET of one of them does. */
void paths_take_the_worlds()
{
	for (uint32_t i = 0; i < VNITRO_PATH_COUNT_MAX; i++) {
		path_one[i].index = i;
		for (const struct path_knob &k : path_knobs)
			if (k.one)
				path_one[i].*k.one = path_world.*k.world;
	}
}

void path_init()
{
	if (path_ready)
		return;
	path_ready = true;
	path_world.reorder_delay_us = VNITRO_PATH_REORDER_DELAY_DEFAULT_US;
	path_world.episode_us = VNITRO_PATH_EPISODE_DEFAULT_US;
	path_world.paths = VNITRO_PATH_COUNT_DEFAULT;
	paths_take_the_worlds();
	if (getenv("VNITRO_FAKE_PATHS")) {
		path_one[3].delay_us = 5000;
		path_one[5].loss_ppm = 1000;
		path_one[5].congestion_ppm = 20000;
	}
}

/* What PATH_GET replies: the world's model and the paths in use. */
void path_read(struct vnitro_path *out)
{
	*out = path_world;
	out->n_paths = path_world.paths;
	memcpy(out->one, path_one, sizeof(out->one));
}

} // namespace

int vnitro_path_get(struct vnitro_handle *, struct vnitro_path *out)
{
	path_init();
	path_read(out);
	return 0;
}

/*
 * The library's check (something to set), then the kernel's: the path's
 * existence, each field in its order (the world's only with a path, then its
 * range), the seed with a path; all or nothing.
 */
int vnitro_path_set(struct vnitro_handle *h, const struct vnitro_path_change *c,
		    struct vnitro_path *out)
{
	struct vnitro_one_path *one = nullptr;
	bool to_paths = false, any = c->set_seed;

	path_init();
	for (const struct path_knob &k : path_knobs)
		any |= !!(c->*k.set);
	if (!any)
		return refuse(h, -EINVAL,
			      "nothing to set: give the loss, delays, congestion, paths or seed");
	if (c->has_index && c->index >= path_world.paths)
		return refuse(h, -EINVAL, "path %u does not exist: the world has %u (0 to %u)",
			      c->index, path_world.paths, path_world.paths - 1);
	if (c->has_index)
		one = &path_one[c->index];
	for (const struct path_knob &k : path_knobs) {
		if (!(c->*k.set))
			continue;
		if (one && !k.one)
			return refuse(h, -EINVAL,
				      "%s is the world's, not one path's: set it without a path", k.name);
		if (c->*k.value < k.min || c->*k.value > k.max)
			return refuse(h, -EINVAL, "path %s %u is out of range: %u to %u", k.name,
				      c->*k.value, k.min, k.max);
	}
	if (one && c->set_seed)
		return refuse(h, -EINVAL,
			      "the seed is the world's, not one path's: set it without a path");
	for (const struct path_knob &k : path_knobs) {
		if (!(c->*k.set))
			continue;
		if (one) {
			one->*k.one = c->*k.value;
		} else {
			path_world.*k.world = c->*k.value;
			to_paths |= k.one != nullptr;
		}
	}
	if (to_paths)
		paths_take_the_worlds();
	if (!one && c->set_seed)
		path_world.seed = c->seed;
	if (out)
		path_read(out);
	return 0;
}

/*
 * VNITRO_FAKE_WORLD: a world whose ENIs change, for vnitrod's tests.
 * i-host (c5n.18xlarge) has PRIMARY at device index 0 and
 * eni-0b00000000000000001 at 1; web1 has eni-00000000000000001 at 0;
 * eni-5 and eni-0b00000000000000002 .. 0b0000000000000000b are detached:
 * 14 ENIs in subnet-default (172.31.0.0/20). Security groups are sg-d and
 * sg-1 (and what sg_add adds); each instance takes 15 ENIs, each ENI 50
 * private IPv4 addresses, as c5n.18xlarge does.
 */
namespace {

constexpr size_t WORLD_MAX = 64;
constexpr uint32_t WORLD_MAX_IPS = 50, WORLD_MAX_ENIS = 15;
struct vnitro_eni world[WORLD_MAX];
size_t world_count;
unsigned world_next_id;
bool world_seeded;

void world_seed()
{
	char id[VNITRO_ID_LEN];

	if (world_seeded)
		return;
	world_seeded = true;
	world[world_count++] = primary_eni();
	world[world_count] = make_eni("eni-00000000000000001", 0x10);
	attach(&world[world_count++], "web1", 0);
	world[world_count++] = make_eni("eni-5", 5);
	for (unsigned i = 1; i <= 11; i++) {
		snprintf(id, sizeof(id), "eni-0b%015x", i);
		world[world_count] = make_eni(id, uint8_t(0x20 + i));
		if (i == 1)
			attach(&world[world_count], "i-host", 1);
		world_count++;
	}
}

/* The one of @n @items whose id is @id, or nullptr. */
template <typename T>
T *find_id(T *items, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(items[i].id, id))
			return &items[i];
	return nullptr;
}

struct vnitro_eni *world_find(const char *id)
{
	world_seed();
	return find_id(world, world_count, id);
}

int world_no_eni(struct vnitro_handle *h, const char *id)
{
	return refuse(h, -ENOENT, "network interface %s not found", id);
}

bool world_ip_used(uint32_t ip)
{
	for (size_t i = 0; i < world_count; i++) {
		if (world[i].private_ip == ip)
			return true;
		for (uint32_t k = 0; k < world[i].secondary_count; k++)
			if (world[i].secondary_ips[k] == ip)
				return true;
	}
	return false;
}

bool world_in_subnet(uint32_t ip)
{
	uint32_t a = ntohl(ip);

	return (a & 0xfffff000) == 0xac1f0000 && (a & 0xfff) > 3 && (a & 0xfff) != 0xfff;
}

/* The lowest free address of subnet-default from 172.31.1.0 (what the kernel picks). */
uint32_t world_free_ip()
{
	for (uint32_t a = 0xac1f0100; a < 0xac1f0fff; a++)
		if (!world_ip_used(htonl(a)))
			return htonl(a);
	return 0;
}

int world_check_ip(struct vnitro_handle *h, uint32_t ip)
{
	char text[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &ip, text, sizeof(text));
	if (!world_in_subnet(ip))
		return refuse(h, -EINVAL, "address %s is not in subnet subnet-default (172.31.0.0/20)",
			      text);
	if (world_ip_used(ip))
		return refuse(h, -EADDRINUSE, "address %s is already in use in subnet subnet-default",
			      text);
	return 0;
}

uint32_t world_enis_of(const char *instance)
{
	uint32_t n = 0;

	for (size_t i = 0; i < world_count; i++)
		n += !strcmp(world[i].instance, instance);
	return n;
}

} // namespace

bool fake_world()
{
	return getenv("VNITRO_FAKE_WORLD");
}

int world_instance_get(struct vnitro_handle *h, const char *name, struct vnitro_instance *out)
{
	world_seed();
	if (!strcmp(name, "i-host"))
		*out = make_instance("i-host", PRIMARY, world_enis_of("i-host"));
	else if (!strcmp(name, "web1"))
		*out = make_instance("web1", "eni-00000000000000001", world_enis_of("web1"));
	else
		return refuse(h, -ENOENT, "instance \"%s\" not found", name);
	return 0;
}

int world_instance_list(struct vnitro_instance **items, size_t *count)
{
	struct vnitro_instance all[2];

	world_instance_get(nullptr, "i-host", &all[0]);
	world_instance_get(nullptr, "web1", &all[1]);
	return one_list(items, count, all, 2);
}

int world_eni_get(struct vnitro_handle *h, const char *id, struct vnitro_eni *out)
{
	struct vnitro_eni *e = world_find(id);

	if (!e)
		return world_no_eni(h, id);
	*out = *e;
	return 0;
}

int world_eni_list(struct vnitro_eni **items, size_t *count)
{
	world_seed();
	return one_list(items, count, world, world_count);
}

int world_eni_add(struct vnitro_handle *h, const struct vnitro_eni_spec *spec, struct vnitro_eni *out)
{
	struct vnitro_eni e;
	char id[VNITRO_ID_LEN];
	int rc;

	world_seed();
	if (strcmp(spec->subnet_id, "subnet-default"))
		return refuse(h, -ENOENT, "subnet \"%s\" not found", spec->subnet_id);
	if (world_count == WORLD_MAX)
		return refuse(h, -ENOSPC, "subnet subnet-default has no free IPv4 address left");
	if (spec->private_ip && (rc = world_check_ip(h, spec->private_ip)))
		return rc;
	snprintf(id, sizeof(id), "eni-0f%015x", ++world_next_id);
	e = make_eni(spec->id ? spec->id : id, 0);
	e.private_ip = spec->private_ip ? spec->private_ip : world_free_ip();
	e.mac[4] = 0x0f;
	e.mac[5] = uint8_t(world_next_id);
	if (spec->type >= 0)
		e.type = uint8_t(spec->type);
	world[world_count] = e;
	if (spec->settings && (rc = world_eni_set(h, e.id, spec->settings, &e)))
		return rc;
	world_count++;
	if (out)
		*out = e;
	return 0;
}

int world_eni_del(struct vnitro_handle *h, const char *id)
{
	struct vnitro_eni *e = world_find(id);

	if (!e)
		return world_no_eni(h, id);
	if (e->instance[0])
		return refuse(h, -EBUSY, "network interface %s is attached to instance %s and cannot "
			      "be deleted; detach it first", id, e->instance);
	world_eips_gone(id, 0);
	*e = world[--world_count];
	return 0;
}

int world_eni_attach(struct vnitro_handle *h, const char *id, const char *instance, uint32_t card,
		     uint32_t index, struct vnitro_eni *out)
{
	struct vnitro_eni *e = world_find(id);
	struct vnitro_instance in;

	if (!e)
		return world_no_eni(h, id);
	if (world_instance_get(h, instance, &in))
		return -ENOENT;
	if (e->instance[0])
		return refuse(h, -EBUSY, "network interface %s is already attached to instance %s",
			      id, e->instance);
	if (index > 31)
		return refuse(h, -ERANGE, "device index %u is out of range (0 to 31)", index);
	if (card > 1)
		return refuse(h, -ERANGE, "network card %u is out of range", card);
	for (size_t i = 0; i < world_count; i++)
		if (!strcmp(world[i].instance, instance) && world[i].network_card == int32_t(card) &&
		    world[i].device_index == int32_t(index))
			return refuse(h, -EBUSY, "device index %u of instance %s is already used by %s",
				      index, instance, world[i].id);
	if (in.eni_count >= WORLD_MAX_ENIS)
		return refuse(h, -ENOSPC, "c5n.18xlarge supports at most %u network interfaces; "
			      "instance %s has %u", WORLD_MAX_ENIS, instance, in.eni_count);
	attach(e, instance, index);
	e->network_card = int32_t(card);
	if (out)
		*out = *e;
	return 0;
}

int world_eni_detach(struct vnitro_handle *h, const char *id)
{
	struct vnitro_eni *e = world_find(id);

	if (!e)
		return world_no_eni(h, id);
	if (!e->instance[0])
		return refuse(h, -EINVAL, "network interface %s is not attached", id);
	if (e->device_index == 0 && e->network_card == 0)
		return refuse(h, -EPERM, "network interface %s is the primary network interface "
			      "(device index 0) of instance %s and cannot be detached", id, e->instance);
	snprintf(e->status, sizeof(e->status), "available");
	e->instance[0] = e->ifname[0] = e->pci_slot[0] = '\0';
	e->device_index = e->network_card = -1;
	e->ifindex = 0;
	e->svc_addr = 0;
	return 0;
}

/* All or nothing, with the kernel's checks on groups and ENA Express. */
int world_eni_set(struct vnitro_handle *h, const char *id, const struct vnitro_eni_settings *s,
		  struct vnitro_eni *out)
{
	struct vnitro_eni *e = world_find(id);
	struct vnitro_eni n;
	struct vnitro_sg g;

	if (!e && world_count < WORLD_MAX && !strcmp(world[world_count].id, id))
		e = &world[world_count];	/* the ENI world_eni_add is making */
	if (!e)
		return world_no_eni(h, id);
	n = *e;
	if (s->description && strlen(s->description) >= VNITRO_DESCRIPTION_LEN)
		return refuse(h, -EINVAL, "a description has at most 255 characters");
	if (s->description)
		snprintf(n.description, sizeof(n.description), "%s", s->description);
	if (s->set_security_groups) {
		if (s->security_group_count > VNITRO_MAX_SECURITY_GROUPS)
			return refuse(h, -ENOSPC, "a network interface has at most 5 security groups");
		for (size_t i = 0; i < s->security_group_count; i++) {
			if (vnitro_sg_get(h, s->security_groups[i], &g))
				return -ENOENT;
			snprintf(n.security_groups[i], sizeof(n.security_groups[i]), "%s",
				 s->security_groups[i]);
		}
		n.security_group_count = uint32_t(s->security_group_count);
	}
	if (s->set_source_dest_check)
		n.source_dest_check = uint8_t(!!s->source_dest_check);
	if (s->set_ena_express)
		n.ena_express = uint8_t(!!s->ena_express);
	if (s->set_ena_express_udp)
		n.ena_express_udp = uint8_t(!!s->ena_express_udp);
	if (n.ena_express_udp && !n.ena_express)
		return refuse(h, -EINVAL, "ENA Express for UDP needs ENA Express turned on");
	*e = n;
	if (out)
		*out = n;
	return 0;
}

int world_eni_ip_assign(struct vnitro_handle *h, const char *id, uint32_t ip, uint32_t count,
			struct vnitro_eni *out)
{
	struct vnitro_eni *e = world_find(id);
	int rc;

	if (!e)
		return world_no_eni(h, id);
	if (!ip && !count)
		return refuse(h, -EINVAL, "give an address to assign, or how many to pick");
	if (1 + e->secondary_count + (ip ? 1 : count) > WORLD_MAX_IPS)
		return refuse(h, -ENOSPC, "c5n.18xlarge supports at most %u private IPv4 addresses "
			      "per network interface; %s has %u", WORLD_MAX_IPS, id,
			      1 + e->secondary_count);
	if (ip && (rc = world_check_ip(h, ip)))
		return rc;
	if (ip)
		e->secondary_ips[e->secondary_count++] = ip;
	for (uint32_t i = 0; !ip && i < count; i++)
		e->secondary_ips[e->secondary_count++] = world_free_ip();
	if (out)
		*out = *e;
	return 0;
}

int world_eni_ip_unassign(struct vnitro_handle *h, const char *id, uint32_t ip,
			  struct vnitro_eni *out)
{
	struct vnitro_eni *e = world_find(id);
	char text[INET_ADDRSTRLEN];

	if (!e)
		return world_no_eni(h, id);
	inet_ntop(AF_INET, &ip, text, sizeof(text));
	if (ip == e->private_ip)
		return refuse(h, -EINVAL, "address %s is the primary private IPv4 address of %s", text, id);
	for (uint32_t i = 0; i < e->secondary_count; i++) {
		if (e->secondary_ips[i] != ip)
			continue;
		memmove(&e->secondary_ips[i], &e->secondary_ips[i + 1],
			(e->secondary_count - i - 1) * sizeof(e->secondary_ips[0]));
		e->secondary_count--;
		world_eips_gone(id, ip);
		if (out)
			*out = *e;
		return 0;
	}
	return refuse(h, -ENOENT, "address %s is not assigned to %s", text, id);
}

/*
 * VNITRO_FAKE_WORLD's security groups and Elastic IPs, with the kernel's
 * checks and errnos (kmod/core/control/sg.cc and eip.cc). Groups: sg-d,
 * vpc-default's default group, and sg-1 ("web", an ssh rule), with room for
 * six more in the fake's table (vnitro itself has no such limit). Addresses:
 * eipalloc-1 (203.0.113.1) associated with PRIMARY's 172.31.0.4 as
 * eipassoc-1, and eipalloc-2 (203.0.113.2); deleting an ENI or unassigning
 * its address disassociates the address on it, as the kernel does.
 */
namespace {

constexpr size_t WORLD_MAX_SGS = 8;
struct vnitro_sg world_sgs[WORLD_MAX_SGS];
size_t world_sg_count;
unsigned world_next_sg;
struct vnitro_eip world_eips[VNITRO_MAX_EIPS];
size_t world_eip_count;
unsigned world_next_eip, world_next_assoc;

/* "sg-" and 1 to 17 lowercase hex digits, as the kernel's ids. */
bool valid_hex_id(const char *id, const char *prefix)
{
	size_t n = strlen(prefix), len = strlen(id);

	return !strncmp(id, prefix, n) && len > n && len <= n + 17 &&
	       strspn(id + n, "0123456789abcdef") == len - n;
}

void world_objects_seed()
{
	static bool seeded;

	if (seeded)
		return;
	seeded = true;
	world_sgs[world_sg_count++] = make_sg("sg-d", "default");
	world_sgs[world_sg_count++] = make_sg("sg-1", "web");
	world_eips[world_eip_count++] = make_eip("eipalloc-1", 1, true);
	world_eips[world_eip_count++] = make_eip("eipalloc-2", 2, false);
}

struct vnitro_sg *world_sg_find(const char *id)
{
	world_objects_seed();
	return find_id(world_sgs, world_sg_count, id);
}

int world_no_sg(struct vnitro_handle *h, const char *id)
{
	return refuse(h, -ENOENT, "security group \"%s\" does not exist", id);
}

const char *direction_name(uint8_t d)
{
	return d == VNITRO_SG_EGRESS ? "egress" : "ingress";
}

/* The address families a rule counts in: a group names members of both. */
unsigned rule_families(const struct vnitro_sg_rule &r)
{
	return r.peer_id[0] ? 3 : r.ipv6 ? 2 : 1;
}

bool host_bits(const struct vnitro_sg_rule &r)
{
	const uint8_t *a = r.ipv6 ? r.cidr6 : reinterpret_cast<const uint8_t *>(&r.cidr_addr);

	for (unsigned bit = r.cidr_prefixlen; bit < (r.ipv6 ? 128u : 32u); bit++)
		if (a[bit / 8] & (0x80 >> (bit % 8)))
			return true;
	return false;
}

/* The kernel's check_rule(): *@out is @in as the group keeps it. */
int world_sg_check(struct vnitro_handle *h, const struct vnitro_sg &g, const struct vnitro_sg_rule &in,
		   struct vnitro_sg_rule *out)
{
	bool ported = in.protocol == 6 || in.protocol == 17, icmp = in.protocol == 1 || in.protocol == 58;
	struct vnitro_sg *peer;

	if (in.direction > VNITRO_SG_EGRESS || in.protocol > VNITRO_SG_PROTO_ALL)
		return refuse(h, -EINVAL, "a rule is ingress or egress, of a protocol 0-255 or all");
	if (ported && !in.has_ports)
		return refuse(h, -EINVAL, "a %s rule needs a port range (0-65535)",
			      in.protocol == 6 ? "tcp" : "udp");
	if (!ported && in.has_ports)
		return refuse(h, -EINVAL, "only tcp and udp rules take ports");
	if (ported && in.port_from > in.port_to)
		return refuse(h, -EINVAL, "port range %u-%u is backwards: the first port must not be "
			      "above the last", in.port_from, in.port_to);
	if (!icmp && (in.icmp_type != -1 || in.icmp_code != -1))
		return refuse(h, -EINVAL, "only icmp and icmpv6 rules take an icmp type and code");
	if (icmp && (in.icmp_type < -1 || in.icmp_type > 255 || in.icmp_code < -1 || in.icmp_code > 255))
		return refuse(h, -EINVAL, "an icmp type and code run from 0 to 255 (-1: any)");
	if (icmp && in.icmp_type == -1 && in.icmp_code != -1)
		return refuse(h, -EINVAL, "an icmp rule for any type must be for any code too");
	*out = {};
	out->direction = in.direction;
	out->protocol = in.protocol;
	out->has_ports = in.has_ports;
	out->port_from = in.has_ports ? in.port_from : 0;
	out->port_to = in.has_ports ? in.port_to : 0;
	out->icmp_type = in.icmp_type;
	out->icmp_code = in.icmp_code;
	if (in.peer_id[0]) {
		peer = world_sg_find(in.peer_id);
		if (!peer)
			return world_no_sg(h, in.peer_id);
		if (strcmp(peer->vpc_id, g.vpc_id))
			return refuse(h, -EINVAL, "a rule can name only a group of its own VPC");
		snprintf(out->peer_id, sizeof(out->peer_id), "%s", in.peer_id);
		return 0;
	}
	out->ipv6 = in.ipv6;
	out->cidr_addr = in.ipv6 ? 0 : in.cidr_addr;
	if (in.ipv6)
		memcpy(out->cidr6, in.cidr6, 16);
	out->cidr_prefixlen = in.cidr_prefixlen;
	if (in.cidr_prefixlen > (in.ipv6 ? 128 : 32))
		return refuse(h, -EINVAL, "CIDR block prefix length /%u is out of range", in.cidr_prefixlen);
	if (host_bits(*out))
		return refuse(h, -EINVAL, "CIDR block has host bits set");
	return 0;
}

} // namespace

int world_sg_get(struct vnitro_handle *h, const char *id, struct vnitro_sg *out)
{
	struct vnitro_sg *g = world_sg_find(id);

	if (!g)
		return world_no_sg(h, id);
	if (out)
		*out = *g;
	return 0;
}

int world_sg_list(struct vnitro_sg **items, size_t *count)
{
	world_objects_seed();
	return one_list(items, count, world_sgs, world_sg_count);
}

int world_sg_add(struct vnitro_handle *h, const char *id, const char *vpc_id, const char *name,
		 const char *description, struct vnitro_sg *out)
{
	struct vnitro_sg g = {};
	struct vnitro_sg_rule &all_out = g.rules[0];
	bool named = name && name[0];
	size_t len;

	world_objects_seed();
	if (strcmp(vpc_id, "vpc-default"))
		return refuse(h, -ENOENT, "VPC \"%s\" does not exist", vpc_id);
	if (id && !valid_hex_id(id, "sg-"))
		return refuse(h, -EINVAL, "invalid security group id \"%s\": expected \"sg-\" and 1 to "
			      "17 lowercase hex digits", id);
	if (id && world_sg_find(id))
		return refuse(h, -EEXIST, "security group %s already exists", id);
	if (id)
		snprintf(g.id, sizeof(g.id), "%s", id);
	else
		snprintf(g.id, sizeof(g.id), "sg-0f%015x", world_next_sg + 1);
	len = strlen(named ? name : g.id);
	if (len >= sizeof(g.name))
		return refuse(h, -EINVAL, "a security group name has at most 255 characters");
	while (len && (named ? name : g.id)[len - 1] == ' ')
		len--;
	memcpy(g.name, named ? name : g.id, len);
	if (named && !len)
		return refuse(h, -EINVAL, "a security group name cannot be empty (or only spaces)");
	if (named && (!strcmp(g.name, "default") || !strncmp(g.name, "sg-", 3)))
		return refuse(h, -EINVAL, "security group names may not be \"default\" or start with "
			      "\"sg-\" (\"%s\")", g.name);
	for (size_t i = 0; i < world_sg_count; i++)
		if (!strcmp(world_sgs[i].vpc_id, vpc_id) && !strcmp(world_sgs[i].name, g.name))
			return refuse(h, -EEXIST, "VPC %s already has a security group named \"%s\" (%s)",
				      vpc_id, g.name, world_sgs[i].id);
	if (description && strlen(description) >= sizeof(g.description))
		return refuse(h, -EINVAL, "a security group description has at most 255 characters");
	if (world_sg_count == WORLD_MAX_SGS)
		return refuse(h, -ENOSPC, "the fake's security group table is full");
	snprintf(g.vpc_id, sizeof(g.vpc_id), "%s", vpc_id);
	snprintf(g.description, sizeof(g.description), "%s", description ? description : "");
	len = strlen(g.description);
	while (len && g.description[len - 1] == ' ')
		g.description[--len] = '\0';
	/* EC2: no inbound rules, and one outbound rule allowing everything. */
	all_out.direction = VNITRO_SG_EGRESS;
	all_out.protocol = VNITRO_SG_PROTO_ALL;
	all_out.icmp_type = all_out.icmp_code = -1;
	g.rule_count = 1;
	world_next_sg += !id;
	world_sgs[world_sg_count++] = g;
	if (out)
		*out = g;
	return 0;
}

int world_sg_del(struct vnitro_handle *h, const char *id)
{
	struct vnitro_sg *g = world_sg_find(id);

	if (!g)
		return world_no_sg(h, id);
	if (!strcmp(g->name, "default"))
		return refuse(h, -EPERM, "CannotDelete: the specified group: \"%s\" name: \"default\" "
			      "cannot be deleted by a user; it goes with VPC %s", id, g->vpc_id);
	world_seed();
	for (size_t i = 0; i < world_count; i++)
		for (uint32_t k = 0; k < world[i].security_group_count; k++)
			if (!strcmp(world[i].security_groups[k], id))
				return refuse(h, -EBUSY, "security group %s has a dependent object: network "
					      "interface %s uses it; give that interface other groups "
					      "first", id, world[i].id);
	for (size_t i = 0; i < world_sg_count; i++)
		for (uint32_t k = 0; &world_sgs[i] != g && k < world_sgs[i].rule_count; k++)
			if (!strcmp(world_sgs[i].rules[k].peer_id, id))
				return refuse(h, -EBUSY, "security group %s has a dependent object: a rule "
					      "of security group %s names it; delete that rule first",
					      id, world_sgs[i].id);
	memmove(g, g + 1, (world_sgs + --world_sg_count - g) * sizeof(*g));
	return 0;
}

/* Ingress rules first, each direction in the order added, as the kernel lists them. */
int world_sg_rule_add(struct vnitro_handle *h, const char *id, const struct vnitro_sg_rule *rule,
		      struct vnitro_sg *out)
{
	struct vnitro_sg *g = world_sg_find(id);
	struct vnitro_sg_rule r;
	uint32_t at = 0, n;
	int rc;

	if (!g)
		return world_no_sg(h, id);
	if ((rc = world_sg_check(h, *g, *rule, &r)))
		return rc;
	for (uint32_t i = 0; i < g->rule_count; i++)
		if (same_rule(g->rules[i], r))
			return refuse(h, -EEXIST, "the specified rule already exists as an %s rule of %s",
				      direction_name(r.direction), id);
	for (unsigned f = 1; f <= 2; f++) {
		n = 0;
		for (uint32_t i = 0; i < g->rule_count; i++)
			n += g->rules[i].direction == r.direction && (rule_families(g->rules[i]) & f);
		if ((rule_families(r) & f) && n >= VNITRO_MAX_SG_RULES)
			return refuse(h, -ENOSPC, "security group %s already has %u %s rules for %s: the "
				      "quota \"Inbound or outbound rules per security group\" is %u per "
				      "address family", id, n, direction_name(r.direction),
				      f == 1 ? "IPv4" : "IPv6", VNITRO_MAX_SG_RULES);
	}
	while (at < g->rule_count && (r.direction == VNITRO_SG_EGRESS ||
				      g->rules[at].direction == VNITRO_SG_INGRESS))
		at++;
	memmove(&g->rules[at + 1], &g->rules[at], (g->rule_count - at) * sizeof(r));
	g->rules[at] = r;
	g->rule_count++;
	if (out)
		*out = *g;
	return 0;
}

int world_sg_rule_del(struct vnitro_handle *h, const char *id, const struct vnitro_sg_rule *rule,
		      struct vnitro_sg *out)
{
	struct vnitro_sg *g = world_sg_find(id);
	struct vnitro_sg_rule r;
	int rc;

	if (!g)
		return world_no_sg(h, id);
	if ((rc = world_sg_check(h, *g, *rule, &r)))
		return rc;
	for (uint32_t i = 0; i < g->rule_count; i++) {
		if (!same_rule(g->rules[i], r))
			continue;
		memmove(&g->rules[i], &g->rules[i + 1], (g->rule_count - i - 1) * sizeof(r));
		g->rule_count--;
		if (out)
			*out = *g;
		return 0;
	}
	return refuse(h, -ENOENT, "the specified rule does not exist as an %s rule of security "
		      "group %s", direction_name(r.direction), id);
}

namespace {

struct vnitro_eip *world_eip_find(const char *id)
{
	world_objects_seed();
	return find_id(world_eips, world_eip_count, id);
}

int world_no_eip(struct vnitro_handle *h, const char *id)
{
	return refuse(h, -ENOENT, "InvalidAllocationID.NotFound: Elastic IP address \"%s\" does not "
		      "exist", id);
}

/* As EIP_GET answers: the ENI's VPC and instance as they are now. */
struct vnitro_eip world_eip_view(const struct vnitro_eip &a)
{
	struct vnitro_eip v = a;
	struct vnitro_eni *e = a.association_id[0] ? world_find(a.eni_id) : nullptr;

	v.vpc_id[0] = v.instance[0] = '\0';
	if (e) {
		snprintf(v.vpc_id, sizeof(v.vpc_id), "%s", e->vpc_id);
		snprintf(v.instance, sizeof(v.instance), "%s", e->instance);
	}
	return v;
}

void world_eip_unmap(struct vnitro_eip &a)
{
	a.association_id[0] = a.eni_id[0] = '\0';
	a.private_ip = 0;
}

const char *ip_text(uint32_t ip, char buf[INET_ADDRSTRLEN])
{
	return inet_ntop(AF_INET, &ip, buf, INET_ADDRSTRLEN);
}

} // namespace

/* The addresses on ENI @eni (@ip 0: all of them) lose their association: the ENI or address went. */
void world_eips_gone(const char *eni, uint32_t ip)
{
	world_objects_seed();
	for (size_t i = 0; i < world_eip_count; i++)
		if (!strcmp(world_eips[i].eni_id, eni) && (!ip || world_eips[i].private_ip == ip))
			world_eip_unmap(world_eips[i]);
}

int world_eip_get(struct vnitro_handle *h, const char *id, struct vnitro_eip *out)
{
	struct vnitro_eip *a = world_eip_find(id);

	if (!a)
		return world_no_eip(h, id);
	if (out)
		*out = world_eip_view(*a);
	return 0;
}

int world_eip_list(struct vnitro_eip **items, size_t *count)
{
	struct vnitro_eip all[VNITRO_MAX_EIPS];

	world_objects_seed();
	for (size_t i = 0; i < world_eip_count; i++)
		all[i] = world_eip_view(world_eips[i]);
	return one_list(items, count, all, world_eip_count);
}

/* The pool is 203.0.113.0/24; its network and broadcast addresses are never allocated. */
int world_eip_add(struct vnitro_handle *h, const char *id, uint32_t public_ip, struct vnitro_eip *out)
{
	uint32_t ip = ntohl(public_ip);
	struct vnitro_eip a = {};
	char text[INET_ADDRSTRLEN];

	world_objects_seed();
	if (id && !valid_hex_id(id, "eipalloc-"))
		return refuse(h, -EINVAL, "invalid Elastic IP allocation id \"%s\": expected "
			      "\"eipalloc-\" and 1 to 17 lowercase hex digits", id);
	if (id && world_eip_find(id))
		return refuse(h, -EEXIST, "Elastic IP allocation %s already exists", id);
	if (world_eip_count >= VNITRO_MAX_EIPS)
		return refuse(h, -ENOSPC, "AddressLimitExceeded: %u Elastic IP addresses are allocated: "
			      "the quota \"Elastic IP addresses per Region\" is %u; release one first",
			      VNITRO_MAX_EIPS, VNITRO_MAX_EIPS);
	if (public_ip && ((ip & 0xffffff00) != 0xcb007100 || (ip & 0xff) == 0 || (ip & 0xff) == 255))
		return refuse(h, -EINVAL, "InvalidAddress.NotFound: %s is not an address of the public "
			      "pool 203.0.113.0/24 (its network and broadcast addresses excluded)",
			      ip_text(public_ip, text));
	for (ip = public_ip ? ip : 0xcb007101; ip < 0xcb0071ff; ip++) {
		size_t i = 0;

		while (i < world_eip_count && world_eips[i].public_ip != htonl(ip))
			i++;
		if (i == world_eip_count)
			break;
		if (public_ip)
			return refuse(h, -EEXIST, "InvalidAddress.InUse: %s is already allocated to %s",
				      ip_text(public_ip, text), world_eips[i].id);
	}
	if (ip == 0xcb0071ff)
		return refuse(h, -ENOSPC, "InsufficientAddressCapacity: the public pool "
			      "203.0.113.0/24 has no free address");
	if (id)
		snprintf(a.id, sizeof(a.id), "%s", id);
	else
		snprintf(a.id, sizeof(a.id), "eipalloc-0f%015x", ++world_next_eip);
	a.public_ip = htonl(ip);
	world_eips[world_eip_count++] = a;
	if (out)
		*out = a;
	return 0;
}

int world_eip_del(struct vnitro_handle *h, const char *id)
{
	struct vnitro_eip *a = world_eip_find(id);
	char text[INET_ADDRSTRLEN];

	if (!a)
		return world_no_eip(h, id);
	if (a->association_id[0])
		return refuse(h, -EBUSY, "InvalidIPAddress.InUse: %s (%s) is associated with %s (%s); "
			      "disassociate it first", id, ip_text(a->public_ip, text), a->eni_id,
			      a->association_id);
	memmove(a, a + 1, (world_eips + --world_eip_count - a) * sizeof(*a));
	return 0;
}

/* vpc-default has its internet gateway, igw-d: the kernel's Gateway.NotAttached never applies. */
int world_eip_associate(struct vnitro_handle *h, const char *id, const char *eni_id,
			uint32_t private_ip, int allow_reassociation, struct vnitro_eip *out)
{
	struct vnitro_eip *a = world_eip_find(id);
	struct vnitro_eni *e;
	char text[INET_ADDRSTRLEN];
	bool has = false;

	if (!a)
		return world_no_eip(h, id);
	e = world_find(eni_id);
	if (!e)
		return refuse(h, -ENOENT, "network interface \"%s\" does not exist", eni_id);
	if (!private_ip)
		private_ip = e->private_ip;
	has = private_ip == e->private_ip;
	for (uint32_t i = 0; i < e->secondary_count; i++)
		has = has || e->secondary_ips[i] == private_ip;
	if (!has)
		return refuse(h, -EINVAL, "InvalidParameterValue: %s is not a private address of %s",
			      ip_text(private_ip, text), eni_id);
	if (a->association_id[0] && (strcmp(a->eni_id, eni_id) || a->private_ip != private_ip) &&
	    !allow_reassociation)
		return refuse(h, -EBUSY, "Resource.AlreadyAssociated: %s is already associated with %s "
			      "(%s); use allow-reassociation to move it", id, a->eni_id,
			      ip_text(a->private_ip, text));
	/* One address per private address: the one there goes (in one VPC, all of the fake's). */
	for (size_t i = 0; i < world_eip_count; i++)
		if (&world_eips[i] != a && world_eips[i].association_id[0] &&
		    world_eips[i].private_ip == private_ip)
			world_eip_unmap(world_eips[i]);
	if (!a->association_id[0] || strcmp(a->eni_id, eni_id) || a->private_ip != private_ip)
		snprintf(a->association_id, sizeof(a->association_id), "eipassoc-0f%015x",
			 ++world_next_assoc);
	snprintf(a->eni_id, sizeof(a->eni_id), "%s", eni_id);
	a->private_ip = private_ip;
	if (out)
		*out = world_eip_view(*a);
	return 0;
}

/* By allocation or association; an association that is gone is no error (idempotent). */
int world_eip_disassociate(struct vnitro_handle *h, const char *id)
{
	struct vnitro_eip *a = nullptr;

	world_objects_seed();
	if (!strncmp(id, "eipassoc-", 9)) {
		for (size_t i = 0; i < world_eip_count; i++)
			if (!strcmp(world_eips[i].association_id, id))
				a = &world_eips[i];
		if (!a && !valid_hex_id(id, "eipassoc-"))
			return refuse(h, -EINVAL, "invalid association id \"%s\": expected \"eipassoc-\" "
				      "and 1 to 17 lowercase hex digits", id);
	} else if (!(a = world_eip_find(id))) {
		return world_no_eip(h, id);
	}
	if (a)
		world_eip_unmap(*a);
	return 0;
}

/*
 * The link-local services: plugged in ("vnitro-services") with
 * VNITRO_FAKE_SERVICES set, or once vnitro_services_add() plugs them.
 */
static bool services_plugged = getenv("VNITRO_FAKE_SERVICES");
static char services_netns[VNITRO_NAME_LEN] = VNITRO_SERVICES_NETNS;

int vnitro_services_get(struct vnitro_handle *h, struct vnitro_services *out)
{
	const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x5e };

	if (!services_plugged)
		return refuse(h, -ENOENT, "no services are plugged in (vnitro services add netns NAME)");
	memset(out, 0, sizeof(*out));
	snprintf(out->netns_name, sizeof(out->netns_name), "%s", services_netns);
	snprintf(out->ifname, sizeof(out->ifname), "svc0");
	out->ifindex = 2;
	memcpy(out->mac, mac, sizeof(mac));
	out->alias_addr = htonl(0xa9fe0000u);
	out->alias_prefixlen = 17;
	out->requests = 12;
	out->replies = 11;
	out->dropped = 1;
	return 0;
}

int vnitro_services_add(struct vnitro_handle *h, const char *netns_name,
			struct vnitro_services *out)
{
	struct vnitro_services scratch;

	if (services_plugged)
		return refuse(h, -EEXIST, "the services are plugged in already, in \"%s\" "
			      "(vnitro services show)", services_netns);
	snprintf(services_netns, sizeof(services_netns), "%s",
		 netns_name ? netns_name : VNITRO_SERVICES_NETNS);
	trace("services_add", services_netns);
	services_plugged = true;
	return vnitro_services_get(h, out ? out : &scratch);
}

int vnitro_services_del(struct vnitro_handle *h)
{
	if (!services_plugged)
		return refuse(h, -ENOENT, "no services are plugged in (vnitro services add netns NAME)");
	services_plugged = false;
	return 0;
}

int vnitro_instance_set(struct vnitro_handle *h, const char *name,
			const struct vnitro_md_changes *c, struct vnitro_instance *out)
{
	struct vnitro_instance *all;
	size_t n = 0;
	bool found = false;

	vnitro_instance_list(h, &all, &n);
	for (size_t i = 0; i < n; i++)
		found |= !strcmp(all[i].name, name);
	free(all);
	if (!found)
		return refuse(h, -ENOENT, "instance \"%s\" not found", name);
	if (c->tokens > 1 || c->endpoint > 1 ||
	    (c->hop_limit >= 0 && (c->hop_limit < 1 || c->hop_limit > 64)))
		return refuse(h, -EINVAL, "metadata option out of range");
	if (c->tokens < 0 && c->hop_limit < 0 && c->endpoint < 0)
		return refuse(h, -EINVAL, "nothing to set");
	for (auto &m : md_set) {
		if (m.name[0] && strcmp(m.name, name))
			continue;
		if (!m.name[0]) {
			snprintf(m.name, sizeof(m.name), "%s", name);
			m.md = { -1, -1, -1 };
		}
		if (c->tokens >= 0)
			m.md.tokens = c->tokens;
		if (c->hop_limit >= 0)
			m.md.hop_limit = c->hop_limit;
		if (c->endpoint >= 0)
			m.md.endpoint = c->endpoint;
		break;
	}
	char what[VNITRO_NAME_LEN + 48];

	snprintf(what, sizeof(what), "%s %d %d %d", name, c->tokens, c->hop_limit, c->endpoint);
	trace("instance_set", what);
	if (out) {
		*out = make_instance(name, PRIMARY, 1);
		md_options(out);
	}
	return 0;
}

/*
 * Placement groups, with the kernel's checks, errnos and messages: the
 * groups and who is in which, kept in the process (both modes). An
 * instance's network nodes are made up from what it shares: the top one
 * from its zone, the two below from its cluster group (all three shared),
 * its partition (those of one partition share them) or itself. With
 * VNITRO_FAKE_PGS set the process starts with six groups, whose members
 * but i-host and web1 are no instances of the fake's (they only count):
 *   hpc    cluster, i-host in it (us-east-1a)
 *   racks  spread (rack), web1 in it
 *   full   spread, seven instances in us-east-1a: the eighth is refused
 *   far    cluster, one instance in us-east-1b
 *   parts  partition, 3 partitions, one instance in 1 and one in 2
 *   spare  cluster, empty
 * and, with VNITRO_FAKE_PGS a number N past 6, empty cluster groups
 * "fill-7" to "fill-N" after them.
 */
namespace {

constexpr size_t PG_FAKE_MEMBERS = 64;

struct pg_member {
	char instance[VNITRO_NAME_LEN];
	char group[VNITRO_PG_NAME_LEN];
	uint32_t partition;
	char az[VNITRO_AZ_LEN];
};

struct vnitro_placement_group pgs[VNITRO_MAX_PGS];
size_t pg_count;
unsigned pg_next_id;
struct pg_member pg_members[PG_FAKE_MEMBERS];
size_t pg_member_count;

struct vnitro_placement_group *pg_find(const char *name_or_id)
{
	for (size_t i = 0; i < pg_count; i++)
		if (!strcmp(pgs[i].name, name_or_id) || !strcmp(pgs[i].id, name_or_id))
			return &pgs[i];
	return nullptr;
}

void pg_join(const char *instance, const char *group, uint32_t partition, const char *az)
{
	struct pg_member &m = pg_members[pg_member_count++];

	snprintf(m.instance, sizeof(m.instance), "%s", instance);
	snprintf(m.group, sizeof(m.group), "%s", group);
	m.partition = partition;
	snprintf(m.az, sizeof(m.az), "%s", az);
}

void pg_seed_one(const char *name, uint8_t strategy, uint32_t partitions)
{
	struct vnitro_placement_group &g = pgs[pg_count++];

	g = {};
	snprintf(g.name, sizeof(g.name), "%s", name);
	snprintf(g.id, sizeof(g.id), "pg-0a%015zx", pg_count);
	g.strategy = strategy;
	g.partition_count = partitions;
	g.spread_level = strategy == VNITRO_PG_SPREAD ? VNITRO_PG_SPREAD_RACK : 0;
}

void pg_seed()
{
	static bool seeded;
	char name[VNITRO_NAME_LEN];

	if (seeded)
		return;
	seeded = true;
	if (!getenv("VNITRO_FAKE_PGS"))
		return;
	pg_seed_one("hpc", VNITRO_PG_CLUSTER, 0);
	pg_seed_one("racks", VNITRO_PG_SPREAD, 0);
	pg_seed_one("full", VNITRO_PG_SPREAD, 0);
	pg_seed_one("far", VNITRO_PG_CLUSTER, 0);
	pg_seed_one("parts", VNITRO_PG_PARTITION, 3);
	pg_join("i-host", "hpc", 0, "us-east-1a");
	pg_join("web1", "racks", 0, "us-east-1a");
	for (unsigned i = 1; i <= VNITRO_PG_SPREAD_PER_AZ; i++) {
		snprintf(name, sizeof(name), "i-full%u", i);
		pg_join(name, "full", 0, "us-east-1a");
	}
	pg_join("i-far", "far", 0, "us-east-1b");
	pg_join("i-part1", "parts", 1, "us-east-1a");
	pg_join("i-part2", "parts", 2, "us-east-1a");
	pg_seed_one("spare", VNITRO_PG_CLUSTER, 0);
	while (pg_count < strtoul(getenv("VNITRO_FAKE_PGS"), nullptr, 10) && pg_count < VNITRO_MAX_PGS) {
		snprintf(name, sizeof(name), "fill-%zu", pg_count + 1);
		pg_seed_one(name, VNITRO_PG_CLUSTER, 0);
	}
}

struct pg_member *pg_member_of(const char *instance)
{
	pg_seed();
	for (size_t i = 0; i < pg_member_count; i++)
		if (!strcmp(pg_members[i].instance, instance))
			return &pg_members[i];
	return nullptr;
}

/* Its instances (in @az, or anywhere for nullptr; in @partition, or any for 0). */
uint32_t pg_instances(const char *group, const char *az, uint32_t partition)
{
	uint32_t n = 0;

	for (size_t i = 0; i < pg_member_count; i++)
		n += !strcmp(pg_members[i].group, group) && (!az || !strcmp(pg_members[i].az, az)) &&
		     (!partition || pg_members[i].partition == partition);
	return n;
}

/* As PG_GET answers: its instances counted, a cluster group's zone while it has any. */
struct vnitro_placement_group pg_view(const struct vnitro_placement_group &g)
{
	struct vnitro_placement_group v = g;

	v.instance_count = pg_instances(g.name, nullptr, 0);
	v.az[0] = '\0';
	for (size_t i = 0; i < pg_member_count && g.strategy == VNITRO_PG_CLUSTER; i++)
		if (!strcmp(pg_members[i].group, g.name))
			snprintf(v.az, sizeof(v.az), "%s", pg_members[i].az);
	return v;
}

int pg_unknown(struct vnitro_handle *h, const char *name)
{
	return refuse(h, -ENOENT, "InvalidPlacementGroup.Unknown: The Placement Group '%s' is unknown.",
		      name);
}

bool pg_name_ok(const char *name)
{
	size_t len = strlen(name);

	for (const char *c = name; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			return false;
	return len >= 1 && len < VNITRO_PG_NAME_LEN;
}

/* "nn-" and 17 hex digits from what the node stands for (FNV-1a). */
void network_node(char out[VNITRO_ID_LEN], unsigned layer, const char *what, uint32_t partition)
{
	unsigned long long x = 0xcbf29ce484222325ull;
	char key[VNITRO_PG_NAME_LEN + 32];

	snprintf(key, sizeof(key), "%u/%s/%u", layer, what, partition);
	for (const char *c = key; *c; c++)
		x = (x ^ static_cast<unsigned char>(*c)) * 0x100000001b3ull;
	snprintf(out, VNITRO_ID_LEN, "nn-%017llx", x);
}

/* The partition with the fewest instances, the lowest on ties. */
uint32_t pg_pick_partition(const struct vnitro_placement_group &g)
{
	uint32_t best = 1;

	for (uint32_t p = 2; p <= g.partition_count; p++)
		if (pg_instances(g.name, nullptr, p) < pg_instances(g.name, nullptr, best))
			best = p;
	return best;
}

/* The kernel's order: the group, the partition, the type, the zone. */
int pg_check_place(struct vnitro_handle *h, const char *group, uint32_t partition, const char *type,
		   const char *az)
{
	struct vnitro_placement_group *g;

	if (!group || !*group)
		return partition ? refuse(h, -EINVAL, "InvalidParameterCombination: a partition number "
					  "needs a placement group") : 0;
	g = pg_find(group);
	if (!g || strcmp(g->name, group))
		return pg_unknown(h, group);
	if (partition && g->strategy != VNITRO_PG_PARTITION)
		return refuse(h, -EINVAL, "InvalidParameterCombination: a partition number is valid "
			      "only in a partition placement group");
	if (partition > g->partition_count)
		return refuse(h, -EINVAL, "InvalidParameterValue: partition %u is out of range: "
			      "placement group '%s' has %u partitions", partition, group,
			      g->partition_count);
	if (g->strategy == VNITRO_PG_CLUSTER && type[0] == 't' && type[1] >= '0' && type[1] <= '9')
		return refuse(h, -EINVAL, "InvalidParameterCombination: Placement groups may not be "
			      "used with instances of type '%s'.", type);
	if (g->strategy == VNITRO_PG_CLUSTER && pg_view(*g).az[0] && strcmp(pg_view(*g).az, az))
		return refuse(h, -EBUSY, "InvalidPlacementGroup.InUse: The placement group '%s' is in "
			      "use in another availability zone: %s", group, pg_view(*g).az);
	if (g->strategy == VNITRO_PG_SPREAD && pg_instances(group, az, 0) >= VNITRO_PG_SPREAD_PER_AZ)
		return refuse(h, -ENOSPC, "InsufficientInstanceCapacity: spread placement group '%s' "
			      "already has %d instances in %s (EC2: seven running instances per "
			      "Availability Zone)", group, VNITRO_PG_SPREAD_PER_AZ, az);
	return 0;
}

} // namespace

void placement_fill(struct vnitro_instance *in)
{
	struct pg_member *m = pg_member_of(in->name);
	struct vnitro_placement_group *g = m ? pg_find(m->group) : nullptr;

	network_node(in->network_nodes[0], 0, in->az, 0);
	if (!g) {
		network_node(in->network_nodes[1], 1, in->name, 0);
		network_node(in->network_nodes[2], 2, in->name, 0);
		return;
	}
	snprintf(in->placement_group, sizeof(in->placement_group), "%s", g->name);
	snprintf(in->placement_group_id, sizeof(in->placement_group_id), "%s", g->id);
	in->partition = m->partition;
	if (g->strategy == VNITRO_PG_SPREAD) {
		network_node(in->network_nodes[1], 1, in->name, 0);
		network_node(in->network_nodes[2], 2, in->name, 0);
	} else {
		network_node(in->network_nodes[1], 1, g->id, m->partition);
		network_node(in->network_nodes[2], 2, g->id, m->partition);
	}
}

void placement_leave(const char *instance)
{
	struct pg_member *m = pg_member_of(instance);

	if (m)
		*m = pg_members[--pg_member_count];
}

extern "C" {

int vnitro_instance_add_placed(struct vnitro_handle *h, const char *name, int netns_fd,
			       const char *subnet_id, uint32_t private_ip, const char *type,
			       const char *placement_group, uint32_t partition,
			       struct vnitro_instance *out)
{
	struct vnitro_instance scratch;
	struct vnitro_placement_group *g;
	char what[VNITRO_NAME_LEN + VNITRO_PG_NAME_LEN + 16];
	int rc;

	if (!out)
		out = &scratch;
	pg_seed();
	rc = vnitro_instance_add(h, name, netns_fd, subnet_id, private_ip, out);
	if (!rc && type)
		snprintf(out->type.name, sizeof(out->type.name), "%s", type);
	if (!rc)
		rc = pg_check_place(h, placement_group, partition, out->type.name, out->az);
	if (rc || !placement_group || !*placement_group)
		return rc;
	if (pg_member_count == PG_FAKE_MEMBERS)
		return refuse(h, -ENOSPC, "the fake's placement table is full");
	g = pg_find(placement_group);
	if (g->strategy == VNITRO_PG_PARTITION && !partition)
		partition = pg_pick_partition(*g);
	placement_leave(name);
	pg_join(name, g->name, partition, out->az);
	placement_fill(out);
	snprintf(what, sizeof(what), "%s %s %u", name, g->name, partition);
	trace("instance_placed", what);
	return 0;
}

/* Another host's instance, or a given primary ENI: not in the fake. */
int vnitro_instance_create(struct vnitro_handle *h, const struct vnitro_instance_spec *spec,
			   struct vnitro_instance *out)
{
	if (spec->host || spec->primary_eni_id || spec->mac)
		return FAKE_REFUSE(h);
	return vnitro_instance_add_placed(h, spec->name, spec->netns_fd, spec->subnet_id,
					  spec->private_ip, spec->type, spec->placement_group,
					  spec->partition, out);
}

/* The fake has no tunnel: none, and setting one is refused. */
int vnitro_tunnel_get(struct vnitro_handle *, struct vnitro_tunnel *out)
{
	*out = {};
	return 0;
}

int vnitro_tunnel_set(struct vnitro_handle *h, const char *, struct vnitro_tunnel *)
{
	return FAKE_REFUSE(h);
}

int vnitro_tunnel_set_local(struct vnitro_handle *h, const char *, uint32_t, struct vnitro_tunnel *)
{
	return FAKE_REFUSE(h);
}

int vnitro_pg_add(struct vnitro_handle *h, const char *name, uint8_t strategy,
		  uint32_t partition_count, uint8_t spread_level, struct vnitro_placement_group *out)
{
	struct vnitro_placement_group g = {};

	pg_seed();
	if (!pg_name_ok(name))
		return refuse(h, -EINVAL, "InvalidParameterValue: a placement group name is 1 to 255 "
			      "ASCII characters");
	if (strategy < VNITRO_PG_CLUSTER || strategy > VNITRO_PG_PARTITION)
		return refuse(h, -EINVAL, "InvalidParameterValue: strategy must be cluster, spread or "
			      "partition");
	if (partition_count && strategy != VNITRO_PG_PARTITION)
		return refuse(h, -EINVAL, "InvalidParameterCombination: a partition count is valid "
			      "only for a partition placement group");
	if (partition_count > VNITRO_PG_MAX_PARTITIONS)
		return refuse(h, -EINVAL, "InvalidParameterValue: partition count %u is out of range: "
			      "1 to %d", partition_count, VNITRO_PG_MAX_PARTITIONS);
	if (spread_level && strategy != VNITRO_PG_SPREAD)
		return refuse(h, -EINVAL, "InvalidParameterCombination: a spread level is valid only "
			      "for a spread placement group");
	if (spread_level == VNITRO_PG_SPREAD_HOST)
		return refuse(h, -EINVAL, "InvalidParameterValue: spread level host is only for "
			      "placement groups on AWS Outposts");
	if (spread_level > VNITRO_PG_SPREAD_HOST)
		return refuse(h, -EINVAL, "InvalidParameterValue: spread level must be rack or host");
	for (size_t i = 0; i < pg_count; i++)
		if (!strcmp(pgs[i].name, name))
			return refuse(h, -EEXIST, "InvalidPlacementGroup.Duplicate: The placement group "
				      "'%s' already exists.", name);
	if (pg_count == VNITRO_MAX_PGS)
		return refuse(h, -ENOSPC, "PlacementGroupLimitExceeded: you can create at most %d "
			      "placement groups", VNITRO_MAX_PGS);
	snprintf(g.name, sizeof(g.name), "%s", name);
	snprintf(g.id, sizeof(g.id), "pg-0f%015x", ++pg_next_id);
	g.strategy = strategy;
	if (strategy == VNITRO_PG_PARTITION)
		g.partition_count = partition_count ? partition_count : uint32_t(VNITRO_PG_DEFAULT_PARTITIONS);
	if (strategy == VNITRO_PG_SPREAD)
		g.spread_level = VNITRO_PG_SPREAD_RACK;
	pgs[pg_count++] = g;
	trace("pg_add", name);
	if (out)
		*out = g;
	return 0;
}

int vnitro_pg_del(struct vnitro_handle *h, const char *name)
{
	struct vnitro_placement_group *g;

	pg_seed();
	g = pg_find(name);
	if (!g || strcmp(g->name, name))
		return pg_unknown(h, name);
	if (pg_instances(name, nullptr, 0))
		return refuse(h, -EBUSY, "InvalidPlacementGroup.InUse: The placement group '%s' is in "
			      "use and may not be deleted.", name);
	trace("pg_del", name);
	memmove(g, g + 1, (pgs + --pg_count - g) * sizeof(*g));
	return 0;
}

int vnitro_pg_get(struct vnitro_handle *h, const char *name_or_id, struct vnitro_placement_group *out)
{
	struct vnitro_placement_group *g;

	pg_seed();
	g = pg_find(name_or_id);
	if (!g)
		return pg_unknown(h, name_or_id);
	if (out)
		*out = pg_view(*g);
	return 0;
}

int vnitro_pg_list(struct vnitro_handle *, struct vnitro_placement_group **items, size_t *count)
{
	pg_seed();
	*items = static_cast<struct vnitro_placement_group *>(calloc(pg_count ? pg_count : 1,
								     sizeof(**items)));
	for (size_t i = 0; i < pg_count; i++)
		(*items)[i] = pg_view(pgs[i]);
	*count = pg_count;
	return 0;
}

} // extern "C"
