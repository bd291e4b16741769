// SPDX-License-Identifier: GPL-2.0
// dhcp.h - the VPC's DHCP server: parse a client message, build the reply (RFC 2131, RFC 2132).
#pragma once

#include "fabric/frame.h"

namespace vnitro::fabric {

enum : uint8_t {
	dhcp_discover = 1,
	dhcp_offer = 2,
	dhcp_request = 3,
	dhcp_decline = 4,
	dhcp_ack = 5,
	dhcp_nak = 6,
	dhcp_release = 7,
	dhcp_inform = 8,
};

enum : uint16_t {
	dhcp_server_port = 67,
	dhcp_client_port = 68,
	dhcp_flag_broadcast = 0x8000,
};

enum : uint32_t {
	// Fixed part of a BOOTP message and the magic cookie (RFC 2131 figure 1).
	bootp_fixed_len = 236,
	bootp_options_off = 240,
	bootp_min_len = 300,		// RFC 1542 2.1: padded to at least 300 bytes
	// Everything dhcp_build_reply writes, END included: 78 with "ec2.internal" as the
	// domain (option 15), which a region's may exceed by up to 51 bytes.
	dhcp_options_max = 78 - 12 + (VCORE_DNS_DOMAIN_MAX - 1),
	dhcp_frame_max = eth_hlen + ipv4_min_hlen + udp_hlen + bootp_options_off + dhcp_options_max,
	dhcp_lease_secs = 3600,		// EC2's lease time
};

static_assert(bootp_options_off + dhcp_options_max >= bootp_min_len, "replies need no padding past the options");

// What the server needs from a client message.
struct dhcp_message {
	uint8_t type;			// option 53
	uint32_t xid;
	uint16_t flags;
	uint32_t ciaddr, giaddr;	// host order
	uint8_t chaddr[eth_alen];
	uint32_t requested_ip;		// option 50, 0 when absent
	uint32_t server_id;		// option 54, 0 when absent
};

// True for a well-formed BOOTREQUEST with a DHCP message type, inside @len.
bool dhcp_parse(uint8_t *frame, uint32_t len, dhcp_message *out);

// What the server answers a client with.
struct dhcp_lease {
	uint8_t server_mac[eth_alen];	// the subnet router's MAC
	uint32_t server_ip;		// option 54: the subnet router's address
	uint32_t yiaddr;		// 0 in an ACK to an INFORM
	uint32_t host_ip;		// names the host: "ip-a-b-c-d" (option 12)
	uint32_t mask, router, broadcast;
	uint32_t dns;			// 0: no option 6
	uint32_t lease_secs;		// 0: no option 51 (ACK to INFORM)
	uint16_t mtu;
	const char *domain;		// option 15; nullptr or "": ec2.internal
};

/*
 * Writes the @type (OFFER, ACK or NAK) reply to @req into @out (at most
 * dhcp_frame_max bytes) as RFC 2131 4.3.1/4.3.2/4.3.5 fill it, addressed
 * as 4.1 says: NAK broadcast; to ciaddr when the client has one; broadcast
 * when the client asked with the BROADCAST flag; else unicast to yiaddr at
 * chaddr. Returns the frame's length.
 */
uint32_t dhcp_build_reply(uint8_t *out, const dhcp_message &req, uint8_t type,
			  const dhcp_lease &lease);

} // namespace vnitro::fabric
