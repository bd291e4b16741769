// SPDX-License-Identifier: GPL-2.0
// device.h - the emulated EFA device: its attributes and its object tables.
//
// The attributes are those an EFA device reports to the efa driver
// (efa_com_get_device_attr) and the driver passes to userspace; each value
// says where it comes from. The tables hand out the numbers the device
// would (PD numbers for now); the shim's EFA mutex serialises them.
#pragma once

#include "base/base.h"
#include "fabric/path.h"
#include "vcore/efa.h"

namespace vnitro::fabric {
struct port;
}

namespace vnitro::efa {

// PCI identity, per generation (enum vcore_efa_gen; the efa driver's id
// table in efa_main.c knows 0xefa0, 0xefa1 and 0xefa2).
//  - 0xefa0, EFA v1: the default instance type c5n.18xlarge, the first EFA
//    instances (EC2 User Guide, "Elastic Fabric Adapter"). No RDMA read.
//    libfabric 1.17's efa provider never uses device RDMA on 0xefa0/0xefa1,
//    so it moves everything with send/receive there.
//  - 0xefa2, EFA v2: p5.48xlarge, "second-generation EFA" (AWS P5
//    announcement, 2023; the id reached the kernel, rdma-core and perftest
//    in 2022, ahead of it). RDMA read. Any id but 0xefa0/0xefa1 makes
//    libfabric 1.17 use device RDMA read (and require the RDMA_READ cap),
//    so its read-based protocols run over the engine's read there.
constexpr uint16_t pci_vendor_amazon = 0x1d0f;
constexpr uint16_t pci_device_efa0 = 0xefa0;
constexpr uint16_t pci_device_efa2 = 0xefa2;

// A bitmap of numbers 0..size-1; control path only (it allocates once).
class id_table {
public:
	bool init(uint32_t size);
	void fini();
	// The lowest free number at or after the last one handed out
	// (wrapping), so a number just freed is not reused at once.
	bool alloc(uint32_t *id);
	void free(uint32_t id);
	bool busy(uint32_t id) const { return id < size_ && (bits_[id / 64] >> (id % 64) & 1); }
	uint32_t used() const { return used_; }

private:
	uint64_t *bits_ = nullptr;
	uint32_t size_ = 0;
	uint32_t used_ = 0;
	uint32_t next_ = 0;
};

// The limits every generation shares (table sizes, queue depths, MTU).
const vcore_efa_attr &attr();
// One generation's attributes (identity, RDMA read); nullptr if not modelled.
const vcore_efa_attr *attr_of(uint8_t gen);

// The live objects of one kind, packed, so an engine pass walks only those:
// a walk over every table slot (256 QPs, 512 CQs per device) costs tens of
// microseconds per pass under emulation, and a pass is on every message's
// path. T has a uint32_t live_idx. Control path only changes it.
template <typename T>
class live_list {
public:
	bool init(uint32_t size)
	{
		items_ = static_cast<T **>(base::svc->alloc(size * sizeof(T *), VCORE_ALLOC_SLEEP));
		return items_;
	}
	void fini()
	{
		base::svc->free(items_);
		items_ = nullptr;
	}
	void add(T *obj)
	{
		obj->live_idx = count_;
		items_[count_++] = obj;
	}
	void remove(T *obj)
	{
		T *last = items_[--count_];

		items_[obj->live_idx] = last;
		last->live_idx = obj->live_idx;
	}
	uint32_t size() const { return count_; }
	T *operator[](uint32_t i) const { return items_[i]; }

private:
	T **items_ = nullptr;
	uint32_t count_ = 0;
};

// MR keys fill the 24 bits an lkey has in EFA's descriptors: the table
// index in the low 18 bits, the slot's generation in the 6 above. Each slot
// counts its own registrations, and indices are handed out round robin, so
// a key kept after its MR was deregistered matches again only after 64
// registrations in that very slot, that is 64 rounds over every free slot:
// all 2^24 keys when few MRs are live. (One counter for the whole device,
// as before, gave a stale key back after 64 registrations anywhere.)
constexpr uint32_t mr_index_bits = 18;		// max_mr = 2^18
constexpr uint32_t mr_chunk = 512;		// MR slots per lazily allocated chunk
constexpr uint32_t mr_gen_mask = (1u << (24 - mr_index_bits)) - 1;

struct mr;
struct mr_slots {
	mr *m[mr_chunk];
	uint8_t gen[mr_chunk];		// the last generation given out in each slot
};

struct mr {
	uint32_t key;
	uint16_t pdn;
	uint64_t iova;
	uint64_t length;
	uint32_t access;
	void *cookie;
};

struct srd_flow;

struct cq {
	uint16_t idx;
	uint8_t *ring;
	uint32_t entries;
	uint32_t entry_size;
	uint32_t produced;		// completions written, free-running
	bool with_sgid;
	// Completion events: the doorbell userspace arms, the sequence number
	// of the arming last answered and of an arming seen since (-1: none).
	// The doorbell is a register on the device: an arm write takes effect
	// even if a later write (libefa's consumer-index update after a poll)
	// clears the bit. Here it is memory, so arms are latched when seen,
	// and a new command sequence number (libefa counts events and arms
	// with the next one) counts as armed too.
	uint32_t *db;
	void *cookie;
	int32_t fired_sn;
	int32_t armed_sn;
	const vcore_efa_engine_ops *ops;
	uint32_t live_idx;		// in the device's armable CQs (those with a doorbell)
};

// The CQ doorbell's fields (efa_io_regs_defs.h).
constexpr uint32_t cq_db_cmd_sn_shift = 29;
constexpr uint32_t cq_db_cmd_sn_mask = 0x3;
constexpr uint32_t cq_db_arm = 1u << 31;

struct ah_entry {
	uint8_t gid[VCORE_EFA_GID_LEN];
	uint16_t pdn;
	uint32_t refs;			// verbs AHs sharing the number; 0 = free
};

// Which side owns what: userspace writes the rings and the doorbells (the
// producer counters); the engine only reads them, into private copies, and
// owns the consumer counters below.
struct qp {
	uint32_t qpn;
	uint8_t type;			// vcore_efa_qp_type
	uint8_t state;			// vcore_efa_qp_state
	uint16_t pdn;
	uint32_t qkey;
	uint32_t sq_psn;
	uint8_t rnr_retry;
	bool sqd_notify;
	cq *send_cq;
	cq *recv_cq;
	uint32_t max_send_sge;
	uint32_t max_recv_sge;
	uint32_t max_inline;
	uint8_t *llq;
	uint32_t sq_entries;		// power of two
	uint32_t *sq_db;
	uint16_t sq_cons;		// 16 bits, as libefa's doorbell values
	uint8_t *rq;
	uint32_t rq_entries;		// power of two, or 0
	uint32_t *rq_db;
	uint16_t rq_cons;
	// SRD QPs: the messages on their way (engine.h); nullptr for UD.
	srd_flow *srd;
	uint32_t live_idx;		// in the device's live QPs
};

} // namespace vnitro::efa

