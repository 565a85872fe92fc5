// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: POSIX message queues.
 *
 * A queue (mq_open()) is an inode of the mqueue file system of an IPC
 * namespace; the group holds open files on it.  Checkpoint writes each
 * queue once, when the first file open on it is written: its name (its
 * dentry in the mqueue mount), mode, owner, attributes and every message
 * queued, with its priority, in the order mq_receive() returns them.  Each
 * open file is a CKPT_REC_FILE naming the queue, with its own access mode
 * and O_NONBLOCK; fds and processes share it as any open file.
 *
 * Messages are read without taking them off the queue: 6.1 has no call
 * that reads a message and leaves it queued, and taking them with
 * mq_timedreceive() to send them back would let processes outside the
 * group, which may use the queue, take or add messages meanwhile, and would
 * fire a notification registered on the queue.  So the messages are copied
 * under the queue's lock, from ipc/mqueue.c's private layout (struct
 * mqueue_inode_info, a tree of priorities, each a list of struct msg_msg),
 * which this file mirrors: a debt, to be checked on every kernel update.
 * The copy is checked against the counts the queue keeps (the number of
 * messages and of bytes).  Reading the queue's status line through the
 * file would not do: it changes the queue's access time, and 6.1's
 * kernel_read() refuses a file without read_iter.
 *
 * Restart creates the queue in the restarter's IPC namespace through
 * do_mq_open(O_CREAT | O_EXCL) (a name in use fails the restart with EBUSY),
 * sets its owner and mode, sends the messages back with do_mq_timedsend(),
 * then opens each file on it.  These two read the name and the message
 * from user memory only: a page of the restored process's is lent to them
 * (6.1 has no variant taking kernel memory, and one would be a long change
 * of ipc/mqueue.c).  A queue whose name was removed while open
 * is made under a name of the restart's own, removed at once.  A failed
 * restart removes the names of the queues it made.
 *
 * Refused: a notification registered (mq_notify()); a queue of another IPC
 * namespace; messages longer than CKPT_MQ_MSG_MAX, or more than
 * CKPT_MQ_QSIZE_MAX bytes of messages in a queue.  With ckpt.exclude +ipc
 * the queue is written without its messages nor its notification, which
 * are not refused then: restart makes it fresh and empty.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ipc_namespace.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mount.h>
#include <linux/mqueue.h>
#include <linux/msg.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/rbtree.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include "ckpt.h"

static_assert(sizeof(struct ckpt_mqueue) == 56);
static_assert(sizeof(struct ckpt_mqueue_msg) == 24);
static_assert(CKPT_MQ_PRIO_MAX == MQ_PRIO_MAX && CKPT_MQ_NAME_MAX == NAME_MAX);

/* As ipc/mqueue.c defines them */
#define CKPT_MQUEUE_MAGIC	0x19800202
#define CKPT_MQ_FILENT_SIZE	80

/* Most bytes of messages a queue may hold at checkpoint. */
#define CKPT_MQ_QSIZE_MAX	(1024 * 1024)

/*
 * The layout of ipc/mqueue.c and ipc/msgutil.c of 6.1 (private to those
 * files), read only, under info->lock.
 */
struct ckpt_posix_msg_tree_node {
	struct rb_node		rb_node;
	struct list_head	msg_list;
	int			priority;
};

struct ckpt_ext_wait_queue {
	struct task_struct	*task;
	struct list_head	list;
	struct msg_msg		*msg;
	int			state;
};

struct ckpt_mqueue_inode_info {
	spinlock_t				lock;	/* the queue's */
	struct inode				vfs_inode;
	wait_queue_head_t			wait_q;
	struct rb_root				msg_tree;
	struct rb_node				*msg_tree_rightmost;
	struct ckpt_posix_msg_tree_node		*node_cache;
	struct mq_attr				attr;
	struct sigevent				notify;
	struct pid				*notify_owner;
	u32					notify_self_exec_id;
	struct user_namespace			*notify_user_ns;
	struct ucounts				*ucounts;
	struct sock				*notify_sock;
	struct sk_buff				*notify_cookie;
	struct ckpt_ext_wait_queue		e_wait_q[2];
	unsigned long				qsize;
};

