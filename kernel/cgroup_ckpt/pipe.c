// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: pipes and FIFOs.
 *
 * A pipe is an object of its own, written once with its capacity and the
 * bytes it holds; the files open on it (its ends) are file objects that
 * name it.  The bytes are read without being consumed: the group is
 * frozen, no one outside holds an end (checked first), and the pipe's
 * mutex is held while its buffers are walked.
 *
 * Restart creates an anonymous pipe with create_pipe_files(), sets its
 * capacity, writes the bytes back through its write end, and gives each
 * end to the file record that uses it.  A FIFO is reopened by path: a
 * holder open for reading and writing keeps the pipe alive, and the opens
 * of its files from blocking, until every record is read.  Ends no file
 * took are closed then, so the pipe has the readers and writers it had.
 *
 * A pipe can be restored only if the group holds every reference to it:
 * ckpt_check_held_files() (held.c) looks at every fd table of the group
 * before anything is written, and refuses an open file shared outside the
 * group, and ckpt_check_pipe() a pipe with an end outside.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/log2.h>
#include <linux/magic.h>
#include <linux/pipe_fs_i.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include "ckpt.h"

static_assert(sizeof(struct ckpt_pipe) == 32);
static_assert(sizeof(struct ckpt_pipe_data) == 16);

/* Bytes in one CKPT_REC_PIPE_DATA written; restart takes up to the max. */
#define CKPT_PIPE_CHUNK		(60 * 1024)
#define CKPT_PIPE_DATA_MAX	(CKPT_REC_MAX_LEN - sizeof(struct ckpt_pipe_data))

/* Flags of a file open on a pipe that restart sets again. */
#define CKPT_PIPE_FLAGS		(O_NONBLOCK | O_DIRECT | O_APPEND | O_LARGEFILE)

/**
 * struct ckpt_rpipe - a pipe being restored
 * @pipe:   the pipe, pinned by @end or @holder
 * @kind:   CKPT_FILE_PIPE or CKPT_FILE_FIFO
 * @end:    anonymous pipe: its read and write ends, until a file takes one
 * @holder: FIFO: a file open for reading and writing
 * @path:   FIFO: its path
 */
struct ckpt_rpipe {
	struct pipe_inode_info	*pipe;
	u32			kind;
	struct file		*end[2];
	struct file		*holder;
	char			*path;
};

static bool ckpt_anon_pipe(struct file *file)
{
	return file_inode(file)->i_sb->s_magic == PIPEFS_MAGIC;
}

/**
 * ckpt_check_pipe() - refuse a pipe with an end outside the group
 * @ctx:   the checkpoint
 * @hs:    the files of the group that hold kernel state (held.c)
 * @first: an entry of @hs on a pipe
 *
 * Every file of @hs is referenced by the group only (checked before); the
 * pipe must have no reader or writer but these.  Checked once, from the
 * first entry on the pipe.
 *
 * Return: 0 or -EOPNOTSUPP (with the reason).
 */
static int ckpt_check_pipe(struct ckpt_ctx *ctx, struct ckpt_held_set *hs,
			   unsigned int first)
{
	const struct ckpt_held *h = hs->h;
	struct pipe_inode_info *pipe = h[first].pipe;
	unsigned int i, nr = hs->nr, readers = 0, writers = 0;
	unsigned int p_readers, p_writers;
	bool anon = ckpt_anon_pipe(h[first].file);
	bool watch;

	for (i = 0; i < first && h[i].pipe != pipe; i++)
		;
	if (i < first)
		return 0;
	for (i = first; i < nr; i++) {
		fmode_t mode = h[i].file->f_mode;

		if (h[i].pipe != pipe)
			continue;
		if (anon && (mode & FMODE_READ) && (mode & FMODE_WRITE))
			return ckpt_held_refuse(ctx, &h[i],
						"an anonymous pipe reopened for reading and writing; not supported");
		readers += !!(mode & FMODE_READ);
		writers += !!(mode & FMODE_WRITE);
	}
	pipe_lock(pipe);
	p_readers = pipe->readers;
	p_writers = pipe->writers;
	watch = pipe_has_watch_queue(pipe);
	pipe_unlock(pipe);

	if (watch)
		return ckpt_held_refuse(ctx, &h[first],
					"a notification pipe; not supported");
	if (p_readers != readers || p_writers != writers) {
		char why[160];

		snprintf(why, sizeof(why),
			 "the other end is outside the group (%u readers and %u writers, %u and %u in the group)",
			 p_readers, p_writers, readers, writers);
		return ckpt_held_refuse(ctx, &h[first], why);
	}
	if (anon && (readers > 1 || writers > 1))
		return ckpt_held_refuse(ctx, &h[first],
					"an anonymous pipe with several open files on one end (reopened through /proc); not supported");
	return 0;
}

