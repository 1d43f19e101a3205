/* report_json.c - the machine report (schema_version 1, see pktpath(1)).
 *
 * The fields of the contract are a promise: they are only ever
 * extended, never renamed or dropped. Objects are built with the
 * reference-stealing setters so that one json_decref frees a whole tree.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pktpath/json_pool.h"
#include "pktpath/options.h"
#include "pktpath/report.h"
#include "pktpath/topo.h"

#define SCHEMA_VERSION 1

static json_t *j_addr(const struct pp_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	chain_format_addr(a, buf, sizeof buf);
	return json_string(buf);
}

static json_t *j_port(bool has, uint16_t port)
{
	return has ? json_integer(port) : json_null();
}

static json_t *j_endpoint(const struct chain_endpoint *e)
{
	char buf[INET6_ADDRSTRLEN + 8];

	chain_format_endpoint(&e->addr, e->port, e->has_port, buf, sizeof buf);
	return json_string(buf);
}

static json_t *j_time(int64_t ns)
{
	return json_real((double)ns / 1e9);
}

static json_t *j_time_string(int64_t ns)
{
	char buf[64];
	time_t sec = (time_t)(ns / 1000000000);
	struct tm tm;

	if (!gmtime_r(&sec, &tm))
		return json_null();
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + strlen(buf), sizeof buf - strlen(buf), ".%09lldZ",
	         (long long)(ns % 1000000000));
	return json_string(buf);
}

static bool is_echo(const struct pp_tuple *t)
{
	return (t->proto == 1 || t->proto == 58) && t->has_ports;
}

static json_t *j_point(const struct chain_result *r, int64_t p)
{
	return p >= 0 && (size_t)p < r->npoints ? json_string(r->points[p].name) : json_null();
}

static json_t *j_mac(const uint8_t m[6])
{
	char buf[18];

	snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
	         m[5]);
	return json_string(buf);
}

static json_t *j_iface_point(const struct topo_iface *i)
{
	char buf[256];

	if (!i)
		return json_null();
	topo_iface_point(i, buf, sizeof buf);
	return json_string(buf);
}

/* What the node's topology says about the interface a point captured. */
static json_t *j_iface(const struct chain_result *r, const char *point)
{
	const struct topo_iface *i = r->topo ? topo_iface_by_point(r->topo, point) : NULL;
	json_t *o;

	if (!i)
		return json_null();
	o = json_object();
	json_object_set_new(o, "ifindex", json_integer(i->ifindex));
	json_object_set_new(o, "kind", i->kind ? json_string(i->kind) : json_null());
	json_object_set_new(o, "mac", i->has_mac ? j_mac(i->mac) : json_null());
	json_object_set_new(o, "mtu", i->mtu ? json_integer(i->mtu) : json_null());
	json_object_set_new(o, "master", i->master ? json_string(i->master->name) : json_null());
	json_object_set_new(o, "peer", j_iface_point(i->peer));
	return o;
}

static json_t *j_points(const struct chain_result *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->npoints; i++) {
		const struct chain_point *p = &r->points[i];
		json_t *files = json_array();
		json_t *o = json_object();

		for (size_t f = 0; f < p->nfiles; f++)
			json_array_append_new(files, json_string(p->files[f]));
		json_object_set_new(o, "name", json_string(p->name));
		json_object_set_new(o, "node", json_string(p->node));
		json_object_set_new(o, "files", files);
		json_object_set_new(o, "packets", json_integer((json_int_t)p->packets));
		json_object_set_new(o, "first_ts", p->packets ? j_time(p->first_ts) : json_null());
		json_object_set_new(o, "last_ts", p->packets ? j_time(p->last_ts) : json_null());
		json_object_set_new(o, "first_time",
		                    p->packets ? j_time_string(p->first_ts) : json_null());
		json_object_set_new(o, "last_time",
		                    p->packets ? j_time_string(p->last_ts) : json_null());
		json_object_set_new(o, "clock_offset", json_real((double)p->clock_offset / 1e9));
		json_object_set_new(o, "iface", j_iface(r, p->name));
		json_array_append_new(a, o);
	}
	return a;
}

