/* test_decode.c - decoder assertions on the crafted frames of frames.h, the
 * caplen 0..n truncation sweep, a byte-mutation sweep, and the bounds of the
 * decode context. Run it under the sanitizer build (PKTPATH_SANITIZE=ON):
 * every prefix is copied into an exactly sized heap buffer, so any read past
 * caplen is an ASan report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"

#include "frames.h"

#include "check.h"

#define CHECK_REASON(got, want)                                                                    \
	do {                                                                                       \
		enum pp_reason g_ = (got), w_ = (want);                                            \
		CHECK_MSG(g_ == w_, "check failed: reason %s, expected %s\n", reason_name(g_),     \
		          reason_name(w_));                                                        \
	} while (0)

static struct decode_cfg cfg;
static struct pp_obs obs;
static struct decode_ctx dc = {.cfg = &cfg, .obs = &obs};

/* Decodes a copy in an exactly sized heap buffer (ASan sees over-reads). */
static enum pp_reason decode_copy(int dlt, const uint8_t *data, size_t caplen, size_t wire)
{
	uint8_t *buf = malloc(caplen > 0 ? caplen : 1);
	enum pp_reason r;

	if (buf == NULL) {
		perror("malloc");
		exit(1);
	}
	if (caplen > 0)
		memcpy(buf, data, caplen);
	r = decode_frame(&dc, dlt, caplen > 0 ? buf : NULL, caplen, wire);
	free(buf);
	return r;
}

#define DECODE(dlt, arr)            (check_context = #arr, decode_copy(dlt, arr, sizeof arr, sizeof arr))
#define DECODE_WIRE(dlt, arr, wire) (check_context = #arr, decode_copy(dlt, arr, sizeof arr, wire))

static int has(enum pp_layer l)
{
	return (dc.layers & (1u << l)) != 0;
}

static int is_v4(const struct pp_addr *a, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
	const uint8_t v4[4] = {b0, b1, b2, b3};
	struct pp_addr want;

	addr_set_v4(&want, v4);
	return addr_eq(a, &want);
}

static const uint8_t ip6_a[16] = {IP6_A}, ip6_b[16] = {IP6_B};

static int is_v6(const struct pp_addr *a, const uint8_t v6[16])
{
	return memcmp(a->b, v6, 16) == 0;
}

/* The payload digest, written out independently of src/decode/digest.c: 64-bit
 * state seeded with the length, big-endian 8-byte words (the last one
 * zero-padded), each xored in, multiplied and xorshifted; folded to 32. */
