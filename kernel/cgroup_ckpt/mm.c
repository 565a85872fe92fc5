// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: address spaces.
 *
 * Checkpoint writes the layout (one record per area) and, for each area,
 * the pages only the process has: anonymous pages, including the copies a
 * private file mapping made of the pages it wrote.  Shared mappings have
 * no pages of their own: shared anonymous memory and memfds are objects
 * with their contents (shmem.c), regular files keep theirs (written back
 * at checkpoint) and are mapped shared again.  Pages that are still
 * the file's, never-touched and zero pages are not written, as in a core
 * dump; an area that never had an anon_vma has no page of its own at all.
 *
 * Restart builds a fresh mm in the restored task the way exec does
 * (exec_mmap()), maps each area at its address, and fills in the pages
 * through the same path ptrace's PTRACE_POKEDATA takes, which also writes
 * into read-only private mappings.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/binfmts.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/personality.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/userfaultfd_k.h>
#include <asm/elf.h>
#include "ckpt.h"
#include "snapshot.h"
#include "sysvshm.h"
#include "arch.h"

static_assert(sizeof(struct ckpt_mm) == 120);
static_assert(sizeof(struct ckpt_vma) == 48);
static_assert(sizeof(struct ckpt_pages) == 24);
static_assert(sizeof(struct ckpt_vma_anon) == 24);
static_assert(sizeof(struct ckpt_pages_run) == 16);

/* Pages looked at per hold of the mmap lock. */
#define CKPT_SCAN_BATCH		64
/* Page table entries looked at per hold of their lock (on the stack). */
#define CKPT_SCAN_PTES		16

struct ckpt_area {
	unsigned long	start, end, pgoff;
	unsigned long	vm_flags;
	struct file	*file;
	bool		has_anon;
	u32		flags;		/* CKPT_VMA_* */
};

/* Why an area cannot be checkpointed, or NULL. */
static const char *ckpt_vma_refusal(struct vm_area_struct *vma)
{
	if ((vma->vm_flags & VM_MAYSHARE) && !vma->vm_file)
		return "shared memory mapping without a file";
	if (vma->vm_flags & (VM_IO | VM_PFNMAP | VM_MIXEDMAP))
		return "device memory mapping";
	if (is_vm_hugetlb_page(vma))
		return "hugetlb mapping; not supported yet";
	if (vma->vm_flags & VM_LOCKED)
		return "mlocked mapping; not supported yet";
	if (userfaultfd_armed(vma))
		return "userfaultfd-registered mapping; not supported yet";
	return NULL;
}

static int ckpt_collect_areas(struct ckpt_ctx *ctx, struct task_struct *t,
			      struct mm_struct *mm, struct ckpt_area **areasp,
			      unsigned int *nrp)
{
	unsigned long vdso = (unsigned long)mm->context.vdso;
	struct ckpt_area *areas;
	struct vm_area_struct *vma;
	struct vma_iterator vmi;
	unsigned int nr = 0, n = 0;
	int ret = 0;

	vma_iter_init(&vmi, mm, 0);
	for_each_vma(vmi, vma)
		nr++;
	areas = kvcalloc(nr, sizeof(*areas), GFP_KERNEL);
	if (!areas)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");

	vma_iter_init(&vmi, mm, 0);
	for_each_vma(vmi, vma) {
		struct ckpt_area *a = &areas[n];
		const char *why = ckpt_vma_refusal(vma);

		if (!vma->vm_file && vma->vm_ops && vma->vm_ops->name) {
			const char *name = vma->vm_ops->name(vma);

			/* The vDSO is mapped anew, with its data pages. */
			if (vma->vm_start == vdso ||
			    (name && !strcmp(name, "[vvar]")))
				continue;
			why = "special mapping; not supported";
		}
		ret = ckpt_sysv_shm_check(ctx, t, vma);
		if (ret)
			break;
		if (why) {
			ret = ckpt_fail(ctx, -EOPNOTSUPP,
					"pid %d memory %lx-%lx: %s",
					task_pid_vnr(t), vma->vm_start,
					vma->vm_end, why);
			break;
		}
		a->start = vma->vm_start;
		a->end = vma->vm_end;
		a->pgoff = vma->vm_pgoff;
		a->vm_flags = vma->vm_flags;
		a->has_anon = vma->anon_vma;
		if (vma->vm_file)
			a->file = get_file(vma->vm_file);
		if (vma->vm_flags & VM_GROWSDOWN)
			a->flags |= CKPT_VMA_GROWSDOWN;
		if (vma->vm_flags & VM_MAYSHARE)
			a->flags |= CKPT_VMA_SHARED;
		if (vma->vm_file && ckpt_sysv_shm_file(vma->vm_file))
			a->flags |= CKPT_VMA_SYSVSHM;
		if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk &&
		    !vma->vm_file)
			a->flags |= CKPT_VMA_HEAP;
		/* Stacks are always kept: without them nothing resumes. */
		if ((ctx->exclude & CKPT_EXCL_ANON) && vma_is_anonymous(vma) &&
		    !(vma->vm_flags & VM_GROWSDOWN) &&
		    !(vma->vm_start <= mm->start_stack &&
		      mm->start_stack < vma->vm_end))
			a->flags |= CKPT_VMA_EXCLUDED;
		n++;
	}
	*areasp = areas;
	*nrp = n;
	return ret;
}

