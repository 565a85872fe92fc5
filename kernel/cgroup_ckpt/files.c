// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: the fd table, cwd and umask of a process.
 *
 * Each fd names an open file description, an object written once by
 * file.c; restart reopens those first, then installs each at its fd with
 * its close-on-exec flag.  A process that shares its fd table or its cwd
 * and umask with its parent (CLONE_FILES, CLONE_FS) has none of these
 * records: the shared ones are its parent's.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/dcache.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/resource.h>
#include <linux/sched/signal.h>
#include "ckpt.h"

static_assert(sizeof(struct ckpt_fd) == 24);
static_assert(sizeof(struct ckpt_fs) == 16);

static int ckpt_dump_fs(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct path pwd, root, myroot;
	struct ckpt_fs r = { };
	char *page, *cwd;
	int ret;

	task_lock(t);
	if (!t->fs) {
		task_unlock(t);
		return ckpt_fail(ctx, -EOPNOTSUPP, "pid %d: no fs_struct",
				 task_pid_vnr(t));
	}
	get_fs_pwd(t->fs, &pwd);
	get_fs_root(t->fs, &root);
	r.umask = cpu_to_le32(t->fs->umask);
	task_unlock(t);

	get_fs_root(current->fs, &myroot);
	ret = path_equal(&root, &myroot) ? 0 :
	      ckpt_fail(ctx, -EOPNOTSUPP,
			"pid %d: has another root directory than the writer (chroot); not supported yet",
			task_pid_vnr(t));
	path_put(&myroot);
	path_put(&root);
	if (ret)
		goto out_pwd;

	page = (char *)__get_free_page(GFP_KERNEL);
	if (!page) {
		ret = ckpt_fail(ctx, -ENOMEM, "out of memory");
		goto out_pwd;
	}
	cwd = d_path(&pwd, page, PAGE_SIZE);
	if (IS_ERR(cwd) || d_unlinked(pwd.dentry)) {
		ret = ckpt_fail(ctx, -EOPNOTSUPP,
				"pid %d cwd: deleted or unreachable", task_pid_vnr(t));
	} else {
		r.cwd_len = cpu_to_le32(strlen(cwd));
		ret = ckpt_write2(ctx, &r, CKPT_REC_FS, sizeof(r), cwd,
				  strlen(cwd) + 1);
	}
	free_page((unsigned long)page);
out_pwd:
	path_put(&pwd);
	return ret;
}

static bool ckpt_fd_cloexec(struct task_struct *t, unsigned int fd)
{
	struct files_struct *files;
	bool ret = false;

	task_lock(t);
	files = t->files;
	if (files) {
		spin_lock(&files->file_lock);
		ret = close_on_exec(fd, files_fdtable(files));
		spin_unlock(&files->file_lock);
	}
	task_unlock(t);
	return ret;
}

/**
 * ckpt_dump_files() - write cwd, umask and every fd of a task
 * @ctx: the checkpoint
 * @t:   the task
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_dump_files(struct ckpt_ctx *ctx, struct task_struct *t)
{
	u32 share = ctx->ents[ctx->cur].share;
	unsigned int fd;
	int ret = 0;

	/* What it shares with its parent is the parent's records. */
	if (!(share & CKPT_TASK_SHARE_FS))
		ret = ckpt_dump_fs(ctx, t);
	for (fd = 0; !ret && !(share & CKPT_TASK_SHARE_FILES); fd++) {
		struct ckpt_fd r = { };
		struct file *file;
		u32 id;

		file = ckpt_next_file(t, &fd);
		if (!file)
			break;
		if (IS_ERR(file))
			return ckpt_fail(ctx, -EAGAIN, "pid %d fd %u: being closed",
					 task_pid_vnr(t), fd);
		/* A dry run refuses each file once, and goes on. */
		if (ckpt_was_refused(ctx, file)) {
			fput(file);
			continue;
		}
		ret = ckpt_dump_file(ctx, t, fd, file, &id);
		if (ckpt_skip_refused(ctx, &ret, file)) {
			fput(file);
			continue;
		}
		fput(file);
		if (ret)
			break;
		r.fd = cpu_to_le32(fd);
		r.file = cpu_to_le32(id);
		r.flags = cpu_to_le32(ckpt_fd_cloexec(t, fd) ? CKPT_FD_CLOEXEC : 0);
		ret = ckpt_write(ctx, &r, CKPT_REC_FD, sizeof(r));
	}
	return ret;
}