struct ckpt_msg_msgseg {
	struct ckpt_msg_msgseg	*next;
};

#define CKPT_DATALEN_MSG	((size_t)PAGE_SIZE - sizeof(struct msg_msg))
#define CKPT_DATALEN_SEG	((size_t)PAGE_SIZE - sizeof(struct ckpt_msg_msgseg))

static struct ckpt_mqueue_inode_info *ckpt_mq_info(struct inode *inode)
{
	return container_of(inode, struct ckpt_mqueue_inode_info, vfs_inode);
}

/**
 * ckpt_is_mqueue() - whether @file is open on a POSIX message queue
 * @file: an open file
 *
 * Return: true if it is.
 */
static bool ckpt_is_mqueue(struct file *file)
{
	struct inode *inode = file_inode(file);

	return inode->i_sb->s_magic == CKPT_MQUEUE_MAGIC && S_ISREG(inode->i_mode);
}

/* ---- checkpoint -------------------------------------------------------- */

/**
 * struct ckpt_mq_snap - a copy of a queue's state
 * @attr:       its attributes
 * @qsize:      bytes of its messages
 * @notify:     sigev_notify of a notification registered, or -1
 * @signo:      its signal
 * @notify_pid: who registered it, as the writer sees it
 * @prio:       priority of each message, in receive order
 * @len:        length of each
 * @data:       their bytes, one after the other
 */
struct ckpt_mq_snap {
	struct mq_attr	attr;
	unsigned long	qsize;
	int		notify;
	int		signo;
	pid_t		notify_pid;
	u32		*prio;
	u32		*len;
	u8		*data;
};

static void ckpt_mq_snap_free(struct ckpt_mq_snap *s)
{
	kvfree(s->prio);
	kvfree(s->len);
	kvfree(s->data);
	s->prio = NULL;
	s->len = NULL;
	s->data = NULL;
}

/* Copy the text of @msg to @dst, as ipc/msgutil.c stores it. */
static bool ckpt_mq_copy_msg(u8 *dst, const struct msg_msg *msg)
{
	size_t left = msg->m_ts, n = min(left, CKPT_DATALEN_MSG);
	const struct ckpt_msg_msgseg *seg;

	memcpy(dst, msg + 1, n);
	dst += n;
	left -= n;
	for (seg = (const void *)msg->next; seg && left; seg = seg->next) {
		n = min(left, CKPT_DATALEN_SEG);
		memcpy(dst, seg + 1, n);
		dst += n;
		left -= n;
	}
	return !left;
}

/*
 * Copy the messages of @info into @s, whose arrays hold @nr messages and
 * @qsize bytes.  Return: 0, -EAGAIN if the queue no longer holds that
 * much, -EBADMSG if what is read does not add up.
 */
static int ckpt_mq_copy(struct ckpt_mqueue_inode_info *info,
			struct ckpt_mq_snap *s, long nr, unsigned long qsize)
{
	struct ckpt_posix_msg_tree_node *leaf;
	struct rb_node *node;
	struct msg_msg *msg;
	unsigned long off = 0;
	long i = 0;
	int ret = 0;

	spin_lock(&info->lock);
	if (info->attr.mq_curmsgs != nr || info->qsize != qsize) {
		ret = -EAGAIN;
		goto out;
	}
	s->attr = info->attr;
	s->qsize = qsize;
	s->notify = -1;
	if (info->notify_owner) {
		s->notify = info->notify.sigev_notify;
		s->signo = info->notify.sigev_signo;
		s->notify_pid = pid_vnr(info->notify_owner);
	}
	/* Highest priority first, as msg_get() takes them. */
	for (node = info->msg_tree_rightmost; node; node = rb_prev(node)) {
		leaf = rb_entry(node, struct ckpt_posix_msg_tree_node, rb_node);
		list_for_each_entry(msg, &leaf->msg_list, m_list) {
			if (i == nr || msg->m_ts > qsize - off ||
			    msg->m_type != leaf->priority ||
			    !ckpt_mq_copy_msg(s->data + off, msg)) {
				ret = -EBADMSG;
				goto out;
			}
			s->prio[i] = msg->m_type;
			s->len[i++] = msg->m_ts;
			off += msg->m_ts;
		}
	}
	if (i != nr || off != qsize)
		ret = -EBADMSG;
out:
	spin_unlock(&info->lock);
	return ret;
}

