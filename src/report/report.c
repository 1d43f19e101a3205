/* report.c - what every format shares: selection, ordering, summary counts. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/msg.h"
#include "report/report.h"
#include "topo/topo.h"

struct addr_filter {
	struct pp_addr addr;
	uint16_t port;
	bool has_port;
};

/* ADDR, ADDR:PORT, IPv6 ADDR or [ADDR]:PORT. */
static int parse_filter(const char *s, struct addr_filter *f)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *port = NULL;
	uint8_t raw[16];

	memset(f, 0, sizeof *f);
	if (strlen(s) >= sizeof buf)
		return -1;
	strcpy(buf, s);
	if (buf[0] == '[') {
		char *end = strchr(buf, ']');

		if (!end)
			return -1;
		*end = '\0';
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			return -1;
		memmove(buf, buf + 1, strlen(buf + 1) + 1);
	} else if (strchr(buf, ':') == strrchr(buf, ':') && strchr(buf, ':')) {
		char *colon = strchr(buf, ':');

		*colon = '\0';
		port = colon + 1;
	}
	if (inet_pton(AF_INET, buf, raw) == 1)
		addr_set_v4(&f->addr, raw);
	else if (inet_pton(AF_INET6, buf, raw) == 1)
		addr_set_v6(&f->addr, raw);
	else
		return -1;
	if (port) {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(port, &end, 10);
		if (*port == '\0' || *end != '\0' || errno || v > 65535)
			return -1;
		f->port = (uint16_t)v;
		f->has_port = true;
	}
	return 0;
}

static bool endpoint_matches(const struct addr_filter *f, const struct pp_addr *a, uint16_t port,
                             bool has_port)
{
	if (!addr_eq(&f->addr, a))
		return false;
	return !f->has_port || (has_port && port == f->port);
}

static bool conv_matches(const struct chain_conv *c, const struct addr_filter *f)
{
	const struct pp_tuple *o = &c->origin;

	if (endpoint_matches(f, &o->src, o->sport, o->has_ports) ||
	    endpoint_matches(f, &o->dst, o->dport, o->has_ports))
		return true;
	for (int k = 0; k < 2; k++) {
		for (uint32_t i = 0; i < c->dir[k].nhops; i++) {
			const struct pp_tuple *t = &c->dir[k].hops[i].tuple;

			if (endpoint_matches(f, &t->src, t->sport, t->has_ports) ||
			    endpoint_matches(f, &t->dst, t->dport, t->has_ports))
				return true;
		}
	}
	return false;
}

struct interest_key {
	size_t idx;
	unsigned interest;
};

static int cmp_interest(const void *x, const void *y)
{
	const struct interest_key *a = x, *b = y;

	if (a->interest != b->interest)
		return a->interest < b->interest ? 1 : -1;
	return (a->idx > b->idx) - (a->idx < b->idx);
}

int report_opts_check(const struct report_opts *o)
{
	struct addr_filter f;

	if (o->conversation && parse_filter(o->conversation, &f) < 0) {
		msg_usage("--conversation: '%s' is not ADDR, ADDR:PORT or [ADDR]:PORT",
		          o->conversation);
		return -1;
	}
	return 0;
}

const struct chain_conv *report_conv(const struct report_view *v, size_t i)
{
	return chain_result_conv(v->r, v->idx[i]);
}

static void mark_point(bool *seen, const struct chain_result *r, int64_t p)
{
	if (p >= 0 && (size_t)p < r->npoints)
		seen[p] = true;
}

/* -f selects conversations: a point with packets, none of them in a
 * selected conversation, is said (it is missing from every path shown). */
static void warn_points_left_empty(const struct report_view *v, const char *expr)
{
	const struct chain_result *r = v->r;
	bool *seen = calloc(r->npoints ? r->npoints : 1, sizeof *seen);

	if (!seen)
		msg_oom("report", r->npoints);
	for (size_t i = 0; i < v->nconv; i++) {
		const struct chain_conv *c = report_conv(v, i);

		for (int k = 0; c && k < 2; k++) {
			const struct chain_dir *d = &c->dir[k];

			for (uint32_t h = 0; h < d->nhops; h++)
				mark_point(seen, r, d->hops[h].point);
			for (uint32_t h = 0; h < d->ncopies; h++)
				mark_point(seen, r, d->copies[h].point);
			if (d->has_answer)
				mark_point(seen, r, d->answer.point);
		}
	}
	for (size_t p = 0; p < r->npoints; p++) {
		if (r->points[p].packets && !seen[p])
			msg_warn(r->points[p].name,
			         "-f '%s' leaves this point with no packets (its %llu packet%s in "
			         "no selected conversation)",
			         expr, (unsigned long long)r->points[p].packets,
			         r->points[p].packets == 1 ? " is" : "s are");
	}
	free(seen);
}

