// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt info: the records of memory: the address space, its areas and
 * their pages, and the objects holding shared memory contents (shmem,
 * unlinked files, SysV shm) with theirs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "img.h"

void flush_vma(struct dec *d)
{
	char prot[4], flags[48], size[32];
	const char *path;
	size_t i;

	if (!d->vma_pending)
		return;
	d->vma_pending = false;
	prot_str(prot, d->vma_prot);
	vma_flags_str(flags, sizeof(flags), d->vma_flags);
	size_str(size, sizeof(size), d->vma_end - d->vma_start);
	path = d->vma_file ? file_path(d, d->vma_file) : "";

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "vma");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_hex_field(json_wtr, "start", d->vma_start);
		jsonw_hex_field(json_wtr, "end", d->vma_end);
		jsonw_string_field(json_wtr, "prot", prot);
		jsonw_string_field(json_wtr, "flags", flags);
		jsonw_uint_field(json_wtr, "size", d->vma_end - d->vma_start);
		jsonw_uint_field(json_wtr, "pgoff", d->vma_pgoff);
		jsonw_uint_field(json_wtr, "file", d->vma_file);
		jsonw_string_field(json_wtr, "path", path);
		jsonw_uint_field(json_wtr, "pages_stored", d->vma_pages);
		if (d->list_pages) {
			jsonw_name(json_wtr, "pages");
			jsonw_start_array(json_wtr);
			for (i = 0; i < d->nruns; i++) {
				jsonw_start_object(json_wtr);
				jsonw_hex_field(json_wtr, "addr", d->runs[i].addr);
				jsonw_uint_field(json_wtr, "nr_pages", d->runs[i].nr);
				jsonw_end_object(json_wtr);
			}
			jsonw_end_array(json_wtr);
		}
		jsonw_end_object(json_wtr);
	} else {
		printf("    %012" PRIx64 "-%012" PRIx64 " %s %-14s %6s %s %" PRIu64 "\n",
		       d->vma_start, d->vma_end, prot, flags, size,
		       d->vma_file ? path : "[anon]", d->vma_pages);
		for (i = 0; d->list_pages && i < d->nruns; i++)
			printf("      pages %012" PRIx64 "-%012" PRIx64 " (%u)\n", d->runs[i].addr,
			       d->runs[i].addr + (uint64_t)d->runs[i].nr * d->page_size,
			       d->runs[i].nr);
	}
	d->nruns = 0;
}

static int rec_mm(struct dec *d, uint32_t len)
{
	const struct ckpt_mm *m = (const void *)d->rec;
	uint32_t exe = le32(m->exe_file);

	if (need_task(d) || check_len(d, len, sizeof(*m)))
		return -1;
	if (exe && !file_find(d, exe))
		return bad(d, "exe_file %u is not a file defined before", exe);
	if (le64(m->flags))
		return bad(d, "unknown flags %#" PRIx64, (uint64_t)le64(m->flags));
	if (once(d, SEEN_MM))
		return -1;
	d->nr_vmas = le32(m->nr_vmas);

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "mm");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_hex_field(json_wtr, "start_code", le64(m->start_code));
		jsonw_hex_field(json_wtr, "end_code", le64(m->end_code));
		jsonw_hex_field(json_wtr, "start_data", le64(m->start_data));
		jsonw_hex_field(json_wtr, "end_data", le64(m->end_data));
		jsonw_hex_field(json_wtr, "start_brk", le64(m->start_brk));
		jsonw_hex_field(json_wtr, "brk", le64(m->brk));
		jsonw_hex_field(json_wtr, "start_stack", le64(m->start_stack));
		jsonw_hex_field(json_wtr, "arg_start", le64(m->arg_start));
		jsonw_hex_field(json_wtr, "arg_end", le64(m->arg_end));
		jsonw_hex_field(json_wtr, "env_start", le64(m->env_start));
		jsonw_hex_field(json_wtr, "env_end", le64(m->env_end));
		jsonw_hex_field(json_wtr, "vdso", le64(m->vdso));
		jsonw_uint_field(json_wtr, "exe_file", exe);
		jsonw_string_field(json_wtr, "exe", exe ? file_path(d, exe) : "");
		jsonw_uint_field(json_wtr, "nr_vmas", d->nr_vmas);
		jsonw_end_object(json_wtr);
		return 0;
	}
	printf("  mm: exe %s, %u areas\n", exe ? file_path(d, exe) : "none", d->nr_vmas);
	printf("    code %#" PRIx64 "-%#" PRIx64 " data %#" PRIx64 "-%#" PRIx64
	       " brk %#" PRIx64 "-%#" PRIx64 "\n",
	       (uint64_t)le64(m->start_code), (uint64_t)le64(m->end_code),
	       (uint64_t)le64(m->start_data), (uint64_t)le64(m->end_data),
	       (uint64_t)le64(m->start_brk), (uint64_t)le64(m->brk));
	printf("    stack %#" PRIx64 " args %#" PRIx64 "-%#" PRIx64 " env %#" PRIx64 "-%#" PRIx64
	       " vdso %#" PRIx64 "\n",
	       (uint64_t)le64(m->start_stack), (uint64_t)le64(m->arg_start),
	       (uint64_t)le64(m->arg_end), (uint64_t)le64(m->env_start),
	       (uint64_t)le64(m->env_end), (uint64_t)le64(m->vdso));
	printf("    %-25s %-3s %-14s %6s %s\n", "START-END", "PRT", "FLAGS", "SIZE",
	       "FILE PAGES-STORED");
	return 0;
}

