// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: open files, the fd table, cwd and umask.
 *
 * An open file description is an object: written once (path, flags,
 * offset), then referred to by id from every fd and memory area using it,
 * so that sharing survives.  Restart reopens files by path with the
 * restarter's rights.  Pipes, FIFOs, eventfds and epoll instances are
 * files on an object of their own (pipe.c, eventfd.c, epoll.c), which the
 * group must hold alone; unix socket pairs likewise (unix.c), and POSIX
 * message queues, written with their messages (mqueue.c).  Memfds,
 * shared anonymous memory and unlinked regular files have their inode and
 * contents in the image (shmem.c).  Unless ckpt.exclude names "files",
 * regular files open through an fd or mapped MAP_SHARED have their
 * contents in the image too, and restart puts them back (regfile.c).
 * What else cannot be reopened by path
 * (other sockets, terminals, other event fds, files of pseudo file
 * systems) is refused at checkpoint with a reason naming the fd.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/dcache.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/kdev_t.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/major.h>
#include <linux/namei.h>
#include <linux/net.h>
#include <linux/path.h>
#include <linux/pipe_fs_i.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <net/sock.h>
#include "ckpt.h"

static_assert(sizeof(struct ckpt_file) == 56);
static_assert(sizeof(struct ckpt_fd) == 24);
static_assert(sizeof(struct ckpt_fs) == 16);

/* Flags of an open file that reopening it must give again. */
#define CKPT_FILE_FLAGS	(O_ACCMODE | O_APPEND | O_NONBLOCK | O_DSYNC | \
			 O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | \
			 O_NOATIME | __O_SYNC | O_PATH)

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
static bool ckpt_dev_excluded(struct ckpt_ctx *ctx, struct file *file)
{
	struct inode *inode = file_inode(file);

	if (!(ctx->exclude & CKPT_EXCL_DEV))
		return false;
	return S_ISBLK(inode->i_mode) ||
	       (S_ISCHR(inode->i_mode) && !ckpt_mem_dev(inode->i_rdev));
}

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

/*
 * "pid 12 fd 3: /proc/1/maps: a file of a pseudo file system; close it
 * before the checkpoint", or "pid 12 memory: ...": where, what and what
 * to do; @what says what it is and why it is refused.
 */
static int ckpt_file_refuse(struct ckpt_ctx *ctx, struct task_struct *t,
			    int fd, struct file *file, const char *what,
			    const char *path)
{
	umode_t mode = file_inode(file)->i_mode;
	bool dev = S_ISCHR(mode) || S_ISBLK(mode);
	char where[24] = "memory";

	if (fd >= 0)
		snprintf(where, sizeof(where), "fd %d", fd);
	return ckpt_fail(ctx, -EOPNOTSUPP, "pid %d %s: %s: %s; %s",
			 task_pid_vnr(t), where, path, what,
			 dev && fd >= 0 ? "exclude dev to checkpoint without it" :
			 fd >= 0 ? "close it before the checkpoint" :
				   "unmap it before the checkpoint");
}

