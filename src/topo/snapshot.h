/* snapshot.h - `pktpath snapshot`: links, addresses and routes of network
 * namespaces, read with libnl-route-3 and written as JSON. */
#ifndef PKTPATH_SNAPSHOT_H
#define PKTPATH_SNAPSHOT_H

/* argv[0] is "snapshot". Returns an exit status (enum pp_exit). */
int snapshot_main(int argc, char **argv);

#endif
