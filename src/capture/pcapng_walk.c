/* pcapng_walk.c - bounds-checked pcapng block walker: interface and direction
 * of each packet.
 *
 * specification: draft-ietf-opsawg-pcapng-02 (SHB 0x0A0D0D0A, IDB 1, PB 2,
 * SPB 3, EPB 6; options; epb_flags bits 0-1 direction).
 *
 * The walker reads through its own descriptor with a small buffer of its own:
 * packet data is seeked over (inside the buffer when it is there), so walking
 * alongside libpcap costs a few hundred bytes of copying per block and a
 * system call per 256 KiB, not one per packet.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "pktpath/obs.h"
#include "capture/pcapng_walk.h"

/* Interface Statistics Block options (draft-ietf-opsawg-pcapng 4.6). */
#define ISB_STARTTIME 2
#define ISB_ENDTIME   3
#define ISB_IFDROP    5
#define ISB_OSDROP    7
#define ISB_MAX_LEN   65536u /* longer: not a statistics block we read */
#define ISB_MAX_BACK  256    /* blocks looked at from the end of the file */

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_PB  0x00000002u
#define BT_SPB 0x00000003u
#define BT_EPB 0x00000006u
#define BT_ISB 0x00000005u

#define BYTE_ORDER_MAGIC 0x1A2B3C4Du

#define OPT_ENDOFOPT 0
#define IF_NAME      2
#define IF_DESCR     3
#define IF_TSRESOL   9
#define IF_TSOFFSET  14
#define EPB_FLAGS    2 /* also pack_flags of the obsolete Packet Block */

#define BLOCK_MIN 12u /* type, length, trailing length */
#define RD_BUFSZ  (256u * 1024u)

/* libpcap's per-link-type maximum snapshot lengths (pcap-int.h). */
#define MAXIMUM_SNAPLEN     262144u
#define MAX_SNAPLEN_DBUS    (128u * 1024u * 1024u)
#define MAX_SNAPLEN_EBHSCR  (8u * 1024u * 1024u)
#define MAX_SNAPLEN_USBPCAP (1024u * 1024u)

struct pcapng_walk {
	int fd;
	bool seekable;
	uint8_t *buf; /* RD_BUFSZ bytes; buf[pos..len) not yet consumed */
	size_t pos, len;
	uint64_t off; /* file offset of buf[pos] */
	bool eof;

	uint8_t *data; /* packet bytes, grown up to max_data */
	uint32_t data_size, max_data;

	bool started; /* the first SHB has been read */
	bool swapped; /* current section is in the other byte order */
	bool first_swapped;
	uint32_t sec_base; /* file-wide number of this section's interface 0 */
	uint32_t sec_nif;  /* interfaces in this section */

	struct pcapng_iface *ifs;
	uint32_t nif, ifs_size;
	bool have_first; /* the first IDB of the file: what libpcap keeps */
	int first_dlt;
	uint32_t first_snaplen;
	bool libpcap_stops;

	int status; /* sticky PCAPNG_WALK_BAD / PCAPNG_WALK_TRUNCATED, else 0 */
	char err[160];
};

static int fail(struct pcapng_walk *w, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct pcapng_walk *w, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->err, sizeof w->err, fmt, ap);
	va_end(ap);
	w->status = status;
	return status;
}

/* ---- buffered reading ------------------------------------------------- */