static int ckpt_dump_file_as(struct ckpt_ctx *ctx, struct task_struct *t,
			     int fd, struct file *file, bool shared, u32 *id)
{
	struct inode *inode = file_inode(file);
	umode_t mode = inode->i_mode;
	struct ckpt_file r = { };
	char *page, *path;
	u32 kind, ckind = 0, rdev, obj = 0;
	bool new;
	int ret;

	*id = ckpt_obj_lookup_file(ctx, file, &new);
	if (!*id)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	if (!new)
		return 0;
	if (S_ISSOCK(mode) && ckpt_is_unix(file))
		return ckpt_dump_unix(ctx, t, fd, file, *id);

	page = (char *)__get_free_page(GFP_KERNEL);
	if (!page)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	path = d_path(&file->f_path, page, PAGE_SIZE);
	if (IS_ERR(path)) {
		ret = ckpt_file_refuse(ctx, t, fd, file, "a path too long", "?");
		goto out;
	}

	/* Its inode is a regular file, whose contents are the queue. */
	if (ckpt_dev_excluded(ctx, file))
		kind = CKPT_FILE_DEV_EXCL;
	else if (S_ISSOCK(mode))
		kind = CKPT_FILE_NETSOCK;
	else if (ckpt_is_mqueue(file))
		kind = CKPT_FILE_MQUEUE;
	else if (S_ISREG(mode))
		kind = CKPT_FILE_REG;
	else if (S_ISDIR(mode))
		kind = CKPT_FILE_DIR;
	else if (S_ISCHR(mode) && ckpt_mem_dev(inode->i_rdev))
		kind = CKPT_FILE_CHR;
	else if (S_ISFIFO(mode))
		kind = inode->i_sb->s_magic == PIPEFS_MAGIC ? CKPT_FILE_PIPE :
							      CKPT_FILE_FIFO;
	else if (ckpt_is_eventfd(file))
		kind = CKPT_FILE_EVENTFD;
	else if (ckpt_is_epoll(file))
		kind = CKPT_FILE_EPOLL;
	else if (ckpt_is_signalfd(file))
		kind = CKPT_FILE_SIGNALFD;
	else if (ckpt_is_timerfd(file))
		kind = CKPT_FILE_TIMERFD;
	else if (ckpt_is_inotify(file))
		kind = CKPT_FILE_INOTIFY;
	else if (S_ISCHR(mode) && ckpt_is_pty(file))
		kind = ckpt_pty_kind(file);
	else
		kind = 0;

	ret = 0;
	if (kind == CKPT_FILE_DEV_EXCL)
		;
	else if (kind == CKPT_FILE_NETSOCK)
		ret = ckpt_dump_netsock(ctx, t, fd, file, &obj);
	else if (S_ISCHR(mode) && !kind)
		ret = ckpt_file_refuse(ctx, t, fd, file,
				       (MAJOR(inode->i_rdev) == TTY_MAJOR ||
					MAJOR(inode->i_rdev) == TTYAUX_MAJOR ||
					MAJOR(inode->i_rdev) >= UNIX98_PTY_SLAVE_MAJOR) ?
				       "a terminal other than a pty; not supported" :
				       "a character device; not supported", path);
	else if (S_ISBLK(mode))
		ret = ckpt_file_refuse(ctx, t, fd, file,
				       "a block device; not supported", path);
	else if (!kind)
		ret = ckpt_file_refuse(ctx, t, fd, file,
				       "a file of a kind not supported", path);
	else if (kind != CKPT_FILE_CHR && ckpt_pseudo_fs(inode->i_sb))
		ret = ckpt_file_refuse(ctx, t, fd, file,
				       "a file of a pseudo file system; not supported", path);
	else if (kind == CKPT_FILE_REG)
		ret = ckpt_shmem_classify(ctx, t, fd, file, &ckind);
	else if (kind == CKPT_FILE_PIPE || kind == CKPT_FILE_FIFO)
		ret = ckpt_dump_pipe(ctx, t, fd, file, &obj);
	else if (kind == CKPT_FILE_EVENTFD)
		ret = ckpt_dump_eventfd(ctx, t, fd, file, &obj);
	else if (kind == CKPT_FILE_EPOLL)
		ret = ckpt_dump_epoll(ctx, t, fd, file, &obj);
	else if (kind == CKPT_FILE_SIGNALFD)
		ret = ckpt_dump_signalfd(ctx, t, fd, file, &obj);
	else if (kind == CKPT_FILE_TIMERFD)
		ret = ckpt_dump_timerfd(ctx, t, fd, file, &obj);
	else if (kind == CKPT_FILE_INOTIFY)
		ret = ckpt_dump_inotify(ctx, t, fd, file, &obj);
	else if (kind == CKPT_FILE_PTMX || kind == CKPT_FILE_PTS)
		ret = ckpt_dump_pty(ctx, t, fd, file, &obj);
	else if (kind == CKPT_FILE_MQUEUE)
		ret = ckpt_dump_mqueue(ctx, t, fd, file, &obj);
	else if (d_unlinked(file->f_path.dentry))
		ret = ckpt_file_refuse(ctx, t, fd, file,
				       "a deleted directory or device; not supported",
				       path);
	if (!ret && kind == CKPT_FILE_FIFO && d_unlinked(file->f_path.dentry))
		ret = ckpt_file_refuse(ctx, t, fd, file,
				       "a deleted FIFO; not supported yet", path);
	if (ret)
		goto out;
	/* No name to reopen: the inode goes into the image first. */
	if (ckind) {
		kind = ckind;
		ret = ckpt_dump_contents(ctx, t, fd, file, kind, &rdev);
		if (ret)
			goto out;
	} else if (kind == CKPT_FILE_REG && ckpt_regfile_saved(ctx, fd, shared)) {
		/* ckpt.exclude -files: its contents, to put back first */
		ret = ckpt_dump_regfile(ctx, t, fd, file, path, &rdev);
		if (ret)
			goto out;
		kind = CKPT_FILE_REGDATA;
	} else if (kind == CKPT_FILE_CHR || kind == CKPT_FILE_DEV_EXCL) {
		rdev = new_encode_dev(inode->i_rdev);
	} else {
		rdev = obj;
	}

	r.id = cpu_to_le32(*id);
	r.kind = cpu_to_le32(kind);
	r.flags = cpu_to_le32(file->f_flags & CKPT_FILE_FLAGS);
	r.mode = cpu_to_le32(mode);
	/* a device left out has no position; nor has a socket */
	if (kind != CKPT_FILE_DEV_EXCL)
		r.pos = cpu_to_le64(file->f_pos);
	if (kind != CKPT_FILE_DEV_EXCL)
		r.size = cpu_to_le64(i_size_read(inode));
	if (kind == CKPT_FILE_REG)
		r.mtime = cpu_to_le64(timespec64_to_ns(&inode->i_mtime));
	r.rdev = cpu_to_le32(rdev);
	r.path_len = cpu_to_le32(strlen(path));
	ret = ckpt_write2(ctx, &r, CKPT_REC_FILE, sizeof(r), path,
			  strlen(path) + 1);
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
	return ckpt_dump_file_as(ctx, t, fd, file, false, id);
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
	return ckpt_dump_file_as(ctx, t, -1, file, shared, id);
}

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
 * ckpt_dump_files() - write cwd, umask and every fd of a task
 * @ctx: the checkpoint
 * @t:   the task
 *
 * Return: 0 or a negative errno.
 */
