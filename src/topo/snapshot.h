/* snapshot.h - `pktpath snapshot`: links, addresses and routes of network
 * namespaces, read with libnl-route-3 and written as JSON. The command line
 * is read in cli/cli_snapshot.c; this is what it asks of the topology stage. */
#ifndef PKTPATH_SNAPSHOT_H
#define PKTPATH_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define RUN_NETNS "/run/netns"

/* One namespace to record. */
struct ns_sel {
	char *name;    /* NULL for the namespace pktpath runs in */
	char *path;    /* file to open */
	long pid;      /* --netns PID, else 0 */
	bool optional; /* from --all-netns: may vanish or be half-created */
	bool skip;     /* optional and gone: left out */
	int fd;
	ino_t inode;
};

struct snap {
	struct ns_sel *ns;
	size_t nns;
	const char *output;
	bool all_netns;
	bool oom; /* a jansson allocation failed somewhere */
};

/* The selection holds the namespace pktpath runs in. */
void snapshot_init(struct snap *s);
/* --netns [ALIAS=]NAME|PID; -1 (said) when ARG is neither. */
int snapshot_add_netns(struct snap *s, const char *arg);
/* Records the selection and writes the document; frees the selection.
 * Returns an exit status (enum pp_exit). */
int snapshot_run(struct snap *s);
void snapshot_free(struct snap *s);

#endif
