/* analysis.c - the pipeline: expand inputs, estimate clocks, then stream every
 * input through decode and matching in corrected time order.
 *
 * Clocks are estimated first, from a sample of each input, so that the
 * strict matching window can be small even when node clocks are a minute
 * apart. The second pass merges all inputs by corrected timestamp (a heap
 * over one lookahead observation per input) on a reader thread, while the
 * calling thread matches and folds: an identity is complete as soon as the
 * stream is a window past it, and a conversation once it ended, so memory
 * follows the window and the live conversations, not the captures' length.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "cli/analysis.h"
#include "capture/capture.h"
#include "match/clock.h"
#include "decode/decode.h"
#include "match/flow.h"
#include "match/match.h"
#include "match/merge.h"
#include "util/msg.h"
#include "chain/point.h"
#include "report/report.h"
#include "report/report_pcapng.h"
#include "topo/topo.h"

/* Packets read per input to sample clock offsets. */
#define CLOCK_SAMPLE_PACKETS 50000
/* How often (in observations) pending segment groups are completed. */
#define TICK_EVERY 1024

struct source {
	struct merge_key key; /* first: the merge heap points at it */
	uint32_t input;
	const struct capture_input *in;
	struct capture *cap;
	struct pp_counts *counts; /* one per file */
	uint32_t node;
	int64_t offset;
	uint32_t base_point;
	struct pp_obs next;
	bool has_next;
	size_t file;   /* of the last frame read; SIZE_MAX before the first */
	bool said_sll; /* that an old-SLL "any" capture mixes its interfaces */
	bool said_ifn; /* that ifN names want a topology */
};

/* What the topology says about a point, looked up once per point. */
struct point_topo {
	bool looked_up;
	bool bridge; /* a bridge device: it receives copies of bridged frames */
	uint8_t mac[6];
};

/* What the analysis saw of an input so far (corrected times). */
struct input_seen {
	bool any;
	int64_t first, last;
	uint64_t drops;             /* what its pcapng files say they lost */
	int64_t drop_from, drop_to; /* raw clock */
};

struct run {
	const struct pp_options *opt;
	struct input_seen *seen; /* per input */
	struct capture_inputs inputs;
	struct point_reg points;
	struct topo *topo;
	struct point_topo *ptopo;
	size_t nptopo;
	struct decode_cfg dcfg;
	struct source *src;
	size_t nsrc;
	struct clock_est *clock;
	struct flow_table flows;
	struct match *match;
	struct chain *chain;
	struct pcapng_notes *notes; /* --write-pcapng */
	char node_list[512];        /* "the nodes are node1, node2", for messages */
};

static void decode_cfg_from_options(struct decode_cfg *cfg, const struct pp_options *opt)
{
	decode_cfg_default(cfg);
	for (size_t i = 0; i < opt->ntunnel_ports && cfg->nports < DECODE_MAX_UDP_TUNNEL_PORTS;
	     i++) {
		cfg->port[cfg->nports] = opt->tunnel_ports[i];
		cfg->kind[cfg->nports] = opt->tunnel_kinds[i];
		cfg->nports++;
	}
}

/* A point's clock, from its node's estimate: known before the stream
 * starts, as stops are judged while it goes on. */
static void point_clock(struct run *r, uint32_t p)
{
	struct chain_point *pt = &r->points.v[p];
	const struct clock_node_result *c = clock_result(r->clock, pt->node_id);

	pt->clock_offset = c->offset_ns;
	pt->clock_estimated = c->estimated;
	pt->clock_manual = c->manual;
	pt->clock_via = c->via;
	pt->clock_pairs_to = c->pairs_to;
	pt->clock_pairs_from = c->pairs_from;
	pt->clock_error = c->error_ns;
}

/* The point a decoded packet belongs to: one per interface for inputs that
 * carry interface identities. */
