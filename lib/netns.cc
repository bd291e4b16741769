// SPDX-License-Identifier: LGPL-2.1-or-later
/* Named network namespaces under /run/netns, the way "ip netns" keeps them. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

namespace vnitro::lib {

namespace {

/* A failed step, as the child reports it through the pipe. */
struct step_error {
	int step;	/* enum child_step */
	int err;	/* positive errno */
};

enum child_step { STEP_UNSHARE, STEP_BIND };

int netns_path(const char *name, char *path, size_t len)
{
	if (vnitro_netns_name_check(name))
		return -EINVAL;
	snprintf(path, len, "%s/%s", VNITRO_NETNS_RUN_DIR, name);
	return 0;
}

int report(char *buf, size_t len, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

int report(char *buf, size_t len, int err, const char *fmt, ...)
{
	char text[256], reason[128];
	va_list ap;

	if (!buf || !len)
		return err;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	snprintf(buf, len, "%s: %s", text,
		 strerror_r(-err, reason, sizeof(reason)));
	return err;
}

/*
 * Like iproute2: a shared mount point, so that unmounting a namespace file
 * in one mount namespace unmounts it in the others and frees the netns.
 */
int make_run_dir_shared(char *err, size_t errlen)
{
	bool made_mount_point = false;

	if (mkdir(VNITRO_NETNS_RUN_DIR, 0755) && errno != EEXIST)
		return report(err, errlen, -errno, "cannot create %s",
			      VNITRO_NETNS_RUN_DIR);
	while (mount("", VNITRO_NETNS_RUN_DIR, "none", MS_SHARED | MS_REC,
		     nullptr)) {
		/* EINVAL: not a mount point yet; make it one, once. */
		if (errno != EINVAL || made_mount_point)
			return report(err, errlen, -errno,
				      "cannot make %s a shared mount",
				      VNITRO_NETNS_RUN_DIR);
		if (mount(VNITRO_NETNS_RUN_DIR, VNITRO_NETNS_RUN_DIR, "none",
			  MS_BIND | MS_REC, nullptr))
			return report(err, errlen, -errno,
				      "cannot bind-mount %s onto itself",
				      VNITRO_NETNS_RUN_DIR);
		made_mount_point = true;
	}
	return 0;
}

/* In the child: only async-signal-safe calls, as the parent may be threaded. */
[[noreturn]] void child_bind_new_netns(const char *path, int report_fd)
{
	struct step_error e = { STEP_UNSHARE, 0 };

	if (unshare(CLONE_NEWNET) == 0) {
		e.step = STEP_BIND;
		if (!mount("/proc/self/ns/net", path, "none", MS_BIND, nullptr))
			_exit(0);
	}
	e.err = errno;
	if (write(report_fd, &e, sizeof(e)) != sizeof(e))
		_exit(2);
	_exit(1);
}

/* True if @pid exited with 0, or was reaped for us (SIGCHLD ignored). */
bool child_succeeded(pid_t pid)
{
	int status = 0;
	pid_t rc;

	do
		rc = waitpid(pid, &status, 0);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return errno == ECHILD;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* A child unshares a new netns and bind-mounts it, leaving us in ours. */
int bind_new_netns(const char *path, char *err, size_t errlen)
{
	struct step_error e = { STEP_UNSHARE, 0 };
	int fds[2];
	ssize_t n;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return report(err, errlen, -errno, "cannot create a pipe");
	pid = fork();
	if (pid < 0) {
		int rc = -errno;

		close(fds[0]);
		close(fds[1]);
		return report(err, errlen, rc, "cannot fork");
	}
	if (pid == 0)
		child_bind_new_netns(path, fds[1]);

	close(fds[1]);
	do
		n = read(fds[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(fds[0]);
	/* The child writes only when it fails. */
	if (child_succeeded(pid) && n == 0)
		return 0;
	if (n != sizeof(e) || e.err <= 0)
		e.err = EIO;	/* it died without a word */
	if (e.step == STEP_UNSHARE)
		return report(err, errlen, -e.err,
			      "cannot create a network namespace");
	return report(err, errlen, -e.err, "cannot bind-mount it onto %s",
		      path);
}

} // namespace

} // namespace vnitro::lib

using namespace vnitro::lib;

VNITRO_EXPORT int vnitro_netns_name_check(const char *name)
{
	if (!name || !name[0] || strlen(name) >= VNITRO_NAME_LEN)
		return -EINVAL;
	if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	return 0;
}

VNITRO_EXPORT int vnitro_netns_add(const char *name, char *err, size_t errlen)
{
	char path[sizeof(VNITRO_NETNS_RUN_DIR) + VNITRO_NAME_LEN];
	int fd, rc;

	if (netns_path(name, path, sizeof(path)))
		return report(err, errlen, -EINVAL,
			      "invalid network namespace name \"%s\"",
			      name ? name : "");
	rc = make_run_dir_shared(err, errlen);
	if (rc)
		return rc;

	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return report(err, errlen, -errno,
			      "cannot create namespace file %s", path);
	close(fd);

	rc = bind_new_netns(path, err, errlen);
	if (rc) {
		umount2(path, MNT_DETACH);
		unlink(path);
	}
	return rc;
}

VNITRO_EXPORT int vnitro_netns_open(const char *name)
{
	char path[sizeof(VNITRO_NETNS_RUN_DIR) + VNITRO_NAME_LEN];
	int fd;

	if (netns_path(name, path, sizeof(path)))
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

VNITRO_EXPORT int vnitro_netns_del(const char *name)
{
	char path[sizeof(VNITRO_NETNS_RUN_DIR) + VNITRO_NAME_LEN];

	if (netns_path(name, path, sizeof(path)))
		return -EINVAL;
	/* Like iproute2: the unmount fails harmlessly if nothing is mounted. */
	umount2(path, MNT_DETACH);
	return unlink(path) ? -errno : 0;
}
