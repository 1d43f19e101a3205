/* result_load.c - pktpath JSON results read back into the report model
 * (result_load.h), member by member as report_json.c and
 * report_json_conv.c write them.
 * specification: pktpath(1), JSON SCHEMA (schema_version 1).
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/htab.h"
#include "report/json_stream.h"
#include "util/msg.h"
#include "report/result_load.h"

#define SCHEMA_VERSION 1

struct loader {
	struct json_stream s;
	const struct result_sink *k;
	bool in_result;  /* between a result's schema_version and its end */
	bool head_given; /* the sink has this result's head */
	bool have_nodes;
	struct result_head head;
	struct htab point_index; /* hash of a point name -> index */
	struct result_summary sum;
	uint64_t nconv;   /* conversations of this result, for messages */
	uint64_t results; /* results read so far */
	const char *where;
	char where_buf[64];
};

/* ---- messages and small readers ------------------------------------------- */

PP_PRINTF(2, 3)
static int bad(struct loader *ld, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	msg_error(ld->s.path, "not a pktpath JSON result: %s%s%s (before byte %llu)",
	          ld->where ? ld->where : "", ld->where ? ": " : "", why,
	          (unsigned long long)ld->s.offset);
	return -1;
}

static int get_u64(struct loader *ld, json_t *o, const char *key, uint64_t max, uint64_t *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return bad(ld, "'%s' is not a number from 0 to %" PRIu64, key, max);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int get_u32(struct loader *ld, json_t *o, const char *key, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (get_u64(ld, o, key, max, &v) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* A string member, or NULL when null (absent: -1 unless optional). */
static int get_str(struct loader *ld, json_t *o, const char *key, bool optional, const char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (json_is_string(v)) {
		*out = json_string_value(v);
		return 0;
	}
	if (json_is_null(v) || (!v && optional))
		return 0;
	return bad(ld, "'%s' is not a string", key);
}

static int get_real(struct loader *ld, json_t *o, const char *key, double *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_number(v) || !isfinite(json_number_value(v)))
		return bad(ld, "'%s' is not a number", key);
	*out = json_number_value(v);
	return 0;
}

/* Seconds as the reports write them (double) -> ns, for offsets and the
 * window: small enough that the double holds them to the nanosecond. */
static int get_seconds(struct loader *ld, json_t *o, const char *key, int64_t *ns)
{
	double v = 0;

	if (get_real(ld, o, key, &v) < 0)
		return -1;
	if (fabs(v) > 1e9)
		return bad(ld, "'%s' is out of range", key);
	*ns = llround(v * 1e9);
	return 0;
}

static int parse_addr(const char *s, struct pp_addr *a)
{
	uint8_t raw[16];

	if (inet_pton(AF_INET, s, raw) == 1)
		addr_set_v4(a, raw);
	else if (inet_pton(AF_INET6, s, raw) == 1)
		addr_set_v6(a, raw);
	else
		return -1;
	return 0;
}

static int get_addr(struct loader *ld, json_t *o, const char *key, struct pp_addr *a)
{
	const char *s;

	if (get_str(ld, o, key, false, &s) < 0 || !s || parse_addr(s, a) < 0)
		return bad(ld, "'%s' is not an address", key);
	return 0;
}

/* "a.b.c.d:port", "[v6]:port" or a bare address (chain_format_endpoint). */
static int parse_endpoint(const char *s, struct chain_endpoint *e)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *port = NULL;
	char *end;
	unsigned long v;

	memset(e, 0, sizeof *e);
	if (strlen(s) >= sizeof buf)
		return -1;
	strcpy(buf, s);
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (!close || close[1] != ':')
			return -1;
		*close = '\0';
		port = close + 2;
		memmove(buf, buf + 1, strlen(buf + 1) + 1);
	} else if (strchr(buf, ':') && strchr(buf, ':') == strrchr(buf, ':')) {
		char *colon = strchr(buf, ':');

		*colon = '\0';
		port = colon + 1;
	}
	if (parse_addr(buf, &e->addr) < 0)
		return -1;
	if (port) {
		v = strtoul(port, &end, 10);
		if (*port < '0' || *port > '9' || *end || v > 65535)
			return -1;
		e->port = (uint16_t)v;
		e->has_port = true;
	}
	return 0;
}

/* report_iso_time() read back: "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ", the
 * nanoseconds signed like the remainder they were written from. */
static int parse_iso(const char *s, int64_t *ns)
{
	struct tm tm = {0};
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	char *end;
	long long frac;
	time_t sec;

	if (!p || *p != '.')
		return -1;
	frac = strtoll(p + 1, &end, 10);
	if (end - (p + 1) < 9 || end[0] != 'Z' || end[1] || frac <= -1000000000LL ||
	    frac >= 1000000000LL)
		return -1;
	sec = timegm(&tm);
	if (sec < -9000000000LL || sec > 9000000000LL)
		return -1;
	*ns = (int64_t)sec * 1000000000LL + frac;
	return 0;
}

/* An ISO time member; null gives `none` when allowed. */
static int get_time(struct loader *ld, json_t *o, const char *key, bool nullable, int64_t none,
                    int64_t *ns)
{
	const char *s;

	if (get_str(ld, o, key, false, &s) < 0)
		return -1;
	if (!s && nullable) {
		*ns = none;
		return 0;
	}
	if (!s || parse_iso(s, ns) < 0)
		return bad(ld,
		           "'%s' is not a time as pktpath writes it (written by an older "
		           "pktpath? run it again)",
		           key);
	return 0;
}

/* Index of a name in names[0..n) by the function that writes them. */
static int name_index(const char *s, int n, const char *(*name)(int))
{
	for (int i = 0; s && i < n; i++) {
		if (strcmp(s, name(i)) == 0)
			return i;
	}
	return -1;
}

static const char *verdict_i(int i)
{
	return chain_verdict_name((enum chain_verdict)i);
}

