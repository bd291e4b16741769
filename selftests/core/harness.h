// SPDX-License-Identifier: GPL-2.0
// harness.h - the services table and control-plane ops the core runs on in userspace tests.
#pragma once

#include <criterion/criterion.h>
#include <stdint.h>

#include "vcore/services.h"
#include "vcore/fabric.h"
#include "vcore/control.h"
#include "vcore/ena.h"
#include "vcore/efa.h"

enum {
	harness_max_deliveries = 32,
	harness_max_plugs = 64,
	harness_frame_max = 1536,	// an ICMPv6 error (1280 bytes of IPv6) is the largest frame the core builds
};

// One call of deliver() or deliver_copy(), as the core made it.
struct harness_delivery {
	void *cookie;
	void *frame_ctx;		// deliver(): the context the core handed over
	uint64_t due_ns;		// deliver(): when it arrives (0: now)
	bool copy;			// deliver_copy(): frame/len hold the bytes
	bool tunneled;			// deliver_tunneled(): to another host, from src_mac
	uint8_t src_mac[6];
	uint8_t frame[harness_frame_max];
	uint32_t len;
	int rcu_depth;			// read-side nesting at the time of the call
};

// What the services table saw since harness_init().
struct harness_record {
	long live_allocs;		// alloc() minus free() of non-NULL pointers
	unsigned long allocs;		// successful alloc() calls
	unsigned int last_alloc_flags;
	unsigned long fail_alloc_in;	// fail the Nth next alloc() (1 = the next); 0 = never
	long live_mutexes;
	bool fail_mutex_create;		// the next mutex_create() returns NULL
	int rcu_depth;
	unsigned long synchronize_calls;
	// Called by synchronize_rcu() (outside any read section): what a reader
	// running during the grace period would see.
	void (*on_synchronize)(void);
	unsigned long log_count;
	int last_log_level;
	char last_log[256];
	unsigned int delivery_count;
	harness_delivery deliveries[harness_max_deliveries];
	char violation[256];		// first breach of the services contract, "" if none
	// What vnitro_env_frame_size says of every frame: bytes (0: 100), packets
	// (0: 1) and its largest packet's IP length (0: bytes - 14).
	uint32_t frame_bytes, frame_packets, frame_ip_len;
	uint8_t frame_csum_partial;	// what vnitro_env_frame_size says of every frame
};

extern harness_record harness;
extern const vcore_services harness_services;

// The fake environment of the control plane (vcore_ctl_ops).
struct fake_ctl {
	unsigned int plugs, unplugs, releases;
	vcore_plug_desc last_plug;
	void *last_plug_cookie;		// the cookie the last successful plug returned
	void *last_unplug;
	void *last_release;
	int fail_next_plug;		// negative errno for the next plug, 0 = succeed
	char fail_msg[VCORE_MSG_MAX];
	uintptr_t next_cookie;
	void *live[harness_max_plugs];	// plug cookies not yet unplugged
	// port_update
	unsigned int port_updates;
	void *last_update_cookie;
	vcore_port_desc last_port;
	int fail_next_update;
	// igw_plug / igw_unplug / igw_update
	unsigned int igw_plugs, igw_unplugs, igw_updates, live_igws;
	vcore_igw_plug_desc last_igw;
	vcore_port_desc last_igw_port;
	int fail_next_igw;
	unsigned int igw_updates_to_pass;	// igw_updates that succeed before fail_next_igw applies
	// in_use: the holders it reports for the attachment in_use_cookie
	void *in_use_cookie;
	uint32_t in_use_holders;
};

extern fake_ctl fake;
extern const vcore_ctl_ops fake_ctl_ops;

void fake_fail_next_plug(int err, const char *msg);
// The next call of another op fails: &fake.fail_next_update or _igw.
void fake_fail_next(int *which, int err, const char *msg);
unsigned int fake_live_plugs(void);

// Suite .init: installs the services, clears the records, seeds the PRNG.
// @release undoes what the suite's setup built (may be NULL).
void harness_init(void (*release)(void));
// Suite .fini: releases what is left (quietly, after a failed test) and exits the core.
void harness_fini(void);
// End of every test body: release, then assert nothing leaked and no contract was broken.
void harness_verify(void);

// Reseed the deterministic PRNG behind services.random.
void harness_seed(uint64_t seed);
// random() calls for exactly @call_len bytes take them from @bytes until it runs out.
void harness_random_script(size_t call_len, const void *bytes, size_t len);
// Forget the deliveries recorded so far.
void harness_clear_deliveries(void);
// Moves svc->now_ns()'s clock @ns on (it also advances 1 us a read).
void harness_advance_clock(uint64_t ns);
// The services' RCU read section, for a test calling what needs one held.
void harness_rcu_read_lock(void);
void harness_rcu_read_unlock(void);

/*
 * A Criterion test that ends with harness_verify(): a leak or a services
 * contract breach fails the test itself, which a .fini assertion cannot do
 * (Criterion only warns about failures in teardown).
 */
#define CORE_TEST(suite, name, ...)					\
	static void suite##__##name(void);				\
	Test(suite, name, ##__VA_ARGS__)				\
	{								\
		suite##__##name();					\
		harness_verify();					\
	}								\
	static void suite##__##name(void)
