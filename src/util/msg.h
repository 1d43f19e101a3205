/* msg.h - the one place that writes messages to stderr, and the exit codes. */
#ifndef PKTPATH_MSG_H
#define PKTPATH_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pp_exit { PP_EXIT_OK = 0, PP_EXIT_FOUND = 1, PP_EXIT_USAGE = 2 };

#define PP_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/* "pktpath: <what>: <why>" on stderr. */
void msg_error(const char *what, const char *fmt, ...) PP_PRINTF(2, 3);
/* Like msg_error(), for mistakes on the command line: adds a hint to --help
 * ("try 'pktpath --help'", or the command msg_set_usage_command() names). */
void msg_usage(const char *fmt, ...) PP_PRINTF(1, 2);
void msg_set_usage_command(const char *cmd);
/* "pktpath: warning: <what>: <why>", for problems the run goes on past. */
void msg_warn(const char *what, const char *fmt, ...) PP_PRINTF(2, 3);

/* "pktpath: <what>: <text>" for information asked for (--expect's
 * differences): not counted as an error, printed even when quiet. */
void msg_info(const char *what, const char *fmt, ...) PP_PRINTF(2, 3);

/* Progress lines go to stderr only when it is a terminal; a progress line is
 * overwritten by the next and erased by msg_progress_done(). */
bool msg_progress_enabled(void);
void msg_progress(const char *fmt, ...) PP_PRINTF(1, 2);
void msg_progress_done(void);

/* Progress is shown for inputs of at least this many bytes in all. */
#define MSG_PROGRESS_MIN_BYTES (100ull * 1000 * 1000)

/* True at most every MSG_PROGRESS_INTERVAL_MS (and only on a terminal),
 * and at the first call after msg_progress_done(): cheap enough (a vDSO
 * clock read) to ask every thousand packets. */
#define MSG_PROGRESS_INTERVAL_MS 250
bool msg_progress_due(void);
/* "pktpath: <what>: 1234 of 4567 MB (27%)" as a progress line. */
void msg_progress_bytes(const char *what, uint64_t done, uint64_t total);

/* While quiet, messages are neither printed nor counted (a second read of
 * the same inputs must not repeat what the first one said). */
void msg_set_quiet(bool quiet);

/* "pktpath: out of memory (<what>, <bytes> bytes)" and exit status 2, for
 * an allocation that failed: the run cannot go on, and a message says why
 * where abort() said nothing. Safe in any thread; no allocation. */
_Noreturn void msg_oom(const char *what, size_t bytes);

/* The warnings and errors said so far, for the reports (msg_log.c). */
struct msg_record {
	bool error;
	char *file;       /* the <what> of the message, or NULL */
	const char *kind; /* "missing_piece", "skipped_file", "cut_record", ... */
	char *message;
};
void msg_log_add(bool error, const char *what, const char *text);
size_t msg_log_count(void);
const struct msg_record *msg_log_get(size_t i); /* valid until the process ends */
size_t msg_log_dropped(void);                   /* past the log's bound */
void msg_log_drop(size_t n); /* n more were left out (pktpath merge: a result's) */
void msg_log_free(void);     /* at exit */

/* Number of msg_error() calls so far: input errors make the exit status 2. */
unsigned msg_error_count(void);

#endif