int ckpt_dump_files(struct ckpt_ctx *ctx, struct task_struct *t)
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
	return ret ?: ckpt_dump_ctty(ctx, t) ?: ckpt_dump_locks(ctx, t);
}

/**
 * ckpt_held_add() - count one reference of the group on a file
 * @hs:   the files seen so far
 * @file: the file, referenced; the set takes this reference
 * @pipe: the pipe it is open on, or NULL
 * @pid:  where it is referenced from (named in a refusal)
 * @fd:   ...
 *
 * Return: 0 or -ENOMEM.
 */
int ckpt_held_add(struct ckpt_held_set *hs, struct file *file,
		  struct pipe_inode_info *pipe, pid_t pid, unsigned int fd)
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
	hs->h[hs->nr++] = (struct ckpt_held){ file, pipe, 1, pid, fd };
	return 0;
}

/*
 * A regular file's open description carries its offset, which restart
 * gives the group alone; one open for appending only has none that
 * matters.
 */
static bool ckpt_held_regular(struct file *file)
{
	return S_ISREG(file_inode(file)->i_mode) &&
	       !((file->f_flags & O_APPEND) &&
		 (file->f_mode & (FMODE_READ | FMODE_WRITE)) == FMODE_WRITE);
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

/**
 * ckpt_held_kind() - is @file of a kind whose state restart recreates
 * @file: an open file
 * @pipe: set to the pipe it is open on, or NULL
 *
 * Pipes, eventfds, epoll instances, signalfds, timerfds, inotify
 * instances, terminals, unix sockets, files on POSIX message queues (for
 * their flags), and regular files (for their offset): the group must hold
 * them alone.
 *
 * Return: true if it is.
 */
bool ckpt_held_kind(struct file *file, struct pipe_inode_info **pipe)
{
	*pipe = NULL;
	if (S_ISFIFO(file_inode(file)->i_mode))
		*pipe = get_pipe_info(file, false);
	return *pipe || ckpt_is_eventfd(file) || ckpt_is_epoll(file) ||
	       ckpt_holds_state(file) || ckpt_is_pty(file) ||
	       ckpt_is_mqueue(file) || ckpt_is_unix(file) ||
	       ckpt_held_regular(file);
}

/* Collect the files of the fd table of @t whose state is in the kernel. */
static int ckpt_held_task(struct ckpt_ctx *ctx, struct ckpt_held_set *hs,
			  struct task_struct *t)
{
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
		/* what ckpt.exclude dev leaves out is not restored either */
		if (ckpt_dev_excluded(ctx, file) || !ckpt_held_kind(file, &pipe)) {
			fput(file);
			continue;
		}
		ret = ckpt_held_add(hs, file, pipe, task_pid_vnr(t), fd);
		if (ret)
			ret = ckpt_fail(ctx, ret, "out of memory");
	}
	return ret;
}

