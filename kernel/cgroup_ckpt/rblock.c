// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: calls interrupted with a restart block: poll() and futex waits.
 *
 * A task frozen in poll(), or in a FUTEX_WAIT(_BITSET) with a timeout,
 * leaves its call with -ERESTART_RESTARTBLOCK and the rest of the call in
 * its restart block (what restart_syscall() runs on the way back): the
 * pollfds and the end of the timeout; the futex word, the value and the
 * end of the timeout.  The block is saved with the time the call had left,
 * and restart fills the restored thread's block again with the kernel's
 * own restart functions, do_restart_poll() and futex_wait_restart(), the
 * timeout counted from the restart: the call resumes as a thaw would have
 * resumed it, with the time it had left.  (nanosleep() and friends are
 * arch-x86.c's, with the thread record.)  ppoll(), select(), pselect6()
 * write the time left back to the caller and are simply called again;
 * epoll_wait() returns EINTR on the freeze itself.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/poll.h>
#include <linux/restart_block.h>
#include <linux/sched.h>
#include <linux/thread_info.h>
#include <linux/timekeeping.h>
#include "../futex/futex.h"
#include "ckpt.h"
#include "rblock.h"

static_assert(sizeof(struct ckpt_restart_block) == 40);

/**
 * ckpt_rblock_saved() - whether a thread's restart block is saved here
 * @t: a frozen thread
 *
 * Return: true for a poll() or a futex wait's.
 */
bool ckpt_rblock_saved(struct task_struct *t)
{
	return t->restart_block.fn == do_restart_poll ||
	       t->restart_block.fn == futex_wait_restart;
}

/* Time left until @end, at most KTIME_MAX / 2 ("forever" as the kernel clamps it). */
static s64 ckpt_rblock_left(ktime_t end, ktime_t now)
{
	return clamp_t(s64, ktime_sub(end, now), 0, KTIME_MAX / 2);
}

/**
 * ckpt_rblock_dump() - write a thread's restart block
 * @ctx: the checkpoint
 * @t:   the frozen thread, whose CKPT_REC_THREAD was just written
 *
 * Return: 0 or a negative errno.
 */
int ckpt_rblock_dump(struct ckpt_ctx *ctx, struct task_struct *t)
{
	const struct restart_block *rb = &t->restart_block;
	struct ckpt_restart_block r = { };
	u32 flags = 0;

	if (rb->fn == do_restart_poll) {
		struct timespec64 end = {
			.tv_sec = rb->poll.tv_sec, .tv_nsec = rb->poll.tv_nsec,
		};

		r.kind = cpu_to_le32(CKPT_RB_POLL);
		r.uaddr = cpu_to_le64((unsigned long)rb->poll.ufds);
		r.nr = cpu_to_le32(rb->poll.nfds);
		if (rb->poll.has_timeout) {
			flags |= CKPT_RB_TIMEOUT;
			r.remaining_ns = cpu_to_le64(ckpt_rblock_left(timespec64_to_ktime(end),
								      ktime_get()));
		}
	} else {
		unsigned int f = rb->futex.flags;

		r.kind = cpu_to_le32(CKPT_RB_FUTEX);
		r.uaddr = cpu_to_le64((unsigned long)rb->futex.uaddr);
		r.nr = cpu_to_le32(rb->futex.val);
		r.bitset = cpu_to_le32(rb->futex.bitset);
		if (f & FLAGS_SHARED)
			flags |= CKPT_RB_SHARED;
		if (f & FLAGS_CLOCKRT)
			flags |= CKPT_RB_REALTIME;
		if (f & FLAGS_HAS_TIMEOUT) {
			ktime_t now = (f & FLAGS_CLOCKRT) ? ktime_get_real() : ktime_get();

			flags |= CKPT_RB_TIMEOUT;
			r.remaining_ns = cpu_to_le64(ckpt_rblock_left(rb->futex.time, now));
		}
	}
	r.flags = cpu_to_le32(flags);
	return ckpt_write(ctx, &r, CKPT_REC_RESTART_BLOCK, sizeof(r));
}

/* Is @r a block restart can rebuild? */
static bool ckpt_rblock_valid(const struct ckpt_restart_block *r)
{
	u32 kind = le32_to_cpu(r->kind), flags = le32_to_cpu(r->flags);
	u64 uaddr = le64_to_cpu(r->uaddr), left = le64_to_cpu(r->remaining_ns);

	if ((flags & ~CKPT_RB_FLAGS) || uaddr >= TASK_SIZE || left > KTIME_MAX / 2 ||
	    (!(flags & CKPT_RB_TIMEOUT) && left))
		return false;
	if (kind == CKPT_RB_POLL)
		return !(flags & (CKPT_RB_SHARED | CKPT_RB_REALTIME)) && !r->bitset &&
		       le32_to_cpu(r->nr) <= INT_MAX;
	return kind == CKPT_RB_FUTEX && IS_ALIGNED(uaddr, sizeof(u32)) && r->bitset &&
	       (IS_ENABLED(CONFIG_MMU) || !(flags & CKPT_RB_SHARED));
}

/**
 * ckpt_restore_rblock() - take the restart block of a thread
 * @rt:  the thread of the last CKPT_REC_THREAD
 * @rec: its CKPT_REC_RESTART_BLOCK
 * @len: bytes of @rec
 *
 * Return: 0 or -EINVAL (with the reason).
 */
static int ckpt_restore_rblock(struct ckpt_rtask *rt, void *rec, u32 len)
{
	const struct ckpt_restart_block *r = rec;

	if (len != sizeof(*r) || rt->rblock.kind ||
	    le32_to_cpu(rt->thread.restart) != CKPT_RESTART_BLOCK ||
	    !ckpt_rblock_valid(r))
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: malformed or unexpected restart block",
				 rt->pid);
	rt->rblock = *r;
	return 0;
}

