// SPDX-License-Identifier: GPL-2.0
// dhcp6.h - the VPC's stateful DHCPv6 server: parse a client message, build the reply (RFC 8415).
#pragma once

#include "fabric/ipv6.h"

namespace vnitro::fabric {

// Message types (RFC 8415 7.3).
enum : uint8_t {
	dhcp6_solicit = 1,
	dhcp6_advertise = 2,
	dhcp6_request = 3,
	dhcp6_confirm = 4,
	dhcp6_renew = 5,
	dhcp6_rebind = 6,
	dhcp6_reply = 7,
	dhcp6_release = 8,
	dhcp6_decline = 9,
	dhcp6_information_request = 11,
};

// Option codes (21) and status codes (21.13).
enum : uint16_t {
	dhcp6_opt_client_id = 1,
	dhcp6_opt_server_id = 2,
	dhcp6_opt_ia_na = 3,
	dhcp6_opt_ia_addr = 5,
	dhcp6_opt_oro = 6,
	dhcp6_opt_status_code = 13,
	dhcp6_opt_rapid_commit = 14,
	dhcp6_opt_dns_servers = 23,	// RFC 3646
	dhcp6_status_success = 0,
	dhcp6_status_no_addrs_avail = 2,
	dhcp6_status_not_on_link = 4,
	dhcp6_client_port = 546,
	dhcp6_server_port = 547,
};

enum : uint32_t {
	dhcp6_hlen = 4,			// msg-type and transaction-id
	dhcp6_opt_hlen = 4,		// option-code and option-len
	dhcp6_duid_max = 130,		// type code and at most 128 octets (11.1)
	dhcp6_duid_ll_len = 10,		// type 3, hardware type 1, a MAC (11.4)
	dhcp6_max_addrs = 50,		// EC2's most IPv6 addresses on one ENI
	dhcp6_max_dns = 3,
	dhcp6_ia_addr_len = dhcp6_opt_hlen + ipv6_alen + 8,
	dhcp6_status_len = dhcp6_opt_hlen + 2,	// without a message
	/*
	 * Every option a reply may carry, each at its largest (a 130-byte
	 * client DUID, 50 addresses, 3 DNS servers): 1,692 bytes. Too much
	 * for a kernel stack frame beside anything else (FRAME_WARN is 2,048
	 * bytes): the caller allocates.
	 */
	dhcp6_frame_max = eth_hlen + ipv6_hlen + udp_hlen + dhcp6_hlen +
			  dhcp6_opt_hlen + dhcp6_duid_max +			// client ID
			  dhcp6_opt_hlen + dhcp6_duid_ll_len +			// server ID
			  dhcp6_opt_hlen + 12 + dhcp6_max_addrs * dhcp6_ia_addr_len + // IA_NA
			  dhcp6_opt_hlen +					// rapid commit
			  dhcp6_opt_hlen + dhcp6_max_dns * ipv6_alen +		// DNS
			  dhcp6_status_len,
};

static_assert(dhcp6_frame_max == 1692, "the size dhcp6_frame_max's comment gives");

/*
 * What the server needs from a client message. The identifiers point into
 * the parsed frame, which must outlive the message.
 */
struct dhcp6_message {
	uint8_t type;
	uint32_t xid;			// 24 bits
	uint8_t eth_src[eth_alen];	// the client's MAC: where the reply goes
	uint8_t src[ipv6_alen];		// the client's address (link-local)
	uint8_t dst[ipv6_alen];		// ff02::1:2, or the server's own
	const uint8_t *client_id;	// option 1's DUID; nullptr when absent
	uint16_t client_id_len;
	const uint8_t *server_id;	// option 2's DUID; nullptr when absent
	uint16_t server_id_len;
	bool has_ia_na;
	uint32_t iaid;			// the first IA_NA's
	const uint8_t *ia_addr;		// the first IA Address in it; nullptr when none
	bool rapid_commit;
	bool has_oro;
	bool oro_dns;			// the ORO asks for DNS servers
};

/*
 * True when @frame/@len is an Ethernet/IPv6/UDP datagram from port 546 to
 * 547 (UDP right after the IPv6 header), whatever its checksum says (the
 * sender's stack leaves it to the ENI's offload), carrying one of the client messages above, whose options all lie inside
 * the UDP length (those inside an IA_NA too), with DUIDs of 3 to 130 bytes
 * and the identifiers RFC 8415 16 requires or forbids for its type (Client
 * ID in all but INFORMATION-REQUEST; Server ID in REQUEST, RENEW, RELEASE
 * and DECLINE, not in SOLICIT, CONFIRM or REBIND). Whether a Server ID is
 * the server's own is the caller's to check (dhcp6_is_our_server_id).
 */
bool dhcp6_parse(uint8_t *frame, uint32_t len, dhcp6_message *out);

// Does @m name the server whose DUID-LL holds @server_mac?
bool dhcp6_is_our_server_id(const dhcp6_message &m, const uint8_t server_mac[eth_alen]);

// What the server answers a client with; the caller chooses EC2's values.
struct dhcp6_lease {
	uint8_t server_mac[eth_alen];	// the subnet router: its DUID-LL, the frame's source
	const uint8_t *addrs;		// count addresses of 16 bytes
	uint32_t count;			// at most dhcp6_max_addrs; 0: NoAddrsAvail
	uint32_t t1, t2;		// seconds
	uint32_t preferred, valid;	// each address's lifetimes, seconds
	const uint8_t *dns;		// dns_count addresses of 16 bytes
	uint32_t dns_count;		// at most dhcp6_max_dns; 0: no option 23
	uint16_t status;		// the Status Code of a REPLY to CONFIRM, RELEASE or
					// DECLINE: success, or not_on_link for a CONFIRM
};

/*
 * Writes the @type (dhcp6_advertise or dhcp6_reply) answer to @req into
 * @out (at most dhcp6_frame_max bytes): from the router's MAC and
 * link-local address to the client's, UDP 547 to 546. Options: the client's
 * Client ID echoed, the server's DUID-LL; to SOLICIT, REQUEST, RENEW and
 * REBIND an IA_NA with the client's IAID and every address of @lease (or
 * NoAddrsAvail, with T1 = T2 = 0), and Rapid Commit in a REPLY to a
 * SOLICIT that asked for it; to CONFIRM, RELEASE and DECLINE the Status
 * Code @lease.status and no IA; DNS servers to all but those three.
 * Returns the frame's length.
 */
uint32_t dhcp6_build_reply(uint8_t *out, const dhcp6_message &req, uint8_t type,
			   const dhcp6_lease &lease);

} // namespace vnitro::fabric