static uint32_t assign_point(struct run *r, struct source *s, const struct capture_frame *f,
                             const struct pp_obs *o)
{
	uint32_t ifkey;
	const char *ifname = NULL;
	char name[512];
	uint32_t p;

	if (o->ifindex != UINT32_MAX) {
		ifkey = o->ifindex & ~POINT_PCAPNG_IF;
	} else if (f->ifindex != CAPTURE_NO_IFINDEX && capture_iface_count(s->cap, f->file) > 1) {
		ifkey = POINT_PCAPNG_IF | f->ifindex;
		ifname = capture_iface_name(s->cap, f->file, f->ifindex);
	} else {
		return s->base_point;
	}
	p = point_find(&r->points, s->input, ifkey);
	if (p != UINT32_MAX)
		return p;
	if (!ifname && o->ifindex != UINT32_MAX) {
		/* SLL2: the capturing node's snapshot names its ifindexes */
		const struct topo_iface *i = topo_iface_by_index(r->topo, s->in->node, o->ifindex);

		if (i)
			ifname = i->name;
	}
	if (ifname)
		snprintf(name, sizeof name, "%s/%s", s->in->node, ifname);
	else
		snprintf(name, sizeof name, "%s/if%u", s->in->node, ifkey & ~POINT_PCAPNG_IF);
	if (!ifname && o->ifindex != UINT32_MAX && !s->said_ifn &&
	    !topo_has_node(r->topo, s->in->node)) {
		s->said_ifn = true;
		msg_warn(s->in->point,
		         "interfaces are named by their index (%s, ...): give the node's topology "
		         "to name them (--topology %s=FILE, from 'pktpath snapshot' or 'ip -j' on "
		         "that node, or its snapshot.json in a bundle)",
		         name, s->in->node);
	}
	p = point_get(&r->points, s->input, ifkey, name, s->in->node, s->in->files, s->in->nfiles);
	point_clock(r, p);
	return p;
}

static const struct point_topo *point_topo(struct run *r, uint32_t p)
{
	struct point_topo *pt;

	if (p >= r->nptopo) {
		size_t n = (size_t)p + 16;

		r->ptopo = realloc(r->ptopo, n * sizeof *r->ptopo);
		if (!r->ptopo)
			msg_oom("point topology", n * sizeof *r->ptopo);
		memset(r->ptopo + r->nptopo, 0, (n - r->nptopo) * sizeof *r->ptopo);
		r->nptopo = n;
	}
	pt = &r->ptopo[p];
	if (!pt->looked_up) {
		const struct topo_iface *i = topo_iface_by_point(r->topo, r->points.v[p].name);

		pt->looked_up = true;
		if (i && i->kind && strcmp(i->kind, "bridge") == 0 && i->has_mac) {
			pt->bridge = true;
			memcpy(pt->mac, i->mac, 6);
		}
	}
	return pt;
}

/* A promiscuous bridge device (tcpdump -i cni0 without -p) is handed a
 * copy of every frame it bridges between two ports. Such a copy is neither
 * to nor from the bridge's own address; on an SLL capture it is marked
 * "otherhost". It shows where the frame went by, but is not a hop. */
static bool is_bridge_copy(const struct point_topo *pt, const struct pp_obs *o)
{
	if (!pt->bridge)
		return false;
	if (o->flags & PP_OBS_MAC)
		return !(o->mac_dst[0] & 1) && memcmp(o->mac_dst, pt->mac, 6) != 0 &&
		       memcmp(o->mac_src, pt->mac, 6) != 0;
	return o->flags & PP_OBS_OTHERHOST;
}

/* LINUX_SLL (tcpdump -i any before libpcap 1.10) has no interface index:
 * the point is every interface at once. Said once per input. */
static void say_old_sll(struct source *s)
{
	s->said_sll = true;
	msg_warn(s->in->point,
	         "a Linux cooked (SLL) capture cannot tell which interface a packet crossed: "
	         "this one point stands for all of them (a packet is seen there once per "
	         "interface); capture with 'tcpdump -i any' on libpcap 1.10 or later (LINUX_SLL2, "
	         "one point per interface), or one file per interface (tcpdump -i eth0)");
}

static void count_layers(struct pp_counts *c, uint32_t layers)
{
	for (int l = 0; l < PP_L__COUNT; l++) {
		if (layers >> l & 1)
			c->decoded[l]++;
	}
}

/* Reads the next usable packet of a source into s->next. */
static bool source_read(struct run *r, struct source *s, bool assign)
{
	struct capture_frame f;
	struct decode_ctx dc = {.cfg = &r->dcfg, .obs = &s->next};

	s->has_next = false;
	while (s->cap && capture_next(s->cap, &f) == 1) {
		struct pp_counts *c = &s->counts[f.file];
		enum pp_reason why = decode_frame(&dc, f.dlt, f.data, f.caplen, f.len);

		if (why != PP_OK) {
			c->ignored[why]++;
			continue;
		}
		count_layers(c, dc.layers);
		if (f.selected || (dc.inner.p && r->opt->filter &&
		                   capture_select_inner(s->cap, dc.inner.p, (uint32_t)dc.inner.cap,
		                                        (uint32_t)dc.inner.wire, dc.inner_ether)))
			s->next.flags |= PP_OBS_SELECTED;
		s->next.ts = f.ts - s->offset;
		s->key.ts = s->next.ts;
		s->next.frame = f.recno;
		/* the first packet after missing pieces of a rotated set marks
		 * the gap for every point of the input (point_seen) */
		if (f.file != s->file && s->in->gap_before && s->in->gap_before[f.file])
			s->next.flags |= PP_OBS_AFTER_GAP;
		s->file = f.file;
		if (s->next.dir == PP_DIR_UNKNOWN)
			s->next.dir = f.dir;
		if (assign) {
			s->next.point = assign_point(r, s, &f, &s->next);
			/* LINUX_SLL "any": one packet shows once per interface
			 * it crossed, all in one point */
			if (f.dlt == DECODE_DLT_LINUX_SLL) {
				s->next.flags |= PP_OBS_MULTI_COPY;
				if (!s->said_sll)
					say_old_sll(s);
			}
			if (is_bridge_copy(point_topo(r, s->next.point), &s->next))
				s->next.flags |= PP_OBS_COPY;
			match_prepare(&s->next); /* on this thread, off the matcher's */
		}
		s->has_next = true;
		return true;
	}
	return false;
}

