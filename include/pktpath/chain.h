/* chain.h - hop chains and findings per conversation: the report model.
 *
 * chain_add() folds each complete identity (one wire packet at every point
 * it was seen) into its conversation: hops are ordered (TTL only decreases
 * along a path; time orders hops of equal TTL), TCP segments split by
 * GSO/TSO or merged by GRO between points are joined by sequence ranges, and
 * the hop sequence is counted as one route of its direction. chain_finish()
 * turns the aggregates into results: per direction the path (the route that
 * went furthest), NAT rewrites, the verdict, stops and what answered them,
 * and where the client's address was lost. Reports read only this header.
 */
#ifndef PKTPATH_CHAIN_H
#define PKTPATH_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "match/flow.h"
#include "match/match.h"
#include "pktpath/reason.h"

/* not judged: never answered, and no capture after the last point it was
 * seen at tells where it should have gone next (one point, or the last
 * captured point on its way): stopped there or lost beyond, the packets
 * cannot say. */
enum chain_verdict { CHAIN_DELIVERED, CHAIN_STOPPED, CHAIN_PARTIAL, CHAIN_NOT_JUDGED };
enum chain_nat_kind { CHAIN_DNAT, CHAIN_SNAT };
enum chain_answer_kind { CHAIN_ANSWER_ICMP, CHAIN_ANSWER_TCP_RST };
enum chain_dir_index { CHAIN_FORWARD = 0, CHAIN_REVERSE = 1 };

/* Why a point was not capturing for a while: stopped packets whose next
 * point was not capturing are not stops. QUIET is a stretch of at least
 * CHAIN_QUIET_NS without a packet: a gap only when the packets that should
 * have crossed it were many (see chain_result.c). */
enum chain_gap_why {
	CHAIN_GAP_QUIET,
	CHAIN_GAP_MISSING_PIECE,
	CHAIN_GAP_RING_OVERWRITTEN,
	CHAIN_GAP_KERNEL_DROPS,
	CHAIN_GAP_CAPTURE_START,
	CHAIN_GAP_CAPTURE_END,
};

#define CHAIN_QUIET_NS (1000LL * 1000 * 1000)

struct chain_gap {
	int64_t from, to; /* corrected; INT64_MIN / INT64_MAX: open */
	uint8_t why;      /* enum chain_gap_why */
	bool used;        /* packets were not judged because of it */
	uint64_t packets; /* KERNEL_DROPS: how many the capture lost */
	uint64_t excused; /* packets not judged because of it */
};

/* A capture point as the report shows it (filled by the orchestrator). */
struct chain_point {
	char *name;
	char *node;
	uint32_t node_id;
	char **files;
	size_t nfiles;
	uint64_t packets;
	int64_t first_ts, last_ts; /* raw, the point's own clock; 0 if no packet */
	int64_t clock_offset;      /* ns ahead of the reference node */
	bool clock_estimated;      /* false: no evidence, assumed 0 */
	bool clock_manual;
	uint32_t clock_via; /* node the estimate was chained from */
	uint64_t clock_pairs_to, clock_pairs_from;
	int64_t clock_error; /* ns the offset may be off by; -1: unknown */
	uint32_t input;      /* index of the input it was read from */
	/* Where the point was not capturing: missing pieces of a rotated set,
	 * a ring's overwritten start, kernel drops (few), and the quiet
	 * stretches and edges that excused packets (for the report). */
	struct chain_gap *gaps;
	size_t ngaps, capgaps;
	/* Quiet stretches (no packet for CHAIN_QUIET_NS or more), in time
	 * order, for the stop checks. */
	int64_t (*quiet)[2];
	size_t nquiet, capquiet;
	int64_t first_seen, last_seen; /* corrected times of its packets so far */
};

/* Adds a gap to a point; returns it (valid until the next one is added). */
struct chain_gap *chain_point_gap(struct chain_point *p, int64_t from, int64_t to,
                                  enum chain_gap_why why, uint64_t packets);
/* Puts a point's gaps in time order (from, to, kind): the order they were
 * met in depends on which conversations were judged when. */
void chain_point_sort_gaps(struct chain_point *p);
/* Notes that point p saw a packet at corrected time t (stream order). */
void chain_point_seen(struct chain_point *p, int64_t t);
const char *chain_gap_name(enum chain_gap_why why);

struct chain_node {
	char *name;
	int64_t clock_offset;
	bool estimated, manual;
	uint32_t via;
	uint64_t pairs_to, pairs_from;
	int64_t clock_error; /* ns; -1: unknown */
};

