// SPDX-License-Identifier: GPL-2.0
// test_arp.cc - the ARP responder's parser and reply builder (core/fabric/arp.cc).
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "fabric/arp.h"

using namespace vnitro::fabric;

static void setup(void)
{
	harness_init(nullptr);
}

TestSuite(arp, .init = setup, .fini = harness_fini);

/*
 * "Who has 172.31.0.5? Tell 172.31.0.4", from 02:aa:bb:cc:dd:ee, written out
 * field by field as RFC 826 lays out an Ethernet/IPv4 request.
 */
static const uint8_t request[42] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	// Ethernet destination: broadcast
	0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,	// Ethernet source
	0x08, 0x06,				// EtherType: ARP
	0x00, 0x01,				// ar$hrd: Ethernet
	0x08, 0x00,				// ar$pro: IPv4
	0x06,					// ar$hln
	0x04,					// ar$pln
	0x00, 0x01,				// ar$op: request
	0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,	// ar$sha
	172, 31, 0, 4,				// ar$spa
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	// ar$tha: unknown
	172, 31, 0, 5,				// ar$tpa
};

enum {
	off_ethertype = 12,
	off_htype = 14,
	off_ptype = 16,
	off_hlen = 18,
	off_plen = 19,
	off_oper = 20,
};

// A copy of the request of exactly @len bytes on the heap, so ASan sees over-reads.
static uint8_t *frame_of(uint32_t len)
{
	uint8_t *f = static_cast<uint8_t *>(calloc(1, len ? len : 1));

	memcpy(f, request, len < sizeof(request) ? len : sizeof(request));
	return f;
}

static bool parse_modified(uint32_t offset, uint8_t value)
{
	uint8_t *f = frame_of(sizeof(request));
	arp_request req;
	bool ok;

	f[offset] = value;
	ok = arp_parse_request(f, sizeof(request), &req);
	free(f);
	return ok;
}

CORE_TEST(arp, parses_a_request)
{
	static const uint8_t sender_mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	uint8_t *f = frame_of(sizeof(request));
	arp_request req;

	memset(&req, 0x77, sizeof(req));
	cr_assert(arp_parse_request(f, sizeof(request), &req));
	cr_assert_arr_eq(req.sender_mac, sender_mac, 6);
	cr_assert_eq(req.sender_ip, 0xac1f0004u);
	cr_assert_eq(req.target_ip, 0xac1f0005u);
	free(f);
}

CORE_TEST(arp, accepts_padding_after_the_payload)
{
	uint8_t *f = frame_of(60);		// padded to the Ethernet minimum
	arp_request req;

	cr_assert(arp_parse_request(f, 60, &req));
	cr_assert_eq(req.target_ip, 0xac1f0005u);
	free(f);
}

CORE_TEST(arp, rejects_short_frames)
{
	arp_request req;

	for (uint32_t len = 0; len < sizeof(request); len++) {
		uint8_t *f = frame_of(len);

		cr_assert_not(arp_parse_request(f, len, &req), "accepted a %u-byte frame", len);
		free(f);
	}
}

CORE_TEST(arp, rejects_other_ethertypes)
{
	cr_assert_not(parse_modified(off_ethertype + 1, 0x00));	// 0x0800 IPv4
	cr_assert_not(parse_modified(off_ethertype, 0x86));		// 0x8606
	cr_assert_not(parse_modified(off_ethertype + 1, 0x35));	// 0x0835 (RARP is 8035)
}

CORE_TEST(arp, rejects_other_hardware_and_protocol_types)
{
	cr_assert_not(parse_modified(off_htype + 1, 6));		// IEEE 802
	cr_assert_not(parse_modified(off_htype, 1));			// 0x0101
	cr_assert_not(parse_modified(off_ptype, 0x86));		// 0x8600
	cr_assert_not(parse_modified(off_ptype + 1, 0xdd));		// 0x08dd
}

CORE_TEST(arp, rejects_other_address_lengths)
{
	cr_assert_not(parse_modified(off_hlen, 8));
	cr_assert_not(parse_modified(off_hlen, 0));
	cr_assert_not(parse_modified(off_plen, 16));
	cr_assert_not(parse_modified(off_plen, 0));
}

CORE_TEST(arp, rejects_replies_and_other_operations)
{
	cr_assert_not(parse_modified(off_oper + 1, 2));		// reply
	cr_assert_not(parse_modified(off_oper + 1, 3));		// RARP request
	cr_assert_not(parse_modified(off_oper + 1, 0));
	cr_assert_not(parse_modified(off_oper, 1));			// 0x0101
}

CORE_TEST(arp, builds_the_reply)
{
	static const uint8_t answer_mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t expected[42] = {
		0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,	// to the asker
		0x02, 0x11, 0x22, 0x33, 0x44, 0x55,	// from the answer
		0x08, 0x06,
		0x00, 0x01,
		0x08, 0x00,
		0x06,
		0x04,
		0x00, 0x02,				// reply
		0x02, 0x11, 0x22, 0x33, 0x44, 0x55,	// sha: the answer
		172, 31, 0, 5,				// spa: the address asked about
		0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,	// tha: the asker
		172, 31, 0, 4,				// tpa: the asker's address
	};
	arp_request req;
	uint8_t *out = static_cast<uint8_t *>(malloc(arp_frame_len));

	cr_assert_eq(arp_frame_len, 42u);
	cr_assert(arp_parse_request(request, sizeof(request), &req));
	memset(out, 0xa5, arp_frame_len);
	arp_build_reply(out, req, answer_mac);	// writes exactly 42 bytes: ASan checks
	for (uint32_t i = 0; i < arp_frame_len; i++)
		cr_assert_eq(out[i], expected[i], "byte %u: 0x%02x, expected 0x%02x", i, out[i],
			     expected[i]);
	free(out);
}

CORE_TEST(arp, a_reply_is_not_a_request)
{
	static const uint8_t answer_mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	uint8_t reply[arp_frame_len];
	arp_request req;

	cr_assert(arp_parse_request(request, sizeof(request), &req));
	arp_build_reply(reply, req, answer_mac);
	cr_assert_not(arp_parse_request(reply, sizeof(reply), &req));
}
