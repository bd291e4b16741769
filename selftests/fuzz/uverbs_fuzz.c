// SPDX-License-Identifier: GPL-2.0
/*
 * uverbs_fuzz.c - a bounded fuzzer of an EFA device's uverbs surface (issue
 * 12, make fuzz): every verb through the write() ABI, as built, mutated
 * (header words, core fields, EFA driver udata, response pointers, command
 * numbers) or random; the extended commands; RDMA_VERBS_IOCTL with real
 * methods (CQ and QP creation, destroys, queries, INVOKE_WRITE) and random
 * ones; mmap with the keys the driver gave and with random offsets, lengths
 * and protections; WQEs, RX descriptors, doorbells and producer indices on
 * the mapped rings for the engine to consume; destroys racing use from a
 * second thread and from a forked process (whose write()s ib_uverbs refuses
 * but whose ioctl()s, mmaps and ring writes it takes); sessions that end
 * without cleanup or by SIGKILL, so the kernel releases everything on close.
 *
 * usage: uverbs_fuzz -d DEVICE [-n ITERATIONS | -t SECONDS] [-s SEED] [-j PROCESSES]
 *                    [-p PEER_GID]... [-v]
 *
 * Runs in the device's instance (ip netns exec), 10 s unless told; -n counts
 * per process. -p gives other EFAs' GIDs (their sysfs ports/1/gids/0) for
 * AHs to them, so sends cross devices; -v logs every call to stderr. Each
 * process runs sessions one after another, each a child with its own file
 * and context. Prints the seed, then the iterations, the errnos of the calls
 * ("OK" for success), the calls and successes of each operation, the
 * completion statuses the engine wrote, and the sessions. Exit 0 after the
 * run, 1 if the device cannot be opened or gives no context, or a session
 * crashed (a fuzzer bug) or hung; 2 for a bad argument. Kernel splats are
 * the runner's to find (dmesg).
 *
 * Repeating a run: the seed fixes each session's choices (seed, process and
 * session number), so a session replays call for call as long as the kernel
 * answers alike; its racer thread and forked processes act on its objects
 * when the scheduler lets them, so from their first hit on it is a
 * starting point, not a replay. -j 1 -v shows where.
 *
 * Safety of the fuzzer itself: the kernel writes responses, and the engine
 * writes received bytes into registered memory, so neither a response
 * pointer nor an MR's start is ever a mutated value: they come from wild()
 * (addresses that cannot be ours) or from our own response, pool and ring
 * areas. Ring writes run under a SIGSEGV/SIGBUS guard (a ring can be
 * unmapped under us on purpose).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <infiniband/verbs.h>
#include <rdma/efa-abi.h>
#include <rdma/ib_user_ioctl_cmds.h>
#include <rdma/ib_user_verbs.h>
#include <rdma/rdma_user_ioctl_cmds.h>

enum {
	PAGE = 4096,
	REQ_SIZE = 256 << 10,		/* in_words * 4 at most */
	RESP_SIZE = 1 << 20,		/* (out_words + provider_out_words) * 8 at most */
	SCRATCH_SIZE = 64 << 10,	/* ioctl attribute data; len is 16 bits */
	IOC_OFF = 192 << 10,		/* the ioctl header, inside the request area */
	POOL_SIZE = 2 << 20,		/* what MRs register; then read-only pages, a guard */
	RO_SIZE = 4 * PAGE,
	MAX_PROCS = 64,
	ERRNO_MAX = 160,
	N_OBJ = 40,
	N_FD = 16,
	N_FREED = 8,
	MAX_ATTRS = 24,
	MTU = 8928,
	WQE = 64,
	RXD = 16,
	HANG_SECS = 60,
};

#define OPS(X) \
	X(get_context) X(query_device) X(query_port) X(alloc_pd) X(dealloc_pd) X(reg_mr) \
	X(dereg_mr) X(create_cq) X(destroy_cq) X(create_qp) X(modify_qp) X(query_qp) \
	X(destroy_qp) X(create_ah) X(destroy_ah) X(comp_channel) X(ex_cmd) X(other_cmd) \
	X(bad_write) X(ioctl_cq) X(ioctl_qp) X(ioctl_destroy) X(ioctl_invoke) X(ioctl_query) \
	X(ioctl_async) X(ioctl_random) X(mmap) X(munmap) X(post_send) X(post_recv) X(doorbell) \
	X(cq_arm) X(poll_cq) X(read_event) X(race) X(fork) X(remap_pool)
#define OP_ENUM(n) OP_##n,
#define OP_NAME(n) #n,
enum op { OPS(OP_ENUM) OP_COUNT };
static const char *const op_names[] = { OPS(OP_NAME) };

/* ---- what every process adds to (shared memory) ---- */

struct stats {
	uint64_t errnos[ERRNO_MAX + 1];		/* [0]: success */
	uint64_t calls[OP_COUNT], ok[OP_COUNT];
	uint64_t sessions, killed, crashed, no_context, ring_faults;
	uint64_t completions[16];		/* CQ entries seen, by status (wire.h) */
	struct {
		uint64_t iterations;
		uint64_t beat_ns;
		int32_t session;		/* pid of the running session */
	} worker[MAX_PROCS];
};

static struct stats *st;
static bool verbose;
static char dev_path[128];
static uint8_t dev_gid[16];
static uint8_t peer_gid[8][16];		/* -p: other devices' GIDs, for AHs to them */
static unsigned int peers;

static void add(uint64_t *p, uint64_t v)
{
	__atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- a seeded generator (xorshift64*), one per thread ---- */

static __thread uint64_t rng;
static __thread char who = 'm';		/* -v: main thread, racer, forked process */

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return (x ^ (x >> 31)) | 1;
}

static const uint64_t interesting[] = {
	0, 1, 2, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 127, 128, 255, 256, 511, 512,
	1023, 1024, 4095, 4096, 4097, 8191, 8192, 8928, 8929, 16383, 16384, 32767, 32768,
	65535, 65536, 65537, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
	0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull,
};

/* A field's value: a boundary, a small number or anything. */
static uint64_t value(void)
{
	switch (below(5)) {
	case 0: case 1: case 2:
		return interesting[below(sizeof(interesting) / sizeof(interesting[0]))];
	case 3:
		return below(64);
	default:
		return rnd();
	}
}

/*
 * A value the kernel may take for a user pointer and that is never our own
 * memory: NULL, below mmap_min_addr, kernel addresses, non-canonical.
 */
static uint64_t wild(void)
{
	switch (below(5)) {
	case 0: return 0;
	case 1: return below(65536);
	case 2: return 0xffff888000000000ull + (rnd() & 0xfffff000ull);
	case 3: return 0xffffffffff600000ull;		/* vsyscall */
	default: return rnd() | 1ull << 63;
	}
}

/* ---- a session: one file, one context, what it created ---- */

enum kind { K_PD, K_MR, K_CQ, K_QP, K_AH, K_COUNT };
static const unsigned int cap[K_COUNT] = {4, 10, 6, 6, 6};

struct map {
	uint8_t *addr;
	size_t size;		/* mapped */
	size_t len;		/* written: 0 once it faulted */
	uint64_t key;		/* the mmap offset the driver gave */
};

struct obj {
	uint8_t kind;
	bool live;
	bool dead;			/* destroyed by another thread; reaped by the main one */
	bool fresh;			/* QP: not yet offered to bring_up() */
	uint32_t handle;
	uint32_t pd;			/* MR, QP, AH */
	uint32_t lkey, access;		/* MR */
	uint64_t iova, len;		/* MR */
	struct map ring, db;		/* CQ: ring, arm doorbell; QP: LLQ, SQ doorbell */
	struct map rq, rq_db;		/* QP */
	uint32_t entries, prod;		/* QP: SQ entries, producer; CQ: entry size, arm sequence */
	uint32_t cursor;		/* CQ: where poll_cq looks next */
	uint32_t rq_entries, rq_prod;
	uint32_t qpn;
	uint8_t type, state;		/* QP: IBV_QPT_UD or IBV_QPT_DRIVER (SRD), our guess */
	uint16_t ah;			/* AH: the device's address handle */
};

/* Request, response and ioctl-data areas of one thread, each followed by a guard page. */
struct io {
	uint8_t *req, *resp, *scratch;
	size_t scratch_used;
};

struct session {
	int fd;
	int worker;
	uint64_t id;
	bool child;			/* a forked copy: single-threaded, no locking */
	struct io io, rio;		/* the main thread's, the racer's */
	uint8_t *pool, *ro;		/* POOL_SIZE, RO_SIZE, a guard page */
	struct obj obj[N_OBJ];
	uint32_t freed[K_COUNT][N_FREED];
	int fds[N_FD];			/* async event and completion channel files */
	struct map extra[N_OBJ];	/* mappings made by the mmap operation */
	uint32_t qkey;
	uint64_t op_no;
	pthread_mutex_t lock;		/* obj[] between the main thread and the racer */
	bool stop;
	bool reap;
};

static struct session S;

static void lock(struct session *s)
{
	if (!s->child)
		pthread_mutex_lock(&s->lock);
}

static void unlock(struct session *s)
{
	if (!s->child)
		pthread_mutex_unlock(&s->lock);
}

/* Counts a call of @op that returned @ret (errno set when negative); returns @ret. */
static long tally(enum op op, long ret)
{
	int e = ret < 0 ? errno : 0;

	add(&st->calls[op], 1);
	if (!e)
		add(&st->ok[op], 1);
	add(&st->errnos[e < ERRNO_MAX ? e : ERRNO_MAX], 1);
	if (verbose)
		fprintf(stderr, "w%d s%" PRIu64 " %c#%" PRIu64 " %s: %s\n", S.worker, S.id, who,
			S.op_no, op_names[op], e ? (strerrorname_np(e) ?: "E?") : "OK");
	errno = e;
	return ret;
}

/* An operation that makes no system call (ring writes): counted, no errno. */
static void count(enum op op, bool ok)
{
	add(&st->calls[op], 1);
	if (ok)
		add(&st->ok[op], 1);
}

