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
 * writes afterwards.  In the recorded stream, the pages of an area are a
 * mark naming the copy, the area and the place in the bytes.
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
#include "snapshot.h"

/**
 * struct ckpt_mark - where the pages of an area go in the recorded stream
 * @list:	in &ckpt_ctx.marks, in stream order
 * @at:		after this many bytes of the records
 * @write:	writes them
 * @mm:		the copy the pages are read from
 * @start:	the area
 * @end:	...
 * @pid:	the process, for messages
 *
 * Marks are kept apart from the bytes, so that the records between two
 * areas take room in the chunk being filled, not a chunk of their own.
 */
struct ckpt_mark {
	struct list_head	list;
	size_t			at;
	int			(*write)(struct ckpt_ctx *ctx, pid_t pid,
					 struct mm_struct *mm,
					 unsigned long start, unsigned long end);
	struct mm_struct	*mm;
	unsigned long		start;
	unsigned long		end;
	pid_t			pid;
};

/**
 * ckpt_capture_pages() - mark where the pages of an area go
 * @ctx:   the checkpoint, in snapshot mode
 * @snap:  the copy of the address space (from ckpt_snapshot_mm())
 * @pid:   the process, for messages
 * @start: the area, as in the copy
 * @end:   ...
 * @write: what writes them then, from the copy
 *
 * Return: 0 or -ENOMEM (the reason is recorded).
 */
int ckpt_capture_pages(struct ckpt_ctx *ctx, struct mm_struct *snap,
		       pid_t pid, unsigned long start, unsigned long end,
		       int (*write)(struct ckpt_ctx *ctx, pid_t pid,
				    struct mm_struct *mm, unsigned long start,
				    unsigned long end))
{
	struct ckpt_mark *m = kmalloc(sizeof(*m), GFP_KERNEL_ACCOUNT);

	if (!m)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	mmget(snap);
	m->at = ctx->cap_bytes;
	m->write = write;
	m->mm = snap;
	m->start = start;
	m->end = end;
	m->pid = pid;
	list_add_tail(&m->list, &ctx->marks);
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

static void ckpt_mark_free(struct ckpt_mark *m)
{
	list_del(&m->list);
	mmput(m->mm);
	kfree(m);
}

/* Write the pages of the areas marked after @at bytes of the records. */
static int ckpt_replay_marks(struct ckpt_ctx *ctx, size_t at)
{
	struct ckpt_mark *m;
	int ret;

	while ((m = list_first_entry_or_null(&ctx->marks, struct ckpt_mark,
					     list)) && m->at == at) {
		ret = m->write(ctx, m->pid, m->mm, m->start, m->end);
		ckpt_mark_free(m);
		if (ret)
			return ret;
	}
	return 0;
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
	size_t done = 0;
	int ret = 0;

	ctx->s.capture = false;
	list_for_each_entry_safe(c, tmp, &ctx->caps, list) {
		size_t off = 0;

		while (!ret && off < c->len) {
			struct ckpt_mark *m;
			size_t n = c->len - off;

			ret = ckpt_replay_marks(ctx, done);
			if (ret)
				break;
			/* The bytes up to the next mark, at most. */
			m = list_first_entry_or_null(&ctx->marks,
						     struct ckpt_mark, list);
			if (m)
				n = min(n, m->at - done);
			ret = ckpt_write_raw(ctx, c->data + off, n);
			off += n;
			done += n;
		}
		list_del(&c->list);
		kvfree(c);
		if (ret)
			return ret;
	}
	ret = ckpt_replay_marks(ctx, done);
	if (!ret)
		ret = ckpt_write_mac(ctx);
	return ret ?: ckpt_write_trailer(ctx);
}

/**
 * ckpt_capture_free() - drop what a failed snapshot checkpoint recorded
 * @ctx: the checkpoint
 */
void ckpt_capture_free(struct ckpt_ctx *ctx)
{
	struct ckpt_mark *m, *mtmp;
	struct ckpt_cap *c, *tmp;

	list_for_each_entry_safe(c, tmp, &ctx->caps, list) {
		list_del(&c->list);
		kvfree(c);
	}
	list_for_each_entry_safe(m, mtmp, &ctx->marks, list)
		ckpt_mark_free(m);
}
