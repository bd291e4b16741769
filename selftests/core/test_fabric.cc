// SPDX-License-Identifier: GPL-2.0
// test_fabric.cc - the VPC switch: ports, verdicts, the ARP responder (core/fabric/fabric.cc).
#include <errno.h>
#include <string.h>

#include "harness.h"

/*
 *   subnet key 1: 172.31.0.0/20              subnet key 2: 172.31.16.0/20
 *   router 02:56:4e:00:00:01 (.1)            router 02:56:4e:00:00:02
 *
 *   +-----------------+ +-----------------+  +-------------------+
 *   | A 02:00:..:00:0a| | B 02:00:..:00:0b|  | C 02:00:..:00:0c  |
 *   |   172.31.0.4    | |   172.31.0.5    |  |   172.31.16.4     |
 *   +--------+--------+ +--------+--------+  +---------+---------+
 *            |                   |                     |
 *   =========+===================+=====================+========  fabric
 */

enum : uint32_t {
	subnet1 = 0xac1f0000,		// 172.31.0.0/20
	subnet2 = 0xac1f1000,		// 172.31.16.0/20
	ip_a = subnet1 + 4,
	ip_b = subnet1 + 5,
	ip_c = subnet2 + 4,
	key1 = 1,
	key2 = 2,
};

