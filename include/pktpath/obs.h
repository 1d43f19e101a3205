/* obs.h - one packet as seen at one capture point: the fixed-size record the
 * decoders fill and the matcher reduces to a hop (match.h). It is written
 * for every packet, so fields are kept compact.
 */
#ifndef PKTPATH_OBS_H
#define PKTPATH_OBS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* An IPv4 address is stored IPv4-mapped (::ffff:a.b.c.d) so that every
 * address compares and hashes the same way. */
struct pp_addr {
	uint8_t b[16];
};

enum pp_dir { PP_DIR_UNKNOWN = 0, PP_DIR_IN = 1, PP_DIR_OUT = 2 };

enum pp_tunnel { PP_TUN_NONE = 0, PP_TUN_VXLAN, PP_TUN_GENEVE, PP_TUN_GRE, PP_TUN_IPIP };

enum pp_obs_flag {
	PP_OBS_DF = 1u << 0,          /* IPv4 don't-fragment */
	PP_OBS_FRAG = 1u << 1,        /* a fragment (IPv4 MF/offset or IPv6 fragment header) */
	PP_OBS_FRAG_LATER = 1u << 2,  /* a non-first fragment: no transport header */
	PP_OBS_PORTS = 1u << 3,       /* sport/dport are meaningful */
	PP_OBS_ICMP_ERROR = 1u << 4,  /* ICMP error; quote holds what it quotes */
	PP_OBS_QUOTE_PORTS = 1u << 5, /* the quoted header included ports */
	PP_OBS_PAYLOAD_CUT = 1u << 6, /* payload shorter in the capture than on the wire */
	PP_OBS_BIG_TCP = 1u << 7,     /* IPv4 total length 0 or IPv6 jumbogram */
	PP_OBS_IPID = 1u << 8,        /* ip_id is meaningful (IPv4, or IPv6 fragment id) */
	PP_OBS_MAC = 1u << 9,         /* mac_src/mac_dst hold the outermost Ethernet header's */
	PP_OBS_OTHERHOST = 1u << 10,  /* LINUX_SLL(2): the frame was not for the capturing host */
	PP_OBS_COPY = 1u << 11,       /* a promiscuous bridge device's copy of a frame it
	                                 bridged between two ports: seen there, not a hop */
	PP_OBS_MULTI_COPY = 1u << 12, /* from a LINUX_SLL "any" capture: its one point
	                                 sees a packet once per interface it crossed */
	PP_OBS_AFTER_GAP = 1u << 13,  /* the first packet of its input after missing
	                                 pieces of a rotated set */
	PP_OBS_SELECTED = 1u << 14,   /* -f passes it (its outer or its inner headers):
	                                 its conversation is reported */
	PP_OBS_PREPARED = 1u << 15,   /* match_key and macs are set (match_prepare) */
};

#define PP_HEAD_LEN   8  /* raw payload bytes kept for exact comparison */
#define PP_DIGEST_LEN 64 /* payload bytes covered by the digest at most */

struct pp_obs {
	int64_t ts;       /* ns since the epoch, clock of the capturing node */
	uint64_t frame;   /* 1-based record number in its input, for annotation */
	uint32_t point;   /* capture point index, set by the capture stage */
	uint32_t ifindex; /* SLL2 ifindex or pcapng interface id; UINT32_MAX if none */

	struct pp_addr src, dst;
	uint32_t ip_id;        /* IPv4 identification, IPv6 fragment identification */
	uint32_t ip_len;       /* IP total length on the wire (header included) */
	uint32_t seq, ack;     /* TCP; for ICMP echo, seq holds the echo sequence; for a
	                          UDP first fragment, ack holds the datagram's payload
	                          length (its UDP length - 8) */
	uint32_t payload_len;  /* transport payload bytes on the wire */
	uint32_t digest;       /* hash of the first digest_len captured payload bytes (digest.c) */
	uint16_t sport, dport; /* for ICMP echo: sport = echo id, dport = 0 */
	uint16_t frag_off;     /* fragment offset in bytes / 8 */
	uint16_t flags;        /* enum pp_obs_flag */
	uint16_t mtu;          /* next-hop MTU of ICMP fragmentation-needed / packet-too-big */
	uint8_t family;        /* 4 or 6 */
	uint8_t proto;         /* IP protocol of the innermost header */
	uint8_t ttl;           /* TTL or hop limit */
	uint8_t tcp_flags;
	uint8_t icmp_type, icmp_code;
	uint8_t dir;      /* enum pp_dir, from SLL packet type or pcapng flags */
	uint8_t head_len; /* captured payload bytes in head[] */
	uint8_t digest_len;
	uint8_t head[PP_HEAD_LEN];
	uint8_t mac_src[6], mac_dst[6];

	struct {
		uint8_t kind; /* enum pp_tunnel, outermost tunnel */
		uint8_t ttl;  /* outer TTL: routers between tunnel ends lower it */
		uint32_t vni; /* VXLAN/Geneve VNI, GRE key */
		struct pp_addr src, dst;
	} tun;

	uint64_t match_key; /* with PP_OBS_PREPARED: match_key() of this record */
	uint32_t macs;      /* with PP_OBS_PREPARED: hash of the MAC addresses, 0: none */

	struct { /* valid with PP_OBS_ICMP_ERROR: the header the error quotes */
		struct pp_addr src, dst;
		uint32_t ip_id;
		uint32_t seq; /* quoted TCP seq, or ICMP echo seq */
		uint16_t sport, dport;
		uint8_t proto;
	} quote;
};

/* One observation per input is alive at a time (the merge's lookahead);
 * identities keep reduced hops (match.h). Still, it is copied per packet. */
_Static_assert(sizeof(struct pp_obs) <= 224, "pp_obs is copied per packet: keep it small");

static inline bool addr_is_v4(const struct pp_addr *a)
{
	static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	return memcmp(a->b, prefix, sizeof prefix) == 0;
}

static inline void addr_set_v4(struct pp_addr *a, const uint8_t v4[4])
{
	memset(a->b, 0, 10);
	a->b[10] = 0xff;
	a->b[11] = 0xff;
	memcpy(a->b + 12, v4, 4);
}

static inline void addr_set_v6(struct pp_addr *a, const uint8_t v6[16])
{
	memcpy(a->b, v6, 16);
}

/* Multicast or limited broadcast: never rewritten by NAT, never answered. */
static inline bool addr_is_group(const struct pp_addr *a)
{
	if (addr_is_v4(a))
		return a->b[12] >= 224 || (a->b[12] == 255 && a->b[15] == 255);
	return a->b[0] == 0xff;
}

/* Link-local (169.254/16, fe80::/10): such a packet never crosses a
 * router, so no NAT can have rewritten it. */
static inline bool addr_is_link_local(const struct pp_addr *a)
{
	if (addr_is_v4(a))
		return a->b[12] == 169 && a->b[13] == 254;
	return a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80;
}

static inline bool addr_eq(const struct pp_addr *a, const struct pp_addr *b)
{
	return memcmp(a->b, b->b, sizeof a->b) == 0;
}

#endif
