/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ckpt: the restart blocks of poll() and futex waits (rblock.c), for the
 * thread record's writer and reader.
 */
#ifndef _KERNEL_CGROUP_CKPT_RBLOCK_H
#define _KERNEL_CGROUP_CKPT_RBLOCK_H

#include <linux/types.h>

struct ckpt_ctx;
struct ckpt_rtask;
struct task_struct;

bool ckpt_rblock_saved(struct task_struct *t);
int ckpt_rblock_dump(struct ckpt_ctx *ctx, struct task_struct *t);
void ckpt_rblock_resume(struct ckpt_rtask *rt);

#endif /* _KERNEL_CGROUP_CKPT_RBLOCK_H */
