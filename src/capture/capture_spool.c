/* capture_spool.c - inputs that cannot be read as they are: standard input,
 * pipes and compressed files, each turned into an unlinked temporary copy
 * that the analysis reads instead (see capture_spool.h).
 *
 * The analysis reads every input more than once (clock sample, stream,
 * --write-pcapng), and the pcapng walker reads by offset: a pipe can be
 * read once, and a decompressing stream cannot seek. A copy in TMPDIR,
 * unlinked at once and read through its descriptor (/proc/self/fd/N), can
 * be read any number of times, is left behind by nothing that ends the run
 * and cannot be swapped by another user of a shared TMPDIR. Its size is
 * what came through the pipe, or the capture decompressed: bounded by the
 * free space of TMPDIR, which a full disk says.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/capture.h"
#include "capture_spool.h"
#include "util/cleanup.h"
#include "capture/decompress.h"
#include "util/msg.h"
#include "util/tempfile.h"

/* Standard input's display name in messages and reports. */
#define STDIN_NAME "-"

void capture_spool_free(struct capture_spool *sp)
{
	if (!sp->path)
		return;
	if (sp->slot >= 0) {
		unlink(sp->path);
		cleanup_forget(sp->slot);
	}
	if (sp->fd >= 0)
		close(sp->fd);
	free(sp->path);
	sp->path = NULL;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		msg_oom("input names", strlen(s) + 1);
	return d;
}

/* A new temporary file for a copy, opened as sp (reopened by path through
 * /proc, or by its name where there is no /proc). -1 with errno. */
static int spool_temp(const char *kind, struct capture_spool *sp)
{
	char tmp[4096], self[64];
	struct stat st;
	int fd;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s/pktpath-%s-XXXXXX", tempfile_dir(), kind) >=
	    sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	sp->fd = fd;
	sp->slot = -1;
	snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
	if (stat(self, &st) == 0) {
		unlink(tmp);
		sp->path = xstrdup(self);
	} else { /* no /proc: the copy keeps its name until the end */
		sp->path = xstrdup(tmp);
		sp->slot = cleanup_add(tmp);
	}
	return fd;
}

