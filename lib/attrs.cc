// SPDX-License-Identifier: LGPL-2.1-or-later
/* The vnitro attribute space: its policy, and replies decoded into structs. */
#include <errno.h>
#include <string.h>

#include <netlink/genl/genl.h>

#include "internal.h"

namespace vnitro::lib {

namespace {

struct attr_info {
	const char *name;
	struct nla_policy policy;
};

struct attr_table {
	struct attr_info a[VNITRO_A_MAX + 1];
};

constexpr attr_info str(const char *name, size_t size)
{
	return { name, { NLA_STRING, 0, uint16_t(size) } };
}

constexpr attr_info u32(const char *name)
{
	return { name, { NLA_U32, 0, 0 } };
}

constexpr attr_info u8(const char *name)
{
	return { name, { NLA_U8, 0, 0 } };
}

constexpr attr_info bytes(const char *name, uint16_t len)
{
	return { name, { NLA_UNSPEC, len, len } };
}

/* Strings are bounded by the result field they land in, NUL included. */
constexpr attr_table make_table()
{
	attr_table t{};

	t.a[VNITRO_A_INSTANCE_NAME] = str("INSTANCE_NAME", VNITRO_NAME_LEN);
	t.a[VNITRO_A_NETNS_FD] = u32("NETNS_FD");
	t.a[VNITRO_A_VPC_ID] = str("VPC_ID", VNITRO_ID_LEN);
	t.a[VNITRO_A_SUBNET_ID] = str("SUBNET_ID", VNITRO_ID_LEN);
	t.a[VNITRO_A_ENI_ID] = str("ENI_ID", VNITRO_ID_LEN);
	t.a[VNITRO_A_MAC] = bytes("MAC", VNITRO_MAC_LEN);
	t.a[VNITRO_A_PRIVATE_IP] = u32("PRIVATE_IP");
	t.a[VNITRO_A_DEVICE_INDEX] = u32("DEVICE_INDEX");
	t.a[VNITRO_A_IFNAME] = str("IFNAME", IF_NAMESIZE);
	t.a[VNITRO_A_IFINDEX] = u32("IFINDEX");
	t.a[VNITRO_A_ENI_TYPE] = u8("ENI_TYPE");
	t.a[VNITRO_A_SOURCE_DEST_CHECK] = u8("SOURCE_DEST_CHECK");
	t.a[VNITRO_A_CIDR_ADDR] = u32("CIDR_ADDR");
	t.a[VNITRO_A_CIDR_PREFIXLEN] = u8("CIDR_PREFIXLEN");
	t.a[VNITRO_A_AZ] = str("AZ", VNITRO_AZ_LEN);
	t.a[VNITRO_A_PCI_SLOT] = str("PCI_SLOT", VNITRO_PCI_SLOT_LEN);
	t.a[VNITRO_A_PRIMARY_ENI_ID] = str("PRIMARY_ENI_ID", VNITRO_ID_LEN);
	t.a[VNITRO_A_ENI_COUNT] = u32("ENI_COUNT");
	t.a[VNITRO_A_STATUS] = str("STATUS", VNITRO_STATUS_LEN);
	t.a[VNITRO_A_PAD] = bytes("PAD", 0);
	return t;
}

constexpr attr_table table = make_table();

/* libnl wants the policies as one array. */
struct policy_array {
	struct nla_policy p[VNITRO_A_MAX + 1];
};

constexpr policy_array make_policy()
{
	policy_array pa{};

	for (int i = 0; i <= VNITRO_A_MAX; i++)
		pa.p[i] = table.a[i].policy;
	return pa;
}

constexpr policy_array policy = make_policy();

/* The policy bounded the length, so this never truncates. */
template <size_t N>
void get_string(char (&dst)[N], struct nlattr **tb, int attr)
{
	if (tb[attr])
		nla_strlcpy(dst, tb[attr], N);
}

int decode_instance(struct nlattr **tb, void *out)
{
	auto *in = static_cast<struct vnitro_instance *>(out);

	if (!tb[VNITRO_A_INSTANCE_NAME])
		return -EPROTO;
	get_string(in->name, tb, VNITRO_A_INSTANCE_NAME);
	get_string(in->subnet_id, tb, VNITRO_A_SUBNET_ID);
	get_string(in->primary_eni_id, tb, VNITRO_A_PRIMARY_ENI_ID);
	get_string(in->az, tb, VNITRO_A_AZ);
	if (tb[VNITRO_A_ENI_COUNT])
		in->eni_count = nla_get_u32(tb[VNITRO_A_ENI_COUNT]);
	return 0;
}

int decode_attachment(struct nlattr **tb, struct vnitro_eni *e)
{
	e->device_index = -1;
	if (!tb[VNITRO_A_DEVICE_INDEX])
		return 0;
	uint32_t index = nla_get_u32(tb[VNITRO_A_DEVICE_INDEX]);
	if (index > INT32_MAX)
		return -EPROTO;
	e->device_index = int32_t(index);
	get_string(e->instance, tb, VNITRO_A_INSTANCE_NAME);
	get_string(e->ifname, tb, VNITRO_A_IFNAME);
	get_string(e->pci_slot, tb, VNITRO_A_PCI_SLOT);
	if (tb[VNITRO_A_IFINDEX])
		e->ifindex = nla_get_u32(tb[VNITRO_A_IFINDEX]);
	return 0;
}

int decode_eni(struct nlattr **tb, void *out)
{
	auto *e = static_cast<struct vnitro_eni *>(out);

	if (!tb[VNITRO_A_ENI_ID])
		return -EPROTO;
	get_string(e->id, tb, VNITRO_A_ENI_ID);
	get_string(e->subnet_id, tb, VNITRO_A_SUBNET_ID);
	get_string(e->vpc_id, tb, VNITRO_A_VPC_ID);
	get_string(e->status, tb, VNITRO_A_STATUS);
	if (tb[VNITRO_A_MAC])
		memcpy(e->mac, nla_data(tb[VNITRO_A_MAC]), VNITRO_MAC_LEN);
	/* Already in network order: copy the bytes, do not convert. */
	if (tb[VNITRO_A_PRIVATE_IP])
		e->private_ip = nla_get_u32(tb[VNITRO_A_PRIVATE_IP]);
	if (tb[VNITRO_A_ENI_TYPE])
		e->type = nla_get_u8(tb[VNITRO_A_ENI_TYPE]);
	if (tb[VNITRO_A_SOURCE_DEST_CHECK])
		e->source_dest_check =
			!!nla_get_u8(tb[VNITRO_A_SOURCE_DEST_CHECK]);
	return decode_attachment(tb, e);
}

void decode_cidr(struct nlattr **tb, uint32_t *addr, uint8_t *prefixlen)
{
	if (tb[VNITRO_A_CIDR_ADDR])
		*addr = nla_get_u32(tb[VNITRO_A_CIDR_ADDR]);
	if (tb[VNITRO_A_CIDR_PREFIXLEN])
		*prefixlen = nla_get_u8(tb[VNITRO_A_CIDR_PREFIXLEN]);
}

int decode_subnet(struct nlattr **tb, void *out)
{
	auto *s = static_cast<struct vnitro_subnet *>(out);

	if (!tb[VNITRO_A_SUBNET_ID])
		return -EPROTO;
	get_string(s->id, tb, VNITRO_A_SUBNET_ID);
	get_string(s->vpc_id, tb, VNITRO_A_VPC_ID);
	get_string(s->az, tb, VNITRO_A_AZ);
	decode_cidr(tb, &s->cidr_addr, &s->cidr_prefixlen);
	return 0;
}

int decode_vpc(struct nlattr **tb, void *out)
{
	auto *v = static_cast<struct vnitro_vpc *>(out);

	if (!tb[VNITRO_A_VPC_ID])
		return -EPROTO;
	get_string(v->id, tb, VNITRO_A_VPC_ID);
	decode_cidr(tb, &v->cidr_addr, &v->cidr_prefixlen);
	return 0;
}

} // namespace

const struct decoder instance_decoder = {
	sizeof(struct vnitro_instance), decode_instance, "instance",
};
const struct decoder eni_decoder = {
	sizeof(struct vnitro_eni), decode_eni, "ENI",
};
const struct decoder subnet_decoder = {
	sizeof(struct vnitro_subnet), decode_subnet, "subnet",
};
const struct decoder vpc_decoder = {
	sizeof(struct vnitro_vpc), decode_vpc, "VPC",
};

int attrs_parse(struct nlmsghdr *nlh, struct nlattr **tb)
{
	return genlmsg_parse(nlh, 0, tb, VNITRO_A_MAX, policy.p);
}

const char *attrs_name(int attr)
{
	if (attr <= VNITRO_A_UNSPEC || attr > VNITRO_A_MAX)
		return nullptr;
	return table.a[attr].name;
}

size_t attrs_string_size(int attr)
{
	if (attr <= VNITRO_A_UNSPEC || attr > VNITRO_A_MAX ||
	    table.a[attr].policy.type != NLA_STRING)
		return 0;
	return table.a[attr].policy.maxlen;
}

} // namespace vnitro::lib
