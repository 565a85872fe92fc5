// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt info: the records of sockets: unix sockets with their queues,
 * network sockets left out (ckpt.exclude net).
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "img.h"

static const char *const unix_types[] = {
	[SOCK_STREAM] = "stream", [SOCK_DGRAM] = "dgram", [SOCK_SEQPACKET] = "seqpacket",
};

/* A unix socket name: a path, or "@" and an abstract name with escapes. */
static const char *unix_name(const uint8_t *b, uint32_t len, char *buf, size_t size)
{
	size_t o = 0;
	uint32_t i;

	if (!len)
		return "";
	if (b[0]) {
		snprintf(buf, size, "%.*s", (int)len - 1, (const char *)b);
		return buf;
	}
	buf[o++] = '@';
	for (i = 1; i < len && o + 5 < size; i++)
		o += snprintf(buf + o, size - o, b[i] >= 0x20 && b[i] < 0x7f && b[i] != '\\' ?
			      "%c" : "\\x%02x", b[i]);
	buf[o] = 0;
	return buf;
}

/* @len bytes at @b are a name as the kernel keeps sun_path. */
static int unix_name_ok(const uint8_t *b, uint32_t len)
{
	if (len > CKPT_UNIX_NAME_MAX)
		return 0;
	if (!len || !b[0])
		return 1;
	return !b[len - 1] && strnlen((const char *)b, len) == len - 1;
}

static int rec_unix(struct dec *d, uint32_t len)
{
	const struct ckpt_unix *u = (const void *)d->rec;
	uint32_t type = le32(u->type), flags = le32(u->flags), i, off = 0;
	uint32_t alen[3], nends;
	int pair = flags & CKPT_UNIX_PAIR;
	const uint8_t *names[3];
	char name[64], nbuf[3][4 * CKPT_UNIX_NAME_MAX + 2];

	if (need_task(d))
		return -1;
	if (len < sizeof(*u))
		return check_len(d, len, sizeof(*u));
	alen[0] = le32(u->end[0].addr_len);
	alen[1] = le32(u->end[1].addr_len);
	alen[2] = le32(u->peer_len);
	for (i = 0; i < 3; i++) {
		if (alen[i] > CKPT_UNIX_NAME_MAX || len < sizeof(*u) + (uint64_t)off + alen[i])
			return bad(d, "name %u of %u bytes in a record of %u", i, alen[i], len);
		names[i] = u->addr + off;
		off += alen[i];
		if (!unix_name_ok(names[i], alen[i]))
			return bad(d, "name %u is not a path and a NUL", i);
		unix_name(names[i], alen[i], nbuf[i], sizeof(nbuf[i]));
	}
	if (len != sizeof(*u) + off)
		return bad(d, "length %u, expected %zu + names %u", len, sizeof(*u), off);
	if (type >= sizeof(unix_types) / sizeof(unix_types[0]) || !unix_types[type])
		return bad(d, "unknown socket type %u", type);
	if (flags & ~(uint32_t)(CKPT_UNIX_PAIR | CKPT_UNIX_LISTEN | CKPT_UNIX_CONNECT))
		return bad(d, "unknown flags %#x", flags);
	if (!u->end[0].id)
		return bad(d, "end 0 has no file");
	if (!(flags & CKPT_UNIX_CONNECT) != !alen[2])
		return bad(d, "a peer name without CKPT_UNIX_CONNECT, or the reverse");
	if (!(flags & CKPT_UNIX_LISTEN) && u->backlog)
		return bad(d, "a backlog without CKPT_UNIX_LISTEN");
	nends = pair ? 2 : 1;
	for (i = 0; i < 2; i++) {
		const struct ckpt_unix_end *e = &u->end[i];

		if (le32(e->shutdown) > 3 || le32(e->opts) & ~15U)
			return bad(d, "end %u: bad shutdown %u or options %#x", i,
				   le32(e->shutdown), le32(e->opts));
		if (!pair && i && (e->id || e->nr_msgs || e->addr_len || e->opts))
			return bad(d, "a lone socket with a second end");
		if ((le32(e->opts) & CKPT_UNIX_BOUND) && !alen[i])
			return bad(d, "end %u: bound without a name", i);
		snprintf(name, sizeof(name), "unix %s socket%s, end %u", unix_types[type],
			 pair ? " pair" : "", i);
		if (e->id && !file_define(d, le32(e->id), 0, le32(e->flags), 0, name))
			return -1;
	}
	d->unix_msgs = le32(u->end[0].nr_msgs) + (uint64_t)le32(u->end[1].nr_msgs);

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "unix");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_string_field(json_wtr, "socket_type", unix_types[type]);
		jsonw_bool_field(json_wtr, "pair", pair);
		jsonw_bool_field(json_wtr, "listen", !!(flags & CKPT_UNIX_LISTEN));
		if (flags & CKPT_UNIX_LISTEN)
			jsonw_uint_field(json_wtr, "backlog", le32(u->backlog));
		if (flags & CKPT_UNIX_CONNECT)
			jsonw_string_field(json_wtr, "connect", nbuf[2]);
		jsonw_name(json_wtr, "ends");
		jsonw_start_array(json_wtr);
		for (i = 0; i < nends; i++) {
			jsonw_start_object(json_wtr);
			jsonw_uint_field(json_wtr, "file", le32(u->end[i].id));
			if (alen[i]) {
				jsonw_string_field(json_wtr, "name", nbuf[i]);
				jsonw_bool_field(json_wtr, "bound", !!(le32(u->end[i].opts) & CKPT_UNIX_BOUND));
			}
			jsonw_uint_field(json_wtr, "shutdown", le32(u->end[i].shutdown));
			jsonw_hex_field(json_wtr, "opts", le32(u->end[i].opts));
			jsonw_uint_field(json_wtr, "sndbuf", le32(u->end[i].sndbuf));
			jsonw_uint_field(json_wtr, "rcvbuf", le32(u->end[i].rcvbuf));
			jsonw_uint_field(json_wtr, "queued", le32(u->end[i].nr_msgs));
			jsonw_end_object(json_wtr);
		}
		jsonw_end_array(json_wtr);
		jsonw_end_object(json_wtr);
		return 0;
	}
	printf("  unix %s socket%s:", unix_types[type], pair ? " pair" : "");
	for (i = 0; i < nends; i++) {
		if (u->end[i].id)
			printf(" [%u]", le32(u->end[i].id));
		else
			printf(" (closed)");
		if (alen[i])
			printf(" %s %s", le32(u->end[i].opts) & CKPT_UNIX_BOUND ? "bound" : "named",
			       nbuf[i]);
		printf(" %u queued%s%s", le32(u->end[i].nr_msgs),
		       le32(u->end[i].shutdown) & 1 ? " shut-rd" : "",
		       le32(u->end[i].shutdown) & 2 ? " shut-wr" : "");
		if (!i && pair)
			printf(",");
	}
	if (flags & CKPT_UNIX_LISTEN)
		printf(", listening (backlog %u)", le32(u->backlog));
	if (flags & CKPT_UNIX_CONNECT)
		printf(", connected to %s", nbuf[2]);
	putchar('\n');
	return 0;
}