static uint32_t ref_digest(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0x243f6a8885a308d3ULL ^ n;

	for (size_t i = 0; i < n; i += 8) {
		uint64_t w = 0;

		for (size_t k = 0; k < 8; k++)
			w = w << 8 | (i + k < n ? b[i + k] : 0);
		h ^= w;
		h *= 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	return (uint32_t)(h ^ (h >> 32));
}

/* ------------------------------------------------------------- expected */

static void test_expected_reasons(void)
{
	for (size_t i = 0; i < TEST_FRAMES_N; i++) {
		const struct test_frame *f = &test_frames[i];
		enum pp_reason r;

		check_context = f->name;
		r = decode_copy(f->dlt, f->data, f->len, f->wire ? f->wire : f->len);
		CHECK_REASON(r, f->expect);
		CHECK(strcmp(reason_name(r), "unknown") != 0);
		if (r == PP_OK)
			CHECK(obs.family == 4 || obs.family == 6);
	}
}

static void test_link(void)
{
	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_eth_ipv4_tcp), PP_OK);
	CHECK(has(PP_L_ETH) && has(PP_L_IPV4) && has(PP_L_TCP));
	CHECK(!has(PP_L_VLAN) && !has(PP_L_SNAPLEN_CUT) && !has(PP_L_FRAGMENT));
	CHECK_EQ(obs.family, 4);
	CHECK(is_v4(&obs.src, 10, 0, 0, 1) && is_v4(&obs.dst, 10, 0, 0, 2));
	CHECK_EQ(obs.ifindex, UINT32_MAX);
	CHECK_EQ(obs.dir, PP_DIR_UNKNOWN);
	CHECK_EQ(obs.ip_id, 0x1234);
	CHECK_EQ(obs.ip_len, 57);
	CHECK_EQ(obs.ttl, 64);
	CHECK_EQ(obs.proto, 6);
	CHECK_EQ(obs.flags, PP_OBS_DF | PP_OBS_IPID | PP_OBS_PORTS | PP_OBS_MAC);
	{
		static const uint8_t a[6] = {MAC_A}, b[6] = {MAC_B};

		CHECK(memcmp(obs.mac_dst, b, 6) == 0 && memcmp(obs.mac_src, a, 6) == 0);
	}
	CHECK_EQ(obs.sport, 40000);
	CHECK_EQ(obs.dport, 80);
	CHECK_EQ(obs.seq, 0x01020304);
	CHECK_EQ(obs.ack, 0x05060708);
	CHECK_EQ(obs.tcp_flags, 0x18);
	CHECK_EQ(obs.payload_len, 5);
	CHECK_EQ(obs.head_len, 5);
	CHECK(memcmp(obs.head, "hello", 5) == 0);
	CHECK_EQ(obs.digest_len, 5);
	CHECK_EQ(obs.digest, ref_digest("hello", 5));
	CHECK_EQ(obs.tun.kind, PP_TUN_NONE);

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_eth_vlan_ipv4_udp), PP_OK);
	CHECK(has(PP_L_ETH) && has(PP_L_VLAN) && has(PP_L_IPV4) && has(PP_L_UDP));
	CHECK_EQ(obs.sport, 12345);
	CHECK_EQ(obs.dport, 53);
	CHECK_EQ(obs.payload_len, 4);
	CHECK_EQ(obs.flags, PP_OBS_IPID | PP_OBS_PORTS | PP_OBS_MAC);

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_eth_qinq_icmp_echo), PP_OK);
	CHECK(has(PP_L_VLAN) && has(PP_L_ICMP));
	CHECK_EQ(dc.vlan_tags, 2);
	CHECK_EQ(obs.proto, 1);
	CHECK_EQ(obs.icmp_type, 8);
	CHECK_EQ(obs.icmp_code, 0);
	CHECK_EQ(obs.sport, 0x0d0e);
	CHECK_EQ(obs.dport, 0);
	CHECK_EQ(obs.seq, 7);
	CHECK(obs.flags & PP_OBS_PORTS);
	CHECK(!(obs.flags & PP_OBS_ICMP_ERROR));
	CHECK_EQ(obs.payload_len, 4);

	CHECK_REASON(DECODE(DECODE_DLT_LINUX_SLL, f_sll_in_ipv4_tcp), PP_OK);
	CHECK(has(PP_L_SLL) && !has(PP_L_ETH));
	CHECK_EQ(obs.dir, PP_DIR_IN);
	CHECK_EQ(obs.ifindex, UINT32_MAX);
	CHECK_EQ(obs.tcp_flags, 0x02);
	CHECK_EQ(obs.seq, 0x11111111);
	CHECK_EQ(obs.payload_len, 0);
	CHECK_EQ(obs.digest_len, 0);
	CHECK_EQ(obs.digest, ref_digest("", 0));

	CHECK_REASON(DECODE(DECODE_DLT_LINUX_SLL, f_sll_out_ipv6_udp), PP_OK);
	CHECK_EQ(obs.dir, PP_DIR_OUT);
	CHECK_EQ(obs.family, 6);
	CHECK(is_v6(&obs.src, ip6_a) && is_v6(&obs.dst, ip6_b));
	CHECK_EQ(obs.ip_len, 52);
	CHECK(!(obs.flags & PP_OBS_IPID));
	CHECK_EQ(obs.sport, 1234);
	CHECK_EQ(obs.dport, 5678);

	CHECK_REASON(DECODE(DECODE_DLT_LINUX_SLL2, f_sll2_in_ipv4_icmp), PP_OK);
	CHECK(has(PP_L_SLL2));
	CHECK_EQ(obs.dir, PP_DIR_IN);
	CHECK_EQ(obs.ifindex, 7);
	CHECK_EQ(obs.icmp_type, 0);
	CHECK_EQ(obs.sport, 42);
	CHECK_EQ(obs.seq, 1);
	CHECK(is_v4(&obs.src, 10, 0, 0, 2));

	CHECK_REASON(DECODE(DECODE_DLT_LINUX_SLL2, f_sll2_out_ipv6_tcp), PP_OK);
	CHECK_EQ(obs.dir, PP_DIR_OUT);
	CHECK_EQ(obs.ifindex, 3);
	CHECK_EQ(obs.seq, 0xdeadbeef);
	CHECK_EQ(obs.ack, 1);
	CHECK_EQ(obs.tcp_flags, 0x10);

	CHECK_REASON(DECODE(DECODE_DLT_NULL, f_null_le_ipv4_udp), PP_OK);
	CHECK(has(PP_L_LOOPBACK) && has(PP_L_UDP));
	CHECK(is_v4(&obs.src, 127, 0, 0, 1));
	CHECK_EQ(obs.payload_len, 1);
	CHECK_EQ(obs.head[0], 'x');

	CHECK_REASON(DECODE(DECODE_DLT_NULL, f_null_be_ipv6_icmp6), PP_OK);
	CHECK(has(PP_L_ICMP6));
	CHECK_EQ(obs.icmp_type, 128);
	CHECK_EQ(obs.sport, 7);
	CHECK_EQ(obs.seq, 3);
	CHECK_EQ(obs.payload_len, 4);

	CHECK_REASON(DECODE(DECODE_DLT_NULL, f_null_le_ipv6_nonxt), PP_OK);
	CHECK(has(PP_L_OTHER_IP_PROTO));
	CHECK_EQ(obs.proto, 59);
	CHECK_EQ(obs.ip_len, 40);
	CHECK_EQ(obs.payload_len, 0);

	CHECK_REASON(DECODE(DECODE_DLT_LOOP, f_loop_ipv4_tcp), PP_OK);
	CHECK_EQ(obs.dport, 22);
	CHECK_REASON(DECODE(DECODE_DLT_LOOP, f_loop_ipv6_udp), PP_OK);
	CHECK_EQ(obs.ttl, 1);
	CHECK_EQ(obs.dport, 546);
	/* DLT_LOOP is network order: the same bytes read little-endian are no
	 * family, and DLT_NULL's order guess must not apply to it. */
	{
		static const uint8_t le2[] = {0x02, 0x00, 0x00, 0x00, 0x45};

		CHECK_REASON(DECODE(DECODE_DLT_LOOP, le2), PP_R_LOOPBACK_UNKNOWN_FAMILY);
	}

	CHECK_REASON(DECODE(DECODE_DLT_RAW_LINKTYPE, f_raw_ipv4_udp), PP_OK);
	CHECK(has(PP_L_RAW) && has(PP_L_IPV4));
	CHECK_EQ(obs.sport, 53);
	CHECK_REASON(DECODE(DECODE_DLT_RAW, f_raw_ipv6_icmp6), PP_OK);
	CHECK(has(PP_L_RAW) && has(PP_L_IPV6));
	CHECK_EQ(obs.icmp_type, 129);
	CHECK_REASON(DECODE(DECODE_DLT_IPV4, f_raw_ipv4_udp), PP_OK);
	CHECK(has(PP_L_RAW));
	CHECK_REASON(DECODE(DECODE_DLT_IPV6, f_raw_ipv6_icmp6), PP_OK);
	/* Minimum length is checked before the version: 30 bytes are no IPv6
	 * header whatever their first nibble says. */
	CHECK_REASON(DECODE(DECODE_DLT_IPV6, f_raw_ipv4_udp), PP_R_IPV6_TRUNCATED);
	/* 70 bytes starting with a MAC address: version 0. */
	CHECK_REASON(DECODE(DECODE_DLT_IPV6, f_icmp_unreach_udp), PP_R_IPV6_BAD_VERSION);

	CHECK(decode_dlt_supported(DECODE_DLT_LINUX_SLL2));
	CHECK(decode_dlt_supported(DECODE_DLT_RAW_LINKTYPE));
	CHECK(!decode_dlt_supported(105 /* IEEE802_11 */));
}

