/* capture_set.c - command-line arguments to capture inputs: POINT=FILE, bare
 * files, bundle directories, rotated sets.
 *
 * specification: tcpdump(1) -C/-W file naming (tcpdump 4.99 MakeFilename():
 * "%s%0*d" of the -w name, the piece number and the digits of -W minus one).
 *
 * Rotated sets, as tcpdump 4.99.3 writes them (checked by running it):
 *   -C N -w p.pcap         p.pcap, p.pcap1, p.pcap2, ... p.pcap10 (no padding)
 *   -C N -W 3 -w p.pcap    p.pcap0, p.pcap1, p.pcap2, then p.pcap0 again (a ring)
 *   -C N -W 12 -w p.pcap   p.pcap00 ... p.pcap11: as many digits as W-1 has
 *   -C N -W 1 -w p.pcap    p.pcap, rewritten in place
 * A ring that wrapped holds its oldest packets in some middle piece, so
 * pieces are put in capture order by the time stamp of their first packet,
 * with the piece number breaking ties. A number missing between the lowest
 * and the highest is a lost piece: reported, not ignored.
 *
 * Messages name the argument or file; each problem is one line and the run
 * goes on with the other arguments.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "capture/capture.h"
#include "capture_spool.h"
#include "capture/decompress.h"
#include "util/msg.h"

#define BUNDLE_MAX_DEPTH 16 /* folders below a node folder */
#define MISSING_LISTED   8  /* missing pieces named in the message, at most */
#define PIECE_MAX_DIGITS 9  /* longer numeric suffixes are not pieces */

static const char *const capture_exts[] = {".pcapng", ".pcap", ".cap", ".dmp"};

/* ---- small helpers ------------------------------------------------------- */

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		msg_oom("input names", n ? n : 1);
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xrealloc(NULL, n), s, n);
}

static char *xstrndup(const char *s, size_t n)
{
	char *r = xrealloc(NULL, n + 1);

	memcpy(r, s, n);
	r[n] = 0;
	return r;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *r;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	r = xrealloc(NULL, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(r, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return r;
}

static char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	return xasprintf("%s%s%s", dir, n > 0 && dir[n - 1] == '/' ? "" : "/", name);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* The folder a path is in: "." for a bare name, "/" for one under the root;
 * trailing slashes are not a level ("b/node1/" is in "b"). */
static char *dir_of(const char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	while (n > 0 && path[n - 1] != '/')
		n--;
	if (n == 0)
		return xstrdup(".");
	while (n > 1 && path[n - 1] == '/')
		n--;
	return xstrndup(path, n);
}

/* Length of a capture extension ending name at its end, 0 if none. */
static size_t ext_len(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof capture_exts / sizeof capture_exts[0]; i++) {
		size_t e = strlen(capture_exts[i]);

		if (n > e && strncasecmp(name + n - e, capture_exts[i], e) == 0)
			return e;
	}
	return 0;
}

/* Length of a name without its compression suffix ("p.pcap1.gz" ->
 * "p.pcap1"): tcpdump -z gzip compresses each piece of a rotated set. */
static size_t name_len(const char *name)
{
	size_t n = strlen(name), c = decomp_ext_len(name, n);

	return c < n ? n - c : n;
}

/* After a set's first file name: nothing or a compression suffix. */
static bool set_base_rest(const char *rest)
{
	return rest[0] == '\0' || decomp_ext_len(rest, strlen(rest)) == strlen(rest);
}

/* A rotated piece's name: "<stem><ext><digits>", maybe compressed. Sets
 * *set_len to the length of "<stem><ext>" (the set's first file name);
 * false for names that are not pieces. */
static bool piece_name(const char *name, size_t *set_len)
{
	size_t n = name_len(name), d = n;

	while (d > 0 && isdigit((unsigned char)name[d - 1]))
		d--;
	if (d == n || n - d > PIECE_MAX_DIGITS || ext_len(name, d) == 0)
		return false;
	*set_len = d;
	return true;
}

/* The point a file names: its base name without capture extension and
 * without a rotated piece number ("p.pcap12" -> "p"). */
static char *stem_of(const char *name)
{
	size_t n = name_len(name), e;

	piece_name(name, &n);
	e = ext_len(name, n);
	if (e > 0 && e < n)
		n -= e;
	return xstrndup(name, n);
}

/* NODE/NAME...: non-empty components of [A-Za-z0-9._@:-], none "." or "..". */
static bool point_name_valid(const char *s, size_t n)
{
	size_t comp = 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '/') {
			if (comp == 0 || (comp == 1 && s[i - 1] == '.') ||
			    (comp == 2 && s[i - 1] == '.' && s[i - 2] == '.'))
				return false;
			comp = 0;
			continue;
		}
		if (!isalnum((unsigned char)s[i]) && strchr("._@:-", s[i]) == NULL)
			return false;
		comp++;
	}
	return true;
}

