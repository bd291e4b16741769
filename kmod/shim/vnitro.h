/* SPDX-License-Identifier: GPL-2.0 */
/* vnitro.h - the shim's private header: module state and the per-ENI device. */
#ifndef VNITRO_SHIM_H
#define VNITRO_SHIM_H

#include <linux/dim.h>
#include <rdma/ib_verbs.h>
#include <linux/hrtimer.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/xdp.h>

#include "vcore/services.h"
#include "vcore/fabric.h"
#include "vcore/control.h"
#include "vcore/ena.h"

struct vnitro_efa;

#define VNITRO_DRV_NAME		"vnitro"
#define VNITRO_ENA_DRV_NAME	"ena"	/* what `ethtool -i` reports, as on EC2 */
#define VNITRO_ENA_DEVICE_ID	0xec20	/* ENA virtual function */
#define VNITRO_IXGBEVF_DRV_NAME	"ixgbevf"	/* the Intel 82599 VF's, likewise */
#define VNITRO_IXGBEVF_DEVICE_ID 0x10ed	/* IXGBE_DEV_ID_82599_VF, vendor Intel */
/* EFA functions: the id follows the instance type's generation (core/efa/device.h). */
#define VNITRO_EFA0_DEVICE_ID	0xefa0	/* EFA v1 */
#define VNITRO_EFA2_DEVICE_ID	0xefa2	/* EFA v2: RDMA read */

/* Module-wide state; every field is set up in main.c's init ladder. */
struct vnitro {
	/* Serialises the control plane: genl handlers, default world, unload. */
	struct mutex ctl_lock;
	struct vcore_ctl *ctl;
	struct vcore_fabric *fabric;
	struct dentry *debugfs;		/* /sys/kernel/debug/vnitro, or an error pointer */
	/* The subnet routers' periodic IPv6 router advertisements (main.c). */
	struct delayed_work ra_work;
	/* The link-local services' device, or NULL (linklocal.c; ctl_lock). */
	struct vnitro_linklocal_dev *linklocal;
};

/* Sends the routers' advertisements now and plans the next round (main.c). */
void vnitro_advertise_now(void);

extern struct vnitro vnitro;

/*
 * Live objects, for leak checks (debugfs vnitro/objects): each line comes
 * back to its value once what made the objects is gone.
 */
struct vnitro_objects {
	atomic_long_t core_allocs;	/* the C++ core's allocations (services.c) */
	atomic_t eni_functions;		/* attached ENIs (struct vnitro_eni_dev) */
	atomic_t netdevs;		/* ENA and internet gateway netdevs */
};

extern struct vnitro_objects vnitro_objects;

/*
 * What a fabric port's cookie points to, embedded in the receiving device's
 * private data: its kind tells services.deliver which device takes the frame.
 */
enum vnitro_sink_kind {
	VNITRO_SINK_ENA,		/* an ENI's netdev: struct vnitro_netdev */
	VNITRO_SINK_IGW,		/* an internet gateway's: struct vnitro_igw_dev */
	VNITRO_SINK_LINKLOCAL,		/* the link-local services': struct vnitro_linklocal_dev */
	VNITRO_SINK_TUNNEL,		/* another host's ENI: struct vnitro_eni_dev (tunnel.c) */
};

struct vnitro_sink {
	enum vnitro_sink_kind kind;
};

/* Where a function sits: a root bus of pci.c's and a slot on it. */
struct vnitro_pci_fn {
	struct vnitro_pci_bus *bus;
	unsigned int devfn;
};

/*
 * One attached ENI: a PCI function on one of the instance's virtual buses
 * and, while vnitro's PCI driver is bound to it, a netdev in the instance's
 * namespace. Allocated on plug, freed on unplug (both under ctl_lock).
 */

