// SPDX-License-Identifier: GPL-2.0
/*
 * spawn [-c CGROUP_DIR] [-i IN] [-o LOG] [-p PIDFILE] [--] PROG [ARG...]
 *
 * Starts PROG the way a checkpointable workload must run: detached (double
 * fork, so it is not a child of the caller; setsid, so it leads its own
 * session and process group), moved into CGROUP_DIR before it execs, with
 * stdin on IN (default /dev/null), stdout and stderr appended to LOG (default
 * /dev/null), and no other fd (bats keeps pipes open on fds 3 and up).
 * Prints the pid of PROG and exits once it has been started.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		dprintf(2, "spawn: %s: %m\n", path);
		_exit(126);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	const char *cg = NULL, *in = "/dev/null", *log = "/dev/null", *pidfile = NULL;
	char path[4096], text[32];
	int c, p[2], status, fd;
	pid_t pid, mid;

	while ((c = getopt(argc, argv, "+c:i:o:p:")) != -1) {
		switch (c) {
		case 'c': cg = optarg; break;
		case 'i': in = optarg; break;
		case 'o': log = optarg; break;
		case 'p': pidfile = optarg; break;
		default:
			fprintf(stderr, "usage: spawn [-c CGROUP] [-i IN] [-o LOG] [-p PIDFILE] PROG [ARG...]\n");
			return 2;
		}
	}
	if (optind >= argc)
		return 2;
	if (pipe2(p, O_CLOEXEC))
		return 1;
	mid = fork();
	if (mid < 0)
		return 1;
	if (!mid) {
		pid = fork();
		if (pid)
			_exit(pid < 0);
		pid = getpid();
		setsid();
		snprintf(text, sizeof(text), "%d\n", pid);
		if (cg) {
			snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
			put(path, text);
		}
		if (pidfile)
			put(pidfile, text);
		fd = open(in, O_RDONLY);
		if (fd < 0) {
			dprintf(2, "spawn: %s: %m\n", in);
			_exit(126);
		}
		dup2(fd, 0);
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd < 0) {
			dprintf(2, "spawn: %s: %m\n", log);
			_exit(126);
		}
		dup2(fd, 1);
		dup2(fd, 2);
		if (write(p[1], &pid, sizeof(pid)) != sizeof(pid))
			_exit(126);
		close_range(3, ~0U, 0);
		execvp(argv[optind], argv + optind);
		dprintf(2, "spawn: %s: %m\n", argv[optind]);
		_exit(127);
	}
	close(p[1]);
	if (waitpid(mid, &status, 0) < 0 || status)
		return 1;
	if (read(p[0], &pid, sizeof(pid)) != sizeof(pid))
		return 1;
	printf("%d\n", pid);
	return 0;
}
