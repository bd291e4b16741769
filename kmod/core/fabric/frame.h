// SPDX-License-Identifier: GPL-2.0
// frame.h - Ethernet, ARP and IPv4 wire constants, big-endian field access, the VPC's MACs.
#pragma once

#include "base/base.h"
#include "vcore/fabric.h"

namespace vnitro::fabric {

enum : uint32_t {
	eth_alen = 6,
	eth_hlen = 14,
	arp_len = 28,			// Ethernet/IPv4 ARP payload
	arp_frame_len = eth_hlen + arp_len,
	ipv4_min_hlen = 20,
	udp_hlen = 8,
	icmp_hlen = 8,
};

// Offsets inside an IPv4 header (RFC 791).
enum : uint32_t {
	ip_ver_ihl = 0,
	ip_tot_len = 2,
	ip_frag_off = 6,
	ip_ttl = 8,
	ip_proto = 9,
	ip_check = 10,
	ip_saddr = 12,
	ip_daddr = 16,
};

enum : uint8_t {
	ipproto_icmp = 1,
	ipproto_tcp = 6,
	ipproto_udp = 17,
};

enum : uint16_t {
	ip_flag_df = 0x4000,
	ip_flag_mf = 0x2000,
	ip_offset_mask = 0x1fff,
};

enum : uint16_t {
	ethertype_ipv4 = 0x0800,
	ethertype_arp = 0x0806,
	arp_hw_ether = 1,
	arp_op_request = 1,
	arp_op_reply = 2,
};

inline uint16_t get_be16(const uint8_t *p)
{
	return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

inline uint32_t get_be32(const uint8_t *p)
{
	return static_cast<uint32_t>(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = static_cast<uint8_t>(v >> 8);
	p[1] = static_cast<uint8_t>(v);
}

inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = static_cast<uint8_t>(v >> 24);
	p[1] = static_cast<uint8_t>(v >> 16);
	p[2] = static_cast<uint8_t>(v >> 8);
	p[3] = static_cast<uint8_t>(v);
}

inline bool mac_is_multicast(const uint8_t *mac)
{
	return mac[0] & 1;		// broadcast is a multicast address too
}

inline bool mac_is_broadcast(const uint8_t *mac)
{
	return (mac[0] & mac[1] & mac[2] & mac[3] & mac[4] & mac[5]) == 0xff;
}

// MACs of the VPC's own devices (the subnet routers): 02:56:4e ("VN") + a
// 24-bit key. ENIs may not use the prefix.
inline bool mac_is_vpc_reserved(const uint8_t *mac)
{
	return mac[0] == 0x02 && mac[1] == 0x56 && mac[2] == 0x4e;
}

static_assert(VCORE_ROUTER_MAC_0 == 0x02 && VCORE_ROUTER_MAC_1 == 0x56 &&
	      VCORE_ROUTER_MAC_2 == 0x4e, "vcore/fabric.h names the routers' prefix for the shim");

// Subnet keys live below this bit; VPC router MACs carry it (vpc_router_mac).
constexpr uint32_t vpc_router_bit = 0x800000;

inline void router_mac(uint32_t subnet_key, uint8_t *mac)
{
	mac[0] = 0x02;
	mac[1] = 0x56;
	mac[2] = 0x4e;
	mac[3] = static_cast<uint8_t>(subnet_key >> 16);
	mac[4] = static_cast<uint8_t>(subnet_key >> 8);
	mac[5] = static_cast<uint8_t>(subnet_key);
}

// The VPC router as the internet gateway sees it: one MAC per VPC, distinct
// from every subnet's router because subnet keys stay below vpc_router_bit.
inline void vpc_router_mac(uint32_t vpc_key, uint8_t *mac)
{
	router_mac(vpc_router_bit | (vpc_key & (vpc_router_bit - 1)), mac);
}

// The fields of an IPv4 header the fabric looks at; hdr points into the frame.
struct ipv4_view {
	uint8_t *hdr;
	uint32_t hlen;			// IHL * 4
	uint32_t tot_len;		// from the header, not the bytes at hand
	uint32_t src, dst;		// host order
	uint8_t ttl, proto;
	uint16_t frag;			// flags and fragment offset
};

// Parses the IPv4 header of an Ethernet frame: false unless the whole header
// (options included) lies within @len and is plausible (version 4, IHL >= 5,
// total length covering the header).
inline bool ipv4_parse(uint8_t *frame, uint32_t len, ipv4_view *out)
{
	uint8_t *ip = frame + eth_hlen;

	if (len < eth_hlen + ipv4_min_hlen || get_be16(frame + 12) != ethertype_ipv4)
		return false;
	out->hlen = (ip[ip_ver_ihl] & 0xf) * 4u;
	out->tot_len = get_be16(ip + ip_tot_len);
	if (ip[ip_ver_ihl] >> 4 != 4 || out->hlen < ipv4_min_hlen || len < eth_hlen + out->hlen ||
	    out->tot_len < out->hlen)
		return false;
	out->hdr = ip;
	out->src = get_be32(ip + ip_saddr);
	out->dst = get_be32(ip + ip_daddr);
	out->ttl = ip[ip_ttl];
	out->proto = ip[ip_proto];
	out->frag = get_be16(ip + ip_frag_off);
	return true;
}

} // namespace vnitro::fabric
