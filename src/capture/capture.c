/* capture.c - reads an input's capture files through libpcap: nanosecond time
 * stamps, a BPF filter per file, header sanity checks, counts per reason.
 *
 * specification: pcap-savefile(5), draft-ietf-opsawg-pcapng; tcpdump's
 * print.c for the header checks.
 *
 * Every record read is counted (pp_counts.read) and either handed out or
 * counted under the reason it was not: a bad header, an unsupported link
 * type, the filter. A file that cannot be read is reported once and the
 * input goes on with its next file.
 *
 * pcapng files are walked alongside libpcap (pcapng_walk.c) for the
 * interface and direction of each packet. libpcap 1.10.3 refuses a pcapng
 * file whose interfaces have different link types (or snapshot lengths): it
 * reads the first IDB at open, and pcap_next_ex() fails with "an interface
 * has a type 113 different from the type of the first interface" when it
 * meets the next one; dumpcap writes all IDBs before the first packet, so
 * `dumpcap -i eth0 -i any` gives no packet at all through libpcap. When
 * libpcap stops at exactly such a block and the walker is in step, the
 * walker reads the rest of the file itself, packet data included, and each
 * frame carries the link type of its own interface (the filter is compiled
 * per link type). libpcap's per-link-type post-processing of a few exotic
 * link types (USB, NFLOG headers in the other byte order) is not applied to
 * those packets; the link types pktpath decodes have none.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture/capture.h"
#include "decode/decode.h"
#include "capture/decompress.h"
#include "util/msg.h"
#include "pktpath/obs.h"
#include "capture/pcapng_walk.h"

/* stdio buffer of an open capture (one is open per input at a time) */
#define CAPTURE_READ_BUFFER ((size_t)256 << 10)

/* What we know about one link type of the current file. */
struct linkinfo {
	int dlt;
	bool supported;
	int filter; /* 1: prog compiled, 0: no filter, -1: does not compile */
	struct bpf_program prog;
	int select; /* the same for the selecting filter (-f) */
	struct bpf_program sprog;
};

/* The selecting filter for a tunnel's inner packet: an Ethernet frame
 * (VXLAN, Geneve and GRE with Ethernet) or an IP packet (IP-in-IP, GRE). */
enum { INNER_ETHER, INNER_IP, INNER__N };

/* Interface names of a file, kept after it is read for capture_iface_name(). */
struct ifnames {
	char **name;
	uint32_t n;
};

struct capture {
	const struct capture_input *in;
	char *iobuf; /* the open file's stdio buffer (open_buffered) */
	char *bpf;
	char *select;        /* -f: marks frames, drops none */
	int inner[INNER__N]; /* compiled for inner packets: 1, 0 not yet, -1 cannot */
	struct bpf_program inner_prog[INNER__N];
	struct pp_counts *counts;
	struct ifnames *ifn; /* one per file */

	size_t cur; /* file being read, or next to open; in->nfiles at the end */
	bool open;  /* cur is open */
	enum capture_kind kind;
	pcap_t *p;             /* libpcap reads (NULL once the walker reads) */
	struct pcapng_walk *w; /* pcapng walker, or NULL */
	bool tracking;         /* walker in step with libpcap */
	bool walk_reads;       /* libpcap gave up, the walker reads the packets */
	bool pending;          /* walker packet read ahead, not handed out yet */
	int pending_rc;
	struct pcapng_pkt wp;

	struct linkinfo *li; /* link types of the current file */
	size_t nli, li_size;
	size_t file_li;      /* libpcap's link type: index into li */
	uint32_t last_iface; /* walker reads: cache of iface -> li */
	size_t last_li;

	int64_t last_ts;
	bool have_ts;
	uint64_t recno;
	uint64_t back_first;  /* packet of the current file where time first jumped back */
	uint64_t back_jumps;  /* and how often, by more than CAPTURE_BACK_JUMP_NS */
	int64_t back_max;     /* the largest jump back (ns) */
	uint64_t range_first; /* and where a time stamp was first out of range */
	bool refused;         /* libpcap stopped on a record counted as too large */
	uint64_t bytes_done;  /* sizes of the files read to their end */
	const char *changed;  /* CAPTURE_CHECK_VERIFY: a file not as the analysis read it */
	char errbuf[PCAP_ERRBUF_SIZE];
};

const char *capture_dlt_name(int dlt)
{
	const char *n = pcap_datalink_val_to_name(dlt);

	return n != NULL ? n : "unknown";
}

enum capture_kind capture_magic_kind(const uint8_t h[4])
{
	uint32_t m = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];

	switch (m) {
	case 0xa1b2c3d4: /* microseconds */
	case 0xd4c3b2a1:
	case 0xa1b23c4d: /* nanoseconds */
	case 0x4d3cb2a1:
	case 0xa1b2cd34: /* Kuznetzov's patched tcpdump, which libpcap reads */
	case 0x34cdb2a1:
		return CAPTURE_KIND_PCAP;
	case 0x0a0d0d0a:
		return CAPTURE_KIND_PCAPNG;
	default:
		return CAPTURE_KIND_OTHER;
	}
}

