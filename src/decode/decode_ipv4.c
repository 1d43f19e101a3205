/* decode_ipv4.c - IPv4 header: checks, trim to total length, fragments, TSO length 0.
 * specification: RFC 791 (IPv4), RFC 6864 (IPv4 ID), Linux BIG TCP for IPv4
 * (Linux 6.3, iph_set_totlen()), Wireshark ip.tso_support for length 0.
 */
#include "decode/decode.h"

#define IPV4_MIN_HLEN  20
#define IPV4_OFF_VHL   0
#define IPV4_OFF_LEN   2
#define IPV4_OFF_ID    4
#define IPV4_OFF_FRAG  6
#define IPV4_OFF_TTL   8
#define IPV4_OFF_PROTO 9
#define IPV4_OFF_SRC   12
#define IPV4_OFF_DST   16

#define IPV4_DF      0x4000
#define IPV4_MF      0x2000
#define IPV4_OFFMASK 0x1fff

enum { PROTO_TCP = 6, PROTO_UDP = 17 };

enum pp_reason decode_ipv4(struct decode_ctx *dc, struct span *s)
{
	struct pp_obs *o = dc->obs;
	const uint8_t *h;
	size_t hlen, total;
	uint16_t frag;
	uint8_t proto;
	enum pp_reason r;

	r = decode_enter(dc, PP_L_IPV4);
	if (r != PP_OK)
		return r;
	h = span_peek(s, IPV4_MIN_HLEN);
	if (h == NULL)
		return PP_R_IPV4_TRUNCATED;
	if (rd_u8(h + IPV4_OFF_VHL) >> 4 != 4)
		return PP_R_IPV4_BAD_VERSION;
	hlen = (size_t)(rd_u8(h + IPV4_OFF_VHL) & 0x0f) * 4;
	if (hlen < IPV4_MIN_HLEN)
		return PP_R_IPV4_BAD_HLEN;
	total = rd_be16(h + IPV4_OFF_LEN);
	proto = rd_u8(h + IPV4_OFF_PROTO);
	if (total == 0 && (proto == PROTO_TCP || proto == PROTO_UDP)) {
		/* Kernel quirk: a TSO/GSO super-packet captured on the sending
		 * host before segmentation can carry total length 0: Linux BIG
		 * TCP writes 0 when the length exceeds 16 bits (also on the outer
		 * UDP header of a tunnel), and TSO stacks that let the NIC fill
		 * the length leave 0 at any size. The frame length is the truth.
		 * Only TCP and UDP are segmented that way. */
		total = s->wire;
		o->flags |= PP_OBS_BIG_TCP;
	}
	if (total < hlen)
		return PP_R_IPV4_BAD_TOTAL_LEN;
	if (total > s->wire)
		return PP_R_IPV4_BAD_TOTAL_LEN;
	/* Ethernet pads short frames to 60 bytes: the padding is not payload. */
	span_trim(s, total);
	h = span_pull(s, hlen);
	if (h == NULL)
		return PP_R_IPV4_TRUNCATED; /* options not captured */

	o->family = 4;
	addr_set_v4(&o->src, h + IPV4_OFF_SRC);
	addr_set_v4(&o->dst, h + IPV4_OFF_DST);
	o->ttl = rd_u8(h + IPV4_OFF_TTL);
	o->proto = proto;
	o->ip_id = rd_be16(h + IPV4_OFF_ID);
	o->ip_len = total > UINT32_MAX ? UINT32_MAX : (uint32_t)total;
	o->flags |= PP_OBS_IPID;
	frag = rd_be16(h + IPV4_OFF_FRAG);
	if (frag & IPV4_DF)
		o->flags |= PP_OBS_DF;
	if (frag & (IPV4_MF | IPV4_OFFMASK)) {
		r = decode_enter(dc, PP_L_FRAGMENT);
		if (r != PP_OK)
			return r;
		o->flags |= PP_OBS_FRAG;
		o->frag_off = frag & IPV4_OFFMASK;
		if (o->frag_off != 0) {
			/* No transport header here: the fragment's bytes are the
			 * payload, matched by IP ID, offset and digest. */
			o->flags |= PP_OBS_FRAG_LATER;
			decode_payload(o, s);
			return PP_OK;
		}
	}
	return decode_ipproto(dc, s, o->proto);
}