static void *area(size_t size)
{
	uint8_t *p = mmap(NULL, size + PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	mprotect(p + size, PAGE, PROT_NONE);
	return p;
}

static bool io_init(struct io *io)
{
	io->req = area(REQ_SIZE);
	io->resp = area(RESP_SIZE);
	io->scratch = area(SCRATCH_SIZE);
	return io->req && io->resp && io->scratch;
}

/* ---- the tables ---- */

/* A random live object of @kind (of PD @pd unless ~0u), or NULL. */
static struct obj *pick_in(struct session *s, enum kind kind, uint32_t pd)
{
	struct obj *found = NULL;
	unsigned int n = 0;

	lock(s);
	for (int i = 0; i < N_OBJ; i++) {
		struct obj *o = &s->obj[i];

		if (o->live && o->kind == kind && !__atomic_load_n(&o->dead, __ATOMIC_RELAXED) &&
		    (pd == ~0u || o->pd == pd) && !below(++n))
			found = o;
	}
	unlock(s);
	return found;
}

static struct obj *pick(struct session *s, enum kind kind)
{
	return pick_in(s, kind, ~0u);
}

/* Mostly one of the QP's PD, which the engine requires of AHs and MRs. */
static struct obj *pick_for(struct session *s, enum kind kind, const struct obj *q)
{
	struct obj *o = q && chance(90) ? pick_in(s, kind, q->pd) : NULL;

	return o ? o : pick(s, kind);
}

/* A handle of @kind: a live one mostly, else a freed one or a made-up one. */
static uint32_t handle(struct session *s, enum kind kind)
{
	struct obj *o;

	switch (below(10)) {
	case 0:
		return s->freed[kind][below(N_FREED)];
	case 1:
		return (uint32_t)value();
	default:
		o = pick(s, kind);
		return o ? o->handle : below(8);
	}
}

static struct obj *add_obj(struct session *s, enum kind kind, uint32_t h)
{
	unsigned int n = 0;
	struct obj *o = NULL;

	lock(s);
	for (int i = 0; i < N_OBJ; i++) {
		if (s->obj[i].live && s->obj[i].kind == kind)
			n++;
		else if (!s->obj[i].live && !o)
			o = &s->obj[i];
	}
	if (n >= cap[kind])
		o = NULL;
	if (o) {
		memset(o, 0, sizeof(*o));
		o->kind = (uint8_t)kind;
		o->handle = h;
		o->live = true;
	}
	unlock(s);
	return o;
}

static void unmap(struct map *m)
{
	if (m->addr)
		tally(OP_munmap, munmap(m->addr, m->size));
	m->addr = NULL;
	m->len = m->size = 0;
}

/* The main thread forgets @o (destroyed): its rings go. */
static void forget(struct session *s, struct obj *o)
{
	struct obj copy;

	lock(s);
	copy = *o;
	s->freed[o->kind][below(N_FREED)] = o->handle;
	o->live = false;
	unlock(s);
	unmap(&copy.ring);
	unmap(&copy.db);
	unmap(&copy.rq);
	unmap(&copy.rq_db);
}

/* An object of @kind and @h was destroyed; from another thread only marked. */
static void destroyed(struct session *s, enum kind kind, uint32_t h, bool main_thread)
{
	for (int i = 0; i < N_OBJ; i++) {
		struct obj *o = &s->obj[i];

		if (!o->live || o->kind != kind || o->handle != h)
			continue;
		if (main_thread) {
			forget(s, o);
		} else {
			__atomic_store_n(&o->dead, true, __ATOMIC_RELAXED);
			__atomic_store_n(&s->reap, true, __ATOMIC_RELEASE);
		}
		return;
	}
}

static void reap(struct session *s)
{
	if (!__atomic_exchange_n(&s->reap, false, __ATOMIC_ACQUIRE))
		return;
	for (int i = 0; i < N_OBJ; i++)
		if (s->obj[i].live && __atomic_load_n(&s->obj[i].dead, __ATOMIC_RELAXED))
			forget(s, &s->obj[i]);
}

static void keep_fd(struct session *s, int fd)
{
	int *slot = &s->fds[below(N_FD)];

	if (fd < 0 || fd > 100000)
		return;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (*slot > 0)
		close(*slot);
	*slot = fd;
}

/* ---- the fault guard around ring writes ---- */

static __thread sigjmp_buf *guard;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	if (guard)
		siglongjmp(*guard, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Copies to (or from, with @in) a mapped ring; false (and the map dropped) if it faults. */
static bool ring_io(struct map *m, size_t off, void *buf, size_t n, bool in)
{
	sigjmp_buf jb;

	if (!m->addr || off + n > m->len)
		return false;
	if (sigsetjmp(jb, 0)) {
		guard = NULL;
		add(&st->ring_faults, 1);
		m->len = 0;
		return false;
	}
	guard = &jb;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (in)
		memcpy(buf, m->addr + off, n);
	else
		memcpy(m->addr + off, buf, n);
	guard = NULL;
	return true;
}

static bool ring_copy(struct map *m, size_t off, const void *src, size_t n)
{
	return ring_io(m, off, (void *)src, n, false);
}

static bool ring_store32(struct map *m, size_t off, uint32_t v)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return ring_copy(m, off & ~3ul, &v, sizeof(v));
}

/* A live ring or doorbell map of any CQ or QP (for MRs and response pointers on them). */
static struct map *any_map(struct session *s)
{
	struct obj *o = pick(s, chance(50) ? K_QP : K_CQ);
	struct map *m;

	if (!o)
		return NULL;
	m = below(2) ? &o->ring : &o->db;
	if (o->kind == K_QP && chance(50))
		m = below(2) ? &o->rq : &o->rq_db;
	return m->addr && m->len ? m : NULL;
}

/* Where the kernel writes a response: ours, mostly. */
static uint64_t resp_ptr(struct session *s, struct io *io)
{
	struct map *m;

	switch (below(25)) {
	case 0: return wild();
	case 1: return (uintptr_t)io->resp + RESP_SIZE - below(64);	/* into the guard */
	case 2: return (uintptr_t)s->ro;				/* read-only */
	case 3:
		/* Only the main thread unmaps rings: another could see one gone and reused. */
		m = io == &s->io ? any_map(s) : NULL;
		return m ? (uintptr_t)m->addr + below((uint32_t)m->len) : (uintptr_t)io->resp;
	default: return (uintptr_t)io->resp + (chance(95) ? 0 : below(64));
	}
}

/* ---- write(): the legacy and extended commands ---- */

struct cmd {
	enum op op;
	uint32_t nr;		/* IB_USER_VERBS_CMD_* or _EX_CMD_* */
	bool ex;		/* the extended header follows the command header */
	bool has_resp;		/* the request starts with the response pointer */
	uint16_t fixed;		/* leading request bytes mutations leave alone */
	uint16_t core, udata;	/* request bytes after the header (ex: with its header) */
	uint16_t resp, uresp;	/* response bytes: core, then driver's */
};

static uint8_t *body(struct io *io)
{
	return io->req + sizeof(struct ib_uverbs_cmd_hdr);
}

static void *setup(struct io *io, struct cmd *c, enum op op, uint32_t nr, size_t core,
		   size_t udata, size_t resp, size_t uresp, bool has_resp)
{
	*c = (struct cmd){.op = op, .nr = nr, .has_resp = has_resp, .fixed = has_resp ? 8 : 0,
			  .core = (uint16_t)core, .udata = (uint16_t)udata,
			  .resp = (uint16_t)resp, .uresp = (uint16_t)uresp};
	memset(body(io), 0, core + udata);
	return body(io);
}

/* An extended command: ex header, then @core bytes of command. */
static void *setup_ex(struct io *io, struct cmd *c, enum op op, uint32_t nr, size_t core,
		      size_t udata, size_t resp, size_t uresp)
{
	setup(io, c, op, nr, sizeof(struct ib_uverbs_ex_cmd_hdr) + core, udata, resp, uresp, true);
	c->ex = true;
	return body(io) + sizeof(struct ib_uverbs_ex_cmd_hdr);
}

/* Commands a mutation may turn a request into: none pins memory (REG_MR, REREG_MR). */
static const uint32_t swap_to[] = {
	IB_USER_VERBS_CMD_GET_CONTEXT, IB_USER_VERBS_CMD_QUERY_DEVICE,
	IB_USER_VERBS_CMD_QUERY_PORT, IB_USER_VERBS_CMD_ALLOC_PD, IB_USER_VERBS_CMD_DEALLOC_PD,
	IB_USER_VERBS_CMD_CREATE_AH, IB_USER_VERBS_CMD_MODIFY_AH, IB_USER_VERBS_CMD_QUERY_AH,
	IB_USER_VERBS_CMD_DESTROY_AH, IB_USER_VERBS_CMD_QUERY_MR, IB_USER_VERBS_CMD_DEREG_MR,
	IB_USER_VERBS_CMD_ALLOC_MW, IB_USER_VERBS_CMD_BIND_MW, IB_USER_VERBS_CMD_DEALLOC_MW,
	IB_USER_VERBS_CMD_CREATE_COMP_CHANNEL, IB_USER_VERBS_CMD_CREATE_CQ,
	IB_USER_VERBS_CMD_RESIZE_CQ, IB_USER_VERBS_CMD_DESTROY_CQ, IB_USER_VERBS_CMD_POLL_CQ,
	IB_USER_VERBS_CMD_PEEK_CQ, IB_USER_VERBS_CMD_REQ_NOTIFY_CQ, IB_USER_VERBS_CMD_CREATE_QP,
	IB_USER_VERBS_CMD_QUERY_QP, IB_USER_VERBS_CMD_MODIFY_QP, IB_USER_VERBS_CMD_DESTROY_QP,
	IB_USER_VERBS_CMD_POST_SEND, IB_USER_VERBS_CMD_POST_RECV,
	IB_USER_VERBS_CMD_ATTACH_MCAST, IB_USER_VERBS_CMD_DETACH_MCAST,
	IB_USER_VERBS_CMD_CREATE_SRQ, IB_USER_VERBS_CMD_MODIFY_SRQ, IB_USER_VERBS_CMD_QUERY_SRQ,
	IB_USER_VERBS_CMD_DESTROY_SRQ, IB_USER_VERBS_CMD_POST_SRQ_RECV,
	IB_USER_VERBS_CMD_OPEN_XRCD, IB_USER_VERBS_CMD_CLOSE_XRCD,
	IB_USER_VERBS_CMD_CREATE_XSRQ, IB_USER_VERBS_CMD_OPEN_QP,
	IB_USER_VERBS_CMD_THRESHOLD, 42, 43, 49, 63, 127, 255,
};

static uint32_t other_nr(void)
{
	uint32_t nr = swap_to[below(sizeof(swap_to) / sizeof(swap_to[0]))];

	if (chance(30))
		nr |= IB_USER_VERBS_CMD_FLAG_EXTENDED;
	return nr;
}

/*
 * Sends @c as built in io->req, mutated with @fuzz percent. Returns
 * write()'s result; *as_built tells whether the kernel saw the command
 * number and response pointer it was built with (its response can be read).
 */
static long send_cmd(struct session *s, struct io *io, const struct cmd *c, unsigned int fuzz,
		     bool *as_built)
{
	struct ib_uverbs_cmd_hdr *h = (void *)io->req;
	struct ib_uverbs_ex_cmd_hdr *x = (void *)body(io);
	uint8_t *b = body(io);
	size_t n = c->core + c->udata, len;
	uint64_t resp = (uintptr_t)io->resp;
	uint32_t nr = c->nr;
	bool words = false;

	*as_built = true;
	memset(io->resp, 0, (size_t)c->resp + c->uresp + 64);
	for (unsigned int k = chance(fuzz) ? 1 + below(3) : 0; k--;) {
		size_t at = c->fixed + (n > c->fixed ? below((uint32_t)(n - c->fixed)) : 0);
		uint32_t v32;

		switch (below(12)) {
		case 0:
			if (at < n)
				b[at] ^= (uint8_t)(1u << below(8));
			break;
		case 1:
			if (at < n)
				b[at] = (uint8_t)value();
			break;
		case 2:
			v32 = (uint32_t)value();
			if ((at & ~3ul) >= c->fixed && (at & ~3ul) + 4 <= n)
				memcpy(b + (at & ~3ul), &v32, 4);
			break;
		case 3: case 4: {
			/* More driver data: zeros (to be accepted) or noise. */
			size_t more = 8 * (1 + below(chance(90) ? 8 : 4000));
			bool zero = chance(50);

			if (sizeof(*h) + n + more > REQ_SIZE)
				break;
			for (size_t i = 0; i < more; i++)
				b[n + i] = zero ? 0 : (uint8_t)rnd();
			n += more;
			break;
		}
		case 5:
			if (n > c->fixed + 4u)
				n -= 4 * (1 + below((uint32_t)(n - c->fixed) / 4));
			break;
		case 6:
			words = true;
			break;
		case 7:
			resp = resp_ptr(s, io);
			*as_built = resp == (uintptr_t)io->resp;
			break;
		case 8:
			nr = other_nr();
			*as_built = false;
			break;
		case 9:
			*as_built = false;
			nr = (uint32_t)value();
			/* Only values no command pins memory with. */
			if ((nr & 0xff) == IB_USER_VERBS_CMD_REG_MR ||
			    (nr & 0xff) == IB_USER_VERBS_CMD_REREG_MR)
				nr = IB_USER_VERBS_CMD_QUERY_DEVICE;
			break;
		default:
			if (at < n)
				b[at] = 0;
			break;
		}
	}
	/* A command of another layout reads its response pointer from here. */
	if (c->has_resp || nr != c->nr)
		memcpy(b, &resp, sizeof(resp));
	if (c->ex) {
		x->response = resp;
		x->provider_in_words = c->udata / 8;
		x->provider_out_words = c->uresp / 8;
		x->cmd_hdr_reserved = 0;
		h->command = nr == c->nr ? nr | IB_USER_VERBS_CMD_FLAG_EXTENDED : nr;
		h->in_words = (uint16_t)((c->core - sizeof(*x)) / 8);
		h->out_words = c->resp / 8;
		if (n != c->core + c->udata)
			x->provider_in_words = (uint16_t)((n - c->core) / 8);
	} else {
		h->command = nr;
		h->in_words = (uint16_t)((sizeof(*h) + n) / 4);
		h->out_words = (uint16_t)((c->resp + c->uresp) / 4);
	}
	len = sizeof(*h) + n;
	if (words) {
		switch (below(6)) {
		case 0: h->in_words = (uint16_t)value(); break;
		case 5:
			/* Consistent with the length: what follows is whatever the buffer holds. */
			h->in_words = (uint16_t)(chance(50) ? value() : h->in_words + below(64));
			len = (size_t)h->in_words * 4;
			break;
		case 1: h->out_words = (uint16_t)value(); break;
		case 2: len = (size_t)(value() % REQ_SIZE); break;
		case 3:
			if (c->ex)
				x->provider_out_words = (uint16_t)value();
			else
				h->out_words = (uint16_t)(h->out_words + (chance(50) ? 1 : -1));
			break;
		default:
			if (c->ex)
				x->cmd_hdr_reserved = (uint32_t)value() | 1;
			else
				h->in_words = (uint16_t)(h->in_words + 1);
			break;
		}
		*as_built = false;
	}
	return tally(c->op, write(s->fd, io->req, len));
}

/* ---- builders: a valid request of each verb, from the tables ---- */

static uint32_t cq_entries(void)
{
	if (chance(60))
		return 1 + below(64);
	if (chance(90))
		return 1u << below(13);
	return chance(50) ? 65536 : (uint32_t)value();
}

static void b_get_context(struct session *s, struct io *io, struct cmd *c)
{
	struct {
		struct ib_uverbs_get_context core;
		struct efa_ibv_alloc_ucontext_cmd efa;
	} *r = setup(io, c, OP_get_context, IB_USER_VERBS_CMD_GET_CONTEXT,
		     sizeof(struct ib_uverbs_get_context), sizeof(r->efa),
		     sizeof(struct ib_uverbs_get_context_resp),
		     sizeof(struct efa_ibv_alloc_ucontext_resp), true);

	(void)s;
	r->efa.comp_mask = EFA_ALLOC_UCONTEXT_CMD_COMP_TX_BATCH |
			   EFA_ALLOC_UCONTEXT_CMD_COMP_MIN_SQ_WR;
}

static void b_query_device(struct session *s, struct io *io, struct cmd *c)
{
	(void)s;
	setup(io, c, OP_query_device, IB_USER_VERBS_CMD_QUERY_DEVICE,
	      sizeof(struct ib_uverbs_query_device), 0,
	      sizeof(struct ib_uverbs_query_device_resp), 0, true);
}

static void b_query_port(struct session *s, struct io *io, struct cmd *c)
{
	struct ib_uverbs_query_port *r = setup(io, c, OP_query_port, IB_USER_VERBS_CMD_QUERY_PORT,
					       sizeof(*r), 0,
					       sizeof(struct ib_uverbs_query_port_resp), 0, true);

	(void)s;
	r->port_num = chance(85) ? 1 : (uint8_t)value();
}

static void b_alloc_pd(struct session *s, struct io *io, struct cmd *c)
{
	(void)s;
	setup(io, c, OP_alloc_pd, IB_USER_VERBS_CMD_ALLOC_PD, sizeof(struct ib_uverbs_alloc_pd), 0,
	      sizeof(struct ib_uverbs_alloc_pd_resp), sizeof(struct efa_ibv_alloc_pd_resp), true);
}

static void b_dealloc_pd(struct session *s, struct io *io, struct cmd *c)
{
	struct ib_uverbs_dealloc_pd *r = setup(io, c, OP_dealloc_pd, IB_USER_VERBS_CMD_DEALLOC_PD,
					       sizeof(*r), 0, 0, 0, false);

	r->pd_handle = handle(s, K_PD);
}

/* An MR's range: in the pool mostly, else over read-only or guard pages, a ring, or wild. */
static void mr_range(struct session *s, bool main_thread, uint64_t *start, uint64_t *len)
{
	uint32_t off = below(POOL_SIZE);
	struct map *m;

	switch (below(12)) {
	case 0:
		*start = (uintptr_t)s->pool + POOL_SIZE - below(2 * PAGE);
		*len = 1 + below(RO_SIZE + 2 * PAGE);
		return;
	case 1:
		off = below(RO_SIZE);
		*start = (uintptr_t)s->ro + off;
		*len = 1 + below(RO_SIZE - off + (chance(50) ? PAGE : 0));
		return;
	case 2:
		m = main_thread ? any_map(s) : NULL;	/* see resp_ptr() */
		if (m) {
			off = below((uint32_t)m->len);
			*start = (uintptr_t)m->addr + off;
			*len = 1 + below((uint32_t)(m->len - off));
			return;
		}
		break;
	case 3:
		*start = wild();
		*len = value();
		return;
	case 4:
		/* Lengths that overflow, are empty or run into the guard. */
		*start = (uintptr_t)s->pool + off;
		*len = chance(50) ? value() : 0;
		return;
	default:
		break;
	}
	if (chance(50))
		off &= ~(PAGE - 1u);
	*start = (uintptr_t)s->pool + off;
	*len = 1 + below(chance(80) ? 16384 : POOL_SIZE - off);
	if (*start + *len > (uintptr_t)s->pool + POOL_SIZE)
		*len = (uintptr_t)s->pool + POOL_SIZE - *start;
}

static void b_reg_mr(struct session *s, struct io *io, struct cmd *c)
{
	struct ib_uverbs_reg_mr *r = setup(io, c, OP_reg_mr, IB_USER_VERBS_CMD_REG_MR, sizeof(*r),
					   0, sizeof(struct ib_uverbs_reg_mr_resp), 0, true);
	uint64_t start, len;

	c->fixed = 24;		/* response, start, length: never mutated */
	mr_range(s, io == &s->io, &start, &len);
	r->start = start;
	r->length = len;
	switch (below(10)) {
	case 0: r->hca_va = rnd(); break;
	case 1: r->hca_va = (rnd() & ~(uint64_t)(PAGE - 1)) | (start & (PAGE - 1)); break;
	default: r->hca_va = start; break;
	}
	r->pd_handle = handle(s, K_PD);
	switch (below(10)) {
	case 0: case 1: r->access_flags = 0; break;
	case 2: r->access_flags = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_READ; break;
	case 3: r->access_flags = (uint32_t)rnd() & 0x1fffff; break;
	default: r->access_flags = IBV_ACCESS_LOCAL_WRITE; break;
	}
}

static void b_dereg_mr(struct session *s, struct io *io, struct cmd *c)
{
	struct ib_uverbs_dereg_mr *r = setup(io, c, OP_dereg_mr, IB_USER_VERBS_CMD_DEREG_MR,
					     sizeof(*r), 0, 0, 0, false);

	r->mr_handle = handle(s, K_MR);
}

static int chan_fd(struct session *s)
{
	int fd = s->fds[below(N_FD)];

	return chance(70) || fd <= 0 ? -1 : chance(90) ? fd : (int)value();
}

static void cq_udata(struct efa_ibv_create_cq *e)
{
	e->cq_entry_size = chance(85) ? (chance(50) ? 16 : 32) : (uint32_t)value();
	e->num_sub_cqs = chance(90) ? 1 : (uint16_t)value();
	e->flags = chance(60) ? 0 : (uint8_t)below(chance(90) ? 4 : 256);
	if (e->cq_entry_size == 16 && chance(80))
		e->flags &= (uint8_t)~EFA_CREATE_CQ_WITH_SGID;
}

static void b_create_cq(struct session *s, struct io *io, struct cmd *c)
{
	struct {
		struct ib_uverbs_create_cq core;
		struct efa_ibv_create_cq efa;
	} *r = setup(io, c, OP_create_cq, IB_USER_VERBS_CMD_CREATE_CQ, sizeof(r->core),
		     sizeof(r->efa), sizeof(struct ib_uverbs_create_cq_resp),
		     sizeof(struct efa_ibv_create_cq_resp), true);

	r->core.user_handle = rnd();
	r->core.cqe = cq_entries();
	r->core.comp_vector = chance(90) ? 0 : (uint32_t)value();
	r->core.comp_channel = chan_fd(s);
	cq_udata(&r->efa);
}

static void b_destroy_cq(struct session *s, struct io *io, struct cmd *c)
{
	struct ib_uverbs_destroy_cq *r = setup(io, c, OP_destroy_cq, IB_USER_VERBS_CMD_DESTROY_CQ,
					       sizeof(*r), 0,
					       sizeof(struct ib_uverbs_destroy_cq_resp), 0, true);

	r->cq_handle = handle(s, K_CQ);
}

struct qp_params {
	uint32_t pd, send_cq, recv_cq, sq_entries, rq_entries;
	uint32_t max_send_wr, max_recv_wr, max_send_sge, max_recv_sge, max_inline;
	uint8_t type;
	uint32_t driver_type;
};

static void qp_params(struct session *s, struct qp_params *p)
{
	p->pd = handle(s, K_PD);
	p->send_cq = handle(s, K_CQ);
	p->recv_cq = chance(70) ? p->send_cq : handle(s, K_CQ);
	p->sq_entries = chance(95) ? 1u << below(9) : chance(50) ? 4096 : (uint32_t)value() & 0xffff;
	p->rq_entries = chance(10) ? 0 : chance(95) ? 1u << below(11) : (uint32_t)value() & 0xffff;
	p->max_send_wr = below(p->sq_entries + 1);
	p->max_recv_wr = below(p->rq_entries + 1);
	p->max_send_sge = 1 + below(2);
	p->max_recv_sge = 1;
	p->max_inline = below(33);
	if (chance(5))
		p->max_send_wr = (uint32_t)value();
	if (chance(5))
		p->max_inline = (uint32_t)value();
	p->type = chance(50) ? IBV_QPT_UD : IBV_QPT_DRIVER;
	if (chance(3))
		p->type = (uint8_t)value();
	p->driver_type = chance(95) ? EFA_QP_DRIVER_TYPE_SRD : (uint32_t)value();
}

static void qp_udata(const struct qp_params *p, struct efa_ibv_create_qp *e)
{
	e->rq_ring_size = p->rq_entries * RXD;
	e->sq_ring_size = p->sq_entries * WQE;
	e->driver_qp_type = p->driver_type;
	if (chance(3))
		e->sq_ring_size = (uint32_t)value();
	if (chance(3))
		e->rq_ring_size = (uint32_t)value();
}

static void b_create_qp(struct session *s, struct io *io, struct cmd *c)
{
	struct {
		struct ib_uverbs_create_qp core;
		struct efa_ibv_create_qp efa;
	} *r = setup(io, c, OP_create_qp, IB_USER_VERBS_CMD_CREATE_QP, sizeof(r->core),
		     sizeof(r->efa), sizeof(struct ib_uverbs_create_qp_resp),
		     sizeof(struct efa_ibv_create_qp_resp), true);
	struct qp_params p;

	qp_params(s, &p);
	r->core.user_handle = rnd();
	r->core.pd_handle = p.pd;
	r->core.send_cq_handle = p.send_cq;
	r->core.recv_cq_handle = p.recv_cq;
	r->core.max_send_wr = p.max_send_wr;
	r->core.max_recv_wr = p.max_recv_wr;
	r->core.max_send_sge = p.max_send_sge;
	r->core.max_recv_sge = p.max_recv_sge;
	r->core.max_inline_data = p.max_inline;
	r->core.sq_sig_all = (uint8_t)below(2);
	r->core.qp_type = p.type;
	qp_udata(&p, &r->efa);
}

/* A modify_qp toward the next state our guess allows, or a random one. */
static void b_modify_qp_to(struct session *s, struct io *io, struct cmd *c, struct obj *q)
{
	struct ib_uverbs_modify_qp *r = setup(io, c, OP_modify_qp, IB_USER_VERBS_CMD_MODIFY_QP,
					      sizeof(*r), 0, 0, 0, false);
	uint8_t state = q ? q->state : (uint8_t)below(7);

	r->qp_handle = q ? q->handle : handle(s, K_QP);
	r->qkey = chance(90) ? s->qkey : (uint32_t)value();
	r->port_num = 1;
	r->sq_psn = (uint32_t)rnd() & 0xffffff;
	r->rnr_retry = (uint8_t)below(8);
	r->attr_mask = IBV_QP_STATE;
	switch (state) {
	case IBV_QPS_RESET:
		r->qp_state = IBV_QPS_INIT;
		r->attr_mask |= IBV_QP_PKEY_INDEX | IBV_QP_PORT | IBV_QP_QKEY;
		break;
	case IBV_QPS_INIT:
		r->qp_state = IBV_QPS_RTR;
		break;
	case IBV_QPS_RTR:
		r->qp_state = IBV_QPS_RTS;
		r->attr_mask |= IBV_QP_SQ_PSN;
		if (q && q->type == IBV_QPT_DRIVER && chance(70))
			r->attr_mask |= IBV_QP_RNR_RETRY;
		break;
	case IBV_QPS_RTS:
		r->qp_state = chance(80) ? IBV_QPS_RTS : chance(50) ? IBV_QPS_SQD : IBV_QPS_ERR;
		break;
	case IBV_QPS_SQD:
		r->qp_state = chance(70) ? IBV_QPS_RTS : IBV_QPS_ERR;
		break;
	default:
		r->qp_state = IBV_QPS_RESET;
		break;
	}
	if (q && chance(15)) {
		r->qp_state = (uint8_t)below(8);
		r->cur_qp_state = (uint8_t)below(8);
		r->attr_mask = (uint32_t)rnd() & (chance(80) ? 0x1ffff : 0xffffffff);
		r->port_num = (uint8_t)below(3);
		r->pkey_index = (uint16_t)below(2);
		r->en_sqd_async_notify = (uint8_t)below(2);
	}
}

static void b_modify_qp(struct session *s, struct io *io, struct cmd *c)
{
	b_modify_qp_to(s, io, c, chance(80) ? pick(s, K_QP) : NULL);
}

static void b_query_qp(struct session *s, struct io *io, struct cmd *c)
{
	struct ib_uverbs_query_qp *r = setup(io, c, OP_query_qp, IB_USER_VERBS_CMD_QUERY_QP,
					     sizeof(*r), 0, sizeof(struct ib_uverbs_query_qp_resp),
					     0, true);

	r->qp_handle = handle(s, K_QP);
	r->attr_mask = (uint32_t)rnd() & (chance(70) ? IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT |
					  IBV_QP_QKEY | IBV_QP_SQ_PSN | IBV_QP_CAP | IBV_QP_RNR_RETRY :
					  chance(90) ? 0x1fffff : 0xffffffff);
}

static void b_destroy_qp(struct session *s, struct io *io, struct cmd *c)
{
	struct ib_uverbs_destroy_qp *r = setup(io, c, OP_destroy_qp, IB_USER_VERBS_CMD_DESTROY_QP,
					       sizeof(*r), 0,
					       sizeof(struct ib_uverbs_destroy_qp_resp), 0, true);

	r->qp_handle = handle(s, K_QP);
}

static void b_create_ah(struct session *s, struct io *io, struct cmd *c)
{
	struct ib_uverbs_create_ah *r = setup(io, c, OP_create_ah, IB_USER_VERBS_CMD_CREATE_AH,
					      sizeof(*r), 0, sizeof(struct ib_uverbs_create_ah_resp),
					      sizeof(struct efa_ibv_create_ah_resp), true);

	struct obj *q = chance(60) ? pick(s, K_QP) : NULL;

	r->user_handle = rnd();
	r->pd_handle = q ? q->pd : handle(s, K_PD);	/* where sends need one */
	r->attr.is_global = chance(95);
	r->attr.port_num = chance(95) ? 1 : (uint8_t)value();
	r->attr.grh.sgid_index = chance(95) ? 0 : (uint8_t)value();
	r->attr.grh.hop_limit = (uint8_t)rnd();
	r->attr.dlid = (uint16_t)rnd();
	if (chance(60) || (!peers && chance(40)))
		memcpy(r->attr.grh.dgid, dev_gid, 16);
	else if (peers && chance(60))
		memcpy(r->attr.grh.dgid, peer_gid[below(peers)], 16);
	else if (chance(70))
		for (int i = 0; i < 16; i++)
			r->attr.grh.dgid[i] = (uint8_t)rnd();
}

static void b_destroy_ah(struct session *s, struct io *io, struct cmd *c)
{
	struct ib_uverbs_destroy_ah *r = setup(io, c, OP_destroy_ah, IB_USER_VERBS_CMD_DESTROY_AH,
					       sizeof(*r), 0, 0, 0, false);

	r->ah_handle = handle(s, K_AH);
}

static void b_comp_channel(struct session *s, struct io *io, struct cmd *c)
{
	(void)s;
	setup(io, c, OP_comp_channel, IB_USER_VERBS_CMD_CREATE_COMP_CHANNEL,
	      sizeof(struct ib_uverbs_create_comp_channel), 0,
	      sizeof(struct ib_uverbs_create_comp_channel_resp), 0, true);
}

/* The extended commands libibverbs and libefa send, and unknown ones. */
static void b_ex(struct session *s, struct io *io, struct cmd *c)
{
	struct qp_params p;

	switch (below(5)) {
	case 0: {
		struct ib_uverbs_ex_query_device *r =
			setup_ex(io, c, OP_ex_cmd, IB_USER_VERBS_EX_CMD_QUERY_DEVICE, sizeof(*r), 0,
				 sizeof(struct ib_uverbs_ex_query_device_resp),
				 chance(80) ? sizeof(struct efa_ibv_ex_query_device_resp) : 0);

		r->comp_mask = chance(90) ? 0 : (uint32_t)value();
		break;
	}
	case 1: {
		struct {
			struct ib_uverbs_ex_create_cq core;
			struct efa_ibv_create_cq efa;
		} *r = setup_ex(io, c, OP_ex_cmd, IB_USER_VERBS_EX_CMD_CREATE_CQ, sizeof(r->core),
				sizeof(r->efa), sizeof(struct ib_uverbs_ex_create_cq_resp),
				sizeof(struct efa_ibv_create_cq_resp));

		r->core.user_handle = rnd();
		r->core.cqe = cq_entries();
		r->core.comp_channel = chan_fd(s);
		r->core.flags = chance(85) ? 0 : (uint32_t)value();
		r->core.comp_mask = chance(90) ? 0 : (uint32_t)value();
		cq_udata(&r->efa);
		break;
	}
	case 2: {
		struct {
			struct ib_uverbs_ex_create_qp core;
			struct efa_ibv_create_qp efa;
		} *r = setup_ex(io, c, OP_ex_cmd, IB_USER_VERBS_EX_CMD_CREATE_QP, sizeof(r->core),
				sizeof(r->efa), sizeof(struct ib_uverbs_ex_create_qp_resp),
				sizeof(struct efa_ibv_create_qp_resp));

		qp_params(s, &p);
		r->core.user_handle = rnd();
		r->core.pd_handle = p.pd;
		r->core.send_cq_handle = p.send_cq;
		r->core.recv_cq_handle = p.recv_cq;
		r->core.max_send_wr = p.max_send_wr;
		r->core.max_recv_wr = p.max_recv_wr;
		r->core.max_send_sge = p.max_send_sge;
		r->core.max_recv_sge = p.max_recv_sge;
		r->core.max_inline_data = p.max_inline;
		r->core.qp_type = p.type;
		r->core.comp_mask = chance(90) ? 0 : (uint32_t)value();
		r->core.create_flags = chance(85) ? 0 : 1u << below(32);
		r->core.source_qpn = chance(90) ? 0 : (uint32_t)value();
		qp_udata(&p, &r->efa);
		break;
	}
	case 3: {
		struct obj *q = pick(s, K_QP);
		struct ib_uverbs_ex_modify_qp *r =
			setup_ex(io, c, OP_ex_cmd, IB_USER_VERBS_EX_CMD_MODIFY_QP, sizeof(*r), 0,
				 sizeof(struct ib_uverbs_ex_modify_qp_resp), 0);

		r->base.qp_handle = q ? q->handle : handle(s, K_QP);
		r->base.attr_mask = chance(50) ? IBV_QP_STATE : (uint32_t)rnd() & 0x3ffffff;
		r->base.qp_state = (uint8_t)below(7);
		r->base.qkey = s->qkey;
		r->base.port_num = 1;
		r->rate_limit = chance(90) ? 0 : (uint32_t)value();
		break;
	}
	default: {
		/* A create-flow sized request with noise, or an unknown extended command. */
		uint8_t *r = setup_ex(io, c, OP_ex_cmd, IB_USER_VERBS_EX_CMD_CREATE_FLOW + below(14),
				      8 * (1 + below(16)), 8 * below(4), 8 * below(8), 8 * below(4));

		for (size_t i = 0; i < c->core - sizeof(struct ib_uverbs_ex_cmd_hdr) + c->udata; i++)
			r[i] = chance(70) ? 0 : (uint8_t)rnd();
		if (chance(20))
			c->nr = (uint32_t)below(256);
		break;
	}
	}
}

/* Any command number with a body of noise: unknown commands, disabled ones. */
static void b_other(struct session *s, struct io *io, struct cmd *c)
{
	size_t n = 4 * below(chance(90) ? 32 : 1024);
	uint8_t *r = setup(io, c, OP_other_cmd, other_nr(), n, 0, 4 * below(64), 0, true);

	(void)s;
	for (size_t i = 8; i < n; i++)
		r[i] = chance(60) ? 0 : (uint8_t)rnd();
}

typedef void builder(struct session *s, struct io *io, struct cmd *c);

/* ---- what a response tells: objects to track, rings to map ---- */

static void map_ring(struct session *s, struct map *m, uint64_t key, uint64_t len)
{
	void *p;

	m->addr = NULL;
	m->len = 0;
	m->key = key;
	if (!len || len > (64 << 20))
		return;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, (off_t)key);
	if (tally(OP_mmap, p == MAP_FAILED ? -1 : 0) < 0)
		return;
	m->addr = p;
	m->len = m->size = len;
}

