/* decode_tcp.c - TCP header: ports, sequence numbers, flags, data offset, payload.
 * specification: RFC 9293 (TCP).
 */
#include "decode/decode.h"

#define TCP_MIN_HLEN  20
#define TCP_OFF_SPORT 0
#define TCP_OFF_DPORT 2
#define TCP_OFF_SEQ   4
#define TCP_OFF_ACK   8
#define TCP_OFF_DOFF  12
#define TCP_OFF_FLAGS 13

enum pp_reason decode_tcp(struct decode_ctx *dc, struct span *s)
{
	struct pp_obs *o = dc->obs;
	const uint8_t *h;
	size_t hlen;
	enum pp_reason r;

	r = decode_enter(dc, PP_L_TCP);
	if (r != PP_OK)
		return r;
	h = span_peek(s, TCP_MIN_HLEN);
	if (h == NULL)
		return PP_R_TCP_TRUNCATED;
	hlen = (size_t)(rd_u8(h + TCP_OFF_DOFF) >> 4) * 4;
	if (hlen < TCP_MIN_HLEN)
		return PP_R_TCP_BAD_DATA_OFFSET;
	/* A header longer than the segment cannot be cured by a larger snaplen. */
	if (hlen > s->wire)
		return PP_R_TCP_BAD_DATA_OFFSET;
	/* Options cut by the snaplen (a -s 128 capture of a VXLAN-wrapped SYN):
	 * the fixed header holds all that matching needs, so the segment is
	 * kept; its payload is then not captured at all. */
	h = span_pull(s, TCP_MIN_HLEN);
	span_skip(s, hlen - TCP_MIN_HLEN);

	o->sport = rd_be16(h + TCP_OFF_SPORT);
	o->dport = rd_be16(h + TCP_OFF_DPORT);
	o->seq = rd_be32(h + TCP_OFF_SEQ);
	o->ack = rd_be32(h + TCP_OFF_ACK);
	o->tcp_flags = rd_u8(h + TCP_OFF_FLAGS);
	o->flags |= PP_OBS_PORTS;
	decode_payload(o, s);
	return PP_OK;
}
