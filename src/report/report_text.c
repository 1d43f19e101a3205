/* report_text.c - the human report: findings first, then one block per
 * conversation with its hop chain on one line of arrows, NAT and stops
 * called out under it, and the packets that were not used at the end. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/escape.h"
#include "report/report.h"

#define EP_LEN (INET6_ADDRSTRLEN + 8)

struct ctx {
	FILE *out;
	const struct chain_result *r;
	bool color;
};

static const char *col(const struct ctx *c, const char *code)
{
	return c->color ? code : "";
}

#define RED    "\033[31m"
#define GREEN  "\033[32m"
#define YELLOW "\033[33m"
#define BOLD   "\033[1m"
#define RESET  "\033[0m"

static void hop_name(const struct ctx *c, const struct chain_hop *h, char *buf, size_t len)
{
	report_hop_name(c->r, h, buf, len);
}

static void format_duration(double us, char *buf, size_t len)
{
	double a = fabs(us);

	if (a < 1000)
		snprintf(buf, len, "%.0fus", us);
	else if (a < 1e6)
		snprintf(buf, len, "%.1fms", us / 1000);
	else
		snprintf(buf, len, "%.2fs", us / 1e6);
}

/* One line under a path: text that holds names from files is escaped
 * (escape.h), so that a name cannot drive the reader's terminal. */
static void line(const struct ctx *c, const char *color, const char *text)
{
	fputs("                ", c->out);
	fputs(col(c, color), c->out);
	esc_fputs(c->out, text);
	fputs(col(c, color[0] ? RESET : ""), c->out);
	fputc('\n', c->out);
}

static void print_path(const struct ctx *c, const struct chain_dir *d)
{
	for (uint32_t i = 0; i < d->nhops; i++) {
		char name[512];

		hop_name(c, &d->hops[i], name, sizeof name);
		fputs(i ? " -> " : "", c->out);
		esc_fputs(c->out, name);
	}
	fputc('\n', c->out);
}

static void print_nat(const struct ctx *c, const struct chain_dir *d)
{
	char buf[1200];

	for (uint32_t i = 0; i < d->nnat; i++) {
		report_nat_sentence(c->r, d, &d->nat[i], buf, sizeof buf);
		line(c, "", buf);
	}
}

static void print_encap_and_segments(const struct ctx *c, const struct chain_dir *d)
{
	for (uint32_t i = 0; i < d->nhops; i++) {
		const struct chain_hop *h = &d->hops[i];
		char raw[512], name[2048], s[INET6_ADDRSTRLEN], t[INET6_ADDRSTRLEN];

		hop_name(c, h, raw, sizeof raw);
		esc_text(name, sizeof name, raw);
		if (h->has_tunnel && (i == 0 || !d->hops[i - 1].has_tunnel)) {
			static const char *const kinds[] = {"", "vxlan", "geneve", "gre", "ipip"};

			chain_format_addr(&h->tunnel.src, s, sizeof s);
			chain_format_addr(&h->tunnel.dst, t, sizeof t);
			fprintf(c->out,
			        "                encapsulated (%s vni %u, %s -> %s) at %s\n",
			        kinds[h->tunnel.kind % 5], h->tunnel.vni, s, t, name);
		}
		if (h->split_into)
			fprintf(c->out,
			        "                %" PRIu64 " segments split into %" PRIu64
			        " before %s\n",
			        h->split_from, h->split_into, name);
		if (h->merged_into)
			fprintf(c->out,
			        "                %" PRIu64 " segments merged into %" PRIu64
			        " before %s\n",
			        h->merged_from, h->merged_into, name);
	}
}

static void print_latency(const struct ctx *c, const struct chain_dir *d)
{
	bool any = false;

	for (uint32_t i = 1; i < d->nhops; i++)
		any |= d->hops[i].has_latency;
	if (!any)
		return;
	fputs("                latency p50 per hop:", c->out);
	for (uint32_t i = 1; i < d->nhops; i++) {
		char buf[32] = "-";

		if (d->hops[i].has_latency)
			format_duration(d->hops[i].latency_us_p50, buf, sizeof buf);
		fprintf(c->out, " %s", buf);
	}
	fputc('\n', c->out);
}

static void print_answer(const struct ctx *c, const struct chain_conv *cv,
                         const struct chain_dir *d)
{
	char buf[1024];

	if (!d->has_answer)
		return;
	report_answer_sentence(c->r, cv, d, buf, sizeof buf);
	line(c, "", buf);
}

