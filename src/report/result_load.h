/* result_load.h - a pktpath JSON result read back into the report model.
 *
 * pktpath merge rebuilds struct chain_result from the JSON its shards wrote
 * (pktpath(1), JSON SCHEMA), so that every report format reads it as it
 * reads an analysis: each member the reports use is in the JSON, times to
 * the nanosecond in the *_time twins. A file or a pipe may hold several
 * results, each a document (--format json) or a header line, conversation
 * lines and a summary line (--format jsonl). They are read value by value
 * (json_stream.h) and handed to a sink as they come: the head (points,
 * nodes) before the first conversation, then each conversation, address
 * and warning, then the summary. Anything that is not what pktpath writes
 * is refused with one message naming the file, the byte and the member.
 */
#ifndef PKTPATH_RESULT_LOAD_H
#define PKTPATH_RESULT_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "pktpath/chain.h"
#include "topo/topo.h"

struct result_head {
	int64_t window_ns;
	uint32_t shard, nshards; /* "shard": index - 1 and count; nshards 0: null */
	struct chain_point *points;
	struct topo_known_iface *ifaces; /* per point */
	bool *has_iface;
	size_t npoints;
	struct chain_node *nodes;
	size_t nnodes;
};

struct result_summary {
	struct chain_findings findings;
	struct chain_limits limits;
	struct pp_counts counts;
	uint64_t unmatched;
};

/* Each returns 0, or -1 to stop the loading (after a message). */
struct result_sink {
	void *arg;
	/* the arrays and strings of h stay the loader's: copy what is kept */
	int (*head)(void *arg, const char *path, const struct result_head *h);
	/* the conversation's arrays stay the loader's */
	int (*conv)(void *arg, const char *path, const struct chain_conv *c);
	int (*address)(void *arg, const struct pp_addr *a, const struct topo_known_addr *k);
	/* more: a count of warnings the result left out (its "more" entry) */
	int (*warning)(void *arg, bool error, const char *file, const char *message, uint64_t more);
	int (*summary)(void *arg, const char *path, const struct result_summary *s);
};

/* Reads every result of path ("-": standard input). 0, or -1 after a
 * message (the sink may have been handed part of it). */
int result_load(const char *path, const struct result_sink *sink);

#endif
