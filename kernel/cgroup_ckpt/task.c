// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: the tasks of the group, their table and their per-task records
 * (identity and credentials), and the order in which the other resources
 * of a task are written.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/ipc_namespace.h>
#include <linux/mnt_namespace.h>
#include <linux/nsproxy.h>
#include <linux/personality.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/sched/coredump.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/posix-timers.h>
#include <linux/resource.h>
#include <linux/sched/prio.h>
#include <linux/securebits.h>
#include <linux/security.h>
#include <uapi/linux/sched/types.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/uidgid.h>
#include "ckpt.h"
#include "arch.h"

static_assert(sizeof(struct ckpt_task) == 56);
static_assert(sizeof(struct ckpt_creds) == 88);
static_assert(sizeof(struct ckpt_attrs) == 8 + 16 + 16 * CKPT_NRLIMITS + 8);
static_assert(RLIM_NLIMITS == CKPT_NRLIMITS);
static_assert(RLIM_INFINITY == ~0UL);

/**
 * ckpt_check_task() - refuse what this kernel cannot checkpoint, or must not
 * @ctx: the checkpoint
 * @t:   a live thread of the frozen group
 *
 * Return: 0 or the refusal, a negative errno with its reason.
 */
int ckpt_check_task(struct ckpt_ctx *ctx, struct task_struct *t)
{
	pid_t pid = task_pid_vnr(t);
	struct nsproxy *ns;
	const char *what = NULL;

	if (t->flags & (PF_KTHREAD | PF_IO_WORKER))
		return ckpt_fail(ctx, -EOPNOTSUPP, "pid %d: a kernel thread", pid);
	if (t->exit_state || (t->flags & PF_EXITING))
		return ckpt_fail(ctx, -EOPNOTSUPP, "pid %d: exiting", pid);
	if (!ptrace_may_access(t, PTRACE_MODE_ATTACH_FSCREDS))
		return ckpt_fail(ctx, -EPERM,
				 "pid %d: permission denied (the writer may not ptrace it)",
				 pid);
	if (t->ptrace)
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d: traced by another process", pid);
#ifdef CONFIG_NUMA
	if (t->mempolicy)
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d: a NUMA memory policy (set_mempolicy); not supported yet",
				 pid);
#endif
	/* Its parent waits inside vfork() until it execs or exits. */
	if (READ_ONCE(t->vfork_done))
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d: a vfork() child whose parent waits for it to exec; try again",
				 pid);
	if (t->io_uring)
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d: io_uring is not supported", pid);

	task_lock(t);
	ns = t->nsproxy;
	if (!ns)
		what = "no namespaces";
	else if (ns->mnt_ns != current->nsproxy->mnt_ns)
		what = "mount";
	else if (ns->uts_ns != current->nsproxy->uts_ns)
		what = "uts";
	else if (ns->ipc_ns != current->nsproxy->ipc_ns)
		what = "ipc";
	else if (ns->net_ns != current->nsproxy->net_ns)
		what = "network";
	else if (ns->pid_ns_for_children != task_active_pid_ns(current))
		what = "pid (for children)";
	task_unlock(t);
	if (!what && task_active_pid_ns(t) != task_active_pid_ns(current))
		what = "pid";
	if (!what && task_cred_xxx(t, user_ns) != current_user_ns())
		what = "user";
	if (what)
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d: runs in another %s namespace than the writer; not supported yet",
				 pid, what);
	return ckpt_arch_check_task(ctx, t);
}

static u64 ckpt_cap(kernel_cap_t c)
{
	return c.cap[0] | (u64)c.cap[1] << 32;
}

