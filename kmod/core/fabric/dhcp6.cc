// SPDX-License-Identifier: GPL-2.0
// dhcp6.cc - the VPC's stateful DHCPv6 server: parse a client message, build the reply (RFC 8415).
#include "fabric/dhcp6.h"

using namespace vnitro::base;

namespace vnitro::fabric {

namespace {

// Offsets inside the UDP header (RFC 768) and the IA_NA option's data (RFC 8415 21.4).
enum : uint32_t {
	udp_sport = 0,
	udp_dport = 2,
	udp_length = 4,
	udp_check = 6,
	ia_na_iaid = 0,
	ia_na_t1 = 4,
	ia_na_t2 = 8,
	ia_na_fixed = 12,
	ia_addr_fixed = ipv6_alen + 8,	// address, preferred and valid lifetimes (21.6)
	duid_min = 3,			// type code and at least one octet (11.1)
};

enum : uint16_t {
	duid_type_ll = 3,
};

enum : uint8_t {
	reply_hop_limit = 64,
};

// One option of a list (21.1).
struct opt_view {
	uint16_t code, len;
	const uint8_t *data;
};

// Takes the option at *@off of @p: false when its header or data run past @end.
bool next_option(const uint8_t *p, uint32_t *off, uint32_t end, opt_view *o)
{
	if (end - *off < dhcp6_opt_hlen)
		return false;
	o->code = get_be16(p + *off);
	o->len = get_be16(p + *off + 2);
	if (o->len > end - *off - dhcp6_opt_hlen)
		return false;
	o->data = p + *off + dhcp6_opt_hlen;
	*off += dhcp6_opt_hlen + o->len;
	return true;
}

// An IA_NA, well formed down to its IA Addresses; the first one is the one served.
bool parse_ia_na(const opt_view &ia, dhcp6_message *out)
{
	bool first = !out->has_ia_na;
	opt_view o;

	if (ia.len < ia_na_fixed)
		return false;
	for (uint32_t off = ia_na_fixed; off < ia.len;) {
		if (!next_option(ia.data, &off, ia.len, &o))
			return false;
		if (o.code != dhcp6_opt_ia_addr)
			continue;
		if (o.len < ia_addr_fixed)
			return false;
		if (first && !out->ia_addr)
			out->ia_addr = o.data;
	}
	if (first) {
		out->has_ia_na = true;
		out->iaid = get_be32(ia.data + ia_na_iaid);
	}
	return true;
}

bool parse_duid(const opt_view &o, const uint8_t **id, uint16_t *id_len)
{
	if (*id || o.len < duid_min || o.len > dhcp6_duid_max)
		return false;		// twice, or not a DUID
	*id = o.data;
	*id_len = o.len;
	return true;
}

bool parse_options(const uint8_t *msg, uint32_t end, dhcp6_message *out)
{
	opt_view o;

	for (uint32_t off = dhcp6_hlen; off < end;) {
		if (!next_option(msg, &off, end, &o))
			return false;
		switch (o.code) {
		case dhcp6_opt_client_id:
			if (!parse_duid(o, &out->client_id, &out->client_id_len))
				return false;
			break;
		case dhcp6_opt_server_id:
			if (!parse_duid(o, &out->server_id, &out->server_id_len))
				return false;
			break;
		case dhcp6_opt_ia_na:
			if (!parse_ia_na(o, out))
				return false;
			break;
		case dhcp6_opt_rapid_commit:
			if (o.len)
				return false;
			out->rapid_commit = true;
			break;
		case dhcp6_opt_oro:
			if (o.len % 2)
				return false;
			out->has_oro = true;
			for (uint32_t i = 0; i < o.len; i += 2)
				out->oro_dns |= get_be16(o.data + i) == dhcp6_opt_dns_servers;
			break;
		default:
			break;
		}
	}
	return true;
}

// RFC 8415 16: the identifiers each client message must and must not carry.
bool ids_as_required(const dhcp6_message &m)
{
	switch (m.type) {
	case dhcp6_solicit:
	case dhcp6_confirm:
	case dhcp6_rebind:
		return m.client_id && !m.server_id;
	case dhcp6_request:
	case dhcp6_renew:
	case dhcp6_release:
	case dhcp6_decline:
		return m.client_id && m.server_id;
	case dhcp6_information_request:
		return !m.has_ia_na;	// 16.12: no IA in a request for configuration only
	default:
		return false;		// a server's or a relay's message, or unknown
	}
}

void server_duid(const uint8_t *mac, uint8_t duid[dhcp6_duid_ll_len])
{
	put_be16(duid, duid_type_ll);
	put_be16(duid + 2, arp_hw_ether);
	mem_copy(duid + 4, mac, eth_alen);
}

// Appends options; open() and close() bracket one whose data holds options of its own.
class option_writer {
public:
	explicit option_writer(uint8_t *p) : p_(p) {}
	uint8_t *open(uint16_t code)
	{
		uint8_t *head = p_;

		put_be16(p_, code);
		p_ += dhcp6_opt_hlen;
		return head;
	}
	void close(uint8_t *head)
	{
		put_be16(head + 2, static_cast<uint16_t>(p_ - head - dhcp6_opt_hlen));
	}
	void bytes(const uint8_t *data, uint32_t len) { mem_copy(p_, data, len); p_ += len; }
	void u16(uint16_t v) { put_be16(p_, v); p_ += 2; }
	void u32(uint32_t v) { put_be32(p_, v); p_ += 4; }
	void option(uint16_t code, const uint8_t *data, uint32_t len)
	{
		uint8_t *head = open(code);

		bytes(data, len);
		close(head);
	}
	void status(uint16_t code)
	{
		uint8_t *head = open(dhcp6_opt_status_code);

		u16(code);		// no message: it is optional (21.13)
		close(head);
	}
	uint8_t *end() const { return p_; }

private:
	uint8_t *p_;
};

void write_ia_na(option_writer &w, uint32_t iaid, const dhcp6_lease &lease)
{
	uint32_t count = lease.count < dhcp6_max_addrs ? lease.count : dhcp6_max_addrs;
	uint8_t *ia = w.open(dhcp6_opt_ia_na);

	w.u32(iaid);
	w.u32(count ? lease.t1 : 0);
	w.u32(count ? lease.t2 : 0);
	for (uint32_t i = 0; i < count; i++) {
		uint8_t *addr = w.open(dhcp6_opt_ia_addr);

		w.bytes(lease.addrs + i * ipv6_alen, ipv6_alen);
		w.u32(lease.preferred);
		w.u32(lease.valid);
		w.close(addr);
	}
	if (!count)
		w.status(dhcp6_status_no_addrs_avail);
	w.close(ia);
}

uint8_t *write_options(uint8_t *p, const dhcp6_message &req, uint8_t type, const dhcp6_lease &lease)
{
	bool assigns = req.type == dhcp6_solicit || req.type == dhcp6_request ||
		       req.type == dhcp6_renew || req.type == dhcp6_rebind;
	bool reports = req.type == dhcp6_confirm || req.type == dhcp6_release ||
		       req.type == dhcp6_decline;
	uint32_t dns_count = lease.dns_count < dhcp6_max_dns ? lease.dns_count : dhcp6_max_dns;
	uint8_t duid[dhcp6_duid_ll_len];
	option_writer w(p);

	if (req.client_id)
		w.option(dhcp6_opt_client_id, req.client_id, req.client_id_len);
	server_duid(lease.server_mac, duid);
	w.option(dhcp6_opt_server_id, duid, sizeof(duid));
	if (assigns && req.has_ia_na)
		write_ia_na(w, req.iaid, lease);
	// 18.3.1: a REPLY to a SOLICIT commits the lease; it says so.
	if (type == dhcp6_reply && req.type == dhcp6_solicit && req.rapid_commit)
		w.close(w.open(dhcp6_opt_rapid_commit));
	if (reports)
		w.status(lease.status);
	else if (dns_count)
		w.option(dhcp6_opt_dns_servers, lease.dns, dns_count * ipv6_alen);
	return w.end();
}

} // namespace

bool dhcp6_parse(uint8_t *frame, uint32_t len, dhcp6_message *out)
{
	uint8_t *udp, *msg;
	uint32_t ulen;
	ipv6_view ip;

	if (!ipv6_parse(frame, len, &ip) || ip.next_header != ipproto_udp ||
	    ip.payload_len < udp_hlen)
		return false;
	udp = ip.hdr + ipv6_hlen;
	ulen = get_be16(udp + udp_length);
	/*
	 * The UDP checksum is not checked: an ENI's stack leaves it to the
	 * device's offload (CHECKSUM_PARTIAL), so the frame the fabric reads
	 * holds only the pseudo-header's sum. The server reads the message
	 * within the bounds it checks, whatever the checksum says.
	 */
	if (get_be16(udp + udp_sport) != dhcp6_client_port ||
	    get_be16(udp + udp_dport) != dhcp6_server_port || ulen < udp_hlen + dhcp6_hlen ||
	    ulen > ip.payload_len)
		return false;
	msg = udp + udp_hlen;
	*out = dhcp6_message{};
	out->type = msg[0];
	out->xid = get_be32(msg) & 0xffffff;
	mem_copy(out->eth_src, frame + eth_alen, eth_alen);
	mem_copy(out->src, ip.src, ipv6_alen);
	mem_copy(out->dst, ip.dst, ipv6_alen);
	return parse_options(msg, ulen - udp_hlen, out) && ids_as_required(*out);
}

bool dhcp6_is_our_server_id(const dhcp6_message &m, const uint8_t server_mac[eth_alen])
{
	uint8_t duid[dhcp6_duid_ll_len];

	server_duid(server_mac, duid);
	return m.server_id && m.server_id_len == sizeof(duid) &&
	       mem_eq(m.server_id, duid, sizeof(duid));
}

uint32_t dhcp6_build_reply(uint8_t *out, const dhcp6_message &req, uint8_t type,
			   const dhcp6_lease &lease)
{
	uint8_t *udp = out + eth_hlen + ipv6_hlen, *msg = udp + udp_hlen;
	uint8_t src[ipv6_alen];
	uint16_t check;
	uint32_t ulen;

	ipv6_link_local_from_mac(lease.server_mac, src);
	put_be32(msg, static_cast<uint32_t>(type) << 24 | (req.xid & 0xffffff));
	ulen = static_cast<uint32_t>(write_options(msg + dhcp6_hlen, req, type, lease) - udp);
	ipv6_write_headers(out, req.eth_src, lease.server_mac, src, req.src, ulen, ipproto_udp,
			   reply_hop_limit);
	put_be16(udp + udp_sport, dhcp6_server_port);
	put_be16(udp + udp_dport, dhcp6_client_port);
	put_be16(udp + udp_length, static_cast<uint16_t>(ulen));
	put_be16(udp + udp_check, 0);
	check = ipv6_l4_check(src, req.src, udp, ulen, ipproto_udp);
	put_be16(udp + udp_check, check ? check : 0xffff);	// 0 would mean none
	return eth_hlen + ipv6_hlen + ulen;
}

} // namespace vnitro::fabric
