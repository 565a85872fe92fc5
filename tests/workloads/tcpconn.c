// SPDX-License-Identifier: GPL-2.0
/*
 * tcpconn -d DIR PORT [BYTES]
 *
 * Established TCP connections with bytes queued both ways, and a server:
 *
 *	fd 3  TCP 127.0.0.1:PORT listening (SO_REUSEADDR), O_NONBLOCK
 *	fd 4  TCP [::1]:PORT+1 listening (IPV6_V6ONLY), O_NONBLOCK
 *	fd 5  connected to fd 3; fd 6 its accepted end.  fd 6 wrote as much
 *	      of a BYTES (4 MiB) pattern as fit (logged "queued N"), which fd 5 does
 *	      not read, so that it fills fd 5's receive queue and fd 6's send
 *	      queue; fd 5 wrote "inner hello\n", which fd 6 does not read.
 *	fd 7  connected to fd 4 (IPv6, TCP_NODELAY); fd 8 its accepted end;
 *	      fd 7 wrote "over six\n", which fd 8 does not read.
 *	fd 11 AF_INET6, connected to fd 3 through the v4-mapped address
 *	      ::ffff:127.0.0.1 without a bind(); fd 12 its accepted end
 *	      (AF_INET); fd 11 wrote "mapped\n", which fd 12 does not read.
 *	fd 9  TCP 127.0.0.1:PORT+2 listening, O_NONBLOCK: its first client
 *	      is accepted as fd 10 (logged "held"), which is not read from
 *	      until SIGUSR1.
 *
 * Every 20 ms it accepts clients on fd 3 and fd 4 and answers each line a
 * client sends with "echo N LINE" (N: lines answered so far, all clients)
 * on the same connection; after the line "half" it shuts that connection
 * for writing (shutdown(SHUT_WR)) and logs the lines that still come
 * ("client N after shutdown: LINE").  It waits in nanosleep() only.
 *
 * SIGUSR1 (once: it reads the queues): each of fds 5..8, 11, 12 must have
 * its local and peer names; fd 6 must read "inner hello\n", fd 8 "over
 * six\n", fd 12 "mapped\n",
 * fd 5 the N bytes of the pattern (waiting for what fd 6 still sends),
 * then a line sent each way on both pairs must arrive; fd 10, if there is
 * one, must read "bye\n" then the end of file, then it writes "ack\n" and
 * is closed.  "OK tcpconn N" (N: bytes of the pattern read) or FAIL in
 * DIR/result.
 */
#include "wl.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#define MAXC	64

struct name {
	struct sockaddr_storage local, peer;
	socklen_t llen, plen;
};

static const int conn_fds[] = { 5, 6, 7, 8, 11, 12 };
static struct name names[6];		/* of conn_fds[] */
static int clients[MAXC], nclients;
static char cbuf[MAXC][256];
static size_t clen[MAXC];
static int shut[MAXC];			/* shut for writing after "half" */
static unsigned int port, answered;
static int held;			/* fd 10 is the client of fd 9 */
static long queued, big_len = 4 << 20;

static unsigned char pattern(long i)
{
	return (unsigned char)(i * 7 + i / 4099);
}

static void name_of(int fd, struct name *n)
{
	n->llen = sizeof(n->local);
	n->plen = sizeof(n->peer);
	if (getsockname(fd, (struct sockaddr *)&n->local, &n->llen) ||
	    getpeername(fd, (struct sockaddr *)&n->peer, &n->plen))
		memset(n, 0, sizeof(*n));
}

static void nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static int listener(int family, unsigned int p, int want)
{
	struct sockaddr_storage ss = { 0 };
	int one = 1, fd = socket(family, SOCK_STREAM, 0);
	socklen_t len;

	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(p);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(p);
		a->sin6_addr = in6addr_loopback;
		len = sizeof(*a);
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 16) ||
	    dup2(fd, want) != want)
		wl_die("listener %u: %m", p);
	if (fd != want)
		close(fd);
	return want;
}