int report_view_make(struct report_view *v, const struct chain_result *r,
                     const struct report_opts *o)
{
	struct addr_filter f;

	memset(v, 0, sizeof *v);
	v->r = r;
	if (o->conversation && parse_filter(o->conversation, &f) < 0) {
		msg_usage("--conversation: '%s' is not ADDR, ADDR:PORT or [ADDR]:PORT",
		          o->conversation);
		return -1;
	}
	v->idx = calloc(r->nconv ? r->nconv : 1, sizeof *v->idx);
	if (!v->idx)
		msg_oom("report", (r->nconv ? r->nconv : 1) * sizeof *v->idx);
	v->filtered = o->conversation != NULL || o->select != NULL;
	v->quiet = o->quiet;
	for (size_t i = 0; i < r->nconv; i++) {
		const struct chain_conv *c = v->filtered ? chain_result_conv(r, i) : NULL;

		if (!v->filtered ||
		    (c && (!o->select || c->selected) && (!o->conversation || conv_matches(c, &f))))
			v->idx[v->nconv++] = i;
	}
	v->nselected = v->nconv;
	if (o->select)
		warn_points_left_empty(v, o->select);
	if (o->conversation && v->nconv == 0)
		msg_warn("--conversation", "no conversation matches '%s'", o->conversation);
	else if (o->select && v->nconv == 0)
		msg_warn("-f", "no conversation has a packet that '%s' passes", o->select);
	if (o->limit) {
		struct interest_key *k = calloc(v->nconv ? v->nconv : 1, sizeof *k);

		if (!k)
			msg_oom("report", (v->nconv ? v->nconv : 1) * sizeof *k);
		for (size_t i = 0; i < v->nconv; i++)
			k[i] =
			    (struct interest_key){v->idx[i], chain_result_interest(r, v->idx[i])};
		qsort(k, v->nconv, sizeof *k, cmp_interest);
		for (size_t i = 0; i < v->nconv; i++)
			v->idx[i] = k[i].idx;
		if (v->nconv > o->limit)
			v->nconv = o->limit;
		free(k);
	}
	return 0;
}

void report_view_free(struct report_view *v)
{
	free(v->idx);
	memset(v, 0, sizeof *v);
}

/* The per-conversation counts of c into f. */
static void counts_from(struct report_findings *f, const struct chain_findings *c)
{
	f->conversations = c->conversations;
	f->stopped = c->stopped;
	f->partial = c->partial;
	f->delivered = c->delivered;
	f->not_judged = c->not_judged;
	f->client_ip_lost = c->client_ip_lost;
	f->nat = c->nat;
	f->snat = c->snat;
	f->recovered_loss = c->recovered_loss;
}

void report_findings(const struct chain_result *r, struct report_findings *f)
{
	memset(f, 0, sizeof *f);
	counts_from(f, &r->findings);
	f->unmatched = r->unmatched;
	f->ignored = counts_ignored_total(&r->counts);
	f->read = r->counts.read;
	for (size_t i = 0; i < r->npoints; i++) {
		for (size_t g = 0; g < r->points[i].ngaps; g++)
			f->gaps += report_gap_reported(&r->points[i].gaps[g]);
	}
}

size_t report_limits_sentence(const struct chain_result *r, char *buf, size_t len)
{
	const struct chain_limits *l = &r->limits;
	size_t n = 0;

	buf[0] = '\0';
#define LIMIT(v, text)                                                                             \
	if ((v) && n < len)                                                                        \
		n += (size_t)snprintf(buf + n, len - n, "%s%llu " text, n ? "; " : "",             \
		                      (unsigned long long)(v));
	LIMIT(l->hops, "sightings of packets seen at more than 64 points, counted as new packets")
	LIMIT(l->routes, "packets on more than 64 routes of a direction, counted as unmatched")
	LIMIT(l->order, "packets at more than 64 points of a direction, left out of its order")
	LIMIT(l->points, "sightings at more than 128 points of a direction, not counted per point")
	LIMIT(l->interfaces, "packets of interfaces past the 65,536th, put on their input's point")
#undef LIMIT
	return n;
}

