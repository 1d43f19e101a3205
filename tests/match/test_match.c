/* test_match.c - the matcher and chain on synthetic observations.
 *
 * Each case builds the observations a real kernel would produce at a few
 * points (addresses rewritten by NAT, TTLs falling per routed hop, IP IDs as
 * Linux assigns them) and checks the findings: paths, NAT, verdicts, stops.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pktpath/chain.h"
#include "match/clock.h"
#include "match/flow.h"
#include "match/match.h"
#include "topo/topo.h"

/* messages name the test function */
#define CHECK_CONTEXT __func__
#include "check.h"

enum { SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10 };

#define US  1000LL
#define MS  (1000 * US)
#define SEC (1000 * MS)
#define T0  (1700000000LL * SEC)

/* A test world: points 0..n-1 and a pipeline. */
struct world {
	struct flow_table flows;
	struct match *m;
	struct chain *c;
	struct chain_point points[8];
	struct chain_point *pts; /* what chain_set_env() looks at */
	size_t npoints;
	int64_t last;
};

static void world_init(struct world *w, size_t npoints)
{
	memset(w, 0, sizeof *w);
	flow_init(&w->flows);
	w->m = match_new(&w->flows, 500 * MS);
	w->c = chain_new(&w->flows, w->m, 500 * MS);
	w->pts = w->points;
	chain_set_env(w->c, &w->pts, &w->npoints, NULL);
	w->npoints = npoints;
	for (size_t i = 0; i < npoints; i++) {
		char name[32];

		snprintf(name, sizeof name, "p%u", (unsigned)i);
		w->points[i].name = strdup(name);
		w->points[i].node = strdup("n");
		w->points[i].packets = 1;
		w->points[i].first_ts = T0 - 10 * SEC;
		w->points[i].last_ts = T0 + 100 * SEC;
	}
}

static void drain(struct world *w, int64_t now)
{
	struct match_ident *id;

	while ((id = match_pop(w->m, now))) {
		chain_add(w->c, id);
		match_release(w->m, id);
	}
	chain_tick(w->c, now);
}

static void finish(struct world *w, struct chain_result *r)
{
	drain(w, INT64_MAX);
	memset(r, 0, sizeof *r);
	r->points = calloc(w->npoints, sizeof *r->points);
	memcpy(r->points, w->points, w->npoints * sizeof *r->points);
	r->npoints = w->npoints;
	chain_finish(w->c, r);
	chain_free(w->c);
	match_free(w->m);
	flow_free(&w->flows);
}

struct pkt {
	const char *src, *dst;
	uint16_t sport, dport;
	uint32_t ip_id, seq, ack;
	uint8_t flags;
	uint32_t len;
};

static void set_addr(struct pp_addr *a, const char *s)
{
	uint8_t v4[4];

	if (inet_pton(AF_INET, s, v4) != 1)
		abort();
	addr_set_v4(a, v4);
}

/* The fields every sighting has: protocol, addresses, point, time, TTL. */
static struct pp_obs obs_at(uint8_t proto, const char *src, const char *dst, uint32_t point,
                            int64_t t, uint8_t ttl)
{
	struct pp_obs o;

	memset(&o, 0, sizeof o);
	o.ts = t;
	o.point = point;
	o.ifindex = UINT32_MAX;
	o.family = 4;
	o.proto = proto;
	set_addr(&o.src, src);
	set_addr(&o.dst, dst);
	o.ttl = ttl;
	return o;
}

/* Hands o to the matcher, and what it has finished to the chain. */
static void observe(struct world *w, const struct pp_obs *o)
{
	if (o->ts > w->last)
		w->last = o->ts;
	match_add(w->m, o);
	drain(w, w->last);
}

/* The TCP segment p at point `point`, time t, ttl. */
static struct pp_obs obs_tcp(const struct pkt *p, uint32_t point, int64_t t, uint8_t ttl)
{
	struct pp_obs o = obs_at(6, p->src, p->dst, point, t, ttl);

	o.sport = p->sport;
	o.dport = p->dport;
	o.ip_id = p->ip_id;
	o.seq = p->seq;
	o.ack = p->ack;
	o.tcp_flags = p->flags;
	o.payload_len = p->len;
	o.ip_len = 40 + p->len;
	o.flags = PP_OBS_PORTS | PP_OBS_IPID | PP_OBS_DF;
	if (p->len) {
		o.head_len = 8;
		memcpy(o.head, &p->seq, 4);
		o.digest = p->seq * 2654435761u;
		o.digest_len = p->len < 64 ? (uint8_t)p->len : 64;
	}
	return o;
}

/* One observation of p at point `point`, time t, ttl. */
static void see(struct world *w, const struct pkt *p, uint32_t point, int64_t t, uint8_t ttl)
{
	struct pp_obs o = obs_tcp(p, point, t, ttl);

	observe(w, &o);
}

/* Like see(), in an Ethernet frame from MAC ..:src to MAC ..:dst; with
 * outer_ttl, inside VXLAN from 10.0.0.180 to 10.0.0.181. */
static void see_eth(struct world *w, const struct pkt *p, uint32_t point, int64_t t, uint8_t ttl,
                    uint8_t src, uint8_t dst, uint8_t outer_ttl)
{
	struct pp_obs o = obs_tcp(p, point, t, ttl);

	o.flags |= PP_OBS_MAC;
	memcpy(o.mac_src, (uint8_t[6]){0x0a, 0x58, 0, 0, 0, src}, 6);
	memcpy(o.mac_dst, (uint8_t[6]){0x0a, 0x58, 0, 0, 0, dst}, 6);
	if (outer_ttl) {
		o.tun.kind = PP_TUN_VXLAN;
		o.tun.ttl = outer_ttl;
		o.tun.vni = 1;
		set_addr(&o.tun.src, "10.0.0.180");
		set_addr(&o.tun.dst, "10.0.0.181");
	}
	observe(w, &o);
}

/* Sends p along points[0..n) with a DNAT of the destination after hop
 * `nat_at` (the hop index where the new address is first seen). */
static void send_path(struct world *w, struct pkt p, const uint32_t *pts, unsigned n, int64_t t,
                      uint8_t ttl, unsigned nat_at, const char *new_dst, uint16_t new_dport)
{
	for (unsigned i = 0; i < n; i++) {
		if (new_dst && i == nat_at) {
			p.dst = new_dst;
			p.dport = new_dport;
		}
		see(w, &p, pts[i], t + (int64_t)i * 20 * US, ttl);
		if (i + 1 < n && i + 1 >= 2)
			ttl--; /* routed after the first two (pod eth0 and veth) */
	}
}

