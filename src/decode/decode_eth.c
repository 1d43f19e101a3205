/* decode_eth.c - Ethernet II frames and 802.1Q / 802.1ad (QinQ) VLAN tags.
 * specification: IEEE 802.3 clause 3 (type/length field), IEEE 802.1Q-2018
 * (C-tag 0x8100, S-tag 0x88a8).
 */
#include "decode/decode.h"

#define ETH_HLEN      14
#define ETH_OFF_DST   0
#define ETH_OFF_SRC   6
#define ETH_OFF_TYPE  12
#define VLAN_HLEN     4
#define VLAN_OFF_TYPE 2
/* Values below 0x0600 are an 802.3 length, and the frame carries LLC. */
#define ETH_MIN_ETHERTYPE 0x0600

enum pp_reason decode_eth(struct decode_ctx *dc, struct span *s)
{
	const uint8_t *h;
	uint16_t type;
	enum pp_reason r;

	r = decode_enter(dc, PP_L_ETH);
	if (r != PP_OK)
		return r;
	h = span_pull(s, ETH_HLEN);
	if (h == NULL)
		return PP_R_ETH_TRUNCATED;
	/* The tag limit is per Ethernet header: an inner frame after VXLAN may
	 * carry its own tags. */
	dc->vlan_tags = 0;
	/* The outermost addresses tell a bridge's promiscuous copies from
	 * frames it really received or sent (analysis.c). */
	if (!(dc->obs->flags & PP_OBS_MAC)) {
		memcpy(dc->obs->mac_dst, h + ETH_OFF_DST, 6);
		memcpy(dc->obs->mac_src, h + ETH_OFF_SRC, 6);
		dc->obs->flags |= PP_OBS_MAC;
	}
	type = rd_be16(h + ETH_OFF_TYPE);
	if (type < ETH_MIN_ETHERTYPE)
		return PP_R_LINK_NOT_IP;
	return decode_ethertype(dc, s, type);
}

enum pp_reason decode_vlan(struct decode_ctx *dc, struct span *s)
{
	const uint8_t *h;
	uint16_t type;
	enum pp_reason r;

	if (dc->vlan_tags >= DECODE_MAX_VLAN_TAGS)
		return PP_R_VLAN_TOO_MANY_TAGS;
	r = decode_enter(dc, PP_L_VLAN);
	if (r != PP_OK)
		return r;
	h = span_pull(s, VLAN_HLEN);
	if (h == NULL)
		return PP_R_VLAN_TRUNCATED;
	dc->vlan_tags++;
	type = rd_be16(h + VLAN_OFF_TYPE);
	if (type < ETH_MIN_ETHERTYPE)
		return PP_R_LINK_NOT_IP;
	return decode_ethertype(dc, s, type);
}
