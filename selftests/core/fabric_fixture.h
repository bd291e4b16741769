// SPDX-License-Identifier: GPL-2.0
// fabric_fixture.h - a fabric on the harness, ports A/B/C, frame builders and verdict checks.
#pragma once

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/*
 *                     VPC key 1: 172.31.0.0/16
 *   subnet key 1: 172.31.0.0/20              subnet key 2: 172.31.16.0/20
 *   router 02:56:4e:00:00:01 (.1)            router 02:56:4e:00:00:02 (.1)
 *
 *   +-----------------+ +-----------------+  +-------------------+
 *   | A 02:00:..:00:0a| | B 02:00:..:00:0b|  | C 02:00:..:00:0c  |
 *   |   172.31.0.4    | |   172.31.0.5    |  |   172.31.16.4     |
 *   +--------+--------+ +--------+--------+  +---------+---------+
 *            |                   |                     |
 *   =========+===================+=====================+========  fabric
 *
 * Ports are plugged with the source/dest check off unless a test turns it on.
 */

enum : uint32_t {
	vpc_block = 0xac1f0000,		// 172.31.0.0/16
	subnet1 = 0xac1f0000,		// 172.31.0.0/20
	subnet2 = 0xac1f1000,		// 172.31.16.0/20
	ip_a = subnet1 + 4,
	ip_b = subnet1 + 5,
	ip_c = subnet2 + 4,
	key1 = 1,
	key2 = 2,
	vpc1 = 1,
};

