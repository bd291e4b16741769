// SPDX-License-Identifier: GPL-2.0
// nacl.cc - network ACLs: stateless, numbered allow/deny rules at the edge of each subnet.
#include "fabric/fabric.h"
#include "fabric/ipv6.h"
#include "base/ipv4.h"

using namespace vnitro::base;

namespace vnitro::fabric {

namespace {

constexpr uint32_t ingress = 0, egress = 1;

bool rule_matches(const vcore_nacl_rule &r, const sg_packet &pk, const addr128 &remote)
{
	if (pk.v6 ? !prefix6_contains({ r.cidr6_hi, r.cidr6_lo }, r.cidr_prefixlen, remote)
		  : !prefix_contains(r.cidr_addr, r.cidr_prefixlen, static_cast<uint32_t>(remote.lo)))
		return false;
	if (r.proto == VCORE_SG_PROTO_ALL)
		return true;
	if (r.proto != pk.proto)
		return false;
	if (!pk.l4)		// a later fragment shows its protocol only
		return true;
	if (pk.proto == ipproto_tcp || pk.proto == ipproto_udp)
		return pk.dport >= r.port_lo && pk.dport <= r.port_hi;
	if (pk.proto == ipproto_icmp || pk.proto == ipproto_icmpv6)
		return (r.icmp_type < 0 || r.icmp_type == pk.icmp_type) &&
		       (r.icmp_code < 0 || r.icmp_code == pk.icmp_code);
	return true;
}

/*
 * Subnet @subnet_key's verdict in direction @d on @pkt, whose remote end is
 * its source (ingress) or destination (egress): no ACL passes (the packet
 * unread); an ACL decides by its lowest-numbered matching rule of the
 * packet's address family; nothing matching, or an ACL the fabric does not
 * hold, denies.
 */
bool subnet_allows(const fabric *fab, uint32_t subnet_key, uint32_t d, packet &pkt)
{
	const route_table *t = find_table(fab, subnet_key);
	const nacl *a;

	if (!t || !t->nacl_key)
		return true;
	a = fab->nacls.find(t->nacl_key);
	if (!a)
		return false;
	const sg_packet &pk = pkt.fields();
	const addr128 &remote = d == ingress ? pk.src : pk.dst;
	uint32_t fam = pk.v6;

	for (uint32_t i = 0; i < a->count[d][fam]; i++)
		if (rule_matches(a->rules[d][fam][i], pk, remote))
			return a->rules[d][fam][i].allow;
	return false;
}

bool crossing(const port *src, const port *dst)
{
	return src->kind != dst->kind || src->subnet_key != dst->subnet_key;
}

bool refuse(fabric *fab, port *src)
{
	drop(cpu_stats(fab).drop_nacl, src);
	return false;
}

bool valid_rule(const vcore_nacl_rule &r)
{
	if (!r.number || r.number > VCORE_NACL_MAX_NUMBER || r.allow > 1 || r.ipv6 > 1)
		return false;
	if (r.cidr_prefixlen > (r.ipv6 ? 128 : 32))
		return false;
	if (r.ipv6 ? !prefix6_exact({ r.cidr6_hi, r.cidr6_lo }, r.cidr_prefixlen)
		   : (r.cidr_addr & ~prefix_mask(r.cidr_prefixlen)) != 0)
		return false;
	if (r.proto == VCORE_SG_PROTO_ALL)
		return true;
	if (r.proto > 255)
		return false;
	if (r.proto == ipproto_tcp || r.proto == ipproto_udp)
		return r.port_lo <= r.port_hi;
	if (r.proto == ipproto_icmp || r.proto == ipproto_icmpv6)
		return r.icmp_type >= -1 && r.icmp_type <= 255 && r.icmp_code >= -1 &&
		       r.icmp_code <= 255 && !(r.icmp_type < 0 && r.icmp_code >= 0);
	return true;
}

/*
 * Puts @n rules sorted by number into @out, one list per address family
 * (@count: their lengths); false if one is bad or a number repeats in the
 * direction, whatever the family (EC2 numbers a direction's rules once).
 */
bool sorted_rules(const vcore_nacl_rule *in, uint32_t n, vcore_nacl_rule (*out)[VCORE_NACL_MAX_RULES],
		  uint32_t *count)
{
	for (uint32_t i = 0; i < n; i++) {
		if (!valid_rule(in[i]))
			return false;
		for (uint32_t j = 0; j < i; j++)
			if (in[j].number == in[i].number)
				return false;
	}
	for (uint32_t i = 0; i < n; i++) {
		const vcore_nacl_rule &r = in[i];
		vcore_nacl_rule *list = out[r.ipv6];
		uint32_t j = count[r.ipv6]++;

		for (; j && list[j - 1].number > r.number; j--)
			list[j] = list[j - 1];
		list[j] = r;
	}
	return true;
}

} // namespace

bool nacl_leaves(fabric *fab, port *src, port *dst, packet &pkt)
{
	if (src->kind != VCORE_PORT_ENI || !crossing(src, dst) ||
	    subnet_allows(fab, src->subnet_key, egress, pkt))
		return true;
	return refuse(fab, src);
}

bool nacl_enters(fabric *fab, port *src, port *dst, packet &pkt)
{
	if (dst->kind != VCORE_PORT_ENI || !crossing(src, dst) ||
	    subnet_allows(fab, dst->subnet_key, ingress, pkt))
		return true;
	return refuse(fab, src);
}

bool nacl_admits(fabric *fab, port *dst, packet &pkt)
{
	if (dst->kind != VCORE_PORT_ENI || subnet_allows(fab, dst->subnet_key, ingress, pkt))
		return true;
	counter_inc(cpu_stats(fab).drop_nacl);
	return false;
}

} // namespace vnitro::fabric

using namespace vnitro::fabric;

extern "C" {

int vcore_fabric_nacl_set(struct vcore_fabric *fab, const struct vcore_fabric_nacl_desc *desc)
{
	nacl *a;

	if (!desc->key || desc->ingress_count > VCORE_NACL_MAX_RULES ||
	    desc->egress_count > VCORE_NACL_MAX_RULES)
		return -EINVAL_;
	a = create<nacl>();
	if (!a)
		return -ENOMEM_;
	a->key = desc->key;
	if (!sorted_rules(desc->ingress, desc->ingress_count, a->rules[ingress], a->count[ingress]) ||
	    !sorted_rules(desc->egress, desc->egress_count, a->rules[egress], a->count[egress])) {
		destroy(a);
		return -EINVAL_;
	}
	fab->nacls.publish(fab->writer_lock, a);
	return 0;
}

void vcore_fabric_nacl_del(struct vcore_fabric *fab, uint32_t key)
{
	fab->nacls.remove(fab->writer_lock, key);
}

} // extern "C"