static const char *gap_i(int i)
{
	return chain_gap_name((enum chain_gap_why)i);
}

static const char *reason_i(int i)
{
	return reason_name((enum pp_reason)i);
}

static const char *layer_i(int i)
{
	return layer_name((enum pp_layer)i);
}

static const char *note_i(int i)
{
	return note_name((enum pp_note)i);
}

static const char *proto_i(int i)
{
	return chain_proto_name((uint8_t)i);
}

static const char *tunnel_i(int i)
{
	static const char *const kinds[] = {"none", "vxlan", "geneve", "gre", "ipip"};

	return (unsigned)i < 5 ? kinds[i] : "";
}

/* ---- points and nodes ---------------------------------------------------------- */

static uint64_t name_hash(const char *s)
{
	return htab_hash(s, strlen(s), 0x706f696e74ULL);
}

/* A point's index by name, or -1; with nullable, null gives UINT32_MAX (an
 * index no report names). */
static int get_point(struct loader *ld, json_t *o, const char *key, bool nullable, uint32_t *out)
{
	const char *s;
	struct htab_iter it;
	uint32_t i;

	if (get_str(ld, o, key, false, &s) < 0)
		return -1;
	if (!s && nullable) {
		*out = UINT32_MAX;
		return 0;
	}
	for (int ok = s ? htab_first(&ld->point_index, name_hash(s), &it, &i) : 0; ok;
	     ok = htab_next(&ld->point_index, &it, &i)) {
		if (strcmp(ld->head.points[i].name, s) == 0) {
			*out = i;
			return 0;
		}
	}
	return bad(ld, "'%s' names no point of the result", key);
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		msg_oom("merge", strlen(s ? s : "") + 1);
	return d;
}

static int gap_from_json(struct loader *ld, json_t *g, struct chain_point *p)
{
	struct chain_gap gap = {.used = true};
	const char *why;
	json_t *n = json_object_get(g, "packets");
	int w;

	if (!json_is_object(g) || get_time(ld, g, "from_time", true, INT64_MIN, &gap.from) < 0 ||
	    get_time(ld, g, "to_time", true, INT64_MAX, &gap.to) < 0 ||
	    get_str(ld, g, "why", false, &why) < 0 ||
	    get_u64(ld, g, "not_judged", UINT64_MAX / 2, &gap.excused) < 0)
		return bad(ld, "a gap of point %s is not what pktpath writes", p->name);
	if ((w = name_index(why, CHAIN_GAP_CAPTURE_END + 1, gap_i)) < 0)
		return bad(ld, "gap kind '%s' unknown", why ? why : "null");
	gap.why = (uint8_t)w;
	if (json_is_integer(n) && json_integer_value(n) >= 0)
		gap.packets = (uint64_t)json_integer_value(n);
	*chain_point_gap(p, gap.from, gap.to, (enum chain_gap_why)gap.why, gap.packets) = gap;
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char end;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
	           &end) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

static int iface_from_json(struct loader *ld, json_t *o, struct topo_known_iface *f)
{
	const char *mac;
	json_t *mtu = json_object_get(o, "mtu");

	memset(f, 0, sizeof *f);
	if (get_u32(ld, o, "ifindex", UINT32_MAX, &f->ifindex) < 0 ||
	    get_str(ld, o, "kind", false, &f->kind) < 0 || get_str(ld, o, "mac", false, &mac) < 0 ||
	    get_str(ld, o, "master", false, &f->master) < 0 ||
	    get_str(ld, o, "peer", false, &f->peer) < 0)
		return -1;
	if (mac && parse_mac(mac, f->mac) < 0)
		return bad(ld, "'mac' is not a MAC address");
	f->has_mac = mac != NULL;
	if (!json_is_null(mtu) && get_u32(ld, o, "mtu", UINT32_MAX, &f->mtu) < 0)
		return -1;
	/* the head outlives o: the loader's copies (head_free) */
	f->kind = f->kind ? xstrdup(f->kind) : NULL;
	f->master = f->master ? xstrdup(f->master) : NULL;
	f->peer = f->peer ? xstrdup(f->peer) : NULL;
	return 0;
}

static void *grow_array(void *v, size_t n, size_t size)
{
	void *p;

	if ((n & (n - 1)) != 0 && n > 16)
		return v; /* capacity: powers of two from 16 */
	p = realloc(v, (n < 16 ? 16 : 2 * n) * size);
	if (!p)
		msg_oom("merge", n * size);
	return p;
}

static int point_from_json(struct loader *ld, json_t *o)
{
	struct result_head *h = &ld->head;
	struct chain_point *p;
	const char *name, *node;
	json_t *files = json_object_get(o, "files"), *gaps = json_object_get(o, "gaps"), *v;
	json_t *iface = json_object_get(o, "iface");
	size_t i;

	ld->where = "a point";
	if (!json_is_object(o) || get_str(ld, o, "name", false, &name) < 0 || !name ||
	    get_str(ld, o, "node", false, &node) < 0 || !node || !json_is_array(files) ||
	    !json_is_array(gaps))
		return bad(ld, "not a point as pktpath writes it");
	h->points = grow_array(h->points, h->npoints, sizeof *h->points);
	h->ifaces = grow_array(h->ifaces, h->npoints, sizeof *h->ifaces);
	h->has_iface = grow_array(h->has_iface, h->npoints, sizeof *h->has_iface);
	p = &h->points[h->npoints];
	memset(p, 0, sizeof *p);
	h->has_iface[h->npoints] = false;
	h->npoints++;
	p->name = xstrdup(name);
	p->node = xstrdup(node);
	p->clock_error = -1;
	if (htab_put(&ld->point_index, name_hash(name), (uint32_t)(h->npoints - 1)) < 0)
		msg_oom("merge", 0);
	p->files = calloc(json_array_size(files) + 1, sizeof *p->files);
	if (!p->files)
		msg_oom("merge", json_array_size(files) * sizeof *p->files);
	json_array_foreach(files, i, v)
	{
		if (!json_is_string(v))
			return bad(ld, "point %s: a file is not a string", name);
		p->files[p->nfiles++] = xstrdup(json_string_value(v));
	}
	if (get_u64(ld, o, "packets", UINT64_MAX / 2, &p->packets) < 0 ||
	    get_time(ld, o, "first_time", true, 0, &p->first_ts) < 0 ||
	    get_time(ld, o, "last_time", true, 0, &p->last_ts) < 0 ||
	    get_seconds(ld, o, "clock_offset", &p->clock_offset) < 0)
		return -1;
	json_array_foreach(gaps, i, v)
	{
		if (gap_from_json(ld, v, p) < 0)
			return -1;
	}
	if (json_is_object(iface)) {
		if (iface_from_json(ld, iface, &h->ifaces[h->npoints - 1]) < 0)
			return -1;
		h->has_iface[h->npoints - 1] = true;
	}
	ld->where = NULL;
	return 0;
}

