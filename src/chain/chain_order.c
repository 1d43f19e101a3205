/* chain_order.c - the order of a direction's capture points, from what holds
 * over all of its packets.
 *
 * One packet's own time stamps are not enough to order its hops: taps on one
 * host stamp two points with the same microsecond, a GRO-merged packet keeps
 * the time of its first segment, and between nodes the clock estimate has a
 * residual error. What holds over all packets of a direction is sounder:
 * the TTL only falls along a path, a pod's eth0 is where its packets start
 * and where packets to it end, the points of one node are crossed one after
 * the other, and the majority of packets shows the rest. Every identity
 * votes for the order of its points (across nodes only where the difference
 * exceeds the clocks' uncertainty); at the end every route is put in the
 * order the votes give, so a tie or a clock error no longer makes a route
 * of its own that would look like packets that stopped early.
 *
 * The same table keeps, per point, the tuples packets carried there, so a
 * NAT that starts part-way through a flow is seen with the packets it
 * applied to.
 */
#include <stdlib.h>
#include <string.h>

#include "chain_agg.h"
#include "util/msg.h"
#include "topo/topo.h"

/* A node whose offset has no error bound (packets crossed one way only). */
#define CLOCK_TOLERANCE_UNKNOWN_NS (5LL * 1000 * 1000)
/* A pod's eth0 owning the source or destination outweighs any count. */
#define TOPO_WEIGHT ((uint64_t)1 << 48)

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		msg_oom("point order", n);
	return p;
}

int order_find(const struct dir_order *o, uint32_t point, uint8_t dir)
{
	for (uint32_t i = 0; i < o->n; i++) {
		if (o->pt[i].point == point && o->pt[i].dir == dir)
			return (int)i;
	}
	return -1;
}

/* Grows the vote matrices to hold `want` points, keeping their votes. */
static void order_grow(struct dir_order *o, uint32_t want)
{
	uint32_t cap = o->cap ? o->cap : 4;
	uint32_t *late, *raw;

	while (cap < want)
		cap *= 2;
	if (cap == o->cap)
		return;
	late = calloc((size_t)cap * cap, sizeof *late);
	raw = calloc((size_t)cap * cap, sizeof *raw);
	if (!late || !raw)
		msg_oom("point order votes", (size_t)cap * cap * 2 * sizeof *late);
	for (uint32_t a = 0; a < o->n; a++) {
		memcpy(late + (size_t)a * cap, o->late + (size_t)a * o->cap, o->n * sizeof *late);
		memcpy(raw + (size_t)a * cap, o->raw + (size_t)a * o->cap, o->n * sizeof *raw);
	}
	free(o->late);
	free(o->raw);
	o->late = late;
	o->raw = raw;
	o->pt = xrealloc(o->pt, cap * sizeof *o->pt);
	o->rank = xrealloc(o->rank, cap * sizeof *o->rank);
	o->cap = cap;
}

static int order_add(struct dir_order *o, uint32_t point, uint8_t dir, uint32_t node)
{
	int i = order_find(o, point, dir);

	if (i >= 0)
		return i;
	if (o->n == ORDER_MAX)
		return -1;
	order_grow(o, o->n + 1);
	memset(&o->pt[o->n], 0, sizeof o->pt[o->n]);
	o->pt[o->n].point = point;
	o->pt[o->n].dir = dir;
	o->pt[o->n].node = node;
	o->dirty = true;
	return (int)o->n++;
}

static void variant_add(struct order_pt *p, uint32_t tuple, int64_t ts)
{
	struct variant *v = NULL;

	for (uint32_t i = 0; i < p->nvar && !v; i++) {
		if (p->var[i].tuple == tuple)
			v = &p->var[i];
	}
	if (!v) {
		if (p->nvar == VARIANTS_MAX)
			return; /* a point rewritten 8 ways: the first 8 tell the story */
		v = &p->var[p->nvar++];
		*v = (struct variant){tuple, 0, ts, ts};
	}
	v->count++;
	if (ts < v->first_ts)
		v->first_ts = ts;
	if (ts > v->last_ts)
		v->last_ts = ts;
}

