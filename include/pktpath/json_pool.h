/* json_pool.h - turn JSON trees into text on both cores, written in order.
 *
 * Serialising the conversations of a large run costs about as much as
 * matching them did, and it happens after the reader thread has finished,
 * when a core is idle. The caller builds each tree (that needs the
 * conversation, which only the caller may touch) and submits it; the pool's
 * thread and the caller then serialise trees, and the caller's sink receives
 * the texts in submission order, always on the caller's thread.
 */
#ifndef PKTPATH_JSON_POOL_H
#define PKTPATH_JSON_POOL_H

#include <jansson.h>
#include <stddef.h>

struct json_pool;

/* Receives the text of the index-th submitted tree (NUL-terminated, len
 * bytes); returns -1 to fail. */
typedef int (*json_pool_sink)(const char *text, size_t len, size_t index, void *arg);

/* Dumps with json_dump_callback(tree, ..., flags). Never NULL: without a thread the
 * caller does all the work. */
struct json_pool *json_pool_start(size_t flags, json_pool_sink sink, void *arg);

/* Takes the tree (it is freed by the pool). Returns -1 once the sink or a
 * dump has failed. */
int json_pool_submit(struct json_pool *p, json_t *tree);

/* Writes what is left, stops the thread, frees the pool. */
int json_pool_finish(struct json_pool *p);

#endif
