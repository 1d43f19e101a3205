/* snapshot_int.h - what the files of `pktpath snapshot` share: the
 * selection (snapshot_netns.c), the collection through libnl
 * (snapshot_collect.c) and the document written (snapshot_write.c). Not a
 * public interface. */
#ifndef PKTPATH_SNAPSHOT_INT_H
#define PKTPATH_SNAPSHOT_INT_H

#include <jansson.h>

#include "topo/snapshot.h"

#define SNAPSHOT_VERSION 1

/* snapshot_netns.c */
void *snapshot_xrealloc(void *p, size_t n, size_t size);
/* "the network namespace NAME" or "this network namespace", for messages */
const char *snapshot_ns_what(const struct ns_sel *ns, char *buf, size_t len);
int snapshot_add_all_netns(struct snap *s);
int snapshot_open_all(struct snap *s);

/* snapshot_collect.c: one object per selected namespace, appended to arr;
 * -1 when a namespace could not be read (said) */
int snapshot_collect(struct snap *s, json_t *arr);
/* A string as JSON (invalid UTF-8 bytes as \xNN), or null. */
json_t *snapshot_jstr(const char *s);
/* Sets key to v (stealing it); remembers a failed allocation. */
void snapshot_put(struct snap *s, json_t *obj, const char *key, json_t *v);

#endif
