// SPDX-License-Identifier: GPL-2.0
// device.cc - the EFA device's attributes, GID and object tables.
#include "efa/device.h"

#include "base/text.h"
#include "efa/wire.h"

namespace vnitro::efa {

namespace {

using namespace vnitro::base;

// Where the numbers come from:
//  - efa_verbs.c (6.1): vendor_part_id is the PCI device id, hw_ver the PCI
//    subsystem device, max_pkeys 1, one GID, CQ_WITH_SGID always reported;
//    EFA devices on EC2 show fw_ver 0.0.0.0 and hw_ver 0xEFA0 in ibv_devinfo.
//  - efadv_query_device as measured on EC2 (public logs): max_rq_wr 32768,
//    max_sq_sge 2 (EFA_IO_TX_DESC_NUM_BUFS), max_rq_sge 1, inline 32 bytes
//    (EFA_IO_TX_DESC_INLINE_MAX_SIZE).
//  - The stock userspace (measured with Debian's libfabric 1.17): the RDM
//    endpoint asks for a CQ of roundup_pow2(1024 + 8192) = 16384 entries,
//    so max_cq_depth must reach it; libefa sizes its QP table by max_qp.
//  - EFA's MTU: 8928 bytes, the jumbo-frame payload EFA carries inside a
//    VPC (VNITRO_VPC_MTU 9001 less the SRD encapsulation); it is the port's
//    max_msg_sz, and ib_mtu_int_to_enum() makes it IB_MTU_4096.
//  - Values no public output shows (object counts, MR pages) are chosen
//    generously above what one VM can use, and are this device's.
constexpr vnitro_efa_attr efa0_attr = {
	.vendor_id = pci_vendor_amazon,
	.device_id = pci_device_efa0,
	.subsystem_device = pci_device_efa0,
	.page_size_cap = 0xfffff000ull,		// 4 KiB and every larger power of two
	.max_mr_pages = 1ull << 24,		// 64 GiB with 4 KiB pages
	.max_qp = 256,
	.max_cq = 512,
	.max_pd = 256,
	.max_mr = 262144,
	.max_ah = 1024,
	.max_cq_depth = 65536,
	.max_sq_depth = 4096,
	.max_rq_depth = 32768,
	.max_sq_sge = tx_max_sge,
	.max_rq_sge = 1,
	.max_wr_rdma_sge = 0,			// EFA v1: no RDMA read
	.max_rdma_size = 0,
	.device_caps = VNITRO_EFA_CAP_RNR_RETRY | VNITRO_EFA_CAP_CQ_WITH_SGID,
	.mtu = 8928,
	.sub_cqs_per_cq = 1,
	.inline_buf_size = inline_max,
	.max_llq_size = 4096 * tx_wqe_size,	// the whole SQ as LLQ entries
	.max_tx_batch = 16,			// 16 WQEs (1 KiB) per doorbell at most
	.min_sq_depth = 0,			// libefa accepts 0: no minimum
};

} // namespace

const vnitro_efa_attr &attr()
{
	return efa0_attr;
}

bool id_table::init(uint32_t size)
{
	uint32_t words = (size + 63) / 64;

	bits_ = static_cast<uint64_t *>(svc->alloc(words * sizeof(uint64_t), VNITRO_ALLOC_SLEEP));
	if (!bits_)
		return false;
	size_ = size;
	return true;
}

void id_table::fini()
{
	svc->free(bits_);
	*this = id_table{};
}

bool id_table::alloc(uint32_t *id)
{
	if (used_ == size_)
		return false;
	for (uint32_t i = 0; i < size_; i++) {
		uint32_t n = (next_ + i) % size_;

		if (!busy(n)) {
			bits_[n / 64] |= 1ull << (n % 64);
			used_++;
			next_ = (n + 1) % size_;
			*id = n;
			return true;
		}
	}
	return false;
}

void id_table::free(uint32_t id)
{
	if (!busy(id))
		return;
	bits_[id / 64] &= ~(1ull << (id % 64));
	used_--;
}

} // namespace vnitro::efa

using namespace vnitro;

extern "C" {

void vnitro_efa_get_attr(struct vnitro_efa_attr *out)
{
	*out = efa::attr();
}

void vnitro_efa_gid(const uint8_t mac[6], uint8_t gid[VNITRO_EFA_GID_LEN])
{
	for (int i = 0; i < VNITRO_EFA_GID_LEN; i++)
		gid[i] = 0;
	gid[0] = 0xfe;
	gid[1] = 0x80;
	gid[8] = mac[0] ^ 0x02;		// the universal/local bit, inverted (RFC 4291 app. A)
	gid[9] = mac[1];
	gid[10] = mac[2];
	gid[11] = 0xff;
	gid[12] = 0xfe;
	gid[13] = mac[3];
	gid[14] = mac[4];
	gid[15] = mac[5];
}

int vnitro_efa_ucontext_check(uint32_t cmd_comp_mask, struct vnitro_err *err)
{
	const vnitro_efa_attr &a = efa::attr();
	const char *what = nullptr;

	if (a.max_tx_batch && !(cmd_comp_mask & VNITRO_EFA_UCTX_COMP_TX_BATCH))
		what = "max_tx_batch";
	else if (a.min_sq_depth && !(cmd_comp_mask & VNITRO_EFA_UCTX_COMP_MIN_SQ_WR))
		what = "min_sq_wr";
	if (!what)
		return 0;
	base::fail(err, base::EOPNOTSUPP_).str("userspace does not acknowledge the device's ")
		.str(what).str(" (alloc_ucontext comp_mask): rdma-core too old");
	return err->code;
}

struct vnitro_efa_dev *vnitro_efa_dev_create(void)
{
	auto *dev = base::create<vnitro_efa_dev>();

	if (!dev)
		return nullptr;
	if (!dev->pds.init(efa::attr().max_pd)) {
		base::destroy(dev);
		return nullptr;
	}
	return dev;
}

void vnitro_efa_dev_destroy(struct vnitro_efa_dev *dev)
{
	if (!dev)
		return;
	dev->pds.fini();
	base::destroy(dev);
}

int vnitro_efa_pd_alloc(struct vnitro_efa_dev *dev, uint16_t *pdn)
{
	uint32_t id;

	if (!dev->pds.alloc(&id))
		return -base::ENOMEM_;
	*pdn = uint16_t(id);
	return 0;
}

void vnitro_efa_pd_free(struct vnitro_efa_dev *dev, uint16_t pdn)
{
	dev->pds.free(pdn);
}

void vnitro_efa_get_counts(const struct vnitro_efa_dev *dev, struct vnitro_efa_counts *out)
{
	*out = {};
	out->pds = dev->pds.used();
}

} // extern "C"
