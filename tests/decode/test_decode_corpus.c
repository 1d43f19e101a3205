/* test_decode_corpus.c - real frames: decodes captures of the tcpdump test
 * corpus (../shared/corpus/tcpdump-tests) and checks field values that were
 * read off `tcpdump -# -nn -S -vv -e -r FILE` (or, where tcpdump 4.99 cannot
 * parse BIG TCP, off `tcpdump -x` hex dumps and `tshark -T fields`), never
 * off this decoder. Then every packet of every corpus file whose link type
 * is supported is decoded from an exactly sized heap copy: under the
 * sanitizer build that is a read-past-caplen check on ~800 hostile files.
 *
 * libpcap is used here only to read the files; the decoders never see it.
 * Exit 77 (ctest skip) when the corpus is not there.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "decode/decode.h"

#include "check.h"

static char cur[256]; /* the case or file; check_context points here */

static int addr_is(const struct pp_addr *a, const char *text)
{
	struct pp_addr want;
	uint8_t v4[4];

	if (inet_pton(AF_INET, text, v4) == 1)
		addr_set_v4(&want, v4);
	else if (inet_pton(AF_INET6, text, want.b) != 1)
		return 0;
	return addr_eq(a, &want);
}

#define L(layer) (1u << (layer))

/* One expected packet: file, 1-based packet number, result, field checks. */
struct corpus_case {
	const char *file;
	unsigned pkt;
	enum pp_reason reason;
	void (*check)(const struct pp_obs *o, uint32_t layers);
};

/* vxlan.pcap #1: 192.168.203.1.45149 > 192.168.202.1.4789 VXLAN vni 100;
 * inner 192.168.203.3 > 192.168.203.5 (id 0, DF, ttl 64, length 84) ICMP
 * echo request, id 1292, seq 1, length 64. */
static void c_vxlan_1(const struct pp_obs *o, uint32_t layers)
{
	CHECK(layers & L(PP_L_VXLAN));
	CHECK_EQ(o->tun.kind, PP_TUN_VXLAN);
	CHECK_EQ(o->tun.vni, 100);
	CHECK(addr_is(&o->tun.src, "192.168.203.1") && addr_is(&o->tun.dst, "192.168.202.1"));
	CHECK(addr_is(&o->src, "192.168.203.3") && addr_is(&o->dst, "192.168.203.5"));
	CHECK_EQ(o->ip_id, 0);
	CHECK_EQ(o->ttl, 64);
	CHECK_EQ(o->ip_len, 84);
	CHECK(o->flags & PP_OBS_DF);
	CHECK_EQ(o->icmp_type, 8);
	CHECK_EQ(o->sport, 1292);
	CHECK_EQ(o->seq, 1);
	CHECK_EQ(o->payload_len, 56);
}

/* vxlan.pcap #4: 192.168.202.1.32894 > 192.168.203.1.4789; inner
 * 192.168.203.5 > 192.168.203.3 (id 47283, no DF) echo reply id 1292 seq 1. */
static void c_vxlan_4(const struct pp_obs *o, uint32_t layers)
{
	CHECK(addr_is(&o->tun.src, "192.168.202.1"));
	CHECK(addr_is(&o->src, "192.168.203.5"));
	CHECK_EQ(o->ip_id, 47283);
	CHECK(!(o->flags & PP_OBS_DF));
	CHECK_EQ(o->icmp_type, 0);
	CHECK_EQ(o->sport, 1292);
}

/* vxlan_port_8472.pcap #1: the same frame on flannel's port 8472 (tcpdump
 * calls it OTV, instance 100). */
static void c_vxlan8472_1(const struct pp_obs *o, uint32_t layers)
{
	CHECK_EQ(o->tun.kind, PP_TUN_VXLAN);
	CHECK_EQ(o->tun.vni, 100);
	CHECK(addr_is(&o->src, "192.168.203.3"));
	CHECK_EQ(o->sport, 1292);
}

/* geneve.pcap #1: 20.0.0.1.12618 > 20.0.0.2.6081 Geneve [C] vni 0xa, one
 * 8-byte option, TEB; inner 30.0.0.1 > 30.0.0.2 (id 48546, DF) echo request
 * id 10578 seq 23, length 64. */
