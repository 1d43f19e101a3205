/* decompress.c - gzip (zlib), zstd (libzstd) and xz (liblzma) streams to a
 * file descriptor or to the head of a buffer (see decompress.h).
 *
 * specification: RFC 1952 (gzip, members may be concatenated), RFC 8878
 * (zstd frames), the .xz file format 1.1.0 (concatenated streams).
 * Each library checks its own format; this file only moves bytes and says
 * what went wrong. A stream that ends early keeps what it held: a capture
 * copied while it was compressed is cut, and its packets are still worth
 * reading (the capture reader then says the last record is cut).
 */
#include <errno.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "capture/decompress.h"

#define CHUNK (1u << 16)
/* An xz stream may ask for a dictionary of up to 1.5 GiB; xz -9 needs 65 MiB. */
#define XZ_MEMLIMIT ((uint64_t)512 << 20)

enum decomp_kind decomp_kind_of(const uint8_t *h, size_t n)
{
	if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b)
		return DECOMP_GZIP;
	if (n >= 4 && memcmp(h, "\x28\xb5\x2f\xfd", 4) == 0)
		return DECOMP_ZSTD;
	if (n >= 6 && memcmp(h,
	                     "\xfd"
	                     "7zXZ\0",
	                     6) == 0)
		return DECOMP_XZ;
	if (n >= 3 && memcmp(h, "BZh", 3) == 0)
		return DECOMP_BZIP2;
	return DECOMP_NONE;
}

const char *decomp_name(enum decomp_kind k)
{
	switch (k) {
	case DECOMP_GZIP:
		return "gzip";
	case DECOMP_ZSTD:
		return "zstd";
	case DECOMP_XZ:
		return "xz";
	case DECOMP_BZIP2:
		return "bzip2";
	default:
		return "uncompressed";
	}
}

size_t decomp_ext_len(const char *name, size_t n)
{
	static const char *const exts[] = {".gz", ".zst", ".xz"};

	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		size_t e = strlen(exts[i]);

		if (n >= e && strncasecmp(name + n - e, exts[i], e) == 0)
			return e;
	}
	return 0;
}

/* Where decompressed bytes go: a descriptor, or a buffer that is full at
 * its capacity (then the decompression stops early, successfully). */
struct sink {
	int fd;
	uint8_t *buf;
	size_t cap, n;
};

