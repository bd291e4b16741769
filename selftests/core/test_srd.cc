// SPDX-License-Identifier: GPL-2.0
// test_srd.cc - SRD flows and the path model: each message delivered once under loss, reordering and RNR.
#include <criterion/criterion.h>
#include <string.h>

#include "efa/srd.h"
#include "fabric/path.h"

using namespace vnitro;
using namespace vnitro::efa;

Test(srd, window_bounds_outstanding_messages)
{
	srd::sender tx;
	uint32_t seq;

	for (uint32_t i = 0; i < srd::window; i++) {
		cr_assert(tx.submit(100 + i, 7, 0, &seq));
		cr_assert_eq(seq, i);
	}
	cr_assert_not(tx.submit(999, 7, 0, &seq), "a full window holds new work back");

	uint64_t cookie;
	cr_assert(tx.ack(5, &cookie));
	cr_assert_eq(cookie, 105);
	cr_assert_not(tx.submit(999, 7, 0, &seq), "the window slides only from its oldest message");
	cr_assert(tx.ack(0, &cookie));
	cr_assert(tx.submit(999, 7, 0, &seq));
	cr_assert_eq(seq, srd::window);
	cr_assert_not(tx.ack(5, &cookie), "a second ACK is a duplicate");
	cr_assert_eq(tx.stats().duplicate_acks, 1);
}

Test(srd, unanswered_messages_are_resent_with_backoff_then_given_up)
{
	srd::sender tx;
	srd::due_event ev;
	uint32_t seq;
	uint64_t now = 0;

	cr_assert(tx.submit(42, 7, now, &seq));
	cr_assert_not(tx.due(srd::rto_min_ns - 1, &ev));
	uint64_t last_gap = 0;
	for (uint32_t i = 1; i < srd::max_tries; i++) {
		now = tx.next_deadline();
		cr_assert(tx.due(now, &ev));
		cr_assert_eq(ev.action, srd::due_action::resend);
		cr_assert_eq(ev.cookie, 42);
		uint64_t gap = tx.next_deadline() - now;
		cr_assert_geq(gap, last_gap, "the timeout never shrinks");
		cr_assert_leq(gap, srd::rto_max_ns);
		last_gap = gap;
	}
	cr_assert_eq(last_gap, srd::rto_max_ns);
	now = tx.next_deadline();
	cr_assert(tx.due(now, &ev));
	cr_assert_eq(ev.action, srd::due_action::give_up_timeout);
	cr_assert_eq(tx.outstanding(), 0);
	cr_assert_eq(tx.stats().resent, srd::max_tries - 1);
	cr_assert_eq(tx.stats().given_up_timeout, 1);
}

// A sender's own timing (ENA Express's links set theirs), and one message's
// timer alone: expire() leaves the others as they are.
Test(srd, a_senders_timing_and_one_messages_timer)
{
	srd::sender tx;
	srd::timing t;
	srd::due_event ev;
	uint32_t a, b;

	t.first_ns = 1000;
	t.most_ns = 4000;
	t.tries = 4;
	tx.set_timing(t);
	cr_assert(tx.submit(1, 0, 0, &a));
	cr_assert(tx.submit(2, 0, 500, &b));
	cr_assert_eq(tx.deadline_of(a), 1000);
	cr_assert_eq(tx.deadline_of(b), 1500);
	cr_assert_eq(tx.deadline_of(b + 1), ~0ull, "not outstanding");
	cr_assert_not(tx.expire(b, 1499, &ev), "not due yet");
	cr_assert(tx.expire(b, 1500, &ev));
	cr_assert_eq(ev.action, srd::due_action::resend);
	cr_assert_eq(ev.seq, b);
	cr_assert_eq(tx.deadline_of(b), 1500 + 2000, "doubled");
	cr_assert_eq(tx.deadline_of(a), 1000, "the other message's timer is untouched");
	cr_assert(tx.expire(b, 3500, &ev));
	cr_assert_eq(tx.deadline_of(b), 3500 + 4000, "up to most_ns");
	cr_assert(tx.expire(b, 7500, &ev));
	cr_assert(tx.expire(b, 11500, &ev));
	cr_assert_eq(ev.action, srd::due_action::give_up_timeout, "given up after 4 sends");
	cr_assert_eq(tx.deadline_of(b), ~0ull);
	cr_assert_eq(tx.outstanding(), 2, "a's slot still holds the window's start");
}

Test(srd, rnr_retry_counts_the_waits_then_gives_up)
{
	srd::sender tx;
	srd::due_event ev;
	uint32_t seq;
	uint64_t cookie = 0;

	cr_assert(tx.submit(7, 0, 0, &seq));
	cr_assert(tx.rnr(seq, 10, &cookie), "rnr_retry 0: the first RNR ends it");
	cr_assert_eq(cookie, 7);

	cr_assert(tx.submit(8, 2, 0, &seq));
	for (int i = 0; i < 2; i++) {
		cr_assert_not(tx.rnr(seq, 100, &cookie));
		cr_assert_eq(tx.next_deadline(), 100 + srd::rnr_delay_ns);
		cr_assert(tx.due(100 + srd::rnr_delay_ns, &ev));
		cr_assert_eq(ev.action, srd::due_action::resend);
	}
	cr_assert(tx.rnr(seq, 200, &cookie));
	cr_assert_eq(cookie, 8);
	cr_assert_eq(tx.stats().given_up_rnr, 2);

	cr_assert(tx.submit(9, srd::rnr_retry_infinite, 0, &seq));
	for (int i = 0; i < 50; i++)
		cr_assert_not(tx.rnr(seq, 0, &cookie), "rnr_retry 7 waits forever");
	cr_assert_not(tx.rnr(seq + 1, 0, &cookie), "an RNR for no outstanding message is ignored");
}

