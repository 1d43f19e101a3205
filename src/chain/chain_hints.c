/* chain_hints.c - where packets to an address go after a point.
 *
 * A direction that ended at point P without an answer stopped only if its
 * packets should have gone on: the point that most packets to the same
 * destination went to after P is the expected next one. Every packet
 * teaches it as it is folded (its hops in order, before its conversation
 * is known), so the hints a conversation is judged with depend only on
 * the packets before it in the stream, not on which conversations are
 * aggregated: every --shard learns the same ones.
 */
#include <stdlib.h>

#include "chain_agg.h"
#include "util/msg.h"

static uint64_t hint_hash(uint32_t point, const struct pp_addr *dst)
{
	return htab_hash(dst, sizeof *dst, point);
}

static void hint_add(struct hints *h, uint32_t point, const struct pp_addr *dst, uint32_t next,
                     uint64_t count)
{
	uint64_t key = hint_hash(point, dst);
	struct htab_iter it;
	uint32_t i;

	if (!h->index.cap && htab_init(&h->index, 64) < 0)
		msg_oom("next-hop index", 0);
	for (int ok = htab_first(&h->index, key, &it, &i); ok; ok = htab_next(&h->index, &it, &i)) {
		if (h->v[i].point == point && h->v[i].next == next && addr_eq(&h->v[i].dst, dst)) {
			h->v[i].count += count;
			return;
		}
	}
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->v = realloc(h->v, h->cap * sizeof *h->v);
		if (!h->v)
			msg_oom("next hops", h->cap * sizeof *h->v);
	}
	h->v[h->n] = (struct next_hint){point, *dst, next, count};
	if (htab_put(&h->index, key, (uint32_t)h->n++) < 0)
		msg_oom("next-hop index", 0);
}

int64_t hint_find(const struct hints *h, uint32_t point, const struct pp_addr *dst)
{
	const struct next_hint *best = NULL;
	struct htab_iter it;
	uint32_t i;

	if (!h->index.cap)
		return -1;
	for (int ok = htab_first(&h->index, hint_hash(point, dst), &it, &i); ok;
	     ok = htab_next(&h->index, &it, &i)) {
		if (h->v[i].point == point && addr_eq(&h->v[i].dst, dst) &&
		    (!best || h->v[i].count > best->count))
			best = &h->v[i];
	}
	return best ? (int64_t)best->next : -1;
}

void hints_learn(struct chain *c, const struct match_ident *id)
{
	for (unsigned i = 0; i + 1 < id->nhops; i++) {
		const struct match_hop *h = &id->hops[i];

		if (h[1].point != h->point)
			hint_add(&c->hints, h->point, &flow_tuple(c->flows, h->tuple)->dst,
			         h[1].point, 1);
	}
}
