// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: established TCP connections, saved and made again with TCP repair.
 *
 * inet.c writes a connected TCP socket as it writes a listener (addresses,
 * options), then this file its connection: the sequence numbers, windows
 * and options the peers agreed on, read from the locked sock, and the
 * bytes of both queues, copied from their skbs (received and not read;
 * sent and not acknowledged, or not sent yet).  Restart makes the socket
 * in repair mode (TCP_REPAIR, which needs CAP_NET_ADMIN in the socket's
 * network namespace), binds and "connects" it without a handshake, sets
 * the options, refills both queues and the windows, all with the kernel's
 * own setters (do_tcp_setsockopt(), kernel_sendmsg()), and leaves repair
 * mode once the whole restart succeeded: the peer sees a window probe, and
 * what was in flight is sent again when its timer fires.
 *
 * "checkpoint kill" holds the connections (hold.c) before it saves them,
 * so that nothing the image lacks is acknowledged meanwhile, and puts
 * them in repair mode just before the kill: they close without a FIN or a
 * reset, and stay held until a restart takes them over.  A plain
 * checkpoint leaves them running: its image is a snapshot of a connection
 * that goes on, good for a restart only if the original is gone silently.
 *
 * TCP_ESTABLISHED is saved, and the closing states of a socket still
 * open: after the peer's FIN (CLOSE_WAIT), which counts in the sequence
 * after the bytes not read yet, and restart takes in again as tcp_fin()
 * does; after our own (FIN_WAIT1, FIN_WAIT2, and with the peer's LAST_ACK,
 * CLOSING), which restart sends again at the commit with tcp_shutdown()
 * (a peer that had it acknowledges it once more; CLOSING comes back as
 * LAST_ACK).
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/file.h>
#include <linux/net.h>
#include <linux/sizes.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/inet_sock.h>
#include <net/sock.h>
#include <net/tcp.h>
#include "ckpt.h"
#include "hold.h"
#include "net.h"
#include "tcp.h"

static_assert(sizeof(struct ckpt_tcp) == 80);
static_assert(sizeof(struct ckpt_tcp_data) == 16);

/* Bytes of one CKPT_REC_TCP_DATA; more than any queue at restart refused. */
#define CKPT_TCP_CHUNK		(CKPT_REC_MAX_LEN - sizeof(struct ckpt_tcp_data))
#define CKPT_TCP_QUEUE_MAX	(64U << 20)
/* The largest window TCP can announce: 65535 scaled by 2^14. */
#define CKPT_TCP_WINDOW_MAX	(65535U << TCP_MAX_WSCALE)

/*
 * The connections of one operation: at checkpoint, the held ones (put in
 * repair mode at the kill, let go if the checkpoint fails); at restart,
 * the ones made, which leave repair mode at the commit.  A reference on
 * each sock.
 */
struct ckpt_tcp_conn {
	struct sock	*sk;
	bool		reuse;		/* SO_REUSEADDR again after repair */
	bool		fin;		/* our FIN, sent again after repair */
};

struct ckpt_tcp_set {
	unsigned int		nr, cap;
	bool			synced;	/* synchronize_net() after the holds */
	bool			killed;	/* the tasks died: the holds stay */
	struct ckpt_tcp_conn	*c;
};

static struct ckpt_tcp_set *ckpt_tcp_set(struct ckpt_ctx *ctx)
{
	struct ckpt_tcp_set *set = ctx->priv[CKPT_RES_ID_tcp];

	if (!set) {
		set = kzalloc(sizeof(*set), GFP_KERNEL);
		ctx->priv[CKPT_RES_ID_tcp] = set;
	}
	return set;
}

static int ckpt_tcp_set_add(struct ckpt_ctx *ctx, struct sock *sk, bool reuse,
			    bool fin)
{
	struct ckpt_tcp_set *set = ckpt_tcp_set(ctx);

	if (!set)
		return -ENOMEM;
	if (set->nr == set->cap) {
		unsigned int cap = set->cap ? 2 * set->cap : 16;
		struct ckpt_tcp_conn *c;

		c = krealloc_array(set->c, cap, sizeof(*c), GFP_KERNEL);
		if (!c)
			return -ENOMEM;
		set->c = c;
		set->cap = cap;
	}
	sock_hold(sk);
	set->c[set->nr].sk = sk;
	set->c[set->nr].fin = fin;
	set->c[set->nr++].reuse = reuse;
	return 0;
}