/* ---- inputs being built --------------------------------------------------- */

struct pfile {
	char *path;
	dev_t dev;
	ino_t ino;
	bool named;      /* named by an argument, not found as a sibling piece */
	bool gap_before; /* pieces of its rotated set are missing before it */
	bool wrapped;    /* its set is a ring that overwrote its oldest pieces */
};

/* How an input was named: its point is then fixed another way. */
enum item_from { FROM_POINT_ARG, FROM_BARE_FILE, FROM_BUNDLE };

struct item {
	char *point, *node, *topology;
	struct pfile *f;
	size_t n;
	enum item_from from;
};

struct items {
	struct item *v;
	size_t n, size;
	bool have_stdin; /* "-" was given */
	bool fatal;      /* a mistake no report should be made with */
};

static struct item *item_add(struct items *it)
{
	if (it->n == it->size) {
		it->size = it->size ? it->size * 2 : 8;
		it->v = xrealloc(it->v, it->size * sizeof *it->v);
	}
	memset(&it->v[it->n], 0, sizeof it->v[0]);
	return &it->v[it->n++];
}

static void item_free(struct item *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->f[i].path);
	free(t->f);
	free(t->point);
	free(t->node);
	free(t->topology);
	memset(t, 0, sizeof *t);
}

/* ---- rotated sets ----------------------------------------------------------- */

struct piece {
	char *path;
	long num; /* -1: the set's first file (no number) */
	bool gap_before, wrapped;
	unsigned width;
	bool zero_padded;
	bool have_ts;
	int64_t ts;
};

