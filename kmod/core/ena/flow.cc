// SPDX-License-Identifier: GPL-2.0
// flow.cc - what receive-side scaling reads from a frame: addresses, ports, the fragment bit.
#include "ena/flow.h"
#include "base/text.h"
#include "fabric/frame.h"

using vnitro::fabric::get_be16;

namespace vnitro::ena {

namespace {

enum : uint16_t {
	ethertype_vlan = 0x8100,	// IEEE 802.1Q
	ethertype_ipv6 = 0x86dd,
};

enum : uint8_t {
	ipproto_tcp = 6,
	ipproto_udp = 17,
};

enum : uint32_t {
	vlan_hlen = 4,
	ipv4_min_hlen = 20,
	ipv6_hlen = 40,
	ports_len = 4,			// source and destination port lead TCP and UDP alike
	ipv4_frag_mask = 0x3fff,	// More Fragments and the fragment offset
};

l4_proto l4_of(uint8_t ipproto)
{
	if (ipproto == ipproto_tcp)
		return l4_proto::tcp;
	if (ipproto == ipproto_udp)
		return l4_proto::udp;
	return l4_proto::other;
}

// @l4hdr/@avail: the transport header and how many of its bytes are readable.
void read_ports(flow *out, uint8_t ipproto, const uint8_t *l4hdr, uint32_t avail)
{
	out->l4 = l4_of(ipproto);
	if (out->l4 == l4_proto::other)
		return;
	if (avail < ports_len) {
		out->l4 = l4_proto::other;
		return;
	}
	base::mem_copy(out->src_port, l4hdr, 2);
	base::mem_copy(out->dst_port, l4hdr + 2, 2);
}

bool parse_ipv4(const uint8_t *ip, uint32_t avail, flow *out)
{
	uint32_t hlen;

	if (avail < ipv4_min_hlen || ip[0] >> 4 != 4)
		return false;
	hlen = (ip[0] & 0xf) * 4u;
	if (hlen < ipv4_min_hlen)
		return false;
	out->l3 = l3_proto::ipv4;
	out->addr_len = ipv4_addr_len;
	base::mem_copy(out->src, ip + 12, ipv4_addr_len);
	base::mem_copy(out->dst, ip + 16, ipv4_addr_len);
	// Every fragment of a datagram hashes alike, so none of them reads ports.
	out->fragment = (get_be16(ip + 6) & ipv4_frag_mask) != 0;
	if (!out->fragment && hlen <= avail)
		read_ports(out, ip[9], ip + hlen, avail - hlen);
	return true;
}

bool parse_ipv6(const uint8_t *ip, uint32_t avail, flow *out)
{
	if (avail < ipv6_hlen || ip[0] >> 4 != 6)
		return false;
	out->l3 = l3_proto::ipv6;
	out->addr_len = ipv6_addr_len;
	base::mem_copy(out->src, ip + 8, ipv6_addr_len);
	base::mem_copy(out->dst, ip + 24, ipv6_addr_len);
	read_ports(out, ip[6], ip + ipv6_hlen, avail - ipv6_hlen);
	return true;
}

} // namespace

bool flow_parse(const uint8_t *frame, uint32_t len, flow *out)
{
	uint32_t off = fabric::eth_hlen;
	uint16_t ethertype;

	*out = flow();
	if (len < off)
		return false;
	ethertype = get_be16(frame + 12);
	if (ethertype == ethertype_vlan) {
		if (len < off + vlan_hlen)
			return false;
		ethertype = get_be16(frame + off + 2);
		off += vlan_hlen;
	}
	if (ethertype == fabric::ethertype_ipv4 && parse_ipv4(frame + off, len - off, out))
		return true;
	if (ethertype == ethertype_ipv6 && parse_ipv6(frame + off, len - off, out))
		return true;
	*out = flow();
	return false;
}

} // namespace vnitro::ena
