/* test_capture.c - unit tests of the capture layer on files written at test
 * time: libpcap's own writer for pcap files, a small byte-level builder for
 * pcapng (the only way to get every block type, both byte orders and broken
 * lengths). Messages on stderr are captured and checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture/capture.h"
#include "pktpath/obs.h"
#include "capture/pcapng_walk.h"

/* stderr is what the tests capture: failed checks go to stdout */
#define CHECK_PRINT(...) fprintf(stdout, __VA_ARGS__)
#include "check.h"

#define CHECK_HAS(hay, needle)                                                                     \
	CHECK_MSG(strstr((hay), (needle)) != NULL, "check failed: no \"%s\" in:\n%s\n", (needle),  \
	          (hay))

static char tmp[64];

static char *tpath(const char *name)
{
	static char buf[8][512];
	static int k;
	char *p = buf[k++ % 8];

	snprintf(p, sizeof buf[0], "%s/%s", tmp, name);
	return p;
}

/* ---- stderr capture ---------------------------------------------------------- */

static int saved_fd = -1;
static char errtext[65536];

static void err_begin(void)
{
	int fd = open(tpath(".stderr"), O_RDWR | O_CREAT | O_TRUNC, 0600);

	fflush(stderr);
	saved_fd = dup(2);
	dup2(fd, 2);
	close(fd);
}

static const char *err_end(void)
{
	int fd;
	ssize_t n;

	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	fd = open(tpath(".stderr"), O_RDONLY);
	n = read(fd, errtext, sizeof errtext - 1);
	close(fd);
	errtext[n > 0 ? n : 0] = 0;
	return errtext;
}

/* ---- packets ------------------------------------------------------------------- */

/* Ethernet + IPv4 + (TCP 6 | UDP 17 | ICMP 1), 64 bytes. */
static size_t pkt_eth(uint8_t *b, uint8_t proto, uint16_t id)
{
	static const uint8_t eth[14] = {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00};

	memset(b, 0, 64);
	memcpy(b, eth, 14);
	b[14] = 0x45;          /* IPv4, 20-byte header */
	b[16] = 0, b[17] = 50; /* total length */
	b[18] = (uint8_t)(id >> 8), b[19] = (uint8_t)id;
	b[22] = 64; /* TTL */
	b[23] = proto;
	b[26] = 10, b[29] = 1; /* 10.0.0.1 */
	b[30] = 10, b[33] = 2; /* 10.0.0.2 */
	if (proto == 6)
		b[34 + 12] = 0x50; /* TCP data offset 5 */
	return 64;
}

/* The same IPv4 packet without the Ethernet header (DLT_RAW). */
static size_t pkt_raw(uint8_t *b, uint8_t proto)
{
	uint8_t e[64];

	pkt_eth(e, proto, 7);
	memcpy(b, e + 14, 50);
	return 50;
}

/* Linux cooked v1 header + the IPv4 packet. */
static size_t pkt_sll(uint8_t *b, uint8_t proto)
{
	static const uint8_t sll[16] = {0, 0, 0, 1, 0, 6, 0, 1, 2, 3, 4, 5, 0, 0, 0x08, 0x00};

	memcpy(b, sll, 16);
	return 16 + pkt_raw(b + 16, proto);
}

struct tp {
	int64_t ts; /* ns */
	uint32_t caplen, len;
	uint8_t proto; /* for the default Ethernet payload */
};

static void write_pcap(const char *path, int dlt, int snaplen, bool nano, const struct tp *pk,
                       size_t n)
{
	pcap_t *p = pcap_open_dead_with_tstamp_precision(
	    dlt, snaplen, nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
	pcap_dumper_t *d = pcap_dump_open(p, path);
	static uint8_t data[300000];

	if (d == NULL) {
		fprintf(stderr, "pcap_dump_open %s: %s\n", path, pcap_geterr(p));
		exit(2);
	}
	for (size_t i = 0; i < n; i++) {
		struct pcap_pkthdr h;

		memset(data, 0xab, pk[i].caplen);
		pkt_eth(data, pk[i].proto ? pk[i].proto : 6, (uint16_t)i);
		h.ts.tv_sec = pk[i].ts / 1000000000;
		h.ts.tv_usec = nano ? pk[i].ts % 1000000000 : pk[i].ts % 1000000000 / 1000;
		h.caplen = pk[i].caplen;
		h.len = pk[i].len;
		pcap_dump((u_char *)d, &h, data);
	}
	pcap_dump_close(d);
	pcap_close(p);
}

static void write_bytes(const char *path, const void *b, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(b, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(2);
	}
}

static size_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (size_t)st.st_size : 0;
}

/* ---- pcapng builder -------------------------------------------------------------- */

struct ng {
	uint8_t b[1 << 21];
	size_t n;
	bool swap; /* write big-endian */
};

static void ng_put(struct ng *g, const void *p, size_t n)
{
	if (n == 0)
		return;
	memcpy(g->b + g->n, p, n);
	g->n += n;
}

static void ng_u16(struct ng *g, uint16_t v)
{
	if (g->swap)
		v = __builtin_bswap16(v);
	ng_put(g, &v, 2);
}

static void ng_u32(struct ng *g, uint32_t v)
{
	if (g->swap)
		v = __builtin_bswap32(v);
	ng_put(g, &v, 4);
}

static void ng_u64(struct ng *g, uint64_t v)
{
	if (g->swap)
		v = __builtin_bswap64(v);
	ng_put(g, &v, 8);
}

static void ng_pad(struct ng *g)
{
	while (g->n % 4)
		g->b[g->n++] = 0;
}

static size_t ng_begin(struct ng *g, uint32_t type)
{
	size_t at = g->n;

	ng_u32(g, type);
	ng_u32(g, 0); /* length, set by ng_end */
	return at;
}

static void ng_end(struct ng *g, size_t at)
{
	uint32_t len = (uint32_t)(g->n - at + 4), v = g->swap ? __builtin_bswap32(len) : len;

	memcpy(g->b + at + 4, &v, 4);
	ng_u32(g, len);
}

static void ng_opt(struct ng *g, uint16_t code, const void *v, uint16_t len)
{
	ng_u16(g, code);
	ng_u16(g, len);
	ng_put(g, v, len);
	ng_pad(g);
}

static void ng_shb(struct ng *g, bool swap)
{
	size_t at;

	g->swap = swap;
	at = ng_begin(g, 0x0A0D0D0A);
	ng_u32(g, 0x1A2B3C4D);
	ng_u16(g, 1);
	ng_u16(g, 0);
	ng_u64(g, UINT64_MAX);
	ng_opt(g, 4, "pktpath test", 12); /* shb_userappl */
	ng_opt(g, 0, NULL, 0);
	ng_end(g, at);
}

/* tsresol < 0: none; name/descr NULL: none */
static void ng_idb(struct ng *g, uint16_t linktype, uint32_t snaplen, const char *name,
                   const char *descr, int tsresol, int64_t tsoffset)
{
	size_t at = ng_begin(g, 1);

	ng_u16(g, linktype);
	ng_u16(g, 0);
	ng_u32(g, snaplen);
	if (name != NULL)
		ng_opt(g, 2, name, (uint16_t)strlen(name));
	if (descr != NULL)
		ng_opt(g, 3, descr, (uint16_t)strlen(descr));
	if (tsresol >= 0) {
		uint8_t r = (uint8_t)tsresol;

		ng_opt(g, 9, &r, 1);
	}
	if (tsoffset != 0) {
		uint64_t v = (uint64_t)tsoffset;

		if (g->swap)
			v = __builtin_bswap64(v);
		ng_opt(g, 14, &v, 8);
	}
	ng_opt(g, 0, NULL, 0);
	ng_end(g, at);
}

/* flags < 0: no epb_flags option */
static void ng_epb(struct ng *g, uint32_t iface, uint64_t t, const uint8_t *d, uint32_t caplen,
                   uint32_t len, long flags)
{
	size_t at = ng_begin(g, 6);

	ng_u32(g, iface);
	ng_u32(g, (uint32_t)(t >> 32));
	ng_u32(g, (uint32_t)t);
	ng_u32(g, caplen);
	ng_u32(g, len);
	ng_put(g, d, caplen);
	ng_pad(g);
	if (flags >= 0) {
		uint32_t v = (uint32_t)flags;

		if (g->swap)
			v = __builtin_bswap32(v);
		ng_opt(g, 1, "a comment", 9);
		ng_opt(g, 2, &v, 4);
		ng_opt(g, 0, NULL, 0);
	}
	ng_end(g, at);
}

