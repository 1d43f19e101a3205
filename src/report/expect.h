/* expect.h - --expect FILE: this run's paths, NAT and verdicts against a
 * saved JSON result (pktpath --format json, or jsonl).
 *
 * Compared per conversation and direction: presence, verdict, the path
 * (points with in/out), where it stopped and the expected next point, what
 * answered it, where the client IP was lost, and the NAT rewrites as a
 * multiset. Not compared: times, latencies, packet, segment and copy
 * counts, clock offsets, ids, what was ignored.
 *
 * Conversations are paired by origin (proto, src, sport, dst, dport); the
 * rest by (proto, src, dst, dport) in order of their ids, because a
 * client's source port is ephemeral and differs on every real run. For the
 * same reason the client's ports are masked in NAT rewrites (source side
 * of the forward direction, destination side of the reverse one).
 * Multicast and broadcast chatter (a group destination, no stop, no
 * reverse direction: IGMP, MLD, neighbour discovery) is left out on both
 * sides: it comes and goes between runs. The conversations compared are
 * those the run reports (after --conversation and --limit), so save the
 * result with the same options.
 */
#ifndef PKTPATH_EXPECT_H
#define PKTPATH_EXPECT_H

#include "report/report.h"

struct expect;

/* Reads and checks the saved result; NULL after a message when it cannot be
 * read or is not a pktpath result of a known schema version. */
struct expect *expect_load(const char *path);

/* Prints each difference on stderr, one line each ("pktpath: expect:
 * conv 2 tcp a:1 -> b:80 forward: path changed: was ..., now ..."), then a
 * count; returns the number of differences (0: equal). */
size_t expect_compare(const struct expect *e, const struct report_view *v);

void expect_free(struct expect *e);

#endif
