/* truthcheck.c - compares pktpath's JSON report (schema_version 1, --format
 * json or jsonl) of a benchgen set with the set's truth.json: every
 * conversation found, its DNAT/SNAT and where, client_ip_lost, stops and
 * recovered loss per direction (a loss that TCP recovered is never a stop),
 * node clock offsets. --ideal writes the report a perfect analyser would
 * give, which is how the checker itself is tested. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define CLOCK_TOLERANCE 1e-3
#define TRUTH_VERSION   2 /* 2: losses are recovered_loss, not stopped */

struct tconv {
	json_t *obj; /* borrowed from the truth document */
	bool found;
};

static struct {
	json_t *truth;
	json_t *points;  /* truth "points" */
	json_t *offsets; /* truth "clock_offsets" */
	struct tconv *conv;
	size_t nconv;
	char **keys;
	uint32_t *slots; /* open addressing: conversation index + 1, 0 = empty */
	size_t nslots;
	unsigned long max_report;
	bool skip_reverse_nat;
	/* results */
	unsigned long mismatches;
	unsigned long reported;
	unsigned long extra;
	unsigned long dup;
	unsigned long seen;
	unsigned long dnat_ok;
	unsigned long snat_expected;
	unsigned long snat_ok;
	unsigned long stops_expected;
	unsigned long stops_ok;
	unsigned long stop_packets;
	unsigned long rec_expected; /* directions with loss TCP recovered */
	unsigned long rec_ok;
	unsigned long rec_packets;
	unsigned long rec_as_stop; /* ... that the report calls stopped or partial */
	unsigned long clean_ok;    /* no SNAT, no stop, as expected */
	unsigned long clean_expected;
	unsigned long lines_ignored;
	bool points_seen;
	double node2_offset;
	bool node2_offset_set;
} S;

static void die(const char *what, const char *why)
{
	fprintf(stderr, "truthcheck: %s: %s\n", what, why);
	exit(2);
}

