// SPDX-License-Identifier: GPL-2.0
/*
 * pci.c - vnitro's virtual PCI topology: root buses in PCI domains of their
 * own (a bus per instance, more when one is full) whose configuration space
 * the module emulates, one hot-plugged ENA (or Intel 82599 VF) function per attached ENI (and,
 * beside it, an EFA function for an ENI of type efa), and
 * vnitro's PCI driver, which binds those functions (and only those:
 * driver_override keeps the distribution's ena, ixgbevf and efa drivers away).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <asm/unaligned.h>

#include "vcore/efa.h"
#include "vnitro.h"

enum {
	VNITRO_PCI_FIRST_DOMAIN = 0x10000,	/* above any firmware domain */
	VNITRO_PCI_FIRST_SLOT = 3,		/* EC2 puts eth0 at 00:03.0 on Nitro */
	VNITRO_PCI_SLOTS = 32,
	VNITRO_PCI_BUS_FUNCTIONS = VNITRO_PCI_SLOTS - VNITRO_PCI_FIRST_SLOT,
	VNITRO_PCI_DOMAINS = 4,			/* consecutive domains from the first free one */
	VNITRO_PCI_DOMAIN_BUSES = 256,		/* bus numbers 00-ff */
	VNITRO_PCI_MAX_BUSES = VNITRO_PCI_DOMAINS * VNITRO_PCI_DOMAIN_BUSES,
	VNITRO_PCI_CFG_SIZE = 256,		/* conventional config space */
};

/* An emulated function 0 of a slot; present while edev is set. */
struct vnitro_pci_slot {
	u8 cfg[VNITRO_PCI_CFG_SIZE];
	u8 wmask[VNITRO_PCI_CFG_SIZE];	/* bits software may change */
	struct vnitro_eni_dev *edev;
	bool efa;			/* the EFA function of edev, not its ENA one */
};

/*
 * A root bus of one network card of one instance (as on EC2, where an
 * instance's functions sit on buses of its own, a network card's apart):
 * created for its first function, another one when it is full, removed
 * with its last function. Bus @index is bus
 * number index % 256 of domain first_domain + index / 256.
 */
struct vnitro_pci_bus {
	struct pci_sysdata sysdata;	/* bus->sysdata: must outlive the bus */
	struct pci_bus *bus;
	struct pci_host_bridge *bridge;
	const struct net *owner;	/* the instance's namespace */
	u32 network_card;		/* the instance's network card whose functions it holds */
	unsigned int index;
	unsigned int used;		/* functions present */
	struct vnitro_pci_slot slots[VNITRO_PCI_SLOTS];
};

static struct {
	struct device *parent;
	int first_domain;
	/* Buses by index; changed under ctl_lock (plug and unplug hold it). */
	struct vnitro_pci_bus *buses[VNITRO_PCI_MAX_BUSES];
	/* Config accessors run in atomic context with IRQs off. */
	raw_spinlock_t cfg_lock;
} vpci;

static unsigned int pci_buses = VNITRO_PCI_MAX_BUSES;
module_param(pci_buses, uint, 0444);
MODULE_PARM_DESC(pci_buses, "Virtual PCI buses vnitro may create, one per instance at least (1-1024, default 1024)");

static struct pci_ops vnitro_pci_ops;

static bool vnitro_pci_ours(const struct pci_bus *bus)
{
	return bus && bus->ops == &vnitro_pci_ops;
}

static struct vnitro_pci_slot *vnitro_pci_slot_of(struct pci_bus *bus, unsigned int devfn)
{
	struct vnitro_pci_bus *vbus;
	struct vnitro_pci_slot *slot;

	if (!vnitro_pci_ours(bus) || PCI_FUNC(devfn) != 0)
		return NULL;
	vbus = container_of(bus->sysdata, struct vnitro_pci_bus, sysdata);
	slot = &vbus->slots[PCI_SLOT(devfn)];
	return slot->edev ? slot : NULL;
}

