/* report_diagnose.c - what a direction's findings mean, in the words of the
 * failure they show, with the evidence beside the name.
 *
 * The first lines of a report must answer the ticket. A known failure is
 * named only when the packets show its signature; the name is a hypothesis
 * and the evidence says what it rests on. When nothing fits, the finding is
 * the plain stop or partial stop with what was seen.
 *
 *   mtu_blackhole             part of a direction stopped: all stopped packets
 *                             larger than any that arrived and marked DF, and
 *                             no ICMP fragmentation-needed came back
 *   service_no_endpoints      rejected by ICMP port unreachable (or prohibited)
 *                             from another address than the destination, which
 *                             was never translated
 *   local_policy_no_endpoint  dropped silently inside the node that got it,
 *                             never translated, to an address that is no pod
 *   silent_drop               vanished between two points of one node with no
 *                             answer, after its destination was translated or
 *                             when it is a pod: the route that should have been
 *                             taken is said where the topology knows it
 *   refused                   a TCP reset, or port unreachable from the
 *                             destination itself; also a direction delivered
 *                             to its end whose only answers were resets
 *   asymmetric_return         the answer crossed a node the request never did
 *   client_ip_lost            the opening side's address was replaced (SNAT)
 *   recovered_loss            loss that a retransmission made good
 *   stopped, partial          a stop that fits none of the above
 *   not_judged                never answered, and no captured point after
 *                             the last one it was seen at: no stop is drawn
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "topo/topo.h"

static const char *const kind_names[] = {
    [REPORT_STOPPED] = "stopped",
    [REPORT_PARTIAL] = "partial",
    [REPORT_MTU_BLACKHOLE] = "mtu_blackhole",
    [REPORT_SERVICE_NO_ENDPOINTS] = "service_no_endpoints",
    [REPORT_LOCAL_POLICY_NO_ENDPOINT] = "local_policy_no_endpoint",
    [REPORT_SILENT_DROP] = "silent_drop",
    [REPORT_REFUSED] = "refused",
    [REPORT_ASYMMETRIC_RETURN] = "asymmetric_return",
    [REPORT_CLIENT_IP_LOST] = "client_ip_lost",
    [REPORT_RECOVERED_LOSS] = "recovered_loss",
    [REPORT_NOT_JUDGED] = "not_judged",
};

static const char *const kind_titles[] = {
    [REPORT_STOPPED] = "stopped",
    [REPORT_PARTIAL] = "partly stopped",
    [REPORT_MTU_BLACKHOLE] = "MTU black hole",
    [REPORT_SERVICE_NO_ENDPOINTS] = "service without endpoints",
    [REPORT_LOCAL_POLICY_NO_ENDPOINT] = "externalTrafficPolicy=Local without a local endpoint",
    [REPORT_SILENT_DROP] = "silent drop",
    [REPORT_REFUSED] = "refused",
    [REPORT_ASYMMETRIC_RETURN] = "asymmetric return path",
    [REPORT_CLIENT_IP_LOST] = "client IP lost",
    [REPORT_RECOVERED_LOSS] = "loss recovered",
    [REPORT_NOT_JUDGED] = "not judged",
};

_Static_assert(sizeof kind_names / sizeof kind_names[0] == REPORT__KINDS, "kind names");
_Static_assert(sizeof kind_titles / sizeof kind_titles[0] == REPORT__KINDS, "kind titles");

const char *report_kind_name(enum report_kind k)
{
	return (unsigned)k < REPORT__KINDS ? kind_names[k] : "unknown";
}

const char *report_kind_title(enum report_kind k)
{
	return (unsigned)k < REPORT__KINDS ? kind_titles[k] : "unknown";
}

static bool has_dnat(const struct chain_dir *d)
{
	for (uint32_t i = 0; i < d->nnat; i++) {
		if (d->nat[i].kind == CHAIN_DNAT && !d->nat[i].reverse)
			return true;
	}
	return false;
}

static bool icmp_is(const struct chain_conv *c, const struct chain_answer *a, int v4type,
                    int v4code, int v6type, int v6code)
{
	if (a->kind != CHAIN_ANSWER_ICMP)
		return false;
	if (c->family == 6)
		return a->type == v6type && (v6code < 0 || a->code == v6code);
	return a->type == v4type && (v4code < 0 || a->code == v4code);
}

static bool is_frag_needed(const struct chain_conv *c, const struct chain_answer *a)
{
	return icmp_is(c, a, 3, 4, 2, -1);
}

static bool is_port_unreachable(const struct chain_conv *c, const struct chain_answer *a)
{
	/* port unreachable, or administratively prohibited (REJECT variants) */
	return icmp_is(c, a, 3, 3, 1, 4) || icmp_is(c, a, 3, 13, 1, 1) ||
	       icmp_is(c, a, 3, 10, 1, 1) || icmp_is(c, a, 3, 9, 1, 1);
}

static const struct chain_point *point_of(const struct chain_result *r, int64_t p)
{
	return p >= 0 && (size_t)p < r->npoints ? &r->points[p] : NULL;
}

