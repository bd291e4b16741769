// SPDX-License-Identifier: GPL-2.0
// ctl_fixture.h - a control plane on the fake ops, snapshots of its state, refusal checks.
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <initializer_list>

#include <linux/vnitro.h>

#include "harness.h"

constexpr uint32_t ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return static_cast<uint32_t>(a) << 24 | b << 16 | c << 8 | d;
}

// The default world's blocks.
constexpr uint32_t vpc_default_block = ip4(172, 31, 0, 0);	// /16
constexpr uint32_t subnet_default_block = ip4(172, 31, 0, 0);	// /20

inline vcore_ctl *ctl;
// The fabric the control plane sets route tables in.
inline vcore_fabric *ctl_fab;
// Stand-ins for network namespaces: the instances' cookies.
inline int ns1, ns2, ns3;

inline void ctl_release(void)
{
	vcore_ctl_destroy(ctl);
	ctl = nullptr;
	vcore_fabric_destroy(ctl_fab);
	ctl_fab = nullptr;
}

// Suite .init: an empty control plane on the fake ops and a fabric.
inline void ctl_setup(void)
{
	harness_init(ctl_release);
	ctl_fab = vcore_fabric_create();
	cr_assert_not_null(ctl_fab);
	ctl = vcore_ctl_create(&fake_ctl_ops, &fake, ctl_fab);
	cr_assert_not_null(ctl);
}

// The route table the fabric holds for subnet @key (count 0 and -ENOENT: none).
inline int fabric_table(uint32_t key, vcore_fabric_subnet_desc *out)
{
	*out = vcore_fabric_subnet_desc{};
	return vcore_fabric_subnet_get(ctl_fab, key, out);
}

// tables[key] = route count + 1 for each subnet key the fabric has a table for, 0 = none.
inline void fabric_tables(uint32_t *tables, uint32_t n)
{
	static vcore_fabric_subnet_desc d;	// large: not on the stack

	for (uint32_t key = 0; key < n; key++)
		tables[key] = fabric_table(key, &d) ? 0 : d.route_count + 1;
}

/* ---- building a world; each helper asserts success ---- */

// vpc-default, subnet-default (us-east-1a) and instance i1 on &ns1.
inline void default_world(void)
{
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_create_default_world(ctl, "i1", &ns1, &err), 0, "%s", err.msg);
}

inline void add_vpc(const char *id, uint32_t addr, uint8_t prefixlen)
{
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_vpc_add(ctl, id, addr, prefixlen, &err), 0, "%s", err.msg);
}

inline void add_subnet(const char *id, const char *vpc, uint32_t addr, uint8_t prefixlen,
		       const char *az)
{
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_subnet_add(ctl, id, vpc, addr, prefixlen, az, &err), 0, "%s",
		     err.msg);
}

inline vcore_instance_info add_instance(const char *name, void *cookie, const char *subnet,
					uint32_t primary_ip = 0, const char *type = nullptr)
{
	vcore_instance_info info;
	vcore_err err = {};

	memset(&info, 0xa5, sizeof(info));
	cr_assert_eq(vcore_ctl_instance_add(ctl, name, cookie, subnet, primary_ip, type, &info,
					    &err),
		     0, "%s", err.msg);
	return info;
}

inline vcore_eni_spec eni_spec(const char *subnet, uint32_t ip = 0, const char *id = "",
			       const uint8_t *mac = nullptr, uint8_t type = VNITRO_ENI_TYPE_INTERFACE)
{
	vcore_eni_spec spec = {};

	snprintf(spec.id, sizeof(spec.id), "%s", id);
	snprintf(spec.subnet_id, sizeof(spec.subnet_id), "%s", subnet);
	spec.private_ip = ip;
	if (mac)
		memcpy(spec.mac, mac, 6);
	spec.type = type;
	return spec;
}