static int nodes_from_json(struct loader *ld, json_t *a)
{
	struct result_head *h = &ld->head;
	json_t *o;
	size_t i;

	ld->where = "nodes";
	if (!json_is_array(a) || json_array_size(a) == 0)
		return bad(ld, "not a list of nodes");
	h->nodes = calloc(json_array_size(a), sizeof *h->nodes);
	if (!h->nodes)
		msg_oom("merge", json_array_size(a) * sizeof *h->nodes);
	json_array_foreach(a, i, o)
	{
		struct chain_node *n = &h->nodes[h->nnodes];
		const char *name, *source;
		json_t *err = json_object_get(o, "clock_error");

		if (!json_is_object(o) || get_str(ld, o, "name", false, &name) < 0 || !name ||
		    get_str(ld, o, "clock_source", false, &source) < 0 || !source ||
		    get_seconds(ld, o, "clock_offset", &n->clock_offset) < 0 ||
		    get_u64(ld, o, "pairs_to", UINT64_MAX / 2, &n->pairs_to) < 0 ||
		    get_u64(ld, o, "pairs_from", UINT64_MAX / 2, &n->pairs_from) < 0)
			return bad(ld, "node %zu is not what pktpath writes", i + 1);
		n->name = xstrdup(name);
		h->nnodes++;
		/* the reference node counts as estimated (clock.c) */
		n->manual = strcmp(source, "manual") == 0;
		n->estimated = n->manual || strcmp(source, "estimated") == 0 ||
		               strcmp(source, "reference") == 0;
		n->via = (uint32_t)i;
		n->clock_error = -1;
		if (!json_is_null(err) && get_seconds(ld, o, "clock_error", &n->clock_error) < 0)
			return -1;
	}
	/* estimated_from names a node: resolved once all are known */
	json_array_foreach(a, i, o)
	{
		const char *from;

		if (get_str(ld, o, "estimated_from", false, &from) < 0)
			return -1;
		for (size_t j = 0; from && j < h->nnodes; j++) {
			if (strcmp(h->nodes[j].name, from) == 0)
				h->nodes[i].via = (uint32_t)j;
		}
	}
	ld->have_nodes = true;
	ld->where = NULL;
	return 0;
}

/* The points' nodes and clocks, from the nodes; the head goes to the sink. */
static int head_done(struct loader *ld)
{
	struct result_head *h = &ld->head;

	if (ld->head_given)
		return 0;
	if (!ld->have_nodes)
		return bad(ld, "conversations before the points and nodes");
	for (size_t i = 0; i < h->npoints; i++) {
		struct chain_point *p = &h->points[i];
		size_t n;

		for (n = 0; n < h->nnodes && strcmp(h->nodes[n].name, p->node); n++)
			;
		if (n == h->nnodes)
			return bad(ld, "point %s is on node %s, which is not in nodes", p->name,
			           p->node);
		p->node_id = (uint32_t)n;
		p->clock_estimated = h->nodes[n].estimated;
		p->clock_manual = h->nodes[n].manual;
		p->clock_via = h->nodes[n].via;
		p->clock_pairs_to = h->nodes[n].pairs_to;
		p->clock_pairs_from = h->nodes[n].pairs_from;
		p->clock_error = h->nodes[n].clock_error;
	}
	ld->head_given = true;
	return ld->k->head(ld->k->arg, ld->s.path, h);
}

static void head_free(struct result_head *h)
{
	for (size_t i = 0; i < h->npoints; i++) {
		free(h->points[i].name);
		free(h->points[i].node);
		for (size_t f = 0; f < h->points[i].nfiles; f++)
			free(h->points[i].files[f]);
		free(h->points[i].files);
		free(h->points[i].gaps);
		if (h->has_iface[i]) {
			free((char *)h->ifaces[i].kind);
			free((char *)h->ifaces[i].master);
			free((char *)h->ifaces[i].peer);
		}
	}
	free(h->points);
	free(h->ifaces);
	free(h->has_iface);
	for (size_t i = 0; i < h->nnodes; i++)
		free(h->nodes[i].name);
	free(h->nodes);
	memset(h, 0, sizeof *h);
}

/* ---- conversations ----------------------------------------------------------- */

static int port_of(struct loader *ld, json_t *o, const char *key, bool *has, uint16_t *port)
{
	json_t *v = json_object_get(o, key);
	uint32_t p;

	*has = false;
	*port = 0;
	if (json_is_null(v))
		return 0;
	if (get_u32(ld, o, key, 65535, &p) < 0)
		return -1;
	*has = true;
	*port = (uint16_t)p;
	return 0;
}

/* A tuple as the JSON writes it: an echo's identifier as sport only. */
static int tuple_from_json(struct loader *ld, json_t *o, uint8_t proto, struct pp_tuple *t)
{
	bool hs, hd;

	memset(t, 0, sizeof *t);
	t->proto = proto;
	if (!json_is_object(o) || get_addr(ld, o, "src", &t->src) < 0 ||
	    get_addr(ld, o, "dst", &t->dst) < 0 || port_of(ld, o, "sport", &hs, &t->sport) < 0 ||
	    port_of(ld, o, "dport", &hd, &t->dport) < 0)
		return -1;
	t->has_ports = hs;
	if (hs && (proto == 1 || proto == 58))
		t->dport = t->sport; /* flow_tuple_of(): the id stands for both ports */
	return 0;
}

static int hop_index(struct loader *ld, json_t *o, const char *key, const struct chain_dir *d,
                     uint32_t *out)
{
	if (get_u32(ld, o, key, UINT32_MAX, out) < 0)
		return -1;
	if (*out >= d->nhops)
		return bad(ld, "'%s' %u is past the direction's %u hops", key, *out, d->nhops);
	return 0;
}

static int from_into(struct loader *ld, json_t *h, const char *key, uint64_t *from, uint64_t *into)
{
	json_t *o = json_object_get(h, key);

	if (!o)
		return 0;
	if (get_u64(ld, o, "from", UINT64_MAX / 2, from) < 0 ||
	    get_u64(ld, o, "into", UINT64_MAX / 2, into) < 0)
		return -1;
	return 0;
}

static int hop_from_json(struct loader *ld, json_t *o, uint8_t proto, struct chain_hop *h)
{
	const char *dir;
	json_t *lat = json_object_get(o, "latency_us_p50"), *encap = json_object_get(o, "encap");
	uint32_t ttl;

	if (!json_is_object(o) || get_point(ld, o, "point", false, &h->point) < 0 ||
	    get_str(ld, o, "dir", false, &dir) < 0 ||
	    get_u64(ld, o, "packets", UINT64_MAX / 2, &h->packets) < 0 ||
	    tuple_from_json(ld, o, proto, &h->tuple) < 0 || get_u32(ld, o, "ttl", 255, &ttl) < 0)
		return -1;
	h->ttl = (uint8_t)ttl;
	h->dir = !dir                      ? PP_DIR_UNKNOWN
	         : strcmp(dir, "in") == 0  ? PP_DIR_IN
	         : strcmp(dir, "out") == 0 ? PP_DIR_OUT
	                                   : 255;
	if (h->dir == 255)
		return bad(ld, "hop dir '%s' unknown", dir);
	if (!json_is_null(lat)) {
		if (get_real(ld, o, "latency_us_p50", &h->latency_us_p50) < 0)
			return -1;
		h->has_latency = true;
	}
	if (json_is_object(encap)) {
		const char *kind;
		int k;

		if (get_str(ld, encap, "kind", false, &kind) < 0 ||
		    (k = name_index(kind, 5, tunnel_i)) < 0 ||
		    get_u32(ld, encap, "vni", UINT32_MAX, &h->tunnel.vni) < 0 ||
		    get_addr(ld, encap, "outer_src", &h->tunnel.src) < 0 ||
		    get_addr(ld, encap, "outer_dst", &h->tunnel.dst) < 0)
			return bad(ld, "not an encap as pktpath writes it");
		h->tunnel.kind = (uint8_t)k;
		h->has_tunnel = true;
	}
	return from_into(ld, o, "split", &h->split_from, &h->split_into) < 0 ||
	               from_into(ld, o, "merged", &h->merged_from, &h->merged_into) < 0
	           ? -1
	           : 0;
}

static int nat_from_json(struct loader *ld, json_t *o, const struct chain_dir *d,
                         struct chain_nat *n)
{
	const char *kind, *from, *to;
	json_t *rev = json_object_get(o, "reverse");

	if (!json_is_object(o) || get_str(ld, o, "kind", false, &kind) < 0 || !kind ||
	    get_str(ld, o, "from", false, &from) < 0 || !from ||
	    get_str(ld, o, "to", false, &to) < 0 || !to || !json_is_boolean(rev))
		return bad(ld, "not a NAT rewrite as pktpath writes it");
	if (strcmp(kind, "DNAT") && strcmp(kind, "SNAT"))
		return bad(ld, "NAT kind '%s' unknown", kind);
	n->kind = strcmp(kind, "DNAT") == 0 ? CHAIN_DNAT : CHAIN_SNAT;
	n->reverse = json_is_true(rev);
	if (parse_endpoint(from, &n->from) < 0 || parse_endpoint(to, &n->to) < 0)
		return bad(ld, "NAT endpoint '%s' or '%s' is not an address", from, to);
	if (hop_index(ld, o, "after_hop", d, &n->after_hop) < 0 ||
	    hop_index(ld, o, "before_hop", d, &n->before_hop) < 0 ||
	    get_u64(ld, o, "packets", UINT64_MAX / 2, &n->packets) < 0)
		return -1;
	if (n->packets && (get_time(ld, o, "first_time", false, 0, &n->first_ts) < 0 ||
	                   get_time(ld, o, "last_time", false, 0, &n->last_ts) < 0))
		return -1;
	return 0;
}

/* chain_format_tcp_flags() read back. */
static int tcp_flags(const char *s, uint8_t *out)
{
	static const char letters[] = "SFRPUEW.";
	static const uint8_t bits[] = {0x02, 0x01, 0x04, 0x08, 0x20, 0x40, 0x80, 0x10};

	*out = 0;
	for (; *s; s++) {
		const char *l = strchr(letters, *s);

		if (!l)
			return -1;
		*out |= bits[l - letters];
	}
	return 0;
}

static void copy_text(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s ? s : "");
}

static int stop_from_json(struct loader *ld, json_t *o, struct chain_dir *d)
{
	struct chain_stop *s = &d->stop;
	json_t *len = json_object_get(o, "ip_len"), *dl = json_object_get(o, "delivered");
	const char *dev, *route, *flags;
	uint32_t next;

	if (!json_is_object(o) || hop_index(ld, o, "after_hop", d, &s->after_hop) < 0 ||
	    get_point(ld, o, "expected_next", true, &next) < 0 ||
	    get_str(ld, o, "expected_dev", false, &dev) < 0 ||
	    get_str(ld, o, "expected_route", false, &route) < 0 ||
	    get_u64(ld, o, "packets", UINT64_MAX / 2, &s->packets) < 0 || !json_is_object(len) ||
	    get_u32(ld, len, "min", UINT32_MAX, &s->len_min) < 0 ||
	    get_u32(ld, len, "max", UINT32_MAX, &s->len_max) < 0 ||
	    get_u64(ld, o, "df", UINT64_MAX / 2, &s->df) < 0 ||
	    get_str(ld, o, "tcp_flags", true, &flags) < 0)
		return bad(ld, "not a stop as pktpath writes it");
	s->expected_next = next == UINT32_MAX ? -1 : (int64_t)next;
	copy_text(s->expected_dev, sizeof s->expected_dev, dev);
	copy_text(s->expected_route, sizeof s->expected_route, route);
	if (flags && tcp_flags(flags, &s->tcp_flags_or) < 0)
		return bad(ld, "TCP flags '%s' unknown", flags);
	if (json_object_get(o, "encap_overhead") &&
	    get_u32(ld, o, "encap_overhead", UINT32_MAX, &s->tunnel_overhead) < 0)
		return -1;
	if (json_is_object(dl)) {
		s->has_delivered_len = true;
		if (get_u64(ld, dl, "packets", UINT64_MAX / 2, &s->delivered) < 0 ||
		    get_u32(ld, dl, "ip_len_min", UINT32_MAX, &s->delivered_len_min) < 0 ||
		    get_u32(ld, dl, "ip_len_max", UINT32_MAX, &s->delivered_len_max) < 0 ||
		    get_u64(ld, dl, "df", UINT64_MAX / 2, &s->delivered_df) < 0)
			return -1;
	}
	d->has_stop = true;
	return 0;
}

static int answer_from_json(struct loader *ld, json_t *o, struct chain_answer *a)
{
	const char *kind;
	uint32_t type = 0, code = 0, mtu = 0;

	if (!json_is_object(o) || get_str(ld, o, "kind", false, &kind) < 0 || !kind ||
	    get_addr(ld, o, "from", &a->from) < 0 ||
	    get_point(ld, o, "point", true, &a->point) < 0 ||
	    get_u64(ld, o, "packets", UINT64_MAX / 2, &a->packets) < 0)
		return bad(ld, "not an answer as pktpath writes it");
	if (strcmp(kind, "tcp_rst") == 0) {
		a->kind = CHAIN_ANSWER_TCP_RST;
		return 0;
	}
	if (strcmp(kind, "icmp") || get_u32(ld, o, "type", 255, &type) < 0 ||
	    get_u32(ld, o, "code", 255, &code) < 0 ||
	    (json_object_get(o, "mtu") && get_u32(ld, o, "mtu", 65535, &mtu) < 0))
		return bad(ld, "answer kind '%s' unknown", kind);
	a->kind = CHAIN_ANSWER_ICMP;
	a->type = (uint8_t)type;
	a->code = (uint8_t)code;
	a->mtu = (uint16_t)mtu;
	return 0;
}

static int dir_findings(struct loader *ld, json_t *o, struct chain_dir *d)
{
	json_t *v;

	if (json_is_object(v = json_object_get(o, "stopped")) && stop_from_json(ld, v, d) < 0)
		return -1;
	if (json_is_object(v = json_object_get(o, "answered_by"))) {
		if (answer_from_json(ld, v, &d->answer) < 0)
			return -1;
		d->has_answer = true;
	}
	if (json_is_object(v = json_object_get(o, "client_ip_lost"))) {
		if (get_addr(ld, v, "original", &d->lost.original) < 0 ||
		    get_addr(ld, v, "replaced_by", &d->lost.replaced_by) < 0 ||
		    hop_index(ld, v, "after_hop", d, &d->lost.after_hop) < 0 ||
		    hop_index(ld, v, "before_hop", d, &d->lost.before_hop) < 0)
			return -1;
		d->has_lost = true;
	}
	if (json_is_object(v = json_object_get(o, "recovered_loss"))) {
		if (get_u64(ld, v, "packets", UINT64_MAX / 2, &d->recovered.packets) < 0 ||
		    hop_index(ld, v, "after_hop", d, &d->recovered.after_hop) < 0 ||
		    get_point(ld, v, "expected_next", true, &d->recovered.expected_next) < 0)
			return -1;
		d->has_recovered = true;
	}
	if (json_is_object(v = json_object_get(o, "capture_gap"))) {
		const char *why;
		int w;

		if (get_u64(ld, v, "packets", UINT64_MAX / 2, &d->gap.packets) < 0 ||
		    get_point(ld, v, "point", true, &d->gap.point) < 0 ||
		    get_str(ld, v, "why", false, &why) < 0 ||
		    (w = name_index(why, CHAIN_GAP_CAPTURE_END + 1, gap_i)) < 0)
			return bad(ld, "not a capture gap as pktpath writes it");
		d->gap.why = (uint8_t)w;
		d->has_gap = true;
	}
	return 0;
}

