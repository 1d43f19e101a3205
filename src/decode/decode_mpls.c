/* decode_mpls.c - an MPLS label stack and the IP packet under it.
 * specification: RFC 3032 (label stack encoding), RFC 4928 (the first
 * nibble after the stack tells IPv4 from IPv6 where no control word is used).
 *
 * Labels are pushed and popped along the path, so they are no part of a
 * packet's identity: the stack is skipped and the IP packet decoded as if the
 * frame carried it directly.
 */
#include "decode/decode.h"

#define MPLS_LSE_LEN 4
#define MPLS_OFF_BOS 2
#define MPLS_BOS_BIT 0x01

enum pp_reason decode_mpls(struct decode_ctx *dc, struct span *s)
{
	const uint8_t *h;
	enum pp_reason r;

	r = decode_enter(dc, PP_L_MPLS);
	if (r != PP_OK)
		return r;
	for (unsigned n = 0;; n++) {
		if (n == DECODE_MAX_MPLS_LABELS)
			return PP_R_MPLS_TOO_MANY_LABELS;
		h = span_pull(s, MPLS_LSE_LEN);
		if (h == NULL)
			return PP_R_MPLS_TRUNCATED;
		if (rd_u8(h + MPLS_OFF_BOS) & MPLS_BOS_BIT)
			break;
	}
	h = span_peek(s, 1);
	if (h == NULL)
		return PP_R_MPLS_TRUNCATED;
	switch (rd_u8(h) >> 4) {
	case 4:
		return decode_ipv4(dc, s);
	case 6:
		return decode_ipv6(dc, s);
	default:
		/* a pseudowire (Ethernet with a control word) or another payload */
		return PP_R_MPLS_NOT_IP;
	}
}
