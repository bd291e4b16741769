// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - module init/exit, and the control plane's side effects: attaching
 * an ENI hot-plugs its PCI function into the instance's namespace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "efa.h"
#include "vnitro.h"

static bool default_world = true;
module_param(default_world, bool, 0444);
MODULE_PARM_DESC(default_world,
		 "Create vpc-default, subnet-default and instance i-host at load (default: on)");

#define VNITRO_DEFAULT_INSTANCE "i-host"

struct vnitro vnitro;

static int vnitro_plug(void *ops_ctx, const struct vcore_plug_desc *desc, void **cookie,
		       struct vcore_err *err)
{
	struct vnitro_eni_dev *edev;
	int ret;

	lockdep_assert_held(&vnitro.ctl_lock);
	edev = kzalloc(sizeof(*edev), GFP_KERNEL);
	if (!edev) {
		err->code = -ENOMEM;
		strscpy(err->msg, "out of memory", sizeof(err->msg));
		return err->code;
	}
	strscpy(edev->eni_id, desc->eni_id, sizeof(edev->eni_id));
	edev->port = desc->port;
	edev->net = desc->instance_cookie;
	edev->network_card = desc->network_card;
	edev->device_index = desc->device_index;
	edev->max_queues = desc->max_queues;
	edev->rss_key_mode = desc->rss_key_mode;
	edev->eni_type = desc->eni_type;
	edev->efa_gen = desc->efa_gen;
	edev->adapter = desc->adapter;
	/* Another host's instance: a port of the fabric, no function here. */
	ret = desc->host ? vnitro_tunnel_plug(edev, err) : vnitro_pci_plug(edev, err);
	if (ret) {
		kfree(edev);
		return ret;
	}
	atomic_inc(&vnitro_objects.eni_functions);
	*cookie = edev;
	return 0;
}

static void vnitro_unplug(void *ops_ctx, void *cookie)
{
	struct vnitro_eni_dev *edev = cookie;

	lockdep_assert_held(&vnitro.ctl_lock);
	if (edev->remote_port)
		vnitro_tunnel_unplug(edev);
	else
		vnitro_pci_unplug(edev);
	kfree(edev);
	atomic_dec(&vnitro_objects.eni_functions);
}

static void vnitro_netns_release(void *ops_ctx, void *cookie)
{
	put_net(cookie);
}

/*
 * New IPs or source/dest check of an attached ENI: the snapshot a re-probe
 * uses, and the live port if the driver is bound. RTNL keeps edev->netdev.
 */
static int vnitro_port_update(void *ops_ctx, void *cookie, const struct vcore_port_desc *port,
			      struct vcore_err *err)
{
	struct vnitro_eni_dev *edev = cookie;
	struct vcore_port_desc desc = *port;
	struct vcore_fabric_port *fport;
	int ret = 0;

	lockdep_assert_held(&vnitro.ctl_lock);
	if (edev->remote_port) {
		ret = vnitro_tunnel_update(edev, port);
		if (!ret)
			edev->port = *port;
		goto out;
	}
	rtnl_lock();
	if (edev->netdev) {
		struct vnitro_netdev *vnd = netdev_priv(edev->netdev);

		fport = rtnl_dereference(vnd->port);
		desc.cookie = &vnd->sink;
		if (fport)
			ret = vcore_fabric_port_update(vnitro.fabric, fport, &desc);
	}
	if (!ret)
		edev->port = *port;
	rtnl_unlock();
out:
	if (ret) {
		err->code = ret;
		snprintf(err->msg, sizeof(err->msg),
			 "the fabric refused the new port settings (errno %d)", -ret);
	}
	return ret;
}

static u32 vnitro_in_use(void *ops_ctx, void *cookie, char *dev, size_t len)
{
	return vnitro_efa_users(cookie, dev, len);
}

const struct vcore_ctl_ops vnitro_ctl_ops = {
	.plug = vnitro_plug,
	.unplug = vnitro_unplug,
	.netns_release = vnitro_netns_release,
	.port_update = vnitro_port_update,
	.igw_plug = vnitro_igw_plug,		/* igw.c */
	.igw_unplug = vnitro_igw_unplug,
	.igw_update = vnitro_igw_update,
	.in_use = vnitro_in_use,
};

static int vnitro_default_world_create(void)
{
	struct vcore_err err = {};
	struct net *net = get_net(&init_net);
	int ret;

	mutex_lock(&vnitro.ctl_lock);
	ret = vcore_ctl_create_default_world(vnitro.ctl, VNITRO_DEFAULT_INSTANCE, net, &err);
	mutex_unlock(&vnitro.ctl_lock);
	if (ret) {
		/* The instance may not exist, so the namespace reference is still ours. */
		put_net(net);
		pr_err("default world: %s (errno %d)\n", err.msg, -ret);
	}
	return ret;
}