inline vcore_eni_info add_eni(const vcore_eni_spec &spec)
{
	vcore_eni_info info;
	vcore_err err = {};

	memset(&info, 0xa5, sizeof(info));
	cr_assert_eq(vcore_ctl_eni_add(ctl, &spec, &info, &err), 0, "%s", err.msg);
	return info;
}

inline vcore_eni_info attach_on(const char *id, const char *instance, uint32_t card,
				uint32_t index)
{
	vcore_eni_info info;
	vcore_err err = {};

	memset(&info, 0xa5, sizeof(info));
	cr_assert_eq(vcore_ctl_eni_attach(ctl, id, instance, card, index, &info, &err), 0, "%s",
		     err.msg);
	return info;
}

inline vcore_eni_info attach(const char *id, const char *instance, uint32_t index)
{
	return attach_on(id, instance, 0, index);
}

inline void detach(const char *id)
{
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_eni_detach(ctl, id, &err), 0, "%s", err.msg);
}

/* ---- looking at it ---- */

inline vcore_eni_info get_eni(const char *id)
{
	vcore_eni_info info;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_eni_get(ctl, id, &info, &err), 0, "%s", err.msg);
	return info;
}

inline vcore_instance_info get_instance(const char *name)
{
	vcore_instance_info info;
	vcore_err err = {};

	cr_assert_eq(vcore_ctl_instance_get(ctl, name, &info, &err), 0, "%s", err.msg);
	return info;
}

inline bool eni_exists(const char *id)
{
	vcore_eni_info info;
	vcore_err err = {};

	return vcore_ctl_eni_get(ctl, id, &info, &err) == 0;
}

