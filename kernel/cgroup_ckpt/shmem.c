// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: objects whose contents go into the image.
 *
 * Some files have no name to reopen at restart: the shmem file behind a
 * MAP_SHARED|MAP_ANONYMOUS mapping ("/dev/zero (deleted)"), a memfd, a
 * regular file unlinked while open.  Their inode is an object of its own
 * (CKPT_REC_SHMEM, CKPT_REC_UNLINKED), written once with its contents
 * (CKPT_REC_SHMEM_PAGES), before the first open file on it; every open file
 * and memory area using it refers to it, so that after restart the
 * processes that shared it share it again.
 *
 * Contents are read from the inode's page cache, not through the page
 * tables of one process: only pages present in it, holes and zero pages
 * left out.  Restart creates the inode anew (a shmem file, a memfd, an
 * O_TMPFILE in the same directory) and writes the pages into it.  SysV
 * shm segments (sysvshm.c) write and fill their contents with these too.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/dcache.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/hugetlb.h>
#include <linux/memfd.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include "ckpt.h"
#include "sysvshm.h"

static_assert(sizeof(struct ckpt_shmem) == 32);
static_assert(sizeof(struct ckpt_shmem_pages) == 24);
static_assert(sizeof(struct ckpt_unlinked) == 32);

#define CKPT_MEMFD_PREFIX	"memfd:"
#define CKPT_MEMFD_PREFIX_LEN	(sizeof(CKPT_MEMFD_PREFIX) - 1)
#define CKPT_SEALS_ALL		(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | \
				 F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)

/* A file the kernel made without a directory entry (memfd, shm, pipe...). */
static bool ckpt_anon_inode_file(struct file *file)
{
	return IS_ROOT(file->f_path.dentry) &&
	       (file->f_path.mnt->mnt_flags & MNT_INTERNAL);
}

/* "pid 12 fd 3" or "pid 12 memory" */
static int ckpt_contents_refuse(struct ckpt_ctx *ctx, struct task_struct *t,
				int fd, const char *what)
{
	char where[24] = "memory";

	if (fd >= 0)
		snprintf(where, sizeof(where), "fd %d", fd);
	return ckpt_fail(ctx, -EOPNOTSUPP, "pid %d %s: %s", task_pid_vnr(t),
			 where, what);
}

/**
 * ckpt_shmem_classify() - the kind of a file whose contents are saved
 * @ctx:  the checkpoint
 * @t:    the task using it
 * @fd:   its fd, or -1 for a memory mapping
 * @file: a regular file
 * @kind: set to CKPT_FILE_SHMEM, _MEMFD, _UNLINKED or _SYSVSHM, or 0 for a file
 *        reopened by path
 *
 * Return: 0, or -EOPNOTSUPP (with the reason) for an anonymous file of a
 * kind not supported.
 */
static int ckpt_shmem_classify(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
			       struct file *file, u32 *kind)
{
	struct inode *inode = file_inode(file);
	const char *name = file->f_path.dentry->d_name.name;

	*kind = 0;
	if (!ckpt_anon_inode_file(file)) {
		if (!d_unlinked(file->f_path.dentry))
			return 0;
		if (inode->i_nlink)
			return ckpt_contents_refuse(ctx, t, fd,
						    "an unlinked name of a file that has other links; not supported");
		*kind = CKPT_FILE_UNLINKED;
		return 0;
	}
	if (!shmem_file(file))
		return ckpt_contents_refuse(ctx, t, fd,
					    is_file_hugepages(file) ?
					    "a hugetlb memfd or segment; not supported yet" :
					    "an anonymous file; not supported");
	if (ckpt_sysv_shm_file(file))
		*kind = CKPT_FILE_SYSVSHM;
	else if (IS_PRIVATE(inode) && !strcmp(name, "dev/zero"))
		*kind = CKPT_FILE_SHMEM;
	else if (!IS_PRIVATE(inode) &&
		 !strncmp(name, CKPT_MEMFD_PREFIX, CKPT_MEMFD_PREFIX_LEN))
		*kind = CKPT_FILE_MEMFD;
	else
		return ckpt_contents_refuse(ctx, t, fd,
					    "a kernel-internal shmem file; not supported");
	return 0;
}

