/* report_dot.c - a Graphviz picture that fits a ticket: the capture points
 * that carried the reported conversations, one cluster per node, laid out
 * top to bottom (a path of ten points is a column, not a 4000-pixel line).
 *
 * One edge per pair of points, with the packets each way and the
 * conversations (listed up to three, counted beyond); the forward rewrites
 * on the edge where they happened (a reply's reverse rewrite mirrors
 * them); a point crossed in and then out (a NodePort rewrite on eth0) as a
 * loop on that point, with its rewrites; the hop where the client's address
 * was lost drawn bold and orange; a stop as a red dashed edge to a "not
 * seen at X" box, never to X itself, so that it cannot be taken for an
 * arrival.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/escape.h"
#include "util/msg.h"
#include "report/report.h"

#define LIST_CONVS 3 /* conversation ids named on an edge; more are counted */
#define LIST_NATS  3 /* rewrites named on an edge; more are summed up per kind */
#define DISTINCT   8 /* values told apart per side of a summed-up rewrite */
#define TEXT_LEN   192
#define EP_LEN     (INET6_ADDRSTRLEN + 8)

/* Distinct values seen, up to DISTINCT of them (then "8+"). */
struct distinct {
	char v[DISTINCT][EP_LEN];
	size_t n;
	bool more;
};

/* The rewrites of one kind on an edge, summed up: how many, and what
 * their sides were ("DNAT in 115 conversations: 192.168.13.23:80 -> 8
 * addresses"). */
struct nat_sum {
	size_t count;
	struct distinct from_ep, from_addr, to_ep, to_addr;
};

struct edge {
	int64_t from, to; /* point ids; a stop's `to` is its expected point, -1 unknown */
	bool stop;
	uint64_t fwd, rev; /* packets from -> to, and to -> from */
	uint32_t conv[LIST_CONVS];
	size_t nconv;
	uint32_t last_conv; /* the conversation counted last, to count each once */
	char nat[LIST_NATS][TEXT_LEN];
	size_t nnat, more_nat;
	struct nat_sum sum[2]; /* CHAIN_DNAT, CHAIN_SNAT */
	char lost[TEXT_LEN];   /* the client's address lost on this hop, or "" */
	size_t nlost;          /* conversations that lost it here */
	bool stop_partial;     /* a stop of a direction whose other packets arrived */
	unsigned stop_dirs;    /* 1 << CHAIN_FORWARD, 1 << CHAIN_REVERSE: whose stops */
};

struct edges {
	struct edge *v;
	size_t n, cap;
	bool *used; /* per point: on some edge */
};

/* The edge between a and b whichever way it was first drawn; *back tells
 * that it points from b to a. */
static struct edge *edge_get(struct edges *e, int64_t a, int64_t b, bool stop, bool *back)
{
	for (size_t i = 0; i < e->n; i++) {
		struct edge *x = &e->v[i];

		if (x->stop != stop)
			continue;
		if (x->from == a && x->to == b) {
			*back = false;
			return x;
		}
		if (!stop && x->from == b && x->to == a) {
			*back = true;
			return x;
		}
	}
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 32;
		e->v = realloc(e->v, e->cap * sizeof *e->v);
		if (!e->v)
			msg_oom("DOT edges", e->cap * sizeof *e->v);
	}
	*back = false;
	e->v[e->n] = (struct edge){.from = a, .to = b, .stop = stop, .last_conv = UINT32_MAX};
	return &e->v[e->n++];
}

static void edge_conv(struct edge *x, uint32_t id)
{
	if (x->last_conv == id)
		return;
	x->last_conv = id;
	if (x->nconv < LIST_CONVS)
		x->conv[x->nconv] = id;
	x->nconv++;
}

static void distinct_add(struct distinct *d, const char *v)
{
	for (size_t i = 0; i < d->n; i++) {
		if (strcmp(d->v[i], v) == 0)
			return;
	}
	if (d->n < DISTINCT)
		snprintf(d->v[d->n++], EP_LEN, "%s", v);
	else
		d->more = true;
}

static void sum_side(struct distinct *ep, struct distinct *addr, const struct chain_endpoint *e)
{
	char buf[EP_LEN];

	chain_format_endpoint(&e->addr, e->port, e->has_port, buf, sizeof buf);
	distinct_add(ep, buf);
	chain_format_addr(&e->addr, buf, sizeof buf);
	distinct_add(addr, buf);
}

static void edge_nat(struct edge *x, const struct chain_nat *n, const char *text)
{
	struct nat_sum *sm = &x->sum[n->kind == CHAIN_SNAT];
	bool known = false;

	sm->count++;
	sum_side(&sm->from_ep, &sm->from_addr, &n->from);
	sum_side(&sm->to_ep, &sm->to_addr, &n->to);
	for (size_t i = 0; i < x->nnat && i < LIST_NATS; i++)
		known |= strcmp(x->nat[i], text) == 0;
	if (known)
		return;
	if (x->nnat < LIST_NATS)
		snprintf(x->nat[x->nnat++], TEXT_LEN, "%s", text);
	else
		x->more_nat++;
}

/* One side of summed-up rewrites: the value when there is one, else how
 * many addresses. */
static void side_text(const struct distinct *ep, const struct distinct *addr, char *buf, size_t len)
{
	if (ep->n == 1 && !ep->more)
		snprintf(buf, len, "%s", ep->v[0]);
	else if (addr->n == 1 && !addr->more)
		snprintf(buf, len, "%s (%s%zu ports)", addr->v[0], ep->more ? "over " : "", ep->n);
	else
		snprintf(buf, len, "%s%zu addresses", addr->more ? "over " : "", addr->n);
}

/* Text for a DOT string: escaped for people (escape.h: no control byte,
 * valid UTF-8, so dot -Tsvg writes valid XML), then " and \ escaped for
 * DOT. */
static void dot_text(char *out, size_t len, const char *s)
{
	char buf[1024];
	size_t o = 0;

	/* at most half of out: doubling a backslash never cuts a character */
	esc_text(buf, len / 2 < sizeof buf ? len / 2 : sizeof buf, s);
	for (const char *p = buf; *p; p++) {
		if (*p == '"' || *p == '\\')
			out[o++] = '\\';
		out[o++] = *p;
	}
	out[o] = '\0';
}

static void quoted(FILE *out, const char *s)
{
	char buf[2048];

	dot_text(buf, sizeof buf, s);
	fprintf(out, "\"%s\"", buf);
}

/* One line of a label (escaped), after a line break unless it is the first. */
static void label_line(FILE *out, const char *s, bool *first)
{
	char buf[4 * TEXT_LEN + 8];

	dot_text(buf, sizeof buf, s);
	fprintf(out, "%s%s", *first ? "" : "\\n", buf);
	*first = false;
}

static void mark(struct edges *e, const struct chain_result *r, int64_t p)
{
	if (p >= 0 && (size_t)p < r->npoints)
		e->used[p] = true;
}

/* "DNAT 192.168.13.23:80 -> 172.23.96.163:80": short, the report says more. */
static void nat_text(const struct chain_nat *n, char *buf, size_t len)
{
	char from[INET6_ADDRSTRLEN + 8], to[INET6_ADDRSTRLEN + 8];

	chain_format_endpoint(&n->from.addr, n->from.port, n->from.has_port, from, sizeof from);
	chain_format_endpoint(&n->to.addr, n->to.port, n->to.has_port, to, sizeof to);
	snprintf(buf, len, "%s %s -> %s", n->kind == CHAIN_DNAT ? "DNAT" : "SNAT", from, to);
}

/* The edge a hop arrives by: from the previous hop's point (a loop when
 * the point is crossed in and then out). */
static struct edge *hop_edge(struct edges *e, const struct chain_dir *d, uint32_t i)
{
	bool back;

	return edge_get(e, d->hops[i - 1].point, d->hops[i].point, false, &back);
}

