/* cli_suggest.h - an unknown option said with the option that was meant. */
#ifndef PKTPATH_CLI_SUGGEST_H
#define PKTPATH_CLI_SUGGEST_H

#include <getopt.h>

/* The usage message for an option getopt_long() did not take (arg is the
 * argument as typed, short_opt getopt's optopt): "unknown option '--fiter' (did you
 * mean '--filter'?)", or the options an ambiguous prefix could be. cmd is
 * "" for the analysis, "snapshot: " for the subcommand. */
void cli_unknown_option(const char *cmd, const struct option *opts, const char *arg, int short_opt);

/* The long option closest to name (without "--" and "=VALUE"), or NULL
 * when none is close enough to be what was meant. */
const char *cli_closest_option(const struct option *opts, const char *name);

#endif
