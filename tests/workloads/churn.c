// SPDX-License-Identifier: GPL-2.0
/*
 * churn -d DIR [-t MS]
 *
 * Forks and exits all the time, so that checkpoints catch tasks being
 * born and dying: every MS ms (default 10) the main thread forks a child
 * that exits at once with a status derived from its sequence number, and
 * reaps without blocking; a second thread creates and joins a short-lived
 * thread just as often.
 *
 * Every reaped pid must be one it forked and not reaped yet, with the
 * status it exits with; waitpid() must never say ECHILD while it has
 * children out; every join must return the thread's own value.
 * Violations are written to DIR/result as they happen.  On SIGUSR1 it
 * writes "OK churn forked F reaped R joined J" (or the failures).
 */
#include "wl.h"
#include <pthread.h>
#include <sys/wait.h>

#define MAXOUT	4096

static long period = 10;
static pid_t out[MAXOUT];	/* children not reaped yet, by slot */
static int out_status[MAXOUT];
static int nr_out;
static unsigned long forked, reaped;
static volatile unsigned long joined;
static volatile int thread_fail;

static int opt(int c, char *arg)
{
	if (c != 't')
		return 1;
	period = atol(arg);
	return period <= 0;
}

static void *short_thread(void *arg)
{
	return arg;
}

static void *joiner(void *arg)
{
	(void)arg;
	for (unsigned long i = 1;; i++) {
		pthread_t t;
		void *ret;

		if (pthread_create(&t, NULL, short_thread, (void *)i) ||
		    pthread_join(t, &ret)) {
			thread_fail = 1;
			return NULL;
		}
		if (ret != (void *)i) {
			thread_fail = 2;
			return NULL;
		}
		joined = i;
		wl_msleep(period);
	}
}

static void reap(int block)
{
	for (;;) {
		int status, i;
		pid_t p = waitpid(-1, &status, block ? 0 : WNOHANG);

		if (p == 0)
			return;
		if (p < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD && nr_out)
				wl_fail("ECHILD with %d children out, the first %d",
					nr_out, out[0]);
			return;
		}
		for (i = 0; i < nr_out; i++)
			if (out[i] == p)
				break;
		if (i == nr_out) {
			wl_fail("reaped %d, which is not a child out", p);
			continue;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != out_status[i])
			wl_fail("child %d: status %#x, not exit %d", p, status,
				out_status[i]);
		out[i] = out[nr_out - 1];
		out_status[i] = out_status[nr_out - 1];
		nr_out--;
		reaped++;
		block = 0;
	}
}

int main(int argc, char **argv)
{
	pthread_t t;

	wl_init(argc, argv, "t:", opt);
	wl_catch_usr1();
	if (pthread_create(&t, NULL, joiner, NULL))
		wl_die("pthread_create");
	wl_ready();
	for (;;) {
		if (wl_usr1) {
			wl_usr1 = 0;
			if (thread_fail)
				wl_fail("thread join %d", thread_fail);
			else
				wl_put("result", 1, "OK churn forked %lu reaped %lu joined %lu\n",
				       forked, reaped, joined);
		}
		if (nr_out < MAXOUT) {
			int code = (forked * 7 + 3) & 0x7f;
			pid_t p = fork();

			if (p < 0)
				wl_die("fork: %m");
			if (p == 0)
				_exit(code);
			out[nr_out] = p;
			out_status[nr_out++] = code;
			forked++;
		}
		reap(nr_out >= MAXOUT);
		wl_msleep(period);
	}
}
