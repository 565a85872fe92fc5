// SPDX-License-Identifier: GPL-2.0
/*
 * netconn -d DIR [-u] [-s] PORT
 *
 * A network client of a server on 127.0.0.1:PORT, for ckpt.exclude net.
 *
 * TCP (default): connects to the server, then every 50 ms counts ("count
 * N" on stdout).  It sleeps in
 * nanosleep() and polls without waiting (a checkpoint refuses a poll()
 * with a timeout).  When poll() reports
 * anything but POLLOUT on the socket, it logs what the socket says, as an
 * application learning its connection was lost would, then reconnects:
 *
 *	revents IN|ERR|HUP		(the poll() bits it saw)
 *	read -1 ECONNRESET		(a first read; "read 0": end of file)
 *	read 0				(a second read)
 *	send -1 EPIPE			(a send, MSG_NOSIGNAL)
 *	reconnected N			(connected again, the Nth time)
 *
 * -u: a UDP socket bound to 127.0.0.1:PORT+1 and connected to the server;
 * every 50 ms it sends "count N", and logs "echo N" for each datagram the
 * server sends back.
 *
 * SIGUSR1 checks that the socket has the local and peer names it had at
 * the start (TCP: after a reconnection, the peer only) and, with -u, that
 * an echo came since the last check; "OK netconn" or FAIL in DIR/result.
 *
 * -s: the server instead: TCP, accepts connections and reads them, logs
 * "accepted N"; with -u, sends every datagram back to its sender.
 */
#include "wl.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

static int udp, server;
static unsigned short port;

static int opt(int c, char *arg)
{
	(void)arg;
	if (c == 'u')
		udp = 1;
	else if (c == 's')
		server = 1;
	else
		return 1;
	return 0;
}

static struct sockaddr_in addr_of(unsigned short p)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(p) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static const char *err_name(int e)
{
	switch (e) {
	case ECONNRESET: return "ECONNRESET";
	case EPIPE: return "EPIPE";
	case EAGAIN: return "EAGAIN";
	case ENOTCONN: return "ENOTCONN";
	case ECONNREFUSED: return "ECONNREFUSED";
	case EADDRINUSE: return "EADDRINUSE";
	case EDESTADDRREQ: return "EDESTADDRREQ";
	}
	return strerror(e);
}

static void run_server(void)
{
	struct sockaddr_in a = addr_of(port);
	struct pollfd p[64];
	unsigned int n = 1, i, accepted = 0;
	char buf[4096];
	int one = 1;

	p[0].fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	p[0].events = POLLIN;
	setsockopt(p[0].fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (p[0].fd < 0 || bind(p[0].fd, (struct sockaddr *)&a, sizeof(a)) ||
	    (!udp && listen(p[0].fd, 8)))
		wl_die("server: %m");
	wl_ready();
	for (;;) {
		if (poll(p, n, -1) < 0)
			continue;
		if (udp && (p[0].revents & POLLIN)) {
			struct sockaddr_in from;
			socklen_t len = sizeof(from);
			ssize_t r = recvfrom(p[0].fd, buf, sizeof(buf), 0,
					     (struct sockaddr *)&from, &len);

			if (r > 0)
				sendto(p[0].fd, buf, r, 0, (struct sockaddr *)&from, len);
			continue;
		}
		if ((p[0].revents & POLLIN) && n < 64) {
			p[n].fd = accept(p[0].fd, NULL, NULL);
			p[n].events = POLLIN;
			if (p[n].fd >= 0) {
				n++;
				printf("accepted %u\n", ++accepted);
			}
		}
		for (i = 1; i < n; i++) {
			if (!p[i].revents)
				continue;
			if (read(p[i].fd, buf, sizeof(buf)) > 0)
				continue;
			close(p[i].fd);
			p[i--] = p[--n];
		}
	}
}

static int connect_to_server(void)
{
	struct sockaddr_in a = addr_of(port), me = addr_of(port + 1);
	int fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);

	if (fd < 0)
		wl_die("socket: %m");
	if (udp && bind(fd, (struct sockaddr *)&me, sizeof(me)))
		wl_die("bind: %m");
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void revents_line(short r)
{
	char s[32] = "";

	if (r & POLLIN)
		strcat(s, "|IN");
	if (r & POLLERR)
		strcat(s, "|ERR");
	if (r & POLLHUP)
		strcat(s, "|HUP");
	if (r & POLLNVAL)
		strcat(s, "|NVAL");
	printf("revents %s\n", s[0] ? s + 1 : "0");
}

/* Log what a lost connection says, close it. */
static void learn(int fd, short r)
{
	char buf[256];
	ssize_t n;
	int i;

	revents_line(r);
	for (i = 0; i < 2; i++) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0)
			printf("read -1 %s\n", err_name(errno));
		else
			printf("read %zd\n", n);
	}
	n = send(fd, "x", 1, MSG_NOSIGNAL);
	if (n < 0)
		printf("send -1 %s\n", err_name(errno));
	else
		printf("send %zd\n", n);
	close(fd);
}

