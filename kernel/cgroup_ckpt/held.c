// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: the files the group must hold alone.
 *
 * Pipes, eventfds, epoll instances, signalfds, timerfds, inotify
 * instances, terminals and unix sockets live in the kernel, and an open
 * regular file has its offset there: restart recreates them for the group
 * alone.  Before anything is written, ckpt_check_held_files() walks the fd
 * tables and memory maps of the group once, counts the group's references
 * on each such file, and refuses one referenced from outside; the kinds of
 * file (&struct ckpt_file_ops) refuse what else they cannot restart.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pipe_fs_i.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include "ckpt.h"

/**
 * ckpt_next_file() - the next open file of a task
 * @t:  the task
 * @fd: the fd to start from, set to the fd found
 *
 * Return: the open file of @t at the lowest fd from *@fd up, with a
 * reference; NULL past the last one, ERR_PTR(-EAGAIN) for one being closed.
 */
struct file *ckpt_next_file(struct task_struct *t, unsigned int *fd)
{
	struct file *file;

	rcu_read_lock();
	file = task_lookup_next_fd_rcu(t, fd);
	if (file && !get_file_rcu(file))
		file = ERR_PTR(-EAGAIN);
	rcu_read_unlock();
	return file;
}

/**
 * ckpt_held_offset() - whether a regular file must be held by the group alone
 * @file: an open regular file
 *
 * Its open description carries its offset, which restart gives the group
 * alone; one open for appending only has none that matters.
 *
 * Return: true unless it is open for appending only.
 */
bool ckpt_held_offset(struct file *file)
{
	return !((file->f_flags & O_APPEND) &&
		 (file->f_mode & (FMODE_READ | FMODE_WRITE)) == FMODE_WRITE);
}

/**
 * ckpt_held_refuse() - refuse a file of the group
 * @ctx: the checkpoint
 * @f:   the file, as seen in the fd tables
 * @why: the reason, after "pid N fd M: PATH: "
 *
 * Return: -EOPNOTSUPP.
 */
int ckpt_held_refuse(struct ckpt_ctx *ctx, const struct ckpt_held *f,
		     const char *why)
{
	char *page, *path = "?";
	int ret;

	page = (char *)__get_free_page(GFP_KERNEL);
	if (page) {
		path = d_path(&f->file->f_path, page, PAGE_SIZE);
		if (IS_ERR(path))
			path = "?";
	}
	ret = ckpt_fail(ctx, -EOPNOTSUPP, "pid %d fd %u: %s: %s", f->pid, f->fd,
			path, why);
	free_page((unsigned long)page);
	return ret;
}

/**
 * ckpt_held_add() - count one reference of the group on a file
 * @hs:   the files seen so far
 * @file: the file, referenced; the set takes this reference
 * @ops:  its kind
 * @pipe: the pipe it is open on, or NULL
 * @pid:  where it is referenced from (named in a refusal)
 * @fd:   ...
 *
 * Return: 0 or -ENOMEM.
 */
int ckpt_held_add(struct ckpt_held_set *hs, struct file *file,
		  const struct ckpt_file_ops *ops, struct pipe_inode_info *pipe,
		  pid_t pid, unsigned int fd)
{
	unsigned int i;

	for (i = 0; i < hs->nr; i++) {
		if (hs->h[i].file == file) {
			hs->h[i].refs++;
			fput(file);
			return 0;
		}
	}
	if (hs->nr == hs->cap) {
		unsigned int cap = hs->cap ? 2 * hs->cap : 16;
		struct ckpt_held *h;

		h = krealloc_array(hs->h, cap, sizeof(*h), GFP_KERNEL);
		if (!h) {
			fput(file);
			return -ENOMEM;
		}
		hs->h = h;
		hs->cap = cap;
	}
	hs->h[hs->nr++] = (struct ckpt_held){ file, ops, pipe, 1, pid, fd };
	return 0;
}

