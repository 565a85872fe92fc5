/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ckpt: what net.c (the sockets ckpt.exclude net leaves out) gives inet.c
 * (the sockets saved with their state): naming a socket in a reason, its
 * addresses, the socket address of an image's address, the file of a
 * socket at restart.
 */
#ifndef _KERNEL_CGROUP_CKPT_NET_H
#define _KERNEL_CGROUP_CKPT_NET_H

#include <linux/types.h>

struct ckpt_file;
struct ckpt_rtask;
struct file;
struct sock;
struct sockaddr_storage;

struct sock *ckpt_file_sk(struct file *file);
void ckpt_netsock_describe(struct sock *sk, char *buf, size_t size);
void ckpt_sock_addrs(struct sock *sk, u8 *laddr, u8 *raddr, __le16 *lport,
		     __le16 *rport);
int ckpt_sock_sockaddr(struct sockaddr_storage *ss, u32 family, const u8 *addr,
		       u16 port);
struct file *ckpt_sock_file(struct ckpt_rtask *rt, const struct ckpt_file *r,
			    const char *path);

#endif /* _KERNEL_CGROUP_CKPT_NET_H */