static int ckpt_dump_creds(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct user_namespace *ns = current_user_ns();
	const struct cred *cred = get_task_cred(t);
	struct group_info *gi = cred->group_info;
	struct ckpt_creds *r;
	size_t len = struct_size(r, groups, gi->ngroups);
	int i, ret;

	if (len > CKPT_REC_MAX_LEN) {
		put_cred(cred);
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d: %d supplementary groups, too many",
				 task_pid_vnr(t), gi->ngroups);
	}
	r = kzalloc(len, GFP_KERNEL);
	if (!r) {
		put_cred(cred);
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	}
	r->uid = cpu_to_le32(from_kuid_munged(ns, cred->uid));
	r->euid = cpu_to_le32(from_kuid_munged(ns, cred->euid));
	r->suid = cpu_to_le32(from_kuid_munged(ns, cred->suid));
	r->fsuid = cpu_to_le32(from_kuid_munged(ns, cred->fsuid));
	r->gid = cpu_to_le32(from_kgid_munged(ns, cred->gid));
	r->egid = cpu_to_le32(from_kgid_munged(ns, cred->egid));
	r->sgid = cpu_to_le32(from_kgid_munged(ns, cred->sgid));
	r->fsgid = cpu_to_le32(from_kgid_munged(ns, cred->fsgid));
	r->cap_inheritable = cpu_to_le64(ckpt_cap(cred->cap_inheritable));
	r->cap_permitted = cpu_to_le64(ckpt_cap(cred->cap_permitted));
	r->cap_effective = cpu_to_le64(ckpt_cap(cred->cap_effective));
	r->cap_bset = cpu_to_le64(ckpt_cap(cred->cap_bset));
	r->cap_ambient = cpu_to_le64(ckpt_cap(cred->cap_ambient));
	r->securebits = cpu_to_le32(cred->securebits);
	r->ngroups = cpu_to_le32(gi->ngroups);
	for (i = 0; i < gi->ngroups; i++)
		r->groups[i] = cpu_to_le32(from_kgid_munged(ns, gi->gid[i]));
	put_cred(cred);
	ret = ckpt_write(ctx, r, CKPT_REC_CREDS, len);
	kfree(r);
	return ret;
}

/* Limits, scheduling and the prctl() state of a process. */
static int ckpt_dump_attrs(struct ckpt_ctx *ctx, struct task_struct *t)
{
	unsigned int words = DIV_ROUND_UP(nr_cpu_ids, 64), cpu, i;
	struct rlimit rlim[RLIM_NLIMITS];
	struct ckpt_attrs *r;
	struct mm_struct *mm;
	cpumask_var_t mask;
	size_t len = struct_size(r, cpus, words);
	u32 flags = 0;
	int ret;

	if (t->policy == SCHED_DEADLINE)
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d: SCHED_DEADLINE is not supported yet",
				 task_pid_vnr(t));
	if (!alloc_cpumask_var(&mask, GFP_KERNEL))
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	ret = sched_getaffinity(task_pid_vnr(t), mask);
	if (ret) {
		free_cpumask_var(mask);
		return ckpt_fail(ctx, ret, "pid %d: cannot read its CPU affinity",
				 task_pid_vnr(t));
	}
	r = kzalloc(len, GFP_KERNEL);
	if (!r) {
		free_cpumask_var(mask);
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	}
	for_each_cpu(cpu, mask)
		r->cpus[cpu / 64] |= cpu_to_le64(1ULL << (cpu % 64));
	free_cpumask_var(mask);
	r->nr_cpus = cpu_to_le32(words * 64);

	task_lock(t->group_leader);
	memcpy(rlim, t->signal->rlim, sizeof(rlim));
	task_unlock(t->group_leader);
	for (i = 0; i < RLIM_NLIMITS; i++) {
		r->rlim[i].cur = cpu_to_le64(rlim[i].rlim_cur);
		r->rlim[i].max = cpu_to_le64(rlim[i].rlim_max);
	}
	r->policy = cpu_to_le32(t->policy);
	r->rt_priority = cpu_to_le32(t->rt_priority);
	r->nice = cpu_to_le32(task_nice(t));
	if (task_no_new_privs(t))
		flags |= CKPT_ATTR_NO_NEW_PRIVS;
	mm = get_task_mm(t);
	if (mm) {
		if (test_bit(MMF_DISABLE_THP, &mm->flags))
			flags |= CKPT_ATTR_THP_DISABLE;
		mmput(mm);
	}
	if (t->signal->is_child_subreaper)
		flags |= CKPT_ATTR_CHILD_SUBREAPER;
	r->flags = cpu_to_le32(flags);
	ret = ckpt_write(ctx, r, CKPT_REC_ATTRS, len);
	kfree(r);
	return ret;
}

