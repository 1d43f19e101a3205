/* shard_merge.h - `pktpath merge`: the results of pktpath --shard K/N runs
 * joined into the result one run over all the captures gives.
 *
 * Every shard read every input, so their points, nodes, clocks, packet
 * counts and input warnings are the same and are taken once (a shard that
 * differs is refused); conversations, findings counts, unmatched packets
 * and the limits each conversation reached are the shards' own and are
 * added; a gap's packets not judged are added over the shards. The joined
 * result is numbered and reported as an analysis's is (chain_store.c
 * orders conversations by their first packet, ties by their origin).
 */
#ifndef PKTPATH_SHARD_MERGE_H
#define PKTPATH_SHARD_MERGE_H

#include "pktpath/chain.h"
#include "pktpath/options.h"

/* Reads the results named by opt->inputs ("-": standard input) into *out
 * (free it with chain_result_free()). 0, or -1 after a message when they
 * cannot be read or are not the shards of one analysis. */
int shard_merge(const struct pp_options *opt, struct chain_result *out);

#endif
