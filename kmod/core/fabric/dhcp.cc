// SPDX-License-Identifier: GPL-2.0
// dhcp.cc - the VPC's DHCP server: each ENI's primary IP, its subnet, router, DNS and MTU 9001.
#include "fabric/dhcp.h"
#include "fabric/fabric.h"
#include "base/csum.h"
#include "base/ipv4.h"
#include "base/text.h"

using namespace vnitro::base;

namespace vnitro::fabric {

namespace {

// Offsets inside a BOOTP message (RFC 2131 figure 1).
enum : uint32_t {
	bootp_op = 0,
	bootp_htype = 1,
	bootp_hlen = 2,
	bootp_xid = 4,
	bootp_flags = 10,
	bootp_ciaddr = 12,
	bootp_yiaddr = 16,
	bootp_giaddr = 24,
	bootp_chaddr = 28,
	bootp_cookie = 236,
};

enum : uint8_t {
	bootrequest = 1,
	bootreply = 2,
	// RFC 2132 option codes.
	opt_pad = 0,
	opt_subnet_mask = 1,
	opt_router = 3,
	opt_dns = 6,
	opt_host_name = 12,
	opt_domain_name = 15,
	opt_mtu = 26,
	opt_broadcast = 28,
	opt_requested_ip = 50,
	opt_lease_time = 51,
	opt_msg_type = 53,
	opt_server_id = 54,
	opt_end = 255,
};

constexpr uint32_t magic_cookie = 0x63825363;	// 99.130.83.99
// What EC2 hands out in us-east-1; the port names other regions' REGION.compute.internal.
constexpr char domain_name[] = "ec2.internal";

// The UDP payload of an IPv4/UDP frame to the DHCP server port, bounded by
// the UDP length and the bytes at hand; nullptr when it is not one.
uint8_t *dhcp_payload(uint8_t *frame, uint32_t len, ipv4_view *ip, uint32_t *end)
{
	uint8_t *udp;
	uint32_t ulen;

	if (!ipv4_parse(frame, len, ip) || ip->proto != ipproto_udp ||
	    (ip->frag & (ip_flag_mf | ip_offset_mask)))
		return nullptr;
	if (len < eth_hlen + ip->hlen + udp_hlen)
		return nullptr;
	udp = ip->hdr + ip->hlen;
	ulen = get_be16(udp + 4);
	if (get_be16(udp + 2) != dhcp_server_port || ulen < udp_hlen)
		return nullptr;
	*end = eth_hlen + ip->hlen + ulen;
	if (*end > len)
		*end = len;
	return udp + udp_hlen;
}

class option_writer {
public:
	explicit option_writer(uint8_t *p) : p_(p) {}
	void u8(uint8_t code, uint8_t v) { head(code, 1); *p_++ = v; }
	void u16(uint8_t code, uint16_t v) { head(code, 2); put_be16(p_, v); p_ += 2; }
	void u32(uint8_t code, uint32_t v) { head(code, 4); put_be32(p_, v); p_ += 4; }
	void str(uint8_t code, const char *s)
	{
		uint32_t n = static_cast<uint32_t>(str_len(s, 255));

		head(code, static_cast<uint8_t>(n));
		mem_copy(p_, s, n);
		p_ += n;
	}
	uint8_t *end() { *p_++ = opt_end; return p_; }

private:
	void head(uint8_t code, uint8_t len) { p_[0] = code; p_[1] = len; p_ += 2; }
	uint8_t *p_;
};

uint8_t *write_options(uint8_t *p, uint8_t type, const dhcp_lease &lease)
{
	option_writer w(p);
	char host[24];
	text name(host, sizeof(host));

	w.u8(opt_msg_type, type);
	w.u32(opt_server_id, lease.server_ip);
	if (type == dhcp_nak)
		return w.end();
	if (lease.lease_secs)
		w.u32(opt_lease_time, lease.lease_secs);
	w.u32(opt_subnet_mask, lease.mask);
	w.u32(opt_broadcast, lease.broadcast);
	w.u32(opt_router, lease.router);
	if (lease.dns)
		w.u32(opt_dns, lease.dns);
	w.str(opt_domain_name, lease.domain && lease.domain[0] ? lease.domain : domain_name);
	// EC2's private host names: ip-172-31-0-4.
	name.str("ip-").u32(lease.host_ip >> 24).ch('-').u32((lease.host_ip >> 16) & 0xff).ch('-')
		.u32((lease.host_ip >> 8) & 0xff).ch('-').u32(lease.host_ip & 0xff);
	w.str(opt_host_name, name.c_str());
	w.u16(opt_mtu, lease.mtu);
	return w.end();
}

} // namespace

bool dhcp_is_for_server(uint8_t *frame, uint32_t len, uint32_t server_ip)
{
	ipv4_view ip;
	uint32_t end;

	return dhcp_payload(frame, len, &ip, &end) && (ip.dst == server_ip || ip.dst == 0xffffffffu);
}

bool dhcp_parse(uint8_t *frame, uint32_t len, dhcp_message *out)
{
	ipv4_view ip;
	uint32_t end, off;
	uint8_t *msg = dhcp_payload(frame, len, &ip, &end);

	if (!msg)
		return false;
	off = static_cast<uint32_t>(msg - frame);
	if (end < off + bootp_options_off || msg[bootp_op] != bootrequest ||
	    msg[bootp_htype] != arp_hw_ether || msg[bootp_hlen] != eth_alen ||
	    get_be32(msg + bootp_cookie) != magic_cookie)
		return false;
	*out = dhcp_message{};
	out->xid = get_be32(msg + bootp_xid);
	out->flags = get_be16(msg + bootp_flags);
	out->ciaddr = get_be32(msg + bootp_ciaddr);
	out->giaddr = get_be32(msg + bootp_giaddr);
	mem_copy(out->chaddr, msg + bootp_chaddr, eth_alen);
	// Options (RFC 2132): PAD and END are one byte, all others code/length/value.
	for (off += bootp_options_off; off < end;) {
		uint8_t code = frame[off], olen;

		if (code == opt_pad) {
			off++;
			continue;
		}
		if (code == opt_end)
			break;
		if (off + 2 > end || off + 2 + frame[off + 1] > end)
			return false;
		olen = frame[off + 1];
		if (code == opt_msg_type && olen == 1)
			out->type = frame[off + 2];
		else if (code == opt_requested_ip && olen == 4)
			out->requested_ip = get_be32(frame + off + 2);
		else if (code == opt_server_id && olen == 4)
			out->server_id = get_be32(frame + off + 2);
		off += 2 + olen;
	}
	return out->type >= dhcp_discover && out->type <= dhcp_inform;
}

uint32_t dhcp_build_reply(uint8_t *out, const dhcp_message &req, uint8_t type,
			  const dhcp_lease &lease)
{
	static const uint8_t bcast[eth_alen] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	bool to_all = type == dhcp_nak || (!req.ciaddr && (req.flags & dhcp_flag_broadcast));
	uint32_t dst_ip = to_all ? 0xffffffffu : req.ciaddr ? req.ciaddr : lease.yiaddr;
	uint8_t *iph = out + eth_hlen;
	uint8_t *udp = iph + ipv4_min_hlen;
	uint8_t *msg = udp + udp_hlen;
	uint32_t msg_len, sum;

	for (uint32_t i = 0; i < dhcp_frame_max; i++)
		out[i] = 0;
	mem_copy(out, to_all ? bcast : req.chaddr, eth_alen);
	mem_copy(out + eth_alen, lease.server_mac, eth_alen);
	put_be16(out + 12, ethertype_ipv4);

	msg[bootp_op] = bootreply;
	msg[bootp_htype] = arp_hw_ether;
	msg[bootp_hlen] = eth_alen;
	put_be32(msg + bootp_xid, req.xid);
	put_be16(msg + bootp_flags, req.flags);
	if (type != dhcp_nak) {
		put_be32(msg + bootp_ciaddr, type == dhcp_ack ? req.ciaddr : 0);
		put_be32(msg + bootp_yiaddr, lease.yiaddr);
	}
	put_be32(msg + bootp_giaddr, req.giaddr);
	mem_copy(msg + bootp_chaddr, req.chaddr, eth_alen);
	put_be32(msg + bootp_cookie, magic_cookie);
	msg_len = static_cast<uint32_t>(write_options(msg + bootp_options_off, type, lease) - msg);
	if (msg_len < bootp_min_len)
		msg_len = bootp_min_len;	// zero padding, already in place

	iph[ip_ver_ihl] = 0x45;
	put_be16(iph + ip_tot_len, static_cast<uint16_t>(ipv4_min_hlen + udp_hlen + msg_len));
	iph[ip_ttl] = 64;
	iph[ip_proto] = ipproto_udp;
	put_be32(iph + ip_saddr, lease.server_ip);
	put_be32(iph + ip_daddr, dst_ip);
	put_be16(iph + ip_check, csum_fold(csum_add(0, iph, ipv4_min_hlen)));

	put_be16(udp, dhcp_server_port);
	put_be16(udp + 2, dhcp_client_port);
	put_be16(udp + 4, static_cast<uint16_t>(udp_hlen + msg_len));
	// UDP checksum over the pseudo-header (RFC 768); 0 is sent as 0xffff.
	sum = csum_add32(csum_add32(0, lease.server_ip), dst_ip);
	sum += ipproto_udp + udp_hlen + msg_len;
	sum = csum_add(sum, udp, udp_hlen + msg_len);
	uint16_t check = csum_fold(sum);
	put_be16(udp + 6, check ? check : 0xffff);
	return eth_hlen + ipv4_min_hlen + udp_hlen + msg_len;
}

/*
 * EC2's DHCP server: the address is the ENI's, for as long as the ENI
 * exists, so a RELEASE or DECLINE changes nothing and is not answered.
 */
__attribute__((noinline)) vcore_xmit_verdict dhcp_serve(fabric *fab, port *src, uint8_t *frame,
							uint32_t len)
{
	uint8_t reply[dhcp_frame_max];
	const port_state *st = rcu_load(src->state);
	uint32_t primary = st->ents[0].ip, wanted;
	dhcp_lease lease = {};
	dhcp_message req;
	uint8_t type;

	if (!dhcp_parse(frame, len, &req))
		return drop(cpu_stats(fab).drop_malformed, src);
	// Only the ENI's own hardware address has a lease (no relays, no guests behind it).
	if (!mem_eq(req.chaddr, src->mac, eth_alen))
		return drop(cpu_stats(fab).drop_no_dest, src);
	router_mac(src->subnet_key, lease.server_mac);
	lease.server_ip = src->subnet_addr + 1;
	lease.yiaddr = primary;
	lease.host_ip = primary;
	lease.mask = prefix_mask(src->subnet_prefixlen);
	lease.router = src->subnet_addr + 1;
	lease.broadcast = prefix_last(src->subnet_addr, src->subnet_prefixlen);
	// The Amazon-provided DNS server: the VPC's base address plus two.
	lease.dns = src->vpc_prefixlen ? src->vpc_addr + 2 : 0;
	lease.lease_secs = dhcp_lease_secs;
	lease.mtu = VCORE_VPC_MTU;
	lease.domain = src->dns_domain;

	switch (req.type) {
	case dhcp_discover:
		type = dhcp_offer;
		break;
	case dhcp_request:
		// SELECTING a server other than us: not ours to answer (RFC 2131 4.3.2).
		if (req.server_id && req.server_id != lease.server_ip)
			return VCORE_XMIT_ANSWERED;
		// SELECTING/INIT-REBOOT name the address in option 50, RENEWING in ciaddr.
		wanted = req.requested_ip ? req.requested_ip : req.ciaddr;
		type = wanted == primary ? dhcp_ack : dhcp_nak;
		break;
	case dhcp_inform:
		// Configuration only: no address, no lease time (RFC 2131 4.3.5).
		if (!req.ciaddr)
			return drop(cpu_stats(fab).drop_malformed, src);
		type = dhcp_ack;
		lease.yiaddr = 0;
		lease.lease_secs = 0;
		break;
	case dhcp_release:
	case dhcp_decline:
		return VCORE_XMIT_ANSWERED;
	default:			// server messages sent to the server
		return drop(cpu_stats(fab).drop_malformed, src);
	}
	port_deliver_copy(src, reply, dhcp_build_reply(reply, req, type, lease));
	counter_inc(cpu_stats(fab).dhcp_replies);
	return VCORE_XMIT_ANSWERED;
}

} // namespace vnitro::fabric
