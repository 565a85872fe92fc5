/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ckpt: what tcp.c (established connections) gives inet.c, which writes
 * and makes their sockets: telling them apart, holding them, their state.
 */
#ifndef _KERNEL_CGROUP_CKPT_TCP_H
#define _KERNEL_CGROUP_CKPT_TCP_H

#include <linux/types.h>
#include <net/tcp_states.h>

struct ckpt_ctx;
struct ckpt_held_set;
struct ckpt_inet;
struct ckpt_rtask;
struct file;
struct sock;
struct socket;
struct task_struct;

/* The states after the peer's FIN came in. */
static inline bool ckpt_tcp_fin_in(int state)
{
	return (1 << state) & (TCPF_CLOSE_WAIT | TCPF_CLOSING | TCPF_LAST_ACK);
}

/* The states after our FIN went out (shutdown(SHUT_WR)). */
static inline bool ckpt_tcp_fin_out(int state)
{
	return (1 << state) & (TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2 | TCPF_CLOSING |
			       TCPF_LAST_ACK);
}

/* The states of a connection tcp.c saves: established, or closing. */
static inline bool ckpt_tcp_conn_state(int state)
{
	return state == TCP_ESTABLISHED || ckpt_tcp_fin_in(state) ||
	       ckpt_tcp_fin_out(state);
}

bool ckpt_tcp_is(const struct sock *sk);
bool ckpt_tcp_held(struct file *file);
int ckpt_tcp_check_held(struct ckpt_ctx *ctx, struct ckpt_held_set *hs,
			unsigned int i);
const char *ckpt_tcp_unsaved(struct sock *sk);
int ckpt_tcp_dump(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
		  struct sock *sk, u32 id);
int ckpt_tcp_repair(struct ckpt_rtask *rt, struct socket *sock);
int ckpt_tcp_restore(struct ckpt_rtask *rt, struct socket *sock,
		     const struct ckpt_inet *in);

#endif /* _KERNEL_CGROUP_CKPT_TCP_H */