static bool ckpt_tcp_set_has(const struct ckpt_tcp_set *set, const struct sock *sk)
{
	unsigned int i;

	for (i = 0; set && i < set->nr; i++)
		if (set->c[i].sk == sk)
			return true;
	return false;
}

/**
 * ckpt_tcp_is() - whether a sock is a TCP connection this file saves
 * @sk: an AF_INET or AF_INET6 sock
 *
 * Return: true if this file saves it.
 */
bool ckpt_tcp_is(const struct sock *sk)
{
	return sk->sk_type == SOCK_STREAM && sk->sk_protocol == IPPROTO_TCP &&
	       ckpt_tcp_conn_state(READ_ONCE(sk->sk_state));
}

/**
 * ckpt_tcp_held() - whether a file is a connection the group must hold alone
 * @file: a socket's file
 *
 * A connection also used outside the group would be doubled by a restart.
 *
 * Return: true for a TCP connection, established or half closed, of
 * AF_INET or AF_INET6.
 */
bool ckpt_tcp_held(struct file *file)
{
	struct sock *sk = ckpt_file_sk(file);

	return sk && (sk->sk_family == AF_INET || sk->sk_family == AF_INET6) &&
	       ckpt_tcp_is(sk);
}

/**
 * ckpt_tcp_check_held() - hold a connection "checkpoint kill" will save
 * @ctx: the checkpoint
 * @hs:  the files the group holds alone
 * @i:   this one
 *
 * Before anything is saved, so that what the image holds of each
 * connection is all that was acknowledged to its peer.
 *
 * Return: 0 or a negative errno (with the reason).
 */
int ckpt_tcp_check_held(struct ckpt_ctx *ctx, struct ckpt_held_set *hs,
			unsigned int i)
{
	struct sock *sk = ckpt_file_sk(hs->h[i].file);
	int ret;

	if (ctx->cmd != CKPT_CMD_CHECKPOINT_KILL || (ctx->exclude & CKPT_EXCL_NET))
		return 0;
	/* holding and silencing a connection: what TCP_REPAIR allows */
	if (!ns_capable(sock_net(sk)->user_ns, CAP_NET_ADMIN))
		return ckpt_fail(ctx, -EPERM,
				 "pid %d fd %u: holding a TCP connection across checkpoint kill needs CAP_NET_ADMIN in its network namespace",
				 hs->h[i].pid, hs->h[i].fd);
	ret = ckpt_tcp_set_add(ctx, sk, false, false);
	if (!ret)
		ret = ckpt_hold_add(sk, cgroup_id(ctx->cgrp));
	if (ret)
		return ckpt_fail(ctx, ret, "pid %d fd %u: cannot hold a TCP connection (error %d)",
				 hs->h[i].pid, hs->h[i].fd, ret);
	return 0;
}

/**
 * ckpt_tcp_unsaved() - what of a connection is not saved yet
 * @sk: a TCP connection's sock (ckpt_tcp_is()), locked
 *
 * Return: the reason, or NULL.
 */
const char *ckpt_tcp_unsaved(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (tp->repair)
		return "in repair mode (TCP_REPAIR) already";
	if (tp->urg_data)
		return "urgent data (MSG_OOB) pending; not saved yet";
	if (rcu_access_pointer(tp->fastopen_rsk))
		return "a TCP Fast Open handshake still going on; try again";
	/* the FINs shut it down: ours for writing, the peer's for reading */
	if (((sk->sk_shutdown & SEND_SHUTDOWN) && !ckpt_tcp_fin_out(sk->sk_state)) ||
	    ((sk->sk_shutdown & RCV_SHUTDOWN) && !ckpt_tcp_fin_in(sk->sk_state)))
		return "shut down for reading (shutdown()); not saved yet";
#ifdef CONFIG_TCP_MD5SIG
	if (rcu_access_pointer(tp->md5sig_info))
		return "TCP MD5 signatures (TCP_MD5SIG); not saved yet";
#endif
	return NULL;
}

