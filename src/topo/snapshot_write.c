/* snapshot_write.c - `pktpath snapshot`'s document: the namespaces chosen,
 * collected (snapshot_collect.c) under the version, generator, host name and
 * time, written to stdout or atomically to -o FILE (out_file.h). JSON through
 * jansson; no libnl here.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "pktpath/options.h"
#include "snapshot_int.h"
#include "util/msg.h"
#include "util/out_file.h"

/* --- output --------------------------------------------------------------- */

static int write_doc(const json_t *root, const char *output)
{
	struct out_file o;

	if (!output) {
		if (json_dumpf(root, stdout, JSON_INDENT(2)) < 0 || fputc('\n', stdout) == EOF ||
		    fflush(stdout) != 0 || ferror(stdout)) {
			msg_error("snapshot", "cannot write to standard output: %s",
			          strerror(errno));
			return -1;
		}
		return 0;
	}
	/* complete or absent: see out_file.h for what OUT may be */
	if (out_file_open(&o, output) < 0)
		return -1;
	if (json_dumpf(root, o.fp, JSON_INDENT(2)) < 0 && !ferror(o.fp)) {
		msg_error(output, "cannot write the JSON document (out of memory?)");
		out_file_discard(&o);
		return -1;
	}
	fputc('\n', o.fp);
	return out_file_commit(&o); /* says why a write failed */
}

static json_t *now_json(void)
{
	char buf[32];
	time_t t = time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return json_null();
	return json_string(buf);
}

static json_t *hostname_json(void)
{
	char buf[HOST_NAME_MAX + 1];

	if (gethostname(buf, sizeof buf) < 0)
		return json_null();
	buf[sizeof buf - 1] = '\0';
	return snapshot_jstr(buf);
}

/* --- the run ------------------------------------------------------------- */

int snapshot_run(struct snap *s)
{
	json_t *root = NULL, *arr;
	int rc = PP_EXIT_USAGE;

	if (s->all_netns && snapshot_add_all_netns(s) < 0)
		goto out;
	if (snapshot_open_all(s) < 0)
		goto out;

	root = json_object();
	arr = json_array();
	if (!root || !arr) {
		json_decref(arr);
		s->oom = true;
		goto out;
	}
	snapshot_put(s, root, "pktpath_snapshot", json_integer(SNAPSHOT_VERSION));
	snapshot_put(s, root, "generator", json_string("pktpath " PKTPATH_VERSION));
	snapshot_put(s, root, "hostname", hostname_json());
	snapshot_put(s, root, "time", now_json());
	snapshot_put(s, root, "namespaces", arr);
	if (snapshot_collect(s, arr) < 0)
		goto out;
	if (!s->oom && write_doc(root, s->output) == 0)
		rc = PP_EXIT_OK;
out:
	/* A failed jansson allocation is only noticed here; other failures
	 * have printed their message already. */
	if (s->oom && !msg_error_count())
		msg_error("snapshot", "out of memory");
	json_decref(root);
	snapshot_free(s);
	return rc;
}
