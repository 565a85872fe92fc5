// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: copy-on-write snapshots, for a checkpoint that keeps running.
 *
 * A plain "checkpoint" keeps the group frozen only while it records the
 * state of the tasks.  Every record goes to memory instead of the image,
 * except the contents of private memory: the address space of each process
 * is duplicated the way fork() duplicates it (dup_mm()), so that private
 * pages are write-protected and shared by the process and the copy, and
 * the copy keeps the contents of the freeze instant whatever the process
 * writes afterwards.  In the record stream, the pages of an area are a
 * mark naming the copy and the area.
 *
 * Then the group is thawed, and the image is written in the order a
 * frozen checkpoint writes it: the recorded bytes, and at each mark the
 * pages of the area, read from the copy.  The image is the same, byte
 * for byte, as the one a checkpoint that stayed frozen would have written
 * at that instant; only its checksum is computed later.
 *
 * What is not private memory is copied into the records while frozen:
 * shared memory (shmem, SysV shm), pipe contents, unlinked files.  Areas
 * that fork() does not copy (MADV_DONTFORK, MADV_WIPEONFORK) are too.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/binfmts.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include "ckpt.h"

/* Recorded bytes are kept in chunks of this size (larger for one record). */
#define CKPT_CAP_CHUNK		(64 * 1024)

/**
 * struct ckpt_cap - a piece of the recorded stream
 * @list:	in &ckpt_ctx.caps, in stream order
 * @mm:		a mark: the copy whose pages come here; NULL for bytes
 * @start:	mark: the area
 * @end:	...
 * @pid:	mark: the process, for messages
 * @len:	bytes: used of @data
 * @size:	bytes: allocated in @data
 * @data:	bytes: the records
 */
struct ckpt_cap {
	struct list_head	list;
	struct mm_struct	*mm;
	unsigned long		start;
	unsigned long		end;
	pid_t			pid;
	size_t			len;
	size_t			size;
	u8			data[];
};

/**
 * ckpt_capture() - record bytes of the stream in memory
 * @ctx: the checkpoint, in snapshot mode
 * @p:   the bytes
 * @len: how many
 *
 * Return: 0 or -ENOMEM (the reason is recorded).
 */
int ckpt_capture(struct ckpt_ctx *ctx, const void *p, size_t len)
{
	struct ckpt_cap *c = NULL;

	if (!list_empty(&ctx->caps))
		c = list_last_entry(&ctx->caps, struct ckpt_cap, list);

	while (len) {
		size_t n;

		if (!c || c->mm || c->len == c->size) {
			size_t size = max_t(size_t, len, CKPT_CAP_CHUNK);

			c = kvmalloc(struct_size(c, data, size), GFP_KERNEL_ACCOUNT);
			if (!c)
				return ckpt_fail(ctx, -ENOMEM,
						 "out of memory for the snapshot after %zu bytes of records; try \"checkpoint no-snapshot\"",
						 ctx->cap_bytes);
			c->mm = NULL;
			c->len = 0;
			c->size = size;
			list_add_tail(&c->list, &ctx->caps);
		}
		n = min(len, c->size - c->len);
		memcpy(c->data + c->len, p, n);
		c->len += n;
		ctx->cap_bytes += n;
		p += n;
		len -= n;
	}
	return 0;
}

/**
 * ckpt_capture_pages() - mark where the pages of an area go
 * @ctx:   the checkpoint, in snapshot mode
 * @snap:  the copy of the address space (from ckpt_snapshot_mm())
 * @pid:   the process, for messages
 * @start: the area, as in the copy
 * @end:   ...
 *
 * Return: 0 or -ENOMEM (the reason is recorded).
 */
int ckpt_capture_pages(struct ckpt_ctx *ctx, struct mm_struct *snap,
		       pid_t pid, unsigned long start, unsigned long end)
{
	struct ckpt_cap *c = kmalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);

	if (!c)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	mmget(snap);
	c->mm = snap;
	c->start = start;
	c->end = end;
	c->pid = pid;
	c->len = 0;
	c->size = 0;
	list_add_tail(&c->list, &ctx->caps);
	return 0;
}

/**
 * ckpt_snapshot_mm() - a copy-on-write copy of a frozen process's memory
 * @ctx: the checkpoint
 * @pid: the process, for messages
 * @mm:  its address space
 *
 * The copy belongs to no task; the writer is its owner for memory
 * accounting.  Private pages become shared with it until either side
 * writes, as after fork().
 *
 * Return: the copy (put it with mmput()), or an ERR_PTR (reason recorded).
 */
struct mm_struct *ckpt_snapshot_mm(struct ckpt_ctx *ctx, pid_t pid,
				   struct mm_struct *mm)
{
	struct mm_struct *snap = dup_mm(current, mm);

	/* dup_mm() gives up on a fatal signal to the writer too. */
	if (!snap && fatal_signal_pending(current))
		return ERR_PTR(ckpt_fail(ctx, -EINTR, "interrupted by a signal"));
	if (!snap)
		return ERR_PTR(ckpt_fail(ctx, -ENOMEM,
					 "pid %d: cannot snapshot its memory (out of memory or commit limit); try \"checkpoint no-snapshot\"",
					 pid));
	return snap;
}

static void ckpt_cap_free(struct ckpt_cap *c)
{
	list_del(&c->list);
	if (c->mm)
		mmput(c->mm);
	kvfree(c);
}

/**
 * ckpt_replay() - write the image recorded while frozen, and its trailer
 * @ctx: the checkpoint, in snapshot mode, the group thawed
 *
 * Each piece is freed as soon as it is written: a copy of an address
 * space lives until its last area is out, and then the process no longer
 * copies a page it writes.
 *
 * Return: 0 or a negative errno (the reason is recorded).
 */
int ckpt_replay(struct ckpt_ctx *ctx)
{
	struct ckpt_cap *c, *tmp;
	int ret = 0;

	ctx->s.capture = false;
	list_for_each_entry_safe(c, tmp, &ctx->caps, list) {
		if (c->mm)
			ret = ckpt_dump_area_pages(ctx, c->pid, c->mm, c->start,
						   c->end);
		else
			ret = ckpt_write_raw(ctx, c->data, c->len);
		ckpt_cap_free(c);
		if (ret)
			return ret;
	}
	ret = ckpt_write_mac(ctx);
	return ret ?: ckpt_write_trailer(ctx);
}

/**
 * ckpt_capture_free() - drop what a failed snapshot checkpoint recorded
 * @ctx: the checkpoint
 */
void ckpt_capture_free(struct ckpt_ctx *ctx)
{
	struct ckpt_cap *c, *tmp;

	list_for_each_entry_safe(c, tmp, &ctx->caps, list)
		ckpt_cap_free(c);
}
