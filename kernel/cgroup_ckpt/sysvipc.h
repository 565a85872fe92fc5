/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ckpt: what the SysV semaphore (sysvsem.c) and message queue (sysvmsg.c)
 * code share, in sysvipc.c: the objects of the group at checkpoint, and
 * the objects a restart made, removed if it fails.  Private to these
 * three files.
 */
#ifndef _CKPT_SYSVIPC_H
#define _CKPT_SYSVIPC_H

#include <linux/ipc.h>
#include <linux/types.h>

struct ckpt_ctx;
struct cred;
struct ckpt_ipc_perm;
struct ckpt_rtask;
struct ipc_namespace;
struct ipc64_perm;
struct task_struct;

/* As ipc/util.h numbers them */
#define CKPT_IPC_SEM_IDS	0
#define CKPT_IPC_MSG_IDS	1

/* Object kinds in the checkpoint's table, keyed by kind and id. */
#define CKPT_IPC_SEM	1UL
#define CKPT_IPC_MSG	2UL

static inline void *ckpt_ipc_key(unsigned long kind, int id)
{
	return (void *)(kind << 32 | (u32)id);
}

/**
 * struct ckpt_ripc - a SysV object made by a restart
 * @kind:      CKPT_IPC_SEM or CKPT_IPC_MSG
 * @id:        its id
 * @nsems:     semaphores of a set
 * @msgs_left: messages of a queue still to come
 * @ns:        the namespace it is in
 * @cred:      who made it, to remove it
 * @keep:      the restart succeeded
 */
struct ckpt_ripc {
	unsigned long		kind;
	int			id;
	u32			nsems;
	u32			msgs_left;
	struct ipc_namespace	*ns;
	const struct cred	*cred;
	bool			keep;
};

/* sysvipc.c */
bool ckpt_ipc_group_pid(struct ckpt_ctx *ctx, pid_t pid);
int ckpt_ipc_ids(struct ipc_namespace *ns, int idx, int **ids);
void ckpt_ipc_perm_out(struct ckpt_ipc_perm *r, const struct ipc64_perm *p);
bool ckpt_ipc_perm_in(const struct ckpt_ipc_perm *r, struct kern_ipc_perm *p);
void ckpt_ipc_set_owners(int idx, int id, const struct kern_ipc_perm *owners);
int ckpt_ipc_create(struct ckpt_rtask *rt, unsigned long kind, int id,
		    const struct kern_ipc_perm *p, u32 nsems, u32 obj,
		    struct ckpt_ripc **out);

/* sysvsem.c */
int ckpt_dump_sysvsem_all(struct ckpt_ctx *ctx, struct ipc_namespace *ns);
bool ckpt_sysvsem_has_undo(struct task_struct *t);
int ckpt_dump_semundo(struct ckpt_ctx *ctx, struct task_struct *t,
		      struct ipc_namespace *ns);
int ckpt_sysvsem_rmid(struct ipc_namespace *ns, int semid);

/* sysvmsg.c */
int ckpt_dump_sysvmsg_all(struct ckpt_ctx *ctx, struct ipc_namespace *ns);
int ckpt_sysvmsg_rmid(struct ipc_namespace *ns, int msqid);

#endif /* _CKPT_SYSVIPC_H */
