/* report_dot.c - a Graphviz picture: capture points grouped by node, one
 * edge per hop with its packet count and conversations, NAT on the edge
 * where it happens, stops in red (to the point that was expected next). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pktpath/report.h"

struct edge {
	int64_t from, to; /* point ids; to = -1: a stop with no known next point */
	bool stop;
	uint64_t packets;
	char label[256];  /* conversations and NAT, bounded */
};

struct edges {
	struct edge *v;
	size_t n, cap;
};

static struct edge *edge_get(struct edges *e, int64_t from, int64_t to, bool stop)
{
	for (size_t i = 0; i < e->n; i++) {
		if (e->v[i].from == from && e->v[i].to == to && e->v[i].stop == stop)
			return &e->v[i];
	}
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 32;
		e->v = realloc(e->v, e->cap * sizeof *e->v);
		if (!e->v)
			abort();
	}
	e->v[e->n] = (struct edge){.from = from, .to = to, .stop = stop};
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

static void label_add(struct edge *e, const char *text)
{
	size_t n = strlen(e->label);

	if (has_line(e->label, text))
		return;
	if (n + strlen(text) + 2 >= sizeof e->label - 4) {
		if (!strstr(e->label, "..."))
			strcat(e->label, "\\n...");
		return;
	}
	if (n)
		strcat(e->label, "\\n");
	strcat(e->label, text);
}

/* DOT strings: quotes and backslashes escaped. */
static void quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void collect(struct edges *e, const struct chain_result *r, const struct chain_conv *c,
		    int k)
{
	const struct chain_dir *d = &c->dir[k];
	char buf[1200], tag[32];

	if (!d->present)
		return;
	snprintf(tag, sizeof tag, "conv %u %s", c->id, k == CHAIN_FORWARD ? "fwd" : "rev");
	for (uint32_t i = 1; i < d->nhops; i++) {
		struct edge *x;

		if (d->hops[i].point == d->hops[i - 1].point)
			continue; /* in and out of one point: the NAT shows on the next edge */
		x = edge_get(e, d->hops[i - 1].point, d->hops[i].point, false);
		x->packets += d->hops[i].packets;
		label_add(x, tag);
	}
	for (uint32_t n = 0; n < d->nnat; n++) {
		uint32_t a = d->nat[n].after_hop, b = d->nat[n].before_hop;
		struct edge *x;

		while (b + 1 < d->nhops && d->hops[b].point == d->hops[a].point)
			b++;
		x = edge_get(e, d->hops[a].point, d->hops[b].point, false);
		report_nat_sentence(r, d, &d->nat[n], buf, sizeof buf);
		*strstr(buf, " between") = '\0';
		label_add(x, buf);
	}
	if (d->has_stop) {
		struct edge *x = edge_get(e, d->hops[d->stop.after_hop].point, d->stop.expected_next,
					  true);

		x->packets += d->stop.packets;
		snprintf(buf, sizeof buf, "%s stopped", tag);
		label_add(x, buf);
	}
}

int report_dot(FILE *out, const struct report_view *v)
{
	const struct chain_result *r = v->r;
	struct edges e = {0};
	bool dropped = false;

	for (size_t i = 0; i < v->nconv; i++) {
		collect(&e, r, v->conv[i], CHAIN_FORWARD);
		collect(&e, r, v->conv[i], CHAIN_REVERSE);
	}
	fputs("digraph pktpath {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n"
	      "  edge [fontname=\"monospace\", fontsize=10];\n",
	      out);
	for (size_t n = 0; n < r->nnodes; n++) {
		fprintf(out, "  subgraph cluster_%zu {\n    label=", n);
		quoted(out, r->nodes[n].name);
		fputs(";\n", out);
		for (size_t p = 0; p < r->npoints; p++) {
			if (r->points[p].node_id != n)
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
		snprintf(head, sizeof head, "%" PRIu64 " pkts\\n", x->packets);
		fprintf(out, " [label=\"%s%s\"%s];\n", head, x->label,
			x->stop ? ", color=red, fontcolor=red, style=dashed" : "");
	}
	if (dropped)
		fputs("  \"(stopped)\" [shape=octagon, color=red, fontcolor=red];\n", out);
	fputs("}\n", out);
	free(e.v);
	return ferror(out) ? -1 : 0;
}
