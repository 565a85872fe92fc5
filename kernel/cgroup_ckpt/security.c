// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: who may restart what.
 *
 * A restarter with CAP_SYS_ADMIN (both the opener of ckpt.trigger and the
 * writer) may restore any credentials the image holds.  Anybody else may
 * restart an image only if it asks for nothing the restarter could not do
 * itself, judged with the restarter's rights, never the image's word:
 *
 *  - the group: the restarter can write to ckpt.trigger, and the tasks go
 *    in with CLONE_INTO_CGROUP, which checks cgroup.procs permissions as a
 *    move does (a group delegated to the user, cgroup-v2.rst "Delegation");
 *  - pids: choosing them (set_tid) needs CAP_CHECKPOINT_RESTORE or
 *    CAP_SYS_ADMIN over the pid namespace the tasks are made in; an
 *    ordinary user has that in a pid namespace of a user namespace of its
 *    own (ckpt restart --new-userns);
 *  - credentials: those setresuid(), setresgid(), setfsuid() and capset()
 *    would give the restarter: every uid one of its real, effective and
 *    saved uids (the same for gids), the supplementary groups its own, no
 *    capability it lacks (none, when it acts from a user namespace other
 *    than the initial one: an ordinary process has none outside it),
 *    the bounding set no larger, the same securebits;
 *  - what the restore code does on the restarter's behalf checks the
 *    restarter's rights as the system calls would: files and directories
 *    are reopened by path as the restarter, resource limits are raised
 *    only with CAP_SYS_RESOURCE, the scheduling policy goes through
 *    sched_setscheduler()'s checks and a lower nice value through
 *    can_nice(), seccomp filters without no_new_privs are installed as
 *    seccomp(2) would install them, SysV ids need CAP_CHECKPOINT_RESTORE
 *    over the IPC namespace (the right the *_next_id sysctls need) and
 *    their owners must be the restarter, socket buffers stay within what
 *    SO_SNDBUF and SO_RCVBUF allow.
 *
 * Each refusal is EPERM with a reason naming the task and the item.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/ipc.h>
#include <linux/ipc_namespace.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/securebits.h>
#include <linux/uidgid.h>
#include <net/sock.h>
#include "ckpt.h"

/**
 * ckpt_restart_permission() - decide how much a restarter may restore
 * @ctx:    the restart
 * @opener: the ckpt.trigger file written to
 *
 * A restarter with CAP_SYS_ADMIN, both as the opener of @opener and as the
 * writer, is privileged.  Anybody else restarts unprivileged: the opener
 * must be the same user as the writer, and the writer must be able to
 * choose pids in the pid namespace the tasks are made in.  Sets
 * ctx->unpriv, and ctx->restarter to the credentials that later checks
 * compare the image with.
 *
 * Return: 0, or -EPERM with a reason.
 */
int ckpt_restart_permission(struct ckpt_ctx *ctx, struct file *opener)
{
	const struct cred *cred = current_cred(), *ocred = opener->f_cred;
	struct pid_namespace *pidns = current->nsproxy->pid_ns_for_children;

	ctx->restarter = get_current_cred();
	if (file_ns_capable(opener, &init_user_ns, CAP_SYS_ADMIN) &&
	    capable(CAP_SYS_ADMIN))
		return 0;
	ctx->unpriv = true;
	if (!uid_eq(ocred->euid, cred->euid) || !gid_eq(ocred->egid, cred->egid))
		return ckpt_fail(ctx, -EPERM,
				 "the opener of ckpt.trigger (uid %u) is not the writer (uid %u); a restart without CAP_SYS_ADMIN needs them to be the same",
				 from_kuid_munged(current_user_ns(), ocred->euid),
				 from_kuid_munged(current_user_ns(), cred->euid));
	if (!checkpoint_restore_ns_capable(pidns->user_ns))
		return ckpt_fail(ctx, -EPERM,
				 "restoring the pids of the image needs CAP_CHECKPOINT_RESTORE over the pid namespace; without CAP_SYS_ADMIN, restart in a user and pid namespace of your own (ckpt restart --new-userns)");
	return 0;
}

