/* expect.c - --expect FILE: compares this run with a saved JSON result.
 *
 * Both sides are reduced to the same comparable form: per conversation its
 * origin, and per direction short texts (verdict, path, stop, answer, lost
 * client IP, NAT rewrites) built the way report_json.c names things, so a
 * difference is printed as the two texts. Pairing and masking of ephemeral
 * ports are described in expect.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/escape.h"
#include "report/expect.h"
#include "util/input_file.h"
#include "util/msg.h"

#define SCHEMA_VERSION 1

struct xdir {
	bool present;
	char *verdict, *path, *stop, *answer, *lost; /* NULL: none */
	char **nat;
	size_t nnat;
};

struct xconv {
	long long id;
	char *proto, *src, *dst;
	long sport, dport; /* -1: none */
	struct xdir dir[2];
};

struct expect {
	char *path;
	struct xconv *v;
	size_t n;
};

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		msg_oom("--expect", n ? n : 1);
	return p;
}

PP_PRINTF(1, 2)
static char *xprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		msg_oom("--expect", 0);
	va_end(ap);
	return s;
}

static char *xstrdup(const char *s)
{
	return xprintf("%s", s ? s : "");
}

/* "a:port" ("[a]:port" for IPv6), or the bare address. */
static char *endpoint(const char *addr, long port)
{
	if (port < 0)
		return xstrdup(addr);
	return xprintf(strchr(addr, ':') ? "[%s]:%ld" : "%s:%ld", addr, port);
}

/* The client's port is ephemeral: "a:port" -> "a:*". */
static void mask_port(char *s)
{
	char *p;

	if (s[0] == '[') {
		p = strstr(s, "]:");
		if (p)
			strcpy(p + 2, "*");
	} else if ((p = strchr(s, ':')) && !strchr(p + 1, ':')) {
		strcpy(p + 1, "*");
	}
}

static char *nat_text(const char *kind, char *from, char *to, const char *after, const char *before,
                      bool reverse, int k)
{
	char *s;

	/* the client side: the source of the forward direction, the
	 * destination of the reverse one */
	if ((k == 0) == (strcmp(kind, "SNAT") == 0)) {
		mask_port(from);
		mask_port(to);
	}
	s = xprintf("%s %s -> %s%s between %s and %s", kind, from, to, reverse ? " (reverse)" : "",
	            after, before);
	free(from);
	free(to);
	return s;
}

static void path_add(char **path, const char *point, const char *dir)
{
	char *s = xprintf("%s%s%s%s%s%s", *path ? *path : "", *path ? " -> " : "", point,
	                  dir ? "(" : "", dir ? dir : "", dir ? ")" : "");

	free(*path);
	*path = s;
}

static void nat_add(struct xdir *d, char *s)
{
	d->nat = xrealloc(d->nat, (d->nnat + 1) * sizeof *d->nat);
	d->nat[d->nnat++] = s;
}

static void xdir_free(struct xdir *d)
{
	free(d->verdict);
	free(d->path);
	free(d->stop);
	free(d->answer);
	free(d->lost);
	for (size_t i = 0; i < d->nnat; i++)
		free(d->nat[i]);
	free(d->nat);
}

static void xconv_free(struct xconv *c)
{
	free(c->proto);
	free(c->src);
	free(c->dst);
	xdir_free(&c->dir[0]);
	xdir_free(&c->dir[1]);
}

static char *label(const struct xconv *c)
{
	char *a = endpoint(c->src, c->sport), *b = endpoint(c->dst, c->dport);
	char *s = xprintf("%s %s -> %s", c->proto, a, b);

	free(a);
	free(b);
	return s;
}

/* ---- from this run's results ---------------------------------------------- */

static char *ep_of(const struct chain_endpoint *e)
{
	char buf[INET6_ADDRSTRLEN + 8];

	chain_format_endpoint(&e->addr, e->port, e->has_port, buf, sizeof buf);
	return xstrdup(buf);
}

