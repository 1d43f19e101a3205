/* decode_loopback.c - BSD loopback (DLT_NULL, DLT_LOOP) and raw IP link types.
 * specification: tcpdump.org LINKTYPE_NULL, LINKTYPE_LOOP, LINKTYPE_RAW.
 */
#include "decode/decode.h"

#define LOOP_HLEN 4

/* AF_INET is 2 everywhere; AF_INET6 differs: 24 (NetBSD, OpenBSD, BSD/OS),
 * 28 (FreeBSD, DragonFly), 30 (macOS). */
#define BSD_AF_INET          2
#define BSD_AF_INET6_BSD     24
#define BSD_AF_INET6_FREEBSD 28
#define BSD_AF_INET6_DARWIN  30

enum pp_reason decode_loopback(struct decode_ctx *dc, struct span *s, int dlt)
{
	const uint8_t *h;
	uint32_t family;
	enum pp_reason r;

	r = decode_enter(dc, PP_L_LOOPBACK);
	if (r != PP_OK)
		return r;
	h = span_pull(s, LOOP_HLEN);
	if (h == NULL)
		return PP_R_LOOPBACK_TRUNCATED;
	if (dlt == DECODE_DLT_LOOP) {
		family = rd_be32(h);
	} else {
		/* DLT_NULL stores the family in the byte order of the machine that
		 * captured, which the file does not record: the values are small,
		 * so the order that leaves the high half zero is the right one. */
		family = rd_le32(h);
		if ((family & 0xffff0000u) != 0)
			family = rd_be32(h);
	}
	switch (family) {
	case BSD_AF_INET:
		return decode_ipv4(dc, s);
	case BSD_AF_INET6_BSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		return decode_ipv6(dc, s);
	default:
		return PP_R_LOOPBACK_UNKNOWN_FAMILY;
	}
}

enum pp_reason decode_raw(struct decode_ctx *dc, struct span *s)
{
	const uint8_t *h;
	enum pp_reason r;

	r = decode_enter(dc, PP_L_RAW);
	if (r != PP_OK)
		return r;
	/* No link header: the version nibble is all there is to go by. */
	h = span_peek(s, 1);
	if (h == NULL)
		return PP_R_RAW_TRUNCATED;
	switch (rd_u8(h) >> 4) {
	case 4:
		return decode_ipv4(dc, s);
	case 6:
		return decode_ipv6(dc, s);
	default:
		return PP_R_RAW_BAD_VERSION;
	}
}
