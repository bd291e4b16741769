// SPDX-License-Identifier: GPL-2.0
// nd6.h - the router's neighbour discovery: parse a solicitation, build the advertisement (RFC 4861).
#pragma once

#include "fabric/ipv6.h"

namespace vnitro::fabric {

enum : uint8_t {
	icmp6_router_solicit = 133,
	icmp6_router_advert = 134,
	icmp6_neighbor_solicit = 135,
	icmp6_neighbor_advert = 136,
	icmp6_redirect = 137,
	nd6_hop_limit = 255,		// RFC 4861: proof the sender is on the link
	// Option types (RFC 4861 4.6).
	nd6_opt_source_lla = 1,
	nd6_opt_target_lla = 2,
	nd6_opt_prefix_info = 3,
	nd6_opt_mtu = 5,
	// Neighbor Advertisement flags (4.4).
	nd6_na_router = 0x80,
	nd6_na_solicited = 0x40,
	nd6_na_override = 0x20,
	// Router Advertisement flags (4.2) and Prefix Information flags (4.6.2).
	nd6_ra_managed = 0x80,
	nd6_ra_other = 0x40,
	nd6_prefix_on_link = 0x80,
	nd6_prefix_autonomous = 0x40,
};

enum : uint32_t {
	nd6_rs_len = 8,			// type, code, checksum, reserved
	nd6_ns_len = 24,		// ... and the target address
	nd6_opt_lla_len = 8,		// an Ethernet link-layer address option
	nd6_opt_mtu_len = 8,
	nd6_opt_prefix_len = 32,
	nd6_ra_len = 16,
	nd6_na_frame_len = eth_hlen + ipv6_hlen + nd6_ns_len + nd6_opt_lla_len,
	nd6_ra_frame_max = eth_hlen + ipv6_hlen + nd6_ra_len + nd6_opt_lla_len + nd6_opt_mtu_len +
			   nd6_opt_prefix_len,
};

// A Router or Neighbor Solicitation as the router needs it; copies, not pointers into the frame.
struct nd6_message {
	uint8_t type;			// icmp6_router_solicit or icmp6_neighbor_solicit
	uint8_t eth_src[eth_alen];	// the frame's Ethernet source: where answers go
	uint8_t src[ipv6_alen];		// IPv6 source
	uint8_t dst[ipv6_alen];		// IPv6 destination
	uint8_t target[ipv6_alen];	// NS: the address asked about; RS: ::
	bool has_slla;			// a Source Link-Layer Address option came
	uint8_t slla[eth_alen];		// ... and its address
	bool dad;			// IPv6 source :: (duplicate address detection, 7.2.2)
};

/*
 * True when @frame/@len is an Ethernet/IPv6 Router Solicitation or Neighbor
 * Solicitation, ICMPv6 right after the IPv6 header, valid as RFC 4861 6.1.1
 * and 7.1.1 say: hop limit 255, code 0, checksum, length, a target that is
 * not multicast (NS), options all non-empty and inside the message, at most
 * one Source Link-Layer Address option of Ethernet size, and from :: only to
 * a solicited-node address (NS) and without that option (NS and RS).
 */
bool nd6_parse(uint8_t *frame, uint32_t len, nd6_message *out);

/*
 * Writes the nd6_na_frame_len-byte Neighbor Advertisement answering @ns
 * that its target is at @answer_mac (7.2.4): from the target address and
 * @answer_mac to the solicitation's source and Ethernet source, R when
 * @router, S and O, a Target Link-Layer Address option. A solicitation from
 * :: (DAD) is answered to ff02::1 (at 33:33:00:00:00:01) without S.
 * Returns the length.
 */
uint32_t nd6_build_na(uint8_t *out, const nd6_message &ns, const uint8_t answer_mac[eth_alen],
		      bool router);

// What a Router Advertisement says; the caller chooses EC2's values.
struct nd6_ra_params {
	uint8_t router_mac[eth_alen];	// also gives the source, its link-local address
	uint8_t cur_hop_limit;		// 64; 0 leaves the hosts' own
	bool managed, other;		// M: addresses by DHCPv6; O: other settings by it
	uint16_t router_lifetime;	// seconds; 0: not a default router
	uint32_t reachable_ms, retrans_ms;	// 0: unspecified
	uint32_t mtu;			// 0: no MTU option
	uint8_t prefix[ipv6_alen];	// one Prefix Information option (bits past the length: 0)
	uint8_t prefix_len;		// 64
	bool on_link, autonomous;	// L and A
	uint32_t valid_lifetime, preferred_lifetime;	// seconds; 0xffffffff: infinity
};

/*
 * Writes the Router Advertisement of @p (at most nd6_ra_frame_max bytes) to
 * @dst_ip at @dst_mac (the soliciting host, or ff02::1 at 33:33:00:00:00:01)
 * with the Source Link-Layer Address, MTU and Prefix Information options.
 * Returns the length.
 */
uint32_t nd6_build_ra(uint8_t *out, const nd6_ra_params &p, const uint8_t dst_mac[eth_alen],
		      const uint8_t dst_ip[ipv6_alen]);

} // namespace vnitro::fabric
