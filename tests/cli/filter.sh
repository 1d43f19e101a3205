#!/usr/bin/env bash
# -f selects whole conversations: one is reported, at every point, when any
# of its packets passes the filter, inner headers of tunnels and sightings
# before or after NAT included; --packet-filter keeps libpcap's meaning and
# drops the packets it rejects. A filter that leaves a point with no packets
# says so.
. "$(dirname "$0")/../formats/lib.sh" "$@"
need python3
S8=$TESTDATA/8-vxlan-mtu-blackhole

# conv OUT KEY=VALUE: the conversations of a JSON report, one per line, as
# "src:sport>dst:dport" and each direction's verdict and path
convs() {
	python3 -c '
import json, sys
for c in json.load(open(sys.argv[1]))["conversations"]:
    o = c["origin"]
    print("%s:%s>%s:%s" % (o["src"], o["sport"], o["dst"], o["dport"]),
          " | ".join("%s %s %s" % (d["dir"], d["verdict"], ",".join(d["path"])) for d in c["directions"]))
' "$1"
}

# -f 'host CLIENT' after a SNAT: the whole path, the client IP loss found
status 0 "$PKTPATH" --format json "$S5"
convs "$TMP/out" >"$TMP/all5"
grep '^203\.0\.113\.7:' "$TMP/all5" >"$TMP/want5" || fail "scenario 5 has the client's conversation"
status 0 "$PKTPATH" --format json -f 'host 203.0.113.7' "$S5"
cp "$TMP/out" "$TMP/f5.json"
convs "$TMP/f5.json" >"$TMP/got5"
cmp -s "$TMP/want5" "$TMP/got5" || { show "$TMP/got5"; fail "-f host: the conversation as without a filter"; }
has "$TMP/got5" 'forward delivered client/eth0,slb/eth0,slb/eth1,node1/eth0,node1/eth0,node2/eth0,node2/cni0,node2/veth225206b0,node2/pod-nginx1/eth0' "the hops after the SNAT"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
f = d["findings"]
ok = f["conversations"] == 1 and f["client_ip_lost"] == 1 and f["snat"] == 1
lost = d["conversations"][0]["directions"][0]["client_ip_lost"]
sys.exit(0 if ok and lost and lost["replaced_by"] == "10.0.0.180" else "FAIL: %s %s" % (f, lost))
' "$TMP/f5.json" || fail "-f host: client IP lost in 1, the counts of the selection"
[ ! -s "$TMP/err" ] || { show "$TMP/err"; fail "-f host: no point is left empty in scenario 5"; }
status 0 "$PKTPATH" -f 'host 203.0.113.7' "$S5"
has "$TMP/out" '^1 conversation across 12 points on 4 nodes: 1 delivered, 0 stopped, 0 partial; client IP lost in 1$' "text summary of the selection"

# --packet-filter: libpcap's meaning, the hops after the SNAT are gone
status 0 "$PKTPATH" --format json --packet-filter 'host 203.0.113.7' "$S5"
convs "$TMP/out" >"$TMP/p5"
has "$TMP/p5" '^203\.0\.113\.7:[0-9]+>47\.100\.0\.10:80 forward delivered client/eth0,slb/eth0,slb/eth1,node1/eth0 ' "--packet-filter: the path ends where the address was replaced"
has "$TMP/out" '"filter\.rejected": [1-9]' "--packet-filter: rejected packets counted"
for p in node2/eth0 node2/cni0 node2/pod-nginx1/eth0; do
	has "$TMP/err" "^pktpath: warning: $p: --packet-filter 'host 203\\.0\\.113\\.7' leaves this point with no packets \\([0-9]+ rejected\\)$" "--packet-filter empties $p"
done
has "$TMP/out" '"what": "filtered_out"' "in the JSON's warnings"

