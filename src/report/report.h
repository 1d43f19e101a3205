/* report.h - the output formats. Each reads only the report model (chain.h). */
#ifndef PKTPATH_REPORT_H
#define PKTPATH_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "pktpath/chain.h"

struct report_opts {
	bool color;
	unsigned long limit;      /* 0: all */
	const char *conversation; /* ADDR[:PORT] filter, or NULL */
	const char *select;       /* -f: conversations a packet of which it passed */
	bool quiet;               /* -q: the text report's findings only */
};

/* Which conversations to show, in order: those -f selected and a filter by
 * address, then the most interesting first (stops, partial, client IP
 * lost, NAT) when a limit is given, otherwise in order of their first
 * packet. */
struct report_view {
	const struct chain_result *r;
	size_t *idx;      /* conversations of r, in the order shown */
	size_t nconv;     /* shown (after --limit) */
	size_t nselected; /* selected by --conversation and -f: idx holds them all */
	bool filtered;    /* --conversation or -f was given */
	bool quiet;       /* -q */
};

/* The i-th conversation of the view; valid while fewer than 1024 others
 * are loaded (see chain_result_conv()). */
const struct chain_conv *report_conv(const struct report_view *v, size_t i);

/* Checks the report options before the analysis reads anything: -1 (after
 * a usage message) when the --conversation value is bad. */
int report_opts_check(const struct report_opts *o);

/* Returns -1 (after a usage message) when the --conversation value is bad.
 * With -f, warns about every point none of whose packets belongs to a
 * selected conversation. */
int report_view_make(struct report_view *v, const struct chain_result *r,
                     const struct report_opts *o);
void report_view_free(struct report_view *v);

/* Summary counts over the whole result (not only the view). */
struct report_findings {
	size_t conversations;
	size_t stopped, partial, delivered;
	size_t client_ip_lost;
	size_t nat, snat;
	uint64_t unmatched;
	uint64_t ignored;
	uint64_t read;
	size_t recovered_loss; /* conversations with loss TCP recovered */
	size_t gaps;           /* capture gaps reported over all points */
	size_t not_judged;     /* conversations with a direction not judged */
};
void report_findings(const struct chain_result *r, struct report_findings *f);
/* "limits reached: ..." of the analysis (chain_limits) in words; 0 when
 * none was reached. */
size_t report_limits_sentence(const struct chain_result *r, char *buf, size_t len);
/* The counts a report's header shows: over every conversation, or over
 * those --conversation selected. */
void report_view_findings(const struct report_view *v, struct report_findings *f);

/* --fail-on: the findings (enum pp_finding bits) among the selected
 * conversations that fail_on names, each said on stderr as
 * "pktpath: --fail-on stop: conv 3 tcp ...: reverse MTU black hole: ...". */
unsigned report_fail_on(const struct report_view *v, unsigned fail_on);
/* Is a point's gap one the reports show: known from the inputs, or one
 * that kept packets from being judged? */
bool report_gap_reported(const struct chain_gap *g);

/* A point's name, "(unknown)" for an out-of-range id; a hop as its point,
 * with "(in)"/"(out)" when the point sees the packet twice. */
const char *report_point_name(const struct chain_result *r, int64_t point);
void report_hop_name(const struct chain_result *r, const struct chain_hop *h, char *buf,
                     size_t len);
/* "a -> b" for a conversation's origin (no destination port for ICMP echo). */
void report_tuple_text(const struct pp_tuple *t, char *buf, size_t len);

/* What the topology knows of an address, for people: "service",
 * "pod pod-nginx1 on node2", "node1 eth0 address"; "" when nothing. */
void report_addr_note(const struct chain_result *r, const struct pp_addr *a, char *buf, size_t len);

/* Findings as sentences, shared by the text and Markdown reports. */
void report_nat_sentence(const struct chain_result *r, const struct chain_dir *d,
                         const struct chain_nat *n, char *buf, size_t len);
void report_stop_sentence(const struct chain_result *r, const struct chain_dir *d, char *buf,
                          size_t len);
