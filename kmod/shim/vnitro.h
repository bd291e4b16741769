/* SPDX-License-Identifier: GPL-2.0 */
/* vnitro.h - the shim's private header: module state and the per-ENI device. */
#ifndef VNITRO_SHIM_H
#define VNITRO_SHIM_H

#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/u64_stats_sync.h>
#include <net/net_namespace.h>
#include <net/xdp.h>

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

enum {
	VNITRO_ENA_MAX_QUEUES = 32,		/* the largest instance types */
	VNITRO_ENA_DEFAULT_MAX_QUEUES = 8,	/* until instance types set it */
	VNITRO_ENA_MIN_MTU = 128,		/* ENA_MIN_MTU */
	VNITRO_ENA_MAX_MTU = 9216,		/* the device's max_mtu on Nitro */
	VNITRO_RX_RING_SIZE = 1024,		/* ENA_DEFAULT_RING_SIZE */
	VNITRO_PARSE_LEN = 128,			/* header bytes the fabric and RSS may read */
};

/* ena_netdev.h: RX buffers are pages, at most 16 KiB. */
#define VNITRO_ENA_PAGE_SIZE	(PAGE_SIZE > SZ_16K ? SZ_16K : PAGE_SIZE)
/*
 * ENA_XDP_MAX_MTU (ena_netdev.h, 6.1): one RX buffer less the Ethernet
 * header, FCS, a VLAN tag, the XDP headroom and build_skb's tailroom
 * (3498 with 4 KiB pages). The largest MTU a program without xdp.frags takes.
 */
#define VNITRO_ENA_XDP_MAX_MTU	(VNITRO_ENA_PAGE_SIZE - ETH_HLEN - ETH_FCS_LEN - VLAN_HLEN - \
				 XDP_PACKET_HEADROOM - SKB_DATA_ALIGN(sizeof(struct skb_shared_info)))

struct vnitro_queue_stats {
	u64 packets;
	u64 bytes;
	u64 dropped;
	struct u64_stats_sync syncp;
};

/* What the device's checksum engine concluded, counted as ena counts it. */
struct vnitro_csum_stats {
	u64 good;
	u64 bad;
	u64 unchecked;
};

/* ena's per-queue XDP verdict counters (ena_stats_rx: xdp_aborted ... xdp_redirect). */
struct vnitro_xdp_rx_stats {
	u64 aborted;
	u64 drop;
	u64 pass;
	u64 tx;
	u64 invalid;
	u64 redirect;
};

/* One RX queue: the ring the fabric delivers into and the NAPI that drains it. */
struct vnitro_rx_queue {
	struct napi_struct napi;
	struct sk_buff_head ring;
	struct vnitro_queue_stats stats;	/* written by this queue's NAPI */
	struct vnitro_csum_stats csum;		/* likewise, under stats.syncp */
	atomic64_t dropped;			/* written by senders' CPUs */
	struct vnitro_xdp_rx_stats xdp;		/* written by this queue's NAPI, under stats.syncp */
	struct xdp_rxq_info xdp_rxq;
};

/* One XDP TX queue (ena's tx_ring[xdp_first_ring + i]): XDP_TX and ndo_xdp_xmit. */
struct vnitro_xdp_txq {
	spinlock_t lock;			/* senders: RX NAPIs and redirecting CPUs */
	struct vnitro_queue_stats stats;	/* under lock */
};

/* An RSS configuration as published to the data path. */
struct vnitro_rss {
	struct rcu_head rcu;
	struct vnitro_ena_rss_config cfg;
};

/* netdev_priv() of an ENI's netdev. */
struct vnitro_netdev {
	struct net_device *dev;
	struct vnitro_eni_dev *edev;
	/* Our fabric port; NULL once unplugging began. Read under RCU. */
	struct vnitro_fabric_port __rcu *port;
	/* Replaced as a whole under RTNL (copy, change, publish); read under RCU. */
	struct vnitro_rss __rcu *rss;
	/*
	 * Queues the fabric may deliver into: rx_up is published with release
	 * after num_queues is set, and cleared (then an RCU grace period)
	 * before either changes. RTNL serialises the writers.
	 */
	bool rx_up;
	u32 num_queues;				/* ethtool -l "combined" */
	u32 max_queues;
	u64 interface_up;			/* ndo_open calls, under RTNL */
	u64 interface_down;			/* ndo_stop calls, under RTNL */
	struct vnitro_queue_stats tx[VNITRO_ENA_MAX_QUEUES];	/* under each TX queue's lock */
	struct vnitro_rx_queue rx[VNITRO_ENA_MAX_QUEUES];
	/* Set under RTNL (ndo_bpf), read under RCU by NAPI and ndo_xdp_xmit. */
	struct bpf_prog __rcu *xdp_prog;
	/* num_queues of them in use while a program is attached. */
	struct vnitro_xdp_txq xdp_tx[VNITRO_ENA_MAX_QUEUES];
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
int vnitro_netdev_set_queues(struct net_device *dev, u32 count);
struct vnitro_rss *vnitro_netdev_rss_copy(struct vnitro_netdev *vnd);
void vnitro_netdev_rss_publish(struct vnitro_netdev *vnd, struct vnitro_rss *rss);
void vnitro_read_csum_stats(struct vnitro_rx_queue *rxq, struct vnitro_csum_stats *out);
void vnitro_read_stats(struct vnitro_queue_stats *s, u64 *packets, u64 *bytes, u64 *dropped);

/* xdp.c: native XDP */
int vnitro_xdp_bpf(struct net_device *dev, struct netdev_bpf *bpf);
int vnitro_xdp_xmit(struct net_device *dev, int n, struct xdp_frame **frames, u32 flags);
struct sk_buff *vnitro_xdp_rx(struct vnitro_netdev *vnd, struct vnitro_rx_queue *rxq,
			      struct sk_buff *skb, bool *redirected);
bool vnitro_xdp_queue_count_ok(const struct vnitro_netdev *vnd, u32 count);
u32 vnitro_xdp_num_queues(const struct vnitro_netdev *vnd);
void vnitro_xdp_read_rx_stats(struct vnitro_rx_queue *rxq, struct vnitro_xdp_rx_stats *out);
int vnitro_xdp_init(struct vnitro_netdev *vnd);
void vnitro_xdp_uninit(struct vnitro_netdev *vnd);

/* ethtool.c */
extern const struct ethtool_ops vnitro_ethtool_ops;

/* genl.c: the "vnitro" generic netlink family */
int vnitro_genl_init(void);
void vnitro_genl_exit(void);

/* main.c: control-plane side effects (struct vnitro_ctl_ops) */
extern const struct vnitro_ctl_ops vnitro_ctl_ops;

#endif /* VNITRO_SHIM_H */
