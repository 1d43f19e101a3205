#!/usr/bin/env bash
# --conversation, --limit and -f narrow --write-pcapng to the reported
# conversations; what the man page says of the merged file holds: the same
# packet at several points reads as "TCP Retransmission" in Wireshark, one
# point at a time it does not, and the comments select a conversation.
. "$(dirname "$0")/../formats/lib.sh" "$@"
need python3 tshark

# comments PCAPNG: the conversation ids its packets' comments name, and how
# many packets each, as "ID COUNT" lines; "none COUNT" for the rest
comments() {
	tshark -r "$1" -T fields -e frame.comment 2>/dev/null |
		awk '{print ($1 == "conv" ? $2 : "none")}' | sort | uniq -c | awk '{print $2, $1}'
}

status 0 "$PKTPATH" --write-pcapng "$TMP/all.pcapng" "$S6"
comments "$TMP/all.pcapng" >"$TMP/all"
[ "$(wc -l <"$TMP/all")" -ge 3 ] || { show "$TMP/all"; fail "the full pcapng has several conversations"; }
has "$TMP/all" '^4 15$' "conv 4: 3 SYNs at 5 points"

# --conversation: only its packets
status 0 "$PKTPATH" --write-pcapng "$TMP/one.pcapng" --conversation 172.23.96.23:41601 "$S6"
[ "$(comments "$TMP/one.pcapng")" = "4 15" ] || fail "--conversation: $(comments "$TMP/one.pcapng" | tr '\n' ' ')"
# --limit 1: the most interesting one, the same
status 0 "$PKTPATH" --write-pcapng "$TMP/lim.pcapng" --limit 1 "$S6"
cmp -s "$TMP/lim.pcapng" "$TMP/one.pcapng" || fail "--limit 1 writes the stopped conversation only"
# -f: the selected conversations
status 0 "$PKTPATH" --write-pcapng "$TMP/f.pcapng" -f 'port 41602' "$S6"
c=$(comments "$TMP/f.pcapng")
[ "$(wc -l <<<"$c")" = 1 ] && grep -q '^5 ' <<<"$c" || fail "-f: $c"
grep -q '^5 ' "$TMP/all" && [ "$(grep '^5 ' "$TMP/all")" = "$c" ] || fail "-f: every packet of conv 5"
# the narrowed file is far smaller than the whole
[ "$(stat -c %s "$TMP/one.pcapng")" -lt "$(($(stat -c %s "$TMP/all.pcapng") / 3))" ] || fail "--conversation: the pcapng is not smaller"
# only interfaces that have packets
[ "$(tshark -r "$TMP/one.pcapng" -T fields -e frame.interface_name 2>/dev/null | sort -u | wc -l)" = 5 ] ||
	fail "--conversation: one interface per point of its path"

# the man page's words on Wireshark: the same packet at 5 points is marked
# a retransmission; one point at a time nothing was sent twice
status 0 "$PKTPATH" --write-pcapng "$TMP/s2.pcapng" "$S2"
r_all=$(tshark -r "$TMP/s2.pcapng" -Y tcp.analysis.retransmission 2>/dev/null | wc -l)
tshark -r "$TMP/s2.pcapng" -Y 'frame.interface_name == "node1/eth0"' -w "$TMP/one-point.pcapng" 2>/dev/null
[ -s "$TMP/one-point.pcapng" ] || fail "one point's packets saved alone"
r_one=$(tshark -r "$TMP/one-point.pcapng" -Y tcp.analysis.retransmission 2>/dev/null | wc -l)
[ "$r_all" -gt 0 ] && [ "$r_one" = 0 ] || fail "TCP Retransmission marks: $r_all merged, $r_one at node1/eth0"
n=$(tshark -r "$TMP/all.pcapng" -Y 'frame.comment contains "conv 4 "' 2>/dev/null | wc -l)
[ "$n" = 15 ] || fail "the man page's comment filter: $n packets"
n=$(tshark -r "$TMP/all.pcapng" -Y 'frame.comment contains "conv 4 forward hop 5 "' 2>/dev/null | wc -l)
[ "$n" = 3 ] || fail "one hop by its comment: $n packets"
MAN=$(dirname "$0")/../../man/pktpath.1
grep -q 'TCP Retransmission' "$MAN" && grep -q 'frame.comment contains' "$MAN" ||
	fail "the man page says it"
echo PASS
