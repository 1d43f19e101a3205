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
#include "util/htab.h"
#include "util/msg.h"
#include "topo/topo.h"

/* Does the point have a known gap (a missing piece, a wrapped ring, kernel
 * drops), so that packets may have crossed it unseen? */
static bool point_has_known_gap(const struct chain *c, uint32_t point)
{
	const struct chain_point *p = &(*c->env.points)[point];

	for (size_t i = 0; i < p->ngaps; i++) {
		if (p->gaps[i].why == CHAIN_GAP_MISSING_PIECE ||
		    p->gaps[i].why == CHAIN_GAP_RING_OVERWRITTEN ||
		    p->gaps[i].why == CHAIN_GAP_KERNEL_DROPS)
			return true;
	}
	return false;
}

/* Is s route r without some points that had capture gaps? */
static bool route_minus_gaps(const struct chain *c, const struct route *r, const struct route *s)
{
	unsigned j = 0;

	if (s->n >= r->n)
		return false;
	for (unsigned i = 0; i < r->n; i++) {
		if (j < s->n && r->hop[i].point == s->hop[j].point &&
		    r->hop[i].dir == s->hop[j].dir)
			j++;
		else if (!point_has_known_gap(c, r->hop[i].point))
			return false;
	}
	return j == s->n;
}

/* The path: among the routes that end where the longest one ends, the one
 * most packets took (a first packet may detour, e.g. through the bridge
 * device while a neighbour is resolved). Packets that crossed a point while
 * its capture had a gap count for the route that has it. */
struct route *dir_path(const struct chain *c, const struct dir_agg *d)
{
	struct route *longest = NULL, *best = NULL;
	uint64_t best_n = 0;

	for (uint32_t i = 0; i < d->nroutes; i++) {
		struct route *r = d->routes[i];

		if (!longest || r->n > longest->n ||
		    (r->n == longest->n && r->count > longest->count))
			longest = r;
	}
	for (uint32_t i = 0; longest && i < d->nroutes; i++) {
		struct route *r = d->routes[i];
		const struct route_hop *a = &r->hop[r->n - 1], *b = &longest->hop[longest->n - 1];
		uint64_t n = r->count;

		if (a->point != b->point || a->dir != b->dir)
			continue;
		for (uint32_t k = 0; c && k < d->nroutes; k++) {
			if (k != i && route_minus_gaps(c, r, d->routes[k]))
				n += d->routes[k]->count;
		}
		if (!best || n > best_n || (n == best_n && r->first_ts < best->first_ts)) {
			best = r;
			best_n = n;
		}
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

static bool point_repeats(const struct route *path, unsigned i)
{
	for (unsigned k = 0; k < path->n; k++) {
		if (k != i && path->hop[k].point == path->hop[i].point &&
		    path->hop[k].dir == path->hop[i].dir)
			return true;
	}
	return false;
}

static void build_hops(struct chain *c, const struct dir_agg *d, const struct route *path,
                       struct chain_dir *out)
{
	int prev = -1;

	out->nhops = path->n;
	out->hops = calloc(path->n, sizeof *out->hops);
	if (!out->hops)
		msg_oom("hops", path->n * sizeof *out->hops);
	for (unsigned i = 0; i < path->n; i++) {
		const struct route_hop *rh = &path->hop[i];
		const struct hopstat *hs = hopstat_find(d, rh->point, rh->dir);
		const struct match_tunnel *tun = match_tunnel(c->m, rh->tunnel);
		struct chain_hop *h = &out->hops[i];
		int at = order_find(&d->ord, rh->point, rh->dir);
		/* a point the path crosses more than once (an old -i any
		 * capture's one point) shows the route's own tuples */
		uint32_t t = point_repeats(path, i) ? FLOW_NONE : order_dominant(&d->ord, at);
		int64_t lat;

		h->point = rh->point;
		h->dir = rh->dir;
		h->ttl = rh->ttl;
		h->tuple = *flow_tuple(c->flows, t != FLOW_NONE ? t : rh->tuple);
		h->packets = hs ? hs->obs : 0;
		/* a negative median means the clocks or the order are not known
		 * well enough to tell: no latency rather than a wrong one */
		if (i > 0 && prev >= 0 && at >= 0 && order_latency(&d->ord, prev, at, &lat) &&
		    lat >= 0) {
			h->has_latency = true;
			h->latency_us_p50 = (double)lat / 1000.0;
		}
		prev = at;
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
 * tuple a, and hop i, tuple b, shown by the packets of variant v at hop i. */
static void nat_add(struct chain_dir *out, uint32_t *n, enum chain_nat_kind kind,
                    const struct pp_tuple *a, const struct pp_tuple *b, uint32_t i, bool reverse,
                    const struct variant *v)
{
	struct chain_nat *x = &out->nat[*n];
	bool dst = kind == CHAIN_DNAT;

	x->kind = kind;
	endpoint_of(&x->from, a, dst);
	endpoint_of(&x->to, b, dst);
	x->after_hop = i - 1;
	x->before_hop = i;
	x->reverse = reverse;
	x->packets = v ? v->count : 0;
	x->first_ts = v ? v->first_ts : 0;
	x->last_ts = v ? v->last_ts : 0;
	/* an echo id rewrite shows as SNAT only */
	if (dst && addr_eq(&x->from.addr, &x->to.addr) && !x->from.has_port)
		return;
	(*n)++;
}

static void nat_between(struct chain_dir *out, uint32_t *n, const struct pp_tuple *a,
                        const struct pp_tuple *b, uint32_t i, bool reverse, const struct variant *v)
{
	if (!addr_eq(&a->dst, &b->dst) || a->dport != b->dport)
		nat_add(out, n, CHAIN_DNAT, a, b, i, reverse, v);
	if (!addr_eq(&a->src, &b->src) || a->sport != b->sport)
		nat_add(out, n, CHAIN_SNAT, a, b, i, reverse, v);
}

/* How many of src, sport, dst, dport two tuples share. */
static int tuple_likeness(const struct pp_tuple *a, const struct pp_tuple *b)
{
	return addr_eq(&a->src, &b->src) + (a->sport == b->sport) + addr_eq(&a->dst, &b->dst) +
	       (a->dport == b->dport);
}

/* Every rewrite the packets show between consecutive hops: each tuple seen
 * at a hop and not at the one before is a rewrite of the tuple there that
 * it resembles most, with the packets that carried it (a NAT that started
 * part-way through a flow applies to those only). */
static void build_nat(struct chain *c, const struct dir_agg *d, struct chain_dir *out, bool reverse)
{
	const struct dir_order *o = &d->ord;
	uint32_t n = 0;

	out->nat = calloc(2 * (size_t)(VARIANTS_MAX + 1) * (out->nhops ? out->nhops : 1),
	                  sizeof *out->nat);
	if (!out->nat)
		msg_oom("rewrites", 2 * (out->nhops ? out->nhops : 1) * sizeof *out->nat);
	for (uint32_t i = 1; i < out->nhops; i++) {
		int ia = order_find(o, out->hops[i - 1].point, out->hops[i - 1].dir);
		int ib = order_find(o, out->hops[i].point, out->hops[i].dir);

		if (ia < 0 || ib < 0 || ia == ib) {
			nat_between(out, &n, &out->hops[i - 1].tuple, &out->hops[i].tuple, i,
			            reverse, NULL);
			continue;
		}
		for (uint32_t k = 0; k < o->pt[ib].nvar; k++) {
			const struct variant *v = &o->pt[ib].var[k];
			const struct pp_tuple *b = flow_tuple(c->flows, v->tuple), *a = NULL;
			int best = -1;

			for (uint32_t j = 0; j < o->pt[ia].nvar; j++) {
				const struct pp_tuple *t =
				    flow_tuple(c->flows, o->pt[ia].var[j].tuple);
				int like = tuple_likeness(t, b);

				if (o->pt[ia].var[j].tuple == v->tuple) {
					a = NULL;
					break; /* seen so before: no rewrite here */
				}
				if (like > best) {
					best = like;
					a = t;
				}
			}
			if (a)
				nat_between(out, &n, a, b, i, reverse, v);
		}
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

/* The other direction o held nothing but TCP resets. */
static bool only_resets(const struct dir_agg *o)
{
	return o->n_rst > 0 && o->n_other == 0;
}

/* Evidence that a direction reached the other side. */
static bool reached_other_side(const struct chain *c, const struct conv *cv,
                               const struct dir_agg *d, const struct dir_agg *o,
                               const struct route *path)
{
	const struct route *opath = dir_path(c, o);

	if (!opath)
		return false;
	if (only_resets(o))
		return false; /* refused: handled as a stop answered by a reset */
	if (opath->hop[0].point == path->hop[path->n - 1].point)
		return true; /* the answer came from where this direction ended */
	if (cv->proto == 6)
		return o->has_ack && d->has_first && (int32_t)(o->max_ack - d->first_seq) > 0;
	return true;
}

/* The other direction was nothing but resets: they answered this one. */
static void set_rst_answer(const struct dir_agg *o, struct chain_dir *out)
{
	out->has_answer = true;
	out->answer = (struct chain_answer){.kind = CHAIN_ANSWER_TCP_RST,
	                                    .from = o->rst_from,
	                                    .point = o->rst_point,
	                                    .packets = o->n_rst};
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
	if (only_resets(o))
		set_rst_answer(o, out);
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

/* Does the last point of a path own the destination it carried there: a
 * pod's own interface, or an interface of the node that holds the node
 * address? Then the packets were delivered, answered or not. */
static bool ends_at_owner(const struct chain *c, uint32_t point, const struct pp_addr *dst)
{
	const struct chain_point *p = &(*c->env.points)[point];
	const struct topo_iface *i;
	struct topo_addr_info info;

	if (!c->env.topo || !(i = topo_iface_by_point(c->env.topo, p->name)))
		return false;
	switch (topo_addr_classify(c->env.topo, dst, &info)) {
	case TOPO_ADDR_POD:
		return info.iface == i;
	case TOPO_ADDR_NODE:
		return !i->netns && info.node && strcmp(info.node, p->node) == 0;
	default:
		return false;
	}
}

static void copies_of(const struct dir_agg *d, struct chain_dir *out)
{
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
}

/* Adds packets not judged because `point` was not capturing. */
static void gap_add(struct chain_dir *out, uint64_t n, uint32_t point, uint8_t why)
{
	if (n == 0)
		return;
	if (!out->has_gap || n > out->gap.packets) {
		out->gap.point = point;
		out->gap.why = why;
	}
	out->has_gap = true;
	out->gap.packets += n;
}

/* Where an answer should have gone from the last point it shares with the
 * request's path: back the way the request came (-1 if unknown). */
static int64_t mirror_next(const struct chain *c, const struct dir_agg *o, const struct route *path)
{
	const struct route *req = dir_path(c, o);

	for (unsigned i = path->n; req && i-- > 0;) {
		for (unsigned j = 0; j < req->n; j++) {
			if (req->hop[j].point == path->hop[i].point)
				return j == 0 ? -1 : (int64_t)req->hop[j - 1].point;
		}
	}
	return -1;
}

/* A direction that never reached the other side ended at the path's last
 * point: stopped there, unless nothing says it should have gone further
 * (one-way traffic, multicast) or the next point was not capturing. With
 * no answer and no captured point it should have reached next (from other
 * packets, the topology, or the way its request came), the captures cannot
 * tell a stop there from a loss beyond: not judged. */
static void build_unreached(struct chain *c, const struct conv *cv, const struct dir_agg *d,
                            const struct dir_agg *o, struct route *path, int64_t next,
                            bool answered, struct chain_dir *out)
{
	const struct route_hop *last = &path->hop[path->n - 1];
	const struct pp_addr *dst = &flow_tuple(c->flows, last->tuple)->dst;
	int64_t routed;

	/* the route is worth showing even when other packets already tell
	 * the next point */
	routed = (int64_t)route_next(&c->env, last->point, dst, &out->stop);
	out->stop.expected_next = next >= 0 ? next : routed >= 0 ? routed : mirror_next(c, o, path);
	out->verdict = CHAIN_STOPPED;
	if (!answered && out->stop.expected_next < 0) {
		memset(&out->stop, 0, sizeof out->stop);
		out->verdict = CHAIN_NOT_JUDGED;
		return;
	}
	if (!answered && next >= 0) {
		struct loss_tally t;

		loss_judge(c, d, o, path, NULL, (uint32_t)next, &t);
		gap_add(out, t.gap, (uint32_t)next, t.why);
		if (t.stopped == 0) {
			out->verdict = CHAIN_DELIVERED; /* as far as the captures tell */
			return;
		}
	}
	out->has_stop = true;
	out->stop.after_hop = path->n - 1;
	for (uint32_t i = 0; i < d->nroutes; i++)
		stop_stats_add(&out->stop, d->routes[i], d->routes[i]->count);
	if (out->has_gap && out->stop.packets > out->gap.packets)
		out->stop.packets -= out->gap.packets;
	set_answer(c, d, o, out);
	if (last->tunnel)
		out->stop.tunnel_overhead = tunnel_overhead(match_tunnel(c->m, last->tunnel));
	(void)cv;
}

/* A delivered direction: the routes that ended before the path's end are
 * packets that did not get through, judged one route at a time. */
static void build_reached(struct chain *c, const struct dir_agg *d, const struct dir_agg *o,
                          struct route *path, struct chain_dir *out)
{
	uint64_t why_n[MATCH_MAX_HOPS] = {0}, rec_n[MATCH_MAX_HOPS] = {0};

	out->verdict = CHAIN_DELIVERED;
	for (uint32_t i = 0; i < d->nroutes; i++) {
		const struct route *r = d->routes[i];
		struct loss_tally t;
		int at;

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
		loss_judge(c, d, o, r, path, path->hop[at + 1].point, &t);
		gap_add(out, t.gap, path->hop[at + 1].point, t.why);
		rec_n[at] += t.recovered;
		if (t.stopped == 0)
			continue;
		why_n[at] += t.stopped;
		stop_stats_add(&out->stop, r, t.stopped);
	}
	for (unsigned i = 0; i + 1 < path->n; i++) {
		if (!rec_n[i])
			continue;
		if (!out->has_recovered || rec_n[i] > rec_n[out->recovered.after_hop]) {
			out->recovered.after_hop = i;
			out->recovered.expected_next = path->hop[i + 1].point;
		}
		out->has_recovered = true;
		out->recovered.packets += rec_n[i];
	}
	if (out->stop.packets == 0) {
		/* Refused where it ended: the endpoint's kernel answered every
		 * packet with a reset (no socket listens there). Delivered, and
		 * said so by the answer. */
		if (only_resets(o) && d->n_other > 0)
			set_rst_answer(o, out);
		return;
	}
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

static void build_dir(struct chain *c, const struct conv *cv, int k, struct chain_dir *out,
                      bool reverse)
{
	const struct dir_agg *d = &cv->d[k], *o = &cv->d[k ^ 1];
	struct route *path = dir_path(c, d);
	const struct route_hop *last;
	const struct pp_addr *dst;
	bool reached, answered = false;
	int64_t next = -1;

	if (!path)
		return;
	out->present = true;
	out->packets = d->pieces;
	out->unmatched = d->overflow; /* their path could not be told */
	copies_of(d, out);
	out->segments = d->segments;
	out->retransmissions = d->retrans;
	build_hops(c, d, path, out);
	build_nat(c, d, out, reverse);

	last = &path->hop[path->n - 1];
	dst = &flow_tuple(c->flows, last->tuple)->dst;
	reached = reached_other_side(c, cv, d, o, path) || ends_at_owner(c, last->point, dst);
	if (!reached) {
		answered = d->nans > 0 || only_resets(o);
		next = hint_find(&c->hints, last->point, dst);
		if (!answered && addr_is_group(dst)) {
			out->verdict = CHAIN_DELIVERED; /* multicast goes wherever it goes */
			return;
		}
		/* TCP and echo requests always expect an answer; other traffic
		 * may be one-way, and stopped only where other packets to that
		 * address went on */
		if (!answered && next < 0 && cv->proto != 6 && !d->echo_request)
			reached = true;
	}
	if (reached)
		build_reached(c, d, o, path, out);
	else
		build_unreached(c, cv, d, o, path, next, answered, out);
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

void chain_findings_add(struct chain_findings *f, const struct chain_conv *r)
{
	bool stopped = false, partial = false, nat = false, snat = false, lost = false;
	bool recovered = false, not_judged = false;

	for (int k = 0; k < 2; k++) {
		const struct chain_dir *d = &r->dir[k];

		if (!d->present)
			continue;
		stopped |= d->verdict == CHAIN_STOPPED;
		partial |= d->verdict == CHAIN_PARTIAL;
		not_judged |= d->verdict == CHAIN_NOT_JUDGED;
		lost |= d->has_lost;
		recovered |= d->has_recovered;
		nat |= d->nnat > 0;
		for (uint32_t n = 0; n < d->nnat; n++)
			snat |= d->nat[n].kind == CHAIN_SNAT && !d->nat[n].reverse;
	}
	f->conversations++;
	f->stopped += stopped;
	f->partial += partial && !stopped;
	f->not_judged += not_judged && !stopped && !partial;
	f->delivered += !stopped && !partial && !not_judged;
	f->client_ip_lost += lost;
	f->recovered_loss += recovered;
	f->nat += nat;
	f->snat += snat;
}

/* The conversation's findings are built with what is known now (paths of
 * the conversations seen so far, the capture spans so far), stored, and its
 * memory freed; later packets of its tuples start a new conversation. */
static void chain_conv_finish(struct chain *c, uint32_t ci)
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
	r.selected = cv->selected;
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
	for (int k = 0; k < 2; k++) {
		c->limits.routes += cv->d[k].overflow;
		c->limits.order += cv->d[k].ord.overflow;
		c->limits.points += cv->d[k].spilled;
	}
	chain_findings_add(&c->findings, &r);
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

/* Folding (chain.c) is the first step, findings (here) the second: the
 * folding hands every conversation that ended to chain_conv_finish(). */
struct chain *chain_new(struct flow_table *flows, const struct match *m, int64_t window_ns)
{
	return chain_fold_new(flows, m, window_ns, chain_conv_finish);
}

void chain_finish(struct chain *c, struct chain_result *out)
{
	chain_tick(c, INT64_MAX);
	for (uint32_t i = 0; i < c->nconv; i++) {
		if (c->conv[i] && c->conv[i]->shard != c->shard)
			chain_conv_drop(c, i); /* another shard's */
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
	out->limits = c->limits;
	out->limits.hops = match_stats(c->m)->hop_overflow;
	out->unmatched = c->unmatched;
	out->window_ns = c->window;
}

void chain_result_add(struct chain_result *r, const struct chain_conv *c)
{
	if (!r->store)
		r->store = chain_store_new();
	chain_store_add(r->store, c, (uint8_t)interest_of(c));
}

void chain_result_seal(struct chain_result *r)
{
	if (!r->store)
		r->store = chain_store_new();
	chain_store_seal(r->store);
	r->nconv = chain_store_count(r->store);
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
		free(r->points[i].quiet);
	}
	free(r->points);
	for (size_t i = 0; i < r->nnodes; i++)
		free(r->nodes[i].name);
	free(r->nodes);
	topo_free(r->topo);
	memset(r, 0, sizeof *r);
}