/* 0, 1 when the buffer is full, -1 when a write failed. */
static int sink_put(struct sink *s, const uint8_t *p, size_t len)
{
	if (s->buf) {
		size_t k = len < s->cap - s->n ? len : s->cap - s->n;

		memcpy(s->buf + s->n, p, k);
		s->n += k;
		return s->n == s->cap;
	}
	while (len) {
		ssize_t w = write(s->fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Hands n decompressed bytes on; true when the decompression stops there
 * (the buffer is full, or a write failed: *st says which). */
static bool emit(struct sink *out, const uint8_t *o, size_t n, enum decomp_status *st)
{
	int k = n ? sink_put(out, o, n) : 0;

	if (k < 0)
		*st = DECOMP_WRITE;
	return k != 0;
}

/* Reading: at the descriptor's position, or from offset 0 for a head. */
struct source {
	int fd;
	bool positional;
	off_t off;
};

static ssize_t source_read(struct source *s, uint8_t *b, size_t n)
{
	for (;;) {
		ssize_t r = s->positional ? pread(s->fd, b, n, s->off) : read(s->fd, b, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r > 0)
			s->off += r;
		return r;
	}
}

static enum decomp_status gzip_run(struct source *src, struct sink *out, char *why, size_t wl)
{
	uint8_t in[CHUNK], o[CHUNK];
	z_stream z;
	enum decomp_status st = DECOMP_OK;
	bool in_member = false, eof = false;
	int rc = Z_OK;

	memset(&z, 0, sizeof z);
	/* 15 + 32: a gzip or zlib header, detected */
	if (inflateInit2(&z, 15 + 32) != Z_OK) {
		snprintf(why, wl, "zlib cannot start: %s", z.msg ? z.msg : "out of memory");
		return DECOMP_CORRUPT;
	}
	for (;;) {
		if (z.avail_in == 0 && !eof) {
			ssize_t r = source_read(src, in, sizeof in);

			if (r < 0) {
				st = DECOMP_READ;
				break;
			}
			eof = r == 0;
			z.next_in = in;
			z.avail_in = (uInt)r;
		}
		if (z.avail_in == 0 && eof) {
			if (in_member) {
				snprintf(why, wl,
				         "the gzip data ends early (the file is cut short)");
				st = DECOMP_CUT;
			}
			break;
		}
		/* concatenated members (gzip a >> b.gz, pigz): the next one
		 * starts with the magic again; anything else after the
		 * last member is padding, as gzip itself takes it */
		if (!in_member && rc == Z_STREAM_END) {
			if (z.next_in[0] != 0x1f || (z.avail_in >= 2 && z.next_in[1] != 0x8b))
				break;
			inflateReset(&z);
		}
		in_member = true;
		z.next_out = o;
		z.avail_out = sizeof o;
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
			snprintf(why, wl, "the gzip data is corrupt (%s)",
			         z.msg ? z.msg : zError(rc));
			st = DECOMP_CORRUPT;
		}
		if (emit(out, o, sizeof o - z.avail_out, &st))
			break;
		if (st != DECOMP_OK)
			break;
		if (rc == Z_STREAM_END)
			in_member = false;
	}
	inflateEnd(&z);
	return st;
}

static enum decomp_status zstd_run(struct source *src, struct sink *out, char *why, size_t wl)
{
	uint8_t in[CHUNK], o[CHUNK];
	ZSTD_DStream *z = ZSTD_createDStream();
	ZSTD_inBuffer ib = {in, 0, 0};
	enum decomp_status st = DECOMP_OK;
	size_t last = 0;
	bool eof = false;

	if (!z) {
		snprintf(why, wl, "libzstd cannot start: out of memory");
		return DECOMP_CORRUPT;
	}
	ZSTD_initDStream(z);
	for (;;) {
		ZSTD_outBuffer ob = {o, sizeof o, 0};

		if (ib.pos == ib.size && !eof) {
			ssize_t r = source_read(src, in, sizeof in);

			if (r < 0) {
				st = DECOMP_READ;
				break;
			}
			eof = r == 0;
			ib.size = (size_t)r;
			ib.pos = 0;
		}
		if (ib.pos == ib.size && eof) {
			/* 0: the last frame is complete */
			if (last != 0) {
				snprintf(why, wl,
				         "the zstd data ends early (the file is cut short)");
				st = DECOMP_CUT;
			}
			break;
		}
		last = ZSTD_decompressStream(z, &ob, &ib);
		if (ZSTD_isError(last)) {
			snprintf(why, wl, "the zstd data is corrupt (%s)", ZSTD_getErrorName(last));
			st = DECOMP_CORRUPT;
		}
		if (emit(out, o, ob.pos, &st))
			break;
		if (st != DECOMP_OK)
			break;
	}
	ZSTD_freeDStream(z);
	return st;
}

static enum decomp_status xz_run(struct source *src, struct sink *out, char *why, size_t wl)
{
	uint8_t in[CHUNK], o[CHUNK];
	lzma_stream z = LZMA_STREAM_INIT;
	enum decomp_status st = DECOMP_OK;
	lzma_action act = LZMA_RUN;

	if (lzma_stream_decoder(&z, XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK) {
		snprintf(why, wl, "liblzma cannot start: out of memory");
		return DECOMP_CORRUPT;
	}
	for (;;) {
		lzma_ret rc;

		if (z.avail_in == 0 && act == LZMA_RUN) {
			ssize_t r = source_read(src, in, sizeof in);

			if (r < 0) {
				st = DECOMP_READ;
				break;
			}
			if (r == 0)
				act = LZMA_FINISH;
			z.next_in = in;
			z.avail_in = (size_t)r;
		}
		z.next_out = o;
		z.avail_out = sizeof o;
		rc = lzma_code(&z, act);
		if (rc == LZMA_BUF_ERROR) {
			snprintf(why, wl, "the xz data ends early (the file is cut short)");
			st = DECOMP_CUT;
		} else if (rc == LZMA_MEMLIMIT_ERROR) {
			snprintf(why, wl, "the xz data needs more than %llu MiB of memory",
			         (unsigned long long)(XZ_MEMLIMIT >> 20));
			st = DECOMP_CORRUPT;
		} else if (rc != LZMA_OK && rc != LZMA_STREAM_END) {
			snprintf(why, wl, "the xz data is corrupt (liblzma error %d)", (int)rc);
			st = DECOMP_CORRUPT;
		}
		if (emit(out, o, sizeof o - z.avail_out, &st))
			break;
		if (st != DECOMP_OK || rc == LZMA_STREAM_END)
			break;
	}
	lzma_end(&z);
	return st;
}

static enum decomp_status run(enum decomp_kind k, struct source *src, struct sink *out, char *why,
                              size_t wl)
{
	switch (k) {
	case DECOMP_GZIP:
		return gzip_run(src, out, why, wl);
	case DECOMP_ZSTD:
		return zstd_run(src, out, why, wl);
	case DECOMP_XZ:
		return xz_run(src, out, why, wl);
	default:
		snprintf(why, wl, "%s-compressed: decompress it first", decomp_name(k));
		return DECOMP_CORRUPT;
	}
}

enum decomp_status decomp_copy(enum decomp_kind k, int in, int out, char *why, size_t whylen)
{
	struct source src = {in, false, 0};
	struct sink s = {out, NULL, 0, 0};

	why[0] = '\0';
	return run(k, &src, &s, why, whylen);
}

ssize_t decomp_head(enum decomp_kind k, int in, uint8_t *buf, size_t n)
{
	struct source src = {in, true, 0};
	struct sink s = {-1, buf, n, 0};
	char why[128];
	enum decomp_status st = n ? run(k, &src, &s, why, sizeof why) : DECOMP_OK;

	return st == DECOMP_READ || (st != DECOMP_OK && s.n == 0) ? -1 : (ssize_t)s.n;
}
