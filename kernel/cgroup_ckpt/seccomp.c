// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: seccomp mode and filters.
 *
 * Filters are read the way CRIU reads them, with seccomp_get_filter(): the
 * classic BPF program each filter was installed with, oldest first.  That
 * interface copies to user memory and wants CAP_SYS_ADMIN in a writer that
 * has no filter of its own; the writer lends a scratch mapping for the
 * time of the copy.  All threads of a process must share one filter chain,
 * as SECCOMP_FILTER_FLAG_TSYNC leaves them.
 *
 * Restart installs the chain through prctl_set_seccomp() from a scratch
 * mapping of the restored process, in its leader, after it made its child
 * processes (which have their own chains) and before it makes its threads,
 * which inherit the leader's chain and so share it again.  The process
 * still holds the restarter's credentials then, as installing a filter
 * without no_new_privs needs.  Filters apply from the first system call
 * the restored program makes.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/filter.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/ptrace.h>
#include <linux/seccomp.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "ckpt.h"

static_assert(sizeof(struct ckpt_seccomp) == 24);
static_assert(sizeof(struct ckpt_sock_filter) == sizeof(struct sock_filter));
static_assert(CKPT_SECCOMP_MAX_INSNS == BPF_MAXINSNS);

/* The kernel's bound on a chain: instructions plus 4 per filter. */
#define CKPT_SECCOMP_MAX_PATH	((1 << 18) / sizeof(struct sock_filter))

/* A scratch mapping big enough for a sock_fprog and the longest filter. */
#define CKPT_SECCOMP_SCRATCH	PAGE_ALIGN(sizeof(struct sock_fprog) + \
			BPF_MAXINSNS * sizeof(struct sock_filter))

/* A filter read from the image, waiting for its process to install it. */
struct ckpt_rfilter {
	struct ckpt_rfilter	*next;
	u32			len;
	struct sock_filter	insns[];
};

static unsigned long ckpt_scratch_map(void)
{
	return vm_mmap(NULL, 0, CKPT_SECCOMP_SCRATCH, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, 0);
}

/* Read filter @n of @t into @r; the caller checked the mode. */
static int ckpt_read_filter(struct ckpt_ctx *ctx, struct task_struct *t,
			    unsigned long ubuf, unsigned int n,
			    struct ckpt_seccomp *r)
{
	struct seccomp_metadata md = { .filter_off = n };
	struct sock_filter insn;
	long len, i;

	len = seccomp_get_filter(t, n, (void __user *)ubuf);
	if (len == -ENOENT)
		return len;
	if (len == -EACCES)
		return ckpt_fail(ctx, -EPERM,
				 "pid %d: cannot read seccomp filter %u (error %ld): %s",
				 task_pid_vnr(t), n, len,
				 "the writer needs CAP_SYS_ADMIN and no seccomp filter of its own");
	if (len < 0)
		return ckpt_fail(ctx, (int)len,
				 "pid %d: cannot read seccomp filter %u (error %ld)",
				 task_pid_vnr(t), n, len);
	if (!len || len > BPF_MAXINSNS)
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d: seccomp filter %u has %ld instructions",
				 task_pid_vnr(t), n, len);
	for (i = 0; i < len; i++) {
		if (copy_from_user(&insn, (void __user *)ubuf + i * sizeof(insn),
				   sizeof(insn)))
			return ckpt_fail(ctx, -EFAULT, "cannot read scratch memory");
		r->insns[i].code = cpu_to_le16(insn.code);
		r->insns[i].jt = insn.jt;
		r->insns[i].jf = insn.jf;
		r->insns[i].k = cpu_to_le32(insn.k);
	}
	if (copy_to_user((void __user *)ubuf, &md, sizeof(md)) ||
	    seccomp_get_metadata(t, sizeof(md), (void __user *)ubuf) < 0 ||
	    copy_from_user(&md, (void __user *)ubuf, sizeof(md)))
		return ckpt_fail(ctx, -EFAULT,
				 "pid %d: cannot read the flags of seccomp filter %u",
				 task_pid_vnr(t), n);
	if (md.flags)
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d: seccomp filter %u was installed with SECCOMP_FILTER_FLAG_LOG; not supported",
				 task_pid_vnr(t), n);
	r->mode = cpu_to_le32(SECCOMP_MODE_FILTER);
	r->index = cpu_to_le32(n);
	r->nr_insns = cpu_to_le32(len);
	return 0;
}

