/* expect_check.c - compares pktpath's JSON with a lab scenario's truth.
 *
 * usage: expect_check EXPECTED.json ACTUAL.json
 *
 * EXPECTED is written by the lab from what it configured (tests/lab); ACTUAL
 * is `pktpath --format json` on the scenario's captures. The check is strict
 * both ways: what the truth says must be reported, and what the truth does
 * not contain must not be. For every expected flow the conversation with the
 * same origin must exist and, per direction: the path (points in order,
 * in/out where a point is seen twice), every NAT (kind, from, to, between
 * which hops, and how many packets where the truth counts them) and no
 * other, the verdict, the stop (point, expected next, packet count where
 * given) and no stop on a delivered direction, what answered, where the
 * client IP was lost, recovered loss only where the truth has it, and the
 * finding kind of findings.items. Over the whole report: every conversation
 * is one of the truth's flows or chatter (below), chatter has no NAT, no
 * stop and no hop with other addresses than its first, no hop latency is
 * negative, gaps of the kinds that lose packets are the truth's, and clock
 * offsets are within the truth's tolerance. Members pktpath does not write
 * (yet) count as empty: no findings.items is an empty list, no
 * recovered_loss is null. Prints one line per difference; exits 1 when
 * there is any.
 *
 * Chatter (tests/lab/README.md, "expected.json"): a conversation to a
 * multicast or broadcast address, with an IPv6 link-local address, or
 * ICMPv6 other than echo (neighbour discovery, RA/RS, MLD: pktpath's JSON
 * names no ICMPv6 type, but only an echo carries an id, as sport), plus what
 * the truth's "chatter" list adds ({proto, src, dst}, each optional).
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int differences;
static const char *flow_name;

__attribute__((format(printf, 2, 3))) static void diff(const char *dir, const char *fmt, ...)
{
	va_list ap;

	printf("DIFF %s %s: ", flow_name, dir);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	differences++;
}

static const char *str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *or_none(const char *s)
{
	return s ? s : "(none)";
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* JSON null and a missing key are the same; numbers compare by value. */
static bool same_value(json_t *a, json_t *b)
{
	if (!a || json_is_null(a))
		return !b || json_is_null(b);
	if (!b)
		return false;
	return json_equal(a, b);
}

static bool is_none(json_t *v)
{
	return !v || json_is_null(v);
}

static bool same_tuple(json_t *a, json_t *b)
{
	return same_str(str(a, "src"), str(b, "src")) && same_str(str(a, "dst"), str(b, "dst")) &&
	       same_value(json_object_get(a, "sport"), json_object_get(b, "sport")) &&
	       same_value(json_object_get(a, "dport"), json_object_get(b, "dport"));
}

static void tuple_text(json_t *t, char *buf, size_t len)
{
	char *sp =
	    json_dumps(json_object_get(t, "sport") ? json_object_get(t, "sport") : json_null(),
	               JSON_ENCODE_ANY);
	char *dp =
	    json_dumps(json_object_get(t, "dport") ? json_object_get(t, "dport") : json_null(),
	               JSON_ENCODE_ANY);

	snprintf(buf, len, "%s:%s > %s:%s", or_none(str(t, "src")), sp, or_none(str(t, "dst")), dp);
	free(sp);
	free(dp);
}

/* The conversation whose origin is the flow's origin. Where the captures do
 * not include the client's own point (a node's -i any file alone), the
 * origin pktpath can see is the flow's first hop in the truth. */
static json_t *find_conv(json_t *actual, json_t *flow)
{
	json_t *want = json_object_get(flow, "origin");
	json_t *hop0 = json_array_get(json_object_get(json_object_get(flow, "forward"), "hops"), 0);
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(actual, "conversations"), i, c)
	{
		json_t *o = json_object_get(c, "origin");

		if (!same_str(str(c, "proto"), str(flow, "proto")))
			continue;
		if (same_tuple(o, want) || (hop0 && same_tuple(o, hop0)))
			return c;
	}
	return NULL;
}

