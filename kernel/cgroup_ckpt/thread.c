// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: per-thread state.
 *
 * Registers go through the regset interface, exactly as PTRACE_GETREGSET
 * and PTRACE_SETREGSET move them, so the image holds what a debugger
 * would see and restart validates it as ptrace does.  Setting registers
 * through a regset needs a target that is not running; so the restored
 * task parks itself and the restarter applies them (ckpt_apply_regsets()),
 * then the task does what only it can do, just before user mode
 * (ckpt_thread_resume()).
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/elf.h>
#include <linux/futex.h>
#include <linux/regset.h>
#include <linux/rseq.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <asm/unaligned.h>
#include "ckpt.h"
#include "rblock.h"
#include "signal.h"
#include "arch.h"

static_assert(sizeof(struct ckpt_thread) == 120);
static_assert(sizeof(struct ckpt_regset) == 16);

/* The regsets saved, in the order they are restored. */
static const u32 ckpt_notes[] = { NT_PRSTATUS, NT_X86_XSTATE, NT_PRFPREG };

static int ckpt_note_index(u32 note)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_notes); i++)
		if (ckpt_notes[i] == note)
			return i;
	return -1;
}

/*
 * Wait until @t is asleep and off its CPU, so that a context switch has
 * saved its registers (FPU state, fs and gs bases) to memory, where the
 * regsets read and write them, and will not save over what we write.
 * wait_task_inactive() only waits for a task whose state matches: retry
 * while @t is still on its way to sleep.  Bounded: -EAGAIN if it never
 * parks, at once if it is dying (a frozen task still dies of SIGKILL, and
 * then never sleeps again); -EINTR if the writer gets a fatal signal.
 */
static int ckpt_wait_parked(struct task_struct *t)
{
	int i;

	for (i = 0; i < 10 * HZ; i++) {
		if (wait_task_inactive(t, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE |
				       __TASK_STOPPED | __TASK_TRACED))
			return 0;
		if ((READ_ONCE(t->flags) & PF_EXITING) || fatal_signal_pending(t))
			return -EAGAIN;
		if (fatal_signal_pending(current))
			return -EINTR;
		schedule_timeout_uninterruptible(1);
	}
	return -EAGAIN;
}

static const struct user_regset *
ckpt_find_regset(struct task_struct *t, u32 note)
{
	const struct user_regset_view *view = task_user_regset_view(t);
	int i;

	for (i = 0; i < view->n; i++)
		if (view->regsets[i].core_note_type == note)
			return &view->regsets[i];
	return NULL;
}

/*
 * Write regset @note (@size bytes at @data) as a CKPT_REC_REGSET_SPARSE: a
 * bitmap of its 8-byte words that are not zero, then those words.  A size
 * that is not a multiple of 8 (no x86 regset has one) goes whole.
 */
static int ckpt_write_regset(struct ckpt_ctx *ctx, u32 note, const void *data,
			     u32 size)
{
	struct ckpt_regset hdr = { .note_type = cpu_to_le32(note),
				   .size = cpu_to_le32(size) };
	u32 nw = size / 8, mapw = DIV_ROUND_UP(nw, 64), i, n = 0;
	__le64 *map;
	u64 *words;
	int ret;

	if (size % 8 || size > CKPT_REGSET_MAX)
		return ckpt_write2(ctx, &hdr, CKPT_REC_REGSET, sizeof(hdr),
				   data, size);
	map = kvcalloc(mapw + nw, sizeof(u64), GFP_KERNEL);
	if (!map)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	words = (u64 *)(map + mapw);
	for (i = 0; i < nw; i++) {
		u64 w;

		memcpy(&w, data + i * 8, 8);
		if (!w)
			continue;
		map[i / 64] |= cpu_to_le64(BIT_ULL(i % 64));
		words[n++] = w;
	}
	ret = ckpt_write2(ctx, &hdr, CKPT_REC_REGSET_SPARSE, sizeof(hdr),
			  map, (mapw + n) * 8);
	kvfree(map);
	return ret;
}

