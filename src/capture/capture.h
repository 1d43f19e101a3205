/* capture.h - reading capture inputs: files, rotated sets and bundles.
 *
 * An input is one named point's sequence of files (a rotated set is read in
 * capture order). capture_next() hands out one frame at a time with its
 * header already sanity-checked; every record that cannot be used is counted
 * in the per-file pp_counts under a reason, never silently skipped.
 */
#ifndef PKTPATH_CAPTURE_H
#define PKTPATH_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "pktpath/reason.h"

#define CAPTURE_NO_IFINDEX UINT32_MAX
#define CAPTURE_MAX_CAPLEN (256u * 1024u) /* larger caplen values are corrupt records */
/* Time stamps handed out are in [0, CAPTURE_MAX_TS) ns (1970 to 2116): later
 * stages subtract clock offsets and add windows without overflowing. Others
 * are corrupt; they are clamped and noted (pcap.timestamp_out_of_range). */
#define CAPTURE_MAX_TS ((int64_t)1 << 62)

/* The copy of a pipe input: an unlinked temporary file, reopened as path
 * ("/proc/self/fd/N"); path NULL when the file is no pipe. */
struct capture_spool {
	char *path;
	int fd;
	int slot; /* cleanup slot when the copy has a name (no /proc), else -1 */
};

/* What a file was when the analysis read it: --write-pcapng reads the
 * inputs again and comments each packet by its record number, which is
 * only right for the same bytes. */