static int rec_vma(struct dec *d, uint32_t len)
{
	const struct ckpt_vma *v = (const void *)d->rec;
	uint64_t start = le64(v->start), end = le64(v->end);
	uint32_t file = le32(v->file), prot = le32(v->prot), flags = le32(v->flags);
	uint64_t mask = d->page_size - 1;

	if (need_task(d) || check_len(d, len, sizeof(*v)))
		return -1;
	if (!(d->seen & SEEN_MM))
		return bad(d, "memory area before CKPT_REC_MM");
	if (++d->vmas_seen > d->nr_vmas)
		return bad(d, "more areas than the %u of CKPT_REC_MM", d->nr_vmas);
	if (start >= end || (start & mask) || (end & mask))
		return bad(d, "bad area %#" PRIx64 "-%#" PRIx64, start, end);
	if (prot & ~(uint32_t)(CKPT_PROT_READ | CKPT_PROT_WRITE | CKPT_PROT_EXEC))
		return bad(d, "unknown prot bits %#x", prot);
	if (flags & ~(uint32_t)(CKPT_VMA_GROWSDOWN | CKPT_VMA_EXCLUDED | CKPT_VMA_HEAP |
				CKPT_VMA_SHARED | CKPT_VMA_SYSVSHM))
		return bad(d, "unknown flags %#x", flags);
	if (file && !file_find(d, file))
		return bad(d, "file %u is not a file defined before", file);
	if ((flags & CKPT_VMA_SHARED) && !file)
		return bad(d, "a shared area without a file");
	if ((flags & CKPT_VMA_SYSVSHM) &&
	    (!(flags & CKPT_VMA_SHARED) || file_find(d, file)->kind != CKPT_FILE_SYSVSHM))
		return bad(d, "a SysV shm area not shared or not on a SysV shm file");
	if (v->__reserved)
		return bad(d, "nonzero __reserved");

	d->vma_pending = true;
	d->vma_start = start;
	d->vma_end = end;
	d->vma_pgoff = le64(v->pgoff);
	d->vma_prot = prot;
	d->vma_flags = flags;
	d->vma_file = file;
	d->vma_pages = 0;
	d->nruns = 0;
	d->vmas++;
	return 0;
}