static int vnitro_pci_read(struct pci_bus *bus, unsigned int devfn, int where, int size, u32 *val)
{
	struct vnitro_pci_slot *slot;
	unsigned long flags;
	int i;

	raw_spin_lock_irqsave(&vpci.cfg_lock, flags);
	slot = vnitro_pci_slot_of(bus, devfn);
	if (!slot || where < 0 || where + size > VNITRO_PCI_CFG_SIZE) {
		raw_spin_unlock_irqrestore(&vpci.cfg_lock, flags);
		*val = ~0u;
		return slot ? PCIBIOS_BAD_REGISTER_NUMBER : PCIBIOS_DEVICE_NOT_FOUND;
	}
	*val = 0;
	for (i = 0; i < size; i++)
		*val |= (u32)slot->cfg[where + i] << (8 * i);
	raw_spin_unlock_irqrestore(&vpci.cfg_lock, flags);
	return PCIBIOS_SUCCESSFUL;
}

static int vnitro_pci_write(struct pci_bus *bus, unsigned int devfn, int where, int size, u32 val)
{
	struct vnitro_pci_slot *slot;
	unsigned long flags;
	int i;

	raw_spin_lock_irqsave(&vpci.cfg_lock, flags);
	slot = vnitro_pci_slot_of(bus, devfn);
	if (!slot || where < 0 || where + size > VNITRO_PCI_CFG_SIZE) {
		raw_spin_unlock_irqrestore(&vpci.cfg_lock, flags);
		return slot ? PCIBIOS_BAD_REGISTER_NUMBER : PCIBIOS_DEVICE_NOT_FOUND;
	}
	/* Read-only bits keep their value: BAR sizing must find no BARs. */
	for (i = 0; i < size; i++) {
		u8 byte = val >> (8 * i), mask = slot->wmask[where + i];

		slot->cfg[where + i] = (slot->cfg[where + i] & ~mask) | (byte & mask);
	}
	raw_spin_unlock_irqrestore(&vpci.cfg_lock, flags);
	return PCIBIOS_SUCCESSFUL;
}

static struct pci_ops vnitro_pci_ops = {
	.read = vnitro_pci_read,
	.write = vnitro_pci_write,
};

/* What a function says it is: vendor and device, the subsystem the same. */
struct vnitro_pci_id {
	u16 vendor;
	u16 device;
	u8 revision;
};

/*
 * The ENA function of @edev, or the Intel 82599 VF (8086:10ed, "82599
 * Ethernet Controller Virtual Function" to lspci) on the instance types
 * that present one; its revision 01 and subsystem are vnitro's choice, as no
 * capture from EC2 gives them (Documentation/ixgbevf.md).
 */
static struct vnitro_pci_id vnitro_pci_net_id(const struct vnitro_eni_dev *edev)
{
	if (edev->adapter == VNITRO_ADAPTER_IXGBEVF)
		return (struct vnitro_pci_id){ PCI_VENDOR_ID_INTEL, VNITRO_IXGBEVF_DEVICE_ID, 1 };
	return (struct vnitro_pci_id){ PCI_VENDOR_ID_AMAZON, VNITRO_ENA_DEVICE_ID, 0 };
}

static const char *vnitro_pci_net_what(const struct vnitro_eni_dev *edev)
{
	return edev->adapter == VNITRO_ADAPTER_IXGBEVF ? "Intel 82599 VF" : "ENA";
}

