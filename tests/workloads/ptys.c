// SPDX-License-Identifier: GPL-2.0
/*
 * ptys -d DIR [-o GROUP]
 *
 * A pseudo-terminal pair: master at fd 10, slave at fd 11, the slave with
 * raw termios and a 33x111 window.  With -o, a child moves itself to the
 * cgroup directory GROUP with the master, and the parent closes its own:
 * the slave is then a terminal whose master is outside the group, as a
 * shell's terminal is.  SIGUSR1 checks that termios and window size are
 * as they were set and that bytes written to the slave reach the master
 * (-o: the child reads them), writing "OK ptys" or FAIL lines to
 * DIR/result.
 */
#include "wl.h"
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>

static const char *outside;

static int opt(int c, char *arg)
{
	if (c != 'o')
		return 1;
	outside = arg;
	return 0;
}

int main(int argc, char **argv)
{
	struct winsize ws = { .ws_row = 33, .ws_col = 111 }, ws2;
	struct termios tio, tio2;
	pid_t child = 0;
	char buf[16];
	int m, s, st;

	wl_init(argc, argv, "o:", opt);
	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m) || dup2(m, 10) != 10)
		wl_die("posix_openpt: %m");
	close(m);
	s = open(ptsname(10), O_RDWR | O_NOCTTY);
	if (s < 0 || dup2(s, 11) != 11)
		wl_die("open %s: %m", ptsname(10));
	close(s);
	if (tcgetattr(11, &tio))
		wl_die("tcgetattr: %m");
	cfmakeraw(&tio);
	if (tcsetattr(11, TCSANOW, &tio) || ioctl(11, TIOCSWINSZ, &ws))
		wl_die("tcsetattr: %m");
	if (outside) {
		child = fork();
		if (child < 0)
			wl_die("fork: %m");
		if (!child) {
			char path[4096];
			int fd;

			close(11);
			snprintf(path, sizeof(path), "%s/cgroup.procs", outside);
			fd = open(path, O_WRONLY);
			if (fd < 0 || write(fd, "0", 1) != 1)
				_exit(4);
			close(fd);
			if (read(10, buf, 4) != 4 || memcmp(buf, "ping", 4))
				_exit(5);
			_exit(0);
		}
		close(10);
		wl_put("info", 0, "child %d\n", child);
	}
	wl_catch_usr1();
	wl_ready();
	wl_wait_usr1();

	if (tcgetattr(11, &tio2) || memcmp(&tio, &tio2, sizeof(tio)))
		wl_fail("fd 11: termios changed");
	if (ioctl(11, TIOCGWINSZ, &ws2) || ws2.ws_row != 33 || ws2.ws_col != 111)
		wl_fail("fd 11: window %ux%u, want 33x111", ws2.ws_row, ws2.ws_col);
	if (write(11, "ping", 4) != 4)
		wl_fail("fd 11: write: %m");
	if (child) {
		if (waitpid(child, &st, 0) != child || !WIFEXITED(st) || WEXITSTATUS(st))
			wl_fail("the child holding the master ends with %#x", st);
	} else {
		struct pollfd p = { 10, POLLIN, 0 };

		if (poll(&p, 1, 2000) != 1 || read(10, buf, 4) != 4 || memcmp(buf, "ping", 4))
			wl_fail("fd 10 does not read what the slave wrote");
	}
	if (!wl_failures)
		wl_put("result", 1, "OK ptys\n");
	for (;;)
		pause();
}
