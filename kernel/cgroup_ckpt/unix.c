// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: AF_UNIX sockets.
 *
 * A socket is one object written once, when the first of its files is
 * met, together with its peer if the two are connected to each other (a
 * socketpair(), or a stream accepted from a listener and its client): the
 * type, each end's file flags, name, shutdown state, buffer sizes and
 * options, a listener's backlog, and the messages queued to each end,
 * read from the receive queues without consuming them (the group is
 * frozen, nothing reads or writes them).  Files passed in a queued
 * message (SCM_RIGHTS) are written as objects first, and the message
 * names their ids.  Both files get their object ids; the fds and the
 * other tasks that use them refer to those ids.
 *
 * Restart binds the names an end owned (a socket file left at a path by
 * a socket that no longer lives is removed first), makes a pair with the
 * family's own ->socketpair() and gives an accepted end the name of its
 * listener back, listens again, queues the messages again by sending them
 * from the other end (or, to a lone bound datagram socket, from a socket
 * of its own, by name) with their files installed for the time of the
 * send, applies shutdown, and closes an end whose file had been closed,
 * as its owner once did.  A datagram socket connected to a named socket
 * connects again by name once every record is read, so that sockets of
 * the group restored later are there.  A failed restart removes the
 * socket files it made.
 *
 * Refused: a peer whose file is held only outside the group (checked with
 * the other files that hold kernel state, held.c), a connection waiting
 * in a listener's queue, unix sockets in flight, a name on a relative or
 * removed path, out-of-band data.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/net.h>
#include <linux/pipe_fs_i.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/un.h>
#include <net/af_unix.h>
#include <net/scm.h>
#include <net/sock.h>
#include "ckpt.h"

static_assert(sizeof(struct ckpt_unix) == 24 + 2 * 32);
static_assert(sizeof(struct ckpt_unix_data) == 24);
static_assert(sizeof_field(struct sockaddr_un, sun_path) == CKPT_UNIX_NAME_MAX);
static_assert(CKPT_UNIX_MAX_FDS == SCM_MAX_FD);

/* Bytes of stream per CKPT_REC_UNIX_DATA; largest message. */
#define CKPT_UNIX_CHUNK		(CKPT_REC_MAX_LEN - sizeof(struct ckpt_unix_data) - \
				 CKPT_UNIX_MAX_FDS * sizeof(__le32))
/* Most bytes queued to one end that a checkpoint takes. */
#define CKPT_UNIX_MAX_QUEUED	(64 << 20)
#define CKPT_UNIX_OPTS		(CKPT_UNIX_PASSCRED | CKPT_UNIX_SNDBUF_LOCK | \
				 CKPT_UNIX_RCVBUF_LOCK | CKPT_UNIX_BOUND)
#define CKPT_UNIX_FLAGS		(CKPT_UNIX_PAIR | CKPT_UNIX_LISTEN | CKPT_UNIX_CONNECT)

/* One end's receive queue, copied out. */
struct ckpt_unix_queue {
	u8		*buf;
	u32		*lens;		/* bytes of each record */
	u32		*nfds;		/* files passed with each record */
	struct file	**files;	/* those files, referenced, in order */
	u32		*ids;		/* their object ids */
	u32		nr;		/* records */
	u32		nr_files;
	u32		bytes;
};

/* A name as the kernel keeps sun_path: a path and its NUL, or abstract. */
struct ckpt_unix_name {
	u32	len;
	bool	bound;			/* bound to it, not accepted from it */
	u8	b[CKPT_UNIX_NAME_MAX];
};

/**
 * struct ckpt_runix - what restart still has to do for a socket
 * @node:	in the list of ckpt_unix_later()
 * @pid:	the task that made it (named in a reason)
 * @file:	CKPT_UNIX_CONNECT: the socket to connect, referenced
 * @path:	the socket file its bind made, to remove if the restart fails
 * @peer:	CKPT_UNIX_CONNECT: the name to connect to
 */
struct ckpt_runix {
	struct list_head	node;
	pid_t			pid;
	struct file		*file;
	struct path		path;
	struct ckpt_unix_name	peer;
};

/*
 * The sockets a restart connects at its end, or whose names it removes if
 * it fails (struct ckpt_runix), in ctx->priv: added to by the task reading
 * the image, one at a time; read by the restarter once all are read.
 */
static struct list_head *ckpt_unix_later(struct ckpt_ctx *ctx, bool add)
{
	struct list_head **l = (struct list_head **)&ctx->priv[CKPT_RES_ID_unix];

	if (!*l && add) {
		*l = kmalloc(sizeof(**l), GFP_KERNEL);
		if (*l)
			INIT_LIST_HEAD(*l);
	}
	return *l;
}

/**
 * ckpt_is_unix() - is @file an AF_UNIX socket
 * @file: an open file
 *
 * Return: true if it is.
 */
static bool ckpt_is_unix(struct file *file)
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

/* The inode number of @sk's socket, as "socket:[I]" names it, or 0. */
static unsigned long ckpt_unix_ino(struct sock *sk)
{
	struct socket *sock = READ_ONCE(sk->sk_socket);

	return sock ? SOCK_INODE(sock)->i_ino : 0;
}

/**
 * ckpt_check_unix() - refuse a unix socket whose peer is outside the group
 * @ctx: the checkpoint
 * @hs:  the files of the group that hold kernel state (held.c), each
 *       referenced by the group only (checked before)
 * @i:   the entry of @hs to check, a unix socket
 *
 * Return: 0, or -EOPNOTSUPP with the reason.
 */
static int ckpt_check_unix(struct ckpt_ctx *ctx, struct ckpt_held_set *hs,
			   unsigned int i)
{
	const struct ckpt_held *h = &hs->h[i];
	struct sock *sk = sock_from_file(h->file)->sk, *peer;
	struct file *pfile;
	unsigned int j;
	bool named;

	peer = ckpt_unix_peer_get(sk);
	if (!peer)
		return 0;
	pfile = ckpt_unix_file(peer);
	/* as unix_getname(): pairs with the release of bind() */
	named = smp_load_acquire(&unix_sk(peer)->addr);
	/* Connected one way to a name: connects again by name. */
	if (sk->sk_type == SOCK_DGRAM && unix_peer(peer) != sk && named)
		pfile = NULL;
	sock_put(peer);
	if (!pfile)
		return 0;
	for (j = 0; j < hs->nr; j++)
		if (hs->h[j].file == pfile)
			return 0;
	return ckpt_fail(ctx, -EOPNOTSUPP,
			 "pid %d fd %u: socket:[%lu]: a unix socket whose peer is held only outside the group; not supported yet; close it before the checkpoint",
			 h->pid, h->fd, ckpt_unix_ino(sk));
}