/* Reads up to n bytes from the start of an open file. */
static ssize_t read_head(int fd, uint8_t *b, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, b + got, n - got, (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* The first bytes of a regular file, decompressed when it is compressed
 * (*comp says how): what the capture inside starts with. */
static ssize_t read_head_plain(int fd, uint8_t *b, size_t n, enum decomp_kind *comp)
{
	uint8_t raw[8];
	ssize_t got = read_head(fd, raw, sizeof raw);
	struct stat st;

	*comp = got > 0 ? decomp_kind_of(raw, (size_t)got) : DECOMP_NONE;
	if (*comp == DECOMP_NONE || *comp == DECOMP_BZIP2 || fstat(fd, &st) < 0 ||
	    !S_ISREG(st.st_mode))
		return got < 0 ? got : read_head(fd, b, n);
	return decomp_head(*comp, fd, b, n);
}

int capture_file_compression(const char *path)
{
	uint8_t h[8];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return -1;
	n = read_head(fd, h, sizeof h);
	close(fd);
	return n > 0 ? (int)decomp_kind_of(h, (size_t)n) : DECOMP_NONE;
}

int capture_file_kind(const char *path)
{
	uint8_t h[4];
	ssize_t n;
	enum decomp_kind comp;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), e;

	if (fd < 0)
		return -1;
	n = read_head_plain(fd, h, sizeof h, &comp);
	e = errno;
	close(fd);
	if (n < 0) {
		errno = e;
		return comp != DECOMP_NONE ? CAPTURE_KIND_OTHER : -1;
	}
	return n == 4 ? (int)capture_magic_kind(h) : CAPTURE_KIND_OTHER;
}

/* Decompressed bytes read to find a compressed piece's first packet: the
 * file header and a packet, or a pcapng section with its interfaces. */
#define FIRST_TS_HEAD (256u * 1024u)

static int64_t tv_ns(const struct timeval *tv)
{
	int64_t r;

	/* opened with nanosecond precision: tv_usec holds nanoseconds */
	if (__builtin_mul_overflow((int64_t)tv->tv_sec, (int64_t)1000000000, &r))
		return tv->tv_sec < 0 ? INT64_MIN : INT64_MAX;
	if (__builtin_add_overflow(r, (int64_t)tv->tv_usec, &r))
		return INT64_MAX;
	return r;
}

int capture_file_drops(const char *path, uint64_t *drops, int64_t *from, int64_t *to)
{
	struct pcapng_walk *w;
	struct pcapng_drops d;
	struct pcapng_pkt pk;
	int rc = -1;

	*drops = 0;
	*from = INT64_MIN;
	*to = INT64_MAX;
	if (capture_file_kind(path) != CAPTURE_KIND_PCAPNG || !(w = pcapng_walk_open(path, 0)))
		return -1;
	/* the statistics' time stamps need the interfaces' resolutions */
	if (pcapng_walk_next(w, &pk, false) == PCAPNG_WALK_PACKET &&
	    pcapng_walk_tail_drops(w, &d) == 0) {
		pcapng_drops_near(&d, pk.ts);
		*drops = d.drops;
		*from = d.from;
		*to = d.to;
		rc = 0;
	}
	pcapng_walk_close(w);
	return rc;
}

/* A compressed file's first packet: its head decompressed into memory and
 * read by libpcap from there (the pieces of a compressed rotated set are
 * ordered before any is decompressed whole). */
static pcap_t *open_compressed_head(const char *path, char *errbuf, uint8_t **head)
{
	enum decomp_kind comp;
	uint8_t *buf;
	ssize_t n;
	FILE *fp;
	pcap_t *p = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 || capture_file_compression(path) <= DECOMP_NONE ||
	    !(buf = malloc(FIRST_TS_HEAD))) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	n = read_head_plain(fd, buf, FIRST_TS_HEAD, &comp);
	close(fd);
	fp = n > 0 ? fmemopen(buf, (size_t)n, "rb") : NULL;
	if (fp &&
	    !(p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf)))
		fclose(fp);
	/* fmemopen reads buf until fclose: the caller frees it after pcap_close */
	if (p)
		*head = buf;
	else
		free(buf);
	return p;
}