static const struct chain_conv *find_conv(const struct chain_result *r, uint16_t sport)
{
	for (size_t i = 0; i < r->nconv; i++) {
		if (chain_result_conv(r, i)->origin.sport == sport)
			return chain_result_conv(r, i);
	}
	return NULL;
}

/* Pod A (p0) -> veth (p1) -> node eth0 (p2) -> node2 eth0 (p3): ClusterIP
 * DNAT between p1 and p2, SYN-ACK with IP ID 0 back, un-DNAT on the way. */
static void handshake(struct world *w, uint16_t sport, uint32_t ipid_c, int64_t t)
{
	static const uint32_t fwd[] = {0, 1, 2, 3}, rev[] = {3, 2, 1, 0};
	struct pkt syn = {"10.1.0.5", "10.96.0.10", sport, 80, ipid_c, 1000, 0, SYN, 0};
	struct pkt synack = {"10.2.0.7", "10.1.0.5", 80, sport, 0, 5000, 1001, SYN | ACK, 0};
	struct pkt ack = {"10.1.0.5", "10.96.0.10", sport, 80, ipid_c + 1, 1001, 5001, ACK, 0};
	struct pkt req = {"10.1.0.5", "10.96.0.10", sport,     80, ipid_c + 2,
	                  1001,       5001,         PSH | ACK, 100};

	send_path(w, syn, fwd, 4, t, 64, 2, "10.2.0.7", 80);
	/* the reply shows the pod address until node1 reverses the DNAT */
	for (unsigned i = 0; i < 4; i++) {
		struct pkt p = synack;

		if (i >= 2)
			p.src = "10.96.0.10";
		see(w, &p, rev[i], t + 1 * MS + (int64_t)i * 20 * US,
		    (uint8_t)(64 - (i ? i - 0 : 0)));
	}
	send_path(w, ack, fwd, 4, t + 2 * MS, 64, 2, "10.2.0.7", 80);
	send_path(w, req, fwd, 4, t + 3 * MS, 64, 2, "10.2.0.7", 80);
}

static void test_nat_path_and_ipid_zero(void)
{
	struct world w;
	struct chain_result r;
	const struct chain_conv *c;

	world_init(&w, 4);
	handshake(&w, 40001, 100, T0);
	/* a second flow whose SYN-ACK also has IP ID 0, at the same time */
	handshake(&w, 40002, 200, T0 + 50 * US);
	finish(&w, &r);

	CHECK(r.nconv == 2);
	c = find_conv(&r, 40001);
	CHECK(c != NULL);
	if (!c)
		goto out;
	CHECK(c->dir[CHAIN_FORWARD].present && c->dir[CHAIN_REVERSE].present);
	CHECK(c->dir[CHAIN_FORWARD].nhops == 4);
	for (uint32_t i = 0; i < c->dir[CHAIN_FORWARD].nhops; i++)
		CHECK(c->dir[CHAIN_FORWARD].hops[i].point == i);
	CHECK(c->dir[CHAIN_FORWARD].nnat == 1);
	CHECK(c->dir[CHAIN_FORWARD].nat[0].kind == CHAIN_DNAT);
	CHECK(c->dir[CHAIN_FORWARD].nat[0].after_hop == 1);
	CHECK(c->dir[CHAIN_FORWARD].nat[0].before_hop == 2);
	CHECK(c->dir[CHAIN_FORWARD].verdict == CHAIN_DELIVERED);
	CHECK(c->dir[CHAIN_FORWARD].packets == 3);
	CHECK(c->dir[CHAIN_REVERSE].nhops == 4);
	CHECK(c->dir[CHAIN_REVERSE].hops[0].point == 3);
	CHECK(c->dir[CHAIN_REVERSE].nnat == 1);
	CHECK(c->dir[CHAIN_REVERSE].nat[0].kind == CHAIN_SNAT);
	CHECK(c->dir[CHAIN_REVERSE].nat[0].reverse);
	CHECK(c->dir[CHAIN_REVERSE].verdict == CHAIN_DELIVERED);
	CHECK(!c->dir[CHAIN_FORWARD].has_lost);
	c = find_conv(&r, 40002);
	CHECK(c && c->dir[CHAIN_REVERSE].packets == 1 && c->dir[CHAIN_FORWARD].packets == 3);
out:
	chain_result_free(&r);
}

/* IP IDs wrap from 65535 to 0: a data packet with IP ID 0 still matches. */
static void test_ipid_wraparound(void)
{
	static const uint32_t fwd[] = {0, 1, 2, 3};
	struct world w;
	struct chain_result r;

	world_init(&w, 4);
	handshake(&w, 40010, 65533, T0);
	for (uint32_t k = 0; k < 4; k++) {
		struct pkt d = {"10.1.0.5",     "10.96.0.10", 40010, 80, (65536 + k) & 0xffff,
		                1101 + 100 * k, 5001,         ACK,   100};

		send_path(&w, d, fwd, 4, T0 + 10 * MS + (int64_t)k * MS, 64, 2, "10.2.0.7", 80);
	}
	finish(&w, &r);
	CHECK(r.nconv == 1);
	if (r.nconv == 1) {
		CHECK(chain_result_conv(&r, 0)->dir[CHAIN_FORWARD].packets == 7);
		CHECK(chain_result_conv(&r, 0)->dir[CHAIN_FORWARD].verdict == CHAIN_DELIVERED);
		CHECK(chain_result_conv(&r, 0)->dir[CHAIN_FORWARD].hops[3].packets == 7);
		CHECK(chain_result_conv(&r, 0)->dir[CHAIN_FORWARD].unmatched == 0);
	}
	chain_result_free(&r);
}

/* A segment dropped after node1 eth0 is retransmitted (same seq, new IP ID)
 * and gets through, but no ACK of it was captured: nothing shows that its
 * bytes were delivered, so one packet stopped, one retransmission. */
