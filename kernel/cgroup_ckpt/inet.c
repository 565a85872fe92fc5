// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: TCP and UDP sockets, saved with their options.
 *
 * What a server holds besides its connections: TCP sockets listening or
 * never connected, and UDP sockets, bound or connected, of AF_INET and
 * AF_INET6 (v4-mapped addresses included).  Their state is their address,
 * their peer, a listener's backlog and the options a server sets; it is
 * read from the sock, locked, and made again at restart with the kernel's
 * own setters (sock_set_*(), tcp_sock_set_*(), ip_sock_set_*()) before
 * kernel_bind(), kernel_listen() and kernel_connect(), in the network
 * namespace and with the credentials of the restored task.
 *
 * Refused, with a reason: a listener with connections waiting to be
 * accepted (they would be reset), and what is not saved yet: a socket
 * bound to a device, with a socket filter, multicast memberships, an upper
 * layer protocol (TLS...), a reuseport BPF program, a UDP socket corking a
 * datagram or with an encapsulation.  Connections half opened (SYN
 * received) are not kept: the peer sees them reset, as after a crash.
 * Datagrams queued to a UDP socket are not kept: a network may lose them
 * too.  A connected TCP socket (established or half closed) is written
 * here too, followed by its connection (tcp.c).  TCP sockets connecting
 * or reset are net.c's: refused, or reset with ckpt.exclude net, which
 * also leaves these out (net.c takes them).
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/file.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/inet_connection_sock.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/sock_reuseport.h>
#include <net/tcp.h>
#include "ckpt.h"
#include "net.h"
#include "tcp.h"

static_assert(sizeof(struct ckpt_inet) == 112);

static bool ckpt_inet_family(const struct sock *sk)
{
	return sk->sk_family == AF_INET ||
	       (IS_ENABLED(CONFIG_IPV6) && sk->sk_family == AF_INET6);
}

static bool ckpt_inet_tcp(const struct sock *sk)
{
	return sk->sk_type == SOCK_STREAM && sk->sk_protocol == IPPROTO_TCP;
}

static bool ckpt_inet_udp(const struct sock *sk)
{
	return sk->sk_type == SOCK_DGRAM && sk->sk_protocol == IPPROTO_UDP;
}

/*
 * Ours: a TCP socket listening or never connected, a UDP socket; unless
 * ckpt.exclude net leaves the network out.
 */
static bool ckpt_inet_match(struct ckpt_ctx *ctx, const struct ckpt_fdump *d)
{
	struct sock *sk;
	u8 state;

	if ((ctx->exclude & CKPT_EXCL_NET) || !S_ISSOCK(file_inode(d->file)->i_mode))
		return false;
	sk = ckpt_file_sk(d->file);
	if (!sk || !ckpt_inet_family(sk))
		return false;
	state = READ_ONCE(sk->sk_state);
	if (ckpt_inet_udp(sk))
		return true;
	return ckpt_inet_tcp(sk) &&
	       (state == TCP_LISTEN || ckpt_tcp_conn_state(state) ||
		(state == TCP_CLOSE && !READ_ONCE(inet_sk(sk)->inet_dport)));
}

/* ---- checkpoint ----------------------------------------------------------- */

/* Has the reuseport group of @sk a program choosing a socket? */
static bool ckpt_inet_reuseport_prog(struct sock *sk)
{
	struct sock_reuseport *reuse;
	bool prog;

	rcu_read_lock();
	reuse = rcu_dereference(sk->sk_reuseport_cb);
	prog = reuse && rcu_access_pointer(reuse->prog);
	rcu_read_unlock();
	return prog;
}

static const char ckpt_inet_queued[] =
	"connections wait to be accepted; accept them first (a restart would reset them)";

/* What of @sk is not saved yet, or NULL.  Locked. */
static const char *ckpt_inet_unsaved(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);

	if (sk->sk_bound_dev_if)
		return "bound to a device (SO_BINDTODEVICE); not saved yet";
	if (rcu_access_pointer(sk->sk_filter))
		return "a socket filter (SO_ATTACH_FILTER); not saved yet";
	if (ckpt_inet_reuseport_prog(sk))
		return "a reuseport BPF program; not saved yet";
	if (rcu_access_pointer(inet->mc_list))
		return "multicast memberships; not saved yet";
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 &&
	    rcu_access_pointer(inet6_sk(sk)->ipv6_mc_list))
		return "multicast memberships; not saved yet";