/* Write a frozen thread's state and registers. */
static int ckpt_dump_thread(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_thread th = { };
	void *data[ARRAY_SIZE(ckpt_notes)] = { };
	int size[ARRAY_SIZE(ckpt_notes)] = { };
	int i, ret = 0;

	/* Frozen means parked, or about to be: make sure it is off the CPU. */
	ret = ckpt_wait_parked(t);
	if (ret == -EINTR)
		return ckpt_fail(ctx, ret, "interrupted by a signal");
	if (ret)
		return ckpt_fail(ctx, ret, "pid %d: frozen but still running",
				 task_pid_vnr(t));

	for (i = 0; i < ARRAY_SIZE(ckpt_notes); i++) {
		const struct user_regset *rs = ckpt_find_regset(t, ckpt_notes[i]);

		if (!rs || (rs->active && rs->active(t, rs) <= 0))
			continue;
		size[i] = regset_get_alloc(t, rs, rs->n * rs->size, &data[i]);
		if (size[i] < 0) {
			ret = ckpt_fail(ctx, size[i],
					"pid %d: cannot read registers (note %#x)",
					task_pid_vnr(t), ckpt_notes[i]);
			size[i] = 0;
			goto out;
		}
	}
	if (!size[0]) {
		ret = ckpt_fail(ctx, -EOPNOTSUPP, "pid %d: no general registers",
				task_pid_vnr(t));
		goto out;
	}

	th.tid = cpu_to_le32(task_pid_vnr(t));
	ret = ckpt_arch_syscall_state(ctx, t, data[0], size[0], &th);
	if (ret)
		goto out;
	th.clear_child_tid = cpu_to_le64((unsigned long)t->clear_child_tid);
	th.robust_list = cpu_to_le64((unsigned long)t->robust_list);
	if (t->robust_list)
		th.robust_list_len = cpu_to_le64(sizeof(*t->robust_list));
	th.rseq = cpu_to_le64((unsigned long)t->rseq);
	if (t->rseq)
		th.rseq_len = cpu_to_le32(sizeof(*t->rseq));
	th.rseq_sig = cpu_to_le32(t->rseq_sig);
	th.sas_ss_sp = cpu_to_le64(t->sas_ss_sp);
	th.sas_ss_size = cpu_to_le64(t->sas_ss_size);
	th.sas_ss_flags = cpu_to_le32(t->sas_ss_flags);
	/*
	 * Frozen inside sigsuspend() and the like, the thread runs with the
	 * call's temporary mask; the call is executed again on resume, and a
	 * thaw would first put back the mask saved for after it.
	 */
	if (test_tsk_restore_sigmask(t))
		th.blocked = cpu_to_le64(t->saved_sigmask.sig[0]);
	else
		th.blocked = cpu_to_le64(t->blocked.sig[0]);
	ret = ckpt_write(ctx, &th, CKPT_REC_THREAD, sizeof(th));
	if (!ret && le32_to_cpu(th.restart) == CKPT_RESTART_BLOCK)
		ret = ckpt_rblock_dump(ctx, t);

	for (i = 0; !ret && i < ARRAY_SIZE(ckpt_notes); i++) {
		if (!size[i])
			continue;
		/* The XSAVE area begins with the FXSAVE one: FPREGS again. */
		if (ckpt_notes[i] == NT_PRFPREG && size[1])
			continue;
		ret = ckpt_write_regset(ctx, ckpt_notes[i], data[i], size[i]);
	}
	if (!ret)
		ret = ckpt_dump_sigpending(ctx, t);
out:
	for (i = 0; i < ARRAY_SIZE(ckpt_notes); i++)
		kvfree(data[i]);
	return ret;
}