/**
 * ckpt_unix_held_inflight() - count the files in flight to a unix socket
 * @ctx: the checkpoint
 * @hs:  the files of the group that hold kernel state (held.c)
 * @i:   the entry of @hs of a unix socket of the group
 *
 * A file passed in a message queued to a socket of the group is
 * referenced by the group: those of kinds that @hs holds are counted
 * there, under the pid and fd of the socket.  A unix socket in flight is
 * refused (it may be in flight to itself).
 *
 * Return: 0, or -EOPNOTSUPP with the reason, or another negative errno.
 */
static int ckpt_unix_held_inflight(struct ckpt_ctx *ctx, struct ckpt_held_set *hs,
				   unsigned int i)
{
	struct sock *sk = sock_from_file(hs->h[i].file)->sk;
	struct sk_buff_head *head = &sk->sk_receive_queue;
	pid_t pid = hs->h[i].pid;
	unsigned int fd = hs->h[i].fd;
	struct file **files;
	struct sk_buff *skb;
	u32 nr = 0, n = 0, k;
	int ret = 0;

	spin_lock(&head->lock);
	skb_queue_walk(head, skb)
		nr += UNIXCB(skb).fp ? UNIXCB(skb).fp->count : 0;
	spin_unlock(&head->lock);
	if (!nr)
		return 0;
	files = kvmalloc_array(nr, sizeof(*files), GFP_KERNEL);
	if (!files)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	spin_lock(&head->lock);
	skb_queue_walk(head, skb) {
		struct scm_fp_list *fp = UNIXCB(skb).fp;

		for (k = 0; fp && k < fp->count && n < nr; k++)
			files[n++] = get_file(fp->fp[k]);
	}
	spin_unlock(&head->lock);

	for (k = 0; k < n; k++) {
		const struct ckpt_file_ops *ops = NULL;
		struct pipe_inode_info *pipe = NULL;
		struct file *file = files[k];

		if (!ret)
			ops = ckpt_held_kind(ctx, NULL, fd, file, &pipe);
		if (!ops) {
			fput(file);
		} else if (ckpt_is_unix(file)) {
			fput(file);
			ret = ckpt_fail(ctx, -EOPNOTSUPP,
					"pid %d fd %u: socket:[%lu]: a unix socket with a unix socket in flight (SCM_RIGHTS); not supported; close it before the checkpoint",
					pid, fd, ckpt_unix_ino(sk));
		} else if (ckpt_held_add(hs, file, ops, pipe, pid, fd)) {
			ret = ckpt_fail(ctx, -ENOMEM, "out of memory");
		}
	}
	kvfree(files);
	return ret;
}

/*
 * "pid 5 fd 3: socket:[1234]: a unix socket bound to ...; not supported
 * yet; close it before the checkpoint": no class of ckpt.exclude covers
 * unix sockets, which are IPC within the group.
 */
static int ckpt_unix_refuse(struct ckpt_ctx *ctx, struct task_struct *t,
			    int fd, struct sock *sk, const char *why)
{
	return ckpt_fail(ctx, -EOPNOTSUPP,
			 "pid %d fd %d: socket:[%lu]: a unix socket %s; not supported yet; close it before the checkpoint",
			 task_pid_vnr(t), fd, ckpt_unix_ino(sk), why);
}

/* @n for a reason: the path, or @ and the abstract name escaped. */
static const char *ckpt_unix_name_str(const struct ckpt_unix_name *n,
				      char *buf, size_t size)
{
	if (n->b[0])
		snprintf(buf, size, "%s", n->b);
	else
		snprintf(buf, size, "@%*pE", (int)n->len - 1, n->b + 1);
	return buf;
}

/*
 * The name of @sk, if it has one.  Bound sockets are in the table of path
 * names (sk_bind_node) or hashed as abstract ones; an accepted socket
 * shares its listener's name, bound to neither.
 */
static int ckpt_unix_get_name(struct ckpt_ctx *ctx, struct task_struct *t,
			      int fd, struct sock *sk, struct ckpt_unix_name *n)
{
	/* pairs with the release of bind() and connect(), as in unix_getname() */
	struct unix_address *addr = smp_load_acquire(&unix_sk(sk)->addr);
	char why[200], name[CKPT_UNIX_NAME_MAX * 4 + 2];
	struct dentry *dentry;
	bool removed;
	u32 len;

	n->len = 0;
	n->bound = false;
	if (!addr)
		return 0;
	len = addr->len - offsetof(struct sockaddr_un, sun_path);
	if (addr->len <= offsetof(struct sockaddr_un, sun_path) ||
	    len > CKPT_UNIX_NAME_MAX)
		return ckpt_unix_refuse(ctx, t, fd, sk, "with a name of a bad length");
	memcpy(n->b, addr->name->sun_path, len);
	n->len = len;
	if (!n->b[0]) {
		n->bound = sk->sk_hash > UNIX_HASH_MOD;
		return 0;
	}
	if (n->b[len - 1] || strnlen(n->b, len) != len - 1)
		return ckpt_unix_refuse(ctx, t, fd, sk, "with a malformed path name");
	n->bound = !hlist_unhashed(&sk->sk_bind_node);
	if (!n->bound || sock_flag(sk, SOCK_DEAD))
		return 0;
	if (n->b[0] != '/') {
		snprintf(why, sizeof(why), "bound to a relative path (%s)",
			 ckpt_unix_name_str(n, name, sizeof(name)));
		return ckpt_unix_refuse(ctx, t, fd, sk, why);
	}
	unix_state_lock(sk);
	dentry = unix_sk(sk)->path.dentry;
	removed = !dentry || d_unlinked(dentry);
	unix_state_unlock(sk);
	if (removed) {
		snprintf(why, sizeof(why), "bound to a path that was removed (%s)",
			 ckpt_unix_name_str(n, name, sizeof(name)));
		return ckpt_unix_refuse(ctx, t, fd, sk, why);
	}
	return 0;
}

static void ckpt_unix_queue_free(struct ckpt_unix_queue *q)
{
	u32 i;

	for (i = 0; i < q->nr_files; i++)
		fput(q->files[i]);
	kvfree(q->buf);
	kvfree(q->lens);
	kvfree(q->nfds);
	kvfree(q->files);
	kvfree(q->ids);
}

