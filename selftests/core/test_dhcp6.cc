// SPDX-License-Identifier: GPL-2.0
// test_dhcp6.cc - the VPC's DHCPv6 server parser and reply builder (core/fabric/dhcp6.cc).
#include "ipv6_fixture.h"
#include "fabric/dhcp6.h"

using namespace vnitro::fabric;

static void setup(void)
{
	harness_init(nullptr);
}

TestSuite(dhcp6, .init = setup, .fini = harness_fini);

/*
 * A SOLICIT as dhclient -6 sends it (RFC 8415 18.2.1), written out field by
 * field: a DUID-LLT, an ORO for DNS servers and the domain list, Elapsed
 * Time and one IA_NA without addresses.
 */
static const uint8_t solicit[114] = {
	0x33, 0x33, 0x00, 0x01, 0x00, 0x02,	// Ethernet destination: ff02::1:2's
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,	// Ethernet source: A
	0x86, 0xdd,				// EtherType: IPv6
	0x60, 0x00, 0x00, 0x00,			// version 6
	0x00, 0x3c,				// payload length 60
	17,					// next header: UDP
	1,					// hop limit
	0xfe, 0x80, 0, 0, 0, 0, 0, 0,		// source fe80::ff:fe00:a
	0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x0a,
	0xff, 0x02, 0, 0, 0, 0, 0, 0,		// destination ff02::1:2, relays and servers
	0, 0, 0, 0, 0, 0x01, 0x00, 0x02,
	0x02, 0x22,				// UDP source port 546
	0x02, 0x23,				// destination port 547
	0x00, 0x3c,				// length 60
	0xf7, 0xb8,				// checksum
	1,					// msg-type SOLICIT
	0x12, 0x34, 0x56,			// transaction-id
	0x00, 0x01, 0x00, 0x0e,			// Client Identifier, 14 bytes
	0x00, 0x01,				//   DUID-LLT
	0x00, 0x01,				//   hardware type Ethernet
	0x2b, 0x3c, 0x4d, 0x5e,			//   time
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,	//   A's MAC
	0x00, 0x06, 0x00, 0x04,			// Option Request, 4 bytes
	0x00, 0x17,				//   DNS servers
	0x00, 0x18,				//   domain search list
	0x00, 0x08, 0x00, 0x02,			// Elapsed Time, 2 bytes
	0x00, 0x00,
	0x00, 0x03, 0x00, 0x0c,			// IA_NA, 12 bytes
	0x1a, 0x2b, 0x3c, 0x4d,			//   IAID
	0x00, 0x00, 0x00, 0x00,			//   T1
	0x00, 0x00, 0x00, 0x00,			//   T2
};

enum : uint32_t {
	xid = 0x123456,
	iaid = 0x1a2b3c4d,
	off_payload_len = 18,
	off_next_header = 20,
	off_src = 22,
	off_udp = 54,
	off_msg = 62,
	off_client_id = off_msg + 4 + 4,	// the DUID in solicit
	udp_check = 6,
};

static const uint8_t all_dhcp[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2 };

/* ---- client messages: options put together ---- */

