/* chain_result.c - turns conversation aggregates into findings.
 *
 * Per direction: the path is the route that went furthest. A direction is
 * delivered when the other side answered from where it ended, or (TCP)
 * acknowledged what it sent; when the only answer is a TCP reset, or there
 * is none, it stopped at its last point. Among delivered directions, routes
 * that are a proper prefix of the path are packets that stopped early, unless
 * the next point was not capturing at the time (the start and end of a
 * capture are not drops): then the verdict is partial and the stopped
 * packets are described by what sets them apart from those that arrived.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain_agg.h"
#include "pktpath/htab.h"
#include "pktpath/msg.h"
#include "pktpath/topo.h"

#define EDGE_MARGIN_NS (100LL * 1000 * 1000)

/* The path: among the routes that end where the longest one ends, the one
 * most packets took (a first packet may detour, e.g. through the bridge
 * device while a neighbour is resolved). */
struct route *dir_path(const struct dir_agg *d)
{
	struct route *longest = NULL, *best = NULL;

	for (uint32_t i = 0; i < d->nroutes; i++) {
		struct route *r = d->routes[i];

		if (!longest || r->n > longest->n ||
		    (r->n == longest->n && r->count > longest->count))
			longest = r;
	}
	for (uint32_t i = 0; longest && i < d->nroutes; i++) {
		struct route *r = d->routes[i];
		const struct route_hop *a = &r->hop[r->n - 1], *b = &longest->hop[longest->n - 1];

		if (a->point != b->point || a->dir != b->dir)
			continue;
		if (!best || r->count > best->count ||
		    (r->count == best->count && r->first_ts < best->first_ts))
			best = r;
	}
	return best;
}

/* Where the topology of the node of `point` sends dst: the route, and the
 * captured point of the device it leaves by (-1 if that was not captured). */
static int64_t route_next(const struct chain_env *env, uint32_t point, const struct pp_addr *dst,
                          struct chain_stop *stop)
{
	const struct chain_point *points = *env->points;
	const struct chain_point *p = &points[point];
	struct topo_hop hop;
	char name[256];

	if (!env->topo || topo_next_hop(env->topo, p->node, dst, &hop) < 0 || !hop.route)
		return -1;
	snprintf(stop->expected_route, sizeof stop->expected_route, "%s", hop.route->text);
	if (!hop.dev)
		return -1;
	snprintf(stop->expected_dev, sizeof stop->expected_dev, "%s", hop.dev->name);
	snprintf(name, sizeof name, "%s/%s", p->node, hop.dev->name);
	for (size_t i = 0; i < *env->npoints; i++) {
		if (strcmp(points[i].name, name) == 0 && i != point)
			return (int64_t)i;
	}
	return -1;
}

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

static int64_t hint_find(const struct hints *h, uint32_t point, const struct pp_addr *dst)
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

/* Was point p capturing at corrected time t (and long enough after it for
 * the packet to have arrived)? A capture file does not say when tcpdump
 * started or stopped, only when it saw packets, and a quiet interface sees
 * none for long stretches. So the span is that of the whole node: captures
 * on one machine are started and stopped together in practice (one -i any,
 * or a runbook's list of tcpdumps). Known holes (a missing piece of a
 * rotated set) are excluded per point. */
static bool covered(const struct chain_env *env, uint32_t p, int64_t t)
{
	const struct chain_point *points = *env->points;
	const struct chain_point *pt = &points[p];
	int64_t start = INT64_MAX, end = INT64_MIN;

	for (size_t i = 0; i < *env->npoints; i++) {
		const struct chain_point *q = &points[i];

		if (q->node_id != pt->node_id || q->packets == 0)
			continue;
		if (q->first_ts - q->clock_offset < start)
			start = q->first_ts - q->clock_offset;
		if (q->last_ts - q->clock_offset > end)
			end = q->last_ts - q->clock_offset;
	}
	if (start == INT64_MAX || t < start || t + EDGE_MARGIN_NS > end)
		return false;
	for (size_t i = 0; i < pt->ngaps; i++) {
		if (t + EDGE_MARGIN_NS >= pt->gaps[i][0] && t <= pt->gaps[i][1])
			return false;
	}
	return true;
}

/* Share of a route's packets that the point p could have seen next. */
static uint64_t stopped_within_capture(const struct chain_env *env, const struct route *r,
                                       uint32_t p)
{
	uint32_t in = 0;

	if (r->nts == 0)
		return 0;
	for (uint32_t i = 0; i < r->nts; i++)
		in += covered(env, p, r->ts[i]);
	if (in == r->nts)
		return r->count;
	return (r->count * in + r->nts / 2) / r->nts;
}

