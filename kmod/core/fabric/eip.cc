// SPDX-License-Identifier: GPL-2.0
// eip.cc - Elastic IPs: the internet gateway's one-to-one translations between public and private addresses.
#include "fabric/fabric.h"

using namespace vnitro::base;

namespace vnitro::fabric {

namespace {

uint32_t public_bucket(uint32_t ip)
{
	return (ip * 0x9e3779b1u) >> (32 - eip_bucket_bits);
}

uint32_t private_bucket(uint32_t vpc_key, uint32_t ip)
{
	return ((ip ^ vpc_key * 0x85ebca77u) * 0x9e3779b1u) >> (32 - eip_bucket_bits);
}

eip_entry *find_public(const fabric *fab, uint32_t public_ip)
{
	for (eip_entry *e = rcu_load(fab->eips_public[public_bucket(public_ip)]); e;
	     e = rcu_load(e->next_public))
		if (e->public_ip == public_ip)
			return e;
	return nullptr;
}

const eip_entry *find_private(const fabric *fab, uint32_t vpc_key, uint32_t private_ip)
{
	for (const eip_entry *e = rcu_load(fab->eips_private[private_bucket(vpc_key, private_ip)]);
	     e; e = rcu_load(e->next_private))
		if (e->vpc_key == vpc_key && e->private_ip == private_ip)
			return e;
	return nullptr;
}

// Unlinks @victim from both chains. Writer lock held.
void unlink(fabric *fab, eip_entry *victim)
{
	for (eip_entry **pp = &fab->eips_public[public_bucket(victim->public_ip)]; *pp;
	     pp = &(*pp)->next_public) {
		if (*pp == victim) {
			rcu_store(*pp, victim->next_public);
			break;
		}
	}
	for (eip_entry **pp = &fab->eips_private[private_bucket(victim->vpc_key, victim->private_ip)];
	     *pp; pp = &(*pp)->next_private) {
		if (*pp == victim) {
			rcu_store(*pp, victim->next_private);
			break;
		}
	}
}

void link(fabric *fab, eip_entry *e)
{
	eip_entry **pub = &fab->eips_public[public_bucket(e->public_ip)];
	eip_entry **priv = &fab->eips_private[private_bucket(e->vpc_key, e->private_ip)];

	e->next_public = *pub;
	e->next_private = *priv;
	rcu_store(*pub, e);
	rcu_store(*priv, e);
}

} // namespace

const eip_entry *eip_by_public(const fabric *fab, uint32_t vpc_key, uint32_t public_ip)
{
	const eip_entry *e = find_public(fab, public_ip);

	return e && e->vpc_key == vpc_key ? e : nullptr;
}

void eips_free(fabric *fab)
{
	for (eip_entry *&head : fab->eips_public) {
		while (eip_entry *e = head) {
			head = e->next_public;
			destroy(e);
		}
	}
	for (eip_entry *&head : fab->eips_private)
		head = nullptr;
}

} // namespace vnitro::fabric

using namespace vnitro::fabric;

extern "C" {

int vcore_fabric_eip_set(struct vcore_fabric *fab, uint32_t vpc_key, uint32_t public_ip,
			 uint32_t private_ip)
{
	eip_entry *e, *old;
	const eip_entry *holder;

	if (!public_ip || !private_ip || !vpc_key)
		return -EINVAL_;
	e = create<eip_entry>();
	if (!e)
		return -ENOMEM_;
	e->vpc_key = vpc_key;
	e->public_ip = public_ip;
	e->private_ip = private_ip;
	{
		mutex_guard guard(fab->writer_lock);

		old = find_public(fab, public_ip);
		holder = find_private(fab, vpc_key, private_ip);
		if ((old && old->vpc_key != vpc_key) || (holder && holder != old)) {
			destroy(e);
			return -EADDRINUSE_;
		}
		if (old && old->private_ip == private_ip) {
			destroy(e);
			return 0;
		}
		// Re-pointed: the old translation goes first, so that a packet
		// meets one or the other, never both.
		if (old)
			unlink(fab, old);
		link(fab, e);
	}
	if (old) {
		svc->synchronize_rcu();
		destroy(old);
	}
	return 0;
}

void vcore_fabric_eip_del(struct vcore_fabric *fab, uint32_t public_ip)
{
	eip_entry *victim;

	{
		mutex_guard guard(fab->writer_lock);

		victim = find_public(fab, public_ip);
		if (victim)
			unlink(fab, victim);
	}
	if (victim) {
		svc->synchronize_rcu();
		destroy(victim);
	}
}

uint32_t vcore_fabric_eip_private(const struct vcore_fabric *fab,
				  const struct vcore_fabric_port *igw, uint32_t public_ip)
{
	const eip_entry *e = eip_by_public(fab, igw->vpc_key, public_ip);

	return e ? e->private_ip : 0;
}

uint32_t vcore_fabric_eip_public(const struct vcore_fabric *fab,
				 const struct vcore_fabric_port *igw, uint32_t private_ip)
{
	const eip_entry *e = find_private(fab, igw->vpc_key, private_ip);

	return e ? e->public_ip : 0;
}

} // extern "C"