static void test_retransmission(void)
{
	static const uint32_t fwd[] = {0, 1, 2, 3};
	struct world w;
	struct chain_result r;
	struct pkt d = {"10.1.0.5", "10.96.0.10", 40020, 80, 103, 1101, 5001, ACK, 100};

	world_init(&w, 4);
	handshake(&w, 40020, 100, T0);
	send_path(&w, d, fwd, 3, T0 + 10 * MS, 64, 2, "10.2.0.7", 80); /* lost after p2 */
	d.ip_id = 104;
	send_path(&w, d, fwd, 4, T0 + 210 * MS, 64, 2, "10.2.0.7", 80);
	finish(&w, &r);
	CHECK(r.nconv == 1);
	if (r.nconv == 1) {
		const struct chain_dir *f = &chain_result_conv(&r, 0)->dir[CHAIN_FORWARD];

		CHECK(f->verdict == CHAIN_PARTIAL);
		CHECK(f->has_stop && f->stop.packets == 1);
		CHECK(f->stop.after_hop == 2);
		CHECK(f->stop.expected_next == 3);
		CHECK(f->retransmissions == 1);
		CHECK(f->nhops == 4);
	}
	chain_result_free(&r);
}

/* NodePort with externalTrafficPolicy=Cluster: node eth0 (p1) sees the
 * packet in from the client and out rewritten (DNAT + SNAT to the node). */
static void test_same_point_in_and_out(void)
{
	struct world w;
	struct chain_result r;
	struct pkt syn = {"203.0.113.7", "10.0.0.180", 50123, 30875, 7, 9000, 0, SYN, 0};
	struct pkt out = {"10.0.0.180", "10.2.0.7", 50123, 80, 7, 9000, 0, SYN, 0};
	struct pkt sa_in = {"10.2.0.7", "10.0.0.180", 80, 50123, 0, 7000, 9001, SYN | ACK, 0};
	struct pkt sa_out = {"10.0.0.180", "203.0.113.7", 30875,     50123, 0,
	                     7000,         9001,          SYN | ACK, 0};

	world_init(&w, 3); /* p0 client, p1 node1 eth0, p2 node2 eth0 */
	see(&w, &syn, 0, T0, 64);
	see(&w, &syn, 1, T0 + 100 * US, 63);
	see(&w, &out, 1, T0 + 130 * US, 62);
	see(&w, &out, 2, T0 + 300 * US, 61);
	see(&w, &sa_in, 2, T0 + 1 * MS, 64);
	see(&w, &sa_in, 1, T0 + 1 * MS + 200 * US, 63);
	see(&w, &sa_out, 1, T0 + 1 * MS + 230 * US, 62);
	see(&w, &sa_out, 0, T0 + 1 * MS + 400 * US, 61);
	finish(&w, &r);
	CHECK(r.nconv == 1);
	if (r.nconv == 1) {
		const struct chain_dir *f = &chain_result_conv(&r, 0)->dir[CHAIN_FORWARD];
		const struct chain_dir *b = &chain_result_conv(&r, 0)->dir[CHAIN_REVERSE];

		CHECK(f->nhops == 4);
		CHECK(f->hops[1].point == 1 && f->hops[1].dir == PP_DIR_IN);
		CHECK(f->hops[2].point == 1 && f->hops[2].dir == PP_DIR_OUT);
		CHECK(f->nnat == 2);
		CHECK(f->has_lost);
		CHECK(f->has_lost && f->lost.after_hop == 1 && f->lost.before_hop == 2);
		CHECK(b->nhops == 4 && b->verdict == CHAIN_DELIVERED);
		CHECK(f->verdict == CHAIN_DELIVERED);
	}
	chain_result_free(&r);
}

/* One UDP datagram of 3000 bytes, IP ID 77, as its first fragment (1420
 * bytes of it; FRAG) or whole. */
static void see_udp_first(struct world *w, const char *src, const char *dst, uint16_t dport,
                          uint32_t point, int64_t t, uint8_t ttl, bool whole)
{
	struct pp_obs o = obs_at(17, src, dst, point, t, ttl);

	o.sport = 44102;
	o.dport = dport;
	o.ip_id = 77;
	o.flags = PP_OBS_PORTS | PP_OBS_IPID;
	o.payload_len = whole ? 2992 : 1420;
	o.ip_len = whole ? 3020 : 1448;
	if (!whole) {
		o.flags |= PP_OBS_FRAG;
		o.ack = 2992; /* the datagram's payload, from its UDP length */
	}
	o.head_len = 8;
	memcpy(o.head, "R0000001", 8);
	o.digest = 0x5eed;
	o.digest_len = 64;
	observe(w, &o);
}

/* IP fragments (scenario 24-ip-fragments): a pod sends a datagram larger
 * than its MTU in fragments; the node's conntrack reassembles it in
 * PREROUTING, so the bridge device (p2, where the DNAT shows) sees it whole,
 * and fragments it again on output (p3). The first fragment and the whole
 * datagram are one packet: before, the whole one was another identity,
 * the path lost p2 and the DNAT was placed between p1 and p3. */
static void test_fragments_reassembled(void)
{
	struct world w;
	struct chain_result r;

	world_init(&w, 4); /* p0 pod eth0, p1 host veth, p2 cni0, p3 flannel.1 */
	see_udp_first(&w, "10.1.0.23", "10.96.0.53", 53, 0, T0, 64, false);
	see_udp_first(&w, "10.1.0.23", "10.96.0.53", 53, 1, T0 + 10 * US, 64, false);
	see_udp_first(&w, "10.1.0.23", "10.2.0.163", 9000, 2, T0 + 40 * US, 64, true);
	see_udp_first(&w, "10.1.0.23", "10.2.0.163", 9000, 3, T0 + 60 * US, 63, false);
	finish(&w, &r);
	CHECK(r.nconv == 1);
	if (r.nconv == 1) {
		const struct chain_dir *f = &chain_result_conv(&r, 0)->dir[CHAIN_FORWARD];

		CHECK(f->nhops == 4);
		CHECK(f->nhops == 4 && f->hops[2].point == 2);
		CHECK(f->nnat == 1);
		CHECK(f->nnat == 1 && f->nat[0].kind == CHAIN_DNAT && f->nat[0].after_hop == 1 &&
		      f->nat[0].before_hop == 2);
		CHECK(f->verdict == CHAIN_DELIVERED && f->unmatched == 0);
	}
	chain_result_free(&r);
}

/* Hairpin (scenario 25-hairpin): a pod calls a ClusterIP whose endpoint is
 * itself; the bridge DNATs and masquerades the frame and sends it back out
 * of the port it came in by, TTL untouched. Its eth0 (p0) sees it first
 * going out, last coming in; the host veth (p1) in, then out. Before, the
 * first sighting of a point seen twice was always "in". A router on a
 * stick captured alone (one point, the outer TTL of the VXLAN packet it
 * routes lowered, the inner one not) stays in, then out. */
