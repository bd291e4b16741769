/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Private declarations shared by the files of libvnitro. */
#ifndef VNITRO_LIB_INTERNAL_H
#define VNITRO_LIB_INTERNAL_H

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <vnitro/vnitro.h>

#define VNITRO_EXPORT	extern "C" __attribute__((visibility("default")))

struct nl_sock;

/* Opaque to users; owned by handle.cc. */
struct vnitro_handle {
	struct nl_sock *sock;
	int family;		/* resolved id; -1 until vnitro_open() works */
	char error[512];	/* vnitro_last_error() */
};

namespace vnitro::lib {

/* handle.cc */
int set_error(struct vnitro_handle *h, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int set_errno(struct vnitro_handle *h, int err);
int nlerr_to_errno(int nlerr);

/*
 * extack.cc: writes the extended-ack text of an NLMSG_ERROR or NLMSG_DONE
 * message to @buf; returns false if it carries none.
 */
bool extack_message(const struct nlmsghdr *nlh, char *buf, size_t len);

/* attrs.cc: the attribute space, and decoding replies into result structs. */
typedef int (*decode_fn)(struct nlattr **tb, void *out);
struct decoder {
	size_t size;		/* of the result struct */
	decode_fn decode;	/* 0 or -EPROTO */
	const char *what;	/* "ENI", for messages */
};
extern const struct decoder instance_decoder;
extern const struct decoder tunnel_decoder;
extern const struct decoder eni_decoder;
extern const struct decoder subnet_decoder;
extern const struct decoder vpc_decoder;
extern const struct decoder route_decoder;
extern const struct decoder igw_decoder;
extern const struct decoder type_decoder;
extern const struct decoder sg_decoder;
extern const struct decoder nacl_decoder;
extern const struct decoder eip_decoder;
extern const struct decoder eip_pool_decoder;
extern const struct decoder services_decoder;
extern const struct decoder world_decoder;
extern const struct decoder path_decoder;
extern const struct decoder pg_decoder;
/* Validates a reply against the policy into @tb; 0 or a libnl error. */
int attrs_parse(struct nlmsghdr *nlh, struct nlattr **tb);
/* "ENI_ID" for VNITRO_A_ENI_ID; NULL if unknown. */
const char *attrs_name(int attr);
/* Buffer size (NUL included) of a string attribute, 0 if not a string. */
size_t attrs_string_size(int attr);

/*
 * sg.cc: the kernel sends a group whose rules overflow a message as several
 * messages with the same id, one after the other; this folds them into one
 * (in place; *count shrinks). -EPROTO after set_error() if a group would
 * hold more rules than a group can.
 */
int merge_split_groups(struct vnitro_handle *h, struct vnitro_sg *items, size_t *count);
/* nacl.cc: the same for a dump's ACLs, whose entries may be cut the same way. */
int merge_split_nacls(struct vnitro_handle *h, struct vnitro_nacl *items, size_t *count);

/*
 * What both do: @items are objects with an `id`, a count (@n) and an array
 * (@list) of at most N items; consecutive ones with the same id are joined.
 * @what names the object and its items in the error ("security group",
 * "rules").
 */
template <typename Obj, typename Item, size_t N>
int merge_split(struct vnitro_handle *h, Obj *items, size_t *count, uint32_t Obj::*n,
		Item (Obj::*list)[N], const char *what, const char *item_name)
{
	size_t out = 0;

	for (size_t i = 0; i < *count; i++) {
		Obj *prev = out ? &items[out - 1] : nullptr;

		if (!prev || strcmp(prev->id, items[i].id)) {
			if (out != i)
				memcpy(&items[out], &items[i], sizeof(items[i]));
			out++;
			continue;
		}
		if (prev->*n + items[i].*n > N)
			return set_error(h, -EPROTO, "%s %s has too many %s in the kernel's reply",
					 what, prev->id, item_name);
		memcpy(&(prev->*list)[prev->*n], items[i].*list, items[i].*n * sizeof(Item));
		prev->*n += items[i].*n;
	}
	*count = out;
	return 0;
}

/* request.cc: one request, its replies and its acknowledgement. */
struct request {
	struct vnitro_handle *h;
	struct nl_msg *msg;
	int err;		/* first failure while building it */
};
void request_init(struct request *req, struct vnitro_handle *h, uint8_t cmd,
		  int flags);
/* Puts record a failure in req->err, which request_do() reports. */
void request_put_string(struct request *req, int attr, const char *value);
void request_put_u32(struct request *req, int attr, uint32_t value);
void request_put_u64(struct request *req, int attr, uint64_t value);
void request_put_u8(struct request *req, int attr, uint8_t value);
void request_put_u16(struct request *req, int attr, uint16_t value);
void request_put(struct request *req, int attr, size_t len, const void *data);
/* A nest around the puts between them; end takes what start returned. */
struct nlattr *request_nest_start(struct request *req, int attr);
void request_nest_end(struct request *req, struct nlattr *nest);
/*
 * Sends the request and waits for its acknowledgement; decodes the one
 * reply into @out if @dec is set (the kernel must then send one). Frees the
 * message. Returns 0 or a negative errno after set_error().
 */
int request_do(struct request *req, const struct decoder *dec, void *out);
/* Sends a dump request and collects every reply into a malloc()ed array. */
int request_dump(struct request *req, const struct decoder *dec,
		 void **items, size_t *count);
/*
 * Command @cmd on the one object whose string attribute @key_attr is @key:
 * request_do() of a request holding only that key.
 */
int request_by_key(struct vnitro_handle *h, uint8_t cmd, int key_attr,
		   const char *key, const struct decoder *dec, void *out);
/* A dump of every object of GET command @cmd. */
int request_list(struct vnitro_handle *h, uint8_t cmd,
		 const struct decoder *dec, void **items, size_t *count);

template <typename T>
int request_list_of(struct vnitro_handle *h, uint8_t cmd,
		    const struct decoder *dec, T **items, size_t *count)
{
	void *array = nullptr;
	int rc = request_list(h, cmd, dec, &array, count);

	*items = static_cast<T *>(array);
	return rc;
}

/*
 * route.cc: a route request's SUBNET_ID and destination, the IPv4 @addr
 * (network order) or, when @addr6 is not NULL, the IPv6 @addr6.
 */
void route_put_destination(struct request *req, const char *subnet_id, uint32_t addr,
			   const uint8_t *addr6, uint8_t prefixlen);
/*
 * route.cc: IGW_ADD's attributes, NETNS_FD only for @netns_fd >= 0,
 * NETNS_NAME only if not NULL, FRAG_NEEDED (0 or 1) only for @frag_needed
 * >= 0: never for an egress-only gateway, for which the kernel refuses it.
 */
void igw_put_add(struct request *req, const char *id, const char *vpc_id, int netns_fd,
		 const char *netns_name, int frag_needed);

/*
 * path.cc: whether @c marks no field (the index is none), and PATH_SET's
 * attributes for those it marks: PATH_INDEX first with has_index.
 */
bool path_change_empty(const struct vnitro_path_change *c);
void path_put_change(struct request *req, const struct vnitro_path_change *c);

} // namespace vnitro::lib

#endif /* VNITRO_LIB_INTERNAL_H */
