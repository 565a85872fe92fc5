// SPDX-License-Identifier: GPL-2.0
/*
 * listeners -d DIR PORT
 *
 * The sockets of a server, with the options servers set:
 *
 *	fd 3  TCP 127.0.0.1:PORT listening (backlog 7): SO_REUSEADDR,
 *	      TCP_NODELAY, SO_KEEPALIVE with TCP_KEEPIDLE 77, TCP_KEEPINTVL 13,
 *	      TCP_KEEPCNT 4, SO_RCVBUF 65536, IP_TOS 0x10, IP_TTL 33
 *	fd 4  TCP [::1]:PORT+1 listening: IPV6_V6ONLY, SO_REUSEPORT,
 *	      TCP_FASTOPEN 16
 *	fd 5  TCP [::]:PORT+2 listening, dual stack (IPV6_V6ONLY 0): takes
 *	      IPv4 clients as v4-mapped addresses
 *	fd 6  UDP 127.0.0.1:PORT+3 bound: SO_BROADCAST, SO_SNDBUF 32768;
 *	      sends each datagram back to its sender
 *	fd 7  UDP [::1]:PORT+4 bound and connected to [::1]:PORT+5:
 *	      IPV6_UNICAST_HOPS 17, IPV6_TCLASS 0x20
 *	fd 8  TCP 127.0.0.1:PORT+5 listening, TCP_DEFER_ACCEPT 5, never
 *	      accepted from: a client that connects and writes waits in its
 *	      accept queue
 *	fd 9  TCP bound to 127.0.0.1:PORT+6, neither listening nor
 *	      connected: SO_LINGER 3 s
 *
 * Fds 3, 4 and 5 are O_NONBLOCK.  Every 20 ms it accepts on them, writes
 * "hello N ADDR" (N: connections served so far, ADDR: the client as
 * accept() gave it) to the client and closes it; logs "served N ADDR";
 * echoes what fd 6 received.  It waits in nanosleep() only.
 *
 * SIGUSR1: each socket must have the local and peer names, type, family,
 * protocol and every option above (and the rest of the list below) it had
 * when it was set up; "OK listeners N" (N served) or FAIL in DIR/result.
 */
#include "wl.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#define NFD	7		/* fds 3..9 */
#define NOPT	24

struct opt {
	int level, name;
	const char *what;
};

