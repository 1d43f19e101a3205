/* chain.c - folds complete identities into per-conversation aggregates.
 *
 * Hop order: the TTL (hop limit) of a packet only decreases along its path,
 * so hops are ordered by falling TTL first and by corrected time among equal
 * TTLs. Time alone is not enough: taps on one host can stamp a later point
 * a few microseconds earlier, and clock estimates have residual error.
 *
 * Segmentation: a TSO/GSO super-segment seen at the pod and its veth
 * becomes MSS-sized segments from the node's NIC on, and GRO merges them
 * again at the receiver. Their IP IDs and lengths differ, so exact matching
 * leaves them as separate identities covering overlapping TCP sequence
 * ranges at disjoint sets of points. TCP data identities therefore wait one
 * window in a buffer; overlapping ones at disjoint points are grouped, and
 * each segment of the finest level is folded with the hops of the members
 * that carried its bytes before and after, so the route is whole again.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "chain_agg.h"
#include "util/htab.h"
#include "util/msg.h"
#include "pktpath/obs.h"

#define SEG_SCAN 512 /* overlapping pending segments looked at, at most */
#define SEG_SLAB 1024
/* A conversation is finished, its result stored and its memory freed, when
 * TCP closed it both ways (or reset it) and a few windows went by, or when
 * nothing was heard of it for a minute. Memory then follows the live
 * conversations, not the length of the capture. */
#define IDLE_NS (60LL * 1000 * 1000 * 1000)
/* Distinct routes and points kept per direction: real paths have a few;
 * a hostile capture naming a new interface per packet would otherwise make
 * every packet search all of them. Packets beyond are counted unmatched. */
#define MAX_ROUTES   64
#define MAX_HOPSTATS 128
#define SCAN_NS      (250LL * 1000 * 1000)

struct seg_entry {
	struct seg_entry *qnext;  /* the free list */
	struct seg_entry *parent; /* union-find over overlapping segments */
	struct seg_entry *gnext;  /* the members of its group, a circular list */
	uint32_t conv;
	uint8_t dir;
	bool done;
	uint32_t seq, len;
	struct match_ident id;
};

struct seg_slab {
	struct seg_slab *next;
	struct seg_entry v[SEG_SLAB];
};

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		msg_oom("paths", n);
	return p;
}

struct chain *chain_fold_new(struct flow_table *flows, const struct match *m, int64_t window_ns,
                             chain_conv_end_fn *conv_end)
{
	struct chain *c = calloc(1, sizeof *c);

	if (!c)
		msg_oom("chain", sizeof *c);
	c->flows = flows;
	c->m = m;
	c->window = window_ns;
	c->conv_end = conv_end;
	c->store = chain_store_new();
	c->last_scan = INT64_MIN;
	return c;
}

void chain_set_env(struct chain *c, struct chain_point *const *points, const size_t *npoints,
                   const struct topo *topo)
{
	c->env = (struct chain_env){points, npoints, topo};
}

static void dir_free(struct dir_agg *d)
{
	for (uint32_t i = 0; i < d->nroutes; i++)
		free(d->routes[i]);
	free(d->routes);
	free(d->hs);
	free(d->pending);
	order_free(&d->ord);
}

void chain_free(struct chain *c)
{
	if (!c)
		return;
	for (uint32_t i = 0; i < c->nconv; i++)
		chain_conv_free(c, i);
	free(c->conv);
	free(c->live);
	free(c->hints.v);
	htab_free(&c->hints.index);
	chain_store_free(c->store);
	for (uint32_t i = 0; i < c->nwait; i++)
		match_ident_drop(&c->wait[i].e->id);
	free(c->wait);
	while (c->seg_slabs) {
		struct seg_slab *next = ((struct seg_slab *)c->seg_slabs)->next;

		free(c->seg_slabs);
		c->seg_slabs = next;
	}
	free(c->scratch);
	free(c->scratch_flag);
	free(c);
}

/* ---- small helpers ---------------------------------------------------- */

static bool seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static int cmp_hop(const void *x, const void *y)
{
	const struct match_hop *a = x, *b = y;

	if (a->ttl != b->ttl)
		return a->ttl > b->ttl ? -1 : 1;
	return (a->ts > b->ts) - (a->ts < b->ts);
}

/* Insertion sort: at most MATCH_MAX_HOPS hops, mostly in order already. */
static void sort_hops(struct match_hop *h, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		struct match_hop x = h[i];
		unsigned j = i;

		for (; j > 0 && cmp_hop(&h[j - 1], &x) > 0; j--)
			h[j] = h[j - 1];
		h[j] = x;
	}
}

/* Orders hops and names the two sightings of a point seen twice: in, then
 * out (a node that forwards the packet back out of the interface it came
 * in by), unless the packet starts and ends there with its TTLs (inner and
 * outer: a router on a stick lowers only the outer one of a tunnelled
 * packet) untouched: it left that interface and came back to it without
 * being routed (a pod calling a service whose endpoint is itself,
 * hairpinned by the bridge). */
