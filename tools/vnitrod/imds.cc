// SPDX-License-Identifier: GPL-2.0-only
/*
 * The instance metadata service (IMDSv1 and IMDSv2) at 169.254.169.254,
 * answered in the link-local services' namespace (vnitro services add):
 * each request arrives addressed to its ENI's alias (the connection's local
 * address), so the answer is that ENI's instance's, from the live world.
 *
 * Layout and rules from AWS's user guide: "Instance metadata categories",
 * "Access instance metadata" (listings end in "/" for directories, 404 for
 * what does not exist) and "Use IMDSv2" (PUT /latest/api/token with a TTL of
 * 1 to 21600 seconds, 400 without one, 401 for a token that is not valid,
 * the token's reply sent with IP TTL = the hop limit, 1 by default), and
 * "Configure the instance metadata options" (tokens required: 401 without
 * one; endpoint disabled: 403).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <mutex>

#include "vnitrod.h"

namespace vnitro::ec2 {

namespace {

enum imds_limits : unsigned {
	IMDS_THREADS = 2,
	IMDS_CONNECTIONS = 256,
	IMDS_IDLE_TIMEOUT = 10,
	TOKEN_TTL_MAX = 21600,		/* seconds: IMDSv2's bound */
	DEFAULT_TTL = 64,		/* what other replies leave with */
};

constexpr const char TOKEN_HEADER[] = "X-aws-ec2-metadata-token";
constexpr const char TTL_HEADER[] = "X-aws-ec2-metadata-token-ttl-seconds";
/* AWS's example AMI id: vnitro boots no image. */
constexpr const char AMI_ID[] = "ami-0abcdef1234567890";

/* The versions GET / lists (each serves the same tree), oldest first. */
const char *const VERSIONS[] = {
	"1.0", "2007-01-19", "2007-03-01", "2007-08-29", "2007-10-10", "2007-12-15",
	"2008-02-01", "2008-09-01", "2009-04-04", "2011-01-01", "2011-05-01", "2012-01-12",
	"2014-02-25", "2014-11-05", "2015-10-20", "2016-04-19", "2016-06-30", "2016-09-02",
	"2018-03-28", "2018-08-17", "2018-09-24", "2019-10-01", "2020-10-27", "2021-01-03",
	"2021-03-23", "2021-07-15", "2022-09-24", "latest",
};

uint8_t token_key[32];

/* A directory of the metadata tree (children) or a leaf (value). */
struct node {
	std::map<std::string, node> children;
	std::string value;
	bool leaf = false;

	node &dir(const std::string &name) { return children[name]; }
	void put(const std::string &name, const std::string &v)
	{
		node &n = children[name];

		n.leaf = true;
		n.value = v;
	}
	/* Names one a line, directories with a trailing "/". */
	std::string listing() const
	{
		std::string out;

		for (auto &c : children)
			out += (out.empty() ? "" : "\n") + c.first + (c.second.leaf ? "" : "/");
		return out;
	}
};

std::string lines(const std::vector<std::string> &v)
{
	std::string out;

	for (auto &s : v)
		out += (out.empty() ? "" : "\n") + s;
	return out;
}

std::string cidr_text(uint32_t be, uint8_t prefixlen)
{
	return ipv4_text(be) + "/" + std::to_string(prefixlen);
}

std::string public_hostname(uint32_t public_be, const std::string &region)
{
	std::string name = "ec2-" + ipv4_text(public_be);

	for (char &c : name)
		if (c == '.')
			c = '-';
	return name + (region == "us-east-1" ? ".compute-1.amazonaws.com"
					     : "." + region + ".compute.amazonaws.com");
}

