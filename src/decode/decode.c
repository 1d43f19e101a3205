/* decode.c - frame decoding entry: DLT table, ethertype and IP protocol
 * demultiplexers, UDP tunnel ports, layer/tunnel bounds.
 * specification: tcpdump.org LINKTYPE registry, IEEE 802 EtherType registry,
 * IANA Protocol Numbers, IANA port numbers (VXLAN 4789, Geneve 6081).
 */
#include <stdbool.h>

#include "decode/decode.h"

enum {
	ETHERTYPE_IPV4 = 0x0800,
	ETHERTYPE_IPV6 = 0x86dd,
	ETHERTYPE_VLAN = 0x8100,     /* 802.1Q C-tag */
	ETHERTYPE_QINQ = 0x88a8,     /* 802.1ad S-tag */
	ETHERTYPE_QINQ_OLD = 0x9100, /* pre-standard S-tag still emitted by switches */
	ETHERTYPE_TEB = 0x6558,      /* transparent Ethernet bridging (GRE, Geneve) */
	ETHERTYPE_MPLS = 0x8847,
	ETHERTYPE_MPLS_MC = 0x8848,
};

enum {
	PROTO_ICMP = 1,
	PROTO_IPIP = 4,
	PROTO_TCP = 6,
	PROTO_UDP = 17,
	PROTO_IPV6 = 41,
	PROTO_GRE = 47,
	PROTO_ICMPV6 = 58,
};

_Static_assert(PP_L__COUNT <= 32, "dc->layers is a 32-bit mask");

/* Linux uses 8472 for VXLAN (flannel, the kernel default before IANA
 * assigned 4789), so both are tunnels out of the box. */
static const struct decode_cfg default_cfg = {
    .port = {4789, 8472, 6081},
    .kind = {DECODE_UDP_VXLAN, DECODE_UDP_VXLAN, DECODE_UDP_GENEVE},
    .nports = 3,
};

void decode_cfg_default(struct decode_cfg *cfg)
{
	*cfg = default_cfg;
}

static enum pp_reason link_eth(struct decode_ctx *dc, struct span *s)
{
	return decode_eth(dc, s);
}

static enum pp_reason link_null(struct decode_ctx *dc, struct span *s)
{
	return decode_loopback(dc, s, DECODE_DLT_NULL);
}

static enum pp_reason link_loop(struct decode_ctx *dc, struct span *s)
{
	return decode_loopback(dc, s, DECODE_DLT_LOOP);
}

/* LINKTYPE_IPV4/IPV6 promise one IP version, so the version nibble is not
 * used to pick the decoder: a wrong one is that decoder's bad_version. */
static enum pp_reason link_ipv4(struct decode_ctx *dc, struct span *s)
{
	enum pp_reason r = decode_enter(dc, PP_L_RAW);

	return r != PP_OK ? r : decode_ipv4(dc, s);
}

static enum pp_reason link_ipv6(struct decode_ctx *dc, struct span *s)
{
	enum pp_reason r = decode_enter(dc, PP_L_RAW);

	return r != PP_OK ? r : decode_ipv6(dc, s);
}

static const struct {
	int dlt;
	enum pp_reason (*decode)(struct decode_ctx *dc, struct span *s);
} dlt_table[] = {
    {DECODE_DLT_NULL, link_null},          {DECODE_DLT_EN10MB, link_eth},
    {DECODE_DLT_RAW, decode_raw},          {DECODE_DLT_RAW_ALT, decode_raw},
    {DECODE_DLT_RAW_LINKTYPE, decode_raw}, {DECODE_DLT_LOOP, link_loop},
    {DECODE_DLT_LINUX_SLL, decode_sll},    {DECODE_DLT_IPV4, link_ipv4},
    {DECODE_DLT_IPV6, link_ipv6},          {DECODE_DLT_LINUX_SLL2, decode_sll2},
};

int decode_dlt_supported(int dlt)
{
	for (size_t i = 0; i < sizeof dlt_table / sizeof dlt_table[0]; i++)
		if (dlt_table[i].dlt == dlt)
			return 1;
	return 0;
}

