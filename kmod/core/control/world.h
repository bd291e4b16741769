// SPDX-License-Identifier: GPL-2.0
// world.h - the control plane's objects (VPC, subnet, instance, ENI, route, IGW, security group, network ACL, Elastic IP) and their registry.
#pragma once

#include "base/ipv4.h"
#include "base/slist.h"
#include "base/text.h"
#include "vcore/control.h"

namespace vnitro::control {

struct instance;
struct eni;
struct igw;
struct sg;
struct nacl;
struct eip;
struct pg;

// The most network interfaces an instance type has (p5.48xlarge).
constexpr uint32_t max_instance_enis = 80;	// trn1n.32xlarge, p6-b300.48xlarge

struct vpc {
	vpc *next;
	char id[VCORE_ID_MAX];
	uint32_t addr;
	uint8_t prefixlen;
	uint32_t key;		// the fabric's name for this VPC
	igw *gateway;		// at most one internet gateway
	igw *egress_gateway;	// and one egress-only internet gateway
	sg *default_group;	// from VPC_ADD to VPC_DEL
	nacl *default_acl;	// from VPC_ADD to VPC_DEL
	// Its IPv6 /56 (ipv6.cc): the address's upper 64 bits, the low 8 zero.
	bool has_ipv6;
	uint64_t ipv6_prefix;
};

// One entry of a subnet's route table (route.cc).
struct route {
	bool ipv6;		// the destination is addr6/prefixlen, else addr/prefixlen
	uint32_t addr;
	base::addr128 addr6;
	uint8_t prefixlen;
	uint8_t target;		// enum vnitro_route_target_kind
	// VNITRO_ROUTE_TARGET_ENI: the ENI, or nullptr once deleted (a blackhole
	// route keeps its id and MAC, as EC2 keeps showing it).
	eni *to_eni;
	uint8_t eni_mac[6];
	igw *to_igw;
	char target_id[VCORE_ID_MAX];
};

struct subnet {
	subnet *next;
	char id[VCORE_ID_MAX];
	char az[VCORE_ID_MAX];
	vpc *owner;
	uint32_t addr;
	uint8_t prefixlen;
	uint32_t key;		// the fabric's name for this subnet
	uint32_t route_count;	// routes[0] is the local route
	route routes[VCORE_SUBNET_MAX_ROUTES];
	nacl *acl;		// of the same VPC, never nullptr once published
	// Its IPv6 /64 (ipv6.cc), inside the VPC's /56: the upper 64 bits.
	bool has_ipv6;
	uint64_t ipv6_prefix;
	// EC2's AssignIpv6AddressOnCreation: a new ENI gets one IPv6 address.
	bool assign_ipv6_on_creation;
};

struct eni {
	eni *next;
	char id[VCORE_ID_MAX];
	subnet *home;
	uint8_t mac[6];
	uint32_t ip;
	uint32_t secondary[VCORE_PORT_MAX_IPS - 1];
	uint32_t secondary_count;
	// IPv6 addresses (ipv6.cc): interface identifiers under the home subnet's /64.
	uint64_t ipv6[VNITRO_MAX_ENI_IPV6];
	uint32_t ipv6_count;
	char description[VNITRO_DESCRIPTION_LEN];
	sg *groups[VNITRO_MAX_SECURITY_GROUPS];	// of the home subnet's VPC
	uint32_t group_count;			// at least 1
	uint8_t type;
	bool source_dest_check;
	bool ena_express;
	bool ena_express_udp;
	// Connection tracking idle timeouts, seconds: EC2's defaults until set.
	uint32_t tcp_established_timeout;
	uint32_t udp_stream_timeout;
	uint32_t udp_timeout;
	// Attachment; owner == nullptr while available.
	instance *owner;
	uint32_t network_card;
	uint32_t device_index;
	void *plug_cookie;
};

struct instance {
	instance *next;
	char name[VCORE_NAME_MAX];
	void *cookie;		// the namespace, owned once registered
	subnet *home;		// subnet of the primary ENI
	const vcore_type_info *type;
	// Attached ENIs in attachment order, the primary first.
	eni *enis[max_instance_enis];
	uint32_t eni_count;
	vcore_md_options md;	// what the metadata service in userspace enforces
	uint32_t key;		// the fabric's name for its bandwidth allowances
	// Placement (placement.cc): its group or nullptr, partition (partition
	// groups, 1..count) and network nodes, fixed for its life.
	pg *group;
	uint32_t partition;
	uint64_t nodes[VNITRO_TOPOLOGY_LAYERS];
	uint32_t host;		// 0: here (cookie: its namespace); else its host's underlay IPv4
};

// A placement group (placement.cc).
struct pg {
	pg *next;
	char name[VNITRO_PG_NAME_LEN];
	char id[VCORE_ID_MAX];		// "pg-…"
	uint8_t strategy;		// enum vnitro_pg_strategy
	uint32_t partition_count;	// partition groups
	uint8_t spread_level;		// spread groups
	uint32_t key;			// its network nodes' seed; a cluster group's fabric key
	uint32_t instance_count;
	char az[VCORE_ID_MAX];		// a cluster group's zone, from its first instance on
};

struct igw {
	igw *next;
	char id[VCORE_ID_MAX];
	vpc *owner;
	void *netns;		// the "internet" namespace, owned
	char netns_name[VCORE_NAME_MAX];
	uint8_t mac[6];
	bool frag_needed;
	bool egress_only;	// "eigw-…": IPv6 only, outbound only
	void *cookie;		// from ops->igw_plug
};

// A security group rule (sg.cc), canonical: what vcore_ctl_sg_rule says unused is 0 or -1.
struct sg_rule {
	uint16_t protocol;	// 0-255 or VNITRO_SG_PROTO_ALL
	bool has_ports;
	uint16_t port_from, port_to;
	int16_t icmp_type, icmp_code;
	sg *peer;		// a group of the same VPC, or nullptr for the block:
	bool ipv6;		// addr6 (IPv6) or addr (IPv4)
	uint32_t addr;
	base::addr128 addr6;
	uint8_t prefixlen;
};

struct sg {
	sg *next;
	char id[VCORE_ID_MAX];
	vpc *owner;
	char name[VNITRO_SG_NAME_LEN];
	char description[VNITRO_DESCRIPTION_LEN];
	uint32_t key;		// the fabric's name for this group
	// Per direction (enum vnitro_sg_direction), in order added: up to
	// VNITRO_MAX_SG_RULES covering IPv4 and as many covering IPv6.
	sg_rule rules[2][2 * VNITRO_MAX_SG_RULES];
	uint32_t rule_count[2];
};

// A network ACL rule (nacl.cc), canonical as sg_rule; number 1..VNITRO_NACL_MAX_NUMBER.
struct nacl_entry {
	uint16_t number;
	bool allow;
	uint16_t protocol;	// 0-255 or VNITRO_SG_PROTO_ALL
	bool has_ports;
	uint16_t port_from, port_to;
	int16_t icmp_type, icmp_code;
	bool ipv6;		// addr6 (IPv6) or addr (IPv4)
	uint32_t addr;
	base::addr128 addr6;
	uint8_t prefixlen;
};

struct nacl {
	nacl *next;
	char id[VCORE_ID_MAX];
	vpc *owner;
	uint32_t key;		// the fabric's name for this ACL
	// Per direction (enum vnitro_sg_direction), sorted by number: up to
	// VNITRO_MAX_NACL_ENTRIES IPv4 ones and as many IPv6 ones.
	nacl_entry entries[2][2 * VNITRO_MAX_NACL_ENTRIES];
	uint32_t entry_count[2];
	// The default ACL's directions a user has changed: EC2 then adds no
	// "allow ::/0" rule (101) when the VPC gets an IPv6 block.
	bool modified[2];
};

// An Elastic IP address (eip.cc); to == nullptr while not associated.
struct eip {
	eip *next;
	char id[VCORE_ID_MAX];		// "eipalloc-…"
	uint32_t public_ip;
	eni *to;
	uint32_t private_ip;		// one of to's addresses
	char association_id[VCORE_ID_MAX];
};

// The registry; vcore_ctl is its C name.
struct world {
	const vcore_ctl_ops *ops;
	void *ops_ctx;
	vcore_fabric *fab;		// where the route tables live (route.cc)
	base::slist<vpc> vpcs;
	base::slist<subnet> subnets;
	base::slist<instance> instances;
	base::slist<eni> enis;
	base::slist<igw> igws;
	base::slist<sg> groups;
	base::slist<nacl> acls;
	base::slist<eip> eips;
	base::slist<pg> pgs;
	uint32_t next_pg_key;
	uint32_t eip_pool_addr;		// where Elastic IPs come from
	uint8_t eip_pool_prefixlen;
	uint32_t next_subnet_key;
	uint32_t next_vpc_key;
	uint32_t next_sg_key;
	uint32_t next_nacl_key;
	uint32_t next_instance_key;
	// The world's settings (settings.cc): EC2's rates are divided by
	// rate_scale; "up to" types burst burst_s seconds on full credits.
	uint32_t rate_scale;
	uint32_t burst_s;
};

// Lookups; nullptr when absent (and a message in err when err is given).
vpc *find_vpc(const world &w, const char *id, vcore_err *err);
subnet *find_subnet(const world &w, const char *id, vcore_err *err);
instance *find_instance(const world &w, const char *name, vcore_err *err);
eni *find_eni(const world &w, const char *id, vcore_err *err);
igw *find_igw(const world &w, const char *id, vcore_err *err);
// "internet gateway" or "egress-only internet gateway", for messages.
const char *kind_name(bool egress_only);
sg *find_sg(const world &w, const char *id, vcore_err *err);

// Identifier rules shared by every object.
bool valid_object_id(const char *id);
// EC2's resource ids: @prefix ("eni-", "sg-") and 1 to hex_id_digits lowercase hex digits.
constexpr size_t hex_id_digits = 17;
bool valid_hex_id(const char *id, const char *prefix);
// Writes @prefix and hex_id_digits random ones to @id (VCORE_ID_MAX bytes).
void random_hex_id(char *id, const char *prefix);
// The id of a new object in @id: @wanted if it is a valid hex id and not
// @taken, or a random free one when @wanted is ""; @what names the kind of
// object in the messages ("network ACL").
template <typename Taken>
int choose_hex_id(const char *wanted, const char *prefix, const char *what, Taken taken, char *id,
		  vcore_err *err)
{
	if (!wanted[0]) {
		do
			random_hex_id(id, prefix);
		while (taken(id));
		return 0;
	}
	if (!valid_hex_id(wanted, prefix)) {
		base::fail(err, base::EINVAL_).str("invalid ").str(what).str(" id \"").str(wanted)
			.str("\": expected \"").str(prefix).str("\" and 1 to 17 lowercase hex digits");
		return err->code;
	}
	if (taken(wanted)) {
		base::fail(err, base::EEXIST_).str(what).str(" ").str(wanted).str(" already exists");
		return err->code;
	}
	base::str_copy(id, VCORE_ID_MAX, wanted);
	return 0;
}
bool valid_instance_name(const char *name);

// Placement (placement.cc): puts @i (its type and home set) into group
// @name (nullptr or "": none) and partition @partition, and gives it its
// network nodes; placement_leave takes it out of its group.
int placement_join(world &w, instance &i, const char *name, uint32_t partition, vcore_err *err);
void placement_leave(instance &i);
void pgs_free(world &w);

// Pushes an attached ENI's new addresses or flags to the fabric (eni.cc).
int sync_port(world &w, eni *e, vcore_err *err);
// How many addresses of each family @e may hold (eni.cc).
uint32_t ip_limit(const eni &e);
// An IPv6 interface identifier of @s's /64 for an ENI: @wanted (16 bytes)
// if it is free and not AWS's, or a random free one when nullptr (ipv6.cc).
int choose_ipv6(const world &w, const subnet *s, const uint8_t *wanted, uint64_t *iid,
		vcore_err *err);

// ENI operations used by the instance life cycle (eni.cc).
bool has_ip(const eni &e, uint32_t ip);
eni *eni_create(world &w, const vcore_eni_spec &spec, vcore_err *err);
void eni_free(world &w, eni *e);
int eni_plug(world &w, eni *e, instance *inst, uint32_t card, uint32_t index, vcore_err *err);
void eni_unplug(world &w, eni *e);
// The ENI attached to @i at network card @card, device index @index, or nullptr.
eni *attached_at(const instance &i, uint32_t card, uint32_t index);
// The primary ENI: network card 0, device index 0.
inline eni *primary_of(const instance &i) { return attached_at(i, 0, 0); }
// The fabric's view of an ENI attached (or being attached) to @owner, or of a gateway.
void port_desc_of(const eni &e, const instance &owner, vcore_port_desc *out);
void port_desc_of(const igw &g, vcore_port_desc *out);
// Random locally administered unicast MAC used by no ENI or gateway.
void generate_mac(const world &w, uint8_t *mac);
bool mac_in_use(const world &w, const uint8_t *mac);

// Security groups (sg.cc): a VPC's default group, made by VPC_ADD and freed by
// VPC_DEL; sg_vpc_busy names a group other than the default that @v still has.
sg *sg_create_default(world &w, vpc *v, vcore_err *err);
// What EC2 adds when VPC @v gets an IPv6 block: the default group's
// "allow all IPv6 out" rule, the default ACL's rule 101 allowing ::/0 (in
// each direction the user has not changed). On failure nothing changed.
int sg_vpc_ipv6_added(world &w, vpc *v, vcore_err *err);
int nacl_vpc_ipv6_added(world &w, vpc *v, vcore_err *err);
void sg_free(world &w, sg *g);
const sg *sg_vpc_busy(const world &w, const vpc *v);
// A rule's match as security groups and network ACLs take it (sg.cc): tcp and
// udp need a port range, icmp a type and code (-1 any), a CIDR no host bits.
int check_rule_ports(uint16_t protocol, bool has_ports, uint16_t from, uint16_t to, vcore_err *err);
int check_rule_icmp(uint16_t protocol, int16_t type, int16_t code, vcore_err *err);
int check_rule_cidr(uint32_t addr, uint8_t prefixlen, vcore_err *err);
int check_rule_cidr6(const base::addr128 &addr, uint8_t prefixlen, vcore_err *err);
// The rules quota per direction counts IPv4 and IPv6 rules apart (EC2).
constexpr uint32_t family_v4 = 1, family_v6 = 2;

// Network ACLs (nacl.cc): a VPC's default ACL, made by VPC_ADD and freed by
// VPC_DEL; nacl_vpc_busy names an ACL other than the default that @v still has.
nacl *nacl_create_default(world &w, vpc *v, vcore_err *err);
void nacl_free(world &w, nacl *a);
const nacl *nacl_vpc_busy(const world &w, const vpc *v);
nacl *find_nacl(const world &w, const char *id, vcore_err *err);
void fill_info(const subnet &s, vcore_subnet_info *out);
void fill_info(const vpc &v, vcore_vpc_info *out);

// Elastic IPs (eip.cc): an ENI's addresses going away disassociate them;
// eips_vpc_mapped names one associated in @v (its gateway cannot go).
void eips_eni_gone(world &w, const eni *e);
void eips_ip_gone(world &w, const eni *e, uint32_t ip);
const eip *eips_vpc_mapped(const world &w, const vpc *v);
void eips_free(world &w);

// Bandwidth allowances (settings.cc): @i's, from its type and the world's
// settings, given to the fabric (before its ENIs are plugged), or taken back.
int allowances_publish(world &w, const instance &i, vcore_err *err);
void allowances_withdraw(world &w, const instance &i);
// The single-flow limit at the world's rate scale, given to the fabric.
void flow_limit_publish(world &w);

// Instance types (types.cc); nullptr and a message listing them if unknown.
const vcore_type_info *find_type(const char *name, vcore_err *err);

// Route tables (route.cc).
void routes_init(subnet &s);
// Gives the fabric @s's table; refusals come back with a message.
int routes_publish(world &w, const subnet &s, vcore_err *err);
// Takes @s's table out of the fabric (the subnet is deleted).
void routes_withdraw(world &w, const subnet &s);
// Republishes every table that routes to @e (it was attached, detached or deleted).
void routes_eni_changed(world &w, const eni *e);
// Turns routes to @e into blackholes before it is freed.
void routes_eni_gone(world &w, const eni *e);
bool routes_use_igw(const world &w, const igw *g, const subnet **where);
// VPC @v got or lost its IPv6 block: every subnet's table gains or loses the
// local route of the /56, and the internet gateway answers for it or not.
// On failure nothing changed.
int routes_vpc_ipv6_changed(world &w, vpc *v, vcore_err *err);
// A subnet of @v has an IPv6 route other than the local one (or nullptr).
const subnet *routes_ipv6_user(const world &w, const vpc *v);

// Snapshots for replies.
void fill_info(const eni &e, vcore_eni_info *out);
void fill_info(const instance &i, vcore_instance_info *out);
void fill_info(const subnet &s, const route &r, vcore_route_info *out);
void fill_info(const igw &g, vcore_igw_info *out);
void fill_info(const sg &g, vcore_sg_info *out);
void fill_info(const eip &a, vcore_eip_info *out);

} // namespace vnitro::control

// The opaque C handle is the world itself.
struct vcore_ctl : vnitro::control::world {};
