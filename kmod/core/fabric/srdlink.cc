// SPDX-License-Identifier: GPL-2.0
// srdlink.cc - ENA Express over SRD: EFA's SRD sender and receiver carry an ENI's packets to each peer, in the path model's time.
//
// EC2's ENA Express is SRD under ENA (User Guide, "Improve network
// performance between EC2 instances with ENA Express"): the Nitro card sprays
// a flow's packets over the network's paths, resends lost ones itself within
// microseconds, and the receiving card puts them back in order. Here each
// ENI keeps one SRD link per peer ENI it sends to: the state machines EFA's
// engine uses (efa/srd.h), a sender that numbers every packet and holds it
// until acknowledged (at most efa::srd::window at once) and a receiver that
// delivers each sequence once. A frame crosses at once in the code, so the
// link plays its packet's life out in the model's time when it is sent: each
// copy takes the best of several paths (path.cc), arrives or is lost, is
// acknowledged over a path back (the acknowledgement may be lost too), and
// the sender's timer resends it until an acknowledgement comes back first.
// The packet arrives with its first copy; later copies are the receiver's
// duplicates. An acknowledgement frees its window slot when the model's
// clock passes it; a sender whose window is full waits for the first to
// come back. Without a path model nothing is lost or late, and no link is
// made (express.cc counts the packets all the same).
#include "base/text.h"
#include "efa/srd.h"
#include "fabric/fabric.h"

using namespace vnitro::base;
namespace srd = vnitro::efa::srd;

