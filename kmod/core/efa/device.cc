// SPDX-License-Identifier: GPL-2.0
// device.cc - the EFA device's attributes, GID and object tables.
#include "efa/device.h"

#include "base/text.h"
#include "efa/wire.h"
#include "fabric/ipv6.h"

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
//    VPC (VCORE_VPC_MTU 9001 less the SRD encapsulation); it is the port's
//    max_msg_sz, and ib_mtu_int_to_enum() makes it IB_MTU_4096.
//  - Values no public output shows (object counts, MR pages) are chosen
//    generously above what one VM can use, and are this device's.
constexpr vcore_efa_attr efa0_attr = {
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
	.device_caps = VCORE_EFA_CAP_RNR_RETRY | VCORE_EFA_CAP_CQ_WITH_SGID |
		       VCORE_EFA_CAP_CQ_NOTIFICATIONS,	// the efa driver's, with event queues
	.mtu = 8928,
	.sub_cqs_per_cq = 1,
	.inline_buf_size = inline_max,
	.max_llq_size = 4096 * tx_wqe_size,	// the whole SQ as LLQ entries
	.max_tx_batch = 16,			// 16 WQEs (1 KiB) per doorbell at most
	.min_sq_depth = 0,			// libefa accepts 0: no minimum
};

// EFA v2 (0xefa2): the same queues and limits, plus RDMA read on SRD QPs.
//  - max_wr_rdma_sge 1: EFA_IO_TX_DESC_NUM_RDMA_BUFS, one local buffer per
//    read WQE (libefa takes min(max_sge_rd, that) as the QP's limit).
//  - max_rdma_size 1 GiB: what EC2's read-capable EFAs report through
//    efadv_query_device (public fi_info/efadv dumps); libfabric splits
//    longer reads into pieces of at most this size.
//  - RDMA write exists on later EFAs but is not emulated, so not advertised
//    (rdma/efa-abi.h of 6.1 has no bit for it either).
constexpr vcore_efa_attr efa2_attr = [] {
	vcore_efa_attr a = efa0_attr;

	a.device_id = pci_device_efa2;
	a.subsystem_device = pci_device_efa2;
	a.max_wr_rdma_sge = tx_max_rdma_sge;
	a.max_rdma_size = 1u << 30;
	a.device_caps |= VCORE_EFA_CAP_RDMA_READ;
	return a;
}();

} // namespace

const vcore_efa_attr &attr()
{
	return efa0_attr;
}

const vcore_efa_attr *attr_of(uint8_t gen)
{
	switch (gen) {
	case VCORE_EFA_GEN_1:
		return &efa0_attr;
	case VCORE_EFA_GEN_2:
		return &efa2_attr;
	default:
		return nullptr;
	}
}