static void track_cq(struct session *s, uint32_t h, uint32_t entry_size,
		     const struct efa_ibv_create_cq_resp *e)
{
	struct obj *o = add_obj(s, K_CQ, h);

	if (!o)
		return;
	o->entries = entry_size;
	map_ring(s, &o->ring, e->q_mmap_key, e->q_mmap_size);
	if (e->comp_mask & EFA_CREATE_CQ_RESP_DB_OFF)
		map_ring(s, &o->db, e->db_mmap_key, PAGE);
}

static void track_qp(struct session *s, uint32_t h, uint32_t qpn, uint8_t type, uint32_t pd,
		     const struct efa_ibv_create_qp *req, const struct efa_ibv_create_qp_resp *e)
{
	struct obj *o = add_obj(s, K_QP, h);

	if (!o)
		return;
	o->qpn = qpn;
	o->type = type;
	o->pd = pd;
	o->state = IBV_QPS_RESET;
	o->fresh = true;
	o->entries = req->sq_ring_size / WQE;
	o->rq_entries = req->rq_ring_size / RXD;
	map_ring(s, &o->ring, e->llq_desc_mmap_key, (req->sq_ring_size + PAGE - 1) & ~(PAGE - 1u));
	map_ring(s, &o->db, e->sq_db_mmap_key, PAGE);
	if (req->rq_ring_size) {
		map_ring(s, &o->rq, e->rq_mmap_key, e->rq_mmap_size);
		map_ring(s, &o->rq_db, e->rq_db_mmap_key, PAGE);
	}
}

