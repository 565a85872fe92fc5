// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: open file descriptions.
 *
 * An open file description is an object: written once (its kind, flags,
 * offset and path), then referred to by id from every fd and memory area
 * using it, so that sharing survives.  What it is open on (a pipe, an
 * eventfd, a memfd's contents...) is written first by the kind of file it
 * is, a &struct ckpt_file_ops that ckpt_resources[] lists: this file knows
 * none of them by name.  A file of no kind is refused at checkpoint, with
 * a reason that names the fd.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/dcache.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/magic.h>
#include <linux/major.h>
#include <linux/slab.h>
#include "ckpt.h"

static_assert(sizeof(struct ckpt_file) == 56);

/* Flags of an open file that reopening it must give again. */
#define CKPT_FILE_FLAGS	(O_ACCMODE | O_APPEND | O_NONBLOCK | O_DSYNC | \
			 O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | \
			 O_NOATIME | __O_SYNC | O_PATH)

static bool ckpt_pseudo_fs(struct super_block *sb)
{
	switch (sb->s_magic) {
	case PROC_SUPER_MAGIC:
	case SYSFS_MAGIC:
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
	case DEBUGFS_MAGIC:
	case TRACEFS_MAGIC:
	case SECURITYFS_MAGIC:
	case BPF_FS_MAGIC:
		return true;
	}
	return false;
}

/* Why a file of no kind is refused. */
static const char *ckpt_file_unknown(struct file *file)
{
	struct inode *inode = file_inode(file);
	unsigned int major = MAJOR(inode->i_rdev);

	if (S_ISCHR(inode->i_mode))
		return major == TTY_MAJOR || major == TTYAUX_MAJOR ||
		       major >= UNIX98_PTY_SLAVE_MAJOR ?
		       "a terminal other than a pty; not supported" :
		       "a character device; not supported";
	if (S_ISBLK(inode->i_mode))
		return "a block device; not supported";
	return "a file of a kind not supported";
}

/* Write what @d is open on through its kind, and say which kind it is. */
static const struct ckpt_file_ops *ckpt_dump_kind(struct ckpt_ctx *ctx,
						  const struct ckpt_file_ops *k,
						  struct ckpt_fdump *d)
{
	int ret = 0;

	if (!k)
		ret = ckpt_refuse_file(ctx, d, ckpt_file_unknown(d->file));
	else if (!(k->flags & CKPT_FOP_ANYFS) &&
		 ckpt_pseudo_fs(file_inode(d->file)->i_sb))
		ret = ckpt_refuse_file(ctx, d,
				       "a file of a pseudo file system; not supported");
	else if (k->dump)
		ret = k->dump(ctx, d->t, d->fd, d->file, &d->obj);
	else if (k->dump_as)
		ret = k->dump_as(ctx, d);
	if (ret)
		return ERR_PTR(ret);
	/* ->dump_as() may have said what it is more exactly */
	return d->kind == k->kind ? k : ckpt_file_ops_find(d->kind);
}

/* Write the CKPT_REC_FILE of @d, whose kind @k wrote what it is open on. */
static int ckpt_write_file(struct ckpt_ctx *ctx, const struct ckpt_file_ops *k,
			   const struct ckpt_fdump *d)
{
	struct inode *inode = file_inode(d->file);
	struct ckpt_file r = { };
	size_t len = strlen(d->path);

	r.id = cpu_to_le32(d->id);
	r.kind = cpu_to_le32(d->kind);
	r.flags = cpu_to_le32(d->file->f_flags & CKPT_FILE_FLAGS);
	r.mode = cpu_to_le32(inode->i_mode);
	if (!(k->flags & CKPT_FOP_NOPOS)) {
		r.pos = cpu_to_le64(d->file->f_pos);
		r.size = cpu_to_le64(i_size_read(inode));
	}
	if (k->flags & CKPT_FOP_MTIME)
		r.mtime = cpu_to_le64(timespec64_to_ns(&inode->i_mtime));
	r.obj = cpu_to_le32(d->obj);
	r.path_len = cpu_to_le32(len);
	return ckpt_write2(ctx, &r, CKPT_REC_FILE, sizeof(r), d->path, len + 1);
}

static int ckpt_dump_file_as(struct ckpt_ctx *ctx, struct ckpt_fdump *d)
{
	const struct ckpt_file_ops *k;
	char *page;
	bool new;
	int ret;

	d->id = ckpt_obj_lookup_file(ctx, d->file, &new);
	if (!d->id)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	if (!new)
		return 0;
	k = ckpt_file_ops_match(ctx, d);
	if (k && (k->flags & CKPT_FOP_OWN_REC))
		return k->dump_as(ctx, d);

	page = (char *)__get_free_page(GFP_KERNEL);
	if (!page)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	d->path = d_path(&d->file->f_path, page, PAGE_SIZE);
	if (IS_ERR(d->path)) {
		d->path = NULL;
		ret = ckpt_refuse_file(ctx, d, "a path too long");
		goto out;
	}
	d->kind = k ? k->kind : 0;
	k = ckpt_dump_kind(ctx, k, d);
	ret = PTR_ERR_OR_ZERO(k);
	if (!ret)
		ret = k ? ckpt_write_file(ctx, k, d) : -EINVAL;
out:
	free_page((unsigned long)page);
	return ret;
}

