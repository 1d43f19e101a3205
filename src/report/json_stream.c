/* json_stream.c - JSON values read one at a time (json_stream.h).
 * specification: RFC 8259 (JSON); the structure is found with
 * input_file.c's scanner, each value is built by jansson.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/input_file.h"
#include "report/json_stream.h"
#include "util/msg.h"

#define FIRST_CAP ((size_t)256 << 10)

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int fail(struct json_stream *s, const char *why)
{
	msg_error(s->path, "not a pktpath JSON result: %s (at byte %llu)", why,
	          (unsigned long long)s->offset);
	s->failed = true;
	return -1;
}

int json_stream_open(struct json_stream *s, const char *path)
{
	memset(s, 0, sizeof *s);
	s->path = path;
	if (strcmp(path, "-") == 0) {
		s->path = "(standard input)";
		s->f = stdin;
	} else if (!(s->f = fopen(path, "rb"))) {
		msg_error(path, "%s", strerror(errno));
		return -1;
	}
	s->cap = FIRST_CAP;
	s->buf = malloc(s->cap);
	if (!s->buf)
		msg_oom("JSON input", s->cap);
	return 0;
}

void json_stream_close(struct json_stream *s)
{
	if (s->f && s->f != stdin)
		fclose(s->f);
	free(s->buf);
	memset(s, 0, sizeof *s);
}

/* Reads more into the buffer, moving what is not taken to its start and
 * growing it up to a value's bound. False at the end of the input. */
static bool fill(struct json_stream *s)
{
	size_t n;

	if (s->eof || s->failed)
		return false;
	if (s->start > 0) {
		memmove(s->buf, s->buf + s->start, s->end - s->start);
		s->end -= s->start;
		s->start = 0;
	}
	if (s->end == s->cap) {
		size_t cap = s->cap * 2;

		if (s->cap > JSON_STREAM_MAX_BYTES)
			return false;
		s->buf = realloc(s->buf, cap);
		if (!s->buf)
			msg_oom("JSON input", cap);
		s->cap = cap;
	}
	n = fread(s->buf + s->end, 1, s->cap - s->end, s->f);
	if (n == 0) {
		if (ferror(s->f)) {
			msg_error(s->path, "%s", strerror(errno ? errno : EIO));
			s->failed = true;
		}
		s->eof = true;
		return false;
	}
	s->end += n;
	return true;
}

static void advance(struct json_stream *s, size_t n)
{
	s->start += n;
	s->offset += n;
}

int json_stream_peek(struct json_stream *s)
{
	for (;;) {
		while (s->start < s->end && is_space(s->buf[s->start]))
			advance(s, 1);
		if (s->start < s->end)
			return (unsigned char)s->buf[s->start];
		if (!fill(s))
			return -1;
	}
}

int json_stream_take(struct json_stream *s, char c)
{
	int ch = json_stream_peek(s);
	char why[48];

	if (ch == c) {
		advance(s, 1);
		return 0;
	}
	if (s->failed)
		return -1;
	if (ch < 0)
		snprintf(why, sizeof why, "'%c' expected, the input ends", c);
	else
		snprintf(why, sizeof why, "'%c' expected, '%c' found", c, ch);
	return fail(s, why);
}

int json_stream_next(struct json_stream *s, char close)
{
	int ch = json_stream_peek(s);
	char why[48];

	if (ch == ',' || ch == close) {
		advance(s, 1);
		return ch == ',';
	}
	if (s->failed)
		return -1;
	snprintf(why, sizeof why, "',' or '%c' expected", close);
	return fail(s, why);
}

json_t *json_stream_value(struct json_stream *s)
{
	size_t end;
	json_error_t err;
	json_t *v;

	if (json_stream_peek(s) < 0) {
		if (!s->failed)
			fail(s, "a value expected, the input ends");
		return NULL;
	}
	for (;;) {
		size_t avail = s->end - s->start;

		end = input_json_skip(s->buf + s->start, avail, 0);
		if (end && (end < avail || s->eof))
			break;
		if (avail > JSON_STREAM_MAX_BYTES) {
			fail(s, "a value larger than 16 MiB");
			return NULL;
		}
		if (!fill(s) && !end) {
			if (!s->failed)
				fail(s, "cut short");
			return NULL;
		}
	}
	if (input_json_values(s->buf + s->start, end) > JSON_STREAM_MAX_VALUES) {
		fail(s, "a value of more than 100000 JSON values");
		return NULL;
	}
	v = json_loadb(s->buf + s->start, end, JSON_DECODE_ANY, &err);
	if (!v) {
		s->offset += err.position > 0 ? (uint64_t)err.position : 0;
		fail(s, err.text);
		return NULL;
	}
	advance(s, end);
	return v;
}

char *json_stream_key(struct json_stream *s)
{
	json_t *k = json_stream_peek(s) == '"' ? json_stream_value(s) : NULL;
	char *key;

	if (!k) {
		if (!s->failed)
			fail(s, "a member name expected");
		return NULL;
	}
	key = strdup(json_string_value(k));
	json_decref(k);
	if (!key)
		msg_oom("JSON input", 0);
	if (json_stream_take(s, ':') < 0) {
		free(key);
		return NULL;
	}
	return key;
}

int json_stream_skip(struct json_stream *s)
{
	int ch = json_stream_peek(s);
	unsigned long depth = 0;
	bool str = false, esc = false;

	if (ch < 0)
		return s->failed ? -1 : fail(s, "a value expected, the input ends");
	if (ch != '{' && ch != '[' && ch != '"') {
		/* a number or a literal: to the next delimiter */
		for (;;) {
			while (s->start < s->end && !strchr(",]} \t\n\r", s->buf[s->start]))
				advance(s, 1);
			if (s->start < s->end || !fill(s))
				return s->failed ? -1 : 0;
		}
	}
	for (;;) {
		while (s->start < s->end) {
			char c = s->buf[s->start];

			advance(s, 1);
			if (str) {
				if (esc)
					esc = false;
				else if (c == '\\')
					esc = true;
				else if (c == '"' && (str = false, depth == 0))
					return 0;
			} else if (c == '"') {
				str = true;
			} else if (c == '{' || c == '[') {
				depth++;
			} else if ((c == '}' || c == ']') && --depth == 0) {
				return 0;
			}
		}
		if (!fill(s))
			return s->failed ? -1 : fail(s, "cut short");
	}
}
