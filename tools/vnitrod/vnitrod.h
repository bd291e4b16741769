// SPDX-License-Identifier: GPL-2.0-only
/* vnitrod's private header: the request, the error, and what each file exports. */
#ifndef VNITROD_H
#define VNITROD_H

#include <stddef.h>
#include <string.h>
#include <stdint.h>
#include <time.h>

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <pugixml.hpp>
#include <vnitro/vnitro.h>

namespace vnitro::ec2 {

constexpr const char API_VERSION[] = "2016-11-15";
constexpr const char XMLNS[] = "http://ec2.amazonaws.com/doc/2016-11-15/";

enum limits : size_t {
	MAX_BODY = 1 << 20,		/* bytes of a request body */
	MAX_PARAMS = 4096,		/* parameters of one request */
	MAX_LIST_INDEX = 10000,		/* the N of Name.N */
	PAGE_MIN = 5,			/* MaxResults, as EC2 bounds it */
	PAGE_MAX = 1000,
};

struct config {
	std::map<std::string, std::string> credentials;	/* access key id -> secret */
	std::string region = "us-east-1";
	std::string account = "123456789012";
	uint8_t token_key[32];		/* per-daemon key binding NextToken to its query */
	/* --dns-forward: where the VPCs' resolver sends other names (host's namespace); port 0: refuse them. */
	uint32_t dns_forward_addr = 0;	/* network order */
	uint16_t dns_forward_port = 0;
};

/* An EC2 error: code "" means none. status is the HTTP status EC2 answers it with. */
struct error {
	int status = 0;
	std::string code, message;