/* The CKPT_TASK_SHARE_* flags of process @p if it is in the table, else 0. */
static u32 ckpt_share_of(struct ckpt_ctx *ctx, struct task_struct *p)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_tasks; i++)
		if (ctx->ents[i].task == p)
			return ctx->ents[i].share;
	return 0;
}

/*
 * What a process shares with another process through clone() without
 * CLONE_THREAD would come back unshared: refuse it, naming the other.
 * An fd table, fs_struct, mm or sighand shared along the process tree is
 * restored: each process that has its parent's (CKPT_TASK_SHARE_*) is
 * made with CLONE_FILES, CLONE_FS, CLONE_VM or CLONE_SIGHAND from it, and
 * the one process of the group that does not (the owner) checks that
 * every other user is such a process.
 * Threads must share their leader's fd table and fs_struct, as they do
 * unless one called unshare().  Pointers are only compared: RCU keeps the
 * tasks, and a task that is not frozen can only stop sharing.
 */
static int ckpt_check_shared(struct ckpt_ctx *ctx, struct task_struct *t)
{
	u32 share = ctx->ents[ctx->cur].share;
	struct task_struct *p, *th;
	const char *what = NULL;
	pid_t other = 0;

	rcu_read_lock();
	for_each_thread(t, th) {
		if (th->files != t->files)
			what = "fd table (unshare(CLONE_FILES))";
		else if (th->fs != t->fs)
			what = "cwd, root and umask (unshare(CLONE_FS))";
		if (what) {
			other = task_pid_vnr(th);
			rcu_read_unlock();
			return ckpt_fail(ctx, -EOPNOTSUPP,
					 "pid %d: thread %d has its own %s; not supported",
					 task_pid_vnr(t), other, what);
		}
	}
	for_each_process_thread(p, th) {
		if (same_thread_group(th, t))
			continue;
		if (t->mm && th->mm == t->mm &&
		    !(share & CKPT_TASK_SHARE_VM) &&
		    !(ckpt_share_of(ctx, p) & CKPT_TASK_SHARE_VM))
			what = "memory (CLONE_VM) other than along the tree";
		else if (th->sighand == t->sighand &&
			 !(share & CKPT_TASK_SHARE_SIGHAND) &&
			 !(ckpt_share_of(ctx, p) & CKPT_TASK_SHARE_SIGHAND))
			what = "signal handlers (CLONE_SIGHAND) other than along the tree";
		else if (t->files && th->files == t->files &&
			 !(share & CKPT_TASK_SHARE_FILES) &&
			 !(ckpt_share_of(ctx, p) & CKPT_TASK_SHARE_FILES))
			what = "fd table (CLONE_FILES) other than along the tree";
		else if (t->fs && th->fs == t->fs &&
			 !(share & CKPT_TASK_SHARE_FS) &&
			 !(ckpt_share_of(ctx, p) & CKPT_TASK_SHARE_FS))
			what = "cwd, root and umask (CLONE_FS) other than along the tree";
		if (what) {
			other = task_pid_vnr(th);
			goto out;
		}
	}
out:
	rcu_read_unlock();
	if (what)
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d: shares its %s with pid %d; not supported yet",
				 task_pid_vnr(t), what, other);
	return 0;
}

