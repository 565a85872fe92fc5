// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: SysV shm segments.
 *
 * A segment is written as an object whose contents go into the image
 * (shmem.c), from its first attachment, with its key, id, mode and owners
 * (CKPT_REC_SYSVSHM); restart creates it with the same id and attaches it
 * again (shmat()) where it was.  Its pages are written and read back as
 * those of the other shmem objects (CKPT_REC_SHMEM_PAGES).
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/ipc.h>
#include <linux/ipc_namespace.h>
#include <linux/mm.h>
#include <linux/nsproxy.h>
#include <linux/sched/task.h>
#include <linux/shm.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include "ckpt.h"
#include "sysvshm.h"

static_assert(sizeof(struct ckpt_sysvshm) == 56);

/* As ipc/util.h and ipc/shm.c number them */
#define CKPT_IPC_SHM_IDS	2
static_assert(CKPT_SHM_DEST == 01000);

/**
 * ckpt_sysv_shm_check() - refuse a SysV shm attachment restart cannot make
 * @ctx: the checkpoint
 * @t:   the task
 * @vma: one of its areas, under the mmap lock
 *
 * shmat() maps a whole segment, readable: a part of an attachment left by
 * munmap() or mprotect(), or one made inaccessible, cannot be made again.
 *
 * Return: 0, or -EOPNOTSUPP with the pid, address range and shm id.
 */
int ckpt_sysv_shm_check(struct ckpt_ctx *ctx, struct task_struct *t,
			struct vm_area_struct *vma)
{
	struct file *file = vma->vm_file;
	const char *why = NULL;

	if (!file || !ckpt_sysv_shm_file(file))
		return 0;
	if (vma->vm_pgoff ||
	    vma->vm_end - vma->vm_start != PAGE_ALIGN(i_size_read(file_inode(file))))
		why = "a part of a SysV shm attachment";
	else if (!(vma->vm_flags & VM_READ))
		why = "a SysV shm attachment without read access";
	if (!why)
		return 0;
	return ckpt_fail(ctx, -EOPNOTSUPP,
			 "pid %d memory %lx-%lx: %s (shm id %lu); not supported",
			 task_pid_vnr(t), vma->vm_start, vma->vm_end, why,
			 file_inode(file)->i_ino);
}

/* The segment @shmid of @ns, as its owner and mode are now. */
static int ckpt_sysv_perm(struct ipc_namespace *ns, int shmid,
			  struct kern_ipc_perm *out)
{
	struct ipc_ids *ids = &ns->ids[CKPT_IPC_SHM_IDS];
	struct kern_ipc_perm *perm;
	int idx, ret = -ENOENT;

	down_read(&ids->rwsem);
	idr_for_each_entry(&ids->ipcs_idr, perm, idx) {
		if (perm->id != shmid)
			continue;
		spin_lock(&perm->lock);
		if (!perm->deleted) {
			out->key = perm->key;
			out->mode = perm->mode;
			out->uid = perm->uid;
			out->gid = perm->gid;
			out->cuid = perm->cuid;
			out->cgid = perm->cgid;
			ret = 0;
		}
		spin_unlock(&perm->lock);
		break;
	}
	up_read(&ids->rwsem);
	return ret;
}

/*
 * checkpoint kill: the segments saved, each with the distinct files (one
 * per shmat(), shared by fork()) the group attaches it through.
 */
struct ckpt_shm_seen {
	struct dentry	*dentry;	/* of the segment, referenced */
	struct file	*file;		/* an attachment's (its areas' reference) */
	unsigned int	areas;		/* the group's memory areas mapping @file */
	int		shmid;
};

struct ckpt_shm_kill {
	unsigned int		nr, cap;
	struct ipc_namespace	*ns;
	struct ckpt_shm_seen	*seen;
};