static void order_hops(struct match_hop *h, unsigned n)
{
	sort_hops(h, n);
	for (unsigned i = 0; i < n; i++) {
		for (unsigned j = i + 1; j < n; j++) {
			if (h[j].point == h[i].point && h[i].dir == PP_DIR_UNKNOWN &&
			    h[j].dir == PP_DIR_UNKNOWN) {
				bool back = i == 0 && j == n - 1 && h[i].ttl == h[j].ttl &&
				            h[i].tun_ttl == h[j].tun_ttl;

				h[i].dir = back ? PP_DIR_OUT : PP_DIR_IN;
				h[j].dir = back ? PP_DIR_IN : PP_DIR_OUT;
			}
		}
	}
}

/* ---- pending segments, by sequence number ----------------------------------
 *
 * A fast flow has a window's worth of segments pending (100,000 at 100 k
 * packets/s): everything done per segment must not depend on how many wait.
 * The array is kept sorted by sequence number (nearly always an append), an
 * overlap is looked for by binary search, and a folded segment leaves a NULL
 * slot that a compaction removes once they are half the array. */

struct seg_entry;
static uint32_t seg_seq(const struct seg_entry *e);

/* The first slot whose sequence number is not before seq. */
static uint32_t pending_lower(const struct dir_agg *d, uint32_t seq)
{
	uint32_t lo = 0, hi = d->npending;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (seq_lt(d->pending[mid].seq, seq))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void pending_compact(struct dir_agg *d)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < d->npending; i++) {
		if (d->pending[i].e)
			d->pending[k++] = d->pending[i];
	}
	d->npending = k;
	d->nnull = 0;
}

static void pending_insert(struct dir_agg *d, struct seg_entry *e)
{
	uint32_t seq = seg_seq(e), at;

	if (d->nnull > 64 && 2 * d->nnull > d->npending)
		pending_compact(d);
	if (d->npending == d->cappending) {
		d->cappending = d->cappending ? d->cappending * 2 : 16;
		d->pending = xrealloc(d->pending, d->cappending * sizeof *d->pending);
	}
	at = d->npending && seq_lt(seq, d->pending[d->npending - 1].seq) ? pending_lower(d, seq)
	                                                                 : d->npending;
	memmove(&d->pending[at + 1], &d->pending[at], (d->npending - at) * sizeof *d->pending);
	d->pending[at] = (struct seg_pend){seq, e};
	d->npending++;
}

/* Takes e out (its slot becomes NULL). */
static void pending_remove(struct dir_agg *d, struct seg_entry *e)
{
	uint32_t seq = seg_seq(e);

	for (uint32_t i = pending_lower(d, seq); i < d->npending && d->pending[i].seq == seq; i++) {
		if (d->pending[i].e == e) {
			d->pending[i].e = NULL;
			d->nnull++;
			return;
		}
	}
}

/* ---- conversations ------------------------------------------------------ */

void chain_conv_free(struct chain *c, uint32_t ci)
{
	struct conv *cv = c->conv[ci];

	if (!cv)
		return;
	dir_free(&cv->d[0]);
	dir_free(&cv->d[1]);
	free(cv);
	c->conv[ci] = NULL;
}

void chain_conv_drop(struct chain *c, uint32_t ci)
{
	uint32_t root = flow_find(c->flows, c->conv[ci]->anchor, NULL);

	if (c->flows->v[root].conv == ci)
		c->flows->v[root].conv = FLOW_NONE;
	chain_conv_free(c, ci);
}

static struct conv *conv_of_root(struct chain *c, uint32_t root)
{
	uint32_t ci = c->flows->v[root].conv;

	return ci == FLOW_NONE ? NULL : c->conv[ci];
}

/* Direction of tuple t within conversation cv (0 or 1). */
static int conv_dir(struct chain *c, const struct conv *cv, uint32_t t)
{
	int pt, pa;

	flow_find(c->flows, t, &pt);
	flow_find(c->flows, cv->anchor, &pa);
	return pt ^ pa;
}

static struct conv *conv_new(struct chain *c, uint32_t root, uint32_t anchor,
                             const struct match_ident *id)
{
	struct conv *cv = calloc(1, sizeof *cv);

	if (!cv)
		msg_oom("conversation", sizeof *cv);
	cv->anchor = anchor;
	/* every shard meets the same conversations in the same order: its
	 * first tuple decides whose it is */
	if (c->nshards > 1) {
		/* htab_hash() sets the lowest bit (0 marks an empty slot) */
		uint64_t h =
		    htab_hash(flow_tuple(c->flows, anchor), sizeof(struct pp_tuple), 0x7368617264);

		cv->shard = (uint32_t)((h >> 1) % c->nshards);
	}
	cv->proto = id->proto;
	cv->family = id->family;
	cv->first_ts = id->first_ts;
	cv->last_ts = id->last_ts;
	if (c->nconv == c->capconv) {
		c->capconv = c->capconv ? c->capconv * 2 : 256;
		c->conv = xrealloc(c->conv, c->capconv * sizeof *c->conv);
	}
	c->flows->v[root].conv = c->nconv;
	if (c->nlive == c->caplive) {
		c->caplive = c->caplive ? c->caplive * 2 : 256;
		c->live = xrealloc(c->live, c->caplive * sizeof *c->live);
	}
	c->live[c->nlive++] = c->nconv;
	c->conv[c->nconv++] = cv;
	return cv;
}

