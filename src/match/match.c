/* match.c - groups observations of one wire packet across capture points.
 *
 * The key holds only fields that NAT, routing and checksum offload leave
 * alone (design.md, "match"): never addresses, ports, TTL or checksums. A key
 * is rarely unique on its own (IP ID 0 on SYN-ACKs and unconnected UDP, no IP
 * ID in IPv6, retransmitted DNS queries), so a candidate must also agree on
 * the payload head and digest, be close in time, and not already hold the
 * same point with the same headers: that would be a second attempt (or a
 * duplicate capture), not the next hop.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/htab.h"
#include "match/match.h"
#include "util/msg.h"

#define SLAB_IDENTS 4096
/* Copies of one packet in a LINUX_SLL "any" capture are microseconds apart;
 * a retransmission is at least a minimum RTO (200 ms) later. */
#define MULTI_COPY_WINDOW_NS (10 * 1000 * 1000)
/* Flags that tell different kinds of packet apart and so belong in the key.
 * Not PP_OBS_FRAG alone: a first fragment is the datagram it starts (the
 * UDP length gives its payload length), which a node that reassembles
 * forwarded fragments (conntrack defrag) shows whole; later fragments are
 * told apart by PP_OBS_FRAG_LATER. */
#define KEY_FLAGS (PP_OBS_IPID | PP_OBS_FRAG_LATER | PP_OBS_ICMP_ERROR)

struct slab {
	struct slab *next;
	struct match_ident v[SLAB_IDENTS];
};

struct match {
	struct flow_table *flows;
	int64_t window;
	/* Open addressing with linear probing: the keys sit next to each other,
	 * so a lookup compares them without touching the identities (each a
	 * cache miss), and removal shifts followers back instead of leaving
	 * tombstones. */
	struct slot {
		uint64_t key; /* 0: empty (keys are odd) */
		struct match_ident *id;
	} * slot;
	size_t nslots; /* power of two, at most half full */
	struct match_ident *qhead, *qtail;
	struct match_ident *free_list;
	struct slab *slabs;
	uint64_t open;
	struct match_tunnel *tunnels;
	uint32_t ntunnels, captunnels;
	struct htab tunnel_index;
	struct match_stats stats;
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p)
		msg_oom("matching", n * size);
	return p;
}

struct match *match_new(struct flow_table *flows, int64_t window_ns)
{
	struct match *m = xcalloc(1, sizeof *m);

	m->flows = flows;
	m->window = window_ns;
	m->nslots = 4096;
	m->slot = xcalloc(m->nslots, sizeof *m->slot);
	m->captunnels = 16;
	m->tunnels = xcalloc(m->captunnels, sizeof *m->tunnels);
	m->ntunnels = 1; /* id 0 = no tunnel */
	if (htab_init(&m->tunnel_index, 16) < 0)
		msg_oom("tunnel index", 0);
	return m;
}

void match_free(struct match *m)
{
	if (!m)
		return;
	for (struct match_ident *id = m->qhead; id; id = id->qnext)
		match_ident_drop(id);
	while (m->slabs) {
		struct slab *next = m->slabs->next;

		free(m->slabs);
		m->slabs = next;
	}
	free(m->slot);
	free(m->tunnels);
	htab_free(&m->tunnel_index);
	free(m);
}

static uint32_t tunnel_intern(struct match *m, const struct pp_obs *o)
{
	struct match_tunnel t;
	struct htab_iter it;
	uint64_t h;
	uint32_t id;

	if (o->tun.kind == PP_TUN_NONE)
		return 0;
	memset(&t, 0, sizeof t);
	t.kind = o->tun.kind;
	t.vni = o->tun.vni;
	t.src = o->tun.src;
	t.dst = o->tun.dst;
	h = htab_hash(&t, sizeof t, 0x74756eULL);
	for (int ok = htab_first(&m->tunnel_index, h, &it, &id); ok;
	     ok = htab_next(&m->tunnel_index, &it, &id)) {
		if (memcmp(&m->tunnels[id], &t, sizeof t) == 0)
			return id;
	}
	if (m->ntunnels == m->captunnels) {
		struct match_tunnel *v = realloc(m->tunnels, 2 * m->captunnels * sizeof *v);

		if (!v)
			msg_oom("tunnels", 2 * m->captunnels * sizeof *v);
		m->tunnels = v;
		m->captunnels *= 2;
	}
	id = m->ntunnels++;
	m->tunnels[id] = t;
	if (htab_put(&m->tunnel_index, h, id) < 0)
		msg_oom("tunnel index", 0);
	return id;
}

