// SPDX-License-Identifier: GPL-2.0
/*
 * pipes -d DIR [-m state|pipeline|outside] [-o CGROUP] [-k]
 *
 * -m state (default): a parent and its child share pipes with data in
 * flight both ways, then wait; SIGUSR1 to the parent verifies once:
 *	A  parent -> child, F_SETPIPE_SZ 256 KiB, 150000 bytes buffered
 *	B  child -> parent, 3000 bytes buffered, O_NONBLOCK on the read end
 *	C  parent -> child, 4 KiB pipe full (not writable), O_NONBLOCK write end
 *	D  parent -> child, write end closed after "bye": reads "bye", then EOF
 *	E  write end shared by parent (fd 40) and child (fd 41, a dup)
 *	F  FIFO DIR/fifo, parent writes 5000 bytes, child reads (O_NONBLOCK)
 * Each process records poll() readiness and F_GETFL/F_GETPIPE_SZ of its
 * fds at setup and compares on SIGUSR1 (parent) / SIGUSR2 (child, sent by
 * the parent), then checks the bytes.  The child reports to the parent
 * through B after the buffered bytes: a write of one task read by the
 * other.  The parent writes "OK pipes" or FAIL lines to DIR/result.
 *
 * -m pipeline: the process and two children make a pipeline
 * producer | filter | consumer of a byte stream in which byte i is a hash
 * of i; the filter checks its input and xors each byte with 0x5a, the
 * consumer (this process) checks its input and logs "count BYTES" every
 * 100 ms.  SIGUSR1 to the consumer: "OK pipeline BYTES" unless a byte was
 * lost, duplicated or changed.
 *
 * -m outside: a child holds a pipe's write end and moves itself to the
 * group CGROUP (-o); the parent keeps the read end (and with -k the write
 * end too, the same open file).  Both wait.
 */
#include "wl.h"
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>

static const char *mode = "state";
static const char *other_group;
static int keep_write;
static char dir[2048];

static int opt(int c, char *arg)
{
	switch (c) {
	case 'm': mode = arg; return 0;
	case 'o': other_group = arg; return 0;
	case 'k': keep_write = 1; return 0;
	}
	return 1;
}

static unsigned char pat(unsigned long i, unsigned int seed)
{
	unsigned long x = (i + seed) * 2654435761UL;

	return (x >> 13) ^ (x >> 29);
}

/* ---- state ---------------------------------------------------------------- */

#define A_BYTES	150000
#define B_BYTES	3000
#define F_BYTES	5000

struct fdstate {
	int fd;
	short revents;
	int fl;
	int size;
};

static struct fdstate st[16];
static int nst;

static void track(int fd)
{
	struct pollfd p = { fd, POLLIN | POLLOUT, 0 };

	if (poll(&p, 1, 0) < 0)
		wl_die("poll: %m");
	st[nst].fd = fd;
	st[nst].revents = p.revents;
	st[nst].fl = fcntl(fd, F_GETFL);
	st[nst].size = fcntl(fd, F_GETPIPE_SZ);
	nst++;
}

static int fds_changed(char *why, size_t len)
{
	int i;

	for (i = 0; i < nst; i++) {
		struct pollfd p = { st[i].fd, POLLIN | POLLOUT, 0 };
		int fl, size;

		poll(&p, 1, 0);
		fl = fcntl(st[i].fd, F_GETFL);
		size = fcntl(st[i].fd, F_GETPIPE_SZ);
		if (p.revents != st[i].revents || fl != st[i].fl || size != st[i].size) {
			snprintf(why, len, "fd %d: revents %#x flags %#o size %d, was %#x %#o %d",
				 st[i].fd, p.revents, fl, size, st[i].revents,
				 st[i].fl, st[i].size);
			return 1;
		}
	}
	return 0;
}

static void dup_to(int fd, int to)
{
	if (dup2(fd, to) != to)
		wl_die("dup2: %m");
	close(fd);
}

static void fill(int fd, size_t n, unsigned int seed)
{
	static unsigned char buf[A_BYTES];
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = pat(i, seed);
	if (wl_write_all(fd, (char *)buf, n))
		wl_die("write %zu to fd %d: %m", n, fd);
}

/* Read exactly @n bytes of pattern @seed; returns 0 if they match. */
static int drain(int fd, size_t n, unsigned int seed, char *why, size_t len)
{
	unsigned char buf[4096];
	size_t off = 0;

	while (off < n) {
		size_t want = n - off < sizeof(buf) ? n - off : sizeof(buf);
		ssize_t r = read(fd, buf, want);
		size_t i;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			snprintf(why, len, "fd %d: read %zd at byte %zu of %zu: %s",
				 fd, r, off, n, r ? strerror(errno) : "EOF");
			return 1;
		}
		for (i = 0; i < (size_t)r; i++) {
			if (buf[i] != pat(off + i, seed)) {
				snprintf(why, len, "fd %d: byte %zu is %#x, want %#x",
					 fd, off + i, buf[i], pat(off + i, seed));
				return 1;
			}
		}
		off += r;
	}
	return 0;
}

