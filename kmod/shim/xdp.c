// SPDX-License-Identifier: GPL-2.0
/*
 * xdp.c - native XDP on the ENA netdev, as the ena driver of Linux 6.1 does
 * it: a program per device run in each RX queue's NAPI on page buffers,
 * XDP TX queues numbered after the I/O queues, ndo_xdp_xmit, and the
 * per-queue xdp_* counters. Multi-buffer follows amzn-drivers 2.14+.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/bpf_trace.h>
#include <linux/etherdevice.h>
#include <linux/filter.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <net/xdp.h>

#include "vnitro.h"

/*
 * The device writes a frame into page-sized RX buffers. With a program
 * attached the driver leaves XDP_PACKET_HEADROOM in front and room for a
 * skb_shared_info behind (build_skb), as ena_rx_skb/ena_xdp_handle_buff.
 */
#define VNITRO_XDP_BUF_SIZE	VNITRO_ENA_PAGE_SIZE
#define VNITRO_XDP_FIRST_ROOM	(VNITRO_XDP_BUF_SIZE - XDP_PACKET_HEADROOM - \
				 SKB_DATA_ALIGN(sizeof(struct skb_shared_info)))

/* What happened to a frame, as ena_xdp_execute sorts them. */
enum vnitro_xdp_verdict {
	VNITRO_XDP_PASS,
	VNITRO_XDP_CONSUMED,	/* dropped, aborted, sent out or redirected */
};

/* ---- attaching and detaching (ndo_bpf), under RTNL ---- */

/* As ena_xdp_legal_queue_count: XDP TX queues take the other half of the channels. */
bool vnitro_xdp_queue_count_ok(const struct vnitro_netdev *vnd, u32 count)
{
	return 2 * count <= vnd->max_queues;
}

/* XDP TX queues in use: one per I/O queue while a program is attached. RTNL held. */
u32 vnitro_xdp_num_queues(const struct vnitro_netdev *vnd)
{
	return rtnl_dereference(vnd->xdp_prog) ? vnd->num_queues : 0;
}

/* amzn-drivers' ena_xdp_is_mtu_legal: a frags-aware program takes any MTU. */
bool vnitro_xdp_mtu_ok(unsigned int mtu, const struct bpf_prog *prog)
{
	return !prog || prog->aux->xdp_has_frags || mtu <= VNITRO_ENA_XDP_MAX_MTU;
}

/* ---- transmit: XDP_TX and ndo_xdp_xmit send through the fabric ---- */

/*
 * Sends one frame out of the ENI; 0 once the frame is gone (delivered, or
 * refused by the fabric and counted), -ENOMEM with the frame still the
 * caller's. Caller holds @txq->lock and is inside an RCU read section.
 */
static int vnitro_xdp_xmit_frame(struct vnitro_netdev *vnd, struct vnitro_xdp_txq *txq,
				 struct xdp_frame *xdpf)
{
	unsigned int len = xdp_get_frame_len(xdpf);
	enum vcore_xmit_verdict verdict = VCORE_XMIT_DROPPED;
	struct vcore_fabric_port *port;
	struct sk_buff *skb;

	skb = xdp_build_skb_from_frame(xdpf, vnd->dev);
	if (!skb)
		return -ENOMEM;
	/* It took the Ethernet header off (eth_type_trans); the fabric wants it. */
	skb_push(skb, ETH_HLEN);
	port = rcu_dereference(vnd->port);
	if (port && pskb_may_pull(skb, min_t(unsigned int, len, VNITRO_PARSE_LEN)))
		verdict = vcore_fabric_xmit(vnitro.fabric, port, skb->data, skb_headlen(skb), skb);

	u64_stats_update_begin(&txq->stats.syncp);
	if (verdict == VCORE_XMIT_DROPPED) {
		txq->stats.dropped++;
	} else {
		txq->stats.packets++;
		txq->stats.bytes += len;
	}
	u64_stats_update_end(&txq->stats.syncp);
	if (verdict == VCORE_XMIT_ANSWERED)
		consume_skb(skb);
	else if (verdict == VCORE_XMIT_DROPPED)
		kfree_skb(skb);
	return 0;
}

/*
 * ndo_xdp_xmit: frames redirected to this ENI (devmap) leave through the
 * XDP TX queue of the current CPU, as ena_xdp_xmit picks it. Like ena, only
 * while a program is attached: the XDP TX queues exist only then.
 */
