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
	st->count = count;
	for (uint32_t i = 0; i < count; i++) {
		st->ents[i].owner = owner;
		st->ents[i].vpc_key = desc.vpc_key;
		st->ents[i].ip = desc_ip(desc, i);
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
}

} // namespace vnitro::fabric
