/* cli_snapshot.h - `pktpath snapshot`'s command line (cli_snapshot.c). */
#ifndef PKTPATH_CLI_SNAPSHOT_H
#define PKTPATH_CLI_SNAPSHOT_H

/* argv[0] is "snapshot". Returns an exit status (enum pp_exit). */
int snapshot_main(int argc, char **argv);

#endif