struct vnitro_eni_dev {
	char eni_id[VCORE_ID_MAX];
	struct vcore_port_desc port;	/* snapshot for the fabric */
	struct net *net;		/* the instance's; the instance holds the ref */
	u32 network_card;
	u32 device_index;
	u32 max_queues;			/* the instance type's ENA queues per ENI */
	u8 rss_key_mode;		/* the instance type's enum vcore_ena_rss_key_mode */
	struct vnitro_pci_fn fn;	/* the ENA function's place on the virtual PCI topology */
	/* Set by probe, cleared by remove, both under RTNL. */
	struct net_device *netdev;
	/* netdev's ifindex, or 0: what readers without RTNL look it up by (RCU). */
	int ifindex;
	int probe_err;			/* why the last probe failed */
	u8 eni_type;			/* enum vnitro_eni_type */
	u8 efa_gen;			/* enum vcore_efa_gen: the EFA function's generation */
	u8 adapter;			/* enum vnitro_adapter: ENA or the Intel 82599 VF */
	/* ENIs of type efa: the EFA function and its RDMA device. */
	struct vnitro_pci_fn efa_fn;
	int efa_probe_err;
	/* Set by the EFA function's probe, cleared by its remove, under vnitro_efa_lock. */
	struct vnitro_efa *efa;
	char rdma_device[IB_DEVICE_NAME_MAX];	/* "efa_0", "" without a device */
	/* An ENI of another host's instance (port.remote_host): no function, a remote port. */
	struct vnitro_sink sink;		/* VNITRO_SINK_TUNNEL: its port's cookie */
	struct vcore_fabric_port *remote_port;
};

/* tunnel.c: another host's ENIs, and the Geneve device frames cross hosts through. */
int vnitro_tunnel_init(void);
u32 vnitro_tunnel_local(void);		/* this host's underlay address, host order; 0: none */
void vnitro_tunnel_exit(void);
int vnitro_tunnel_plug(struct vnitro_eni_dev *edev, struct vcore_err *err);
void vnitro_tunnel_unplug(struct vnitro_eni_dev *edev);
int vnitro_tunnel_update(struct vnitro_eni_dev *edev, const struct vcore_port_desc *port);
void vnitro_tunnel_deliver(struct vnitro_eni_dev *edev, const u8 *src_mac, struct sk_buff *skb);
/* engine.c: an EFA frame from another host for the engine's thread; consumes @skb. */
bool vnitro_engine_rx(struct sk_buff *skb);