/* Note an attachment of a segment the group has, for ckpt_sysvshm_kill(). */
static int ckpt_sysvshm_seen(struct ckpt_ctx *ctx, struct file *file)
{
	struct ckpt_shm_kill *k = ctx->priv[CKPT_RES_ID_sysvshm];
	unsigned int i;

	if (!k) {
		k = kzalloc(sizeof(*k), GFP_KERNEL);
		if (!k)
			return -ENOMEM;
		k->ns = get_ipc_ns(current->nsproxy->ipc_ns);
		ctx->priv[CKPT_RES_ID_sysvshm] = k;
	}
	for (i = 0; i < k->nr; i++) {
		if (k->seen[i].file == file) {
			k->seen[i].areas++;
			return 0;
		}
	}
	if (k->nr == k->cap) {
		unsigned int cap = k->cap ? 2 * k->cap : 8;
		struct ckpt_shm_seen *seen;

		seen = krealloc_array(k->seen, cap, sizeof(*seen), GFP_KERNEL);
		if (!seen)
			return -ENOMEM;
		k->seen = seen;
		k->cap = cap;
	}
	k->seen[k->nr].dentry = dget(file->f_path.dentry);
	k->seen[k->nr].file = file;
	k->seen[k->nr].areas = 1;
	k->seen[k->nr++].shmid = file_inode(file)->i_ino;
	return 0;
}

/**
 * ckpt_dump_sysvshm() - write a SysV shm segment once, with its contents
 * @ctx:  the checkpoint
 * @t:    the task that has it attached
 * @file: the file of the attachment
 * @addr: where @t has it attached
 *
 * Return: 0 or a negative errno.
 */
int ckpt_dump_sysvshm(struct ckpt_ctx *ctx, struct task_struct *t,
		      struct file *file, unsigned long addr)
{
	struct inode *inode = file_inode(file);
	struct user_namespace *userns = current_user_ns();
	struct ckpt_sysvshm r = { };
	struct ipc_namespace *ns = NULL;
	struct kern_ipc_perm perm;
	bool new;
	u32 id;
	int ret;

	id = ckpt_obj_lookup(ctx, CKPT_OBJ_INODE, inode, &new);
	if (!id || (ctx->cmd == CKPT_CMD_CHECKPOINT_KILL && ckpt_sysvshm_seen(ctx, file)))
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	if (!new)
		return 0;
	task_lock(t);
	if (t->nsproxy)
		ns = get_ipc_ns(t->nsproxy->ipc_ns);
	task_unlock(t);
	ret = ns ? ckpt_sysv_perm(ns, inode->i_ino, &perm) : -ESRCH;
	if (ns)
		put_ipc_ns(ns);
	if (ret)
		return ckpt_fail(ctx, -EAGAIN,
				 "pid %d memory %lx: SysV shm id %lu: no such segment",
				 task_pid_vnr(t), addr, inode->i_ino);
	r.id = cpu_to_le32(id);
	r.shmid = cpu_to_le32(inode->i_ino);
	r.key = cpu_to_le32(perm.key);
	r.mode = cpu_to_le32(perm.mode & (0777 | CKPT_SHM_DEST));
	r.uid = cpu_to_le32(from_kuid_munged(userns, perm.uid));
	r.gid = cpu_to_le32(from_kgid_munged(userns, perm.gid));
	r.cuid = cpu_to_le32(from_kuid_munged(userns, perm.cuid));
	r.cgid = cpu_to_le32(from_kgid_munged(userns, perm.cgid));
	r.size = cpu_to_le64(i_size_read(inode));
	r.addr = cpu_to_le64(addr);
	ret = ckpt_write(ctx, &r, CKPT_REC_SYSVSHM, sizeof(r));
	if (!ret)
		ret = ckpt_dump_shmem_pages(ctx, id, inode);
	return ret;
}

