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
#include "ckpt.h"

/*
 * Apply one record of a process through the resource that owns its type.
 * Return: 0, 1 if the record is not expected here, or a negative errno.
 */
static int ckpt_restore_one(struct ckpt_rtask *rt, const struct ckpt_hdr *rec)
{
	struct ckpt_ctx *ctx = rt->ctx;
	const struct ckpt_resource *res = NULL;
	const struct ckpt_rec_op *op;
	struct ckpt_rtask *to = rt;
	struct ckpt_rec *h;
	int ret;

	op = ckpt_rec_op_find(rec->type, &res);
	if (ckpt_res_seq_end(rt, res, op) || !op ||
	    (op->flags & CKPT_ROP_NESTED))
		return 1;
	if (op->flags & CKPT_ROP_THREAD) {
		to = rt->cur;
		if (!to)
			return 1;
	}
	if (op->stream)
		return op->stream(to, rec);
	/* The record whole, its header as in the image. */
	h = ctx->rbuf;
	h->type = cpu_to_le32(rec->type);
	h->len = cpu_to_le32(rec->len);
	ret = ckpt_read_payload(ctx, ctx->rbuf + sizeof(*h),
				rec->len - sizeof(*h));
	if (ret)
		return ret;
	return op->restore(to, ctx->rbuf, rec->len);
}

/* Read the records of one process, up to its CKPT_REC_TASK_END. */
static int ckpt_restore_records(struct ckpt_rtask *rt)
{
	struct ckpt_ctx *ctx = rt->ctx;
	bool zombie = rt->flags & CKPT_TASK_ZOMBIE;
	struct ckpt_hdr rec;
	bool first = true;
	int ret;

	for (;; first = false) {
		ret = ckpt_read_rec(ctx, &rec);
		if (ret)
			return ret;
		if (first && rec.type != CKPT_REC_TASK)
			goto unexpected;
		if (rec.type == CKPT_REC_TASK_END) {
			/* It ends what is open, as any record does. */
			if (rec.len != sizeof(rec) ||
			    ckpt_res_seq_end(rt, NULL, NULL))
				goto unexpected;
			return ckpt_task_finish(rt);
		}
		/* A zombie has only its identity: its mm is its parent's. */
		if (zombie && rec.type != CKPT_REC_TASK)
			goto unexpected;
		ret = ckpt_restore_one(rt, &rec);
		if (ret > 0)
			goto unexpected;
		if (ret)
			return ret;
	}
unexpected:
	return ckpt_fail(ctx, -EINVAL,
			 "image: pid %d: unexpected record type %#x (%s) at byte %llu",
			 rt->pid, rec.type, ckpt_rec_name(rec.type), ctx->s.bytes);
}

/*
 * Reap a task we created and that exits.  A fatal signal does not end the
 * wait: the task is dying too.  Bounded all the same.
 */
static void ckpt_reap(pid_t pid)
{
	long ret;
	int i;

	for (i = 0; i < 10 * HZ; i++) {
		ret = kernel_wait4(pid, NULL, __WALL, NULL);
		if (ret != -ERESTARTSYS && ret != -EINTR)
			return;
		/* A signal is pending for us: let the child finish dying. */
		schedule_timeout_uninterruptible(1);
	}
	pr_warn("pid %d: could not reap a task of a failed restart\n", pid);
}

/* Reap the processes @rt created, then exit. */
static void __noreturn ckpt_restart_abort(struct ckpt_rtask *rt)
{
	struct ckpt_ctx *ctx = rt->ctx;
	unsigned int i;

	for (i = rt - ctx->rt + 1; rt->tgid == rt->pid && i < ctx->nr_rt; i++) {
		struct ckpt_rtask *c = &ctx->rt[i];

		/* Those made with CLONE_PARENT are the restarter's. */
		if (c->creator == rt - ctx->rt && c->pid == c->tgid && c->ppid &&
		    READ_ONCE(c->task))
			ckpt_reap(c->pid);
	}
	ckpt_ctx_put(ctx);
	do_exit(SIGKILL);
}