/* The per-point statistics of a direction; past MAX_HOPSTATS points a
 * scratch record that nothing reads. */
static struct hopstat *hopstat_get(struct dir_agg *d, uint32_t point, uint8_t dir)
{
	static _Thread_local struct hopstat spill;

	for (uint32_t i = 0; i < d->nhs; i++) {
		if (d->hs[i].point == point && d->hs[i].dir == dir)
			return &d->hs[i];
	}
	if (d->nhs == MAX_HOPSTATS) {
		d->spilled++;
		memset(&spill, 0, sizeof spill);
		return &spill;
	}
	if (d->nhs == d->caphs) {
		d->caphs = d->caphs ? d->caphs * 2 : 8;
		d->hs = xrealloc(d->hs, d->caphs * sizeof *d->hs);
	}
	d->hs[d->nhs] = (struct hopstat){.point = point, .dir = dir};
	return &d->hs[d->nhs++];
}

static struct route *route_get(struct dir_agg *d, const struct route_hop *h, unsigned n)
{
	struct route *r;

	for (uint32_t i = 0; i < d->nroutes; i++) {
		if (route_same_key(d->routes[i], h, n))
			return d->routes[i];
	}
	if (d->nroutes == MAX_ROUTES)
		return NULL;
	if (d->nroutes == d->caproutes) {
		d->caproutes = d->caproutes ? d->caproutes * 2 : 4;
		d->routes = xrealloc(d->routes, d->caproutes * sizeof *d->routes);
	}
	r = calloc(1, sizeof *r);
	if (!r)
		msg_oom("route", sizeof *r);
	r->n = (uint8_t)n;
	memcpy(r->hop, h, n * sizeof *h);
	r->first_ts = INT64_MAX;
	r->last_ts = INT64_MIN;
	r->len_min = UINT32_MAX;
	d->routes[d->nroutes++] = r;
	return r;
}

static void dir_merge(struct dir_agg *into, struct dir_agg *d)
{
	into->idents += d->idents;
	into->pieces += d->pieces;
	into->overflow += d->overflow;
	into->spilled += d->spilled;
	for (uint32_t i = 0; i < d->nroutes; i++) {
		struct route *r = d->routes[i];
		struct route *t = route_get(into, r->hop, r->n);

		if (!t)
			into->overflow += r->count;
		else if (t->count == 0 && t->nts == 0)
			*t = *r;
		else
			route_merge(t, r);
		free(r);
	}
	d->nroutes = 0;
	for (uint32_t i = 0; i < d->nhs; i++) {
		struct hopstat *s = hopstat_get(into, d->hs[i].point, d->hs[i].dir);

		s->obs += d->hs[i].obs;
		s->copies += d->hs[i].copies;
		s->split_from += d->hs[i].split_from;
		s->split_into += d->hs[i].split_into;
		s->merged_from += d->hs[i].merged_from;
		s->merged_into += d->hs[i].merged_into;
	}
	if (d->has_first && (!into->has_first || d->first_ts < into->first_ts)) {
		into->has_first = true;
		into->first_ts = d->first_ts;
		into->first_tuple = d->first_tuple;
		into->first_seq = d->first_seq;
	}
	into->pure_syn |= d->pure_syn;
	into->echo_request |= d->echo_request;
	if (d->has_ack && (!into->has_ack || seq_lt(into->max_ack, d->max_ack))) {
		into->has_ack = true;
		into->max_ack = d->max_ack;
	}
	if (d->has_seq_end && (!into->has_seq_end || seq_lt(into->seq_end_max, d->seq_end_max))) {
		into->has_seq_end = true;
		into->seq_end_max = d->seq_end_max;
	}
	into->segments += d->segments;
	into->retrans += d->retrans;
	into->n_rst += d->n_rst;
	into->n_other += d->n_other;
	if (d->has_rst && !into->has_rst) {
		into->has_rst = true;
		into->rst_from = d->rst_from;
		into->rst_point = d->rst_point;
	}
	for (uint32_t i = 0; i < d->nans && into->nans < MAX_ANSWERS; i++)
		into->ans[into->nans++] = d->ans[i];
	for (uint32_t i = 0; i < d->npending; i++) {
		if (d->pending[i].e)
			pending_insert(into, d->pending[i].e);
	}
	d->npending = d->nnull = 0;
	order_merge(&into->ord, &d->ord);
}

/* Conversation b joins a; b's direction 0 is a's direction `flip`. */
static void conv_merge(struct chain *c, uint32_t ai, uint32_t bi)
{
	struct conv *a = c->conv[ai], *b = c->conv[bi];
	int flip = conv_dir(c, a, b->anchor);

	for (int k = 0; k < 2; k++) {
		struct dir_agg *d = &b->d[k];

		for (uint32_t i = 0; i < d->npending; i++) {
			if (d->pending[i].e) {
				d->pending[i].e->conv = ai;
				d->pending[i].e->dir = (uint8_t)(k ^ flip);
			}
		}
		dir_merge(&a->d[k ^ flip], d);
		dir_free(d);
		memset(d, 0, sizeof *d);
	}
	if (b->first_ts < a->first_ts)
		a->first_ts = b->first_ts;
	if (b->last_ts > a->last_ts)
		a->last_ts = b->last_ts;
	for (int k = 0; k < 2; k++)
		a->closed[k ^ flip] |= b->closed[k];
	chain_conv_free(c, bi);
}