/*
 * ckpt.exclude ipc: only the attributes of the queue of @inode, as if it
 * were empty.  Return: 0, or -EBADMSG if they are not as expected.
 */
static int ckpt_mq_attrs(struct inode *inode, struct ckpt_mq_snap *s)
{
	struct ckpt_mqueue_inode_info *info = ckpt_mq_info(inode);

	spin_lock(&info->lock);
	s->attr = info->attr;
	spin_unlock(&info->lock);
	s->attr.mq_curmsgs = 0;
	s->notify = -1;
	if (s->attr.mq_maxmsg <= 0 || s->attr.mq_maxmsg > HARD_MSGMAX ||
	    s->attr.mq_msgsize <= 0 || s->attr.mq_msgsize > HARD_MSGSIZEMAX)
		return -EBADMSG;
	return 0;
}

/*
 * Take a copy of the queue of @inode.  Return: 0, -EAGAIN if it kept
 * changing, -EFBIG if it holds more than CKPT_MQ_QSIZE_MAX bytes,
 * -EBADMSG if it is not as this file expects, -ENOMEM.
 */
static int ckpt_mq_snapshot(struct inode *inode, struct ckpt_mq_snap *s)
{
	struct ckpt_mqueue_inode_info *info = ckpt_mq_info(inode);
	unsigned long qsize;
	int tries, ret = -EAGAIN;
	long nr;

	/* Processes outside the group may send and receive meanwhile. */
	for (tries = 0; tries < 5 && ret == -EAGAIN; tries++) {
		spin_lock(&info->lock);
		nr = info->attr.mq_curmsgs;
		qsize = info->qsize;
		spin_unlock(&info->lock);
		s->attr.mq_curmsgs = nr;
		s->qsize = qsize;
		if (nr < 0 || nr > HARD_MSGMAX)
			return -EBADMSG;
		if (qsize > CKPT_MQ_QSIZE_MAX)
			return -EFBIG;
		s->prio = kvmalloc_array(max(nr, 1L), sizeof(u32), GFP_KERNEL);
		s->len = kvmalloc_array(max(nr, 1L), sizeof(u32), GFP_KERNEL);
		s->data = kvmalloc(max(qsize, 1UL), GFP_KERNEL);
		if (!s->prio || !s->len || !s->data) {
			ckpt_mq_snap_free(s);
			return -ENOMEM;
		}
		ret = ckpt_mq_copy(info, s, nr, qsize);
		if (ret)
			ckpt_mq_snap_free(s);
	}
	if (ret)
		return ret;
	if (s->attr.mq_maxmsg <= 0 || s->attr.mq_maxmsg > HARD_MSGMAX ||
	    s->attr.mq_msgsize <= 0 || s->attr.mq_msgsize > HARD_MSGSIZEMAX ||
	    s->attr.mq_curmsgs > s->attr.mq_maxmsg) {
		ckpt_mq_snap_free(s);
		return -EBADMSG;
	}
	return 0;
}

static const char *ckpt_sigev_name(int notify)
{
	switch (notify) {
	case SIGEV_SIGNAL:
		return "SIGEV_SIGNAL";
	case SIGEV_NONE:
		return "SIGEV_NONE";
	case SIGEV_THREAD:
		return "SIGEV_THREAD";
	}
	return "?";
}