/**
 * ckpt_held_kind() - the kind of @file, if its state is in the kernel
 * @ctx:  the checkpoint
 * @t:    the task holding it
 * @fd:   its fd there
 * @file: an open file
 * @pipe: set to the pipe it is open on, or NULL
 *
 * Return: its kind if the group must hold it alone, else NULL.
 */
const struct ckpt_file_ops *ckpt_held_kind(struct ckpt_ctx *ctx,
					   struct task_struct *t, int fd,
					   struct file *file,
					   struct pipe_inode_info **pipe)
{
	struct ckpt_fdump d = { .t = t, .fd = fd, .file = file };
	const struct ckpt_file_ops *k = ckpt_file_ops_match(ctx, &d);

	*pipe = NULL;
	if (!k || !(k->held ? k->held(file) : k->flags & CKPT_FOP_HELD))
		return NULL;
	if (S_ISFIFO(file_inode(file)->i_mode))
		*pipe = get_pipe_info(file, false);
	return k;
}

/* Collect the files of the fd table of @t whose state is in the kernel. */
static int ckpt_held_task(struct ckpt_ctx *ctx, struct ckpt_held_set *hs,
			  struct task_struct *t)
{
	const struct ckpt_file_ops *k;
	unsigned int fd;
	int ret = 0;

	for (fd = 0; !ret; fd++) {
		struct pipe_inode_info *pipe;
		struct file *file;

		file = ckpt_next_file(t, &fd);
		if (!file)
			break;
		if (IS_ERR(file))
			return ckpt_fail(ctx, -EAGAIN, "pid %d fd %u: being closed",
					 task_pid_vnr(t), fd);
		k = ckpt_held_kind(ctx, t, fd, file, &pipe);
		if (!k) {
			fput(file);
			continue;
		}
		ret = ckpt_held_add(hs, file, k, pipe, task_pid_vnr(t), fd);
		if (ret)
			ret = ckpt_fail(ctx, ret, "out of memory");
	}
	return ret;
}

/* Collect them from every fd table of the group, once each. */
static int ckpt_held_collect(struct ckpt_ctx *ctx, struct ckpt_held_set *hs)
{
	struct files_struct **seen;
	unsigned int i, j, nr_seen = 0;
	int ret = 0;

	seen = kcalloc(ctx->nr_tasks, sizeof(*seen), GFP_KERNEL);
	if (!seen)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	for (i = 0; !ret && i < ctx->nr_tasks; i++) {
		struct task_struct *t = ctx->ents[i].task;
		struct files_struct *files;

		if (!t || ctx->ents[i].flags)
			continue;
		task_lock(t);
		files = t->files;
		task_unlock(t);
		for (j = 0; j < nr_seen && seen[j] != files; j++)
			;
		if (!files || j < nr_seen)
			continue;
		seen[nr_seen++] = files;
		ret = ckpt_held_task(ctx, hs, t);
	}
	kfree(seen);
	return ret;
}

/* Count the references the memory areas of @mm hold on @hs's files. */
static int ckpt_held_vmas(struct ckpt_held_set *hs, struct mm_struct *mm)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct vm_area_struct *vma;
	unsigned int i;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	for_each_vma(vmi, vma)
		for (i = 0; vma->vm_file && i < hs->nr; i++)
			if (hs->h[i].file == vma->vm_file)
				hs->h[i].refs++;
	mmap_read_unlock(mm);
	return 0;
}

/* Count them once for the mm of @t; @seen holds those counted. */
static int ckpt_held_mm(struct ckpt_ctx *ctx, struct ckpt_held_set *hs,
			struct task_struct *t, struct mm_struct **seen,
			unsigned int *nr_seen)
{
	struct mm_struct *mm;
	unsigned int i;
	int ret = 0;

	mm = get_task_mm(t);
	if (!mm)
		return 0;
	for (i = 0; i < *nr_seen && seen[i] != mm; i++)
		;
	if (i == *nr_seen) {
		seen[(*nr_seen)++] = mm;
		ret = ckpt_held_vmas(hs, mm);
	}
	mmput(mm);
	return ret ? ckpt_fail(ctx, ret, "interrupted by a signal") : 0;
}