enum {
	VNITRO_ENA_MAX_QUEUES = 32,		/* the largest instance types */
	VNITRO_IXGBEVF_NETDEV_QUEUES = 8,	/* IXGBE_VF_MAX_TX_QUEUES: ixgbevf's alloc_etherdev_mq */
	VNITRO_ENA_MIN_MTU = 128,		/* ENA_MIN_MTU */
	VNITRO_ENA_MAX_MTU = 9216,		/* the device's max_mtu on Nitro */
	/* Ring sizes, as ena_calc_io_queue_size and ena_set_ringparam treat them. */
	VNITRO_RING_SIZE_DEFAULT = 1024,	/* ENA_DEFAULT_RING_SIZE */
	VNITRO_RING_SIZE_MIN = 256,		/* ENA_MIN_RING_SIZE */
	VNITRO_RX_RING_SIZE_MAX = 16384,	/* the device's max_rx_cq_depth on Nitro */
	VNITRO_TX_RING_SIZE_MAX = 1024,		/* max_tx_cq_depth, bounded by the LLQ depth */
	/*
	 * ena stops a TX queue when fewer descriptors than a full skb needs are
	 * left, and wakes it at ENA_TX_WAKEUP_THRESH free (both MAX_SKB_FRAGS + 2).
	 */
	VNITRO_TX_STOP_THRESH = MAX_SKB_FRAGS + 2,
	/* Interrupt moderation defaults, ena_com.h (RX 20 since upstream dropped 0). */
	VNITRO_TX_USECS_DEFAULT = 64,		/* ENA_INTR_INITIAL_TX_INTERVAL_USECS */
	VNITRO_RX_USECS_DEFAULT = 20,		/* ENA_INTR_INITIAL_RX_INTERVAL_USECS */
	/* Intervals travel in 15-bit fields of the interrupt register (ena_eth_io_defs.h). */
	VNITRO_USECS_MAX = 0x7fff,
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

/*
 * The emulated MSI-X vector of a queue pair (coalesce.c). An event (a frame
 * in the RX ring, a TX completion) raises it no sooner than the moderation
 * interval after the first one; it then stays masked until the NAPI poll it
 * scheduled completes and unmasks it, as ena_unmask_interrupt does.
 */
struct vnitro_irq {
	struct hrtimer timer;
	unsigned long flags;			/* VNITRO_IRQ_* bits */
	ktime_t unmasked;			/* when the last poll unmasked the vector */
	u32 rx_usecs;				/* adaptive-rx's current choice (dim work) */
	u16 napi_events;			/* polls that found frames, for net_dim */
	struct dim dim;
	atomic64_t interrupts;			/* times the vector fired */
};

/* ena's per-queue counters of the NAPI loop: written by this queue's NAPI. */
struct vnitro_napi_stats {
	u64 tx_poll;
	u64 napi_comp;
	u64 unmask_interrupt;
	struct u64_stats_sync syncp;
};

/* Faults to inject into a queue pair, set through debugfs (debugfs.c). */
struct vnitro_faults {
	atomic_t rx_drop;			/* drop the next N received frames */
	atomic_t rx_corrupt;			/* corrupt the next N */
	bool rx_stall;				/* no RX processing: the ring fills */
	bool tx_stall;				/* no TX completions: the TX ring fills */
};

/*
 * TX descriptors of one queue. The frame is sent when ndo_start_xmit hands
 * it to the fabric, but its descriptors stay in use until the queue pair's
 * NAPI processes the completion, after the moderated TX interrupt.
 */
struct vnitro_tx_ring {
	atomic_t used;				/* xmit adds, the TX clean subtracts */
	u64 queue_stop;				/* under the TX queue's lock */
	u64 queue_wakeup;			/* likewise */
	struct u64_stats_sync syncp;
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

/*
 * latency.c: how late the emulation delivered held frames (released at their
 * timer, past their due time): what the host adds to the path model's latency.
 */
struct vnitro_hold_stats {
	u64 released;		/* frames that waited and were moved into the ring */
	u64 late_100us;		/* of them, released 100 us or more after their due time */
	u64 late_1ms;		/* 1 ms or more */
	u64 late_max_ns;	/* the latest */
};

/* One RX queue: the ring the fabric delivers into and the NAPI that drains it. */
struct vnitro_rx_queue {
	struct napi_struct napi;
	struct sk_buff_head ring;
	u32 in_poll;				/* frames the NAPI poll took off the ring */
	struct vnitro_queue_stats stats;	/* written by this queue's NAPI */
	struct vnitro_csum_stats csum;		/* likewise, under stats.syncp */
	atomic64_t dropped;			/* written by senders' CPUs */
	struct vnitro_netdev *vnd;
	u32 qid;
	struct vnitro_irq irq;
	struct vnitro_napi_stats napi_stats;
	struct vnitro_faults faults;
	struct vnitro_xdp_rx_stats xdp;		/* written by this queue's NAPI, under stats.syncp */
	struct xdp_rxq_info xdp_rxq;
	/* latency.c: frames the path model delivers later, by due time, and their timer */
	struct sk_buff_head held;
	struct hrtimer held_timer;
	struct vnitro_hold_stats held_stats;	/* under held.lock */
};

/* One XDP TX queue (ena's tx_ring[xdp_first_ring + i]): XDP_TX and ndo_xdp_xmit. */
struct vnitro_xdp_txq {
	spinlock_t lock;			/* senders: RX NAPIs and redirecting CPUs */
	struct vnitro_queue_stats stats;	/* under lock */
};

/* An RSS configuration as published to the data path. */
struct vnitro_rss {
	struct rcu_head rcu;
	struct vcore_ena_rss_config cfg;
};

/* netdev_priv() of an ENI's netdev. */
struct vnitro_netdev {
	struct vnitro_sink sink;		/* VNITRO_SINK_ENA: its fabric port's cookie */
	struct net_device *dev;
	struct vnitro_eni_dev *edev;
	/* Our fabric port; NULL once unplugging began. Read under RCU. */
	struct vcore_fabric_port __rcu *port;
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
	u64 interface_up;			/* ena_up's: vnitro_netdev_up, under RTNL */
	u64 interface_down;			/* ena_down's: vnitro_netdev_down, under RTNL */
	/* ethtool -g/-G: changed under RTNL with the queues down; read anywhere. */
	u32 rx_ring_size;
	u32 tx_ring_size;
	/* ethtool -c/-C: written under RTNL, read by the data path with READ_ONCE. */
	u32 tx_usecs;
	u32 rx_usecs;
	bool adaptive_rx;
	struct dentry *debugfs;			/* this ENI's directory (debugfs.c) */
	struct vnitro_queue_stats tx[VNITRO_ENA_MAX_QUEUES];	/* under each TX queue's lock */
	struct vnitro_tx_ring txr[VNITRO_ENA_MAX_QUEUES];
	struct vnitro_rx_queue rx[VNITRO_ENA_MAX_QUEUES];
	/* Set under RTNL (ndo_bpf), read under RCU by NAPI and ndo_xdp_xmit. */
	struct bpf_prog __rcu *xdp_prog;
	/* num_queues of them in use while a program is attached. */
	struct vnitro_xdp_txq xdp_tx[VNITRO_ENA_MAX_QUEUES];
	/* The Intel 82599 VF personality (ixgbevf.c), fixed at probe; false: ENA. */
	bool ixgbevf;
	/* Its ethtool settings, under RTNL. */
	bool legacy_rx;				/* --set-priv-flags legacy-rx */
	u32 itr_setting;			/* rx-usecs: 0, 1 (dynamic) or usecs << 2 */
	u32 msg_enable;				/* -s msglvl */
};

/* services.c */
extern const struct vcore_services vnitro_services;

/* pci.c: the virtual PCI bus and vnitro's driver for its functions */
int vnitro_pci_init(void);
void vnitro_pci_exit(void);
int vnitro_pci_plug(struct vnitro_eni_dev *edev, struct vcore_err *err);
void vnitro_pci_unplug(struct vnitro_eni_dev *edev);
void vnitro_pci_slot_name(const struct vnitro_eni_dev *edev, char *buf, size_t len);

/* netdev.c: the ENA-like netdev of a function */
int vnitro_netdev_create(struct vnitro_eni_dev *edev, struct pci_dev *pdev);
void vnitro_netdev_destroy(struct vnitro_eni_dev *edev);
struct net_device *vnitro_netdev_of_rcu(const struct vnitro_eni_dev *edev);
void vnitro_netdev_deliver(struct vnitro_netdev *vnd, struct sk_buff *skb, u64 due_ns);
void vnitro_rx_enqueue(struct vnitro_rx_queue *rxq, struct sk_buff *skb);
void vnitro_netdev_deliver_copy(struct vnitro_netdev *vnd, const u8 *frame, u32 len);
unsigned int vnitro_netdev_parse_len(const struct sk_buff *skb);
unsigned int vnitro_netdev_xmit_prepare(struct sk_buff *skb);
u32 vnitro_netdev_seg_len(const struct sk_buff *skb);
void vnitro_netdev_up(struct vnitro_netdev *vnd);
void vnitro_netdev_down(struct vnitro_netdev *vnd);
int vnitro_netdev_set_queues(struct net_device *dev, u32 count);
int vnitro_netdev_set_rings(struct net_device *dev, u32 tx_size, u32 rx_size);
struct vnitro_rss *vnitro_netdev_rss_copy(struct vnitro_netdev *vnd);
void vnitro_netdev_rss_publish(struct vnitro_netdev *vnd, struct vnitro_rss *rss);
void vnitro_read_csum_stats(struct vnitro_rx_queue *rxq, struct vnitro_csum_stats *out);
void vnitro_read_stats(struct vnitro_queue_stats *s, u64 *packets, u64 *bytes, u64 *dropped);

/* latency.c: frames held until the path model has them arrive */
struct vnitro_skb_cb {
	u64 due_ns;		/* from the fabric's deliver to the hold list */
};

static inline u64 *vnitro_skb_due(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct vnitro_skb_cb) > sizeof(skb->cb));
	return &((struct vnitro_skb_cb *)skb->cb)->due_ns;
}