/* CKPT_REC_VMA_ANON: checked as the long form it stands for. */
static int rec_vma_anon(struct dec *d, uint32_t len)
{
	const struct ckpt_vma_anon *a = (const void *)d->rec;
	struct ckpt_vma v = { .rec = a->rec };
	uint64_t start = le64(a->start);
	uint32_t nr = le32(a->nr_pages), flags = le16(a->flags);

	if (check_len(d, len, sizeof(*a)))
		return -1;
	if (!nr)
		return bad(d, "an area of 0 pages");
	if (flags & CKPT_VMA_SHARED)
		return bad(d, "a shared area without a file");
	if (a->__reserved)
		return bad(d, "nonzero __reserved");
	v.start = a->start;
	v.end = htole64(start + (uint64_t)nr * d->page_size);
	v.prot = htole32(a->prot);
	v.flags = htole32(flags);
	memcpy(d->rec, &v, sizeof(v));
	return rec_vma(d, sizeof(v));
}

/*
 * The fixed part of CKPT_REC_PAGES, or of _PAGES_RUN, is in d->rec; the
 * contents are still to read.
 */
int rec_pages(struct dec *d, uint32_t len)
{
	const struct ckpt_pages *p = (const void *)d->rec;
	bool run = d->rec_type == CKPT_REC_PAGES_RUN;
	size_t hdr = run ? sizeof(struct ckpt_pages_run) : sizeof(*p);
	uint64_t addr = le64(p->addr), end;
	uint32_t nr = run ? (len - hdr) / d->page_size : le32(p->nr_pages);
	uint32_t max = run ? CKPT_RUN_MAX : CKPT_PAGES_MAX;

	if (need_task(d))
		return -1;
	if (!d->vma_pending)
		return bad(d, "pages not after a memory area");
	if (nr < 1 || nr > max)
		return bad(d, "%u pages, expected 1 to %u", nr, max);
	if (len != hdr + (uint64_t)nr * d->page_size)
		return bad(d, "length %u, expected %zu + %u pages of %u", len, hdr, nr,
			   d->page_size);
	end = addr + (uint64_t)nr * d->page_size;
	if ((addr & (d->page_size - 1)) || addr < d->vma_start || end > d->vma_end || end < addr)
		return bad(d, "pages %#" PRIx64 "+%u outside the area %#" PRIx64 "-%#" PRIx64,
			   addr, nr, d->vma_start, d->vma_end);
	if (d->vma_flags & (CKPT_VMA_EXCLUDED | CKPT_VMA_SHARED))
		return bad(d, "pages stored for an excluded or shared area");
	if (!run && p->__reserved)
		return bad(d, "nonzero __reserved");
	d->vma_pages += nr;
	d->pages += nr;
	if (d->list_pages) {
		if (d->nruns == d->runs_cap) {
			size_t cap = d->runs_cap ? d->runs_cap * 2 : 16;
			struct pages_run *n = realloc(d->runs, cap * sizeof(*n));

			if (!n)
				return bad(d, "out of memory");
			d->runs = n;
			d->runs_cap = cap;
		}
		d->runs[d->nruns].addr = addr;
		d->runs[d->nruns].nr = nr;
		d->nruns++;
	}
	return 0;
}

int cobj_add(struct dec *d, uint32_t id, uint32_t kind, uint64_t size)
{
	struct cobj *c;

	if (!d->have_table)
		return bad(d, "object before the task table");
	if (!id)
		return bad(d, "object id 0");
	if (obj_find(d, id) || cobj_find(d, id))
		return bad(d, "object id %u defined twice", id);
	if (d->ncobjs == d->cobjs_cap) {
		size_t cap = d->cobjs_cap ? d->cobjs_cap * 2 : 16;
		struct cobj *n = realloc(d->cobjs, cap * sizeof(*n));

		if (!n)
			return bad(d, "out of memory");
		d->cobjs = n;
		d->cobjs_cap = cap;
	}
	c = &d->cobjs[d->ncobjs++];
	c->id = id;
	c->type = d->rec_type;
	c->kind = kind;
	c->size = size;
	return 0;
}