static const uint8_t opt_client_id[18] = { 0x00, 0x01, 0x00, 0x0e, 0x00, 0x01, 0x00, 0x01,
					   0x2b, 0x3c, 0x4d, 0x5e,
					   0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
// The router's DUID-LL (RFC 8415 11.4): type 3, Ethernet, 02:56:4e:00:00:01.
static const uint8_t opt_server_id[14] = { 0x00, 0x02, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x01,
					   0x02, 0x56, 0x4e, 0x00, 0x00, 0x01 };
static const uint8_t opt_oro[8] = { 0x00, 0x06, 0x00, 0x04, 0x00, 0x17, 0x00, 0x18 };
static const uint8_t opt_ia_na[16] = { 0x00, 0x03, 0x00, 0x0c, 0x1a, 0x2b, 0x3c, 0x4d,
				       0, 0, 0, 0, 0, 0, 0, 0 };
static const uint8_t opt_rapid_commit[4] = { 0x00, 0x0e, 0x00, 0x00 };
// 2600:1f18:1234:5600::a, the address the lease gives.
static const uint8_t addr_a[16] = { 0x26, 0x00, 0x1f, 0x18, 0x12, 0x34, 0x56, 0x00,
				    0, 0, 0, 0, 0, 0, 0, 0x0a };
// An IA_NA naming addr_a, as REQUEST, RENEW and the rest carry it.
static const uint8_t opt_ia_na_addr[44] = {
	0x00, 0x03, 0x00, 0x28, 0x1a, 0x2b, 0x3c, 0x4d,
	0x00, 0x00, 0x0e, 0x10, 0x00, 0x00, 0x15, 0x18,	// T1 3600, T2 5400
	0x00, 0x05, 0x00, 0x18,				// IA Address, 24 bytes
	0x26, 0x00, 0x1f, 0x18, 0x12, 0x34, 0x56, 0x00, 0, 0, 0, 0, 0, 0, 0, 0x0a,
	0x00, 0x00, 0x1c, 0x20, 0x00, 0x00, 0x2a, 0x30,	// preferred 7200, valid 10800
};

struct opts {
	uint8_t b[600];
	uint32_t len = 0;

	opts &add(const uint8_t *p, uint32_t n)
	{
		cr_assert_leq(len + n, sizeof(b));
		memcpy(b + len, p, n);
		len += n;
		return *this;
	}
};

/*
 * A client message of @type carrying @o, from A at fe80::ff:fe00:a to
 * ff02::1:2, with a correct UDP checksum; returns the frame's length.
 */
static uint32_t client_frame(uint8_t *buf, uint8_t type, const opts &o)
{
	uint32_t ulen = 8 + 4 + o.len;

	memcpy(buf, solicit, off_msg + 4);	// headers, then type and transaction-id
	put_be16_at(buf + off_payload_len, static_cast<uint16_t>(ulen));
	put_be16_at(buf + off_udp + 4, static_cast<uint16_t>(ulen));
	buf[off_msg] = type;
	memcpy(buf + off_msg + 4, o.b, o.len);
	ref_fix_csum(buf, ulen, udp_check, true);
	return off_udp + ulen;
}

static opts solicit_opts(void)
{
	static const uint8_t elapsed[6] = { 0x00, 0x08, 0x00, 0x02, 0x00, 0x00 };
	opts o;

	return o.add(opt_client_id, 18).add(opt_oro, 8).add(elapsed, 6).add(opt_ia_na, 16);
}

// The options with which a client sends @type, as RFC 8415 16 wants them.
static opts valid_opts(uint8_t type)
{
	opts o;

	switch (type) {
	case dhcp6_solicit:
		return solicit_opts();
	case dhcp6_confirm:
	case dhcp6_rebind:
		return o.add(opt_client_id, 18).add(opt_ia_na_addr, 44);
	case dhcp6_information_request:
		return o.add(opt_client_id, 18).add(opt_oro, 8);
	default:		// REQUEST, RENEW, RELEASE, DECLINE
		return o.add(opt_client_id, 18).add(opt_server_id, 14).add(opt_ia_na_addr, 44);
	}
}

static uint8_t kept[700];

/*
 * Parses a copy of @frame in exactly @len heap bytes, for ASan, then again
 * in kept[], where the pointers of *@m stay valid until the next parse.
 */
static bool parse(const uint8_t *frame, uint32_t len, dhcp6_message *m)
{
	uint8_t *f = heap_frame(frame, len, len);
	bool ok = dhcp6_parse(f, len, m);

	free(f);
	cr_assert_leq(len, sizeof(kept));
	memcpy(kept, frame, len);
	cr_assert_eq(dhcp6_parse(kept, len, m), ok);
	return ok;
}

static bool parse_opts(uint8_t type, const opts &o, dhcp6_message *m)
{
	uint8_t buf[700];

	return parse(buf, client_frame(buf, type, o), m);
}

// solicit with byte @offset set to @value, the checksum made right again (unless !@fix).
static bool parse_modified(uint32_t offset, uint8_t value, bool fix = true)
{
	uint8_t f[sizeof(solicit)];
	dhcp6_message m;

	memcpy(f, solicit, sizeof(f));
	f[offset] = value;
	// Over the UDP length, as long as the bytes are there to sum.
	if (fix && be16(f + off_udp + 4) <= sizeof(f) - off_udp)
		ref_fix_csum(f, be16(f + off_udp + 4), udp_check, true);
	return parse(f, sizeof(f), &m);
}

/* ---- parsing ---- */

CORE_TEST(dhcp6, the_literal_frame_is_what_client_frame_builds)
{
	uint8_t buf[sizeof(solicit)];

	cr_assert_eq(ref_l4_csum(solicit, 60), 0);
	cr_assert_eq(client_frame(buf, dhcp6_solicit, solicit_opts()), sizeof(solicit));
	cr_assert_arr_eq(buf, solicit, sizeof(solicit));
}

CORE_TEST(dhcp6, parses_a_solicit)
{
	uint8_t f[sizeof(solicit)];
	dhcp6_message m;

	memcpy(f, solicit, sizeof(f));
	memset(&m, 0x77, sizeof(m));
	cr_assert(dhcp6_parse(f, sizeof(f), &m));
	cr_assert_eq(m.type, dhcp6_solicit);
	cr_assert_eq(m.xid, xid);
	cr_assert_arr_eq(m.eth_src, mac_a, 6);
	cr_assert_arr_eq(m.src, lla_a, 16);
	cr_assert_arr_eq(m.dst, all_dhcp, 16);
	cr_assert_eq(m.client_id, f + off_client_id, "the DUID, in the frame");
	cr_assert_eq(m.client_id_len, 14);
	cr_assert_null(m.server_id);
	cr_assert_eq(m.server_id_len, 0);
	cr_assert(m.has_ia_na);
	cr_assert_eq(m.iaid, iaid);
	cr_assert_null(m.ia_addr);
	cr_assert_not(m.rapid_commit);
	cr_assert(m.has_oro);
	cr_assert(m.oro_dns);
}

CORE_TEST(dhcp6, parses_a_request)
{
	uint8_t buf[200];
	uint32_t len = client_frame(buf, dhcp6_request, valid_opts(dhcp6_request));
	dhcp6_message m;

	cr_assert(dhcp6_parse(buf, len, &m));
	cr_assert_eq(m.type, dhcp6_request);
	cr_assert_eq(m.client_id, buf + off_client_id);
	cr_assert_eq(m.client_id_len, 14);
	cr_assert_eq(m.server_id, buf + off_client_id + 14 + 4);
	cr_assert_eq(m.server_id_len, 10);
	cr_assert(m.has_ia_na);
	cr_assert_eq(m.iaid, iaid);
	cr_assert_not_null(m.ia_addr);
	cr_assert_arr_eq(m.ia_addr, addr_a, 16);
	cr_assert_not(m.has_oro);
	cr_assert_not(m.oro_dns);
	cr_assert(dhcp6_is_our_server_id(m, router1));
	cr_assert_not(dhcp6_is_our_server_id(m, router2));
}

CORE_TEST(dhcp6, parses_every_client_message)
{
	static const uint8_t types[] = { dhcp6_solicit, dhcp6_request, dhcp6_confirm, dhcp6_renew,
					 dhcp6_rebind, dhcp6_release, dhcp6_decline,
					 dhcp6_information_request };

	for (uint8_t type : types) {
		dhcp6_message m;

		cr_assert(parse_opts(type, valid_opts(type), &m), "type %u", type);
		cr_assert_eq(m.type, type);
		cr_assert_eq(m.xid, xid);
	}
}

CORE_TEST(dhcp6, rapid_commit_oro_and_the_first_ia)
{
	static const uint8_t oro_no_dns[6] = { 0x00, 0x06, 0x00, 0x02, 0x00, 0x18 };
	static const uint8_t empty_oro[4] = { 0x00, 0x06, 0x00, 0x00 };
	uint8_t second[44];
	dhcp6_message m;
	opts o;

	o.add(opt_client_id, 18).add(opt_rapid_commit, 4).add(oro_no_dns, 6);
	cr_assert(parse_opts(dhcp6_solicit, o, &m));
	cr_assert(m.rapid_commit);
	cr_assert(m.has_oro);
	cr_assert_not(m.oro_dns);
	cr_assert_not(m.has_ia_na, "an IA_NA is not required");
	cr_assert_null(m.ia_addr);

	opts e;
	e.add(opt_client_id, 18).add(empty_oro, 4);
	cr_assert(parse_opts(dhcp6_solicit, e, &m));
	cr_assert(m.has_oro);
	cr_assert_not(m.oro_dns);

	// Two IA_NAs: the first's IAID; an address only from the first.
	memcpy(second, opt_ia_na_addr, sizeof(second));
	second[7] = 0x4e;			// IAID + 1
	second[35] = 0x0b;			// 2600:1f18:1234:5600::b
	opts t;
	t.add(opt_client_id, 18).add(opt_ia_na, 16).add(second, 44);
	cr_assert(parse_opts(dhcp6_solicit, t, &m));
	cr_assert_eq(m.iaid, iaid);
	cr_assert_null(m.ia_addr);
	opts u;
	u.add(opt_client_id, 18).add(second, 44).add(opt_ia_na_addr, 44);
	cr_assert(parse_opts(dhcp6_rebind, u, &m));
	cr_assert_eq(m.iaid, iaid + 1);
	cr_assert_eq(m.ia_addr[15], 0x0b);
}

CORE_TEST(dhcp6, accepts_padding_and_duids_up_to_130_bytes)
{
	uint8_t duid[4 + 130];
	uint8_t *f = heap_frame(solicit, sizeof(solicit), 128);
	dhcp6_message m;
	opts o;

	cr_assert(dhcp6_parse(f, 128, &m), "bytes past the payload are link padding");
	free(f);
	memset(duid, 0x5a, sizeof(duid));
	put_be16_at(duid, 1);
	put_be16_at(duid + 2, 130);
	o.add(duid, sizeof(duid)).add(opt_ia_na, 16);
	cr_assert(parse_opts(dhcp6_solicit, o, &m));
	cr_assert_eq(m.client_id_len, 130);
	put_be16_at(duid + 2, 3);		// the shortest: a type code and one octet
	opts s;
	s.add(duid, 7);
	cr_assert(parse_opts(dhcp6_solicit, s, &m));
	cr_assert_eq(m.client_id_len, 3);
}

CORE_TEST(dhcp6, accepts_a_udp_length_short_of_the_payload)
{
	// As Linux does: the datagram ends where UDP says; the rest is not read.
	uint8_t f[sizeof(solicit) + 4];
	dhcp6_message m;

	memcpy(f, solicit, sizeof(solicit));
	memset(f + sizeof(solicit), 0xee, 4);
	put_be16_at(f + off_payload_len, 64);
	cr_assert(parse(f, sizeof(f), &m));
	cr_assert(m.has_ia_na);
}

CORE_TEST(dhcp6, rejects_short_frames)
{
	dhcp6_message m;

	for (uint32_t len = 0; len < sizeof(solicit); len++) {
		uint8_t *f = heap_frame(solicit, sizeof(solicit), len);

		cr_assert_not(dhcp6_parse(f, len, &m), "accepted %u bytes", len);
		free(f);
	}
}

/*
 * The checksum is left to the ENI's offload: the frame the fabric reads
 * holds the pseudo-header's sum, or anything, and is served all the same.
 */
CORE_TEST(dhcp6, leaves_the_checksum_to_offload)
{
	static const uint16_t sums[] = { 0, 0xffff, 0x1234 };
	uint8_t f[sizeof(solicit)];
	dhcp6_message m;

	for (uint16_t sum : sums) {
		memcpy(f, solicit, sizeof(f));
		put_be16_at(f + off_udp + 6, sum);
		cr_assert(parse(f, sizeof(f), &m), "checksum 0x%04x", sum);
		cr_assert_eq(m.type, dhcp6_solicit);
	}
}

CORE_TEST(dhcp6, rejects_wrong_ports_lengths_and_protocols)
{
	cr_assert_not(parse_modified(off_udp + 1, 0x23));		// from 547
	cr_assert_not(parse_modified(off_udp + 3, 0x22));		// to 546
	cr_assert_not(parse_modified(off_udp + 3, 0x24));		// to 548
	cr_assert_not(parse_modified(off_udp + 0, 0x00));		// from 34
	cr_assert_not(parse_modified(off_udp + 4, 0x01));		// UDP length 316
	cr_assert_not(parse_modified(off_udp + 5, 0x3d));		// 61 of 60
	cr_assert_not(parse_modified(off_udp + 5, 11));		// shorter than a message header
	cr_assert_not(parse_modified(off_udp + 5, 0));
	cr_assert_not(parse_modified(off_next_header, 58));		// ICMPv6
	cr_assert_not(parse_modified(off_next_header, 0));		// a hop-by-hop header
	cr_assert_not(parse_modified(12, 0x08, false));		// EtherType
	// The UDP length cut short inside an option: that option runs past the end.
	cr_assert_not(parse_modified(off_udp + 5, 0x3b));
}

CORE_TEST(dhcp6, rejects_server_and_relay_messages)
{
	static const uint8_t types[] = { 0, dhcp6_advertise, dhcp6_reply, 10, 12, 13, 14, 255 };

	for (uint8_t type : types)
		cr_assert_not(parse_modified(off_msg, type), "type %u", type);
}

CORE_TEST(dhcp6, rejects_missing_and_forbidden_identifiers)
{
	static const uint8_t types[] = { dhcp6_solicit, dhcp6_request, dhcp6_confirm, dhcp6_renew,
					 dhcp6_rebind, dhcp6_release, dhcp6_decline };
	static const bool needs_server[] = { false, true, false, true, false, true, true };
	dhcp6_message m;

	for (uint32_t i = 0; i < sizeof(types); i++) {
		opts no_client, flipped;

		no_client.add(opt_server_id, needs_server[i] ? 14 : 0).add(opt_ia_na_addr, 44);
		cr_assert_not(parse_opts(types[i], no_client, &m), "type %u: no Client ID", types[i]);
		flipped.add(opt_client_id, 18).add(opt_server_id, needs_server[i] ? 0 : 14);
		cr_assert_not(parse_opts(types[i], flipped, &m), "type %u: Server ID %s", types[i],
			      needs_server[i] ? "missing" : "present");
	}
	// INFORMATION-REQUEST: both optional, but no IA (16.12).
	opts bare, both, with_ia;
	cr_assert(parse_opts(dhcp6_information_request, bare, &m));
	cr_assert_null(m.client_id);
	both.add(opt_client_id, 18).add(opt_server_id, 14);
	cr_assert(parse_opts(dhcp6_information_request, both, &m));
	with_ia.add(opt_client_id, 18).add(opt_ia_na, 16);
	cr_assert_not(parse_opts(dhcp6_information_request, with_ia, &m));
}

CORE_TEST(dhcp6, rejects_malformed_options)
{
	/*
	 * Each alone in an INFORMATION-REQUEST, where no option is required;
	 * those about an IA after the Client ID of a SOLICIT, where an IA may be.
	 */
	struct bad {
		const char *what;
		bool in_solicit;
		uint8_t bytes[24];
		uint32_t len;
	};
	static const bad bads[] = {
		{ "an option header cut short", false, { 0x00, 0x08, 0x00 }, 3 },
		{ "an option past the end", false, { 0x00, 0x08, 0x00, 0x03, 0x00, 0x00 }, 6 },
		{ "a 2-byte DUID", false, { 0x00, 0x01, 0x00, 0x02, 0x00, 0x03 }, 6 },
		{ "an empty Server ID", false, { 0x00, 0x02, 0x00, 0x00 }, 4 },
		{ "a second Client ID", false,
		  { 0x00, 0x01, 0x00, 0x03, 0x00, 0x04, 0x01, 0x00, 0x01, 0x00, 0x03, 0x00, 0x04, 0x02 },
		  14 },
		{ "Rapid Commit with data", false, { 0x00, 0x0e, 0x00, 0x01, 0x00 }, 5 },
		{ "an odd ORO", false, { 0x00, 0x06, 0x00, 0x03, 0x00, 0x17, 0x00 }, 7 },
		{ "an 11-byte IA_NA", true,
		  { 0x00, 0x03, 0x00, 0x0b, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0 }, 15 },
		{ "an IA_NA option past the IA_NA", true,
		  { 0x00, 0x03, 0x00, 0x10, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0,
		    0x00, 0x05, 0x00, 0x00 }, 20 },
		{ "an empty IA Address", true,
		  { 0x00, 0x03, 0x00, 0x10, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0,
		    0x00, 0x05, 0x00, 0x00 }, 20 },
	};
	dhcp6_message m;

	for (const bad &b : bads) {
		opts o;

		if (b.in_solicit)
			o.add(opt_client_id, 18);
		o.add(b.bytes, b.len);
		cr_assert_not(parse_opts(b.in_solicit ? dhcp6_solicit : dhcp6_information_request, o, &m),
			      "%s", b.what);
	}

	// A 131-byte DUID; and an IA Address 23 bytes long inside a well-formed IA_NA.
	uint8_t duid[4 + 131], ia[44];
	opts big, short_addr;

	memset(duid, 0x5a, sizeof(duid));
	put_be16_at(duid, 1);
	put_be16_at(duid + 2, 131);
	big.add(duid, sizeof(duid));
	cr_assert_not(parse_opts(dhcp6_information_request, big, &m), "a 131-byte DUID");
	memcpy(ia, opt_ia_na_addr, sizeof(ia));
	ia[3] = 39;
	ia[19] = 23;
	short_addr.add(opt_client_id, 18).add(ia, 43);
	cr_assert_not(parse_opts(dhcp6_rebind, short_addr, &m), "a 23-byte IA Address");
}

/* ---- replies ---- */

// 2600:1f18:1234:5600::a's lease, fd00:ec2::253 for DNS.
static const uint8_t dns_ec2[16] = { 0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0,
				     0, 0, 0, 0, 0, 0, 0x02, 0x53 };

static dhcp6_lease lease_of(const uint8_t *addrs, uint32_t count)
{
	dhcp6_lease l = {};

	memcpy(l.server_mac, router1, 6);
	l.addrs = addrs;
	l.count = count;
	l.t1 = 1000;
	l.t2 = 1600;
	l.preferred = 3000;
	l.valid = 4500;
	l.dns = dns_ec2;
	l.dns_count = 1;
	return l;
}

/*
 * The ADVERTISE answering solicit with lease_of(addr_a, 1) (RFC 8415
 * 18.3.9), written out field by field.
 */
static const uint8_t advertise[162] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,	// Ethernet destination: A
	0x02, 0x56, 0x4e, 0x00, 0x00, 0x01,	// Ethernet source: the router
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00,
	0x00, 0x6c,				// payload length 108
	17,					// UDP
	64,					// hop limit
	0xfe, 0x80, 0, 0, 0, 0, 0, 0,		// source: the router's link-local address
	0x00, 0x56, 0x4e, 0xff, 0xfe, 0x00, 0x00, 0x01,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0,		// destination: A's
	0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x0a,
	0x02, 0x23,				// from 547
	0x02, 0x22,				// to 546
	0x00, 0x6c,				// UDP length 108
	0x76, 0x21,				// checksum
	2,					// ADVERTISE
	0x12, 0x34, 0x56,			// the client's transaction-id
	0x00, 0x01, 0x00, 0x0e,			// Client Identifier, echoed
	0x00, 0x01, 0x00, 0x01, 0x2b, 0x3c, 0x4d, 0x5e,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
	0x00, 0x02, 0x00, 0x0a,			// Server Identifier, 10 bytes
	0x00, 0x03,				//   DUID-LL
	0x00, 0x01,				//   Ethernet
	0x02, 0x56, 0x4e, 0x00, 0x00, 0x01,	//   the router's MAC
	0x00, 0x03, 0x00, 0x28,			// IA_NA, 40 bytes
	0x1a, 0x2b, 0x3c, 0x4d,			//   the client's IAID
	0x00, 0x00, 0x03, 0xe8,			//   T1 1000
	0x00, 0x00, 0x06, 0x40,			//   T2 1600
	0x00, 0x05, 0x00, 0x18,			//   IA Address, 24 bytes
	0x26, 0x00, 0x1f, 0x18, 0x12, 0x34, 0x56, 0x00,
	0, 0, 0, 0, 0, 0, 0, 0x0a,
	0x00, 0x00, 0x0b, 0xb8,			//     preferred 3000
	0x00, 0x00, 0x11, 0x94,			//     valid 4500
	0x00, 0x17, 0x00, 0x10,			// DNS Recursive Name Server, 16 bytes
	0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0,	//   fd00:ec2::253
	0, 0, 0, 0, 0, 0, 0x02, 0x53,
};

