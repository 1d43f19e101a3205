#!/usr/bin/env bash
# Mistakes that say how to fix them: one point name for two inputs, node
# folders given for their bundle, a misspelled option, an unknown option of
# the snapshot command, --topology or --clock for a node no input is on, a
# --clock the packets contradict, an old-SLL "any" capture, interfaces named
# by index. And the summary line is not dressed as an error, no offset reads
# -0.000000.
. "$(dirname "$0")/../formats/lib.sh" "$@"
need python3
README=$(cd "$(dirname "$0")/../.." && pwd)/README.md
PKTPATH=$(readlink -f "$PKTPATH") TESTDATA=$(readlink -f "$TESTDATA") S6=$(readlink -f "$S6")
[ -f "$README" ] || fail "no README at $README"
cd "$TMP"
cp -r "$S6" b

# two inputs, one point name: no report, exit 2, the forms that fix it
status 2 "$PKTPATH" b/node1/eth0.pcap b/node2/eth0.pcap
[ ! -s "$TMP/out" ] || fail "a report with one point name for two inputs"
[ "$(cat "$TMP/err")" = "pktpath: eth0: two inputs have this point name (b/node1/eth0.pcap, b/node2/eth0.pcap): name each point, as in node1/eth0=b/node1/eth0.pcap node2/eth0=b/node2/eth0.pcap, or give the folder that holds node1 and node2 as a bundle: pktpath b" ] ||
	{ show "$TMP/err"; fail "same point name: the message"; }
# both forms it suggests work
status 0 "$PKTPATH" node1/eth0=b/node1/eth0.pcap node2/eth0=b/node2/eth0.pcap
has "$TMP/out" '^[0-9]+ conversations across 2 points on 2 nodes' "the suggested POINT= form"
status 0 "$PKTPATH" b
has "$TMP/out" '^[0-9]+ conversations across 10 points on 2 nodes' "the suggested bundle"
status 2 "$PKTPATH" x=b/node1/eth0.pcap x=b/node2/eth0.pcap
has "$TMP/err" '^pktpath: x: two inputs have this point name \(b/node1/eth0\.pcap, b/node2/eth0\.pcap\): give each its own, as in node1/eth0=b/node1/eth0\.pcap node2/eth0=b/node2/eth0\.pcap$' "same POINT= twice"
cp b/node2/cni0.pcap b/node2/cni0.cap
status 2 "$PKTPATH" b
has "$TMP/err" '^pktpath: node2/cni0: two files of a bundle are this point \(b/node2/cni0\.cap, b/node2/cni0\.pcap\): rename or remove one of them$' "two files of a bundle"
[ ! -s "$TMP/out" ] || fail "a report from a bundle with one point twice"
rm b/node2/cni0.cap

# node folders instead of the bundle: the bundle is named, nothing analysed
status 2 "$PKTPATH" b/node1 b/node2/
[ ! -s "$TMP/out" ] || fail "a report from node folders"
has "$TMP/err" "^pktpath: b/node1: a node's folder, not a bundle \\(a node's topology at its top\\): give the folder that holds the node folders, as in: pktpath b$" "node1 folder"
has "$TMP/err" "^pktpath: b/node2/: a node's folder, not a bundle \\(a node's topology at its top\\): give the folder that holds the node folders, as in: pktpath b$" "node2 folder"
[ "$(wc -l <"$TMP/err")" = 2 ] || { show "$TMP/err"; fail "one line per folder, no warnings about its files"; }
mkdir -p solo/n1 && cp "$S6"/node1/*.pcap solo/n1/
status 2 "$PKTPATH" solo/n1
has "$TMP/err" "^pktpath: solo/n1: a node's folder, not a bundle \\(captures at its top\\): give the folder that holds the node folders, as in: pktpath solo$" "a node folder without a topology"

# misspelled and unknown options
status 2 "$PKTPATH" --fiter 'tcp' b
has "$TMP/err" "^pktpath: unknown option '--fiter' \\(did you mean '--filter'\\?\\)$" "--fiter"
has "$TMP/err" "^pktpath: try 'pktpath --help' for more information$" "the help hint"
status 2 "$PKTPATH" --formta=json b
has "$TMP/err" "^pktpath: unknown option '--formta' \\(did you mean '--format'\\?\\)$" "--formta=json"
status 2 "$PKTPATH" --pcapng out.pcapng b
has "$TMP/err" "^pktpath: unknown option '--pcapng' \\(did you mean '--write-pcapng'\\?\\)$" "--pcapng"
status 2 "$PKTPATH" --co x b
has "$TMP/err" "^pktpath: option '--co' is ambiguous: --color, --conversation$" "ambiguous"
status 2 "$PKTPATH" --bogus b
has "$TMP/err" "^pktpath: unknown option '--bogus'$" "nothing close"
status 2 "$PKTPATH" snapshot --bogus
has "$TMP/err" "^pktpath: snapshot: unknown option '--bogus'$" "snapshot --bogus"
has "$TMP/err" "^pktpath: try 'pktpath snapshot --help' for more information$" "snapshot's help"
hasnt "$TMP/err" "'pktpath --help'" "not the analysis's help"
status 2 "$PKTPATH" snapshot --nestns x
has "$TMP/err" "^pktpath: snapshot: unknown option '--nestns' \\(did you mean '--netns'\\?\\)$" "snapshot --nestns"
[ ! -s "$TMP/out" ] || fail "no output after a usage error"

# --topology and --clock for a node no input is on
status 2 "$PKTPATH" --topology node3=b/node1/snapshot.json b
has "$TMP/err" "^pktpath: --topology: no input is on node 'node3' \\(the nodes are node1, node2\\)$" "--topology node3"
[ ! -s "$TMP/out" ] || fail "--topology for an unknown node: no report"
status 2 "$PKTPATH" --clock node3=1 b
has "$TMP/err" "^pktpath: --clock: no input is on node 'node3' \\(the nodes are node1, node2\\)$" "--clock node3"

# a --clock the packets contradict is said; one they agree with is not
status 0 "$PKTPATH" --clock node2=-1.7 b
has "$TMP/err" "^pktpath: warning: --clock: node2: set to -1\\.700000 s, but the packets say [-+]0\\.0000[0-9]+ s \\(within 0\\.0000[0-9]+ s, from [0-9]+ packets to it and [0-9]+ from it\\): 1\\.70[0-9]+ s apart$" "a wrong --clock"
status 0 "$PKTPATH" --clock node2=0 b
[ ! -s "$TMP/err" ] || { show "$TMP/err"; fail "a right --clock is not said"; }
if command -v editcap >/dev/null; then
	cp -r "$S6" skew
	for f in skew/node2/*.pcap skew/node2/*/*.pcap; do
		editcap -t 30 "$f" "$f.t" >/dev/null && mv "$f.t" "$f"
	done
	status 0 "$PKTPATH" --clock node2=30 skew
	[ ! -s "$TMP/err" ] || { show "$TMP/err"; fail "--clock node2=30 on a 30 s skew is right"; }
	status 0 "$PKTPATH" --clock node2=-30 skew
	has "$TMP/err" "^pktpath: warning: --clock: node2: set to -30\\.000000 s, but the packets say \\+30\\.0000[0-9]+ s " "the sign mixed up"
