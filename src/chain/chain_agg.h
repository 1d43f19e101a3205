/* chain_agg.h - the live aggregates behind chain.h, shared by chain.c (which
 * folds identities into them) and chain_result.c (which turns them into
 * results). Not a public interface.
 */
#ifndef PKTPATH_CHAIN_AGG_H
#define PKTPATH_CHAIN_AGG_H

#include "pktpath/chain.h"
#include "util/htab.h"

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
	uint8_t tun_ttl;
	uint32_t tuple;
	uint32_t tunnel;
};

/* A packet of a route, sampled: when it was seen at the route's last hop
 * (capture-edge checks) and, for TCP, the sequence number just past it
 * (was it delivered later by a retransmission?). */
struct route_sample {
	int64_t ts;
	uint32_t seq_end;
	uint8_t tcp_flags;
	bool tcp_data; /* a TCP segment that carried data, a SYN or a FIN */
};

/* One distinct hop sequence of a direction, with what its packets showed.
 * The hops are in the order of the packets that made the route; at the
 * end they are put in the direction's order (chain_order.c). */
struct route {
	uint8_t n;
	struct route_hop hop[MATCH_MAX_HOPS];
	uint64_t count;
	int64_t first_ts, last_ts; /* at the last hop, corrected */
	uint32_t len_min, len_max; /* IP total length at the last hop */
	uint64_t df;
	uint8_t tcp_flags_or;
	struct route_sample sample[TS_SAMPLES];
	uint32_t nts;
	uint64_t ts_seen;
};

/* Widens a route's time span and length range to take in [first, last]
 * and [len_min, len_max] (one packet: each pair equal). */
static inline void route_widen(struct route *r, int64_t first, int64_t last, uint32_t len_min,
                               uint32_t len_max)
{
	if (first < r->first_ts)
		r->first_ts = first;
	if (last > r->last_ts)
		r->last_ts = last;
	if (len_min < r->len_min)
		r->len_min = len_min;
	if (len_max > r->len_max)
		r->len_max = len_max;
}

/* A rewrite seen at one point: the tuple its packets carried there. */
struct variant {
	uint32_t tuple;
	uint64_t count;
	int64_t first_ts, last_ts; /* corrected */
};

#define ORDER_MAX    64 /* points a direction's order keeps (more: overflow) */
#define VARIANTS_MAX 8  /* tuples kept per point */

/* A point of a direction as its order sees it. */
struct order_pt {
	uint32_t point;
	uint8_t dir;
	uint32_t node;
	struct variant var[VARIANTS_MAX];
	uint32_t nvar;
};

/* Latencies between two points of a direction, a < b by index: samples are
 * t(b) - t(a) of packets that crossed them one right after the other. */
struct pairlat {
	uint16_t a, b;
	struct reservoir r;
};

/* What holds over all packets of a direction about the order of its
 * points: per pair, how many packets were seen at one before the other.
 * `late` counts only differences beyond the clocks' uncertainty (any
 * difference on one node); `raw` any strict difference. */
struct dir_order {
	struct order_pt *pt;
	uint32_t n, cap; /* late and raw are cap x cap */
	uint32_t *late, *raw;
	struct pairlat *lat;
	uint32_t nlat, caplat;
	uint32_t *rank; /* cached canonical rank per index */
	bool dirty;
	uint64_t overflow; /* packets with a point past ORDER_MAX */
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
	uint64_t spilled;  /* sightings at points past MAX_HOPSTATS */
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

	/* TCP data segments waiting to be grouped (chain.c), sorted by
	 * sequence number; a slot whose entry was folded is NULL until the
	 * array is compacted (nnull of them) */
	struct seg_pend {
		uint32_t seq;
		struct seg_entry *e;
	} * pending;
	uint32_t npending, cappending, nnull;
	uint32_t maxlen; /* the longest segment seen pending */

	struct dir_order ord;
};

