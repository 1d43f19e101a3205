#!/usr/bin/env bash
# shellcheck disable=SC1091,SC2016,SC2034,SC2154 # lib.sh: expect() evals its conditions, run() sets rc
# Standard descriptors and concurrent runs: a closed stderr (2>&-) never
# lets messages into an output file, a closed or full stdout is one line
# with the reason, | head ends quietly, and four runs at once give the
# same bytes and leave nothing in TMPDIR.
. "$(dirname "$0")/lib.sh" "$@"
cp "$S2/node1/eth0.pcap" a.pcap
cp "$S2/node2/eth0.pcap" b.pcap

# 2>&-: the next file opened would have been descriptor 2, and warnings
# (here: a capture whose last record is cut, said while the analysis
# reads, after OUT was opened) went into the pcapng file
head -c $(($(stat -c %s b.pcap) - 10)) b.pcap >cut.pcap
rc=0
"$PKTPATH" --write-pcapng w.pcapng a=a.pcap b=cut.pcap missing.pcap >out 2>&- || rc=$?
expect stderr-closed-exit '[ "$rc" = 2 ]' "exit $rc"
expect stderr-closed-out '[ "$(od -An -tx1 -N4 w.pcapng | tr -d " ")" = 0a0d0d0a ] && ! grep -q "pktpath:" w.pcapng' \
	"a message went into the pcapng file"
expect stderr-closed-report 'grep -q "^2 conversations across 2 points" out' "no report on stdout"
# >&-: the report cannot be written, and that is said
rc=0
"$PKTPATH" a=a.pcap b=b.pcap >&- 2>err || rc=$?
expect stdout-closed '[ "$rc" = 2 ] && grep -qx "pktpath: stdout: write failed: Bad file descriptor" err' "exit $rc"
# a full stdout: said with its reason
check stdout-full 2 'pktpath: stdout: write failed: No space left on device' \
	sh -c 'exec "$0" --format json a=a.pcap b=b.pcap >/dev/full' "$PKTPATH"
# | head: the report's reader went away; no message
rc=0
"$PKTPATH" --format json "$S5" 2>err | head -n 1 >first || rc=$?
expect pipe-head '[ ! -s err ] && [ "$(cat first)" = "{" ]' "said: $(head -n 1 err)"

# four runs at once: the same bytes, nothing left
for i in 1 2 3 4; do
	"$PKTPATH" --format json --write-pcapng "w$i.pcapng" "$S5" >"r$i.json" 2>"e$i" &
done
wait
expect concurrent-json 'cmp -s r1.json r2.json && cmp -s r1.json r3.json && cmp -s r1.json r4.json' \
	"the reports differ"
expect concurrent-pcapng 'cmp -s w1.pcapng w2.pcapng && cmp -s w1.pcapng w3.pcapng && cmp -s w1.pcapng w4.pcapng' \
	"the pcapng files differ"
expect concurrent-quiet '[ ! -s e1 ] && [ ! -s e2 ] && [ ! -s e3 ] && [ ! -s e4 ]' "a run said something"
tmpdir_empty concurrent
no_temp concurrent .
finish