static void source_open(struct run *r, struct source *s)
{
	s->file = SIZE_MAX;
	memset(s->counts, 0, s->in->nfiles * sizeof *s->counts);
	s->cap = capture_open_select(s->in, r->opt->packet_filter, r->opt->filter, s->counts);
}

static void source_close(struct source *s)
{
	if (s->cap)
		capture_close(s->cap);
	s->cap = NULL;
	s->has_next = false;
}

/* ---- pass 1: clock offsets -------------------------------------------- */

static int apply_manual_clocks(struct run *r)
{
	for (size_t i = 0; i < r->opt->nclocks; i++) {
		const struct pp_node_arg *a = &r->opt->clocks[i];
		size_t n;

		for (n = 0; n < r->points.nnodes && strcmp(r->points.nodes[n], a->node); n++)
			;
		if (n == r->points.nnodes) {
			msg_usage("--clock: no input is on node '%s' (%s)", a->node, r->node_list);
			return -1;
		}
		clock_set(r->clock, (uint32_t)n, (int64_t)(a->seconds * 1e9));
	}
	return 0;
}

struct clock_sample {
	uint64_t key;
	int64_t ts;
	uint8_t ttl;
};

struct samples {
	struct clock_sample *v;
	size_t n, cap;
};

/* One thread's share of pass 1: every other input, each input's samples
 * kept apart so that they are added in input order, as if read by one. */
struct sampler {
	struct run *r;
	size_t first;
	struct samples *in; /* per input */
};

static void samples_add(struct samples *s, const struct pp_obs *o)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->v = realloc(s->v, s->cap * sizeof *s->v);
		if (!s->v)
			msg_oom("clock samples", s->cap * sizeof *s->v);
	}
	s->v[s->n].ts = o->ts;
	s->v[s->n].ttl = o->ttl;
	if (match_clock_key(o, &s->v[s->n].key))
		s->n++;
}

static void *sample_inputs(void *p)
{
	struct sampler *a = p;
	struct run *r = a->r;

	for (size_t i = a->first; i < r->nsrc; i += 2) {
		struct source *s = &r->src[i];

		source_open(r, s);
		for (unsigned k = 0; k < CLOCK_SAMPLE_PACKETS && source_read(r, s, false); k++) {
			samples_add(&a->in[i], &s->next);
		}
		source_close(s);
	}
	return NULL;
}

/* A --clock far from what the packets show (further than 10 times the
 * estimate's error, and at least 1 ms) is said: a sign or a node mixed up
 * gives paths that run backwards and stops that are none. */
static void check_manual_clocks(const struct run *r, const struct clock_est *est)
{
	const struct clock_node_result *ref = clock_result(r->clock, 0);
	int64_t base = ref->manual ? ref->offset_ns : 0;

	for (uint32_t n = 1; n < r->points.nnodes; n++) {
		const struct clock_node_result *m = clock_result(r->clock, n),
		                               *e = clock_result(est, n);
		int64_t diff, slack;
		char set[32], said[32];

		if (!m->manual || !e->estimated || e->error_ns < 0)
			continue;
		diff = m->offset_ns - base - e->offset_ns;
		slack = 10 * e->error_ns > 1000000 ? 10 * e->error_ns : 1000000;
		report_seconds(m->offset_ns - base, set, sizeof set);
		report_seconds(e->offset_ns, said, sizeof said);
		if (diff > slack || -diff > slack)
			msg_warn("--clock",
			         "%s: set to %s s, but the packets say %s s (within %.6f s, "
			         "from %llu packets to it and %llu from it): %.6f s apart",
			         r->points.nodes[n], set, said, (double)e->error_ns / 1e9,
			         (unsigned long long)e->pairs_to, (unsigned long long)e->pairs_from,
			         (double)(diff < 0 ? -diff : diff) / 1e9);
	}
}

/* Pass 1 reads the first packets of every input, on both cores: the
 * second pass cannot start before the offsets are known. */
