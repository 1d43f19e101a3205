/* decode_icmp.c - ICMP and ICMPv6: echo identifiers, errors and the header they quote.
 * specification: RFC 792 (ICMP), RFC 1191 (next-hop MTU), RFC 4443
 * (ICMPv6), RFC 8201 (packet too big).
 */
#include "decode/decode.h"

#define ICMP_HLEN      8 /* type, code, checksum and the 4-byte rest of header */
#define ICMP_OFF_TYPE  0
#define ICMP_OFF_CODE  1
#define ICMP_OFF_ID    4
#define ICMP_OFF_SEQ   6
#define ICMP_OFF_MTU16 6 /* RFC 1191: low half of the rest of header */
#define ICMP_OFF_MTU32 4 /* RFC 4443: the whole rest of header */

enum {
	ICMP_ECHOREPLY = 0,
	ICMP_UNREACH = 3,
	ICMP_SOURCEQUENCH = 4,
	ICMP_REDIRECT = 5,
	ICMP_ECHO = 8,
	ICMP_TIMXCEED = 11,
	ICMP_PARAMPROB = 12,
	ICMP_UNREACH_NEEDFRAG = 4, /* code */
};

enum {
	ICMP6_DST_UNREACH = 1,
	ICMP6_PACKET_TOO_BIG = 2,
	ICMP6_TIME_EXCEEDED = 3,
	ICMP6_PARAM_PROB = 4,
	ICMP6_ECHO_REQUEST = 128,
	ICMP6_ECHO_REPLY = 129,
};

enum {
	PROTO_ICMP = 1,
	PROTO_TCP = 6,
	PROTO_UDP = 17,
	PROTO_DCCP = 33,
	PROTO_ICMPV6 = 58,
	PROTO_SCTP = 132,
	PROTO_UDPLITE = 136,
};

#define QIP4_MIN_HLEN  20
#define QIP4_OFF_ID    4
#define QIP4_OFF_FRAG  6
#define QIP4_OFF_PROTO 9
#define QIP4_OFF_SRC   12
#define QIP4_OFF_DST   16
#define QIP4_OFFMASK   0x1fff

#define QIP6_HLEN            40
#define QIP6_OFF_NXT         6
#define QIP6_OFF_SRC         8
#define QIP6_OFF_DST         24
#define QIP6_MAX_EXT_HEADERS 8

#define MTU_MAX 65535u

static int is_echo(uint8_t proto, uint8_t type)
{
	if (proto == PROTO_ICMP)
		return type == ICMP_ECHO || type == ICMP_ECHOREPLY;
	return type == ICMP6_ECHO_REQUEST || type == ICMP6_ECHO_REPLY;
}

/* The first 8 bytes of the quoted transport header (RFC 792 guarantees
 * them for IPv4, RFC 4443 quotes more): ports, then TCP seq or echo seq.
 * A quote cut short fills what is there. */
static void quote_transport(struct pp_obs *o, struct span *q, uint8_t proto)
{
	const uint8_t *h;

	switch (proto) {
	case PROTO_TCP:
	case PROTO_UDP:
	case PROTO_DCCP:
	case PROTO_SCTP:
	case PROTO_UDPLITE:
		/* All of them start with source and destination port. */
		h = span_peek(q, 4);
		if (h == NULL)
			return;
		o->quote.sport = rd_be16(h);
		o->quote.dport = rd_be16(h + 2);
		o->flags |= PP_OBS_QUOTE_PORTS;
		if (proto == PROTO_TCP) {
			h = span_peek(q, 8);
			if (h != NULL)
				o->quote.seq = rd_be32(h + 4);
		}
		return;
	case PROTO_ICMP:
	case PROTO_ICMPV6:
		h = span_peek(q, ICMP_HLEN);
		if (h == NULL)
			return;
		if (is_echo(proto, rd_u8(h))) {
			/* As in the outer record: the echo id plays the port. */
			o->quote.sport = rd_be16(h + ICMP_OFF_ID);
			o->quote.dport = 0;
			o->quote.seq = rd_be16(h + ICMP_OFF_SEQ);
			o->flags |= PP_OBS_QUOTE_PORTS;
		}
		return;
	default:
		return;
	}
}

/* Own bounds-checked code, not decode_ipv4(): that would overwrite the
 * observation of the error itself with the packet it quotes. */
static void quote_ipv4(struct pp_obs *o, struct span q)
{
	const uint8_t *h;
	size_t hlen;

	h = span_peek(&q, QIP4_MIN_HLEN);
	if (h == NULL || rd_u8(h) >> 4 != 4)
		return;
	hlen = (size_t)(rd_u8(h) & 0x0f) * 4;
	if (hlen < QIP4_MIN_HLEN)
		return;
	addr_set_v4(&o->quote.src, h + QIP4_OFF_SRC);
	addr_set_v4(&o->quote.dst, h + QIP4_OFF_DST);
	o->quote.proto = rd_u8(h + QIP4_OFF_PROTO);
	o->quote.ip_id = rd_be16(h + QIP4_OFF_ID);
	if (rd_be16(h + QIP4_OFF_FRAG) & QIP4_OFFMASK)
		return; /* a later fragment quotes no transport header */
	if (span_pull(&q, hlen) == NULL)
		return;
	quote_transport(o, &q, o->quote.proto);
}