// One option of a reply: where and how long (-1 = absent); codes below 32 only.
struct reply_opts {
	int len[32];
	const uint8_t *val[32];
};

static reply_opts walk(const uint8_t *p, uint32_t len)
{
	reply_opts o;
	uint32_t i = 0;

	for (int &l : o.len)
		l = -1;
	while (i < len) {
		cr_assert_leq(i + 4, len, "option header past the end");
		uint16_t code = be16(p + i), olen = be16(p + i + 2);

		cr_assert_lt(code, 32u, "unexpected option %u", code);
		cr_assert_leq(i + 4 + olen, len, "option %u past the end", code);
		cr_assert_eq(o.len[code], -1, "option %u twice", code);
		o.len[code] = olen;
		o.val[code] = p + i + 4;
		i += 4 + olen;
	}
	return o;
}

/*
 * Builds the @type reply to the client message in @req_frame into a heap
 * buffer of exactly dhcp6_frame_max bytes; checks Ethernet, IPv6 and UDP
 * (the checksum recomputed), message type, transaction id and the two
 * identifiers; returns the top-level options, the frame in *@frame.
 */
static reply_opts build(const uint8_t *req_frame, uint32_t req_len, uint8_t type,
			const dhcp6_lease &lease, uint8_t **frame, uint32_t *out_len = nullptr)
{
	uint8_t *req = heap_frame(req_frame, req_len, req_len);
	uint8_t *out = static_cast<uint8_t *>(malloc(dhcp6_frame_max));
	const uint8_t *ip = out + 14, *udp = out + off_udp, *msg = out + off_msg;
	dhcp6_message m;
	uint32_t len;
	reply_opts o;

	cr_assert(dhcp6_parse(req, req_len, &m));
	memset(out, 0xa5, dhcp6_frame_max);
	len = dhcp6_build_reply(out, m, type, lease);
	free(req);			// the reply needs nothing of the request any more
	cr_assert_leq(len, dhcp6_frame_max);
	cr_assert_geq(len, off_msg + 4u);
	cr_assert_arr_eq(out, mac_a, 6, "to the client's MAC");
	cr_assert_arr_eq(out + 6, lease.server_mac, 6, "from the router");
	cr_assert_eq(be16(out + 12), 0x86dd);
	cr_assert_eq(be32(ip), 0x60000000u);
	cr_assert_eq(be16(ip + 4), len - 54, "payload length");
	cr_assert_eq(ip[6], 17);
	cr_assert_gt(ip[7], 0, "hop limit");
	cr_assert_arr_eq(ip + 8, lla_router1, 16, "from the router's link-local address");
	cr_assert_arr_eq(ip + 24, lla_a, 16, "to the client's");
	cr_assert_eq(be16(udp), 547);
	cr_assert_eq(be16(udp + 2), 546);
	cr_assert_eq(be16(udp + 4), len - 54, "UDP length");
	cr_assert_neq(be16(udp + 6), 0, "UDP checksum present");
	cr_assert_eq(ref_l4_csum(out, len - 54), 0, "UDP checksum");
	cr_assert_eq(msg[0], type);
	cr_assert_eq(be32(msg) & 0xffffff, xid);
	o = walk(msg + 4, len - off_msg - 4);
	cr_assert_eq(o.len[2], 10, "Server Identifier: a DUID-LL");
	cr_assert_eq(be16(o.val[2]), 3);
	cr_assert_eq(be16(o.val[2] + 2), 1);
	cr_assert_arr_eq(o.val[2] + 4, lease.server_mac, 6);
	*frame = out;
	if (out_len)
		*out_len = len;
	return o;
}

