// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: unnamed AF_UNIX sockets.
 *
 * A socketpair() is one object written once, when the first of its two
 * files is met: the type, each end's file flags, shutdown state, buffer
 * sizes and options, and the bytes queued to each end, read from the
 * receive queues without consuming them (the group is frozen, nothing
 * reads or writes them).  Both files get their object ids then; the fds
 * and the other tasks that use them refer to those ids.
 *
 * Restart makes the pair with the socket family's own ->socketpair(),
 * queues the bytes again by sending them from the other end (message by
 * message for datagrams and seqpackets), applies shutdown last, and
 * closes an end whose file had been closed, as its owner once did.
 *
 * Refused: a socket with an address (bound, listening, or connected to a
 * bound socket), a peer whose file is held only outside the group, file
 * descriptors or out-of-band data in flight.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/net.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/af_unix.h>
#include <net/sock.h>
#include "ckpt.h"

static_assert(sizeof(struct ckpt_unix) == 16 + 2 * 32);
static_assert(sizeof(struct ckpt_unix_data) == 16);

/* Bytes of stream per CKPT_REC_UNIX_DATA; largest message. */
#define CKPT_UNIX_CHUNK		(CKPT_REC_MAX_LEN - sizeof(struct ckpt_unix_data))
/* Most bytes queued to one end that a checkpoint takes. */
#define CKPT_UNIX_MAX_QUEUED	(64 << 20)

/* One end's receive queue, copied out. */
struct ckpt_unix_queue {
	u8		*buf;
	u32		*lens;		/* message lengths; stream: pieces */
	u32		nr;
	u32		bytes;
};

/**
 * ckpt_is_unix() - is @file an AF_UNIX socket
 * @file: an open file
 *
 * Return: true if it is.
 */
bool ckpt_is_unix(struct file *file)
{
	struct socket *sock = sock_from_file(file);

	return sock && sock->sk && sock->sk->sk_family == AF_UNIX;
}

/* The peer of @sk, with a reference, or NULL. */
static struct sock *ckpt_unix_peer_get(struct sock *sk)
{
	struct sock *peer;

	unix_state_lock(sk);
	peer = unix_peer(sk);
	if (peer)
		sock_hold(peer);
	unix_state_unlock(sk);
	return peer;
}

/* The file of @sk if it is alive, without a reference: to compare only. */
static struct file *ckpt_unix_file(struct sock *sk)
{
	struct file *file = NULL;

	read_lock_bh(&sk->sk_callback_lock);
	if (!sock_flag(sk, SOCK_DEAD) && sk->sk_socket)
		file = sk->sk_socket->file;
	read_unlock_bh(&sk->sk_callback_lock);
	return file;
}

/**
 * ckpt_check_unix() - refuse a unix socket whose peer is outside the group
 * @ctx: the checkpoint
 * @hs:  the files of the group that hold kernel state (files.c), each
 *       referenced by the group only (checked before)
 * @i:   the entry of @hs to check, a unix socket
 *
 * Return: 0, or -EOPNOTSUPP with the reason.
 */
int ckpt_check_unix(struct ckpt_ctx *ctx, const struct ckpt_held_set *hs,
		    unsigned int i)
{
	const struct ckpt_held *h = &hs->h[i];
	struct sock *peer;
	struct file *pfile;
	unsigned int j;

	peer = ckpt_unix_peer_get(sock_from_file(h->file)->sk);
	if (!peer)
		return 0;
	pfile = ckpt_unix_file(peer);
	sock_put(peer);
	if (!pfile)
		return 0;
	for (j = 0; j < hs->nr; j++)
		if (hs->h[j].file == pfile)
			return 0;
	return ckpt_fail(ctx, -EOPNOTSUPP,
			 "pid %d fd %u: unix socket whose peer is held only outside the group; not supported yet",
			 h->pid, h->fd);
}

static int ckpt_unix_refuse(struct ckpt_ctx *ctx, struct task_struct *t,
			    int fd, const char *why)
{
	return ckpt_fail(ctx, -EOPNOTSUPP, "pid %d fd %d: unix socket %s; not supported yet",
			 task_pid_vnr(t), fd, why);
}

/* Copy the receive queue of @sk; the group is frozen. */
static int ckpt_unix_read_queue(struct ckpt_ctx *ctx, struct task_struct *t,
				int fd, struct sock *sk,
				struct ckpt_unix_queue *q)
{
	bool stream = sk->sk_type == SOCK_STREAM;
	struct sk_buff_head *head = &sk->sk_receive_queue;
	u32 nr = 0, bytes = 0, off = 0, n = 0;
	const char *why = NULL;
	struct sk_buff *skb;
	int ret = 0;

