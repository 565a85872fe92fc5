/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ckpt: what signal.c and timer.c share: the signal state a restored task
 * keeps from its records until its last step before user mode; and the
 * pending signals thread.c writes and sets with each thread.
 */
#ifndef _KERNEL_CGROUP_CKPT_SIGNAL_H
#define _KERNEL_CGROUP_CKPT_SIGNAL_H

#include <linux/signal.h>
#include <linux/slab.h>
#include "ckpt.h"

/**
 * struct ckpt_sigqueue - a queue of signals to restore, in order
 * @signal:	the pending set
 * @nr:		entries of @info
 * @info:	the siginfo of each entry
 */
struct ckpt_sigqueue {
	sigset_t		signal;
	unsigned int		nr;
	kernel_siginfo_t	*info;
};

/**
 * struct ckpt_rsig - the signal state of one restored thread
 * @have_pending: its CKPT_REC_SIGPENDING was read
 * @stop_signo:	a job control stop holds it, by this signal (or 0)
 * @pending:	its own queue
 * @have_signal: CKPT_REC_SIGNAL was read (a process leader)
 * @flags:	CKPT_SIGNAL_* of the process
 * @group_exit_code: what wait() reports of the stop
 * @shared:	the queue of the process
 * @have_itimers: CKPT_REC_ITIMERS was read
 * @itimers:	that record, validated
 * @timers:	the CKPT_REC_POSIX_TIMER records, validated
 * @nr_timers:	how many
 */
struct ckpt_rsig {
	bool			have_pending;
	u32			stop_signo;
	struct ckpt_sigqueue	pending;
	bool			have_signal;
	u32			flags;
	u32			group_exit_code;
	struct ckpt_sigqueue	shared;
	bool			have_itimers;
	struct ckpt_itimers	itimers;
	struct ckpt_posix_timer	*timers;
	unsigned int		nr_timers;
};

/**
 * ckpt_rsig() - the signal state kept for a restored thread
 * @rt: the thread
 *
 * Return: its state, allocated on first use, or NULL if out of memory.
 */
static inline struct ckpt_rsig *ckpt_rsig(struct ckpt_rtask *rt)
{
	if (!rt->sig)
		rt->sig = kzalloc(sizeof(*rt->sig), GFP_KERNEL);
	return rt->sig;
}

/* signal.c, for thread.c */
int ckpt_dump_sigpending(struct ckpt_ctx *ctx, struct task_struct *t);
void ckpt_signal_resume(struct ckpt_rtask *rt);

/* timer.c */
int ckpt_dump_timers(struct ckpt_ctx *ctx, struct task_struct *t);
void ckpt_timer_resume(struct ckpt_rtask *rt);

#endif /* _KERNEL_CGROUP_CKPT_SIGNAL_H */