static int ckpt_flush_contents(struct ckpt_ctx *ctx, u32 id, pgoff_t pgoff,
			       unsigned int n)
{
	struct ckpt_shmem_pages r = { };

	if (!n)
		return 0;
	r.id = cpu_to_le32(id);
	r.nr_pages = cpu_to_le32(n);
	r.pgoff = cpu_to_le64(pgoff);
	return ckpt_write2(ctx, &r, CKPT_REC_SHMEM_PAGES, sizeof(r),
			   ctx->pagebuf, n * PAGE_SIZE);
}

/*
 * Append page @index (in ctx->pagebuf slot *n, already filled) to the run
 * starting at *run, or flush.  A zero page ends the run and is dropped.
 */
static int ckpt_add_page(struct ckpt_ctx *ctx, u32 id, pgoff_t index,
			 pgoff_t *run, unsigned int *n)
{
	void *p = ctx->pagebuf + *n * PAGE_SIZE;
	int ret;

	if (*n && index != *run + *n) {
		/* Not contiguous: flush what we have, then move the page. */
		ret = ckpt_flush_contents(ctx, id, *run, *n);
		if (ret)
			return ret;
		memmove(ctx->pagebuf, p, PAGE_SIZE);
		*n = 0;
		p = ctx->pagebuf;
	}
	if (!memchr_inv(p, 0, PAGE_SIZE))
		return 0;
	if (!*n)
		*run = index;
	if (++*n < CKPT_PAGES_MAX)
		return 0;
	ret = ckpt_flush_contents(ctx, id, *run, *n);
	*n = 0;
	return ret;
}

/**
 * ckpt_dump_shmem_pages() - write the pages present in a shmem inode,
 *                           straight from its page cache
 * @ctx:   the checkpoint
 * @id:    the object id of the inode
 * @inode: the inode
 *
 * Return: 0 or a negative errno.
 */
int ckpt_dump_shmem_pages(struct ckpt_ctx *ctx, u32 id, struct inode *inode)
{
	struct address_space *mapping = inode->i_mapping;
	pgoff_t end = DIV_ROUND_UP(i_size_read(inode), PAGE_SIZE);
	pgoff_t index = 0, run = 0;
	unsigned int n = 0;
	int ret = 0;

	/* A dry run, or ckpt.exclude shmem: the object, zero-filled. */
	if (ctx->check || (ctx->exclude & CKPT_EXCL_SHMEM))
		return 0;
	while (!ret && index < end) {
		struct folio *folio = NULL;
		struct page *page;
		void *kaddr;

		/* The next page or swap entry; holes are skipped. */
		if (!xa_find(&mapping->i_pages, &index, end - 1, XA_PRESENT))
			break;
		ret = shmem_get_folio(inode, index, &folio, SGP_READ);
		if (ret == -EINVAL) {		/* truncated meanwhile */
			ret = 0;
			break;
		}
		if (ret)
			return ckpt_fail(ctx, ret, "cannot read shared memory (error %d)",
					 ret);
		if (folio) {
			folio_unlock(folio);
			page = folio_file_page(folio, index);
			kaddr = kmap_local_page(page);
			memcpy(ctx->pagebuf + n * PAGE_SIZE, kaddr, PAGE_SIZE);
			kunmap_local(kaddr);
			folio_put(folio);
			ret = ckpt_add_page(ctx, id, index, &run, &n);
		}
		index++;
		cond_resched();
		if (fatal_signal_pending(current))
			return ckpt_fail(ctx, -EINTR, "interrupted by a signal");
	}
	if (!ret)
		ret = ckpt_flush_contents(ctx, id, run, n);
	return ret;
}