static bool foreign(const struct chain *c, const struct conv *cv)
{
	return cv->shard != c->shard;
}

/* --shard: a packet showed that conversations a and b of two shards are one
 * (each shard saw only its own one's packets). The shards that hold them
 * say so alike, so that pktpath merge says it once; the joined one is a's.
 * Returns true when b is this shard's. */
static bool shard_split(struct chain *c, uint32_t ai, uint32_t bi)
{
	const struct conv *a = c->conv[ai], *b = c->conv[bi];
	char ta[2 * INET6_ADDRSTRLEN + 40], tb[sizeof ta];

	if (foreign(c, a) && foreign(c, b))
		return false;
	chain_format_tuple(flow_tuple(c->flows, a->anchor), ta, sizeof ta);
	chain_format_tuple(flow_tuple(c->flows, b->anchor), tb, sizeof tb);
	msg_warn("--shard",
	         "%s (shard %u) and %s (shard %u) are one conversation: each shard reports "
	         "the packets it saw of it",
	         ta, a->shard + 1, tb, b->shard + 1);
	return !foreign(c, b);
}

/* Links t into the set of `with`, keeping one conversation per set. */
static void link_tuples(struct chain *c, uint32_t with, uint32_t t, int parity)
{
	uint32_t absorbed, root, ca, cb;

	root = flow_union(c->flows, with, t, parity, &absorbed);
	if (absorbed == FLOW_NONE)
		return;
	ca = c->flows->v[root].conv;
	cb = c->flows->v[absorbed].conv;
	c->flows->v[absorbed].conv = FLOW_NONE;
	if (ca == FLOW_NONE) {
		c->flows->v[root].conv = cb;
	} else if (cb != FLOW_NONE) {
		if (c->conv[ca]->shard != c->conv[cb]->shard && shard_split(c, ca, cb)) {
			/* b was this shard's: its part is reported alone */
			c->flows->v[root].conv = ca;
			c->conv_end(c, cb);
			return;
		}
		conv_merge(c, ca, cb);
	}
}

/* ---- folding ------------------------------------------------------------ */

static void fold_route(struct chain *c, struct dir_agg *d, const struct match_hop *h, unsigned n,
                       uint8_t tcp_flags, uint32_t seq_end, bool tcp_data)
{
	struct route_hop rh[MATCH_MAX_HOPS];
	const struct match_hop *last = &h[n - 1];
	struct route *r;

	for (unsigned i = 0; i < n; i++) {
		rh[i] = (struct route_hop){h[i].point,   h[i].dir,   h[i].ttl,
		                           h[i].tun_ttl, h[i].tuple, h[i].tunnel};
	}
	r = route_get(d, rh, n);
	d->pieces++;
	if (!r) {
		d->overflow++;
		return;
	}
	r->count++;
	route_widen(r, last->ts, last->ts, last->ip_len, last->ip_len);
	if (last->flags & PP_OBS_DF)
		r->df++;
	r->tcp_flags_or |= tcp_flags;
	order_latency_add(d, h, n);
	r->ts_seen++;
	{
		struct route_sample smp = {last->ts, seq_end, tcp_flags, tcp_data};

		if (r->nts < TS_SAMPLES) {
			r->sample[r->nts++] = smp;
		} else {
			uint64_t j = htab_mix64(r->ts_seen) % r->ts_seen;

			if (j < TS_SAMPLES)
				r->sample[j] = smp;
		}
	}
	(void)c;
}

static void count_hops(struct dir_agg *d, const struct match_ident *id)
{
	for (unsigned i = 0; i < id->nhops; i++)
		hopstat_get(d, id->hops[i].point, id->hops[i].dir)->obs++;
}

/* TCP evidence used for verdicts: who opened, what the other side acked. */
static void note_transport(struct chain *c, struct dir_agg *d, const struct match_ident *id)
{
	const uint8_t syn = 0x02, rst = 0x04, ackf = 0x10;

	if (!d->has_first || id->first_ts < d->first_ts) {
		d->has_first = true;
		d->first_ts = id->first_ts;
		d->first_tuple = id->hops[0].tuple;
		d->first_seq = id->seq;
	}
	if (id->proto != 6 || (id->flags & PP_OBS_FRAG_LATER)) {
		d->echo_request |= (id->proto == 1 && id->icmp_type == 8) ||
		                   (id->proto == 58 && id->icmp_type == 128);
		d->n_other++;
		return;
	}
	if ((id->tcp_flags & (syn | ackf)) == syn)
		d->pure_syn = true;
	if ((id->tcp_flags & ackf) && (!d->has_ack || seq_lt(d->max_ack, id->ack))) {
		d->has_ack = true;
		d->max_ack = id->ack;
	}
	if (id->tcp_flags & rst) {
		if (d->n_rst++ == 0) {
			d->has_rst = true;
			d->rst_from = flow_tuple(c->flows, id->hops[0].tuple)->src;
			d->rst_point = id->hops[0].point;
		}
	} else {
		d->n_other++;
	}
}