static void j_address_add(json_t *map, const struct chain_result *r, const struct pp_addr *a)
{
	struct topo_addr_info i;
	char ip[INET6_ADDRSTRLEN], buf[256];
	json_t *o;

	chain_format_addr(a, ip, sizeof ip);
	if (json_object_get(map, ip) || topo_addr_classify(r->topo, a, &i) == TOPO_ADDR_UNKNOWN)
		return;
	o = json_object();
	json_object_set_new(o, "kind", json_string(topo_addr_kind_name(i.kind)));
	json_object_set_new(o, "node", i.node ? json_string(i.node) : json_null());
	json_object_set_new(o, "iface", i.iface ? json_string(i.iface->name) : json_null());
	json_object_set_new(o, "netns", i.netns ? json_string(i.netns) : json_null());
	json_object_set_new(o, "host_veth", j_iface_point(i.host_veth));
	json_object_set_new(o, "bridge", i.bridge ? json_string(i.bridge->name) : json_null());
	if (i.prefix_len) {
		chain_format_addr(&i.prefix, ip, sizeof ip);
		snprintf(buf, sizeof buf, "%s/%u", ip, (unsigned)i.prefix_len);
		json_object_set_new(o, "prefix", json_string(buf));
	} else {
		json_object_set_new(o, "prefix", json_null());
	}
	chain_format_addr(a, ip, sizeof ip);
	json_object_set_new(map, ip, o);
}

/* Every address of the reported conversations the topology can place:
 * node, pod (which node, namespace, veth), or service. */
static json_t *j_addresses(const struct report_view *v)
{
	json_t *map = json_object();

	if (!v->r->topo)
		return map;
	for (size_t c = 0; c < v->nconv; c++) {
		const struct chain_conv *cv = report_conv(v, c);

		j_address_add(map, v->r, &cv->origin.src);
		j_address_add(map, v->r, &cv->origin.dst);
		for (int k = 0; k < 2; k++) {
			for (uint32_t h = 0; h < cv->dir[k].nhops; h++) {
				j_address_add(map, v->r, &cv->dir[k].hops[h].tuple.src);
				j_address_add(map, v->r, &cv->dir[k].hops[h].tuple.dst);
			}
			if (cv->dir[k].has_answer)
				j_address_add(map, v->r, &cv->dir[k].answer.from);
		}
	}
	return map;
}

static json_t *j_nodes(const struct chain_result *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->nnodes; i++) {
		const struct chain_node *n = &r->nodes[i];
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(n->name));
		json_object_set_new(o, "clock_offset", json_real((double)n->clock_offset / 1e9));
		json_object_set_new(o, "clock_source",
		                    json_string(i == 0         ? "reference"
		                                : n->manual    ? "manual"
		                                : n->estimated ? "estimated"
		                                               : "assumed"));
		json_object_set_new(o, "estimated_from",
		                    i == 0 || n->manual || !n->estimated
		                        ? json_null()
		                        : json_string(r->nodes[n->via].name));
		json_object_set_new(o, "pairs_to", json_integer((json_int_t)n->pairs_to));
		json_object_set_new(o, "pairs_from", json_integer((json_int_t)n->pairs_from));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *j_hop(const struct chain_result *r, const struct chain_hop *h)
{
	json_t *o = json_object();
	bool echo = is_echo(&h->tuple);

	json_object_set_new(o, "point", json_string(r->points[h->point].name));
	json_object_set_new(o, "dir",
	                    h->dir == PP_DIR_IN    ? json_string("in")
	                    : h->dir == PP_DIR_OUT ? json_string("out")
	                                           : json_null());
	json_object_set_new(o, "packets", json_integer((json_int_t)h->packets));
	json_object_set_new(o, "src", j_addr(&h->tuple.src));
	json_object_set_new(o, "sport", j_port(h->tuple.has_ports, h->tuple.sport));
	json_object_set_new(o, "dst", j_addr(&h->tuple.dst));
	json_object_set_new(o, "dport", j_port(h->tuple.has_ports && !echo, h->tuple.dport));
	json_object_set_new(o, "ttl", json_integer(h->ttl));
	json_object_set_new(o, "latency_us_p50",
	                    h->has_latency ? json_real(h->latency_us_p50) : json_null());
	if (h->has_tunnel) {
		static const char *const kinds[] = {"none", "vxlan", "geneve", "gre", "ipip"};
		json_t *t = json_object();

		json_object_set_new(t, "kind", json_string(kinds[h->tunnel.kind % 5]));
		json_object_set_new(t, "vni", json_integer(h->tunnel.vni));
		json_object_set_new(t, "outer_src", j_addr(&h->tunnel.src));
		json_object_set_new(t, "outer_dst", j_addr(&h->tunnel.dst));
		json_object_set_new(o, "encap", t);
	}
	if (h->split_into)
		json_object_set_new(o, "split",
		                    json_pack("{s:I,s:I}", "from", (json_int_t)h->split_from,
		                              "into", (json_int_t)h->split_into));
	if (h->merged_into)
		json_object_set_new(o, "merged",
		                    json_pack("{s:I,s:I}", "from", (json_int_t)h->merged_from,
		                              "into", (json_int_t)h->merged_into));
	return o;
}