#endif
	if (ckpt_inet_tcp(sk) && inet_csk(sk)->icsk_ulp_ops)
		return "an upper layer protocol (TCP_ULP); not saved yet";
	if (ckpt_inet_tcp(sk) && sk->sk_state == TCP_LISTEN &&
	    READ_ONCE(sk->sk_ack_backlog))
		return ckpt_inet_queued;
	if (ckpt_inet_udp(sk) && (udp_sk(sk)->pending || udp_sk(sk)->encap_type))
		return "a corked datagram (UDP_CORK) or an encapsulation; not saved yet";
	if (ckpt_inet_tcp(sk) && ckpt_tcp_conn_state(sk->sk_state))
		return ckpt_tcp_unsaved(sk);
	return NULL;
}

/* The options of @sk in @r.  Locked. */
static u32 ckpt_inet_opts(struct sock *sk, struct ckpt_inet *r)
{
	struct inet_sock *inet = inet_sk(sk);
	u32 opts = 0;
	int ttl = inet->uc_ttl, tos = inet->tos;

	if (sk->sk_userlocks & SOCK_BINDPORT_LOCK)
		opts |= CKPT_INET_BOUND;
	if (sk->sk_reuse)
		opts |= CKPT_INET_REUSEADDR;
	if (sk->sk_reuseport)
		opts |= CKPT_INET_REUSEPORT;
	if (inet->freebind)
		opts |= CKPT_INET_FREEBIND;
	if (sock_flag(sk, SOCK_KEEPOPEN))
		opts |= CKPT_INET_KEEPALIVE;
	if (sock_flag(sk, SOCK_BROADCAST))
		opts |= CKPT_INET_BROADCAST;
	if (sock_flag(sk, SOCK_LINGER)) {
		opts |= CKPT_INET_LINGER;
		r->linger = cpu_to_le32(sk->sk_lingertime / HZ);
	}
	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK) {
		opts |= CKPT_INET_SNDBUF;
		r->sndbuf = cpu_to_le32(sk->sk_sndbuf);
	}
	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK) {
		opts |= CKPT_INET_RCVBUF;
		r->rcvbuf = cpu_to_le32(sk->sk_rcvbuf);
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		if (sk->sk_ipv6only)
			opts |= CKPT_INET_V6ONLY;
		ttl = inet6_sk(sk)->hop_limit;
		tos = inet6_sk(sk)->tclass;
	}
#endif
	r->ttl = cpu_to_le32(ttl);
	r->tos = cpu_to_le32(tos);
	if (ckpt_inet_tcp(sk)) {
		struct tcp_sock *tp = tcp_sk(sk);
		struct request_sock_queue *q = &inet_csk(sk)->icsk_accept_queue;

		if (tp->nonagle & TCP_NAGLE_OFF)
			opts |= CKPT_INET_NODELAY;
		r->keepidle = cpu_to_le32(tp->keepalive_time / HZ);
		r->keepintvl = cpu_to_le32(tp->keepalive_intvl / HZ);
		r->keepcnt = cpu_to_le32(tp->keepalive_probes);
		r->defer_accept = cpu_to_le32(q->rskq_defer_accept);
		r->fastopen = cpu_to_le32(q->fastopenq.max_qlen);
	}
	return opts;
}

/* Fill @r from @sk, or give why it cannot be saved. */
static const char *ckpt_inet_fill(struct sock *sk, struct ckpt_inet *r)
{
	const char *why;
	u32 opts;

	lock_sock(sk);
	why = ckpt_inet_unsaved(sk);
	if (!why) {
		r->family = cpu_to_le32(sk->sk_family);
		r->type = cpu_to_le32(sk->sk_type);
		r->protocol = cpu_to_le32(sk->sk_protocol);
		r->state = cpu_to_le32(sk->sk_state);
		ckpt_sock_addrs(sk, r->laddr, r->raddr, &r->lport, &r->rport);
		opts = ckpt_inet_opts(sk, r);
		if (sk->sk_state == TCP_LISTEN) {
			opts |= CKPT_INET_BOUND;
			r->backlog = cpu_to_le32(READ_ONCE(sk->sk_max_ack_backlog));
		} else if (sk->sk_state == TCP_ESTABLISHED ||
			   (ckpt_inet_tcp(sk) && ckpt_tcp_conn_state(sk->sk_state))) {
			opts |= CKPT_INET_CONNECTED;
		}
		r->opts = cpu_to_le32(opts);
	}
	release_sock(sk);
	return why;
}