static void seals_str(char *s, size_t size, uint32_t seals)
{
	snprintf(s, size, "%s%s%s%s%s%s",
		 seals & 0x01 ? "seal," : "", seals & 0x02 ? "shrink," : "",
		 seals & 0x04 ? "grow," : "", seals & 0x08 ? "write," : "",
		 seals & 0x10 ? "future_write," : "", seals ? "" : "-,");
	s[strlen(s) - 1] = '\0';
}

static int rec_shmem(struct dec *d, uint32_t len)
{
	const struct ckpt_shmem *m = (const void *)d->rec;
	uint32_t kind = le32(m->kind), nlen = le32(m->name_len), seals = le32(m->seals);
	uint64_t size = le64(m->size);
	char sz[32], sl[64];

	if (len < sizeof(*m))
		return check_len(d, len, sizeof(*m));
	if (len != sizeof(*m) + (uint64_t)nlen + 1)
		return bad(d, "length %u, expected %zu + name_len %u + 1", len, sizeof(*m), nlen);
	if (m->name[nlen] || memchr(m->name, '\0', nlen))
		return bad(d, "name is not %u bytes and a NUL", nlen);
	if (kind != CKPT_SHMEM_ANON && kind != CKPT_SHMEM_MEMFD)
		return bad(d, "unknown shared memory kind %u", kind);
	if (seals & ~0x1fU)
		return bad(d, "unknown seals %#x", seals);
	if (kind == CKPT_SHMEM_ANON && (nlen || seals))
		return bad(d, "anonymous shared memory with a name or seals");
	if (cobj_add(d, le32(m->id), kind, size))
		return -1;
	size_str(sz, sizeof(sz), size);
	seals_str(sl, sizeof(sl), seals);
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "shmem");
		if (d->in_task)
			jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", le32(m->id));
		jsonw_string_field(json_wtr, "kind", kind == CKPT_SHMEM_ANON ? "anon" : "memfd");
		jsonw_uint_field(json_wtr, "size", size);
		if (kind == CKPT_SHMEM_MEMFD) {
			jsonw_string_field(json_wtr, "name", (const char *)m->name);
			jsonw_string_field(json_wtr, "seals", sl);
		}
		jsonw_end_object(json_wtr);
	} else if (kind == CKPT_SHMEM_ANON) {
		printf("  shmem [%u] anon, size %s\n", le32(m->id), sz);
	} else {
		printf("  shmem [%u] memfd \"%s\", size %s, seals %s\n", le32(m->id),
		       (const char *)m->name, sz, sl);
	}
	return 0;
}

static int rec_unlinked(struct dec *d, uint32_t len)
{
	const struct ckpt_unlinked *u = (const void *)d->rec;
	uint32_t dlen = le32(u->dir_len), mode = le32(u->mode);
	uint64_t size = le64(u->size);

	if (len < sizeof(*u))
		return check_len(d, len, sizeof(*u));
	if (len != sizeof(*u) + (uint64_t)dlen + 1)
		return bad(d, "length %u, expected %zu + dir_len %u + 1", len, sizeof(*u), dlen);
	if (u->dir[dlen] || memchr(u->dir, '\0', dlen) || u->dir[0] != '/')
		return bad(d, "dir is not an absolute path of %u bytes and a NUL", dlen);
	if ((mode & 0170000) != 0100000)
		return bad(d, "mode %#o is not a regular file's", mode);
	if (u->__reserved)
		return bad(d, "nonzero __reserved");
	if (cobj_add(d, le32(u->id), 0, size))
		return -1;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "unlinked");
		if (d->in_task)
			jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", le32(u->id));
		jsonw_string_field(json_wtr, "dir", (const char *)u->dir);
		jsonw_uint_field(json_wtr, "mode", mode);
		jsonw_uint_field(json_wtr, "size", size);
		jsonw_end_object(json_wtr);
	} else {
		printf("  unlinked [%u] in %s, mode %#o, size %" PRIu64 "\n", le32(u->id),
		       (const char *)u->dir, mode, size);
	}
	return 0;
}