static int rec_unix_data(struct dec *d, uint32_t len)
{
	const struct ckpt_unix_data *u = (const void *)d->rec;
	uint32_t nfds, i;

	if (need_task(d))
		return -1;
	if (len < sizeof(*u))
		return check_len(d, len, sizeof(*u));
	if (!d->unix_msgs)
		return bad(d, "unix socket data that no unix socket record announced");
	nfds = le32(u->nr_fds);
	if (le32(u->end) > 1 || u->__reserved || nfds > CKPT_UNIX_MAX_FDS ||
	    len != sizeof(*u) + 4ULL * nfds + le32(u->len))
		return bad(d, "end %u, %u bytes and %u files in a record of %u", le32(u->end),
			   le32(u->len), nfds, len);
	for (i = 0; i < nfds; i++) {
		uint32_t id = le32(((const uint32_t *)u->data)[i]);

		if (!file_find(d, id))
			return bad(d, "file %u in flight is not defined", id);
	}
	d->unix_msgs--;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "unix_data");
		jsonw_uint_field(json_wtr, "end", le32(u->end));
		jsonw_uint_field(json_wtr, "len", le32(u->len));
		jsonw_name(json_wtr, "files");
		jsonw_start_array(json_wtr);
		for (i = 0; i < nfds; i++)
			jsonw_uint(json_wtr, le32(((const uint32_t *)u->data)[i]));
		jsonw_end_array(json_wtr);
		jsonw_end_object(json_wtr);
	} else {
		printf("    queued to end %u: %u bytes", le32(u->end), le32(u->len));
		for (i = 0; i < nfds; i++)
			printf("%s[%u]", i ? " " : ", files ", le32(((const uint32_t *)u->data)[i]));
		putchar('\n');
	}
	return 0;
}

