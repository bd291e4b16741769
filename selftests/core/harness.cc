// SPDX-License-Identifier: GPL-2.0
// harness.cc - the services table and control-plane ops the core runs on in userspace tests.
#include "harness.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

// The core hard-codes Linux errno values; the host's must be the same.
static_assert(vnitro::base::EPERM_ == EPERM && vnitro::base::ENOENT_ == ENOENT &&
	      vnitro::base::ENOMEM_ == ENOMEM && vnitro::base::EBUSY_ == EBUSY &&
	      vnitro::base::EEXIST_ == EEXIST && vnitro::base::EINVAL_ == EINVAL &&
	      vnitro::base::ENOSPC_ == ENOSPC && vnitro::base::ERANGE_ == ERANGE &&
	      vnitro::base::EADDRINUSE_ == EADDRINUSE, "core errno values differ from the host's");

harness_record harness;
fake_ctl fake;

namespace {

constexpr uint64_t default_seed = 0x766e6974726f2121ull;	// "vnitro!!"

uint64_t rng_state;
uint64_t clock_ns;
uint8_t script[64];
size_t script_call_len, script_len, script_pos;
void (*release_hook)(void);

struct fake_mutex {
	bool held;
};

// Remembers the first breach; harness_verify() fails the test on it.
void violate(const char *what)
{
	if (!harness.violation[0])
		snprintf(harness.violation, sizeof(harness.violation), "%s", what);
}

void *svc_alloc(size_t size, unsigned int flags)
{
	void *p;

	if (flags & ~VCORE_ALLOC_ATOMIC)
		violate("alloc: unknown flags");
	harness.last_alloc_flags = flags;
	if (harness.fail_alloc_in && --harness.fail_alloc_in == 0)
		return nullptr;
	p = calloc(1, size);
	if (p) {
		harness.live_allocs++;
		harness.allocs++;
	}
	return p;
}

void svc_free(void *ptr)
{
	if (!ptr)
		return;
	harness.live_allocs--;
	free(ptr);
}

void svc_log(int level, const char *msg)
{
	harness.log_count++;
	harness.last_log_level = level;
	snprintf(harness.last_log, sizeof(harness.last_log), "%s", msg);
}

// A clock that advances by 1us whenever it is read.
uint64_t svc_now_ns(void)
{
	return clock_ns += 1000;
}

// xorshift64*: reproducible per seed, good enough for MACs and ids.
uint8_t next_random_byte(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return static_cast<uint8_t>((rng_state * 0x2545f4914f6cdd1dull) >> 56);
}

void svc_random(void *buf, size_t len)
{
	uint8_t *p = static_cast<uint8_t *>(buf);

	if (len == script_call_len && script_len - script_pos >= len) {
		memcpy(p, script + script_pos, len);
		script_pos += len;
		return;
	}
	while (len--)
		*p++ = next_random_byte();
}

void svc_rcu_read_lock(void)
{
	harness.rcu_depth++;
}

void svc_rcu_read_unlock(void)
{
	if (harness.rcu_depth-- <= 0)
		violate("rcu_read_unlock without rcu_read_lock");
}

void svc_synchronize_rcu(void)
{
	if (harness.rcu_depth)
		violate("synchronize_rcu inside an RCU read-side section");
	harness.synchronize_calls++;
	if (harness.on_synchronize)
		harness.on_synchronize();
}

void *svc_mutex_create(void)
{
	void *m;

	if (harness.fail_mutex_create) {
		harness.fail_mutex_create = false;
		return nullptr;
	}
	m = calloc(1, sizeof(fake_mutex));

	if (m)
		harness.live_mutexes++;
	return m;
}

void svc_mutex_destroy(void *m)
{
	if (static_cast<fake_mutex *>(m)->held)
		violate("mutex destroyed while held");
	harness.live_mutexes--;
	free(m);
}

// The tests are single-threaded: taking a held mutex would deadlock.
void svc_mutex_lock(void *m)
{
	fake_mutex *fm = static_cast<fake_mutex *>(m);

	if (fm->held)
		violate("mutex_lock on a mutex already held (deadlock)");
	fm->held = true;
}

void svc_mutex_unlock(void *m)
{
	fake_mutex *fm = static_cast<fake_mutex *>(m);

	if (!fm->held)
		violate("mutex_unlock of a mutex not held");
	fm->held = false;
}

harness_delivery *record_delivery(void *cookie)
{
	harness_delivery *d;

	if (!harness.rcu_depth)
		violate("deliver outside an RCU read-side section");
	if (harness.delivery_count == harness_max_deliveries) {
		violate("too many deliveries for the harness to record");
		return nullptr;
	}
	d = &harness.deliveries[harness.delivery_count++];
	d->cookie = cookie;
	d->rcu_depth = harness.rcu_depth;
	return d;
}

void svc_deliver(void *port_cookie, void *frame_ctx, uint64_t due_ns)
{
	harness_delivery *d = record_delivery(port_cookie);

	if (!d)
		return;
	d->frame_ctx = frame_ctx;
	d->due_ns = due_ns;
}

void svc_deliver_tunneled(void *port_cookie, const uint8_t *src_mac, void *frame_ctx,
			  uint64_t due_ns)
{
	harness_delivery *d = record_delivery(port_cookie);

	if (!d)
		return;
	d->tunneled = true;
	memcpy(d->src_mac, src_mac, sizeof(d->src_mac));
	d->frame_ctx = frame_ctx;
	d->due_ns = due_ns;
}

void svc_deliver_copy(void *port_cookie, const uint8_t *frame, uint32_t len)
{
	harness_delivery *d = record_delivery(port_cookie);

	if (!d)
		return;
	d->copy = true;
	d->len = len;
	if (len > sizeof(d->frame)) {
		violate("deliver_copy: frame larger than the harness records");
		len = sizeof(d->frame);
	}
	memcpy(d->frame, frame, len);
}

int fake_plug(void *ops_ctx, const vcore_plug_desc *desc, void **plug_cookie,
	      vcore_err *err)
{
	fake_ctl *f = static_cast<fake_ctl *>(ops_ctx);
	int ret = f->fail_next_plug;

	f->plugs++;
	f->last_plug = *desc;
	if (ret) {
		f->fail_next_plug = 0;
		snprintf(err->msg, sizeof(err->msg), "%s", f->fail_msg);
		return ret;
	}
	for (void *&slot : f->live) {
		if (!slot) {
			slot = reinterpret_cast<void *>(f->next_cookie);
			f->next_cookie += 0x10;
			*plug_cookie = slot;
			f->last_plug_cookie = slot;
			return 0;
		}
	}
	violate("plug: more live attachments than the fake can hold");
	return -ENOMEM;
}

void fake_unplug(void *ops_ctx, void *plug_cookie)
{
	fake_ctl *f = static_cast<fake_ctl *>(ops_ctx);

	f->unplugs++;
	f->last_unplug = plug_cookie;
	for (void *&slot : f->live) {
		if (slot && slot == plug_cookie) {
			slot = nullptr;
			return;
		}
	}
	violate("unplug of a cookie that is not plugged");
}

void fake_netns_release(void *ops_ctx, void *netns_cookie)
{
	fake_ctl *f = static_cast<fake_ctl *>(ops_ctx);

	f->releases++;
	f->last_release = netns_cookie;
}

// A failure injected with fake_fail_next(), consumed by the call it hits.
int take_failure(fake_ctl *f, int *which, vcore_err *err)
{
	int ret = *which;

	if (ret) {
		*which = 0;
		err->code = ret;
		snprintf(err->msg, sizeof(err->msg), "%s", f->fail_msg);
	}
	return ret;
}

bool is_live(fake_ctl *f, void *cookie)
{
	for (void *slot : f->live)
		if (slot && slot == cookie)
			return true;
	return false;
}

int fake_port_update(void *ops_ctx, void *plug_cookie, const vcore_port_desc *port,
		     vcore_err *err)
{
	fake_ctl *f = static_cast<fake_ctl *>(ops_ctx);

	if (!is_live(f, plug_cookie))
		violate("port_update of a cookie that is not plugged");
	if (take_failure(f, &f->fail_next_update, err))
		return err->code;
	f->port_updates++;
	f->last_update_cookie = plug_cookie;
	f->last_port = *port;
	return 0;
}

int fake_igw_plug(void *ops_ctx, const vcore_igw_plug_desc *desc, void **cookie,
		  vcore_err *err)
{
	fake_ctl *f = static_cast<fake_ctl *>(ops_ctx);

	if (take_failure(f, &f->fail_next_igw, err))
		return err->code;
	f->igw_plugs++;
	f->live_igws++;
	f->last_igw = *desc;
	*cookie = reinterpret_cast<void *>(f->next_cookie);
	f->next_cookie += 0x10;
	return 0;
}

void fake_igw_unplug(void *ops_ctx, void *cookie)
{
	fake_ctl *f = static_cast<fake_ctl *>(ops_ctx);

	if (!f->live_igws)
		violate("igw_unplug without a live gateway");
	else
		f->live_igws--;
	f->igw_unplugs++;
}

int fake_igw_update(void *ops_ctx, void *cookie, const vcore_port_desc *port, vcore_err *err)
{
	fake_ctl *f = static_cast<fake_ctl *>(ops_ctx);

	if (f->igw_updates_to_pass)
		f->igw_updates_to_pass--;
	else if (take_failure(f, &f->fail_next_igw, err))
		return err->code;
	f->igw_updates++;
	f->last_igw_port = *port;
	return 0;
}

uint32_t fake_in_use(void *ops_ctx, void *cookie, char *dev, size_t len)
{
	fake_ctl *f = static_cast<fake_ctl *>(ops_ctx);

	if (cookie != f->in_use_cookie)
		return 0;
	snprintf(dev, len, "efa_7");
	return f->in_use_holders;
}

uint32_t svc_cpu_count(void)
{
	return 4;
}

} // namespace

