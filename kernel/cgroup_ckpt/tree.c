// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: the task tree.
 *
 * Checkpoint collects the threads of the frozen group and the zombies its
 * processes have not reaped yet, checks that restart can rebuild their
 * relations (parents, process groups, sessions), and writes the task table
 * in the order restart creates the tasks: depth first, so that each process
 * is created by its own parent, with the pids of the table (set_tid).
 *
 * A root of the tree (a process whose parent is outside the group: the
 * first process, orphans, processes moved in) becomes a child of the
 * restarter.  If its session is led by another root, that root creates it
 * with CLONE_PARENT, so that it is in the session and still a child of the
 * restarter.  A session whose leader is gone is rebuilt the same way with
 * a ghost: a task with the leader's pid that calls setsid(), creates the
 * roots of its session, and exits.  Other roots join the restarter's
 * session and process group.
 *
 * Process groups: a process leads its own (setpgid(0, 0)), inherits its
 * creator's, or joins one led by a process of the table; in that last case
 * it joins when created if the leader exists by then, otherwise once every
 * task exists.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/cgroup.h>
#include <linux/delay.h>
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/threads.h>
#include "ckpt.h"

static_assert(sizeof(struct ckpt_task_entry) == 24);

/* What fits in one CKPT_REC_TASKS record. */
#define CKPT_TASKS_MAX	((CKPT_REC_MAX_LEN - sizeof(struct ckpt_tasks)) / \
			 sizeof(struct ckpt_task_entry))

/* Threads and zombies of the group, as found; ordered later. */
struct ckpt_found {
	struct task_struct	**t;
	unsigned int		nr;
	unsigned int		nr_live;	/* the others are zombies */
	unsigned int		cap;
};