/* "127.0.0.1:80", "[::1]:80" */
static void netsock_addr(char *buf, size_t size, uint32_t family, const uint8_t *a,
			 uint16_t port)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(family == AF_INET ? AF_INET : AF_INET6, a, ip, sizeof(ip));
	snprintf(buf, size, family == AF_INET ? "%s:%u" : "[%s]:%u", ip, port);
}

static const char *netsock_what(uint32_t family, uint32_t type, uint32_t proto)
{
	if (family == AF_INET || family == AF_INET6) {
		if (type == SOCK_STREAM && proto == IPPROTO_TCP)
			return "TCP";
		if (type == SOCK_DGRAM && proto == IPPROTO_UDP)
			return "UDP";
		return type == SOCK_RAW ? "raw IP" : "IP";
	}
	if (family == AF_NETLINK)
		return "netlink";
	if (family == AF_PACKET)
		return "packet";
	return "other";
}

static int rec_netsock(struct dec *d, uint32_t len)
{
	const struct ckpt_netsock *n = (const void *)d->rec;
	uint32_t id = le32(n->id), family = le32(n->family), type = le32(n->type);
	uint32_t proto = le32(n->protocol), state = le32(n->state), flags = le32(n->flags);
	bool inet = family == AF_INET || family == AF_INET6;
	char local[64] = "", peer[64] = "";

	if (need_task(d))
		return -1;
	if (len != sizeof(*n))
		return check_len(d, len, sizeof(*n));
	if (!(d->exclude & CKPT_EXCL_NET))
		return bad(d, "network socket %u in an image that keeps network sockets", id);
	if (family == AF_UNIX || !type || proto > 255 || state > 255 ||
	    (flags & ~(uint32_t)(CKPT_NETSOCK_CONNECTED | CKPT_NETSOCK_BOUND |
				 CKPT_NETSOCK_REUSEADDR | CKPT_NETSOCK_REUSEPORT)) ||
	    (!inet && (flags || n->lport || n->rport)))
		return bad(d, "network socket %u: family %u, type %u, protocol %u, state %u, flags %#x",
			   id, family, type, proto, state, flags);
	if (!anon_obj_new(d, id, CKPT_FILE_NETSOCK, "netsock"))
		return -1;
	if (inet) {
		netsock_addr(local, sizeof(local), family, n->laddr, le16(n->lport));
		netsock_addr(peer, sizeof(peer), family, n->raddr, le16(n->rport));
	}
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "netsock");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", id);
		jsonw_uint_field(json_wtr, "family", family);
		jsonw_uint_field(json_wtr, "sock_type", type);
		jsonw_uint_field(json_wtr, "protocol", proto);
		jsonw_string_field(json_wtr, "what", netsock_what(family, type, proto));
		jsonw_uint_field(json_wtr, "state", state);
		jsonw_hex_field(json_wtr, "flags", flags);
		jsonw_uint_field(json_wtr, "backlog", le32(n->backlog));
		if (inet) {
			jsonw_string_field(json_wtr, "local", local);
			jsonw_string_field(json_wtr, "peer", peer);
		}
		jsonw_end_object(json_wtr);
	} else {
		printf("  network socket [%u] %s, family %u type %u protocol %u, state %u",
		       id, netsock_what(family, type, proto), family, type, proto, state);
		if (inet)
			printf(", %s%s%s", local,
			       flags & CKPT_NETSOCK_CONNECTED ? " -> " : "",
			       flags & CKPT_NETSOCK_CONNECTED ? peer : "");
		if (state == 10)
			printf(", listening, backlog %u", le32(n->backlog));
		printf("%s%s%s: left out\n", flags & CKPT_NETSOCK_BOUND ? ", bound" : "",
		       flags & CKPT_NETSOCK_REUSEADDR ? ", SO_REUSEADDR" : "",
		       flags & CKPT_NETSOCK_REUSEPORT ? ", SO_REUSEPORT" : "");
	}
	return 0;
}