	spin_lock(&head->lock);
	skb_queue_walk(head, skb) {
		u32 len = stream ? skb->len - UNIXCB(skb).consumed : skb->len;

		if (UNIXCB(skb).fp)
			why = "with file descriptors in flight (SCM_RIGHTS)";
		else if (!stream && len > CKPT_UNIX_CHUNK)
			why = "with a queued message larger than an image record";
		bytes += len;
		nr++;
	}
	spin_unlock(&head->lock);
	if (why)
		return ckpt_unix_refuse(ctx, t, fd, why);
	if (bytes > CKPT_UNIX_MAX_QUEUED)
		return ckpt_unix_refuse(ctx, t, fd, "with more than 64 MiB queued");
	if (stream)
		nr = DIV_ROUND_UP(bytes, CKPT_UNIX_CHUNK);
	if (!nr)
		return 0;
	q->buf = kvmalloc(bytes ?: 1, GFP_KERNEL);
	q->lens = kvmalloc_array(nr, sizeof(*q->lens), GFP_KERNEL);
	if (!q->buf || !q->lens)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");

	spin_lock(&head->lock);
	skb_queue_walk(head, skb) {
		u32 start = stream ? UNIXCB(skb).consumed : 0;
		u32 len = skb->len - start;

		if (off + len > bytes || (!stream && n == nr) ||
		    skb_copy_bits(skb, start, q->buf + off, len)) {
			ret = -EAGAIN;
			break;
		}
		if (!stream)
			q->lens[n++] = len;
		off += len;
	}
	spin_unlock(&head->lock);
	if (ret || off != bytes)
		return ckpt_fail(ctx, -EAGAIN,
				 "pid %d fd %d: unix socket queue changed while frozen",
				 task_pid_vnr(t), fd);
	for (n = 0; stream && n < nr; n++)
		q->lens[n] = min_t(u32, bytes - n * CKPT_UNIX_CHUNK, CKPT_UNIX_CHUNK);
	q->nr = nr;
	q->bytes = bytes;
	return 0;
}

static void ckpt_unix_end(struct ckpt_unix_end *e, struct sock *sk,
			  struct file *file, u32 id, u32 nr_msgs)
{
	u32 opts = 0;

	if (sk->sk_socket && test_bit(SOCK_PASSCRED, &sk->sk_socket->flags))
		opts |= CKPT_UNIX_PASSCRED;
	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		opts |= CKPT_UNIX_SNDBUF_LOCK;
	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		opts |= CKPT_UNIX_RCVBUF_LOCK;
	e->id = cpu_to_le32(id);
	e->flags = cpu_to_le32(file ? file->f_flags : 0);
	e->shutdown = cpu_to_le32(READ_ONCE(sk->sk_shutdown));
	e->opts = cpu_to_le32(opts);
	e->sndbuf = cpu_to_le32(READ_ONCE(sk->sk_sndbuf));
	e->rcvbuf = cpu_to_le32(READ_ONCE(sk->sk_rcvbuf));
	e->nr_msgs = cpu_to_le32(nr_msgs);
}

static int ckpt_unix_write_queue(struct ckpt_ctx *ctx, u32 end,
				 struct ckpt_unix_queue *q)
{
	struct ckpt_unix_data d = { .end = cpu_to_le32(end) };
	u32 i, off = 0;
	int ret = 0;

	for (i = 0; !ret && i < q->nr; i++) {
		d.len = cpu_to_le32(q->lens[i]);
		ret = ckpt_write2(ctx, &d, CKPT_REC_UNIX_DATA, sizeof(d),
				  q->buf + off, q->lens[i]);
		off += q->lens[i];
	}
	return ret;
}

/**
 * ckpt_dump_unix() - write an AF_UNIX socket and its peer, once
 * @ctx:  the checkpoint
 * @t:    the task using it (named in a refusal)
 * @fd:   the fd it is used through
 * @file: the socket's file, just added to the object table
 * @id:   its object id
 *
 * Return: 0, or -EOPNOTSUPP with the reason for what cannot be restored,
 * or another negative errno.
 */
int ckpt_dump_unix(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
		   struct file *file, u32 id)
{
	struct sock *sk = sock_from_file(file)->sk, *peer;
	struct ckpt_unix_queue q[2] = { };
	struct file *pfile = NULL;
	struct ckpt_unix r = { };
	u32 pid = 0, type = sk->sk_type;
	bool new;
	int ret;

	if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET)
		return ckpt_unix_refuse(ctx, t, fd, "of an unknown type");
	if (unix_sk(sk)->addr)
		return ckpt_unix_refuse(ctx, t, fd, "with an address (bound or listening)");
