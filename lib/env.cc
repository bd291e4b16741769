// SPDX-License-Identifier: LGPL-2.1-or-later
/* Instance environments: the persistent mount and UTS namespaces "vnitro exec" enters. */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

/*
 * The layout, one directory per instance under a private mount (a shared
 * one would propagate the bind of a mount namespace into that namespace,
 * which the kernel refuses as a loop):
 *
 *   VNITRO_ENV_RUN_DIR/.lock         flock()ed around every change
 *   VNITRO_ENV_RUN_DIR/NAME/mnt      the mount namespace, bind-mounted
 *                         /uts      the UTS namespace, bind-mounted
 *                         /hostname, hosts, resolv.conf   bound over /etc/... inside
 *                         /instance "PRIMARY-ENI NETNS-DEV NETNS-INO": whose it is;
 *                                   written last, so a half-made one is stale
 */

namespace vnitro::lib {

namespace {

constexpr char lock_path[] = VNITRO_ENV_RUN_DIR "/.lock";
constexpr char identity_file[] = "instance";

enum { PATH_LEN = sizeof(VNITRO_ENV_RUN_DIR) + VNITRO_NAME_LEN + 16 };

/* The files bound over the host's inside the mount namespace. */
const char *const etc_files[][2] = {
	{ "hostname", "/etc/hostname" },
	{ "hosts", "/etc/hosts" },
	{ "resolv.conf", "/etc/resolv.conf" },
};
constexpr int etc_count = sizeof(etc_files) / sizeof(etc_files[0]);

/* What an environment is made of, worked out before anything changes. */
struct env_spec {
	char name[VNITRO_NAME_LEN];
	char dir[PATH_LEN];
	char primary_eni_id[VNITRO_ID_LEN];
	char hostname[32];			/* "ip-172-31-0-5" */
	char domain[VNITRO_AZ_LEN + 24];	/* "ec2.internal" */
	uint32_t ip, dns;			/* network order */
	int netns_fd;
	struct stat netns;
};

/* The child's steps, named in the error when one fails. */
enum child_step {
	STEP_READY, STEP_SETNS, STEP_UNSHARE, STEP_HOSTNAME, STEP_SLAVE,
	STEP_SYSFS, STEP_BPFFS, STEP_BIND, STEP_HIDE,
};
const char *const step_names[] = {
	"", "enter the network namespace", "create the namespaces",
	"set the host name", "make / a slave mount",
	"mount sysfs", "mount bpffs on /sys/fs/bpf",
	"bind-mount the instance's files over /etc", "hide the host's namespace files",
};

struct step_report {
	int step;	/* enum child_step */
	int err;	/* positive errno; 0 with STEP_READY */
};

int env_dir(const char *name, char *dir, size_t len)
{
	if (vnitro_netns_name_check(name))
		return -EINVAL;
	snprintf(dir, len, "%s/%s", VNITRO_ENV_RUN_DIR, name);
	return 0;
}

/* Like "ip netns add" does for /run/netns, but private: see the layout above. */
int run_dir_prepare(struct vnitro_handle *h)
{
	bool made_mount_point = false;

	if (mkdir(VNITRO_ENV_RUN_DIR, 0755) && errno != EEXIST)
		return set_error(h, -errno, "cannot create %s: %s", VNITRO_ENV_RUN_DIR,
				 strerror(errno));
	while (mount("", VNITRO_ENV_RUN_DIR, "none", MS_PRIVATE, nullptr)) {
		if (errno != EINVAL || made_mount_point)
			return set_error(h, -errno, "cannot make %s a private mount: %s",
					 VNITRO_ENV_RUN_DIR, strerror(errno));
		if (mount(VNITRO_ENV_RUN_DIR, VNITRO_ENV_RUN_DIR, "none", MS_BIND, nullptr))
			return set_error(h, -errno, "cannot bind-mount %s onto itself: %s",
					 VNITRO_ENV_RUN_DIR, strerror(errno));
		made_mount_point = true;
	}
	return 0;
}

/* Returns the locked file's descriptor (close it to unlock) or a negative errno. */
int lock(struct vnitro_handle *h)
{
	int fd;

	if (mkdir(VNITRO_ENV_RUN_DIR, 0755) && errno != EEXIST)
		return set_error(h, -errno, "cannot create %s: %s%s", VNITRO_ENV_RUN_DIR,
				 strerror(errno),
				 errno == EROFS ? " (inside an instance's environment? run this on the host)" : "");
	fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return set_error(h, -errno, "cannot open %s: %s%s", lock_path, strerror(errno),
				 errno == EROFS ? " (inside an instance's environment? run this on the host)" : "");
	while (flock(fd, LOCK_EX)) {
		if (errno != EINTR) {
			int rc = -errno;

			close(fd);
			return set_error(h, rc, "cannot lock %s: %s", lock_path, strerror(-rc));
		}
	}
	return fd;
}

/* Unmounts and removes everything in @dir, then @dir. */
int destroy(const char *dir)
{
	char path[PATH_LEN + 256];
	struct dirent *d;
	DIR *dp = opendir(dir);

	if (!dp)
		return errno == ENOENT ? 0 : -errno;
	while ((d = readdir(dp))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		/* Fails harmlessly where nothing is mounted. */
		umount2(path, MNT_DETACH);
		unlink(path);
	}
	closedir(dp);
	return rmdir(dir) ? -errno : 0;
}

/* Environments left, or -errno. */
int count_envs(void)
{
	struct dirent *d;
	DIR *dp = opendir(VNITRO_ENV_RUN_DIR);
	int n = 0;

	if (!dp)
		return errno == ENOENT ? 0 : -errno;
	while ((d = readdir(dp)))
		n += d->d_name[0] != '.';
	closedir(dp);
	return n;
}

/* With no environment left, nothing of ours stays mounted. */
void run_dir_release(void)
{
	if (count_envs() == 0)
		umount2(VNITRO_ENV_RUN_DIR, MNT_DETACH);
}

/* "us-east-1a" -> "ec2.internal"; "eu-west-1b" -> "eu-west-1.compute.internal". */
void domain_of(const char *az, char *out, size_t len)
{
	char region[VNITRO_AZ_LEN];
	size_t n;

	snprintf(region, sizeof(region), "%s", az);
	n = strlen(region);
	while (n > 0 && islower((unsigned char)region[n - 1]))
		region[--n] = '\0';
	if (!n || !strcmp(region, "us-east-1"))
		snprintf(out, len, "ec2.internal");
	else
		snprintf(out, len, "%s.compute.internal", region);
}

/* True if the caller's namespace has the ENI's netdev, with its MAC. */
bool netdev_is_ours(const struct vnitro_eni &eni)
{
	char path[64 + IF_NAMESIZE], mac[32], want[32];
	FILE *f;
	bool same;

	if (!eni.ifname[0])
		return false;
	snprintf(path, sizeof(path), "/sys/class/net/%s/address", eni.ifname);
	f = fopen(path, "re");
	if (!f)
		return false;
	same = fgets(mac, sizeof(mac), f) != nullptr;
	fclose(f);
	snprintf(want, sizeof(want), "%02x:%02x:%02x:%02x:%02x:%02x\n", eni.mac[0],
		 eni.mac[1], eni.mac[2], eni.mac[3], eni.mac[4], eni.mac[5]);
	return same && !strcmp(mac, want);
}

/*
 * The instance's network namespace: its file in /run/netns, or, without
 * one, the caller's own if the primary ENI's netdev is there (i-host).
 */
int netns_open(struct vnitro_handle *h, const char *name, const struct vnitro_eni &eni)
{
	int fd = vnitro_netns_open(name);

	if (fd >= 0)
		return fd;
	if (fd == -ENOENT && netdev_is_ours(eni)) {
		fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			return fd;
		fd = -errno;
	}
	if (fd == -ENOENT)
		return set_error(h, fd, "instance %s has no network namespace file %s/%s",
				 name, VNITRO_NETNS_RUN_DIR, name);
	return set_error(h, fd, "cannot open the network namespace of instance %s: %s",
			 name, strerror(-fd));
}

/* Asks the kernel what the environment of @name must be. */
int spec_make(struct vnitro_handle *h, const char *name, struct env_spec *sp)
{
	struct vnitro_instance in;
	struct vnitro_subnet sn;
	struct vnitro_vpc vpc;
	struct vnitro_eni eni;
	const uint8_t *b;
	int rc;

	memset(sp, 0, sizeof(*sp));
	sp->netns_fd = -1;
	if (env_dir(name, sp->dir, sizeof(sp->dir)))
		return set_error(h, -EINVAL, "invalid instance name \"%s\"", name);
	snprintf(sp->name, sizeof(sp->name), "%s", name);
	rc = vnitro_instance_get(h, name, &in);
	if (!rc)
		rc = vnitro_eni_get(h, in.primary_eni_id, &eni);
	if (!rc)
		rc = vnitro_subnet_get(h, in.subnet_id, &sn);
	if (!rc)
		rc = vnitro_vpc_get(h, sn.vpc_id, &vpc);
	if (rc)
		return rc;
	memcpy(sp->primary_eni_id, in.primary_eni_id, sizeof(sp->primary_eni_id));
	sp->ip = eni.private_ip;
	/* The Amazon-provided DNS server, as the fabric's DHCP hands it out. */
	sp->dns = htonl(ntohl(vpc.cidr_addr) + 2);
	b = reinterpret_cast<const uint8_t *>(&sp->ip);
	snprintf(sp->hostname, sizeof(sp->hostname), "ip-%u-%u-%u-%u", b[0], b[1], b[2], b[3]);
	domain_of(in.az, sp->domain, sizeof(sp->domain));

	sp->netns_fd = netns_open(h, name, eni);
	if (sp->netns_fd < 0)
		return sp->netns_fd;
	if (fstat(sp->netns_fd, &sp->netns)) {
		rc = set_error(h, -errno, "cannot stat the network namespace of %s: %s", name,
			       strerror(errno));
		close(sp->netns_fd);
		sp->netns_fd = -1;
	}
	return rc;
}

void spec_release(struct env_spec *sp)
{
	if (sp->netns_fd >= 0)
		close(sp->netns_fd);
	sp->netns_fd = -1;
}

void identity_of(const struct env_spec &sp, char *buf, size_t len)
{
	snprintf(buf, len, "%s %llu %llu\n", sp.primary_eni_id,
		 (unsigned long long)sp.netns.st_dev, (unsigned long long)sp.netns.st_ino);
}

bool is_nsfs(const char *dir, const char *file)
{
	char path[PATH_LEN + 16];
	struct statfs st;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return !statfs(path, &st) && st.f_type == NSFS_MAGIC;
}

/* True if @sp's directory holds a complete environment made for it. */
bool is_current(const struct env_spec &sp)
{
	char path[PATH_LEN + 16], want[128], have[128] = "";
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", sp.dir, identity_file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, have, sizeof(have) - 1);
	close(fd);
	if (n <= 0)
		return false;
	have[n] = '\0';
	identity_of(sp, want, sizeof(want));
	return !strcmp(have, want) && is_nsfs(sp.dir, "mnt") && is_nsfs(sp.dir, "uts");
}

int write_file(struct vnitro_handle *h, const char *dir, const char *file, const char *text)
{
	char path[PATH_LEN + 16];
	size_t len = strlen(text);
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return set_error(h, -errno, "cannot create %s: %s", path, strerror(errno));
	if (write(fd, text, len) != ssize_t(len))
		rc = set_error(h, -EIO, "cannot write %s", path);
	if (close(fd) && !rc)
		rc = set_error(h, -errno, "cannot write %s: %s", path, strerror(errno));
	return rc;
}

int write_files(struct vnitro_handle *h, const struct env_spec &sp)
{
	char ip[INET_ADDRSTRLEN], dns[INET_ADDRSTRLEN], text[etc_count][512];
	int rc;

	inet_ntop(AF_INET, &sp.ip, ip, sizeof(ip));
	inet_ntop(AF_INET, &sp.dns, dns, sizeof(dns));
	/* In the order of etc_files. */
	snprintf(text[0], sizeof(text[0]), "%s\n", sp.hostname);
	snprintf(text[1], sizeof(text[1]),
		 "# instance %s (vnitro): its primary private IPv4 address and EC2's names for it\n"
		 "127.0.0.1\tlocalhost\n"
		 "::1\tlocalhost ip6-localhost ip6-loopback\n"
		 "%s\t%s.%s %s\n",
		 sp.name, ip, sp.hostname, sp.domain, sp.hostname);
	snprintf(text[2], sizeof(text[2]),
		 "# instance %s (vnitro): the Amazon-provided DNS server of its VPC (base + 2),\n"
		 "# as the VPC's DHCP hands it out\n"
		 "nameserver %s\n"
		 "search %s\n",
		 sp.name, dns, sp.domain);
	for (int i = 0; i < etc_count; i++) {
		rc = write_file(h, sp.dir, etc_files[i][0], text[i]);
		if (rc)
			return rc;
	}
	rc = write_file(h, sp.dir, "mnt", "");
	return rc ? rc : write_file(h, sp.dir, "uts", "");
}

/* Everything the child needs, prepared before fork(): it only makes system calls. */
struct child_plan {
	int netns_fd;
	const char *hostname;
	size_t hostname_len;
	char sources[etc_count][PATH_LEN + 16];
	int report_fd;	/* the child's end: one step_report */
	int hold_fd;	/* the child waits for EOF here before exiting */
};

/* Replaces a mount tree by an empty read-only tmpfs, if there is one. */
int hide(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return errno == ENOENT ? 0 : -1;
	umount2(path, MNT_DETACH);
	return mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		     "mode=0755,size=4k");
}

[[noreturn]] void child_build(const struct child_plan &p)
{
	struct step_report r = { STEP_SETNS, 0 };
	unsigned long sysfs_flags = 0;
	char byte;

	if (setns(p.netns_fd, CLONE_NEWNET))
		goto fail;
	r.step = STEP_UNSHARE;
	if (unshare(CLONE_NEWNS | CLONE_NEWUTS))
		goto fail;
	r.step = STEP_HOSTNAME;
	if (sethostname(p.hostname, p.hostname_len))
		goto fail;
	/* The host's new mounts reach us, ours never reach it: as "ip netns exec". */
	r.step = STEP_SLAVE;
	if (mount("", "/", "none", MS_SLAVE | MS_REC, nullptr))
		goto fail;
	/* A sysfs of this network namespace, as "ip netns exec" mounts it. */
	r.step = STEP_SYSFS;
	if (umount2("/sys", MNT_DETACH))
		sysfs_flags = MS_RDONLY;
	if (mount("sysfs", "/sys", "sysfs", sysfs_flags, nullptr))
		goto fail;
	r.step = STEP_BPFFS;
	if (mount("bpf", "/sys/fs/bpf", "bpf", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700"))
		goto fail;
	r.step = STEP_BIND;
	for (int i = 0; i < etc_count; i++) {
		/* A host without the file keeps going without it. */
		if (access(etc_files[i][1], F_OK) && errno == ENOENT)
			continue;
		if (mount(p.sources[i], etc_files[i][1], "none", MS_BIND, nullptr))
			goto fail;
	}
	/*
	 * Our copies of the other instances' namespace files would keep their
	 * namespaces alive after they are deleted, and cost a mount each per
	 * environment: an instance sees neither theirs nor its own. Last, as
	 * the files bound above come from there.
	 */
	r.step = STEP_HIDE;
	if (hide(VNITRO_ENV_RUN_DIR) || hide(VNITRO_NETNS_RUN_DIR))
		goto fail;
	r.step = STEP_READY;
	if (write(p.report_fd, &r, sizeof(r)) != sizeof(r))
		_exit(2);
	/* The parent binds our namespaces, then closes its end. */
	while (read(p.hold_fd, &byte, 1) < 0 && errno == EINTR)
		;
	_exit(0);
fail:
	r.err = errno ? errno : EIO;
	if (write(p.report_fd, &r, sizeof(r)) != sizeof(r))
		_exit(2);
	_exit(1);
}

int bind_ns(struct vnitro_handle *h, pid_t pid, const char *ns, const char *dir)
{
	char src[64], dst[PATH_LEN + 16];

	snprintf(src, sizeof(src), "/proc/%d/ns/%s", int(pid), ns);
	snprintf(dst, sizeof(dst), "%s/%s", dir, ns);
	if (mount(src, dst, "none", MS_BIND, nullptr))
		return set_error(h, -errno, "cannot bind-mount %s onto %s: %s", src, dst,
				 strerror(errno));
	return 0;
}

void reap(pid_t pid)
{
	while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR)
		;
}

/*
 * A child builds the namespaces and waits while we, still in the host's
 * mount namespace, bind them onto the files; then it exits.
 */
int build(struct vnitro_handle *h, const struct env_spec &sp)
{
	struct step_report r = { STEP_SETNS, EIO };
	struct child_plan p = {};
	int report[2], hold[2], rc;
	ssize_t n;
	pid_t pid;

	p.netns_fd = sp.netns_fd;
	p.hostname = sp.hostname;
	p.hostname_len = strlen(sp.hostname);
	for (int i = 0; i < etc_count; i++)
		snprintf(p.sources[i], sizeof(p.sources[i]), "%s/%s", sp.dir, etc_files[i][0]);
	if (pipe2(report, O_CLOEXEC))
		return set_error(h, -errno, "cannot create a pipe: %s", strerror(errno));
	if (pipe2(hold, O_CLOEXEC)) {
		rc = -errno;
		close(report[0]);
		close(report[1]);
		return set_error(h, rc, "cannot create a pipe: %s", strerror(-rc));
	}
	p.report_fd = report[1];
	p.hold_fd = hold[0];
	pid = fork();
	if (pid == 0) {
		close(hold[1]);
		child_build(p);
	}
	close(report[1]);
	close(hold[0]);
	if (pid < 0) {
		rc = -errno;
		close(report[0]);
		close(hold[1]);
		return set_error(h, rc, "cannot fork: %s", strerror(-rc));
	}
	do
		n = read(report[0], &r, sizeof(r));
	while (n < 0 && errno == EINTR);
	close(report[0]);
	if (n != sizeof(r) || r.step < 0 || r.step > STEP_HIDE)
		r = { STEP_SETNS, EIO };
	if (r.step != STEP_READY || r.err)
		rc = set_error(h, -r.err, "cannot build the environment of instance %s: cannot %s: %s",
			       sp.name, step_names[r.step], strerror(r.err));
	else
		rc = bind_ns(h, pid, "mnt", sp.dir) ?: bind_ns(h, pid, "uts", sp.dir);
	close(hold[1]);
	reap(pid);
	return rc;
}

/* Under the lock: makes @sp's environment current, building it if need be. */
int ensure(struct vnitro_handle *h, const struct env_spec &sp)
{
	char identity[128];
	int rc;

	if (is_current(sp))
		return 0;
	rc = run_dir_prepare(h);
	if (rc)
		return rc;
	destroy(sp.dir);
	if (mkdir(sp.dir, 0755))
		return set_error(h, -errno, "cannot create %s: %s", sp.dir, strerror(errno));
	rc = write_files(h, sp);
	if (!rc)
		rc = build(h, sp);
	if (!rc) {
		identity_of(sp, identity, sizeof(identity));
		rc = write_file(h, sp.dir, identity_file, identity);
	}
	if (rc) {
		destroy(sp.dir);
		run_dir_release();
	}
	return rc;
}

/* Under the lock: the environment of an instance the kernel does not know goes. */
void drop_if_gone(struct vnitro_handle *h, const char *name, int rc)
{
	char dir[PATH_LEN];

	(void)h;
	if (rc == -ENOENT && !env_dir(name, dir, sizeof(dir))) {
		destroy(dir);
		run_dir_release();
	}
}

int open_ns(struct vnitro_handle *h, const char *dir, const char *ns)
{
	char path[PATH_LEN + 16];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return set_error(h, -errno, "cannot open %s: %s", path, strerror(errno));
	return fd;
}

int enter(struct vnitro_handle *h, const struct env_spec &sp, int uts, int mnt)
{
	char cwd[4096];
	bool have_cwd = getcwd(cwd, sizeof(cwd)) != nullptr;

	if (setns(sp.netns_fd, CLONE_NEWNET))
		return set_error(h, -errno, "cannot enter the network namespace of %s: %s",
				 sp.name, strerror(errno));
	if (setns(uts, CLONE_NEWUTS))
		return set_error(h, -errno, "cannot enter the UTS namespace of %s: %s",
				 sp.name, strerror(errno));
	if (setns(mnt, CLONE_NEWNS))
		return set_error(h, -errno, "cannot enter the mount namespace of %s: %s",
				 sp.name, strerror(errno));
	/* setns() put us at the namespace's root. */
	if (!have_cwd || chdir(cwd))
		if (chdir("/"))
			return set_error(h, -errno, "cannot change to /: %s", strerror(errno));
	return 0;
}

} // namespace

} // namespace vnitro::lib

