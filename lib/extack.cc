// SPDX-License-Identifier: LGPL-2.1-or-later
/* Extended-ack parsing: the kernel's error text after an nlmsgerr. */
#include <stdio.h>
#include <string.h>

#include <linux/netlink.h>
#include <netlink/attr.h>

#include "internal.h"

namespace vnitro::lib {

/*
 * Where the TLVs start in the payload of @nlh, or 0 if there are none.
 * NLMSG_ERROR: struct nlmsgerr, then our request's payload unless the
 * kernel capped it (NETLINK_CAP_ACK). NLMSG_DONE ending a dump: an int.
 */
static size_t tlv_offset(const struct nlmsghdr *nlh, size_t payload)
{
	const struct nlmsgerr *e;
	size_t off;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	if (nlh->nlmsg_type == NLMSG_DONE)
		return NLMSG_ALIGN(sizeof(int));
	if (nlh->nlmsg_type != NLMSG_ERROR || payload < sizeof(*e))
		return 0;

	e = static_cast<const struct nlmsgerr *>(NLMSG_DATA(nlh));
	off = NLMSG_ALIGN(sizeof(*e));
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return 0;
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	}
	return off;
}

bool extack_message(const struct nlmsghdr *nlh, char *buf, size_t len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = {};
	size_t payload, off;
	struct nlattr *head;

	if (nlh->nlmsg_len < NLMSG_HDRLEN)
		return false;
	payload = nlh->nlmsg_len - NLMSG_HDRLEN;
	off = tlv_offset(nlh, payload);
	if (!off || off >= payload)
		return false;

	head = reinterpret_cast<struct nlattr *>(
		static_cast<char *>(NLMSG_DATA(nlh)) + off);
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, head, int(payload - off), nullptr))
		return false;

	if (tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 0) {
		nla_strlcpy(buf, tb[NLMSGERR_ATTR_MSG], len);
		return buf[0] != '\0';
	}
	/* A policy's required attribute was absent: no text, only its type. */
	if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
	    nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) >= int(sizeof(uint32_t))) {
		int type = int(nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]));
		const char *name = attrs_name(type);

		if (name)
			snprintf(buf, len, "missing attribute %s", name);
		else
			snprintf(buf, len, "missing attribute %d", type);
		return true;
	}
	return false;
}

} // namespace vnitro::lib
