/* benchgen.c - writes a synthetic multi-point capture set of one cross-node
 * Kubernetes ClusterIP path, and its ground truth, for the pktpath benchmark.
 * Formats: pcap with nanosecond timestamps (magic 0xa1b23c4d,
 * LINKTYPE_ETHERNET), IPv4 (RFC 791), TCP (RFC 9293), Internet checksum
 * (RFC 1071). What is generated and why: tests/bench/README.md. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define US  ((int64_t)1000)
#define MS  ((int64_t)1000000)
#define SEC ((int64_t)1000000000)

#define MSS          1460u
#define GSO_SEGS     44u /* 44 * 1460 + 40 <= 65535: the largest TSO super-segment */
#define SNAPLEN      262144u
#define CWND_INIT    10u
#define CWND_MAX     400u
#define PORT_LO      32768u /* net.ipv4.ip_local_port_range */
#define PORT_HI      60999u
#define NPORTS       (PORT_HI - PORT_LO + 1)
#define NO_DROP_HEAD (10 * MS) /* no drops before every point has started capturing */
#define PAT_SIZE     (1u << 20)
#define MAX_MSGS     16u /* requests per connection */
#define HDR_MAX      256u
#define BUF_SIZE     (8u << 20)

enum { P_POD1, P_VETH1, P_ETH1, P_ETH2, P_POD2, NPOINTS };
enum { FWD, REV };
enum { TH_FIN = 0x01, TH_SYN = 0x02, TH_RST = 0x04, TH_PSH = 0x08, TH_ACK = 0x10 };

static const struct point_def {
	const char *name; /* pktpath's point name: the bundle path without .pcap */
	const char *subdir;
	int node; /* 0: node1, 1: node2 */
} points[NPOINTS] = {
    {"node1/pod-client/eth0", "node1/pod-client", 0},
    {"node1/veth1a2b3c4d", "node1", 0},
    {"node1/eth0", "node1", 0},
    {"node2/eth0", "node2", 1},
    {"node2/pod-server/eth0", "node2/pod-server", 1},
};

/* Address plan (README.md). */
#define IP4(a, b, c, d)                                                                            \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))
#define CLUSTER_IP   IP4(192, 168, 13, 23)
#define CLUSTER_PORT 80u
#define TARGET_PORT  8080u
#define NODE1_IP     IP4(10, 0, 0, 180)
#define NODE2_IP     IP4(10, 0, 1, 23)
#define CLIENT_BASE  IP4(172, 23, 96, 10) /* node1 pod CIDR 172.23.96.0/25 */
#define MAX_CLIENTS  117u
#define BACKEND_BASE IP4(172, 23, 96, 130) /* node2 pod CIDR 172.23.96.128/25 */
#define MAX_BACKENDS 125u

static const uint8_t mac_node1_cni0[6] = {0x0a, 0x58, 0xac, 0x17, 0x60, 0x01};
static const uint8_t mac_node2_cni0[6] = {0x0a, 0x58, 0xac, 0x17, 0x60, 0x81};
static const uint8_t mac_node1_eth0[6] = {0x00, 0x16, 0x3e, 0x0c, 0x6a, 0x11};
static const uint8_t mac_node2_eth0[6] = {0x00, 0x16, 0x3e, 0x0c, 0x6a, 0x22};
static const uint8_t mac_vpc_router[6] = {0xee, 0xff, 0xff, 0xff, 0xff, 0xff};

/* TTL at each point per direction: 64 where the sender's stack emits it,
 * minus one per routing hop (node1, VPC router, node2). */
static const uint8_t ttl_at[2][NPOINTS] = {
    [FWD] = {64, 64, 63, 62, 61},
    [REV] = {61, 61, 62, 63, 64},
};

struct params {
	uint64_t seed;
	double size_gb;
	double length_factor;
	unsigned long concurrency;
	unsigned long clients;
	unsigned long backends;
	unsigned long max_requests;
	unsigned long req_size;
	unsigned long resp_size;
	unsigned long upload_size;
	double upload_fraction;
	double snat_fraction;
	double drop_rate;
	double rst_fraction;
	double think_ms;
	double idle_ms;
	double clock_offset;
	int64_t start;
	bool quiet;
	const char *out;
};

struct rng {
	uint64_t s[4];
};

/* One packet as seen at one point; the frame is built from it when written. */
struct gpkt {
	int64_t ts; /* ns since the start, on node1's clock */
	uint32_t order;
	uint32_t conv;
	uint32_t seq;
	uint32_t ack;
	uint16_t ipid;
	uint16_t psum; /* ones-complement sum of the payload, for the checksum */
	uint16_t plen;
	uint8_t flags;
	uint8_t dir;
};

struct heap {
	struct gpkt *v;
	size_t n;
	size_t cap;
};

struct conv {
	uint32_t id;
	uint32_t refs; /* packets not yet written */
	uint32_t next_free;
	uint16_t client;
	uint16_t backend;
	uint16_t cport;
	uint16_t snat_port;
	bool snat;
	uint32_t isn[2];
	uint32_t nxt[2]; /* next sequence number each side sends */
	uint16_t ipid[2];
	uint32_t salt[2];
	int64_t link[2]; /* base node-to-node latency per direction */
	int64_t last[2][NPOINTS];
	uint32_t drops[2];
	uint32_t segs[2];
	uint8_t nmsg[2];
	uint16_t msg_hlen[2][MAX_MSGS];
	uint32_t msg_start[2][MAX_MSGS]; /* stream offset of each HTTP message */
	uint32_t msg_len[2][MAX_MSGS];
};

struct pcapw {
	int fd;
	char *path;
	uint8_t *buf;
	size_t len;
	uint64_t packets;
	uint64_t bytes;
	int64_t first_ts;
	int64_t last_ts;
};

struct slot {
	int64_t t;
	uint32_t idx;
};

static struct gen {
	struct params p;
	struct rng rng;
	struct heap heap[NPOINTS];
	struct pcapw w[NPOINTS];
	struct conv *pool;
	uint32_t npool;
	uint32_t pool_cap;
	uint32_t free_head;
	uint32_t order;
	uint64_t planned_bytes;
	uint64_t target_bytes;
	uint32_t nconv;
	uint32_t nsnat;
	uint64_t drops[2];
	uint64_t retrans;
	uint64_t drop_convs[2];
	uint16_t *next_port;  /* per client */
	uint32_t *ports_used; /* per client */
	uint32_t snat_next;
	uint8_t *pat; /* PAT_SIZE + 64 KiB: payload bytes, the tail repeats the head */
	FILE *truth;
	int64_t first_start;
} G;

static void die(const char *what, const char *why)
{
	fprintf(stderr, "benchgen: %s: %s\n", what, why);
	exit(2);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p)
		die("memory", "out of memory");
	return p;
}

