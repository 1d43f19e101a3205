/* msg_log.c - the input problems said on stderr, kept for the reports.
 *
 * CI reads the JSON, not stderr: every warning and error about an input
 * (a missing piece of a rotated set, a skipped file, a cut record, an
 * unknown link type) is also kept here and written as the JSON's
 * "warnings", each with a kind a script can test. The kind is read off the
 * message by the few phrases the capture stage uses, in one table. At most
 * MSG_LOG_MAX are kept; the rest are counted.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/msg.h"

#define MSG_LOG_MAX 1000

static const struct {
	const char *phrase, *kind;
} kinds[] = {
    {"rotated set is missing", "missing_piece"},
    {"empty file", "empty"},
    {"not numbered like the rest", "skipped_file"},
    {"left out", "skipped_file"},
    {"not read", "skipped_file"},
    {"mid-record", "cut_record"},
    {"cut short", "cut_record"},
    {"unsupported link type", "unknown_link_type"},
    {"not a pcap or pcapng file", "not_a_capture"},
    {"truncated file header", "not_a_capture"},
    {"pcapng interfaces", "interfaces_unknown"},
    {"time stamp", "timestamps"},
    {"counted as", "bad_records"},
    {"cannot tell", "old_sll"},
    {"leaves this point with no packets", "filtered_out"},
    {"this point name", "duplicate_point"},
    {"named by their index", "interfaces_unnamed"},
    {"two files of a bundle are this point", "duplicate_point"},
    {"are one conversation", "shard_split"},
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct msg_record *log_v;
static size_t log_n, log_dropped;

static const char *kind_of(const char *text, bool error)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strstr(text, kinds[i].phrase))
			return kinds[i].kind;
	}
	return error ? "unreadable" : "input";
}

void msg_log_add(bool error, const char *what, const char *text)
{
	struct msg_record *r;

	pthread_mutex_lock(&mu);
	if (!log_v && (log_v = calloc(MSG_LOG_MAX, sizeof *log_v)))
		atexit(msg_log_free);
	if (log_n == MSG_LOG_MAX || !log_v) {
		log_dropped++;
		pthread_mutex_unlock(&mu);
		return;
	}
	r = &log_v[log_n];
	r->error = error;
	r->file = what ? strdup(what) : NULL;
	r->kind = kind_of(text, error);
	r->message = strdup(text);
	if (r->message)
		log_n++;
	else
		free(r->file);
	pthread_mutex_unlock(&mu);
}

size_t msg_log_count(void)
{
	return log_n;
}

const struct msg_record *msg_log_get(size_t i)
{
	return i < log_n ? &log_v[i] : NULL;
}

void msg_log_free(void)
{
	for (size_t i = 0; i < log_n; i++) {
		free(log_v[i].file);
		free(log_v[i].message);
	}
	free(log_v);
	log_v = NULL;
	log_n = 0;
}

void msg_log_drop(size_t n)
{
	pthread_mutex_lock(&mu);
	log_dropped += n;
	pthread_mutex_unlock(&mu);
}

size_t msg_log_dropped(void)
{
	return log_dropped;
}
