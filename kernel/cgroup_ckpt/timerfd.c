// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: timerfd.
 *
 * A timerfd is one open file on a timer (anonfile.c).  Its clock, settime
 * flags, time left, interval and ticks not read yet are read with
 * timerfd_get_state(), without changing them.  Restart creates a timerfd
 * on the clock (do_timerfd_create()), arms it (do_timerfd_settime()) with
 * the time left counting from now, and gives it its ticks
 * (timerfd_set_ticks(), as TFD_IOC_SET_TICKS does).
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/time64.h>
#include <linux/timerfd.h>
#include "ckpt.h"
#include "anonfile.h"

static_assert(sizeof(struct ckpt_timerfd) == 48);

/**
 * ckpt_is_timerfd() - whether @file is a timerfd
 * @file: an open file
 *
 * Return: true for a timerfd.
 */
static bool ckpt_is_timerfd(struct file *file)
{
	return ckpt_anon_file_is(file, "[timerfd]");
}

/* The state of the timerfd @file, in @r. */
static int ckpt_timerfd_state(struct file *file, struct ckpt_timerfd *r)
{
	unsigned int flags;
	struct itimerspec64 t;
	int clockid, ret;
	u64 ticks;

	ret = timerfd_get_state(file, &clockid, &ticks, &flags, &t);
	if (ret)
		return ret;
	if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
		return -EOPNOTSUPP;
	r->clockid = cpu_to_le32(clockid);
	r->settime_flags = cpu_to_le32((flags & TFD_TIMER_ABSTIME ?
					CKPT_TFD_TIMER_ABSTIME : 0) |
				       (flags & TFD_TIMER_CANCEL_ON_SET ?
					CKPT_TFD_TIMER_CANCEL_ON_SET : 0));
	r->value_ns = cpu_to_le64(timespec64_to_ns(&t.it_value));
	r->interval_ns = cpu_to_le64(timespec64_to_ns(&t.it_interval));
	r->ticks = cpu_to_le64(ticks);
	return 0;
}

/**
 * ckpt_dump_timerfd() - write the state of a timerfd once
 * @ctx:  the checkpoint
 * @t:    the task using it (named in a refusal)
 * @fd:   the fd it is used through
 * @file: the timerfd
 * @id:   where to put the object id of the record
 *
 * Return: 0 or a negative errno (with the reason).
 */
static int ckpt_dump_timerfd(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
			     struct file *file, u32 *id)
{
	struct ckpt_timerfd r = { };
	bool new;

	*id = ckpt_obj_lookup(ctx, CKPT_OBJ_TIMERFD, file, &new);
	if (!*id)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	if (!new)
		return 0;
	if (ckpt_timerfd_state(file, &r))
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d fd %d: cannot read the state of the timerfd",
				 task_pid_vnr(t), fd);
	r.id = cpu_to_le32(*id);
	return ckpt_write(ctx, &r, CKPT_REC_TIMERFD, sizeof(r));
}

static int ckpt_timerfd_now(clockid_t clock, ktime_t *now)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_ALARM:
		*now = ktime_get_real();
		return 0;
	case CLOCK_MONOTONIC:
		*now = ktime_get();
		return 0;
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
		*now = ktime_get_boottime();
		return 0;
	}
	return -EINVAL;
}

/* Arm the timerfd at @fd as @r says. */
static int ckpt_timerfd_arm(int fd, const struct ckpt_timerfd *r)
{
	u32 flags = le32_to_cpu(r->settime_flags);
	s64 value = le64_to_cpu(r->value_ns);
	s64 interval = le64_to_cpu(r->interval_ns);
	u64 ticks = le64_to_cpu(r->ticks);
	struct itimerspec64 its, old;
	ktime_t now;

	/* a periodic timer that fired, rearmed by the read: next period */
	if (!value && interval && ticks)
		value = interval;
	if (!value && !interval)
		return 0;
	if (value && (flags & CKPT_TFD_TIMER_ABSTIME)) {
		ckpt_timerfd_now(le32_to_cpu(r->clockid), &now);
		value = ktime_add_safe(now, value);
	}
	its.it_value = ns_to_timespec64(value);
	its.it_interval = ns_to_timespec64(interval);
	return do_timerfd_settime(fd, (flags & CKPT_TFD_TIMER_ABSTIME ?
				       TFD_TIMER_ABSTIME : 0) |
				  (flags & CKPT_TFD_TIMER_CANCEL_ON_SET ?
				   TFD_TIMER_CANCEL_ON_SET : 0), &its, &old);
}

/**
 * ckpt_restore_timerfd() - create a timerfd, armed as it was, with its ticks
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_TIMERFD
 * @len: bytes of @rec
 *
 * The time left counts from now.
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_timerfd(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_timerfd *r = rec;
	u32 clockid = le32_to_cpu(r->clockid);
	u64 ticks = le64_to_cpu(r->ticks);
	struct file *file;
	ktime_t now;
	int fd, ret;

	if (len != sizeof(*r) || r->__reserved || ckpt_timerfd_now(clockid, &now) ||
	    (le32_to_cpu(r->settime_flags) &
	     ~(CKPT_TFD_TIMER_ABSTIME | CKPT_TFD_TIMER_CANCEL_ON_SET)) ||
	    le64_to_cpu(r->value_ns) > KTIME_MAX ||
	    le64_to_cpu(r->interval_ns) > KTIME_MAX)
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: malformed timerfd record", rt->pid);
	fd = do_timerfd_create(clockid, 0);
	ret = fd < 0 ? fd : ckpt_timerfd_arm(fd, r);
	file = ckpt_take_fd(fd);
	if (IS_ERR(file))
		ret = PTR_ERR(file);
	else if (!ret && ticks)
		ret = timerfd_set_ticks(file, ticks);
	if (ret) {
		if (!IS_ERR(file))
			fput(file);
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: cannot recreate a timerfd on clock %u (error %d)",
				 rt->pid, clockid, ret);
	}
	return ckpt_obj_add(rt->ctx, le32_to_cpu(r->id), CKPT_OBJ_TIMERFD, file);
}

static const struct ckpt_file_ops ckpt_timerfd_files[] = {
	{
		.kind		= CKPT_FILE_TIMERFD,
		.flags		= CKPT_FOP_HELD | CKPT_FOP_NOPOS,
		.is		= ckpt_is_timerfd,
		.dump		= ckpt_dump_timerfd,
		.open		= ckpt_restore_anonfd_file,
	},
	{ }
};

static const struct ckpt_rec_op ckpt_timerfd_recs[] = {
	{ .type = CKPT_REC_TIMERFD, .restore = ckpt_restore_timerfd },
	{ }
};

const struct ckpt_resource ckpt_res_timerfd = {
	.name		= "timerfds",
	.recs		= ckpt_timerfd_recs,
	.files		= ckpt_timerfd_files,
};
