/* options.h - the parsed command line; no library types. */
#ifndef PKTPATH_OPTIONS_H
#define PKTPATH_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKTPATH_VERSION "0.1.0"

enum pp_format { PP_FMT_TEXT, PP_FMT_JSON, PP_FMT_JSONL, PP_FMT_MARKDOWN, PP_FMT_DOT };

enum pp_color { PP_COLOR_AUTO, PP_COLOR_ALWAYS, PP_COLOR_NEVER };

/* Findings that --fail-on can name. */
enum pp_finding {
	PP_FIND_STOP = 1u << 0,
	PP_FIND_SNAT = 1u << 1,
	PP_FIND_NAT = 1u << 2,
	PP_FIND_UNMATCHED = 1u << 3,
	PP_FIND_LOSS = 1u << 4, /* loss that TCP recovered */
};

/* NODE=VALUE pairs (--clock, --topology). */
struct pp_node_arg {
	char *node;
	char *value;
	double seconds; /* --clock only */
};

struct pp_options {
	enum pp_format format;
	enum pp_color color;
	const char *filter;        /* -f: selects conversations by any of their packets */
	const char *packet_filter; /* --packet-filter: drops the packets it rejects */
	const char *write_pcapng;  /* --write-pcapng OUT (-w); "-": standard output */
	bool quiet;                /* -q: the findings only */
	bool format_given;         /* -F was given */
	const char *expect;        /* --expect FILE */
	const char *conversation;  /* --conversation ADDR[:PORT] */
	unsigned fail_on;          /* enum pp_finding bits */
	unsigned long limit;       /* --limit N, 0 = all */
	int64_t window_ns;         /* --window: matching window */
	uint32_t shard, nshards;   /* --shard K/N: shard 0..N-1 of N; nshards 0: none */
	struct pp_node_arg *clocks;
	size_t nclocks;
	struct pp_node_arg *topologies;
	size_t ntopologies;
	char **service_cidrs;
	size_t nservice_cidrs;
	uint16_t tunnel_ports[8]; /* --vxlan-port / --geneve-port additions */
	uint8_t tunnel_kinds[8];
	size_t ntunnel_ports;
	char **inputs; /* POINT=FILE, FILE or DIR ("-": standard input); -r FILE first */
	size_t ninputs;
};

/* Parses argv for the analysis command. Returns -1 after printing a usage
 * message, 0 on success, 1 when --help or --version was handled. The
 * strings point into argv; cli_free() frees what cli_parse() allocated. */
int cli_parse(struct pp_options *opt, int argc, char **argv);
/* The same for `pktpath merge` (argv[0] is "merge"): the report options
 * only; inputs are JSON results, standard input when none is given. */
int cli_parse_merge(struct pp_options *opt, int argc, char **argv);
void cli_free(struct pp_options *opt);

#endif
