// SPDX-License-Identifier: GPL-2.0
// flow.h - what receive-side scaling reads from a frame: addresses, ports, the fragment bit.
#pragma once

#include "base/base.h"
#include "vcore/ena.h"

namespace vnitro::ena {

enum class l3_proto : uint8_t {
	none,		// not IPv4 or IPv6 (or malformed): no hash
	ipv4,
	ipv6,
};

enum class l4_proto : uint8_t {
	other,		// unknown protocol, unreadable ports, IPv6 extension headers, fragments
	tcp,
	udp,
};

enum : uint32_t {
	ipv4_addr_len = 4,
	ipv6_addr_len = 16,
};

// Addresses and ports stay in network byte order, as the hash reads them.
struct flow {
	l3_proto l3;
	l4_proto l4;		// tcp or udp only when both ports were read
	bool fragment;		// IPv4 with More Fragments or an offset: ports never read
	uint8_t addr_len;	// ipv4_addr_len or ipv6_addr_len
	uint8_t src[ipv6_addr_len];
	uint8_t dst[ipv6_addr_len];
	uint8_t src_port[2];
	uint8_t dst_port[2];
};

/*
 * Parses the first @len bytes of an Ethernet frame (one 802.1Q tag allowed)
 * and never reads beyond them. Returns false, with out->l3 = none, when the
 * frame carries no readable IPv4 or IPv6 header. IPv6 extension headers are
 * not walked: a next header other than TCP or UDP leaves l4 = other, so such
 * packets hash on their addresses only.
 */
bool flow_parse(const uint8_t *frame, uint32_t len, flow *out);

} // namespace vnitro::ena