/* How far apart two points' clocks may be after correction. */
static int64_t tolerance(const struct chain_point *a, const struct chain_point *b)
{
	int64_t ea, eb;

	if (a->node_id == b->node_id)
		return 0;
	ea = a->clock_error < 0 ? CLOCK_TOLERANCE_UNKNOWN_NS : a->clock_error;
	eb = b->clock_error < 0 ? CLOCK_TOLERANCE_UNKNOWN_NS : b->clock_error;
	return ea + eb;
}

void order_observe(struct chain *c, struct dir_agg *d, const struct match_ident *id)
{
	const struct chain_point *points = *c->env.points;
	struct dir_order *o = &d->ord;
	int idx[MATCH_MAX_HOPS];

	for (unsigned i = 0; i < id->nhops; i++) {
		const struct match_hop *h = &id->hops[i];

		idx[i] = order_add(o, h->point, h->dir, points[h->point].node_id);
		if (idx[i] < 0) {
			o->overflow++;
			return;
		}
		variant_add(&o->pt[idx[i]], h->tuple, h->ts);
	}
	for (unsigned i = 0; i < id->nhops; i++) {
		for (unsigned j = 0; j < id->nhops; j++) {
			const struct match_hop *a = &id->hops[i], *b = &id->hops[j];
			int64_t dt = b->ts - a->ts;

			if (dt <= 0 || idx[i] == idx[j])
				continue; /* ties vote for nothing */
			o->raw[(size_t)idx[i] * o->cap + idx[j]]++;
			if (dt > tolerance(&points[a->point], &points[b->point]))
				o->late[(size_t)idx[i] * o->cap + idx[j]]++;
		}
	}
	o->dirty = true;
}

static struct reservoir *pairlat_get(struct dir_order *o, int a, int b)
{
	for (uint32_t i = 0; i < o->nlat; i++) {
		if (o->lat[i].a == a && o->lat[i].b == b)
			return &o->lat[i].r;
	}
	if (o->nlat == o->caplat) {
		o->caplat = o->caplat ? 2 * o->caplat : 8;
		o->lat = xrealloc(o->lat, o->caplat * sizeof *o->lat);
	}
	memset(&o->lat[o->nlat], 0, sizeof o->lat[o->nlat]);
	o->lat[o->nlat].a = (uint16_t)a;
	o->lat[o->nlat].b = (uint16_t)b;
	return &o->lat[o->nlat++].r;
}

void order_latency_add(struct dir_agg *d, const struct match_hop *h, unsigned n)
{
	struct dir_order *o = &d->ord;

	for (unsigned i = 1; i < n; i++) {
		int a = order_find(o, h[i - 1].point, h[i - 1].dir);
		int b = order_find(o, h[i].point, h[i].dir);
		int64_t dt = h[i].ts - h[i - 1].ts;

		if (a < 0 || b < 0 || a == b)
			continue;
		if (a < b)
			reservoir_add(pairlat_get(o, a, b), dt);
		else
			reservoir_add(pairlat_get(o, b, a), -dt);
	}
}

bool order_latency(const struct dir_order *o, int a, int b, int64_t *median)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	for (uint32_t i = 0; i < o->nlat; i++) {
		if (o->lat[i].a == lo && o->lat[i].b == hi && o->lat[i].r.n) {
			int64_t m = reservoir_median(&o->lat[i].r);

			*median = a < b ? m : -m;
			return true;
		}
	}
	return false;
}

uint32_t order_dominant(const struct dir_order *o, int index)
{
	const struct order_pt *p;
	const struct variant *best = NULL;

	if (index < 0 || (uint32_t)index >= o->n)
		return FLOW_NONE;
	p = &o->pt[index];
	for (uint32_t i = 0; i < p->nvar; i++) {
		if (!best || p->var[i].count > best->count)
			best = &p->var[i];
	}
	return best ? best->tuple : FLOW_NONE;
}

