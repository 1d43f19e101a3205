/* report_pcapng.h - --write-pcapng: the inputs merged into one pcapng file,
 * each packet commented with where the analysis put it.
 *
 * Two steps, because conversation ids, directions and paths are known only
 * once the analysis has finished: while it streams, pcapng_notes_observe()
 * (a chain observer) notes for each observation its (input, record number)
 * -> (flow tuple, point, in/out, kind) in 8 bytes, kept in one unlinked
 * temporary file per input behind a sliding window of NOTES_WINDOW records;
 * after chain_finish(), report_pcapng() reads the inputs a second time, in
 * corrected time order, and writes every packet with its comment. Memory is
 * that window per input that has packets (512 KiB) and, while writing, 5
 * bytes per distinct flow tuple (to map tuples to conversations): not a
 * function of capture length. The temporary files take 8 bytes per record
 * on disk ($TMPDIR, else /tmp).
 */
#ifndef PKTPATH_REPORT_PCAPNG_H
#define PKTPATH_REPORT_PCAPNG_H

#include <stddef.h>
#include <stdint.h>

#include "capture/capture.h"
#include "pktpath/chain.h"
#include "decode/decode.h"
#include "match/flow.h"
#include "match/match.h"
#include "chain/point.h"

struct pcapng_notes;

/* Opens OUT at once (so a bad path fails before a long analysis; a regular
 * OUT is written under a temporary name and replaced only when complete,
 * see out_file.h) and the note store. points and flows are the analysis's
 * and must outlive the notes. Returns NULL after a message when OUT cannot
 * be written. */
struct pcapng_notes *pcapng_notes_new(const char *out, const struct point_reg *points,
                                      struct flow_table *flows);
void pcapng_notes_free(struct pcapng_notes *n);

/* A chain_observer_fn (chain.h); arg is the struct pcapng_notes. */
void pcapng_notes_observe(void *arg, const struct match_ident *raw, const struct match_ident *hops);

/* One input of the analysis, as it was read. */
struct pcapng_input {
	const struct capture_input *in;
	int64_t offset;      /* ns its node's clock is ahead of the reference */
	uint32_t base_point; /* the input's own point (packets not noted) */
};

/* The second read: writes OUT from the inputs, the notes and the results.
 * bpf and dcfg are the analysis's (--packet-filter, tunnel ports). keep
 * (NULL: all) says per conversation index whether its packets are written:
 * the reported ones; with it, packets of no reported conversation are left
 * out too. Returns 0, or -1 after a message. */
int report_pcapng(struct pcapng_notes *n, const struct chain_result *r,
                  const struct pcapng_input *in, size_t nin, const char *bpf,
                  const struct decode_cfg *dcfg, const bool *keep);

#endif