static int ckpt_found_reserve(struct ckpt_found *f, unsigned int more)
{
	struct task_struct **t;
	unsigned int cap;

	if (f->nr + more <= f->cap)
		return 0;
	cap = max(f->nr + more, f->cap ? 2 * f->cap : 64);
	t = krealloc_array(f->t, cap, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	f->t = t;
	f->cap = cap;
	return 0;
}

static void ckpt_found_free(struct ckpt_found *f)
{
	unsigned int i;

	for (i = 0; i < f->nr; i++)
		if (f->t[i])
			put_task_struct(f->t[i]);
	kfree(f->t);
}

/* A zombie the group's processes must still be able to reap. */
static bool ckpt_zombie_of(struct ckpt_ctx *ctx, struct task_struct *z)
{
	return z->exit_state == EXIT_ZOMBIE && thread_group_leader(z) &&
	       !z->ptrace && task_dfl_cgroup(z) == ctx->cgrp;
}

/*
 * A process of the group between cgroup_exit() and exit_notify(): out of
 * the group's task list (so the freezer need not wait for it), not a
 * zombie yet, and its parent not signalled yet.
 */
static bool ckpt_exiting_of(struct ckpt_ctx *ctx, struct task_struct *z)
{
	return !z->exit_state && (z->flags & PF_EXITING) &&
	       thread_group_leader(z) && task_dfl_cgroup(z) == ctx->cgrp;
}

/* Wait this long for a process of the group to finish exiting. */
#define CKPT_EXIT_WAIT_MS	1000

/*
 * Zombie children of the live threads @f->t[0..@nr_live).  The group is
 * frozen: its tasks neither fork nor reap, so the second walk finds what
 * the first counted, or fewer if an outsider freed one.  A child still on
 * its way out is waited for, so that it is in the image as the zombie its
 * parent will reap, with the SIGCHLD it is sent.
 */
static int ckpt_find_zombies(struct ckpt_ctx *ctx, struct ckpt_found *f,
			     unsigned int nr_live)
{
	unsigned int i, n, waited = 0;
	struct task_struct *z;
	pid_t exiting;
	int ret;

again:
	n = 0;
	exiting = 0;
	read_lock(&tasklist_lock);
	for (i = 0; i < nr_live; i++)
		list_for_each_entry(z, &f->t[i]->children, sibling) {
			n += ckpt_zombie_of(ctx, z);
			if (ckpt_exiting_of(ctx, z))
				exiting = task_pid_vnr(z);
		}
	read_unlock(&tasklist_lock);
	if (exiting) {
		if (waited++ >= CKPT_EXIT_WAIT_MS)
			return ckpt_fail(ctx, -EAGAIN,
					 "pid %d: still exiting after %d ms; try again",
					 exiting, CKPT_EXIT_WAIT_MS);
		if (fatal_signal_pending(current))
			return ckpt_fail(ctx, -EINTR, "interrupted by a signal");
		usleep_range(1000, 2000);
		goto again;
	}
	if (!n)
		return 0;
	ret = ckpt_found_reserve(f, n);
	if (ret)
		return ret;
	read_lock(&tasklist_lock);
	for (i = 0; i < nr_live; i++)
		list_for_each_entry(z, &f->t[i]->children, sibling)
			if (ckpt_zombie_of(ctx, z) && n) {
				f->t[f->nr++] = get_task_struct(z);
				n--;
			}
	read_unlock(&tasklist_lock);
	return 0;
}

/* Every thread's process has all its threads in the group, and a leader. */
static int ckpt_check_threads(struct ckpt_ctx *ctx, struct ckpt_found *f)
{
	unsigned int i, j, n;

	for (i = 0; i < f->nr; i++) {
		struct task_struct *t = f->t[i];

		if (!thread_group_leader(t)) {
			for (j = 0; j < f->nr; j++)
				if (f->t[j] == t->group_leader)
					break;
			if (j == f->nr)
				return ckpt_fail(ctx, -EOPNOTSUPP,
						 "pid %d: its thread group leader (pid %d) has exited; not supported",
						 task_pid_vnr(t), task_tgid_vnr(t));
			continue;
		}
		for (j = 0, n = 0; j < f->nr; j++)
			n += same_thread_group(f->t[j], t);
		if (n != get_nr_threads(t))
			return ckpt_fail(ctx, -EOPNOTSUPP,
					 "pid %d: %d of its %d threads are in other groups (threaded cgroups are not supported)",
					 task_pid_vnr(t), get_nr_threads(t) - n,
					 get_nr_threads(t));
	}
	return 0;
}

/* A process (node) of the tree being ordered. */
struct ckpt_node {
	struct task_struct	*task;		/* NULL for a ghost */
	pid_t			pid, ppid, pgid, sid;
	int			parent;		/* node index, -1: a root */
	bool			zombie;
};

static int ckpt_node_of(struct ckpt_node *n, unsigned int nr, pid_t pid)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (n[i].pid == pid && n[i].task)
			return i;
	return -1;
}

/* pid names no live task (its process group or session may live on). */
static bool ckpt_pid_gone(pid_t nr)
{
	bool gone;

	rcu_read_lock();
	gone = !pid_task(find_vpid(nr), PIDTYPE_PID);
	rcu_read_unlock();
	return gone;
}

/*
 * Check the sessions and process groups of @nodes[0..@nr) and add a ghost
 * for each session whose leader is gone; *@nr grows.
 */
static int ckpt_check_groups(struct ckpt_ctx *ctx, struct ckpt_node *nodes,
			     unsigned int *nr)
{
	unsigned int i, nprocs = *nr;

	for (i = 0; i < nprocs; i++) {
		struct ckpt_node *n = &nodes[i];
		struct ckpt_node *p = n->parent >= 0 ? &nodes[n->parent] : NULL;
		int g;

		if (n->sid == n->pid || (p && p->sid == n->sid))
			goto pgrp;
		if (p)
			return ckpt_fail(ctx, -EOPNOTSUPP,
					 "pid %d: in session %d, its parent %d in session %d; not supported",
					 n->pid, n->sid, p->pid, p->sid);
		g = ckpt_node_of(nodes, nprocs, n->sid);
		if (g >= 0) {
			/* An orphan: made by its session's leader, a root too. */
			if (nodes[g].parent >= 0)
				return ckpt_fail(ctx, -EOPNOTSUPP,
						 "pid %d: its session leader %d is not a root of the tree; not supported",
						 n->pid, n->sid);
			n->parent = g;
			p = &nodes[g];
			goto pgrp;
		}
		if (!ckpt_pid_gone(n->sid))
			goto pgrp;	/* outside: the restarter's session */
		for (g = nprocs; g < *nr; g++)
			if (nodes[g].pid == n->sid)
				break;
		if (g == *nr) {
			nodes[g] = (struct ckpt_node) {
				.pid = n->sid, .pgid = n->sid, .sid = n->sid,
				.parent = -1,
			};
			(*nr)++;
		}
		n->parent = g;
		p = &nodes[g];
pgrp:
		if (n->pgid == n->pid || (p && p->pgid == n->pgid))
			continue;
		g = ckpt_node_of(nodes, nprocs, n->pgid);
		if (g >= 0 && nodes[g].sid == n->sid)
			continue;
		if (g < 0 && !p)
			continue;	/* outside: the restarter's group */
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d: process group %d has no leader in the group and is not its parent's; not supported",
				 n->pid, n->pgid);
	}
	return 0;
}

