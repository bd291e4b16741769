// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VPC's DNS resolver (AmazonProvidedDNS at the VPC's base + 2 and at
 * 169.254.169.253): dnsmasq in the link-local services' namespace, which
 * vnitrod starts and restarts as the VPCs change. Queries arrive at the
 * asking ENI's DNS aliases; dnsmasq, bound to the wildcard address, answers
 * from the address asked (IP_PKTINFO), and the fabric turns that back into
 * the service's address.
 *
 * What it answers, as AWS documents it: the private IP names of every VPC,
 * ip-a-b-c-d.ec2.internal in us-east-1 and ip-a-b-c-d.REGION.compute.internal
 * elsewhere, forward and reverse, for every address of the VPC's block
 * (dnsmasq's --synth-domain). Names outside are refused at once, or, with
 * --dns-forward, sent to that resolver: dnsmasq's upstream is a relay on
 * 127.0.0.1:RELAY_PORT in the services' namespace, and the relay's other
 * socket, made in vnitrod's own namespace, talks to the resolver (the
 * services' namespace has no way out but the fabric).
 *
 * TCP: dnsmasq accepts a TCP connection on the wildcard address only if its
 * local address is an address of an allowed interface, and the aliases are a
 * local route, not addresses. So svc0 gets one address (TCP_ADDR, outside the
 * aliases' 169.254.0.0/17) and an nftables DNAT rule sends TCP port 53 there;
 * conntrack turns the answers' source back into the alias asked.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <thread>

#include "vnitrod.h"

namespace vnitro::ec2 {

namespace {

constexpr const char DNSMASQ[] = "/usr/sbin/dnsmasq";
constexpr const char IP[] = "/usr/sbin/ip";
constexpr const char NFT[] = "/usr/sbin/nft";
constexpr const char TCP_ADDR[] = "169.254.128.53";
/* Idempotent: the table is made, dropped, and made again with its one rule. */
constexpr const char TCP_RULES[] =
	"table ip vnitro_dns\n"
	"delete table ip vnitro_dns\n"
	"table ip vnitro_dns {\n"
	"\tchain prerouting {\n"
	"\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
	"\t\tiifname \"svc0\" tcp dport 53 dnat to 169.254.128.53\n"
	"\t}\n"
	"}\n";
constexpr unsigned POLL_SECONDS = 2;	/* how soon a new VPC resolves */
constexpr uint16_t RELAY_PORT = 5353;	/* dnsmasq's upstream with --dns-forward */
constexpr size_t RELAY_PENDING = 4096;	/* queries awaiting an answer, at most */

/* The synth-domain lines the world asks for now: one per VPC (its region's domain, its block). */
bool wanted_args(const config &cfg, std::vector<std::string> &out)
{
	snapshot s;
	error e;

	if (cfg.dns_forward_port)
		out.push_back("--server=127.0.0.1#" + std::to_string(RELAY_PORT));

	{
		std::lock_guard<std::mutex> hold(world_lock);

		if (!snapshot_load(s, cfg, SNAP_VPCS | SNAP_SUBNETS, e))
			return false;
	}
	for (auto &v : s.vpcs) {
		std::string region;

		for (auto &sub : s.subnets)
			if (!strcmp(sub.vpc_id, v.id) && region.empty())
				region = region_of_az(sub.az);
		std::string domain = dns_domain(region);

		out.push_back("--synth-domain=" + domain + "," + ipv4_text(v.cidr_addr) + "/" +
			      std::to_string(v.cidr_prefixlen) + ",ip-");
		out.push_back("--local=/" + domain + "/");
	}
	return true;
}

struct dns_state {
	std::string netns;
	const config *cfg;
	std::thread thread;
	std::mutex lock;
	std::condition_variable wake;
	bool stopping = false;
	pid_t child = -1;
};

pid_t spawn(const dns_state &d, const std::vector<std::string> &extra)
{
	std::string path = std::string(VNITRO_NETNS_RUN_DIR) + "/" + d.netns;
	std::vector<std::string> args = {
		DNSMASQ, "--keep-in-foreground", "--conf-file=/dev/null", "--no-hosts",
		"--no-resolv", "--pid-file=", "--user=nobody", "--group=nogroup",
		/* Queries come in by svc0 (and, for tests, lo): no --local-service default. */
		"--interface=svc0", "--interface=lo", "--port=53", "--cache-size=0",
	};
	std::vector<char *> argv;
	int ns = open(path.c_str(), O_RDONLY | O_CLOEXEC);
	pid_t pid;

	if (ns < 0)
		return -1;
	args.insert(args.end(), extra.begin(), extra.end());
	for (auto &a : args)
		argv.push_back(const_cast<char *>(a.c_str()));
	argv.push_back(nullptr);
	pid = fork();
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, nullptr);
		if (setns(ns, CLONE_NEWNET))
			_exit(127);
		execv(DNSMASQ, argv.data());
		_exit(127);
	}
	close(ns);
	return pid;
}

/* Runs @argv in namespace @path with @input on its stdin; its exit status, -1 if it did not run. */
int run_in(const std::string &path, std::vector<const char *> argv, const char *input)
{
	int ns = open(path.c_str(), O_RDONLY | O_CLOEXEC), in[2], status;
	pid_t pid;

	if (ns < 0)
		return -1;
	if (pipe2(in, O_CLOEXEC)) {
		close(ns);
		return -1;
	}
	argv.push_back(nullptr);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(in[0], 0);
		if (null >= 0)
			dup2(null, 1);
		if (setns(ns, CLONE_NEWNET))
			_exit(127);
		execv(argv[0], const_cast<char *const *>(argv.data()));
		_exit(127);
	}
	close(ns);
	close(in[0]);
	if (pid > 0 && input)
		(void)!write(in[1], input, strlen(input));
	close(in[1]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * TCP through the services port (see the top): svc0's address and the DNAT
 * rule. Without svc0 (a namespace made for tests) or nftables, UDP still
 * works: the failure is logged, not fatal.
 */
void prepare_tcp(const std::string &netns)
{
	std::string path = std::string(VNITRO_NETNS_RUN_DIR) + "/" + netns;
	std::string addr = std::string(TCP_ADDR) + "/32";

	if (run_in(path, { IP, "-4", "addr", "replace", addr.c_str(), "dev", "svc0" }, nullptr) ||
	    run_in(path, { NFT, "-f", "-" }, TCP_RULES))
		fprintf(stderr, "vnitrod: DNS over TCP is not set up in %s (no svc0, or no "
			"nftables): UDP only\n", netns.c_str());
}

void reap(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	waitpid(pid, nullptr, 0);
}

/* Every POLL_SECONDS: the VPCs as dnsmasq's arguments; a change (or its exit) restarts it. */
void supervise(dns_state *d)
{
	std::vector<std::string> running;
	std::unique_lock<std::mutex> hold(d->lock);

	while (!d->stopping) {
		std::vector<std::string> want;
		int status;

		hold.unlock();
		bool ok = wanted_args(*d->cfg, want);
		hold.lock();
		if (d->child > 0 && waitpid(d->child, &status, WNOHANG) == d->child) {
			fprintf(stderr, "vnitrod: dnsmasq exited (status %d); starting it again\n",
				status);
			d->child = -1;
		}
		if (ok && !d->stopping && (want != running || d->child < 0)) {
			reap(d->child);
			d->child = spawn(*d, want);
			running = want;
			if (d->child < 0)
				fprintf(stderr, "vnitrod: cannot start %s in %s\n", DNSMASQ,
					d->netns.c_str());
		}
		d->wake.wait_for(hold, std::chrono::seconds(POLL_SECONDS));
	}
	reap(d->child);
	d->child = -1;
}


/*
 * The forwarding relay: queries dnsmasq sends to 127.0.0.1:RELAY_PORT go to
 * the resolver from vnitrod's namespace, answers back by their query id
 * (dnsmasq picks a fresh random id for each query it forwards).
 */
struct relay_state {
	int inner = -1, outer = -1;
	std::thread thread;
	std::atomic<bool> stopping{ false };
};

void relay_run(relay_state *r)
{
	std::map<uint16_t, sockaddr_in> waiting;
	unsigned char buf[65536];

	while (!r->stopping) {
		struct pollfd p[2] = { { r->inner, POLLIN, 0 }, { r->outer, POLLIN, 0 } };

		if (poll(p, 2, 500) <= 0)
			continue;
		if (p[0].revents & POLLIN) {
			sockaddr_in from = {};
			socklen_t len = sizeof(from);
			ssize_t n = recvfrom(r->inner, buf, sizeof(buf), 0,
					     reinterpret_cast<sockaddr *>(&from), &len);

			if (n >= 12) {
				if (waiting.size() >= RELAY_PENDING)
					waiting.clear();	/* unanswered: dnsmasq asks again */
				waiting[uint16_t(buf[0] << 8 | buf[1])] = from;
				(void)!send(r->outer, buf, size_t(n), 0);
			}
		}
		if (p[1].revents & POLLIN) {
			ssize_t n = recv(r->outer, buf, sizeof(buf), 0);
			auto it = n >= 12 ? waiting.find(uint16_t(buf[0] << 8 | buf[1])) : waiting.end();

			if (it != waiting.end()) {
				(void)!sendto(r->inner, buf, size_t(n), 0,
					      reinterpret_cast<sockaddr *>(&it->second), sizeof(it->second));
				waiting.erase(it);
			}
		}
	}
}

relay_state *relay_start(const config &cfg, const std::string &netns, error &e)
{
	sockaddr_in to = {};
	auto *r = new relay_state;

	r->inner = socket_in_netns(netns, SOCK_DGRAM, htonl(INADDR_LOOPBACK), RELAY_PORT, "dns", e);
	r->outer = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	to.sin_family = AF_INET;
	to.sin_addr.s_addr = cfg.dns_forward_addr;
	to.sin_port = htons(cfg.dns_forward_port);
	if (r->inner < 0 || r->outer < 0 ||
	    connect(r->outer, reinterpret_cast<sockaddr *>(&to), sizeof(to))) {
		if (!e)
			fail(e, 0, "dns", std::string("cannot reach the --dns-forward resolver: ") +
			     strerror(errno));
		if (r->inner >= 0)
			close(r->inner);
		if (r->outer >= 0)
			close(r->outer);
		delete r;
		return nullptr;
	}
	r->thread = std::thread(relay_run, r);
	return r;
}

void relay_stop(relay_state *r)
{
	if (!r)
		return;
	r->stopping = true;
	r->thread.join();
	close(r->inner);
	close(r->outer);
	delete r;
}

} // namespace

struct dns_server {
	dns_state state;
	relay_state *relay = nullptr;
};

dns_server *dns_start(const config &cfg, const std::string &netns, error &e)
{
	std::string path = std::string(VNITRO_NETNS_RUN_DIR) + "/" + netns;
	dns_server *s;

	if (access(DNSMASQ, X_OK)) {
		fail(e, 0, "dns", std::string(DNSMASQ) + " is missing (Debian's dnsmasq-base)");
		return nullptr;
	}
	if (netns.find('/') != std::string::npos || access(path.c_str(), R_OK)) {
		fail(e, 0, "dns", "cannot open network namespace \"" + netns + "\" (vnitro services add)");
		return nullptr;
	}
	prepare_tcp(netns);
	s = new dns_server;
	if (cfg.dns_forward_port && !(s->relay = relay_start(cfg, netns, e))) {
		delete s;
		return nullptr;
	}
	s->state.netns = netns;
	s->state.cfg = &cfg;
	s->state.thread = std::thread(supervise, &s->state);
	return s;
}

void dns_stop(dns_server *s)
{
	if (!s)
		return;
	{
		std::lock_guard<std::mutex> hold(s->state.lock);

		s->state.stopping = true;
	}
	s->state.wake.notify_all();
	s->state.thread.join();
	relay_stop(s->relay);
	delete s;
}

} // namespace vnitro::ec2
