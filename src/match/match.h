/* match.h - identities: the observations of one wire packet at every point.
 *
 * Observations arrive in (clock-corrected) time order. Each is keyed by what
 * NAT and routing leave alone (IP ID, protocol, TCP seq/ack/flags/length,
 * UDP length, ICMP type/code/seq, payload head and digest) and joins the
 * open identity with that key whose last observation is closest in time, or
 * starts a new one. An identity is complete once it is older than the
 * matching window; the caller then takes it with match_pop() and gives it
 * back with match_release().
 */
#ifndef PKTPATH_MATCH_H
#define PKTPATH_MATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "match/flow.h"
#include "pktpath/obs.h"

/* Sightings of one packet kept at most: a real path crosses a few dozen
 * capture points at most (in and out of each); beyond, the next sighting
 * starts a new identity and is counted (match_stats.hop_overflow, in the
 * reports). Most packets cross a few points: that many are kept in the
 * identity itself, more in an array of their own. */
#define MATCH_MAX_HOPS    64
#define MATCH_INLINE_HOPS 6

/* One observation of an identity, reduced to what the chain needs. */
struct match_hop {
	int64_t ts;     /* corrected to the reference clock */
	uint64_t frame; /* record number in its input */
	uint32_t point;
	uint32_t tuple; /* flow table id of the addresses/ports seen here */
	uint32_t ip_len;
	uint32_t tunnel; /* tunnel table id of the outer header, 0 = none */
	uint16_t flags;  /* PP_OBS_* of this observation */
	uint8_t ttl;
	uint8_t dir;     /* enum pp_dir */
	uint8_t tun_ttl; /* outer TTL when tunnelled: routers between the ends lower it */
	uint32_t macs;   /* hash of the outer MAC addresses, 0 when none */
};

struct match_ident {
	struct match_ident *qnext; /* expiry queue, in creation order */
	uint64_t key;
	int64_t first_ts, last_ts;
	/* the invariant fields, to verify candidates with equal key hashes */
	uint32_t ip_id, seq, ack, payload_len, digest;
	uint16_t flags, frag_off, mtu;
	uint8_t family, proto, tcp_flags, icmp_type, icmp_code;
	uint8_t head_len, digest_len;
	uint8_t head[PP_HEAD_LEN];
	/* ICMP errors: the quoted header as seen at the first and last hop */
	struct pp_tuple quote_first, quote_last;
	uint32_t quote_ip_id;
	uint8_t nhops, caphops;
	struct match_hop *hops; /* inl, or an allocated array past MATCH_INLINE_HOPS */
	struct match_hop inl[MATCH_INLINE_HOPS];
};

/* A copy of src that owns its hops (free them with match_ident_drop()). */
void match_ident_copy(struct match_ident *dst, const struct match_ident *src);
void match_ident_drop(struct match_ident *id);
/* Room for one more hop in id (false past MATCH_MAX_HOPS). */
bool match_ident_grow(struct match_ident *id);

/* Outer headers of tunnels, interned: id 0 means none. */
struct match_tunnel {
	uint8_t kind; /* enum pp_tunnel */
	uint8_t pad[3];
	uint32_t vni;
	struct pp_addr src, dst;
};

struct match_stats {
	uint64_t observations;
	uint64_t identities;
	uint64_t joined;             /* observations that joined an open identity */
	uint64_t same_point_rejects; /* a candidate already had this point: attempt/copy */
	uint64_t hop_overflow;       /* more hops than MATCH_MAX_HOPS: started anew */
};

struct match;

/* window_ns: the longest a packet may take across all points. An
 * observation flagged PP_OBS_MULTI_COPY comes from a point that may see one
 * packet several times with the same headers (a LINUX_SLL "any" capture
 * without interface index). */
struct match *match_new(struct flow_table *flows, int64_t window_ns);
void match_free(struct match *m);

/* Computes what match_add() needs of o alone (its key, its MAC hash) and
 * marks it PP_OBS_PREPARED: the reading thread does it while the matching
 * thread is busy. match_add() computes what is not prepared. */
void match_prepare(struct pp_obs *o);

/* Adds an observation whose ts is already corrected. */
void match_add(struct match *m, const struct pp_obs *o);

/* The oldest complete identity (older than the window at time now), or
 * NULL. With now = INT64_MAX every open identity is complete. */
struct match_ident *match_pop(struct match *m, int64_t now);
void match_release(struct match *m, struct match_ident *id);

/* The matching key of an observation, and whether it is strong enough to
 * pair sightings of one packet with no time window at all (TCP with a
 * non-zero IP ID, or IPv6 TCP carrying data or a SYN): clock sampling. */
uint64_t match_key(const struct pp_obs *o);
bool match_key_strong(const struct pp_obs *o);
/* A key for clock sampling, from any protocol: the strong TCP key, or for
 * UDP, ICMP and the rest the key with the payload digest when the packet
 * carries a non-zero IP ID or (IPv6) at least 16 payload bytes. False when
 * the packet cannot be told from its neighbours across nodes. */
bool match_clock_key(const struct pp_obs *o, uint64_t *key);

const struct match_tunnel *match_tunnel(const struct match *m, uint32_t id);
const struct match_stats *match_stats(const struct match *m);
/* Identities currently open (for memory accounting and tests). */
uint64_t match_open_count(const struct match *m);

#endif