// The @reply_type answer to a client message of @type carrying @o, as build().
static reply_opts answer(uint8_t type, const opts &o, uint8_t reply_type, const dhcp6_lease &lease,
			 uint8_t **frame, uint32_t *out_len = nullptr)
{
	uint8_t req[700];

	return build(req, client_frame(req, type, o), reply_type, lease, frame, out_len);
}

static void assert_client_id_echoed(const reply_opts &o)
{
	cr_assert_eq(o.len[1], 14);
	cr_assert_arr_eq(o.val[1], opt_client_id + 4, 14);
}

static void assert_status(const uint8_t *p, int len, uint16_t code)
{
	cr_assert_eq(len, 2, "status code without a message");
	cr_assert_eq(be16(p), code);
}

// The IA_NA of a reply: the IAID, T1, T2, and @count addresses of @lease.
static void assert_ia_na(const reply_opts &o, const dhcp6_lease &lease, uint32_t count)
{
	const uint8_t *ia = o.val[3];

	cr_assert_eq(o.len[3], static_cast<int>(12 + count * 28));
	cr_assert_eq(be32(ia), iaid);
	cr_assert_eq(be32(ia + 4), lease.t1);
	cr_assert_eq(be32(ia + 8), lease.t2);
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *a = ia + 12 + i * 28;

		cr_assert_eq(be16(a), 5, "address %u: IA Address", i);
		cr_assert_eq(be16(a + 2), 24);
		cr_assert_arr_eq(a + 4, lease.addrs + 16 * i, 16, "address %u", i);
		cr_assert_eq(be32(a + 20), lease.preferred);
		cr_assert_eq(be32(a + 24), lease.valid);
	}
}

