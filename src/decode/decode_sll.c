/* decode_sll.c - Linux cooked captures: SLL (v1, 16 bytes) and SLL2 (20 bytes).
 * specification: tcpdump.org LINKTYPE_LINUX_SLL and LINKTYPE_LINUX_SLL2,
 * Linux include/uapi/linux/if_packet.h (PACKET_* types).
 */
#include "decode/decode.h"

#define SLL_HLEN        16
#define SLL_OFF_PKTTYPE 0
#define SLL_OFF_HATYPE  2
#define SLL_OFF_PROTO   14

#define SLL2_HLEN        20
#define SLL2_OFF_PROTO   0
#define SLL2_OFF_IFINDEX 4
#define SLL2_OFF_HATYPE  8
#define SLL2_OFF_PKTTYPE 10

/* PACKET_HOST, _BROADCAST, _MULTICAST, _OTHERHOST are received frames;
 * PACKET_OUTGOING was sent by this host. */
#define SLL_PKTTYPE_OUTGOING  4
#define SLL_PKTTYPE_OTHERHOST 3

#define ARPHRD_NETLINK 824
/* Below this the protocol field is a Linux ETH_P_* value (802.2, 802.3,
 * CAN, ...), not an ethertype. */
#define SLL_MIN_ETHERTYPE 0x0600

static uint8_t sll_dir(unsigned pkttype)
{
	if (pkttype == SLL_PKTTYPE_OUTGOING)
		return PP_DIR_OUT;
	if (pkttype <= SLL_PKTTYPE_OTHERHOST)
		return PP_DIR_IN;
	return PP_DIR_UNKNOWN; /* loopback (5), fastroute (6), ... */
}

/* Both versions carry the same protocol semantics. */
static enum pp_reason sll_proto(struct decode_ctx *dc, struct span *s, uint16_t hatype,
                                uint16_t proto)
{
	/* Netlink monitor frames put the netlink family there. */
	if (hatype == ARPHRD_NETLINK)
		return PP_R_LINK_NOT_IP;
	if (proto < SLL_MIN_ETHERTYPE)
		return PP_R_LINK_NOT_IP;
	return decode_ethertype(dc, s, proto);
}

enum pp_reason decode_sll(struct decode_ctx *dc, struct span *s)
{
	const uint8_t *h;
	enum pp_reason r;

	r = decode_enter(dc, PP_L_SLL);
	if (r != PP_OK)
		return r;
	h = span_pull(s, SLL_HLEN);
	if (h == NULL)
		return PP_R_SLL_TRUNCATED;
	dc->obs->dir = sll_dir(rd_be16(h + SLL_OFF_PKTTYPE));
	if (rd_be16(h + SLL_OFF_PKTTYPE) == SLL_PKTTYPE_OTHERHOST)
		dc->obs->flags |= PP_OBS_OTHERHOST;
	return sll_proto(dc, s, rd_be16(h + SLL_OFF_HATYPE), rd_be16(h + SLL_OFF_PROTO));
}

enum pp_reason decode_sll2(struct decode_ctx *dc, struct span *s)
{
	const uint8_t *h;
	enum pp_reason r;

	r = decode_enter(dc, PP_L_SLL2);
	if (r != PP_OK)
		return r;
	h = span_pull(s, SLL2_HLEN);
	if (h == NULL)
		return PP_R_SLL2_TRUNCATED;
	dc->obs->dir = sll_dir(rd_u8(h + SLL2_OFF_PKTTYPE));
	if (rd_u8(h + SLL2_OFF_PKTTYPE) == SLL_PKTTYPE_OTHERHOST)
		dc->obs->flags |= PP_OBS_OTHERHOST;
	/* The capture point of an "-i any" file: resolved later against the
	 * capturing host's snapshot, never against the local machine. */
	dc->obs->ifindex = rd_be32(h + SLL2_OFF_IFINDEX);
	return sll_proto(dc, s, rd_be16(h + SLL2_OFF_HATYPE), rd_be16(h + SLL2_OFF_PROTO));
}