/* ---- random numbers: splitmix64 seeding xoshiro256** ---- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t res = rotl(r->s[1] * 5, 7) * 9;
	uint64_t t = r->s[1] << 17;

	r->s[2] ^= r->s[0];
	r->s[3] ^= r->s[1];
	r->s[1] ^= r->s[2];
	r->s[0] ^= r->s[3];
	r->s[2] ^= t;
	r->s[3] = rotl(r->s[3], 45);
	return res;
}

static uint64_t rnd_below(uint64_t n)
{
	return (uint64_t)(((unsigned __int128)rng_next(&G.rng) * n) >> 64);
}

/* Uniform in [lo, hi]. */
static int64_t rnd_range(int64_t lo, int64_t hi)
{
	return lo + (int64_t)rnd_below((uint64_t)(hi - lo) + 1);
}

static double rnd_unit(void)
{
	return (double)(rng_next(&G.rng) >> 11) * 0x1.0p-53;
}

/* Uniform in [mean/2, 3*mean/2], at least 1. */
static uint32_t rnd_size(unsigned long mean)
{
	int64_t v = rnd_range((int64_t)mean / 2, (int64_t)mean + (int64_t)mean / 2);

	return v < 1 ? 1 : (uint32_t)v;
}

/* Uniform in [0, 2*mean] milliseconds, as nanoseconds. */
static int64_t rnd_ms(double mean)
{
	return rnd_range(0, (int64_t)(2.0 * mean * (double)MS));
}

/* ---- Internet checksum ---- */

/* Ones-complement sum of p[0..n) as big-endian 16-bit words, folded to 16
 * bits. Sums native 64-bit words and swaps at the end (RFC 1071 2(B)). */
static uint32_t csum_sum(const uint8_t *p, size_t n)
{
	uint64_t s = 0, v;
	uint32_t v32;
	uint16_t v16;

	while (n >= 8) {
		memcpy(&v, p, 8);
		s += v;
		s += s < v;
		p += 8;
		n -= 8;
	}
	if (n >= 4) {
		memcpy(&v32, p, 4);
		s += v32;
		s += s < v32;
		p += 4;
		n -= 4;
	}
	if (n >= 2) {
		memcpy(&v16, p, 2);
		s += v16;
		s += s < v16;
		p += 2;
		n -= 2;
	}
	if (n)
		s += *p; /* even offset: the high byte of a big-endian word */
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	s = ((s & 0xff) << 8) | (s >> 8);
#endif
	return (uint32_t)s;
}

static uint32_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* ---- pcap writer ---- */

static void put16be(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32be(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void pw_flush(struct pcapw *w)
{
	size_t off = 0;

	while (off < w->len) {
		ssize_t n = write(w->fd, w->buf + off, w->len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die(w->path, strerror(errno));
		}
		off += (size_t)n;
	}
	w->len = 0;
}

static uint8_t *pw_reserve(struct pcapw *w, size_t n)
{
	if (w->len + n > BUF_SIZE)
		pw_flush(w);
	return w->buf + w->len;
}

static void mkdir_p(const char *path)
{
	char tmp[4096];
	size_t n = strlen(path);

	if (n >= sizeof tmp)
		die(path, "path too long");
	memcpy(tmp, path, n + 1);
	for (char *q = tmp + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			die(tmp, strerror(errno));
		*q = '/';
	}
	if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
		die(tmp, strerror(errno));
}

static char *path_join(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 3;
	char *s = xmalloc(n);

	snprintf(s, n, "%s/%s%s", a, b, c);
	return s;
}

static void pw_open(struct pcapw *w, int p)
{
	char *dir = path_join(G.p.out, points[p].subdir, "");
	uint8_t *h;

	mkdir_p(dir);
	free(dir);
	w->path = path_join(G.p.out, points[p].name, ".pcap");
	w->fd = open(w->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0)
		die(w->path, strerror(errno));
	w->buf = xmalloc(BUF_SIZE);
	w->len = 0;
	w->first_ts = -1;
	h = pw_reserve(w, 24);
	put32le(h, 0xa1b23c4d); /* nanosecond pcap */
	h[4] = 2;
	h[5] = 0;
	h[6] = 4;
	h[7] = 0;
	put32le(h + 8, 0);
	put32le(h + 12, 0);
	put32le(h + 16, SNAPLEN);
	put32le(h + 20, 1); /* LINKTYPE_ETHERNET */
	w->len += 24;
	w->bytes = 24;
}

static void pw_close(struct pcapw *w)
{
	pw_flush(w);
	if (close(w->fd) < 0)
		die(w->path, strerror(errno));
	free(w->buf);
}

/* ---- packet heaps, one per point, ordered by time ---- */

static bool gp_before(const struct gpkt *a, const struct gpkt *b)
{
	return a->ts < b->ts || (a->ts == b->ts && (int32_t)(a->order - b->order) < 0);
}

static void heap_push(struct heap *h, const struct gpkt *g)
{
	size_t i;

	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 4096;
		h->v = realloc(h->v, h->cap * sizeof *h->v);
		if (!h->v)
			die("memory", "out of memory");
	}
	i = h->n++;
	while (i > 0) {
		size_t up = (i - 1) / 2;

		if (!gp_before(g, &h->v[up]))
			break;
		h->v[i] = h->v[up];
		i = up;
	}
	h->v[i] = *g;
}

static void heap_pop(struct heap *h, struct gpkt *out)
{
	struct gpkt last;
	size_t i = 0;

	*out = h->v[0];
	last = h->v[--h->n];
	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && gp_before(&h->v[c + 1], &h->v[c]))
			c++;
		if (!gp_before(&h->v[c], &last))
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n)
		h->v[i] = last;
}

/* ---- conversations ---- */

static uint32_t conv_alloc(void)
{
	uint32_t i;

	if (G.free_head != UINT32_MAX) {
		i = G.free_head;
		G.free_head = G.pool[i].next_free;
	} else {
		if (G.npool == G.pool_cap) {
			G.pool_cap = G.pool_cap ? 2 * G.pool_cap : 4096;
			G.pool = realloc(G.pool, G.pool_cap * sizeof *G.pool);
			if (!G.pool)
				die("memory", "out of memory");
		}
		i = G.npool++;
	}
	memset(&G.pool[i], 0, sizeof G.pool[i]);
	return i;
}

static void conv_release(uint32_t i)
{
	if (--G.pool[i].refs == 0) {
		G.pool[i].next_free = G.free_head;
		G.free_head = i;
	}
}

static uint32_t client_ip(const struct conv *c)
{
	return CLIENT_BASE + c->client;
}

static uint32_t backend_ip(const struct conv *c)
{
	return BACKEND_BASE + c->backend;
}

static void pod_mac(uint8_t *m, uint32_t ip)
{
	m[0] = 0x0a;
	m[1] = 0x58;
	put32be(m + 2, ip);
}

static size_t frame_len(const struct gpkt *g)
{
	return 14 + 20 + ((g->flags & TH_SYN) ? 32u : 20u) + g->plen;
}

