/* analysis.h - runs the stages: inputs -> capture -> decode -> clock -> match
 * -> chain, and hands back the report model. main.c only calls this and a
 * report. */
#ifndef PKTPATH_ANALYSIS_H
#define PKTPATH_ANALYSIS_H

#include "pktpath/chain.h"
#include "pktpath/options.h"

/* Returns 0 with *out filled (inputs that could not be read were reported
 * and skipped), or -1 when nothing could be analysed. ro selects the
 * conversations --write-pcapng writes: those the report shows. */
struct report_opts;
int analysis_run(const struct pp_options *opt, const struct report_opts *ro,
                 struct chain_result *out);

#endif