static volatile sig_atomic_t got_usr2;

static void on_usr2(int sig)
{
	(void)sig;
	got_usr2 = 1;
}

/* fds of the child: A 30, B 31 (write), C 32, D 33, E 34 (read) 41 (write), F 35 */
static void child_verify(void)
{
	char why[256] = "", buf[16];
	int fl;

	if (fds_changed(why, sizeof(why)))
		goto out;
	if (drain(30, A_BYTES, 1, why, sizeof(why)))
		goto out;
	fl = fcntl(32, F_GETFL);
	fcntl(32, F_SETFL, fl | O_NONBLOCK);
	if (drain(32, 4096, 3, why, sizeof(why)))
		goto out;
	if (read(32, buf, 1) != -1 || errno != EAGAIN) {
		snprintf(why, sizeof(why), "C holds more than 4096 bytes");
		goto out;
	}
	if (read(33, buf, sizeof(buf)) != 3 || memcmp(buf, "bye", 3) ||
	    read(33, buf, sizeof(buf)) != 0) {
		snprintf(why, sizeof(why), "D does not read bye then EOF");
		goto out;
	}
	/*
	 * E: the parent wrote "p" through its fd 40, then set O_NONBLOCK on
	 * it: fd 41 here is the same open file.
	 */
	if (read(34, buf, 1) != 1 || buf[0] != 'p') {
		snprintf(why, sizeof(why), "E: no byte from the parent");
		goto out;
	}
	if (!(fcntl(41, F_GETFL) & O_NONBLOCK)) {
		snprintf(why, sizeof(why), "E: fd 41 is not the parent's fd 40");
		goto out;
	}
	if (drain(35, F_BYTES, 5, why, sizeof(why)))
		goto out;
	if (read(35, buf, 1) != -1 || errno != EAGAIN) {
		snprintf(why, sizeof(why), "FIFO holds more than %d bytes", F_BYTES);
		goto out;
	}
	strcpy(why, "ok");
out:
	dprintf(31, "%s\n", why);
}

static void child_main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sigaction(SIGUSR2, &sa, NULL);
	track(30);
	track(31);
	track(32);
	track(33);
	track(35);
	/* B: 3000 bytes to the parent, in flight */
	fill(31, B_BYTES, 2);
	wl_put("child-ready", 0, "%d\n", getpid());
	while (!got_usr2)
		pause();
	child_verify();
	for (;;)
		pause();
}

static void state_main(void)
{
	int a[2], b[2], c[2], d[2], e[2], f[2];
	char path[4096], why[256] = "", line[256];
	pid_t child;
	ssize_t n;

	if (pipe(a) || pipe(b) || pipe(c) || pipe(d) || pipe(e))
		wl_die("pipe: %m");
	if (fcntl(a[1], F_SETPIPE_SZ, 256 * 1024) < 0 ||
	    fcntl(c[1], F_SETPIPE_SZ, 4096) < 0)
		wl_die("F_SETPIPE_SZ: %m");
	/* A: 150000 bytes to the child, more than the default 64 KiB */
	fill(a[1], A_BYTES, 1);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	unlink(path);
	if (mkfifo(path, 0600))
		wl_die("mkfifo: %m");
	f[0] = open(path, O_RDONLY | O_NONBLOCK);
	f[1] = open(path, O_WRONLY);
	if (f[0] < 0 || f[1] < 0)
		wl_die("open fifo: %m");
	fill(f[1], F_BYTES, 5);
	fcntl(c[1], F_SETFL, O_NONBLOCK);
	fill(c[1], 4096, 3);
	if (write(d[1], "bye", 3) != 3)
		wl_die("write: %m");
	close(d[1]);
	fcntl(b[0], F_SETFL, O_NONBLOCK);

	child = fork();
	if (child < 0)
		wl_die("fork: %m");
	if (!child) {
		dup_to(a[0], 30);
		dup_to(b[1], 31);
		dup_to(c[0], 32);
		dup_to(d[0], 33);
		dup_to(e[0], 34);
		dup_to(f[0], 35);
		if (dup2(e[1], 41) != 41)
			wl_die("dup2: %m");
		close(a[1]); close(b[0]); close(c[1]);
		close(e[1]); close(f[1]);
		child_main();
	}
	dup_to(a[1], 20);
	dup_to(b[0], 21);
	dup_to(c[1], 22);
	dup_to(e[1], 40);
	dup_to(f[1], 25);
	close(a[0]); close(b[1]); close(c[0]); close(d[0]);
	close(e[0]); close(f[0]);
	snprintf(path, sizeof(path), "%s/child-ready", dir);
	while (access(path, F_OK))
		wl_msleep(10);
	track(20);
	track(21);
	track(22);
	track(25);
	track(40);
	wl_put("info", 0, "child %d\n", child);
	wl_catch_usr1();
	wl_ready();

	wl_wait_usr1();
	if (fds_changed(why, sizeof(why))) {
		wl_fail("parent %s", why);
		return;
	}
	if (drain(21, B_BYTES, 2, why, sizeof(why))) {
		wl_fail("parent B %s", why);
		return;
	}
	if (write(40, "p", 1) != 1 || fcntl(40, F_SETFL, O_NONBLOCK))
		wl_fail("E write: %m");
	kill(child, SIGUSR2);
	/* the child's report follows on B, now read blocking */
	fcntl(21, F_SETFL, 0);
	n = read(21, line, sizeof(line) - 1);
	line[n < 0 ? 0 : n] = 0;
	if (strcmp(line, "ok\n")) {
		wl_fail("child: %s", line);
		return;
	}
	wl_put("result", 1, "OK pipes\n");
}