/* Copy @len bytes of what @pipe holds from byte @off on.  Under its mutex. */
static void ckpt_pipe_copy(struct pipe_inode_info *pipe, u8 *dst, u32 off,
			   u32 len)
{
	unsigned int mask = pipe->ring_size - 1;
	unsigned int i;

	for (i = pipe->tail; len && i != pipe->head; i++) {
		struct pipe_buffer *buf = &pipe->bufs[i & mask];
		u32 n;

		if (off >= buf->len) {
			off -= buf->len;
			continue;
		}
		n = min(buf->len - off, len);
		memcpy_from_page(dst, buf->page, buf->offset + off, n);
		dst += n;
		len -= n;
		off = 0;
	}
}

/* The bytes @pipe holds, or a negative errno.  Under its mutex. */
static long ckpt_pipe_bytes(struct pipe_inode_info *pipe, const char **why)
{
	unsigned int mask = pipe->ring_size - 1;
	unsigned int i;
	long nr = 0;

	for (i = pipe->tail; i != pipe->head; i++) {
		struct pipe_buffer *buf = &pipe->bufs[i & mask];

		if (buf->flags & PIPE_BUF_FLAG_PACKET) {
			*why = "packets (O_DIRECT) buffered in a pipe; not supported yet";
			return -EOPNOTSUPP;
		}
		if (buf->offset + buf->len > PAGE_SIZE) {
			*why = "a pipe buffer larger than a page; not supported";
			return -EOPNOTSUPP;
		}
		if (pipe_buf_confirm(pipe, buf)) {
			*why = "a pipe buffer that cannot be read";
			return -EIO;
		}
		nr += buf->len;
	}
	return nr;
}

/**
 * ckpt_dump_pipe() - write the pipe of a file once, with its contents
 * @ctx:  the checkpoint
 * @t:    the task using the file (named in a refusal)
 * @fd:   the fd it is used through
 * @file: a file open on a pipe or FIFO
 * @id:   where to put the object id of the pipe
 *
 * Return: 0 or a negative errno (with the reason).
 */
static int ckpt_dump_pipe(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
			  struct file *file, u32 *id)
{
	struct pipe_inode_info *pipe = get_pipe_info(file, false);
	struct ckpt_pipe r = { };
	const char *why = NULL;
	char *page, *path;
	u32 off, n;
	long nr;
	bool new;
	int ret;

	if (!pipe)
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d fd %d: a FIFO open with O_PATH; not supported",
				 task_pid_vnr(t), fd);
	*id = ckpt_obj_lookup(ctx, CKPT_OBJ_PIPE, pipe, &new);
	if (!*id)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	if (!new)
		return 0;

	pipe_lock(pipe);
	nr = ckpt_pipe_bytes(pipe, &why);
	r.size = cpu_to_le32(pipe->max_usage * PAGE_SIZE);
	pipe_unlock(pipe);
	if (nr < 0)
		return ckpt_fail(ctx, nr, "pid %d fd %d: %s", task_pid_vnr(t), fd,
				 why);

	page = (char *)__get_free_page(GFP_KERNEL);
	if (!page)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	path = d_path(&file->f_path, page, PAGE_SIZE);
	if (IS_ERR(path)) {
		ret = ckpt_fail(ctx, -EOPNOTSUPP, "pid %d fd %d: path too long",
				task_pid_vnr(t), fd);
		goto out;
	}
	r.id = cpu_to_le32(*id);
	r.kind = cpu_to_le32(ckpt_anon_pipe(file) ? CKPT_FILE_PIPE : CKPT_FILE_FIFO);
	r.nr_bytes = cpu_to_le32(nr);
	r.path_len = cpu_to_le32(strlen(path));
	ret = ckpt_write2(ctx, &r, CKPT_REC_PIPE, sizeof(r), path, strlen(path) + 1);

	for (off = 0; !ret && off < nr; off += n) {
		struct ckpt_pipe_data d = { };

		n = min_t(u32, nr - off, CKPT_PIPE_CHUNK);
		pipe_lock(pipe);
		if (ckpt_pipe_bytes(pipe, &why) != nr) {
			pipe_unlock(pipe);
			ret = ckpt_fail(ctx, -EAGAIN,
					"pid %d fd %d: the pipe changed during the checkpoint",
					task_pid_vnr(t), fd);
			break;
		}
		ckpt_pipe_copy(pipe, ctx->pagebuf, off, n);
		pipe_unlock(pipe);
		d.pipe = cpu_to_le32(*id);
		d.offset = cpu_to_le32(off);
		ret = ckpt_write2(ctx, &d, CKPT_REC_PIPE_DATA, sizeof(d),
				  ctx->pagebuf, n);
	}