static void print_stop(const struct ctx *c, const struct chain_dir *d)
{
	char buf[1024];

	report_stop_sentence(c->r, d, buf, sizeof buf);
	line(c, RED, buf);
	report_stop_detail(d, buf, sizeof buf);
	if (buf[0])
		line(c, "", buf);
}

static void print_dir(const struct ctx *c, const struct chain_conv *cv, int k)
{
	const struct chain_dir *d = &cv->dir[k];
	const char *vcol = d->verdict == CHAIN_DELIVERED ? GREEN
	                   : d->verdict == CHAIN_STOPPED ? RED
	                                                 : YELLOW;

	if (!d->present)
		return;
	fprintf(c->out, "  %-8s %s%-9s%s ", k == CHAIN_FORWARD ? "forward" : "reverse",
	        col(c, vcol), chain_verdict_name(d->verdict), col(c, RESET));
	print_path(c, d);
	if (d->has_stop)
		print_stop(c, d);
	if (d->verdict == CHAIN_NOT_JUDGED) {
		char buf[1200];

		report_not_judged_sentence(c->r, d, buf, sizeof buf);
		line(c, "", buf);
	}
	print_answer(c, cv, d);
	print_nat(c, d);
	if (d->has_lost) {
		char buf[1200];

		report_lost_sentence(c->r, d, buf, sizeof buf);
		line(c, BOLD, buf);
	}
	if (d->ncopies) {
		char buf[1024];

		report_copies_sentence(c->r, d, buf, sizeof buf);
		line(c, "", buf);
	}
	if (d->has_recovered) {
		char buf[1024];

		report_recovered_sentence(c->r, d, buf, sizeof buf);
		fprintf(c->out, "                %s\n", buf);
	}
	if (d->has_gap) {
		char buf[1024];

		report_gap_sentence(c->r, d, buf, sizeof buf);
		fprintf(c->out, "                %s\n", buf);
	}
	print_encap_and_segments(c, d);
	print_latency(c, d);
	if (d->retransmissions || d->unmatched)
		fprintf(c->out,
		        "                %" PRIu64 " retransmissions, %" PRIu64
		        " packets seen at one inner point only\n",
		        d->retransmissions, d->unmatched);
}

static void print_conv_head(const struct ctx *c, const struct chain_conv *cv)
{
	char t[2 * EP_LEN + 8];

	report_tuple_text(&cv->origin, t, sizeof t);
	fprintf(c->out, "%sconv %u%s  %s %s  (%" PRIu64 " packet%s forward, %" PRIu64 " reverse)\n",
	        col(c, BOLD), cv->id, col(c, RESET), chain_proto_name(cv->proto), t,
	        cv->dir[0].packets, cv->dir[0].packets == 1 ? "" : "s", cv->dir[1].packets);
}

/* One line per finding, the most important first. */
static void print_findings(const struct ctx *c, const struct report_view *v)
{
	struct report_findings f;
	bool any = false;

	report_view_findings(v, &f);
	/* not "pktpath: ...": that prefix is for errors, on stderr */
	if (!v->quiet) {
		fprintf(c->out,
		        "%zu conversation%s across %zu point%s on %zu node%s: %zu delivered, "
		        "%zu stopped, %zu partial",
		        f.conversations, f.conversations == 1 ? "" : "s", c->r->npoints,
		        c->r->npoints == 1 ? "" : "s", c->r->nnodes, c->r->nnodes == 1 ? "" : "s",
		        f.delivered, f.stopped, f.partial);
		/* said only when it happens: most runs judge every direction */
		if (f.not_judged)
			fprintf(c->out, ", %zu not judged", f.not_judged);
		fprintf(c->out, "; client IP lost in %zu\n", f.client_ip_lost);
	}
	for (size_t i = 0; i < v->nconv; i++) {
		const struct chain_conv *cv = report_conv(v, i);
		char t[2 * EP_LEN + 8], buf[3072];

		report_tuple_text(&cv->origin, t, sizeof t);
		for (int k = 0; k < 2; k++) {
			struct report_diag g[REPORT_DIAG_MAX];
			size_t n = report_diagnose(c->r, cv, k, g, REPORT_DIAG_MAX);

			for (size_t j = 0; j < n; j++) {
				if (!any && !v->quiet)
					fputs("findings:\n", c->out);
				any = true;
				report_diag_text(&g[j], k, buf, sizeof buf);
				fprintf(c->out, "%sconv %u %s %s: ", v->quiet ? "" : "  ", cv->id,
				        chain_proto_name(cv->proto), t);
				esc_fputs(c->out, buf);
				fputc('\n', c->out);
			}
		}
	}
}