static json_t *find_dir(json_t *conv, const char *which)
{
	size_t i;
	json_t *d;

	json_array_foreach(json_object_get(conv, "directions"), i, d)
	{
		if (same_str(str(d, "dir"), which))
			return d;
	}
	return NULL;
}

static const char *hop_dir(json_t *dir, json_t *index)
{
	json_t *h = json_array_get(json_object_get(dir, "hops"), (size_t)json_integer_value(index));

	return h ? str(h, "dir") : NULL;
}

static void check_path(const char *which, json_t *exp, json_t *act)
{
	json_t *eh = json_object_get(exp, "hops"), *ap = json_object_get(act, "path");
	json_t *ah = json_object_get(act, "hops");
	size_t n = json_array_size(eh);
	char want[2048] = "", got[2048] = "";

	for (size_t i = 0; i < n; i++) {
		const char *d = str(json_array_get(eh, i), "dir");

		snprintf(want + strlen(want), sizeof want - strlen(want), "%s%s%s%s",
		         i ? " > " : "", str(json_array_get(eh, i), "point"), d ? ":" : "",
		         d ? d : "");
	}
	for (size_t i = 0; i < json_array_size(ap); i++) {
		const char *d = str(json_array_get(ah, i), "dir");
		json_t *eh_i = json_array_get(eh, i);

		/* in/out are compared only where the truth names them */
		if (!eh_i || !str(eh_i, "dir"))
			d = NULL;
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s%s%s", i ? " > " : "",
		         json_string_value(json_array_get(ap, i)), d ? ":" : "", d ? d : "");
	}
	if (strcmp(want, got) != 0)
		diff(which, "path\n    want %s\n    got  %s", want, got);
}

static bool nat_equal(json_t *e, json_t *a, json_t *adir)
{
	const char *ed;

	if (!same_str(str(e, "kind"), str(a, "kind")) ||
	    !same_str(str(e, "from"), str(a, "from")) || !same_str(str(e, "to"), str(a, "to")) ||
	    !same_str(str(e, "after"), str(a, "after")) ||
	    !same_str(str(e, "before"), str(a, "before")))
		return false;
	if ((ed = str(e, "after_dir")) &&
	    !same_str(ed, hop_dir(adir, json_object_get(a, "after_hop"))))
		return false;
	if ((ed = str(e, "before_dir")) &&
	    !same_str(ed, hop_dir(adir, json_object_get(a, "before_hop"))))
		return false;
	if (json_object_get(e, "reverse") &&
	    !same_value(json_object_get(e, "reverse"), json_object_get(a, "reverse")))
		return false;
	return true;
}

static void nat_text(json_t *n, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s -> %s between %s and %s", str(n, "kind"), str(n, "from"),
	         str(n, "to"), str(n, "after"), str(n, "before"));
}

/* Every NAT of the truth is reported (with its packet count where the truth
 * gives one: a rewrite that starts mid-flow), and no other. */
static void check_nat(const char *which, json_t *exp, json_t *act)
{
	json_t *en = json_object_get(exp, "nat"), *an = json_object_get(act, "nat");
	size_t i, j;
	json_t *e, *a;
	char buf[512];

	json_array_foreach(en, i, e)
	{
		json_t *found = NULL;

		json_array_foreach(an, j, a) if (!found && nat_equal(e, a, act)) found = a;
		nat_text(e, buf, sizeof buf);
		if (!found) {
			diff(which, "missing NAT: %s", buf);
			continue;
		}
		if (json_object_get(e, "packets") &&
		    !same_value(json_object_get(e, "packets"), json_object_get(found, "packets")))
			diff(which, "NAT %s: packets: want %lld, got %lld", buf,
			     (long long)json_integer_value(json_object_get(e, "packets")),
			     (long long)json_integer_value(json_object_get(found, "packets")));
	}
	json_array_foreach(an, j, a)
	{
		bool found = false;

		json_array_foreach(en, i, e) found |= nat_equal(e, a, act);
		if (!found) {
			nat_text(a, buf, sizeof buf);
			diff(which, "unexpected NAT: %s", buf);
		}
	}
}