bool id_table::init(uint32_t size)
{
	uint32_t words = (size + 63) / 64;

	bits_ = static_cast<uint64_t *>(svc->alloc(words * sizeof(uint64_t), VCORE_ALLOC_SLEEP));
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

efa::mr *vcore_efa_dev::mr_find(uint32_t key) const
{
	uint32_t idx = key & ((1u << efa::mr_index_bits) - 1);
	efa::mr_slots *chunk;

	if (!mrs.busy(idx))
		return nullptr;
	chunk = mr_dir[idx / efa::mr_chunk];
	efa::mr *m = chunk ? chunk->m[idx % efa::mr_chunk] : nullptr;
	return m && m->key == (key & efa::key_mask) ? m : nullptr;
}

efa::qp *vcore_efa_dev::qp_find(uint32_t qpn) const
{
	return qpn && qps.busy(qpn - 1) ? qp_tab[qpn - 1] : nullptr;
}

uint16_t vcore_efa_dev::ah_lookup(uint16_t pdn, const uint8_t *gid) const
{
	for (uint32_t i = 0; i < efa::attr().max_ah; i++)
		if (ah_tab[i].refs && ah_tab[i].pdn == pdn &&
		    base::mem_eq(ah_tab[i].gid, gid, VCORE_EFA_GID_LEN))
			return uint16_t(i);
	return efa::ah_unknown;
}

extern "C" {

int vcore_efa_get_attr(uint8_t gen, struct vcore_efa_attr *out)
{
	const vcore_efa_attr *a = efa::attr_of(gen);

	if (!a)
		return -base::EINVAL_;
	*out = *a;
	return 0;
}

// An EFA's GID is its ENI's IPv6 link-local address (fe80:: and the MAC's EUI-64).
void vcore_efa_gid(const uint8_t mac[6], uint8_t gid[VCORE_EFA_GID_LEN])
{
	static_assert(uint32_t(VCORE_EFA_GID_LEN) == uint32_t(vnitro::fabric::ipv6_alen),
		      "a GID is an IPv6 address");
	vnitro::fabric::ipv6_link_local_from_mac(mac, gid);
}

int vcore_efa_ucontext_check(uint32_t cmd_comp_mask, struct vcore_err *err)
{
	const vcore_efa_attr &a = efa::attr();
	const char *what = nullptr;

	if (a.max_tx_batch && !(cmd_comp_mask & VCORE_EFA_UCTX_COMP_TX_BATCH))
		what = "max_tx_batch";
	else if (a.min_sq_depth && !(cmd_comp_mask & VCORE_EFA_UCTX_COMP_MIN_SQ_WR))
		what = "min_sq_wr";
	if (!what)
		return 0;
	base::fail(err, base::EOPNOTSUPP_).str("userspace does not acknowledge the device's ")
		.str(what).str(" (alloc_ucontext comp_mask): rdma-core too old");
	return err->code;
}

struct vcore_efa_dev *vcore_efa_dev_create(struct vcore_efa_engine *eng, uint8_t gen,
					   const uint8_t gid[VCORE_EFA_GID_LEN],
					   void *lock_cookie)
{
	const vcore_efa_attr &a = efa::attr();
	const vcore_efa_attr *own = efa::attr_of(gen);
	auto *dev = own ? base::create<vcore_efa_dev>() : nullptr;

	if (!dev)
		return nullptr;
	dev->eng = eng;
	dev->lock_cookie = lock_cookie;
	// Its own generator (its UD losses, its SRD paths' seeds): drawn from
	// under its lock, not the engine's.
	dev->rng = fabric::prng(eng->rng.next());
	dev->attr = own;
	base::mem_copy(dev->gid, gid, VCORE_EFA_GID_LEN);
	if (!dev->pds.init(a.max_pd) || !dev->cqs.init(a.max_cq) || !dev->qps.init(a.max_qp) ||
	    !dev->ahs.init(a.max_ah) || !dev->mrs.init(a.max_mr))
		goto err_free;
	dev->cq_tab = static_cast<efa::cq **>(
		base::svc->alloc(a.max_cq * sizeof(efa::cq *), VCORE_ALLOC_SLEEP));
	dev->qp_tab = static_cast<efa::qp **>(
		base::svc->alloc(a.max_qp * sizeof(efa::qp *), VCORE_ALLOC_SLEEP));
	dev->ah_tab = static_cast<efa::ah_entry *>(
		base::svc->alloc(a.max_ah * sizeof(efa::ah_entry), VCORE_ALLOC_SLEEP));
	dev->mr_dir = static_cast<efa::mr_slots **>(
		base::svc->alloc(a.max_mr / efa::mr_chunk * sizeof(efa::mr_slots *), VCORE_ALLOC_SLEEP));
	if (!dev->cq_tab || !dev->qp_tab || !dev->ah_tab || !dev->mr_dir ||
	    !dev->live_qps.init(a.max_qp) || !dev->armable_cqs.init(a.max_cq))
		goto err_free;
	dev->next = eng->devs;
	eng->devs = dev;
	return dev;

err_free:
	vcore_efa_dev_destroy(dev);
	return nullptr;
}

void vcore_efa_dev_destroy(struct vcore_efa_dev *dev)
{
	if (!dev)
		return;
	// Out of the fabric first: no pass finds it there afterwards.
	if (dev->eng && dev->eng->fab)
		vcore_fabric_efa_detach(dev->eng->fab, dev);
	for (vcore_efa_dev **p = dev->eng ? &dev->eng->devs : nullptr; p && *p; p = &(*p)->next) {
		if (*p == dev) {
			*p = dev->next;
			break;
		}
	}
	if (dev->mr_dir) {
		for (uint32_t c = 0; c < efa::attr().max_mr / efa::mr_chunk; c++) {
			if (!dev->mr_dir[c])
				continue;
			for (uint32_t i = 0; i < efa::mr_chunk; i++)
				base::destroy(dev->mr_dir[c]->m[i]);
			base::svc->free(dev->mr_dir[c]);
		}
	}
	if (dev->qp_tab)
		for (uint32_t i = 0; i < efa::attr().max_qp; i++) {
			if (dev->qp_tab[i])
				base::destroy(dev->qp_tab[i]->srd);
			base::destroy(dev->qp_tab[i]);
		}
	if (dev->cq_tab)
		for (uint32_t i = 0; i < efa::attr().max_cq; i++)
			base::destroy(dev->cq_tab[i]);
	dev->live_qps.fini();
	dev->armable_cqs.fini();
	base::svc->free(dev->mr_dir);
	base::svc->free(dev->ah_tab);
	base::svc->free(dev->qp_tab);
	base::svc->free(dev->cq_tab);
	dev->mrs.fini();
	dev->ahs.fini();
	dev->qps.fini();
	dev->cqs.fini();
	dev->pds.fini();
	base::destroy(dev);
}

void vcore_efa_get_counts(const struct vcore_efa_dev *dev, struct vcore_efa_counts *out)
{
	*out = {};
	out->pds = dev->pds.used();
	out->mrs = dev->mrs.used();
	out->cqs = dev->cqs.used();
	out->qps = dev->qps.used();
	out->ahs = dev->ahs.used();
}

void vcore_efa_get_port_stats(const struct vcore_efa_dev *dev, struct vcore_efa_port_stats *out)
{
	*out = dev->hw;
}

void vcore_efa_engine_counts(const struct vcore_efa_engine *eng, struct vcore_efa_counts *out)
{
	*out = {};
	for (const vcore_efa_dev *d = eng->devs; d; d = d->next) {
		vcore_efa_counts c;

		efa::dev_lock(d, false);
		vcore_efa_get_counts(d, &c);
		efa::dev_unlock(d);
		out->pds += c.pds;
		out->mrs += c.mrs;
		out->cqs += c.cqs;
		out->qps += c.qps;
		out->ahs += c.ahs;
	}
}

int vcore_efa_pd_alloc(struct vcore_efa_dev *dev, uint16_t *pdn)
{
	uint32_t id;

	if (!dev->pds.alloc(&id))
		return -base::ENOMEM_;
	*pdn = uint16_t(id);
	return 0;
}

void vcore_efa_pd_free(struct vcore_efa_dev *dev, uint16_t pdn)
{
	dev->pds.free(pdn);
}

int vcore_efa_mr_add(struct vcore_efa_dev *dev, const struct vcore_efa_mr_desc *desc,
		     uint32_t *key, struct vcore_err *err)
{
	uint64_t max = efa::attr().max_mr_pages * 4096;
	uint32_t idx;

	if (!dev->pds.busy(desc->pdn)) {
		base::fail(err, base::EINVAL_).str("PD ").u32(desc->pdn).str(" does not exist");
		return err->code;
	}
	if (desc->access & ~dev->supported_access()) {
		base::fail(err, base::EOPNOTSUPP_).str("MR access flags ").hex(desc->access, 0)
			.str(" not supported (supported ").hex(dev->supported_access(), 0)
			.str(dev->attr->device_caps & VCORE_EFA_CAP_RDMA_READ ? ")" :
			     "; this EFA has no RDMA read, so no remote read)");
		return err->code;
	}
	if (!desc->length || desc->length > max || desc->iova + desc->length < desc->iova) {
		base::fail(err, base::EINVAL_).str("MR length must be 1 byte to max_mr_size (")
			.hex(max, 0).str(") without wrapping");
		return err->code;
	}
	auto *m = base::create<efa::mr>();
	if (!m || !dev->mrs.alloc(&idx)) {
		base::destroy(m);
		base::fail(err, base::ENOMEM_).str("max_mr (").u32(efa::attr().max_mr)
			.str(") memory regions are registered");
		return err->code;
	}
	efa::mr_slots *&chunk = dev->mr_dir[idx / efa::mr_chunk];
	if (!chunk) {
		chunk = static_cast<efa::mr_slots *>(
			base::svc->alloc(sizeof(efa::mr_slots), VCORE_ALLOC_SLEEP));
		if (!chunk) {
			dev->mrs.free(idx);
			base::destroy(m);
			base::fail(err, base::ENOMEM_).str("out of memory");
			return err->code;
		}
	}
	uint8_t &gen = chunk->gen[idx % efa::mr_chunk];
	gen = uint8_t((gen + 1) & efa::mr_gen_mask);
	m->key = idx | uint32_t(gen) << efa::mr_index_bits;
	m->pdn = desc->pdn;
	m->iova = desc->iova;
	m->length = desc->length;
	m->access = desc->access;
	m->cookie = desc->cookie;
	chunk->m[idx % efa::mr_chunk] = m;
	*key = m->key;
	return 0;
}

void vcore_efa_mr_del(struct vcore_efa_dev *dev, uint32_t key)
{
	efa::mr *m = dev->mr_find(key);
	uint32_t idx = key & ((1u << efa::mr_index_bits) - 1);

	if (!m)
		return;
	dev->mr_dir[idx / efa::mr_chunk]->m[idx % efa::mr_chunk] = nullptr;
	dev->mrs.free(idx);
	base::destroy(m);
}

int vcore_efa_cq_check(const struct vcore_efa_cq_desc *desc, uint32_t *ring_size,
		       struct vcore_err *err)
{
	const vcore_efa_attr &a = efa::attr();

	if (desc->entries < 1 || desc->entries > a.max_cq_depth) {
		base::fail(err, base::EINVAL_).str("CQ entries ").u32(desc->entries)
			.str(" not in 1..max_cqe (").u32(a.max_cq_depth).str(")");
		return err->code;
	}
	// efa_create_cq: 32-byte entries always do; 16-byte ones only without the source GID.
	if (desc->entry_size != efa::rx_cdesc_ex_size &&
	    (desc->with_sgid || desc->entry_size != efa::rx_cdesc_size)) {
		base::fail(err, base::EINVAL_).str("CQ entry size ").u32(desc->entry_size)
			.str(" is not 16 (without source GID) or 32");
		return err->code;
	}
	if (desc->num_sub_cqs != a.sub_cqs_per_cq) {
		base::fail(err, base::EINVAL_).str("CQ with ").u32(desc->num_sub_cqs)
			.str(" sub-CQs; the device has ").u32(a.sub_cqs_per_cq);
		return err->code;
	}
	*ring_size = desc->entries * desc->entry_size * desc->num_sub_cqs;
	return 0;
}

int vcore_efa_cq_add(struct vcore_efa_dev *dev, const struct vcore_efa_cq_desc *desc,
		     uint8_t *ring, uint32_t *db, void *cookie, uint16_t *cq_idx,
		     struct vcore_err *err)
{
	uint32_t idx;
	auto *c = base::create<efa::cq>();

	if (!c || !dev->cqs.alloc(&idx)) {
		base::destroy(c);
		base::fail(err, base::ENOMEM_).str("max_cq (").u32(efa::attr().max_cq)
			.str(") completion queues exist");
		return err->code;
	}
	c->idx = uint16_t(idx);
	c->ring = ring;
	c->entries = desc->entries;
	c->entry_size = desc->entry_size;
	c->with_sgid = desc->with_sgid;
	c->db = desc->notifications ? db : nullptr;
	c->cookie = cookie;
	c->fired_sn = -1;
	c->armed_sn = -1;
	c->ops = &dev->eng->ops;
	dev->cq_tab[idx] = c;
	if (c->db)
		dev->armable_cqs.add(c);
	*cq_idx = c->idx;
	return 0;
}

void vcore_efa_cq_del(struct vcore_efa_dev *dev, uint16_t cq_idx)
{
	if (!dev->cqs.busy(cq_idx))
		return;
	if (dev->cq_tab[cq_idx]->db)
		dev->armable_cqs.remove(dev->cq_tab[cq_idx]);
	base::destroy(dev->cq_tab[cq_idx]);
	dev->cq_tab[cq_idx] = nullptr;
	dev->cqs.free(cq_idx);
}

int vcore_efa_ah_add(struct vcore_efa_dev *dev, uint16_t pdn,
		     const uint8_t gid[VCORE_EFA_GID_LEN], uint16_t *ah, struct vcore_err *err)
{
	uint16_t found = dev->ah_lookup(pdn, gid);
	uint32_t idx;

	if (found != efa::ah_unknown) {
		dev->ah_tab[found].refs++;
		*ah = found;
		return 0;
	}
	if (!dev->ahs.alloc(&idx)) {
		base::fail(err, base::ENOMEM_).str("max_ah (").u32(efa::attr().max_ah)
			.str(") address handles exist");
		return err->code;
	}
	efa::ah_entry &e = dev->ah_tab[idx];
	base::mem_copy(e.gid, gid, VCORE_EFA_GID_LEN);
	e.pdn = pdn;
	e.refs = 1;
	*ah = uint16_t(idx);
	return 0;
}

void vcore_efa_ah_del(struct vcore_efa_dev *dev, uint16_t pdn, uint16_t ah)
{
	if (!dev->ahs.busy(ah) || dev->ah_tab[ah].pdn != pdn)
		return;
	if (--dev->ah_tab[ah].refs)
		return;
	dev->ah_tab[ah] = efa::ah_entry{};
	dev->ahs.free(ah);
}

} // extern "C"