__attribute__((format(printf, 1, 2))) static void mismatch(const char *fmt, ...)
{
	va_list ap;

	S.mismatches++;
	if (S.reported >= S.max_report)
		return;
	S.reported++;
	fputs("truthcheck: mismatch: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* A port may be given as a number or a string. */
static long port_of(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	if (json_is_integer(v))
		return (long)json_integer_value(v);
	if (json_is_string(v))
		return strtol(json_string_value(v), NULL, 10);
	return -1;
}

static bool is_null(json_t *v)
{
	return v == NULL || json_is_null(v);
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 1099511628211ULL;
	return h;
}

static void origin_key(json_t *origin, char *buf, size_t n)
{
	snprintf(buf, n, "%s|%ld|%s|%ld", str(origin, "src"), port_of(origin, "sport"),
	         str(origin, "dst"), port_of(origin, "dport"));
}

static long lookup(const char *key)
{
	for (size_t i = hash_str(key) & (S.nslots - 1);; i = (i + 1) & (S.nslots - 1)) {
		uint32_t v = S.slots[i];

		if (v == 0)
			return -1;
		if (strcmp(S.keys[v - 1], key) == 0)
			return (long)v - 1;
	}
}

static void load_truth(const char *path)
{
	json_error_t err;
	json_t *convs;

	S.truth = json_load_file(path, 0, &err);
	if (!S.truth) {
		char why[300];

		snprintf(why, sizeof why, "line %d: %s", err.line, err.text);
		die(path, why);
	}
	if (json_integer_value(json_object_get(S.truth, "truth_version")) != TRUTH_VERSION)
		die(path, "not truth_version 2 (generate the set again with this benchgen)");
	S.points = json_object_get(S.truth, "points");
	S.offsets = json_object_get(S.truth, "clock_offsets");
	convs = json_object_get(S.truth, "conversations");
	if (!json_is_array(S.points) || !json_is_object(S.offsets) || !json_is_array(convs))
		die(path, "not a benchgen truth file (points, clock_offsets, conversations)");
	S.nconv = json_array_size(convs);
	S.conv = calloc(S.nconv + 1, sizeof *S.conv);
	S.keys = calloc(S.nconv + 1, sizeof *S.keys);
	for (S.nslots = 16; S.nslots < 2 * S.nconv; S.nslots *= 2)
		;
	S.slots = calloc(S.nslots, sizeof *S.slots);
	if (!S.conv || !S.keys || !S.slots)
		die("memory", "out of memory");
	for (size_t i = 0; i < S.nconv; i++) {
		char key[160];
		size_t h;

		S.conv[i].obj = json_array_get(convs, i);
		origin_key(json_object_get(S.conv[i].obj, "origin"), key, sizeof key);
		if (lookup(key) >= 0)
			die(path, "two conversations with the same origin");
		S.keys[i] = strdup(key);
		if (!S.keys[i])
			die("memory", "out of memory");
		for (h = hash_str(key) & (S.nslots - 1); S.slots[h]; h = (h + 1) & (S.nslots - 1))
			;
		S.slots[h] = (uint32_t)i + 1;
	}
}

static double truth_offset(const char *node)
{
	return json_number_value(json_object_get(S.offsets, node));
}

/* ---- checking a report ---- */

static json_t *find_dir(json_t *dirs, const char *name)
{
	size_t i;
	json_t *d;

	json_array_foreach(dirs, i, d)
	{
		if (strcmp(str(d, "dir"), name) == 0)
			return d;
	}
	return NULL;
}

/* A NAT entry with these fields in any direction's "nat" list. */
static bool has_nat(json_t *dirs, const char *kind, bool reverse, const char *from, const char *to,
                    const char *after, const char *before)
{
	size_t i, j;
	json_t *d, *n;

	json_array_foreach(dirs, i, d)
	{
		json_array_foreach(json_object_get(d, "nat"), j, n)
		{
			if (strcmp(str(n, "kind"), kind) == 0 &&
			    json_is_true(json_object_get(n, "reverse")) == reverse &&
			    strcmp(str(n, "from"), from) == 0 && strcmp(str(n, "to"), to) == 0 &&
			    strcmp(str(n, "after"), after) == 0 &&
			    strcmp(str(n, "before"), before) == 0)
				return true;
		}
	}
	return false;
}

static unsigned count_nat(json_t *dirs, const char *kind, bool reverse)
{
	size_t i, j;
	json_t *d, *n;
	unsigned c = 0;

	json_array_foreach(dirs, i, d)
	{
		json_array_foreach(json_object_get(d, "nat"), j, n)
		{
			if (strcmp(str(n, "kind"), kind) == 0 &&
			    json_is_true(json_object_get(n, "reverse")) == reverse)
				c++;
		}
	}
	return c;
}

/* "ip" or "ip:port" equals ip. */
static bool same_ip(const char *v, const char *ip)
{
	size_t n = strlen(ip);

	return strncmp(v, ip, n) == 0 && (v[n] == '\0' || v[n] == ':');
}

static void ip_part(const char *v, char *buf, size_t n)
{
	snprintf(buf, n, "%.*s", (int)strcspn(v, ":"), v);
}

static long long packets_of(json_t *o)
{
	return (long long)json_integer_value(json_object_get(o, "packets"));
}

static bool same_loss(json_t *got, json_t *want)
{
	return strcmp(str(got, "after"), str(want, "after")) == 0 &&
	       strcmp(str(got, "expected_next"), str(want, "expected_next")) == 0 &&
	       packets_of(got) == packets_of(want);
}

/* One direction: the truth's stop (after, expected_next, packets) or none;
 * the truth's recovered loss, which must be reported as such, with a
 * "delivered" verdict and no stop. Returns false on a mismatch. */
static bool check_loss(const char *name, const char *dn, json_t *t, json_t *got_dir)
{
	json_t *want = json_object_get(json_object_get(t, "stopped"), dn);
	json_t *lost = json_object_get(json_object_get(t, "recovered_loss"), dn);
	json_t *got = json_object_get(got_dir, "stopped");
	json_t *got_lost = json_object_get(got_dir, "recovered_loss");
	const char *verdict = str(got_dir, "verdict");
	bool ok = true;

	if (!is_null(lost)) {
		S.rec_expected++;
		S.rec_packets += (unsigned long)packets_of(lost);
		if (!is_null(got) || strcmp(verdict, "delivered") != 0) {
			S.rec_as_stop++;
			ok = false;
			mismatch(
			    "%s: %s %s%s%s (%lld packets), but the %lld packets lost after %s were "
			    "retransmitted and delivered",
			    name, dn, verdict, is_null(got) ? "" : " after ",
			    is_null(got) ? "" : str(got, "after"), packets_of(got),
			    packets_of(lost), str(lost, "after"));
		}
		if (is_null(got_lost)) {
			ok = false;
			mismatch(
			    "%s: %s has no recovered_loss, %lld packets were lost after %s and "
			    "retransmitted",
			    name, dn, packets_of(lost), str(lost, "after"));
		} else if (!same_loss(got_lost, lost)) {
			ok = false;
			mismatch("%s: %s recovered_loss after %s (next %s) %lld packets, expected "
			         "after %s (next %s) %lld",
			         name, dn, str(got_lost, "after"), str(got_lost, "expected_next"),
			         packets_of(got_lost), str(lost, "after"),
			         str(lost, "expected_next"), packets_of(lost));
		} else if (ok) {
			S.rec_ok++;
		}
	} else if (!is_null(got_lost)) {
		ok = false;
		mismatch("%s: %s recovered_loss after %s (%lld packets), nothing was lost", name,
		         dn, str(got_lost, "after"), packets_of(got_lost));
	}
	if (is_null(want)) {
		if (!is_null(got) && is_null(lost)) {
			ok = false;
			mismatch("%s: %s stopped after %s (%lld packets), nothing was dropped",
			         name, dn, str(got, "after"), packets_of(got));
		}
		return ok;
	}
	S.stops_expected++;
	S.stop_packets += (unsigned long)packets_of(want);
	if (is_null(got)) {
		mismatch("%s: %s has no stop, %lld packets were dropped after %s", name, dn,
		         packets_of(want), str(want, "after"));
		return false;
	}
	if (!same_loss(got, want)) {
		mismatch("%s: %s stopped after %s (next %s) %lld packets, expected after %s (next "
		         "%s) %lld",
		         name, dn, str(got, "after"), str(got, "expected_next"), packets_of(got),
		         str(want, "after"), str(want, "expected_next"), packets_of(want));
		return false;
	}
	if (ok)
		S.stops_ok++;
	return ok;
}

static void check_conv(json_t *rc)
{
	char key[160], cip[64], rip[64];
	const char *name;
	json_t *t, *dirs, *fwd, *rev, *dnat, *snat, *lost;
	unsigned long before = S.mismatches;
	long idx;
	bool ok_stops = true;

	S.seen++;
	origin_key(json_object_get(rc, "origin"), key, sizeof key);
	name = key;
	idx = lookup(key);
	if (idx < 0) {
		S.extra++;
		mismatch("%s: conversation not in the truth", key);
		return;
	}
	if (S.conv[idx].found) {
		S.dup++;
		mismatch("%s: conversation reported twice", key);
		return;
	}
	S.conv[idx].found = true;
	t = S.conv[idx].obj;
	dnat = json_object_get(t, "dnat");
	snat = json_object_get(t, "snat");
	dirs = json_object_get(rc, "directions");
	fwd = find_dir(dirs, "forward");
	rev = find_dir(dirs, "reverse");
	if (!fwd || !rev) {
		mismatch("%s: no %s direction", name, fwd ? "reverse" : "forward");
		return;
	}

	/* DNAT on the way out, and its undoing on the way back: the reply's
	 * source is rewritten, so its kind is SNAT, marked reverse. */
	if (has_nat(dirs, "DNAT", false, str(dnat, "from"), str(dnat, "to"), str(dnat, "after"),
	            str(dnat, "before")))
		S.dnat_ok++;
	else
		mismatch("%s: no DNAT %s -> %s after %s before %s (%u DNAT entries)", name,
		         str(dnat, "from"), str(dnat, "to"), str(dnat, "after"),
		         str(dnat, "before"), count_nat(dirs, "DNAT", false));
	if (!S.skip_reverse_nat && !has_nat(dirs, "SNAT", true, str(dnat, "to"), str(dnat, "from"),
	                                    str(dnat, "before"), str(dnat, "after")))
		mismatch("%s: no reverse SNAT (un-DNAT) %s -> %s after %s before %s", name,
		         str(dnat, "to"), str(dnat, "from"), str(dnat, "before"),
		         str(dnat, "after"));

	/* SNAT and where the client address was lost. */
	lost = json_object_get(fwd, "client_ip_lost");
	if (!is_null(snat)) {
		unsigned long snat_before = S.mismatches;

		S.snat_expected++;
		if (!has_nat(dirs, "SNAT", false, str(snat, "original"), str(snat, "replaced_by"),
		             str(snat, "after"), str(snat, "before")))
			mismatch("%s: no SNAT %s -> %s after %s before %s", name,
			         str(snat, "original"), str(snat, "replaced_by"),
			         str(snat, "after"), str(snat, "before"));
		if (!S.skip_reverse_nat &&
		    !has_nat(dirs, "DNAT", true, str(snat, "replaced_by"), str(snat, "original"),
		             str(snat, "before"), str(snat, "after")))
			mismatch("%s: no reverse DNAT (un-SNAT) %s -> %s after %s before %s", name,
			         str(snat, "replaced_by"), str(snat, "original"),
			         str(snat, "before"), str(snat, "after"));
		ip_part(str(snat, "original"), cip, sizeof cip);
		ip_part(str(snat, "replaced_by"), rip, sizeof rip);
		if (is_null(lost))
			mismatch("%s: forward client_ip_lost is null, expected %s -> %s", name, cip,
			         rip);
		else if (!same_ip(str(lost, "original"), cip) ||
		         !same_ip(str(lost, "replaced_by"), rip) ||
		         strcmp(str(lost, "after"), str(snat, "after")) != 0 ||
		         strcmp(str(lost, "before"), str(snat, "before")) != 0)
			mismatch(
			    "%s: client_ip_lost %s -> %s after %s before %s, expected %s -> %s "
			    "after %s before %s",
			    name, str(lost, "original"), str(lost, "replaced_by"),
			    str(lost, "after"), str(lost, "before"), cip, rip, str(snat, "after"),
			    str(snat, "before"));
		if (S.mismatches == snat_before)
			S.snat_ok++;
	} else {
		if (count_nat(dirs, "SNAT", false))
			mismatch("%s: SNAT reported, none was made", name);
		if (!is_null(lost) || !is_null(json_object_get(rev, "client_ip_lost")))
			mismatch("%s: client_ip_lost reported, the client address was kept", name);
	}

	/* Stops and recovered loss, per direction. */
	for (int d = 0; d < 2; d++)
		ok_stops &= check_loss(name, d ? "reverse" : "forward", t, d ? rev : fwd);
	if (is_null(snat) && is_null(json_object_get(json_object_get(t, "stopped"), "forward")) &&
	    is_null(json_object_get(json_object_get(t, "stopped"), "reverse")) &&
	    is_null(json_object_get(json_object_get(t, "recovered_loss"), "forward")) &&
	    is_null(json_object_get(json_object_get(t, "recovered_loss"), "reverse"))) {
		S.clean_expected++;
		if (S.mismatches == before && ok_stops)
			S.clean_ok++;
	}
}

static void check_points(json_t *arr)
{
	size_t i, j;
	json_t *tp, *rp;

	S.points_seen = true;
	json_array_foreach(S.points, i, tp)
	{
		const char *name = str(tp, "name");
		double want = truth_offset(str(tp, "node"));
		json_t *found = NULL, *off;

		json_array_foreach(arr, j, rp)
		{
			if (strcmp(str(rp, "name"), name) == 0)
				found = rp;
		}
		if (!found) {
			mismatch("point %s not in the report", name);
			continue;
		}
		off = json_object_get(found, "clock_offset");
		if (!json_is_number(off)) {
			mismatch("point %s: no clock_offset", name);
			continue;
		}
		if (strcmp(str(tp, "node"), "node2") == 0) {
			S.node2_offset = json_number_value(off);
			S.node2_offset_set = true;
		}
		if (fabs(json_number_value(off) - want) > CLOCK_TOLERANCE)
			mismatch("point %s: clock_offset %.6f s, expected %.6f s (+-%g)", name,
			         json_number_value(off), want, CLOCK_TOLERANCE);
	}
}

/* One JSON value of a jsonl report: a conversation (has "origin"), the
 * points (a "points" array, or one point with "name" and "clock_offset"),
 * or anything else, ignored. */
static void jsonl_value(json_t *v)
{
	if (!json_is_object(v)) {
		S.lines_ignored++;
		return;
	}
	if (json_object_get(v, "origin")) {
		check_conv(v);
	} else if (json_is_array(json_object_get(v, "points"))) {
		check_points(json_object_get(v, "points"));
	} else if (json_object_get(v, "name") && json_object_get(v, "clock_offset")) {
		json_t *a = json_array();

		json_array_append(a, v);
		check_points(a);
		json_decref(a);
	} else {
		S.lines_ignored++;
	}
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 1 << 20, n = 0;
	char *b;

	if (!f)
		die(path, strerror(errno));
	b = malloc(cap);
	for (;;) {
		size_t r;

		if (!b)
			die("memory", "out of memory");
		r = fread(b + n, 1, cap - n - 1, f);
		n += r;
		if (n < cap - 1) {
			if (ferror(f))
				die(path, "read error");
			if (feof(f))
				break;
			continue;
		}
		cap *= 2;
		b = realloc(b, cap);
	}
	if (f != stdin)
		fclose(f);
	b[n] = '\0';
	*len = n;
	return b;
}

static void check_report(const char *path, const char *format)
{
	size_t len;
	char *buf = slurp(path, &len);
	json_t *root = NULL;
	json_error_t err;

	if (strcmp(format, "jsonl") != 0)
		root = json_loadb(buf, len, 0, &err);
	if (root && json_is_object(root) && json_object_get(root, "conversations")) {
		json_t *sv = json_object_get(root, "schema_version");
		json_t *c;
		size_t i;

		if (json_integer_value(sv) != 1)
			fprintf(stderr, "truthcheck: warning: %s: schema_version is not 1\n", path);
		if (json_is_array(json_object_get(root, "points")))
			check_points(json_object_get(root, "points"));
		json_array_foreach(json_object_get(root, "conversations"), i, c) check_conv(c);
	} else if (strcmp(format, "json") == 0) {
		char why[300];

		if (root)
			snprintf(why, sizeof why, "no \"conversations\" in the report");
		else
			snprintf(why, sizeof why, "line %d: %s", err.line, err.text);
		die(path, why);
	} else {
		char *line = buf;

		if (root)
			jsonl_value(root);
		else
			while (line && *line) {
				char *nl = strchr(line, '\n');
				json_t *v;

				if (nl)
					*nl = '\0';
				if (line[strspn(line, " \t\r")] != '\0') {
					v = json_loads(line, 0, &err);
					if (v)
						jsonl_value(v);
					else
						S.lines_ignored++;
					json_decref(v);
				}
				line = nl ? nl + 1 : NULL;
			}
	}
	json_decref(root);
	free(buf);
}

static int summarize(void)
{
	unsigned long missing = 0;

	for (size_t i = 0; i < S.nconv; i++) {
		if (S.conv[i].found)
			continue;
		missing++;
		mismatch("%s: conversation not found in the report", S.keys[i]);
	}
	if (!S.points_seen)
		mismatch("no points in the report: clock offsets not checked");
	printf("truthcheck: %s: conversations %lu/%zu found (%lu extra, %lu twice); dnat %lu/%zu; "
	       "snat %lu/%lu; stops %lu/%lu directions (%lu packets); recovered loss %lu/%lu "
	       "directions (%lu packets), %lu called stopped or partial; clean %lu/%lu",
	       S.mismatches ? "FAIL" : "PASS", S.nconv - missing, S.nconv, S.extra, S.dup,
	       S.dnat_ok, S.nconv, S.snat_ok, S.snat_expected, S.stops_ok, S.stops_expected,
	       S.stop_packets, S.rec_ok, S.rec_expected, S.rec_packets, S.rec_as_stop, S.clean_ok,
	       S.clean_expected);
	if (S.node2_offset_set)
		printf("; node2 clock %+.6f s (truth %+.6f)", S.node2_offset,
		       truth_offset("node2"));
	if (S.lines_ignored)
		printf("; %lu lines ignored", S.lines_ignored);
	if (S.mismatches)
		printf("; %lu mismatches", S.mismatches);
	putchar('\n');
	return S.mismatches ? 1 : 0;
}

/* ---- the ideal report ---- */

static json_t *nat_entry(const char *kind, const char *from, const char *to, const char *after,
                         const char *before, bool reverse)
{
	json_t *n = json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", kind, "from", from, "to", to,
	                      "after", after, "before", before);

	if (reverse)
		json_object_set_new(n, "reverse", json_true());
	return n;
}

static json_t *ideal_points(void)
{
	json_t *arr = json_array(), *tp;
	json_t *files = json_object_get(json_object_get(S.truth, "totals"), "files");
	size_t i, j;

	json_array_foreach(S.points, i, tp)
	{
		json_int_t packets = 0;
		json_t *f;

		json_array_foreach(files, j, f)
		{
			if (strcmp(str(f, "name"), str(tp, "name")) == 0)
				packets = json_integer_value(json_object_get(f, "packets"));
		}
		json_array_append_new(
		    arr, json_pack("{s:s, s:s, s:[s], s:I, s:n, s:n, s:f}", "name", str(tp, "name"),
		                   "node", str(tp, "node"), "files", str(tp, "file"), "packets",
		                   packets, "first_ts", "last_ts", "clock_offset",
		                   truth_offset(str(tp, "node"))));
	}
	return arr;
}

static json_t *ideal_conv(json_t *t)
{
	static const char *const fwd_path[] = {"node1/pod-client/eth0", "node1/veth1a2b3c4d",
	                                       "node1/eth0", "node2/eth0", "node2/pod-server/eth0"};
	json_t *dnat = json_object_get(t, "dnat"), *snat = json_object_get(t, "snat");
	json_t *dirs = json_array();

	for (int d = 0; d < 2; d++) {
		const char *dn = d ? "reverse" : "forward";
		json_t *stop = json_object_get(json_object_get(t, "stopped"), dn);
		json_t *lost = json_object_get(json_object_get(t, "recovered_loss"), dn);
		json_t *path = json_array(), *nat = json_array(), *dir;

		for (int i = 0; i < 5; i++)
			json_array_append_new(path, json_string(fwd_path[d ? 4 - i : i]));
		if (d == 0) {
			json_array_append_new(nat, nat_entry("DNAT", str(dnat, "from"),
			                                     str(dnat, "to"), str(dnat, "after"),
			                                     str(dnat, "before"), false));
			if (!is_null(snat))
				json_array_append_new(nat, nat_entry("SNAT", str(snat, "original"),
				                                     str(snat, "replaced_by"),
				                                     str(snat, "after"),
				                                     str(snat, "before"), false));
		} else {
			json_array_append_new(nat, nat_entry("SNAT", str(dnat, "to"),
			                                     str(dnat, "from"), str(dnat, "before"),
			                                     str(dnat, "after"), true));
			if (!is_null(snat))
				json_array_append_new(
				    nat, nat_entry("DNAT", str(snat, "replaced_by"),
				                   str(snat, "original"), str(snat, "before"),
				                   str(snat, "after"), true));
		}
		dir = json_pack(
		    "{s:s, s:I, s:o, s:[], s:o, s:s, s:O, s:n}", "dir", dn, "packets",
		    json_integer_value(json_object_get(json_object_get(t, "segments"), dn)), "path",
		    path, "hops", "nat", nat, "verdict", is_null(stop) ? "delivered" : "partial",
		    "stopped", stop ? stop : json_null(), "answered_by");
		if (d == 0 && !is_null(snat)) {
			char cip[64], rip[64];

			ip_part(str(snat, "original"), cip, sizeof cip);
			ip_part(str(snat, "replaced_by"), rip, sizeof rip);
			json_object_set_new(
			    dir, "client_ip_lost",
			    json_pack("{s:s, s:s, s:s, s:s}", "original", cip, "replaced_by", rip,
			              "after", str(snat, "after"), "before", str(snat, "before")));
		} else {
			json_object_set_new(dir, "client_ip_lost", json_null());
		}
		json_object_set(dir, "recovered_loss", lost ? lost : json_null());
		json_array_append_new(dirs, dir);
	}
	return json_pack("{s:I, s:s, s:O, s:o}", "id",
	                 json_integer_value(json_object_get(t, "id")) + 1, "proto", "tcp", "origin",
	                 json_object_get(t, "origin"), "directions", dirs);
}

static int write_ideal(bool jsonl)
{
	size_t flags = JSON_COMPACT | JSON_PRESERVE_ORDER;

	if (jsonl) {
		json_t *head =
		    json_pack("{s:i, s:o}", "schema_version", 1, "points", ideal_points());

		json_dumpf(head, stdout, flags);
		putchar('\n');
		json_decref(head);
		for (size_t i = 0; i < S.nconv; i++) {
			json_t *c = ideal_conv(S.conv[i].obj);

			json_dumpf(c, stdout, flags);
			putchar('\n');
			json_decref(c);
		}
		puts("{\"ignored\":{}}");
	} else {
		json_t *convs = json_array();
		json_t *root;

		for (size_t i = 0; i < S.nconv; i++)
			json_array_append_new(convs, ideal_conv(S.conv[i].obj));
		root = json_pack("{s:i, s:o, s:o, s:{}}", "schema_version", 1, "points",
		                 ideal_points(), "conversations", convs, "ignored");
		json_dumpf(root, stdout, flags);
		putchar('\n');
		json_decref(root);
	}
	return ferror(stdout) ? 2 : 0;
}

static const char usage_text[] =
    "usage: truthcheck [OPTIONS] TRUTH.json REPORT|-\n"
    "       truthcheck --ideal [--format json|jsonl] TRUTH.json\n"
    "\n"
    "Checks pktpath's JSON report (--format json, or jsonl: one JSON value per\n"
    "line, a conversation being an object with \"origin\") of a benchgen set\n"
    "against its truth.json. Prints the mismatches and a one-line summary;\n"
    "exit status 0 when everything matches, 1 on a mismatch, 2 on bad input.\n"
    "\n"
    "  --format FMT          auto (default), json or jsonl\n"
    "  --ideal               write the report a perfect analyser would give\n"
    "  --max-report N        print at most N mismatches [10]\n"
    "  --skip-reverse-nat    do not require the reverse-path NAT entries\n"
    "  -h, --help            show this help\n";

int main(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {"ideal", no_argument, NULL, 'i'},
	    {"max-report", required_argument, NULL, 'm'},
	    {"skip-reverse-nat", no_argument, NULL, 'r'},
	    {NULL, 0, NULL, 0},
	};
	const char *format = "auto";
	bool ideal = false;
	int ch, rc;

	S.max_report = 10;
	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (ch) {
		case 'f':
			format = optarg;
			if (strcmp(format, "auto") && strcmp(format, "json") &&
			    strcmp(format, "jsonl"))
				die("--format", "not one of auto, json, jsonl");
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'i':
			ideal = true;
			break;
		case 'm': {
			char *end;

			errno = 0;
			S.max_report = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || errno)
				die("--max-report", "not a number");
			break;
		}
		case 'r':
			S.skip_reverse_nat = true;
			break;
		default:
			fputs("try 'truthcheck --help'\n", stderr);
			return 2;
		}
	}
	if (argc - optind != (ideal ? 1 : 2)) {
		fputs(usage_text, stderr);
		return 2;
	}
	load_truth(argv[optind]);
	if (ideal)
		rc = write_ideal(strcmp(format, "jsonl") == 0);
	else {
		check_report(argv[optind + 1], format);
		rc = summarize();
	}
	for (size_t i = 0; i < S.nconv; i++)
		free(S.keys[i]);
	free(S.keys);
	free(S.conv);
	free(S.slots);
	json_decref(S.truth);
	if (fflush(stdout) != 0 || ferror(stdout))
		return 2;
	return rc;
}