static void print_clocks(const struct ctx *c)
{
	for (size_t i = 1; i < c->r->nnodes; i++) {
		const struct chain_node *n = &c->r->nodes[i];
		char name[1024], via[1024], secs[32];

		esc_text(name, sizeof name, n->name);
		esc_text(via, sizeof via, c->r->nodes[n->via].name);
		report_seconds(n->clock_offset, secs, sizeof secs);
		if (n->manual)
			fprintf(c->out, "clock %s %s s (set by hand)\n", name, secs);
		else if (n->estimated)
			fprintf(c->out,
			        "clock %s %s s relative to %s (from %" PRIu64
			        " packets to it, %" PRIu64 " from it)\n",
			        name, secs, via, n->pairs_to, n->pairs_from);
		else
			fprintf(c->out,
			        "clock %s: no packet found both on it and on another node; "
			        "assumed +0\n",
			        name);
	}
}

/* Where points were not capturing, as far as it matters (report_gap_reported). */
static void print_gaps(const struct ctx *c)
{
	static const char *const why[] = {
	    [CHAIN_GAP_QUIET] = "saw nothing while packets were sent to it",
	    [CHAIN_GAP_MISSING_PIECE] = "a piece of its rotated set is missing",
	    [CHAIN_GAP_RING_OVERWRITTEN] = "its ring overwrote what came before",
	    [CHAIN_GAP_KERNEL_DROPS] = "its capture dropped packets",
	    [CHAIN_GAP_CAPTURE_START] = "not capturing yet",
	    [CHAIN_GAP_CAPTURE_END] = "no longer capturing",
	};

	for (size_t i = 0; i < c->r->npoints; i++) {
		const struct chain_point *p = &c->r->points[i];

		for (size_t g = 0; g < p->ngaps; g++) {
			const struct chain_gap *x = &p->gaps[g];
			char from[40] = "its start", to[40] = "its end", dropped[48] = "";

			if (!report_gap_reported(x))
				continue;
			if (x->from != INT64_MIN)
				report_time(x->from, from, sizeof from);
			if (x->to != INT64_MAX)
				report_time(x->to, to, sizeof to);
			if (x->why == CHAIN_GAP_KERNEL_DROPS)
				snprintf(dropped, sizeof dropped, " (%" PRIu64 " lost)",
				         x->packets);
			fputs("gap ", c->out);
			esc_fputs(c->out, p->name);
			fprintf(c->out, " from %s to %s: %s%s; %" PRIu64 " packets not judged\n",
			        from, to, x->why < sizeof why / sizeof why[0] ? why[x->why] : "?",
			        dropped, x->excused);
		}
	}
}

static void print_ignored(const struct ctx *c)
{
	const struct pp_counts *k = &c->r->counts;
	bool any = false;

	for (int i = 1; i < PP_R__COUNT; i++) {
		if (!k->ignored[i])
			continue;
		fprintf(c->out, "%s %s %" PRIu64, any ? "," : "packets not used:", reason_name(i),
		        k->ignored[i]);
		any = true;
	}
	if (any)
		fputc('\n', c->out);
	fprintf(c->out, "%" PRIu64 " packets read, %" PRIu64 " not used\n", k->read,
	        counts_ignored_total(k));
}

int report_text(FILE *out, const struct report_view *v, const struct report_opts *o)
{
	struct ctx c = {out, v->r, o->color};
	size_t noise = 0;

	print_findings(&c, v);
	if (v->quiet)
		return ferror(out) ? -1 : 0;
	print_clocks(&c);
	print_gaps(&c);
	for (size_t i = 0; i < v->nconv; i++) {
		const struct chain_conv *cv = report_conv(v, i);

		if (report_is_noise(cv)) {
			noise++;
			continue;
		}
		fputc('\n', out);
		print_conv_head(&c, cv);
		print_dir(&c, cv, CHAIN_FORWARD);
		print_dir(&c, cv, CHAIN_REVERSE);
	}
	fputc('\n', out);
	if (noise)
		fprintf(out,
		        "%zu multicast or broadcast conversation%s not shown (--format json has "
		        "them)\n",
		        noise, noise == 1 ? "" : "s");
	if (v->nconv < v->nselected)
		fprintf(out,
		        "%zu more conversation%s left out by --limit %lu (the least interesting)\n",
		        v->nselected - v->nconv, v->nselected - v->nconv == 1 ? "" : "s", o->limit);
	{
		char buf[1024];

		if (report_limits_sentence(v->r, buf, sizeof buf))
			fprintf(out, "limits reached: %s\n", buf);
	}
	print_ignored(&c);
	return ferror(out) ? -1 : 0;
}