struct conv {
	uint32_t anchor; /* tuple whose direction is d[0] */
	uint8_t proto, family;
	uint32_t shard; /* --shard: of another shard, only its span and end are kept */
	bool closed[2]; /* TCP: a FIN or RST went this way */
	bool selected;  /* -f passed one of its packets somewhere */
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

/* What the folding does with a conversation that ended. */
typedef void chain_conv_end_fn(struct chain *c, uint32_t ci);

/* Shared between chain.c and chain_result.c. */
struct chain {
	struct flow_table *flows;
	const struct match *m;
	int64_t window;
	struct conv **conv;
	uint32_t nconv, capconv;
	uint32_t *live; /* indices of the open ones, in order (the finished scan) */
	uint32_t nlive, caplive;
	struct seg_wait {
		int64_t last_ts; /* the segment's last sighting */
		uint64_t arrival;
		struct seg_entry *e;
	} * wait; /* segments waiting to be grouped: a heap (chain.c) */
	uint32_t nwait, capwait;
	uint64_t arrivals;
	struct seg_entry *seg_free; /* recycled entries: no allocation per packet */
	void *seg_slabs;
	struct seg_entry **scratch; /* members of the group being folded */
	bool *scratch_flag;
	uint32_t capscratch;
	uint64_t unmatched;
	chain_conv_end_fn *conv_end; /* an ended conversation: see chain_fold_new() */
	chain_observer_fn *observe;  /* see chain_set_observer() */
	void *observe_arg;
	struct chain_env env;
	struct hints hints;
	struct chain_store *store; /* finished conversations */
	struct chain_limits limits;
	struct chain_findings findings;
	int64_t last_scan;       /* stream time of the last look for finished ones */
	uint32_t shard, nshards; /* --shard: conversations this chain aggregates */
};

/* chain.c: a new chain that calls conv_end for every conversation that
 * ended (chain_result.c's chain_new passes the step that turns it into its
 * result): the folding never calls the findings, the findings call it. */
struct chain *chain_fold_new(struct flow_table *flows, const struct match *m, int64_t window_ns,
                             chain_conv_end_fn *conv_end);
/* chain.c: folds the segment groups a conversation still has pending and
 * puts its routes in order. */
void chain_conv_flush(struct chain *c, uint32_t ci);
void chain_conv_free(struct chain *c, uint32_t ci);
/* Forgets a conversation of another shard (it ended). */
void chain_conv_drop(struct chain *c, uint32_t ci);

/* chain_hints.c: (point, destination) -> the point that followed, learned
 * from every packet (its hops in order) as it is folded. */
void hints_learn(struct chain *c, const struct match_ident *id);
/* The next point most packets to dst took after point, or -1. */
int64_t hint_find(const struct hints *h, uint32_t point, const struct pp_addr *dst);

/* chain_order.c: the order of a direction's points. */
int order_find(const struct dir_order *o, uint32_t point, uint8_t dir);
/* Votes and rewrites of one identity (hops in the packet's own order). */
void order_observe(struct chain *c, struct dir_agg *d, const struct match_ident *id);
/* Latencies of consecutive hops of one folded route. */
void order_latency_add(struct dir_agg *d, const struct match_hop *h, unsigned n);
void order_merge(struct dir_order *into, struct dir_order *from);
void order_free(struct dir_order *o);
/* The rank of (point, dir) in the direction's order; UINT32_MAX if unknown. */
uint32_t order_rank(struct chain *c, struct dir_agg *d, uint32_t point, uint8_t dir);
/* Puts every route's hops in the direction's order and joins the routes
 * that then are the same. */
void order_routes(struct chain *c, struct dir_agg *d);
/* Median latency from point index a to b (either order); false if none. */
bool order_latency(const struct dir_order *o, int a, int b, int64_t *median);
/* The tuple most packets carried at (point, dir), or FLOW_NONE. */
uint32_t order_dominant(const struct dir_order *o, int index);

/* chain_route.c */
void reservoir_add(struct reservoir *r, int64_t v);
void route_merge(struct route *into, const struct route *r);
bool route_same_key(const struct route *r, const struct route_hop *h, unsigned n);

/* chain_gap.c: the known gap of point p (missing piece, ring, kernel
 * drops) that time t falls in, starting at most margin after t, or NULL. */
struct chain_gap *chain_gap_known(struct chain_point *p, int64_t t, int64_t margin);
/* The quiet stretch of p that holds t: its index, -1 before p's first
 * packet, -2 after its last, -3 when p saw nothing, LONG_MIN for none. */
long chain_gap_quiet(const struct chain_point *p, int64_t t);

/* chain_loss.c: what became of route r's packets, which ended before
 * point next of the path (path may be NULL; o is the other direction). */
struct loss_tally {
	uint64_t gap, recovered, stopped; /* sum: the route's packets */
	uint8_t why;                      /* of the gap that excused the most */
};
void loss_judge(struct chain *c, const struct dir_agg *d, const struct dir_agg *o,
                const struct route *r, const struct route *path, uint32_t next,
                struct loss_tally *t);

/* chain_store.c */
struct chain_store *chain_store_new(void);
void chain_store_free(struct chain_store *s);
int chain_store_add(struct chain_store *s, const struct chain_conv *c, uint8_t interest);
int chain_store_seal(struct chain_store *s);
size_t chain_store_count(const struct chain_store *s);
uint8_t chain_store_interest(const struct chain_store *s, size_t i);
const struct chain_conv *chain_store_get(struct chain_store *s, size_t i);
struct route *dir_path(const struct chain *c, const struct dir_agg *d);
int64_t reservoir_median(const struct reservoir *r);

#endif