static void check_object(const char *which, const char *key, json_t *exp, json_t *act,
                         const char *const *fields)
{
	json_t *e = json_object_get(exp, key), *a = json_object_get(act, key);

	if (is_none(e)) {
		if (!is_none(a))
			diff(which, "%s: want none, got one (%s)", key,
			     str(a, "after") ? str(a, "after") : "");
		return;
	}
	if (is_none(a)) {
		diff(which, "%s: want one, got none", key);
		return;
	}
	for (; *fields; fields++) {
		json_t *ev = json_object_get(e, *fields);

		if (!ev)
			continue; /* the truth does not say */
		if (!same_value(ev, json_object_get(a, *fields))) {
			char *es = json_dumps(ev, JSON_ENCODE_ANY), *as;

			as = json_dumps(json_object_get(a, *fields) ? json_object_get(a, *fields)
			                                            : json_null(),
			                JSON_ENCODE_ANY);
			diff(which, "%s.%s: want %s, got %s", key, *fields, es, as);
			free(es);
			free(as);
		}
	}
}

/* --- findings.items ------------------------------------------------------ */

/* The kinds that say a direction was not delivered (contract: "finding"). */
static bool stop_kind(const char *k)
{
	static const char *const kinds[] = {"stopped",
	                                    "partial",
	                                    "mtu_blackhole",
	                                    "service_no_endpoints",
	                                    "local_policy_no_endpoint",
	                                    "silent_drop",
	                                    "refused",
	                                    NULL};

	for (const char *const *p = kinds; k && *p; p++)
		if (strcmp(k, *p) == 0)
			return true;
	return false;
}

static json_t *items_of(json_t *actual)
{
	json_t *items = json_object_get(json_object_get(actual, "findings"), "items");

	return json_is_array(items) ? items : NULL; /* not written yet: empty */
}

static bool item_is(json_t *item, json_t *conv, const char *which)
{
	return json_equal(json_object_get(item, "conversation"), json_object_get(conv, "id")) &&
	       same_str(str(item, "direction"), which);
}

/* The truth's finding kind is among the items of this direction; without
 * one, no item says the direction was not delivered. */
static void check_finding(const char *which, json_t *exp, json_t *conv, json_t *actual)
{
	const char *want = str(exp, "finding");
	json_t *items = items_of(actual), *it;
	bool found = false;
	size_t i;

	json_array_foreach(items, i, it)
	{
		if (!item_is(it, conv, which))
			continue;
		if (want && same_str(str(it, "kind"), want))
			found = true;
		else if (stop_kind(str(it, "kind")) && !same_str(str(it, "kind"), want))
			diff(which, "unexpected finding %s (%s)", str(it, "kind"),
			     or_none(str(it, "evidence")));
	}
	if (want && !found)
		diff(which, "missing finding %s", want);
}

/* recovered_loss: only where the truth says true. */
static void check_recovered(const char *which, json_t *exp, json_t *act)
{
	bool want = json_is_true(json_object_get(exp, "recovered_loss"));
	json_t *got = json_object_get(act, "recovered_loss");

	if (want && is_none(got))
		diff(which, "recovered_loss: want some, got none");
	else if (!want && !is_none(got))
		diff(which, "recovered_loss: want none, got %lld packets after %s",
		     (long long)json_integer_value(json_object_get(got, "packets")),
		     or_none(str(got, "after")));
}

