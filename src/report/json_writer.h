/* json_writer.h - JSON text written straight into a buffer, laid out exactly
 * as jansson's json_dumps() lays it out (JSON_INDENT(n) or JSON_COMPACT,
 * reals as with JSON_REAL_PRECISION(16)).
 *
 * The conversations are most of a large report: building a jansson tree
 * for each and dumping it cost about as much as matching the packets. The
 * header and summary of a report are still jansson trees; the writer only
 * has to produce the same bytes jansson would (a test round-trips its
 * output through jansson).
 */
#ifndef PKTPATH_JSON_WRITER_H
#define PKTPATH_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JW_MAX_DEPTH 16

struct json_writer {
	char *s; /* NUL-terminated text so far */
	size_t len, cap;
	int indent; /* spaces per level; 0: compact */
	int depth, base;
	bool has_members[JW_MAX_DEPTH];
	bool after_key; /* a value completes the member whose key was written */
};

/* Starts a value at nesting depth `depth` (its lines indented by
 * depth * indent spaces), keeping the buffer of an earlier use. */
void jw_reset(struct json_writer *w, int indent, int depth);
void jw_free(struct json_writer *w);

void jw_object_begin(struct json_writer *w);
void jw_object_end(struct json_writer *w);
void jw_array_begin(struct json_writer *w);
void jw_array_end(struct json_writer *w);
void jw_key(struct json_writer *w, const char *key);

void jw_string(struct json_writer *w, const char *s);
void jw_int(struct json_writer *w, int64_t v);
void jw_real(struct json_writer *w, double v);
void jw_bool(struct json_writer *w, bool v);
void jw_null(struct json_writer *w);

/* key and value in one call, the common case */
void jw_kstring(struct json_writer *w, const char *key, const char *s);
void jw_kint(struct json_writer *w, const char *key, int64_t v);

#endif