/* After a successful command sent as built: what it created or destroyed. */
static void after(struct session *s, struct io *io, const struct cmd *c, bool main_thread)
{
	const uint8_t *b = body(io), *x = b + sizeof(struct ib_uverbs_ex_cmd_hdr);
	const uint8_t *r = io->resp, *d = io->resp + c->resp;
	const uint32_t *r32 = (const void *)r;
	struct obj *o;

	switch (c->nr | (c->ex ? IB_USER_VERBS_CMD_FLAG_EXTENDED : 0)) {
	case IB_USER_VERBS_CMD_GET_CONTEXT:
		keep_fd(s, (int)r32[0]);
		break;
	case IB_USER_VERBS_CMD_CREATE_COMP_CHANNEL:
		keep_fd(s, (int)r32[0]);
		break;
	case IB_USER_VERBS_CMD_ALLOC_PD:
		add_obj(s, K_PD, r32[0]);
		break;
	case IB_USER_VERBS_CMD_REG_MR: {
		const struct ib_uverbs_reg_mr *q = (const void *)b;

		o = add_obj(s, K_MR, r32[0]);
		if (o) {
			o->lkey = r32[1];
			o->iova = q->hca_va;
			o->len = q->length;
			o->pd = q->pd_handle;
			o->access = q->access_flags;
		}
		break;
	}
	case IB_USER_VERBS_CMD_CREATE_CQ:
	case IB_USER_VERBS_EX_CMD_CREATE_CQ | IB_USER_VERBS_CMD_FLAG_EXTENDED:
		track_cq(s, r32[0], ((const struct efa_ibv_create_cq *)(b + c->core))->cq_entry_size,
			 (const void *)d);
		break;
	case IB_USER_VERBS_CMD_CREATE_QP: {
		const struct ib_uverbs_create_qp *q = (const void *)b;

		track_qp(s, r32[0], r32[1], q->qp_type, q->pd_handle, (const void *)(q + 1),
			 (const void *)d);
		break;
	}
	case IB_USER_VERBS_EX_CMD_CREATE_QP | IB_USER_VERBS_CMD_FLAG_EXTENDED: {
		const struct ib_uverbs_ex_create_qp *q = (const void *)x;

		track_qp(s, r32[0], r32[1], q->qp_type, q->pd_handle, (const void *)(q + 1),
			 (const void *)d);
		break;
	}
	case IB_USER_VERBS_CMD_CREATE_AH:
		o = add_obj(s, K_AH, r32[0]);
		if (o) {
			o->ah = ((const struct efa_ibv_create_ah_resp *)(r + 4))->efa_address_handle;
			o->pd = ((const struct ib_uverbs_create_ah *)b)->pd_handle;
		}
		break;
	case IB_USER_VERBS_CMD_MODIFY_QP: {
		const struct ib_uverbs_modify_qp *q = (const void *)b;

		if (!(q->attr_mask & IBV_QP_STATE))
			break;
		for (int i = 0; i < N_OBJ; i++)
			if (s->obj[i].live && s->obj[i].kind == K_QP && s->obj[i].handle == q->qp_handle)
				s->obj[i].state = q->qp_state;
		break;
	}
	case IB_USER_VERBS_CMD_DEALLOC_PD:
		destroyed(s, K_PD, *(const uint32_t *)b, main_thread);
		break;
	case IB_USER_VERBS_CMD_DEREG_MR:
		destroyed(s, K_MR, *(const uint32_t *)b, main_thread);
		break;
	case IB_USER_VERBS_CMD_DESTROY_CQ:
		destroyed(s, K_CQ, ((const struct ib_uverbs_destroy_cq *)b)->cq_handle, main_thread);
		break;
	case IB_USER_VERBS_CMD_DESTROY_QP:
		destroyed(s, K_QP, ((const struct ib_uverbs_destroy_qp *)b)->qp_handle, main_thread);
		break;
	case IB_USER_VERBS_CMD_DESTROY_AH:
		destroyed(s, K_AH, *(const uint32_t *)b, main_thread);
		break;
	default:
		break;
	}
}

/* Builds with @b, sends with @fuzz percent of mutation, tracks the result. */
static long verb(struct session *s, struct io *io, builder *b, unsigned int fuzz, bool main_thread)
{
	struct cmd c;
	bool as_built;
	long ret;

	b(s, io, &c);
	ret = send_cmd(s, io, &c, fuzz, &as_built);
	if (ret >= 0 && as_built)
		after(s, io, &c, main_thread);
	return ret;
}

/* RESET -> INIT -> RTR -> RTS with valid requests. */
static void bring_up(struct session *s, struct obj *q)
{
	for (int i = 0; i < 3 && q->state < IBV_QPS_RTS; i++) {
		struct cmd c;
		bool as_built;
		long ret;

		b_modify_qp_to(s, &s->io, &c, q);
		ret = send_cmd(s, &s->io, &c, 0, &as_built);
		if (ret < 0)
			return;
		after(s, &s->io, &c, true);
	}
}

/* Garbage write()s: short, misaligned, from unmapped memory, huge. */
static void bad_write(struct session *s)
{
	struct ib_uverbs_cmd_hdr *h = (void *)s->io.req;
	const void *buf = s->io.req;
	size_t len;

	h->command = (uint32_t)value();
	h->in_words = (uint16_t)value();
	h->out_words = (uint16_t)value();
	len = below(32);
	switch (below(4)) {
	case 0: buf = (const void *)(uintptr_t)wild(); len = 8 + below(64); break;
	case 1: buf = s->io.req + REQ_SIZE - below(16); len = 16; break;	/* into the guard */
	case 2: len = value(); break;
	default: break;
	}
	if ((h->command & 0xff) == IB_USER_VERBS_CMD_REG_MR ||
	    (h->command & 0xff) == IB_USER_VERBS_CMD_REREG_MR)
		h->command = IB_USER_VERBS_CMD_QUERY_PORT;
	memset(s->io.req + 8, 0, 8);		/* a response pointer of NULL */
	tally(OP_bad_write, write(s->fd, buf, len));
}

/* ---- ioctl(RDMA_VERBS_IOCTL) ---- */

struct ioc {
	struct ib_uverbs_ioctl_hdr h;
	struct ib_uverbs_attr a[MAX_ATTRS];
};

/* @len bytes of ioctl data (copied from @src, or noise) in the scratch area. */
static uint64_t scratch(struct io *io, const void *src, size_t len)
{
	uint8_t *p;

	if (io->scratch_used + len > SCRATCH_SIZE)
		io->scratch_used = 0;
	p = io->scratch + io->scratch_used;
	io->scratch_used = (io->scratch_used + len + 7) & ~7ul;
	if (src)
		memcpy(p, src, len);
	else
		memset(p, 0, len);
	return (uintptr_t)p;
}

static struct ib_uverbs_attr *attr(struct ioc *x, uint16_t id, uint16_t len, uint64_t data)
{
	struct ib_uverbs_attr *a = &x->a[x->h.num_attrs++];

	*a = (struct ib_uverbs_attr){.attr_id = id, .len = len, .data = data};
	return a;
}

/* An input attribute: inline up to 8 bytes, else in the scratch area. */
static void attr_in(struct io *io, struct ioc *x, uint16_t id, const void *src, uint16_t len)
{
	uint64_t v = 0;

	if (len <= 8) {
		memcpy(&v, src, len);
		attr(x, id, len, v);
	} else {
		attr(x, id, len, scratch(io, src, len));
	}
}

static void attr_u64(struct ioc *x, uint16_t id, uint64_t v)
{
	attr(x, id, 8, v);
}

static void attr_out(struct io *io, struct ioc *x, uint16_t id, uint16_t len)
{
	attr(x, id, len, scratch(io, NULL, len));
}

/* In the order of their operations (OP_ioctl_cq + kind). */
enum ioc_kind { I_CQ, I_QP, I_DESTROY, I_INVOKE, I_QUERY, I_ASYNC, I_RANDOM, I_COUNT };