/**
 * ckpt_dump_inet() - write a TCP or UDP socket, or refuse it
 * @ctx:  the checkpoint
 * @t:    the task using it (named in a refusal)
 * @fd:   the fd it is used through
 * @file: the socket's file
 * @id:   where to put the object id of its CKPT_REC_INET
 *
 * Return: 0, -EOPNOTSUPP (with the reason) or another negative errno.
 */
static int ckpt_dump_inet(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
			  struct file *file, u32 *id)
{
	struct sock *sk = ckpt_file_sk(file);
	struct ckpt_inet r = { };
	const char *why;
	char desc[160];
	bool new;
	int ret;

	*id = ckpt_obj_lookup(ctx, CKPT_OBJ_NETSOCK, sk, &new);
	if (!*id)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	if (!new)
		return 0;
	why = ckpt_inet_fill(sk, &r);
	if (why) {
		ckpt_netsock_describe(sk, desc, sizeof(desc));
		return ckpt_fail(ctx, -EOPNOTSUPP, "pid %d fd %d: %s: %s",
				 task_pid_vnr(t), fd, desc, why);
	}
	r.id = cpu_to_le32(*id);
	ret = ckpt_write(ctx, &r, CKPT_REC_INET, sizeof(r));
	if (!ret && ckpt_inet_tcp(sk) && ckpt_tcp_conn_state(le32_to_cpu(r.state)))
		ret = ckpt_tcp_dump(ctx, t, fd, sk, *id);
	return ret;
}

/* ---- restart -------------------------------------------------------------- */

static int ckpt_inet_sockaddr(const struct ckpt_inet *r, bool peer,
			      struct sockaddr_storage *ss)
{
	return ckpt_sock_sockaddr(ss, le32_to_cpu(r->family),
				  peer ? r->raddr : r->laddr,
				  le16_to_cpu(peer ? r->rport : r->lport));
}

/* Is @r a record restart can make a socket of? */
static bool ckpt_inet_valid(const struct ckpt_inet *r)
{
	u32 family = le32_to_cpu(r->family), type = le32_to_cpu(r->type);
	u32 protocol = le32_to_cpu(r->protocol), state = le32_to_cpu(r->state);
	u32 opts = le32_to_cpu(r->opts);
	s32 ttl = le32_to_cpu(r->ttl);
	bool tcp = type == SOCK_STREAM && protocol == IPPROTO_TCP;
	bool udp = type == SOCK_DGRAM && protocol == IPPROTO_UDP;

	if ((family != AF_INET && family != AF_INET6) || (!tcp && !udp) ||
	    (opts & ~CKPT_INET_OPTS) || ttl < -1 || ttl > 255 ||
	    le32_to_cpu(r->tos) > 255 || le32_to_cpu(r->linger) > INT_MAX / HZ ||
	    le32_to_cpu(r->sndbuf) > INT_MAX || le32_to_cpu(r->rcvbuf) > INT_MAX)
		return false;
	/* IP_TTL takes 1..255, IPV6_UNICAST_HOPS 0..255; -1: the default */
	if (family == AF_INET && (memchr_inv(r->laddr + 4, 0, 12) ||
				  memchr_inv(r->raddr + 4, 0, 12) ||
				  (opts & CKPT_INET_V6ONLY) || !ttl))
		return false;
	if (udp)
		return (state == TCP_CLOSE && !(opts & CKPT_INET_CONNECTED)) ||
		       (state == TCP_ESTABLISHED && (opts & CKPT_INET_CONNECTED));
	if (le32_to_cpu(r->keepidle) > MAX_TCP_KEEPIDLE ||
	    le32_to_cpu(r->keepintvl) > MAX_TCP_KEEPINTVL ||
	    le32_to_cpu(r->keepcnt) > MAX_TCP_KEEPCNT ||
	    le32_to_cpu(r->defer_accept) > U8_MAX ||
	    le32_to_cpu(r->fastopen) > INT_MAX)
		return false;
	if (state == TCP_LISTEN)
		return (opts & CKPT_INET_BOUND) && !(opts & CKPT_INET_CONNECTED) &&
		       le32_to_cpu(r->backlog) <= S32_MAX;
	if (ckpt_tcp_conn_state(state))
		return (opts & CKPT_INET_CONNECTED) && !r->backlog && !r->fastopen;
	return state == TCP_CLOSE && !(opts & CKPT_INET_CONNECTED) &&
	       !r->backlog && !r->fastopen;
}