/**
 * ckpt_dump_file() - write an open file description once, get its id
 * @ctx:  the checkpoint
 * @t:    the task using it (named in a refusal)
 * @fd:   the fd it is used through, or -1 for a memory mapping
 * @file: the file
 * @id:   where to put its object id
 *
 * Return: 0, or -EOPNOTSUPP (with the reason) for a file that cannot be
 * reopened at restart, or another negative errno.
 */
int ckpt_dump_file(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
		   struct file *file, u32 *id)
{
	struct ckpt_fdump d = { .t = t, .fd = fd, .file = file };
	int ret = ckpt_dump_file_as(ctx, &d);

	*id = d.id;
	return ret;
}

/**
 * ckpt_dump_mapped_file() - ckpt_dump_file() for the file of a memory area
 * @ctx:    the checkpoint
 * @t:      the task mapping it
 * @file:   the file
 * @shared: the area is MAP_SHARED: its writes are the file's contents
 * @id:     where to put its object id
 *
 * Return: as ckpt_dump_file().
 */
int ckpt_dump_mapped_file(struct ckpt_ctx *ctx, struct task_struct *t,
			  struct file *file, bool shared, u32 *id)
{
	struct ckpt_fdump d = { .t = t, .fd = -1, .shared = shared,
				.file = file };
	int ret = ckpt_dump_file_as(ctx, &d);

	*id = d.id;
	return ret;
}

/* What every kind asks of a CKPT_REC_FILE. */
static bool ckpt_file_rec_ok(const struct ckpt_file_ops *k,
			     const struct ckpt_file *r, const char *path)
{
	u32 flags = le32_to_cpu(r->flags);

	if (!k || !path || (flags & ~CKPT_FILE_FLAGS) ||
	    (s64)le64_to_cpu(r->pos) < 0)
		return false;
	if (r->mtime && !(k->flags & CKPT_FOP_MTIME))
		return false;
	if ((k->flags & CKPT_FOP_NOPOS) && (r->pos || r->size))
		return false;
	if ((k->flags & CKPT_FOP_PATH) && path[0] != '/')
		return false;
	return !((k->flags & CKPT_FOP_NODIR) && (flags & O_DIRECTORY));
}

/**
 * ckpt_restore_file() - reopen an open file description of the image
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_FILE
 * @len: bytes of @rec
 *
 * The kind of file named in the record makes it; one reopened by path is
 * then put at its offset.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_restore_file(struct ckpt_rtask *rt, void *rec, u32 len)
{
	const struct ckpt_file *r = rec;
	const struct ckpt_file_ops *k;
	loff_t pos = le64_to_cpu(r->pos);
	struct file *file;
	const char *path;

	if (len < sizeof(*r))
		goto bad;
	path = ckpt_rec_string(rec, sizeof(*r), len, le32_to_cpu(r->path_len));
	k = ckpt_file_ops_find(le32_to_cpu(r->kind));
	if (!ckpt_file_rec_ok(k, r, path))
		goto bad;
	file = k->open(rt, r, path);
	if (IS_ERR(file))
		return PTR_ERR(file);
	if ((k->flags & CKPT_FOP_PATH) && pos && (file->f_mode & FMODE_LSEEK) &&
	    vfs_llseek(file, pos, SEEK_SET) != pos) {
		fput(file);
		return ckpt_fail(rt->ctx, -ESTALE,
				 "pid %d: cannot seek %s to %lld", rt->pid, path, pos);
	}
	return ckpt_obj_add_file(rt->ctx, le32_to_cpu(r->id), file);
bad:
	return ckpt_fail(rt->ctx, -EINVAL, "image: pid %d: malformed file record",
			 rt->pid);
}

/**
 * ckpt_take_fd() - take the file a system call installed in our fd table
 * @fd: what the call returned: an fd number, or a negative errno
 *
 * Restart makes some objects through their system call (eventfd2,
 * epoll_create1, signalfd4, mq_open...), which installs an fd in the
 * current task's table; the file is what restart wants, not the fd.
 *
 * Return: the file, referenced, with @fd closed; or an ERR_PTR().
 */
struct file *ckpt_take_fd(long fd)
{
	struct file *file;

	if (fd < 0)
		return ERR_PTR(fd);
	file = fget(fd);
	close_fd(fd);
	return file ?: ERR_PTR(-EBADF);
}