/* Count the other references of the group: in flight, and mapped. */
static int ckpt_held_count(struct ckpt_ctx *ctx, struct ckpt_held_set *hs)
{
	struct mm_struct **mms;
	unsigned int i, nr, nr_seen = 0;
	int ret = 0;

	/* files in flight to the group's sockets: the group's too */
	for (i = 0, nr = hs->nr; !ret && i < nr; i++)
		if (hs->h[i].ops->held_refs &&
		    !ckpt_was_refused(ctx, hs->h[i].file))
			ret = hs->h[i].ops->held_refs(ctx, hs, i);
	if (ret)
		return ret;
	/* and one for each memory area mapping a regular file */
	mms = kcalloc(ctx->nr_tasks, sizeof(*mms), GFP_KERNEL);
	if (!mms)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	for (i = 0; !ret && i < ctx->nr_tasks; i++) {
		struct task_struct *t = ctx->ents[i].task;

		if (t && !ctx->ents[i].flags && ctx->ents[i].pid == ctx->ents[i].tgid)
			ret = ckpt_held_mm(ctx, hs, t, mms, &nr_seen);
	}
	kfree(mms);
	return ret;
}

/* Let each kind check its held files, kind after kind. */
static int ckpt_held_check_kinds(struct ckpt_ctx *ctx, struct ckpt_held_set *hs)
{
	const struct ckpt_file_ops *k;
	unsigned int pos = 0, i;
	int ret = 0;

	while (!ret && (k = ckpt_file_ops_next(&pos))) {
		if (!k->check_held)
			continue;
		for (i = 0; !ret && i < hs->nr; i++) {
			if (hs->h[i].ops != k || ckpt_was_refused(ctx, hs->h[i].file))
				continue;
			ret = k->check_held(ctx, hs, i);
			ckpt_skip_refused(ctx, &ret, hs->h[i].file);
		}
	}
	return ret;
}

/* Refuse, one by one, the held files that cannot be restarted. */
static int ckpt_held_check(struct ckpt_ctx *ctx, struct ckpt_held_set *hs)
{
	unsigned int i;
	int ret = 0;

	/* terminals first: the shell's has a more telling reason */
	for (i = 0; !ret && i < hs->nr; i++) {
		if (hs->h[i].ops->check_first)
			ret = hs->h[i].ops->check_first(ctx, hs, i);
		ckpt_skip_refused(ctx, &ret, hs->h[i].file);
	}
	if (!ret)
		ret = ckpt_held_count(ctx, hs);
	/* one reference for each fd of the group, one of ours */
	for (i = 0; !ret && i < hs->nr; i++) {
		if (file_count(hs->h[i].file) != hs->h[i].refs + 1 &&
		    !ckpt_was_refused(ctx, hs->h[i].file))
			ret = ckpt_held_refuse(ctx, &hs->h[i],
					       "the open file is shared with a process outside the group");
		ckpt_skip_refused(ctx, &ret, hs->h[i].file);
	}
	return ret ?: ckpt_held_check_kinds(ctx, hs);
}

/**
 * ckpt_check_held_files() - refuse kernel objects shared outside the group
 * @ctx: the checkpoint, its tasks collected and frozen
 *
 * Walks the fd table and memory map of every process of the group once,
 * refuses first a pseudo-terminal also used outside, then a file whose
 * state is in the kernel that is also referenced from outside (an fd table
 * out of the group, a descriptor in flight other than to a socket of the
 * group), then what each kind refuses: a pipe with an end outside, a unix
 * socket whose peer is.  Runs before anything is written.
 *
 * Return: 0, or -EOPNOTSUPP (with the reason), or another negative errno.
 */
int ckpt_check_held_files(struct ckpt_ctx *ctx)
{
	struct ckpt_held_set hs = { };
	unsigned int i;
	int ret;

	ret = ckpt_held_collect(ctx, &hs);
	if (!ret)
		ret = ckpt_held_check(ctx, &hs);
	for (i = 0; i < hs.nr; i++)
		fput(hs.h[i].file);
	kfree(hs.h);
	return ret;
}