/* Set and clear bits of the mode of segment @shmid, and its owners. */
static int ckpt_sysv_update(struct ipc_namespace *ns, int shmid, umode_t set,
			    umode_t clear, const struct kern_ipc_perm *owners)
{
	struct ipc_ids *ids = &ns->ids[CKPT_IPC_SHM_IDS];
	struct kern_ipc_perm *perm;
	int idx, ret = -ENOENT;

	down_write(&ids->rwsem);
	idr_for_each_entry(&ids->ipcs_idr, perm, idx) {
		if (perm->id != shmid)
			continue;
		spin_lock(&perm->lock);
		if (!perm->deleted) {
			perm->mode = (perm->mode | set) & ~clear;
			if (owners) {
				perm->uid = owners->uid;
				perm->gid = owners->gid;
				perm->cuid = owners->cuid;
				perm->cgid = owners->cgid;
			}
			ret = 0;
		}
		spin_unlock(&perm->lock);
		break;
	}
	up_write(&ids->rwsem);
	return ret;
}

/**
 * ckpt_sysv_free() - drop the object of a segment made by a restart
 * @ptr: its struct ckpt_sysv
 */
static void ckpt_sysv_free(void *ptr)
{
	struct ckpt_sysv *sv = ptr;

	if (sv->file)
		fput(sv->file);
	kfree(sv);
}

/* Create segment @shmid with the owners given, attached at @addr. */
static long ckpt_sysv_create(struct ckpt_rtask *rt, const struct ckpt_sysvshm *r,
			     const struct kern_ipc_perm *owners, struct file **filep)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	struct ipc_ids *ids = &ns->ids[CKPT_IPC_SHM_IDS];
	int shmid = le32_to_cpu(r->shmid), mode = le32_to_cpu(r->mode);
	u64 size = le64_to_cpu(r->size), addr = le64_to_cpu(r->addr);
	key_t key = le32_to_cpu(r->key);
	struct vm_area_struct *vma;
	unsigned long raddr;
	long got, ret;

	/* What /proc/sys/kernel/shm_next_id sets: the id of the next one. */
	down_write(&ids->rwsem);
	ids->next_id = shmid;
	up_write(&ids->rwsem);
	got = ksys_shmget(key, size, IPC_CREAT | IPC_EXCL | (mode & 0777));
	down_write(&ids->rwsem);
	if (ids->next_id == shmid)
		ids->next_id = -1;
	up_write(&ids->rwsem);
	if (got == -EEXIST)
		return ckpt_fail(rt->ctx, -EBUSY,
				 "pid %d: SysV shm key %#x (shm id %d) is in use",
				 rt->pid, key, shmid);
	if (got < 0)
		return ckpt_fail(rt->ctx, got,
				 "pid %d: cannot create SysV shm id %d of %llu bytes (error %ld)",
				 rt->pid, shmid, size, got);

	/*
	 * Hold it by an attachment, marked removed: whatever happens now,
	 * the segment goes with its last detach, at the latest when this
	 * task dies.  ckpt_sysvshm_commit() unmarks it.
	 */
	ret = do_shmat(got, (char __user *)addr, 0, &raddr, SHMLBA);
	if (ret && do_shmat(got, NULL, 0, &raddr, SHMLBA)) {
		pr_warn("SysV shm id %ld: cannot attach to remove it\n", got);
		return ckpt_fail(rt->ctx, ret, "pid %d: cannot attach SysV shm id %ld (error %ld)",
				 rt->pid, got, ret);
	}
	ckpt_sysv_update(ns, got, CKPT_SHM_DEST, 0, owners);
	if (got != shmid || ret) {
		ksys_shmdt((char __user *)raddr);
		if (got != shmid)
			return ckpt_fail(rt->ctx, -EBUSY,
					 "pid %d: SysV shm id %d is in use", rt->pid, shmid);
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: cannot attach SysV shm id %d at %llx (error %ld)",
				 rt->pid, shmid, addr, ret);
	}
	mmap_read_lock(current->mm);
	vma = vma_lookup(current->mm, raddr);
	*filep = vma && vma->vm_file ? get_file(vma->vm_file) : NULL;
	mmap_read_unlock(current->mm);
	if (!*filep)
		return ckpt_fail(rt->ctx, -EAGAIN, "pid %d: SysV shm id %d went away",
				 rt->pid, shmid);
	return 0;
}

