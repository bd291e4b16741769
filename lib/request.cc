// SPDX-License-Identifier: LGPL-2.1-or-later
/* One request to the vnitro family: building it, its replies and its ack. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <netlink/errno.h>
#include <netlink/genl/genl.h>
#include <netlink/handlers.h>
#include <netlink/socket.h>

#include "internal.h"

namespace vnitro::lib {

namespace {

/* What the callbacks of one request share. */
struct exchange {
	struct vnitro_handle *h;
	const struct decoder *dec;
	uint32_t seq;
	bool dump;
	void *out;		/* !dump: the one result */
	char *items;		/* dump: malloc()ed results */
	size_t count, cap;
	int err;		/* first failure; the rest are dropped */
	bool replied, done, interrupted;
};

int fail(struct exchange *x, int err)
{
	if (!x->err)
		x->err = err;
	return err;
}

/* The kernel refused: keep its extack text, or describe the errno. */
void kernel_error(struct exchange *x, const struct nlmsghdr *nlh, int err)
{
	char text[sizeof(x->h->error)];

	if (x->err)
		return;
	if (extack_message(nlh, text, sizeof(text)))
		set_error(x->h, err, "%s", text);
	else
		set_errno(x->h, err);
	x->err = err;
}

/* Where the next result goes: the caller's struct, or a new array slot. */
void *next_slot(struct exchange *x)
{
	if (!x->dump)
		return x->replied ? nullptr : x->out;
	if (x->count == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 16;
		char *items = static_cast<char *>(
			realloc(x->items, cap * x->dec->size));

		if (!items)
			return nullptr;
		x->items = items;
		x->cap = cap;
	}
	return x->items + x->count * x->dec->size;
}

int on_valid(struct nl_msg *msg, void *arg)
{
	auto *x = static_cast<struct exchange *>(arg);
	struct nlattr *tb[VNITRO_A_MAX + 1] = {};
	void *slot;

	if (x->err || !x->dec)
		return NL_SKIP;
	if (attrs_parse(nlmsg_hdr(msg), tb) < 0) {
		fail(x, set_error(x->h, -EPROTO,
				  "malformed %s in the kernel's reply",
				  x->dec->what));
		return NL_SKIP;
	}
	slot = next_slot(x);
	if (!slot) {
		/* Out of memory, or a second reply to a GET (ignored). */
		if (x->dump)
			fail(x, set_errno(x->h, -ENOMEM));
		return NL_SKIP;
	}
	memset(slot, 0, x->dec->size);
	if (x->dec->decode(tb, slot) < 0) {
		fail(x, set_error(x->h, -EPROTO,
				  "incomplete %s in the kernel's reply",
				  x->dec->what));
		return NL_SKIP;
	}
	x->replied = true;
	if (x->dump)
		x->count++;
	return NL_OK;
}

/* NLMSG_DONE ends a dump; an int after it is the dump's errno. */
int on_finish(struct nl_msg *msg, void *arg)
{
	auto *x = static_cast<struct exchange *>(arg);
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (nlmsg_datalen(nlh) >= int(sizeof(int))) {
		int err = *static_cast<int *>(nlmsg_data(nlh));

		if (err < 0)
			kernel_error(x, nlh, err);
	}
	x->done = true;
	return NL_STOP;
}

int on_ack(struct nl_msg *, void *arg)
{
	static_cast<struct exchange *>(arg)->done = true;
	return NL_STOP;
}

int on_error(struct sockaddr_nl *, struct nlmsgerr *e, void *arg)
{
	auto *x = static_cast<struct exchange *>(arg);
	/* libnl hands us the payload; the header sits just before it. */
	auto *nlh = reinterpret_cast<const struct nlmsghdr *>(
		reinterpret_cast<const char *>(e) - NLMSG_HDRLEN);

	kernel_error(x, nlh, e->error);
	x->done = true;
	return NL_STOP;
}

/* Drop what answers an earlier request we gave up on. */
int on_seq_check(struct nl_msg *msg, void *arg)
{
	auto *x = static_cast<struct exchange *>(arg);

	return nlmsg_hdr(msg)->nlmsg_seq == x->seq ? NL_OK : NL_SKIP;
}

int on_dump_intr(struct nl_msg *, void *arg)
{
	static_cast<struct exchange *>(arg)->interrupted = true;
	return NL_OK;
}

struct nl_cb *callbacks_new(struct exchange *x)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	if (!cb)
		return nullptr;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, x);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq_check, x);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, x);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, x);
	return cb;
}

int receive(struct exchange *x, struct nl_cb *cb)
{
	while (!x->done) {
		int rc = nl_recvmsgs_report(x->h->sock, cb);

		if (x->done)
			break;
		/* 0: nothing was read, the socket went away. */
		if (rc <= 0)
			return fail(x, set_error(x->h,
						 rc ? nlerr_to_errno(rc) : -EIO,
						 "netlink receive failed: %s",
						 nl_geterror(rc)));
	}
	return x->err;
}

