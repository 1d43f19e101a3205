/* report_json_conv.c - one conversation of the JSON reports (schema
 * version 1, see pktpath(1)), written with json_writer: a large run is
 * mostly conversations, and a jansson tree per conversation cost as much
 * as the matching. The fields of the contract are a promise: only
 * ever extended, never renamed or dropped.
 */
#include <arpa/inet.h>

#include "report/json_writer.h"
#include "report/report.h"

static void w_addr(struct json_writer *w, const char *key, const struct pp_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	chain_format_addr(a, buf, sizeof buf);
	jw_kstring(w, key, buf);
}

static void w_port(struct json_writer *w, const char *key, bool has, uint16_t port)
{
	jw_key(w, key);
	if (has)
		jw_int(w, port);
	else
		jw_null(w);
}

static void w_endpoint(struct json_writer *w, const char *key, const struct chain_endpoint *e)
{
	char buf[INET6_ADDRSTRLEN + 8];

	chain_format_endpoint(&e->addr, e->port, e->has_port, buf, sizeof buf);
	jw_kstring(w, key, buf);
}

static void w_point(struct json_writer *w, const char *key, const struct chain_result *r, int64_t p)
{
	jw_key(w, key);
	if (p >= 0 && (size_t)p < r->npoints)
		jw_string(w, r->points[p].name);
	else
		jw_null(w);
}

static void w_string_or_null(struct json_writer *w, const char *key, const char *s)
{
	jw_key(w, key);
	if (s && s[0])
		jw_string(w, s);
	else
		jw_null(w);
}

/* "in" or "out" where a point sees the packet twice (a NodePort rewrite on
 * node1/eth0), else null: the hop's point name alone reads the same twice. */
static void w_hop_dir(struct json_writer *w, const char *key, const struct chain_hop *h)
{
	w_string_or_null(w, key, h->dir == PP_DIR_IN ? "in" : h->dir == PP_DIR_OUT ? "out" : NULL);
}

static bool is_echo(const struct pp_tuple *t)
{
	return (t->proto == 1 || t->proto == 58) && t->has_ports;
}

static void w_from_into(struct json_writer *w, const char *key, uint64_t from, uint64_t into)
{
	jw_key(w, key);
	jw_object_begin(w);
	jw_kint(w, "from", (int64_t)from);
	jw_kint(w, "into", (int64_t)into);
	jw_object_end(w);
}

static void w_hop(struct json_writer *w, const struct chain_result *r, const struct chain_hop *h)
{
	bool echo = is_echo(&h->tuple);

	jw_object_begin(w);
	jw_kstring(w, "point", r->points[h->point].name);
	w_hop_dir(w, "dir", h);
	jw_kint(w, "packets", (int64_t)h->packets);
	w_addr(w, "src", &h->tuple.src);
	w_port(w, "sport", h->tuple.has_ports, h->tuple.sport);
	w_addr(w, "dst", &h->tuple.dst);
	w_port(w, "dport", h->tuple.has_ports && !echo, h->tuple.dport);
	jw_kint(w, "ttl", h->ttl);
	jw_key(w, "latency_us_p50");
	if (h->has_latency)
		jw_real(w, h->latency_us_p50);
	else
		jw_null(w);
	if (h->has_tunnel) {
		static const char *const kinds[] = {"none", "vxlan", "geneve", "gre", "ipip"};

		jw_key(w, "encap");
		jw_object_begin(w);
		jw_kstring(w, "kind", kinds[h->tunnel.kind % 5]);
		jw_kint(w, "vni", h->tunnel.vni);
		w_addr(w, "outer_src", &h->tunnel.src);
		w_addr(w, "outer_dst", &h->tunnel.dst);
		jw_object_end(w);
	}
	if (h->split_into)
		w_from_into(w, "split", h->split_from, h->split_into);
	if (h->merged_into)
		w_from_into(w, "merged", h->merged_from, h->merged_into);
	jw_object_end(w);
}

static void w_time_or_null(struct json_writer *w, const char *key, int64_t ns, bool known)
{
	jw_key(w, key);
	if (known)
		jw_real(w, (double)ns / 1e9);
	else
		jw_null(w);
}

/* The exact twin of a *_ts number (report_iso_time). */
static void w_iso(struct json_writer *w, const char *key, int64_t ns, bool known)
{
	char buf[64];

	jw_key(w, key);
	if (known && report_iso_time(ns, buf, sizeof buf))
		jw_string(w, buf);
	else
		jw_null(w);
}

