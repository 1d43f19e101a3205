/* readloop.c - the ceiling for pktpath's throughput: a bare single-threaded
 * libpcap read loop (pcap_next_ex) over the same files, nothing decoded.
 * Prints packets, captured bytes, file bytes, seconds and rates. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct files {
	char **v;
	size_t n;
	size_t cap;
};

static void add_file(struct files *f, const char *path)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 16;
		f->v = realloc(f->v, f->cap * sizeof *f->v);
		if (!f->v) {
			fputs("readloop: out of memory\n", stderr);
			exit(2);
		}
	}
	f->v[f->n] = strdup(path);
	if (!f->v[f->n]) {
		fputs("readloop: out of memory\n", stderr);
		exit(2);
	}
	f->n++;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_pcap_name(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && strcmp(name + n - 5, ".pcap") == 0) ||
	       (n > 7 && strcmp(name + n - 7, ".pcapng") == 0);
}

/* A directory is walked for *.pcap and *.pcapng files, as a bundle. */
static void collect(struct files *f, const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "readloop: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		add_file(f, path);
		return;
	}
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "readloop: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	while ((de = readdir(d)) != NULL) {
		char sub[4096];
		struct stat ss;

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
		if (stat(sub, &ss) < 0)
			continue;
		if (S_ISDIR(ss.st_mode))
			collect(f, sub);
		else if (has_pcap_name(de->d_name))
			add_file(f, sub);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	struct files f = {0};
	struct timespec a, b;
	uint64_t packets = 0, caplen_sum = 0, file_bytes = 0;
	int verbose = 0, argi = 1;
	double secs;

	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		verbose = 1;
		argi++;
	}
	if (argi >= argc || strcmp(argv[argi], "-h") == 0 || strcmp(argv[argi], "--help") == 0) {
		fputs("usage: readloop [-v] FILE|DIR ...\n"
		      "Reads every packet of the pcap files (a DIR is searched for *.pcap) with a\n"
		      "bare pcap_next_ex loop and prints packets, bytes, seconds and rates;\n"
		      "-v also prints one line per file.\n",
		      argi >= argc ? stderr : stdout);
		return argi >= argc ? 2 : 0;
	}
	for (int i = argi; i < argc; i++)
		collect(&f, argv[i]);
	qsort(f.v, f.n, sizeof *f.v, cmp_str);

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (size_t i = 0; i < f.n; i++) {
		char errbuf[PCAP_ERRBUF_SIZE];
		pcap_t *p = pcap_open_offline_with_tstamp_precision(
		    f.v[i], PCAP_TSTAMP_PRECISION_NANO, errbuf);
		struct pcap_pkthdr *h;
		const u_char *data;
		uint64_t fp = 0;
		struct stat st;
		int rc;

		if (!p) {
			fprintf(stderr, "readloop: %s: %s\n", f.v[i], errbuf);
			return 2;
		}
		while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
			fp++;
			caplen_sum += h->caplen;
		}
		if (rc == PCAP_ERROR) {
			fprintf(stderr, "readloop: %s: %s\n", f.v[i], pcap_geterr(p));
			pcap_close(p);
			return 2;
		}
		pcap_close(p);
		packets += fp;
		if (stat(f.v[i], &st) == 0)
			file_bytes += (uint64_t)st.st_size;
		if (verbose)
			printf("readloop: %s: packets %" PRIu64 "\n", f.v[i], fp);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	if (secs <= 0)
		secs = 1e-9;
	printf("readloop: files %zu packets %" PRIu64 " caplen_bytes %" PRIu64
	       " file_bytes %" PRIu64 " seconds %.3f packets_per_s %.0f MB_per_s %.1f\n",
	       f.n, packets, caplen_sum, file_bytes, secs, (double)packets / secs,
	       (double)file_bytes / 1e6 / secs);
	for (size_t i = 0; i < f.n; i++)
		free(f.v[i]);
	free(f.v);
	return ferror(stdout) ? 2 : 0;
}
