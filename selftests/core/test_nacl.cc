// SPDX-License-Identifier: GPL-2.0
// test_nacl.cc - network ACLs at the subnets' edges: order, deny, statelessness, PMTUD (core/fabric/nacl.cc).
#include "fabric_fixture.h"

static void setup(void)
{
	fabric_setup();
}

TestSuite(nacl, .init = setup, .fini = harness_fini);

enum : uint32_t { acl1 = 7, acl2 = 8 };
enum : uint8_t { tcp = 6, icmp = 1 };

static vcore_nacl_rule rule(uint16_t number, bool allow, uint16_t proto, uint16_t lo = 0,
			    uint16_t hi = 0xffff, uint32_t cidr = 0, uint8_t prefixlen = 0)
{
	vcore_nacl_rule r = {};

	r.number = number;
	r.allow = allow;
	r.proto = proto;
	r.port_lo = lo;
	r.port_hi = hi;
	r.icmp_type = r.icmp_code = -1;
	r.cidr_addr = cidr;
	r.cidr_prefixlen = prefixlen;
	return r;
}

static int set_acl(uint32_t key, std::initializer_list<vcore_nacl_rule> in,
		   std::initializer_list<vcore_nacl_rule> out)
{
	static vcore_fabric_nacl_desc d;	// large: not on the stack

	d = vcore_fabric_nacl_desc{};
	d.key = key;
	for (const vcore_nacl_rule &r : in)
		d.ingress[d.ingress_count++] = r;
	for (const vcore_nacl_rule &r : out)
		d.egress[d.egress_count++] = r;
	return vcore_fabric_nacl_set(fab, &d);
}

// Subnet @key's table: the VPC local, 0/0 to the gateway, and ACL @acl.
static void set_subnet(uint32_t key, uint32_t acl)
{
	vcore_fabric_subnet_desc d = {};

	d.key = key;
	d.vpc_key = vpc1;
	d.addr = key == key1 ? subnet1 : subnet2;
	d.prefixlen = 20;
	d.routes[d.route_count].addr = vpc_block;
	d.routes[d.route_count].prefixlen = 16;
	d.routes[d.route_count++].target = VCORE_ROUTE_LOCAL;
	d.routes[d.route_count++].target = VCORE_ROUTE_IGW;
	d.nacl_key = acl;
	cr_assert_eq(vcore_fabric_subnet_set(fab, &d), 0);
}

// A TCP segment @sport -> @dport.
static uint32_t tcp_frame(uint8_t *buf, const uint8_t *dmac, const uint8_t *smac, uint32_t sip,
			  uint32_t dip, uint16_t sport, uint16_t dport)
{
	ip_opts o;
	uint32_t len;

	o.proto = tcp;
	len = ip_frame(buf, dmac, smac, sip, dip, 20, o);
	buf[34] = uint8_t(sport >> 8);
	buf[35] = uint8_t(sport);
	buf[36] = uint8_t(dport >> 8);
	buf[37] = uint8_t(dport);
	return len;
}

static vcore_xmit_verdict a_to_c(uint16_t sport, uint16_t dport)
{
	uint8_t f[128];

	return xmit(pa, f, tcp_frame(f, router1, mac_a, ip_a, ip_c, sport, dport));
}

static vcore_xmit_verdict c_to_a(uint16_t sport, uint16_t dport)
{
	uint8_t f[128];

	return xmit(pc, f, tcp_frame(f, router2, mac_c, ip_c, ip_a, sport, dport));
}

CORE_TEST(nacl, rules_go_by_number_and_the_first_match_decides)
{
	plug_abc();
	// Given out of order: 100 allows all, 90 denies SSH.
	cr_assert_eq(set_acl(acl2, { rule(100, true, VCORE_SG_PROTO_ALL), rule(90, false, tcp, 22, 22) },
			     { rule(100, true, VCORE_SG_PROTO_ALL) }), 0);
	set_subnet(key1, 0);
	set_subnet(key2, acl2);
	cr_assert_eq(a_to_c(40000, 80), VCORE_XMIT_DELIVERED);
	cr_assert_eq(a_to_c(40000, 22), VCORE_XMIT_DROPPED, "rule 90 before rule 100");
	cr_assert_eq(stats().drop_nacl, 1u);
	cr_assert_eq(port_stats(pa).tx_dropped, 1u, "the sender pays the drop");
}

CORE_TEST(nacl, stateless_replies_need_their_own_rule)
{
	plug_abc();
	// Web servers' subnet: HTTP in, and out only to port 80.
	cr_assert_eq(set_acl(acl2, { rule(100, true, tcp, 80, 80, vpc_block, 16) },
			     { rule(100, true, tcp, 80, 80, vpc_block, 16) }), 0);
	set_subnet(key2, acl2);
	cr_assert_eq(a_to_c(40000, 80), VCORE_XMIT_DELIVERED);
	cr_assert_eq(c_to_a(80, 40000), VCORE_XMIT_DROPPED, "the reply goes to an ephemeral port");
	cr_assert_eq(set_acl(acl2, { rule(100, true, tcp, 80, 80, vpc_block, 16) },
			     { rule(100, true, tcp, 80, 80, vpc_block, 16),
			       rule(110, true, tcp, 1024, 65535, vpc_block, 16) }), 0);
	cr_assert_eq(c_to_a(80, 40000), VCORE_XMIT_DELIVERED, "with the ephemeral range out");
}