/* Where the copy of a receive queue is: room for it, room used. */
struct ckpt_unix_cur {
	u32	nr, bytes, nfiles;	/* messages, bytes and files counted */
	u32	n, off, f;		/* ... copied */
	bool	open;			/* message n - 1 takes more stream */
};

/* Copy one skb of the queue; -EAGAIN if it does not fit what was counted. */
static int ckpt_unix_copy_skb(struct sk_buff *skb, bool stream,
			      struct ckpt_unix_queue *q, struct ckpt_unix_cur *c)
{
	u32 start = stream ? UNIXCB(skb).consumed : 0;
	u32 len = skb->len - start, take, k;
	struct scm_fp_list *fp = UNIXCB(skb).fp;
	u32 cnt = fp ? fp->count : 0;

	if (c->off + len > c->bytes || c->f + cnt > c->nfiles || c->n == c->nr ||
	    skb_copy_bits(skb, start, q->buf + c->off, len))
		return -EAGAIN;
	for (k = 0; k < cnt; k++)
		q->files[c->f++] = get_file(fp->fp[k]);
	/* A message, or a piece of stream that carried files: whole. */
	if (!stream || cnt) {
		q->lens[c->n] = len;
		q->nfds[c->n++] = cnt;
		c->off += len;
		c->open = false;
		return 0;
	}
	while (len) {
		if (!c->open || q->lens[c->n - 1] == CKPT_UNIX_CHUNK) {
			if (c->n == c->nr)
				return -EAGAIN;
			q->lens[c->n] = 0;
			q->nfds[c->n++] = 0;
			c->open = true;
		}
		take = min_t(u32, len, CKPT_UNIX_CHUNK - q->lens[c->n - 1]);
		q->lens[c->n - 1] += take;
		c->off += take;
		len -= take;
	}
	return 0;
}

/* Count what the receive queue of @sk holds; a reason if it cannot be. */
static const char *ckpt_unix_count_queue(struct sock *sk,
					 struct ckpt_unix_cur *c)
{
	bool stream = sk->sk_type == SOCK_STREAM;
	struct sk_buff_head *head = &sk->sk_receive_queue;
	const char *why = NULL;
	struct sk_buff *skb;

	spin_lock(&head->lock);
	skb_queue_walk(head, skb) {
		u32 len = stream ? skb->len - UNIXCB(skb).consumed : skb->len;
		struct scm_fp_list *fp = UNIXCB(skb).fp;

		if ((!stream || fp) && len > CKPT_UNIX_CHUNK)
			why = fp ? "with a message with files larger than an image record" :
				   "with a queued message larger than an image record";
		c->nfiles += fp ? fp->count : 0;
		c->nr += stream ? (fp ? 2 : 0) : 1;
		c->bytes += len;
	}
	spin_unlock(&head->lock);
	if (!why && c->bytes > CKPT_UNIX_MAX_QUEUED)
		why = "with more than 64 MiB queued";
	/* a stream: pieces of runs without files, and each message with */
	if (stream && c->bytes)
		c->nr += DIV_ROUND_UP(c->bytes, CKPT_UNIX_CHUNK) + 1;
	return why;
}

/* Copy the receive queue of @sk; the group is frozen. */
static int ckpt_unix_read_queue(struct ckpt_ctx *ctx, struct task_struct *t,
				int fd, struct sock *sk,
				struct ckpt_unix_queue *q)
{
	struct sk_buff_head *head = &sk->sk_receive_queue;
	struct ckpt_unix_cur c = { };
	struct sk_buff *skb;
	const char *why;
	int ret = 0;
	u32 k;

	why = ckpt_unix_count_queue(sk, &c);
	if (why)
		return ckpt_unix_refuse(ctx, t, fd, sk, why);
	if (!c.nr)
		return 0;
	q->buf = kvmalloc(c.bytes ?: 1, GFP_KERNEL);
	q->lens = kvmalloc_array(c.nr, sizeof(*q->lens), GFP_KERNEL);
	q->nfds = kvmalloc_array(c.nr, sizeof(*q->nfds), GFP_KERNEL);
	q->files = kvmalloc_array(c.nfiles ?: 1, sizeof(*q->files), GFP_KERNEL);
	q->ids = kvmalloc_array(c.nfiles ?: 1, sizeof(*q->ids), GFP_KERNEL);
	if (!q->buf || !q->lens || !q->nfds || !q->files || !q->ids)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");

	spin_lock(&head->lock);
	skb_queue_walk(head, skb) {
		ret = ckpt_unix_copy_skb(skb, sk->sk_type == SOCK_STREAM, q, &c);
		if (ret)
			break;
	}
	spin_unlock(&head->lock);
	q->nr_files = c.f;
	if (ret || c.off != c.bytes || c.f != c.nfiles)
		return ckpt_fail(ctx, -EAGAIN,
				 "pid %d fd %d: unix socket queue changed while frozen; try again",
				 task_pid_vnr(t), fd);
	q->nr = c.n;
	q->bytes = c.bytes;

	/* The files in flight, defined before the socket that holds them. */
	for (k = 0; k < c.f; k++) {
		if (ckpt_is_unix(q->files[k]))
			return ckpt_unix_refuse(ctx, t, fd, sk,
						"with a unix socket in flight (SCM_RIGHTS)");
		ret = ckpt_dump_file(ctx, t, fd, q->files[k], &q->ids[k]);
		if (ret)
			return ret;
	}
	return 0;
}

static void ckpt_unix_end(struct ckpt_unix_end *e, struct sock *sk,
			  struct file *file, u32 id, u32 nr_msgs,
			  const struct ckpt_unix_name *n)
{
	u32 opts = 0;

	if (sk->sk_socket && test_bit(SOCK_PASSCRED, &sk->sk_socket->flags))
		opts |= CKPT_UNIX_PASSCRED;
	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		opts |= CKPT_UNIX_SNDBUF_LOCK;
	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		opts |= CKPT_UNIX_RCVBUF_LOCK;
	if (n->bound)
		opts |= CKPT_UNIX_BOUND;
	e->id = cpu_to_le32(id);
	e->flags = cpu_to_le32(file ? file->f_flags : 0);
	e->shutdown = cpu_to_le32(READ_ONCE(sk->sk_shutdown));
	e->opts = cpu_to_le32(opts);
	e->sndbuf = cpu_to_le32(READ_ONCE(sk->sk_sndbuf));
	e->rcvbuf = cpu_to_le32(READ_ONCE(sk->sk_rcvbuf));
	e->nr_msgs = cpu_to_le32(nr_msgs);
	e->addr_len = cpu_to_le32(n->len);
}

