/* cli.c - command line of the analysis: option table, validation, --help. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_suggest.h"
#include "util/msg.h"
#include "pktpath/options.h"

static const char usage_text[] =
    "usage: pktpath [OPTIONS] POINT=FILE|FILE|DIR|- ...\n"
    "       pktpath snapshot [-o FILE] [--netns NAME|PID ...] [--all-netns]\n"
    "       pktpath merge [OPTIONS] RESULT.json ... (or JSON Lines on stdin)\n"
    "\n"
    "Reconstructs the path of every packet across several captures of one\n"
    "conversation: hop order, NAT rewrites, where packets stopped, and where\n"
    "the client's source address was lost.\n"
    "\n"
    "Inputs:\n"
    "  NODE/NAME=FILE          a capture taken at point NAME on machine NODE\n"
    "                          (node1/eth0=eth0.pcap); FILE may be the first\n"
    "                          file of a rotated set (p.pcap, p.pcap0, ...)\n"
    "  FILE                    a capture, point named after the file\n"
    "  DIR                     a bundle: DIR/NODE/.../NAME.pcap is point NODE/.../NAME\n"
    "  -, NODE/NAME=-          the capture on standard input (cat p.pcap | pktpath -)\n"
    "Any of them may be compressed (gzip, zstd, xz: p.pcap.gz).\n"
    "\n"
    "Options:\n"
    "      --clock NODE=SECONDS   NODE's clock runs SECONDS ahead of the first node's\n"
    "                             (instead of the estimate; said when the packets\n"
    "                             disagree by far)\n"
    "      --color WHEN           auto, always or never (auto honours NO_COLOR)\n"
    "      --conversation ADDR[:PORT]\n"
    "                             keep conversations that carry ADDR[:PORT] at any hop\n"
    "      --expect FILE          compare paths, NAT and verdicts with a saved JSON result\n"
    "      --fail-on LIST         exit 1 when a finding occurs: stop, loss, snat, nat,\n"
    "                             unmatched (each said on stderr)\n"
    "  -f, --filter EXPR          report the conversations with a packet that EXPR\n"
    "                             (pcap-filter) passes, at any point, inner headers\n"
    "                             of tunnels and before or after NAT included\n"
    "  -F, --format FMT           text (default), json, jsonl, markdown or dot\n"
    "      --geneve-port PORT     also decode UDP PORT as Geneve\n"
    "  -h, --help                 show this help and exit\n"
    "      --limit N              report only the N most interesting conversations\n"
    "      --packet-filter EXPR   drop every packet EXPR rejects (tcpdump's meaning)\n"
    "  -q, --quiet                print the findings only, one line each\n"
    "  -r FILE                    read FILE (as an argument FILE; repeatable)\n"
    "      --service-cidr CIDR    addresses in CIDR are service addresses\n"
    "      --shard K/N            analyse only the conversations of shard K of N\n"
    "                             (join the results with pktpath merge)\n"
    "      --topology NODE=FILE   NODE's topology (pktpath snapshot, or ip -j output)\n"
    "  -V, --version              show the version and exit\n"
    "      --vxlan-port PORT      also decode UDP PORT as VXLAN (4789, 8472 built in)\n"
    "      --window SECONDS       matching window after clock correction (default 0.5)\n"
    "  -w, --write-pcapng OUT     write the packets of the reported conversations,\n"
    "                             merged and commented, to OUT ('-': stdout, and no\n"
    "                             report)\n"
    "\n"
    "Exit status: 0 success, 1 a --fail-on finding occurred or --expect differed,\n"
    "2 usage or input error. See pktpath(1).\n";

enum {
	OPT_CLOCK = 256,
	OPT_COLOR,
	OPT_CONVERSATION,
	OPT_EXPECT,
	OPT_FAIL_ON,
	OPT_GENEVE_PORT,
	OPT_LIMIT,
	OPT_PACKET_FILTER,
	OPT_SERVICE_CIDR,
	OPT_SHARD,
	OPT_TOPOLOGY,
	OPT_VXLAN_PORT,
	OPT_WINDOW,
	OPT_WRITE_PCAPNG,
};

/* Sorted by name. */
static const struct option long_options[] = {
    {"clock", required_argument, NULL, OPT_CLOCK},
    {"color", required_argument, NULL, OPT_COLOR},
    {"conversation", required_argument, NULL, OPT_CONVERSATION},
    {"expect", required_argument, NULL, OPT_EXPECT},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
    {"filter", required_argument, NULL, 'f'},
    {"format", required_argument, NULL, 'F'},
    {"geneve-port", required_argument, NULL, OPT_GENEVE_PORT},
    {"help", no_argument, NULL, 'h'},
    {"limit", required_argument, NULL, OPT_LIMIT},
    {"packet-filter", required_argument, NULL, OPT_PACKET_FILTER},
    {"quiet", no_argument, NULL, 'q'},
    {"service-cidr", required_argument, NULL, OPT_SERVICE_CIDR},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"topology", required_argument, NULL, OPT_TOPOLOGY},
    {"version", no_argument, NULL, 'V'},
    {"vxlan-port", required_argument, NULL, OPT_VXLAN_PORT},
    {"window", required_argument, NULL, OPT_WINDOW},
    {"write-pcapng", required_argument, NULL, OPT_WRITE_PCAPNG},
    {NULL, 0, NULL, 0},
};