static void ng_pb(struct ng *g, uint16_t iface, uint64_t t, const uint8_t *d, uint32_t caplen,
                  uint32_t len, long flags)
{
	size_t at = ng_begin(g, 2);

	ng_u16(g, iface);
	ng_u16(g, 0);
	ng_u32(g, (uint32_t)(t >> 32));
	ng_u32(g, (uint32_t)t);
	ng_u32(g, caplen);
	ng_u32(g, len);
	ng_put(g, d, caplen);
	ng_pad(g);
	if (flags >= 0) {
		uint32_t v = (uint32_t)flags;

		if (g->swap)
			v = __builtin_bswap32(v);
		ng_opt(g, 2, &v, 4);
	}
	ng_end(g, at);
}

static void ng_spb(struct ng *g, const uint8_t *d, uint32_t caplen, uint32_t len)
{
	size_t at = ng_begin(g, 3);

	ng_u32(g, len);
	ng_put(g, d, caplen);
	ng_pad(g);
	ng_end(g, at);
}

static void ng_other(struct ng *g, uint32_t type, size_t body)
{
	size_t at = ng_begin(g, type);

	for (size_t i = 0; i < body; i++)
		g->b[g->n++] = (uint8_t)i;
	ng_pad(g);
	ng_end(g, at);
}

static struct ng G;

static void ng_write(const char *name)
{
	write_bytes(tpath(name), G.b, G.n);
	G.n = 0;
}

/* ---- reading ------------------------------------------------------------------ */

struct fr {
	int64_t ts;
	uint32_t caplen, len, ifindex;
	int dlt;
	uint8_t dir;
	uint64_t recno;
	size_t file;
	uint8_t b0; /* first byte, to see which packet it is */
	char name[32];
};

struct run {
	bool opened;
	uint32_t nif; /* capture_iface_count() of file 0 after reading */
	size_t n;
	struct fr f[256];
	struct pp_counts cnt[8];
	char err[8192];
};

static struct run R;

/* Reads an input of the given files (point "n1/p") through capture. */
static void run(const char *bpf, size_t nfiles, ...)
{
	char *files[8];
	struct capture_input in = {.point = "n1/p", .node = "n1", .files = files};
	struct capture_frame f;
	struct capture *c;
	va_list ap;

	va_start(ap, nfiles);
	for (size_t i = 0; i < nfiles; i++)
		files[i] = va_arg(ap, char *);
	va_end(ap);
	in.nfiles = nfiles;
	memset(&R, 0, sizeof R);
	err_begin();
	c = capture_open(&in, bpf, R.cnt);
	R.opened = c != NULL;
	while (c != NULL && capture_next(c, &f) == 1) {
		if (R.n < sizeof R.f / sizeof R.f[0]) {
			struct fr *x = &R.f[R.n];
			const char *nm = capture_iface_name(c, f.file, f.ifindex);

			x->ts = f.ts;
			x->caplen = f.caplen;
			x->len = f.len;
			x->ifindex = f.ifindex;
			x->dlt = f.dlt;
			x->dir = f.dir;
			x->recno = f.recno;
			x->file = f.file;
			x->b0 = f.data[0];
			snprintf(x->name, sizeof x->name, "%s", nm ? nm : "");
		}
		R.n++;
	}
	R.nif = capture_iface_count(c, 0);
	capture_close(c);
	snprintf(R.err, sizeof R.err, "%s", err_end());
}

static uint64_t ignored_total(const struct pp_counts *c)
{
	return counts_ignored_total(c);
}

/* ---- pcap files ---------------------------------------------------------------- */

static void test_normal(void)
{
	struct tp pk[3] = {{1700000000123456789, 64, 64, 6},
	                   {1700000000223456789, 64, 1500, 17},
	                   {1700000001000000001, 64, 64, 1}};

	write_pcap(tpath("normal.pcap"), DLT_EN10MB, 65535, true, pk, 3);
	run(NULL, 1, tpath("normal.pcap"));
	CHECK(R.opened);
	CHECK_EQ(R.nif, 0);
	CHECK_EQ(R.n, 3);
	CHECK_EQ(R.cnt[0].read, 3);
	CHECK_EQ(ignored_total(&R.cnt[0]), 0);
	CHECK_EQ(R.f[0].ts, 1700000000123456789);
	CHECK_EQ(R.f[2].ts, 1700000001000000001);
	CHECK_EQ(R.f[1].caplen, 64);
	CHECK_EQ(R.f[1].len, 1500);
	CHECK_EQ(R.f[0].dlt, DLT_EN10MB);
	CHECK_EQ(R.f[0].ifindex, CAPTURE_NO_IFINDEX);
	CHECK_EQ(R.f[0].dir, PP_DIR_UNKNOWN);
	CHECK_EQ(R.f[2].recno, 3);
	CHECK_EQ(R.err[0], 0);

	/* microsecond file: nanoseconds are whole microseconds */
	write_pcap(tpath("micro.pcap"), DLT_EN10MB, 65535, false, pk, 3);
	run(NULL, 1, tpath("micro.pcap"));
	CHECK_EQ(R.n, 3);
	CHECK_EQ(R.f[0].ts, 1700000000123456000);
	CHECK(strcmp(capture_dlt_name(DLT_EN10MB), "EN10MB") == 0);
	CHECK(strcmp(capture_dlt_name(276), "LINUX_SLL2") == 0);
}

static void test_bad_files(void)
{
	static const char text[] = "hello, this is not a capture\n";
	uint8_t hdr[24];
	FILE *f;

	write_bytes(tpath("empty.pcap"), "", 0);
	run(NULL, 1, tpath("empty.pcap"));
	CHECK(!R.opened);
	CHECK_HAS(R.err, "empty.pcap: empty file (0 bytes)\n");

	write_bytes(tpath("text.pcap"), text, sizeof text - 1);
	run(NULL, 1, tpath("text.pcap"));
	CHECK(!R.opened);
	CHECK_HAS(R.err, "text.pcap: not a pcap or pcapng file (it looks like text)\n");

	write_bytes(tpath("gz.pcap"), "\x1f\x8b\x08\x00\x00\x00\x00\x00", 8);
	run(NULL, 1, tpath("gz.pcap"));
	CHECK_HAS(R.err, "gz.pcap: not a pcap or pcapng file (it is gzip-compressed");

	write_bytes(tpath("tiny"), "\xd4\xc3", 2);
	run(NULL, 1, tpath("tiny"));
	CHECK_HAS(R.err, "tiny: not a pcap or pcapng file (2 bytes)\n");

	write_pcap(tpath("hdr.pcap"), DLT_EN10MB, 65535, false, NULL, 0);
	f = fopen(tpath("hdr.pcap"), "rb");
	CHECK(fread(hdr, 1, 24, f) == 24);
	fclose(f);
	write_bytes(tpath("trunchdr.pcap"), hdr, 10);
	run(NULL, 1, tpath("trunchdr.pcap"));
	CHECK(!R.opened);
	CHECK_HAS(R.err, "trunchdr.pcap: truncated file header (10 of 24 bytes)\n");

	/* a header without packets is a capture of nothing, not an error */
	run(NULL, 1, tpath("hdr.pcap"));
	CHECK(R.opened);
	CHECK_EQ(R.n, 0);
	CHECK_EQ(R.err[0], 0);

	write_bytes(tpath("ngshort.pcapng"), "\x0a\x0d\x0d\x0a\x1c\x00\x00\x00\x4d\x3c", 10);
	run(NULL, 1, tpath("ngshort.pcapng"));
	CHECK_HAS(R.err, "ngshort.pcapng: truncated file header (10 bytes");

	run(NULL, 1, tpath("does-not-exist.pcap"));
	CHECK(!R.opened);
	CHECK_HAS(R.err, "does-not-exist.pcap: No such file or directory\n");

	run(NULL, 1, tmp);
	CHECK_HAS(R.err, ": is a directory, not a capture file\n");

	/* the input goes on with the files that can be read */
	run(NULL, 3, tpath("does-not-exist.pcap"), tpath("text.pcap"), tpath("normal.pcap"));
	CHECK(R.opened);
	CHECK_EQ(R.n, 3);
	CHECK_EQ(R.f[0].file, 2);
	CHECK_HAS(R.err, "does-not-exist.pcap: No such file");
	CHECK_HAS(R.err, "text.pcap: not a pcap");
}

