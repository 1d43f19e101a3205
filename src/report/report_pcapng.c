/* report_pcapng.c - --write-pcapng: every input packet in one pcapng file,
 * one interface per capture point, each packet commented with where the
 * analysis put it ("conv 7 forward hop 3 of 8 node1/eth0 DNAT a->b").
 *
 * specification: draft-ietf-opsawg-pcapng (through pcapng_write.c).
 *
 * Noting (during the analysis): the chain observer gets every identity as
 * it is folded; each of its observations becomes an 8-byte note at index
 * (record number - 1) of its input: the flow tuple it showed, its point,
 * in/out as the chain named it, and whether it was a hop, a promiscuous
 * bridge copy or an ICMP error answering a conversation. Identities
 * complete about one matching window after they were seen, so the notes
 * of an input arrive nearly in record order: a window of NOTES_WINDOW
 * records is kept in memory and slides forward, what falls out of it is
 * written to an unlinked temporary file (sparse: records never noted read
 * back as zero), and the rare note that arrives behind the window is
 * written on its own.
 *
 * Writing (after chain_finish): the inputs are read again and merged by
 * corrected time exactly as the analysis merged them (a file whose time
 * stamps go backwards keeps its own order, as in the analysis). A note's tuple gives
 * its conversation and direction through the flow table's union-find (the
 * root of its set is the root of one reported conversation's path tuples,
 * and the parity says which way); its point and in/out give the hop index
 * on that direction's path. Packets the decoders ignored are written too,
 * commented "ignored: <reason>"; records the capture layer never hands out
 * (bad record headers, unsupported link types, packets -f filtered out) are
 * not. Time stamps are corrected to the reference node's clock, as in the
 * analysis; each interface's description says by how much.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "match/merge.h"
#include "util/msg.h"
#include "pktpath/options.h"
#include "util/out_file.h"
#include "report/pcapng_write.h"
#include "report/report.h"
#include "report/report_pcapng.h"
#include "util/tempfile.h"

#define NOTES_WINDOW (1u << 16) /* records per input kept in memory: 512 KiB */

enum note_kind { NOTE_NONE = 0, NOTE_HOP, NOTE_COPY, NOTE_ANSWER };

struct note {
	uint32_t tuple; /* flow table id; FLOW_NONE: an answer quoting nothing seen */
	uint16_t point;
	uint8_t kind; /* enum note_kind */
	uint8_t dir;  /* enum pp_dir of the hop as the chain named it */
};
_Static_assert(sizeof(struct note) == 8, "a note is 8 bytes per packet on disk");

/* The notes of one input. While noting, win holds indices [base, base +
 * NOTES_WINDOW); while writing, it is the read buffer of [rbase, rbase + rn). */
struct note_file {
	int fd; /* -1: nothing noted */
	uint64_t base;
	uint64_t end; /* highest index noted + 1 */
	struct note *win;
	uint64_t rbase, rn;
	uint64_t late; /* notes that arrived behind the window */
	int read_err;  /* errno of a failed read back, or 0 */
};

struct pcapng_notes {
	char *path;
	struct out_file out; /* a temporary beside OUT until written in full */
	const struct point_reg *points;
	struct flow_table *flows;
	struct note_file *f; /* per input */
	size_t nf;
	uint32_t *point_input; /* point -> input + 1, 0 not looked up yet */
	size_t npi;
	bool failed; /* a temporary file could not be written: noting stopped */
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		msg_oom("pcapng notes", (n ? n : 1) * size);
	return p;
}

/* ---- the note store ----------------------------------------------------- */