static void test_ipv4(void)
{
	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_ipv4_options_udp), PP_OK);
	CHECK_EQ(obs.ip_len, 36);
	CHECK_EQ(obs.ttl, 1);
	CHECK_EQ(obs.sport, 68);
	CHECK_EQ(obs.payload_len, 4);

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_ipv4_frag_first), PP_OK);
	CHECK(has(PP_L_FRAGMENT) && has(PP_L_UDP));
	CHECK_EQ(obs.flags, PP_OBS_IPID | PP_OBS_FRAG | PP_OBS_PORTS | PP_OBS_MAC);
	CHECK_EQ(obs.ip_id, 0xabcd);
	CHECK_EQ(obs.frag_off, 0);
	CHECK_EQ(obs.sport, 8080);
	CHECK_EQ(obs.payload_len, 8); /* this fragment's share, not the datagram's 1492 */
	CHECK_EQ(obs.ack, 1492);      /* the datagram's, from the UDP length (match.c) */

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_ipv4_frag_later), PP_OK);
	CHECK(has(PP_L_FRAGMENT) && !has(PP_L_UDP));
	CHECK_EQ(obs.flags, PP_OBS_IPID | PP_OBS_FRAG | PP_OBS_FRAG_LATER | PP_OBS_MAC);
	CHECK_EQ(obs.proto, 17);
	CHECK_EQ(obs.frag_off, 185);
	CHECK_EQ(obs.sport, 0);
	CHECK_EQ(obs.payload_len, 12);
	CHECK_EQ(obs.head[0], 8);
	CHECK_EQ(obs.digest_len, 12);

	/* Ethernet padding stays out of the payload and the digest. */
	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_eth_pad_icmp), PP_OK);
	CHECK_EQ(obs.ip_len, 28);
	CHECK_EQ(obs.payload_len, 0);
	CHECK_EQ(obs.head_len, 0);
	CHECK_EQ(obs.digest_len, 0);
	CHECK(!(obs.flags & PP_OBS_PAYLOAD_CUT));
	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_eth_pad_udp), PP_OK);
	CHECK_EQ(obs.payload_len, 2);
	CHECK_EQ(obs.head_len, 2);
	CHECK_EQ(obs.digest_len, 2);
	CHECK_EQ(obs.digest, ref_digest("hi", 2));

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_ipv4_esp), PP_OK);
	CHECK(has(PP_L_OTHER_IP_PROTO));
	CHECK_EQ(obs.proto, 50);
	CHECK_EQ(obs.payload_len, 16);
	CHECK_EQ(obs.ip_id, 0x600);
	CHECK(!(obs.flags & PP_OBS_PORTS));
}

static void test_ipv6(void)
{
	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_ipv6_ext_tcp), PP_OK);
	CHECK(has(PP_L_IPV6) && has(PP_L_TCP) && !has(PP_L_FRAGMENT));
	CHECK_EQ(obs.ip_len, 103);
	CHECK_EQ(obs.proto, 6);
	CHECK_EQ(obs.sport, 443);
	CHECK_EQ(obs.seq, 100);
	CHECK_EQ(obs.ack, 200);
	CHECK_EQ(obs.payload_len, 3);
	CHECK_EQ(obs.digest, ref_digest("GET", 3));
	CHECK(!(obs.flags & PP_OBS_IPID));

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_ipv6_frag_first), PP_OK);
	CHECK(has(PP_L_FRAGMENT) && has(PP_L_UDP));
	CHECK_EQ(obs.flags, PP_OBS_IPID | PP_OBS_FRAG | PP_OBS_PORTS | PP_OBS_MAC);
	CHECK_EQ(obs.ip_id, 0x11223344);
	CHECK_EQ(obs.proto, 17);
	CHECK_EQ(obs.sport, 53);
	CHECK_EQ(obs.payload_len, 8);

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_ipv6_frag_later), PP_OK);
	CHECK(has(PP_L_FRAGMENT) && !has(PP_L_UDP));
	CHECK_EQ(obs.flags, PP_OBS_IPID | PP_OBS_FRAG | PP_OBS_FRAG_LATER | PP_OBS_MAC);
	CHECK_EQ(obs.frag_off, 100);
	CHECK_EQ(obs.proto, 17);
	CHECK_EQ(obs.payload_len, 16);
}

