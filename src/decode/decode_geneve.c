/* decode_geneve.c - Geneve header, option length, inner protocol.
 * specification: RFC 8926 (Geneve).
 */
#include "decode/decode.h"

#define GENEVE_HLEN           8
#define GENEVE_OFF_VER_OPTLEN 0
#define GENEVE_OFF_PROTO      2
#define GENEVE_OFF_VNI        4
#define GENEVE_OPTLEN_MASK    0x3f

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_TEB  0x6558

enum pp_reason decode_geneve(struct decode_ctx *dc, struct span *s)
{
	const uint8_t *h;
	size_t optlen;
	uint16_t proto;
	enum pp_reason r;

	h = span_pull(s, GENEVE_HLEN);
	if (h == NULL)
		return PP_R_GENEVE_TRUNCATED;
	if (rd_u8(h + GENEVE_OFF_VER_OPTLEN) >> 6 != 0)
		return PP_R_GENEVE_BAD_VERSION;
	/* Options are counted in 4-byte words, excluding the fixed header. */
	optlen = (size_t)(rd_u8(h + GENEVE_OFF_VER_OPTLEN) & GENEVE_OPTLEN_MASK) * 4;
	if (optlen > s->wire)
		return PP_R_GENEVE_BAD_OPTLEN;
	if (optlen > 0 && span_pull(s, optlen) == NULL)
		return PP_R_GENEVE_TRUNCATED;
	proto = rd_be16(h + GENEVE_OFF_PROTO);
	if (proto != ETHERTYPE_TEB && proto != ETHERTYPE_IPV4 && proto != ETHERTYPE_IPV6)
		return PP_R_GENEVE_UNSUPPORTED_PROTO;
	r = decode_tunnel(dc, s, proto == ETHERTYPE_TEB, PP_L_GENEVE, PP_TUN_GENEVE,
	                  rd_be24(h + GENEVE_OFF_VNI));
	if (r != PP_OK)
		return r;
	/* 0x6558 is Ethernet, the IP ethertypes carry IP directly. */
	return decode_ethertype(dc, s, proto);
}
