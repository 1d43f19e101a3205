/* clock.h - per-node clock offsets, estimated from packets seen on two nodes.
 *
 * Points on one node share a clock. For a packet that crosses from node A to
 * node B, t_B - t_A = delay + theta where theta = offset_B - offset_A; for
 * one crossing from B to A, t_B - t_A = theta - delay. With both directions
 * the minimum delays cancel (NTP style): theta = (min x + max y) / 2. The
 * direction a packet travelled is read from its TTL (it only decreases along
 * a path); pairs with equal TTLs are classified against a coarse median.
 * Samples are gathered before strict matching, keyed only by strong
 * invariants (non-zero IP ID with transport fields), and with no time window,
 * so offsets of minutes are found as easily as microseconds.
 */
#ifndef PKTPATH_CLOCK_H
#define PKTPATH_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct clock_node_result {
	int64_t offset_ns;   /* this node's clock runs ahead of the reference by this */
	uint32_t via;        /* node the estimate was chained from (itself for the reference) */
	uint64_t pairs_to;   /* packets seen going from `via` to this node */
	uint64_t pairs_from; /* and from this node to `via` */
	int64_t error_ns;    /* the offset is within this of the truth; -1: unknown
	                        (evidence one way only, or none) */
	bool manual;         /* set with --clock */
	bool estimated;      /* false: no evidence, offset assumed 0 */
};

struct clock_est;

struct clock_est *clock_new(uint32_t nnodes);
void clock_free(struct clock_est *c);

/* One sighting of a packet with strong key `key` on `node`. */
void clock_add(struct clock_est *c, uint64_t key, uint32_t node, int64_t ts, uint8_t ttl);
/* Keys gathered so far (to bound the sampling pass). */
uint64_t clock_keys(const struct clock_est *c);

/* Fixes a node's offset by hand (--clock). */
void clock_set(struct clock_est *c, uint32_t node, int64_t offset_ns);

/* Estimates every node's offset relative to node `ref`. */
void clock_estimate(struct clock_est *c, uint32_t ref);
const struct clock_node_result *clock_result(const struct clock_est *c, uint32_t node);
/* Frees the samples once estimated (no clock_add() after); the results stay. */
void clock_drop_samples(struct clock_est *c);

#endif