/* Refuse the queue with a reason: "pid 12 fd 3: POSIX message queue /q: ..." */
__printf(6, 7)
static int ckpt_mq_refuse(struct ckpt_ctx *ctx, int err, struct task_struct *t,
			  int fd, const char *name, const char *fmt, ...)
{
	char why[160];
	va_list args;

	va_start(args, fmt);
	vsnprintf(why, sizeof(why), fmt, args);
	va_end(args);
	return ckpt_fail(ctx, err, "pid %d fd %d: POSIX message queue /%s: %s",
			 task_pid_vnr(t), fd, name, why);
}

/* Write the messages of @s, for queue @id. */
static int ckpt_mq_write_msgs(struct ckpt_ctx *ctx, const struct ckpt_mq_snap *s,
			      u32 id)
{
	struct ckpt_mqueue_msg m = { };
	unsigned long off = 0;
	long i;
	int ret = 0;

	for (i = 0; !ret && i < s->attr.mq_curmsgs; i++) {
		m.mq = cpu_to_le32(id);
		m.prio = cpu_to_le32(s->prio[i]);
		m.len = cpu_to_le32(s->len[i]);
		ret = ckpt_write2(ctx, &m, CKPT_REC_MQUEUE_MSG, sizeof(m),
				  s->data + off, s->len[i]);
		off += s->len[i];
	}
	return ret;
}

/**
 * ckpt_dump_mqueue() - write a POSIX message queue and its messages once
 * @ctx:  the checkpoint
 * @t:    the task using it (named in a refusal)
 * @fd:   the fd it is used through
 * @file: a file open on the queue
 * @id:   where to put the object id of the queue's record
 *
 * Context: the writer; the group is frozen, processes outside it may use
 * the queue, which is left as it is.
 * Return: 0, or -EOPNOTSUPP (with the reason), or another negative errno.
 */
static int ckpt_dump_mqueue(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
			    struct file *file, u32 *id)
{
	struct dentry *dentry = file->f_path.dentry;
	struct inode *inode = file_inode(file);
	struct ckpt_mq_snap s = { };
	struct ckpt_mqueue r = { };
	char name[NAME_MAX + 1];
	bool new, unlinked;
	long i;
	int ret;

	*id = ckpt_obj_lookup(ctx, CKPT_OBJ_MQUEUE, inode, &new);
	if (!*id)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	if (!new)
		return 0;
	spin_lock(&dentry->d_lock);
	strscpy(name, dentry->d_name.name, sizeof(name));
	spin_unlock(&dentry->d_lock);
	unlinked = d_unlinked(dentry);

	if (inode->i_sb->s_fs_info != current->nsproxy->ipc_ns)
		return ckpt_mq_refuse(ctx, -EOPNOTSUPP, t, fd, name,
				      "of another IPC namespace; not supported");
	if (ctx->exclude & CKPT_EXCL_IPC)
		ret = ckpt_mq_attrs(inode, &s);
	else
		ret = ckpt_mq_snapshot(inode, &s);
	if (ret == -EAGAIN)
		return ckpt_mq_refuse(ctx, -EAGAIN, t, fd, name,
				      "kept changing during the checkpoint; try again");
	if (ret == -EFBIG)
		return ckpt_mq_refuse(ctx, -EOPNOTSUPP, t, fd, name,
				      "holds %lu bytes of messages; more than %u not supported (ckpt.exclude +ipc restarts it empty)",
				      s.qsize, CKPT_MQ_QSIZE_MAX);
	if (ret == -EBADMSG)
		return ckpt_mq_refuse(ctx, -EOPNOTSUPP, t, fd, name,
				      "its state is not as ipc/mqueue.c of 6.1 lays it out");
	if (ret)
		return ckpt_fail(ctx, ret, "out of memory");