static int ckpt_unix_write_queue(struct ckpt_ctx *ctx, u32 end,
				 struct ckpt_unix_queue *q)
{
	struct ckpt_unix_data *d;
	u32 i, k, off = 0, f = 0;
	int ret = 0;

	if (!q->nr)
		return 0;
	d = kzalloc(sizeof(*d) + CKPT_UNIX_MAX_FDS * sizeof(__le32), GFP_KERNEL);
	if (!d)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	d->end = cpu_to_le32(end);
	for (i = 0; !ret && i < q->nr; i++) {
		__le32 *ids = (__le32 *)d->data;

		d->len = cpu_to_le32(q->lens[i]);
		d->nr_fds = cpu_to_le32(q->nfds[i]);
		for (k = 0; k < q->nfds[i]; k++)
			ids[k] = cpu_to_le32(q->ids[f++]);
		ret = ckpt_write2(ctx, d, CKPT_REC_UNIX_DATA,
				  sizeof(*d) + q->nfds[i] * sizeof(__le32),
				  q->buf + off, q->lens[i]);
		off += q->lens[i];
	}
	kfree(d);
	return ret;
}

/* A socket being written: its names, the queues of its ends. */
struct ckpt_unix_dmp {
	struct ckpt_unix_name	n[3];	/* end 0's, end 1's, end 0's peer's */
	u8			abuf[3 * CKPT_UNIX_NAME_MAX];
	struct ckpt_unix_queue	q[2];
	struct file		*pfile;	/* end 1's, if the group holds it */
	u32			pid;	/* its object id */
	u32			flags;	/* CKPT_UNIX_* */
};

/* What the socket @sk is connected to: a pair, or a name. */
static int ckpt_unix_dump_peer(struct ckpt_ctx *ctx, struct task_struct *t,
			       int fd, struct sock *sk, struct sock *peer,
			       struct ckpt_unix_dmp *d)
{
	bool dead = sock_flag(peer, SOCK_DEAD), new;
	int ret = 0;

	if (!dead && !peer->sk_socket) {
		return ckpt_unix_refuse(ctx, t, fd, sk,
					"connected to a listener that did not accept it yet");
	} else if (!dead && unix_peer(peer) != sk && sk->sk_type == SOCK_DGRAM) {
		ret = ckpt_unix_get_name(ctx, t, fd, peer, &d->n[2]);
		if (!ret && !d->n[2].bound)
			ret = ckpt_unix_refuse(ctx, t, fd, sk,
					       "connected to an unnamed socket that is not connected back");
		d->flags |= CKPT_UNIX_CONNECT;
		return ret;
	} else if (!dead && unix_peer(peer) != sk) {
		return ckpt_unix_refuse(ctx, t, fd, sk,
					"connected to a socket that is not connected back");
	}
	d->flags |= CKPT_UNIX_PAIR;
	ret = ckpt_unix_get_name(ctx, t, fd, peer, &d->n[1]);
	/* a closed end keeps its name for getpeername() only */
	d->n[1].bound &= !dead;
	if (ret)
		return ret;
	/*
	 * ckpt_check_unix() saw a live peer's file held by the group, which
	 * is frozen: the file stays.
	 */
	d->pfile = ckpt_unix_file(peer);
	if (d->pfile) {
		d->pid = ckpt_obj_lookup_file(ctx, d->pfile, &new);
		if (!d->pid)
			return ckpt_fail(ctx, -ENOMEM, "out of memory");
	}
	return ckpt_unix_read_queue(ctx, t, fd, peer, &d->q[1]);
}

/* The record of the socket @sk (and of its peer in a pair), its data. */
static int ckpt_unix_dump_write(struct ckpt_ctx *ctx, struct sock *sk,
				struct sock *peer, struct file *file, u32 id,
				struct ckpt_unix_dmp *d, struct ckpt_unix *r)
{
	u32 i, alen = 0;
	int ret;

	r->type = cpu_to_le32(sk->sk_type);
	r->flags = cpu_to_le32(d->flags);
	r->peer_len = cpu_to_le32(d->n[2].len);
	ckpt_unix_end(&r->end[0], sk, file, id, d->q[0].nr, &d->n[0]);
	if (d->flags & CKPT_UNIX_PAIR)
		ckpt_unix_end(&r->end[1], peer, d->pfile, d->pid, d->q[1].nr,
			      &d->n[1]);
	for (i = 0; i < 3; i++) {
		memcpy(d->abuf + alen, d->n[i].b, d->n[i].len);
		alen += d->n[i].len;
	}
	ret = ckpt_write2(ctx, r, CKPT_REC_UNIX, sizeof(*r), d->abuf, alen);
	if (!ret)
		ret = ckpt_unix_write_queue(ctx, 0, &d->q[0]);
	if (!ret)
		ret = ckpt_unix_write_queue(ctx, 1, &d->q[1]);
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
static int ckpt_dump_unix(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
			  struct file *file, u32 id)
{
	struct sock *sk = sock_from_file(file)->sk, *peer = NULL;
	u32 type = sk->sk_type;
	struct ckpt_unix r = { };
	struct ckpt_unix_dmp *d;
	int ret;