static void sample_clocks(struct run *r)
{
	bool need = false;
	/* a --clock is checked against what the packets say */
	struct clock_est *check = r->opt->nclocks ? clock_new((uint32_t)r->points.nnodes) : NULL;

	for (uint32_t n = 1; n < r->points.nnodes; n++)
		need |= !clock_result(r->clock, n)->manual;
	if ((need || check) && r->nsrc) {
		struct samples *in = calloc(r->nsrc, sizeof *in);
		struct sampler a[2] = {{r, 0, in}, {r, 1, in}};
		pthread_t t;
		bool threaded;

		if (!in)
			msg_oom("clock samples", r->nsrc * sizeof *in);
		msg_set_quiet(true); /* pass 2 reports what is wrong with the inputs */
		threaded = pthread_create(&t, NULL, sample_inputs, &a[1]) == 0;
		sample_inputs(&a[0]);
		if (threaded)
			pthread_join(t, NULL);
		else
			sample_inputs(&a[1]);
		msg_set_quiet(false);
		for (size_t i = 0; i < r->nsrc; i++) {
			for (size_t k = 0; k < in[i].n; k++) {
				clock_add(r->clock, in[i].v[k].key, r->src[i].node, in[i].v[k].ts,
				          in[i].v[k].ttl);
				if (check)
					clock_add(check, in[i].v[k].key, r->src[i].node,
					          in[i].v[k].ts, in[i].v[k].ttl);
			}
			free(in[i].v);
		}
		free(in);
	}
	if (check) {
		clock_estimate(check, 0);
		check_manual_clocks(r, check);
		clock_free(check);
	}
	clock_estimate(r->clock, 0);
	clock_drop_samples(r->clock);
	for (size_t i = 0; i < r->nsrc; i++)
		r->src[i].offset = clock_result(r->clock, r->src[i].node)->offset_ns;
	for (size_t p = 0; p < r->points.n; p++)
		point_clock(r, (uint32_t)p);
}

/* ---- pass 2: the merge ---------------------------------------------------- */

static void drain(struct run *r, int64_t now)
{
	struct match_ident *id;

	while ((id = match_pop(r->match, now))) {
		chain_add(r->chain, id);
		match_release(r->match, id);
	}
}

/* Progress on a terminal: bytes read of all inputs (a closed one was read whole). */
static void progress(const struct run *r, uint64_t total)
{
	uint64_t done = 0;

	for (size_t i = 0; i < r->nsrc; i++)
		done += r->src[i].cap ? capture_bytes_read(r->src[i].cap)
		                      : capture_input_bytes(r->src[i].in);
	msg_progress_bytes("reading captures", done, total);
}

/* ---- the two threads of the second pass ----------------------------------
 *
 * One thread reads and decodes every input and merges them in corrected
 * time order; the other matches and folds. They hand over observations in
 * batches through a small ring (the reader fills a batch, then publishes it;
 * the analysis empties it, then gives it back), so each side works on its
 * own data but for the point registry, whose entries never move and are
 * written before the first observation that names them is handed over.
 */

#define BATCH_OBS 1024
#define NBATCH    8

struct batch {
	size_t n;
	struct pp_obs obs[BATCH_OBS];
};

struct handoff {
	pthread_mutex_t mu;
	pthread_cond_t filled, emptied;
	struct batch *b;    /* NBATCH batches */
	size_t head, count; /* ring: next to take, batches waiting */
	bool done;          /* the reader has published its last batch */
};

struct reader_arg {
	struct run *r;
	struct handoff *h;
};

static struct batch *batch_to_fill(struct handoff *h)
{
	struct batch *b;

	pthread_mutex_lock(&h->mu);
	while (h->count == NBATCH)
		pthread_cond_wait(&h->emptied, &h->mu);
	b = &h->b[(h->head + h->count) % NBATCH];
	pthread_mutex_unlock(&h->mu);
	b->n = 0;
	return b;
}

static void batch_publish(struct handoff *h, bool last)
{
	pthread_mutex_lock(&h->mu);
	h->count++;
	h->done = last;
	pthread_cond_signal(&h->filled);
	pthread_mutex_unlock(&h->mu);
}

/* NULL once the reader is done and every batch is taken. */
static struct batch *batch_take(struct handoff *h)
{
	struct batch *b = NULL;

	pthread_mutex_lock(&h->mu);
	while (h->count == 0 && !h->done)
		pthread_cond_wait(&h->filled, &h->mu);
	if (h->count)
		b = &h->b[h->head];
	pthread_mutex_unlock(&h->mu);
	return b;
}

static void batch_give_back(struct handoff *h)
{
	pthread_mutex_lock(&h->mu);
	h->head = (h->head + 1) % NBATCH;
	h->count--;
	pthread_cond_signal(&h->emptied);
	pthread_mutex_unlock(&h->mu);
}

