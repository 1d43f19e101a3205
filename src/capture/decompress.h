/* decompress.h - compressed captures (gzip, zstd, xz), read through the
 * libraries that own each format (zlib, libzstd, liblzma).
 *
 * A compressed capture is decompressed whole into an unlinked temporary
 * file (capture_spool.c): the analysis reads every input more than once
 * and the pcapng walker reads by offset, which a stream cannot give.
 */
#ifndef PKTPATH_DECOMPRESS_H
#define PKTPATH_DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum decomp_kind {
	DECOMP_NONE,
	DECOMP_GZIP, /* also zlib-wrapped and concatenated members */
	DECOMP_ZSTD,
	DECOMP_XZ,
	DECOMP_BZIP2, /* recognised, not read: said */
};

/* The compression a file starts with, from its first n bytes. */
enum decomp_kind decomp_kind_of(const uint8_t *head, size_t n);
/* "gzip", "zstd", "xz", "bzip2". */
const char *decomp_name(enum decomp_kind k);
/* Length of a .gz, .zst or .xz (any case) ending name[0..n), else 0. */
size_t decomp_ext_len(const char *name, size_t n);

enum decomp_status {
	DECOMP_OK = 0,
	DECOMP_CUT = 1,      /* the compressed data ends early: what came is kept */
	DECOMP_CORRUPT = -1, /* bad data; what came before it is kept */
	DECOMP_WRITE = -2,   /* writing the output failed (errno set) */
	DECOMP_READ = -3,    /* reading the input failed (errno set) */
};

/* Decompresses all of in (from its current position) into out. why
 * receives the library's words for CUT and CORRUPT. */
enum decomp_status decomp_copy(enum decomp_kind k, int in, int out, char *why, size_t whylen);

/* The first n bytes of what in holds decompressed (read from offset 0):
 * how many were written to buf (fewer at the end of the data), or -1. */
ssize_t decomp_head(enum decomp_kind k, int in, uint8_t *buf, size_t n);

#endif
