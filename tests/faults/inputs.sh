#!/usr/bin/env bash
# shellcheck disable=SC1091,SC2016,SC2034,SC2154 # lib.sh: expect() evals its conditions, run() sets rc
# Inputs that change, cannot be read, or are pipes; --write-pcapng never
# replaces an input; the smaller faults of issue 18, item 12.
. "$(dirname "$0")/lib.sh" "$@"
[ -f "$SHIM" ] || { echo "SKIP: no fault_shim"; exit 77; }
cp "$S2/node1/eth0.pcap" a.pcap
cp "$S2/node2/eth0.pcap" b.pcap
cp "$S2/node1/cni0.pcap" other.pcap
# count LINES-OF-ERR: how many lines stderr has
lines() { wc -l <err; }

# --- an input replaced between the analysis and --write-pcapng's read ---
# swap AT WITH: rename WITH over a.pcap when libpcap opens it for the AT-th
# time (3: the analysis reads it, 4: --write-pcapng reads it again)
swap() {
	cp "$2" swapped.pcap
	run env LD_PRELOAD="$SHIM" PP_FAULT_PATH=a.pcap PP_FAULT_AT="$1" PP_FAULT_SWAP=swapped.pcap \
		"$PKTPATH" --write-pcapng w.pcapng a=a.pcap b=b.pcap
	cp "$S2/node1/eth0.pcap" a.pcap
}
rm -f w.pcapng
swap 4 other.pcap
expect swapped-after-analysis '[ "$rc" = 2 ] && grep -Eq "^pktpath: a\.pcap: changed since the analysis read it \(another file, size or modification time\): --write-pcapng w\.pcapng not written$" err' \
	"exit $rc, or not said"
expect swapped-after-analysis-no-out '[ ! -e w.pcapng ]' "w.pcapng was written"
# the same file with more packets: its size changed
{ cat a.pcap; tail -c +25 other.pcap; } >grown.pcap
swap 4 grown.pcap
expect grown-after-analysis '[ "$rc" = 2 ] && grep -q "changed since the analysis read it" err' "exit $rc, or not said"
# replaced before the analysis reads it: the analysis and OUT agree
swap 3 other.pcap
expect swapped-before-analysis '[ "$rc" = 0 ] && [ -s w.pcapng ]' "exit $rc"
no_temp swapped .

# --- a point none of whose files can be read: said once, left out -------
cp -r "$S6" s6
head -c 20 "$S6/node2/cni0.pcap" >s6/node2/cni0.pcap
run "$PKTPATH" --format json s6
expect unreadable-point '[ "$rc" = 2 ] && [ "$(lines)" = 1 ] && grep -q "^pktpath: s6/node2/cni0.pcap: truncated file header (20 of 24 bytes)$" err' \
	"exit $rc or not one line"
expect unreadable-point-left-out '! grep -q "\"node2/cni0\"" out' "node2/cni0 is a point that saw nothing"
expect unreadable-point-not-blamed '! grep -q "\"expected_next\": \"node2/cni0\"" out' \
	"a stop is blamed on node2/cni0"
rm -rf s6

# --- pipes and FIFOs ---------------------------------------------------
check pipe-input 0 '' "$PKTPATH" a=<(cat a.pcap) b=b.pcap
mkfifo nowriter
check fifo-no-writer 2 'pktpath: nowriter: nothing came through the pipe \(an empty pipe, or a FIFO nobody writes to\)' \
	timeout 10 "$PKTPATH" a=nowriter b=b.pcap
"$PKTPATH" --format jsonl "$S2" >saved.jsonl
check expect-pipe 0 '' "$PKTPATH" --expect <(cat saved.jsonl) "$S2"
check expect-fifo-no-writer 2 'pktpath: nowriter: empty: not a pktpath JSON result' \
	timeout 10 "$PKTPATH" --expect nowriter "$S2"
check topology-fifo-no-writer 2 'pktpath: nowriter: empty file, expected a pktpath snapshot or ip -j output' \
	timeout 10 "$PKTPATH" --topology node1=nowriter node1/eth0=a.pcap
check topology-pipe 0 '' "$PKTPATH" --topology node1=<(cat "$S2/node1/snapshot.json") node1/eth0=a.pcap
tmpdir_empty pipes

# --- --write-pcapng never replaces an input -----------------------------
cp -r "$S5" b5
sum() { md5sum "$1" | cut -d' ' -f1; }
was=$(sum b5/node1/snapshot.json)
check out-is-snapshot 2 'pktpath: b5/node1/snapshot.json: --write-pcapng would overwrite an input \(a topology\)' \
	"$PKTPATH" --write-pcapng b5/node1/snapshot.json b5
expect out-is-snapshot-kept '[ "$(sum b5/node1/snapshot.json)" = "$was" ]' "snapshot.json changed"
"$PKTPATH" --format json b5 >saved.json
was=$(sum saved.json)
check out-is-expect 2 'pktpath: saved\.json: --write-pcapng would overwrite an input \(the --expect file\)' \
	"$PKTPATH" --expect saved.json --write-pcapng saved.json b5
expect out-is-expect-kept '[ "$(sum saved.json)" = "$was" ]' "saved.json changed"
check out-is-topology 2 'pktpath: b5/node2/snapshot.json: --write-pcapng would overwrite an input \(a topology\)' \
	"$PKTPATH" --topology node2=b5/node2/snapshot.json --write-pcapng b5/node2/snapshot.json node2/eth0=b.pcap
check out-is-capture 2 'pktpath: a\.pcap: --write-pcapng would overwrite an input \(a capture\)' \
	"$PKTPATH" --write-pcapng a.pcap a=a.pcap b=b.pcap

# --- smaller faults -------------------------------------------------------
# a topology that cannot be read: said once, not once per point of its node
echo '{' >b5/node1/snapshot.json
run "$PKTPATH" b5
expect topology-error-once '[ "$rc" = 2 ] && [ "$(grep -c "b5/node1/snapshot.json" err)" = 1 ]' \
	"exit $rc, said $(grep -c "b5/node1/snapshot.json" err) times"
rm b5/node1/snapshot.json
mkdir b5/node1/snapshot.json
cp a.pcap b5/node2/.hidden.pcap
run "$PKTPATH" b5
expect snapshot-not-regular-said 'grep -q "^pktpath: warning: b5/node1/snapshot.json: not a regular file: not read as the node.s topology$" err' \
	"not said"
expect hidden-capture-said 'grep -q "^pktpath: warning: b5/node2/.hidden.pcap: a hidden file (its name starts with .\..): left out$" err' \
	"not said"
# an invalid point name is said as such
check bad-point-name 2 "pktpath: node 1/eth0=a\.pcap: 'node 1/eth0' is not a point name .*, and no such file exists" \
	"$PKTPATH" "node 1/eth0=a.pcap" b=b.pcap
finish
