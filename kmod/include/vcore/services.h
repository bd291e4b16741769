/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcore/services.h - what the environment gives the core, and the core's life cycle.
 * Part of the boundary between the C shim and the C++ core (one header per area:
 * services, fabric, control, ena, efa): extern "C" functions, POD structs, fixed-width
 * integers, opaque handles. Every name the core exports starts with vcore_/VCORE_; the
 * shim's own names start with vnitro_.
 *
 * Locking contract: every vcore_ctl_* call is serialised by the caller (the
 * shim's control mutex, or the single-threaded test harness). The fabric's data
 * path (vcore_fabric_xmit) runs concurrently from any CPU in atomic context; port
 * add/del serialise among themselves inside the core.
 */
#ifndef VCORE_SERVICES_H
#define VCORE_SERVICES_H

#if defined(__cplusplus) && !__STDC_HOSTED__
/* Freestanding C++ inside the kernel: no header may be included. */
typedef __UINT8_TYPE__ uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT64_TYPE__ uint64_t;
typedef __INT16_TYPE__ int16_t;
typedef __INT32_TYPE__ int32_t;
typedef __SIZE_TYPE__ size_t;
#elif defined(__KERNEL__)
#include <linux/types.h>
#else
#include <stddef.h>
#include <stdint.h>
#endif

#include <linux/vnitro.h>	/* the uapi: limits and enums shared with userspace */

#ifdef __cplusplus
extern "C" {
#endif

enum {
	VCORE_ID_MAX = VNITRO_ID_LEN,		/* ids incl. NUL (uapi) */
	VCORE_NAME_MAX = VNITRO_NAME_LEN,	/* instance name incl. NUL (uapi) */
	VCORE_MSG_MAX = 192,		/* an error message for extack */
};

/* An error for the user: negative errno plus an extack-ready sentence. */
struct vcore_err {
	int code;
	char msg[VCORE_MSG_MAX];
};

/* Allocation flags for vcore_services.alloc. */
enum vcore_alloc_flags {
	VCORE_ALLOC_SLEEP = 0,		/* may sleep (GFP_KERNEL) */
	VCORE_ALLOC_ATOMIC = 1,	/* must not sleep (GFP_ATOMIC) */
};

enum vcore_log_level {
	VCORE_LOG_ERR,
	VCORE_LOG_WARN,
	VCORE_LOG_INFO,
	VCORE_LOG_DEBUG,
};

/*
 * What the environment gives the core. The shim fills it with kernel
 * primitives; the unit tests with libc ones. rcu_* give read-side critical
 * sections that synchronize_rcu waits for (kernel RCU in the shim).
 */
struct vcore_services {
	void *(*alloc)(size_t size, unsigned int flags);	/* zeroed */
	void (*free)(void *ptr);
	void (*log)(int level, const char *msg);
	uint64_t (*now_ns)(void);	/* monotonic; tick resolution is enough */
	void (*random)(void *buf, size_t len);
	void (*rcu_read_lock)(void);
	void (*rcu_read_unlock)(void);
	void (*synchronize_rcu)(void);
	void *(*mutex_create)(void);
	void (*mutex_destroy)(void *mutex);
	void (*mutex_lock)(void *mutex);
	void (*mutex_unlock)(void *mutex);
	/*
	 * Data path, called inside an rcu_read_lock section in atomic context:
	 * deliver hands the frame context (the shim's packet) to a port and
	 * consumes it, to arrive at @due_ns on vnitro_env_clock_ns's clock (0 or
	 * past: now; the path model's latency); deliver_copy gives a port a new
	 * frame built by the core.
	 */
	void (*deliver)(void *port_cookie, void *frame_ctx, uint64_t due_ns);
	void (*deliver_copy)(void *port_cookie, const uint8_t *frame, uint32_t len);
	/*
	 * deliver for a remote port (vcore_port_desc.remote_host): the frame
	 * goes to that host through the tunnel, saying that the ENI of MAC
	 * @src_mac sent it. NULL: frames to remote ports are dropped.
	 */
	void (*deliver_tunneled)(void *port_cookie, const uint8_t *src_mac, void *frame_ctx,
				 uint64_t due_ns);
	/* CPU numbers run from 0 to cpu_count() - 1 (nr_cpu_ids in the shim). */
	uint32_t (*cpu_count)(void);
	/*
	 * Spinlocks for state the data path changes (a port's connection
	 * tracking table): created and destroyed where sleeping is allowed,
	 * taken with vnitro_env_spin_lock below from any context but hard IRQ
	 * (the shim's disable bottom halves: frames are sent from softirq and
	 * from process context).
	 */
	void *(*spin_create)(void);
	void (*spin_destroy)(void *lock);
};

/*
 * The CPU the caller runs on (may change right after: a hint for per-CPU
 * counters, which are updated atomically). The one service the core calls
 * directly rather than through the table, because the data path asks for it
 * on every frame and an indirect call costs a retpoline; the environment
 * defines it (the shim: raw_smp_processor_id; the unit tests: sched_getcpu).
 */
uint32_t vnitro_env_cpu(void);
/*
 * The same reason: what a frame context (deliver's) stands for on the wire,
 * its bytes (all of it, not only the part the core reads), packets (a
 * TSO/GSO frame's segments; 1 otherwise) and the IP length of its largest
 * packet, for the bandwidth allowances and ENA Express's MTU.
 */
struct vcore_frame_size {
	uint32_t bytes;
	uint32_t packets;
	uint32_t ip_len;
	/* The sender left its L4 checksum to the device: the field holds the
	 * pseudo-header's sum, and the core must not adjust it for a rewrite. */
	uint8_t csum_partial;
};
void vnitro_env_frame_size(void *frame_ctx, struct vcore_frame_size *out);
/*
 * The same reason: a monotonic clock with the resolution of a frame's
 * latency (now_ns may tick every few milliseconds), for the path model.
 */
uint64_t vnitro_env_clock_ns(void);
/* The same reason: per frame, a spinlock of spin_create. */
void vnitro_env_spin_lock(void *lock);
void vnitro_env_spin_unlock(void *lock);

/* Installs the services table; must precede every other call. */
void vcore_core_init(const struct vcore_services *svc);
void vcore_core_exit(void);

#ifdef __cplusplus
}
#endif

#endif /* VCORE_SERVICES_H */