/* Counts a wire-level segment once, and retransmissions as attempts. */
static void note_segment(struct dir_agg *d, uint32_t seq, uint32_t len, uint8_t flags)
{
	const uint8_t syn = 0x02, fin = 0x01;

	if (len == 0) {
		if (flags & syn) {
			if (d->has_syn_seq && d->syn_seq == seq) {
				d->retrans++;
				return;
			}
			d->has_syn_seq = true;
			d->syn_seq = seq;
			d->segments++;
		} else if (flags & fin) {
			if (d->has_fin_seq && d->fin_seq == seq) {
				d->retrans++;
				return;
			}
			d->has_fin_seq = true;
			d->fin_seq = seq;
			d->segments++;
		}
		return;
	}
	if (d->has_seq_end && !seq_lt(d->seq_end_max, seq + len)) {
		d->retrans++;
		return;
	}
	d->segments++;
	if (!d->has_seq_end || seq_lt(d->seq_end_max, seq + len)) {
		d->has_seq_end = true;
		d->seq_end_max = seq + len;
	}
}

/* The sequence number just past a TCP segment (a SYN or FIN counts one). */
static uint32_t seq_end_of(uint32_t seq, uint32_t len, uint8_t flags)
{
	return seq + len + ((flags & 0x03) ? 1 : 0);
}

static bool is_tcp_data(uint8_t proto, uint32_t len, uint8_t flags)
{
	return proto == 6 && (len > 0 || (flags & 0x03));
}

static void fold_whole(struct chain *c, struct dir_agg *d, const struct match_ident *id)
{
	bool tcp = id->proto == 6 && !(id->flags & PP_OBS_FRAG_LATER);

	if (tcp)
		note_segment(d, id->seq, id->payload_len, id->tcp_flags);
	fold_route(c, d, id->hops, id->nhops, id->tcp_flags,
	           seq_end_of(id->seq, id->payload_len, id->tcp_flags),
	           tcp && is_tcp_data(id->proto, id->payload_len, id->tcp_flags));
}

/* ---- ICMP errors -------------------------------------------------------- */

/* -f passed one of the identity's sightings: its conversation is reported. */
static bool ident_selected(const struct match_ident *id)
{
	for (unsigned i = 0; i < id->nhops; i++) {
		if (id->hops[i].flags & PP_OBS_SELECTED)
			return true;
	}
	return false;
}

/* An ICMP error joins the direction of the packet it quotes. */
static void attach_answer(struct chain *c, const struct match_ident *id)
{
	const struct pp_tuple *q[2] = {&id->quote_first, &id->quote_last};
	struct answer_agg *a = NULL;
	struct pp_addr from;
	struct conv *cv = NULL;
	struct dir_agg *d;
	uint32_t t = FLOW_NONE;

	for (int i = 0; i < 2 && t == FLOW_NONE; i++)
		t = flow_lookup(c->flows, q[i]);
	if (t != FLOW_NONE)
		cv = conv_of_root(c, flow_find(c->flows, t, NULL));
	if (!cv || foreign(c, cv))
		return; /* quotes nothing we saw, or another shard's */
	d = &cv->d[conv_dir(c, cv, t)];
	cv->selected |= ident_selected(id); /* -f icmp: the conversations answered */
	from = flow_tuple(c->flows, id->hops[0].tuple)->src;
	for (uint32_t i = 0; i < d->nans; i++) {
		if (d->ans[i].type == id->icmp_type && d->ans[i].code == id->icmp_code &&
		    addr_eq(&d->ans[i].from, &from))
			a = &d->ans[i];
	}
	if (!a) {
		if (d->nans == MAX_ANSWERS)
			return;
		a = &d->ans[d->nans++];
		*a = (struct answer_agg){.type = id->icmp_type,
		                         .code = id->icmp_code,
		                         .mtu = id->mtu,
		                         .from = from,
		                         .point = id->hops[0].point};
	}
	a->packets++;
}

/* ---- segmentation groups ------------------------------------------------ */

static struct seg_entry *seg_root(struct seg_entry *e)
{
	while (e->parent != e) {
		e->parent = e->parent->parent;
		e = e->parent;
	}
	return e;
}

static bool ranges_overlap(const struct seg_entry *a, const struct seg_entry *b)
{
	return seq_lt(a->seq, b->seq + b->len) && seq_lt(b->seq, a->seq + a->len);
}

static bool points_disjoint(const struct match_ident *a, const struct match_ident *b)
{
	for (unsigned i = 0; i < a->nhops; i++) {
		for (unsigned j = 0; j < b->nhops; j++) {
			if (a->hops[i].point == b->hops[j].point)
				return false;
		}
	}
	return true;
}

static struct seg_entry *seg_alloc(struct chain *c)
{
	struct seg_entry *e;

	if (!c->seg_free) {
		struct seg_slab *s = malloc(sizeof *s);

		if (!s)
			msg_oom("segments", sizeof *s);
		s->next = c->seg_slabs;
		c->seg_slabs = s;
		for (size_t i = 0; i < SEG_SLAB; i++) {
			s->v[i].qnext = c->seg_free;
			c->seg_free = &s->v[i];
		}
	}
	e = c->seg_free;
	c->seg_free = e->qnext;
	return e;
}