/**
 * ckpt_dump_task() - write the identity of one process, its first record
 * @ctx: the checkpoint
 * @idx: index of its leader in the task table
 *
 * A zombie has only this record, with its exit status.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_dump_task(struct ckpt_ctx *ctx, unsigned int idx)
{
	const struct ckpt_tent *e = &ctx->ents[idx];
	struct task_struct *t = e->task;
	bool zombie = e->flags & CKPT_TASK_ZOMBIE;
	struct ckpt_task r = { };
	struct mm_struct *mm;
	unsigned int n;

	/* Its other threads follow it in the table. */
	for (n = 1; idx + n < ctx->nr_tasks; n++)
		if (ctx->ents[idx + n].tgid != e->pid)
			break;
	r.pid = cpu_to_le32(e->pid);
	r.nr_threads = cpu_to_le32(n);
	get_task_comm(r.comm, t);
	r.personality = cpu_to_le32(t->personality);
	r.exit_signal = cpu_to_le32(t->exit_signal);
	r.pdeath_signal = cpu_to_le32(t->pdeath_signal);
	if (zombie)
		r.exit_code = cpu_to_le32(READ_ONCE(t->exit_code));
	mm = zombie ? NULL : get_task_mm(t);
	if (mm) {
		r.dumpable = cpu_to_le32(get_dumpable(mm));
		mmput(mm);
	}
	return ckpt_write(ctx, &r, CKPT_REC_TASK, sizeof(r));
}

/**
 * ckpt_restore_task_rec() - apply a process's identity to the current task
 * @rt:  the process being restored (current)
 * @rec: its CKPT_REC_TASK
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_task_rec(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_task *r = rec;
	u32 pers = le32_to_cpu(r->personality);
	u32 exit_signal = le32_to_cpu(r->exit_signal);
	u32 code = le32_to_cpu(r->exit_code);
	bool zombie = rt->flags & CKPT_TASK_ZOMBIE;
	char comm[TASK_COMM_LEN];

	if (len != sizeof(*r) || r->__reserved || rt->have_task)
		return ckpt_fail(rt->ctx, -EINVAL, "image: malformed task record");
	if (le32_to_cpu(r->pid) != rt->pid)
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: task record for pid %u where pid %d was expected",
				 le32_to_cpu(r->pid), rt->pid);
	if (le32_to_cpu(r->nr_threads) != rt->nr_threads)
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: %u threads, the task table has %u",
				 rt->pid, le32_to_cpu(r->nr_threads), rt->nr_threads);
	if ((pers & PER_MASK) != PER_LINUX || !valid_signal(exit_signal) ||
	    !valid_signal(le32_to_cpu(r->pdeath_signal)) ||
	    le32_to_cpu(r->dumpable) > SUID_DUMP_ROOT ||
	    (zombie ? code > 0xffff : code != 0))
		return ckpt_fail(rt->ctx, -EINVAL, "image: pid %d: bad task attributes",
				 rt->pid);
	memcpy(comm, r->comm, sizeof(comm));
	comm[sizeof(comm) - 1] = 0;
	set_task_comm(current, comm);
	current->personality = pers;
	/*
	 * A root's parent is now the restarter, outside the image: as when
	 * the kernel reparents a process, it gets SIGCHLD, not a signal the
	 * image chose (SIGKILL, SIGINT...).
	 */
	if (!rt->ppid)
		exit_signal = SIGCHLD;
	if (current->exit_signal != exit_signal) {
		write_lock_irq(&tasklist_lock);
		current->exit_signal = exit_signal;
		write_unlock_irq(&tasklist_lock);
	}
	rt->pdeath_signal = le32_to_cpu(r->pdeath_signal);
	rt->dumpable = le32_to_cpu(r->dumpable);
	rt->exit_code = code;
	rt->have_task = true;
	return 0;
}

static int ckpt_restore_cap(u64 v, kernel_cap_t *cap)
{
	kernel_cap_t full = CAP_FULL_SET;

	cap->cap[0] = lower_32_bits(v);
	cap->cap[1] = upper_32_bits(v);
	return cap_issubset(*cap, full) ? 0 : -EINVAL;
}