static int piece_order(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;

	/* pieces without a packet go last: they change nothing in time order */
	if (x->have_ts != y->have_ts)
		return x->have_ts ? -1 : 1;
	if (x->have_ts && x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return (x->num > y->num) - (x->num < y->num);
}

static int num_order(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;

	return (x->num > y->num) - (x->num < y->num);
}

/* Where pieces are missing, in capture order: between two pieces whose
 * numbers do not follow each other (a ring's highest number is followed by
 * its lowest), and before the first when the set does not start with its
 * first file. A ring whose pieces are out of number order wrapped: its
 * oldest pieces were overwritten. The unnumbered first file of a -C set
 * counts as number lo - 1. */
static void mark_gaps(struct piece *p, size_t n, long lo, long hi)
{
	bool wrapped = false;

	for (size_t i = 1; i < n; i++) {
		long a = p[i - 1].num < 0 ? lo - 1 : p[i - 1].num;
		long b = p[i].num < 0 ? lo - 1 : p[i].num;

		wrapped |= p[i].have_ts && b < a;
		p[i].gap_before = p[i].have_ts && b != a + 1 && !(a == hi && b <= lo);
	}
	if (n > 0 && p[0].have_ts) {
		long first = p[0].num < 0 ? lo - 1 : p[0].num;

		p[0].gap_before = !wrapped && first > (lo == 1 ? 0 : lo);
	}
	for (size_t i = 0; i < n; i++)
		p[i].wrapped = wrapped;
}

/* Keeps the pieces of one set (setpath is its first file's path, whether it
 * exists or not), reports missing numbers and puts them in capture order.
 * Takes ownership of the paths in p; returns the number kept at the front. */
static size_t finish_set(const char *setpath, struct piece *p, size_t n)
{
	unsigned width = 0;
	bool have_base = false, have_zero = false;
	size_t k = 0, missing = 0;
	long lo, hi = -1;
	char *list = NULL;

	/* -W rings pad to a fixed width ("p.pcap00"); -C alone does not */
	for (size_t i = 0; i < n; i++)
		if (p[i].zero_padded && p[i].width > width)
			width = p[i].width;
	for (size_t i = 0; i < n; i++) {
		bool keep = p[i].num < 0 || (width > 0 ? p[i].width == width : !p[i].zero_padded);

		if (!keep) {
			msg_warn(p[i].path,
			         "not numbered like the rest of rotated set %s: left out", setpath);
			free(p[i].path);
			continue;
		}
		p[k++] = p[i];
	}
	n = k;
	for (size_t i = 0; i < n; i++) {
		have_base |= p[i].num < 0;
		have_zero |= p[i].num == 0;
		if (p[i].num > hi)
			hi = p[i].num;
	}
	if (n > 1)
		qsort(p, n, sizeof *p, num_order);
	/* -C alone starts with the unnumbered file, then 1; a ring with 0 */
	lo = width > 0 || have_zero ? 0 : 1;
	if (hi >= 0) {
		size_t j = 0, present = 0;

		if (lo == 1 && !have_base) {
			missing++;
			list = xstrdup(base_name(setpath));
		}
		for (size_t i = 0; i < n; i++)
			present += p[i].num >= lo;
		missing += (size_t)(hi - lo + 1) - present;
		/* name the first few; the walk stops after MISSING_LISTED gaps */
		while (j < n && p[j].num < lo)
			j++;
		for (long num = lo, listed = list != NULL; num <= hi && listed < MISSING_LISTED;
		     num++) {
			char *s;

			if (j < n && p[j].num == num) {
				j++;
				continue;
			}
			s = xasprintf("%s%s%s%0*ld", list ? list : "", list ? ", " : "",
			              base_name(setpath), (int)width, num);
			free(list);
			list = s;
			listed++;
		}
	}
	if (missing > 0)
		msg_warn(setpath, "rotated set is missing %zu piece%s: %s%s", missing,
		         missing == 1 ? "" : "s", list, missing > MISSING_LISTED ? ", ..." : "");
	free(list);
	for (size_t i = 0; i < n; i++)
		p[i].have_ts = capture_file_first_ts(p[i].path, &p[i].ts) == 0;
	if (n > 1)
		qsort(p, n, sizeof *p, piece_order);
	mark_gaps(p, n, lo, hi);
	return n;
}

/* Fills a piece from a file name in a set whose first file is set_len long. */
static void piece_set(struct piece *pc, char *path, const char *name, size_t set_len)
{
	const char *d = name + set_len;

	memset(pc, 0, sizeof *pc);
	pc->path = path;
	pc->num = isdigit((unsigned char)*d) ? strtol(d, NULL, 10) : -1;
	pc->width = (unsigned)strspn(d, "0123456789");
	pc->zero_padded = pc->width > 1 && d[0] == '0';
}

/* The files of the rotated set path belongs to, in capture order; just path
 * when it has no numbered siblings. */
static struct piece *expand_set(const char *path, size_t *np)
{
	const char *name = base_name(path);
	size_t dirlen = (size_t)(name - path), set_len = name_len(name);
	char *dir, *setpath;
	struct piece *p = NULL;
	size_t n = 0, size = 0;
	bool own_base = !piece_name(name, &set_len), have_base = false;
	DIR *d;
	struct dirent *e;

	if (own_base && ext_len(name, set_len) == 0)
		goto single;
	dir = dirlen > 0 ? xstrndup(path, dirlen) : xstrdup(".");
	d = opendir(dir);
	if (d == NULL) {
		free(dir);
		goto single;
	}
	while ((e = readdir(d)) != NULL) {
		size_t sl;
		struct stat st;
		char *full;

		if (strncmp(e->d_name, name, set_len) != 0)
			continue;
		if (set_base_rest(e->d_name + set_len)) {
			/* one first file: the one named, else the first found
			 * ("p.pcap" and "p.pcap.gz" both: the other is another input) */
			if (own_base ? strcmp(e->d_name, name) != 0 : have_base)
				continue;
		} else if (!piece_name(e->d_name, &sl) || sl != set_len) {
			continue;
		}
		full = xasprintf("%.*s%s", (int)dirlen, path, e->d_name);
		if (stat(full, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(full);
			continue;
		}
		have_base |= set_base_rest(e->d_name + set_len);
		if (n == size) {
			size = size ? 2 * size : 8;
			p = xrealloc(p, size * sizeof *p);
		}
		piece_set(&p[n++], full, e->d_name, set_len);
	}
	closedir(d);
	free(dir);
	if (n <= 1 && (n == 0 || p[0].num < 0)) {
		for (size_t i = 0; i < n; i++)
			free(p[i].path);
		free(p);
		goto single;
	}
	setpath = xasprintf("%.*s%.*s", (int)dirlen, path, (int)set_len, name);
	n = finish_set(setpath, p, n);
	free(setpath);
	*np = n;
	return p;
single:
	p = xrealloc(NULL, sizeof *p);
	memset(p, 0, sizeof *p);
	p->path = xstrdup(path);
	*np = 1;
	return p;
}

/* An item for one file argument (POINT=FILE or bare FILE). */
static void add_file_arg(struct items *it, const char *point, const char *path)
{
	struct item *t = item_add(it);
	struct piece *p;
	size_t n;

	p = expand_set(path, &n);
	t->from = point != NULL ? FROM_POINT_ARG : FROM_BARE_FILE;
	if (point != NULL) {
		t->point = xstrdup(point);
		t->node = xstrndup(point, strcspn(point, "/"));
	} else {
		/* A bare file is its own clock domain: nothing says which
		 * machine took it, so its node is its own name. */
		t->point = stem_of(base_name(path));
		if (t->point[0] == 0) {
			free(t->point);
			t->point = xstrdup(base_name(path));
		}
		t->node = xstrdup(t->point);
	}
	t->f = xrealloc(NULL, n * sizeof *t->f);
	t->n = n;
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		t->f[i].path = p[i].path;
		t->f[i].named = false;
		t->f[i].gap_before = p[i].gap_before;
		t->f[i].wrapped = p[i].wrapped;
		if (stat(p[i].path, &st) == 0) {
			struct stat pst;

			t->f[i].dev = st.st_dev;
			t->f[i].ino = st.st_ino;
			t->f[i].named = stat(path, &pst) == 0 && pst.st_dev == st.st_dev &&
			                pst.st_ino == st.st_ino;
		}
	}
	free(p);
}

/* ---- bundles ------------------------------------------------------------------ */

struct found {
	char *rel;      /* path below the bundle, "node1/pod/eth0.pcap" */
	char *full;     /* path to open */
	size_t set_len; /* length of rel up to the end of the set's first file name */
	bool piece;
};

struct founds {
	struct found *v;
	size_t n, size;
};

static int found_order(const void *a, const void *b)
{
	const struct found *x = a, *y = b;
	int c = strncmp(x->rel, y->rel, x->set_len < y->set_len ? x->set_len : y->set_len);

	if (c != 0)
		return c;
	if (x->set_len != y->set_len)
		return x->set_len < y->set_len ? -1 : 1;
	return strcmp(x->rel, y->rel);
}

/* A hidden file in a bundle is left out, but not silently when it is a
 * capture (".eth0.pcap", a copy being written): folders such as .git are. */
static void hidden(const char *dir, const char *name)
{
	struct stat st;
	char *f;

	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return;
	f = path_join(dir, name);
	if (stat(f, &st) == 0 && S_ISREG(st.st_mode) && capture_file_kind(f) > CAPTURE_KIND_OTHER)
		msg_warn(f, "a hidden file (its name starts with '.'): left out");
	free(f);
}

/* A file of a bundle that is no capture is left out; said when a capture
 * may have been meant: an empty file, a link to nothing, a compressed
 * file that holds none, a capture's name on something else. Other files
 * (snapshot.json, logs, READMEs) are left out without a word. */
static void not_capture(const char *f)
{
	struct stat st;
	char target[256];
	ssize_t n;
	int comp;

	if (lstat(f, &st) == 0 && S_ISLNK(st.st_mode) && stat(f, &st) < 0) {
		n = readlink(f, target, sizeof target - 1);
		target[n > 0 ? n : 0] = '\0';
		msg_warn(f, "a symbolic link to nothing (%s): left out", n > 0 ? target : "?");
		return;
	}
	if (stat(f, &st) < 0) {
		msg_warn(f, "%s: left out", strerror(errno));
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		msg_warn(f, "a symbolic link to a folder: not followed, left out");
		return;
	}
	if (!S_ISREG(st.st_mode))
		return;
	if (st.st_size == 0) {
		msg_warn(f, "empty file (0 bytes): left out");
		return;
	}
	comp = capture_file_compression(f);
	if (comp == DECOMP_BZIP2)
		msg_warn(f, "bzip2-compressed: left out (pktpath reads gzip, zstd and xz; "
		            "decompress it with bunzip2)");
	else if (comp > DECOMP_NONE)
		msg_warn(f, "%s-compressed, but it holds no pcap or pcapng file: left out",
		         decomp_name((enum decomp_kind)comp));
	else if (ext_len(base_name(f), name_len(base_name(f))) > 0)
		msg_warn(f, "named like a capture, but not a pcap or pcapng file: left out");
}

static void walk_node(struct founds *fs, const char *full, const char *rel, int depth)
{
	DIR *d = opendir(full);
	struct dirent *e;

	if (d == NULL) {
		msg_error(full, "%s", strerror(errno));
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char *f, *r;
		struct stat st;

		if (e->d_name[0] == '.') {
			hidden(full, e->d_name); /* ".", "..", hidden files */
			continue;
		}
		f = path_join(full, e->d_name);
		r = path_join(rel, e->d_name);
		if (lstat(f, &st) == 0 && S_ISDIR(st.st_mode)) {
			/* real folders only: a symbolic link could loop */
			if (depth < BUNDLE_MAX_DEPTH)
				walk_node(fs, f, r, depth + 1);
		} else if (stat(f, &st) == 0 && S_ISREG(st.st_mode) &&
		           capture_file_kind(f) > CAPTURE_KIND_OTHER) {
			struct found *x;
			const char *nm = base_name(r);
			size_t sl;

			if (fs->n == fs->size) {
				fs->size = fs->size ? fs->size * 2 : 16;
				fs->v = xrealloc(fs->v, fs->size * sizeof *fs->v);
			}
			x = &fs->v[fs->n++];
			x->rel = r;
			x->full = f;
			x->piece = piece_name(nm, &sl);
			x->set_len = (size_t)(nm - r) + (x->piece ? sl : name_len(nm));
			continue;
		} else {
			not_capture(f);
		}
		free(f);
		free(r);
	}
	closedir(d);
}

static int item_point_order(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c = strcmp(x->point, y->point);

	return c != 0 ? c : strcmp(x->f[0].path, y->f[0].path);
}

/* A directory: its first level are nodes; every capture below a node is a
 * point named by its path without extension. */
/* Whether a folder given as a bundle is one node's folder instead (pktpath
 * b/node1 b/node2): a topology at its top (snapshot.json, ip/), or more
 * captures at its top than subfolders with captures of their own. *what
 * says which. */
static bool node_folder(const char *dir, const char **what)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t top = 0, subs = 0;
	bool topo = false;

	if (d == NULL)
		return false;
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		char *f;

		if (e->d_name[0] == '.')
			continue;
		f = path_join(dir, e->d_name);
		if (stat(f, &st) == 0 && S_ISREG(st.st_mode)) {
			topo |= strcmp(e->d_name, "snapshot.json") == 0;
			top += capture_file_kind(f) > CAPTURE_KIND_OTHER;
		} else if (stat(f, &st) == 0 && S_ISDIR(st.st_mode)) {
			DIR *sd = opendir(f);
			struct dirent *se;
			bool caps = false;

			topo |= strcmp(e->d_name, "ip") == 0;
			while (sd != NULL && !caps && (se = readdir(sd)) != NULL) {
				char *sf = se->d_name[0] != '.' ? path_join(f, se->d_name) : NULL;

				caps = sf && capture_file_kind(sf) > CAPTURE_KIND_OTHER;
				free(sf);
			}
			if (sd != NULL)
				closedir(sd);
			subs += caps;
		}
		free(f);
	}
	closedir(d);
	*what = topo ? "a node's topology at its top" : "captures at its top";
	return topo || (top > 0 && top >= subs);
}

