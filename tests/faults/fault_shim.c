/* fault_shim.c - an LD_PRELOAD library that injects a fault at an exact
 * moment of a pktpath run, for tests/faults: when libpcap opens the file
 * PP_FAULT_PATH for the PP_FAULT_AT-th time (libpcap opens a capture once
 * per pass: 1 when the arguments are expanded, 2 the clock sample, 3 the
 * analysis, 4 --write-pcapng's second read), first
 *   PP_FAULT_SWAP=FILE   renames FILE over PP_FAULT_PATH (an input replaced
 *                        between two passes), or
 *   PP_FAULT_SIGNAL=N    sends signal N to the process (an interrupt at
 *                        that moment).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fault(const char *path)
{
	static int count;
	const char *want = getenv("PP_FAULT_PATH"), *at = getenv("PP_FAULT_AT");
	const char *swap = getenv("PP_FAULT_SWAP"), *sig = getenv("PP_FAULT_SIGNAL");

	if (!want || !at || strcmp(path, want) != 0 || ++count != atoi(at))
		return;
	if (swap && rename(swap, want) != 0)
		perror("fault_shim: rename");
	if (sig)
		raise(atoi(sig));
}

typedef FILE *open_fn(const char *, const char *);

/* The libc function named, after the fault. */
static FILE *open_next(const char *name, open_fn **real, const char *path, const char *mode)
{
	if (!*real)
		*real = (open_fn *)dlsym(RTLD_NEXT, name);
	fault(path);
	return (*real)(path, mode);
}

FILE *fopen(const char *path, const char *mode)
{
	static open_fn *real;

	return open_next("fopen", &real, path, mode);
}

FILE *fopen64(const char *path, const char *mode)
{
	static open_fn *real;

	return open_next("fopen64", &real, path, mode);
}
