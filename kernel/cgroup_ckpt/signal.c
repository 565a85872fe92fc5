// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: signal handlers, pending signals and job control.  (The blocked
 * mask and the alternate stack are per thread: thread.c; timers: timer.c.)
 *
 * Pending signals are saved as the siginfo the kernel would give to user
 * space, in queue order, one record per thread queue and one for the
 * queue the threads of a process share.  Restart validates them while it
 * reads the records and queues them again at the very last step before
 * user mode (ckpt_signal_resume()), while the task still blocks every
 * signal: after dropping whatever reached the new task during the restart,
 * each signal goes through send_signal_locked(), as if the task sent it to
 * itself, so that the queue, its limits and the job control rules are the
 * kernel's own.  A job control stop is put back as a group stop the task
 * enters before it runs any user code; SIGCONT ends it as usual.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/mm.h>
#include <linux/sched/jobctl.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include "ckpt.h"
#include "signal.h"

static_assert(sizeof(struct ckpt_sighand) == 8 + 32 * CKPT_NSIG);
static_assert(ARRAY_SIZE(((struct ckpt_sighand *)NULL)->action) == _NSIG);
static_assert(_NSIG_WORDS == 1);
static_assert(sizeof(struct ckpt_siginfo) == sizeof(siginfo_t));
static_assert(sizeof(struct ckpt_sigpending) == 32);
static_assert(sizeof(struct ckpt_signal) == 32);

/* Most queued signals one record holds. */
#define CKPT_SIGQ_MAX	((CKPT_REC_MAX_LEN - sizeof(struct ckpt_signal)) / \
			 sizeof(struct ckpt_siginfo))

/*
 * Copy a queue into @info, at most CKPT_SIGQ_MAX entries.  The signal of a
 * POSIX timer (its preallocated entry) is left to timer.c.
 * Context: @t's siglock held.
 */
static int ckpt_copy_queue(struct sigpending *pending, struct ckpt_siginfo *info,
			   u32 *nr, u64 *set)
{
	struct sigqueue *q;
	unsigned int n = 0;

	list_for_each_entry(q, &pending->list, list) {
		if (q->flags & SIGQUEUE_PREALLOC)
			continue;
		if (n == CKPT_SIGQ_MAX)
			return -E2BIG;
		copy_siginfo_to_external((siginfo_t *)&info[n++], &q->info);
	}
	*nr = n;
	*set = pending->signal.sig[0];
	return 0;
}