int vnitro_xdp_xmit(struct net_device *dev, int n, struct xdp_frame **frames, u32 flags)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);
	struct vnitro_xdp_txq *txq;
	int i, nxmit = 0;

	if (unlikely(flags & ~XDP_XMIT_FLAGS_MASK))
		return -EINVAL;
	/*
	 * Queues going down clear rx_up, then wait a grace period before
	 * num_queues changes: inside this section both stay as read.
	 */
	rcu_read_lock();
	if (!smp_load_acquire(&vnd->rx_up)) {
		nxmit = -ENETDOWN;
		goto out_unlock;
	}
	if (!rcu_access_pointer(vnd->xdp_prog)) {
		nxmit = -ENXIO;
		goto out_unlock;
	}
	txq = &vnd->xdp_tx[smp_processor_id() % READ_ONCE(vnd->num_queues)];
	spin_lock(&txq->lock);
	for (i = 0; i < n; i++) {
		if (vnitro_xdp_xmit_frame(vnd, txq, frames[i]))
			break;
		nxmit++;
	}
	spin_unlock(&txq->lock);
out_unlock:
	rcu_read_unlock();
	return nxmit;	/* the caller frees the rest */
}

/* ---- receive: the program runs on the queue's page buffers, in its NAPI ---- */

/*
 * DMA as the device does it: the frame into page buffers, the first with
 * XDP headroom and skb_shared_info tailroom, the rest (multi-buffer) into
 * whole pages as fragments. @skb's data starts at the Ethernet header.
 */
static int vnitro_xdp_fill(struct vnitro_rx_queue *rxq, struct sk_buff *skb,
			   struct xdp_buff *xdp, bool frags_ok)
{
	unsigned int len = skb->len, first = min_t(unsigned int, len, VNITRO_XDP_FIRST_ROOM);
	unsigned int off, chunk;
	struct skb_shared_info *sinfo;
	struct page *page;
	skb_frag_t *frag;

	if (len > first && (!frags_ok ||
			    DIV_ROUND_UP(len - first, VNITRO_XDP_BUF_SIZE) > MAX_SKB_FRAGS))
		return -EMSGSIZE;
	page = dev_alloc_page();
	if (!page)
		return -ENOMEM;
	xdp_init_buff(xdp, VNITRO_XDP_BUF_SIZE, &rxq->xdp_rxq);
	xdp_prepare_buff(xdp, page_address(page), XDP_PACKET_HEADROOM, first, false);
	skb_copy_bits(skb, 0, xdp->data, first);
	if (len == first)
		return 0;

	sinfo = xdp_get_shared_info_from_buff(xdp);
	sinfo->nr_frags = 0;
	sinfo->xdp_frags_size = 0;
	xdp_buff_set_frags_flag(xdp);
	for (off = first; off < len; off += chunk) {
		chunk = min_t(unsigned int, len - off, VNITRO_XDP_BUF_SIZE);
		page = dev_alloc_page();
		if (!page) {
			xdp_return_buff(xdp);	/* the head and the fragments so far */
			return -ENOMEM;
		}
		skb_copy_bits(skb, off, page_address(page), chunk);
		frag = &sinfo->frags[sinfo->nr_frags++];
		__skb_frag_set_page(frag, page);
		skb_frag_off_set(frag, 0);
		skb_frag_size_set(frag, chunk);
		sinfo->xdp_frags_size += chunk;
	}
	return 0;
}

/* XDP_PASS: an skb around the (possibly changed) buffers, as ena_rx_skb. */
static struct sk_buff *vnitro_xdp_build_skb(struct vnitro_netdev *vnd, struct xdp_buff *xdp)
{
	struct skb_shared_info *sinfo = xdp_get_shared_info_from_buff(xdp);
	u8 nr_frags = xdp_buff_has_frags(xdp) ? sinfo->nr_frags : 0;
	struct sk_buff *skb;

	/* build_skb clears nr_frags in the shared info it places there: read it first. */
	skb = napi_build_skb(xdp->data_hard_start, xdp->frame_sz);
	if (!skb)
		return NULL;
	skb_reserve(skb, xdp->data - xdp->data_hard_start);
	__skb_put(skb, xdp->data_end - xdp->data);
	if (nr_frags)
		xdp_update_skb_shared_info(skb, nr_frags, sinfo->xdp_frags_size,
					   nr_frags * VNITRO_XDP_BUF_SIZE, false);
	skb->protocol = eth_type_trans(skb, vnd->dev);
	return skb;
}

static void vnitro_xdp_count(struct vnitro_rx_queue *rxq, u64 *stat, unsigned int len, bool consumed)
{
	u64_stats_update_begin(&rxq->stats.syncp);
	(*stat)++;
	if (consumed) {
		/* ena counts every frame its NAPI cleaned, whatever the verdict. */
		rxq->stats.packets++;
		rxq->stats.bytes += len;
	}
	u64_stats_update_end(&rxq->stats.syncp);
}

