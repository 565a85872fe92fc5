// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: SysV semaphore sets and message queues, what they share.
 *
 * These objects belong to the IPC namespace, not to tasks.  Those of the
 * group are: the semaphore sets in the undo list (SEM_UNDO) of a process
 * of the group, the sets a semaphore of which was last changed by one
 * (semop(), SETVAL: GETPID names it), and the queues a process of the
 * group was the last to send to or receive from (msg_lspid, msg_lrpid).
 * Checkpoint writes them all with the records of the first process, then
 * each process's undo adjustments with its own records: sets in
 * sysvsem.c, queues in sysvmsg.c, SysV shm segments in sysvshm.c.
 *
 * They are read and made with ipc/'s own functions, on kernel memory,
 * in the IPC namespace of the writer at checkpoint and of the first
 * restored process at restart.  The id comes back through ids->next_id,
 * as /proc/sys/kernel/{sem,msg}_next_id set it.
 *
 * A failed restart removes every object it made (IPC_RMID).
 *
 * With ckpt.exclude +ipc the objects are written without their contents:
 * a semaphore set with every value 0 and no undo adjustments, a queue with
 * no message; restart makes them so, fresh and empty.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/cred.h>
#include <linux/ipc.h>
#include <linux/ipc_namespace.h>
#include <linux/nsproxy.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include "ckpt.h"
#include "sysvipc.h"

static_assert(sizeof(struct ckpt_ipc_perm) == 24);

/**
 * ckpt_ripc_put() - drop a SysV object of a restart, removing it unless
 *                   the restart succeeded
 * @ptr: its struct ckpt_ripc
 */
static void ckpt_ripc_put(void *ptr)
{
	struct ckpt_ripc *o = ptr;
	const struct cred *old;
	int ret;

	if (!o->keep) {
		old = override_creds(o->cred);
		ret = o->kind == CKPT_IPC_SEM ? ckpt_sysvsem_rmid(o->ns, o->id) :
						ckpt_sysvmsg_rmid(o->ns, o->id);
		revert_creds(old);
		if (ret && ret != -EINVAL && ret != -EIDRM)
			pr_warn("SysV IPC id %d of a failed restart not removed (error %d)\n",
				o->id, ret);
	}
	put_ipc_ns(o->ns);
	put_cred(o->cred);
	kfree(o);
}

static void ckpt_ripc_keep(struct ckpt_ctx *ctx, void *ptr)
{
	((struct ckpt_ripc *)ptr)->keep = true;
}

/**
 * ckpt_sysvipc_commit() - the restart succeeds: keep the objects made
 * @ctx: the restart
 */
static void ckpt_sysvipc_commit(struct ckpt_ctx *ctx)
{
	ckpt_obj_for_each(ctx, CKPT_OBJ_SYSVIPC, ckpt_ripc_keep);
}

/* ---- checkpoint -------------------------------------------------------- */

/**
 * ckpt_ipc_group_pid() - is @pid a process of the group
 * @ctx: the checkpoint
 * @pid: a process id, as the writer sees it
 *
 * Return: true if it is.
 */
bool ckpt_ipc_group_pid(struct ckpt_ctx *ctx, pid_t pid)
{
	unsigned int i;

	for (i = 0; pid > 0 && i < ctx->nr_tasks; i++)
		if (ctx->ents[i].task && ctx->ents[i].tgid == pid)
			return true;
	return false;
}

/**
 * ckpt_ipc_ids() - the ids of the objects of a kind in a namespace
 * @ns:  the namespace
 * @idx: CKPT_IPC_SEM_IDS or CKPT_IPC_MSG_IDS
 * @ids: set to an array of them, to kfree()
 *
 * Return: how many, or -ENOMEM.
 */
int ckpt_ipc_ids(struct ipc_namespace *ns, int idx, int **ids)
{
	struct ipc_ids *s = &ns->ids[idx];
	struct kern_ipc_perm *perm;
	int id, n = 0, cap;

	down_read(&s->rwsem);
	cap = s->in_use;
	*ids = kmalloc_array(max(cap, 1), sizeof(int), GFP_KERNEL);
	if (*ids) {
		idr_for_each_entry(&s->ipcs_idr, perm, id)
			if (n < cap)
				(*ids)[n++] = perm->id;
	}
	up_read(&s->rwsem);
	return *ids ? n : -ENOMEM;
}

/**
 * ckpt_ipc_perm_out() - the image's form of the permissions of an object
 * @r: filled
 * @p: as IPC_STAT gives them
 */
void ckpt_ipc_perm_out(struct ckpt_ipc_perm *r, const struct ipc64_perm *p)
{
	r->key = cpu_to_le32(p->key);
	r->mode = cpu_to_le32(p->mode & 0777);
	r->uid = cpu_to_le32(p->uid);
	r->gid = cpu_to_le32(p->gid);
	r->cuid = cpu_to_le32(p->cuid);
	r->cgid = cpu_to_le32(p->cgid);
}

/**
 * ckpt_dump_sysvipc() - write the SysV objects of the group, the first
 *                       time, and the undo adjustments of a process
 * @ctx: the checkpoint
 * @t:   the process, frozen
 *
 * Context: the writer, whose IPC namespace the objects are looked up in.
 * Return: 0 or a negative errno.
 */