CORE_TEST(dhcp6, builds_the_advertise)
{
	dhcp6_lease lease = lease_of(addr_a, 1);
	uint32_t len;
	uint8_t *out;

	build(solicit, sizeof(solicit), dhcp6_advertise, lease, &out, &len);
	cr_assert_eq(len, sizeof(advertise));
	assert_frame(out, advertise, len);
	free(out);
}

CORE_TEST(dhcp6, rapid_commit_only_in_a_reply_to_a_solicit_asking_for_it)
{
	dhcp6_lease lease = lease_of(addr_a, 1);
	opts rc = solicit_opts();
	reply_opts o;
	uint8_t *out;

	rc.add(opt_rapid_commit, 4);
	o = answer(dhcp6_solicit, rc, dhcp6_reply, lease, &out);
	cr_assert_eq(o.len[14], 0, "Rapid Commit");
	assert_client_id_echoed(o);
	assert_ia_na(o, lease, 1);
	free(out);
	o = answer(dhcp6_solicit, rc, dhcp6_advertise, lease, &out);
	cr_assert_eq(o.len[14], -1, "an ADVERTISE commits nothing");
	free(out);
	o = build(solicit, sizeof(solicit), dhcp6_reply, lease, &out);
	cr_assert_eq(o.len[14], -1, "not asked for");
	free(out);
}