static int rec_sysvshm(struct dec *d, uint32_t len)
{
	const struct ckpt_sysvshm *m = (const void *)d->rec;
	uint32_t mode = le32(m->mode);
	uint64_t size = le64(m->size);
	char sz[32];

	if (check_len(d, len, sizeof(*m)))
		return -1;
	if (mode & ~(uint32_t)(0777 | CKPT_SHM_DEST))
		return bad(d, "unknown mode bits %#o", mode);
	if (!size)
		return bad(d, "empty segment");
	if (cobj_add(d, le32(m->id), 0, size))
		return -1;
	size_str(sz, sizeof(sz), size);
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "sysvshm");
		if (d->in_task)
			jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", le32(m->id));
		jsonw_uint_field(json_wtr, "shmid", le32(m->shmid));
		jsonw_hex_field(json_wtr, "key", le32(m->key));
		jsonw_uint_field(json_wtr, "mode", mode);
		jsonw_uint_field(json_wtr, "uid", le32(m->uid));
		jsonw_uint_field(json_wtr, "gid", le32(m->gid));
		jsonw_uint_field(json_wtr, "cuid", le32(m->cuid));
		jsonw_uint_field(json_wtr, "cgid", le32(m->cgid));
		jsonw_uint_field(json_wtr, "size", size);
		jsonw_hex_field(json_wtr, "addr", le64(m->addr));
		jsonw_end_object(json_wtr);
	} else {
		printf("  sysvshm [%u] shmid %u key %#x, mode %#o%s, uid %u gid %u cuid %u cgid %u,"
		       " size %s, at %#" PRIx64 "\n", le32(m->id), le32(m->shmid), le32(m->key),
		       mode & 0777, mode & CKPT_SHM_DEST ? " removed" : "", le32(m->uid),
		       le32(m->gid), le32(m->cuid), le32(m->cgid), sz, (uint64_t)le64(m->addr));
	}
	return 0;
}

/* The fixed part of CKPT_REC_SHMEM_PAGES is in d->rec; the contents are still to read. */
int rec_shmem_pages(struct dec *d, uint32_t len)
{
	const struct ckpt_shmem_pages *p = (const void *)d->rec;
	uint32_t nr = le32(p->nr_pages), id = le32(p->id);
	uint64_t pgoff = le64(p->pgoff);
	struct cobj *c = cobj_find(d, id);

	if (!c)
		return bad(d, "object %u is not defined before", id);
	if (nr < 1 || nr > CKPT_PAGES_MAX)
		return bad(d, "%u pages, expected 1 to %d", nr, CKPT_PAGES_MAX);
	if (len != sizeof(*p) + (uint64_t)nr * d->page_size)
		return bad(d, "length %u, expected %zu + %u pages of %u", len, sizeof(*p), nr,
			   d->page_size);
	if (pgoff > (UINT64_MAX >> 20) || (pgoff + nr - 1) * d->page_size >= c->size)
		return bad(d, "pages %" PRIu64 "+%u beyond the size %" PRIu64 " of object %u",
			   pgoff, nr, c->size, id);
	d->obj_pages += nr;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "shmem_pages");
		jsonw_uint_field(json_wtr, "id", id);
		jsonw_uint_field(json_wtr, "pgoff", pgoff);
		jsonw_uint_field(json_wtr, "nr_pages", nr);
		jsonw_end_object(json_wtr);
	} else {
		printf("    object [%u] pages %" PRIu64 "-%" PRIu64 " (%u)\n", id, pgoff,
		       pgoff + nr, nr);
	}
	return 0;
}

const struct rec_handler img_mm_handlers[] = {
	{ CKPT_REC_MM,	rec_mm },
	{ CKPT_REC_VMA,	rec_vma },
	{ CKPT_REC_VMA_ANON,	rec_vma_anon },
	{ CKPT_REC_SHMEM,	rec_shmem },
	{ CKPT_REC_UNLINKED,	rec_unlinked },
	{ CKPT_REC_SYSVSHM,	rec_sysvshm },
	{ 0, NULL },
};