/* The HTTP/1.1 header of message m of direction dir; returns its length. */
static int http_header(const struct conv *c, int dir, unsigned m, uint32_t body, char *buf,
                       size_t n)
{
	if (dir == FWD)
		return snprintf(buf, n,
		                "POST /api/v1/items/%u/%u HTTP/1.1\r\n"
		                "Host: web.default.svc.cluster.local\r\n"
		                "Content-Type: application/octet-stream\r\n"
		                "Content-Length: %u\r\n\r\n",
		                c->id, m, body);
	return snprintf(buf, n,
	                "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
	                "Content-Length: %u\r\n\r\n",
	                body);
}

/* Records the next message of dir, size bytes in all; returns its size,
 * raised to hold its header. */
static uint32_t add_message(struct conv *c, int dir, uint32_t size)
{
	char buf[HDR_MAX];
	unsigned m = c->nmsg[dir]++;
	int h = 0;

	if (size < HDR_MAX)
		size = HDR_MAX;
	for (int it = 0; it < 3; it++)
		h = http_header(c, dir, m, size - (uint32_t)h, buf, sizeof buf);
	c->msg_start[dir][m] = c->nxt[dir] - c->isn[dir] - 1;
	c->msg_len[dir][m] = size;
	c->msg_hlen[dir][m] = (uint16_t)h;
	return size;
}

/* Payload of direction dir from sequence number seq: random body bytes
 * from the pattern, with the HTTP headers where messages start. */
static void fill_payload(const struct conv *c, int dir, uint32_t seq, uint32_t len, uint8_t *dst)
{
	uint32_t off = seq - c->isn[dir] - 1;

	memcpy(dst, G.pat + ((c->salt[dir] + off) & (PAT_SIZE - 1)), len);
	for (unsigned m = 0; m < c->nmsg[dir]; m++) {
		uint32_t hs = c->msg_start[dir][m], he = hs + c->msg_hlen[dir][m];
		char buf[HDR_MAX];
		uint32_t a, b;

		if (off >= he || off + len <= hs)
			continue;
		http_header(c, dir, m, c->msg_len[dir][m] - c->msg_hlen[dir][m], buf, sizeof buf);
		a = off > hs ? off : hs;
		b = off + len < he ? off + len : he;
		memcpy(dst + (a - off), buf + (a - hs), b - a);
	}
}

/* Fills in the checksum-relevant parts of one capture record and appends it. */
static void write_pkt(int p, const struct gpkt *g)
{
	struct pcapw *w = &G.w[p];
	const struct conv *c = &G.pool[g->conv];
	size_t thl = (g->flags & TH_SYN) ? 32 : 20;
	size_t flen = frame_len(g);
	uint8_t *r = pw_reserve(w, 16 + flen);
	uint8_t *e = r + 16, *ip = e + 14, *th = ip + 20;
	int64_t ts = g->ts + (points[p].node ? (int64_t)llround(G.p.clock_offset * 1e9) : 0);
	int64_t abs_ns = G.p.start * SEC + ts;
	uint32_t caddr, saddr, src, dst;
	uint16_t cport, sport, srcp, dstp;
	uint8_t cmac[6], smac[6];
	const uint8_t *msrc, *mdst;
	bool partial;
	uint32_t sum;

	if (w->first_ts < 0)
		w->first_ts = ts;
	w->last_ts = ts;
	put32le(r, (uint32_t)(abs_ns / SEC));
	put32le(r + 4, (uint32_t)(abs_ns % SEC));
	put32le(r + 8, (uint32_t)flen);
	put32le(r + 12, (uint32_t)flen);

	/* Client side and service side of the connection as seen at p. */
	caddr = client_ip(c);
	cport = c->cport;
	if (c->snat && p >= P_ETH1) {
		caddr = NODE1_IP;
		cport = c->snat_port;
	}
	if (p <= P_VETH1) {
		saddr = CLUSTER_IP;
		sport = CLUSTER_PORT;
	} else {
		saddr = backend_ip(c);
		sport = TARGET_PORT;
	}
	src = g->dir == FWD ? caddr : saddr;
	dst = g->dir == FWD ? saddr : caddr;
	srcp = g->dir == FWD ? cport : sport;
	dstp = g->dir == FWD ? sport : cport;

	/* Link layer: each routed hop has its own pair of MACs. */
	switch (p) {
	case P_POD1:
	case P_VETH1:
		pod_mac(cmac, client_ip(c));
		msrc = g->dir == FWD ? cmac : mac_node1_cni0;
		mdst = g->dir == FWD ? mac_node1_cni0 : cmac;
		break;
	case P_ETH1:
		msrc = g->dir == FWD ? mac_node1_eth0 : mac_vpc_router;
		mdst = g->dir == FWD ? mac_vpc_router : mac_node1_eth0;
		break;
	case P_ETH2:
		msrc = g->dir == FWD ? mac_vpc_router : mac_node2_eth0;
		mdst = g->dir == FWD ? mac_node2_eth0 : mac_vpc_router;
		break;
	default:
		pod_mac(smac, backend_ip(c));
		msrc = g->dir == FWD ? mac_node2_cni0 : smac;
		mdst = g->dir == FWD ? smac : mac_node2_cni0;
		break;
	}
	memcpy(e, mdst, 6);
	memcpy(e + 6, msrc, 6);
	e[12] = 0x08;
	e[13] = 0x00;

	ip[0] = 0x45;
	ip[1] = 0;
	put16be(ip + 2, (uint32_t)(flen - 14));
	put16be(ip + 4, g->ipid);
	put16be(ip + 6, 0x4000); /* DF */
	ip[8] = ttl_at[g->dir][p];
	ip[9] = 6;
	ip[10] = ip[11] = 0;
	put32be(ip + 12, src);
	put32be(ip + 16, dst);
	put16be(ip + 10, ~csum_sum(ip, 20) & 0xffff);

	put16be(th, srcp);
	put16be(th + 2, dstp);
	put32be(th + 4, g->seq);
	put32be(th + 8, g->ack);
	th[12] = (uint8_t)((thl / 4) << 4);
	th[13] = g->flags;
	if (g->flags & TH_SYN) {
		static const uint8_t opts[12] = {0x02, 0x04, 0x05, 0xb4, 0x01, 0x01,
		                                 0x04, 0x02, 0x01, 0x03, 0x03, 0x07};

		put16be(th + 14, 64240);
		memcpy(th + 20, opts, sizeof opts);
	} else {
		put16be(th + 14, g->dir == FWD ? 502 : 509);
	}
	th[16] = th[17] = 0;
	th[18] = th[19] = 0;
	if (g->plen)
		fill_payload(c, g->dir, g->seq, g->plen, th + thl);

	/* Pseudo-header: addresses, protocol, TCP length. */
	sum = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + 6 +
	      (uint32_t)(thl + g->plen);
	/* The sending host hands checksumming to the NIC: what it captures holds
	 * only the pseudo-header sum (CHECKSUM_PARTIAL), as with offload. */
	partial = (g->dir == FWD && p <= P_VETH1) || (g->dir == REV && p == P_POD2);
	if (partial) {
		put16be(th + 16, csum_fold(sum));
	} else {
		sum += csum_sum(th, thl) + g->psum;
		put16be(th + 16, ~csum_fold(sum) & 0xffff);
	}
	w->len += 16 + flen;
	w->packets++;
	w->bytes += 16 + flen;
}