#if IS_ENABLED(CONFIG_AF_UNIX_OOB)
	if (READ_ONCE(unix_sk(sk)->oob_skb))
		return ckpt_unix_refuse(ctx, t, fd, "with out-of-band data queued");
#endif
	peer = ckpt_unix_peer_get(sk);
	if (peer) {
		ret = -EOPNOTSUPP;
		if (unix_sk(peer)->addr)
			ret = ckpt_unix_refuse(ctx, t, fd, "connected to a bound socket");
		else if (!sock_flag(peer, SOCK_DEAD) && unix_peer(peer) != sk)
			ret = ckpt_unix_refuse(ctx, t, fd,
					       "connected to a socket that is not connected back");
		else
			ret = 0;
		if (ret)
			goto out;
		/*
		 * ckpt_check_unix() saw a live peer's file held by the group,
		 * which is frozen: the file stays.
		 */
		pfile = ckpt_unix_file(peer);
		if (pfile) {
			pid = ckpt_obj_lookup_file(ctx, pfile, &new);
			if (!pid) {
				ret = ckpt_fail(ctx, -ENOMEM, "out of memory");
				goto out;
			}
		}
		r.flags = cpu_to_le32(CKPT_UNIX_PAIR);
		ret = ckpt_unix_read_queue(ctx, t, fd, peer, &q[1]);
		if (ret)
			goto out;
	}
	ret = ckpt_unix_read_queue(ctx, t, fd, sk, &q[0]);
	if (ret)
		goto out;
	if (!peer && q[0].nr) {
		ret = ckpt_unix_refuse(ctx, t, fd, "unconnected, with data queued");
		goto out;
	}

	r.type = cpu_to_le32(type);
	ckpt_unix_end(&r.end[0], sk, file, id, q[0].nr);
	if (peer)
		ckpt_unix_end(&r.end[1], peer, pfile, pid, q[1].nr);
	ret = ckpt_write(ctx, &r, CKPT_REC_UNIX, sizeof(r));
	if (!ret)
		ret = ckpt_unix_write_queue(ctx, 0, &q[0]);
	if (!ret)
		ret = ckpt_unix_write_queue(ctx, 1, &q[1]);
out:
	if (peer)
		sock_put(peer);
	kvfree(q[0].buf);
	kvfree(q[0].lens);
	kvfree(q[1].buf);
	kvfree(q[1].lens);
	return ret;
}

/* Queue one end's bytes again, sent by the other end @from. */
static int ckpt_unix_refill(struct ckpt_rtask *rt, struct socket *from,
			    u32 end, u32 nr)
{
	bool stream = from->sk->sk_type == SOCK_STREAM;
	struct ckpt_ctx *ctx = rt->ctx;
	struct ckpt_unix_data *d = ctx->rbuf;
	struct ckpt_hdr rec;
	struct kvec iov;
	u32 i, len;
	int ret;

	for (i = 0; i < nr; i++) {
		struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };

		ret = ckpt_read_rec(ctx, &rec);
		if (ret)
			return ret;
		if (rec.type != CKPT_REC_UNIX_DATA || rec.len < sizeof(*d))
			goto bad;
		ret = ckpt_read_payload(ctx, (void *)d + sizeof(rec),
					rec.len - sizeof(rec));
		if (ret)
			return ret;
		len = le32_to_cpu(d->len);
		if (le32_to_cpu(d->end) != end || (stream && !len) ||
		    len > CKPT_UNIX_CHUNK || rec.len != sizeof(*d) + len)
			goto bad;
		iov.iov_base = d->data;
		iov.iov_len = len;
		ret = kernel_sendmsg(from, &msg, &iov, 1, len);
		if (ret != len)
			return ckpt_fail(ctx, ret < 0 ? ret : -ENOBUFS,
					 "pid %d: cannot queue %u bytes to a unix socket again (error %d)",
					 rt->pid, len, ret);
	}
	return 0;
bad:
	return ckpt_fail(ctx, -EINVAL, "image: pid %d: malformed unix socket data",
			 rt->pid);
}

static void ckpt_unix_opts(struct socket *sock, const struct ckpt_unix_end *e)
{
	struct sock *sk = sock->sk;
	u32 opts = le32_to_cpu(e->opts);

	lock_sock(sk);
	if (opts & CKPT_UNIX_PASSCRED)
		set_bit(SOCK_PASSCRED, &sock->flags);
	WRITE_ONCE(sk->sk_sndbuf, max_t(u32, le32_to_cpu(e->sndbuf), SOCK_MIN_SNDBUF));
	WRITE_ONCE(sk->sk_rcvbuf, max_t(u32, le32_to_cpu(e->rcvbuf), SOCK_MIN_RCVBUF));
	if (opts & CKPT_UNIX_SNDBUF_LOCK)
		sk->sk_userlocks |= SOCK_SNDBUF_LOCK;
	if (opts & CKPT_UNIX_RCVBUF_LOCK)
		sk->sk_userlocks |= SOCK_RCVBUF_LOCK;
	release_sock(sk);
}

