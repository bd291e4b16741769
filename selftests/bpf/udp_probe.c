// SPDX-License-Identifier: GPL-2.0
/*
 * udp_probe.c - sends COUNT datagrams of SIZE bytes to ADDR:9000 and counts
 * those that come back to the same socket within a second of the last one.
 *
 *   udp_probe ADDR COUNT [SIZE]      prints "sent N received M"
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { PORT = 9000, MAX_SIZE = 65507, WAIT_MS = 1000 };

int main(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(PORT) };
	static char buf[MAX_SIZE];
	int fd, count, size = 64, sent = 0, received = 0, i;
	struct pollfd pfd;

	if (argc < 3 || argc > 4 || inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
		fprintf(stderr, "Usage: udp_probe ADDR COUNT [SIZE]\n");
		return 2;
	}
	count = atoi(argv[2]);
	if (argc == 4)
		size = atoi(argv[3]);
	if (count < 0 || size < 1 || size > MAX_SIZE) {
		fprintf(stderr, "Error: COUNT >= 0 and 1 <= SIZE <= %d\n", MAX_SIZE);
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof(dst))) {
		perror("udp_probe: socket");
		return 1;
	}
	memset(buf, 0xa5, size);
	for (i = 0; i < count; i++) {
		/* ECONNREFUSED from an earlier ICMP error is not a send failure here. */
		if (send(fd, buf, size, 0) == size)
			sent++;
		else if (send(fd, buf, size, 0) == size)
			sent++;
		usleep(1000);	/* stay below the RX ring and socket buffer sizes */
	}
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (poll(&pfd, 1, WAIT_MS) > 0) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n == size)
			received++;
	}
	printf("sent %d received %d\n", sent, received);
	close(fd);
	return sent == count ? 0 : 1;
}
