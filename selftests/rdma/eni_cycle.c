// SPDX-License-Identifier: GPL-2.0
/*
 * eni_cycle.c - attaches ENI to INSTANCE at INDEX and detaches it again,
 * COUNT times, through libvnitro (the CLI's library) in one process: under
 * TCG a process start costs ~0.1 s, more than the cycle itself, so the
 * torture suite's 10000 cycles would otherwise take hours. Stops at the
 * first failure with the library's message; exit 0 after COUNT cycles.
 *
 * usage: eni_cycle ENI INSTANCE INDEX COUNT
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <vnitro/vnitro.h>

int main(int argc, char **argv)
{
	struct vnitro_handle *h;
	unsigned long i, count;
	unsigned int index;
	char *end;
	int rc;

	if (argc != 5) {
		fprintf(stderr, "usage: eni_cycle ENI INSTANCE INDEX COUNT\n");
		return 2;
	}
	index = strtoul(argv[3], &end, 10);
	if (*end || !*argv[3] || index > 255) {
		fprintf(stderr, "eni_cycle: invalid INDEX %s (0..255)\n", argv[3]);
		return 2;
	}
	count = strtoul(argv[4], &end, 10);
	if (*end || !*argv[4] || !count) {
		fprintf(stderr, "eni_cycle: invalid COUNT %s (at least 1)\n", argv[4]);
		return 2;
	}
	rc = vnitro_open(&h);
	if (rc) {
		fprintf(stderr, "eni_cycle: %s\n", vnitro_last_error(h));
		vnitro_close(h);
		return 1;
	}
	for (i = 1; i <= count; i++) {
		rc = vnitro_eni_attach(h, argv[1], argv[2], index, NULL);
		if (!rc)
			rc = vnitro_eni_detach(h, argv[1]);
		if (rc) {
			fprintf(stderr, "eni_cycle: cycle %lu: %s\n", i, vnitro_last_error(h));
			break;
		}
	}
	vnitro_close(h);
	printf("%lu cycles\n", i - 1);
	return rc ? 1 : 0;
}
