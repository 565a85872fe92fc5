// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: file locks.
 *
 * The locks a process holds are read from the lock context of the inode
 * of each of its open files, as /proc/locks shows them: flock() locks and
 * OFD locks (F_OFD_SETLK) belong to the open file description they were
 * set through and are written once, with the first process having that
 * file; POSIX record locks (F_SETLK) belong to the process (its fd table)
 * and are written with the fd of the file they were set through.  Each
 * lock is an object of the table, so that a file several fds share gives
 * its locks once.  The records follow the fd records of the process:
 * restart takes every lock again, without waiting, through the file or fd
 * restored, as flock() and fcntl() would.
 *
 * Once the group is frozen none of its tasks waits for a lock: the freezer
 * interrupts such a wait, and the call is made again after the thaw (or
 * the restart).  A lock that another process waits for would be released
 * and taken back behind its back: it is refused.  Leases are refused;
 * this kernel has no mandatory locks.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/security.h>
#include <linux/slab.h>
#include "ckpt.h"

static_assert(sizeof(struct ckpt_flock) == 40);
static_assert(CKPT_LOCK_READ == F_RDLCK && CKPT_LOCK_WRITE == F_WRLCK);
static_assert(CKPT_LOCK_EOF == OFFSET_MAX);

/* A lock of the file being written, as read under flc_lock. */
struct ckpt_lk {
	struct file_lock	*fl;
	u32			kind;
	u32			type;
	loff_t			start;
	loff_t			end;
	bool			waiters;
};

static const char *ckpt_lock_kind_name(u32 kind)
{
	switch (kind) {
	case CKPT_LOCK_FLOCK:
		return "flock()";
	case CKPT_LOCK_POSIX:
		return "POSIX";
	default:
		return "OFD";
	}
}

/* The kind of @fl if it is a lock of @file (used through @files), or 0. */
static u32 ckpt_lock_kind(struct file_lock *fl, struct file *file,
			  struct files_struct *files)
{
	if (fl->fl_file != file)
		return 0;
	if (fl->fl_flags & FL_FLOCK)
		return CKPT_LOCK_FLOCK;
	if ((fl->fl_flags & FL_OFDLCK) && fl->fl_owner == file)
		return CKPT_LOCK_OFD;
	if ((fl->fl_flags & FL_POSIX) && fl->fl_owner == files)
		return CKPT_LOCK_POSIX;
	return 0;
}

/*
 * Copy the locks of @file into @lk (at most @max), count them in *@nr,
 * and say whether it holds a lease.
 */
static bool ckpt_read_locks(struct file_lock_context *flctx, struct file *file,
			    struct files_struct *files, struct ckpt_lk *lk,
			    unsigned int max, unsigned int *nr)
{
	struct list_head *lists[] = { &flctx->flc_flock, &flctx->flc_posix };
	struct file_lock *fl;
	bool lease = false;
	unsigned int i;
	u32 kind;

	*nr = 0;
	spin_lock(&flctx->flc_lock);
	list_for_each_entry(fl, &flctx->flc_lease, fl_list)
		if (fl->fl_file == file)
			lease = true;
	for (i = 0; i < ARRAY_SIZE(lists); i++) {
		list_for_each_entry(fl, lists[i], fl_list) {
			kind = ckpt_lock_kind(fl, file, files);
			if (!kind)
				continue;
			if (*nr < max)
				lk[*nr] = (struct ckpt_lk){
					.fl = fl, .kind = kind,
					.type = fl->fl_type,
					.start = fl->fl_start, .end = fl->fl_end,
					.waiters = !list_empty(&fl->fl_blocked_requests),
				};
			(*nr)++;
		}
	}
	spin_unlock(&flctx->flc_lock);
	return lease;
}

/* "bytes 0-99" or "bytes 100-EOF" */
static void ckpt_lock_range(char *buf, size_t size, loff_t start, loff_t end)
{
	if (end == OFFSET_MAX)
		snprintf(buf, size, "bytes %lld-EOF", start);
	else
		snprintf(buf, size, "bytes %lld-%lld", start, end);
}