/**
 * ckpt_restore_sysvshm() - recreate a SysV shm segment with its id
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_SYSVSHM
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_sysvshm(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct user_namespace *userns = current_user_ns();
	struct ckpt_sysvshm *r = rec;
	u32 mode = le32_to_cpu(r->mode);
	u64 size = le64_to_cpu(r->size), addr = le64_to_cpu(r->addr);
	struct kern_ipc_perm owners;
	struct ckpt_sysv *sv;
	long ret;

	if (len != sizeof(*r))
		goto bad;
	owners.uid = make_kuid(userns, le32_to_cpu(r->uid));
	owners.gid = make_kgid(userns, le32_to_cpu(r->gid));
	owners.cuid = make_kuid(userns, le32_to_cpu(r->cuid));
	owners.cgid = make_kgid(userns, le32_to_cpu(r->cgid));
	if (le32_to_cpu(r->shmid) > INT_MAX ||
	    (mode & ~(0777 | CKPT_SHM_DEST)) ||
	    ((mode & CKPT_SHM_DEST) && r->key) ||
	    !size || size > SIZE_MAX / 2 || !addr || !PAGE_ALIGNED(addr) ||
	    addr >= TASK_SIZE || TASK_SIZE - addr < PAGE_ALIGN(size) ||
	    !uid_valid(owners.uid) || !gid_valid(owners.gid) ||
	    !uid_valid(owners.cuid) || !gid_valid(owners.cgid))
		goto bad;
	ret = ckpt_restart_check_ipc(rt, "shm segment", le32_to_cpu(r->shmid),
				     &owners);
	if (ret)
		return ret;
	sv = kzalloc(sizeof(*sv), GFP_KERNEL);
	if (!sv)
		return ckpt_fail(rt->ctx, -ENOMEM, "out of memory");
	ret = ckpt_sysv_create(rt, r, &owners, &sv->file);
	if (ret) {
		ckpt_sysv_free(sv);
		return ret;
	}
	sv->shmid = le32_to_cpu(r->shmid);
	sv->dest = mode & CKPT_SHM_DEST;
	return ckpt_obj_add_owned(rt->ctx, le32_to_cpu(r->id), CKPT_OBJ_SYSVSHM,
				  sv, ckpt_sysv_free);
bad:
	return ckpt_fail(rt->ctx, -EINVAL, "image: pid %d: malformed SysV shm record",
			 rt->pid);
}

/**
 * ckpt_restore_sysvshm_attach() - attach a segment where the image has it
 * @rt:    the task being restored (current)
 * @file:  the file of a CKPT_FILE_SYSVSHM
 * @start: the area of the CKPT_REC_VMA
 * @end:   ...
 * @prot:  its CKPT_PROT_*
 * @pgoff: its pgoff, 0
 *
 * Return: 0 or a negative errno.
 */
int ckpt_restore_sysvshm_attach(struct ckpt_rtask *rt, struct file *file,
				u64 start, u64 end, u32 prot, u64 pgoff)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned long raddr = 0;
	int shmid, shmflg;
	long ret;

	if (!ckpt_sysv_shm_file(file) || pgoff || !(prot & CKPT_PROT_READ) ||
	    end - start != PAGE_ALIGN(i_size_read(file_inode(file))))
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: malformed SysV shm attachment",
				 rt->pid);
	shmid = file_inode(file)->i_ino;
	shmflg = (prot & CKPT_PROT_WRITE ? 0 : SHM_RDONLY) |
		 (prot & CKPT_PROT_EXEC ? SHM_EXEC : 0);
	/* The attachment that holds it since its creation: replace it. */
	mmap_read_lock(mm);
	vma = vma_lookup(mm, start);
	if (vma && vma->vm_start == start && vma->vm_end == end &&
	    vma->vm_file && ckpt_sysv_shm_file(vma->vm_file) &&
	    file_inode(vma->vm_file) == file_inode(file))
		shmflg |= SHM_REMAP;
	mmap_read_unlock(mm);
	ret = do_shmat(shmid, (char __user *)(unsigned long)start, shmflg, &raddr,
		       SHMLBA);
	if (ret || raddr != start)
		return ckpt_fail(rt->ctx, ret ?: -EEXIST,
				 "pid %d: cannot attach SysV shm id %d at %llx (error %ld)",
				 rt->pid, shmid, start, ret ?: -EEXIST);
	return 0;
}