/* Task work: the restored thread's last steps before user mode. */
static void ckpt_restart_final(struct callback_head *work)
{
	struct ckpt_rtask *rt = container_of(work, struct ckpt_rtask, work);
	struct ckpt_ctx *ctx = rt->ctx;

	ckpt_thread_resume(rt);
	complete(&rt->running);
	wait_for_completion(&ctx->final);
	if (READ_ONCE(ctx->abort))
		ckpt_restart_abort(rt);
	ckpt_ctx_put(ctx);
}

/* After ctx->go: exit if the restart failed, else finish and run. */
static int ckpt_restart_go(struct ckpt_rtask *rt, int ret)
{
	struct ckpt_ctx *ctx = rt->ctx;

	wait_for_completion(&ctx->go);
	if (READ_ONCE(ctx->abort) || ret)
		ckpt_restart_abort(rt);
	if (rt->flags & CKPT_TASK_GHOST) {
		/* Its session lives on in the processes it made. */
		complete(&rt->running);
		ckpt_ctx_put(ctx);
		do_exit(0);
	}
	rt->err = ckpt_restore_pgrp(rt, true);
	ckpt_task_commit(rt);
	init_task_work(&rt->work, ckpt_restart_final);
	if (task_work_add(current, &rt->work, TWA_RESUME)) {
		/* Exiting already: still take part in the barriers. */
		ckpt_restart_final(&rt->work);
	}
	return 0;
}

/* Nothing but SIGKILL may interrupt the restore, or reach user mode
 * before ckpt_restart_final() put the registers and mask in place.
 */
static void ckpt_restart_enter(struct ckpt_rtask *rt)
{
	sigset_t all;

	siginitsetinv(&all, sigmask(SIGKILL) | sigmask(SIGSTOP));
	set_current_blocked(&all);
	WRITE_ONCE(rt->task, get_task_struct(current));
}

/* The first code a restored thread other than the leader runs. */
static int ckpt_restart_thread(void *arg)
{
	struct ckpt_rtask *rt = arg;

	ckpt_restart_enter(rt);
	complete_all(&rt->ready);
	return ckpt_restart_go(rt, 0);
}

static int ckpt_restart_task(void *arg);

/* Create @rt as a thread or child of current (or of its parent). */
static int ckpt_create_task(struct ckpt_ctx *ctx, struct ckpt_rtask *rt,
			    u64 flags, int group_fd)
{
	bool thread = flags & CLONE_THREAD;
	pid_t tid = rt->pid;
	struct kernel_clone_args args = {
		.flags		= flags | CLONE_UNTRACED,
		.exit_signal	= thread ? 0 : SIGCHLD,
		.fn		= thread ? ckpt_restart_thread : ckpt_restart_task,
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
		/* rmdir while the image was read: the group was empty. */
		if ((flags & CLONE_INTO_CGROUP) &&
		    !(READ_ONCE(ctx->cgrp->self.flags) & CSS_ONLINE))
			return ckpt_fail(ctx, -ENODEV,
					 "the group was removed during the restart");
		return ckpt_fail(ctx, pid, "pid %d: cannot create the task (error %d)",
				 rt->pid, pid);
	}
	return 0;
}

/* Create @rt and wait until it has read its records and made its own. */
static int ckpt_spawn(struct ckpt_ctx *ctx, struct ckpt_rtask *rt, u64 flags,
		      int group_fd)
{
	int ret, i;

	ret = ckpt_create_task(ctx, rt, flags, group_fd);
	if (ret)
		return ret;
	if (wait_for_completion_killable(&rt->ready))
		return ckpt_fail(ctx, -EINTR, "interrupted by a signal");
	if (rt->err)
		return rt->err;
	/* Its SIGCHLD is queued before the parent restores its signals. */
	for (i = 0; (rt->flags & CKPT_TASK_ZOMBIE) && !READ_ONCE(rt->task->exit_state); i++) {
		if (i > 10 * HZ || fatal_signal_pending(current))
			return ckpt_fail(ctx, -EINTR, "pid %d: the zombie did not exit",
					 rt->pid);
		schedule_timeout_uninterruptible(1);
	}
	return 0;
}