static void push(int p, struct gpkt *g)
{
	g->order = G.order++;
	heap_push(&G.heap[p], g);
	G.pool[g->conv].refs++;
	G.planned_bytes += 16 + frame_len(g);
}

/* Writes every packet older than t (node1 time) to its file. */
static void flush_before(int64_t t)
{
	struct gpkt g;

	for (int p = 0; p < NPOINTS; p++) {
		struct heap *h = &G.heap[p];

		while (h->n && h->v[0].ts < t) {
			heap_pop(h, &g);
			write_pkt(p, &g);
			conv_release(g.conv);
		}
	}
}

/* Keeps one direction of a flow in order at each point, and in time. */
static int64_t mono(struct conv *c, int dir, int p, int64_t t)
{
	if (t <= c->last[dir][p])
		t = c->last[dir][p] + 50;
	c->last[dir][p] = t;
	return t;
}

/* Wire time of a segment at 10 Gbit/s, preamble and gap included. */
static int64_t ser(uint32_t plen)
{
	return ((int64_t)plen + 54 + 24) * 8 / 10;
}

struct seg {
	uint32_t seq;
	uint32_t len;
	int64_t arrive; /* at the receiver's pod eth0 */
	uint8_t flags;
	bool dropped;
};

/* Sends one packet of dir's side at t: a TSO super-segment when len > MSS at
 * the sender's own points (pod eth0, and the client's veth), cut into MSS
 * segments with consecutive IP IDs when it leaves the sending node. A segment
 * may be dropped on the node-to-node link. out[] gets one entry per wire
 * segment; returns how many. */
static unsigned emit(uint32_t ci, int dir, int64_t t, uint32_t seq, uint32_t ack, uint8_t flags,
                     uint32_t len, bool may_drop, struct seg *out)
{
	struct conv *c = &G.pool[ci];
	unsigned k = len ? (len + MSS - 1) / MSS : 1;
	uint16_t id = 0;
	struct gpkt g = {.conv = ci, .seq = seq, .ack = ack, .flags = flags, .dir = (uint8_t)dir};
	int64_t tn;

	/* SYN-ACK (from the request socket) and RST go out with IP ID 0; a
	 * connected socket numbers its packets, a super-segment taking k IDs. */
	if (!((flags & TH_SYN) && (flags & TH_ACK)) && !(flags & TH_RST)) {
		id = c->ipid[dir];
		c->ipid[dir] = (uint16_t)(c->ipid[dir] + k);
	}
	g.ipid = id;
	g.plen = (uint16_t)len;
	if (dir == FWD) {
		g.ts = mono(c, FWD, P_POD1, t);
		push(P_POD1, &g);
		g.ts = mono(c, FWD, P_VETH1, g.ts + rnd_range(1 * US, 3 * US));
		push(P_VETH1, &g);
		tn = g.ts + rnd_range(15 * US, 40 * US); /* bridge, conntrack, DNAT, routing */
	} else {
		g.ts = mono(c, REV, P_POD2, t);
		push(P_POD2, &g);
		tn = g.ts + rnd_range(10 * US, 30 * US);
	}
	for (unsigned i = 0; i < k; i++) {
		uint32_t off = i * MSS;
		uint32_t sl = len ? (len - off < MSS ? len - off : MSS) : 0;
		struct gpkt s = g;
		static const int fwd_path[] = {P_ETH1, P_ETH2, P_POD2};
		static const int rev_path[] = {P_ETH2, P_ETH1, P_VETH1, P_POD1};
		const int *path = dir == FWD ? fwd_path : rev_path;
		int npath = dir == FWD ? 3 : 4;
		int64_t ts;

		s.seq = seq + off;
		s.plen = (uint16_t)sl;
		s.ipid = id ? (uint16_t)(id + i) : 0;
		/* TSO copies PSH and FIN to the last segment only. */
		if (i + 1 < k)
			s.flags &= (uint8_t) ~(TH_PSH | TH_FIN);
		if (sl) {
			static uint8_t tmp[MSS];

			fill_payload(c, dir, s.seq, sl, tmp);
			s.psum = (uint16_t)csum_sum(tmp, sl);
		}
		out[i].seq = s.seq;
		out[i].len = sl;
		out[i].flags = s.flags;
		out[i].dropped = false;
		c->segs[dir]++;
		ts = mono(c, dir, path[0], tn);
		tn = ts + ser(sl);
		s.ts = ts;
		push(path[0], &s);
		if (may_drop && t >= G.first_start + NO_DROP_HEAD && rnd_unit() < G.p.drop_rate) {
			out[i].dropped = true;
			c->drops[dir]++;
			continue;
		}
		ts = mono(c, dir, path[1], ts + c->link[dir] + rnd_range(0, 30 * US));
		s.ts = ts;
		push(path[1], &s);
		for (int h = 2; h < npath; h++) {
			int64_t lat = path[h] == P_POD2    ? rnd_range(10 * US, 30 * US)
			              : path[h] == P_VETH1 ? rnd_range(15 * US, 40 * US)
			                                   : rnd_range(1 * US, 3 * US);

			ts = mono(c, dir, path[h], ts + lat);
			s.ts = ts;
			push(path[h], &s);
		}
		out[i].arrive = ts;
	}
	return k;
}

static int64_t rto(void)
{
	return 200 * MS + rnd_range(1 * MS, 3 * MS); /* TCP_RTO_MIN plus a few RTTs */
}

/* An ACK from the receiving side of dir; returns its arrival at the sender. */
static int64_t send_ack(uint32_t ci, int dir, int64_t t, uint32_t ack)
{
	struct conv *c = &G.pool[ci];
	struct seg a;

	emit(ci, !dir, t, c->nxt[!dir], ack, TH_ACK, 0, false, &a);
	return a.arrive;
}

/* Moves nbytes from dir's side to the other starting at t, in slow-start
 * flights of TSO super-segments. The receiver ACKs every second segment and
 * the end of a flight, and each out-of-order segment at once (duplicate
 * ACK). Segments dropped in a flight are retransmitted one RTO after the
 * first of them was sent, singly and with new IP IDs, and get through.
 * Returns when the sender has the last ACK; *rcvd is when the receiver had
 * all the data. */