/* The options taken under the socket's lock, as sk_setsockopt() sets them. */
static void ckpt_inet_set_locked(struct sock *sk, const struct ckpt_inet *r)
{
	u32 opts = le32_to_cpu(r->opts);
	s32 ttl = le32_to_cpu(r->ttl);

	lock_sock(sk);
	if (opts & CKPT_INET_SNDBUF) {
		sk->sk_userlocks |= SOCK_SNDBUF_LOCK;
		WRITE_ONCE(sk->sk_sndbuf, max_t(u32, le32_to_cpu(r->sndbuf), SOCK_MIN_SNDBUF));
	}
	if (opts & CKPT_INET_RCVBUF) {
		sk->sk_userlocks |= SOCK_RCVBUF_LOCK;
		WRITE_ONCE(sk->sk_rcvbuf, max_t(u32, le32_to_cpu(r->rcvbuf), SOCK_MIN_RCVBUF));
	}
	if (opts & CKPT_INET_LINGER) {
		WRITE_ONCE(sk->sk_lingertime, le32_to_cpu(r->linger) * HZ);
		sock_set_flag(sk, SOCK_LINGER);
	}
	if (opts & CKPT_INET_BROADCAST)
		sock_set_flag(sk, SOCK_BROADCAST);
	if (sk->sk_family == AF_INET)
		inet_sk(sk)->uc_ttl = ttl;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		inet6_sk(sk)->hop_limit = ttl;
		inet6_sk(sk)->tclass = le32_to_cpu(r->tos);
	}
#endif
	if (ckpt_inet_tcp(sk))
		inet_csk(sk)->icsk_accept_queue.rskq_defer_accept =
			le32_to_cpu(r->defer_accept);
	release_sock(sk);
}

/* The options of @r, before the socket is bound; 0 or a negative errno. */
static int ckpt_inet_set_opts(struct socket *sock, const struct ckpt_inet *r)
{
	struct sock *sk = sock->sk;
	u32 opts = le32_to_cpu(r->opts);
	int val, ret = 0;

	if (opts & CKPT_INET_REUSEADDR)
		sock_set_reuseaddr(sk);
	if (opts & CKPT_INET_REUSEPORT)
		sock_set_reuseport(sk);
	if (opts & CKPT_INET_KEEPALIVE)
		sock_set_keepalive(sk);
	if (opts & CKPT_INET_FREEBIND)
		ip_sock_set_freebind(sk);
	if (sk->sk_family == AF_INET)
		ip_sock_set_tos(sk, le32_to_cpu(r->tos));
#if IS_ENABLED(CONFIG_IPV6)
	/* always: the default comes from net.ipv6.bindv6only */
	if (sk->sk_family == AF_INET6) {
		lock_sock(sk);
		sk->sk_ipv6only = !!(opts & CKPT_INET_V6ONLY);
		release_sock(sk);
	}
#endif
	ckpt_inet_set_locked(sk, r);
	if (!ckpt_inet_tcp(sk))
		return 0;
	if (opts & CKPT_INET_NODELAY)
		tcp_sock_set_nodelay(sk);
	if (r->keepidle)
		ret = tcp_sock_set_keepidle(sk, le32_to_cpu(r->keepidle));
	if (!ret && r->keepintvl)
		ret = tcp_sock_set_keepintvl(sk, le32_to_cpu(r->keepintvl));
	if (!ret && r->keepcnt)
		ret = tcp_sock_set_keepcnt(sk, le32_to_cpu(r->keepcnt));
	val = le32_to_cpu(r->fastopen);
	if (!ret && val)
		ret = do_tcp_setsockopt(sk, SOL_TCP, TCP_FASTOPEN,
					KERNEL_SOCKPTR(&val), sizeof(val));
	return ret;
}