static int pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const char *p = buf;

	while (len) {
		ssize_t w = pwrite(fd, p, len, (off_t)off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

static void store_failed(struct pcapng_notes *n)
{
	if (!n->failed)
		msg_error(n->path, "cannot keep packet notes in a temporary file in %s: %s",
		          tempfile_dir(), strerror(errno));
	n->failed = true;
}

/* Writes win[0..k) (indices base..base+k), no further than end. */
static int window_flush(struct note_file *f, uint64_t k)
{
	if (f->base + k > f->end)
		k = f->end > f->base ? f->end - f->base : 0;
	if (k == 0)
		return 0;
	return pwrite_all(f->fd, f->win, k * sizeof *f->win, f->base * sizeof *f->win);
}

/* Moves the window so that idx is in its upper half. */
static int window_slide(struct note_file *f, uint64_t idx)
{
	uint64_t nbase = idx - NOTES_WINDOW / 2, shift = nbase - f->base;

	if (shift >= NOTES_WINDOW) {
		if (window_flush(f, NOTES_WINDOW) < 0)
			return -1;
		memset(f->win, 0, NOTES_WINDOW * sizeof *f->win);
	} else {
		if (window_flush(f, shift) < 0)
			return -1;
		memmove(f->win, f->win + shift, (NOTES_WINDOW - shift) * sizeof *f->win);
		memset(f->win + (NOTES_WINDOW - shift), 0, shift * sizeof *f->win);
	}
	f->base = nbase;
	return 0;
}

static struct note_file *file_of(struct pcapng_notes *n, uint32_t input)
{
	struct note_file *f;

	if (input >= n->nf) {
		size_t nf = (size_t)input + 8;

		n->f = realloc(n->f, nf * sizeof *n->f);
		if (!n->f)
			msg_oom("pcapng notes", nf * sizeof *n->f);
		for (size_t i = n->nf; i < nf; i++)
			n->f[i] = (struct note_file){.fd = -1};
		n->nf = nf;
	}
	f = &n->f[input];
	if (f->fd < 0) {
		f->fd = tempfile_open("pktpath-notes");
		if (f->fd < 0) {
			store_failed(n);
			return NULL;
		}
		f->win = xcalloc(NOTES_WINDOW, sizeof *f->win);
	}
	return f;
}

static void note_put(struct pcapng_notes *n, uint32_t input, uint64_t idx, struct note v)
{
	struct note_file *f = file_of(n, input);

	if (!f)
		return;
	if (idx < f->base) {
		f->late++;
		if (pwrite_all(f->fd, &v, sizeof v, idx * sizeof v) < 0)
			store_failed(n);
	} else {
		if (idx - f->base >= NOTES_WINDOW && window_slide(f, idx) < 0) {
			store_failed(n);
			return;
		}
		f->win[idx - f->base] = v;
	}
	if (idx >= f->end)
		f->end = idx + 1;
}

/* Read back, in increasing index order: a zero note when none was made. */
static struct note note_get(struct note_file *f, uint64_t idx)
{
	static const struct note none;

	if (f->fd < 0 || idx >= f->end)
		return none;
	if (idx < f->rbase || idx >= f->rbase + f->rn) {
		uint64_t want = f->end - idx < NOTES_WINDOW ? f->end - idx : NOTES_WINDOW;
		ssize_t got;

		memset(f->win, 0, NOTES_WINDOW * sizeof *f->win);
		do {
			got = pread(f->fd, f->win, want * sizeof *f->win,
			            (off_t)(idx * sizeof *f->win));
		} while (got < 0 && errno == EINTR);
		if (got < 0 && !f->read_err)
			f->read_err = errno;
		f->rbase = idx;
		f->rn = want; /* a short read leaves zeros: the sparse tail */
	}
	return f->win[idx - f->rbase];
}

/* ---- noting --------------------------------------------------------------- */

struct pcapng_notes *pcapng_notes_new(const char *out, const struct point_reg *points,
                                      struct flow_table *flows)
{
	struct pcapng_notes *n;
	struct out_file o;

	/* created now, so that a bad OUT fails before a long analysis; OUT
	 * itself is replaced only once it is written in full */
	if (strcmp(out, "-") == 0 && isatty(STDOUT_FILENO)) {
		msg_error("--write-pcapng -", "standard output is a terminal: pcapng is not "
		                              "written to it (redirect it to a file, or pipe "
		                              "it: | wireshark -k -i -)");
		return NULL;
	}
	if (out_file_open(&o, out) < 0)
		return NULL;
	n = xcalloc(1, sizeof *n);
	n->path = strdup(o.path);
	if (!n->path)
		msg_oom("pcapng notes", strlen(o.path) + 1);
	n->out = o;
	n->points = points;
	n->flows = flows;
	return n;
}

void pcapng_notes_free(struct pcapng_notes *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nf; i++) {
		if (n->f[i].fd >= 0)
			close(n->f[i].fd);
		free(n->f[i].win);
	}
	free(n->f);
	free(n->point_input);
	if (n->out.fp)
		out_file_discard(&n->out); /* not written in full: OUT as it was */
	free(n->path);
	free(n);
}

static uint32_t input_of_point(struct pcapng_notes *n, uint32_t p)
{
	if (p >= n->npi) {
		size_t np = (size_t)p + 64;

		n->point_input = realloc(n->point_input, np * sizeof *n->point_input);
		if (!n->point_input)
			msg_oom("pcapng notes", np * sizeof *n->point_input);
		memset(n->point_input + n->npi, 0, (np - n->npi) * sizeof *n->point_input);
		n->npi = np;
	}
	if (!n->point_input[p]) {
		for (size_t i = 0; i < n->points->nkeys; i++) {
			if (n->points->keys[i].point == p)
				n->point_input[p] = n->points->keys[i].input + 1;
		}
	}
	return n->point_input[p] ? n->point_input[p] - 1 : UINT32_MAX;
}

static void note_hop(struct pcapng_notes *n, const struct match_hop *h, enum note_kind kind,
                     uint32_t tuple, uint8_t dir)
{
	uint32_t input;

	if (h->point > UINT16_MAX || h->frame == 0)
		return; /* unnoted: written with the input's own point */
	input = input_of_point(n, h->point);
	if (input == UINT32_MAX)
		return;
	note_put(n, input, h->frame - 1,
	         (struct note){tuple, (uint16_t)h->point, (uint8_t)kind, dir});
}

void pcapng_notes_observe(void *arg, const struct match_ident *raw, const struct match_ident *hops)
{
	struct pcapng_notes *n = arg;
	uint32_t t;

	if (n->failed)
		return;
	if (!hops) {
		/* an ICMP error: it belongs where the header it quotes does */
		t = flow_lookup(n->flows, &raw->quote_first);
		if (t == FLOW_NONE)
			t = flow_lookup(n->flows, &raw->quote_last);
		for (unsigned i = 0; i < raw->nhops; i++)
			note_hop(n, &raw->hops[i], NOTE_ANSWER, t, raw->hops[i].dir);
		return;
	}
	for (unsigned i = 0; i < raw->nhops; i++) {
		const struct match_hop *h = &raw->hops[i];

		if (h->flags & PP_OBS_COPY)
			note_hop(n, h, NOTE_COPY, hops->nhops ? hops->hops[0].tuple : h->tuple,
			         PP_DIR_UNKNOWN);
	}
	for (unsigned i = 0; i < hops->nhops; i++)
		note_hop(n, &hops->hops[i], NOTE_HOP, hops->hops[i].tuple, hops->hops[i].dir);
}

/* ---- from notes to comments ----------------------------------------------- */

/* Flow set root -> reported conversation (index + 1) and the parity of its
 * forward direction relative to that root. */
struct conv_map {
	uint32_t *conv;
	uint8_t *fwd;
	uint32_t n;
};

static void conv_map_build(struct conv_map *m, struct flow_table *ft, const struct chain_result *r)
{
	m->n = ft->n;
	m->conv = xcalloc(m->n, sizeof *m->conv);
	m->fwd = xcalloc(m->n, sizeof *m->fwd);
	for (size_t i = 0; i < r->nconv; i++) {
		const struct chain_conv *c = chain_result_conv(r, i);

		for (int k = 0; k < 2; k++) {
			const struct chain_dir *d = &c->dir[k];

			for (uint32_t h = 0; h < d->nhops; h++) {
				uint32_t id = flow_lookup(ft, &d->hops[h].tuple), root;
				int par;

				if (id == FLOW_NONE)
					continue;
				root = flow_find(ft, id, &par);
				m->conv[root] = (uint32_t)i + 1;
				m->fwd[root] = (uint8_t)(par ^ (k == CHAIN_REVERSE));
			}
		}
	}
}

static void conv_map_free(struct conv_map *m)
{
	free(m->conv);
	free(m->fwd);
}

/* The conversation and direction of a tuple, or NULL. */
static const struct chain_conv *conv_of(const struct conv_map *m, struct flow_table *ft,
                                        const struct chain_result *r, uint32_t tuple, int *dir)
{
	uint32_t root;
	int par;

	if (tuple == FLOW_NONE || tuple >= m->n)
		return NULL;
	root = flow_find(ft, tuple, &par);
	if (!m->conv[root])
		return NULL;
	*dir = par == m->fwd[root] ? CHAIN_FORWARD : CHAIN_REVERSE;
	return chain_result_conv(r, m->conv[root] - 1);
}

/* Index of the path hop at point p (in/out as noted, else any), or -1. */
static int hop_index(const struct chain_dir *d, uint32_t p, uint8_t dir)
{
	int any = -1;

	for (uint32_t i = 0; i < d->nhops; i++) {
		if (d->hops[i].point != p)
			continue;
		if (d->hops[i].dir == dir)
			return (int)i;
		if (any < 0)
			any = (int)i;
	}
	return any;
}

/* Appends to buf at *at, keeping it terminated. */
PP_PRINTF(4, 5)
static void add(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*at >= len)
		return;
	va_start(ap, fmt);
	k = vsnprintf(buf + *at, len - *at, fmt, ap);
	va_end(ap);
	if (k > 0)
		*at = *at + (size_t)k < len ? *at + (size_t)k : len - 1;
}

static void describe_hop(const struct chain_result *r, const struct chain_conv *c, int k,
                         const struct note *nt, char *buf, size_t len)
{
	const struct chain_dir *d = &c->dir[k];
	const char *dn = k == CHAIN_FORWARD ? "forward" : "reverse";
	int j = hop_index(d, nt->point, nt->dir);
	char name[512], from[INET6_ADDRSTRLEN + 8], to[INET6_ADDRSTRLEN + 8];
	size_t at = 0;

	if (j < 0) {
		add(buf, len, &at, "conv %u %s at %s, off its path", c->id, dn,
		    report_point_name(r, nt->point));
		return;
	}
	report_hop_name(r, &d->hops[j], name, sizeof name);
	add(buf, len, &at, "conv %u %s hop %d of %u %s", c->id, dn, j + 1, d->nhops, name);
	for (uint32_t i = 0; i < d->nnat; i++) {
		const struct chain_nat *x = &d->nat[i];

		if (x->before_hop != (uint32_t)j)
			continue;
		chain_format_endpoint(&x->from.addr, x->from.port, x->from.has_port, from,
		                      sizeof from);
		chain_format_endpoint(&x->to.addr, x->to.port, x->to.has_port, to, sizeof to);
		add(buf, len, &at, " %s %s->%s%s", x->kind == CHAIN_DNAT ? "DNAT" : "SNAT", from,
		    to, x->reverse ? " (reverse)" : "");
	}
	if (d->has_lost && d->lost.before_hop == (uint32_t)j)
		add(buf, len, &at, "; client IP lost here");
	if (d->verdict == CHAIN_STOPPED && d->has_stop && d->stop.after_hop == (uint32_t)j)
		add(buf, len, &at, "; stopped after this point");
}

