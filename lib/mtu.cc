// SPDX-License-Identifier: LGPL-2.1-or-later
/* An attached ENI's MTU, set with rtnetlink (libnl-route) inside its instance's namespace. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include <netlink/route/link.h>
#include <netlink/socket.h>

#include "internal.h"

using namespace vnitro::lib;

namespace {

/* RTM_NEWLINK with IFLA_MTU for @ifname, as "ip link set dev IFNAME mtu N". */
int rtnl_set_mtu(struct vnitro_handle *h, const char *ifname, uint32_t mtu)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct rtnl_link *link = nullptr, *change = nullptr;
	int rc;

	if (!sk)
		return set_errno(h, -ENOMEM);
	rc = nl_connect(sk, NETLINK_ROUTE);
	if (rc < 0) {
		rc = set_error(h, nlerr_to_errno(rc), "rtnetlink: %s", nl_geterror(rc));
		goto out_free_sock;
	}
	rc = rtnl_link_get_kernel(sk, 0, ifname, &link);
	if (rc < 0) {
		rc = set_error(h, nlerr_to_errno(rc), "cannot find %s: %s", ifname,
			       nl_geterror(rc));
		goto out_free_sock;
	}
	change = rtnl_link_alloc();
	if (!change) {
		rc = set_errno(h, -ENOMEM);
		goto out_put_link;
	}
	rtnl_link_set_mtu(change, mtu);
	rc = rtnl_link_change(sk, link, change, 0);
	if (rc < 0)
		rc = set_error(h, nlerr_to_errno(rc), "cannot set the MTU of %s to %u: %s",
			       ifname, mtu, nl_geterror(rc));
	rtnl_link_put(change);
out_put_link:
	rtnl_link_put(link);
out_free_sock:
	nl_socket_free(sk);
	return rc < 0 ? rc : 0;
}

} // namespace

VNITRO_EXPORT int vnitro_eni_set_mtu(struct vnitro_handle *h, const char *id, uint32_t mtu)
{
	struct vnitro_eni eni;
	int self, target, rc;
	char path[sizeof(VNITRO_NETNS_RUN_DIR) + VNITRO_NAME_LEN + 1];

	rc = vnitro_eni_get(h, id, &eni);
	if (rc)
		return rc;
	if (eni.device_index < 0 || !eni.ifname[0])
		return set_error(h, -EINVAL, "network interface %s is not attached to an instance",
				 id);
	snprintf(path, sizeof(path), "%s/%s", VNITRO_NETNS_RUN_DIR, eni.instance);
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (target < 0) {
		/* No file: the instance is the caller's namespace (i-host). */
		if (errno != ENOENT)
			return set_error(h, -errno, "cannot open %s: %s", path, strerror(errno));
		return rtnl_set_mtu(h, eni.ifname, mtu);
	}
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		rc = set_error(h, -errno, "cannot open /proc/self/ns/net: %s", strerror(errno));
		goto out_close_target;
	}
	/* Only this thread moves, and it comes back before returning. */
	if (setns(target, CLONE_NEWNET)) {
		rc = set_error(h, -errno, "cannot enter namespace %s: %s", eni.instance,
			       strerror(errno));
		goto out_close_self;
	}
	rc = rtnl_set_mtu(h, eni.ifname, mtu);
	if (setns(self, CLONE_NEWNET) && !rc)
		rc = set_error(h, -errno, "cannot return to the original namespace: %s",
			       strerror(errno));
out_close_self:
	close(self);
out_close_target:
	close(target);
	return rc;
}
