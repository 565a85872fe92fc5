// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: files on anonymous inodes that hold state of their own: signalfd
 * and timerfd.
 *
 * Each is one open file, which fds and processes share; its state is read
 * from the file's fdinfo, as /proc shows it, without changing it, and
 * written in a record of its own before the file record, which names it.
 * Restart creates the file through its system call (6.1 has no in-kernel
 * way), lending the call a scratch page of the restored process's memory
 * for the arguments it takes from user space.  Like pipes, such a file
 * also held outside the group is refused (files.c).
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/dcache.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/seq_file.h>
#include <linux/signal.h>
#include <linux/time64.h>
#include <linux/timerfd.h>
#include <linux/uaccess.h>
#include "ckpt.h"

static_assert(sizeof(struct ckpt_signalfd) == 24);
static_assert(sizeof(struct ckpt_timerfd) == 48);

/* Flags of such a file that restart sets again. */
#define CKPT_ANONFD_FLAGS	(O_NONBLOCK | O_LARGEFILE)

/**
 * ckpt_anon_file_is() - whether @file is an anonymous inode file named @name
 * @file: an open file
 * @name: the name anon_inode_getfile() gave it ("[signalfd]")
 *
 * Return: true if it is.
 */
bool ckpt_anon_file_is(struct file *file, const char *name)
{
	return file_inode(file)->i_sb->s_magic == ANON_INODE_FS_MAGIC &&
	       !strcmp(file->f_path.dentry->d_name.name, name);
}

/**
 * ckpt_fdinfo() - what /proc/PID/fdinfo shows of @file after its header
 * @file: the file
 * @buf:  where to put it, NUL terminated
 * @size: bytes of @buf
 *
 * Return: 0, or -EOPNOTSUPP if the file shows nothing or more than fits.
 */
int ckpt_fdinfo(struct file *file, char *buf, size_t size)
{
	struct seq_file m = { .buf = buf, .size = size - 1 };

	if (!file->f_op->show_fdinfo)
		return -EOPNOTSUPP;
	file->f_op->show_fdinfo(&m, file);
	if (seq_has_overflowed(&m))
		return -EOPNOTSUPP;
	buf[m.count] = '\0';
	return 0;
}

/**
 * ckpt_user_scratch() - map a scratch page in the current mm
 *
 * For system calls that take their arguments from user memory only.
 *
 * Return: its address, or a negative errno as an unsigned long
 * (IS_ERR_VALUE()).
 */
unsigned long ckpt_user_scratch(void)
{
	return vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, 0);
}

/**
 * ckpt_user_scratch_free() - unmap what ckpt_user_scratch() mapped
 * @addr: its address
 */
void ckpt_user_scratch_free(unsigned long addr)
{
	vm_munmap(addr, PAGE_SIZE);
}

/* The file flags a record names, or -EINVAL. */
static int ckpt_anonfd_flags(struct ckpt_rtask *rt, struct file *file,
			     u32 flags, const char *what, u32 id)
{
	if ((flags & O_ACCMODE) != O_RDWR ||
	    (flags & ~(O_ACCMODE | CKPT_ANONFD_FLAGS)))
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: bad flags %#o of %s %u",
				 rt->pid, flags, what, id);
	spin_lock(&file->f_lock);
	file->f_flags = (file->f_flags & ~CKPT_ANONFD_FLAGS) |
			(flags & CKPT_ANONFD_FLAGS);
	spin_unlock(&file->f_lock);
	return 0;
}

/* ---- signalfd ------------------------------------------------------------- */

/**
 * ckpt_is_signalfd() - whether @file is a signalfd
 * @file: an open file
 *
 * Return: true for a signalfd.
 */
bool ckpt_is_signalfd(struct file *file)
{
	return ckpt_anon_file_is(file, "[signalfd]");
}

/**
 * ckpt_dump_signalfd() - write the mask of a signalfd once
 * @ctx:  the checkpoint
 * @t:    the task using it (named in a refusal)
 * @fd:   the fd it is used through
 * @file: the signalfd
 * @id:   where to put the object id of the record
 *
 * Return: 0 or a negative errno (with the reason).
 */
int ckpt_dump_signalfd(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
		       struct file *file, u32 *id)
{
	struct ckpt_signalfd r = { };
	char buf[64];
	const char *p;
	u64 mask;
	bool new;

	*id = ckpt_obj_lookup(ctx, CKPT_OBJ_SIGNALFD, file, &new);
	if (!*id)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	if (!new)
		return 0;
	/* "sigmask:\t%016lx", the mask as the program gave it */
	p = ckpt_fdinfo(file, buf, sizeof(buf)) ? NULL : strstr(buf, "sigmask:");
	if (!p || sscanf(p, "sigmask: %llx", &mask) != 1)
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d fd %d: cannot read the mask of the signalfd",
				 task_pid_vnr(t), fd);
	r.id = cpu_to_le32(*id);
	r.mask = cpu_to_le64(mask);
	return ckpt_write(ctx, &r, CKPT_REC_SIGNALFD, sizeof(r));
}