CORE_TEST(dhcp6, request_renew_and_rebind_get_the_lease)
{
	static const uint8_t types[] = { dhcp6_request, dhcp6_renew, dhcp6_rebind };
	uint8_t addrs[3 * 16];
	dhcp6_lease lease = lease_of(addrs, 3);

	for (uint32_t i = 0; i < 3; i++) {
		memcpy(addrs + 16 * i, addr_a, 16);
		addrs[16 * i + 15] = static_cast<uint8_t>(0x0a + i);
	}
	for (uint8_t type : types) {
		uint8_t *out;
		reply_opts o = answer(type, valid_opts(type), dhcp6_reply, lease, &out);

		assert_client_id_echoed(o);
		assert_ia_na(o, lease, 3);
		cr_assert_eq(o.len[23], 16, "DNS servers");
		cr_assert_arr_eq(o.val[23], dns_ec2, 16);
		cr_assert_eq(o.len[13], -1, "no top-level status");
		cr_assert_eq(o.len[14], -1);
		free(out);
	}
}

CORE_TEST(dhcp6, fifty_addresses_and_the_largest_reply)
{
	uint8_t addrs[60 * 16], dns[3 * 16], duid[4 + 130], *out;
	dhcp6_lease lease = lease_of(addrs, dhcp6_max_addrs);
	reply_opts o;
	uint32_t len;
	opts big;

	cr_assert_eq(dhcp6_max_addrs, 50u);
	for (uint32_t i = 0; i < 60; i++) {
		memcpy(addrs + 16 * i, addr_a, 16);
		addrs[16 * i + 14] = static_cast<uint8_t>(i);
	}
	for (uint32_t i = 0; i < 3; i++) {
		memcpy(dns + 16 * i, dns_ec2, 16);
		dns[16 * i + 15] = static_cast<uint8_t>(i);
	}
	lease.dns = dns;
	lease.dns_count = 3;
	memset(duid, 0x5a, sizeof(duid));
	put_be16_at(duid, 1);
	put_be16_at(duid + 2, 130);
	big.add(duid, sizeof(duid)).add(opt_ia_na, 16).add(opt_rapid_commit, 4);

	o = answer(dhcp6_solicit, big, dhcp6_reply, lease, &out, &len);
	assert_ia_na(o, lease, 50);
	cr_assert_eq(o.len[1], 130);
	cr_assert_arr_eq(o.val[1], duid + 4, 130);
	cr_assert_eq(o.len[14], 0);
	cr_assert_eq(o.len[23], 48);
	cr_assert_arr_eq(o.val[23], dns, 48);
	// Every option but a top-level status, which never comes with an IA.
	cr_assert_eq(len, dhcp6_frame_max - 6);
	cr_assert_eq(dhcp6_frame_max, 1692u);
	free(out);

	// More than it can carry is cut to the most, not written past the buffer.
	lease.count = 60;
	lease.dns_count = 4;
	o = answer(dhcp6_solicit, big, dhcp6_reply, lease, &out, &len);
	assert_ia_na(o, lease, 50);
	cr_assert_eq(o.len[23], 48);
	cr_assert_eq(len, dhcp6_frame_max - 6);
	free(out);
}

