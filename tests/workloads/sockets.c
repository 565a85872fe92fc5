// SPDX-License-Identifier: GPL-2.0
/*
 * sockets -d DIR [-k]
 *
 * A parent and a child talking over four socketpairs, with data left in
 * flight in both directions:
 *
 *	s  stream: 1000 bytes to the child; 3000 to the parent, of which the
 *	   parent read the first 100 (a partly read buffer)
 *	d  datagram: messages of 10, 0 and 200 bytes to the child, 30 and
 *	   40 to the parent
 *	q  seqpacket: 5 and 7000 bytes to the child; 9 to the parent, and
 *	   the child shut its end down for writing
 *	h  stream: the child wrote "bye" and closed its end (half closed)
 *
 * Each side records poll() of its ends when ready.  On SIGUSR1 (to the
 * parent, which passes it on) each side checks poll() gives the same,
 * reads exactly the bytes and message boundaries queued to it (then EOF
 * where the other side shut down or closed), and the two exchange a
 * ping and a pong.  Writes "OK sockets" or "FAIL ..." to DIR/result.
 * Checks consume the data: one check per run.
 *
 * -k: the child keeps its copies of the parent's ends open.
 */
#include "wl.h"
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>

static int s[2], d[2], q[2], h[2];
static short before[4];
static char why[256];
static int keep;

static unsigned char pat(unsigned int i, int salt)
{
	return (unsigned char)(i * 7 + salt);
}

static void send_pat(int fd, unsigned int off, unsigned int len, int salt)
{
	unsigned char buf[8192];

	for (unsigned int i = 0; i < len; i++)
		buf[i] = pat(off + i, salt);
	if (send(fd, buf, len, 0) != (ssize_t)len)
		wl_die("send %u: %m", len);
}

static void poll_all(int *fds, short *rev)
{
	struct pollfd p[4];

	for (int i = 0; i < 4; i++)
		p[i] = (struct pollfd){ fds[i], POLLIN | POLLOUT | POLLRDHUP, 0 };
	poll(p, 4, 0);
	for (int i = 0; i < 4; i++)
		rev[i] = p[i].revents;
}

/* Read what is queued on @fd without blocking: message @lens, then EOF? */
static int expect(const char *name, int fd, const unsigned int *lens, int n,
		  int salt, int stream, int eof)
{
	unsigned char buf[8192];
	unsigned int off = stream ? 100 * (salt == 2) : 0;

	for (int m = 0; m < n; m++) {
		unsigned int want = lens[m], got = 0;

		while (got < want || (!stream && !got)) {
			ssize_t r = recv(fd, buf, stream ? want - got : sizeof(buf),
					 MSG_DONTWAIT);

			if (r < 0 || (r == 0 && want)) {
				snprintf(why, sizeof(why), "%s: message %d: got %u of %u bytes (%zd %m)",
					 name, m, got, want, r);
				return -1;
			}
			if (!stream && (unsigned int)r != want) {
				snprintf(why, sizeof(why), "%s: message %d: %zd bytes, not %u",
					 name, m, r, want);
				return -1;
			}
			for (ssize_t i = 0; i < r; i++)
				if (buf[i] != pat(off + got + i, salt)) {
					snprintf(why, sizeof(why), "%s: message %d: byte %zd differs",
						 name, m, got + i);
					return -1;
				}
			got += r;
			if (!want)
				break;
		}
		off = stream ? off + got : 0;
	}
	if (eof) {
		ssize_t r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (r != 0) {
			snprintf(why, sizeof(why), "%s: %zd instead of EOF (%m)", name, r);
			return -1;
		}
	} else if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0 || errno != EAGAIN) {
		snprintf(why, sizeof(why), "%s: more data than queued", name);
		return -1;
	}
	return 0;
}

static int ping(int fd, const char *out, const char *in)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char buf[16] = "";

	if (out && send(fd, out, strlen(out), 0) != (ssize_t)strlen(out))
		return snprintf(why, sizeof(why), "send %s: %m", out), -1;
	if (poll(&p, 1, 10000) != 1 || recv(fd, buf, sizeof(buf) - 1, 0) != (ssize_t)strlen(in) ||
	    strcmp(buf, in))
		return snprintf(why, sizeof(why), "no %s, got '%s'", in, buf), -1;
	return 0;
}

static volatile sig_atomic_t usr2;

static void on_usr2(int sig)
{
	(void)sig;
	usr2 = 1;
}