int capture_file_first_ts(const char *path, int64_t *ts)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	uint8_t *head = NULL;
	pcap_t *p;
	int rc;

	p = open_compressed_head(path, errbuf, &head);
	if (p != NULL) {
		rc = pcap_next_ex(p, &h, &d);
		if (rc == 1)
			*ts = tv_ns(&h->ts);
		pcap_close(p);
		free(head);
		return rc == 1 ? 0 : -1;
	}
	p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (p != NULL) {
		rc = pcap_next_ex(p, &h, &d);
		if (rc == 1)
			*ts = tv_ns(&h->ts);
		pcap_close(p);
		if (rc == 1)
			return 0;
	}
	if (capture_file_kind(path) == CAPTURE_KIND_PCAPNG) {
		/* libpcap refuses multi-link-type pcapng files: see the top */
		struct pcapng_walk *w = pcapng_walk_open(path, 0);
		struct pcapng_pkt pk;

		if (w != NULL) {
			rc = pcapng_walk_next(w, &pk, false);
			pcapng_walk_close(w);
			if (rc == PCAPNG_WALK_PACKET) {
				*ts = pk.ts;
				return 0;
			}
		}
	}
	return -1;
}

/* ---- opening ------------------------------------------------------------ */

static const char *cur_path(const struct capture *c)
{
	return c->in->files[c->cur];
}

/* What to open for the current file: a pipe's temporary copy, or itself. */
static const char *open_path(const struct capture *c)
{
	if (c->in->spool != NULL && c->in->spool[c->cur].path != NULL)
		return c->in->spool[c->cur].path;
	return c->in->files[c->cur];
}

/* Why libpcap could not open a file, said for a person: what the file looks
 * like when that is cheap to tell, else libpcap's own words. */
static void explain_open_failure(const char *path, const char *shown, const char *pcap_err)
{
	uint8_t h[64];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (n = read_head(fd, h, sizeof h)) < 0) {
		if (fd >= 0)
			close(fd);
		msg_error(shown, "%s", pcap_err);
		return;
	}
	close(fd);
	if (n >= 4 && capture_magic_kind(h) == CAPTURE_KIND_PCAP && st.st_size < 24) {
		msg_error(shown, "truncated file header (%lld of 24 bytes)", (long long)st.st_size);
	} else if (n >= 4 && capture_magic_kind(h) == CAPTURE_KIND_PCAPNG && st.st_size < 28) {
		msg_error(shown,
		          "truncated file header (%lld bytes, a pcapng section header has 28)",
		          (long long)st.st_size);
	} else if (n >= 4 && capture_magic_kind(h) != CAPTURE_KIND_OTHER) {
		msg_error(shown, "%s", pcap_err);
	} else {
		const char *hint = "";
		bool text = n > 0;

		for (ssize_t i = 0; i < n; i++)
			if ((h[i] < 0x20 && h[i] != '\t' && h[i] != '\n' && h[i] != '\r') ||
			    h[i] == 0x7f)
				text = false;
		if (n < 4)
			hint = n == 1 ? " (1 byte)" : n == 2 ? " (2 bytes)" : " (3 bytes)";
		else if (h[0] == 0x1f && h[1] == 0x8b)
			hint = " (it is gzip-compressed: decompress it first)";
		else if (memcmp(h, "BZh", 3) == 0)
			hint = " (it is bzip2-compressed: decompress it first)";
		else if (n >= 6 && memcmp(h,
		                          "\xfd"
		                          "7zXZ\0",
		                          6) == 0)
			hint = " (it is xz-compressed: decompress it first)";
		else if (memcmp(h, "\x28\xb5\x2f\xfd", 4) == 0)
			hint = " (it is zstd-compressed: decompress it first)";
		else if (memcmp(h, "PK\3\4", 4) == 0)
			hint = " (it is a zip archive: extract it first)";
		else if (n >= 8 && memcmp(h, "snoop\0\0\0", 8) == 0)
			hint = " (it is a snoop file: convert it with 'editcap -F pcap')";
		else if (text)
			hint = " (it looks like text)";
		msg_error(shown, "not a pcap or pcapng file%s", hint);
	}
}

/* Checks that libpcap does not explain well: missing, unreadable, a
 * directory, empty. Returns the kind (-1 when already reported). Only a
 * regular file is opened here: opening a FIFO twice would steal its data. */
static int precheck(const char *path, const char *shown, bool *regular)
{
	struct stat st;
	uint8_t h[4];
	ssize_t n;
	int fd;

	*regular = false;
	if (stat(path, &st) < 0) {
		msg_error(shown, "%s", strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		msg_error(shown, "is a directory, not a capture file");
		return -1;
	}
	if (!S_ISREG(st.st_mode))
		return CAPTURE_KIND_OTHER;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		msg_error(shown, "%s", strerror(errno));
		return -1;
	}
	*regular = true;
	if (fstat(fd, &st) == 0 && st.st_size == 0) {
		close(fd);
		msg_error(shown, "empty file (0 bytes)");
		return -1;
	}
	n = read_head(fd, h, sizeof h);
	close(fd);
	return n == 4 ? (int)capture_magic_kind(h) : CAPTURE_KIND_OTHER;
}

/* Compiles a filter (expr may be NULL: 0) for a link type with p, else a
 * dead handle: 1, or -1 after a message ending in what it means. */