static void ckpt_free_areas(struct ckpt_area *areas, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (areas[i].file)
			fput(areas[i].file);
	kvfree(areas);
}

/* Write the run of @n pages held in ctx->pages, and drop them. */
static int ckpt_flush_pages(struct ckpt_ctx *ctx, unsigned long addr,
			    unsigned int n)
{
	struct ckpt_pages_run r = { };
	unsigned int i;
	int ret;

	if (!n)
		return 0;
	r.addr = cpu_to_le64(addr);
	ret = ckpt_write_pages(ctx, &r, CKPT_REC_PAGES_RUN, sizeof(r), ctx->pages, n);
	for (i = 0; i < n; i++)
		put_page(ctx->pages[i]);
	return ret;
}

/* The anonymous page mapped at @addr, with a reference, or NULL. */
static struct page *ckpt_anon_page(struct mm_struct *mm,
				   struct vm_area_struct *vma,
				   unsigned long addr)
{
	struct page *page;

	/* Present pages, without faulting anything in; holes are errors. */
	page = follow_page(vma, addr, FOLL_GET | FOLL_DUMP);
	if (IS_ERR(page))
		return NULL;
	/* Not present but not empty either: swapped out, say. */
	if (!page && get_user_pages_remote(mm, addr, 1, FOLL_FORCE | FOLL_DUMP,
					   &page, NULL, NULL) != 1)
		return NULL;
	if (page && !PageAnon(page)) {
		put_page(page);
		return NULL;
	}
	return page;
}

/*
 * ckpt_scan_ptes() - the anonymous pages of a run of page table entries
 * @vma:   the area, its mm's mmap lock held for reading
 * @addr:  the first address
 * @nr:    how many to look at, at most; the run stops at the end of the
 *         page table
 * @pages: what is mapped at each, with a reference; NULL where no
 *         anonymous page is (never touched, the zero page, a page that is
 *         still the file's)
 *
 * What ckpt_anon_page() finds, with the page table locked once for the
 * run instead of once a page.  An entry that is neither present nor empty
 * (swapped out, migrating) and a huge page are left to ckpt_anon_page():
 * the run stops before them.  The mmap lock keeps the page table from
 * being freed or collapsed meanwhile, as for /proc/PID/smaps.
 *
 * Return: how many entries were looked at, 0 if the first is left.
 */
static unsigned int ckpt_scan_ptes(struct vm_area_struct *vma,
				   unsigned long addr, unsigned int nr,
				   struct page **pages)
{
	unsigned long end = pmd_addr_end(addr, addr + nr * PAGE_SIZE);
	struct mm_struct *mm = vma->vm_mm;
	pte_t *start, *pte;
	spinlock_t *ptl;		/* the page table's */
	unsigned int i;
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;

