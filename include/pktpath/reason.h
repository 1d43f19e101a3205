/* reason.h - why a packet was not used, and which layers were decoded.
 *
 * Reason names are part of the output contract (text summary, JSON "ignored",
 * man page): add new ones at the end of a group, never rename one.
 */
#ifndef PKTPATH_REASON_H
#define PKTPATH_REASON_H

#include <stdint.h>

/* X(enum constant, stable dotted name) */
#define PP_REASON_LIST(X)                                                                          \
	X(PP_R_PCAP_CAPLEN_ZERO, "pcap.caplen_zero")                                               \
	X(PP_R_PCAP_CAPLEN_OVER_LEN, "pcap.caplen_exceeds_length")                                 \
	X(PP_R_PCAP_CAPLEN_TOO_LARGE, "pcap.caplen_too_large")                                     \
	X(PP_R_PCAP_FILTERED, "filter.rejected")                                                   \
	X(PP_R_LINK_UNSUPPORTED, "link.unsupported_type")                                          \
	X(PP_R_LINK_NOT_IP, "link.not_ip")                                                         \
	X(PP_R_ETH_TRUNCATED, "eth.truncated")                                                     \
	X(PP_R_VLAN_TRUNCATED, "vlan.truncated")                                                   \
	X(PP_R_VLAN_TOO_MANY_TAGS, "vlan.too_many_tags")                                           \
	X(PP_R_SLL_TRUNCATED, "sll.truncated")                                                     \
	X(PP_R_SLL2_TRUNCATED, "sll2.truncated")                                                   \
	X(PP_R_LOOPBACK_TRUNCATED, "loopback.truncated")                                           \
	X(PP_R_LOOPBACK_UNKNOWN_FAMILY, "loopback.unknown_family")                                 \
	X(PP_R_RAW_BAD_VERSION, "raw.bad_ip_version")                                              \
	X(PP_R_RAW_TRUNCATED, "raw.truncated")                                                     \
	X(PP_R_IPV4_TRUNCATED, "ipv4.truncated")                                                   \
	X(PP_R_IPV4_BAD_VERSION, "ipv4.bad_version")                                               \
	X(PP_R_IPV4_BAD_HLEN, "ipv4.bad_header_length")                                            \
	X(PP_R_IPV4_BAD_TOTAL_LEN, "ipv4.bad_total_length")                                        \
	X(PP_R_IPV6_TRUNCATED, "ipv6.truncated")                                                   \
	X(PP_R_IPV6_BAD_VERSION, "ipv6.bad_version")                                               \
	X(PP_R_IPV6_BAD_PAYLOAD_LEN, "ipv6.bad_payload_length")                                    \
	X(PP_R_IPV6_EXT_TRUNCATED, "ipv6.extension_truncated")                                     \
	X(PP_R_IPV6_BAD_JUMBO, "ipv6.bad_jumbogram")                                               \
	X(PP_R_TCP_TRUNCATED, "tcp.truncated")                                                     \
	X(PP_R_TCP_BAD_DATA_OFFSET, "tcp.bad_data_offset")                                         \
	X(PP_R_UDP_TRUNCATED, "udp.truncated")                                                     \
	X(PP_R_UDP_BAD_LEN, "udp.bad_length")                                                      \
	X(PP_R_ICMP_TRUNCATED, "icmp.truncated")                                                   \
	X(PP_R_ICMP6_TRUNCATED, "icmp6.truncated")                                                 \
	X(PP_R_VXLAN_TRUNCATED, "vxlan.truncated")                                                 \
	X(PP_R_VXLAN_BAD_FLAGS, "vxlan.bad_flags")                                                 \
	X(PP_R_GENEVE_TRUNCATED, "geneve.truncated")                                               \
	X(PP_R_GENEVE_BAD_VERSION, "geneve.bad_version")                                           \
	X(PP_R_GENEVE_BAD_OPTLEN, "geneve.bad_option_length")                                      \
	X(PP_R_GENEVE_UNSUPPORTED_PROTO, "geneve.unsupported_protocol")                            \
	X(PP_R_GRE_TRUNCATED, "gre.truncated")                                                     \
	X(PP_R_GRE_UNSUPPORTED_VERSION, "gre.unsupported_version")                                 \
	X(PP_R_GRE_UNSUPPORTED_PROTO, "gre.unsupported_protocol")                                  \
	X(PP_R_GRE_UNSUPPORTED_ROUTING, "gre.unsupported_routing")                                 \
	X(PP_R_TOO_MANY_LAYERS, "decode.too_many_layers")                                          \
	X(PP_R_MATCH_UNMATCHED, "match.unmatched")                                                 \
	X(PP_R_MPLS_TRUNCATED, "mpls.truncated")                                                   \
	X(PP_R_MPLS_TOO_MANY_LABELS, "mpls.too_many_labels")                                       \
	X(PP_R_MPLS_NOT_IP, "mpls.not_ip")

