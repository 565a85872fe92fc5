// SPDX-License-Identifier: GPL-2.0
/*
 * pollwait [-i] FILE TIMEOUT_MS [ARMED]
 *
 * Opens and reads FILE, creates the file ARMED (if given) once it is
 * watching, then waits for FILE to change: poll(2) for POLLPRI (kernfs
 * notification), or with -i inotify IN_MODIFY.  Prints "event" and exits 0,
 * or prints "timeout" and exits 1.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int use_inotify = 0, fd, ifd = -1, r, timeout;
	struct pollfd pfd;
	char buf[4096];

	if (argc > 1 && !strcmp(argv[1], "-i")) {
		use_inotify = 1;
		argc--;
		argv++;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: pollwait [-i] FILE TIMEOUT_MS [ARMED]\n");
		return 2;
	}
	timeout = atoi(argv[2]);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf)) < 0) {
		perror(argv[1]);
		return 2;
	}
	if (use_inotify) {
		ifd = inotify_init1(IN_CLOEXEC);
		if (ifd < 0 || inotify_add_watch(ifd, argv[1], IN_MODIFY) < 0) {
			perror("inotify");
			return 2;
		}
		pfd.fd = ifd;
		pfd.events = POLLIN;
	} else {
		pfd.fd = fd;
		pfd.events = POLLPRI;
	}
	if (argc > 3) {
		r = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (r < 0) {
			perror(argv[3]);
			return 2;
		}
		close(r);
	}
	r = poll(&pfd, 1, timeout);
	if (r < 0) {
		perror("poll");
		return 2;
	}
	if (r == 0) {
		printf("timeout\n");
		return 1;
	}
	printf("event\n");
	return 0;
}