struct chain_hop {
	uint32_t point;
	uint8_t dir; /* enum pp_dir; PP_DIR_UNKNOWN when the point is seen once */
	uint8_t ttl;
	uint64_t packets; /* observations at this hop */
	struct pp_tuple tuple;
	bool has_latency;
	double latency_us_p50; /* from the previous hop */
	bool has_tunnel;
	struct match_tunnel tunnel;
	/* TCP segmentation seen between the previous hop and this one */
	uint64_t split_from, split_into;   /* super-segments -> segments */
	uint64_t merged_from, merged_into; /* segments -> merged segments */
};

struct chain_endpoint {
	struct pp_addr addr;
	uint16_t port;
	bool has_port;
};

struct chain_nat {
	enum chain_nat_kind kind; /* the field rewritten: DNAT destination, SNAT source */
	bool reverse;             /* undoes a rewrite of the other direction */
	struct chain_endpoint from, to;
	uint32_t after_hop, before_hop; /* indices into hops */
	/* the packets that showed it (0: not counted) and their corrected
	 * times at before_hop: a NAT that started part-way applies to these */
	uint64_t packets;
	int64_t first_ts, last_ts;
};

struct chain_stop {
	uint32_t after_hop;    /* index into hops */
	int64_t expected_next; /* point id, or -1 when unknown */
	/* From the topology of the node where it stopped: the route a packet
	 * to its destination takes there ("" when unknown) and the device it
	 * should have left by. Set whether or not that device was captured. */
	char expected_route[128];
	char expected_dev[64];
	uint64_t packets;
	/* what sets the stopped packets apart from those that arrived */
	uint32_t len_min, len_max; /* IP total length at the last hop */
	bool has_delivered_len;
	uint32_t delivered_len_min, delivered_len_max;
	uint64_t df;                      /* stopped packets with DF */
	uint64_t delivered_df, delivered; /* for comparison */
	uint8_t tcp_flags_or;
	uint32_t tunnel_overhead; /* outer bytes when the last hop was encapsulated */
};

struct chain_answer {
	enum chain_answer_kind kind;
	uint8_t type, code; /* ICMP */
	uint16_t mtu;       /* fragmentation needed / packet too big */
	struct pp_addr from;
	uint32_t point; /* first point where the answer was seen */
	uint64_t packets;
};

struct chain_lost {
	struct pp_addr original, replaced_by;
	uint32_t after_hop, before_hop;
};

/* A point that saw a direction's packets without being on its path: a
 * promiscuous bridge device's copies of frames bridged port to port. */
struct chain_sighting {
	uint32_t point;
	uint64_t packets;
};

struct chain_dir {
	bool present;
	uint64_t packets;  /* wire packets (identities; split segments count once each) */
	uint64_t segments; /* TCP: distinct segments, retransmissions not counted */
	uint64_t retransmissions;
	uint64_t unmatched; /* seen at one point in the middle of the path only */
	struct chain_hop *hops;
	uint32_t nhops;
	struct chain_nat *nat;
	uint32_t nnat;
	enum chain_verdict verdict;
	bool has_stop;
	struct chain_stop stop;
	bool has_answer;
	struct chain_answer answer;
	bool has_lost;
	struct chain_lost lost;
	struct chain_sighting *copies;
	uint32_t ncopies;
	/* TCP segments lost between two points whose bytes a retransmission
	 * delivered later: not a stop */
	bool has_recovered;
	struct {
		uint64_t packets;
		uint32_t after_hop;     /* index into hops */
		uint32_t expected_next; /* point id */
	} recovered;
	/* packets that ended before a point that was not capturing then: not
	 * judged (the point's gap says why) */
	bool has_gap;
	struct {
		uint64_t packets;
		uint32_t point;
		uint8_t why; /* enum chain_gap_why */
	} gap;
};

struct chain_conv {
	uint32_t id; /* 1.. in order of the first packet */
	uint8_t proto, family;
	struct pp_tuple origin;
	int64_t first_ts, last_ts; /* corrected */
	struct chain_dir dir[2];   /* CHAIN_FORWARD, CHAIN_REVERSE */
	bool selected;             /* -f passed a packet of it, at any point */
};

struct topo;
struct chain_store;

/* Counts over every conversation (a view may show fewer). */
struct chain_findings {
	size_t conversations;
	size_t stopped, partial, delivered; /* per conversation: its worst direction */
	size_t client_ip_lost;
	size_t nat, snat;      /* conversations with any / a forward SNAT */
	size_t recovered_loss; /* conversations with loss TCP recovered */
	size_t not_judged;     /* neither stopped nor partial, a direction not judged */
};
/* Counts one finished conversation into f. */
void chain_findings_add(struct chain_findings *f, const struct chain_conv *r);