/* The options of a CKPT_REC_INET, as "SO_REUSEADDR, TCP_NODELAY..." */
static void inet_opts(char *buf, size_t size, const struct ckpt_inet *n)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ CKPT_INET_REUSEADDR, "SO_REUSEADDR" },
		{ CKPT_INET_REUSEPORT, "SO_REUSEPORT" },
		{ CKPT_INET_V6ONLY, "IPV6_V6ONLY" },
		{ CKPT_INET_FREEBIND, "IP_FREEBIND" },
		{ CKPT_INET_KEEPALIVE, "SO_KEEPALIVE" },
		{ CKPT_INET_NODELAY, "TCP_NODELAY" },
		{ CKPT_INET_BROADCAST, "SO_BROADCAST" },
	};
	uint32_t opts = le32(n->opts);
	size_t i, off = 0;

	buf[0] = 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (opts & names[i].bit && off < size)
			off += snprintf(buf + off, size - off, ", %s", names[i].name);
#define INET_NUM(cond, fmt, v)						\
	do {								\
		if ((cond) && off < size)				\
			off += snprintf(buf + off, size - off, fmt, v);	\
	} while (0)
	INET_NUM(opts & CKPT_INET_LINGER, ", SO_LINGER %u s", le32(n->linger));
	INET_NUM(opts & CKPT_INET_SNDBUF, ", SO_SNDBUF %u", le32(n->sndbuf));
	INET_NUM(opts & CKPT_INET_RCVBUF, ", SO_RCVBUF %u", le32(n->rcvbuf));
	INET_NUM(le32(n->keepidle), ", TCP_KEEPIDLE %u", le32(n->keepidle));
	INET_NUM(le32(n->keepintvl), ", TCP_KEEPINTVL %u", le32(n->keepintvl));
	INET_NUM(le32(n->keepcnt), ", TCP_KEEPCNT %u", le32(n->keepcnt));
	INET_NUM(le32(n->defer_accept), ", TCP_DEFER_ACCEPT %u", le32(n->defer_accept));
	INET_NUM(le32(n->fastopen), ", TCP_FASTOPEN %u", le32(n->fastopen));
	INET_NUM(le32(n->tos), ", TOS %#x", le32(n->tos));
	INET_NUM((int32_t)le32(n->ttl) != -1, ", TTL %d", (int32_t)le32(n->ttl));
#undef INET_NUM
}

static int rec_inet(struct dec *d, uint32_t len)
{
	const struct ckpt_inet *n = (const void *)d->rec;
	uint32_t id = le32(n->id), family = le32(n->family), type = le32(n->type);
	uint32_t proto = le32(n->protocol), state = le32(n->state), opts = le32(n->opts);
	char local[64], peer[64], more[512];
	const char *what = netsock_what(family, type, proto);

	if (need_task(d))
		return -1;
	if (len != sizeof(*n))
		return check_len(d, len, sizeof(*n));
	if ((family != AF_INET && family != AF_INET6) ||
	    (strcmp(what, "TCP") && strcmp(what, "UDP")) ||
	    (state < 1 || state == 2 || state == 3 || state == 6 || state > 11) ||
	    (opts & ~(uint32_t)CKPT_INET_OPTS))
		return bad(d, "TCP/UDP socket %u: family %u, type %u, protocol %u, state %u, options %#x",
			   id, family, type, proto, state, opts);
	if (!anon_obj_new(d, id, CKPT_FILE_INET, "inet"))
		return -1;
	netsock_addr(local, sizeof(local), family, n->laddr, le16(n->lport));
	netsock_addr(peer, sizeof(peer), family, n->raddr, le16(n->rport));
	inet_opts(more, sizeof(more), n);
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "inet");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", id);
		jsonw_string_field(json_wtr, "what", what);
		jsonw_uint_field(json_wtr, "family", family);
		jsonw_uint_field(json_wtr, "state", state);
		jsonw_hex_field(json_wtr, "opts", opts);
		jsonw_uint_field(json_wtr, "backlog", le32(n->backlog));
		jsonw_string_field(json_wtr, "local", local);
		if (opts & CKPT_INET_CONNECTED)
			jsonw_string_field(json_wtr, "peer", peer);
		jsonw_string_field(json_wtr, "options", more[0] ? more + 2 : "");
		jsonw_end_object(json_wtr);
	} else {
		printf("  socket [%u] %s %s", id, what,
		       opts & (CKPT_INET_BOUND | CKPT_INET_CONNECTED) ? local : "(unbound)");
		if (opts & CKPT_INET_CONNECTED)
			printf(" -> %s", peer);
		if (state == 8)
			printf(", closed by the peer");
		else if (state == 4 || state == 5)
			printf(", shut down for writing");
		else if (state == 9 || state == 11)
			printf(", closed both ways");
		if (state == 10)
			printf(", listening, backlog %u", le32(n->backlog));
		printf("%s\n", more);
	}
	if (!strcmp(what, "TCP") && state != 7 && state != 10) {
		d->tcp_want = true;
		d->tcp_id = id;
	}
	return 0;
}

