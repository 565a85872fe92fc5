// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exercises json_writer.c for test/run-tests.sh: nesting, empty
 * containers, every kind of value, escapes, pretty and compact output.
 * "jsonw-test pretty" or "jsonw-test compact" writes the document to
 * standard output.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../json_writer.h"

static void document(json_writer_t *w)
{
	static const char bytes[] = "nul\0after";

	jsonw_start_object(w);
	jsonw_string_field(w, "plain", "abc");
	jsonw_string_field(w, "quote", "say \"hi\" \\ bye");
	jsonw_string_field(w, "control", "tab\there\nnewline\r\x01\x1f\x7f");
	jsonw_string_field(w, "utf8", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	jsonw_string_field(w, "not_utf8", "\xff \xc3 \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82");
	jsonw_name(w, "len");
	jsonw_string_len(w, bytes, sizeof(bytes));
	jsonw_name(w, "prefix");
	jsonw_string_len(w, "abcdef", 3);
	jsonw_string_field(w, "null_string", NULL);
	jsonw_uint_field(w, "u64_max", UINT64_MAX);
	jsonw_int_field(w, "s64_min", INT64_MIN);
	jsonw_hex_field(w, "hex", 0xdeadbeef);
	jsonw_bool_field(w, "yes", true);
	jsonw_bool_field(w, "no", false);
	jsonw_null_field(w, "nothing");
	jsonw_name(w, "empty_object");
	jsonw_start_object(w);
	jsonw_end_object(w);
	jsonw_name(w, "empty_array");
	jsonw_start_array(w);
	jsonw_end_array(w);
	jsonw_name(w, "nested");
	jsonw_start_array(w);
	jsonw_uint(w, 1);
	jsonw_start_object(w);
	jsonw_name(w, "a");
	jsonw_start_array(w);
	jsonw_start_array(w);
	jsonw_end_array(w);
	jsonw_int(w, -2);
	jsonw_string(w, "x");
	jsonw_end_array(w);
	jsonw_end_object(w);
	jsonw_null(w);
	jsonw_end_array(w);
	jsonw_name(w, "\"odd\" name\n");
	jsonw_bool(w, true);
	jsonw_end_object(w);
}

int main(int argc, char **argv)
{
	json_writer_t *w = jsonw_new(stdout);

	if (!w || argc != 2)
		return 2;
	jsonw_pretty(w, !strcmp(argv[1], "pretty"));
	document(w);
	jsonw_destroy(&w);
	return w ? 1 : 0;
}