CORE_TEST(nacl, within_a_subnet_nothing_is_evaluated)
{
	uint8_t f[128];

	plug_abc();
	cr_assert_eq(set_acl(acl1, {}, {}), 0);		// a new custom ACL: deny all
	set_subnet(key1, acl1);
	cr_assert_eq(xmit(pa, f, tcp_frame(f, mac_b, mac_a, ip_a, ip_b, 40000, 80)),
		     VCORE_XMIT_DELIVERED, "switched within subnet 1");
	cr_assert_eq(a_to_c(40000, 80), VCORE_XMIT_DROPPED, "leaving it: denied");
	cr_assert_eq(c_to_a(40000, 80), VCORE_XMIT_DROPPED, "entering it: denied");
	cr_assert_eq(stats().drop_nacl, 2u);
}

CORE_TEST(nacl, an_acl_the_fabric_does_not_hold_denies_and_del_takes_one_away)
{
	plug_abc();
	set_subnet(key2, acl2);
	cr_assert_eq(a_to_c(40000, 80), VCORE_XMIT_DROPPED);
	cr_assert_eq(set_acl(acl2, { rule(100, true, VCORE_SG_PROTO_ALL) }, {}), 0);
	cr_assert_eq(a_to_c(40000, 80), VCORE_XMIT_DELIVERED);
	vcore_fabric_nacl_del(fab, acl2);
	cr_assert_eq(a_to_c(40000, 80), VCORE_XMIT_DROPPED);
	vcore_fabric_nacl_del(fab, acl2);		// unknown: nothing
}

// The seed's warning: an ACL that lets no ICMP in breaks path MTU discovery.
CORE_TEST(nacl, blocking_inbound_icmp_hides_frag_needed)
{
	uint8_t f[128];
	ip_opts o;

	plug_abc();
	pigw = plug_desc(igw_desc(1));
	cr_assert_eq(set_acl(acl1, { rule(100, true, tcp) }, { rule(100, true, VCORE_SG_PROTO_ALL) }), 0);
	set_subnet(key1, acl1);
	o.proto = tcp;
	o.df = true;
	o.total_len = 1501;
	cr_assert_eq(xmit(pa, f, ip_frame(f, router1, mac_a, ip_a, 0x08080808, 60, o)),
		     VCORE_XMIT_ANSWERED);
	cr_assert_eq(harness.delivery_count, 0, "the router's frag-needed never got in");
	cr_assert_eq(stats().drop_nacl, 1u);
	cr_assert_eq(stats().frag_needed_sent, 1u);
	// The fix: allow ICMP type 3 code 4 in.
	vcore_nacl_rule r = rule(90, true, icmp);
	r.icmp_type = 3;
	r.icmp_code = 4;
	cr_assert_eq(set_acl(acl1, { rule(100, true, tcp), r }, { rule(100, true, VCORE_SG_PROTO_ALL) }), 0);
	cr_assert_eq(xmit(pa, f, ip_frame(f, router1, mac_a, ip_a, 0x08080808, 60, o)),
		     VCORE_XMIT_ANSWERED);
	cr_assert_eq(harness.delivery_count, 1);
	cr_assert_eq(harness.deliveries[0].cookie, &cookie_a);
}

CORE_TEST(nacl, bad_acls_are_refused_whole)
{
	vcore_nacl_rule icmp_any_type = rule(5, true, icmp);

	icmp_any_type.icmp_code = 3;
	cr_assert_eq(set_acl(0, {}, {}), -EINVAL, "key 0");
	cr_assert_eq(set_acl(acl1, { rule(0, true, tcp) }, {}), -EINVAL, "number 0");
	cr_assert_eq(set_acl(acl1, { rule(32767, true, tcp) }, {}), -EINVAL, "number 32767");
	cr_assert_eq(set_acl(acl1, { rule(5, true, tcp), rule(5, false, tcp) }, {}), -EINVAL,
		     "a number twice");
	cr_assert_eq(set_acl(acl1, {}, { rule(5, true, tcp, 0, 0xffff, 0x0a000001, 8) }), -EINVAL,
		     "host bits");
	cr_assert_eq(set_acl(acl1, { rule(5, true, tcp, 90, 80) }, {}), -EINVAL, "ports backwards");
	cr_assert_eq(set_acl(acl1, { icmp_any_type }, {}), -EINVAL, "any type with a code");
	cr_assert_eq(set_acl(acl1, { rule(5, true, 256) }, {}), -EINVAL, "protocol 256");
	cr_assert_eq(set_acl(acl1, { rule(5, true, tcp), rule(32766, false, tcp) }, {}), 0,
		     "1 to 32766 are numbers");
}