// How many objects *_at iterates over before -ENOENT.
#define DEFINE_COUNT(what, info_type)					\
	inline uint32_t count_##what##s(void)				\
	{								\
		info_type info;						\
		uint32_t n = 0;						\
									\
		while (vcore_ctl_##what##_at(ctl, n, &info) == 0)	\
			n++;						\
		return n;						\
	}
DEFINE_COUNT(vpc, vcore_vpc_info)
DEFINE_COUNT(subnet, vcore_subnet_info)
DEFINE_COUNT(instance, vcore_instance_info)
DEFINE_COUNT(eni, vcore_eni_info)
DEFINE_COUNT(route, vcore_route_info)
DEFINE_COUNT(igw, vcore_igw_info)
DEFINE_COUNT(sg, vcore_sg_info)
DEFINE_COUNT(nacl, vcore_nacl_info)
DEFINE_COUNT(eip, vcore_eip_info)
DEFINE_COUNT(pg, vcore_pg_info)
#undef DEFINE_COUNT

inline bool mac_is_local_unicast(const uint8_t *mac)
{
	return (mac[0] & 0x03) == 0x02;
}

/* ---- "a refused call changes nothing" ---- */

// Everything the control plane shows through *_at, plus what it holds outside.
struct snapshot {
	char text[65536];
	long live_allocs;
	unsigned int live_plugs, unplugs, releases;
	unsigned int port_updates, live_igws, igw_updates;
	uint32_t published[harness_max_plugs];	// fabric_tables()
};

inline void snap_append(snapshot *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
inline void snap_append(snapshot *s, const char *fmt, ...)
{
	size_t len = strlen(s->text);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->text + len, sizeof(s->text) - len, fmt, ap);
	va_end(ap);
}

inline void take(snapshot *s)
{
	vcore_vpc_info v;
	vcore_subnet_info sn;
	static vcore_instance_info i;	// large: not on the stack
	static vcore_pg_info pg;
	static vcore_eni_info e;	// large: not on the stack
	vcore_route_info r;
	vcore_igw_info g;
	static vcore_sg_info sg;
	vcore_ctl_sg_rule rule;
	static vcore_nacl_info acl;
	vcore_ctl_nacl_entry entry;
	static vcore_fabric_subnet_desc table;	// large: not on the stack
	vcore_eip_info eip;
	uint32_t pool_addr;
	uint8_t pool_prefixlen;

	s->text[0] = '\0';
	for (uint32_t n = 0; vcore_ctl_vpc_at(ctl, n, &v) == 0; n++)
		snap_append(s, "vpc %s %08x/%u\n", v.id, v.cidr_addr, v.cidr_prefixlen);
	for (uint32_t n = 0; vcore_ctl_subnet_at(ctl, n, &sn) == 0; n++)
		snap_append(s, "subnet %s %s %s %08x/%u %s\n", sn.id, sn.vpc_id, sn.az, sn.cidr_addr,
			    sn.cidr_prefixlen, sn.nacl_id);
	for (uint32_t n = 0; vcore_ctl_instance_at(ctl, n, &i) == 0; n++)
		snap_append(s, "instance %s %s %s %s %u %p pg \"%s\" %u\n", i.name, i.subnet_id, i.az,
			    i.primary_eni_id, i.eni_count, i.cookie, i.pg_name, i.partition);
	for (uint32_t n = 0; vcore_ctl_pg_at(ctl, n, &pg) == 0; n++)
		snap_append(s, "pg \"%s\" %s %u %u %u %u %s\n", pg.name, pg.id, pg.strategy,
			    pg.partition_count, pg.spread_level, pg.instance_count, pg.az);
	for (uint32_t n = 0; vcore_ctl_eni_at(ctl, n, &e) == 0; n++)
		snap_append(s, "eni %s %s %s %02x:%02x:%02x:%02x:%02x:%02x %08x %u %u %u %s %u %p\n",
			    e.id, e.subnet_id, e.vpc_id, e.mac[0], e.mac[1], e.mac[2], e.mac[3],
			    e.mac[4], e.mac[5], e.private_ip, e.type, e.source_dest_check,
			    e.attached, e.instance, e.device_index, e.plug_cookie);
	for (uint32_t n = 0; vcore_ctl_eni_at(ctl, n, &e) == 0; n++) {
		snap_append(s, "eni %s ips", e.id);
		for (uint32_t k = 0; k < e.secondary_count; k++)
			snap_append(s, " %08x", e.secondary_ips[k]);
		snap_append(s, " sgs");
		for (uint32_t k = 0; k < e.security_group_count; k++)
			snap_append(s, " %s", e.security_groups[k]);
		snap_append(s, " desc \"%s\" express %u %u conntrack %u %u %u\n", e.description,
			    e.ena_express, e.ena_express_udp, e.tcp_established_timeout,
			    e.udp_stream_timeout, e.udp_timeout);
	}
	for (uint32_t n = 0; vcore_ctl_route_at(ctl, n, &r) == 0; n++)
		snap_append(s, "route %s %08x/%u %u %s %u\n", r.subnet_id, r.addr, r.prefixlen,
			    r.target, r.target_id, r.blackhole);
	for (uint32_t n = 0; vcore_ctl_igw_at(ctl, n, &g) == 0; n++)
		snap_append(s, "igw %s %s %s %u %u %p\n", g.id, g.vpc_id, g.netns_name, g.frag_needed, g.egress_only,
			    g.cookie);
	for (uint32_t n = 0; vcore_ctl_sg_at(ctl, n, &sg) == 0; n++) {
		snap_append(s, "sg %s %s \"%s\" \"%s\" %u %u %u\n", sg.id, sg.vpc_id, sg.name,
			    sg.description, sg.key, sg.is_default, sg.rule_count);
		for (uint32_t k = 0; vcore_ctl_sg_rule_at(ctl, sg.id, k, &rule) == 0; k++)
			snap_append(s, " rule %u %u %u %u-%u %d/%d %s %08x/%u\n", rule.direction,
				    rule.protocol, rule.has_ports, rule.port_from, rule.port_to,
				    rule.icmp_type, rule.icmp_code, rule.peer_id, rule.cidr_addr,
				    rule.cidr_prefixlen);
	}
	for (uint32_t n = 0; vcore_ctl_nacl_at(ctl, n, &acl) == 0; n++) {
		snap_append(s, "nacl %s %s %u %u %u %u\n", acl.id, acl.vpc_id, acl.key,
			    acl.is_default, acl.entry_count, acl.subnet_count);
		for (uint32_t k = 0; vcore_ctl_nacl_entry_at(ctl, acl.id, k, &entry) == 0; k++)
			snap_append(s, " entry %u %u %u %u %u %u-%u %d/%d %08x/%u\n",
				    entry.direction, entry.number, entry.action, entry.protocol,
				    entry.has_ports, entry.port_from, entry.port_to,
				    entry.icmp_type, entry.icmp_code, entry.cidr_addr,
				    entry.cidr_prefixlen);
	}
	vcore_ctl_eip_pool_get(ctl, &pool_addr, &pool_prefixlen);
	snap_append(s, "eip pool %08x/%u\n", pool_addr, pool_prefixlen);
	for (uint32_t n = 0; vcore_ctl_eip_at(ctl, n, &eip) == 0; n++)
		snap_append(s, "eip %s %08x %u %s %s %s %08x %s\n", eip.id, eip.public_ip,
			    eip.associated, eip.association_id, eip.eni_id, eip.vpc_id,
			    eip.private_ip, eip.instance);
	for (uint32_t key = 0; key < harness_max_plugs; key++)
		if (fabric_table(key, &table) == 0)
			snap_append(s, "fabric subnet %u nacl %u\n", key, table.nacl_key);
	s->port_updates = fake.port_updates;
	s->live_igws = fake.live_igws;
	s->igw_updates = fake.igw_updates;
	fabric_tables(s->published, harness_max_plugs);
	s->live_allocs = harness.live_allocs;
	s->live_plugs = fake_live_plugs();
	s->unplugs = fake.unplugs;
	s->releases = fake.releases;
}

/*
 * Runs @call(err) and asserts that it returned @code, set err->code, wrote a
 * message naming every word in @words, and left the control plane as it was.
 */
template <typename F>
void check_refused(int line, int code, F call, std::initializer_list<const char *> words)
{
	static snapshot before_, after_;	// large: not on the stack
	snapshot *before = &before_, *after = &after_;
	vcore_err err;
	int rc;

	take(before);
	memset(&err, 0, sizeof(err));
	rc = call(&err);
	cr_assert_eq(rc, code, "line %d: returned %d (\"%s\"), expected %d", line, rc, err.msg,
		     code);
	cr_assert_eq(err.code, code, "line %d: err.code %d, expected %d", line, err.code, code);
	for (const char *w : words)
		cr_assert(strstr(err.msg, w), "line %d: message \"%s\" does not mention \"%s\"",
			  line, err.msg, w);
	take(after);
	cr_assert_str_eq(after->text, before->text, "line %d: state changed from\n%sto\n%s", line,
			 before->text, after->text);
	cr_assert_eq(after->live_allocs, before->live_allocs,
		     "line %d: %ld allocation(s) left behind", line,
		     after->live_allocs - before->live_allocs);
	cr_assert_eq(after->live_plugs, before->live_plugs, "line %d: plug left behind", line);
	cr_assert_eq(after->unplugs, before->unplugs, "line %d: something was unplugged", line);
	cr_assert_eq(after->releases, before->releases, "line %d: a namespace was released", line);
	cr_assert_eq(after->port_updates, before->port_updates, "line %d: a port was updated", line);
	cr_assert_eq(after->live_igws, before->live_igws, "line %d: a gateway was (un)plugged", line);
	cr_assert_eq(after->igw_updates, before->igw_updates, "line %d: a gateway was updated", line);
	cr_assert_eq(memcmp(after->published, before->published, sizeof(after->published)), 0,
		     "line %d: the published route tables changed", line);
}

// assert_refused(-EINVAL, [&](vcore_err *err) { return vcore_ctl_...(..., err); }, "word", ...)
#define assert_refused(code, call, ...) check_refused(__LINE__, code, call, { __VA_ARGS__ })
