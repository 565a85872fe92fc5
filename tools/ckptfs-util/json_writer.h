/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A streaming JSON writer, after bpftool's json_writer: a writer is made
 * on a FILE, values nest in objects and arrays, commas, quotes, escapes
 * and (pretty printing) newlines and indentation are its business.
 *
 *	json_writer_t *w = jsonw_new(stdout);
 *
 *	jsonw_pretty(w, true);
 *	jsonw_start_object(w);
 *	jsonw_uint_field(w, "pid", 42);
 *	jsonw_name(w, "fds");
 *	jsonw_start_array(w);
 *	jsonw_uint(w, 0);
 *	jsonw_end_array(w);
 *	jsonw_end_object(w);
 *	jsonw_destroy(&w);		(a newline after the value, freed)
 *
 * Inside an object, each value comes after jsonw_name() (or is written by
 * a jsonw_*_field() function); inside an array, values come alone.
 * Strings are bytes: valid UTF-8 goes out as it is, other bytes and
 * control characters as escapes, so that the output is always valid JSON.
 */
#ifndef CKPT_JSON_WRITER_H
#define CKPT_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct json_writer json_writer_t;

json_writer_t *jsonw_new(FILE *f);
void jsonw_destroy(json_writer_t **self_p);
void jsonw_pretty(json_writer_t *self, bool on);

void jsonw_start_object(json_writer_t *self);
void jsonw_end_object(json_writer_t *self);
void jsonw_start_array(json_writer_t *self);
void jsonw_end_array(json_writer_t *self);
void jsonw_name(json_writer_t *self, const char *name);

/* Values */
void jsonw_string(json_writer_t *self, const char *s);	/* NULL: "" */
void jsonw_string_len(json_writer_t *self, const char *s, size_t len);	/* up to a NUL */
void jsonw_uint(json_writer_t *self, uint64_t v);
void jsonw_int(json_writer_t *self, int64_t v);
void jsonw_bool(json_writer_t *self, bool v);
void jsonw_null(json_writer_t *self);
void jsonw_hex(json_writer_t *self, uint64_t v);	/* the string "0x..." */

/* Name and value */
void jsonw_string_field(json_writer_t *self, const char *name, const char *s);
void jsonw_uint_field(json_writer_t *self, const char *name, uint64_t v);
void jsonw_int_field(json_writer_t *self, const char *name, int64_t v);
void jsonw_bool_field(json_writer_t *self, const char *name, bool v);
void jsonw_null_field(json_writer_t *self, const char *name);
void jsonw_hex_field(json_writer_t *self, const char *name, uint64_t v);

#endif /* CKPT_JSON_WRITER_H */