/* Threads of one process share their credentials: all or none differ. */
static bool ckpt_same_creds(const struct cred *a, const struct cred *b)
{
	const struct group_info *ga = a->group_info, *gb = b->group_info;

	if (a == b)
		return true;
	return uid_eq(a->uid, b->uid) && uid_eq(a->euid, b->euid) &&
	       uid_eq(a->suid, b->suid) && uid_eq(a->fsuid, b->fsuid) &&
	       gid_eq(a->gid, b->gid) && gid_eq(a->egid, b->egid) &&
	       gid_eq(a->sgid, b->sgid) && gid_eq(a->fsgid, b->fsgid) &&
	       cap_issubset(a->cap_inheritable, b->cap_inheritable) &&
	       cap_issubset(b->cap_inheritable, a->cap_inheritable) &&
	       cap_issubset(a->cap_permitted, b->cap_permitted) &&
	       cap_issubset(b->cap_permitted, a->cap_permitted) &&
	       cap_issubset(a->cap_effective, b->cap_effective) &&
	       cap_issubset(b->cap_effective, a->cap_effective) &&
	       cap_issubset(a->cap_bset, b->cap_bset) &&
	       cap_issubset(b->cap_bset, a->cap_bset) &&
	       cap_issubset(a->cap_ambient, b->cap_ambient) &&
	       cap_issubset(b->cap_ambient, a->cap_ambient) &&
	       a->securebits == b->securebits &&
	       (ga == gb || (ga->ngroups == gb->ngroups &&
			     !memcmp(ga->gid, gb->gid, ga->ngroups * sizeof(ga->gid[0]))));
}

/**
 * ckpt_dump_threads() - write the state and registers of every thread
 * @ctx: the checkpoint
 * @t:   the process leader, at @ctx->cur in the task table
 *
 * The leader first, then its other threads in table order.
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_dump_threads(struct ckpt_ctx *ctx, struct task_struct *t)
{
	unsigned int i;
	int ret = 0;

	for (i = ctx->cur; !ret && i < ctx->nr_tasks; i++) {
		struct task_struct *th = ctx->ents[i].task;
		const struct cred *a, *b;
		bool same;

		if (i > ctx->cur && ctx->ents[i].pid == ctx->ents[i].tgid)
			break;
		if (th != t) {
			rcu_read_lock();
			a = __task_cred(t);
			b = __task_cred(th);
			same = ckpt_same_creds(a, b);
			rcu_read_unlock();
			if (!same)
				return ckpt_fail(ctx, -EOPNOTSUPP,
						 "pid %d: thread %d has other credentials than its leader; not supported",
						 task_pid_vnr(t), task_pid_vnr(th));
		}
		ret = ckpt_dump_thread(ctx, th);
	}
	return ret;
}

/**
 * ckpt_restore_thread() - take a thread record of the process being restored
 * @rt:  the process leader (current)
 * @rec: a CKPT_REC_THREAD, of the next thread of the table not read yet
 * @len: bytes of @rec
 *
 * Checks it and keeps it for that thread, which applies it just before
 * user mode (ckpt_thread_resume()); the regsets that follow are its own.
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_thread(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_thread *th = rec;
	struct ckpt_rtask *l = rt;
	unsigned int i;
	u64 rl = le64_to_cpu(th->robust_list);
	u64 rseq = le64_to_cpu(th->rseq);
	u64 ss_sp = le64_to_cpu(th->sas_ss_sp);
	u32 ss_flags = le32_to_cpu(th->sas_ss_flags);
	sigset_t blocked;

	if (len != sizeof(*th) || th->__reserved)
		goto bad;
	/* The leader's first, then the others in table order. */
	for (i = 0; i < l->nr_threads; i++)
		if (!l[i].have_thread)
			break;
	if (i == l->nr_threads)
		goto bad;
	rt = &l[i];
	if (le32_to_cpu(th->tid) != rt->pid ||
	    le32_to_cpu(th->syscall) > CKPT_SYSCALL_RESTART_BLOCK ||
	    le32_to_cpu(th->restart) > CKPT_RESTART_BLOCK)
		goto bad;
	if (le32_to_cpu(th->syscall) == CKPT_SYSCALL_RESTART_BLOCK &&
	    le32_to_cpu(th->restart) == CKPT_RESTART_NONE)
		goto bad;
	if (le64_to_cpu(th->clear_child_tid) >= TASK_SIZE ||
	    rl >= TASK_SIZE || rseq >= TASK_SIZE || ss_sp >= TASK_SIZE)
		goto bad;
	if (rl && le64_to_cpu(th->robust_list_len) != sizeof(*current->robust_list))
		goto bad;
	if (rseq && (le32_to_cpu(th->rseq_len) != sizeof(*current->rseq) ||
		     !IS_ALIGNED(rseq, __alignof__(*current->rseq))))
		goto bad;
	if (ss_flags & ~(SS_DISABLE | SS_AUTODISARM | SS_ONSTACK))
		goto bad;

	rt->thread = *th;
	blocked.sig[0] = le64_to_cpu(th->blocked);
	sigdelsetmask(&blocked, sigmask(SIGKILL) | sigmask(SIGSTOP));
	rt->blocked = blocked;
	rt->have_thread = true;
	l->cur = rt;
	return 0;
