// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: open files reopened by path, and devices left out.
 *
 * A regular file, a directory or one of the stateless memory devices
 * (/dev/null...) is reopened by its path at restart, with the restarter's
 * rights, and put at its offset again (file.c).  A regular file must be
 * the one the image saw.  Regular files whose contents are in the image
 * are other kinds (shmem.c, regfile.c), matched before these.
 *
 * With ckpt.exclude dev, a device or terminal is left out: /dev/null
 * stands for it at restart.  That kind is matched before every other.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/major.h>
#include "ckpt.h"

/* /dev/null, zero, full, random, urandom */
static bool ckpt_mem_dev(dev_t rdev)
{
	if (MAJOR(rdev) != MEM_MAJOR)
		return false;
	switch (MINOR(rdev)) {
	case 3: case 5: case 7: case 8: case 9:
		return true;
	}
	return false;
}

/*
 * A device or terminal that ckpt.exclude dev leaves out: every character
 * and block device but the stateless memory devices above, which are
 * reopened by path as always.
 */
static bool ckpt_dev_excluded(struct ckpt_ctx *ctx, const struct ckpt_fdump *d)
{
	struct inode *inode = file_inode(d->file);

	if (!(ctx->exclude & CKPT_EXCL_DEV))
		return false;
	return S_ISBLK(inode->i_mode) ||
	       (S_ISCHR(inode->i_mode) && !ckpt_mem_dev(inode->i_rdev));
}

/*
 * A regular file reopened by path must be the one the image saw: same size
 * and modification time, unless the trigger said "skip-file-check".  A
 * file open for appending only (a log) may have grown, not shrunk.
 */
static bool ckpt_file_changed(struct ckpt_rtask *rt, struct file *file,
			      const struct ckpt_file *r, const char *path)
{
	struct inode *inode = file_inode(file);
	s64 size = i_size_read(inode), mtime = timespec64_to_ns(&inode->i_mtime);
	u32 flags = le32_to_cpu(r->flags);
	bool append = (flags & O_APPEND) && (flags & O_ACCMODE) == O_WRONLY;

	if (rt->ctx->skip_file_check ||
	    (append && size >= le64_to_cpu(r->size)))
		return false;
	if (size != le64_to_cpu(r->size)) {
		ckpt_fail(rt->ctx, -ESTALE,
			  "pid %d: %s changed since the checkpoint: size %lld, was %llu; restart with skip-file-check to accept it",
			  rt->pid, path, size, le64_to_cpu(r->size));
		return true;
	}
	if (mtime != le64_to_cpu(r->mtime)) {
		ckpt_fail(rt->ctx, -ESTALE,
			  "pid %d: %s changed since the checkpoint: modified %lld ns after it; restart with skip-file-check to accept it",
			  rt->pid, path, mtime - (s64)le64_to_cpu(r->mtime));
		return true;
	}
	return false;
}

/* Flags of a device left out that /dev/null in its place is opened with. */
#define CKPT_DEV_EXCL_FLAGS	(O_ACCMODE | O_APPEND | O_NONBLOCK | O_PATH)

/*
 * What stands for a device or terminal left out (ckpt.exclude dev):
 * /dev/null, opened with the same access mode.  Reads give end of file,
 * writes succeed and go nowhere, terminal ioctls fail with ENOTTY.
 */
static struct file *ckpt_restore_dev_excl(struct ckpt_rtask *rt,
					  const struct ckpt_file *r,
					  const char *path)
{
	u32 flags = le32_to_cpu(r->flags);
	struct inode *inode;
	struct file *file;

	if (!(rt->ctx->exclude & CKPT_EXCL_DEV) || (flags & O_DIRECTORY))
		return ERR_PTR(ckpt_fail(rt->ctx, -EINVAL,
					 "image: pid %d: malformed file record",
					 rt->pid));
	file = filp_open("/dev/null", (flags & CKPT_DEV_EXCL_FLAGS) | O_LARGEFILE, 0);
	if (IS_ERR(file))
		return ERR_PTR(ckpt_fail(rt->ctx, PTR_ERR(file),
					 "pid %d: cannot open /dev/null in place of a device left out (error %ld)",
					 rt->pid, PTR_ERR(file)));
	inode = file_inode(file);
	if (!S_ISCHR(inode->i_mode) || inode->i_rdev != MKDEV(MEM_MAJOR, 3)) {
		fput(file);
		return ERR_PTR(ckpt_fail(rt->ctx, -ESTALE,
					 "pid %d: /dev/null is not the null device",
					 rt->pid));
	}
	return file;
}

