/* clock.c - per-node clock offsets from packets seen on two nodes (see clock.h). */
#include <stdlib.h>
#include <string.h>

#include "match/clock.h"
#include "util/htab.h"
#include "util/msg.h"

#define MAX_NODES_PER_KEY 4
/* A strong key seen twice on one node this far apart is a reused key, not
 * one packet: such keys are dropped. Also the widest one-way delay a pair
 * may show around the coarse estimate. */
#define SAME_PACKET_SPAN_NS (1000LL * 1000 * 1000)
/* Offsets are at most this far from the reference (see clock_estimate). */
#define CLOCK_MAX_OFFSET_NS ((int64_t)1 << 60)
/* Bounds the memory of the sampling pass. */
#define MAX_KEYS 400000

/* What one node saw of a packet: where it entered (highest TTL, earliest)
 * and left (lowest TTL, latest) the node's capture points. */
struct sighting {
	int64_t first_ts, last_ts; /* any TTL: for the reused-key check */
	int64_t in_ts, out_ts;
	uint16_t node;
	uint8_t ttl_in, ttl_out;
};

struct entry {
	uint64_t key;
	uint8_t n;
	uint8_t bad;
	struct sighting s[MAX_NODES_PER_KEY];
};

struct samples {
	int64_t *v;
	size_t n, cap;
};

/* Samples of t_B - t_A for one pair of nodes A < B. */
struct pair {
	struct samples ab;  /* crossed from A to B */
	struct samples ba;  /* crossed from B to A */
	struct samples amb; /* direction unknown (equal TTLs) */
	int64_t theta;      /* offset_B - offset_A */
	int64_t error;      /* theta is within this of the truth; -1: unknown */
	uint64_t nab, nba;  /* samples behind theta */
	bool ok;
};

struct clock_est {
	uint32_t nnodes;
	struct entry *e;
	size_t ne, cape;
	struct htab index;
	struct clock_node_result *res;
};

struct clock_est *clock_new(uint32_t nnodes)
{
	struct clock_est *c = calloc(1, sizeof *c);

	if (!c || htab_init(&c->index, 1024) < 0)
		msg_oom("clock estimate", sizeof *c);
	c->nnodes = nnodes;
	c->res = calloc(nnodes ? nnodes : 1, sizeof *c->res);
	if (!c->res)
		msg_oom("clock estimate", (nnodes ? nnodes : 1) * sizeof *c->res);
	for (uint32_t i = 0; i < nnodes; i++) {
		c->res[i].via = i;
		c->res[i].error_ns = -1;
	}
	return c;
}

void clock_free(struct clock_est *c)
{
	if (!c)
		return;
	free(c->e);
	htab_free(&c->index);
	free(c->res);
	free(c);
}

uint64_t clock_keys(const struct clock_est *c)
{
	return c->ne;
}

static struct entry *find(struct clock_est *c, uint64_t key)
{
	struct htab_iter it;
	uint32_t i;

	for (int ok = htab_first(&c->index, key, &it, &i); ok; ok = htab_next(&c->index, &it, &i)) {
		if (c->e[i].key == key)
			return &c->e[i];
	}
	return NULL;
}

void clock_add(struct clock_est *c, uint64_t key, uint32_t node, int64_t ts, uint8_t ttl)
{
	struct entry *e = find(c, key);
	struct sighting *g = NULL;

	if (!e) {
		if (c->ne >= MAX_KEYS)
			return;
		if (c->ne == c->cape) {
			size_t cap = c->cape ? c->cape * 2 : 4096;
			struct entry *v = realloc(c->e, cap * sizeof *v);

			if (!v)
				msg_oom("clock samples", cap * sizeof *v);
			c->e = v;
			c->cape = cap;
		}
		e = &c->e[c->ne];
		memset(e, 0, sizeof *e);
		e->key = key;
		if (htab_put(&c->index, key, (uint32_t)c->ne) < 0)
			msg_oom("clock sample index", 0);
		c->ne++;
	}
	if (e->bad)
		return;
	for (unsigned i = 0; i < e->n; i++) {
		if (e->s[i].node == node)
			g = &e->s[i];
	}
	if (!g) {
		if (e->n == MAX_NODES_PER_KEY) {
			e->bad = 1;
			return;
		}
		g = &e->s[e->n++];
		*g = (struct sighting){ts, ts, ts, ts, (uint16_t)node, ttl, ttl};
		return;
	}
	if (ts - g->first_ts > SAME_PACKET_SPAN_NS || g->last_ts - ts > SAME_PACKET_SPAN_NS) {
		e->bad = 1;
		return;
	}
	if (ts < g->first_ts)
		g->first_ts = ts;
	if (ts > g->last_ts)
		g->last_ts = ts;
	if (ttl > g->ttl_in || (ttl == g->ttl_in && ts < g->in_ts)) {
		g->ttl_in = ttl;
		g->in_ts = ts;
	}
	if (ttl < g->ttl_out || (ttl == g->ttl_out && ts > g->out_ts)) {
		g->ttl_out = ttl;
		g->out_ts = ts;
	}
}