/* Refuse a lock @lk of @file, or a lease on it (@lk NULL). */
static int ckpt_lock_refuse(struct ckpt_ctx *ctx, struct task_struct *t,
			    int fd, struct file *file, const struct ckpt_lk *lk)
{
	char range[48], *page, *path;
	int ret;

	page = (char *)__get_free_page(GFP_KERNEL);
	if (!page)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	path = d_path(&file->f_path, page, PAGE_SIZE);
	if (IS_ERR(path))
		path = "?";
	if (!lk) {
		ret = ckpt_fail(ctx, -EOPNOTSUPP,
				"pid %d fd %d: a lease (F_SETLEASE) on %s; not supported",
				task_pid_vnr(t), fd, path);
	} else {
		ckpt_lock_range(range, sizeof(range), lk->start, lk->end);
		ret = ckpt_fail(ctx, -EOPNOTSUPP,
				"pid %d fd %d: a process outside the group waits for its %s %s lock on %s, %s",
				task_pid_vnr(t), fd, ckpt_lock_kind_name(lk->kind),
				lk->type == F_WRLCK ? "write" : "read", path, range);
	}
	free_page((unsigned long)page);
	return ret;
}

/* Write the locks of @file, open on @fd of @t, not written yet. */
static int ckpt_dump_file_locks(struct ckpt_ctx *ctx, struct task_struct *t,
				int fd, struct file *file,
				struct files_struct *files)
{
	struct file_lock_context *flctx;
	struct ckpt_lk *lk = NULL;
	unsigned int i, nr, max = 0;
	bool lease, new;
	u32 id, fid;
	int ret = 0;

	/* Pairs with the cmpxchg() of locks_get_lock_context(). */
	flctx = smp_load_acquire(&file_inode(file)->i_flctx);
	if (!flctx)
		return 0;
	/* The group is frozen: its locks cannot change between the passes. */
	for (;;) {
		lease = ckpt_read_locks(flctx, file, files, lk, max, &nr);
		if (lease || nr <= max)
			break;
		kfree(lk);
		max = nr;
		lk = kmalloc_array(max, sizeof(*lk), GFP_KERNEL);
		if (!lk)
			return ckpt_fail(ctx, -ENOMEM, "out of memory");
	}
	if (lease) {
		ret = ckpt_lock_refuse(ctx, t, fd, file, NULL);
		goto out;
	}
	fid = ckpt_obj_lookup_file(ctx, file, &new);
	for (i = 0; !ret && i < nr; i++) {
		struct ckpt_flock r = { };

		id = ckpt_obj_lookup(ctx, CKPT_OBJ_LOCK, lk[i].fl, &new);
		if (!id || !fid) {
			ret = ckpt_fail(ctx, -ENOMEM, "out of memory");
			break;
		}
		if (!new)
			continue;
		if (lk[i].waiters) {
			ret = ckpt_lock_refuse(ctx, t, fd, file, &lk[i]);
			break;
		}
		r.kind = cpu_to_le32(lk[i].kind);
		r.type = cpu_to_le32(lk[i].type);
		r.file = cpu_to_le32(fid);
		r.fd = cpu_to_le32(lk[i].kind == CKPT_LOCK_POSIX ? fd : 0);
		r.start = cpu_to_le64(lk[i].start);
		r.end = cpu_to_le64(lk[i].end);
		ret = ckpt_write(ctx, &r, CKPT_REC_FLOCK, sizeof(r));
	}
out:
	kfree(lk);
	return ret;
}

/**
 * ckpt_dump_locks() - write the file locks a process holds
 * @ctx: the checkpoint
 * @t:   the process, frozen, its fds written
 *
 * Return: 0, or -EOPNOTSUPP (with the reason) for a lock another process
 * waits for or a lease, or another negative errno.
 */
static int ckpt_dump_locks(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct files_struct *files;
	unsigned int fd;
	int ret = 0;

	task_lock(t);
	files = t->files;
	task_unlock(t);
	for (fd = 0; !ret; fd++) {
		struct file *file = ckpt_next_file(t, &fd);

		if (!file)
			break;
		if (IS_ERR(file))
			return ckpt_fail(ctx, -EAGAIN, "pid %d fd %u: being closed",
					 task_pid_vnr(t), fd);
		ret = ckpt_dump_file_locks(ctx, t, fd, file, files);
		fput(file);
	}
	return ret;
}