static int compile(struct capture *c, const char *expr, struct bpf_program *prog, int dlt,
                   uint32_t snaplen, pcap_t *p, const char *where, const char *meaning)
{
	pcap_t *dead = NULL;
	int rc;

	if (expr == NULL)
		return 0;
	if (p == NULL)
		p = dead = pcap_open_dead_with_tstamp_precision(dlt, (int)snaplen,
		                                                PCAP_TSTAMP_PRECISION_NANO);
	rc = p != NULL ? pcap_compile(p, prog, expr, 1, PCAP_NETMASK_UNKNOWN) : -1;
	if (rc != 0)
		msg_error(cur_path(c),
		          "%sfilter '%s' does not compile for link type %s (%d): %s; %s", where,
		          expr, capture_dlt_name(dlt), dlt,
		          p != NULL ? pcap_geterr(p) : "out of memory", meaning);
	if (dead != NULL)
		pcap_close(dead);
	return rc == 0 ? 1 : -1;
}

/* Index into c->li for a link type, adding (and reporting, and compiling
 * the filter for) it when new. p compiles the filter if given, else a dead
 * handle of that link type. */
static size_t link_get(struct capture *c, int dlt, uint32_t snaplen, pcap_t *p, uint32_t iface)
{
	struct linkinfo *li;
	char where[PCAPNG_WALK_MAX_NAME + 48] = "";

	for (size_t i = 0; i < c->nli; i++)
		if (c->li[i].dlt == dlt)
			return i;
	if (c->nli == c->li_size) {
		size_t n = c->li_size ? 2 * c->li_size : 4;
		struct linkinfo *v = realloc(c->li, n * sizeof *v);

		if (v == NULL)
			msg_oom("link types", n * sizeof *v);
		c->li = v;
		c->li_size = n;
	}
	li = &c->li[c->nli];
	memset(li, 0, sizeof *li);
	li->dlt = dlt;
	li->supported = decode_dlt_supported(dlt) != 0;
	if (iface != CAPTURE_NO_IFINDEX) {
		const char *n = capture_iface_name(c, c->cur, iface);

		snprintf(where, sizeof where, "interface %u%s%s%s: ", iface, n ? " (" : "",
		         n ? n : "", n ? ")" : "");
	}
	if (!li->supported) {
		msg_error(cur_path(c),
		          "%sunsupported link type %s (%d): its packets are counted as %s", where,
		          capture_dlt_name(dlt), dlt, reason_name(PP_R_LINK_UNSUPPORTED));
	} else {
		char meaning[64];

		snprintf(meaning, sizeof meaning, "its packets are counted as %s",
		         reason_name(PP_R_PCAP_FILTERED));
		li->filter = compile(c, c->bpf, &li->prog, dlt, snaplen, p, where, meaning);
		li->select = compile(c, c->select, &li->sprog, dlt, snaplen, p, where,
		                     "no conversation is selected by its packets");
	}
	return c->nli++;
}

int capture_filter_check(const char *opt, const char *bpf)
{
	pcap_t *p =
	    pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 262144, PCAP_TSTAMP_PRECISION_NANO);
	struct bpf_program prog;
	int rc;

	if (!p)
		return 0; /* no memory: the files will say */
	rc = pcap_compile(p, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN);
	if (rc == 0)
		pcap_freecode(&prog);
	else
		msg_usage("%s: '%s' does not compile: %s", opt, bpf, pcap_geterr(p));
	pcap_close(p);
	return rc == 0 ? 0 : -1;
}

static bool same_file(const struct capture_file_id *id, const struct stat *st)
{
	return id->dev == st->st_dev && id->ino == st->st_ino && id->size == st->st_size &&
	       id->mtime.tv_sec == st->st_mtim.tv_sec && id->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* Notes or checks the file just opened (fd is what libpcap reads).
 * Returns false when it must not be read. */
static bool check_file(struct capture *c, int fd)
{
	struct capture_file_id *id = c->in->ids ? &c->in->ids[c->cur] : NULL;
	struct stat st;

	if (!id || c->in->check == CAPTURE_CHECK_NONE)
		return true;
	if (fstat(fd, &st) < 0)
		return c->in->check == CAPTURE_CHECK_RECORD;
	if (c->in->check == CAPTURE_CHECK_RECORD) {
		id->known = true;
		id->dev = st.st_dev;
		id->ino = st.st_ino;
		id->size = st.st_size;
		id->mtime = st.st_mtim;
		return true;
	}
	if (!id->known)
		return false; /* the analysis could not read it: said then */
	if (!same_file(id, &st)) {
		if (!c->changed)
			c->changed = cur_path(c);
		return false;
	}
	return true;
}

/* After a file was read: its size and time then, if it is still the file
 * that was opened (a file replaced meanwhile keeps what was noted). */
static void note_read(struct capture *c)
{
	struct capture_file_id *id = c->in->ids ? &c->in->ids[c->cur] : NULL;
	struct stat st;

	if (id && id->known && c->in->check == CAPTURE_CHECK_RECORD &&
	    stat(open_path(c), &st) == 0 && st.st_dev == id->dev && st.st_ino == id->ino) {
		id->size = st.st_size;
		id->mtime = st.st_mtim;
	}
}

const char *capture_changed(const struct capture *c)
{
	return c ? c->changed : NULL;
}

/* libpcap reads a file through stdio, whose buffer is a page: a read(2)
 * per 4 KB, a million system calls per 4 GB. The file is opened here with
 * buf (CAPTURE_READ_BUFFER bytes, or NULL: stdio's own) as its buffer and
 * handed to libpcap, which reads it as before; buf must outlive the handle.
 * NULL with errbuf as pcap_open_offline() words it. */
static pcap_t *open_buffered(const char *path, char *errbuf, char *buf)
{
	FILE *fp = fopen(path, "rb");
	pcap_t *p;

	if (!fp) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (buf)
		setvbuf(fp, buf, _IOFBF, CAPTURE_READ_BUFFER);
	p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!p)
		fclose(fp);
	return p;
}

