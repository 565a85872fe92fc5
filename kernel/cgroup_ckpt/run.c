// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: running one operation.
 *
 * ckpt_run() owns the context of a checkpoint or restart from the trigger
 * write to its end: it marks the group busy, takes the image file, runs
 * the operation, and publishes the outcome in ckpt.state.
 *
 * A checkpoint freezes the group, checks every task (permission first,
 * then what it holds), writes the image, and then thaws, leaves frozen or
 * kills the group.  Any failure before the trailer is written leaves the
 * tasks as they were: nothing in the checkpoint path changes a task.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include "ckpt.h"

/**
 * ckpt_fail() - record why the operation fails
 * @ctx: the operation
 * @err: negative errno
 * @fmt: the reason, as shown after "error " in ckpt.state
 *
 * Only the first failure is kept: it is the cause, the rest follow from it.
 *
 * Return: @err, so that callers can "return ckpt_fail(...)".
 */
int ckpt_fail(struct ckpt_ctx *ctx, int err, const char *fmt, ...)
{
	va_list args;

	if (!ctx->err) {
		ctx->err = err;
		va_start(args, fmt);
		vsnprintf(ctx->reason, sizeof(ctx->reason), fmt, args);
		va_end(args);
	}
	return err;
}

static struct ckpt_ctx *ckpt_ctx_alloc(struct ckpt_cgroup *cc,
				       enum ckpt_cmd cmd)
{
	struct ckpt_ctx *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return NULL;
	ctx->pagebuf = kvmalloc(CKPT_PAGES_MAX * PAGE_SIZE, GFP_KERNEL);
	ctx->rbuf = kvmalloc(CKPT_REC_MAX_LEN, GFP_KERNEL);
	if (!ctx->pagebuf || !ctx->rbuf) {
		kvfree(ctx->pagebuf);
		kvfree(ctx->rbuf);
		kfree(ctx);
		return NULL;
	}
	refcount_set(&ctx->ref, 1);
	ctx->cc = cc;
	ctx->cgrp = cc->css.cgroup;
	ctx->cmd = cmd;
	ckpt_obj_init(ctx);
	xa_init(&ctx->pids);
	init_completion(&ctx->go);
	init_completion(&ctx->final);
	INIT_LIST_HEAD(&ctx->usocks);
	return ctx;
}

/**
 * ckpt_ctx_put() - drop a reference to an operation's context
 * @ctx: the context
 *
 * The restarter and each task it creates hold a reference; the last one
 * frees the context.
 */
void ckpt_ctx_put(struct ckpt_ctx *ctx)
{
	unsigned int i;

	if (!refcount_dec_and_test(&ctx->ref))
		return;
	ckpt_put_tasks(ctx);
	for (i = 0; i < ctx->nr_rt; i++) {
		struct ckpt_rtask *rt = &ctx->rt[i];
		unsigned int j;

		for (j = 0; j < rt->nr_regsets; j++)
			kvfree(rt->regset[j]);
		if (rt->cred)
			put_cred(rt->cred);
		ckpt_signals_free(rt);
		ckpt_seccomp_free(rt);
		if (rt->task)
			put_task_struct(rt->task);
	}
	kfree(ctx->rt);
	ckpt_unix_free(ctx);
	xa_destroy(&ctx->pids);
	ckpt_obj_destroy(ctx);
	if (ctx->s.file) {
		ckpt_stream_destroy(&ctx->s);
		fput(ctx->s.file);
	}
	kvfree(ctx->pagebuf);
	kvfree(ctx->rbuf);
	kfree(ctx);
}

static void ckpt_kill_tasks(struct ckpt_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_tasks; i++)
		if (ctx->ents[i].task && !ctx->ents[i].flags)
			send_sig(SIGKILL, ctx->ents[i].task, 1);
}

/* Wait, a bounded time, for the killed tasks to leave the group. */
static void ckpt_wait_empty(struct ckpt_ctx *ctx)
{
	int i;

	for (i = 0; i < 5000 && cgroup_is_populated(ctx->cgrp); i++) {
		if (fatal_signal_pending(current))
			break;
		usleep_range(500, 1000);
	}
}

/*
 * A live task of the table that is being killed or is gone: an outsider
 * sent it a fatal signal while the group was frozen (a frozen task still
 * dies).  What was written of it may be half of what it held.
 */
static pid_t ckpt_find_killed(struct ckpt_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct task_struct *t = ctx->ents[i].task;

		if (!t || ctx->ents[i].flags)
			continue;
		if (READ_ONCE(t->exit_state) || (READ_ONCE(t->flags) & PF_EXITING) ||
		    fatal_signal_pending(t))
			return ctx->ents[i].pid;
	}
	return 0;
}

/*
 * The image holds the group as it was when it froze: a task killed
 * meanwhile makes it wrong, whether its records were written before or
 * after (its parent did not see it die).  Fail with -EAGAIN, naming it,
 * also when its death is what made the dump fail ("no address space"),
 * but not when the writer itself was interrupted.
 */
static int ckpt_check_killed(struct ckpt_ctx *ctx, int ret)
{
	char why[CKPT_REASON_LEN];
	pid_t pid;

	if (ret == -EINTR || !ctx->ents)
		return ret;
	pid = ckpt_find_killed(ctx);
	if (!pid)
		return ret;
	if (!ret)
		return ckpt_fail(ctx, -EAGAIN,
				 "pid %d was killed during the checkpoint; try again",
				 pid);
	strscpy(why, ctx->reason, sizeof(why));
	ctx->err = 0;
	return ckpt_fail(ctx, -EAGAIN,
			 "pid %d was killed during the checkpoint (%s); try again",
			 pid, why);
}