/*
 * Bytes received and not read, from the sequence numbers: in CLOSE_WAIT,
 * the peer's FIN takes the last one until the program reads the end of
 * file.
 */
static u32 ckpt_tcp_inq(u32 rcv_nxt, u32 copied_seq, bool fin)
{
	return rcv_nxt - copied_seq - (fin && rcv_nxt != copied_seq);
}

/* Bytes to send, from the sequence numbers: our FIN takes the last one. */
static u32 ckpt_tcp_outq(u32 write_seq, u32 snd_una, bool fin)
{
	return write_seq - snd_una - (fin && write_seq != snd_una);
}

/* Copy the bytes of @skb from sequence @seq on to @buf at *@pos. */
static bool ckpt_tcp_copy_skb(struct sk_buff *skb, u32 seq, u8 *buf, u32 *pos,
			      u32 len)
{
	u32 start = TCP_SKB_CB(skb)->seq, off = 0, n;

	if (before(start, seq))
		off = seq - start;
	if (off >= skb->len)
		return true;
	/* the queues are in order and without holes */
	if (start + off != seq + *pos)
		return false;
	n = skb->len - off;
	if (n > len - *pos || skb_copy_bits(skb, off, buf + *pos, n))
		return false;
	*pos += n;
	return true;
}

/* Both queues of @sk into @buf: @inq bytes received, @outq to send.  Locked. */
static bool ckpt_tcp_copy_queues(struct sock *sk, u8 *buf, u32 inq, u32 outq)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;
	u32 pos = 0;

	skb_queue_walk(&sk->sk_receive_queue, skb)
		if (!ckpt_tcp_copy_skb(skb, tp->copied_seq, buf, &pos, inq))
			return false;
	if (pos != inq)
		return false;
	buf += inq;
	pos = 0;
	skb_rbtree_walk(skb, &sk->tcp_rtx_queue)
		if (!ckpt_tcp_copy_skb(skb, tp->snd_una, buf, &pos, outq))
			return false;
	skb_queue_walk(&sk->sk_write_queue, skb)
		if (!ckpt_tcp_copy_skb(skb, tp->snd_una, buf, &pos, outq))
			return false;
	return pos == outq;
}

/*
 * The state of @sk in @r and its queues in *@data; or why not, with the
 * errno in *@err.
 */
static const char *ckpt_tcp_fill(struct sock *sk, struct ckpt_tcp *r, u8 **data,
				 int *err)
{
	struct tcp_sock *tp = tcp_sk(sk);
	const char *why = NULL;
	u32 inq, outq, flags = 0;

	lock_sock(sk);
	if (ckpt_tcp_fin_in(sk->sk_state))
		flags |= CKPT_TCP_FIN_IN;
	if (ckpt_tcp_fin_out(sk->sk_state))
		flags |= CKPT_TCP_FIN_OUT;
	inq = ckpt_tcp_inq(tp->rcv_nxt, tp->copied_seq, flags & CKPT_TCP_FIN_IN);
	outq = ckpt_tcp_outq(tp->write_seq, tp->snd_una, flags & CKPT_TCP_FIN_OUT);
	*err = -EAGAIN;
	why = "the connection closed during the checkpoint; try again";
	if (!ckpt_tcp_conn_state(sk->sk_state))
		goto out;
	*err = -EOPNOTSUPP;
	why = ckpt_tcp_unsaved(sk);
	if (why)
		goto out;
	why = "more than 64 MiB queued; not saved";
	if (inq > CKPT_TCP_QUEUE_MAX || outq > CKPT_TCP_QUEUE_MAX)
		goto out;
	*err = -ENOMEM;
	why = "out of memory";
	*data = kvmalloc(inq + outq ?: 1, GFP_KERNEL);
	if (!*data)
		goto out;
	*err = -EIO;
	why = "its queues are not in sequence; not saved";
	if (!ckpt_tcp_copy_queues(sk, *data, inq, outq))
		goto out;
	why = NULL;
	if (tp->rx_opt.wscale_ok)
		flags |= CKPT_TCP_WSCALE;
	if (tp->rx_opt.sack_ok & TCP_SACK_SEEN)
		flags |= CKPT_TCP_SACK;
	if (tp->rx_opt.tstamp_ok)
		flags |= CKPT_TCP_TSTAMP;
	r->flags = cpu_to_le32(flags);
	r->snd_una = cpu_to_le32(tp->snd_una);
	r->snd_nxt = cpu_to_le32(tp->snd_nxt);
	r->write_seq = cpu_to_le32(tp->write_seq);
	r->rcv_nxt = cpu_to_le32(tp->rcv_nxt);
	r->copied_seq = cpu_to_le32(tp->copied_seq);
	r->snd_wl1 = cpu_to_le32(tp->snd_wl1);
	r->snd_wnd = cpu_to_le32(tp->snd_wnd);
	r->max_window = cpu_to_le32(tp->max_window);
	r->rcv_wnd = cpu_to_le32(tp->rcv_wnd);
	r->rcv_wup = cpu_to_le32(tp->rcv_wup);
	r->mss_clamp = cpu_to_le32(tp->rx_opt.mss_clamp);
	if (tp->rx_opt.tstamp_ok)
		r->timestamp = cpu_to_le32(tcp_time_stamp_raw() + tp->tsoffset);
	r->sndbuf = cpu_to_le32(sk->sk_sndbuf);
	r->rcvbuf = cpu_to_le32(sk->sk_rcvbuf);
	if (tp->rx_opt.wscale_ok) {
		r->snd_wscale = tp->rx_opt.snd_wscale;
		r->rcv_wscale = tp->rx_opt.rcv_wscale;
	}
out:
	release_sock(sk);
	return why;
}