/* Permission denied can only be seen without root's privileges. */
static void test_permission(void)
{
	pid_t pid;
	int st;

	if (geteuid() != 0 && access(tpath("normal.pcap"), R_OK) != 0)
		return;
	write_pcap(tpath("secret.pcap"), DLT_EN10MB, 65535, true, NULL, 0);
	chmod(tpath("secret.pcap"), 0);
	chmod(tmp, 0777);
	pid = fork();
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(3);
		unlink(tpath(".stderr"));
		run(NULL, 1, tpath("secret.pcap"));
		_exit(!R.opened && strstr(R.err, "secret.pcap: Permission denied\n") ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	chmod(tmp, 0700);
}

static void test_cut_record(void)
{
	struct tp pk[5] = {{1000000000, 64, 64, 6},
	                   {2000000000, 64, 64, 6},
	                   {3000000000, 64, 64, 6},
	                   {4000000000, 64, 64, 6},
	                   {5000000000, 64, 64, 6}};
	char want[512];

	write_pcap(tpath("cut.pcap"), DLT_EN10MB, 65535, true, pk, 5);
	CHECK(truncate(tpath("cut.pcap"), (off_t)file_size(tpath("cut.pcap")) - 3) == 0);
	run(NULL, 2, tpath("cut.pcap"), tpath("normal.pcap"));
	CHECK_EQ(R.n, 4 + 3);
	CHECK_EQ(R.cnt[0].read, 4);
	CHECK_EQ(R.cnt[0].notes[PP_N_RECORD_CUT], 1);
	CHECK_EQ(R.cnt[1].read, 3);
	CHECK_EQ(R.f[4].file, 1);
	CHECK_EQ(R.f[4].recno, 5);
	snprintf(want, sizeof want,
	         "pktpath: warning: %s: capture ends mid-record after 4 packets (the last record "
	         "is cut short)\n",
	         tpath("cut.pcap"));
	CHECK(strcmp(R.err, want) == 0);

	/* cut inside a record header */
	CHECK(truncate(tpath("cut.pcap"), 24 + 2 * (16 + 64) + 9) == 0);
	run(NULL, 1, tpath("cut.pcap"));
	CHECK_EQ(R.n, 2);
	CHECK_EQ(R.cnt[0].notes[PP_N_RECORD_CUT], 1);
	CHECK_HAS(R.err, "capture ends mid-record after 2 packets");
}

static void test_header_checks(void)
{
	struct tp pk[6] = {{1000000000, 64, 64, 6}, {2000000000, 0, 64, 6},
	                   {3000000000, 64, 60, 6}, {1500000000, 64, 64, 6},
	                   {1600000000, 64, 64, 6}, {6000000000, 64, 64, 6}};
	struct tp big[2] = {{1000000000, 64, 64, 6}, {2000000000, 262145, 262145, 6}};
	struct tp bigdbus[3] = {
	    {1000000000, 64, 64, 6}, {2000000000, 262145, 300000, 6}, {3000000000, 64, 64, 6}};

	write_pcap(tpath("hdrs.pcap"), DLT_EN10MB, 65535, true, pk, 6);
	run(NULL, 1, tpath("hdrs.pcap"));
	CHECK_EQ(R.cnt[0].read, 6);
	CHECK_EQ(R.n, 4);
	CHECK_EQ(R.cnt[0].ignored[PP_R_PCAP_CAPLEN_ZERO], 1);
	CHECK_EQ(R.cnt[0].ignored[PP_R_PCAP_CAPLEN_OVER_LEN], 1);
	/* 1.5 s after 1 s is fine; 1.5 after... the delivered 1.0, 1.5, 1.6, 6.0 */
	CHECK_EQ(R.cnt[0].notes[PP_N_TS_BACKWARDS], 0);
	CHECK_EQ(R.f[1].recno, 4);
	/* counted, and said once per file */
	CHECK_HAS(R.err, "hdrs.pcap: 1 record with more bytes captured than the packet had "
	                 "(caplen > len): counted as pcap.caplen_exceeds_length\n");
	CHECK_HAS(R.err, "hdrs.pcap: 1 record without a captured byte: counted as "
	                 "pcap.caplen_zero\n");

	pk[3].ts = 500000000; /* now backwards: 1.0 -> 0.5 */
	write_pcap(tpath("back.pcap"), DLT_EN10MB, 65535, true, pk, 6);
	run(NULL, 1, tpath("back.pcap"));
	CHECK_EQ(R.n, 4);
	CHECK_EQ(R.cnt[0].notes[PP_N_TS_BACKWARDS], 1);
	CHECK_EQ(R.f[1].ts, 500000000);

	/* above the largest snapshot length: libpcap refuses the record and
	 * the rest of the file; the record is counted */
	write_pcap(tpath("big.pcap"), DLT_EN10MB, 262144, true, big, 2);
	run(NULL, 1, tpath("big.pcap"));
	CHECK_EQ(R.n, 1);
	CHECK_EQ(R.cnt[0].read, 2);
	CHECK_EQ(R.cnt[0].ignored[PP_R_PCAP_CAPLEN_TOO_LARGE], 1);
	CHECK_HAS(R.err, "big.pcap: invalid packet capture length 262145");
	CHECK_HAS(R.err, "(after 1 packets; the rest of the file is not read)\n");

	/* D-Bus allows 128 MiB records: libpcap reads it, capture skips it */
	write_pcap(tpath("dbus.pcap"), DLT_DBUS, 0, true, bigdbus, 3);
	run(NULL, 1, tpath("dbus.pcap"));
	CHECK_EQ(R.cnt[0].read, 3);
	CHECK_EQ(R.cnt[0].ignored[PP_R_PCAP_CAPLEN_TOO_LARGE], 1);
	CHECK_EQ(R.cnt[0].ignored[PP_R_LINK_UNSUPPORTED], 2);
}

static void test_filter(void)
{
	struct tp pk[4] = {{1000000000, 64, 64, 6},
	                   {2000000000, 64, 64, 17},
	                   {3000000000, 64, 64, 6},
	                   {4000000000, 64, 64, 1}};

	write_pcap(tpath("mix.pcap"), DLT_EN10MB, 65535, true, pk, 4);
	run("tcp", 1, tpath("mix.pcap"));
	CHECK_EQ(R.n, 2);
	CHECK_EQ(R.cnt[0].read, 4);
	CHECK_EQ(R.cnt[0].ignored[PP_R_PCAP_FILTERED], 2);
	CHECK_EQ(R.f[1].recno, 3);
	CHECK_EQ(R.err[0], 0);

	run("udp or icmp", 2, tpath("mix.pcap"), tpath("mix.pcap"));
	CHECK_EQ(R.n, 4);
	CHECK_EQ(R.cnt[1].ignored[PP_R_PCAP_FILTERED], 2);

	/* a set whose link type changes between files: each file its own */
	write_pcap(tpath("sll.pcap"), DLT_LINUX_SLL, 65535, true, pk, 2);
	run(NULL, 2, tpath("mix.pcap"), tpath("sll.pcap"));
	CHECK_EQ(R.cnt[0].read, 4);
	CHECK_EQ(R.cnt[1].read, 2);
	CHECK_EQ(R.f[0].dlt, DLT_EN10MB);
	CHECK_EQ(R.f[R.n - 1].dlt, DLT_LINUX_SLL);
	CHECK_HAS(R.err,
	          "sll.pcap: time stamps jump back by up to 3.000 s, 1 time, first at packet 1");

	run("tcp and and", 1, tpath("mix.pcap"));
	CHECK_EQ(R.n, 0);
	CHECK_EQ(R.cnt[0].ignored[PP_R_PCAP_FILTERED], 4);
	CHECK_HAS(R.err,
	          "mix.pcap: filter 'tcp and and' does not compile for link type EN10MB (1)");
	CHECK_HAS(R.err, "its packets are counted as filter.rejected\n");
}

static void test_unsupported(void)
{
	struct tp pk[3] = {
	    {1000000000, 64, 64, 6}, {2000000000, 0, 64, 6}, {3000000000, 64, 64, 6}};

	write_pcap(tpath("radio.pcap"), DLT_IEEE802_11_RADIO, 65535, true, pk, 3);
	run("tcp", 1, tpath("radio.pcap"));
	CHECK(R.opened);
	CHECK_EQ(R.n, 0);
	CHECK_EQ(R.cnt[0].read, 3);
	CHECK_EQ(R.cnt[0].ignored[PP_R_LINK_UNSUPPORTED], 2);
	CHECK_EQ(R.cnt[0].ignored[PP_R_PCAP_CAPLEN_ZERO], 1);
	CHECK_HAS(R.err,
	          "radio.pcap: unsupported link type IEEE802_11_RADIO (127): its packets are "
	          "counted as link.unsupported_type\n");
}

/* ---- pcapng -------------------------------------------------------------------- */

static uint8_t E[64], S[80], W[64];
static size_t En, Sn, Wn;

static void make_packets(void)
{
	En = pkt_eth(E, 1, 1);
	Sn = pkt_sll(S, 1);
	Wn = pkt_raw(W, 1);
}

static void test_pcapng_basic(bool swap)
{
	const char *name = swap ? "be.pcapng" : "le.pcapng";

	ng_shb(&G, swap);
	ng_idb(&G, 1, 0, "eth0", "the uplink", 9, 0);
	ng_idb(&G, 1, 0, NULL, "described only", -1, 0);
	ng_idb(&G, 1, 0, NULL, NULL, -1, 0);
	ng_other(&G, 4, 13);                                                  /* NRB */
	ng_epb(&G, 0, 1700000000123456789ull, E, (uint32_t)En, 70, 1);        /* in */
	ng_epb(&G, 1, 1700000001000000ull, E, (uint32_t)En, (uint32_t)En, 2); /* out, us */
	ng_other(&G, 5, 20);                                                  /* ISB */
	ng_other(&G, 0x40000BAD, 9);                                          /* custom */
	ng_other(&G, 0x12345678, 0);                                          /* unknown */
	ng_epb(&G, 2, 1700000002000000ull, E, (uint32_t)En, (uint32_t)En, -1);
	ng_epb(&G, 0, 1700000003000000000ull, E, (uint32_t)En, (uint32_t)En,
	       3); /* bits 11: unknown */
	ng_spb(&G, E, (uint32_t)En, (uint32_t)En);
	ng_pb(&G, 1, 1700000005000000ull, E, (uint32_t)En, (uint32_t)En, 1);
	ng_write(name);

	run(NULL, 1, tpath(name));
	CHECK(R.opened);
	CHECK_EQ(R.n, 6);
	/* the SPB has no time stamp */
	CHECK_HAS(R.err, ".pcapng: time stamps jump back by up to ");
	CHECK_EQ(R.f[0].ifindex, 0);
	CHECK_EQ(R.f[0].dir, PP_DIR_IN);
	CHECK_EQ(R.f[0].ts, 1700000000123456789);
	CHECK_EQ(R.f[0].len, 70);
	CHECK(strcmp(R.f[0].name, "eth0") == 0);
	CHECK_EQ(R.f[1].ifindex, 1);
	CHECK_EQ(R.f[1].dir, PP_DIR_OUT);
	CHECK_EQ(R.f[1].ts, 1700000001000000000);
	CHECK(strcmp(R.f[1].name, "described only") == 0);
	CHECK_EQ(R.f[2].ifindex, 2);
	CHECK_EQ(R.f[2].dir, PP_DIR_UNKNOWN);
	CHECK(strcmp(R.f[2].name, "") == 0);
	CHECK_EQ(R.f[3].dir, PP_DIR_UNKNOWN);
	CHECK_EQ(R.f[4].ifindex, 0); /* SPB: interface 0 */
	CHECK_EQ(R.f[5].ifindex, 1); /* PB */
	CHECK_EQ(R.f[5].dir, PP_DIR_IN);
	CHECK_EQ(R.f[5].dlt, DLT_EN10MB);
	CHECK_EQ(R.nif, 3);
}

/* Interfaces of different link types: libpcap 1.10 stops at the second
 * IDB; the walker reads the file. */
static void test_pcapng_multilink(void)
{
	ng_shb(&G, false);
	ng_idb(&G, 1, 0, "eth0", NULL, 9, 0);
	ng_idb(&G, 113, 0, "any", NULL, 9, 0);
	ng_idb(&G, 101, 0, "tun0", NULL, 6, 0);
	ng_epb(&G, 0, 1000000001, E, (uint32_t)En, (uint32_t)En, 1);
	ng_epb(&G, 1, 2000000002, S, (uint32_t)Sn, (uint32_t)Sn, 2);
	ng_epb(&G, 2, 3000003, W, (uint32_t)Wn, (uint32_t)Wn, -1);
	ng_epb(&G, 0, 4000000004, E, 0, (uint32_t)En, -1);                /* caplen 0 */
	ng_epb(&G, 1, 5000000005, S, (uint32_t)Sn, (uint32_t)Sn - 1, -1); /* caplen > len */
	ng_write("multilink.pcapng");

	run(NULL, 1, tpath("multilink.pcapng"));
	CHECK_HAS(R.err, "multilink.pcapng: 1 record without a captured byte: counted as "
	                 "pcap.caplen_zero\n");
	CHECK_EQ(R.n, 3);
	CHECK_EQ(R.cnt[0].read, 5);
	CHECK_EQ(R.cnt[0].ignored[PP_R_PCAP_CAPLEN_ZERO], 1);
	CHECK_EQ(R.cnt[0].ignored[PP_R_PCAP_CAPLEN_OVER_LEN], 1);
	CHECK_EQ(R.f[0].dlt, DLT_EN10MB);
	CHECK_EQ(R.f[0].ifindex, 0);
	CHECK_EQ(R.f[0].dir, PP_DIR_IN);
	CHECK_EQ(R.f[0].ts, 1000000001);
	CHECK_EQ(R.f[0].b0, E[0]);
	CHECK_EQ(R.f[1].dlt, DLT_LINUX_SLL);
	CHECK_EQ(R.f[1].ifindex, 1);
	CHECK_EQ(R.f[1].dir, PP_DIR_OUT);
	CHECK_EQ(R.f[1].caplen, Sn);
	CHECK(strcmp(R.f[1].name, "any") == 0);
	CHECK_EQ(R.f[2].dlt, DLT_RAW);   /* LINKTYPE_RAW 101 */
	CHECK_EQ(R.f[2].ts, 3000003000); /* microseconds */
	CHECK_EQ(R.f[2].b0, 0x45);
	CHECK_EQ(R.f[2].recno, 3);

	/* the filter is compiled for each link type */
	run("icmp", 1, tpath("multilink.pcapng"));
	CHECK_EQ(R.n, 3);
	run("udp", 1, tpath("multilink.pcapng"));
	CHECK_EQ(R.n, 0);
	CHECK_EQ(R.cnt[0].ignored[PP_R_PCAP_FILTERED], 3);

	/* link types the decoder lacks are counted per interface */
	ng_shb(&G, false);
	ng_idb(&G, 1, 0, "eth0", NULL, -1, 0);
	ng_idb(&G, 127, 0, "wlan0", NULL, -1, 0);
	ng_epb(&G, 1, 1, E, (uint32_t)En, (uint32_t)En, -1);
	ng_epb(&G, 0, 2, E, (uint32_t)En, (uint32_t)En, -1);
	ng_epb(&G, 1, 3, E, (uint32_t)En, (uint32_t)En, -1);
	ng_write("wlan.pcapng");
	run(NULL, 1, tpath("wlan.pcapng"));
	CHECK_EQ(R.n, 1);
	CHECK_EQ(R.cnt[0].ignored[PP_R_LINK_UNSUPPORTED], 2);
	CHECK_HAS(R.err, "wlan.pcapng: interface 1 (wlan0): unsupported link type "
	                 "IEEE802_11_RADIO (127)");

	/* same link type, other snapshot length: libpcap stops too */
	ng_shb(&G, false);
	ng_idb(&G, 1, 96, "a", NULL, -1, 0);
	ng_idb(&G, 1, 128, "b", NULL, -1, 0);
	ng_epb(&G, 0, 1, E, 64, 64, -1);
	ng_epb(&G, 1, 2, E, 64, 64, -1);
	ng_write("snaplens.pcapng");
	run(NULL, 1, tpath("snaplens.pcapng"));
	CHECK_EQ(R.n, 2);
	CHECK_EQ(R.f[1].ifindex, 1);
	CHECK_EQ(R.err[0], 0);
}

/* Sections: interface numbers go on across sections; a section in the
 * other byte order is walked too. */
static void test_pcapng_sections(void)
{
	ng_shb(&G, false);
	ng_idb(&G, 1, 0, "s1eth0", NULL, -1, 0);
	ng_epb(&G, 0, 1000000, E, (uint32_t)En, (uint32_t)En, 1);
	ng_shb(&G, false);
	ng_idb(&G, 1, 0, "s2eth0", NULL, -1, 0);
	ng_idb(&G, 1, 0, "s2eth1", NULL, -1, 0);
	ng_epb(&G, 1, 2000000, E, (uint32_t)En, (uint32_t)En, 2);
	ng_epb(&G, 0, 3000000, E, (uint32_t)En, (uint32_t)En, -1);
	ng_shb(&G, true);
	ng_idb(&G, 1, 0, "s3eth0", NULL, -1, 0);
	ng_epb(&G, 0, 4000000, E, (uint32_t)En, (uint32_t)En, 1);
	ng_write("sections.pcapng");

	run(NULL, 1, tpath("sections.pcapng"));
	CHECK_EQ(R.n, 4);
	CHECK_EQ(R.err[0], 0);
	CHECK_EQ(R.f[0].ifindex, 0);
	CHECK_EQ(R.f[1].ifindex, 2);
	CHECK(strcmp(R.f[1].name, "s2eth1") == 0);
	CHECK_EQ(R.f[1].dir, PP_DIR_OUT);
	CHECK_EQ(R.f[2].ifindex, 1);
	CHECK_EQ(R.f[3].ifindex, 3);
	CHECK_EQ(R.f[3].dir, PP_DIR_IN);
	CHECK(strcmp(R.f[3].name, "s3eth0") == 0);
	CHECK_EQ(R.f[3].ts, 4000000000);
}

/* Time stamp resolutions and offsets: the walker converts as libpcap does. */
static void test_pcapng_tsresol(void)
{
	static const int res[] = {0,    3,         6,         9,         12,        19,
	                          0x80, 0x80 | 10, 0x80 | 20, 0x80 | 30, 0x80 | 40, 0x80 | 63};

	for (size_t i = 0; i < sizeof res / sizeof res[0]; i++) {
		uint64_t units = 0x123456789abcdefull >> (i * 3);
		struct pcapng_walk *w;
		struct pcapng_pkt pk;
		int64_t lts = -1;
		char name[32];

		snprintf(name, sizeof name, "res%d.pcapng", res[i]);
		ng_shb(&G, i % 2 == 1);
		ng_idb(&G, 1, 0, NULL, NULL, res[i], i == 2 ? -3600 : (i == 3 ? 86400 : 0));
		ng_epb(&G, 0, units, E, (uint32_t)En, (uint32_t)En, -1);
		ng_write(name);
		CHECK_EQ(capture_file_first_ts(tpath(name), &lts), 0);
		w = pcapng_walk_open(tpath(name), 0);
		CHECK(w != NULL);
		if (w == NULL)
			continue;
		CHECK_EQ(pcapng_walk_next(w, &pk, false), PCAPNG_WALK_PACKET);
		if (pk.ts != lts)
			printf("tsresol %#x: walker %" PRId64 " libpcap %" PRId64 "\n", res[i],
			       pk.ts, lts);
		CHECK_EQ(pk.ts, lts);
		CHECK_EQ(pcapng_walk_next(w, &pk, false), PCAPNG_WALK_END);
		pcapng_walk_close(w);
	}
}

/* More interfaces than the walker keeps: libpcap reads on, the walker
 * gives up with one warning and frames lose their interface. */
static void test_pcapng_lose_track(void)
{
	ng_shb(&G, false);
	for (unsigned i = 0; i <= PCAPNG_WALK_MAX_IFACES; i++)
		ng_idb(&G, 1, 0, NULL, NULL, -1, 0);
	ng_epb(&G, 3, 1000000, E, (uint32_t)En, (uint32_t)En, 1);
	ng_epb(&G, 4, 2000000, E, (uint32_t)En, (uint32_t)En, 1);
	ng_write("manyifs.pcapng");
	run(NULL, 1, tpath("manyifs.pcapng"));
	CHECK_EQ(R.n, 2);
	CHECK_EQ(R.f[0].ifindex, CAPTURE_NO_IFINDEX);
	CHECK_EQ(R.f[1].ifindex, CAPTURE_NO_IFINDEX);
	CHECK_HAS(R.err, "manyifs.pcapng: cannot follow pcapng interfaces from packet 1 on (more "
	                 "than 65536 interfaces)");
	{
		const char *once = strstr(R.err, "cannot follow");

		CHECK(once != NULL && strstr(once + 1, "cannot follow") == NULL);
	}
}

static void test_pcapng_cut(void)
{
	ng_shb(&G, false);
	ng_idb(&G, 1, 0, "eth0", NULL, -1, 0);
	ng_epb(&G, 0, 1, E, (uint32_t)En, (uint32_t)En, 1);
	ng_epb(&G, 0, 2, E, (uint32_t)En, (uint32_t)En, 1);
	ng_write("ngcut.pcapng");
	CHECK(truncate(tpath("ngcut.pcapng"), (off_t)file_size(tpath("ngcut.pcapng")) - 6) == 0);
	run(NULL, 1, tpath("ngcut.pcapng"));
	CHECK_EQ(R.n, 1);
	CHECK_EQ(R.cnt[0].notes[PP_N_RECORD_CUT], 1);
	CHECK_HAS(R.err, "ngcut.pcapng: capture ends mid-record after 1 packets");

	/* the same in a multi-link file the walker reads */
	ng_shb(&G, false);
	ng_idb(&G, 1, 0, "eth0", NULL, -1, 0);
	ng_idb(&G, 101, 0, "tun0", NULL, -1, 0);
	ng_epb(&G, 0, 1, E, (uint32_t)En, (uint32_t)En, 1);
	ng_epb(&G, 1, 2, W, (uint32_t)Wn, (uint32_t)Wn, 1);
	ng_write("ngcut2.pcapng");
	CHECK(truncate(tpath("ngcut2.pcapng"), (off_t)file_size(tpath("ngcut2.pcapng")) - 30) == 0);
	run(NULL, 1, tpath("ngcut2.pcapng"));
	CHECK_EQ(R.n, 1);
	CHECK_EQ(R.cnt[0].notes[PP_N_RECORD_CUT], 1);
	CHECK_HAS(R.err, "ngcut2.pcapng: capture ends mid-record after 1 packets");
}

/* Hand-made broken blocks: each ends the walk with an error, never a hang. */
static void test_pcapng_hostile(void)
{
	struct {
		const char *what;
		size_t at; /* offset in the block after SHB+IDB to overwrite */
		uint32_t v;
	} bad[] = {
	    {"length 0", 4, 0},
	    {"length 7", 4, 7},
	    {"length 13", 4, 13},
	    {"length huge", 4, 0xfffffffc},
	    {"caplen huge", 20, 0xfffffff0},
	    {"trailer", 8 + 20 + 64 + 28, 1},
	    {"iface", 8, 9},
	};
	size_t base;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct pcapng_walk *w;
		struct pcapng_pkt pk;
		int rc, steps = 0;

		ng_shb(&G, false);
		ng_idb(&G, 1, 0, "eth0", NULL, -1, 0);
		base = G.n;
		ng_epb(&G, 0, 1, E, (uint32_t)En, (uint32_t)En, 1);
		ng_epb(&G, 0, 2, E, (uint32_t)En, (uint32_t)En, 1);
		memcpy(G.b + base + bad[i].at, &bad[i].v, 4);
		ng_write("hostile.pcapng");
		w = pcapng_walk_open(tpath("hostile.pcapng"), CAPTURE_MAX_CAPLEN);
		CHECK(w != NULL);
		while ((rc = pcapng_walk_next(w, &pk, true)) == PCAPNG_WALK_PACKET)
			steps++;
		if (rc >= 0)
			printf("hostile %s: rc %d after %d\n", bad[i].what, rc, steps);
		CHECK(rc < 0);
		CHECK(strlen(pcapng_walk_error(w)) > 0);
		pcapng_walk_close(w);
		run(NULL, 1, tpath("hostile.pcapng"));
		CHECK(R.err[0] != 0);
	}
}

