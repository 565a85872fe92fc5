// SPDX-License-Identifier: GPL-2.0-only
/*
 * The record types of the image format, from the one table of the UAPI
 * header (CKPT_REC_TYPE()), and "ckpt format": that table and the layout
 * constants for scripts (tests that patch images, the fuzzer), so that
 * none of them keeps a copy of its own.
 */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <linux/ckpt_cgroup.h>

#include "ckpt.h"

/* The numbers of the table are those of the CKPT_REC_* defines. */
#define CKPT_REC_TYPE(N, num, name, min, max)				\
	_Static_assert(CKPT_REC_##N == (num) && (min) >= sizeof(struct ckpt_rec) && \
		       (min) <= (max), "CKPT_REC_TYPE: " #N);
#include <linux/ckpt_cgroup.h>
#undef CKPT_REC_TYPE

const struct rec_type rec_types[] = {
#define CKPT_REC_TYPE(N, num, name, min, max) { num, name, min, max },
#include <linux/ckpt_cgroup.h>
#undef CKPT_REC_TYPE
	{ 0, NULL, 0, 0 },
};

const struct rec_type *rec_type_find(uint32_t type)
{
	const struct rec_type *t;

	for (t = rec_types; t->name; t++)
		if (t->type == type)
			return t;
	return NULL;
}

/* Largest length of a record of type @t in an image of pages of @page_size. */
uint64_t rec_type_max(const struct rec_type *t, uint32_t page_size)
{
	/* Only the page records have room for more than CKPT_REC_MAX_LEN. */
	if (t->max_len <= CKPT_REC_MAX_LEN)
		return t->max_len;
	return t->min_len + (t->max_len - t->min_len) / CKPT_PAGE_SIZE_MAX * page_size;
}

/* Structures and the fields scripts read or patch. */
struct field {
	const char	*name;
	size_t		offset, size;
};

struct layout {
	const char		*name;
	size_t			size;
	const struct field	*fields;
};

#define F(s, m)	{ #m, offsetof(struct ckpt_##s, m), sizeof(((struct ckpt_##s *)0)->m) }

static const struct field f_file_header[] = {
	F(file_header, magic), F(file_header, version), F(file_header, header_len),
	F(file_header, arch), F(file_header, page_size), F(file_header, exclude),
	F(file_header, nr_tasks), F(file_header, flags), F(file_header, time_ns),
	F(file_header, release), F(file_header, machine), F(file_header, __pad),
	{ NULL, 0, 0 },
};

static const struct field f_rec[] = {
	F(rec, type), F(rec, len),
	{ NULL, 0, 0 },
};

static const struct field f_trailer[] = {
	F(trailer, nr_records), F(trailer, bytes), F(trailer, crc32), F(trailer, __reserved),
	{ NULL, 0, 0 },
};

static const struct field f_tasks[] = {
	F(tasks, nr), F(tasks, __reserved),
	{ NULL, 0, 0 },
};

static const struct field f_task_entry[] = {
	F(task_entry, pid), F(task_entry, tgid), F(task_entry, ppid), F(task_entry, pgid),
	F(task_entry, sid), F(task_entry, flags),
	{ NULL, 0, 0 },
};

static const struct field f_vma[] = {
	F(vma, start), F(vma, end), F(vma, pgoff), F(vma, prot), F(vma, flags),
	F(vma, file), F(vma, __reserved),
	{ NULL, 0, 0 },
};

static const struct field f_vma_anon[] = {
	F(vma_anon, start), F(vma_anon, nr_pages), F(vma_anon, flags), F(vma_anon, prot),
	F(vma_anon, __reserved),
	{ NULL, 0, 0 },
};

static const struct field f_pages[] = {
	F(pages, addr), F(pages, nr_pages), F(pages, __reserved),
	{ NULL, 0, 0 },
};

static const struct field f_pages_run[] = {
	F(pages_run, addr),
	{ NULL, 0, 0 },
};

#undef F

static const struct layout layouts[] = {
	{ "file_header", sizeof(struct ckpt_file_header), f_file_header },
	{ "rec", sizeof(struct ckpt_rec), f_rec },
	{ "trailer", sizeof(struct ckpt_trailer), f_trailer },
	{ "tasks", sizeof(struct ckpt_tasks), f_tasks },
	{ "task_entry", sizeof(struct ckpt_task_entry), f_task_entry },
	{ "vma", sizeof(struct ckpt_vma), f_vma },
	{ "vma_anon", sizeof(struct ckpt_vma_anon), f_vma_anon },
	{ "pages", sizeof(struct ckpt_pages), f_pages },
	{ "pages_run", sizeof(struct ckpt_pages_run), f_pages_run },
	{ NULL, 0, NULL },
};

/* Constants, by the names scripts use. */
static const struct {
	const char	*name;
	uint64_t	value;
} constants[] = {
	{ "version", CKPT_VERSION },
	{ "align", CKPT_ALIGN(1) },
	{ "arch_x86_64", CKPT_ARCH_X86_64 },
	{ "hdr_mac", CKPT_HDR_MAC },
	{ "rec_max_len", CKPT_REC_MAX_LEN },
	{ "pages_max", CKPT_PAGES_MAX },
	{ "run_max", CKPT_RUN_MAX },
	{ "page_size_max", CKPT_PAGE_SIZE_MAX },
};

static void format_json(void)
{
	const struct rec_type *t;
	const struct layout *l;
	const struct field *f;
	size_t i;

	jsonw_start_object(json_wtr);
	jsonw_name(json_wtr, "magic");
	jsonw_string_len(json_wtr, CKPT_MAGIC, CKPT_MAGIC_LEN);
	for (i = 0; i < sizeof(constants) / sizeof(constants[0]); i++)
		jsonw_uint_field(json_wtr, constants[i].name, constants[i].value);
	jsonw_name(json_wtr, "records");
	jsonw_start_array(json_wtr);
	for (t = rec_types; t->name; t++) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "name", t->name);
		jsonw_uint_field(json_wtr, "type", t->type);
		jsonw_uint_field(json_wtr, "min_len", t->min_len);
		jsonw_uint_field(json_wtr, "max_len", t->max_len);
		jsonw_end_object(json_wtr);
	}
	jsonw_end_array(json_wtr);
	jsonw_name(json_wtr, "structs");
	jsonw_start_object(json_wtr);
	for (l = layouts; l->name; l++) {
		jsonw_name(json_wtr, l->name);
		jsonw_start_object(json_wtr);
		jsonw_uint_field(json_wtr, "size", l->size);
		jsonw_name(json_wtr, "fields");
		jsonw_start_object(json_wtr);
		for (f = l->fields; f->name; f++) {
			jsonw_name(json_wtr, f->name);
			jsonw_start_object(json_wtr);
			jsonw_uint_field(json_wtr, "offset", f->offset);
			jsonw_uint_field(json_wtr, "size", f->size);
			jsonw_end_object(json_wtr);
		}
		jsonw_end_object(json_wtr);
		jsonw_end_object(json_wtr);
	}
	jsonw_end_object(json_wtr);
	jsonw_end_object(json_wtr);
	jsonw_destroy(&json_wtr);
}

/* Flat, one item a line, for shell scripts (awk '$1 == "struct" ...'). */
static void format_text(void)
{
	const struct rec_type *t;
	const struct layout *l;
	const struct field *f;
	size_t i;

	printf("magic LXCKPT\\r\\n\n");
	for (i = 0; i < sizeof(constants) / sizeof(constants[0]); i++)
		printf("%s %llu\n", constants[i].name, (unsigned long long)constants[i].value);
	for (t = rec_types; t->name; t++)
		printf("record %-13s 0x%04x %u %u\n", t->name, t->type, t->min_len, t->max_len);
	for (l = layouts; l->name; l++) {
		printf("struct %s %zu\n", l->name, l->size);
		for (f = l->fields; f->name; f++)
			printf("field %s.%s %zu %zu\n", l->name, f->name, f->offset, f->size);
	}
}

int do_format(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",	no_argument,	NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json_output = true;
			break;
		default:
			return usage_error("format", "bad option");
		}
	}
	if (optind != argc)
		return usage_error("format", "too many arguments");
	if (json_output)
		format_json();
	else
		format_text();
	return EXIT_OK;
}
