// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: the contents of open regular files (ckpt.exclude -files).
 *
 * By default ckpt.exclude names "files": a regular file is reopened by
 * path and restart refuses one whose size or mtime changed since the
 * checkpoint.  Without "files", the checkpoint also writes the contents of
 * every regular file the group has open through an fd or maps MAP_SHARED
 * (not the executable nor files only mapped privately: those are the
 * program, not its data), once per inode: a CKPT_REC_REGFILE, then its
 * bytes in CKPT_REC_REGFILE_DATA pieces, holes left out (SEEK_DATA,
 * SEEK_HOLE).  The file is read through an open file of the writer's own,
 * with the writer's rights: the group's offsets are not touched.
 *
 * Restart puts each such file back at its path before reopening it, with
 * the restarter's rights: a file whose size and mtime are still those of
 * the checkpoint is left alone (a read-only file on a read-only mount
 * restarts); another one is truncated, sized and rewritten piece by piece
 * as the records come; a missing one is created.  The files open on it
 * (CKPT_FILE_REGDATA) are then reopened by path and must be on that inode.
 * What was rewritten stays so if the restart fails later.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/slab.h>
#include "ckpt.h"

static_assert(sizeof(struct ckpt_regfile) == 40);
static_assert(sizeof(struct ckpt_regfile_data) == 24);
static_assert(sizeof(struct ckpt_regfile_data) + CKPT_REGFILE_CHUNK <=
	      CKPT_REC_MAX_LEN);
static_assert(CKPT_PAGES_MAX * PAGE_SIZE >= CKPT_REGFILE_CHUNK);

/**
 * ckpt_regfile_saved() - whether a regular file's contents go in the image
 * @ctx:    the checkpoint
 * @fd:     the fd it is used through, or -1 for a memory mapping
 * @shared: a memory mapping: MAP_SHARED
 *
 * Return: true unless ckpt.exclude names "files", or the file is only
 * mapped privately (or is the executable).
 */
static bool ckpt_regfile_saved(struct ckpt_ctx *ctx, int fd, bool shared)
{
	return !(ctx->exclude & CKPT_EXCL_FILES) && (fd >= 0 || shared);
}

/* "fd 3" or "memory" */
static void ckpt_regfile_where(char *buf, size_t size, int fd)
{
	if (fd >= 0)
		snprintf(buf, size, "fd %d", fd);
	else
		strscpy(buf, "memory", size);
}

/* Write the data of @rf from 0 to @size, holes left out, for object @id. */
static int ckpt_regfile_pieces(struct ckpt_ctx *ctx, struct task_struct *t,
			       const char *where, const char *path,
			       struct file *rf, u32 id, loff_t size)
{
	struct ckpt_regfile_data d = { .file = cpu_to_le32(id) };
	loff_t pos = 0, data, hole, off;
	ssize_t got;
	size_t n;
	int ret;

	while (pos < size) {
		data = vfs_llseek(rf, pos, SEEK_DATA);
		if (data == -ENXIO)
			break;
		/* No SEEK_DATA here: all of it is data. */
		if (data < 0) {
			data = pos;
			hole = size;
		} else {
			hole = vfs_llseek(rf, data, SEEK_HOLE);
			if (hole < 0 || hole > size)
				hole = size;
		}
		if (data >= size)
			break;
		for (off = data; off < hole; off += n) {
			loff_t rpos = off;

			n = min_t(loff_t, hole - off, CKPT_REGFILE_CHUNK);
			got = kernel_read(rf, ctx->pagebuf, n, &rpos);
			if (got < 0)
				return ckpt_fail(ctx, got,
						 "pid %d %s: %s: cannot read its contents (error %zd)",
						 task_pid_vnr(t), where, path, got);
			if (got != n)
				return ckpt_fail(ctx, -EAGAIN,
						 "pid %d %s: %s: shrank while its contents were saved; try again",
						 task_pid_vnr(t), where, path);
			d.offset = cpu_to_le64(off);
			ret = ckpt_write2(ctx, &d, CKPT_REC_REGFILE_DATA, sizeof(d),
					  ctx->pagebuf, n);
			if (ret)
				return ret;
		}
		pos = hole;
	}
	return 0;
}

