// SPDX-License-Identifier: GPL-2.0
/*
 * memwatch FILE
 *
 * The memory a checkpointer uses, seen from outside: every 5 ms, the sum
 * of /proc/meminfo's AnonPages, PageTables, KernelStack, SUnreclaim and
 * VmallocUsed (anonymous memory: the checkpointer's process and pages
 * copied on write; the rest: the kernel's).  The image, on tmpfs, is
 * Shmem and not counted.  Until SIGTERM, then writes "base_kib N
 * peak_kib N" to FILE: the first sample and the largest.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static long sample(void)
{
	static const char *const keys[] = {
		"AnonPages:", "PageTables:", "KernelStack:", "SUnreclaim:", "VmallocUsed:",
	};
	char line[128];
	long sum = 0, v;
	unsigned int i;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strncmp(line, keys[i], strlen(keys[i])) &&
			    sscanf(line + strlen(keys[i]), "%ld", &v) == 1)
				sum += v;
	fclose(f);
	return sum;
}

int main(int argc, char **argv)
{
	struct timespec nap = { 0, 5000000 };
	struct sigaction sa = { .sa_handler = on_term };
	long base, peak, v;
	FILE *out;

	if (argc != 2) {
		fprintf(stderr, "usage: memwatch FILE\n");
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	base = peak = sample();
	if (base < 0) {
		perror("memwatch: /proc/meminfo");
		return 1;
	}
	while (!stop) {
		v = sample();
		if (v > peak)
			peak = v;
		nanosleep(&nap, NULL);
	}
	out = fopen(argv[1], "w");
	if (!out) {
		perror(argv[1]);
		return 1;
	}
	fprintf(out, "base_kib %ld peak_kib %ld\n", base, peak);
	return fclose(out) ? 1 : 0;
}