static void add_bundle(struct items *it, const char *dir)
{
	DIR *d;
	struct dirent *e;
	size_t first = it->n;
	const char *what;

	if (node_folder(dir, &what)) {
		char *parent = dir_of(dir);

		msg_error(dir,
		          "a node's folder, not a bundle (%s): give the folder that holds the "
		          "node folders, as in: pktpath %s",
		          what, parent);
		free(parent);
		it->fatal = true;
		return;
	}
	d = opendir(dir);
	if (d == NULL) {
		msg_error(dir, "%s", strerror(errno));
		return;
	}
	while ((e = readdir(d)) != NULL) {
		struct founds fs = {0};
		struct stat st;
		char *node, *topo = NULL, *s;

		if (e->d_name[0] == '.') {
			hidden(dir, e->d_name);
			continue;
		}
		node = path_join(dir, e->d_name);
		if (stat(node, &st) < 0 || !S_ISDIR(st.st_mode)) {
			/* files at the top belong to no node */
			if (stat(node, &st) == 0 && S_ISREG(st.st_mode) &&
			    capture_file_kind(node) > CAPTURE_KIND_OTHER)
				msg_warn(node,
				         "a capture at the top of a bundle belongs to no node "
				         "(put it in a node folder): left out");
			else
				not_capture(node);
			free(node);
			continue;
		}
		s = path_join(node, "snapshot.json");
		if (stat(s, &st) == 0 && S_ISREG(st.st_mode)) {
			topo = s;
		} else {
			if (lstat(s, &st) == 0)
				msg_warn(s, "not a regular file: not read as the node's topology");
			free(s);
			s = path_join(node, "ip");
			if (stat(s, &st) == 0 && S_ISDIR(st.st_mode))
				topo = s;
			else
				free(s);
		}
		walk_node(&fs, node, e->d_name, 0);
		if (fs.n > 1)
			qsort(fs.v, fs.n, sizeof *fs.v, found_order);
		for (size_t i = 0; i < fs.n;) {
			size_t j = i + 1, np = 0;
			struct item *t = item_add(it);
			struct piece *p;
			const char *nm = base_name(fs.v[i].rel);
			size_t dl = (size_t)(nm - fs.v[i].rel);
			char *setrel;

			while (j < fs.n && fs.v[j].set_len == fs.v[i].set_len &&
			       strncmp(fs.v[j].rel, fs.v[i].rel, fs.v[i].set_len) == 0 &&
			       (fs.v[i].piece || fs.v[j].piece ||
			        strcmp(fs.v[j].rel, fs.v[i].rel) == 0))
				j++;
			setrel = xstrndup(fs.v[i].rel, fs.v[i].set_len);
			p = xrealloc(NULL, (j - i) * sizeof *p);
			for (size_t k = i; k < j; k++) {
				piece_set(&p[np++], fs.v[k].full, base_name(fs.v[k].rel),
				          fs.v[k].set_len - dl);
				free(fs.v[k].rel);
			}
			if (np > 1 || p[0].num >= 0) {
				char *setpath = path_join(dir, setrel);

				np = finish_set(setpath, p, np);
				free(setpath);
			}
			s = stem_of(base_name(setrel));
			t->point = xasprintf("%.*s%s", (int)dl, setrel, s);
			free(s);
			free(setrel);
			t->node = xstrdup(e->d_name);
			t->from = FROM_BUNDLE;
			t->topology = topo ? xstrdup(topo) : NULL;
			t->f = xrealloc(NULL, np * sizeof *t->f);
			t->n = np;
			for (size_t k = 0; k < np; k++) {
				t->f[k].path = p[k].path;
				t->f[k].named = false;
				t->f[k].gap_before = p[k].gap_before;
				t->f[k].wrapped = p[k].wrapped;
				if (stat(p[k].path, &st) == 0) {
					t->f[k].dev = st.st_dev;
					t->f[k].ino = st.st_ino;
				}
			}
			free(p);
			i = j;
		}
		free(fs.v);
		free(topo);
		free(node);
	}
	closedir(d);
	if (it->n == first)
		msg_error(dir, "no capture files found");
	else
		qsort(it->v + first, it->n - first, sizeof *it->v, item_point_order);
}