static const uint8_t mac_a[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };
static const uint8_t mac_c[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0c };
static const uint8_t router1[6] = { 0x02, 0x56, 0x4e, 0x00, 0x00, 0x01 };
static const uint8_t router2[6] = { 0x02, 0x56, 0x4e, 0x00, 0x00, 0x02 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

// What deliver() gets back: any distinct addresses do.
static int cookie_a, cookie_b, cookie_c, frame_token;

static vnitro_fabric *fab;
static vnitro_fabric_port *ports[16];

static void release_fabric(void)
{
	for (vnitro_fabric_port *&p : ports) {
		if (p)
			vnitro_fabric_port_del(fab, p);
		p = nullptr;
	}
	vnitro_fabric_destroy(fab);
	fab = nullptr;
}

static void setup(void)
{
	harness_init(release_fabric);
	fab = vnitro_fabric_create();
	cr_assert_not_null(fab);
}

TestSuite(fabric, .init = setup, .fini = harness_fini);

static vnitro_port_desc desc_of(const uint8_t *mac, uint32_t ip, uint32_t key, uint32_t net,
				void *cookie)
{
	vnitro_port_desc d = {};

	memcpy(d.mac, mac, 6);
	d.ip = ip;
	d.subnet_key = key;
	d.subnet_addr = net;
	d.subnet_prefixlen = 20;
	d.cookie = cookie;
	return d;
}

// Plugs a port the test expects to succeed; the release hook unplugs it.
static vnitro_fabric_port *plug(const uint8_t *mac, uint32_t ip, uint32_t key, uint32_t net,
				void *cookie)
{
	vnitro_port_desc d = desc_of(mac, ip, key, net, cookie);
	int err = 0;
	vnitro_fabric_port *p = vnitro_fabric_port_add(fab, &d, &err);

	cr_assert_not_null(p, "port_add failed: %d", err);
	for (vnitro_fabric_port *&slot : ports) {
		if (!slot) {
			slot = p;
			return p;
		}
	}
	cr_assert_fail("too many ports for the test");
	return nullptr;
}

static void unplug(vnitro_fabric_port *p)
{
	for (vnitro_fabric_port *&slot : ports)
		if (slot == p)
			slot = nullptr;
	vnitro_fabric_port_del(fab, p);
}

static vnitro_fabric_port *pa, *pb, *pc;

static void plug_abc(void)
{
	pa = plug(mac_a, ip_a, key1, subnet1, &cookie_a);
	pb = plug(mac_b, ip_b, key1, subnet1, &cookie_b);
	pc = plug(mac_c, ip_c, key2, subnet2, &cookie_c);
}

static uint32_t eth_frame(uint8_t *buf, const uint8_t *dst, const uint8_t *src, uint16_t type,
			  uint32_t payload_len)
{
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	buf[12] = static_cast<uint8_t>(type >> 8);
	buf[13] = static_cast<uint8_t>(type);
	memset(buf + 14, 0x45, payload_len);
	return 14 + payload_len;
}

static void put_ip(uint8_t *p, uint32_t ip)
{
	p[0] = static_cast<uint8_t>(ip >> 24);
	p[1] = static_cast<uint8_t>(ip >> 16);
	p[2] = static_cast<uint8_t>(ip >> 8);
	p[3] = static_cast<uint8_t>(ip);
}

// An Ethernet/IPv4 ARP request (RFC 826) "who has @tip? tell @sip".
static uint32_t arp_request(uint8_t *buf, const uint8_t *dst, const uint8_t *sha, uint32_t sip,
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
static void expected_reply(uint8_t *buf, const uint8_t *asker, uint32_t asker_ip,
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

// xmit, checking the data-path rules: no allocation, RCU section closed again.
static vnitro_xmit_verdict xmit(vnitro_fabric_port *src, const uint8_t *frame, uint32_t len)
{
	unsigned long allocs = harness.allocs;
	uint8_t copy[len + 1];	// xmit may rewrite the frame in place (routing)

	memcpy(copy, frame, len);
	vnitro_xmit_verdict v = vnitro_fabric_xmit(fab, src, copy, len, &frame_token);

	cr_assert_eq(harness.allocs, allocs, "xmit allocated memory");
	cr_assert_eq(harness.rcu_depth, 0, "xmit left its RCU section open");
	return v;
}

static vnitro_fabric_stats stats(void)
{
	vnitro_fabric_stats s;

	memset(&s, 0xff, sizeof(s));
	vnitro_fabric_get_stats(fab, &s);
	return s;
}

static vnitro_port_stats port_stats(vnitro_fabric_port *p)
{
	vnitro_port_stats s;

	memset(&s, 0xff, sizeof(s));
	vnitro_fabric_port_get_stats(p, &s);
	return s;
}

// Exactly one drop, counted under @reason and against the sender; nothing delivered.
#define assert_dropped_for(src, reason)						\
	do {									\
		vnitro_fabric_stats s_ = stats();				\
		cr_assert_eq(harness.delivery_count, 0, "something was delivered"); \
		cr_assert_eq(s_.reason, 1u, #reason " not counted");		\
		cr_assert_eq(s_.forwarded + s_.arp_replies + s_.drop_malformed +	\
			     s_.drop_no_dest + s_.drop_cross_subnet + s_.drop_bcast_mcast, 1u, \
			     "counted under more than " #reason);		\
		cr_assert_eq(port_stats(src).tx_dropped, 1u);			\
	} while (0)

/* ---- life cycle and ports ---- */

CORE_TEST(fabric, create_and_destroy_empty)
{
	vnitro_fabric_stats s = stats();

	cr_assert_eq(harness.live_mutexes, 1);
	cr_assert_eq(s.forwarded + s.arp_replies + s.drop_malformed + s.drop_no_dest +
		     s.drop_cross_subnet + s.drop_bcast_mcast, 0u);
	release_fabric();
	cr_assert_eq(harness.live_allocs, 0);
	cr_assert_eq(harness.live_mutexes, 0);
	cr_assert_eq(harness.log_count, 0, "destroy logged: %s", harness.last_log);
}

CORE_TEST(fabric, create_fails_cleanly_without_memory)
{
	vnitro_fabric *other;

	harness.fail_alloc_in = 1;
	other = vnitro_fabric_create();
	cr_assert_null(other);
	harness.fail_mutex_create = true;
	other = vnitro_fabric_create();
	cr_assert_null(other);
	cr_assert_eq(harness.live_allocs, 1, "only the fixture's fabric is allocated");
	cr_assert_eq(harness.live_mutexes, 1, "only the fixture's fabric has a mutex");
}

CORE_TEST(fabric, port_add_and_del)
{
	long base = harness.live_allocs;

	plug_abc();
	cr_assert_eq(harness.live_allocs, base + 3);
	cr_assert_eq(harness.last_alloc_flags, VNITRO_ALLOC_SLEEP);
	cr_assert_eq(port_stats(pa).tx_dropped, 0u);
	cr_assert_eq(port_stats(pa).rx_arp_replies, 0u);
	unplug(pb);
	cr_assert_eq(harness.synchronize_calls, 1);
	unplug(pa);
	unplug(pc);
	cr_assert_eq(harness.synchronize_calls, 3);
	cr_assert_eq(harness.live_allocs, base);
}

CORE_TEST(fabric, port_add_refuses_a_duplicate_mac)
{
	vnitro_port_desc d = desc_of(mac_a, ip_b, key1, subnet1, &cookie_b);
	uint8_t frame[64];
	int err = 0;
	long allocs;

	plug_abc();
	allocs = harness.live_allocs;
	cr_assert_null(vnitro_fabric_port_add(fab, &d, &err));
	cr_assert_eq(err, -EADDRINUSE);
	// Also across subnets: MACs are unique in the whole fabric.
	d = desc_of(mac_a, ip_c + 1, key2, subnet2, &cookie_c);
	err = 0;
	cr_assert_null(vnitro_fabric_port_add(fab, &d, &err));
	cr_assert_eq(err, -EADDRINUSE);
	cr_assert_eq(harness.live_allocs, allocs);
	// The first owner of the MAC still gets its frames.
	cr_assert_eq(xmit(pb, frame, eth_frame(frame, mac_a, mac_b, 0x0800, 20)),
		     VNITRO_XMIT_DELIVERED);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_a);
}

CORE_TEST(fabric, port_add_refuses_the_router_mac)
{
	static const uint8_t router_123456[6] = { 0x02, 0x56, 0x4e, 0x12, 0x34, 0x56 };
	vnitro_port_desc d = desc_of(router1, ip_a, key1, subnet1, &cookie_a);
	int err = 0;

	cr_assert_null(vnitro_fabric_port_add(fab, &d, &err));
	cr_assert_eq(err, -EADDRINUSE);
	// All three low octets come from the subnet key.
	d = desc_of(router_123456, ip_a, 0x123456, subnet1, &cookie_a);
	err = 0;
	cr_assert_null(vnitro_fabric_port_add(fab, &d, &err));
	cr_assert_eq(err, -EADDRINUSE);
	cr_assert_eq(harness.live_allocs, 1, "only the fabric is allocated");
}

CORE_TEST(fabric, port_add_fails_cleanly_without_memory)
{
	vnitro_port_desc d = desc_of(mac_a, ip_a, key1, subnet1, &cookie_a);
	int err = 0;

	harness.fail_alloc_in = 1;
	cr_assert_null(vnitro_fabric_port_add(fab, &d, &err));
	cr_assert_eq(err, -ENOMEM);
	// The MAC was not half-registered: it can be plugged now.
	plug(mac_a, ip_a, key1, subnet1, &cookie_a);
}

CORE_TEST(fabric, ports_sharing_a_hash_bucket)
{
	// The bucket hash ignores the first two octets: these four collide.
	static const uint8_t m[4][6] = {
		{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x42 },
		{ 0x06, 0x00, 0x00, 0x00, 0x00, 0x42 },
		{ 0x0a, 0x00, 0x00, 0x00, 0x00, 0x42 },
		{ 0x0e, 0x00, 0x00, 0x00, 0x00, 0x42 },
	};
	static int cookies[4];
	vnitro_fabric_port *p[4];
	uint8_t frame[64];

	for (int i = 0; i < 4; i++)
		p[i] = plug(m[i], subnet1 + 10 + i, key1, subnet1, &cookies[i]);
	unplug(p[1]);			// the middle of the chain
	unplug(p[3]);			// its head (ports are pushed at the front)
	for (int i = 0; i < 4; i++) {
		harness_clear_deliveries();
		vnitro_xmit_verdict v = xmit(p[i == 0 ? 2 : 0], frame,
					     eth_frame(frame, m[i], m[i == 0 ? 2 : 0], 0x0800, 20));
		if (i == 1 || i == 3) {
			cr_assert_eq(v, VNITRO_XMIT_DROPPED, "port %d still reachable", i);
		} else {
			cr_assert_eq(v, VNITRO_XMIT_DELIVERED, "port %d unreachable", i);
			cr_assert_eq(harness.deliveries[0].cookie, &cookies[i]);
		}
	}
}

/* ---- switching ---- */

CORE_TEST(fabric, unicast_in_the_subnet_is_delivered)
{
	uint8_t frame[64];
	vnitro_fabric_stats s;

	plug_abc();
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, mac_b, mac_a, 0x0800, 40)),
		     VNITRO_XMIT_DELIVERED);
	cr_assert_eq(harness.delivery_count, 1);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_b);
	cr_assert_eq(harness.deliveries[0].frame_ctx, &frame_token);
	cr_assert_not(harness.deliveries[0].copy);
	cr_assert_gt(harness.deliveries[0].rcu_depth, 0);
	s = stats();
	cr_assert_eq(s.forwarded, 1u);
	cr_assert_eq(s.arp_replies + s.drop_malformed + s.drop_no_dest + s.drop_cross_subnet +
		     s.drop_bcast_mcast, 0u);
	cr_assert_eq(port_stats(pa).tx_dropped, 0u);
	cr_assert_eq(port_stats(pb).tx_dropped, 0u);

	// And back.
	harness_clear_deliveries();
	cr_assert_eq(xmit(pb, frame, eth_frame(frame, mac_a, mac_b, 0x86dd, 40)),
		     VNITRO_XMIT_DELIVERED);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_a);
	cr_assert_eq(stats().forwarded, 2u);
}

