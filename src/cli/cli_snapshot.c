/* cli_snapshot.c - the command line of `pktpath snapshot`: options, usage
 * and --help text; the recording itself is the topology stage's
 * (topo/snapshot.h).
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli_snapshot.h"
#include "cli/cli_suggest.h"
#include "topo/snapshot.h"
#include "util/msg.h"

static const char usage_text[] =
    "usage: pktpath snapshot [-o FILE] [--netns [ALIAS=]NAME|PID ...] [--all-netns]\n"
    "\n"
    "Records the links, addresses and routes of this network namespace and of\n"
    "the chosen ones as one JSON document, for pktpath --topology NODE=FILE.\n"
    "Read-only. Entering another namespace needs CAP_SYS_ADMIN.\n"
    "\n"
    "Options:\n"
    "      --all-netns        also every namespace in " RUN_NETNS "\n"
    "  -h, --help             show this help and exit\n"
    "      --netns [ALIAS=]NAME|PID\n"
    "                         also the namespace " RUN_NETNS "/NAME, or that of\n"
    "                         process PID (/proc/PID/ns/net), recorded as ALIAS\n"
    "                         when given (a pod's name); repeatable\n"
    "  -o, --output FILE      write to FILE (replaced atomically), not stdout\n"
    "\n"
    "Exit status: 0 success, 2 usage error or failure. See pktpath(1).\n";

enum { OPT_ALL_NETNS = 256, OPT_NETNS };

/* Sorted by name. */
static const struct option long_options[] = {
    {"all-netns", no_argument, NULL, OPT_ALL_NETNS},
    {"help", no_argument, NULL, 'h'},
    {"netns", required_argument, NULL, OPT_NETNS},
    {"output", required_argument, NULL, 'o'},
    {NULL, 0, NULL, 0},
};

static int parse_args(struct snap *s, int argc, char **argv)
{
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ho:", long_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage_text, stdout);
			return 1;
		case 'o':
			if (!*optarg) {
				msg_usage("snapshot: --output: empty file name");
				return -1;
			}
			s->output = optarg;
			break;
		case OPT_ALL_NETNS:
			s->all_netns = true;
			break;
		case OPT_NETNS:
			if (snapshot_add_netns(s, optarg) < 0)
				return -1;
			break;
		case ':':
			msg_usage("snapshot: option '%s' needs a value", argv[optind - 1]);
			return -1;
		default:
			cli_unknown_option("snapshot: ", long_options, argv[optind - 1], optopt);
			return -1;
		}
	}
	if (optind < argc) {
		msg_usage("snapshot: unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return 0;
}

int snapshot_main(int argc, char **argv)
{
	struct snap s = {0};
	int r;

	snapshot_init(&s);
	msg_set_usage_command("pktpath snapshot");
	r = parse_args(&s, argc, argv);
	if (r != 0) {
		snapshot_free(&s);
		return r > 0 ? PP_EXIT_OK : PP_EXIT_USAGE;
	}
	return snapshot_run(&s);
}
