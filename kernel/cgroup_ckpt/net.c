// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: network sockets, and what ckpt.exclude net puts in their place.
 *
 * A socket that reaches outside the machine-local group (AF_INET,
 * AF_INET6, AF_NETLINK, AF_PACKET... every family but AF_UNIX, which
 * unix.c saves) has its state shared with peers the group does not hold:
 * it cannot be saved.  By default it is refused, with a reason naming the
 * process, the fd and the socket (type, local and peer address) and the
 * class that leaves it out.
 *
 * With "net" in ckpt.exclude, the checkpoint writes what the socket was
 * (CKPT_REC_NETSOCK: family, type, protocol, state, addresses) and restart
 * puts a new socket of the same family, type and protocol in its place,
 * so that the program learns what happened through the calls it already
 * makes, as if the network had failed:
 *
 * - a TCP connection (any state but listening or never connected), and
 *   any socket of another family than AF_INET/AF_INET6 or another protocol
 *   than TCP or UDP: a socket with a pending ECONNRESET error, shut down
 *   both ways.  read() gives ECONNRESET once, then 0 (end of file);
 *   write() gives ECONNRESET, then EPIPE (and SIGPIPE); poll() gives
 *   POLLERR (until the error is read), POLLHUP and POLLIN;
 * - a TCP listener: bound again to its address, listening with its
 *   backlog; a UDP socket: bound again if it was bound, connected again to
 *   its peer if it was connected.  If that fails (the address is in use),
 *   a socket shut down both ways whose pending error is that of the
 *   failure (EADDRINUSE...): poll() gives POLLERR|POLLHUP, accept()
 *   EINVAL, reads the error once then 0;
 * - a TCP socket never connected: a new one (bound again if it was).
 *
 * Nothing the socket had queued is kept; options other than SO_REUSEADDR
 * and SO_REUSEPORT (of a socket bound again) are not kept.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/file.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "ckpt.h"
#include "net.h"

static_assert(sizeof(struct ckpt_netsock) == 72);

/* Flags of the file of a socket that restart sets again. */
#define CKPT_NETSOCK_FILE_FLAGS	(O_ACCMODE | O_NONBLOCK)

/**
 * ckpt_file_sk() - the sock of a socket's file
 * @file: an open file
 *
 * Return: the sock, or NULL if @file is no socket or has none.
 */
struct sock *ckpt_file_sk(struct file *file)
{
	struct socket *sock = sock_from_file(file);

	return sock ? sock->sk : NULL;
}

/**
 * ckpt_is_netsock() - whether @file is a socket that "net" covers
 * @file: an open file
 *
 * Return: true for a socket of any family but AF_UNIX.
 */
static bool ckpt_is_netsock(struct file *file)
{
	struct sock *sk;

	if (!S_ISSOCK(file_inode(file)->i_mode))
		return false;
	sk = ckpt_file_sk(file);
	return !sk || sk->sk_family != AF_UNIX;
}

static bool ckpt_sk_inet(const struct sock *sk)
{
	return sk->sk_family == AF_INET ||
	       (IS_ENABLED(CONFIG_IPV6) && sk->sk_family == AF_INET6);
}

static bool ckpt_sk_tcp(const struct sock *sk)
{
	return ckpt_sk_inet(sk) && sk->sk_type == SOCK_STREAM &&
	       sk->sk_protocol == IPPROTO_TCP;
}

static bool ckpt_sk_udp(const struct sock *sk)
{
	return ckpt_sk_inet(sk) && sk->sk_type == SOCK_DGRAM &&
	       sk->sk_protocol == IPPROTO_UDP;
}

static const char * const ckpt_tcp_states[] = {
	[TCP_ESTABLISHED]	= "established",
	[TCP_SYN_SENT]		= "connecting",
	[TCP_SYN_RECV]		= "connecting",
	[TCP_FIN_WAIT1]		= "closing",
	[TCP_FIN_WAIT2]		= "closing",
	[TCP_TIME_WAIT]		= "closing",
	[TCP_CLOSE]		= "closed",
	[TCP_CLOSE_WAIT]	= "closed by the peer",
	[TCP_LAST_ACK]		= "closing",
	[TCP_LISTEN]		= "listening",
	[TCP_CLOSING]		= "closing",
};

/**
 * ckpt_sock_addrs() - the addresses and ports of an AF_INET(6) socket
 * @sk:    the sock
 * @laddr: 16 bytes, filled with the local address (AF_INET: the first 4)
 * @raddr: the same for the peer's
 * @lport: the local port, host order
 * @rport: the peer's
 */
