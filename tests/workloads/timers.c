// SPDX-License-Identifier: GPL-2.0
/*
 * timers -d DIR itimers|alarm|posix|cputimer
 *
 * itimers: ITIMER_REAL 60 s every 20 s, ITIMER_VIRTUAL 50 s every 5 s,
 * ITIMER_PROF 40 s every 7 s.  alarm: alarm(90).  posix: a timer that is
 * deleted (so ids do not start at 0), a CLOCK_MONOTONIC timer sending
 * SIGRTMIN+3 with value 777 every 0.3 s, and a SIGEV_NONE CLOCK_BOOTTIME
 * timer of 80 s every 9 s.  cputimer: a CLOCK_PROCESS_CPUTIME_ID timer,
 * which checkpoint refuses.
 *
 * On each SIGUSR1 it checks what did not change (intervals, ids, signal
 * values, ticks still coming) and writes the time left of each timer in
 * seconds: "OK itimers REAL VIRT PROF", "OK alarm REAL", "OK posix TICKS
 * PERIODIC NONE"; the caller compares them between checks.
 */
#include "wl.h"
#include <sys/time.h>

static double ts(const struct timespec *t)
{
	return t->tv_sec + t->tv_nsec / 1e9;
}

static double tv(const struct timeval *t)
{
	return t->tv_sec + t->tv_usec / 1e6;
}

static void set_it(int which, long value, long interval)
{
	struct itimerval it = { { interval, 0 }, { value, 0 } };

	if (setitimer(which, &it, NULL))
		wl_die("setitimer %d: %m", which);
}

static double get_it(int which, long interval)
{
	struct itimerval it;

	getitimer(which, &it);
	if (it.it_interval.tv_sec != interval || it.it_interval.tv_usec)
		wl_fail("itimer %d: interval %.6f, expected %ld", which,
			tv(&it.it_interval), interval);
	if (!it.it_value.tv_sec && !it.it_value.tv_usec)
		wl_fail("itimer %d: disarmed", which);
	return tv(&it.it_value);
}

static timer_t periodic, none;
static volatile sig_atomic_t ticks, bad_ticks;

static void tick(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (si->si_code != SI_TIMER || si->si_value.sival_int != 777 ||
	    si->si_timerid != (int)(long)periodic)
		bad_ticks++;
	ticks++;
}

static void posix_setup(void)
{
	struct itimerspec p = { { 0, 300000000 }, { 0, 300000000 } };
	struct itimerspec n = { { 9, 0 }, { 80, 0 } };
	struct sigevent ev;
	struct sigaction sa;
	timer_t dummy;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = tick;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGRTMIN + 3, &sa, NULL);
	if (timer_create(CLOCK_MONOTONIC, NULL, &dummy) || timer_delete(dummy))
		wl_die("timer_create: %m");
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGRTMIN + 3;
	ev.sigev_value.sival_int = 777;
	if (timer_create(CLOCK_MONOTONIC, &ev, &periodic))
		wl_die("timer_create: %m");
	ev.sigev_notify = SIGEV_NONE;
	if (timer_create(CLOCK_BOOTTIME, &ev, &none))
		wl_die("timer_create: %m");
	if (timer_settime(periodic, 0, &p, NULL) || timer_settime(none, 0, &n, NULL))
		wl_die("timer_settime: %m");
	wl_put("info", 0, "ids %ld %ld\n", (long)periodic, (long)none);
}

static void posix_check(void)
{
	struct itimerspec p, n;
	int before = ticks;
	double end;

	if (timer_gettime(periodic, &p) || timer_gettime(none, &n)) {
		wl_fail("timer_gettime %ld %ld: %m", (long)periodic, (long)none);
		return;
	}
	if (p.it_interval.tv_sec || p.it_interval.tv_nsec != 300000000)
		wl_fail("periodic interval %.9f", ts(&p.it_interval));
	if (n.it_interval.tv_sec != 9 || n.it_interval.tv_nsec)
		wl_fail("SIGEV_NONE interval %.9f", ts(&n.it_interval));
	end = wl_now(CLOCK_MONOTONIC) + 1.0;
	while (wl_now(CLOCK_MONOTONIC) < end)
		wl_msleep(50);
	if (ticks < before + 2)
		wl_fail("periodic timer: %d ticks in 1 s", ticks - before);
	if (bad_ticks)
		wl_fail("%d ticks with a wrong siginfo", (int)bad_ticks);
	if (!wl_failures)
		wl_put("result", 1, "OK posix %d %.3f %.3f\n", (int)ticks,
		       ts(&p.it_value), ts(&n.it_value));
}

int main(int argc, char **argv)
{
	const char *mode;
	double r, v, p;
	int i;

	i = wl_init(argc, argv, "", NULL);
	if (i >= argc)
		wl_die("usage: timers -d DIR itimers|alarm|posix|cputimer");
	mode = argv[i];
	wl_catch_usr1();
	signal(SIGALRM, SIG_IGN);
	signal(SIGVTALRM, SIG_IGN);
	signal(SIGPROF, SIG_IGN);
	if (!strcmp(mode, "itimers")) {
		set_it(ITIMER_REAL, 60, 20);
		set_it(ITIMER_VIRTUAL, 50, 5);
		set_it(ITIMER_PROF, 40, 7);
	} else if (!strcmp(mode, "alarm")) {
		alarm(90);
	} else if (!strcmp(mode, "posix")) {
		posix_setup();
	} else if (!strcmp(mode, "cputimer")) {
		struct itimerspec c = { { 0, 0 }, { 1000, 0 } };
		timer_t t;

		if (timer_create(CLOCK_PROCESS_CPUTIME_ID, NULL, &t) ||
		    timer_settime(t, 0, &c, NULL))
			wl_die("timer_create: %m");
	} else {
		wl_die("unknown mode %s", mode);
	}
	wl_ready();
	for (;;) {
		wl_wait_usr1();
		wl_failures = 0;
		if (!strcmp(mode, "itimers")) {
			r = get_it(ITIMER_REAL, 20);
			v = get_it(ITIMER_VIRTUAL, 5);
			p = get_it(ITIMER_PROF, 7);
			if (!wl_failures)
				wl_put("result", 1, "OK itimers %.3f %.3f %.3f\n", r, v, p);
		} else if (!strcmp(mode, "alarm")) {
			r = get_it(ITIMER_REAL, 0);
			if (!wl_failures)
				wl_put("result", 1, "OK alarm %.3f\n", r);
		} else if (!strcmp(mode, "posix")) {
			posix_check();
		} else {
			wl_put("result", 1, "OK cputimer\n");
		}
	}
}
