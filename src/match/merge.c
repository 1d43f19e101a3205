/* merge.c - the binary min-heap of merge.h. */
#include "match/merge.h"

static int less(const struct merge_key *a, const struct merge_key *b)
{
	if (a->ts != b->ts)
		return a->ts < b->ts;
	return a->order < b->order;
}

void merge_down(struct merge_key **h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct merge_key *t;

		if (l < n && less(h[l], h[m]))
			m = l;
		if (l + 1 < n && less(h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

void merge_heapify(struct merge_key **h, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		merge_down(h, n, i);
}