static void test_icmp(void)
{
	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_icmp_unreach_udp), PP_OK);
	CHECK_EQ(obs.icmp_type, 3);
	CHECK_EQ(obs.icmp_code, 3);
	CHECK_EQ(obs.flags, PP_OBS_IPID | PP_OBS_ICMP_ERROR | PP_OBS_QUOTE_PORTS | PP_OBS_MAC);
	CHECK(is_v4(&obs.src, 10, 0, 0, 2));
	CHECK(is_v4(&obs.quote.src, 10, 0, 0, 1) && is_v4(&obs.quote.dst, 10, 0, 0, 2));
	CHECK_EQ(obs.quote.proto, 17);
	CHECK_EQ(obs.quote.ip_id, 0x4242);
	CHECK_EQ(obs.quote.sport, 5353);
	CHECK_EQ(obs.quote.dport, 9999);
	CHECK_EQ(obs.quote.seq, 0);
	CHECK_EQ(obs.mtu, 0);
	CHECK_EQ(obs.sport, 0);
	CHECK_EQ(obs.payload_len, 28);

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_icmp_needfrag_tcp), PP_OK);
	CHECK_EQ(obs.icmp_code, 4);
	CHECK_EQ(obs.mtu, 1400);
	CHECK_EQ(obs.quote.proto, 6);
	CHECK_EQ(obs.quote.ip_id, 0x7777);
	CHECK_EQ(obs.quote.sport, 40000);
	CHECK_EQ(obs.quote.dport, 80);
	CHECK_EQ(obs.quote.seq, 0x01020304);
	CHECK(obs.flags & PP_OBS_QUOTE_PORTS);

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_icmp_needfrag_tcp_cut), PP_OK);
	CHECK_EQ(obs.mtu, 1400);
	CHECK_EQ(obs.quote.ip_id, 0x7778);
	CHECK_EQ(obs.quote.sport, 40000);
	CHECK_EQ(obs.quote.seq, 0); /* not in the quote */
	CHECK(obs.flags & PP_OBS_QUOTE_PORTS);

	/* The same error cut by the snaplen inside the quoted IPv4 header. */
	check_context = "f_icmp_needfrag_tcp at caplen 50";
	CHECK_REASON(
	    decode_copy(DECODE_DLT_EN10MB, f_icmp_needfrag_tcp, 50, sizeof f_icmp_needfrag_tcp),
	    PP_OK);
	CHECK(obs.flags & PP_OBS_ICMP_ERROR);
	CHECK(obs.flags & PP_OBS_PAYLOAD_CUT);
	CHECK(!(obs.flags & PP_OBS_QUOTE_PORTS));
	CHECK_EQ(obs.quote.proto, 0);
	CHECK_EQ(obs.mtu, 1400);
	CHECK_EQ(obs.payload_len, 28);
	CHECK_EQ(obs.digest_len, 8);

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_icmp_timxceed_short), PP_OK);
	CHECK_EQ(obs.icmp_type, 11);
	CHECK(obs.flags & PP_OBS_ICMP_ERROR);
	CHECK(!(obs.flags & PP_OBS_QUOTE_PORTS));
	CHECK_EQ(obs.quote.proto, 0);

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_icmp_timxceed_echo), PP_OK);
	CHECK_EQ(obs.quote.proto, 1);
	CHECK_EQ(obs.quote.ip_id, 0x0101);
	CHECK_EQ(obs.quote.sport, 42);
	CHECK_EQ(obs.quote.dport, 0);
	CHECK_EQ(obs.quote.seq, 5);
	CHECK(obs.flags & PP_OBS_QUOTE_PORTS);

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_icmp6_ptb_tcp), PP_OK);
	CHECK(has(PP_L_ICMP6));
	CHECK_EQ(obs.icmp_type, 2);
	CHECK_EQ(obs.mtu, 1280);
	CHECK(obs.flags & PP_OBS_ICMP_ERROR);
	CHECK(is_v6(&obs.quote.src, ip6_a) && is_v6(&obs.quote.dst, ip6_b));
	CHECK_EQ(obs.quote.proto, 6);
	CHECK_EQ(obs.quote.sport, 40000);
	CHECK_EQ(obs.quote.dport, 443);
	CHECK_EQ(obs.quote.seq, 0x0a0b0c0d);

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_icmp6_ptb_bigmtu_frag), PP_OK);
	CHECK_EQ(obs.mtu, 65535);
	CHECK_EQ(obs.quote.ip_id, 0x55667788);
	CHECK_EQ(obs.quote.proto, 17);
	CHECK_EQ(obs.quote.sport, 4000);
	CHECK_EQ(obs.quote.dport, 4001);
}