/* Make the threads and children of the process @rt (current). */
static int ckpt_create_children(struct ckpt_rtask *rt)
{
	struct ckpt_ctx *ctx = rt->ctx;
	unsigned int i, self = rt - ctx->rt;
	u64 flags;
	int ret;

	for (i = self + rt->nr_threads; i < ctx->nr_rt; i++) {
		struct ckpt_rtask *c = &ctx->rt[i];

		if (c->pid != c->tgid || c->creator != self)
			continue;
		/* A root in our session: the restarter's child, like us. */
		flags = CLONE_VM | (c->ppid ? 0 : CLONE_PARENT);
		if (c->share & CKPT_TASK_SHARE_FILES)
			flags |= CLONE_FILES;
		if (c->share & CKPT_TASK_SHARE_FS)
			flags |= CLONE_FS;
		if (c->share & CKPT_TASK_SHARE_SIGHAND)
			flags |= CLONE_SIGHAND;
		ret = ckpt_spawn(ctx, c, flags, -1);
		if (ret)
			return ret;
	}
	/* Children have their own filters; threads share ours. */
	ret = ckpt_restore_seccomp_install(rt);
	if (ret)
		return ret;
	for (i = 1; i < rt->nr_threads; i++) {
		ret = ckpt_spawn(ctx, &rt[i], CLONE_VM | CLONE_FS | CLONE_FILES |
				 CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM, -1);
		if (ret)
			return ret;
	}
	return 0;
}

/* The first code a restored process runs, in the kernel. */
static int ckpt_restart_task(void *arg)
{
	struct ckpt_rtask *rt = arg;
	struct ckpt_ctx *ctx = rt->ctx;
	int ret, code;

	ckpt_restart_enter(rt);
	ret = ckpt_restore_files_begin(rt);
	/* Made with CLONE_VM: its own mm, or its parent's (restored). */
	if (!ret && !rt->flags && !(rt->share & CKPT_TASK_SHARE_VM))
		ret = ckpt_restore_mm_begin(rt);
	if (!ret && !(rt->flags & CKPT_TASK_GHOST))
		ret = ckpt_restore_records(rt);
	if (!ret)
		ret = ckpt_restore_pgrp(rt, false);
	if (!ret)
		ret = ckpt_create_children(rt);
	rt->err = ret;
	code = rt->exit_code;
	complete_all(&rt->ready);
	if ((rt->flags & CKPT_TASK_ZOMBIE) && !ret) {
		ckpt_ctx_put(ctx);
		do_exit(code);
	}
	return ckpt_restart_go(rt, ret);
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

/* The restarter created it (and so reaps it): a root or a ghost. */
static bool ckpt_is_root(const struct ckpt_rtask *rt)
{
	return rt->pid == rt->tgid && !rt->ppid;
}

/* Kill every task created so far. */
static void ckpt_kill_created(struct ckpt_ctx *ctx)
{
	unsigned int i;

	rcu_read_lock();
	for (i = 0; i < ctx->nr_rt; i++)
		if (READ_ONCE(ctx->rt[i].task))
			kill_pid(find_vpid(ctx->rt[i].pid), SIGKILL, 1);
	rcu_read_unlock();
}

static void ckpt_reap_roots(struct ckpt_ctx *ctx, bool ghosts_only)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_rt; i++) {
		struct ckpt_rtask *rt = &ctx->rt[i];

		if (ckpt_is_root(rt) && READ_ONCE(rt->task) &&
		    (!ghosts_only || (rt->flags & CKPT_TASK_GHOST)))
			ckpt_reap(rt->pid);
	}
}

/* Before ctx->go: every task created exits in the kernel. */
static int ckpt_restart_undo(struct ckpt_ctx *ctx, int ret)
{
	unsigned int i;

	WRITE_ONCE(ctx->abort, true);
	ckpt_kill_created(ctx);
	for (i = 0; i < ctx->nr_rt; i++)
		if (READ_ONCE(ctx->rt[i].task))
			wait_for_completion(&ctx->rt[i].ready);
	complete_all(&ctx->go);
	ckpt_reap_roots(ctx, false);
	return ret;
}