out:
	free_page((unsigned long)page);
	return ret;
}

/**
 * ckpt_rpipe_put() - drop a pipe being restored (its object table put)
 * @ptr: the &struct ckpt_rpipe
 */
static void ckpt_rpipe_put(void *ptr)
{
	struct ckpt_rpipe *rp = ptr;

	if (rp->end[0])
		fput(rp->end[0]);
	if (rp->end[1])
		fput(rp->end[1]);
	if (rp->holder)
		fput(rp->holder);
	kfree(rp->path);
	kfree(rp);
}

/* Open the FIFO @path for reading and writing: it must be unused. */
static int ckpt_rpipe_fifo(struct ckpt_rtask *rt, struct ckpt_rpipe *rp,
			   const char *path)
{
	struct file *file;
	bool busy;

	rp->path = kstrdup(path, GFP_KERNEL);
	if (!rp->path)
		return ckpt_fail(rt->ctx, -ENOMEM, "out of memory");
	file = filp_open(path, O_RDWR | O_NONBLOCK | O_LARGEFILE, 0);
	if (IS_ERR(file))
		return ckpt_fail(rt->ctx, PTR_ERR(file),
				 "pid %d: cannot reopen the FIFO %s (error %ld)",
				 rt->pid, path, PTR_ERR(file));
	rp->holder = file;
	rp->pipe = S_ISFIFO(file_inode(file)->i_mode) ?
		   get_pipe_info(file, false) : NULL;
	if (!rp->pipe)
		return ckpt_fail(rt->ctx, -ESTALE, "pid %d: %s is no longer a FIFO",
				 rt->pid, path);
	pipe_lock(rp->pipe);
	busy = rp->pipe->readers != 1 || rp->pipe->writers != 1 ||
	       !pipe_empty(rp->pipe->head, rp->pipe->tail);
	pipe_unlock(rp->pipe);
	if (busy)
		return ckpt_fail(rt->ctx, -EBUSY,
				 "pid %d: the FIFO %s is open in another process",
				 rt->pid, path);
	return 0;
}

/* Refill @w, the write end of pipe @id, with @nr bytes from the image. */
static int ckpt_rpipe_fill(struct ckpt_rtask *rt, u32 id, struct file *w,
			   u32 nr)
{
	struct ckpt_ctx *ctx = rt->ctx;
	struct ckpt_pipe_data *d = ctx->rbuf;
	struct ckpt_hdr rec;
	u32 off, n;
	ssize_t ret;

	for (off = 0; off < nr; off += n) {
		ret = ckpt_read_rec(ctx, &rec);
		if (ret)
			return ret;
		if (rec.type != CKPT_REC_PIPE_DATA || rec.len <= sizeof(*d))
			goto bad;
		ret = ckpt_read_payload(ctx, (void *)d + sizeof(rec),
					rec.len - sizeof(rec));
		if (ret)
			return ret;
		n = rec.len - sizeof(*d);
		if (le32_to_cpu(d->pipe) != id || le32_to_cpu(d->offset) != off ||
		    n > nr - off)
			goto bad;
		ret = kernel_write(w, d->data, n, NULL);
		if (ret != n)
			return ckpt_fail(ctx, ret < 0 ? ret : -EIO,
					 "pid %d: cannot refill pipe %u (error %zd)",
					 rt->pid, id, ret);
	}
	return 0;
bad:
	return ckpt_fail(ctx, -EINVAL,
			 "image: pid %d: pipe %u: bad data record at byte %llu",
			 rt->pid, id, ctx->s.bytes);
}

