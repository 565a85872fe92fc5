/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the test workloads.
 *
 * A workload sets up some state, reports it is ready, waits, and when it
 * gets SIGUSR1 verifies the state and reports the result, CRIU zdtm style.
 * Reports are files in the state directory given with -d DIR:
 *
 *	DIR/pid		the pid, written first
 *	DIR/info	"key value" lines describing the state (optional)
 *	DIR/ready	created once the state is set up
 *	DIR/result	"OK ..." or "FAIL ...", one line per verification
 *
 * Every file appears atomically (written aside, then renamed).  Without
 * -d nothing is written but stdout.
 */
#ifndef WL_H
#define WL_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *wl_dir __attribute__((unused));

static inline void wl_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* Write @len bytes of @buf fully, with write(2) only. */
static inline int wl_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Replace DIR/@name atomically with @text; append when @append. */
static inline void wl_put(const char *name, int append, const char *fmt, ...)
{
	char path[4096], tmp[4096], text[4096];
	va_list ap;
	int fd;

	if (!wl_dir)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s", wl_dir, name);
	if (append) {
		fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
		if (fd < 0 || wl_write_all(fd, text, strlen(text)))
			wl_die("%s: %m", path);
		close(fd);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", wl_dir, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0 || wl_write_all(fd, text, strlen(text)))
		wl_die("%s: %m", tmp);
	close(fd);
	if (rename(tmp, path))
		wl_die("rename %s: %m", path);
}

/* Failures a workload reported since it last cleared wl_failures. */
static int wl_failures;

/* wl_fail(): report "FAIL ..." on stdout and in DIR/result, and count it. */
static inline void __attribute__((format(printf, 1, 2)))
wl_fail(const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	wl_put("result", 1, "FAIL %s\n", text);
	printf("FAIL %s\n", text);
	wl_failures++;
}

/* Parse the common option -d DIR; returns the index of the first operand. */
static inline int wl_init(int argc, char **argv, const char *opts, int (*opt)(int c, char *arg))
{
	char all[64];
	int c;

	snprintf(all, sizeof(all), "+d:%s", opts ? opts : "");
	while ((c = getopt(argc, argv, all)) != -1) {
		if (c == 'd')
			wl_dir = optarg;
		else if (c == '?' || !opt || opt(c, optarg))
			wl_die("usage: %s [-d DIR] ...", argv[0]);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	wl_put("pid", 0, "%d\n", getpid());
	return optind;
}

static inline void wl_ready(void)
{
	wl_put("ready", 0, "ready %d\n", getpid());
}

static volatile sig_atomic_t wl_usr1;

static inline void wl_usr1_handler(int sig)
{
	(void)sig;
	wl_usr1 = 1;
}

/* SIGUSR1 sets wl_usr1, without SA_RESTART so that it interrupts sleeps. */
static inline void wl_catch_usr1(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = wl_usr1_handler;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		wl_die("sigaction: %m");
}

/* wl_wait_usr1(): sleep until SIGUSR1 (caught by wl_catch_usr1()) comes. */
static inline void wl_wait_usr1(void)
{
	while (!wl_usr1)
		pause();
	wl_usr1 = 0;
}

static inline void wl_msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static inline double wl_now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif
