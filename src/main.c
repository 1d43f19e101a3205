/* main.c - runs the stages in order and maps the outcome to the exit status. */
#include <stdio.h>
#include <string.h>

#include "pktpath/msg.h"
#include "pktpath/options.h"
#include "pktpath/snapshot.h"

int main(int argc, char **argv)
{
	struct pp_options opt;
	int rc;

	if (argc > 1 && strcmp(argv[1], "snapshot") == 0)
		return snapshot_main(argc - 1, argv + 1);
	rc = cli_parse(&opt, argc, argv);
	if (rc != 0) {
		cli_free(&opt);
		return rc > 0 ? PP_EXIT_OK : PP_EXIT_USAGE;
	}
	msg_error("analysis", "not built yet");
	cli_free(&opt);
	return PP_EXIT_USAGE;
}
