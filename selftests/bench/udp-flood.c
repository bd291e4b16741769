// SPDX-License-Identifier: GPL-2.0
/*
 * udp-flood - the per-frame cost of a path, without the scheduler in it.
 *   udp-flood sink PORT            bind PORT and never read (the socket fills
 *                                  and drops, after the whole receive path)
 *   udp-flood send ADDR PORT SECS  send 64-byte datagrams to ADDR:PORT for
 *                                  SECS seconds; print datagrams/s
 * On one CPU, with a receiver that never wakes, every datagram's whole path
 * (send, device, fabric, receive, socket) runs in the sender's context, so the
 * rate is the inverse of that path's cost.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int port_of(const char *s)
{
	char *end;
	long p = strtol(s, &end, 10);

	if (*end || p < 1 || p > 65535) {
		fprintf(stderr, "udp-flood: invalid port: %s (1-65535)\n", s);
		exit(2);
	}
	return (int)p;
}

static int sink(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a))) {
		perror("udp-flood: sink");
		return 1;
	}
	for (;;)
		pause();
}

static int send_for(const char *addr, int port, const char *secs_arg)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	double secs = atof(secs_arg), start, t;
	char buf[64] = { 0 };
	long n = 0;
	int s;

	if (secs <= 0) {
		fprintf(stderr, "udp-flood: invalid duration: %s (seconds, above 0)\n", secs_arg);
		return 2;
	}
	if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
		fprintf(stderr, "udp-flood: invalid IPv4 address: %s\n", addr);
		return 2;
	}
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a))) {
		perror("udp-flood: connect");
		return 1;
	}
	start = now();
	do {
		for (int i = 0; i < 256; i++, n++)
			if (send(s, buf, sizeof(buf), 0) < 0) {
				perror("udp-flood: send");
				return 1;
			}
		t = now();
	} while (t - start < secs);
	printf("%.0f\n", n / (t - start));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "sink"))
		return sink(port_of(argv[2]));
	if (argc == 5 && !strcmp(argv[1], "send"))
		return send_for(argv[2], port_of(argv[3]), argv[4]);
	fprintf(stderr, "usage: udp-flood sink PORT | udp-flood send ADDR PORT SECS\n");
	return 2;
}