/* One ENI's network/interfaces/macs/MAC/ directory. */
void interface_dir(node &d, const vnitro_eni &n, const snapshot &s, const config &cfg)
{
	const vnitro_subnet *sub = s.subnet(n.subnet_id);
	std::vector<std::string> ips{ ipv4_text(n.private_ip) }, gids, gnames;
	std::string az = sub ? sub->az : "", region = region_of_az(az);

	for (uint32_t i = 0; i < n.secondary_count; i++)
		ips.push_back(ipv4_text(n.secondary_ips[i]));
	for (uint32_t i = 0; i < n.security_group_count; i++) {
		const vnitro_sg *g = s.sg(n.security_groups[i]);

		gids.push_back(n.security_groups[i]);
		gnames.push_back(g ? g->name : n.security_groups[i]);
	}
	d.put("device-number", std::to_string(n.device_index));
	d.put("interface-id", n.id);
	d.put("local-hostname", private_dns_name(n.private_ip, az));
	d.put("local-ipv4s", lines(ips));
	d.put("mac", mac_text(n.mac));
	d.put("network-card-index", std::to_string(n.network_card));
	d.put("owner-id", cfg.account);
	d.put("security-group-ids", lines(gids));
	d.put("security-groups", lines(gnames));
	d.put("subnet-id", n.subnet_id);
	if (sub)
		d.put("subnet-ipv4-cidr-block", cidr_text(sub->cidr_addr, sub->cidr_prefixlen));
	d.put("vpc-id", n.vpc_id);
	for (auto &v : s.vpcs) {
		if (strcmp(v.id, n.vpc_id))
			continue;
		d.put("vpc-ipv4-cidr-block", cidr_text(v.cidr_addr, v.cidr_prefixlen));
		d.put("vpc-ipv4-cidr-blocks", cidr_text(v.cidr_addr, v.cidr_prefixlen));
	}
	if (n.ipv6_count) {
		std::vector<std::string> v6;

		for (uint32_t i = 0; i < n.ipv6_count; i++)
			v6.push_back(ipv6_text(n.ipv6[i]));
		d.put("ipv6s", lines(v6));
	}
	/* Only where an Elastic IP maps to one of its addresses. */
	for (auto &a : s.eips) {
		if (strcmp(a.eni_id, n.id) || !a.association_id[0])
			continue;
		d.dir("ipv4-associations").put(ipv4_text(a.public_ip), ipv4_text(a.private_ip));
		std::string &pub = d.children["public-ipv4s"].value;

		d.children["public-ipv4s"].leaf = true;
		pub += (pub.empty() ? "" : "\n") + ipv4_text(a.public_ip);
		d.put("public-hostname", public_hostname(a.public_ip, region));
	}
}

/* The instance's whole tree: meta-data/ and dynamic/. */
void build_tree(node &root, const vnitro_instance &in, const snapshot &s, const config &cfg)
{
	const vnitro_eni *primary = nullptr;
	std::string region = region_of_az(in.az);
	node &md = root.dir("meta-data");
	node &macs = md.dir("network").dir("interfaces").dir("macs");

	for (auto &n : s.enis) {
		if (strcmp(n.instance, in.name))
			continue;
		if (n.device_index == 0 && n.network_card == 0)
			primary = &n;
		interface_dir(macs.dir(mac_text(n.mac)), n, s, cfg);
	}
	md.put("ami-id", AMI_ID);
	md.put("ami-launch-index", "0");
	md.put("ami-manifest-path", "(unknown)");
	md.put("instance-action", "none");
	md.put("instance-id", in.name);
	md.put("instance-life-cycle", "on-demand");
	md.put("instance-type", in.type.name);
	md.put("profile", "default-hvm");
	md.put("reservation-id", "r-" + sha256_hex(in.name).substr(0, 17));
	/* group-name and partition-number only where they apply (else 404), as on EC2. */
	node &placement = md.dir("placement");
	placement.put("availability-zone", in.az);
	placement.put("region", region);
	if (in.placement_group[0])
		placement.put("group-name", in.placement_group);
	if (in.partition)
		placement.put("partition-number", std::to_string(in.partition));
	md.dir("services").put("domain", "amazonaws.com");
	md.dir("services").put("partition", "aws");
	if (primary) {
		const node &pd = macs.children[mac_text(primary->mac)];
		auto copy = [&](const char *from, const char *to) {
			auto it = pd.children.find(from);

			if (it != pd.children.end())
				md.put(to, it->second.value);
		};

		md.put("hostname", private_dns_name(primary->private_ip, in.az));
		md.put("local-hostname", private_dns_name(primary->private_ip, in.az));
		md.put("local-ipv4", ipv4_text(primary->private_ip));
		md.put("mac", mac_text(primary->mac));
		copy("security-groups", "security-groups");
		for (auto &a : s.eips) {
			if (!strcmp(a.eni_id, primary->id) && a.association_id[0] &&
			    a.private_ip == primary->private_ip) {
				md.put("public-ipv4", ipv4_text(a.public_ip));
				md.put("public-hostname", public_hostname(a.public_ip, region));
			}
		}
	}
	/* The identity document, as AWS documents its fields (no signature: no AWS key). */
	std::string doc = "{\n";
	auto field = [&](const char *k, const std::string &v, bool quote, bool last = false) {
		doc += "  \"" + std::string(k) + "\" : " + (quote ? "\"" + v + "\"" : v) +
		       (last ? "\n" : ",\n");
	};
	field("accountId", cfg.account, true);
	field("architecture", "x86_64", true);
	field("availabilityZone", in.az, true);
	field("billingProducts", "null", false);
	field("devpayProductCodes", "null", false);
	field("marketplaceProductCodes", "null", false);
	field("imageId", AMI_ID, true);
	field("instanceId", in.name, true);
	field("instanceType", in.type.name, true);
	field("kernelId", "null", false);
	field("privateIp", primary ? ipv4_text(primary->private_ip) : "", true);
	field("ramdiskId", "null", false);
	field("region", region, true);
	field("version", "2017-09-30", true, true);
	doc += "}";
	root.dir("dynamic").dir("instance-identity").put("document", doc);
}

