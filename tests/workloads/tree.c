// SPDX-License-Identifier: GPL-2.0
/*
 * tree [-d DIR] [-n N] [-f FANOUT] [-t MS] [-g] [-z] [-o] [-l] [-r]
 *
 * A tree of N processes (default 7): process k forks processes
 * k*FANOUT+1 .. k*FANOUT+FANOUT (default FANOUT 2).  Every process fills
 * 64 KiB of heap with a pattern of its own and ticks a counter every MS
 * milliseconds (default 20; many processes ticking fast load a TCG guest).
 * Once set up it appends "up PID PPID PGID SID INDEX" to DIR/up (INDEX -1
 * for the orphan of -o).  On SIGUSR1 it
 * checks that its ppid (not for the first process), process group, session,
 * memory and counter are as before and appends "OK PID" (or FAIL lines) to
 * DIR/result.
 *
 *	-g  process groups and sessions: process 1 calls setsid() before it
 *	    forks; process 3 leads a process group that process 2 is moved
 *	    into (a group led by a process made after it)
 *	-z  the first process also has two zombie children it reaps on SIGUSR1:
 *	    one exited with status 7, one killed by SIGTERM
 *	-o  an orphan: process 1 forks a child that forks a grandchild and
 *	    exits; the grandchild's parent is then outside the tree
 *	-l  an orphan whose session leader is gone: the first process forks
 *	    a child that calls setsid(), forks a grandchild and exits
 *	-r  the first process is a child subreaper; the others set
 *	    PR_SET_PDEATHSIG to SIGUSR2 and append "PDEATH PID PPID" to
 *	    DIR/result when it comes
 */
#include "wl.h"
#include <sys/prctl.h>
#include <sys/wait.h>

#define MEM	(64 * 1024)

static int n = 7, fanout = 2, period = 20, opt_g, opt_z, opt_o, opt_l, opt_r;
static int idx;
static pid_t my_ppid, my_pgid, my_sid;
static volatile unsigned long ticks, ticks_seen;
static unsigned char *mem;
static pid_t zpid[2];

static int opt(int c, char *arg)
{
	switch (c) {
	case 'n': n = atoi(arg); return n < 1 || n > 10000;
	case 'f': fanout = atoi(arg); return fanout < 1;
	case 't': period = atoi(arg); return period < 1;
	case 'g': opt_g = 1; return 0;
	case 'z': opt_z = 1; return 0;
	case 'o': opt_o = 1; return 0;
	case 'l': opt_l = 1; return 0;
	case 'r': opt_r = 1; return 0;
	}
	return -1;
}

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 31 + idx * 7 + 1);
}

static void on_pdeath(int sig)
{
	char text[64];

	(void)sig;
	snprintf(text, sizeof(text), "PDEATH %d %d\n", getpid(), getppid());
	wl_put("result", 1, "%s", text);
}

static void setup_self(void)
{
	struct sigaction sa;
	size_t i;

	mem = malloc(MEM);
	if (!mem)
		wl_die("malloc failed");
	for (i = 0; i < MEM; i++)
		mem[i] = pattern(i);
	if (opt_r && idx) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_pdeath;
		sa.sa_flags = SA_RESTART;
		sigaction(SIGUSR2, &sa, NULL);
		prctl(PR_SET_PDEATHSIG, SIGUSR2);
	}
}

/* Wait for the byte the parent writes once it placed us. */
static void wait_release(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		wl_die("tree %d: release: %m", idx);
	close(fd);
}

static pid_t fork_child(int k, int *release)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		wl_die("pipe: %m");
	pid = fork();
	if (pid < 0)
		wl_die("fork: %m");
	if (!pid) {
		close(p[1]);
		idx = k;
		my_ppid = getppid();
		wait_release(p[0]);
		return 0;
	}
	close(p[0]);
	*release = p[1];
	return pid;
}

static void release(int fd)
{
	if (write(fd, "x", 1) != 1)
		wl_die("release: %m");
	close(fd);
}

/* A grandchild orphaned by its parent, which may lead a new session. */
static void orphan(int new_session)
{
	pid_t mid = fork();

	if (mid < 0)
		wl_die("fork: %m");
	if (mid) {
		waitpid(mid, NULL, 0);
		return;
	}
	mid = getpid();
	if (new_session && setsid() < 0)
		wl_die("setsid: %m");
	if (fork() == 0) {
		/* The grandchild: becomes an orphan. */
		idx = new_session ? -2 : -1;
		while (getppid() == mid)
			wl_msleep(1);
		free(mem);
		setup_self();
		my_ppid = -1;
		return;
	}
	_exit(0);
}