void vnitro_hold_init(struct vnitro_rx_queue *rxq);
void vnitro_hold_enqueue(struct vnitro_rx_queue *rxq, struct sk_buff *skb, u64 due_ns);
void vnitro_hold_stop(struct vnitro_rx_queue *rxq);
u32 vnitro_hold_len(const struct vnitro_rx_queue *rxq);
void vnitro_hold_read_stats(struct vnitro_rx_queue *rxq, struct vnitro_hold_stats *out);

/* coalesce.c: the emulated interrupt of each queue pair, moderated */
enum vnitro_irq_event { VNITRO_IRQ_RX, VNITRO_IRQ_TX };
void vnitro_irq_init(struct vnitro_rx_queue *rxq);
void vnitro_irq_start(struct vnitro_rx_queue *rxq);
void vnitro_irq_stop(struct vnitro_rx_queue *rxq);
void vnitro_irq_raise(struct vnitro_rx_queue *rxq, enum vnitro_irq_event ev);
void vnitro_irq_polled(struct vnitro_rx_queue *rxq);
void vnitro_irq_poll_done(struct vnitro_rx_queue *rxq, int rx_done);
u32 vnitro_irq_rx_usecs(const struct vnitro_rx_queue *rxq);
void vnitro_irq_set_moderation(struct vnitro_netdev *vnd, u32 tx_usecs, u32 rx_usecs,
			       bool adaptive_rx);
