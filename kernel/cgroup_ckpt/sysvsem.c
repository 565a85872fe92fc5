// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: SysV semaphore sets and undo lists.
 *
 * A set of the group (see sysvipc.c) is written with the records of the
 * first process: its key, mode, owners and the value of each semaphore,
 * read with semctl_stat() and semctl_main(GETPID, GETVAL), and made again
 * by that process with semget() and semctl_setval(), which leave the
 * process last to change each semaphore (GETPID) a process of the group.
 * Undo adjustments are read from each process's undo list and replayed by
 * the process itself with a semop(SEM_UNDO) on kernel memory, which is why
 * a set is created with the values it needs before those operations.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/cred.h>
#include <linux/ipc.h>
#include <linux/ipc_namespace.h>
#include <linux/nsproxy.h>
#include <linux/rculist.h>
#include <linux/sem.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include "ckpt.h"
#include "sysvipc.h"

static_assert(sizeof(struct ckpt_sysvsem) == 48);
static_assert(sizeof(struct ckpt_semundo) == 16);
static_assert(CKPT_SEM_MAX == SEMMSL && CKPT_SEM_VMAX == SEMVMX);

/*
 * The undo list of a process, as ipc/sem.c of 6.1 lays it out (the
 * definitions are private to that file); read only, under its lock.
 */
struct ckpt_sem_undo_list {
	refcount_t		refcnt;
	spinlock_t		lock;	/* protects list_proc */
	struct list_head	list_proc;
};

struct ckpt_sem_undo {
	struct list_head		list_proc;
	struct rcu_head			rcu;
	struct ckpt_sem_undo_list	*ulp;
	struct list_head		list_id;
	int				semid;
	short				*semadj;
};

/**
 * ckpt_sysvsem_rmid() - remove a semaphore set (IPC_RMID)
 * @ns:    its namespace
 * @semid: the set
 *
 * Context: with the credentials of who may remove it.
 * Return: 0 or a negative errno.
 */
int ckpt_sysvsem_rmid(struct ipc_namespace *ns, int semid)
{
	struct semid64_ds ds = { };

	return semctl_down(ns, semid, IPC_RMID, &ds);
}

/* ---- checkpoint -------------------------------------------------------- */

static struct ckpt_sem_undo_list *ckpt_undo_list(struct task_struct *t)
{
	return (struct ckpt_sem_undo_list *)READ_ONCE(t->sysvsem.undo_list);
}

/**
 * ckpt_sysvsem_has_undo() - has process @t an undo list
 * @t: a process of the group, frozen
 *
 * Return: true if it has.
 */
bool ckpt_sysvsem_has_undo(struct task_struct *t)
{
	return ckpt_undo_list(t);
}

/* The process of the group with set @semid in its undo list, or 0. */
static pid_t ckpt_ipc_in_undo(struct ckpt_ctx *ctx, int semid)
{
	struct ckpt_sem_undo_list *ulp;
	struct ckpt_sem_undo *un;
	pid_t found = 0;
	unsigned int i;

	rcu_read_lock();
	for (i = 0; !found && i < ctx->nr_tasks; i++) {
		const struct ckpt_tent *e = &ctx->ents[i];

		if (!e->task || e->flags || e->pid != e->tgid)
			continue;
		ulp = ckpt_undo_list(e->task);
		if (!ulp)
			continue;
		spin_lock(&ulp->lock);
		list_for_each_entry_rcu(un, &ulp->list_proc, list_proc)
			if (un->semid == semid)
				found = e->tgid;
		spin_unlock(&ulp->lock);
	}
	rcu_read_unlock();
	return found;
}

/*
 * The sum, for each semaphore of set @semid, of the undo adjustments of
 * the processes of the group, in @sum; -ERANGE if replaying them in the
 * order of the image would take a value out of range.
 */