/**
 * ckpt_restore_pipe() - create a pipe, or reopen a FIFO, and refill it
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_PIPE
 * @len: bytes of @rec
 *
 * Reads the CKPT_REC_PIPE_DATA records that follow.
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_pipe(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_ctx *ctx = rt->ctx;
	struct ckpt_pipe *r = rec;
	u32 id, kind, size, nr;
	struct ckpt_rpipe *rp;
	const char *path;
	struct file *w;
	long ret;

	if (len < sizeof(*r))
		goto bad;
	id = le32_to_cpu(r->id);
	kind = le32_to_cpu(r->kind);
	size = le32_to_cpu(r->size);
	nr = le32_to_cpu(r->nr_bytes);
	path = ckpt_rec_string(rec, sizeof(*r), len, le32_to_cpu(r->path_len));
	if (!path || r->__reserved ||
	    (kind != CKPT_FILE_PIPE && kind != CKPT_FILE_FIFO) ||
	    (kind == CKPT_FILE_FIFO && path[0] != '/') ||
	    !size || size % PAGE_SIZE || !is_power_of_2(size / PAGE_SIZE) ||
	    nr > size)
		goto bad;

	rp = kzalloc(sizeof(*rp), GFP_KERNEL);
	if (!rp)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	rp->kind = kind;
	if (kind == CKPT_FILE_PIPE) {
		ret = create_pipe_files(rp->end, 0);
		if (ret) {
			rp->end[0] = NULL;
			rp->end[1] = NULL;
			ckpt_rpipe_put(rp);
			return ckpt_fail(ctx, ret, "pid %d: cannot create a pipe (error %ld)",
					 rt->pid, ret);
		}
		rp->pipe = get_pipe_info(rp->end[1], false);
		w = rp->end[1];
	} else {
		ret = ckpt_rpipe_fifo(rt, rp, path);
		if (ret) {
			ckpt_rpipe_put(rp);
			return ret;
		}
		w = rp->holder;
	}
	/* From here on the table owns @rp. */
	ret = ckpt_obj_add_owned(ctx, id, CKPT_OBJ_RPIPE, rp, ckpt_rpipe_put);
	if (ret)
		return ret;
	ret = pipe_fcntl(w, F_SETPIPE_SZ, size);
	if (ret != size)
		return ckpt_fail(ctx, ret < 0 ? ret : -EINVAL,
				 "pid %d: cannot give pipe %u a size of %u bytes (error %ld)",
				 rt->pid, id, size, ret);
	return ckpt_rpipe_fill(rt, id, w, nr);
bad:
	return ckpt_fail(ctx, -EINVAL, "image: pid %d: malformed pipe record",
			 rt->pid);
}

/**
 * ckpt_restore_pipe_file() - the file of a CKPT_REC_FILE on a pipe
 * @rt:    the task being restored (current)
 * @r:     its CKPT_REC_FILE
 * @path:  the path it gives
 *
 * Return: the file, referenced, or an ERR_PTR() (with the reason).
 */
