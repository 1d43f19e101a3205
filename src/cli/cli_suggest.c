/* cli_suggest.c - the option a mistyped one was meant to be: the closest
 * by edit distance (a letter left out, swapped or doubled), else the one
 * that holds what was typed ("--pcapng" for --write-pcapng); an
 * abbreviation that fits several is listed with them (getopt_long takes
 * unambiguous ones). */
#include <stdio.h>
#include <string.h>

#include "cli/cli_suggest.h"
#include "util/msg.h"

#define NAME_MAX_LEN 64

/* Levenshtein distance with adjacent swaps (optimal string alignment). */
static size_t distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	size_t d[NAME_MAX_LEN + 1][NAME_MAX_LEN + 1];

	if (n > NAME_MAX_LEN || m > NAME_MAX_LEN)
		return (size_t)-1;
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			size_t cost = a[i - 1] != b[j - 1], v = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[n][m];
}

const char *cli_closest_option(const struct option *opts, const char *name)
{
	const char *best = NULL, *holder = NULL;
	size_t bestd = (size_t)-1, len = strlen(name), holders = 0;

	if (len == 0)
		return NULL;
	for (const struct option *o = opts; o->name; o++) {
		size_t d = distance(name, o->name);

		if (d < bestd) {
			bestd = d;
			best = o->name;
		}
		if (len >= 3 && strstr(o->name, name)) {
			holder = o->name;
			holders++;
		}
	}
	if (best && (bestd <= 2 || bestd <= len / 3) && bestd < len)
		return best;
	return holders == 1 ? holder : NULL;
}

void cli_unknown_option(const char *cmd, const struct option *opts, const char *arg, int short_opt)
{
	char name[NAME_MAX_LEN + 1], list[512] = "";
	const char *near;
	size_t n, matches = 0;

	if (short_opt || strncmp(arg, "--", 2) != 0) {
		msg_usage("%sunknown option '-%c'", cmd, short_opt ? short_opt : arg[1]);
		return;
	}
	n = strcspn(arg + 2, "=");
	snprintf(name, sizeof name, "%.*s", (int)(n < NAME_MAX_LEN ? n : NAME_MAX_LEN), arg + 2);
	for (const struct option *o = opts; o->name; o++) {
		if (strncmp(o->name, name, strlen(name)) != 0)
			continue;
		matches++;
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s--%s",
		         matches > 1 ? ", " : "", o->name);
	}
	if (matches > 1) {
		msg_usage("%soption '--%s' is ambiguous: %s", cmd, name, list);
		return;
	}
	near = cli_closest_option(opts, name);
	if (near)
		msg_usage("%sunknown option '--%s' (did you mean '--%s'?)", cmd, name, near);
	else
		msg_usage("%sunknown option '--%s'", cmd, name);
}