	pgd = pgd_offset(mm, addr);
	if (pgd_none(*pgd))
		goto holes;
	if (pgd_bad(*pgd))
		return 0;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(*p4d))
		goto holes;
	if (p4d_bad(*p4d))
		return 0;
	pud = pud_offset(p4d, addr);
	if (pud_none(*pud))
		goto holes;
	if (!pud_present(*pud) || pud_leaf(*pud) || pud_bad(*pud))
		return 0;
	pmd = pmd_offset(pud, addr);
	if (pmd_none(pmd_read_atomic(pmd)))
		goto holes;
	if (pmd_trans_unstable(pmd))
		return 0;

	start = pte_offset_map_lock(mm, pmd, addr, &ptl);
	for (i = 0, pte = start; addr < end; i++, pte++, addr += PAGE_SIZE) {
		pte_t ptent = ptep_get(pte);
		struct page *page = NULL;

		if (!pte_none(ptent) && !pte_present(ptent))
			break;
		if (pte_present(ptent))
			page = vm_normal_page(vma, addr, ptent);
		if (page && PageAnon(page))
			get_page(page);
		else
			page = NULL;
		pages[i] = page;
	}
	pte_unmap_unlock(start, ptl);
	return i;

holes:
	for (i = 0; addr < end; i++, addr += PAGE_SIZE)
		pages[i] = NULL;
	return i;
}

/* Whether the area has pages of its own to write. */
static bool ckpt_area_has_pages(const struct ckpt_area *a)
{
	/* Shared memory is in its object, not in one process. */
	return a->has_anon &&
	       !(a->flags & (CKPT_VMA_EXCLUDED | CKPT_VMA_SHARED));
}

/* Whether its pages can be read from a copy made by dup_mm(). */
static bool ckpt_area_snapshot(const struct ckpt_area *a)
{
	/* fork() leaves these out of the copy, or empty. */
	return ckpt_area_has_pages(a) &&
	       !(a->vm_flags & (VM_DONTCOPY | VM_WIPEONFORK));
}

/**
 * ckpt_dump_area_pages() - write the private pages of one area
 * @ctx:   the checkpoint
 * @pid:   the process, for messages
 * @mm:    its address space, or the copy a snapshot made of it
 * @start: the area
 * @end:   ...
 *
 * Pages are looked at a batch per hold of the mmap lock, and written
 * from where they are, with a reference held (ckpt_write_pages()); the
 * area must stay as it was (the group is frozen, or @mm is a copy nobody
 * runs in).
 *
 * Return: 0 or a negative errno (the reason is recorded).
 */
static int ckpt_dump_area_pages(struct ckpt_ctx *ctx, pid_t pid, struct mm_struct *mm,
				unsigned long start, unsigned long end)
{
	struct page *scan[CKPT_SCAN_PTES];
	unsigned long addr = start, run = 0;
	unsigned int n = 0;
	int ret = 0;

	/* A dry run looks at the layout, not at the contents. */
	if (ctx->check)
		return 0;
	while (!ret && addr < end) {
		struct vm_area_struct *vma;
		bool gap = false;
		unsigned int i;

		if (mmap_read_lock_killable(mm)) {
			ret = ckpt_fail(ctx, -EINTR, "interrupted by a signal");
			break;
		}
		vma = vma_lookup(mm, addr);
		if (!vma || vma->vm_start != start || vma->vm_end != end) {
			mmap_read_unlock(mm);
			ret = ckpt_fail(ctx, -EAGAIN,
					"pid %d memory %lx-%lx: changed during the checkpoint",
					pid, start, end);
			break;
		}
		for (i = 0; i < CKPT_SCAN_BATCH && addr < end && n < CKPT_RUN_MAX &&
		     !gap;) {
			unsigned int want, got, k;

			want = min_t(unsigned int, CKPT_SCAN_BATCH - i, CKPT_SCAN_PTES);
			want = min(want, CKPT_RUN_MAX - n);
			want = min_t(unsigned long, want, (end - addr) >> PAGE_SHIFT);
			got = ckpt_scan_ptes(vma, addr, want, scan);
			if (!got) {
				scan[0] = ckpt_anon_page(mm, vma, addr);
				got = 1;
			}
			for (k = 0; k < got; k++) {
				struct page *page = scan[k];

				/* What follows a hole goes in the next run. */
				if (gap) {
					if (page)
						put_page(page);
					continue;
				}
				i++;
				addr += PAGE_SIZE;
				if (!page) {
					gap = n > 0;
					continue;
				}
				if (!n)
					run = addr - PAGE_SIZE;
				ctx->pages[n++] = page;
			}
		}
		mmap_read_unlock(mm);
		if (gap || n == CKPT_RUN_MAX || addr >= end) {
			ret = ckpt_flush_pages(ctx, run, n);
			n = 0;
		}
		cond_resched();
	}
	/* Pages held when the loop broke off. */
	while (n)
		put_page(ctx->pages[--n]);
	return ret;
}