inline const uint8_t mac_a[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
inline const uint8_t mac_b[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };
inline const uint8_t mac_c[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0c };
inline const uint8_t mac_igw[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };
inline const uint8_t router1[6] = { 0x02, 0x56, 0x4e, 0x00, 0x00, 0x01 };
inline const uint8_t router2[6] = { 0x02, 0x56, 0x4e, 0x00, 0x00, 0x02 };
inline const uint8_t vpc_router1[6] = { 0x02, 0x56, 0x4e, 0x80, 0x00, 0x01 };
inline const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

// What deliver() gets back: any distinct addresses do.
inline int cookie_a, cookie_b, cookie_c, cookie_igw, frame_token;

inline vcore_fabric *fab;
inline vcore_fabric_port *ports[16];
inline vcore_fabric_port *pa, *pb, *pc, *pigw;
// The frame as the last xmit() left it (routing rewrites in place).
inline uint8_t xmitted[2048];

inline void release_fabric(void)
{
	for (vcore_fabric_port *&p : ports) {
		if (p)
			vcore_fabric_port_del(fab, p);
		p = nullptr;
	}
	vcore_fabric_destroy(fab);
	fab = nullptr;
	pa = pb = pc = pigw = nullptr;
}

inline void fabric_setup(void)
{
	harness_init(release_fabric);
	fab = vcore_fabric_create();
	cr_assert_not_null(fab);
}

inline vcore_port_desc desc_of(const uint8_t *mac, uint32_t ip, uint32_t key, uint32_t net,
			       void *cookie)
{
	vcore_port_desc d = {};

	memcpy(d.mac, mac, 6);
	d.kind = VCORE_PORT_ENI;
	d.ip = ip;
	d.subnet_key = key;
	d.subnet_addr = net;
	d.subnet_prefixlen = 20;
	d.vpc_key = vpc1;
	d.vpc_addr = vpc_block;
	d.vpc_prefixlen = 16;
	d.cookie = cookie;
	return d;
}

inline vcore_port_desc igw_desc(uint8_t frag_needed)
{
	vcore_port_desc d = {};

	memcpy(d.mac, mac_igw, 6);
	d.kind = VCORE_PORT_IGW;
	d.frag_needed = frag_needed;
	d.vpc_key = vpc1;
	d.vpc_addr = vpc_block;
	d.vpc_prefixlen = 16;
	d.cookie = &cookie_igw;
	return d;
}

// Plugs a port the test expects to succeed; the release hook unplugs it.
inline vcore_fabric_port *plug_desc(const vcore_port_desc &d)
{
	int err = 0;
	vcore_fabric_port *p = vcore_fabric_port_add(fab, &d, &err);

	cr_assert_not_null(p, "port_add failed: %d", err);
	for (vcore_fabric_port *&slot : ports) {
		if (!slot) {
			slot = p;
			return p;
		}
	}
	cr_assert_fail("too many ports for the test");
	return nullptr;
}

inline vcore_fabric_port *plug(const uint8_t *mac, uint32_t ip, uint32_t key, uint32_t net,
			       void *cookie)
{
	return plug_desc(desc_of(mac, ip, key, net, cookie));
}

inline void unplug(vcore_fabric_port *p)
{
	for (vcore_fabric_port *&slot : ports)
		if (slot == p)
			slot = nullptr;
	vcore_fabric_port_del(fab, p);
}

inline void plug_abc(void)
{
	pa = plug(mac_a, ip_a, key1, subnet1, &cookie_a);
	pb = plug(mac_b, ip_b, key1, subnet1, &cookie_b);
	pc = plug(mac_c, ip_c, key2, subnet2, &cookie_c);
}

// Turns a plugged port's source/dest check on or off, keeping its IPs.
inline void set_check(vcore_fabric_port *p, const uint8_t *mac, uint32_t ip, uint32_t key,
		      uint32_t net, void *cookie, uint8_t on)
{
	vcore_port_desc d = desc_of(mac, ip, key, net, cookie);

	d.source_dest_check = on;
	cr_assert_eq(vcore_fabric_port_update(fab, p, &d), 0);
}

/* ---- frames ---- */

inline uint16_t be16(const uint8_t *p)
{
	return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

inline uint32_t be32(const uint8_t *p)
{
	return static_cast<uint32_t>(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

inline void put_ip(uint8_t *p, uint32_t ip)
{
	p[0] = static_cast<uint8_t>(ip >> 24);
	p[1] = static_cast<uint8_t>(ip >> 16);
	p[2] = static_cast<uint8_t>(ip >> 8);
	p[3] = static_cast<uint8_t>(ip);
}

inline uint32_t eth_frame(uint8_t *buf, const uint8_t *dst, const uint8_t *src, uint16_t type,
			  uint32_t payload_len)
{
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	buf[12] = static_cast<uint8_t>(type >> 8);
	buf[13] = static_cast<uint8_t>(type);
	memset(buf + 14, 0x45, payload_len);
	return 14 + payload_len;
}

// An Ethernet/IPv4 ARP request (RFC 826) "who has @tip? tell @sip".
inline uint32_t arp_request(uint8_t *buf, const uint8_t *dst, const uint8_t *sha, uint32_t sip,
			    uint32_t tip)
{
	static const uint8_t fixed[8] = { 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01 };

	eth_frame(buf, dst, sha, 0x0806, 0);
	memcpy(buf + 14, fixed, sizeof(fixed));
	memcpy(buf + 22, sha, 6);
	put_ip(buf + 28, sip);
	memset(buf + 32, 0, 6);
	put_ip(buf + 38, tip);
	return 42;
}

// The reply the fabric must send: "@tip is at @answer", to the asker.
inline void expected_reply(uint8_t *buf, const uint8_t *asker, uint32_t asker_ip,
			   const uint8_t *answer, uint32_t tip)
{
	static const uint8_t fixed[8] = { 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x02 };

	eth_frame(buf, asker, answer, 0x0806, 0);
	memcpy(buf + 14, fixed, sizeof(fixed));
	memcpy(buf + 22, answer, 6);
	put_ip(buf + 28, tip);
	memcpy(buf + 32, asker, 6);
	put_ip(buf + 38, asker_ip);
}

// The Internet checksum as RFC 1071 defines it, written independently of the core's.
inline uint16_t ref_csum(const uint8_t *p, uint32_t len, uint32_t sum = 0)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += static_cast<uint32_t>(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return static_cast<uint16_t>(~sum);
}

struct ip_opts {
	uint8_t ttl = 64;
	uint8_t proto = 17;		// UDP
	bool df = false;
	uint32_t total_len = 0;		// 0: the bytes built
};

/*
 * An Ethernet/IPv4 frame with a correct header checksum and @payload_len
 * bytes of payload (a pattern); the total length field may claim more
 * (a frame whose tail the shim did not make linear).
 */
inline uint32_t ip_frame(uint8_t *buf, const uint8_t *dst, const uint8_t *src, uint32_t sip,
			 uint32_t dip, uint32_t payload_len, ip_opts o = {})
{
	uint8_t *ip = buf + 14;
	uint32_t tot = o.total_len ? o.total_len : 20 + payload_len;

	eth_frame(buf, dst, src, 0x0800, 20);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = static_cast<uint8_t>(tot >> 8);
	ip[3] = static_cast<uint8_t>(tot);
	ip[4] = 0x12;
	ip[5] = 0x34;
	ip[6] = o.df ? 0x40 : 0;
	ip[8] = o.ttl;
	ip[9] = o.proto;
	put_ip(ip + 12, sip);
	put_ip(ip + 16, dip);
	uint16_t c = ref_csum(ip, 20);
	ip[10] = static_cast<uint8_t>(c >> 8);
	ip[11] = static_cast<uint8_t>(c);
	for (uint32_t i = 0; i < payload_len; i++)
		ip[20 + i] = static_cast<uint8_t>(i * 7 + 1);
	return 34 + payload_len;
}

/* ---- running the data path ---- */

// Set by a test where ENA Express crosses a path model: the sender's first
// packet to a peer makes its SRD link (fabric/srdlink.cc), atomically.
inline bool srd_links_may_allocate;

// xmit, checking the data-path rules: no allocation (but an SRD link's,
// atomically), RCU section closed again. The frame is copied to the heap at its exact size, so ASan sees any
// read past @len; what the core left in it is kept in xmitted[].
// @seg_len: as vcore_fabric_xmit_gso (0: an ordinary frame).
inline vcore_xmit_verdict xmit(vcore_fabric_port *src, const uint8_t *frame, uint32_t len,
			       uint32_t seg_len = 0)
{
	unsigned long allocs = harness.allocs;
	uint8_t *copy = static_cast<uint8_t *>(malloc(len ? len : 1));

	memcpy(copy, frame, len);
	vcore_xmit_verdict v = seg_len ? vcore_fabric_xmit_gso(fab, src, copy, len, seg_len,
							       &frame_token)
					: vcore_fabric_xmit(fab, src, copy, len, &frame_token);

	memcpy(xmitted, copy, len < sizeof(xmitted) ? len : sizeof(xmitted));
	free(copy);
	if (srd_links_may_allocate && harness.allocs != allocs)
		cr_assert_eq(harness.last_alloc_flags, VCORE_ALLOC_ATOMIC,
			     "an SRD link allocated without VCORE_ALLOC_ATOMIC");
	else
		cr_assert_eq(harness.allocs, allocs, "xmit allocated memory");
	cr_assert_eq(harness.rcu_depth, 0, "xmit left its RCU section open");
	return v;
}

// xmit where tracking may allocate a flow: only atomically, only on the data path's terms.
inline vcore_xmit_verdict xmit_tracked(vcore_fabric_port *src, const uint8_t *frame, uint32_t len)
{
	uint8_t *copy = static_cast<uint8_t *>(malloc(len));
	vcore_xmit_verdict v;
	unsigned long allocs = harness.allocs;

	memcpy(copy, frame, len);
	v = vcore_fabric_xmit(fab, src, copy, len, &frame_token);
	memcpy(xmitted, copy, len < sizeof(xmitted) ? len : sizeof(xmitted));
	free(copy);
	if (harness.allocs != allocs)
		cr_assert_eq(harness.last_alloc_flags, VCORE_ALLOC_ATOMIC,
			     "tracking allocated without VCORE_ALLOC_ATOMIC");
	cr_assert_eq(harness.rcu_depth, 0);
	return v;
}

inline vcore_fabric_stats stats(void)
{
	vcore_fabric_stats s;

	memset(&s, 0xff, sizeof(s));
	vcore_fabric_get_stats(fab, &s);
	return s;
}

inline vcore_port_stats port_stats(vcore_fabric_port *p)
{
	vcore_port_stats s;

	memset(&s, 0xff, sizeof(s));
	vcore_fabric_port_get_stats(p, &s);
	return s;
}

// Every counter summed: each frame counts exactly once.
inline uint64_t stats_total(const vcore_fabric_stats &s)
{
	return s.forwarded + s.arp_replies + s.dhcp_replies + s.routed + s.frag_needed_sent +
	       s.drop_malformed + s.drop_no_dest + s.drop_cross_subnet + s.drop_bcast_mcast +
	       s.drop_src_dst_check + s.drop_no_route + s.drop_ttl + s.drop_too_big + s.drop_arp +
	       s.drop_spoofed_mac + s.path_lost + s.drop_sg + s.drop_conntrack_full + s.drop_nacl +
	       s.nd6_replies + s.ra_sent + s.dhcp6_replies + s.drop_no_ipv6 + s.drop_egress_only +
	       s.svc_requests + s.svc_replies + s.drop_svc + s.drop_linklocal_allowance +
	       s.drop_bw_in_allowance + s.drop_bw_out_allowance + s.drop_pps_allowance +
	       s.drop_flow_limit + s.tunnel_rx + s.drop_tunnel_mapping;
}

// Exactly one drop, counted under @reason and against the sender; nothing delivered.
#define assert_dropped_for(src, reason)						\
	do {									\
		vcore_fabric_stats s_ = stats();				\
		cr_assert_eq(harness.delivery_count, 0, "something was delivered"); \
		cr_assert_eq(s_.reason, 1u, #reason " not counted");		\
		cr_assert_eq(stats_total(s_), 1u, "counted under more than " #reason); \
		cr_assert_eq(port_stats(src).tx_dropped, 1u);			\
	} while (0)