static void test_hairpin_directions(void)
{
	struct world w;
	struct chain_result r;
	struct pkt syn = {"10.1.0.35", "10.96.0.10", 44201, 80, 9, 700, 0, SYN, 0};
	struct pkt mid = {"10.1.0.35", "10.1.0.35", 44201, 80, 9, 700, 0, SYN, 0};
	struct pkt back = {"10.1.0.1", "10.1.0.35", 44201, 80, 9, 700, 0, SYN, 0};
	struct pkt fw = {"10.0.0.180", "10.0.0.181", 5555, 8472, 33, 900, 0, SYN, 0};

	world_init(&w, 4); /* p0 pod eth0, p1 host veth, p2 cni0, p3 a router's only port */
	/* the pod (..:23) sends to its gateway cni0 (..:01); the frame that
	 * comes back keeps the pod's MAC as source and is addressed to it */
	see_eth(&w, &syn, 0, T0, 64, 0x23, 0x01, 0);
	see_eth(&w, &syn, 1, T0 + 10 * US, 64, 0x23, 0x01, 0);
	see_eth(&w, &mid, 2, T0 + 20 * US, 64, 0x01, 0x23, 0);
	see_eth(&w, &back, 1, T0 + 30 * US, 64, 0x23, 0x23, 0);
	see_eth(&w, &back, 0, T0 + 40 * US, 64, 0x23, 0x23, 0);
	/* the router routes the VXLAN packet: the outer TTL falls, the inner
	 * one stays (12h-vxlan-6080-firewall) */
	see_eth(&w, &fw, 3, T0 + 1 * MS, 64, 0xb4, 0x03, 64);
	see_eth(&w, &fw, 3, T0 + 1 * MS + 30 * US, 64, 0x03, 0xb5, 63);
	finish(&w, &r);
	CHECK(r.nconv == 2);
	for (size_t k = 0; k < r.nconv; k++) {
		const struct chain_conv *cv = chain_result_conv(&r, k);
		const struct chain_dir *f = &cv->dir[CHAIN_FORWARD];

		if (cv->origin.sport == 44201) {
			CHECK(f->nhops == 5);
			if (f->nhops != 5)
				continue;
			CHECK(f->hops[0].point == 0 && f->hops[0].dir == PP_DIR_OUT);
			CHECK(f->hops[1].point == 1 && f->hops[1].dir == PP_DIR_IN);
			CHECK(f->hops[3].point == 1 && f->hops[3].dir == PP_DIR_OUT);
			CHECK(f->hops[4].point == 0 && f->hops[4].dir == PP_DIR_IN);
		} else {
			CHECK(f->nhops == 2);
			CHECK(f->nhops == 2 && f->hops[0].dir == PP_DIR_IN &&
			      f->hops[1].dir == PP_DIR_OUT);
		}
	}
	chain_result_free(&r);
}

/* Two flows whose packets carry the same IP ID at the same time: seq and
 * ports of the transport keep them apart. */
static void test_ipid_collision(void)
{
	static const uint32_t fwd[] = {0, 1, 2, 3};
	struct world w;
	struct chain_result r;

	world_init(&w, 4);
	handshake(&w, 40031, 500, T0);
	handshake(&w, 40032, 500, T0 + 10 * US);
	for (int k = 0; k < 3; k++) {
		struct pkt a = {"10.1.0.5", "10.96.0.10", 40031, 80, 600, 2000 + (uint32_t)k * 10,
		                5001,       ACK,          10};
		struct pkt b = {"10.1.0.5", "10.96.0.10", 40032, 80, 600, 3000 + (uint32_t)k * 10,
		                5001,       ACK,          10};

		a.ip_id = b.ip_id = 600 + (uint32_t)k;
		send_path(&w, a, fwd, 4, T0 + 20 * MS + k * MS, 64, 2, "10.2.0.7", 80);
		send_path(&w, b, fwd, 4, T0 + 20 * MS + k * MS + 5 * US, 64, 2, "10.2.0.8", 80);
	}
	finish(&w, &r);
	CHECK(r.nconv == 2);
	for (size_t i = 0; i < r.nconv; i++) {
		const struct chain_dir *f = &chain_result_conv(&r, i)->dir[CHAIN_FORWARD];

		CHECK(f->packets == 6);
		CHECK(f->verdict == CHAIN_DELIVERED);
		CHECK(f->nhops == 4 && f->hops[3].packets == 6);
	}
	chain_result_free(&r);
}

/* A SYN never answered, seen up to node1 eth0, while another flow to the
 * same backend went on to node2 eth0: stopped, expected next p3. */
static void test_silent_drop(void)
{
	static const uint32_t fwd[] = {0, 1, 2, 3};
	struct world w;
	struct chain_result r;
	struct pkt syn = {"10.1.0.5", "10.96.0.10", 40041, 80, 900, 77, 0, SYN, 0};

	world_init(&w, 4);
	handshake(&w, 40040, 100, T0);
	for (int k = 0; k < 3; k++) {
		syn.ip_id = 900 + (uint32_t)k;
		send_path(&w, syn, fwd, 3, T0 + (1 << k) * SEC, 64, 2, "10.2.0.7", 80);
	}
	finish(&w, &r);
	CHECK(r.nconv == 2);
	{
		const struct chain_conv *c = find_conv(&r, 40041);

		CHECK(c != NULL);
		if (c) {
			const struct chain_dir *f = &c->dir[CHAIN_FORWARD];

			CHECK(f->verdict == CHAIN_STOPPED);
			CHECK(f->has_stop && f->stop.after_hop == 2 && f->stop.expected_next == 3);
			CHECK(f->stop.packets == 3);
			CHECK(f->retransmissions == 2);
			CHECK(!c->dir[CHAIN_REVERSE].present);
		}
	}
	chain_result_free(&r);
}

/* A TSO super-segment at p0/p1 leaves p2 as two MSS segments with IP IDs
 * id and id+1: one whole route, split 1 -> 2 before p2, no stop. */