/* Layers that were decoded, counted so that tests can assert what was seen. */
#define PP_LAYER_LIST(X)                                                                           \
	X(PP_L_ETH, "eth")                                                                         \
	X(PP_L_VLAN, "vlan")                                                                       \
	X(PP_L_SLL, "sll")                                                                         \
	X(PP_L_SLL2, "sll2")                                                                       \
	X(PP_L_LOOPBACK, "loopback")                                                               \
	X(PP_L_RAW, "raw")                                                                         \
	X(PP_L_IPV4, "ipv4")                                                                       \
	X(PP_L_IPV6, "ipv6")                                                                       \
	X(PP_L_FRAGMENT, "fragment")                                                               \
	X(PP_L_TCP, "tcp")                                                                         \
	X(PP_L_UDP, "udp")                                                                         \
	X(PP_L_ICMP, "icmp")                                                                       \
	X(PP_L_ICMP6, "icmp6")                                                                     \
	X(PP_L_OTHER_IP_PROTO, "other_ip_proto")                                                   \
	X(PP_L_VXLAN, "vxlan")                                                                     \
	X(PP_L_GENEVE, "geneve")                                                                   \
	X(PP_L_GRE, "gre")                                                                         \
	X(PP_L_IPIP, "ipip")                                                                       \
	X(PP_L_BIG_TCP, "big_tcp")                                                                 \
	X(PP_L_SNAPLEN_CUT, "snaplen_cut")                                                         \
	X(PP_L_MPLS, "mpls")

/* Things worth reporting about packets that were still used. */
#define PP_NOTE_LIST(X)                                                                            \
	X(PP_N_TS_BACKWARDS, "pcap.timestamp_backwards")                                           \
	X(PP_N_RECORD_CUT, "pcap.last_record_cut")                                                 \
	X(PP_N_TS_OUT_OF_RANGE, "pcap.timestamp_out_of_range")

#define PP_X_ENUM(id, name) id,

enum pp_reason { PP_OK = 0, PP_REASON_LIST(PP_X_ENUM) PP_R__COUNT };
enum pp_layer { PP_LAYER_LIST(PP_X_ENUM) PP_L__COUNT };
enum pp_note { PP_NOTE_LIST(PP_X_ENUM) PP_N__COUNT };

/* Per input file: every packet read is used or counted under a reason. */
struct pp_counts {
	uint64_t read;
	uint64_t ignored[PP_R__COUNT];
	uint64_t decoded[PP_L__COUNT];
	uint64_t notes[PP_N__COUNT];
};

const char *reason_name(enum pp_reason r);
const char *layer_name(enum pp_layer l);
const char *note_name(enum pp_note n);

/* Adds every counter of src to dst. */
void counts_add(struct pp_counts *dst, const struct pp_counts *src);
uint64_t counts_ignored_total(const struct pp_counts *c);

#endif