static void test_tunnels(void)
{
	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_vxlan_8472), PP_OK);
	CHECK(has(PP_L_VXLAN) && has(PP_L_UDP) && has(PP_L_TCP) && has(PP_L_ETH));
	CHECK_EQ(dc.tunnels, 1);
	CHECK_EQ(obs.tun.kind, PP_TUN_VXLAN);
	CHECK_EQ(obs.tun.vni, 1);
	CHECK(is_v4(&obs.tun.src, 192, 168, 0, 1) && is_v4(&obs.tun.dst, 192, 168, 0, 2));
	CHECK_EQ(obs.tun.ttl, 64);
	CHECK(is_v4(&obs.src, 10, 244, 1, 2) && is_v4(&obs.dst, 10, 244, 2, 3));
	{
		/* the outer frame's addresses, not the inner D <- C */
		static const uint8_t a[6] = {MAC_A}, b[6] = {MAC_B};

		CHECK(memcmp(obs.mac_dst, b, 6) == 0 && memcmp(obs.mac_src, a, 6) == 0);
	}
	CHECK_EQ(obs.ip_id, 9);
	CHECK_EQ(obs.ttl, 63);
	CHECK_EQ(obs.ip_len, 42);
	CHECK_EQ(obs.proto, 6);
	CHECK_EQ(obs.sport, 8080);
	CHECK_EQ(obs.dport, 54321);
	CHECK_EQ(obs.seq, 0x1000);
	CHECK_EQ(obs.payload_len, 2);
	CHECK_EQ(obs.flags, PP_OBS_DF | PP_OBS_IPID | PP_OBS_PORTS | PP_OBS_MAC);

	{
		/* SLL packet type 3: a frame to another host's MAC */
		uint8_t f[sizeof f_sll_in_ipv4_tcp];

		memcpy(f, f_sll_in_ipv4_tcp, sizeof f);
		f[1] = 3;
		check_context = "f_sll_in_ipv4_tcp as otherhost";
		CHECK_REASON(decode_copy(DECODE_DLT_LINUX_SLL, f, sizeof f, sizeof f), PP_OK);
		CHECK(obs.flags & PP_OBS_OTHERHOST);
		CHECK_EQ(obs.dir, PP_DIR_IN);
	}
	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_vxlan_4789_ipv6), PP_OK);

	CHECK_EQ(obs.tun.kind, PP_TUN_VXLAN);
	CHECK_EQ(obs.tun.vni, 0x123456);
	CHECK_EQ(obs.family, 6);
	CHECK(is_v6(&obs.src, ip6_a));
	/* The outer IPv4 ID must not survive into an IPv6 inner packet. */
	CHECK(!(obs.flags & PP_OBS_IPID));
	CHECK_EQ(obs.ip_id, 0);
	CHECK_EQ(obs.sport, 1234);

	/* VXLAN on a port that is not configured is plain UDP. */
	check_context = "f_vxlan_8472 without 8472";
	{
		struct decode_cfg only4789 = {
		    .port = {4789}, .kind = {DECODE_UDP_VXLAN}, .nports = 1};

		dc.cfg = &only4789;
		CHECK_REASON(decode_copy(DECODE_DLT_EN10MB, f_vxlan_8472, sizeof f_vxlan_8472,
		                         sizeof f_vxlan_8472),
		             PP_OK);
		CHECK(!has(PP_L_VXLAN));
		CHECK_EQ(obs.dport, 8472);
		CHECK_EQ(obs.payload_len, 64);
		CHECK_EQ(obs.tun.kind, PP_TUN_NONE);
		/* and an extra port can be a tunnel */
		only4789.port[1] = 8472;
		only4789.kind[1] = DECODE_UDP_GENEVE;
		only4789.nports = 2;
		CHECK_REASON(decode_copy(DECODE_DLT_EN10MB, f_vxlan_8472, sizeof f_vxlan_8472,
		                         sizeof f_vxlan_8472),
		             PP_R_GENEVE_UNSUPPORTED_PROTO);
		/* no configuration: the defaults */
		dc.cfg = NULL;
		CHECK_REASON(decode_copy(DECODE_DLT_EN10MB, f_vxlan_8472, sizeof f_vxlan_8472,
		                         sizeof f_vxlan_8472),
		             PP_OK);
		CHECK(has(PP_L_VXLAN));
		dc.cfg = &cfg;
	}

	/* A tunnel port as the source: the endpoint's return leg. */
	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_vxlan_sport_8472), PP_OK);
	CHECK(has(PP_L_VXLAN));
	CHECK_EQ(obs.tun.kind, PP_TUN_VXLAN);
	CHECK(is_v4(&obs.src, 10, 244, 2, 3));
	CHECK_EQ(obs.seq, 0x2000);
	/* ... but not any UDP from that port */
	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_udp_sport_8472_plain), PP_OK);
	CHECK(!has(PP_L_VXLAN));
	CHECK_EQ(obs.tun.kind, PP_TUN_NONE);
	CHECK_EQ(obs.sport, 8472);
	CHECK_EQ(obs.payload_len, 12);

	/* MPLS labels are skipped: the IP packet under them is the packet. */
	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_mpls_ipv4_icmp), PP_OK);
	CHECK(has(PP_L_MPLS) && has(PP_L_ICMP));
	CHECK_EQ(obs.ip_id, 0x77);
	CHECK_EQ(obs.icmp_type, 8);
	CHECK_EQ(obs.sport, 0x2075);
	CHECK_EQ(obs.seq, 3);
	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_bad_mpls_not_ip), PP_R_MPLS_NOT_IP);

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_geneve_opts), PP_OK);
	CHECK(has(PP_L_GENEVE) && has(PP_L_ICMP));
	CHECK_EQ(obs.tun.kind, PP_TUN_GENEVE);
	CHECK_EQ(obs.tun.vni, 0xa);
	CHECK(is_v4(&obs.tun.src, 20, 0, 0, 1));
	CHECK(is_v4(&obs.src, 30, 0, 0, 1));
	CHECK_EQ(obs.icmp_type, 8);
	CHECK_EQ(obs.sport, 10578);
	CHECK_EQ(obs.seq, 23);
	CHECK_EQ(obs.ip_id, 0x3000);
	CHECK_EQ(obs.payload_len, 4);

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_geneve_ipv4), PP_OK);
	CHECK_EQ(obs.tun.vni, 0xb);
	CHECK(is_v4(&obs.src, 30, 0, 0, 2));
	CHECK_EQ(obs.tcp_flags, 0x12);

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_gre_key_ipv4), PP_OK);
	CHECK(has(PP_L_GRE) && has(PP_L_UDP));
	CHECK_EQ(obs.tun.kind, PP_TUN_GRE);
	CHECK_EQ(obs.tun.vni, 100);
	CHECK(is_v4(&obs.tun.src, 172, 16, 0, 1) && is_v4(&obs.tun.dst, 172, 16, 0, 2));
	CHECK(is_v4(&obs.src, 10, 1, 0, 1) && is_v4(&obs.dst, 10, 2, 0, 1));
	CHECK_EQ(obs.ip_id, 0x3100);
	CHECK_EQ(obs.sport, 7000);
	CHECK_EQ(obs.payload_len, 4);

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_gre_teb), PP_OK);
	CHECK(has(PP_L_GRE) && has(PP_L_ETH) && has(PP_L_TCP));
	CHECK_EQ(obs.tun.vni, 200);
	CHECK_EQ(obs.tcp_flags, 0x04);
	CHECK_EQ(obs.ip_id, 0x3200);

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_ipip), PP_OK);
	CHECK(has(PP_L_IPIP));
	CHECK_EQ(obs.tun.kind, PP_TUN_IPIP);
	CHECK_EQ(obs.tun.vni, 0);
	CHECK(is_v4(&obs.tun.src, 192, 168, 1, 1));
	CHECK(is_v4(&obs.src, 10, 10, 1, 1));
	CHECK_EQ(obs.ttl, 63);
	CHECK_EQ(obs.ip_id, 0x4100);
	CHECK_EQ(obs.dport, 6443);

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_ipv6_in_ipv4), PP_OK);
	CHECK_EQ(obs.tun.kind, PP_TUN_IPIP);
	CHECK_EQ(obs.family, 6);
	CHECK_EQ(obs.icmp_type, 128);
	CHECK(!(obs.flags & (PP_OBS_IPID | PP_OBS_DF)));

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_ipv4_in_ipv6), PP_OK);
	CHECK_EQ(obs.tun.kind, PP_TUN_IPIP);
	CHECK(is_v6(&obs.tun.src, ip6_a));
	CHECK_EQ(obs.family, 4);
	CHECK_EQ(obs.ip_id, 0x4200);

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_bad_too_many_tunnels), PP_R_TOO_MANY_LAYERS);
}

