// SPDX-License-Identifier: GPL-2.0
/*
 * eventfds -d DIR
 *
 * A parent and its child share eventfds, then wait; SIGUSR1 to the parent
 * verifies once, writing "OK eventfds" or FAIL lines to DIR/result:
 *	fd 10  count 1005, shared with the child (one open file)
 *	fd 11  EFD_SEMAPHORE | EFD_NONBLOCK, count 3: reads 1, 1, 1, EAGAIN
 *	fd 12  EFD_NONBLOCK, count 0: not readable, EAGAIN
 *	fd 13  count 2^64 - 2: readable, not writable
 * poll() readiness and F_GETFL of each fd are compared with those at
 * setup, then the counts read; then the child adds 42 to fd 10 (on
 * SIGUSR2) and the parent reads it there.
 */
#include "wl.h"
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>

static const int fds[] = { 10, 11, 12, 13 };
#define NFDS	(int)(sizeof(fds) / sizeof(fds[0]))
static short revents[NFDS];
static int fl[NFDS];

static void state(short *re, int *f)
{
	int i;

	for (i = 0; i < NFDS; i++) {
		struct pollfd p = { fds[i], POLLIN | POLLOUT, 0 };

		poll(&p, 1, 0);
		re[i] = p.revents;
		f[i] = fcntl(fds[i], F_GETFL);
	}
}

static void make(int fd, unsigned int init, int flags, uint64_t add)
{
	int e = eventfd(init, flags);

	if (e < 0 || dup2(e, fd) != fd)
		wl_die("eventfd: %m");
	close(e);
	if (add && write(fd, &add, 8) != 8)
		wl_die("write: %m");
}

static volatile sig_atomic_t got_usr2;

static void on_usr2(int sig)
{
	(void)sig;
	got_usr2 = 1;
}

static uint64_t rd(int fd)
{
	uint64_t v;

	if (read(fd, &v, 8) != 8)
		return (uint64_t)-errno;
	return v;
}

int main(int argc, char **argv)
{
	short re[NFDS];
	int f[NFDS], i;
	uint64_t v;
	pid_t child;

	wl_init(argc, argv, "", NULL);
	make(10, 5, 0, 1000);
	make(11, 3, EFD_SEMAPHORE | EFD_NONBLOCK, 0);
	make(12, 0, EFD_NONBLOCK, 0);
	make(13, 0, 0, UINT64_MAX - 1);
	state(revents, fl);

	child = fork();
	if (child < 0)
		wl_die("fork: %m");
	if (!child) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_usr2;
		sigaction(SIGUSR2, &sa, NULL);
		close(11);
		close(12);
		close(13);
		while (!got_usr2)
			pause();
		v = 42;
		if (write(10, &v, 8) != 8)
			_exit(1);
		for (;;)
			pause();
	}
	wl_put("info", 0, "child %d\n", child);
	wl_catch_usr1();
	wl_ready();
	wl_wait_usr1();

	state(re, f);
	for (i = 0; i < NFDS; i++)
		if (re[i] != revents[i] || f[i] != fl[i])
			wl_fail("fd %d: revents %#x flags %#o, was %#x %#o", fds[i],
				re[i], f[i], revents[i], fl[i]);
	if ((v = rd(10)) != 1005)
		wl_fail("fd 10 reads %lld, want 1005", (long long)v);
	for (i = 0; i < 3; i++)
		if ((v = rd(11)) != 1)
			wl_fail("fd 11 read %d gives %lld, want 1", i, (long long)v);
	if ((v = rd(11)) != (uint64_t)-EAGAIN)
		wl_fail("fd 11 read 4 gives %lld, want -EAGAIN", (long long)v);
	if ((v = rd(12)) != (uint64_t)-EAGAIN)
		wl_fail("fd 12 gives %lld, want -EAGAIN", (long long)v);
	if ((v = rd(13)) != UINT64_MAX - 1)
		wl_fail("fd 13 reads %#llx", (unsigned long long)v);
	kill(child, SIGUSR2);
	if ((v = rd(10)) != 42)
		wl_fail("fd 10 reads %lld after the child's write, want 42",
			(long long)v);
	if (!wl_failures)
		wl_put("result", 1, "OK eventfds\n");
	for (;;)
		pause();
}