/**
 * ckpt_dump_regfile() - write the contents of a regular file once
 * @ctx:  the checkpoint
 * @t:    the task using it (named in a refusal)
 * @fd:   the fd it is used through, or -1 for a memory mapping
 * @file: an open file on it
 * @path: its path
 * @id:   where to put the object id of its CKPT_REC_REGFILE
 *
 * Context: the writer, whose rights read the file.
 * Return: 0, or -EACCES (with the reason) if the writer may not read it,
 * or another negative errno.
 */
static int ckpt_dump_regfile(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
			     struct file *file, const char *path, u32 *id)
{
	struct inode *inode = file_inode(file);
	struct ckpt_regfile r = { };
	struct file *rf;
	char where[24];
	loff_t size;
	bool new;
	int ret;

	*id = ckpt_obj_lookup(ctx, CKPT_OBJ_REGFILE, inode, &new);
	if (!*id)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	if (!new)
		return 0;
	ckpt_regfile_where(where, sizeof(where), fd);
	rf = dentry_open(&file->f_path, O_RDONLY | O_LARGEFILE, current_cred());
	if (IS_ERR(rf)) {
		ret = PTR_ERR(rf);
		return ckpt_fail(ctx, ret == -EPERM ? -EACCES : ret,
				 "pid %d %s: %s: the writer cannot read it to save its contents (error %d); with ckpt.exclude +files it is reopened by path instead",
				 task_pid_vnr(t), where, path, ret);
	}
	size = i_size_read(inode);
	r.id = cpu_to_le32(*id);
	r.mode = cpu_to_le32(inode->i_mode);
	r.size = cpu_to_le64(size);
	r.mtime = cpu_to_le64(timespec64_to_ns(&inode->i_mtime));
	r.path_len = cpu_to_le32(strlen(path));
	ret = ckpt_write2(ctx, &r, CKPT_REC_REGFILE, sizeof(r), path,
			  strlen(path) + 1);
	/* A dry run looks at the file, not at its contents. */
	if (!ret && !ctx->check)
		ret = ckpt_regfile_pieces(ctx, t, where, path, rf, *id, size);
	fput(rf);
	return ret;
}

/**
 * struct ckpt_rregfile - a regular file put back by a restart
 * @path:    where it is
 * @wfile:   open for writing while its contents come, or NULL
 * @id:      the object id of its record
 * @size:    its size
 * @next:    the offset the next piece may start at
 * @rewrite: it changed since the checkpoint: the pieces are written
 */
struct ckpt_rregfile {
	struct path	path;
	struct file	*wfile;
	u32		id;
	loff_t		size;
	loff_t		next;
	bool		rewrite;
};

/**
 * ckpt_rregfile_put() - drop a regular file of a restart
 * @ptr: its struct ckpt_rregfile
 */
static void ckpt_rregfile_put(void *ptr)
{
	struct ckpt_rregfile *o = ptr;

	if (o->wfile)
		fput(o->wfile);
	path_put(&o->path);
	kfree(o);
}

/**
 * ckpt_regfile_close() - the contents of the current file are in
 * @ctx: the restart
 */
static void ckpt_regfile_close(struct ckpt_ctx *ctx)
{
	struct ckpt_rregfile *o = ctx->priv[CKPT_RES_ID_regfile];

	ctx->priv[CKPT_RES_ID_regfile] = NULL;
	if (o && o->wfile) {
		fput(o->wfile);
		o->wfile = NULL;
	}
}