static void vnitro_ctl_teardown(void)
{
	mutex_lock(&vnitro.ctl_lock);
	vcore_ctl_destroy(vnitro.ctl);
	vnitro.ctl = NULL;
	mutex_unlock(&vnitro.ctl_lock);
}

/*
 * RFC 4861 6.2.4: a router advertises at random intervals between
 * MinRtrAdvInterval and MaxRtrAdvInterval, whose defaults are 200 and 600
 * seconds; EC2 documents no other values.
 */
#define VNITRO_RA_MIN_S		200
#define VNITRO_RA_MAX_S		600

static void vnitro_ra_schedule(void)
{
	unsigned long s = VNITRO_RA_MIN_S + get_random_u32_below(VNITRO_RA_MAX_S - VNITRO_RA_MIN_S + 1);

	mod_delayed_work(system_wq, &vnitro.ra_work, s * HZ);
}

static void vnitro_ra_work(struct work_struct *work)
{
	/* Delivery to an ENI's rings runs with bottom halves off, as xmit does. */
	local_bh_disable();
	vcore_fabric_advertise(vnitro.fabric);
	local_bh_enable();
	vnitro_ra_schedule();
}

/* debugfs "advertise": a round now (tests), then the usual wait. */
void vnitro_advertise_now(void)
{
	mod_delayed_work(system_wq, &vnitro.ra_work, 0);
	flush_delayed_work(&vnitro.ra_work);
}

static int __init vnitro_init(void)
{
	int ret;

	mutex_init(&vnitro.ctl_lock);
	/* Before debugfs's "advertise" can queue it; first run planned below. */
	INIT_DELAYED_WORK(&vnitro.ra_work, vnitro_ra_work);
	vcore_core_init(&vnitro_services);
	vnitro.fabric = vcore_fabric_create();
	if (!vnitro.fabric) {
		ret = -ENOMEM;
		goto err_core_exit;
	}
	/* Before any ENI: each one adds its fault-injection directory. */
	vnitro_debugfs_init();
	/* Before any EFA device: each one joins the engine's directory. */
	ret = vnitro_engine_init();
	if (ret)
		goto err_debugfs_exit;
	ret = vnitro_pci_init();
	if (ret)
		goto err_engine_exit;
	ret = vnitro_tunnel_init();
	if (ret)
		goto err_pci_exit;
	vnitro.ctl = vcore_ctl_create(&vnitro_ctl_ops, NULL, vnitro.fabric);
	if (!vnitro.ctl) {
		ret = -ENOMEM;
		goto err_tunnel_exit;
	}
	if (default_world) {
		ret = vnitro_default_world_create();
		if (ret)
			goto err_teardown_ctl;
	}
	vnitro_ra_schedule();
	/* Last: userspace may call in as soon as the family exists. */
	ret = vnitro_genl_init();
	if (ret)
		goto err_cancel_ra;
	pr_info("loaded\n");
	return 0;

err_cancel_ra:
	cancel_delayed_work_sync(&vnitro.ra_work);
err_teardown_ctl:
	vnitro_ctl_teardown();		/* unplugs the default world's ENIs */
err_tunnel_exit:
	vnitro_tunnel_exit();
err_pci_exit:
	vnitro_pci_exit();
err_engine_exit:
	vnitro_engine_exit();
err_debugfs_exit:
	vnitro_debugfs_exit();
	cancel_delayed_work_sync(&vnitro.ra_work);	/* "advertise" may have queued it */
	vcore_fabric_destroy(vnitro.fabric);
err_core_exit:
	vcore_core_exit();
	mutex_destroy(&vnitro.ctl_lock);
	return ret;
}

static void __exit vnitro_exit(void)
{
	vnitro_genl_exit();
	cancel_delayed_work_sync(&vnitro.ra_work);
	vnitro_linklocal_exit();		/* svc0 and its port; the namespace's reference */
	vnitro_ctl_teardown();		/* unplugs every ENI */
	vnitro_tunnel_exit();		/* no remote port is left to send through it */
	vnitro_pci_exit();
	vnitro_engine_exit();
	vnitro_debugfs_exit();
	/* Again: a write to "advertise" since the first may have queued it. */
	cancel_delayed_work_sync(&vnitro.ra_work);
	vcore_fabric_destroy(vnitro.fabric);
	vcore_core_exit();
	mutex_destroy(&vnitro.ctl_lock);
	pr_info("unloaded\n");
}

module_init(vnitro_init);
module_exit(vnitro_exit);

MODULE_DESCRIPTION("vnitro: a virtual Nitro card (ENA, ENIs, VPC fabric)");
MODULE_AUTHOR("vnitro developers");
MODULE_LICENSE("GPL");