/* A type-0 header of an ENA, Intel VF or EFA function: no BARs, no INTx. */
static void vnitro_pci_fill_config(struct vnitro_pci_slot *slot, struct vnitro_pci_id id)
{
	u8 *c = slot->cfg;

	memset(slot->cfg, 0, sizeof(slot->cfg));
	memset(slot->wmask, 0, sizeof(slot->wmask));
	put_unaligned_le16(id.vendor, c + PCI_VENDOR_ID);
	put_unaligned_le16(id.device, c + PCI_DEVICE_ID);
	c[PCI_REVISION_ID] = id.revision;
	c[PCI_CLASS_PROG] = 0;
	put_unaligned_le16(PCI_CLASS_NETWORK_ETHERNET, c + PCI_CLASS_DEVICE);
	c[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	put_unaligned_le16(id.vendor, c + PCI_SUBSYSTEM_VENDOR_ID);
	put_unaligned_le16(id.device, c + PCI_SUBSYSTEM_ID);
	put_unaligned_le16(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
			   PCI_COMMAND_PARITY | PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE,
			   slot->wmask + PCI_COMMAND);
	slot->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	slot->wmask[PCI_LATENCY_TIMER] = 0xff;
	slot->wmask[PCI_INTERRUPT_LINE] = 0xff;
}

void vnitro_pci_slot_name(const struct vnitro_eni_dev *edev, char *buf, size_t len)
{
	const struct vnitro_pci_bus *vbus = edev->fn.bus;

	snprintf(buf, len, "%04x:%02x:%02x.%d", vbus->sysdata.domain, vbus->bus->number,
		 PCI_SLOT(edev->fn.devfn), PCI_FUNC(edev->fn.devfn));
}

/* Takes the bus from the topology and frees it; it has no function left. ctl_lock held. */
static void vnitro_pci_bus_destroy(struct vnitro_pci_bus *vbus)
{
	pci_lock_rescan_remove();
	pci_stop_root_bus(vbus->bus);
	pci_remove_root_bus(vbus->bus);
	pci_unlock_rescan_remove();
	/* pci_remove_root_bus only deletes the bridge; pci_create_root_bus's reference is ours. */
	put_device(&vbus->bridge->dev);
	vpci.buses[vbus->index] = NULL;
	kvfree(vbus);
}

/* A new root bus for @owner at the lowest free index, or an ERR_PTR. ctl_lock held. */
static struct vnitro_pci_bus *vnitro_pci_bus_create(const struct net *owner, u32 network_card)
{
	struct vnitro_pci_bus *vbus;
	struct pci_bus *bus = NULL;
	unsigned int index;

	vbus = kvzalloc(sizeof(*vbus), GFP_KERNEL);
	if (!vbus)
		return ERR_PTR(-ENOMEM);
	vbus->owner = owner;
	vbus->network_card = network_card;
	vbus->sysdata.node = first_online_node;
	for (index = 0; index < pci_buses && !bus; index++) {
		int number = index % VNITRO_PCI_DOMAIN_BUSES;
		struct resource busn = DEFINE_RES_NAMED(number, 1, "vnitro bus", IORESOURCE_BUS);
		LIST_HEAD(resources);

		vbus->sysdata.domain = vpci.first_domain + index / VNITRO_PCI_DOMAIN_BUSES;
		/* Taken by us, or by someone else in a domain we only hoped was free. */
		if (vpci.buses[index] || pci_find_bus(vbus->sysdata.domain, number))
			continue;
		pci_add_resource(&resources, &busn);
		pci_lock_rescan_remove();
		bus = pci_create_root_bus(vpci.parent, number, &vnitro_pci_ops, &vbus->sysdata,
					  &resources);
		if (bus) {
			vbus->bus = bus;
			vbus->bridge = pci_find_host_bridge(bus);
			vbus->index = index;
			pci_bus_add_devices(bus);
		}
		pci_unlock_rescan_remove();
		if (!bus) {
			pci_free_resource_list(&resources);
			kvfree(vbus);
			return ERR_PTR(-ENODEV);
		}
		vpci.buses[index] = vbus;
	}
	if (!bus) {
		kvfree(vbus);
		return ERR_PTR(-ENOSPC);
	}
	return vbus;
}

/* The first free slot on @vbus (or 0), under cfg_lock. */
static unsigned int vnitro_pci_free_slot(const struct vnitro_pci_bus *vbus)
{
	unsigned int s;

	for (s = VNITRO_PCI_FIRST_SLOT; s < VNITRO_PCI_SLOTS; s++)
		if (!vbus->slots[s].edev)
			return s;
	return 0;
}

static int vnitro_pci_no_room(struct vnitro_eni_dev *edev, const char *what, int ret,
			      struct vcore_err *err)
{
	err->code = ret;
	if (ret == -ENOSPC)
		snprintf(err->msg, sizeof(err->msg),
			 "no room for the %s function of %s: the virtual PCI topology is full (pci_buses=%u buses of %d functions, one or more per instance)",
			 what, edev->eni_id, pci_buses, VNITRO_PCI_BUS_FUNCTIONS);
	else
		snprintf(err->msg, sizeof(err->msg),
			 "could not create a virtual PCI bus for the %s function of %s (errno %d)",
			 what, edev->eni_id, -ret);
	return ret;
}

/*
 * Puts a function of @edev in the first free slot of the buses of its
 * instance and network card, on a new one when they are full. Fills *fn.
 */
static int vnitro_pci_slot_fill(struct vnitro_eni_dev *edev, bool efa, struct vnitro_pci_id id,
				struct vnitro_pci_fn *fn, struct vcore_err *err)
{
	struct vnitro_pci_bus *vbus = NULL;
	struct vnitro_pci_slot *slot;
	unsigned long flags;
	unsigned int i, s;

	lockdep_assert_held(&vnitro.ctl_lock);
	for (i = 0; i < VNITRO_PCI_MAX_BUSES && !vbus; i++)
		if (vpci.buses[i] && vpci.buses[i]->owner == edev->net &&
		    vpci.buses[i]->network_card == edev->network_card &&
		    vpci.buses[i]->used < VNITRO_PCI_BUS_FUNCTIONS)
			vbus = vpci.buses[i];
	if (!vbus) {
		vbus = vnitro_pci_bus_create(edev->net, edev->network_card);
		if (IS_ERR(vbus))
			return vnitro_pci_no_room(edev, efa ? "EFA" : vnitro_pci_net_what(edev),
						  PTR_ERR(vbus), err);
	}
	raw_spin_lock_irqsave(&vpci.cfg_lock, flags);
	s = vnitro_pci_free_slot(vbus);
	slot = &vbus->slots[s];
	vnitro_pci_fill_config(slot, id);
	slot->edev = edev;
	slot->efa = efa;
	vbus->used++;
	raw_spin_unlock_irqrestore(&vpci.cfg_lock, flags);
	fn->bus = vbus;
	fn->devfn = PCI_DEVFN(s, 0);
	return 0;
}

/* Scans @fn and adds the function: its driver probes it inside. */
static struct pci_dev *vnitro_pci_add(const struct vnitro_pci_fn *fn)
{
	struct pci_dev *pdev;

	pci_lock_rescan_remove();
	pdev = pci_scan_single_device(fn->bus->bus, fn->devfn);
	if (pdev)
		pci_bus_add_device(pdev);
	pci_unlock_rescan_remove();
	return pdev;
}

/*
 * Removes the function in @fn if it is still there (a user may have removed
 * it through sysfs), which unbinds the driver, and frees the slot, both
 * under the rescan lock: a /sys/bus/pci/rescan waiting for that lock must
 * find the slot empty, not probe it again with an edev being freed. The bus
 * goes with its last function.
 */
static void vnitro_pci_remove_slot(struct vnitro_pci_fn *fn)
{
	struct vnitro_pci_bus *vbus = fn->bus;
	struct vnitro_pci_slot *slot = &vbus->slots[PCI_SLOT(fn->devfn)];
	struct pci_dev *pdev;
	unsigned long flags;

	pci_lock_rescan_remove();
	pdev = pci_get_slot(vbus->bus, fn->devfn);
	if (pdev) {
		pci_stop_and_remove_bus_device(pdev);
		pci_dev_put(pdev);
	}
	raw_spin_lock_irqsave(&vpci.cfg_lock, flags);
	slot->edev = NULL;
	slot->efa = false;
	vbus->used--;
	raw_spin_unlock_irqrestore(&vpci.cfg_lock, flags);
	pci_unlock_rescan_remove();
	fn->bus = NULL;
	if (!vbus->used)
		vnitro_pci_bus_destroy(vbus);
}

/*
 * An EFA ENI's second function, in the next free slot (on EC2 an EFA shows
 * as its own PCI function, "Elastic Fabric Adapter (EFA)", beside the ENA).
 */
static int vnitro_pci_plug_efa(struct vnitro_eni_dev *edev, struct vcore_err *err)
{
	struct vcore_efa_attr attr;
	struct pci_dev *pdev;
	int ret;

	if (vcore_efa_get_attr(edev->efa_gen, &attr)) {
		err->code = -EINVAL;
		snprintf(err->msg, sizeof(err->msg), "%s: EFA generation %u is not modelled",
			 edev->eni_id, edev->efa_gen);
		return err->code;
	}
	ret = vnitro_pci_slot_fill(edev, true,
				   (struct vnitro_pci_id){ PCI_VENDOR_ID_AMAZON, attr.device_id, 0 },
				   &edev->efa_fn, err);
	if (ret)
		return ret;
	edev->efa_probe_err = -ENODEV;
	pdev = vnitro_pci_add(&edev->efa_fn);
	if (!pdev || !edev->efa) {
		err->code = pdev ? edev->efa_probe_err : -ENODEV;
		snprintf(err->msg, sizeof(err->msg),
			 "could not bring up the EFA function for %s: %s (errno %d)",
			 edev->eni_id, pdev ? "the driver failed to probe it" :
			 "the PCI scan did not find it", -err->code);
		vnitro_pci_remove_slot(&edev->efa_fn);
		return err->code;
	}
	return 0;
}

/* Called with ctl_lock held; probing happens inside and creates the netdev (and ib_device). */
int vnitro_pci_plug(struct vnitro_eni_dev *edev, struct vcore_err *err)
{
	struct pci_dev *pdev;
	int ret;

	ret = vnitro_pci_slot_fill(edev, false, vnitro_pci_net_id(edev), &edev->fn, err);
	if (ret)
		return ret;
	edev->probe_err = -ENODEV;
	pdev = vnitro_pci_add(&edev->fn);
	if (!pdev || !edev->netdev) {
		err->code = pdev ? edev->probe_err : -ENODEV;
		snprintf(err->msg, sizeof(err->msg),
			 "could not bring up the %s function for %s: %s (errno %d)",
			 vnitro_pci_net_what(edev), edev->eni_id, pdev ? "the driver failed to probe it" :
			 "the PCI scan did not find it", -err->code);
		vnitro_pci_remove_slot(&edev->fn);
		return err->code;
	}
	if (edev->eni_type == VNITRO_ENI_TYPE_EFA) {
		ret = vnitro_pci_plug_efa(edev, err);
		if (ret) {
			vnitro_pci_remove_slot(&edev->fn);
			return ret;
		}
	}
	return 0;
}

/*
 * Removes the functions: the EFA one first (its ib_device refers to the
 * ENA function's netdev), then the ENA one.
 */
void vnitro_pci_unplug(struct vnitro_eni_dev *edev)
{
	if (edev->eni_type == VNITRO_ENI_TYPE_EFA)
		vnitro_pci_remove_slot(&edev->efa_fn);
	vnitro_pci_remove_slot(&edev->fn);
}

static int vnitro_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vnitro_pci_slot *slot = vnitro_pci_slot_of(pdev->bus, pdev->devfn);
	int ret;

	if (!slot)
		return -ENODEV;
	ret = pci_enable_device(pdev);
	if (ret)
		goto out;
	pci_set_master(pdev);
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		goto err_disable;
	ret = slot->efa ? vnitro_efa_create(slot->edev, pdev) :
			  vnitro_netdev_create(slot->edev, pdev);
	if (ret)
		goto err_disable;
	return 0;

err_disable:
	pci_disable_device(pdev);
out:
	if (slot->efa)
		slot->edev->efa_probe_err = ret;
	else
		slot->edev->probe_err = ret;
	return ret;
}

