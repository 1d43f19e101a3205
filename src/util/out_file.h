/* out_file.h - a result file the user named (snapshot -o, --write-pcapng):
 * complete or absent, and nothing replaced that should not be.
 *
 * OUT that is a regular file, or does not exist, is written under a
 * temporary name beside it (".NAME.XXXXXX", removed on any abnormal end)
 * and renamed over it once complete: readers see the old file or the new
 * one. OUT that is a character device (/dev/null, a terminal) or a FIFO
 * with a reader is written into directly, never replaced by a regular
 * file. Anything else is refused with one message: a symbolic link to
 * anything but a device or FIFO (a link is never followed and replaced),
 * a directory, a block device, a socket, a FIFO that nobody reads.
 * OUT "-" is standard output, written into; messages call it "stdout".
 */
#ifndef PKTPATH_OUT_FILE_H
#define PKTPATH_OUT_FILE_H

#include <stdio.h>

struct out_file {
	char *path;
	char *tmp; /* NULL: writing into path itself */
	FILE *fp;
	int slot; /* cleanup slot of tmp */
};

/* Opens OUT as above. Returns 0, or -1 after a message naming it. */
int out_file_open(struct out_file *o, const char *path);

/* Flushes, syncs, closes, and renames the temporary over OUT. Returns 0, or
 * -1 after a message (the temporary removed, OUT as it was). */
int out_file_commit(struct out_file *o);

/* Closes and removes the temporary, leaving OUT as it was. */
void out_file_discard(struct out_file *o);

#endif
