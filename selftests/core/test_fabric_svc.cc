// SPDX-License-Identifier: GPL-2.0
// test_fabric_svc.cc - the link-local services (core/fabric/linklocal.cc): requests to the
// services port, the aliases naming the asking ENI, replies back to it.
#include "fabric_fixture.h"

static void setup(void)
{
	fabric_setup();
}

TestSuite(fabric_svc, .init = setup, .fini = harness_fini);

enum : uint32_t {
	imds = 0xa9fea9fe,		// 169.254.169.254
	dns = 0xa9fea9fd,		// 169.254.169.253
	ntp = 0xa9fea97b,		// 169.254.169.123
	vpc_dns = vpc_block + 2,	// 172.31.0.2, in subnet 1
	alias_net = 0xa9fe0000,		// 169.254.0.0/17
};

inline const uint8_t mac_svc[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x5e };
inline const uint8_t mac_d[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0d };
static int cookie_svc, cookie_d;
static vcore_fabric_port *psvc;

static vcore_port_desc svc_desc(void)
{
	vcore_port_desc d = {};

	memcpy(d.mac, mac_svc, 6);
	d.kind = VCORE_PORT_SERVICES;
	d.cookie = &cookie_svc;
	return d;
}

static void plug_all(void)
{
	plug_abc();
	psvc = plug_desc(svc_desc());
}

// A TCP (or UDP) segment from @sip:40000 to @dip:@dport, sent to @dst's MAC.
static uint32_t l4_frame(uint8_t *buf, const uint8_t *dst, const uint8_t *src, uint32_t sip,
			 uint32_t dip, uint8_t proto, uint16_t dport)
{
	ip_opts o;

	o.proto = proto;
	uint32_t len = ip_frame(buf, dst, src, sip, dip, 20, o);

	buf[34] = 40000 >> 8;
	buf[35] = 40000 & 0xff;
	buf[36] = static_cast<uint8_t>(dport >> 8);
	buf[37] = static_cast<uint8_t>(dport);
	return len;
}

static uint32_t alias_of(vcore_fabric_port *p)
{
	return vcore_fabric_port_svc_alias(p);
}

// @src asks @dip:@dport: handed to the services port, whose alias for it is @want.
static void assert_request(vcore_fabric_port *src, const uint8_t *mac, const uint8_t *router,
			   uint32_t sip, uint32_t dip, uint8_t proto, uint16_t dport, uint32_t want)
{
	uint8_t f[128];
	uint32_t len = l4_frame(f, router, mac, sip, dip, proto, dport);

	harness_clear_deliveries();
	cr_assert_eq(xmit(src, f, len), VCORE_XMIT_DELIVERED, "%08x:%u not delivered", dip, dport);
	cr_assert_eq(harness.delivery_count, 1u);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_svc, "not to the services port");
	cr_assert_eq(harness.deliveries[0].frame_ctx, &frame_token);
	// The frame is unchanged (the shim rewrites the destination), and names its alias.
	cr_assert_eq(memcmp(xmitted, f, len), 0);
	cr_assert_eq(vcore_fabric_svc_alias(fab, f, len), want);
}

Test(fabric_svc, one_services_port_with_no_subnet_or_vpc)
{
	vcore_port_desc d = svc_desc();
	int err = 0;

	psvc = plug_desc(d);
	memcpy(d.mac, mac_d, 6);
	cr_assert_null(vcore_fabric_port_add(fab, &d, &err));
	cr_assert_eq(err, -EEXIST);
	d.vpc_key = vpc1;
	cr_assert_null(vcore_fabric_port_add(fab, &d, &err));
	cr_assert_eq(err, -EINVAL);
	// Unplugged, the fabric takes another.
	unplug(psvc);
	psvc = plug_desc(svc_desc());
}

Test(fabric_svc, each_eni_has_its_own_alias)
{
	plug_all();
	pigw = plug_desc(igw_desc(1));
	cr_assert_eq(alias_of(pa) & 0xffff8003u, alias_net, "%08x", alias_of(pa));
	cr_assert_eq(alias_of(pb) & 0xffff8003u, alias_net);
	cr_assert_neq(alias_of(pa), alias_of(pb));
	cr_assert_neq(alias_of(pa), alias_net, "slot 0 is never given");
	cr_assert_eq(alias_of(pigw), 0u);
	cr_assert_eq(alias_of(psvc), 0u);
}

