// SPDX-License-Identifier: GPL-2.0
/*
 * blocker [-d DIR] pause|sigsuspend|nanosleep [SECONDS]
 *
 * Reports ready and blocks in exactly one call, so that a checkpoint finds
 * it inside that call, then reports how the call ended in DIR/result and
 * exits 0:
 *	pause		"OK pause" if it returned because of SIGUSR1
 *	sigsuspend	"OK sigsuspend" if it returned because of SIGUSR1 and
 *			the mask in force before the call (SIGUSR1 blocked)
 *			is back
 *	nanosleep	"OK nanosleep slept_ms MS woke_at REALTIME_S" if it
 *			returned 0 after at least SECONDS (default 4)
 * Anything else is "FAIL ...".
 */
#include "wl.h"

int main(int argc, char **argv)
{
	struct timespec ts, rem = { 0, 0 };
	double t0, t1, secs = 4;
	const char *mode;
	sigset_t set, old;
	int i, r, err;

	i = wl_init(argc, argv, "", NULL);
	if (i >= argc)
		wl_die("usage: blocker [-d DIR] pause|sigsuspend|nanosleep [SECONDS]");
	mode = argv[i];
	if (i + 1 < argc)
		secs = atof(argv[i + 1]);
	wl_catch_usr1();

	if (!strcmp(mode, "pause")) {
		wl_ready();
		r = pause();
		err = errno;
		if (r == -1 && err == EINTR && wl_usr1)
			wl_put("result", 1, "OK pause\n");
		else
			wl_put("result", 1, "FAIL pause returned %d (%s), signal %d\n",
			       r, strerror(err), (int)wl_usr1);
	} else if (!strcmp(mode, "sigsuspend")) {
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		sigemptyset(&set);
		wl_ready();
		r = sigsuspend(&set);
		err = errno;
		sigprocmask(SIG_BLOCK, NULL, &old);
		if (r == -1 && err == EINTR && wl_usr1 && sigismember(&old, SIGUSR1))
			wl_put("result", 1, "OK sigsuspend\n");
		else
			wl_put("result", 1, "FAIL sigsuspend returned %d (%s), signal %d, SIGUSR1 blocked %d\n",
			       r, strerror(err), (int)wl_usr1,
			       sigismember(&old, SIGUSR1));
	} else if (!strcmp(mode, "nanosleep")) {
		ts.tv_sec = (time_t)secs;
		ts.tv_nsec = (long)((secs - (time_t)secs) * 1e9);
		t0 = wl_now(CLOCK_MONOTONIC);
		wl_put("info", 0, "start_realtime %.3f\n", wl_now(CLOCK_REALTIME));
		wl_ready();
		r = nanosleep(&ts, &rem);
		err = errno;
		t1 = wl_now(CLOCK_MONOTONIC);
		if (r == 0 && t1 - t0 >= secs)
			wl_put("result", 1, "OK nanosleep slept_ms %.0f woke_at %.3f\n",
			       (t1 - t0) * 1000, wl_now(CLOCK_REALTIME));
		else
			wl_put("result", 1, "FAIL nanosleep returned %d (%s) after %.0f ms, rem %ld.%09ld\n",
			       r, strerror(err), (t1 - t0) * 1000,
			       (long)rem.tv_sec, rem.tv_nsec);
	} else {
		wl_die("unknown mode %s", mode);
	}
	return 0;
}