CORE_TEST(fabric, header_only_frame_is_switched)
{
	uint8_t frame[14];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, mac_b, mac_a, 0x0800, 0)),
		     VNITRO_XMIT_DELIVERED);
}

CORE_TEST(fabric, unknown_mac_is_dropped)
{
	static const uint8_t nobody[6] = { 0x02, 0x99, 0x99, 0x99, 0x99, 0x99 };
	uint8_t frame[64];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, nobody, mac_a, 0x0800, 20)),
		     VNITRO_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_dest);
	cr_assert_eq(port_stats(pb).tx_dropped, 0u);
}

CORE_TEST(fabric, other_subnet_is_dropped)
{
	uint8_t frame[64];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, mac_c, mac_a, 0x0800, 20)),
		     VNITRO_XMIT_DROPPED);
	assert_dropped_for(pa, drop_cross_subnet);
	cr_assert_eq(port_stats(pc).tx_dropped, 0u);
}

CORE_TEST(fabric, unicast_to_the_router_needs_a_router)
{
	uint8_t frame[64];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, router1, mac_a, 0x0800, 20)),
		     VNITRO_XMIT_DROPPED);
	assert_dropped_for(pa, drop_cross_subnet);
}

CORE_TEST(fabric, frame_to_self_is_dropped)
{
	uint8_t frame[64];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, mac_a, mac_a, 0x0800, 20)),
		     VNITRO_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_dest);
}

