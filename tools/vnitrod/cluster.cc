// SPDX-License-Identifier: GPL-2.0-only
/*
 * cluster.cc - vnitrod --etcd: this host as a member of a cluster (Documentation/cluster.md).
 *
 * A thread that (1) says this host is alive: PREFIX/hosts/ADDRESS under a lease of
 * LEASE_TTL_S seconds, kept alive every KEEPALIVE_S; (2) applies the world, PREFIX/world,
 * each time its revision changes, with "vnitro apply" (the same checks and the same order
 * as by hand); (3) when a host it saw alive is gone (its lease expired), detaches the ENIs
 * attached to that host's instances in the world, but their primary ENIs, so that they can
 * be attached elsewhere: a transaction on the world's revision, so that of several
 * survivors one does it. etcd unreachable: the kernel keeps forwarding with what it has,
 * the thread says so once and tries again each second; when etcd is back it reads the
 * world again and converges.
 */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <json-c/json.h>

#include <atomic>
#include <set>
#include <thread>

#include "../etcd.h"
#include "vnitrod.h"

extern char **environ;

namespace vnitro::ec2 {

namespace {

constexpr int64_t LEASE_TTL_S = 10;
constexpr int KEEPALIVE_S = 3;
constexpr long WAIT_MS = 1000;
constexpr time_t RETRY_S = 30;

/* vnitro, the CLI: beside vnitrod when installed (sbin), one directory up in the tree. */
std::string vnitro_path()
{
	const char *env = getenv("VNITRO");
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	std::string dir;

	if (env && *env)
		return env;
	if (n <= 0)
		return "vnitro";
	self[n] = '\0';
	dir = self;
	dir.erase(dir.rfind('/'));
	if (access((dir + "/vnitro").c_str(), X_OK) == 0)
		return dir + "/vnitro";
	return dir.substr(0, dir.rfind('/')) + "/vnitro";
}

} // namespace

struct cluster_member {
	etcd::client store;
	std::string prefix, host, vnitro;
	std::atomic<bool> stop{false};
	std::thread thread;
	int64_t lease = 0, applied = 0, failed = 0, store_rev = 0;
	time_t kept_alive = 0, failed_at = 0;
	bool reachable = true;
	/*
	 * The hosts seen alive last time; resync: none seen yet, or etcd was away since
	 * (a lease that ended meanwhile is no death this member saw).
	 */
	std::set<std::string> alive;
	bool resync = true;

	cluster_member(const std::string &endpoints, const std::string &prefix_,
		       const std::string &host_)
		: store(endpoints), prefix(prefix_), host(host_), vnitro(vnitro_path()) {}

	void run();
	bool round();
	bool keep_alive();
	bool announce();
	bool apply(const std::string &world, int64_t rev);
	bool reap(const std::set<std::string> &now);
};

/* "vnitro apply FILE" of @world; its output, one line per change, goes to our log. */
bool cluster_member::apply(const std::string &world, int64_t rev)
{
	char path[] = "/tmp/vnitrod-world-XXXXXX";
	int fd = mkstemp(path), status = 0;
	const char *argv[] = { vnitro.c_str(), "apply", path, nullptr };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	bool ok;

	if (fd < 0 || write(fd, world.data(), world.size()) != ssize_t(world.size())) {
		fprintf(stderr, "vnitrod: cluster: cannot write the world to %s\n", path);
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		return false;
	}
	close(fd);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, 2, 1);	/* its changes into our log */
	ok = posix_spawn(&pid, argv[0], &fa, nullptr, const_cast<char **>(argv), environ) == 0 &&
	     waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	posix_spawn_file_actions_destroy(&fa);
	unlink(path);
	fprintf(stderr, "vnitrod: cluster: world revision %lld %s\n", (long long)rev,
		ok ? "applied" : "NOT applied (vnitro apply failed: above)");
	return ok;
}

/* This host's key, under its lease: its address and the world's revision it applied last. */
bool cluster_member::announce()
{
	char value[160];

	snprintf(value, sizeof(value), "{\"address\": \"%s\", \"lease_ttl\": %lld, \"applied\": %lld}",
		 host.c_str(), (long long)LEASE_TTL_S, (long long)applied);
	return store.put(prefix + "/hosts/" + host, value, lease);
}

/* The lease and this host's key under it: granted anew when it expired or etcd lost it. */
bool cluster_member::keep_alive()
{
	int64_t left = 0;

	if (lease && time(nullptr) - kept_alive < KEEPALIVE_S)
		return true;
	if (lease && store.lease_keepalive(lease, &left) && left > 0) {
		kept_alive = time(nullptr);
		return true;
	}
	if (!store.lease_grant(LEASE_TTL_S, &lease) || !announce())
		return false;
	kept_alive = time(nullptr);
	fprintf(stderr, "vnitrod: cluster: %s is alive under %s/hosts (lease %lld s)\n",
		host.c_str(), prefix.c_str(), (long long)LEASE_TTL_S);
	return true;
}

/*
 * The hosts gone since last time: in the world, every ENI attached to one of their
 * instances at a device index other than 0 is detached (written only if the world is
 * still at the revision read; another survivor may have done it first).
 */