/**
 * ckpt_restore_creds() - prepare the credentials a task gets at the end
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_CREDS
 * @len: bytes of @rec
 *
 * The credentials are committed by ckpt_task_commit(), once files
 * were opened with the restarter's rights.
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_creds(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct user_namespace *ns = current_user_ns();
	struct ckpt_creds *r = rec;
	struct group_info *gi;
	struct cred *new;
	u32 i, ngroups;
	int err = -EINVAL;

	if (len < sizeof(*r) || rt->cred)
		goto bad;
	ngroups = le32_to_cpu(r->ngroups);
	if (ngroups > CKPT_NGROUPS_MAX || len != struct_size(r, groups, ngroups))
		goto bad;
	new = prepare_creds();
	if (!new)
		return ckpt_fail(rt->ctx, -ENOMEM, "out of memory");
	rt->cred = new;
	new->uid = make_kuid(ns, le32_to_cpu(r->uid));
	new->euid = make_kuid(ns, le32_to_cpu(r->euid));
	new->suid = make_kuid(ns, le32_to_cpu(r->suid));
	new->fsuid = make_kuid(ns, le32_to_cpu(r->fsuid));
	new->gid = make_kgid(ns, le32_to_cpu(r->gid));
	new->egid = make_kgid(ns, le32_to_cpu(r->egid));
	new->sgid = make_kgid(ns, le32_to_cpu(r->sgid));
	new->fsgid = make_kgid(ns, le32_to_cpu(r->fsgid));
	if (!uid_valid(new->uid) || !uid_valid(new->euid) ||
	    !uid_valid(new->suid) || !uid_valid(new->fsuid) ||
	    !gid_valid(new->gid) || !gid_valid(new->egid) ||
	    !gid_valid(new->sgid) || !gid_valid(new->fsgid)) {
		/* A user namespace of the restarter's maps only its own ids. */
		if (rt->ctx->unpriv)
			return ckpt_fail(rt->ctx, -EPERM,
					 "pid %d: uid %u gid %u are not mapped in the restarter's user namespace; restoring other credentials needs CAP_SYS_ADMIN",
					 rt->pid, le32_to_cpu(r->uid), le32_to_cpu(r->gid));
		goto bad;
	}
	if (ckpt_restore_cap(le64_to_cpu(r->cap_inheritable), &new->cap_inheritable) ||
	    ckpt_restore_cap(le64_to_cpu(r->cap_permitted), &new->cap_permitted) ||
	    ckpt_restore_cap(le64_to_cpu(r->cap_effective), &new->cap_effective) ||
	    ckpt_restore_cap(le64_to_cpu(r->cap_bset), &new->cap_bset) ||
	    ckpt_restore_cap(le64_to_cpu(r->cap_ambient), &new->cap_ambient))
		goto bad;
	if (!cap_issubset(new->cap_effective, new->cap_permitted) ||
	    !cap_issubset(new->cap_ambient,
			  cap_intersect(new->cap_permitted, new->cap_inheritable)))
		goto bad;
	new->securebits = le32_to_cpu(r->securebits);
	if (new->securebits & ~(SECURE_ALL_BITS | SECURE_ALL_LOCKS))
		goto bad;

	gi = groups_alloc(ngroups);
	if (!gi)
		return ckpt_fail(rt->ctx, -ENOMEM, "out of memory");
	for (i = 0; i < ngroups; i++) {
		gi->gid[i] = make_kgid(ns, le32_to_cpu(r->groups[i]));
		if (!gid_valid(gi->gid[i])) {
			put_group_info(gi);
			if (rt->ctx->unpriv)
				return ckpt_fail(rt->ctx, -EPERM,
						 "pid %d: supplementary group %u is not mapped in the restarter's user namespace; restoring it needs CAP_SYS_ADMIN",
						 rt->pid, le32_to_cpu(r->groups[i]));
			goto bad;
		}
	}
	groups_sort(gi);
	set_groups(new, gi);
	put_group_info(gi);
	return ckpt_restart_check_creds(rt, new);
