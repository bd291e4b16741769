// SPDX-License-Identifier: GPL-2.0
// slist.h - intrusive singly-linked list kept in insertion order (control plane only).
#pragma once

#include "base/base.h"

namespace vnitro::base {

// T must have a `T *next` member. Not for RCU readers: control plane only.
template <typename T>
class slist {
public:
	void push_back(T *item)
	{
		T **pp = &head_;

		while (*pp)
			pp = &(*pp)->next;
		item->next = nullptr;
		*pp = item;
	}

	void remove(T *item)
	{
		for (T **pp = &head_; *pp; pp = &(*pp)->next) {
			if (*pp == item) {
				*pp = item->next;
				item->next = nullptr;
				return;
			}
		}
	}

	template <typename Pred>
	T *find(Pred pred) const
	{
		for (T *it = head_; it; it = it->next)
			if (pred(it))
				return it;
		return nullptr;
	}

	T *at(uint32_t pos) const
	{
		T *it = head_;

		while (it && pos--)
			it = it->next;
		return it;
	}

	T *front() const { return head_; }
	bool empty() const { return !head_; }

private:
	T *head_ = nullptr;
};

} // namespace vnitro::base
