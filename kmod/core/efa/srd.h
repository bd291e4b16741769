// SPDX-License-Identifier: GPL-2.0
// srd.h - SRD's delivery promise between two devices: reliable, unordered, each message once.
//
// One SRD flow is one direction between two EFA devices: a sender that
// numbers the messages it puts on the path and resends each until the
// receiver acknowledges it, and a receiver that delivers a message the first
// time it arrives and only acknowledges a copy it has already delivered.
// Order is not restored (SRD does not promise it; libfabric's efa provider
// reorders itself). A receiver without a posted buffer answers "receiver not
// ready" (RNR): the sender waits and resends, as many times as the QP's
// rnr_retry allows (7: forever, as in the verbs API), then gives up with the
// device's remote RNR status.
//
// What travels is the engine's business: the flow only tracks sequence
// numbers, a 64-bit cookie per message and timers. Fixed-size state, no
// allocation. Not thread-safe: the engine serialises.
#pragma once

#include "base/base.h"

namespace vnitro::efa::srd {

// Messages outstanding per flow; a sender with a full window holds new work back.
constexpr uint32_t window = 128;

// Resend timing: the first resend after rto_min_ns, doubling up to
// rto_max_ns; after max_tries sends a message is given up with the device's
// "unresponsive remote" status. (Real SRD resends within microseconds on
// another path; an engine under TCG emulation can stall for milliseconds, so
// the clock is slower, and giving up takes about half a second.)
constexpr uint64_t rto_min_ns = 500 * 1000ull;
constexpr uint64_t rto_max_ns = 32 * 1000 * 1000ull;
constexpr uint32_t max_tries = 20;
// Wait after an RNR before resending.
constexpr uint64_t rnr_delay_ns = 1000 * 1000ull;
constexpr uint8_t rnr_retry_infinite = 7;

// One sender's resend timing: the constants above for EFA's engine; ENA
// Express's links (fabric/srd.cc) set theirs from the path model's round
// trip, in the model's own time, where no emulation stalls.
struct timing {
	uint64_t first_ns = rto_min_ns;	// the first resend's wait; doubling from there
	uint64_t most_ns = rto_max_ns;	// up to this
	uint32_t tries = max_tries;	// sends of a message before it is given up
};

struct sender_stats {
	uint64_t sent;			// first transmissions
	uint64_t resent;		// after a timeout or an RNR
	uint64_t acked;
	uint64_t duplicate_acks;
	uint64_t rnr;			// RNR answers received
	uint64_t given_up_timeout;
	uint64_t given_up_rnr;
};

// What the sender must do with a message whose timer ran out.
enum class due_action : uint8_t {
	resend,				// put the message on the path again, same sequence
	give_up_timeout,		// complete with status local_unresp_remote
	give_up_rnr,			// complete with status remote_rnr
};

struct due_event {
	due_action action;
	uint32_t seq;
	uint64_t cookie;
};

class sender {
public:
	// A new message; false when `window` messages are outstanding.
	bool submit(uint64_t cookie, uint8_t rnr_retry, uint64_t now, uint32_t *seq);
	// The receiver has the message: its cookie, once. A late duplicate ACK returns false.
	bool ack(uint32_t seq, uint64_t *cookie);
	// The receiver had no buffer: the message waits rnr_delay_ns, or is given
	// up when its rnr_retry is spent (returns true with @cookie: complete with remote_rnr).
	bool rnr(uint32_t seq, uint64_t now, uint64_t *cookie);
	// The next message whose timer ran out by @now; false when none.
	// On give-up the message is no longer outstanding.
	bool due(uint64_t now, due_event *ev);
	// The same for message @seq alone: false when it is not outstanding or
	// its timer runs out after @now.
	bool expire(uint32_t seq, uint64_t now, due_event *ev);
	// When message @seq's timer runs out; ~0 when it is not outstanding.
	uint64_t deadline_of(uint32_t seq) const;
	void set_timing(const timing &t) { timing_ = t; }
	// Forgets every outstanding message (the QP or device went away); the
	// cookies are reported to @fn so the engine can flush them.
	template <typename Fn>
	void flush(Fn fn)
	{
		for (uint32_t s = oldest_; s != next_; s++) {
			slot &sl = slots_[s % window];
			if (sl.busy)
				fn(sl.cookie);
			sl = slot{};
		}
		oldest_ = next_;
	}

	uint32_t outstanding() const { return next_ - oldest_; }
	// The sequence the next submit() hands out.
	uint32_t next_seq() const { return next_; }
	uint64_t next_deadline() const;
	const sender_stats &stats() const { return stats_; }

private:
	struct slot {
		uint64_t cookie;
		uint64_t deadline_ns;
		uint32_t tries;
		uint8_t rnr_left;
		bool busy;
		bool rnr_wait;		// the deadline is an RNR wait, not a resend timeout
	};

	slot *find(uint32_t seq);
	const slot *find(uint32_t seq) const;
	void release(uint32_t seq);
	uint64_t backoff(uint32_t tries) const;
	bool fire(slot &sl, uint32_t seq, uint64_t now, due_event *ev);

	uint32_t next_ = 0;		// sequence of the next new message
	uint32_t oldest_ = 0;		// lowest sequence that may still be outstanding
	slot slots_[window] = {};
	sender_stats stats_{};
	timing timing_{};
};

struct receiver_stats {
	uint64_t delivered;
	uint64_t duplicates;		// already delivered: acknowledged again, dropped
	uint64_t rnr;			// no buffer: answered RNR
};

class receiver {
public:
	// True when a message with @seq was delivered already (acknowledge it, do not deliver it again).
	bool seen(uint32_t seq) const;
	// Records the delivery of @seq.
	void delivered(uint32_t seq);
	void count_duplicate() { stats_.duplicates++; }
	void count_rnr() { stats_.rnr++; }
	const receiver_stats &stats() const { return stats_; }

private:
	// Bits for sequences (hi_ - window, hi_]. A sender never has more than
	// `window` messages outstanding, so any message still in flight has a
	// sequence above hi_ - window: older ones were acknowledged and are not resent.
	bool any_ = false;
	uint32_t hi_ = 0;
	uint64_t bits_[window / 64] = {};
	receiver_stats stats_{};

	bool bit(uint32_t seq) const { return bits_[(seq % window) / 64] >> (seq % 64) & 1; }
	void set(uint32_t seq, bool on)
	{
		uint64_t m = 1ull << (seq % 64);
		uint64_t &w = bits_[(seq % window) / 64];
		w = on ? (w | m) : (w & ~m);
	}
};

} // namespace vnitro::efa::srd
