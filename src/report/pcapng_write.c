/* pcapng_write.c - writes a pcapng section: SHB, IDBs, EPBs with options.
 *
 * specification: draft-ietf-opsawg-pcapng, sections 4.1 (SHB), 4.2 (IDB),
 * 4.3 (EPB) and 3.5 (options: code, length, value padded to 32 bits).
 *
 * A block is written in pieces (fixed part, packet bytes, padding, options,
 * trailing length) so packet data is never copied; all integers are stored
 * little-endian whatever the host, with the byte-order magic saying so.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/pcapng_write.h"

#define BT_SHB           0x0A0D0D0Au
#define BT_IDB           0x00000001u
#define BT_EPB           0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du

#define OPT_ENDOFOPT   0
#define OPT_COMMENT    1
#define SHB_USERAPPL   4
#define IF_NAME        2
#define IF_DESCRIPTION 3
#define IF_TSRESOL     9
#define EPB_FLAGS      2

/* A block's total length must fit 32 bits: packet data is bounded well
 * below that, options by their 16-bit lengths. */
#define MAX_CAPLEN (16u * 1024 * 1024)

struct pcapng_writer {
	FILE *out;
	uint32_t nif;
	int err; /* errno of the first failed write, or 0 */
};

static void le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t pad4(size_t n)
{
	return (uint32_t)((4 - n % 4) % 4);
}

static void put(struct pcapng_writer *w, const void *p, size_t n)
{
	if (n && !w->err && fwrite(p, 1, n, w->out) != n)
		w->err = errno ? errno : EIO;
}

static void put32(struct pcapng_writer *w, uint32_t v)
{
	uint8_t b[4];

	le32(b, v);
	put(w, b, 4);
}

static size_t opt_len(size_t vlen)
{
	return 4 + vlen + pad4(vlen);
}

static size_t str_opt_len(const char *s)
{
	size_t n;

	if (!s || !*s)
		return 0;
	n = strlen(s);
	return opt_len(n > PCAPNG_WRITE_MAX_OPT ? PCAPNG_WRITE_MAX_OPT : n);
}

static void put_opt(struct pcapng_writer *w, uint16_t code, const void *v, size_t vlen)
{
	static const uint8_t zero[4];
	uint8_t h[4];

	le16(h, code);
	le16(h + 2, (uint16_t)vlen);
	put(w, h, 4);
	put(w, v, vlen);
	put(w, zero, pad4(vlen));
}

static void put_str_opt(struct pcapng_writer *w, uint16_t code, const char *s)
{
	size_t n;

	if (!s || !*s)
		return;
	n = strlen(s);
	put_opt(w, code, s, n > PCAPNG_WRITE_MAX_OPT ? PCAPNG_WRITE_MAX_OPT : n);
}

struct pcapng_writer *pcapng_writer_new(FILE *out, const char *userappl)
{
	struct pcapng_writer *w = calloc(1, sizeof *w);
	size_t opts, total;
	uint8_t h[24];

	if (!w)
		return NULL;
	w->out = out;
	opts = str_opt_len(userappl);
	opts += opts ? 4 : 0; /* opt_endofopt */
	total = 28 + opts;
	le32(h, BT_SHB);
	le32(h + 4, (uint32_t)total);
	le32(h + 8, BYTE_ORDER_MAGIC);
	le16(h + 12, 1);         /* major */
	le16(h + 14, 0);         /* minor */
	memset(h + 16, 0xff, 8); /* section length: not given */
	put(w, h, sizeof h);
	if (opts) {
		put_str_opt(w, SHB_USERAPPL, userappl);
		put_opt(w, OPT_ENDOFOPT, NULL, 0);
	}
	put32(w, (uint32_t)total);
	return w;
}

int64_t pcapng_writer_iface(struct pcapng_writer *w, uint16_t linktype, uint32_t snaplen,
                            const char *name, const char *descr)
{
	const uint8_t tsresol = 9; /* 10^-9 s */
	size_t total = 20 + str_opt_len(name) + str_opt_len(descr) + opt_len(1) + 4;
	uint8_t h[16];

	le32(h, BT_IDB);
	le32(h + 4, (uint32_t)total);
	le16(h + 8, linktype);
	le16(h + 10, 0);
	le32(h + 12, snaplen);
	put(w, h, sizeof h);
	put_str_opt(w, IF_NAME, name);
	put_str_opt(w, IF_DESCRIPTION, descr);
	put_opt(w, IF_TSRESOL, &tsresol, 1);
	put_opt(w, OPT_ENDOFOPT, NULL, 0);
	put32(w, (uint32_t)total);
	return w->err ? -1 : (int64_t)w->nif++;
}

int pcapng_writer_packet(struct pcapng_writer *w, uint32_t iface, int64_t ts_ns,
                         const uint8_t *data, uint32_t caplen, uint32_t len, uint32_t flags,
                         const char *comment)
{
	static const uint8_t zero[4];
	uint64_t ts = ts_ns < 0 ? 0 : (uint64_t)ts_ns;
	size_t opts, total;
	uint8_t h[28], fl[4];

	if (caplen > MAX_CAPLEN || iface >= w->nif) {
		if (!w->err)
			w->err = EINVAL;
		return -1;
	}
	opts = str_opt_len(comment) + (flags ? opt_len(4) : 0);
	opts += opts ? 4 : 0;
	total = 32 + caplen + pad4(caplen) + opts;
	le32(h, BT_EPB);
	le32(h + 4, (uint32_t)total);
	le32(h + 8, iface);
	le32(h + 12, (uint32_t)(ts >> 32));
	le32(h + 16, (uint32_t)ts);
	le32(h + 20, caplen);
	le32(h + 24, len < caplen ? caplen : len);
	put(w, h, sizeof h);
	put(w, data, caplen);
	put(w, zero, pad4(caplen));
	if (opts) {
		put_str_opt(w, OPT_COMMENT, comment);
		if (flags) {
			le32(fl, flags);
			put_opt(w, EPB_FLAGS, fl, 4);
		}
		put_opt(w, OPT_ENDOFOPT, NULL, 0);
	}
	put32(w, (uint32_t)total);
	return w->err ? -1 : 0;
}

int pcapng_writer_free(struct pcapng_writer *w)
{
	int err;

	if (!w)
		return 0;
	err = w->err;
	free(w);
	return err;
}

uint16_t pcapng_dlt_to_linktype(int dlt)
{
	/* pcap-common.c dlt_to_linktype(): on Linux only raw IP differs among
	 * the link types pktpath reads (DLT_RAW is 12, or 14 on OpenBSD). */
	switch (dlt) {
	case 12:
	case 14:
		return 101; /* LINKTYPE_RAW */
	default:
		return (uint16_t)dlt;
	}
}