static int64_t xfer(uint32_t ci, int dir, int64_t t, uint32_t nbytes, int64_t *rcvd)
{
	static struct seg fl[CWND_MAX + GSO_SEGS];
	struct conv *c = &G.pool[ci];
	uint32_t base = c->nxt[dir];
	uint32_t nsegs = (nbytes + MSS - 1) / MSS, cwnd = CWND_INIT, i = 0;
	int64_t got = t;

	while (i < nsegs) {
		uint32_t n = nsegs - i < cwnd ? nsegs - i : cwnd, nf = 0, cnt = 0;
		uint32_t edge = base + i * MSS;
		int64_t ts = t, first_drop = -1, last_ack = t;
		bool hole = false;

		while (nf < n) {
			uint32_t m = n - nf < GSO_SEGS ? n - nf : GSO_SEGS;
			uint32_t off = (i + nf) * MSS;
			uint32_t len = nbytes - off < m * MSS ? nbytes - off : m * MSS;
			unsigned k = emit(ci, dir, ts, base + off, c->nxt[!dir], TH_ACK | TH_PSH,
			                  len, true, fl + nf);

			for (unsigned j = 0; j < k; j++)
				if (fl[nf + j].dropped && first_drop < 0)
					first_drop = ts;
			nf += k;
			ts += ser(len) + rnd_range(1 * US, 3 * US);
		}
		for (uint32_t j = 0; j < n; j++) {
			int64_t ta;

			if (fl[j].dropped) {
				hole = true;
				continue;
			}
			ta = fl[j].arrive + rnd_range(5 * US, 15 * US);
			if (!hole) {
				edge = fl[j].seq + fl[j].len;
				got = fl[j].arrive;
				if (++cnt < 2 && j + 1 < n)
					continue;
				cnt = 0;
			}
			ta = send_ack(ci, dir, ta, edge);
			if (ta > last_ack)
				last_ack = ta;
		}
		if (hole) {
			int64_t tr = first_drop + rto();

			if (tr < last_ack)
				tr = last_ack;
			for (uint32_t j = 0; j < n; j++) {
				struct seg r;

				if (!fl[j].dropped)
					continue;
				emit(ci, dir, tr, fl[j].seq, c->nxt[!dir], fl[j].flags, fl[j].len,
				     false, &r);
				G.retrans++;
				fl[j].dropped = false;
				for (uint32_t q = j; q < n && !fl[q].dropped; q++)
					edge = fl[q].seq + fl[q].len;
				got = r.arrive;
				last_ack =
				    send_ack(ci, dir, r.arrive + rnd_range(5 * US, 15 * US), edge);
				tr += ser(fl[j].len) + rnd_range(1 * US, 3 * US);
			}
			cwnd = n / 2 > 2 ? n / 2 : 2;
		} else {
			cwnd = cwnd + n > CWND_MAX ? CWND_MAX : cwnd + n;
		}
		t = last_ack + rnd_range(2 * US, 8 * US);
		i += n;
	}
	c->nxt[dir] = base + nbytes;
	*rcvd = got;
	return t;
}

/* A packet that takes one sequence number (SYN, FIN), retransmitted after
 * timeout when dropped; returns its arrival at the peer's pod eth0. */
static int64_t send_ctl(uint32_t ci, int dir, int64_t t, uint8_t flags, bool may_drop,
                        int64_t timeout)
{
	struct conv *c = &G.pool[ci];
	struct seg s;

	emit(ci, dir, t, c->nxt[dir], (flags & TH_ACK) ? c->nxt[!dir] : 0, flags, 0, may_drop, &s);
	if (s.dropped) {
		emit(ci, dir, t + timeout, c->nxt[dir], (flags & TH_ACK) ? c->nxt[!dir] : 0, flags,
		     0, false, &s);
		G.retrans++;
	}
	c->nxt[dir]++;
	return s.arrive;
}