struct describe_ctx {
	const struct chain_result *r;
	struct conv_map map;
	struct flow_table *flows;
	const struct decode_cfg *dcfg;
	const bool *keep; /* per conversation index, NULL: every packet */
};

/* Whether a packet's note puts it in a conversation that is written. */
static bool kept(const struct describe_ctx *x, const struct note *nt)
{
	uint32_t root;

	if (!x->keep)
		return true;
	if (nt->kind == NOTE_NONE || nt->tuple == FLOW_NONE || nt->tuple >= x->map.n)
		return false;
	root = flow_find(x->flows, nt->tuple, NULL);
	return x->map.conv[root] && x->keep[x->map.conv[root] - 1];
}

static void describe(struct describe_ctx *x, const struct note *nt, const struct capture_frame *f,
                     char *buf, size_t len)
{
	const struct chain_conv *c = NULL;
	int k = 0;

	if (nt->kind != NOTE_NONE)
		c = conv_of(&x->map, x->flows, x->r, nt->tuple, &k);
	switch (nt->kind) {
	case NOTE_HOP:
		if (c)
			describe_hop(x->r, c, k, nt, buf, len);
		else
			snprintf(buf, len, "in no reported conversation");
		return;
	case NOTE_COPY:
		if (c)
			snprintf(buf, len,
			         "conv %u %s copy at %s: a promiscuous bridge's copy, not a hop",
			         c->id, k == CHAIN_FORWARD ? "forward" : "reverse",
			         report_point_name(x->r, nt->point));
		else
			snprintf(buf, len,
			         "a promiscuous bridge's copy, in no reported conversation");
		return;
	case NOTE_ANSWER:
		if (c)
			snprintf(buf, len, "conv %u %s answer: an ICMP error about it, seen at %s",
			         c->id, k == CHAIN_FORWARD ? "forward" : "reverse",
			         report_point_name(x->r, nt->point));
		else
			snprintf(buf, len, "an ICMP error quoting no conversation seen");
		return;
	default: {
		struct pp_obs o;
		struct decode_ctx dc = {.cfg = x->dcfg, .obs = &o};
		enum pp_reason why = decode_frame(&dc, f->dlt, f->data, f->caplen, f->len);

		if (why != PP_OK)
			snprintf(buf, len, "ignored: %s", reason_name(why));
		else
			snprintf(buf, len, "not analysed");
		return;
	}
	}
}