/* One of the restarter's real, effective and saved ids, as setresuid(). */
static bool ckpt_own_uid(const struct cred *c, kuid_t id)
{
	return uid_eq(id, c->uid) || uid_eq(id, c->euid) || uid_eq(id, c->suid);
}

static bool ckpt_own_gid(const struct cred *c, kgid_t id)
{
	return gid_eq(id, c->gid) || gid_eq(id, c->egid) || gid_eq(id, c->sgid);
}

/* Same supplementary groups, as sets (both are sorted). */
static bool ckpt_same_groups(const struct group_info *a,
			     const struct group_info *b)
{
	int i;

	if (a->ngroups != b->ngroups)
		return false;
	for (i = 0; i < a->ngroups; i++)
		if (!gid_eq(a->gid[i], b->gid[i]))
			return false;
	return true;
}

static u64 ckpt_cap64(kernel_cap_t c)
{
	return c.cap[0] | (u64)c.cap[1] << 32;
}

static int ckpt_cred_refused(struct ckpt_rtask *rt, const char *what, u32 id)
{
	return ckpt_fail(rt->ctx, -EPERM,
			 "pid %d: %s %u is not the restarter's; restoring other credentials needs CAP_SYS_ADMIN",
			 rt->pid, what, id);
}

/**
 * ckpt_restart_check_creds() - may the restarter give a task these
 *                              credentials?
 * @rt:  the task being restored
 * @new: the credentials of the image for it, in the restarter's user
 *       namespace
 *
 * Return: 0, or -EPERM with a reason naming the task and the item.
 */
int ckpt_restart_check_creds(struct ckpt_rtask *rt, const struct cred *new)
{
	const struct cred *c = rt->ctx->restarter;
	struct user_namespace *ns = current_user_ns();
	kernel_cap_t caps = c->cap_permitted, inh, want;

	if (!rt->ctx->unpriv)
		return 0;
	if (!ckpt_own_uid(c, new->uid))
		return ckpt_cred_refused(rt, "uid", from_kuid_munged(ns, new->uid));
	if (!ckpt_own_uid(c, new->euid))
		return ckpt_cred_refused(rt, "euid", from_kuid_munged(ns, new->euid));
	if (!ckpt_own_uid(c, new->suid))
		return ckpt_cred_refused(rt, "suid", from_kuid_munged(ns, new->suid));
	if (!ckpt_own_uid(c, new->fsuid) && !uid_eq(new->fsuid, c->fsuid))
		return ckpt_cred_refused(rt, "fsuid", from_kuid_munged(ns, new->fsuid));
	if (!ckpt_own_gid(c, new->gid))
		return ckpt_cred_refused(rt, "gid", from_kgid_munged(ns, new->gid));
	if (!ckpt_own_gid(c, new->egid))
		return ckpt_cred_refused(rt, "egid", from_kgid_munged(ns, new->egid));
	if (!ckpt_own_gid(c, new->sgid))
		return ckpt_cred_refused(rt, "sgid", from_kgid_munged(ns, new->sgid));
	if (!ckpt_own_gid(c, new->fsgid) && !gid_eq(new->fsgid, c->fsgid))
		return ckpt_cred_refused(rt, "fsgid", from_kgid_munged(ns, new->fsgid));
	if (!ckpt_same_groups(new->group_info, c->group_info))
		return ckpt_fail(rt->ctx, -EPERM,
				 "pid %d: supplementary groups other than the restarter's; restoring them needs CAP_SYS_ADMIN",
				 rt->pid);

	/* Capabilities held in a user namespace of its own are not ours. */
	if (c->user_ns != &init_user_ns)
		caps = CAP_EMPTY_SET;
	inh = cap_combine(c->user_ns != &init_user_ns ? CAP_EMPTY_SET :
			  c->cap_inheritable, caps);
	want = cap_combine(new->cap_permitted, new->cap_inheritable);
	if (!cap_issubset(new->cap_permitted, caps) ||
	    !cap_issubset(new->cap_effective, caps) ||
	    !cap_issubset(new->cap_ambient, caps) ||
	    !cap_issubset(new->cap_inheritable, inh))
		return ckpt_fail(rt->ctx, -EPERM,
				 "pid %d: capabilities %#llx beyond the restarter's %#llx; restoring them needs CAP_SYS_ADMIN",
				 rt->pid, ckpt_cap64(want), ckpt_cap64(caps));
	if (!cap_issubset(new->cap_bset, c->cap_bset))
		return ckpt_fail(rt->ctx, -EPERM,
				 "pid %d: a capability bounding set larger than the restarter's; restoring it needs CAP_SYS_ADMIN",
				 rt->pid);
	if (new->securebits != c->securebits)
		return ckpt_fail(rt->ctx, -EPERM,
				 "pid %d: securebits %#x, the restarter's are %#x; changing them needs CAP_SYS_ADMIN",
				 rt->pid, new->securebits, c->securebits);
	return 0;
}