static char *addr_of(const struct pp_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	chain_format_addr(a, buf, sizeof buf);
	return xstrdup(buf);
}

/* A text made from this run's names, as the JSON report writes them: bytes
 * that are not UTF-8 as \xNN (escape.h). */
static void as_json_text(char **s)
{
	char *c;

	if (!*s)
		return;
	c = esc_utf8_clean(*s);
	free(*s);
	*s = c;
}

static void dir_from_run(const struct chain_result *r, const struct chain_conv *c, int k,
                         struct xdir *x)
{
	const struct chain_dir *d = &c->dir[k];

	x->present = d->present;
	if (!d->present)
		return;
	x->verdict = xstrdup(chain_verdict_name(d->verdict));
	for (uint32_t i = 0; i < d->nhops; i++)
		path_add(&x->path, report_point_name(r, d->hops[i].point),
		         d->hops[i].dir == PP_DIR_IN    ? "in"
		         : d->hops[i].dir == PP_DIR_OUT ? "out"
		                                        : NULL);
	for (uint32_t i = 0; i < d->nnat; i++) {
		const struct chain_nat *n = &d->nat[i];

		nat_add(
		    x, nat_text(n->kind == CHAIN_DNAT ? "DNAT" : "SNAT", ep_of(&n->from),
		                ep_of(&n->to), report_point_name(r, d->hops[n->after_hop].point),
		                report_point_name(r, d->hops[n->before_hop].point), n->reverse, k));
	}
	if (d->has_stop)
		x->stop =
		    xprintf("after %s, expected next %s",
		            report_point_name(r, d->hops[d->stop.after_hop].point),
		            d->stop.expected_next >= 0 ? report_point_name(r, d->stop.expected_next)
		                                       : "unknown");
	if (d->has_answer) {
		char *from = addr_of(&d->answer.from);

		if (d->answer.kind == CHAIN_ANSWER_TCP_RST)
			x->answer = xprintf("TCP RST from %s at %s", from,
			                    report_point_name(r, d->answer.point));
		else
			x->answer =
			    xprintf("ICMP %s from %s at %s",
			            report_icmp_name(c->family, d->answer.type, d->answer.code),
			            from, report_point_name(r, d->answer.point));
		free(from);
	}
	if (d->has_lost) {
		char *o = addr_of(&d->lost.original), *b = addr_of(&d->lost.replaced_by);

		x->lost = xprintf("%s replaced by %s between %s and %s", o, b,
		                  report_point_name(r, d->hops[d->lost.after_hop].point),
		                  report_point_name(r, d->hops[d->lost.before_hop].point));
		free(o);
		free(b);
	}
	as_json_text(&x->path);
	as_json_text(&x->stop);
	as_json_text(&x->answer);
	as_json_text(&x->lost);
	for (size_t i = 0; i < x->nnat; i++)
		as_json_text(&x->nat[i]);
}

static void conv_from_run(const struct chain_result *r, const struct chain_conv *c, struct xconv *x)
{
	const struct pp_tuple *t = &c->origin;
	bool echo = (t->proto == 1 || t->proto == 58) && t->has_ports;

	x->id = c->id;
	x->proto = xstrdup(chain_proto_name(c->proto));
	x->src = addr_of(&t->src);
	x->dst = addr_of(&t->dst);
	x->sport = t->has_ports ? t->sport : -1;
	x->dport = t->has_ports && !echo ? t->dport : -1;
	dir_from_run(r, c, CHAIN_FORWARD, &x->dir[0]);
	dir_from_run(r, c, CHAIN_REVERSE, &x->dir[1]);
}

/* ---- from the saved JSON ---------------------------------------------------- */

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "?";
}

static long jport(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long)json_integer_value(v) : -1;
}