/* Every prefix of a pcapng file with every block type, and random damage:
 * reading must end, with frames or messages, and never touch memory it must
 * not (run under ASan and valgrind). */
static void test_pcapng_fuzz(void)
{
	static uint8_t base[4096], buf[4096];
	size_t n, iters = 2000;
	const char *e = getenv("CAPTEST_FUZZ_ITERS");
	uint32_t seed = 12345;

	if (e != NULL)
		iters = strtoul(e, NULL, 10);
	ng_shb(&G, false);
	ng_idb(&G, 1, 0, "eth0", "desc", 9, 0);
	ng_idb(&G, 113, 0, "any", NULL, 0x80 | 20, 5);
	ng_other(&G, 4, 17);
	ng_epb(&G, 0, 1, E, (uint32_t)En, (uint32_t)En, 1);
	ng_epb(&G, 1, 2, S, (uint32_t)Sn, (uint32_t)Sn, 2);
	ng_spb(&G, E, (uint32_t)En, (uint32_t)En);
	ng_pb(&G, 1, 3, S, (uint32_t)Sn, (uint32_t)Sn, 1);
	ng_other(&G, 5, 24);
	ng_shb(&G, true);
	ng_idb(&G, 101, 0, "tun0", NULL, -1, 0);
	ng_epb(&G, 0, 4, W, (uint32_t)Wn, (uint32_t)Wn, 2);
	n = G.n;
	memcpy(base, G.b, n);
	G.n = 0;

	err_begin();
	for (size_t cut = 0; cut <= n; cut++) {
		struct pcapng_walk *w;
		struct pcapng_pkt pk;
		char *files[1] = {tpath("fz.pcapng")};
		struct capture_input in = {
		    .point = "f/z", .node = "f", .files = files, .nfiles = 1};
		struct pp_counts cnt[1];
		struct capture_frame f;
		struct capture *c;

		write_bytes(files[0], base, cut);
		memset(cnt, 0, sizeof cnt);
		c = capture_open(&in, "icmp", cnt);
		while (c != NULL && capture_next(c, &f) == 1)
			;
		capture_close(c);
		w = pcapng_walk_open(files[0], CAPTURE_MAX_CAPLEN);
		while (w != NULL && pcapng_walk_next(w, &pk, true) == PCAPNG_WALK_PACKET)
			;
		pcapng_walk_close(w);
		if (cut == n)
			CHECK_EQ(cnt[0].read, 5);
	}
	for (size_t it = 0; it < iters; it++) {
		char *files[1] = {tpath("fz.pcapng")};
		struct capture_input in = {
		    .point = "f/z", .node = "f", .files = files, .nfiles = 1};
		struct pp_counts cnt[1];
		struct capture_frame f;
		struct capture *c;
		struct pcapng_walk *w;
		struct pcapng_pkt pk;
		int k = 1 + (int)((seed >> 16) % 4);

		memcpy(buf, base, n);
		for (int j = 0; j < k; j++) {
			size_t at;

			seed = seed * 1103515245u + 12345u;
			at = (seed >> 8) % n;
			seed = seed * 1103515245u + 12345u;
			switch ((seed >> 16) % 4) {
			case 0:
				buf[at] = (uint8_t)(seed >> 24);
				break;
			case 1: /* a length-like word at a 4-byte boundary */
				at &= ~(size_t)3;
				if (at + 4 <= n) {
					static const uint32_t v[] = {
					    0, 4, 12, 13, 28, 0x7ffffffc, 0xfffffffc, 0x10000};
					memcpy(buf + at, &v[(seed >> 24) % 8], 4);
				}
				break;
			case 2:
				buf[at] ^= (uint8_t)(1u << ((seed >> 24) % 8));
				break;
			default:
				buf[at] = 0xff;
				break;
			}
		}
		write_bytes(files[0], buf, n);
		memset(cnt, 0, sizeof cnt);
		uint64_t got = 0;

		c = capture_open(&in, it % 3 ? NULL : "icmp", cnt);
		while (c != NULL && capture_next(c, &f) == 1) {
			CHECK(f.caplen > 0 && f.caplen <= f.len && f.data != NULL);
			got++;
		}
		capture_close(c);
		CHECK(got + counts_ignored_total(cnt) == cnt[0].read);
		w = pcapng_walk_open(files[0], CAPTURE_MAX_CAPLEN);
		while (w != NULL && pcapng_walk_next(w, &pk, true) == PCAPNG_WALK_PACKET)
			;
		pcapng_walk_close(w);
	}
	err_end();
}

