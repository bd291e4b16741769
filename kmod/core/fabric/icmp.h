// SPDX-License-Identifier: GPL-2.0
// icmp.h - the ICMP errors the VPC router sends: fragmentation needed and time exceeded.
#pragma once

#include "fabric/frame.h"

namespace vnitro::fabric {

enum : uint8_t {
	icmp_echo_reply = 0,
	icmp_dest_unreach = 3,
	icmp_code_frag_needed = 4,
	icmp_source_quench = 4,
	icmp_echo_request = 8,
	icmp_time_exceeded = 11,
	icmp_param_problem = 12,
	icmp_code_ttl = 0,
};

enum : uint32_t {
	// RFC 792: the original IP header (up to 60 bytes) and 8 bytes of its data.
	icmp_quote_max = 60 + 8,
	icmp_frame_max = eth_hlen + ipv4_min_hlen + icmp_hlen + icmp_quote_max,
};

/*
 * May a router answer this packet with an ICMP error? Not for an ICMP error
 * itself, a fragment other than the first, or a source that is no host's
 * (RFC 1122 3.2.2, RFC 1812 4.3.2.7).
 */
bool icmp_may_answer(const uint8_t *frame, uint32_t len, const ipv4_view &ip);

/*
 * Writes (at most icmp_frame_max bytes) the error about the IPv4 packet in
 * @frame/@len to its sender: Ethernet from @eth_src to the frame's source
 * MAC, IP from @ip_src, ICMP @type/@code, @mtu as the next-hop MTU of RFC
 * 1191 (0 for other errors), quoting the original header and 8 bytes of
 * data, or what is at hand. Returns the length.
 */
uint32_t icmp_build_error(uint8_t *out, const uint8_t *frame, uint32_t len, const ipv4_view &ip,
			  const uint8_t *eth_src, uint32_t ip_src, uint8_t type, uint8_t code,
			  uint16_t mtu);

} // namespace vnitro::fabric
