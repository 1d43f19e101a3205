/* report_json.c - the machine report (schema_version 1, see pktpath(1)).
 *
 * The fields of the contract are a promise: they are only ever
 * extended, never renamed or dropped. The header and summary are jansson
 * trees, built with the reference-stealing setters so that one json_decref
 * frees a whole tree; the conversations, most of a large report, are
 * written by report_json_conv.c in the same layout.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/escape.h"
#include "report/json_writer.h"
#include "pktpath/options.h"
#include "util/msg.h"
#include "report/report.h"
#include "topo/topo.h"

#define SCHEMA_VERSION 1

/* Names come from customers' files and topologies: jansson refuses a
 * string that is not UTF-8, which would drop the member silently. */
static json_t *j_text(const char *s)
{
	json_t *j = json_string(s);
	char *clean;

	if (j)
		return j;
	clean = esc_utf8_clean(s); /* as jw_string() writes it */
	j = json_string(clean);
	free(clean);
	return j;
}

static json_t *j_time(int64_t ns)
{
	return json_real((double)ns / 1e9);
}

static json_t *j_time_string(int64_t ns)
{
	char buf[64];

	if (!report_iso_time(ns, buf, sizeof buf))
		return json_null();
	return json_string(buf);
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
	return j_text(buf);
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
	json_object_set_new(o, "kind", i->kind ? j_text(i->kind) : json_null());
	json_object_set_new(o, "mac", i->has_mac ? j_mac(i->mac) : json_null());
	json_object_set_new(o, "mtu", i->mtu ? json_integer(i->mtu) : json_null());
	json_object_set_new(o, "master", i->master ? j_text(i->master->name) : json_null());
	json_object_set_new(o, "peer", j_iface_point(i->peer));
	return o;
}

static json_t *j_time_or_null(int64_t ns)
{
	return ns == INT64_MIN || ns == INT64_MAX ? json_null() : j_time(ns);
}

static json_t *j_time_string_or_null(int64_t ns)
{
	return ns == INT64_MIN || ns == INT64_MAX ? json_null() : j_time_string(ns);
}

/* Where the point was not capturing, as far as it matters: the gaps known
 * from the inputs, and the quiet stretches and capture edges that kept
 * packets from being judged (times on the reference clock). */