static void ckpt_add_ent(struct ckpt_ctx *ctx, struct ckpt_node *n,
			 struct task_struct *t)
{
	struct ckpt_tent *e = &ctx->ents[ctx->nr_tasks++];

	e->task = t;
	e->pid = t ? task_pid_vnr(t) : n->pid;
	e->tgid = n->pid;
	e->ppid = n->ppid;
	e->pgid = n->pgid;
	e->sid = n->sid;
	e->flags = n->task ? 0 : CKPT_TASK_GHOST;
	if (n->zombie)
		e->flags |= CKPT_TASK_ZOMBIE;
}

/* What @t shares with its parent @p: what clone() gave it, kept since. */
static u32 ckpt_share_flags(struct task_struct *t, struct task_struct *p)
{
	struct files_struct *files;
	struct mm_struct *mm;
	struct fs_struct *fs;
	u32 share = 0;

	task_lock(p);
	files = p->files;
	fs = p->fs;
	mm = p->mm;
	task_unlock(p);
	/*
	 * Only compared: frozen tasks can neither share nor unshare, and a
	 * sighand changes only by exec or exit.
	 */
	task_lock(t);
	if (t->files && t->files == files)
		share |= CKPT_TASK_SHARE_FILES;
	if (t->fs && t->fs == fs)
		share |= CKPT_TASK_SHARE_FS;
	if (t->mm && t->mm == mm) {
		share |= CKPT_TASK_SHARE_VM;
		if (rcu_access_pointer(t->sighand) ==
		    rcu_access_pointer(p->sighand))
			share |= CKPT_TASK_SHARE_SIGHAND;
	}
	task_unlock(t);
	return share;
}

/*
 * Write the table in depth-first order: a node, its threads, then the
 * subtree of each of its children in the order found.  Each found task's
 * reference moves to the table.
 */
static int ckpt_order(struct ckpt_ctx *ctx, struct ckpt_found *f,
		      struct ckpt_node *nodes, unsigned int nr)
{
	unsigned int i, j, top = 0;
	int *stack;

	stack = kmalloc_array(nr, sizeof(*stack), GFP_KERNEL);
	ctx->ents = kcalloc(f->nr + nr, sizeof(*ctx->ents), GFP_KERNEL);
	if (!stack || !ctx->ents) {
		kfree(stack);
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	}
	for (i = nr; i-- > 0;)
		if (nodes[i].parent < 0)
			stack[top++] = i;
	while (top) {
		struct ckpt_node *n = &nodes[stack[--top]];
		int self = n - nodes;

		ckpt_add_ent(ctx, n, n->task);
		/* A ghost parent (no task) makes roots: nothing to share. */
		if (n->task && !n->zombie && n->ppid && n->parent >= 0 &&
		    nodes[n->parent].task)
			ctx->ents[ctx->nr_tasks - 1].share =
				ckpt_share_flags(n->task, nodes[n->parent].task);
		for (j = 0; n->task && j < f->nr; j++) {
			if (f->t[j] == n->task || !f->t[j] ||
			    !same_thread_group(f->t[j], n->task) || n->zombie)
				continue;
			ckpt_add_ent(ctx, n, f->t[j]);
			f->t[j] = NULL;
		}
		for (j = 0; j < f->nr && f->t[j] != n->task; j++)
			;
		if (j < f->nr)
			f->t[j] = NULL;
		for (i = nr; i-- > 0;)
			if (nodes[i].parent == self)
				stack[top++] = i;
	}
	kfree(stack);
	return 0;
}

