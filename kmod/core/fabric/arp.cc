// SPDX-License-Identifier: GPL-2.0
// arp.cc - the VPC's ARP responder: parse a request, build the reply.
#include "fabric/arp.h"
#include "base/text.h"

namespace vnitro::fabric {

namespace {

// Offsets inside the ARP payload (RFC 826, Ethernet/IPv4 sizes).
enum : uint32_t {
	arp_htype = 0,
	arp_ptype = 2,
	arp_hlen = 4,
	arp_plen = 5,
	arp_oper = 6,
	arp_sha = 8,
	arp_spa = 14,
	arp_tha = 18,
	arp_tpa = 24,
};

} // namespace

bool arp_parse_request(const uint8_t *frame, uint32_t len, arp_request *out)
{
	const uint8_t *arp = frame + eth_hlen;

	if (len < arp_frame_len || get_be16(frame + 12) != ethertype_arp)
		return false;
	if (get_be16(arp + arp_htype) != arp_hw_ether || get_be16(arp + arp_ptype) != ethertype_ipv4 ||
	    arp[arp_hlen] != eth_alen || arp[arp_plen] != 4 || get_be16(arp + arp_oper) != arp_op_request)
		return false;
	base::mem_copy(out->sender_mac, arp + arp_sha, eth_alen);
	out->sender_ip = get_be32(arp + arp_spa);
	out->target_ip = get_be32(arp + arp_tpa);
	return true;
}

bool arp_is_other_op(const uint8_t *frame, uint32_t len)
{
	return len >= arp_frame_len && get_be16(frame + 12) == ethertype_arp &&
	       get_be16(frame + eth_hlen + arp_oper) != arp_op_request;
}

void arp_build_reply(uint8_t *out, const arp_request &req, const uint8_t *answer_mac)
{
	uint8_t *arp = out + eth_hlen;

	base::mem_copy(out, req.sender_mac, eth_alen);
	base::mem_copy(out + eth_alen, answer_mac, eth_alen);
	put_be16(out + 12, ethertype_arp);
	put_be16(arp + arp_htype, arp_hw_ether);
	put_be16(arp + arp_ptype, ethertype_ipv4);
	arp[arp_hlen] = eth_alen;
	arp[arp_plen] = 4;
	put_be16(arp + arp_oper, arp_op_reply);
	base::mem_copy(arp + arp_sha, answer_mac, eth_alen);
	put_be32(arp + arp_spa, req.target_ip);
	base::mem_copy(arp + arp_tha, req.sender_mac, eth_alen);
	put_be32(arp + arp_tpa, req.sender_ip);
}

} // namespace vnitro::fabric