static void check_dir(const char *which, json_t *exp, json_t *conv, json_t *actual)
{
	static const char *const stop_fields[] = {"after", "expected_next", "packets", NULL};
	static const char *const answer_fields[] = {"kind", "type", "code", "from", "point", NULL};
	static const char *const lost_fields[] = {"original", "replaced_by", "after", "before",
	                                          NULL};
	json_t *act = find_dir(conv, which);

	if (is_none(exp)) {
		if (act)
			diff(which, "direction: want none, got %lld packets",
			     (long long)json_integer_value(json_object_get(act, "packets")));
		return;
	}
	if (!act) {
		diff(which, "direction: want one, got none");
		return;
	}
	check_path(which, exp, act);
	check_nat(which, exp, act);
	if (!same_str(str(exp, "verdict"), str(act, "verdict")))
		diff(which, "verdict: want %s, got %s", str(exp, "verdict"), str(act, "verdict"));
	check_object(which, "stopped", exp, act, stop_fields);
	check_object(which, "answered_by", exp, act, answer_fields);
	check_object(which, "client_ip_lost", exp, act, lost_fields);
	check_recovered(which, exp, act);
	check_finding(which, exp, conv, actual);
}

/* --- chatter ------------------------------------------------------------- */

static bool addr_in(const char *a, int family, const unsigned char *prefix, int bits)
{
	unsigned char b[16];

	if (!a || inet_pton(family, a, b) != 1)
		return false;
	for (int i = 0; i < bits; i++)
		if (((b[i / 8] ^ prefix[i / 8]) >> (7 - i % 8)) & 1)
			return false;
	return true;
}

static bool multicast_or_broadcast(const char *a)
{
	static const unsigned char m4[4] = {224}, b4[4] = {255, 255, 255, 255}, m6[16] = {0xff};

	return addr_in(a, AF_INET, m4, 4) || addr_in(a, AF_INET, b4, 32) ||
	       addr_in(a, AF_INET6, m6, 8);
}

static bool link_local6(const char *a)
{
	static const unsigned char ll[16] = {0xfe, 0x80};

	return addr_in(a, AF_INET6, ll, 10);
}

static bool chatter_rule(json_t *rule, json_t *conv)
{
	json_t *o = json_object_get(conv, "origin");
	const char *keys[] = {"src", "dst"};

	if (str(rule, "proto") && !same_str(str(rule, "proto"), str(conv, "proto")))
		return false;
	for (size_t i = 0; i < 2; i++)
		if (str(rule, keys[i]) && !same_str(str(rule, keys[i]), str(o, keys[i])))
			return false;
	return true;
}

static bool is_chatter(json_t *conv, json_t *truth)
{
	json_t *o = json_object_get(conv, "origin"), *rule;
	const char *proto = str(conv, "proto");
	size_t i;

	if (multicast_or_broadcast(str(o, "dst")) || link_local6(str(o, "src")) ||
	    link_local6(str(o, "dst")))
		return true;
	if (same_str(proto, "igmp") ||
	    (same_str(proto, "icmp6") && is_none(json_object_get(o, "sport"))))
		return true;
	json_array_foreach(json_object_get(truth, "chatter"), i,
	                   rule) if (chatter_rule(rule, conv)) return true;
	return false;
}

/* Chatter is never concluded on: no rewrite, no stop, no finding, and all
 * its hops carry the addresses of its first (one packet's copies, never
 * two hosts' packets joined). */
