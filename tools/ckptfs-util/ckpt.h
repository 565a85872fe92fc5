/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ckpt: user space tool for the ckpt cgroup controller.
 *
 * main.c	command table, option parsing, help, error printer
 * cgroup.c	checkpoint, restart, state, exclude: the cgroup files
 * image.c	info: the image decoder: the stream, the walk, the dispatch
 * img_*.c	info: the records of each kind (task, mm, files, net, ipc, signal)
 * format.c	the record types (CKPT_REC_TYPE()), format: the layout for scripts
 * json_writer.c	a JSON writer (json_wtr, modelled on bpftool's)
 */
#ifndef CKPT_H
#define CKPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json_writer.h"

#define CKPT_TOOL_VERSION	"0.1"

/* Exit codes, as documented in --help and ckpt(8). */
enum {
	EXIT_OK		= 0,	/* success */
	EXIT_FAIL	= 1,	/* the operation failed, or the image is invalid */
	EXIT_USAGE	= 2,	/* bad command line */
	EXIT_ENV	= 3,	/* no cgroup2, no such cgroup, file cannot be opened... */
};

/* Options shared by all commands. */
extern bool json_output;
extern json_writer_t *json_wtr;	/* stdout, pretty printed */
extern bool quiet;
extern const char *prog;

void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void p_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Resource classes of ckpt.exclude, and their bit in the image header. */
struct excl_class {
	const char	*name;
	uint64_t	bit;
	const char	*what;
};
extern const struct excl_class excl_classes[];
const struct excl_class *excl_class_find(const char *name, size_t len);
/* "+anon -anon" from "+anon,-anon" or argv tokens; EXIT_* */
int excl_tokens(const char *cmd, char *out, size_t size, char **tok, int ntok);
void excl_names(char *out, size_t size, uint64_t bits);

/* format.c: the record types, from CKPT_REC_TYPE() */
struct rec_type {
	uint32_t	type;
	const char	*name;
	uint32_t	min_len, max_len;	/* record header included */
};
extern const struct rec_type rec_types[];	/* ends with a NULL name */
const struct rec_type *rec_type_find(uint32_t type);
uint64_t rec_type_max(const struct rec_type *t, uint32_t page_size);

/* Commands: each gets argc/argv starting at its own name. */
int do_checkpoint(int argc, char **argv);
int do_restart(int argc, char **argv);
int do_state(int argc, char **argv);
int do_check(int argc, char **argv);
int do_exclude(int argc, char **argv);
int do_info(int argc, char **argv);
int do_format(int argc, char **argv);

#endif /* CKPT_H */
