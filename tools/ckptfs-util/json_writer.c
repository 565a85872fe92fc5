// SPDX-License-Identifier: GPL-2.0-only
/*
 * A streaming JSON writer; see json_writer.h.
 *
 * Pretty output puts every member of an object and every element of an
 * array on a line of its own, indented two spaces per level; an empty
 * container stays "{}" or "[]".  Compact output has no white space.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"

struct json_writer {
	FILE		*out;
	unsigned int	depth;		/* open containers */
	bool		pretty;
	bool		first;		/* nothing written yet in the innermost container */
	bool		named;		/* a name was written, its value comes next */
	bool		written;	/* a top level value was written */
};

json_writer_t *jsonw_new(FILE *f)
{
	json_writer_t *self = calloc(1, sizeof(*self));

	if (!self)
		return NULL;
	self->out = f;
	self->first = true;
	return self;
}

/* Ends the output with a newline if a value was written, frees the writer. */
void jsonw_destroy(json_writer_t **self_p)
{
	json_writer_t *self = *self_p;

	if (!self)
		return;
	if (self->written)
		putc('\n', self->out);
	fflush(self->out);
	free(self);
	*self_p = NULL;
}

void jsonw_pretty(json_writer_t *self, bool on)
{
	self->pretty = on;
}

static void newline(json_writer_t *self)
{
	unsigned int i;

	if (!self->pretty)
		return;
	putc('\n', self->out);
	for (i = 0; i < self->depth; i++)
		fputs("  ", self->out);
}

/* What comes before a value or a name: nothing, or a comma and a new line. */
static void separate(json_writer_t *self)
{
	if (self->named) {
		self->named = false;
		return;
	}
	if (!self->depth) {
		self->written = true;
		return;
	}
	if (!self->first)
		putc(',', self->out);
	self->first = false;
	newline(self);
}

static void open_container(json_writer_t *self, int c)
{
	separate(self);
	putc(c, self->out);
	self->depth++;
	self->first = true;
}

static void close_container(json_writer_t *self, int c)
{
	bool empty = self->first;

	if (self->depth)
		self->depth--;
	if (!empty)
		newline(self);
	putc(c, self->out);
	/* the container was a value of its parent */
	self->first = false;
}

void jsonw_start_object(json_writer_t *self) { open_container(self, '{'); }
void jsonw_end_object(json_writer_t *self) { close_container(self, '}'); }
void jsonw_start_array(json_writer_t *self) { open_container(self, '['); }
void jsonw_end_array(json_writer_t *self) { close_container(self, ']'); }

/* Length of the valid UTF-8 sequence of 2 to 4 bytes at @p, or 0. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;
	/* no overlong forms, no surrogates, nothing above U+10FFFF */
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

/*
 * @len bytes of @s, up to a NUL, quoted: '"' and '\' escaped, control
 * characters, DEL and bytes that are not UTF-8 as \u00XX (a byte that is
 * not UTF-8 shows as the code point of its value).
 */
static void put_string(json_writer_t *self, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, k;

	putc('"', self->out);
	for (i = 0; i < len && p[i]; i++) {
		if (p[i] == '"' || p[i] == '\\') {
			putc('\\', self->out);
			putc(p[i], self->out);
		} else if (p[i] >= 0x20 && p[i] < 0x7f) {
			putc(p[i], self->out);
		} else if (p[i] >= 0x80 && (k = utf8_seq(p + i, len - i))) {
			fwrite(p + i, 1, k, self->out);
			i += k - 1;
		} else {
			fprintf(self->out, "\\u%04x", p[i]);
		}
	}
	putc('"', self->out);
}

void jsonw_name(json_writer_t *self, const char *name)
{
	separate(self);
	put_string(self, name, strlen(name));
	putc(':', self->out);
	if (self->pretty)
		putc(' ', self->out);
	self->named = true;
}

void jsonw_string_len(json_writer_t *self, const char *s, size_t len)
{
	separate(self);
	put_string(self, s ? s : "", s ? len : 0);
}

void jsonw_string(json_writer_t *self, const char *s)
{
	jsonw_string_len(self, s, s ? strlen(s) : 0);
}

void jsonw_uint(json_writer_t *self, uint64_t v)
{
	separate(self);
	fprintf(self->out, "%" PRIu64, v);
}

void jsonw_int(json_writer_t *self, int64_t v)
{
	separate(self);
	fprintf(self->out, "%" PRId64, v);
}

void jsonw_bool(json_writer_t *self, bool v)
{
	separate(self);
	fputs(v ? "true" : "false", self->out);
}

void jsonw_null(json_writer_t *self)
{
	separate(self);
	fputs("null", self->out);
}

void jsonw_hex(json_writer_t *self, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	jsonw_string(self, buf);
}

void jsonw_string_field(json_writer_t *self, const char *name, const char *s)
{
	jsonw_name(self, name);
	jsonw_string(self, s);
}

void jsonw_uint_field(json_writer_t *self, const char *name, uint64_t v)
{
	jsonw_name(self, name);
	jsonw_uint(self, v);
}

void jsonw_int_field(json_writer_t *self, const char *name, int64_t v)
{
	jsonw_name(self, name);
	jsonw_int(self, v);
}

void jsonw_bool_field(json_writer_t *self, const char *name, bool v)
{
	jsonw_name(self, name);
	jsonw_bool(self, v);
}

void jsonw_null_field(json_writer_t *self, const char *name)
{
	jsonw_name(self, name);
	jsonw_null(self);
}

void jsonw_hex_field(json_writer_t *self, const char *name, uint64_t v)
{
	jsonw_name(self, name);
	jsonw_hex(self, v);
}