/**
 * ckpt_restore_signalfd() - create a signalfd with its mask
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_SIGNALFD
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
int ckpt_restore_signalfd(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_signalfd *r = rec;
	u64 mask = le64_to_cpu(r->mask);
	unsigned long ubuf;
	struct file *file;
	long fd;

	if (len != sizeof(*r) || r->__reserved ||
	    (mask & (BIT_ULL(SIGKILL - 1) | BIT_ULL(SIGSTOP - 1))))
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: malformed signalfd record", rt->pid);
	ubuf = ckpt_user_scratch();
	if (IS_ERR_VALUE(ubuf))
		return ckpt_fail(rt->ctx, (long)ubuf, "out of memory");
	fd = -EFAULT;
	if (!put_user(mask, (u64 __user *)ubuf)) {
		struct pt_regs regs = { .di = -1, .si = ubuf, .dx = sizeof(u64) };

		fd = __x64_sys_signalfd4(&regs);
	}
	ckpt_user_scratch_free(ubuf);
	file = ckpt_take_fd(fd);
	if (IS_ERR(file))
		return ckpt_fail(rt->ctx, PTR_ERR(file),
				 "pid %d: cannot create a signalfd (error %ld)",
				 rt->pid, PTR_ERR(file));
	return ckpt_obj_add(rt->ctx, le32_to_cpu(r->id), CKPT_OBJ_SIGNALFD, file);
}

/**
 * ckpt_restore_anonfd_file() - the file of a CKPT_REC_FILE on a signalfd
 *	or timerfd
 * @rt:    the task being restored (current)
 * @r:     its CKPT_REC_FILE
 * @path:  the path it gives
 *
 * Return: the file, referenced, or an ERR_PTR() (with the reason).
 */
struct file *ckpt_restore_anonfd_file(struct ckpt_rtask *rt,
				      const struct ckpt_file *r,
				      const char *path)
{
	u32 kind = le32_to_cpu(r->kind);
	u32 id = le32_to_cpu(r->obj);
	u32 flags = le32_to_cpu(r->flags);
	bool sfd = kind == CKPT_FILE_SIGNALFD;
	struct file *file;
	int ret;

	file = ckpt_obj_get(rt->ctx, id, sfd ? CKPT_OBJ_SIGNALFD :
					       CKPT_OBJ_TIMERFD);
	if (!file)
		return ERR_PTR(-EINVAL);
	ret = ckpt_anonfd_flags(rt, file, flags, sfd ? "signalfd" : "timerfd",
				id);
	if (ret) {
		fput(file);
		return ERR_PTR(ret);
	}
	return file;
}

/* ---- timerfd -------------------------------------------------------------- */

/**
 * ckpt_is_timerfd() - whether @file is a timerfd
 * @file: an open file
 *
 * Return: true for a timerfd.
 */
bool ckpt_is_timerfd(struct file *file)
{
	return ckpt_anon_file_is(file, "[timerfd]");
}

