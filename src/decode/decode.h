/* decode.h - frame decoders: link layer to the innermost IP packet.
 *
 * decode_frame() turns one captured frame into one struct pp_obs. Each
 * decode_<layer>() consumes its header from the span, fills fields of
 * dc->obs, and returns PP_OK or the reason it stopped. Decoders do no I/O,
 * no allocation and keep no state outside the context.
 */
#ifndef PKTPATH_DECODE_H
#define PKTPATH_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "pktpath/obs.h"
#include "pktpath/reason.h"
#include "pktpath/span.h"

#define DECODE_MAX_VLAN_TAGS        2
#define DECODE_MAX_MPLS_LABELS      8
#define DECODE_MAX_TUNNELS          2
#define DECODE_MAX_LAYERS           16
#define DECODE_MAX_UDP_TUNNEL_PORTS 8

/* Link types handled, by DLT value (as in pcap/dlt.h). */
enum {
	DECODE_DLT_NULL = 0,   /* BSD loopback, host-order family */
	DECODE_DLT_EN10MB = 1, /* Ethernet */
	DECODE_DLT_RAW = 12,   /* raw IP (OpenBSD value; some files use 14) */
	DECODE_DLT_RAW_ALT = 14,
	DECODE_DLT_LOOP = 108, /* OpenBSD loopback, network-order family */
	DECODE_DLT_LINUX_SLL = 113,
	DECODE_DLT_RAW_LINKTYPE = 101, /* LINKTYPE_RAW as stored in files */
	DECODE_DLT_IPV4 = 228,
	DECODE_DLT_IPV6 = 229,
	DECODE_DLT_LINUX_SLL2 = 276,
};

enum decode_udp_tunnel { DECODE_UDP_VXLAN = 1, DECODE_UDP_GENEVE = 2 };

/* Which UDP destination ports carry which tunnel; options can extend it. */
struct decode_cfg {
	uint16_t port[DECODE_MAX_UDP_TUNNEL_PORTS];
	uint8_t kind[DECODE_MAX_UDP_TUNNEL_PORTS]; /* enum decode_udp_tunnel */
	unsigned nports;
};

struct decode_ctx {
	const struct decode_cfg *cfg;
	struct pp_obs *obs;
	uint32_t layers; /* bit (1u << enum pp_layer) per layer decoded */
	unsigned depth;  /* layers decoded so far, bounded by DECODE_MAX_LAYERS */
	unsigned vlan_tags;
	unsigned tunnels;
	/* The outermost tunnel's payload (inner.p NULL without a tunnel): an
	 * Ethernet frame when inner_ether, else an IP packet. -f tests it. */
	struct span inner;
	bool inner_ether;
};

/* The default tunnel ports: VXLAN 4789 and 8472 (Linux/flannel), Geneve 6081. */
void decode_cfg_default(struct decode_cfg *cfg);

/* Decodes one frame of link type dlt into *obs (ts, frame, point are left for
 * the caller). On PP_OK, dc->layers tells what was seen. */
enum pp_reason decode_frame(struct decode_ctx *dc, int dlt, const uint8_t *pkt, size_t caplen,
                            size_t wirelen);

/* True when decode_frame() knows link type dlt. */
int decode_dlt_supported(int dlt);

/* Demultiplexers, one per boundary (decode.c). */
enum pp_reason decode_ethertype(struct decode_ctx *dc, struct span *s, uint16_t type);
enum pp_reason decode_ipproto(struct decode_ctx *dc, struct span *s, uint8_t proto);
/* Counts a layer and enforces the depth bound. */
enum pp_reason decode_enter(struct decode_ctx *dc, enum pp_layer layer);
/* Enters a tunnel layer whose payload starts at s (an Ethernet frame when
 * ether): enforces DECODE_MAX_TUNNELS, records the outermost tunnel in
 * obs->tun (outer addresses = the IP header that carried it) and dc->inner, and
 * clears the per-packet fields so that the inner headers fill them. */
enum pp_reason decode_tunnel(struct decode_ctx *dc, const struct span *s, bool ether,
                             enum pp_layer layer, enum pp_tunnel kind, uint32_t vni);
/* UDP payload demultiplexer: VXLAN/Geneve by destination port (dc->cfg),
 * or by source port when the header decodes as that tunnel (the return leg
 * of an endpoint answering from its port), else the payload digest. */
enum pp_reason decode_udp_payload(struct decode_ctx *dc, struct span *s, uint16_t sport,
                                  uint16_t dport);

/* Per-layer decoders (decode_<layer>.c). */
enum pp_reason decode_eth(struct decode_ctx *dc, struct span *s);
enum pp_reason decode_vlan(struct decode_ctx *dc, struct span *s);
enum pp_reason decode_mpls(struct decode_ctx *dc, struct span *s);
enum pp_reason decode_sll(struct decode_ctx *dc, struct span *s);
enum pp_reason decode_sll2(struct decode_ctx *dc, struct span *s);
enum pp_reason decode_loopback(struct decode_ctx *dc, struct span *s, int dlt);
enum pp_reason decode_raw(struct decode_ctx *dc, struct span *s);
enum pp_reason decode_ipv4(struct decode_ctx *dc, struct span *s);
enum pp_reason decode_ipv6(struct decode_ctx *dc, struct span *s);
enum pp_reason decode_tcp(struct decode_ctx *dc, struct span *s);
enum pp_reason decode_udp(struct decode_ctx *dc, struct span *s);
enum pp_reason decode_icmp(struct decode_ctx *dc, struct span *s);
enum pp_reason decode_icmp6(struct decode_ctx *dc, struct span *s);
enum pp_reason decode_vxlan(struct decode_ctx *dc, struct span *s);
enum pp_reason decode_geneve(struct decode_ctx *dc, struct span *s);
enum pp_reason decode_gre(struct decode_ctx *dc, struct span *s);

/* Payload digest and head bytes (digest.c). */
void decode_payload(struct pp_obs *o, const struct span *s);

#endif