/**
 * ckpt_tcp_dump() - write the connection of a TCP socket, after its record
 * @ctx:  the checkpoint
 * @t:    the task using it (named in a refusal)
 * @fd:   the fd it is used through
 * @sk:   the TCP connection's sock (ckpt_tcp_is())
 * @id:   the object id of its CKPT_REC_INET
 *
 * Return: 0, -EOPNOTSUPP or -EAGAIN (with the reason), another negative
 * errno.
 */
int ckpt_tcp_dump(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
		  struct sock *sk, u32 id)
{
	struct ckpt_tcp_set *set = ctx->priv[CKPT_RES_ID_tcp];
	struct ckpt_tcp r = { };
	u8 *data = NULL;
	const char *why;
	char desc[160];
	u32 off, n, len;
	int ret;

	/* segments already past the hook of a hold reach their sockets first */
	if (set && set->nr && !set->synced) {
		synchronize_net();
		set->synced = true;
	}
	/* connected (SYN_SENT before) since the holds were taken */
	if (ctx->cmd == CKPT_CMD_CHECKPOINT_KILL && !ckpt_tcp_set_has(set, sk)) {
		ckpt_netsock_describe(sk, desc, sizeof(desc));
		return ckpt_fail(ctx, -EAGAIN,
				 "pid %d fd %d: %s: connected during the checkpoint; try again",
				 task_pid_vnr(t), fd, desc);
	}
	why = ckpt_tcp_fill(sk, &r, &data, &ret);
	if (why) {
		kvfree(data);
		ckpt_netsock_describe(sk, desc, sizeof(desc));
		return ckpt_fail(ctx, ret, "pid %d fd %d: %s: %s", task_pid_vnr(t),
				 fd, desc, why);
	}
	r.id = cpu_to_le32(id);
	ret = ckpt_write(ctx, &r, CKPT_REC_TCP, sizeof(r));
	len = ckpt_tcp_inq(le32_to_cpu(r.rcv_nxt), le32_to_cpu(r.copied_seq),
			   le32_to_cpu(r.flags) & CKPT_TCP_FIN_IN) +
	      ckpt_tcp_outq(le32_to_cpu(r.write_seq), le32_to_cpu(r.snd_una),
			    le32_to_cpu(r.flags) & CKPT_TCP_FIN_OUT);
	for (off = 0; !ret && off < len; off += n) {
		struct ckpt_tcp_data d = { };

		n = min_t(u32, len - off, CKPT_TCP_CHUNK);
		d.id = cpu_to_le32(id);
		d.offset = cpu_to_le32(off);
		ret = ckpt_write2(ctx, &d, CKPT_REC_TCP_DATA, sizeof(d), data + off, n);
	}
	kvfree(data);
	return ret;
}