/* Its device number, which restart checks (the memory devices) or shows. */
static int ckpt_dump_dev(struct ckpt_ctx *ctx, struct ckpt_fdump *d)
{
	d->obj = new_encode_dev(file_inode(d->file)->i_rdev);
	return 0;
}

static const struct ckpt_file_ops ckpt_devexcl_files[] = {
	{
		.kind		= CKPT_FILE_DEV_EXCL,
		.flags		= CKPT_FOP_NOPOS | CKPT_FOP_ANYFS,
		.match		= ckpt_dev_excluded,
		.dump_as	= ckpt_dump_dev,
		.open		= ckpt_restore_dev_excl,
	},
	{ }
};

/* First in ckpt_resources[]: what is left out is nothing else. */
const struct ckpt_resource ckpt_res_devexcl = {
	.name		= "devices left out",
	.files		= ckpt_devexcl_files,
};

static bool ckpt_is_reg(struct file *file)
{
	return S_ISREG(file_inode(file)->i_mode);
}

static bool ckpt_is_dir(struct file *file)
{
	return S_ISDIR(file_inode(file)->i_mode);
}

static bool ckpt_is_mem_dev(struct file *file)
{
	struct inode *inode = file_inode(file);

	return S_ISCHR(inode->i_mode) && ckpt_mem_dev(inode->i_rdev);
}

/* A name that is gone cannot be reopened. */
static int ckpt_dump_named(struct ckpt_ctx *ctx, struct ckpt_fdump *d)
{
	if (d_unlinked(d->file->f_path.dentry))
		return ckpt_refuse_file(ctx, d,
					"a deleted directory or device; not supported");
	return 0;
}

static int ckpt_dump_mem_dev(struct ckpt_ctx *ctx, struct ckpt_fdump *d)
{
	return ckpt_dump_named(ctx, d) ?: ckpt_dump_dev(ctx, d);
}

/* Reopen @path as the kind of file @r says it was. */
static struct file *ckpt_reopen(struct ckpt_rtask *rt, const struct ckpt_file *r,
				const char *path)
{
	u32 kind = le32_to_cpu(r->kind);
	struct file *file;
	umode_t mode;

	file = filp_open(path, le32_to_cpu(r->flags) | O_LARGEFILE, 0);
	if (IS_ERR(file))
		return ERR_PTR(ckpt_fail(rt->ctx, PTR_ERR(file),
					 "pid %d: cannot reopen %s (error %ld)",
					 rt->pid, path, PTR_ERR(file)));
	mode = file_inode(file)->i_mode;
	if ((kind == CKPT_FILE_REG && !S_ISREG(mode)) ||
	    (kind == CKPT_FILE_DIR && !S_ISDIR(mode)) ||
	    (kind == CKPT_FILE_CHR &&
	     (!S_ISCHR(mode) ||
	      new_encode_dev(file_inode(file)->i_rdev) != le32_to_cpu(r->rdev) ||
	      !ckpt_mem_dev(file_inode(file)->i_rdev)))) {
		fput(file);
		return ERR_PTR(ckpt_fail(rt->ctx, -ESTALE,
					 "pid %d: %s is not the kind of file it was",
					 rt->pid, path));
	}
	if (kind == CKPT_FILE_REG && ckpt_file_changed(rt, file, r, path)) {
		fput(file);
		return ERR_PTR(-ESTALE);
	}
	return file;
}

static const struct ckpt_file_ops ckpt_path_files[] = {
	{
		.kind		= CKPT_FILE_REG,
		.flags		= CKPT_FOP_PATH | CKPT_FOP_MTIME,
		.is		= ckpt_is_reg,
		.open		= ckpt_reopen,
		.held		= ckpt_held_offset,
	},
	{
		.kind		= CKPT_FILE_DIR,
		.flags		= CKPT_FOP_PATH,
		.is		= ckpt_is_dir,
		.dump_as	= ckpt_dump_named,
		.open		= ckpt_reopen,
	},
	{
		.kind		= CKPT_FILE_CHR,
		.flags		= CKPT_FOP_PATH | CKPT_FOP_ANYFS,
		.is		= ckpt_is_mem_dev,
		.dump_as	= ckpt_dump_mem_dev,
		.open		= ckpt_reopen,
	},
	{ }
};

/* Last in ckpt_resources[]: a regular file of no other kind. */
const struct ckpt_resource ckpt_res_path = {
	.name		= "files reopened by path",
	.files		= ckpt_path_files,
};