fi

# an old-SLL "any" capture: said once per input, with how to do better
status 0 "$PKTPATH" "$TESTDATA/2-cross-node-clusterip-any-sll"
[ "$(grep -c 'cannot tell which interface' "$TMP/err")" = 2 ] || { show "$TMP/err"; fail "old SLL: once per input"; }
has "$TMP/err" "^pktpath: warning: node1/any: a Linux cooked \\(SLL\\) capture cannot tell which interface a packet crossed: this one point stands for all of them \\(a packet is seen there once per interface\\); capture with 'tcpdump -i any' on libpcap 1\\.10 or later \\(LINUX_SLL2, one point per interface\\), or one file per interface \\(tcpdump -i eth0\\)$" "old SLL message"
status 0 "$PKTPATH" --format json "$TESTDATA/2-cross-node-clusterip-any-sll"
has "$TMP/out" '"what": "old_sll"' "old SLL in the JSON's warnings"
# SLL2 outside a bundle: ifN names say what names them
A=$TESTDATA/2-cross-node-clusterip-any
status 0 "$PKTPATH" node1/any="$A/node1/any.pcap" node2/any="$A/node2/any.pcap"
has "$TMP/err" "^pktpath: warning: node1/any: interfaces are named by their index \\(node1/if[0-9]+, \\.\\.\\.\\): give the node's topology to name them \\(--topology node1=FILE, from 'pktpath snapshot' or 'ip -j' on that node, or its snapshot\\.json in a bundle\\)$" "ifN names"
[ "$(grep -c 'named by their index' "$TMP/err")" = 2 ] || fail "ifN: once per input"
has "$TMP/out" 'node1/if[0-9]+' "the points are ifN"
status 0 "$PKTPATH" --topology node1="$A/node1/snapshot.json" --topology node2="$A/node2/snapshot.json" \
	node1/any="$A/node1/any.pcap" node2/any="$A/node2/any.pcap"
hasnt "$TMP/err" 'named by their index' "with the topologies, nothing to say"
hasnt "$TMP/out" 'node[12]/if[0-9]+' "with the topologies, names"
status 0 "$PKTPATH" "$A"
[ ! -s "$TMP/err" ] || { show "$TMP/err"; fail "a bundle with snapshots names them"; }

# the summary line is no error message, and no offset reads -0.000000
for d in "$TESTDATA"/*/; do
	"$PKTPATH" "$d" >"$TMP/t" 2>/dev/null || true
	"$PKTPATH" --format markdown "$d" >"$TMP/m" 2>/dev/null || true
	head -n 1 "$TMP/t" >"$TMP/first"
	has "$TMP/first" '^[0-9]+ conversations? across [0-9]+ points? on [0-9]+ nodes?: ' "summary of $d"
	hasnt "$TMP/t" '^pktpath:' "the text report of $d"
	hasnt "$TMP/t" '-0\.000000 s' "text offsets of $d"
	hasnt "$TMP/m" '-0\.000000 s' "Markdown offsets of $d"
done
hasnt "$README" '^pktpath: [0-9]+ conversations' "the README's example"
hasnt "$README" '-0\.000000' "the README's example offsets"
echo PASS