	if (s.notify >= 0) {
		if (s.notify == SIGEV_SIGNAL)
			ret = ckpt_mq_refuse(ctx, -EOPNOTSUPP, t, fd, name,
					     "pid %d registered a notification (mq_notify(), SIGEV_SIGNAL, signal %d); not supported (ckpt.exclude +ipc restarts the queue empty, without it)",
					     s.notify_pid, s.signo);
		else
			ret = ckpt_mq_refuse(ctx, -EOPNOTSUPP, t, fd, name,
					     "pid %d registered a notification (mq_notify(), %s); not supported (ckpt.exclude +ipc restarts the queue empty, without it)",
					     s.notify_pid, ckpt_sigev_name(s.notify));
		goto out;
	}
	for (i = 0; i < s.attr.mq_curmsgs; i++) {
		if (s.len[i] > CKPT_MQ_MSG_MAX) {
			ret = ckpt_mq_refuse(ctx, -EOPNOTSUPP, t, fd, name,
					     "message %ld is %u bytes long; more than %lu not supported (ckpt.exclude +ipc restarts the queue empty)",
					     i, s.len[i], (unsigned long)CKPT_MQ_MSG_MAX);
			goto out;
		}
	}

	r.id = cpu_to_le32(*id);
	r.flags = cpu_to_le32(unlinked ? CKPT_MQ_UNLINKED : 0);
	r.mode = cpu_to_le32(inode->i_mode & 0777);
	r.uid = cpu_to_le32(from_kuid_munged(current_user_ns(), inode->i_uid));
	r.gid = cpu_to_le32(from_kgid_munged(current_user_ns(), inode->i_gid));
	r.nr_msgs = cpu_to_le32(s.attr.mq_curmsgs);
	r.maxmsg = cpu_to_le64(s.attr.mq_maxmsg);
	r.msgsize = cpu_to_le64(s.attr.mq_msgsize);
	r.name_len = cpu_to_le32(strlen(name));
	ret = ckpt_write2(ctx, &r, CKPT_REC_MQUEUE, sizeof(r), name,
			  strlen(name) + 1);
	if (!ret)
		ret = ckpt_mq_write_msgs(ctx, &s, *id);
out:
	ckpt_mq_snap_free(&s);
	return ret;
}

/* ---- restart ----------------------------------------------------------- */

/**
 * struct ckpt_rmq - a POSIX message queue made by a restart
 * @file:      a file of the restart's own on it, O_RDWR
 * @cred:      who made it, to remove its name
 * @msgsize:   its mq_msgsize
 * @msgs_left: messages still to come
 * @named:     its name is in the namespace and ours: removed on failure
 * @keep:      the restart succeeded
 * @name:      its name
 */
struct ckpt_rmq {
	struct file		*file;
	const struct cred	*cred;
	u64			msgsize;
	u32			msgs_left;
	bool			named;
	bool			keep;
	char			name[NAME_MAX + 1];
};

/* Remove the name of @o, if it still names the queue made. */
static int ckpt_mq_unlink(struct ckpt_rmq *o)
{
	struct vfsmount *mnt = o->file->f_path.mnt;
	struct dentry *dentry = o->file->f_path.dentry;
	struct inode *dir = d_inode(mnt->mnt_root);
	const struct cred *old;
	int ret;

	old = override_creds(o->cred);
	ret = mnt_want_write(mnt);
	if (!ret) {
		/*
		 * mqueue_unlink() drops the reference that kept the name: with
		 * ours, the dentry stays positive for the file, as in
		 * mq_unlink().
		 */
		dget(dentry);
		inode_lock_nested(dir, I_MUTEX_PARENT);
		if (dentry->d_parent == mnt->mnt_root && !d_unlinked(dentry))
			ret = vfs_unlink(&init_user_ns, dir, dentry, NULL);
		inode_unlock(dir);
		dput(dentry);
		mnt_drop_write(mnt);
	}
	revert_creds(old);
	if (!ret)
		o->named = false;
	return ret;
}

/**
 * ckpt_rmq_put() - drop a queue of a restart, removing its name unless the
 *                  restart succeeded
 * @ptr: its struct ckpt_rmq
 */