/* ---- arguments ------------------------------------------------------------------ */

/* True for "p.pcap" when it does not exist but numbered pieces do: the name
 * given to tcpdump -w with -W, which writes p.pcap0... and never p.pcap. */
static bool set_name(const char *path)
{
	const char *name = base_name(path);
	size_t dirlen = (size_t)(name - path), n = strlen(name), sl;
	bool found = false;
	struct dirent *e;
	char *dir;
	DIR *d;

	if (ext_len(name, n) == 0 || piece_name(name, &sl))
		return false;
	dir = dirlen > 0 ? xstrndup(path, dirlen) : xstrdup(".");
	d = opendir(dir);
	free(dir);
	while (d != NULL && !found && (e = readdir(d)) != NULL)
		found = strncmp(e->d_name, name, n) == 0 && piece_name(e->d_name, &sl) && sl == n;
	if (d != NULL)
		closedir(d);
	return found;
}

/* "-" or POINT=-: standard input, as tcpdump -r - reads it (copied by
 * capture_spool.c, as it is read more than once). Alone it is point and
 * node "stdin". */
static void add_stdin(struct items *it, const char *point, size_t n)
{
	struct item *t;

	if (it->have_stdin) {
		msg_error("-", "standard input given twice (only one input can come through it)");
		return;
	}
	it->have_stdin = true;
	t = item_add(it);
	t->point = point ? xstrndup(point, n) : xstrdup("stdin");
	t->from = point ? FROM_POINT_ARG : FROM_BARE_FILE;
	t->node = xstrndup(t->point, strcspn(t->point, "/"));
	t->f = xrealloc(NULL, sizeof *t->f);
	memset(t->f, 0, sizeof *t->f);
	t->f[0].path = xstrdup("-");
	t->n = 1;
}

