// SPDX-License-Identifier: GPL-2.0
// fabric.h - the fabric's shared state: ports, their IP sets, route tables, and the drop helper.
#pragma once

#include "fabric/frame.h"
#include "fabric/keyed.h"
#include "fabric/path.h"
#include "fabric/sg.h"

namespace vnitro::fabric {

struct port;

/*
 * An IP packet crossing the fabric, IPv4 or IPv6: its frame, and the
 * protocol fields the groups and ACLs match, read once by the first check
 * that needs them (a routed packet meets up to three: the source subnet's
 * ACL, the destination subnet's, the groups), and never when nothing
 * filters it.
 */
class packet {
public:
	// IPv6: the frame whose IPv6 header follows the Ethernet header.
	packet(const uint8_t *f, uint32_t l) : frame(f), len(l), v4_(nullptr) {}

	const sg_packet &fields();	// sg.cc

	const uint8_t *const frame;
	const uint32_t len;

protected:
	packet(const uint8_t *f, uint32_t l, const ipv4_view *v4) : frame(f), len(l), v4_(v4) {}

private:
	const ipv4_view *const v4_;	// IPv4: its parsed header; nullptr: IPv6
	bool parsed_ = false;
	sg_packet fields_ = {};
};

// An IPv4 packet, with its header view for the router.
class ip_packet : public packet {
public:
	ip_packet(const ipv4_view &v, const uint8_t *f, uint32_t l) : packet(f, l, &v), ip(v) {}

