// SPDX-License-Identifier: GPL-2.0
// frame.h - Ethernet and ARP wire constants and big-endian field access.
#pragma once

#include "base/base.h"

namespace vnitro::fabric {

enum : uint32_t {
	eth_alen = 6,
	eth_hlen = 14,
	arp_len = 28,			// Ethernet/IPv4 ARP payload
	arp_frame_len = eth_hlen + arp_len,
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

inline void router_mac(uint32_t subnet_key, uint8_t *mac)
{
	mac[0] = 0x02;
	mac[1] = 0x56;
	mac[2] = 0x4e;
	mac[3] = static_cast<uint8_t>(subnet_key >> 16);
	mac[4] = static_cast<uint8_t>(subnet_key >> 8);
	mac[5] = static_cast<uint8_t>(subnet_key);
}

} // namespace vnitro::fabric