static void c_geneve_1(const struct pp_obs *o, uint32_t layers)
{
	CHECK(layers & L(PP_L_GENEVE));
	CHECK_EQ(o->tun.kind, PP_TUN_GENEVE);
	CHECK_EQ(o->tun.vni, 0xa);
	CHECK(addr_is(&o->tun.src, "20.0.0.1") && addr_is(&o->tun.dst, "20.0.0.2"));
	CHECK(addr_is(&o->src, "30.0.0.1") && addr_is(&o->dst, "30.0.0.2"));
	CHECK_EQ(o->ip_id, 48546);
	CHECK_EQ(o->sport, 10578);
	CHECK_EQ(o->seq, 23);
	CHECK_EQ(o->payload_len, 56);
}

/* geneve.pcap #3: vni 0xb; inner 30.0.0.2.51225 > 30.0.0.1.22 [S]
 * seq 397610159, id 23057, length 60. */
static void c_geneve_3(const struct pp_obs *o, uint32_t layers)
{
	CHECK_EQ(o->tun.vni, 0xb);
	CHECK_EQ(o->sport, 51225);
	CHECK_EQ(o->dport, 22);
	CHECK_EQ(o->seq, 397610159u);
	CHECK_EQ(o->tcp_flags, 0x02);
	CHECK_EQ(o->ip_id, 23057);
	CHECK_EQ(o->ip_len, 60);
	CHECK_EQ(o->payload_len, 0);
}

/* geneve-gcp.pcap #1: 192.168.100.254.62974 > 192.168.100.3.6081, vni 0x0,
 * proto IPv4, 40 bytes of options; inner 192.168.100.2.2905 >
 * 192.168.100.1.8080 seq 760929856, id 55620. */
static void c_geneve_gcp(const struct pp_obs *o, uint32_t layers)
{
	CHECK_EQ(o->tun.kind, PP_TUN_GENEVE);
	CHECK_EQ(o->tun.vni, 0);
	CHECK(addr_is(&o->tun.src, "192.168.100.254"));
	CHECK(addr_is(&o->src, "192.168.100.2") && addr_is(&o->dst, "192.168.100.1"));
	CHECK_EQ(o->sport, 2905);
	CHECK_EQ(o->dport, 8080);
	CHECK_EQ(o->seq, 760929856u);
	CHECK_EQ(o->ip_id, 55620);
}

/* 802.1ad_QinQ.pcap #1: vlan 200 (0x88a8), vlan 2001 (0x8100), ARP. */
static void c_qinq(const struct pp_obs *o, uint32_t layers)
{
	CHECK(layers & L(PP_L_VLAN));
}

/* ipv6-routing-header.pcap #1: hlim 4, Routing (type 0, segleft 1), plen 32,
 * 2200::244:212:3fff:feae:22f7 > 2200::240:2:0:0:4 ICMP6 echo request id 0
 * seq 0. */
static void c_rh0(const struct pp_obs *o, uint32_t layers)
{
	CHECK_EQ(o->family, 6);
	CHECK(addr_is(&o->src, "2200::244:212:3fff:feae:22f7"));
	CHECK(addr_is(&o->dst, "2200::240:2:0:0:4"));
	CHECK_EQ(o->ttl, 4);
	CHECK_EQ(o->ip_len, 72);
	CHECK_EQ(o->proto, 58);
	CHECK_EQ(o->icmp_type, 128);
	CHECK_EQ(o->payload_len, 0);
}

/* tcp-handshake-nano.pcap (LINUX_SLL) #1: Out, 131.155.215.69.46656 >
 * 137.116.81.94.80 [S] seq 797190859, id 10665, ttl 64. */
static void c_sll_1(const struct pp_obs *o, uint32_t layers)
{
	CHECK(layers & L(PP_L_SLL));
	CHECK_EQ(o->dir, PP_DIR_OUT);
	CHECK(addr_is(&o->src, "131.155.215.69"));
	CHECK_EQ(o->sport, 46656);
	CHECK_EQ(o->dport, 80);
	CHECK_EQ(o->seq, 797190859u);
	CHECK_EQ(o->ip_id, 10665);
	CHECK_EQ(o->tcp_flags, 0x02);
}