bad:
	return ckpt_fail(rt->ctx, -EINVAL, "image: pid %d: malformed thread record",
			 rt->pid);
}

/*
 * Expand the words of a CKPT_REC_REGSET_SPARSE (@len bytes of @data after
 * the header) into @out, @size bytes already zeroed.  Return: 0, or
 * -EINVAL if the bitmap and the words stored do not agree.
 */
static int ckpt_unsparse(void *out, u32 size, const u8 *data, u32 len)
{
	u32 nw = size / 8, mapw = DIV_ROUND_UP(nw, 64), i, n = 0;
	const u8 *words = data + mapw * 8;

	if (size % 8 || len < mapw * 8)
		return -EINVAL;
	for (i = 0; i < mapw * 64; i++) {
		if (!(get_unaligned_le64(data + (i / 64) * 8) & BIT_ULL(i % 64)))
			continue;
		if (i >= nw || mapw * 8 + (n + 1) * 8 > len)
			return -EINVAL;
		memcpy(out + i * 8, words + n++ * 8, 8);
	}
	return mapw * 8 + n * 8 == len ? 0 : -EINVAL;
}

/**
 * ckpt_restore_regset() - keep a regset for the restarter to apply
 * @rt:   the task being restored (current)
 * @rec:  the record
 * @len:  bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_regset(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_regset *r = rec;
	u32 type = le32_to_cpu(r->rec.type);
	u32 size;
	int i;

	if (len < sizeof(*r))
		goto bad;
	size = le32_to_cpu(r->size);
	if (!size || size > CKPT_REGSET_MAX ||
	    (type == CKPT_REC_REGSET && size != len - sizeof(*r)))
		goto bad;
	i = ckpt_note_index(le32_to_cpu(r->note_type));
	if (i < 0 || rt->regset[i])
		goto bad;
	rt->regset[i] = kvzalloc(size, GFP_KERNEL);
	if (!rt->regset[i])
		return ckpt_fail(rt->ctx, -ENOMEM, "out of memory");
	if (type == CKPT_REC_REGSET) {
		memcpy(rt->regset[i], r->data, size);
	} else if (ckpt_unsparse(rt->regset[i], size, r->data, len - sizeof(*r))) {
		kvfree(rt->regset[i]);
		rt->regset[i] = NULL;
		goto bad;
	}
	rt->regset_size[i] = size;
	rt->nr_regsets = ARRAY_SIZE(ckpt_notes);
	return 0;
bad:
	return ckpt_fail(rt->ctx, -EINVAL, "image: pid %d: malformed registers",
			 rt->pid);
}

/**
 * ckpt_apply_regsets() - set a parked restored task's registers
 * @rt: the task, waiting in the kernel for the restarter
 *
 * Context: the restarter, not @rt->task.  Sleeps.
 * Return: 0 or a negative errno.
 */