static json_t *j_nat(const struct chain_result *r, const struct chain_dir *d,
                     const struct chain_nat *n)
{
	json_t *o = json_object();

	json_object_set_new(o, "kind", json_string(n->kind == CHAIN_DNAT ? "DNAT" : "SNAT"));
	json_object_set_new(o, "from", j_endpoint(&n->from));
	json_object_set_new(o, "to", j_endpoint(&n->to));
	json_object_set_new(o, "after", j_point(r, d->hops[n->after_hop].point));
	json_object_set_new(o, "before", j_point(r, d->hops[n->before_hop].point));
	json_object_set_new(o, "after_hop", json_integer(n->after_hop));
	json_object_set_new(o, "before_hop", json_integer(n->before_hop));
	json_object_set_new(o, "reverse", json_boolean(n->reverse));
	return o;
}

static json_t *j_stop(const struct chain_result *r, const struct chain_dir *d)
{
	const struct chain_stop *s = &d->stop;
	json_t *o = json_object();

	json_object_set_new(o, "after", j_point(r, d->hops[s->after_hop].point));
	json_object_set_new(o, "after_hop", json_integer(s->after_hop));
	json_object_set_new(o, "expected_next", j_point(r, s->expected_next));
	json_object_set_new(o, "expected_dev",
	                    s->expected_dev[0] ? json_string(s->expected_dev) : json_null());
	json_object_set_new(o, "expected_route",
	                    s->expected_route[0] ? json_string(s->expected_route) : json_null());
	json_object_set_new(o, "packets", json_integer((json_int_t)s->packets));
	json_object_set_new(o, "ip_len",
	                    json_pack("{s:i,s:i}", "min", (int)s->len_min, "max", (int)s->len_max));
	json_object_set_new(o, "df", json_integer((json_int_t)s->df));
	if (s->tcp_flags_or) {
		char f[16];

		chain_format_tcp_flags(s->tcp_flags_or, f, sizeof f);
		json_object_set_new(o, "tcp_flags", json_string(f));
	}
	if (s->tunnel_overhead)
		json_object_set_new(o, "encap_overhead", json_integer(s->tunnel_overhead));
	if (s->has_delivered_len)
		json_object_set_new(
		    o, "delivered",
		    json_pack("{s:I,s:i,s:i,s:I}", "packets", (json_int_t)s->delivered,
		              "ip_len_min", (int)s->delivered_len_min, "ip_len_max",
		              (int)s->delivered_len_max, "df", (json_int_t)s->delivered_df));
	return o;
}

