// SPDX-License-Identifier: GPL-2.0
// base.h - what every core file needs: errno values, the services table, allocation.
#pragma once

#include "vcore/services.h"

#if __STDC_HOSTED__
#include <new>
#else
// Freestanding: the only piece of <new> the core uses.
inline void *operator new(size_t, void *where) noexcept { return where; }
#endif

namespace vnitro::base {

// Linux errno values; the same numbers in the kernel and in the test harness.
enum errno_value : int {
	EPERM_ = 1,
	ENOENT_ = 2,
	ENOMEM_ = 12,
	EBUSY_ = 16,
	EEXIST_ = 17,
	EINVAL_ = 22,
	ENOSPC_ = 28,
	ERANGE_ = 34,
	EOPNOTSUPP_ = 95,
	EADDRINUSE_ = 98,
};

// Installed by vcore_core_init(); constant afterwards.
extern const vcore_services *svc;

// Returns a value-initialised T in zeroed memory, or nullptr.
template <typename T>
T *create(unsigned int flags = VCORE_ALLOC_SLEEP)
{
	void *mem = svc->alloc(sizeof(T), flags);
	return mem ? new (mem) T() : nullptr;
}

// Objects of the core have trivial destructors; memory goes back as it came.
template <typename T>
void destroy(T *obj)
{
	if (obj)
		svc->free(obj);
}

// Scoped mutex from the services table.
class mutex_guard {
public:
	explicit mutex_guard(void *mutex) : mutex_(mutex) { svc->mutex_lock(mutex_); }
	~mutex_guard() { svc->mutex_unlock(mutex_); }
	mutex_guard(const mutex_guard &) = delete;
	mutex_guard &operator=(const mutex_guard &) = delete;

private:
	void *mutex_;
};

// Scoped RCU read-side critical section.
class rcu_guard {
public:
	rcu_guard() { svc->rcu_read_lock(); }
	~rcu_guard() { svc->rcu_read_unlock(); }
	rcu_guard(const rcu_guard &) = delete;
	rcu_guard &operator=(const rcu_guard &) = delete;
};

// Publication and consumption of pointers read under RCU.
template <typename T>
inline T *rcu_load(T *const &ptr)
{
	return __atomic_load_n(&ptr, __ATOMIC_ACQUIRE);
}

template <typename T>
inline void rcu_store(T *&ptr, T *value)
{
	__atomic_store_n(&ptr, value, __ATOMIC_RELEASE);
}

inline void counter_inc(uint64_t &counter)
{
	__atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
}

inline void counter_add(uint64_t &counter, uint64_t n)
{
	__atomic_fetch_add(&counter, n, __ATOMIC_RELAXED);
}

inline uint64_t counter_read(const uint64_t &counter)
{
	return __atomic_load_n(&counter, __ATOMIC_RELAXED);
}

// splitmix64's finaliser: a counter or key turned into a well-mixed value.
inline uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

} // namespace vnitro::base
