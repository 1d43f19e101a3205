/* fuzz_decode.c - libFuzzer target over decode_frame(), every link type.
 *
 * Input layout:
 *   [0]     link type: index into dlts[] modulo its size; 0xff: the DLT
 *           given by [3] (mostly unsupported ones, which must say so)
 *   [1..2]  bytes on the wire beyond the captured ones, big-endian
 *           (0xffff: a 64 KiB+ BIG TCP sized frame)
 *   [3]     bit 0: add UDP 4790 as VXLAN and 6082 as Geneve (the
 *           --vxlan-port/--geneve-port path); bits 1..7 with [0] == 0xff:
 *           the link type
 *   [4..]   the frame
 * The frame is decoded from an exactly sized heap copy, so ASan sees any
 * read past caplen. Beyond not crashing, a decoded observation must be
 * self-consistent (checked below); failing that aborts. PP_FUZZ_DEBUG=1
 * prints the result of each input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"

#include "fuzz.h"

static const int dlts[] = {
    DECODE_DLT_NULL, DECODE_DLT_EN10MB,     DECODE_DLT_RAW,          DECODE_DLT_RAW_ALT,
    DECODE_DLT_LOOP, DECODE_DLT_LINUX_SLL,  DECODE_DLT_RAW_LINKTYPE, DECODE_DLT_IPV4,
    DECODE_DLT_IPV6, DECODE_DLT_LINUX_SLL2,
};
#define NDLTS (sizeof dlts / sizeof dlts[0])

#define EXPECT(cond)                                                                               \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_decode: dlt %d caplen %zu wire %zu: %s\n", dlt,      \
			        caplen, wire, #cond);                                              \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decode_cfg cfg;
	struct pp_obs obs;
	struct decode_ctx dc = {.cfg = &cfg, .obs = &obs};
	enum pp_reason r;
	uint8_t *frame;
	size_t caplen, wire, extra;
	int dlt;

	if (size < 4)
		return 0;
	dlt = data[0] == 0xff ? data[3] >> 1 : dlts[data[0] % NDLTS];
	extra = (size_t)data[1] << 8 | data[2];
	if (extra == 0xffff)
		extra = 70000;
	caplen = size - 4;
	wire = caplen + extra;
	decode_cfg_default(&cfg);
	if (data[3] & 1) {
		cfg.port[cfg.nports] = 4790;
		cfg.kind[cfg.nports++] = DECODE_UDP_VXLAN;
		cfg.port[cfg.nports] = 6082;
		cfg.kind[cfg.nports++] = DECODE_UDP_GENEVE;
	}
	frame = malloc(caplen ? caplen : 1);
	if (frame == NULL)
		return 0;
	memcpy(frame, data + 4, caplen);
	r = decode_frame(&dc, dlt, caplen ? frame : NULL, caplen, wire);

	if (getenv("PP_FUZZ_DEBUG"))
		fprintf(stderr, "fuzz_decode: dlt %d caplen %zu wire %zu: %s, layers 0x%x\n", dlt,
		        caplen, wire, reason_name(r), dc.layers);
	EXPECT((unsigned)r < PP_R__COUNT);
	EXPECT(strcmp(reason_name(r), "unknown") != 0);
	EXPECT(dc.depth <= DECODE_MAX_LAYERS);
	EXPECT(dc.vlan_tags <= DECODE_MAX_VLAN_TAGS);
	EXPECT(dc.tunnels <= DECODE_MAX_TUNNELS);
	EXPECT(decode_dlt_supported(dlt) || r == PP_R_LINK_UNSUPPORTED);
	if (r == PP_OK) {
		EXPECT(obs.family == 4 || obs.family == 6);
		EXPECT(obs.head_len <= PP_HEAD_LEN);
		EXPECT(obs.digest_len <= PP_DIGEST_LEN);
		EXPECT(obs.head_len <= obs.digest_len);
		EXPECT(obs.payload_len <= wire);
		EXPECT(obs.digest_len <= caplen);
		EXPECT(obs.dir <= PP_DIR_OUT);
		EXPECT(obs.tun.kind <= PP_TUN_IPIP);
		EXPECT(((obs.tun.kind != PP_TUN_NONE) == ((dc.tunnels > 0))));
		EXPECT(dc.layers & (1u << PP_L_IPV4 | 1u << PP_L_IPV6));
		EXPECT(!(dc.layers >> PP_L__COUNT));
	}
	free(frame);
	return 0;
}
