// SPDX-License-Identifier: GPL-2.0
/*
 * bwl -d DIR [-m MIB] [-n PROCS] [-t THREADS] [-v MAPPINGS] [-s SEED]
 *
 * The benchmark workload: one program for every shape the benchmark
 * checkpoints, so that ckpt and CRIU see the same thing.  It sets up its
 * state, creates DIR/ready, and then the first process counts (every
 * 20 ms) until it is killed.
 *
 *	(no option)  a tiny counter
 *	-m MIB       MIB MiB of private anonymous memory, every word written
 *	             with a pattern derived from SEED and its offset
 *	-n PROCS     a tree of PROCS processes (the first counts): process k
 *	             forks processes 4k+1 .. 4k+4; each fills 64 KiB of heap
 *	-t THREADS   THREADS threads besides the main one, each counting in
 *	             its own slot every 500 ms
 *	-v MAPPINGS  MAPPINGS one-page private anonymous mappings, separated by
 *	             holes so that they cannot merge, each written
 *
 * SIGUSR1 to a process: it checks its memory against the pattern (and its
 * parent, in a tree; and that every thread moves, with -t) and appends
 * "OK PID count N" or "FAIL PID ..." to DIR/result.  SIGUSR2 to the first
 * process: it appends "count N".  So after a restart the benchmark knows
 * that memory came back bit for bit and that the counter keeps going.
 */
#include "../../tests/workloads/wl.h"
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define PAGE		4096UL
#define TREE_MEM	(64 * 1024)
#define FANOUT		4
#define MAXT		1024

static long mib, nprocs = 1, nthreads, nmaps;
static uint64_t seed = 1;
static int idx;			/* index in the tree, 0: the first process */
static pid_t my_ppid;
static uint64_t *mem;		/* -m, or the tree's heap */
static size_t mem_bytes;
static char *maps;		/* -v: the first page; page 2k is mapping k */
static volatile unsigned long count;
static volatile unsigned long tcount[MAXT];
static volatile sig_atomic_t usr2;

static int opt(int c, char *arg)
{
	switch (c) {
	case 'm': mib = atol(arg); return mib < 1;
	case 'n': nprocs = atol(arg); return nprocs < 1 || nprocs > 100000;
	case 't': nthreads = atol(arg); return nthreads < 1 || nthreads > MAXT;
	case 'v': nmaps = atol(arg); return nmaps < 1;
	case 's': seed = strtoull(arg, NULL, 0); return 0;
	}
	return -1;
}

static inline uint64_t pattern(uint64_t k)
{
	return ((k ^ seed) + (uint64_t)idx * 0x100000001ULL) * 0x9e3779b97f4a7c15ULL + 1;
}

static void fill(uint64_t *p, size_t bytes, uint64_t base)
{
	for (size_t k = 0; k < bytes / 8; k++)
		p[k] = pattern(base + k);
}

/* Words that differ from the pattern; *first: the first one's offset. */
static size_t check(const uint64_t *p, size_t bytes, uint64_t base, size_t *first)
{
	size_t bad = 0;

	for (size_t k = 0; k < bytes / 8; k++) {
		if (p[k] != pattern(base + k)) {
			if (!bad)
				*first = k * 8;
			bad++;
		}
	}
	return bad;
}

static void on_usr2(int sig)
{
	(void)sig;
	usr2 = 1;
}

static void *worker(void *arg)
{
	long i = (long)arg;

	for (;;) {
		tcount[i]++;
		wl_msleep(500);
	}
	return NULL;
}

/* Every check of SIGUSR1; one result line. */
static void verify(void)
{
	char why[256] = "";
	size_t first = 0, bad;
	long i;

	if (mem) {
		bad = check(mem, mem_bytes, 0, &first);
		if (bad)
			snprintf(why, sizeof(why), "memory: %zu bad words, the first at +%zu",
				 bad, first);
	}
	for (i = 0; !why[0] && i < nmaps; i++) {
		bad = check((uint64_t *)(maps + 2 * i * PAGE), PAGE, 1000000 + i * 512, &first);
		if (bad)
			snprintf(why, sizeof(why), "mapping %ld: %zu bad words", i, bad);
	}
	if (!why[0] && idx && getppid() != my_ppid)
		snprintf(why, sizeof(why), "parent %d, was %d", getppid(), my_ppid);
	if (!why[0] && nthreads) {
		unsigned long before[MAXT];

		for (i = 0; i < nthreads; i++)
			before[i] = tcount[i];
		wl_msleep(1200);
		for (i = 0; !why[0] && i < nthreads; i++)
			if (tcount[i] == before[i])
				snprintf(why, sizeof(why), "thread %ld does not move", i);
	}
	if (why[0])
		wl_put("result", 1, "FAIL %d %s\n", getpid(), why);
	else
		wl_put("result", 1, "OK %d count %lu\n", getpid(), count);
}

/* The tree: fork the children of process @idx; returns in each process. */
static void tree(void)
{
	long k, c;
	pid_t pid;

	for (k = 1; k <= FANOUT; k++) {
		c = idx * FANOUT + k;
		if (c >= nprocs)
			break;
		pid = fork();
		if (pid < 0)
			wl_die("fork: %m");
		if (!pid) {
			my_ppid = getppid();
			idx = c;
			tree();
			return;
		}
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	pthread_t t;
	long i;

	wl_init(argc, argv, "m:n:t:v:s:", opt);
	if (!wl_dir)
		wl_die("usage: bwl -d DIR [-m MIB] [-n PROCS] [-t THREADS] [-v MAPPINGS] [-s SEED]");
	wl_catch_usr1();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);

	if (mib) {
		mem_bytes = (size_t)mib << 20;
		mem = mmap(NULL, mem_bytes, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED)
			wl_die("mmap %ld MiB: %m", mib);
		fill(mem, mem_bytes, 0);
	}
	if (nmaps) {
		maps = mmap(NULL, 2 * nmaps * PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (maps == MAP_FAILED)
			wl_die("mmap %ld mappings: %m", nmaps);
		for (i = 0; i < nmaps; i++) {
			if (munmap(maps + (2 * i + 1) * PAGE, PAGE))
				wl_die("munmap: %m");
			fill((uint64_t *)(maps + 2 * i * PAGE), PAGE, 1000000 + i * 512);
		}
	}
	if (nprocs > 1) {
		tree();
		mem_bytes = TREE_MEM;
		mem = malloc(TREE_MEM);
		if (!mem)
			wl_die("malloc");
		fill(mem, mem_bytes, 0);
	}
	if (nthreads) {
		sigset_t set, old;

		/* Signals are for the main thread. */
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigaddset(&set, SIGUSR2);
		pthread_sigmask(SIG_BLOCK, &set, &old);
		for (i = 0; i < nthreads; i++)
			if (pthread_create(&t, NULL, worker, (void *)i))
				wl_die("pthread_create failed");
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}

	if (idx) {
		wl_put("up", 1, "up %d %ld\n", getpid(), (long)idx);
		for (;;) {
			pause();
			if (wl_usr1) {
				wl_usr1 = 0;
				verify();
			}
		}
	}
	if (nprocs > 1)
		wl_put("up", 1, "up %d 0\n", getpid());
	wl_ready();
	for (;;) {
		count++;
		if (wl_usr1) {
			wl_usr1 = 0;
			verify();
		}
		if (usr2) {
			usr2 = 0;
			wl_put("result", 1, "count %lu\n", count);
		}
		wl_msleep(20);
	}
}
