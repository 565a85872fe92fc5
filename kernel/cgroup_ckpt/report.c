// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: reporting why an operation fails.
 *
 * The first failure of an operation is its cause: ckpt_fail() keeps its
 * errno and reason for ckpt.state.  A dry run ("check") goes on after a
 * refusal and collects the reason of each unit (a task, a resource, an
 * fd) refused, to show them all.  Every other file reports through these;
 * this one calls nothing of ckpt.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/stdarg.h>
#include "ckpt.h"

/* What the group holds or does that a checkpoint cannot take. */
static bool ckpt_is_refusal(int err)
{
	return err == -EOPNOTSUPP || err == -EPERM || err == -EACCES;
}

/* A dry run: one more line of reasons, while they fit. */
static __printf(2, 0) void ckpt_add_blocker(struct ckpt_ctx *ctx, const char *fmt,
			     va_list args)
{
	/* Room is left for ckpt_blockers_end()'s line. */
	size_t room = CKPT_BLOCKERS_LEN - 64 - ctx->blockers_len;
	int n;

	ctx->nr_blockers++;
	if (!ctx->blockers || ctx->blockers_len + 64 + 2 > CKPT_BLOCKERS_LEN)
		return;
	n = vsnprintf(ctx->blockers + ctx->blockers_len, room - 1, fmt, args);
	if (n < 0 || (size_t)n >= room - 1) {
		/* Cut mid-reason: show none of it. */
		ctx->blockers[ctx->blockers_len] = '\0';
		return;
	}
	ctx->blockers_len += n;
	ctx->blockers[ctx->blockers_len++] = '\n';
	ctx->blockers[ctx->blockers_len] = '\0';
	ctx->nr_shown++;
}

/**
 * ckpt_blockers_end() - end the list of a dry run's blockers
 * @ctx: the dry run, done
 *
 * Says how many blockers did not fit.
 */
void ckpt_blockers_end(struct ckpt_ctx *ctx)
{
	if (ctx->nr_blockers > ctx->nr_shown)
		ctx->blockers_len += scnprintf(ctx->blockers + ctx->blockers_len,
					       CKPT_BLOCKERS_LEN - ctx->blockers_len,
					       "and %u more blockers\n",
					       ctx->nr_blockers - ctx->nr_shown);
}

/**
 * ckpt_fail() - record why the operation fails
 * @ctx: the operation
 * @err: negative errno
 * @fmt: the reason, as shown after "error " in ckpt.state
 *
 * Only the first failure is kept: it is the cause, the rest follow from it.
 * A dry run ("check") also keeps the first refusal of each unit (a task,
 * an fd...) that ckpt_skip_refused() then steps over.
 *
 * Return: @err, so that callers can "return ckpt_fail(...)".
 */
int ckpt_fail(struct ckpt_ctx *ctx, int err, const char *fmt, ...)
{
	va_list args;

	if (ctx->check && ckpt_is_refusal(err) && !ctx->refused) {
		ctx->refused = true;
		va_start(args, fmt);
		ckpt_add_blocker(ctx, fmt, args);
		va_end(args);
	}
	if (!ctx->err) {
		ctx->err = err;
		va_start(args, fmt);
		vsnprintf(ctx->reason, sizeof(ctx->reason), fmt, args);
		va_end(args);
	}
	return err;
}

/**
 * ckpt_skip_refused() - in a dry run, go on after a refusal
 * @ctx:  the checkpoint
 * @ret:  the result of writing one unit (a task, an fd, a file checked)
 * @file: the file the unit was about, or NULL
 *
 * A "check" trigger reports every blocker of the group: when writing a
 * unit failed with a refusal that ckpt_fail() collected, forget the error
 * so that the caller goes on with the next unit, and remember @file so
 * that it is not refused twice.  Whatever the unit had half written goes
 * nowhere: a dry run has no image.
 *
 * Return: true if *@ret was a collected refusal, now 0.
 */
bool ckpt_skip_refused(struct ckpt_ctx *ctx, int *ret, struct file *file)
{
	if (!ctx->check || !ctx->refused || !ckpt_is_refusal(*ret))
		return false;
	ctx->refused = false;
	*ret = 0;
	if (file && ctx->nr_refused_files < CKPT_REFUSED_FILES)
		ctx->refused_files[ctx->nr_refused_files++] = file;
	return true;
}

/**
 * ckpt_was_refused() - in a dry run, whether @file was refused already
 * @ctx:  the checkpoint
 * @file: an open file of the group (compared only)
 *
 * Return: true if ckpt_skip_refused() stepped over it.
 */
bool ckpt_was_refused(struct ckpt_ctx *ctx, struct file *file)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_refused_files; i++)
		if (ctx->refused_files[i] == file)
			return true;
	return false;
}

/**
 * ckpt_refuse_file() - refuse an open file of the group
 * @ctx:  the checkpoint
 * @d:    the file, where it is used and its path (or none yet)
 * @what: what it is and why it is refused
 *
 * "pid 12 fd 3: /proc/1/maps: a file of a pseudo file system; close it
 * before the checkpoint", or "pid 12 memory: ...": where, what and what to
 * do.
 *
 * Return: -EOPNOTSUPP.
 */
int ckpt_refuse_file(struct ckpt_ctx *ctx, const struct ckpt_fdump *d,
		     const char *what)
{
	umode_t mode = file_inode(d->file)->i_mode;
	bool dev = S_ISCHR(mode) || S_ISBLK(mode);
	char where[24] = "memory";

	if (d->fd >= 0)
		snprintf(where, sizeof(where), "fd %d", d->fd);
	return ckpt_fail(ctx, -EOPNOTSUPP, "pid %d %s: %s: %s; %s",
			 task_pid_vnr(d->t), where, d->path ?: "?", what,
			 dev && d->fd >= 0 ? "exclude dev to checkpoint without it" :
			 d->fd >= 0 ? "close it before the checkpoint" :
				      "unmap it before the checkpoint");
}
