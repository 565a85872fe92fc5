/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ckpt: what net.c (the sockets ckpt.exclude net leaves out) gives inet.c
 * (the sockets saved with their state): naming a socket in a reason.
 */
#ifndef _KERNEL_CGROUP_CKPT_NET_H
#define _KERNEL_CGROUP_CKPT_NET_H

#include <linux/types.h>

struct file;
struct sock;

struct sock *ckpt_file_sk(struct file *file);
void ckpt_netsock_describe(struct sock *sk, char *buf, size_t size);

#endif /* _KERNEL_CGROUP_CKPT_NET_H */