/* A token: its expiry and an HMAC binding it to the instance, base64 (RFC 4648). */
std::string token_mac(const std::string &instance, uint64_t expiry)
{
	std::string msg = instance + "|" + std::to_string(expiry);
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	HMAC(EVP_sha256(), token_key, sizeof(token_key),
	     reinterpret_cast<const unsigned char *>(msg.data()), msg.size(), mac, &len);
	return std::string(reinterpret_cast<char *>(mac), 16);
}

std::string token_new(const std::string &instance, uint64_t expiry)
{
	std::string raw = std::to_string(expiry) + ":" + token_mac(instance, expiry);
	std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
	int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(&out[0]),
				reinterpret_cast<const unsigned char *>(raw.data()), int(raw.size()));

	out.resize(size_t(n));
	return out;
}

bool token_valid(const std::string &token, const std::string &instance, uint64_t now)
{
	std::string raw(token.size(), '\0');
	size_t colon, last = token.find_last_not_of('='), pad;
	uint64_t expiry;
	int n;

	if (token.empty() || token.size() > 128 || token.size() % 4 || last == std::string::npos)
		return false;
	pad = token.size() - last - 1;
	n = EVP_DecodeBlock(reinterpret_cast<unsigned char *>(&raw[0]),
			    reinterpret_cast<const unsigned char *>(token.data()), int(token.size()));
	if (n < 0 || pad > 2 || size_t(n) < pad)
		return false;
	raw.resize(size_t(n) - pad);
	colon = raw.find(':');
	if (colon == std::string::npos || raw.size() != colon + 17)
		return false;
	expiry = strtoull(raw.substr(0, colon).c_str(), nullptr, 10);
	std::string mac = token_mac(instance, expiry);
	return expiry > now && !CRYPTO_memcmp(mac.data(), raw.data() + colon + 1, 16);
}

struct reply {
	int status = 200;
	std::string body;
	std::string ttl_header;		/* the token's TTL, echoed */
	int ip_ttl = DEFAULT_TTL;
};

reply status_reply(int status, const char *text)
{
	reply r;

	r.status = status;
	r.body = text;
	return r;
}

/* The request's path, without its query, as segments ("//" collapsed). */
std::vector<std::string> segments(const std::string &url)
{
	std::vector<std::string> out;
	std::string path = url.substr(0, url.find('?'));
	size_t i = 0;

	while (i < path.size()) {
		size_t j = path.find('/', i);

		if (j == std::string::npos)
			j = path.size();
		if (j > i)
			out.push_back(path.substr(i, j - i));
		i = j + 1;
	}
	return out;
}

bool known_version(const std::string &v)
{
	for (const char *k : VERSIONS)
		if (v == k)
			return true;
	return false;
}

/* Which instance asked: the ENI whose alias the connection was made to. */
bool asker(const snapshot &s, uint32_t alias_be, const vnitro_instance **in)
{
	uint32_t base = htonl(ntohl(alias_be) & ~3u);

	if ((ntohl(alias_be) & 3) != 0)		/* another service's alias */
		return false;
	for (auto &n : s.enis)
		if (n.svc_addr == base && n.instance[0])
			return (*in = s.instance(n.instance)) != nullptr;
	return false;
}

reply answer(const config &cfg, const std::string &method, const std::string &url,
	     const char *token, const char *ttl, bool forwarded, uint32_t alias_be)
{
	std::vector<std::string> seg = segments(url);
	const vnitro_instance *in = nullptr;
	uint64_t now = uint64_t(time(nullptr));
	snapshot s;
	error e;
	node root;
	reply r;

	{
		std::lock_guard<std::mutex> hold(world_lock);

		if (!snapshot_load(s, cfg, SNAP_VPCS | SNAP_SUBNETS | SNAP_INSTANCES | SNAP_ENIS |
					   SNAP_SGS | SNAP_EIPS, e))
			return status_reply(503, "Service Unavailable");
	}
	if (!asker(s, alias_be, &in))
		return status_reply(404, "Not Found");
	/* The instance's metadata options (vnitro instance set NAME metadata ...). */
	if (!in->md_endpoint)
		return status_reply(403, "Forbidden");
	if (method == "PUT") {
		char *end = nullptr;
		unsigned long n;

		if (seg.size() != 3 || seg[1] != "api" || seg[2] != "token")
			return status_reply(seg.size() == 3 && seg[1] == "api" ? 403 : 405,
					    seg.size() == 3 && seg[1] == "api" ? "Forbidden"
									  : "Method Not Allowed");
		if (seg[0] != "latest" || forwarded)
			return status_reply(403, "Forbidden");
		n = ttl ? strtoul(ttl, &end, 10) : 0;
		if (!ttl || !*ttl || *end || n < 1 || n > TOKEN_TTL_MAX)
			return status_reply(400, "Bad Request");
		r.body = token_new(in->name, now + n);
		r.ttl_header = std::to_string(n);
		r.ip_ttl = in->md_hop_limit;
		return r;
	}
	if (method != "GET" && method != "HEAD")
		return status_reply(405, "Method Not Allowed");
	if (token ? !token_valid(token, in->name, now) : in->md_tokens == VNITRO_MD_TOKENS_REQUIRED)
		return status_reply(401, "Unauthorized");
	if (seg.empty()) {
		r.body = lines(std::vector<std::string>(std::begin(VERSIONS), std::end(VERSIONS)));
		return r;
	}
	if (!known_version(seg[0]))
		return status_reply(404, "Not Found");
	build_tree(root, *in, s, cfg);
	const node *at = &root;
	for (size_t i = 1; i < seg.size(); i++) {
		auto it = at->children.find(seg[i]);

		if (at->leaf || it == at->children.end())
			return status_reply(404, "Not Found");
		at = &it->second;
	}
	r.body = at->leaf ? at->value : at->listing();
	return r;
}

