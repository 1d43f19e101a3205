/* chain_loss.c - what became of packets that ended before the next point.
 *
 * A route that ends at point P while the path goes on to Q holds packets
 * that were never seen at Q. That alone is no drop. Each is one of:
 *   not judged  Q was not capturing then (chain_gap.c): the node's captures
 *               had not started or had ended, a piece of Q's rotated set is
 *               missing, its ring was overwritten, its capture lost packets,
 *               or Q saw nothing at all for a while the packets should have
 *               crossed it (at least QUIET_MIN_PACKETS of them, so that a few
 *               dropped retransmissions to a quiet interface stay a stop);
 *   recovered   TCP: the receiver acknowledged the bytes later (a
 *               retransmission got through), or for a segment without data
 *               the direction went on past it;
 *   stopped     everything else: never delivered by a later attempt.
 * A route keeps a sample of its packets (chain_agg.h); the counts are
 * scaled from the sample to the route's packets.
 */
#include <limits.h>
#include <string.h>

#include "chain_agg.h"

/* A packet needs a moment to reach the next point: one that ended this
 * close to the end of the next point's node's captures may have arrived
 * unseen. (A capture gap of a point is widened by the same.) */
#define EDGE_MARGIN_NS    (10LL * 1000 * 1000)
#define QUIET_MIN_PACKETS 8

static bool seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

/* The span of a node's captures: they are started and stopped together in
 * practice (one -i any, or a runbook's list of tcpdumps), and a quiet
 * interface sees nothing for long stretches. */
static void node_span(const struct chain_env *env, uint32_t node, int64_t *start, int64_t *end)
{
	const struct chain_point *points = *env->points;

	*start = INT64_MAX;
	*end = INT64_MIN;
	for (size_t i = 0; i < *env->npoints; i++) {
		const struct chain_point *q = &points[i];

		if (q->node_id != node || q->packets == 0)
			continue;
		if (q->first_ts - q->clock_offset < *start)
			*start = q->first_ts - q->clock_offset;
		if (q->last_ts - q->clock_offset > *end)
			*end = q->last_ts - q->clock_offset;
	}
}

/* Records that n packets were not judged because of point p's gap. */
static void excuse(struct chain_point *p, struct chain_gap *known, enum chain_gap_why why,
                   int64_t from, int64_t to, uint64_t n)
{
	if (!known) {
		for (size_t i = 0; i < p->ngaps && !known; i++) {
			if (p->gaps[i].why == why && p->gaps[i].from == from && p->gaps[i].to == to)
				known = &p->gaps[i];
		}
		if (!known)
			known = chain_point_gap(p, from, to, why, 0);
	}
	known->used = true;
	known->excused += n;
}

/* Where a quiet stretch of p runs: [from, to]. */
static void quiet_span(const struct chain_point *p, long q, int64_t *from, int64_t *to,
                       enum chain_gap_why *why)
{
	*why = CHAIN_GAP_QUIET;
	if (q == -1) {
		*from = INT64_MIN;
		*to = p->first_seen;
		*why = CHAIN_GAP_CAPTURE_START;
	} else if (q == -2) {
		*from = p->last_seen;
		*to = INT64_MAX;
		*why = CHAIN_GAP_CAPTURE_END;
	} else if (q == -3) {
		*from = INT64_MIN;
		*to = INT64_MAX;
	} else {
		*from = p->quiet[q][0];
		*to = p->quiet[q][1];
	}
}

/* TCP evidence that a sampled packet's content got through after all: the
 * receiver acknowledged its bytes, or (a bare ACK) later ones went on. */
static bool arrived(const struct route_sample *s, const struct dir_agg *o, const struct route *path)
{
	if (s->tcp_data)
		return o->has_ack && seq_le(s->seq_end, o->max_ack);
	return s->tcp_flags && !(s->tcp_flags & 0x04) && path && path->last_ts > s->ts;
}

/* n scaled from k of the route's nts samples to its packets. */
static uint64_t scaled(const struct route *r, uint32_t k)
{
	return k == r->nts ? r->count : (r->count * k + r->nts / 2) / r->nts;
}

void loss_judge(struct chain *c, const struct dir_agg *d, const struct dir_agg *o,
                const struct route *r, const struct route *path, uint32_t next,
                struct loss_tally *t)
{
	const struct chain_env *env = &c->env;
	struct chain_point *q = &(*env->points)[next];
	uint32_t gap = 0, rec = 0;
	long quiet[TS_SAMPLES];
	bool judged[TS_SAMPLES] = {0};
	int64_t start, end;

	memset(t, 0, sizeof *t);
	if (r->nts == 0)
		return;
	node_span(env, q->node_id, &start, &end);
	for (uint32_t i = 0; i < r->nts; i++) {
		const struct route_sample *s = &r->sample[i];
		struct chain_gap *g;

		quiet[i] = LONG_MIN;
		if (start == INT64_MAX || s->ts < start || s->ts + EDGE_MARGIN_NS > end) {
			bool before = start != INT64_MAX && s->ts < start;

			excuse(q, NULL, before ? CHAIN_GAP_CAPTURE_START : CHAIN_GAP_CAPTURE_END,
			       before ? INT64_MIN : end, before ? start : INT64_MAX, scaled(r, 1));
			t->why = before ? CHAIN_GAP_CAPTURE_START : CHAIN_GAP_CAPTURE_END;
			gap++;
			judged[i] = true;
			continue;
		}
		g = chain_gap_known(q, s->ts, EDGE_MARGIN_NS);
		if (g && (g->why != CHAIN_GAP_KERNEL_DROPS || g->excused < g->packets)) {
			excuse(q, g, (enum chain_gap_why)g->why, g->from, g->to, scaled(r, 1));
			t->why = g->why;
			gap++;
			judged[i] = true;
			continue;
		}
		quiet[i] = chain_gap_quiet(q, s->ts);
	}
	/* quiet stretches excuse the packets in them only when there were
	 * many (Q saw nothing while its neighbour was busy sending to it),
	 * and never TCP bytes the receiver did not acknowledge: a sender that
	 * retransmits into silence is a black hole, not a capture gap */
	for (uint32_t i = 0; i < r->nts; i++) {
		if (!judged[i] && quiet[i] != LONG_MIN && r->sample[i].tcp_flags &&
		    !arrived(&r->sample[i], o, path))
			quiet[i] = LONG_MIN;
	}
	for (uint32_t i = 0; i < r->nts; i++) {
		uint32_t same = 0;

		if (judged[i] || quiet[i] == LONG_MIN)
			continue;
		for (uint32_t j = i; j < r->nts; j++)
			same += !judged[j] && quiet[j] == quiet[i];
		if (scaled(r, same) >= QUIET_MIN_PACKETS) {
			int64_t from, to;
			enum chain_gap_why why;

			quiet_span(q, quiet[i], &from, &to, &why);
			excuse(q, NULL, why, from, to, scaled(r, same));
			t->why = why;
			for (uint32_t j = i; j < r->nts; j++) {
				if (!judged[j] && quiet[j] == quiet[i]) {
					judged[j] = true;
					gap++;
				}
			}
		}
	}
	for (uint32_t i = 0; i < r->nts; i++) {
		const struct route_sample *s = &r->sample[i];

		if (judged[i])
			continue;
		rec += arrived(s, o, path);
	}
	t->gap = scaled(r, gap);
	t->recovered = scaled(r, rec);
	if (t->gap + t->recovered > r->count)
		t->recovered = r->count - t->gap;
	t->stopped = r->count - t->gap - t->recovered;
	(void)d;
}
