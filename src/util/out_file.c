/* out_file.c - result files written whole or not at all (see out_file.h).
 *
 * A temporary file and rename(2) is how git, rsync and sed -i replace a
 * file; but a rename over a device node or a symbolic link replaces the
 * node or link itself (run as root, `-o /dev/full` replaced the system's
 * /dev/full), so the kind of OUT decides first.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/msg.h"
#include "util/out_file.h"

/* Why OUT of this kind is not written, or NULL when it can be. */
static const char *refused(mode_t m)
{
	if (S_ISDIR(m))
		return "is a directory";
	if (S_ISBLK(m))
		return "is a block device: not written";
	if (S_ISSOCK(m))
		return "is a socket: not written";
	return NULL;
}

/* Writes into an existing device or FIFO: opened, never replaced. */
static int open_direct(struct out_file *o)
{
	int fd = open(o->path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0 && errno == ENXIO) {
		msg_error(o->path, "a FIFO that nobody reads: not written");
		return -1;
	}
	/* a FIFO is written blocking: the reader sets the pace */
	if (fd < 0 || fcntl(fd, F_SETFL, 0) < 0 || !(o->fp = fdopen(fd, "wb"))) {
		msg_error(o->path, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return 0;
}

/* A new file beside OUT, ".NAME.XXXXXX", with OUT's permissions if it
 * exists (else those of a new file). */
static int open_temp(struct out_file *o, const struct stat *old)
{
	const char *slash = strrchr(o->path, '/');
	size_t dl = slash ? (size_t)(slash - o->path) + 1 : 0;
	mode_t mode, mask;
	int fd;

	o->tmp = malloc(strlen(o->path) + 9);
	if (!o->tmp)
		msg_oom("output name", strlen(o->path) + 9);
	memcpy(o->tmp, o->path, dl);
	strcpy(o->tmp + dl, ".");
	strcat(o->tmp, o->path + dl);
	strcat(o->tmp, ".XXXXXX");
	fd = mkostemp(o->tmp, O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		/* a missing folder is said as opening OUT would say it */
		if (e == ENOENT || e == ENOTDIR)
			msg_error(o->path, "%s", strerror(e));
		else
			msg_error(o->path, "cannot create a temporary file beside it in %.*s: %s",
			          dl > 1 ? (int)dl - 1 : 1, dl ? o->path : ".", strerror(e));
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	o->slot = cleanup_add(o->tmp);
	mask = umask(0);
	umask(mask);
	mode = old ? old->st_mode & 0777 : 0666 & ~mask;
	if (fchmod(fd, mode) < 0 || !(o->fp = fdopen(fd, "wb"))) {
		msg_error(o->path, "%s", strerror(errno));
		close(fd);
		unlink(o->tmp);
		cleanup_forget(o->slot);
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	return 0;
}

/* "-": standard output, written into (a descriptor of its own, so that
 * closing it leaves stdout to main()). */
static int open_stdout(struct out_file *o)
{
	int fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);

	o->path = strdup("stdout");
	if (!o->path)
		msg_oom("output name", 7);
	if (fd < 0 || !(o->fp = fdopen(fd, "wb"))) {
		msg_error(o->path, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		free(o->path);
		o->path = NULL;
		return -1;
	}
	return 0;
}

int out_file_open(struct out_file *o, const char *path)
{
	struct stat st, target;
	const char *why;
	int rc = -1;

	memset(o, 0, sizeof *o);
	o->slot = -1;
	if (strcmp(path, "-") == 0)
		return open_stdout(o);
	o->path = strdup(path);
	if (!o->path)
		msg_oom("output name", strlen(path) + 1);
	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			rc = open_temp(o, NULL);
		else
			msg_error(path, "%s", strerror(errno));
	} else if (S_ISREG(st.st_mode)) {
		rc = open_temp(o, &st);
	} else if (S_ISLNK(st.st_mode)) {
		/* /dev/stdout and the like lead to a device or pipe: written
		 * into; a link to a file is neither followed nor replaced */
		if (stat(path, &target) == 0 &&
		    (S_ISCHR(target.st_mode) || S_ISFIFO(target.st_mode)))
			rc = open_direct(o);
		else
			msg_error(path, "is a symbolic link: not replaced (give the file it points "
			                "to, or remove the link)");
	} else if ((why = refused(st.st_mode))) {
		msg_error(path, "%s", why);
	} else {
		rc = open_direct(o); /* a character device or a FIFO */
	}
	if (rc < 0) {
		free(o->path);
		o->path = NULL;
	}
	return rc;
}

int out_file_commit(struct out_file *o)
{
	int e = 0;

	if (fflush(o->fp) != 0 || ferror(o->fp))
		e = errno ? errno : EIO;
	if (!e && o->tmp && fsync(fileno(o->fp)) < 0)
		e = errno;
	if (fclose(o->fp) != 0 && !e)
		e = errno ? errno : EIO;
	o->fp = NULL;
	if (!e && o->tmp && rename(o->tmp, o->path) < 0)
		e = errno;
	if (e) {
		msg_error(o->path, "write failed: %s", strerror(e));
		out_file_discard(o);
		return -1;
	}
	cleanup_forget(o->slot);
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	return 0;
}

void out_file_discard(struct out_file *o)
{
	if (o->fp)
		fclose(o->fp);
	o->fp = NULL;
	if (o->tmp) {
		unlink(o->tmp);
		cleanup_forget(o->slot);
	}
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
}
