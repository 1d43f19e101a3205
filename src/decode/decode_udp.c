/* decode_udp.c - UDP header and length checks; tunnel ports go to decode.c.
 * specification: RFC 768 (UDP), RFC 2675 section 4 (UDP length 0 in
 * jumbograms).
 */
#include "decode/decode.h"

#define UDP_HLEN      8
#define UDP_OFF_SPORT 0
#define UDP_OFF_DPORT 2
#define UDP_OFF_LEN   4

enum pp_reason decode_udp(struct decode_ctx *dc, struct span *s)
{
	struct pp_obs *o = dc->obs;
	const uint8_t *h;
	size_t ulen;
	enum pp_reason r;

	r = decode_enter(dc, PP_L_UDP);
	if (r != PP_OK)
		return r;
	h = span_pull(s, UDP_HLEN);
	if (h == NULL)
		return PP_R_UDP_TRUNCATED;
	o->sport = rd_be16(h + UDP_OFF_SPORT);
	o->dport = rd_be16(h + UDP_OFF_DPORT);
	o->flags |= PP_OBS_PORTS;
	ulen = rd_be16(h + UDP_OFF_LEN);

	if (ulen == 0 && (o->flags & PP_OBS_BIG_TCP)) {
		/* Jumbogram or GSO super-packet of a UDP tunnel: the length does
		 * not fit 16 bits, the IP length already bounds the span. */
	} else if (ulen < UDP_HLEN) {
		return PP_R_UDP_BAD_LEN;
	} else if (ulen - UDP_HLEN > s->wire) {
		/* A first fragment holds only the start of the datagram. */
		if (!(o->flags & PP_OBS_FRAG))
			return PP_R_UDP_BAD_LEN;
	} else {
		span_trim(s, ulen - UDP_HLEN);
	}

	/* Only a whole datagram can hold a whole tunnelled packet. A first
	 * fragment keeps the datagram's payload length, as its UDP length
	 * says, in ack (unused by UDP): a node that reassembles forwarded
	 * fragments (conntrack) shows the same datagram whole (match.c). */
	if (o->flags & PP_OBS_FRAG) {
		decode_payload(o, s);
		o->ack = ulen >= UDP_HLEN ? (uint32_t)(ulen - UDP_HLEN) : 0;
		return PP_OK;
	}
	return decode_udp_payload(dc, s, o->sport, o->dport);
}