/**
 * ckpt_check_held_files() - refuse kernel objects shared outside the group
 * @ctx: the checkpoint, its tasks collected and frozen
 *
 * Pipes, eventfds, epoll instances, signalfds, timerfds, inotify
 * instances and unix sockets live in the kernel, and an open regular file
 * has its offset there: restart recreates them for the group alone.
 * Walks the fd table and memory map of every process of the group once,
 * refuses first a pseudo-terminal also used outside, then such a file that
 * is also referenced from outside (an fd table out of the group, a
 * descriptor in flight other than to a socket of the group), a pipe with
 * an end outside, and a unix socket whose peer is.  Runs before anything
 * is written.
 *
 * Return: 0, or -EOPNOTSUPP (with the reason), or another negative errno.
 */
int ckpt_check_held_files(struct ckpt_ctx *ctx)
{
	struct ckpt_held_set hs = { };
	struct files_struct **seen;
	struct mm_struct **mms;
	unsigned int i, j, nr, nr_seen = 0;
	int ret = 0;

	seen = kcalloc(ctx->nr_tasks, sizeof(*seen), GFP_KERNEL);
	mms = kcalloc(ctx->nr_tasks, sizeof(*mms), GFP_KERNEL);
	if (!seen || !mms) {
		kfree(seen);
		kfree(mms);
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	}
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
		ret = ckpt_held_task(ctx, &hs, t);
	}
	/* terminals first: the shell's has a more telling reason */
	for (i = 0; !ret && i < hs.nr; i++) {
		if (ckpt_is_pty(hs.h[i].file))
			ret = ckpt_check_pty(ctx, hs.h, hs.nr, i);
		ckpt_skip_refused(ctx, &ret, hs.h[i].file);
	}
	/* files in flight to the group's unix sockets: the group's too */
	for (i = 0, nr = hs.nr; !ret && i < nr; i++)
		if (ckpt_is_unix(hs.h[i].file) &&
		    !ckpt_was_refused(ctx, hs.h[i].file))
			ret = ckpt_unix_held_inflight(ctx, &hs, i);
	/* and one for each memory area mapping a regular file */
	for (i = 0, nr_seen = 0; !ret && i < ctx->nr_tasks; i++) {
		struct task_struct *t = ctx->ents[i].task;

		if (t && !ctx->ents[i].flags && ctx->ents[i].pid == ctx->ents[i].tgid)
			ret = ckpt_held_mm(ctx, &hs, t, mms, &nr_seen);
	}
	/* one reference for each fd of the group, one of ours */
	for (i = 0; !ret && i < hs.nr; i++) {
		if (file_count(hs.h[i].file) != hs.h[i].refs + 1 &&
		    !ckpt_was_refused(ctx, hs.h[i].file))
			ret = ckpt_held_refuse(ctx, &hs.h[i],
					       "the open file is shared with a process outside the group");
		ckpt_skip_refused(ctx, &ret, hs.h[i].file);
	}
	for (i = 0; !ret && i < hs.nr; i++) {
		if (!hs.h[i].pipe || ckpt_was_refused(ctx, hs.h[i].file))
			continue;
		for (j = 0; j < i && hs.h[j].pipe != hs.h[i].pipe; j++)
			;
		if (j == i)
			ret = ckpt_check_pipe(ctx, hs.h, hs.nr, i);
		ckpt_skip_refused(ctx, &ret, hs.h[i].file);
	}
	for (i = 0; !ret && i < hs.nr; i++) {
		if (ckpt_is_unix(hs.h[i].file) &&
		    !ckpt_was_refused(ctx, hs.h[i].file))
			ret = ckpt_check_unix(ctx, &hs, i);
		ckpt_skip_refused(ctx, &ret, hs.h[i].file);
	}
	for (i = 0; i < hs.nr; i++)
		fput(hs.h[i].file);
	kfree(hs.h);
	kfree(seen);
	kfree(mms);
	return ret;
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