bad:
	return ckpt_fail(rt->ctx, err, "image: pid %d: malformed credentials",
			 rt->pid);
}

/* As setrlimit() would, for the current task. */
static int ckpt_restore_rlimit(struct ckpt_rtask *rt, unsigned int res,
			       struct rlimit *new)
{
	struct rlimit *rlim = current->signal->rlim + res;
	int ret = 0;

	if (new->rlim_cur > new->rlim_max)
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: resource limit %u has soft > hard",
				 rt->pid, res);
	if (res == RLIMIT_NOFILE && new->rlim_max > sysctl_nr_open)
		return ckpt_fail(rt->ctx, -EPERM,
				 "pid %d: RLIMIT_NOFILE %lu is above fs.nr_open here",
				 rt->pid, new->rlim_max);
	task_lock(current->group_leader);
	if (new->rlim_max > rlim->rlim_max && !capable(CAP_SYS_RESOURCE))
		ret = -EPERM;
	if (!ret)
		ret = security_task_setrlimit(current, res, new);
	if (!ret)
		*rlim = *new;
	task_unlock(current->group_leader);
	if (ret)
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: cannot restore resource limit %u (error %d)",
				 rt->pid, res, ret);
	if (res == RLIMIT_CPU && new->rlim_cur != RLIM_INFINITY)
		update_rlimit_cpu(current, new->rlim_cur);
	return 0;
}

/**
 * ckpt_restore_attrs() - restore limits, scheduling and prctl() state
 * @rt:  the task being restored (current, its memory and files in place)
 * @rec: its CKPT_REC_ATTRS
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_attrs(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_attrs *r = rec;
	u32 policy = le32_to_cpu(r->policy), prio = le32_to_cpu(r->rt_priority);
	s32 nice = (s32)le32_to_cpu(r->nice);
	u32 flags = le32_to_cpu(r->flags), nr_cpus = le32_to_cpu(r->nr_cpus);
	struct sched_param param = { .sched_priority = prio };
	bool rt_policy = policy == SCHED_FIFO || policy == SCHED_RR;
	cpumask_var_t mask;
	unsigned int i;
	int ret;

	if (len < sizeof(*r) || r->__reserved || nr_cpus % 64 ||
	    len != struct_size(r, cpus, nr_cpus / 64) ||
	    (flags & ~(CKPT_ATTR_NO_NEW_PRIVS | CKPT_ATTR_THP_DISABLE |
		       CKPT_ATTR_CHILD_SUBREAPER)) ||
	    (policy != SCHED_NORMAL && policy != SCHED_BATCH &&
	     policy != SCHED_IDLE && !rt_policy) ||
	    (rt_policy ? prio < 1 || prio > MAX_RT_PRIO - 1 : prio != 0) ||
	    nice < MIN_NICE || nice > MAX_NICE)
		return ckpt_fail(rt->ctx, -EINVAL, "image: pid %d: malformed attributes",
				 rt->pid);

	for (i = 0; i < RLIM_NLIMITS; i++) {
		struct rlimit new = {
			.rlim_cur = le64_to_cpu(r->rlim[i].cur),
			.rlim_max = le64_to_cpu(r->rlim[i].max),
		};

		ret = ckpt_restore_rlimit(rt, i, &new);
		if (ret)
			return ret;
	}

	/* Without CAP_SYS_ADMIN, as sched_setscheduler(2) and nice(2) allow. */
	if (rt->ctx->unpriv)
		ret = sched_setscheduler(current, policy, &param);
	else
		ret = sched_setscheduler_nocheck(current, policy, &param);
	if (ret)
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: cannot restore scheduling policy %u (error %d)",
				 rt->pid, policy, ret);
	if (rt->ctx->unpriv && nice < task_nice(current) && !can_nice(current, nice))
		return ckpt_fail(rt->ctx, -EPERM,
				 "pid %d: nice %d is below the restarter's %d; lowering it needs CAP_SYS_NICE",
				 rt->pid, nice, task_nice(current));
	set_user_nice(current, nice);

	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return ckpt_fail(rt->ctx, -ENOMEM, "out of memory");
	for (i = 0; i < min(nr_cpus, nr_cpu_ids); i++)
		if (le64_to_cpu(r->cpus[i / 64]) & (1ULL << (i % 64)))
			cpumask_set_cpu(i, mask);
	ret = sched_setaffinity(task_pid_vnr(current), mask);
	free_cpumask_var(mask);
	if (ret)
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: cannot restore its CPU affinity (no such CPU here?)",
				 rt->pid);

	if (flags & CKPT_ATTR_NO_NEW_PRIVS)
		task_set_no_new_privs(current);
	if (flags & CKPT_ATTR_THP_DISABLE)
		set_bit(MMF_DISABLE_THP, &current->mm->flags);
	/* As PR_SET_CHILD_SUBREAPER, before the children are made. */
	if (flags & CKPT_ATTR_CHILD_SUBREAPER) {
		current->signal->is_child_subreaper = 1;
		current->signal->has_child_subreaper = 1;
	}
	return 0;
}

