/* input_file.c - small input files read whole, within bounds (see
 * input_file.h), and a structural JSON scanner that finds where a value
 * ends without building it.
 * specification: RFC 8259 (JSON) for strings, white space and structure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/input_file.h"
#include "util/msg.h"

int input_read(const char *path, size_t max, char **buf, size_t *len, char *why, size_t whylen)
{
	/* O_NONBLOCK: opening a FIFO nobody writes to must not wait */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	size_t n = 0, cap;
	struct stat st;
	char *b;

	*buf = NULL;
	*len = 0;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
		snprintf(why, whylen, "not a regular file or a pipe");
		close(fd);
		return -1;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max)
		goto too_large;
	fcntl(fd, F_SETFL, 0); /* a pipe with a writer is read to its end */
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536;
	b = malloc(cap + 1);
	if (!b)
		msg_oom(path, cap + 1);
	for (;;) {
		ssize_t r;

		if (n == cap) {
			if (cap > max)
				break;
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			b = realloc(b, cap + 1);
			if (!b)
				msg_oom(path, cap + 1);
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(why, whylen, "%s", strerror(errno));
			free(b);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > max) {
		free(b);
		fd = -1;
		goto too_large;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
too_large:
	if (fd >= 0)
		close(fd);
	snprintf(why, whylen, "larger than %zu MiB", max >> 20);
	return -1;
}

/* Index after the string whose opening quote is at s[i], or 0. */
static size_t skip_string(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return 0;
}

size_t input_json_values(const char *s, size_t n)
{
	size_t v = 1;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"') {
			i = skip_string(s, n, i);
			if (!i)
				break;
			i--;
		} else if (s[i] == '[' || s[i] == '{' || s[i] == ',') {
			v++;
		}
	}
	return v;
}

size_t input_json_space(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

size_t input_json_skip(const char *s, size_t n, size_t i)
{
	size_t depth = 0;

	i = input_json_space(s, n, i);
	if (i >= n)
		return 0;
	if (s[i] != '[' && s[i] != '{') {
		if (s[i] == '"')
			return skip_string(s, n, i);
		/* a number or literal: up to the next delimiter */
		while (i < n && !strchr(",]} \t\n\r", s[i]))
			i++;
		return i;
	}
	for (; i < n; i++) {
		if (s[i] == '"') {
			i = skip_string(s, n, i);
			if (!i)
				return 0;
			i--;
		} else if (s[i] == '[' || s[i] == '{') {
			depth++;
		} else if ((s[i] == ']' || s[i] == '}') && --depth == 0) {
			return i + 1;
		}
	}
	return 0;
}