static void quote_ipv6(struct pp_obs *o, struct span q)
{
	const uint8_t *h;
	size_t len;
	uint8_t nxt;

	h = span_peek(&q, QIP6_HLEN);
	if (h == NULL || rd_u8(h) >> 4 != 6)
		return;
	addr_set_v6(&o->quote.src, h + QIP6_OFF_SRC);
	addr_set_v6(&o->quote.dst, h + QIP6_OFF_DST);
	nxt = rd_u8(h + QIP6_OFF_NXT);
	o->quote.proto = nxt;
	span_pull(&q, QIP6_HLEN);
	for (unsigned n = 0; n < QIP6_MAX_EXT_HEADERS; n++) {
		switch (nxt) {
		case 0:  /* Hop-by-Hop */
		case 43: /* Routing */
		case 60: /* Destination Options */
			h = span_peek(&q, 2);
			if (h == NULL)
				return;
			len = ((size_t)rd_u8(h + 1) + 1) * 8;
			break;
		case 51: /* AH */
			h = span_peek(&q, 2);
			if (h == NULL)
				return;
			len = ((size_t)rd_u8(h + 1) + 2) * 4;
			break;
		case 44: /* Fragment */
			h = span_peek(&q, 8);
			if (h == NULL)
				return;
			o->quote.ip_id = rd_be32(h + 4);
			if (rd_be16(h + 2) >> 3 != 0) {
				o->quote.proto = rd_u8(h);
				return;
			}
			len = 8;
			break;
		default:
			quote_transport(o, &q, nxt);
			return;
		}
		nxt = rd_u8(h);
		o->quote.proto = nxt;
		if (span_pull(&q, len) == NULL)
			return;
	}
}

/* Echo: the identifier is the "port" that NAT rewrites, the sequence
 * number stays. */
static void echo_fields(struct pp_obs *o, const uint8_t *h)
{
	o->sport = rd_be16(h + ICMP_OFF_ID);
	o->dport = 0;
	o->seq = rd_be16(h + ICMP_OFF_SEQ);
	o->flags |= PP_OBS_PORTS;
}

enum pp_reason decode_icmp(struct decode_ctx *dc, struct span *s)
{
	struct pp_obs *o = dc->obs;
	const uint8_t *h;
	enum pp_reason r;

	r = decode_enter(dc, PP_L_ICMP);
	if (r != PP_OK)
		return r;
	h = span_pull(s, ICMP_HLEN);
	if (h == NULL)
		return PP_R_ICMP_TRUNCATED;
	o->icmp_type = rd_u8(h + ICMP_OFF_TYPE);
	o->icmp_code = rd_u8(h + ICMP_OFF_CODE);
	switch (o->icmp_type) {
	case ICMP_ECHO:
	case ICMP_ECHOREPLY:
		echo_fields(o, h);
		break;
	case ICMP_UNREACH:
		if (o->icmp_code == ICMP_UNREACH_NEEDFRAG)
			o->mtu = rd_be16(h + ICMP_OFF_MTU16);
		/* fall through */
	case ICMP_SOURCEQUENCH:
	case ICMP_REDIRECT:
	case ICMP_TIMXCEED:
	case ICMP_PARAMPROB:
		o->flags |= PP_OBS_ICMP_ERROR;
		quote_ipv4(o, *s);
		break;
	default:
		break;
	}
	decode_payload(o, s);
	return PP_OK;
}

enum pp_reason decode_icmp6(struct decode_ctx *dc, struct span *s)
{
	struct pp_obs *o = dc->obs;
	const uint8_t *h;
	uint32_t mtu;
	enum pp_reason r;

	r = decode_enter(dc, PP_L_ICMP6);
	if (r != PP_OK)
		return r;
	h = span_pull(s, ICMP_HLEN);
	if (h == NULL)
		return PP_R_ICMP6_TRUNCATED;
	o->icmp_type = rd_u8(h + ICMP_OFF_TYPE);
	o->icmp_code = rd_u8(h + ICMP_OFF_CODE);
	switch (o->icmp_type) {
	case ICMP6_ECHO_REQUEST:
	case ICMP6_ECHO_REPLY:
		echo_fields(o, h);
		break;
	case ICMP6_PACKET_TOO_BIG:
		mtu = rd_be32(h + ICMP_OFF_MTU32);
		o->mtu = (uint16_t)(mtu > MTU_MAX ? MTU_MAX : mtu);
		/* fall through */
	case ICMP6_DST_UNREACH:
	case ICMP6_TIME_EXCEEDED:
	case ICMP6_PARAM_PROB:
		o->flags |= PP_OBS_ICMP_ERROR;
		quote_ipv6(o, *s);
		break;
	default:
		break;
	}
	decode_payload(o, s);
	return PP_OK;
}