const struct match_tunnel *match_tunnel(const struct match *m, uint32_t id)
{
	return id && id < m->ntunnels ? &m->tunnels[id] : NULL;
}

static bool is_icmp(uint8_t proto)
{
	return proto == 1 || proto == 58;
}

/* The payload length in the key: a UDP first fragment counts its whole
 * datagram's (decode_udp.c), to be the datagram a reassembling node shows. */
static uint32_t key_len(const struct pp_obs *o)
{
	if (o->proto == 17 && (o->flags & (PP_OBS_FRAG | PP_OBS_FRAG_LATER)) == PP_OBS_FRAG)
		return o->ack;
	return o->payload_len;
}

uint64_t match_key(const struct pp_obs *o)
{
	uint32_t w[8] = {0};

	w[0] =
	    (uint32_t)o->proto | (uint32_t)o->family << 8 | (uint32_t)(o->flags & KEY_FLAGS) << 16;
	w[1] = (o->flags & PP_OBS_IPID) ? o->ip_id : 0;
	w[2] = key_len(o);
	w[3] = o->frag_off;
	if (o->flags & PP_OBS_FRAG_LATER) {
		/* no transport header: IP ID, offset and length carry the key */
	} else if (o->proto == 6) {
		w[4] = o->seq;
		w[5] = o->ack;
		w[6] = o->tcp_flags;
	} else if (is_icmp(o->proto)) {
		w[4] = (uint32_t)o->icmp_type | (uint32_t)o->icmp_code << 8;
		w[5] = o->seq;
		if (o->flags & PP_OBS_ICMP_ERROR) {
			w[6] = o->quote.ip_id;
			w[7] = o->quote.proto;
		}
	}
	return htab_hash(w, sizeof w, 0x6b6579ULL);
}

bool match_key_strong(const struct pp_obs *o)
{
	if (o->proto != 6 || (o->flags & PP_OBS_FRAG_LATER))
		return false;
	if ((o->flags & PP_OBS_IPID) && o->ip_id != 0)
		return true;
	return o->family == 6 && (o->payload_len > 0 || (o->tcp_flags & 0x02));
}

bool match_clock_key(const struct pp_obs *o, uint64_t *key)
{
	uint64_t k = match_key(o);

	if (match_key_strong(o)) {
		*key = k;
		return true;
	}
	if (o->proto == 6 || (o->flags & (PP_OBS_FRAG_LATER | PP_OBS_ICMP_ERROR)))
		return false;
	/* one router's identical advertisements to two nodes are two packets */
	if (addr_is_group(&o->dst) || addr_is_link_local(&o->src) || addr_is_link_local(&o->dst))
		return false;
	/* UDP, ICMP and the rest: a non-zero IP ID, or (IPv6) enough payload
	 * bytes to tell one datagram from the next, with the payload itself
	 * in the key: a retried query repeats its bytes, not its IP ID. */
	if (!((o->flags & PP_OBS_IPID) && o->ip_id != 0) && o->digest_len < 16)
		return false;
	*key = htab_hash(&o->digest, sizeof o->digest, k) | 1;
	return true;
}

/* The fields behind the key, compared for real (hashes collide). */
static bool same_invariants(const struct match_ident *id, const struct pp_obs *o)
{
	uint8_t n;

	if (id->family != o->family || id->proto != o->proto ||
	    (id->flags & KEY_FLAGS) != (o->flags & KEY_FLAGS) || id->payload_len != key_len(o) ||
	    id->frag_off != o->frag_off)
		return false;
	if ((o->flags & PP_OBS_IPID) && id->ip_id != o->ip_id)
		return false;
	if (o->proto == 6 && !(o->flags & PP_OBS_FRAG_LATER) &&
	    (id->seq != o->seq || id->ack != o->ack || id->tcp_flags != o->tcp_flags))
		return false;
	if (is_icmp(o->proto) &&
	    (id->icmp_type != o->icmp_type || id->icmp_code != o->icmp_code || id->seq != o->seq))
		return false;
	if (o->flags & PP_OBS_ICMP_ERROR)
		return id->quote_ip_id == o->quote.ip_id; /* NAT rewrites the quoted bytes */
	/* Payload bytes: compare what both captured (snaplen may differ). */
	n = id->head_len < o->head_len ? id->head_len : o->head_len;
	if (n && memcmp(id->head, o->head, n) != 0)
		return false;
	if (id->digest_len == o->digest_len && id->digest_len && id->digest != o->digest)
		return false;
	return true;
}