static int ckpt_dump_sysvipc(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	int ret = 0;

	/* The first process: the objects of the writer's namespace. */
	if (ctx->priv[CKPT_RES_ID_sysvipc] != ns) {
		ctx->priv[CKPT_RES_ID_sysvipc] = ns;
		ret = ckpt_dump_sysvsem_all(ctx, ns);
		if (!ret)
			ret = ckpt_dump_sysvmsg_all(ctx, ns);
	}
	/* ckpt.exclude ipc: no undo adjustments either. */
	if (!ret && ckpt_sysvsem_has_undo(t) && !(ctx->exclude & CKPT_EXCL_IPC))
		ret = ckpt_dump_semundo(ctx, t, ns);
	return ret;
}

/* ---- restart ----------------------------------------------------------- */

/**
 * ckpt_ipc_perm_in() - the permissions of an object of the image
 * @r: in the image
 * @p: key, mode and owners filled
 *
 * Return: true if they are valid.
 */
bool ckpt_ipc_perm_in(const struct ckpt_ipc_perm *r, struct kern_ipc_perm *p)
{
	struct user_namespace *ns = current_user_ns();

	p->key = le32_to_cpu(r->key);
	p->mode = le32_to_cpu(r->mode);
	p->uid = make_kuid(ns, le32_to_cpu(r->uid));
	p->gid = make_kgid(ns, le32_to_cpu(r->gid));
	p->cuid = make_kuid(ns, le32_to_cpu(r->cuid));
	p->cgid = make_kgid(ns, le32_to_cpu(r->cgid));
	return !(p->mode & ~0777) && uid_valid(p->uid) && gid_valid(p->gid) &&
	       uid_valid(p->cuid) && gid_valid(p->cgid);
}

/**
 * ckpt_ipc_set_owners() - give an object the owners and creators it had
 * @idx:    CKPT_IPC_SEM_IDS or CKPT_IPC_MSG_IDS
 * @id:     the object, in the current IPC namespace
 * @owners: the owners and creators
 */
void ckpt_ipc_set_owners(int idx, int id, const struct kern_ipc_perm *owners)
{
	struct ipc_ids *ids = &current->nsproxy->ipc_ns->ids[idx];
	struct kern_ipc_perm *perm;
	int i;

	down_write(&ids->rwsem);
	idr_for_each_entry(&ids->ipcs_idr, perm, i) {
		if (perm->id != id)
			continue;
		spin_lock(&perm->lock);
		if (!perm->deleted) {
			perm->uid = owners->uid;
			perm->gid = owners->gid;
			perm->cuid = owners->cuid;
			perm->cgid = owners->cgid;
		}
		spin_unlock(&perm->lock);
		break;
	}
	up_write(&ids->rwsem);
}

/**
 * ckpt_ipc_create() - create a SysV object with the id it had
 * @rt:    the first process being restored (current)
 * @kind:  CKPT_IPC_SEM or CKPT_IPC_MSG
 * @id:    its id
 * @p:     its key and mode
 * @nsems: semaphores of a set
 * @obj:   its object id in the image
 * @out:   set to the object made, registered under @obj
 *
 * As ipc/util.c creates it with ids->next_id set; from its registration
 * on, a failed restart removes it.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_ipc_create(struct ckpt_rtask *rt, unsigned long kind, int id,
		    const struct kern_ipc_perm *p, u32 nsems, u32 obj,
		    struct ckpt_ripc **out)
{
	int idx = kind == CKPT_IPC_SEM ? CKPT_IPC_SEM_IDS : CKPT_IPC_MSG_IDS;
	struct ipc_ids *ids = &current->nsproxy->ipc_ns->ids[idx];
	const char *what = kind == CKPT_IPC_SEM ? "semaphore set" : "message queue";
	int flags = IPC_CREAT | IPC_EXCL | p->mode;
	struct ckpt_ripc *o;
	long got;
	int ret;

	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return ckpt_fail(rt->ctx, -ENOMEM, "out of memory");
	down_write(&ids->rwsem);
	ids->next_id = id;
	up_write(&ids->rwsem);
	got = kind == CKPT_IPC_SEM ? ksys_semget(p->key, nsems, flags) :
				     ksys_msgget(p->key, flags);
	down_write(&ids->rwsem);
	if (ids->next_id == id)
		ids->next_id = -1;
	up_write(&ids->rwsem);
	if (got < 0) {
		kfree(o);
		if (got == -EEXIST)
			return ckpt_fail(rt->ctx, -EBUSY,
					 "pid %d: SysV %s key %#x (id %d) is in use",
					 rt->pid, what, p->key, id);
		return ckpt_fail(rt->ctx, got, "pid %d: cannot create SysV %s %d (error %ld)",
				 rt->pid, what, id, got);
	}
	o->kind = kind;
	o->id = got;
	o->nsems = nsems;
	o->ns = get_ipc_ns(current->nsproxy->ipc_ns);
	o->cred = get_current_cred();
	/* From now on a failure removes it. */
	ret = ckpt_obj_add_owned(rt->ctx, obj, CKPT_OBJ_SYSVIPC, o, ckpt_ripc_put);
	if (ret)
		return ret;
	if (got != id)
		return ckpt_fail(rt->ctx, -EBUSY, "pid %d: SysV %s id %d is in use",
				 rt->pid, what, id);
	*out = o;
	return 0;
}

/* Writes the semaphore sets and queues, which sysvsem.c and sysvmsg.c make. */
const struct ckpt_resource ckpt_res_sysvipc = {
	.name		= "SysV IPC objects",
	.dump		= ckpt_dump_sysvipc,
	.commit		= ckpt_sysvipc_commit,
};
