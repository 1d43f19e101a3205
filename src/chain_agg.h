/* chain_agg.h - the live aggregates behind chain.h, shared by chain.c (which
 * folds identities into them) and chain_result.c (which turns them into
 * results). Not a public interface.
 */
#ifndef PKTPATH_CHAIN_AGG_H
#define PKTPATH_CHAIN_AGG_H

#include "pktpath/chain.h"
#include "pktpath/htab.h"

#define LAT_SAMPLES 32
#define TS_SAMPLES  32

/* A fixed-size sample of latencies in ns (clamped to +-2 s); deterministic:
 * the replacement is drawn from a hash of the count. */
struct reservoir {
	int32_t v[LAT_SAMPLES];
	uint32_t n;
	uint32_t seen;
};

struct route_hop {
	uint32_t point;
	uint8_t dir;
	uint8_t ttl;
	uint32_t tuple;
	uint32_t tunnel;
};

/* One distinct hop sequence of a direction, with what its packets showed. */
struct route {
	uint8_t n;
	struct route_hop hop[MATCH_MAX_HOPS];
	uint64_t count;
	int64_t first_ts, last_ts; /* at the last hop, corrected */
	uint32_t len_min, len_max; /* IP total length at the last hop */
	uint64_t df;
	uint8_t tcp_flags_or;
	int64_t ts[TS_SAMPLES]; /* last-hop times, for capture-edge checks */
	uint32_t nts;
	uint64_t ts_seen;
	struct reservoir lat[]; /* n of them: lat[i] is hop i-1 -> hop i */
};

/* Observations and segmentation events per point of a direction. */
struct hopstat {
	uint32_t point;
	uint8_t dir;
	uint64_t obs;
	uint64_t copies; /* promiscuous bridge copies seen there (not hops) */
	uint64_t split_from, split_into, merged_from, merged_into;
};

struct answer_agg {
	uint8_t type, code;
	uint16_t mtu;
	struct pp_addr from;
	uint32_t point;
	uint64_t packets;
};

#define MAX_ANSWERS 4

struct seg_entry;

struct dir_agg {
	uint64_t idents;
	uint64_t pieces;
	uint64_t overflow; /* packets on routes past MAX_ROUTES (chain.c) */
	struct route **routes;
	uint32_t nroutes, caproutes;
	struct hopstat *hs;
	uint32_t nhs, caphs;

	/* orientation and TCP evidence */
	bool has_first;
	int64_t first_ts;
	uint32_t first_tuple; /* at the first hop of the earliest packet */
	uint32_t first_seq;
	bool pure_syn;     /* a SYN without ACK was seen: this is the opening side */
	bool echo_request; /* ICMP echo requests: an answer is expected */
	bool has_ack;
	uint32_t max_ack;
	bool has_seq_end;
	uint32_t seq_end_max;
	bool has_syn_seq, has_fin_seq;
	uint32_t syn_seq, fin_seq;
	uint64_t segments, retrans;
	uint64_t n_rst, n_other;
	bool has_rst;
	struct pp_addr rst_from;
	uint32_t rst_point;

	struct answer_agg ans[MAX_ANSWERS];
	uint32_t nans;

	struct seg_entry **pending;
	uint32_t npending, cappending;
};

struct conv {
	uint32_t anchor; /* tuple whose direction is d[0] */
	uint8_t proto, family;
	bool closed[2]; /* TCP: a FIN or RST went this way */
	int64_t first_ts, last_ts;
	struct dir_agg d[2];
};

/* (point, destination) -> the point that followed it on delivered paths:
 * the expected next hop of a direction that ended at that point. */
struct next_hint {
	uint32_t point;
	struct pp_addr dst;
	uint32_t next;
	uint64_t count;
};

struct hints {
	struct next_hint *v;
	size_t n, cap;
	struct htab index; /* hash of (point, destination) -> entries */
};

/* The points and topology the findings are built with (chain_set_env). */
struct chain_env {
	struct chain_point *const *points;
	const size_t *npoints;
	const struct topo *topo;
};

/* Shared between chain.c and chain_result.c. */
struct chain {
	struct flow_table *flows;
	const struct match *m;
	int64_t window;
	struct conv **conv;
	uint32_t nconv, capconv;
	struct seg_entry *seg_head, *seg_tail;
	struct seg_entry *seg_free; /* recycled entries: no allocation per packet */
	void *seg_slabs;
	struct seg_entry **scratch; /* members of the group being folded */
	bool *scratch_flag;
	uint32_t capscratch;
	uint64_t unmatched;
	chain_observer_fn *observe; /* see chain_set_observer() */
	void *observe_arg;
	struct chain_env env;
	struct hints hints;
	struct chain_store *store; /* finished conversations */
	struct chain_findings findings;
	int64_t last_scan; /* stream time of the last look for finished ones */
};

/* chain_result.c: turns a conversation into its result, stores it, and
 * frees the conversation. */
void chain_conv_finish(struct chain *c, uint32_t ci);
/* Learns the next hops of a conversation's paths (before it is finished). */
void chain_conv_hints(struct chain *c, const struct conv *cv);
/* chain.c: folds the segment groups a conversation still has pending. */
void chain_conv_flush(struct chain *c, uint32_t ci);
void chain_conv_free(struct chain *c, uint32_t ci);

/* chain_store.c */
struct chain_store *chain_store_new(void);
void chain_store_free(struct chain_store *s);
int chain_store_add(struct chain_store *s, const struct chain_conv *c, uint8_t interest);
int chain_store_seal(struct chain_store *s);
size_t chain_store_count(const struct chain_store *s);
uint8_t chain_store_interest(const struct chain_store *s, size_t i);
const struct chain_conv *chain_store_get(struct chain_store *s, size_t i);
struct route *dir_path(const struct dir_agg *d);
int64_t reservoir_median(const struct reservoir *r);

#endif
