// SPDX-License-Identifier: GPL-2.0
/*
 * mqueues -d DIR [-u] [-N]
 *
 * POSIX message queues shared by a parent and its child (fork):
 *	Q1	/ckpt-mq-PID, mode 0640, maxmsg 8, msgsize 2048, open at fd 20
 *		(O_RDWR) and fd 21 (O_WRONLY | O_NONBLOCK), with six messages
 *		sent as (prio 1 "hello"), (5, 1000 bytes), (0, empty),
 *		(5, "five-b"), (31, 2048 bytes), (1, "world")
 *	Q2	/ckpt-mq2-PID, mode 0600, maxmsg 4, msgsize 64, empty, at fd 22
 *		(O_RDONLY); the child waits in mq_receive() on it and appends
 *		"PRIO TEXT" to DIR/got for each message it gets
 *	Q3	/ckpt-mq3-PID, maxmsg 2, msgsize 16, one message (3 "unlinked"),
 *		at fd 23 (O_RDWR | O_NONBLOCK), its name removed
 * With -u the parent also holds a netlink socket at fd 30 (a checkpoint
 * refuses it); with -N it registers a notification on Q1 (SIGEV_SIGNAL,
 * SIGUSR2).  DIR/info gets "child PID", "Q1 NAME", "Q2 NAME", "Q3 NAME".
 *
 * On SIGUSR1 the parent checks attributes, flags, modes, owners, that the
 * child's fds are the same open files (kcmp), and the messages: it takes
 * them all in receive order, compares priorities and bytes, and sends them
 * back in that order; "OK mqueues" or FAIL lines go to DIR/result.  With
 * -N it checks only that the notification is still registered and Q1's
 * attributes (taking the messages would fire it).
 *
 * Helpers for the tests: mqueues send NAME PRIO TEXT; mqueues attr NAME
 * (prints "maxmsg M msgsize S curmsgs C mode MODE", fails if there is no
 * such queue); mqueues unlink NAME...
 */
#include "wl.h"
#include <linux/netlink.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define KCMP_FILE	0

static char q1[64], q2[64], q3[64];
static char big1[1000], big2[2048];
static pid_t child;
static int with_notify;

struct want {
	unsigned int prio;
	const char *text;
	size_t len;
};

static const struct want q1_want[] = {
	{ 31, big2, sizeof(big2) },
	{ 5, big1, sizeof(big1) },
	{ 5, "five-b", 6 },
	{ 1, "hello", 5 },
	{ 1, "world", 5 },
	{ 0, "", 0 },
};

static const struct want q3_want[] = {
	{ 3, "unlinked", 8 },
};

static void send1(int fd, unsigned int prio, const char *text, size_t len)
{
	if (mq_send(fd, text, len, prio))
		wl_die("mq_send: %m");
}

static void check_attr(int fd, const char *what, long maxmsg, long msgsize,
		       long curmsgs, long flags, unsigned int mode)
{
	struct mq_attr a;
	struct stat st;

	if (mq_getattr(fd, &a)) {
		wl_fail("%s: mq_getattr: %m", what);
		return;
	}
	if (a.mq_maxmsg != maxmsg || a.mq_msgsize != msgsize ||
	    a.mq_curmsgs != curmsgs || a.mq_flags != flags)
		wl_fail("%s: maxmsg %ld msgsize %ld curmsgs %ld flags %#lx, want %ld %ld %ld %#lx",
			what, a.mq_maxmsg, a.mq_msgsize, a.mq_curmsgs, a.mq_flags,
			maxmsg, msgsize, curmsgs, flags);
	if (fstat(fd, &st) || (st.st_mode & 07777) != mode || st.st_uid != getuid() ||
	    st.st_gid != getgid())
		wl_fail("%s: mode %o uid %u gid %u, want %o %u %u", what,
			st.st_mode & 07777, st.st_uid, st.st_gid, mode, getuid(), getgid());
}