static int dir_from_json(struct loader *ld, json_t *o, uint8_t proto, struct chain_dir *d)
{
	json_t *hops = json_object_get(o, "hops"), *nat = json_object_get(o, "nat");
	json_t *copies = json_object_get(o, "copies"), *v;
	const char *verdict;
	size_t i;
	int vi;

	if (!json_is_array(hops) || !json_is_array(nat) || !json_is_array(copies) ||
	    json_array_size(hops) == 0 || json_array_size(hops) > 4096)
		return bad(ld, "a direction without hops, NAT or copies as pktpath writes them");
	d->present = true;
	if (get_u64(ld, o, "packets", UINT64_MAX / 2, &d->packets) < 0 ||
	    get_u64(ld, o, "unmatched", UINT64_MAX / 2, &d->unmatched) < 0 ||
	    get_str(ld, o, "verdict", false, &verdict) < 0 ||
	    (vi = name_index(verdict, CHAIN_NOT_JUDGED + 1, verdict_i)) < 0)
		return bad(ld, "a direction's packets, unmatched or verdict is not what pktpath "
		               "writes");
	d->verdict = (enum chain_verdict)vi;
	if (json_object_get(o, "segments") &&
	    (get_u64(ld, o, "segments", UINT64_MAX / 2, &d->segments) < 0 ||
	     get_u64(ld, o, "retransmissions", UINT64_MAX / 2, &d->retransmissions) < 0))
		return -1;
	d->hops = calloc(json_array_size(hops), sizeof *d->hops);
	d->nat = calloc(json_array_size(nat) + 1, sizeof *d->nat);
	d->copies = calloc(json_array_size(copies) + 1, sizeof *d->copies);
	if (!d->hops || !d->nat || !d->copies)
		msg_oom("merge", json_array_size(hops) * sizeof *d->hops);
	json_array_foreach(hops, i, v)
	{
		if (hop_from_json(ld, v, proto, &d->hops[d->nhops]) < 0)
			return -1;
		d->nhops++;
	}
	json_array_foreach(nat, i, v)
	{
		if (nat_from_json(ld, v, d, &d->nat[d->nnat]) < 0)
			return -1;
		d->nnat++;
	}
	json_array_foreach(copies, i, v)
	{
		struct chain_sighting *c = &d->copies[d->ncopies];

		if (!json_is_object(v) || get_point(ld, v, "point", false, &c->point) < 0 ||
		    get_u64(ld, v, "packets", UINT64_MAX / 2, &c->packets) < 0)
			return -1;
		d->ncopies++;
	}
	return dir_findings(ld, o, d);
}

static void conv_free_arrays(struct chain_conv *c)
{
	for (int k = 0; k < 2; k++) {
		free(c->dir[k].hops);
		free(c->dir[k].nat);
		free(c->dir[k].copies);
	}
}

static int conv_from_json(struct loader *ld, json_t *o)
{
	struct chain_conv c = {0};
	json_t *dirs = json_object_get(o, "directions"), *d;
	const char *proto;
	size_t i;
	int p, rc = -1;

	snprintf(ld->where_buf, sizeof ld->where_buf, "conversation %" PRIu64, ++ld->nconv);
	ld->where = ld->where_buf;
	if (!json_is_object(o) || get_str(ld, o, "proto", false, &proto) < 0 ||
	    (p = name_index(proto, 256, proto_i)) < 0 || !json_is_array(dirs) ||
	    json_array_size(dirs) > 2)
		return bad(ld, "not a conversation as pktpath writes it");
	c.proto = (uint8_t)p;
	if (tuple_from_json(ld, json_object_get(o, "origin"), c.proto, &c.origin) < 0 ||
	    get_time(ld, o, "first_time", false, 0, &c.first_ts) < 0 ||
	    get_time(ld, o, "last_time", false, 0, &c.last_ts) < 0)
		goto out;
	c.family = addr_is_v4(&c.origin.src) ? 4 : 6;
	json_array_foreach(dirs, i, d)
	{
		const char *name;
		int k;

		if (get_str(ld, d, "dir", false, &name) < 0 || !name ||
		    (strcmp(name, "forward") && strcmp(name, "reverse"))) {
			bad(ld, "a direction is neither forward nor reverse");
			goto out;
		}
		k = strcmp(name, "reverse") == 0;
		if (c.dir[k].present) {
			bad(ld, "two %s directions", name);
			goto out;
		}
		if (dir_from_json(ld, d, c.proto, &c.dir[k]) < 0)
			goto out;
	}
	if (!c.dir[0].present && !c.dir[1].present) {
		bad(ld, "no direction");
		goto out;
	}
	ld->where = NULL;
	rc = ld->k->conv(ld->k->arg, ld->s.path, &c);
out:
	ld->where = NULL;
	conv_free_arrays(&c);
	return rc;
}

/* ---- summary members -------------------------------------------------------------- */

static int address_from_json(struct loader *ld, const char *key, json_t *o)
{
	struct topo_known_addr k = {0};
	struct pp_addr a;
	const char *kind, *prefix;
	unsigned plen;

	ld->where = "addresses";
	if (parse_addr(key, &a) < 0 || !json_is_object(o) ||
	    get_str(ld, o, "kind", false, &kind) < 0 || !kind ||
	    get_str(ld, o, "node", false, &k.node) < 0 ||
	    get_str(ld, o, "iface", false, &k.iface) < 0 ||
	    get_str(ld, o, "netns", false, &k.netns) < 0 ||
	    get_str(ld, o, "host_veth", false, &k.host_veth) < 0 ||
	    get_str(ld, o, "bridge", false, &k.bridge) < 0 ||
	    get_str(ld, o, "prefix", false, &prefix) < 0)
		return bad(ld, "'%s' is not an address entry as pktpath writes it", key);
	for (int i = TOPO_ADDR_NODE; i <= TOPO_ADDR_SERVICE && !k.kind; i++) {
		if (strcmp(kind, topo_addr_kind_name((enum topo_addr_kind)i)) == 0)
			k.kind = (enum topo_addr_kind)i;
	}
	if (!k.kind)
		return bad(ld, "address kind '%s' unknown", kind);
	if (prefix) {
		if (topo_parse_cidr(prefix, &k.prefix, &plen) < 0)
			return bad(ld, "prefix '%s' is not ADDRESS/LENGTH", prefix);
		k.prefix_len = (uint8_t)plen;
	}
	ld->where = NULL;
	return ld->k->address(ld->k->arg, &a, &k);
}

