/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ckpt: holding the connections of a killed group (hold.c) for tcp.c,
 * which adds and drops them, and the interface files, which release them.
 */
#ifndef _KERNEL_CGROUP_CKPT_HOLD_H
#define _KERNEL_CGROUP_CKPT_HOLD_H

#include <linux/types.h>

struct sock;

int ckpt_hold_add(struct sock *sk, u64 owner);
void ckpt_hold_drop(struct sock *sk);
unsigned int ckpt_hold_release(u64 owner, bool drop);

#endif /* _KERNEL_CGROUP_CKPT_HOLD_H */