/* The record of area @a, whose file is object @id (0: none). */
static int ckpt_write_vma(struct ckpt_ctx *ctx, const struct ckpt_area *a,
			  u32 id)
{
	u32 prot = (a->vm_flags & VM_READ ? CKPT_PROT_READ : 0) |
		   (a->vm_flags & VM_WRITE ? CKPT_PROT_WRITE : 0) |
		   (a->vm_flags & VM_EXEC ? CKPT_PROT_EXEC : 0);
	unsigned long nr = (a->end - a->start) >> PAGE_SHIFT;
	struct ckpt_vma v = { };

	if (!a->file && !(a->flags & CKPT_VMA_SHARED) && nr <= U32_MAX) {
		struct ckpt_vma_anon r = { };

		r.start = cpu_to_le64(a->start);
		r.nr_pages = cpu_to_le32(nr);
		r.flags = cpu_to_le16(a->flags);
		r.prot = prot;
		return ckpt_write(ctx, &r, CKPT_REC_VMA_ANON, sizeof(r));
	}
	v.start = cpu_to_le64(a->start);
	v.end = cpu_to_le64(a->end);
	v.pgoff = cpu_to_le64(a->file ? a->pgoff : 0);
	v.prot = cpu_to_le32(prot);
	v.flags = cpu_to_le32(a->flags);
	v.file = cpu_to_le32(id);
	return ckpt_write(ctx, &v, CKPT_REC_VMA, sizeof(v));
}

/* The layout of @mm, its mmap lock held. */
static void ckpt_mm_layout(struct mm_struct *mm, struct ckpt_mm *r)
{
	r->start_code = cpu_to_le64(mm->start_code);
	r->end_code = cpu_to_le64(mm->end_code);
	r->start_data = cpu_to_le64(mm->start_data);
	r->end_data = cpu_to_le64(mm->end_data);
	r->start_brk = cpu_to_le64(mm->start_brk);
	r->brk = cpu_to_le64(mm->brk);
	r->start_stack = cpu_to_le64(mm->start_stack);
	spin_lock(&mm->arg_lock);
	r->arg_start = cpu_to_le64(mm->arg_start);
	r->arg_end = cpu_to_le64(mm->arg_end);
	r->env_start = cpu_to_le64(mm->env_start);
	r->env_end = cpu_to_le64(mm->env_end);
	spin_unlock(&mm->arg_lock);
	r->vdso = cpu_to_le64((unsigned long)mm->context.vdso);
}

/* Write one area: what it maps, its record, then its pages (or a mark). */
static int ckpt_dump_area(struct ckpt_ctx *ctx, struct task_struct *t,
			  struct mm_struct *mm, struct mm_struct *snap,
			  struct ckpt_area *a)
{
	pid_t pid = task_pid_vnr(t);
	u32 id = 0;
	int ret;

	if (a->flags & CKPT_VMA_SYSVSHM) {
		ret = ckpt_dump_sysvshm(ctx, t, a->file, a->start);
		if (ret)
			return ret;
	}
	if (a->file) {
		ret = ckpt_dump_mapped_file(ctx, t, a->file,
					    a->flags & CKPT_VMA_SHARED, &id);
		if (ret)
			return ret;
	}
	/* What a shared file mapping wrote stays in the file. */
	if ((a->flags & CKPT_VMA_SHARED) && !shmem_file(a->file)) {
		ret = filemap_fdatawrite(a->file->f_mapping);
		if (!ret)
			filemap_fdatawait_keep_errors(a->file->f_mapping);
		if (ret)
			return ckpt_fail(ctx, ret,
					 "pid %d memory %lx-%lx: cannot write back the file (error %d)",
					 pid, a->start, a->end, ret);
	}
	ret = ckpt_write_vma(ctx, a, id);
	/* Shared memory is in its object, not in one process. */
	if (ret || !ckpt_area_has_pages(a))
		return ret;
	if (snap && ckpt_area_snapshot(a))
		return ckpt_capture_pages(ctx, snap, pid, a->start, a->end,
					  ckpt_dump_area_pages);
	return ckpt_dump_area_pages(ctx, pid, mm, a->start, a->end);
}