/* ---- restart -------------------------------------------------------------- */

static int ckpt_tcp_opt(struct sock *sk, int name, int val)
{
	return do_tcp_setsockopt(sk, SOL_TCP, name, KERNEL_SOCKPTR(&val),
				 sizeof(val));
}

/**
 * ckpt_tcp_repair() - put a socket being restored in repair mode
 * @rt:   the task being restored (current)
 * @sock: a new TCP socket, not bound yet
 *
 * Return: 0, or -EPERM (with the reason) without CAP_NET_ADMIN.
 */
int ckpt_tcp_repair(struct ckpt_rtask *rt, struct socket *sock)
{
	int ret = ckpt_tcp_opt(sock->sk, TCP_REPAIR, TCP_REPAIR_ON);

	if (ret)
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: restoring an established TCP connection needs CAP_NET_ADMIN in its network namespace (TCP repair; error %d)",
				 rt->pid, ret);
	return 0;
}

/*
 * Is @r a connection restart can make, of the socket @in?  Its queues'
 * bytes in *@inq, *@outq.
 */
static bool ckpt_tcp_valid(const struct ckpt_tcp *r, const struct ckpt_inet *in,
			   u32 *inq, u32 *outq)
{
	u32 snd_una = le32_to_cpu(r->snd_una), snd_nxt = le32_to_cpu(r->snd_nxt);
	u32 write_seq = le32_to_cpu(r->write_seq), mss = le32_to_cpu(r->mss_clamp);
	u32 flags = le32_to_cpu(r->flags);
	bool fin_in = flags & CKPT_TCP_FIN_IN, fin_out = flags & CKPT_TCP_FIN_OUT;

	/* snd_nxt is not set: the bytes not sent yet are sent again */
	*inq = ckpt_tcp_inq(le32_to_cpu(r->rcv_nxt), le32_to_cpu(r->copied_seq), fin_in);
	*outq = ckpt_tcp_outq(write_seq, snd_una, fin_out);
	return r->id == in->id &&
	       fin_in == ckpt_tcp_fin_in(le32_to_cpu(in->state)) &&
	       fin_out == ckpt_tcp_fin_out(le32_to_cpu(in->state)) &&
	       !(flags & ~CKPT_TCP_FLAGS) &&
	       !memchr_inv(r->__reserved, 0, sizeof(r->__reserved)) &&
	       *inq <= CKPT_TCP_QUEUE_MAX && *outq <= CKPT_TCP_QUEUE_MAX &&
	       !before(snd_nxt, snd_una) && !after(snd_nxt, write_seq) &&
	       mss >= TCP_MIN_MSS && mss <= U16_MAX &&
	       r->snd_wscale <= TCP_MAX_WSCALE && r->rcv_wscale <= TCP_MAX_WSCALE &&
	       ((flags & CKPT_TCP_WSCALE) || (!r->snd_wscale && !r->rcv_wscale)) &&
	       ((flags & CKPT_TCP_TSTAMP) || !r->timestamp) &&
	       le32_to_cpu(r->max_window) >= le32_to_cpu(r->snd_wnd) &&
	       le32_to_cpu(r->max_window) <= CKPT_TCP_WINDOW_MAX &&
	       le32_to_cpu(r->rcv_wnd) <= CKPT_TCP_WINDOW_MAX &&
	       le32_to_cpu(r->sndbuf) <= INT_MAX / 2 && le32_to_cpu(r->rcvbuf) <= INT_MAX / 2;
}

