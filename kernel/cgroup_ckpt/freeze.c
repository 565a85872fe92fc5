// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: freezing the group around a checkpoint.
 *
 * The cgroup v2 freezer stops every task at its next return to user mode
 * (a task asleep in an interruptible call is woken and parked), which is a
 * point where all its user state is in memory.  A group the user froze
 * stays frozen after the checkpoint; one we froze is thawed unless asked
 * otherwise.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/cgroup.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/sched/signal.h>
#include "ckpt.h"

/* How long tasks may take to reach the freezer before we give up. */
#define CKPT_FREEZE_TIMEOUT_MS	5000

static void ckpt_set_freeze(struct cgroup *cgrp, bool freeze)
{
	cgroup_lock();
	if (cgrp->self.flags & CSS_ONLINE)
		cgroup_freeze(cgrp, freeze);
	cgroup_unlock();
}

/* Name a task the freezer has not stopped: why the freeze timed out. */
static int ckpt_not_frozen(struct ckpt_ctx *ctx)
{
	struct css_task_iter it;
	struct task_struct *t;
	char comm[TASK_COMM_LEN] = "";
	pid_t pid = 0;
	char state = '?';

	css_task_iter_start(&ctx->cgrp->self, 0, &it);
	while ((t = css_task_iter_next(&it))) {
		/* A racy read of a bit field: only to name a culprit. */
		if (t->frozen)
			continue;
		pid = task_pid_vnr(t);
		state = task_state_to_char(t);
		get_task_comm(comm, t);
		break;
	}
	css_task_iter_end(&it);
	if (!pid)
		return ckpt_fail(ctx, -ETIMEDOUT,
				 "freezer: the group did not freeze within %d ms",
				 CKPT_FREEZE_TIMEOUT_MS);
	return ckpt_fail(ctx, -ETIMEDOUT,
			 "freezer: pid %d (%s) did not stop within %d ms: state %c%s",
			 pid, comm, CKPT_FREEZE_TIMEOUT_MS, state,
			 state == 'D' ? " (uninterruptible sleep)" : "");
}

/**
 * ckpt_freeze() - freeze the group and wait until every task is frozen
 * @ctx:        the checkpoint
 * @was_frozen: set to whether the user had frozen the group already
 *
 * On failure the group is left as it was found.
 *
 * Context: process context, no locks held.  Sleeps.
 * Return: 0, -ETIMEDOUT if the tasks did not all stop in time, -EINTR on
 * a fatal signal.
 */
int ckpt_freeze(struct ckpt_ctx *ctx, bool *was_frozen)
{
	struct cgroup *cgrp = ctx->cgrp;
	unsigned long deadline;

	*was_frozen = test_bit(CGRP_FREEZE, &cgrp->flags);
	if (!*was_frozen)
		ckpt_set_freeze(cgrp, true);

	deadline = jiffies + msecs_to_jiffies(CKPT_FREEZE_TIMEOUT_MS);
	while (!test_bit(CGRP_FROZEN, &cgrp->flags)) {
		int err = 0;

		if (fatal_signal_pending(current))
			err = ckpt_fail(ctx, -EINTR,
					"freezer: interrupted by a signal");
		else if (time_after(jiffies, deadline))
			err = ckpt_not_frozen(ctx);
		if (err) {
			if (!*was_frozen)
				ckpt_set_freeze(cgrp, false);
			return err;
		}
		usleep_range(500, 1000);
	}
	return 0;
}

/**
 * ckpt_thaw() - undo ckpt_freeze() of a group that was not frozen before
 * @ctx: the checkpoint
 */
void ckpt_thaw(struct ckpt_ctx *ctx)
{
	ckpt_set_freeze(ctx->cgrp, false);
}

/**
 * ckpt_still_frozen() - check that nobody thawed the group under us
 * @ctx: the checkpoint
 *
 * Return: true if every task of the group is still frozen.
 */
bool ckpt_still_frozen(struct ckpt_ctx *ctx)
{
	return test_bit(CGRP_FROZEN, &ctx->cgrp->flags);
}
