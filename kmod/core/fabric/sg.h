// SPDX-License-Identifier: GPL-2.0
// sg.h - security groups and connection tracking: the groups' rules, each ENI's tracked flows.
#pragma once

#include "base/base.h"
#include "base/ipv4.h"
#include "vcore/fabric.h"

namespace vnitro::fabric {

enum class sg_dir : uint8_t { ingress, egress };

// A group as the data path reads it: published whole, replaced whole. Its
// rules are split by the address family they cover (0 IPv4, 1 IPv6); a rule
// naming a group covers both and is in both lists.
struct sg_group {
	sg_group *next;			// bucket chain, read under RCU
	uint32_t key;
	uint32_t vpc_key;
	uint32_t count[2][2];		// [sg_dir][family]
	// EC2's untracked case: a rule in that direction allows TCP (UDP) to or
	// from 0.0.0.0/0 (::/0) on every port, so replies need no tracking (sg.cc).
	bool open[2][2][2];		// [sg_dir][family][0 = TCP, 1 = UDP]
	vcore_sg_rule rules[2][2][VCORE_SG_MAX_RULES];
};

// What a packet looks like to the groups and ACLs: its protocol, addresses
// (IPv4 ones mapped, ::ffff:a.b.c.d) and the L4 fields rules and tracking
// read; oriented as it travels (src -> dst).
struct sg_packet {
	uint8_t proto;			// the upper-layer protocol (IPv6: past extension headers)
	bool v6;
	bool l4;			// the ports (ICMP type, code, id) were read
	uint8_t tcp_flags;
	// TCP: its header in the frame and the bytes from there on (ENA
	// Express clamps a SYN's MSS option: express.cc); nullptr otherwise.
	const uint8_t *tcp;
	uint32_t tcp_avail;
	uint8_t icmp_type, icmp_code;
	uint16_t sport, dport;		// TCP/UDP ports; ICMP echo: the identifier in both
	base::addr128 src, dst;
	// A fragment: the first (it has the ports), or a later one (it has none).
	bool first_frag, later_frag;
	uint32_t frag_id;
	// An ICMP or ICMPv6 error (unreachable, too big, source quench, time
	// exceeded, parameter problem) and the packet it quotes, which a
	// tracked flow may own.
	bool error;
	struct quoted {
		uint8_t proto;
		uint16_t sport, dport;
		base::addr128 src, dst;
	} inner;
};

// One tracked flow of an ENI, seen from the ENI: local and remote ends.
struct ct_flow {
	ct_flow *next;			// bucket chain, under conntrack::lock
	base::addr128 local, remote;
	uint16_t lport, rport;
	uint8_t proto;
	uint8_t origin;			// sg_dir of the packet that opened it
	uint8_t flags;			// ct_* below
	uint64_t last_ns;
};

enum : uint8_t {
	ct_replied = 1,			// a packet has gone the other way
	ct_stream = 2,			// UDP: a second exchange after a reply
	ct_closing = 4,			// TCP: RST, or FIN both ways
	ct_fin_origin = 8,
	ct_fin_reply = 16,
};

constexpr uint32_t ct_buckets = 256;
constexpr uint32_t ct_frags = 16;

// An ENI's connection tracking table (created with its port).
struct conntrack {
	void *lock;			// spin_create: the data path changes it
	uint64_t *live;			// the fabric's count of flows tracked, all ENIs
	uint32_t count;
	ct_flow *buckets[ct_buckets];
	// The last first fragments that passed: their datagrams' later fragments
	// (which carry no ports) pass too.
	struct frag {
		base::addr128 src, dst;
		uint32_t id;
		uint8_t proto;
		bool used;
		uint64_t ns;
	} frags[ct_frags];
	uint32_t frag_next;
};

} // namespace vnitro::fabric
