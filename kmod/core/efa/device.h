// SPDX-License-Identifier: GPL-2.0
// device.h - the emulated EFA device: its attributes and its object tables.
//
// The attributes are those an EFA device reports to the efa driver
// (efa_com_get_device_attr) and the driver passes to userspace; each value
// says where it comes from. The tables hand out the numbers the device
// would (PD numbers for now); the shim's EFA mutex serialises them.
#pragma once

#include "base/base.h"

namespace vnitro::efa {

// PCI identity. 0xefa0 is the first EFA generation, the one of the default
// instance type c5n.18xlarge (EC2 User Guide, "Elastic Fabric Adapter":
// c5n and the first EFA instances). It is also what we can honour: EFA v1
// has no RDMA read, and libfabric 1.17's efa provider keys device RDMA on
// vendor_part_id (0xefa0 and 0xefa1 never use it; other ids require the
// RDMA_READ capability), so libfabric moves everything with send/receive.
constexpr uint16_t pci_vendor_amazon = 0x1d0f;
constexpr uint16_t pci_device_efa0 = 0xefa0;

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

const vnitro_efa_attr &attr();

} // namespace vnitro::efa

struct vnitro_efa_dev {
	vnitro::efa::id_table pds;
};
