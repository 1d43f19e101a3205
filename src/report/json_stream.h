/* json_stream.h - JSON values read one at a time from a file or a pipe.
 *
 * A merged report reads results of any length (a shard of a long capture
 * is hundreds of MB of JSON): it walks the members of the top objects and
 * the elements of their big arrays, and builds a jansson tree for one
 * small value at a time, each bounded in bytes and in JSON values like
 * the pieces of an --expect file (input_file.h). Values it does not need
 * are skipped without being held.
 */
#ifndef PKTPATH_JSON_STREAM_H
#define PKTPATH_JSON_STREAM_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* One value of a result: a conversation, a point, an address. */
#define JSON_STREAM_MAX_BYTES  ((size_t)16 << 20)
#define JSON_STREAM_MAX_VALUES ((size_t)100000)

struct json_stream {
	FILE *f;
	const char *path; /* as given, for messages ("-": standard input) */
	char *buf;
	size_t cap, start, end; /* bytes buf[start..end) are read, not taken */
	uint64_t offset;        /* of buf[start] in the file */
	bool eof, failed;
};

/* Opens path ("-": standard input). -1 after a message. */
int json_stream_open(struct json_stream *s, const char *path);
void json_stream_close(struct json_stream *s);

/* The next character that is not white space, not taken; -1 at the end.
 * On a read error, -1 after a message (s->failed). */
int json_stream_peek(struct json_stream *s);
/* Takes c (after white space); -1 after a message naming what was found. */
int json_stream_take(struct json_stream *s, char c);
/* After a member or an element: takes ',' (1) or the closing character
 * (0); -1 after a message. */
int json_stream_next(struct json_stream *s, char close);
/* The next value, whole, as a tree (to json_decref); NULL after a message
 * when it is not JSON or too large. */
json_t *json_stream_value(struct json_stream *s);
/* A member's key and its ':' (to free); NULL after a message. */
char *json_stream_key(struct json_stream *s);
/* Skips the next value, of any size. -1 after a message. */
int json_stream_skip(struct json_stream *s);

#endif