/* libpcap's handle for one file, or NULL after a message; *kind and
 * *regular as precheck() gives them. */
static pcap_t *open_one(const char *path, const char *shown, int *kind, bool *regular, char *errbuf,
                        char *buf)
{
	pcap_t *p;

	*kind = precheck(path, shown, regular);
	if (*kind < 0)
		return NULL;
	p = open_buffered(path, errbuf, buf);
	if (p == NULL)
		explain_open_failure(path, shown, errbuf);
	return p;
}

size_t capture_probe(const struct capture_input *in)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	size_t ok = 0;

	for (size_t f = 0; f < in->nfiles; f++) {
		const char *path =
		    in->spool && in->spool[f].path ? in->spool[f].path : in->files[f];
		bool regular;
		int kind;
		pcap_t *p = open_one(path, in->files[f], &kind, &regular, errbuf, NULL);

		if (p) {
			pcap_close(p);
			ok++;
		} else if (in->ids) {
			in->ids[f].bad = true;
		}
	}
	return ok;
}

/* Opens files from c->cur on until one opens; false when none is left. */
static bool open_file(struct capture *c)
{
	for (; c->cur < c->in->nfiles; c->cur++) {
		const char *path = open_path(c), *shown = cur_path(c);
		bool regular;
		int kind;

		if (c->in->ids && c->in->ids[c->cur].bad)
			continue; /* said by capture_probe() */
		if (!c->iobuf && !(c->iobuf = malloc(CAPTURE_READ_BUFFER)))
			msg_oom("capture buffer", CAPTURE_READ_BUFFER);
		c->p = open_one(path, shown, &kind, &regular, c->errbuf, c->iobuf);
		if (c->p == NULL)
			continue;
		if (!check_file(c, fileno(pcap_file(c->p)))) {
			pcap_close(c->p);
			c->p = NULL;
			continue;
		}
		c->kind = (enum capture_kind)kind;
		c->open = true;
		c->back_first = 0;
		c->back_jumps = 0;
		c->back_max = 0;
		c->range_first = 0;
		c->refused = false;
		c->tracking = c->walk_reads = c->pending = false;
		c->last_iface = CAPTURE_NO_IFINDEX;
		if (kind == CAPTURE_KIND_PCAPNG && regular) {
			c->w = pcapng_walk_open(path, CAPTURE_MAX_CAPLEN);
			if (c->w == NULL)
				msg_warn(shown,
				         "cannot follow pcapng interfaces (%s): "
				         "interface and direction unknown",
				         strerror(errno));
			c->tracking = c->w != NULL;
		}
		c->file_li = link_get(c, pcap_datalink(c->p), (uint32_t)pcap_snapshot(c->p), c->p,
		                      CAPTURE_NO_IFINDEX);
		return true;
	}
	return false;
}