static void vnitro_pci_remove(struct pci_dev *pdev)
{
	struct vnitro_pci_slot *slot = vnitro_pci_slot_of(pdev->bus, pdev->devfn);

	if (slot && slot->efa)
		vnitro_efa_destroy(slot->edev);
	else if (slot)
		vnitro_netdev_destroy(slot->edev);
	pci_disable_device(pdev);
}

/* Only functions whose driver_override names us: never real ENA or Intel hardware. */
static const struct pci_device_id vnitro_pci_ids[] = {
	{ PCI_DEVICE_DRIVER_OVERRIDE(PCI_VENDOR_ID_AMAZON, VNITRO_ENA_DEVICE_ID, 1) },
	{ PCI_DEVICE_DRIVER_OVERRIDE(PCI_VENDOR_ID_INTEL, VNITRO_IXGBEVF_DEVICE_ID, 1) },
	{ PCI_DEVICE_DRIVER_OVERRIDE(PCI_VENDOR_ID_AMAZON, VNITRO_EFA0_DEVICE_ID, 1) },
	{ PCI_DEVICE_DRIVER_OVERRIDE(PCI_VENDOR_ID_AMAZON, VNITRO_EFA2_DEVICE_ID, 1) },
	{ }
};

static struct pci_driver vnitro_pci_driver = {
	.name = VNITRO_DRV_NAME,
	.id_table = vnitro_pci_ids,
	.probe = vnitro_pci_probe,
	.remove = vnitro_pci_remove,
	/* Binding follows attachment, not sysfs bind/unbind. */
	.driver.suppress_bind_attrs = true,
};