void clock_set(struct clock_est *c, uint32_t node, int64_t offset_ns)
{
	if (node >= c->nnodes)
		return;
	c->res[node].offset_ns = offset_ns;
	c->res[node].manual = true;
	c->res[node].estimated = true;
	c->res[node].error_ns = 0; /* as given: the user knows better */
}

static void push(struct samples *s, int64_t v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		int64_t *nv = realloc(s->v, cap * sizeof *nv);

		if (!nv)
			msg_oom("clock samples", cap * sizeof *nv);
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
}

/* A packet seen on nodes a and b: its TTL only falls along the path, so
 * the node whose lowest TTL is still at least the other's highest saw it
 * first (not decidable when every sighting has the same TTL). */
static void sample_pair(struct pair *p, const struct sighting *a, const struct sighting *b)
{
	bool all_equal =
	    a->ttl_in == a->ttl_out && a->ttl_in == b->ttl_in && b->ttl_in == b->ttl_out;

	if (!all_equal && a->ttl_out >= b->ttl_in)
		push(&p->ab, b->in_ts - a->out_ts);
	else if (!all_equal && b->ttl_out >= a->ttl_in)
		push(&p->ba, b->out_ts - a->in_ts);
	else
		push(&p->amb, b->in_ts - a->in_ts);
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return (a > b) - (a < b);
}

static int64_t median_of(struct pair *p)
{
	size_t n = p->ab.n + p->ba.n + p->amb.n, k = 0;
	int64_t *all = malloc(n * sizeof *all), med;

	if (!all)
		msg_oom("clock samples", n * sizeof *all);
	for (size_t i = 0; i < p->ab.n; i++)
		all[k++] = p->ab.v[i];
	for (size_t i = 0; i < p->ba.n; i++)
		all[k++] = p->ba.v[i];
	for (size_t i = 0; i < p->amb.n; i++)
		all[k++] = p->amb.v[i];
	qsort(all, n, sizeof *all, cmp_i64);
	med = all[n / 2];
	free(all);
	return med;
}

static bool near(int64_t v, int64_t center)
{
	return v - center <= SAME_PACKET_SPAN_NS && center - v <= SAME_PACKET_SPAN_NS;
}

/* theta from the samples of one pair: min over A->B and max over B->A,
 * around the median so that a stray false pair cannot drag it. */
static void solve_pair(struct pair *p)
{
	int64_t coarse, min_ab = INT64_MAX, max_ba = INT64_MIN;
	bool use_amb = p->ab.n == 0 && p->ba.n == 0;

	if (p->ab.n + p->ba.n + p->amb.n == 0)
		return;
	coarse = median_of(p);
	for (size_t i = 0; i < p->ab.n; i++) {
		if (near(p->ab.v[i], coarse)) {
			p->nab++;
			if (p->ab.v[i] < min_ab)
				min_ab = p->ab.v[i];
		}
	}
	for (size_t i = 0; i < p->ba.n; i++) {
		if (near(p->ba.v[i], coarse)) {
			p->nba++;
			if (p->ba.v[i] > max_ba)
				max_ba = p->ba.v[i];
		}
	}
	for (size_t i = 0; use_amb && i < p->amb.n; i++) {
		int64_t v = p->amb.v[i];

		if (!near(v, coarse))
			continue;
		if (v >= coarse) {
			p->nab++;
			if (v < min_ab)
				min_ab = v;
		} else {
			p->nba++;
			if (v > max_ba)
				max_ba = v;
		}
	}
	/* With both directions the truth lies between max_ba and min_ab (each
	 * is theta -+ a one-way delay); with one, the delay is unknown. */
	p->error = -1;
	if (p->nab && p->nba) {
		p->theta = min_ab + (max_ba - min_ab) / 2;
		p->error = min_ab >= max_ba ? (min_ab - max_ba + 1) / 2 : 0;
	} else if (p->nab) {
		p->theta = min_ab;
	} else if (p->nba) {
		p->theta = max_ba;
	} else {
		return;
	}
	p->ok = true;
}