/* The reader: a heap over one lookahead observation per input. */
static void *reader(void *p)
{
	struct reader_arg *a = p;
	struct run *r = a->r;
	struct merge_key **heap = calloc(r->nsrc ? r->nsrc : 1, sizeof *heap);
	struct batch *b = batch_to_fill(a->h);
	size_t n = 0;
	uint64_t seen = 0, total = 0;

	if (!heap)
		msg_oom("merge heap", (r->nsrc ? r->nsrc : 1) * sizeof *heap);
	for (size_t i = 0; i < r->nsrc; i++) {
		if (msg_progress_enabled())
			total += capture_input_bytes(r->src[i].in);
		source_open(r, &r->src[i]);
		if (source_read(r, &r->src[i], true))
			heap[n++] = &r->src[i].key;
	}
	merge_heapify(heap, n);
	while (n) {
		struct source *s = (struct source *)heap[0];

		b->obs[b->n++] = s->next;
		if (b->n == BATCH_OBS) {
			batch_publish(a->h, false);
			b = batch_to_fill(a->h);
		}
		if (++seen % TICK_EVERY == 0 && total >= MSG_PROGRESS_MIN_BYTES &&
		    msg_progress_due())
			progress(r, total);
		if (!source_read(r, s, true)) {
			source_close(s);
			heap[0] = heap[--n];
		}
		merge_down(heap, n, 0);
	}
	batch_publish(a->h, true);
	msg_progress_done();
	free(heap);
	return NULL;
}

/* What the capture of an input lost, as its pcapng statistics say. */
static void input_drops(const struct capture_input *in, struct input_seen *seen)
{
	seen->drop_from = INT64_MAX;
	seen->drop_to = INT64_MIN;
	for (size_t f = 0; f < in->nfiles; f++) {
		const char *path =
		    in->spool && in->spool[f].path ? in->spool[f].path : in->files[f];
		uint64_t drops;
		int64_t from, to;

		if (capture_file_drops(path, &drops, &from, &to) < 0 || drops == 0)
			continue;
		seen->drops += drops;
		if (from < seen->drop_from)
			seen->drop_from = from;
		if (to > seen->drop_to)
			seen->drop_to = to;
	}
}

/* Gaps of every point of an input: a missing piece of its rotated set
 * (from the input's last packet before it), or its ring's overwritten
 * start (the first packet of each point that appears later gets it too). */
static void input_gap(struct run *r, uint32_t input, const struct pp_obs *o)
{
	struct input_seen *in = &r->seen[input];

	if (o->flags & PP_OBS_AFTER_GAP) {
		for (size_t p = 0; p < r->points.n; p++) {
			if (r->points.v[p].input == input)
				chain_point_gap(&r->points.v[p], in->any ? in->last : INT64_MIN,
				                o->ts, CHAIN_GAP_MISSING_PIECE, 0);
		}
	}
	if (!in->any) {
		in->any = true;
		in->first = o->ts;
	}
	in->last = o->ts;
}

/* A point's capture span and quiet stretches, kept by the analysis side
 * (the reader would race with the stop checks that read them). */
static void point_seen(struct run *r, const struct pp_obs *o)
{
	struct chain_point *pt = &r->points.v[o->point];
	int64_t raw = o->ts + pt->clock_offset;

	input_gap(r, pt->input, o);
	if (pt->packets == 0 && r->inputs.v[pt->input].ring_wrapped)
		chain_point_gap(pt, INT64_MIN, r->seen[pt->input].first, CHAIN_GAP_RING_OVERWRITTEN,
		                0);
	if (pt->packets == 0 && r->seen[pt->input].drops) {
		const struct input_seen *in = &r->seen[pt->input];

		chain_point_gap(
		    pt, in->drop_from == INT64_MIN ? INT64_MIN : in->drop_from - pt->clock_offset,
		    in->drop_to == INT64_MAX ? INT64_MAX : in->drop_to - pt->clock_offset,
		    CHAIN_GAP_KERNEL_DROPS, in->drops);
	}
	if (pt->packets++ == 0 || raw < pt->first_ts)
		pt->first_ts = raw;
	if (raw > pt->last_ts)
		pt->last_ts = raw;
	chain_point_seen(pt, o->ts);
}