	explicit operator bool() const { return !code.empty(); }
};

/* Sets @e and returns false, so that checks read "return fail(e, ...)". */
bool fail(error &e, int status, const char *code, std::string message);
bool client_error(error &e, const char *code, std::string message);	/* 400 */

/* Request parameters after form decoding: wire name -> value. */
using params = std::map<std::string, std::string>;

struct request {
	std::string method;		/* "GET" | "POST" */
	std::string path;		/* raw, without the query */
	std::string query;		/* raw, after '?' */
	std::vector<std::pair<std::string, std::string>> headers;	/* as received */
	std::string body;
	params args;			/* query and body, the presigned X-Amz-* removed */
	std::string request_id;
};

struct response {
	int status = 200;
	std::string body;		/* XML */
	std::string code;		/* the error code, for the log; "" on success */
};

/* query.cc: form decoding, URI encoding, typed parameter access. */
bool form_decode(const std::string &text, std::vector<std::pair<std::string, std::string>> &out,
		 error &e);
std::string uri_encode(const std::string &s, bool keep_slash);
bool name_matches(const char *pattern, const std::string &name);
bool param_bool(const params &p, const std::string &name, bool &out, bool &given, error &e);
bool param_uint(const params &p, const std::string &name, uint32_t lo, uint32_t hi,
		uint32_t &out, bool &given, error &e);
bool param_ipv4(const std::string &name, const std::string &text, uint32_t &out, error &e);
/* Name.1, Name.2, ... in index order (the N need not be contiguous). */
std::vector<std::string> param_list(const params &p, const std::string &name);
/* The N of every PREFIX.N.* given (PREFIX ends with '.'), in index order: lists of structures. */
std::vector<std::string> list_indices(const params &p, const std::string &prefix);
/* GroupName.N of the group describe calls, which take it or GroupId.N, not both. */
bool group_names(const params &p, std::vector<std::string> &names, error &e);
const std::string *param(const params &p, const std::string &name);
bool require(const params &p, const std::string &name, std::string &out, error &e);

/* sigv4.cc: AWS Signature Version 4: its building blocks, and the check of a request. */
using header_list = std::vector<std::pair<std::string, std::string>>;

std::string sha256_hex(const std::string &data);
std::string sigv4_canonical_query(const std::vector<std::pair<std::string, std::string>> &args);
std::string sigv4_canonical_headers(const header_list &headers,
				    const std::vector<std::string> &signed_names);
std::string sigv4_canonical_request(const std::string &method, const std::string &path,
				    const std::string &canonical_query,
				    const header_list &headers,
				    const std::vector<std::string> &signed_names,
				    const std::string &payload_hash);
std::string sigv4_string_to_sign(const std::string &amz_date, const std::string &scope,
				 const std::string &canonical_request);
std::string sigv4_signature(const std::string &secret, const std::string &date,
			    const std::string &region, const std::string &service,
			    const std::string &string_to_sign);
bool sigv4_verify(const config &cfg, const request &r, time_t now, error &e);

/* xml.cc: documents built with pugixml. */
pugi::xml_node xml_begin(pugi::xml_document &doc, const std::string &action,
			 const std::string &request_id);
void xml_text(pugi::xml_node parent, const char *name, const std::string &value);
void xml_bool(pugi::xml_node parent, const char *name, bool value);
void xml_int(pugi::xml_node parent, const char *name, long long value);
std::string xml_string(const pugi::xml_document &doc);
std::string xml_error(const error &e, const std::string &request_id);

/* filter.cc: Filter.N, wildcards, MaxResults and NextToken. */
struct filter {
	std::string name;
	std::vector<std::string> values;
};

/* The filter names one describe call knows, each with the values an object has for it. */
template <typename T, typename C>
struct filter_def {
	const char *name;
	void (*values)(const T &obj, const C &ctx, std::vector<std::string> &out);
};

bool filters_parse(const params &p, std::vector<filter> &out, error &e);
bool filter_name_known(const char *const *names, size_t n, const std::string &name);
bool wildcard_match(const std::string &pattern, const std::string &s);
bool filter_values_match(const filter &f, const std::vector<std::string> &values);

struct page {
	size_t max = 0;			/* 0: everything */
	std::string after;		/* resume after this id; "" from the start */
	std::string binding;		/* what the token is bound to */
};

bool page_parse(const config &cfg, const params &p, const std::string &action, page &pg,
		error &e);
std::string page_token(const config &cfg, const page &pg, const std::string &last_id);

/* world.cc: the one libvnitro handle, and names EC2 derives from vnitro's objects. */
struct vnitro_handle *world_handle(error &e);
void world_close();
/* Turns a libvnitro failure into an EC2 error; @notfound names ENOENT's code. */
bool world_error(error &e, int rc, const char *notfound, const char *limit = nullptr);
/*
 * The same, but where the kernel's message begins with EC2's code and a
 * colon ("InvalidPlacementGroup.Duplicate: ..."), that code answers.
 */
bool world_coded_error(error &e, int rc, const char *notfound, const char *limit = nullptr);
/* arn:aws:ec2:REGION:ACCOUNT:@resource ("subnet/subnet-1", "placement-group/NAME"). */
std::string arn(const config &cfg, const std::string &resource);
std::string ipv4_text(uint32_t be);
std::string ipv6_text(const uint8_t *addr);
std::string mac_text(const uint8_t *mac);
std::string private_dns_name(uint32_t ip_be, const std::string &az);
std::string dns_domain(const std::string &region);
std::string region_of_az(const std::string &az);
std::string attachment_id(const std::string &eni_id);
std::string eni_of_attachment(const std::string &attachment_id);

/* A consistent view of the objects an action needs, loaded under world_lock. */
enum snapshot_parts : unsigned {
	SNAP_VPCS = 1, SNAP_SUBNETS = 2, SNAP_INSTANCES = 4, SNAP_ENIS = 8, SNAP_SGS = 16,
	SNAP_EIPS = 32, SNAP_TYPES = 64, SNAP_PGS = 128,
};

struct snapshot {
	std::vector<vnitro_vpc> vpcs;
	std::vector<vnitro_subnet> subnets;
	std::vector<vnitro_instance> instances;
	std::vector<vnitro_eni> enis;
	std::vector<vnitro_sg> sgs;
	std::vector<vnitro_eip> eips;
	std::vector<vnitro_type> types;
	std::vector<vnitro_placement_group> pgs;
	std::string account;		/* the owner of everything */

