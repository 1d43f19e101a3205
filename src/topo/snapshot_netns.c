/* snapshot_netns.c - which network namespaces `pktpath snapshot` records:
 * the one it runs in, --netns [ALIAS=]NAME|PID and --all-netns (every entry
 * of /run/netns), each opened up front so its fd names it for setns(2) and
 * RTM_GETNSID. No libnl and no JSON here.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snapshot_int.h"
#include "util/msg.h"

/* --- small helpers ------------------------------------------------------ */

void *snapshot_xrealloc(void *p, size_t n, size_t size)
{
	void *q = n && size <= SIZE_MAX / n ? realloc(p, n * size) : NULL;

	if (!q)
		msg_oom("snapshot", n * size);
	return q;
}

static char *snapshot_xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		msg_oom("snapshot", strlen(s) + 1);
	return d;
}

const char *snapshot_ns_what(const struct ns_sel *ns, char *buf, size_t len)
{
	if (!ns->name)
		return "the network namespace of pktpath";
	snprintf(buf, len, "network namespace %s", ns->name);
	return buf;
}

static void sel_add(struct snap *s, const char *name, const char *path, long pid, bool optional);

void snapshot_init(struct snap *s)
{
	sel_add(s, NULL, "/proc/self/ns/net", 0, false);
}

/* --- selection ------------------------------------------------------------ */

static bool sel_has(const struct snap *s, const char *name)
{
	for (size_t i = 0; i < s->nns; i++)
		if (s->ns[i].name && strcmp(s->ns[i].name, name) == 0)
			return true;
	return false;
}

static void sel_add(struct snap *s, const char *name, const char *path, long pid, bool optional)
{
	struct ns_sel *ns;

	s->ns = snapshot_xrealloc(s->ns, s->nns + 1, sizeof *s->ns);
	ns = &s->ns[s->nns++];
	memset(ns, 0, sizeof *ns);
	ns->name = name ? snapshot_xstrdup(name) : NULL;
	ns->path = snapshot_xstrdup(path);
	ns->pid = pid;
	ns->optional = optional;
	ns->fd = -1;
}

static int add_netns_target(struct snap *s, const char *alias, const char *arg);

/* --netns [ALIAS=]NAME|PID: the namespace is recorded under ALIAS when one
 * is given. CNI plugins name pod namespaces cni-1a2b..., while capture
 * points are named after the pod (node1/pod-centos/eth0). */
int snapshot_add_netns(struct snap *s, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char alias[NAME_MAX + 1];

	if (!eq)
		return add_netns_target(s, NULL, arg);
	if (eq == arg || (size_t)(eq - arg) > NAME_MAX || memchr(arg, '/', (size_t)(eq - arg))) {
		msg_usage("snapshot: --netns: '%s' is not ALIAS=NAME or ALIAS=PID", arg);
		return -1;
	}
	memcpy(alias, arg, (size_t)(eq - arg));
	alias[eq - arg] = '\0';
	return add_netns_target(s, alias, eq + 1);
}

static int add_netns_target(struct snap *s, const char *alias, const char *arg)
{
	char path[PATH_MAX];
	const char *p = arg;

	while (*p >= '0' && *p <= '9')
		p++;
	if (*arg && !*p) {
		char *end;
		long pid;

		errno = 0;
		pid = strtol(arg, &end, 10);
		if (errno || pid <= 0 || pid > INT32_MAX) {
			msg_usage("snapshot: --netns: '%s' is not a process id", arg);
			return -1;
		}
		snprintf(path, sizeof path, "/proc/%ld/ns/net", pid);
		if (!sel_has(s, alias ? alias : arg))
			sel_add(s, alias ? alias : arg, path, pid, false);
		return 0;
	}
	if (!*arg || strchr(arg, '/') || strcmp(arg, ".") == 0 || strcmp(arg, "..") == 0 ||
	    strlen(arg) > NAME_MAX) {
		msg_usage("snapshot: --netns: '%s' is not a namespace name (a file in " RUN_NETNS
		          ") or a process id",
		          arg);
		return -1;
	}
	snprintf(path, sizeof path, RUN_NETNS "/%s", arg);
	if (!sel_has(s, alias ? alias : arg))
		sel_add(s, alias ? alias : arg, path, 0, false);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every entry of /run/netns that is not already chosen, sorted by name. */
int snapshot_add_all_netns(struct snap *s)
{
	DIR *d = opendir(RUN_NETNS);
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;

	if (!d) {
		if (errno == ENOENT)
			return 0; /* no named namespaces at all */
		msg_error("snapshot", "cannot read " RUN_NETNS ": %s", strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || sel_has(s, e->d_name))
			continue;
		names = snapshot_xrealloc(names, n + 1, sizeof *names);
		names[n++] = snapshot_xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof path, RUN_NETNS "/%s", names[i]);
		sel_add(s, names[i], path, 0, true);
		free(names[i]);
	}
	free(names);
	return 0;
}

/* Opens every chosen namespace file up front: the fds name the namespaces
 * for setns() and RTM_GETNSID. --all-netns entries that vanished are left
 * out with a warning. */
int snapshot_open_all(struct snap *s)
{
	for (size_t i = 0; i < s->nns; i++) {
		struct ns_sel *ns = &s->ns[i];
		char what[NAME_MAX + 32];
		struct stat st;
		int e;

		ns->fd = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (ns->fd >= 0 && fstat(ns->fd, &st) == 0) {
			ns->inode = st.st_ino;
			continue;
		}
		e = errno;
		if (ns->fd >= 0)
			close(ns->fd);
		ns->fd = -1;
		if (ns->optional && e == ENOENT) {
			msg_warn("snapshot", "network namespace %s went away, left out", ns->name);
			ns->skip = true;
			continue;
		}
		if (ns->pid)
			msg_error("snapshot",
			          "cannot open the network namespace of process %ld (%s): %s",
			          ns->pid, ns->path, strerror(e));
		else
			msg_error("snapshot", "cannot open %s (%s): %s",
			          snapshot_ns_what(ns, what, sizeof what), ns->path, strerror(e));
		return -1;
	}
	return 0;
}

void snapshot_free(struct snap *s)
{
	for (size_t i = 0; i < s->nns; i++) {
		if (s->ns[i].fd >= 0)
			close(s->ns[i].fd);
		free(s->ns[i].name);
		free(s->ns[i].path);
	}
	free(s->ns);
	s->ns = NULL;
	s->nns = 0;
}
