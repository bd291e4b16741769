// SPDX-License-Identifier: GPL-2.0
/*
 * efa_mmap.c - the queue memory an EFA process maps: CQ rings, LLQ
 * descriptors, RQ rings and doorbells, each zeroed pages behind an
 * rdma_user_mmap_entry, charged to the process's memory cgroup
 * (GFP_KERNEL_ACCOUNT) and vmapped for the engine. The entry's last
 * reference (the object's, then every mapping's) frees the memory, so the
 * engine's rings and a process's mappings never see it go early.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <rdma/ib_umem.h>
#include <rdma/ib_verbs.h>

#include "efa.h"
#include "vnitro.h"

static struct vnitro_efa_mmap *to_vmmap(struct rdma_user_mmap_entry *e)
{
	return container_of(e, struct vnitro_efa_mmap, rdma);
}

static void vnitro_efa_mmap_pages_free(struct vnitro_efa_mmap *m)
{
	unsigned long i;

	if (m->kaddr)
		vunmap(m->kaddr);
	for (i = 0; i < m->npages && m->pages[i]; i++)
		__free_page(m->pages[i]);
	kvfree(m->pages);
}

/*
 * m->npages zeroed pages, charged to the caller's memory cgroup (a ring can
 * be megabytes, and a user may open many), and one kernel mapping of them.
 * vmalloc_user cannot take __GFP_ACCOUNT, hence pages and vmap.
 */
static int vnitro_efa_mmap_pages_alloc(struct vnitro_efa_mmap *m)
{
	unsigned long i;

	m->pages = kvcalloc(m->npages, sizeof(*m->pages), GFP_KERNEL_ACCOUNT);
	if (!m->pages)
		return -ENOMEM;
	for (i = 0; i < m->npages; i++) {
		m->pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!m->pages[i])
			goto err;
	}
	m->kaddr = vmap(m->pages, m->npages, VM_MAP, PAGE_KERNEL);
	if (m->kaddr)
		return 0;
err:
	vnitro_efa_mmap_pages_free(m);
	m->pages = NULL;
	return -ENOMEM;
}

/*
 * @size bytes (whole pages) of zeroed memory mapped at the key it returns
 * in *key; NULL without memory or entry.
 */
struct vnitro_efa_mmap *vnitro_efa_mmap_alloc(struct ib_ucontext *uctx, size_t size, u64 *key)
{
	struct vnitro_efa_mmap *m;

	size = PAGE_ALIGN(size);
	m = kzalloc(sizeof(*m), GFP_KERNEL_ACCOUNT);
	if (!m)
		return NULL;
	m->npages = size >> PAGE_SHIFT;
	if (vnitro_efa_mmap_pages_alloc(m))
		goto err_free_entry;
	m->size = size;
	if (rdma_user_mmap_entry_insert(uctx, &m->rdma, size))
		goto err_free_mem;
	*key = rdma_user_mmap_get_offset(&m->rdma);
	atomic_inc(&vnitro_efa_usage.mmap_entries);
	return m;

err_free_mem:
	vnitro_efa_mmap_pages_free(m);
err_free_entry:
	kfree(m);
	return NULL;
}

/* The object is done with it; the memory stays while a process maps it. */
void vnitro_efa_mmap_remove(struct vnitro_efa_mmap *m)
{
	if (m)
		rdma_user_mmap_entry_remove(&m->rdma);
}

/* ib_device_ops.mmap: a known key with exactly the entry's length, else -EINVAL. */
int vnitro_efa_mmap(struct ib_ucontext *uctx, struct vm_area_struct *vma)
{
	struct rdma_user_mmap_entry *e = rdma_user_mmap_entry_get(uctx, vma);
	int ret;

	if (!e) {
		ibdev_dbg(uctx->device, "mmap: no entry at pgoff %#lx with %lu bytes\n",
			  vma->vm_pgoff, vma->vm_end - vma->vm_start);
		return -EINVAL;
	}
	/* As remap_vmalloc_range did: the mapping never grows and is not dumped. */
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	ret = vm_map_pages_zero(vma, to_vmmap(e)->pages, to_vmmap(e)->npages);
	rdma_user_mmap_entry_put(e);
	return ret;
}

/* ib_device_ops.mmap_free: the last reference is gone. */
void vnitro_efa_mmap_free(struct rdma_user_mmap_entry *e)
{
	struct vnitro_efa_mmap *m = to_vmmap(e);

	atomic_dec(&vnitro_efa_usage.mmap_entries);
	vnitro_efa_mmap_pages_free(m);
	kfree(m);
}
