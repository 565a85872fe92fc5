// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: signalfd.
 *
 * A signalfd is one open file on a mask of signals (anonfile.c).  The mask
 * is read with signalfd_get_mask(); restart creates a signalfd with it
 * through do_signalfd4(), as signalfd4(-1, mask, 0) does.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/signal.h>
#include <linux/signalfd.h>
#include "ckpt.h"
#include "anonfile.h"

static_assert(sizeof(struct ckpt_signalfd) == 24);

/**
 * ckpt_is_signalfd() - whether @file is a signalfd
 * @file: an open file
 *
 * Return: true for a signalfd.
 */
static bool ckpt_is_signalfd(struct file *file)
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
static int ckpt_dump_signalfd(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
			      struct file *file, u32 *id)
{
	struct ckpt_signalfd r = { };
	sigset_t mask;
	bool new;

	*id = ckpt_obj_lookup(ctx, CKPT_OBJ_SIGNALFD, file, &new);
	if (!*id)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	if (!new)
		return 0;
	/* the mask as the program gave it, less SIGKILL and SIGSTOP */
	if (signalfd_get_mask(file, &mask))
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d fd %d: cannot read the mask of the signalfd",
				 task_pid_vnr(t), fd);
	r.id = cpu_to_le32(*id);
	r.mask = cpu_to_le64(mask.sig[0]);
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
static int ckpt_restore_signalfd(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_signalfd *r = rec;
	u64 mask = le64_to_cpu(r->mask);
	struct file *file;
	sigset_t set;

	if (len != sizeof(*r) || r->__reserved ||
	    (mask & (BIT_ULL(SIGKILL - 1) | BIT_ULL(SIGSTOP - 1))))
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: malformed signalfd record", rt->pid);
	sigemptyset(&set);
	set.sig[0] = mask;
	file = ckpt_take_fd(do_signalfd4(-1, &set, 0));
	if (IS_ERR(file))
		return ckpt_fail(rt->ctx, PTR_ERR(file),
				 "pid %d: cannot create a signalfd (error %ld)",
				 rt->pid, PTR_ERR(file));
	return ckpt_obj_add(rt->ctx, le32_to_cpu(r->id), CKPT_OBJ_SIGNALFD, file);
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
