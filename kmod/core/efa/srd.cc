// SPDX-License-Identifier: GPL-2.0
// srd.cc - SRD sender and receiver state: resend until acknowledged, deliver once.
#include "efa/srd.h"

namespace vnitro::efa::srd {

namespace {

// True when sequence @a comes after @b, across the 32-bit wrap.
bool after(uint32_t a, uint32_t b)
{
	return int32_t(a - b) > 0;
}

} // namespace

uint64_t sender::backoff(uint32_t tries) const
{
	uint64_t rto = timing_.first_ns;

	while (--tries && rto < timing_.most_ns)
		rto <<= 1;
	return rto < timing_.most_ns ? rto : timing_.most_ns;
}

bool sender::submit(uint64_t cookie, uint8_t rnr_retry, uint64_t now, uint32_t *seq)
{
	if (outstanding() == window)
		return false;
	slot &sl = slots_[next_ % window];
	sl = slot{};
	sl.cookie = cookie;
	sl.deadline_ns = now + backoff(1);
	sl.tries = 1;
	sl.rnr_left = rnr_retry;
	sl.busy = true;
	*seq = next_++;
	stats_.sent++;
	return true;
}

sender::slot *sender::find(uint32_t seq)
{
	if (seq - oldest_ >= outstanding())
		return nullptr;
	slot &sl = slots_[seq % window];
	return sl.busy ? &sl : nullptr;
}

const sender::slot *sender::find(uint32_t seq) const
{
	return const_cast<sender *>(this)->find(seq);
}

void sender::release(uint32_t seq)
{
	slots_[seq % window] = slot{};
	while (oldest_ != next_ && !slots_[oldest_ % window].busy)
		oldest_++;
}

bool sender::ack(uint32_t seq, uint64_t *cookie)
{
	slot *sl = find(seq);

	if (!sl) {
		stats_.duplicate_acks++;
		return false;
	}
	*cookie = sl->cookie;
	release(seq);
	stats_.acked++;
	return true;
}

bool sender::rnr(uint32_t seq, uint64_t now, uint64_t *cookie)
{
	slot *sl = find(seq);

	if (!sl)
		return false;		// answered already, or given up
	stats_.rnr++;
	if (!sl->rnr_left) {
		*cookie = sl->cookie;
		release(seq);
		stats_.given_up_rnr++;
		return true;
	}
	if (sl->rnr_left != rnr_retry_infinite)
		sl->rnr_left--;
	sl->rnr_wait = true;
	sl->deadline_ns = now + rnr_delay_ns;
	return false;
}

// Slot @sl (message @seq) whose timer ran out at @now: resent or given up.
bool sender::fire(slot &sl, uint32_t seq, uint64_t now, due_event *ev)
{
	ev->seq = seq;
	ev->cookie = sl.cookie;
	if (sl.rnr_wait) {
		// The receiver answered: the path works, so the resend count starts over.
		sl.rnr_wait = false;
		sl.tries = 1;
	} else if (sl.tries >= timing_.tries) {
		ev->action = due_action::give_up_timeout;
		release(seq);
		stats_.given_up_timeout++;
		return true;
	} else {
		sl.tries++;
	}
	sl.deadline_ns = now + backoff(sl.tries);
	ev->action = due_action::resend;
	stats_.resent++;
	return true;
}

bool sender::due(uint64_t now, due_event *ev)
{
	for (uint32_t s = oldest_; s != next_; s++) {
		slot &sl = slots_[s % window];

		if (sl.busy && sl.deadline_ns <= now)
			return fire(sl, s, now, ev);
	}
	return false;
}

bool sender::expire(uint32_t seq, uint64_t now, due_event *ev)
{
	slot *sl = find(seq);

	return sl && sl->deadline_ns <= now && fire(*sl, seq, now, ev);
}

uint64_t sender::deadline_of(uint32_t seq) const
{
	const slot *sl = find(seq);

	return sl ? sl->deadline_ns : ~0ull;
}

uint64_t sender::next_deadline() const
{
	uint64_t first = ~0ull;

	for (uint32_t s = oldest_; s != next_; s++) {
		const slot &sl = slots_[s % window];
		if (sl.busy && sl.deadline_ns < first)
			first = sl.deadline_ns;
	}
	return first;
}

bool receiver::seen(uint32_t seq) const
{
	if (!any_ || after(seq, hi_))
		return false;
	if (hi_ - seq >= window)
		return true;		// older than any message still outstanding
	return bit(seq);
}

void receiver::delivered(uint32_t seq)
{
	if (!any_) {
		any_ = true;
		hi_ = seq;
		for (uint64_t &w : bits_)
			w = 0;
	} else if (after(seq, hi_)) {
		if (seq - hi_ >= window) {
			for (uint64_t &w : bits_)
				w = 0;
		} else {
			for (uint32_t s = hi_ + 1; s != seq; s++)
				set(s, false);
		}
		hi_ = seq;
	} else if (hi_ - seq >= window) {
		return;			// outside the window: nothing to remember
	}
	set(seq, true);
	stats_.delivered++;
}

} // namespace vnitro::efa::srd
