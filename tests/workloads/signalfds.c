// SPDX-License-Identifier: GPL-2.0
/*
 * signalfds -d DIR [-o GROUP]
 *
 * Signals blocked and queued to self, read through signalfds after
 * SIGUSR1, which writes "OK signalfds" or FAIL lines to DIR/result:
 *	fd 10  SFD_NONBLOCK, mask SIGUSR2 SIGRTMIN, shared with a child
 *	fd 11  SFD_CLOEXEC, mask SIGRTMIN+1, nothing pending
 * Queued: SIGUSR2 (value 1234), SIGRTMIN (values 1 then 2).  The fdinfo
 * "sigmask" line, F_GETFL, FD_CLOEXEC and poll() readiness of each are
 * compared with those at setup; then the reads must give the three
 * signals in order with their values, then EAGAIN.  Then the parent sends
 * SIGUSR2 to the child, which reads it through its copy of fd 10 and
 * exits 0 if it came from the parent.  With -o, the child moves itself to
 * cgroup directory GROUP first: fd 10 is then held outside the group.
 */
#include "wl.h"
#include <poll.h>
#include <stdint.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

static const int fds[] = { 10, 11 };
#define NFDS	(int)(sizeof(fds) / sizeof(fds[0]))

struct fdstate {
	short	revents;
	int	fl, fdfl;
	char	mask[256];
};

static const char *outside;

static int opt(int c, char *arg)
{
	if (c != 'o')
		return 1;
	outside = arg;
	return 0;
}

static void state(struct fdstate *s)
{
	char path[64], line[256];
	FILE *f;
	int i;

	for (i = 0; i < NFDS; i++) {
		struct pollfd p = { fds[i], POLLIN | POLLOUT, 0 };

		poll(&p, 1, 0);
		s[i].revents = p.revents;
		s[i].fl = fcntl(fds[i], F_GETFL);
		s[i].fdfl = fcntl(fds[i], F_GETFD);
		s[i].mask[0] = '\0';
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fds[i]);
		f = fopen(path, "re");
		if (!f)
			wl_die("%s: %m", path);
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "sigmask:", 8))
				snprintf(s[i].mask, sizeof(s[i].mask), "%s", line);
		fclose(f);
	}
}

static void make(int fd, int flags, int sig1, int sig2)
{
	sigset_t set;
	int s;

	sigemptyset(&set);
	sigaddset(&set, sig1);
	if (sig2)
		sigaddset(&set, sig2);
	s = signalfd(-1, &set, flags);
	if (s < 0 || dup3(s, fd, flags & SFD_CLOEXEC) != fd)
		wl_die("signalfd: %m");
	close(s);
}

static void queue(int sig, int value)
{
	union sigval v = { .sival_int = value };

	if (sigqueue(getpid(), sig, v))
		wl_die("sigqueue: %m");
}

static void expect(int sig, int value)
{
	struct signalfd_siginfo si;
	ssize_t n = read(10, &si, sizeof(si));

	if (n != sizeof(si)) {
		wl_fail("fd 10: read gives %zd (%m), want signal %d", n, sig);
		return;
	}
	if ((int)si.ssi_signo != sig || si.ssi_int != value ||
	    si.ssi_code != SI_QUEUE || (pid_t)si.ssi_pid != getpid())
		wl_fail("fd 10: signal %u value %d code %d pid %u, want %d value %d",
			si.ssi_signo, si.ssi_int, si.ssi_code, si.ssi_pid, sig,
			value);
}

int main(int argc, char **argv)
{
	struct fdstate before[NFDS], after[NFDS];
	struct signalfd_siginfo si;
	sigset_t set;
	pid_t child;
	int i, st;

	wl_init(argc, argv, "o:", opt);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	make(10, SFD_NONBLOCK, SIGUSR2, SIGRTMIN);
	make(11, SFD_CLOEXEC, SIGRTMIN + 1, 0);

	child = fork();
	if (child < 0)
		wl_die("fork: %m");
	if (!child) {
		struct pollfd p = { 10, POLLIN, 0 };

		close(11);
		if (outside) {
			char path[4096];
			int fd;

			snprintf(path, sizeof(path), "%s/cgroup.procs", outside);
			fd = open(path, O_WRONLY);
			if (fd < 0 || write(fd, "0", 1) != 1)
				_exit(4);
			close(fd);
		}
		/*
		 * Blocks until the parent's SIGUSR2, after the restart; ppoll()
		 * without a timeout restarts plainly (poll() needs a restart
		 * block).
		 */
		if (ppoll(&p, 1, NULL, NULL) != 1 || read(10, &si, sizeof(si)) != sizeof(si))
			_exit(1);
		_exit(si.ssi_signo == SIGUSR2 && (pid_t)si.ssi_pid == getppid() ? 0 : 3);
	}
	queue(SIGUSR2, 1234);
	queue(SIGRTMIN, 1);
	queue(SIGRTMIN, 2);
	state(before);
	wl_put("info", 0, "child %d\n", child);
	wl_catch_usr1();
	wl_ready();
	wl_wait_usr1();

	state(after);
	for (i = 0; i < NFDS; i++)
		if (after[i].revents != before[i].revents || after[i].fl != before[i].fl ||
		    after[i].fdfl != before[i].fdfl || strcmp(after[i].mask, before[i].mask))
			wl_fail("fd %d: revents %#x flags %#o/%d %s, was %#x %#o/%d %s",
				fds[i], after[i].revents, after[i].fl, after[i].fdfl,
				after[i].mask, before[i].revents, before[i].fl,
				before[i].fdfl, before[i].mask);
	if (!(after[0].revents & POLLIN) || after[1].revents)
		wl_fail("readiness %#x %#x, want POLLIN and nothing", after[0].revents,
			after[1].revents);
	expect(SIGUSR2, 1234);
	expect(SIGRTMIN, 1);
	expect(SIGRTMIN, 2);
	if (read(10, &si, sizeof(si)) != -1 || errno != EAGAIN)
		wl_fail("fd 10: a fourth read does not give EAGAIN");
	kill(child, SIGUSR2);
	if (waitpid(child, &st, 0) != child || !WIFEXITED(st) || WEXITSTATUS(st))
		wl_fail("the child reading its SIGUSR2 through fd 10 ends with %#x", st);
	if (!wl_failures)
		wl_put("result", 1, "OK signalfds\n");
	for (;;)
		pause();
}