static int warning_from_json(struct loader *ld, json_t *o)
{
	const char *level, *file, *what, *message;
	uint64_t more = 0;

	ld->where = "warnings";
	if (!json_is_object(o) || get_str(ld, o, "level", false, &level) < 0 || !level ||
	    get_str(ld, o, "file", false, &file) < 0 || get_str(ld, o, "what", false, &what) < 0 ||
	    get_str(ld, o, "message", true, &message) < 0)
		return bad(ld, "not a warning as pktpath writes it");
	if (what && strcmp(what, "more") == 0 && get_u64(ld, o, "more", UINT64_MAX / 2, &more) < 0)
		return -1;
	if (!message && !more)
		return bad(ld, "a warning without a message");
	ld->where = NULL;
	return ld->k->warning(ld->k->arg, strcmp(level, "error") == 0, file, message, more);
}

/* "ignored", "decoded", "notes": counters by name. */
static int counts_from_json(struct loader *ld, const char *key, json_t *o)
{
	struct pp_counts *c = &ld->sum.counts;
	uint64_t *v = strcmp(key, "ignored") == 0   ? c->ignored
	              : strcmp(key, "decoded") == 0 ? c->decoded
	                                            : c->notes;
	int n = v == c->ignored ? PP_R__COUNT : v == c->decoded ? PP_L__COUNT : PP_N__COUNT;
	const char *(*name)(int) = v == c->ignored ? reason_i : v == c->decoded ? layer_i : note_i;
	const char *k;
	json_t *x;

	if (!json_is_object(o))
		return bad(ld, "'%s' is not an object", key);
	json_object_foreach(o, k, x)
	{
		int i = name_index(k, n, name);

		if (i < 0 || (v == c->ignored && i == PP_OK))
			return bad(ld, "'%s' counts '%s', which this pktpath does not know", key,
			           k);
		if (get_u64(ld, o, k, UINT64_MAX / 2, &v[i]) < 0)
			return -1;
	}
	return 0;
}

static int findings_member(struct loader *ld, const char *key, json_t *v)
{
	static const char *const names[] = {"conversations", "stopped",        "partial",
	                                    "delivered",     "client_ip_lost", "nat",
	                                    "snat",          "recovered_loss", "not_judged"};
	struct chain_findings *f = &ld->sum.findings;
	size_t *dst[] = {&f->conversations, &f->stopped,        &f->partial,
	                 &f->delivered,     &f->client_ip_lost, &f->nat,
	                 &f->snat,          &f->recovered_loss, &f->not_judged};
	json_t *o = json_pack("{s:O}", "v", v);
	uint64_t n = 0;
	int rc = 0;

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(key, names[i]) == 0) {
			rc = get_u64(ld, o, "v", SIZE_MAX / 2, &n);
			*dst[i] = (size_t)n;
		}
	}
	if (strcmp(key, "unmatched") == 0)
		rc = get_u64(ld, o, "v", UINT64_MAX / 2, &ld->sum.unmatched);
	if (strcmp(key, "read") == 0)
		rc = get_u64(ld, o, "v", UINT64_MAX / 2, &ld->sum.counts.read);
	if (strcmp(key, "limits") == 0) {
		struct chain_limits *l = &ld->sum.limits;

		rc = !json_is_object(v) || get_u64(ld, v, "hops", UINT64_MAX / 2, &l->hops) < 0 ||
		             get_u64(ld, v, "routes", UINT64_MAX / 2, &l->routes) < 0 ||
		             get_u64(ld, v, "order", UINT64_MAX / 2, &l->order) < 0 ||
		             get_u64(ld, v, "points", UINT64_MAX / 2, &l->points) < 0 ||
		             get_u64(ld, v, "interfaces", UINT64_MAX / 2, &l->interfaces) < 0
		         ? bad(ld, "findings.limits is not what pktpath writes")
		         : 0;
	}
	json_decref(o);
	return rc;
}

/* ---- the walk ---------------------------------------------------------------------- */

/* Elements of an array member, each handed to fn (a point, a warning, a
 * conversation). */
static int each_element(struct loader *ld, int (*fn)(struct loader *, json_t *))
{
	int more;

	if (json_stream_take(&ld->s, '[') < 0)
		return -1;
	if (json_stream_peek(&ld->s) == ']')
		return json_stream_take(&ld->s, ']');
	do {
		json_t *v = json_stream_value(&ld->s);
		int rc = v ? fn(ld, v) : -1;

		json_decref(v);
		if (rc < 0)
			return -1;
	} while ((more = json_stream_next(&ld->s, ']')) == 1);
	return more;
}

/* Members of an object member, each handed to fn with its key;
 * skip_key's value is skipped unread (findings.items). */
static int each_member(struct loader *ld, const char *skip_key,
                       int (*fn)(struct loader *, const char *, json_t *))
{
	int more;

	if (json_stream_take(&ld->s, '{') < 0)
		return -1;
	if (json_stream_peek(&ld->s) == '}')
		return json_stream_take(&ld->s, '}');
	do {
		char *key = json_stream_key(&ld->s);
		json_t *v;
		int rc;

		if (!key)
			return -1;
		if (skip_key && strcmp(key, skip_key) == 0) {
			rc = json_stream_skip(&ld->s);
		} else {
			v = json_stream_value(&ld->s);
			rc = v ? fn(ld, key, v) : -1;
			json_decref(v);
		}
		free(key);
		if (rc < 0)
			return -1;
	} while ((more = json_stream_next(&ld->s, '}')) == 1);
	return more;
}

static int conv_element(struct loader *ld, json_t *v)
{
	return head_done(ld) < 0 ? -1 : conv_from_json(ld, v);
}

