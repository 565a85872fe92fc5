/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ckpt: SysV shm segments (sysvshm.c) and the shared memory whose pages
 * they hold (shmem.c), as mm.c meets them in the areas of a process.
 * Private to these three files.
 */
#ifndef _KERNEL_CGROUP_CKPT_SYSVSHM_H
#define _KERNEL_CGROUP_CKPT_SYSVSHM_H

#include <linux/shmem_fs.h>
#include "ckpt.h"

/* sysvshm.c, for mm.c */
int ckpt_sysv_shm_check(struct ckpt_ctx *ctx, struct task_struct *t,
			struct vm_area_struct *vma);
int ckpt_dump_sysvshm(struct ckpt_ctx *ctx, struct task_struct *t,
		      struct file *file, unsigned long addr);
int ckpt_restore_sysvshm_attach(struct ckpt_rtask *rt, struct file *file,
				u64 start, u64 end, u32 prot, u64 pgoff);

/* shmem.c, for sysvshm.c */
int ckpt_dump_shmem_pages(struct ckpt_ctx *ctx, u32 id, struct inode *inode);

/* sysvshm.c: a segment made by restart, whose contents shmem.c fills */
/**
 * struct ckpt_sysv - a SysV shm segment made by a restart
 * @file:  the file of its first attachment, for its contents
 * @shmid: its id
 * @dest:  it was removed (IPC_RMID) already and goes with its last detach
 *
 * From its creation to the end of the restart the segment is marked
 * removed and kept by an attachment in the process defining it: if the
 * restart fails, the death of its tasks takes the segment with them.
 */
struct ckpt_sysv {
	struct file	*file;
	int		shmid;
	bool		dest;
};

/**
 * ckpt_sysv_shm_file() - is @file the file of a SysV shm attachment
 * @file: a file
 *
 * ipc/shm.c gives each attachment a file of its own over the segment's
 * shmem file, with its own file operations, and numbers the shmem inode
 * with the segment's id.
 *
 * Return: true if it is.
 */
static inline bool ckpt_sysv_shm_file(struct file *file)
{
	return shmem_file(file) && file->f_op != file_inode(file)->i_fop;
}

/**
 * ckpt_sysvshm_file_get() - the file holding the contents of a segment
 * @ctx: the restart
 * @id:  the object id of its CKPT_REC_SYSVSHM
 *
 * Return: the file with a new reference, or NULL (with a reason recorded).
 */
static inline struct file *
ckpt_sysvshm_file_get(struct ckpt_ctx *ctx, u32 id)
{
	struct ckpt_sysv *sv = ckpt_obj_get(ctx, id, CKPT_OBJ_SYSVSHM);

	return sv ? get_file(sv->file) : NULL;
}

#endif /* _KERNEL_CGROUP_CKPT_SYSVSHM_H */