/* A real method of @kind; returns the builder used by INVOKE_WRITE (its response in io->resp). */
static void ioc_build(struct session *s, struct io *io, struct ioc *x, enum ioc_kind kind,
		      struct cmd *inv)
{
	static builder *const invokable[] = {
		b_query_device, b_query_port, b_alloc_pd, b_dealloc_pd, b_reg_mr, b_dereg_mr,
		b_create_cq, b_destroy_cq, b_create_qp, b_modify_qp, b_query_qp, b_destroy_qp,
		b_create_ah, b_destroy_ah, b_get_context, b_comp_channel,
	};
	struct efa_ibv_create_cq ecq = {};
	struct efa_ibv_create_qp eqp = {};
	struct ib_uverbs_qp_cap cap;
	struct qp_params p;
	uint32_t v32;

	memset(x, 0, sizeof(*x));
	x->h.driver_id = RDMA_DRIVER_EFA;
	switch (kind) {
	case I_CQ:
		x->h.object_id = UVERBS_OBJECT_CQ;
		x->h.method_id = UVERBS_METHOD_CQ_CREATE;
		attr(x, UVERBS_ATTR_CREATE_CQ_HANDLE, 0, 0);
		v32 = cq_entries();
		attr_in(io, x, UVERBS_ATTR_CREATE_CQ_CQE, &v32, 4);
		attr_u64(x, UVERBS_ATTR_CREATE_CQ_USER_HANDLE, rnd());
		v32 = 0;
		attr_in(io, x, UVERBS_ATTR_CREATE_CQ_COMP_VECTOR, &v32, 4);
		if (chance(30) && chan_fd(s) > 0)
			attr(x, UVERBS_ATTR_CREATE_CQ_COMP_CHANNEL, 0, (uint64_t)chan_fd(s));
		if (chance(10))
			attr_u64(x, UVERBS_ATTR_CREATE_CQ_FLAGS, value());
		attr_out(io, x, UVERBS_ATTR_CREATE_CQ_RESP_CQE, 4);
		cq_udata(&ecq);
		attr_in(io, x, UVERBS_ATTR_UHW_IN, &ecq, sizeof(ecq));
		attr_out(io, x, UVERBS_ATTR_UHW_OUT, sizeof(struct efa_ibv_create_cq_resp));
		break;
	case I_QP:
		qp_params(s, &p);
		x->h.object_id = UVERBS_OBJECT_QP;
		x->h.method_id = UVERBS_METHOD_QP_CREATE;
		attr(x, UVERBS_ATTR_CREATE_QP_HANDLE, 0, 0);
		attr(x, UVERBS_ATTR_CREATE_QP_PD_HANDLE, 0, p.pd);
		attr(x, UVERBS_ATTR_CREATE_QP_SEND_CQ_HANDLE, 0, p.send_cq);
		attr(x, UVERBS_ATTR_CREATE_QP_RECV_CQ_HANDLE, 0, p.recv_cq);
		attr_u64(x, UVERBS_ATTR_CREATE_QP_USER_HANDLE, rnd());
		cap = (struct ib_uverbs_qp_cap){p.max_send_wr, p.max_recv_wr, p.max_send_sge,
						p.max_recv_sge, p.max_inline};
		attr_in(io, x, UVERBS_ATTR_CREATE_QP_CAP, &cap, sizeof(cap));
		attr_u64(x, UVERBS_ATTR_CREATE_QP_TYPE, p.type);
		if (chance(10))
			attr_u64(x, UVERBS_ATTR_CREATE_QP_FLAGS, value());
		attr_out(io, x, UVERBS_ATTR_CREATE_QP_RESP_CAP, sizeof(cap));
		attr_out(io, x, UVERBS_ATTR_CREATE_QP_RESP_QP_NUM, 4);
		qp_udata(&p, &eqp);
		attr_in(io, x, UVERBS_ATTR_UHW_IN, &eqp, sizeof(eqp));
		attr_out(io, x, UVERBS_ATTR_UHW_OUT, sizeof(struct efa_ibv_create_qp_resp));
		break;
	case I_DESTROY:
		switch (below(K_COUNT)) {
		case K_PD:
			x->h.object_id = UVERBS_OBJECT_PD;
			x->h.method_id = UVERBS_METHOD_PD_DESTROY;
			attr(x, UVERBS_ATTR_DESTROY_PD_HANDLE, 0, handle(s, K_PD));
			break;
		case K_MR:
			x->h.object_id = UVERBS_OBJECT_MR;
			x->h.method_id = UVERBS_METHOD_MR_DESTROY;
			attr(x, UVERBS_ATTR_DESTROY_MR_HANDLE, 0, handle(s, K_MR));
			break;
		case K_CQ:
			x->h.object_id = UVERBS_OBJECT_CQ;
			x->h.method_id = UVERBS_METHOD_CQ_DESTROY;
			attr(x, UVERBS_ATTR_DESTROY_CQ_HANDLE, 0, handle(s, K_CQ));
			attr_out(io, x, UVERBS_ATTR_DESTROY_CQ_RESP,
				 sizeof(struct ib_uverbs_destroy_cq_resp));
			break;
		case K_QP:
			x->h.object_id = UVERBS_OBJECT_QP;
			x->h.method_id = UVERBS_METHOD_QP_DESTROY;
			attr(x, UVERBS_ATTR_DESTROY_QP_HANDLE, 0, handle(s, K_QP));
			attr_out(io, x, UVERBS_ATTR_DESTROY_QP_RESP,
				 sizeof(struct ib_uverbs_destroy_qp_resp));
			break;
		default:
			x->h.object_id = UVERBS_OBJECT_AH;
			x->h.method_id = UVERBS_METHOD_AH_DESTROY;
			attr(x, UVERBS_ATTR_DESTROY_AH_HANDLE, 0, handle(s, K_AH));
			break;
		}
		break;
	case I_INVOKE:
		invokable[below(sizeof(invokable) / sizeof(invokable[0]))](s, io, inv);
		x->h.object_id = UVERBS_OBJECT_DEVICE;
		x->h.method_id = UVERBS_METHOD_INVOKE_WRITE;
		attr_u64(x, UVERBS_ATTR_WRITE_CMD, inv->nr);
		/* In place, not copied: scratch noise never reaches REG_MR's start. */
		if (inv->core <= 8)
			attr_in(io, x, UVERBS_ATTR_CORE_IN, body(io), inv->core);
		else
			attr(x, UVERBS_ATTR_CORE_IN, inv->core, (uintptr_t)body(io));
		if (inv->resp)
			attr(x, UVERBS_ATTR_CORE_OUT, inv->resp, (uintptr_t)io->resp);
		if (inv->udata)
			attr(x, UVERBS_ATTR_UHW_IN, inv->udata, (uintptr_t)(body(io) + inv->core));
		if (inv->uresp)
			attr(x, UVERBS_ATTR_UHW_OUT, inv->uresp, (uintptr_t)io->resp + inv->resp);
		memset(io->resp, 0, (size_t)inv->resp + inv->uresp);
		break;
	case I_QUERY:
		x->h.object_id = UVERBS_OBJECT_DEVICE;
		switch (below(5)) {
		case 0:
			x->h.method_id = UVERBS_METHOD_QUERY_PORT;
			attr_u64(x, UVERBS_ATTR_QUERY_PORT_PORT_NUM, chance(85) ? 1 : value());
			attr_out(io, x, UVERBS_ATTR_QUERY_PORT_RESP,
				 sizeof(struct ib_uverbs_query_port_resp_ex));
			break;
		case 1:
			x->h.method_id = UVERBS_METHOD_QUERY_CONTEXT;
			attr_out(io, x, UVERBS_ATTR_QUERY_CONTEXT_NUM_COMP_VECTORS, 4);
			attr_out(io, x, UVERBS_ATTR_QUERY_CONTEXT_CORE_SUPPORT, 8);
			break;
		case 2:
			x->h.method_id = UVERBS_METHOD_QUERY_GID_TABLE;
			attr_u64(x, UVERBS_ATTR_QUERY_GID_TABLE_ENTRY_SIZE,
				 chance(85) ? sizeof(struct ib_uverbs_gid_entry) : value());
			attr_out(io, x, UVERBS_ATTR_QUERY_GID_TABLE_RESP_ENTRIES,
				 (uint16_t)(sizeof(struct ib_uverbs_gid_entry) * below(5)));
			attr_out(io, x, UVERBS_ATTR_QUERY_GID_TABLE_RESP_NUM_ENTRIES, 8);
			break;
		case 3:
			x->h.method_id = UVERBS_METHOD_QUERY_GID_ENTRY;
			attr_u64(x, UVERBS_ATTR_QUERY_GID_ENTRY_PORT, chance(85) ? 1 : value());
			attr_u64(x, UVERBS_ATTR_QUERY_GID_ENTRY_GID_INDEX, chance(85) ? 0 : value());
			attr_out(io, x, UVERBS_ATTR_QUERY_GID_ENTRY_RESP_ENTRY,
				 sizeof(struct ib_uverbs_gid_entry));
			break;
		default:
			x->h.method_id = UVERBS_METHOD_INFO_HANDLES;
			attr_u64(x, UVERBS_ATTR_INFO_OBJECT_ID, below(UVERBS_OBJECT_ASYNC_EVENT + 2));
			attr_out(io, x, UVERBS_ATTR_INFO_TOTAL_HANDLES, 4);
			attr_out(io, x, UVERBS_ATTR_INFO_HANDLES_LIST, (uint16_t)(4 * below(64)));
			break;
		}
		break;
	case I_ASYNC:
		x->h.object_id = UVERBS_OBJECT_ASYNC_EVENT;
		x->h.method_id = UVERBS_METHOD_ASYNC_EVENT_ALLOC;
		attr(x, UVERBS_ATTR_ASYNC_EVENT_ALLOC_FD_HANDLE, 0, 0);
		break;
	case I_RANDOM:
	default:
		x->h.object_id = chance(90) ? (uint16_t)below(UVERBS_OBJECT_ASYNC_EVENT + 3) : (uint16_t)rnd();
		x->h.method_id = chance(90) ? (uint16_t)below(8) : (uint16_t)rnd();
		for (unsigned int n = below(9); n--;) {
			uint16_t id = chance(80) ? (uint16_t)below(16) :
				      chance(50) ? (uint16_t)(UVERBS_ATTR_UHW_IN + below(2)) : (uint16_t)rnd();
			uint16_t len = chance(50) ? (uint16_t)(4 * below(3)) : (uint16_t)value();

			if (len > 8)
				attr(x, id, len, chance(90) ? scratch(io, NULL, len) : wild());
			else
				attr(x, id, len, chance(60) ? below(16) : wild());
		}
		for (size_t i = 0; i < 64; i++)
			io->scratch[below(SCRATCH_SIZE)] = (uint8_t)rnd();
		break;
	}
	x->h.length = (uint16_t)(sizeof(x->h) + x->h.num_attrs * sizeof(x->a[0]));
}

/* Mutates a built ioctl; pointers only ever become wild() or stay in the scratch area. */
static void ioc_mutate(struct io *io, struct ioc *x)
{
	struct ib_uverbs_attr *a = x->h.num_attrs ? &x->a[below(x->h.num_attrs)] : NULL;

	switch (below(11)) {
	case 0: x->h.length = (uint16_t)(x->h.length + (chance(50) ? 16 : -16)); break;
	case 1: x->h.reserved1 = value(); break;
	case 2: x->h.driver_id = (uint32_t)value(); break;
	case 3: x->h.method_id = (uint16_t)(chance(50) ? below(8) : value()); break;
	case 4:
		if (x->h.num_attrs < MAX_ATTRS && a) {	/* the same attribute twice */
			x->a[x->h.num_attrs++] = *a;
			x->h.length += sizeof(*a);
		}
		break;
	case 5:
		if (x->h.num_attrs) {		/* one left out */
			*a = x->a[--x->h.num_attrs];
			x->h.length -= sizeof(*a);
		}
		break;
	case 6:
		if (a)
			a->attr_id = (uint16_t)(chance(50) ? a->attr_id ^ (1u << below(16)) : below(16));
		break;
	case 7:
		if (a)
			a->len = (uint16_t)value();
		if (a && a->len > 8)
			a->data = chance(80) ? scratch(io, NULL, a->len) : wild();
		break;
	case 8:
		if (a) {
			a->flags = (uint16_t)(chance(50) ? UVERBS_ATTR_F_MANDATORY : value());
			a->attr_data.reserved = (uint16_t)(chance(50) ? 0 : value());
		}
		break;
	case 9:
		if (a)
			a->data = chance(50) ? below(32) : wild();
		break;
	default:
		/* Noise in the structures attributes point to (UHW_IN, CAP). */
		for (int i = 0; i < 4; i++)
			io->scratch[below((uint32_t)io->scratch_used + 1)] ^= (uint8_t)(1u << below(8));
		break;
	}
}

/*
 * What a mutated ioctl must not become. REG_MR through INVOKE_WRITE reads its
 * start from the core attribute: only the request as built (a safe start) may
 * be it. And not GET_CONTEXT: ib_core (of 6.1 at least) frees the new context
 * without rdma_restrack_put() when ib_init_ucontext() fails (the file has a
 * context already), leaking the caller's task_struct every time; kmemleak
 * would blame each run on it.
 */
static void sanitize(struct io *io, struct ioc *x, const struct cmd *inv)
{
	if (x->h.object_id != UVERBS_OBJECT_DEVICE)
		return;
	if (x->h.method_id == UVERBS_METHOD_GET_CONTEXT)
		x->h.method_id = UVERBS_METHOD_QUERY_CONTEXT;
	if (x->h.method_id != UVERBS_METHOD_INVOKE_WRITE)
		return;
	for (unsigned int i = 0; i < x->h.num_attrs && i < MAX_ATTRS; i++) {
		struct ib_uverbs_attr *a = &x->a[i];
		uint8_t nr = (uint8_t)a->data;

		if (a->attr_id == UVERBS_ATTR_WRITE_CMD && inv->nr != IB_USER_VERBS_CMD_REG_MR &&
		    (nr == IB_USER_VERBS_CMD_REG_MR || nr == IB_USER_VERBS_CMD_REREG_MR))
			a->data = IB_USER_VERBS_CMD_QUERY_DEVICE;
		if (a->attr_id == UVERBS_ATTR_CORE_IN && inv->nr == IB_USER_VERBS_CMD_REG_MR) {
			a->data = (uintptr_t)body(io);
			a->len = inv->core;
		}
	}
}