static void verify(void)
{
	unsigned long t0 = ticks;
	int status, i;
	size_t j;

	wl_failures = 0;
	if (idx == 0 && opt_z) {
		for (i = 0; i < 2; i++) {
			if (waitpid(zpid[i], &status, WNOHANG) != zpid[i])
				wl_fail("%d: zombie %d cannot be reaped: %m", getpid(), zpid[i]);
			else if (i == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 7))
				wl_fail("%d: zombie %d status %#x, expected exit 7",
					getpid(), zpid[i], status);
			else if (i == 1 && !(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM))
				wl_fail("%d: zombie %d status %#x, expected SIGTERM",
					getpid(), zpid[i], status);
		}
	}
	if (idx && my_ppid > 0 && getppid() != my_ppid)
		wl_fail("%d: ppid %d, expected %d", getpid(), getppid(), my_ppid);
	if (getpgrp() != my_pgid)
		wl_fail("%d: pgid %d, expected %d", getpid(), getpgrp(), my_pgid);
	if (getsid(0) != my_sid)
		wl_fail("%d: sid %d, expected %d", getpid(), getsid(0), my_sid);
	for (j = 0; j < MEM; j++)
		if (mem[j] != pattern(j)) {
			wl_fail("%d: memory differs at %zu", getpid(), j);
			break;
		}
	if (ticks == ticks_seen)
		wl_fail("%d: the counter did not move since the last check", getpid());
	ticks_seen = t0;
	if (!wl_failures)
		wl_put("result", 1, "OK %d\n", getpid());
}

int main(int argc, char **argv)
{
	int rel[64], nrel = 0, i, k;
	pid_t pids[64];

	wl_init(argc, argv, "n:f:t:gzolr", opt);
	if (fanout > 64 || (opt_g && (fanout < 3 || n < 4)))
		wl_die("fanout at most 64; -g needs a fanout of 3 or more and 4 processes");
	wl_catch_usr1();
	my_ppid = getppid();
	if (opt_r && prctl(PR_SET_CHILD_SUBREAPER, 1))
		wl_die("PR_SET_CHILD_SUBREAPER: %m");
	setup_self();

	for (k = idx * fanout + 1; k <= idx * fanout + fanout && k < n; k++) {
		pids[nrel] = fork_child(k, &rel[nrel]);
		if (!pids[nrel]) {
			/* the child: set up, then fork our own */
			for (i = 0; i < nrel; i++)
				close(rel[i]);
			nrel = 0;
			free(mem);
			setup_self();
			if (opt_g && idx == 1 && setsid() < 0)
				wl_die("setsid: %m");
			if (opt_g && idx == 3 && setpgid(0, 0))
				wl_die("setpgid: %m");
			k = idx * fanout;
			continue;
		}
		if (opt_g && k == 3) {
			if (setpgid(pids[nrel], pids[nrel]) && errno != EACCES)
				wl_die("setpgid 3: %m");
			/* process 2 joins the group of process 3 */
			if (setpgid(pids[nrel - 1], pids[nrel]))
				wl_die("setpgid 2: %m");
		}
		nrel++;
	}
	/* Place (-g) before release, so nobody forks from a moving group. */
	for (i = 0; i < nrel; i++)
		release(rel[i]);
	if (opt_z && idx == 0) {
		zpid[0] = fork();
		if (!zpid[0])
			_exit(7);
		zpid[1] = fork();
		if (!zpid[1]) {
			signal(SIGTERM, SIG_DFL);
			raise(SIGTERM);
			_exit(1);
		}
		for (i = 0; i < 2; i++) {
			siginfo_t si;

			si.si_pid = 0;
			if (waitid(P_PID, zpid[i], &si, WEXITED | WNOWAIT))
				wl_die("waitid: %m");
		}
		wl_put("info", 0, "zombies %d %d\n", zpid[0], zpid[1]);
	}
	if (opt_o && idx == 1)
		orphan(0);
	if (opt_l && idx == 0)
		orphan(1);

	my_pgid = getpgrp();
	my_sid = getsid(0);
	ticks_seen = ticks;
	wl_put("up", 1, "up %d %d %d %d %d\n", getpid(), getppid(), my_pgid, my_sid, idx);
	if (idx == 0)
		wl_ready();
	for (;;) {
		wl_msleep(period);
		ticks++;
		if (wl_usr1) {
			wl_usr1 = 0;
			verify();
		}
	}
}
