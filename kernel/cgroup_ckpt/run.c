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

#include <linux/bvec.h>
#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/key.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include "ckpt.h"
#include "snapshot.h"

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

/*
 * Write every record of one process: its identity, then what each
 * resource holds of it, in the order of ckpt_resources[], which is the
 * order restart reads them in.
 */
static int ckpt_dump_process(struct ckpt_ctx *ctx, unsigned int idx)
{
	const struct ckpt_tent *e = &ctx->ents[idx];
	struct ckpt_rec end = { };
	int ret;

	ctx->cur = idx;
	ret = ckpt_dump_task(ctx, idx);
	if (!ret && !(e->flags & CKPT_TASK_ZOMBIE))
		ret = ckpt_res_dump(ctx, e->task);
	if (!ret)
		ret = ckpt_write(ctx, &end, CKPT_REC_TASK_END, sizeof(end));
	return ret;
}

/* What a checkpoint needs before it freezes anything. */
static int ckpt_checkpoint_check(struct ckpt_ctx *ctx)
{
	struct cgroup *cgrp = ctx->cgrp;
	bool inside;

	if (!ctx->s.file && !ctx->check)
		return ckpt_fail(ctx, -EBADF,
				 "no image file: write an fd number to ckpt.image_fd");
	if (ctx->s.file && !(ctx->s.file->f_mode & FMODE_WRITE))
		return ckpt_fail(ctx, -EBADF, "the image file is not open for writing");
	if (ctx->s.file && !ctx->s.file->f_op->write_iter)
		return ckpt_fail(ctx, -EINVAL,
				 "the image file cannot be written from the kernel (no ->write_iter); use a pipe, socket or regular file");
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
	return 0;
}

/* Write the image of the frozen group, or record it (snapshot mode). */
static int ckpt_checkpoint_write(struct ckpt_ctx *ctx)
{
	unsigned int i;
	int ret;

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
			ret = ckpt_dump_process(ctx, i);
		ckpt_skip_refused(ctx, &ret, NULL);
	}
	ret = ckpt_check_killed(ctx, ret);
	/* A dry run fails with its first blocker, and shows them all. */
	if (!ret && ctx->nr_blockers)
		ret = ctx->err;
	if (ctx->check)
		ckpt_blockers_end(ctx);
	if (!ret && !ckpt_still_frozen(ctx))
		ret = ckpt_fail(ctx, -EAGAIN,
				"freezer: the group was thawed during the checkpoint");
	if (!ret && !ctx->s.capture)
		ret = ckpt_write_mac(ctx);
	if (!ret && !ctx->s.capture)
		ret = ckpt_write_trailer(ctx);
	return ret;
}

static int ckpt_checkpoint(struct ckpt_ctx *ctx, struct file *opener)
{
	const struct cred *old_cred;
	bool was_frozen, stay_frozen;
	ktime_t frozen_at;
	int ret;

	ret = ckpt_checkpoint_check(ctx);
	if (ret)
		return ret;
	/*
	 * "checkpoint" thaws as soon as the state is recorded and the memory
	 * snapshotted (snapshot.c); the other modes write while frozen.
	 */
	ctx->s.capture = ctx->cmd == CKPT_CMD_CHECKPOINT;

	/* Act with the rights of whoever opened ckpt.trigger. */
	old_cred = override_creds(opener->f_cred);
	ret = ckpt_freeze(ctx, &was_frozen);
	if (ret)
		goto out_creds;
	frozen_at = ktime_get();
	ret = ckpt_checkpoint_write(ctx);

	/* Kill only after a complete image; a failure leaves tasks alone. */
	if (!ret && ctx->cmd == CKPT_CMD_CHECKPOINT_KILL) {
		ckpt_res_kill(ctx);
		ckpt_kill_tasks(ctx);
	}
	stay_frozen = was_frozen ||
		(!ret && ctx->cmd == CKPT_CMD_CHECKPOINT_FROZEN);
	if (!stay_frozen)
		ckpt_thaw(ctx);
	/* Downtime: the tasks stopped until now (or for good: kill, frozen). */
	ctx->frozen_us = ktime_us_delta(ktime_get(), frozen_at);
	if (!ret && ctx->cmd == CKPT_CMD_CHECKPOINT_KILL)
		ckpt_wait_empty(ctx);
	/* The group runs on while its snapshot is written out. */
	if (!ret && ctx->s.capture)
		ret = ckpt_replay(ctx);
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
	/* A dry run writes nowhere, whatever ckpt.image_fd says. */
	image = cc->image && !ctx->check ? get_file(cc->image) : NULL;
	ctx->exclude = cc->exclude;
	WRITE_ONCE(cc->progress, 0);
	cc->op = restart ? CKPT_OP_RESTART :
		 ctx->check ? CKPT_OP_CHECK : CKPT_OP_CHECKPOINT;
	mutex_unlock(&cc->lock);
	ckpt_state_changed(cc);

	start = ktime_get();
	ret = 0;
	if (image || ctx->check) {
		ret = ckpt_stream_init(&ctx->s, image);
		if (ret && image)
			fput(image);
	}
	/* A key in force signs images and makes restarts require it. */
	if (!ret && !ctx->check) {
		ctx->key = ckpt_key_get(cc);
		if (ctx->key)
			ret = ckpt_mac_begin(ctx);
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
	cc->bytes = ctx->check ? 0 : ctx->s.bytes;
	cc->duration_us = ktime_us_delta(ktime_get(), start);
	cc->frozen_us = ctx->frozen_us;
	strscpy(cc->reason, ret ? ctx->reason : "", sizeof(cc->reason));
	kfree(cc->blockers);
	cc->blockers = NULL;
	if (ret && ctx->nr_blockers)
		swap(cc->blockers, ctx->blockers);
	mutex_unlock(&cc->lock);

	ckpt_ctx_put(ctx);
	clear_bit_unlock(0, &cc->busy);
	ckpt_state_changed(cc);
	return ret;
}