static void collect(struct edges *e, const struct chain_result *r, const struct chain_conv *c,
                    int k)
{
	const struct chain_dir *d = &c->dir[k];
	char buf[TEXT_LEN];
	bool back;

	if (!d->present)
		return;
	for (uint32_t i = 1; i < d->nhops; i++) {
		struct edge *x = edge_get(e, d->hops[i - 1].point, d->hops[i].point, false, &back);

		*(back ? &x->rev : &x->fwd) += d->hops[i].packets;
		edge_conv(x, c->id);
		mark(e, r, d->hops[i - 1].point);
		mark(e, r, d->hops[i].point);
	}
	if (d->nhops == 1)
		mark(e, r, d->hops[0].point);
	for (uint32_t n = 0; n < d->nnat; n++) {
		uint32_t b = d->nat[n].before_hop;

		if (d->nat[n].reverse || b == 0 || b >= d->nhops)
			continue;
		nat_text(&d->nat[n], buf, sizeof buf);
		edge_nat(hop_edge(e, d, b), &d->nat[n], buf);
	}
	if (d->has_lost && d->lost.before_hop > 0 && d->lost.before_hop < d->nhops) {
		struct edge *x = hop_edge(e, d, d->lost.before_hop);
		char a[INET6_ADDRSTRLEN];

		chain_format_addr(&d->lost.original, a, sizeof a);
		if (x->nlost++ == 0)
			snprintf(x->lost, sizeof x->lost, "client IP %s lost here", a);
		else
			snprintf(x->lost, sizeof x->lost, "client IP lost here (%zu conversations)",
			         x->nlost);
	}
	if (d->has_stop) {
		struct edge *x = edge_get(e, d->hops[d->stop.after_hop].point,
		                          d->stop.expected_next, true, &back);

		x->fwd += d->stop.packets;
		x->stop_partial |= d->verdict == CHAIN_PARTIAL;
		x->stop_dirs |= 1u << k;
		edge_conv(x, c->id);
		mark(e, r, d->hops[d->stop.after_hop].point);
	}
}

/* A point's box: its name without its node (the cluster says that). */
static void point_node(FILE *out, const struct chain_result *r, size_t p)
{
	const char *name = r->points[p].name, *node = r->points[p].node;
	size_t nl = strlen(node);
	char label[2048];

	fputs("    ", out);
	quoted(out, name);
	if (strncmp(name, node, nl) == 0 && name[nl] == '/' && name[nl + 1])
		name += nl + 1;
	dot_text(label, sizeof label, name);
	fprintf(out, " [label=\"%s\"];\n", label);
}

/* The box a stop points to: "not seen at X" (or "not seen further"). */
static void stop_target(FILE *out, const struct chain_result *r, int64_t to)
{
	char id[1100];

	snprintf(id, sizeof id, "not seen at %s",
	         to >= 0 ? report_point_name(r, to) : "a next point");
	quoted(out, id);
}

static void edge_label(FILE *out, const struct edge *x)
{
	char line[TEXT_LEN];
	size_t at = 0;
	bool first = true;

	if (x->stop)
		snprintf(line, sizeof line, "%" PRIu64 " pkts %s%s", x->fwd,
		         x->stop_partial ? "partly stopped" : "stopped",
		         x->stop_dirs == 1u << CHAIN_REVERSE ? " (replies)" : "");
	else if (x->from == x->to)
		snprintf(line, sizeof line, "%" PRIu64 " pkts in, then out", x->fwd + x->rev);
	else if (x->rev)
		snprintf(line, sizeof line, "%" PRIu64 " pkts, %" PRIu64 " back", x->fwd, x->rev);
	else
		snprintf(line, sizeof line, "%" PRIu64 " pkts", x->fwd);
	label_line(out, line, &first);
	if (x->nconv > LIST_CONVS) {
		snprintf(line, sizeof line, "%zu conversations", x->nconv);
	} else {
		for (size_t i = 0; i < x->nconv; i++)
			at += (size_t)snprintf(line + at, sizeof line - at, "%sconv %u",
			                       i ? ", " : "", x->conv[i]);
	}
	label_line(out, line, &first);
	for (size_t i = 0; i < x->nnat && !x->more_nat; i++)
		label_line(out, x->nat[i], &first);
	for (int k = 0; k < 2 && x->more_nat; k++) {
		const struct nat_sum *sm = &x->sum[k];
		char from[TEXT_LEN / 2], to[TEXT_LEN / 2], sum[2 * TEXT_LEN];

		if (!sm->count)
			continue;
		side_text(&sm->from_ep, &sm->from_addr, from, sizeof from);
		side_text(&sm->to_ep, &sm->to_addr, to, sizeof to);
		snprintf(sum, sizeof sum, "%s in %zu conversations: %s -> %s", k ? "SNAT" : "DNAT",
		         sm->count, from, to);
		label_line(out, sum, &first);
	}
	if (x->lost[0])
		label_line(out, x->lost, &first);
}