static long ioctl_op(struct session *s, struct io *io, enum ioc_kind kind, bool main_thread)
{
	struct ioc *x = (void *)(io->req + IOC_OFF);
	struct ioc built;
	struct cmd inv = {};
	long ret;

	io->scratch_used = 0;
	ioc_build(s, io, x, kind, &inv);
	built = *x;
	for (unsigned int k = chance(30) ? 1 + below(3) : 0; k--;)
		ioc_mutate(io, x);
	sanitize(io, x, &inv);
	ret = tally(OP_ioctl_cq + kind, ioctl(s->fd, RDMA_VERBS_IOCTL, x));
	if (ret < 0 || x->h.object_id != built.h.object_id || x->h.method_id != built.h.method_id ||
	    x->h.num_attrs != built.h.num_attrs)
		return ret;
	for (unsigned int i = 0; i < x->h.num_attrs; i++)
		if (x->a[i].attr_id != built.a[i].attr_id || x->a[i].len != built.a[i].len ||
		    (i && x->a[i].data != built.a[i].data))
			return ret;
	switch (kind) {
	case I_CQ:
		track_cq(s, (uint32_t)x->a[0].data,
			 ((const struct efa_ibv_create_cq *)(uintptr_t)x->a[x->h.num_attrs - 2].data)->cq_entry_size,
			 (const void *)(uintptr_t)x->a[x->h.num_attrs - 1].data);
		break;
	case I_QP: {
		const struct efa_ibv_create_qp *req = (const void *)(uintptr_t)x->a[x->h.num_attrs - 2].data;
		const uint32_t *qpn = (const void *)(uintptr_t)x->a[x->h.num_attrs - 3].data;
		uint64_t type = 0;

		for (unsigned int i = 0; i < x->h.num_attrs; i++)
			if (x->a[i].attr_id == UVERBS_ATTR_CREATE_QP_TYPE)
				type = x->a[i].data;
		track_qp(s, (uint32_t)x->a[0].data, *qpn, (uint8_t)type, (uint32_t)x->a[1].data, req,
			 (const void *)(uintptr_t)x->a[x->h.num_attrs - 1].data);
		break;
	}
	case I_DESTROY: {
		static const enum kind of[] = {
			[UVERBS_OBJECT_PD] = K_PD, [UVERBS_OBJECT_MR] = K_MR, [UVERBS_OBJECT_CQ] = K_CQ,
			[UVERBS_OBJECT_QP] = K_QP, [UVERBS_OBJECT_AH] = K_AH,
		};

		destroyed(s, of[x->h.object_id], (uint32_t)x->a[0].data, main_thread);
		break;
	}
	case I_INVOKE:
		after(s, io, &inv, main_thread);
		break;
	case I_ASYNC:
		keep_fd(s, (int)x->a[0].data);
		break;
	default:
		break;
	}
	return ret;
}

/* ---- the rings ---- */

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* A buffer of a live MR (writable ones for receives): address, length, key. */
static bool mr_buf(struct session *s, const struct obj *q, bool writable, uint32_t max,
		   uint64_t *addr, uint32_t *len, uint32_t *lkey)
{
	struct obj *m = pick_for(s, K_MR, q);
	uint64_t off;

	if (!m || !m->len || (writable && !(m->access & IBV_ACCESS_LOCAL_WRITE) && chance(90)))
		return false;
	off = rnd() % m->len;
	if (chance(30))
		off = 0;
	*addr = m->iova + off;
	*len = (uint32_t)(below((uint32_t)(m->len - off < max ? m->len - off : max)) + 1);
	*lkey = m->lkey;
	return true;
}

static void put_buf(uint8_t *p, uint32_t len, uint32_t key, uint64_t addr)
{
	put32(p, len);
	put32(p + 4, key);
	put64(p + 8, addr);
}

/* The device's descriptors (kmod/core/efa/wire.cc): byte offsets and bits. */
enum {
	TX_REQ_ID = 0, TX_CTRL1 = 2, TX_CTRL2 = 3, TX_DEST_QPN = 4, TX_LENGTH = 6, TX_IMM = 8,
	TX_AH = 12, TX_QKEY = 16, TX_DATA = 32, TX_BUF = 16,	/* then 16-byte buffers */
	CTRL1_RDMA_READ = 1, CTRL1_HAS_IMM = 0x10, CTRL1_INLINE = 0x20, CTRL1_META_DESC = 0x80,
	CTRL2_PHASE = 0x01, CTRL2_FIRST_LAST = 0x0c, CTRL2_COMP_REQ = 0x10,
	RX_ADDR = 0, RX_REQ_ID = 8, RX_LENGTH = 10, RX_CTRL = 12,	/* ctrl: lkey, first, last */
	KEY_MASK = 0xffffff,
};

/* A TX WQE: mostly one the engine accepts, with live keys, AHs and QPNs; else mutated. */
static void wqe_build(struct session *s, const struct obj *q, uint8_t *w)
{
	struct obj *ah = pick_for(s, K_AH, q), *dst = pick(s, K_QP);
	bool read = chance(5), inl = !read && chance(30);
	uint32_t len = 0, key = 0;
	uint64_t addr = 0;

	/* The engine delivers between QPs of one type, ready, with receive buffers. */
	for (int i = 0; i < 4 && dst && (dst->type != q->type || !dst->rq_entries ||
					  dst->state < IBV_QPS_RTR); i++)
		dst = pick(s, K_QP);
	memset(w, 0, WQE);
	put16(w + TX_REQ_ID, (uint16_t)rnd());
	w[TX_CTRL1] = (uint8_t)(CTRL1_META_DESC | (read ? CTRL1_RDMA_READ : 0) |
				(inl ? CTRL1_INLINE : 0) | (!read && chance(20) ? CTRL1_HAS_IMM : 0));
	w[TX_CTRL2] = (uint8_t)(CTRL2_FIRST_LAST | (chance(70) ? CTRL2_COMP_REQ : 0) |
				(chance(50) ? CTRL2_PHASE : 0));
	put16(w + TX_DEST_QPN, (uint16_t)(dst && chance(90) ? dst->qpn : value()));
	put32(w + TX_IMM, (uint32_t)rnd());
	put16(w + TX_AH, (uint16_t)(ah && chance(90) ? ah->ah : value()));
	put32(w + TX_QKEY, chance(90) ? s->qkey : (uint32_t)value());
	if (read) {
		/* The remote buffer, then the local one it lands in. */
		put16(w + TX_LENGTH, 1);
		if (mr_buf(s, q, false, 1 << 20, &addr, &len, &key))
			put_buf(w + TX_DATA, len, key, addr);
		if (mr_buf(s, q, true, len, &addr, &len, &key))
			put_buf(w + TX_DATA + TX_BUF, len, key, addr);
	} else if (inl) {
		len = below(33);
		put16(w + TX_LENGTH, (uint16_t)len);
		for (uint32_t i = 0; i < len; i++)
			w[TX_DATA + i] = (uint8_t)rnd();
	} else {
		unsigned int n = 1 + below(q->type == IBV_QPT_DRIVER ? 2 : 1);

		put16(w + TX_LENGTH, (uint16_t)n);
		for (unsigned int i = 0; i < n; i++)
			if (mr_buf(s, q, false, MTU / n, &addr, &len, &key))
				put_buf(w + TX_DATA + TX_BUF * i, len, key, addr);
	}
	for (unsigned int k = chance(25) ? 1 + below(3) : 0; k--;) {
		unsigned int at = below(WQE);

		switch (below(4)) {
		case 0: w[at] ^= (uint8_t)(1u << below(8)); break;
		case 1: w[at] = (uint8_t)value(); break;
		case 2: put32(w + (at & ~3u), (uint32_t)value()); break;
		default: put16(w + TX_LENGTH, (uint16_t)value()); break;
		}
	}
}

/* An RX descriptor: a writable MR's buffer mostly, first and last set; else noise. */
static void rxd_build(struct session *s, const struct obj *q, uint8_t *d)
{
	uint64_t addr = value();
	uint32_t len = (uint32_t)value(), key = (uint32_t)value();

	if (chance(90))
		mr_buf(s, q, true, 65535, &addr, &len, &key);
	put64(d + RX_ADDR, addr);
	put16(d + RX_REQ_ID, (uint16_t)rnd());
	put16(d + RX_LENGTH, (uint16_t)len);
	put32(d + RX_CTRL, (key & KEY_MASK) | 1u << 30 | 1u << 31);
	if (chance(15))
		d[below(RXD)] ^= (uint8_t)(1u << below(8));
}

/* A QP the engine serves (RTS), mostly. */
static struct obj *ready_qp(struct session *s)
{
	struct obj *q = pick(s, K_QP);

	for (int i = 0; i < 4 && q && q->state != IBV_QPS_RTS && chance(80); i++)
		q = pick(s, K_QP);
	return q;
}

/* An AH to ourselves in the QP's PD, which sends need. */
static void ah_for(struct session *s, const struct obj *q)
{
	struct ib_uverbs_create_ah *r = (void *)body(&s->io);
	struct cmd c;
	bool as_built;

	if (pick_in(s, K_AH, q->pd) || chance(30))
		return;
	b_create_ah(s, &s->io, &c);
	r->pd_handle = q->pd;
	memcpy(r->attr.grh.dgid, dev_gid, 16);
	r->attr.is_global = 1;
	r->attr.port_num = 1;
	r->attr.grh.sgid_index = 0;
	if (send_cmd(s, &s->io, &c, 0, &as_built) >= 0)
		after(s, &s->io, &c, true);
}

static void post_send(struct session *s, struct obj *q)
{
	uint8_t w[WQE];
	unsigned int n;
	bool ok = true;

	if (!q || !q->entries || !q->ring.len || !q->db.len) {
		count(OP_post_send, false);
		return;
	}
	if (!s->child)
		ah_for(s, q);
	n = 1 + below(q->entries < 8 ? q->entries : 8);
	while (n-- && ok) {
		wqe_build(s, q, w);
		ok = ring_copy(&q->ring, (size_t)(q->prod & (q->entries - 1)) * WQE, w, WQE);
		q->prod += ok;
	}
	ok = ok && ring_store32(&q->db, 0, q->prod);
	count(OP_post_send, ok);
}

static void post_recv(struct session *s, struct obj *q)
{
	uint8_t d[RXD];
	unsigned int n;
	bool ok = true;

	if (!q || !q->rq_entries || !q->rq.len || !q->rq_db.len) {
		count(OP_post_recv, false);
		return;
	}
	n = 1 + below(q->rq_entries < 16 ? q->rq_entries : 16);
	while (n-- && ok) {
		rxd_build(s, q, d);
		ok = ring_copy(&q->rq, (size_t)(q->rq_prod & (q->rq_entries - 1)) * RXD, d, RXD);
		q->rq_prod += ok;
	}
	ok = ok && ring_store32(&q->rq_db, 0, q->rq_prod);
	count(OP_post_recv, ok);
}

/* Producer indices no ring can hold, backwards, at other offsets of the doorbell page. */
static void doorbell(struct session *s)
{
	struct obj *q = pick(s, K_QP);
	bool rq = q && q->rq_db.len && chance(50);
	struct map *db = q ? (rq ? &q->rq_db : &q->db) : NULL;
	uint32_t *prod = q ? (rq ? &q->rq_prod : &q->prod) : NULL;
	uint32_t entries = q ? (rq ? q->rq_entries : q->entries) : 0;
	uint32_t v;
	bool ok;

	if (!q || !db->len) {
		count(OP_doorbell, false);
		return;
	}
	switch (below(6)) {
	case 0: v = *prod + entries + 1 + below(100); break;
	case 1: v = *prod - 1 - below(entries + 1); break;
	case 2: v = *prod + 0x10000; break;
	case 3: v = (uint32_t)value(); break;
	case 4:
		count(OP_doorbell, ring_store32(db, 4 * below(PAGE / 4), (uint32_t)rnd()));
		return;
	default: v = *prod + below(entries + 1); break;
	}
	ok = ring_store32(db, 0, v);
	if (chance(20))
		*prod = v;		/* go on from there */
	else if (ok)
		ok = ring_store32(db, 0, *prod);
	count(OP_doorbell, ok);
}

/* A CQ's arm doorbell (sequence in bits 29-30, arm in 31) and noise in its ring. */
static void cq_arm(struct session *s)
{
	struct obj *c = pick(s, K_CQ);
	bool ok = false;

	if (c && c->db.len) {
		c->prod = chance(80) ? c->prod + 1 : (uint32_t)rnd();
		ok = ring_store32(&c->db, 0, chance(80) ? 1u << 31 | (c->prod & 3) << 29 :
					     (uint32_t)value());
	} else if (c && c->ring.len) {
		uint64_t v = rnd();

		ok = ring_copy(&c->ring, below((uint32_t)c->ring.len) & ~7u, &v, 8);
	}
	count(OP_cq_arm, ok);
}

/*
 * Completions the engine wrote, counted by status and cleared (we are the
 * consumer; a lap's phase is not tracked, an entry is counted once).
 */
static void poll_cq(struct session *s)
{
	struct obj *c = pick(s, K_CQ);
	uint32_t size = c ? c->entries : 0;
	uint8_t e[32], zero[32] = {0};
	bool ok = true;

	if (!c || (size != 16 && size != 32) || !c->ring.len) {
		count(OP_poll_cq, false);
		return;
	}
	for (int i = 0; i < 256 && ok; i++, c->cursor++) {
		size_t off = (size_t)c->cursor * size % c->ring.len;

		ok = ring_io(&c->ring, off, e, size, true);
		if (ok && e[3] & 6) {		/* a queue type: written by the engine */
			add(&st->completions[e[2] & 15], 1);
			ok = ring_copy(&c->ring, off, zero, size);
		}
	}
	count(OP_poll_cq, ok);
}

