// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The link-local services: plugging their port (SVC_ADD) into a namespace
 * of their own, and readying that namespace with rtnetlink (libnl-route)
 * so that a server bound to 0.0.0.0 there answers every ENI's alias.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include <linux/rtnetlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>

#include "internal.h"

using namespace vnitro::lib;

namespace {

/* An rtnetlink socket of the namespace @netns_fd (it stays there when we leave). */
int rtnl_socket_in(struct vnitro_handle *h, int netns_fd, struct nl_sock **out)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	struct nl_sock *sk;
	int rc;

	if (self < 0)
		return set_error(h, -errno, "cannot open this process's network namespace: %s",
				 strerror(errno));
	if (setns(netns_fd, CLONE_NEWNET)) {
		rc = set_error(h, -errno, "cannot enter the services' namespace: %s",
			       strerror(errno));
		close(self);
		return rc;
	}
	sk = nl_socket_alloc();
	rc = sk ? nl_connect(sk, NETLINK_ROUTE) : -NLE_NOMEM;
	if (setns(self, CLONE_NEWNET) && rc >= 0)
		rc = -NLE_FAILURE;	/* cannot happen: we came from there */
	close(self);
	if (rc < 0) {
		if (sk)
			nl_socket_free(sk);
		return set_error(h, nlerr_to_errno(rc), "rtnetlink in the services' namespace: %s",
				 nl_geterror(rc));
	}
	*out = sk;
	return 0;
}

/* "ip link set dev @ifname up" */
int link_up(struct vnitro_handle *h, struct nl_sock *sk, const char *ifname)
{
	struct rtnl_link *link = nullptr, *change;
	int rc = rtnl_link_get_kernel(sk, 0, ifname, &link);

	if (rc < 0)
		return set_error(h, nlerr_to_errno(rc), "cannot find %s in the services' namespace: %s",
				 ifname, nl_geterror(rc));
	change = rtnl_link_alloc();
	if (!change) {
		rtnl_link_put(link);
		return set_errno(h, -ENOMEM);
	}
	rtnl_link_set_flags(change, IFF_UP);
	rc = rtnl_link_change(sk, link, change, 0);
	rtnl_link_put(change);
	rtnl_link_put(link);
	if (rc < 0)
		return set_error(h, nlerr_to_errno(rc), "cannot set %s up: %s", ifname,
				 nl_geterror(rc));
	return 0;
}

/*
 * "ip route replace local 169.254.0.0/17 dev lo" (@local) or "ip route
 * replace default dev svc0": table local for the first, as iproute2 puts
 * local routes.
 */
int route_replace(struct vnitro_handle *h, struct nl_sock *sk, bool local, uint32_t addr,
		  uint8_t prefixlen, int ifindex)
{
	struct rtnl_route *route = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = nl_addr_build(AF_INET, &addr, sizeof(addr));
	int rc;

	if (!route || !nh || !dst) {
		if (route)
			rtnl_route_put(route);
		if (nh)
			rtnl_route_nh_free(nh);
		if (dst)
			nl_addr_put(dst);
		return set_errno(h, -ENOMEM);
	}
	nl_addr_set_prefixlen(dst, prefixlen);
	rtnl_route_set_family(route, AF_INET);
	rtnl_route_set_dst(route, dst);
	rtnl_route_set_type(route, local ? RTN_LOCAL : RTN_UNICAST);
	rtnl_route_set_table(route, local ? RT_TABLE_LOCAL : RT_TABLE_MAIN);
	rtnl_route_set_scope(route, local ? RT_SCOPE_HOST : RT_SCOPE_LINK);
	rtnl_route_set_protocol(route, RTPROT_STATIC);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_add_nexthop(route, nh);	/* the route owns it now */
	rc = rtnl_route_add(sk, route, NLM_F_CREATE | NLM_F_REPLACE);
	rtnl_route_put(route);
	nl_addr_put(dst);
	if (rc < 0)
		return set_error(h, nlerr_to_errno(rc), "cannot add the services' %s route: %s",
				 local ? "alias" : "default", nl_geterror(rc));
	return 0;
}