/**
 * ckpt_task_finish() - check that a process's records were complete
 * @rt: the process being restored (current)
 *
 * Return: 0 or -EINVAL.
 */
int ckpt_task_finish(struct ckpt_rtask *rt)
{
	struct ckpt_ctx *ctx = rt->ctx;
	unsigned int i;

	if (!rt->have_task)
		goto bad;
	if (rt->flags & CKPT_TASK_ZOMBIE)
		return 0;
	if (!rt->cred || !(rt->have_mm || (rt->share & CKPT_TASK_SHARE_VM)))
		goto bad;
	for (i = 0; i < rt->nr_threads; i++)
		if (!ctx->rt[rt - ctx->rt + i].have_thread)
			goto bad;
	return 0;
bad:
	return ckpt_fail(ctx, -EINVAL,
			 "image: pid %d: credentials, memory or a thread missing",
			 rt->pid);
}

/**
 * ckpt_task_commit() - take the credentials of the image
 * @rt: the thread being restored (current), its registers set
 *
 * Runs once nothing can fail any more: until then the thread kept the
 * restarter's rights, to open files and create its children and threads.
 * Committing credentials resets what is set after it.
 */
void ckpt_task_commit(struct ckpt_rtask *rt)
{
	struct ckpt_rtask *l = &rt->ctx->rt[rt->leader];

	commit_creds(get_new_cred(l->cred));
	if (rt != l)
		return;
	set_dumpable(current->mm, rt->dumpable);
	current->pdeath_signal = rt->pdeath_signal;
}

/* Sharing first: a process that shares what it cannot is refused at once. */
static int ckpt_dump_task_res(struct ckpt_ctx *ctx, struct task_struct *t)
{
	int ret = ckpt_check_shared(ctx, t);

	ckpt_skip_refused(ctx, &ret, NULL);
	return ret ?: ckpt_dump_creds(ctx, t);
}

static const struct ckpt_rec_op ckpt_task_recs[] = {
	{ .type = CKPT_REC_TASK, .restore = ckpt_restore_task_rec },
	{ .type = CKPT_REC_CREDS, .restore = ckpt_restore_creds },
	{ }
};

const struct ckpt_resource ckpt_res_task = {
	.name	= "task",
	.dump	= ckpt_dump_task_res,
	.recs		= ckpt_task_recs,
};

static const struct ckpt_rec_op ckpt_attrs_recs[] = {
	{ .type = CKPT_REC_ATTRS, .restore = ckpt_restore_attrs },
	{ }
};

/* Last but seccomp: limits are set once the memory and files they bound are. */
const struct ckpt_resource ckpt_res_attrs = {
	.name	= "attributes",
	.dump	= ckpt_dump_attrs,
	.recs		= ckpt_attrs_recs,
};
