// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnitrod: the EC2 Query API (2016-11-15) over HTTP, answered from the live
 * vnitro world through libvnitro. Options, the credentials file, signals.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "vnitrod.h"

using namespace vnitro::ec2;

namespace {

const char USAGE[] =
	"Usage: vnitrod [--credentials FILE] [--listen ADDR:PORT] [--region REGION]\n"
	"               [--account ACCOUNT] [--imds NETNS] [--dns NETNS [--dns-forward ADDR[#PORT]]]\n"
	"               [--etcd URLS --host ADDRESS [--prefix PREFIX]]\n"
	"\n"
	"Serves the EC2 Query API (2016-11-15) for the vnitro world on this host (with\n"
	"--credentials), the instance metadata service (--imds) and the VPCs' DNS (--dns),\n"
	"and keeps this host a member of a cluster (--etcd); one at least.\n"
	"  --credentials FILE  lines \"ACCESS_KEY_ID SECRET_ACCESS_KEY\"; '#' starts a comment;\n"
	"                      readable by its owner only (mode 0600 or 0400)\n"
	"  --listen ADDR:PORT  IPv4 address and port (default 127.0.0.1:8773; port 0: any free)\n"
	"  --region REGION     the region requests are signed for (default us-east-1)\n"
	"  --account ACCOUNT   the 12-digit owner id of every object (default 123456789012)\n"
	"  --imds NETNS        answer 169.254.169.254 in the link-local services' namespace\n"
	"                      NETNS (\"vnitro services add\" makes \"vnitro-services\")\n"
	"  --dns NETNS         run dnsmasq there as the VPCs' resolver (169.254.169.253 and\n"
	"                      each VPC's base + 2)\n"
	"  --dns-forward ADDR[#PORT]  send names outside the VPCs to this resolver (from\n"
	"                      this host's namespace, UDP; default: refuse them)\n"
	"  --etcd URLS         etcd's endpoints (http://HOST:PORT[,...]): apply the world kept\n"
	"                      there (vnitro cluster apply) as it changes, say this host is alive\n"
	"  --host ADDRESS      this host's underlay address, as its tunnel's local address says\n"
	"  --prefix PREFIX     where the world lives in etcd (default /vnitro)\n"
	"Runs in the foreground until SIGTERM or SIGINT; logs one line per request to stderr.\n";

int usage_error(const std::string &msg)
{
	fprintf(stderr, "Error: %s\n%s", msg.c_str(), USAGE);
	return 2;
}

/* Refuses a file others can read, as ssh does with a private key. */
bool load_credentials(const char *path, config &cfg, std::string &err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	FILE *f;
	char line[4096];
	unsigned lineno = 0;

	if (fd < 0) {
		err = std::string("cannot open credentials file ") + path + ": " + strerror(errno);
		return false;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		err = std::string("credentials file ") + path + " is not a regular file";
		close(fd);
		return false;
	}
	if (st.st_mode & 077) {
		char mode[8];

		snprintf(mode, sizeof(mode), "%04o", unsigned(st.st_mode & 07777));
		err = std::string("credentials file ") + path + " is readable or writable by group "
		      "or others (mode " + mode + "); chmod 600 it";
		close(fd);
		return false;
	}
	f = fdopen(fd, "r");
	if (!f) {
		err = std::string("cannot read credentials file ") + path + ": " + strerror(errno);
		close(fd);
		return false;
	}
	while (fgets(line, sizeof(line), f)) {
		char id[256], secret[256], extra;
		char *hash = strchr(line, '#');
		int n;

		lineno++;
		if (hash)
			*hash = '\0';
		n = sscanf(line, "%255s %255s %c", id, secret, &extra);
		if (n <= 0)
			continue;
		if (n != 2) {
			err = std::string("credentials file ") + path + ", line " +
			      std::to_string(lineno) + ": expected \"ACCESS_KEY_ID SECRET_ACCESS_KEY\"";
			fclose(f);
			return false;
		}
		cfg.credentials[id] = secret;
	}
	if (ferror(f)) {
		err = std::string("cannot read credentials file ") + path + ": " + strerror(errno);
		fclose(f);
		return false;
	}
	fclose(f);
	if (cfg.credentials.empty()) {
		err = std::string("credentials file ") + path + " holds no credentials";
		return false;
	}
	return true;
}

bool parse_listen(const std::string &s, std::string &addr, uint16_t &port)
{
	size_t colon = s.rfind(':');
	char *end;
	unsigned long p;

	if (colon == std::string::npos || colon == 0)
		return false;
	addr = s.substr(0, colon);
	p = strtoul(s.c_str() + colon + 1, &end, 10);
	if (colon + 1 == s.size() || *end || p > 65535)
		return false;
	port = uint16_t(p);
	return true;
}

} // namespace

