// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: x86-64 specifics.
 *
 * A task frozen inside a system call was parked on its way out, before the
 * signal code decided to restart the call: its registers still hold the
 * -ERESTART* code in ax and the call number in orig_ax.  Restart makes the
 * decision a thaw would have made (no handler runs on a freeze, so every
 * interrupted call restarts): ip goes back over the 2-byte syscall
 * instruction and ax gets the call number, or restart_syscall with a
 * restart block rebuilt from the image.  orig_ax is cleared so the signal
 * code does not restart the call a second time.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/hrtimer.h>
#include <linux/restart_block.h>
#include <linux/sched/task_stack.h>
#include <linux/thread_info.h>
#include <linux/timekeeping.h>
#include <asm/prctl.h>
#include <asm/proto.h>
#include <asm/syscall.h>
#include <asm/unistd.h>
#include <asm/user.h>
#include <asm/vdso.h>
#include "ckpt.h"
#include "rblock.h"
#include "arch.h"

/**
 * ckpt_arch_check_task() - refuse tasks of another ABI
 * @ctx: the checkpoint
 * @t:   a frozen task
 *
 * Return: 0, or -EOPNOTSUPP for a 32-bit task.
 */
int ckpt_arch_check_task(struct ckpt_ctx *ctx, struct task_struct *t)
{
	if (test_tsk_thread_flag(t, TIF_ADDR32) ||
	    !user_64bit_mode(task_pt_regs(t)))
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d: a 32-bit task; not supported",
				 task_pid_vnr(t));
	return 0;
}

static int ckpt_clock_now(clockid_t clock, ktime_t *now)
{
	switch (clock) {
	case CLOCK_REALTIME:
		*now = ktime_get_real();
		return 0;
	case CLOCK_MONOTONIC:
		*now = ktime_get();
		return 0;
	case CLOCK_BOOTTIME:
		*now = ktime_get_boottime();
		return 0;
	case CLOCK_TAI:
		*now = ktime_get_clocktai();
		return 0;
	}
	return -EINVAL;
}

/**
 * ckpt_arch_syscall_state() - what a thread's registers say of its syscall
 * @ctx:  the checkpoint
 * @t:    the frozen thread
 * @regs: its NT_PRSTATUS regset
 * @size: bytes of @regs
 * @th:   the thread record to fill in
 *
 * Return: 0, or -EOPNOTSUPP for a call whose restart state cannot be saved.
 */
int ckpt_arch_syscall_state(struct ckpt_ctx *ctx, struct task_struct *t,
			    const void *regs, u32 size, struct ckpt_thread *th)
{
	const struct user_regs_struct *r = regs;
	struct restart_block *rb = &t->restart_block;
	long ax = r->ax;
	ktime_t now;

	if (size != sizeof(*r))
		return ckpt_fail(ctx, -EOPNOTSUPP, "pid %d: unexpected register set",
				 task_pid_vnr(t));
	th->syscall = cpu_to_le32(CKPT_SYSCALL_NONE);
	th->syscall_nr = cpu_to_le64(r->orig_ax);
	if ((long)r->orig_ax >= 0) {
		if (ax == -ERESTARTSYS || ax == -ERESTARTNOINTR ||
		    ax == -ERESTARTNOHAND)
			th->syscall = cpu_to_le32(CKPT_SYSCALL_RESTART);
		else if (ax == -ERESTART_RESTARTBLOCK)
			th->syscall = cpu_to_le32(CKPT_SYSCALL_RESTART_BLOCK);
	}

	/*
	 * Save a sleep's restart block whenever there is one, even with no
	 * call in progress: a freeze can land between the restart decision
	 * and the restart_syscall it set up.
	 */
	if (rb->fn == hrtimer_nanosleep_restart &&
	    rb->nanosleep.type != TT_COMPAT &&
	    !ckpt_clock_now(rb->nanosleep.clockid, &now)) {
		s64 left = ktime_sub(rb->nanosleep.expires, now);

		th->restart = cpu_to_le32(CKPT_RESTART_NANOSLEEP);
		th->sleep_clockid = cpu_to_le32(rb->nanosleep.clockid);
		th->sleep_remaining_ns = cpu_to_le64(max_t(s64, left, 0));
		if (rb->nanosleep.type == TT_NATIVE)
			th->sleep_rmtp = cpu_to_le64((unsigned long)rb->nanosleep.rmtp);
	} else if (ckpt_rblock_saved(t)) {
		th->restart = cpu_to_le32(CKPT_RESTART_BLOCK);
	} else if (le32_to_cpu(th->syscall) == CKPT_SYSCALL_RESTART_BLOCK) {
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d: interrupted in system call %ld, whose restart cannot be saved yet",
				 task_pid_vnr(t), (long)r->orig_ax);
	}
	return 0;
}

/**
 * ckpt_arch_fixup_regs() - make saved registers resume an interrupted call
 * @rt:   the task being restored
 * @regs: its NT_PRSTATUS regset, changed in place
 * @size: bytes of @regs
 *
 * Also notes the return value register, which the task must set itself.
 *
 * Return: 0 or -EINVAL.
 */
int ckpt_arch_fixup_regs(struct ckpt_rtask *rt, void *regs, u32 size)
{
	struct user_regs_struct *r = regs;

	if (size != sizeof(*r))
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: general registers of %u bytes",
				 rt->pid, size);
	switch (le32_to_cpu(rt->thread.syscall)) {
	case CKPT_SYSCALL_RESTART:
		r->ax = le64_to_cpu(rt->thread.syscall_nr);
		r->ip -= 2;
		break;
	case CKPT_SYSCALL_RESTART_BLOCK:
		r->ax = __NR_restart_syscall;
		r->ip -= 2;
		break;
	}
	r->orig_ax = -1;
	rt->user_ax = r->ax;
	return 0;
}

/**
 * ckpt_arch_restart_sleep() - rebuild a sleep's restart block
 * @th: the thread record
 *
 * The sleep gets the time it had left at the checkpoint, counted from now.
 * Context: the restored task, just before user mode.
 */
void ckpt_arch_restart_sleep(const struct ckpt_thread *th)
{
	struct restart_block *rb = &current->restart_block;
	clockid_t clock = le32_to_cpu(th->sleep_clockid);
	ktime_t now;

	if (ckpt_clock_now(clock, &now))
		return;
	rb->nanosleep.clockid = clock;
	rb->nanosleep.expires = ktime_add_ns(now,
					     le64_to_cpu(th->sleep_remaining_ns));
	rb->nanosleep.rmtp = (struct __kernel_timespec __user *)(unsigned long)
			     le64_to_cpu(th->sleep_rmtp);
	rb->nanosleep.type = th->sleep_rmtp ? TT_NATIVE : TT_NONE;
	set_restart_fn(rb, hrtimer_nanosleep_restart);
}

/**
 * ckpt_arch_set_return() - set the current task's return value register
 * @ax: the value
 */
void ckpt_arch_set_return(unsigned long ax)
{
	task_pt_regs(current)->ax = ax;
}

/**
 * ckpt_arch_map_vdso() - map the vDSO of the current mm at @addr
 * @addr: where its text was
 *
 * Return: 0, or a negative errno if it cannot go there.
 */
int ckpt_arch_map_vdso(unsigned long addr)
{
	long ret;

	/* Returns the size of the vDSO on success. */
	ret = do_arch_prctl_64(current, ARCH_MAP_VDSO_64,
			       addr + vdso_image_64.sym_vvar_start);
	if (ret < 0)
		return ret;
	if ((unsigned long)current->mm->context.vdso != addr)
		return -EBUSY;
	return 0;
}