static void fmt_ip(char *b, size_t n, uint32_t a)
{
	snprintf(b, n, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

static void write_truth_conv(const struct conv *c, int64_t t0, int64_t t1)
{
	char cip[16], bip[16], nip[16], lost[2][128];
	int64_t abs_ns = G.p.start * SEC + t0, abs_end = G.p.start * SEC + t1;
	static const char *const after[2] = {"node1/eth0", "node2/eth0"};
	static const char *const next[2] = {"node2/eth0", "node1/eth0"};

	fmt_ip(cip, sizeof cip, client_ip(c));
	fmt_ip(bip, sizeof bip, backend_ip(c));
	fmt_ip(nip, sizeof nip, NODE1_IP);
	/* Every dropped segment is retransmitted and gets through: a loss is
	 * recovered, never a stop. */
	for (int d = 0; d < 2; d++) {
		if (c->drops[d])
			snprintf(lost[d], sizeof lost[d],
			         "{\"after\":\"%s\",\"expected_next\":\"%s\",\"packets\":%u}",
			         after[d], next[d], c->drops[d]);
		else
			snprintf(lost[d], sizeof lost[d], "null");
	}
	fprintf(G.truth,
	        "%s{\"id\":%u,\"t0\":%" PRId64 ".%06" PRId64 ",\"t1\":%" PRId64 ".%06" PRId64
	        ",\"origin\":{\"src\":\"%s\",\"sport\":%u,"
	        "\"dst\":\"192.168.13.23\",\"dport\":%u},"
	        "\"dnat\":{\"from\":\"192.168.13.23:%u\",\"to\":\"%s:%u\",\"after\":\"%s\","
	        "\"before\":\"%s\"},",
	        c->id ? ",\n" : "", c->id, abs_ns / SEC, (abs_ns % SEC) / 1000, abs_end / SEC,
	        (abs_end % SEC) / 1000, cip, c->cport, CLUSTER_PORT, CLUSTER_PORT, bip, TARGET_PORT,
	        points[P_VETH1].name, points[P_ETH1].name);
	if (c->snat)
		fprintf(
		    G.truth,
		    "\"snat\":{\"original\":\"%s:%u\",\"replaced_by\":\"%s:%u\",\"after\":\"%s\","
		    "\"before\":\"%s\"},",
		    cip, c->cport, nip, c->snat_port, points[P_VETH1].name, points[P_ETH1].name);
	else
		fputs("\"snat\":null,", G.truth);
	fprintf(G.truth,
	        "\"stopped\":{\"forward\":null,\"reverse\":null},"
	        "\"recovered_loss\":{\"forward\":%s,\"reverse\":%s},\"segments\":{\"forward\":%u,"
	        "\"reverse\":%u}}",
	        lost[FWD], lost[REV], c->segs[FWD], c->segs[REV]);
}

/* One TCP connection from t0: handshake, 1..max_requests request/response
 * exchanges with think and idle times, then the client closes (FIN, or RST
 * for a fraction). Returns the time of its last packet. */
static int64_t conversation(int64_t t0)
{
	uint32_t ci = conv_alloc();
	struct conv *c = &G.pool[ci];
	unsigned nreq;
	int64_t t, rcvd, end = 0;
	uint32_t cl;
	struct seg s;

	c->id = G.nconv++;
	c->refs = 1; /* held while generating */
	cl = (uint32_t)rnd_below(G.p.clients);
	for (uint32_t tries = 0; G.ports_used[cl] >= NPORTS; tries++) {
		if (tries == G.p.clients)
			die("--clients",
			    "every client address used all its ports; raise --clients");
		cl = (cl + 1) % (uint32_t)G.p.clients;
	}
	c->client = (uint16_t)cl;
	c->cport = G.next_port[cl];
	G.next_port[cl] = (uint16_t)(c->cport == PORT_HI ? PORT_LO : c->cport + 1u);
	G.ports_used[cl]++;
	c->backend = (uint16_t)rnd_below(G.p.backends);
	c->snat = rnd_unit() < G.p.snat_fraction;
	if (c->snat) {
		c->snat_port = (uint16_t)G.snat_next;
		G.snat_next = G.snat_next == 65535 ? 1024 : G.snat_next + 1;
		G.nsnat++;
	}
	for (int d = 0; d < 2; d++) {
		c->isn[d] = (uint32_t)rng_next(&G.rng);
		c->ipid[d] = (uint16_t)rng_next(&G.rng);
		c->salt[d] = (uint32_t)rng_next(&G.rng);
		c->link[d] = 100 * US + rnd_range(0, 150 * US);
	}
	/* An IP ID of 0 from a connected socket would look like a SYN-ACK's. */
	for (int d = 0; d < 2; d++)
		if (c->ipid[d] == 0)
			c->ipid[d] = 1;

	/* Handshake. A lost SYN is sent again after the 1 s initial RTO; when
	 * the SYN-ACK is lost, the client's SYN timer fires and the server
	 * answers the repeated SYN at once. */
	c->nxt[FWD] = c->isn[FWD];
	c->nxt[REV] = c->isn[REV];
	t = send_ctl(ci, FWD, t0, TH_SYN, true, 1 * SEC);
	emit(ci, REV, t + rnd_range(10 * US, 20 * US), c->isn[REV], c->nxt[FWD], TH_SYN | TH_ACK, 0,
	     true, &s);
	if (s.dropped) {
		c->nxt[FWD]--;
		t = send_ctl(ci, FWD, c->last[FWD][P_POD1] + 1 * SEC, TH_SYN, false, 0);
		emit(ci, REV, t + rnd_range(10 * US, 20 * US), c->isn[REV], c->nxt[FWD],
		     TH_SYN | TH_ACK, 0, false, &s);
		G.retrans += 2;
	}
	c->nxt[REV] = c->isn[REV] + 1;
	t = s.arrive + rnd_range(5 * US, 10 * US);
	emit(ci, FWD, t, c->nxt[FWD], c->nxt[REV], TH_ACK, 0, false, &s);

	nreq = 1 + (unsigned)rnd_below(G.p.max_requests);
	for (unsigned r = 0; r < nreq; r++) {
		uint32_t req = rnd_unit() < G.p.upload_fraction ? rnd_size(G.p.upload_size)
		                                                : rnd_size(G.p.req_size);

		if (r > 0)
			t += rnd_ms(G.p.idle_ms);
		t += rnd_range(10 * US, 50 * US);
		xfer(ci, FWD, t, add_message(c, FWD, req), &rcvd);
		t = rcvd + rnd_ms(G.p.think_ms);
		xfer(ci, REV, t, add_message(c, REV, rnd_size(G.p.resp_size)), &rcvd);
		t = rcvd;
	}
	t += rnd_ms(G.p.idle_ms);
	if (rnd_unit() < G.p.rst_fraction) {
		emit(ci, FWD, t, c->nxt[FWD], c->nxt[REV], TH_RST | TH_ACK, 0, false, &s);
	} else {
		t = send_ctl(ci, FWD, t, TH_FIN | TH_ACK, true, rto());
		t = send_ctl(ci, REV, t + rnd_range(20 * US, 60 * US), TH_FIN | TH_ACK, true,
		             rto());
		emit(ci, FWD, t + rnd_range(5 * US, 10 * US), c->nxt[FWD], c->nxt[REV], TH_ACK, 0,
		     false, &s);
	}

	for (int d = 0; d < 2; d++) {
		for (int p = 0; p < NPOINTS; p++)
			if (c->last[d][p] > end)
				end = c->last[d][p];
		G.drops[d] += c->drops[d];
		G.drop_convs[d] += c->drops[d] != 0;
	}
	write_truth_conv(c, t0, end);
	conv_release(ci);
	return end;
}

/* ---- slots: concurrency many connection loops, each starting its next
 * conversation when the previous one ended ---- */

static bool slot_before(const struct slot *a, const struct slot *b)
{
	return a->t < b->t || (a->t == b->t && a->idx < b->idx);
}

static void slot_sift_down(struct slot *v, size_t n, size_t i)
{
	struct slot x = v[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && slot_before(&v[c + 1], &v[c]))
			c++;
		if (!slot_before(&v[c], &x))
			break;
		v[i] = v[c];
		i = c;
	}
	v[i] = x;
}

/* ---- command line ---- */

static const char usage_text[] =
    "usage: benchgen [OPTIONS] OUTDIR\n"
    "\n"
    "Writes a capture bundle of one cross-node Kubernetes ClusterIP path to OUTDIR\n"
    "(node1/pod-client/eth0.pcap, node1/veth1a2b3c4d.pcap, node1/eth0.pcap,\n"
    "node2/eth0.pcap, node2/pod-server/eth0.pcap) and its ground truth to\n"
    "OUTDIR/truth.json. Deterministic for a given seed and options.\n"
    "\n"
    "Options (defaults in brackets):\n"
    "  --backends N          backend pods on node2 [8]\n"
    "  --clients N           client pod addresses on node1 [64]\n"
    "  --clock-offset S      node2's clock runs S seconds ahead [1.7]\n"
    "  --concurrency N       conversations live at any time [2000]\n"
    "  --drop-rate F         loss on the node-to-node link, per packet that takes\n"
    "                        sequence space, each direction [0.001]\n"
    "  --idle-ms MS          mean idle time between requests and before close [1000]\n"
    "  --length-factor F     make the set F times as long, same concurrency [1]\n"
    "  --max-requests N      requests per connection, uniform 1..N (<= 16) [3]\n"
    "  -q, --quiet           no summary line\n"
    "  --req-size BYTES      mean request size, HTTP header included (at least\n"
    "                        256) [600]\n"
    "  --resp-size BYTES     mean response size [16384]\n"
    "  --rst-fraction F      connections the client resets instead of closing [0.02]\n"
    "  --seed N              random seed [1]\n"
    "  --size-gb GB          stop starting conversations at GB x length-factor\n"
    "                        (10^9 bytes) of capture files [4]\n"
    "  --snat-fraction F     connections also masqueraded to node1's address [0.3]\n"
    "  --start EPOCH         first timestamp, Unix seconds [1715677200]\n"
    "  --think-ms MS         mean server time to the response [100]\n"
    "  --upload-fraction F   requests that are uploads [0.02]\n"
    "  --upload-size BYTES   mean upload size [262144]\n"
    "  -h, --help            show this help\n";

static void usage_fail(const char *opt, const char *arg, const char *what)
{
	fprintf(stderr, "benchgen: --%s: '%s' is not %s\ntry 'benchgen --help'\n", opt, arg, what);
	exit(2);
}

static unsigned long opt_ulong(const char *opt, const char *s, unsigned long lo, unsigned long hi)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno || v < lo || v > hi) {
		char what[64];

		snprintf(what, sizeof what, "a number from %lu to %lu", lo, hi);
		usage_fail(opt, s, what);
	}
	return v;
}

