// SPDX-License-Identifier: GPL-2.0
/*
 * genl-raw.c - sends the "vnitro" family malformed requests that the CLI would
 * never build, so the tests can see the kernel's own policy at work.
 * Prints "Error: <extack message>" and exits 1 when the kernel refuses.
 * "sg-dump" reads the SG_GET dump as it comes, in 4 KiB reads: one line per
 * message, "SG_ID RULES", so sg.sh sees the kernel split large groups;
 * "nacl-dump" does the same with NACL_GET ("NACL_ID ENTRIES") for sg6.sh.
 */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <linux/vnitro.h>

struct request {
	struct nlmsghdr nlh;
	struct genlmsghdr genl;
	char attrs[256];
};

static void put_attr(struct request *req, unsigned short type, const void *data, unsigned short len)
{
	struct nlattr *nla = (struct nlattr *)((char *)req + NLMSG_ALIGN(req->nlh.nlmsg_len));

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	memcpy((char *)nla + NLA_HDRLEN, data, len);
	req->nlh.nlmsg_len = NLMSG_ALIGN(req->nlh.nlmsg_len) + NLA_ALIGN(nla->nla_len);
}

static void start(struct request *req, unsigned short family, unsigned char cmd)
{
	memset(req, 0, sizeof(*req));
	req->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	req->nlh.nlmsg_type = family;
	req->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req->genl.cmd = cmd;
	req->genl.version = 1;
}