static void ckpt_rmq_put(void *ptr)
{
	struct ckpt_rmq *o = ptr;

	if (!o->keep && o->named && ckpt_mq_unlink(o))
		pr_warn("POSIX message queue /%s of a failed restart not removed\n",
			o->name);
	fput(o->file);
	put_cred(o->cred);
	kfree(o);
}

static void ckpt_rmq_keep(struct ckpt_ctx *ctx, void *ptr)
{
	((struct ckpt_rmq *)ptr)->keep = true;
}

/**
 * ckpt_mqueue_commit() - the restart succeeds: keep the queues made
 * @ctx: the restart
 */
static void ckpt_mqueue_commit(struct ckpt_ctx *ctx)
{
	ckpt_obj_for_each(ctx, CKPT_OBJ_RMQUEUE, ckpt_rmq_keep);
}

/* mq_open(@name, O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK, 0, attr) */
static struct file *ckpt_mq_create(const char *name, u64 maxmsg, u64 msgsize)
{
	struct mq_attr attr = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
	unsigned long ubuf;
	long fd = -EFAULT;

	ubuf = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(ubuf))
		return ERR_PTR((long)ubuf);
	if (!copy_to_user((void __user *)ubuf, name, strlen(name) + 1))
		fd = do_mq_open((const char __user *)ubuf,
				O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK, 0, &attr);
	vm_munmap(ubuf, PAGE_SIZE);
	return ckpt_take_fd(fd);
}

/* A name mq_open() takes: one component, not "." or "..". */
static bool ckpt_mq_name_ok(const char *name)
{
	return !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

/* Refuse attributes beyond what mq_open() allows the restarter. */
static int ckpt_mq_limits(struct ckpt_rtask *rt, const char *name, u64 maxmsg,
			  u64 msgsize)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	bool res = capable(CAP_SYS_RESOURCE);
	u64 max_msg = res ? HARD_MSGMAX : ns->mq_msg_max;
	u64 max_size = res ? HARD_MSGSIZEMAX : ns->mq_msgsize_max;

	if (maxmsg <= max_msg && msgsize <= max_size)
		return 0;
	return ckpt_fail(rt->ctx, -EINVAL,
			 "pid %d: POSIX message queue /%s: maxmsg %llu, msgsize %llu are beyond the limits of the restarter's IPC namespace (%llu, %llu)",
			 rt->pid, name, maxmsg, msgsize, max_msg, max_size);
}

static int ckpt_mq_create_fail(struct ckpt_rtask *rt, const char *name,
			       long err)
{
	switch (err) {
	case -EEXIST:
		return ckpt_fail(rt->ctx, -EBUSY,
				 "pid %d: POSIX message queue /%s exists already",
				 rt->pid, name);
	case -EMFILE:
		return ckpt_fail(rt->ctx, -EMFILE,
				 "pid %d: cannot create POSIX message queue /%s: the restarter's RLIMIT_MSGQUEUE is reached",
				 rt->pid, name);
	case -ENOSPC:
		return ckpt_fail(rt->ctx, -ENOSPC,
				 "pid %d: cannot create POSIX message queue /%s: the IPC namespace has its most queues (queues_max)",
				 rt->pid, name);
	}
	return ckpt_fail(rt->ctx, err,
			 "pid %d: cannot create POSIX message queue /%s (error %ld)",
			 rt->pid, name, err);
}

