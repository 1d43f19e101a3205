/* shard_merge.c - `pktpath merge`: shard results joined into one
 * (shard_merge.h), read back with result_load.c.
 *
 * A conversation is analysed by exactly one shard (chain.c decides when
 * it starts, the same in every shard), so the joined result holds each
 * conversation once. When a packet showed that two conversations of two
 * shards were one, both shards said so in their warnings; the joined
 * result keeps that warning once, and shows the two parts.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/htab.h"
#include "util/msg.h"
#include "report/result_load.h"
#include "report/shard_merge.h"
#include "topo/topo.h"

struct part {
	const char *path;
	uint32_t shard, nshards;
};

/* A kernel-drops gap and how many shards excused packets with it. */
struct drops_use {
	size_t point;
	int64_t from, to;
	unsigned shards;
};

struct merge {
	struct chain_result *out;
	struct part *parts;
	size_t nparts;
	bool have_head, have_counts;
	struct htab warned;  /* hash of a warning's level, file and message */
	struct htab origins; /* hash of a conversation's origin and first packet */
	uint64_t convs;      /* conversations of the result being read */
	uint64_t dropped;    /* warnings the results left out */
	unsigned input_errors;
	struct drops_use *drops;
	size_t ndrops;
};

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		msg_oom("merge", strlen(s) + 1);
	return d;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		msg_oom("merge", n * size);
	return p;
}

/* ---- the head: points and nodes, the same in every shard --------------------- */

static void take_head(struct merge *m, const struct result_head *h)
{
	struct chain_result *out = m->out;

	out->window_ns = h->window_ns;
	out->topo = topo_new();
	if (!out->topo)
		msg_oom("merge", 0);
	out->npoints = h->npoints;
	out->points = xcalloc(h->npoints, sizeof *out->points);
	for (size_t i = 0; i < h->npoints; i++) {
		const struct chain_point *s = &h->points[i];
		struct chain_point *p = &out->points[i];

		*p = *s;
		p->name = xstrdup(s->name);
		p->node = xstrdup(s->node);
		p->files = xcalloc(s->nfiles, sizeof *p->files);
		for (size_t f = 0; f < s->nfiles; f++)
			p->files[f] = xstrdup(s->files[f]);
		p->gaps = NULL;
		p->ngaps = p->capgaps = 0;
		p->quiet = NULL;
		p->nquiet = p->capquiet = 0;
		if (h->has_iface[i])
			topo_add_known_iface(out->topo, s->name, &h->ifaces[i]);
	}
	out->nnodes = h->nnodes;
	out->nodes = xcalloc(h->nnodes, sizeof *out->nodes);
	for (size_t i = 0; i < h->nnodes; i++) {
		out->nodes[i] = h->nodes[i];
		out->nodes[i].name = xstrdup(h->nodes[i].name);
	}
}

/* Is h the head of a shard of the same analysis as the first? */
static const char *same_head(const struct chain_result *out, const struct result_head *h)
{
	if (h->window_ns != out->window_ns)
		return "its --window differs";
	if (h->npoints != out->npoints || h->nnodes != out->nnodes)
		return "its points or nodes differ";
	for (size_t i = 0; i < h->nnodes; i++) {
		if (strcmp(h->nodes[i].name, out->nodes[i].name) ||
		    h->nodes[i].clock_offset != out->nodes[i].clock_offset)
			return "its nodes or clock offsets differ (give every shard the same "
			       "--clock)";
	}
	for (size_t i = 0; i < h->npoints; i++) {
		const struct chain_point *a = &h->points[i], *b = &out->points[i];

		if (strcmp(a->name, b->name) || a->packets != b->packets ||
		    a->first_ts != b->first_ts || a->last_ts != b->last_ts ||
		    a->nfiles != b->nfiles)
			return "its points differ (another set of captures?)";
		for (size_t f = 0; f < a->nfiles; f++) {
			if (strcmp(a->files[f], b->files[f]))
				return "its points read other files";
		}
	}
	return NULL;
}

/* The gaps a shard reported, added to the joined points': one gap is the
 * same in every shard that reported it, its packets not judged are each
 * shard's own. */
static void drops_used(struct merge *m, size_t point, const struct chain_gap *g)
{
	for (size_t i = 0; i < m->ndrops; i++) {
		if (m->drops[i].point == point && m->drops[i].from == g->from &&
		    m->drops[i].to == g->to) {
			m->drops[i].shards++;
			return;
		}
	}
	m->drops = realloc(m->drops, (m->ndrops + 1) * sizeof *m->drops);
	if (!m->drops)
		msg_oom("merge", (m->ndrops + 1) * sizeof *m->drops);
	m->drops[m->ndrops++] = (struct drops_use){point, g->from, g->to, 1};
}

