// SPDX-License-Identifier: GPL-2.0
// allowance.cc - instances' bandwidth allowances, in and out, with the credits of "up to" types; ENIs' fragment allowance.
//
// EC2 gives each instance type a baseline and a peak bandwidth per network
// card, inbound and outbound apart, with "separate network I/O credit
// buckets for inbound and outbound traffic"; an "up to" type bursts at its
// peak while it has credits and falls to its baseline when they run out
// (EC2 User Guide, "Amazon EC2 instance network bandwidth"). Each direction
// of a card is two generic cell rate algorithms on the bytes it carries:
//  - at the peak, with a short tolerance: the rate is never above the peak
//    for longer than 10 ms (or two maximal TSO frames' worth);
//  - at the baseline, with a tolerance that is the credit bucket: running
//    at the peak from full credits puts this clock burst_s seconds' worth
//    of (peak - baseline) traffic ahead of now, and then it refuses what is
//    above the baseline; sending below the baseline lets now catch up,
//    which is earning credits back.
// A packet over either is dropped and counted at the ENI it arrived at or
// left, as ENA's bw_in/bw_out_allowance_exceeded do ("queued or dropped";
// vnitro has no queue: the tolerance stands for the Nitro card's).
//
// Before them, the single-flow limit: a clock per flow (hashed into
// flow_slots; flows that share a slot share a limit), at EC2's 5 Gbps with
// the peak's tolerance, where an instance whose own peak is above it sends
// or receives (below, the instance's allowance is the tighter cap anyway).
#include "fabric/fabric.h"

using namespace vnitro::base;