struct capture_file_id {
	bool bad; /* capture_probe() found it unreadable and said why: skipped */
	bool known;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

/* What capture_open() does with capture_input.ids. */
enum capture_check {
	CAPTURE_CHECK_NONE,   /* nothing */
	CAPTURE_CHECK_RECORD, /* note each file as it is read */
	CAPTURE_CHECK_VERIFY, /* read only files still as noted; see capture_changed() */
};

/* One input after argument expansion. */
struct capture_input {
	char *point;  /* "node1/eth0", "node1/any"; derived from the file name if bare */
	char *node;   /* first component of point: the clock domain */
	char **files; /* in capture order (p.pcap, p.pcap0, p.pcap1, ...) */
	size_t nfiles;
	char *topology;              /* snapshot JSON found next to a bundle's captures, or NULL */
	struct capture_spool *spool; /* NULL, or per file: the copy of a pipe to read
	                              * instead (files[] keeps the name for messages) */
	struct capture_file_id *ids; /* per file */
	enum capture_check check;    /* set by the caller before capture_open() */
	bool *gap_before;            /* per file: pieces of the rotated set are missing
	                              * before it (before the first: the set starts late) */
	bool ring_wrapped;           /* a -W ring that overwrote its oldest pieces */
};

struct capture_inputs {
	struct capture_input *v;
	size_t n;
};

struct capture_frame {
	int64_t ts;          /* ns since the epoch */
	const uint8_t *data; /* valid until the next capture_next() */
	uint32_t caplen, len;
	int dlt;
	uint32_t ifindex; /* pcapng interface id (IDBs numbered across the file's
	                   * sections), CAPTURE_NO_IFINDEX otherwise */
	uint8_t dir;      /* enum pp_dir from pcapng epb_flags, else PP_DIR_UNKNOWN */
	uint64_t recno;   /* 1-based record number across the input's files */
	size_t file;      /* index into the input's files */
	bool selected;    /* the selecting filter (capture_open_select) passes it */
};

struct capture;

/* Expands command-line arguments (POINT=FILE, FILE, DIR) into inputs: rotated
 * sets are gathered and ordered, bundle directories walked, pipes copied to
 * temporary files (inputs are read more than once; capture_inputs_free()
 * removes the copies). Prints one message per problem and goes on with the
 * other arguments; returns 0, or -1 when no usable input remains. */
int capture_inputs_expand(struct capture_inputs *out, char *const *args, size_t nargs);
void capture_inputs_free(struct capture_inputs *in);

/* Opens each file of an input once and closes it again, saying why a file
 * cannot be read (once: later opens skip it without a word). Returns the
 * number of files that can be read; an input with none is as if it was
 * not given. */
size_t capture_probe(const struct capture_input *in);

/* Opens an input; bpf (may be NULL) is compiled for each of its files.
 * counts must have one pp_counts per file of the input (zeroed by the
 * caller; capture only adds). in and counts must outlive the capture.
 * Returns NULL, with a message printed, when none of its files can be
 * opened; files that cannot be opened later are reported and skipped. */
struct capture *capture_open(const struct capture_input *in, const char *bpf,
                             struct pp_counts *counts);

/* Like capture_open(); select (may be NULL) is a filter that drops
 * nothing: it marks the frames it passes (capture_frame.selected), as -f
 * selects whole conversations by any of their packets. */
struct capture *capture_open_select(const struct capture_input *in, const char *bpf,
                                    const char *select, struct pp_counts *counts);

/* Whether the selecting filter passes a tunnel's inner packet, p[0..caplen)
 * of len bytes on the wire: an Ethernet frame when ether, else an IP
 * packet. False when the filter cannot test such packets ("ether host" on
 * an IP packet). */
bool capture_select_inner(struct capture *c, const uint8_t *p, uint32_t caplen, uint32_t len,
                          bool ether);

/* 1: *f holds a frame; 0: the input is exhausted (unreadable files were
 * reported and skipped). */
int capture_next(struct capture *c, struct capture_frame *f);

/* Name of a pcapng interface (if_name, else if_description), or NULL; valid
 * until the next capture_next() or capture_close(). */
const char *capture_iface_name(const struct capture *c, size_t file, uint32_t ifindex);

/* Number of pcapng interfaces (IDBs) of a file: those seen so far while the
 * file is being read, all of them once it has been read; 0 for pcap files. */
uint32_t capture_iface_count(const struct capture *c, size_t file);

/* Whether a BPF expression compiles (for Ethernet, as tcpdump would check
 * it): -1 after a usage message naming the option when it does not. */
int capture_filter_check(const char *opt, const char *bpf);

/* Link type name of a DLT, for messages ("EN10MB", "LINUX_SLL2"). */
const char *capture_dlt_name(int dlt);

/* With CAPTURE_CHECK_VERIFY: the name of the first file that is not what
 * the analysis read (another file under its name, another size or
 * modification time), or NULL. Such a file is not read. */
const char *capture_changed(const struct capture *c);

void capture_close(struct capture *c);

/* For progress: bytes of the input's files read so far (the files done, and
 * the position in the current one), and the size of all its files. Each
 * costs a system call or so: ask a few times a second, not per packet. */
uint64_t capture_bytes_read(const struct capture *c);
uint64_t capture_input_bytes(const struct capture_input *in);

/* What a file holds, judged by its magic number. */
enum capture_kind { CAPTURE_KIND_OTHER = 0, CAPTURE_KIND_PCAP = 1, CAPTURE_KIND_PCAPNG = 2 };

/* Kind of a file from its first four bytes: pcap a1b2c3d4, a1b23c4d (ns),
 * a1b2cd34 (Kuznetzov), each in either byte order; pcapng 0a0d0d0a. */
enum capture_kind capture_magic_kind(const uint8_t head[4]);

/* Opens path and reads its magic number, of the capture inside when it is
 * compressed: an enum capture_kind (OTHER also for files shorter than 4
 * bytes), or -1 with errno set. Prints nothing. */
int capture_file_kind(const char *path);

/* The compression a file starts with: an enum decomp_kind (decompress.h),
 * or -1 with errno set. capture_file_kind() and capture_file_first_ts()
 * look inside gzip, zstd and xz files. */
int capture_file_compression(const char *path);

/* Packets a pcapng capture says it lost (its interface statistics at the
 * end: isb_ifdrop + isb_osdrop) and the span the count covers, in ns on
 * the capturing host's clock (INT64_MIN/INT64_MAX where not said): 0, or
 * -1 (drops 0) for a file that is no pcapng or holds no statistics. */
int capture_file_drops(const char *path, uint64_t *drops, int64_t *from, int64_t *to);

/* Time stamp (ns) of the first record of a capture file: 0, or -1 when the
 * file cannot be read or holds no record. Prints nothing. */
int capture_file_first_ts(const char *path, int64_t *ts);

#endif