/* Keep running: the pages are read later, from a copy made now. */
static struct mm_struct *ckpt_mm_snapshot(struct ckpt_ctx *ctx, pid_t pid,
					  struct mm_struct *mm,
					  struct ckpt_area *areas,
					  unsigned int nr)
{
	unsigned int i;

	for (i = 0; ctx->s.capture && i < nr; i++)
		if (ckpt_area_snapshot(&areas[i]))
			return ckpt_snapshot_mm(ctx, pid, mm);
	return NULL;
}

/**
 * ckpt_dump_mm() - write the address space of a frozen task
 * @ctx: the checkpoint
 * @t:   the task
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_dump_mm(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_area *areas = NULL;
	struct mm_struct *mm, *snap = NULL;
	struct ckpt_mm r = { };
	struct file *exe;
	unsigned int i, nr = 0;
	u32 exe_id = 0;
	int ret;

	/* Its parent's memory, written with the parent. */
	if (ctx->ents[ctx->cur].share & CKPT_TASK_SHARE_VM)
		return 0;
	mm = get_task_mm(t);
	if (!mm)
		return ckpt_fail(ctx, -EOPNOTSUPP, "pid %d: no address space",
				 task_pid_vnr(t));
	if (mmap_read_lock_killable(mm)) {
		mmput(mm);
		return ckpt_fail(ctx, -EINTR, "interrupted by a signal");
	}
	ret = ckpt_collect_areas(ctx, t, mm, &areas, &nr);
	ckpt_mm_layout(mm, &r);
	mmap_read_unlock(mm);
	if (ret)
		goto out;
	snap = ckpt_mm_snapshot(ctx, task_pid_vnr(t), mm, areas, nr);
	if (IS_ERR(snap)) {
		ret = PTR_ERR(snap);
		snap = NULL;
		goto out;
	}
	exe = get_mm_exe_file(mm);
	if (exe) {
		ret = ckpt_dump_file(ctx, t, -1, exe, &exe_id);
		fput(exe);
		if (ret)
			goto out;
	}
	r.exe_file = cpu_to_le32(exe_id);
	r.nr_vmas = cpu_to_le32(nr);
	ret = ckpt_write(ctx, &r, CKPT_REC_MM, sizeof(r));
	for (i = 0; !ret && i < nr; i++)
		ret = ckpt_dump_area(ctx, t, mm, snap, &areas[i]);
out:
	ckpt_free_areas(areas, nr);
	if (snap)
		mmput(snap);
	mmput(mm);
	return ret;
}

/**
 * ckpt_restore_mm_begin() - give the restored task an empty mm of its own
 * @rt: the task being restored (current, still sharing the restarter's mm)
 *
 * Return: 0 or a negative errno.
 */
int ckpt_restore_mm_begin(struct ckpt_rtask *rt)
{
	struct rlimit rlim_stack;
	struct mm_struct *mm;
	int ret;

	mm = mm_alloc();
	if (!mm)
		return ckpt_fail(rt->ctx, -ENOMEM, "out of memory");
	ret = exec_mmap(mm);
	if (ret) {
		mmput(mm);
		return ckpt_fail(rt->ctx, ret, "pid %d: cannot switch mm (error %d)",
				 rt->pid, ret);
	}
	/* exec_mmap() leaves it to exec to drop this once the mm is in use. */
	up_write(&current->signal->exec_update_lock);
	set_personality_64bit();
	mm->task_size = TASK_SIZE;
	task_lock(current->group_leader);
	rlim_stack = current->signal->rlim[RLIMIT_STACK];
	task_unlock(current->group_leader);
	arch_pick_mmap_layout(mm, &rlim_stack);
	return 0;
}

static bool ckpt_user_range(u64 start, u64 end)
{
	return start <= end && end <= TASK_SIZE;
}

