/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ckpt: the copy-on-write checkpoint (snapshot.c): pages captured while the
 * group is frozen, written by run.c after the thaw; mm.c hands it the
 * areas of each process.
 */
#ifndef _KERNEL_CGROUP_CKPT_SNAPSHOT_H
#define _KERNEL_CGROUP_CKPT_SNAPSHOT_H

#include "ckpt.h"

int ckpt_capture_pages(struct ckpt_ctx *ctx, struct mm_struct *snap,
		       pid_t pid, unsigned long start, unsigned long end,
		       int (*write)(struct ckpt_ctx *ctx, pid_t pid,
				    struct mm_struct *mm, unsigned long start,
				    unsigned long end));
struct mm_struct *ckpt_snapshot_mm(struct ckpt_ctx *ctx, pid_t pid,
				   struct mm_struct *mm);
int ckpt_replay(struct ckpt_ctx *ctx);
void ckpt_capture_free(struct ckpt_ctx *ctx);

#endif /* _KERNEL_CGROUP_CKPT_SNAPSHOT_H */
