/* topo_json.c - typed access to the JSON of a topology file: each getter
 * checks the member's type and range and says what was wrong, naming the
 * file and the place (`bad`); and the reading of a file within the bounds
 * of input_file.h before jansson parses it.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "topo_int.h"
#include "util/input_file.h"

int PP_PRINTF(3, 4) topo_bad(const struct ld *ld, const char *where, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (where && *where)
		msg_error(ld->file, "%s: %s", where, why);
	else
		msg_error(ld->file, "%s", why);
	return -1;
}

int topo_oom(const struct ld *ld)
{
	return topo_bad(ld, NULL, "out of memory");
}

/* The getters return 1 when the key holds a value of the right type, 0 when
 * it is absent or null (an error if required), -1 after a message. The
 * output is always set: 0/NULL when absent (get_bool leaves it alone). */
int topo_get_uint(const struct ld *ld, const char *where, const json_t *o, const char *key,
                  uint64_t max, bool required, uint64_t *out)
{
	json_t *v = json_object_get(o, key);

	*out = 0;
	if (!v || json_is_null(v)) {
		if (required)
			return topo_bad(ld, where, "'%s' is missing", key);
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return topo_bad(ld, where, "'%s' must be an integer from 0 to %llu", key,
		                (unsigned long long)max);
	*out = (uint64_t)json_integer_value(v);
	return 1;
}

int topo_get_str(const struct ld *ld, const char *where, const json_t *o, const char *key,
                 bool required, const char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return topo_bad(ld, where, "'%s' is missing", key);
		return 0;
	}
	if (!json_is_string(v))
		return topo_bad(ld, where, "'%s' must be a string", key);
	if (json_string_length(v) > MAX_NAME * 4 ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return topo_bad(ld, where, "'%s' is too long or holds a NUL", key);
	*out = json_string_value(v);
	return 1;
}

int topo_get_bool(const struct ld *ld, const char *where, const json_t *o, const char *key,
                  bool *out)
{
	json_t *v = json_object_get(o, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return topo_bad(ld, where, "'%s' must be true or false", key);
	*out = json_is_true(v);
	return 1;
}

/* An interface index or namespace id (0 to INT32_MAX), stored only when
 * present, so a field keeps its default (-1 for a namespace id) when not. */
int topo_get_index(const struct ld *ld, const char *where, const json_t *o, const char *key,
                   bool required, uint32_t *out)
{
	uint64_t u;
	int r = topo_get_uint(ld, where, o, key, INT32_MAX, required, &u);

	if (r > 0)
		*out = (uint32_t)u;
	return r;
}

int topo_get_nsid(const struct ld *ld, const char *where, const json_t *o, const char *key,
                  int64_t *out)
{
	uint32_t id;
	int r = topo_get_index(ld, where, o, key, false, &id);

	if (r > 0)
		*out = id;
	return r;
}

/* An object or array member; 0 when absent or null. */
int topo_get_typed(const struct ld *ld, const char *where, const json_t *o, const char *key,
                   json_type type, bool required, json_t **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return topo_bad(ld, where, "'%s' is missing", key);
		return 0;
	}
	if (json_typeof(v) != type)
		return topo_bad(ld, where, "'%s' must be %s", key,
		                type == JSON_ARRAY ? "an array" : "an object");
	*out = v;
	return 1;
}

/* Interface and namespace names: non-empty, no '/', which would make point
 * names ambiguous (the kernel and iproute2 refuse it too). */
int topo_check_name(const struct ld *ld, const char *where, const char *what, const char *s)
{
	if (!*s || strchr(s, '/') || strlen(s) > MAX_NAME)
		return topo_bad(ld, where, "'%s' is not a valid %s name", s, what);
	return 0;
}

int topo_get_addr(const struct ld *ld, const char *where, const json_t *o, const char *key,
                  bool required, struct pp_addr *a, uint8_t *family)
{
	const char *s;
	int r = topo_get_str(ld, where, o, key, required, &s);

	if (r <= 0)
		return r;
	if (topo_parse_addr(s, a, family) < 0)
		return topo_bad(ld, where, "'%s' is not an IP address ('%s')", key, s);
	return 1;
}

/* A file read whole within the bounds of input_file.h, then parsed: a
 * bulky member nobody reads must not cost gigabytes. */
json_t *topo_read_json(const struct ld *ld, const char *path)
{
	json_error_t err;
	json_t *root;
	char why[128], *buf;
	size_t len;

	if (input_read(path, INPUT_TOPOLOGY_MAX_BYTES, &buf, &len, why, sizeof why) < 0) {
		topo_bad(ld, NULL, "%s%s", why,
		         strncmp(why, "larger", 6) == 0 ? ", not a topology" : "");
		return NULL;
	}
	if (len == 0) {
		topo_bad(ld, NULL, "empty file, expected a pktpath snapshot or ip -j output");
		free(buf);
		return NULL;
	}
	if (input_json_values(buf, len) > INPUT_TOPOLOGY_MAX_VALUES) {
		topo_bad(ld, NULL, "more than %zu JSON values, not a topology",
		         INPUT_TOPOLOGY_MAX_VALUES);
		free(buf);
		return NULL;
	}
	root = json_loadb(buf, len, 0, &err);
	free(buf);
	if (!root) {
		if (err.line > 0)
			topo_bad(ld, NULL, "not valid JSON: %s (line %d, column %d)", err.text,
			         err.line, err.column);
		else
			topo_bad(ld, NULL, "cannot read: %s", err.text);
	}
	return root;
}