static int ckpt_sem_undo_sum(struct ckpt_ctx *ctx, int semid, u32 nsems,
			     const u16 *values, s32 *sum)
{
	struct ckpt_sem_undo_list *ulp;
	struct ckpt_sem_undo *un;
	unsigned int i, j;
	s32 *low, *high, v;
	int ret = 0;

	low = kcalloc(2 * nsems, sizeof(*low), GFP_KERNEL);
	if (!low)
		return -ENOMEM;
	high = low + nsems;
	memset(sum, 0, nsems * sizeof(*sum));
	/* sum[j]: adjustments still to replay; low, high: their extremes */
	rcu_read_lock();
	for (i = ctx->nr_tasks; i-- > 0;) {
		const struct ckpt_tent *e = &ctx->ents[i];

		if (!e->task || e->flags || e->pid != e->tgid)
			continue;
		ulp = ckpt_undo_list(e->task);
		if (!ulp)
			continue;
		spin_lock(&ulp->lock);
		list_for_each_entry_rcu(un, &ulp->list_proc, list_proc) {
			if (un->semid != semid)
				continue;
			for (j = 0; j < nsems; j++) {
				sum[j] += READ_ONCE(un->semadj[j]);
				low[j] = min(low[j], sum[j]);
				high[j] = max(high[j], sum[j]);
			}
		}
		spin_unlock(&ulp->lock);
	}
	rcu_read_unlock();
	/* Before process k replays, a semaphore holds value + what is left. */
	for (j = 0; j < nsems; j++) {
		v = values[j];
		if (v + low[j] < 0 || v + high[j] > SEMVMX)
			ret = -ERANGE;
	}
	kfree(low);
	return ret;
}

/*
 * The pid of the group that uses set @semid (in its undo list or as the
 * last to change a semaphore), 0 if none; a negative errno on failure.
 */
static int ckpt_sem_owner(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
			  int semid, struct semid64_ds *ds)
{
	pid_t ours;
	u32 i;
	int ret;

	ret = semctl_stat(ns, semid, IPC_STAT, ds);
	if (ret == -EINVAL || ret == -EIDRM)
		return 0;
	/* One the writer may not read is the group's only if it is in use. */
	if (ret == -EACCES && !ckpt_ipc_in_undo(ctx, semid))
		return 0;
	if (ret)
		return ckpt_fail(ctx, ret, "SysV semaphore set %d: cannot read it (error %d)",
				 semid, ret);
	if (!ds->sem_nsems || ds->sem_nsems > SEMMSL)
		return ckpt_fail(ctx, -EOPNOTSUPP, "SysV semaphore set %d: %lu semaphores",
				 semid, (unsigned long)ds->sem_nsems);
	ours = ckpt_ipc_in_undo(ctx, semid);
	for (i = 0; !ours && i < ds->sem_nsems; i++) {
		ret = semctl_main(ns, semid, i, GETPID, NULL);
		if (ret > 0 && ckpt_ipc_group_pid(ctx, ret))
			ours = ret;
	}
	return ours;
}

/*
 * The values of set @semid as restart makes it: each with what the undo
 * adjustments of the group will take back.  ckpt.exclude ipc: all 0.
 * GETVAL semaphore by semaphore: GETALL only writes to user memory.  The
 * processes that use the set are frozen.
 */