/**
 * ckpt_restore_mqueue() - recreate a POSIX message queue
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_MQUEUE
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_mqueue(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_mqueue *r = rec;
	u32 flags = le32_to_cpu(r->flags), mode = le32_to_cpu(r->mode);
	u32 nr = le32_to_cpu(r->nr_msgs), id = le32_to_cpu(r->id);
	u64 maxmsg = le64_to_cpu(r->maxmsg), msgsize = le64_to_cpu(r->msgsize);
	kuid_t uid;
	kgid_t gid;
	struct ckpt_rmq *o;
	struct file *file;
	const char *name;
	int ret;

	if (len < sizeof(*r))
		goto bad;
	name = ckpt_rec_string(rec, sizeof(*r), len, le32_to_cpu(r->name_len));
	uid = make_kuid(current_user_ns(), le32_to_cpu(r->uid));
	gid = make_kgid(current_user_ns(), le32_to_cpu(r->gid));
	if (!name || strlen(name) > NAME_MAX || !ckpt_mq_name_ok(name) ||
	    (flags & ~CKPT_MQ_UNLINKED) || (mode & ~0777) || r->__reserved ||
	    !uid_valid(uid) || !gid_valid(gid) ||
	    !maxmsg || maxmsg > HARD_MSGMAX || !msgsize ||
	    msgsize > HARD_MSGSIZEMAX || nr > maxmsg)
		goto bad;
	ret = ckpt_mq_limits(rt, name, maxmsg, msgsize);
	if (ret)
		return ret;

	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return ckpt_fail(rt->ctx, -ENOMEM, "out of memory");
	/* No name left: one of ours, for as long as it takes to open it. */
	if (flags & CKPT_MQ_UNLINKED)
		snprintf(o->name, sizeof(o->name), "ckpt-unlinked-%d-%d-%u",
			 task_pid_nr(current), rt->pid, id);
	else
		strscpy(o->name, name, sizeof(o->name));
	file = ckpt_mq_create(o->name, maxmsg, msgsize);
	if (IS_ERR(file)) {
		ret = ckpt_mq_create_fail(rt, o->name, PTR_ERR(file));
		kfree(o);
		return ret;
	}
	o->file = file;
	o->cred = get_current_cred();
	o->named = true;
	o->msgsize = msgsize;
	o->msgs_left = nr;
	/* From now on a failure removes its name. */
	ret = ckpt_obj_add_owned(rt->ctx, id, CKPT_OBJ_RMQUEUE, o, ckpt_rmq_put);
	if (ret)
		return ret;
	if (flags & CKPT_MQ_UNLINKED) {
		ret = ckpt_mq_unlink(o);
		if (ret)
			return ckpt_fail(rt->ctx, ret,
					 "pid %d: cannot remove the name of POSIX message queue /%s (error %d)",
					 rt->pid, o->name, ret);
	}
	ret = vfs_fchown(file, le32_to_cpu(r->uid), le32_to_cpu(r->gid));
	if (!ret)
		ret = vfs_fchmod(file, mode);
	if (ret)
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: cannot set the owner and mode of POSIX message queue /%s (error %d)",
				 rt->pid, o->name, ret);
	if (nr)
		rt->ctx->priv[CKPT_RES_ID_mqueue] = o;
	return 0;
bad:
	return ckpt_fail(rt->ctx, -EINVAL,
			 "image: pid %d: malformed POSIX message queue record", rt->pid);
}

/* mq_timedsend() of @len bytes of @data to @o, through a passing fd. */
static long ckpt_mq_send(struct ckpt_rmq *o, const void *data, u32 len,
			 u32 prio)
{
	size_t size = PAGE_ALIGN(max(len, 1U));
	unsigned long ubuf;
	long ret;
	int fd;

	ubuf = vm_mmap(NULL, 0, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(ubuf))
		return (long)ubuf;
	ret = copy_to_user((void __user *)ubuf, data, len) ? -EFAULT : 0;
	fd = ret ? -1 : get_unused_fd_flags(O_CLOEXEC);
	if (!ret && fd < 0)
		ret = fd;
	if (!ret) {
		fd_install(fd, get_file(o->file));
		ret = do_mq_timedsend(fd, (const char __user *)ubuf, len, prio,
				      NULL);
		close_fd(fd);
	}
	vm_munmap(ubuf, size);
	return ret;
}