/* Pages of an unlinked file with data, read through a file of our own. */
static int ckpt_dump_file_pages(struct ckpt_ctx *ctx, struct task_struct *t,
				int fd, u32 id, struct file *file)
{
	loff_t size = i_size_read(file_inode(file)), pos = 0;
	pgoff_t run = 0;
	unsigned int n = 0;
	struct file *rf;
	int ret = 0;

	if (ctx->check)
		return 0;
	rf = dentry_open(&file->f_path, O_RDONLY | O_LARGEFILE, current_cred());
	if (IS_ERR(rf))
		return ckpt_fail(ctx, PTR_ERR(rf),
				 "pid %d: cannot read an unlinked file (error %ld)",
				 task_pid_vnr(t), PTR_ERR(rf));
	while (!ret && pos < size) {
		void *p = ctx->pagebuf + n * PAGE_SIZE;
		loff_t data = vfs_llseek(rf, pos, SEEK_DATA), off;
		ssize_t got;

		if (data == -ENXIO)
			break;
		if (data >= 0)
			pos = round_down(data, PAGE_SIZE);
		if (pos >= size)
			break;
		off = pos;
		got = kernel_read(rf, p, PAGE_SIZE, &off);
		if (got < 0) {
			ret = ckpt_fail(ctx, got,
					"pid %d: cannot read an unlinked file (error %zd)",
					task_pid_vnr(t), got);
			break;
		}
		memset(p + got, 0, PAGE_SIZE - got);
		ret = ckpt_add_page(ctx, id, pos >> PAGE_SHIFT, &run, &n);
		pos += PAGE_SIZE;
		cond_resched();
		if (!ret && fatal_signal_pending(current))
			ret = ckpt_fail(ctx, -EINTR, "interrupted by a signal");
	}
	if (!ret)
		ret = ckpt_flush_contents(ctx, id, run, n);
	fput(rf);
	return ret;
}

static int ckpt_dump_unlinked(struct ckpt_ctx *ctx, struct task_struct *t,
			      int fd, struct file *file, u32 id)
{
	struct inode *inode = file_inode(file);
	struct ckpt_unlinked r = { };
	struct path dir;
	char *page, *path;
	int ret;

	page = (char *)__get_free_page(GFP_KERNEL);
	if (!page)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	dir.mnt = file->f_path.mnt;
	dir.dentry = dget_parent(file->f_path.dentry);
	path = d_path(&dir, page, PAGE_SIZE);
	if (IS_ERR(path) || d_unlinked(dir.dentry)) {
		ret = ckpt_contents_refuse(ctx, t, fd,
					   "an unlinked file whose directory is gone");
		goto out;
	}
	r.id = cpu_to_le32(id);
	r.mode = cpu_to_le32(inode->i_mode);
	r.size = cpu_to_le64(i_size_read(inode));
	r.dir_len = cpu_to_le32(strlen(path));
	ret = ckpt_write2(ctx, &r, CKPT_REC_UNLINKED, sizeof(r), path,
			  strlen(path) + 1);
	if (!ret)
		ret = ckpt_dump_file_pages(ctx, t, fd, id, file);
out:
	dput(dir.dentry);
	free_page((unsigned long)page);
	return ret;
}

static int ckpt_dump_shmem(struct ckpt_ctx *ctx, struct file *file, u32 kind,
			   u32 id)
{
	struct inode *inode = file_inode(file);
	const char *name = "";
	struct ckpt_shmem r = { };
	long seals = 0;
	int ret;

	if (kind == CKPT_FILE_MEMFD) {
		name = file->f_path.dentry->d_name.name + CKPT_MEMFD_PREFIX_LEN;
		seals = memfd_fcntl(file, F_GET_SEALS, 0);
		if (seals < 0)
			seals = 0;
	}
	r.id = cpu_to_le32(id);
	r.kind = cpu_to_le32(kind == CKPT_FILE_MEMFD ? CKPT_SHMEM_MEMFD :
			     CKPT_SHMEM_ANON);
	r.size = cpu_to_le64(i_size_read(inode));
	r.seals = cpu_to_le32(seals);
	r.name_len = cpu_to_le32(strlen(name));
	ret = ckpt_write2(ctx, &r, CKPT_REC_SHMEM, sizeof(r), name,
			  strlen(name) + 1);
	if (!ret)
		ret = ckpt_dump_shmem_pages(ctx, id, inode);
	return ret;
}