	const ipv4_view &ip;
};

// One IP of a port in the IP index: a bucket chain read under RCU.
struct ip_entry {
	ip_entry *next;
	port *owner;
	uint32_t vpc_key;
	uint32_t ip;
};

// One IPv6 address of a port in the IPv6 index, as ip_entry.
struct ip6_entry {
	ip6_entry *next;
	port *owner;
	uint32_t vpc_key;
	uint64_t hi, lo;
};

/*
 * What port_update may change, published as a whole behind port::state so
 * that a reader sees one set or the other, never a mix. ents[0] is the
 * primary IP. Freed after a grace period once replaced or unplugged.
 */
struct port_state {
	uint8_t source_dest_check;
	uint8_t frag_needed;
	uint8_t ena_express;		// VCORE_SRD_* (express.cc)
	// Security groups and tracking (sg.cc); sg_count 0: not filtered.
	uint32_t sg_count;
	uint32_t sg_keys[VCORE_PORT_MAX_SGS];
	uint32_t conntrack_max;
	uint32_t timeout_s[3];		// TCP established, UDP, UDP stream
	uint32_t count;
	ip_entry ents[VCORE_PORT_MAX_IPS];
	// IPv6 (ip6.cc): the subnet's /64 (has_ipv6 0: none) and the addresses.
	uint8_t has_ipv6;
	uint64_t ipv6_prefix;
	uint32_t count6;
	ip6_entry ents6[VCORE_PORT_MAX_IPV6];
};

struct srd_links;

struct port {
	port *next;			// MAC bucket chain, read under RCU
	port *igw_next;			// fabric::igws, read under RCU (IGW ports)
	port_state *state;		// rcu_load() on the data path
	// Fixed while plugged: port_update refuses to change them.
	uint8_t mac[eth_alen];
	uint8_t kind;
	uint8_t egress_only;		// IGW: an egress-only internet gateway
	uint8_t subnet_prefixlen;
	uint8_t vpc_prefixlen;
	uint32_t subnet_key;
	uint32_t subnet_addr;
	uint32_t vpc_key;
	uint32_t vpc_addr;
	char dns_domain[VCORE_DNS_DOMAIN_MAX];	// ENI: DHCP's option 15 ("" = ec2.internal)
	void *cookie;
	// ENI: its link-local services slot (linklocal.cc), 0: none.
	uint16_t svc_slot;
	// Set by port_del under the writer lock: an update after it changes nothing.
	bool unplugged;
	// The ENI's EFA endpoint (efa.cc), or nullptr: set and cleared under the
	// writer lock, read under RCU by the EFA engine's pass.
	vcore_efa_dev *efa;
	// ENI and egress-only gateway ports: its tracked flows (sg.cc), for the
	// port's whole life.
	conntrack *ct;
	// Counters, updated atomically from any CPU.
	uint64_t tx_dropped;
	uint64_t sg_ingress_dropped;
	uint64_t sg_egress_dropped;
	uint64_t conntrack_exceeded;
	uint64_t rx_arp_replies;
	uint64_t tx_src_dst_dropped;
	uint64_t rx_src_dst_dropped;
	uint64_t linklocal_exceeded;
	// ENI: the link-local allowance's clock (linklocal.cc), changed with CAS.
	uint64_t linklocal_tat;
	// ENI: its instance's bandwidth allowances and its card (allowance.cc),
	// fixed while plugged; the counters and the fragment allowance's clock.
	uint32_t allowance_key;
	uint32_t network_card;
	uint64_t bw_in_exceeded;
	uint64_t bw_out_exceeded;
	uint64_t pps_exceeded;
	uint64_t fragment_tat;
	// ENI: ENA Express (express.cc): its Region (a hash of its DNS domain,
	// fixed) and counters.
	uint32_t region;
	uint64_t srd_tx, srd_eligible, srd_rx;
	// ENI: its place in the zone's network and its cluster placement group
	// (path.cc, allowance.cc), fixed while plugged.
	uint64_t nodes[VCORE_TOPOLOGY_LAYERS];
	uint32_t cluster_key;
	// ENI: 0, or the underlay address of the host it is on (a remote
	// port: the sender's half of the pipeline only), and its VPC's VNI.
	uint32_t remote_host;
	uint32_t vni;
	// ENI: its SRD links to the peers ENA Express carries its packets to
	// (srdlink.cc), made while a path model is set.
	srd_links *srd;
};

/*
 * An instance's bandwidth allowances (allowance.cc). The costs and
 * tolerances are set in place (each field on its own: a frame may see old
 * and new ones mixed, once); the clocks are a generic cell rate algorithm's
 * theoretical arrival times, in nanoseconds, changed with CAS from any CPU.
 */
struct allowance_clock {
	uint64_t peak;			// at the peak: the short-term cap
	uint64_t base;			// at the baseline: the credit bucket
};

struct allowance {
	allowance *next;		// bucket chain, read under RCU
	uint32_t key;
	uint32_t cards;
	uint64_t peak_cost;		// nanoseconds per byte << 16, at the peak
	uint64_t base_cost;		// the same at the baseline; 0: no burst (peak = baseline)
	uint64_t peak_tol_ns;		// how far ahead of now a clock may run
	uint64_t base_tol_ns;
	uint64_t peak_bps, base_bps, burst_s;	// as set (vcore_fabric_allowance_get)
	// Through an internet gateway, all cards: cost 0 = no limit of its own.
	uint64_t internet_cost, internet_tol_ns, internet_bps;
	uint64_t internet_clock[2];			// [0 in, 1 out]
	allowance_clock clock[VCORE_MAX_CARDS][2];	// [card][0 in, 1 out]
};

// A subnet's route table, sorted longest prefix first.
struct route_table {
	route_table *next;		// table bucket chain, read under RCU
	uint32_t key;
	uint32_t vpc_key;
	uint32_t nacl_key;		// 0: none
	uint32_t count;
	vcore_fabric_route routes[VCORE_SUBNET_MAX_ROUTES];
};

// A network ACL as the data path reads it: rules sorted by number, split
// by the address family their block is of (nacl.cc).
struct nacl {
	nacl *next;			// bucket chain, read under RCU
	uint32_t key;
	uint32_t count[2][2];		// [0 ingress, 1 egress][0 IPv4, 1 IPv6]
	vcore_nacl_rule rules[2][2][VCORE_NACL_MAX_RULES];
};


// Sized so that chains stay short at the scale vnitro holds (thousands of
// ports, each with a few IPs): lookups cost the same with 2 ports or 4,000.
constexpr uint32_t mac_bucket_bits = 12;
constexpr uint32_t ip_bucket_bits = 14;
constexpr uint32_t mac_buckets = 1u << mac_bucket_bits;
constexpr uint32_t ip_buckets = 1u << ip_bucket_bits;
constexpr uint32_t ip6_bucket_bits = 12;
constexpr uint32_t ip6_buckets = 1u << ip6_bucket_bits;
constexpr uint32_t eip_bucket_bits = 10;
constexpr uint32_t eip_buckets = 1u << eip_bucket_bits;

// An Elastic IP's translation at its VPC's internet gateway (eip.cc): in
// two bucket chains, by public address and by (VPC, private address).
struct eip_entry {
	eip_entry *next_public;
	eip_entry *next_private;
	uint32_t vpc_key;
	uint32_t public_ip;
	uint32_t private_ip;
};

struct fabric {
	port *buckets[mac_buckets];	// by MAC; published with rcu_store
	ip_entry *ips[ip_buckets];	// by (vpc_key, ip)
	ip6_entry *ips6[ip6_buckets];	// by (vpc_key, IPv6 address)
	keyed_table<route_table, 8> tables;	// by subnet key (router.cc)
	port *igws;			// the IGW ports, one per VPC
	port *svc;			// the services port, or nullptr (linklocal.cc)
	port *svc_slots[VCORE_SVC_SLOTS];	// ENI ports by services slot
	uint32_t svc_cursor;		// the last slot given (writer lock)
	keyed_table<sg_group, 10> groups;	// security groups by key (sg.cc)
	keyed_table<nacl, 8> nacls;	// network ACLs by key (nacl.cc)
	keyed_table<allowance, 10> allowances;	// instances' bandwidth allowances (allowance.cc)
	// The single-flow limit (allowance.cc): flow_slots clocks by a hash of the
	// flow, and the cost, tolerance and rate of each (rate 0: no limit).
	uint64_t *flow_clocks;
	// The path model's (path.cc): by the same hash, when the flow's last
	// frame arrives, so that a later one never overtakes it.
	uint64_t *flow_dues;
	uint64_t flow_cost, flow_tol_ns, flow_bps;
	uint64_t srd_flow_cost, srd_flow_tol_ns, srd_flow_bps;	// the same over SRD
	// How long a packet over an allowance or flow limit may wait before it
	// is dropped instead (vcore_fabric_set_allowance_queue; 0: at once).
	uint64_t allowance_queue_ns;
	// ... and between two ENIs of one cluster placement group
	uint64_t cluster_flow_cost, cluster_flow_tol_ns, cluster_flow_bps;
	eip_entry *eips_public[eip_buckets];	// Elastic IPs by public address
	eip_entry *eips_private[eip_buckets];	// and by (VPC, private address)
	uint64_t ct_skew_ns;		// added to the clock of tracking (tests run time faster)
	uint64_t ct_flows;		// flows tracked now, every ENI's (sg.cc)
	void *writer_lock;		// serialises every change of the above
	// Per-CPU counters: stats_cpus blocks of stats_stride bytes, each on
	// cache lines of its own, so frames on different CPUs never share one.
	char *stats;
	uint32_t stats_cpus;
	// Per CPU as well, scratch_stride bytes each: where the DHCPv6 server
	// builds a reply (ip6.cc), too big for a stack frame and not to be
	// allocated on the data path. xmit runs with bottom halves off, so
	// nothing else on the CPU uses it meanwhile.
	uint8_t *scratch;
	path_model path;		// path.cc
};

constexpr uint32_t flow_slot_bits = 12;	// flows sharing a slot share a limit
constexpr uint32_t stats_stride = (sizeof(vcore_fabric_stats) + 63) / 64 * 64;
constexpr uint32_t scratch_stride = 3072;	// a DHCPv6 reply and the addresses it lists (ip6.cc)

inline uint8_t *cpu_scratch(fabric *fab)
{
	uint32_t cpu = vnitro_env_cpu();

	if (cpu >= fab->stats_cpus)
		cpu %= fab->stats_cpus;
	return fab->scratch + size_t(cpu) * scratch_stride;
}

// This CPU's counters (read_stats sums them).
inline vcore_fabric_stats &cpu_stats(fabric *fab)
{
	uint32_t cpu = vnitro_env_cpu();

	if (cpu >= fab->stats_cpus)
		cpu %= fab->stats_cpus;
	return *reinterpret_cast<vcore_fabric_stats *>(fab->stats + cpu * stats_stride);
}

/*
 * A generic cell rate algorithm: takes @inc nanoseconds on clock @tat,
 * refused (false) when the clock is already more than @tol ahead of @now;
 * otherwise it moves on from the later of itself and now. Lock-free for the
 * queues of several CPUs (allowance.cc, linklocal.cc). With a queue behind
 * the tolerance, a packet up to @queue later than the tolerance allows is
 * taken too, and *@wait says how long it must wait to conform (0: at
 * once); beyond that, refused. gcra_take has no queue.
 */
inline bool gcra_queue(uint64_t &tat, uint64_t inc, uint64_t tol, uint64_t queue, uint64_t now,
		       uint64_t *wait)
{
	uint64_t t = __atomic_load_n(&tat, __ATOMIC_RELAXED), next, w;

	do {
		w = t > now && t - now > tol ? t - now - tol : 0;
		if (w > queue)
			return false;
		next = (t > now ? t : now) + inc;
	} while (!__atomic_compare_exchange_n(&tat, &t, next, true, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	*wait = w;
	return true;
}

inline bool gcra_take(uint64_t &tat, uint64_t inc, uint64_t tol, uint64_t now)
{
	uint64_t wait;

	return gcra_queue(tat, inc, tol, 0, now, &wait);
}

// @per_s events a second on clock @tat, a second's worth at once (as a
// bucket of @per_s tokens refilled at @per_s a second would allow).
inline bool rate_take(uint64_t &tat, uint64_t per_s, uint64_t now)
{
	const uint64_t interval = 1000000000ull / per_s;

	return gcra_take(tat, interval, 1000000000ull - interval, now);
}

inline vcore_xmit_verdict drop(uint64_t &reason, port *src)
{
	base::counter_inc(reason);
	base::counter_inc(src->tx_dropped);
	return VCORE_XMIT_DROPPED;
}

/*
 * The two places a frame leaves the fabric. A port is reached through its
 * cookie, whatever sits behind it: the environment's deliver dispatches on
 * it (an ENI's netdev, a gateway's). A remote port (an ENI of another host,
 * over a tunnel) is one more kind of cookie there; nothing here changes.
 */
inline void port_deliver(const port *src, port *dst, void *frame_ctx, uint64_t due_ns = 0)
{
	if (!dst->remote_host) {
		base::svc->deliver(dst->cookie, frame_ctx, due_ns);
		return;
	}
	// Only an ENI's frame crosses to another host (port_add checked the op).
	base::svc->deliver_tunneled(dst->cookie, src->mac, frame_ctx, due_ns);
}

inline void port_deliver_copy(port *dst, const uint8_t *frame, uint32_t len)
{
	base::svc->deliver_copy(dst->cookie, frame, len);
}

// Caller holds an RCU read section or the writer lock.
port *lookup_mac(const fabric *fab, const uint8_t *mac);
// The last steps of a frame switched within a subnet: the groups (@pkt
// nullptr: not IP), the path model, delivery. RCU held.
vcore_xmit_verdict switch_to(fabric *fab, port *src, port *dst, packet *pkt, void *frame_ctx);

/* ---- ipindex.cc: ports by (VPC, IP) ---- */

// The port owning @ip in the VPC, or nullptr. RCU or writer lock.
port *lookup_ip(const fabric *fab, uint32_t vpc_key, uint32_t ip);
bool state_has_ip(const port_state *st, uint32_t ip);
// The same for IPv6 addresses (upper and lower 64 bits, host order).
port *lookup_ip6(const fabric *fab, uint32_t vpc_key, uint64_t hi, uint64_t lo);
bool state_has_ip6(const port_state *st, uint64_t hi, uint64_t lo);
// Checks @desc's IPs (range, repeats: -EINVAL; taken by a port other than
// @self: -EADDRINUSE) and builds a state for @owner. Writer lock held.
port_state *state_create(const fabric *fab, const vcore_port_desc &desc, port *owner,
			 port *self, int *err);
// Writer lock held. Unlinked entries stay readable until a grace period ends.
void state_link(fabric *fab, port_state *st);
void state_unlink(fabric *fab, port_state *st);

/* ---- srcdst.cc: the source/destination check (both count what they refuse) ---- */

// Sender side: false when an IPv4 packet's source is not one of @src's IPs.
// @ip is the parsed header, or nullptr when the frame is not IPv4.
bool egress_allowed(fabric *fab, port *src, const ipv4_view *ip);
// Receiver side: false when its destination is not one of @dst's IPs.
bool ingress_allowed(fabric *fab, port *src, port *dst, const ipv4_view *ip);

/* ---- router.cc: route tables and the VPC router ---- */

// A frame @src sent to its subnet's router MAC; @ip nullptr when not IPv4.
// @seg_len: the IP length of its largest wire packet when it is a GSO frame, else 0.
vcore_xmit_verdict route_from_eni(fabric *fab, port *src, uint8_t *frame, uint32_t len,
				  const ipv4_view *ip, uint32_t seg_len, void *frame_ctx);
// A frame the internet gateway @src sent to the VPC router's MAC.
vcore_xmit_verdict route_from_igw(fabric *fab, port *src, uint8_t *frame, uint32_t len,
				  void *frame_ctx);

// The IPv6 route for @dst from @src's subnet (longest prefix first), or false. RCU held.
bool lookup_route6(const fabric *fab, const port *src, const base::addr128 &dst,
		   vcore_fabric_route *out);
// VPC @vpc_key's internet gateway port (@egress_only: its egress-only
// internet gateway's), or nullptr. RCU held.
port *find_igw(const fabric *fab, uint32_t vpc_key, bool egress_only = false);

/* ---- sg.cc: security groups and connection tracking ---- */

// The groups' verdict on a packet @src sends to @dst (either may be an IGW,
// whose side is filtered only when it is egress-only): @src's egress, then
// @dst's ingress, each passing what it tracks or its rules allow. @pkt
// nullptr: not IP (ARP and DHCP never get here; the VPC carries nothing
// else an ENI filters). Counts drops. RCU held.
bool sg_allows(fabric *fab, port *src, port *dst, packet *pkt);
// @src's egress side alone, for a packet the VPC router answers instead of
// forwarding (TTL, frag-needed, too big): on EC2 the group sees it leave
// first, so the flow is tracked and the router's error is related to it.
// RCU held.
bool sg_sends(fabric *fab, port *src, packet &pkt);
// What the VPC itself sends @dst (the router's ICMP and ICMPv6 errors):
// @dst's ingress side only, so an error about a tracked flow passes and one
// about an untracked flow needs a rule, as EC2's PMTUD advice says. RCU held.
bool sg_admits(fabric *fab, port *dst, packet &pkt);
// EFA packets: EC2 lets them through only where an "all traffic" rule
// allows the peer both ways (the self-referencing rule). RCU held.
bool sg_allows_efa(fabric *fab, port *src, port *dst);
// Port life cycle (writer lock, sleeping allowed): -ENOMEM; the table of a
// deleted port after its grace period.
int sg_port_init(fabric *fab, port *p);
void sg_port_free(port *p);
// Checks and fills the groups and tracking fields of a state (-EINVAL).
int sg_state_fill(port_state *st, const vcore_port_desc &desc);

/* ---- nacl.cc: network ACLs at the subnets' edges ---- */

// The subnets' ACLs on a packet @src sends to @dst across the VPC router:
// @src's subnet's egress rules when the packet leaves an ENI's subnet
// (nacl_leaves), @dst's subnet's ingress rules when it enters one
// (nacl_enters). Traffic within a subnet meets none. Counts drop_nacl and
// @src's tx_dropped. RCU held.
bool nacl_leaves(fabric *fab, port *src, port *dst, packet &pkt);
bool nacl_enters(fabric *fab, port *src, port *dst, packet &pkt);
// What the VPC router itself sends into @dst's subnet (its ICMP and ICMPv6 errors).
bool nacl_admits(fabric *fab, port *dst, packet &pkt);
// The table of subnet @key, or nullptr. RCU or writer lock (router.cc).
const route_table *find_table(const fabric *fab, uint32_t key);

/* ---- eip.cc: Elastic IPs, 1:1 NAT at the internet gateway ---- */

// The Elastic IP of VPC @vpc_key at @public_ip, or nullptr. RCU or writer lock.
const eip_entry *eip_by_public(const fabric *fab, uint32_t vpc_key, uint32_t public_ip);
// Unpublished entries at fabric destroy.
void eips_free(fabric *fab);

/* ---- path.cc: the path model's configuration, seed and losses ---- */

// The configuration every path uses now (fields read one by one: a writer
// may change it meanwhile).
path_config path_config_of(const fabric *fab);
// A frame between two ENIs, from @src, of flow @flow (nullptr: not IP),
// over SRD or not: false when the path loses it (counted: path_lost and
// @src's tx_dropped); otherwise *@due_ns is when it arrives on
// vnitro_env_clock_ns's clock (0: at once). Any CPU; no draw, no clock read
// while the model can neither lose nor delay.
bool path_carries(fabric *fab, port *src, port *dst, const sg_packet *flow, bool srd,
		  uint64_t *due_ns);
// The latency placement adds between @a's and @b's instances (network nodes
// crossed, zones): 0 unless the model's node or zone delay is set.
uint64_t placement_ns(const fabric *fab, const port *a, const port *b);
// A spine path at a moment: what it loses and how long it takes (jitter aside).
struct path_leg {
	uint32_t loss_ppm;
	uint64_t delay_ns;
	uint32_t jitter_ns;
};
// Path @i at @now, in or out of a congestion episode.
path_leg path_leg_of(const fabric *fab, uint32_t i, uint64_t now, uint64_t seed);
// SRD's choice for one packet sent at @now: the best of a few paths, from draw @r on.
path_leg path_best_leg(const fabric *fab, uint64_t r, uint64_t now);
// The @k-th value derived from a frame's draw @r (k 0: @r itself).
uint64_t path_draw(uint64_t r, uint32_t k);
// The jitter @l adds to a packet, from draw @r.
uint64_t path_jitter(const path_leg &l, uint64_t r);

/* ---- srdlink.cc: ENA Express's SRD, EFA's state machines in the model's time ---- */

// An ENI port's links (none for other kinds); freed with the port.
int srd_port_init(port *p);
void srd_port_free(port *p);
// A packet @src sends @dst over SRD at @now, @hop_ns of placement each way,
// from the frame's draw @r: false when every copy was lost (given up,
// counted); otherwise *@arrive_ns is when its first copy arrives. Any CPU.
bool srd_carry(fabric *fab, port *src, port *dst, uint64_t r, uint64_t now, uint64_t hop_ns,
	       uint64_t *arrive_ns);
// ena_srd_resource_utilization: the percentage of its busiest link's window
// that @p's packets still in flight at @now hold.
uint32_t srd_utilization(const port *p, uint64_t now);
// EFA: true when a UD datagram drawn from @rng is lost (counted as path_lost).
bool path_loses_datagram(fabric *fab, prng &rng);
// EFA: puts @pkt on an SRD flow's path @p under the fabric's configuration
// and counts its fate; the caller serialises @p (the engine's pass).
// @extra_ns: the placement's share of the latency (efa_placement_ns).
template <typename T, uint32_t N>
bool path_send(fabric *fab, path<T, N> &p, const T &pkt, uint64_t now, uint64_t extra_ns = 0)
{
	const path_stats before = p.stats();
	bool sent;

	p.configure(path_config_of(fab));
	sent = p.send(pkt, now, extra_ns);
	if (p.stats().lost != before.lost || p.stats().overflow != before.overflow)
		base::counter_inc(cpu_stats(fab).path_lost);
	if (p.stats().reordered != before.reordered)
		base::counter_inc(cpu_stats(fab).path_reordered);
	return sent;
}
// Each seed write bumps the epoch: the EFA engine reseeds its generators
// from path_seed() when it sees a new one.
uint32_t path_epoch(const fabric *fab);
uint64_t path_seed(const fabric *fab);

/* ---- efa.cc: EFA endpoints on ENI ports ---- */

enum class efa_verdict : uint8_t {
	deliver,		// *dst is the destination endpoint
	no_dest,		// no endpoint has the GID, or the sender's port is gone
	cross_subnet,		// EFA traffic does not leave its subnet
	filtered,		// a security group refused it (sg.cc)
	remote,			// an ENI of another host: the engine sends a frame (efa_send_remote)
};

// Where an EFA packet @src sends to @dst_gid goes; refusals are counted in
// the fabric's counters and @src's port's. The caller holds the EFA
// engine's lock: *dst stays valid until it lets go (vcore/efa.h).
efa_verdict efa_resolve(fabric *fab, const vcore_efa_dev *src, const uint8_t *dst_gid,
			vcore_efa_dev **dst);
// The VPC's checks on an EFA packet from port @sp to ENI port @dp (on one
// host, or arriving from another): one subnet, then the groups; refusals
// counted. deliver when it may pass. RCU held.
efa_verdict efa_admit(fabric *fab, port *sp, port *dp);
// The MAC whose modified EUI-64 @gid carries (vcore_efa_gid), or false when
// @gid is not fe80::/64 with an EUI-64 made from a MAC.
bool mac_of_gid(const uint8_t *gid, uint8_t *mac);
// The EFA device of this host's ENI of MAC @mac, or nullptr. The caller
// holds the EFA engine's lock (the device stays valid until it lets go).
vcore_efa_dev *efa_local(fabric *fab, const uint8_t *mac);
// Hands @frame_ctx (an EFA frame from @src's ENI to the ENI of @dst_mac, of
// another host) to the tunnel; false (the caller keeps the frame) when
// @src has no port or @dst_mac is not another host's ENI.
bool efa_send_remote(fabric *fab, const vcore_efa_dev *src, const uint8_t *dst_mac,
		     void *frame_ctx);
// port_del: the port's endpoint (if any) loses its port. Writer lock held.
void efa_port_gone(port *p);
// The placement latency (placement_ns) between @src's port and the one that
// has @dst_gid; 0 when either is unknown.
uint64_t efa_placement_ns(fabric *fab, const vcore_efa_dev *src, const uint8_t *dst_gid);

/* ---- ip6.cc: IPv6 from an ENI (neighbour discovery, DHCPv6, switching) ---- */

// An IPv6 frame @src sent; @rmac: its subnet router's MAC, @to_router: sent to it.
// @seg_len: as xmit_from_eni's.
vcore_xmit_verdict xmit6_from_eni(fabric *fab, port *src, uint8_t *frame, uint32_t len,
				  const uint8_t *rmac, bool to_router, uint32_t seg_len,
				  void *frame_ctx);
// An IPv6 frame the internet gateway @src sent.
vcore_xmit_verdict xmit6_from_igw(fabric *fab, port *src, uint8_t *frame, uint32_t len,
				  void *frame_ctx);

/* ---- linklocal.cc: the link-local services (vcore/fabric.h) ---- */

// The service an IPv4 packet @src sends to its router is for, or -1.
int svc_of(const port *src, uint32_t dst_ip);
// Hands it to the services port (or drops it: another protocol or port).
vcore_xmit_verdict svc_request(fabric *fab, port *src, const ipv4_view &ip, const uint8_t *frame,
			       uint32_t len, void *frame_ctx);
// Port life cycle, writer lock held: an ENI's slot, the services port.
int svc_port_add(fabric *fab, port *p);
void svc_port_del(fabric *fab, port *p);

/* ---- allowance.cc: instances' bandwidth allowances, ENIs' fragment allowance ---- */

// How a frame from @src to @dst crosses (express.cc): its size on the wire,
// and whether ENA Express carries it over SRD.
struct carriage {
	vcore_frame_size size;
	bool srd;
	uint64_t due_ns;		// when the path model has it arrive (0: now)
	uint64_t queued_ns;		// how long the allowances hold it back (0: not)
};

// EC2's flow, hashed: the 5-tuple of TCP and UDP, source, destination and
// protocol otherwise, in @src's VPC. Its top flow_slot_bits pick the slot.
uint64_t flow_hash(const port *src, const sg_packet &f);

// Charges a frame @src sends to @dst to the sender's outbound allowance and
// the receiver's inbound one (ENI ports only): false, counted, when it is
// over either. Then the single-flow limit, on @pkt's flow (nullptr: not IP,
// not limited), SRD's when it goes over SRD. RCU held.
bool allowances_pass(fabric *fab, port *src, port *dst, packet *pkt, carriage &c);
// An IP fragment @src sends: false, counted, over VCORE_FRAGMENT_PPS.
bool fragment_allowed(fabric *fab, port *src);

/* ---- express.cc: ENA Express ---- */

// The last checks of a frame the groups and routes let through, from @src
// to @dst (any kinds of port): whether ENA Express carries it (counted as
// eligible at @src), the allowances, and the path between ENIs, whose
// losses SRD recovers. False: dropped and counted. RCU held.
bool crossing(fabric *fab, port *src, port *dst, packet *pkt, void *frame_ctx, carriage *c);
// After delivery: ena_srd_tx_pkts and ena_srd_rx_pkts.
void crossed(port *src, port *dst, const carriage &c);
// A port's Region, from its DNS domain (port_add).
uint32_t region_of(const char *dns_domain);

/* ---- dhcp.cc: the VPC's DHCP server ---- */

// Is @frame a DHCP client message (IPv4/UDP to port 67) for @server_ip or broadcast?
bool dhcp_is_for_server(uint8_t *frame, uint32_t len, uint32_t server_ip);
vcore_xmit_verdict dhcp_serve(fabric *fab, port *src, uint8_t *frame, uint32_t len);

} // namespace vnitro::fabric

// The opaque C handles are the core's objects themselves.
struct vcore_fabric : vnitro::fabric::fabric {};
struct vcore_fabric_port : vnitro::fabric::port {};