static struct file *ckpt_restore_pipe_file(struct ckpt_rtask *rt,
					   const struct ckpt_file *r,
					   const char *path)
{
	u32 id = le32_to_cpu(r->obj);
	u32 kind = le32_to_cpu(r->kind);
	u32 flags = le32_to_cpu(r->flags);
	struct ckpt_ctx *ctx = rt->ctx;
	u32 acc = flags & O_ACCMODE;
	struct ckpt_rpipe *rp;
	struct file *file;

	rp = ckpt_obj_get(ctx, id, CKPT_OBJ_RPIPE);
	if (!rp)
		return ERR_PTR(-EINVAL);
	if (rp->kind != kind || (flags & ~(O_ACCMODE | CKPT_PIPE_FLAGS)) ||
	    acc == O_ACCMODE || (kind == CKPT_FILE_PIPE && acc == O_RDWR))
		goto bad;
	if (kind == CKPT_FILE_PIPE) {
		file = rp->end[acc == O_WRONLY];
		if (!file)
			goto bad;
		rp->end[acc == O_WRONLY] = NULL;
	} else {
		file = filp_open(rp->path, acc | O_NONBLOCK | O_LARGEFILE, 0);
		if (IS_ERR(file))
			return ERR_PTR(ckpt_fail(ctx, PTR_ERR(file),
						 "pid %d: cannot reopen the FIFO %s (error %ld)",
						 rt->pid, rp->path, PTR_ERR(file)));
		if (get_pipe_info(file, false) != rp->pipe) {
			fput(file);
			return ERR_PTR(ckpt_fail(ctx, -ESTALE,
						 "pid %d: %s is no longer the FIFO it was",
						 rt->pid, rp->path));
		}
	}
	/* Not installed anywhere yet: no fcntl() can race with this. */
	spin_lock(&file->f_lock);
	file->f_flags = (file->f_flags & ~CKPT_PIPE_FLAGS) |
			(flags & CKPT_PIPE_FLAGS);
	spin_unlock(&file->f_lock);
	return file;
bad:
	return ERR_PTR(ckpt_fail(ctx, -EINVAL,
				 "image: pid %d: bad file on pipe %u (kind %u, flags %#o)",
				 rt->pid, id, kind, flags));
}

/**
 * ckpt_pipe_finish() - close the pipe ends no file took
 * @ctx: the restart, every record read
 *
 * Called by the restarter before the tasks run, so that they see the
 * readers and writers of each pipe as they were: a reader whose pipe had
 * no writer left reads the end of file.
 *
 * Context: the restarter, once every task has read its records.
 * Return: 0.
 */
static int ckpt_pipe_finish(struct ckpt_ctx *ctx)
{
	ckpt_obj_drop_type(ctx, CKPT_OBJ_RPIPE);
	/* the final fput()s, now rather than when the restarter returns */
	task_work_run();
	return 0;
}

static bool ckpt_is_anon_pipe(struct file *file)
{
	return S_ISFIFO(file_inode(file)->i_mode) && ckpt_anon_pipe(file);
}

static bool ckpt_is_fifo(struct file *file)
{
	return S_ISFIFO(file_inode(file)->i_mode) && !ckpt_anon_pipe(file);
}

/* The group holds a pipe alone, unless the file is not open on it (O_PATH). */
static bool ckpt_pipe_held(struct file *file)
{
	return get_pipe_info(file, false);
}

/* A FIFO is reopened by its name, which must still be there. */
static int ckpt_dump_fifo(struct ckpt_ctx *ctx, struct ckpt_fdump *d)
{
	if (d_unlinked(d->file->f_path.dentry))
		return ckpt_refuse_file(ctx, d, "a deleted FIFO; not supported yet");
	return ckpt_dump_pipe(ctx, d->t, d->fd, d->file, &d->obj);
}

static const struct ckpt_file_ops ckpt_pipe_files[] = {
	{
		.kind		= CKPT_FILE_PIPE,
		.flags		= CKPT_FOP_NOPOS,
		.is		= ckpt_is_anon_pipe,
		.dump		= ckpt_dump_pipe,
		.open		= ckpt_restore_pipe_file,
		.held		= ckpt_pipe_held,
		.check_held	= ckpt_check_pipe,
	},
	{
		.kind		= CKPT_FILE_FIFO,
		.flags		= CKPT_FOP_NOPOS,
		.is		= ckpt_is_fifo,
		.dump_as	= ckpt_dump_fifo,
		.open		= ckpt_restore_pipe_file,
		.held		= ckpt_pipe_held,
		.check_held	= ckpt_check_pipe,
	},
	{ }
};

static const struct ckpt_rec_op ckpt_pipe_recs[] = {
	{ .type = CKPT_REC_PIPE, .restore = ckpt_restore_pipe },
	{ .type = CKPT_REC_PIPE_DATA, .flags = CKPT_ROP_NESTED },
	{ }
};

const struct ckpt_resource ckpt_res_pipe = {
	.name		= "pipes",
	.finish		= ckpt_pipe_finish,
	.recs		= ckpt_pipe_recs,
	.files		= ckpt_pipe_files,
};
