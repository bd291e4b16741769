// SPDX-License-Identifier: GPL-2.0
// icmp.cc - the ICMP errors the VPC router sends: fragmentation needed and time exceeded.
#include "fabric/icmp.h"
#include "base/csum.h"
#include "base/text.h"

using namespace vnitro::base;

namespace vnitro::fabric {

bool icmp_may_answer(const uint8_t *frame, uint32_t len, const ipv4_view &ip)
{
	uint32_t l4 = eth_hlen + ip.hlen;

	if (ip.frag & ip_offset_mask)
		return false;
	if (!ip.src || ip.src >= 0xe0000000u || (ip.src >> 24) == 127)
		return false;	// unspecified, multicast/reserved/broadcast, loopback
	if (ip.proto == ipproto_icmp) {
		if (len < l4 + 1)
			return false;	// cannot tell: stay silent
		uint8_t type = frame[l4];
		// Errors never earn an error: unreachable, source quench,
		// redirect, time exceeded, parameter problem.
		return type != icmp_dest_unreach && type != 4 && type != 5 &&
		       type != icmp_time_exceeded && type != 12;
	}
	return true;
}

uint32_t icmp_build_error(uint8_t *out, const uint8_t *frame, uint32_t len, const ipv4_view &ip,
			  const uint8_t *eth_src, uint32_t ip_src, uint8_t type, uint8_t code,
			  uint16_t mtu)
{
	uint32_t quote = ip.hlen + 8;
	uint8_t *iph = out + eth_hlen;
	uint8_t *icmp = iph + ipv4_min_hlen;
	uint32_t ip_len;

	if (quote > ip.tot_len)
		quote = ip.tot_len;
	if (quote > len - eth_hlen)
		quote = len - eth_hlen;
	if (quote > icmp_quote_max)
		quote = icmp_quote_max;
	ip_len = ipv4_min_hlen + icmp_hlen + quote;

	mem_copy(out, frame + eth_alen, eth_alen);
	mem_copy(out + eth_alen, eth_src, eth_alen);
	put_be16(out + 12, ethertype_ipv4);

	iph[ip_ver_ihl] = 0x45;
	iph[1] = 0xc0;			// precedence "internetwork control", as routers send errors
	put_be16(iph + ip_tot_len, static_cast<uint16_t>(ip_len));
	put_be16(iph + 4, 0);		// identification
	put_be16(iph + ip_frag_off, 0);
	iph[ip_ttl] = 64;
	iph[ip_proto] = ipproto_icmp;
	put_be16(iph + ip_check, 0);
	put_be32(iph + ip_saddr, ip_src);
	put_be32(iph + ip_daddr, ip.src);
	put_be16(iph + ip_check, csum_fold(csum_add(0, iph, ipv4_min_hlen)));

	icmp[0] = type;
	icmp[1] = code;
	put_be16(icmp + 2, 0);
	put_be16(icmp + 4, 0);		// unused
	put_be16(icmp + 6, mtu);	// RFC 1191: next-hop MTU (unused, 0, otherwise)
	mem_copy(icmp + icmp_hlen, ip.hdr, quote);
	put_be16(icmp + 2, csum_fold(csum_add(0, icmp, icmp_hlen + quote)));
	return eth_hlen + ip_len;
}

} // namespace vnitro::fabric