/*
 * Take every task of the group, live threads first, then the zombies of
 * its processes; check each may be checkpointed.
 */
static int ckpt_find_tasks(struct ckpt_ctx *ctx, struct ckpt_found *f)
{
	struct css_task_iter it;
	struct task_struct *t;
	unsigned int i, nr_live;
	int ret = 0;

	css_task_iter_start(&ctx->cgrp->self, 0, &it);
	while (!ret && (t = css_task_iter_next(&it))) {
		ret = ckpt_found_reserve(f, 1);
		if (!ret)
			f->t[f->nr++] = get_task_struct(t);
	}
	css_task_iter_end(&it);
	if (ret)
		return ckpt_fail(ctx, ret, "out of memory");
	if (!f->nr)
		return ckpt_fail(ctx, -ESRCH, "no tasks in the group");
	nr_live = f->nr;
	for (i = 0; !ret && i < nr_live; i++) {
		ret = ckpt_check_task(ctx, f->t[i]);
		ckpt_skip_refused(ctx, &ret, NULL);
	}
	/* A dry run goes no further into tasks it may not take. */
	if (!ret && ctx->nr_blockers)
		ret = ctx->err;
	if (!ret)
		ret = ckpt_check_threads(ctx, f);
	if (!ret && ckpt_find_zombies(ctx, f, nr_live))
		ret = ckpt_fail(ctx, -ENOMEM, "out of memory");
	if (!ret && f->nr > CKPT_TASKS_MAX)
		ret = ckpt_fail(ctx, -EOPNOTSUPP, "%u tasks; at most %zu are supported",
				f->nr, CKPT_TASKS_MAX);
	if (!ret)
		f->nr_live = nr_live;
	return ret;
}

/* One node per process of @f, each linked to its parent's. */
static int ckpt_link_nodes(struct ckpt_ctx *ctx, struct ckpt_found *f,
			   struct ckpt_node *nodes, unsigned int *nr_nodes)
{
	unsigned int i, j, nr = 0;

	for (i = 0; i < f->nr; i++) {
		if (!thread_group_leader(f->t[i]))
			continue;
		nodes[nr].task = f->t[i];
		nodes[nr].zombie = i >= f->nr_live;
		nodes[nr].pid = task_pid_vnr(f->t[i]);
		nodes[nr].pgid = task_pgrp_vnr(f->t[i]);
		nodes[nr].sid = task_session_vnr(f->t[i]);
		nr++;
	}
	*nr_nodes = nr;
	rcu_read_lock();
	for (i = 0; i < nr; i++) {
		struct task_struct *parent;

		parent = rcu_dereference(nodes[i].task->real_parent);
		nodes[i].parent = -1;
		for (j = 0; j < nr; j++)
			if (!nodes[j].zombie && same_thread_group(nodes[j].task, parent))
				nodes[i].parent = j;
		if (nodes[i].parent >= 0)
			nodes[i].ppid = nodes[nodes[i].parent].pid;
	}
	rcu_read_unlock();
	for (i = 0; i < nr; i++)
		if (nodes[i].zombie && nodes[i].parent < 0)
			return ckpt_fail(ctx, -EOPNOTSUPP,
					 "pid %d: a zombie whose parent is outside the group",
					 nodes[i].pid);
	return 0;
}

/**
 * ckpt_collect_tasks() - find, check and order the tasks of the frozen group
 * @ctx: the checkpoint
 *
 * Fills @ctx->ents with the task table, each task referenced.
 *
 * Return: 0, -ESRCH for an empty group, or the first refusal.
 */