/* The sequence numbers, the connection without handshake, its options. */
static int ckpt_tcp_connect(struct socket *sock, const struct ckpt_inet *in,
			    const struct ckpt_tcp *r, u32 inq, u32 outq)
{
	struct sock *sk = sock->sk;
	u32 flags = le32_to_cpu(r->flags);
	struct tcp_repair_opt opts[4];
	struct sockaddr_storage ss;
	int n = 0, len, ret;

	/* the bytes not read come before the FIN, which ckpt_tcp_fin() adds */
	ret = ckpt_tcp_opt(sk, TCP_REPAIR_QUEUE, TCP_RECV_QUEUE);
	if (!ret)
		ret = ckpt_tcp_opt(sk, TCP_QUEUE_SEQ, le32_to_cpu(r->rcv_nxt) - inq -
				   !!(flags & CKPT_TCP_FIN_IN));
	if (!ret)
		ret = ckpt_tcp_opt(sk, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE);
	/* and the bytes to send before our FIN, which the commit sends again */
	if (!ret)
		ret = ckpt_tcp_opt(sk, TCP_QUEUE_SEQ, le32_to_cpu(r->write_seq) - outq -
				   !!(flags & CKPT_TCP_FIN_OUT));
	if (ret)
		return ret;
	len = ckpt_sock_sockaddr(&ss, le32_to_cpu(in->family), in->raddr,
				 le16_to_cpu(in->rport));
	ret = kernel_connect(sock, (struct sockaddr *)&ss, len, 0);
	if (ret)
		return ret;
	opts[n].opt_code = TCPOPT_MSS;
	opts[n++].opt_val = le32_to_cpu(r->mss_clamp);
	if (flags & CKPT_TCP_WSCALE) {
		opts[n].opt_code = TCPOPT_WINDOW;
		opts[n++].opt_val = r->snd_wscale | r->rcv_wscale << 16;
	}
	if (flags & CKPT_TCP_SACK) {
		opts[n].opt_code = TCPOPT_SACK_PERM;
		opts[n++].opt_val = 0;
	}
	if (flags & CKPT_TCP_TSTAMP) {
		opts[n].opt_code = TCPOPT_TIMESTAMP;
		opts[n++].opt_val = 0;
	}
	ret = do_tcp_setsockopt(sk, SOL_TCP, TCP_REPAIR_OPTIONS,
				KERNEL_SOCKPTR(opts), n * sizeof(opts[0]));
	if (!ret && (flags & CKPT_TCP_TSTAMP))
		ret = ckpt_tcp_opt(sk, TCP_TIMESTAMP, le32_to_cpu(r->timestamp));
	return ret;
}

/* Queue @len bytes of @p to the queue in repair (receive or send). */
static int ckpt_tcp_push(struct socket *sock, void *p, u32 len)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct kvec kv;
	int n;

	while (len) {
		kv.iov_base = p;
		kv.iov_len = len;
		n = kernel_sendmsg(sock, &msg, &kv, 1, len);
		if (n <= 0)
			return n ?: -ENOBUFS;
		p += n;
		len -= n;
	}
	return 0;
}

/* Refill both queues from the CKPT_REC_TCP_DATA records that follow. */
static int ckpt_tcp_refill(struct ckpt_rtask *rt, struct socket *sock, u32 id,
			   u32 inq, u32 outq)
{
	struct ckpt_ctx *ctx = rt->ctx;
	struct ckpt_tcp_data *d = ctx->rbuf;
	struct ckpt_hdr rec;
	u32 off, n, k;
	int ret;

	ret = ckpt_tcp_opt(sock->sk, TCP_REPAIR_QUEUE, inq ? TCP_RECV_QUEUE :
							     TCP_SEND_QUEUE);
	for (off = 0; !ret && off < inq + outq; off += n) {
		ret = ckpt_read_rec(ctx, &rec);
		if (ret)
			return ret;
		if (rec.type != CKPT_REC_TCP_DATA || rec.len <= sizeof(*d))
			goto bad;
		ret = ckpt_read_payload(ctx, (void *)d + sizeof(rec),
					rec.len - sizeof(rec));
		if (ret)
			return ret;
		n = rec.len - sizeof(*d);
		if (le32_to_cpu(d->id) != id || le32_to_cpu(d->offset) != off ||
		    n > inq + outq - off)
			goto bad;
		k = off < inq ? min(n, inq - off) : 0;
		ret = ckpt_tcp_push(sock, d->data, k);
		if (!ret && off + k == inq && n > k)
			ret = ckpt_tcp_opt(sock->sk, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE);
		if (!ret)
			ret = ckpt_tcp_push(sock, d->data + k, n - k);
	}
	return ret;
bad:
	return ckpt_fail(ctx, -EINVAL,
			 "image: pid %d: TCP connection %u: bad data record at byte %llu",
			 rt->pid, id, ctx->s.bytes);
}

