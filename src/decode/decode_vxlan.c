/* decode_vxlan.c - VXLAN header (I flag, VNI) and its inner Ethernet frame.
 * specification: RFC 7348 (VXLAN).
 */
#include "decode/decode.h"

#define VXLAN_HLEN      8
#define VXLAN_OFF_FLAGS 0
#define VXLAN_OFF_VNI   4
#define VXLAN_FLAG_I    0x08

enum pp_reason decode_vxlan(struct decode_ctx *dc, struct span *s)
{
	const uint8_t *h;
	enum pp_reason r;

	h = span_pull(s, VXLAN_HLEN);
	if (h == NULL)
		return PP_R_VXLAN_TRUNCATED;
	/* RFC 7348: the I flag must be set for a valid VNI; without it the
	 * datagram on this port is something else. Reserved bits are ignored
	 * as the RFC asks (GBP and GPE extensions use some of them). */
	if (!(rd_u8(h + VXLAN_OFF_FLAGS) & VXLAN_FLAG_I))
		return PP_R_VXLAN_BAD_FLAGS;
	r = decode_tunnel(dc, s, true, PP_L_VXLAN, PP_TUN_VXLAN, rd_be24(h + VXLAN_OFF_VNI));
	if (r != PP_OK)
		return r;
	return decode_eth(dc, s);
}
