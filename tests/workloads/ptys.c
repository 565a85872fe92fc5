// SPDX-License-Identifier: GPL-2.0
/*
 * ptys -d DIR [-o GROUP | -l | -c] [-x]
 *
 * A pseudo-terminal pair: master at fd 10, slave at fd 11.
 *
 * Default: the slave in raw mode but for ISIG, with VINTR ^G and a 33x111
 * window; bytes written to the master and not read from the slave (IN),
 * bytes written to the slave and not read from the master (OUT).  SIGUSR1
 * checks that termios and window are as set, that the slave reads exactly
 * IN and the master exactly OUT, that a write through each end reaches the
 * other, then writes IN and OUT again for the next check.
 *
 * -c: also a session with the slave as its controlling terminal: a child
 * C calls setsid() and opens the slave, which becomes its controlling
 * terminal; its child G leads a process group that C makes the foreground
 * one.  SIGUSR1 also checks that tcgetpgrp() in C gives G, and that
 * writing VINTR to the master sends SIGINT to G, not to C.
 *
 * -l: the slave in canonical mode (the default termios) with a line being
 * typed ("abc", no newline): SIGUSR1 ends the line and checks that the
 * slave reads "abc\n".
 *
 * -x: for a restart from an image that left the terminals out
 * (ckpt.exclude dev): SIGUSR1 checks instead that fds 10 and 11 read end
 * of file, take writes, and are no terminal (tcgetattr(): ENOTTY); with
 * -c, that C has no controlling terminal any more (tcgetpgrp() on its fd:
 * ENOTTY, open("/dev/tty"): ENXIO).  No bytes are written before.
 *
 * -o GROUP: a child moves itself to the cgroup directory GROUP with the
 * master, and the parent closes its own: the slave is then a terminal
 * whose master is outside the group, as a shell's terminal is.  SIGUSR1
 * checks termios, window, and that bytes written to the slave reach the
 * child.
 *
 * Results: "OK ptys" or FAIL lines in DIR/result.
 */
#include "wl.h"
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <termios.h>

static const char *outside;
static int ctty, canon, excluded;

static const char in_bytes[] = "in:\x01\x02hello\r\n\x7f\xff\x00" "end";
static const char out_bytes[] = "out:\x00\x03\r\nbye\x1b[0m";
#define IN_LEN	(sizeof(in_bytes) - 1)
#define OUT_LEN	(sizeof(out_bytes) - 1)

/* Shared by the processes of -c. */
struct shared {
	volatile int ask;		/* P: a tcgetpgrp() in C, please */
	volatile int answered;		/* C: the ask answered */
	volatile int fg;		/* C: what tcgetpgrp() gave */
	volatile int g_pid;
	volatile int g_sigint;		/* SIGINTs G got */
	volatile int c_sigint;		/* SIGINTs C got */
	volatile int fg_errno;		/* C: errno of tcgetpgrp() */
	volatile int tty_errno;		/* C: errno of open("/dev/tty"), 0 */
};
static struct shared *sh;

static int opt(int c, char *arg)
{
	if (c == 'o')
		outside = arg;
	else if (c == 'c')
		ctty = 1;
	else if (c == 'l')
		canon = 1;
	else if (c == 'x')
		excluded = 1;
	else
		return 1;
	return 0;
}

static int same_termios(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	       a->c_cflag == b->c_cflag && a->c_lflag == b->c_lflag &&
	       a->c_line == b->c_line && !memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc)) &&
	       cfgetispeed(a) == cfgetispeed(b) && cfgetospeed(a) == cfgetospeed(b);
}

static void on_int_g(int sig)
{
	(void)sig;
	sh->g_sigint++;
}

static void on_int_c(int sig)
{
	(void)sig;
	sh->c_sigint++;
}

