/* fuzz_pipeline.c - libFuzzer target over the whole analysis: the input
 * becomes one to three capture files (pcap or pcapng, written to a private
 * directory under /dev/shm), given as named points; analysis_run() reads,
 * decodes, matches and chains them, and every report format is written.
 *
 * Input layout (a byte past the end reads as 0):
 *   [0] bits 0-1: files - 1 (3 -> 3 files); bit 2: raw mode; bit 3: load the
 *       topology of a testdata scenario (PP_FUZZ_TOPO_DIR) for node1/node2;
 *       bit 4: the last file is a rotated piece of the first input
 *       ("p0.cap1"), not a point of its own; bits 5-7: --filter (filters[])
 *   [1] bits 0-2: --window (windows[]); bits 3-5: --conversation
 *       (conversations[]); bit 6: --limit 2; bit 7: extra tunnel ports
 *   [2] bit 0: --write-pcapng (then read back as a capture); bit 1:
 *       --service-cidr (cidrs[] by bits 4-5); bit 2: --clock node2=1.5 (or
 *       a node no input is on, with bit 3); bit 6: text report in color
 *   raw mode: per file, a 16-bit big-endian length and that many bytes,
 *       written as they are (the capture readers see any bytes at all), as
 *       node1/eth0, node2/eth0 and client/eth0
 *   synthesized mode: per file 4 bytes:
 *       fmt:  bits 0-1: 0 pcap us, 1 pcap ns, 2-3 pcapng; bit 2 big-endian;
 *             bit 3: pcapng with a second interface; bit 4: pcapng ns
 *             resolution; bit 5: snaplen 128; bit 6: cut the last record short
 *       dlt:  low nibble: link type index of the file (first interface);
 *             high nibble: of the second interface
 *       name: point name index (names[])
 *       skew: signed clock offset of the file, in 10 ms steps
 *     then records, each written to every file its mask names:
 *       mask: bits 0-2 files; bits 3-4 pcapng direction; bit 5 pcapng
 *             interface 1; bit 6 wire length 100 bytes longer than the
 *             capture; bit 7 time stamp one second back
 *       dt:   microseconds after the previous record, times 7
 *       len:  16-bit big-endian frame length, then the frame
 *     A record reaches file i 20 us * i later than file 0: the hops.
 *
 * Checks beyond "no crash, no leak, no hang": every packet read is used or
 * ignored under a reason, in the result and in the JSON report.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/analysis.h"
#include "util/msg.h"
#include "pktpath/options.h"
#include "report/report.h"

#include "fuzz.h"

#define MAX_FILES 3

static const int dlts[16] = {1, 1, 113, 276, 0, 101, 12, 14, 108, 228, 229, 1, 113, 276, 147, 9};
static const char *const names[] = {
    "node1/eth0",
    "node1/cni0",
    "node1/veth62c5b120",
    "node2/eth0",
    "node2/cni0",
    "node2/any",
    "node1/pod-centos/eth0",
    "node2/pod-nginx1/eth0",
    "client/eth0",
    "slb/eth0",
    "node1/eth0",
    "node1/any",
    "node2/flannel.1",
    "n3",
    "node2/veth225206b0",
    "x/y/z",
};
static const char *const filters[] = {NULL,      "tcp",           "udp",  "icmp or icmp6",
                                      "not arp", "host 10.0.0.1", "vlan", "tcp[13] & 2 != 0"};
static const double windows[] = {0.5, 0.000001, 0.001, 2, 30, 0.5, 0.5, 3600};
static char *cidrs[] = {"10.96.0.0/12", "192.168.13.23", "fd00::/8", "10.0.0.0/33"};
static const char *const conversations[] = {
    NULL,      "10.0.0.1",       "172.23.96.23:41234", "[::1]:80",
    "fe80::1", "not-an-address", "10.0.0.0:99999",     "192.168.13.23:80"};

static char workdir[256];
static FILE *devnull;

static void cleanup_dir(void)
{
	DIR *d;
	struct dirent *e;

	if (!workdir[0] || (d = opendir(workdir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char p[512];

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", workdir, e->d_name);
		unlink(p);
	}
	closedir(d);
}

static void remove_dir(void)
{
	cleanup_dir();
	if (workdir[0])
		rmdir(workdir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	snprintf(workdir, sizeof workdir, "%s/pp-fuzz-%ld", base, (long)getpid());
	atexit(remove_dir);
	devnull = fopen("/dev/null", "w");
	if (devnull == NULL)
		abort();
	return 0;
}

/* ---- input cursor ------------------------------------------------------- */

struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t u8(struct in *in)
{
	uint8_t v;

	if (in->n == 0)
		return 0;
	v = in->p[0];
	in->p++;
	in->n--;
	return v;
}

static size_t u16(struct in *in)
{
	size_t hi = u8(in);

	return hi << 8 | u8(in);
}

static const uint8_t *take(struct in *in, size_t *len)
{
	const uint8_t *p = in->p;

	if (*len > in->n)
		*len = in->n;
	in->p += *len;
	in->n -= *len;
	return p;
}

/* ---- writers ---------------------------------------------------------------- */

struct file {
	FILE *f;
	char path[300];
	uint8_t fmt;
	bool ng, be, ns, two_ifaces;
	int dlt0, dlt1;
	int64_t skew_ns;
	uint8_t name;
	bool used;
};

static void put(struct file *w, const void *p, size_t n)
{
	fwrite(p, 1, n, w->f);
}

static void put16(struct file *w, uint16_t v)
{
	uint8_t b[2];

	if (w->be) {
		b[0] = (uint8_t)(v >> 8);
		b[1] = (uint8_t)v;
	} else {
		b[0] = (uint8_t)v;
		b[1] = (uint8_t)(v >> 8);
	}
	put(w, b, 2);
}

static void put32(struct file *w, uint32_t v)
{
	if (w->be) {
		put16(w, (uint16_t)(v >> 16));
		put16(w, (uint16_t)v);
	} else {
		put16(w, (uint16_t)v);
		put16(w, (uint16_t)(v >> 16));
	}
}

static void pad4(struct file *w, size_t n)
{
	static const uint8_t zero[4];

	put(w, zero, (4 - n % 4) % 4);
}

static void ng_idb(struct file *w, int dlt, const char *ifname)
{
	size_t nl = strlen(ifname), opts = 4 + ((nl + 3) & ~(size_t)3) + (w->ns ? 8 : 0) + 4;
	uint32_t len = (uint32_t)(20 + opts);

	put32(w, 1);
	put32(w, len);
	put16(w, (uint16_t)dlt);
	put16(w, 0);
	put32(w, w->fmt & 0x20 ? 128 : 262144);
	put16(w, 2); /* if_name */
	put16(w, (uint16_t)nl);
	put(w, ifname, nl);
	pad4(w, nl);
	if (w->ns) {
		uint8_t res = 9;

		put16(w, 9); /* if_tsresol */
		put16(w, 1);
		put(w, &res, 1);
		pad4(w, 1);
	}
	put32(w, 0); /* opt_endofopt */
	put32(w, len);
}

static void file_header(struct file *w)
{
	if (!w->ng) {
		put32(w, w->ns ? 0xa1b23c4d : 0xa1b2c3d4);
		put16(w, 2);
		put16(w, 4);
		put32(w, 0);
		put32(w, 0);
		put32(w, w->fmt & 0x20 ? 128 : 262144);
		put32(w, (uint32_t)w->dlt0);
		return;
	}
	put32(w, 0x0a0d0d0a);
	put32(w, 28);
	put32(w, 0x1a2b3c4d);
	put16(w, 1);
	put16(w, 0);
	put32(w, 0xffffffff);
	put32(w, 0xffffffff);
	put32(w, 28);
	ng_idb(w, w->dlt0, "if0");
	if (w->two_ifaces)
		ng_idb(w, w->dlt1, "if1");
}