Test(fabric_svc, requests_reach_the_services_port_with_their_alias)
{
	plug_all();
	assert_request(pa, mac_a, router1, ip_a, imds, 6, 80, alias_of(pa) | VCORE_SVC_IMDS);
	assert_request(pb, mac_b, router1, ip_b, imds, 6, 80, alias_of(pb) | VCORE_SVC_IMDS);
	assert_request(pa, mac_a, router1, ip_a, dns, 17, 53, alias_of(pa) | VCORE_SVC_DNS);
	assert_request(pa, mac_a, router1, ip_a, dns, 6, 53, alias_of(pa) | VCORE_SVC_DNS);
	assert_request(pc, mac_c, router2, ip_c, vpc_dns, 17, 53, alias_of(pc) | VCORE_SVC_DNS_VPC);
	assert_request(pa, mac_a, router1, ip_a, ntp, 17, 123, alias_of(pa) | VCORE_SVC_NTP);
	cr_assert_eq(stats().svc_requests, 6u);
	cr_assert_eq(stats_total(stats()), 6u);
}

Test(fabric_svc, other_protocols_and_ports_are_dropped)
{
	static const struct {
		uint32_t dip;
		uint8_t proto;
		uint16_t port;
	} cases[] = {
		{ imds, 6, 22 }, { imds, 17, 80 }, { imds, 1, 0 }, { dns, 6, 80 },
		{ ntp, 6, 123 }, { vpc_dns, 17, 67 },
	};
	uint8_t f[128];

	plug_all();
	for (const auto &c : cases) {
		uint32_t len = l4_frame(f, router1, mac_a, ip_a, c.dip, c.proto, c.port);

		cr_assert_eq(xmit(pa, f, len), VCORE_XMIT_DROPPED, "%08x %u/%u", c.dip, c.proto,
			     c.port);
	}
	cr_assert_eq(harness.delivery_count, 0u);
	cr_assert_eq(stats().drop_svc, sizeof(cases) / sizeof(cases[0]));
	cr_assert_eq(stats_total(stats()), sizeof(cases) / sizeof(cases[0]));
}

Test(fabric_svc, a_later_fragment_is_dropped)
{
	uint8_t f[128];
	uint32_t len;

	plug_all();
	len = l4_frame(f, router1, mac_a, ip_a, imds, 6, 80);
	f[14 + 6] = 0x00;
	f[14 + 7] = 0x10;	// offset 128 bytes: its "ports" are payload
	cr_assert_eq(xmit(pa, f, len), VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_svc);
}

Test(fabric_svc, no_services_port_drops_requests)
{
	uint8_t f[128];
	uint32_t len;

	plug_abc();
	len = l4_frame(f, router1, mac_a, ip_a, imds, 6, 80);
	cr_assert_eq(xmit(pa, f, len), VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_svc);
}

Test(fabric_svc, groups_do_not_filter_the_services)
{
	vcore_port_desc d = desc_of(mac_d, subnet1 + 9, key1, subnet1, &cookie_d);
	vcore_fabric_port *pd;

	plug_all();
	// A group no rule of which exists allows nothing, either way.
	d.sg_count = 1;
	d.sg_keys[0] = 77;
	pd = plug_desc(d);
	assert_request(pd, mac_d, router1, subnet1 + 9, imds, 6, 80,
		       alias_of(pd) | VCORE_SVC_IMDS);
}

Test(fabric_svc, the_source_check_still_applies)
{
	uint8_t f[128];
	uint32_t len;

	plug_all();
	set_check(pa, mac_a, ip_a, key1, subnet1, &cookie_a, 1);
	len = l4_frame(f, router1, mac_a, ip_b, imds, 6, 80);
	cr_assert_eq(xmit(pa, f, len), VCORE_XMIT_DROPPED);
	assert_dropped_for(pa, drop_src_dst_check);
	// Another ENI's MAC is not the way to its alias either.
	harness_clear_deliveries();
	len = l4_frame(f, router1, mac_b, ip_b, imds, 6, 80);
	cr_assert_eq(xmit(pa, f, len), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_spoofed_mac, 1u);
}

