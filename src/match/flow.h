/* flow.h - directed 5-tuples and the conversations they belong to.
 *
 * Every address/port combination a packet shows at some point is interned
 * once as a directed tuple. Tuples seen on one wire packet at different
 * points (NAT) are the same conversation and direction; a tuple and its
 * reverse are the same conversation, opposite direction. Both relations are
 * kept in one union-find whose links carry a parity bit (0 same direction,
 * 1 opposite), so a conversation is a set of tuples and each tuple knows its
 * direction relative to the set's root.
 */
#ifndef PKTPATH_FLOW_H
#define PKTPATH_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "util/htab.h"
#include "pktpath/obs.h"

#define FLOW_NONE UINT32_MAX

struct pp_tuple {
	struct pp_addr src, dst;
	uint16_t sport, dport;
	uint8_t proto;
	uint8_t has_ports; /* ports (or the ICMP echo id) are meaningful */
	uint8_t pad[2];
};

struct flow_node {
	struct pp_tuple t;
	uint32_t parent;
	uint8_t parity; /* direction relative to parent: 0 same, 1 opposite */
	uint8_t rank;
	uint32_t conv; /* on roots: the conversation aggregate, or FLOW_NONE */
};

struct flow_table {
	struct flow_node *v;
	uint32_t n, cap;
	struct htab index; /* tuple hash -> node */
};

int flow_init(struct flow_table *ft);
void flow_free(struct flow_table *ft);

/* The tuple an observation shows (ICMP echo: the id as both ports, so that a
 * reply's tuple is the request's reversed). */
void flow_tuple_of(const struct pp_obs *o, struct pp_tuple *t);
void flow_tuple_reverse(const struct pp_tuple *t, struct pp_tuple *r);

/* Interns t, linking it with its reverse when that is known. */
uint32_t flow_intern(struct flow_table *ft, const struct pp_tuple *t);
/* FLOW_NONE when t was never interned. */
uint32_t flow_lookup(const struct flow_table *ft, const struct pp_tuple *t);

/* Root of id's set; *parity (may be NULL) is id's direction relative to it. */
uint32_t flow_find(struct flow_table *ft, uint32_t id, int *parity);
/* Records that a and b are the same conversation, b in direction `parity`
 * relative to a. Returns the root that survives; *absorbed is the other
 * former root (FLOW_NONE when they were already one set). A contradiction
 * (a and b already linked with the other parity) is ignored. */
uint32_t flow_union(struct flow_table *ft, uint32_t a, uint32_t b, int parity, uint32_t *absorbed);

static inline const struct pp_tuple *flow_tuple(const struct flow_table *ft, uint32_t id)
{
	return &ft->v[id].t;
}

#endif
