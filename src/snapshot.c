/* snapshot.c - `pktpath snapshot` (placeholder until the libnl reader lands). */
#include "pktpath/msg.h"
#include "pktpath/snapshot.h"

int snapshot_main(int argc, char **argv)
{
	msg_error("snapshot", "not built yet");
	return PP_EXIT_USAGE;
}