/* A connection to listener @l at @ss as fds @c (client) and @a (accepted). */
static void pair(int l, struct sockaddr_storage *ss, socklen_t len, int c, int a)
{
	int fd = socket(ss->ss_family, SOCK_STREAM, 0), acc = -1, i;

	if (fd < 0 || connect(fd, (struct sockaddr *)ss, len) || dup2(fd, c) != c)
		wl_die("connect: %m");
	if (fd != c)
		close(fd);
	for (i = 0; i < 500 && acc < 0; i++) {
		acc = accept(l, NULL, NULL);
		if (acc < 0)
			wl_msleep(2);
	}
	if (acc < 0 || dup2(acc, a) != a)
		wl_die("accept: %m");
	if (acc != a)
		close(acc);
}

static void setup(void)
{
	struct sockaddr_storage ss;
	unsigned char *big = malloc(big_len);
	int one = 1;
	long i;
	ssize_t n;

	listener(AF_INET, port, 3);
	listener(AF_INET6, port + 1, 4);
	getsockname(3, (struct sockaddr *)&ss, &(socklen_t){ sizeof(ss) });
	pair(3, &ss, sizeof(struct sockaddr_in), 5, 6);
	getsockname(4, (struct sockaddr *)&ss, &(socklen_t){ sizeof(ss) });
	pair(4, &ss, sizeof(struct sockaddr_in6), 7, 8);
	{
		struct sockaddr_in6 m = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

		inet_pton(AF_INET6, "::ffff:127.0.0.1", &m.sin6_addr);
		memcpy(&ss, &m, sizeof(m));
		pair(3, &ss, sizeof(m), 11, 12);
	}
	setsockopt(7, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	listener(AF_INET, port + 2, 9);
	nonblock(3);
	nonblock(4);
	nonblock(9);
	if (!big)
		wl_die("malloc");
	for (i = 0; i < big_len; i++)
		big[i] = pattern(i);
	nonblock(6);
	/* as much as fits: fd 5's receive queue, then fd 6's send queue */
	for (i = 0; i < 50; i++) {
		n = write(6, big + queued, big_len - queued);
		if (n > 0)
			queued += n;
		wl_msleep(10);
	}
	free(big);
	if (write(5, "inner hello\n", 12) != 12 || write(7, "over six\n", 9) != 9)
		wl_die("write: %m");
	printf("queued %ld\n", queued);
	if (write(11, "mapped\n", 7) != 7)
		wl_die("write: %m");
	for (i = 0; i < 6; i++)
		name_of(conn_fds[i], &names[i]);
}

/* Read exactly @len bytes of @fd into @buf, waiting up to 20 s. */
static int read_all(int fd, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;
	int i;

	for (i = 0; i < 2000 && got < len; i++) {
		n = recv(fd, (char *)buf + got, len - got, MSG_DONTWAIT);
		if (n > 0)
			got += n;
		else if (n == 0 || errno != EAGAIN)
			return -1;
		else
			wl_msleep(10);
	}
	return got == len ? 0 : -1;
}

static void check(void)
{
	unsigned char *buf = malloc(queued + 1);
	char line[16];
	struct name now;
	long i;
	int fd;

	for (i = 0; i < 6; i++) {
		fd = conn_fds[i];
		name_of(fd, &now);
		if (!now.llen || now.llen != names[i].llen ||
		    memcmp(&now.local, &names[i].local, now.llen) ||
		    now.plen != names[i].plen ||
		    memcmp(&now.peer, &names[i].peer, now.plen))
			wl_fail("fd %d: another local or peer name", fd);
	}
	if (read_all(12, line, 7) || memcmp(line, "mapped\n", 7))
		wl_fail("fd 12: not \"mapped\": %m");
	if (write(12, "v4\n", 3) != 3 || read_all(11, line, 3) || memcmp(line, "v4\n", 3))
		wl_fail("fd 12 -> fd 11: nothing: %m");
	if (read_all(6, line, 12) || memcmp(line, "inner hello\n", 12))
		wl_fail("fd 6: not \"inner hello\": %m");
	if (read_all(8, line, 9) || memcmp(line, "over six\n", 9))
		wl_fail("fd 8: not \"over six\": %m");
	if (!buf || read_all(5, buf, queued)) {
		wl_fail("fd 5: not the %ld bytes queued: %m", queued);
	} else {
		for (i = 0; i < queued; i++)
			if (buf[i] != pattern(i))
				break;
		if (i < queued)
			wl_fail("fd 5: byte %ld of %ld differs", i, queued);
	}
	free(buf);
	if (write(5, "ping\n", 5) != 5 || read_all(6, line, 5) || memcmp(line, "ping\n", 5))
		wl_fail("fd 5 -> fd 6: no ping: %m");
	if (write(6, "pong\n", 5) != 5 || read_all(5, line, 5) || memcmp(line, "pong\n", 5))
		wl_fail("fd 6 -> fd 5: no pong: %m");
	if (write(8, "six\n", 4) != 4 || read_all(7, line, 4) || memcmp(line, "six\n", 4))
		wl_fail("fd 8 -> fd 7: nothing: %m");
	if (!held)
		return;
	/* the client wrote "bye\n" and shut its side: then the end of file */
	if (read_all(10, line, 4) || memcmp(line, "bye\n", 4) || read(10, line, 1) != 0)
		wl_fail("fd 10: not \"bye\" then the end of file: %m");
	if (write(10, "ack\n", 4) != 4)
		wl_fail("fd 10: cannot answer: %m");
	close(10);
	held = 0;
}

/* Accept clients; answer each line a client sends. */
static void serve(void)
{
	char out[300];
	ssize_t n;
	int i, c, fd;
	char *nl;

	if (!held) {
		c = accept4(9, NULL, NULL, SOCK_NONBLOCK);
		if (c >= 0 && dup2(c, 10) == 10) {
			if (c != 10)
				close(c);
			held = 1;
			printf("held\n");
		}
	}
	for (fd = 3; fd <= 4; fd++) {
		c = accept4(fd, NULL, NULL, SOCK_NONBLOCK);
		if (c < 0)
			continue;
		if (nclients == MAXC) {
			close(c);
			continue;
		}
		clen[nclients] = 0;
		shut[nclients] = 0;
		clients[nclients++] = c;
		printf("accepted %d\n", nclients);
	}
	for (i = 0; i < nclients; i++) {
		n = recv(clients[i], cbuf[i] + clen[i], sizeof(cbuf[i]) - 1 - clen[i],
			 MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN)) {
			printf("client %d: %s\n", i + 1, n ? strerror(errno) : "closed");
			close(clients[i]);
			clients[i] = -1;
			continue;
		}
		if (n > 0)
			clen[i] += n;
		while ((nl = memchr(cbuf[i], '\n', clen[i]))) {
			*nl = '\0';
			if (shut[i]) {
				printf("client %d after shutdown: %s\n", i + 1, cbuf[i]);
			} else {
				n = snprintf(out, sizeof(out), "echo %u %s\n", ++answered,
					     cbuf[i]);
				if (write(clients[i], out, n) != n)
					printf("client %d: write: %m\n", i + 1);
			}
			if (!shut[i] && !strcmp(cbuf[i], "half")) {
				shutdown(clients[i], SHUT_WR);
				shut[i] = 1;
			}
			clen[i] -= nl + 1 - cbuf[i];
			memmove(cbuf[i], nl + 1, clen[i]);
		}
	}
	/* closed clients leave -1 behind: compact */
	for (i = 0; i < nclients; i++) {
		if (clients[i] >= 0)
			continue;
		clients[i] = clients[--nclients];
		clen[i] = clen[nclients];
		shut[i] = shut[nclients];
		memcpy(cbuf[i], cbuf[nclients], clen[i]);
		i--;
	}
}

int main(int argc, char **argv)
{
	int i = wl_init(argc, argv, "", NULL);

	if (i >= argc || !(port = atoi(argv[i])) || port > 65000)
		wl_die("usage: tcpconn -d DIR PORT [BYTES]");
	if (i + 1 < argc && (big_len = atol(argv[i + 1])) <= 0)
		wl_die("usage: tcpconn -d DIR PORT [BYTES]");
	signal(SIGPIPE, SIG_IGN);
	wl_catch_usr1();
	setup();
	wl_ready();
	for (;;) {
		serve();
		if (wl_usr1) {
			wl_usr1 = 0;
			wl_failures = 0;
			check();
			if (!wl_failures)
				wl_put("result", 1, "OK tcpconn %ld\n", queued);
		}
		wl_msleep(20);
	}
}
