// SPDX-License-Identifier: GPL-2.0
/*
 * threads [-d DIR] [-n N] [-t MS]
 *
 * A process with N worker threads (default 8) besides the main one.  Worker
 * i does, by i % 4:
 *	0  counts in a loop, every MS milliseconds (default 5): a __thread variable (TLS, fs base) that must stay
 *	   i, a counter and a double that must stay in step, its own signal
 *	   mask (SIGRTMIN + i % 8 blocked) and its own sigaltstack; and its
 *	   rseq registration (glibc's): it spoils rseq->cpu_id before each
 *	   sleep, and the kernel must have written it again after
 *	1  waits in pthread_cond_wait() for the main thread's "go"
 *	2  waits in pthread_join() for worker i - 1
 *	3  holds a robust mutex, waits for "go" and exits holding it
 * Every worker blocks SIGUSR1 and SIGUSR2: they go to the main thread.
 *
 * SIGUSR2: check the counting workers (they move, TLS, masks, alt stacks)
 * and append "OK check" to DIR/result.  SIGUSR1: the same, then "go": the
 * waiters wake, the joiners return, the holders exit, the robust mutexes
 * they held report EOWNERDEAD; append "OK threads N" and exit.
 */
#include "wl.h"
#include <pthread.h>
#include <sys/rseq.h>

#define MAXT	256

static int n = 8, period = 5;
static pthread_t tid[MAXT];
static pid_t ktid[MAXT];
static volatile unsigned long count[MAXT];
static volatile int bad[MAXT], bad_rseq[MAXT], woke[MAXT], joined[MAXT], stop;
static void *altstack[MAXT];
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t robust[MAXT];
static int go;
static __thread long tls_id = -1;
static volatile sig_atomic_t usr2;

static int opt(int ch, char *arg)
{
	if (ch == 't') {
		period = atoi(arg);
		return period < 1 || period > 100;
	}
	if (ch != 'n')
		return -1;
	n = atoi(arg);
	return n < 1 || n > MAXT;
}

static void on_usr2(int sig)
{
	(void)sig;
	usr2 = 1;
}

static void wait_go(void)
{
	pthread_mutex_lock(&m);
	while (!go)
		pthread_cond_wait(&c, &m);
	pthread_mutex_unlock(&m);
}

/* Mask and alt stack as this worker set them; checked in its own loop. */
static int my_state_ok(long i)
{
	sigset_t cur;
	stack_t ss;

	if (pthread_sigmask(SIG_BLOCK, NULL, &cur) ||
	    !sigismember(&cur, SIGRTMIN + i % 8) ||
	    sigismember(&cur, SIGRTMIN + (i + 1) % 8) || !sigismember(&cur, SIGUSR1))
		return 0;
	if (sigaltstack(NULL, &ss) || ss.ss_sp != altstack[i] || ss.ss_size != 65536)
		return 0;
	return 1;
}

/* glibc's rseq area of the calling thread */
static struct rseq *my_rseq(void)
{
	char *tp;

	__asm__ ("mov %%fs:0, %0" : "=r" (tp));
	return (struct rseq *)(tp + __rseq_offset);
}

#define CPU_ID_SPOILED	0x7ffffff0u

static void *worker(void *arg)
{
	long i = (long)arg;
	volatile double f = 0;
	sigset_t set;
	stack_t ss;

	tls_id = i;
	ktid[i] = gettid();
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN + i % 8);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	switch (i % 4) {
	case 0:
		altstack[i] = malloc(65536);
		ss.ss_sp = altstack[i];
		ss.ss_size = 65536;
		ss.ss_flags = 0;
		if (!altstack[i] || sigaltstack(&ss, NULL))
			bad[i] = 1;
		while (!stop) {
			volatile struct rseq *rs = my_rseq();

			count[i]++;
			f += 0.5;
			if (tls_id != i || f != count[i] * 0.5 || !my_state_ok(i))
				bad[i] = 1;
			/* a sleep switches out: the kernel rewrites cpu_id */
			rs->cpu_id = CPU_ID_SPOILED;
			wl_msleep(period);
			if (rs->cpu_id == CPU_ID_SPOILED)
				bad_rseq[i] = 1;
		}
		break;
	case 1:
		wait_go();
		woke[i] = 1;
		break;
	case 2:
		if (!pthread_join(tid[i - 1], NULL) && woke[i - 1])
			joined[i] = 1;
		break;
	case 3:
		if (pthread_mutex_lock(&robust[i]))
			bad[i] = 1;
		wait_go();
		break;
	}
	return NULL;
}

static void check(void)
{
	unsigned long before[MAXT];
	int i;

	for (i = 0; i < n; i++)
		before[i] = count[i];
	wl_msleep(300);
	for (i = 0; i < n; i += 4) {
		if (bad[i])
			wl_fail("worker %d (tid %d): TLS, FPU, mask or alt stack wrong", i, ktid[i]);
		if (bad_rseq[i])
			wl_fail("worker %d (tid %d): rseq cpu_id not updated (registration lost)",
				i, ktid[i]);
		if (count[i] == before[i])
			wl_fail("worker %d (tid %d) does not move", i, ktid[i]);
	}
}

int main(int argc, char **argv)
{
	pthread_mutexattr_t ma;
	struct sigaction sa;
	long i;
	int ret;

	wl_init(argc, argv, "n:t:", opt);
	if (!__rseq_size)
		wl_die("glibc registered no rseq area (glibc.pthread.rseq=0?)");
	wl_catch_usr1();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sigaction(SIGUSR2, &sa, NULL);
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	for (i = 0; i < n; i++)
		pthread_mutex_init(&robust[i], &ma);
	for (i = 0; i < n; i++)
		if (pthread_create(&tid[i], NULL, worker, (void *)i))
			wl_die("pthread_create failed");
	/* Until every worker is where it waits. */
	for (i = 0; i < n; i++)
		while (!ktid[i] || (i % 4 == 0 && !count[i]))
			wl_msleep(1);
	wl_msleep(50);
	wl_put("info", 0, "threads %d\n", n + 1);
	wl_ready();

	for (;;) {
		pause();
		if (usr2) {
			usr2 = 0;
			wl_failures = 0;
			check();
			if (!wl_failures)
				wl_put("result", 1, "OK check\n");
		}
		if (wl_usr1)
			break;
	}

	wl_failures = 0;
	check();
	pthread_mutex_lock(&m);
	go = 1;
	pthread_cond_broadcast(&c);
	pthread_mutex_unlock(&m);
	stop = 1;
	for (i = 0; i < n; i++)
		if (i % 4 != 2 && i % 4 != 1)
			pthread_join(tid[i], NULL);
	/* Joiners join the waiters; wait for the joiners themselves. */
	for (i = 2; i < n; i += 4)
		pthread_join(tid[i], NULL);
	for (i = 1; i < n; i += 4)
		if (!woke[i] || (i + 1 < n && !joined[i + 1]))
			wl_fail("worker %ld: woke %d, joined by %ld: %d", i, woke[i], i + 1,
				i + 1 < n ? joined[i + 1] : -1);
	for (i = 3; i < n; i += 4) {
		ret = pthread_mutex_lock(&robust[i]);
		if (ret != EOWNERDEAD)
			wl_fail("robust mutex of worker %ld: %s, expected EOWNERDEAD", i,
				strerror(ret));
	}
	if (!wl_failures)
		wl_put("result", 1, "OK threads %d\n", n + 1);
	return wl_failures != 0;
}