void report_view_findings(const struct report_view *v, struct report_findings *f)
{
	struct chain_findings sel = {0};

	report_findings(v->r, f);
	if (!v->filtered)
		return;
	for (size_t i = 0; i < v->nselected; i++) {
		const struct chain_conv *c = chain_result_conv(v->r, v->idx[i]);

		if (c)
			chain_findings_add(&sel, c);
	}
	counts_from(f, &sel);
	f->conversations = v->nselected;
}

bool report_gap_reported(const struct chain_gap *g)
{
	return g->used || g->why == CHAIN_GAP_MISSING_PIECE ||
	       g->why == CHAIN_GAP_RING_OVERWRITTEN || g->why == CHAIN_GAP_KERNEL_DROPS;
}

bool report_is_noise(const struct chain_conv *c)
{
	return addr_is_group(&c->origin.dst) && !c->dir[CHAIN_FORWARD].has_stop &&
	       !c->dir[CHAIN_REVERSE].present;
}

const char *report_point_name(const struct chain_result *r, int64_t point)
{
	return point >= 0 && (size_t)point < r->npoints ? r->points[point].name : "(unknown)";
}

void report_hop_name(const struct chain_result *r, const struct chain_hop *h, char *buf, size_t len)
{
	const char *dir = h->dir == PP_DIR_IN ? "(in)" : h->dir == PP_DIR_OUT ? "(out)" : "";

	snprintf(buf, len, "%s%s", report_point_name(r, h->point), dir);
}

void report_tuple_text(const struct pp_tuple *t, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN + 8], b[INET6_ADDRSTRLEN + 8];
	bool echo = (t->proto == 1 || t->proto == 58) && t->has_ports;

	chain_format_endpoint(&t->src, t->sport, t->has_ports, a, sizeof a);
	chain_format_endpoint(&t->dst, t->dport, t->has_ports && !echo, b, sizeof b);
	snprintf(buf, len, "%s -> %s", a, b);
}

void report_addr_note(const struct chain_result *r, const struct pp_addr *a, char *buf, size_t len)
{
	struct topo_addr_info i;

	buf[0] = '\0';
	if (!r->topo || topo_addr_classify(r->topo, a, &i) == TOPO_ADDR_UNKNOWN)
		return;
	switch (i.kind) {
	case TOPO_ADDR_NODE:
		snprintf(buf, len, "%s %s address", i.node ? i.node : "node",
		         i.iface ? i.iface->name : "");
		break;
	case TOPO_ADDR_POD:
		if (i.netns)
			snprintf(buf, len, "pod %s on %s", i.netns, i.node ? i.node : "?");
		else
			snprintf(buf, len, "pod on %s", i.node ? i.node : "?");
		break;
	case TOPO_ADDR_SERVICE:
		snprintf(buf, len, "service");
		break;
	default:
		break;
	}
}

/* "ip:port (what it is)" */
static void endpoint_noted(const struct chain_result *r, const struct chain_endpoint *e, char *buf,
                           size_t len)
{
	char ep[INET6_ADDRSTRLEN + 8], note[256];

	chain_format_endpoint(&e->addr, e->port, e->has_port, ep, sizeof ep);
	report_addr_note(r, &e->addr, note, sizeof note);
	snprintf(buf, len, note[0] ? "%s (%s)" : "%s", ep, note);
}

void report_nat_sentence(const struct chain_result *r, const struct chain_dir *d,
                         const struct chain_nat *n, char *buf, size_t len)
{
	char from[320], to[320], a[512], b[512];

	endpoint_noted(r, &n->from, from, sizeof from);
	endpoint_noted(r, &n->to, to, sizeof to);
	report_hop_name(r, &d->hops[n->after_hop], a, sizeof a);
	report_hop_name(r, &d->hops[n->before_hop], b, sizeof b);
	snprintf(buf, len, "%s %s -> %s%s between %s and %s",
	         n->kind == CHAIN_DNAT ? "DNAT" : "SNAT", from, to, n->reverse ? " (reverse)" : "",
	         a, b);
	/* a rewrite that started or ended part-way: which packets it was */
	if (n->packets && n->packets < d->hops[n->before_hop].packets) {
		size_t used = strlen(buf);
		char t0[40], t1[40];

		report_time(n->first_ts, t0, sizeof t0);
		report_time(n->last_ts, t1, sizeof t1);
		snprintf(buf + used, len - used, " (%llu of %llu packets there, %s to %s)",
		         (unsigned long long)n->packets,
		         (unsigned long long)d->hops[n->before_hop].packets, t0, t1);
	}
}

