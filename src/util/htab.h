/* htab.h - open-addressing hash index from a 64-bit hash to 32-bit values.
 *
 * The index stores only (hash, value); callers keep the real keys and check
 * them, walking every value stored under one hash with htab_next(). Values
 * are never removed: every index in pktpath only grows (flows, points,
 * clock samples) or is freed whole, which keeps probing simple.
 */
#ifndef PKTPATH_HTAB_H
#define PKTPATH_HTAB_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct htab {
	uint64_t *hash; /* 0 marks an empty slot */
	uint32_t *val;
	size_t cap; /* power of two */
	size_t n;
};

/* Iteration state over the values stored under one hash. */
struct htab_iter {
	uint64_t hash;
	size_t slot;
};

int htab_init(struct htab *t, size_t cap_hint);
void htab_free(struct htab *t);
int htab_put(struct htab *t, uint64_t hash, uint32_t val);
/* Starts an iteration: returns 1 and sets *val for the first value under
 * hash, 0 when there is none. */
int htab_first(const struct htab *t, uint64_t hash, struct htab_iter *it, uint32_t *val);
int htab_next(const struct htab *t, struct htab_iter *it, uint32_t *val);

static inline uint64_t htab_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x | 1;
}

/* 64-bit hash of arbitrary bytes (never returns 0). Inline: the keys are
 * small structs of known size hashed for every packet, and one multiply
 * per word with a single final mix is enough for keys that are mostly
 * distinct counters and addresses. */
static inline uint64_t htab_hash(const void *p, size_t n, uint64_t seed)
{
	const uint8_t *b = p;
	uint64_t h = seed ^ 0x9e3779b97f4a7c15ULL ^ ((uint64_t)n << 56);

	while (n >= 8) {
		uint64_t w;

		memcpy(&w, b, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 29;
		b += 8;
		n -= 8;
	}
	if (n) {
		uint64_t w = 0;

		memcpy(&w, b, n);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
	}
	return htab_mix64(h);
}

#endif