static void w_nat(struct json_writer *w, const struct chain_result *r, const struct chain_dir *d,
                  const struct chain_nat *n)
{
	jw_object_begin(w);
	jw_kstring(w, "kind", n->kind == CHAIN_DNAT ? "DNAT" : "SNAT");
	w_endpoint(w, "from", &n->from);
	w_endpoint(w, "to", &n->to);
	w_point(w, "after", r, d->hops[n->after_hop].point);
	w_point(w, "before", r, d->hops[n->before_hop].point);
	jw_kint(w, "after_hop", n->after_hop);
	jw_kint(w, "before_hop", n->before_hop);
	w_hop_dir(w, "after_dir", &d->hops[n->after_hop]);
	w_hop_dir(w, "before_dir", &d->hops[n->before_hop]);
	jw_key(w, "reverse");
	jw_bool(w, n->reverse);
	/* the packets that showed it: fewer than the direction's when the
	 * rewrite started or ended part-way */
	jw_kint(w, "packets", (int64_t)n->packets);
	w_time_or_null(w, "first_ts", n->packets ? n->first_ts : 0, n->packets > 0);
	w_time_or_null(w, "last_ts", n->packets ? n->last_ts : 0, n->packets > 0);
	w_iso(w, "first_time", n->first_ts, n->packets > 0);
	w_iso(w, "last_time", n->last_ts, n->packets > 0);
	jw_object_end(w);
}

static void w_stop(struct json_writer *w, const struct chain_result *r, const struct chain_dir *d)
{
	const struct chain_stop *s = &d->stop;

	jw_object_begin(w);
	w_point(w, "after", r, d->hops[s->after_hop].point);
	jw_kint(w, "after_hop", s->after_hop);
	w_hop_dir(w, "after_dir", &d->hops[s->after_hop]);
	w_point(w, "expected_next", r, s->expected_next);
	w_string_or_null(w, "expected_dev", s->expected_dev);
	w_string_or_null(w, "expected_route", s->expected_route);
	jw_kint(w, "packets", (int64_t)s->packets);
	jw_key(w, "ip_len");
	jw_object_begin(w);
	jw_kint(w, "min", s->len_min);
	jw_kint(w, "max", s->len_max);
	jw_object_end(w);
	jw_kint(w, "df", (int64_t)s->df);
	if (s->tcp_flags_or) {
		char f[16];

		chain_format_tcp_flags(s->tcp_flags_or, f, sizeof f);
		jw_kstring(w, "tcp_flags", f);
	}
	if (s->tunnel_overhead)
		jw_kint(w, "encap_overhead", s->tunnel_overhead);
	if (s->has_delivered_len) {
		jw_key(w, "delivered");
		jw_object_begin(w);
		jw_kint(w, "packets", (int64_t)s->delivered);
		jw_kint(w, "ip_len_min", s->delivered_len_min);
		jw_kint(w, "ip_len_max", s->delivered_len_max);
		jw_kint(w, "df", (int64_t)s->delivered_df);
		jw_object_end(w);
	}
	jw_object_end(w);
}

static void w_answer(struct json_writer *w, const struct chain_result *r,
                     const struct chain_conv *c, const struct chain_answer *a)
{
	jw_object_begin(w);
	if (a->kind == CHAIN_ANSWER_TCP_RST) {
		jw_kstring(w, "kind", "tcp_rst");
	} else {
		jw_kstring(w, "kind", "icmp");
		jw_kint(w, "type", a->type);
		jw_kint(w, "code", a->code);
		jw_kstring(w, "name", report_icmp_name(c->family, a->type, a->code));
		if (a->mtu)
			jw_kint(w, "mtu", a->mtu);
	}
	w_addr(w, "from", &a->from);
	w_point(w, "point", r, a->point);
	jw_kint(w, "packets", (int64_t)a->packets);
	jw_object_end(w);
}

static void w_lost(struct json_writer *w, const struct chain_result *r, const struct chain_dir *d)
{
	jw_object_begin(w);
	w_addr(w, "original", &d->lost.original);
	w_addr(w, "replaced_by", &d->lost.replaced_by);
	w_point(w, "after", r, d->hops[d->lost.after_hop].point);
	w_point(w, "before", r, d->hops[d->lost.before_hop].point);
	jw_kint(w, "after_hop", d->lost.after_hop);
	jw_kint(w, "before_hop", d->lost.before_hop);
	w_hop_dir(w, "after_dir", &d->hops[d->lost.after_hop]);
	w_hop_dir(w, "before_dir", &d->hops[d->lost.before_hop]);
	jw_object_end(w);
}