void vnitro_read_napi_stats(struct vnitro_rx_queue *rxq, struct vnitro_napi_stats *out);

/* rings.c: RX ring fill; TX descriptors in flight, queue stop and wake-up */
u32 vnitro_rx_ring_fill(const struct vnitro_rx_queue *rxq);
u32 vnitro_tx_descs(const struct sk_buff *skb);
void vnitro_tx_ring_consume(struct vnitro_netdev *vnd, u32 q, u32 descs);
void vnitro_tx_ring_clean(struct vnitro_netdev *vnd, u32 q);
void vnitro_tx_ring_reset(struct vnitro_netdev *vnd, u32 q);
void vnitro_read_tx_ring_stats(struct vnitro_tx_ring *txr, u64 *stop, u64 *wakeup);

/* debugfs.c: fault injection under /sys/kernel/debug/vnitro/ENI-ID/ */
/* Serialises read-modify-writes of the path model (debugfs and PATH_SET). */
extern struct mutex vnitro_path_lock;
void vnitro_debugfs_init(void);
void vnitro_debugfs_exit(void);
void vnitro_debugfs_add(struct vnitro_netdev *vnd);
void vnitro_debugfs_del(struct vnitro_netdev *vnd);

/* faults.c: the injected faults on a received frame */
bool vnitro_fault_rx(struct vnitro_rx_queue *rxq, struct sk_buff *skb);

/* xdp.c: native XDP (netdev.c attaches the program) */
bool vnitro_xdp_mtu_ok(unsigned int mtu, const struct bpf_prog *prog);
int vnitro_xdp_xmit(struct net_device *dev, int n, struct xdp_frame **frames, u32 flags);
bool vnitro_xdp_rx(struct vnitro_netdev *vnd, struct vnitro_rx_queue *rxq,
		   struct sk_buff *skb, struct sk_buff_head *pass, bool *redirected);
bool vnitro_xdp_queue_count_ok(const struct vnitro_netdev *vnd, u32 count);
u32 vnitro_xdp_num_queues(const struct vnitro_netdev *vnd);
void vnitro_xdp_read_rx_stats(struct vnitro_rx_queue *rxq, struct vnitro_xdp_rx_stats *out);
int vnitro_xdp_init(struct vnitro_netdev *vnd);
void vnitro_xdp_uninit(struct vnitro_netdev *vnd);

/*
 * igw.c: an internet gateway's netdev in the "internet" namespace, its
 * fabric port the VPC's IGW port. The ctl ops igw_plug/unplug/update.
 */
struct vnitro_igw_dev {
	struct vnitro_sink sink;		/* VNITRO_SINK_IGW: its fabric port's cookie */
	struct net_device *dev;
	/* Set by igw_plug, cleared by igw_unplug (ctl_lock); read under RCU. */
	struct vcore_fabric_port __rcu *port;
	char igw_id[VCORE_ID_MAX];
};

