#!/usr/bin/env bash
# The text report: the findings line, stop, NAT and client-IP-lost lines,
# and colour only when asked for or on a terminal without NO_COLOR.
. "$(dirname "$0")/lib.sh" "$@"
need script

status 0 "$PKTPATH" "$S6"
cp "$TMP/out" "$TMP/s6.txt"
t=$TMP/s6.txt
# first line: the summary
head -n 1 "$t" >"$TMP/first"
has "$TMP/first" '^[0-9]+ conversations across 10 points on 2 nodes: [0-9]+ delivered, 1 stopped, 0 partial; client IP lost in 0$' "summary line"
# findings come before the conversations, and name the stop
sed -n '2,/^$/p' "$t" >"$TMP/findings"
has "$TMP/findings" '^findings:$' "findings heading"
has "$TMP/findings" '^  conv [0-9]+ tcp 172\.23\.96\.23:41601 -> 192\.168\.13\.23:80: forward silent drop: no answer, nothing seen after: stopped after node2/eth0: 3 packets never reached node2/cni0; expected to leave by cni0' "finding of the dropped flow, named with its evidence"
hasnt "$TMP/findings" '41602' "the healthy flow is no finding"
# the dropped flow's conversation
has "$t" '^conv [0-9]+  tcp 172\.23\.96\.23:41601 -> 192\.168\.13\.23:80  \(3 packets forward, 0 reverse\)$' "conversation heading"
has "$t" '^  forward  stopped +node1/pod-centos/eth0 -> node1/veth62c5b120 -> node1/cni0 -> node1/eth0 -> node2/eth0$' "stopped path"
has "$t" '^ +stopped after node2/eth0: 3 packets never reached node2/cni0; expected to leave by cni0' "stop line"
has "$t" '^ +DNAT 192\.168\.13\.23:80 -> 172\.23\.96\.163:80 \(pod pod-nginx1 on node2\) between node1/veth62c5b120 and node1/cni0$' "DNAT line"
# the healthy one, both ways, with the reverse NAT
has "$t" '^  forward  delivered node1/pod-centos/eth0 -> .* -> node2/pod-nginx1/eth0$' "delivered path"
has "$t" '^  reverse  delivered node2/pod-nginx1/eth0 -> .* -> node1/pod-centos/eth0$' "reverse path"
has "$t" '^ +SNAT 172\.23\.96\.163:80 \(pod pod-nginx1 on node2\) -> 192\.168\.13\.23:80 \(reverse\) between node1/eth0 and node1/cni0$' "reverse SNAT line"
has "$t" '^[0-9]+ packets read, [0-9]+ not used$' "last line"

# where the client IP was lost (scenario 5)
status 0 "$PKTPATH" "$S5"
has "$TMP/out" '^[0-9]+ conversations .*; client IP lost in 1$' "summary line, scenario 5"
has "$TMP/out" '^ +client IP 203\.0\.113\.7 replaced by 10\.0\.0\.180 \(node1 eth0 address\) between node1/eth0\(in\) and node1/eth0\(out\)$' "client IP lost line"
has "$TMP/out" '^ +SNAT 203\.0\.113\.7:[0-9]+ \(client eth0 address\) -> 10\.0\.0\.180:[0-9]+ \(node1 eth0 address\) between node1/eth0\(in\) and node1/eth0\(out\)$' "SNAT line"

# colour: always -> escapes; default into a pipe, never -> none
status 0 "$PKTPATH" --color always "$S6"
has "$TMP/out" "${ESC}\\[31mstopped" "red verdict with --color always"
has "$TMP/out" "${ESC}\\[32mdelivered" "green verdict with --color always"
status 0 "$PKTPATH" "$S6"
hasnt "$TMP/out" "$ESC" "no colour into a pipe by default"
status 0 "$PKTPATH" --color never "$S6"
hasnt "$TMP/out" "$ESC" "no colour with --color never"
NO_COLOR=1 "$PKTPATH" --color always "$S6" >"$TMP/out"
has "$TMP/out" "${ESC}\\[" "--color always wins over NO_COLOR"

# on a terminal: colour by default, none with NO_COLOR (auto honours it)
on_tty "'$PKTPATH' --color auto '$S6'" >"$TMP/tty"
has "$TMP/tty" "${ESC}\\[31mstopped" "colour on a terminal"
on_tty "NO_COLOR=1 '$PKTPATH' --color auto '$S6'" >"$TMP/tty"
has "$TMP/tty" 'stopped after node2/eth0' "report on the terminal"
hasnt "$TMP/tty" "$ESC" "NO_COLOR=1 --color auto on a terminal"

# usage errors name the option
status 2 "$PKTPATH" --color sometimes "$S6"
has "$TMP/err" "^pktpath: --color: 'sometimes' is not one of auto, always, never$" "bad --color"
echo PASS