/* Runs @prog on @xdp and acts on the verdict, as ena_xdp_execute. */
static enum vnitro_xdp_verdict vnitro_xdp_execute(struct vnitro_netdev *vnd,
						  struct vnitro_rx_queue *rxq,
						  struct bpf_prog *prog, struct xdp_buff *xdp,
						  unsigned int len, bool *redirected)
{
	struct vnitro_xdp_rx_stats *st = &rxq->xdp;
	struct vnitro_xdp_txq *txq;
	struct xdp_frame *xdpf;
	u32 act;

	act = bpf_prog_run_xdp(prog, xdp);
	switch (act) {
	case XDP_PASS:
		vnitro_xdp_count(rxq, &st->pass, len, false);
		return VNITRO_XDP_PASS;
	case XDP_TX:
		xdpf = xdp_convert_buff_to_frame(xdp);
		if (unlikely(!xdpf)) {
			trace_xdp_exception(vnd->dev, prog, act);
			vnitro_xdp_count(rxq, &st->aborted, len, true);
			break;
		}
		/* The XDP TX queue paired with this RX queue (ena's rx_ring->xdp_ring). */
		txq = &vnd->xdp_tx[rxq - vnd->rx];
		spin_lock(&txq->lock);
		if (vnitro_xdp_xmit_frame(vnd, txq, xdpf))
			xdp_return_frame(xdpf);
		spin_unlock(&txq->lock);
		vnitro_xdp_count(rxq, &st->tx, len, true);
		return VNITRO_XDP_CONSUMED;
	case XDP_REDIRECT:
		if (likely(!xdp_do_redirect(vnd->dev, xdp, prog))) {
			*redirected = true;
			vnitro_xdp_count(rxq, &st->redirect, len, true);
			return VNITRO_XDP_CONSUMED;
		}
		trace_xdp_exception(vnd->dev, prog, act);
		vnitro_xdp_count(rxq, &st->aborted, len, true);
		break;
	case XDP_ABORTED:
		trace_xdp_exception(vnd->dev, prog, act);
		vnitro_xdp_count(rxq, &st->aborted, len, true);
		break;
	case XDP_DROP:
		vnitro_xdp_count(rxq, &st->drop, len, true);
		break;
	default:
		bpf_warn_invalid_xdp_action(vnd->dev, prog, act);
		vnitro_xdp_count(rxq, &st->invalid, len, true);
		break;
	}
	xdp_return_buff(xdp);
	return VNITRO_XDP_CONSUMED;
}

/*
 * One wire frame through @prog: @skb's data starts at the Ethernet header.
 * On XDP_PASS the skb built around the buffer joins @pass. Consumes @skb.
 * Under RCU, in @rxq's NAPI poll.
 */
static void vnitro_xdp_run(struct vnitro_netdev *vnd, struct vnitro_rx_queue *rxq,
			   struct bpf_prog *prog, struct sk_buff *skb,
			   struct sk_buff_head *pass, bool *redirected)
{
	enum vnitro_xdp_verdict verdict;
	struct sk_buff *passed;
	struct xdp_buff xdp;
	unsigned int len;
	int ret;

	/*
	 * A sender that left the checksum to its device gets it computed
	 * there, before the frame is on the wire (the program sees it whole).
	 */
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		ret = -EINVAL;
	else
		ret = vnitro_xdp_fill(rxq, skb, &xdp, prog->aux->xdp_has_frags);
	len = skb->len;
	if (ret) {
		/* As ena: a frame the program cannot take is an xdp_drop (multi-buffer, 6.1). */
		if (ret == -EMSGSIZE)
			netdev_err_once(vnd->dev, "xdp: dropped unsupported multi-buffer packets\n");
		vnitro_xdp_count(rxq, &rxq->xdp.drop, len, true);
		goto out_free;
	}
	verdict = vnitro_xdp_execute(vnd, rxq, prog, &xdp, len, redirected);
	if (verdict != VNITRO_XDP_PASS)
		goto out_free;
	passed = vnitro_xdp_build_skb(vnd, &xdp);
	if (passed) {
		skb_copy_hash(passed, skb);
		skb_record_rx_queue(passed, rxq - vnd->rx);
		__skb_queue_tail(pass, passed);
	} else {
		xdp_return_buff(&xdp);
		u64_stats_update_begin(&rxq->stats.syncp);
		rxq->stats.dropped++;
		u64_stats_update_end(&rxq->stats.syncp);
	}
out_free:
	consume_skb(skb);
}