static const struct opt opts[NOPT] = {
	{ SOL_SOCKET, SO_TYPE, "SO_TYPE" },
	{ SOL_SOCKET, SO_DOMAIN, "SO_DOMAIN" },
	{ SOL_SOCKET, SO_PROTOCOL, "SO_PROTOCOL" },
	{ SOL_SOCKET, SO_ACCEPTCONN, "SO_ACCEPTCONN" },
	{ SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR" },
	{ SOL_SOCKET, SO_REUSEPORT, "SO_REUSEPORT" },
	{ SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE" },
	{ SOL_SOCKET, SO_BROADCAST, "SO_BROADCAST" },
	{ SOL_SOCKET, SO_LINGER, "SO_LINGER" },
	{ SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF" },
	{ SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF" },
	{ IPPROTO_IP, IP_TOS, "IP_TOS" },
	{ IPPROTO_IP, IP_TTL, "IP_TTL" },
	{ IPPROTO_IP, IP_FREEBIND, "IP_FREEBIND" },
	{ IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY" },
	{ IPPROTO_IPV6, IPV6_UNICAST_HOPS, "IPV6_UNICAST_HOPS" },
	{ IPPROTO_IPV6, IPV6_TCLASS, "IPV6_TCLASS" },
	{ IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY" },
	{ IPPROTO_TCP, TCP_KEEPIDLE, "TCP_KEEPIDLE" },
	{ IPPROTO_TCP, TCP_KEEPINTVL, "TCP_KEEPINTVL" },
	{ IPPROTO_TCP, TCP_KEEPCNT, "TCP_KEEPCNT" },
	{ IPPROTO_TCP, TCP_DEFER_ACCEPT, "TCP_DEFER_ACCEPT" },
	{ IPPROTO_TCP, TCP_FASTOPEN, "TCP_FASTOPEN" },
	{ IPPROTO_TCP, TCP_MAXSEG, "TCP_MAXSEG" },
};

/* What getsockopt() and the names gave at the start, per fd. */
struct seen {
	char val[NOPT][16];
	socklen_t len[NOPT];
	int err[NOPT];
	struct sockaddr_storage name, peer;
	socklen_t namelen, peerlen;
	int nameerr, peererr;
};

static struct seen start[NFD];
static unsigned int port;
static int served;

static void look(int fd, struct seen *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < NOPT; i++) {
		s->len[i] = sizeof(s->val[i]);
		s->err[i] = getsockopt(fd, opts[i].level, opts[i].name, s->val[i], &s->len[i]) ?
			    errno : 0;
	}
	s->namelen = sizeof(s->name);
	s->nameerr = getsockname(fd, (struct sockaddr *)&s->name, &s->namelen) ? errno : 0;
	s->peerlen = sizeof(s->peer);
	s->peererr = getpeername(fd, (struct sockaddr *)&s->peer, &s->peerlen) ? errno : 0;
}

static void check(void)
{
	struct seen now;
	int fd, i;

	for (fd = 3; fd < 3 + NFD; fd++) {
		const struct seen *was = &start[fd - 3];

		look(fd, &now);
		for (i = 0; i < NOPT; i++)
			if (now.err[i] != was->err[i] || now.len[i] != was->len[i] ||
			    memcmp(now.val[i], was->val[i], now.len[i]))
				wl_fail("fd %d %s: %d (error %d), was %d (error %d)", fd,
					opts[i].what, *(int *)now.val[i], now.err[i],
					*(int *)was->val[i], was->err[i]);
		if (now.nameerr != was->nameerr || now.namelen != was->namelen ||
		    memcmp(&now.name, &was->name, now.namelen))
			wl_fail("fd %d: another local name", fd);
		if (now.peererr != was->peererr || now.peerlen != was->peerlen ||
		    memcmp(&now.peer, &was->peer, now.peerlen))
			wl_fail("fd %d: another peer name", fd);
	}
}

static int sock_at(int fd, int family, int type)
{
	int s = socket(family, type, 0);

	if (s < 0 || dup2(s, fd) != fd)
		wl_die("socket: %m");
	if (s != fd)
		close(s);
	return fd;
}

static void setopt(int fd, int level, int name, int val)
{
	if (setsockopt(fd, level, name, &val, sizeof(val)))
		wl_die("fd %d: setsockopt %d/%d: %m", fd, level, name);
}

static void bind4(int fd, const char *addr, unsigned int p)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(p) };

	inet_pton(AF_INET, addr, &sin.sin_addr);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
		wl_die("fd %d: bind %s:%u: %m", fd, addr, p);
}

static void bind6(int fd, const char *addr, unsigned int p, int connect_to)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(p) };

	inet_pton(AF_INET6, addr, &sin6.sin6_addr);
	if (connect_to ? connect(fd, (struct sockaddr *)&sin6, sizeof(sin6)) :
			 bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)))
		wl_die("fd %d: %s [%s]:%u: %m", fd, connect_to ? "connect" : "bind", addr, p);
}