	if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET)
		return ckpt_unix_refuse(ctx, t, fd, sk, "of an unknown type");
#if IS_ENABLED(CONFIG_AF_UNIX_OOB)
	if (READ_ONCE(unix_sk(sk)->oob_skb))
		return ckpt_unix_refuse(ctx, t, fd, sk, "with out-of-band data queued");
#endif
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	ret = ckpt_unix_get_name(ctx, t, fd, sk, &d->n[0]);
	if (ret)
		goto out;
	if (READ_ONCE(sk->sk_state) == TCP_LISTEN) {
		if (skb_queue_len(&sk->sk_receive_queue)) {
			ret = ckpt_unix_refuse(ctx, t, fd, sk,
					       "listening, with connections waiting to be accepted");
			goto out;
		}
		d->flags |= CKPT_UNIX_LISTEN;
		r.backlog = cpu_to_le32(READ_ONCE(sk->sk_max_ack_backlog));
	}
	peer = ckpt_unix_peer_get(sk);
	if (peer)
		ret = ckpt_unix_dump_peer(ctx, t, fd, sk, peer, d);
	/* a listener's queue holds connections, none when it was checked */
	if (!ret && !(d->flags & CKPT_UNIX_LISTEN))
		ret = ckpt_unix_read_queue(ctx, t, fd, sk, &d->q[0]);
	if (!ret && !(d->flags & CKPT_UNIX_PAIR) && d->q[0].nr &&
	    (type != SOCK_DGRAM || !d->n[0].bound))
		ret = ckpt_unix_refuse(ctx, t, fd, sk,
				       "unconnected and unnamed, with data queued");
	if (!ret)
		ret = ckpt_unix_dump_write(ctx, sk, peer, file, id, d, &r);
out:
	if (peer)
		sock_put(peer);
	ckpt_unix_queue_free(&d->q[0]);
	ckpt_unix_queue_free(&d->q[1]);
	kfree(d);
	return ret;
}

/* @n as a socket address; @ss is large enough for unix_mkname_bsd(). */
static int ckpt_unix_sockaddr(struct sockaddr_storage *ss,
			      const struct ckpt_unix_name *n)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)ss;

	memset(ss, 0, sizeof(*ss));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, n->b, n->len);
	return offsetof(struct sockaddr_un, sun_path) + n->len;
}

/* Send one queued message again, with the files it carried. */
static int ckpt_unix_send(struct ckpt_rtask *rt, struct socket *from,
			  struct sockaddr_storage *to, int tolen,
			  const __le32 *ids, u32 nfds, void *data, u32 len)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct ckpt_ctx *ctx = rt->ctx;
	struct kvec iov = { data, len };
	struct cmsghdr *cmsg = NULL;
	int *fds = NULL;
	u32 i, done = 0;
	int ret = 0;

	if (nfds) {
		cmsg = kzalloc(CMSG_SPACE(nfds * sizeof(int)), GFP_KERNEL);
		if (!cmsg)
			return ckpt_fail(ctx, -ENOMEM, "out of memory");
		cmsg->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		fds = (int *)CMSG_DATA(cmsg);
		msg.msg_control = cmsg;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
	}
	/* SCM_RIGHTS takes fds: lend the files some of ours for the send. */
	for (i = 0; i < nfds; i++, done++) {
		struct file *file = ckpt_obj_get_file(ctx, le32_to_cpu(ids[i]));

		if (!file) {
			ret = -EINVAL;
			goto out;
		}
		if (ckpt_is_unix(file)) {
			fput(file);
			ret = ckpt_fail(ctx, -EINVAL,
					"image: pid %d: a unix socket in flight", rt->pid);
			goto out;
		}
		fds[i] = get_unused_fd_flags(O_CLOEXEC);
		if (fds[i] < 0) {
			fput(file);
			ret = ckpt_fail(ctx, fds[i],
					"pid %d: no fd for a file in flight (error %d)",
					rt->pid, fds[i]);
			goto out;
		}
		fd_install(fds[i], file);
	}
	if (to) {
		msg.msg_name = to;
		msg.msg_namelen = tolen;
	}
	ret = kernel_sendmsg(from, &msg, &iov, 1, len);
	if (ret != len)
		ret = ckpt_fail(ctx, ret < 0 ? ret : -ENOBUFS,
				"pid %d: cannot queue %u bytes to a unix socket again (error %d)",
				rt->pid, len, ret);
	else
		ret = 0;
out:
	for (i = 0; i < done; i++)
		close_fd(fds[i]);
	kfree(cmsg);
	return ret;
}

/* Queue end @end's messages again, sent by @from (to @to if not NULL). */
static int ckpt_unix_refill(struct ckpt_rtask *rt, struct socket *from,
			    struct sockaddr_storage *to, int tolen,
			    bool stream, u32 end, u32 nr)
{
	struct ckpt_ctx *ctx = rt->ctx;
	struct ckpt_unix_data *d = ctx->rbuf;
	struct ckpt_hdr rec;
	u32 i, len, nfds;
	int ret;

	for (i = 0; i < nr; i++) {
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
		nfds = le32_to_cpu(d->nr_fds);
		if (le32_to_cpu(d->end) != end || d->__reserved ||
		    (stream && !len) || len > CKPT_UNIX_CHUNK ||
		    nfds > CKPT_UNIX_MAX_FDS ||
		    rec.len != sizeof(*d) + nfds * sizeof(__le32) + len)
			goto bad;
		ret = ckpt_unix_send(rt, from, to, tolen, (__le32 *)d->data, nfds,
				     d->data + nfds * sizeof(__le32), len);
		if (ret)
			return ret;
	}
	return 0;
bad:
	return ckpt_fail(ctx, -EINVAL, "image: pid %d: malformed unix socket data",
			 rt->pid);
}

/*
 * Without CAP_SYS_ADMIN, buffers only as large as SO_SNDBUF and SO_RCVBUF
 * make them (SO_*BUFFORCE needs CAP_NET_ADMIN).
 */
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

/*
 * Take a name of @len bytes from *@p (of @left): a path with its NUL
 * (absolute if @abs), or an abstract name.
 */
static bool ckpt_unix_take_name(struct ckpt_unix_name *n, const u8 **p,
				u32 *left, u32 len, bool abs)
{
	const u8 *b = *p;

	if (len > CKPT_UNIX_NAME_MAX || len > *left)
		return false;
	*p += len;
	*left -= len;
	n->len = len;
	if (!len)
		return true;
	memcpy(n->b, b, len);
	if (!b[0])
		return true;
	return !b[len - 1] && strnlen(b, len) == len - 1 && (!abs || b[0] == '/');
}

static bool ckpt_unix_end_ok(const struct ckpt_unix_end *e)
{
	u32 opts = le32_to_cpu(e->opts);

	return le32_to_cpu(e->shutdown) <= SHUTDOWN_MASK &&
	       !(opts & ~CKPT_UNIX_OPTS) &&
	       (!(opts & CKPT_UNIX_BOUND) || (e->addr_len && e->id)) &&
	       le32_to_cpu(e->sndbuf) <= INT_MAX / 2 &&
	       le32_to_cpu(e->rcvbuf) <= INT_MAX / 2;
}

static bool ckpt_unix_is_sock(struct dentry *dentry)
{
	return d_really_is_positive(dentry) && S_ISSOCK(d_inode(dentry)->i_mode);
}