/* Bind, listen, connect @sock as @r says; 0 or a negative errno (reason). */
static int ckpt_inet_remake(struct ckpt_rtask *rt, struct socket *sock,
			    const struct ckpt_inet *r)
{
	bool conn = ckpt_inet_tcp(sock->sk) && ckpt_tcp_conn_state(le32_to_cpu(r->state));
	u32 opts = le32_to_cpu(r->opts);
	struct sockaddr_storage ss;
	const char *step = "set the options of";
	bool peer = false;
	char addr[64];
	int len, ret, max;

	ret = ckpt_inet_set_opts(sock, r);
	/* a connection is bound where it was, in repair mode */
	if (!ret && conn) {
		ret = ckpt_tcp_repair(rt, sock);
		if (ret)
			return ret;
		opts |= CKPT_INET_BOUND;
	}
	if (!ret && (opts & CKPT_INET_BOUND)) {
		step = "bind";
		len = ckpt_inet_sockaddr(r, false, &ss);
		ret = kernel_bind(sock, (struct sockaddr *)&ss, len);
	}
	if (!ret && le32_to_cpu(r->state) == TCP_LISTEN) {
		step = "listen on";
		/* as listen(): no more than net.core.somaxconn */
		max = READ_ONCE(sock_net(sock->sk)->core.sysctl_somaxconn);
		ret = kernel_listen(sock, min_t(u32, le32_to_cpu(r->backlog), max));
	}
	if (!ret && conn)
		return ckpt_tcp_restore(rt, sock, r);
	if (!ret && (opts & CKPT_INET_CONNECTED) && !conn) {
		step = "connect";
		peer = true;
		len = ckpt_inet_sockaddr(r, true, &ss);
		ret = kernel_connect(sock, (struct sockaddr *)&ss, len, 0);
	}
	if (!ret)
		return 0;
	ckpt_inet_sockaddr(r, peer, &ss);
	snprintf(addr, sizeof(addr), "%pISpc", &ss);
	return ckpt_fail(rt->ctx, ret, "pid %d: cannot %s a %s socket %s again (error %d)",
			 rt->pid, step, ckpt_inet_tcp(sock->sk) ? "TCP" : "UDP", addr, ret);
}

/**
 * ckpt_restore_inet() - make a TCP or UDP socket again
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_INET
 * @len: bytes of @rec
 *
 * Makes the socket in the network namespace of @rt, with its credentials
 * at this point, sets its options and binds, listens or connects it.
 *
 * Return: 0 or a negative errno (with the reason: the address in use...).
 */
static int ckpt_restore_inet(struct ckpt_rtask *rt, void *rec, u32 len)
{
	/* a copy: a connection's records that follow are read into rbuf */
	struct ckpt_inet copy, *r = &copy;
	struct socket *sock;
	struct file *file;
	int ret;

	if (len == sizeof(*r))
		memcpy(r, rec, len);
	if (len != sizeof(*r) || !ckpt_inet_valid(r))
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: malformed TCP or UDP socket record",
				 rt->pid);
	ret = ckpt_restart_check_sockbufs(rt, le32_to_cpu(r->sndbuf),
					  le32_to_cpu(r->rcvbuf));
	if (ret)
		return ret;
	ret = sock_create(le32_to_cpu(r->family), le32_to_cpu(r->type),
			  le32_to_cpu(r->protocol), &sock);
	if (ret)
		return ckpt_fail(rt->ctx, ret, "pid %d: cannot make a socket (error %d)",
				 rt->pid, ret);
	/* the socket goes with the file, also when making it fails */
	file = sock_alloc_file(sock, 0, NULL);
	if (IS_ERR(file))
		return ckpt_fail(rt->ctx, PTR_ERR(file), "out of memory");
	ret = ckpt_obj_add(rt->ctx, le32_to_cpu(r->id), CKPT_OBJ_RNETSOCK, file);
	if (ret)
		return ret;
	return ckpt_inet_remake(rt, sock, r);
}

static const struct ckpt_file_ops ckpt_inet_files[] = {
	{
		.kind		= CKPT_FILE_INET,
		.flags		= CKPT_FOP_NOPOS | CKPT_FOP_ANYFS,
		.match		= ckpt_inet_match,
		.dump		= ckpt_dump_inet,
		.open		= ckpt_sock_file,	/* net.c */
		.held		= ckpt_tcp_held,	/* tcp.c */
		.check_held	= ckpt_tcp_check_held,
	},
	{ }
};

static const struct ckpt_rec_op ckpt_inet_recs[] = {
	{ .type = CKPT_REC_INET, .restore = ckpt_restore_inet },
	{ }
};

const struct ckpt_resource ckpt_res_inet = {
	.name		= "TCP and UDP sockets",
	.recs		= ckpt_inet_recs,
	.files		= ckpt_inet_files,
};
