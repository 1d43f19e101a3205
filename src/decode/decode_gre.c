/* decode_gre.c - GRE header, optional checksum/key/sequence, inner protocol.
 * specification: RFC 2784 (GRE), RFC 2890 (key and sequence number),
 * RFC 1701 (routing bit, refused), RFC 2637 (version 1, PPTP, refused).
 */
#include "decode/decode.h"

#define GRE_HLEN      4
#define GRE_OFF_FLAGS 0
#define GRE_OFF_PROTO 2
#define GRE_OPT_LEN   4 /* checksum+reserved1, key, sequence: 4 bytes each */

#define GRE_C       0x8000
#define GRE_R       0x4000
#define GRE_K       0x2000
#define GRE_S       0x1000
#define GRE_VERSION 0x0007

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_TEB  0x6558

enum pp_reason decode_gre(struct decode_ctx *dc, struct span *s)
{
	const uint8_t *h, *k;
	uint16_t flags, proto;
	uint32_t key = 0;
	enum pp_reason r;

	h = span_pull(s, GRE_HLEN);
	if (h == NULL)
		return PP_R_GRE_TRUNCATED;
	flags = rd_be16(h + GRE_OFF_FLAGS);
	proto = rd_be16(h + GRE_OFF_PROTO);
	if ((flags & GRE_VERSION) != 0)
		return PP_R_GRE_UNSUPPORTED_VERSION;
	/* Source routing changes the header layout, and Linux drops such
	 * packets (ip_gre refuses GRE_ROUTING): they cross no container path. */
	if (flags & GRE_R)
		return PP_R_GRE_UNSUPPORTED_ROUTING;
	if ((flags & GRE_C) && span_pull(s, GRE_OPT_LEN) == NULL)
		return PP_R_GRE_TRUNCATED;
	if (flags & GRE_K) {
		k = span_pull(s, GRE_OPT_LEN);
		if (k == NULL)
			return PP_R_GRE_TRUNCATED;
		key = rd_be32(k);
	}
	if ((flags & GRE_S) && span_pull(s, GRE_OPT_LEN) == NULL)
		return PP_R_GRE_TRUNCATED;
	/* Only what ends in an IP packet: ERSPAN, WCCP, MPLS, ... do not. */
	if (proto != ETHERTYPE_IPV4 && proto != ETHERTYPE_IPV6 && proto != ETHERTYPE_TEB)
		return PP_R_GRE_UNSUPPORTED_PROTO;
	r = decode_tunnel(dc, s, proto == ETHERTYPE_TEB, PP_L_GRE, PP_TUN_GRE, key);
	if (r != PP_OK)
		return r;
	return decode_ethertype(dc, s, proto);
}