/* #2: In, 137.116.81.94.80 > 131.155.215.69.46656 [S.] seq 3078856592
 * ack 797190860, ttl 117, id 7236. */
static void c_sll_2(const struct pp_obs *o, uint32_t layers)
{
	CHECK_EQ(o->dir, PP_DIR_IN);
	CHECK_EQ(o->seq, 3078856592u);
	CHECK_EQ(o->ack, 797190860u);
	CHECK_EQ(o->ttl, 117);
	CHECK_EQ(o->ip_id, 7236);
	CHECK_EQ(o->tcp_flags, 0x12);
}

/* tcp_rst_diag_payload.pcap (NULL, AF 2) #1: 192.0.2.1.39829 >
 * 192.168.0.1.8080 [R.] seq 1 ack 334797553 length 8, ttl 255, length 48. */
static void c_null_rst(const struct pp_obs *o, uint32_t layers)
{
	CHECK(layers & L(PP_L_LOOPBACK));
	CHECK(addr_is(&o->src, "192.0.2.1"));
	CHECK_EQ(o->sport, 39829);
	CHECK_EQ(o->seq, 1);
	CHECK_EQ(o->ack, 334797553u);
	CHECK_EQ(o->tcp_flags, 0x14);
	CHECK_EQ(o->payload_len, 8);
	CHECK_EQ(o->ip_len, 48);
}

/* LINKTYPE_RAW_ipv4.pcap / LINKTYPE_IPV4.pcap #1: 192.168.1.100.12345 >
 * 9.9.9.9.53, length 57, DNS query of 29 bytes. */
static void c_raw4(const struct pp_obs *o, uint32_t layers)
{
	CHECK(layers & L(PP_L_RAW));
	CHECK(addr_is(&o->src, "192.168.1.100") && addr_is(&o->dst, "9.9.9.9"));
	CHECK_EQ(o->sport, 12345);
	CHECK_EQ(o->dport, 53);
	CHECK_EQ(o->ip_len, 57);
	CHECK_EQ(o->payload_len, 29);
}

/* LINKTYPE_RAW_ipv6.pcap / LINKTYPE_IPV6.pcap #1: 2001:db8::1.12345 >
 * 2620:fe::9.53, payload length 37, DNS 29 bytes. */
static void c_raw6(const struct pp_obs *o, uint32_t layers)
{
	CHECK(addr_is(&o->src, "2001:db8::1") && addr_is(&o->dst, "2620:fe::9"));
	CHECK_EQ(o->ip_len, 77);
	CHECK_EQ(o->payload_len, 29);
}

/* afs.pcap #29: 131.151.32.21 > 131.151.1.59 ICMP udp port 1792
 * unreachable, quoting (id 52113, DF, UDP) 131.151.1.59.7003 >
 * 131.151.32.21.1792. */
static void c_afs_unreach(const struct pp_obs *o, uint32_t layers)
{
	CHECK_EQ(o->icmp_type, 3);
	CHECK_EQ(o->icmp_code, 3);
	CHECK(o->flags & PP_OBS_ICMP_ERROR);
	CHECK(addr_is(&o->src, "131.151.32.21"));
	CHECK(addr_is(&o->quote.src, "131.151.1.59") && addr_is(&o->quote.dst, "131.151.32.21"));
	CHECK_EQ(o->quote.proto, 17);
	CHECK_EQ(o->quote.ip_id, 52113);
	CHECK(o->flags & PP_OBS_QUOTE_PORTS);
	CHECK_EQ(o->quote.sport, 7003);
	CHECK_EQ(o->quote.dport, 1792);
}

/* bigtcp-ipv4.pcap #1 (tcpdump: "bad-len 0"; tshark: frame 80066, ip.len
 * 80052, id 0x2eff, 35871 > 36425, seq 4155358606, ack 17023525, tcp.len
 * 80000, header 32). */