/* C: a session with the slave as its terminal, G its foreground group. */
static void session(void)
{
	struct sigaction sa = { .sa_handler = on_int_c };
	char name[64];
	pid_t g;
	int fd;

	if (ptsname_r(10, name, sizeof(name)))
		_exit(3);
	close(10);
	close(11);
	if (setsid() < 0)
		_exit(3);
	/* a session leader without a terminal: this one becomes it */
	fd = open(name, O_RDWR);
	if (fd < 0)
		_exit(3);
	sigaction(SIGINT, &sa, NULL);
	g = fork();
	if (g < 0)
		_exit(4);
	if (!g) {
		sa.sa_handler = on_int_g;
		sigaction(SIGINT, &sa, NULL);
		setpgid(0, 0);
		sh->g_pid = getpid();
		for (;;)
			pause();
	}
	setpgid(g, g);
	if (tcsetpgrp(fd, g))
		_exit(5);
	for (;;) {
		if (sh->ask != sh->answered) {
			int t;

			sh->fg = tcgetpgrp(fd);
			sh->fg_errno = sh->fg < 0 ? errno : 0;
			t = open("/dev/tty", O_RDWR | O_NOCTTY);
			sh->tty_errno = t < 0 ? errno : 0;
			if (t >= 0)
				close(t);
			sh->answered = sh->ask;
		}
		wl_msleep(20);
	}
}

/* Read what @fd holds now (it is non-blocking), at most @max bytes. */
static ssize_t drain(int fd, char *buf, size_t max)
{
	struct pollfd p = { fd, POLLIN, 0 };
	ssize_t n, nr = 0;

	/* the other end's bytes are pushed by a work item */
	poll(&p, 1, 500);
	while (nr < (ssize_t)max) {
		n = read(fd, buf + nr, max - nr);
		if (n <= 0)
			break;
		nr += n;
	}
	return nr;
}

static void fill(void)
{
	if (canon) {
		if (write(10, "abc", 3) != 3)
			wl_die("write: %m");
		return;
	}
	if (write(10, in_bytes, IN_LEN) != IN_LEN ||
	    write(11, out_bytes, OUT_LEN) != OUT_LEN)
		wl_die("write: %m");
}

static void check_data(void)
{
	char buf[256];
	ssize_t n;

	if (canon) {
		if (write(10, "\n", 1) != 1)
			wl_fail("fd 10: write: %m");
		n = drain(11, buf, sizeof(buf));
		if (n != 4 || memcmp(buf, "abc\n", 4))
			wl_fail("fd 11 reads %zd bytes, not the line \"abc\\n\"", n);
		return;
	}
	n = drain(11, buf, sizeof(buf));
	if (n != (ssize_t)IN_LEN || memcmp(buf, in_bytes, IN_LEN))
		wl_fail("fd 11 reads %zd bytes, not the %zu written to the master", n, IN_LEN);
	n = drain(10, buf, sizeof(buf));
	if (n != (ssize_t)OUT_LEN || memcmp(buf, out_bytes, OUT_LEN))
		wl_fail("fd 10 reads %zd bytes, not the %zu written to the slave", n, OUT_LEN);
	if (write(11, "ping", 4) != 4 || drain(10, buf, sizeof(buf)) != 4 ||
	    memcmp(buf, "ping", 4))
		wl_fail("fd 10 does not read what the slave wrote");
	if (write(10, "pong", 4) != 4 || drain(11, buf, sizeof(buf)) != 4 ||
	    memcmp(buf, "pong", 4))
		wl_fail("fd 11 does not read what the master wrote");
}