static void stream(struct run *r)
{
	struct handoff h = {.mu = PTHREAD_MUTEX_INITIALIZER,
	                    .filled = PTHREAD_COND_INITIALIZER,
	                    .emptied = PTHREAD_COND_INITIALIZER};
	struct reader_arg a = {r, &h};
	struct batch *b;
	pthread_t t;
	uint64_t seen = 0;
	int64_t now = INT64_MIN;

	h.b = malloc(NBATCH * sizeof *h.b);
	if (!h.b)
		msg_oom("packet batches", NBATCH * sizeof *h.b);
	if (pthread_create(&t, NULL, reader, &a) != 0)
		msg_oom("reader thread", 0);
	while ((b = batch_take(&h))) {
		for (size_t i = 0; i < b->n; i++) {
			const struct pp_obs *o = &b->obs[i];

			if (o->ts > now)
				now = o->ts;
			point_seen(r, o);
			match_add(r->match, o);
			if (++seen % TICK_EVERY == 0) {
				drain(r, now);
				chain_tick(r->chain, now);
			}
		}
		batch_give_back(&h);
	}
	pthread_join(t, NULL);
	drain(r, INT64_MAX);
	free(h.b);
}

/* ---- setup and results ----------------------------------------------------- */

/* The nodes of the inputs, for messages about a node no input is on. */
static void node_list(struct run *r)
{
	size_t at = (size_t)snprintf(r->node_list, sizeof r->node_list, "the nodes are");

	for (size_t i = 0; i < r->inputs.n && at < sizeof r->node_list; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(r->inputs.v[j].node, r->inputs.v[i].node) == 0;
		if (!seen)
			at += (size_t)snprintf(r->node_list + at, sizeof r->node_list - at, "%s %s",
			                       at > 13 ? "," : "", r->inputs.v[i].node);
	}
	if (at >= sizeof r->node_list)
		strcpy(r->node_list + sizeof r->node_list - 5, " ...");
}

/* --topology NODE=FILE, then what bundles carry for nodes not given. A
 * topology that cannot be read is reported (exit status 2) and the analysis
 * goes on without it; a bad --service-cidr is a usage error. */
static int load_topologies(struct run *r)
{
	r->topo = topo_new();
	if (!r->topo)
		msg_oom("topology", 0);
	for (size_t i = 0; i < r->opt->ntopologies; i++) {
		size_t k = 0;

		while (k < r->inputs.n && strcmp(r->inputs.v[k].node, r->opt->topologies[i].node))
			k++;
		if (k == r->inputs.n) {
			msg_usage("--topology: no input is on node '%s' (%s)",
			          r->opt->topologies[i].node, r->node_list);
			return -1;
		}
	}
	for (size_t i = 0; i < r->opt->ntopologies; i++)
		topo_load(r->topo, r->opt->topologies[i].node, r->opt->topologies[i].value);
	for (size_t i = 0; i < r->inputs.n; i++) {
		const struct capture_input *in = &r->inputs.v[i];
		bool tried = false;

		/* each node once: a topology that cannot be read is said once,
		 * not once per capture point of its node */
		for (size_t j = 0; j < i && !tried && in->topology; j++)
			tried =
			    r->inputs.v[j].topology && strcmp(r->inputs.v[j].node, in->node) == 0;
		if (in->topology && !tried && !topo_has_node(r->topo, in->node))
			topo_load(r->topo, in->node, in->topology);
	}
	for (size_t i = 0; i < r->opt->nservice_cidrs; i++) {
		if (topo_add_service_cidr(r->topo, r->opt->service_cidrs[i]) < 0)
			return -1;
	}
	return 0;
}

/* Every input is open at once while they are merged (a capture and its
 * pcapng walker), and --write-pcapng keeps a note file per input besides:
 * with too few descriptors, fail at once with one line rather than one
 * error per input that cannot be opened. */
static int check_open_files(const struct run *r)
{
	struct rlimit rl;
	size_t need = 24 + 2 * r->inputs.n; /* stdio, spools, topologies, threads */

	if (r->opt->write_pcapng)
		need += r->inputs.n;
	for (size_t i = 0; i < r->inputs.n; i++)
		need += r->inputs.v[i].spool ? r->inputs.v[i].nfiles : 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    need <= rl.rlim_cur)
		return 0;
	msg_error("inputs",
	          "%zu inputs need about %zu open files at once, and the limit is %llu (ulimit "
	          "-n): raise it, or give fewer inputs",
	          r->inputs.n, need, (unsigned long long)rl.rlim_cur);
	return -1;
}

