// SPDX-License-Identifier: GPL-2.0
/*
 * membw [MIB] [REPEAT]
 *
 * The memory bandwidth of this machine as the benchmark's limit: copies
 * MIB MiB (default 256) with memcpy() REPEAT times (default 5) between two
 * buffers touched beforehand, and prints the best as "memcpy_mibs N" (MiB
 * per second, bytes copied: read once and written once).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 256;
	int repeat = argc > 2 ? atoi(argv[2]) : 5;
	size_t bytes = (size_t)mib << 20;
	double best = 1e9, t;
	char *a, *b;
	int i;

	if (mib < 1 || repeat < 1) {
		fprintf(stderr, "usage: membw [MIB] [REPEAT]\n");
		return 2;
	}
	a = malloc(bytes);
	b = malloc(bytes);
	if (!a || !b) {
		fprintf(stderr, "membw: cannot allocate 2 x %ld MiB\n", mib);
		return 1;
	}
	memset(a, 1, bytes);
	memset(b, 2, bytes);
	for (i = 0; i < repeat; i++) {
		t = now();
		memcpy(i & 1 ? a : b, i & 1 ? b : a, bytes);
		t = now() - t;
		if (t < best)
			best = t;
	}
	/* keep the copies */
	if (a[bytes / 2] == 3 || b[bytes / 3] == 3)
		return 1;
	printf("memcpy_mibs %.1f\n", mib / best);
	return 0;
}