static void c_bigtcp4(const struct pp_obs *o, uint32_t layers)
{
	CHECK(layers & L(PP_L_BIG_TCP));
	CHECK(o->flags & PP_OBS_BIG_TCP);
	CHECK(addr_is(&o->src, "10.25.132.13"));
	CHECK_EQ(o->ip_id, 0x2eff);
	CHECK_EQ(o->ip_len, 80052);
	CHECK_EQ(o->sport, 35871);
	CHECK_EQ(o->dport, 36425);
	CHECK_EQ(o->seq, 4155358606u);
	CHECK_EQ(o->ack, 17023525u);
	CHECK_EQ(o->payload_len, 80000);
}

/* ipv4_tcp_http_xml_tso.pcap #1 (tcpdump "bad-len 0"; tshark with
 * ip.tso_support: frame 2030, ip.len 2016, id 0x42c9, 30.7.181.121.39556 >
 * 8080, seq 1891338696, ack 727404759, tcp.len 1976). */
static void c_tso(const struct pp_obs *o, uint32_t layers)
{
	CHECK(o->flags & PP_OBS_BIG_TCP);
	CHECK(addr_is(&o->src, "30.7.181.121"));
	CHECK_EQ(o->ip_len, 2016);
	CHECK_EQ(o->ip_id, 0x42c9);
	CHECK_EQ(o->sport, 39556);
	CHECK_EQ(o->seq, 1891338696u);
	CHECK_EQ(o->ack, 727404759u);
	CHECK_EQ(o->payload_len, 1976);
	CHECK_EQ(o->head[0], 'P');
}

/* bigtcp-ipv6.pcap #1 (tcpdump "[|tcp]", payload length 0, next header TCP;
 * hex: 2604:1380:4091:ce00::b > ::d, a903 > a103 = 43267 > 41219,
 * seq 0x8707a699, ack 0xe5840de4, data offset 8, frame 80054). */
static void c_bigtcp6(const struct pp_obs *o, uint32_t layers)
{
	CHECK(o->flags & PP_OBS_BIG_TCP);
	CHECK(addr_is(&o->src, "2604:1380:4091:ce00::b"));
	CHECK_EQ(o->ttl, 61);
	CHECK_EQ(o->sport, 43267);
	CHECK_EQ(o->dport, 41219);
	CHECK_EQ(o->seq, 0x8707a699u);
	CHECK_EQ(o->ack, 0xe5840de4u);
	CHECK_EQ(o->ip_len, 80054 - 14);
	CHECK_EQ(o->payload_len, 80054 - 14 - 40 - 32);
}

/* bigtcp-ipv6-hbh.pcap #1: HBH (jumbo: 80040), 41851 > 43913 [P.]
 * seq 592820498:592900498, ack 2512896041, length 80000. */
static void c_bigtcp6_hbh(const struct pp_obs *o, uint32_t layers)
{
	CHECK(o->flags & PP_OBS_BIG_TCP);
	CHECK(addr_is(&o->src, "2604:1380:4091:ce00::d"));
	CHECK_EQ(o->ip_len, 40 + 80040);
	CHECK_EQ(o->sport, 41851);
	CHECK_EQ(o->dport, 43913);
	CHECK_EQ(o->seq, 592820498u);
	CHECK_EQ(o->ack, 2512896041u);
	CHECK_EQ(o->tcp_flags, 0x18);
	CHECK_EQ(o->payload_len, 80000);
}

/* bigtcp-ipv4-vxlan-ipv4.pcap #1 (tcpdump "bad-len 0"; hex: outer
 * 10.25.132.11 > 10.25.132.13 id 0x6f29, UDP b7c4 > 12b5 len 0, VXLAN vni
 * 0x1389; inner 192.168.1.2 > 192.168.1.1 id 0x7b2c len 0, 900b > 8e61,
 * seq 0x1da2d42e, ack 0x3c14a65c, data offset 8; frame 80116). */
