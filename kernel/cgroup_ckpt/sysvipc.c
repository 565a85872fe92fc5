// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: SysV semaphore sets and message queues.
 *
 * These objects belong to the IPC namespace, not to tasks.  Those of the
 * group are: the semaphore sets in the undo list (SEM_UNDO) of a process
 * of the group, the sets a semaphore of which was last changed by one
 * (semop(), SETVAL: GETPID names it), and the queues a process of the
 * group was the last to send to or receive from (msg_lspid, msg_lrpid).
 * Checkpoint writes them all with the records of the first process, then
 * each process's undo adjustments with its own records.
 *
 * They are read and made through the system calls, as a program would:
 * semctl(IPC_STAT, GETALL, GETPID), msgctl(IPC_STAT), msgrcv(MSG_COPY) in
 * the writer at checkpoint, semget(), semctl(SETALL), msgget(),
 * msgctl(IPC_SET) and msgsnd() in the first restored process, through a
 * scratch mapping.  The id comes back through ids->next_id, as
 * /proc/sys/kernel/{sem,msg}_next_id set it.  Undo adjustments are read
 * from the process's undo list and replayed by the process itself with
 * semop(SEM_UNDO), which is why a set is created with the values it needs
 * before those operations.
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
#include <linux/mman.h>
#include <linux/msg.h>
#include <linux/nsproxy.h>
#include <linux/rculist.h>
#include <linux/sched/task.h>
#include <linux/sem.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>
#include "ckpt.h"

static_assert(sizeof(struct ckpt_ipc_perm) == 24);
static_assert(sizeof(struct ckpt_sysvsem) == 48);
static_assert(sizeof(struct ckpt_semundo) == 16);
static_assert(sizeof(struct ckpt_sysvmsg) == 56);
static_assert(sizeof(struct ckpt_sysvmsg_data) == 24);
static_assert(CKPT_SEM_MAX == SEMMSL && CKPT_SEM_VMAX == SEMVMX);

/* As ipc/util.h numbers them */
#define CKPT_IPC_SEM_IDS	0
#define CKPT_IPC_MSG_IDS	1

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

/* Scratch memory of the current task, for the system calls. */
#define CKPT_IPC_SCRATCH	(128 * 1024)

static unsigned long ckpt_ipc_scratch(void)
{
	return vm_mmap(NULL, 0, CKPT_IPC_SCRATCH, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, 0);
}

/* Object kinds in the checkpoint's table, keyed by kind and id. */
#define CKPT_IPC_SEM	1UL
#define CKPT_IPC_MSG	2UL

static void *ckpt_ipc_key(unsigned long kind, int id)
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

/**
 * ckpt_ripc_put() - drop a SysV object of a restart, removing it unless
 *                   the restart succeeded
 * @ptr: its struct ckpt_ripc
 */
