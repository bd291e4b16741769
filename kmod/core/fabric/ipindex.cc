// SPDX-License-Identifier: GPL-2.0
// ipindex.cc - the IP index: which port owns an address in a VPC, and each port's IP set.
#include "fabric/fabric.h"
#include "base/ipv4.h"

using namespace vnitro::base;

namespace vnitro::fabric {

namespace {

uint32_t ip_bucket(uint32_t vpc_key, uint32_t ip)
{
	// Fibonacci hashing of both keys; the top bits pick the bucket.
	return ((ip * 0x9e3779b1u) ^ (vpc_key * 0x85ebca6bu)) >> (32 - ip_bucket_bits);
}

uint32_t ip6_bucket(uint32_t vpc_key, uint64_t hi, uint64_t lo)
{
	uint64_t h = (lo ^ (hi * 0x9e3779b97f4a7c15ull)) * 0x9e3779b97f4a7c15ull;

	return static_cast<uint32_t>(((h >> 32) ^ (vpc_key * 0x85ebca6bu)) >> (32 - ip6_bucket_bits));
}

// IPv6 addresses of @desc: checked as the IPv4 ones (none 0 or repeated:
// -EINVAL; another port's: -EADDRINUSE).
int check_ipv6(const fabric *fab, const vcore_port_desc &desc, const port *self)
{
	if (desc.ipv6_count > VCORE_PORT_MAX_IPV6 || (desc.ipv6_count && !desc.has_ipv6) ||
	    (desc.kind != VCORE_PORT_ENI && desc.ipv6_count) ||
	    (desc.kind == VCORE_PORT_IGW && desc.has_ipv6 && (desc.ipv6_prefix & 0xff)))
		return -EINVAL_;
	for (uint32_t i = 0; i < desc.ipv6_count; i++) {
		port *holder;

		if (!desc.ipv6_iids[i])
			return -EINVAL_;
		for (uint32_t j = 0; j < i; j++)
			if (desc.ipv6_iids[j] == desc.ipv6_iids[i])
				return -EINVAL_;
		holder = lookup_ip6(fab, desc.vpc_key, desc.ipv6_prefix, desc.ipv6_iids[i]);
		if (holder && holder != self)
			return -EADDRINUSE_;
	}
	return 0;
}

// The IPs of @desc, primary first.
uint32_t desc_ip(const vcore_port_desc &desc, uint32_t i)
{
	return i ? desc.secondary_ips[i - 1] : desc.ip;
}

} // namespace

port *lookup_ip(const fabric *fab, uint32_t vpc_key, uint32_t ip)
{
	for (ip_entry *e = rcu_load(fab->ips[ip_bucket(vpc_key, ip)]); e; e = rcu_load(e->next))
		if (e->ip == ip && e->vpc_key == vpc_key)
			return e->owner;
	return nullptr;
}

port *lookup_ip6(const fabric *fab, uint32_t vpc_key, uint64_t hi, uint64_t lo)
{
	for (ip6_entry *e = rcu_load(fab->ips6[ip6_bucket(vpc_key, hi, lo)]); e; e = rcu_load(e->next))
		if (e->lo == lo && e->hi == hi && e->vpc_key == vpc_key)
			return e->owner;
	return nullptr;
}

bool state_has_ip6(const port_state *st, uint64_t hi, uint64_t lo)
{
	if (!st->has_ipv6 || hi != st->ipv6_prefix)
		return false;
	for (uint32_t i = 0; i < st->count6; i++)
		if (st->ents6[i].lo == lo)
			return true;
	return false;
}

bool state_has_ip(const port_state *st, uint32_t ip)
{
	for (uint32_t i = 0; i < st->count; i++)
		if (st->ents[i].ip == ip)
			return true;
	return false;
}

port_state *state_create(const fabric *fab, const vcore_port_desc &desc, port *owner,
			 port *self, int *err)
{
	uint32_t count = 0;
	port_state *st;

	if (desc.kind == VCORE_PORT_ENI) {
		if (desc.secondary_count > VCORE_PORT_MAX_IPS - 1) {
			*err = -EINVAL_;
			return nullptr;
		}
		count = 1 + desc.secondary_count;
	}
	for (uint32_t i = 0; i < count; i++) {
		uint32_t ip = desc_ip(desc, i);
		port *holder;

		if (!ip || !prefix_contains(desc.subnet_addr, desc.subnet_prefixlen, ip)) {
			*err = -EINVAL_;
			return nullptr;
		}
		for (uint32_t j = 0; j < i; j++) {
			if (desc_ip(desc, j) == ip) {
				*err = -EINVAL_;
				return nullptr;
			}
		}
		holder = lookup_ip(fab, desc.vpc_key, ip);
		if (holder && holder != self) {
			*err = -EADDRINUSE_;
			return nullptr;
		}
	}
	*err = check_ipv6(fab, desc, self);
	if (*err)
		return nullptr;
	st = create<port_state>();
	if (!st) {
		*err = -ENOMEM_;
		return nullptr;
	}
	*err = sg_state_fill(st, desc);
	if (*err) {
		destroy(st);
		return nullptr;
	}
	st->source_dest_check = desc.source_dest_check ? 1 : 0;
	st->frag_needed = desc.frag_needed ? 1 : 0;
	// Only an ENI has ENA Express; the bits are ena_srd_mode's, UDP only with it on.
	st->ena_express = desc.kind == VCORE_PORT_ENI && (desc.ena_express & VCORE_SRD_ENABLED) ?
				  desc.ena_express & (VCORE_SRD_ENABLED | VCORE_SRD_UDP) : 0;
	st->count = count;
	for (uint32_t i = 0; i < count; i++) {
		st->ents[i].owner = owner;
		st->ents[i].vpc_key = desc.vpc_key;
		st->ents[i].ip = desc_ip(desc, i);
	}
	st->has_ipv6 = desc.has_ipv6 ? 1 : 0;
	st->ipv6_prefix = desc.ipv6_prefix;
	st->count6 = desc.ipv6_count;
	for (uint32_t i = 0; i < st->count6; i++) {
		st->ents6[i].owner = owner;
		st->ents6[i].vpc_key = desc.vpc_key;
		st->ents6[i].hi = desc.ipv6_prefix;
		st->ents6[i].lo = desc.ipv6_iids[i];
	}
	return st;
}

void state_link(fabric *fab, port_state *st)
{
	for (uint32_t i = 0; i < st->count; i++) {
		ip_entry *e = &st->ents[i];
		ip_entry **head = &fab->ips[ip_bucket(e->vpc_key, e->ip)];

		// Pushed at the front: during port_update a reader may meet the new
		// entry or the old one for an IP both sets hold; both name the port.
		e->next = *head;
		rcu_store(*head, e);
	}
	for (uint32_t i = 0; i < st->count6; i++) {
		ip6_entry *e = &st->ents6[i];
		ip6_entry **head = &fab->ips6[ip6_bucket(e->vpc_key, e->hi, e->lo)];

		e->next = *head;
		rcu_store(*head, e);
	}
}

void state_unlink(fabric *fab, port_state *st)
{
	for (uint32_t i = 0; i < st->count; i++) {
		ip_entry *e = &st->ents[i];

		for (ip_entry **pp = &fab->ips[ip_bucket(e->vpc_key, e->ip)]; *pp; pp = &(*pp)->next) {
			if (*pp == e) {
				// e->next stays intact for readers standing on e.
				rcu_store(*pp, e->next);
				break;
			}
		}
	}
	for (uint32_t i = 0; i < st->count6; i++) {
		ip6_entry *e = &st->ents6[i];

		for (ip6_entry **pp = &fab->ips6[ip6_bucket(e->vpc_key, e->hi, e->lo)]; *pp;
		     pp = &(*pp)->next) {
			if (*pp == e) {
				rcu_store(*pp, e->next);
				break;
			}
		}
	}
}

} // namespace vnitro::fabric