static void dir_from_json(json_t *j, int k, struct xdir *x)
{
	json_t *hops = json_object_get(j, "hops"), *v, *s;
	size_t i;

	x->present = true;
	x->verdict = xstrdup(jstr(j, "verdict"));
	if (json_is_array(hops) && json_array_size(hops)) {
		json_array_foreach(hops, i, v)
		{
			const char *dir = json_string_value(json_object_get(v, "dir"));

			path_add(&x->path, jstr(v, "point"), dir);
		}
	} else {
		json_array_foreach(json_object_get(j, "path"), i, v)
		    path_add(&x->path, json_is_string(v) ? json_string_value(v) : "?", NULL);
	}
	json_array_foreach(json_object_get(j, "nat"), i, v)
	{
		nat_add(x, nat_text(jstr(v, "kind"), xstrdup(jstr(v, "from")),
		                    xstrdup(jstr(v, "to")), jstr(v, "after"), jstr(v, "before"),
		                    json_is_true(json_object_get(v, "reverse")), k));
	}
	s = json_object_get(j, "stopped");
	if (json_is_object(s)) {
		const char *next = json_string_value(json_object_get(s, "expected_next"));

		x->stop = xprintf("after %s, expected next %s", jstr(s, "after"),
		                  next ? next : "unknown");
	}
	s = json_object_get(j, "answered_by");
	if (json_is_object(s)) {
		if (strcmp(jstr(s, "kind"), "tcp_rst") == 0)
			x->answer =
			    xprintf("TCP RST from %s at %s", jstr(s, "from"), jstr(s, "point"));
		else
			x->answer = xprintf("ICMP %s from %s at %s", jstr(s, "name"),
			                    jstr(s, "from"), jstr(s, "point"));
	}
	s = json_object_get(j, "client_ip_lost");
	if (json_is_object(s))
		x->lost = xprintf("%s replaced by %s between %s and %s", jstr(s, "original"),
		                  jstr(s, "replaced_by"), jstr(s, "after"), jstr(s, "before"));
}

static int conv_from_json(json_t *j, struct xconv *x)
{
	json_t *o = json_object_get(j, "origin"), *d;
	size_t i;

	if (!json_is_object(j) || !json_is_object(o))
		return -1;
	x->id = json_integer_value(json_object_get(j, "id"));
	x->proto = xstrdup(jstr(j, "proto"));
	x->src = xstrdup(jstr(o, "src"));
	x->dst = xstrdup(jstr(o, "dst"));
	x->sport = jport(o, "sport");
	x->dport = jport(o, "dport");
	json_array_foreach(json_object_get(j, "directions"), i, d)
	{
		int k = strcmp(jstr(d, "dir"), "reverse") == 0;

		if (!x->dir[k].present)
			dir_from_json(d, k, &x->dir[k]);
	}
	return 0;
}

/* v: the schema_version member's value, or NULL */
static int schema_ok(const char *path, const json_t *v)
{
	if (!json_is_integer(v)) {
		msg_error(path, "not a pktpath JSON result (no schema_version)");
		return -1;
	}
	if (json_integer_value(v) != SCHEMA_VERSION) {
		msg_error(path, "schema_version %lld; this pktpath reads %d",
		          (long long)json_integer_value(v), SCHEMA_VERSION);
		return -1;
	}
	return 0;
}

static int add_conv(struct expect *e, json_t *j)
{
	struct xconv x = {0};

	if (conv_from_json(j, &x) < 0) {
		xconv_free(&x);
		msg_error(e->path, "conversation %zu is not an object with an origin", e->n + 1);
		return -1;
	}
	e->v = xrealloc(e->v, (e->n + 1) * sizeof *e->v);
	e->v[e->n++] = x;
	return 0;
}

/* One JSON value of the file, s[a..b), parsed on its own: a conversation
 * or a line is a few hundred values; a bulky one is refused before jansson
 * builds it. */
static json_t *parse_piece(struct expect *e, const char *s, size_t a, size_t b)
{
	json_error_t err;
	json_t *o;

	if (input_json_values(s + a, b - a) > INPUT_EXPECT_MAX_VALUES) {
		msg_error(e->path,
		          "a value of more than %zu JSON values at byte %zu: not a "
		          "pktpath JSON result",
		          INPUT_EXPECT_MAX_VALUES, a);
		return NULL;
	}
	o = json_loadb(s + a, b - a, JSON_DECODE_ANY, &err);
	if (!o)
		msg_error(e->path, "not JSON: %s (at byte %zu)", err.text,
		          a + (size_t)(err.position > 0 ? err.position : 0));
	return o;
}

