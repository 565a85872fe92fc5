/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ckpt: what the architecture file (arch-x86.c) gives task.c, thread.c and
 * mm.c: the checks, registers, syscall restart and vDSO of a task, the
 * only code that knows the architecture.
 */
#ifndef _KERNEL_CGROUP_CKPT_ARCH_H
#define _KERNEL_CGROUP_CKPT_ARCH_H

#include "ckpt.h"

int ckpt_arch_check_task(struct ckpt_ctx *ctx, struct task_struct *t);
int ckpt_arch_syscall_state(struct ckpt_ctx *ctx, struct task_struct *t,
			    const void *regs, u32 size, struct ckpt_thread *th);
int ckpt_arch_fixup_regs(struct ckpt_rtask *rt, void *regs, u32 size);
int ckpt_arch_map_vdso(unsigned long addr);
void ckpt_arch_restart_sleep(const struct ckpt_thread *th);
void ckpt_arch_set_return(unsigned long ax);

#endif /* _KERNEL_CGROUP_CKPT_ARCH_H */