int main(int argc, char **argv)
{
	struct sockaddr_in local0, peer0, local, peer;
	socklen_t len;
	unsigned long count = 0, reconnects = 0, echoes = 0, echoes_seen = 0;
	int recv_err = 0, send_err = 0;
	char line[64];
	int fd, i;

	i = wl_init(argc, argv, "us", opt);
	if (i >= argc)
		wl_die("usage: netconn -d DIR [-u] [-s] PORT");
	port = atoi(argv[i]);
	if (server)
		run_server();
	signal(SIGPIPE, SIG_IGN);
	fd = connect_to_server();
	if (fd < 0)
		wl_die("connect: %m");
	len = sizeof(local0);
	getsockname(fd, (struct sockaddr *)&local0, &len);
	len = sizeof(peer0);
	getpeername(fd, (struct sockaddr *)&peer0, &len);
	wl_catch_usr1();
	wl_ready();
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };

		if (wl_usr1) {
			wl_usr1 = 0;
			wl_failures = 0;
			len = sizeof(local);
			memset(&local, 0, sizeof(local));
			memset(&peer, 0, sizeof(peer));
			getsockname(fd, (struct sockaddr *)&local, &len);
			len = sizeof(peer);
			if (getpeername(fd, (struct sockaddr *)&peer, &len))
				wl_fail("getpeername: %m");
			if (memcmp(&peer, &peer0, sizeof(peer)))
				wl_fail("peer %s:%u", inet_ntoa(peer.sin_addr), ntohs(peer.sin_port));
			if ((udp || !reconnects) && memcmp(&local, &local0, sizeof(local)))
				wl_fail("local name %s:%u", inet_ntoa(local.sin_addr),
					ntohs(local.sin_port));
			if (udp && echoes == echoes_seen)
				wl_fail("no echo since the last check");
			echoes_seen = echoes;
			if (!wl_failures)
				wl_put("result", 1, "OK netconn\n");
		}
		/* a sleep, which a checkpoint can interrupt, then a look */
		wl_msleep(50);
		poll(&p, 1, 0);
		if (udp && (p.revents & POLLIN)) {
			ssize_t n = recv(fd, line, sizeof(line) - 1, MSG_DONTWAIT);

			if (n > 0) {
				line[n] = 0;
				echoes++;
				printf("echo %s\n", line + 6);
			} else if (n < 0 && errno != recv_err) {
				/* once for each error, not at every poll */
				recv_err = errno;
				printf("recv -1 %s\n", err_name(errno));
			}
		} else if (!udp && p.revents) {
			learn(fd, p.revents);
			while ((fd = connect_to_server()) < 0)
				wl_msleep(50);
			printf("reconnected %lu\n", ++reconnects);
		}
		snprintf(line, sizeof(line), "count %lu", ++count);
		printf("%s\n", line);
		/* UDP: for an echo; TCP sends nothing, so that only reads learn */
		if (udp && send(fd, line, strlen(line), MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
		    errno != EAGAIN && errno != send_err) {
			send_err = errno;
			printf("send -1 %s\n", err_name(errno));
		}
	}
}