static json_t *j_gaps(const struct chain_point *p)
{
	json_t *a = json_array();

	for (size_t i = 0; i < p->ngaps; i++) {
		const struct chain_gap *g = &p->gaps[i];
		json_t *o;

		if (!report_gap_reported(g))
			continue;
		o = json_object();
		json_object_set_new(o, "from", j_time_or_null(g->from));
		json_object_set_new(o, "to", j_time_or_null(g->to));
		json_object_set_new(o, "from_time", j_time_string_or_null(g->from));
		json_object_set_new(o, "to_time", j_time_string_or_null(g->to));
		json_object_set_new(o, "why", json_string(chain_gap_name(g->why)));
		json_object_set_new(o, "packets",
		                    g->why == CHAIN_GAP_KERNEL_DROPS
		                        ? json_integer((json_int_t)g->packets)
		                        : json_null());
		json_object_set_new(o, "not_judged", json_integer((json_int_t)g->excused));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *j_points(const struct chain_result *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->npoints; i++) {
		const struct chain_point *p = &r->points[i];
		json_t *files = json_array();
		json_t *o = json_object();

		for (size_t f = 0; f < p->nfiles; f++)
			json_array_append_new(files, j_text(p->files[f]));
		json_object_set_new(o, "name", j_text(p->name));
		json_object_set_new(o, "node", j_text(p->node));
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
		json_object_set_new(o, "gaps", j_gaps(p));
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
	json_object_set_new(o, "node", i.node ? j_text(i.node) : json_null());
	json_object_set_new(o, "iface", i.iface ? j_text(i.iface->name) : json_null());
	json_object_set_new(o, "netns", i.netns ? j_text(i.netns) : json_null());
	json_object_set_new(o, "host_veth", j_iface_point(i.host_veth));
	json_object_set_new(o, "bridge", i.bridge ? j_text(i.bridge->name) : json_null());
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

/* Adds to map every address of a conversation the topology can place:
 * node, pod (which node, namespace, veth), or service. Called as each
 * conversation is written, so that none is read back twice. */
static void conv_addresses(json_t *map, const struct chain_result *r, const struct chain_conv *cv)
{
	if (!r->topo)
		return;
	j_address_add(map, r, &cv->origin.src);
	j_address_add(map, r, &cv->origin.dst);
	for (int k = 0; k < 2; k++) {
		for (uint32_t h = 0; h < cv->dir[k].nhops; h++) {
			j_address_add(map, r, &cv->dir[k].hops[h].tuple.src);
			j_address_add(map, r, &cv->dir[k].hops[h].tuple.dst);
		}
		if (cv->dir[k].has_answer)
			j_address_add(map, r, &cv->dir[k].answer.from);
	}
}

static json_t *j_nodes(const struct chain_result *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->nnodes; i++) {
		const struct chain_node *n = &r->nodes[i];
		json_t *o = json_object();

		json_object_set_new(o, "name", j_text(n->name));
		json_object_set_new(o, "clock_offset", json_real((double)n->clock_offset / 1e9));
		json_object_set_new(o, "clock_source",
		                    json_string(i == 0         ? "reference"
		                                : n->manual    ? "manual"
		                                : n->estimated ? "estimated"
		                                               : "assumed"));
		json_object_set_new(o, "estimated_from",
		                    i == 0 || n->manual || !n->estimated
		                        ? json_null()
		                        : j_text(r->nodes[n->via].name));
		json_object_set_new(o, "pairs_to", json_integer((json_int_t)n->pairs_to));
		json_object_set_new(o, "pairs_from", json_integer((json_int_t)n->pairs_from));
		/* the estimate is within this of the truth (half the shortest
		 * round trip of the packets it rests on); null: not known */
		json_object_set_new(o, "clock_error",
		                    n->clock_error < 0 ? json_null()
		                                       : json_real((double)n->clock_error / 1e9));
		json_array_append_new(a, o);
	}
	return a;
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

static json_t *j_findings(const struct report_view *v, json_t *items)
{
	struct report_findings f;
	json_t *o;

	report_view_findings(v, &f);
	o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "conversations",
	              (json_int_t)f.conversations, "stopped", (json_int_t)f.stopped, "partial",
	              (json_int_t)f.partial, "delivered", (json_int_t)f.delivered, "client_ip_lost",
	              (json_int_t)f.client_ip_lost, "nat", (json_int_t)f.nat, "snat",
	              (json_int_t)f.snat, "unmatched", (json_int_t)f.unmatched, "ignored",
	              (json_int_t)f.ignored, "read", (json_int_t)f.read, "recovered_loss",
	              (json_int_t)f.recovered_loss, "gaps", (json_int_t)f.gaps, "not_judged",
	              (json_int_t)f.not_judged);
	json_object_set_new(o, "items", items);
	json_object_set_new(
	    o, "limits",
	    json_pack("{s:I,s:I,s:I,s:I,s:I}", "hops", (json_int_t)v->r->limits.hops, "routes",
	              (json_int_t)v->r->limits.routes, "order", (json_int_t)v->r->limits.order,
	              "points", (json_int_t)v->r->limits.points, "interfaces",
	              (json_int_t)v->r->limits.interfaces));
	return o;
}

/* Every input problem said on stderr, for CI (msg_log.c). */
static json_t *j_warnings(void)
{
	json_t *a = json_array();

	for (size_t i = 0; i < msg_log_count(); i++) {
		const struct msg_record *m = msg_log_get(i);

		json_array_append_new(a, json_pack("{s:s,s:o,s:n,s:s,s:o}", "level",
		                                   m->error ? "error" : "warning", "file",
		                                   m->file ? j_text(m->file) : json_null(), "point",
		                                   "what", m->kind, "message", j_text(m->message)));
	}
	if (msg_log_dropped())
		json_array_append_new(a, json_pack("{s:s,s:n,s:n,s:s,s:I}", "level", "warning",
		                                   "file", "point", "what", "more", "more",
		                                   (json_int_t)msg_log_dropped()));
	return a;
}

/* One object per finding of the reported conversations (report_diagnose). */
static void conv_items(json_t *items, const struct chain_result *r, const struct chain_conv *cv)
{
	for (int k = 0; k < 2; k++) {
		struct report_diag g[REPORT_DIAG_MAX];
		size_t n = report_diagnose(r, cv, k, g, REPORT_DIAG_MAX);

		for (size_t j = 0; j < n; j++) {
			json_t *o = json_object();

			json_object_set_new(o, "kind", json_string(report_kind_name(g[j].kind)));
			json_object_set_new(o, "conversation", json_integer(cv->id));
			json_object_set_new(
			    o, "direction",
			    json_string(k == CHAIN_FORWARD ? "forward" : "reverse"));
			json_object_set_new(o, "point",
			                    g[j].point >= 0 && (size_t)g[j].point < r->npoints
			                        ? j_text(r->points[g[j].point].name)
			                        : json_null());
			json_object_set_new(o, "evidence", j_text(g[j].evidence));
			json_array_append_new(items, o);
		}
	}
}

static void header_fields(json_t *o, const struct chain_result *r)
{
	json_object_set_new(o, "schema_version", json_integer(SCHEMA_VERSION));
	json_object_set_new(o, "tool", json_string("pktpath " PKTPATH_VERSION));
	json_object_set_new(o, "window", json_real((double)r->window_ns / 1e9));
	/* --shard K/N: this result holds shard K's conversations (pktpath merge) */
	json_object_set_new(o, "shard",
	                    r->nshards ? json_pack("{s:I,s:I}", "index", (json_int_t)r->shard + 1,
	                                           "count", (json_int_t)r->nshards)
	                               : json_null());
	json_object_set_new(o, "points", j_points(r));
	json_object_set_new(o, "nodes", j_nodes(r));
}

static void summary_fields(json_t *o, const struct report_view *v, json_t *items)
{
	const struct chain_result *r = v->r;

	/* findings, then the packets that were not used */
	json_object_set_new(o, "findings", j_findings(v, items));
	json_object_set_new(o, "warnings", j_warnings());
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

static int report_lines(struct outbuf *b, const struct report_view *v)
{
	const size_t flags = JSON_COMPACT | JSON_REAL_PRECISION(16);
	json_t *o = json_object(), *addresses = json_object(), *items = json_array();
	struct json_writer w = {0};
	int rc = 0;

	json_object_set_new(o, "type", json_string("header"));
	header_fields(o, v->r);
	if (dump(b, o, flags) < 0) {
		json_decref(addresses);
		json_decref(items);
		return -1;
	}
	for (size_t i = 0; i < v->nconv && rc == 0; i++) {
		const struct chain_conv *cv = report_conv(v, i);

		jw_reset(&w, 0, 0);
		report_json_conv(&w, v->r, cv, true);
		conv_addresses(addresses, v->r, cv);
		conv_items(items, v->r, cv);
		rc |= collect(w.s, w.len, b);
		rc |= collect("\n", 1, b);
	}
	jw_free(&w);
	if (rc < 0) {
		json_decref(addresses);
		json_decref(items);
		return -1;
	}
	o = json_object();
	json_object_set_new(o, "type", json_string("summary"));
	json_object_set_new(o, "addresses", addresses);
	summary_fields(o, v, items);
	return dump(b, o, flags);
}

static int put_str(struct outbuf *b, const char *s)
{
	return collect(s, strlen(s), b);
}

/* The document is written piece by piece so that only one conversation
 * is in memory at a time. Its bytes are those of dumping one jansson tree
 * of the whole document: the header and summary are dumped by jansson, the
 * conversations written in the same layout at their depth. */
static int report_document(struct outbuf *b, const struct report_view *v)
{
	const size_t flags = JSON_INDENT(2) | JSON_REAL_PRECISION(16);
	json_t *head = json_object(), *tail = json_object(), *addresses = json_object();
	json_t *items = json_array();
	struct json_writer w = {0};
	char *s;
	int rc = 0;

	header_fields(head, v->r);
	s = json_dumps(head, flags);
	json_decref(head);
	if (!s) {
		json_decref(tail);
		json_decref(addresses);
		json_decref(items);
		return -1;
	}
	/* "{...\n}" without its closing line */
	rc |= collect(s, strlen(s) - 2, b);
	free(s);
	rc |= put_str(b, ",\n  \"conversations\": [");
	for (size_t i = 0; i < v->nconv && rc == 0; i++) {
		const struct chain_conv *cv = report_conv(v, i);

		jw_reset(&w, 2, 2);
		report_json_conv(&w, v->r, cv, false);
		conv_addresses(addresses, v->r, cv);
		conv_items(items, v->r, cv);
		rc |= put_str(b, i ? ",\n    " : "\n    ");
		rc |= collect(w.s, w.len, b);
	}
	jw_free(&w);
	rc |= put_str(b, v->nconv ? "\n  ]" : "]");
	json_object_set_new(tail, "addresses", addresses);
	summary_fields(tail, v, items);
	s = json_dumps(tail, flags);
	json_decref(tail);
	if (!s)
		return -1;
	/* "{\n  ..." without its opening brace: it continues the document */
	rc |= put_str(b, ",");
	rc |= collect(s + 1, strlen(s) - 1, b);
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