/*
 * The peer's FIN, after the bytes received: what tcp_fin() does to an
 * established connection.
 */
static void ckpt_tcp_fin(struct sock *sk)
{
	lock_sock(sk);
	WRITE_ONCE(tcp_sk(sk)->rcv_nxt, tcp_sk(sk)->rcv_nxt + 1);
	sk->sk_shutdown |= RCV_SHUTDOWN;
	sock_set_flag(sk, SOCK_DONE);
	tcp_set_state(sk, TCP_CLOSE_WAIT);
	inet_csk_enter_pingpong_mode(sk);
	release_sock(sk);
}

/* Make room for what the queues held, whatever buffers the sysctls give. */
static void ckpt_tcp_bufs(struct sock *sk, u32 sndbuf, u32 rcvbuf)
{
	lock_sock(sk);
	WRITE_ONCE(sk->sk_sndbuf, max_t(u32, sndbuf, SOCK_MIN_SNDBUF));
	WRITE_ONCE(sk->sk_rcvbuf, max_t(u32, rcvbuf, SOCK_MIN_RCVBUF));
	release_sock(sk);
}

/**
 * ckpt_tcp_restore() - make the connection of a socket in repair mode
 * @rt:   the task being restored (current)
 * @sock: the socket, bound, options set, in repair mode (ckpt_tcp_repair())
 * @in:   its CKPT_REC_INET (a copy: the records that follow are read here)
 *
 * Reads its CKPT_REC_TCP and CKPT_REC_TCP_DATA records.  The socket leaves
 * repair mode at the restart's commit.
 *
 * Return: 0 or a negative errno (with the reason).
 */
int ckpt_tcp_restore(struct ckpt_rtask *rt, struct socket *sock,
		     const struct ckpt_inet *in)
{
	struct ckpt_ctx *ctx = rt->ctx;
	u32 id = le32_to_cpu(in->id), inq, outq;
	struct tcp_repair_window w;
	const char *step = "connect";
	struct sockaddr_storage ss;
	struct ckpt_hdr rec;
	struct ckpt_tcp r;
	int ret;

	ret = ckpt_read_rec(ctx, &rec);
	if (ret)
		return ret;
	if (rec.type != CKPT_REC_TCP || rec.len != sizeof(r))
		goto bad;
	ret = ckpt_read_payload(ctx, (void *)&r + sizeof(rec), sizeof(r) - sizeof(rec));
	if (ret)
		return ret;
	if (!ckpt_tcp_valid(&r, in, &inq, &outq))
		goto bad;
	ret = ckpt_tcp_connect(sock, in, &r, inq, outq);
	if (ret)
		goto fail;
	/* room for the queues as they were (skbs made anew may weigh more) */
	ckpt_tcp_bufs(sock->sk, 2 * outq + SZ_64K, 2 * inq + SZ_64K);
	ret = ckpt_tcp_refill(rt, sock, id, inq, outq);
	if (ret)
		return ctx->err ? ret : ckpt_fail(ctx, ret,
			"pid %d: cannot refill the queues of TCP connection %u (error %d)",
			rt->pid, id, ret);
	ckpt_tcp_bufs(sock->sk, le32_to_cpu(r.sndbuf), le32_to_cpu(r.rcvbuf));
	if (le32_to_cpu(r.flags) & CKPT_TCP_FIN_IN)
		ckpt_tcp_fin(sock->sk);
	step = "set the windows of";
	w.snd_wl1 = le32_to_cpu(r.snd_wl1);
	w.snd_wnd = le32_to_cpu(r.snd_wnd);
	w.max_window = le32_to_cpu(r.max_window);
	w.rcv_wnd = le32_to_cpu(r.rcv_wnd);
	w.rcv_wup = le32_to_cpu(r.rcv_wup);
	ret = do_tcp_setsockopt(sock->sk, SOL_TCP, TCP_REPAIR_WINDOW,
				KERNEL_SOCKPTR(&w), sizeof(w));
	if (!ret)
		ret = ckpt_tcp_opt(sock->sk, TCP_REPAIR_QUEUE, TCP_NO_QUEUE);
	if (ret)
		goto fail;
	ret = ckpt_tcp_set_add(ctx, sock->sk,
			       le32_to_cpu(in->opts) & CKPT_INET_REUSEADDR,
			       le32_to_cpu(r.flags) & CKPT_TCP_FIN_OUT);
	return ret ? ckpt_fail(ctx, ret, "out of memory") : 0;
fail:
	ckpt_sock_sockaddr(&ss, le32_to_cpu(in->family), in->raddr,
			   le16_to_cpu(in->rport));
	return ckpt_fail(ctx, ret,
			 "pid %d: cannot %s the TCP connection to %pISpc again (error %d)",
			 rt->pid, step, &ss, ret);
bad:
	return ckpt_fail(ctx, -EINVAL, "image: pid %d: malformed TCP connection record %u",
			 rt->pid, id);
}

