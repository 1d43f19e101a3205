/* chain_store.c - where finished conversations wait for the report.
 *
 * A capture of hours holds hundreds of thousands of conversations; keeping
 * their results in memory would make memory grow with the capture's length.
 * Each result is written, when its conversation ends, to an unlinked
 * temporary file in $TMPDIR (else /tmp), and only a small index entry stays in memory. Reports
 * read the results back in order of their first packet through
 * chain_result_conv(), which keeps the last few loaded.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chain_agg.h"
#include "util/htab.h"
#include "util/msg.h"
#include "util/tempfile.h"

/* Conversations read back are cached by index modulo SLOTS: --write-pcapng
 * looks up the conversation of every packet, and hundreds of conversations
 * overlap in a busy capture. */
#define SLOTS 1024

struct store_entry {
	int64_t first_ts;
	uint64_t tie; /* origin_key(): orders conversations that start together */
	uint64_t offset;
	uint32_t length;
	uint8_t interest;
};

struct chain_store {
	FILE *spool;
	uint64_t end;
	struct store_entry *v;
	size_t n, cap;
	bool sorted;
	struct {
		size_t index; /* SIZE_MAX: empty */
		struct chain_conv conv;
	} slot[SLOTS];
};

static void conv_arrays_free(struct chain_conv *c)
{
	for (int k = 0; k < 2; k++) {
		free(c->dir[k].hops);
		free(c->dir[k].nat);
		free(c->dir[k].copies);
	}
	memset(c, 0, sizeof *c);
}

struct chain_store *chain_store_new(void)
{
	struct chain_store *s = calloc(1, sizeof *s);

	if (!s)
		msg_oom("conversation store", sizeof *s);
	for (unsigned i = 0; i < SLOTS; i++)
		s->slot[i].index = SIZE_MAX;
	return s;
}

void chain_store_free(struct chain_store *s)
{
	if (!s)
		return;
	if (s->spool)
		fclose(s->spool);
	for (unsigned i = 0; i < SLOTS; i++)
		conv_arrays_free(&s->slot[i].conv);
	free(s->v);
	free(s);
}

/* The temporary file failing (a full disk) leaves no report to give. */
static void fatal(const char *what)
{
	int e = errno;

	msg_error(tempfile_dir(),
	          "cannot %s in a temporary file: %s (set TMPDIR to a directory "
	          "with more room)",
	          what, strerror(e ? e : EIO));
	exit(PP_EXIT_USAGE);
}

static void put(struct chain_store *s, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, s->spool) != n)
		fatal("store the finished conversations");
	s->end += n;
}

/* Two conversations whose first packets have one time stamp are ordered
 * by a hash of their origin as the reports write it (protocol name,
 * addresses, ports), not by when they ended: the order is then the same
 * whichever conversations were analysed together, and pktpath merge,
 * which knows them from the JSON only, numbers shards' conversations as
 * the unsharded run does. */
static uint64_t origin_key(const struct chain_conv *c)
{
	char buf[2 * INET6_ADDRSTRLEN + 64];

	chain_format_tuple(&c->origin, buf, sizeof buf);
	return htab_hash(buf, strlen(buf), 0x6f726967696eULL);
}

/* Appends a finished conversation; its arrays stay the caller's. */
int chain_store_add(struct chain_store *s, const struct chain_conv *c, uint8_t interest)
{
	struct chain_conv flat = *c;
	uint64_t start;

	if (!s->spool) {
		int fd = tempfile_open("pktpath-conversations");

		if (fd < 0 || !(s->spool = fdopen(fd, "w+b"))) {
			if (fd >= 0)
				close(fd);
			fatal("keep the finished conversations");
		}
	}
	start = s->end;
	for (int k = 0; k < 2; k++) {
		flat.dir[k].hops = NULL;
		flat.dir[k].nat = NULL;
		flat.dir[k].copies = NULL;
	}
	put(s, &flat, sizeof flat);
	for (int k = 0; k < 2; k++) {
		put(s, c->dir[k].hops, c->dir[k].nhops * sizeof *c->dir[k].hops);
		put(s, c->dir[k].nat, c->dir[k].nnat * sizeof *c->dir[k].nat);
		put(s, c->dir[k].copies, c->dir[k].ncopies * sizeof *c->dir[k].copies);
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->v = realloc(s->v, s->cap * sizeof *s->v);
		if (!s->v)
			msg_oom("conversation index", s->cap * sizeof *s->v);
	}
	s->v[s->n++] = (struct store_entry){c->first_ts, origin_key(c), start,
	                                    (uint32_t)(s->end - start), interest};
	s->sorted = false;
	return 0;
}

static int cmp_entry(const void *x, const void *y)
{
	const struct store_entry *a = x, *b = y;

	if (a->first_ts != b->first_ts)
		return (a->first_ts > b->first_ts) - (a->first_ts < b->first_ts);
	if (a->tie != b->tie)
		return (a->tie > b->tie) - (a->tie < b->tie);
	return (a->offset > b->offset) - (a->offset < b->offset);
}

/* Orders the conversations by first packet: their ids. */
int chain_store_seal(struct chain_store *s)
{
	if (s->n > 1) /* s->v is NULL with no conversation: no qsort(NULL, 0) */
		qsort(s->v, s->n, sizeof *s->v, cmp_entry);
	s->sorted = true;
	if (s->spool && fflush(s->spool) != 0)
		fatal("store the finished conversations");
	return 0;
}

size_t chain_store_count(const struct chain_store *s)
{
	return s ? s->n : 0;
}

uint8_t chain_store_interest(const struct chain_store *s, size_t i)
{
	return s->v[i].interest;
}

static void *read_array(FILE *f, size_t n, size_t size)
{
	void *p;

	if (n == 0)
		return NULL;
	p = malloc(n * size);
	if (!p)
		msg_oom("stored conversation", n * size);
	if (fread(p, size, n, f) != n) {
		free(p);
		return NULL;
	}
	return p;
}

const struct chain_conv *chain_store_get(struct chain_store *s, size_t i)
{
	struct chain_conv *c;
	unsigned k;

	if (!s || i >= s->n || !s->sorted)
		return NULL;
	k = (unsigned)(i % SLOTS);
	if (s->slot[k].index == i)
		return &s->slot[k].conv;
	c = &s->slot[k].conv;
	conv_arrays_free(c);
	s->slot[k].index = SIZE_MAX;
	if (fseeko(s->spool, (off_t)s->v[i].offset, SEEK_SET) != 0 ||
	    fread(c, sizeof *c, 1, s->spool) != 1)
		fatal("read back a finished conversation");
	for (int d = 0; d < 2; d++) {
		struct chain_dir *x = &c->dir[d];

		x->hops = read_array(s->spool, x->nhops, sizeof *x->hops);
		x->nat = read_array(s->spool, x->nnat, sizeof *x->nat);
		x->copies = read_array(s->spool, x->ncopies, sizeof *x->copies);
		if ((x->nhops && !x->hops) || (x->nnat && !x->nat) || (x->ncopies && !x->copies))
			fatal("read back a finished conversation");
	}
	c->id = (uint32_t)(i + 1);
	s->slot[k].index = i;
	return c;
}