/* "A.B.C.D" or "A.B.C.D#PORT" (dnsmasq's notation), the port 53 by default. */
bool parse_forward(const char *text, config &cfg)
{
	std::string s = text, host = s.substr(0, s.find('#'));
	unsigned long port = 53;
	struct in_addr a;
	char *end;

	if (s.find('#') != std::string::npos) {
		std::string p = s.substr(s.find('#') + 1);

		errno = 0;
		port = strtoul(p.c_str(), &end, 10);
		if (p.empty() || *end || errno || p[0] == '-' || port < 1 || port > 65535)
			return false;
	}
	if (inet_pton(AF_INET, host.c_str(), &a) != 1 || !a.s_addr)
		return false;
	cfg.dns_forward_addr = a.s_addr;
	cfg.dns_forward_port = uint16_t(port);
	return true;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "credentials", required_argument, nullptr, 'c' },
		{ "listen", required_argument, nullptr, 'l' },
		{ "region", required_argument, nullptr, 'r' },
		{ "account", required_argument, nullptr, 'a' },
		{ "imds", required_argument, nullptr, 'm' },
		{ "dns", required_argument, nullptr, 'd' },
		{ "dns-forward", required_argument, nullptr, 'f' },
		{ "etcd", required_argument, nullptr, 'e' },
		{ "host", required_argument, nullptr, 'H' },
		{ "prefix", required_argument, nullptr, 'p' },
		{ "help", no_argument, nullptr, 'h' },
		{ nullptr, 0, nullptr, 0 },
	};
	const char *credentials = nullptr, *imds_netns = nullptr, *dns_netns = nullptr;
	const char *etcd = nullptr, *host = nullptr, *prefix = "/vnitro";
	cluster_member *member = nullptr;
	imds_server *imds = nullptr;
	dns_server *dns = nullptr;
	std::string addr = "127.0.0.1", err;
	uint16_t port = 8773;
	config cfg;
	error e;
	sigset_t stop;
	server *srv;
	int c, sig;

	while ((c = getopt_long(argc, argv, "h", opts, nullptr)) != -1) {
		switch (c) {
		case 'c':
			credentials = optarg;
			break;
		case 'l':
			if (!parse_listen(optarg, addr, port))
				return usage_error(std::string("--listen: expected ADDR:PORT, not \"") +
						   optarg + "\"");
			break;
		case 'r':
			cfg.region = optarg;
			if (cfg.region.empty() || cfg.region.find_first_of("/ ") != std::string::npos)
				return usage_error("--region: not a region name");
			break;
		case 'a':
			cfg.account = optarg;
			if (cfg.account.size() != 12 ||
			    cfg.account.find_first_not_of("0123456789") != std::string::npos)
				return usage_error("--account: expected 12 digits");
			break;
		case 'm':
			imds_netns = optarg;
			break;
		case 'd':
			dns_netns = optarg;
			break;
		case 'f':
			if (!parse_forward(optarg, cfg))
				return usage_error(std::string("--dns-forward: expected an IPv4 address "
							       "and optionally #PORT, not \"") + optarg + "\"");
			break;
		case 'e':
			etcd = optarg;
			break;
		case 'H':
			host = optarg;
			break;
		case 'p':
			prefix = optarg;
			if (prefix[0] != '/' || strlen(prefix) < 2 || prefix[strlen(prefix) - 1] == '/')
				return usage_error("--prefix: expected \"/NAME\", no trailing \"/\"");
			break;
		case 'h':
			fputs(USAGE, stdout);
			return 0;
		default:
			fputs(USAGE, stderr);
			return 2;
		}
	}
	if (optind < argc)
		return usage_error(std::string("unexpected argument \"") + argv[optind] + "\"");
	if (cfg.dns_forward_port && !dns_netns)
		return usage_error("--dns-forward goes with --dns NETNS");
	if (!etcd != !host)
		return usage_error("--etcd URLS and --host ADDRESS go together");
	if (!credentials && !imds_netns && !dns_netns && !etcd)
		return usage_error("--credentials FILE (the EC2 API), --imds NETNS (instance "
				   "metadata), --dns NETNS (the VPCs' DNS) or --etcd URLS (a "
				   "cluster) is required");
	if (credentials && !load_credentials(credentials, cfg, err)) {
		fprintf(stderr, "Error: %s\n", err.c_str());
		return 1;
	}
	if (RAND_bytes(cfg.token_key, sizeof(cfg.token_key)) != 1) {
		fprintf(stderr, "Error: no random bytes for the pagination key\n");
		return 1;
	}

	/* Blocked before MHD starts its threads, so that only sigwait() sees them. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, nullptr);
	signal(SIGPIPE, SIG_IGN);

	srv = nullptr;
	if (imds_netns) {
		imds = imds_start(cfg, imds_netns, e);
		if (!imds) {
			fprintf(stderr, "Error: %s\n", e.message.c_str());
			return 1;
		}
		fprintf(stderr, "vnitrod: instance metadata at 169.254.169.254 in %s\n", imds_netns);
	}
	if (dns_netns) {
		dns = dns_start(cfg, dns_netns, e);
		if (!dns) {
			fprintf(stderr, "Error: %s\n", e.message.c_str());
			imds_stop(imds);
			return 1;
		}
		fprintf(stderr, "vnitrod: the VPCs' DNS (dnsmasq) in %s\n", dns_netns);
	}
	if (credentials) {
		srv = server_start(cfg, addr, port, e);
		if (!srv) {
			fprintf(stderr, "Error: %s\n", e.message.c_str());
			dns_stop(dns);
			imds_stop(imds);
			return 1;
		}
		fprintf(stderr, "vnitrod: listening on %s:%u (region %s, API %s)\n", addr.c_str(),
			server_port(srv), cfg.region.c_str(), API_VERSION);
	}
	if (etcd) {
		member = cluster_start(etcd, prefix, host, e);
		if (!member) {
			fprintf(stderr, "Error: %s\n", e.message.c_str());
			server_stop(srv);
			dns_stop(dns);
			imds_stop(imds);
			return e.code == "usage" ? 2 : 1;
		}
		fprintf(stderr, "vnitrod: cluster member %s of etcd %s (%s)\n", host, etcd, prefix);
	}
	fflush(stderr);
	sigwait(&stop, &sig);
	fprintf(stderr, "vnitrod: %s, stopping\n", strsignal(sig));
	cluster_stop(member);
	server_stop(srv);
	imds_stop(imds);
	dns_stop(dns);
	world_close();
	return 0;
}