int ckpt_apply_regsets(struct ckpt_rtask *rt)
{
	struct task_struct *t = rt->task;
	int i, ret;

	if (!rt->regset[0])
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: no general registers", rt->pid);
	if (le32_to_cpu(rt->thread.restart) == CKPT_RESTART_BLOCK && !rt->rblock.kind)
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: no restart block", rt->pid);
	ret = ckpt_arch_fixup_regs(rt, rt->regset[0], rt->regset_size[0]);
	if (ret)
		return ret;

	/* It parks in wait_for_completion(&ctx->go) once it is ready. */
	ret = ckpt_wait_parked(t);
	if (ret == -EINTR)
		return ckpt_fail(rt->ctx, ret, "interrupted by a signal");
	if (ret)
		return ckpt_fail(rt->ctx, ret, "pid %d: did not park", rt->pid);
	for (i = 0; i < ARRAY_SIZE(ckpt_notes); i++) {
		const struct user_regset *rs;

		if (!rt->regset[i])
			continue;
		/* XSTATE holds all of FPREGS; one is enough. */
		if (ckpt_notes[i] == NT_PRFPREG && rt->regset[1])
			continue;
		rs = ckpt_find_regset(t, ckpt_notes[i]);
		if (!rs || !rs->set)
			return ckpt_fail(rt->ctx, -EOPNOTSUPP,
					 "pid %d: registers of note %#x cannot be restored here",
					 rt->pid, ckpt_notes[i]);
		if (rt->regset_size[i] != rs->n * rs->size)
			return ckpt_fail(rt->ctx, -EOPNOTSUPP,
					 "pid %d: registers of note %#x are %u bytes, this CPU has %u (another CPU model?)",
					 rt->pid, ckpt_notes[i], rt->regset_size[i],
					 rs->n * rs->size);
		ret = rs->set(t, rs, 0, rt->regset_size[i], rt->regset[i], NULL);
		if (ret)
			return ckpt_fail(rt->ctx, -EINVAL,
					 "image: pid %d: registers of note %#x rejected (%d)",
					 rt->pid, ckpt_notes[i], ret);
	}
	return 0;
}

/**
 * ckpt_thread_resume() - the last thing a restored thread does in the kernel
 * @rt: the task (current)
 *
 * Runs from task work on the way to user mode, after the return from the
 * kernel function the task started in cleared the return value register:
 * register the user pointers the kernel keeps (clear_child_tid, robust
 * futex list, rseq, alternate signal stack), put the return value back,
 * rearm the sleep it was in, queue its pending signals and timers again,
 * and unblock the signals it had unblocked.  Until then it blocked all of
 * them, so no signal frame could be built from half-restored registers.
 */
void ckpt_thread_resume(struct ckpt_rtask *rt)
{
	struct ckpt_thread *th = &rt->thread;
	u64 rseq = le64_to_cpu(th->rseq);

	current->clear_child_tid = (int __user *)(unsigned long)
				   le64_to_cpu(th->clear_child_tid);
	current->robust_list = (struct robust_list_head __user *)(unsigned long)
			       le64_to_cpu(th->robust_list);
	current->rseq = (struct rseq __user *)(unsigned long)rseq;
	current->rseq_sig = le32_to_cpu(th->rseq_sig);
	if (rseq)
		rseq_set_notify_resume(current);
	current->sas_ss_sp = le64_to_cpu(th->sas_ss_sp);
	current->sas_ss_size = le64_to_cpu(th->sas_ss_size);
	current->sas_ss_flags = le32_to_cpu(th->sas_ss_flags);

	if (le32_to_cpu(th->restart) == CKPT_RESTART_NANOSLEEP)
		ckpt_arch_restart_sleep(th);
	else if (le32_to_cpu(th->restart) == CKPT_RESTART_BLOCK)
		ckpt_rblock_resume(rt);
	ckpt_arch_set_return(rt->user_ax);
	ckpt_signal_resume(rt);
	set_current_blocked(&rt->blocked);
}

static const struct ckpt_rec_op ckpt_thread_recs[] = {
	{ .type = CKPT_REC_THREAD, .restore = ckpt_restore_thread },
	{ .type = CKPT_REC_REGSET, .flags = CKPT_ROP_THREAD,
	  .restore = ckpt_restore_regset },
	{ .type = CKPT_REC_REGSET_SPARSE, .flags = CKPT_ROP_THREAD,
	  .restore = ckpt_restore_regset },
	{ }
};

const struct ckpt_resource ckpt_res_thread = {
	.name		= "threads",
	.dump		= ckpt_dump_threads,
	.recs		= ckpt_thread_recs,
};