int vnitro_igw_plug(void *ops_ctx, const struct vcore_igw_plug_desc *desc, void **cookie,
		    struct vcore_err *err);
void vnitro_igw_unplug(void *ops_ctx, void *cookie);
int vnitro_igw_update(void *ops_ctx, void *cookie, const struct vcore_port_desc *port,
		      struct vcore_err *err);
void vnitro_igw_deliver(struct vnitro_igw_dev *igw, struct sk_buff *skb);
void vnitro_igw_deliver_copy(struct vnitro_igw_dev *igw, const u8 *frame, u32 len);
/* What the edge devices (igw0, eigw0, svc0) share. */
int vnitro_edge_ndo_init(struct net_device *dev);
void vnitro_edge_ndo_uninit(struct net_device *dev);
void vnitro_edge_rx(struct net_device *dev, struct sk_buff *skb);
void vnitro_edge_setup(struct net_device *dev, unsigned int mtu);
/* An Ethernet/IPv4 frame's source (@src) or destination becomes @to, checksums kept right. */
bool vnitro_nat4(struct sk_buff *skb, bool src, __be32 to);

/*
 * linklocal.c: the link-local services' netdev "svc0" in a namespace of
 * their own, its fabric port the services port (one per host).
 */
struct vnitro_linklocal_dev {
	struct vnitro_sink sink;		/* VNITRO_SINK_LINKLOCAL: its fabric port's cookie */
	struct net_device *dev;
	/* Set by SVC_ADD, cleared by SVC_DEL (ctl_lock); read under RCU. */
	struct vcore_fabric_port __rcu *port;
	struct net *net;			/* our reference: the namespace outlives svc0 */
	char netns_name[VNITRO_NAME_LEN];
};

void vnitro_linklocal_deliver(struct vnitro_linklocal_dev *svc, struct sk_buff *skb);
/* Module unload (ctl_lock not held): unplugs the services port, if any. */
void vnitro_linklocal_exit(void);

/* efa_verbs.c: the RDMA device of an EFA ENI */
int vnitro_efa_create(struct vnitro_eni_dev *edev, struct pci_dev *pdev);
void vnitro_efa_destroy(struct vnitro_eni_dev *edev);
void vnitro_efa_netdev_gone(struct vnitro_eni_dev *edev);
void vnitro_efa_netdev_back(struct vnitro_eni_dev *edev);
void vnitro_efa_device_name(const struct vnitro_eni_dev *edev, char *buf, size_t len);
u32 vnitro_efa_users(const struct vnitro_eni_dev *edev, char *dev, size_t len);

/* ethtool.c */
extern const struct ethtool_ops vnitro_ethtool_ops;

/* ixgbevf.c: the Intel 82599 VF personality of the netdev */
extern const struct ethtool_ops vnitro_ixgbevf_ethtool_ops;
void vnitro_ixgbevf_setup(struct vnitro_netdev *vnd);
netdev_features_t vnitro_ixgbevf_features_check(struct sk_buff *skb, netdev_features_t features);
bool vnitro_ixgbevf_tx_csum(struct sk_buff *skb);
int vnitro_ixgbevf_change_mtu(struct net_device *dev, int new_mtu);
bool vnitro_ixgbevf_xdp_fits(const struct vnitro_netdev *vnd);
int vnitro_ixgbevf_vlan_rx_add_vid(struct net_device *dev, __be16 proto, u16 vid);
int vnitro_ixgbevf_vlan_rx_kill_vid(struct net_device *dev, __be16 proto, u16 vid);

/* genl.c: the "vnitro" generic netlink family */
int vnitro_genl_init(void);
void vnitro_genl_exit(void);

/* tso.c */
netdev_features_t vnitro_tso_features(void);
void vnitro_tso_deliver(struct vnitro_netdev *vnd, struct sk_buff *skb,
			void (*deliver_one)(struct vnitro_netdev *vnd, struct sk_buff *skb));

/* main.c: control-plane side effects (struct vcore_ctl_ops) */
extern const struct vcore_ctl_ops vnitro_ctl_ops;

#endif /* VNITRO_SHIM_H */