/**
 * ckpt_dump_seccomp() - write the seccomp mode and filters of a process
 * @ctx: the checkpoint, ctx->cur indexing @t
 * @t:   the leader of the process, frozen
 *
 * Context: the writer's task, which lends a scratch mapping of its own mm.
 * Return: 0, or a negative errno with its reason: threads that do not
 * share one chain, a writer that may not read filters, a filter with flags
 * restart cannot give back.
 */
static int ckpt_dump_seccomp(struct ckpt_ctx *ctx, struct task_struct *t)
{
	const struct ckpt_tent *e = &ctx->ents[ctx->cur];
	int mode = READ_ONCE(t->seccomp.mode);
	struct ckpt_seccomp *r;
	unsigned long ubuf;
	unsigned int i, n;
	int ret;

	/* Frozen: no thread can change its own chain, nor TSYNC another. */
	for (i = ctx->cur + 1; i < ctx->nr_tasks && ctx->ents[i].tgid == e->pid;
	     i++) {
		struct task_struct *th = ctx->ents[i].task;

		if (READ_ONCE(th->seccomp.mode) != mode ||
		    READ_ONCE(th->seccomp.filter) != READ_ONCE(t->seccomp.filter))
			return ckpt_fail(ctx, -EOPNOTSUPP,
					 "pid %d: thread %d has another seccomp mode or filter chain than its leader; not supported",
					 e->pid, ctx->ents[i].pid);
	}
	if (mode == SECCOMP_MODE_DISABLED)
		return 0;
	if (mode == SECCOMP_MODE_STRICT) {
		struct ckpt_seccomp s = { .mode = cpu_to_le32(mode) };

		return ckpt_write(ctx, &s, CKPT_REC_SECCOMP, sizeof(s));
	}
	if (mode != SECCOMP_MODE_FILTER)
		return ckpt_fail(ctx, -EOPNOTSUPP, "pid %d: seccomp mode %d",
				 e->pid, mode);
	if (!current->mm)
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d: seccomp filters: the writer has no memory to read them into",
				 e->pid);

	r = kvzalloc(struct_size(r, insns, BPF_MAXINSNS), GFP_KERNEL);
	if (!r)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	ubuf = ckpt_scratch_map();
	if (IS_ERR_VALUE(ubuf)) {
		kvfree(r);
		return ckpt_fail(ctx, (int)ubuf, "out of memory");
	}
	for (n = 0; ; n++) {
		ret = ckpt_read_filter(ctx, t, ubuf, n, r);
		if (ret == -ENOENT && n) {
			ret = 0;
			break;
		}
		if (ret == -ENOENT)
			ret = ckpt_fail(ctx, -EIO, "pid %d: seccomp filters vanished",
					e->pid);
		if (ret)
			break;
		ret = ckpt_write(ctx, r, CKPT_REC_SECCOMP,
				 struct_size(r, insns, le32_to_cpu(r->nr_insns)));
		if (ret)
			break;
	}
	vm_munmap(ubuf, CKPT_SECCOMP_SCRATCH);
	kvfree(r);
	return ret;
}

/**
 * ckpt_restore_seccomp() - take in one CKPT_REC_SECCOMP of a process
 * @rt:  the leader of the process being restored
 * @rec: the record
 * @len: its length
 *
 * Keeps the filter; ckpt_restore_seccomp_install() installs the chain.
 *
 * Return: 0, or -EINVAL or -ENOMEM with a reason.
 */