static void add_gaps(struct merge *m, const struct result_head *h)
{
	for (size_t i = 0; i < h->npoints; i++) {
		struct chain_point *p = &m->out->points[i];

		for (size_t g = 0; g < h->points[i].ngaps; g++) {
			const struct chain_gap *s = &h->points[i].gaps[g];
			struct chain_gap *d = NULL;

			for (size_t k = 0; k < p->ngaps && !d; k++) {
				if (p->gaps[k].from == s->from && p->gaps[k].to == s->to &&
				    p->gaps[k].why == s->why)
					d = &p->gaps[k];
			}
			if (!d) {
				d = chain_point_gap(p, s->from, s->to, (enum chain_gap_why)s->why,
				                    s->packets);
				d->used = true;
			}
			d->excused += s->excused;
			if (s->excused && d->why == CHAIN_GAP_KERNEL_DROPS)
				drops_used(m, i, s);
		}
	}
}

static int on_head(void *arg, const char *path, const struct result_head *h)
{
	struct merge *m = arg;
	struct part *pt;
	const char *why;

	/* a result that is not a shard stands alone */
	if (m->nparts && (!h->nshards || !m->parts[0].nshards)) {
		msg_error(h->nshards ? m->parts[0].path : path,
		          "not a shard (pktpath --shard K/N): merge joins the shards of one "
		          "analysis");
		return -1;
	}
	if (m->nparts && h->nshards != m->parts[0].nshards) {
		msg_error(path, "a shard of %u, %s is a shard of %u", h->nshards, m->parts[0].path,
		          m->parts[0].nshards);
		return -1;
	}
	for (size_t i = 0; i < m->nparts && h->nshards; i++) {
		if (m->parts[i].nshards == h->nshards && m->parts[i].shard == h->shard) {
			msg_error(path, "shard %u of %u, which %s is too", h->shard + 1, h->nshards,
			          m->parts[i].path);
			return -1;
		}
	}
	m->parts = realloc(m->parts, (m->nparts + 1) * sizeof *m->parts);
	if (!m->parts)
		msg_oom("merge", (m->nparts + 1) * sizeof *m->parts);
	pt = &m->parts[m->nparts++];
	*pt = (struct part){path, h->shard, h->nshards};
	if (!m->have_head) {
		take_head(m, h);
		m->have_head = true;
	} else if ((why = same_head(m->out, h))) {
		msg_error(path, "not a shard of the analysis %s is from: %s", m->parts[0].path,
		          why);
		return -1;
	}
	add_gaps(m, h);
	m->convs = 0;
	return 0;
}

/* ---- conversations, addresses, warnings ------------------------------------------ */

static int on_conv(void *arg, const char *path, const struct chain_conv *c)
{
	struct merge *m = arg;
	struct {
		struct pp_tuple origin;
		int64_t first_ts;
	} key = {c->origin, c->first_ts};
	uint64_t h = htab_hash(&key, sizeof key, 0x636f6e76ULL);
	struct htab_iter it;
	uint32_t v;

	/* one conversation in two results: the same shard given twice, or
	 * results of two analyses */
	if (htab_first(&m->origins, h, &it, &v)) {
		char t[2 * INET6_ADDRSTRLEN + 40];

		chain_format_tuple(&c->origin, t, sizeof t);
		msg_error(path,
		          "conversation %s is also in %s: each conversation belongs to one "
		          "shard",
		          t, m->parts[v].path);
		return -1;
	}
	if (htab_put(&m->origins, h, (uint32_t)(m->nparts - 1)) < 0)
		msg_oom("merge", 0);
	chain_result_add(m->out, c);
	m->convs++;
	return 0;
}

static int on_address(void *arg, const struct pp_addr *a, const struct topo_known_addr *k)
{
	struct merge *m = arg;

	topo_add_known_addr(m->out->topo, a, k);
	return 0;
}

/* Every shard read every input and said the same about them: each
 * warning once, in the order the first shard gave them. */
static int on_warning(void *arg, bool error, const char *file, const char *message, uint64_t more)
{
	struct merge *m = arg;
	uint64_t h;
	struct htab_iter it;
	uint32_t v;

	if (more) {
		if (more > m->dropped)
			m->dropped = more;
		return 0;
	}
	h = htab_hash(message, strlen(message), error);
	if (file)
		h = htab_hash(file, strlen(file), h);
	if (htab_first(&m->warned, h, &it, &v))
		return 0;
	if (htab_put(&m->warned, h, 0) < 0)
		msg_oom("merge", 0);
	msg_log_add(error, file, message);
	m->input_errors += error;
	return 0;
}