/* flock(fd, LOCK_SH or LOCK_EX | LOCK_NB) on @file */
static int ckpt_flock(struct file *file, unsigned char type)
{
	struct file_lock fl;
	int ret;

	if (!(file->f_mode & (FMODE_READ | FMODE_WRITE)))
		return -EBADF;
	locks_init_lock(&fl);
	fl.fl_file = file;
	fl.fl_owner = file;
	fl.fl_pid = current->tgid;
	fl.fl_flags = FL_FLOCK;
	fl.fl_type = type;
	fl.fl_end = OFFSET_MAX;
	ret = security_file_lock(file, type);
	if (ret)
		return ret;
	if (file->f_op->flock)
		ret = file->f_op->flock(file, F_SETLK, &fl);
	else
		ret = locks_lock_file_wait(file, &fl);
	locks_release_private(&fl);
	return ret;
}

/**
 * ckpt_restore_lock() - take a file lock of the image again
 * @rt:  the process being restored (current), its fds installed
 * @rec: its CKPT_REC_FLOCK
 * @len: bytes of @rec
 *
 * Return: 0, or -EBUSY (with the reason) if another process holds a lock
 * in the way, or another negative errno.
 */
static int ckpt_restore_lock(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_flock *r = rec;
	u32 kind = le32_to_cpu(r->kind), type = le32_to_cpu(r->type);
	u32 fd = le32_to_cpu(r->fd);
	s64 start = le64_to_cpu(r->start), end = le64_to_cpu(r->end);
	struct flock fl = { };
	struct file *file, *installed;
	char range[48], *buf, *path;
	int ret;

	if (len != sizeof(*r) || (type != F_RDLCK && type != F_WRLCK) ||
	    start < 0 || end < start ||
	    (kind == CKPT_LOCK_FLOCK && (start || end != OFFSET_MAX || fd)) ||
	    (kind == CKPT_LOCK_OFD && fd) ||
	    (kind == CKPT_LOCK_POSIX && fd > INT_MAX) ||
	    (kind != CKPT_LOCK_FLOCK && kind != CKPT_LOCK_OFD &&
	     kind != CKPT_LOCK_POSIX))
		return ckpt_fail(rt->ctx, -EINVAL, "image: pid %d: malformed lock record",
				 rt->pid);
	file = ckpt_obj_get_file(rt->ctx, le32_to_cpu(r->file));
	if (!file)
		return -EINVAL;
	if (kind == CKPT_LOCK_POSIX) {
		rcu_read_lock();
		installed = files_lookup_fd_rcu(current->files, fd);
		rcu_read_unlock();
		if (installed != file) {
			fput(file);
			return ckpt_fail(rt->ctx, -EINVAL,
					 "image: pid %d: POSIX lock through fd %u, which does not hold its file",
					 rt->pid, fd);
		}
	}
	if (kind == CKPT_LOCK_FLOCK) {
		ret = ckpt_flock(file, type);
	} else {
		fl.l_type = type;
		fl.l_whence = SEEK_SET;
		fl.l_start = start;
		fl.l_len = end == OFFSET_MAX ? 0 : end - start + 1;
		ret = fcntl_setlk(fd, file, kind == CKPT_LOCK_OFD ? F_OFD_SETLK :
				  F_SETLK, &fl);
	}
	if (ret) {
		ckpt_lock_range(range, sizeof(range), start, end);
		buf = kmalloc(CKPT_REASON_LEN, GFP_KERNEL);
		path = buf ? file_path(file, buf, CKPT_REASON_LEN) : ERR_PTR(-ENOMEM);
		ckpt_fail(rt->ctx, ret == -EAGAIN ? -EBUSY : ret,
			  "pid %d: cannot take its %s %s lock on %s, %s (error %d)%s",
			  rt->pid, ckpt_lock_kind_name(kind),
			  type == F_WRLCK ? "write" : "read",
			  IS_ERR(path) ? "?" : path, range,
			  ret, ret == -EAGAIN ? ": another process holds a lock on it" : "");
		kfree(buf);
		ret = ret == -EAGAIN ? -EBUSY : ret;
	}
	fput(file);
	return ret;
}

static const struct ckpt_rec_op ckpt_locks_recs[] = {
	{ .type = CKPT_REC_FLOCK, .restore = ckpt_restore_lock },
	{ }
};

/* After the fds and the terminal: the locks of the files they hold. */
const struct ckpt_resource ckpt_res_locks = {
	.name		= "file locks",
	.dump		= ckpt_dump_locks,
	.recs		= ckpt_locks_recs,
};