void ckpt_sock_addrs(struct sock *sk, u8 *laddr, u8 *raddr, __le16 *lport,
		     __le16 *rport)
{
	struct inet_sock *inet = inet_sk(sk);

	if (sk->sk_family == AF_INET) {
		memcpy(laddr, &inet->inet_rcv_saddr, 4);
		memcpy(raddr, &inet->inet_daddr, 4);
#if IS_ENABLED(CONFIG_IPV6)
	} else if (ipv6_addr_v4mapped(&sk->sk_v6_daddr)) {
		struct in6_addr a;

		/* connected to IPv4: IPv4 keeps the local address (not the v6 one) */
		ipv6_addr_set_v4mapped(inet->inet_rcv_saddr, &a);
		memcpy(laddr, &a, 16);
		memcpy(raddr, &sk->sk_v6_daddr, 16);
	} else {
		memcpy(laddr, &sk->sk_v6_rcv_saddr, 16);
		memcpy(raddr, &sk->sk_v6_daddr, 16);
#endif
	}
	*lport = cpu_to_le16(inet->inet_num);
	*rport = cpu_to_le16(ntohs(inet->inet_dport));
}

/* What the socket was, from its sock; addresses for AF_INET and AF_INET6. */
static void ckpt_netsock_fill(struct sock *sk, struct ckpt_netsock *r)
{
	struct inet_sock *inet = inet_sk(sk);
	u8 state = READ_ONCE(sk->sk_state);
	u32 flags = 0;

	r->family = cpu_to_le32(sk->sk_family);
	r->type = cpu_to_le32(sk->sk_type);
	r->protocol = cpu_to_le32(sk->sk_protocol);
	r->state = cpu_to_le32(state);
	if (!ckpt_sk_inet(sk))
		goto out;
	ckpt_sock_addrs(sk, r->laddr, r->raddr, &r->lport, &r->rport);
	if (ckpt_sk_tcp(sk)) {
		if (state == TCP_LISTEN) {
			flags |= CKPT_NETSOCK_BOUND;
			r->backlog = cpu_to_le32(READ_ONCE(sk->sk_max_ack_backlog));
		} else if (state != TCP_CLOSE || inet->inet_dport) {
			flags |= CKPT_NETSOCK_CONNECTED;
		}
	} else if (state == TCP_ESTABLISHED) {
		flags |= CKPT_NETSOCK_CONNECTED;
	}
	if (sk->sk_userlocks & SOCK_BINDPORT_LOCK)
		flags |= CKPT_NETSOCK_BOUND;
	if (sk->sk_reuse)
		flags |= CKPT_NETSOCK_REUSEADDR;
	if (sk->sk_reuseport)
		flags |= CKPT_NETSOCK_REUSEPORT;
out:
	r->flags = cpu_to_le32(flags);
}

/* "127.0.0.1:5000" or "[::1]:5000" */
static void ckpt_netsock_addr(char *buf, size_t size, u32 family,
			      const u8 *addr, u16 port)
{
	if (family == AF_INET)
		snprintf(buf, size, "%pI4:%u", addr, port);
	else
		snprintf(buf, size, "[%pI6c]:%u", addr, port);
}

/**
 * ckpt_netsock_describe() - a network socket as a reason names it
 * @sk:   the sock, or NULL
 * @buf:  filled with "TCP socket 127.0.0.1:40312 -> 127.0.0.1:5000
 *        (established)", "UDP socket [::1]:53 (bound)"...
 * @size: bytes of @buf
 */
void ckpt_netsock_describe(struct sock *sk, char *buf, size_t size)
{
	struct ckpt_netsock r = { };
	char local[56], peer[56];
	const char *what;
	u8 state;

	if (!sk) {
		snprintf(buf, size, "a socket");
		return;
	}
	ckpt_netsock_fill(sk, &r);
	state = le32_to_cpu(r.state);
	switch (sk->sk_family) {
	case AF_NETLINK:
		snprintf(buf, size, "netlink socket (protocol %u)", sk->sk_protocol);
		return;
	case AF_PACKET:
		snprintf(buf, size, "packet socket");
		return;
	}
	if (!ckpt_sk_inet(sk)) {
		snprintf(buf, size, "socket of family %u", sk->sk_family);
		return;
	}
	what = ckpt_sk_tcp(sk) ? "TCP" : ckpt_sk_udp(sk) ? "UDP" :
	       sk->sk_type == SOCK_RAW ? "raw IP" : "IP";
	ckpt_netsock_addr(local, sizeof(local), sk->sk_family, r.laddr,
			  le16_to_cpu(r.lport));
	ckpt_netsock_addr(peer, sizeof(peer), sk->sk_family, r.raddr,
			  le16_to_cpu(r.rport));
	if (le32_to_cpu(r.flags) & CKPT_NETSOCK_CONNECTED)
		snprintf(buf, size, "%s socket %s -> %s (%s)", what, local, peer,
			 ckpt_sk_tcp(sk) && state < ARRAY_SIZE(ckpt_tcp_states) &&
			 ckpt_tcp_states[state] ? ckpt_tcp_states[state] :
						  "connected");
	else
		snprintf(buf, size, "%s socket %s (%s)", what, local,
			 ckpt_sk_tcp(sk) && state == TCP_LISTEN ? "listening" :
			 le32_to_cpu(r.flags) & CKPT_NETSOCK_BOUND ? "bound" :
								    "not connected");
}

