/* test_json_writer.c - json_writer gives the bytes jansson gives.
 *
 * Every value is written twice, once with the writer and once as a jansson
 * tree dumped with the same layout, in both layouts the reports use and at
 * the depths they use; the texts must be equal. Then what jansson cannot
 * express: bytes that are not UTF-8 and non-finite reals.
 * With an argument (a JSON report), the report is parsed and dumped again
 * by jansson and must come out byte for byte as it went in.
 */
#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/escape.h"
#include "report/json_writer.h"

#include "check.h"

static const char *const strings[] = {
    "",
    "node1/pod-centos/eth0",
    "quote \" backslash \\ slash /",
    "\b\f\n\r\t",
    "\x01\x1f\x7f",
    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", /* 2, 3 and 4 byte UTF-8 */
};

static const double reals[] = {0.0,     -0.0,
                               1.0,     3.0,
                               2.461,   1715677200.001147,
                               1e20,    1e21,
                               1.5e-7,  123456789012345678.0,
                               -42.5,   DBL_MAX,
                               DBL_MIN, 5e-324,
                               0.1,     1e100,
                               1e-100};

static const int64_t ints[] = {0, 1, -1, 80, 65535, 4294967295LL, INT64_MAX, INT64_MIN};

/* The same document both ways: an object of every kind of value, empty and
 * nested containers, arrays of objects. */
static json_t *tree(void)
{
	json_t *o = json_object(), *a = json_array(), *nested = json_array();

	for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
		json_array_append_new(a, json_string(strings[i]));
	for (size_t i = 0; i < sizeof reals / sizeof *reals; i++)
		json_array_append_new(a, json_real(reals[i]));
	for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
		json_array_append_new(a, json_integer(ints[i]));
	json_object_set_new(o, "values", a);
	json_object_set_new(o, "empty_object", json_object());
	json_object_set_new(o, "empty_array", json_array());
	json_object_set_new(o, "t", json_true());
	json_object_set_new(o, "f", json_false());
	json_object_set_new(o, "n", json_null());
	for (int i = 0; i < 2; i++)
		json_array_append_new(
		    nested, json_pack("{s:i,s:{s:[]},s:[i,{}]}", "k", i, "inner", "x", "list", i));
	json_object_set_new(o, "nested", nested);
	return o;
}

static void written(struct json_writer *w)
{
	jw_object_begin(w);
	jw_key(w, "values");
	jw_array_begin(w);
	for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
		jw_string(w, strings[i]);
	for (size_t i = 0; i < sizeof reals / sizeof *reals; i++)
		jw_real(w, reals[i]);
	for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
		jw_int(w, ints[i]);
	jw_array_end(w);
	jw_key(w, "empty_object");
	jw_object_begin(w);
	jw_object_end(w);
	jw_key(w, "empty_array");
	jw_array_begin(w);
	jw_array_end(w);
	jw_key(w, "t");
	jw_bool(w, true);
	jw_key(w, "f");
	jw_bool(w, false);
	jw_key(w, "n");
	jw_null(w);
	jw_key(w, "nested");
	jw_array_begin(w);
	for (int i = 0; i < 2; i++) {
		jw_object_begin(w);
		jw_kint(w, "k", i);
		jw_key(w, "inner");
		jw_object_begin(w);
		jw_key(w, "x");
		jw_array_begin(w);
		jw_array_end(w);
		jw_object_end(w);
		jw_key(w, "list");
		jw_array_begin(w);
		jw_int(w, i);
		jw_object_begin(w);
		jw_object_end(w);
		jw_array_end(w);
		jw_object_end(w);
	}
	jw_array_end(w);
	jw_object_end(w);
}

/* jansson's dump placed at `depth`: every line break followed by the
 * indentation of that depth, as the report places a conversation. */
static char *reference(json_t *t, size_t flags, int indent, int depth)
{
	char *s = json_dumps(t, flags), *out, *p;
	size_t n = 0, extra = (size_t)(indent * depth);

	for (p = s; *p; p++)
		n += *p == '\n' ? 1 + extra : 1;
	out = malloc(n + 1);
	for (p = s, n = 0; *p; p++) {
		out[n++] = *p;
		if (*p == '\n')
			for (size_t i = 0; i < extra; i++)
				out[n++] = ' ';
	}
	out[n] = '\0';
	free(s);
	return out;
}