int ckpt_collect_tasks(struct ckpt_ctx *ctx)
{
	struct ckpt_found f = { };
	struct ckpt_node *nodes = NULL;
	unsigned int nr = 0;
	int ret;

	ret = ckpt_find_tasks(ctx, &f);
	if (ret)
		goto out;
	/* Processes, then ghosts; at most one ghost per process. */
	nodes = kcalloc(2 * f.nr, sizeof(*nodes), GFP_KERNEL);
	if (!nodes) {
		ret = ckpt_fail(ctx, -ENOMEM, "out of memory");
		goto out;
	}
	ret = ckpt_link_nodes(ctx, &f, nodes, &nr);
	if (!ret)
		ret = ckpt_check_groups(ctx, nodes, &nr);
	if (!ret)
		ret = ckpt_order(ctx, &f, nodes, nr);
out:
	kfree(nodes);
	ckpt_found_free(&f);
	return ret;
}

/**
 * ckpt_put_tasks() - drop the task table of a checkpoint
 * @ctx: the checkpoint
 */
void ckpt_put_tasks(struct ckpt_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_tasks; i++)
		if (ctx->ents[i].task)
			put_task_struct(ctx->ents[i].task);
	kfree(ctx->ents);
}

/**
 * ckpt_dump_tasks() - write the task table
 * @ctx: the checkpoint
 *
 * Return: 0 or a negative errno.
 */
int ckpt_dump_tasks(struct ckpt_ctx *ctx)
{
	struct ckpt_tasks *r;
	size_t len = struct_size(r, task, ctx->nr_tasks);
	unsigned int i;
	int ret;

	r = kzalloc(len, GFP_KERNEL);
	if (!r)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	r->nr = cpu_to_le32(ctx->nr_tasks);
	for (i = 0; i < ctx->nr_tasks; i++) {
		const struct ckpt_tent *t = &ctx->ents[i];
		struct ckpt_task_entry *e = &r->task[i];

		e->pid = cpu_to_le32(t->pid);
		e->tgid = cpu_to_le32(t->tgid);
		e->ppid = cpu_to_le32(t->ppid);
		e->pgid = cpu_to_le32(t->pgid);
		e->sid = cpu_to_le32(t->sid);
		e->flags = cpu_to_le32(t->flags | t->share);
	}
	ret = ckpt_write(ctx, r, CKPT_REC_TASKS, len);
	kfree(r);
	return ret;
}

/* Index of the process with pid @nr among @ctx->rt[0..@before), or -1. */
static int ckpt_rt_proc(struct ckpt_ctx *ctx, pid_t nr, unsigned int before)
{
	unsigned long v = xa_to_value(xa_load(&ctx->pids, nr) ?: xa_mk_value(0));

	if (!v || v - 1 >= before || ctx->rt[v - 1].tgid != nr)
		return -1;
	return v - 1;
}

/* Who creates @rt, and how it gets its process group. */
static int ckpt_rt_link(struct ckpt_ctx *ctx, struct ckpt_rtask *rt,
			unsigned int i)
{
	struct ckpt_rtask *c;
	int p, g;

	if (rt->ppid) {
		p = ckpt_rt_proc(ctx, rt->ppid, i);
		if (p < 0 || ctx->rt[p].flags)
			return -EINVAL;
		rt->creator = p;
	} else {
		/* A root of a session led by a ghost or another root. */
		p = ckpt_rt_proc(ctx, rt->sid, i);
		if (p >= 0 && !ctx->rt[p].ppid &&
		    !(ctx->rt[p].flags & CKPT_TASK_ZOMBIE))
			rt->creator = p;
	}
	if (rt->flags & CKPT_TASK_GHOST)
		return rt->ppid || rt->pgid != rt->pid || rt->sid != rt->pid ||
		       rt->creator >= 0 ? -EINVAL : 0;
	if ((rt->flags & CKPT_TASK_ZOMBIE) && !rt->ppid)
		return -EINVAL;

	c = rt->creator >= 0 ? &ctx->rt[rt->creator] : NULL;
	if (rt->sid == rt->pid) {
		rt->pgrp = CKPT_PGRP_LEAD;
		return rt->pgid == rt->pid ? 0 : -EINVAL;
	}
	if (c && c->sid != rt->sid)
		return -EINVAL;
	if (rt->pgid == rt->pid) {
		rt->pgrp = CKPT_PGRP_LEAD;
		return 0;
	}
	/* A creator that joins its group late cannot hand it down. */
	if (c && c->pgid == rt->pgid && c->pgrp != CKPT_PGRP_JOIN_LATE) {
		rt->pgrp = CKPT_PGRP_INHERIT;
		return 0;
	}
	g = ckpt_rt_proc(ctx, rt->pgid, ctx->nr_rt);
	if (g >= 0 && !(ctx->rt[g].flags & CKPT_TASK_GHOST)) {
		rt->pgrp = g < i ? CKPT_PGRP_JOIN : CKPT_PGRP_JOIN_LATE;
		/* A zombie exits as soon as it is made. */
		return rt->pgrp == CKPT_PGRP_JOIN_LATE &&
		       (rt->flags & CKPT_TASK_ZOMBIE) ? -EOPNOTSUPP : 0;
	}
	/* A root in the restarter's session gets its process group too. */
	rt->pgrp = CKPT_PGRP_INHERIT;
	return c ? -EINVAL : 0;
}

