// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: SysV message queues.
 *
 * A queue of the group (see sysvipc.c) is written with the records of the
 * first process: its key, mode, owners and size, read with msgctl_stat(),
 * then each message, read with msgrcv(MSG_COPY), which leaves it queued.
 * Restart makes the queue with msgget(), sets its size with
 * msgctl_down(IPC_SET) and queues the messages again with msgsnd().
 *
 * ipc/msgutil.c copies a message's text only from and to user memory
 * (load_msg(), store_msg(), and MSG_COPY's prepare_copy()): the text goes
 * through a scratch mapping of the current task, made for the call and
 * unmapped after it.  Everything else is on kernel memory.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/cred.h>
#include <linux/ipc.h>
#include <linux/ipc_namespace.h>
#include <linux/mman.h>
#include <linux/msg.h>
#include <linux/nsproxy.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>
#include "ckpt.h"
#include "sysvipc.h"

static_assert(sizeof(struct ckpt_sysvmsg) == 56);
static_assert(sizeof(struct ckpt_sysvmsg_data) == 24);

/* Scratch memory of the current task, for the text of a message. */
#define CKPT_MSG_SCRATCH	PAGE_ALIGN(sizeof(long) + CKPT_MSG_MAX)

static unsigned long ckpt_msg_scratch(void)
{
	return vm_mmap(NULL, 0, CKPT_MSG_SCRATCH, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, 0);
}

/**
 * ckpt_sysvmsg_rmid() - remove a message queue (IPC_RMID)
 * @ns:    its namespace
 * @msqid: the queue
 *
 * Context: with the credentials of who may remove it.
 * Return: 0 or a negative errno.
 */
int ckpt_sysvmsg_rmid(struct ipc_namespace *ns, int msqid)
{
	return msgctl_down(ns, msqid, IPC_RMID, NULL, 0);
}

/* ---- checkpoint -------------------------------------------------------- */

/* Write the @n messages of queue @msqid, object @id, of process @pid. */
static int ckpt_dump_msgs(struct ckpt_ctx *ctx, int msqid, u32 id, u32 n,
			  pid_t pid)
{
	struct ckpt_sysvmsg_data d = { };
	unsigned long ubuf;
	long ret = 0, mtype;
	void *text;
	u32 i;

	text = kmalloc(CKPT_MSG_MAX, GFP_KERNEL);
	if (!text)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	ubuf = ckpt_msg_scratch();
	if (IS_ERR_VALUE(ubuf)) {
		kfree(text);
		return ckpt_fail(ctx, (long)ubuf, "cannot map scratch memory");
	}
	for (i = 0; !ret && i < n; i++) {
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
	vm_munmap(ubuf, CKPT_MSG_SCRATCH);
	kfree(text);
	return ret;
}

/* Write queue @msqid of @ns, with its messages, if it belongs to the group. */
static int ckpt_dump_msq(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
			 int msqid)
{
	struct ckpt_sysvmsg r = { };
	struct msqid64_ds ds;
	pid_t pid;
	bool new;
	u32 id;
	int ret;

	ret = msgctl_stat(ns, msqid, IPC_STAT, &ds);
	/* Gone, or not readable by the writer: not known to be the group's. */
	if (ret == -EINVAL || ret == -EIDRM || ret == -EACCES)
		return 0;
	if (ret)
		return ckpt_fail(ctx, ret, "SysV message queue %d: cannot read it (error %d)",
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
	if (!ret && ds.msg_qnum)
		ret = ckpt_dump_msgs(ctx, msqid, id, ds.msg_qnum, pid);
	return ret;
}

/**
 * ckpt_dump_sysvmsg_all() - write the message queues of the group
 * @ctx: the checkpoint
 * @ns:  the IPC namespace of the writer
 *
 * Return: 0 or a negative errno.
 */
int ckpt_dump_sysvmsg_all(struct ckpt_ctx *ctx, struct ipc_namespace *ns)
{
	int *ids, n, i, ret = 0;

	n = ckpt_ipc_ids(ns, CKPT_IPC_MSG_IDS, &ids);
	if (n < 0)
		return ckpt_fail(ctx, n, "out of memory");
	for (i = 0; !ret && i < n; i++)
		ret = ckpt_dump_msq(ctx, ns, ids[i]);
	kfree(ids);
	return ret;
}

/* ---- restart ----------------------------------------------------------- */

/**
 * ckpt_restore_sysvmsg() - recreate a SysV message queue with its id
 * @rt:  the first process being restored (current)
 * @rec: its CKPT_REC_SYSVMSG
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_sysvmsg(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_sysvmsg *r = rec;
	u32 msqid = le32_to_cpu(r->msqid);
	u64 qbytes = le64_to_cpu(r->qbytes);
	struct ipc64_perm perm = { };
	struct kern_ipc_perm p;
	struct ckpt_ripc *o;
	int ret;

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
	perm.uid = from_kuid_munged(current_user_ns(), current_euid());
	perm.gid = from_kgid_munged(current_user_ns(), current_egid());
	perm.mode = p.mode;
	ret = msgctl_down(o->ns, msqid, IPC_SET, &perm, qbytes);
	if (ret)
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: cannot set SysV message queue %u to %llu bytes (error %d)",
				 rt->pid, msqid, qbytes, ret);
	if (o->msgs_left)
		rt->ctx->priv[CKPT_RES_ID_sysvmsg] = o;
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
static int ckpt_restore_sysvmsg_data(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_sysvmsg_data *r = rec;
	struct ckpt_ripc *o = rt->ctx->priv[CKPT_RES_ID_sysvmsg];
	u32 n = le32_to_cpu(r->len);
	s64 mtype = le64_to_cpu(r->mtype);
	unsigned long ubuf;
	long ret;

	if (len < sizeof(*r) || len != sizeof(*r) + n || mtype <= 0 || !o ||
	    n > CKPT_MSG_MAX ||
	    ckpt_obj_type_of(rt->ctx, le32_to_cpu(r->msq)) != CKPT_OBJ_SYSVIPC ||
	    ckpt_obj_get(rt->ctx, le32_to_cpu(r->msq), CKPT_OBJ_SYSVIPC) != o)
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: malformed or unexpected SysV message record",
				 rt->pid);
	if (!--o->msgs_left)
		rt->ctx->priv[CKPT_RES_ID_sysvmsg] = NULL;
	ubuf = ckpt_msg_scratch();
	if (IS_ERR_VALUE(ubuf))
		return ckpt_fail(rt->ctx, (long)ubuf, "cannot map scratch memory");
	ret = put_user(mtype, (long __user *)ubuf) ||
	      copy_to_user((void __user *)ubuf + sizeof(long), r->text, n) ? -EFAULT :
	      ksys_msgsnd(o->id, (struct msgbuf __user *)ubuf, n, IPC_NOWAIT);
	vm_munmap(ubuf, CKPT_MSG_SCRATCH);
	if (ret)
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: cannot queue a message of %u bytes to SysV message queue %d (error %ld)",
				 rt->pid, n, o->id, ret);
	return 0;
}

/* A queue's messages follow it at once, all of them. */
static int ckpt_sysvmsg_seq_end(struct ckpt_rtask *rt)
{
	return rt->ctx->priv[CKPT_RES_ID_sysvmsg] ? -EINVAL : 0;
}

static const struct ckpt_rec_op ckpt_sysvmsg_recs[] = {
	{ .type = CKPT_REC_SYSVMSG, .restore = ckpt_restore_sysvmsg },
	{ .type = CKPT_REC_SYSVMSG_DATA, .flags = CKPT_ROP_CONT,
	  .restore = ckpt_restore_sysvmsg_data },
	{ }
};

const struct ckpt_resource ckpt_res_sysvmsg = {
	.name		= "SysV message queues",
	.seq_end	= ckpt_sysvmsg_seq_end,
	.recs		= ckpt_sysvmsg_recs,
};