static void check_chatter(json_t *conv, json_t *actual)
{
	json_t *d, *h, *it;
	size_t i, j;

	json_array_foreach(json_object_get(conv, "directions"), i, d)
	{
		const char *which = str(d, "dir") ? str(d, "dir") : "?";
		json_t *h0 = json_array_get(json_object_get(d, "hops"), 0);
		char buf[512];

		if (json_array_size(json_object_get(d, "nat"))) {
			nat_text(json_array_get(json_object_get(d, "nat"), 0), buf, sizeof buf);
			diff(which, "chatter with NAT: %s", buf);
		}
		if (!same_str(str(d, "verdict"), "delivered") ||
		    !is_none(json_object_get(d, "stopped")))
			diff(which, "chatter with a stop: verdict %s", or_none(str(d, "verdict")));
		json_array_foreach(json_object_get(d, "hops"), j, h)
		{
			if (same_str(str(h, "src"), str(h0, "src")) &&
			    same_str(str(h, "dst"), str(h0, "dst")))
				continue;
			tuple_text(h, buf, sizeof buf);
			diff(which, "chatter joined across addresses: hop %zu %s shows %s", j,
			     or_none(str(h, "point")), buf);
			break;
		}
	}
	json_array_foreach(items_of(actual), i, it)
	{
		if (json_equal(json_object_get(it, "conversation"), json_object_get(conv, "id")) &&
		    stop_kind(str(it, "kind")))
			diff(or_none(str(it, "direction")), "chatter with finding %s",
			     str(it, "kind"));
	}
}

/* --- the whole report ---------------------------------------------------- */

static void check_latencies(json_t *conv)
{
	json_t *d, *h;
	size_t i, j;
	long long id = json_integer_value(json_object_get(conv, "id"));

	json_array_foreach(json_object_get(conv, "directions"), i, d)
	{
		json_array_foreach(json_object_get(d, "hops"), j, h)
		{
			json_t *l = json_object_get(h, "latency_us_p50");

			if (json_is_number(l) && json_number_value(l) < 0)
				diff(or_none(str(d, "dir")),
				     "negative latency %g us at hop %zu %s of conversation %lld",
				     json_number_value(l), j, or_none(str(h, "point")), id);
		}
	}
}

/* Gaps: each of the truth's is reported at its point; a gap of a kind that
 * loses packets (a missing piece, the ring's overwrite, kernel drops) that
 * the truth does not have is a difference. Other kinds (capture start/end,
 * silent stretches) may be reported freely. */
static void check_gaps(json_t *truth, json_t *actual)
{
	static const char *const lossy[] = {"missing_piece", "ring_overwritten", "kernel_drops",
	                                    NULL};
	json_t *g, *p, *ag;
	size_t i, j, k;

	flow_name = "(gaps)";
	json_array_foreach(json_object_get(truth, "gaps"), i, g)
	{
		bool found = false;

		json_array_foreach(json_object_get(actual, "points"), j, p)
		{
			if (!same_str(str(p, "name"), str(g, "point")))
				continue;
			json_array_foreach(json_object_get(p, "gaps"), k, ag) found |=
			    same_str(str(ag, "why"), str(g, "why"));
		}
		if (!found)
			diff("", "missing gap %s at %s", or_none(str(g, "why")),
			     or_none(str(g, "point")));
	}
	json_array_foreach(json_object_get(actual, "points"), j, p)
	{
		json_array_foreach(json_object_get(p, "gaps"), k, ag)
		{
			bool want = false, is_lossy = false;

			for (const char *const *l = lossy; *l; l++)
				is_lossy |= same_str(str(ag, "why"), *l);
			if (!is_lossy)
				continue;
			json_array_foreach(json_object_get(truth, "gaps"), i, g) want |=
			    same_str(str(g, "point"), str(p, "name")) &&
			    same_str(str(g, "why"), str(ag, "why"));
			if (!want)
				diff("", "unexpected gap %s at %s", str(ag, "why"),
				     or_none(str(p, "name")));
		}
	}
}

static json_t *node_offset(json_t *actual, const char *node)
{
	json_t *n;
	size_t i;

	json_array_foreach(json_object_get(actual, "nodes"), i, n)
	{
		if (same_str(str(n, "name"), node))
			return json_object_get(n, "clock_offset");
	}
	return NULL;
}

/* "clock": {"reference": NODE, "offsets": {NODE: {"offset", "tolerance"}}}:
 * how far each node's clock runs ahead of the reference's. */