static json_t *j_answer(const struct chain_result *r, const struct chain_conv *c,
                        const struct chain_answer *a)
{
	json_t *o = json_object();

	if (a->kind == CHAIN_ANSWER_TCP_RST) {
		json_object_set_new(o, "kind", json_string("tcp_rst"));
	} else {
		json_object_set_new(o, "kind", json_string("icmp"));
		json_object_set_new(o, "type", json_integer(a->type));
		json_object_set_new(o, "code", json_integer(a->code));
		json_object_set_new(o, "name",
		                    json_string(report_icmp_name(c->family, a->type, a->code)));
		if (a->mtu)
			json_object_set_new(o, "mtu", json_integer(a->mtu));
	}
	json_object_set_new(o, "from", j_addr(&a->from));
	json_object_set_new(o, "point", j_point(r, a->point));
	json_object_set_new(o, "packets", json_integer((json_int_t)a->packets));
	return o;
}

static json_t *j_dir(const struct chain_result *r, const struct chain_conv *c, int k)
{
	const struct chain_dir *d = &c->dir[k];
	json_t *o = json_object(), *path = json_array(), *hops = json_array(), *nat = json_array();

	for (uint32_t i = 0; i < d->nhops; i++) {
		json_array_append_new(path, json_string(r->points[d->hops[i].point].name));
		json_array_append_new(hops, j_hop(r, &d->hops[i]));
	}
	for (uint32_t i = 0; i < d->nnat; i++)
		json_array_append_new(nat, j_nat(r, d, &d->nat[i]));
	json_object_set_new(o, "dir", json_string(k == CHAIN_FORWARD ? "forward" : "reverse"));
	json_object_set_new(o, "packets", json_integer((json_int_t)d->packets));
	json_object_set_new(o, "path", path);
	json_object_set_new(o, "hops", hops);
	json_object_set_new(o, "nat", nat);
	json_object_set_new(o, "verdict", json_string(chain_verdict_name(d->verdict)));
	json_object_set_new(o, "stopped", d->has_stop ? j_stop(r, d) : json_null());
	json_object_set_new(o, "answered_by",
	                    d->has_answer ? j_answer(r, c, &d->answer) : json_null());
	if (d->has_lost) {
		json_t *l = json_object();

		json_object_set_new(l, "original", j_addr(&d->lost.original));
		json_object_set_new(l, "replaced_by", j_addr(&d->lost.replaced_by));
		json_object_set_new(l, "after", j_point(r, d->hops[d->lost.after_hop].point));
		json_object_set_new(l, "before", j_point(r, d->hops[d->lost.before_hop].point));
		json_object_set_new(l, "after_hop", json_integer(d->lost.after_hop));
		json_object_set_new(l, "before_hop", json_integer(d->lost.before_hop));
		json_object_set_new(o, "client_ip_lost", l);
	} else {
		json_object_set_new(o, "client_ip_lost", json_null());
	}
	if (c->proto == 6) {
		json_object_set_new(o, "segments", json_integer((json_int_t)d->segments));
		json_object_set_new(o, "retransmissions",
		                    json_integer((json_int_t)d->retransmissions));
	}
	json_object_set_new(o, "unmatched", json_integer((json_int_t)d->unmatched));
	{
		json_t *copies = json_array();

		for (uint32_t i = 0; i < d->ncopies; i++)
			json_array_append_new(copies, json_pack("{s:s,s:I}", "point",
			                                        r->points[d->copies[i].point].name,
			                                        "packets",
			                                        (json_int_t)d->copies[i].packets));
		json_object_set_new(o, "copies", copies);
	}
	return o;
}

static json_t *j_conv(const struct chain_result *r, const struct chain_conv *c)
{
	json_t *o = json_object(), *origin = json_object(), *dirs = json_array();
	bool echo = is_echo(&c->origin);

	json_object_set_new(origin, "src", j_addr(&c->origin.src));
	json_object_set_new(origin, "sport", j_port(c->origin.has_ports, c->origin.sport));
	json_object_set_new(origin, "dst", j_addr(&c->origin.dst));
	json_object_set_new(origin, "dport", j_port(c->origin.has_ports && !echo, c->origin.dport));
	for (int k = 0; k < 2; k++) {
		if (c->dir[k].present)
			json_array_append_new(dirs, j_dir(r, c, k));
	}
	json_object_set_new(o, "id", json_integer(c->id));
	json_object_set_new(o, "proto", json_string(chain_proto_name(c->proto)));
	json_object_set_new(o, "origin", origin);
	json_object_set_new(o, "first_ts", j_time(c->first_ts));
	json_object_set_new(o, "last_ts", j_time(c->last_ts));
	json_object_set_new(o, "directions", dirs);
	return o;
}