static bool ckpt_unix_end_ok(const struct ckpt_unix_end *e)
{
	return !e->__reserved && le32_to_cpu(e->shutdown) <= SHUTDOWN_MASK &&
	       !(le32_to_cpu(e->opts) & ~(CKPT_UNIX_PASSCRED |
					  CKPT_UNIX_SNDBUF_LOCK |
					  CKPT_UNIX_RCVBUF_LOCK)) &&
	       le32_to_cpu(e->sndbuf) <= INT_MAX / 2 &&
	       le32_to_cpu(e->rcvbuf) <= INT_MAX / 2;
}

/**
 * ckpt_restore_unix() - make an AF_UNIX socket (pair) of the image again
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_UNIX, followed in the stream by its data records
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno with its reason.
 */
int ckpt_restore_unix(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_unix r;
	struct socket *sock[2] = { };
	bool pair;
	u32 type, i;
	int ret;

	if (len != sizeof(r))
		goto bad;
	memcpy(&r, rec, sizeof(r));	/* the data records reuse the buffer */
	type = le32_to_cpu(r.type);
	pair = le32_to_cpu(r.flags) & CKPT_UNIX_PAIR;
	if ((type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET) ||
	    (le32_to_cpu(r.flags) & ~CKPT_UNIX_PAIR) || !r.end[0].id ||
	    r.end[0].id == r.end[1].id || !ckpt_unix_end_ok(&r.end[0]) ||
	    !ckpt_unix_end_ok(&r.end[1]) ||
	    (!pair && (r.end[0].nr_msgs || r.end[1].id || r.end[1].nr_msgs)))
		goto bad;

	for (i = 0; i < (pair ? 2 : 1); i++) {
		ret = sock_create(AF_UNIX, type, 0, &sock[i]);
		if (ret) {
			ckpt_fail(rt->ctx, ret, "pid %d: cannot create a unix socket (error %d)",
				  rt->pid, ret);
			goto out;
		}
		ckpt_unix_opts(sock[i], &r.end[i]);
	}
	if (pair) {
		ret = sock[0]->ops->socketpair(sock[0], sock[1]);
		if (ret) {
			ckpt_fail(rt->ctx, ret,
				  "pid %d: cannot connect a unix socket pair (error %d)",
				  rt->pid, ret);
			goto out;
		}
		ret = ckpt_unix_refill(rt, sock[1], 0, le32_to_cpu(r.end[0].nr_msgs));
		if (!ret)
			ret = ckpt_unix_refill(rt, sock[0], 1,
					       le32_to_cpu(r.end[1].nr_msgs));
		if (ret)
			goto out;
	}
	for (i = 0; i < (pair ? 2 : 1); i++) {
		u32 how = le32_to_cpu(r.end[i].shutdown);

		/* SHUT_RD, SHUT_WR, SHUT_RDWR are the bits minus one. */
		if (how && r.end[i].id) {
			ret = kernel_sock_shutdown(sock[i], how - 1);
			if (ret) {
				ckpt_fail(rt->ctx, ret,
					  "pid %d: cannot shut a unix socket down (error %d)",
					  rt->pid, ret);
				goto out;
			}
		}
	}
	for (i = 0; i < 2; i++) {
		u32 id = le32_to_cpu(r.end[i].id);
		struct file *file;

		if (!sock[i] || !id)
			continue;
		file = sock_alloc_file(sock[i], le32_to_cpu(r.end[i].flags) & O_NONBLOCK,
				       NULL);
		sock[i] = NULL;		/* released with the file, or by it */
		if (IS_ERR(file)) {
			ret = ckpt_fail(rt->ctx, PTR_ERR(file), "out of memory");
			goto out;
		}
		ret = ckpt_obj_add_file(rt->ctx, id, file);
		if (ret)
			goto out;
	}
	ret = 0;
out:
	/* An end closed at checkpoint, or all on failure. */
	for (i = 0; i < 2; i++)
		if (sock[i])
			sock_release(sock[i]);
	return ret;
bad:
	return ckpt_fail(rt->ctx, -EINVAL, "image: pid %d: malformed unix socket record",
			 rt->pid);
}