/**
 * ckpt_dump_sigpending() - write the signals queued for one thread
 * @ctx: the checkpoint
 * @t:   the frozen thread, whose CKPT_REC_THREAD was just written
 *
 * Also notes whether a job control stop holds the thread.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_dump_sigpending(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_sigpending *r;
	struct sighand_struct *sighand;
	unsigned long flags;
	u32 nr = 0;
	u64 set = 0;
	int ret;

	r = kvzalloc(CKPT_REC_MAX_LEN, GFP_KERNEL);
	if (!r)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	sighand = lock_task_sighand(t, &flags);
	if (!sighand) {
		kvfree(r);
		return ckpt_fail(ctx, -EOPNOTSUPP, "pid %d: exiting", task_pid_vnr(t));
	}
	ret = ckpt_copy_queue(&t->pending, r->info, &nr, &set);
	if (t->jobctl & (JOBCTL_STOPPED | JOBCTL_STOP_PENDING)) {
		r->flags = cpu_to_le32(CKPT_SIGPENDING_STOP);
		r->stop_signo = cpu_to_le32(t->jobctl & JOBCTL_STOP_SIGMASK);
	}
	spin_unlock_irqrestore(&sighand->siglock, flags);
	if (ret) {
		ret = ckpt_fail(ctx, -EOPNOTSUPP,
				"pid %d: more than %zu signals queued; not supported",
				task_pid_vnr(t), CKPT_SIGQ_MAX);
		goto out;
	}
	if (set & sigmask(SIGKILL)) {
		ret = ckpt_fail(ctx, -EOPNOTSUPP, "pid %d: being killed",
				task_pid_vnr(t));
		goto out;
	}
	r->tid = cpu_to_le32(task_pid_vnr(t));
	r->nr = cpu_to_le32(nr);
	r->signal = cpu_to_le64(set);
	ret = ckpt_write(ctx, r, CKPT_REC_SIGPENDING, struct_size(r, info, nr));
out:
	kvfree(r);
	return ret;
}

/* The job control state and shared queue of @t's process. */
static int ckpt_dump_signal_state(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_signal *r;
	struct sighand_struct *sighand;
	unsigned long flags;
	u32 nr = 0, sflags = 0;
	u64 set = 0;
	int ret;

	r = kvzalloc(CKPT_REC_MAX_LEN, GFP_KERNEL);
	if (!r)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	sighand = lock_task_sighand(t, &flags);
	if (!sighand) {
		kvfree(r);
		return ckpt_fail(ctx, -EOPNOTSUPP, "pid %d: exiting", task_pid_vnr(t));
	}
	ret = ckpt_copy_queue(&t->signal->shared_pending, r->info, &nr, &set);
	if (t->signal->flags & SIGNAL_STOP_STOPPED)
		sflags |= CKPT_SIGNAL_STOPPED;
	if (t->signal->flags & SIGNAL_STOP_CONTINUED)
		sflags |= CKPT_SIGNAL_CONTINUED;
	r->group_exit_code = cpu_to_le32(sflags & CKPT_SIGNAL_STOPPED ?
					 t->signal->group_exit_code : 0);
	spin_unlock_irqrestore(&sighand->siglock, flags);
	if (ret) {
		ret = ckpt_fail(ctx, -EOPNOTSUPP,
				"pid %d: more than %zu signals queued; not supported",
				task_pid_vnr(t), CKPT_SIGQ_MAX);
		goto out;
	}
	if (set & sigmask(SIGKILL)) {
		ret = ckpt_fail(ctx, -EOPNOTSUPP, "pid %d: being killed",
				task_pid_vnr(t));
		goto out;
	}
	r->flags = cpu_to_le32(sflags);
	r->nr = cpu_to_le32(nr);
	r->signal = cpu_to_le64(set);
	ret = ckpt_write(ctx, r, CKPT_REC_SIGNAL, struct_size(r, info, nr));
out:
	kvfree(r);
	return ret;
}

/**
 * ckpt_dump_signals() - write the signal state of a process
 * @ctx: the checkpoint
 * @t:   the process (its leader)
 *
 * The handlers (unless they are its parent's: CKPT_TASK_SHARE_SIGHAND),
 * the job control state and shared queue, the timers.
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_dump_signals(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct sighand_struct *sighand;
	struct ckpt_sighand *r;
	unsigned long flags;
	int i, ret;

	/* Its parent's handlers, written with the parent. */
	if (ctx->ents[ctx->cur].share & CKPT_TASK_SHARE_SIGHAND)
		goto state;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	sighand = lock_task_sighand(t, &flags);
	if (!sighand) {
		kfree(r);
		return ckpt_fail(ctx, -EOPNOTSUPP, "pid %d: exiting",
				 task_pid_vnr(t));
	}
	for (i = 0; i < CKPT_NSIG; i++) {
		const struct sigaction *sa = &sighand->action[i].sa;

		r->action[i].handler = cpu_to_le64((unsigned long)sa->sa_handler);
		r->action[i].flags = cpu_to_le64(sa->sa_flags);
		r->action[i].restorer = cpu_to_le64((unsigned long)sa->sa_restorer);
		r->action[i].mask = cpu_to_le64(sa->sa_mask.sig[0]);
	}
	spin_unlock_irqrestore(&sighand->siglock, flags);
	ret = ckpt_write(ctx, r, CKPT_REC_SIGHAND, sizeof(*r));
	kfree(r);
	if (ret)
		return ret;