/* Take the @n messages of the queue at @rfd, compare, send them back. */
static void check_msgs(int rfd, int wfd, const char *what,
		       const struct want *w, int n)
{
	static char buf[2048];
	unsigned int prio;
	ssize_t len;
	int i;

	for (i = 0; i < n; i++) {
		struct timespec ts = { time(NULL) + 5, 0 };

		len = mq_timedreceive(rfd, buf, sizeof(buf), &prio, &ts);
		if (len < 0) {
			wl_fail("%s: message %d: %m", what, i);
			return;
		}
		if (prio != w[i].prio || (size_t)len != w[i].len ||
		    memcmp(buf, w[i].text, len))
			wl_fail("%s: message %d: prio %u, %zd bytes, want %u, %zu bytes",
				what, i, prio, len, w[i].prio, w[i].len);
	}
	for (i = 0; i < n; i++)
		send1(wfd, w[i].prio, w[i].text, w[i].len);
}

static void check_same_file(int fd)
{
	long r = syscall(SYS_kcmp, getpid(), child, KCMP_FILE, fd, fd);

	if (r)
		wl_fail("fd %d: the child's is not the same open file (kcmp %ld: %m)", fd, r);
}

static void verify(void)
{
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2 };
	struct stat a, b;
	char buf[64];
	int fd;

	/* a notification registered stays so; taking the messages and
	 * closing an fd of the queue would remove it: check it alone */
	if (with_notify) {
		if (mq_notify(20, &sev) == 0 || errno != EBUSY)
			wl_fail("Q1: no notification registered any more: %m");
		check_attr(20, "Q1 fd 20", 8, 2048, 6, 0, 0640);
		return;
	}
	check_attr(20, "Q1 fd 20", 8, 2048, 6, 0, 0640);
	check_attr(21, "Q1 fd 21", 8, 2048, 6, O_NONBLOCK, 0640);
	check_attr(22, "Q2 fd 22", 4, 64, 0, 0, 0600);
	check_attr(23, "Q3 fd 23", 2, 16, 1, O_NONBLOCK, 0600);
	check_msgs(20, 21, "Q1", q1_want, 6);
	check_msgs(23, 23, "Q3", q3_want, 1);
	check_attr(20, "Q1 after", 8, 2048, 6, 0, 0640);
	check_attr(23, "Q3 after", 2, 16, 1, O_NONBLOCK, 0600);
	/* access modes */
	if (mq_receive(21, buf, sizeof(buf), NULL) >= 0 || errno != EBADF)
		wl_fail("Q1 fd 21 could be read from: %m");
	if (mq_send(22, "x", 1, 0) == 0 || errno != EBADF)
		wl_fail("Q2 fd 22 could be written to: %m");
	/* names: Q1's is the queue at fd 20, Q3's is gone */
	fd = mq_open(q1, O_RDONLY);
	if (fd < 0 || fstat(fd, &a) || fstat(20, &b) || a.st_ino != b.st_ino)
		wl_fail("%s is not the queue at fd 20: %m", q1);
	if (fd >= 0)
		close(fd);
	fd = mq_open(q3, O_RDONLY);
	if (fd >= 0 || errno != ENOENT)
		wl_fail("%s has a name: %m", q3);
	if (fd >= 0)
		close(fd);
	check_same_file(20);
	check_same_file(21);
	check_same_file(22);
	check_same_file(23);
}

static int opt(int c, char *arg)
{
	(void)arg;
	if (c == 'u') {
		/* a netlink socket: refused by default (net.c) */
		int s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);

		if (s < 0 || dup2(s, 30) != 30)
			wl_die("socket: %m");
		close(s);
		return 0;
	}
	if (c == 'N') {
		with_notify = 1;
		return 0;
	}
	return 1;
}

static int open_q(const char *name, int flags, int mode, long maxmsg, long msgsize, int fd)
{
	struct mq_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
	int q = mq_open(name, flags, mode, maxmsg ? &a : NULL);

	if (q < 0 || dup2(q, fd) != fd)
		wl_die("mq_open %s: %m", name);
	close(q);
	return fd;
}

static void child_loop(void)
{
	char buf[64];
	unsigned int prio;
	ssize_t n;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		n = mq_receive(22, buf, sizeof(buf), &prio);
		if (n >= 0)
			wl_put("got", 1, "%u %.*s\n", prio, (int)n, buf);
		else if (errno != EINTR)
			wl_die("child: mq_receive: %m");
	}
}