/* The same for pcap files: every prefix, and damaged record headers. */
static void test_pcap_fuzz(void)
{
	struct tp pk[4] = {{1000000000, 64, 64, 6},
	                   {2000000000, 60, 64, 17},
	                   {3000000000, 64, 64, 6},
	                   {4000000000, 64, 64, 1}};
	static uint8_t base[1024], buf[1024];
	size_t n;
	uint32_t seed = 777;
	FILE *f;

	write_pcap(tpath("fz.pcap"), DLT_EN10MB, 65535, true, pk, 4);
	f = fopen(tpath("fz.pcap"), "rb");
	n = fread(base, 1, sizeof base, f);
	fclose(f);
	err_begin();
	for (size_t it = 0; it < n + 1 + 1000; it++) {
		char *files[1] = {tpath("fz.pcap")};
		struct capture_input in = {
		    .point = "f/z", .node = "f", .files = files, .nfiles = 1};
		struct pp_counts cnt[1];
		struct capture_frame fr;
		struct capture *c;
		uint64_t got = 0;

		memcpy(buf, base, n);
		if (it <= n) {
			write_bytes(files[0], buf, it);
		} else {
			/* a word of some record header (24 + k * 16 + ...) */
			seed = seed * 1103515245u + 12345u;
			size_t rec = (seed >> 16) % 4,
			       at = 24 + rec * (16 + 64) + ((seed >> 8) % 4) * 4;
			uint32_t v[] = {0, 1, 63, 65, 65535, 262144, 262145, 0xffffffff};

			memcpy(buf + at, &v[(seed >> 24) % 8], 4);
			write_bytes(files[0], buf, n);
		}
		memset(cnt, 0, sizeof cnt);
		c = capture_open(&in, it % 2 ? "tcp" : NULL, cnt);
		while (c != NULL && capture_next(c, &fr) == 1) {
			CHECK(fr.caplen > 0 && fr.caplen <= fr.len &&
			      fr.caplen <= CAPTURE_MAX_CAPLEN);
			got++;
		}
		capture_close(c);
		CHECK(got + counts_ignored_total(cnt) == cnt[0].read);
	}
	err_end();
}

