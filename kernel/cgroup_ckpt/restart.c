// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: restart.
 *
 * The writer of "restart" (the restarter) reads the image header and task
 * table, then creates each task with kernel_clone(): its pid through
 * set_tid, straight into the group through CLONE_INTO_CGROUP, running a
 * kernel function first, the way user_mode_thread() starts init.  In its
 * own context the new task drops what it inherited from the restarter
 * (fds, mm), reads its records from the image and rebuilds itself, then
 * parks.  The restarter checks the trailer and sets the parked tasks'
 * registers through their regsets, as PTRACE_SETREGSET would.  Only then
 * are the tasks let go; until then a failure makes every task created exit
 * in the kernel, and the restarter reaps them: nothing is left behind.
 *
 * Barriers, in order:
 *   rt->ready	task -> restarter: my records are read (or I failed)
 *   ctx->go	restarter -> tasks: registers set; run, or exit if ctx->abort
 *   rt->running	task -> restarter: my last kernel work is done
 *   ctx->final	restarter -> tasks: return to user mode
 * The last two keep "restart frozen" from freezing a task halfway through
 * its return to user mode.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/threads.h>
#include "ckpt.h"

/* Read the records of one task, up to its CKPT_REC_TASK_END. */
static int ckpt_restore_records(struct ckpt_rtask *rt)
{
	struct ckpt_ctx *ctx = rt->ctx;
	bool first = true;
	struct ckpt_hdr rec;
	void *buf = ctx->rbuf;
	u32 len;
	int ret;

	for (;;) {
		ret = ckpt_read_rec(ctx, &rec);
		if (ret)
			return ret;
		if (first && rec.type != CKPT_REC_TASK)
			goto unexpected;
		first = false;
		if (rec.type == CKPT_REC_PAGES) {
			ret = ckpt_restore_pages(rt, &rec);
			if (ret)
				return ret;
			continue;
		}
		len = rec.len;
		ret = ckpt_read_payload(ctx, buf + sizeof(rec), len - sizeof(rec));
		if (ret)
			return ret;
		if (rec.type != CKPT_REC_VMA) {
			rt->vma_start = 0;
			rt->vma_end = 0;
		}

		switch (rec.type) {
		case CKPT_REC_TASK:
			ret = ckpt_restore_task_rec(rt, buf, len);
			break;
		case CKPT_REC_CREDS:
			ret = ckpt_restore_creds(rt, buf, len);
			break;
		case CKPT_REC_ATTRS:
			ret = ckpt_restore_attrs(rt, buf, len);
			break;
		case CKPT_REC_THREAD:
			ret = ckpt_restore_thread(rt, buf, len);
			break;
		case CKPT_REC_REGSET:
			ret = ckpt_restore_regset(rt, buf, len);
			break;
		case CKPT_REC_SIGHAND:
			ret = ckpt_restore_sighand(rt, buf, len);
			break;
		case CKPT_REC_SIGPENDING:
			ret = ckpt_restore_sigpending(rt, buf, len);
			break;
		case CKPT_REC_SIGNAL:
			ret = ckpt_restore_signal(rt, buf, len);
			break;
		case CKPT_REC_ITIMERS:
			ret = ckpt_restore_itimers(rt, buf, len);
			break;
		case CKPT_REC_POSIX_TIMER:
			ret = ckpt_restore_posix_timer(rt, buf, len);
			break;
		case CKPT_REC_FS:
			ret = ckpt_restore_fs(rt, buf, len);
			break;
		case CKPT_REC_FILE:
			ret = ckpt_restore_file(rt, buf, len);
			break;
		case CKPT_REC_FD:
			ret = ckpt_restore_fd(rt, buf, len);
			break;
		case CKPT_REC_MM:
			ret = ckpt_restore_mm(rt, buf, len);
			break;
		case CKPT_REC_VMA:
			ret = ckpt_restore_vma(rt, buf, len);
			break;
		case CKPT_REC_TASK_END:
			if (len != sizeof(rec))
				goto unexpected;
			return ckpt_restore_task_end(rt);
		default:
			goto unexpected;
		}
		if (ret)
			return ret;
	}
unexpected:
	return ckpt_fail(ctx, -EINVAL,
			 "image: pid %d: unexpected record type %#x at byte %llu",
			 rt->pid, rec.type, ctx->s.bytes);
}

/* Task work: the restored task's last steps before user mode. */
static void ckpt_restart_final(struct callback_head *work)
{
	struct ckpt_rtask *rt = container_of(work, struct ckpt_rtask, work);
	struct ckpt_ctx *ctx = rt->ctx;

	ckpt_thread_final(rt);
	complete(&rt->running);
	wait_for_completion(&ctx->final);
	ckpt_ctx_put(ctx);
}

