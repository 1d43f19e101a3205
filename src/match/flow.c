/* flow.c - tuple interning and the direction-aware union-find of flow.h. */
#include <stdlib.h>
#include <string.h>

#include "match/flow.h"
#include "util/msg.h"

int flow_init(struct flow_table *ft)
{
	memset(ft, 0, sizeof *ft);
	return htab_init(&ft->index, 1024);
}

void flow_free(struct flow_table *ft)
{
	free(ft->v);
	htab_free(&ft->index);
	memset(ft, 0, sizeof *ft);
}

void flow_tuple_of(const struct pp_obs *o, struct pp_tuple *t)
{
	memset(t, 0, sizeof *t);
	t->src = o->src;
	t->dst = o->dst;
	t->proto = o->proto;
	if ((o->proto == 1 || o->proto == 58) && !(o->flags & PP_OBS_ICMP_ERROR)) {
		/* ICMP echo: the identifier names the conversation both ways, so
		 * it stands for both ports and a reply's tuple is the reverse of
		 * its request's. Other ICMP has no identifier. */
		if (o->flags & PP_OBS_PORTS) {
			t->sport = o->sport;
			t->dport = o->sport;
			t->has_ports = 1;
		}
	} else if (o->flags & PP_OBS_PORTS) {
		t->sport = o->sport;
		t->dport = o->dport;
		t->has_ports = 1;
	}
}

void flow_tuple_reverse(const struct pp_tuple *t, struct pp_tuple *r)
{
	*r = *t;
	r->src = t->dst;
	r->dst = t->src;
	r->sport = t->dport;
	r->dport = t->sport;
}

static uint64_t tuple_hash(const struct pp_tuple *t)
{
	return htab_hash(t, sizeof *t, 0x7475706c65ULL);
}

uint32_t flow_lookup(const struct flow_table *ft, const struct pp_tuple *t)
{
	struct htab_iter it;
	uint32_t id;

	for (int ok = htab_first(&ft->index, tuple_hash(t), &it, &id); ok;
	     ok = htab_next(&ft->index, &it, &id)) {
		if (memcmp(&ft->v[id].t, t, sizeof *t) == 0)
			return id;
	}
	return FLOW_NONE;
}

uint32_t flow_intern(struct flow_table *ft, const struct pp_tuple *t)
{
	uint32_t id = flow_lookup(ft, t);
	struct pp_tuple rev;
	uint32_t rid, absorbed;

	if (id != FLOW_NONE)
		return id;
	if (ft->n == ft->cap) {
		uint32_t cap = ft->cap ? ft->cap * 2 : 1024;
		struct flow_node *v = realloc(ft->v, cap * sizeof *v);

		if (!v)
			msg_oom("flow table", cap * sizeof *v);
		ft->v = v;
		ft->cap = cap;
	}
	id = ft->n++;
	ft->v[id] = (struct flow_node){.t = *t, .parent = id, .conv = FLOW_NONE};
	if (htab_put(&ft->index, tuple_hash(t), id) < 0)
		msg_oom("flow index", 0);
	flow_tuple_reverse(t, &rev);
	rid = flow_lookup(ft, &rev);
	if (rid != FLOW_NONE && rid != id)
		flow_union(ft, rid, id, 1, &absorbed);
	return id;
}

uint32_t flow_find(struct flow_table *ft, uint32_t id, int *parity)
{
	uint32_t root = id;
	int par = 0;

	while (ft->v[root].parent != root) {
		par ^= ft->v[root].parity;
		root = ft->v[root].parent;
	}
	/* Path compression: point every node on the way straight at the root,
	 * with its parity relative to the root. */
	for (int p = par; ft->v[id].parent != root && id != root;) {
		uint32_t next = ft->v[id].parent;
		int next_p = p ^ ft->v[id].parity;

		ft->v[id].parent = root;
		ft->v[id].parity = (uint8_t)p;
		id = next;
		p = next_p;
	}
	if (parity)
		*parity = par;
	return root;
}

uint32_t flow_union(struct flow_table *ft, uint32_t a, uint32_t b, int parity, uint32_t *absorbed)
{
	int pa, pb;
	uint32_t ra = flow_find(ft, a, &pa);
	uint32_t rb = flow_find(ft, b, &pb);
	int rel;

	*absorbed = FLOW_NONE;
	if (ra == rb)
		return ra;
	/* parity of rb relative to ra such that dir(b) = dir(a) ^ parity */
	rel = pa ^ pb ^ parity;
	if (ft->v[ra].rank < ft->v[rb].rank) {
		uint32_t tmp = ra;

		ra = rb;
		rb = tmp;
	}
	ft->v[rb].parent = ra;
	ft->v[rb].parity = (uint8_t)rel;
	if (ft->v[ra].rank == ft->v[rb].rank)
		ft->v[ra].rank++;
	*absorbed = rb;
	return ra;
}
