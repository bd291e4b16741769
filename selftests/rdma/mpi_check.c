// SPDX-License-Identifier: GPL-2.0
/*
 * mpi_check - an MPI program that checks what it receives, for the EFA suites:
 * point-to-point (rank 0 with every other rank, 8 B to 1 MiB, both ways), collectives
 * (allreduce, alltoall, bcast from the last rank, barrier) and one-sided calls (put, get and
 * accumulate between neighbours in fence epochs). Every buffer carries a pattern of
 * (sender, receiver, round, index), so a byte from the wrong message or place is caught.
 *
 *   mpirun ... mpi_check            the checks; rank 0 prints "mpi_check: N passed, N failed"
 *   mpirun -np 2 ... mpi_check -l N 8-byte ping-pong between ranks 0 and 1: N round trips,
 *                                   rank 0 prints the one-way latency in µs
 *   mpirun -np 2 ... mpi_check -b N 1 MiB messages from rank 0 to 1, N of them: MB/s
 *
 * Exit status 0 when every check passed on every rank.
 */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int rank, size;
static long failed, passed;

static void check(int ok, const char *what, int peer)
{
	if (ok) {
		passed++;
		return;
	}
	failed++;
	fprintf(stderr, "mpi_check: rank %d: %s (peer %d) FAILED\n", rank, what, peer);
}

/* The byte at @i of a message from @from to @to in round @r. */
static uint8_t pattern(int from, int to, int r, size_t i)
{
	uint64_t x = (uint64_t)from * 0x9e3779b97f4a7c15ull ^ (uint64_t)to * 0xbf58476d1ce4e5b9ull ^
		     (uint64_t)r * 0x94d049bb133111ebull ^ i * 0x2545f4914f6cdd1dull;

	return (uint8_t)(x >> 29 ^ x >> 53);
}

static void fill(uint8_t *b, size_t n, int from, int to, int r)
{
	for (size_t i = 0; i < n; i++)
		b[i] = pattern(from, to, r, i);
}

static int matches(const uint8_t *b, size_t n, int from, int to, int r)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != pattern(from, to, r, i))
			return 0;
	return 1;
}

static void point_to_point(void)
{
	static const size_t sizes[] = { 8, 4096, 65536, 1 << 20 };
	size_t max = 1 << 20;
	uint8_t *tx = malloc(max), *rx = malloc(max);
	char what[64];

	for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];

		snprintf(what, sizeof(what), "send/recv of %zu bytes", n);
		for (int peer = 1; peer < size; peer++) {
			int r = (int)s * 100 + peer;

			if (rank == 0) {
				fill(tx, n, 0, peer, r);
				MPI_Send(tx, (int)n, MPI_BYTE, peer, r, MPI_COMM_WORLD);
				memset(rx, 0, n);
				MPI_Recv(rx, (int)n, MPI_BYTE, peer, r, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
				check(matches(rx, n, peer, 0, r), what, peer);
			} else if (rank == peer) {
				memset(rx, 0, n);
				MPI_Recv(rx, (int)n, MPI_BYTE, 0, r, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
				check(matches(rx, n, 0, peer, r), what, 0);
				fill(tx, n, peer, 0, r);
				MPI_Send(tx, (int)n, MPI_BYTE, 0, r, MPI_COMM_WORLD);
			}
		}
	}
	free(tx);
	free(rx);
}