state:
	ret = ckpt_dump_signal_state(ctx, t);
	if (!ret)
		ret = ckpt_dump_timers(ctx, t);
	return ret;
}

/**
 * ckpt_restore_sighand() - install the handlers of the image
 * @rt:  the task being restored (current, with a sighand of its own)
 * @rec: its CKPT_REC_SIGHAND
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_sighand(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_sighand *r = rec;
	struct sighand_struct *sighand;
	int i;

	if (len != sizeof(*r) || (rt->share & CKPT_TASK_SHARE_SIGHAND))
		goto bad;
	for (i = 0; i < CKPT_NSIG; i++) {
		u64 handler = le64_to_cpu(r->action[i].handler);

		if (handler >= TASK_SIZE ||
		    le64_to_cpu(r->action[i].restorer) >= TASK_SIZE)
			goto bad;
		/* As do_sigaction(): KILL and STOP keep their default. */
		if ((i + 1 == SIGKILL || i + 1 == SIGSTOP) && handler)
			goto bad;
	}
	/* Our own and stable: cloned without CLONE_SIGHAND, no exec. */
	sighand = rcu_dereference_protected(current->sighand, true);
	spin_lock_irq(&sighand->siglock);
	for (i = 0; i < CKPT_NSIG; i++) {
		struct k_sigaction *ka = &sighand->action[i];
		struct sigaction *sa = &ka->sa;

		memset(ka, 0, sizeof(*ka));
		sa->sa_handler = (__sighandler_t)(unsigned long)
				 le64_to_cpu(r->action[i].handler);
		sa->sa_flags = le64_to_cpu(r->action[i].flags);
		sa->sa_restorer = (__sigrestore_t)(unsigned long)
				  le64_to_cpu(r->action[i].restorer);
		sa->sa_mask.sig[0] = le64_to_cpu(r->action[i].mask);
		sigdelsetmask(&sa->sa_mask, sigmask(SIGKILL) | sigmask(SIGSTOP));
	}
	spin_unlock_irq(&sighand->siglock);
	return 0;
bad:
	return ckpt_fail(rt->ctx, -EINVAL, "image: pid %d: malformed signal handlers",
			 rt->pid);
}

/*
 * Validate @nr queued signals of the image and keep them in @q.  Any
 * si_code is accepted, as rt_sigqueueinfo() accepts any from a process
 * that queues a signal to itself: the kernel reads no field of a queued
 * siginfo as a pointer, it only hands them back to the task.
 */
static int ckpt_take_queue(struct ckpt_sigqueue *q, u64 set, u32 nr,
			   const struct ckpt_siginfo *info)
{
	unsigned int i;

	if (set & sigmask(SIGKILL))
		return -EINVAL;
	q->info = kvmalloc_array(nr ? nr : 1, sizeof(*q->info), GFP_KERNEL);
	if (!q->info)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		kernel_siginfo_t *ki = &q->info[i];
		const u8 *si = info[i].si;
		int sig;

		if (memchr_inv(si + sizeof(*ki), 0, SI_EXPANSION_SIZE))
			return -EINVAL;
		memcpy(ki, si, sizeof(*ki));
		sig = ki->si_signo;
		if (sig < 1 || sig > _NSIG || !(set & sigmask(sig)))
			return -EINVAL;
	}
	q->signal.sig[0] = set;
	q->nr = nr;
	return 0;
}