/**
 * ckpt_restore_mm() - restore the layout fields, exe file and vDSO
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_MM
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_mm(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct mm_struct *mm = current->mm;
	struct ckpt_mm *r = rec;
	u64 vdso = le64_to_cpu(r->vdso);
	int ret;

	if (len != sizeof(*r) || r->flags || rt->have_mm ||
	    (rt->share & CKPT_TASK_SHARE_VM) ||
	    !ckpt_user_range(le64_to_cpu(r->start_code), le64_to_cpu(r->end_code)) ||
	    !ckpt_user_range(le64_to_cpu(r->start_data), le64_to_cpu(r->end_data)) ||
	    !ckpt_user_range(le64_to_cpu(r->start_brk), le64_to_cpu(r->brk)) ||
	    !ckpt_user_range(le64_to_cpu(r->arg_start), le64_to_cpu(r->arg_end)) ||
	    !ckpt_user_range(le64_to_cpu(r->env_start), le64_to_cpu(r->env_end)) ||
	    le64_to_cpu(r->start_stack) >= TASK_SIZE || vdso >= TASK_SIZE ||
	    !PAGE_ALIGNED(vdso))
		return ckpt_fail(rt->ctx, -EINVAL, "image: pid %d: malformed mm record",
				 rt->pid);
	if (vdso) {
		ret = ckpt_arch_map_vdso(vdso);
		if (ret)
			return ckpt_fail(rt->ctx, ret,
					 "pid %d: cannot map the vDSO at %llx (error %d)",
					 rt->pid, vdso, ret);
	}
	if (r->exe_file) {
		struct file *exe = ckpt_obj_get_file(rt->ctx, le32_to_cpu(r->exe_file));

		if (!exe)
			return -EINVAL;
		ret = set_mm_exe_file(mm, exe);
		fput(exe);
		if (ret)
			return ckpt_fail(rt->ctx, ret,
					 "pid %d: cannot set the executable (error %d)",
					 rt->pid, ret);
	}

	mmap_write_lock(mm);
	mm->start_code = le64_to_cpu(r->start_code);
	mm->end_code = le64_to_cpu(r->end_code);
	mm->start_data = le64_to_cpu(r->start_data);
	mm->end_data = le64_to_cpu(r->end_data);
	mm->start_brk = le64_to_cpu(r->start_brk);
	mm->brk = le64_to_cpu(r->brk);
	mm->start_stack = le64_to_cpu(r->start_stack);
	spin_lock(&mm->arg_lock);
	mm->arg_start = le64_to_cpu(r->arg_start);
	mm->arg_end = le64_to_cpu(r->arg_end);
	mm->env_start = le64_to_cpu(r->env_start);
	mm->env_end = le64_to_cpu(r->env_end);
	spin_unlock(&mm->arg_lock);
	mmap_write_unlock(mm);
	rt->have_mm = true;
	return 0;
}

/* Map the area of @r, a CKPT_REC_VMA or the long form of a _VMA_ANON. */
static int ckpt_map_area(struct ckpt_rtask *rt, const struct ckpt_vma *r)
{
	u64 start = le64_to_cpu(r->start), end = le64_to_cpu(r->end);
	u64 pgoff = le64_to_cpu(r->pgoff);
	u32 prot = le32_to_cpu(r->prot), flags = le32_to_cpu(r->flags);
	unsigned long mflags = MAP_PRIVATE | MAP_FIXED_NOREPLACE;
	struct file *file = NULL;
	unsigned long addr;
	int ret;

	if (r->__reserved || !rt->have_mm ||
	    start >= end || end > TASK_SIZE || !PAGE_ALIGNED(start) ||
	    !PAGE_ALIGNED(end) ||
	    (prot & ~(CKPT_PROT_READ | CKPT_PROT_WRITE | CKPT_PROT_EXEC)) ||
	    (flags & ~(CKPT_VMA_GROWSDOWN | CKPT_VMA_EXCLUDED | CKPT_VMA_HEAP |
		       CKPT_VMA_SHARED | CKPT_VMA_SYSVSHM)) ||
	    ((flags & CKPT_VMA_SYSVSHM) && !(flags & CKPT_VMA_SHARED)) ||
	    pgoff > (ULONG_MAX >> PAGE_SHIFT) - ((end - start) >> PAGE_SHIFT) ||
	    (!r->file && pgoff) ||
	    ((flags & CKPT_VMA_SHARED) &&
	     (!r->file || (flags & (CKPT_VMA_HEAP | CKPT_VMA_EXCLUDED)))))
		return ckpt_fail(rt->ctx, -EINVAL, "image: pid %d: malformed memory area",
				 rt->pid);
	if (r->file) {
		file = ckpt_obj_get_file(rt->ctx, le32_to_cpu(r->file));
		if (!file)
			return -EINVAL;
	} else {
		mflags |= MAP_ANONYMOUS;
	}
	if (flags & CKPT_VMA_SYSVSHM) {
		ret = ckpt_restore_sysvshm_attach(rt, file, start, end, prot, pgoff);
		fput(file);
		if (ret)
			return ret;
		rt->vma_start = start;
		rt->vma_end = start;
		return 0;
	}
	if (flags & CKPT_VMA_GROWSDOWN)
		mflags |= MAP_GROWSDOWN;
	if (flags & CKPT_VMA_SHARED)
		mflags = MAP_SHARED | MAP_FIXED_NOREPLACE |
			 (mflags & MAP_GROWSDOWN);

	addr = vm_mmap(file, start, end - start,
		       (prot & CKPT_PROT_READ ? PROT_READ : 0) |
		       (prot & CKPT_PROT_WRITE ? PROT_WRITE : 0) |
		       (prot & CKPT_PROT_EXEC ? PROT_EXEC : 0),
		       mflags, pgoff << PAGE_SHIFT);
	if (file)
		fput(file);
	if (addr != start)
		return ckpt_fail(rt->ctx, IS_ERR_VALUE(addr) ? (int)addr : -EEXIST,
				 "pid %d: cannot map memory %llx-%llx (error %ld)",
				 rt->pid, start, end,
				 IS_ERR_VALUE(addr) ? (long)addr : -EEXIST);
	rt->vma_start = start;
	rt->vma_end = (flags & (CKPT_VMA_EXCLUDED | CKPT_VMA_SHARED)) ? start : end;
	return 0;
}