static void read_event(struct session *s)
{
	uint8_t buf[64];
	int fd = s->fds[below(N_FD)];

	if (fd <= 0) {
		count(OP_read_event, false);
		return;
	}
	tally(OP_read_event, read(fd, buf, chance(80) ? sizeof(buf) : below(17)));
}

/* ---- mmap with keys and without ---- */

static struct map *extra_slot(struct session *s)
{
	for (int i = 0; i < N_OBJ; i++)
		if (!s->extra[i].addr)
			return &s->extra[i];
	return NULL;
}

static void mmap_op(struct session *s)
{
	struct obj *o = pick(s, below(2) ? K_QP : K_CQ);
	struct map *m = o ? (below(2) ? &o->ring : &o->db) : NULL, *slot = extra_slot(s);
	size_t len = m && m->size ? m->size : PAGE;
	uint64_t off = m && chance(70) ? m->key : (uint64_t)below(64) * PAGE;
	int prot = PROT_READ | PROT_WRITE, flags = MAP_SHARED;
	void *p;

	/* A known key with its length (another mapping of the same ring), else a guess. */
	switch (below(12)) {
	case 0: len = (size_t)(value() & 0xffffff); break;
	case 1: len += PAGE; break;
	case 2: off = rnd() & ~(uint64_t)(PAGE - 1); break;
	case 3: off += below(PAGE); break;
	case 4: prot = chance(50) ? PROT_READ : PROT_READ | PROT_WRITE | PROT_EXEC; break;
	case 5: flags = MAP_PRIVATE; break;
	case 6: flags |= chance(50) ? MAP_POPULATE : MAP_LOCKED; break;
	default: break;
	}
	p = mmap(NULL, len, prot, flags, s->fd, (off_t)off);
	if (tally(OP_mmap, p == MAP_FAILED ? -1 : 0) < 0)
		return;
	if (!slot) {
		munmap(p, len);
		return;
	}
	slot->addr = p;
	slot->len = slot->size = len;
	if (!(prot & PROT_WRITE) || !(flags & MAP_SHARED)) {
		tally(OP_munmap, munmap(p, len));
		slot->addr = NULL;
		return;
	}
	/* Whatever it maps is ring or doorbell memory: scribble on it. */
	for (int i = below(4); i--;) {
		uint64_t v = chance(50) ? rnd() : value();

		ring_copy(slot, below((uint32_t)len) & ~7u, &v, 8);
	}
}

/* munmap, mprotect, mremap and madvise of extra maps (parts, wholes). */
static void munmap_op(struct session *s)
{
	struct map *m = &s->extra[below(N_OBJ)];
	size_t len = m->size;
	void *p;

	if (!m->addr) {
		count(OP_munmap, false);
		return;
	}
	switch (below(5)) {
	case 0:
		tally(OP_munmap, mprotect(m->addr, len, PROT_READ));
		break;
	case 1:
		tally(OP_munmap, madvise(m->addr, len, chance(50) ? MADV_DONTNEED : MADV_DONTFORK));
		break;
	case 2: {
		size_t to = len + (chance(50) ? PAGE : 0);	/* growing: VM_DONTEXPAND */

		p = mremap(m->addr, len, to, MREMAP_MAYMOVE);
		if (tally(OP_munmap, p == MAP_FAILED ? -1 : 0) == 0) {
			m->addr = p;
			len = to;
		}
		break;
	}
	case 3:
		if (len > PAGE)
			tally(OP_munmap, munmap(m->addr + PAGE, PAGE));	/* a hole */
		break;
	default:
		break;
	}
	/* Read-only, zapped, moved or holed: it goes (touching a zapped page is SIGBUS). */
	tally(OP_munmap, munmap(m->addr, len));
	m->addr = NULL;
	m->len = m->size = 0;
}

/* ---- races ---- */

/* Posts work on a QP, then at once destroys it, its CQ, an MR or AH it may use, or moves it. */
static void race(struct session *s)
{
	struct obj *q = pick(s, K_QP);
	struct cmd c;
	bool as_built;

	post_recv(s, q);
	post_send(s, q);
	switch (below(5)) {
	case 0: b_dereg_mr(s, &s->io, &c); break;
	case 1: b_destroy_ah(s, &s->io, &c); break;
	case 2: b_destroy_cq(s, &s->io, &c); break;
	case 3:
		b_modify_qp_to(s, &s->io, &c, q);
		if (q)
			((struct ib_uverbs_modify_qp *)body(&s->io))->qp_state =
				chance(50) ? IBV_QPS_ERR : IBV_QPS_RESET;
		break;
	default:
		b_destroy_qp(s, &s->io, &c);
		if (q)
			((struct ib_uverbs_destroy_qp *)body(&s->io))->qp_handle = q->handle;
		break;
	}
	if (send_cmd(s, &s->io, &c, 0, &as_built) >= 0)
		after(s, &s->io, &c, true);
	count(OP_race, true);
}

static void *racer(void *arg)
{
	static builder *const hits[] = {
		b_dereg_mr, b_dereg_mr, b_destroy_qp, b_destroy_qp, b_destroy_ah, b_destroy_cq,
		b_dealloc_pd, b_modify_qp, b_modify_qp, b_reg_mr, b_query_qp,
	};
	struct session *s = arg;

	rng = mix(s->id ^ 0x5eed);
	who = 'r';
	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		struct timespec ts = {0, (long)below(1500) * 1000};

		nanosleep(&ts, NULL);
		if (chance(20))
			ioctl_op(s, &s->rio, chance(50) ? I_DESTROY : below(I_COUNT), false);
		else
			verb(s, &s->rio, hits[below(sizeof(hits) / sizeof(hits[0]))], 10, false);
	}
	return NULL;
}

/* A forked process on the same file: write() refused, ioctl(), mmap and rings taken. */
static void forked(struct session *s)
{
	pid_t pid = fork();

	if (pid) {
		tally(OP_fork, pid);
		return;
	}
	s->child = true;
	who = 'f';
	rng = mix(rng ^ (uint64_t)getpid());
	for (unsigned int i = 1 + below(20); i--;) {
		switch (below(6)) {
		case 0: verb(s, &s->io, b_query_port, 0, true); break;
		case 1: case 2: ioctl_op(s, &s->io, below(I_COUNT), true); break;
		case 3: post_send(s, pick(s, K_QP)); break;
		case 4: post_recv(s, pick(s, K_QP)); break;
		default: mmap_op(s); break;
		}
		add(&st->worker[s->worker].iterations, 1);
	}
	_exit(0);
}

/* The pool replaced under its MRs: they keep the pages they pinned. */
static void remap_pool(struct session *s)
{
	void *p = mmap(s->pool, POOL_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	tally(OP_remap_pool, p == MAP_FAILED ? -1 : 0);
}

/* ---- a session ---- */

static builder *const verbs_by_op[OP_COUNT] = {
	[OP_get_context] = b_get_context, [OP_query_device] = b_query_device,
	[OP_query_port] = b_query_port, [OP_alloc_pd] = b_alloc_pd,
	[OP_dealloc_pd] = b_dealloc_pd, [OP_reg_mr] = b_reg_mr, [OP_dereg_mr] = b_dereg_mr,
	[OP_create_cq] = b_create_cq, [OP_destroy_cq] = b_destroy_cq,
	[OP_create_qp] = b_create_qp, [OP_modify_qp] = b_modify_qp, [OP_query_qp] = b_query_qp,
	[OP_destroy_qp] = b_destroy_qp, [OP_create_ah] = b_create_ah,
	[OP_destroy_ah] = b_destroy_ah, [OP_comp_channel] = b_comp_channel,
	[OP_ex_cmd] = b_ex, [OP_other_cmd] = b_other,
};

static const uint8_t weight[OP_COUNT] = {
	[OP_get_context] = 1, [OP_query_device] = 2, [OP_query_port] = 2, [OP_alloc_pd] = 3,
	[OP_dealloc_pd] = 2, [OP_reg_mr] = 7, [OP_dereg_mr] = 4, [OP_create_cq] = 4,
	[OP_destroy_cq] = 2, [OP_create_qp] = 6, [OP_modify_qp] = 6, [OP_query_qp] = 3,
	[OP_destroy_qp] = 3, [OP_create_ah] = 3, [OP_destroy_ah] = 2, [OP_comp_channel] = 1,
	[OP_ex_cmd] = 5, [OP_other_cmd] = 3, [OP_bad_write] = 2, [OP_mmap] = 3,
	[OP_ioctl_cq] = 2, [OP_ioctl_qp] = 2, [OP_ioctl_destroy] = 2, [OP_ioctl_invoke] = 3,
	[OP_ioctl_query] = 1, [OP_ioctl_async] = 1, [OP_ioctl_random] = 3,
	[OP_munmap] = 2, [OP_post_send] = 16, [OP_post_recv] = 10, [OP_doorbell] = 5,
	[OP_cq_arm] = 3, [OP_poll_cq] = 4, [OP_read_event] = 2, [OP_race] = 3, [OP_fork] = 1,
	[OP_remap_pool] = 1,
};

static void one_op(struct session *s)
{
	static unsigned int total;
	unsigned int w;
	enum op op;

	if (!total)
		for (int i = 0; i < OP_COUNT; i++)
			total += weight[i];
	w = below(total);
	for (op = 0; w >= weight[op]; op++)
		w -= weight[op];
	/* New QPs (from any path) go to RTS mostly, so the engine takes their rings. */
	for (int i = 0; i < N_OBJ; i++) {
		struct obj *q = &s->obj[i];

		if (q->live && q->kind == K_QP && q->fresh) {
			q->fresh = false;
			if (chance(80))
				bring_up(s, q);
		}
	}
	switch (op) {
	case OP_bad_write: bad_write(s); break;
	case OP_ioctl_cq: case OP_ioctl_qp: case OP_ioctl_destroy: case OP_ioctl_invoke:
	case OP_ioctl_query: case OP_ioctl_async: case OP_ioctl_random:
		ioctl_op(s, &s->io, op - OP_ioctl_cq, true);
		break;
	case OP_mmap: mmap_op(s); break;
	case OP_munmap: munmap_op(s); break;
	case OP_post_send: post_send(s, ready_qp(s)); break;
	case OP_post_recv: post_recv(s, ready_qp(s)); break;
	case OP_doorbell: doorbell(s); break;
	case OP_cq_arm: cq_arm(s); break;
	case OP_poll_cq: poll_cq(s); break;
	case OP_read_event: read_event(s); break;
	case OP_race: race(s); break;
	case OP_fork: forked(s); break;
	case OP_remap_pool: remap_pool(s); break;
	default:
		verb(s, &s->io, verbs_by_op[op], 35, true);
		break;
	}
}

/* Objects for the data path to start from: PD, MR, CQ, a UD and an SRD QP up, an AH to us. */
static void warm_up(struct session *s)
{
	struct obj *pd, *cq;
	struct cmd c;
	bool as_built;
	int chan;

	verb(s, &s->io, b_alloc_pd, 0, true);
	pd = pick(s, K_PD);
	if (!pd)
		return;
	for (int i = 0; i < 2; i++) {
		struct ib_uverbs_reg_mr *r = (void *)body(&s->io);

		b_reg_mr(s, &s->io, &c);
		r->start = r->hca_va = (uintptr_t)s->pool + i * 65536;
		r->length = 65536;
		r->pd_handle = pd->handle;
		r->access_flags = IBV_ACCESS_LOCAL_WRITE;
		if (send_cmd(s, &s->io, &c, 0, &as_built) >= 0)
			after(s, &s->io, &c, true);
	}
	/* The CQ raises events on a completion channel when armed. */
	chan = verb(s, &s->io, b_comp_channel, 0, true) >= 0 ? *(int *)s->io.resp : -1;
	{
		struct ib_uverbs_create_cq *r = (void *)body(&s->io);
		struct efa_ibv_create_cq *e = (void *)(r + 1);

		b_create_cq(s, &s->io, &c);
		r->cqe = 256;
		r->comp_channel = chan;
		*e = (struct efa_ibv_create_cq){
			.cq_entry_size = 32, .num_sub_cqs = 1,
			.flags = EFA_CREATE_CQ_WITH_SGID | EFA_CREATE_CQ_WITH_COMPLETION_CHANNEL};
		if (send_cmd(s, &s->io, &c, 0, &as_built) >= 0)
			after(s, &s->io, &c, true);
	}
	cq = pick(s, K_CQ);
	for (int i = 0; cq && i < 2; i++) {
		struct ib_uverbs_create_qp *r = (void *)body(&s->io);
		struct efa_ibv_create_qp *e = (void *)(r + 1);

		b_create_qp(s, &s->io, &c);
		r->pd_handle = pd->handle;
		r->send_cq_handle = r->recv_cq_handle = cq->handle;
		r->qp_type = i ? IBV_QPT_DRIVER : IBV_QPT_UD;
		r->max_send_wr = r->max_recv_wr = 16;
		r->max_send_sge = 1;
		r->max_recv_sge = 1;
		r->max_inline_data = 32;
		*e = (struct efa_ibv_create_qp){.sq_ring_size = 64 * WQE, .rq_ring_size = 64 * RXD,
						.driver_qp_type = EFA_QP_DRIVER_TYPE_SRD};
		if (send_cmd(s, &s->io, &c, 0, &as_built) >= 0)
			after(s, &s->io, &c, true);
	}
	for (int i = 0; i < N_OBJ; i++)
		if (s->obj[i].live && s->obj[i].kind == K_QP)
			bring_up(s, &s->obj[i]);
	{
		struct ib_uverbs_create_ah *r = (void *)body(&s->io);

		b_create_ah(s, &s->io, &c);
		r->pd_handle = pd->handle;
		memcpy(r->attr.grh.dgid, dev_gid, 16);
		r->attr.is_global = 1;
		r->attr.port_num = 1;
		r->attr.grh.sgid_index = 0;
		if (send_cmd(s, &s->io, &c, 0, &as_built) >= 0)
			after(s, &s->io, &c, true);
	}
}

/* Orderly teardown, as libibverbs would: AHs, QPs, MRs, CQs, PDs, then the file. */
static void clean_up(struct session *s)
{
	static const enum kind order[] = {K_AH, K_QP, K_MR, K_CQ, K_PD};
	static builder *const destroy[] = {
		[K_PD] = b_dealloc_pd, [K_MR] = b_dereg_mr, [K_CQ] = b_destroy_cq,
		[K_QP] = b_destroy_qp, [K_AH] = b_destroy_ah,
	};

	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		for (int i = 0; i < N_OBJ; i++) {
			struct obj *o = &s->obj[i];
			struct cmd c;
			bool as_built;

			if (!o->live || o->kind != order[k])
				continue;
			destroy[order[k]](s, &s->io, &c);
			memcpy(body(&s->io) + (c.has_resp ? 8 : 0), &o->handle, 4);
			if (send_cmd(s, &s->io, &c, 0, &as_built) >= 0)
				after(s, &s->io, &c, true);
			else
				forget(s, o);
		}
	}
	close(s->fd);
}