/**
 * ckpt_restore_sigpending() - take the signals queued for a thread
 * @rt:  the thread being restored, whose CKPT_REC_THREAD was read
 * @rec: its CKPT_REC_SIGPENDING
 * @len: bytes of @rec
 *
 * Only validates and keeps them: ckpt_signal_resume() queues them.
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_sigpending(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_sigpending *r = rec;
	u32 nr = le32_to_cpu(r->nr), flags = le32_to_cpu(r->flags);
	u32 stop = le32_to_cpu(r->stop_signo);
	struct ckpt_rsig *rs;
	int ret;

	if (len < sizeof(*r) || nr > CKPT_SIGQ_MAX ||
	    len != struct_size(r, info, nr) || !rt->have_thread ||
	    le32_to_cpu(r->tid) != rt->pid || (flags & ~CKPT_SIGPENDING_STOP) ||
	    ((flags & CKPT_SIGPENDING_STOP) ?
	     !valid_signal(stop) || !sig_kernel_stop(stop) : stop))
		goto bad;
	rs = ckpt_rsig(rt);
	if (!rs)
		return ckpt_fail(rt->ctx, -ENOMEM, "out of memory");
	if (rs->have_pending)
		goto bad;
	ret = ckpt_take_queue(&rs->pending, le64_to_cpu(r->signal), nr, r->info);
	if (ret == -ENOMEM)
		return ckpt_fail(rt->ctx, ret, "out of memory");
	if (ret)
		goto bad;
	rs->stop_signo = stop;
	rs->have_pending = true;
	return 0;
bad:
	return ckpt_fail(rt->ctx, -EINVAL, "image: pid %d: malformed pending signals",
			 rt->pid);
}

/**
 * ckpt_restore_signal() - take the job control state and shared queue
 * @rt:  the process leader being restored
 * @rec: its CKPT_REC_SIGNAL
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_signal(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_signal *r = rec;
	u32 nr = le32_to_cpu(r->nr), flags = le32_to_cpu(r->flags);
	u32 code = le32_to_cpu(r->group_exit_code);
	struct ckpt_rsig *rs;
	int ret;

	if (len < sizeof(*r) || nr > CKPT_SIGQ_MAX ||
	    len != struct_size(r, info, nr) || r->__reserved ||
	    (flags & ~(CKPT_SIGNAL_STOPPED | CKPT_SIGNAL_CONTINUED)) ||
	    flags == (CKPT_SIGNAL_STOPPED | CKPT_SIGNAL_CONTINUED) ||
	    (code && (!(flags & CKPT_SIGNAL_STOPPED) || !valid_signal(code) ||
		      !sig_kernel_stop(code))))
		goto bad;
	rs = ckpt_rsig(rt);
	if (!rs)
		return ckpt_fail(rt->ctx, -ENOMEM, "out of memory");
	if (rs->have_signal)
		goto bad;
	ret = ckpt_take_queue(&rs->shared, le64_to_cpu(r->signal), nr, r->info);
	if (ret == -ENOMEM)
		return ckpt_fail(rt->ctx, ret, "out of memory");
	if (ret)
		goto bad;
	rs->flags = flags;
	rs->group_exit_code = code;
	rs->have_signal = true;
	return 0;
bad:
	return ckpt_fail(rt->ctx, -EINVAL, "image: pid %d: malformed signal state",
			 rt->pid);
}

/* Queue the signals of @q again, in order.  Context: siglock held. */
static void ckpt_queue_signals(struct ckpt_rtask *rt, struct ckpt_sigqueue *q,
			       enum pid_type type)
{
	struct sigpending *pending = type == PIDTYPE_PID ?
		&current->pending : &current->signal->shared_pending;
	unsigned int i;
	int sig;

	for (i = 0; i < q->nr; i++) {
		kernel_siginfo_t info = q->info[i];

		/* Fails only for a real-time signal over RLIMIT_SIGPENDING. */
		if (send_signal_locked(info.si_signo, &info, current, type))
			pr_warn_ratelimited("pid %d: signal %d could not be queued again\n",
					    rt->pid, q->info[i].si_signo);
	}
	/* Signals pending without an entry (none could be allocated). */
	for (sig = 1; sig <= _NSIG; sig++)
		if (sigismember(&q->signal, sig) && !sigismember(&pending->signal, sig))
			sigaddset(&pending->signal, sig);
}

