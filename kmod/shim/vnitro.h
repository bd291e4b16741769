/* SPDX-License-Identifier: GPL-2.0 */
/* vnitro.h - the shim's private header: module state and the per-ENI device. */
#ifndef VNITRO_SHIM_H
#define VNITRO_SHIM_H

#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <net/net_namespace.h>

#include "core_api.h"

#define VNITRO_DRV_NAME		"vnitro"
#define VNITRO_ENA_DRV_NAME	"ena"	/* what `ethtool -i` reports, as on EC2 */
#define VNITRO_ENA_DEVICE_ID	0xec20	/* ENA virtual function */

/* Module-wide state; every field is set up in main.c's init ladder. */
struct vnitro {
	/* Serialises the control plane: genl handlers, default world, unload. */
	struct mutex ctl_lock;
	struct vnitro_ctl *ctl;
	struct vnitro_fabric *fabric;
};

extern struct vnitro vnitro;

/*
 * One attached ENI: a PCI function on the virtual bus and, while vnitro's
 * PCI driver is bound to it, a netdev in the instance's namespace.
 * Allocated on plug, freed on unplug (both under ctl_lock).
 */
struct vnitro_eni_dev {
	char eni_id[VNITRO_ID_MAX];
	struct vnitro_port_desc port;	/* snapshot for the fabric */
	struct net *net;		/* the instance's; the instance holds the ref */
	u32 device_index;
	unsigned int devfn;
	/* Set by probe, cleared by remove, both under RTNL. */
	struct net_device *netdev;
	int probe_err;			/* why the last probe failed */
};

/* services.c */
extern const struct vnitro_services vnitro_services;

/* pci.c: the virtual PCI bus and vnitro's driver for its functions */
int vnitro_pci_init(void);
void vnitro_pci_exit(void);
int vnitro_pci_plug(struct vnitro_eni_dev *edev, struct vnitro_err *err);
void vnitro_pci_unplug(struct vnitro_eni_dev *edev);
void vnitro_pci_slot_name(const struct vnitro_eni_dev *edev, char *buf, size_t len);

/* netdev.c: the ENA-like netdev of a function */
int vnitro_netdev_create(struct vnitro_eni_dev *edev, struct pci_dev *pdev);
void vnitro_netdev_destroy(struct vnitro_eni_dev *edev);
void vnitro_netdev_deliver(void *port_cookie, void *frame_ctx);
void vnitro_netdev_deliver_copy(void *port_cookie, const u8 *frame, u32 len);

/* ethtool.c */
extern const struct ethtool_ops vnitro_ethtool_ops;

/* genl.c: the "vnitro" generic netlink family */
int vnitro_genl_init(void);
void vnitro_genl_exit(void);

/* main.c: control-plane side effects (struct vnitro_ctl_ops) */
extern const struct vnitro_ctl_ops vnitro_ctl_ops;

#endif /* VNITRO_SHIM_H */
