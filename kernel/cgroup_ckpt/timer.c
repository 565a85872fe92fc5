// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: itimers (setitimer(), alarm()) and POSIX timers (timer_create()).
 *
 * Policy: a timer keeps the time it had left at the checkpoint, counted
 * again from the restart, as if the checkpoint had taken no time; the same
 * as interrupted sleeps (arch-x86.c).  Intervals are kept; an absolute
 * POSIX timer becomes relative.  CPU-time itimers keep the CPU time they
 * had left.
 *
 * What getitimer() and timer_gettime() compute from the kernel's timers is
 * computed here without their side effects (timer_gettime() forwards an
 * expired interval timer, counting overruns): a checkpoint changes nothing.
 * A timer that fired and is rearmed only when its signal is delivered
 * (ITIMER_REAL with an interval, POSIX interval timers) is saved as such,
 * with the time it fired, so that it is rearmed as the kernel would.
 *
 * POSIX timers are created again by their process, in its last step before
 * user mode, through do_timer_create() with the id set first as the next
 * one to hand out, then armed through do_timer_settime().  Timers on
 * CPU-time clocks and alarm clocks are refused.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/posix-timers.h>
#include <linux/rcupdate.h>
#include <linux/sched/cputime.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/time.h>
#include <linux/uaccess.h>
#include "ckpt.h"
#include "signal.h"

static_assert(sizeof(struct ckpt_itimers) == 64);
static_assert(sizeof(struct ckpt_posix_timer) == 80);

/* More POSIX timers per process than this are refused. */
#define CKPT_PTIMERS_MAX	4096
/* Longest time a timer may have left, or have fired ago, in the image. */
#define CKPT_TIMER_NS_MAX	((s64)KTIME_SEC_MAX * NSEC_PER_SEC / 2)
/* A REQUEUE timer is armed this far away, then stopped at once. */
#define CKPT_PARK_NS		(86400LL * NSEC_PER_SEC)

static bool ckpt_timer_clock_ok(clockid_t clock)
{
	return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC ||
	       clock == CLOCK_BOOTTIME || clock == CLOCK_TAI;
}

static void ckpt_dump_itimers(struct task_struct *t, struct ckpt_itimers *r)
{
	struct signal_struct *sig = t->signal;
	struct hrtimer *real = &sig->real_timer;
	u64 samples[CPUCLOCK_MAX];
	bool sampled = false;
	s64 rem;
	int i;

	/* As getitimer(ITIMER_REAL), but keep what rearms on delivery. */
	if (hrtimer_active(real)) {
		rem = ktime_to_ns(hrtimer_get_remaining(real));
		r->it[ITIMER_REAL].value_ns = cpu_to_le64(max_t(s64, rem, 1));
	} else if (sig->it_real_incr) {
		rem = ktime_to_ns(ktime_sub(hrtimer_get_expires(real),
					    hrtimer_cb_get_time(real)));
		r->it[ITIMER_REAL].value_ns = cpu_to_le64(min_t(s64, rem, 0));
		r->flags = cpu_to_le32(CKPT_ITIMER_REAL_EXPIRED);
	}
	r->it[ITIMER_REAL].interval_ns = cpu_to_le64(ktime_to_ns(sig->it_real_incr));

	/* As getitimer(ITIMER_VIRTUAL and ITIMER_PROF). */
	for (i = ITIMER_VIRTUAL; i <= ITIMER_PROF; i++) {
		unsigned int clock = i == ITIMER_PROF ? CPUCLOCK_PROF : CPUCLOCK_VIRT;
		struct cpu_itimer *it = &sig->it[clock];
		u64 val = it->expires;

		if (val) {
			if (!sampled)
				thread_group_sample_cputime(t, samples);
			sampled = true;
			val = val < samples[clock] ? TICK_NSEC : val - samples[clock];
		}
		r->it[i].value_ns = cpu_to_le64(val);
		r->it[i].interval_ns = cpu_to_le64(it->incr);
	}
	r->next_posix_timer_id = cpu_to_le32(READ_ONCE(sig->next_posix_timer_id));
}