/* ---- pipeline ------------------------------------------------------------- */

static void producer(int out)
{
	unsigned char buf[4096];
	unsigned long i = 0;
	size_t k;

	for (;;) {
		for (k = 0; k < sizeof(buf); k++)
			buf[k] = pat(i + k, 7);
		if (wl_write_all(out, (char *)buf, sizeof(buf)))
			_exit(1);
		i += sizeof(buf);
		wl_msleep(2);
	}
}

static void filter(int in, int out)
{
	unsigned char buf[3000];
	unsigned long i = 0;
	ssize_t n, k;

	for (;;) {
		n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(1);
		for (k = 0; k < n; k++) {
			if (buf[k] != pat(i + k, 7)) {
				dprintf(2, "filter: byte %lu is %#x, want %#x\n",
					i + k, buf[k], pat(i + k, 7));
				_exit(1);
			}
			buf[k] ^= 0x5a;
		}
		i += n;
		if (wl_write_all(out, (char *)buf, n))
			_exit(1);
	}
}

static void pipeline_main(void)
{
	unsigned char buf[1000];
	unsigned long i = 0;
	int p1[2], p2[2], failed = 0;
	double last = 0;
	ssize_t n, k;
	pid_t pid;

	if (pipe(p1) || pipe(p2))
		wl_die("pipe: %m");
	pid = fork();
	if (!pid) {
		close(p1[0]); close(p2[0]); close(p2[1]);
		producer(p1[1]);
	}
	wl_put("info", 0, "producer %d\n", pid);
	pid = fork();
	if (!pid) {
		close(p1[1]); close(p2[0]);
		filter(p1[0], p2[1]);
	}
	wl_put("info", 1, "filter %d\n", pid);
	close(p1[0]); close(p1[1]); close(p2[1]);
	wl_catch_usr1();
	wl_ready();
	for (;;) {
		if (wl_usr1) {
			wl_usr1 = 0;
			if (!failed)
				wl_put("result", 1, "OK pipeline %lu\n", i);
			else
				wl_fail("pipeline broken at byte %lu", i);
		}
		if (failed) {
			pause();
			continue;
		}
		/* slower than the producer: the pipes stay full */
		n = read(p2[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			printf("consumer: read %zd at byte %lu: %s\n", n, i,
			       n ? strerror(errno) : "EOF");
			failed = 1;
			continue;
		}
		for (k = 0; k < n; k++) {
			if (buf[k] != (pat(i + k, 7) ^ 0x5a)) {
				printf("consumer: byte %lu is %#x, want %#x\n", i + k,
				       buf[k], pat(i + k, 7) ^ 0x5a);
				failed = 1;
				break;
			}
		}
		i += n;
		if (wl_now(CLOCK_MONOTONIC) - last > 0.1) {
			last = wl_now(CLOCK_MONOTONIC);
			printf("count %lu\n", i);
		}
		wl_msleep(1);
	}
}

/* ---- outside -------------------------------------------------------------- */

static void outside_main(void)
{
	char path[4096], text[32];
	int p[2], fd;
	pid_t pid;

	if (!other_group)
		wl_die("-m outside needs -o CGROUP");
	if (pipe(p))
		wl_die("pipe: %m");
	pid = fork();
	if (!pid) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", other_group);
		snprintf(text, sizeof(text), "%d\n", getpid());
		fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, text, strlen(text)) < 0)
			wl_die("%s: %m", path);
		close(fd);
		close(p[0]);
		for (;;)
			pause();
	}
	if (!keep_write)
		close(p[1]);
	wl_put("info", 0, "child %d\n", pid);
	wl_ready();
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	wl_init(argc, argv, "m:o:k", opt);
	if (!wl_dir || !realpath(wl_dir, dir))
		wl_die("needs -d DIR");
	if (!strcmp(mode, "state"))
		state_main();
	else if (!strcmp(mode, "pipeline"))
		pipeline_main();
	else if (!strcmp(mode, "outside"))
		outside_main();
	else
		wl_die("unknown mode %s", mode);
	for (;;)
		pause();
}
