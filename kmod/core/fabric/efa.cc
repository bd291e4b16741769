// SPDX-License-Identifier: GPL-2.0
// efa.cc - EFA endpoints on ENI ports: attach, detach, and where an EFA packet goes (GID -> MAC -> port).
#include "fabric/fabric.h"
#include "efa/device.h"
#include "base/text.h"

using namespace vnitro::base;

namespace vnitro::fabric {

bool mac_of_gid(const uint8_t *gid, uint8_t *mac)
{
	static const uint8_t link_local[8] = {0xfe, 0x80};

	if (!mem_eq(gid, link_local, sizeof(link_local)) || gid[11] != 0xff || gid[12] != 0xfe)
		return false;
	mac[0] = gid[8] ^ 0x02;
	mac[1] = gid[9];
	mac[2] = gid[10];
	mac[3] = gid[13];
	mac[4] = gid[14];
	mac[5] = gid[15];
	return true;
}

efa_verdict efa_resolve(fabric *fab, const vcore_efa_dev *src, const uint8_t *dst_gid,
			vcore_efa_dev **dst)
{
	rcu_guard rcu;
	uint8_t mac[eth_alen];
	port *sp = rcu_load(src->port), *dp;

	*dst = nullptr;
	// Its ENI's port unplugged (a sysfs remove of the ENA function): nothing
	// leaves the device until the port is back.
	if (!sp) {
		counter_inc(cpu_stats(fab).drop_no_dest);
		return efa_verdict::no_dest;
	}
	dp = mac_of_gid(dst_gid, mac) ? lookup_mac(fab, mac) : nullptr;
	*dst = dp && dp->kind == VCORE_PORT_ENI ? rcu_load(dp->efa) : nullptr;
	// Another host's ENI: the same checks here, the receiver's half there
	// (vcore_fabric_xmit_tunneled), whether it has an EFA device too.
	if (!*dst && !(dp && dp->kind == VCORE_PORT_ENI && dp->remote_host)) {
		drop(cpu_stats(fab).drop_no_dest, sp);
		return efa_verdict::no_dest;
	}
	efa_verdict v = efa_admit(fab, sp, dp);
	if (v != efa_verdict::deliver) {
		*dst = nullptr;
		return v;
	}
	counter_inc(cpu_stats(fab).efa_forwarded);
	return dp->remote_host ? efa_verdict::remote : efa_verdict::deliver;
}

efa_verdict efa_admit(fabric *fab, port *sp, port *dp)
{
	// EFA OS-bypass traffic does not leave its subnet (EC2 User Guide, EFA
	// limitations); subnet keys are unique across VPCs.
	if (dp->subnet_key != sp->subnet_key || dp->vpc_key != sp->vpc_key) {
		drop(cpu_stats(fab).drop_cross_subnet, sp);
		return efa_verdict::cross_subnet;
	}
	return sg_allows_efa(fab, sp, dp) ? efa_verdict::deliver : efa_verdict::filtered;
}

vcore_efa_dev *efa_local(fabric *fab, const uint8_t *mac)
{
	rcu_guard rcu;
	port *p = lookup_mac(fab, mac);

	return p && p->kind == VCORE_PORT_ENI && !p->remote_host ? rcu_load(p->efa) : nullptr;
}

bool efa_send_remote(fabric *fab, const vcore_efa_dev *src, const uint8_t *dst_mac,
		     void *frame_ctx)
{
	rcu_guard rcu;
	port *sp = rcu_load(src->port), *dp = lookup_mac(fab, dst_mac);

	if (!sp || !dp || dp->kind != VCORE_PORT_ENI || !dp->remote_host || !svc->deliver_tunneled)
		return false;
	port_deliver(sp, dp, frame_ctx);
	return true;
}

uint64_t efa_placement_ns(fabric *fab, const vcore_efa_dev *src, const uint8_t *dst_gid)
{
	rcu_guard rcu;
	uint8_t mac[eth_alen];
	port *sp = rcu_load(src->port);
	port *dp = mac_of_gid(dst_gid, mac) ? lookup_mac(fab, mac) : nullptr;

	return sp && dp ? placement_ns(fab, sp, dp) : 0;
}

void efa_port_gone(port *p)
{
	if (p->efa) {
		rcu_store(p->efa->port, static_cast<port *>(nullptr));
		rcu_store(p->efa, static_cast<vcore_efa_dev *>(nullptr));
	}
}

} // namespace vnitro::fabric

using namespace vnitro::fabric;

extern "C" {

int vcore_fabric_efa_attach(struct vcore_fabric *fab, struct vcore_fabric_port *p,
			    struct vcore_efa_dev *dev)
{
	mutex_guard guard(fab->writer_lock);
	uint8_t mac[eth_alen];

	if (p->unplugged)
		return -ENOENT_;
	if (p->kind != VCORE_PORT_ENI || !mac_of_gid(dev->gid, mac) ||
	    !mem_eq(mac, p->mac, eth_alen))
		return -EINVAL_;
	if (p->efa == dev)
		return 0;
	if (p->efa || dev->port)
		return -EBUSY_;
	rcu_store(dev->port, static_cast<port *>(p));
	rcu_store(p->efa, dev);
	return 0;
}

void vcore_fabric_efa_detach(struct vcore_fabric *fab, struct vcore_efa_dev *dev)
{
	mutex_guard guard(fab->writer_lock);

	if (dev->port)
		efa_port_gone(dev->port);
	// No wait for readers: the only reader is the engine's pass, and the
	// caller holds the engine's lock, which the pass holds throughout.
}

} // extern "C"