/*
 * The state of one POSIX timer.  Return: 0, or -EOPNOTSUPP for a clock
 * that cannot be restored.  Context: @timr->it_lock held.
 */
static int ckpt_read_ptimer(struct k_itimer *timr, struct ckpt_posix_timer *r)
{
	struct hrtimer *ht = &timr->it.real.timer;
	bool sig_none = timr->it_sigev_notify == SIGEV_NONE;
	s64 iv = ktime_to_ns(timr->it_interval), rem;
	u32 flags = 0;

	r->id = cpu_to_le32(timr->it_id);
	r->clockid = cpu_to_le32(timr->it_clock);
	if (!ckpt_timer_clock_ok(timr->it_clock))
		return -EOPNOTSUPP;
	r->notify = cpu_to_le32(timr->it_sigev_notify);
	r->signo = cpu_to_le32(timr->sigq->info.si_signo);
	if (timr->it_sigev_notify & SIGEV_THREAD_ID)
		r->tid = cpu_to_le32(pid_vnr(timr->it_pid));
	r->sigev_value = cpu_to_le64((unsigned long)timr->sigq->info.si_value.sival_ptr);
	r->interval_ns = cpu_to_le64(iv);

	rem = ktime_to_ns(ktime_sub(hrtimer_get_expires(ht), hrtimer_cb_get_time(ht)));
	if (sig_none) {
		/* Never queued: armed as timer_gettime() sees it. */
		if (rem <= 0 && iv)
			rem += (div64_u64(-rem, iv) + 1) * iv;
		if (rem > 0)
			flags |= CKPT_PTIMER_ARMED;
	} else if (timr->it_active) {
		rem = max_t(s64, rem, 1);
		flags |= CKPT_PTIMER_ARMED;
	} else if (iv && (timr->it_requeue_pending & REQUEUE_PENDING)) {
		rem = min_t(s64, rem, 0);
		flags |= CKPT_PTIMER_REQUEUE;
	}
	if (!(flags & (CKPT_PTIMER_ARMED | CKPT_PTIMER_REQUEUE))) {
		rem = 0;
		r->interval_ns = 0;
	}
	r->value_ns = cpu_to_le64(rem);
	r->overrun = cpu_to_le64(clamp_t(s64, timr->it_overrun, -1, INT_MAX));
	r->overrun_last = cpu_to_le64(clamp_t(s64, timr->it_overrun_last, -1, INT_MAX));
	/* Queued or dequeued only under it_lock or by the frozen task. */
	if (!sig_none && !list_empty(&timr->sigq->list)) {
		flags |= CKPT_PTIMER_SIGPENDING;
		r->sig_overrun = cpu_to_le32(max(timr->sigq->info.si_overrun, 0));
	}
	r->flags = cpu_to_le32(flags);
	return 0;
}

/*
 * Read the @n-th POSIX timer of @t into @r.  Return: 0, -ENOENT past the
 * last one, -EAGAIN if it was deleted meanwhile, -EOPNOTSUPP for a clock
 * that cannot be restored.
 */
static int ckpt_read_nth_ptimer(struct task_struct *t, unsigned int n,
				struct ckpt_posix_timer *r)
{
	struct k_itimer *timr, *found = NULL;
	struct sighand_struct *sighand;
	unsigned long flags;
	int ret;

	rcu_read_lock();
	sighand = lock_task_sighand(t, &flags);
	if (sighand) {
		list_for_each_entry(timr, &t->signal->posix_timers, list)
			if (!n--) {
				found = timr;
				break;
			}
		spin_unlock_irqrestore(&sighand->siglock, flags);
	}
	if (!found) {
		rcu_read_unlock();
		return -ENOENT;
	}
	/* The lock order is it_lock, then siglock: take it after. */
	spin_lock_irqsave(&found->it_lock, flags);
	if (found->it_signal == t->signal)
		ret = ckpt_read_ptimer(found, r);
	else
		ret = -EAGAIN;	/* deleted meanwhile: the list moved */
	spin_unlock_irqrestore(&found->it_lock, flags);
	rcu_read_unlock();
	return ret;
}

