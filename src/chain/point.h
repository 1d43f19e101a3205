/* point.h - capture points: where each input's packets were seen.
 *
 * An ordinary input is one point. A `tcpdump -i any` capture with LINUX_SLL2
 * headers carries the interface index of each packet, and a pcapng file
 * written by `dumpcap -i a -i b` the interface of each packet: such an input
 * becomes one point per interface, named NODE/IFNAME (from the topology or
 * the pcapng interface block) or NODE/if<N> when no name is known.
 */
#ifndef PKTPATH_POINT_H
#define PKTPATH_POINT_H

#include <stddef.h>
#include <stdint.h>

#include "pktpath/chain.h"
#include "util/htab.h"

#define POINT_BASE UINT32_MAX /* the input's own point */
/* The registry never moves its entries: the reading thread adds points
 * while the analysis reads them. Beyond this many, interfaces of an input
 * share its own point. The array is reserved, not touched, up front. */
#define POINT_MAX       65536
#define POINT_PCAPNG_IF 0x80000000u /* key space of pcapng interface ids */

struct point_reg {
	struct chain_point *v;
	size_t n, cap;
	struct point_key {
		uint32_t input, ifkey, point;
	} * keys;
	size_t nkeys, capkeys;
	struct htab index; /* hash of (input, ifkey) -> keys[] */
	char **nodes;
	size_t nnodes;
	uint64_t overflow; /* lookups folded into an input's own point (POINT_MAX) */
};

void point_reg_init(struct point_reg *r);
void point_reg_free(struct point_reg *r);

/* Node id of a node name, added when new. */
uint32_t point_node(struct point_reg *r, const char *node);

/* Point of (input, ifkey), created with the given name when new. The base
 * point of an input is registered first with ifkey POINT_BASE. files are
 * copied. */
uint32_t point_get(struct point_reg *r, uint32_t input, uint32_t ifkey, const char *name,
                   const char *node, char *const *files, size_t nfiles);
/* Point of (input, ifkey) or UINT32_MAX. */
uint32_t point_find(const struct point_reg *r, uint32_t input, uint32_t ifkey);

#endif