static bool is_pod(const struct chain_result *r, const struct pp_addr *a)
{
	struct topo_addr_info i;

	return r->topo && topo_addr_classify(r->topo, a, &i) == TOPO_ADDR_POD;
}

/* The stop and the answer in one sentence, shared by the named kinds. */
static void stop_words(const struct chain_result *r, const struct chain_conv *c,
                       const struct chain_dir *d, char *buf, size_t len)
{
	char s[1024], a[1024] = "";

	report_stop_sentence(r, d, s, sizeof s);
	if (d->has_answer)
		report_answer_sentence(r, c, d, a, sizeof a);
	snprintf(buf, len, "%s%s%s", s, a[0] ? "; " : "", a);
}

/* Is the stop inside one node: its last point and the one expected next
 * on the same node? */
static bool stop_in_node(const struct chain_result *r, const struct chain_dir *d)
{
	const struct chain_point *a = point_of(r, d->hops[d->stop.after_hop].point);
	const struct chain_point *b = point_of(r, d->stop.expected_next);

	return a && (!b || a->node_id == b->node_id);
}

static void name_stop(const struct chain_result *r, const struct chain_conv *c,
                      const struct chain_dir *d, struct report_diag *g)
{
	const struct chain_stop *s = &d->stop;
	const struct chain_hop *at = &d->hops[s->after_hop];
	char words[2048], addr[INET6_ADDRSTRLEN + 8], from[INET6_ADDRSTRLEN], note[256];

	stop_words(r, c, d, words, sizeof words);
	g->point = at->point;
	g->kind = d->verdict == CHAIN_PARTIAL ? REPORT_PARTIAL : REPORT_STOPPED;
	chain_format_endpoint(&at->tuple.dst, at->tuple.dport, at->tuple.has_ports, addr,
	                      sizeof addr);
	if (d->has_answer && d->answer.kind == CHAIN_ANSWER_TCP_RST) {
		g->kind = REPORT_REFUSED;
		snprintf(g->evidence, sizeof g->evidence,
		         "%s: the port is closed or the connection was refused", words);
		return;
	}
	if (d->has_answer && is_port_unreachable(c, &d->answer)) {
		chain_format_addr(&d->answer.from, from, sizeof from);
		report_addr_note(r, &d->answer.from, note, sizeof note);
		if (addr_eq(&d->answer.from, &at->tuple.dst)) {
			g->kind = REPORT_REFUSED;
			snprintf(g->evidence, sizeof g->evidence, "%s: nothing listens on %s",
			         words, addr);
		} else if (!has_dnat(d)) {
			g->kind = REPORT_SERVICE_NO_ENDPOINTS;
			snprintf(g->evidence, sizeof g->evidence,
			         "%s was never translated and %s%s%s%s rejected it (ICMP %s): "
			         "a service without endpoints is rejected so; %s",
			         addr, from, note[0] ? " (" : "", note, note[0] ? ")" : "",
			         report_icmp_name(c->family, d->answer.type, d->answer.code),
			         words);
		}
		return;
	}
	if (d->has_answer) {
		if (is_frag_needed(c, &d->answer))
			snprintf(g->evidence, sizeof g->evidence,
			         "%s: path MTU discovery was told to send smaller packets", words);
		else
			snprintf(g->evidence, sizeof g->evidence, "%s", words);
		return;
	}
	if (d->verdict == CHAIN_PARTIAL && s->has_delivered_len && s->packets &&
	    s->df == s->packets && s->len_min > s->delivered_len_max) {
		char size[48], wire[96] = "";

		if (s->len_min == s->len_max)
			snprintf(size, sizeof size, "%u", s->len_min);
		else
			snprintf(size, sizeof size, "%u..%u", s->len_min, s->len_max);
		if (s->tunnel_overhead)
			snprintf(wire, sizeof wire,
			         " (%u on the wire with %u bytes of encapsulation)",
			         s->len_max + s->tunnel_overhead, s->tunnel_overhead);
		g->kind = REPORT_MTU_BLACKHOLE;
		snprintf(g->evidence, sizeof g->evidence,
		         "%llu packet%s of %s bytes with DF vanished after %s%s while %llu of at "
		         "most %u bytes arrived, and no ICMP fragmentation-needed came back",
		         (unsigned long long)s->packets, s->packets == 1 ? "" : "s", size,
		         report_point_name(r, at->point), wire, (unsigned long long)s->delivered,
		         s->delivered_len_max);
		return;
	}
	if (d->verdict == CHAIN_STOPPED && stop_in_node(r, d) && !has_dnat(d) &&
	    !is_pod(r, &at->tuple.dst)) {
		const struct chain_point *p = point_of(r, at->point);

		g->kind = REPORT_LOCAL_POLICY_NO_ENDPOINT;
		snprintf(g->evidence, sizeof g->evidence,
		         "dropped inside %s without an answer and %s was never translated: a "
		         "service with externalTrafficPolicy=Local and no endpoint on %s drops new "
		         "connections so (or a firewall does); %s",
		         p ? p->node : "the node", addr, p ? p->node : "it", words);
		return;
	}
	if (stop_in_node(r, d) && (has_dnat(d) || is_pod(r, &at->tuple.dst))) {
		g->kind = REPORT_SILENT_DROP;
		snprintf(g->evidence, sizeof g->evidence, "no answer, nothing seen after: %s",
		         words);
		return;
	}
	snprintf(g->evidence, sizeof g->evidence, "%s", words);
}