static void result_begin(struct loader *ld)
{
	head_free(&ld->head);
	htab_free(&ld->point_index);
	if (htab_init(&ld->point_index, 64) < 0)
		msg_oom("merge", 0);
	memset(&ld->sum, 0, sizeof ld->sum);
	ld->in_result = true;
	ld->head_given = ld->have_nodes = false;
	ld->nconv = 0;
}

static int result_end(struct loader *ld)
{
	if (head_done(ld) < 0)
		return -1;
	ld->in_result = false;
	ld->results++;
	return ld->k->summary(ld->k->arg, ld->s.path, &ld->sum);
}

static int schema(struct loader *ld, json_t *v)
{
	if (!json_is_integer(v))
		return bad(ld, "schema_version is not a number");
	if (json_integer_value(v) != SCHEMA_VERSION) {
		msg_error(ld->s.path, "schema_version %lld; this pktpath reads %d",
		          (long long)json_integer_value(v), SCHEMA_VERSION);
		return -1;
	}
	if (ld->in_result)
		return bad(ld, "a result inside a result (a JSON Lines result without its "
		               "summary line?)");
	result_begin(ld);
	return 0;
}

static int shard_of(struct loader *ld, json_t *v)
{
	uint32_t k, n;

	if (json_is_null(v))
		return 0;
	if (!json_is_object(v) || get_u32(ld, v, "count", 65536, &n) < 0 ||
	    get_u32(ld, v, "index", n, &k) < 0 || k == 0)
		return bad(ld, "shard is not {\"index\": K, \"count\": N}");
	ld->head.shard = k - 1;
	ld->head.nshards = n;
	return 0;
}

static int window_of(struct loader *ld, json_t *v)
{
	json_t *o = json_pack("{s:O}", "window", v);
	int rc = get_seconds(ld, o, "window", &ld->head.window_ns);

	json_decref(o);
	return rc;
}

/* One member of a top-level object: a document's, or a JSON Lines line's. */
static int top_member(struct loader *ld, const char *key, json_t *rest, bool *document)
{
	int ch = json_stream_peek(&ld->s);
	json_t *v;
	int rc;

	if (strcmp(key, "schema_version") && strcmp(key, "type") && strcmp(key, "id") &&
	    !ld->in_result && !json_object_size(rest))
		return bad(ld, "'%s' before schema_version", key);
	if (strcmp(key, "points") == 0 && ch == '[')
		return each_element(ld, point_from_json);
	if (strcmp(key, "conversations") == 0 && ch == '[') {
		*document = true;
		return each_element(ld, conv_element);
	}
	if (strcmp(key, "warnings") == 0 && ch == '[')
		return each_element(ld, warning_from_json);
	if (strcmp(key, "addresses") == 0 && ch == '{')
		return each_member(ld, NULL, address_from_json);
	if (strcmp(key, "findings") == 0 && ch == '{')
		return each_member(ld, "items", findings_member);
	if (!(v = json_stream_value(&ld->s)))
		return -1;
	if (strcmp(key, "schema_version") == 0)
		rc = schema(ld, v);
	else if (strcmp(key, "window") == 0)
		rc = window_of(ld, v);
	else if (strcmp(key, "shard") == 0)
		rc = shard_of(ld, v);
	else if (strcmp(key, "nodes") == 0)
		rc = nodes_from_json(ld, v);
	else if (strcmp(key, "ignored") == 0 || strcmp(key, "decoded") == 0 ||
	         strcmp(key, "notes") == 0)
		rc = counts_from_json(ld, key, v);
	else
		return json_object_set_new(rest, key, v) == 0 ? 0 : -1;
	json_decref(v);
	return rc;
}

/* One top-level value: a document, or a line of JSON Lines. */
static int top_object(struct loader *ld)
{
	json_t *rest = json_object();
	bool document = false;
	const char *type;
	int more = 0, rc = 0;

	if (json_stream_take(&ld->s, '{') < 0) {
		json_decref(rest);
		return -1;
	}
	if (json_stream_peek(&ld->s) != '}') {
		do {
			char *key = json_stream_key(&ld->s);

			rc = key ? top_member(ld, key, rest, &document) : -1;
			free(key);
		} while (rc == 0 && (more = json_stream_next(&ld->s, '}')) == 1);
	} else {
		json_stream_take(&ld->s, '}');
	}
	if (rc < 0 || more < 0) {
		json_decref(rest);
		return -1;
	}
	type = json_string_value(json_object_get(rest, "type"));
	if (json_object_get(rest, "directions"))
		rc = ld->in_result ? conv_element(ld, rest)
		                   : bad(ld, "a conversation line before its header line");
	else if (document || (type && strcmp(type, "summary") == 0))
		rc = ld->in_result ? result_end(ld)
		                   : bad(ld, "a summary line without a header line");
	else if (!ld->in_result)
		rc = bad(ld, "not a pktpath result (no schema_version)");
	json_decref(rest);
	return rc;
}

int result_load(const char *path, const struct result_sink *sink)
{
	struct loader ld = {.k = sink};
	int rc = 0, ch;

	if (json_stream_open(&ld.s, path) < 0)
		return -1;
	if (htab_init(&ld.point_index, 64) < 0)
		msg_oom("merge", 0);
	while (rc == 0 && (ch = json_stream_peek(&ld.s)) >= 0)
		rc = ch == '{' ? top_object(&ld) : bad(&ld, "a JSON object expected");
	if (rc == 0 && ld.s.failed)
		rc = -1;
	if (rc == 0 && ld.in_result)
		rc = bad(&ld, "the input ends inside a result (its summary line is missing)");
	if (rc == 0 && ld.results == 0)
		rc = bad(&ld, "empty");
	head_free(&ld.head);
	htab_free(&ld.point_index);
	json_stream_close(&ld.s);
	return rc;
}