using namespace vnitro::lib;

VNITRO_EXPORT int vnitro_env_add(struct vnitro_handle *h, const char *name)
{
	struct env_spec sp;
	int fd, rc;

	fd = lock(h);
	if (fd < 0)
		return fd;
	rc = spec_make(h, name, &sp);
	if (!rc)
		rc = ensure(h, sp);
	else
		drop_if_gone(h, name, rc);
	spec_release(&sp);
	close(fd);
	return rc;
}

VNITRO_EXPORT int vnitro_env_enter(struct vnitro_handle *h, const char *name)
{
	int lock_fd, uts = -1, mnt = -1, rc;
	struct env_spec sp;

	lock_fd = lock(h);
	if (lock_fd < 0)
		return lock_fd;
	rc = spec_make(h, name, &sp);
	if (rc)
		drop_if_gone(h, name, rc);
	if (!rc)
		rc = ensure(h, sp);
	if (!rc) {
		uts = open_ns(h, sp.dir, "uts");
		rc = uts < 0 ? uts : 0;
	}
	if (!rc) {
		mnt = open_ns(h, sp.dir, "mnt");
		rc = mnt < 0 ? mnt : 0;
	}
	/* Open descriptors keep the namespaces, whatever happens to the files now. */
	close(lock_fd);
	if (!rc)
		rc = enter(h, sp, uts, mnt);
	if (uts >= 0)
		close(uts);
	if (mnt >= 0)
		close(mnt);
	spec_release(&sp);
	return rc;
}