Test(srd, receiver_delivers_each_sequence_once_across_the_wrap)
{
	srd::receiver rx;
	uint32_t base = 0xffffffc0u;

	cr_assert_not(rx.seen(base));
	for (uint32_t i = 0; i < 200; i += 2)
		rx.delivered(base + i);
	for (uint32_t i = 200 - srd::window; i < 200; i++)
		cr_assert_eq(rx.seen(base + i), i % 2 == 0, "sequence base+%u", i);
	cr_assert_not(rx.seen(base + 200), "not yet arrived");
	cr_assert(rx.seen(base + 10), "older than the window: a resend of something acknowledged");
}

Test(srd, flush_reports_every_outstanding_cookie)
{
	srd::sender tx;
	uint32_t seq;
	uint64_t sum = 0, cookie;

	for (uint64_t c = 1; c <= 10; c++)
		tx.submit(c, 7, 0, &seq);
	tx.ack(3, &cookie);
	tx.flush([&](uint64_t c) { sum += c; });
	cr_assert_eq(sum, 55 - 4);
	cr_assert_eq(tx.outstanding(), 0);
	cr_assert(tx.submit(11, 7, 0, &seq));
}

Test(path, delivers_in_arrival_order_and_counts_loss)
{
	fabric::path<uint32_t, 4> p;
	uint32_t v;

	p.configure({0, 0, 100, 0});
	for (uint32_t i = 0; i < 4; i++)
		cr_assert(p.send(i, i));
	cr_assert_not(p.send(9, 5), "a full path drops");
	cr_assert_eq(p.stats().overflow, 1);
	cr_assert_not(p.receive(99, &v), "nothing arrives before its delay");
	for (uint32_t i = 0; i < 4; i++) {
		cr_assert(p.receive(1000, &v));
		cr_assert_eq(v, i);
	}

	p.configure({1000000, 0, 0, 0});
	cr_assert_not(p.send(1, 0));
	cr_assert_eq(p.stats().lost, 1);
}

namespace {

enum class kind : uint8_t { data, ack, rnr };
struct pkt {
	kind k;
	uint32_t seq;
};

} // namespace

// The acceptance case, in miniature: N messages over a path with 5 %
// loss and 5 % reordering in both directions, receivers that are sometimes not
// ready: exactly N delivered, each once, and every sender completion once.
Test(srd, exactly_once_under_loss_reordering_and_rnr)
{
	constexpr uint32_t n = 20000;
	static uint8_t delivered[n], completed[n];
	fabric::path<pkt, 512> fwd, back;
	fabric::prng rnr_dice(7);
	srd::sender tx;
	srd::receiver rx;
	uint64_t now = 0;
	uint32_t next = 0, done = 0;

	memset(delivered, 0, sizeof(delivered));
	memset(completed, 0, sizeof(completed));
	fwd.configure({50000, 50000, 10000, 80000});
	back.configure({50000, 50000, 10000, 80000});
	fwd.seed(1);
	back.seed(2);

	while (done < n) {
		uint32_t seq;
		srd::due_event ev;
		uint64_t cookie;
		pkt p;

		while (next < n && tx.submit(next, srd::rnr_retry_infinite, now, &seq)) {
			fwd.send({kind::data, seq}, now);
			next++;
		}
		while (fwd.receive(now, &p)) {
			if (rx.seen(p.seq)) {
				rx.count_duplicate();
				back.send({kind::ack, p.seq}, now);
			} else if (rnr_dice.chance(20000)) {
				rx.count_rnr();
				back.send({kind::rnr, p.seq}, now);
			} else {
				// The message is sequence == cookie here: submitted in order, never given up.
				delivered[p.seq]++;
				rx.delivered(p.seq);
				back.send({kind::ack, p.seq}, now);
			}
		}
		while (back.receive(now, &p)) {
			if (p.k == kind::ack && tx.ack(p.seq, &cookie)) {
				completed[cookie]++;
				done++;
			} else if (p.k == kind::rnr) {
				cr_assert_not(tx.rnr(p.seq, now, &cookie));
			}
		}
		while (tx.due(now, &ev)) {
			cr_assert_eq(ev.action, srd::due_action::resend);
			fwd.send({kind::data, ev.seq}, now);
		}
		uint64_t t = tx.next_deadline();
		if (fwd.next_due() < t)
			t = fwd.next_due();
		if (back.next_due() < t)
			t = back.next_due();
		if (t == ~0ull) {
			// Idle only because the last acknowledgements just freed the window.
			cr_assert(next < n || done == n, "nothing in flight, nothing due, %u of %u done", done, n);
			continue;
		}
		now = t > now ? t : now;
	}
	for (uint32_t i = 0; i < n; i++) {
		cr_assert_eq(delivered[i], 1, "message %u delivered %u times", i, delivered[i]);
		cr_assert_eq(completed[i], 1, "message %u completed %u times", i, completed[i]);
	}
	cr_assert_gt(tx.stats().resent, n / 20, "the loss was felt: %lu resends",
		     (unsigned long)tx.stats().resent);
	cr_assert_gt(rx.stats().duplicates, 0);
	cr_assert_gt(rx.stats().rnr, 0);
	cr_assert_gt(fwd.stats().reordered, 0);
	cr_assert_eq(tx.stats().given_up_timeout + tx.stats().given_up_rnr, 0);
}