/**
 * ckpt_dump_contents() - write the inode of @file with its contents, once
 * @ctx:  the checkpoint
 * @t:    the task using it
 * @fd:   its fd, or -1 for a memory mapping
 * @file: the file, held by the object table
 * @kind: what ckpt_shmem_classify() said
 * @id:   set to the object id of the inode
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_dump_contents(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
			      struct file *file, u32 kind, u32 *id)
{
	bool new;

	*id = ckpt_obj_lookup(ctx, CKPT_OBJ_INODE, file_inode(file), &new);
	if (!*id)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	if (!new)
		return 0;
	/* ckpt_dump_sysvshm() defines a segment, from its first attachment. */
	if (kind == CKPT_FILE_SYSVSHM)
		return ckpt_contents_refuse(ctx, t, fd,
					    "a SysV shm file outside of an attachment");
	if (kind == CKPT_FILE_UNLINKED)
		return ckpt_dump_unlinked(ctx, t, fd, file, *id);
	return ckpt_dump_shmem(ctx, file, kind, *id);
}

/**
 * ckpt_restore_shmem() - recreate a shmem object of the image, empty
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_SHMEM
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_shmem(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_shmem *r = rec;
	u32 kind = le32_to_cpu(r->kind), seals = le32_to_cpu(r->seals);
	u32 name_len = le32_to_cpu(r->name_len);
	u64 size = le64_to_cpu(r->size);
	char name[NAME_MAX + 1];
	struct file *file;

	if (len < sizeof(*r) || name_len > NAME_MAX - CKPT_MEMFD_PREFIX_LEN ||
	    len != sizeof(*r) + name_len + 1 || r->name[name_len] ||
	    strlen(r->name) != name_len || size > MAX_LFS_FILESIZE ||
	    (seals & ~CKPT_SEALS_ALL) ||
	    (kind == CKPT_SHMEM_ANON && (name_len || seals)) ||
	    (kind != CKPT_SHMEM_ANON && kind != CKPT_SHMEM_MEMFD))
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: malformed shared memory record",
				 rt->pid);
	if (kind == CKPT_SHMEM_ANON) {
		/* As shmem_zero_setup() makes it for a shared mapping. */
		file = shmem_kernel_file_setup("dev/zero", size, 0);
	} else {
		snprintf(name, sizeof(name), CKPT_MEMFD_PREFIX "%s", r->name);
		file = shmem_file_setup(name, size, VM_NORESERVE);
	}
	if (IS_ERR(file))
		return ckpt_fail(rt->ctx, PTR_ERR(file),
				 "pid %d: cannot create shared memory of %llu bytes (error %ld)",
				 rt->pid, size, PTR_ERR(file));
	if (kind == CKPT_SHMEM_MEMFD) {
		/* As memfd_create(); the seals go on as they were. */
		file->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
		file->f_flags |= O_LARGEFILE;
		if ((seals & F_SEAL_WRITE) && mapping_deny_writable(file->f_mapping)) {
			fput(file);
			return ckpt_fail(rt->ctx, -EBUSY, "pid %d: cannot seal a memfd",
					 rt->pid);
		}
		SHMEM_I(file_inode(file))->seals = seals;
	}
	return ckpt_obj_add(rt->ctx, le32_to_cpu(r->id), CKPT_OBJ_CONTENTS, file);
}

/**
 * ckpt_restore_unlinked() - recreate an unlinked file, empty, of its size
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_UNLINKED
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_unlinked(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_unlinked *r = rec;
	u32 dir_len = le32_to_cpu(r->dir_len), mode = le32_to_cpu(r->mode);
	u64 size = le64_to_cpu(r->size);
	struct file *file;
	int ret;

	if (len < sizeof(*r) || dir_len >= PATH_MAX ||
	    len != sizeof(*r) + dir_len + 1 || r->dir[dir_len] ||
	    strlen(r->dir) != dir_len || r->dir[0] != '/' || r->__reserved ||
	    !S_ISREG(mode) || size > MAX_LFS_FILESIZE)
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: malformed unlinked file record",
				 rt->pid);
	file = filp_open(r->dir, O_TMPFILE | O_RDWR | O_LARGEFILE, mode & 07777);
	if (IS_ERR(file))
		return ckpt_fail(rt->ctx, PTR_ERR(file),
				 "pid %d: cannot create an unlinked file in %s (error %ld)",
				 rt->pid, r->dir, PTR_ERR(file));
	ret = vfs_truncate(&file->f_path, size);
	if (ret) {
		fput(file);
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: cannot size an unlinked file in %s to %llu (error %d)",
				 rt->pid, r->dir, size, ret);
	}
	return ckpt_obj_add(rt->ctx, le32_to_cpu(r->id), CKPT_OBJ_CONTENTS, file);
}

/* The file holding the contents of object @id, with a reference. */
static struct file *ckpt_contents_get(struct ckpt_ctx *ctx, u32 id)
{
	if (ckpt_obj_type_of(ctx, id) != CKPT_OBJ_SYSVSHM)
		return ckpt_obj_get(ctx, id, CKPT_OBJ_CONTENTS);
	return ckpt_sysvshm_file_get(ctx, id);
}