/* Open the file at @path for writing, creating it if missing. */
static int ckpt_regfile_open(struct ckpt_rtask *rt, struct ckpt_rregfile *o,
			     const struct ckpt_regfile *r, const char *path)
{
	struct inode *inode;
	struct file *f;
	int umask, ret;

	ret = kern_path(path, 0, &o->path);
	if (ret == -ENOENT) {
		/* The bits it had, not those the program's umask leaves. */
		umask = current->fs->umask;
		current->fs->umask = 0;
		f = filp_open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			      O_LARGEFILE, le32_to_cpu(r->mode) & 0777);
		current->fs->umask = umask;
		if (IS_ERR(f))
			return ckpt_fail(rt->ctx, PTR_ERR(f),
					 "pid %d: %s: cannot create it to put its contents back (error %ld)",
					 rt->pid, path, PTR_ERR(f));
		o->path = f->f_path;
		path_get(&o->path);
		o->wfile = f;
		o->rewrite = true;
		return 0;
	}
	if (ret)
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: %s: cannot find it to put its contents back (error %d)",
				 rt->pid, path, ret);
	inode = d_inode(o->path.dentry);
	if (!S_ISREG(inode->i_mode))
		return ckpt_fail(rt->ctx, -ESTALE,
				 "pid %d: %s: no longer a regular file; cannot put its contents back",
				 rt->pid, path);
	/* As the checkpoint left it: nothing to write. */
	if (i_size_read(inode) == le64_to_cpu(r->size) &&
	    timespec64_to_ns(&inode->i_mtime) == le64_to_cpu(r->mtime))
		return 0;
	f = dentry_open(&o->path, O_WRONLY | O_LARGEFILE, current_cred());
	if (IS_ERR(f))
		return ckpt_fail(rt->ctx, PTR_ERR(f),
				 "pid %d: %s: changed since the checkpoint, and cannot be opened to put its contents back (error %ld)",
				 rt->pid, path, PTR_ERR(f));
	o->wfile = f;
	o->rewrite = true;
	return 0;
}

/**
 * ckpt_restore_regfile() - put a regular file back, as its pieces come
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_REGFILE
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_regfile(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_regfile *r = rec;
	struct ckpt_rregfile *o;
	const char *path;
	u32 mode, id;
	u64 size;
	int ret;

	if (len < sizeof(*r))
		goto bad;
	path = ckpt_rec_string(rec, sizeof(*r), len, le32_to_cpu(r->path_len));
	mode = le32_to_cpu(r->mode);
	size = le64_to_cpu(r->size);
	id = le32_to_cpu(r->id);
	if (!path || path[0] != '/' || r->__reserved || !S_ISREG(mode) ||
	    (mode & ~(S_IFMT | 07777)) || size > MAX_LFS_FILESIZE)
		goto bad;
	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return ckpt_fail(rt->ctx, -ENOMEM, "out of memory");
	o->id = id;
	o->size = size;
	ret = ckpt_regfile_open(rt, o, r, path);
	if (!ret && o->rewrite) {
		ret = vfs_truncate(&o->path, 0);
		if (!ret)
			ret = vfs_truncate(&o->path, size);
		if (ret)
			ret = ckpt_fail(rt->ctx, ret,
					"pid %d: %s: cannot resize it to %llu bytes (error %d)",
					rt->pid, path, size, ret);
	}
	if (ret) {
		if (o->path.dentry)
			path_put(&o->path);
		if (o->wfile)
			fput(o->wfile);
		kfree(o);
		return ret;
	}
	ret = ckpt_obj_add_owned(rt->ctx, id, CKPT_OBJ_RREGFILE, o,
				 ckpt_rregfile_put);
	if (ret) {
		ckpt_rregfile_put(o);
		return ret;
	}
	rt->ctx->priv[CKPT_RES_ID_regfile] = o;
	return 0;
bad:
	return ckpt_fail(rt->ctx, -EINVAL,
			 "image: pid %d: malformed regular file record", rt->pid);
}

/**
 * ckpt_restore_regfile_data() - write one piece of a file back
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_REGFILE_DATA
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_regfile_data(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_rregfile *o = rt->ctx->priv[CKPT_RES_ID_regfile];
	struct ckpt_regfile_data *r = rec;
	u64 off = le64_to_cpu(r->offset);
	loff_t pos = off;
	size_t n;
	ssize_t got;

	if (!o || len <= sizeof(*r) || r->__reserved ||
	    le32_to_cpu(r->file) != o->id)
		goto bad;
	n = len - sizeof(*r);
	if (n > CKPT_REGFILE_CHUNK || off < o->next || off > o->size ||
	    n > o->size - off)
		goto bad;
	o->next = off + n;
	if (!o->wfile)
		return 0;
	got = kernel_write(o->wfile, r->data, n, &pos);
	if (got != n)
		return ckpt_fail(rt->ctx, got < 0 ? got : -EIO,
				 "pid %d: cannot put the contents of a file back at byte %llu (error %zd)",
				 rt->pid, off, got);
	return 0;
bad:
	return ckpt_fail(rt->ctx, -EINVAL,
			 "image: pid %d: malformed regular file data record", rt->pid);
}

/**
 * ckpt_restore_regfile_file() - reopen a file whose contents were put back
 * @rt:    the task being restored (current)
 * @r:     its CKPT_REC_FILE
 * @path:  the path it gives
 *
 * Return: the file, or an ERR_PTR() (with the reason).
 */