/**
 * ckpt_restore_files_begin() - drop the fds the restarter's clone inherited
 * @rt: the task being restored (current)
 *
 * Return: 0 or a negative errno.
 */
int ckpt_restore_files_begin(struct ckpt_rtask *rt)
{
	int ret;

	/* Its creator's fd table, already restored, is its own. */
	if (rt->share & CKPT_TASK_SHARE_FILES)
		return 0;
	ret = __close_range(0, ~0U, 0);

	return ret ? ckpt_fail(rt->ctx, ret, "cannot close inherited files") : 0;
}

/**
 * ckpt_rec_string() - the string that ends a record
 * @rec:  the record
 * @hdr:  bytes before the string
 * @len:  bytes of the record
 * @slen: length of the string the record gives, without its NUL
 *
 * Return: the string, or NULL unless it is @slen non-NUL bytes, then a NUL
 * that ends the record.
 */
const char *ckpt_rec_string(void *rec, u32 hdr, u32 len, u32 slen)
{
	char *s = rec + hdr;

	if (len != hdr + slen + 1 || !slen || s[slen] || strlen(s) != slen)
		return NULL;
	return s;
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
static struct file *ckpt_restore_dev_excl(struct ckpt_rtask *rt, u32 flags)
{
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

/**
 * ckpt_restore_file() - reopen an open file description of the image
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_FILE
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
int ckpt_restore_file(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_file *r = rec;
	u32 kind = le32_to_cpu(r->kind);
	u32 flags = le32_to_cpu(r->flags);
	loff_t pos = le64_to_cpu(r->pos);
	struct file *file;
	const char *path;
	umode_t mode;

	if (len < sizeof(*r))
		goto bad;
	path = ckpt_rec_string(rec, sizeof(*r), len, le32_to_cpu(r->path_len));
	if (!path || (flags & ~CKPT_FILE_FLAGS) || pos < 0)
		goto bad;
	if (r->mtime && kind != CKPT_FILE_REG)
		goto bad;
	if (kind == CKPT_FILE_MQUEUE) {
		file = ckpt_restore_mqueue_file(rt, le32_to_cpu(r->obj), flags, pos);
		if (IS_ERR(file))
			return PTR_ERR(file);
		return ckpt_obj_add_file(rt->ctx, le32_to_cpu(r->id), file);
	}
	if (kind == CKPT_FILE_NETSOCK || kind == CKPT_FILE_DEV_EXCL) {
		if (pos || r->size)
			goto bad;
		if (kind == CKPT_FILE_NETSOCK)
			file = ckpt_restore_netsock_file(rt, le32_to_cpu(r->obj), flags);
		else
			file = ckpt_restore_dev_excl(rt, flags);
		if (IS_ERR(file))
			return PTR_ERR(file);
		return ckpt_obj_add_file(rt->ctx, le32_to_cpu(r->id), file);
	}
	if (kind >= CKPT_FILE_PIPE && kind <= CKPT_FILE_PTS) {
		if (pos || r->size)
			goto bad;
		if (kind == CKPT_FILE_PTMX || kind == CKPT_FILE_PTS)
			file = ckpt_restore_pty_file(rt, le32_to_cpu(r->obj), kind,
						     flags);
		else if (kind == CKPT_FILE_INOTIFY)
			file = ckpt_restore_inotify_file(rt, le32_to_cpu(r->obj),
							 flags);
		else if (kind >= CKPT_FILE_SIGNALFD)
			file = ckpt_restore_anonfd_file(rt, kind,
							le32_to_cpu(r->obj), flags);
		else if (kind == CKPT_FILE_EVENTFD)
			file = ckpt_restore_eventfd_file(rt, le32_to_cpu(r->obj),
							 flags);
		else if (kind == CKPT_FILE_EPOLL)
			file = ckpt_restore_epoll_file(rt, le32_to_cpu(r->obj),
						       flags);
		else
			file = ckpt_restore_pipe_file(rt, le32_to_cpu(r->obj),
						      kind, flags);
		if (IS_ERR(file))
			return PTR_ERR(file);
		return ckpt_obj_add_file(rt->ctx, le32_to_cpu(r->id), file);
	}
	if (kind == CKPT_FILE_REGDATA) {
		if (path[0] != '/' || (flags & O_DIRECTORY))
			goto bad;
		file = ckpt_restore_regfile_file(rt, le32_to_cpu(r->obj), path,
						 flags);
		if (IS_ERR(file))
			return PTR_ERR(file);
		goto seek;
	}
	if (path[0] != '/' ||
	    !((kind >= CKPT_FILE_REG && kind <= CKPT_FILE_CHR) ||
	      (kind >= CKPT_FILE_SHMEM && kind <= CKPT_FILE_SYSVSHM)))
		goto bad;

	if (kind >= CKPT_FILE_SHMEM) {
		if (flags & O_DIRECTORY)
			goto bad;
		file = ckpt_restore_contents_file(rt, kind, le32_to_cpu(r->rdev),
						  flags);
		if (IS_ERR(file))
			return PTR_ERR(file);
		goto seek;
	}
	file = filp_open(path, flags | O_LARGEFILE, 0);
	if (IS_ERR(file))
		return ckpt_fail(rt->ctx, PTR_ERR(file),
				 "pid %d: cannot reopen %s (error %ld)", rt->pid,
				 path, PTR_ERR(file));
	mode = file_inode(file)->i_mode;
	if ((kind == CKPT_FILE_REG && !S_ISREG(mode)) ||
	    (kind == CKPT_FILE_DIR && !S_ISDIR(mode)) ||
	    (kind == CKPT_FILE_CHR &&
	     (!S_ISCHR(mode) ||
	      new_encode_dev(file_inode(file)->i_rdev) != le32_to_cpu(r->rdev) ||
	      !ckpt_mem_dev(file_inode(file)->i_rdev)))) {
		fput(file);
		return ckpt_fail(rt->ctx, -ESTALE,
				 "pid %d: %s is not the kind of file it was", rt->pid,
				 path);
	}
	if (kind == CKPT_FILE_REG && ckpt_file_changed(rt, file, r, path)) {
		fput(file);
		return -ESTALE;
	}
seek:
	if (pos && (file->f_mode & FMODE_LSEEK) &&
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
 * ckpt_restore_fd() - install a reopened file at its fd number
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_FD
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
int ckpt_restore_fd(struct ckpt_rtask *rt, void *rec, u32 len)
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
int ckpt_restore_fs(struct ckpt_rtask *rt, void *rec, u32 len)
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