/* Write @nr pages of ctx->pagebuf into a shmem inode, seals or not. */
static int ckpt_fill_shmem(struct inode *inode, void *buf, pgoff_t index,
			   unsigned int nr)
{
	unsigned int i;
	int ret;

	for (i = 0; i < nr; i++) {
		struct folio *folio = NULL;
		void *kaddr;

		ret = shmem_get_folio(inode, index + i, &folio, SGP_CACHE);
		if (ret)
			return ret;
		kaddr = kmap_local_page(folio_file_page(folio, index + i));
		memcpy(kaddr, buf + i * PAGE_SIZE, PAGE_SIZE);
		kunmap_local(kaddr);
		flush_dcache_folio(folio);
		folio_mark_dirty(folio);
		folio_unlock(folio);
		folio_put(folio);
	}
	return 0;
}

/**
 * ckpt_restore_shmem_pages() - read contents into a recreated object
 * @rt:  the task being restored (current)
 * @rec: the header of a CKPT_REC_SHMEM_PAGES, whose payload is next
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_shmem_pages(struct ckpt_rtask *rt, const struct ckpt_hdr *rec)
{
	struct ckpt_ctx *ctx = rt->ctx;
	struct ckpt_shmem_pages r;
	struct file *file;
	u64 pgoff, bytes;
	loff_t size, pos;
	u32 nr;
	int ret;

	if (rec->len < sizeof(r))
		goto bad;
	ret = ckpt_read_payload(ctx, (u8 *)&r + sizeof(*rec),
				sizeof(r) - sizeof(*rec));
	if (ret)
		return ret;
	pgoff = le64_to_cpu(r.pgoff);
	nr = le32_to_cpu(r.nr_pages);
	bytes = (u64)nr * PAGE_SIZE;
	if (!nr || nr > CKPT_PAGES_MAX || rec->len != sizeof(r) + bytes ||
	    pgoff > (MAX_LFS_FILESIZE >> PAGE_SHIFT))
		goto bad;
	file = ckpt_contents_get(ctx, le32_to_cpu(r.id));
	if (!file)
		return -EINVAL;
	size = i_size_read(file_inode(file));
	pos = pgoff << PAGE_SHIFT;
	if (pos + bytes - PAGE_SIZE >= size) {
		fput(file);
		goto bad;
	}
	ret = ckpt_read_payload(ctx, ctx->pagebuf, bytes);
	if (!ret && shmem_file(file)) {
		ret = ckpt_fill_shmem(file_inode(file), ctx->pagebuf, pgoff, nr);
	} else if (!ret) {
		ssize_t want = min_t(loff_t, bytes, size - pos);
		ssize_t done = kernel_write(file, ctx->pagebuf, want, &pos);

		ret = done == want ? 0 : done < 0 ? done : -EIO;
	}
	fput(file);
	if (ret)
		return ckpt_fail(ctx, ret,
				 "pid %d: cannot fill shared memory or an unlinked file (error %d)",
				 rt->pid, ret);
	return 0;
bad:
	return ckpt_fail(ctx, -EINVAL,
			 "image: pid %d: malformed shared memory page record",
			 rt->pid);
}

/**
 * ckpt_restore_contents_file() - an open file on a recreated object
 * @rt:    the task being restored (current)
 * @r:     its CKPT_REC_FILE
 * @path:  the path it gives
 *
 * Return: a new file, or an ERR_PTR() with a reason recorded.
 */