static void setup(void)
{
	struct linger l = { 1, 3 };
	int i;

	sock_at(3, AF_INET, SOCK_STREAM);
	setopt(3, SOL_SOCKET, SO_REUSEADDR, 1);
	setopt(3, IPPROTO_TCP, TCP_NODELAY, 1);
	setopt(3, SOL_SOCKET, SO_KEEPALIVE, 1);
	setopt(3, IPPROTO_TCP, TCP_KEEPIDLE, 77);
	setopt(3, IPPROTO_TCP, TCP_KEEPINTVL, 13);
	setopt(3, IPPROTO_TCP, TCP_KEEPCNT, 4);
	setopt(3, SOL_SOCKET, SO_RCVBUF, 65536);
	setopt(3, IPPROTO_IP, IP_TOS, 0x10);
	setopt(3, IPPROTO_IP, IP_TTL, 33);
	bind4(3, "127.0.0.1", port);
	if (listen(3, 7))
		wl_die("listen: %m");

	sock_at(4, AF_INET6, SOCK_STREAM);
	setopt(4, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	setopt(4, SOL_SOCKET, SO_REUSEPORT, 1);
	setopt(4, IPPROTO_TCP, TCP_FASTOPEN, 16);
	bind6(4, "::1", port + 1, 0);
	if (listen(4, 16))
		wl_die("listen: %m");

	sock_at(5, AF_INET6, SOCK_STREAM);
	setopt(5, IPPROTO_IPV6, IPV6_V6ONLY, 0);
	bind6(5, "::", port + 2, 0);
	if (listen(5, 128))
		wl_die("listen: %m");

	sock_at(6, AF_INET, SOCK_DGRAM);
	setopt(6, SOL_SOCKET, SO_BROADCAST, 1);
	setopt(6, SOL_SOCKET, SO_SNDBUF, 32768);
	bind4(6, "127.0.0.1", port + 3);

	sock_at(7, AF_INET6, SOCK_DGRAM);
	setopt(7, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 17);
	setopt(7, IPPROTO_IPV6, IPV6_TCLASS, 0x20);
	bind6(7, "::1", port + 4, 0);
	bind6(7, "::1", port + 5, 1);

	sock_at(8, AF_INET, SOCK_STREAM);
	setopt(8, IPPROTO_TCP, TCP_DEFER_ACCEPT, 5);
	bind4(8, "127.0.0.1", port + 5);
	if (listen(8, 4))
		wl_die("listen: %m");

	sock_at(9, AF_INET, SOCK_STREAM);
	if (setsockopt(9, SOL_SOCKET, SO_LINGER, &l, sizeof(l)))
		wl_die("SO_LINGER: %m");
	bind4(9, "127.0.0.1", port + 6);
	for (i = 3; i <= 5; i++)
		if (fcntl(i, F_SETFL, O_NONBLOCK))
			wl_die("fcntl: %m");
}

static void serve(void)
{
	struct sockaddr_storage ss;
	char buf[512], addr[INET6_ADDRSTRLEN];
	socklen_t len;
	ssize_t n;
	int fd, c;

	for (fd = 3; fd <= 5; fd++) {
		len = sizeof(ss);
		c = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK);
		if (c < 0)
			continue;
		if (ss.ss_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr, sizeof(addr));
		else
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, addr, sizeof(addr));
		n = snprintf(buf, sizeof(buf), "hello %d %s\n", ++served, addr);
		if (write(c, buf, n) != n)
			wl_fail("write to a client: %m");
		close(c);
		printf("served %d %s\n", served, addr);
	}
	len = sizeof(ss);
	n = recvfrom(6, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&ss, &len);
	if (n > 0)
		sendto(6, buf, n, 0, (struct sockaddr *)&ss, len);
}

static int opt(int c, char *arg)
{
	(void)c;
	(void)arg;
	return 1;
}

int main(int argc, char **argv)
{
	int i = wl_init(argc, argv, "", opt), fd;

	if (i >= argc || !(port = atoi(argv[i])) || port > 65000)
		wl_die("usage: listeners -d DIR PORT");
	wl_catch_usr1();
	setup();
	for (fd = 3; fd < 3 + NFD; fd++)
		look(fd, &start[fd - 3]);
	wl_ready();
	for (;;) {
		serve();
		if (wl_usr1) {
			wl_usr1 = 0;
			wl_failures = 0;
			check();
			if (!wl_failures)
				wl_put("result", 1, "OK listeners %d\n", served);
		}
		wl_msleep(20);
	}
}