/* ---- the second read -------------------------------------------------- */

struct wsrc {
	struct merge_key key; /* first: the merge heap points at it */
	uint32_t input;
	const struct pcapng_input *pi;
	struct capture *cap;
	struct pp_counts *counts;
	struct capture_frame f;
	uint32_t last_point;
	int last_dlt;
	uint32_t last_iface;
};

struct iface_key {
	uint32_t point;
	int dlt;
	uint32_t id;
};

struct writer {
	struct pcapng_writer *w;
	const struct chain_result *r;
	struct iface_key *ifs;
	size_t nifs, capifs;
};

static bool wsrc_next(struct wsrc *s)
{
	if (!s->cap || capture_next(s->cap, &s->f) != 1)
		return false;
	s->key.ts = s->f.ts - s->pi->offset; /* corrected, as in the analysis */
	return true;
}

/* The interface of (point, link type), written when first used. */
static int64_t iface_of(struct writer *wr, struct wsrc *s, uint32_t point, int dlt)
{
	const struct chain_point *p;
	char descr[512];
	int64_t id;

	if (s->last_iface != UINT32_MAX && s->last_point == point && s->last_dlt == dlt)
		return s->last_iface;
	for (size_t i = 0; i < wr->nifs; i++) {
		if (wr->ifs[i].point == point && wr->ifs[i].dlt == dlt) {
			s->last_point = point;
			s->last_dlt = dlt;
			s->last_iface = wr->ifs[i].id;
			return wr->ifs[i].id;
		}
	}
	p = point < wr->r->npoints ? &wr->r->points[point] : NULL;
	if (p && p->clock_offset)
		snprintf(descr, sizeof descr,
		         "pktpath capture point %s; time stamps corrected by %+.9f s to %s's clock",
		         p->name, -(double)p->clock_offset / 1e9,
		         wr->r->nnodes ? wr->r->nodes[0].name : "the reference");
	else
		snprintf(descr, sizeof descr, "pktpath capture point %s",
		         p ? p->name : "(unknown)");
	id = pcapng_writer_iface(wr->w, pcapng_dlt_to_linktype(dlt), CAPTURE_MAX_CAPLEN,
	                         p ? p->name : NULL, descr);
	if (id < 0)
		return -1;
	if (wr->nifs == wr->capifs) {
		wr->capifs = wr->capifs ? 2 * wr->capifs : 16;
		wr->ifs = realloc(wr->ifs, wr->capifs * sizeof *wr->ifs);
		if (!wr->ifs)
			msg_oom("pcapng interfaces", wr->capifs * sizeof *wr->ifs);
	}
	wr->ifs[wr->nifs++] = (struct iface_key){point, dlt, (uint32_t)id};
	s->last_point = point;
	s->last_dlt = dlt;
	s->last_iface = (uint32_t)id;
	return id;
}

static int write_packet(struct writer *wr, struct describe_ctx *x, struct note_file *nf,
                        struct wsrc *s)
{
	struct note nt = {0};
	uint32_t point = s->pi->base_point;
	char comment[1024];
	int64_t iface;

	if (nf && s->f.recno > 0)
		nt = note_get(nf, s->f.recno - 1);
	if (nt.kind != NOTE_NONE && nt.point < x->r->npoints)
		point = nt.point;
	else
		nt.kind = NOTE_NONE;
	if (!kept(x, &nt))
		return 0;
	iface = iface_of(wr, s, point, s->f.dlt);
	if (iface < 0)
		return -1;
	describe(x, &nt, &s->f, comment, sizeof comment);
	return pcapng_writer_packet(wr->w, (uint32_t)iface, s->key.ts, s->f.data, s->f.caplen,
	                            s->f.len,
	                            s->f.dir == PP_DIR_IN    ? 1u
	                            : s->f.dir == PP_DIR_OUT ? 2u
	                                                     : 0u,
	                            comment);
}