static int ckpt_checkpoint(struct ckpt_ctx *ctx, struct file *opener)
{
	struct cgroup *cgrp = ctx->cgrp;
	const struct cred *old_cred;
	bool was_frozen, stay_frozen, inside;
	ktime_t frozen_at;
	unsigned int i;
	int ret;

	if (!ctx->s.file)
		return ckpt_fail(ctx, -EBADF,
				 "no image file: write an fd number to ckpt.image_fd");
	if (!(ctx->s.file->f_mode & FMODE_WRITE))
		return ckpt_fail(ctx, -EBADF, "the image file is not open for writing");
	rcu_read_lock();
	inside = cgroup_is_descendant(task_dfl_cgroup(current), cgrp);
	rcu_read_unlock();
	if (inside)
		return ckpt_fail(ctx, -EDEADLK,
				 "the writer (pid %d) is inside the group it checkpoints",
				 task_pid_vnr(current));
	if (cgrp->nr_populated_domain_children ||
	    cgrp->nr_populated_threaded_children)
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "the group has child groups with tasks; not supported yet");

	/* Act with the rights of whoever opened ckpt.trigger. */
	old_cred = override_creds(opener->f_cred);
	ret = ckpt_freeze(ctx, &was_frozen);
	if (ret)
		goto out_creds;
	frozen_at = ktime_get();

	ret = ckpt_collect_tasks(ctx);
	if (!ret)
		ret = ckpt_check_held_files(ctx);
	if (!ret)
		ret = ckpt_write_header(ctx, ctx->nr_tasks);
	if (!ret)
		ret = ckpt_dump_tasks(ctx);
	for (i = 0; !ret && i < ctx->nr_tasks; i++) {
		const struct ckpt_tent *e = &ctx->ents[i];

		if (e->pid == e->tgid && !(e->flags & CKPT_TASK_GHOST))
			ret = ckpt_dump_task(ctx, i);
	}
	ret = ckpt_check_killed(ctx, ret);
	if (!ret && !ckpt_still_frozen(ctx))
		ret = ckpt_fail(ctx, -EAGAIN,
				"freezer: the group was thawed during the checkpoint");
	if (!ret)
		ret = ckpt_write_trailer(ctx);

	/* Kill only after a complete image; a failure leaves tasks alone. */
	if (!ret && ctx->cmd == CKPT_CMD_CHECKPOINT_KILL)
		ckpt_kill_tasks(ctx);
	stay_frozen = was_frozen ||
		(!ret && ctx->cmd == CKPT_CMD_CHECKPOINT_FROZEN);
	if (!stay_frozen)
		ckpt_thaw(ctx);
	/* Downtime: the tasks stopped until now (or for good: kill, frozen). */
	ctx->frozen_us = ktime_us_delta(ktime_get(), frozen_at);
	if (!ret && ctx->cmd == CKPT_CMD_CHECKPOINT_KILL)
		ckpt_wait_empty(ctx);
out_creds:
	revert_creds(old_cred);
	return ret;
}

/**
 * ckpt_run() - run one checkpoint or restart of a group
 * @cc:     the group
 * @cmd:    what to do
 * @opts:   CKPT_RUN_* options given with it
 * @opener: the ckpt.trigger file written to; its opener's credentials are
 *          the ones checked
 *
 * Context: process context, no locks held.  Sleeps.
 * Return: 0, or a negative errno whose reason ckpt.state shows.
 */
int ckpt_run(struct ckpt_cgroup *cc, enum ckpt_cmd cmd, unsigned int opts,
	     struct file *opener)
{
	bool restart = cmd == CKPT_CMD_RESTART || cmd == CKPT_CMD_RESTART_FROZEN;
	struct ckpt_ctx *ctx;
	struct file *image;
	ktime_t start;
	int ret;

	if (test_and_set_bit_lock(0, &cc->busy))
		return -EBUSY;
	ctx = ckpt_ctx_alloc(cc, cmd);
	if (!ctx) {
		clear_bit_unlock(0, &cc->busy);
		return -ENOMEM;
	}
	ctx->skip_file_check = opts & CKPT_RUN_SKIP_FILE_CHECK;

	mutex_lock(&cc->lock);
	image = cc->image ? get_file(cc->image) : NULL;
	ctx->exclude = cc->exclude;
	WRITE_ONCE(cc->progress, 0);
	cc->op = restart ? CKPT_OP_RESTART : CKPT_OP_CHECKPOINT;
	mutex_unlock(&cc->lock);
	ckpt_state_changed(cc);

	start = ktime_get();
	ret = 0;
	if (image) {
		ret = ckpt_stream_init(&ctx->s, image);
		if (ret)
			fput(image);
	}
	if (!ret)
		ret = restart ? ckpt_restart(ctx, opener) :
				ckpt_checkpoint(ctx, opener);
	if (ret && !ctx->err)
		ckpt_fail(ctx, ret, "failed (error %d)", ret);

	mutex_lock(&cc->lock);
	cc->last_op = cc->op;
	cc->op = CKPT_OP_NONE;
	cc->last_err = ret;
	cc->tasks = restart ? ctx->nr_rt : ctx->nr_tasks;
	cc->bytes = ctx->s.bytes;
	cc->duration_us = ktime_us_delta(ktime_get(), start);
	cc->frozen_us = ctx->frozen_us;
	strscpy(cc->reason, ret ? ctx->reason : "", sizeof(cc->reason));
	mutex_unlock(&cc->lock);

	ckpt_ctx_put(ctx);
	clear_bit_unlock(0, &cc->busy);
	ckpt_state_changed(cc);
	return ret;
}