/* ---- the operation's end -------------------------------------------------- */

/* "checkpoint kill" saved the image: the connections close silently. */
static void ckpt_tcp_kill(struct ckpt_ctx *ctx)
{
	struct ckpt_tcp_set *set = ctx->priv[CKPT_RES_ID_tcp];
	unsigned int i;

	if (!set)
		return;
	for (i = 0; i < set->nr; i++) {
		struct sock *sk = set->c[i].sk;

		lock_sock(sk);
		tcp_sk(sk)->repair = 1;
		tcp_sk(sk)->repair_queue = TCP_NO_QUEUE;
		release_sock(sk);
	}
	set->killed = true;
}

/* The restart succeeded: let the connections in and out of repair. */
static void ckpt_tcp_commit(struct ckpt_ctx *ctx)
{
	struct ckpt_tcp_set *set = ctx->priv[CKPT_RES_ID_tcp];
	unsigned int i;

	if (!set)
		return;
	for (i = 0; i < set->nr; i++) {
		struct sock *sk = set->c[i].sk;

		ckpt_hold_drop(sk);
		/* as TCP_REPAIR_OFF, which needs CAP_NET_ADMIN of current */
		lock_sock(sk);
		tcp_sk(sk)->repair = 0;
		sk->sk_reuse = set->c[i].reuse ? SK_CAN_REUSE : SK_NO_REUSE;
		/* what the timer retried during the restart does not count */
		inet_csk(sk)->icsk_backoff = 0;
		inet_csk(sk)->icsk_retransmits = 0;
		if (tcp_sk(sk)->packets_out)
			tcp_rearm_rto(sk);
		tcp_send_window_probe(sk);
		/* as shutdown(SHUT_WR): FIN_WAIT1, or LAST_ACK after the peer's */
		if (set->c[i].fin) {
			sk->sk_shutdown |= SEND_SHUTDOWN;
			tcp_shutdown(sk, SEND_SHUTDOWN);
		}
		release_sock(sk);
	}
}

/* A checkpoint that did not kill lets its holds go; drop the references. */
static void ckpt_tcp_release(struct ckpt_ctx *ctx)
{
	struct ckpt_tcp_set *set = ctx->priv[CKPT_RES_ID_tcp];
	bool restart = ctx->cmd == CKPT_CMD_RESTART || ctx->cmd == CKPT_CMD_RESTART_FROZEN;
	unsigned int i;

	if (!set)
		return;
	for (i = 0; i < set->nr; i++) {
		if (!restart && !set->killed)
			ckpt_hold_drop(set->c[i].sk);
		sock_put(set->c[i].sk);
	}
	kfree(set->c);
	kfree(set);
	ctx->priv[CKPT_RES_ID_tcp] = NULL;
}

static const struct ckpt_rec_op ckpt_tcp_recs[] = {
	{ .type = CKPT_REC_TCP, .flags = CKPT_ROP_NESTED },
	{ .type = CKPT_REC_TCP_DATA, .flags = CKPT_ROP_NESTED },
	{ }
};

const struct ckpt_resource ckpt_res_tcp = {
	.name		= "TCP connections",
	.recs		= ckpt_tcp_recs,
	.kill		= ckpt_tcp_kill,
	.commit		= ckpt_tcp_commit,
	.release	= ckpt_tcp_release,
};
