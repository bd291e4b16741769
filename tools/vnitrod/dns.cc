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
 * (dnsmasq's --synth-domain). Names outside are refused at once: vnitro's
 * VPCs have no upstream resolver.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <thread>

#include "vnitrod.h"

namespace vnitro::ec2 {

namespace {

constexpr const char DNSMASQ[] = "/usr/sbin/dnsmasq";
constexpr unsigned POLL_SECONDS = 2;	/* how soon a new VPC resolves */

/* The synth-domain lines the world asks for now: one per VPC (its region's domain, its block). */
bool wanted_args(const config &cfg, std::vector<std::string> &out)
{
	snapshot s;
	error e;

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

} // namespace

struct dns_server {
	dns_state state;
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
	s = new dns_server;
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
	delete s;
}

} // namespace vnitro::ec2