/**
 * ckpt_dump_netsock() - write what a network socket was, or refuse it
 * @ctx:  the checkpoint
 * @t:    the task using it (named in a refusal)
 * @fd:   the fd it is used through
 * @file: the socket's file, ckpt_is_netsock()
 * @id:   where to put the object id of its CKPT_REC_NETSOCK
 *
 * Unless ckpt.exclude has "net", the socket is refused with a reason that
 * names it and the class to exclude.
 *
 * Return: 0, -EOPNOTSUPP (with the reason) or another negative errno.
 */
static int ckpt_dump_netsock(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
			     struct file *file, u32 *id)
{
	struct sock *sk = ckpt_file_sk(file);
	struct ckpt_netsock r = { };
	char desc[160];
	bool new;

	if (!sk || !(ctx->exclude & CKPT_EXCL_NET)) {
		ckpt_netsock_describe(sk, desc, sizeof(desc));
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d fd %d: %s: a network socket; exclude net to checkpoint without it",
				 task_pid_vnr(t), fd, desc);
	}
	*id = ckpt_obj_lookup(ctx, CKPT_OBJ_NETSOCK, sk, &new);
	if (!*id)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	if (!new)
		return 0;
	ckpt_netsock_fill(sk, &r);
	r.id = cpu_to_le32(*id);
	return ckpt_write(ctx, &r, CKPT_REC_NETSOCK, sizeof(r));
}

/* ---- restart -------------------------------------------------------------- */

/* A socket that reports @err once, then end of file both ways. */
static void ckpt_netsock_break(struct sock *sk, int err)
{
	lock_sock(sk);
	WRITE_ONCE(sk->sk_err, err);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	release_sock(sk);
}

/**
 * ckpt_sock_sockaddr() - the socket address of an address in an image
 * @ss:     filled with a sockaddr_in or sockaddr_in6
 * @family: AF_INET or AF_INET6
 * @addr:   4 or 16 bytes, network order
 * @port:   host order
 *
 * Return: the length of the address.
 */
int ckpt_sock_sockaddr(struct sockaddr_storage *ss, u32 family, const u8 *addr,
		       u16 port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, addr, 4);
		return sizeof(*sin);
	}
	{
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, addr, 16);
		return sizeof(*sin6);
	}
}

static int ckpt_netsock_sockaddr(const struct ckpt_netsock *r, bool peer,
				 struct sockaddr_storage *ss)
{
	return ckpt_sock_sockaddr(ss, le32_to_cpu(r->family),
				  peer ? r->raddr : r->laddr,
				  le16_to_cpu(peer ? r->rport : r->lport));
}

/* Bind (listen, connect) @sock again as @r says; 0 or a negative errno. */
static int ckpt_netsock_remake(struct socket *sock, const struct ckpt_netsock *r)
{
	u32 flags = le32_to_cpu(r->flags);
	struct sockaddr_storage ss;
	int len, ret = 0;

	if (flags & CKPT_NETSOCK_REUSEADDR)
		sock_set_reuseaddr(sock->sk);
	if (flags & CKPT_NETSOCK_REUSEPORT)
		sock_set_reuseport(sock->sk);
	if (flags & CKPT_NETSOCK_BOUND) {
		len = ckpt_netsock_sockaddr(r, false, &ss);
		ret = kernel_bind(sock, (struct sockaddr *)&ss, len);
	}
	if (!ret && le32_to_cpu(r->state) == TCP_LISTEN)
		ret = kernel_listen(sock, le32_to_cpu(r->backlog));
	if (!ret && (flags & CKPT_NETSOCK_CONNECTED)) {
		len = ckpt_netsock_sockaddr(r, true, &ss);
		ret = kernel_connect(sock, (struct sockaddr *)&ss, len, 0);
	}
	return ret;
}

/**
 * ckpt_restore_netsock() - make the socket that stands for a network socket
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_NETSOCK
 * @len: bytes of @rec
 *
 * Makes a new socket of the same family, type and protocol in the
 * restarter's network namespace, with the credentials of @rt at this
 * point, and makes it a reset connection, a listener or UDP socket bound
 * again, or a new socket (see the head of this file).
 *
 * Return: 0 or a negative errno (with the reason).
 */