/* What sets the stopped packets of a partial direction apart ("" if none). */
void report_stop_detail(const struct chain_dir *d, char *buf, size_t len);
void report_answer_sentence(const struct chain_result *r, const struct chain_conv *c,
                            const struct chain_dir *d, char *buf, size_t len);
void report_lost_sentence(const struct chain_result *r, const struct chain_dir *d, char *buf,
                          size_t len);
/* Recovered loss and packets not judged for a capture gap. */
/* A direction not judged (CHAIN_NOT_JUDGED): where it was seen last and
 * why that is not a stop. */
void report_not_judged_sentence(const struct chain_result *r, const struct chain_dir *d, char *buf,
                                size_t len);
void report_recovered_sentence(const struct chain_result *r, const struct chain_dir *d, char *buf,
                               size_t len);
void report_gap_sentence(const struct chain_result *r, const struct chain_dir *d, char *buf,
                         size_t len);
/* A clock offset in seconds with its sign and 6 decimals ("+1.700000",
 * "-0.000512"); what rounds to zero is "+0.000000". */
void report_seconds(int64_t ns, char *buf, size_t len);
/* HH:MM:SS.uuuuuu (UTC) of a time in ns. */
void report_time(int64_t ns, char *buf, size_t len);
/* "2026-11-23T14:06:33.290345789Z", the JSON's *_time members (exact to
 * the nanosecond, where the *_ts numbers are not); false if out of range.
 * A negative remainder is written with its sign (result_load.c reads it). */
bool report_iso_time(int64_t ns, char *buf, size_t len);
/* "also seen at node1/cni0 (12): ..." for copies; "" when none. */
void report_copies_sentence(const struct chain_result *r, const struct chain_dir *d, char *buf,
                            size_t len);

/* What a direction's findings mean (report_diagnose.c): a named failure
 * where the packets show its signature, with the evidence. */
enum report_kind {
	REPORT_STOPPED,
	REPORT_PARTIAL,
	REPORT_MTU_BLACKHOLE,
	REPORT_SERVICE_NO_ENDPOINTS,
	REPORT_LOCAL_POLICY_NO_ENDPOINT,
	REPORT_SILENT_DROP,
	REPORT_REFUSED,
	REPORT_ASYMMETRIC_RETURN,
	REPORT_CLIENT_IP_LOST,
	REPORT_RECOVERED_LOSS,
	REPORT_NOT_JUDGED,
	REPORT__KINDS
};

struct report_diag {
	enum report_kind kind;
	int64_t point; /* where it shows, or -1 */
	char evidence[2560];
};

#define REPORT_DIAG_MAX 3 /* per direction: its stop, client IP, recovered loss */

/* The findings of direction k of conversation c, most important first;
 * returns how many were written to out (at most max). */
size_t report_diagnose(const struct chain_result *r, const struct chain_conv *c, int k,
                       struct report_diag *out, size_t max);
/* "mtu_blackhole" (the JSON's kind) and "MTU black hole" (for people). */
const char *report_kind_name(enum report_kind k);
const char *report_kind_title(enum report_kind k);
/* "reverse MTU black hole: 16 packets of 1500 bytes ..." (k: the direction). */
void report_diag_text(const struct report_diag *g, int k, char *buf, size_t len);

/* Multicast/broadcast chatter (IGMP, MLD, neighbour discovery): left out of
 * the reports for people, summed up in one line; JSON keeps it. */
bool report_is_noise(const struct chain_conv *c);

/* "port unreachable", "fragmentation needed", ... */
const char *report_icmp_name(uint8_t family, uint8_t type, uint8_t code);

int report_text(FILE *out, const struct report_view *v, const struct report_opts *o);
int report_json(FILE *out, const struct report_view *v, bool lines);
/* One conversation object of the JSON reports (report_json_conv.c);
 * `lines` adds the "type" member of JSON Lines. */
struct json_writer;
void report_json_conv(struct json_writer *w, const struct chain_result *r,
                      const struct chain_conv *c, bool lines);
int report_markdown(FILE *out, const struct report_view *v);
int report_dot(FILE *out, const struct report_view *v);

#endif
