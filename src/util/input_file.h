/* input_file.h - the small files read whole (topologies, --expect), and
 * what they may cost.
 *
 * A JSON file costs jansson about 20 times its size when it is made of
 * small values (a 100 MB snapshot.json with one bulky unknown member took
 * 2 GB and 20 s), so each kind of file has a size cap, and a count of JSON
 * values that bounds the tree built from it, both far above what real
 * files need: a node with 110 dual-stack pods has a 1.0 MB snapshot of
 * 37,000 values (pktpath(1), SECURITY).
 */
#ifndef PKTPATH_INPUT_FILE_H
#define PKTPATH_INPUT_FILE_H

#include <stddef.h>

#define INPUT_TOPOLOGY_MAX_BYTES  ((size_t)16 << 20)
#define INPUT_TOPOLOGY_MAX_VALUES ((size_t)500000)
#define INPUT_EXPECT_MAX_BYTES    ((size_t)256 << 20)
/* one conversation of a --expect file: real ones have a few hundred */
#define INPUT_EXPECT_MAX_VALUES ((size_t)100000)

/* Reads all of path, a regular file or a pipe, at most max bytes, into
 * *buf (NUL-terminated, to free). A FIFO nobody writes to reads as empty
 * at once: never waited for. Returns 0, or -1 with why[] saying what is
 * wrong (strerror, "larger than 16 MiB", "not a regular file or a pipe"). */
int input_read(const char *path, size_t max, char **buf, size_t *len, char *why, size_t whylen);

/* An upper bound on the number of JSON values in s[0..n): open brackets
 * and commas outside strings, plus one. What jansson would allocate is
 * about proportional to it. */
size_t input_json_values(const char *s, size_t n);

/* Index of the first byte after the JSON value that starts at s[i] (after
 * white space), or 0 when there is none or it is not closed. Checks only
 * the structure (brackets and strings): jansson checks the rest. */
size_t input_json_skip(const char *s, size_t n, size_t i);

/* Index of the first byte in s[i..n) that is not JSON white space (n if none). */
size_t input_json_space(const char *s, size_t n, size_t i);

#endif