static bool is_prefix(const struct route *r, const struct route *path)
{
	if (r->n >= path->n)
		return false;
	for (unsigned i = 0; i < r->n; i++) {
		if (r->hop[i].point != path->hop[i].point || r->hop[i].dir != path->hop[i].dir)
			return false;
	}
	return true;
}

/* Index of route hop h in the path, or -1. */
static int path_index(const struct route *path, const struct route_hop *h)
{
	for (unsigned i = 0; i < path->n; i++) {
		if (path->hop[i].point == h->point && path->hop[i].dir == h->dir)
			return (int)i;
	}
	return -1;
}

static const struct hopstat *hopstat_find(const struct dir_agg *d, uint32_t point, uint8_t dir)
{
	for (uint32_t i = 0; i < d->nhs; i++) {
		if (d->hs[i].point == point && d->hs[i].dir == dir)
			return &d->hs[i];
	}
	return NULL;
}

static uint32_t tunnel_overhead(const struct match_tunnel *t)
{
	bool v4 = addr_is_v4(&t->src);

	switch (t->kind) {
	case PP_TUN_VXLAN:
	case PP_TUN_GENEVE:
		return (v4 ? 20 : 40) + 8 + 8 + 14;
	case PP_TUN_GRE:
		return (v4 ? 20 : 40) + 4;
	case PP_TUN_IPIP:
		return v4 ? 20 : 40;
	default:
		return 0;
	}
}

static void build_hops(struct chain *c, const struct dir_agg *d, const struct route *path,
                       struct chain_dir *out)
{
	out->nhops = path->n;
	out->hops = calloc(path->n, sizeof *out->hops);
	if (!out->hops)
		msg_oom("hops", path->n * sizeof *out->hops);
	for (unsigned i = 0; i < path->n; i++) {
		const struct route_hop *rh = &path->hop[i];
		const struct hopstat *hs = hopstat_find(d, rh->point, rh->dir);
		const struct match_tunnel *tun = match_tunnel(c->m, rh->tunnel);
		struct chain_hop *h = &out->hops[i];

		h->point = rh->point;
		h->dir = rh->dir;
		h->ttl = rh->ttl;
		h->tuple = *flow_tuple(c->flows, rh->tuple);
		h->packets = hs ? hs->obs : 0;
		if (i > 0 && path->lat[i].n) {
			h->has_latency = true;
			h->latency_us_p50 = (double)reservoir_median(&path->lat[i]) / 1000.0;
		}
		if (tun) {
			h->has_tunnel = true;
			h->tunnel = *tun;
		}
		if (hs) {
			h->split_from = hs->split_from;
			h->split_into = hs->split_into;
			h->merged_from = hs->merged_from;
			h->merged_into = hs->merged_into;
		}
	}
}

static void endpoint_of(struct chain_endpoint *e, const struct pp_tuple *t, bool dst)
{
	bool echo = (t->proto == 1 || t->proto == 58) && t->has_ports;

	e->addr = dst ? t->dst : t->src;
	/* an ICMP echo id is rewritten like a source port; it is no destination port */
	e->has_port = t->has_ports && !(echo && dst);
	e->port = dst ? t->dport : t->sport;
}

/* The rewrite of the destination (DNAT) or source (SNAT) between hop i-1,
 * tuple a, and hop i, tuple b. */
static const struct chain_nat *nat_add(struct chain_dir *out, uint32_t *n, enum chain_nat_kind kind,
                                       const struct pp_tuple *a, const struct pp_tuple *b,
                                       uint32_t i, bool reverse)
{
	struct chain_nat *x = &out->nat[(*n)++];
	bool dst = kind == CHAIN_DNAT;

	x->kind = kind;
	endpoint_of(&x->from, a, dst);
	endpoint_of(&x->to, b, dst);
	x->after_hop = i - 1;
	x->before_hop = i;
	x->reverse = reverse;
	return x;
}

static void build_nat(struct chain_dir *out, bool reverse)
{
	uint32_t n = 0;

	out->nat = calloc(2 * (out->nhops ? out->nhops : 1), sizeof *out->nat);
	if (!out->nat)
		msg_oom("rewrites", 2 * (out->nhops ? out->nhops : 1) * sizeof *out->nat);
	for (uint32_t i = 1; i < out->nhops; i++) {
		const struct pp_tuple *a = &out->hops[i - 1].tuple, *b = &out->hops[i].tuple;

		if (!addr_eq(&a->dst, &b->dst) || a->dport != b->dport) {
			const struct chain_nat *x = nat_add(out, &n, CHAIN_DNAT, a, b, i, reverse);

			if (addr_eq(&x->from.addr, &x->to.addr) && !x->from.has_port)
				n--; /* an echo id rewrite shows as SNAT only */
		}
		if (!addr_eq(&a->src, &b->src) || a->sport != b->sport)
			nat_add(out, &n, CHAIN_SNAT, a, b, i, reverse);
	}
	out->nnat = n;
}

