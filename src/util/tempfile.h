/* tempfile.h - where pktpath keeps its temporary files: $TMPDIR, else /tmp.
 *
 * Three kinds, all unlinked as soon as they are created, so that nothing
 * is left behind whatever ends the run (even SIGKILL) and no other user
 * can swap them in a shared directory: the finished conversations
 * (chain_store.c), --write-pcapng's packet notes, and copies of pipe
 * inputs (read more than once). Messages about them name the directory.
 */
#ifndef PKTPATH_TEMPFILE_H
#define PKTPATH_TEMPFILE_H

/* $TMPDIR when set and not empty, else /tmp. */
const char *tempfile_dir(void);

/* A new file in tempfile_dir(), opened read-write and already unlinked
 * (prefix names it while it exists, for a person watching the folder).
 * Returns the descriptor, or -1 with errno set. */
int tempfile_open(const char *prefix);

#endif