static struct file *ckpt_restore_contents_file(struct ckpt_rtask *rt,
					       const struct ckpt_file *r,
					       const char *path)
{
	u32 kind = le32_to_cpu(r->kind);
	u32 id = le32_to_cpu(r->obj);
	u32 flags = le32_to_cpu(r->flags);
	struct file *obj, *file;
	struct inode *inode;
	bool ok;

	obj = ckpt_contents_get(rt->ctx, id);
	if (!obj)
		return ERR_PTR(-EINVAL);
	inode = file_inode(obj);
	switch (kind) {
	case CKPT_FILE_SHMEM:
		ok = shmem_file(obj) && IS_PRIVATE(inode) &&
		     !ckpt_sysv_shm_file(obj);
		break;
	case CKPT_FILE_SYSVSHM:
		ok = ckpt_sysv_shm_file(obj);
		break;
	case CKPT_FILE_MEMFD:
		ok = shmem_file(obj) && !IS_PRIVATE(inode) &&
		     IS_ROOT(obj->f_path.dentry);
		break;
	default:
		ok = !IS_ROOT(obj->f_path.dentry);
		break;
	}
	if (!ok) {
		fput(obj);
		ckpt_fail(rt->ctx, -EINVAL,
			  "image: pid %d: file of kind %u on object %u of another kind",
			  rt->pid, kind, id);
		return ERR_PTR(-EINVAL);
	}
	/* The mapping's own file: nothing else ever opens it. */
	if (kind == CKPT_FILE_SHMEM || kind == CKPT_FILE_SYSVSHM)
		return obj;
	file = dentry_open(&obj->f_path, flags | O_LARGEFILE, current_cred());
	fput(obj);
	if (IS_ERR(file))
		ckpt_fail(rt->ctx, PTR_ERR(file),
			  "pid %d: cannot open a memfd or unlinked file (error %ld)",
			  rt->pid, PTR_ERR(file));
	return file;
}

/* A regular file with no name to reopen: its contents go in the image. */
static bool ckpt_contents_match(struct ckpt_ctx *ctx, const struct ckpt_fdump *d)
{
	return S_ISREG(file_inode(d->file)->i_mode) &&
	       (ckpt_anon_inode_file(d->file) ||
		d_unlinked(d->file->f_path.dentry));
}

/* Its contents, before its CKPT_REC_FILE, which says what it is. */
static int ckpt_dump_contents_as(struct ckpt_ctx *ctx, struct ckpt_fdump *d)
{
	int ret;

	ret = ckpt_shmem_classify(ctx, d->t, d->fd, d->file, &d->kind);
	if (!ret && !d->kind)
		ret = -EINVAL;	/* ckpt_contents_match() said it has no name */
	return ret ?: ckpt_dump_contents(ctx, d->t, d->fd, d->file, d->kind,
					 &d->obj);
}

static const struct ckpt_file_ops ckpt_shmem_files[] = {
	{
		.kind		= CKPT_FILE_SHMEM,
		.flags		= CKPT_FOP_PATH | CKPT_FOP_NODIR,
		.match		= ckpt_contents_match,
		.dump_as	= ckpt_dump_contents_as,
		.open		= ckpt_restore_contents_file,
		.held		= ckpt_held_offset,
	},
	{
		.kind		= CKPT_FILE_MEMFD,
		.flags		= CKPT_FOP_PATH | CKPT_FOP_NODIR,
		.open		= ckpt_restore_contents_file,
	},
	{
		.kind		= CKPT_FILE_UNLINKED,
		.flags		= CKPT_FOP_PATH | CKPT_FOP_NODIR,
		.open		= ckpt_restore_contents_file,
	},
	/* the file of an attachment, on the segment sysvshm.c made */
	{
		.kind		= CKPT_FILE_SYSVSHM,
		.flags		= CKPT_FOP_PATH | CKPT_FOP_NODIR,
		.open		= ckpt_restore_contents_file,
	},
	{ }
};

static const struct ckpt_rec_op ckpt_shmem_recs[] = {
	{ .type = CKPT_REC_SHMEM, .restore = ckpt_restore_shmem },
	{ .type = CKPT_REC_UNLINKED, .restore = ckpt_restore_unlinked },
	{ .type = CKPT_REC_SHMEM_PAGES, .stream = ckpt_restore_shmem_pages },
	{ }
};

const struct ckpt_resource ckpt_res_shmem = {
	.name		= "shared memory contents",
	.recs		= ckpt_shmem_recs,
	.files		= ckpt_shmem_files,
};
