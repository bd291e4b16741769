// SPDX-License-Identifier: GPL-2.0-only
/*
 * The live world: vnitrod's one libvnitro handle (callers hold the action
 * lock of action.cc, since a handle is not thread-safe), libvnitro's errors
 * as EC2's, and the names EC2 derives from vnitro's objects.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vnitro/vnitro.h>

#include "vnitrod.h"

namespace vnitro::ec2 {

namespace {

struct vnitro_handle *live;	/* opened on first use; world_lock held */

constexpr const char ATTACH_PREFIX[] = "eni-attach-";

} // namespace

struct vnitro_handle *world_handle(error &e)
{
	int rc;

	if (live)
		return live;
	rc = vnitro_open(&live);
	if (!rc)
		return live;
	fail(e, 503, "Unavailable", std::string("vnitro is unavailable: ") +
	     vnitro_last_error(live));
	vnitro_close(live);
	live = nullptr;
	return nullptr;
}

/* At exit, after the server has stopped: no action runs any more. */
void world_close()
{
	vnitro_close(live);
	live = nullptr;
}

/*
 * ENOENT is the object the caller names (@notfound), ENOSPC the limit the
 * caller names (@limit), both with libvnitro's message. A live whose
 * socket broke is dropped, to be opened again by the next request.
 */
bool world_error(error &e, int rc, const char *notfound, const char *limit)
{
	std::string msg = vnitro_last_error(live);

	switch (-rc) {
	case ENOENT:
		return client_error(e, notfound, msg);
	case ENOSPC:
		if (!strncmp(msg.c_str(), "subnet ", 7))
			return client_error(e, "InsufficientFreeAddressesInSubnet", msg);
		return client_error(e, limit ? limit : "InvalidParameterValue", msg);
	case EBUSY:
		return client_error(e, "InvalidNetworkInterface.InUse", msg);
	case EADDRINUSE:
		return client_error(e, "InvalidIPAddress.InUse", msg);
	case EINVAL:
	case ERANGE:
	case EEXIST:
	case ENAMETOOLONG:
		return client_error(e, "InvalidParameterValue", msg);
	case EPERM:
		return client_error(e, "OperationNotPermitted", msg);
	case EOPNOTSUPP:
		return client_error(e, "UnsupportedOperation", msg);
	case ENOTCONN:
	case EPROTO:
	case ECONNREFUSED:
	case EBADF:
		vnitro_close(live);
		live = nullptr;
		return fail(e, 503, "Unavailable", msg);
	default:
		return fail(e, 500, "InternalError", msg);
	}
}

namespace {

/* "Code" of the kernel's "Code: why": a word of letters and dots, or "". */
std::string leading_code(const std::string &msg)
{
	size_t colon = msg.find(": ");

	if (colon == std::string::npos || colon == 0 || colon > 64 || msg[0] < 'A' || msg[0] > 'Z')
		return "";
	for (size_t i = 0; i < colon; i++)
		if (!isalpha(static_cast<unsigned char>(msg[i])) && msg[i] != '.')
			return "";
	return msg.substr(0, colon);
}

} // namespace

bool world_coded_error(error &e, int rc, const char *notfound, const char *limit)
{
	std::string msg = vnitro_last_error(live);
	std::string code = leading_code(msg);

	switch (-rc) {
	case EINVAL:
	case ENOENT:
	case ENOSPC:
	case EEXIST:
	case EBUSY:
	case EPERM:
		if (!code.empty())
			return client_error(e, code.c_str(), msg.substr(code.size() + 2));
		break;
	}
	return world_error(e, rc, notfound, limit);
}

std::string arn(const config &cfg, const std::string &resource)
{
	return "arn:aws:ec2:" + cfg.region + ":" + cfg.account + ":" + resource;
}

std::string ipv4_text(uint32_t be)
{
	char buf[INET_ADDRSTRLEN];

	return inet_ntop(AF_INET, &be, buf, sizeof(buf)) ? buf : "";
}

std::string ipv6_text(const uint8_t *addr)
{
	char buf[INET6_ADDRSTRLEN];

	return inet_ntop(AF_INET6, addr, buf, sizeof(buf)) ? buf : "";
}