static void test_big(void)
{
	CHECK_REASON(DECODE_WIRE(DECODE_DLT_EN10MB, f_bigtcp_ipv4, BIGTCP4_WIRE), PP_OK);
	CHECK(has(PP_L_BIG_TCP) && has(PP_L_SNAPLEN_CUT) && has(PP_L_TCP));
	CHECK(obs.flags & PP_OBS_BIG_TCP);
	CHECK(obs.flags & PP_OBS_PAYLOAD_CUT);
	CHECK_EQ(obs.ip_len, BIGTCP4_WIRE - 14);
	CHECK_EQ(obs.payload_len, BIGTCP4_WIRE - 14 - 40);
	CHECK_EQ(obs.ip_id, 0x2eff);
	CHECK_EQ(obs.seq, 0xf7adbd8e);
	CHECK_EQ(obs.head_len, 8);
	CHECK_EQ(obs.digest_len, 16);
	CHECK_EQ(obs.digest, ref_digest("netperf\0netperf\0", 16));

	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_tso_ipv4_len0), PP_OK);
	CHECK(obs.flags & PP_OBS_BIG_TCP);
	CHECK(!(obs.flags & PP_OBS_PAYLOAD_CUT));
	CHECK_EQ(obs.ip_len, 46);
	CHECK_EQ(obs.payload_len, 6);
	CHECK_EQ(obs.ip_id, 0x42c9);
	CHECK_EQ(obs.ttl, 128);

	CHECK_REASON(DECODE_WIRE(DECODE_DLT_EN10MB, f_ipv6_jumbo, JUMBO_WIRE), PP_OK);
	CHECK(has(PP_L_BIG_TCP));
	CHECK_EQ(obs.ip_len, 40 + 80040);
	CHECK_EQ(obs.payload_len, 80040 - 8 - 20);
	CHECK_EQ(obs.sport, 41851);
	CHECK(!(obs.flags & PP_OBS_IPID));

	CHECK_REASON(DECODE_WIRE(DECODE_DLT_EN10MB, f_bigtcp_ipv6, BIGTCP6_WIRE), PP_OK);
	CHECK(obs.flags & PP_OBS_BIG_TCP);
	CHECK_EQ(obs.ip_len, BIGTCP6_WIRE - 14);
	CHECK_EQ(obs.payload_len, BIGTCP6_WIRE - 14 - 60);
	CHECK_EQ(obs.seq, 0x8707a699);

	/* TCP options cut by the snaplen: the segment still decodes. */
	CHECK_REASON(DECODE_WIRE(DECODE_DLT_EN10MB, f_tcp_opts_cut, 14 + 60), PP_OK);
	CHECK_EQ(obs.seq, 0x01020304);
	CHECK_EQ(obs.tcp_flags, 0x02);
	CHECK_EQ(obs.sport, 40000);
	CHECK_EQ(obs.payload_len, 0);
	CHECK_EQ(obs.ip_id, 0x55);

	/* Payload length 0 on a small packet is an empty payload, not BIG TCP. */
	CHECK_REASON(DECODE_WIRE(DECODE_DLT_EN10MB, f_bigtcp_ipv6, sizeof f_bigtcp_ipv6),
	             PP_R_TCP_TRUNCATED);

	CHECK_REASON(DECODE_WIRE(DECODE_DLT_EN10MB, f_bigtcp_vxlan, BIGTCP_VXLAN_WIRE), PP_OK);
	CHECK(has(PP_L_VXLAN) && has(PP_L_BIG_TCP));
	CHECK_EQ(obs.tun.vni, 5001);
	CHECK(is_v4(&obs.tun.src, 10, 25, 132, 11));
	CHECK(is_v4(&obs.src, 192, 168, 1, 2));
	CHECK_EQ(obs.ip_id, 0x7b2c);
	CHECK_EQ(obs.ip_len, BIGTCP_VXLAN_WIRE - 14 - 20 - 8 - 8 - 14);
	CHECK_EQ(obs.payload_len, BIGTCP_VXLAN_WIRE - 14 - 20 - 8 - 8 - 14 - 40);
	CHECK(obs.flags & PP_OBS_BIG_TCP);
}

