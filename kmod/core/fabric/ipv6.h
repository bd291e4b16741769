// SPDX-License-Identifier: GPL-2.0
// ipv6.h - IPv6 wire constants, header parsing and writing, the addresses neighbour discovery uses.
#pragma once

#include "fabric/frame.h"
#include "base/csum.h"
#include "base/text.h"

namespace vnitro::fabric {

enum : uint16_t {
	ethertype_ipv6 = 0x86dd,
};

enum : uint32_t {
	ipv6_hlen = 40,
	ipv6_alen = 16,
};

// Offsets inside an IPv6 header (RFC 8200 section 3).
enum : uint32_t {
	ip6_ver_tc_flow = 0,
	ip6_payload_len = 4,
	ip6_next_header = 6,
	ip6_hop_limit = 7,
	ip6_saddr = 8,
	ip6_daddr = 24,
};

enum : uint8_t {
	ipproto_fragment = 44,		// the IPv6 fragment header
	ipproto_icmpv6 = 58,
};

// ICMPv6 (RFC 4443): the errors are types 1 to 4; echo request and reply.
enum : uint8_t {
	icmp6_dest_unreach = 1,
	icmp6_too_big = 2,
	icmp6_time_exceeded = 3,
	icmp6_param_problem = 4,
	icmp6_echo_request = 128,
	icmp6_echo_reply = 129,
};

// ff02::1, every node on the link (RFC 4291 2.7.1).
inline constexpr uint8_t ipv6_all_nodes[ipv6_alen] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0,
						       0, 0, 0, 0, 0, 0, 0, 0x01 };

// The fields of an IPv6 header the fabric looks at; hdr and the addresses point into the frame.
struct ipv6_view {
	uint8_t *hdr;
	uint32_t payload_len;		// from the header; within the bytes at hand
	uint8_t next_header, hop_limit;
	const uint8_t *src, *dst;
};

/*
 * The header alone, for frames passed on rather than read: version 6 and
 * the 40 bytes within @len; the payload the header claims may lie beyond
 * @len (a GSO frame, or one whose data is in pages).
 */
/*
 * Parses the IPv6 header of an Ethernet frame: false unless it is version 6
 * and the header and the payload length it claims lie within @len (bytes
 * past it are link padding). Extension headers are not followed: next_header
 * is the header's own. Jumbograms (RFC 2675) are not recognised.
 */
inline bool ipv6_parse_head(uint8_t *frame, uint32_t len, ipv6_view *out)
{
	uint8_t *ip = frame + eth_hlen;

	if (len < eth_hlen + ipv6_hlen || get_be16(frame + 12) != ethertype_ipv6 || ip[0] >> 4 != 6)
		return false;
	out->payload_len = get_be16(ip + ip6_payload_len);
	out->hdr = ip;
	out->next_header = ip[ip6_next_header];
	out->hop_limit = ip[ip6_hop_limit];
	out->src = ip + ip6_saddr;
	out->dst = ip + ip6_daddr;
	return true;
}

inline bool ipv6_parse(uint8_t *frame, uint32_t len, ipv6_view *out)
{
	uint8_t *ip = frame + eth_hlen;

	if (len < eth_hlen + ipv6_hlen || get_be16(frame + 12) != ethertype_ipv6 || ip[0] >> 4 != 6)
		return false;
	out->payload_len = get_be16(ip + ip6_payload_len);
	if (out->payload_len > len - eth_hlen - ipv6_hlen)
		return false;
	out->hdr = ip;
	out->next_header = ip[ip6_next_header];
	out->hop_limit = ip[ip6_hop_limit];
	out->src = ip + ip6_saddr;
	out->dst = ip + ip6_daddr;
	return true;
}

/*
 * Writes the Ethernet and IPv6 headers of a frame carrying @payload_len
 * bytes of @next_header (traffic class and flow label 0); returns where the
 * payload goes.
 */