const vcore_services harness_services = {
	.alloc = svc_alloc,
	.free = svc_free,
	.log = svc_log,
	.now_ns = svc_now_ns,
	.random = svc_random,
	.rcu_read_lock = svc_rcu_read_lock,
	.rcu_read_unlock = svc_rcu_read_unlock,
	.synchronize_rcu = svc_synchronize_rcu,
	.mutex_create = svc_mutex_create,
	.mutex_destroy = svc_mutex_destroy,
	.mutex_lock = svc_mutex_lock,
	.mutex_unlock = svc_mutex_unlock,
	.deliver = svc_deliver,
	.deliver_copy = svc_deliver_copy,
	.deliver_tunneled = svc_deliver_tunneled,
	.cpu_count = svc_cpu_count,
	.spin_create = svc_mutex_create,
	.spin_destroy = svc_mutex_destroy,
};

// A spinlock is a fake mutex: the same deadlock and balance checks.
void vnitro_env_spin_lock(void *lock)
{
	svc_mutex_lock(lock);
}

void vnitro_env_spin_unlock(void *lock)
{
	svc_mutex_unlock(lock);
}

// The tests run on one thread, but count as on a machine of four CPUs, the
// thread moving among them, so per-CPU counters are summed for real.
uint32_t vnitro_env_cpu(void)
{
	static uint32_t next;

	return next++ % 4;
}

