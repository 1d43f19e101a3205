/* json_writer.c - JSON text in jansson's layout, see json_writer.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/escape.h"
#include "report/json_writer.h"
#include "util/msg.h"

static void reserve(struct json_writer *w, size_t n)
{
	size_t cap = w->cap ? w->cap : 4096;
	char *s;

	if (w->len + n + 1 <= w->cap)
		return;
	while (cap < w->len + n + 1)
		cap *= 2;
	s = realloc(w->s, cap);
	if (!s)
		msg_oom("JSON text", cap);
	w->s = s;
	w->cap = cap;
}

static void put(struct json_writer *w, const char *p, size_t n)
{
	reserve(w, n);
	memcpy(w->s + w->len, p, n);
	w->len += n;
	w->s[w->len] = '\0';
}

static void putc1(struct json_writer *w, char c)
{
	reserve(w, 1);
	w->s[w->len++] = c;
	w->s[w->len] = '\0';
}

void jw_reset(struct json_writer *w, int indent, int depth)
{
	w->len = 0;
	reserve(w, 0);
	w->s[0] = '\0';
	w->indent = indent;
	w->depth = w->base = depth < JW_MAX_DEPTH ? depth : JW_MAX_DEPTH - 1;
	w->after_key = false;
	memset(w->has_members, 0, sizeof w->has_members);
}

void jw_free(struct json_writer *w)
{
	free(w->s);
	memset(w, 0, sizeof *w);
}

/* A line break and the indentation of the current depth (indented
 * layout only; compact has neither). */
static void newline(struct json_writer *w, int depth)
{
	size_t n = (size_t)(depth * w->indent);

	if (!w->indent)
		return;
	reserve(w, n + 1);
	w->s[w->len++] = '\n';
	memset(w->s + w->len, ' ', n);
	w->len += n;
	w->s[w->len] = '\0';
}

/* What comes before a member or element: a comma after an earlier one,
 * then a new line. */
static void separate(struct json_writer *w)
{
	if (w->has_members[w->depth])
		putc1(w, ',');
	newline(w, w->depth);
	w->has_members[w->depth] = true;
}

/* Before a value: nothing after a key or at the top, else an element's
 * separator. */
static void value_prefix(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > w->base)
		separate(w);
}

static void container_open(struct json_writer *w, char c)
{
	value_prefix(w);
	putc1(w, c);
	if (w->depth + 1 >= JW_MAX_DEPTH)
		abort(); /* the reports nest a few levels; deeper is a bug */
	w->depth++;
	w->has_members[w->depth] = false;
}

static void container_close(struct json_writer *w, char c)
{
	if (w->has_members[w->depth])
		newline(w, w->depth - 1);
	w->has_members[w->depth] = false;
	if (w->depth > w->base)
		w->depth--;
	putc1(w, c);
}

void jw_object_begin(struct json_writer *w)
{
	container_open(w, '{');
}

void jw_object_end(struct json_writer *w)
{
	container_close(w, '}');
}

void jw_array_begin(struct json_writer *w)
{
	container_open(w, '[');
}

void jw_array_end(struct json_writer *w)
{
	container_close(w, ']');
}

/* Keys are the report's own names: plain ASCII, nothing to escape. */
void jw_key(struct json_writer *w, const char *key)
{
	separate(w);
	putc1(w, '"');
	put(w, key, strlen(key));
	put(w, w->indent ? "\": " : "\":", w->indent ? 3 : 2);
	w->after_key = true;
}

/* Escapes as jansson does: the two quoting characters, the named control
 * characters, other controls as \u00XX; UTF-8 as is. Names come from
 * customers' files, so a byte that is not UTF-8 (jansson refuses the whole
 * string) becomes the text \xNN (escape.h), as esc_utf8_clean() writes it
 * for jansson: two names that differ only there stay two names. */
void jw_string(struct json_writer *w, const char *str)
{
	const unsigned char *p = (const unsigned char *)str;
	size_t n = strlen(str);

	value_prefix(w);
	putc1(w, '"');
	while (n) {
		size_t run = 0, seq;

		while (run < n && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' &&
		       p[run] != '\\')
			run++;
		put(w, (const char *)p, run);
		p += run;
		n -= run;
		if (!n)
			break;
		if (*p >= 0x80) {
			seq = esc_utf8_seq(p, n);
			if (seq) {
				put(w, (const char *)p, seq);
			} else {
				static const char hex[] = "0123456789abcdef";
				char e[5] = {'\\', '\\', 'x', hex[*p >> 4], hex[*p & 15]};

				put(w, e, 5);
				seq = 1;
			}
			p += seq;
			n -= seq;
			continue;
		}
		switch (*p) {
		case '"':
			put(w, "\\\"", 2);
			break;
		case '\\':
			put(w, "\\\\", 2);
			break;
		case '\b':
			put(w, "\\b", 2);
			break;
		case '\f':
			put(w, "\\f", 2);
			break;
		case '\n':
			put(w, "\\n", 2);
			break;
		case '\r':
			put(w, "\\r", 2);
			break;
		case '\t':
			put(w, "\\t", 2);
			break;
		default: {
			char u[8];

			snprintf(u, sizeof u, "\\u%04X", *p);
			put(w, u, 6);
		}
		}
		p++;
		n--;
	}
	putc1(w, '"');
}

void jw_int(struct json_writer *w, int64_t v)
{
	char buf[24], *e = buf + sizeof buf, *b = e;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		*--b = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--b = '-';
	value_prefix(w);
	put(w, b, (size_t)(e - b));
}

/* jansson's real: "%.16g", ".0" added when it would read back as an
 * integer, the exponent without '+' or leading zeros. */
void jw_real(struct json_writer *w, double v)
{
	char buf[40], *e;
	int n;

	if (!isfinite(v)) {
		jw_null(w);
		return;
	}
	n = snprintf(buf, sizeof buf, "%.16g", v);
	if (n < 0 || (size_t)n >= sizeof buf - 3) {
		jw_null(w);
		return;
	}
	e = strchr(buf, 'e');
	if (!e && !strchr(buf, '.')) {
		memcpy(buf + n, ".0", 3);
		n += 2;
	} else if (e) {
		char *d = e + 1, *src;

		if (*d == '-')
			d++;
		for (src = d; *src == '+' || *src == '0'; src++)
			;
		if (*d == '+' || src != d) {
			memmove(d, src, strlen(src) + 1);
			n = (int)strlen(buf);
		}
	}
	value_prefix(w);
	put(w, buf, (size_t)n);
}

void jw_bool(struct json_writer *w, bool v)
{
	value_prefix(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct json_writer *w)
{
	value_prefix(w);
	put(w, "null", 4);
}

void jw_kstring(struct json_writer *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_string(w, s);
}

void jw_kint(struct json_writer *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_int(w, v);
}