struct vcore_efa_dev {
	vcore_efa_engine *eng;
	void *lock_cookie;		// the environment's lock of this device (ops.dev_lock)
	vnitro::fabric::prng rng;	// its UD losses and its SRD paths' seeds
	uint32_t poll_cursor;		// the live QP a pass starts at (dev_budget)
	const vcore_efa_attr *attr;	// this device's generation (attr_of)
	vcore_efa_dev *next;		// the engine's list
	uint8_t gid[VCORE_EFA_GID_LEN];
	// The ENI's fabric port this device is the endpoint of, or nullptr: the
	// fabric's (fabric/efa.cc), written under its writer lock, read under RCU.
	vnitro::fabric::port *port;
	vnitro::efa::id_table pds;
	vnitro::efa::id_table cqs;
	vnitro::efa::id_table qps;	// qpn - 1
	vnitro::efa::id_table ahs;
	vnitro::efa::id_table mrs;
	vnitro::efa::cq **cq_tab;	// by cq_idx
	vnitro::efa::qp **qp_tab;	// by qpn - 1
	vnitro::efa::ah_entry *ah_tab;	// by AH number
	vnitro::efa::mr_slots **mr_dir;	// chunks of mr_chunk slots, by key index
	vnitro::efa::live_list<vnitro::efa::qp> live_qps;	// what a pass walks
	vnitro::efa::live_list<vnitro::efa::cq> armable_cqs;
	vcore_efa_port_stats hw;	// its traffic (hw_counters), under its lock

	vnitro::efa::mr *mr_find(uint32_t key) const;
	bool rdma_read() const { return attr->device_caps & VCORE_EFA_CAP_RDMA_READ; }
	// efa_alloc_mr: local write, and remote read where the device has it.
	uint32_t supported_access() const
	{
		return VCORE_EFA_ACCESS_LOCAL_WRITE | (rdma_read() ? VCORE_EFA_ACCESS_REMOTE_READ : 0);
	}
	vnitro::efa::qp *qp_find(uint32_t qpn) const;
	// The AH number PD @pdn uses for @gid, or ah_unknown.
	uint16_t ah_lookup(uint16_t pdn, const uint8_t *gid) const;
};

struct vcore_efa_engine {
	vcore_efa_engine_ops ops;
	vcore_efa_dev *devs;
	vcore_efa_engine_stats stats;
	// What every message crosses: peers are found there, and its path model
	// (configuration, seed) shapes every packet.
	vcore_fabric *fab;
	// Each device's generator is drawn from rng when it is created or
	// reseeded; UD datagrams draw their losses from their device's, SRD
	// flows' paths are seeded from it. Reseeded from the fabric's seed when
	// a pass sees a new path epoch.
	vnitro::fabric::prng rng;
	uint32_t path_epoch;
};

namespace vnitro::efa {

// The environment's per-device lock (vcore/efa.h: the engine's locking).
inline void dev_lock(const vcore_efa_dev *dev, bool peer)
{
	if (dev->eng->ops.dev_lock)
		dev->eng->ops.dev_lock(dev->lock_cookie, peer);
}

inline void dev_unlock(const vcore_efa_dev *dev)
{
	if (dev->eng->ops.dev_unlock)
		dev->eng->ops.dev_unlock(dev->lock_cookie);
}

} // namespace vnitro::efa
