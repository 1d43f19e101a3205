/* cleanup.c - removes registered temporary files when pktpath ends early:
 * on SIGINT, SIGTERM, SIGHUP, at exit() and out of memory.
 *
 * The list is a fixed array of path buffers, so that the signal handler
 * only reads memory that never moves and calls only unlink(2).
 */
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"

static char paths[CLEANUP_MAX][PATH_MAX];
static atomic_int used[CLEANUP_MAX];

void cleanup_run(void)
{
	for (int i = 0; i < CLEANUP_MAX; i++) {
		if (atomic_exchange(&used[i], 0))
			unlink(paths[i]);
	}
}

static void on_signal(int sig)
{
	sigset_t s;

	cleanup_run();
	/* end by the signal itself, so that the caller (a shell, make) sees
	 * an interrupted run, not an error */
	signal(sig, SIG_DFL);
	sigemptyset(&s);
	sigaddset(&s, sig);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	raise(sig);
	_exit(128 + sig);
}

void cleanup_install(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction old;

		/* a signal ignored by whoever started pktpath (nohup) stays so */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
	atexit(cleanup_run);
}

int cleanup_add(const char *path)
{
	size_t n = strlen(path);

	if (n >= PATH_MAX)
		return -1;
	for (int i = 0; i < CLEANUP_MAX; i++) {
		if (atomic_load(&used[i]))
			continue;
		memcpy(paths[i], path, n + 1);
		atomic_store(&used[i], 1); /* after the copy: the handler may run now */
		return i;
	}
	return -1;
}

void cleanup_forget(int slot)
{
	if (slot >= 0 && slot < CLEANUP_MAX)
		atomic_store(&used[slot], 0);
}