static double opt_double(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno || !isfinite(v) || v < lo || v > hi) {
		char what[80];

		snprintf(what, sizeof what, "a number from %g to %g", lo, hi);
		usage_fail(opt, s, what);
	}
	return v;
}

static void parse_args(int argc, char **argv)
{
	/* Sorted by name. */
	static const struct option lo[] = {
	    {"backends", required_argument, NULL, 'b'},
	    {"clients", required_argument, NULL, 'c'},
	    {"clock-offset", required_argument, NULL, 'o'},
	    {"concurrency", required_argument, NULL, 'C'},
	    {"drop-rate", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {"idle-ms", required_argument, NULL, 'i'},
	    {"length-factor", required_argument, NULL, 'L'},
	    {"max-requests", required_argument, NULL, 'm'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"req-size", required_argument, NULL, 'r'},
	    {"resp-size", required_argument, NULL, 'R'},
	    {"rst-fraction", required_argument, NULL, 'x'},
	    {"seed", required_argument, NULL, 's'},
	    {"size-gb", required_argument, NULL, 'g'},
	    {"snat-fraction", required_argument, NULL, 'n'},
	    {"start", required_argument, NULL, 'S'},
	    {"think-ms", required_argument, NULL, 't'},
	    {"upload-fraction", required_argument, NULL, 'u'},
	    {"upload-size", required_argument, NULL, 'U'},
	    {NULL, 0, NULL, 0},
	};
	struct params *p = &G.p;
	int ch, li;

	*p = (struct params){
	    .seed = 1,
	    .size_gb = 4,
	    .length_factor = 1,
	    .concurrency = 2000,
	    .clients = 64,
	    .backends = 8,
	    .max_requests = 3,
	    .req_size = 600,
	    .resp_size = 16384,
	    .upload_size = 262144,
	    .upload_fraction = 0.02,
	    .snat_fraction = 0.3,
	    .drop_rate = 0.001,
	    .rst_fraction = 0.02,
	    .think_ms = 100,
	    .idle_ms = 1000,
	    .clock_offset = 1.7,
	    .start = 1715677200,
	};
	while ((ch = getopt_long(argc, argv, "hq", lo, &li)) != -1) {
		const char *name = ch == 'h' || ch == 'q' || ch == '?' ? "" : lo[li].name;

		switch (ch) {
		case 'b':
			p->backends = opt_ulong(name, optarg, 1, MAX_BACKENDS);
			break;
		case 'c':
			p->clients = opt_ulong(name, optarg, 1, MAX_CLIENTS);
			break;
		case 'o':
			p->clock_offset = opt_double(name, optarg, -3600, 3600);
			break;
		case 'C':
			p->concurrency = opt_ulong(name, optarg, 1, 1000000);
			break;
		case 'd':
			p->drop_rate = opt_double(name, optarg, 0, 0.5);
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case 'i':
			p->idle_ms = opt_double(name, optarg, 0, 600000);
			break;
		case 'L':
			p->length_factor = opt_double(name, optarg, 0.001, 1000);
			break;
		case 'm':
			p->max_requests = opt_ulong(name, optarg, 1, MAX_MSGS);
			break;
		case 'q':
			p->quiet = true;
			break;
		case 'r':
			p->req_size = opt_ulong(name, optarg, 1, 100000000);
			break;
		case 'R':
			p->resp_size = opt_ulong(name, optarg, 1, 100000000);
			break;
		case 'x':
			p->rst_fraction = opt_double(name, optarg, 0, 1);
			break;
		case 's':
			p->seed = opt_ulong(name, optarg, 0, ULONG_MAX);
			break;
		case 'g':
			p->size_gb = opt_double(name, optarg, 0.0001, 100000);
			break;
		case 'n':
			p->snat_fraction = opt_double(name, optarg, 0, 1);
			break;
		case 'S':
			p->start = (int64_t)opt_ulong(name, optarg, 0, 4000000000UL);
			break;
		case 't':
			p->think_ms = opt_double(name, optarg, 0, 600000);
			break;
		case 'u':
			p->upload_fraction = opt_double(name, optarg, 0, 1);
			break;
		case 'U':
			p->upload_size = opt_ulong(name, optarg, 1, 100000000);
			break;
		default:
			fputs("try 'benchgen --help'\n", stderr);
			exit(2);
		}
	}
	if (optind + 1 != argc) {
		fputs("benchgen: one OUTDIR expected\ntry 'benchgen --help'\n", stderr);
		exit(2);
	}
	p->out = argv[optind];
}

static void write_truth_head(void)
{
	const struct params *p = &G.p;
	char *path = path_join(p->out, "truth.json", "");

	G.truth = fopen(path, "w");
	if (!G.truth)
		die(path, strerror(errno));
	setvbuf(G.truth, NULL, _IOFBF, 1 << 20);
	free(path);
	fprintf(G.truth,
	        "{\"generator\":\"pktpath benchgen\",\"truth_version\":2,\n"
	        "\"params\":{\"seed\":%" PRIu64 ",\"size_gb\":%g,\"length_factor\":%g,"
	        "\"concurrency\":%lu,\"clients\":%lu,\"backends\":%lu,\"max_requests\":%lu,"
	        "\"req_size\":%lu,\"resp_size\":%lu,\"upload_size\":%lu,\"upload_fraction\":%g,"
	        "\"snat_fraction\":%g,\"drop_rate\":%g,\"rst_fraction\":%g,\"think_ms\":%g,"
	        "\"idle_ms\":%g,\"clock_offset\":%.9f,\"start\":%" PRId64 "},\n",
	        p->seed, p->size_gb, p->length_factor, p->concurrency, p->clients, p->backends,
	        p->max_requests, p->req_size, p->resp_size, p->upload_size, p->upload_fraction,
	        p->snat_fraction, p->drop_rate, p->rst_fraction, p->think_ms, p->idle_ms,
	        p->clock_offset, p->start);
	fputs("\"points\":[", G.truth);
	for (int i = 0; i < NPOINTS; i++)
		fprintf(G.truth, "%s{\"name\":\"%s\",\"node\":\"node%d\",\"file\":\"%s.pcap\"}",
		        i ? "," : "", points[i].name, points[i].node + 1, points[i].name);
	fprintf(G.truth,
	        "],\n\"clock_offsets\":{\"node1\":0,\"node2\":%.9f},\n"
	        "\"service\":{\"cluster_ip\":\"192.168.13.23\",\"port\":%u,\"target_port\":%u},\n"
	        "\"nodes\":{\"node1\":\"10.0.0.180\",\"node2\":\"10.0.1.23\"},\n"
	        "\"dnat_between\":[\"%s\",\"%s\"],\"snat_between\":[\"%s\",\"%s\"],\n"
	        "\"drop_link\":{\"forward\":{\"after\":\"node1/eth0\",\"expected_next\":\"node2/"
	        "eth0\"},"
	        "\"reverse\":{\"after\":\"node2/eth0\",\"expected_next\":\"node1/eth0\"}},\n"
	        "\"conversations\":[\n",
	        p->clock_offset, CLUSTER_PORT, TARGET_PORT, points[P_VETH1].name,
	        points[P_ETH1].name, points[P_VETH1].name, points[P_ETH1].name);
}

static void write_truth_tail(double gen_s)
{
	uint64_t pk = 0, by = 0;
	int64_t first = INT64_MAX, last = 0;

	fputs("\n],\n\"totals\":{", G.truth);
	for (int i = 0; i < NPOINTS; i++) {
		pk += G.w[i].packets;
		by += G.w[i].bytes;
		if (G.w[i].packets && G.w[i].first_ts < first)
			first = G.w[i].first_ts;
		if (G.w[i].last_ts > last)
			last = G.w[i].last_ts;
	}
	if (first == INT64_MAX)
		first = 0;
	fprintf(G.truth,
	        "\"conversations\":%u,\"snat\":%u,\"drops\":{\"forward\":%" PRIu64
	        ",\"reverse\":%" PRIu64 "},\"conversations_with_drops\":{\"forward\":%" PRIu64
	        ",\"reverse\":%" PRIu64 "},\"retransmissions\":%" PRIu64
	        ",\"packets_total\":%" PRIu64 ",\"bytes_total\":%" PRIu64
	        ",\"duration\":%.6f,\"generation_seconds\":%.3f,\n\"files\":[",
	        G.nconv, G.nsnat, G.drops[FWD], G.drops[REV], G.drop_convs[FWD], G.drop_convs[REV],
	        G.retrans, pk, by, (double)(last - first) / 1e9, gen_s);
	for (int i = 0; i < NPOINTS; i++)
		fprintf(G.truth,
		        "%s{\"name\":\"%s\",\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64 "}",
		        i ? "," : "", points[i].name, G.w[i].packets, G.w[i].bytes);
	fputs("]}}\n", G.truth);
	if (ferror(G.truth) || fclose(G.truth) != 0)
		die("truth.json", "write error");
}