/**
 * ckpt_restore_files_begin() - drop the fds the restarter's clone inherited
 * @rt: the task being restored (current)
 *
 * Return: 0 or a negative errno.
 */
int ckpt_restore_files_begin(struct ckpt_rtask *rt)
{
	struct rlimit *rlim;
	int ret;

	/* Its creator's fd table, already restored, is its own. */
	if (rt->share & CKPT_TASK_SHARE_FILES)
		return 0;
	ret = __close_range(0, ~0U, 0);
	if (ret)
		return ckpt_fail(rt->ctx, ret, "cannot close inherited files");
	/*
	 * Its fds may be above the soft RLIMIT_NOFILE it inherited, which
	 * replace_fd() would refuse: raise it to the hard limit, as any task
	 * may, until its CKPT_REC_ATTRS, read after its fds, sets its own.
	 */
	rlim = current->signal->rlim + RLIMIT_NOFILE;
	task_lock(current->group_leader);
	rlim->rlim_cur = rlim->rlim_max;
	task_unlock(current->group_leader);
	return 0;
}

/**
 * ckpt_restore_fd() - install a reopened file at its fd number
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_FD
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_fd(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_fd *r = rec;
	u32 fd = le32_to_cpu(r->fd);
	u32 flags = le32_to_cpu(r->flags);
	struct file *file;
	int ret;

	if (len != sizeof(*r) || r->__reserved || (flags & ~CKPT_FD_CLOEXEC) ||
	    (rt->share & CKPT_TASK_SHARE_FILES) ||
	    fd > INT_MAX || (rt->nr_fds && fd <= rt->last_fd))
		return ckpt_fail(rt->ctx, -EINVAL, "image: pid %d: malformed fd record",
				 rt->pid);
	file = ckpt_obj_get_file(rt->ctx, le32_to_cpu(r->file));
	if (!file)
		return -EINVAL;
	ret = replace_fd(fd, file, flags & CKPT_FD_CLOEXEC ? O_CLOEXEC : 0);
	fput(file);
	if (ret < 0)
		return ckpt_fail(rt->ctx, ret, "pid %d fd %u: cannot install (error %d)",
				 rt->pid, fd, ret);
	rt->last_fd = fd;
	rt->nr_fds++;
	return 0;
}

/**
 * ckpt_restore_fs() - restore umask and cwd
 * @rt:  the task being restored (current, with an fs_struct of its own)
 * @rec: its CKPT_REC_FS
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_fs(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_fs *r = rec;
	const char *cwd;
	struct path path;
	int ret;

	if (len < sizeof(*r) || (rt->share & CKPT_TASK_SHARE_FS))
		goto bad;
	cwd = ckpt_rec_string(rec, sizeof(*r), len, le32_to_cpu(r->cwd_len));
	if (!cwd || cwd[0] != '/' || (le32_to_cpu(r->umask) & ~0777))
		goto bad;
	ret = kern_path(cwd, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &path);
	if (ret)
		return ckpt_fail(rt->ctx, ret, "pid %d: cannot enter cwd %s (error %d)",
				 rt->pid, cwd, ret);
	set_fs_pwd(current->fs, &path);
	path_put(&path);
	current->fs->umask = le32_to_cpu(r->umask);
	return 0;
bad:
	return ckpt_fail(rt->ctx, -EINVAL, "image: pid %d: malformed fs record",
			 rt->pid);
}

static const struct ckpt_rec_op ckpt_files_recs[] = {
	{ .type = CKPT_REC_FS, .restore = ckpt_restore_fs },
	{ .type = CKPT_REC_FILE, .restore = ckpt_restore_file },
	{ .type = CKPT_REC_FD, .restore = ckpt_restore_fd },
	{ }
};

const struct ckpt_resource ckpt_res_files = {
	.name		= "files",
	.dump		= ckpt_dump_files,
	.recs		= ckpt_files_recs,
};