namespace vnitro::fabric {

namespace {

constexpr uint64_t ns_per_s = 1000000000ull;
constexpr uint32_t cost_shift = 16;
// The most bytes one frame is charged: a TSO frame and then some (the costs'
// fixed point keeps bytes * cost below 2^64 up to here at the slowest rate).
constexpr uint32_t max_charge = 1u << 17;
// The peak's tolerance: 10 ms at the rate, at least two 64 KiB frames, so
// a TSO frame at a low rate scale is not refused for its size. Not less than
// the clock's tick (the shim's clock is the tick's: 4 ms at HZ=250, 10 ms at
// HZ=100): a clock that jumps by more than the tolerance would let through
// only the tolerance's worth per tick, a fraction of the rate.
constexpr uint64_t peak_window_ns = 10000000;
constexpr uint64_t peak_min_bytes = 2 * 65536;

uint64_t load(const uint64_t &v)
{
	return __atomic_load_n(&v, __ATOMIC_RELAXED);
}

void store(uint64_t &v, uint64_t val)
{
	__atomic_store_n(&v, val, __ATOMIC_RELAXED);
}

// Nanoseconds per byte at @bps, << cost_shift.
uint64_t cost_of(uint64_t bps)
{
	return ((8 * ns_per_s) << cost_shift) / bps;
}

uint64_t charge(uint32_t bytes, uint64_t cost)
{
	return uint64_t(bytes < max_charge ? bytes : max_charge) * cost >> cost_shift;
}

// One direction of @a's card @card takes @bytes at @now, waiting up to
// @queue for its turn (*@wait): false when over.
bool allowance_take(allowance *a, uint32_t card, int dir, uint32_t bytes, uint64_t now,
		    uint64_t queue, uint64_t *wait)
{
	allowance_clock &c = a->clock[card][dir];
	uint64_t base_cost = load(a->base_cost), peak_wait, base_wait = 0;
	uint64_t inc = charge(bytes, load(a->peak_cost));

	if (!gcra_queue(c.peak, inc, load(a->peak_tol_ns), queue, now, &peak_wait))
		return false;
	if (!base_cost || gcra_queue(c.base, charge(bytes, base_cost), load(a->base_tol_ns), queue,
				     now, &base_wait)) {
		*wait = peak_wait > base_wait ? peak_wait : base_wait;
		return true;
	}
	// Refused by the credits: the peak did not carry it either.
	__atomic_fetch_sub(&c.peak, inc, __ATOMIC_RELAXED);
	return false;
}

// @p's allowances, or nullptr when it has none (a gateway; no key; not set yet).
allowance *allowance_of(fabric *fab, const port *p)
{
	allowance *a;

	if (p->kind != VCORE_PORT_ENI || !p->allowance_key)
		return nullptr;
	a = fab->allowances.find(p->allowance_key);
	return a && p->network_card < a->cards ? a : nullptr;
}

int check(const vcore_allowance_desc &d)
{
	if (!d.key || !d.cards || d.cards > VCORE_MAX_CARDS ||
	    d.baseline_bps < VCORE_ALLOWANCE_MIN_BPS || d.peak_bps < d.baseline_bps ||
	    d.peak_bps > VCORE_ALLOWANCE_MAX_BPS || !d.burst_s ||
	    d.burst_s > VNITRO_BURST_SECONDS_MAX ||
	    (d.internet_bps && (d.internet_bps < VCORE_ALLOWANCE_MIN_BPS ||
				d.internet_bps > VCORE_ALLOWANCE_MAX_BPS)))
		return -EINVAL_;
	return 0;
}

// How far a clock at @cost may run ahead: 10 ms, or two 64 KiB frames.
uint64_t tolerance_of(uint64_t cost)
{
	uint64_t tol = charge(peak_min_bytes, cost);

	return tol < peak_window_ns ? peak_window_ns : tol;
}

// @a * @b, or the largest value when that does not fit.
uint64_t mul_sat(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_mul_overflow(a, b, &r) ? ~0ull : r;
}

// @d's costs and tolerances into @a, field by field.
void apply(allowance *a, const vcore_allowance_desc &d)
{
	uint64_t peak_cost = cost_of(d.peak_bps);
	uint64_t peak_tol = tolerance_of(peak_cost), base_tol = 0, ratio;

	if (d.peak_bps > d.baseline_bps) {
		// (peak - baseline) / baseline, << 16: at most 1e13 << 16 / 8 < 2^60.
		ratio = ((d.peak_bps - d.baseline_bps) << 16) / d.baseline_bps;
		// burst_s of that, in milliseconds first. A type's ratio keeps this
		// far from 64 bits (EC2's steepest: 5 Gbps over 32 Mbps, 155); an
		// absurd one saturates: credits that never run out.
		base_tol = mul_sat(mul_sat(uint64_t(d.burst_s) * 1000, ratio) >> 16, 1000000);
		// At most 2^62 ns (146 years): a clock that far ahead still adds up.
		base_tol = base_tol > (1ull << 62) ? 1ull << 62 : base_tol + peak_tol;
	}
	store(a->peak_cost, peak_cost);
	store(a->peak_tol_ns, peak_tol);
	store(a->base_tol_ns, base_tol);
	store(a->base_cost, d.peak_bps > d.baseline_bps ? cost_of(d.baseline_bps) : 0);
	store(a->peak_bps, d.peak_bps);
	store(a->base_bps, d.baseline_bps);
	store(a->burst_s, d.burst_s);
	store(a->internet_cost, d.internet_bps ? cost_of(d.internet_bps) : 0);
	store(a->internet_tol_ns, d.internet_bps ? tolerance_of(cost_of(d.internet_bps)) : 0);
	store(a->internet_bps, d.internet_bps);
}

// The internet gateway's limit on @a's direction @dir: false when over.
// Frames to or from a gateway do not wait (its side has no queue).
bool internet_take(allowance *a, int dir, uint32_t bytes, uint64_t now)
{
	uint64_t cost = load(a->internet_cost);

	return !cost || gcra_take(a->internet_clock[dir], charge(bytes, cost),
				  load(a->internet_tol_ns), now);
}

uint64_t later(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

uint64_t &flow_clock(fabric *fab, const port *src, const sg_packet &f)
{
	return fab->flow_clocks[flow_hash(src, f) >> (64 - flow_slot_bits)];
}

// Is the single-flow limit tighter than both ends' own peaks (an end
// without allowances has none)?
bool flow_limited(uint64_t flow_bps, const allowance *out, const allowance *in)
{
	return flow_bps && (!out || load(out->peak_bps) > flow_bps) &&
	       (!in || load(in->peak_bps) > flow_bps);
}

} // namespace

// EC2's flow: "a unique 5-tuple TCP or UDP flow. For other protocols ... the
// 3 tuple of source IP, destination IP, and next protocol". In its VPC.
uint64_t flow_hash(const port *src, const sg_packet &f)
{
	bool ports = (f.proto == ipproto_tcp || f.proto == ipproto_udp) && f.l4 && !f.later_frag;
	uint64_t h = mix64(f.src.hi ^ mix64(f.src.lo ^ mix64(f.dst.hi ^ mix64(f.dst.lo))));

	h = mix64(h ^ (uint64_t(src->vpc_key) << 32 | uint64_t(f.proto) << 16 | f.v6));
	if (ports)
		h = mix64(h ^ (uint64_t(f.sport) << 16 | f.dport));
	return h;
}

bool allowances_pass(fabric *fab, port *src, port *dst, packet *pkt, carriage &c)
{
	allowance *out = allowance_of(fab, src), *in = allowance_of(fab, dst);
	// Plain ENA within one cluster placement group has its own limit.
	bool cluster = !c.srd && src->cluster_key && src->cluster_key == dst->cluster_key;
	uint64_t now, flow_bps = load(c.srd ? fab->srd_flow_bps
					    : cluster ? fab->cluster_flow_bps : fab->flow_bps);
	uint32_t bytes = c.size.bytes, packets = c.size.packets;
	// Only what goes to an ENI may wait: its RX queue holds a frame until it
	// is due; a gateway delivers at once.
	uint64_t queue = dst->kind == VCORE_PORT_ENI ? load(fab->allowance_queue_ns) : 0, wait = 0;

	if (!out && !in)
		return true;
	now = svc->now_ns();
	if (pkt && flow_limited(flow_bps, out, in)) {
		uint64_t cost = load(c.srd ? fab->srd_flow_cost
					   : cluster ? fab->cluster_flow_cost : fab->flow_cost);
		uint64_t tol = load(c.srd ? fab->srd_flow_tol_ns
					  : cluster ? fab->cluster_flow_tol_ns : fab->flow_tol_ns);

		if (!gcra_queue(flow_clock(fab, src, pkt->fields()), charge(bytes, cost), tol, queue,
				now, &wait)) {
			counter_add(cpu_stats(fab).drop_flow_limit, packets);
			counter_inc(src->tx_dropped);
			return false;
		}
		c.queued_ns = wait;
	}
	// The gateway's limit first: what it refuses does not spend the card's credits.
	if (out && ((dst->kind == VCORE_PORT_IGW && !internet_take(out, 1, bytes, now)) ||
		    !allowance_take(out, src->network_card, 1, bytes, now, queue, &wait))) {
		counter_add(src->bw_out_exceeded, packets);
		counter_add(cpu_stats(fab).drop_bw_out_allowance, packets);
		counter_inc(src->tx_dropped);
		return false;
	}
	if (out && wait) {
		// EC2 counts a packet "queued or dropped".
		counter_add(src->bw_out_exceeded, packets);
		c.queued_ns = later(c.queued_ns, wait);
	}
	if (in && ((src->kind == VCORE_PORT_IGW && !internet_take(in, 0, bytes, now)) ||
		   !allowance_take(in, dst->network_card, 0, bytes, now, queue, &wait))) {
		counter_add(dst->bw_in_exceeded, packets);
		counter_add(cpu_stats(fab).drop_bw_in_allowance, packets);
		counter_inc(src->tx_dropped);
		return false;
	}
	if (in && wait) {
		counter_add(dst->bw_in_exceeded, packets);
		c.queued_ns = later(c.queued_ns, wait);
	}
	if (c.queued_ns)
		counter_add(cpu_stats(fab).allowance_queued, packets);
	return true;
}

namespace {

// One single-flow limit's cost, tolerance and rate (0: none), floored at the allowances' floor.
void set_flow_limit(uint64_t &cost_out, uint64_t &tol_out, uint64_t &bps_out, uint64_t bps)
{
	uint64_t floor = VCORE_ALLOWANCE_MIN_BPS;
	uint64_t cost = bps ? cost_of(bps < floor ? floor : bps) : 0;

	store(cost_out, cost);
	store(tol_out, cost ? tolerance_of(cost) : 0);
	store(bps_out, bps);
}

} // namespace

bool fragment_allowed(fabric *fab, port *src)
{
	if (rate_take(src->fragment_tat, VCORE_FRAGMENT_PPS, svc->now_ns()))
		return true;
	counter_inc(src->pps_exceeded);
	counter_inc(cpu_stats(fab).drop_pps_allowance);
	counter_inc(src->tx_dropped);
	return false;
}

} // namespace vnitro::fabric

using namespace vnitro::fabric;

extern "C" {

int vcore_fabric_allowance_set(struct vcore_fabric *fab, const struct vcore_allowance_desc *desc)
{
	allowance *a;
	int err = check(*desc);

	if (err)
		return err;
	{
		mutex_guard guard(fab->writer_lock);

		a = fab->allowances.find(desc->key);
		if (a) {
			// In place: the clocks (the credits) carry on. The card count
			// is the instance type's, which never changes.
			if (a->cards != desc->cards)
				return -EINVAL_;
			apply(a, *desc);
			return 0;
		}
	}
	a = create<allowance>();
	if (!a)
		return -ENOMEM_;
	a->key = desc->key;
	a->cards = desc->cards;
	apply(a, *desc);
	// Nothing is replaced (the writer lock is the caller's serialisation:
	// the control plane sets one key from one place), so no grace period.
	fab->allowances.publish(fab->writer_lock, a);
	return 0;
}

void vcore_fabric_set_flow_limit(struct vcore_fabric *fab, uint64_t bps, uint64_t cluster_bps,
				 uint64_t srd_bps)
{
	set_flow_limit(fab->flow_cost, fab->flow_tol_ns, fab->flow_bps, bps);
	set_flow_limit(fab->cluster_flow_cost, fab->cluster_flow_tol_ns, fab->cluster_flow_bps,
		       cluster_bps);
	set_flow_limit(fab->srd_flow_cost, fab->srd_flow_tol_ns, fab->srd_flow_bps, srd_bps);
}

void vcore_fabric_set_allowance_queue(struct vcore_fabric *fab, uint64_t ns)
{
	store(fab->allowance_queue_ns, ns);
}

int vcore_fabric_allowance_get(struct vcore_fabric *fab, uint32_t key,
				struct vcore_allowance_desc *out)
{
	rcu_guard rcu;
	allowance *a = fab->allowances.find(key);

	if (!a)
		return -ENOENT_;
	*out = vcore_allowance_desc{};
	out->key = key;
	out->cards = a->cards;
	out->peak_bps = load(a->peak_bps);
	out->baseline_bps = load(a->base_bps);
	out->burst_s = uint32_t(load(a->burst_s));
	out->internet_bps = load(a->internet_bps);
	return 0;
}

void vcore_fabric_allowance_del(struct vcore_fabric *fab, uint32_t key)
{
	fab->allowances.remove(fab->writer_lock, key);
}

} // extern "C"