/* Let the tasks go, and wait until each is on its way to user mode. */
static int ckpt_restart_run(struct ckpt_ctx *ctx)
{
	unsigned int i;
	int ret = 0;

	complete_all(&ctx->go);
	/*
	 * A group frozen by its user meanwhile parks the tasks before their
	 * last work: let a fatal signal end the wait, and then end the tasks,
	 * which have not run a user instruction yet.
	 */
	for (i = 0; i < ctx->nr_rt; i++) {
		struct ckpt_rtask *rt = &ctx->rt[i];

		if (rt->flags & CKPT_TASK_ZOMBIE)
			continue;
		if (wait_for_completion_killable(&rt->running)) {
			ret = ckpt_fail(ctx, -EINTR, "interrupted by a signal");
			WRITE_ONCE(ctx->abort, true);
			ckpt_kill_created(ctx);
			complete_all(&ctx->final);
			return ret;
		}
		if (!ret && rt->err)
			ret = rt->err;
	}
	if (ret) {
		/* Each task reaps its own children, then exits. */
		WRITE_ONCE(ctx->abort, true);
		complete_all(&ctx->final);
		ckpt_reap_roots(ctx, false);
		return ret;
	}
	if (ctx->cmd == CKPT_CMD_RESTART_FROZEN) {
		cgroup_lock();
		cgroup_freeze(ctx->cgrp, true);
		cgroup_unlock();
	}
	/* Nothing fails any more: keep the IPC objects made. */
	ckpt_res_commit(ctx);
	complete_all(&ctx->final);
	ckpt_reap_roots(ctx, true);
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
	unsigned int i;
	int group_fd, ret;

	if (!ctx->s.file)
		return ckpt_fail(ctx, -EBADF,
				 "no image file: write an fd number to ckpt.image_fd");
	if (!(ctx->s.file->f_mode & FMODE_READ))
		return ckpt_fail(ctx, -EBADF, "the image file is not open for reading");
	if (!ctx->s.file->f_op->read_iter)
		return ckpt_fail(ctx, -EINVAL,
				 "the image file cannot be read from the kernel (no ->read_iter); use a pipe, socket or regular file");
	ret = ckpt_restart_permission(ctx, opener);
	if (ret)
		return ret;
	if (cgroup_is_populated(cgrp))
		return ckpt_fail(ctx, -ENOTEMPTY,
				 "the group has tasks; restart needs an empty group");
	if (test_bit(CGRP_FREEZE, &cgrp->flags))
		return ckpt_fail(ctx, -EBUSY,
				 "the group is frozen; thaw it (\"restart frozen\" freezes it after)");

	ret = ckpt_read_header(ctx, &h);
	/* what the image left out, not what the group would */
	if (!ret)
		ctx->exclude = le64_to_cpu(h.exclude);
	if (!ret)
		ret = ckpt_mac_check_header(ctx, le32_to_cpu(h.flags));
	if (!ret)
		ret = ckpt_read_task_table(ctx, le32_to_cpu(h.nr_tasks));
	if (ret)
		return ret;

	group_fd = ckpt_group_fd(opener);
	if (group_fd < 0)
		return ckpt_fail(ctx, group_fd, "cannot open the group (error %d)",
				 group_fd);
	for (i = 0; !ret && i < ctx->nr_rt; i++) {
		struct ckpt_rtask *rt = &ctx->rt[i];

		if (rt->pid == rt->tgid && rt->creator < 0)
			ret = ckpt_spawn(ctx, rt, CLONE_VM | CLONE_INTO_CGROUP,
					 group_fd);
	}
	close_fd(group_fd);

	if (!ret)
		ret = ckpt_read_mac(ctx, le32_to_cpu(h.flags) & CKPT_HDR_MAC);
	if (!ret) {
		ret = ckpt_read_rec(ctx, &rec);
		if (!ret && rec.type != CKPT_REC_TRAILER)
			ret = ckpt_fail(ctx, -EINVAL,
					"image: record type %#x after the last task",
					rec.type);
		if (!ret)
			ret = ckpt_read_trailer(ctx, &rec);
	}
	/* Only now is no task reading records: every one is ready. */
	if (!ret)
		ret = ckpt_res_finish(ctx);
	for (i = 0; !ret && i < ctx->nr_rt; i++)
		if (!ctx->rt[i].flags)
			ret = ckpt_apply_regsets(&ctx->rt[i]);
	if (ret)
		ret = ckpt_restart_undo(ctx, ret);
	else
		ret = ckpt_restart_run(ctx);
	/* Nothing of a failed restart stays. */
	if (ret)
		ckpt_res_abort(ctx);
	return ret;
}
