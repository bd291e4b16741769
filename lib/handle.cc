// SPDX-License-Identifier: LGPL-2.1-or-later
/* The library handle: its netlink socket, resolved family and last error. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>

#include "internal.h"

#ifndef VNITRO_VERSION
#error "VNITRO_VERSION must come from lib/Makefile"
#endif

namespace vnitro::lib {

int set_error(struct vnitro_handle *h, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->error, sizeof(h->error), fmt, ap);
	va_end(ap);
	return err;
}

int set_errno(struct vnitro_handle *h, int err)
{
	char buf[128];

	/* GNU strerror_r: returns a message, not necessarily in @buf. */
	return set_error(h, err, "%s", strerror_r(-err, buf, sizeof(buf)));
}

/* libnl folds errnos into its own codes; map back the ones that matter. */
int nlerr_to_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_NOMEM:		return -ENOMEM;
	case NLE_PERM:		return -EPERM;
	case NLE_NOACCESS:	return -EACCES;
	case NLE_INTR:		return -EINTR;
	case NLE_AGAIN:		return -EAGAIN;
	case NLE_OBJ_NOTFOUND:	return -ENOENT;
	case NLE_AF_NOSUPPORT:	return -EAFNOSUPPORT;
	case NLE_MSGSIZE:	return -EMSGSIZE;
	case NLE_INVAL:		return -EINVAL;
	case NLE_RANGE:		return -ERANGE;
	case NLE_OPNOTSUPP:	return -EOPNOTSUPP;
	default:		return -EIO;
	}
}

/* Ask for extended acks, and only the header of our request echoed back. */
static void enable_ext_ack(struct nl_sock *sock)
{
	int fd = nl_socket_get_fd(sock);
	int one = 1;

	/* Best effort: without them errors just lose their text. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

static int connect_family(struct vnitro_handle *h)
{
	int rc;

	h->sock = nl_socket_alloc();
	if (!h->sock)
		return set_errno(h, -ENOMEM);
	rc = genl_connect(h->sock);
	if (rc < 0)
		return set_error(h, nlerr_to_errno(rc),
				 "cannot open a generic netlink socket: %s",
				 nl_geterror(rc));
	enable_ext_ack(h->sock);

	rc = genl_ctrl_resolve(h->sock, VNITRO_GENL_NAME);
	if (rc == -NLE_OBJ_NOTFOUND)
		return set_error(h, -ENOENT,
				 "the vnitro kernel module is not loaded (generic netlink family \"%s\" not found)",
				 VNITRO_GENL_NAME);
	if (rc < 0)
		return set_error(h, nlerr_to_errno(rc),
				 "cannot resolve generic netlink family \"%s\": %s",
				 VNITRO_GENL_NAME, nl_geterror(rc));
	h->family = rc;

	/*
	 * Only now: the resolve above relies on libnl's auto-ack. Ours are
	 * requested per message (never on dumps), and sequence numbers are
	 * checked by request.cc.
	 */
	nl_socket_disable_auto_ack(h->sock);
	return 0;
}

} // namespace vnitro::lib

using namespace vnitro::lib;

VNITRO_EXPORT const char *vnitro_version(void)
{
	return VNITRO_VERSION;
}

VNITRO_EXPORT int vnitro_open(struct vnitro_handle **hp)
{
	struct vnitro_handle *h;

	h = static_cast<struct vnitro_handle *>(calloc(1, sizeof(*h)));
	*hp = h;
	if (!h)
		return -ENOMEM;
	h->family = -1;
	snprintf(h->error, sizeof(h->error), "no error");
	return connect_family(h);
}

VNITRO_EXPORT void vnitro_close(struct vnitro_handle *h)
{
	if (!h)
		return;
	nl_socket_free(h->sock);
	free(h);
}

VNITRO_EXPORT const char *vnitro_last_error(const struct vnitro_handle *h)
{
	return h ? h->error : "no vnitro handle (out of memory?)";
}
