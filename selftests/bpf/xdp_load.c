// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_load.c - attaches one program of a BPF object to a device in native
 * (driver) mode, fills its devmap/cpumap entries, or detaches, with libbpf.
 *
 *   xdp_load attach IFNAME OBJ PROG [devmap MAP KEY IFNAME]... [cpumap MAP KEY QSIZE]...
 *   xdp_load detach IFNAME
 *
 * Prints the attached program's id. Errors, with the kernel's extack text
 * (libbpf prints it), go to stderr; the exit status is non-zero.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static int usage(void)
{
	fprintf(stderr,
		"Usage: xdp_load attach IFNAME OBJ PROG [devmap MAP KEY IFNAME]... [cpumap MAP KEY QSIZE]...\n"
		"       xdp_load detach IFNAME\n");
	return 2;
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

static int ifindex_of(const char *name)
{
	int ifindex = if_nametoindex(name);

	if (!ifindex)
		fprintf(stderr, "Error: no device %s\n", name);
	return ifindex;
}

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

	if (!map) {
		fprintf(stderr, "Error: no map %s in the object\n", name);
		return -1;
	}
	return bpf_map__fd(map);
}

/* Fills the map entries given after PROG; returns 0 or -1. */
static int fill_maps(struct bpf_object *obj, int argc, char **argv)
{
	while (argc >= 4) {
		__u32 key = strtoul(argv[2], NULL, 0), val;
		struct bpf_cpumap_val cpu = {};
		int fd = map_fd(obj, argv[1]);
		void *value = &val;

		if (fd < 0)
			return -1;
		if (!strcmp(argv[0], "devmap")) {
			val = ifindex_of(argv[3]);
			if (!val)
				return -1;
		} else if (!strcmp(argv[0], "cpumap")) {
			cpu.qsize = strtoul(argv[3], NULL, 0);
			value = &cpu;
		} else {
			return usage(), -1;
		}
		if (bpf_map_update_elem(fd, &key, value, BPF_ANY)) {
			fprintf(stderr, "Error: %s %s[%u]: %s\n", argv[0], argv[1], key, strerror(errno));
			return -1;
		}
		argc -= 4;
		argv += 4;
	}
	return argc ? (usage(), -1) : 0;
}

static int attach(int argc, char **argv)
{
	int ifindex = ifindex_of(argv[0]), fd, err;
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	struct bpf_program *prog;
	struct bpf_object *obj;

	if (!ifindex)
		return 1;
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "Error: cannot open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (bpf_object__load(obj)) {
		fprintf(stderr, "Error: cannot load %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	prog = bpf_object__find_program_by_name(obj, argv[2]);
	if (!prog) {
		fprintf(stderr, "Error: no program %s in %s\n", argv[2], argv[1]);
		return 1;
	}
	if (fill_maps(obj, argc - 3, argv + 3))
		return 1;
	fd = bpf_program__fd(prog);
	err = bpf_xdp_attach(ifindex, fd, XDP_FLAGS_DRV_MODE, NULL);
	if (err) {
		fprintf(stderr, "Error: attaching %s to %s: %s\n", argv[2], argv[0], strerror(-err));
		return 1;
	}
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		printf("%s: %s attached (native), id %u\n", argv[0], argv[2], info.id);
	/* The device holds the program, the program its maps: nothing to keep open. */
	bpf_object__close(obj);
	return 0;
}

static int detach(const char *ifname)
{
	int ifindex = ifindex_of(ifname), err;

	if (!ifindex)
		return 1;
	err = bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	if (err) {
		fprintf(stderr, "Error: detaching from %s: %s\n", ifname, strerror(-err));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	libbpf_set_print(print_libbpf);
	if (argc >= 5 && !strcmp(argv[1], "attach"))
		return attach(argc - 2, argv + 2);
	if (argc == 3 && !strcmp(argv[1], "detach"))
		return detach(argv[2]);
	return usage();
}
