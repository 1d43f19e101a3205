/* ppcounts.c - the packet accounting of a pktpath JSON report.
 *
 * usage: ppcounts [FILE [POINT...]]   (FILE "-" or none: stdin)
 * Prints "read R used U ignored I unmatched M", then "point NAME PACKETS"
 * for each POINT named (PACKETS "-" when the report has no such point),
 * and checks that nothing was lost:
 *
 *   findings.read == sum(points[].packets) + sum(ignored{})
 *   findings.ignored == sum(ignored{})
 *   findings.unmatched <= sum(points[].packets)
 *
 * points[].packets counts the packets that were decoded into an
 * observation of that point (the packets used); ignored{} counts, by
 * reason, every packet read that was not (a bad record header, an
 * unsupported link type, the filter, a frame that did not decode).
 * findings.unmatched counts observations that were used but matched no
 * other point: a finding about used packets, so it is part of the used
 * count and never of ignored. Exit 1 when a check fails, 2 when the input
 * is not such a report. Independent of pktpath's code: jansson only.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

static int get_int(json_t *o, const char *key, json_int_t *v)
{
	json_t *x = json_object_get(o, key);

	if (!json_is_integer(x))
		return -1;
	*v = json_integer_value(x);
	return 0;
}

int main(int argc, char **argv)
{
	json_error_t err;
	json_t *root, *findings, *points, *ignored, *v;
	json_int_t read, f_ignored, unmatched, used = 0, ign = 0;
	const char *key;
	size_t i;
	int rc = 0;

	root = argc > 1 && strcmp(argv[1], "-") != 0 ? json_load_file(argv[1], 0, &err)
	                                             : json_loadf(stdin, 0, &err);
	if (root == NULL) {
		fprintf(stderr, "ppcounts: not JSON: %s (line %d)\n", err.text, err.line);
		return 2;
	}
	findings = json_object_get(root, "findings");
	points = json_object_get(root, "points");
	ignored = json_object_get(root, "ignored");
	if (!json_is_object(findings) || !json_is_array(points) || !json_is_object(ignored) ||
	    get_int(findings, "read", &read) < 0 || get_int(findings, "ignored", &f_ignored) < 0 ||
	    get_int(findings, "unmatched", &unmatched) < 0) {
		fprintf(stderr, "ppcounts: not a pktpath report (findings, points, ignored)\n");
		json_decref(root);
		return 2;
	}
	json_array_foreach(points, i, v)
	{
		json_int_t n;

		if (get_int(v, "packets", &n) < 0) {
			fprintf(stderr, "ppcounts: points[%zu] has no packets count\n", i);
			json_decref(root);
			return 2;
		}
		used += n;
	}
	json_object_foreach(ignored, key, v)
	{
		if (!json_is_integer(v)) {
			fprintf(stderr, "ppcounts: ignored.%s is not a count\n", key);
			json_decref(root);
			return 2;
		}
		ign += json_integer_value(v);
	}
	printf("read %lld used %lld ignored %lld unmatched %lld\n", (long long)read,
	       (long long)used, (long long)ign, (long long)unmatched);
	for (int a = 2; a < argc; a++) {
		const char *found = "-";
		char num[32];

		json_array_foreach(points, i, v)
		{
			json_t *nm = json_object_get(v, "name");

			if (json_is_string(nm) && strcmp(json_string_value(nm), argv[a]) == 0) {
				snprintf(
				    num, sizeof num, "%lld",
				    (long long)json_integer_value(json_object_get(v, "packets")));
				found = num;
			}
		}
		printf("point %s %s\n", argv[a], found);
	}
	if (read != used + ign) {
		fprintf(stderr,
		        "ppcounts: %lld packets read, but %lld used + %lld ignored = %lld\n",
		        (long long)read, (long long)used, (long long)ign, (long long)(used + ign));
		rc = 1;
	}
	if (f_ignored != ign) {
		fprintf(stderr,
		        "ppcounts: findings.ignored is %lld, the ignored reasons add up to %lld\n",
		        (long long)f_ignored, (long long)ign);
		rc = 1;
	}
	if (unmatched > used) {
		fprintf(stderr, "ppcounts: %lld unmatched of only %lld used packets\n",
		        (long long)unmatched, (long long)used);
		rc = 1;
	}
	json_decref(root);
	return rc;
}