void order_merge(struct dir_order *into, struct dir_order *from)
{
	int map[ORDER_MAX];

	for (uint32_t i = 0; i < from->n; i++) {
		const struct order_pt *p = &from->pt[i];

		map[i] = order_add(into, p->point, p->dir, p->node);
		if (map[i] < 0) {
			into->overflow++;
			continue;
		}
		for (uint32_t v = 0; v < p->nvar; v++) {
			struct order_pt *q = &into->pt[map[i]];
			uint32_t k;

			for (k = 0; k < q->nvar && q->var[k].tuple != p->var[v].tuple; k++)
				;
			if (k == q->nvar) {
				if (q->nvar == VARIANTS_MAX)
					continue;
				q->var[q->nvar++] = p->var[v];
				continue;
			}
			q->var[k].count += p->var[v].count;
			if (p->var[v].first_ts < q->var[k].first_ts)
				q->var[k].first_ts = p->var[v].first_ts;
			if (p->var[v].last_ts > q->var[k].last_ts)
				q->var[k].last_ts = p->var[v].last_ts;
		}
	}
	for (uint32_t a = 0; a < from->n; a++) {
		for (uint32_t b = 0; b < from->n; b++) {
			if (map[a] < 0 || map[b] < 0)
				continue;
			into->late[(size_t)map[a] * into->cap + map[b]] +=
			    from->late[(size_t)a * from->cap + b];
			into->raw[(size_t)map[a] * into->cap + map[b]] +=
			    from->raw[(size_t)a * from->cap + b];
		}
	}
	for (uint32_t i = 0; i < from->nlat; i++) {
		int a = map[from->lat[i].a], b = map[from->lat[i].b];
		const struct reservoir *r = &from->lat[i].r;

		if (a < 0 || b < 0 || a == b)
			continue;
		for (uint32_t k = 0; k < r->n; k++) {
			if (a < b)
				reservoir_add(pairlat_get(into, a, b), r->v[k]);
			else
				reservoir_add(pairlat_get(into, b, a), -(int64_t)r->v[k]);
		}
	}
	into->overflow += from->overflow;
	into->dirty = true;
}

void order_free(struct dir_order *o)
{
	free(o->pt);
	free(o->late);
	free(o->raw);
	free(o->lat);
	free(o->rank);
	memset(o, 0, sizeof *o);
}

/* ---- the canonical order ------------------------------------------------ */

/* Does point p (a pod's interface: the end of its packets) own addr? */
static bool pod_owns(const struct chain *c, uint32_t point, const struct pp_addr *addr)
{
	const struct chain_point *points = *c->env.points;
	const struct topo_iface *i = topo_iface_by_point(c->env.topo, points[point].name);
	struct topo_addr_info info;

	if (!i || !i->netns)
		return false;
	return topo_addr_classify(c->env.topo, addr, &info) == TOPO_ADDR_POD && info.iface == i;
}

/* The order point of a node's interface, or -1. */
static int point_of_iface(const struct chain *c, const struct dir_order *o,
                          const struct topo_iface *i)
{
	const struct chain_point *points = *c->env.points;
	char name[512];

	topo_iface_point(i, name, sizeof name);
	for (uint32_t k = 0; k < o->n; k++) {
		if (strcmp(points[o->pt[k].point].name, name) == 0)
			return (int)k;
	}
	return -1;
}

/* A bridge port (a pod's host veth) lies between its pod and the bridge:
 * what the pod sends crosses the port first, what it gets the bridge
 * first. Taps on both often stamp the same microsecond. */
static void bridge_port_votes(struct chain *c, const struct dir_order *o, uint64_t *hard,
                              uint32_t n)
{
	const struct chain_point *points = *c->env.points;

	for (uint32_t a = 0; a < n; a++) {
		const struct topo_iface *port =
		    topo_iface_by_point(c->env.topo, points[o->pt[a].point].name);
		uint32_t t = order_dominant(o, (int)a);
		struct topo_addr_info info;
		const struct pp_tuple *tu;
		int b;

		if (!port || !port->master || !port->peer || t == FLOW_NONE)
			continue;
		b = point_of_iface(c, o, port->master);
		if (b < 0)
			continue;
		tu = flow_tuple(c->flows, t);
		if (topo_addr_classify(c->env.topo, &tu->src, &info) == TOPO_ADDR_POD &&
		    info.iface == port->peer)
			hard[(size_t)a * n + (uint32_t)b] += TOPO_WEIGHT;
		else if (topo_addr_classify(c->env.topo, &tu->dst, &info) == TOPO_ADDR_POD &&
		         info.iface == port->peer)
			hard[(size_t)(uint32_t)b * n + a] += TOPO_WEIGHT;
	}
}

