// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: signal handlers.  (The blocked mask and the alternate stack are
 * per thread: thread.c.)
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include "ckpt.h"

static_assert(sizeof(struct ckpt_sighand) == 8 + 32 * CKPT_NSIG);
static_assert(ARRAY_SIZE(((struct ckpt_sighand *)NULL)->action) == _NSIG);
static_assert(_NSIG_WORDS == 1);

/**
 * ckpt_dump_signals() - write the handlers of a task
 * @ctx: the checkpoint
 * @t:   the task
 *
 * Return: 0 or a negative errno.
 */
int ckpt_dump_signals(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct sighand_struct *sighand;
	struct ckpt_sighand *r;
	unsigned long flags;
	int i, ret;

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
int ckpt_restore_sighand(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_sighand *r = rec;
	struct sighand_struct *sighand;
	int i;

	if (len != sizeof(*r))
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