static json_t *j_counts(const uint64_t *v, int n, const char *(*name)(int), bool skip_zero)
{
	json_t *o = json_object();

	for (int i = 0; i < n; i++) {
		if (!skip_zero || v[i])
			json_object_set_new(o, name(i), json_integer((json_int_t)v[i]));
	}
	return o;
}

/* ignored[0] is PP_OK, never counted */
static const char *reason_name_i_shift(int i)
{
	return reason_name((enum pp_reason)(i + 1));
}

static const char *layer_name_i(int i)
{
	return layer_name((enum pp_layer)i);
}

static const char *note_name_i(int i)
{
	return note_name((enum pp_note)i);
}

static json_t *j_findings(const struct chain_result *r)
{
	struct report_findings f;

	report_findings(r, &f);
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "conversations",
	                 (json_int_t)f.conversations, "stopped", (json_int_t)f.stopped, "partial",
	                 (json_int_t)f.partial, "delivered", (json_int_t)f.delivered,
	                 "client_ip_lost", (json_int_t)f.client_ip_lost, "nat", (json_int_t)f.nat,
	                 "snat", (json_int_t)f.snat, "unmatched", (json_int_t)f.unmatched,
	                 "ignored", (json_int_t)f.ignored, "read", (json_int_t)f.read);
}

static void header_fields(json_t *o, const struct chain_result *r)
{
	json_object_set_new(o, "schema_version", json_integer(SCHEMA_VERSION));
	json_object_set_new(o, "tool", json_string("pktpath " PKTPATH_VERSION));
	json_object_set_new(o, "window", json_real((double)r->window_ns / 1e9));
	json_object_set_new(o, "points", j_points(r));
	json_object_set_new(o, "nodes", j_nodes(r));
}

static void summary_fields(json_t *o, const struct chain_result *r)
{
	/* findings, then the packets that were not used */
	json_object_set_new(o, "findings", j_findings(r));
	json_object_set_new(
	    o, "ignored",
	    j_counts(r->counts.ignored + 1, PP_R__COUNT - 1, reason_name_i_shift, true));
	json_object_set_new(o, "decoded",
	                    j_counts(r->counts.decoded, PP_L__COUNT, layer_name_i, true));
	json_object_set_new(o, "notes", j_counts(r->counts.notes, PP_N__COUNT, note_name_i, true));
}

/* jansson hands its output over in many small pieces; collecting them in
 * one buffer and writing that once costs far less than one fwrite each. */
struct outbuf {
	FILE *out;
	char buf[1 << 16];
	size_t n;
	int err;
};

static int flush_buf(struct outbuf *b)
{
	if (b->n && fwrite(b->buf, 1, b->n, b->out) != b->n)
		b->err = -1;
	b->n = 0;
	return b->err;
}

static int collect(const char *p, size_t len, void *data)
{
	struct outbuf *b = data;

	if (b->n + len > sizeof b->buf && flush_buf(b) < 0)
		return -1;
	if (len > sizeof b->buf)
		return fwrite(p, 1, len, b->out) == len ? 0 : -1;
	memcpy(b->buf + b->n, p, len);
	b->n += len;
	return 0;
}

static int dump(struct outbuf *b, json_t *o, size_t flags)
{
	int rc = json_dump_callback(o, collect, b, flags);

	json_decref(o);
	if (rc == 0)
		rc = collect("\n", 1, b);
	return rc;
}

/* A conversation of JSON Lines: one line. */
static int put_line(const char *text, size_t len, size_t index, void *arg)
{
	struct outbuf *b = arg;

	(void)index;
	if (collect(text, len, b) < 0)
		return -1;
	return collect("\n", 1, b);
}