/**
 * ckpt_dump_timers() - write the itimers and POSIX timers of a process
 * @ctx: the checkpoint
 * @t:   the process (its leader), frozen
 *
 * Return: 0 or a negative errno.
 */
int ckpt_dump_timers(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_itimers it = { };
	struct ckpt_posix_timer pt;
	struct sighand_struct *sighand;
	unsigned long flags;
	unsigned int n;
	int ret;

	sighand = lock_task_sighand(t, &flags);
	if (!sighand)
		return ckpt_fail(ctx, -EOPNOTSUPP, "pid %d: exiting", task_pid_vnr(t));
	ckpt_dump_itimers(t, &it);
	spin_unlock_irqrestore(&sighand->siglock, flags);
	ret = ckpt_write(ctx, &it, CKPT_REC_ITIMERS, sizeof(it));

	for (n = 0; !ret; n++) {
		memset(&pt, 0, sizeof(pt));
		ret = ckpt_read_nth_ptimer(t, n, &pt);
		if (ret == -ENOENT)
			return 0;
		if (ret == -EAGAIN)
			return ckpt_fail(ctx, ret,
					 "pid %d: a POSIX timer was deleted during the checkpoint",
					 task_pid_vnr(t));
		if (ret)
			return ckpt_fail(ctx, ret,
					 "pid %d: POSIX timer %u on clock %d (a CPU-time or alarm clock); not supported",
					 task_pid_vnr(t), le32_to_cpu(pt.id),
					 (int)le32_to_cpu(pt.clockid));
		if (n == CKPT_PTIMERS_MAX)
			return ckpt_fail(ctx, -EOPNOTSUPP,
					 "pid %d: more than %d POSIX timers; not supported",
					 task_pid_vnr(t), CKPT_PTIMERS_MAX);
		ret = ckpt_write(ctx, &pt, CKPT_REC_POSIX_TIMER, sizeof(pt));
	}
	return ret;
}