	const vnitro_subnet *subnet(const char *id) const;
	const vnitro_instance *instance(const char *name) const;
	const vnitro_eni *eni(const char *id) const;
	const vnitro_sg *sg(const char *id) const;
};

bool snapshot_load(snapshot &s, const config &cfg, unsigned parts, error &e);

/* eni.cc: an ENI as EC2's NetworkInterface, also inside an instance's networkInterfaceSet. */
void eni_xml(pugi::xml_node item, const vnitro_eni &eni, const snapshot &s, const config &cfg,
	     bool in_instance);
std::string az_of_eni(const vnitro_eni &eni, const snapshot &s);
void groups_xml(pugi::xml_node parent, const vnitro_eni &eni, const snapshot &s);

/*
 * imds.cc: the instance metadata service in the link-local services'
 * namespace, and the lock that serialises every use of the libvnitro handle
 * (the EC2 API's actions and the metadata service's reads).
 */
extern std::mutex world_lock;
struct imds_server;
imds_server *imds_start(const config &cfg, const std::string &netns, error &e);
void imds_stop(imds_server *s);
/* world.cc: a socket of @type bound to @addr_be:@port inside namespace @netns; -1 and @e if not. */
int socket_in_netns(const std::string &netns, int type, uint32_t addr_be, uint16_t port,
		    const char *what, error &e);
/* dns.cc: dnsmasq in that namespace, the VPCs' resolver, restarted as they change. */
struct dns_server;
dns_server *dns_start(const config &cfg, const std::string &netns, error &e);
void dns_stop(dns_server *s);

/*
 * cluster.cc: vnitrod --etcd: this host alive under PREFIX/hosts/@host (a lease), the
 * world PREFIX/world applied as it changes, a dead host's ENIs detached.
 */
struct cluster_member;
cluster_member *cluster_start(const std::string &endpoints, const std::string &prefix,
			      const std::string &host, error &e);
void cluster_stop(cluster_member *m);

/* action.cc: the dispatch table and the request pipeline. */
struct context {
	const config &cfg;
	const request &req;
	const std::string &action;
	pugi::xml_node out;		/* the XxxResponse element */
	bool dry_run;
};

using action_fn = bool (*)(context &c, error &e);

struct action_def {
	const char *name;
	action_fn run;
	const char *const *params;	/* accepted parameter patterns, nullptr-terminated */
};

response handle(const config &cfg, request &r, time_t now);

/* A DryRun request that would have succeeded. */
bool dry_run_ok(error &e);
/* An action without output: <return>true</return>. */
bool return_true(context &c);
std::string new_request_id();

/*
 * The common part of the describe calls: ids (refused with @notfound if one
 * does not exist, @malformed if it lacks @prefix), filters from @defs, and
 * the page. Fills @out with what to show, sorted by id, and @next with the
 * token of the next page ("" if none).
 */
template <typename T, typename C>
bool describe_select(context &c, const std::vector<T> &items, const C &ctx,
		     const filter_def<T, C> *defs, size_t ndefs, std::string (*id_of)(const T &),
		     const std::string &ids_param, const char *prefix, const char *malformed,
		     const char *notfound, const char *kind, std::vector<const T *> &out,
		     std::string &next, error &e)
{
	std::vector<std::string> ids = param_list(c.req.args, ids_param);
	std::vector<filter> filters;
	std::map<std::string, const T *> sorted;
	page pg;

	if (!filters_parse(c.req.args, filters, e))
		return false;
	for (auto &f : filters) {
		size_t i = 0;

		while (i < ndefs && f.name != defs[i].name)
			i++;
		if (i == ndefs)
			return client_error(e, "InvalidParameterValue", "The filter '" +
					    f.name.substr(0, 128) + "' is invalid");
	}
	if (!page_parse(c.cfg, c.req.args, c.action, pg, e))
		return false;
	for (auto &id : ids)
		if (prefix && id.compare(0, strlen(prefix), prefix))
			return client_error(e, malformed, "Invalid id: \"" + id.substr(0, 128) +
					    "\" (expecting \"" + prefix + "...\")");
	if (c.dry_run)
		return dry_run_ok(e);
	for (auto &it : items)
		sorted.emplace(id_of(it), &it);
	for (auto &id : ids)
		if (!sorted.count(id))
			return client_error(e, notfound, std::string("The ") + kind + " ID '" +
					    id.substr(0, 128) + "' does not exist");
	for (auto &kv : sorted) {
		bool keep = ids.empty();
		std::vector<std::string> values;

		for (auto &id : ids)
			keep = keep || id == kv.first;
		if (!keep || (!pg.after.empty() && kv.first <= pg.after))
			continue;
		for (auto &f : filters) {
			size_t i = 0;

			while (f.name != defs[i].name)
				i++;
			values.clear();
			defs[i].values(*kv.second, ctx, values);
			keep = keep && filter_values_match(f, values);
		}
		if (!keep)
			continue;
		if (pg.max && out.size() == pg.max) {
			next = page_token(c.cfg, pg, id_of(*out.back()));
			break;
		}
		out.push_back(kv.second);
	}
	return true;
}

/* describe.cc: VPCs and subnets; a CIDR block as EC2 writes one. */
std::string cidr_text(uint32_t addr, uint8_t prefixlen);
std::string cidr6_text(const uint8_t *addr, uint8_t prefixlen);

/* describe.cc, instance.cc, eni.cc, sg.cc, eip.cc, placement.cc: the actions. */
extern const action_def describe_actions[];
extern const size_t describe_action_count;
extern const action_def instance_actions[];
extern const size_t instance_action_count;
extern const action_def eni_actions[];
extern const size_t eni_action_count;
extern const action_def sg_actions[];
extern const size_t sg_action_count;
extern const action_def eip_actions[];
extern const size_t eip_action_count;
extern const action_def placement_actions[];
extern const size_t placement_action_count;

/* http.cc: libmicrohttpd. */
struct server;
server *server_start(const config &cfg, const std::string &addr, uint16_t port, error &e);
uint16_t server_port(server *s);
void server_stop(server *s);

} // namespace vnitro::ec2

#endif /* VNITROD_H */
