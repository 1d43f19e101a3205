/* report_markdown.c - a ticket-ready report: findings first, a table of the
 * inputs, then each conversation's path with its NAT and stops. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/escape.h"
#include "report/report.h"

/* Text that holds names from files: escaped for a terminal first (no
 * control byte, valid UTF-8: escape.h), then each character Markdown
 * could take as markup inside a line is backslash-escaped (CommonMark
 * allows that for any ASCII punctuation; '<' starts HTML and autolinks, so
 * a lone '>' is plain), so a name is shown as it is, even in a table. */
static void text(FILE *out, const char *s)
{
	char buf[4096];

	esc_text(buf, sizeof buf, s);
	for (const char *p = buf; *p; p++) {
		if (strchr("\\`*_[]<|~&", *p))
			fputc('\\', out);
		fputc(*p, out);
	}
}

/* A name as a code span. Backslashes are literal there, so the fence is
 * one backtick longer than the longest run inside, with a space inside
 * it when the name starts or ends with a backtick (CommonMark 6.1); in a
 * table, | is still escaped (GFM tables split cells before code spans). */
static void code(FILE *out, const char *s, bool in_table)
{
	char buf[4096];
	size_t run = 0, longest = 0, n;
	bool pad;

	n = esc_text(buf, sizeof buf, s);
	for (size_t i = 0; i < n; i++) {
		run = buf[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	pad = n && (buf[0] == '`' || buf[n - 1] == '`');
	for (size_t i = 0; i <= longest; i++)
		fputc('`', out);
	if (pad)
		fputc(' ', out);
	for (size_t i = 0; i < n; i++) {
		if (in_table && buf[i] == '|')
			fputc('\\', out);
		fputc(buf[i], out);
	}
	if (pad)
		fputc(' ', out);
	for (size_t i = 0; i <= longest; i++)
		fputc('`', out);
}

/* A list item's text (with names), and its end. */
static void item_end(FILE *out, const char *s)
{
	text(out, s);
	fputc('\n', out);
}

static void item(FILE *out, const char *s)
{
	fputs("- ", out);
	item_end(out, s);
}

static void utc(FILE *out, int64_t ns)
{
	char buf[40];
	time_t sec = (time_t)(ns / 1000000000);
	struct tm tm;

	if (!gmtime_r(&sec, &tm)) {
		fputs("-", out);
		return;
	}
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(out, "%s.%06lld", buf, (long long)(ns % 1000000000) / 1000);
}

static void inputs_table(FILE *out, const struct chain_result *r)
{
	fputs("## Inputs\n\n| point | node | files | packets | first packet (UTC, own clock) | "
	      "last packet | clock offset |\n|---|---|---|---:|---|---|---:|\n",
	      out);
	for (size_t i = 0; i < r->npoints; i++) {
		const struct chain_point *p = &r->points[i];
		char secs[32];

		fputs("| ", out);
		text(out, p->name);
		fputs(" | ", out);
		text(out, p->node);
		fputs(" | ", out);
		for (size_t f = 0; f < p->nfiles; f++) {
			if (f == 3) {
				fprintf(out, " and %zu more", p->nfiles - 3);
				break;
			}
			fputs(f ? ", " : "", out);
			text(out, p->files[f]);
		}
		fprintf(out, " | %" PRIu64 " | ", p->packets);
		if (p->packets)
			utc(out, p->first_ts);
		fputs(" | ", out);
		if (p->packets)
			utc(out, p->last_ts);
		report_seconds(p->clock_offset, secs, sizeof secs);
		fprintf(out, " | %s s%s |\n", secs,
		        p->clock_manual      ? " (set)"
		        : p->clock_estimated ? ""
		                             : " (assumed)");
	}
	fputc('\n', out);
}

static void findings(FILE *out, const struct report_view *v)
{
	struct report_findings f;
	char t[128], buf[3072];
	bool any = false;

	report_view_findings(v, &f);
	fprintf(out,
	        "**%zu conversations**: %zu delivered, %zu stopped, %zu partial; client IP lost "
	        "in %zu; %" PRIu64 " of %" PRIu64 " packets not used.\n\n",
	        f.conversations, f.delivered, f.stopped, f.partial, f.client_ip_lost, f.ignored,
	        f.read);
	for (size_t i = 0; i < v->nconv; i++) {
		const struct chain_conv *c = report_conv(v, i);

		report_tuple_text(&c->origin, t, sizeof t);
		for (int k = 0; k < 2; k++) {
			struct report_diag g[REPORT_DIAG_MAX];
			size_t n = report_diagnose(v->r, c, k, g, REPORT_DIAG_MAX);

			for (size_t j = 0; j < n; j++) {
				if (!any)
					fputs("## Findings\n\n", out);
				any = true;
				report_diag_text(&g[j], k, buf, sizeof buf);
				fprintf(out, "- **conv %u** %s `%s`: ", c->id,
				        chain_proto_name(c->proto), t);
				item_end(out, buf);
			}
		}
	}
	if (any)
		fputc('\n', out);
}

static void direction(FILE *out, const struct chain_result *r, const struct chain_conv *c, int k)
{
	const struct chain_dir *d = &c->dir[k];
	char buf[1200];

	if (!d->present)
		return;
	fprintf(out, "**%s** %s, %" PRIu64 " packets: ", k == CHAIN_FORWARD ? "forward" : "reverse",
	        chain_verdict_name(d->verdict), d->packets);
	for (uint32_t i = 0; i < d->nhops; i++) {
		report_hop_name(r, &d->hops[i], buf, sizeof buf);
		fputs(i ? " → " : "", out);
		code(out, buf, false);
	}
	fputs("\n\n", out);
	if (d->has_stop) {
		report_stop_sentence(r, d, buf, sizeof buf);
		item(out, buf);
		report_stop_detail(d, buf, sizeof buf);
		if (buf[0])
			item(out, buf);
	}
	if (d->has_answer) {
		report_answer_sentence(r, c, d, buf, sizeof buf);
		item(out, buf);
	}
	for (uint32_t i = 0; i < d->nnat; i++) {
		report_nat_sentence(r, d, &d->nat[i], buf, sizeof buf);
		item(out, buf);
	}
	if (d->has_lost) {
		report_lost_sentence(r, d, buf, sizeof buf);
		fputs("- **", out);
		text(out, buf);
		fputs("**\n", out);
	}
	if (d->ncopies) {
		report_copies_sentence(r, d, buf, sizeof buf);
		item(out, buf);
	}
	fputc('\n', out);
}

static void ignored(FILE *out, const struct chain_result *r)
{
	bool any = false;

	for (int i = 1; i < PP_R__COUNT; i++) {
		if (!r->counts.ignored[i])
			continue;
		if (!any)
			fputs("## Packets not used\n\n| reason | packets |\n|---|---:|\n", out);
		any = true;
		fprintf(out, "| %s | %" PRIu64 " |\n", reason_name(i), r->counts.ignored[i]);
	}
	if (any)
		fputc('\n', out);
}

int report_markdown(FILE *out, const struct report_view *v)
{
	char t[128];
	size_t noise = 0;

	fputs("# pktpath report\n\n", out);
	findings(out, v);
	inputs_table(out, v->r);
	fputs("## Conversations\n\n", out);
	for (size_t i = 0; i < v->nconv; i++) {
		const struct chain_conv *c = report_conv(v, i);

		if (report_is_noise(c)) {
			noise++;
			continue;
		}
		report_tuple_text(&c->origin, t, sizeof t);
		fprintf(out, "### conv %u: %s `%s`\n\n", c->id, chain_proto_name(c->proto), t);
		direction(out, v->r, c, CHAIN_FORWARD);
		direction(out, v->r, c, CHAIN_REVERSE);
	}
	if (noise)
		fprintf(out, "%zu multicast or broadcast conversation%s not shown.\n\n", noise,
		        noise == 1 ? "" : "s");
	if (v->nconv < v->nselected)
		fprintf(out, "%zu more conversation%s left out by --limit.\n\n",
		        v->nselected - v->nconv, v->nselected - v->nconv == 1 ? "" : "s");
	{
		char buf[1024];

		if (report_limits_sentence(v->r, buf, sizeof buf))
			fprintf(out, "Limits reached: %s.\n\n", buf);
	}
	ignored(out, v->r);
	return ferror(out) ? -1 : 0;
}