static int ckpt_sem_values(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
			   int semid, pid_t ours, u32 nsems, struct ckpt_sysvsem *r)
{
	u16 *values;
	s32 *sum;
	u32 i;
	int ret = 0;

	if (ctx->exclude & CKPT_EXCL_IPC)
		return 0;
	sum = kcalloc(nsems, sizeof(*sum), GFP_KERNEL);
	values = kcalloc(nsems, sizeof(*values), GFP_KERNEL);
	if (!sum || !values) {
		ret = ckpt_fail(ctx, -ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; !ret && i < nsems; i++) {
		ret = semctl_main(ns, semid, i, GETVAL, NULL);
		if (ret >= 0)
			values[i] = ret;
		ret = min(ret, 0);
	}
	if (ret) {
		ret = ckpt_fail(ctx, ret,
				"pid %d: SysV semaphore set %d: cannot read its values (error %d)",
				ours, semid, ret);
		goto out;
	}
	ret = ckpt_sem_undo_sum(ctx, semid, nsems, values, sum);
	if (ret) {
		ret = ckpt_fail(ctx, ret == -ERANGE ? -EOPNOTSUPP : ret,
				"pid %d: SysV semaphore set %d: its undo adjustments cannot be replayed in range; not supported (ckpt.exclude +ipc restarts it with values 0, without them)",
				ours, semid);
		goto out;
	}
	for (i = 0; i < nsems; i++)
		r->values[i] = cpu_to_le16(values[i] + sum[i]);
out:
	kfree(values);
	kfree(sum);
	return ret;
}

/* Write set @semid of @ns if it belongs to the group. */
static int ckpt_dump_sem(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
			 int semid)
{
	struct semid64_ds ds;
	struct ckpt_sysvsem *r;
	bool new;
	u32 nsems;
	int ours, ret;
	u32 id;

	ours = ckpt_sem_owner(ctx, ns, semid, &ds);
	if (ours <= 0)
		return ours;
	nsems = ds.sem_nsems;
	r = kzalloc(struct_size(r, values, nsems), GFP_KERNEL);
	if (!r)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	ret = ckpt_sem_values(ctx, ns, semid, ours, nsems, r);
	if (ret)
		goto out;
	id = ckpt_obj_lookup(ctx, CKPT_OBJ_IPCID, ckpt_ipc_key(CKPT_IPC_SEM, semid),
			     &new);
	if (!id) {
		ret = ckpt_fail(ctx, -ENOMEM, "out of memory");
		goto out;
	}
	r->id = cpu_to_le32(id);
	r->semid = cpu_to_le32(semid);
	ckpt_ipc_perm_out(&r->perm, &ds.sem_perm);
	r->nsems = cpu_to_le32(nsems);
	ret = ckpt_write(ctx, r, CKPT_REC_SYSVSEM, struct_size(r, values, nsems));
out:
	kfree(r);
	return ret;
}

/**
 * ckpt_dump_sysvsem_all() - write the semaphore sets of the group
 * @ctx: the checkpoint
 * @ns:  the IPC namespace of the writer
 *
 * Return: 0 or a negative errno.
 */
int ckpt_dump_sysvsem_all(struct ckpt_ctx *ctx, struct ipc_namespace *ns)
{
	int *ids, n, i, ret = 0;

	n = ckpt_ipc_ids(ns, CKPT_IPC_SEM_IDS, &ids);
	if (n < 0)
		return ckpt_fail(ctx, n, "out of memory");
	for (i = 0; !ret && i < n; i++)
		ret = ckpt_dump_sem(ctx, ns, ids[i]);
	kfree(ids);
	return ret;
}

/**
 * ckpt_dump_semundo() - write the undo adjustments of a process
 * @ctx: the checkpoint
 * @t:   the process, frozen, with an undo list
 * @ns:  the IPC namespace of the writer
 *
 * Return: 0 or a negative errno.
 */
int ckpt_dump_semundo(struct ckpt_ctx *ctx, struct task_struct *t,
		      struct ipc_namespace *ns)
{
	struct ckpt_sem_undo_list *ulp;
	struct ckpt_sem_undo *un;
	struct ckpt_semundo *r;
	struct semid64_ds ds;
	int semid, last = -1;
	u32 id, nsems, j;
	bool new, any;
	int ret = 0;

	r = kvmalloc(struct_size(r, semadj, SEMMSL), GFP_KERNEL);
	if (!r)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	/* One set at a time, by increasing id: no writing under the lock. */
	for (;;) {
		semid = INT_MAX;
		rcu_read_lock();
		ulp = ckpt_undo_list(t);
		if (ulp) {
			spin_lock(&ulp->lock);
			list_for_each_entry_rcu(un, &ulp->list_proc, list_proc)
				if (un->semid > last && un->semid < semid)
					semid = un->semid;
			spin_unlock(&ulp->lock);
		}
		rcu_read_unlock();
		if (semid == INT_MAX)
			break;
		last = semid;
		id = ckpt_obj_lookup(ctx, CKPT_OBJ_IPCID,
				     ckpt_ipc_key(CKPT_IPC_SEM, semid), &new);
		ret = semctl_stat(ns, semid, IPC_STAT, &ds);
		if (!id || new || ret || !ds.sem_nsems || ds.sem_nsems > SEMMSL) {
			ret = ckpt_fail(ctx, id ? -EAGAIN : -ENOMEM,
					"pid %d: SysV semaphore set %d changed during the checkpoint",
					task_pid_vnr(t), semid);
			break;
		}
		nsems = ds.sem_nsems;
		any = false;
		rcu_read_lock();
		ulp = ckpt_undo_list(t);
		spin_lock(&ulp->lock);
		list_for_each_entry_rcu(un, &ulp->list_proc, list_proc) {
			if (un->semid != semid)
				continue;
			for (j = 0; j < nsems; j++) {
				r->semadj[j] = cpu_to_le16(READ_ONCE(un->semadj[j]));
				any |= !!r->semadj[j];
			}
		}
		spin_unlock(&ulp->lock);
		rcu_read_unlock();
		if (!any)
			continue;
		r->sem = cpu_to_le32(id);
		r->nsems = cpu_to_le32(nsems);
		ret = ckpt_write(ctx, r, CKPT_REC_SEMUNDO,
				 struct_size(r, semadj, nsems));
		if (ret)
			break;
	}
	kvfree(r);
	return ret;
}

/* ---- restart ----------------------------------------------------------- */

/**
 * ckpt_restore_sysvsem() - recreate a SysV semaphore set with its id
 * @rt:  the first process being restored (current)
 * @rec: its CKPT_REC_SYSVSEM
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_sysvsem(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_sysvsem *r = rec;
	u32 nsems = le32_to_cpu(r->nsems), semid = le32_to_cpu(r->semid), i;
	struct kern_ipc_perm p;
	struct ckpt_ripc *o;
	int ret;

	if (len < sizeof(*r) || !nsems || nsems > SEMMSL ||
	    len != struct_size(r, values, nsems) || r->__reserved ||
	    semid > INT_MAX || !ckpt_ipc_perm_in(&r->perm, &p))
		goto bad;
	for (i = 0; i < nsems; i++)
		if (le16_to_cpu(r->values[i]) > SEMVMX)
			goto bad;
	ret = ckpt_restart_check_ipc(rt, "semaphore set", semid, &p);
	if (ret)
		return ret;
	ret = ckpt_ipc_create(rt, CKPT_IPC_SEM, semid, &p, nsems,
			      le32_to_cpu(r->id), &o);
	if (ret)
		return ret;
	/* Every semaphore, 0 or not: this process changed it last (GETPID). */
	for (i = 0; !ret && i < nsems; i++)
		ret = semctl_setval(o->ns, semid, i, le16_to_cpu(r->values[i]));
	if (ret)
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: cannot set the values of SysV semaphore set %u (error %d)",
				 rt->pid, semid, ret);
	ckpt_ipc_set_owners(CKPT_IPC_SEM_IDS, semid, &p);
	return 0;
