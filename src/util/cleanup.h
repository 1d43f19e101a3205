/* cleanup.h - temporary files that must not outlive an abnormal end.
 *
 * A result is written under a temporary name and renamed when complete; if
 * pktpath is interrupted (SIGINT, SIGTERM, SIGHUP), runs out of memory or
 * exits on an error first, the temporary is removed, so that neither a
 * half-written file nor a stray temporary is left behind.
 */
#ifndef PKTPATH_CLEANUP_H
#define PKTPATH_CLEANUP_H

/* Catches SIGINT, SIGTERM and SIGHUP: the registered files are removed,
 * then the signal ends the process as it would have (exit status 130, 143
 * or 129 in a shell). Also removes them at exit(). Call once, early. */
void cleanup_install(void);

/* Registers a file to remove (the path is copied). Returns a slot for
 * cleanup_forget(), or -1 when the path is too long or the list is full
 * (CLEANUP_MAX files at once). Not for use from several threads. */
#define CLEANUP_MAX 16
int cleanup_add(const char *path);

/* The file is no longer pktpath's to remove (it was renamed or removed). */
void cleanup_forget(int slot);

/* Removes every registered file. Async-signal-safe. */
void cleanup_run(void);

#endif