static void print_clusters(FILE *out, const struct chain_result *r, const struct edges *e)
{
	for (size_t n = 0; n < r->nnodes; n++) {
		bool any = false;

		for (size_t p = 0; p < r->npoints; p++)
			any |= r->points[p].node_id == n && e->used[p];
		if (!any)
			continue;
		fprintf(out, "  subgraph cluster_%zu {\n    label=", n);
		quoted(out, r->nodes[n].name);
		fputs(";\n", out);
		for (size_t p = 0; p < r->npoints; p++) {
			if (r->points[p].node_id == n && e->used[p])
				point_node(out, r, p);
		}
		fputs("  }\n", out);
	}
}

static void print_edges(FILE *out, const struct chain_result *r, const struct edges *e)
{
	for (size_t i = 0; i < e->n; i++) {
		const struct edge *x = &e->v[i];

		fputs("  ", out);
		quoted(out, r->points[x->from].name);
		fputs(" -> ", out);
		if (x->stop)
			stop_target(out, r, x->to);
		else
			quoted(out, r->points[x->to].name);
		fputs(" [label=\"", out);
		edge_label(out, x);
		fputs("\"", out);
		if (x->stop)
			fputs(", color=red, fontcolor=red, style=dashed", out);
		else if (x->lost[0])
			fputs(", color=darkorange, fontcolor=darkorange, penwidth=2.5", out);
		if (!x->stop && x->rev && x->from != x->to)
			fputs(", dir=both", out);
		fputs("];\n", out);
	}
	/* the stop boxes, once each */
	for (size_t i = 0; i < e->n; i++) {
		bool first = e->v[i].stop;

		for (size_t j = 0; j < i && first; j++)
			first = !(e->v[j].stop && e->v[j].to == e->v[i].to);
		if (!first)
			continue;
		fputs("  ", out);
		stop_target(out, r, e->v[i].to);
		fputs(" [shape=octagon, style=dashed, color=red, fontcolor=red];\n", out);
	}
}

int report_dot(FILE *out, const struct report_view *v)
{
	const struct chain_result *r = v->r;
	struct edges e = {0};
	size_t shown = 0;

	e.used = calloc(r->npoints ? r->npoints : 1, sizeof *e.used);
	if (!e.used)
		msg_oom("DOT points", (r->npoints ? r->npoints : 1) * sizeof *e.used);
	for (size_t i = 0; i < v->nconv; i++) {
		if (report_is_noise(report_conv(v, i)))
			continue;
		shown++;
		collect(&e, r, report_conv(v, i), CHAIN_FORWARD);
		collect(&e, r, report_conv(v, i), CHAIN_REVERSE);
	}
	fprintf(out,
	        "digraph pktpath {\n  rankdir=TB;\n  nodesep=0.3;\n  ranksep=0.35;\n"
	        "  label=\"%zu conversation%s\";\n  labelloc=t;\n  fontname=\"monospace\";\n"
	        "  node [shape=box, style=rounded, fontname=\"monospace\", fontsize=11];\n"
	        "  edge [fontname=\"monospace\", fontsize=9];\n",
	        shown, shown == 1 ? "" : "s");
	print_clusters(out, r, &e);
	print_edges(out, r, &e);
	fputs("}\n", out);
	free(e.v);
	free(e.used);
	return ferror(out) ? -1 : 0;
}
