/* capdump.c - test driver for the capture layer: reads capture files or
 * command-line inputs and prints what capture_next() hands out and counts.
 *
 *   capdump [-f EXPR] [-p] FILE...     each FILE is read as an input of its own
 *   capdump -e [-n] [-f EXPR] [-p] ARG...
 *                                      ARGs expanded as pktpath does (POINT=FILE,
 *                                      FILE, DIR), inputs printed, then read
 *
 * Per file: "FILE: read N frames M" and the non-zero counters. With -p, one
 * line per frame: "frame RECNO file=I if=IFINDEX|- dir=0|1|2 dlt=D caplen=C
 * len=L ts=NS". Exit status 0 unless the arguments are wrong or (-e) nothing
 * usable remains.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "pktpath/reason.h"

static void print_counts(const char *file, const struct pp_counts *c, uint64_t frames, double secs)
{
	printf("%s: read %" PRIu64 " frames %" PRIu64, file, c->read, frames);
	for (int r = 1; r < PP_R__COUNT; r++)
		if (c->ignored[r] != 0)
			printf(" %s=%" PRIu64, reason_name((enum pp_reason)r), c->ignored[r]);
	for (int n = 0; n < PP_N__COUNT; n++)
		if (c->notes[n] != 0)
			printf(" %s=%" PRIu64, note_name((enum pp_note)n), c->notes[n]);
	if (secs > 2.0) /* the corpus test greps for it */
		printf(" SLOW=%.1fs", secs);
	putchar('\n');
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void read_input(const struct capture_input *in, const char *bpf, int per_frame)
{
	struct pp_counts *counts = calloc(in->nfiles ? in->nfiles : 1, sizeof *counts);
	uint64_t *frames = calloc(in->nfiles ? in->nfiles : 1, sizeof *frames);
	struct capture_frame f;
	struct capture *c;
	double t0 = now();

	if (counts == NULL || frames == NULL)
		abort();
	c = capture_open(in, bpf, counts);
	if (c != NULL) {
		while (capture_next(c, &f) == 1) {
			frames[f.file]++;
			if (!per_frame)
				continue;
			printf("frame %" PRIu64 " file=%zu if=", f.recno, f.file);
			if (f.ifindex == CAPTURE_NO_IFINDEX)
				printf("-");
			else
				printf("%" PRIu32, f.ifindex);
			printf(" dir=%u dlt=%d caplen=%" PRIu32 " len=%" PRIu32 " ts=%" PRId64,
			       f.dir, f.dlt, f.caplen, f.len, f.ts);
			if (f.ifindex != CAPTURE_NO_IFINDEX) {
				const char *n = capture_iface_name(c, f.file, f.ifindex);

				printf(" name=%s", n ? n : "-");
			}
			putchar('\n');
		}
		capture_close(c);
	}
	for (size_t i = 0; i < in->nfiles; i++)
		print_counts(in->files[i], &counts[i], frames[i], now() - t0);
	free(counts);
	free(frames);
}

int main(int argc, char **argv)
{
	const char *bpf = NULL;
	int per_frame = 0, expand = 0, only_expand = 0, opt;

	while ((opt = getopt(argc, argv, "ef:np")) != -1) {
		switch (opt) {
		case 'e':
			expand = 1;
			break;
		case 'f':
			bpf = optarg;
			break;
		case 'n':
			only_expand = 1;
			break;
		case 'p':
			per_frame = 1;
			break;
		default:
			fprintf(stderr, "usage: capdump [-e [-n]] [-f EXPR] [-p] ARG...\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (expand) {
		struct capture_inputs ins;

		if (capture_inputs_expand(&ins, argv + optind, (size_t)(argc - optind)) != 0) {
			printf("no inputs\n");
			return 1;
		}
		for (size_t i = 0; i < ins.n; i++) {
			printf("input %s node=%s topology=%s files=", ins.v[i].point, ins.v[i].node,
			       ins.v[i].topology ? ins.v[i].topology : "-");
			for (size_t j = 0; j < ins.v[i].nfiles; j++)
				printf("%s%s", j ? "," : "", ins.v[i].files[j]);
			putchar('\n');
		}
		for (size_t i = 0; i < ins.n && !only_expand; i++)
			read_input(&ins.v[i], bpf, per_frame);
		capture_inputs_free(&ins);
		return 0;
	}
	for (int i = optind; i < argc; i++) {
		struct capture_input in = {
		    .point = argv[i], .node = argv[i], .files = &argv[i], .nfiles = 1};

		read_input(&in, bpf, per_frame);
	}
	return 0;
}
