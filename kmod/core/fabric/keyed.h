// SPDX-License-Identifier: GPL-2.0
// keyed.h - a table of objects published under RCU, each with a u32 key of its own:
// the fabric's security groups, network ACLs and route tables.
#pragma once

#include "base/base.h"

namespace vnitro::fabric {

/*
 * T has `uint32_t key` and `T *next`. Readers hold RCU; writers pass the
 * lock that serialises them (the fabric's writer lock) and the table frees
 * what they replace or remove after a grace period. Zeroed memory is an
 * empty table.
 */
template <typename T, uint32_t Bits>
class keyed_table {
public:
	static constexpr uint32_t buckets = 1u << Bits;

	// The object of @key, or nullptr. RCU or the writer lock held.
	T *find(uint32_t key) const
	{
		for (T *e = base::rcu_load(heads_[bucket(key)]); e; e = base::rcu_load(e->next))
			if (e->key == key)
				return e;
		return nullptr;
	}

	// @obj in place of the object of its key (a reader sees one or the
	// other, never neither), or added. Sleeps.
	void publish(void *lock, T *obj)
	{
		T *old;

		{
			base::mutex_guard guard(lock);
			T **pp = slot(obj->key);

			old = *pp;
			obj->next = old ? old->next : nullptr;
			base::rcu_store(*pp, obj);
		}
		retire(old);
	}

	// The object of @key unpublished and freed, if there is one. Sleeps.
	void remove(void *lock, uint32_t key)
	{
		T *victim;

		{
			base::mutex_guard guard(lock);
			T **pp = slot(key);

			victim = *pp;
			if (victim)
				base::rcu_store(*pp, victim->next);
		}
		retire(victim);
	}

	// Every object, when the fabric is destroyed: no reader is left.
	void free_all()
	{
		for (T *&head : heads_) {
			while (T *e = head) {
				head = e->next;
				base::destroy(e);
			}
		}
	}

private:
	static uint32_t bucket(uint32_t key) { return (key * 0x9e3779b1u) >> (32 - Bits); }

	// The link that points at the object of @key, or the chain's null end.
	T **slot(uint32_t key)
	{
		T **pp = &heads_[bucket(key)];

		while (*pp && (*pp)->key != key)
			pp = &(*pp)->next;
		return pp;
	}

	static void retire(T *old)
	{
		if (old) {
			base::svc->synchronize_rcu();
			base::destroy(old);
		}
	}

	T *heads_[buckets];
};

} // namespace vnitro::fabric