static int setup(struct run *r)
{
	if (r->opt->filter && capture_filter_check("-f", r->opt->filter) < 0)
		return -1;
	if (r->opt->packet_filter &&
	    capture_filter_check("--packet-filter", r->opt->packet_filter) < 0)
		return -1;
	if (capture_inputs_expand(&r->inputs, r->opt->inputs, r->opt->ninputs) < 0)
		return -1;
	if (check_open_files(r) < 0)
		return -1;
	node_list(r);
	if (load_topologies(r) < 0)
		return -1;
	r->src = calloc(r->inputs.n ? r->inputs.n : 1, sizeof *r->src);
	if (!r->src)
		msg_oom("inputs", (r->inputs.n ? r->inputs.n : 1) * sizeof *r->src);
	for (size_t i = 0; i < r->inputs.n; i++) {
		struct source *s = &r->src[r->nsrc++];

		s->input = (uint32_t)i;
		s->key.order = (uint32_t)i;
		s->in = &r->inputs.v[i];
		s->counts = calloc(s->in->nfiles ? s->in->nfiles : 1, sizeof *s->counts);
		if (!s->counts)
			msg_oom("packet counts",
			        (s->in->nfiles ? s->in->nfiles : 1) * sizeof *s->counts);
		s->base_point = point_get(&r->points, s->input, POINT_BASE, s->in->point,
		                          s->in->node, s->in->files, s->in->nfiles);
		s->node = r->points.v[s->base_point].node_id;
	}
	r->seen = calloc(r->inputs.n ? r->inputs.n : 1, sizeof *r->seen);
	if (!r->seen)
		msg_oom("inputs", (r->inputs.n ? r->inputs.n : 1) * sizeof *r->seen);
	for (size_t i = 0; i < r->inputs.n; i++)
		input_drops(&r->inputs.v[i], &r->seen[i]);
	r->clock = clock_new((uint32_t)r->points.nnodes);
	return apply_manual_clocks(r);
}

static void fill_result(struct run *r, struct chain_result *out)
{
	for (size_t p = 0; p < r->points.n; p++)
		chain_point_sort_gaps(&r->points.v[p]);
	for (size_t i = 0; i < r->nsrc; i++) {
		for (size_t f = 0; f < r->src[i].in->nfiles; f++)
			counts_add(&out->counts, &r->src[i].counts[f]);
	}
	out->nnodes = r->points.nnodes;
	out->nodes = calloc(out->nnodes ? out->nnodes : 1, sizeof *out->nodes);
	if (!out->nodes)
		msg_oom("nodes", (out->nnodes ? out->nnodes : 1) * sizeof *out->nodes);
	for (size_t n = 0; n < out->nnodes; n++) {
		const struct clock_node_result *c = clock_result(r->clock, (uint32_t)n);

		out->nodes[n] = (struct chain_node){strdup(r->points.nodes[n]),
		                                    c->offset_ns,
		                                    c->estimated,
		                                    c->manual,
		                                    c->via,
		                                    c->pairs_to,
		                                    c->pairs_from,
		                                    c->error_ns};
	}
	out->limits.interfaces = r->points.overflow;
	if (r->opt->nshards) {
		out->shard = r->opt->shard;
		out->nshards = r->opt->nshards;
	}
	/* the points and the topology move into the result */
	out->topo = r->topo;
	r->topo = NULL;
	out->points = r->points.v;
	out->npoints = r->points.n;
	r->points.v = NULL;
	r->points.n = 0;
}

/* The conversations the report shows (--conversation, -f, --limit), by
 * index: NULL when it shows them all. Said by the report, not here. */
static bool *reported(const struct chain_result *out, const struct report_opts *ro)
{
	struct report_view view;
	bool *keep = NULL;

	msg_set_quiet(true);
	if (report_view_make(&view, out, ro) == 0) {
		if (view.nconv < out->nconv) {
			keep = calloc(out->nconv, sizeof *keep);
			if (!keep)
				msg_oom("pcapng selection", out->nconv);
			for (size_t i = 0; i < view.nconv; i++)
				keep[view.idx[i]] = true;
		}
		report_view_free(&view);
	}
	msg_set_quiet(false);
	return keep;
}

/* --packet-filter drops packets: an input it left without any is said
 * (its points are then missing from every path). */
static void warn_filtered_out(const struct run *r)
{
	for (size_t i = 0; i < r->nsrc && r->opt->packet_filter; i++) {
		uint64_t kept = 0, rejected = 0;

		for (size_t p = 0; p < r->points.n; p++)
			kept += r->points.v[p].input == i ? r->points.v[p].packets : 0;
		for (size_t f = 0; f < r->src[i].in->nfiles; f++)
			rejected += r->src[i].counts[f].ignored[PP_R_PCAP_FILTERED];
		if (kept == 0 && rejected > 0)
			msg_warn(r->src[i].in->point,
			         "--packet-filter '%s' leaves this point with no packets (%llu "
			         "rejected)",
			         r->opt->packet_filter, (unsigned long long)rejected);
	}
}

/* --write-pcapng: the second read, once the results are known. */
static void write_pcapng(struct run *r, const struct chain_result *out,
                         const struct report_opts *ro)
{
	struct pcapng_input *v = calloc(r->nsrc ? r->nsrc : 1, sizeof *v);
	bool *keep = reported(out, ro);

	if (!v)
		msg_oom("pcapng inputs", (r->nsrc ? r->nsrc : 1) * sizeof *v);
	for (size_t i = 0; i < r->nsrc; i++)
		v[i] = (struct pcapng_input){r->src[i].in, r->src[i].offset, r->src[i].base_point};
	report_pcapng(r->notes, out, v, r->nsrc, r->opt->packet_filter, &r->dcfg, keep);
	free(keep);
	free(v);
}

