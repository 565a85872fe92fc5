// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: what the files on anonymous inodes that hold state of their own
 * (signalfd.c, timerfd.c, inotify.c) share.
 *
 * Each is one open file, which fds and processes share; its state is
 * written in a record of its own before the file record, which names it.
 * Like pipes, such a file also held outside the group is refused
 * (held.c).
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include "ckpt.h"
#include "anonfile.h"

/* Flags of a signalfd or timerfd file that restart sets again. */
#define CKPT_ANONFD_FLAGS	(O_NONBLOCK | O_LARGEFILE)

/**
 * ckpt_anon_file_is() - whether @file is an anonymous inode file named @name
 * @file: an open file
 * @name: the name anon_inode_getfile() gave it ("[signalfd]")
 *
 * Return: true if it is.
 */
bool ckpt_anon_file_is(struct file *file, const char *name)
{
	return file_inode(file)->i_sb->s_magic == ANON_INODE_FS_MAGIC &&
	       !strcmp(file->f_path.dentry->d_name.name, name);
}

/**
 * ckpt_restore_anonfd_file() - the file of a CKPT_REC_FILE on a signalfd
 *	or timerfd
 * @rt:    the task being restored (current)
 * @r:     its CKPT_REC_FILE, of kind CKPT_FILE_SIGNALFD or CKPT_FILE_TIMERFD
 * @path:  the path it gives
 *
 * Return: the file, referenced, or an ERR_PTR() (with the reason).
 */
struct file *ckpt_restore_anonfd_file(struct ckpt_rtask *rt,
				      const struct ckpt_file *r,
				      const char *path)
{
	u32 kind = le32_to_cpu(r->kind);
	u32 id = le32_to_cpu(r->obj);
	u32 flags = le32_to_cpu(r->flags);
	bool sfd = kind == CKPT_FILE_SIGNALFD;
	struct file *file;

	if ((flags & O_ACCMODE) != O_RDWR ||
	    (flags & ~(O_ACCMODE | CKPT_ANONFD_FLAGS)))
		return ERR_PTR(ckpt_fail(rt->ctx, -EINVAL,
					 "image: pid %d: bad flags %#o of %s %u",
					 rt->pid, flags,
					 sfd ? "signalfd" : "timerfd", id));
	file = ckpt_obj_get(rt->ctx, id, sfd ? CKPT_OBJ_SIGNALFD :
					       CKPT_OBJ_TIMERFD);
	if (!file)
		return ERR_PTR(-EINVAL);
	spin_lock(&file->f_lock);
	file->f_flags = (file->f_flags & ~CKPT_ANONFD_FLAGS) |
			(flags & CKPT_ANONFD_FLAGS);
	spin_unlock(&file->f_lock);
	return file;
}