static void seg_release(struct chain *c, struct seg_entry *e)
{
	match_ident_drop(&e->id);
	e->qnext = c->seg_free;
	c->seg_free = e;
}

/* Room for n group members in the chain's scratch arrays. */
static void scratch_reserve(struct chain *c, uint32_t n)
{
	if (n <= c->capscratch)
		return;
	while (c->capscratch < n)
		c->capscratch = c->capscratch ? c->capscratch * 2 : 64;
	c->scratch = xrealloc(c->scratch, c->capscratch * sizeof *c->scratch);
	c->scratch_flag = xrealloc(c->scratch_flag, 2 * c->capscratch * sizeof *c->scratch_flag);
}

static uint32_t seg_seq(const struct seg_entry *e)
{
	return e->seq;
}

/* Joins the groups of a and b (roots differ): union-find, and the two
 * circular member lists spliced into one. */
static void seg_union(struct seg_entry *ra, struct seg_entry *rb)
{
	struct seg_entry *t = ra->gnext;

	rb->parent = ra;
	ra->gnext = rb->gnext;
	rb->gnext = t;
}

/* ---- the wait: segments by the time of their last sighting ----------------
 *
 * A segment's group is folded once the stream is two windows past the
 * segment's last sighting, whatever other conversations' segments still
 * wait: a min-heap by (last sighting, arrival), so that when a group is
 * folded depends on its own conversation only, and every --shard folds it
 * at the same moment as a run over everything. */

static bool wait_before(const struct seg_wait *a, const struct seg_wait *b)
{
	if (a->last_ts != b->last_ts)
		return a->last_ts < b->last_ts;
	return a->arrival < b->arrival;
}

static void wait_push(struct chain *c, struct seg_entry *e)
{
	struct seg_wait w = {e->id.last_ts, c->arrivals++, e};
	uint32_t i;

	if (c->nwait == c->capwait) {
		c->capwait = c->capwait ? 2 * c->capwait : 1024;
		c->wait = xrealloc(c->wait, c->capwait * sizeof *c->wait);
	}
	for (i = c->nwait++; i > 0 && wait_before(&w, &c->wait[(i - 1) / 2]); i = (i - 1) / 2)
		c->wait[i] = c->wait[(i - 1) / 2];
	c->wait[i] = w;
}

static void wait_pop(struct chain *c)
{
	struct seg_wait last = c->wait[--c->nwait];
	uint32_t i = 0;

	for (;;) {
		uint32_t k = 2 * i + 1;

		if (k >= c->nwait)
			break;
		if (k + 1 < c->nwait && wait_before(&c->wait[k + 1], &c->wait[k]))
			k++;
		if (!wait_before(&c->wait[k], &last))
			break;
		c->wait[i] = c->wait[k];
		i = k;
	}
	if (c->nwait)
		c->wait[i] = last;
}

static void seg_add(struct chain *c, uint32_t ci, int dir, const struct match_ident *id)
{
	struct seg_entry *e = seg_alloc(c);
	struct dir_agg *d = &c->conv[ci]->d[dir];
	unsigned looked = 0;

	e->qnext = NULL;
	e->parent = e;
	e->gnext = e;
	e->conv = ci;
	e->dir = (uint8_t)dir;
	e->done = false;
	e->seq = id->seq;
	e->len = id->payload_len;
	match_ident_copy(&e->id, id);
	if (e->len > d->maxlen)
		d->maxlen = e->len;
	/* the segments that may overlap start less than maxlen before it */
	for (uint32_t i = pending_lower(d, e->seq - d->maxlen);
	     i < d->npending && seq_lt(d->pending[i].seq, e->seq + e->len) && looked < SEG_SCAN;
	     i++) {
		struct seg_entry *p = d->pending[i].e;

		if (!p)
			continue;
		looked++;
		if (ranges_overlap(e, p) && points_disjoint(&e->id, &p->id)) {
			struct seg_entry *ra = seg_root(p), *rb = seg_root(e);

			if (ra != rb)
				seg_union(ra, rb);
		}
	}
	pending_insert(d, e);
	wait_push(c, e);
}

/* Does a hold all of b's bytes and more? */
static bool range_contains(const struct seg_entry *a, const struct seg_entry *b)
{
	return !seq_lt(b->seq, a->seq) && !seq_lt(a->seq + a->len, b->seq + b->len) &&
	       b->len < a->len;
}

/* Where a container sits relative to the pieces: before them (a TSO/GSO
 * super-segment that was split) or after (a GRO merge). Decided against
 * the earliest first sighting of the pieces it holds: a merged packet can
 * carry the arrival time of its first segment, earlier than later segments
 * were seen upstream, so hops of different members are never interleaved. */
static bool container_before(struct seg_entry **m, uint32_t n, const bool *container, uint32_t i)
{
	const struct match_hop *first = NULL;

	for (uint32_t j = 0; j < n; j++) {
		if (!container[j] && ranges_overlap(m[i], m[j]) &&
		    (!first || cmp_hop(&m[j]->id.hops[0], first) < 0))
			first = &m[j]->id.hops[0];
	}
	return first && cmp_hop(&m[i]->id.hops[0], first) < 0;
}