// The path model's clock: svc->now_ns's, without its step.
uint64_t vnitro_env_clock_ns(void)
{
	return clock_ns;
}

void vnitro_env_frame_size(void *, vcore_frame_size *out)
{
	out->bytes = harness.frame_bytes ? harness.frame_bytes : 100;
	out->packets = harness.frame_packets ? harness.frame_packets : 1;
	out->ip_len = harness.frame_ip_len ? harness.frame_ip_len : out->bytes - 14;
	out->csum_partial = harness.frame_csum_partial;
}

const vcore_ctl_ops fake_ctl_ops = {
	.plug = fake_plug,
	.unplug = fake_unplug,
	.netns_release = fake_netns_release,
	.port_update = fake_port_update,
	.igw_plug = fake_igw_plug,
	.igw_unplug = fake_igw_unplug,
	.igw_update = fake_igw_update,
	.in_use = fake_in_use,
};

void fake_fail_next_plug(int err, const char *msg)
{
	fake.fail_next_plug = err;
	snprintf(fake.fail_msg, sizeof(fake.fail_msg), "%s", msg);
}

void fake_fail_next(int *which, int err, const char *msg)
{
	*which = err;
	snprintf(fake.fail_msg, sizeof(fake.fail_msg), "%s", msg);
}

unsigned int fake_live_plugs(void)
{
	unsigned int n = 0;

	for (void *slot : fake.live)
		n += slot != nullptr;
	return n;
}

void harness_seed(uint64_t seed)
{
	rng_state = seed ? seed : default_seed;
	script_call_len = script_len = script_pos = 0;
}

void harness_random_script(size_t call_len, const void *bytes, size_t len)
{
	cr_assert_leq(len, sizeof(script), "random script too long");
	memcpy(script, bytes, len);
	script_call_len = call_len;
	script_len = len;
	script_pos = 0;
}

void harness_rcu_read_lock(void)
{
	svc_rcu_read_lock();
}

void harness_rcu_read_unlock(void)
{
	svc_rcu_read_unlock();
}

void harness_advance_clock(uint64_t ns)
{
	clock_ns += ns;
}

void harness_clear_deliveries(void)
{
	memset(harness.deliveries, 0, sizeof(harness.deliveries));
	harness.delivery_count = 0;
}

void harness_init(void (*release)(void))
{
	memset(&harness, 0, sizeof(harness));
	memset(&fake, 0, sizeof(fake));
	fake.next_cookie = 0xc0de0000;
	clock_ns = 0;
	harness_seed(default_seed);
	release_hook = release;
	vcore_core_init(&harness_services);
}

static void run_release_hook(void)
{
	void (*hook)(void) = release_hook;

	release_hook = nullptr;
	if (hook)
		hook();
}

void harness_verify(void)
{
	run_release_hook();
	cr_assert_str_empty(harness.violation, "services contract broken: %s", harness.violation);
	cr_assert_eq(harness.live_allocs, 0, "%ld allocation(s) leaked", harness.live_allocs);
	cr_assert_eq(harness.live_mutexes, 0, "%ld mutex(es) leaked", harness.live_mutexes);
	cr_assert_eq(harness.rcu_depth, 0, "RCU read-side section left open");
}

void harness_fini(void)
{
	run_release_hook();
	vcore_core_exit();
}