static struct file *ckpt_restore_regfile_file(struct ckpt_rtask *rt,
					      const struct ckpt_file *r,
					      const char *path)
{
	u32 id = le32_to_cpu(r->obj);
	u32 flags = le32_to_cpu(r->flags);
	struct ckpt_rregfile *o;
	struct file *file;

	o = ckpt_obj_get(rt->ctx, id, CKPT_OBJ_RREGFILE);
	if (!o)
		return ERR_PTR(-EINVAL);
	file = filp_open(path, flags | O_LARGEFILE, 0);
	if (IS_ERR(file)) {
		ckpt_fail(rt->ctx, PTR_ERR(file), "pid %d: cannot reopen %s (error %ld)",
			  rt->pid, path, PTR_ERR(file));
		return file;
	}
	if (file_inode(file) != d_inode(o->path.dentry)) {
		fput(file);
		ckpt_fail(rt->ctx, -ESTALE,
			  "pid %d: %s is not the file whose contents were put back",
			  rt->pid, path);
		return ERR_PTR(-ESTALE);
	}
	return file;
}

/* A regular file's pieces follow it at once: the first other record ends them. */
static int ckpt_regfile_seq_end(struct ckpt_rtask *rt)
{
	ckpt_regfile_close(rt->ctx);
	return 0;
}

/* A regular file, unless ckpt.exclude files leaves its contents out. */
static bool ckpt_regfile_match(struct ckpt_ctx *ctx, const struct ckpt_fdump *d)
{
	return S_ISREG(file_inode(d->file)->i_mode) &&
	       ckpt_regfile_saved(ctx, d->fd, d->shared);
}

static int ckpt_dump_regfile_as(struct ckpt_ctx *ctx, struct ckpt_fdump *d)
{
	return ckpt_dump_regfile(ctx, d->t, d->fd, d->file, d->path, &d->obj);
}

static const struct ckpt_file_ops ckpt_regfile_files[] = {
	{
		.kind		= CKPT_FILE_REGDATA,
		.flags		= CKPT_FOP_PATH | CKPT_FOP_NODIR,
		.match		= ckpt_regfile_match,
		.dump_as	= ckpt_dump_regfile_as,
		.open		= ckpt_restore_regfile_file,
		.held		= ckpt_held_offset,
	},
	{ }
};

static const struct ckpt_rec_op ckpt_regfile_recs[] = {
	{ .type = CKPT_REC_REGFILE, .restore = ckpt_restore_regfile },
	{ .type = CKPT_REC_REGFILE_DATA, .flags = CKPT_ROP_CONT,
	  .restore = ckpt_restore_regfile_data },
	{ }
};

const struct ckpt_resource ckpt_res_regfile = {
	.name		= "regular file contents",
	.seq_end	= ckpt_regfile_seq_end,
	.recs		= ckpt_regfile_recs,
	.files		= ckpt_regfile_files,
};