/* Evidence that cannot be outvoted by time stamps: falling TTL along each
 * route, and a pod's eth0 first for what it sent and last for what it got. */
static void hard_votes(struct chain *c, const struct dir_agg *d, uint64_t *hard, uint32_t n)
{
	const struct dir_order *o = &d->ord;

	for (uint32_t i = 0; i < d->nroutes; i++) {
		const struct route *r = d->routes[i];
		int idx[MATCH_MAX_HOPS];

		for (unsigned k = 0; k < r->n; k++)
			idx[k] = order_find(o, r->hop[k].point, r->hop[k].dir);
		for (unsigned a = 0; a < r->n; a++) {
			for (unsigned b = 0; b < r->n; b++) {
				const struct route_hop *x = &r->hop[a], *y = &r->hop[b];

				if (idx[a] < 0 || idx[b] < 0 || idx[a] == idx[b])
					continue;
				/* inner TTL, or the outer TTL of one tunnel */
				if (x->ttl > y->ttl ||
				    (x->ttl == y->ttl && x->tunnel && x->tunnel == y->tunnel &&
				     x->tun_ttl > y->tun_ttl))
					hard[(size_t)idx[a] * n + idx[b]] += r->count;
			}
		}
	}
	if (!c->env.topo)
		return;
	bridge_port_votes(c, o, hard, n);
	for (uint32_t p = 0; p < n; p++) {
		uint32_t t = order_dominant(o, (int)p);
		const struct pp_tuple *tu;
		bool sends, gets;

		if (t == FLOW_NONE)
			continue;
		tu = flow_tuple(c->flows, t);
		sends = pod_owns(c, o->pt[p].point, &tu->src);
		gets = !sends && pod_owns(c, o->pt[p].point, &tu->dst);
		for (uint32_t q = 0; q < n && (sends || gets); q++) {
			if (q == p)
				continue;
			if (sends)
				hard[(size_t)p * n + q] += TOPO_WEIGHT;
			else
				hard[(size_t)q * n + p] += TOPO_WEIGHT;
		}
	}
}

/* x before y by the votes: beyond the clocks' uncertainty first, then any
 * strict difference. Positive when x comes first, 0 when nothing says. */
static int64_t versus(const struct dir_order *o, uint32_t x, uint32_t y)
{
	size_t xy = (size_t)x * o->cap + y, yx = (size_t)y * o->cap + x;

	if (o->late[xy] != o->late[yx])
		return (int64_t)o->late[xy] - (int64_t)o->late[yx];
	return (int64_t)o->raw[xy] - (int64_t)o->raw[yx];
}

/* Among the set, the point that comes before each other one by their own
 * votes (so that a point crossed by many more packets does not win by
 * numbers); failing one, the point with the most votes over the others;
 * then the point seen first. */
static int pick_from(const struct dir_order *o, const bool *set)
{
	int best = -1;
	int64_t best_score = 0;

	for (uint32_t x = 0; x < o->n; x++) {
		bool first = set[x];

		for (uint32_t y = 0; y < o->n && first; y++)
			first = !set[y] || y == x || versus(o, x, y) >= 0;
		if (first)
			return (int)x;
	}
	for (uint32_t x = 0; x < o->n; x++) {
		int64_t sc = 0;

		if (!set[x])
			continue;
		for (uint32_t y = 0; y < o->n; y++) {
			if (set[y] && y != x)
				sc += versus(o, x, y) > 0 ? 1 : 0;
		}
		if (best < 0 || sc > best_score) {
			best = (int)x;
			best_score = sc;
		}
	}
	return best;
}