static int flush_notes(struct pcapng_notes *n)
{
	for (size_t i = 0; i < n->nf; i++) {
		struct note_file *f = &n->f[i];

		if (f->fd < 0)
			continue;
		if (window_flush(f, NOTES_WINDOW) < 0)
			return -1;
		f->rbase = f->rn = 0;
	}
	return 0;
}

int report_pcapng(struct pcapng_notes *n, const struct chain_result *r,
                  const struct pcapng_input *in, size_t nin, const char *bpf,
                  const struct decode_cfg *dcfg, const bool *keep)
{
	struct describe_ctx x = {.r = r, .flows = n->flows, .dcfg = dcfg, .keep = keep};
	struct writer wr = {.r = r};
	struct wsrc *src = xcalloc(nin, sizeof *src);
	struct merge_key **heap = xcalloc(nin, sizeof *heap);
	uint64_t total = 0, seen = 0;
	size_t nh = 0;
	int rc = 0, err;

	if (!n->failed && flush_notes(n) < 0)
		store_failed(n);
	if (n->failed) {
		free(src);
		free(heap);
		return -1;
	}
	conv_map_build(&x.map, n->flows, r);
	setvbuf(n->out.fp, NULL, _IOFBF, 1 << 16);
	wr.w = pcapng_writer_new(n->out.fp, "pktpath " PKTPATH_VERSION);
	if (!wr.w)
		msg_oom("pcapng writer", 0);
	msg_set_quiet(true); /* the analysis said what is wrong with the inputs */
	for (size_t i = 0; i < nin; i++) {
		struct wsrc *s = &src[i];

		s->input = (uint32_t)i;
		s->key.order = (uint32_t)i;
		s->pi = &in[i];
		s->last_iface = UINT32_MAX;
		s->counts = xcalloc(in[i].in->nfiles, sizeof *s->counts);
		s->cap = capture_open(in[i].in, bpf, s->counts);
		if (msg_progress_enabled())
			total += capture_input_bytes(in[i].in);
		if (wsrc_next(s))
			heap[nh++] = &s->key;
	}
	merge_heapify(heap, nh);
	while (nh && rc == 0) {
		struct wsrc *s = (struct wsrc *)heap[0];

		rc = write_packet(&wr, &x, s->input < n->nf ? &n->f[s->input] : NULL, s);
		if (!wsrc_next(s))
			heap[0] = heap[--nh];
		merge_down(heap, nh, 0);
		if (capture_changed(s->cap))
			break; /* said below */
		if (++seen % 1024 == 0 && total >= MSG_PROGRESS_MIN_BYTES && msg_progress_due()) {
			uint64_t done = 0;

			for (size_t i = 0; i < nin; i++)
				done += capture_bytes_read(src[i].cap);
			msg_progress_bytes("writing pcapng", done, total);
		}
	}
	msg_progress_done();
	msg_set_quiet(false);
	err = pcapng_writer_free(wr.w);
	for (size_t i = 0; i < nin && rc == 0; i++) {
		/* comments by record number are right only for the same bytes */
		const char *changed = capture_changed(src[i].cap);

		if (changed) {
			msg_error(changed,
			          "changed since the analysis read it (another file, size or "
			          "modification time): --write-pcapng %s not written",
			          n->path);
			rc = -1;
		}
	}
	for (size_t i = 0; i < n->nf; i++) {
		if (n->f[i].read_err && !rc) {
			msg_error(n->path, "cannot read the packet notes back: %s",
			          strerror(n->f[i].read_err));
			rc = -1;
		}
	}
	if (err) {
		msg_error(n->path, "write failed: %s", strerror(err));
		rc = -1;
	}
	/* renamed over OUT only when complete; else OUT is left as it was */
	if (rc == 0)
		rc = out_file_commit(&n->out);
	for (size_t i = 0; i < nin; i++) {
		capture_close(src[i].cap);
		free(src[i].counts);
	}
	free(wr.ifs);
	free(src);
	free(heap);
	conv_map_free(&x.map);
	return rc;
}
