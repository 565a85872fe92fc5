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
 *
 * sockets -d DIR -n [-l PATH]
 *
 * Named sockets, in one process: a stream listener on DIR/listen.sock and
 * one on the abstract name "ckpt-unix-PID", each with a connection it
 * accepted:
 *
 *	c/a  connected to the path: 1000 bytes to a, then a message "FDS"
 *	     passing a file open at offset 1234 and the read end of a pipe
 *	     holding "pipe-data" (the write end kept), then 500 bytes; 700
 *	     bytes from a to c
 *	c2/a2 connected to the abstract name: 100 bytes to a2
 *	g    a datagram socket bound to DIR/dgram.sock with datagrams of 10,
 *	     0 and 300 bytes queued, sent by
 *	gc   an autobound datagram socket connected to g, with "reply"
 *	     queued to it by g
 *	lg   with -l PATH: a datagram socket connected to PATH, outside
 *
 * On SIGUSR1 it checks the names (getsockname, getpeername) are what they
 * were, reads every byte, message and file queued (the file at its offset,
 * the pipe's data), sends from gc to g through the connection, connects a
 * new client to each listener and exchanges a byte over it, and with -l
 * sends "again" to PATH.
 *
 * sockets -d DIR -r rel|pending|inflight
 *
 * One thing a checkpoint refuses: a datagram socket bound to the relative
 * name "rel.sock" in DIR, a listener with a connection it did not accept,
 * or a socket in flight over a socketpair.  On SIGUSR1: OK if the socket
 * still works.
 */
#include "wl.h"
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

static int s[2], d[2], q[2], h[2];
static short before[4];
static char why[256];
static int keep, named;
static const char *log_path, *refused;

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
	if (c == 'k')
		keep = 1;
	else if (c == 'n')
		named = 1;
	else if (c == 'l')
		log_path = arg;
	else if (c == 'r')
		refused = arg;
	else
		return -1;
	return 0;
}

/* ---- named sockets (-n) ---- */

struct name {
	struct sockaddr_un a;
	socklen_t len;
};

static int lp, la, a, c, a2, c2, g, gc, lg = -1, pw, pr, ff;
/* names before: lp la a c(peer) a2 c2(peer) g gc */
static struct name nb[8];

static void get_names(struct name *n)
{
	int fds[8] = { lp, la, a, c, a2, c2, g, gc };

	memset(n, 0, 8 * sizeof(*n));
	for (int i = 0; i < 8; i++) {
		n[i].len = sizeof(n[i].a);
		if ((i == 3 || i == 5 ? getpeername : getsockname)(fds[i],
				(struct sockaddr *)&n[i].a, &n[i].len))
			n[i].len = 0;
	}
}

static socklen_t mkaddr(struct sockaddr_un *sun, const char *path, int abstract)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (abstract) {
		snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1, "%s", path);
		return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(path);
	}
	snprintf(sun->sun_path, sizeof(sun->sun_path), "%s", path);
	return sizeof(*sun);
}

static int listener(const char *name, int abstract)
{
	struct sockaddr_un sun;
	socklen_t len = mkaddr(&sun, name, abstract);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, len) || listen(fd, 7))
		wl_die("listen %s: %m", name);
	return fd;
}

static int connect_to(int type, const char *name, int abstract)
{
	struct sockaddr_un sun;
	socklen_t len = mkaddr(&sun, name, abstract);
	int fd = socket(AF_UNIX, type, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, len))
		wl_die("connect %s: %m", name);
	return fd;
}

/* Read everything queued to the stream @fd: bytes into @buf, fds. */
static int drain(int fd, unsigned char *buf, int size, int *fds, int *nfds)
{
	int got = 0;

	*nfds = 0;
	for (;;) {
		union { char b[CMSG_SPACE(8 * sizeof(int))]; struct cmsghdr h; } u;
		struct iovec iov = { buf + got, size - got };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = u.b, .msg_controllen = sizeof(u.b) };
		ssize_t r = recvmsg(fd, &m, MSG_DONTWAIT);

		if (r <= 0)
			return r < 0 && errno != EAGAIN ? -1 : got;
		for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
			int n = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			if (h->cmsg_type == SCM_RIGHTS && *nfds + n <= 8) {
				memcpy(fds + *nfds, CMSG_DATA(h), n * sizeof(int));
				*nfds += n;
			}
		}
		got += r;
	}
}

static int check_pat(const unsigned char *b, unsigned int off, unsigned int len, int salt)
{
	for (unsigned int i = 0; i < len; i++)
		if (b[i] != pat(off + i, salt))
			return -1;
	return 0;
}