static bool over(uint64_t budget, uint64_t deadline, int w)
{
	return budget ? __atomic_load_n(&st->worker[w].iterations, __ATOMIC_RELAXED) >= budget :
			now_ns() >= deadline;
}

static void session(int w, uint64_t id, uint64_t seed, uint64_t budget, uint64_t deadline,
		    bool quiet)
{
	struct session *s = &S;
	struct sigaction sa = {.sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_NODEFER};
	pthread_t racer_thread;
	bool racing;
	uint64_t len;

	rng = seed;
	s->worker = w;
	s->id = id;
	s->qkey = chance(80) ? 0x11111111 : (uint32_t)rnd();
	pthread_mutex_init(&s->lock, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	s->pool = area(POOL_SIZE + RO_SIZE);
	if (!io_init(&s->io) || !io_init(&s->rio) || !s->pool)
		_exit(3);
	s->ro = s->pool + POOL_SIZE;
	mprotect(s->ro, RO_SIZE, PROT_READ);
	s->fd = open(dev_path, O_RDWR | O_CLOEXEC);
	if (s->fd < 0 || verb(s, &s->io, b_get_context, 0, true) < 0) {
		if (!quiet)
			fprintf(stderr, "uverbs_fuzz: session %d.%" PRIu64 ": %s: %m\n", w, id,
				s->fd < 0 ? "open" : "GET_CONTEXT");
		_exit(3);
	}
	warm_up(s);
	racing = chance(40) && !pthread_create(&racer_thread, NULL, racer, s);
	len = 50 + below(chance(80) ? 500 : 3000);
	for (s->op_no = 0; s->op_no < len && !over(budget, deadline, w); s->op_no++) {
		reap(s);
		one_op(s);
		add(&st->worker[w].iterations, 1);
		__atomic_store_n(&st->worker[w].beat_ns, now_ns(), __ATOMIC_RELAXED);
		if (s->op_no % 32 == 0)
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
	}
	/* How it ends: cleanly, by close, by exit, or killed mid-flight. */
	switch (below(10)) {
	case 0: case 1: case 2: case 3:
		__atomic_store_n(&s->stop, true, __ATOMIC_RELEASE);
		if (racing)
			pthread_join(racer_thread, NULL);
		clean_up(s);
		break;
	case 4: case 5:
		close(s->fd);
		break;
	case 6: case 7:
		break;
	default:
		kill(getpid(), SIGKILL);
		break;
	}
	_exit(0);
}

/* ---- workers and the run ---- */

static void worker(int w, uint64_t seed, uint64_t budget, uint64_t deadline)
{
	unsigned int failures = 0;

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	for (uint64_t id = 0; !over(budget, deadline, w) && failures < 20; id++) {
		pid_t pid = fork(), r;
		int status;

		if (pid < 0) {
			failures++;
			usleep(100000);
			continue;
		}
		if (!pid)
			session(w, id, mix(seed ^ mix((uint64_t)w << 32 | id)), budget, deadline,
				failures > 0);
		__atomic_store_n(&st->worker[w].session, pid, __ATOMIC_RELAXED);
		while ((r = waitpid(-1, &status, 0)) > 0 && r != pid)
			;		/* forked processes of earlier sessions */
		if (r != pid)
			break;
		add(&st->sessions, 1);
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
			add(&st->killed, 1);
		} else if (WIFSIGNALED(status)) {
			add(&st->crashed, 1);
			fprintf(stderr, "uverbs_fuzz: session %d.%" PRIu64 " died of %s (a fuzzer bug)\n",
				w, id, strsignal(WTERMSIG(status)));
		} else if (WEXITSTATUS(status) == 3) {
			add(&st->no_context, 1);
			failures++;
			usleep(100000);
			continue;
		}
		failures = 0;
	}
	while (waitpid(-1, NULL, 0) > 0)	/* forked processes left behind */
		;
	_exit(0);
}

/* Where each thread of a session that stopped moving sleeps in the kernel. */
static void show_stuck(pid_t pid)
{
	char path[64], buf[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stack", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = 0;
		fprintf(stderr, "uverbs_fuzz: pid %d is in the kernel at:\n%s", pid, buf);
	}
}

/* The uverbs node of @name, and its GID 0 (for AHs to ourselves). */
static int find_device(const char *name)
{
	struct ibv_device **list;
	struct ibv_context *ctx;
	union ibv_gid gid;
	int n, found = -1;

	list = ibv_get_device_list(&n);
	if (!list || !n) {
		fprintf(stderr, "uverbs_fuzz: no RDMA device %s: there are none here (run it in the "
			"device's instance: ip netns exec)\n", name);
		if (list)
			ibv_free_device_list(list);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (strcmp(ibv_get_device_name(list[i]), name))
			continue;
		snprintf(dev_path, sizeof(dev_path), "/dev/infiniband/%s", list[i]->dev_name);
		ctx = ibv_open_device(list[i]);
		if (ctx && !ibv_query_gid(ctx, 1, 0, &gid))
			memcpy(dev_gid, gid.raw, 16);
		if (ctx)
			ibv_close_device(ctx);
		found = 0;
	}
	if (found)
		fprintf(stderr, "uverbs_fuzz: no RDMA device %s here (%d other%s)\n", name, n,
			n == 1 ? "" : "s");
	ibv_free_device_list(list);
	return found;
}

/* The device answers GET_CONTEXT with what a session asks for. */
static int probe(void)
{
	struct {
		struct ib_uverbs_cmd_hdr hdr;
		struct ib_uverbs_get_context cmd;
		struct efa_ibv_alloc_ucontext_cmd efa;
	} req = {};
	struct {
		struct ib_uverbs_get_context_resp resp;
		struct efa_ibv_alloc_ucontext_resp efa;
	} resp;
	int fd = open(dev_path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "uverbs_fuzz: %s: %m\n", dev_path);
		return -1;
	}
	req.hdr.command = IB_USER_VERBS_CMD_GET_CONTEXT;
	req.hdr.in_words = sizeof(req) / 4;
	req.hdr.out_words = sizeof(resp) / 4;
	req.cmd.response = (uintptr_t)&resp;
	req.efa.comp_mask = EFA_ALLOC_UCONTEXT_CMD_COMP_TX_BATCH | EFA_ALLOC_UCONTEXT_CMD_COMP_MIN_SQ_WR;
	if (write(fd, &req, sizeof(req)) != sizeof(req)) {
		fprintf(stderr, "uverbs_fuzz: %s: GET_CONTEXT: %m%s\n", dev_path,
			errno == EPERM ? " (run it in the device's instance: ip netns exec)" : "");
		close(fd);
		return -1;
	}
	close((int)resp.resp.async_fd);
	close(fd);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: uverbs_fuzz -d DEVICE [-n ITERATIONS | -t SECONDS] [-s SEED] "
			"[-j PROCESSES] [-p PEER_GID]... [-v]\n");
	exit(2);
}

static uint64_t number(const char *opt, const char *s, uint64_t max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || !*s || *s == '-' || !v || v > max) {
		fprintf(stderr, "uverbs_fuzz: invalid %s %s (1..%" PRIu64 ")\n", opt, s, max);
		exit(2);
	}
	return v;
}

/* Completion statuses, as wire.h numbers them. */
static const char *const cqe_status[14] = {
	"ok", "flushed", "local_qp_internal_error", "local_invalid_op_type", "local_invalid_ah",
	"local_invalid_lkey", "local_bad_length", "remote_bad_address", "remote_abort",
	"remote_bad_dest_qpn", "remote_rnr", "remote_bad_length", "remote_bad_status",
	"local_unresp_remote",
};

static void report(uint64_t seed)
{
	uint64_t total = 0;

	for (int w = 0; w < MAX_PROCS; w++)
		total += st->worker[w].iterations;
	printf("iterations: %" PRIu64 "\nerrnos:", total);
	for (int e = 0; e <= ERRNO_MAX; e++) {
		if (!st->errnos[e])
			continue;
		if (!e)
			printf(" OK:%" PRIu64, st->errnos[e]);
		else
			printf(" %s:%" PRIu64, e == ERRNO_MAX ? "E-other" : strerrorname_np(e) ?: "E?",
			       st->errnos[e]);
	}
	printf("\ncalls:");
	for (int i = 0; i < OP_COUNT; i++)
		printf(" %s:%" PRIu64 "/%" PRIu64, op_names[i], st->calls[i], st->ok[i]);
	printf("\ncompletions:");
	for (int i = 0; i < 16; i++)
		if (st->completions[i])
			printf(" %s%.0d:%" PRIu64, i < 14 ? cqe_status[i] : "status", i < 14 ? 0 : i,
			       st->completions[i]);
	printf("\nsessions: %" PRIu64 " (%" PRIu64 " killed on purpose, %" PRIu64 " crashed, %" PRIu64
	       " without a context), ring faults caught: %" PRIu64 "\nseed: %" PRIu64 "\n",
	       st->sessions, st->killed, st->crashed, st->no_context, st->ring_faults, seed);
}

int main(int argc, char **argv)
{
	uint64_t iterations = 0, seconds = 0, seed = 0, procs = 1, deadline;
	const char *dev = NULL;
	pid_t pids[MAX_PROCS];
	struct rlimit rl;
	bool hung = false;
	int opt, running;

	opterr = 0;
	while ((opt = getopt(argc, argv, ":d:n:t:s:j:p:v")) != -1) {
		switch (opt) {
		case 'd': dev = optarg; break;
		case 'n': iterations = number("-n", optarg, UINT64_MAX / 2); break;
		case 't': seconds = number("-t", optarg, 86400); break;
		case 's': seed = number("-s", optarg, UINT64_MAX); break;
		case 'j': procs = number("-j", optarg, MAX_PROCS); break;
		case 'p':
			if (peers == sizeof(peer_gid) / sizeof(peer_gid[0]) ||
			    inet_pton(AF_INET6, optarg, peer_gid[peers]) != 1) {
				fprintf(stderr, "uverbs_fuzz: invalid -p %s (a GID such as fe80::1, "
					"at most %zu)\n", optarg, sizeof(peer_gid) / sizeof(peer_gid[0]));
				exit(2);
			}
			peers++;
			break;
		case 'v': verbose = true; break;
		case ':':
			fprintf(stderr, "uverbs_fuzz: option -%c needs a value\n", optopt);
			usage();
			break;
		default:
			fprintf(stderr, "uverbs_fuzz: unknown option -%c\n", optopt);
			usage();
		}
	}
	if (optind != argc) {
		fprintf(stderr, "uverbs_fuzz: unexpected argument %s\n", argv[optind]);
		usage();
	}
	if (!dev || !*dev || strlen(dev) > 63) {
		fprintf(stderr, "uverbs_fuzz: -d DEVICE is required (an RDMA device name, e.g. efa_0)\n");
		usage();
	}
	if (iterations && seconds) {
		fprintf(stderr, "uverbs_fuzz: -n and -t exclude each other\n");
		usage();
	}
	if (!iterations && !seconds)
		seconds = 10;
	if (!seed)
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	if (find_device(dev) || probe())
		return 1;
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED)
		return 1;
	printf("seed: %" PRIu64 "\n", seed);
	fflush(stdout);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	deadline = now_ns() + seconds * 1000000000ull;
	for (uint64_t w = 0; w < procs; w++) {
		st->worker[w].beat_ns = now_ns();
		pids[w] = fork();
		if (pids[w] < 0) {
			fprintf(stderr, "uverbs_fuzz: fork: %m\n");
			return 1;
		}
		if (!pids[w])
			worker((int)w, seed, iterations, deadline);
	}
	/* Wait, watching that every worker still moves. */
	for (running = (int)procs; running > 0;) {
		pid_t r = waitpid(-1, NULL, WNOHANG);

		if (r > 0) {
			for (uint64_t w = 0; w < procs; w++)
				running -= pids[w] == r;
			continue;
		}
		if (r < 0)
			break;
		usleep(100000);
		for (uint64_t w = 0; w < procs && !hung; w++) {
			uint64_t beat = __atomic_load_n(&st->worker[w].beat_ns, __ATOMIC_RELAXED);

			if (now_ns() - beat < HANG_SECS * 1000000000ull)
				continue;
			hung = true;
			fprintf(stderr, "uverbs_fuzz: hang: worker %" PRIu64 " made no progress for %d s\n",
				w, HANG_SECS);
			show_stuck(st->worker[w].session);
			for (uint64_t v = 0; v < procs; v++) {
				kill(st->worker[v].session, SIGKILL);
				kill(pids[v], SIGKILL);
			}
		}
		if (hung)
			break;
	}
	report(seed);
	if (hung)
		return 1;
	while (waitpid(-1, NULL, 0) > 0)
		;
	return st->crashed ? 1 : 0;
}