/* lo and svc0 up, the aliases local, replies out by svc0. */
int ready_namespace(struct vnitro_handle *h, int netns_fd, const struct vnitro_services *v)
{
	struct nl_sock *sk = nullptr;
	int rc = rtnl_socket_in(h, netns_fd, &sk);

	if (rc)
		return rc;
	rc = link_up(h, sk, "lo");
	if (!rc)
		rc = link_up(h, sk, v->ifname);
	if (!rc)
		rc = route_replace(h, sk, true, v->alias_addr, v->alias_prefixlen,
				   1 /* lo: LOOPBACK_IFINDEX in every namespace */);
	if (!rc)
		rc = route_replace(h, sk, false, 0, 0, int(v->ifindex));
	nl_socket_free(sk);
	return rc;
}

/* The namespace, made as "ip netns add" makes it if it does not exist yet (*@made). */
int open_or_add_netns(struct vnitro_handle *h, const char *name, bool *made)
{
	char err[256];
	int fd = vnitro_netns_open(name), rc;

	*made = false;
	if (fd != -ENOENT)
		return fd >= 0 ? fd : set_error(h, fd, "cannot open network namespace \"%s\": %s",
						 name, strerror(-fd));
	rc = vnitro_netns_add(name, err, sizeof(err));
	*made = !rc;
	if (rc && rc != -EEXIST)
		return set_error(h, rc, "cannot create network namespace \"%s\": %s", name, err);
	fd = vnitro_netns_open(name);
	return fd >= 0 ? fd : set_error(h, fd, "cannot open network namespace \"%s\": %s", name,
					 strerror(-fd));
}

} // namespace

VNITRO_EXPORT int vnitro_services_add(struct vnitro_handle *h, const char *netns_name,
				      struct vnitro_services *out)
{
	struct vnitro_services scratch, *v = out ? out : &scratch;
	struct request req;
	bool made;
	int fd, rc;

	if (!netns_name)
		netns_name = VNITRO_SERVICES_NETNS;
	if (vnitro_netns_name_check(netns_name))
		return set_error(h, -EINVAL, "\"%s\" is not a namespace name", netns_name);
	/* Refused before any namespace is made for it. */
	if (!vnitro_services_get(h, v))
		return set_error(h, -EEXIST, "the services are plugged in already, in \"%s\" "
				 "(vnitro services show)", v->netns_name);
	fd = open_or_add_netns(h, netns_name, &made);
	if (fd < 0)
		return fd;
	request_init(&req, h, VNITRO_CMD_SVC_ADD, NLM_F_ACK);
	request_put_u32(&req, VNITRO_A_NETNS_FD, uint32_t(fd));
	request_put_string(&req, VNITRO_A_NETNS_NAME, netns_name);
	rc = request_do(&req, &services_decoder, v);
	if (!rc) {
		rc = ready_namespace(h, fd, v);
		/* Nothing half-done: what cannot serve is not left plugged. */
		if (rc) {
			char why[sizeof(h->error)];
			struct request undo;

			memcpy(why, h->error, sizeof(why));
			request_init(&undo, h, VNITRO_CMD_SVC_DEL, NLM_F_ACK);
			(void)request_do(&undo, nullptr, nullptr);
			memcpy(h->error, why, sizeof(why));
		}
	}
	close(fd);
	if (rc && made)
		vnitro_netns_del(netns_name);
	return rc;
}

VNITRO_EXPORT int vnitro_services_del(struct vnitro_handle *h)
{
	struct request req;

	request_init(&req, h, VNITRO_CMD_SVC_DEL, NLM_F_ACK);
	return request_do(&req, nullptr, nullptr);
}

VNITRO_EXPORT int vnitro_services_get(struct vnitro_handle *h, struct vnitro_services *out)
{
	struct request req;

	request_init(&req, h, VNITRO_CMD_SVC_GET, NLM_F_ACK);
	return request_do(&req, &services_decoder, out);
}