bool cluster_member::reap(const std::set<std::string> &now)
{
	std::set<std::string> gone;
	std::string world;
	json_object *doc, *instances, *enis;
	int64_t rev = 0, after = 0;
	bool found, won, changed = false;

	for (const std::string &h : alive)
		if (!now.count(h))
			gone.insert(h);
	if (gone.empty())
		return true;
	if (!store.get(prefix + "/world", &world, &rev, &found))
		return false;
	doc = found ? json_tokener_parse(world.c_str()) : nullptr;
	if (!json_object_object_get_ex(doc, "instances", &instances) ||
	    !json_object_object_get_ex(doc, "enis", &enis)) {
		json_object_put(doc);
		return true;
	}
	for (size_t i = 0; i < json_object_array_length(enis); i++) {
		json_object *e = json_object_array_get_idx(enis, i), *inst, *idx;

		if (!json_object_object_get_ex(e, "instance", &inst) || !json_object_get_string(inst) ||
		    (json_object_object_get_ex(e, "device_index", &idx) && json_object_get_int(idx) == 0))
			continue;
		for (size_t k = 0; k < json_object_array_length(instances); k++) {
			json_object *in = json_object_array_get_idx(instances, k), *name, *h;

			if (!json_object_object_get_ex(in, "name", &name) ||
			    strcmp(json_object_get_string(name), json_object_get_string(inst)) ||
			    !json_object_object_get_ex(in, "host", &h) || !json_object_get_string(h) ||
			    !gone.count(json_object_get_string(h)))
				continue;
			fprintf(stderr, "vnitrod: cluster: host %s is gone: %s detached from %s\n",
				json_object_get_string(h),
				json_object_get_string(json_object_object_get(e, "id")),
				json_object_get_string(inst));
			json_object_object_add(e, "instance", nullptr);
			json_object_object_add(e, "device_index", nullptr);
			json_object_object_add(e, "network_card_index", nullptr);
			changed = true;
			break;
		}
	}
	if (changed && (!store.put_if(prefix + "/world",
				      json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
									    JSON_C_TO_STRING_SPACED |
									    JSON_C_TO_STRING_NOSLASHESCAPE),
				      rev, &won, &after))) {
		json_object_put(doc);
		return false;
	}
	json_object_put(doc);
	return true;
}

/* One round: alive, the hosts, the world; false when etcd failed us. */
bool cluster_member::round()
{
	std::vector<std::pair<std::string, std::string>> hosts;
	std::set<std::string> now;
	std::string world;
	int64_t rev = 0;
	bool found;

	if (!keep_alive() || !store.list(prefix + "/hosts/", &hosts))
		return false;
	for (const auto &h : hosts)
		now.insert(h.first.substr(prefix.size() + strlen("/hosts/")));
	if (!resync && !reap(now))
		return false;
	alive = now;
	resync = false;
	if (!store.get(prefix + "/world", &world, &rev, &found, &store_rev))
		return false;
	/* A world apply refused is tried again when it changes, or after RETRY_S. */
	if (!found || rev == applied || (rev == failed && time(nullptr) - failed_at < RETRY_S))
		return true;
	if (apply(world, rev)) {
		applied = rev;
		return announce();
	} else {
		failed = rev;
		failed_at = time(nullptr);
	}
	return true;
}

void cluster_member::run()
{
	bool changed;

	while (!stop) {
		if (round()) {
			if (!reachable)
				fprintf(stderr, "vnitrod: cluster: etcd is back\n");
			reachable = true;
			/* Until a key under the prefix changes, or a keepalive is due. */
			if (store.wait(prefix + "/", store_rev, WAIT_MS, &changed))
				continue;
		}
		if (reachable)
			fprintf(stderr, "vnitrod: cluster: %s; the data plane keeps what it has, "
				"trying again each second\n", store.why().c_str());
		reachable = false;
		resync = true;
		lease = 0;		/* the key may have gone with it */
		for (int i = 0; i < 10 && !stop; i++)
			usleep(100 * 1000);
	}
}

cluster_member *cluster_start(const std::string &endpoints, const std::string &prefix,
			      const std::string &host, error &e)
{
	struct in_addr a;
	cluster_member *m;

	if (inet_pton(AF_INET, host.c_str(), &a) != 1 || !a.s_addr) {
		fail(e, 0, "usage", "--host: expected this host's underlay IPv4 address, not \"" + host +
					    "\"");
		return nullptr;
	}
	/* The world names this host by its tunnel's local address: they must be one. */
	{
		struct vnitro_handle *h = nullptr;
		struct vnitro_tunnel t = {};
		int rc = vnitro_open(&h);

		if (!rc)
			rc = vnitro_tunnel_get(h, &t);
		if (rc) {
			fail(e, 0, "module", std::string("cannot read this host's tunnel: ") +
						    vnitro_last_error(h));
			vnitro_close(h);
			return nullptr;
		}
		vnitro_close(h);
		if (t.local != a.s_addr) {
			fail(e, 0, "usage", "this host's tunnel says its address is " +
						    std::string(t.local ? inet_ntoa(*(struct in_addr *)&t.local)
									: "not set") +
						    ", not " + host + ": vnitro tunnel set dev DEV local " + host);
			return nullptr;
		}
	}
	m = new cluster_member(endpoints, prefix, host);
	if (!m->store.valid()) {
		fail(e, 0, "usage", m->store.why());
		delete m;
		return nullptr;
	}
	m->thread = std::thread([m] { m->run(); });
	return m;
}

void cluster_stop(cluster_member *m)
{
	if (!m)
		return;
	m->stop = true;
	m->thread.join();
	delete m;
}

} // namespace vnitro::ec2
