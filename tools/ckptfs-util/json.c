// SPDX-License-Identifier: GPL-2.0-only
/* A small streaming JSON writer; see json.h. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

#define JW_MAX_DEPTH	32

static int depth;
static int count[JW_MAX_DEPTH];	/* values written at each level */
static int after_key;

static void indent(void)
{
	int i;

	putchar('\n');
	for (i = 0; i < depth; i++)
		fputs("  ", stdout);
}

/* Separator before a value or a key. */
static void sep(void)
{
	if (after_key) {
		after_key = 0;
		return;
	}
	if (depth > 0) {
		if (count[depth]++)
			putchar(',');
		indent();
	}
}

static void push(char c)
{
	sep();
	putchar(c);
	if (depth < JW_MAX_DEPTH - 1)
		depth++;
	count[depth] = 0;
}

static void pop(char c)
{
	int had = count[depth];

	if (depth > 0)
		depth--;
	if (had)
		indent();
	putchar(c);
}

void jw_obj_start(void) { push('{'); }
void jw_obj_end(void) { pop('}'); }
void jw_arr_start(void) { push('['); }
void jw_arr_end(void) { pop(']'); }

static void put_str(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	putchar('"');
	for (i = 0; i < len && p[i]; i++) {
		switch (p[i]) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		default:
			/* control bytes and non-ASCII as \u00XX: always valid */
			if (p[i] < 0x20 || p[i] >= 0x7f)
				printf("\\u%04x", p[i]);
			else
				putchar(p[i]);
		}
	}
	putchar('"');
}

void jw_strn(const char *s, size_t len)
{
	sep();
	put_str(s, len);
}

void jw_key(const char *key)
{
	sep();
	put_str(key, strlen(key));
	fputs(": ", stdout);
	after_key = 1;
}

static void scalar(void)
{
	sep();
}

void jw_str(const char *s) { jw_strn(s, s ? strlen(s) : 0); }
void jw_u64(uint64_t v) { scalar(); printf("%" PRIu64, v); }
void jw_s64(int64_t v) { scalar(); printf("%" PRId64, v); }
void jw_bool(int v) { scalar(); fputs(v ? "true" : "false", stdout); }
void jw_null(void) { scalar(); fputs("null", stdout); }

void jw_hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	jw_str(buf);
}

void jw_finish(void)
{
	putchar('\n');
	depth = 0;
	count[0] = 0;
	after_key = 0;
}

void jw_kstr(const char *key, const char *s) { jw_key(key); jw_str(s); }
void jw_ku64(const char *key, uint64_t v) { jw_key(key); jw_u64(v); }
void jw_khex(const char *key, uint64_t v) { jw_key(key); jw_hex(v); }
void jw_kbool(const char *key, int v) { jw_key(key); jw_bool(v); }
