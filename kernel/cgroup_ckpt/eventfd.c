// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: eventfd.
 *
 * An eventfd is one open file on one counter.  The counter and the
 * EFD_SEMAPHORE mode are read with eventfd_ctx_state(), without touching
 * the counter; the file record then names the eventfd record.  Restart
 * creates an eventfd with the mode (do_eventfd()) and adds the count.
 * Like a pipe, an eventfd whose file is also held outside the group is
 * refused (held.c): the two sides would no longer share it.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include "ckpt.h"

static_assert(sizeof(struct ckpt_eventfd) == 24);

/* Flags of an eventfd file that restart sets again. */
#define CKPT_EVENTFD_FLAGS	(O_NONBLOCK | O_LARGEFILE)

/**
 * ckpt_is_eventfd() - whether @file is an eventfd
 * @file: an open file
 *
 * Return: true for an eventfd.
 */
static bool ckpt_is_eventfd(struct file *file)
{
	struct eventfd_ctx *ectx = eventfd_ctx_fileget(file);

	if (IS_ERR(ectx))
		return false;
	eventfd_ctx_put(ectx);
	return true;
}

/* Count and mode of @file, an eventfd. */
static int ckpt_eventfd_state(struct file *file, u64 *count, u32 *flags)
{
	struct eventfd_ctx *ectx = eventfd_ctx_fileget(file);
	unsigned int efd_flags;

	if (IS_ERR(ectx))
		return PTR_ERR(ectx);
	eventfd_ctx_state(ectx, count, &efd_flags);
	eventfd_ctx_put(ectx);
	*flags = efd_flags & EFD_SEMAPHORE ? CKPT_EVENTFD_SEMAPHORE : 0;
	return 0;
}

/**
 * ckpt_dump_eventfd() - write the counter of an eventfd once
 * @ctx:  the checkpoint
 * @t:    the task using it (named in a refusal)
 * @fd:   the fd it is used through
 * @file: the eventfd
 * @id:   where to put the object id of the counter
 *
 * Return: 0 or a negative errno (with the reason).
 */
static int ckpt_dump_eventfd(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
			     struct file *file, u32 *id)
{
	struct ckpt_eventfd r = { };
	u32 flags;
	u64 count;
	bool new;

	*id = ckpt_obj_lookup(ctx, CKPT_OBJ_EVENTFD, file, &new);
	if (!*id)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	if (!new)
		return 0;
	/* Our own bug: ckpt_is_eventfd() said it is one. */
	if (WARN_ON_ONCE(ckpt_eventfd_state(file, &count, &flags)))
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d fd %d: cannot read the state of the eventfd",
				 task_pid_vnr(t), fd);
	r.id = cpu_to_le32(*id);
	r.flags = cpu_to_le32(flags);
	r.count = cpu_to_le64(count);
	return ckpt_write(ctx, &r, CKPT_REC_EVENTFD, sizeof(r));
}

/**
 * ckpt_restore_eventfd() - create an eventfd with its count and mode
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_EVENTFD
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_eventfd(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_eventfd *r = rec;
	struct eventfd_ctx *ectx;
	struct file *file;
	u32 flags;
	u64 count;

	flags = le32_to_cpu(r->flags);
	count = le64_to_cpu(r->count);
	if (len != sizeof(*r) || (flags & ~CKPT_EVENTFD_SEMAPHORE) ||
	    count == ULLONG_MAX)
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: malformed eventfd record", rt->pid);
	file = ckpt_take_fd(do_eventfd(0, flags & CKPT_EVENTFD_SEMAPHORE ?
					  EFD_SEMAPHORE : 0));
	if (IS_ERR(file))
		return ckpt_fail(rt->ctx, PTR_ERR(file),
				 "pid %d: cannot create an eventfd (error %ld)",
				 rt->pid, PTR_ERR(file));
	ectx = eventfd_ctx_fileget(file);
	if (IS_ERR(ectx)) {
		fput(file);
		return ckpt_fail(rt->ctx, PTR_ERR(ectx),
				 "pid %d: the new eventfd is not one", rt->pid);
	}
	if (count)
		eventfd_signal(ectx, count);
	eventfd_ctx_put(ectx);
	return ckpt_obj_add(rt->ctx, le32_to_cpu(r->id), CKPT_OBJ_EVENTFD, file);
}

/**
 * ckpt_restore_eventfd_file() - the file of a CKPT_REC_FILE on an eventfd
 * @rt:    the task being restored (current)
 * @r:     its CKPT_REC_FILE
 * @path:  the path it gives
 *
 * Return: the file, referenced, or an ERR_PTR() (with the reason).
 */
static struct file *ckpt_restore_eventfd_file(struct ckpt_rtask *rt,
					      const struct ckpt_file *r,
					      const char *path)
{
	u32 id = le32_to_cpu(r->obj);
	u32 flags = le32_to_cpu(r->flags);
	struct file *file;

	if ((flags & O_ACCMODE) != O_RDWR ||
	    (flags & ~(O_ACCMODE | CKPT_EVENTFD_FLAGS)))
		return ERR_PTR(ckpt_fail(rt->ctx, -EINVAL,
					 "image: pid %d: bad flags %#o of eventfd %u",
					 rt->pid, flags, id));
	file = ckpt_obj_get(rt->ctx, id, CKPT_OBJ_EVENTFD);
	if (!file)
		return ERR_PTR(-EINVAL);
	spin_lock(&file->f_lock);
	file->f_flags = (file->f_flags & ~CKPT_EVENTFD_FLAGS) |
			(flags & CKPT_EVENTFD_FLAGS);
	spin_unlock(&file->f_lock);
	return file;
}

static const struct ckpt_file_ops ckpt_eventfd_files[] = {
	{
		.kind		= CKPT_FILE_EVENTFD,
		.flags		= CKPT_FOP_HELD | CKPT_FOP_NOPOS,
		.is		= ckpt_is_eventfd,
		.dump		= ckpt_dump_eventfd,
		.open		= ckpt_restore_eventfd_file,
	},
	{ }
};

static const struct ckpt_rec_op ckpt_eventfd_recs[] = {
	{ .type = CKPT_REC_EVENTFD, .restore = ckpt_restore_eventfd },
	{ }
};

const struct ckpt_resource ckpt_res_eventfd = {
	.name		= "eventfds",
	.recs		= ckpt_eventfd_recs,
	.files		= ckpt_eventfd_files,
};