static void c_bigtcp4_vxlan(const struct pp_obs *o, uint32_t layers)
{
	CHECK(layers & L(PP_L_VXLAN));
	CHECK_EQ(o->tun.kind, PP_TUN_VXLAN);
	CHECK_EQ(o->tun.vni, 5001);
	CHECK(addr_is(&o->tun.src, "10.25.132.11"));
	CHECK(addr_is(&o->src, "192.168.1.2") && addr_is(&o->dst, "192.168.1.1"));
	CHECK_EQ(o->ip_id, 0x7b2c);
	CHECK_EQ(o->sport, 36875);
	CHECK_EQ(o->dport, 36449);
	CHECK_EQ(o->seq, 0x1da2d42eu);
	CHECK_EQ(o->ip_len, 80116 - 14 - 20 - 8 - 8 - 14);
	CHECK_EQ(o->payload_len, 80000);
}

/* bigtcp-ipv6-geneve-ipv4.pcap #1 (hex: outer IPv6 plen 0 next UDP,
 * d873 > 17c1 len 0, Geneve TEB vni 0x1389; inner 192.168.1.2 > 192.168.1.1
 * id 0x36bf len 0, abb7 > 9bcf, seq 0xe99195fc, data offset 8; frame
 * 80136). */
static void c_bigtcp6_geneve(const struct pp_obs *o, uint32_t layers)
{
	CHECK_EQ(o->tun.kind, PP_TUN_GENEVE);
	CHECK_EQ(o->tun.vni, 5001);
	CHECK(addr_is(&o->tun.src, "2604:1380:4091:ce00::b"));
	CHECK_EQ(o->family, 4);
	CHECK_EQ(o->ip_id, 0x36bf);
	CHECK_EQ(o->sport, 43959);
	CHECK_EQ(o->dport, 39887);
	CHECK_EQ(o->seq, 0xe99195fcu);
	CHECK_EQ(o->payload_len, 80000);
}

/* gso-ipv6-vxlan-ipv4.pcap #1: 2604:1380:4091:ce00::b.35971 > ::d.4789
 * VXLAN vni 5001; inner (id 61850, DF, length 6942) 192.168.1.2.34737 >
 * 192.168.1.1.42261 [P.] seq 459554290 ack 3104965599, length 6890. */
static void c_gso_vxlan(const struct pp_obs *o, uint32_t layers)
{
	CHECK(!(o->flags & PP_OBS_BIG_TCP));
	CHECK_EQ(o->tun.vni, 5001);
	CHECK(addr_is(&o->tun.dst, "2604:1380:4091:ce00::d"));
	CHECK_EQ(o->ip_id, 61850);
	CHECK_EQ(o->ip_len, 6942);
	CHECK_EQ(o->sport, 34737);
	CHECK_EQ(o->seq, 459554290u);
	CHECK_EQ(o->ack, 3104965599u);
	CHECK_EQ(o->payload_len, 6890);
}

/* ipv6_jumbogram_1.pcap #1: HBH (jumbo: 65536), ICMP6 echo request id 4576
 * seq 51486. */
static void c_jumbo(const struct pp_obs *o, uint32_t layers)
{
	CHECK(o->flags & PP_OBS_BIG_TCP);
	CHECK_EQ(o->ip_len, 40 + 65536);
	CHECK_EQ(o->ttl, 227);
	CHECK_EQ(o->icmp_type, 128);
	CHECK_EQ(o->sport, 4576);
	CHECK_EQ(o->seq, 51486);
	CHECK_EQ(o->payload_len, 65536 - 8 - 8);
}

/* isis-infinite-loop.pcap #1 (LINUX_SLL): Out, GREv0 proto GRE-OSI. */
static void c_sll_gre(const struct pp_obs *o, uint32_t layers)
{
	CHECK_EQ(o->dir, PP_DIR_OUT);
	CHECK(layers & L(PP_L_SLL));
}