static void find_client_ip_lost(struct chain_dir *out, const struct pp_tuple *origin)
{
	for (uint32_t i = 0; i < out->nnat; i++) {
		const struct chain_nat *x = &out->nat[i];

		if (x->kind == CHAIN_SNAT && addr_eq(&x->from.addr, &origin->src) &&
		    !addr_eq(&x->to.addr, &origin->src)) {
			out->has_lost = true;
			out->lost.original = origin->src;
			out->lost.replaced_by = x->to.addr;
			out->lost.after_hop = x->after_hop;
			out->lost.before_hop = x->before_hop;
			return;
		}
	}
}

/* Evidence that a direction reached the other side. */
static bool reached_other_side(const struct conv *cv, const struct dir_agg *d,
                               const struct dir_agg *o, const struct route *path)
{
	const struct route *opath = dir_path(o);

	if (!opath)
		return false;
	if (o->n_other == 0 && o->n_rst > 0)
		return false; /* refused: handled as a stop answered by a reset */
	if (opath->hop[0].point == path->hop[path->n - 1].point)
		return true; /* the answer came from where this direction ended */
	if (cv->proto == 6)
		return o->has_ack && d->has_first && (int32_t)(o->max_ack - d->first_seq) > 0;
	return true;
}

static void set_answer(struct chain *c, const struct dir_agg *d, const struct dir_agg *o,
                       struct chain_dir *out)
{
	const struct answer_agg *best = NULL;

	for (uint32_t i = 0; i < d->nans; i++) {
		if (!best || d->ans[i].packets > best->packets)
			best = &d->ans[i];
	}
	if (best) {
		out->has_answer = true;
		out->answer =
		    (struct chain_answer){CHAIN_ANSWER_ICMP, best->type,  best->code,   best->mtu,
		                          best->from,        best->point, best->packets};
		return;
	}
	if (o->has_rst && o->n_other == 0) {
		out->has_answer = true;
		out->answer = (struct chain_answer){.kind = CHAIN_ANSWER_TCP_RST,
		                                    .from = o->rst_from,
		                                    .point = o->rst_point,
		                                    .packets = o->n_rst};
	}
	(void)c;
}

static void stop_stats_add(struct chain_stop *s, const struct route *r, uint64_t n)
{
	if (s->packets == 0 || r->len_min < s->len_min)
		s->len_min = r->len_min;
	if (r->len_max > s->len_max)
		s->len_max = r->len_max;
	s->packets += n;
	s->df += r->count ? r->df * n / r->count : 0;
	s->tcp_flags_or |= r->tcp_flags_or;
}