/**
 * ckpt_restart_check_ipc() - may the restarter recreate a SysV object?
 * @rt:   the task restoring it
 * @what: "semaphore set", "message queue" or "shm segment"
 * @id:   its id, which the restart chooses
 * @p:    its owners (uid, gid, cuid, cgid)
 *
 * Choosing the id is what the *_next_id sysctls do, which needs
 * CAP_CHECKPOINT_RESTORE over the IPC namespace; without CAP_SYS_ADMIN the
 * owners must also be the restarter.
 *
 * Return: 0, or -EPERM with a reason.
 */
int ckpt_restart_check_ipc(struct ckpt_rtask *rt, const char *what, int id,
			   const struct kern_ipc_perm *p)
{
	const struct cred *c = rt->ctx->restarter;

	if (!checkpoint_restore_ns_capable(current->nsproxy->ipc_ns->user_ns))
		return ckpt_fail(rt->ctx, -EPERM,
				 "pid %d: SysV %s %d: choosing its id needs CAP_CHECKPOINT_RESTORE over the IPC namespace",
				 rt->pid, what, id);
	if (rt->ctx->unpriv &&
	    (!uid_eq(p->uid, c->euid) || !uid_eq(p->cuid, c->euid) ||
	     !gid_eq(p->gid, c->egid) || !gid_eq(p->cgid, c->egid)))
		return ckpt_fail(rt->ctx, -EPERM,
				 "pid %d: SysV %s %d: owned by another user than the restarter; restoring it needs CAP_SYS_ADMIN",
				 rt->pid, what, id);
	return 0;
}

/**
 * ckpt_restart_check_sockbufs() - may the restarter give a socket these
 *                                 buffer sizes?
 * @rt:     the task restoring it
 * @sndbuf: SO_SNDBUF as the kernel holds it (doubled)
 * @rcvbuf: SO_RCVBUF, the same
 *
 * Above net.core.wmem_max/rmem_max only SO_SNDBUFFORCE/SO_RCVBUFFORCE set
 * them, which needs CAP_NET_ADMIN; a restart without CAP_SYS_ADMIN is held
 * to the same.
 *
 * Return: 0, or -EPERM with a reason.
 */
int ckpt_restart_check_sockbufs(struct ckpt_rtask *rt, u32 sndbuf, u32 rcvbuf)
{
	if (!rt->ctx->unpriv || capable(CAP_NET_ADMIN) ||
	    (sndbuf <= 2 * (u64)READ_ONCE(sysctl_wmem_max) &&
	     rcvbuf <= 2 * (u64)READ_ONCE(sysctl_rmem_max)))
		return 0;
	return ckpt_fail(rt->ctx, -EPERM,
			 "pid %d: socket buffers of %u and %u bytes are above net.core.wmem_max/rmem_max; they need CAP_NET_ADMIN",
			 rt->pid, sndbuf, rcvbuf);
}