/* Sends req->msg and runs the exchange to its ack, error or NLMSG_DONE. */
int transact(struct request *req, struct exchange *x)
{
	struct nl_cb *cb;
	int rc;

	if (req->err) {
		nlmsg_free(req->msg);
		return req->err;
	}
	cb = callbacks_new(x);
	if (!cb) {
		nlmsg_free(req->msg);
		return set_errno(req->h, -ENOMEM);
	}
	rc = nl_send_auto(req->h->sock, req->msg);
	x->seq = nlmsg_hdr(req->msg)->nlmsg_seq;
	nlmsg_free(req->msg);
	if (rc < 0)
		rc = set_error(req->h, nlerr_to_errno(rc),
			       "netlink send failed: %s", nl_geterror(rc));
	else
		rc = receive(x, cb);
	nl_cb_put(cb);
	return rc;
}

void put_result(struct request *req, int rc)
{
	if (rc < 0 && !req->err)
		req->err = set_error(req->h, -EMSGSIZE,
				     "the request does not fit in a netlink message");
}

} // namespace

void request_init(struct request *req, struct vnitro_handle *h, uint8_t cmd,
		  int flags)
{
	req->h = h;
	req->err = 0;
	req->msg = nullptr;
	if (h->family < 0) {
		req->err = set_error(h, -ENOTCONN,
				     "the handle is not connected to the vnitro family");
		return;
	}
	req->msg = nlmsg_alloc();
	if (!req->msg) {
		req->err = set_errno(h, -ENOMEM);
		return;
	}
	if (!genlmsg_put(req->msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->family, 0,
			 flags, cmd, VNITRO_GENL_VERSION))
		put_result(req, -NLE_NOMEM);
}

void request_put_string(struct request *req, int attr, const char *value)
{
	size_t size = attrs_string_size(attr);

	if (req->err)
		return;
	if (!value)
		req->err = set_error(req->h, -EINVAL, "%s is required",
				     attrs_name(attr));
	else if (!value[0])
		req->err = set_error(req->h, -EINVAL, "empty %s",
				     attrs_name(attr));
	else if (strlen(value) >= size)
		req->err = set_error(req->h, -ENAMETOOLONG,
				     "%s \"%s\" is too long (at most %zu characters)",
				     attrs_name(attr), value, size - 1);
	else
		put_result(req, nla_put_string(req->msg, attr, value));
}

void request_put_u32(struct request *req, int attr, uint32_t value)
{
	if (!req->err)
		put_result(req, nla_put_u32(req->msg, attr, value));
}

void request_put_u64(struct request *req, int attr, uint64_t value)
{
	if (!req->err)
		put_result(req, nla_put_u64(req->msg, attr, value));
}

void request_put_u8(struct request *req, int attr, uint8_t value)
{
	if (!req->err)
		put_result(req, nla_put_u8(req->msg, attr, value));
}

void request_put_u16(struct request *req, int attr, uint16_t value)
{
	if (!req->err)
		put_result(req, nla_put_u16(req->msg, attr, value));
}

void request_put(struct request *req, int attr, size_t len, const void *data)
{
	if (!req->err)
		put_result(req, nla_put(req->msg, attr, int(len), data));
}

struct nlattr *request_nest_start(struct request *req, int attr)
{
	struct nlattr *nest;

	if (req->err)
		return nullptr;
	nest = nla_nest_start(req->msg, attr);
	if (!nest)
		put_result(req, -NLE_NOMEM);
	return nest;
}

void request_nest_end(struct request *req, struct nlattr *nest)
{
	if (!req->err && nest)
		nla_nest_end(req->msg, nest);
}

int request_do(struct request *req, const struct decoder *dec, void *out)
{
	struct exchange x = {};
	int rc;

	x.h = req->h;
	x.dec = dec;
	x.out = out;
	rc = transact(req, &x);
	if (!rc && dec && !x.replied)
		rc = set_error(req->h, -EPROTO,
			       "the kernel acknowledged but sent no %s",
			       dec->what);
	return rc;
}

int request_dump(struct request *req, const struct decoder *dec,
		 void **items, size_t *count)
{
	struct exchange x = {};
	int rc;

	*items = nullptr;
	*count = 0;
	x.h = req->h;
	x.dec = dec;
	x.dump = true;
	rc = transact(req, &x);
	if (!rc && x.interrupted)
		rc = set_error(req->h, -EAGAIN,
			       "the %s list changed while being read; try again",
			       dec->what);
	if (rc < 0) {
		free(x.items);
		return rc;
	}
	*items = x.items;
	*count = x.count;
	return 0;
}

int request_by_key(struct vnitro_handle *h, uint8_t cmd, int key_attr,
		   const char *key, const struct decoder *dec, void *out)
{
	struct request req;

	request_init(&req, h, cmd, NLM_F_ACK);
	request_put_string(&req, key_attr, key);
	return request_do(&req, dec, out);
}

int request_list(struct vnitro_handle *h, uint8_t cmd,
		 const struct decoder *dec, void **items, size_t *count)
{
	struct request req;

	request_init(&req, h, cmd, NLM_F_DUMP);
	return request_dump(&req, dec, items, count);
}

} // namespace vnitro::lib