static int ckpt_rt_entry(struct ckpt_ctx *ctx, const struct ckpt_task_entry *e,
			 unsigned int i, int *leader)
{
	struct ckpt_rtask *rt = &ctx->rt[i];
	struct ckpt_rtask *l;
	int ret;

	rt->ctx = ctx;
	rt->pid = le32_to_cpu(e->pid);
	rt->tgid = le32_to_cpu(e->tgid);
	rt->ppid = le32_to_cpu(e->ppid);
	rt->pgid = le32_to_cpu(e->pgid);
	rt->sid = le32_to_cpu(e->sid);
	rt->flags = le32_to_cpu(e->flags);
	rt->share = rt->flags & (CKPT_TASK_SHARE_FILES | CKPT_TASK_SHARE_FS |
				 CKPT_TASK_SHARE_VM | CKPT_TASK_SHARE_SIGHAND);
	rt->flags &= ~rt->share;
	rt->creator = -1;
	init_completion(&rt->ready);
	init_completion(&rt->running);
	if (rt->pid <= 0 || rt->pid >= PID_MAX_LIMIT ||
	    rt->pgid <= 0 || rt->pgid >= PID_MAX_LIMIT ||
	    rt->sid <= 0 || rt->sid >= PID_MAX_LIMIT ||
	    rt->ppid < 0 || rt->ppid >= PID_MAX_LIMIT ||
	    (rt->flags & ~(CKPT_TASK_ZOMBIE | CKPT_TASK_GHOST)) ||
	    rt->flags == (CKPT_TASK_ZOMBIE | CKPT_TASK_GHOST) ||
	    (rt->share && (rt->flags || !rt->ppid || rt->tgid != rt->pid)) ||
	    /* clone() wants CLONE_VM with CLONE_SIGHAND */
	    (rt->share & (CKPT_TASK_SHARE_VM | CKPT_TASK_SHARE_SIGHAND)) ==
	    CKPT_TASK_SHARE_SIGHAND)
		return -EINVAL;
	ret = xa_insert(&ctx->pids, rt->pid, xa_mk_value(i + 1), GFP_KERNEL);
	if (ret)
		return ret == -EBUSY ? -EINVAL : ret;

	if (rt->tgid != rt->pid) {
		/* A thread: right after its leader and its other threads. */
		if (*leader < 0)
			return -EINVAL;
		l = &ctx->rt[*leader];
		if (rt->tgid != l->pid || l->flags || rt->flags ||
		    rt->ppid != l->ppid || rt->pgid != l->pgid || rt->sid != l->sid)
			return -EINVAL;
		rt->leader = *leader;
		rt->creator = *leader;
		l->nr_threads++;
		return 0;
	}
	*leader = i;
	rt->leader = i;
	rt->nr_threads = 1;
	return 0;
}

