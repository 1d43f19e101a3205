/* msg.c - stderr messages in one format: "pktpath: <what>: <why>". */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "pktpath/msg.h"

static unsigned error_count;
static bool progress_shown;
static bool quiet;

void msg_set_quiet(bool q)
{
	quiet = q;
}

PP_PRINTF(3, 0)
static void vmsg(const char *prefix, const char *what, const char *fmt, va_list ap)
{
	msg_progress_done();
	fputs("pktpath: ", stderr);
	if (prefix)
		fputs(prefix, stderr);
	if (what)
		fprintf(stderr, "%s: ", what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void msg_error(const char *what, const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	error_count++;
	va_start(ap, fmt);
	vmsg(NULL, what, fmt, ap);
	va_end(ap);
}

void msg_usage(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	error_count++;
	va_start(ap, fmt);
	vmsg(NULL, NULL, fmt, ap);
	va_end(ap);
	fputs("pktpath: try 'pktpath --help' for more information\n", stderr);
}

void msg_warn(const char *what, const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vmsg("warning: ", what, fmt, ap);
	va_end(ap);
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
	if (!progress_shown)
		return;
	fputs("\r\033[K", stderr);
	progress_shown = false;
}