/* Packets NAT never rewrites: multicast and broadcast, link-local ones
 * (they never cross a router) and IPv6 neighbour discovery. */
static bool never_rewritten(const struct pp_tuple *t, uint8_t icmp_type)
{
	return addr_is_group(&t->dst) || addr_is_link_local(&t->src) ||
	       addr_is_link_local(&t->dst) ||
	       (t->proto == 58 && icmp_type >= 133 && icmp_type <= 137);
}

/* b is a with source and destination swapped: an answer, never the same
 * packet rewritten (NAT replaces one side, or both with new addresses). */
static bool is_reflection(const struct pp_tuple *a, const struct pp_tuple *b)
{
	if (addr_eq(&a->src, &a->dst) || !addr_eq(&a->src, &b->dst) || !addr_eq(&a->dst, &b->src))
		return false;
	return !a->has_ports || (a->sport == b->dport && a->dport == b->sport);
}

/* Identical packets from or to different hosts are different packets when
 * NAT cannot have rewritten them: IGMP and MLD reports, neighbour
 * advertisements from one router to two nodes (no IP ID, same payload);
 * nor is a packet the same one as its mirror image (two EIGRP packets with
 * IP ID 0 and the same bytes, one each way). */
static bool addresses_agree(const struct match *m, const struct match_ident *id, uint32_t tuple)
{
	const struct pp_tuple *a = flow_tuple(m->flows, id->hops[0].tuple);
	const struct pp_tuple *b = flow_tuple(m->flows, tuple);

	if (is_reflection(a, b))
		return false;
	if (!never_rewritten(a, id->icmp_type) && !never_rewritten(b, id->icmp_type))
		return true;
	return addr_eq(&a->src, &b->src) && addr_eq(&a->dst, &b->dst);
}

static uint32_t mac_hash(const struct pp_obs *o)
{
	uint8_t m[12];

	if (!(o->flags & PP_OBS_MAC))
		return 0;
	memcpy(m, o->mac_src, 6);
	memcpy(m + 6, o->mac_dst, 6);
	return (uint32_t)htab_hash(m, sizeof m, 0x6d6163ULL) | 1;
}

static uint32_t obs_macs(const struct pp_obs *o)
{
	return (o->flags & PP_OBS_PREPARED) ? o->macs : mac_hash(o);
}

void match_prepare(struct pp_obs *o)
{
	o->match_key = match_key(o);
	o->macs = mac_hash(o);
	o->flags |= PP_OBS_PREPARED;
}

/* May o be the next hop of id? A point sees one packet at most twice, in
 * and out, and then it was routed in between (its TTL fell) or the capture
 * says which way it went; the same TTL again is a new attempt of the packet
 * (or a duplicate capture), not the next hop. */
static bool hop_allowed(const struct match *m, const struct match_ident *id, const struct pp_obs *o)
{
	unsigned seen = 0;

	if (id->nhops >= MATCH_MAX_HOPS)
		return false;
	for (unsigned i = 0; i < id->nhops; i++) {
		const struct match_hop *h = &id->hops[i];
		bool dirs_differ;

		if (h->point != o->point)
			continue;
		if (o->flags & PP_OBS_MULTI_COPY) {
			if (o->ts - h->ts > MULTI_COPY_WINDOW_NS)
				return false;
			continue;
		}
		dirs_differ =
		    h->dir != PP_DIR_UNKNOWN && o->dir != PP_DIR_UNKNOWN && h->dir != o->dir;
		/* a router on a stick forwards a tunnelled packet out of the
		 * interface it came in by: its inner TTL stays, but the outer
		 * TTL falls and the frame gets new MAC addresses */
		dirs_differ |= o->tun.kind != PP_TUN_NONE && h->tunnel && h->tun_ttl != o->tun.ttl;
		dirs_differ |= h->macs && h->macs != obs_macs(o);
		if (++seen >= 2 || (!dirs_differ && h->ttl == o->ttl))
			return false;
	}
	return true;
}