static void *xgrow(void *v, size_t n, size_t size)
{
	void *p = realloc(v, n * size);

	if (!p)
		msg_oom("options", n * size);
	return p;
}

static int parse_ulong(const char *opt, const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno || v > max) {
		msg_usage("--%s: '%s' is not a number from 0 to %lu", opt, s, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_seconds(const char *opt, const char *s, double max_abs, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno || !isfinite(v) || fabs(v) > max_abs) {
		msg_usage("--%s: '%s' is not a number of seconds within +-%g", opt, s, max_abs);
		return -1;
	}
	*out = v;
	return 0;
}

/* NODE=VALUE with both parts non-empty. */
static int parse_node_arg(const char *opt, char *s, struct pp_node_arg **v, size_t *n)
{
	char *eq = strchr(s, '=');
	struct pp_node_arg a = {0};

	if (!eq || eq == s || eq[1] == '\0') {
		msg_usage("--%s: '%s' is not of the form NODE=VALUE", opt, s);
		return -1;
	}
	a.node = strndup(s, (size_t)(eq - s));
	a.value = strdup(eq + 1);
	if (!a.node || !a.value)
		msg_oom("options", strlen(s) + 1);
	if (strcmp(opt, "clock") == 0 && parse_seconds(opt, a.value, 86400.0, &a.seconds) < 0) {
		free(a.node);
		free(a.value);
		return -1;
	}
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*v)[i].node, a.node) == 0) {
			msg_usage("--%s: node '%s' given twice", opt, a.node);
			free(a.node);
			free(a.value);
			return -1;
		}
	}
	*v = xgrow(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = a;
	return 0;
}

/* K/N with 1 <= K <= N <= 65536. */
static int parse_shard(const char *s, struct pp_options *opt)
{
	const char *slash = strchr(s, '/');
	unsigned long k, n;
	char *end;

	errno = 0;
	k = slash ? strtoul(s, &end, 10) : 0;
	if (!slash || end != slash || *s == '-' || *s == '\0' || errno)
		goto bad;
	n = strtoul(slash + 1, &end, 10);
	if (slash[1] == '\0' || slash[1] == '-' || *end != '\0' || errno || n < 1 || n > 65536 ||
	    k < 1 || k > n)
		goto bad;
	opt->shard = (uint32_t)(k - 1);
	opt->nshards = (uint32_t)n;
	return 0;
bad:
	msg_usage("--shard: '%s' is not K/N with 1 <= K <= N <= 65536", s);
	return -1;
}

static int parse_format(const char *s, enum pp_format *f)
{
	static const struct {
		const char *name;
		enum pp_format fmt;
	} names[] = {
	    {"text", PP_FMT_TEXT},         {"json", PP_FMT_JSON},   {"jsonl", PP_FMT_JSONL},
	    {"markdown", PP_FMT_MARKDOWN}, {"md", PP_FMT_MARKDOWN}, {"dot", PP_FMT_DOT},
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(s, names[i].name) == 0) {
			*f = names[i].fmt;
			return 0;
		}
	}
	msg_usage("--format: '%s' is not one of text, json, jsonl, markdown, dot", s);
	return -1;
}

static int parse_color(const char *s, enum pp_color *c)
{
	if (strcmp(s, "auto") == 0)
		*c = PP_COLOR_AUTO;
	else if (strcmp(s, "always") == 0)
		*c = PP_COLOR_ALWAYS;
	else if (strcmp(s, "never") == 0)
		*c = PP_COLOR_NEVER;
	else {
		msg_usage("--color: '%s' is not one of auto, always, never", s);
		return -1;
	}
	return 0;
}