static int on_summary(void *arg, const char *path, const struct result_summary *s)
{
	struct merge *m = arg;
	struct chain_result *out = m->out;
	struct chain_findings *f = &out->findings;

	if (m->convs != s->findings.conversations) {
		msg_error(path,
		          "%" PRIu64 " of its %zu conversations are in it (written with "
		          "--limit?): merge needs them all",
		          m->convs, s->findings.conversations);
		return -1;
	}
	if (!m->have_counts) {
		out->counts = s->counts;
		out->limits.hops = s->limits.hops;
		out->limits.interfaces = s->limits.interfaces;
		m->have_counts = true;
	} else if (memcmp(&out->counts, &s->counts, sizeof s->counts) != 0) {
		msg_error(path, "not a shard of the analysis %s is from: it counts other packets",
		          m->parts[0].path);
		return -1;
	}
	/* the matcher saw every packet in every shard: its limit once; the
	 * limits of conversations are each shard's own */
	out->limits.routes += s->limits.routes;
	out->limits.order += s->limits.order;
	out->limits.points += s->limits.points;
	out->unmatched += s->unmatched;
	f->conversations += s->findings.conversations;
	f->stopped += s->findings.stopped;
	f->partial += s->findings.partial;
	f->delivered += s->findings.delivered;
	f->client_ip_lost += s->findings.client_ip_lost;
	f->nat += s->findings.nat;
	f->snat += s->findings.snat;
	f->recovered_loss += s->findings.recovered_loss;
	f->not_judged += s->findings.not_judged;
	return 0;
}

/* ---- checks once everything is read ----------------------------------------------- */

/* The results are shards 1..N of N (on_head() refused a shard given twice,
 * shards of another N, and a result that is not a shard among others). */
static int complete(const struct merge *m)
{
	uint32_t n = m->parts[0].nshards;
	bool *seen;
	int rc = 0;

	if (n <= 1)
		return 0;
	seen = xcalloc(n, sizeof *seen);
	for (size_t i = 0; i < m->nparts; i++)
		seen[m->parts[i].shard] = true;
	for (uint32_t k = 0; k < n && rc == 0; k++) {
		if (!seen[k]) {
			msg_error("merge",
			          "shard %u of %u is missing: its conversations would be "
			          "left out",
			          k + 1, n);
			rc = -1;
		}
	}
	free(seen);
	return rc;
}

/* A capture's kernel drops excuse at most that many missing packets in one
 * run, taken by whichever conversations are judged first; shards each had
 * the whole allowance. */
static void drops_overspent(const struct merge *m)
{
	for (size_t i = 0; i < m->ndrops; i++) {
		const struct chain_point *p = &m->out->points[m->drops[i].point];

		for (size_t g = 0; g < p->ngaps && m->drops[i].shards > 1; g++) {
			const struct chain_gap *x = &p->gaps[g];

			if (x->why == CHAIN_GAP_KERNEL_DROPS && x->from == m->drops[i].from &&
			    x->to == m->drops[i].to && x->excused > x->packets)
				msg_warn(p->name,
				         "the capture dropped %" PRIu64 " packets and the shards "
				         "excused %" PRIu64
				         " missing packets with them: one run would "
				         "have judged some as stopped",
				         x->packets, x->excused);
		}
	}
}

int shard_merge(const struct pp_options *opt, struct chain_result *out)
{
	struct merge m = {.out = out};
	struct result_sink sink = {&m, on_head, on_conv, on_address, on_warning, on_summary};
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (htab_init(&m.warned, 64) < 0 || htab_init(&m.origins, 1024) < 0)
		msg_oom("merge", 0);
	for (size_t i = 0; i < opt->ninputs && rc == 0; i++)
		rc = result_load(opt->inputs[i], &sink);
	if (rc == 0)
		rc = complete(&m);
	if (rc == 0) {
		for (size_t i = 0; i < out->npoints; i++)
			chain_point_sort_gaps(&out->points[i]);
		drops_overspent(&m);
		if (m.dropped)
			msg_log_drop(m.dropped);
		topo_known_seal(out->topo);
		chain_result_seal(out);
		if (m.input_errors) {
			/* as the analysis would: exit status 2, what is wrong in the warnings */
			msg_info("merge", "the shards met %u input error%s (see their warnings)",
			         m.input_errors, m.input_errors == 1 ? "" : "s");
			rc = 1;
		}
	}
	htab_free(&m.warned);
	htab_free(&m.origins);
	free(m.parts);
	free(m.drops);
	if (rc < 0)
		chain_result_free(out);
	return rc;
}
