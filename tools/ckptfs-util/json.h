/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef CKPT_JSON_H
#define CKPT_JSON_H

#include <stdint.h>

/*
 * A streaming JSON writer to stdout: containers nest, commas and
 * indentation are automatic.  Inside an object call jw_key() before each
 * value; inside an array just the values.
 */
void jw_obj_start(void);
void jw_obj_end(void);
void jw_arr_start(void);
void jw_arr_end(void);
void jw_key(const char *key);
void jw_str(const char *s);
void jw_strn(const char *s, size_t len);
void jw_u64(uint64_t v);
void jw_s64(int64_t v);
void jw_bool(int v);
void jw_null(void);
void jw_hex(uint64_t v);		/* as a string "0x..." */
void jw_finish(void);			/* newline after the top level value */

/* key + value shorthands */
void jw_kstr(const char *key, const char *s);
void jw_ku64(const char *key, uint64_t v);
void jw_khex(const char *key, uint64_t v);
void jw_kbool(const char *key, int v);

#endif