CORE_TEST(fabric, broadcast_other_than_arp_is_dropped)
{
	uint8_t frame[64];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, bcast, mac_a, 0x0800, 20)),
		     VNITRO_XMIT_DROPPED);
	assert_dropped_for(pa, drop_bcast_mcast);
}

CORE_TEST(fabric, multicast_is_dropped)
{
	static const uint8_t ipv6_mcast[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t ipv4_mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
	uint8_t frame[64];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, ipv6_mcast, mac_a, 0x86dd, 40)),
		     VNITRO_XMIT_DROPPED);
	assert_dropped_for(pa, drop_bcast_mcast);
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, ipv4_mcast, mac_a, 0x0800, 20)),
		     VNITRO_XMIT_DROPPED);
	// Multicast ARP is not a question for the responder either.
	cr_assert_eq(xmit(pa, frame, arp_request(frame, ipv4_mcast, mac_a, ip_a, ip_b)),
		     VNITRO_XMIT_DROPPED);
	cr_assert_eq(stats().drop_bcast_mcast, 3u);
	cr_assert_eq(port_stats(pa).tx_dropped, 3u);
	cr_assert_eq(harness.delivery_count, 0);
}

CORE_TEST(fabric, runt_frames_are_malformed)
{
	uint8_t frame[64];

	plug_abc();
	eth_frame(frame, mac_b, mac_a, 0x0800, 20);
	cr_assert_eq(xmit(pa, frame, 13), VNITRO_XMIT_DROPPED);
	assert_dropped_for(pa, drop_malformed);
	cr_assert_eq(xmit(pa, frame, 0), VNITRO_XMIT_DROPPED);
	cr_assert_eq(stats().drop_malformed, 2u);
	cr_assert_eq(harness.delivery_count, 0);
}

