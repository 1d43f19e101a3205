/* htab.c - open-addressing (linear probing) hash index, see htab.h. */
#include <stdlib.h>
#include <string.h>

#include "util/htab.h"

int htab_init(struct htab *t, size_t cap_hint)
{
	size_t cap = 64;

	while (cap < cap_hint * 2)
		cap <<= 1;
	t->hash = calloc(cap, sizeof *t->hash);
	t->val = malloc(cap * sizeof *t->val);
	t->cap = cap;
	t->n = 0;
	if (!t->hash || !t->val) {
		htab_free(t);
		return -1;
	}
	return 0;
}

void htab_free(struct htab *t)
{
	free(t->hash);
	free(t->val);
	memset(t, 0, sizeof *t);
}

static void insert(struct htab *t, uint64_t hash, uint32_t val)
{
	size_t mask = t->cap - 1;
	size_t i = (size_t)hash & mask;

	while (t->hash[i])
		i = (i + 1) & mask;
	t->hash[i] = hash;
	t->val[i] = val;
	t->n++;
}

static int grow(struct htab *t)
{
	struct htab bigger;

	if (htab_init(&bigger, t->cap) < 0)
		return -1;
	for (size_t i = 0; i < t->cap; i++) {
		if (t->hash[i])
			insert(&bigger, t->hash[i], t->val[i]);
	}
	htab_free(t);
	*t = bigger;
	return 0;
}

int htab_put(struct htab *t, uint64_t hash, uint32_t val)
{
	if ((t->n + 1) * 4 > t->cap * 3 && grow(t) < 0)
		return -1;
	insert(t, hash | 1, val);
	return 0;
}

/* From it->slot on, the first slot holding it->hash; 0 at an empty one. */
static int scan(const struct htab *t, struct htab_iter *it, uint32_t *val)
{
	for (;;) {
		uint64_t h = t->hash[it->slot];

		if (h == 0)
			return 0;
		if (h == it->hash) {
			*val = t->val[it->slot];
			return 1;
		}
		it->slot = (it->slot + 1) & (t->cap - 1);
	}
}

int htab_first(const struct htab *t, uint64_t hash, struct htab_iter *it, uint32_t *val)
{
	it->hash = hash | 1;
	it->slot = (size_t)it->hash & (t->cap - 1);
	return scan(t, it, val);
}

int htab_next(const struct htab *t, struct htab_iter *it, uint32_t *val)
{
	it->slot = (it->slot + 1) & (t->cap - 1);
	return scan(t, it, val);
}