Test(fabric_svc, overlapping_vpcs_get_distinct_aliases)
{
	vcore_port_desc d = desc_of(mac_d, ip_a, key2 + 10, subnet1, &cookie_d);
	vcore_fabric_port *pd;
	const uint8_t router_d[6] = { 0x02, 0x56, 0x4e, 0x00, 0x00, key2 + 10 };

	plug_all();
	d.vpc_key = vpc1 + 1;	// another VPC with the same CIDR, and A's address
	pd = plug_desc(d);
	assert_request(pa, mac_a, router1, ip_a, imds, 6, 80, alias_of(pa));
	assert_request(pd, mac_d, router_d, ip_a, imds, 6, 80, alias_of(pd));
	cr_assert_neq(alias_of(pa), alias_of(pd));
}

Test(fabric_svc, arp_for_the_services_is_answered_by_the_router)
{
	static const uint32_t targets[] = { imds, dns, ntp, vpc_dns };
	uint8_t f[64], want[64];

	plug_all();
	for (uint32_t t : targets) {
		uint32_t len = arp_request(f, bcast, mac_a, ip_a, t);

		harness_clear_deliveries();
		cr_assert_eq(xmit(pa, f, len), VCORE_XMIT_ANSWERED, "%08x", t);
		expected_reply(want, mac_a, ip_a, router1, t);
		cr_assert_eq(harness.deliveries[0].len, 42u);
		cr_assert_eq(memcmp(harness.deliveries[0].frame, want, 42), 0, "%08x", t);
	}
	// The VPC's DNS address is not on C's link (subnet 2): C reaches it by its router.
	harness_clear_deliveries();
	uint32_t len = arp_request(f, bcast, mac_c, ip_c, vpc_dns);

	cr_assert_eq(xmit(pc, f, len), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_no_dest, 1u);
}

// What the services namespace sends back from @alias to @dip.
static vcore_fabric_port *reply(uint8_t *f, uint32_t *len, uint32_t alias, uint32_t dip,
				uint32_t *service_ip)
{
	vcore_fabric_port *dst;

	*len = l4_frame(f, mac_svc, mac_svc, alias, dip, 6, 40000);
	f[22] = 1;	// TTL 1: the metadata service's hop limit
	harness_rcu_read_lock();
	dst = vcore_fabric_svc_reply_to(fab, psvc, f, *len, service_ip);
	if (dst)
		vcore_fabric_svc_deliver(fab, dst, &frame_token);
	harness_rcu_read_unlock();
	return dst;
}

Test(fabric_svc, replies_go_to_the_eni_the_alias_names)
{
	uint32_t service_ip = 0, len;
	uint8_t f[128];

	plug_all();
	harness_clear_deliveries();
	cr_assert_eq(reply(f, &len, alias_of(pa) | VCORE_SVC_IMDS, ip_a, &service_ip), pa);
	cr_assert_eq(service_ip, imds);
	cr_assert_eq(harness.delivery_count, 1u);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_a);
	// From A's router to A; the IP header is the shim's to rewrite, TTL kept.
	cr_assert_eq(memcmp(f, mac_a, 6), 0);
	cr_assert_eq(memcmp(f + 6, router1, 6), 0);
	cr_assert_eq(f[22], 1);
	cr_assert_eq(be32(f + 26), alias_of(pa));
	cr_assert_eq(reply(f, &len, alias_of(pc) | VCORE_SVC_DNS_VPC, ip_c, &service_ip), pc);
	cr_assert_eq(service_ip, vpc_dns);
	cr_assert_eq(memcmp(f + 6, router2, 6), 0);
	cr_assert_eq(reply(f, &len, alias_of(pb) | VCORE_SVC_DNS, ip_b, &service_ip), pb);
	cr_assert_eq(service_ip, dns);
	cr_assert_eq(reply(f, &len, alias_of(pb) | VCORE_SVC_NTP, ip_b, &service_ip), pb);
	cr_assert_eq(service_ip, ntp);
	cr_assert_eq(stats().svc_replies, 4u);
}

