/* digest.c - payload length, head bytes and digest of the innermost payload.
 *
 * The digest only has to tell payloads apart, fast: it runs on every packet.
 * It reads the payload eight bytes at a time (big-endian words, the tail
 * zero-padded with its length mixed in) through a multiply-xorshift step and
 * folds the 64-bit state to 32 bits.
 */
#include "decode/decode.h"

#define DIGEST_SEED 0x243f6a8885a308d3ULL
#define DIGEST_MUL  0x9e3779b97f4a7c15ULL

static uint64_t digest_step(uint64_t h, uint64_t w)
{
	h ^= w;
	h *= DIGEST_MUL;
	return h ^ (h >> 29);
}

static uint32_t digest_of(const uint8_t *p, size_t n)
{
	struct span s = span_make(p, n, n);
	const uint8_t *w;
	uint64_t h = DIGEST_SEED ^ n;

	while ((w = span_pull(&s, 8)))
		h = digest_step(h, (uint64_t)rd_be32(w) << 32 | rd_be32(w + 4));
	if (s.cap) {
		uint64_t tail = 0;

		for (unsigned i = 0; (w = span_pull(&s, 1)); i++)
			tail |= (uint64_t)rd_u8(w) << (56 - 8 * i);
		h = digest_step(h, tail);
	}
	return (uint32_t)(h ^ (h >> 32));
}

/* s is the payload after the innermost header, already trimmed to the IP
 * and transport lengths, so link padding is never part of it. */
void decode_payload(struct pp_obs *o, const struct span *s)
{
	size_t dn = s->cap < PP_DIGEST_LEN ? s->cap : PP_DIGEST_LEN;
	size_t hn = s->cap < PP_HEAD_LEN ? s->cap : PP_HEAD_LEN;
	const uint8_t *p = dn > 0 ? span_peek(s, dn) : NULL;

	o->payload_len = s->wire > UINT32_MAX ? UINT32_MAX : (uint32_t)s->wire;
	memset(o->head, 0, sizeof o->head);
	if (p != NULL)
		memcpy(o->head, p, hn);
	else
		hn = dn = 0;
	o->head_len = (uint8_t)hn;
	o->digest_len = (uint8_t)dn;
	o->digest = digest_of(p, dn);
	/* Cut by the snaplen: not an error, but the digest covers fewer bytes
	 * and later stages must not compare it with a full one blindly. */
	if (s->cap < s->wire)
		o->flags |= PP_OBS_PAYLOAD_CUT;
	else
		o->flags &= (uint16_t)~PP_OBS_PAYLOAD_CUT;
}