static struct match_ident *ident_alloc(struct match *m)
{
	struct match_ident *id;

	if (!m->free_list) {
		struct slab *s = malloc(sizeof *s);

		if (!s)
			msg_oom("matching window", sizeof *s);
		s->next = m->slabs;
		m->slabs = s;
		for (size_t i = 0; i < SLAB_IDENTS; i++) {
			s->v[i].qnext = m->free_list;
			m->free_list = &s->v[i];
		}
	}
	id = m->free_list;
	m->free_list = id->qnext;
	return id;
}

void match_ident_copy(struct match_ident *dst, const struct match_ident *src)
{
	memcpy(dst, src, offsetof(struct match_ident, hops));
	dst->hops = dst->inl;
	dst->caphops = MATCH_INLINE_HOPS;
	if (src->nhops > MATCH_INLINE_HOPS) {
		dst->hops = malloc(src->nhops * sizeof *dst->hops);
		if (!dst->hops)
			msg_oom("packet sightings", src->nhops * sizeof *dst->hops);
		dst->caphops = src->nhops;
	}
	memcpy(dst->hops, src->hops, src->nhops * sizeof *dst->hops);
}

void match_ident_drop(struct match_ident *id)
{
	if (id->hops != id->inl)
		free(id->hops);
	id->hops = id->inl;
	id->caphops = MATCH_INLINE_HOPS;
	id->nhops = 0;
}

bool match_ident_grow(struct match_ident *id)
{
	struct match_hop *v;
	unsigned cap;

	if (id->nhops < id->caphops)
		return true;
	if (id->nhops >= MATCH_MAX_HOPS)
		return false;
	cap = 2u * id->caphops > MATCH_MAX_HOPS ? MATCH_MAX_HOPS : 2u * id->caphops;
	v = id->hops == id->inl ? malloc(cap * sizeof *v) : realloc(id->hops, cap * sizeof *v);
	if (!v)
		msg_oom("packet sightings", cap * sizeof *v);
	if (id->hops == id->inl)
		memcpy(v, id->inl, id->nhops * sizeof *v);
	id->hops = v;
	id->caphops = (uint8_t)cap;
	return true;
}

void match_release(struct match *m, struct match_ident *id)
{
	match_ident_drop(id);
	id->qnext = m->free_list;
	m->free_list = id;
}

/* The slot a key starts probing at: its high bits (the low bit is always 1). */
static size_t home(const struct match *m, uint64_t key)
{
	return (size_t)(key >> 17) & (m->nslots - 1);
}

static void slot_put(struct match *m, uint64_t key, struct match_ident *id)
{
	size_t i = home(m, key);

	while (m->slot[i].key)
		i = (i + 1) & (m->nslots - 1);
	m->slot[i].key = key;
	m->slot[i].id = id;
}

static void grow(struct match *m)
{
	struct slot *old = m->slot;
	size_t n = m->nslots;

	m->nslots *= 2;
	m->slot = xcalloc(m->nslots, sizeof *m->slot);
	for (size_t i = 0; i < n; i++) {
		if (old[i].key)
			slot_put(m, old[i].key, old[i].id);
	}
	free(old);
}

static void add_hop(struct match *m, struct match_ident *id, const struct pp_obs *o, uint32_t tuple)
{
	struct match_hop *h;

	match_ident_grow(id); /* hop_allowed() said there is room */
	h = &id->hops[id->nhops++];

	h->ts = o->ts;
	h->frame = o->frame;
	h->point = o->point;
	h->tuple = tuple;
	h->ip_len = o->ip_len;
	h->tunnel = tunnel_intern(m, o);
	h->flags = o->flags;
	h->ttl = o->ttl;
	h->dir = o->dir;
	h->tun_ttl = o->tun.ttl;
	h->macs = obs_macs(o);
	if (o->ts > id->last_ts)
		id->last_ts = o->ts;
	if (o->flags & PP_OBS_ICMP_ERROR) {
		struct pp_tuple *q = id->nhops == 1 ? &id->quote_first : &id->quote_last;

		memset(q, 0, sizeof *q);
		q->src = o->quote.src;
		q->dst = o->quote.dst;
		q->proto = o->quote.proto;
		if (o->flags & PP_OBS_QUOTE_PORTS) {
			q->sport = o->quote.sport;
			q->dport = o->quote.dport;
			q->has_ports = 1;
		}
		if (id->nhops == 1)
			id->quote_last = *q;
	}
}