static void record(struct file *w, int64_t ts, const uint8_t *frame, size_t caplen, size_t wirelen,
                   uint8_t mask)
{
	if (!w->ng) {
		int64_t frac = w->ns ? ts % 1000000000 : ts % 1000000000 / 1000;

		put32(w, (uint32_t)(ts / 1000000000));
		put32(w, (uint32_t)frac);
		put32(w, (uint32_t)caplen);
		put32(w, (uint32_t)wirelen);
		put(w, frame, caplen);
		return;
	}
	{
		uint64_t units = w->ns ? (uint64_t)ts : (uint64_t)ts / 1000;
		uint32_t dir = (mask >> 3) & 3;
		uint32_t len = (uint32_t)(32 + ((caplen + 3) & ~(size_t)3) + (dir ? 12 : 4));

		put32(w, 6);
		put32(w, len);
		put32(w, mask & 0x20 ? 1 : 0);
		put32(w, (uint32_t)(units >> 32));
		put32(w, (uint32_t)units);
		put32(w, (uint32_t)caplen);
		put32(w, (uint32_t)wirelen);
		put(w, frame, caplen);
		pad4(w, caplen);
		if (dir) {
			put16(w, 2); /* epb_flags: inbound 1, outbound 2, 3 invalid */
			put16(w, 4);
			put32(w, dir);
		}
		put32(w, 0);
		put32(w, len);
	}
}

/* ---- the run ------------------------------------------------------------------ */

static void check_counts(const struct chain_result *res)
{
	uint64_t used = 0, ignored = counts_ignored_total(&res->counts);

	for (size_t i = 0; i < res->npoints; i++)
		used += res->points[i].packets;
	if (res->counts.read != used + ignored) {
		fprintf(stderr, "fuzz_pipeline: read %llu != used %llu + ignored %llu\n",
		        (unsigned long long)res->counts.read, (unsigned long long)used,
		        (unsigned long long)ignored);
		abort();
	}
}

/* The same invariant, on what a user sees. */
static void check_json(const char *text, size_t len)
{
	json_error_t err;
	json_t *root = json_loadb(text, len, 0, &err), *v;
	json_int_t used = 0, ignored = 0, read;
	size_t i;
	const char *k;

	if (root == NULL) {
		fprintf(stderr, "fuzz_pipeline: JSON report does not parse: %s\n", err.text);
		abort();
	}
	json_array_foreach(json_object_get(root, "points"), i, v) used +=
	    json_integer_value(json_object_get(v, "packets"));
	json_object_foreach(json_object_get(root, "ignored"), k, v) ignored +=
	    json_integer_value(v);
	read = json_integer_value(json_object_get(json_object_get(root, "findings"), "read"));
	if (read != used + ignored ||
	    ignored !=
	        json_integer_value(json_object_get(json_object_get(root, "findings"), "ignored"))) {
		fprintf(stderr, "fuzz_pipeline: JSON read %lld != used %lld + ignored %lld\n",
		        (long long)read, (long long)used, (long long)ignored);
		abort();
	}
	json_decref(root);
}

