/* chain_gap.c - where a capture point was not capturing.
 *
 * A packet that reached P and was never seen at the next point Q stopped
 * only if Q was capturing at the time. A capture does not say when tcpdump
 * started, stopped or lost packets, only when it saw some, so the gaps are
 * gathered from what is known: a missing piece of a rotated set (the
 * input's last packet before it to the first after it), a ring that
 * overwrote its oldest pieces (everything before its first packet), the
 * kernel drops a pcapng file counts, and quiet stretches (no packet for
 * CHAIN_QUIET_NS or more), which the stop checks weigh against the packets
 * that should have crossed them.
 */
#include <limits.h>
#include <stdlib.h>

#include "chain_agg.h"
#include "util/msg.h"

static const char *const gap_names[] = {
    [CHAIN_GAP_QUIET] = "silent",
    [CHAIN_GAP_MISSING_PIECE] = "missing_piece",
    [CHAIN_GAP_RING_OVERWRITTEN] = "ring_overwritten",
    [CHAIN_GAP_KERNEL_DROPS] = "kernel_drops",
    [CHAIN_GAP_CAPTURE_START] = "capture_start",
    [CHAIN_GAP_CAPTURE_END] = "capture_end",
};

const char *chain_gap_name(enum chain_gap_why why)
{
	return (unsigned)why < sizeof gap_names / sizeof gap_names[0] ? gap_names[why] : "unknown";
}

struct chain_gap *chain_point_gap(struct chain_point *p, int64_t from, int64_t to,
                                  enum chain_gap_why why, uint64_t packets)
{
	if (p->ngaps == p->capgaps) {
		size_t cap = p->capgaps ? 2 * p->capgaps : 4;
		struct chain_gap *v = realloc(p->gaps, cap * sizeof *v);

		if (!v)
			msg_oom("capture gaps", cap * sizeof *v);
		p->gaps = v;
		p->capgaps = cap;
	}
	p->gaps[p->ngaps] = (struct chain_gap){from, to, (uint8_t)why, false, packets, 0};
	return &p->gaps[p->ngaps++];
}

static int cmp_gap(const void *x, const void *y)
{
	const struct chain_gap *a = x, *b = y;

	if (a->from != b->from)
		return (a->from > b->from) - (a->from < b->from);
	if (a->to != b->to)
		return (a->to > b->to) - (a->to < b->to);
	return (a->why > b->why) - (a->why < b->why);
}

void chain_point_sort_gaps(struct chain_point *p)
{
	if (p->ngaps > 1)
		qsort(p->gaps, p->ngaps, sizeof *p->gaps, cmp_gap);
}

void chain_point_seen(struct chain_point *p, int64_t t)
{
	if (p->packets > 1 && t - p->last_seen >= CHAIN_QUIET_NS) {
		if (p->nquiet == p->capquiet) {
			size_t cap = p->capquiet ? 2 * p->capquiet : 16;
			int64_t(*v)[2] = realloc(p->quiet, cap * sizeof *v);

			if (!v)
				msg_oom("quiet stretches", cap * sizeof *v);
			p->quiet = v;
			p->capquiet = cap;
		}
		p->quiet[p->nquiet][0] = p->last_seen;
		p->quiet[p->nquiet][1] = t;
		p->nquiet++;
	}
	if (p->packets == 1 || t < p->first_seen)
		p->first_seen = t;
	if (p->packets == 1 || t > p->last_seen)
		p->last_seen = t;
}

struct chain_gap *chain_gap_known(struct chain_point *p, int64_t t, int64_t margin)
{
	for (size_t i = 0; i < p->ngaps; i++) {
		const struct chain_gap *g = &p->gaps[i];

		if (g->why != CHAIN_GAP_QUIET && g->why != CHAIN_GAP_CAPTURE_START &&
		    g->why != CHAIN_GAP_CAPTURE_END && g->from <= t + margin && t <= g->to)
			return &p->gaps[i];
	}
	return NULL;
}

long chain_gap_quiet(const struct chain_point *p, int64_t t)
{
	size_t lo = 0, hi = p->nquiet;

	if (p->packets == 0)
		return -3; /* quiet throughout */
	if (t < p->first_seen)
		return -1;
	if (t > p->last_seen)
		return -2;
	/* the first stretch that ends at or after t: they are disjoint */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->quiet[mid][1] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < p->nquiet && p->quiet[lo][0] <= t)
		return (long)lo;
	return LONG_MIN;
}
