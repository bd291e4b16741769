// SPDX-License-Identifier: GPL-2.0
// arp.h - the VPC's ARP responder: parse a request, build the reply.
#pragma once

#include "fabric/frame.h"

namespace vnitro::fabric {

struct arp_request {
	uint8_t sender_mac[eth_alen];
	uint32_t sender_ip;		// host order
	uint32_t target_ip;
};

// True when @frame is a well-formed Ethernet/IPv4 ARP request.
bool arp_parse_request(const uint8_t *frame, uint32_t len, arp_request *out);

// True when @frame is long enough to be Ethernet/IPv4 ARP but is not a
// request (a reply, gratuitous or not; RARP and other operations).
bool arp_is_other_op(const uint8_t *frame, uint32_t len);

// Writes the arp_frame_len-byte reply saying target_ip is at @answer_mac.
void arp_build_reply(uint8_t *out, const arp_request &req, const uint8_t *answer_mac);

} // namespace vnitro::fabric