static int report_lines(struct outbuf *b, const struct report_view *v)
{
	const size_t flags = JSON_COMPACT | JSON_REAL_PRECISION(16);
	json_t *o = json_object();
	struct json_pool *pool;

	json_object_set_new(o, "type", json_string("header"));
	header_fields(o, v->r);
	if (dump(b, o, flags) < 0)
		return -1;
	pool = json_pool_start(flags, put_line, b);
	for (size_t i = 0; i < v->nconv; i++) {
		o = j_conv(v->r, report_conv(v, i));
		json_object_set_new(o, "type", json_string("conversation"));
		if (json_pool_submit(pool, o) < 0)
			break;
	}
	if (json_pool_finish(pool) < 0)
		return -1;
	o = json_object();
	json_object_set_new(o, "type", json_string("summary"));
	json_object_set_new(o, "addresses", j_addresses(v));
	summary_fields(o, v->r);
	return dump(b, o, flags);
}

static int put_str(struct outbuf *b, const char *s)
{
	return collect(s, strlen(s), b);
}

/* Writes s[from, to) of a dump, each line break followed by `indent` more
 * spaces: a piece dumped alone placed at its depth inside the document. */
static int put_indented(struct outbuf *b, const char *s, size_t from, size_t to, int indent)
{
	static const char spaces[] = "        ";

	while (from < to) {
		const char *nl = memchr(s + from, '\n', to - from);
		size_t end = nl ? (size_t)(nl - s) + 1 : to;

		/* whole lines at a time: this runs over every byte of the output */
		if (collect(s + from, end - from, b) < 0)
			return -1;
		if (nl && collect(spaces, (size_t)indent, b) < 0)
			return -1;
		from = end;
	}
	return 0;
}

/* A conversation of the document: one element of an array at depth 2. */
static int put_conversation(const char *text, size_t len, size_t index, void *arg)
{
	struct outbuf *b = arg;

	if (put_str(b, index ? ",\n    " : "\n    ") < 0)
		return -1;
	return put_indented(b, text, 0, len, 4);
}

/* The document is written piece by piece so that only one conversation's
 * JSON tree exists at a time: a tree of all of them costs hundreds of MB on
 * a large capture. The bytes are those of dumping the whole tree at once. */
static int report_document(struct outbuf *b, const struct report_view *v)
{
	const size_t flags = JSON_INDENT(2) | JSON_REAL_PRECISION(16);
	json_t *head = json_object(), *tail = json_object();
	struct json_pool *pool;
	char *s;
	int rc = 0;

	header_fields(head, v->r);
	s = json_dumps(head, flags);
	json_decref(head);
	if (!s)
		return -1;
	/* "{...\n}" without its closing line */
	rc |= put_indented(b, s, 0, strlen(s) - 2, 0);
	free(s);
	rc |= put_str(b, ",\n  \"conversations\": [");
	pool = json_pool_start(flags, put_conversation, b);
	for (size_t i = 0; i < v->nconv && rc == 0; i++)
		rc |= json_pool_submit(pool, j_conv(v->r, report_conv(v, i)));
	rc |= json_pool_finish(pool);
	rc |= put_str(b, v->nconv ? "\n  ]" : "]");
	json_object_set_new(tail, "addresses", j_addresses(v));
	summary_fields(tail, v->r);
	s = json_dumps(tail, flags);
	json_decref(tail);
	if (!s)
		return -1;
	/* "{\n  ..." without its opening brace: it continues the document */
	rc |= put_str(b, ",");
	rc |= put_indented(b, s, 1, strlen(s), 0);
	free(s);
	rc |= put_str(b, "\n");
	return rc ? -1 : 0;
}

int report_json(FILE *out, const struct report_view *v, bool lines)
{
	struct outbuf *b = malloc(sizeof *b);
	int rc;

	if (!b)
		return -1;
	b->out = out;
	b->n = 0;
	b->err = 0;
	rc = lines ? report_lines(b, v) : report_document(b, v);
	if (flush_buf(b) < 0)
		rc = -1;
	free(b);
	return rc;
}