static void build_dir(struct chain *c, const struct conv *cv, int k, struct chain_dir *out,
                      bool reverse)
{
	const struct chain_env *env = &c->env;
	const struct hints *h = &c->hints;
	const struct dir_agg *d = &cv->d[k], *o = &cv->d[k ^ 1];
	struct route *path = dir_path(d);
	const struct route *why[MATCH_MAX_HOPS] = {0};
	uint64_t why_n[MATCH_MAX_HOPS] = {0};
	int64_t next;

	if (!path)
		return;
	out->present = true;
	out->packets = d->pieces;
	out->unmatched = d->overflow; /* their path could not be told */
	for (uint32_t i = 0; i < d->nhs; i++)
		out->ncopies += d->hs[i].copies > 0;
	out->copies = calloc(out->ncopies ? out->ncopies : 1, sizeof *out->copies);
	if (!out->copies)
		msg_oom("copies", (out->ncopies ? out->ncopies : 1) * sizeof *out->copies);
	out->ncopies = 0;
	for (uint32_t i = 0; i < d->nhs; i++) {
		if (d->hs[i].copies)
			out->copies[out->ncopies++] =
			    (struct chain_sighting){d->hs[i].point, d->hs[i].copies};
	}
	out->segments = d->segments;
	out->retransmissions = d->retrans;
	build_hops(c, d, path, out);
	build_nat(out, reverse);

	if (!reached_other_side(cv, d, o, path)) {
		const struct route_hop *last = &path->hop[path->n - 1];
		const struct pp_addr *dst = &flow_tuple(c->flows, last->tuple)->dst;
		bool answered = d->nans > 0 || (o->n_rst > 0 && o->n_other == 0);

		next = hint_find(h, last->point, dst);
		if (!answered) {
			/* TCP and echo requests always expect an answer; other
			 * traffic may be one-way, and stopped only where other
			 * packets to that address went on. */
			bool expects = cv->proto == 6 || d->echo_request;

			if (addr_is_group(dst) ||
			    /* multicast goes wherever it goes */ (!expects && next < 0) ||
			    (next >= 0 && stopped_within_capture(env, path, (uint32_t)next) == 0)) {
				out->verdict = CHAIN_DELIVERED;
				return;
			}
		}
		out->verdict = CHAIN_STOPPED;
		out->has_stop = true;
		out->stop.after_hop = path->n - 1;
		{
			/* the route is worth showing even when other packets
			 * already tell the next point */
			int64_t routed = route_next(env, last->point, dst, &out->stop);

			out->stop.expected_next = next >= 0 ? next : routed;
		}
		for (uint32_t i = 0; i < d->nroutes; i++)
			stop_stats_add(&out->stop, d->routes[i], d->routes[i]->count);
		set_answer(c, d, o, out);
		if (path->hop[path->n - 1].tunnel)
			out->stop.tunnel_overhead =
			    tunnel_overhead(match_tunnel(c->m, path->hop[path->n - 1].tunnel));
		return;
	}

	out->verdict = CHAIN_DELIVERED;
	for (uint32_t i = 0; i < d->nroutes; i++) {
		const struct route *r = d->routes[i];
		int at;
		uint64_t n;

		if (r == path)
			continue;
		if (r->n == 1 && r->hop[0].point != path->hop[0].point &&
		    path_index(path, &r->hop[0]) != (int)path->n - 1) {
			out->unmatched += r->count; /* seen at one inner point only */
			continue;
		}
		at = path_index(path, &r->hop[r->n - 1]);
		if (at < 0 || at == (int)path->n - 1)
			continue; /* ended where the path ends, or elsewhere */
		if (!is_prefix(r, path) && r->hop[0].point == path->hop[0].point)
			continue; /* skipped a point in between: that capture missed it */
		n = stopped_within_capture(env, r, path->hop[at + 1].point);
		if (n == 0)
			continue;
		if (!why[at] || r->count > why[at]->count)
			why[at] = r;
		why_n[at] += n;
		stop_stats_add(&out->stop, r, n);
	}
	if (out->stop.packets == 0)
		return;
	out->verdict = CHAIN_PARTIAL;
	out->has_stop = true;
	{
		unsigned best = 0;

		for (unsigned i = 1; i < path->n; i++) {
			if (why_n[i] > why_n[best])
				best = i;
		}
		out->stop.after_hop = best;
		out->stop.expected_next = path->hop[best + 1].point;
		if (path->hop[best].tunnel)
			out->stop.tunnel_overhead =
			    tunnel_overhead(match_tunnel(c->m, path->hop[best].tunnel));
	}
	out->stop.has_delivered_len = true;
	out->stop.delivered_len_min = path->len_min;
	out->stop.delivered_len_max = path->len_max;
	out->stop.delivered_df = path->df;
	out->stop.delivered = path->count;
	set_answer(c, d, o, out);
	if (out->has_answer && out->answer.kind == CHAIN_ANSWER_TCP_RST)
		out->has_answer = false; /* resets answer whole directions, not some packets */
}

/* Which of a conversation's two directions opened it. */
static int forward_of(const struct conv *cv)
{
	const struct dir_agg *a = &cv->d[0], *b = &cv->d[1];

	if (a->pure_syn != b->pure_syn)
		return a->pure_syn ? 0 : 1;
	if (!b->has_first)
		return 0;
	if (!a->has_first)
		return 1;
	return a->first_ts <= b->first_ts ? 0 : 1;
}

void chain_conv_hints(struct chain *c, const struct conv *cv)
{
	for (int k = 0; k < 2; k++) {
		const struct route *p = dir_path(&cv->d[k]);

		for (unsigned j = 0; p && j + 1 < p->n; j++)
			hint_add(&c->hints, p->hop[j].point,
			         &flow_tuple(c->flows, p->hop[j].tuple)->dst, p->hop[j + 1].point,
			         p->count);
	}
}