/* The first code a restored task runs, in the kernel. */
static int ckpt_restart_task(void *arg)
{
	struct ckpt_rtask *rt = arg;
	struct ckpt_ctx *ctx = rt->ctx;
	sigset_t all;
	int ret;

	/* Nothing but SIGKILL may interrupt the restore, or reach user mode
	 * before ckpt_restart_final() put the registers and mask in place.
	 */
	siginitsetinv(&all, sigmask(SIGKILL) | sigmask(SIGSTOP));
	set_current_blocked(&all);
	rt->task = get_task_struct(current);

	ret = ckpt_restore_files_begin(rt);
	if (!ret)
		ret = ckpt_restore_mm_begin(rt);
	if (!ret)
		ret = ckpt_restore_records(rt);
	rt->err = ret;
	complete_all(&rt->ready);

	wait_for_completion(&ctx->go);
	if (READ_ONCE(ctx->abort) || ret) {
		ckpt_ctx_put(ctx);
		do_exit(SIGKILL);
	}
	init_task_work(&rt->work, ckpt_restart_final);
	if (task_work_add(current, &rt->work, TWA_RESUME)) {
		/* Exiting already: still take part in the barriers. */
		ckpt_restart_final(&rt->work);
	}
	return 0;
}

/* Open the group's directory as an fd for CLONE_INTO_CGROUP. */
static int ckpt_group_fd(struct file *opener)
{
	struct path path;
	struct file *dir;
	int fd;

	path.mnt = opener->f_path.mnt;
	path.dentry = dget_parent(opener->f_path.dentry);
	dir = dentry_open(&path, O_RDONLY | O_DIRECTORY, current_cred());
	dput(path.dentry);
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		fput(dir);
		return fd;
	}
	fd_install(fd, dir);
	return fd;
}

static int ckpt_create_task(struct ckpt_ctx *ctx, struct ckpt_rtask *rt,
			    int group_fd)
{
	pid_t tid = rt->pid;
	struct kernel_clone_args args = {
		.flags		= CLONE_VM | CLONE_UNTRACED | CLONE_INTO_CGROUP,
		.exit_signal	= SIGCHLD,
		.fn		= ckpt_restart_task,
		.fn_arg		= rt,
		.set_tid	= &tid,
		.set_tid_size	= 1,
		.cgroup		= group_fd,
	};
	pid_t pid;

	refcount_inc(&ctx->ref);
	pid = kernel_clone(&args);
	if (pid < 0) {
		refcount_dec(&ctx->ref);
		if (pid == -EEXIST)
			return ckpt_fail(ctx, -EBUSY, "pid %d: the pid is in use",
					 rt->pid);
		return ckpt_fail(ctx, pid, "pid %d: cannot create the task (error %d)",
				 rt->pid, pid);
	}
	return 0;
}

/* Reap a task we created and that exited. */
static void ckpt_reap(pid_t pid)
{
	long ret;
	int i;

	for (i = 0; i < 1000 && !fatal_signal_pending(current); i++) {
		ret = kernel_wait4(pid, NULL, __WALL, NULL);
		if (ret != -ERESTARTSYS && ret != -EINTR)
			return;
		/* A signal is pending for us: let the child finish dying. */
		schedule_timeout_uninterruptible(1);
	}
}

static int ckpt_read_task_table(struct ckpt_ctx *ctx, u32 nr_tasks)
{
	struct ckpt_tasks *r = ctx->rbuf;
	struct ckpt_hdr rec;
	u32 i;
	int ret;

	ret = ckpt_read_rec(ctx, &rec);
	if (ret)
		return ret;
	if (rec.type != CKPT_REC_TASKS || rec.len != struct_size(r, task, nr_tasks))
		return ckpt_fail(ctx, -EINVAL, "image: bad task table");
	ret = ckpt_read_payload(ctx, (u8 *)r + sizeof(rec), rec.len - sizeof(rec));
	if (ret)
		return ret;
	if (le32_to_cpu(r->nr) != nr_tasks || r->__reserved)
		return ckpt_fail(ctx, -EINVAL, "image: bad task table");
	if (nr_tasks != 1)
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "image: holds %u tasks; only one is supported yet",
				 nr_tasks);
	ctx->rt = kcalloc(nr_tasks, sizeof(*ctx->rt), GFP_KERNEL);
	if (!ctx->rt)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	for (i = 0; i < nr_tasks; i++) {
		struct ckpt_task_entry *e = &r->task[i];
		struct ckpt_rtask *rt = &ctx->rt[i];
		u32 pid = le32_to_cpu(e->pid);

		if (!pid || pid >= PID_MAX_LIMIT || le32_to_cpu(e->tgid) != pid ||
		    e->ppid || e->flags || !e->pgid || !e->sid)
			return ckpt_fail(ctx, -EINVAL, "image: bad task table entry %u",
					 i);
		rt->ctx = ctx;
		rt->pid = pid;
		rt->sid = le32_to_cpu(e->sid);
		init_completion(&rt->ready);
		init_completion(&rt->running);
	}
	return 0;
}

