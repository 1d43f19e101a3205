#!/usr/bin/env bash
# --fail-on: exit 1 when a named finding occurs in what is reported, 0
# otherwise; the report is written either way.
. "$(dirname "$0")/lib.sh" "$@"
need tshark

# expect STATUS LIST SCENARIO: the report is written either way, and each
# finding that makes the run fail is said on stderr (nothing when none)
expect() {
	status "$1" "$PKTPATH" --fail-on "$2" "$3"
	has "$TMP/out" '^[0-9]+ conversations?' "the report is written (--fail-on $2, $(basename "$3"))"
	if [ "$1" = 0 ]; then
		[ ! -s "$TMP/err" ] || { show "$TMP/err"; fail "stderr not empty on a pass"; }
	else
		has "$TMP/err" '^pktpath: --fail-on: (stop|snat|nat|loss|unmatched): ' "why it failed (--fail-on $2, $(basename "$3"))"
	fi
}

expect 1 stop "$S6"            # one flow silently dropped on node2
has "$TMP/err" '^pktpath: --fail-on: stop: conv [0-9]+ tcp 172\.23\.96\.23:41601 -> 192\.168\.13\.23:80: forward silent drop: .*stopped after node2/eth0: 3 packets never reached node2/cni0' "the stop named on stderr"
[ "$(grep -c . "$TMP/err")" = 1 ] || { show "$TMP/err"; fail "one line per finding"; }
expect 0 stop "$S2"            # healthy
expect 1 snat "$S5"            # Cluster policy: SNAT to node1's address
expect 0 snat "$S4"            # Local policy: client IP kept
expect 0 snat "$S6"            # reverse SNAT (un-DNAT) is no SNAT finding
expect 1 nat "$S2"             # ClusterIP DNAT
expect 1 nat "$S4"             # NodePort DNAT
expect 0 unmatched "$S2"
expect 1 stop,snat "$S5"
expect 1 snat,stop "$S6"
expect 0 stop,snat,unmatched "$S2"
# with no --fail-on, findings never change the status
status 0 "$PKTPATH" "$S6"
# only the conversations reported count: the healthy flow alone is no stop
status 0 "$PKTPATH" --fail-on stop --conversation 172.23.96.23:41602 "$S6"
status 1 "$PKTPATH" --fail-on stop --conversation 172.23.96.23:41601 "$S6"

# unmatched: scenario 2 with the request segment (the first packet with
# data) removed from every point but node1/eth0, in the middle of the path
cp -r "$S2" "$TMP/um"
id=$(tshark -r "$S2/node1/pod-centos/eth0.pcap" -Y 'tcp.len > 0 && tcp.dstport == 80' \
	-T fields -e ip.id 2>/dev/null | head -n 1)
[ -n "$id" ] || fail "no request segment in scenario 2"
(cd "$TMP/um" && find . -name '*.pcap') | while read -r f; do
	[ "$f" = ./node1/eth0.pcap ] && continue
	tshark -r "$TMP/um/$f" -Y "!(ip.id == $id)" -F nsecpcap -w "$TMP/um/$f.new" 2>/dev/null
	mv "$TMP/um/$f.new" "$TMP/um/$f"
done
expect 1 unmatched "$TMP/um"
has "$TMP/out" '1 packets seen at one inner point only' "the unmatched packet in the report"
expect 0 stop "$TMP/um"

# loss TCP recovered is no stop, and --fail-on loss names it
if [ -d "$TESTDATA/22-recovered-loss" ]; then
	expect 0 stop "$TESTDATA/22-recovered-loss"
	expect 1 loss "$TESTDATA/22-recovered-loss"
	has "$TMP/err" '^pktpath: --fail-on: loss: conv [0-9]+ tcp .*: reverse [0-9]+ packets lost after node2/eth0 on the way to node1/eth0, delivered later by retransmission' "the recovered loss named"
fi
# --conversation that matches nothing says so, and fails on nothing
status 0 "$PKTPATH" --fail-on stop --conversation 10.9.9.9 "$S6"
has "$TMP/err" "^pktpath: warning: --conversation: no conversation matches '10\.9\.9\.9'$" "no match said"
has "$TMP/out" '^0 conversations' "the header counts only the selected"

status 2 "$PKTPATH" --fail-on drops "$S6"
has "$TMP/err" "^pktpath: --fail-on: 'drops' is not one of stop, loss, snat, nat, unmatched$" "bad --fail-on"
status 2 "$PKTPATH" --fail-on "" "$S6"
has "$TMP/err" '^pktpath: --fail-on: empty list$' "empty --fail-on"
echo PASS