/**
 * ckpt_read_task_table() - read and check the task table of an image
 * @ctx:      the restart
 * @nr_tasks: entries, as the header says
 *
 * Fills @ctx->rt, one entry per thread, with who creates whom.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_read_task_table(struct ckpt_ctx *ctx, u32 nr_tasks)
{
	struct ckpt_tasks *r = ctx->rbuf;
	struct ckpt_hdr rec;
	int leader = -1;
	u32 i;
	int ret;

	if (!nr_tasks || nr_tasks > CKPT_TASKS_MAX)
		return ckpt_fail(ctx, -EINVAL, "image: %u tasks", nr_tasks);
	ret = ckpt_read_rec(ctx, &rec);
	if (ret)
		return ret;
	if (rec.type != CKPT_REC_TASKS || rec.len != struct_size(r, task, nr_tasks))
		return ckpt_fail(ctx, -EINVAL, "image: bad task table");
	ret = ckpt_read_payload(ctx, (u8 *)r + sizeof(rec), rec.len - sizeof(rec));
	if (ret)
		return ret;
	if (le32_to_cpu(r->nr) != nr_tasks || r->__reserved)
		return ckpt_fail(ctx, -EINVAL, "image: bad task table");
	ctx->rt = kcalloc(nr_tasks, sizeof(*ctx->rt), GFP_KERNEL);
	if (!ctx->rt)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	ctx->nr_rt = nr_tasks;
	for (i = 0; i < nr_tasks; i++) {
		ret = ckpt_rt_entry(ctx, &r->task[i], i, &leader);
		if (ret == -ENOMEM)
			return ckpt_fail(ctx, ret, "out of memory");
		if (ret)
			return ckpt_fail(ctx, -EINVAL,
					 "image: bad task table entry %u (pid %d)",
					 i, ctx->rt[i].pid);
	}
	for (i = 0; i < nr_tasks; i++) {
		if (ctx->rt[i].tgid != ctx->rt[i].pid)
			continue;
		ret = ckpt_rt_link(ctx, &ctx->rt[i], i);
		if (ret == -EOPNOTSUPP)
			return ckpt_fail(ctx, ret,
					 "pid %d: a zombie in a process group made after it; not supported",
					 ctx->rt[i].pid);
		if (ret)
			return ckpt_fail(ctx, -EINVAL,
					 "image: bad task table entry %u (pid %d)",
					 i, ctx->rt[i].pid);
	}

	/* Fail before creating anything if a pid is taken. */
	rcu_read_lock();
	for (i = 0; i < nr_tasks; i++) {
		if (find_vpid(ctx->rt[i].pid)) {
			rcu_read_unlock();
			return ckpt_fail(ctx, -EBUSY, "pid %d: the pid is in use",
					 ctx->rt[i].pid);
		}
	}
	rcu_read_unlock();
	return 0;
}

/*
 * setpgid(0, @pgid) for the current process, which is being restored: not
 * a session leader, not yet run a user instruction.  (sys_setpgid() has no
 * in-kernel entry; this is its path for the caller itself.)
 */
static int ckpt_setpgid(pid_t pgid)
{
	struct task_struct *g;
	struct pid *pgrp;
	int err = -EPERM;

	write_lock_irq(&tasklist_lock);
	if (task_session(current) == task_pid(current))
		goto out;
	pgrp = task_pid(current);
	if (pgid != task_pid_vnr(current)) {
		pgrp = find_vpid(pgid);
		g = pid_task(pgrp, PIDTYPE_PGID);
		if (!g || task_session(g) != task_session(current))
			goto out;
	}
	if (task_pgrp(current) != pgrp)
		change_pid(current, PIDTYPE_PGID, pgrp);
	err = 0;
out:
	write_unlock_irq(&tasklist_lock);
	return err;
}

/**
 * ckpt_restore_pgrp() - put the current process in its session and group
 * @rt:   the process being restored (current)
 * @late: false when created, true once every task exists
 *
 * Return: 0 or a negative errno.
 */
int ckpt_restore_pgrp(struct ckpt_rtask *rt, bool late)
{
	bool join_late = rt->pgrp == CKPT_PGRP_JOIN_LATE;
	long ret = 0;

	if (late != join_late)
		return 0;
	if (rt->sid == rt->pid)
		ret = ksys_setsid();
	else if (rt->pgrp != CKPT_PGRP_INHERIT)
		ret = ckpt_setpgid(rt->pgid);
	if (ret < 0)
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: cannot restore its session %d and process group %d (error %ld)",
				 rt->pid, rt->sid, rt->pgid, ret);
	return 0;
}

#if IS_ENABLED(CONFIG_CKPT_KUNIT_TEST)
#include "tree-test.h"
#endif