/* Sends @req; returns the ack's errno (0 on success) and copies any reply/extack. */
static int transact(int fd, struct request *req, char *reply, size_t reply_len, char *msg, size_t msg_len)
{
	char buf[8192];
	ssize_t n;

	msg[0] = '\0';
	if (send(fd, req, req->nlh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			struct nlmsgerr *err = NLMSG_DATA(nlh);
			struct nlattr *nla;
			int rem;

			if (nlh->nlmsg_type != NLMSG_ERROR) {
				if (reply)
					memcpy(reply, nlh, nlh->nlmsg_len < reply_len ? nlh->nlmsg_len : reply_len);
				continue;
			}
			if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
				return err->error;
			/* Without NLM_F_CAPPED the original request follows the error. */
			nla = (struct nlattr *)((char *)err + sizeof(*err) +
				(nlh->nlmsg_flags & NLM_F_CAPPED ? 0 : NLMSG_ALIGN(err->msg.nlmsg_len) - NLMSG_HDRLEN));
			rem = (char *)nlh + nlh->nlmsg_len - (char *)nla;
			for (; rem >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN && nla->nla_len <= rem;
			     rem -= NLA_ALIGN(nla->nla_len), nla = (struct nlattr *)((char *)nla + NLA_ALIGN(nla->nla_len)))
				if ((nla->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
					snprintf(msg, msg_len, "%s", (char *)nla + NLA_HDRLEN);
			return err->error;
		}
	}
}

static int resolve_family(int fd)
{
	char reply[4096], msg[256];
	struct request req;
	struct nlattr *nla;
	int ret, rem;

	start(&req, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	put_attr(&req, CTRL_ATTR_FAMILY_NAME, VNITRO_GENL_NAME, sizeof(VNITRO_GENL_NAME));
	ret = transact(fd, &req, reply, sizeof(reply), msg, sizeof(msg));
	if (ret)
		return ret;
	nla = (struct nlattr *)(reply + NLMSG_HDRLEN + GENL_HDRLEN);
	rem = ((struct nlmsghdr *)reply)->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	for (; rem >= NLA_HDRLEN; rem -= NLA_ALIGN(nla->nla_len),
	     nla = (struct nlattr *)((char *)nla + NLA_ALIGN(nla->nla_len)))
		if (nla->nla_type == CTRL_ATTR_FAMILY_ID)
			return *(unsigned short *)((char *)nla + NLA_HDRLEN);
	return -ENOENT;
}

/* What a dump lists: its command, the object's id, the nest of its items, an item. */
struct dump_kind {
	int cmd, id_attr, nest_attr, item_attr;
};

static const struct dump_kind sg_kind = {
	VNITRO_CMD_SG_GET, VNITRO_A_SECURITY_GROUP_ID, VNITRO_A_SG_RULES, VNITRO_A_SG_RULE
};
static const struct dump_kind nacl_kind = {
	VNITRO_CMD_NACL_GET, VNITRO_A_NACL_ID, VNITRO_A_NACL_ENTRIES, VNITRO_A_NACL_ENTRY
};

/* The items a dump message carries: @k's items in its nest (SG_RULE of SG_RULES, ...). */
static int count_rules(const struct dump_kind *k, struct nlmsghdr *nlh, const char **id)
{
	struct nlattr *nla = (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	int rem = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, rules = 0;

	*id = "?";
	for (; rem >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN && nla->nla_len <= rem;
	     rem -= NLA_ALIGN(nla->nla_len), nla = (struct nlattr *)((char *)nla + NLA_ALIGN(nla->nla_len))) {
		struct nlattr *r = (struct nlattr *)((char *)nla + NLA_HDRLEN);
		int left = nla->nla_len - NLA_HDRLEN;

		if (nla->nla_type == k->id_attr)
			*id = (char *)nla + NLA_HDRLEN;
		if ((nla->nla_type & NLA_TYPE_MASK) != k->nest_attr)
			continue;
		for (; left >= NLA_HDRLEN && r->nla_len >= NLA_HDRLEN && r->nla_len <= left;
		     left -= NLA_ALIGN(r->nla_len), r = (struct nlattr *)((char *)r + NLA_ALIGN(r->nla_len)))
			rules += (r->nla_type & NLA_TYPE_MASK) == k->item_attr;
	}
	return rules;
}

/*
 * On a socket of its own: the kernel sizes a dump's skbs by the largest read
 * the socket has seen, and resolve_family() read 8 KiB on the other one.
 */
static int dump(const struct dump_kind *k, int family)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	struct request req;
	char buf[4096];

	if (fd < 0)
		return -errno;
	start(&req, family, k->cmd);
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	if (send(fd, &req, req.nlh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		ssize_t n = recvmsg(fd, &mh, 0);

		if (n < 0)
			return -errno;
		if (mh.msg_flags & MSG_TRUNC)
			return -EMSGSIZE;	/* a message larger than 4 KiB */
		for (; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			const char *id;
			int rules;

			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
			rules = count_rules(k, nlh, &id);
			printf("%s %d\n", id, rules);
		}
	}
}

int main(int argc, char **argv)
{
	static const char subnet[] = "subnet-default", ifname[] = "eth9";
	const unsigned char short_mac[4] = { 2, 0, 0, 1 };
	int fd, one = 1, family, ret;
	struct request req;
	char msg[256];

	if (argc != 2) {
		fprintf(stderr, "usage: %s reply-only-attr|adapter-attr|vcpus-attr|peak-attr|efas-attr|"
			"short-mac|missing-subnet|sg-dump|nacl-dump\n",
			argv[0]);
		return 2;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0 || setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one))) {
		perror("netlink");
		return 1;
	}
	family = resolve_family(fd);
	if (family < 0) {
		fprintf(stderr, "Error: family %s: %s\n", VNITRO_GENL_NAME, strerror(-family));
		return 1;
	}
	if (!strcmp(argv[1], "sg-dump") || !strcmp(argv[1], "nacl-dump")) {
		ret = dump(argv[1][0] == 's' ? &sg_kind : &nacl_kind, family);
		if (ret)
			fprintf(stderr, "Error: %s: %s\n", argv[1], strerror(-ret));
		return !!ret;
	}
	if (!strcmp(argv[1], "reply-only-attr")) {
		start(&req, family, VNITRO_CMD_ENI_ADD);
		put_attr(&req, VNITRO_A_SUBNET_ID, subnet, sizeof(subnet));
		put_attr(&req, VNITRO_A_IFNAME, ifname, sizeof(ifname));
	} else if (!strcmp(argv[1], "adapter-attr")) {
		/* An ENI cannot choose its adapter: the instance type does. */
		uint8_t adapter = VNITRO_ADAPTER_IXGBEVF;

		start(&req, family, VNITRO_CMD_ENI_ADD);
		put_attr(&req, VNITRO_A_SUBNET_ID, subnet, sizeof(subnet));
		put_attr(&req, VNITRO_A_ADAPTER, &adapter, sizeof(adapter));
	} else if (!strcmp(argv[1], "vcpus-attr") || !strcmp(argv[1], "peak-attr") ||
		   !strcmp(argv[1], "efas-attr")) {
		/* An instance cannot give itself more than its type has. */
		static const char name[] = "i-genl-raw", type[] = "t3.micro";
		uint32_t big = 1000000;
		int attr = argv[1][0] == 'v' ? VNITRO_A_VCPUS :
			   argv[1][0] == 'p' ? VNITRO_A_PEAK_MBPS : VNITRO_A_MAX_EFAS;

		start(&req, family, VNITRO_CMD_INSTANCE_ADD);
		put_attr(&req, VNITRO_A_INSTANCE_NAME, name, sizeof(name));
		put_attr(&req, VNITRO_A_SUBNET_ID, subnet, sizeof(subnet));
		put_attr(&req, VNITRO_A_INSTANCE_TYPE, type, sizeof(type));
		put_attr(&req, attr, &big, sizeof(big));
	} else if (!strcmp(argv[1], "short-mac")) {
		start(&req, family, VNITRO_CMD_ENI_ADD);
		put_attr(&req, VNITRO_A_SUBNET_ID, subnet, sizeof(subnet));
		put_attr(&req, VNITRO_A_MAC, short_mac, sizeof(short_mac));
	} else if (!strcmp(argv[1], "missing-subnet")) {
		start(&req, family, VNITRO_CMD_ENI_ADD);
	} else {
		fprintf(stderr, "Error: unknown case \"%s\"\n", argv[1]);
		return 2;
	}
	ret = transact(fd, &req, NULL, 0, msg, sizeof(msg));
	if (ret) {
		fprintf(stderr, "Error: %s (%s)\n", msg[0] ? msg : "(no extack message)", strerror(-ret));
		return 1;
	}
	printf("accepted\n");
	return 0;
}
