/* main.c - runs the stages in order and maps the outcome to the exit status. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli/analysis.h"
#include "util/cleanup.h"
#include "report/expect.h"
#include "util/msg.h"
#include "pktpath/options.h"
#include "report/report.h"
#include "report/shard_merge.h"
#include "cli/cli_snapshot.h"

static bool want_color(enum pp_color c)
{
	const char *no = getenv("NO_COLOR");

	if (c != PP_COLOR_AUTO)
		return c == PP_COLOR_ALWAYS;
	return isatty(STDOUT_FILENO) && !(no && *no);
}

static int report(const struct pp_options *opt, const struct report_view *v,
                  const struct report_opts *ro)
{
	switch (opt->format) {
	case PP_FMT_TEXT:
		return report_text(stdout, v, ro);
	case PP_FMT_JSON:
		return report_json(stdout, v, false);
	case PP_FMT_JSONL:
		return report_json(stdout, v, true);
	case PP_FMT_MARKDOWN:
		return report_markdown(stdout, v);
	case PP_FMT_DOT:
		return report_dot(stdout, v);
	}
	return -1;
}

/* Run with 2>&- the next file opened would become descriptor 2, and
 * warnings would be written into it: closed standard descriptors are
 * taken by /dev/null first, opened read-only, so that writing to a closed
 * stdout still fails (and says so) and messages to a closed stderr go
 * nowhere. */
static void std_fds_open(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF && open("/dev/null", O_RDONLY) != fd)
			_exit(PP_EXIT_USAGE);
	}
}

/* Every input is open at once while the inputs are merged: the soft limit
 * on open files goes as high as the hard one allows. */
static void nofile_raise(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	struct pp_options opt;
	struct chain_result res;
	struct report_opts ro;
	struct report_view view;
	struct expect *expect = NULL;
	int rc, status = PP_EXIT_OK, out_err = 0;
	bool to_stdout, merge;

	std_fds_open();
	cleanup_install();
	nofile_raise();
	if (argc > 1 && strcmp(argv[1], "snapshot") == 0)
		return snapshot_main(argc - 1, argv + 1);
	merge = argc > 1 && strcmp(argv[1], "merge") == 0;
	rc = merge ? cli_parse_merge(&opt, argc - 1, argv + 1) : cli_parse(&opt, argc, argv);
	if (rc != 0) {
		cli_free(&opt);
		return rc > 0 ? PP_EXIT_OK : PP_EXIT_USAGE;
	}
	ro = (struct report_opts){want_color(opt.color), opt.limit, opt.conversation, opt.filter,
	                          opt.quiet};
	/* --write-pcapng -: standard output carries the pcapng, not a report */
	to_stdout = opt.write_pcapng && strcmp(opt.write_pcapng, "-") == 0;
	if (report_opts_check(&ro) < 0) {
		cli_free(&opt);
		return PP_EXIT_USAGE;
	}
	/* reports write many small pieces: one large buffer keeps that cheap */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	/* a saved result that cannot be used fails before a long analysis */
	if (opt.expect && !(expect = expect_load(opt.expect))) {
		cli_free(&opt);
		return PP_EXIT_USAGE;
	}
	/* merge: 1 when the shards met input errors (exit status 2, after the report) */
	rc = merge ? shard_merge(&opt, &res) : analysis_run(&opt, &ro, &res);
	if (rc < 0) {
		expect_free(expect);
		cli_free(&opt);
		return PP_EXIT_USAGE;
	}
	if (report_view_make(&view, &res, &ro) < 0) {
		status = PP_EXIT_USAGE;
	} else {
		errno = 0; /* a failed write sets it; nothing else in a report does */
		if (!to_stdout && report(&opt, &view, &ro) < 0) {
			out_err = errno ? errno : EIO;
			status = PP_EXIT_USAGE;
		}
		/* the report, then why it fails on stderr */
		if (fflush(stdout) != 0 && !out_err)
			out_err = errno;
		if (status == PP_EXIT_OK && opt.fail_on && report_fail_on(&view, opt.fail_on))
			status = PP_EXIT_FOUND;
		if (expect && expect_compare(expect, &view) > 0 && status == PP_EXIT_OK)
			status = PP_EXIT_FOUND;
		report_view_free(&view);
	}
	chain_result_free(&res);
	expect_free(expect);
	cli_free(&opt);
	if (msg_error_count() > 0 || rc > 0)
		status = PP_EXIT_USAGE;
	/* the first failed write's reason, else the one the last flush gives */
	if (fflush(stdout) != 0 && !out_err)
		out_err = errno;
	if (ferror(stdout) | fclose(stdout)) {
		msg_error("stdout", "write failed: %s", strerror(out_err ? out_err : EIO));
		status = PP_EXIT_USAGE;
	}
	return status;
}