/* ---- capture_set --------------------------------------------------------------- */

struct ex {
	int rc;
	struct capture_inputs in;
	char err[8192];
};

static struct ex X;

static void expand(size_t n, ...)
{
	char *args[16];
	va_list ap;

	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		args[i] = va_arg(ap, char *);
	va_end(ap);
	capture_inputs_free(&X.in);
	err_begin();
	X.rc = capture_inputs_expand(&X.in, args, n);
	snprintf(X.err, sizeof X.err, "%s", err_end());
}

/* "base name" of every file of input i, comma-separated */
static const char *files_of(size_t i)
{
	static char buf[1024];

	buf[0] = 0;
	if (i >= X.in.n)
		return "(none)";
	for (size_t j = 0; j < X.in.v[i].nfiles; j++) {
		const char *b = strrchr(X.in.v[i].files[j], '/');

		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", j ? "," : "",
		         b ? b + 1 : X.in.v[i].files[j]);
	}
	return buf;
}

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		CHECK_MSG(a_ != NULL && strcmp(a_, b_) == 0,                                       \
		          "check failed: %s is \"%s\", want \"%s\"\n", #a, a_ ? a_ : "(null)",     \
		          b_);                                                                     \
	} while (0)

static void one_packet(const char *name, int64_t ts)
{
	struct tp pk = {ts, 64, 64, 6};

	write_pcap(tpath(name), DLT_EN10MB, 65535, true, &pk, 1);
}