/* Delivered to where it ended and answered there by resets only: the
 * endpoint refused it (nothing listens on the port). */
static void name_refused(const struct chain_result *r, const struct chain_conv *c,
                         const struct chain_dir *d, struct report_diag *g)
{
	const struct chain_hop *at = &d->hops[d->nhops - 1];
	char addr[INET6_ADDRSTRLEN + 8], a[1024];

	chain_format_endpoint(&at->tuple.dst, at->tuple.dport, at->tuple.has_ports, addr,
	                      sizeof addr);
	report_answer_sentence(r, c, d, a, sizeof a);
	g->kind = REPORT_REFUSED;
	g->point = at->point;
	snprintf(g->evidence, sizeof g->evidence,
	         "delivered to %s and %s: nothing listens on %s there, the connection was "
	         "refused",
	         report_point_name(r, at->point), a, addr);
}

/* Did the answer cross a node the request never crossed? */
static int64_t asymmetric_at(const struct chain_result *r, const struct chain_conv *c)
{
	const struct chain_dir *f = &c->dir[CHAIN_FORWARD], *b = &c->dir[CHAIN_REVERSE];

	if (!f->present || !b->present)
		return -1;
	for (uint32_t i = 0; i < b->nhops; i++) {
		const struct chain_point *p = point_of(r, b->hops[i].point);
		bool seen = false;

		for (uint32_t j = 0; p && j < f->nhops && !seen; j++) {
			const struct chain_point *q = point_of(r, f->hops[j].point);

			seen = q && q->node_id == p->node_id;
		}
		if (p && !seen)
			return b->hops[i].point;
	}
	return -1;
}

static void name_asymmetric(const struct chain_result *r, const struct chain_conv *c, int64_t at,
                            struct report_diag *g)
{
	const struct chain_dir *b = &c->dir[CHAIN_REVERSE];
	char words[2048] = "";

	if (b->has_stop)
		stop_words(r, c, b, words, sizeof words);
	g->kind = REPORT_ASYMMETRIC_RETURN;
	g->point = at;
	snprintf(g->evidence, sizeof g->evidence,
	         "the answer crossed %s, on a node the request never crossed: it left by "
	         "another way than the request came in%s%s",
	         report_point_name(r, at), words[0] ? "; " : "", words);
}

size_t report_diagnose(const struct chain_result *r, const struct chain_conv *c, int k,
                       struct report_diag *out, size_t max)
{
	const struct chain_dir *d = &c->dir[k];
	int64_t asym = k == CHAIN_REVERSE ? asymmetric_at(r, c) : -1;
	size_t n = 0;

	if (!d->present || max == 0)
		return 0;
	if (asym >= 0 && n < max) {
		/* names the reverse direction's stop, if it has one */
		name_asymmetric(r, c, asym, &out[n++]);
	} else if (d->has_stop && n < max) {
		name_stop(r, c, d, &out[n++]);
	} else if (d->verdict == CHAIN_DELIVERED && d->has_answer &&
	           d->answer.kind == CHAIN_ANSWER_TCP_RST && n < max) {
		name_refused(r, c, d, &out[n++]);
	} else if (d->verdict == CHAIN_NOT_JUDGED && n < max) {
		out[n].kind = REPORT_NOT_JUDGED;
		out[n].point = d->hops[d->nhops - 1].point;
		report_not_judged_sentence(r, d, out[n].evidence, sizeof out[n].evidence);
		n++;
	}
	if (d->has_lost && n < max) {
		out[n].kind = REPORT_CLIENT_IP_LOST;
		out[n].point = d->hops[d->lost.before_hop].point;
		report_lost_sentence(r, d, out[n].evidence, sizeof out[n].evidence);
		n++;
	}
	if (d->has_recovered && n < max) {
		out[n].kind = REPORT_RECOVERED_LOSS;
		out[n].point = d->hops[d->recovered.after_hop].point;
		report_recovered_sentence(r, d, out[n].evidence, sizeof out[n].evidence);
		n++;
	}
	return n;
}

void report_diag_text(const struct report_diag *g, int k, char *buf, size_t len)
{
	const char *dir = k == CHAIN_FORWARD ? "forward" : "reverse";

	/* the plain kinds' evidence already says what happened */
	if (g->kind == REPORT_STOPPED || g->kind == REPORT_PARTIAL ||
	    g->kind == REPORT_CLIENT_IP_LOST || g->kind == REPORT_RECOVERED_LOSS)
		snprintf(buf, len, "%s %s", dir, g->evidence);
	else
		snprintf(buf, len, "%s %s: %s", dir, report_kind_title(g->kind), g->evidence);
}