/*
 * The image is complete and the tasks die next: mark for removal each
 * segment whose every attachment is the group's.  The segment's dentry
 * has a reference from the segment, one from each shmat() file, and ours
 * for each of the group's files; each such file one from each memory area
 * mapping it, which fork() shares (the group's only, if nobody outside
 * inherited it), and one from the object table if the image has it as a
 * mapped file.  The tasks are frozen: their areas stay.
 */
static void ckpt_sysvshm_kill(struct ckpt_ctx *ctx)
{
	struct ckpt_shm_kill *k = ctx->priv[CKPT_RES_ID_sysvshm];
	unsigned int i, j, files;
	bool alone;

	for (i = 0; k && i < k->nr; i++) {
		struct dentry *d = k->seen[i].dentry;

		for (j = 0, files = 0, alone = true; j < k->nr; j++) {
			if (k->seen[j].dentry != d)
				continue;
			files++;
			alone &= file_count(k->seen[j].file) == k->seen[j].areas +
				 !!ckpt_obj_find(ctx, CKPT_OBJ_FILE, k->seen[j].file);
		}
		if (alone && d_count(d) == 1 + 2 * files)
			ckpt_sysv_update(k->ns, k->seen[i].shmid, CKPT_SHM_DEST, 0, NULL);
	}
}

static void ckpt_sysvshm_release(struct ckpt_ctx *ctx)
{
	struct ckpt_shm_kill *k = ctx->priv[CKPT_RES_ID_sysvshm];
	unsigned int i;

	if (!k)
		return;
	for (i = 0; i < k->nr; i++)
		dput(k->seen[i].dentry);
	put_ipc_ns(k->ns);
	kfree(k->seen);
	kfree(k);
	ctx->priv[CKPT_RES_ID_sysvshm] = NULL;
}

static void ckpt_sysv_commit_one(struct ckpt_ctx *ctx, void *ptr)
{
	struct ckpt_sysv *sv = ptr;

	if (!sv->dest)
		ckpt_sysv_update(current->nsproxy->ipc_ns, sv->shmid, 0,
				 CKPT_SHM_DEST, NULL);
}

/**
 * ckpt_sysvshm_commit() - the restart succeeds: keep the segments made
 * @ctx: the restart, whose tasks have all their attachments and run no
 *       user code yet
 *
 * Segments that were not removed at the checkpoint are unmarked, so that
 * they stay after their last detach as before.
 */
static void ckpt_sysvshm_commit(struct ckpt_ctx *ctx)
{
	ckpt_obj_for_each(ctx, CKPT_OBJ_SYSVSHM, ckpt_sysv_commit_one);
}

static const struct ckpt_rec_op ckpt_sysvshm_recs[] = {
	{ .type = CKPT_REC_SYSVSHM, .restore = ckpt_restore_sysvshm },
	{ }
};

const struct ckpt_resource ckpt_res_sysvshm = {
	.name		= "SysV shm segments",
	.kill		= ckpt_sysvshm_kill,
	.commit		= ckpt_sysvshm_commit,
	.release	= ckpt_sysvshm_release,
	.recs		= ckpt_sysvshm_recs,
};