static unsigned interest_of(const struct chain_conv *r)
{
	unsigned score = 0;

	for (int k = 0; k < 2; k++) {
		const struct chain_dir *d = &r->dir[k];
		unsigned v = 0;

		if (!d->present)
			continue;
		if (d->verdict == CHAIN_STOPPED)
			v = 4;
		else if (d->verdict == CHAIN_PARTIAL)
			v = 3;
		else if (d->has_lost)
			v = 2;
		else if (d->nnat)
			v = 1;
		if (v > score)
			score = v;
	}
	return score;
}

static void findings_add(struct chain_findings *f, const struct chain_conv *r)
{
	bool stopped = false, partial = false, nat = false, snat = false, lost = false;

	for (int k = 0; k < 2; k++) {
		const struct chain_dir *d = &r->dir[k];

		if (!d->present)
			continue;
		stopped |= d->verdict == CHAIN_STOPPED;
		partial |= d->verdict == CHAIN_PARTIAL;
		lost |= d->has_lost;
		nat |= d->nnat > 0;
		for (uint32_t n = 0; n < d->nnat; n++)
			snat |= d->nat[n].kind == CHAIN_SNAT && !d->nat[n].reverse;
	}
	f->conversations++;
	f->stopped += stopped;
	f->partial += partial && !stopped;
	f->delivered += !stopped && !partial;
	f->client_ip_lost += lost;
	f->nat += nat;
	f->snat += snat;
}

/* The conversation's findings are built with what is known now (paths of
 * the conversations seen so far, the capture spans so far), stored, and its
 * memory freed; later packets of its tuples start a new conversation. */
void chain_conv_finish(struct chain *c, uint32_t ci)
{
	struct conv *cv = c->conv[ci];
	struct chain_conv r = {0};
	int fwd;
	uint32_t root;

	chain_conv_flush(c, ci);
	fwd = forward_of(cv);
	r.proto = cv->proto;
	r.family = cv->family;
	r.first_ts = cv->first_ts;
	r.last_ts = cv->last_ts;
	r.origin =
	    *flow_tuple(c->flows, cv->d[fwd].has_first ? cv->d[fwd].first_tuple : cv->anchor);
	build_dir(c, cv, fwd, &r.dir[CHAIN_FORWARD], false);
	build_dir(c, cv, fwd ^ 1, &r.dir[CHAIN_REVERSE], true);
	if (r.dir[CHAIN_FORWARD].present)
		find_client_ip_lost(&r.dir[CHAIN_FORWARD], &r.origin);
	/* unmatched observations were decoded and are in their points'
	 * packets: a finding, not packets left unused, so not counted under
	 * ignored (read = used + ignored) */
	c->unmatched += r.dir[0].unmatched + r.dir[1].unmatched;
	findings_add(&c->findings, &r);
	if (r.dir[0].present || r.dir[1].present)
		chain_store_add(c->store, &r, (uint8_t)interest_of(&r));
	for (int k = 0; k < 2; k++) {
		free(r.dir[k].hops);
		free(r.dir[k].nat);
		free(r.dir[k].copies);
	}
	root = flow_find(c->flows, cv->anchor, NULL);
	if (c->flows->v[root].conv == ci)
		c->flows->v[root].conv = FLOW_NONE;
	chain_conv_free(c, ci);
}

void chain_finish(struct chain *c, struct chain_result *out)
{
	chain_tick(c, INT64_MAX);
	/* what the open conversations show helps every one of them */
	for (uint32_t i = 0; i < c->nconv; i++) {
		if (c->conv[i])
			chain_conv_hints(c, c->conv[i]);
	}
	for (uint32_t i = 0; i < c->nconv; i++) {
		if (c->conv[i])
			chain_conv_finish(c, i);
	}
	chain_store_seal(c->store);
	out->store = c->store;
	c->store = NULL;
	out->nconv = chain_store_count(out->store);
	out->findings = c->findings;
	out->unmatched = c->unmatched;
	out->window_ns = c->window;
}

const struct chain_conv *chain_result_conv(const struct chain_result *r, size_t i)
{
	return chain_store_get(r->store, i);
}

unsigned chain_result_interest(const struct chain_result *r, size_t i)
{
	return chain_store_interest(r->store, i);
}

void chain_result_free(struct chain_result *r)
{
	chain_store_free(r->store);
	for (size_t i = 0; i < r->npoints; i++) {
		free(r->points[i].name);
		free(r->points[i].node);
		for (size_t f = 0; f < r->points[i].nfiles; f++)
			free(r->points[i].files[f]);
		free(r->points[i].files);
		free(r->points[i].gaps);
	}
	free(r->points);
	for (size_t i = 0; i < r->nnodes; i++)
		free(r->nodes[i].name);
	free(r->nodes);
	topo_free(r->topo);
	memset(r, 0, sizeof *r);
}