static void w_dir(struct json_writer *w, const struct chain_result *r, const struct chain_conv *c,
                  int k)
{
	const struct chain_dir *d = &c->dir[k];

	jw_object_begin(w);
	jw_kstring(w, "dir", k == CHAIN_FORWARD ? "forward" : "reverse");
	jw_kint(w, "packets", (int64_t)d->packets);
	jw_key(w, "path");
	jw_array_begin(w);
	for (uint32_t i = 0; i < d->nhops; i++)
		jw_string(w, r->points[d->hops[i].point].name);
	jw_array_end(w);
	jw_key(w, "hops");
	jw_array_begin(w);
	for (uint32_t i = 0; i < d->nhops; i++)
		w_hop(w, r, &d->hops[i]);
	jw_array_end(w);
	jw_key(w, "nat");
	jw_array_begin(w);
	for (uint32_t i = 0; i < d->nnat; i++)
		w_nat(w, r, d, &d->nat[i]);
	jw_array_end(w);
	jw_kstring(w, "verdict", chain_verdict_name(d->verdict));
	jw_key(w, "stopped");
	if (d->has_stop)
		w_stop(w, r, d);
	else
		jw_null(w);
	jw_key(w, "answered_by");
	if (d->has_answer)
		w_answer(w, r, c, &d->answer);
	else
		jw_null(w);
	jw_key(w, "client_ip_lost");
	if (d->has_lost)
		w_lost(w, r, d);
	else
		jw_null(w);
	jw_key(w, "recovered_loss");
	if (d->has_recovered) {
		jw_object_begin(w);
		jw_kint(w, "packets", (int64_t)d->recovered.packets);
		w_point(w, "after", r, d->hops[d->recovered.after_hop].point);
		jw_kint(w, "after_hop", d->recovered.after_hop);
		w_hop_dir(w, "after_dir", &d->hops[d->recovered.after_hop]);
		w_point(w, "expected_next", r, d->recovered.expected_next);
		jw_object_end(w);
	} else {
		jw_null(w);
	}
	jw_key(w, "capture_gap");
	if (d->has_gap) {
		jw_object_begin(w);
		jw_kint(w, "packets", (int64_t)d->gap.packets);
		w_point(w, "point", r, d->gap.point);
		jw_kstring(w, "why", chain_gap_name(d->gap.why));
		jw_object_end(w);
	} else {
		jw_null(w);
	}
	if (c->proto == 6) {
		jw_kint(w, "segments", (int64_t)d->segments);
		jw_kint(w, "retransmissions", (int64_t)d->retransmissions);
	}
	jw_kint(w, "unmatched", (int64_t)d->unmatched);
	jw_key(w, "copies");
	jw_array_begin(w);
	for (uint32_t i = 0; i < d->ncopies; i++) {
		jw_object_begin(w);
		jw_kstring(w, "point", r->points[d->copies[i].point].name);
		jw_kint(w, "packets", (int64_t)d->copies[i].packets);
		jw_object_end(w);
	}
	jw_array_end(w);
	jw_object_end(w);
}

void report_json_conv(struct json_writer *w, const struct chain_result *r,
                      const struct chain_conv *c, bool lines)
{
	bool echo = is_echo(&c->origin);

	jw_object_begin(w);
	jw_kint(w, "id", c->id);
	jw_kstring(w, "proto", chain_proto_name(c->proto));
	jw_key(w, "origin");
	jw_object_begin(w);
	w_addr(w, "src", &c->origin.src);
	w_port(w, "sport", c->origin.has_ports, c->origin.sport);
	w_addr(w, "dst", &c->origin.dst);
	w_port(w, "dport", c->origin.has_ports && !echo, c->origin.dport);
	jw_object_end(w);
	jw_key(w, "first_ts");
	jw_real(w, (double)c->first_ts / 1e9);
	jw_key(w, "last_ts");
	jw_real(w, (double)c->last_ts / 1e9);
	w_iso(w, "first_time", c->first_ts, true);
	w_iso(w, "last_time", c->last_ts, true);
	jw_key(w, "directions");
	jw_array_begin(w);
	for (int k = 0; k < 2; k++) {
		if (c->dir[k].present)
			w_dir(w, r, c, k);
	}
	jw_array_end(w);
	if (lines)
		jw_kstring(w, "type", "conversation");
	jw_object_end(w);
}