/* Greedy: the next point is one nothing still unplaced must precede by
 * TTL or topology; the points of the node just left are preferred while
 * none of another node was seen, beyond the clocks' uncertainty, first. */
static void compute_ranks(struct chain *c, struct dir_agg *d)
{
	struct dir_order *o = &d->ord;
	uint32_t n = o->n;
	uint64_t *hard = calloc((size_t)n * n + 1, sizeof *hard);
	bool *placed = calloc(n + 1, sizeof *placed), *cand = calloc(n + 1, sizeof *cand);
	bool *same = calloc(n + 1, sizeof *same);
	uint32_t last_node = UINT32_MAX;

	if (!hard || !placed || !cand || !same)
		msg_oom("point order", (size_t)n * n * sizeof *hard);
	hard_votes(c, d, hard, n);
	for (uint32_t k = 0; k < n; k++) {
		bool any = false, any_same = false;
		int pick = -1;

		for (uint32_t x = 0; x < n; x++) {
			cand[x] = !placed[x];
			for (uint32_t y = 0; y < n && cand[x]; y++) {
				if (!placed[y] && y != x &&
				    hard[(size_t)y * n + x] > hard[(size_t)x * n + y])
					cand[x] = false;
			}
			any |= cand[x];
		}
		if (!any) /* contradicting evidence: fall back on the votes */
			for (uint32_t x = 0; x < n; x++)
				cand[x] = !placed[x];
		for (uint32_t x = 0; x < n; x++) {
			same[x] = cand[x] && o->pt[x].node == last_node;
			any_same |= same[x];
		}
		if (any_same)
			pick = pick_from(o, same);
		for (uint32_t y = 0; pick >= 0 && y < n; y++) {
			size_t yx = (size_t)y * o->cap + (uint32_t)pick;
			size_t xy = (size_t)(uint32_t)pick * o->cap + y;

			if (cand[y] && o->pt[y].node != last_node && o->late[yx] > o->late[xy])
				pick = -1;
		}
		if (pick < 0)
			pick = pick_from(o, cand);
		o->rank[pick] = k;
		placed[pick] = true;
		last_node = o->pt[pick].node;
	}
	free(hard);
	free(placed);
	free(cand);
	free(same);
	o->dirty = false;
}

uint32_t order_rank(struct chain *c, struct dir_agg *d, uint32_t point, uint8_t dir)
{
	int i = order_find(&d->ord, point, dir);

	if (i < 0)
		return UINT32_MAX;
	if (d->ord.dirty)
		compute_ranks(c, d);
	return d->ord.rank[i];
}

/* Stable insertion sort of a route's hops by rank; a hop the order does
 * not know leaves the route as it is. */
static void sort_route(struct chain *c, struct dir_agg *d, struct route *r)
{
	uint32_t rank[MATCH_MAX_HOPS];

	for (unsigned i = 0; i < r->n; i++) {
		rank[i] = order_rank(c, d, r->hop[i].point, r->hop[i].dir);
		if (rank[i] == UINT32_MAX)
			return;
	}
	for (unsigned i = 1; i < r->n; i++) {
		struct route_hop h = r->hop[i];
		uint32_t k = rank[i];
		unsigned j = i;

		for (; j > 0 && rank[j - 1] > k; j--) {
			r->hop[j] = r->hop[j - 1];
			rank[j] = rank[j - 1];
		}
		r->hop[j] = h;
		rank[j] = k;
	}
}

void order_routes(struct chain *c, struct dir_agg *d)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < d->nroutes; i++)
		sort_route(c, d, d->routes[i]);
	for (uint32_t i = 0; i < d->nroutes; i++) {
		struct route *r = d->routes[i];
		uint32_t j;

		for (j = 0; j < k && !route_same_key(d->routes[j], r->hop, r->n); j++)
			;
		if (j < k) {
			route_merge(d->routes[j], r);
			free(r);
		} else {
			d->routes[k++] = r;
		}
	}
	d->nroutes = k;
}