static void save_ifnames(struct capture *c)
{
	struct ifnames *fn = &c->ifn[c->cur];
	uint32_t n = c->w != NULL ? pcapng_walk_niface(c->w) : 0;

	if (n == 0)
		return;
	fn->name = calloc(n, sizeof *fn->name);
	if (fn->name == NULL)
		return;
	fn->n = n;
	for (uint32_t i = 0; i < n; i++) {
		const struct pcapng_iface *ifc = pcapng_walk_iface(c->w, i);
		const char *s = ifc->name != NULL ? ifc->name : ifc->descr;

		fn->name[i] = s != NULL ? strdup(s) : NULL;
	}
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* Time stamps going back by more than this are said (once per file). */
#define CAPTURE_BACK_JUMP_NS (1000LL * 1000 * 1000)

/* Records that were counted, not used, said once per file so that a
 * damaged capture is never a silent one. */
static void warn_records(struct capture *c)
{
	const struct pp_counts *k = &c->counts[c->cur];
	uint64_t n;

	if ((n = k->ignored[PP_R_PCAP_CAPLEN_OVER_LEN]) > 0)
		msg_warn(cur_path(c),
		         "%llu record%s with more bytes captured than the packet had "
		         "(caplen > len): counted as %s",
		         (unsigned long long)n, plural(n), reason_name(PP_R_PCAP_CAPLEN_OVER_LEN));
	if ((n = k->ignored[PP_R_PCAP_CAPLEN_ZERO]) > 0)
		msg_warn(cur_path(c), "%llu record%s without a captured byte: counted as %s",
		         (unsigned long long)n, plural(n), reason_name(PP_R_PCAP_CAPLEN_ZERO));
	if ((n = k->ignored[PP_R_PCAP_CAPLEN_TOO_LARGE] - c->refused) > 0)
		msg_warn(cur_path(c),
		         "%llu record%s with more than %u bytes captured: counted as %s",
		         (unsigned long long)n, plural(n), CAPTURE_MAX_CAPLEN,
		         reason_name(PP_R_PCAP_CAPLEN_TOO_LARGE));
	if ((n = k->notes[PP_N_TS_OUT_OF_RANGE]) > 0)
		msg_warn(cur_path(c),
		         "%llu time stamp%s before 1970 or after 2116, first at packet %llu: "
		         "taken as the nearest of the two",
		         (unsigned long long)n, plural(n), (unsigned long long)c->range_first);
	if ((n = c->back_jumps) > 0)
		msg_warn(cur_path(c),
		         "time stamps jump back by up to %.3f s, %llu time%s, first at "
		         "packet %llu (the packets are used as they are)",
		         (double)c->back_max / 1e9, (unsigned long long)n, plural(n),
		         (unsigned long long)c->back_first);
}

static void close_file(struct capture *c)
{
	if (!c->open)
		return;
	save_ifnames(c);
	if (c->p != NULL)
		pcap_close(c->p);
	c->p = NULL;
	pcapng_walk_close(c->w);
	c->w = NULL;
	for (size_t i = 0; i < c->nli; i++) {
		if (c->li[i].filter == 1)
			pcap_freecode(&c->li[i].prog);
		if (c->li[i].select == 1)
			pcap_freecode(&c->li[i].sprog);
	}
	c->nli = 0;
	c->open = false;
	warn_records(c);
	note_read(c);
	{
		struct stat st;

		if (stat(open_path(c), &st) == 0 && S_ISREG(st.st_mode))
			c->bytes_done += (uint64_t)st.st_size;
	}
	c->cur++;
}

struct capture *capture_open(const struct capture_input *in, const char *bpf,
                             struct pp_counts *counts)
{
	return capture_open_select(in, bpf, NULL, counts);
}

struct capture *capture_open_select(const struct capture_input *in, const char *bpf,
                                    const char *select, struct pp_counts *counts)
{
	struct capture *c;

	if (in->nfiles == 0) {
		msg_error(in->point, "no capture file");
		return NULL;
	}
	c = calloc(1, sizeof *c);
	if (c == NULL) {
		msg_error(in->point, "out of memory");
		return NULL;
	}
	c->in = in;
	c->counts = counts;
	c->ifn = calloc(in->nfiles, sizeof *c->ifn);
	c->bpf = bpf != NULL ? strdup(bpf) : NULL;
	c->select = select != NULL ? strdup(select) : NULL;
	if (c->ifn == NULL || (bpf != NULL && c->bpf == NULL) ||
	    (select != NULL && c->select == NULL)) {
		msg_error(in->point, "out of memory");
		capture_close(c);
		return NULL;
	}
	/* a file found changed is kept for capture_changed() to say */
	if (!open_file(c) && !c->changed) {
		capture_close(c);
		return NULL;
	}
	return c;
}

/* ---- reading ------------------------------------------------------------ */

static void lose_track(struct capture *c, const char *why)
{
	msg_warn(cur_path(c),
	         "cannot follow pcapng interfaces from packet %llu on (%s): interface and "
	         "direction unknown for the rest of the file",
	         (unsigned long long)c->counts[c->cur].read + 1, why);
	c->tracking = false;
}

static void record_cut(struct capture *c)
{
	struct pp_counts *cnt = &c->counts[c->cur];

	cnt->notes[PP_N_RECORD_CUT]++;
	msg_warn(cur_path(c),
	         "capture ends mid-record after %llu packets (the last record is cut short)",
	         (unsigned long long)cnt->read);
}

/* libpcap stopped on a pcap record header it would not read: count the
 * record when its captured length is what made it stop (the file is not
 * read further either way; libpcap cannot skip it). */
static void count_refused_record(struct capture *c)
{
	FILE *fp = pcap_file(c->p);
	uint8_t h[16];
	uint32_t caplen;
	off_t pos;

	if (c->kind != CAPTURE_KIND_PCAP || fp == NULL)
		return;
	pos = ftello(fp);
	if (pos < 24 + 16 || pread(fileno(fp), h, 16, pos - 16) != 16)
		return;
	memcpy(&caplen, h + 8, 4);
	if (pcap_is_swapped(c->p))
		caplen = __builtin_bswap32(caplen);
	if (caplen > CAPTURE_MAX_CAPLEN) {
		c->refused = true;
		c->counts[c->cur].read++;
		c->counts[c->cur].ignored[PP_R_PCAP_CAPLEN_TOO_LARGE]++;
		c->recno++;
	}
}

/* pcap_next_ex() did not return a packet. Returns true when the walker takes
 * over the file (a packet or its end is pending), false when the file is done. */
static bool pcap_stopped(struct capture *c, int rc)
{
	FILE *fp;

	if (rc == PCAP_ERROR_BREAK)
		return false; /* end of file */
	if (c->tracking && !pcapng_walk_libpcap_stops(c->w)) {
		/* libpcap 1.10 stops at an IDB of another link type or
		 * snapshot length: if that is what comes next, walk on */
		c->pending_rc = pcapng_walk_next(c->w, &c->wp, true);
		if (pcapng_walk_libpcap_stops(c->w)) {
			pcap_close(c->p);
			c->p = NULL;
			c->walk_reads = c->pending = true;
			return true;
		}
		c->tracking = false;
	}
	fp = pcap_file(c->p);
	if (fp != NULL && feof(fp)) {
		record_cut(c);
	} else {
		msg_error(cur_path(c), "%s (after %llu packets; the rest of the file is not read)",
		          pcap_geterr(c->p), (unsigned long long)c->counts[c->cur].read);
		count_refused_record(c);
	}
	return false;
}

/* The walker reads: next packet into c->wp; false at the end of the file. */
static bool walk_packet(struct capture *c)
{
	int rc;

	if (c->pending) {
		c->pending = false;
		rc = c->pending_rc;
	} else {
		rc = pcapng_walk_next(c->w, &c->wp, true);
	}
	if (rc == PCAPNG_WALK_PACKET)
		return true;
	if (rc == PCAPNG_WALK_TRUNCATED)
		record_cut(c);
	else if (rc != PCAPNG_WALK_END)
		msg_error(cur_path(c), "%s (after %llu packets; the rest of the file is not read)",
		          pcapng_walk_error(c->w), (unsigned long long)c->counts[c->cur].read);
	return false;
}

int capture_next(struct capture *c, struct capture_frame *f)
{
	for (;;) {
		struct pcap_pkthdr *h, wh;
		const u_char *data;
		struct pp_counts *cnt;
		struct linkinfo *li;
		uint32_t iface = CAPTURE_NO_IFINDEX;
		uint8_t dir = PP_DIR_UNKNOWN;
		int64_t ts;

		if (!c->open && !open_file(c))
			return 0;
		if (!c->walk_reads) {
			int rc = pcap_next_ex(c->p, &h, &data);

			if (rc != 1) {
				if (!pcap_stopped(c, rc))
					close_file(c);
				continue;
			}
			li = &c->li[c->file_li];
			if (c->tracking) {
				struct pcapng_pkt *wp = &c->wp;

				rc = pcapng_walk_next(c->w, wp, false);
				if (rc != PCAPNG_WALK_PACKET)
					lose_track(c, rc == PCAPNG_WALK_END
					                  ? "the walk ended first"
					                  : pcapng_walk_error(c->w));
				else if (wp->caplen != h->caplen || wp->len != h->len)
					lose_track(c, "the walk and libpcap disagree on lengths");
				else {
					iface = wp->iface;
					dir = wp->dir;
				}
			}
		} else {
			if (!walk_packet(c)) {
				close_file(c);
				continue;
			}
			iface = c->wp.iface;
			dir = c->wp.dir;
			if (iface != c->last_iface) {
				const struct pcapng_iface *ifc = pcapng_walk_iface(c->w, iface);

				c->last_li = link_get(c, ifc->dlt, ifc->snaplen, NULL, iface);
				c->last_iface = iface;
			}
			li = &c->li[c->last_li];
			memset(&wh, 0, sizeof wh);
			wh.caplen = c->wp.caplen;
			wh.len = c->wp.len;
			h = &wh;
			data = c->wp.data;
		}

		cnt = &c->counts[c->cur];
		cnt->read++;
		c->recno++;
		if (h->caplen == 0) {
			cnt->ignored[PP_R_PCAP_CAPLEN_ZERO]++;
			continue;
		}
		if (h->caplen > CAPTURE_MAX_CAPLEN || data == NULL) {
			cnt->ignored[PP_R_PCAP_CAPLEN_TOO_LARGE]++;
			continue;
		}
		if (h->caplen > h->len) {
			cnt->ignored[PP_R_PCAP_CAPLEN_OVER_LEN]++;
			continue;
		}
		if (!li->supported) {
			cnt->ignored[PP_R_LINK_UNSUPPORTED]++;
			continue;
		}
		if (li->filter < 0 ||
		    (li->filter > 0 && pcap_offline_filter(&li->prog, h, data) == 0)) {
			cnt->ignored[PP_R_PCAP_FILTERED]++;
			continue;
		}
		f->selected = li->select > 0 && pcap_offline_filter(&li->sprog, h, data) != 0;
		ts = c->walk_reads ? c->wp.ts : tv_ns(&h->ts);
		if (ts < 0 || ts >= CAPTURE_MAX_TS) {
			if (cnt->notes[PP_N_TS_OUT_OF_RANGE]++ == 0)
				c->range_first = cnt->read;
			ts = ts < 0 ? 0 : CAPTURE_MAX_TS - 1;
		}
		if (c->have_ts && ts < c->last_ts) {
			/* small steps back are normal (multi-queue NICs, GRO):
			 * counted; a jump is said */
			cnt->notes[PP_N_TS_BACKWARDS]++;
			if (c->last_ts - ts > CAPTURE_BACK_JUMP_NS && c->back_jumps++ == 0)
				c->back_first = cnt->read;
			if (c->last_ts - ts > c->back_max)
				c->back_max = c->last_ts - ts;
		}
		c->last_ts = ts;
		c->have_ts = true;

		f->ts = ts;
		f->data = data;
		f->caplen = h->caplen;
		f->len = h->len;
		f->dlt = li->dlt;
		f->ifindex = iface;
		f->dir = dir;
		f->recno = c->recno;
		f->file = c->cur;
		return 1;
	}
}

const char *capture_iface_name(const struct capture *c, size_t file, uint32_t ifindex)
{
	if (c == NULL || file >= c->in->nfiles)
		return NULL;
	if (file == c->cur && c->open) {
		const struct pcapng_iface *ifc =
		    c->w != NULL ? pcapng_walk_iface(c->w, ifindex) : NULL;

		if (ifc == NULL)
			return NULL;
		return ifc->name != NULL ? ifc->name : ifc->descr;
	}
	if (ifindex >= c->ifn[file].n)
		return NULL;
	return c->ifn[file].name[ifindex];
}

uint32_t capture_iface_count(const struct capture *c, size_t file)
{
	if (c == NULL || file >= c->in->nfiles)
		return 0;
	if (file == c->cur && c->open)
		return c->w != NULL ? pcapng_walk_niface(c->w) : 0;
	return c->ifn[file].n;
}

uint64_t capture_bytes_read(const struct capture *c)
{
	uint64_t n;

	if (c == NULL)
		return 0;
	n = c->bytes_done;
	if (c->open && c->p != NULL) {
		FILE *fp = pcap_file(c->p);
		off_t pos = fp != NULL ? ftello(fp) : -1;

		if (pos > 0)
			n += (uint64_t)pos;
	} else if (c->open && c->walk_reads) {
		n += c->wp.offset;
	}
	return n;
}

uint64_t capture_input_bytes(const struct capture_input *in)
{
	uint64_t n = 0;
	struct stat st;

	for (size_t i = 0; i < in->nfiles; i++) {
		if (stat(in->spool != NULL && in->spool[i].path != NULL ? in->spool[i].path
		                                                        : in->files[i],
		         &st) == 0 &&
		    S_ISREG(st.st_mode))
			n += (uint64_t)st.st_size;
	}
	return n;
}

void capture_close(struct capture *c)
{
	if (c == NULL)
		return;
	close_file(c);
	free(c->iobuf); /* after the file that used it is closed */
	if (c->ifn != NULL)
		for (size_t i = 0; i < c->in->nfiles; i++) {
			for (uint32_t j = 0; j < c->ifn[i].n; j++)
				free(c->ifn[i].name[j]);
			free(c->ifn[i].name);
		}
	free(c->ifn);
	free(c->li);
	free(c->bpf);
	free(c->select);
	for (int i = 0; i < INNER__N; i++)
		if (c->inner[i] > 0)
			pcap_freecode(&c->inner_prog[i]);
	free(c);
}

bool capture_select_inner(struct capture *c, const uint8_t *p, uint32_t caplen, uint32_t len,
                          bool ether)
{
	int k = ether ? INNER_ETHER : INNER_IP;
	struct pcap_pkthdr h = {.caplen = caplen, .len = len};

	if (!c->select || caplen == 0)
		return false;
	if (c->inner[k] == 0) {
		/* said once per input: "ether host" cannot test an IP packet */
		pcap_t *dead = pcap_open_dead_with_tstamp_precision(ether ? DLT_EN10MB : DLT_RAW,
		                                                    (int)CAPTURE_MAX_CAPLEN,
		                                                    PCAP_TSTAMP_PRECISION_NANO);

		c->inner[k] = dead && pcap_compile(dead, &c->inner_prog[k], c->select, 1,
		                                   PCAP_NETMASK_UNKNOWN) == 0
		                  ? 1
		                  : -1;
		if (dead)
			pcap_close(dead);
	}
	return c->inner[k] > 0 && pcap_offline_filter(&c->inner_prog[k], &h, p) != 0;
}