/**
 * ckpt_restore_mqueue_msg() - queue a message again
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_MQUEUE_MSG
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_mqueue_msg(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_mqueue_msg *r = rec;
	struct ckpt_rmq *o = rt->ctx->priv[CKPT_RES_ID_mqueue];
	u32 n = le32_to_cpu(r->len), prio = le32_to_cpu(r->prio);
	long ret;

	if (len < sizeof(*r) || len != sizeof(*r) + n || r->__reserved || !o ||
	    prio >= MQ_PRIO_MAX || n > o->msgsize ||
	    ckpt_obj_type_of(rt->ctx, le32_to_cpu(r->mq)) != CKPT_OBJ_RMQUEUE ||
	    ckpt_obj_get(rt->ctx, le32_to_cpu(r->mq), CKPT_OBJ_RMQUEUE) != o)
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: malformed or unexpected POSIX message record",
				 rt->pid);
	if (!--o->msgs_left)
		rt->ctx->priv[CKPT_RES_ID_mqueue] = NULL;
	ret = ckpt_mq_send(o, r->data, n, prio);
	if (ret)
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: cannot queue a message of %u bytes to POSIX message queue /%s (error %ld)",
				 rt->pid, n, o->name, ret);
	return 0;
}

/**
 * ckpt_restore_mqueue_file() - open a file on a queue made by the restart
 * @rt:    the task being restored (current)
 * @r:     its CKPT_REC_FILE
 * @path:  the path it gives
 *
 * Return: the file, referenced, or an ERR_PTR() (with the reason).
 */
static struct file *ckpt_restore_mqueue_file(struct ckpt_rtask *rt,
					     const struct ckpt_file *r,
					     const char *path)
{
	u32 id = le32_to_cpu(r->obj);
	u32 flags = le32_to_cpu(r->flags);
	loff_t pos = le64_to_cpu(r->pos);
	struct ckpt_rmq *o;
	struct file *file;

	o = ckpt_obj_get(rt->ctx, id, CKPT_OBJ_RMQUEUE);
	if (!o)
		return ERR_PTR(-EINVAL);
	if ((flags & O_ACCMODE) == O_ACCMODE ||
	    (flags & ~(O_ACCMODE | O_NONBLOCK | O_LARGEFILE)) ||
	    pos < 0 || pos > CKPT_MQ_FILENT_SIZE) {
		ckpt_fail(rt->ctx, -EINVAL,
			  "image: pid %d: bad flags %#o or offset %lld of a file on POSIX message queue %u",
			  rt->pid, flags, pos, id);
		return ERR_PTR(-EINVAL);
	}
	file = dentry_open(&o->file->f_path, flags, current_cred());
	if (IS_ERR(file)) {
		ckpt_fail(rt->ctx, PTR_ERR(file),
			  "pid %d: cannot open POSIX message queue /%s (error %ld)",
			  rt->pid, o->name, PTR_ERR(file));
		return file;
	}
	file->f_pos = pos;
	return file;
}

/* A queue's messages follow it at once, all of them. */
static int ckpt_mqueue_seq_end(struct ckpt_rtask *rt)
{
	return rt->ctx->priv[CKPT_RES_ID_mqueue] ? -EINVAL : 0;
}

static const struct ckpt_file_ops ckpt_mqueue_files[] = {
	{
		.kind		= CKPT_FILE_MQUEUE,
		.flags		= CKPT_FOP_HELD,
		.is		= ckpt_is_mqueue,
		.dump		= ckpt_dump_mqueue,
		.open		= ckpt_restore_mqueue_file,
	},
	{ }
};

static const struct ckpt_rec_op ckpt_mqueue_recs[] = {
	{ .type = CKPT_REC_MQUEUE, .restore = ckpt_restore_mqueue },
	{ .type = CKPT_REC_MQUEUE_MSG, .flags = CKPT_ROP_CONT,
	  .restore = ckpt_restore_mqueue_msg },
	{ }
};

const struct ckpt_resource ckpt_res_mqueue = {
	.name		= "POSIX message queues",
	.seq_end	= ckpt_mqueue_seq_end,
	.commit		= ckpt_mqueue_commit,
	.recs		= ckpt_mqueue_recs,
	.files		= ckpt_mqueue_files,
};
