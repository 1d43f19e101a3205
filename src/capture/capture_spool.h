/* capture_spool.h - temporary copies of inputs that cannot be read as they
 * are (standard input, pipes, compressed files); see capture_spool.c. */
#ifndef PKTPATH_CAPTURE_SPOOL_H
#define PKTPATH_CAPTURE_SPOOL_H

#include "capture/capture.h"

enum spool_rc { SPOOL_NONE, SPOOL_COPIED, SPOOL_FAILED };

/* What to read instead of path ("-": standard input): SPOOL_COPIED with
 * sp->path set, SPOOL_NONE when path is read as it is, SPOOL_FAILED after
 * a message (the input is not read). */
enum spool_rc capture_spool_make(const char *path, struct capture_spool *sp);
void capture_spool_free(struct capture_spool *sp);

#endif