static int ckpt_restore_seccomp(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_rseccomp *rs = &rt->seccomp;
	struct ckpt_seccomp *r = rec;
	struct ckpt_rfilter *f;
	u32 mode, idx, nr, i;

	if (len < sizeof(*r) || r->__reserved)
		goto bad;
	mode = le32_to_cpu(r->mode);
	idx = le32_to_cpu(r->index);
	nr = le32_to_cpu(r->nr_insns);
	if (nr > BPF_MAXINSNS || len != struct_size(r, insns, nr))
		goto bad;
	if (mode == SECCOMP_MODE_STRICT) {
		if (nr || idx || rs->mode)
			goto bad;
		rs->mode = mode;
		return 0;
	}
	if (mode != SECCOMP_MODE_FILTER || !nr || idx != rs->nr ||
	    (rs->mode && rs->mode != mode))
		goto bad;
	if (rs->cost + nr + 4 > CKPT_SECCOMP_MAX_PATH)
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: seccomp filters longer than the kernel allows",
				 rt->pid);
	f = kvmalloc(struct_size(f, insns, nr), GFP_KERNEL);
	if (!f)
		return ckpt_fail(rt->ctx, -ENOMEM, "out of memory");
	f->next = NULL;
	f->len = nr;
	for (i = 0; i < nr; i++) {
		f->insns[i].code = le16_to_cpu(r->insns[i].code);
		f->insns[i].jt = r->insns[i].jt;
		f->insns[i].jf = r->insns[i].jf;
		f->insns[i].k = le32_to_cpu(r->insns[i].k);
	}
	if (!rs->tail)
		rs->tail = &rs->head;
	*rs->tail = f;
	rs->tail = &f->next;
	rs->mode = mode;
	rs->nr++;
	rs->cost += nr + 4;
	return 0;
bad:
	return ckpt_fail(rt->ctx, -EINVAL,
			 "image: pid %d: malformed seccomp record", rt->pid);
}

/**
 * ckpt_restore_seccomp_install() - install the seccomp mode and filters read
 * @rt: the leader of the process being restored
 *
 * Context: the leader itself, with its restored mm and the restarter's
 * credentials, after its child processes and before its threads are made.
 * Return: 0, or a negative errno with a reason (a filter the BPF checker
 * of this kernel refuses gives -EINVAL).
 */
int ckpt_restore_seccomp_install(struct ckpt_rtask *rt)
{
	struct ckpt_rseccomp *rs = &rt->seccomp;
	struct ckpt_rfilter *f;
	unsigned long ubuf;
	unsigned int n = 0;
	long ret = 0;

	if (!rs->mode)
		return 0;
	if (rs->mode == SECCOMP_MODE_STRICT) {
		ret = prctl_set_seccomp(SECCOMP_MODE_STRICT, NULL);
		if (ret)
			return ckpt_fail(rt->ctx, ret,
					 "pid %d: cannot enter seccomp strict mode (error %ld)",
					 rt->pid, ret);
		return 0;
	}
	ubuf = ckpt_scratch_map();
	if (IS_ERR_VALUE(ubuf))
		return ckpt_fail(rt->ctx, (int)ubuf, "out of memory");
	for (f = rs->head; f; f = f->next, n++) {
		void __user *insns = (void __user *)ubuf + sizeof(struct sock_fprog);
		struct sock_fprog fp = {
			.len	= f->len,
			.filter	= insns,
		};

		if (copy_to_user(insns, f->insns, f->len * sizeof(f->insns[0])) ||
		    copy_to_user((void __user *)ubuf, &fp, sizeof(fp))) {
			ret = -EFAULT;
			break;
		}
		ret = prctl_set_seccomp(SECCOMP_MODE_FILTER, (void __user *)ubuf);
		if (ret)
			break;
	}
	vm_munmap(ubuf, CKPT_SECCOMP_SCRATCH);
	if (ret)
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: cannot install seccomp filter %u (error %ld)",
				 rt->pid, n, ret);
	return 0;
}

/**
 * ckpt_seccomp_task_release() - drop the filters kept for a restored process
 * @rt: the restored task
 */
static void ckpt_seccomp_task_release(struct ckpt_rtask *rt)
{
	struct ckpt_rfilter *f = rt->seccomp.head, *next;

	for (; f; f = next) {
		next = f->next;
		kvfree(f);
	}
	rt->seccomp.head = NULL;
	rt->seccomp.tail = NULL;
}

static const struct ckpt_rec_op ckpt_seccomp_recs[] = {
	{ .type = CKPT_REC_SECCOMP, .restore = ckpt_restore_seccomp },
	{ }
};

/* Last: filters could forbid what restoring the others takes. */
const struct ckpt_resource ckpt_res_seccomp = {
	.name		= "seccomp",
	.dump		= ckpt_dump_seccomp,
	.task_release	= ckpt_seccomp_task_release,
	.recs		= ckpt_seccomp_recs,
};