/*
 * Runs inside device_add() before any driver can match, for every function
 * on our bus, including ones a user brings back with /sys/bus/pci/rescan.
 */
static int vnitro_pci_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	struct device *dev = data;
	struct pci_dev *pdev;

	if (action != BUS_NOTIFY_ADD_DEVICE || !dev_is_pci(dev))
		return NOTIFY_DONE;
	pdev = to_pci_dev(dev);
	if (!vnitro_pci_ours(pdev->bus))
		return NOTIFY_DONE;
	if (driver_set_override(dev, &pdev->driver_override, VNITRO_DRV_NAME,
				strlen(VNITRO_DRV_NAME)))
		pci_warn(pdev, "could not set driver_override\n");
	return NOTIFY_OK;
}

static struct notifier_block vnitro_pci_nb = {
	.notifier_call = vnitro_pci_notify,
};

/* The first of VNITRO_PCI_DOMAINS domains where nobody has a bus 00 (as the VMD driver picks). */
static int vnitro_pci_first_free_domain(void)
{
	int domain = VNITRO_PCI_FIRST_DOMAIN;

	while (pci_find_bus(domain, 0))
		domain++;
	return domain;
}

int vnitro_pci_init(void)
{
	int ret;

	if (!pci_buses || pci_buses > VNITRO_PCI_MAX_BUSES) {
		pr_err("pci_buses=%u: between 1 and %d\n", pci_buses, VNITRO_PCI_MAX_BUSES);
		return -EINVAL;
	}
	raw_spin_lock_init(&vpci.cfg_lock);
	vpci.first_domain = vnitro_pci_first_free_domain();
	vpci.parent = root_device_register(VNITRO_DRV_NAME);
	if (IS_ERR(vpci.parent))
		return PTR_ERR(vpci.parent);
	ret = bus_register_notifier(&pci_bus_type, &vnitro_pci_nb);
	if (ret)
		goto err_unregister_parent;
	ret = pci_register_driver(&vnitro_pci_driver);
	if (ret)
		goto err_unregister_notifier;
	pr_info("virtual PCI topology: domain %04x on, up to %u buses of %d functions\n",
		vpci.first_domain, pci_buses, VNITRO_PCI_BUS_FUNCTIONS);
	return 0;

err_unregister_notifier:
	bus_unregister_notifier(&pci_bus_type, &vnitro_pci_nb);
err_unregister_parent:
	root_device_unregister(vpci.parent);
	return ret;
}

/* Every ENI has been unplugged by now, which took every bus away. */
void vnitro_pci_exit(void)
{
	unsigned int i;

	for (i = 0; i < VNITRO_PCI_MAX_BUSES; i++)
		if (WARN_ON(vpci.buses[i]))
			vnitro_pci_bus_destroy(vpci.buses[i]);
	pci_unregister_driver(&vnitro_pci_driver);
	bus_unregister_notifier(&pci_bus_type, &vnitro_pci_nb);
	root_device_unregister(vpci.parent);
}