static void check_clock(json_t *truth, json_t *actual)
{
	json_t *clock = json_object_get(truth, "clock"), *want;
	const char *ref = str(clock, "reference"), *node;

	flow_name = "(clock)";
	if (!clock)
		return;
	json_object_foreach(json_object_get(clock, "offsets"), node, want)
	{
		json_t *a = node_offset(actual, node), *r = node_offset(actual, ref);
		double w = json_number_value(json_object_get(want, "offset"));
		double tol = json_number_value(json_object_get(want, "tolerance"));
		double got;

		if (!json_is_number(a) || !json_is_number(r)) {
			diff("", "no clock offset for %s or %s", node, or_none(ref));
			continue;
		}
		got = json_number_value(a) - json_number_value(r);
		if (got < w - tol || got > w + tol)
			diff("", "%s runs %.6f s ahead of %s, want %.6f +- %.6f", node, got, ref, w,
			     tol);
	}
}

static void describe_conv(json_t *conv, char *buf, size_t len)
{
	char t[300];
	json_t *d = json_array_get(json_object_get(conv, "directions"), 0);
	json_t *path = json_object_get(d, "path");

	tuple_text(json_object_get(conv, "origin"), t, sizeof t);
	snprintf(buf, len, "conversation %lld %s %s, %s at %s",
	         (long long)json_integer_value(json_object_get(conv, "id")),
	         or_none(str(conv, "proto")), t, or_none(str(d, "verdict")),
	         or_none(json_string_value(json_array_get(path, 0))));
}

int main(int argc, char **argv)
{
	json_error_t err;
	json_t *exp, *act, *flow, *conv, *matched;
	size_t i, flows = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: expect_check EXPECTED.json ACTUAL.json\n");
		return 2;
	}
	exp = json_load_file(argv[1], 0, &err);
	act = exp ? json_load_file(argv[2], 0, &err) : NULL;
	if (!exp || !act) {
		fprintf(stderr, "expect_check: %s:%d: %s\n", err.source, err.line, err.text);
		return 2;
	}
	matched = json_object();
	json_array_foreach(json_object_get(exp, "flows"), i, flow)
	{
		char id[32];

		conv = find_conv(act, flow);
		flow_name = str(flow, "name") ? str(flow, "name") : "(unnamed flow)";
		flows++;
		if (!conv) {
			char *o = json_dumps(json_object_get(flow, "origin"), JSON_COMPACT);

			diff("", "no conversation with origin %s", o);
			free(o);
			continue;
		}
		snprintf(id, sizeof id, "%lld",
		         (long long)json_integer_value(json_object_get(conv, "id")));
		if (json_object_get(matched, id))
			diff("", "conversation %s is also another flow's", id);
		json_object_set_new(matched, id, json_true());
		check_dir("forward", json_object_get(flow, "forward"), conv, act);
		check_dir("reverse", json_object_get(flow, "reverse"), conv, act);
	}
	json_array_foreach(json_object_get(act, "conversations"), i, conv)
	{
		char id[32], buf[512];

		snprintf(id, sizeof id, "%lld",
		         (long long)json_integer_value(json_object_get(conv, "id")));
		flow_name = "(report)";
		check_latencies(conv);
		if (json_object_get(matched, id))
			continue;
		if (is_chatter(conv, exp)) {
			flow_name = "(chatter)";
			check_chatter(conv, act);
			continue;
		}
		describe_conv(conv, buf, sizeof buf);
		diff("", "unexpected %s", buf);
	}
	check_gaps(exp, act);
	check_clock(exp, act);
	printf("%s: %zu flow%s, %d difference%s\n", argv[1], flows, flows == 1 ? "" : "s",
	       differences, differences == 1 ? "" : "s");
	json_decref(matched);
	json_decref(exp);
	json_decref(act);
	return differences || flows == 0 ? 1 : 0;
}
