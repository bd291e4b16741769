/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvnitro: the C API for the vnitro control plane and instance namespaces. */
#ifndef VNITRO_VNITRO_H
#define VNITRO_VNITRO_H

#include <net/if.h>		/* IF_NAMESIZE, POSIX for IFNAMSIZ */
#include <stddef.h>
#include <stdint.h>
#include <linux/vnitro.h>	/* VNITRO_ID_LEN, VNITRO_NAME_LEN, enums */

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Conventions. Functions returning int return 0 (or a non-negative value
 * where stated) on success and a negative errno on failure; after a failure
 * on a handle, vnitro_last_error() explains it. Strings in result structs
 * are NUL-terminated; a field the kernel did not send is "" (or 0). IPv4
 * addresses are uint32_t in network byte order. A handle is not thread-safe:
 * use one per thread. Nothing here keeps a pointer the caller passed in,
 * and pointer arguments must not be NULL unless said otherwise.
 */

#define VNITRO_AZ_LEN		VNITRO_ID_LEN	/* "us-east-1a" */
#define VNITRO_STATUS_LEN	16		/* "available" | "in-use" */
#define VNITRO_PCI_SLOT_LEN	32		/* "10000:00:03.0" */
#define VNITRO_MAC_LEN		6

struct vnitro_handle;

struct vnitro_instance {
	char name[VNITRO_NAME_LEN];
	char subnet_id[VNITRO_ID_LEN];
	char primary_eni_id[VNITRO_ID_LEN];
	uint32_t eni_count;
	char az[VNITRO_AZ_LEN];
};

struct vnitro_eni {
	char id[VNITRO_ID_LEN];
	char subnet_id[VNITRO_ID_LEN];
	char vpc_id[VNITRO_ID_LEN];
	uint8_t mac[VNITRO_MAC_LEN];
	uint32_t private_ip;		/* network byte order */
	uint8_t type;			/* enum vnitro_eni_type */
	uint8_t source_dest_check;	/* 0 or 1 */
	char status[VNITRO_STATUS_LEN];
	/* Attachment: instance "" and device_index -1 while detached. */
	char instance[VNITRO_NAME_LEN];
	int32_t device_index;
	char ifname[IF_NAMESIZE];
	uint32_t ifindex;		/* 0 while detached */
	char pci_slot[VNITRO_PCI_SLOT_LEN];
};

struct vnitro_subnet {
	char id[VNITRO_ID_LEN];
	char vpc_id[VNITRO_ID_LEN];
	uint32_t cidr_addr;		/* network byte order */
	uint8_t cidr_prefixlen;
	char az[VNITRO_AZ_LEN];
};

struct vnitro_vpc {
	char id[VNITRO_ID_LEN];
	uint32_t cidr_addr;		/* network byte order */
	uint8_t cidr_prefixlen;
};

/* What ENI_ADD should create. Zero it, then set what you need. */
struct vnitro_eni_spec {
	const char *subnet_id;		/* required */
	const char *id;			/* NULL: the kernel picks it */
	uint32_t private_ip;		/* 0: the kernel picks it */
	const uint8_t *mac;		/* 6 bytes; NULL: the kernel picks */
	int type;			/* enum vnitro_eni_type; <0: default */
};

/* Returns the library version, e.g. "0.1.0"; a static string. */
const char *vnitro_version(void);

/*
 * Opens a generic netlink socket and resolves the "vnitro" family.
 * Stores a new handle in *hp in every case except -ENOMEM (then *hp is
 * NULL), so the caller can read vnitro_last_error() after a failure; the
 * caller owns the handle and releases it with vnitro_close(). Returns 0,
 * -ENOENT when the vnitro module is not loaded, or another negative errno.
 * The handle is usable for commands only after a 0 return.
 */
int vnitro_open(struct vnitro_handle **hp);

/* Closes the socket and frees the handle. NULL is a no-op. */
void vnitro_close(struct vnitro_handle *h);

/*
 * Returns why the most recent failing call on @h failed: the kernel's
 * extended-ack message if it sent one, otherwise a description of the
 * errno. Successful calls leave it unchanged. The string belongs to @h and
 * stays valid until the next call on @h. Never NULL, even for a NULL @h.
 */
const char *vnitro_last_error(const struct vnitro_handle *h);