/* Remove the socket file at @path, which a restart made. */
static void ckpt_unix_unlink(const struct path *path)
{
	struct dentry *dentry = path->dentry, *parent = dget_parent(dentry);
	struct inode *dir = d_inode(parent);

	if (!mnt_want_write(path->mnt)) {
		inode_lock_nested(dir, I_MUTEX_PARENT);
		if (dentry->d_parent == parent && ckpt_unix_is_sock(dentry) &&
		    !d_unlinked(dentry))
			vfs_unlink(mnt_user_ns(path->mnt), dir, dentry, NULL);
		inode_unlock(dir);
		mnt_drop_write(path->mnt);
	}
	dput(parent);
}

/*
 * Make way for a bind to the path @n: a socket file there that no socket
 * is bound to any more (connecting to it is refused) is removed; a file
 * of a live socket (connect works, or the type differs) is in use.
 */
static int ckpt_unix_clear_stale(struct ckpt_rtask *rt,
				 const struct ckpt_unix_name *n)
{
	struct ckpt_ctx *ctx = rt->ctx;
	struct sockaddr_storage ss;
	struct socket *probe;
	struct path parent, where;
	struct dentry *dentry;
	int alen, ret;

	ret = sock_create(AF_UNIX, SOCK_DGRAM, 0, &probe);
	if (ret)
		return ckpt_fail(ctx, ret, "pid %d: cannot create a unix socket (error %d)",
				 rt->pid, ret);
	alen = ckpt_unix_sockaddr(&ss, n);
	ret = kernel_connect(probe, (struct sockaddr *)&ss, alen, 0);
	sock_release(probe);
	if (!ret || ret == -EPROTOTYPE)
		return ckpt_fail(ctx, -EADDRINUSE,
				 "pid %d: unix socket name %s is in use by a live socket",
				 rt->pid, n->b);
	if (ret != -ECONNREFUSED)
		return 0;	/* nothing there, or bind() says why */

	ret = kern_path(n->b, 0, &where);
	if (ret)
		return 0;
	ret = mnt_want_write(where.mnt);
	if (ret)
		goto out_where;
	dentry = kern_path_locked(n->b, &parent);
	if (IS_ERR(dentry)) {
		ret = 0;
		goto out_write;
	}
	if (d_is_negative(dentry))
		ret = 0;
	else if (!ckpt_unix_is_sock(dentry))
		ret = ckpt_fail(ctx, -EADDRINUSE,
				"pid %d: cannot bind a unix socket to %s: a file that is not a socket is there",
				rt->pid, n->b);
	else if (parent.mnt != where.mnt)
		ret = ckpt_fail(ctx, -EADDRINUSE,
				"pid %d: unix socket name %s changed while restoring",
				rt->pid, n->b);
	else
		ret = vfs_unlink(mnt_user_ns(parent.mnt), d_inode(parent.dentry),
				 dentry, NULL);
	inode_unlock(d_inode(parent.dentry));
	dput(dentry);
	path_put(&parent);
	if (ret && !ctx->err)
		ckpt_fail(ctx, ret,
			  "pid %d: cannot remove the stale unix socket file %s (error %d)",
			  rt->pid, n->b, ret);
out_write:
	mnt_drop_write(where.mnt);
out_where:
	path_put(&where);
	return ret;
}

/* Bind @sock to @n as it was, removing a stale socket file first. */
static int ckpt_unix_bind(struct ckpt_rtask *rt, struct socket *sock,
			  const struct ckpt_unix_name *n)
{
	char name[CKPT_UNIX_NAME_MAX * 4 + 2];
	struct ckpt_ctx *ctx = rt->ctx;
	struct sockaddr_storage ss;
	struct list_head *later;
	struct ckpt_runix *ru;
	int alen, ret;

	if (n->b[0]) {
		ret = ckpt_unix_clear_stale(rt, n);
		if (ret)
			return ret;
	}
	later = ckpt_unix_later(ctx, true);
	ru = later ? kzalloc(sizeof(*ru), GFP_KERNEL) : NULL;
	if (!ru)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	alen = ckpt_unix_sockaddr(&ss, n);
	ret = kernel_bind(sock, (struct sockaddr *)&ss, alen);
	if (ret) {
		kfree(ru);
		return ckpt_fail(ctx, ret, "pid %d: cannot bind a unix socket to %s (error %d)",
				 rt->pid, ckpt_unix_name_str(n, name, sizeof(name)), ret);
	}
	if (!n->b[0]) {
		kfree(ru);
		return 0;
	}
	/* Removed again if the restart fails. */
	ru->pid = rt->pid;
	ru->path = unix_sk(sock->sk)->path;
	path_get(&ru->path);
	list_add_tail(&ru->node, later);
	return 0;
}

/* Give an accepted end the name of its listener, unbound. */
static int ckpt_unix_set_name(struct ckpt_ctx *ctx, struct socket *sock,
			      const struct ckpt_unix_name *n)
{
	struct unix_sock *u = unix_sk(sock->sk);
	struct unix_address *addr;

	addr = kzalloc(sizeof(*addr) + sizeof(struct sockaddr_un), GFP_KERNEL);
	if (!addr)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	refcount_set(&addr->refcnt, 1);
	addr->len = offsetof(struct sockaddr_un, sun_path) + n->len;
	addr->name->sun_family = AF_UNIX;
	memcpy(addr->name->sun_path, n->b, n->len);
	mutex_lock(&u->bindlock);
	if (u->addr) {
		mutex_unlock(&u->bindlock);
		kfree(addr);
		return ckpt_fail(ctx, -EINVAL, "image: a unix socket named twice");
	}
	/* as unix_bind(): readers load it with acquire */
	smp_store_release(&u->addr, addr);
	mutex_unlock(&u->bindlock);
	return 0;
}

/* Connect @file again to the name it was connected to, later. */
static int ckpt_unix_connect_later(struct ckpt_rtask *rt, struct file *file,
				   const struct ckpt_unix_name *n)
{
	struct list_head *later = ckpt_unix_later(rt->ctx, true);
	struct ckpt_runix *ru;

	ru = later ? kzalloc(sizeof(*ru), GFP_KERNEL) : NULL;
	if (!ru)
		return ckpt_fail(rt->ctx, -ENOMEM, "out of memory");
	ru->pid = rt->pid;
	ru->file = get_file(file);
	ru->peer = *n;
	list_add_tail(&ru->node, later);
	return 0;
}