static int parse_fail_on(const char *s, unsigned *bits)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {
	    {"stop", PP_FIND_STOP},           {"snat", PP_FIND_SNAT}, {"nat", PP_FIND_NAT},
	    {"unmatched", PP_FIND_UNMATCHED}, {"loss", PP_FIND_LOSS},
	};
	const char *p = s;

	while (*p) {
		size_t len = strcspn(p, ",");
		size_t i;

		for (i = 0; i < sizeof names / sizeof names[0]; i++) {
			if (strlen(names[i].name) == len && strncmp(p, names[i].name, len) == 0)
				break;
		}
		if (i == sizeof names / sizeof names[0]) {
			msg_usage(
			    "--fail-on: '%.*s' is not one of stop, loss, snat, nat, unmatched",
			    (int)len, p);
			return -1;
		}
		*bits |= names[i].bit;
		p += len;
		if (*p == ',')
			p++;
	}
	if (*bits == 0) {
		msg_usage("--fail-on: empty list");
		return -1;
	}
	return 0;
}

static int add_tunnel_port(struct pp_options *opt, const char *name, const char *s, uint8_t kind)
{
	unsigned long port;

	if (parse_ulong(name, s, 65535, &port) < 0)
		return -1;
	if (port == 0) {
		msg_usage("--%s: port 0 is not a UDP port", name);
		return -1;
	}
	if (opt->ntunnel_ports == sizeof opt->tunnel_ports / sizeof opt->tunnel_ports[0]) {
		msg_usage("--%s: too many tunnel ports", name);
		return -1;
	}
	opt->tunnel_ports[opt->ntunnel_ports] = (uint16_t)port;
	opt->tunnel_kinds[opt->ntunnel_ports] = kind;
	opt->ntunnel_ports++;
	return 0;
}

static int parse_one(struct pp_options *opt, int c, char *arg)
{
	unsigned long n;
	double secs;

	switch (c) {
	case 'f':
		opt->filter = arg;
		return 0;
	case 'F':
		opt->format_given = true;
		return parse_format(arg, &opt->format);
	case 'q':
		opt->quiet = true;
		return 0;
	case 'r':
		opt->inputs = xgrow(opt->inputs, opt->ninputs + 1, sizeof *opt->inputs);
		opt->inputs[opt->ninputs++] = arg;
		return 0;
	case 'w':
		opt->write_pcapng = arg;
		return 0;
	case OPT_PACKET_FILTER:
		opt->packet_filter = arg;
		return 0;
	case OPT_CLOCK:
		return parse_node_arg("clock", arg, &opt->clocks, &opt->nclocks);
	case OPT_COLOR:
		return parse_color(arg, &opt->color);
	case OPT_CONVERSATION:
		opt->conversation = arg;
		return 0;
	case OPT_EXPECT:
		opt->expect = arg;
		return 0;
	case OPT_FAIL_ON:
		return parse_fail_on(arg, &opt->fail_on);
	case OPT_GENEVE_PORT:
		return add_tunnel_port(opt, "geneve-port", arg, 2);
	case OPT_LIMIT:
		if (parse_ulong("limit", arg, 1000000000ul, &n) < 0)
			return -1;
		opt->limit = n;
		return 0;
	case OPT_SERVICE_CIDR:
		opt->service_cidrs =
		    xgrow(opt->service_cidrs, opt->nservice_cidrs + 1, sizeof(char *));
		opt->service_cidrs[opt->nservice_cidrs++] = arg;
		return 0;
	case OPT_SHARD:
		return parse_shard(arg, opt);
	case OPT_TOPOLOGY:
		return parse_node_arg("topology", arg, &opt->topologies, &opt->ntopologies);
	case OPT_VXLAN_PORT:
		return add_tunnel_port(opt, "vxlan-port", arg, 1);
	case OPT_WINDOW:
		if (parse_seconds("window", arg, 3600.0, &secs) < 0)
			return -1;
		if (secs < 1e-9) {
			msg_usage("--window: must be at least 1 ns (0.000000001)");
			return -1;
		}
		opt->window_ns = (int64_t)(secs * 1e9);
		return 0;
	case OPT_WRITE_PCAPNG:
		opt->write_pcapng = arg;
		return 0;
	default:
		msg_usage("unknown option");
		return -1;
	}
}

