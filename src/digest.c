/* digest.c - payload length, head bytes and digest of the innermost payload.
 * specification: FNV-1a 32-bit (Fowler/Noll/Vo, draft-eastlake-fnv).
 */
#include "pktpath/decode.h"

#define FNV32_OFFSET 0x811c9dc5u
#define FNV32_PRIME  0x01000193u

/* s is the payload after the innermost header, already trimmed to the IP
 * and transport lengths, so link padding is never part of it. */
void decode_payload(struct pp_obs *o, const struct span *s)
{
	size_t dn = s->cap < PP_DIGEST_LEN ? s->cap : PP_DIGEST_LEN;
	size_t hn = s->cap < PP_HEAD_LEN ? s->cap : PP_HEAD_LEN;
	const uint8_t *p = dn > 0 ? span_peek(s, dn) : NULL;
	uint32_t h = FNV32_OFFSET;

	o->payload_len = s->wire > UINT32_MAX ? UINT32_MAX : (uint32_t)s->wire;
	memset(o->head, 0, sizeof o->head);
	if (p != NULL) {
		memcpy(o->head, p, hn);
		for (size_t i = 0; i < dn; i++) {
			h ^= p[i];
			h *= FNV32_PRIME;
		}
	} else {
		hn = dn = 0;
	}
	o->head_len = (uint8_t)hn;
	o->digest_len = (uint8_t)dn;
	o->digest = h;
	/* Cut by the snaplen: not an error, but the digest covers fewer bytes
	 * and later stages must not compare it with a full one blindly. */
	if (s->cap < s->wire)
		o->flags |= PP_OBS_PAYLOAD_CUT;
	else
		o->flags &= (uint16_t)~PP_OBS_PAYLOAD_CUT;
}
