// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro exec": a command, or a shell, inside an instance's environment. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

namespace vnitro::cli {

namespace {

/* As env(1) and nsenter(1) exit when the command cannot run. */
enum { EXIT_CANNOT_RUN = 126, EXIT_NOT_FOUND = 127 };

void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro exec INSTANCE [ -- ] [ COMMAND [ ARGS... ] ]\n"
		"       vnitro exec help\n"
		"where  INSTANCE := an instance's name, as in \"vnitro instance show\"\n"
		"Runs COMMAND (without one, $SHELL or /bin/sh) in the instance's environment:\n"
		"its network namespace; a UTS namespace with EC2's host name (ip-A-B-C-D);\n"
		"a mount namespace with the instance's /sys, a bpffs of its own at\n"
		"/sys/fs/bpf and its own /etc/resolv.conf, /etc/hostname and /etc/hosts.\n"
		"The environment lasts as long as the instance: what one command pins or\n"
		"writes there, the next one finds. \"exec\" is never abbreviated.\n"
		"Exit status: COMMAND's; 1 if the environment could not be entered,\n"
		"             126 if COMMAND cannot run, 127 if it is not found,\n"
		"             2 usage error (nothing was done).\n");
}

[[noreturn]] void run(const char *name, char **argv)
{
	const char *shell = getenv("SHELL");
	char *shell_argv[2];

	if (!argv[0]) {
		if (!shell || !shell[0])
			shell = "/bin/sh";
		shell_argv[0] = const_cast<char *>(shell);
		shell_argv[1] = nullptr;
		argv = shell_argv;
	}
	execvp(argv[0], argv);
	report_error("cannot run \"%s\" in instance %s: %s", argv[0], name, strerror(errno));
	exit(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN);
}

int do_exec(const struct options *, int argc, char **argv)
{
	struct vnitro_handle *h = nullptr;
	const char *name;
	int rc;

	if (argc < 1)
		usage_error("the instance NAME is required; try \"vnitro exec help\"");
	name = check_instance_name(argv[0]);
	argc--;
	argv++;
	if (argc > 0 && !strcmp(argv[0], "--")) {
		argc--;
		argv++;
	}

	rc = vnitro_open(&h);
	if (rc) {
		/* No module, no instance: no environment is current. */
		if (h && rc == -ENOENT)
			vnitro_env_sweep(h, 0);
		report_error("%s", vnitro_last_error(h));
		vnitro_close(h);
		return STATUS_ERROR;
	}
	rc = vnitro_env_enter(h, name);
	if (rc) {
		report_error("%s", vnitro_last_error(h));
		vnitro_close(h);
		return STATUS_ERROR;
	}
	vnitro_close(h);
	fflush(stdout);
	run(name, argv);
}

const struct command commands[] = {
	{ nullptr, do_exec },	/* "exec INSTANCE ...": no command word */
};

} // namespace

void sweep_environments(void)
{
	struct vnitro_handle *h = nullptr;
	int rc = vnitro_open(&h);

	/* Quietly: the command that called us reports its own errors. */
	if (h && (rc == 0 || rc == -ENOENT))
		vnitro_env_sweep(h, rc == 0);
	vnitro_close(h);
}

const struct object exec_object = {
	"exec", commands, 1, usage,
};

} // namespace vnitro::cli