inline uint8_t *ipv6_write_headers(uint8_t *frame, const uint8_t *eth_dst, const uint8_t *eth_src,
				   const uint8_t *src, const uint8_t *dst, uint32_t payload_len,
				   uint8_t next_header, uint8_t hop_limit)
{
	uint8_t *ip = frame + eth_hlen;

	base::mem_copy(frame, eth_dst, eth_alen);
	base::mem_copy(frame + eth_alen, eth_src, eth_alen);
	put_be16(frame + 12, ethertype_ipv6);
	put_be32(ip + ip6_ver_tc_flow, 6u << 28);
	put_be16(ip + ip6_payload_len, static_cast<uint16_t>(payload_len));
	ip[ip6_next_header] = next_header;
	ip[ip6_hop_limit] = hop_limit;
	base::mem_copy(ip + ip6_saddr, src, ipv6_alen);
	base::mem_copy(ip + ip6_daddr, dst, ipv6_alen);
	return ip + ipv6_hlen;
}

// fe80::/64 with the modified EUI-64 interface identifier of @mac (RFC 4291 appendix A).
inline void ipv6_link_local_from_mac(const uint8_t mac[eth_alen], uint8_t out[ipv6_alen])
{
	static constexpr uint8_t head[8] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0 };

	base::mem_copy(out, head, sizeof(head));
	out[8] = mac[0] ^ 0x02;		// the universal/local bit, inverted
	out[9] = mac[1];
	out[10] = mac[2];
	out[11] = 0xff;
	out[12] = 0xfe;
	out[13] = mac[3];
	out[14] = mac[4];
	out[15] = mac[5];
}

// fe80::/10 (RFC 4291 2.5.6).
inline bool ipv6_is_link_local(const uint8_t a[ipv6_alen])
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

// ff00::/8 (RFC 4291 2.7).
inline bool ipv6_is_multicast(const uint8_t a[ipv6_alen])
{
	return a[0] == 0xff;
}

// :: (RFC 4291 2.5.2).
inline bool ipv6_is_unspecified(const uint8_t a[ipv6_alen])
{
	uint8_t any = 0;

	for (uint32_t i = 0; i < ipv6_alen; i++)
		any |= a[i];
	return !any;
}

// ff02::1:ff00:0/104 and the low 24 bits of @a (RFC 4291 2.7.1).
inline void ipv6_solicited_node(const uint8_t a[ipv6_alen], uint8_t out[ipv6_alen])
{
	static constexpr uint8_t head[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff };

	base::mem_copy(out, head, sizeof(head));
	out[13] = a[13];
	out[14] = a[14];
	out[15] = a[15];
}

// The Ethernet address of IPv6 multicast @a: 33:33 and its low 32 bits (RFC 2464 7).
inline void ipv6_multicast_mac(const uint8_t a[ipv6_alen], uint8_t mac[eth_alen])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	base::mem_copy(mac + 2, a + 12, 4);
}

/*
 * The one's-complement sum (unfolded) of the pseudo-header every checksum
 * over IPv6 covers (RFC 8200 8.1): both addresses, the 32-bit upper-layer
 * length and the next header value. Add the upper-layer bytes and fold.
 */
inline uint32_t ipv6_pseudo_sum(const uint8_t *src, const uint8_t *dst, uint32_t len, uint8_t next)
{
	uint32_t sum = base::csum_add(0, src, ipv6_alen);

	sum = base::csum_add(sum, dst, ipv6_alen);
	return base::csum_add32(sum, len) + next;
}

// The checksum to store in the @len-byte upper-layer message @l4 (its own field zero).
inline uint16_t ipv6_l4_check(const uint8_t *src, const uint8_t *dst, const uint8_t *l4,
			      uint32_t len, uint8_t next)
{
	return base::csum_fold(base::csum_add(ipv6_pseudo_sum(src, dst, len, next), l4, len));
}

// Do the first @prefixlen bits (at most 128) of @a and @prefix agree?
inline bool ipv6_prefix_match(const uint8_t *a, const uint8_t *prefix, unsigned prefixlen)
{
	unsigned bytes, bits;

	if (prefixlen > 128)
		prefixlen = 128;
	bytes = prefixlen / 8;
	bits = prefixlen % 8;
	for (unsigned i = 0; i < bytes; i++)
		if (a[i] != prefix[i])
			return false;
	return !bits || ((a[bytes] ^ prefix[bytes]) & (0xff00 >> bits) & 0xff) == 0;
}

} // namespace vnitro::fabric