/* A new client on listener @l (@name) and its accepted end talk. */
static int new_client(int l, const char *name, int abstract)
{
	struct pollfd p = { l, POLLIN, 0 };
	int cl = connect_to(SOCK_STREAM, name, abstract), sv;
	char x = 0;

	if (poll(&p, 1, 10000) != 1 || (sv = accept(l, NULL, NULL)) < 0)
		return snprintf(why, sizeof(why), "accept on %s: %m", name), -1;
	if (send(cl, "x", 1, 0) != 1 || recv(sv, &x, 1, 0) != 1 || x != 'x')
		return snprintf(why, sizeof(why), "new client of %s: %m", name), -1;
	close(cl);
	close(sv);
	return 0;
}

static int named_check(void)
{
	static unsigned char buf[8192];
	static const unsigned int glens[] = { 10, 0, 300 };
	struct name na[8];
	int fds[8], nfds, n;
	char tmp[64];

	get_names(na);
	for (int i = 0; i < 8; i++)
		if (na[i].len != nb[i].len || memcmp(&na[i].a, &nb[i].a, na[i].len))
			return snprintf(why, sizeof(why), "name %d: %d bytes '%s', was %d '%s'", i,
					na[i].len, na[i].a.sun_path + !na[i].a.sun_path[0],
					nb[i].len, nb[i].a.sun_path + !nb[i].a.sun_path[0]), -1;
	n = drain(a, buf, sizeof(buf), fds, &nfds);
	if (n != 1503 || check_pat(buf, 0, 1000, 11) || memcmp(buf + 1000, "FDS", 3) ||
	    check_pat(buf + 1003, 1000, 500, 11) || nfds != 2)
		return snprintf(why, sizeof(why), "a: %d bytes, %d fds", n, nfds), -1;
	if (lseek(fds[0], 0, SEEK_CUR) != 1234 || read(fds[0], tmp, 4) != 4 ||
	    memcmp(tmp, "at12", 4))
		return snprintf(why, sizeof(why), "file in flight: not at 1234: %m"), -1;
	if (read(fds[1], tmp, sizeof(tmp)) != 9 || memcmp(tmp, "pipe-data", 9))
		return snprintf(why, sizeof(why), "pipe in flight: %m"), -1;
	if (write(pw, "more", 4) != 4 || read(fds[1], tmp, sizeof(tmp)) != 4)
		return snprintf(why, sizeof(why), "pipe in flight, after: %m"), -1;
	n = drain(c, buf, sizeof(buf), fds, &nfds);
	if (n != 700 || check_pat(buf, 0, 700, 12) || nfds)
		return snprintf(why, sizeof(why), "c: %d bytes, %d fds", n, nfds), -1;
	n = drain(a2, buf, sizeof(buf), fds, &nfds);
	if (n != 100 || check_pat(buf, 0, 100, 13))
		return snprintf(why, sizeof(why), "a2: %d bytes", n), -1;
	for (int i = 0; i < 3; i++) {
		ssize_t r = recv(g, buf, sizeof(buf), MSG_DONTWAIT);

		if (r != (ssize_t)glens[i] || check_pat(buf, 0, r, 14 + i))
			return snprintf(why, sizeof(why), "g: datagram %d: %zd bytes %m", i, r), -1;
	}
	if (recv(g, buf, sizeof(buf), MSG_DONTWAIT) >= 0 || errno != EAGAIN)
		return snprintf(why, sizeof(why), "g: more datagrams than queued"), -1;
	if (recv(gc, buf, sizeof(buf), MSG_DONTWAIT) != 5 || memcmp(buf, "reply", 5))
		return snprintf(why, sizeof(why), "gc: no reply queued"), -1;
	if (send(gc, "again", 5, 0) != 5 || recv(g, buf, sizeof(buf), MSG_DONTWAIT) != 5)
		return snprintf(why, sizeof(why), "gc -> g after restart: %m"), -1;
	if (lg >= 0 && send(lg, "again", 5, 0) != 5)
		return snprintf(why, sizeof(why), "send to %s: %m", log_path), -1;
	snprintf(tmp, sizeof(tmp), "ckpt-unix-%d", getpid());
	if (new_client(lp, "listen.sock", 0) || new_client(la, tmp, 1))
		return -1;
	return 0;
}

static void send_fds(int fd, const char *what, int *fds, int n)
{
	union { char b[CMSG_SPACE(8 * sizeof(int))]; struct cmsghdr h; } u;
	struct iovec iov = { (void *)what, strlen(what) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
			    .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);

	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(h), fds, n * sizeof(int));
	if (sendmsg(fd, &m, 0) != (ssize_t)strlen(what))
		wl_die("sendmsg: %m");
}