void clock_estimate(struct clock_est *c, uint32_t ref)
{
	uint32_t n = c->nnodes;
	struct pair *pairs;
	bool *done;

	if (n == 0 || ref >= n)
		return;
	pairs = calloc((size_t)n * n, sizeof *pairs);
	done = calloc(n, sizeof *done);
	if (!pairs || !done)
		msg_oom("clock pairs", (size_t)n * n * sizeof *pairs);
	for (size_t i = 0; i < c->ne; i++) {
		const struct entry *e = &c->e[i];

		if (e->bad || e->n < 2)
			continue;
		for (unsigned x = 0; x < e->n; x++) {
			for (unsigned y = 0; y < e->n; y++) {
				const struct sighting *a = &e->s[x], *b = &e->s[y];

				if (a->node < b->node)
					sample_pair(&pairs[(size_t)a->node * n + b->node], a, b);
			}
		}
	}
	for (size_t i = 0; i < (size_t)n * n; i++)
		solve_pair(&pairs[i]);

	/* Maximum spanning tree from the reference and the nodes set by
	 * hand: each step adds the unplaced node with the strongest
	 * evidence to a placed one. */
	c->res[ref].estimated = true;
	c->res[ref].via = ref;
	c->res[ref].error_ns = 0;
	if (!c->res[ref].manual)
		c->res[ref].offset_ns = 0;
	for (uint32_t i = 0; i < n; i++)
		done[i] = i == ref || c->res[i].manual;
	for (;;) {
		uint64_t best_w = 0;
		uint32_t from = 0, to = 0;

		for (uint32_t a = 0; a < n; a++) {
			for (uint32_t b = 0; b < n; b++) {
				const struct pair *p;
				uint64_t w;

				if (!done[a] || done[b] || a == b)
					continue;
				p = a < b ? &pairs[(size_t)a * n + b] : &pairs[(size_t)b * n + a];
				w = p->ok ? p->nab + p->nba : 0;
				if (w > best_w) {
					best_w = w;
					from = a;
					to = b;
				}
			}
		}
		if (best_w == 0)
			break;
		{
			const struct pair *p = from < to ? &pairs[(size_t)from * n + to]
			                                 : &pairs[(size_t)to * n + from];
			int64_t theta = from < to ? p->theta : -p->theta;

			/* time stamps are in [0, 2^62) ns (capture.h): an offset over
			 * 2^60 ns (36 years) comes of corrupt ones, and differences of
			 * times corrected by it could overflow. It is not used. */
			if (c->res[from].offset_ns + theta > CLOCK_MAX_OFFSET_NS ||
			    c->res[from].offset_ns + theta < -CLOCK_MAX_OFFSET_NS) {
				pairs[from < to ? (size_t)from * n + to : (size_t)to * n + from]
				    .ok = false;
				continue;
			}
			c->res[to].offset_ns = c->res[from].offset_ns + theta;
			c->res[to].error_ns = p->error < 0 || c->res[from].error_ns < 0
			                          ? -1
			                          : c->res[from].error_ns + p->error;
			c->res[to].via = from;
			c->res[to].pairs_to = from < to ? p->nab : p->nba;
			c->res[to].pairs_from = from < to ? p->nba : p->nab;
			c->res[to].estimated = true;
			done[to] = true;
		}
	}
	for (size_t i = 0; i < (size_t)n * n; i++) {
		free(pairs[i].ab.v);
		free(pairs[i].ba.v);
		free(pairs[i].amb.v);
	}
	free(pairs);
	free(done);
}

const struct clock_node_result *clock_result(const struct clock_est *c, uint32_t node)
{
	return node < c->nnodes ? &c->res[node] : NULL;
}

void clock_drop_samples(struct clock_est *c)
{
	free(c->e);
	c->e = NULL;
	c->ne = c->cape = 0;
	htab_free(&c->index);
}