/* A decode that fails must not leave the previous packet's fields behind. */
static void test_reset(void)
{
	CHECK_REASON(DECODE(DECODE_DLT_LINUX_SLL2, f_sll2_out_ipv6_tcp), PP_OK);
	CHECK_REASON(DECODE(DECODE_DLT_EN10MB, f_bad_eth_trunc), PP_R_ETH_TRUNCATED);
	CHECK_EQ(obs.ifindex, UINT32_MAX);
	CHECK_EQ(obs.family, 0);
	CHECK_EQ(obs.seq, 0);
	CHECK_EQ(dc.layers, 1u << PP_L_ETH);
	CHECK_EQ(dc.tunnels, 0);
}

static void test_bounds(void)
{
	struct pp_obs o;
	struct decode_ctx c = {.cfg = &cfg, .obs = &o};

	check_context = "decode_enter";
	for (unsigned i = 0; i < DECODE_MAX_LAYERS; i++)
		CHECK_REASON(decode_enter(&c, PP_L_VLAN), PP_OK);
	CHECK_REASON(decode_enter(&c, PP_L_VLAN), PP_R_TOO_MANY_LAYERS);
	CHECK_EQ(c.depth, DECODE_MAX_LAYERS);

	check_context = "decode_tunnel";
	memset(&c, 0, sizeof c);
	memset(&o, 0, sizeof o);
	c.obs = &o;
	o.src.b[15] = 1;
	o.sport = 99;
	o.flags = PP_OBS_BIG_TCP | PP_OBS_DF | PP_OBS_PORTS;
	o.ifindex = 5;
	o.dir = PP_DIR_OUT;
	{
		static const uint8_t payload[4] = {0x45};
		struct span in = span_make(payload, sizeof payload, sizeof payload);

		CHECK_REASON(decode_tunnel(&c, &in, false, PP_L_GRE, PP_TUN_GRE, 77), PP_OK);
		/* -f tests the outermost tunnel's payload */
		CHECK(c.inner.p == payload && c.inner.cap == 4 && !c.inner_ether);
	}
	CHECK_EQ(o.tun.kind, PP_TUN_GRE);
	CHECK_EQ(o.tun.vni, 77);
	CHECK_EQ(o.tun.src.b[15], 1);
	CHECK_EQ(o.src.b[15], 0);
	CHECK_EQ(o.sport, 0);
	CHECK_EQ(o.flags, PP_OBS_BIG_TCP);
	CHECK_EQ(o.ifindex, 5);
	CHECK_EQ(o.dir, PP_DIR_OUT);
	CHECK_REASON(decode_tunnel(&c, &c.inner, true, PP_L_VXLAN, PP_TUN_VXLAN, 1), PP_OK);
	CHECK_EQ(o.tun.kind, PP_TUN_GRE); /* the outermost tunnel is kept */
	CHECK(!c.inner_ether);
	CHECK_REASON(decode_tunnel(&c, &c.inner, true, PP_L_VXLAN, PP_TUN_VXLAN, 1),
	             PP_R_TOO_MANY_LAYERS);

	/* A VLAN tag limit per Ethernet header, not per frame. */
	check_context = "vlan per eth";
	{
		/* clang-format off */
		static const uint8_t qinq_in_vxlan[] = {
			ETH(0x88, 0xa8),
			/* 802.1ad, 802.1Q */
			0x00, 0x01, 0x81, 0x00, 0x00, 0x02, 0x08, 0x00,
			/* IPv4: len 74, UDP */
			0x45, 0x00, 0x00, 0x4a, 0x00, 0x00, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00, IP4_A,
			IP4_B,
			/* UDP: > 4789, len 54 */
			0x03, 0xe8, 0x12, 0xb5, 0x00, 0x36, 0x00, 0x00,
			/* VXLAN vni 9 */
			0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00,
			/* inner Ethernet, 802.1Q */
			MAC_D, MAC_C, 0x81, 0x00, 0x00, 0x05, 0x08, 0x00,
			/* inner IPv4: len 20, proto 253 */
			0x45, 0x00, 0x00, 0x14, 0x00, 0x07, 0x00, 0x00, 0x40, 0xfd, 0x00, 0x00, IP4_B,
			IP4_A,
		};
		/* clang-format on */

		CHECK_REASON(DECODE(DECODE_DLT_EN10MB, qinq_in_vxlan), PP_OK);
		CHECK_EQ(obs.proto, 253);
		CHECK_EQ(obs.tun.vni, 9);
		CHECK_EQ(obs.ip_id, 7);
	}
}

/* ------------------------------------------------------------- sweeps */