/**
 * ckpt_restore_itimers() - take the itimers of a process
 * @rt:  the process leader being restored
 * @rec: its CKPT_REC_ITIMERS
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_itimers(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_itimers *r = rec;
	u32 flags = le32_to_cpu(r->flags);
	struct ckpt_rsig *rs;
	int i;

	if (len != sizeof(*r) || (flags & ~CKPT_ITIMER_REAL_EXPIRED) ||
	    le32_to_cpu(r->next_posix_timer_id) > INT_MAX)
		goto bad;
	for (i = 0; i < CKPT_NR_ITIMERS; i++) {
		s64 val = (s64)le64_to_cpu(r->it[i].value_ns);
		s64 iv = (s64)le64_to_cpu(r->it[i].interval_ns);

		if (iv < 0 || iv > CKPT_TIMER_NS_MAX || val > CKPT_TIMER_NS_MAX ||
		    val < -CKPT_TIMER_NS_MAX)
			goto bad;
		if (val < 0 && (i != ITIMER_REAL || !flags))
			goto bad;
	}
	if (flags && (!r->it[ITIMER_REAL].interval_ns ||
		      (s64)le64_to_cpu(r->it[ITIMER_REAL].value_ns) > 0))
		goto bad;
	rs = ckpt_rsig(rt);
	if (!rs)
		return ckpt_fail(rt->ctx, -ENOMEM, "out of memory");
	if (rs->have_itimers)
		goto bad;
	rs->itimers = *r;
	rs->have_itimers = true;
	return 0;
bad:
	return ckpt_fail(rt->ctx, -EINVAL, "image: pid %d: malformed itimers",
			 rt->pid);
}

static bool ckpt_tid_in_image(struct ckpt_ctx *ctx, u32 tid)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_rt; i++)
		if (ctx->rt[i].pid == tid)
			return true;
	return false;
}

/**
 * ckpt_restore_posix_timer() - take one POSIX timer of a process
 * @rt:  the process leader being restored
 * @rec: its CKPT_REC_POSIX_TIMER
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_posix_timer(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_posix_timer *r = rec, *timers;
	u32 id = le32_to_cpu(r->id), notify = le32_to_cpu(r->notify);
	u32 signo = le32_to_cpu(r->signo), tid = le32_to_cpu(r->tid);
	u32 flags = le32_to_cpu(r->flags);
	s64 val = (s64)le64_to_cpu(r->value_ns);
	s64 iv = (s64)le64_to_cpu(r->interval_ns);
	s64 ov = (s64)le64_to_cpu(r->overrun);
	s64 ovl = (s64)le64_to_cpu(r->overrun_last);
	struct ckpt_rsig *rs;
	unsigned int i;

	if (len != sizeof(*r) || r->__reserved || id > INT_MAX ||
	    !ckpt_timer_clock_ok((s32)le32_to_cpu(r->clockid)))
		goto bad;
	switch (notify) {
	case SIGEV_SIGNAL | SIGEV_THREAD_ID:
		if (!ckpt_tid_in_image(rt->ctx, tid))
			goto bad;
		fallthrough;
	case SIGEV_SIGNAL:
	case SIGEV_THREAD:
		if (!signo || signo > SIGRTMAX)
			goto bad;
		break;
	case SIGEV_NONE:
		if (signo > SIGRTMAX || (flags & CKPT_PTIMER_SIGPENDING))
			goto bad;
		break;
	default:
		goto bad;
	}
	if (!(notify & SIGEV_THREAD_ID) && tid)
		goto bad;
	if (flags & ~(CKPT_PTIMER_ARMED | CKPT_PTIMER_REQUEUE | CKPT_PTIMER_SIGPENDING))
		goto bad;
	if (iv < 0 || iv > CKPT_TIMER_NS_MAX || val > CKPT_TIMER_NS_MAX ||
	    val < -CKPT_TIMER_NS_MAX)
		goto bad;
	switch (flags & (CKPT_PTIMER_ARMED | CKPT_PTIMER_REQUEUE)) {
	case CKPT_PTIMER_ARMED:
		if (val <= 0)
			goto bad;
		break;
	case CKPT_PTIMER_REQUEUE:
		if (val > 0 || !iv)
			goto bad;
		break;
	case 0:
		if (val || iv)
			goto bad;
		break;
	default:
		goto bad;
	}
	if (ov < -1 || ov > INT_MAX || ovl < -1 || ovl > INT_MAX ||
	    le32_to_cpu(r->sig_overrun) > INT_MAX ||
	    (!(flags & CKPT_PTIMER_SIGPENDING) && r->sig_overrun))
		goto bad;

	rs = ckpt_rsig(rt);
	if (!rs)
		return ckpt_fail(rt->ctx, -ENOMEM, "out of memory");
	for (i = 0; i < rs->nr_timers; i++)
		if (le32_to_cpu(rs->timers[i].id) == id)
			goto bad;
	if (rs->nr_timers == CKPT_PTIMERS_MAX)
		goto bad;
	timers = krealloc_array(rs->timers, rs->nr_timers + 1, sizeof(*timers),
				GFP_KERNEL);
	if (!timers)
		return ckpt_fail(rt->ctx, -ENOMEM, "out of memory");
	timers[rs->nr_timers++] = *r;
	rs->timers = timers;
	return 0;
bad:
	return ckpt_fail(rt->ctx, -EINVAL, "image: pid %d: malformed POSIX timer %u",
			 rt->pid, id);
}

/* Put the itimers back.  Context: the restored leader, no locks held. */
static void ckpt_restore_itimers_now(struct ckpt_itimers *r)
{
	/* Our own and stable: no exec, no other thread running. */
	struct sighand_struct *sighand = rcu_dereference_protected(current->sighand, true);
	struct signal_struct *sig = current->signal;
	s64 real = (s64)le64_to_cpu(r->it[ITIMER_REAL].value_ns);
	int i;

	spin_lock_irq(&sighand->siglock);
	/* As do_setitimer(ITIMER_REAL); a fresh process has it stopped. */
	sig->it_real_incr = ns_to_ktime(le64_to_cpu(r->it[ITIMER_REAL].interval_ns));
	if (le32_to_cpu(r->flags) & CKPT_ITIMER_REAL_EXPIRED)
		hrtimer_set_expires(&sig->real_timer,
				    ktime_add_ns(hrtimer_cb_get_time(&sig->real_timer),
						 real));
	else if (real > 0)
		hrtimer_start(&sig->real_timer, ns_to_ktime(real), HRTIMER_MODE_REL);

	/* As set_cpu_itimer(). */
	for (i = ITIMER_VIRTUAL; i <= ITIMER_PROF; i++) {
		unsigned int clock = i == ITIMER_PROF ? CPUCLOCK_PROF : CPUCLOCK_VIRT;
		struct cpu_itimer *it = &sig->it[clock];
		u64 nval = le64_to_cpu(r->it[i].value_ns), oval = 0;

		if (nval) {
			nval += TICK_NSEC;
			set_process_cpu_timer(current, clock, &nval, &oval);
		}
		it->expires = nval;
		it->incr = le64_to_cpu(r->it[i].interval_ns);
	}
	spin_unlock_irq(&sighand->siglock);
}