/**
 * ckpt_restore_vma() - map one area of the image
 * @rt:   the task being restored (current)
 * @rec:  the record
 * @len:  bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_vma(struct ckpt_rtask *rt, void *rec, u32 len)
{
	const struct ckpt_vma_anon *a = rec;
	u32 type = le32_to_cpu(a->rec.type);
	struct ckpt_vma v = { };
	u32 flags;

	if (type == CKPT_REC_VMA) {
		if (len != sizeof(v))
			goto bad;
		return ckpt_map_area(rt, rec);
	}
	/* The long form, which ckpt_map_area() checks. */
	flags = le16_to_cpu(a->flags);
	if (len != sizeof(*a) || a->__reserved || !a->nr_pages ||
	    (flags & CKPT_VMA_SHARED))
		goto bad;
	v.start = a->start;
	v.end = cpu_to_le64(le64_to_cpu(a->start) +
			    ((u64)le32_to_cpu(a->nr_pages) << PAGE_SHIFT));
	v.prot = cpu_to_le32(a->prot);
	v.flags = cpu_to_le32(flags);
	return ckpt_map_area(rt, &v);
bad:
	return ckpt_fail(rt->ctx, -EINVAL, "image: pid %d: malformed memory area",
			 rt->pid);
}

/*
 * Pin the @nr pages at @addr of @mm, the address space being restored
 * (current's own), into @pages: what access_remote_vm() does, with one
 * get_user_pages_remote() for the run instead of one a page.  The area
 * may be read-only, hence FOLL_FORCE; a private one gets its own pages as
 * ptrace writes do.  Return: how many were pinned, which the caller
 * drops with ckpt_unpin_pages().
 */
static long ckpt_pin_pages(struct mm_struct *mm, unsigned long addr,
			   unsigned int nr, struct page **pages)
{
	long got;

	if (mmap_read_lock_killable(mm))
		return 0;
	got = get_user_pages_remote(mm, addr, nr, FOLL_FORCE | FOLL_WRITE,
				    pages, NULL, NULL);
	mmap_read_unlock(mm);
	return max(got, 0L);
}

/* Runs of this many pages or more are pinned half on another CPU. */
#define CKPT_PIN_SPLIT		16

/* Pin (part of) a run, on another CPU or in place. */
struct ckpt_pin_work {
	struct work_struct	work;
	struct mm_struct	*mm;
	unsigned long		addr;
	unsigned int		nr;
	struct page		**pages;
	long			got;
};

static void ckpt_pin_fn(struct work_struct *work)
{
	struct ckpt_pin_work *w = container_of(work, struct ckpt_pin_work, work);

	w->got = ckpt_pin_pages(w->mm, w->addr, w->nr, w->pages);
}

static void ckpt_unpin_pages(struct page **pages, long nr)
{
	long i;

	for (i = 0; i < nr; i++) {
		set_page_dirty_lock(pages[i]);
		put_page(pages[i]);
	}
}