/*
 * A TSO frame reaches the program as the wire frames it stands for: the
 * device never hands XDP more than one frame of the sender's MSS (its RX
 * buffers hold wire frames). The fabric keeps a TSO frame whole for a
 * receiver whose GRO would merge it anyway (tso.c); with a program
 * attached it is cut here, at gso_size, and the program runs once per
 * frame, each counted. @skb: data at the Ethernet header. Consumes @skb.
 */
static void vnitro_xdp_run_gso(struct vnitro_netdev *vnd, struct vnitro_rx_queue *rxq,
			       struct bpf_prog *prog, struct sk_buff *skb,
			       struct sk_buff_head *pass, bool *redirected)
{
	struct sk_buff *segs, *next;

	/* Segments stay CHECKSUM_PARTIAL; vnitro_xdp_run completes each. */
	segs = skb_gso_segment(skb, NETIF_F_SG | NETIF_F_HW_CSUM);
	if (IS_ERR_OR_NULL(segs)) {
		vnitro_xdp_count(rxq, &rxq->xdp.drop, skb->len, true);
		kfree_skb(skb);
		return;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, segs, next) {
		skb_mark_not_on_list(segs);
		vnitro_xdp_run(vnd, rxq, prog, segs, pass, redirected);
	}
}

/*
 * The NAPI hook: runs the attached program, if any, on a frame taken off
 * @rxq's ring. Returns false when no program is attached (@skb is still
 * the caller's, untouched). Otherwise XDP took @skb: the skbs to hand to
 * the stack (built around the XDP buffers on XDP_PASS) are added to
 * @pass, and *redirected is set for xdp_do_flush. Called from @rxq's NAPI
 * poll only (the single writer of its counters).
 */
bool vnitro_xdp_rx(struct vnitro_netdev *vnd, struct vnitro_rx_queue *rxq,
		   struct sk_buff *skb, struct sk_buff_head *pass, bool *redirected)
{
	struct bpf_prog *prog;

	rcu_read_lock();
	prog = rcu_dereference(vnd->xdp_prog);
	if (!prog) {
		rcu_read_unlock();
		return false;
	}
	skb_push(skb, skb->data - skb_mac_header(skb));
	if (skb_is_gso(skb))
		vnitro_xdp_run_gso(vnd, rxq, prog, skb, pass, redirected);
	else
		vnitro_xdp_run(vnd, rxq, prog, skb, pass, redirected);
	rcu_read_unlock();
	return true;
}

void vnitro_xdp_read_rx_stats(struct vnitro_rx_queue *rxq, struct vnitro_xdp_rx_stats *out)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&rxq->stats.syncp);
		*out = rxq->xdp;
	} while (u64_stats_fetch_retry(&rxq->stats.syncp, start));
}

/* ---- set-up, after the queues' NAPIs exist ---- */

static void vnitro_xdp_queue_uninit(struct vnitro_netdev *vnd, u32 q)
{
	xdp_rxq_info_unreg(&vnd->rx[q].xdp_rxq);
}

/* Each RX queue's identity for programs and AF_XDP, and its memory model. */
static int vnitro_xdp_queue_init(struct vnitro_netdev *vnd, u32 q)
{
	struct vnitro_rx_queue *rxq = &vnd->rx[q];
	int ret;

	spin_lock_init(&vnd->xdp_tx[q].lock);
	u64_stats_init(&vnd->xdp_tx[q].stats.syncp);
	/* frag_size: fragments are whole pages, so bpf_xdp_adjust_tail may grow into them. */
	ret = __xdp_rxq_info_reg(&rxq->xdp_rxq, vnd->dev, q, rxq->napi.napi_id, VNITRO_XDP_BUF_SIZE);
	if (ret)
		return ret;
	/* ena's model: order-0 pages, freed with page_frag_free wherever they end up. */
	ret = xdp_rxq_info_reg_mem_model(&rxq->xdp_rxq, MEM_TYPE_PAGE_SHARED, NULL);
	if (ret)
		xdp_rxq_info_unreg(&rxq->xdp_rxq);
	return ret;
}

int vnitro_xdp_init(struct vnitro_netdev *vnd)
{
	u32 q;
	int ret;

	for (q = 0; q < vnd->max_queues; q++) {
		ret = vnitro_xdp_queue_init(vnd, q);
		if (ret)
			goto err_uninit;
	}
	return 0;

err_uninit:
	while (q--)
		vnitro_xdp_queue_uninit(vnd, q);
	return ret;
}

/* After unregistration, which detached the program (dev_xdp_uninstall). */
void vnitro_xdp_uninit(struct vnitro_netdev *vnd)
{
	u32 q;

	for (q = 0; q < vnd->max_queues; q++)
		vnitro_xdp_queue_uninit(vnd, q);
}