/* Where a bound of the analysis was reached: each is a number of packets
 * (interfaces: of interfaces) that were handled less well than the rest,
 * said in the reports instead of changing a verdict silently. */
struct chain_limits {
	uint64_t hops;       /* sightings past MATCH_MAX_HOPS: counted as new packets */
	uint64_t routes;     /* packets of a direction's routes past its 64th */
	uint64_t order;      /* packets with a point past a direction's 64th */
	uint64_t points;     /* sightings at a point past a direction's 128th */
	uint64_t interfaces; /* packets of interfaces past POINT_MAX: folded into their
	                        input's own point */
};

struct chain_result {
	struct topo *topo; /* names and classifies; may hold no node */
	struct chain_limits limits;
	struct chain_point *points;
	size_t npoints;
	struct chain_node *nodes;
	size_t nnodes;
	/* Conversations are kept outside memory (chain_store.c) and read back
	 * with chain_result_conv(), in order of their first packet. */
	struct chain_store *store;
	size_t nconv;
	struct chain_findings findings;
	struct pp_counts counts; /* all inputs together */
	uint64_t unmatched;      /* observations counted under match.unmatched */
	int64_t window_ns;
	uint32_t shard, nshards; /* --shard K/N: K-1 and N; nshards 0: not a shard */
};

/* Conversation i (0 <= i < nconv; its id is i + 1). The result is valid
 * until a call for another conversation whose index is the same modulo
 * 1024; NULL when it cannot be read back. */
const struct chain_conv *chain_result_conv(const struct chain_result *r, size_t i);
/* How much a conversation deserves attention: 4 stopped, 3 partial,
 * 2 client IP lost, 1 rewritten, 0 else (the worst direction). */
unsigned chain_result_interest(const struct chain_result *r, size_t i);

struct chain;

struct chain *chain_new(struct flow_table *flows, const struct match *m, int64_t window_ns);
void chain_free(struct chain *c);

/* Folds one complete identity. */
void chain_add(struct chain *c, const struct match_ident *id);

/* Called by chain_add() for every identity (--write-pcapng notes where each
 * observation went): raw as matched; hops with the promiscuous bridge copies
 * taken out and the rest in path order, in/out named (nhops may be 0), or
 * NULL for an ICMP error, which answers the conversation it quotes. */
typedef void chain_observer_fn(void *arg, const struct match_ident *raw,
                               const struct match_ident *hops);
void chain_set_observer(struct chain *c, chain_observer_fn *fn, void *arg);

/* --shard: aggregates only the conversations of shard k (0..n-1) of n,
 * decided when a conversation starts by a hash of its first tuple. */
void chain_set_shard(struct chain *c, uint32_t k, uint32_t n);

/* Completes pending work (segment groups) older than the window at now. */
void chain_tick(struct chain *c, int64_t now);

/* What the findings are built with while the stream goes on: the points
 * (the registry's array, which may move as points are added; each with its
 * clock offset) and the topology (may be NULL). */
void chain_set_env(struct chain *c, struct chain_point *const *points, const size_t *npoints,
                   const struct topo *topo);

/* Finishes every conversation still open and hands the stored results to
 * out (store, nconv, findings, unmatched, window); chain_result_free()
 * releases them together with the points, nodes and topology the caller
 * moved into out. */
void chain_finish(struct chain *c, struct chain_result *out);
void chain_result_free(struct chain_result *r);
/* A result put together outside the analysis (pktpath merge): conversations
 * are added in any order (their arrays stay the caller's) and numbered in
 * order of their first packet by chain_result_seal(), as chain_finish()
 * numbers them. */
void chain_result_add(struct chain_result *r, const struct chain_conv *c);
void chain_result_seal(struct chain_result *r);

/* Helpers for reports. */
const char *chain_verdict_name(enum chain_verdict v);
/* "ip:port", "[v6]:port", or the bare address without port. */
void chain_format_endpoint(const struct pp_addr *a, uint16_t port, bool has_port, char *buf,
                           size_t len);
void chain_format_addr(const struct pp_addr *a, char *buf, size_t len);
const char *chain_proto_name(uint8_t proto);
/* "tcp a:1 -> b:2" (an echo's identifier once, as the source port). */
void chain_format_tuple(const struct pp_tuple *t, char *buf, size_t len);
/* TCP flags the way tcpdump shows them: "S", "S.", "P.", "F.", "R" ... */
void chain_format_tcp_flags(uint8_t flags, char *buf, size_t len);

#endif