CORE_TEST(dhcp6, no_addresses_is_no_addrs_avail_in_the_ia)
{
	dhcp6_lease lease = lease_of(nullptr, 0);
	const uint8_t *ia;
	uint8_t *out;
	reply_opts o;

	o = build(solicit, sizeof(solicit), dhcp6_advertise, lease, &out);
	ia = o.val[3];
	cr_assert_eq(o.len[3], 12 + 6);
	cr_assert_eq(be32(ia), iaid);
	cr_assert_eq(be32(ia + 4), 0u, "T1");
	cr_assert_eq(be32(ia + 8), 0u, "T2");
	cr_assert_eq(be16(ia + 12), 13, "Status Code");
	assert_status(ia + 16, be16(ia + 14), dhcp6_status_no_addrs_avail);
	cr_assert_eq(o.len[13], -1, "in the IA, not at the top (RFC 8415, unlike 3315)");
	free(out);
}

CORE_TEST(dhcp6, a_solicit_without_an_ia_gets_none)
{
	dhcp6_lease lease = lease_of(addr_a, 1);
	reply_opts o;
	uint8_t *out;
	opts no_ia;

	no_ia.add(opt_client_id, 18).add(opt_oro, 8);
	o = answer(dhcp6_solicit, no_ia, dhcp6_advertise, lease, &out);
	cr_assert_eq(o.len[3], -1);
	cr_assert_eq(o.len[23], 16);
	free(out);
}