static int helper(int argc, char **argv)
{
	struct mq_attr a;
	struct stat st;
	int fd, i;

	if (!strcmp(argv[1], "send") && argc == 5) {
		fd = mq_open(argv[2], O_WRONLY | O_NONBLOCK);
		if (fd < 0 || mq_send(fd, argv[4], strlen(argv[4]), atoi(argv[3])))
			wl_die("%s: %m", argv[2]);
		return 0;
	}
	if (!strcmp(argv[1], "attr") && argc == 3) {
		fd = mq_open(argv[2], O_RDONLY);
		if (fd < 0 || mq_getattr(fd, &a) || fstat(fd, &st)) {
			fprintf(stderr, "%s: %m\n", argv[2]);
			return 1;
		}
		printf("maxmsg %ld msgsize %ld curmsgs %ld mode %o\n", a.mq_maxmsg,
		       a.mq_msgsize, a.mq_curmsgs, st.st_mode & 07777);
		return 0;
	}
	if (!strcmp(argv[1], "unlink") && argc >= 3) {
		for (i = 2; i < argc; i++)
			if (mq_unlink(argv[i]))
				wl_die("mq_unlink %s: %m", argv[i]);
		return 0;
	}
	wl_die("usage: mqueues -d DIR [-u] [-N] | send NAME PRIO TEXT | attr NAME | unlink NAME...");
	return 2;
}

int main(int argc, char **argv)
{
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2 };
	sigset_t set;
	int sig, i;

	if (argc > 1 && argv[1][0] != '-')
		return helper(argc, argv);
	wl_init(argc, argv, "uN", opt);
	for (i = 0; i < (int)sizeof(big1); i++)
		big1[i] = (char)('a' + i % 26);
	for (i = 0; i < (int)sizeof(big2); i++)
		big2[i] = (char)(i * 7 + 3);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigdelset(&set, SIGUSR2);

	snprintf(q1, sizeof(q1), "/ckpt-mq-%d", getpid());
	snprintf(q2, sizeof(q2), "/ckpt-mq2-%d", getpid());
	snprintf(q3, sizeof(q3), "/ckpt-mq3-%d", getpid());
	umask(0);
	open_q(q1, O_RDWR | O_CREAT | O_EXCL, 0640, 8, 2048, 20);
	open_q(q1, O_WRONLY | O_NONBLOCK, 0, 0, 0, 21);
	open_q(q2, O_RDONLY | O_CREAT | O_EXCL, 0600, 4, 64, 22);
	open_q(q3, O_RDWR | O_NONBLOCK | O_CREAT | O_EXCL, 0600, 2, 16, 23);
	if (mq_unlink(q3))
		wl_die("mq_unlink: %m");
	send1(21, 1, "hello", 5);
	send1(21, 5, big1, sizeof(big1));
	send1(21, 0, "", 0);
	send1(21, 5, "five-b", 6);
	send1(21, 31, big2, sizeof(big2));
	send1(21, 1, "world", 5);
	send1(23, 3, "unlinked", 8);
	if (with_notify && mq_notify(20, &sev))
		wl_die("mq_notify: %m");

	child = fork();
	if (child < 0)
		wl_die("fork: %m");
	if (!child)
		child_loop();
	/* ready once the child waits for a message */
	for (i = 0; i < 2000; i++) {
		char path[64], st[256];
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/stat", child);
		f = fopen(path, "r");
		if (f && fgets(st, sizeof(st), f) && strstr(st, ") S "))
			i = 2000;
		if (f)
			fclose(f);
		if (i < 2000)
			wl_msleep(5);
	}
	wl_put("info", 0, "child %d\nQ1 %s\nQ2 %s\nQ3 %s\n", child, q1, q2, q3);
	wl_ready();
	for (;;) {
		if (sigwait(&set, &sig))
			continue;
		wl_failures = 0;
		verify();
		if (!wl_failures)
			wl_put("result", 1, "OK mqueues\n");
	}
}