static void inputs_check(struct run *r, enum capture_check check)
{
	for (size_t i = 0; i < r->inputs.n; i++)
		r->inputs.v[i].check = check;
}

static void teardown(struct run *r)
{
	for (size_t i = 0; i < r->nsrc; i++) {
		source_close(&r->src[i]);
		free(r->src[i].counts);
	}
	free(r->src);
	free(r->seen);
	pcapng_notes_free(r->notes);
	chain_free(r->chain);
	match_free(r->match);
	flow_free(&r->flows);
	clock_free(r->clock);
	topo_free(r->topo);
	free(r->ptopo);
	point_reg_free(&r->points);
	capture_inputs_free(&r->inputs);
}

static bool same_file(const struct stat *a, const char *path)
{
	struct stat b;

	return stat(path, &b) == 0 && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

/* --write-pcapng OUT must not replace anything pktpath reads: a capture, a
 * topology (a file, or a directory of ip -j files OUT would land in), the
 * --expect file. Returns what OUT is, or NULL. */
static const char *output_is_input(const struct run *r, const char *out)
{
	const struct pp_options *opt = r->opt;
	struct stat o, dir;
	char *parent = strdup(out), *slash;
	bool have_dir;

	if (!parent)
		msg_oom("output name", strlen(out) + 1);
	slash = strrchr(parent, '/');
	if (slash)
		slash[slash == parent] = '\0';
	have_dir = stat(slash ? parent : ".", &dir) == 0;
	free(parent);
	if (stat(out, &o) < 0)
		memset(&o, 0, sizeof o); /* a new file: only a topology folder counts */
	for (size_t i = 0; i < r->inputs.n; i++) {
		const struct capture_input *in = &r->inputs.v[i];

		for (size_t f = 0; f < in->nfiles; f++)
			if (o.st_ino && same_file(&o, in->files[f]))
				return "a capture";
		if (in->topology && o.st_ino && same_file(&o, in->topology))
			return "a topology";
		if (in->topology && have_dir && same_file(&dir, in->topology))
			return "it is in a topology folder";
	}
	for (size_t i = 0; i < opt->ntopologies; i++) {
		if (o.st_ino && same_file(&o, opt->topologies[i].value))
			return "a topology";
		if (have_dir && same_file(&dir, opt->topologies[i].value))
			return "it is in a topology folder";
	}
	if (opt->expect && o.st_ino && same_file(&o, opt->expect))
		return "the --expect file";
	return NULL;
}

/* Opens --write-pcapng OUT: false after a message. */
static bool writable(struct run *r)
{
	const char *what = strcmp(r->opt->write_pcapng, "-") == 0
	                       ? NULL
	                       : output_is_input(r, r->opt->write_pcapng);

	if (what) {
		msg_error(r->opt->write_pcapng, "--write-pcapng would overwrite an input (%s)",
		          what);
		return false;
	}
	r->notes = pcapng_notes_new(r->opt->write_pcapng, &r->points, &r->flows);
	return r->notes != NULL;
}

int analysis_run(const struct pp_options *opt, const struct report_opts *ro,
                 struct chain_result *out)
{
	struct run r = {.opt = opt};
	int rc = -1;

	memset(out, 0, sizeof *out);
	point_reg_init(&r.points);
	decode_cfg_from_options(&r.dcfg, opt);
	if (flow_init(&r.flows) < 0)
		msg_oom("flow table", 0);
	if (setup(&r) == 0 && (!opt->write_pcapng || writable(&r))) {
		sample_clocks(&r);
		r.match = match_new(&r.flows, opt->window_ns);
		r.chain = chain_new(&r.flows, r.match, opt->window_ns);
		chain_set_env(r.chain, &r.points.v, &r.points.n, r.topo);
		if (opt->nshards > 1)
			chain_set_shard(r.chain, opt->shard, opt->nshards);
		if (r.notes)
			chain_set_observer(r.chain, pcapng_notes_observe, r.notes);
		inputs_check(&r, CAPTURE_CHECK_RECORD);
		stream(&r);
		warn_filtered_out(&r);
		chain_finish(r.chain, out);
		fill_result(&r, out);
		if (r.notes) {
			/* only the files read by the analysis, unchanged */
			inputs_check(&r, CAPTURE_CHECK_VERIFY);
			write_pcapng(&r, out, ro);
		}
		rc = 0;
	}
	teardown(&r);
	return rc;
}