void report_seconds(int64_t ns, char *buf, size_t len)
{
	/* rounded to the microsecond first: what rounds to 0 is +0.000000,
	 * never -0.000000 */
	int64_t us = ns >= 0 ? (ns + 500) / 1000 : -((-ns + 500) / 1000);

	snprintf(buf, len, "%c%lld.%06lld", us < 0 ? '-' : '+',
	         (long long)(us < 0 ? -us : us) / 1000000,
	         (long long)(us < 0 ? -us : us) % 1000000);
}

void report_time(int64_t ns, char *buf, size_t len)
{
	time_t sec = (time_t)(ns / 1000000000);
	struct tm tm;

	if (ns < 0 || !gmtime_r(&sec, &tm)) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, "%02d:%02d:%02d.%06lld", tm.tm_hour, tm.tm_min, tm.tm_sec,
	         (long long)(ns % 1000000000 / 1000));
}

bool report_iso_time(int64_t ns, char *buf, size_t len)
{
	time_t sec = (time_t)(ns / 1000000000);
	struct tm tm;
	size_t n;

	if (!gmtime_r(&sec, &tm))
		return false;
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%09lldZ", (long long)(ns % 1000000000));
	return true;
}

void report_not_judged_sentence(const struct chain_result *r, const struct chain_dir *d, char *buf,
                                size_t len)
{
	char a[512];

	report_hop_name(r, &d->hops[d->nhops - 1], a, sizeof a);
	snprintf(buf, len,
	         "%llu packet%s seen last at %s and never answered: no capture after %s shows "
	         "whether %s stopped there or went on (capture where %s next to tell)",
	         (unsigned long long)d->packets, d->packets == 1 ? "" : "s", a, a,
	         d->packets == 1 ? "it" : "they", d->packets == 1 ? "it goes" : "they go");
}

void report_recovered_sentence(const struct chain_result *r, const struct chain_dir *d, char *buf,
                               size_t len)
{
	char a[512];

	report_hop_name(r, &d->hops[d->recovered.after_hop], a, sizeof a);
	snprintf(buf, len,
	         "%llu packet%s lost after %s on the way to %s, delivered later by "
	         "retransmission (not a stop)",
	         (unsigned long long)d->recovered.packets, d->recovered.packets == 1 ? "" : "s", a,
	         report_point_name(r, d->recovered.expected_next));
}

void report_gap_sentence(const struct chain_result *r, const struct chain_dir *d, char *buf,
                         size_t len)
{
	static const char *const why[] = {
	    [CHAIN_GAP_QUIET] = "it saw no packet at all while they were sent",
	    [CHAIN_GAP_MISSING_PIECE] = "a piece of its rotated capture is missing",
	    [CHAIN_GAP_RING_OVERWRITTEN] = "its capture ring had overwritten that time",
	    [CHAIN_GAP_KERNEL_DROPS] = "its capture dropped packets",
	    [CHAIN_GAP_CAPTURE_START] = "its capture had not started",
	    [CHAIN_GAP_CAPTURE_END] = "its capture had ended",
	};

	snprintf(buf, len,
	         "%llu packet%s not judged: %s was not capturing when they should have "
	         "reached it (%s)",
	         (unsigned long long)d->gap.packets, d->gap.packets == 1 ? "" : "s",
	         report_point_name(r, d->gap.point),
	         d->gap.why < sizeof why / sizeof why[0] ? why[d->gap.why] : "gap");
}

void report_stop_sentence(const struct chain_result *r, const struct chain_dir *d, char *buf,
                          size_t len)
{
	const struct chain_stop *s = &d->stop;
	char after[512], route[256] = "";

	report_hop_name(r, &d->hops[s->after_hop], after, sizeof after);
	if (s->expected_route[0] && s->expected_dev[0])
		snprintf(route, sizeof route, "; expected to leave by %s (route %s)",
		         s->expected_dev, s->expected_route);
	else if (s->expected_route[0])
		snprintf(route, sizeof route, "; route there: %s", s->expected_route);
	snprintf(buf, len, "%s after %s: %llu packet%s never reached %s%s",
	         d->verdict == CHAIN_PARTIAL ? "partly stopped" : "stopped", after,
	         (unsigned long long)s->packets, s->packets == 1 ? "" : "s",
	         s->expected_next >= 0 ? report_point_name(r, s->expected_next) : "a next point",
	         route);
}

