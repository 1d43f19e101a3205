/* msg.c - stderr messages in one format: "pktpath: <what>: <why>". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/escape.h"
#include "util/msg.h"

/* the reading thread reports bad inputs while the analysis goes on */
static _Atomic unsigned error_count;
static bool progress_shown;
static int64_t progress_next; /* ms, CLOCK_MONOTONIC: 0 after msg_progress_done() */
static bool quiet;
static const char *usage_command = "pktpath";

void msg_set_usage_command(const char *cmd)
{
	usage_command = cmd;
}

void msg_set_quiet(bool q)
{
	quiet = q;
}

/* File and interface names come from customers: a message is one line,
 * and an ESC or a newline in a name must not reach the terminal raw. */
PP_PRINTF(3, 0)
static void vmsg(const char *prefix, const char *what, const char *fmt, va_list ap, int log)
{
	char buf[4096], *text = buf;
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	if (n >= (int)sizeof buf && (text = malloc((size_t)n + 1)))
		vsnprintf(text, (size_t)n + 1, fmt, again);
	else
		text = buf;
	va_end(again);
	msg_progress_done();
	fputs("pktpath: ", stderr);
	if (prefix)
		fputs(prefix, stderr);
	if (what) {
		esc_fputs(stderr, what);
		fputs(": ", stderr);
	}
	esc_fputs(stderr, n >= 0 ? text : fmt);
	fputc('\n', stderr);
	if (log >= 0)
		msg_log_add(log == 1, what, n >= 0 ? text : fmt);
	if (text != buf)
		free(text);
}

void msg_error(const char *what, const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	error_count++;
	va_start(ap, fmt);
	vmsg(NULL, what, fmt, ap, 1);
	va_end(ap);
}

void msg_usage(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	error_count++;
	va_start(ap, fmt);
	vmsg(NULL, NULL, fmt, ap, -1);
	va_end(ap);
	fprintf(stderr, "pktpath: try '%s --help' for more information\n", usage_command);
}

void msg_warn(const char *what, const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vmsg("warning: ", what, fmt, ap, 0);
	va_end(ap);
}

void msg_info(const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, what, fmt, ap, -1);
	va_end(ap);
}

void msg_oom(const char *what, size_t bytes)
{
	char buf[256];
	int n;

	/* no stdio: another thread may hold stderr's lock, and printf may
	 * allocate; _exit: atexit handlers and buffered reports are of no use */
	if (bytes)
		n = snprintf(buf, sizeof buf, "pktpath: out of memory (%s, %zu bytes)\n", what,
		             bytes);
	else
		n = snprintf(buf, sizeof buf, "pktpath: out of memory (%s)\n", what);
	if (n > 0)
		(void)!write(STDERR_FILENO, buf,
		             (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
	_exit(PP_EXIT_USAGE);
}

unsigned msg_error_count(void)
{
	return error_count;
}

bool msg_progress_enabled(void)
{
	static int tty = -1;

	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	return tty == 1;
}

PP_PRINTF(1, 2) void msg_progress(const char *fmt, ...)
{
	va_list ap;

	if (!msg_progress_enabled())
		return;
	fputs("\r\033[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	progress_shown = true;
}

void msg_progress_done(void)
{
	progress_next = 0; /* the next phase shows its progress at once */
	if (!progress_shown)
		return;
	fputs("\r\033[K", stderr);
	progress_shown = false;
}

bool msg_progress_due(void)
{
	struct timespec t;
	int64_t now;

	if (!msg_progress_enabled() || clock_gettime(CLOCK_MONOTONIC, &t) < 0)
		return false;
	now = (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
	if (now < progress_next)
		return false;
	progress_next = now + MSG_PROGRESS_INTERVAL_MS;
	return true;
}

void msg_progress_bytes(const char *what, uint64_t done, uint64_t total)
{
	const uint64_t mb = 1000 * 1000;

	if (done > total)
		done = total;
	msg_progress("pktpath: %s: %llu of %llu MB (%u%%)", what, (unsigned long long)(done / mb),
	             (unsigned long long)(total / mb),
	             total ? (unsigned)(done * 100 / total) : 100u);
}