static void collectives(void)
{
	enum { N = 4096, CHUNK = 1024 };
	int64_t *in = malloc(N * sizeof(*in)), *out = malloc(N * sizeof(*out));
	uint8_t *a2a_tx = malloc((size_t)CHUNK * size), *a2a_rx = malloc((size_t)CHUNK * size);
	uint8_t *bc = malloc(1 << 20);
	int ok = 1;

	for (int i = 0; i < N; i++)
		in[i] = (int64_t)(rank + 1) * i;
	MPI_Allreduce(in, out, N, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
	for (int i = 0; i < N; i++)
		ok &= out[i] == (int64_t)size * (size + 1) / 2 * i;
	check(ok, "allreduce (sum of 4096 int64)", -1);

	for (int p = 0; p < size; p++)
		fill(a2a_tx + (size_t)p * CHUNK, CHUNK, rank, p, 7);
	memset(a2a_rx, 0, (size_t)CHUNK * size);
	MPI_Alltoall(a2a_tx, CHUNK, MPI_BYTE, a2a_rx, CHUNK, MPI_BYTE, MPI_COMM_WORLD);
	ok = 1;
	for (int p = 0; p < size; p++)
		ok &= matches(a2a_rx + (size_t)p * CHUNK, CHUNK, p, rank, 7);
	check(ok, "alltoall (1 KiB to every rank)", -1);

	if (rank == size - 1)
		fill(bc, 1 << 20, size - 1, -1, 9);
	else
		memset(bc, 0, 1 << 20);
	MPI_Bcast(bc, 1 << 20, MPI_BYTE, size - 1, MPI_COMM_WORLD);
	check(matches(bc, 1 << 20, size - 1, -1, 9), "bcast of 1 MiB from the last rank", size - 1);
	check(MPI_Barrier(MPI_COMM_WORLD) == MPI_SUCCESS, "barrier", -1);
	free(in);
	free(out);
	free(a2a_tx);
	free(a2a_rx);
	free(bc);
}

static void one_sided(void)
{
	enum { N = 8192 };
	int right = (rank + 1) % size, left = (rank + size - 1) % size;
	uint8_t *win_buf, *src = malloc(N), *got = malloc(N);
	int64_t *acc, one[16];
	MPI_Win win, acc_win;

	MPI_Alloc_mem(N, MPI_INFO_NULL, &win_buf);
	MPI_Alloc_mem(16 * sizeof(int64_t), MPI_INFO_NULL, &acc);
	memset(win_buf, 0, N);
	memset(acc, 0, 16 * sizeof(int64_t));
	MPI_Win_create(win_buf, N, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &win);
	MPI_Win_create(acc, 16 * sizeof(int64_t), sizeof(int64_t), MPI_INFO_NULL, MPI_COMM_WORLD,
		       &acc_win);

	/* Put to the right neighbour: after the fence, the left one's bytes are here. */
	fill(src, N, rank, right, 11);
	MPI_Win_fence(0, win);
	MPI_Put(src, N, MPI_BYTE, right, 0, N, MPI_BYTE, win);
	MPI_Win_fence(0, win);
	check(matches(win_buf, N, left, rank, 11), "put into the right neighbour's window", left);

	/* Get from the left neighbour's window what its own left neighbour put there. */
	memset(got, 0, N);
	MPI_Win_fence(0, win);
	MPI_Get(got, N, MPI_BYTE, left, 0, N, MPI_BYTE, win);
	MPI_Win_fence(0, win);
	check(matches(got, N, (left + size - 1) % size, left, 11), "get from the left neighbour's window",
	      left);

	/* Every rank adds rank+1 to every slot of rank 0's window. */
	for (int i = 0; i < 16; i++)
		one[i] = rank + 1;
	MPI_Win_fence(0, acc_win);
	MPI_Accumulate(one, 16, MPI_INT64_T, 0, 0, 16, MPI_INT64_T, MPI_SUM, acc_win);
	MPI_Win_fence(0, acc_win);
	if (rank == 0) {
		int ok = 1;

		for (int i = 0; i < 16; i++)
			ok &= acc[i] == (int64_t)size * (size + 1) / 2;
		check(ok, "accumulate (sum) into rank 0's window", -1);
	}
	MPI_Win_free(&acc_win);
	MPI_Win_free(&win);
	MPI_Free_mem(acc);
	MPI_Free_mem(win_buf);
	free(src);
	free(got);
}

static void latency(long iters)
{
	char b[8] = { 0 };
	double t0;

	if (size < 2)
		return;
	for (int warm = 1; warm >= 0; warm--) {
		long n = warm ? iters / 10 + 1 : iters;

		MPI_Barrier(MPI_COMM_WORLD);
		t0 = MPI_Wtime();
		for (long i = 0; i < n; i++) {
			if (rank == 0) {
				MPI_Send(b, 8, MPI_BYTE, 1, 1, MPI_COMM_WORLD);
				MPI_Recv(b, 8, MPI_BYTE, 1, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
			} else if (rank == 1) {
				MPI_Recv(b, 8, MPI_BYTE, 0, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
				MPI_Send(b, 8, MPI_BYTE, 0, 1, MPI_COMM_WORLD);
			}
		}
	}
	if (rank == 0)
		printf("mpi_check: 8-byte ping-pong, %ld round trips: %.2f usec one-way\n", iters,
		       (MPI_Wtime() - t0) * 1e6 / (2.0 * iters));
}

static void bandwidth(long iters)
{
	enum { SZ = 1 << 20 };
	uint8_t *b = calloc(1, SZ);
	double t0;
	char ack;

	if (size < 2)
		return;
	MPI_Barrier(MPI_COMM_WORLD);
	t0 = MPI_Wtime();
	for (long i = 0; i < iters; i++) {
		if (rank == 0)
			MPI_Send(b, SZ, MPI_BYTE, 1, 2, MPI_COMM_WORLD);
		else if (rank == 1)
			MPI_Recv(b, SZ, MPI_BYTE, 0, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	}
	if (rank == 1)
		MPI_Send(&ack, 1, MPI_BYTE, 0, 3, MPI_COMM_WORLD);
	else if (rank == 0)
		MPI_Recv(&ack, 1, MPI_BYTE, 1, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	if (rank == 0)
		printf("mpi_check: 1 MiB messages, %ld of them: %.1f MB/s\n", iters,
		       iters * (double)SZ / 1e6 / (MPI_Wtime() - t0));
	free(b);
}

int main(int argc, char **argv)
{
	char host[MPI_MAX_PROCESSOR_NAME];
	long totals[2], mine[2];
	int len, opt;
	long lat = 0, bw = 0;

	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	while ((opt = getopt(argc, argv, "l:b:")) != -1) {
		if (opt == 'l')
			lat = atol(optarg);
		else if (opt == 'b')
			bw = atol(optarg);
	}
	if (lat > 0 || bw > 0) {
		if (lat > 0)
			latency(lat);
		if (bw > 0)
			bandwidth(bw);
		MPI_Finalize();
		return 0;
	}
	MPI_Get_processor_name(host, &len);
	printf("mpi_check: rank %d of %d on %s\n", rank, size, host);
	fflush(stdout);
	point_to_point();
	collectives();
	one_sided();
	mine[0] = passed;
	mine[1] = failed;
	MPI_Reduce(mine, totals, 2, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
	if (rank == 0)
		printf("mpi_check: %ld passed, %ld failed\n", totals[0], totals[1]);
	MPI_Bcast(totals, 2, MPI_LONG, 0, MPI_COMM_WORLD);
	MPI_Finalize();
	return totals[1] ? 1 : 0;
}
