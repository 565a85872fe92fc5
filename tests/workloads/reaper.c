// SPDX-License-Identifier: GPL-2.0
/*
 * reaper PROG [ARG...]
 *
 * Runs PROG as a child subreaper: detached workloads and restarted tasks
 * whose parent exits are reparented here and reaped at once, so that a
 * killed workload frees its pid for the next restart whatever the init of
 * the guest does.  Exits with PROG's status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	pid_t main_pid, pid;
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: reaper PROG [ARG...]\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		perror("PR_SET_CHILD_SUBREAPER");
	main_pid = fork();
	if (main_pid < 0)
		return 1;
	if (!main_pid) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	for (;;) {
		pid = wait(&status);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			return 1;
		if (pid == main_pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) :
						   128 + WTERMSIG(status);
	}
}