/**
 * ckpt_rblock_resume() - rebuild the restart block of the current task
 * @rt: its entry, with the CKPT_REC_RESTART_BLOCK read
 *
 * The timeout gets the time it had left at the checkpoint, from now.
 * Context: the restored task, just before user mode.
 */
void ckpt_rblock_resume(struct ckpt_rtask *rt)
{
	const struct ckpt_restart_block *r = &rt->rblock;
	struct restart_block *rb = &current->restart_block;
	u32 flags = le32_to_cpu(r->flags);
	s64 left = le64_to_cpu(r->remaining_ns);

	if (le32_to_cpu(r->kind) == CKPT_RB_POLL) {
		struct timespec64 end = ktime_to_timespec64(ktime_add_safe(ktime_get(), left));

		rb->poll.ufds = (struct pollfd __user *)(unsigned long)le64_to_cpu(r->uaddr);
		rb->poll.nfds = le32_to_cpu(r->nr);
		rb->poll.has_timeout = !!(flags & CKPT_RB_TIMEOUT);
		rb->poll.tv_sec = end.tv_sec;
		rb->poll.tv_nsec = end.tv_nsec;
		set_restart_fn(rb, do_restart_poll);
		return;
	}
	rb->futex.uaddr = (u32 __user *)(unsigned long)le64_to_cpu(r->uaddr);
	rb->futex.val = le32_to_cpu(r->nr);
	rb->futex.bitset = le32_to_cpu(r->bitset);
	rb->futex.flags = 0;
	if (flags & CKPT_RB_SHARED)
		rb->futex.flags |= FLAGS_SHARED;
	if (flags & CKPT_RB_REALTIME)
		rb->futex.flags |= FLAGS_CLOCKRT;
	if (flags & CKPT_RB_TIMEOUT) {
		rb->futex.flags |= FLAGS_HAS_TIMEOUT;
		rb->futex.time = ktime_add_safe((flags & CKPT_RB_REALTIME) ?
						ktime_get_real() : ktime_get(), left);
	}
	set_restart_fn(rb, futex_wait_restart);
}

static const struct ckpt_rec_op ckpt_rblock_recs[] = {
	{ .type = CKPT_REC_RESTART_BLOCK, .flags = CKPT_ROP_THREAD,
	  .restore = ckpt_restore_rblock },
	{ }
};

const struct ckpt_resource ckpt_res_rblock = {
	.name		= "interrupted calls",
	.recs		= ckpt_rblock_recs,
};