static int ckpt_restore_netsock(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_netsock *r = rec;
	u32 family = le32_to_cpu(r->family), type = le32_to_cpu(r->type);
	u32 protocol = le32_to_cpu(r->protocol), state = le32_to_cpu(r->state);
	u32 flags = le32_to_cpu(r->flags);
	bool inet = family == AF_INET || family == AF_INET6;
	bool tcp = inet && type == SOCK_STREAM && protocol == IPPROTO_TCP;
	bool udp = inet && type == SOCK_DGRAM && protocol == IPPROTO_UDP;
	struct socket *sock;
	struct file *file;
	int ret;

	if (len != sizeof(*r) || !(rt->ctx->exclude & CKPT_EXCL_NET) ||
	    family == AF_UNIX || family >= NPROTO || !type || type > SOCK_MAX ||
	    protocol > U8_MAX || state > U8_MAX ||
	    (flags & ~(CKPT_NETSOCK_CONNECTED | CKPT_NETSOCK_BOUND |
		       CKPT_NETSOCK_REUSEADDR | CKPT_NETSOCK_REUSEPORT)) ||
	    (!inet && (flags || r->lport || r->rport ||
		       memchr_inv(r->laddr, 0, sizeof(r->laddr)) ||
		       memchr_inv(r->raddr, 0, sizeof(r->raddr)))) ||
	    (family == AF_INET && (memchr_inv(r->laddr + 4, 0, 12) ||
				   memchr_inv(r->raddr + 4, 0, 12))) ||
	    (state == TCP_LISTEN && (!tcp || (flags & CKPT_NETSOCK_CONNECTED) ||
				     le32_to_cpu(r->backlog) > S32_MAX)) ||
	    (state != TCP_LISTEN && r->backlog))
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: malformed network socket record",
				 rt->pid);
	ret = sock_create(family, type, protocol, &sock);
	if (ret)
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: cannot make a socket of family %u, type %u, protocol %u in place of a network socket (error %d)",
				 rt->pid, family, type, protocol, ret);
	/* the socket goes with the file, also when making it fails */
	file = sock_alloc_file(sock, 0, NULL);
	if (IS_ERR(file))
		return ckpt_fail(rt->ctx, PTR_ERR(file), "out of memory");

	if ((tcp && (flags & CKPT_NETSOCK_CONNECTED)) || (!tcp && !udp)) {
		ckpt_netsock_break(sock->sk, ECONNRESET);
	} else {
		ret = ckpt_netsock_remake(sock, r);
		if (ret)
			ckpt_netsock_break(sock->sk, -ret);
	}
	return ckpt_obj_add(rt->ctx, le32_to_cpu(r->id), CKPT_OBJ_RNETSOCK, file);
}

/**
 * ckpt_sock_file() - the file of a CKPT_REC_FILE on a socket a record made
 * @rt:   the task being restored (current)
 * @r:    the CKPT_REC_FILE, whose @obj is the socket's record
 * @path: its path (socket:[N]), not used
 *
 * Return: the file, referenced, with the file flags of @r, or an ERR_PTR()
 * (with the reason).
 */
struct file *ckpt_sock_file(struct ckpt_rtask *rt, const struct ckpt_file *r,
			    const char *path)
{
	u32 id = le32_to_cpu(r->obj);
	u32 flags = le32_to_cpu(r->flags);
	struct file *file;

	if ((flags & O_ACCMODE) != O_RDWR || (flags & ~CKPT_NETSOCK_FILE_FLAGS))
		return ERR_PTR(ckpt_fail(rt->ctx, -EINVAL,
					 "image: pid %d: bad flags %#o of socket %u",
					 rt->pid, flags, id));
	file = ckpt_obj_get(rt->ctx, id, CKPT_OBJ_RNETSOCK);
	if (!file)
		return ERR_PTR(-EINVAL);
	spin_lock(&file->f_lock);
	file->f_flags = (file->f_flags & ~O_NONBLOCK) | (flags & O_NONBLOCK);
	spin_unlock(&file->f_lock);
	return file;
}

static const struct ckpt_file_ops ckpt_netsock_files[] = {
	{
		.kind		= CKPT_FILE_NETSOCK,
		.flags		= CKPT_FOP_NOPOS | CKPT_FOP_ANYFS,
		.is		= ckpt_is_netsock,
		.dump		= ckpt_dump_netsock,
		.open		= ckpt_sock_file,
	},
	{ }
};

static const struct ckpt_rec_op ckpt_netsock_recs[] = {
	{ .type = CKPT_REC_NETSOCK, .restore = ckpt_restore_netsock },
	{ }
};

const struct ckpt_resource ckpt_res_netsock = {
	.name		= "network sockets",
	.recs		= ckpt_netsock_recs,
	.files		= ckpt_netsock_files,
};
