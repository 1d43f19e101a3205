/* report_fail.c - --fail-on: which findings make a CI run fail, and why.
 *
 * The decision is taken over the conversations --conversation selected
 * (not only the --limit shown), and each finding that makes it is said on
 * stderr, one line each, the way --expect says its differences: a CI log
 * then shows the cause, not only the exit status.
 */
#include <inttypes.h>
#include <stdio.h>

#include "util/msg.h"
#include "pktpath/options.h"
#include "report/report.h"

#define FAIL_LINES_MAX 20 /* lines said; the rest are counted */

struct fail_ctx {
	unsigned fail_on, found;
	size_t lines, more;
};

static void say(struct fail_ctx *f, unsigned bit, const char *name, const struct chain_conv *c,
                const char *text)
{
	char t[2 * 64];

	f->found |= bit;
	if (!(f->fail_on & bit))
		return;
	if (f->lines == FAIL_LINES_MAX) {
		f->more++;
		return;
	}
	f->lines++;
	if (!c) {
		msg_info("--fail-on", "%s: %s", name, text);
		return;
	}
	report_tuple_text(&c->origin, t, sizeof t);
	msg_info("--fail-on", "%s: conv %u %s %s: %s", name, c->id, chain_proto_name(c->proto), t,
	         text);
}

static void dir_findings(struct fail_ctx *f, const struct chain_result *r,
                         const struct chain_conv *c, int k)
{
	const struct chain_dir *d = &c->dir[k];
	struct report_diag g[REPORT_DIAG_MAX];
	size_t n = report_diagnose(r, c, k, g, REPORT_DIAG_MAX);
	char buf[3072];

	for (size_t j = 0; j < n; j++) {
		report_diag_text(&g[j], k, buf, sizeof buf);
		if (g[j].kind == REPORT_RECOVERED_LOSS)
			say(f, PP_FIND_LOSS, "loss", c, buf);
		else if (g[j].kind != REPORT_CLIENT_IP_LOST &&
		         (d->verdict == CHAIN_STOPPED || d->verdict == CHAIN_PARTIAL))
			say(f, PP_FIND_STOP, "stop", c, buf);
	}
	for (uint32_t i = 0; i < d->nnat; i++) {
		report_nat_sentence(r, d, &d->nat[i], buf, sizeof buf);
		if (d->nat[i].kind == CHAIN_SNAT && !d->nat[i].reverse)
			say(f, PP_FIND_SNAT, "snat", c, buf);
		say(f, PP_FIND_NAT, "nat", c, buf);
	}
}

unsigned report_fail_on(const struct report_view *v, unsigned fail_on)
{
	struct fail_ctx f = {.fail_on = fail_on};

	for (size_t i = 0; i < v->nselected; i++) {
		const struct chain_conv *c = report_conv(v, i);

		for (int k = 0; c && k < 2; k++) {
			if (c->dir[k].present)
				dir_findings(&f, v->r, c, k);
		}
	}
	if (v->r->unmatched) {
		char buf[128];

		snprintf(buf, sizeof buf,
		         "%" PRIu64 " packets seen at one inner point of a path only",
		         v->r->unmatched);
		say(&f, PP_FIND_UNMATCHED, "unmatched", NULL, buf);
	}
	if (f.more)
		msg_info("--fail-on", "and %zu more", f.more);
	return f.found & fail_on;
}