void ckpt_ripc_put(void *ptr)
{
	struct ckpt_ripc *o = ptr;
	const struct cred *old;

	if (!o->keep) {
		if (current->nsproxy && current->nsproxy->ipc_ns == o->ns) {
			old = override_creds(o->cred);
			if (o->kind == CKPT_IPC_SEM)
				ckpt_arch_semctl(o->id, 0, IPC_RMID, 0);
			else
				ckpt_arch_msgctl(o->id, IPC_RMID, NULL);
			revert_creds(old);
		} else {
			pr_warn("SysV IPC id %d of a failed restart not removed\n",
				o->id);
		}
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
void ckpt_sysvipc_commit(struct ckpt_ctx *ctx)
{
	ckpt_obj_for_each(ctx, CKPT_OBJ_SYSVIPC, ckpt_ripc_keep);
}

/* ---- checkpoint -------------------------------------------------------- */

/* Is @pid a process of the group? */
static bool ckpt_ipc_group_pid(struct ckpt_ctx *ctx, pid_t pid)
{
	unsigned int i;

	for (i = 0; pid > 0 && i < ctx->nr_tasks; i++)
		if (ctx->ents[i].task && ctx->ents[i].tgid == pid)
			return true;
	return false;
}

static struct ckpt_sem_undo_list *ckpt_undo_list(struct task_struct *t)
{
	return (struct ckpt_sem_undo_list *)READ_ONCE(t->sysvsem.undo_list);
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

/* The ids of the objects of namespace @ns, kind @idx, in *@ids. */
static int ckpt_ipc_ids(struct ipc_namespace *ns, int idx, int **ids)
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

static void ckpt_ipc_perm_out(struct ckpt_ipc_perm *r,
			      const struct ipc64_perm *p)
{
	r->key = cpu_to_le32(p->key);
	r->mode = cpu_to_le32(p->mode & 0777);
	r->uid = cpu_to_le32(p->uid);
	r->gid = cpu_to_le32(p->gid);
	r->cuid = cpu_to_le32(p->cuid);
	r->cgid = cpu_to_le32(p->cgid);
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

/* Write set @semid if it belongs to the group. */
static int ckpt_dump_sem(struct ckpt_ctx *ctx, int semid, unsigned long ubuf)
{
	bool excl = ctx->exclude & CKPT_EXCL_IPC;
	struct semid64_ds ds;
	struct ckpt_sysvsem *r;
	pid_t ours;
	u16 *values;
	bool new;
	s32 *sum;
	u32 nsems, i;
	long ret;
	u32 id;

	ret = ckpt_arch_semctl(semid, 0, IPC_STAT, ubuf);
	if (ret == -EINVAL || ret == -EIDRM)
		return 0;
	/* One the writer may not read is the group's only if it is in use. */
	if (ret == -EACCES && !ckpt_ipc_in_undo(ctx, semid))
		return 0;
	if (!ret && copy_from_user(&ds, (void __user *)ubuf, sizeof(ds)))
		ret = -EFAULT;
	if (ret)
		return ckpt_fail(ctx, ret, "SysV semaphore set %d: cannot read it (error %ld)",
				 semid, ret);
	nsems = ds.sem_nsems;
	if (!nsems || nsems > SEMMSL)
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "SysV semaphore set %d: %u semaphores", semid, nsems);
	ours = ckpt_ipc_in_undo(ctx, semid);
	for (i = 0; !ours && i < nsems; i++) {
		ret = ckpt_arch_semctl(semid, i, GETPID, 0);
		if (ret > 0 && ckpt_ipc_group_pid(ctx, ret))
			ours = ret;
	}
	if (!ours)
		return 0;

	r = kzalloc(struct_size(r, values, nsems), GFP_KERNEL);
	sum = kcalloc(nsems, sizeof(*sum), GFP_KERNEL);
	values = kcalloc(nsems, sizeof(*values), GFP_KERNEL);
	if (!r || !sum || !values) {
		ret = ckpt_fail(ctx, -ENOMEM, "out of memory");
		goto out;
	}
	/* ckpt.exclude ipc: the set restarts with every value 0. */
	ret = excl ? 0 : ckpt_arch_semctl(semid, 0, GETALL, ubuf);
	if (!ret && !excl && copy_from_user(values, (void __user *)ubuf,
					    nsems * sizeof(*values)))
		ret = -EFAULT;
	if (ret) {
		ret = ckpt_fail(ctx, ret,
				"pid %d: SysV semaphore set %d: cannot read its values (error %ld)",
				ours, semid, ret);
		goto out;
	}
	ret = excl ? 0 : ckpt_sem_undo_sum(ctx, semid, nsems, values, sum);
	if (ret) {
		ret = ckpt_fail(ctx, ret == -ERANGE ? -EOPNOTSUPP : ret,
				"pid %d: SysV semaphore set %d: its undo adjustments cannot be replayed in range; not supported (ckpt.exclude +ipc restarts it with values 0, without them)",
				ours, semid);
		goto out;
	}
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
	for (i = 0; i < nsems; i++)
		r->values[i] = cpu_to_le16(values[i] + sum[i]);
	ret = ckpt_write(ctx, r, CKPT_REC_SYSVSEM, struct_size(r, values, nsems));
out:
	kfree(values);
	kfree(sum);
	kfree(r);
	return ret;
}

/* Write queue @msqid, with its messages, if it belongs to the group. */
static int ckpt_dump_msq(struct ckpt_ctx *ctx, int msqid, unsigned long ubuf)
{
	struct ckpt_sysvmsg r = { };
	struct ckpt_sysvmsg_data d = { };
	struct msqid64_ds ds;
	void *text;
	long ret, mtype;
	pid_t pid;
	bool new;
	u32 id, i;

	ret = ckpt_arch_msgctl(msqid, IPC_STAT, (void __user *)ubuf);
	/* Gone, or not readable by the writer: not known to be the group's. */
	if (ret == -EINVAL || ret == -EIDRM || ret == -EACCES)
		return 0;
	if (!ret && copy_from_user(&ds, (void __user *)ubuf, sizeof(ds)))
		ret = -EFAULT;
	if (ret)
		return ckpt_fail(ctx, ret, "SysV message queue %d: cannot read it (error %ld)",
				 msqid, ret);
	if (ckpt_ipc_group_pid(ctx, ds.msg_lspid))
		pid = ds.msg_lspid;
	else if (ckpt_ipc_group_pid(ctx, ds.msg_lrpid))
		pid = ds.msg_lrpid;
	else
		return 0;
	/* ckpt.exclude ipc: the queue restarts empty. */
	if (ctx->exclude & CKPT_EXCL_IPC)
		ds.msg_qnum = 0;
	id = ckpt_obj_lookup(ctx, CKPT_OBJ_IPCID, ckpt_ipc_key(CKPT_IPC_MSG, msqid),
			     &new);
	if (!id)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	r.id = cpu_to_le32(id);
	r.msqid = cpu_to_le32(msqid);
	ckpt_ipc_perm_out(&r.perm, &ds.msg_perm);
	r.qbytes = cpu_to_le64(ds.msg_qbytes);
	r.nr_msgs = cpu_to_le32(ds.msg_qnum);
	ret = ckpt_write(ctx, &r, CKPT_REC_SYSVMSG, sizeof(r));
	if (ret)
		return ret;
	text = kmalloc(CKPT_MSG_MAX, GFP_KERNEL);
	if (!text)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	for (i = 0; !ret && i < ds.msg_qnum; i++) {
		ret = ksys_msgrcv(msqid, (struct msgbuf __user *)ubuf, CKPT_MSG_MAX,
				  i, IPC_NOWAIT | MSG_COPY);
		if (ret == -E2BIG) {
			ret = ckpt_fail(ctx, -EOPNOTSUPP,
					"pid %d: SysV message queue %d: message %u is longer than %d bytes; not supported (ckpt.exclude +ipc restarts the queue empty)",
					pid, msqid, i, CKPT_MSG_MAX);
			break;
		}
		if (ret < 0) {
			ret = ckpt_fail(ctx, ret == -ENOMSG ? -EAGAIN : ret,
					"pid %d: SysV message queue %d: cannot read message %u (error %ld)",
					pid, msqid, i, ret);
			break;
		}
		d.len = cpu_to_le32(ret);
		if (get_user(mtype, (long __user *)ubuf) ||
		    copy_from_user(text, (void __user *)ubuf + sizeof(long), ret)) {
			ret = ckpt_fail(ctx, -EFAULT, "cannot read scratch memory");
			break;
		}
		d.msq = cpu_to_le32(id);
		d.mtype = cpu_to_le64(mtype);
		ret = ckpt_write2(ctx, &d, CKPT_REC_SYSVMSG_DATA, sizeof(d), text,
				  le32_to_cpu(d.len));
	}
	kfree(text);
	return ret;
}

/* Write every object of @kind (CKPT_IPC_SEM, _MSG) of the group. */
static int ckpt_dump_ipc_kind(struct ckpt_ctx *ctx, unsigned long kind,
			      unsigned long ubuf)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	int *ids, n, i, ret = 0;

	n = ckpt_ipc_ids(ns, kind == CKPT_IPC_SEM ? CKPT_IPC_SEM_IDS :
			 CKPT_IPC_MSG_IDS, &ids);
	if (n < 0)
		return ckpt_fail(ctx, n, "out of memory");
	for (i = 0; !ret && i < n; i++)
		ret = kind == CKPT_IPC_SEM ? ckpt_dump_sem(ctx, ids[i], ubuf) :
					     ckpt_dump_msq(ctx, ids[i], ubuf);
	kfree(ids);
	return ret;
}

/* Write the undo adjustments of process @t. */
static int ckpt_dump_semundo(struct ckpt_ctx *ctx, struct task_struct *t,
			     unsigned long ubuf)
{
	struct ckpt_sem_undo_list *ulp;
	struct ckpt_sem_undo *un;
	struct ckpt_semundo *r;
	struct semid64_ds ds;
	int semid, last = -1;
	u32 id, nsems, j;
	bool new, any;
	long ret = 0;

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
		ret = ckpt_arch_semctl(semid, 0, IPC_STAT, ubuf);
		if (!ret && copy_from_user(&ds, (void __user *)ubuf, sizeof(ds)))
			ret = -EFAULT;
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

/**
 * ckpt_dump_sysvipc() - write the SysV objects of the group, the first
 *                       time, and the undo adjustments of a process
 * @ctx: the checkpoint
 * @t:   the process, frozen
 *
 * Context: the writer, which lends a scratch mapping of its own mm.
 * Return: 0 or a negative errno.
 */
int ckpt_dump_sysvipc(struct ckpt_ctx *ctx, struct task_struct *t)
{
	unsigned long ubuf;
	int ret = 0;

	/* ckpt.exclude ipc: no undo adjustments either. */
	if (ctx->ipc_done &&
	    (!ckpt_undo_list(t) || (ctx->exclude & CKPT_EXCL_IPC)))
		return 0;
	ubuf = ckpt_ipc_scratch();
	if (IS_ERR_VALUE(ubuf))
		return ckpt_fail(ctx, (long)ubuf, "cannot map scratch memory");
	if (!ctx->ipc_done) {
		ctx->ipc_done = true;
		ret = ckpt_dump_ipc_kind(ctx, CKPT_IPC_SEM, ubuf);
		if (!ret)
			ret = ckpt_dump_ipc_kind(ctx, CKPT_IPC_MSG, ubuf);
	}
	if (!ret && ckpt_undo_list(t) && !(ctx->exclude & CKPT_EXCL_IPC))
		ret = ckpt_dump_semundo(ctx, t, ubuf);
	vm_munmap(ubuf, CKPT_IPC_SCRATCH);
	return ret;
}

/* ---- restart ----------------------------------------------------------- */

static bool ckpt_ipc_perm_in(const struct ckpt_ipc_perm *r,
			     struct kern_ipc_perm *p)
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

/* Give object @id of ids @idx the owners of @owners. */
static void ckpt_ipc_set_owners(int idx, int id,
				const struct kern_ipc_perm *owners)
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

/*
 * Create object @id of ids @idx with @get(key, nsems, flags), as
 * ipc/util.c would with ids->next_id set; register it under object @obj.
 */
static int ckpt_ipc_create(struct ckpt_rtask *rt, unsigned long kind, int id,
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

/**
 * ckpt_restore_sysvsem() - recreate a SysV semaphore set with its id
 * @rt:  the first process being restored (current)
 * @rec: its CKPT_REC_SYSVSEM
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
int ckpt_restore_sysvsem(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_sysvsem *r = rec;
	u32 nsems = le32_to_cpu(r->nsems), semid = le32_to_cpu(r->semid), i;
	struct kern_ipc_perm p;
	struct ckpt_ripc *o;
	unsigned long ubuf;
	long ret;

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
	ubuf = ckpt_ipc_scratch();
	if (IS_ERR_VALUE(ubuf))
		return ckpt_fail(rt->ctx, (long)ubuf, "cannot map scratch memory");
	ret = 0;
	for (i = 0; !ret && i < nsems; i++)
		ret = put_user(le16_to_cpu(r->values[i]),
			       (unsigned short __user *)ubuf + i);
	if (!ret)
		ret = ckpt_arch_semctl(semid, 0, SETALL, ubuf);
	vm_munmap(ubuf, CKPT_IPC_SCRATCH);
	if (ret)
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: cannot set the values of SysV semaphore set %u (error %ld)",
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
int ckpt_restore_semundo(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_semundo *r = rec;
	u32 nsems = le32_to_cpu(r->nsems), i;
	struct ckpt_ripc *o;
	unsigned long ubuf;
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
	ubuf = ckpt_ipc_scratch();
	if (IS_ERR_VALUE(ubuf))
		return ckpt_fail(rt->ctx, (long)ubuf, "cannot map scratch memory");
	for (i = 0; !ret && i < nsems; i++) {
		struct sembuf op = {
			.sem_num = i,
			.sem_flg = SEM_UNDO | IPC_NOWAIT,
		};

		adj = le16_to_cpu(r->semadj[i]);
		if (!adj)
			continue;
		op.sem_op = -adj;
		ret = copy_to_user((void __user *)ubuf, &op, sizeof(op)) ? -EFAULT :
		      ksys_semtimedop(o->id, (struct sembuf __user *)ubuf, 1, NULL);
	}
	vm_munmap(ubuf, CKPT_IPC_SCRATCH);
	if (ret)
		return ckpt_fail(rt->ctx, ret == -EAGAIN ? -EINVAL : ret,
				 "pid %d: cannot replay its undo adjustments of SysV semaphore set %d (error %ld)",
				 rt->pid, o->id, ret);
	return 0;
bad:
	return ckpt_fail(rt->ctx, -EINVAL,
			 "image: pid %d: malformed SysV semaphore undo record", rt->pid);
}

/**
 * ckpt_restore_sysvmsg() - recreate a SysV message queue with its id
 * @rt:  the first process being restored (current)
 * @rec: its CKPT_REC_SYSVMSG
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
int ckpt_restore_sysvmsg(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_sysvmsg *r = rec;
	u32 msqid = le32_to_cpu(r->msqid);
	u64 qbytes = le64_to_cpu(r->qbytes);
	struct msqid64_ds ds = { };
	struct kern_ipc_perm p;
	struct ckpt_ripc *o;
	unsigned long ubuf;
	long ret;

	if (len != sizeof(*r) || r->__reserved || msqid > INT_MAX ||
	    qbytes > INT_MAX || !ckpt_ipc_perm_in(&r->perm, &p))
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: malformed SysV message queue record",
				 rt->pid);
	ret = ckpt_restart_check_ipc(rt, "message queue", msqid, &p);
	if (ret)
		return ret;
	ret = ckpt_ipc_create(rt, CKPT_IPC_MSG, msqid, &p, 0, le32_to_cpu(r->id),
			      &o);
	if (ret)
		return ret;
	o->msgs_left = le32_to_cpu(r->nr_msgs);
	/* IPC_SET takes uid, gid, mode and qbytes; the creators come after. */
	ds.msg_perm.uid = from_kuid_munged(current_user_ns(), current_euid());
	ds.msg_perm.gid = from_kgid_munged(current_user_ns(), current_egid());
	ds.msg_perm.mode = p.mode;
	ds.msg_qbytes = qbytes;
	ubuf = ckpt_ipc_scratch();
	if (IS_ERR_VALUE(ubuf))
		return ckpt_fail(rt->ctx, (long)ubuf, "cannot map scratch memory");
	ret = copy_to_user((void __user *)ubuf, &ds, sizeof(ds)) ? -EFAULT :
	      ckpt_arch_msgctl(msqid, IPC_SET, (void __user *)ubuf);
	vm_munmap(ubuf, CKPT_IPC_SCRATCH);
	if (ret)
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: cannot set SysV message queue %u to %llu bytes (error %ld)",
				 rt->pid, msqid, qbytes, ret);
	if (o->msgs_left)
		rt->ctx->ipc_msq = o;
	return 0;
}

/**
 * ckpt_restore_sysvmsg_data() - queue a message again
 * @rt:  the first process being restored (current)
 * @rec: its CKPT_REC_SYSVMSG_DATA
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
int ckpt_restore_sysvmsg_data(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_sysvmsg_data *r = rec;
	struct ckpt_ripc *o = rt->ctx->ipc_msq;
	u32 n = le32_to_cpu(r->len);
	s64 mtype = le64_to_cpu(r->mtype);
	unsigned long ubuf;
	long ret;

	if (len < sizeof(*r) || len != sizeof(*r) + n || mtype <= 0 || !o ||
	    ckpt_obj_type_of(rt->ctx, le32_to_cpu(r->msq)) != CKPT_OBJ_SYSVIPC ||
	    ckpt_obj_get(rt->ctx, le32_to_cpu(r->msq), CKPT_OBJ_SYSVIPC) != o)
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: malformed or unexpected SysV message record",
				 rt->pid);
	if (!--o->msgs_left)
		rt->ctx->ipc_msq = NULL;
	ubuf = ckpt_ipc_scratch();
	if (IS_ERR_VALUE(ubuf))
		return ckpt_fail(rt->ctx, (long)ubuf, "cannot map scratch memory");
	ret = put_user(mtype, (long __user *)ubuf) ||
	      copy_to_user((void __user *)ubuf + sizeof(long), r->text, n) ? -EFAULT :
	      ksys_msgsnd(o->id, (struct msgbuf __user *)ubuf, n, IPC_NOWAIT);
	vm_munmap(ubuf, CKPT_IPC_SCRATCH);
	if (ret)
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: cannot queue a message of %u bytes to SysV message queue %d (error %ld)",
				 rt->pid, n, o->id, ret);
	return 0;
}

/* A queue's messages follow it at once, all of them. */
static int ckpt_sysvipc_seq_end(struct ckpt_rtask *rt)
{
	return rt->ctx->ipc_msq ? -EINVAL : 0;
}

static const struct ckpt_rec_op ckpt_sysvipc_recs[] = {
	{ .type = CKPT_REC_SYSVSEM, .restore = ckpt_restore_sysvsem },
	{ .type = CKPT_REC_SEMUNDO, .restore = ckpt_restore_semundo },
	{ .type = CKPT_REC_SYSVMSG, .restore = ckpt_restore_sysvmsg },
	{ .type = CKPT_REC_SYSVMSG_DATA, .flags = CKPT_ROP_CONT,
	  .restore = ckpt_restore_sysvmsg_data },
	{ }
};

const struct ckpt_resource ckpt_res_sysvipc = {
	.name		= "SysV semaphores and message queues",
	.dump		= ckpt_dump_sysvipc,
	.seq_end	= ckpt_sysvipc_seq_end,
	.commit		= ckpt_sysvipc_commit,
	.recs		= ckpt_sysvipc_recs,
};
