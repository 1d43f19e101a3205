/* span.h - bounds-checked byte cursor over a captured packet.
 *
 * A span holds the bytes captured from the current position (cap) and the
 * bytes the packet had on the wire from there (wire >= cap). Decoders obtain
 * headers only through span_pull(), which refuses to hand out bytes beyond
 * cap, and read fields with the rd_*() helpers at constant offsets below the
 * pulled length. Nothing else in decode_*.c does pointer arithmetic.
 */
#ifndef PKTPATH_SPAN_H
#define PKTPATH_SPAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct span {
	const uint8_t *p; /* current position */
	size_t cap;       /* captured bytes available from p */
	size_t wire;      /* bytes on the wire from p (>= cap) */
};

static inline struct span span_make(const uint8_t *p, size_t caplen, size_t wirelen)
{
	struct span s = {p, caplen, wirelen < caplen ? caplen : wirelen};
	return s;
}

/* Returns a pointer to the next n captured bytes and consumes them, or NULL
 * (consuming nothing) when fewer than n bytes were captured. */
static inline const uint8_t *span_pull(struct span *s, size_t n)
{
	const uint8_t *h;

	if (s->cap < n)
		return NULL;
	h = s->p;
	s->p += n;
	s->cap -= n;
	s->wire -= n; /* wire >= cap >= n */
	return h;
}

/* Consumes n wire bytes (n <= wire) of which only the captured part may be
 * there: a header that snaplen cut short, whose fields past the captured
 * bytes are not needed. */
static inline void span_skip(struct span *s, size_t n)
{
	size_t c = s->cap < n ? s->cap : n;

	s->p += c;
	s->cap -= c;
	s->wire -= n;
}

/* Like span_pull() without consuming. */
static inline const uint8_t *span_peek(const struct span *s, size_t n)
{
	return s->cap < n ? NULL : s->p;
}

/* Limits the span to len wire bytes (an IP total length, a UDP length):
 * link-layer padding beyond it is dropped from both lengths. The caller has
 * checked len against s->wire when a longer claim must be an error. */
static inline void span_trim(struct span *s, size_t len)
{
	s->wire = len;
	if (s->cap > len)
		s->cap = len;
}

static inline uint8_t rd_u8(const uint8_t *p)
{
	return p[0];
}

static inline uint16_t rd_be16(const uint8_t *p)
{
	uint8_t b[2];

	memcpy(b, p, sizeof b);
	return (uint16_t)((unsigned)b[0] << 8 | b[1]);
}

static inline uint32_t rd_be24(const uint8_t *p)
{
	uint8_t b[3];

	memcpy(b, p, sizeof b);
	return (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
}

static inline uint32_t rd_be32(const uint8_t *p)
{
	uint8_t b[4];

	memcpy(b, p, sizeof b);
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static inline uint16_t rd_le16(const uint8_t *p)
{
	uint8_t b[2];

	memcpy(b, p, sizeof b);
	return (uint16_t)((unsigned)b[1] << 8 | b[0]);
}

static inline uint32_t rd_le32(const uint8_t *p)
{
	uint8_t b[4];

	memcpy(b, p, sizeof b);
	return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

#endif
