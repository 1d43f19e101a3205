/* report_dot.c - a Graphviz picture: the capture points that carried the
 * reported conversations, grouped by node; one edge per pair of points with
 * the packets each way and the conversations; the rewrites on the edge where
 * they happen (the forward ones: a reply's reverse rewrite mirrors them);
 * stops in red, towards the point that was expected next. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pktpath/escape.h"
#include "pktpath/msg.h"
#include "pktpath/report.h"

struct edge {
	int64_t from, to; /* point ids; to = -1: a stop with no known next point */
	bool stop;
	uint64_t fwd, rev; /* packets from -> to, and to -> from */
	char label[256];   /* conversations and NAT, bounded */
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
	e->v[e->n] = (struct edge){.from = a, .to = b, .stop = stop};
	return &e->v[e->n++];
}

/* Whether text is already one of the label's lines (separated by "\\n"). */
static bool has_line(const char *label, const char *text)
{
	size_t len = strlen(text);

	for (const char *p = label; (p = strstr(p, text)); p++) {
		bool starts = p == label || (p >= label + 2 && p[-2] == '\\' && p[-1] == 'n');
		bool ends = p[len] == '\0' || (p[len] == '\\' && p[len + 1] == 'n');

		if (starts && ends)
			return true;
	}
	return false;
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

static void label_add(struct edge *e, const char *raw)
{
	size_t n = strlen(e->label);
	char text[256];

	dot_text(text, sizeof text, raw);

	if (has_line(e->label, text))
		return;
	if (n + strlen(text) + 2 >= sizeof e->label - 6) {
		if (!strstr(e->label, "..."))
			strcat(e->label, "\\n...");
		return;
	}
	if (n)
		strcat(e->label, "\\n");
	strcat(e->label, text);
}

static void quoted(FILE *out, const char *s)
{
	char buf[2048];

	dot_text(buf, sizeof buf, s);
	fprintf(out, "\"%s\"", buf);
}

static void mark(struct edges *e, int64_t p)
{
	if (p >= 0)
		e->used[p] = true;
}

static void collect(struct edges *e, const struct chain_result *r, const struct chain_conv *c,
                    int k)
{
	const struct chain_dir *d = &c->dir[k];
	char buf[1200], tag[32];
	bool back;

	if (!d->present)
		return;
	snprintf(tag, sizeof tag, "conv %u", c->id);
	for (uint32_t i = 1; i < d->nhops; i++) {
		struct edge *x;

		if (d->hops[i].point == d->hops[i - 1].point)
			continue; /* in and out of one point: shown on the next edge */
		x = edge_get(e, d->hops[i - 1].point, d->hops[i].point, false, &back);
		*(back ? &x->rev : &x->fwd) += d->hops[i].packets;
		label_add(x, tag);
		mark(e, d->hops[i - 1].point);
		mark(e, d->hops[i].point);
	}
	if (d->nhops == 1)
		mark(e, d->hops[0].point);
	for (uint32_t n = 0; n < d->nnat; n++) {
		uint32_t a = d->nat[n].after_hop, b = d->nat[n].before_hop;
		struct edge *x;

		if (d->nat[n].reverse)
			continue;
		while (b + 1 < d->nhops && d->hops[b].point == d->hops[a].point)
			b++;
		if (d->hops[a].point == d->hops[b].point)
			continue; /* in and out of the path's last point: no edge */
		x = edge_get(e, d->hops[a].point, d->hops[b].point, false, &back);
		report_nat_sentence(r, d, &d->nat[n], buf, sizeof buf);
		*strstr(buf, " between") = '\0';
		label_add(x, buf);
	}
	if (d->has_stop) {
		struct edge *x = edge_get(e, d->hops[d->stop.after_hop].point,
		                          d->stop.expected_next, true, &back);

		x->fwd += d->stop.packets;
		snprintf(buf, sizeof buf, "%s %s stopped", tag, k == CHAIN_FORWARD ? "fwd" : "rev");
		label_add(x, buf);
		mark(e, d->stop.expected_next);
	}
}

int report_dot(FILE *out, const struct report_view *v)
{
	const struct chain_result *r = v->r;
	struct edges e = {0};
	bool dropped = false;

	e.used = calloc(r->npoints ? r->npoints : 1, sizeof *e.used);
	if (!e.used)
		msg_oom("DOT points", (r->npoints ? r->npoints : 1) * sizeof *e.used);
	for (size_t i = 0; i < v->nconv; i++) {
		if (report_is_noise(report_conv(v, i)))
			continue;
		collect(&e, r, report_conv(v, i), CHAIN_FORWARD);
		collect(&e, r, report_conv(v, i), CHAIN_REVERSE);
	}
	fputs("digraph pktpath {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n"
	      "  edge [fontname=\"monospace\", fontsize=10];\n",
	      out);
	for (size_t n = 0; n < r->nnodes; n++) {
		bool any = false;

		for (size_t p = 0; p < r->npoints; p++)
			any |= r->points[p].node_id == n && e.used[p];
		if (!any)
			continue;
		fprintf(out, "  subgraph cluster_%zu {\n    label=", n);
		quoted(out, r->nodes[n].name);
		fputs(";\n", out);
		for (size_t p = 0; p < r->npoints; p++) {
			if (r->points[p].node_id != n || !e.used[p])
				continue;
			fputs("    ", out);
			quoted(out, r->points[p].name);
			fputs(";\n", out);
		}
		fputs("  }\n", out);
	}
	for (size_t i = 0; i < e.n; i++) {
		const struct edge *x = &e.v[i];
		char head[64];

		fputs("  ", out);
		quoted(out, r->points[x->from].name);
		fputs(" -> ", out);
		if (x->to >= 0) {
			quoted(out, r->points[x->to].name);
		} else {
			fputs("\"(stopped)\"", out);
			dropped = true;
		}
		if (x->stop)
			snprintf(head, sizeof head, "%" PRIu64 " pkts\\n", x->fwd);
		else if (x->rev)
			snprintf(head, sizeof head, "%" PRIu64 " pkts, %" PRIu64 " back\\n", x->fwd,
			         x->rev);
		else
			snprintf(head, sizeof head, "%" PRIu64 " pkts\\n", x->fwd);
		fprintf(out, " [label=\"%s%s\"%s];\n", head, x->label,
		        x->stop  ? ", color=red, fontcolor=red, style=dashed"
		        : x->rev ? ", dir=both"
		                 : "");
	}
	if (dropped)
		fputs("  \"(stopped)\" [shape=octagon, color=red, fontcolor=red];\n", out);
	fputs("}\n", out);
	free(e.v);
	free(e.used);
	return ferror(out) ? -1 : 0;
}