bad:
	return ckpt_fail(rt->ctx, -EINVAL,
			 "image: pid %d: malformed SysV semaphore record", rt->pid);
}

/**
 * ckpt_restore_semundo() - replay a process's undo adjustments on a set
 * @rt:  the process being restored (current)
 * @rec: its CKPT_REC_SEMUNDO
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_semundo(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_semundo *r = rec;
	u32 nsems = le32_to_cpu(r->nsems), i;
	struct ckpt_ripc *o;
	long ret = 0;
	s16 adj;

	if (len < sizeof(*r) || len != struct_size(r, semadj, nsems))
		goto bad;
	for (i = 0; i < nsems; i++) {
		adj = le16_to_cpu(r->semadj[i]);
		if (adj < -SEMVMX)
			goto bad;
	}
	o = ckpt_obj_get(rt->ctx, le32_to_cpu(r->sem), CKPT_OBJ_SYSVIPC);
	if (!o)
		return -EINVAL;
	if (o->kind != CKPT_IPC_SEM || o->nsems != nsems)
		goto bad;
	/* The undo list is current's: the process replays its own. */
	for (i = 0; !ret && i < nsems; i++) {
		struct sembuf op = {
			.sem_num = i,
			.sem_flg = SEM_UNDO | IPC_NOWAIT,
		};

		adj = le16_to_cpu(r->semadj[i]);
		if (!adj)
			continue;
		op.sem_op = -adj;
		ret = __do_semtimedop(o->id, &op, 1, NULL,
				      current->nsproxy->ipc_ns);
	}
	if (ret)
		return ckpt_fail(rt->ctx, ret == -EAGAIN ? -EINVAL : ret,
				 "pid %d: cannot replay its undo adjustments of SysV semaphore set %d (error %ld)",
				 rt->pid, o->id, ret);
	return 0;
bad:
	return ckpt_fail(rt->ctx, -EINVAL,
			 "image: pid %d: malformed SysV semaphore undo record", rt->pid);
}

static const struct ckpt_rec_op ckpt_sysvsem_recs[] = {
	{ .type = CKPT_REC_SYSVSEM, .restore = ckpt_restore_sysvsem },
	{ .type = CKPT_REC_SEMUNDO, .restore = ckpt_restore_semundo },
	{ }
};

const struct ckpt_resource ckpt_res_sysvsem = {
	.name		= "SysV semaphores",
	.recs		= ckpt_sysvsem_recs,
};
