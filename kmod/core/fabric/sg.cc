// SPDX-License-Identifier: GPL-2.0
// sg.cc - security groups on every frame: the groups' rules, EC2's untracked case, each ENI's tracked flows.
#include "fabric/fabric.h"
#include "fabric/icmp.h"
#include "fabric/ipv6.h"
#include "base/ipv4.h"

using namespace vnitro::base;

namespace vnitro::fabric {

namespace {

constexpr uint8_t tcp_fin = 0x01, tcp_rst = 0x04;
// IPv6 extension headers (RFC 8200 4) the parser walks past.
constexpr uint8_t ip6_hop_by_hop = 0, ip6_routing = 43, ip6_fragment = 44, ip6_auth = 51,
		  ip6_dest_opts = 60;
constexpr uint32_t ip6_max_ext = 8;
constexpr uint64_t ns_per_s = 1000000000ull;
/*
 * Idle timeouts EC2 does not document (Documentation/security-groups.md):
 * Linux's nf_conntrack values for a TCP flow not yet answered and one
 * closing, and for ICMP. Other protocols: EC2's "within 600 seconds".
 */
constexpr uint32_t tcp_unreplied_s = 120, tcp_closing_s = 10, icmp_s = 30, other_s = 600;
// A first fragment that passed lets the rest of its datagram through for this long.
constexpr uint64_t frag_ns = 30 * ns_per_s;

constexpr uint32_t dir_index(sg_dir d) { return d == sg_dir::ingress ? 0 : 1; }
constexpr sg_dir opposite(sg_dir d) { return d == sg_dir::ingress ? sg_dir::egress : sg_dir::ingress; }

const sg_group *find_group(const fabric *fab, uint32_t key)
{
	return fab->groups.find(key);
}

uint64_t ct_now(const fabric *fab)
{
	return svc->now_ns() + __atomic_load_n(&fab->ct_skew_ns, __ATOMIC_RELAXED);
}

bool icmp_error_type(uint8_t type)
{
	return type == icmp_dest_unreach || type == icmp_source_quench || type == icmp_time_exceeded ||
	       type == icmp_param_problem;
}

// The ports (TCP, UDP) or echo identifier of the transport header @l4 of
// @avail bytes, for a quoted packet; false when too short or not a flow's.
bool quoted_ports(uint8_t proto, const uint8_t *l4, uint32_t avail, sg_packet::quoted *out)
{
	if (avail < 8)
		return false;
	switch (proto) {
	case ipproto_tcp:
	case ipproto_udp:
		out->sport = get_be16(l4);
		out->dport = get_be16(l4 + 2);
		return true;
	case ipproto_icmp:
		if (l4[0] != icmp_echo_request && l4[0] != icmp_echo_reply)
			return false;
		out->sport = out->dport = get_be16(l4 + 4);
		return true;
	case ipproto_icmpv6:
		if (l4[0] != icmp6_echo_request && l4[0] != icmp6_echo_reply)
			return false;
		out->sport = out->dport = get_be16(l4 + 4);
		return true;
	default:
		out->sport = out->dport = 0;
		return true;
	}
}

/*
 * The packet an ICMP error quotes (@q, @avail bytes: its IP header and at
 * least 8 bytes of what followed, RFC 792): its addresses, protocol and
 * ports (echo: identifier). False when too short to name a flow.
 */
bool parse_quoted(const uint8_t *q, uint32_t avail, sg_packet::quoted *out)
{
	uint32_t hlen;

	if (avail < ipv4_min_hlen || q[0] >> 4 != 4)
		return false;
	hlen = (q[0] & 0xf) * 4u;
	if (hlen < ipv4_min_hlen || avail < hlen)
		return false;
	out->proto = q[9];
	out->src = v4_mapped(get_be32(q + 12));
	out->dst = v4_mapped(get_be32(q + 16));
	return quoted_ports(out->proto, q + hlen, avail - hlen, out);
}

// The same for the IPv6 packet an ICMPv6 error quotes (RFC 4443 2.4: as much as fits).
bool parse_quoted6(const uint8_t *q, uint32_t avail, sg_packet::quoted *out)
{
	if (avail < ipv6_hlen || q[0] >> 4 != 6)
		return false;
	out->proto = q[6];
	out->src = addr128_of(q + 8);
	out->dst = addr128_of(q + 24);
	return quoted_ports(out->proto, q + ipv6_hlen, avail - ipv6_hlen, out);
}

// The L4 fields at @l4 (@avail bytes) of a whole packet or first fragment.
void parse_l4(sg_packet &pk, const uint8_t *l4, uint32_t avail)
{
	bool echo, error;

	switch (pk.proto) {
	case ipproto_tcp:
		if (avail < 14)
			return;
		pk.tcp_flags = l4[13];
		pk.tcp = l4;
		pk.tcp_avail = avail;
		[[fallthrough]];
	case ipproto_udp:
		if (avail < 4)
			return;
		pk.sport = get_be16(l4);
		pk.dport = get_be16(l4 + 2);
		pk.l4 = true;
		break;
	case ipproto_icmp:
	case ipproto_icmpv6:
		if (pk.v6 != (pk.proto == ipproto_icmpv6)) {
			pk.l4 = true;	// ICMP of the other family: nothing to read
			return;
		}
		if (avail < 8)
			return;
		pk.icmp_type = l4[0];
		pk.icmp_code = l4[1];
		if (pk.v6) {
			echo = pk.icmp_type == icmp6_echo_request || pk.icmp_type == icmp6_echo_reply;
			error = pk.icmp_type >= icmp6_dest_unreach && pk.icmp_type <= icmp6_param_problem;
		} else {
			echo = pk.icmp_type == icmp_echo_request || pk.icmp_type == icmp_echo_reply;
			error = icmp_error_type(pk.icmp_type);
		}
		// An echo and its reply share the identifier: the flow's "port".
		if (echo)
			pk.sport = pk.dport = get_be16(l4 + 4);
		else if (error && !(pk.v6 ? parse_quoted6(l4 + 8, avail - 8, &pk.inner)
					  : parse_quoted(l4 + 8, avail - 8, &pk.inner)))
			pk.inner = {};	// names no flow (no ENI has address ::)
		pk.error = error;
		pk.l4 = true;
		break;
	default:
		break;
	}
}

// The L4 fields of the first fragment (or whole packet), when they lie within @len.
sg_packet parse(const ipv4_view &ip, const uint8_t *frame, uint32_t len)
{
	sg_packet pk = {};
	const uint8_t *l4 = ip.hdr + ip.hlen;

	pk.proto = ip.proto;
	pk.src = v4_mapped(ip.src);
	pk.dst = v4_mapped(ip.dst);
	pk.frag_id = get_be16(ip.hdr + 4);
	pk.later_frag = ip.frag & ip_offset_mask;
	pk.first_frag = (ip.frag & ip_flag_mf) && !pk.later_frag;
	if (!pk.later_frag)
		parse_l4(pk, l4, len - static_cast<uint32_t>(l4 - frame));
	return pk;
}

// Is @r's block of the address family of @pk, and @remote in it?
bool block_matches(const vcore_sg_rule &r, bool v6, const addr128 &remote)
{
	if (v6)
		return prefix6_contains({ r.cidr6_hi, r.cidr6_lo }, r.cidr_prefixlen, remote);
	return prefix_contains(r.cidr_addr, r.cidr_prefixlen, static_cast<uint32_t>(remote.lo));
}

// A member of group @key: the ENI holding private address @ip in the VPC.
bool peer_in_group(const fabric *fab, uint32_t vpc_key, bool v6, const addr128 &ip, uint32_t key)
{
	const port *q = v6 ? lookup_ip6(fab, vpc_key, ip.hi, ip.lo)
			   : lookup_ip(fab, vpc_key, static_cast<uint32_t>(ip.lo));
	const port_state *st;

	if (!q)
		return false;
	st = rcu_load(q->state);
	for (uint32_t i = 0; i < st->sg_count; i++)
		if (st->sg_keys[i] == key)
			return true;
	return false;
}

bool peer_matches(const fabric *fab, const vcore_sg_rule &r, uint32_t vpc_key, bool v6,
		  const addr128 &remote)
{
	if (r.peer_sg)
		return peer_in_group(fab, vpc_key, v6, remote, r.peer_sg);
	return block_matches(r, v6, remote);
}

// Protocol, ports (TCP/UDP destination port) or ICMP type and code.
bool traffic_matches(const vcore_sg_rule &r, const sg_packet &pk)
{
	if (r.proto == VCORE_SG_PROTO_ALL)
		return true;
	if (r.proto != pk.proto)
		return false;
	if (!pk.l4)		// a later fragment: the protocol is all it shows
		return true;
	if (pk.proto == ipproto_tcp || pk.proto == ipproto_udp)
		return pk.dport >= r.port_lo && pk.dport <= r.port_hi;
	if (pk.proto == ipproto_icmp || pk.proto == ipproto_icmpv6)
		return (r.icmp_type < 0 || r.icmp_type == pk.icmp_type) &&
		       (r.icmp_code < 0 || r.icmp_code == pk.icmp_code);
	return true;
}

bool open_rule(const vcore_sg_rule &r, uint8_t proto)
{
	if (r.peer_sg || r.cidr_prefixlen)
		return false;
	return r.proto == VCORE_SG_PROTO_ALL ||
	       (r.proto == proto && r.port_lo == 0 && r.port_hi == 0xffff);
}

/*
 * Whether a rule of @st's groups in direction @dir allows @pk with the
 * remote end @remote; *untracked when EC2 would not track the flow: TCP or
 * UDP allowed by a 0.0.0.0/0 (::/0) rule, with a rule the other way that
 * allows 0.0.0.0/0 (::/0) on every port (EC2 User Guide, "Untracked
 * connections").
 */
bool rules_allow(const fabric *fab, const port_state *st, uint32_t vpc_key, sg_dir dir,
		 const sg_packet &pk, const addr128 &remote, bool *untracked)
{
	uint32_t d = dir_index(dir), fam = pk.v6;
	bool allowed = false, by_open = false;

	*untracked = false;
	for (uint32_t i = 0; i < st->sg_count && !(allowed && by_open); i++) {
		const sg_group *g = find_group(fab, st->sg_keys[i]);

		for (uint32_t j = 0; g && j < g->count[d][fam]; j++) {
			const vcore_sg_rule &r = g->rules[d][fam][j];

			if (!traffic_matches(r, pk) || !peer_matches(fab, r, vpc_key, pk.v6, remote))
				continue;
			allowed = true;
			if (!r.peer_sg && !r.cidr_prefixlen) {
				by_open = true;
				break;
			}
		}
	}
	if (!allowed || !by_open || (pk.proto != ipproto_tcp && pk.proto != ipproto_udp))
		return allowed;
	for (uint32_t i = 0; i < st->sg_count; i++) {
		const sg_group *g = find_group(fab, st->sg_keys[i]);

		if (g && g->open[dir_index(opposite(dir))][fam][pk.proto == ipproto_tcp ? 0 : 1])
			*untracked = true;
	}
	return true;
}

// The flow @pk belongs to, as the ENI on side @dir sees it.
struct flow_key {
	addr128 local, remote;
	uint16_t lport, rport;
	uint8_t proto;
};

flow_key key_of(const sg_packet &pk, sg_dir dir);

/*
 * The flow an ICMP error's quoted packet belongs to, as the ENI on side
 * @dir sees it: that packet went the other way (an ENI receives errors
 * about what it sent, and sends errors about what it received).
 */
flow_key quoted_key(const sg_packet &pk, sg_dir dir)
{
	sg_packet q = {};

	q.proto = pk.inner.proto;
	q.src = pk.inner.src;
	q.dst = pk.inner.dst;
	q.sport = pk.inner.sport;
	q.dport = pk.inner.dport;
	return key_of(q, opposite(dir));
}

flow_key key_of(const sg_packet &pk, sg_dir dir)
{
	bool tracks_ports = pk.proto == ipproto_tcp || pk.proto == ipproto_udp ||
			    pk.proto == ipproto_icmp || pk.proto == ipproto_icmpv6;
	flow_key k = {};

	k.proto = pk.proto;
	k.local = dir == sg_dir::egress ? pk.src : pk.dst;
	k.remote = dir == sg_dir::egress ? pk.dst : pk.src;
	if (tracks_ports) {
		k.lport = dir == sg_dir::egress ? pk.sport : pk.dport;
		k.rport = dir == sg_dir::egress ? pk.dport : pk.sport;
	}
	return k;
}

uint32_t fold64(uint64_t v)
{
	return static_cast<uint32_t>(v ^ (v >> 32));
}

uint32_t flow_bucket(const flow_key &k)
{
	uint32_t h = fold64(k.local.lo ^ k.local.hi * 0x9e3779b97f4a7c15ull) * 0x9e3779b1u;

	h = (h ^ fold64(k.remote.lo ^ k.remote.hi * 0x9e3779b97f4a7c15ull)) * 0x85ebca77u;
	h = (h ^ ((uint32_t)k.lport << 16 | k.rport)) * 0xc2b2ae3du;
	h ^= k.proto;
	return (h ^ (h >> 15)) % ct_buckets;
}

uint64_t idle_limit_ns(const ct_flow *f, const port_state *st)
{
	uint32_t s;

	switch (f->proto) {
	case ipproto_tcp:
		s = f->flags & ct_closing ? tcp_closing_s
		    : f->flags & ct_replied ? st->timeout_s[0] : tcp_unreplied_s;
		break;
	case ipproto_udp:
		s = f->flags & ct_stream ? st->timeout_s[2] : st->timeout_s[1];
		break;
	case ipproto_icmp:
	case ipproto_icmpv6:
		s = icmp_s;
		break;
	default:
		s = other_s;
		break;
	}
	return s * ns_per_s;
}

bool expired(const ct_flow *f, const port_state *st, uint64_t now)
{
	return now - f->last_ns > idle_limit_ns(f, st);
}

// Finds @k's flow, unlinking and freeing the expired flows met on the way. Lock held.
ct_flow *ct_find(conntrack *ct, const port_state *st, const flow_key &k, uint64_t now)
{
	for (ct_flow **pp = &ct->buckets[flow_bucket(k)]; *pp;) {
		ct_flow *f = *pp;

		if (expired(f, st, now)) {
			*pp = f->next;
			ct->count--;
			__atomic_fetch_sub(ct->live, 1, __ATOMIC_RELAXED);
			svc->free(f);
			continue;
		}
		if (f->local == k.local && f->remote == k.remote && f->lport == k.lport &&
		    f->rport == k.rport && f->proto == k.proto)
			return f;
		pp = &f->next;
	}
	return nullptr;
}

// Frees every expired flow (the table is full). Lock held.
void ct_reclaim(conntrack *ct, const port_state *st, uint64_t now)
{
	for (ct_flow *&head : ct->buckets) {
		for (ct_flow **pp = &head; *pp;) {
			ct_flow *f = *pp;

			if (expired(f, st, now)) {
				*pp = f->next;
				ct->count--;
				__atomic_fetch_sub(ct->live, 1, __ATOMIC_RELAXED);
				svc->free(f);
			} else {
				pp = &f->next;
			}
		}
	}
}

void ct_touch(ct_flow *f, sg_dir dir, const sg_packet &pk, uint64_t now)
{
	bool reply = static_cast<uint8_t>(dir) != f->origin;

	if (reply)
		f->flags |= ct_replied;
	else if ((f->flags & ct_replied) && f->proto == ipproto_udp)
		f->flags |= ct_stream;
	if (f->proto == ipproto_tcp) {
		if (pk.tcp_flags & tcp_rst)
			f->flags |= ct_closing;
		if (pk.tcp_flags & tcp_fin)
			f->flags |= reply ? ct_fin_reply : ct_fin_origin;
		if ((f->flags & ct_fin_origin) && (f->flags & ct_fin_reply))
			f->flags |= ct_closing;
	}
	f->last_ns = now;
}

// Fragments: the datagram of a first fragment that passed, by (src, dst, id, proto).
bool frag_known(conntrack *ct, const sg_packet &pk, uint64_t now)
{
	for (const conntrack::frag &f : ct->frags)
		if (f.used && f.id == pk.frag_id && f.src == pk.src && f.dst == pk.dst &&
		    f.proto == pk.proto && now - f.ns <= frag_ns)
			return true;
	return false;
}

void frag_note(conntrack *ct, const sg_packet &pk, uint64_t now)
{
	conntrack::frag &f = ct->frags[ct->frag_next++ % ct_frags];

	f.id = pk.frag_id;
	f.src = pk.src;
	f.dst = pk.dst;
	f.proto = pk.proto;
	f.ns = now;
	f.used = true;
}

enum class side_verdict { pass, no_rule, full };

/*
 * The rules of @p's side @dir. An ENI's are its groups'. An egress-only
 * internet gateway has its own, fixed: what the VPC sends through it (its
 * ingress side) opens a tracked flow, and nothing the internet sends does,
 * so only replies come in (EC2: it "prevents the internet from initiating
 * an IPv6 connection with your instances").
 */
bool side_rules_allow(const fabric *fab, const port *p, const port_state *st, sg_dir dir,
		      const sg_packet &pk, bool *untracked)
{
	if (p->kind != VCORE_PORT_ENI) {
		*untracked = false;
		return dir == sg_dir::ingress;
	}
	return rules_allow(fab, st, p->vpc_key, dir, pk, dir == sg_dir::egress ? pk.dst : pk.src,
			   untracked);
}

/*
 * One ENI's side of a packet: @p sends it (egress) or receives it
 * (ingress). What it tracks passes and is refreshed; otherwise its groups'
 * rules decide, and what they allow is tracked unless EC2 would not track
 * it. A later fragment passes when its first fragment did.
 */
side_verdict side_check(fabric *fab, port *p, sg_dir dir, const sg_packet &pk)
{
	const port_state *st = rcu_load(p->state);
	conntrack *ct = p->ct;
	flow_key k = key_of(pk, dir);
	uint64_t now = ct_now(fab);
	side_verdict v = side_verdict::pass;
	bool untracked;
	ct_flow *f;

	vnitro_env_spin_lock(ct->lock);
	if (pk.later_frag) {
		bool known = frag_known(ct, pk, now);

		vnitro_env_spin_unlock(ct->lock);
		return known ? side_verdict::pass : side_verdict::no_rule;
	}
	// An error about a tracked flow is related to it and passes (frag-needed: PMTUD).
	if (pk.error && ct_find(ct, st, quoted_key(pk, dir), now)) {
		vnitro_env_spin_unlock(ct->lock);
		return side_verdict::pass;
	}
	f = pk.error ? nullptr : ct_find(ct, st, k, now);
	if (f) {
		ct_touch(f, dir, pk, now);
		if (pk.first_frag)
			frag_note(ct, pk, now);
		vnitro_env_spin_unlock(ct->lock);
		return side_verdict::pass;
	}
	vnitro_env_spin_unlock(ct->lock);

	if (!side_rules_allow(fab, p, st, dir, pk, &untracked))
		return side_verdict::no_rule;

	vnitro_env_spin_lock(ct->lock);
	if (pk.first_frag)
		frag_note(ct, pk, now);
	// An error a rule allows is not a flow of its own.
	if (untracked || pk.error)
		goto out;
	// Another CPU may have opened it meanwhile.
	f = ct_find(ct, st, k, now);
	if (f) {
		ct_touch(f, dir, pk, now);
		goto out;
	}
	if (ct->count >= st->conntrack_max)
		ct_reclaim(ct, st, now);
	f = ct->count < st->conntrack_max ? create<ct_flow>(VCORE_ALLOC_ATOMIC) : nullptr;
	if (!f) {
		v = side_verdict::full;
		goto out;
	}
	f->local = k.local;
	f->remote = k.remote;
	f->lport = k.lport;
	f->rport = k.rport;
	f->proto = k.proto;
	f->origin = static_cast<uint8_t>(dir);
	ct_touch(f, dir, pk, now);
	f->next = ct->buckets[flow_bucket(k)];
	ct->buckets[flow_bucket(k)] = f;
	ct->count++;
	__atomic_fetch_add(ct->live, 1, __ATOMIC_RELAXED);
out:
	vnitro_env_spin_unlock(ct->lock);
	return v;
}

// Counts a refusal on side @dir of @p; @src pays the drop (tx_dropped).
bool refuse(fabric *fab, port *src, port *p, sg_dir dir, side_verdict v)
{
	if (v == side_verdict::full) {
		counter_inc(p->conntrack_exceeded);
		drop(cpu_stats(fab).drop_conntrack_full, src);
	} else if (p->kind != VCORE_PORT_ENI) {
		counter_inc(p->sg_egress_dropped);
		drop(cpu_stats(fab).drop_egress_only, src);
	} else {
		counter_inc(dir == sg_dir::egress ? p->sg_egress_dropped : p->sg_ingress_dropped);
		drop(cpu_stats(fab).drop_sg, src);
	}
	return false;
}

// An ENI with groups, or an egress-only internet gateway (side_rules_allow).
// Another host's ENI: its groups are that host's to apply (xmit_tunneled).
bool filtered(const port *p)
{
	if (p->remote_host)
		return false;
	return p->kind == VCORE_PORT_ENI ? rcu_load(p->state)->sg_count != 0 : p->egress_only;
}

// Whether one of @st's groups has an "all traffic" rule in @dir covering
// IPv4 whose peer @matches (@ctx: what it compares with). Not a template: a
// lambda's long instantiation name breaks objtool on the debug kernel.
bool all_traffic_rule(const fabric *fab, const port_state *st, sg_dir dir,
		      bool (*matches)(const void *ctx, const vcore_sg_rule &r), const void *ctx)
{
	uint32_t d = dir_index(dir);

	for (uint32_t i = 0; i < st->sg_count; i++) {
		const sg_group *g = find_group(fab, st->sg_keys[i]);

		for (uint32_t j = 0; g && j < g->count[d][0]; j++)
			if (g->rules[d][0][j].proto == VCORE_SG_PROTO_ALL &&
			    matches(ctx, g->rules[d][0][j]))
				return true;
	}
	return false;
}

struct by_address {
	const fabric *fab;
	uint32_t vpc_key, remote;
};

bool address_matches(const void *ctx, const vcore_sg_rule &r)
{
	const by_address *a = static_cast<const by_address *>(ctx);

	return peer_matches(a->fab, r, a->vpc_key, false, v4_mapped(a->remote));
}

// An "all traffic" rule of @st's groups in @dir that allows @remote.
bool all_traffic_allowed(const fabric *fab, const port_state *st, uint32_t vpc_key, sg_dir dir,
			 uint32_t remote)
{
	const by_address a = { fab, vpc_key, remote };

	return all_traffic_rule(fab, st, dir, address_matches, &a);
}

// A group @peer (an ENI's port) is a member of, or the whole of 0.0.0.0/0.
bool port_matches(const void *ctx, const vcore_sg_rule &r)
{
	const port *peer = static_cast<const port *>(ctx);
	const port_state *ps = rcu_load(peer->state);

	if (!r.peer_sg)
		return !r.cidr_prefixlen;
	for (uint32_t k = 0; peer->kind == VCORE_PORT_ENI && k < ps->sg_count; k++)
		if (ps->sg_keys[k] == r.peer_sg)
			return true;
	return false;
}

/*
 * Frames that are not IP: an "all traffic" rule of @st's groups in @dir
 * whose peer is a group @peer is a member of, or the whole of 0.0.0.0/0,
 * lets them through: the default group's members talk.
 */
bool all_traffic_to_port(const fabric *fab, const port_state *st, sg_dir dir, const port *peer)
{
	return all_traffic_rule(fab, st, dir, port_matches, peer);
}

constexpr uint32_t or_default(uint32_t value, uint32_t dflt)
{
	return value ? value : dflt;
}

bool valid_rule(const vcore_sg_rule &r)
{
	if (r.ipv6 > 1 || r.cidr_prefixlen > (r.ipv6 ? 128 : 32))
		return false;
	if (r.ipv6 ? !prefix6_exact({ r.cidr6_hi, r.cidr6_lo }, r.cidr_prefixlen)
		   : (r.cidr_addr & ~prefix_mask(r.cidr_prefixlen)) != 0)
		return false;
	if (r.peer_sg && (r.ipv6 || r.cidr_addr || r.cidr6_hi || r.cidr6_lo || r.cidr_prefixlen))
		return false;
	if (r.proto == VCORE_SG_PROTO_ALL)
		return true;
	if (r.proto > 255)
		return false;
	if (r.proto == ipproto_tcp || r.proto == ipproto_udp)
		return r.port_lo <= r.port_hi;
	if (r.proto == ipproto_icmp || r.proto == ipproto_icmpv6)
		return r.icmp_type >= -1 && r.icmp_type <= 255 && r.icmp_code >= -1 &&
		       r.icmp_code <= 255 && !(r.icmp_type < 0 && r.icmp_code >= 0);
	return true;
}

// Both sides of @pk crossing from @src to @dst (@out, @in: which are filtered).
bool both_sides(fabric *fab, port *src, port *dst, bool out, bool in, const sg_packet &pk)
{
	side_verdict v;

	if (out) {
		v = side_check(fab, src, sg_dir::egress, pk);
		if (v != side_verdict::pass)
			return refuse(fab, src, src, sg_dir::egress, v);
	}
	if (in) {
		v = side_check(fab, dst, sg_dir::ingress, pk);
		if (v != side_verdict::pass)
			return refuse(fab, src, dst, sg_dir::ingress, v);
	}
	return true;
}

/*
 * What the groups and ACLs read of the IPv6 packet at @ip6 (header first;
 * @avail bytes of it at hand): extension headers are walked past (at most
 * eight), a fragment header noted.
 */
sg_packet parse6(const uint8_t *ip6, uint32_t avail)
{
	sg_packet pk = {};
	uint8_t next = ip6[6];
	uint32_t off = ipv6_hlen;

	pk.v6 = true;
	pk.src = addr128_of(ip6 + 8);
	pk.dst = addr128_of(ip6 + 24);
	for (uint32_t n = 0; n < ip6_max_ext; n++) {
		const uint8_t *h = ip6 + off;
		uint32_t hlen;

		if (next == ip6_fragment) {
			if (avail < off + 8)
				break;
			pk.frag_id = get_be32(h + 4);
			pk.later_frag = get_be16(h + 2) & 0xfff8;
			pk.first_frag = (h[3] & 1) && !pk.later_frag;
			next = h[0];
			off += 8;
			if (pk.later_frag)
				break;
			continue;
		}
		if (next != ip6_hop_by_hop && next != ip6_routing && next != ip6_dest_opts &&
		    next != ip6_auth)
			break;
		if (avail < off + 8)
			break;
		hlen = next == ip6_auth ? (h[1] + 2u) * 4 : (h[1] + 1u) * 8;
		next = h[0];
		off += hlen;
	}
	pk.proto = next;
	if (!pk.later_frag && off <= avail)
		parse_l4(pk, ip6 + off, avail - off);
	return pk;
}

} // namespace

const sg_packet &packet::fields()
{
	if (!parsed_) {
		fields_ = v4_ ? parse(*v4_, frame, len) : parse6(frame + eth_hlen, len - eth_hlen);
		parsed_ = true;
	}
	return fields_;
}

bool sg_allows(fabric *fab, port *src, port *dst, packet *pkt)
{
	bool out = filtered(src), in = filtered(dst);

	if (!out && !in)
		return true;
	if (!pkt) {
		if (out && !all_traffic_to_port(fab, rcu_load(src->state), sg_dir::egress, dst))
			return refuse(fab, src, src, sg_dir::egress, side_verdict::no_rule);
		if (in && !all_traffic_to_port(fab, rcu_load(dst->state), sg_dir::ingress, src))
			return refuse(fab, src, dst, sg_dir::ingress, side_verdict::no_rule);
		return true;
	}
	return both_sides(fab, src, dst, out, in, pkt->fields());
}

bool sg_sends(fabric *fab, port *src, packet &pkt)
{
	side_verdict v;

	if (!filtered(src))
		return true;
	v = side_check(fab, src, sg_dir::egress, pkt.fields());
	return v == side_verdict::pass || refuse(fab, src, src, sg_dir::egress, v);
}

bool sg_admits(fabric *fab, port *dst, packet &pkt)
{
	if (!filtered(dst) || side_check(fab, dst, sg_dir::ingress, pkt.fields()) == side_verdict::pass)
		return true;
	counter_inc(dst->sg_ingress_dropped);
	counter_inc(cpu_stats(fab).drop_sg);
	return false;
}

bool sg_allows_efa(fabric *fab, port *src, port *dst)
{
	const port_state *ss = rcu_load(src->state), *ds = rcu_load(dst->state);

	// Another host's ENI's groups are that host's (filtered()).
	if (filtered(src) && !all_traffic_allowed(fab, ss, src->vpc_key, sg_dir::egress,
						  ds->ents[0].ip))
		return refuse(fab, src, src, sg_dir::egress, side_verdict::no_rule);
	if (filtered(dst) && !all_traffic_allowed(fab, ds, dst->vpc_key, sg_dir::ingress,
						  ss->ents[0].ip))
		return refuse(fab, src, dst, sg_dir::ingress, side_verdict::no_rule);
	return true;
}

int sg_port_init(fabric *fab, port *p)
{
	if (p->kind != VCORE_PORT_ENI && !p->egress_only)
		return 0;
	p->ct = create<conntrack>();
	if (!p->ct)
		return -ENOMEM_;
	p->ct->live = &fab->ct_flows;
	p->ct->lock = svc->spin_create();
	if (!p->ct->lock) {
		destroy(p->ct);
		p->ct = nullptr;
		return -ENOMEM_;
	}
	return 0;
}

void sg_port_free(port *p)
{
	conntrack *ct = p->ct;

	if (!ct)
		return;
	for (ct_flow *head : ct->buckets) {
		while (ct_flow *f = head) {
			head = f->next;
			__atomic_fetch_sub(ct->live, 1, __ATOMIC_RELAXED);
			svc->free(f);
		}
	}
	svc->spin_destroy(ct->lock);
	destroy(ct);
	p->ct = nullptr;
}

int sg_state_fill(port_state *st, const vcore_port_desc &d)
{
	if (d.sg_count > VCORE_PORT_MAX_SGS)
		return -EINVAL_;
	if (d.sg_count && d.kind != VCORE_PORT_ENI)
		return -EINVAL_;
	if ((d.tcp_established_timeout && (d.tcp_established_timeout < 60 ||
					   d.tcp_established_timeout > 432000)) ||
	    (d.udp_timeout && (d.udp_timeout < 30 || d.udp_timeout > 60)) ||
	    (d.udp_stream_timeout && (d.udp_stream_timeout < 60 || d.udp_stream_timeout > 180)))
		return -EINVAL_;
	for (uint32_t i = 0; i < d.sg_count; i++) {
		if (!d.sg_keys[i])
			return -EINVAL_;
		for (uint32_t j = 0; j < i; j++)
			if (d.sg_keys[j] == d.sg_keys[i])
				return -EINVAL_;
		st->sg_keys[i] = d.sg_keys[i];
	}
	st->sg_count = d.sg_count;
	st->conntrack_max = or_default(d.conntrack_max, VCORE_CONNTRACK_DEFAULT_MAX);
	st->timeout_s[0] = or_default(d.tcp_established_timeout, VCORE_TCP_ESTABLISHED_TIMEOUT);
	st->timeout_s[1] = or_default(d.udp_timeout, VCORE_UDP_TIMEOUT);
	st->timeout_s[2] = or_default(d.udp_stream_timeout, VCORE_UDP_STREAM_TIMEOUT);
	return 0;
}

} // namespace vnitro::fabric

