/* expect_check.c - compares pktpath's JSON with a lab scenario's truth.
 *
 * usage: expect_check EXPECTED.json ACTUAL.json
 *
 * EXPECTED is written by the lab from what it configured (tests/lab); ACTUAL
 * is `pktpath --format json` on the scenario's captures. For every expected
 * flow the conversation with the same origin must exist and, per direction:
 * the path (points in order, in/out where a point is seen twice), every NAT
 * (kind, from, to, between which hops) and no other, the verdict, the stop
 * point and expected next point (and no stop on a delivered direction),
 * what answered, and where the client IP was lost. Prints one line per
 * difference; exits 1 when there is any.
 */
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

static bool same_tuple(json_t *a, json_t *b)
{
	return same_str(str(a, "src"), str(b, "src")) && same_str(str(a, "dst"), str(b, "dst")) &&
	       same_value(json_object_get(a, "sport"), json_object_get(b, "sport")) &&
	       same_value(json_object_get(a, "dport"), json_object_get(b, "dport"));
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

static void check_nat(const char *which, json_t *exp, json_t *act)
{
	json_t *en = json_object_get(exp, "nat"), *an = json_object_get(act, "nat");
	size_t i, j;
	json_t *e, *a;
	char buf[512];

	json_array_foreach(en, i, e)
	{
		bool found = false;

		json_array_foreach(an, j, a) found |= nat_equal(e, a, act);
		if (!found) {
			nat_text(e, buf, sizeof buf);
			diff(which, "missing NAT: %s", buf);
		}
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

	if (!e || json_is_null(e)) {
		if (a && !json_is_null(a))
			diff(which, "%s: want none, got one (%s)", key,
			     str(a, "after") ? str(a, "after") : "");
		return;
	}
	if (!a || json_is_null(a)) {
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

static void check_dir(const char *which, json_t *exp, json_t *conv)
{
	static const char *const stop_fields[] = {"after", "expected_next", NULL};
	static const char *const answer_fields[] = {"kind", "type", "code", "from", "point", NULL};
	static const char *const lost_fields[] = {"original", "replaced_by", "after", "before",
	                                          NULL};
	json_t *act = find_dir(conv, which);

	if (!exp || json_is_null(exp)) {
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
}

int main(int argc, char **argv)
{
	json_error_t err;
	json_t *exp, *act, *flow;
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
	json_array_foreach(json_object_get(exp, "flows"), i, flow)
	{
		json_t *conv = find_conv(act, flow);

		flow_name = str(flow, "name") ? str(flow, "name") : "(unnamed flow)";
		flows++;
		if (!conv) {
			char *o = json_dumps(json_object_get(flow, "origin"), JSON_COMPACT);

			diff("", "no conversation with origin %s", o);
			free(o);
			continue;
		}
		check_dir("forward", json_object_get(flow, "forward"), conv);
		check_dir("reverse", json_object_get(flow, "reverse"), conv);
	}
	printf("%s: %zu flow%s, %d difference%s\n", argv[1], flows, flows == 1 ? "" : "s",
	       differences, differences == 1 ? "" : "s");
	json_decref(exp);
	json_decref(act);
	return differences || flows == 0 ? 1 : 0;
}