/* Whether the member key at s[i] (a string) is name: the report's keys are
 * plain ASCII, written without escapes. */
static bool key_is(const char *s, size_t i, size_t end, const char *name)
{
	size_t n = strlen(name);

	return end - i == n + 2 && memcmp(s + i + 1, name, n) == 0;
}

/* One document ({"schema_version":1, ..., "conversations":[...]}), walked
 * member by member: the conversations are parsed one at a time, members
 * that are not needed (points, findings, ...) are only skipped. */
static int load_document(struct expect *e, const char *s, size_t n)
{
	bool schema = false, convs = false;
	size_t i = input_json_space(s, n, 1);

	while (i < n && s[i] != '}') {
		size_t kend = s[i] == '"' ? input_json_skip(s, n, i) : 0, v, vend;

		v = kend ? input_json_space(s, n, kend) : 0;
		if (!v || v >= n || s[v] != ':' || !(vend = input_json_skip(s, n, v + 1)))
			goto bad;
		v = input_json_space(s, n, v + 1);
		if (key_is(s, i, kend, "schema_version")) {
			json_t *o = parse_piece(e, s, v, vend);
			int rc = o ? schema_ok(e->path, o) : -1;

			json_decref(o);
			if (rc < 0)
				return -1;
			schema = true;
		} else if (key_is(s, i, kend, "conversations") && s[v] == '[') {
			size_t c = input_json_space(s, n, v + 1);

			convs = true;
			while (c < vend - 1) {
				size_t cend = input_json_skip(s, n, c);
				json_t *o;
				int rc;

				if (!cend || !(o = parse_piece(e, s, c, cend)))
					return cend ? -1 : (msg_error(e->path, "not JSON"), -1);
				rc = add_conv(e, o);
				json_decref(o);
				if (rc < 0)
					return -1;
				c = input_json_space(s, n, cend);
				if (c < n && s[c] == ',')
					c = input_json_space(s, n, c + 1);
			}
		}
		i = input_json_space(s, n, vend);
		if (i < n && s[i] == ',')
			i = input_json_space(s, n, i + 1);
	}
	if (!schema)
		return schema_ok(e->path, NULL); /* says what is missing */
	if (!convs) {
		msg_error(e->path, "not a pktpath JSON result (no conversations array)");
		return -1;
	}
	return 0;
bad:
	msg_error(e->path, "not JSON (at byte %zu)", i);
	return -1;
}

/* --format jsonl: a header line, conversation lines, a summary line; each
 * value parsed on its own. */
static int load_lines(struct expect *e, const char *s, size_t n)
{
	bool header = false;
	int rc = 0;

	for (size_t i = input_json_space(s, n, 0); rc == 0 && i < n;
	     i = input_json_space(s, n, i)) {
		size_t end = input_json_skip(s, n, i);
		const char *type;
		json_t *o;

		if (!end) {
			msg_error(e->path, "not JSON (at byte %zu)", i);
			return -1;
		}
		if (!(o = parse_piece(e, s, i, end)))
			return -1;
		type = json_string_value(json_object_get(o, "type"));
		if (!header) {
			if (!type || strcmp(type, "header") != 0) {
				msg_error(e->path, "not a pktpath JSON result");
				rc = -1;
			} else {
				rc = schema_ok(e->path, json_object_get(o, "schema_version"));
				header = true;
			}
		} else if (type && strcmp(type, "conversation") == 0) {
			rc = add_conv(e, o);
		}
		json_decref(o);
		i = end;
	}
	if (rc == 0 && !header) {
		msg_error(e->path, "empty: not a pktpath JSON result");
		rc = -1;
	}
	return rc;
}