/* What the fdinfo of a timerfd shows. */
static int ckpt_timerfd_state(struct file *file, struct ckpt_timerfd *r)
{
	unsigned long long vs, vns, is, ins, ticks;
	unsigned int flags;
	char buf[256];
	const char *p;
	int clockid;

	if (ckpt_fdinfo(file, buf, sizeof(buf)))
		return -EOPNOTSUPP;
	p = strstr(buf, "clockid:");
	if (!p || sscanf(p, "clockid: %d ticks: %llu settime flags: %o",
			 &clockid, &ticks, &flags) != 3)
		return -EOPNOTSUPP;
	p = strstr(p, "it_value:");
	if (!p || sscanf(p, "it_value: (%llu, %llu) it_interval: (%llu, %llu)",
			 &vs, &vns, &is, &ins) != 4)
		return -EOPNOTSUPP;
	if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET) ||
	    vs > KTIME_SEC_MAX || is > KTIME_SEC_MAX)
		return -EOPNOTSUPP;
	r->clockid = cpu_to_le32(clockid);
	r->settime_flags = cpu_to_le32((flags & TFD_TIMER_ABSTIME ?
					CKPT_TFD_TIMER_ABSTIME : 0) |
				       (flags & TFD_TIMER_CANCEL_ON_SET ?
					CKPT_TFD_TIMER_CANCEL_ON_SET : 0));
	r->value_ns = cpu_to_le64(vs * NSEC_PER_SEC + vns);
	r->interval_ns = cpu_to_le64(is * NSEC_PER_SEC + ins);
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
int ckpt_dump_timerfd(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
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

/* Arm the timerfd at @fd as @r says, then give it its ticks. */
static long ckpt_timerfd_set(int fd, const struct ckpt_timerfd *r,
			     unsigned long ubuf)
{
	u32 flags = le32_to_cpu(r->settime_flags);
	s64 value = le64_to_cpu(r->value_ns);
	s64 interval = le64_to_cpu(r->interval_ns);
	u64 ticks = le64_to_cpu(r->ticks);
	struct __kernel_itimerspec its;
	struct pt_regs regs = { .di = fd };
	ktime_t now;
	long ret;

	/* a periodic timer that fired, rearmed by the read: next period */
	if (!value && interval && ticks)
		value = interval;
	if (value && (flags & CKPT_TFD_TIMER_ABSTIME)) {
		ckpt_timerfd_now(le32_to_cpu(r->clockid), &now);
		value = ktime_add_safe(now, value);
	}
	if (value || interval) {
		struct timespec64 v = ns_to_timespec64(value);
		struct timespec64 i = ns_to_timespec64(interval);

		its.it_value.tv_sec = v.tv_sec;
		its.it_value.tv_nsec = v.tv_nsec;
		its.it_interval.tv_sec = i.tv_sec;
		its.it_interval.tv_nsec = i.tv_nsec;
		if (copy_to_user((void __user *)ubuf, &its, sizeof(its)))
			return -EFAULT;
		regs.si = (flags & CKPT_TFD_TIMER_ABSTIME ? TFD_TIMER_ABSTIME : 0) |
			  (flags & CKPT_TFD_TIMER_CANCEL_ON_SET ?
			   TFD_TIMER_CANCEL_ON_SET : 0);
		regs.dx = ubuf;
		regs.r10 = 0;
		ret = __x64_sys_timerfd_settime(&regs);
		if (ret)
			return ret;
	}
	if (!ticks)
		return 0;
	if (put_user(ticks, (u64 __user *)ubuf))
		return -EFAULT;
	regs = (struct pt_regs){ .di = fd, .si = TFD_IOC_SET_TICKS, .dx = ubuf };
	return __x64_sys_ioctl(&regs);
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
int ckpt_restore_timerfd(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_timerfd *r = rec;
	u32 clockid = le32_to_cpu(r->clockid);
	struct pt_regs regs = { .di = clockid };
	unsigned long ubuf;
	struct file *file;
	ktime_t now;
	long fd, ret;

	if (len != sizeof(*r) || r->__reserved || ckpt_timerfd_now(clockid, &now) ||
	    (le32_to_cpu(r->settime_flags) &
	     ~(CKPT_TFD_TIMER_ABSTIME | CKPT_TFD_TIMER_CANCEL_ON_SET)) ||
	    le64_to_cpu(r->value_ns) > KTIME_MAX ||
	    le64_to_cpu(r->interval_ns) > KTIME_MAX)
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: malformed timerfd record", rt->pid);
	ubuf = ckpt_user_scratch();
	if (IS_ERR_VALUE(ubuf))
		return ckpt_fail(rt->ctx, (long)ubuf, "out of memory");
	fd = __x64_sys_timerfd_create(&regs);
	ret = fd < 0 ? fd : ckpt_timerfd_set(fd, r, ubuf);
	ckpt_user_scratch_free(ubuf);
	file = ckpt_take_fd(fd);
	if (IS_ERR(file) || ret) {
		if (!IS_ERR(file))
			fput(file);
		else
			ret = PTR_ERR(file);
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: cannot recreate a timerfd on clock %u (error %ld)",
				 rt->pid, clockid, ret);
	}
	return ckpt_obj_add(rt->ctx, le32_to_cpu(r->id), CKPT_OBJ_TIMERFD, file);
}

static const struct ckpt_file_ops ckpt_signalfd_files[] = {
	{
		.kind		= CKPT_FILE_SIGNALFD,
		.flags		= CKPT_FOP_HELD | CKPT_FOP_NOPOS,
		.is		= ckpt_is_signalfd,
		.dump		= ckpt_dump_signalfd,
		.open		= ckpt_restore_anonfd_file,
	},
	{ }
};

static const struct ckpt_rec_op ckpt_signalfd_recs[] = {
	{ .type = CKPT_REC_SIGNALFD, .restore = ckpt_restore_signalfd },
	{ }
};

const struct ckpt_resource ckpt_res_signalfd = {
	.name		= "signalfds",
	.recs		= ckpt_signalfd_recs,
	.files		= ckpt_signalfd_files,
};

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