static void reports(const struct pp_options *opt, const struct chain_result *res, bool color)
{
	struct report_opts ro = {color, opt->limit, opt->conversation, opt->filter, false};
	struct report_view view;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	if (report_view_make(&view, res, &ro) < 0)
		return;
	report_text(devnull, &view, &ro);
	report_json(devnull, &view, true);
	report_markdown(devnull, &view);
	report_dot(devnull, &view);
	mem = open_memstream(&buf, &len);
	if (mem != NULL) {
		report_json(mem, &view, false);
		fclose(mem);
		check_json(buf, len);
		free(buf);
	}
	report_view_free(&view);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = {data, size};
	struct file files[MAX_FILES];
	struct pp_options opt;
	struct chain_result res;
	struct report_opts ro;
	struct pp_node_arg topos[2];
	char *args[MAX_FILES];
	char argbuf[MAX_FILES][400];
	char topo_path[2][512];
	struct pp_node_arg clock;
	char *cidr;
	char out_path[300];
	uint8_t h0, h1, h2;
	unsigned nfiles, nargs = 0;
	bool raw, rotated;

	if (!workdir[0])
		LLVMFuzzerInitialize(NULL, NULL);
	if (size < 3)
		return 0;
	/* made and removed per input: an interrupted run leaves nothing */
	if (mkdir(workdir, 0700) < 0 && errno != EEXIST) {
		perror(workdir);
		abort();
	}
	cleanup_dir();
	h0 = u8(&in);
	h1 = u8(&in);
	h2 = u8(&in);
	nfiles = (h0 & 3) == 0 ? 1 : (h0 & 3) == 1 ? 2 : 3;
	raw = h0 & 4;
	rotated = (h0 & 0x10) && nfiles > 1;
	memset(files, 0, sizeof files);

	for (unsigned i = 0; i < nfiles; i++) {
		struct file *w = &files[i];
		const char *ext;

		if (raw) {
			size_t len = u16(&in);
			const uint8_t *p = take(&in, &len);

			snprintf(w->path, sizeof w->path, "%s/p%u.cap", workdir, i);
			if (rotated && i == nfiles - 1)
				snprintf(w->path, sizeof w->path, "%s/p0.cap1", workdir);
			w->f = fopen(w->path, "wb");
			if (w->f == NULL)
				abort();
			fwrite(p, 1, len, w->f);
			fclose(w->f);
			w->f = NULL;
			continue;
		}
		w->fmt = u8(&in);
		w->ng = (w->fmt & 3) >= 2;
		w->be = w->fmt & 4;
		w->two_ifaces = w->ng && (w->fmt & 8);
		w->ns = w->ng ? (w->fmt & 0x10) != 0 : (w->fmt & 3) == 1;
		{
			uint8_t d = u8(&in);

			w->dlt0 = dlts[d & 15];
			w->dlt1 = dlts[d >> 4];
		}
		w->name = u8(&in);
		w->skew_ns = (int64_t)(int8_t)u8(&in) * 10000000;
		ext = w->ng ? "pcapng" : "pcap";
		snprintf(w->path, sizeof w->path, "%s/p%u.%s", workdir, i, ext);
		if (rotated && i == nfiles - 1)
			snprintf(w->path, sizeof w->path, "%s/p0.%s1", workdir,
			         files[0].ng ? "pcapng" : "pcap");
		w->f = fopen(w->path, "wb");
		if (w->f == NULL)
			abort();
		file_header(w);
	}
	if (!raw) {
		int64_t t = 1700000000LL * 1000000000LL;

		while (in.n > 0) {
			uint8_t mask = u8(&in);
			size_t dt = u8(&in), len = u16(&in), wirelen;
			const uint8_t *frame = take(&in, &len);

			t += (int64_t)dt * 7000;
			wirelen = len + (mask & 0x40 ? 100 : 0);
			for (unsigned i = 0; i < nfiles; i++) {
				int64_t ts = t + (int64_t)i * 20000 + files[i].skew_ns -
				             (mask & 0x80 ? 1000000000 : 0);

				if (!(mask >> i & 1))
					continue;
				record(&files[i], ts, frame, len, wirelen, mask);
				files[i].used = true;
			}
		}
		for (unsigned i = 0; i < nfiles; i++) {
			long end;

			fflush(files[i].f);
			end = ftell(files[i].f);
			fclose(files[i].f);
			if ((files[i].fmt & 0x40) && files[i].used && end > 5 &&
			    truncate(files[i].path, end - 5) < 0)
				abort();
		}
	}

	/* arguments: NAME=FILE per point */
	for (unsigned i = 0; i < nfiles; i++) {
		static const unsigned raw_names[MAX_FILES] = {0, 3, 8}; /* three nodes */
		unsigned ni = raw ? raw_names[i] : files[i].name;

		if (rotated && i == nfiles - 1)
			break; /* found as a piece of the first input's set */
		snprintf(argbuf[i], sizeof argbuf[i], "%s=%s",
		         names[ni % (sizeof names / sizeof names[0])], files[i].path);
		args[nargs++] = argbuf[i];
	}

	memset(&opt, 0, sizeof opt);
	opt.format = PP_FMT_JSON;
	opt.filter = filters[h0 >> 5];
	/* the same expression dropping packets, as tcpdump's -f would */
	if (h2 & 0x80)
		opt.packet_filter = opt.filter;
	opt.window_ns = (int64_t)(windows[h1 & 7] * 1e9);
	opt.conversation = conversations[(h1 >> 3) & 7];
	opt.limit = h1 & 0x40 ? 2 : 0;
	if (h1 & 0x80) {
		opt.tunnel_ports[0] = 4790;
		opt.tunnel_kinds[0] = 1;
		opt.tunnel_ports[1] = 6082;
		opt.tunnel_kinds[1] = 2;
		opt.ntunnel_ports = 2;
	}
	if (h2 & 1) {
		snprintf(out_path, sizeof out_path, "%s/out.pcapng", workdir);
		opt.write_pcapng = out_path;
	}
	if (h2 & 2) {
		cidr = cidrs[(h2 >> 4) & 3];
		opt.service_cidrs = &cidr;
		opt.nservice_cidrs = 1;
	}
	if (h2 & 4) {
		clock = (struct pp_node_arg){h2 & 8 ? "nowhere" : "node2", "1.5", 1.5};
		opt.clocks = &clock;
		opt.nclocks = 1;
	}
#ifdef PP_FUZZ_TOPO_DIR
	if (h0 & 8) {
		for (int n = 0; n < 2; n++) {
			snprintf(topo_path[n], sizeof topo_path[n], "%s/node%d/ip",
			         PP_FUZZ_TOPO_DIR, n + 1);
			topos[n] =
			    (struct pp_node_arg){n == 0 ? "node1" : "node2", topo_path[n], 0};
		}
		opt.topologies = topos;
		opt.ntopologies = 2;
	}
#else
	(void)topos;
	(void)topo_path;
#endif
	opt.inputs = args;
	opt.ninputs = nargs;
	ro = (struct report_opts){false, opt.limit, opt.conversation, opt.filter, false};

	if (analysis_run(&opt, &ro, &res) == 0) {
		if (getenv("PP_FUZZ_DEBUG"))
			fprintf(stderr,
			        "fuzz_pipeline: %u inputs, %zu points, %zu conversations, "
			        "%llu read, %llu unmatched\n",
			        nargs, res.npoints, res.nconv, (unsigned long long)res.counts.read,
			        (unsigned long long)res.unmatched);
		check_counts(&res);
		reports(&opt, &res, h2 & 0x40);
		chain_result_free(&res);
	}
	if (opt.write_pcapng && access(out_path, R_OK) == 0) {
		/* what pktpath writes, it must read back */
		char arg[320];
		char *args1[] = {arg};

		snprintf(arg, sizeof arg, "w=%s", out_path);
		opt.inputs = args1;
		opt.ninputs = 1;
		opt.write_pcapng = NULL;
		opt.nclocks = 0;
		if (analysis_run(&opt, &ro, &res) == 0) {
			if (getenv("PP_FUZZ_DEBUG"))
				fprintf(stderr,
				        "fuzz_pipeline: --write-pcapng output read back: "
				        "%zu points, %llu read\n",
				        res.npoints, (unsigned long long)res.counts.read);
			check_counts(&res);
			chain_result_free(&res);
		}
	}
	remove_dir();
	return 0;
}