/* The connection of the CKPT_REC_INET just before: the state, the queues. */
static int rec_tcp(struct dec *d, uint32_t len)
{
	const struct ckpt_tcp *t = (const void *)d->rec;
	uint32_t flags = le32(t->flags), inq, outq, unsent;

	if (len != sizeof(*t))
		return check_len(d, len, sizeof(*t));
	if (!d->tcp_want || le32(t->id) != d->tcp_id)
		return bad(d, "TCP connection %u: no established TCP socket before it",
			   le32(t->id));
	inq = le32(t->rcv_nxt) - le32(t->copied_seq);
	/* a FIN not read yet takes one sequence number after the bytes */
	if ((flags & CKPT_TCP_FIN_IN) && inq)
		inq--;
	outq = le32(t->write_seq) - le32(t->snd_una);
	/* ours, not acknowledged yet, too */
	if ((flags & CKPT_TCP_FIN_OUT) && outq)
		outq--;
	unsent = le32(t->write_seq) - le32(t->snd_nxt);
	if ((flags & CKPT_TCP_FIN_OUT) && unsent)
		unsent--;
	if ((flags & ~(uint32_t)CKPT_TCP_FLAGS) || unsent > outq)
		return bad(d, "TCP connection %u: flags %#x, %u bytes unsent of %u",
			   d->tcp_id, flags, unsent, outq);
	d->tcp_want = false;
	d->tcp_off = 0;
	d->tcp_left = inq + outq;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "tcp");
		jsonw_uint_field(json_wtr, "id", d->tcp_id);
		jsonw_uint_field(json_wtr, "snd_una", le32(t->snd_una));
		jsonw_uint_field(json_wtr, "rcv_nxt", le32(t->rcv_nxt));
		jsonw_uint_field(json_wtr, "inq", inq);
		jsonw_uint_field(json_wtr, "outq", outq);
		jsonw_uint_field(json_wtr, "unsent", unsent);
		jsonw_uint_field(json_wtr, "mss", le32(t->mss_clamp));
		jsonw_hex_field(json_wtr, "flags", flags);
		jsonw_end_object(json_wtr);
	} else {
		printf("    connection: %u bytes received and not read%s, %u to send (%u not sent yet)%s, MSS %u%s%s%s\n",
		       inq, flags & CKPT_TCP_FIN_IN ? ", then the peer's FIN" : "", outq, unsent,
		       flags & CKPT_TCP_FIN_OUT ? ", then our FIN" : "",
		       le32(t->mss_clamp),
		       flags & CKPT_TCP_WSCALE ? ", window scaling" : "",
		       flags & CKPT_TCP_SACK ? ", SACK" : "",
		       flags & CKPT_TCP_TSTAMP ? ", timestamps" : "");
	}
	return 0;
}

static int rec_tcp_data(struct dec *d, uint32_t len)
{
	const struct ckpt_tcp_data *p = (const void *)d->rec;
	uint32_t n;

	if (len <= sizeof(*p))
		return bad(d, "length %u, no data", len);
	n = len - sizeof(*p);
	if (!d->tcp_left)
		return bad(d, "no TCP connection waits for data");
	if (le32(p->id) != d->tcp_id || le32(p->offset) != d->tcp_off)
		return bad(d, "data of TCP connection %u at %u, expected %u at %u",
			   le32(p->id), le32(p->offset), d->tcp_id, d->tcp_off);
	if (n > d->tcp_left)
		return bad(d, "TCP connection %u: %u bytes, only %u left", d->tcp_id, n,
			   d->tcp_left);
	d->tcp_off += n;
	d->tcp_left -= n;
	return 0;
}

const struct rec_handler img_net_handlers[] = {
	{ CKPT_REC_NETSOCK,	rec_netsock },
	{ CKPT_REC_INET,	rec_inet },
	{ CKPT_REC_TCP,		rec_tcp },
	{ CKPT_REC_TCP_DATA,	rec_tcp_data },
	{ CKPT_REC_UNIX,	rec_unix },
	{ CKPT_REC_UNIX_DATA,	rec_unix_data },
	{ 0, NULL },
};
