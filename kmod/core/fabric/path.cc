// SPDX-License-Identifier: GPL-2.0
// path.cc - the fabric's path model: one configuration and seed for every path, the losses of frames.
#include "fabric/fabric.h"

using namespace vnitro::base;

namespace vnitro::fabric {

namespace {

uint32_t load(const uint32_t &v)
{
	return __atomic_load_n(&v, __ATOMIC_RELAXED);
}

void store(uint32_t &v, uint32_t val)
{
	__atomic_store_n(&v, val, __ATOMIC_RELAXED);
}

} // namespace

path_config path_config_of(const fabric *fab)
{
	const path_config &c = fab->path.cfg;

	return path_config{load(c.loss_ppm), load(c.reorder_ppm), load(c.delay_ns),
			   load(c.reorder_delay_ns)};
}

namespace {

// The paths SRD compares for each packet (see path_best_leg).
constexpr uint32_t srd_choices = 4;

} // namespace

// Path @i at @now. An episode is congested when a draw from the seed, the
// path and the episode's number says so: the same for every frame in it.
path_leg path_leg_of(const fabric *fab, uint32_t i, uint64_t now, uint64_t seed)
{
	const vcore_fabric_one_path &p = fab->path.one[i];
	path_leg l{load(p.loss_ppm), load(p.delay_ns), load(p.jitter_ns)};
	uint32_t cppm = load(p.congestion_ppm), episode = load(fab->path.episode_ns);

	if (cppm && episode &&
	    mix64(seed ^ mix64(uint64_t(i) << 56 ^ now / episode)) % 1000000 < cppm) {
		uint32_t closs = load(p.congestion_loss_ppm);

		l.delay_ns += load(p.congestion_delay_ns);
		if (closs > l.loss_ppm)
			l.loss_ppm = closs;
	}
	return l;
}

uint64_t path_draw(uint64_t r, uint32_t k)
{
	return k ? mix64(r + k * 0x9e3779b97f4a7c15ull) : r;
}

uint64_t path_jitter(const path_leg &l, uint64_t r)
{
	return l.jitter_ns ? r % (uint64_t(l.jitter_ns) + 1) : 0;
}

// SRD sprays each packet over the paths, measuring each path's round trip
// and losses as it goes, so that it steers clear of a congested one within a
// few packets: here, of srd_choices different paths from a random one on,
// the one that is faster now (or, as fast, loses less).
path_leg path_best_leg(const fabric *fab, uint64_t r, uint64_t now)
{
	uint32_t paths = load(fab->path.paths);
	uint64_t seed = __atomic_load_n(&fab->path.seed, __ATOMIC_RELAXED);
	uint32_t first = uint32_t(r % paths);
	path_leg l = path_leg_of(fab, first, now, seed);

	for (uint32_t k = 1; k < srd_choices && k < paths; k++) {
		path_leg o = path_leg_of(fab, (first + k) % paths, now, seed);

		if (o.delay_ns < l.delay_ns || (o.delay_ns == l.delay_ns && o.loss_ppm < l.loss_ppm))
			l = o;
	}
	return l;
}

namespace {

// The frame arrives no earlier than its flow's last one: max(@due, the
// slot's), which becomes the slot's.
uint64_t in_order(fabric *fab, uint64_t hash, uint64_t due)
{
	uint64_t &slot = fab->flow_dues[hash >> (64 - flow_slot_bits)];
	uint64_t seen = __atomic_load_n(&slot, __ATOMIC_RELAXED);

	while (seen < due && !__atomic_compare_exchange_n(&slot, &seen, due, true,
							   __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	return seen > due ? seen : due;
}

bool lost(fabric *fab, port *src)
{
	counter_inc(cpu_stats(fab).path_lost);
	counter_inc(src->tx_dropped);
	return false;
}

} // namespace

// The network nodes a frame crosses between @a and @b (one when
// they share their rack's node, three a block's, five their zone's, six
// between zones), each adding node_delay_ns, and az_delay_ns between zones.
uint64_t placement_ns(const fabric *fab, const port *a, const port *b)
{
	uint64_t node = load(fab->path.node_delay_ns), az = load(fab->path.az_delay_ns);
	uint32_t crossed = 6;

	if (a->nodes[2] == b->nodes[2])
		crossed = 1;
	else if (a->nodes[1] == b->nodes[1])
		crossed = 3;
	else if (a->nodes[0] == b->nodes[0])
		crossed = 5;
	return node * crossed + (a->nodes[0] != b->nodes[0] ? az : 0);
}

// ENA frames are sent on every CPU at once; a shared counter (not a shared
// generator state), mixed by mix64, keeps their draws race-free, and
// reproducible for one sender: the n-th frame after a seed write meets the
// same loss whatever the time (congestion episodes aside, which are the
// clock's).
bool path_carries(fabric *fab, port *src, port *dst, const sg_packet *flow, bool srd,
		  uint64_t *due_ns)
{
	uint32_t paths = load(fab->path.paths);	// 1 .. VCORE_PATHS_MAX (the setter's)
	uint64_t seed, r, now, delay, hash = 0;

	*due_ns = 0;
	if (!load(fab->path.active))
		return true;
	seed = __atomic_load_n(&fab->path.seed, __ATOMIC_RELAXED);
	r = mix64(__atomic_fetch_add(&fab->path.draws, 1, __ATOMIC_RELAXED) ^ seed);
	now = vnitro_env_clock_ns();
	delay = placement_ns(fab, src, dst);
	if (flow)
		hash = flow_hash(src, *flow);
	if (!srd) {
		// ECMP: the flow's path, by its hash (non-IP frames: the first path).
		path_leg l = path_leg_of(fab, flow ? uint32_t(mix64(hash ^ seed) % paths) : 0, now,
					 seed);

		if (r % 1000000 < l.loss_ppm)
			return lost(fab, src);
		delay += l.delay_ns + path_jitter(l, path_draw(r, 1));
	} else {
		// Over SRD (srdlink.cc): resent until acknowledged; given up, it is lost.
		uint64_t arrive;

		if (!srd_carry(fab, src, dst, r, now, delay, &arrive))
			return lost(fab, src);
		delay = arrive - now;
	}
	if (delay)
		counter_inc(cpu_stats(fab).path_delayed);
	*due_ns = flow ? in_order(fab, hash, now + delay) : now + delay;
	return true;
}

bool path_loses_datagram(fabric *fab, prng &rng)
{
	if (!rng.chance(load(fab->path.cfg.loss_ppm)))
		return false;
	counter_inc(cpu_stats(fab).path_lost);
	return true;
}

uint32_t path_epoch(const fabric *fab)
{
	return __atomic_load_n(&fab->path.epoch, __ATOMIC_ACQUIRE);
}

uint64_t path_seed(const fabric *fab)
{
	return __atomic_load_n(&fab->path.seed, __ATOMIC_RELAXED);
}

} // namespace vnitro::fabric

using namespace vnitro::fabric;

namespace {

bool one_is_active(const vcore_fabric_one_path &p)
{
	return p.loss_ppm || p.delay_ns || p.jitter_ns ||
	       (p.congestion_ppm && (p.congestion_delay_ns || p.congestion_loss_ppm));
}

// Recomputes fab->path.active after a change (the environment's lock held).
void refresh_active(fabric *fab)
{
	uint32_t paths = load(fab->path.paths);
	uint32_t active = load(fab->path.node_delay_ns) || load(fab->path.az_delay_ns);

	for (uint32_t i = 0; i < paths && i < VCORE_PATHS_MAX; i++)
		active |= one_is_active(fab->path.one[i]);
	store(fab->path.active, active);
}

} // namespace

extern "C" {

void vcore_fabric_set_path(struct vcore_fabric *fab, const struct vcore_fabric_path_config *cfg,
			   bool to_paths)
{
	path_model &m = fab->path;
	const vcore_fabric_one_path one{cfg->loss_ppm,	     cfg->delay_ns,
					cfg->jitter_ns,	     cfg->congestion_ppm,
					cfg->congestion_delay_ns, cfg->congestion_loss_ppm};

	store(m.cfg.loss_ppm, cfg->loss_ppm);
	store(m.cfg.reorder_ppm, cfg->reorder_ppm);
	store(m.cfg.delay_ns, cfg->delay_ns);
	store(m.cfg.reorder_delay_ns, cfg->reorder_delay_ns);
	store(m.jitter_ns, cfg->jitter_ns);
	store(m.congestion_ppm, cfg->congestion_ppm);
	store(m.congestion_delay_ns, cfg->congestion_delay_ns);
	store(m.congestion_loss_ppm, cfg->congestion_loss_ppm);
	store(m.episode_ns, cfg->episode_ns ? cfg->episode_ns : 1);
	store(m.node_delay_ns, cfg->node_delay_ns);
	store(m.az_delay_ns, cfg->az_delay_ns);
	store(m.paths, cfg->paths < 1 ? 1 : cfg->paths > VCORE_PATHS_MAX ? VCORE_PATHS_MAX
									   : cfg->paths);
	for (uint32_t i = 0; to_paths && i < VCORE_PATHS_MAX; i++)
		vcore_fabric_set_one_path(fab, i, &one);
	refresh_active(fab);
}

void vcore_fabric_get_path(const struct vcore_fabric *fab, struct vcore_fabric_path_config *out)
{
	const path_model &m = fab->path;
	path_config c = path_config_of(fab);

	*out = vcore_fabric_path_config{c.loss_ppm,
					c.reorder_ppm,
					c.delay_ns,
					c.reorder_delay_ns,
					load(m.jitter_ns),
					load(m.congestion_ppm),
					load(m.congestion_delay_ns),
					load(m.congestion_loss_ppm),
					load(m.episode_ns),
					load(m.paths),
					load(m.node_delay_ns),
					load(m.az_delay_ns)};
}

int vcore_fabric_set_one_path(struct vcore_fabric *fab, uint32_t index,
			      const struct vcore_fabric_one_path *p)
{
	vcore_fabric_one_path *o;

	if (index >= VCORE_PATHS_MAX)
		return -EINVAL_;
	o = &fab->path.one[index];
	store(o->loss_ppm, p->loss_ppm);
	store(o->delay_ns, p->delay_ns);
	store(o->jitter_ns, p->jitter_ns);
	store(o->congestion_ppm, p->congestion_ppm);
	store(o->congestion_delay_ns, p->congestion_delay_ns);
	store(o->congestion_loss_ppm, p->congestion_loss_ppm);
	// A path that became active makes the model so; the world's setter recounts.
	if (one_is_active(*p) && index < load(fab->path.paths))
		store(fab->path.active, 1u);
	else
		refresh_active(fab);
	return 0;
}

int vcore_fabric_get_one_path(const struct vcore_fabric *fab, uint32_t index,
			      struct vcore_fabric_one_path *out)
{
	const vcore_fabric_one_path *o;

	if (index >= VCORE_PATHS_MAX)
		return -EINVAL_;
	o = &fab->path.one[index];
	*out = vcore_fabric_one_path{load(o->loss_ppm),	     load(o->delay_ns),
				     load(o->jitter_ns),	     load(o->congestion_ppm),
				     load(o->congestion_delay_ns), load(o->congestion_loss_ppm)};
	return 0;
}

void vcore_fabric_seed(struct vcore_fabric *fab, uint64_t seed)
{
	__atomic_store_n(&fab->path.seed, seed, __ATOMIC_RELAXED);
	__atomic_store_n(&fab->path.draws, 0, __ATOMIC_RELAXED);
	// Release: whoever sees the new epoch sees the seed it stands for.
	__atomic_fetch_add(&fab->path.epoch, 1, __ATOMIC_RELEASE);
}

uint64_t vcore_fabric_get_seed(const struct vcore_fabric *fab)
{
	return path_seed(fab);
}

} // extern "C"
