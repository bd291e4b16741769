// SPDX-License-Identifier: GPL-2.0
// settings.cc - the world's settings (rate scale, burst seconds) and the bandwidth allowances they make of each instance's type.
#include "control/world.h"
#include "vcore/fabric.h"

using namespace vnitro::base;

namespace vnitro::control {

namespace {

// EC2 gives bandwidth per network card (NetworkCardInfo's baseline and peak);
// the catalogue holds the instance's, all cards together.
uint64_t per_card_bps(uint32_t mbps, const vcore_type_info &t, uint32_t scale)
{
	uint64_t bps = uint64_t(mbps) * 1000000 / (t.network_cards ? t.network_cards : 1) / scale;

	return bps < VCORE_ALLOWANCE_MIN_BPS ? uint64_t(VCORE_ALLOWANCE_MIN_BPS) : bps;
}

/*
 * Through an internet gateway (EC2 User Guide, "Amazon EC2 instance network
 * bandwidth"): "For instances with fewer than 32 vCPUs, bandwidth is limited
 * to 5 Gbps"; with 32 or more, "limited to 50% of the available bandwidth
 * ... or 5 Gbps, whichever is larger"; C8in, C8ine, M8in, M8ine, M8idn,
 * R8in and R8idn to their baseline, which their allowances are already.
 * Bits per second, all cards, before the rate scale; 0: no limit of its own.
 */
uint64_t internet_bps(const vcore_type_info &t)
{
	static const char *const whole[] = {"c8in.", "c8ine.", "m8in.", "m8ine.", "m8idn.",
					     "r8in.", "r8idn."};
	constexpr uint64_t floor = 5000000000ull;
	uint64_t total = uint64_t(t.peak_mbps > t.baseline_mbps ? t.peak_mbps : t.baseline_mbps) *
			 1000000;
	uint64_t bps;

	for (const char *prefix : whole) {
		size_t n = str_len(prefix, VNITRO_TYPE_LEN);

		if (str_len(t.name, VNITRO_TYPE_LEN) > n && mem_eq(t.name, prefix, n))
			return 0;
	}
	bps = t.vcpus < 32 ? floor : (total / 2 > floor ? total / 2 : floor);
	return bps < total ? bps : 0;
}

bool check(const vcore_world_settings &c, vcore_err *err)
{
	if (c.rate_scale > VNITRO_RATE_SCALE_MAX) {
		fail(err, EINVAL_).str("rate scale ").u32(c.rate_scale).str(" is out of range: 1 to ")
			.u32(VNITRO_RATE_SCALE_MAX);
		return false;
	}
	if (c.burst_s > VNITRO_BURST_SECONDS_MAX) {
		fail(err, EINVAL_).str("burst seconds ").u32(c.burst_s).str(" is out of range: ")
			.u32(VNITRO_BURST_SECONDS_MIN).str(" to ").u32(VNITRO_BURST_SECONDS_MAX);
		return false;
	}
	if (!c.rate_scale && !c.burst_s) {
		fail(err, EINVAL_).str("nothing to set: give the rate scale or the burst seconds");
		return false;
	}
	return true;
}

} // namespace

int allowances_publish(world &w, const instance &i, vcore_err *err)
{
	const vcore_type_info &t = *i.type;
	vcore_allowance_desc d = {};
	int ret;

	d.key = i.key;
	d.cards = t.network_cards ? t.network_cards : 1;
	d.baseline_bps = per_card_bps(t.baseline_mbps, t, w.rate_scale);
	d.peak_bps = per_card_bps(t.peak_mbps > t.baseline_mbps ? t.peak_mbps : t.baseline_mbps, t,
				  w.rate_scale);
	d.burst_s = w.burst_s;
	d.internet_bps = internet_bps(t) / w.rate_scale;
	if (d.internet_bps && d.internet_bps < VCORE_ALLOWANCE_MIN_BPS)
		d.internet_bps = VCORE_ALLOWANCE_MIN_BPS;
	ret = vcore_fabric_allowance_set(w.fab, &d);
	if (ret)
		fail(err, -ret).str(ret == -ENOMEM_ ? "out of memory"
						   : "the fabric refused the instance's allowances");
	return ret;
}

void allowances_withdraw(world &w, const instance &i)
{
	vcore_fabric_allowance_del(w.fab, i.key);
}

void flow_limit_publish(world &w)
{
	if (!w.fab)
		return;
	vcore_fabric_set_flow_limit(w.fab, VCORE_FLOW_LIMIT_BPS / w.rate_scale,
				    VCORE_CLUSTER_FLOW_LIMIT_BPS / w.rate_scale,
				    VCORE_SRD_FLOW_LIMIT_BPS / w.rate_scale);
	vcore_fabric_set_allowance_queue(w.fab, VCORE_ALLOWANCE_QUEUE_NS);
}

} // namespace vnitro::control

using namespace vnitro::control;

extern "C" {

void vcore_ctl_world_get(const struct vcore_ctl *ctl, struct vcore_world_settings *out)
{
	out->rate_scale = ctl->rate_scale;
	out->burst_s = ctl->burst_s;
}

int vcore_ctl_world_set(struct vcore_ctl *ctl, const struct vcore_world_settings *changes,
			struct vcore_world_settings *out, struct vcore_err *err)
{
	const vcore_world_settings before = {ctl->rate_scale, ctl->burst_s};
	vcore_err ignored;

	if (!check(*changes, err))
		return err->code;
	if (changes->rate_scale)
		ctl->rate_scale = changes->rate_scale;
	if (changes->burst_s)
		ctl->burst_s = changes->burst_s;
	// Every instance has its allowances already: they change in place,
	// which allocates nothing, so this fails only if one went missing.
	for (instance *i = ctl->instances.front(); i; i = i->next) {
		if (allowances_publish(*ctl, *i, err)) {
			ctl->rate_scale = before.rate_scale;
			ctl->burst_s = before.burst_s;
			for (instance *j = ctl->instances.front(); j != i; j = j->next)
				allowances_publish(*ctl, *j, &ignored);
			return err->code;
		}
	}
	flow_limit_publish(*ctl);
	vcore_ctl_world_get(ctl, out);
	return 0;
}

} // extern "C"