static void add_arg(struct items *it, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct stat st;
	int e;

	if (strcmp(arg, "-") == 0) {
		add_stdin(it, NULL, 0);
		return;
	}
	if (eq && strcmp(eq, "=-") == 0 && point_name_valid(arg, (size_t)(eq - arg))) {
		add_stdin(it, arg, (size_t)(eq - arg));
		return;
	}
	/* an existing path is taken as it is, even with a '=' in its name */
	if (stat(arg, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			add_bundle(it, arg);
		else
			add_file_arg(it, NULL, arg);
		return;
	}
	e = errno;
	if (eq != NULL && point_name_valid(arg, (size_t)(eq - arg))) {
		char *point = xstrndup(arg, (size_t)(eq - arg));
		const char *file = eq + 1;

		bool exists = stat(file, &st) == 0;
		int fe = errno;

		if (!exists && !set_name(file))
			msg_error(file, "%s", strerror(fe));
		else if (exists && S_ISDIR(st.st_mode))
			msg_error(file, "is a directory: a point is given a capture file (a bundle "
			                "directory is given alone)");
		else
			add_file_arg(it, point, file);
		free(point);
		return;
	}
	if (set_name(arg))
		add_file_arg(it, NULL, arg);
	else if (eq != NULL)
		msg_error(arg,
		          "'%.*s' is not a point name (NODE/NAME: parts of letters, digits and "
		          "._@:-, none empty, . or ..), and no such file exists",
		          (int)(eq - arg), arg);
	else
		msg_error(arg, "%s", strerror(e));
}

/* Two inputs with one point name would be one point that sees each packet
 * twice, at two places: a wrong report. Said with the forms that fix it:
 * bare files named by their folders (node1/eth0.pcap node2/eth0.pcap) get
 * NODE/NAME= forms and, when the folders are siblings, the bundle that
 * holds them. */
static void same_point(const struct item *a, const struct item *b)
{
	const char *pa = a->f[0].path, *pb = b->f[0].path;
	char *da = dir_of(pa), *db = dir_of(pb), *ga = dir_of(da), *gb = dir_of(db);
	const char *na = base_name(da), *nb = base_name(db);
	char *stem_a = stem_of(base_name(pa)), *stem_b = stem_of(base_name(pb));
	char bundle[1024] = "";

	if (a->from == FROM_BUNDLE && b->from == FROM_BUNDLE) {
		msg_error(a->point,
		          "two files of a bundle are this point (%s, %s): rename or remove one of "
		          "them",
		          pa, pb);
	} else if (a->from == FROM_BARE_FILE && b->from == FROM_BARE_FILE && strcmp(na, nb) != 0 &&
	           point_name_valid(na, strlen(na)) && point_name_valid(nb, strlen(nb)) &&
	           strcmp(na, ".") && strcmp(nb, ".")) {
		if (strcmp(ga, gb) == 0)
			snprintf(
			    bundle, sizeof bundle,
			    ", or give the folder that holds %s and %s as a bundle: pktpath %s", na,
			    nb, ga);
		msg_error(a->point,
		          "two inputs have this point name (%s, %s): name each point, as in "
		          "%s/%s=%s %s/%s=%s%s",
		          pa, pb, na, stem_a, pa, nb, stem_b, pb, bundle);
	} else {
		msg_error(a->point,
		          "two inputs have this point name (%s, %s): give each its own, as in "
		          "node1/%s=%s node2/%s=%s",
		          pa, pb, stem_a, pa, stem_b, pb);
	}
	free(da);
	free(db);
	free(ga);
	free(gb);
	free(stem_a);
	free(stem_b);
}

/* Drops what an earlier input already has; reports each problem once. */
static void dedupe(struct items *it)
{
	size_t k = 0;

	for (size_t i = 0; i < it->n; i++) {
		struct item *t = &it->v[i];
		bool drop = false;

		/* "p.pcap p.pcap1" (or a shell's p.pcap*) names pieces of one
		 * set: the set was taken whole with the first of them */
		for (size_t j = 0; j < k && !drop; j++) {
			if (strcmp(it->v[j].point, t->point) != 0)
				continue;
			for (size_t a = 0; a < t->n && !drop; a++)
				for (size_t b = 0; b < it->v[j].n; b++)
					if (t->f[a].named && !it->v[j].f[b].named &&
					    t->f[a].dev == it->v[j].f[b].dev &&
					    t->f[a].ino == it->v[j].f[b].ino && t->f[a].ino != 0)
						drop = true;
		}
		if (!drop) {
			const struct item *dup1 = NULL;
			char *dup_path = NULL;
			size_t m = 0, ndup = 0;

			for (size_t a = 0; a < t->n; a++) {
				const struct item *dup = NULL;

				for (size_t j = 0; j < k && dup == NULL; j++)
					for (size_t b = 0; b < it->v[j].n; b++)
						if (t->f[a].ino != 0 &&
						    t->f[a].dev == it->v[j].f[b].dev &&
						    t->f[a].ino == it->v[j].f[b].ino) {
							dup = &it->v[j];
							break;
						}
				if (dup == NULL) {
					t->f[m++] = t->f[a];
				} else if (ndup++ == 0) {
					dup1 = dup;
					dup_path = t->f[a].path;
				} else {
					free(t->f[a].path);
				}
			}
			/* one line, also for a whole rotated set given twice */
			if (ndup == 1)
				msg_error(dup_path, "given twice, as %s and %s", dup1->point,
				          t->point);
			else if (ndup > 1)
				msg_error(dup_path,
				          "given twice, as %s and %s (and %zu more files of "
				          "its rotated set)",
				          dup1->point, t->point, ndup - 1);
			free(dup_path);
			t->n = m;
			drop = m == 0;
		}
		for (size_t j = 0; j < k && !drop; j++)
			if (strcmp(it->v[j].point, t->point) == 0) {
				same_point(&it->v[j], t);
				it->fatal = drop = true;
			}
		if (drop) {
			item_free(t);
			continue;
		}
		it->v[k++] = *t;
	}
	it->n = k;
}

static void input_free(struct capture_input *in)
{
	for (size_t j = 0; j < in->nfiles; j++) {
		free(in->files[j]);
		if (in->spool != NULL)
			capture_spool_free(&in->spool[j]);
	}
	free(in->files);
	free(in->gap_before);
	free(in->spool);
	free(in->ids);
	free(in->point);
	free(in->node);
	free(in->topology);
}

int capture_inputs_expand(struct capture_inputs *out, char *const *args, size_t nargs)
{
	struct items it = {0};

	out->v = NULL;
	out->n = 0;
	for (size_t i = 0; i < nargs; i++)
		add_arg(&it, args[i]);
	dedupe(&it);
	if (it.fatal) {
		for (size_t i = 0; i < it.n; i++)
			item_free(&it.v[i]);
		free(it.v);
		return -1;
	}
	out->v = xrealloc(NULL, (it.n ? it.n : 1) * sizeof *out->v);
	for (size_t i = 0; i < it.n; i++) {
		struct capture_input *in = &out->v[out->n];
		struct item *t = &it.v[i];

		memset(in, 0, sizeof *in);
		in->files = xrealloc(NULL, t->n * sizeof *in->files);
		in->gap_before = xrealloc(NULL, (t->n ? t->n : 1) * sizeof *in->gap_before);
		for (size_t j = 0; j < t->n; j++) {
			struct capture_spool sp;
			enum spool_rc rc = capture_spool_make(t->f[j].path, &sp);

			if (rc == SPOOL_FAILED) {
				free(t->f[j].path);
				continue;
			}
			if (rc == SPOOL_COPIED && in->spool == NULL) {
				in->spool = xrealloc(NULL, t->n * sizeof *in->spool);
				memset(in->spool, 0, t->n * sizeof *in->spool);
			}
			if (rc == SPOOL_COPIED)
				in->spool[in->nfiles] = sp;
			in->gap_before[in->nfiles] = t->f[j].gap_before;
			in->ring_wrapped |= t->f[j].wrapped;
			in->files[in->nfiles++] = t->f[j].path;
		}
		free(t->f);
		in->point = t->point;
		in->node = t->node;
		in->topology = t->topology;
		in->ids = xrealloc(NULL, (in->nfiles ? in->nfiles : 1) * sizeof *in->ids);
		memset(in->ids, 0, (in->nfiles ? in->nfiles : 1) * sizeof *in->ids);
		/* a point none of whose files can be read (its pipe failed, or
		 * each file was said to be unreadable) is not a point that saw
		 * nothing: it is left out, as if not captured */
		if (in->nfiles == 0 || capture_probe(in) == 0) {
			input_free(in);
			continue;
		}
		out->n++;
	}
	free(it.v);
	if (out->n == 0) {
		free(out->v);
		out->v = NULL;
		return -1;
	}
	return 0;
}

void capture_inputs_free(struct capture_inputs *in)
{
	for (size_t i = 0; i < in->n; i++)
		input_free(&in->v[i]);
	free(in->v);
	in->v = NULL;
	in->n = 0;
}