/* After a restart that left the terminals out: /dev/null-like fds. */
static void check_excluded(void)
{
	struct termios t;
	char buf[16];
	int fd, i;

	for (fd = 10; fd <= 11; fd++) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n != 0)
			wl_fail("fd %d: read gives %zd (%m), not end of file", fd, n);
		if (write(fd, "ping", 4) != 4)
			wl_fail("fd %d: write: %m", fd);
		if (!tcgetattr(fd, &t) || errno != ENOTTY)
			wl_fail("fd %d: tcgetattr: %m, not ENOTTY", fd);
	}
	if (!ctty)
		return;
	sh->ask++;
	for (i = 0; i < 200 && sh->answered != sh->ask; i++)
		wl_msleep(10);
	if (sh->answered != sh->ask)
		wl_fail("the session leader does not answer");
	else if (sh->fg != -1 || sh->fg_errno != ENOTTY)
		wl_fail("tcgetpgrp() in the session leader gives %d (%s), not ENOTTY",
			sh->fg, strerror(sh->fg_errno));
	else if (sh->tty_errno != ENXIO)
		wl_fail("open(/dev/tty) in the session leader: %s, not ENXIO",
			strerror(sh->tty_errno));
}

static void check_ctty(void)
{
	int i, before = sh->g_sigint;

	sh->ask++;
	for (i = 0; i < 200 && sh->answered != sh->ask; i++)
		wl_msleep(10);
	if (sh->answered != sh->ask)
		wl_fail("the session leader does not answer");
	else if (sh->fg != sh->g_pid)
		wl_fail("tcgetpgrp() gives %d, want %d", sh->fg, sh->g_pid);
	if (write(10, "\a", 1) != 1)
		wl_fail("fd 10: write VINTR: %m");
	for (i = 0; i < 200 && sh->g_sigint == before; i++)
		wl_msleep(10);
	if (sh->g_sigint != before + 1)
		wl_fail("VINTR: the foreground group got %d SIGINTs, want 1",
			sh->g_sigint - before);
	if (sh->c_sigint)
		wl_fail("VINTR: the session leader got %d SIGINTs", sh->c_sigint);
}

int main(int argc, char **argv)
{
	struct winsize ws = { .ws_row = 33, .ws_col = 111 }, ws2;
	struct termios tio, tio2;
	pid_t child = 0;
	char buf[16];
	int m, s, st;

	wl_init(argc, argv, "o:clx", opt);
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
	if (!canon) {
		cfmakeraw(&tio);
		if (!outside) {
			tio.c_lflag |= ISIG;
			tio.c_cc[VINTR] = '\a';
		}
	}
	if (tcsetattr(11, TCSANOW, &tio) || ioctl(11, TIOCSWINSZ, &ws) ||
	    tcgetattr(11, &tio))
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
	} else {
		if (fcntl(10, F_SETFL, O_NONBLOCK) || fcntl(11, F_SETFL, O_NONBLOCK))
			wl_die("fcntl: %m");
		if (!excluded)
			fill();
	}
	if (ctty) {
		sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (sh == MAP_FAILED)
			wl_die("mmap: %m");
		child = fork();
		if (child < 0)
			wl_die("fork: %m");
		if (!child)
			session();
		while (!sh->g_pid || tcgetpgrp(10) != sh->g_pid)
			wl_msleep(10);
		wl_put("info", 0, "child %d\ngroup %d\n", child, sh->g_pid);
	}
	wl_catch_usr1();
	wl_ready();
	for (;;) {
		wl_wait_usr1();
		wl_failures = 0;
		if (excluded) {
			check_excluded();
			if (!wl_failures)
				wl_put("result", 1, "OK ptys\n");
			continue;
		}
		if (tcgetattr(11, &tio2) || !same_termios(&tio, &tio2))
			wl_fail("fd 11: termios changed");
		if (ioctl(11, TIOCGWINSZ, &ws2) || ws2.ws_row != 33 || ws2.ws_col != 111)
			wl_fail("fd 11: window %ux%u, want 33x111", ws2.ws_row, ws2.ws_col);
		if (outside) {
			if (write(11, "ping", 4) != 4)
				wl_fail("fd 11: write: %m");
			if (waitpid(child, &st, 0) != child || !WIFEXITED(st) ||
			    WEXITSTATUS(st))
				wl_fail("the child holding the master ends with %#x", st);
		} else {
			check_data();
			if (ctty)
				check_ctty();
			fill();
		}
		if (!wl_failures)
			wl_put("result", 1, "OK ptys\n");
	}
}
