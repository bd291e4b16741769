/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/* The "vnitro" generic netlink family: the control plane's only ABI. */
#ifndef _UAPI_LINUX_VNITRO_H
#define _UAPI_LINUX_VNITRO_H

#define VNITRO_GENL_NAME	"vnitro"
#define VNITRO_GENL_VERSION	1

/*
 * Commands. Every command takes and returns attributes of the single
 * VNITRO_A_* space below. GET commands support NLM_F_DUMP; a GET with an
 * identifying attribute (name or id) answers for that one object.
 * Mutating commands need CAP_NET_ADMIN. Failures carry an extack message.
 *
 * INSTANCE_ADD  NAME, NETNS_FD (omit for the init namespace), SUBNET_ID,
 *               optional PRIVATE_IP for the primary ENI.
 *               Registers the namespace as an instance and creates and
 *               attaches its primary ENI at device index 0.
 *               Reply: the instance (as INSTANCE_GET).
 * INSTANCE_DEL  NAME. Detaches every ENI; deletes the primary ENI.
 * INSTANCE_GET  [NAME].
 * ENI_ADD       SUBNET_ID, optional ENI_ID, PRIVATE_IP, MAC, ENI_TYPE.
 *               Reply: the ENI (as ENI_GET).
 * ENI_DEL       ENI_ID. Refused while attached.
 * ENI_GET       [ENI_ID].
 * ENI_ATTACH    ENI_ID, INSTANCE_NAME, DEVICE_INDEX. Reply: the ENI.
 * ENI_DETACH    ENI_ID. Refused for device index 0 (the primary ENI).
 * VPC_GET       [VPC_ID].
 * SUBNET_GET    [SUBNET_ID].
 *
 * ADD, ATTACH and GET answer with the object; DEL and DETACH only ack.
 * ENI ids are "eni-" and 1 to 17 lowercase hex digits. Device indexes run
 * from 0 to VNITRO_MAX_DEVICE_INDEX. The default world's instance for the
 * initial namespace is "i-host" (module parameter default_world); an
 * INSTANCE_ADD without NETNS_FD registers the initial namespace.
 */
enum vnitro_cmd {
	VNITRO_CMD_UNSPEC,
	VNITRO_CMD_INSTANCE_ADD,
	VNITRO_CMD_INSTANCE_DEL,
	VNITRO_CMD_INSTANCE_GET,
	VNITRO_CMD_ENI_ADD,
	VNITRO_CMD_ENI_DEL,
	VNITRO_CMD_ENI_GET,
	VNITRO_CMD_ENI_ATTACH,
	VNITRO_CMD_ENI_DETACH,
	VNITRO_CMD_VPC_GET,
	VNITRO_CMD_SUBNET_GET,

	__VNITRO_CMD_MAX,
	VNITRO_CMD_MAX = __VNITRO_CMD_MAX - 1
};

/* Identifier lengths, counting the terminating NUL. */
enum {
	VNITRO_ID_LEN = 32,		/* "eni-0123456789abcdef0", "subnet-…" */
	VNITRO_NAME_LEN = 64,		/* instance (network namespace) name */
	VNITRO_AZ_LEN = 32,
	VNITRO_STATUS_LEN = 16,
	VNITRO_PCI_SLOT_LEN = 32,
	VNITRO_MAX_DEVICE_INDEX = 31,
};

enum vnitro_eni_type {
	VNITRO_ENI_TYPE_INTERFACE,
	VNITRO_ENI_TYPE_EFA,
};

/* IPv4 addresses are u32 in network byte order, as in IFA_ADDRESS. */
enum vnitro_attr {
	VNITRO_A_UNSPEC,
	VNITRO_A_INSTANCE_NAME,		/* string */
	VNITRO_A_NETNS_FD,		/* u32: fd of the instance's netns */
	VNITRO_A_VPC_ID,		/* string */
	VNITRO_A_SUBNET_ID,		/* string */
	VNITRO_A_ENI_ID,		/* string */
	VNITRO_A_MAC,			/* binary, 6 bytes */
	VNITRO_A_PRIVATE_IP,		/* u32, network order */
	VNITRO_A_DEVICE_INDEX,		/* u32 */
	VNITRO_A_IFNAME,		/* string (reply only) */
	VNITRO_A_IFINDEX,		/* u32 (reply only) */
	VNITRO_A_ENI_TYPE,		/* u8, enum vnitro_eni_type */
	VNITRO_A_SOURCE_DEST_CHECK,	/* u8, 0 or 1 */
	VNITRO_A_CIDR_ADDR,		/* u32, network order (reply only) */
	VNITRO_A_CIDR_PREFIXLEN,	/* u8 (reply only) */
	VNITRO_A_AZ,			/* string (reply only) */
	VNITRO_A_PCI_SLOT,		/* string, "10000:00:03.0" (reply only) */
	VNITRO_A_PRIMARY_ENI_ID,	/* string (instance reply only) */
	VNITRO_A_ENI_COUNT,		/* u32 (instance reply only) */
	VNITRO_A_STATUS,		/* string: "available" | "in-use" */
	VNITRO_A_PAD,

	__VNITRO_A_MAX,
	VNITRO_A_MAX = __VNITRO_A_MAX - 1
};

#endif /* _UAPI_LINUX_VNITRO_H */