/*
 * Commands. Each sends one request and waits for the kernel's answer; it
 * returns 0, or a negative errno with vnitro_last_error() set: the errno
 * the kernel refused with, -ENOTCONN if vnitro_open() failed on @h,
 * -EINVAL / -ENAMETOOLONG for a missing, empty or oversized string
 * (nothing is sent), -EPROTO for a reply that breaks the ABI.
 *
 * Each *_get() fills *out with the one object named (-ENOENT, with the
 * kernel's message, if there is none). Each *_list() stores a malloc()ed
 * array of *count objects in *items (NULL when *count is 0), which the
 * caller releases with free(); on failure *items is NULL and *count 0.
 * The "out" of *_add() and vnitro_eni_attach() may be NULL.
 */

/*
 * INSTANCE_ADD: registers the network namespace open as @netns_fd (-1 for
 * the initial namespace) as instance @name in @subnet_id, and creates its
 * primary ENI at device index 0 with @private_ip (network order; 0 lets the
 * kernel pick). @netns_fd stays the caller's. Fills *out with the instance.
 */
int vnitro_instance_add(struct vnitro_handle *h, const char *name,
			int netns_fd, const char *subnet_id,
			uint32_t private_ip, struct vnitro_instance *out);
/* INSTANCE_DEL: detaches every ENI of @name and deletes its primary ENI. */
int vnitro_instance_del(struct vnitro_handle *h, const char *name);
/* INSTANCE_GET of instance @name, and the dump of all instances. */
int vnitro_instance_get(struct vnitro_handle *h, const char *name,
			struct vnitro_instance *out);
int vnitro_instance_list(struct vnitro_handle *h,
			 struct vnitro_instance **items, size_t *count);

/* ENI_ADD: creates a detached ENI as @spec says; fills *out with it. */
int vnitro_eni_add(struct vnitro_handle *h, const struct vnitro_eni_spec *spec,
		   struct vnitro_eni *out);
/* ENI_DEL: deletes ENI @id; the kernel refuses while it is attached. */
int vnitro_eni_del(struct vnitro_handle *h, const char *id);
/* ENI_GET of ENI @id, and the dump of all ENIs. */
int vnitro_eni_get(struct vnitro_handle *h, const char *id,
		   struct vnitro_eni *out);
int vnitro_eni_list(struct vnitro_handle *h, struct vnitro_eni **items,
		    size_t *count);
/*
 * ENI_ATTACH: attaches ENI @id to @instance at @device_index (0..255).
 * Fills *out with the ENI as attached.
 */
int vnitro_eni_attach(struct vnitro_handle *h, const char *id,
		      const char *instance, uint32_t device_index,
		      struct vnitro_eni *out);
/* ENI_DETACH: the kernel refuses for the primary ENI (device index 0). */
int vnitro_eni_detach(struct vnitro_handle *h, const char *id);

/* VPC_GET and SUBNET_GET: one by id, or the dump of all. */
int vnitro_vpc_get(struct vnitro_handle *h, const char *id,
		   struct vnitro_vpc *out);
int vnitro_vpc_list(struct vnitro_handle *h, struct vnitro_vpc **items,
		    size_t *count);
int vnitro_subnet_get(struct vnitro_handle *h, const char *id,
		      struct vnitro_subnet *out);
int vnitro_subnet_list(struct vnitro_handle *h, struct vnitro_subnet **items,
		       size_t *count);

/*
 * Network namespaces, handled exactly as iproute2's "ip netns" does, so
 * that "ip netns exec NAME" works on an instance and vice versa. They need
 * no handle and CAP_SYS_ADMIN.
 */
#define VNITRO_NETNS_RUN_DIR	"/run/netns"

/*
 * Returns 0 if @name is usable as a namespace name (non-empty, shorter
 * than VNITRO_NAME_LEN, no '/', neither "." nor ".."), else -EINVAL.
 */
int vnitro_netns_name_check(const char *name);

/*
 * "ip netns add NAME": makes VNITRO_NETNS_RUN_DIR a shared mount point,
 * creates VNITRO_NETNS_RUN_DIR/NAME and bind-mounts a new network namespace
 * onto it. Returns 0, -EEXIST if the file already exists (it is left
 * alone), or another negative errno after undoing what it did. On failure,
 * if @err is not NULL, writes a one-line explanation of at most @errlen
 * bytes (NUL included) to it.
 */
int vnitro_netns_add(const char *name, char *err, size_t errlen);

/*
 * Opens the namespace NAME (O_RDONLY | O_CLOEXEC). Returns the file
 * descriptor, which the caller owns and closes, or a negative errno.
 */
int vnitro_netns_open(const char *name);

/*
 * "ip netns del NAME": lazily unmounts and unlinks the namespace file.
 * Returns 0 or the negative errno of unlink(), -ENOENT if there is none.
 */
int vnitro_netns_del(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* VNITRO_VNITRO_H */
