// SPDX-License-Identifier: GPL-2.0
/*
 * timerfds -d DIR [-g SEC]
 *
 * Timerfds in several states, checked after SIGUSR1, which writes
 * "OK timerfds" or FAIL lines to DIR/result:
 *	fd 10  MONOTONIC, TFD_NONBLOCK, one shot in 1000 s
 *	fd 11  MONOTONIC, TFD_NONBLOCK|TFD_CLOEXEC, one shot that fired: 1 tick unread
 *	fd 12  REALTIME, TFD_TIMER_ABSTIME, every 50 ms, fired, unread
 *	fd 13  BOOTTIME, disarmed, interval 5 s
 *	fd 14  REALTIME, TFD_TIMER_ABSTIME, one shot at 1000 s from setup
 * The fdinfo lines "clockid", "settime flags", "it_interval", F_GETFL and
 * FD_CLOEXEC of each are compared with those at setup.  Then: fd 10 has
 * less time left than at setup, and at least SEC seconds more than the
 * time since setup would leave (-g: time the image spent on disk, which
 * does not count); fd 11 reads 1, then EAGAIN; fd 12 reads at least 1 at
 * once, then ticks again within 2 s; fd 13 is disarmed with its interval;
 * fd 14 has not fired, and has more than 900 s left, less than at setup.
 */
#include "wl.h"
#include <poll.h>
#include <stdint.h>
#include <sys/timerfd.h>

static const int fds[] = { 10, 11, 12, 13, 14 };
#define NFDS	(int)(sizeof(fds) / sizeof(fds[0]))

struct fdstate {
	short	revents;
	int	fl, fdfl;
	char	info[512];
};

static double gap;

static int opt(int c, char *arg)
{
	if (c != 'g')
		return 1;
	gap = atof(arg);
	return 0;
}

static void state(struct fdstate *s)
{
	char path[64], line[256];
	size_t used;
	FILE *f;
	int i;

	for (i = 0; i < NFDS; i++) {
		struct pollfd p = { fds[i], POLLIN, 0 };

		poll(&p, 1, 0);
		s[i].revents = p.revents;
		s[i].fl = fcntl(fds[i], F_GETFL);
		s[i].fdfl = fcntl(fds[i], F_GETFD);
		s[i].info[0] = '\0';
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fds[i]);
		f = fopen(path, "re");
		if (!f)
			wl_die("%s: %m", path);
		used = 0;
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "clockid:", 8) ||
			    !strncmp(line, "settime flags:", 14) ||
			    !strncmp(line, "it_interval:", 12))
				used += snprintf(s[i].info + used, sizeof(s[i].info) - used,
						 "%s", line);
		fclose(f);
	}
}

static void make(int fd, int clock, int flags, int tflags, double value,
		 double interval)
{
	struct itimerspec its = {
		{ (time_t)interval, (long)((interval - (time_t)interval) * 1e9) },
		{ (time_t)value, (long)((value - (time_t)value) * 1e9) },
	};
	int t = timerfd_create(clock, flags);

	if (t < 0 || dup3(t, fd, flags & TFD_CLOEXEC) != fd)
		wl_die("timerfd_create: %m");
	close(t);
	if (timerfd_settime(fd, tflags, &its, NULL))
		wl_die("timerfd_settime: %m");
}

static double left(int fd, double *interval)
{
	struct itimerspec its;

	if (timerfd_gettime(fd, &its))
		return -1;
	if (interval)
		*interval = its.it_interval.tv_sec + its.it_interval.tv_nsec / 1e9;
	return its.it_value.tv_sec + its.it_value.tv_nsec / 1e9;
}

static int64_t rd(int fd)
{
	uint64_t v;

	if (read(fd, &v, 8) != 8)
		return -errno;
	return v;
}

int main(int argc, char **argv)
{
	struct fdstate before[NFDS], after[NFDS];
	double t0, rem0, rem, iv, elapsed, abs0, abs;
	int64_t v;
	int i;

	wl_init(argc, argv, "g:", opt);
	make(10, CLOCK_MONOTONIC, TFD_NONBLOCK, 0, 1000, 0);
	make(11, CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC, 0, 0.01, 0);
	make(12, CLOCK_REALTIME, 0, TFD_TIMER_ABSTIME, wl_now(CLOCK_REALTIME) + 0.02, 0.05);
	make(13, CLOCK_BOOTTIME, 0, 0, 0, 5);
	make(14, CLOCK_REALTIME, 0, TFD_TIMER_ABSTIME, wl_now(CLOCK_REALTIME) + 1000, 0);
	wl_msleep(100);
	state(before);
	t0 = wl_now(CLOCK_MONOTONIC);
	rem0 = left(10, NULL);
	abs0 = left(14, NULL);
	wl_catch_usr1();
	wl_ready();
	wl_wait_usr1();

	elapsed = wl_now(CLOCK_MONOTONIC) - t0;
	rem = left(10, NULL);
	abs = left(14, NULL);
	state(after);
	for (i = 0; i < NFDS; i++)
		if (after[i].fl != before[i].fl || after[i].fdfl != before[i].fdfl ||
		    strcmp(after[i].info, before[i].info))
			wl_fail("fd %d: flags %#o/%d [%s], was %#o/%d [%s]", fds[i],
				after[i].fl, after[i].fdfl, after[i].info, before[i].fl,
				before[i].fdfl, before[i].info);
	if (after[0].revents || after[1].revents != POLLIN ||
	    after[2].revents != POLLIN || after[3].revents || after[4].revents)
		wl_fail("readiness %#x %#x %#x %#x %#x, want 0 POLLIN POLLIN 0 0",
			after[0].revents, after[1].revents, after[2].revents,
			after[3].revents, after[4].revents);
	if (abs > abs0 || abs < 900)
		wl_fail("fd 14: %.3f s left, %.3f at setup", abs, abs0);
	/* the two clock readings of each pair are not one instant: 50 ms */
	if (rem > rem0 || rem < rem0 - elapsed + gap - 0.05 || rem < 900)
		wl_fail("fd 10: %.3f s left, %.3f at setup, %.3f s ago, %.1f s not counted",
			rem, rem0, elapsed, gap);
	if ((v = rd(11)) != 1)
		wl_fail("fd 11 reads %lld, want 1", (long long)v);
	if ((v = rd(11)) != -EAGAIN)
		wl_fail("fd 11 reads %lld again, want -EAGAIN", (long long)v);
	if ((v = rd(12)) < 1)
		wl_fail("fd 12 reads %lld, want at least 1", (long long)v);
	else {
		struct pollfd p = { 12, POLLIN, 0 };

		if (poll(&p, 1, 2000) != 1 || (v = rd(12)) < 1)
			wl_fail("fd 12 does not tick again within 2 s");
	}
	if (left(13, &iv) != 0 || iv != 5)
		wl_fail("fd 13: %.3f s left, interval %.3f, want disarmed, 5", left(13, NULL), iv);
	if (!wl_failures)
		wl_put("result", 1, "OK timerfds\n");
	for (;;)
		pause();
}
