// SPDX-License-Identifier: GPL-2.0
/*
 * epolls -d DIR [-c] [-n N]
 *
 * Sets up two epoll instances, waits; SIGUSR1 verifies once what a series
 * of epoll_wait() calls report, writing "OK epolls" or FAIL lines to
 * DIR/result.  Instance fd 30 watches
 *	fd 20  read end of a pipe holding "hello", EPOLLIN, data 0x1111
 *	fd 22  an eventfd with count 2, EPOLLIN | EPOLLET, data 0x2222
 *	fd 23  read end of an empty pipe, EPOLLIN, data 0x3333
 *	fd 24  its write end, EPOLLOUT | EPOLLONESHOT, data 0x4444
 * and has never been waited on; instance fd 31 watches fd 26, the write
 * end of another pipe, EPOLLOUT | EPOLLONESHOT, data 0x5555, and was
 * waited on once, which disabled it.  Expected, in order:
 *	30: 1111 2222 4444 (all ready, the edge and the one shot are new)
 *	30: 1111 (level triggered only)
 *	31: nothing
 *	a byte into fd 24, 30: 1111 3333
 *	1 added to fd 22, 30: 1111 2222 3333
 *	EPOLL_CTL_MOD re-arms fd 24 (found by its fd number), 30: 1111 3333 4444
 * With -c, fd 23 is moved to fd 40 after it is added: the instance then
 * watches a file through an fd number that is closed (checkpoint refuses).
 * With -n N, instance fd 32 also watches N eventfds at fds 100..., EPOLLIN,
 * data 0x10000 + i, those of odd i with a count of 1; expected: 32 gives
 * the odd ones, then, 1 added to every eventfd, all N.
 */
#include "wl.h"
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>

static int moved, many;

static int opt(int c, char *arg)
{
	if (c == 'c')
		moved = 1;
	else if (c == 'n')
		many = atoi(arg);
	else
		return 1;
	return 0;
}

static void to(int fd, int want)
{
	if (fd != want && (dup2(fd, want) != want || close(fd)))
		wl_die("dup2: %m");
}

static void add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		wl_die("epoll_ctl %d: %m", fd);
}

/* "1111:1 2222:1 ..." (data:events), sorted by data */
static void waitstr(int ep, char *s, size_t len)
{
	struct epoll_event ev[16], t;
	size_t used = 0;
	int n, i, j;

	s[0] = '\0';
	n = epoll_wait(ep, ev, 16, 0);
	if (n < 0) {
		snprintf(s, len, "error %d", errno);
		return;
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (ev[j].data.u64 < ev[i].data.u64) {
				t = ev[i];
				ev[i] = ev[j];
				ev[j] = t;
			}
	for (i = 0; i < n && used < len; i++)
		used += snprintf(s + used, len - used, "%s%llx:%x", i ? " " : "",
				 (unsigned long long)ev[i].data.u64, ev[i].events);
}

/* Instance 32 gives the items of the eventfds of odd i, or of all. */
static void expect_many(const char *what, int all)
{
	struct epoll_event *ev = calloc(many + 1, sizeof(*ev));
	char *seen = calloc(many, 1);
	int n, i, nr = 0;

	if (!ev || !seen)
		wl_die("calloc: %m");
	n = epoll_wait(32, ev, many + 1, 0);
	for (i = 0; i < n; i++) {
		uint64_t d = ev[i].data.u64 - 0x10000;

		if (d >= (uint64_t)many || seen[d] || (!all && !(d & 1)) ||
		    ev[i].events != EPOLLIN)
			wl_fail("%s: 32 gives %llx:%x", what,
				(unsigned long long)ev[i].data.u64, ev[i].events);
		else
			seen[d] = 1;
	}
	for (i = 0; i < many; i++)
		nr += seen[i];
	if (n < 0 || nr != (all ? many : many / 2))
		wl_fail("%s: 32 gives %d items (%d right), want %d", what, n, nr,
			all ? many : many / 2);
	free(ev);
	free(seen);
}

static void expect(int ep, const char *what, const char *want)
{
	char got[256];

	waitstr(ep, got, sizeof(got));
	if (strcmp(got, want))
		wl_fail("%s: epoll_wait gives '%s', want '%s'", what, got, want);
}

int main(int argc, char **argv)
{
	struct epoll_event ev = { .events = EPOLLOUT | EPOLLONESHOT, .data.u64 = 0x4444 };
	int p[2], q[2], r[2];
	uint64_t one = 1;
	struct rlimit rl;
	char s[256];
	int i;

	wl_init(argc, argv, "cn:", opt);
	if (pipe(p) || pipe(q) || pipe(r))
		wl_die("pipe: %m");
	to(p[0], 20);
	to(p[1], 21);
	to(eventfd(2, 0), 22);
	to(q[0], 23);
	to(q[1], 24);
	to(r[0], 25);
	to(r[1], 26);
	to(epoll_create1(0), 30);
	to(epoll_create1(EPOLL_CLOEXEC), 31);
	if (write(21, "hello", 5) != 5)
		wl_die("write: %m");
	add(30, 20, EPOLLIN, 0x1111);
	add(30, 22, EPOLLIN | EPOLLET, 0x2222);
	add(30, 23, EPOLLIN, 0x3333);
	add(30, 24, EPOLLOUT | EPOLLONESHOT, 0x4444);
	add(31, 26, EPOLLOUT | EPOLLONESHOT, 0x5555);
	if (moved)
		to(23, 40);
	if (many) {
		if (getrlimit(RLIMIT_NOFILE, &rl))
			wl_die("getrlimit: %m");
		rl.rlim_cur = rl.rlim_max;
		if (rl.rlim_cur < 100 + (rlim_t)many + 10 ||
		    setrlimit(RLIMIT_NOFILE, &rl))
			wl_die("RLIMIT_NOFILE %llu: too low for %d fds",
			       (unsigned long long)rl.rlim_max, many);
		to(epoll_create1(0), 32);
		for (i = 0; i < many; i++) {
			to(eventfd(i & 1, 0), 100 + i);
			add(32, 100 + i, EPOLLIN, 0x10000 + i);
		}
	}
	waitstr(31, s, sizeof(s));
	if (strcmp(s, "5555:4"))
		wl_die("setup: 31 gives %s", s);
	wl_catch_usr1();
	wl_ready();
	wl_wait_usr1();

	expect(30, "first", "1111:1 2222:1 4444:4");
	expect(30, "second", "1111:1");
	expect(31, "disabled one shot", "");
	if (write(24, "x", 1) != 1)
		wl_fail("write: %m");
	expect(30, "a byte in", "1111:1 3333:1");
	if (write(22, &one, 8) != 8)
		wl_fail("write: %m");
	expect(30, "a new edge", "1111:1 2222:1 3333:1");
	if (epoll_ctl(30, EPOLL_CTL_MOD, 24, &ev))
		wl_fail("EPOLL_CTL_MOD fd 24: %m");
	expect(30, "re-armed", "1111:1 3333:1 4444:4");
	if (many) {
		expect_many("odd ones", 0);
		for (i = 0; i < many; i++)
			if (write(100 + i, &one, 8) != 8)
				wl_fail("write %d: %m", 100 + i);
		expect_many("all", 1);
	}
	if (!wl_failures)
		wl_put("result", 1, "OK epolls\n");
	for (;;)
		pause();
}