static void same_as_jansson(void)
{
	static const struct {
		size_t flags;
		int indent, depth;
	} layouts[] = {
	    {JSON_INDENT(2) | JSON_REAL_PRECISION(16), 2, 0},
	    {JSON_INDENT(2) | JSON_REAL_PRECISION(16), 2, 2},
	    {JSON_COMPACT | JSON_REAL_PRECISION(16), 0, 0},
	};
	json_t *t = tree();
	struct json_writer w = {0};

	for (size_t i = 0; i < sizeof layouts / sizeof *layouts; i++) {
		char *want = reference(t, layouts[i].flags, layouts[i].indent, layouts[i].depth);

		jw_reset(&w, layouts[i].indent, layouts[i].depth);
		written(&w);
		CHECK(w.len == strlen(w.s));
		if (strcmp(w.s, want) != 0) {
			fprintf(stderr, "layout %zu differs:\n--- jansson\n%s\n--- writer\n%s\n", i,
			        want, w.s);
			failures++;
		}
		free(want);
	}
	json_decref(t);
	jw_free(&w);
}

/* jansson refuses these; the writer must still give valid JSON. */
static void beyond_jansson(void)
{
	struct json_writer w = {0};
	json_t *back;

	jw_reset(&w, 0, 0);
	jw_array_begin(&w);
	jw_string(&w, "a\xff"
	              "b\xc3"
	              "c\xed\xa0\x80"
	              "d\xc0\xaf");
	jw_real(&w, NAN);
	jw_real(&w, INFINITY);
	jw_array_end(&w);
	back = json_loads(w.s, 0, NULL);
	CHECK(back != NULL);
	if (back) {
		/* each byte that is not UTF-8 became the text \xNN */
		CHECK(strcmp(json_string_value(json_array_get(back, 0)), "a\\xff"
		                                                         "b\\xc3"
		                                                         "c\\xed\\xa0\\x80"
		                                                         "d\\xc0\\xaf") == 0);
		CHECK(json_is_null(json_array_get(back, 1)));
		CHECK(json_is_null(json_array_get(back, 2)));
		json_decref(back);
	}
	jw_free(&w);
	{
		char *clean = esc_utf8_clean("ok \xc3\xa9 \xff!");

		CHECK(strcmp(clean, "ok \xc3\xa9 \\xff!") == 0);
		free(clean);
	}
}

/* A report as pktpath wrote it equals its own jansson round trip. */
static void round_trip(const char *path, bool lines)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t n = 0, cap = 0, len;
	json_error_t err;

	if (!f) {
		perror(path);
		failures++;
		return;
	}
	for (;;) {
		if (n + 65536 > cap) {
			cap = cap ? cap * 2 : 1 << 20;
			text = realloc(text, cap);
		}
		len = fread(text + n, 1, cap - n - 1, f);
		if (len == 0)
			break;
		n += len;
	}
	fclose(f);
	text[n] = '\0';
	for (char *line = text; *line;) {
		char *end = lines ? strchr(line, '\n') : text + n - 1;
		json_t *v;
		char *again;

		if (!end)
			end = line + strlen(line);
		*end = '\0';
		v = json_loads(line, 0, &err);
		if (!v) {
			fprintf(stderr, "%s: line %d: %s\n", path, err.line, err.text);
			failures++;
			break;
		}
		again = json_dumps(v, (lines ? JSON_COMPACT : JSON_INDENT(2)) |
		                          JSON_REAL_PRECISION(16));
		if (strcmp(again, line) != 0) {
			fprintf(stderr, "%s: jansson writes it otherwise\n", path);
			failures++;
		}
		free(again);
		json_decref(v);
		line = end + 1;
		if (line > text + n - 1)
			break;
	}
	free(text);
}

int main(int argc, char **argv)
{
	same_as_jansson();
	beyond_jansson();
	for (int i = 1; i + 1 < argc; i += 2)
		round_trip(argv[i + 1], strcmp(argv[i], "jsonl") == 0);
	if (failures)
		fprintf(stderr, "%u failures\n", failures);
	return failures ? 1 : 0;
}