enum pp_reason decode_frame(struct decode_ctx *dc, int dlt, const uint8_t *pkt, size_t caplen,
                            size_t wirelen)
{
	struct pp_obs *o = dc->obs;
	struct span s;
	enum pp_reason r = PP_R_LINK_UNSUPPORTED;

	memset(o, 0, sizeof *o);
	o->ifindex = UINT32_MAX;
	dc->layers = 0;
	dc->depth = 0;
	dc->vlan_tags = 0;
	dc->tunnels = 0;
	dc->inner.p = NULL;
	if (pkt == NULL)
		caplen = 0;
	s = span_make(pkt, caplen, wirelen);

	for (size_t i = 0; i < sizeof dlt_table / sizeof dlt_table[0]; i++) {
		if (dlt_table[i].dlt == dlt) {
			r = dlt_table[i].decode(dc, &s);
			break;
		}
	}
	if (r != PP_OK)
		return r;
	if (o->flags & PP_OBS_PAYLOAD_CUT)
		dc->layers |= 1u << PP_L_SNAPLEN_CUT;
	if (o->flags & PP_OBS_BIG_TCP)
		dc->layers |= 1u << PP_L_BIG_TCP;
	return PP_OK;
}

enum pp_reason decode_enter(struct decode_ctx *dc, enum pp_layer layer)
{
	if (dc->depth >= DECODE_MAX_LAYERS)
		return PP_R_TOO_MANY_LAYERS;
	dc->depth++;
	dc->layers |= 1u << layer;
	return PP_OK;
}

enum pp_reason decode_tunnel(struct decode_ctx *dc, const struct span *s, bool ether,
                             enum pp_layer layer, enum pp_tunnel kind, uint32_t vni)
{
	struct pp_obs *o = dc->obs;
	struct pp_obs keep;
	enum pp_reason r;

	r = decode_enter(dc, layer);
	if (r != PP_OK)
		return r;
	if (dc->tunnels >= DECODE_MAX_TUNNELS)
		return PP_R_TOO_MANY_LAYERS;
	if (dc->tunnels++ == 0) {
		o->tun.kind = (uint8_t)kind;
		o->tun.vni = vni;
		o->tun.src = o->src;
		o->tun.dst = o->dst;
		o->tun.ttl = o->ttl;
		dc->inner = *s;
		dc->inner_ether = ether;
	}
	/* The observation describes the innermost packet: nothing of the outer
	 * IP/transport headers may leak into it (an outer DF or outer UDP ports
	 * would otherwise survive an inner ICMP). Capture facts, the tunnel and
	 * the BIG TCP mark (the lengths came from the frame) stay. */
	keep = *o;
	memset(o, 0, sizeof *o);
	o->ts = keep.ts;
	o->frame = keep.frame;
	o->point = keep.point;
	o->ifindex = keep.ifindex;
	o->dir = keep.dir;
	o->flags = keep.flags & (PP_OBS_BIG_TCP | PP_OBS_MAC | PP_OBS_OTHERHOST);
	memcpy(o->mac_src, keep.mac_src, sizeof o->mac_src);
	memcpy(o->mac_dst, keep.mac_dst, sizeof o->mac_dst);
	o->tun.ttl = keep.tun.ttl;
	o->tun.kind = keep.tun.kind;
	o->tun.vni = keep.tun.vni;
	o->tun.src = keep.tun.src;
	o->tun.dst = keep.tun.dst;
	return PP_OK;
}

enum pp_reason decode_ethertype(struct decode_ctx *dc, struct span *s, uint16_t type)
{
	switch (type) {
	case ETHERTYPE_IPV4:
		return decode_ipv4(dc, s);
	case ETHERTYPE_IPV6:
		return decode_ipv6(dc, s);
	case ETHERTYPE_VLAN:
	case ETHERTYPE_QINQ:
	case ETHERTYPE_QINQ_OLD:
		return decode_vlan(dc, s);
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MC:
		return decode_mpls(dc, s);
	case ETHERTYPE_TEB:
		/* GRE and Geneve carry a whole Ethernet frame under this type. */
		return decode_eth(dc, s);
	default:
		/* ARP, LLDP, ...: nothing that can be matched by IP. */
		return PP_R_LINK_NOT_IP;
	}
}

