/* chain_route.c - the small values both steps of the chain share: latency
 * samples (a fixed-size reservoir and its median) and routes (merging two,
 * comparing one with a hop sequence). chain.c fills them as it folds
 * identities, chain_order.c and chain_result.c read them; keeping them here
 * lets both steps call them without calling each other.
 */
#include <stdbool.h>
#include <stdint.h>

#include "chain_agg.h"
#include "util/htab.h"

void reservoir_add(struct reservoir *r, int64_t v)
{
	if (v > INT32_MAX)
		v = INT32_MAX;
	if (v < -INT32_MAX)
		v = -INT32_MAX;
	r->seen++;
	if (r->n < LAT_SAMPLES) {
		r->v[r->n++] = v;
		return;
	}
	/* Algorithm R with a hash of the count as its dice: deterministic */
	uint64_t j = htab_mix64(r->seen) % r->seen;

	if (j < LAT_SAMPLES)
		r->v[j] = v;
}

int64_t reservoir_median(const struct reservoir *r)
{
	int32_t v[LAT_SAMPLES];

	if (r->n == 0)
		return 0;
	/* insertion sort: at most LAT_SAMPLES, done for every hop of every
	 * direction (qsort's merge sort cost more than the rest of it) */
	for (uint32_t i = 0; i < r->n; i++) {
		int32_t x = r->v[i];
		uint32_t j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	if (r->n % 2)
		return v[r->n / 2];
	return ((int64_t)v[r->n / 2 - 1] + v[r->n / 2]) / 2;
}

void route_merge(struct route *into, const struct route *r)
{
	into->count += r->count;
	route_widen(into, r->first_ts, r->last_ts, r->len_min, r->len_max);
	into->df += r->df;
	into->tcp_flags_or |= r->tcp_flags_or;
	for (uint32_t k = 0; k < r->nts && into->nts < TS_SAMPLES; k++)
		into->sample[into->nts++] = r->sample[k];
	into->ts_seen += r->ts_seen;
}

bool route_same_key(const struct route *r, const struct route_hop *h, unsigned n)
{
	if (r->n != n)
		return false;
	for (unsigned i = 0; i < n; i++) {
		if (r->hop[i].point != h[i].point || r->hop[i].dir != h[i].dir)
			return false;
	}
	return true;
}