CORE_TEST(dhcp6, confirm_release_and_decline_get_a_status)
{
	static const uint8_t types[] = { dhcp6_confirm, dhcp6_release, dhcp6_decline };
	dhcp6_lease lease = lease_of(addr_a, 1);

	for (uint8_t type : types) {
		uint8_t *out;
		reply_opts o = answer(type, valid_opts(type), dhcp6_reply, lease, &out);

		assert_client_id_echoed(o);
		assert_status(o.val[13], o.len[13], dhcp6_status_success);
		cr_assert_eq(o.len[3], -1, "type %u: no IA", type);
		cr_assert_eq(o.len[23], -1, "type %u: no configuration", type);
		free(out);
	}
}

CORE_TEST(dhcp6, confirm_may_say_not_on_link)
{
	dhcp6_lease lease = lease_of(addr_a, 1);
	reply_opts o;
	uint8_t *out;

	lease.status = dhcp6_status_not_on_link;
	o = answer(dhcp6_confirm, valid_opts(dhcp6_confirm), dhcp6_reply, lease, &out);
	assert_status(o.val[13], o.len[13], 4);
	free(out);
}

CORE_TEST(dhcp6, information_request_gets_configuration_only)
{
	dhcp6_lease lease = lease_of(addr_a, 1);
	reply_opts o;
	uint8_t *out;
	opts anonymous;

	o = answer(dhcp6_information_request, valid_opts(dhcp6_information_request), dhcp6_reply,
		   lease, &out);
	assert_client_id_echoed(o);
	cr_assert_eq(o.len[3], -1);
	cr_assert_eq(o.len[13], -1);
	cr_assert_eq(o.len[23], 16);
	free(out);

	// Without a Client ID there is none to echo (18.3.6).
	o = answer(dhcp6_information_request, anonymous, dhcp6_reply, lease, &out);
	cr_assert_eq(o.len[1], -1);
	cr_assert_eq(o.len[23], 16);
	free(out);

	lease.dns_count = 0;
	o = answer(dhcp6_information_request, anonymous, dhcp6_reply, lease, &out);
	cr_assert_eq(o.len[23], -1, "no DNS servers, no option");
	free(out);
}

CORE_TEST(dhcp6, a_reply_is_not_a_client_message)
{
	dhcp6_lease lease = lease_of(addr_a, 1);
	uint32_t len;
	uint8_t *out;
	dhcp6_message m;

	build(solicit, sizeof(solicit), dhcp6_reply, lease, &out, &len);
	cr_assert_not(parse(out, len, &m));
	free(out);
}

CORE_TEST(dhcp6, server_id_matching)
{
	static const uint8_t llt_id[18] = { 0x00, 0x02, 0x00, 0x0e, 0x00, 0x01, 0x00, 0x01,
					    0x2b, 0x3c, 0x4d, 0x5e,
					    0x02, 0x56, 0x4e, 0x00, 0x00, 0x01 };
	dhcp6_message m;
	opts ll, llt;

	ll.add(opt_client_id, 18).add(opt_server_id, 14);
	cr_assert(parse_opts(dhcp6_renew, ll, &m));
	cr_assert(dhcp6_is_our_server_id(m, router1));
	cr_assert_not(dhcp6_is_our_server_id(m, mac_a));
	llt.add(opt_client_id, 18).add(llt_id, 18);		// the router's MAC in a DUID-LLT
	cr_assert(parse_opts(dhcp6_renew, llt, &m));
	cr_assert_not(dhcp6_is_our_server_id(m, router1));
	cr_assert(parse(solicit, sizeof(solicit), &m));
	cr_assert_not(dhcp6_is_our_server_id(m, router1), "no Server ID");
}