static int cmp_member(const void *x, const void *y)
{
	const struct seg_entry *a = *(struct seg_entry *const *)x;
	const struct seg_entry *b = *(struct seg_entry *const *)y;

	return cmp_hop(&a->id.hops[0], &b->id.hops[0]);
}

static void append_hops(struct match_hop *h, unsigned *nh, const struct match_ident *id)
{
	for (unsigned k = 0; k < id->nhops && *nh < MATCH_MAX_HOPS; k++) {
		bool dup = false;

		for (unsigned x = 0; x < *nh; x++)
			dup |= h[x].point == id->hops[k].point && h[x].dir == id->hops[k].dir;
		if (!dup)
			h[(*nh)++] = id->hops[k];
	}
}

/* The route of piece p: the containers before it that hold its bytes, its
 * own hops, then the containers after it. m is sorted by first sighting. */
static unsigned piece_hops(struct seg_entry **m, uint32_t n, const bool *container,
                           const bool *before, uint32_t p, struct match_hop *h)
{
	unsigned nh = 0;

	for (uint32_t j = 0; j < n; j++) {
		if (container[j] && before[j] && ranges_overlap(m[p], m[j]))
			append_hops(h, &nh, &m[j]->id);
	}
	append_hops(h, &nh, &m[p]->id);
	for (uint32_t j = 0; j < n; j++) {
		if (container[j] && !before[j] && ranges_overlap(m[p], m[j]))
			append_hops(h, &nh, &m[j]->id);
	}
	return nh;
}

/* A group of identities carrying overlapping bytes at disjoint points.
 * Pieces are the members that contain no smaller member: the segments as
 * they were on the wire (also one that was lost on its own). Containers
 * are super-segments before a split, or GRO merges after it. */