# -f 'tcp port 80' over VXLAN: the tunnelled copies on the nodes' eth0 stay
status 0 "$PKTPATH" --format json "$S8"
convs "$TMP/out" | grep ':80 ' >"$TMP/want8" || fail "scenario 8 has port 80 conversations"
status 0 "$PKTPATH" --format json -f 'tcp port 80' "$S8"
convs "$TMP/out" >"$TMP/got8"
cmp -s "$TMP/want8" "$TMP/got8" || { show "$TMP/got8"; fail "-f 'tcp port 80': the conversations as without a filter"; }
has "$TMP/got8" 'node1/eth0,node2/eth0' "the VXLAN hop between the nodes"
has "$TMP/got8" 'reverse partial ' "the MTU black hole stays where it is"
# only the node's eth0, all VXLAN: the filter is tested on the inner packets
status 0 "$PKTPATH" --format json -f 'tcp port 80' "$S8/node1/eth0.pcap"
n=$(convs "$TMP/out" | wc -l)
[ "$n" -ge 2 ] || fail "-f over VXLAN only: $n conversations"
status 0 "$PKTPATH" --format json --packet-filter 'tcp port 80' "$S8/node1/eth0.pcap"
[ "$(convs "$TMP/out" | wc -l)" = 0 ] || fail "--packet-filter tests the outer headers only (UDP 8472)"
has "$TMP/err" "^pktpath: warning: eth0: --packet-filter 'tcp port 80' leaves this point with no packets" "--packet-filter empties the VXLAN capture"

# -f that leaves points with no packets: said
status 0 "$PKTPATH" --format json -f 'port 41601' "$S6"
convs "$TMP/out" >"$TMP/got6"
[ "$(wc -l <"$TMP/got6")" = 1 ] || { show "$TMP/got6"; fail "-f port 41601: one conversation"; }
has "$TMP/got6" '^172\.23\.96\.23:41601>192\.168\.13\.23:80 forward stopped ' "the stopped one"
for p in node2/cni0 node2/veth225206b0 node2/pod-nginx1/eth0; do
	has "$TMP/err" "^pktpath: warning: $p: -f 'port 41601' leaves this point with no packets \\(its [0-9]+ packets are in no selected conversation\\)$" "-f empties $p"
done
hasnt "$TMP/err" 'node1/cni0' "a point the selected conversation crossed is not said"
status 0 "$PKTPATH" -f 'host 192.0.2.99' "$S6"
has "$TMP/err" "^pktpath: warning: -f: no conversation has a packet that 'host 192\\.0\\.2\\.99' passes$" "-f selects nothing"
has "$TMP/out" '^0 conversations across 10 points' "an empty selection"
# an ICMP error selects the conversation it answers
status 0 "$PKTPATH" --format json -f icmp "$TESTDATA/3-local-policy-no-endpoint"
convs "$TMP/out" >"$TMP/got3"
[ "$(wc -l <"$TMP/got3")" = 1 ] || { show "$TMP/got3"; fail "-f icmp: the one conversation answered by ICMP"; }
has "$TMP/out" '"name": "port unreachable"' "-f icmp: its answer"
has "$TMP/err" "^pktpath: warning: node1/eth0: -f 'icmp' leaves this point with no packets \\(its 1 packet is in no selected conversation\\)$" "one packet"
# --fail-on sees the selection only
status 0 "$PKTPATH" --fail-on stop -f 'port 41602' "$S6"
status 1 "$PKTPATH" --fail-on stop -f 'port 41601' "$S6"

# expressions that do not compile: usage errors before anything is read
status 2 "$PKTPATH" -f 'tcp prot 80' "$S6"
has "$TMP/err" "^pktpath: -f: 'tcp prot 80' does not compile: " "-f that does not compile"
status 2 "$PKTPATH" --packet-filter 'tcp prot 80' "$S6"
has "$TMP/err" "^pktpath: --packet-filter: 'tcp prot 80' does not compile: " "--packet-filter that does not compile"
[ ! -s "$TMP/out" ] || fail "no report after a usage error"
# the README's usage section shows both filters
README=$(dirname "$0")/../../README.md
sed -n '/^## Using it$/,/^## /p' "$README" >"$TMP/usage"
has "$TMP/usage" "pktpath -f 'host 203\\.0\\.113\\.7' bundle/" "README: -f host"
has "$TMP/usage" '--packet-filter EXPR' "README: --packet-filter"
echo PASS