static void test_args(void)
{
	char arg[600];

	mkdir(tpath("a"), 0755);
	mkdir(tpath("b"), 0755);
	one_packet("a/x.pcap", 1);
	one_packet("b/x.pcap", 1);
	one_packet("a/odd=name.pcap", 1);
	one_packet("a/plain", 1);

	expand(1, tpath("a/x.pcap"));
	CHECK_EQ(X.rc, 0);
	CHECK_EQ(X.in.n, 1);
	CHECK_STR(X.in.v[0].point, "x");
	CHECK_STR(X.in.v[0].node, "x");
	CHECK(X.in.v[0].topology == NULL);
	CHECK_STR(files_of(0), "x.pcap");

	snprintf(arg, sizeof arg, "node1/pod-centos/eth0=%s", tpath("a/x.pcap"));
	expand(1, arg);
	CHECK_EQ(X.in.n, 1);
	CHECK_STR(X.in.v[0].point, "node1/pod-centos/eth0");
	CHECK_STR(X.in.v[0].node, "node1");
	CHECK_STR(X.in.v[0].files[0], tpath("a/x.pcap"));

	/* an existing file with '=' in its name is a file */
	expand(1, tpath("a/odd=name.pcap"));
	CHECK_EQ(X.in.n, 1);
	CHECK_STR(X.in.v[0].point, "odd=name");

	expand(1, tpath("a/plain"));
	CHECK_STR(X.in.v[0].point, "plain");

	/* what precedes '=' must be a point name */
	snprintf(arg, sizeof arg, "node1//eth0=%s", tpath("a/x.pcap"));
	expand(1, arg);
	CHECK_EQ(X.rc, -1);
	CHECK_HAS(X.err, "node1//eth0=");
	CHECK_HAS(X.err, ": 'node1//eth0' is not a point name (");
	snprintf(arg, sizeof arg, "node1/eth0/=%s", tpath("a/x.pcap"));
	expand(1, arg);
	CHECK_EQ(X.rc, -1);
	snprintf(arg, sizeof arg, "no de/eth0=%s", tpath("a/x.pcap"));
	expand(1, arg);
	CHECK_EQ(X.rc, -1);

	snprintf(arg, sizeof arg, "node1/eth0=%s", tpath("a/missing.pcap"));
	expand(2, arg, tpath("a/x.pcap"));
	CHECK_EQ(X.rc, 0);
	CHECK_EQ(X.in.n, 1);
	CHECK_HAS(X.err, "pktpath: ");
	CHECK_HAS(X.err, "a/missing.pcap: No such file or directory\n");

	/* the same file twice */
	snprintf(arg, sizeof arg, "node1/eth0=%s", tpath("a/x.pcap"));
	{
		char arg2[600];

		snprintf(arg2, sizeof arg2, "node2/eth0=%s", tpath("a/x.pcap"));
		expand(2, arg, arg2);
	}
	CHECK_EQ(X.in.n, 1);
	CHECK_STR(X.in.v[0].point, "node1/eth0");
	CHECK_HAS(X.err, "a/x.pcap: given twice, as node1/eth0 and node2/eth0\n");
	expand(2, tpath("a/x.pcap"), tpath("a/x.pcap"));
	CHECK_EQ(X.in.n, 1);
	CHECK_HAS(X.err, "a/x.pcap: given twice, as x and x\n");

	/* two points with one name: no analysis, and the forms that fix it */
	expand(2, tpath("a/x.pcap"), tpath("b/x.pcap"));
	CHECK_EQ(X.rc, -1);
	CHECK_EQ(X.in.n, 0);
	{
		char want[2048];

		snprintf(want, sizeof want,
		         "pktpath: x: two inputs have this point name (%s, %s): name each point, "
		         "as in a/x=%s b/x=%s, or give the folder that holds a and b as a bundle: "
		         "pktpath %s\n",
		         tpath("a/x.pcap"), tpath("b/x.pcap"), tpath("a/x.pcap"), tpath("b/x.pcap"),
		         tmp);
		CHECK_STR(X.err, want);
	}
	snprintf(arg, sizeof arg, "n/x=%s", tpath("a/x.pcap"));
	{
		char arg2[600];

		snprintf(arg2, sizeof arg2, "n/x=%s", tpath("b/x.pcap"));
		expand(2, arg, arg2);
	}
	CHECK_EQ(X.rc, -1);
	CHECK_HAS(X.err, "pktpath: n/x: two inputs have this point name (");
	CHECK_HAS(X.err, "): give each its own, as in node1/x=");

	/* command-line order */
	snprintf(arg, sizeof arg, "n/z=%s", tpath("a/plain"));
	expand(3, arg, tpath("a/x.pcap"), tpath("a/odd=name.pcap"));
	CHECK_EQ(X.in.n, 3);
	CHECK_STR(X.in.v[0].point, "n/z");
	CHECK_STR(X.in.v[1].point, "x");
	CHECK_STR(X.in.v[2].point, "odd=name");

	expand(2, tpath("a/missing"), "");
	CHECK_EQ(X.rc, -1);
	CHECK_EQ(X.in.n, 0);
}

static void test_rotated(void)
{
	char want[1024];

	mkdir(tpath("rot"), 0755);
	/* -C alone: p.pcap, p.pcap1, p.pcap2, (p.pcap3 lost), p.pcap4 */
	one_packet("rot/p.pcap", 100);
	one_packet("rot/p.pcap1", 200);
	one_packet("rot/p.pcap2", 300);
	one_packet("rot/p.pcap4", 500);
	one_packet("rot/p.pcapx", 1); /* not a piece */
	expand(1, tpath("rot/p.pcap"));
	CHECK_EQ(X.in.n, 1);
	CHECK_STR(X.in.v[0].point, "p");
	CHECK_STR(files_of(0), "p.pcap,p.pcap1,p.pcap2,p.pcap4");
	snprintf(want, sizeof want,
	         "pktpath: warning: %s: rotated set is missing 1 piece: p.pcap3\n",
	         tpath("rot/p.pcap"));
	CHECK_STR(X.err, want);

	/* a piece given names the whole set; a shell glob's pieces too */
	expand(1, tpath("rot/p.pcap2"));
	CHECK_STR(files_of(0), "p.pcap,p.pcap1,p.pcap2,p.pcap4");
	expand(4, tpath("rot/p.pcap"), tpath("rot/p.pcap1"), tpath("rot/p.pcap2"),
	       tpath("rot/p.pcap4"));
	CHECK_EQ(X.in.n, 1);
	CHECK_STR(files_of(0), "p.pcap,p.pcap1,p.pcap2,p.pcap4");
	CHECK_EQ(strstr(X.err, "given twice") == NULL, 1);

	/* -W 3 that wrapped: capture order 2, 0, 1 */
	one_packet("rot/r.pcap0", 2000);
	one_packet("rot/r.pcap1", 3000);
	one_packet("rot/r.pcap2", 1000);
	expand(1, tpath("rot/r.pcap1"));
	CHECK_STR(files_of(0), "r.pcap2,r.pcap0,r.pcap1");
	CHECK_STR(X.in.v[0].point, "r");
	CHECK_EQ(X.err[0], 0);
	/* given by its -w name, which tcpdump -W never writes */
	expand(1, tpath("rot/r.pcap"));
	CHECK_EQ(X.in.n, 1);
	CHECK_STR(files_of(0), "r.pcap2,r.pcap0,r.pcap1");
	CHECK_EQ(X.err[0], 0);
	snprintf(want, sizeof want, "n1/r=%s", tpath("rot/r.pcap"));
	expand(2, want, tpath("rot/r.pcap"));
	CHECK_EQ(X.in.n, 1);
	CHECK_STR(X.in.v[0].point, "n1/r");
	CHECK_HAS(X.err,
	          "r.pcap2: given twice, as n1/r and r (and 2 more files of its rotated set)\n");
	expand(1, tpath("rot/nothing.pcap"));
	CHECK_EQ(X.rc, -1);
	CHECK_HAS(X.err, "rot/nothing.pcap: No such file or directory\n");

	/* -W 12: two digits; p.pcap03 and p.pcap04 lost; a stray
	 * unpadded name is not part of the set */
	one_packet("rot/w.pcap00", 500);
	one_packet("rot/w.pcap01", 600);
	one_packet("rot/w.pcap02", 700);
	one_packet("rot/w.pcap05", 100);
	one_packet("rot/w.pcap06", 200);
	one_packet("rot/w.pcap7", 1);
	expand(1, tpath("rot/w.pcap00"));
	CHECK_STR(files_of(0), "w.pcap05,w.pcap06,w.pcap00,w.pcap01,w.pcap02");
	CHECK_HAS(X.err, "w.pcap: rotated set is missing 2 pieces: w.pcap03, w.pcap04\n");
	CHECK_HAS(X.err, "w.pcap7: not numbered like the rest of rotated set");

	/* equal first time stamps: piece number decides; an empty piece last */
	one_packet("rot/t.pcap0", 5);
	one_packet("rot/t.pcap1", 5);
	write_pcap(tpath("rot/t.pcap2"), DLT_EN10MB, 65535, true, NULL, 0);
	one_packet("rot/t.pcap3", 1);
	expand(1, tpath("rot/t.pcap0"));
	CHECK_STR(files_of(0), "t.pcap3,t.pcap0,t.pcap1,t.pcap2");

	/* many pieces lost: a few named */
	one_packet("rot/m.pcap", 1);
	one_packet("rot/m.pcap40", 2);
	expand(1, tpath("rot/m.pcap"));
	CHECK_HAS(X.err, "rotated set is missing 39 pieces: m.pcap1, m.pcap2, m.pcap3, m.pcap4, "
	                 "m.pcap5, m.pcap6, m.pcap7, m.pcap8, ...\n");
	/* the first file lost */
	one_packet("rot/q.pcap2", 1);
	one_packet("rot/q.pcap1", 2);
	expand(1, tpath("rot/q.pcap1"));
	CHECK_HAS(X.err, "q.pcap: rotated set is missing 1 piece: q.pcap\n");
}