/**
 * ckpt_signal_resume() - queue the saved signals, restore timers and stops
 * @rt: the restored thread (current)
 *
 * Called by ckpt_thread_resume(), the thread's last step before user mode,
 * while it still blocks every signal but SIGKILL and SIGSTOP.  Drops what
 * reached the task during the restart, then queues its saved signals; a
 * process leader then also the shared ones, its timers (timer.c), and its
 * job control state.  A SIGKILL that arrived meanwhile wins: nothing is
 * restored, the task dies.
 *
 * Context: task work of the restored thread, no locks held.
 */
void ckpt_signal_resume(struct ckpt_rtask *rt)
{
	struct ckpt_rsig *rs = rt->sig;
	struct sighand_struct *sighand;
	struct signal_struct *sig = current->signal;
	unsigned long flags;

	if (!rs)
		return;
	sighand = lock_task_sighand(current, &flags);
	if (!sighand)
		return;
	if (fatal_signal_pending(current) || (sig->flags & SIGNAL_GROUP_EXIT)) {
		spin_unlock_irqrestore(&sighand->siglock, flags);
		return;
	}
	flush_sigqueue(&current->pending);
	if (rs->have_signal)
		flush_sigqueue(&sig->shared_pending);
	ckpt_queue_signals(rt, &rs->pending, PIDTYPE_PID);
	if (rs->have_signal)
		ckpt_queue_signals(rt, &rs->shared, PIDTYPE_TGID);
	spin_unlock_irqrestore(&sighand->siglock, flags);

	if (rs->have_itimers)
		ckpt_timer_resume(rt);

	sighand = lock_task_sighand(current, &flags);
	if (!sighand)
		return;
	if (!fatal_signal_pending(current) && !(sig->flags & SIGNAL_GROUP_EXIT)) {
		/*
		 * The task stops, as do_signal_stop() would, before it runs
		 * any user code.  No CONSUME: the group is stopped already,
		 * and the parent was told of it when it stopped.
		 */
		if (rs->stop_signo)
			task_set_jobctl_pending(current, JOBCTL_STOP_PENDING |
						rs->stop_signo);
		if (rs->flags & CKPT_SIGNAL_STOPPED)
			signal_set_stop_flags(sig, SIGNAL_STOP_STOPPED);
		else if (rs->flags & CKPT_SIGNAL_CONTINUED)
			signal_set_stop_flags(sig, SIGNAL_STOP_CONTINUED);
		if (rs->have_signal)
			sig->group_exit_code = rs->group_exit_code;
	}
	spin_unlock_irqrestore(&sighand->siglock, flags);
}

/**
 * ckpt_signal_task_release() - free the signal state kept for a restored thread
 * @rt: the thread
 */
static void ckpt_signal_task_release(struct ckpt_rtask *rt)
{
	struct ckpt_rsig *rs = rt->sig;

	if (!rs)
		return;
	kvfree(rs->pending.info);
	kvfree(rs->shared.info);
	kfree(rs->timers);
	kfree(rs);
	rt->sig = NULL;
}

static const struct ckpt_rec_op ckpt_signal_recs[] = {
	{ .type = CKPT_REC_SIGHAND, .restore = ckpt_restore_sighand },
	{ .type = CKPT_REC_SIGPENDING, .flags = CKPT_ROP_THREAD,
	  .restore = ckpt_restore_sigpending },
	{ .type = CKPT_REC_SIGNAL, .restore = ckpt_restore_signal },
	{ }
};

/* Timers are written with the signals, by timer.c. */
const struct ckpt_resource ckpt_res_signal = {
	.name		= "signals",
	.dump		= ckpt_dump_signals,
	.task_release	= ckpt_signal_task_release,
	.recs		= ckpt_signal_recs,
};
