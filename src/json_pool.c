/* json_pool.c - ordered, two-thread serialisation of JSON trees.
 *
 * Submitted trees wait in a ring. The pool's thread dumps them in order;
 * the caller writes finished texts in order and, when the ring is full and
 * the oldest text is not ready, dumps the next waiting tree itself, so the
 * two cores share the work whichever side is slower.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pktpath/json_pool.h"

#define RING 64

/* Reused from tree to tree: the dump allocates nothing once warm. */
struct text {
	char *s;
	size_t len, cap;
};

static int append(const char *p, size_t n, void *arg)
{
	struct text *t = arg;

	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		char *s;

		while (cap < t->len + n + 1)
			cap *= 2;
		s = realloc(t->s, cap);
		if (!s)
			return -1;
		t->s = s;
		t->cap = cap;
	}
	memcpy(t->s + t->len, p, n);
	t->len += n;
	t->s[t->len] = '\0';
	return 0;
}

struct json_pool {
	size_t flags;
	json_pool_sink sink;
	void *arg;
	pthread_mutex_t mu;
	pthread_cond_t changed;
	pthread_t thread;
	bool threaded, stop;
	int err;
	/* counts of trees submitted, claimed for dumping, given to the sink;
	 * tree i lives in slot i % RING until it is written */
	size_t made, taken, written;
	struct {
		json_t *tree;
		struct text text;
		bool ready;
	} slot[RING];
};

/* Dumps the oldest unclaimed tree, the lock released meanwhile. Returns
 * false when there is none. */
static bool dump_next_locked(struct json_pool *p)
{
	size_t i;
	json_t *tree;
	struct text *text;
	int rc;

	if (p->taken == p->made)
		return false;
	i = p->taken++ % RING;
	tree = p->slot[i].tree;
	text = &p->slot[i].text;
	pthread_mutex_unlock(&p->mu);
	text->len = 0;
	rc = json_dump_callback(tree, append, text, p->flags);
	pthread_mutex_lock(&p->mu);
	p->slot[i].ready = true;
	if (rc < 0)
		p->err = -1;
	pthread_cond_broadcast(&p->changed);
	return true;
}

/* Caller's thread only: hands the ready texts to the sink, in order. */
static void write_ready_locked(struct json_pool *p)
{
	while (p->written < p->taken && p->slot[p->written % RING].ready) {
		size_t i = p->written % RING;
		const struct text *text = &p->slot[i].text;
		bool write = p->err == 0;
		int rc = 0;

		pthread_mutex_unlock(&p->mu);
		if (write)
			rc = p->sink(text->s, text->len, p->written, p->arg);
		/* freed here, not by the dumping thread: frees from two threads
		 * into one malloc arena contend for its lock */
		json_decref(p->slot[i].tree);
		pthread_mutex_lock(&p->mu);
		p->slot[i].tree = NULL;
		p->slot[i].ready = false;
		if (rc < 0)
			p->err = -1;
		p->written++;
	}
}

static void *worker(void *arg)
{
	struct json_pool *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		if (dump_next_locked(p))
			continue;
		if (p->stop)
			break;
		pthread_cond_wait(&p->changed, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct json_pool *json_pool_start(size_t flags, json_pool_sink sink, void *arg)
{
	struct json_pool *p = calloc(1, sizeof *p);

	if (!p)
		abort();
	p->flags = flags;
	p->sink = sink;
	p->arg = arg;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->changed, NULL);
	/* without the thread, the caller dumps everything itself */
	p->threaded = pthread_create(&p->thread, NULL, worker, p) == 0;
	return p;
}

/* Makes progress on the oldest tree: writes it when ready, else dumps
 * something, else waits for the pool's thread. */
static void advance_locked(struct json_pool *p)
{
	size_t before = p->written;

	write_ready_locked(p);
	if (p->written == before && !dump_next_locked(p))
		pthread_cond_wait(&p->changed, &p->mu);
}

int json_pool_submit(struct json_pool *p, json_t *tree)
{
	int err;

	pthread_mutex_lock(&p->mu);
	while (p->made - p->written == RING)
		advance_locked(p);
	p->slot[p->made++ % RING].tree = tree;
	pthread_cond_broadcast(&p->changed);
	if (!p->threaded)
		dump_next_locked(p);
	write_ready_locked(p);
	err = p->err;
	pthread_mutex_unlock(&p->mu);
	return err;
}

int json_pool_finish(struct json_pool *p)
{
	int err;

	pthread_mutex_lock(&p->mu);
	while (p->written < p->made)
		advance_locked(p);
	p->stop = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->mu);
	if (p->threaded)
		pthread_join(p->thread, NULL);
	err = p->err;
	for (size_t i = 0; i < RING; i++)
		free(p->slot[i].text.s);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->changed);
	free(p);
	return err;
}