/* Options that cannot go together, said before anything is read. */
static int check_combinations(const struct pp_options *opt)
{
	bool to_stdout = opt->write_pcapng && strcmp(opt->write_pcapng, "-") == 0;

	if (opt->quiet && opt->format != PP_FMT_TEXT) {
		msg_usage("-q prints the findings as text: not with --format %s",
		          opt->format == PP_FMT_JSON    ? "json"
		          : opt->format == PP_FMT_JSONL ? "jsonl"
		          : opt->format == PP_FMT_DOT   ? "dot"
		                                        : "markdown");
		return -1;
	}
	if (opt->nshards && opt->write_pcapng) {
		/* a shard knows only its own conversations' packets */
		msg_usage("--write-pcapng cannot be combined with --shard");
		return -1;
	}
	if (to_stdout && (opt->format_given || opt->quiet)) {
		msg_usage("--write-pcapng -: standard output carries the pcapng, there is no room "
		          "for a report (%s): write the pcapng to a file instead",
		          opt->quiet ? "-q" : "--format");
		return -1;
	}
	return 0;
}

static const char merge_usage_text[] =
    "usage: pktpath merge [OPTIONS] [RESULT ...]\n"
    "\n"
    "Joins the JSON results of pktpath --shard K/N runs (--format json or jsonl;\n"
    "several results may follow each other in one file) into the report one\n"
    "run over all the captures gives. Without RESULT, or with '-', reads\n"
    "standard input.\n"
    "\n"
    "Options: --color, --conversation, --expect, --fail-on, -F/--format, --limit,\n"
    "-q/--quiet, -h/--help, -V/--version, as for the analysis. See pktpath(1),\n"
    "SHARDING.\n";

/* Options of the analysis that do not apply to merging results. */
static bool merge_takes(int c)
{
	return c == 'F' || c == 'h' || c == 'q' || c == 'V' || c == OPT_COLOR ||
	       c == OPT_CONVERSATION || c == OPT_EXPECT || c == OPT_FAIL_ON || c == OPT_LIMIT;
}

static int parse(struct pp_options *opt, int argc, char **argv, bool merge)
{
	int c, at;

	memset(opt, 0, sizeof *opt);
	opt->window_ns = 500 * 1000 * 1000;
	opterr = 0;
	optind = 1;
	for (;;) {
		at = -1;
		if ((c = getopt_long(argc, argv, ":f:F:hqr:Vw:", long_options, &at)) == -1)
			break;
		if (merge && c != '?' && c != ':' && !merge_takes(c)) {
			if (at >= 0)
				msg_usage("merge: --%s is an option of the analysis, not of merge",
				          long_options[at].name);
			else
				msg_usage("merge: -%c is an option of the analysis, not of merge",
				          c);
			return -1;
		}
		switch (c) {
		case 'h':
			fputs(merge ? merge_usage_text : usage_text, stdout);
			return 1;
		case 'V':
			printf("pktpath %s\n", PKTPATH_VERSION);
			return 1;
		case '?':
			cli_unknown_option("", long_options, argv[optind - 1], optopt);
			return -1;
		case ':':
			msg_usage("option '%s' needs a value", argv[optind - 1]);
			return -1;
		default:
			if (parse_one(opt, c, optarg) < 0)
				return -1;
		}
	}
	for (; optind < argc; optind++) {
		opt->inputs = xgrow(opt->inputs, opt->ninputs + 1, sizeof *opt->inputs);
		opt->inputs[opt->ninputs++] = argv[optind];
	}
	if (opt->ninputs == 0 && merge) {
		opt->inputs = xgrow(opt->inputs, 1, sizeof *opt->inputs);
		opt->inputs[opt->ninputs++] = "-"; /* standard input */
	}
	if (opt->ninputs == 0) {
		msg_usage("no capture given");
		return -1;
	}
	return check_combinations(opt);
}

int cli_parse(struct pp_options *opt, int argc, char **argv)
{
	return parse(opt, argc, argv, false);
}

int cli_parse_merge(struct pp_options *opt, int argc, char **argv)
{
	return parse(opt, argc, argv, true);
}

void cli_free(struct pp_options *opt)
{
	for (size_t i = 0; i < opt->nclocks; i++) {
		free(opt->clocks[i].node);
		free(opt->clocks[i].value);
	}
	free(opt->clocks);
	for (size_t i = 0; i < opt->ntopologies; i++) {
		free(opt->topologies[i].node);
		free(opt->topologies[i].value);
	}
	free(opt->topologies);
	free(opt->service_cidrs);
	free(opt->inputs);
	opt->inputs = NULL;
	opt->clocks = NULL;
	opt->topologies = NULL;
	opt->service_cidrs = NULL;
}