/* ---- the ARP responder ---- */

CORE_TEST(fabric, arp_for_a_neighbour_is_answered_to_the_sender)
{
	uint8_t frame[64], expected[42];
	vnitro_fabric_stats s;

	plug_abc();
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, ip_b)),
		     VNITRO_XMIT_ANSWERED);
	cr_assert_eq(harness.delivery_count, 1);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_a, "the reply goes to the asker");
	cr_assert(harness.deliveries[0].copy);
	cr_assert_gt(harness.deliveries[0].rcu_depth, 0);
	cr_assert_eq(harness.deliveries[0].len, 42u);
	expected_reply(expected, mac_a, ip_a, mac_b, ip_b);
	for (int i = 0; i < 42; i++)
		cr_assert_eq(harness.deliveries[0].frame[i], expected[i],
			     "reply byte %d: 0x%02x, expected 0x%02x", i,
			     harness.deliveries[0].frame[i], expected[i]);
	s = stats();
	cr_assert_eq(s.arp_replies, 1u);
	cr_assert_eq(s.forwarded + s.drop_malformed + s.drop_no_dest + s.drop_cross_subnet +
		     s.drop_bcast_mcast, 0u);
	cr_assert_eq(port_stats(pa).rx_arp_replies, 1u);
	cr_assert_eq(port_stats(pa).tx_dropped, 0u);
	cr_assert_eq(port_stats(pb).rx_arp_replies, 0u);
}

CORE_TEST(fabric, arp_for_the_router_gets_the_router_mac)
{
	uint8_t frame[64], expected[42];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, subnet1 + 1)),
		     VNITRO_XMIT_ANSWERED);
	expected_reply(expected, mac_a, ip_a, router1, subnet1 + 1);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_a);
	cr_assert_arr_eq(harness.deliveries[0].frame, expected, 42);

	// Each subnet has its own router MAC.
	harness_clear_deliveries();
	cr_assert_eq(xmit(pc, frame, arp_request(frame, bcast, mac_c, ip_c, subnet2 + 1)),
		     VNITRO_XMIT_ANSWERED);
	expected_reply(expected, mac_c, ip_c, router2, subnet2 + 1);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_c);
	cr_assert_arr_eq(harness.deliveries[0].frame, expected, 42);
	cr_assert_eq(stats().arp_replies, 2u);
}

CORE_TEST(fabric, unicast_arp_to_the_router_is_answered)
{
	uint8_t frame[64], expected[42];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, arp_request(frame, router1, mac_a, ip_a, ip_b)),
		     VNITRO_XMIT_ANSWERED);
	expected_reply(expected, mac_a, ip_a, mac_b, ip_b);
	cr_assert_arr_eq(harness.deliveries[0].frame, expected, 42);
	cr_assert_eq(port_stats(pa).rx_arp_replies, 1u);
}

CORE_TEST(fabric, unicast_arp_to_a_neighbour_is_switched)
{
	uint8_t frame[64];

	// A refreshes its cache entry for B: B's own stack answers.
	plug_abc();
	cr_assert_eq(xmit(pa, frame, arp_request(frame, mac_b, mac_a, ip_a, ip_b)),
		     VNITRO_XMIT_DELIVERED);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_b);
	cr_assert_eq(harness.deliveries[0].frame_ctx, &frame_token);
	cr_assert_eq(stats().forwarded, 1u);
	cr_assert_eq(stats().arp_replies, 0u);
}