void report_stop_detail(const struct chain_dir *d, char *buf, size_t len)
{
	const struct chain_stop *s = &d->stop;
	int n;

	buf[0] = '\0';
	if (d->verdict != CHAIN_PARTIAL || !s->has_delivered_len)
		return;
	n = snprintf(buf, len, "stopped: IP length %u..%u, %llu of %llu with DF", s->len_min,
	             s->len_max, (unsigned long long)s->df, (unsigned long long)s->packets);
	if (s->tunnel_overhead && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " (+%u bytes of encapsulation)",
		              s->tunnel_overhead);
	if (s->tcp_flags_or && n > 0 && (size_t)n < len) {
		char f[16];

		chain_format_tcp_flags(s->tcp_flags_or, f, sizeof f);
		n += snprintf(buf + n, len - (size_t)n, ", TCP flags [%s]", f);
	}
	if (n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "; arrived: %llu packets, IP length %u..%u",
		         (unsigned long long)s->delivered, s->delivered_len_min,
		         s->delivered_len_max);
}

void report_answer_sentence(const struct chain_result *r, const struct chain_conv *c,
                            const struct chain_dir *d, char *buf, size_t len)
{
	const struct chain_answer *a = &d->answer;
	char from[INET6_ADDRSTRLEN], mtu[32] = "";

	chain_format_addr(&a->from, from, sizeof from);
	if (a->kind == CHAIN_ANSWER_TCP_RST) {
		snprintf(buf, len, "answered by TCP RST from %s, first seen at %s", from,
		         report_point_name(r, a->point));
		return;
	}
	if (a->mtu)
		snprintf(mtu, sizeof mtu, " (mtu %u)", a->mtu);
	snprintf(buf, len, "answered by ICMP %s%s from %s, first seen at %s",
	         report_icmp_name(c->family, a->type, a->code), mtu, from,
	         report_point_name(r, a->point));
}

void report_lost_sentence(const struct chain_result *r, const struct chain_dir *d, char *buf,
                          size_t len)
{
	char o[INET6_ADDRSTRLEN], n[INET6_ADDRSTRLEN], a[512], b[512], note[256], by[320];

	chain_format_addr(&d->lost.original, o, sizeof o);
	chain_format_addr(&d->lost.replaced_by, n, sizeof n);
	report_addr_note(r, &d->lost.replaced_by, note, sizeof note);
	snprintf(by, sizeof by, note[0] ? "%s (%s)" : "%s", n, note);
	report_hop_name(r, &d->hops[d->lost.after_hop], a, sizeof a);
	report_hop_name(r, &d->hops[d->lost.before_hop], b, sizeof b);
	snprintf(buf, len, "client IP %s replaced by %s between %s and %s", o, by, a, b);
}

void report_copies_sentence(const struct chain_result *r, const struct chain_dir *d, char *buf,
                            size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (uint32_t i = 0; i < d->ncopies && n < len; i++) {
		int k = snprintf(buf + n, len - n, "%s%s (%llu)", i ? ", " : "also seen at ",
		                 report_point_name(r, d->copies[i].point),
		                 (unsigned long long)d->copies[i].packets);

		if (k < 0)
			break;
		n += (size_t)k;
	}
	if (d->ncopies && n < len)
		snprintf(buf + n, len - n, ": a promiscuous bridge's copies, not hops");
}

const char *report_icmp_name(uint8_t family, uint8_t type, uint8_t code)
{
	static const char *const unreach4[] = {
	    "net unreachable",
	    "host unreachable",
	    "protocol unreachable",
	    "port unreachable",
	    "fragmentation needed",
	    "source route failed",
	    "net unknown",
	    "host unknown",
	    "source host isolated",
	    "net prohibited",
	    "host prohibited",
	    "net unreachable for TOS",
	    "host unreachable for TOS",
	    "administratively prohibited",
	};
	static const char *const unreach6[] = {
	    "no route",         "administratively prohibited",
	    "beyond scope",     "address unreachable",
	    "port unreachable", "source address failed policy",
	    "reject route",
	};

	if (family == 4) {
		if (type == 3)
			return code < sizeof unreach4 / sizeof *unreach4 ? unreach4[code]
			                                                 : "unreachable";
		if (type == 11)
			return code ? "fragment reassembly time exceeded" : "ttl exceeded";
		if (type == 12)
			return "parameter problem";
		if (type == 5)
			return "redirect";
		if (type == 4)
			return "source quench";
		return "icmp error";
	}
	if (type == 1)
		return code < sizeof unreach6 / sizeof *unreach6 ? unreach6[code] : "unreachable";
	if (type == 2)
		return "packet too big";
	if (type == 3)
		return code ? "fragment reassembly time exceeded" : "hop limit exceeded";
	if (type == 4)
		return "parameter problem";
	return "icmp6 error";
}