static void test_gso_split(void)
{
	struct world w;
	struct chain_result r;
	struct pkt big = {"10.1.0.5", "10.96.0.10", 40050, 80, 300, 1001, 5001, PSH | ACK, 2896};
	struct pkt s1 = {"10.1.0.5", "10.2.0.7", 40050, 80, 300, 1001, 5001, ACK, 1448};
	struct pkt s2 = {"10.1.0.5", "10.2.0.7", 40050, 80, 301, 2449, 5001, PSH | ACK, 1448};

	world_init(&w, 4);
	handshake(&w, 40050, 297, T0);
	see(&w, &big, 0, T0 + 10 * MS, 64);
	see(&w, &big, 1, T0 + 10 * MS + 5 * US, 64);
	see(&w, &s1, 2, T0 + 10 * MS + 30 * US, 63);
	see(&w, &s2, 2, T0 + 10 * MS + 32 * US, 63);
	see(&w, &s1, 3, T0 + 10 * MS + 230 * US, 62);
	see(&w, &s2, 3, T0 + 10 * MS + 232 * US, 62);
	finish(&w, &r);
	CHECK(r.nconv == 1);
	if (r.nconv == 1) {
		const struct chain_dir *f = &chain_result_conv(&r, 0)->dir[CHAIN_FORWARD];

		CHECK(f->verdict == CHAIN_DELIVERED);
		CHECK(!f->has_stop);
		CHECK(f->nhops == 4);
		CHECK(f->hops[2].split_from == 1 && f->hops[2].split_into == 2);
		CHECK(f->hops[0].packets == 4); /* SYN, ACK, request, super-segment */
		CHECK(f->hops[2].packets == 5);
	}
	chain_result_free(&r);
}

/* Node2's clock runs 42.5 s ahead: the estimate finds it from packets
 * crossing both ways (TTL tells the direction), to well under a ms. */
static void test_clock_offset(void)
{
	struct clock_est *c = clock_new(2);
	const int64_t off = 42500 * MS;

	for (int k = 0; k < 50; k++) {
		int64_t t = T0 + k * 10 * MS;

		/* node0 -> node1: one way delay 150..200us */
		clock_add(c, 1000 + (uint64_t)k, 0, t, 63);
		clock_add(c, 1000 + (uint64_t)k, 1, t + off + 150 * US + k * US, 62);
		/* node1 -> node0 */
		clock_add(c, 5000 + (uint64_t)k, 1, t + off + 5 * MS, 63);
		clock_add(c, 5000 + (uint64_t)k, 0, t + 5 * MS + 150 * US + k * US, 62);
	}
	/* a stray false pair far away must not matter */
	clock_add(c, 9999, 0, T0, 64);
	clock_add(c, 9999, 1, T0 + 3 * SEC, 63);
	clock_estimate(c, 0);
	{
		const struct clock_node_result *n = clock_result(c, 1);
		int64_t err = n->offset_ns - off;

		CHECK(n->estimated);
		CHECK(err < 1 * MS && err > -1 * MS);
		CHECK(err < 10 * US && err > -10 * US); /* symmetric delays cancel */
		CHECK(n->pairs_to == 50 && n->pairs_from == 50);
	}
	clock_free(c);
}

/* The REJECT of a service without endpoints: an ICMP port unreachable
 * quoting the SYN answers the stopped direction. */
static void test_icmp_answer(void)
{
	struct world w;
	struct chain_result r;
	struct pkt syn = {"10.1.0.5", "10.96.0.99", 40060, 80, 50, 11, 0, SYN, 0};
	struct pp_obs e;

	world_init(&w, 3);
	see(&w, &syn, 0, T0, 64);
	see(&w, &syn, 1, T0 + 10 * US, 64);
	memset(&e, 0, sizeof e);
	e.family = 4;
	e.proto = 1;
	e.icmp_type = 3;
	e.icmp_code = 3;
	e.flags = PP_OBS_ICMP_ERROR | PP_OBS_QUOTE_PORTS | PP_OBS_IPID;
	e.ip_id = 1234;
	e.ttl = 64;
	e.ifindex = UINT32_MAX;
	set_addr(&e.src, "10.1.0.1");
	set_addr(&e.dst, "10.1.0.5");
	set_addr(&e.quote.src, "10.1.0.5");
	set_addr(&e.quote.dst, "10.96.0.99");
	e.quote.sport = 40060;
	e.quote.dport = 80;
	e.quote.proto = 6;
	e.quote.ip_id = 50;
	e.point = 1;
	e.ts = T0 + 40 * US;
	match_add(w.m, &e);
	e.point = 0;
	e.ts = T0 + 60 * US;
	match_add(w.m, &e);
	finish(&w, &r);
	CHECK(r.nconv == 1);
	if (r.nconv == 1) {
		const struct chain_dir *f = &chain_result_conv(&r, 0)->dir[CHAIN_FORWARD];

		CHECK(f->verdict == CHAIN_STOPPED);
		CHECK(f->has_answer && f->answer.kind == CHAIN_ANSWER_ICMP);
		CHECK(f->answer.type == 3 && f->answer.code == 3 && f->answer.point == 1);
		CHECK(f->has_stop && f->stop.after_hop == 1);
	}
	chain_result_free(&r);
}

/* A SYN answered by a reset from the server's address: the connection was
 * refused there, the direction stopped and the reset is what answered. */