CORE_TEST(fabric, arp_across_subnets_is_not_answered)
{
	uint8_t frame[64];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, ip_c)),
		     VNITRO_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_dest);
	cr_assert_eq(port_stats(pa).rx_arp_replies, 0u);
}

CORE_TEST(fabric, arp_for_an_unknown_ip_is_not_answered)
{
	uint8_t frame[64];

	plug_abc();
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, subnet1 + 99)),
		     VNITRO_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_dest);
}

CORE_TEST(fabric, arp_for_the_dns_address_is_not_answered)
{
	uint8_t frame[64];

	// .2 is reserved for the resolver, which does not exist yet.
	plug_abc();
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, subnet1 + 2)),
		     VNITRO_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_dest);
}

CORE_TEST(fabric, arp_for_ones_own_ip_is_not_answered)
{
	uint8_t frame[64];

	// Duplicate address detection must see silence.
	plug_abc();
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, ip_a)),
		     VNITRO_XMIT_DROPPED);
	assert_dropped_for(pa, drop_no_dest);
	cr_assert_eq(port_stats(pa).rx_arp_replies, 0u);
}

CORE_TEST(fabric, malformed_arp_is_dropped)
{
	uint8_t frame[64];

	plug_abc();
	arp_request(frame, bcast, mac_a, ip_a, ip_b);
	cr_assert_eq(xmit(pa, frame, 41), VNITRO_XMIT_DROPPED);
	assert_dropped_for(pa, drop_malformed);
	frame[21] = 2;			// a (gratuitous) reply is not a question
	cr_assert_eq(xmit(pa, frame, 42), VNITRO_XMIT_DROPPED);
	cr_assert_eq(stats().drop_malformed, 2u);
	cr_assert_eq(harness.delivery_count, 0);
}

CORE_TEST(fabric, drops_are_counted_per_sender)
{
	static const uint8_t nobody[6] = { 0x02, 0x99, 0x99, 0x99, 0x99, 0x99 };
	uint8_t frame[64];

	plug_abc();
	xmit(pa, frame, eth_frame(frame, nobody, mac_a, 0x0800, 20));
	xmit(pa, frame, eth_frame(frame, mac_c, mac_a, 0x0800, 20));
	xmit(pb, frame, eth_frame(frame, bcast, mac_b, 0x0800, 20));
	xmit(pa, frame, eth_frame(frame, mac_b, mac_a, 0x0800, 20));	// delivered
	xmit(pb, frame, arp_request(frame, bcast, mac_b, ip_b, ip_a));	// answered
	cr_assert_eq(port_stats(pa).tx_dropped, 2u);
	cr_assert_eq(port_stats(pb).tx_dropped, 1u);
	cr_assert_eq(port_stats(pc).tx_dropped, 0u);
	cr_assert_eq(port_stats(pa).rx_arp_replies, 0u);
	cr_assert_eq(port_stats(pb).rx_arp_replies, 1u);
	cr_assert_eq(stats().forwarded, 1u);
	cr_assert_eq(stats().arp_replies, 1u);
}

CORE_TEST(fabric, deleted_port_is_gone)
{
	uint8_t frame[64];
	unsigned long syncs;

	plug_abc();
	syncs = harness.synchronize_calls;
	unplug(pb);
	cr_assert_eq(harness.synchronize_calls, syncs + 1, "port_del must wait for readers");
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, mac_b, mac_a, 0x0800, 20)),
		     VNITRO_XMIT_DROPPED);
	cr_assert_eq(xmit(pa, frame, arp_request(frame, bcast, mac_a, ip_a, ip_b)),
		     VNITRO_XMIT_DROPPED);
	cr_assert_eq(stats().drop_no_dest, 2u);
	cr_assert_eq(harness.delivery_count, 0);
	// The MAC is free again.
	pb = plug(mac_b, ip_b, key1, subnet1, &cookie_b);
	cr_assert_eq(xmit(pa, frame, eth_frame(frame, mac_b, mac_a, 0x0800, 20)),
		     VNITRO_XMIT_DELIVERED);
}