static void fold_group(struct chain *c, struct seg_entry **m, uint32_t n)
{
	struct dir_agg *d = &c->conv[m[0]->conv]->d[m[0]->dir];
	bool *container = c->scratch_flag, *before = c->scratch_flag + n;

	qsort(m, n, sizeof *m, cmp_member);
	memset(container, 0, 2 * n * sizeof *container);
	for (uint32_t i = 0; i < n; i++) {
		for (uint32_t j = 0; j < n && !container[i]; j++)
			container[i] = j != i && range_contains(m[i], m[j]);
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct match_hop *at = NULL;
		uint64_t pieces = 0;
		struct hopstat *s;

		if (!container[i])
			continue;
		before[i] = container_before(m, n, container, i);
		for (uint32_t j = 0; j < n; j++) {
			if (container[j] || !ranges_overlap(m[i], m[j]))
				continue;
			pieces++;
			if (!at || cmp_hop(&m[j]->id.hops[0], at) < 0)
				at = &m[j]->id.hops[0];
		}
		if (!at)
			continue;
		if (before[i]) {
			s = hopstat_get(d, at->point, at->dir);
			s->split_from++;
			s->split_into += pieces;
		} else {
			s = hopstat_get(d, m[i]->id.hops[0].point, m[i]->id.hops[0].dir);
			s->merged_from += pieces;
			s->merged_into++;
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		struct match_hop h[MATCH_MAX_HOPS];
		unsigned nh;

		if (container[i])
			continue;
		nh = piece_hops(m, n, container, before, i, h);
		note_segment(d, m[i]->seq, m[i]->len, m[i]->id.tcp_flags);
		fold_route(c, d, h, nh, m[i]->id.tcp_flags,
		           seq_end_of(m[i]->seq, m[i]->len, m[i]->id.tcp_flags), true);
	}
}

/* Folds the group of head: its members are the root's circular list. */
static void process_group(struct chain *c, struct seg_entry *head)
{
	struct dir_agg *d = &c->conv[head->conv]->d[head->dir];
	struct seg_entry *root = seg_root(head), *p = root;
	struct seg_entry **m;
	uint32_t n = 0;

	do {
		n++;
		p = p->gnext;
	} while (p != root);
	scratch_reserve(c, n);
	m = c->scratch;
	n = 0;
	do {
		m[n++] = p;
		p = p->gnext;
	} while (p != root);
	if (n == 1)
		fold_whole(c, d, &m[0]->id);
	else
		fold_group(c, m, n);
	for (uint32_t i = 0; i < n; i++) {
		m[i]->done = true;
		pending_remove(d, m[i]);
	}
}

void chain_conv_flush(struct chain *c, uint32_t ci)
{
	for (int k = 0; k < 2; k++) {
		struct dir_agg *d = &c->conv[ci]->d[k];

		for (uint32_t i = 0; i < d->npending; i++) {
			if (d->pending[i].e)
				process_group(c, d->pending[i].e);
		}
		d->npending = d->nnull = 0;
		order_routes(c, d);
	}
}

static bool conv_ended(const struct chain *c, const struct conv *cv, int64_t now)
{
	if (cv->closed[0] && cv->closed[1] && now - cv->last_ts > 3 * c->window)
		return true;
	return now - cv->last_ts > (IDLE_NS > 4 * c->window ? IDLE_NS : 4 * c->window);
}

/* Finishes the conversations that ended (see IDLE_NS). */
static void finish_ended(struct chain *c, int64_t now)
{
	uint32_t n = 0;

	/* the open ones in the order they began, those gone left out */
	for (uint32_t k = 0; k < c->nlive; k++) {
		uint32_t i = c->live[k];

		if (!c->conv[i])
			continue;
		if (!conv_ended(c, c->conv[i], now))
			c->live[n++] = i;
		else if (foreign(c, c->conv[i]))
			chain_conv_drop(c, i);
		else
			c->conv_end(c, i);
	}
	c->nlive = n;
}

void chain_tick(struct chain *c, int64_t now)
{
	if (now != INT64_MAX && (c->last_scan == INT64_MIN || now - c->last_scan >= SCAN_NS)) {
		c->last_scan = now;
		finish_ended(c, now);
	}
	while (c->nwait) {
		struct seg_entry *e = c->wait[0].e;

		if (!e->done) {
			/* identities leave the matcher a window after their
			 * first sighting; the pieces of a split leave a little
			 * after their super-segment: wait one window more */
			if (now != INT64_MAX && now - c->wait[0].last_ts <= 2 * c->window)
				return;
			process_group(c, e);
		}
		wait_pop(c);
		seg_release(c, e);
	}
}

/* ---- entry point -------------------------------------------------------- */

/* Moves the promiscuous bridge copies out of an identity's hops; returns
 * how many there were (their points are in copy[]). */
static unsigned take_copies(struct match_ident *id, uint32_t *copy)
{
	unsigned n = 0, k = 0;

	for (unsigned i = 0; i < id->nhops; i++) {
		if (id->hops[i].flags & PP_OBS_COPY)
			copy[n++] = id->hops[i].point;
		else
			id->hops[k++] = id->hops[i];
	}
	id->nhops = (uint8_t)k;
	return n;
}

void chain_set_shard(struct chain *c, uint32_t k, uint32_t n)
{
	c->shard = k;
	c->nshards = n;
}

void chain_set_observer(struct chain *c, chain_observer_fn *fn, void *arg)
{
	c->observe = fn;
	c->observe_arg = arg;
}

/* Folds id, the copy of ident that chain_add() may reorder. */
static void add_copy(struct chain *c, const struct match_ident *ident, struct match_ident *idp)
{
	struct match_ident id = *idp; /* its hops are idp's */
	uint32_t copy[MATCH_MAX_HOPS];
	unsigned ncopies;
	struct conv *cv;
	uint32_t root, ci;
	int dir;

	ncopies = take_copies(&id, copy);
	order_hops(id.hops, id.nhops);
	if (c->observe)
		c->observe(c->observe_arg, ident, &id);
	if (id.nhops == 0)
		return; /* seen only as copies: nothing crossed a capture point */
	hints_learn(c, &id);
	for (unsigned i = 1; i < id.nhops; i++)
		link_tuples(c, id.hops[0].tuple, id.hops[i].tuple, 0);
	root = flow_find(c->flows, id.hops[0].tuple, NULL);
	cv = conv_of_root(c, root);
	if (!cv)
		cv = conv_new(c, root, id.hops[0].tuple, &id);
	ci = c->flows->v[root].conv;
	dir = conv_dir(c, cv, id.hops[0].tuple);
	cv->selected |= ident_selected(ident);
	if (id.first_ts < cv->first_ts)
		cv->first_ts = id.first_ts;
	if (id.last_ts > cv->last_ts)
		cv->last_ts = id.last_ts;
	if (foreign(c, cv)) {
		/* another shard's: only when it ends matters here */
		if (id.proto == 6 && (id.tcp_flags & 0x04))
			cv->closed[0] = cv->closed[1] = true;
		else if (id.proto == 6 && (id.tcp_flags & 0x01))
			cv->closed[dir] = true;
		return;
	}

	struct dir_agg *d = &cv->d[dir];

	d->idents++;
	count_hops(d, &id);
	order_observe(c, d, &id);
	for (unsigned i = 0; i < ncopies; i++)
		hopstat_get(d, copy[i], PP_DIR_UNKNOWN)->copies++;
	note_transport(c, d, &id);
	if (id.proto == 6 && (id.tcp_flags & 0x04))
		cv->closed[0] = cv->closed[1] = true; /* a reset ends it both ways */
	else if (id.proto == 6 && (id.tcp_flags & 0x01))
		cv->closed[dir] = true;
	if (id.proto == 6 && id.payload_len > 0 && !(id.flags & PP_OBS_FRAG_LATER))
		seg_add(c, ci, dir, &id);
	else
		fold_whole(c, d, &id);
}

void chain_add(struct chain *c, const struct match_ident *ident)
{
	struct match_ident id;

	if (ident->nhops == 0)
		return;
	if (ident->flags & PP_OBS_ICMP_ERROR) {
		attach_answer(c, ident);
		if (c->observe)
			c->observe(c->observe_arg, ident, NULL);
		return;
	}
	match_ident_copy(&id, ident);
	add_copy(c, ident, &id);
	match_ident_drop(&id);
}