static int rd_fill(struct pcapng_walk *w)
{
	ssize_t n;

	if (w->pos > 0 && w->pos < w->len)
		memmove(w->buf, w->buf + w->pos, w->len - w->pos);
	w->len -= w->pos;
	w->pos = 0;
	do
		n = read(w->fd, w->buf + w->len, RD_BUFSZ - w->len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return fail(w, PCAPNG_WALK_BAD, "read error at offset %llu: %s",
		            (unsigned long long)w->off, strerror(errno));
	if (n == 0)
		w->eof = true;
	w->len += (size_t)n;
	return 0;
}

/* Copies up to n bytes (n <= RD_BUFSZ); returns how many were there before
 * the end of the file, or -1 on a read error. */
static long rd_get(struct pcapng_walk *w, void *dst, size_t n)
{
	while (w->len - w->pos < n && !w->eof)
		if (rd_fill(w) < 0)
			return -1;
	if (w->len - w->pos < n)
		n = w->len - w->pos;
	memcpy(dst, w->buf + w->pos, n);
	w->pos += n;
	w->off += n;
	return (long)n;
}

/* Moves n bytes forward. Going past the end of the file is not detected
 * here: the block's trailing length, read next, will be missing. */
static int rd_skip(struct pcapng_walk *w, uint64_t n)
{
	size_t have = w->len - w->pos;

	if (n <= have) {
		w->pos += (size_t)n;
		w->off += n;
		return 0;
	}
	n -= have;
	w->off += have;
	w->pos = w->len = 0;
	if (w->seekable) {
		if (w->off + n < w->off || w->off + n > (uint64_t)INT64_MAX) {
			w->eof = true;
			return 0;
		}
		if (lseek(w->fd, (off_t)(w->off + n), SEEK_SET) < 0)
			return fail(w, PCAPNG_WALK_BAD, "seek error at offset %llu: %s",
			            (unsigned long long)w->off, strerror(errno));
		w->off += n;
		w->eof = false;
		return 0;
	}
	while (n > 0 && !w->eof) {
		if (rd_fill(w) < 0)
			return -1;
		have = w->len < n ? w->len : (size_t)n;
		w->pos = have;
		w->off += have;
		n -= have;
		if (w->pos == w->len)
			w->pos = w->len = 0;
	}
	return 0;
}

/* ---- fields ------------------------------------------------------------ */

static uint16_t get16(const struct pcapng_walk *w, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return w->swapped ? (uint16_t)__builtin_bswap16(v) : v;
}

static uint32_t get32(const struct pcapng_walk *w, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return w->swapped ? __builtin_bswap32(v) : v;
}

static uint64_t get64(const struct pcapng_walk *w, const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return w->swapped ? __builtin_bswap64(v) : v;
}

int pcapng_linktype_to_dlt(uint32_t linktype)
{
	/* pcap-common.c linktype_to_dlt(): the few LINKTYPE_ values that differ
	 * from the DLT_ value of this platform. */
	switch (linktype) {
	case 100:
		return DLT_ATM_RFC1483;
	case 101:
		return DLT_RAW;
	case 102:
		return DLT_SLIP_BSDOS;
	case 103:
		return DLT_PPP_BSDOS;
	case 106:
		return DLT_ATM_CLIP;
	case 246:
		return DLT_PFSYNC;
	case 258:
		return DLT_PKTAP;
	default:
		return (int)linktype;
	}
}

uint32_t pcapng_adjust_snaplen(int dlt, uint32_t snaplen)
{
	uint32_t max;

	switch (dlt) {
	case DLT_DBUS:
		max = MAX_SNAPLEN_DBUS;
		break;
	case DLT_EBHSCR:
		max = MAX_SNAPLEN_EBHSCR;
		break;
	case DLT_USBPCAP:
		max = MAX_SNAPLEN_USBPCAP;
		break;
	default:
		max = MAXIMUM_SNAPLEN;
		break;
	}
	return snaplen == 0 || snaplen > max ? max : snaplen;
}

/* ns since the epoch from a raw time stamp in an interface's units, with
 * if_tsoffset; saturates instead of overflowing on absurd values. */
static int64_t ts_to_ns(const struct pcapng_iface *ifc, uint64_t t)
{
	uint64_t sec = t / ifc->tsresol, frac = t % ifc->tsresol, ns;
	int64_t s, r;

	if (ifc->tsbinary) {
		/* frac < 2^tsexp: frac * 10^9 fits 64 bits up to 2^34 */
		if (ifc->tsexp <= 34)
			ns = (frac * 1000000000ull) >> ifc->tsexp;
		else
			ns = ((frac >> (ifc->tsexp - 34)) * 1000000000ull) >> 34;
	} else {
		ns = frac * ifc->ns_mul / ifc->ns_div;
	}
	if (sec > (uint64_t)(INT64_MAX / 1000000000))
		return INT64_MAX;
	if (__builtin_add_overflow((int64_t)sec, ifc->tsoffset, &s))
		return ifc->tsoffset < 0 ? INT64_MIN : INT64_MAX;
	if (__builtin_mul_overflow(s, (int64_t)1000000000, &r))
		return s < 0 ? INT64_MIN : INT64_MAX;
	if (__builtin_add_overflow(r, (int64_t)ns, &r))
		return INT64_MAX;
	return r;
}

/* A printable copy of an option string: up to the first NUL, at most
 * PCAPNG_WALK_MAX_NAME bytes, other control bytes replaced by '?'. */
static char *printable(const uint8_t *s, size_t n)
{
	char *r;
	size_t i;

	for (i = 0; i < n && s[i] != 0; i++)
		;
	n = i;
	r = malloc(n + 1);
	if (r == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		r[i] = (s[i] < 0x20 || s[i] == 0x7f) ? '?' : (char)s[i];
	r[n] = 0;
	return r;
}

/* ---- options ----------------------------------------------------------- */

struct opts {
	uint32_t block;
	uint32_t flags;
	bool have_flags;
	uint8_t tsresol;
	bool have_tsresol;
	int64_t tsoffset;
	char *name, *descr;
};

/* Reads the options in the next `area` bytes of the current block. A
 * malformed option list ends the list (what was read stays), it does not make
 * the block bad: libpcap ignores EPB options, and losing a name or a direction
 * is better than losing the step with libpcap. Returns 0, or <0 when the
 * file could not be read. */
static int read_options(struct pcapng_walk *w, uint64_t area, struct opts *o)
{
	uint8_t h[4], v[PCAPNG_WALK_MAX_NAME];

	while (area >= 4) {
		uint16_t code, olen;
		uint32_t padded;
		long got = rd_get(w, h, 4);

		if (got < 0)
			return -1;
		if (got < 4)
			return 0; /* the trailer check reports the truncation */
		area -= 4;
		code = get16(w, h);
		olen = get16(w, h + 2);
		padded = ((uint32_t)olen + 3u) & ~3u;
		if (code == OPT_ENDOFOPT || padded > area)
			break;
		area -= padded;
		switch (o->block == BT_IDB ? code | 0x10000u : code) {
		case IF_NAME | 0x10000u:
		case IF_DESCR | 0x10000u: {
			size_t keep = olen < sizeof v ? olen : sizeof v;
			char **dst = code == IF_NAME ? &o->name : &o->descr;

			got = rd_get(w, v, keep);
			if (got < 0)
				return -1;
			if ((size_t)got < keep)
				return 0;
			if (*dst == NULL)
				*dst = printable(v, keep);
			if (rd_skip(w, padded - keep) < 0)
				return -1;
			continue;
		}
		case IF_TSRESOL | 0x10000u:
		case IF_TSOFFSET | 0x10000u:
		case EPB_FLAGS: {
			uint32_t want = code == IF_TSOFFSET ? 8 : code == IF_TSRESOL ? 1 : 4;

			if (olen != want)
				break;
			got = rd_get(w, v, padded);
			if (got < 0)
				return -1;
			if ((uint32_t)got < padded)
				return 0;
			if (code == IF_TSRESOL && !o->have_tsresol) {
				o->tsresol = v[0];
				o->have_tsresol = true;
			} else if (code == IF_TSOFFSET) {
				o->tsoffset = (int64_t)get64(w, v);
			} else if (code == EPB_FLAGS) {
				o->flags = get32(w, v);
				o->have_flags = true;
			}
			continue;
		}
		default:
			break;
		}
		if (rd_skip(w, padded) < 0)
			return -1;
	}
	return rd_skip(w, area);
}

/* ---- blocks ------------------------------------------------------------ */

static int add_iface(struct pcapng_walk *w, const uint8_t fixed[8], uint64_t optarea)
{
	struct opts o = {.block = BT_IDB};
	struct pcapng_iface *ifc;

	if (w->nif >= PCAPNG_WALK_MAX_IFACES)
		return fail(w, PCAPNG_WALK_BAD, "more than %u interfaces", PCAPNG_WALK_MAX_IFACES);
	if (w->nif == w->ifs_size) {
		uint32_t n = w->ifs_size ? w->ifs_size * 2 : 8;
		struct pcapng_iface *v = realloc(w->ifs, n * sizeof *v);

		if (v == NULL)
			return fail(w, PCAPNG_WALK_BAD, "out of memory");
		w->ifs = v;
		w->ifs_size = n;
	}
	if (read_options(w, optarea, &o) < 0) {
		free(o.name);
		free(o.descr);
		return w->status;
	}
	ifc = &w->ifs[w->nif];
	memset(ifc, 0, sizeof *ifc);
	ifc->linktype = get16(w, fixed);
	ifc->dlt = pcapng_linktype_to_dlt(ifc->linktype);
	ifc->snaplen = pcapng_adjust_snaplen(ifc->dlt, get32(w, fixed + 4));
	ifc->name = o.name;
	ifc->descr = o.descr;
	ifc->tsoffset = o.tsoffset;
	ifc->tsresol = 1000000; /* default: microseconds */
	ifc->tsexp = 6;
	if (o.have_tsresol) {
		/* Same limits as libpcap: the resolution must fit 64 bits. */
		ifc->tsbinary = (o.tsresol & 0x80) != 0;
		ifc->tsexp = o.tsresol & 0x7f;
		if ((ifc->tsbinary && ifc->tsexp > 63) || (!ifc->tsbinary && ifc->tsexp > 19)) {
			free(o.name);
			free(o.descr);
			return fail(w, PCAPNG_WALK_BAD, "interface %u has if_tsresol %u", w->nif,
			            o.tsresol);
		}
		ifc->tsresol = 1;
		for (unsigned i = 0; i < ifc->tsexp; i++)
			ifc->tsresol *= ifc->tsbinary ? 2 : 10;
	}
	/* decimal fractions to ns: frac * 10^(9-e), or frac / 10^(e-9) */
	ifc->ns_mul = ifc->ns_div = 1;
	for (unsigned i = ifc->tsexp; !ifc->tsbinary && i < 9; i++)
		ifc->ns_mul *= 10;
	for (unsigned i = 9; !ifc->tsbinary && i < ifc->tsexp; i++)
		ifc->ns_div *= 10;
	if (!w->have_first) {
		w->have_first = true;
		w->first_dlt = ifc->dlt;
		w->first_snaplen = ifc->snaplen;
	} else if ((int)ifc->linktype != w->first_dlt ||
	           pcapng_adjust_snaplen(w->first_dlt, ifc->snaplen) != w->first_snaplen) {
		/* sf-pcapng.c compares the stored LINKTYPE_ value with the
		 * first interface's DLT_ value and the snapshot lengths. */
		w->libpcap_stops = true;
	}
	w->nif++;
	w->sec_nif++;
	return 0;
}

/* The packet part of EPB, SPB and PB: data (read or skipped), options. */
static int packet_body(struct pcapng_walk *w, uint32_t type, uint64_t body, uint64_t fixed,
                       struct pcapng_pkt *p, bool want_data)
{
	struct opts o = {.block = type};
	uint64_t room = body - fixed, padded = ((uint64_t)p->caplen + 3) & ~(uint64_t)3;
	long got;

	if (p->caplen > room)
		return fail(w, PCAPNG_WALK_BAD,
		            "packet block at offset %llu has %u captured bytes in %llu",
		            (unsigned long long)p->offset, p->caplen, (unsigned long long)room);
	p->data = NULL;
	if (want_data && p->caplen <= w->max_data) {
		if (p->caplen > w->data_size) {
			uint8_t *d = realloc(w->data, w->max_data ? w->max_data : 1);

			if (d == NULL)
				return fail(w, PCAPNG_WALK_BAD, "out of memory");
			w->data = d;
			w->data_size = w->max_data;
		}
		got = 0;
		/* rd_get copies at most a buffer's worth per call */
		while ((uint32_t)got < p->caplen) {
			size_t chunk = p->caplen - (uint32_t)got;
			long n;

			if (chunk > RD_BUFSZ)
				chunk = RD_BUFSZ;
			n = rd_get(w, w->data + got, chunk);
			if (n < 0)
				return w->status;
			if ((size_t)n < chunk)
				return fail(w, PCAPNG_WALK_TRUNCATED,
				            "the file ends inside the packet block at offset %llu",
				            (unsigned long long)p->offset);
			got += n;
		}
		p->data = w->data;
		if (rd_skip(w, padded > room ? room - p->caplen : padded - p->caplen) < 0)
			return w->status;
	} else if (rd_skip(w, padded > room ? room : padded) < 0) {
		return w->status;
	}
	if (padded < room && type != BT_SPB && read_options(w, room - padded, &o) < 0)
		return w->status;
	if (padded < room && type == BT_SPB && rd_skip(w, room - padded) < 0)
		return w->status;
	p->dir = PP_DIR_UNKNOWN;
	if (o.have_flags && (o.flags & 3u) == 1u)
		p->dir = PP_DIR_IN;
	else if (o.have_flags && (o.flags & 3u) == 2u)
		p->dir = PP_DIR_OUT;
	return 0;
}

static int check_iface(struct pcapng_walk *w, uint32_t local, struct pcapng_pkt *p)
{
	if (local >= w->sec_nif)
		return fail(w, PCAPNG_WALK_BAD,
		            "packet block at offset %llu names interface %u of %u",
		            (unsigned long long)p->offset, local, w->sec_nif);
	p->iface = w->sec_base + local;
	return 0;
}

static int read_trailer(struct pcapng_walk *w, uint32_t len, uint64_t start)
{
	uint8_t t[4];
	long got = rd_get(w, t, 4);

	if (got < 0)
		return w->status;
	if (got < 4)
		return fail(w, PCAPNG_WALK_TRUNCATED,
		            "the file ends inside the block at offset %llu",
		            (unsigned long long)start);
	if (get32(w, t) != len)
		return fail(w, PCAPNG_WALK_BAD,
		            "block at offset %llu has length %u but trailing length %u",
		            (unsigned long long)start, len, get32(w, t));
	return 0;
}

/* Section Header Block: the byte-order magic follows type and length. */
static int section(struct pcapng_walk *w, const uint8_t h[8], uint64_t start, uint32_t *lenp)
{
	uint8_t f[12];
	uint32_t bom, len;
	long got = rd_get(w, f, sizeof f);

	if (got < 0)
		return w->status;
	if (got < 4)
		return fail(w, PCAPNG_WALK_TRUNCATED,
		            "the file ends inside the section header at offset %llu",
		            (unsigned long long)start);
	memcpy(&bom, f, 4);
	if (bom == BYTE_ORDER_MAGIC)
		w->swapped = false;
	else if (bom == __builtin_bswap32(BYTE_ORDER_MAGIC))
		w->swapped = true;
	else
		return fail(w, PCAPNG_WALK_BAD,
		            "section header at offset %llu has no byte-order magic",
		            (unsigned long long)start);
	if (!w->started)
		w->first_swapped = w->swapped;
	else if (w->swapped != w->first_swapped)
		w->libpcap_stops = true; /* "sections with different byte orders" */
	len = get32(w, h + 4);
	if (len % 4 != 0 || len < 28)
		return fail(w, PCAPNG_WALK_BAD, "section header at offset %llu has length %u",
		            (unsigned long long)start, len);
	if ((size_t)got < sizeof f)
		return fail(w, PCAPNG_WALK_TRUNCATED,
		            "the file ends inside the section header at offset %llu",
		            (unsigned long long)start);
	if (get16(w, f + 4) != 1)
		return fail(w, PCAPNG_WALK_BAD, "section at offset %llu has version %u.%u",
		            (unsigned long long)start, get16(w, f + 4), get16(w, f + 6));
	/* read so far: type, length, magic, versions, half the section
	 * length (20 bytes); the trailing length follows the rest */
	if (rd_skip(w, len - 24) < 0)
		return w->status;
	w->started = true;
	w->sec_base = w->nif;
	w->sec_nif = 0;
	*lenp = len;
	return 0;
}

/* Reads the n fixed bytes that start a block's body into f. Returns 1 when
 * read, 0 when the file ended first, -1 on an error (w->status says it). */
static long fixed_part(struct pcapng_walk *w, uint8_t *f, uint64_t body, uint32_t n,
                       const char *what, uint64_t start)
{
	long got;

	if (body < n) {
		fail(w, PCAPNG_WALK_BAD, "%s block at offset %llu is too short", what,
		     (unsigned long long)start);
		return -1;
	}
	got = rd_get(w, f, n);
	return got < 0 ? -1 : got == (long)n;
}

int pcapng_walk_next(struct pcapng_walk *w, struct pcapng_pkt *p, bool want_data)
{
	if (w->status != 0)
		return w->status;
	for (;;) {
		uint8_t h[8], f[20];
		uint64_t start = w->off, body;
		uint32_t type, len = 0;
		long got = rd_get(w, h, 8);
		bool packet = false;
		int rc = 0;

		if (got < 0)
			return w->status;
		if (got == 0 && w->started)
			return PCAPNG_WALK_END;
		if (got < 8)
			return fail(w, PCAPNG_WALK_TRUNCATED,
			            "the file ends inside the block at offset %llu",
			            (unsigned long long)start);
		memcpy(&type, h, 4); /* SHB's type reads the same in both orders */
		if (type == BT_SHB) {
			if (section(w, h, start, &len) != 0)
				return w->status;
			if (read_trailer(w, len, start) != 0)
				return w->status;
			continue;
		}
		if (!w->started)
			return fail(w, PCAPNG_WALK_BAD,
			            "the file does not start with a section header");
		type = get32(w, h);
		len = get32(w, h + 4);
		if (len < BLOCK_MIN || len % 4 != 0)
			return fail(w, PCAPNG_WALK_BAD, "block at offset %llu has length %u",
			            (unsigned long long)start, len);
		body = len - BLOCK_MIN;
		memset(p, 0, sizeof *p);
		p->offset = start;
		switch (type) {
		case BT_IDB:
			if ((got = fixed_part(w, f, body, 8, "interface", start)) <= 0) {
				if (got < 0)
					return w->status;
				break; /* the file ended: the trailer read reports it */
			}
			rc = add_iface(w, f, body - 8);
			break;
		case BT_EPB:
		case BT_PB:
			if ((got = fixed_part(w, f, body, 20, "packet", start)) <= 0) {
				if (got < 0)
					return w->status;
				break;
			}
			rc = check_iface(w, type == BT_EPB ? get32(w, f) : get16(w, f), p);
			if (rc != 0)
				break;
			p->caplen = get32(w, f + 12);
			p->len = get32(w, f + 16);
			p->ts = ts_to_ns(&w->ifs[p->iface],
			                 (uint64_t)get32(w, f + 4) << 32 | get32(w, f + 8));
			rc = packet_body(w, type, body, 20, p, want_data);
			packet = true;
			break;
		case BT_SPB:
			if ((got = fixed_part(w, f, body, 4, "packet", start)) <= 0) {
				if (got < 0)
					return w->status;
				break;
			}
			rc = check_iface(w, 0, p);
			if (rc != 0)
				break;
			/* no captured length: the packet's, cut to the snapshot
			 * length, as libpcap computes it; no time stamp */
			p->len = get32(w, f);
			p->caplen =
			    p->len < w->ifs[p->iface].snaplen ? p->len : w->ifs[p->iface].snaplen;
			p->ts = ts_to_ns(&w->ifs[p->iface], 0);
			rc = packet_body(w, type, body, 4, p, want_data);
			packet = true;
			break;
		default: /* ISB, NRB, DSB, custom, unknown */
			rc = rd_skip(w, body);
			break;
		}
		if (rc != 0)
			return w->status;
		if (read_trailer(w, len, start) != 0)
			return w->status;
		if (packet)
			return PCAPNG_WALK_PACKET;
	}
}

struct pcapng_walk *pcapng_walk_open(const char *path, uint32_t max_data)
{
	struct pcapng_walk *w;
	struct stat st;
	uint8_t magic[4];

	w = calloc(1, sizeof *w);
	if (w == NULL)
		return NULL;
	w->buf = malloc(RD_BUFSZ);
	w->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (w->buf == NULL || w->fd < 0 || fstat(w->fd, &st) < 0) {
		int e = errno;

		pcapng_walk_close(w);
		errno = e;
		return NULL;
	}
	w->seekable = S_ISREG(st.st_mode) || S_ISBLK(st.st_mode);
	w->max_data = max_data;
	if (rd_get(w, magic, 4) != 4 || memcmp(magic, "\x0a\x0d\x0d\x0a", 4) != 0) {
		pcapng_walk_close(w);
		errno = EINVAL;
		return NULL;
	}
	/* back to the start: next() reads the SHB like any other block */
	w->pos = 0;
	w->off = 0;
	return w;
}

const char *pcapng_walk_error(const struct pcapng_walk *w)
{
	return w->status != 0 ? w->err : "no error";
}

bool pcapng_walk_libpcap_stops(const struct pcapng_walk *w)
{
	return w->libpcap_stops;
}

uint32_t pcapng_walk_niface(const struct pcapng_walk *w)
{
	return w->nif;
}

const struct pcapng_iface *pcapng_walk_iface(const struct pcapng_walk *w, uint32_t iface)
{
	return iface < w->nif ? &w->ifs[iface] : NULL;
}

void pcapng_walk_close(struct pcapng_walk *w)
{
	if (w == NULL)
		return;
	for (uint32_t i = 0; i < w->nif; i++) {
		free(w->ifs[i].name);
		free(w->ifs[i].descr);
	}
	free(w->ifs);
	free(w->data);
	free(w->buf);
	if (w->fd >= 0)
		close(w->fd);
	free(w);
}

/* ---- statistics at the end of the file -------------------------------- */

static bool pread_all(int fd, void *buf, size_t n, uint64_t off)
{
	ssize_t got = pread(fd, buf, n, (off_t)off);

	return got >= 0 && (size_t)got == n;
}

/* The drop counters of one statistics block: the sum of isb_ifdrop and
 * isb_osdrop, and the span they cover. Malformed options end the list. */
static void isb_read(const struct pcapng_walk *w, const uint8_t *b, uint32_t n,
                     struct pcapng_drops *d, bool latest)
{
	const struct pcapng_iface *ifc;
	uint64_t drops = 0;
	uint32_t at = 12;

	if (n < 12)
		return;
	ifc = pcapng_walk_iface(w, w->sec_base + get32(w, b));
	while (at + 4 <= n) {
		uint16_t code = get16(w, b + at), olen = get16(w, b + at + 2);
		uint32_t padded = ((uint32_t)olen + 3u) & ~3u;
		uint64_t v;

		at += 4;
		if (code == 0 || padded > n - at)
			break;
		if (olen == 8) {
			v = get64(w, b + at);
			if (code == ISB_IFDROP || code == ISB_OSDROP)
				drops += v;
			/* start/end times are a high and a low 32-bit word */
			v = (uint64_t)get32(w, b + at) << 32 | get32(w, b + at + 4);
			if (code == ISB_STARTTIME && ifc)
				d->from = ts_to_ns(ifc, v);
			if (code == ISB_ENDTIME && ifc && latest)
				d->to = ts_to_ns(ifc, v);
		}
		at += padded;
	}
	if (latest)
		d->drops += drops;
}

int pcapng_walk_tail_drops(struct pcapng_walk *w, struct pcapng_drops *d)
{
	uint8_t *b = malloc(ISB_MAX_LEN);
	uint32_t seen[64];
	unsigned nseen = 0;
	struct stat st;
	uint64_t off;

	memset(d, 0, sizeof *d);
	d->from = INT64_MIN;
	d->to = INT64_MAX;
	if (b == NULL || !w->seekable || fstat(w->fd, &st) < 0) {
		free(b);
		return -1;
	}
	off = (uint64_t)st.st_size;
	/* blocks end with their length again: walk back from the end over
	 * the statistics blocks that follow the last packet */
	for (int k = 0; k < ISB_MAX_BACK && off >= BLOCK_MIN; k++) {
		uint8_t t[4], h[8];
		uint32_t len, type, iface;
		bool latest = true;

		if (!pread_all(w->fd, t, 4, off - 4))
			break;
		len = get32(w, t);
		if (len < BLOCK_MIN || len % 4 != 0 || len > off || len > ISB_MAX_LEN ||
		    !pread_all(w->fd, h, 8, off - len) || get32(w, h + 4) != len)
			break;
		type = get32(w, h);
		if (type == BT_EPB || type == BT_SPB || type == BT_PB || type == BT_SHB)
			break;
		if (type == BT_ISB && pread_all(w->fd, b, len - BLOCK_MIN, off - len + 8)) {
			/* the last block of an interface holds its totals; earlier
			 * ones only say when counting started */
			iface = len - BLOCK_MIN >= 4 ? get32(w, b) : 0;
			for (unsigned i = 0; i < nseen; i++)
				latest &= seen[i] != iface;
			if (latest && nseen < 64)
				seen[nseen++] = iface;
			isb_read(w, b, len - BLOCK_MIN, d, latest);
			d->blocks++;
		}
		off -= len;
	}
	free(b);
	return 0;
}

/* dumpcap 4.x writes isb_starttime/endtime in microseconds whatever the
 * interface's if_tsresol: a time a thousand times too small next to the
 * file's packets is read so. A time that fits neither is not used. */
static int64_t near_ref(int64_t t, int64_t ref, int64_t open_value)
{
	const int64_t day = 86400LL * 1000 * 1000 * 1000;

	if (t == open_value || ref <= 0)
		return t;
	if (t > ref - 30 * day && t < ref + 30 * day)
		return t;
	if (t < INT64_MAX / 1000 && t * 1000 > ref - 30 * day && t * 1000 < ref + 30 * day)
		return t * 1000;
	return open_value;
}

void pcapng_drops_near(struct pcapng_drops *d, int64_t ref)
{
	d->from = near_ref(d->from, ref, INT64_MIN);
	d->to = near_ref(d->to, ref, INT64_MAX);
}