/* The file is read once (it may be a pipe, `--expect <(...)`), within
 * INPUT_EXPECT_MAX_BYTES; one JSON value is a document, several are JSON
 * Lines. */
struct expect *expect_load(const char *path)
{
	struct expect *e = calloc(1, sizeof *e);
	char why[128], *buf;
	size_t len, first, end;
	int rc;

	if (!e)
		msg_oom("--expect", sizeof *e);
	e->path = xstrdup(path);
	if (input_read(path, INPUT_EXPECT_MAX_BYTES, &buf, &len, why, sizeof why) < 0) {
		msg_error(path, "%s", why);
		expect_free(e);
		return NULL;
	}
	first = input_json_space(buf, len, 0);
	end = input_json_skip(buf, len, first);
	if (first == len) {
		msg_error(path, "empty: not a pktpath JSON result");
		rc = -1;
	} else if (end && input_json_space(buf, len, end) == len && buf[first] == '{') {
		rc = load_document(e, buf + first, end - first);
	} else {
		rc = load_lines(e, buf, len);
	}
	free(buf);
	if (rc < 0) {
		expect_free(e);
		return NULL;
	}
	return e;
}

void expect_free(struct expect *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++)
		xconv_free(&e->v[i]);
	free(e->v);
	free(e->path);
	free(e);
}

/* ---- comparing ---------------------------------------------------------------- */

struct cmp {
	const struct expect *e;
	size_t ndiff;
	const struct xconv *now; /* the pair being compared */
	int k;
};

PP_PRINTF(2, 3)
static void diff(struct cmp *c, const char *fmt, ...)
{
	char *what, *l = label(c->now);
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		msg_oom("--expect", 0);
	va_end(ap);
	msg_info("expect", "conv %lld %s %s: %s", c->now->id, l, c->k == 0 ? "forward" : "reverse",
	         what);
	free(what);
	free(l);
	c->ndiff++;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* A finding that may be there or not: appeared, gone, or changed. */
static void cmp_opt(struct cmp *c, const char *what, const char *was, const char *now)
{
	if (same(was, now))
		return;
	if (!was)
		diff(c, "new %s: %s", what, now);
	else if (!now)
		diff(c, "%s gone: was %s", what, was);
	else
		diff(c, "%s changed: was %s, now %s", what, was, now);
}

static void cmp_nat(struct cmp *c, const struct xdir *was, const struct xdir *now)
{
	bool *used = calloc(was->nnat + 1, sizeof *used);

	if (!used)
		msg_oom("--expect", (was->nnat + 1) * sizeof *used);
	for (size_t i = 0; i < now->nnat; i++) {
		size_t j;

		for (j = 0; j < was->nnat; j++) {
			if (!used[j] && strcmp(was->nat[j], now->nat[i]) == 0)
				break;
		}
		if (j < was->nnat)
			used[j] = true;
		else
			diff(c, "NAT appeared: %s", now->nat[i]);
	}
	for (size_t j = 0; j < was->nnat; j++) {
		if (!used[j])
			diff(c, "NAT vanished: %s", was->nat[j]);
	}
	free(used);
}

static void cmp_dir(struct cmp *c, const struct xdir *was, const struct xdir *now)
{
	if (!was->present && !now->present)
		return;
	if (!now->present) {
		diff(c, "direction no longer seen: was %s %s", was->verdict, was->path);
		return;
	}
	if (!was->present) {
		diff(c, "new direction: %s %s", now->verdict, now->path);
		return;
	}
	if (!same(was->verdict, now->verdict))
		diff(c, "verdict changed: was %s, now %s", was->verdict, now->verdict);
	if (!same(was->path, now->path))
		diff(c, "path changed: was %s; now %s", was->path ? was->path : "(none)",
		     now->path ? now->path : "(none)");
	cmp_opt(c, "stop", was->stop, now->stop);
	cmp_opt(c, "answer", was->answer, now->answer);
	cmp_opt(c, "client IP loss", was->lost, now->lost);
	cmp_nat(c, was, now);
}

/* Multicast or broadcast chatter (IGMP, MLD, neighbour discovery) comes
 * and goes between runs: a group destination, no stop, no answer back. */
static bool noise(const struct xconv *c)
{
	uint8_t b[16];

	if (c->dir[0].stop || c->dir[1].present)
		return false;
	if (inet_pton(AF_INET, c->dst, b) == 1)
		return b[0] >= 224;
	return inet_pton(AF_INET6, c->dst, b) == 1 && b[0] == 0xff;
}

static bool same_origin(const struct xconv *a, const struct xconv *b, bool sport)
{
	return strcmp(a->proto, b->proto) == 0 && strcmp(a->src, b->src) == 0 &&
	       strcmp(a->dst, b->dst) == 0 && a->dport == b->dport &&
	       (!sport || a->sport == b->sport);
}

static int cmp_id(const void *x, const void *y)
{
	const struct xconv *a = *(struct xconv *const *)x, *b = *(struct xconv *const *)y;

	return (a->id > b->id) - (a->id < b->id);
}

/* Pairs now[] with was[] (by full origin, then without the source port,
 * both in id order): pair[i] is the index into was, or -1. */
static void pair_up(struct xconv **was, size_t nwas, struct xconv **now, size_t nnow, long *pair,
                    bool *taken)
{
	for (size_t i = 0; i < nnow; i++)
		pair[i] = -1;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < nnow; i++) {
			if (pair[i] >= 0)
				continue;
			for (size_t j = 0; j < nwas; j++) {
				if (!taken[j] && same_origin(was[j], now[i], pass == 0)) {
					pair[i] = (long)j;
					taken[j] = true;
					break;
				}
			}
		}
	}
}

