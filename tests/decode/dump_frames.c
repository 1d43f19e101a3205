/* dump_frames.c - writes the crafted frames of frames.h to pcap files, one
 * per link type, so that tcpdump can confirm that each frame says what its
 * comments say: dump_frames DIR, then tcpdump -nn -vv -e -r DIR/frames-N.pcap.
 * A development aid, not a test.
 */
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include "frames.h"

int main(int argc, char **argv)
{
	int dlts[] = {DECODE_DLT_NULL, DECODE_DLT_EN10MB,    DECODE_DLT_RAW,
	              DECODE_DLT_LOOP, DECODE_DLT_LINUX_SLL, DECODE_DLT_IPV4,
	              DECODE_DLT_IPV6, DECODE_DLT_LINUX_SLL2};
	char path[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: dump_frames DIR\n");
		return 2;
	}
	for (size_t d = 0; d < sizeof dlts / sizeof dlts[0]; d++) {
		pcap_t *p = pcap_open_dead(dlts[d], 262144);
		pcap_dumper_t *w;

		snprintf(path, sizeof path, "%s/frames-%d.pcap", argv[1], dlts[d]);
		w = p ? pcap_dump_open(p, path) : NULL;
		if (w == NULL) {
			fprintf(stderr, "dump_frames: %s: %s\n", path, p ? pcap_geterr(p) : "?");
			return 1;
		}
		for (size_t i = 0; i < TEST_FRAMES_N; i++) {
			const struct test_frame *f = &test_frames[i];
			struct pcap_pkthdr h;
			int dlt =
			    (f->dlt == DECODE_DLT_RAW_LINKTYPE || f->dlt == DECODE_DLT_RAW_ALT)
			        ? DECODE_DLT_RAW
			        : f->dlt;

			if (dlt != dlts[d])
				continue;
			memset(&h, 0, sizeof h);
			h.ts.tv_sec = (long)i;
			h.caplen = (bpf_u_int32)f->len;
			h.len = (bpf_u_int32)(f->wire ? f->wire : f->len);
			pcap_dump((u_char *)w, &h, f->data);
			printf("%s %d #%zu %s\n", path, dlt, i, f->name);
		}
		pcap_dump_close(w);
		pcap_close(p);
	}
	return 0;
}