static struct match_ident *ident_start(struct match *m, const struct pp_obs *o, uint64_t key)
{
	struct match_ident *id = ident_alloc(m);

	memset(id, 0, offsetof(struct match_ident, hops));
	id->hops = id->inl;
	id->caphops = MATCH_INLINE_HOPS;
	id->key = key;
	id->first_ts = id->last_ts = o->ts;
	id->ip_id = o->ip_id;
	id->seq = o->seq;
	id->ack = o->ack;
	id->payload_len = key_len(o);
	id->digest = o->digest;
	id->flags = o->flags;
	id->frag_off = o->frag_off;
	id->mtu = o->mtu;
	id->family = o->family;
	id->proto = o->proto;
	id->tcp_flags = o->tcp_flags;
	id->icmp_type = o->icmp_type;
	id->icmp_code = o->icmp_code;
	id->head_len = o->head_len;
	id->digest_len = o->digest_len;
	memcpy(id->head, o->head, sizeof id->head);
	id->quote_ip_id = o->quote.ip_id;

	if (2 * (m->open + 1) > m->nslots)
		grow(m);
	slot_put(m, key, id);
	id->qnext = NULL;
	if (m->qtail)
		m->qtail->qnext = id;
	else
		m->qhead = id;
	m->qtail = id;
	m->open++;
	m->stats.identities++;
	return id;
}

void match_add(struct match *m, const struct pp_obs *o)
{
	uint64_t key = (o->flags & PP_OBS_PREPARED) ? o->match_key : match_key(o);
	struct match_ident *best = NULL;
	int64_t best_dt = INT64_MAX;
	struct pp_tuple t;
	uint32_t tuple;

	m->stats.observations++;
	flow_tuple_of(o, &t);
	tuple = flow_intern(m->flows, &t);
	for (size_t i = home(m, key); m->slot[i].key; i = (i + 1) & (m->nslots - 1)) {
		struct match_ident *id = m->slot[i].id;
		int64_t dt;

		if (m->slot[i].key != key || !same_invariants(id, o))
			continue;
		dt = o->ts - id->last_ts;
		if (dt < 0)
			dt = -dt;
		if (dt > m->window || dt >= best_dt)
			continue;
		if (!hop_allowed(m, id, o) || !addresses_agree(m, id, tuple)) {
			m->stats.same_point_rejects++;
			if (id->nhops >= MATCH_MAX_HOPS)
				m->stats.hop_overflow++;
			continue;
		}
		best = id;
		best_dt = dt;
	}
	if (best) {
		m->stats.joined++;
		add_hop(m, best, o, tuple);
		return;
	}
	add_hop(m, ident_start(m, o, key), o, tuple);
}

/* Removes id and shifts back the entries after it that probed past its
 * slot, so that every key stays reachable from its home. */
static void slot_remove(struct match *m, const struct match_ident *id)
{
	size_t mask = m->nslots - 1, i = home(m, id->key), j;

	while (m->slot[i].id != id)
		i = (i + 1) & mask;
	for (j = (i + 1) & mask; m->slot[j].key; j = (j + 1) & mask) {
		size_t h = home(m, m->slot[j].key);

		/* j's entry may move to i when its home is not in (i, j] */
		if (((j - h) & mask) >= ((j - i) & mask)) {
			m->slot[i] = m->slot[j];
			i = j;
		}
	}
	m->slot[i].key = 0;
	m->slot[i].id = NULL;
}

struct match_ident *match_pop(struct match *m, int64_t now)
{
	struct match_ident *id = m->qhead;

	if (!id || (now != INT64_MAX && now - id->first_ts <= m->window))
		return NULL;
	m->qhead = id->qnext;
	if (!m->qhead)
		m->qtail = NULL;
	slot_remove(m, id);
	m->open--;
	return id;
}

const struct match_stats *match_stats(const struct match *m)
{
	return &m->stats;
}

uint64_t match_open_count(const struct match *m)
{
	return m->open;
}