enum pp_reason decode_ipproto(struct decode_ctx *dc, struct span *s, uint8_t proto)
{
	struct pp_obs *o = dc->obs;
	enum pp_reason r;

	o->proto = proto;
	/* A first fragment holds only the start of a tunnelled packet; its inner
	 * headers would look truncated, so it is kept as an opaque payload that
	 * still matches by IP ID. */
	if (o->flags & PP_OBS_FRAG) {
		if (proto == PROTO_IPIP || proto == PROTO_IPV6 || proto == PROTO_GRE)
			goto other;
	}
	switch (proto) {
	case PROTO_TCP:
		return decode_tcp(dc, s);
	case PROTO_UDP:
		return decode_udp(dc, s);
	case PROTO_ICMP:
		return decode_icmp(dc, s);
	case PROTO_ICMPV6:
		return decode_icmp6(dc, s);
	case PROTO_GRE:
		return decode_gre(dc, s);
	case PROTO_IPIP:
		r = decode_tunnel(dc, s, false, PP_L_IPIP, PP_TUN_IPIP, 0);
		return r != PP_OK ? r : decode_ipv4(dc, s);
	case PROTO_IPV6:
		r = decode_tunnel(dc, s, false, PP_L_IPIP, PP_TUN_IPIP, 0);
		return r != PP_OK ? r : decode_ipv6(dc, s);
	default:
		break;
	}
other:
	/* ESP, SCTP, OSPF, ...: still matchable by IP ID, length and digest. */
	r = decode_enter(dc, PP_L_OTHER_IP_PROTO);
	if (r != PP_OK)
		return r;
	decode_payload(o, s);
	return PP_OK;
}

static int tunnel_kind(const struct decode_cfg *cfg, uint16_t port)
{
	unsigned n =
	    cfg->nports < DECODE_MAX_UDP_TUNNEL_PORTS ? cfg->nports : DECODE_MAX_UDP_TUNNEL_PORTS;

	for (unsigned i = 0; i < n; i++) {
		if (cfg->port[i] == port)
			return cfg->kind[i];
	}
	return 0;
}

static enum pp_reason decode_udp_tunnel(struct decode_ctx *dc, struct span *s, int kind)
{
	switch (kind) {
	case DECODE_UDP_VXLAN:
		return decode_vxlan(dc, s);
	case DECODE_UDP_GENEVE:
		return decode_geneve(dc, s);
	default:
		decode_payload(dc->obs, s);
		return PP_OK;
	}
}

/* Does the payload start like a header of this tunnel? Used where only the
 * source port names it: strict, as any UDP may come from that port. A header
 * the snaplen cut is taken as one (the decoder then says it was truncated,
 * as for the destination port), or a cut capture would decode differently. */
static bool tunnel_header_plausible(int kind, const struct span *s)
{
	const uint8_t *h = span_peek(s, 8);

	if (h == NULL)
		return s->wire >= 8;
	switch (kind) {
	case DECODE_UDP_VXLAN:
		/* flags exactly I, reserved bytes zero (RFC 7348) */
		return rd_be32(h) == 0x08000000 && rd_u8(h + 7) == 0;
	case DECODE_UDP_GENEVE:
		return rd_u8(h) >> 6 == 0 &&
		       (rd_be16(h + 2) == ETHERTYPE_TEB || rd_be16(h + 2) == ETHERTYPE_IPV4 ||
		        rd_be16(h + 2) == ETHERTYPE_IPV6);
	default:
		return false;
	}
}

enum pp_reason decode_udp_payload(struct decode_ctx *dc, struct span *s, uint16_t sport,
                                  uint16_t dport)
{
	const struct decode_cfg *cfg = dc->cfg != NULL ? dc->cfg : &default_cfg;
	int kind = tunnel_kind(cfg, dport);

	if (kind)
		return decode_udp_tunnel(dc, s, kind);
	/* The return leg of a tunnel endpoint that answers from its port. */
	kind = tunnel_kind(cfg, sport);
	if (kind && tunnel_header_plausible(kind, s))
		return decode_udp_tunnel(dc, s, kind);
	decode_payload(dc->obs, s);
	return PP_OK;
}
