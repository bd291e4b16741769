// SPDX-License-Identifier: GPL-2.0
// path.h - a network path with delay, loss and reordering: what SRD packets cross between two devices.
//
// The path holds up to N packets in flight, each due at its arrival time.
// Loss and reordering are drawn per packet from a seeded generator, in parts
// per million; a reordered packet is held back by an extra delay, so packets
// sent after it overtake it. A full path drops (as a congested switch would):
// SRD's retransmission covers both kinds of loss.
#pragma once

#include "base/base.h"
#include "vcore/fabric.h"

namespace vnitro::fabric {

struct path_config {
	uint32_t loss_ppm;		// packets dropped, per million
	uint32_t reorder_ppm;		// packets held back, per million
	uint32_t delay_ns;		// one-way latency of every packet
	uint32_t reorder_delay_ns;	// extra latency of a held-back packet
};

struct path_stats {
	uint64_t sent;
	uint64_t lost;			// dropped by loss_ppm
	uint64_t overflow;		// dropped because the path was full
	uint64_t reordered;
	uint64_t delivered;
};

// The fabric's path model (path.cc): the world's configuration (cfg: what
// EFA's paths take; the rest: what the spine paths between ENIs took last),
// each spine path's own, and the seed the draws start from. Written under
// the environment's lock, read on every CPU: each field is loaded and stored
// atomically.
struct path_model {
	path_config cfg;
	uint32_t jitter_ns;
	uint32_t congestion_ppm;
	uint32_t congestion_delay_ns;
	uint32_t congestion_loss_ppm;
	uint32_t episode_ns;
	uint32_t paths;			// spine paths in use
	uint32_t node_delay_ns;		// placement: per network node crossed
	uint32_t az_delay_ns;		// and between zones
	uint32_t active;		// any path in use may lose or delay a frame
	vcore_fabric_one_path one[VCORE_PATHS_MAX];
	uint64_t seed;			// the last one set, 0: none
	uint32_t epoch;			// bumped by every seed write
	uint64_t draws;			// ENA frames' draws since the last seed
};

using base::mix64;

// xorshift64*: cheap, seeded, reproducible in tests; not for secrets.
class prng {
public:
	explicit prng(uint64_t seed = 0x9e3779b97f4a7c15ull) : state_(seed ? seed : 1) {}
	uint64_t next()
	{
		state_ ^= state_ >> 12;
		state_ ^= state_ << 25;
		state_ ^= state_ >> 27;
		return state_ * 0x2545f4914f6cdd1dull;
	}
	// True with probability ppm / 1e6.
	bool chance(uint32_t ppm) { return ppm && next() % 1000000 < ppm; }

private:
	uint64_t state_;
};

// T is a trivially copyable packet. Not thread-safe: the owner serialises.
template <typename T, uint32_t N>
class path {
public:
	void configure(const path_config &cfg) { cfg_ = cfg; }
	const path_config &config() const { return cfg_; }
	const path_stats &stats() const { return stats_; }
	void seed(uint64_t s) { rng_ = prng(s); }
	uint32_t in_flight() const { return count_; }

	// Takes @pkt at time @now, @extra_ns later than the path's latency has
	// it; false when it was dropped (loss or a full path).
	bool send(const T &pkt, uint64_t now, uint64_t extra_ns = 0)
	{
		stats_.sent++;
		if (rng_.chance(cfg_.loss_ppm)) {
			stats_.lost++;
			return false;
		}
		if (count_ == N) {
			stats_.overflow++;
			return false;
		}
		uint64_t due = now + cfg_.delay_ns + extra_ns;
		if (rng_.chance(cfg_.reorder_ppm)) {
			stats_.reordered++;
			due += cfg_.reorder_delay_ns;
		}
		// Ties keep their sending order: the sequence breaks them.
		heap_[count_] = entry{due, seq_++, pkt};
		sift_up(count_++);
		return true;
	}

	// The earliest packet due at or before @now, in arrival order.
	bool receive(uint64_t now, T *out)
	{
		if (!count_ || heap_[0].due > now)
			return false;
		*out = heap_[0].pkt;
		heap_[0] = heap_[--count_];
		sift_down(0);
		stats_.delivered++;
		return true;
	}

	// When the next packet arrives; ~0 when the path is empty.
	uint64_t next_due() const { return count_ ? heap_[0].due : ~0ull; }

	// Forgets every packet in flight (their endpoint went away).
	template <typename Pred>
	void drop_if(Pred pred)
	{
		uint32_t kept = 0;

		for (uint32_t i = 0; i < count_; i++)
			if (!pred(heap_[i].pkt))
				heap_[kept++] = heap_[i];
		count_ = kept;
		for (uint32_t i = count_ / 2; i-- > 0;)
			sift_down(i);
	}

private:
	struct entry {
		uint64_t due;
		uint64_t order;
		T pkt;
	};

	static bool before(const entry &a, const entry &b)
	{
		return a.due != b.due ? a.due < b.due : a.order < b.order;
	}

	void sift_up(uint32_t i)
	{
		while (i && before(heap_[i], heap_[(i - 1) / 2])) {
			swap(i, (i - 1) / 2);
			i = (i - 1) / 2;
		}
	}

	void sift_down(uint32_t i)
	{
		for (;;) {
			uint32_t l = 2 * i + 1, r = l + 1, m = i;

			if (l < count_ && before(heap_[l], heap_[m]))
				m = l;
			if (r < count_ && before(heap_[r], heap_[m]))
				m = r;
			if (m == i)
				return;
			swap(i, m);
			i = m;
		}
	}

	void swap(uint32_t a, uint32_t b)
	{
		entry t = heap_[a];
		heap_[a] = heap_[b];
		heap_[b] = t;
	}

	path_config cfg_{};
	path_stats stats_{};
	prng rng_;
	uint64_t seq_ = 0;
	uint32_t count_ = 0;
	entry heap_[N];
};

} // namespace vnitro::fabric