static void test_rst_answer(void)
{
	static const uint32_t fwd[] = {0, 1, 2, 3}, rev[] = {3, 2, 1, 0};
	struct world w;
	struct chain_result r;
	struct pkt syn = {"10.1.0.5", "10.96.0.10", 40070, 80, 70, 500, 0, SYN, 0};
	struct pkt rst = {"10.2.0.7", "10.1.0.5", 80, 40070, 0, 0, 501, RST | ACK, 0};

	world_init(&w, 4);
	send_path(&w, syn, fwd, 4, T0, 64, 2, "10.2.0.7", 80);
	for (unsigned i = 0; i < 4; i++) {
		struct pkt p = rst;

		if (i >= 2)
			p.src = "10.96.0.10";
		see(&w, &p, rev[i], T0 + 1 * MS + (int64_t)i * 20 * US, (uint8_t)(64 - i));
	}
	finish(&w, &r);
	CHECK(r.nconv == 1);
	if (r.nconv == 1) {
		const struct chain_dir *f = &chain_result_conv(&r, 0)->dir[CHAIN_FORWARD];

		CHECK(f->verdict == CHAIN_STOPPED);
		CHECK(f->has_stop && f->stop.after_hop == 3);
		CHECK(f->has_answer && f->answer.kind == CHAIN_ANSWER_TCP_RST);
		CHECK(f->has_answer && f->answer.point == 3);
		CHECK(chain_result_conv(&r, 0)->dir[CHAIN_REVERSE].present);
	}
	chain_result_free(&r);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

/* The endpoint's kernel refuses the SYN (nothing listens): with a topology
 * that knows the pod, the SYN is delivered to the pod's eth0, and the reset
 * that came back from there is the answer, named refused (scenario
 * 27-tcp-refused-endpoint). Without the answer the report said "delivered"
 * and nothing else. */
static void test_rst_from_endpoint(void)
{
	static const uint32_t fwd[] = {0, 1, 2, 3}, rev[] = {3, 2, 1, 0};
	char dir[] = "/tmp/pp-test-topo.XXXXXX";
	struct world w;
	struct chain_result r;
	struct topo *t = topo_new();
	struct pkt syn = {"10.1.0.5", "10.96.0.10", 40071, 80, 71, 600, 0, SYN, 0};
	struct pkt rst = {"10.2.0.7", "10.1.0.5", 8081, 40071, 0, 0, 601, RST | ACK, 0};

	if (!mkdtemp(dir))
		abort();
	write_file(dir, "host.link.json", "[{\"ifindex\":1,\"ifname\":\"eth0\"}]");
	write_file(dir, "host.addr.json",
	           "[{\"ifindex\":1,\"ifname\":\"eth0\",\"addr_info\":[{\"family\":\"inet\","
	           "\"local\":\"10.0.0.180\",\"prefixlen\":24,\"scope\":\"global\"}]}]");
	write_file(dir, "host.route.json", "[]");
	write_file(dir, "pod-b.link.json", "[{\"ifindex\":2,\"ifname\":\"eth0\"}]");
	write_file(dir, "pod-b.addr.json",
	           "[{\"ifindex\":2,\"ifname\":\"eth0\",\"addr_info\":[{\"family\":\"inet\","
	           "\"local\":\"10.2.0.7\",\"prefixlen\":24,\"scope\":\"global\"}]}]");
	write_file(dir, "pod-b.route.json", "[]");
	CHECK(topo_load(t, "n", dir) == 0);
	world_init(&w, 4);
	free(w.points[3].name);
	w.points[3].name = strdup("n/pod-b/eth0");
	chain_set_env(w.c, &w.pts, &w.npoints, t);
	send_path(&w, syn, fwd, 4, T0, 64, 2, "10.2.0.7", 8081);
	for (unsigned i = 0; i < 4; i++) {
		struct pkt p = rst;

		if (i >= 2) {
			p.src = "10.96.0.10";
			p.sport = 80;
		}
		see(&w, &p, rev[i], T0 + 1 * MS + (int64_t)i * 20 * US, (uint8_t)(64 - i));
	}
	finish(&w, &r);
	CHECK(r.nconv == 1);
	if (r.nconv == 1) {
		const struct chain_dir *f = &chain_result_conv(&r, 0)->dir[CHAIN_FORWARD];
		const struct chain_dir *b = &chain_result_conv(&r, 0)->dir[CHAIN_REVERSE];

		CHECK(f->verdict == CHAIN_DELIVERED && !f->has_stop);
		CHECK(f->has_answer && f->answer.kind == CHAIN_ANSWER_TCP_RST);
		CHECK(f->has_answer && f->answer.point == 3 && f->answer.packets == 1);
		CHECK(b->present && b->verdict == CHAIN_DELIVERED && !b->has_answer);
	}
	chain_result_free(&r);
	topo_free(t);
	for (const char *const *n =
	         (const char *const[]){"host.link.json", "host.addr.json", "host.route.json",
	                               "pod-b.link.json", "pod-b.addr.json", "pod-b.route.json",
	                               NULL};
	     *n; n++) {
		char path[512];

		snprintf(path, sizeof path, "%s/%s", dir, *n);
		unlink(path);
	}
	rmdir(dir);
}

/* The stopped packets of a partial direction are told apart by what they
 * carry: here the large ones with DF stop, the small ones arrive. */
static void test_partial_signature(void)
{
	static const uint32_t fwd[] = {0, 1, 2, 3};
	struct world w;
	struct chain_result r;

	world_init(&w, 4);
	handshake(&w, 40080, 100, T0);
	for (uint32_t k = 0; k < 6; k++) {
		bool big = k % 2;
		struct pkt d = {"10.1.0.5", "10.96.0.10", 40080,
		                80,         103 + k,      1101 + 2000 * k,
		                5001,       ACK,          big ? 1448 : 100};

		send_path(&w, d, fwd, big ? 3 : 4, T0 + 10 * MS + (int64_t)k * MS, 64, 2,
		          "10.2.0.7", 80);
	}
	finish(&w, &r);
	CHECK(r.nconv == 1);
	if (r.nconv == 1) {
		const struct chain_dir *f = &chain_result_conv(&r, 0)->dir[CHAIN_FORWARD];

		CHECK(f->verdict == CHAIN_PARTIAL);
		CHECK(f->has_stop && f->stop.packets == 3 && f->stop.after_hop == 2);
		CHECK(f->stop.len_min == 1488 && f->stop.len_max == 1488);
		CHECK(f->stop.df == 3);
		CHECK(f->stop.has_delivered_len && f->stop.delivered_len_max == 140);
	}
	chain_result_free(&r);
}

/* The same loss with the receiver's ACK of the bytes captured: the loss was
 * recovered by the retransmission, which is no stop. */
static void test_recovered_loss(void)
{
	static const uint32_t fwd[] = {0, 1, 2, 3}, rev[] = {3, 2, 1, 0};
	struct world w;
	struct chain_result r;
	struct pkt d = {"10.1.0.5", "10.96.0.10", 40021, 80, 103, 1101, 5001, ACK, 100};
	struct pkt a = {"10.2.0.7", "10.1.0.5", 80, 40021, 0, 5001, 1201, ACK, 0};

	world_init(&w, 4);
	handshake(&w, 40021, 100, T0);
	send_path(&w, d, fwd, 3, T0 + 10 * MS, 64, 2, "10.2.0.7", 80); /* lost after p2 */
	d.ip_id = 104;
	send_path(&w, d, fwd, 4, T0 + 210 * MS, 64, 2, "10.2.0.7", 80);
	for (unsigned i = 0; i < 4; i++) {
		struct pkt p = a;

		if (i >= 2)
			p.src = "10.96.0.10";
		see(&w, &p, rev[i], T0 + 211 * MS + (int64_t)i * 20 * US, (uint8_t)(64 - i));
	}
	finish(&w, &r);
	CHECK(r.nconv == 1);
	if (r.nconv == 1) {
		const struct chain_dir *f = &chain_result_conv(&r, 0)->dir[CHAIN_FORWARD];

		CHECK(f->verdict == CHAIN_DELIVERED);
		CHECK(!f->has_stop);
		CHECK(f->has_recovered && f->recovered.packets == 1);
		CHECK(f->recovered.after_hop == 2 && f->recovered.expected_next == 3);
		CHECK(f->retransmissions == 1);
	}
	chain_result_free(&r);
}

/* One observation of an ICMP echo (request or reply) at a point. */
static void see_echo(struct world *w, const char *src, const char *dst, uint8_t type, uint16_t seq,
                     uint32_t ip_id, uint32_t point, int64_t t, uint8_t ttl)
{
	struct pp_obs o = obs_at(1, src, dst, point, t, ttl);

	o.icmp_type = type;
	o.sport = 8301; /* the echo identifier */
	o.seq = seq;
	o.ip_id = ip_id;
	o.payload_len = 56;
	o.ip_len = 84;
	o.flags = PP_OBS_PORTS | PP_OBS_IPID;
	observe(w, &o);
}

/* An echo reply belongs to its request's conversation (id 8301 both
 * ways): one conversation, both directions delivered. */
static void test_icmp_echo_join(void)
{
	struct world w;
	struct chain_result r;

	world_init(&w, 2);
	for (uint16_t k = 1; k <= 3; k++) {
		int64_t t = T0 + (int64_t)k * SEC;

		see_echo(&w, "10.1.0.5", "10.2.0.7", 8, k, 100 + k, 0, t, 64);
		see_echo(&w, "10.1.0.5", "10.2.0.7", 8, k, 100 + k, 1, t + 20 * US, 63);
		see_echo(&w, "10.2.0.7", "10.1.0.5", 0, k, 900 + k, 1, t + 300 * US, 64);
		see_echo(&w, "10.2.0.7", "10.1.0.5", 0, k, 900 + k, 0, t + 320 * US, 63);
	}
	finish(&w, &r);
	CHECK(r.nconv == 1);
	if (r.nconv == 1) {
		const struct chain_conv *c = chain_result_conv(&r, 0);

		CHECK(c->origin.sport == 8301);
		CHECK(c->dir[CHAIN_FORWARD].present && c->dir[CHAIN_REVERSE].present);
		CHECK(c->dir[CHAIN_FORWARD].verdict == CHAIN_DELIVERED);
		CHECK(c->dir[CHAIN_REVERSE].verdict == CHAIN_DELIVERED);
		CHECK(c->dir[CHAIN_FORWARD].packets == 3 && c->dir[CHAIN_REVERSE].packets == 3);
		CHECK(c->dir[CHAIN_FORWARD].nnat == 0 && c->dir[CHAIN_REVERSE].nnat == 0);
	}
	chain_result_free(&r);
}

/* Three points on one bridge (equal TTL). 12 packets show p1 before p2 by a
 * microsecond, 8 the other way round (a tap stamps late), and 10 tie to the
 * nanosecond, arriving in the order p2, p1. Per packet, 18 put p2 first; by
 * what the time stamps show, p1 comes first (12 to 8, ties say nothing):
 * the path is p0, p1, p2, all 30 packets delivered along it, no latency
 * negative. */
static void test_tied_order(void)
{
	struct world w;
	struct chain_result r;

	world_init(&w, 3);
	for (uint32_t k = 0; k < 30; k++) {
		struct pkt d = {"10.1.0.5",  "10.2.0.7", 40071, 80, 600 + k,
		                1 + 100 * k, 1,          ACK,   100};
		int64_t t = T0 + 10 * MS + (int64_t)k * MS;

		see(&w, &d, 0, t, 64);
		if (k < 10) { /* tied, p2 handed over first */
			see(&w, &d, 2, t + 5 * US, 64);
			see(&w, &d, 1, t + 5 * US, 64);
		} else if (k < 22) {
			see(&w, &d, 1, t + 5 * US, 64);
			see(&w, &d, 2, t + 6 * US, 64);
		} else {
			see(&w, &d, 2, t + 5 * US, 64);
			see(&w, &d, 1, t + 6 * US, 64);
		}
	}
	{
		/* the receiver acknowledges it all */
		struct pkt a = {"10.2.0.7", "10.1.0.5", 80, 40071, 0, 1, 3001, ACK, 0};
		int64_t t = T0 + 50 * MS;

		see(&w, &a, 2, t, 64);
		see(&w, &a, 1, t + 5 * US, 64);
		see(&w, &a, 0, t + 10 * US, 64);
	}
	finish(&w, &r);
	{
		const struct chain_conv *c = find_conv(&r, 40071);
		const struct chain_dir *f = c ? &c->dir[CHAIN_FORWARD] : NULL;

		CHECK(f != NULL);
		if (f) {
			CHECK(f->nhops == 3);
			for (uint32_t i = 0; f->nhops == 3 && i < 3; i++)
				CHECK(f->hops[i].point == i);
			CHECK(f->verdict == CHAIN_DELIVERED && !f->has_stop);
			CHECK(f->packets == 30);
			for (uint32_t i = 1; i < f->nhops; i++)
				CHECK(!f->hops[i].has_latency || f->hops[i].latency_us_p50 >= 0);
		}
	}
	chain_result_free(&r);
}

/* Two nodes whose clock estimate may be 2 ms off. n1 routes the packet
 * (p0 TTL 64, p1 63), the wire keeps it (p2 on n2, 63), n2 routes it (p3,
 * 62). With n2's clock 1 ms behind for most packets, p2 looks earlier than
 * p1 by time; the points of a node stay together, and a difference within
 * the clock's error says nothing: the path is p0, p1, p2, p3. */
static void test_clock_residual(void)
{
	struct world w;
	struct chain_result r;

	world_init(&w, 4);
	for (size_t i = 2; i < 4; i++) {
		w.points[i].node_id = 1;
		w.points[i].clock_error = 2 * MS;
	}
	for (uint32_t k = 0; k < 30; k++) {
		struct pkt d = {"10.1.0.5",  "10.2.0.7", 40080, 80, 700 + k,
		                1 + 100 * k, 1,          ACK,   100};
		int64_t t = T0 + (int64_t)k * 10 * MS;
		int64_t skew = k % 3 ? -1 * MS : 0;

		see(&w, &d, 0, t, 64);
		see(&w, &d, 1, t + 10 * US, 63);
		see(&w, &d, 2, t + 40 * US + skew, 63);
		see(&w, &d, 3, t + 50 * US + skew, 62);
	}
	{
		struct pkt a = {"10.2.0.7", "10.1.0.5", 80, 40080, 0, 1, 3001, ACK, 0};
		int64_t t = T0 + 500 * MS;

		see(&w, &a, 3, t, 64);
		see(&w, &a, 2, t + 10 * US, 63);
		see(&w, &a, 1, t + 40 * US, 63);
		see(&w, &a, 0, t + 50 * US, 62);
	}
	finish(&w, &r);
	CHECK(r.nconv == 1);
	if (r.nconv == 1) {
		const struct chain_dir *f = &chain_result_conv(&r, 0)->dir[CHAIN_FORWARD];

		CHECK(f->nhops == 4);
		for (uint32_t i = 0; f->nhops == 4 && i < 4; i++)
			CHECK(f->hops[i].point == i);
		CHECK(f->verdict == CHAIN_DELIVERED && !f->has_stop);
		CHECK(f->packets == 30);
		for (uint32_t i = 1; i < f->nhops; i++)
			CHECK(!f->hops[i].has_latency || f->hops[i].latency_us_p50 >= 0);
	}
	chain_result_free(&r);
}

/* A masquerade that starts with the 11th of 20 datagrams: the rewrite is
 * reported with the 10 packets it applied to. */
static void test_midflow_nat(void)
{
	struct world w;
	struct chain_result r;

	world_init(&w, 3);
	for (uint32_t k = 0; k < 20; k++) {
		struct pp_obs o;
		int64_t t = T0 + (int64_t)k * MS;

		memset(&o, 0, sizeof o);
		o.ifindex = UINT32_MAX;
		o.family = 4;
		o.proto = 17;
		o.sport = 42701;
		o.dport = 9200;
		o.ip_id = 800 + k;
		o.payload_len = 32;
		o.ip_len = 60;
		o.flags = PP_OBS_PORTS | PP_OBS_IPID;
		o.head_len = 8;
		memcpy(o.head, &k, sizeof k);
		o.digest = k * 2654435761u;
		o.digest_len = 32;
		set_addr(&o.dst, "203.0.113.7");
		for (uint32_t p = 0; p < 3; p++) {
			set_addr(&o.src, p == 2 && k >= 10 ? "10.0.0.180" : "10.1.0.5");
			o.point = p;
			o.ts = t + (int64_t)p * 20 * US;
			o.ttl = (uint8_t)(p == 2 ? 63 : 64);
			observe(&w, &o);
		}
	}
	finish(&w, &r);
	CHECK(r.nconv == 1);
	if (r.nconv == 1) {
		const struct chain_dir *f = &chain_result_conv(&r, 0)->dir[CHAIN_FORWARD];

		CHECK(f->nhops == 3 && f->verdict == CHAIN_DELIVERED);
		CHECK(f->nnat == 1);
		if (f->nnat == 1) {
			CHECK(f->nat[0].kind == CHAIN_SNAT);
			CHECK(f->nat[0].after_hop == 1 && f->nat[0].before_hop == 2);
			CHECK(f->nat[0].packets == 10);
			CHECK(f->nat[0].first_ts == T0 + 10 * MS + 40 * US);
		}
	}
	chain_result_free(&r);
}

/* The silent drop's SYNs again, without the conversation before them that
 * showed where packets to that address go: nothing captured after p3 shows
 * where they should have been seen, so the direction is not judged, and
 * no stop is drawn. */
static void test_unanswered_not_judged(void)
{
	static const uint32_t fwd[] = {0, 1, 2, 3};
	struct world w;
	struct chain_result r;
	struct pkt syn = {"10.1.0.5", "10.96.0.10", 40041, 80, 900, 77, 0, SYN, 0};

	world_init(&w, 4);
	for (int k = 0; k < 3; k++) {
		syn.ip_id = 900 + (uint32_t)k;
		send_path(&w, syn, fwd, 4, T0 + (1 << k) * SEC, 64, 2, "10.2.0.7", 80);
	}
	finish(&w, &r);
	CHECK(r.nconv == 1);
	if (r.nconv == 1) {
		const struct chain_dir *f = &chain_result_conv(&r, 0)->dir[CHAIN_FORWARD];

		CHECK(f->verdict == CHAIN_NOT_JUDGED);
		CHECK(!f->has_stop);
		CHECK(f->nhops == 4 && f->packets == 3);
		CHECK(r.findings.not_judged == 1 && r.findings.stopped == 0);
	}
	chain_result_free(&r);
}

/* Two packets with IP ID 0 and the same header fields and bytes, one each
 * way between the same two hosts (an EIGRP exchange does this): an answer,
 * never one packet rewritten into its mirror image by a NAT. */
static void test_reflection_not_joined(void)
{
	struct world w;
	struct chain_result r;
	struct pkt a = {"10.0.0.1", "10.0.0.2", 5000, 6000, 0, 10, 20, ACK, 40};
	struct pkt b = {"10.0.0.2", "10.0.0.1", 6000, 5000, 0, 10, 20, ACK, 40};

	world_init(&w, 2);
	see(&w, &a, 0, T0, 64);
	see(&w, &b, 1, T0 + 50 * US, 64);
	finish(&w, &r);
	for (size_t i = 0; i < r.nconv; i++) {
		const struct chain_conv *c = chain_result_conv(&r, i);

		CHECK(c->dir[CHAIN_FORWARD].nnat == 0 && c->dir[CHAIN_REVERSE].nnat == 0);
	}
	CHECK(r.findings.nat == 0);
	chain_result_free(&r);
}

int main(void)
{
	test_nat_path_and_ipid_zero();
	test_ipid_wraparound();
	test_retransmission();
	test_same_point_in_and_out();
	test_hairpin_directions();
	test_fragments_reassembled();
	test_ipid_collision();
	test_silent_drop();
	test_gso_split();
	test_clock_offset();
	test_icmp_answer();
	test_rst_answer();
	test_rst_from_endpoint();
	test_partial_signature();
	test_recovered_loss();
	test_icmp_echo_join();
	test_tied_order();
	test_clock_residual();
	test_midflow_nat();
	test_unanswered_not_judged();
	test_reflection_not_joined();
	if (failures)
		fprintf(stderr, "%u check(s) failed\n", failures);
	return failures ? 1 : 0;
}