static const struct corpus_case cases[] = {
    {"vxlan.pcap", 1, PP_OK, c_vxlan_1},
    {"vxlan.pcap", 2, PP_R_LINK_NOT_IP, NULL}, /* inner ARP */
    {"vxlan.pcap", 4, PP_OK, c_vxlan_4},
    {"vxlan_port_8472.pcap", 1, PP_OK, c_vxlan8472_1},
    {"geneve.pcap", 1, PP_OK, c_geneve_1},
    {"geneve.pcap", 3, PP_OK, c_geneve_3},
    {"geneve-gcp.pcap", 1, PP_OK, c_geneve_gcp},
    {"802.1ad_QinQ.pcap", 1, PP_R_LINK_NOT_IP, c_qinq},
    {"ipv6-routing-header.pcap", 1, PP_OK, c_rh0},
    {"tcp-handshake-nano.pcap", 1, PP_OK, c_sll_1},
    {"tcp-handshake-nano.pcap", 2, PP_OK, c_sll_2},
    {"tcp_rst_diag_payload.pcap", 1, PP_OK, c_null_rst},
    {"LINKTYPE_RAW_ipv4.pcap", 1, PP_OK, c_raw4},
    {"LINKTYPE_IPV4.pcap", 1, PP_OK, c_raw4},
    {"LINKTYPE_RAW_ipv6.pcap", 1, PP_OK, c_raw6},
    {"LINKTYPE_IPV6.pcap", 1, PP_OK, c_raw6},
    {"LINKTYPE_IPV4_invalid.pcap", 1, PP_R_IPV4_BAD_VERSION, NULL}, /* IPv6 inside */
    {"LINKTYPE_IPV6_invalid.pcap", 1, PP_R_IPV6_BAD_VERSION, NULL}, /* IPv4 inside */
    {"afs.pcap", 29, PP_OK, c_afs_unreach},
    {"bigtcp-ipv4.pcap", 1, PP_OK, c_bigtcp4},
    {"ipv4_tcp_http_xml_tso.pcap", 1, PP_OK, c_tso},
    {"icmp-length-zero.pcapng", 1, PP_R_IPV4_BAD_TOTAL_LEN, NULL}, /* bad-len 0, ICMP */
    {"bigtcp-ipv6.pcap", 1, PP_OK, c_bigtcp6},
    {"bigtcp-ipv6-hbh.pcap", 1, PP_OK, c_bigtcp6_hbh},
    {"bigtcp-ipv4-vxlan-ipv4.pcap", 1, PP_OK, c_bigtcp4_vxlan},
    {"bigtcp-ipv6-geneve-ipv4.pcap", 1, PP_OK, c_bigtcp6_geneve},
    {"gso-ipv6-vxlan-ipv4.pcap", 1, PP_OK, c_gso_vxlan},
    {"ipv6_jumbogram_1.pcap", 1, PP_OK, c_jumbo},
    {"ipv6_jumbogram_invalid_length.pcap", 1, PP_R_IPV6_BAD_JUMBO, NULL}, /* 1 byte missing */
    {"ipv6-too-long-jumbo.pcap", 1, PP_R_IPV6_BAD_JUMBO, NULL},           /* jumbo seen twice */
    {"ipv6_missing_jumbo_payload_option.pcap", 1, PP_R_IPV6_BAD_JUMBO, NULL},
    {"ipv6-bad-version.pcap", 2, PP_R_IPV6_BAD_VERSION, NULL}, /* version error: 0 != 6 */
    {"ipv4_invalid_total_length.pcap", 1, PP_R_IPV4_BAD_TOTAL_LEN, NULL},   /* 1 byte missing */
    {"ipv4_invalid_total_length_2.pcap", 1, PP_R_IPV4_BAD_TOTAL_LEN, NULL}, /* bad-len 19 */
    {"ipv4_invalid_hdr_length.pcap", 1, PP_R_IPV4_BAD_HLEN, NULL},          /* bad-hlen 16 */
    {"isis-infinite-loop.pcap", 1, PP_R_GRE_UNSUPPORTED_PROTO, c_sll_gre},
    {"NHRP_registration.pcap", 1, PP_R_GRE_UNSUPPORTED_PROTO, NULL}, /* gre-proto-0x2001 */
    {"wccp_redirect_gre.pcap", 1, PP_R_GRE_UNSUPPORTED_PROTO, NULL}, /* gre-proto-0x883e */
};

static struct decode_cfg cfg;
static struct pp_obs obs;
static struct decode_ctx dc = {.cfg = &cfg, .obs = &obs};

/* Decodes from an exactly sized heap copy so that ASan catches over-reads. */
static enum pp_reason decode_copy(int dlt, const uint8_t *data, uint32_t caplen, uint32_t len)
{
	uint8_t *buf = malloc(caplen > 0 ? caplen : 1);
	enum pp_reason r;