Test(fabric_svc, replies_from_elsewhere_are_dropped)
{
	uint32_t service_ip = 0, len, old_b;
	uint8_t f[128];

	plug_all();
	cr_assert_null(reply(f, &len, 0x0a000001, ip_a, &service_ip));
	cr_assert_null(reply(f, &len, alias_net | VCORE_SVC_IMDS, ip_a, &service_ip));
	cr_assert_null(reply(f, &len, 0xa9fe8000 | (alias_of(pa) & 0x7fff), ip_a, &service_ip));
	// A slot whose ENI is gone.
	old_b = alias_of(pb);
	unplug(pb);
	cr_assert_null(reply(f, &len, old_b, ip_b, &service_ip));
	cr_assert_eq(harness.delivery_count, 0u);
	cr_assert_eq(stats().drop_svc, 4u);
	// The services port sends nothing else.
	cr_assert_eq(xmit(psvc, f, len), VCORE_XMIT_DROPPED);
	cr_assert_eq(stats().drop_svc, 5u);
}

Test(fabric_svc, slots_are_not_soon_reused)
{
	uint32_t old_a;
	vcore_fabric_port *pd;

	plug_all();
	old_a = alias_of(pa);
	unplug(pa);
	pd = plug(mac_d, subnet1 + 9, key1, subnet1, &cookie_d);
	cr_assert_neq(alias_of(pd), old_a);
	cr_assert_neq(alias_of(pd), alias_of(pb));
	cr_assert_neq(alias_of(pd), alias_of(pc));
}

Test(fabric_svc, the_internet_cannot_reach_the_services)
{
	uint8_t f[128];
	uint32_t len;

	plug_all();
	pigw = plug_desc(igw_desc(1));
	len = l4_frame(f, vpc_router1, mac_igw, 0x08080808, imds, 6, 80);
	xmit(pigw, f, len);
	for (uint32_t i = 0; i < harness.delivery_count; i++)
		cr_assert_neq(harness.deliveries[i].cookie, &cookie_svc);
	cr_assert_eq(stats().svc_requests, 0u);
}

// EC2: 1024 packets per second per ENI to the link-local services, all of them together.
Test(fabric_svc, the_link_local_allowance_is_1024_packets_a_second_per_eni)
{
	uint8_t f[128];
	uint32_t len, sent = 0;
	vcore_port_stats ps = {};

	plug_all();
	len = l4_frame(f, router1, mac_a, ip_a, dns, 17, 53);
	// The clock moves 1 us a read: 1100 requests take about a millisecond.
	for (uint32_t i = 0; i < 1100; i++)
		sent += xmit(pa, f, len) == VCORE_XMIT_DELIVERED;
	cr_assert(sent >= VCORE_LINKLOCAL_PPS && sent <= VCORE_LINKLOCAL_PPS + 2,
		  "a second's worth at once, then one a millisecond: %u", sent);
	vcore_fabric_port_get_stats(pa, &ps);
	cr_assert_eq(ps.linklocal_allowance_exceeded, 1100 - sent);
	cr_assert_eq(stats().drop_linklocal_allowance, 1100 - sent);
	cr_assert_eq(stats().svc_requests, sent);
	// Another ENI has its own allowance; another service shares this one's.
	assert_request(pb, mac_b, router1, ip_b, imds, 6, 80, alias_of(pb) | VCORE_SVC_IMDS);
	len = l4_frame(f, router1, mac_a, ip_a, imds, 6, 80);
	cr_assert_eq(xmit(pa, f, len), VCORE_XMIT_DROPPED, "IMDS counts against the same 1024");
	// Half a second later, half the allowance is back.
	harness_advance_clock(500000000ull);
	sent = 0;
	for (uint32_t i = 0; i < 600; i++)
		sent += xmit(pa, f, len) == VCORE_XMIT_DELIVERED;
	cr_assert(sent >= 511 && sent <= 514, "%u", sent);
	// A second with nothing sent refills it whole, and no more.
	harness_advance_clock(2000000000ull);
	sent = 0;
	for (uint32_t i = 0; i < 1100; i++)
		sent += xmit(pa, f, len) == VCORE_XMIT_DELIVERED;
	cr_assert(sent >= VCORE_LINKLOCAL_PPS && sent <= VCORE_LINKLOCAL_PPS + 2, "%u", sent);
}