static void test_bundle(void)
{
	static const char *dirs[] = {
	    "bun",          "bun/node1", "bun/node1/pod-centos", "bun/node2",
	    "bun/node2/ip", "bun/node3", "bun/node1/.hidden",    "bun/empty"};
	char want[2048];

	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		mkdir(tpath(dirs[i]), 0755);
	write_bytes(tpath("bun/README.md"), "# captures\n", 11);
	one_packet("bun/top.pcap", 1);
	one_packet("bun/node1/eth0.pcap", 1);
	one_packet("bun/node1/pod-centos/eth0.pcap", 1);
	one_packet("bun/node1/.hidden/x.pcap", 1);
	write_bytes(tpath("bun/node1/snapshot.json"), "{}", 2);
	write_bytes(tpath("bun/node1/notes.json"), "{}", 2);
	write_bytes(tpath("bun/node1/eth1.pcap.txt"), "text", 4);
	write_bytes(tpath("bun/node2/ip/link.json"), "[]", 2);
	one_packet("bun/node2/vethX.pcap", 300);
	one_packet("bun/node2/vethX.pcap1", 100);
	one_packet("bun/node2/vethX.pcap2", 200);
	one_packet("bun/node2/capture-any", 1); /* no extension: known by its magic */
	ng_shb(&G, false);
	ng_idb(&G, 1, 0, "eth0", NULL, -1, 0);
	ng_write("bun/node2/eth0.pcapng");
	one_packet("bun/node3/eth0.pcap", 1);

	expand(1, tpath("bun"));
	CHECK_EQ(X.rc, 0);
	CHECK_EQ(X.in.n, 6);
	CHECK_STR(X.in.v[0].point, "node1/eth0");
	CHECK_STR(X.in.v[1].point, "node1/pod-centos/eth0");
	CHECK_STR(X.in.v[2].point, "node2/capture-any");
	CHECK_STR(X.in.v[3].point, "node2/eth0");
	CHECK_STR(X.in.v[4].point, "node2/vethX");
	CHECK_STR(X.in.v[5].point, "node3/eth0");
	CHECK_STR(X.in.v[1].node, "node1");
	CHECK_STR(X.in.v[4].node, "node2");
	CHECK_STR(files_of(4), "vethX.pcap1,vethX.pcap2,vethX.pcap");
	CHECK_STR(X.in.v[0].topology, tpath("bun/node1/snapshot.json"));
	CHECK_STR(X.in.v[1].topology, tpath("bun/node1/snapshot.json"));
	CHECK_STR(X.in.v[3].topology, tpath("bun/node2/ip"));
	CHECK(X.in.v[5].topology == NULL);
	snprintf(want, sizeof want,
	         "pktpath: warning: %s: a capture at the top of a bundle belongs to no node (put "
	         "it in a node folder): left out\n",
	         tpath("bun/top.pcap"));
	CHECK_STR(X.err, want);

	/* a bundle plus a file given alone: command-line order */
	expand(2, tpath("a/plain"), tpath("bun"));
	CHECK_EQ(X.in.n, 7);
	CHECK_STR(X.in.v[0].point, "plain");
	CHECK_STR(X.in.v[1].point, "node1/eth0");

	/* the same file inside a bundle and given alone */
	expand(2, tpath("bun/node3/eth0.pcap"), tpath("bun"));
	CHECK_EQ(X.in.n, 6);
	CHECK_HAS(X.err, "bun/node3/eth0.pcap: given twice, as eth0 and node3/eth0\n");

	/* two files, one point: no analysis */
	one_packet("bun/node3/eth0.cap", 1);
	expand(1, tpath("bun"));
	CHECK_EQ(X.rc, -1);
	CHECK_EQ(X.in.n, 0);
	CHECK_HAS(X.err, "pktpath: node3/eth0: two files of a bundle are this point (");
	CHECK_HAS(X.err, "): rename or remove one of them\n");
	unlink(tpath("bun/node3/eth0.cap"));

	/* node folders given instead of their bundle: the bundle is named */
	expand(2, tpath("bun/node1"), tpath("bun/node2"));
	CHECK_EQ(X.rc, -1);
	snprintf(want, sizeof want,
	         "pktpath: %s: a node's folder, not a bundle (a node's topology at its top): give "
	         "the folder that holds the node folders, as in: pktpath %s\n",
	         tpath("bun/node1"), tpath("bun"));
	CHECK_HAS(X.err, want);
	expand(1, tpath("bun/node3"));
	CHECK_EQ(X.rc, -1);
	CHECK_HAS(X.err, "a node's folder, not a bundle (captures at its top)");

	expand(1, tpath("bun/empty"));
	CHECK_EQ(X.rc, -1);
	snprintf(want, sizeof want, "pktpath: %s: no capture files found\n", tpath("bun/empty"));
	CHECK_STR(X.err, want);

	snprintf(want, sizeof want, "node1/eth0=%s", tpath("bun"));
	expand(1, want);
	CHECK_EQ(X.rc, -1);
	CHECK_HAS(X.err, "bun: is a directory: a point is given a capture file");
}

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(p);
}

int main(void)
{
	snprintf(tmp, sizeof tmp, "/tmp/pp-captest-XXXXXX");
	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	make_packets();
	test_normal();
	test_bad_files();
	test_permission();
	test_cut_record();
	test_header_checks();
	test_filter();
	test_unsupported();
	test_pcapng_basic(false);
	test_pcapng_basic(true);
	test_pcapng_multilink();
	test_pcapng_sections();
	test_pcapng_tsresol();
	test_pcapng_lose_track();
	test_pcapng_cut();
	test_pcapng_hostile();
	test_pcapng_fuzz();
	test_pcap_fuzz();
	test_args();
	test_rotated();
	test_bundle();
	capture_inputs_free(&X.in);
	nftw(tmp, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	printf("%u passed, %u failed\n", checks - failures, failures);
	return failures != 0;
}