static void named_main(void)
{
	struct sockaddr_un sun;
	socklen_t len;
	char name[64];
	int p[2], pass[2];

	/* names are bound absolute; new clients connect relative to DIR */
	if (chdir(wl_dir))
		wl_die("chdir: %m");
	snprintf(name, sizeof(name), "ckpt-unix-%d", getpid());
	{
		char full[200];

		snprintf(full, sizeof(full), "%s/listen.sock", wl_dir);
		lp = listener(full, 0);
		la = listener(name, 1);
		c = connect_to(SOCK_STREAM, full, 0);
		c2 = connect_to(SOCK_STREAM, name, 1);
		snprintf(full, sizeof(full), "%s/dgram.sock", wl_dir);
		g = socket(AF_UNIX, SOCK_DGRAM, 0);
		len = mkaddr(&sun, full, 0);
		if (g < 0 || bind(g, (struct sockaddr *)&sun, len))
			wl_die("bind %s: %m", full);
		gc = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (gc < 0 || bind(gc, (struct sockaddr *)&sun, sizeof(sa_family_t)) ||
		    connect(gc, (struct sockaddr *)&sun, len))
			wl_die("gc: %m");
	}
	a = accept(lp, NULL, NULL);
	a2 = accept(la, NULL, NULL);
	if (a < 0 || a2 < 0)
		wl_die("accept: %m");
	if (log_path)
		lg = connect_to(SOCK_DGRAM, log_path, 0);

	/* the file and the pipe passed in flight */
	ff = open("data", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (ff < 0 || pwrite(ff, "0123456789", 10, 1230) != 10 || pwrite(ff, "at12", 4, 1234) != 4 ||
	    lseek(ff, 1234, SEEK_SET) != 1234 || pipe(p) || write(p[1], "pipe-data", 9) != 9)
		wl_die("data: %m");
	pr = p[0];
	pw = p[1];
	pass[0] = ff;
	pass[1] = pr;
	send_pat(c, 0, 1000, 11);
	send_fds(c, "FDS", pass, 2);
	send_pat(c, 1000, 500, 11);
	/* the server end of the file and the pipe's read end: in flight only */
	close(ff);
	close(pr);
	send_pat(a, 0, 700, 12);
	send_pat(c2, 0, 100, 13);
	for (int i = 0; i < 3; i++) {
		static const unsigned int glens[] = { 10, 0, 300 };

		send_pat(gc, 0, glens[i], 14 + i);
	}
	len = sizeof(sun);
	if (getsockname(gc, (struct sockaddr *)&sun, &len) ||
	    sendto(g, "reply", 5, 0, (struct sockaddr *)&sun, len) != 5)
		wl_die("reply: %m");
	if (lg >= 0 && send(lg, "hello", 5, 0) != 5)
		wl_die("send to %s: %m", log_path);
	get_names(nb);
	wl_put("info", 0, "listen %s/listen.sock abstract %s gc %d\n", wl_dir, name, nb[7].len);
	wl_ready();
	wl_wait_usr1();
	if (named_check())
		wl_fail("%s", why);
	else
		wl_put("result", 1, "OK sockets named\n");
	for (;;)
		pause();
}

static void refused_main(void)
{
	struct sockaddr_un sun;
	char buf[8];
	int x, y, sp[2], tp[2];

	if (chdir(wl_dir) || socketpair(AF_UNIX, SOCK_DGRAM, 0, sp))
		wl_die("setup: %m");
	if (!strcmp(refused, "rel")) {
		x = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (x < 0 || bind(x, (struct sockaddr *)&sun, mkaddr(&sun, "rel.sock", 0)))
			wl_die("bind: %m");
		y = connect_to(SOCK_DGRAM, "rel.sock", 0);
	} else if (!strcmp(refused, "pending")) {
		x = listener("pend.sock", 1);
		y = connect_to(SOCK_STREAM, "pend.sock", 1);
	} else if (!strcmp(refused, "inflight")) {
		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, tp))
			wl_die("socketpair: %m");
		send_fds(sp[0], "S", &tp[1], 1);
		x = tp[0];
		y = -1;
	} else {
		wl_die("-r %s?", refused);
	}
	wl_ready();
	wl_wait_usr1();
	if (send(sp[0], "ok", 2, 0) != 2 || recv(sp[1], buf, sizeof(buf), 0) < 1 ||
	    (!strcmp(refused, "inflight") && recv(sp[1], buf, sizeof(buf), 0) != 2))
		wl_fail("socketpair: %m");
	else
		wl_put("result", 1, "OK sockets %s %d %d\n", refused, x, y);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	static const unsigned int s_lens[] = { 2900 }, d_lens[] = { 30, 40 },
		q_lens[] = { 9 }, h_lens[] = { 3 };
	char buf[128], path[4096];
	int mine[4];
	short now[4];
	pid_t c;

	wl_init(argc, argv, "knl:r:", opt);
	wl_catch_usr1();
	if (named)
		named_main();
	if (refused)
		refused_main();
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