/* A CKPT_REC_UNIX being restored: the record, its names, what is made. */
struct ckpt_unix_rst {
	struct ckpt_unix	*r;
	struct ckpt_unix_name	n[3];	/* the ends' names, then the peer's */
	struct socket		*sock[2];
	struct file		*file[2];
	u32			type, flags, backlog, ends;
	bool			pair;
};

/* Check a CKPT_REC_UNIX and take its names; false if it is malformed. */
static bool ckpt_unix_parse(struct ckpt_unix_rst *u, const void *rec, u32 len)
{
	const struct ckpt_unix *r = u->r;
	const u8 *p = rec + sizeof(*r);
	u32 left = len - sizeof(*r);
	u32 opts0 = le32_to_cpu(r->end[0].opts);
	struct ckpt_unix_name *n = u->n;
	u32 i;

	if ((u->type != SOCK_STREAM && u->type != SOCK_DGRAM &&
	     u->type != SOCK_SEQPACKET) ||
	    (u->flags & ~CKPT_UNIX_FLAGS) || !r->end[0].id ||
	    r->end[0].id == r->end[1].id || !ckpt_unix_end_ok(&r->end[0]) ||
	    !ckpt_unix_end_ok(&r->end[1]) ||
	    (!u->pair && (r->end[1].id || r->end[1].nr_msgs ||
			  r->end[1].addr_len || r->end[1].opts)) ||
	    !ckpt_unix_take_name(&n[0], &p, &left, le32_to_cpu(r->end[0].addr_len),
				 opts0 & CKPT_UNIX_BOUND) ||
	    !ckpt_unix_take_name(&n[1], &p, &left, le32_to_cpu(r->end[1].addr_len),
				 le32_to_cpu(r->end[1].opts) & CKPT_UNIX_BOUND) ||
	    !ckpt_unix_take_name(&n[2], &p, &left, le32_to_cpu(r->peer_len), true) ||
	    left)
		return false;
	/* a listener is bound and alone; one way connections are datagrams */
	if (((u->flags & CKPT_UNIX_LISTEN) &&
	     (u->type == SOCK_DGRAM || u->pair || r->end[0].nr_msgs ||
	      !(opts0 & CKPT_UNIX_BOUND) || u->backlog > INT_MAX)) ||
	    (!(u->flags & CKPT_UNIX_LISTEN) && u->backlog) ||
	    ((u->flags & CKPT_UNIX_CONNECT) &&
	     (u->type != SOCK_DGRAM || u->pair || !n[2].len)) ||
	    (!(u->flags & CKPT_UNIX_CONNECT) && n[2].len) ||
	    (!u->pair && r->end[0].nr_msgs &&
	     (u->type != SOCK_DGRAM || !(opts0 & CKPT_UNIX_BOUND))))
		return false;
	for (i = 0; i < u->ends; i++)
		n[i].bound = le32_to_cpu(r->end[i].opts) & CKPT_UNIX_BOUND;
	return true;
}

/* Make the sockets: created, bound, paired, named, listening. */
static int ckpt_unix_make(struct ckpt_rtask *rt, struct ckpt_unix_rst *u)
{
	struct ckpt_ctx *ctx = rt->ctx;
	u32 i;
	int ret;

	for (i = 0; i < u->ends; i++) {
		ret = ckpt_restart_check_sockbufs(rt, le32_to_cpu(u->r->end[i].sndbuf),
						  le32_to_cpu(u->r->end[i].rcvbuf));
		if (ret)
			return ret;
		ret = sock_create(AF_UNIX, u->type, 0, &u->sock[i]);
		if (ret)
			return ckpt_fail(ctx, ret,
					 "pid %d: cannot create a unix socket (error %d)",
					 rt->pid, ret);
		ckpt_unix_opts(u->sock[i], &u->r->end[i]);
		if (u->n[i].bound) {
			ret = ckpt_unix_bind(rt, u->sock[i], &u->n[i]);
			if (ret)
				return ret;
		}
	}
	if (u->pair) {
		ret = u->sock[0]->ops->socketpair(u->sock[0], u->sock[1]);
		if (ret)
			return ckpt_fail(ctx, ret,
					 "pid %d: cannot connect a unix socket pair (error %d)",
					 rt->pid, ret);
	}
	for (i = 0; i < u->ends; i++) {
		if (u->n[i].len && !u->n[i].bound) {
			ret = ckpt_unix_set_name(ctx, u->sock[i], &u->n[i]);
			if (ret)
				return ret;
		}
	}
	ret = (u->flags & CKPT_UNIX_LISTEN) ? kernel_listen(u->sock[0], u->backlog) : 0;
	if (ret)
		return ckpt_fail(ctx, ret,
				 "pid %d: cannot listen on a unix socket (error %d)",
				 rt->pid, ret);
	return 0;
}

/* Queue the messages of the data records that follow again. */
static int ckpt_unix_fill(struct ckpt_rtask *rt, struct ckpt_unix_rst *u)
{
	const struct ckpt_unix *r = u->r;
	bool stream = u->type == SOCK_STREAM;
	struct sockaddr_storage ss;
	struct socket *tmp;
	int ret;

	if (u->pair) {
		ret = ckpt_unix_refill(rt, u->sock[1], NULL, 0, stream, 0,
				       le32_to_cpu(r->end[0].nr_msgs));
		return ret ?: ckpt_unix_refill(rt, u->sock[0], NULL, 0, stream, 1,
					       le32_to_cpu(r->end[1].nr_msgs));
	}
	if (!r->end[0].nr_msgs)
		return 0;
	/* datagrams to a bound socket: from one of ours, by name */
	ret = sock_create(AF_UNIX, SOCK_DGRAM, 0, &tmp);
	if (ret)
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: cannot create a unix socket (error %d)",
				 rt->pid, ret);
	ret = ckpt_unix_refill(rt, tmp, &ss, ckpt_unix_sockaddr(&ss, &u->n[0]),
			       false, 0, le32_to_cpu(r->end[0].nr_msgs));
	sock_release(tmp);
	return ret;
}