/**
 * ckpt_restart() - recreate the tasks of an image in an empty group
 * @ctx:    the restart
 * @opener: the ckpt.trigger file written to
 *
 * Context: process context, no locks held.  Sleeps.
 * Return: 0 with every task running (or frozen, if asked), or a negative
 * errno with no task left.
 */
int ckpt_restart(struct ckpt_ctx *ctx, struct file *opener)
{
	struct cgroup *cgrp = ctx->cgrp;
	struct ckpt_file_header h;
	struct ckpt_hdr rec;
	unsigned int i, created = 0;
	int group_fd, ret;

	if (!ctx->s.file)
		return ckpt_fail(ctx, -EBADF,
				 "no image file: write an fd number to ckpt.image_fd");
	if (!(ctx->s.file->f_mode & FMODE_READ))
		return ckpt_fail(ctx, -EBADF, "the image file is not open for reading");
	if (!file_ns_capable(opener, &init_user_ns, CAP_SYS_ADMIN) ||
	    !capable(CAP_SYS_ADMIN))
		return ckpt_fail(ctx, -EPERM, "restart requires CAP_SYS_ADMIN");
	if (cgroup_is_populated(cgrp))
		return ckpt_fail(ctx, -ENOTEMPTY,
				 "the group has tasks; restart needs an empty group");
	if (test_bit(CGRP_FREEZE, &cgrp->flags))
		return ckpt_fail(ctx, -EBUSY,
				 "the group is frozen; thaw it (\"restart frozen\" freezes it after)");

	ret = ckpt_read_header(ctx, &h);
	if (!ret)
		ret = ckpt_read_task_table(ctx, le32_to_cpu(h.nr_tasks));
	if (ret)
		return ret;
	ctx->nr_rt = le32_to_cpu(h.nr_tasks);

	group_fd = ckpt_group_fd(opener);
	if (group_fd < 0)
		return ckpt_fail(ctx, group_fd, "cannot open the group (error %d)",
				 group_fd);
	for (i = 0; i < ctx->nr_rt; i++) {
		struct ckpt_rtask *rt = &ctx->rt[i];

		ret = ckpt_create_task(ctx, rt, group_fd);
		if (ret)
			break;
		created++;
		if (wait_for_completion_killable(&rt->ready)) {
			ret = ckpt_fail(ctx, -EINTR, "interrupted by a signal");
			break;
		}
		ret = rt->err;
		if (ret)
			break;
	}
	close_fd(group_fd);

	if (!ret) {
		ret = ckpt_read_rec(ctx, &rec);
		if (!ret && rec.type != CKPT_REC_TRAILER)
			ret = ckpt_fail(ctx, -EINVAL,
					"image: record type %#x after the last task",
					rec.type);
		if (!ret)
			ret = ckpt_read_trailer(ctx, &rec);
	}
	for (i = 0; !ret && i < created; i++)
		ret = ckpt_apply_regsets(&ctx->rt[i]);

	if (ret) {
		WRITE_ONCE(ctx->abort, true);
		rcu_read_lock();
		for (i = 0; i < created; i++)
			kill_pid(find_vpid(ctx->rt[i].pid), SIGKILL, 1);
		rcu_read_unlock();
		for (i = 0; i < created; i++)
			wait_for_completion(&ctx->rt[i].ready);
		complete_all(&ctx->go);
		for (i = 0; i < created; i++)
			ckpt_reap(ctx->rt[i].pid);
		return ret;
	}

	complete_all(&ctx->go);
	/*
	 * A group frozen by its user meanwhile parks the tasks before their
	 * last work: let a fatal signal end the wait, and then end the tasks,
	 * which have not run a user instruction yet.
	 */
	for (i = 0; i < created; i++) {
		if (wait_for_completion_killable(&ctx->rt[i].running)) {
			ret = ckpt_fail(ctx, -EINTR, "interrupted by a signal");
			rcu_read_lock();
			for (i = 0; i < created; i++)
				kill_pid(find_vpid(ctx->rt[i].pid), SIGKILL, 1);
			rcu_read_unlock();
			complete_all(&ctx->final);
			return ret;
		}
	}
	if (ctx->cmd == CKPT_CMD_RESTART_FROZEN) {
		cgroup_lock();
		cgroup_freeze(cgrp, true);
		cgroup_unlock();
	}
	complete_all(&ctx->final);
	return 0;
}
