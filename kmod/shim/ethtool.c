// SPDX-License-Identifier: GPL-2.0
/* ethtool.c - the ethtool surface of the ENA netdev, named as the real ena driver names it. */
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/pci.h>

#include "vnitro.h"

/*
 * Upstream ena fills only driver and bus-info; the ethtool core then reports
 * the kernel release as the version, exactly as on an EC2 instance running a
 * distribution kernel.
 */
static void vnitro_get_drvinfo(struct net_device *dev, struct ethtool_drvinfo *info)
{
	strscpy(info->driver, VNITRO_ENA_DRV_NAME, sizeof(info->driver));
	strscpy(info->bus_info, dev_name(dev->dev.parent), sizeof(info->bus_info));
}

/* ethtool -l: ENA exposes combined channels only. */
static void vnitro_get_channels(struct net_device *dev, struct ethtool_channels *ch)
{
	struct vnitro_netdev *vnd = netdev_priv(dev);

	ch->max_combined = vnd->max_queues;
	ch->combined_count = vnd->num_queues;
}

/* ethtool -L combined N; the ethtool core has already checked N <= max. */
static int vnitro_set_channels(struct net_device *dev, struct ethtool_channels *ch)
{
	if (!ch->combined_count)
		return -EINVAL;
	return vnitro_netdev_set_queues(dev, ch->combined_count);
}

const struct ethtool_ops vnitro_ethtool_ops = {
	.get_drvinfo = vnitro_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_channels = vnitro_get_channels,
	.set_channels = vnitro_set_channels,
};
