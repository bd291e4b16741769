// SPDX-License-Identifier: GPL-2.0
// nd6.cc - the router's neighbour discovery: parse a solicitation, build the advertisement (RFC 4861).
#include "fabric/nd6.h"

using namespace vnitro::base;

namespace vnitro::fabric {

namespace {

// Offsets inside the ICMPv6 message of a solicitation or advertisement (RFC 4861 4.1-4.4).
enum : uint32_t {
	icmp6_type = 0,
	icmp6_code = 1,
	icmp6_check = 2,
	nd6_flags = 4,			// NA: R, S, O in the top bits
	nd6_target = 8,			// NS and NA
	ra_cur_hop_limit = 4,
	ra_flags = 5,
	ra_router_lifetime = 6,
	ra_reachable = 8,
	ra_retrans = 12,
};

// Offsets inside the MTU and Prefix Information options (4.6.2, 4.6.4).
enum : uint32_t {
	mtu_value = 4,
	prefix_length = 2,
	prefix_flags = 3,
	prefix_valid = 4,
	prefix_preferred = 8,
	prefix_addr = 16,
};

/*
 * Walks the options between @off and @end, in units of 8 octets (4.6):
 * false when one is empty or runs past the end, or a Source Link-Layer
 * Address option is not Ethernet-sized or comes twice (Linux drops both).
 * Options of other types are skipped, as 4.6 says.
 */
bool parse_options(const uint8_t *msg, uint32_t off, uint32_t end, nd6_message *out)
{
	while (off < end) {
		uint32_t olen;

		if (end - off < 2)
			return false;
		olen = msg[off + 1] * 8u;
		if (!olen || olen > end - off)
			return false;
		if (msg[off] == nd6_opt_source_lla) {
			if (olen != nd6_opt_lla_len || out->has_slla)
				return false;
			out->has_slla = true;
			mem_copy(out->slla, msg + off + 2, eth_alen);
		}
		off += olen;
	}
	return true;
}

uint8_t *write_lla_option(uint8_t *p, uint8_t type, const uint8_t *mac)
{
	p[0] = type;
	p[1] = nd6_opt_lla_len / 8;
	mem_copy(p + 2, mac, eth_alen);
	return p + nd6_opt_lla_len;
}

// Byte @i of a prefix of @prefix_len bits: the bits past the length are zero (4.6.2).
uint8_t prefix_byte(const uint8_t *prefix, uint32_t prefix_len, uint32_t i)
{
	if (prefix_len >= 8 * (i + 1))
		return prefix[i];
	if (prefix_len <= 8 * i)
		return 0;
	return static_cast<uint8_t>(prefix[i] & (0xff00 >> (prefix_len - 8 * i)));
}

} // namespace

bool nd6_parse(uint8_t *frame, uint32_t len, nd6_message *out)
{
	uint8_t solicited[ipv6_alen];
	uint32_t min_len;
	ipv6_view ip;
	uint8_t *msg;

	if (!ipv6_parse(frame, len, &ip) || ip.next_header != ipproto_icmpv6 ||
	    ip.payload_len < nd6_rs_len)
		return false;
	msg = ip.hdr + ipv6_hlen;
	if (msg[icmp6_type] == icmp6_router_solicit)
		min_len = nd6_rs_len;
	else if (msg[icmp6_type] == icmp6_neighbor_solicit)
		min_len = nd6_ns_len;
	else
		return false;
	if (ip.hop_limit != nd6_hop_limit || msg[icmp6_code] != 0 || ip.payload_len < min_len ||
	    ipv6_l4_check(ip.src, ip.dst, msg, ip.payload_len, ipproto_icmpv6) != 0)
		return false;
	*out = nd6_message{};
	out->type = msg[icmp6_type];
	mem_copy(out->eth_src, frame + eth_alen, eth_alen);
	mem_copy(out->src, ip.src, ipv6_alen);
	mem_copy(out->dst, ip.dst, ipv6_alen);
	out->dad = ipv6_is_unspecified(ip.src);
	if (!parse_options(msg, min_len, ip.payload_len, out))
		return false;
	// 6.1.1, 7.1.1: an address-less sender has no link-layer address to tell.
	if (out->dad && out->has_slla)
		return false;
	if (out->type == icmp6_router_solicit)
		return true;
	mem_copy(out->target, msg + nd6_target, ipv6_alen);
	if (ipv6_is_multicast(out->target))
		return false;
	// From ::, only to a solicited-node address: one its own mapping leaves alone.
	ipv6_solicited_node(ip.dst, solicited);
	return !out->dad || mem_eq(solicited, ip.dst, ipv6_alen);
}

uint32_t nd6_build_na(uint8_t *out, const nd6_message &ns, const uint8_t answer_mac[eth_alen],
		      bool router)
{
	uint8_t flags = nd6_na_override | (router ? nd6_na_router : 0);
	const uint8_t *dst = ns.src, *eth_dst = ns.eth_src;
	uint32_t msg_len = nd6_ns_len + nd6_opt_lla_len;
	uint8_t all_nodes_mac[eth_alen];
	uint8_t *msg;

	// 7.2.4: DAD is answered to all nodes, unsolicited, for the owner to see.
	if (ns.dad) {
		ipv6_multicast_mac(ipv6_all_nodes, all_nodes_mac);
		dst = ipv6_all_nodes;
		eth_dst = all_nodes_mac;
	} else {
		flags |= nd6_na_solicited;
	}
	msg = ipv6_write_headers(out, eth_dst, answer_mac, ns.target, dst, msg_len, ipproto_icmpv6,
				 nd6_hop_limit);
	msg[icmp6_type] = icmp6_neighbor_advert;
	msg[icmp6_code] = 0;
	put_be16(msg + icmp6_check, 0);
	put_be32(msg + nd6_flags, static_cast<uint32_t>(flags) << 24);
	mem_copy(msg + nd6_target, ns.target, ipv6_alen);
	write_lla_option(msg + nd6_ns_len, nd6_opt_target_lla, answer_mac);
	put_be16(msg + icmp6_check, ipv6_l4_check(ns.target, dst, msg, msg_len, ipproto_icmpv6));
	return nd6_na_frame_len;
}

uint32_t nd6_build_ra(uint8_t *out, const nd6_ra_params &p, const uint8_t dst_mac[eth_alen],
		      const uint8_t dst_ip[ipv6_alen])
{
	uint32_t msg_len = nd6_ra_len + nd6_opt_lla_len + nd6_opt_prefix_len;
	uint8_t src[ipv6_alen];
	uint8_t *msg, *opt;

	if (p.mtu)
		msg_len += nd6_opt_mtu_len;
	ipv6_link_local_from_mac(p.router_mac, src);
	msg = ipv6_write_headers(out, dst_mac, p.router_mac, src, dst_ip, msg_len, ipproto_icmpv6,
				 nd6_hop_limit);
	msg[icmp6_type] = icmp6_router_advert;
	msg[icmp6_code] = 0;
	put_be16(msg + icmp6_check, 0);
	msg[ra_cur_hop_limit] = p.cur_hop_limit;
	msg[ra_flags] = (p.managed ? nd6_ra_managed : 0) | (p.other ? nd6_ra_other : 0);
	put_be16(msg + ra_router_lifetime, p.router_lifetime);
	put_be32(msg + ra_reachable, p.reachable_ms);
	put_be32(msg + ra_retrans, p.retrans_ms);

	opt = write_lla_option(msg + nd6_ra_len, nd6_opt_source_lla, p.router_mac);
	if (p.mtu) {
		opt[0] = nd6_opt_mtu;
		opt[1] = nd6_opt_mtu_len / 8;
		put_be16(opt + 2, 0);
		put_be32(opt + mtu_value, p.mtu);
		opt += nd6_opt_mtu_len;
	}
	opt[0] = nd6_opt_prefix_info;
	opt[1] = nd6_opt_prefix_len / 8;
	opt[prefix_length] = p.prefix_len;
	opt[prefix_flags] = (p.on_link ? nd6_prefix_on_link : 0) |
			    (p.autonomous ? nd6_prefix_autonomous : 0);
	put_be32(opt + prefix_valid, p.valid_lifetime);
	put_be32(opt + prefix_preferred, p.preferred_lifetime);
	put_be32(opt + 12, 0);		// reserved
	for (uint32_t i = 0; i < ipv6_alen; i++)
		opt[prefix_addr + i] = prefix_byte(p.prefix, p.prefix_len, i);

	put_be16(msg + icmp6_check, ipv6_l4_check(src, dst_ip, msg, msg_len, ipproto_icmpv6));
	return eth_hlen + ipv6_hlen + msg_len;
}

} // namespace vnitro::fabric