	if (buf == NULL) {
		perror("malloc");
		exit(1);
	}
	memcpy(buf, data, caplen);
	r = decode_frame(&dc, dlt, buf, caplen, len);
	free(buf);
	return r;
}

static pcap_t *open_file(const char *dir, const char *name)
{
	char path[4096], errbuf[PCAP_ERRBUF_SIZE];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return pcap_open_offline(path, errbuf);
}

static void run_case(const char *dir, const struct corpus_case *c)
{
	pcap_t *p = open_file(dir, c->file);
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned n = 0;

	snprintf(cur, sizeof cur, "%s #%u", c->file, c->pkt);
	if (p == NULL) {
		CHECK(!"file opens");
		return;
	}
	while (pcap_next_ex(p, &h, &data) == 1) {
		enum pp_reason r;

		if (++n != c->pkt)
			continue;
		r = decode_copy(pcap_datalink(p), data, h->caplen, h->len);
		if (r != c->reason)
			fprintf(stderr, "[%s] reason %s, expected %s\n", cur, reason_name(r),
			        reason_name(c->reason));
		CHECK(r == c->reason);
		if (c->check != NULL)
			c->check(&obs, dc.layers);
		break;
	}
	CHECK(n == c->pkt);
	pcap_close(p);
}

/* Every packet of every readable corpus file with a supported link type. */
static void run_all(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned long files = 0, pkts = 0, ok = 0;
	unsigned long by_reason[PP_R__COUNT] = {0};
	int verbose = getenv("PP_CORPUS_VERBOSE") != NULL;

	snprintf(cur, sizeof cur, "all of %s", dir);
	if (d == NULL) {
		CHECK(!"corpus directory opens");
		return;
	}
	while ((e = readdir(d)) != NULL) {
		struct pcap_pkthdr *h;
		const u_char *data;
		pcap_t *p;
		int dlt;

		if (strstr(e->d_name, ".pcap") == NULL)
			continue;
		p = open_file(dir, e->d_name);
		if (p == NULL)
			continue;
		dlt = pcap_datalink(p);
		if (!decode_dlt_supported(dlt)) {
			pcap_close(p);
			continue;
		}
		files++;
		snprintf(cur, sizeof cur, "%s", e->d_name);
		for (unsigned n = 1; pcap_next_ex(p, &h, &data) == 1; n++) {
			enum pp_reason r;

			if (h->caplen == 0 || h->caplen > h->len)
				continue; /* the capture stage counts those */
			r = decode_copy(pcap_datalink(p), data, h->caplen, h->len);
			pkts++;
			CHECK((unsigned)r < PP_R__COUNT);
			if ((unsigned)r < PP_R__COUNT)
				by_reason[r]++;
			if (verbose && r != PP_OK)
				printf("%s #%u: %s\n", e->d_name, n, reason_name(r));
			if (r == PP_OK) {
				ok++;
				CHECK(obs.family == 4 || obs.family == 6);
				CHECK(obs.digest_len <= h->caplen && obs.head_len <= h->caplen);
			}
		}
		pcap_close(p);
	}
	closedir(d);
	printf("corpus: %lu files, %lu packets, %lu decoded\n", files, pkts, ok);
	for (int i = 1; i < PP_R__COUNT; i++)
		if (by_reason[i] != 0)
			printf("  %-32s %lu\n", reason_name((enum pp_reason)i), by_reason[i]);
	CHECK(files > 300);
	CHECK(ok > pkts / 2);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : getenv("PP_CORPUS_DIR");
	DIR *d;

	if (dir == NULL || (d = opendir(dir)) == NULL) {
		printf("test_decode_corpus: no corpus (set PP_CORPUS_DIR): skipped\n");
		return 77;
	}
	closedir(d);
	check_context = cur;
	decode_cfg_default(&cfg);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		run_case(dir, &cases[i]);
	run_all(dir);
	printf("test_decode_corpus: %zu cases, %u checks, %u failed\n",
	       sizeof cases / sizeof cases[0], checks, failures);
	return failures == 0 ? 0 : 1;
}