struct imds_exchange {
	bool started = false;
};

MHD_Result imds_serve(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
		      const char *, const char *, size_t *size, void **req_cls)
{
	const config &cfg = *static_cast<const config *>(cls);
	const union MHD_ConnectionInfo *ci;
	struct sockaddr_in local = {};
	socklen_t len = sizeof(local);
	struct MHD_Response *resp;
	MHD_Result ret;
	reply r;
	int fd;

	if (!*req_cls) {
		*req_cls = conn;	/* headers seen; the body (ignored) comes next */
		return MHD_YES;
	}
	if (*size) {
		*size = 0;		/* metadata requests carry no body */
		return MHD_YES;
	}
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	fd = ci ? ci->connect_fd : -1;
	if (fd < 0 || getsockname(fd, reinterpret_cast<sockaddr *>(&local), &len) ||
	    local.sin_family != AF_INET) {
		r = status_reply(404, "Not Found");
	} else {
		r = answer(cfg, method, url,
			   MHD_lookup_connection_value(conn, MHD_HEADER_KIND, TOKEN_HEADER),
			   MHD_lookup_connection_value(conn, MHD_HEADER_KIND, TTL_HEADER),
			   MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For"),
			   local.sin_addr.s_addr);
	}
	/* IMDSv2's hop limit: the token leaves with TTL 1, as on EC2. */
	if (fd >= 0)
		setsockopt(fd, IPPROTO_IP, IP_TTL, &r.ip_ttl, sizeof(r.ip_ttl));
	resp = MHD_create_response_from_buffer(r.body.size(), const_cast<char *>(r.body.data()),
					       MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_SERVER, "EC2ws");
	if (!r.ttl_header.empty())
		MHD_add_response_header(resp, TTL_HEADER, r.ttl_header.c_str());
	ret = MHD_queue_response(conn, unsigned(r.status), resp);
	MHD_destroy_response(resp);
	return ret;
}

/* A listening socket on 0.0.0.0:80 made inside the namespace @netns. */
int listen_in(const std::string &netns, error &e)
{
	int fd = socket_in_netns(netns, SOCK_STREAM, INADDR_ANY, 80, "imds", e);

	if (fd >= 0 && listen(fd, 128)) {
		fail(e, 0, "imds", "cannot listen on port 80 in \"" + netns + "\": " + strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

} // namespace

std::mutex world_lock;

struct imds_server {
	struct MHD_Daemon *daemon;
};

imds_server *imds_start(const config &cfg, const std::string &netns, error &e)
{
	int fd;
	imds_server *s;

	if (RAND_bytes(token_key, sizeof(token_key)) != 1) {
		fail(e, 0, "imds", "no random bytes for the token key");
		return nullptr;
	}
	fd = listen_in(netns, e);
	if (fd < 0)
		return nullptr;
	s = new imds_server;
	s->daemon = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, nullptr,
				     nullptr, imds_serve, const_cast<config *>(&cfg),
				     MHD_OPTION_LISTEN_SOCKET, fd,
				     MHD_OPTION_THREAD_POOL_SIZE, unsigned(IMDS_THREADS),
				     MHD_OPTION_CONNECTION_LIMIT, unsigned(IMDS_CONNECTIONS),
				     MHD_OPTION_CONNECTION_TIMEOUT, unsigned(IMDS_IDLE_TIMEOUT),
				     MHD_OPTION_END);
	if (!s->daemon) {
		close(fd);
		delete s;
		fail(e, 0, "imds", "cannot start the metadata service");
		return nullptr;
	}
	return s;
}

void imds_stop(imds_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->daemon);
	delete s;
}

} // namespace vnitro::ec2