namespace vnitro::fabric {

namespace {

// Peers one ENI keeps a link to; the least recently used one is reset for a
// new peer (its sequence space starts over on both halves together).
constexpr uint32_t links_max = 8;
// Resends: the first after the path's round trip plus this, doubling up to
// resend_most_ns; a packet is given up after `resend_tries` sends.
constexpr uint64_t resend_ns = 25 * 1000;
constexpr uint64_t resend_most_ns = 2 * 1000 * 1000;
constexpr uint32_t resend_tries = 32;

} // namespace

struct srd_link {
	uint8_t peer[eth_alen];
	uint64_t used_ns;
	srd::sender tx;
	srd::receiver rx;
	// When each outstanding packet's acknowledgement reaches the sender (by sequence).
	uint64_t acked_at[srd::window];
};

struct srd_links {
	void *lock;
	srd_link *link[links_max];
};

namespace {

// The sequence of the oldest packet still in flight: the window's start.
uint32_t oldest(const srd_link *l)
{
	return l->tx.next_seq() - l->tx.outstanding();
}

// Frees the window slots whose acknowledgement is back by @now.
void retire(srd_link *l, uint64_t now)
{
	uint64_t cookie;

	for (uint32_t s = oldest(l); s != l->tx.next_seq(); s++)
		if (l->acked_at[s % srd::window] <= now)
			l->tx.ack(s, &cookie);
}

// @src's link to @dst's MAC: found, made, or the least recently used one reset.
srd_link *link_to(srd_links *ls, const port *dst)
{
	srd_link *lru = nullptr;
	uint32_t i;

	for (i = 0; i < links_max && ls->link[i]; i++) {
		if (mem_eq(ls->link[i]->peer, dst->mac, eth_alen))
			return ls->link[i];
		if (!lru || ls->link[i]->used_ns < lru->used_ns)
			lru = ls->link[i];
	}
	if (i < links_max) {
		lru = create<srd_link>(VCORE_ALLOC_ATOMIC);
		if (!lru)
			return nullptr;
		ls->link[i] = lru;
	} else {
		new (lru) srd_link();	// in place: a link is too big for the stack
	}
	mem_copy(lru->peer, dst->mac, eth_alen);
	return lru;
}

} // namespace

int srd_port_init(port *p)
{
	if (p->kind != VCORE_PORT_ENI)
		return 0;
	p->srd = create<srd_links>();
	if (!p->srd)
		return -ENOMEM_;
	p->srd->lock = svc->spin_create();
	if (!p->srd->lock) {
		destroy(p->srd);
		p->srd = nullptr;
		return -ENOMEM_;
	}
	return 0;
}

void srd_port_free(port *p)
{
	if (!p->srd)
		return;
	for (srd_link *l : p->srd->link)
		destroy(l);
	svc->spin_destroy(p->srd->lock);
	destroy(p->srd);
	p->srd = nullptr;
}

bool srd_carry(fabric *fab, port *src, port *dst, uint64_t r, uint64_t now, uint64_t hop_ns,
	       uint64_t *arrive_ns)
{
	uint64_t arrive = ~0ull, ack = ~0ull, at = now, rtt;
	srd::timing timing;
	srd::due_event ev;
	bool given_up = false;
	srd_link *l;
	uint32_t seq;

	if (!src->srd)
		return false;
	// The sender's timer: the longest round trip of a path without congestion
	// (the world's delay and jitter each way), plus resend_ns.
	rtt = 2 * (hop_ns + __atomic_load_n(&fab->path.cfg.delay_ns, __ATOMIC_RELAXED) +
		   __atomic_load_n(&fab->path.jitter_ns, __ATOMIC_RELAXED));
	timing.first_ns = rtt + resend_ns;
	timing.most_ns = timing.first_ns > resend_most_ns ? timing.first_ns : resend_most_ns;
	timing.tries = resend_tries;
	vnitro_env_spin_lock(src->srd->lock);
	l = link_to(src->srd, dst);
	if (!l) {
		vnitro_env_spin_unlock(src->srd->lock);
		counter_inc(cpu_stats(fab).srd_no_link);
		return false;
	}
	l->used_ns = now;
	l->tx.set_timing(timing);
	retire(l, now);
	if (l->tx.outstanding() == srd::window) {
		// Window full (a window of sequences): the packet leaves when the
		// oldest one's acknowledgement is back.
		uint32_t first = oldest(l);
		uint64_t cookie;

		at = l->acked_at[first % srd::window];
		l->tx.ack(first, &cookie);
		counter_inc(cpu_stats(fab).srd_window_waits);
	}
	l->tx.submit(0, 0, at, &seq);	// room: the oldest is acknowledged by @at
	for (uint32_t k = 0;; k++) {
		uint64_t roll = path_draw(r, 3 * k);
		path_leg there = path_best_leg(fab, path_draw(r, 3 * k + 1), at + hop_ns);

		if (roll % 1000000 >= there.loss_ppm) {
			uint64_t a = at + hop_ns + there.delay_ns + path_jitter(there, roll >> 20);
			uint64_t back_roll = path_draw(r, 3 * k + 2);
			path_leg back = path_best_leg(fab, mix64(back_roll), a + hop_ns);

			if (a < arrive)
				arrive = a;
			if (l->rx.seen(seq)) {
				l->rx.count_duplicate();
				counter_inc(cpu_stats(fab).srd_duplicates);
			} else {
				l->rx.delivered(seq);
			}
			// The receiver acknowledges every copy.
			if (back_roll % 1000000 >= back.loss_ppm && a + hop_ns + back.delay_ns < ack)
				ack = a + hop_ns + back.delay_ns;
		}
		// The sender's timer runs out before an acknowledgement is back: a resend then.
		uint64_t timer = l->tx.deadline_of(seq);

		if (ack <= timer)
			break;
		if (!l->tx.expire(seq, timer, &ev) || ev.action != srd::due_action::resend) {
			given_up = true;
			break;
		}
		counter_inc(cpu_stats(fab).srd_resent);
		at = timer;
	}
	if (!given_up)
		l->acked_at[seq % srd::window] = ack;
	vnitro_env_spin_unlock(src->srd->lock);
	if (arrive == ~0ull) {
		counter_inc(cpu_stats(fab).srd_given_up);
		return false;
	}
	*arrive_ns = arrive;
	return true;
}

uint32_t srd_utilization(const port *p, uint64_t now)
{
	uint32_t most = 0;

	if (!p->srd)
		return 0;
	vnitro_env_spin_lock(p->srd->lock);
	for (srd_link *l : p->srd->link) {
		if (!l)
			break;
		retire(l, now);
		if (l->tx.outstanding() > most)
			most = l->tx.outstanding();
	}
	vnitro_env_spin_unlock(p->srd->lock);
	return most * 100 / srd::window;
}

} // namespace vnitro::fabric