VNITRO_EXPORT int vnitro_env_del(struct vnitro_handle *h, const char *name)
{
	char dir[PATH_LEN];
	int fd, rc;

	if (env_dir(name, dir, sizeof(dir)))
		return set_error(h, -EINVAL, "invalid instance name \"%s\"", name ? name : "");
	/* Never made one: nothing to do, and nothing to create for it. */
	if (access(VNITRO_ENV_RUN_DIR, F_OK) && errno == ENOENT)
		return 0;
	fd = lock(h);
	if (fd < 0)
		return fd;
	rc = destroy(dir);
	if (rc)
		set_error(h, rc, "cannot remove %s: %s", dir, strerror(-rc));
	run_dir_release();
	close(fd);
	return rc;
}

VNITRO_EXPORT int vnitro_env_sweep(struct vnitro_handle *h, int module_loaded)
{
	struct vnitro_instance *items = nullptr;
	char dir[PATH_LEN + 256];
	struct dirent *d;
	size_t count = 0;
	int fd, rc, n = 0;
	DIR *dp;

	if (access(VNITRO_ENV_RUN_DIR, F_OK) && errno == ENOENT)
		return 0;
	fd = lock(h);
	if (fd < 0)
		return fd;
	if (module_loaded) {
		rc = vnitro_instance_list(h, &items, &count);
		if (rc) {
			close(fd);
			return rc;
		}
	}
	dp = opendir(VNITRO_ENV_RUN_DIR);
	while (dp && (d = readdir(dp))) {
		const struct vnitro_instance *in = nullptr;
		char identity[128] = "", path[PATH_LEN + 256 + 16];
		ssize_t len;
		int ifd;

		if (d->d_name[0] == '.')
			continue;
		for (size_t i = 0; i < count && !in; i++)
			if (!strcmp(items[i].name, d->d_name))
				in = &items[i];
		snprintf(dir, sizeof(dir), "%s/%s", VNITRO_ENV_RUN_DIR, d->d_name);
		if (in) {
			/* The cheap part of is_current(): whose it is, and complete. */
			snprintf(path, sizeof(path), "%s/%s", dir, identity_file);
			ifd = open(path, O_RDONLY | O_CLOEXEC);
			len = ifd < 0 ? -1 : read(ifd, identity, sizeof(identity) - 1);
			if (ifd >= 0)
				close(ifd);
			if (len > 0 && !strncmp(identity, in->primary_eni_id, strlen(in->primary_eni_id)) &&
			    identity[strlen(in->primary_eni_id)] == ' ')
				continue;
		}
		if (!destroy(dir))
			n++;
	}
	if (dp)
		closedir(dp);
	free(items);
	run_dir_release();
	close(fd);
	return n;
}