/* Queue the timer's own signal, as posix_timer_event().  it_lock held. */
static void ckpt_queue_ptimer_signal(struct k_itimer *timr, int si_private,
				     int overruns)
{
	enum pid_type type = timr->it_sigev_notify & SIGEV_THREAD_ID ?
			     PIDTYPE_PID : PIDTYPE_TGID;

	timr->sigq->info.si_sys_private = si_private;
	timr->sigq->info.si_overrun = overruns;
	send_sigqueue(timr->sigq, timr->it_pid, type);
}

/*
 * The state do_timer_settime() does not set.  Before it arms the timer:
 * the signal queued before that expiry.  After: whether the delivery of
 * its signal rearms it, and the overrun counts.  Context: it_lock held.
 */
static int ckpt_ptimer_state(struct k_itimer *timr,
			     const struct ckpt_posix_timer *r, bool before_arm)
{
	u32 flags = le32_to_cpu(r->flags);
	bool sigpending = flags & CKPT_PTIMER_SIGPENDING;
	int overruns = le32_to_cpu(r->sig_overrun);

	if (before_arm) {
		if (sigpending)
			ckpt_queue_ptimer_signal(timr, 0, overruns);
		return 0;
	}
	if (flags & CKPT_PTIMER_REQUEUE) {
		struct hrtimer *ht = &timr->it.real.timer;

		if (hrtimer_try_to_cancel(ht) < 0)
			return -EAGAIN;
		hrtimer_set_expires(ht, ktime_add_ns(hrtimer_cb_get_time(ht),
						     (s64)le64_to_cpu(r->value_ns)));
		timr->it_active = 0;
		/* As posix_timer_fn(): the delivery rearms it. */
		++timr->it_requeue_pending;
		if (sigpending)
			ckpt_queue_ptimer_signal(timr, timr->it_requeue_pending,
						 overruns);
	} else if (!(flags & CKPT_PTIMER_ARMED) && sigpending) {
		ckpt_queue_ptimer_signal(timr, 0, overruns);
	}
	timr->it_overrun = (s64)le64_to_cpu(r->overrun);
	timr->it_overrun_last = (s64)le64_to_cpu(r->overrun_last);
	return 0;
}

/* Apply ckpt_ptimer_state() to the current process's timer, as __lock_timer(). */
static int ckpt_ptimer_fix(const struct ckpt_posix_timer *r, bool before_arm)
{
	struct sighand_struct *sighand = rcu_dereference_protected(current->sighand, true);
	struct signal_struct *sig = current->signal;
	struct k_itimer *timr, *found = NULL;
	timer_t id = le32_to_cpu(r->id);
	unsigned long flags;
	int ret = -ESRCH;

	rcu_read_lock();
	spin_lock_irq(&sighand->siglock);
	list_for_each_entry(timr, &sig->posix_timers, list)
		if (timr->it_id == id) {
			found = timr;
			break;
		}
	spin_unlock_irq(&sighand->siglock);
	if (found) {
		spin_lock_irqsave(&found->it_lock, flags);
		if (found->it_signal == sig)
			ret = ckpt_ptimer_state(found, r, before_arm);
		spin_unlock_irqrestore(&found->it_lock, flags);
	}
	rcu_read_unlock();
	return ret;
}