static int core_equal(const struct pp_obs *a, const struct pp_obs *b)
{
	return a->family == b->family && addr_eq(&a->src, &b->src) && addr_eq(&a->dst, &b->dst) &&
	       a->proto == b->proto && a->ip_len == b->ip_len && a->ip_id == b->ip_id &&
	       a->ttl == b->ttl && a->payload_len == b->payload_len && a->sport == b->sport &&
	       a->dport == b->dport && a->seq == b->seq && a->ack == b->ack &&
	       a->tcp_flags == b->tcp_flags && a->icmp_type == b->icmp_type &&
	       a->icmp_code == b->icmp_code && a->mtu == b->mtu && a->frag_off == b->frag_off &&
	       a->ifindex == b->ifindex && a->dir == b->dir && a->tun.kind == b->tun.kind &&
	       a->tun.vni == b->tun.vni && addr_eq(&a->tun.src, &b->tun.src) &&
	       addr_eq(&a->tun.dst, &b->tun.dst) &&
	       (a->flags & ~(PP_OBS_PAYLOAD_CUT | PP_OBS_QUOTE_PORTS)) ==
	           (b->flags & ~(PP_OBS_PAYLOAD_CUT | PP_OBS_QUOTE_PORTS));
}

static unsigned long sweep_runs;

/* Every frame at every caplen 0..n with its wire length fixed: a reason or
 * PP_OK, never a crash or a read past caplen. A frame that decodes fully
 * may only fail as truncated when cut, and what it decodes when cut must
 * be what it decodes whole: lengths come from the wire, not the capture. */
static void test_truncation_sweep(void)
{
	for (size_t i = 0; i < TEST_FRAMES_N; i++) {
		const struct test_frame *f = &test_frames[i];
		size_t wire = f->wire ? f->wire : f->len;
		struct pp_obs ref;
		enum pp_reason rref;

		check_context = f->name;
		rref = decode_copy(f->dlt, f->data, f->len, wire);
		ref = obs;
		for (size_t c = 0; c <= f->len; c++) {
			enum pp_reason r = decode_copy(f->dlt, f->data, c, wire);

			sweep_runs++;
			if ((unsigned)r >= PP_R__COUNT) {
				CHECK(!"reason out of range");
				continue;
			}
			CHECK(obs.head_len <= c && obs.digest_len <= c);
			CHECK(obs.head_len <= PP_HEAD_LEN && obs.digest_len <= PP_DIGEST_LEN);
			if (c == f->len) {
				CHECK_REASON(r, rref);
				continue;
			}
			if (rref != PP_OK)
				continue;
			if (r != PP_OK) {
				if (strstr(reason_name(r), "truncated") == NULL) {
					fprintf(stderr, "  at caplen %zu of %zu: %s\n", c, f->len,
					        reason_name(r));
					CHECK(!"a cut frame fails only as truncated");
				}
				continue;
			}
			if (!core_equal(&obs, &ref)) {
				fprintf(stderr, "  at caplen %zu of %zu\n", c, f->len);
				CHECK(!"a cut frame decodes as the whole one");
			}
			CHECK((obs.flags & PP_OBS_PAYLOAD_CUT) ||
			      obs.payload_len == ref.payload_len);
		}
	}
}

/* Each byte of each frame replaced by a few hostile values. */
static void test_mutation_sweep(void)
{
	static const int delta[] = {-1, 1, 0x80};
	static const uint8_t fixed[] = {0x00, 0xff, 0x0f, 0xf0};
	uint8_t tmp[256];

	for (size_t i = 0; i < TEST_FRAMES_N; i++) {
		const struct test_frame *f = &test_frames[i];
		size_t wire = f->wire ? f->wire : f->len;

		if (f->len > sizeof tmp)
			continue;
		check_context = f->name;
		for (size_t pos = 0; pos < f->len; pos++) {
			for (size_t m = 0; m < 7; m++) {
				enum pp_reason r;

				memcpy(tmp, f->data, f->len);
				tmp[pos] = m < 3 ? (uint8_t)(tmp[pos] + delta[m]) : fixed[m - 3];
				r = decode_copy(f->dlt, tmp, f->len, wire);
				sweep_runs++;
				CHECK((unsigned)r < PP_R__COUNT);
				CHECK(obs.head_len <= PP_HEAD_LEN &&
				      obs.digest_len <= PP_DIGEST_LEN);
			}
		}
	}
}

/* Wire lengths that lie (shorter than caplen is repaired by span_make,
 * huge ones must not overflow anything). */
static void test_wire_extremes(void)
{
	static const size_t wires[] = {0, 1, 65535, 65536, 0xffffffffu, (size_t)-1};

	for (size_t i = 0; i < TEST_FRAMES_N; i++) {
		const struct test_frame *f = &test_frames[i];

		check_context = f->name;
		for (size_t w = 0; w < sizeof wires / sizeof wires[0]; w++) {
			enum pp_reason r = decode_copy(f->dlt, f->data, f->len, wires[w]);

			sweep_runs++;
			CHECK((unsigned)r < PP_R__COUNT);
			if (r == PP_OK)
				CHECK(obs.payload_len <= obs.ip_len || obs.ip_len == UINT32_MAX);
		}
	}
}

int main(void)
{
	decode_cfg_default(&cfg);
	CHECK_EQ(cfg.nports, 3);

	test_expected_reasons();
	test_link();
	test_ipv4();
	test_ipv6();
	test_icmp();
	test_tunnels();
	test_big();
	test_reset();
	test_bounds();
	test_truncation_sweep();
	test_mutation_sweep();
	test_wire_extremes();

	printf("test_decode: %zu frames, %lu sweep decodes, %u checks, %u failed\n", TEST_FRAMES_N,
	       sweep_runs, checks, failures);
	return failures == 0 ? 0 : 1;
}