/* Shut the ends down as they were, and make them the files of the image. */
static int ckpt_unix_make_files(struct ckpt_rtask *rt, struct ckpt_unix_rst *u)
{
	struct ckpt_ctx *ctx = rt->ctx;
	u32 i;
	int ret;

	for (i = 0; i < u->ends; i++) {
		u32 how = le32_to_cpu(u->r->end[i].shutdown);

		/* SHUT_RD, SHUT_WR, SHUT_RDWR are the bits minus one. */
		ret = how && u->r->end[i].id ?
		      kernel_sock_shutdown(u->sock[i], how - 1) : 0;
		if (ret)
			return ckpt_fail(ctx, ret,
					 "pid %d: cannot shut a unix socket down (error %d)",
					 rt->pid, ret);
	}
	for (i = 0; i < 2; i++) {
		u32 id = le32_to_cpu(u->r->end[i].id);

		if (!u->sock[i] || !id)
			continue;
		u->file[i] = sock_alloc_file(u->sock[i],
					     le32_to_cpu(u->r->end[i].flags) & O_NONBLOCK,
					     NULL);
		u->sock[i] = NULL;	/* released with the file, or by it */
		if (IS_ERR(u->file[i]))
			return ckpt_fail(ctx, PTR_ERR(u->file[i]), "out of memory");
		ret = ckpt_obj_add_file(ctx, id, get_file(u->file[i]));
		if (ret)
			return ret;
	}
	if (u->flags & CKPT_UNIX_CONNECT)
		return ckpt_unix_connect_later(rt, u->file[0], &u->n[2]);
	return 0;
}

/**
 * ckpt_restore_unix() - make an AF_UNIX socket (pair) of the image again
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_UNIX, followed in the stream by its data records
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno with its reason.
 */
static int ckpt_restore_unix(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_unix_rst *u;
	u32 i;
	int ret;

	if (len < sizeof(struct ckpt_unix))
		goto bad;
	/* the data records reuse the buffer: keep the record and names */
	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (u)
		u->r = kmemdup(rec, sizeof(*u->r), GFP_KERNEL);
	if (!u || !u->r) {
		kfree(u);
		return ckpt_fail(rt->ctx, -ENOMEM, "out of memory");
	}
	u->type = le32_to_cpu(u->r->type);
	u->flags = le32_to_cpu(u->r->flags);
	u->backlog = le32_to_cpu(u->r->backlog);
	u->pair = u->flags & CKPT_UNIX_PAIR;
	u->ends = u->pair ? 2 : 1;
	if (!ckpt_unix_parse(u, rec, len))
		ret = ckpt_fail(rt->ctx, -EINVAL,
				"image: pid %d: malformed unix socket record",
				rt->pid);
	else
		ret = ckpt_unix_make(rt, u) ?: ckpt_unix_fill(rt, u) ?:
		      ckpt_unix_make_files(rt, u);
	/* An end closed at checkpoint, or all on failure. */
	for (i = 0; i < 2; i++) {
		if (u->sock[i])
			sock_release(u->sock[i]);
		if (!IS_ERR_OR_NULL(u->file[i]))
			fput(u->file[i]);
	}
	kfree(u->r);
	kfree(u);
	return ret;
bad:
	return ckpt_fail(rt->ctx, -EINVAL,
			 "image: pid %d: malformed unix socket record", rt->pid);
}

/**
 * ckpt_unix_finish() - connect datagram sockets to their names again
 * @ctx: the restart, every record read
 *
 * Context: the restarter, before any restored task runs.
 * Return: 0, or a negative errno with the reason naming the name.
 */
static int ckpt_unix_finish(struct ckpt_ctx *ctx)
{
	char name[CKPT_UNIX_NAME_MAX * 4 + 2];
	struct sockaddr_storage ss;
	struct list_head *later = ckpt_unix_later(ctx, false);
	struct ckpt_runix *ru;
	int ret;

	if (!later)
		return 0;
	list_for_each_entry(ru, later, node) {
		if (!ru->file)
			continue;
		ret = kernel_connect(sock_from_file(ru->file), (struct sockaddr *)&ss,
				     ckpt_unix_sockaddr(&ss, &ru->peer), 0);
		if (ret)
			return ckpt_fail(ctx, ret,
					 "pid %d: cannot connect a unix socket to %s again (error %d)",
					 ru->pid, ckpt_unix_name_str(&ru->peer, name, sizeof(name)),
					 ret);
	}
	return 0;
}

/**
 * ckpt_unix_abort() - remove the socket files a failed restart made
 * @ctx: the restart
 *
 * Context: the restarter.
 */
static void ckpt_unix_abort(struct ckpt_ctx *ctx)
{
	struct list_head *later = ckpt_unix_later(ctx, false);
	struct ckpt_runix *ru;

	if (!later)
		return;
	list_for_each_entry(ru, later, node)
		if (ru->path.dentry)
			ckpt_unix_unlink(&ru->path);
}

/**
 * ckpt_unix_release() - drop what restart kept for unix sockets
 * @ctx: the restart
 */
static void ckpt_unix_release(struct ckpt_ctx *ctx)
{
	struct list_head *later = ckpt_unix_later(ctx, false);
	struct ckpt_runix *ru, *tmp;

	if (!later)
		return;
	list_for_each_entry_safe(ru, tmp, later, node) {
		if (ru->file)
			fput(ru->file);
		path_put(&ru->path);
		kfree(ru);
	}
	kfree(later);
}

/* A unix socket is its own record, which restart makes the file of. */
static int ckpt_dump_unix_file(struct ckpt_ctx *ctx, struct ckpt_fdump *d)
{
	return ckpt_dump_unix(ctx, d->t, d->fd, d->file, d->id);
}

static const struct ckpt_file_ops ckpt_unix_files[] = {
	{
		.kind		= 0,
		.flags		= CKPT_FOP_OWN_REC | CKPT_FOP_HELD,
		.is		= ckpt_is_unix,
		.dump_as	= ckpt_dump_unix_file,
		.held_refs	= ckpt_unix_held_inflight,
		.check_held	= ckpt_check_unix,
	},
	{ }
};

static const struct ckpt_rec_op ckpt_unix_recs[] = {
	{ .type = CKPT_REC_UNIX, .restore = ckpt_restore_unix },
	{ .type = CKPT_REC_UNIX_DATA, .flags = CKPT_ROP_NESTED },
	{ }
};

const struct ckpt_resource ckpt_res_unix = {
	.name		= "unix sockets",
	.finish		= ckpt_unix_finish,
	.abort		= ckpt_unix_abort,
	.release	= ckpt_unix_release,
	.recs		= ckpt_unix_recs,
	.files		= ckpt_unix_files,
};