size_t expect_compare(const struct expect *e, const struct report_view *v)
{
	struct cmp c = {.e = e};
	struct xconv *run = calloc(v->nconv + 1, sizeof *run);
	struct xconv **now = calloc(v->nconv + 1, sizeof *now);
	struct xconv **was = calloc(e->n + 1, sizeof *was);
	long *pair = calloc(v->nconv + 1, sizeof *pair);
	bool *taken = calloc(e->n + 1, sizeof *taken);
	size_t nnow = 0, nwas = 0;

	if (!run || !now || !was || !pair || !taken)
		msg_oom("--expect", (e->n + 1) * sizeof *taken);
	for (size_t i = 0; i < v->nconv; i++) {
		conv_from_run(v->r, report_conv(v, i), &run[i]);
		if (!noise(&run[i]))
			now[nnow++] = &run[i];
	}
	for (size_t j = 0; j < e->n; j++) {
		if (!noise(&e->v[j]))
			was[nwas++] = &e->v[j];
	}
	qsort(now, nnow, sizeof *now, cmp_id);
	qsort(was, nwas, sizeof *was, cmp_id);
	pair_up(was, nwas, now, nnow, pair, taken);
	for (size_t i = 0; i < nnow; i++) {
		c.now = now[i];
		if (pair[i] < 0) {
			char *l = label(now[i]);

			msg_info("expect", "new conversation: conv %lld %s (not in %s)", now[i]->id,
			         l, e->path);
			free(l);
			c.ndiff++;
			continue;
		}
		for (c.k = 0; c.k < 2; c.k++)
			cmp_dir(&c, &was[pair[i]]->dir[c.k], &now[i]->dir[c.k]);
	}
	for (size_t j = 0; j < nwas; j++) {
		if (!taken[j]) {
			char *l = label(was[j]);

			msg_info("expect", "conversation missing: %s (conv %lld in %s)", l,
			         was[j]->id, e->path);
			free(l);
			c.ndiff++;
		}
	}
	if (c.ndiff)
		msg_info("expect", "%zu difference%s from %s", c.ndiff, c.ndiff == 1 ? "" : "s",
		         e->path);
	for (size_t i = 0; i < v->nconv; i++)
		xconv_free(&run[i]);
	free(run);
	free(now);
	free(was);
	free(pair);
	free(taken);
	return c.ndiff;
}