std::string mac_text(const uint8_t *mac)
{
	char buf[18];

	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

/* "us-east-1a" -> "us-east-1": the zone letter off. */
std::string region_of_az(const std::string &az)
{
	if (!az.empty() && az.back() >= 'a' && az.back() <= 'z')
		return az.substr(0, az.size() - 1);
	return az;
}

/* The domain of a region's private names: ec2.internal in us-east-1, REGION.compute.internal elsewhere. */
std::string dns_domain(const std::string &region)
{
	if (region.empty() || region == "us-east-1")
		return "ec2.internal";
	return region + ".compute.internal";
}

/* EC2's IP-based names: ip-a-b-c-d and the domain of the zone's region. */
std::string private_dns_name(uint32_t ip_be, const std::string &az)
{
	std::string name = "ip-" + ipv4_text(ip_be);

	for (char &c : name)
		if (c == '.')
			c = '-';
	return name + "." + dns_domain(region_of_az(az));
}

/* vnitro has no attachment objects: an ENI's attachment id is derived from its id. */
std::string attachment_id(const std::string &eni_id)
{
	return ATTACH_PREFIX + eni_id.substr(strlen("eni-"));
}

std::string eni_of_attachment(const std::string &id)
{
	if (id.compare(0, strlen(ATTACH_PREFIX), ATTACH_PREFIX) || id.size() == strlen(ATTACH_PREFIX))
		return "";
	return "eni-" + id.substr(strlen(ATTACH_PREFIX));
}

namespace {

/* One libvnitro list call into a vector; the malloc()ed array freed. */
template <typename T>
bool load(std::vector<T> &out, int (*list)(struct vnitro_handle *, T **, size_t *), error &e)
{
	T *items = nullptr;
	size_t n = 0;
	int rc = list(live, &items, &n);

	if (rc)
		return world_error(e, rc, "InternalError");
	out.assign(items, items + n);
	free(items);
	return true;
}

template <typename T>
const T *find(const std::vector<T> &v, const char *id)
{
	for (auto &x : v)
		if (!strcmp(x.id, id))
			return &x;
	return nullptr;
}

} // namespace

const vnitro_subnet *snapshot::subnet(const char *id) const { return find(subnets, id); }
const vnitro_eni *snapshot::eni(const char *id) const { return find(enis, id); }
const vnitro_sg *snapshot::sg(const char *id) const { return find(sgs, id); }

const vnitro_instance *snapshot::instance(const char *name) const
{
	for (auto &x : instances)
		if (!strcmp(x.name, name))
			return &x;
	return nullptr;
}

bool snapshot_load(snapshot &s, const config &cfg, unsigned parts, error &e)
{
	s.account = cfg.account;
	if (!world_handle(e))
		return false;
	return (!(parts & SNAP_VPCS) || load(s.vpcs, vnitro_vpc_list, e)) &&
	       (!(parts & SNAP_SUBNETS) || load(s.subnets, vnitro_subnet_list, e)) &&
	       (!(parts & SNAP_INSTANCES) || load(s.instances, vnitro_instance_list, e)) &&
	       (!(parts & SNAP_ENIS) || load(s.enis, vnitro_eni_list, e)) &&
	       (!(parts & SNAP_SGS) || load(s.sgs, vnitro_sg_list, e)) &&
	       (!(parts & SNAP_EIPS) || load(s.eips, vnitro_eip_list, e)) &&
	       (!(parts & SNAP_TYPES) || load(s.types, vnitro_type_list, e)) &&
	       (!(parts & SNAP_PGS) || load(s.pgs, vnitro_pg_list, e));
}

/* A socket of @type bound to @addr_be:@port, made inside the namespace @netns (@what names the error). */
int socket_in_netns(const std::string &netns, int type, uint32_t addr_be, uint16_t port,
		    const char *what, error &e)
{
	std::string path = std::string(VNITRO_NETNS_RUN_DIR) + "/" + netns;
	int ns, self, fd = -1, one = 1, err = 0;
	struct sockaddr_in sin = {};

	/* As "ip netns" names them. */
	ns = netns.empty() || netns == "." || netns == ".." || netns.find('/') != std::string::npos ?
		     -1 : open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (ns < 0) {
		fail(e, 0, what, "cannot open network namespace \"" + netns + "\": " +
		     strerror(errno ? errno : EINVAL) + " (is it there? vnitro services add)");
		return -1;
	}
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0 || setns(ns, CLONE_NEWNET)) {
		fail(e, 0, what, std::string("cannot enter the services' namespace: ") +
		     strerror(errno));
		if (self >= 0)
			close(self);
		close(ns);
		return -1;
	}
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = addr_be;
	fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, reinterpret_cast<sockaddr *>(&sin), sizeof(sin)))
		err = errno;
	if (setns(self, CLONE_NEWNET) && !err)
		err = errno;
	close(self);
	close(ns);
	if (err) {
		if (fd >= 0)
			close(fd);
		fail(e, 0, what, "cannot bind port " + std::to_string(port) + " in \"" + netns +
		     "\": " + strerror(err));
		return -1;
	}
	return fd;
}

} // namespace vnitro::ec2
