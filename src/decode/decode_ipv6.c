/* decode_ipv6.c - IPv6 header, extension-header chain, fragment header, jumbograms.
 * specification: RFC 8200 (IPv6), RFC 2675 (jumbograms), RFC 4302 (AH
 * length), Linux BIG TCP for IPv6 (payload length 0 without Hop-by-Hop).
 */
#include "decode/decode.h"

#define IPV6_HLEN     40
#define IPV6_OFF_VER  0
#define IPV6_OFF_PLEN 4
#define IPV6_OFF_NXT  6
#define IPV6_OFF_HLIM 7
#define IPV6_OFF_SRC  8
#define IPV6_OFF_DST  24

enum {
	NH_HOPOPTS = 0,
	NH_ROUTING = 43,
	NH_FRAGMENT = 44,
	NH_AH = 51,
	NH_DSTOPTS = 60,
	NH_TCP = 6,
	NH_UDP = 17,
};

#define EXT_OFF_NXT    0
#define EXT_OFF_LEN    1
#define FRAG_HLEN      8
#define FRAG_OFF_OFFLG 2
#define FRAG_OFF_ID    4

#define OPT_PAD1      0x00
#define OPT_JUMBO     0xc2
#define OPT_JUMBO_LEN 4
#define IPV6_MAX_PLEN 65535u

/* Real chains have two or three headers; a longer one is an attack on the
 * decoder, not traffic worth matching. */
#define IPV6_MAX_EXT_HEADERS 8

/* Finds the Jumbo Payload option in the Hop-by-Hop header at the start of
 * s (payload length was 0). Returns PP_OK with *jumbo set, or the reason. */
static enum pp_reason hbh_jumbo(const struct span *s, size_t *jumbo)
{
	struct span opts = *s;
	const uint8_t *h, *t, *l, *v;
	size_t len;
	int seen = 0;

	h = span_peek(&opts, 2);
	if (h == NULL)
		return PP_R_IPV6_EXT_TRUNCATED;
	len = ((size_t)rd_u8(h + EXT_OFF_LEN) + 1) * 8;
	if (len > opts.wire || span_peek(&opts, len) == NULL)
		return PP_R_IPV6_EXT_TRUNCATED;
	span_trim(&opts, len);
	span_pull(&opts, 2);
	while (opts.cap > 0) {
		t = span_pull(&opts, 1);
		if (rd_u8(t) == OPT_PAD1)
			continue;
		l = span_pull(&opts, 1);
		if (l == NULL)
			return PP_R_IPV6_BAD_JUMBO;
		v = span_peek(&opts, rd_u8(l));
		if (v == NULL)
			return PP_R_IPV6_BAD_JUMBO; /* option overruns its header */
		if (rd_u8(t) == OPT_JUMBO) {
			/* RFC 2675: exactly one, four bytes, and only for what
			 * a 16-bit payload length could not say. */
			if (seen || rd_u8(l) != OPT_JUMBO_LEN)
				return PP_R_IPV6_BAD_JUMBO;
			*jumbo = rd_be32(v);
			seen = 1;
		}
		if (rd_u8(l) > 0)
			span_pull(&opts, rd_u8(l));
	}
	if (!seen || *jumbo <= IPV6_MAX_PLEN)
		return PP_R_IPV6_BAD_JUMBO;
	return PP_OK;
}

enum pp_reason decode_ipv6(struct decode_ctx *dc, struct span *s)
{
	struct pp_obs *o = dc->obs;
	const uint8_t *h, *e;
	size_t plen, len;
	uint8_t nxt;
	uint16_t offlg;
	enum pp_reason r;

	r = decode_enter(dc, PP_L_IPV6);
	if (r != PP_OK)
		return r;
	h = span_pull(s, IPV6_HLEN);
	if (h == NULL)
		return PP_R_IPV6_TRUNCATED;
	if (rd_u8(h + IPV6_OFF_VER) >> 4 != 6)
		return PP_R_IPV6_BAD_VERSION;
	plen = rd_be16(h + IPV6_OFF_PLEN);
	nxt = rd_u8(h + IPV6_OFF_NXT);

	if (plen == 0 && nxt == NH_HOPOPTS) {
		/* RFC 2675 jumbogram: the length is in the Hop-by-Hop option. */
		r = hbh_jumbo(s, &plen);
		if (r != PP_OK)
			return r;
		if (plen > s->wire)
			return PP_R_IPV6_BAD_JUMBO;
		o->flags |= PP_OBS_BIG_TCP;
	} else if (plen == 0 && (nxt == NH_TCP || nxt == NH_UDP) && s->wire > IPV6_MAX_PLEN) {
		/* Kernel quirk: Linux BIG TCP for IPv6 no longer inserts the
		 * Hop-by-Hop jumbo header and leaves payload length 0 on
		 * super-packets (TCP, or the UDP of a tunnel) captured on the
		 * sending host; the frame length is the truth. Below 64 KiB a
		 * payload length 0 means what it says (Wireshark's
		 * ipv6.tso_support is off by default for the same reason). */
		plen = s->wire;
		o->flags |= PP_OBS_BIG_TCP;
	}
	if (plen > s->wire)
		return PP_R_IPV6_BAD_PAYLOAD_LEN;
	span_trim(s, plen);

	o->family = 6;
	addr_set_v6(&o->src, h + IPV6_OFF_SRC);
	addr_set_v6(&o->dst, h + IPV6_OFF_DST);
	o->ttl = rd_u8(h + IPV6_OFF_HLIM);
	o->ip_len = plen > UINT32_MAX - IPV6_HLEN ? UINT32_MAX : (uint32_t)(plen + IPV6_HLEN);

	for (unsigned n = 0;; n++) {
		if (nxt != NH_HOPOPTS && nxt != NH_ROUTING && nxt != NH_DSTOPTS && nxt != NH_AH &&
		    nxt != NH_FRAGMENT)
			break;
		if (n >= IPV6_MAX_EXT_HEADERS)
			return PP_R_TOO_MANY_LAYERS;
		e = span_peek(s, 2);
		if (e == NULL)
			return PP_R_IPV6_EXT_TRUNCATED;
		if (nxt == NH_FRAGMENT)
			len = FRAG_HLEN;
		else if (nxt == NH_AH)
			len = ((size_t)rd_u8(e + EXT_OFF_LEN) + 2) * 4; /* RFC 4302: 32-bit words */
		else
			len = ((size_t)rd_u8(e + EXT_OFF_LEN) + 1) * 8;
		if (len > s->wire)
			return PP_R_IPV6_EXT_TRUNCATED;
		e = span_pull(s, len);
		if (e == NULL)
			return PP_R_IPV6_EXT_TRUNCATED;
		if (nxt == NH_FRAGMENT) {
			nxt = rd_u8(e + EXT_OFF_NXT);
			offlg = rd_be16(e + FRAG_OFF_OFFLG);
			r = decode_enter(dc, PP_L_FRAGMENT);
			if (r != PP_OK)
				return r;
			/* IPv6 has no IP ID; the fragment identification is the
			 * one field that plays its role. */
			o->ip_id = rd_be32(e + FRAG_OFF_ID);
			o->flags |= PP_OBS_IPID | PP_OBS_FRAG;
			o->frag_off = offlg >> 3;
			o->proto = nxt;
			if (o->frag_off != 0) {
				o->flags |= PP_OBS_FRAG_LATER;
				decode_payload(o, s);
				return PP_OK;
			}
			continue;
		}
		nxt = rd_u8(e + EXT_OFF_NXT);
	}
	return decode_ipproto(dc, s, nxt);
}