/**
 * ckpt_restore_pages() - read page contents into the current mm
 * @rt:  the task being restored (current)
 * @rec: the header of a CKPT_REC_PAGES or _PAGES_RUN, whose payload is
 *       next in the stream
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_pages(struct ckpt_rtask *rt, const struct ckpt_hdr *rec)
{
	struct ckpt_ctx *ctx = rt->ctx;
	struct ckpt_pin_work w = { };
	struct ckpt_pages r = { };
	unsigned int half;
	u32 hdr_len = rec->type == CKPT_REC_PAGES ? sizeof(r) :
			sizeof(struct ckpt_pages_run);
	u64 addr, bytes;
	long got;
	u32 nr;
	int ret;

	/* The two forms begin alike; the short one stops after @addr. */
	if (rec->len < hdr_len)
		goto bad;
	ret = ckpt_read_payload(ctx, (u8 *)&r + sizeof(*rec),
				hdr_len - sizeof(*rec));
	if (ret)
		return ret;
	addr = le64_to_cpu(r.addr);
	if (rec->type == CKPT_REC_PAGES)
		nr = le32_to_cpu(r.nr_pages);
	else if ((rec->len - hdr_len) % PAGE_SIZE)
		goto bad;
	else
		nr = (rec->len - hdr_len) / PAGE_SIZE;
	bytes = (u64)nr * PAGE_SIZE;
	if (!nr || r.__reserved ||
	    nr > (rec->type == CKPT_REC_PAGES ? CKPT_PAGES_MAX : CKPT_RUN_MAX) ||
	    rec->len != hdr_len + bytes || !PAGE_ALIGNED(addr) ||
	    addr < rt->vma_start || addr + bytes > rt->vma_end)
		goto bad;
	/*
	 * Making the pages (a fault and a clear each) costs about what
	 * reading them does: for a long run, another CPU makes the second
	 * half while this one makes the first and reads into it.
	 * current->mm is pinned by current, which waits for the work.
	 */
	half = nr >= CKPT_PIN_SPLIT ? nr / 2 : 0;
	w.mm = current->mm;
	w.addr = addr + (unsigned long)half * PAGE_SIZE;
	w.nr = nr - half;
	w.pages = ctx->pages + half;
	if (half) {
		INIT_WORK_ONSTACK(&w.work, ckpt_pin_fn);
		queue_work(system_unbound_wq, &w.work);
		got = ckpt_pin_pages(current->mm, addr, half, ctx->pages);
		if (got == half)
			ret = ckpt_read_pages(ctx, ctx->pages, half);
		flush_work(&w.work);
		destroy_work_on_stack(&w.work);
	} else {
		got = 0;
		ckpt_pin_fn(&w.work);
	}
	if (!ret && (got != half || w.got != w.nr))
		ret = fatal_signal_pending(current) ?
			ckpt_fail(ctx, -EINTR, "interrupted by a signal") :
			ckpt_fail(ctx, -EFAULT, "pid %d: cannot fill memory at %llx",
				  rt->pid, addr);
	if (!ret)
		ret = ckpt_read_pages(ctx, w.pages, w.nr);
	ckpt_unpin_pages(ctx->pages, got);
	ckpt_unpin_pages(w.pages, w.got);
	return ret;
bad:
	return ckpt_fail(ctx, -EINVAL, "image: pid %d: malformed page record",
			 rt->pid);
}

/* The pages of an area follow it: any other record ends them. */
static int ckpt_mm_seq_end(struct ckpt_rtask *rt)
{
	rt->vma_start = 0;
	rt->vma_end = 0;
	return 0;
}

static const struct ckpt_rec_op ckpt_mm_recs[] = {
	{ .type = CKPT_REC_MM, .restore = ckpt_restore_mm },
	{ .type = CKPT_REC_VMA, .restore = ckpt_restore_vma },
	{ .type = CKPT_REC_VMA_ANON, .restore = ckpt_restore_vma },
	{ .type = CKPT_REC_PAGES, .flags = CKPT_ROP_CONT,
	  .stream = ckpt_restore_pages },
	{ .type = CKPT_REC_PAGES_RUN, .flags = CKPT_ROP_CONT,
	  .stream = ckpt_restore_pages },
	{ }
};

const struct ckpt_resource ckpt_res_mm = {
	.name		= "memory",
	.dump		= ckpt_dump_mm,
	.seq_end	= ckpt_mm_seq_end,
	.recs		= ckpt_mm_recs,
};