static void child(void)
{
	int mine[4] = { s[1], d[1], q[1], h[1] };
	short now[4];
	static const unsigned int s_lens[] = { 1000 }, d_lens[] = { 10, 0, 200 },
		q_lens[] = { 5, 7000 };
	int bad;

	if (!keep) {
		close(s[0]); close(d[0]); close(q[0]); close(h[0]);
	}
	send_pat(s[1], 0, 3000, 2);
	send_pat(d[1], 0, 30, 4);
	send_pat(d[1], 0, 40, 4);
	send_pat(q[1], 0, 9, 6);
	shutdown(q[1], SHUT_WR);
	send_pat(h[1], 0, 3, 8);
	close(h[1]);
	mine[3] = -1;
	wl_put("child", 0, "ready\n");
	/* the parent has written its part */
	while (!usr2)
		pause();
	poll_all(mine, before);
	wl_put("child", 0, "polled\n");
	wl_wait_usr1();
	poll_all(mine, now);
	bad = memcmp(now, before, sizeof(now)) ?
		snprintf(why, sizeof(why), "child poll %x %x %x, was %x %x %x", now[0], now[1],
			 now[2], before[0], before[1], before[2]) : 0;
	if (!bad)
		bad = expect("child s", s[1], s_lens, 1, 1, 1, 0) ||
		      expect("child d", d[1], d_lens, 3, 3, 0, 0) ||
		      expect("child q", q[1], q_lens, 2, 5, 0, 0);
	if (!bad) {
		wl_put("child", 0, "checked\n");
		bad = ping(s[1], NULL, "ping") || ping(s[1], "pong", "done");
	}
	wl_put("child", 0, "%s %s\n", bad ? "FAIL" : "OK", bad ? why : "");
	for (;;)
		pause();
}

/* The child's line once it is no longer @old (10 s at most). */
static const char *child_says(const char *path, char *buf, int size, const char *old)
{
	for (int i = 0; i < 1000; i++) {
		FILE *f = fopen(path, "r");

		buf[0] = 0;
		if (f) {
			if (!fgets(buf, size, f))
				buf[0] = 0;
			fclose(f);
		}
		if (buf[0] && strncmp(buf, old, strlen(old)))
			return buf;
		wl_msleep(10);
	}
	snprintf(buf, size, "no answer");
	return buf;
}

static int opt(int c, char *arg)
{
	(void)arg;
	if (c != 'k')
		return -1;
	keep = 1;
	return 0;
}

int main(int argc, char **argv)
{
	static const unsigned int s_lens[] = { 2900 }, d_lens[] = { 30, 40 },
		q_lens[] = { 9 }, h_lens[] = { 3 };
	char buf[128], path[4096];
	int mine[4];
	short now[4];
	pid_t c;

	wl_init(argc, argv, "k", opt);
	wl_catch_usr1();
	signal(SIGUSR2, on_usr2);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) || socketpair(AF_UNIX, SOCK_DGRAM, 0, d) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, q) || socketpair(AF_UNIX, SOCK_STREAM, 0, h))
		wl_die("socketpair: %m");
	c = fork();
	if (c < 0)
		wl_die("fork: %m");
	if (c == 0)
		child();
	close(s[1]); close(d[1]); close(q[1]); close(h[1]);
	snprintf(path, sizeof(path), "%s/child", wl_dir);
	while (access(path, F_OK))
		wl_msleep(10);
	send_pat(s[0], 0, 1000, 1);
	send_pat(d[0], 0, 10, 3);
	send_pat(d[0], 0, 0, 3);
	send_pat(d[0], 0, 200, 3);
	send_pat(q[0], 0, 5, 5);
	send_pat(q[0], 0, 7000, 5);
	if (recv(s[0], buf, 100, MSG_WAITALL) != 100)
		wl_die("recv: %m");
	mine[0] = s[0]; mine[1] = d[0]; mine[2] = q[0]; mine[3] = h[0];
	poll_all(mine, before);
	kill(c, SIGUSR2);
	if (strcmp(child_says(path, buf, sizeof(buf), "ready"), "polled\n"))
		wl_die("child: %s", buf);
	wl_put("info", 0, "child %d poll %x %x %x %x\n", c, before[0], before[1], before[2],
	       before[3]);
	wl_ready();
	wl_wait_usr1();
	poll_all(mine, now);
	kill(c, SIGUSR1);
	if (memcmp(now, before, sizeof(now)))
		wl_fail("parent poll %x %x %x %x, was %x %x %x %x", now[0], now[1], now[2], now[3],
			before[0], before[1], before[2], before[3]);
	else if (expect("parent s", s[0], s_lens, 1, 2, 1, 0) ||
		 expect("parent d", d[0], d_lens, 2, 4, 0, 0) ||
		 expect("parent q", q[0], q_lens, 1, 6, 0, 1) ||
		 expect("parent h", h[0], h_lens, 1, 8, 1, 1))
		wl_fail("%s", why);
	else if (strcmp(child_says(path, buf, sizeof(buf), "polled"), "checked\n"))
		wl_fail("child: %s", buf);
	else if (ping(s[0], "ping", "pong") || (send(s[0], "done", 4, 0) != 4))
		wl_fail("%s", why);
	else if (strncmp(child_says(path, buf, sizeof(buf), "checked"), "OK", 2))
		wl_fail("child: %s", buf);
	else
		wl_put("result", 1, "OK sockets\n");
	for (;;)
		pause();
}