using namespace vnitro::fabric;

extern "C" {

int vcore_fabric_sg_set(struct vcore_fabric *fab, const struct vcore_fabric_sg_desc *desc)
{
	const vcore_sg_rule *rules[2] = {desc->ingress, desc->egress};
	const uint32_t counts[2] = {desc->ingress_count, desc->egress_count};
	sg_group *g;

	if (!desc->key || counts[0] > 2 * VCORE_SG_MAX_RULES || counts[1] > 2 * VCORE_SG_MAX_RULES)
		return -EINVAL_;
	for (uint32_t d = 0; d < 2; d++)
		for (uint32_t j = 0; j < counts[d]; j++)
			if (!valid_rule(rules[d][j]))
				return -EINVAL_;
	g = create<sg_group>();
	if (!g)
		return -ENOMEM_;
	g->key = desc->key;
	g->vpc_key = desc->vpc_key;
	for (uint32_t d = 0; d < 2; d++) {
		for (uint32_t j = 0; j < counts[d]; j++) {
			const vcore_sg_rule &r = rules[d][j];

			// A rule naming a group covers both families.
			for (uint32_t fam = 0; fam < 2; fam++) {
				if (!r.peer_sg && r.ipv6 != fam)
					continue;
				if (g->count[d][fam] == VCORE_SG_MAX_RULES) {
					destroy(g);
					return -EINVAL_;
				}
				g->rules[d][fam][g->count[d][fam]++] = r;
				g->open[d][fam][0] |= open_rule(r, ipproto_tcp);
				g->open[d][fam][1] |= open_rule(r, ipproto_udp);
			}
		}
	}
	fab->groups.publish(fab->writer_lock, g);
	return 0;
}

void vcore_fabric_sg_del(struct vcore_fabric *fab, uint32_t key)
{
	fab->groups.remove(fab->writer_lock, key);
}

uint64_t vcore_fabric_conntrack_flows(const struct vcore_fabric *fab)
{
	return __atomic_load_n(&fab->ct_flows, __ATOMIC_RELAXED);
}

void vcore_fabric_conntrack_advance(struct vcore_fabric *fab, uint32_t seconds)
{
	__atomic_fetch_add(&fab->ct_skew_ns, seconds * ns_per_s, __ATOMIC_RELAXED);
}

} // extern "C"