int main(int argc, char **argv)
{
	struct timespec t_a, t_b;
	struct slot *slots;
	size_t nslots;
	uint64_t pk = 0, by = 0;
	double mean_conv_ns, gen_s;
	uint64_t seed;

	parse_args(argc, argv);
	clock_gettime(CLOCK_MONOTONIC, &t_a);
	seed = G.p.seed;
	for (int i = 0; i < 4; i++)
		G.rng.s[i] = splitmix64(&seed);
	G.target_bytes = (uint64_t)(G.p.size_gb * G.p.length_factor * 1e9);
	G.free_head = UINT32_MAX;
	G.pat = xmalloc(PAT_SIZE + 65536);
	for (size_t i = 0; i < PAT_SIZE; i += 8) {
		uint64_t v = rng_next(&G.rng);

		memcpy(G.pat + i, &v, 8);
	}
	memcpy(G.pat + PAT_SIZE, G.pat, 65536);
	G.next_port = xmalloc(G.p.clients * sizeof *G.next_port);
	G.ports_used = calloc(G.p.clients, sizeof *G.ports_used);
	if (!G.ports_used)
		die("memory", "out of memory");
	for (unsigned long i = 0; i < G.p.clients; i++)
		G.next_port[i] = (uint16_t)rnd_range(PORT_LO, PORT_HI);
	G.snat_next = (uint32_t)rnd_range(1024, 65535);

	mkdir_p(G.p.out);
	for (int p = 0; p < NPOINTS; p++)
		pw_open(&G.w[p], p);
	write_truth_head();

	/* Stagger the first conversation of each slot over one mean lifetime so
	 * that the set is at full concurrency almost from the start. */
	mean_conv_ns = ((double)(G.p.max_requests + 1) / 2.0 * (G.p.think_ms + G.p.idle_ms) + 1.0) *
	               (double)MS;
	nslots = G.p.concurrency;
	slots = xmalloc(nslots * sizeof *slots);
	for (size_t i = 0; i < nslots; i++) {
		slots[i].t = rnd_range(0, (int64_t)mean_conv_ns);
		slots[i].idx = (uint32_t)i;
	}
	for (size_t i = nslots / 2; i-- > 0;)
		slot_sift_down(slots, nslots, i);
	while (nslots) {
		int64_t t = slots[0].t, end;

		if (G.planned_bytes >= G.target_bytes) {
			slots[0] = slots[--nslots];
			if (nslots)
				slot_sift_down(slots, nslots, 0);
			continue;
		}
		if (G.nconv == 0)
			G.first_start = t;
		flush_before(t);
		end = conversation(t);
		slots[0].t = end + rnd_range(10 * US, 1 * MS);
		slot_sift_down(slots, nslots, 0);
	}
	flush_before(INT64_MAX);
	for (int p = 0; p < NPOINTS; p++) {
		pw_close(&G.w[p]);
		pk += G.w[p].packets;
		by += G.w[p].bytes;
	}
	clock_gettime(CLOCK_MONOTONIC, &t_b);
	gen_s = (double)(t_b.tv_sec - t_a.tv_sec) + (double)(t_b.tv_nsec - t_a.tv_nsec) / 1e9;
	write_truth_tail(gen_s);
	if (!G.p.quiet)
		printf("benchgen: %s: conversations %u packets %" PRIu64 " bytes %" PRIu64
		       " drops %" PRIu64 "/%" PRIu64 " snat %u in %.2f s (%.0f MB/s)\n",
		       G.p.out, G.nconv, pk, by, G.drops[FWD], G.drops[REV], G.nsnat, gen_s,
		       (double)by / 1e6 / (gen_s > 0 ? gen_s : 1e-9));
	free(slots);
	free(G.pat);
	free(G.next_port);
	free(G.ports_used);
	free(G.pool);
	for (int p = 0; p < NPOINTS; p++) {
		free(G.heap[p].v);
		free(G.w[p].path);
	}
	return 0;
}