static int write_all(int fd, const char *buf, size_t n)
{
	for (size_t done = 0; done < n;) {
		ssize_t w = write(fd, buf + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

/* Copies all of in to a temporary file. */
static enum spool_rc copy_stream(int in, const char *shown, struct capture_spool *sp)
{
	char buf[65536];
	uint64_t total = 0;
	ssize_t n;

	if (spool_temp("pipe", sp) < 0) {
		msg_error(shown, "cannot copy the pipe to a temporary file in %s: %s",
		          tempfile_dir(), strerror(errno));
		return SPOOL_FAILED;
	}
	while ((n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			msg_error(shown, "%s", strerror(errno));
			goto fail;
		}
		if (write_all(sp->fd, buf, (size_t)n) < 0) {
			msg_error(shown,
			          "cannot copy the pipe to a temporary file in %s: %s (set TMPDIR "
			          "to a directory with more room)",
			          tempfile_dir(), strerror(errno));
			goto fail;
		}
		total += (uint64_t)n;
	}
	if (total == 0) {
		if (strcmp(shown, STDIN_NAME) == 0)
			msg_error(shown, "nothing came through standard input");
		else
			msg_error(shown, "nothing came through the pipe (an empty pipe, or a FIFO "
			                 "nobody writes to)");
		goto fail;
	}
	return SPOOL_COPIED;
fail:
	capture_spool_free(sp);
	return SPOOL_FAILED;
}

/* Standard input: a file given with < is read where it is; anything else
 * (a pipe, a socket) is copied. A terminal is refused: nobody types pcap. */
static enum spool_rc spool_stdin(struct capture_spool *sp)
{
	struct stat st;

	if (isatty(STDIN_FILENO)) {
		msg_error(STDIN_NAME, "standard input is a terminal: pipe a capture into it "
		                      "(ssh node1 cat p.pcap | pktpath node1/eth0=-)");
		return SPOOL_FAILED;
	}
	if (fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode) &&
	    lseek(STDIN_FILENO, 0, SEEK_CUR) == 0 && stat("/proc/self/fd/0", &st) == 0) {
		sp->path = xstrdup("/proc/self/fd/0");
		sp->fd = -1;
		sp->slot = -1;
		return SPOOL_COPIED;
	}
	return copy_stream(STDIN_FILENO, STDIN_NAME, sp);
}

/* A pipe (`a=<(zcat p.pcap.gz)`, /dev/stdin): copied. A FIFO nobody
 * writes to is opened without waiting and reads as empty: said, not
 * waited for. */
static enum spool_rc spool_pipe(const char *path, struct capture_spool *sp)
{
	struct stat st;
	enum spool_rc rc;
	int in;

	if (stat(path, &st) < 0 || !S_ISFIFO(st.st_mode))
		return SPOOL_NONE;
	in = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (in < 0)
		return SPOOL_NONE; /* opening it again says why */
	fcntl(in, F_SETFL, 0);
	rc = copy_stream(in, path, sp);
	close(in);
	return rc;
}

/* The compression of a regular file's start, DECOMP_NONE for anything else. */
static enum decomp_kind compression_of(const char *path, int *fdp)
{
	uint8_t h[8];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	*fdp = -1;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return DECOMP_NONE;
	}
	n = pread(fd, h, sizeof h, 0);
	if (n <= 0 || decomp_kind_of(h, (size_t)n) == DECOMP_NONE) {
		close(fd);
		return DECOMP_NONE;
	}
	fcntl(fd, F_SETFL, 0);
	*fdp = fd;
	return decomp_kind_of(h, (size_t)n);
}

/* Decompresses in into a new copy; sp is replaced by it. */
static enum spool_rc decompress(enum decomp_kind k, int in, const char *shown,
                                struct capture_spool *sp)
{
	struct capture_spool out = {0};
	enum decomp_status st;
	char why[256];
	uint8_t h[4];
	struct stat s;

	if (k == DECOMP_BZIP2) {
		msg_error(shown, "bzip2-compressed: not read (pktpath reads gzip, zstd and xz; "
		                 "decompress it with bunzip2 first)");
		return SPOOL_FAILED;
	}
	if (spool_temp("unz", &out) < 0) {
		msg_error(shown, "cannot decompress into a temporary file in %s: %s",
		          tempfile_dir(), strerror(errno));
		return SPOOL_FAILED;
	}
	st = decomp_copy(k, in, out.fd, why, sizeof why);
	if (st == DECOMP_WRITE || st == DECOMP_READ) {
		int e = errno;

		if (st == DECOMP_WRITE)
			msg_error(shown,
			          "cannot decompress into a temporary file in %s: %s (set TMPDIR "
			          "to a directory with more room)",
			          tempfile_dir(), strerror(e));
		else
			msg_error(shown, "%s", strerror(e));
		capture_spool_free(&out);
		return SPOOL_FAILED;
	}
	if (fstat(out.fd, &s) < 0 || s.st_size == 0) {
		if (st == DECOMP_OK)
			msg_error(shown, "%s-compressed, but it holds nothing (0 bytes)",
			          decomp_name(k));
		else
			msg_error(shown, "%s", why);
		capture_spool_free(&out);
		return SPOOL_FAILED;
	}
	if (pread(out.fd, h, 4, 0) != 4 || capture_magic_kind(h) == CAPTURE_KIND_OTHER) {
		msg_error(shown, "%s-compressed, but what it holds is not a pcap or pcapng file",
		          decomp_name(k));
		capture_spool_free(&out);
		return SPOOL_FAILED;
	}
	if (st == DECOMP_CUT)
		msg_warn(shown, "%s: the packets it holds are read", why);
	else if (st == DECOMP_CORRUPT)
		msg_error(shown, "%s after %lld bytes of capture: the packets before are read", why,
		          (long long)s.st_size);
	capture_spool_free(sp);
	*sp = out;
	return SPOOL_COPIED;
}

enum spool_rc capture_spool_make(const char *path, struct capture_spool *sp)
{
	enum spool_rc rc;
	enum decomp_kind k;
	int fd;

	memset(sp, 0, sizeof *sp);
	sp->fd = -1;
	sp->slot = -1;
	rc = strcmp(path, STDIN_NAME) == 0 ? spool_stdin(sp) : spool_pipe(path, sp);
	if (rc == SPOOL_FAILED)
		return rc;
	k = compression_of(sp->path ? sp->path : path, &fd);
	if (k == DECOMP_NONE)
		return rc;
	rc = decompress(k, fd, path, sp);
	close(fd);
	if (rc == SPOOL_FAILED)
		capture_spool_free(sp);
	return rc;
}