/* Create and arm one POSIX timer.  Return: 0 or a negative errno. */
static int ckpt_restore_ptimer_now(const struct ckpt_posix_timer *r,
				   timer_t __user *scratch)
{
	u32 id = le32_to_cpu(r->id), flags = le32_to_cpu(r->flags);
	struct itimerspec64 spec = {
		.it_interval = ns_to_timespec64(le64_to_cpu(r->interval_ns)),
	};
	sigevent_t ev = { };
	timer_t created;
	int ret;

	ev.sigev_value.sival_ptr = (void __user *)(unsigned long)le64_to_cpu(r->sigev_value);
	ev.sigev_signo = le32_to_cpu(r->signo);
	ev.sigev_notify = le32_to_cpu(r->notify);
	ev.sigev_notify_thread_id = le32_to_cpu(r->tid);
	WRITE_ONCE(current->signal->next_posix_timer_id, id);
	ret = do_timer_create((s32)le32_to_cpu(r->clockid), &ev, scratch);
	if (ret)
		return ret;
	if (get_user(created, scratch) || created != id)
		return -EBUSY;

	if (flags & CKPT_PTIMER_ARMED) {
		/* Its signal first: it was queued before this expiry. */
		ret = ckpt_ptimer_fix(r, true);
		if (ret)
			return ret;
		spec.it_value = ns_to_timespec64(le64_to_cpu(r->value_ns));
		ret = do_timer_settime(id, 0, &spec, NULL);
	} else if (flags & CKPT_PTIMER_REQUEUE) {
		/* Set the timer up far away; ckpt_ptimer_state() stops it. */
		spec.it_value = ns_to_timespec64(CKPT_PARK_NS);
		ret = do_timer_settime(id, 0, &spec, NULL);
	}
	if (!ret)
		ret = ckpt_ptimer_fix(r, false);
	return ret;
}

/**
 * ckpt_timer_resume() - arm the timers of a restored process
 * @rt: its leader (current), in its last step before user mode
 *
 * Errors here come after the point of no return: the process is killed
 * rather than left running without its timers.
 *
 * Context: task work, no locks held, every signal blocked.
 */
void ckpt_timer_resume(struct ckpt_rtask *rt)
{
	struct ckpt_rsig *rs = rt->sig;
	unsigned long scratch;
	unsigned int i;
	int ret = 0;

	ckpt_restore_itimers_now(&rs->itimers);
	if (rs->nr_timers) {
		/* do_timer_create() writes the id to user memory. */
		scratch = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, 0);
		if (IS_ERR_VALUE(scratch))
			ret = (long)scratch;
		for (i = 0; !ret && i < rs->nr_timers; i++)
			ret = ckpt_restore_ptimer_now(&rs->timers[i],
						      (timer_t __user *)scratch);
		if (!IS_ERR_VALUE(scratch))
			vm_munmap(scratch, PAGE_SIZE);
	}
	WRITE_ONCE(current->signal->next_posix_timer_id,
		   le32_to_cpu(rs->itimers.next_posix_timer_id));
	/* The restarter sees it once every task is this far, and undoes all. */
	if (ret)
		rt->err = ckpt_fail(rt->ctx, ret,
				    "pid %d: cannot restore its POSIX timers (error %d)",
				    rt->pid, ret);
}

static const struct ckpt_rec_op ckpt_timer_recs[] = {
	{ .type = CKPT_REC_ITIMERS, .restore = ckpt_restore_itimers },
	{ .type = CKPT_REC_POSIX_TIMER, .restore = ckpt_restore_posix_timer },
	{ }
};

/* Written by the signals' dump (signal.c), which owns the timers. */
const struct ckpt_resource ckpt_res_timer = {
	.name		= "timers",
	.recs		= ckpt_timer_recs,
};
