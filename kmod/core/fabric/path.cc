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

// ENA frames are sent on every CPU at once; a shared counter (not a shared
// generator state), mixed by mix64, keeps their draws race-free, and
// reproducible for one sender.
bool path_loses_frame(fabric *fab, port *src)
{
	uint32_t ppm = load(fab->path.cfg.loss_ppm);
	uint64_t n;

	if (!ppm)
		return false;
	n = __atomic_fetch_add(&fab->path.draws, 1, __ATOMIC_RELAXED);
	if (mix64(n ^ __atomic_load_n(&fab->path.seed, __ATOMIC_RELAXED)) % 1000000 >= ppm)
		return false;
	counter_inc(cpu_stats(fab).path_lost);
	counter_inc(src->tx_dropped);
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

extern "C" {

void vcore_fabric_set_path(struct vcore_fabric *fab, const struct vcore_fabric_path_config *cfg)
{
	path_config &c = fab->path.cfg;

	store(c.loss_ppm, cfg->loss_ppm);
	store(c.reorder_ppm, cfg->reorder_ppm);
	store(c.delay_ns, cfg->delay_ns);
	store(c.reorder_delay_ns, cfg->reorder_delay_ns);
}

void vcore_fabric_get_path(const struct vcore_fabric *fab, struct vcore_fabric_path_config *out)
{
	path_config c = path_config_of(fab);

	*out = vcore_fabric_path_config{c.loss_ppm, c.reorder_ppm, c.delay_ns, c.reorder_delay_ns};
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
