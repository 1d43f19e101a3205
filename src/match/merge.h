/* merge.h - k-way merge of inputs in time order: a binary min-heap over the
 * next timestamp of each input. An input embeds struct merge_key as its
 * first member; the heap holds pointers to the keys. */
#ifndef PKTPATH_MERGE_H
#define PKTPATH_MERGE_H

#include <stddef.h>
#include <stdint.h>

struct merge_key {
	int64_t ts;     /* of the input's next packet */
	uint32_t order; /* ties go to the lower: command-line order */
};

/* Restores the heap below position i. */
void merge_down(struct merge_key **h, size_t n, size_t i);
void merge_heapify(struct merge_key **h, size_t n);

#endif
