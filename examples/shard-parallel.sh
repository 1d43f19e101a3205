#!/usr/bin/env bash
# shard-parallel.sh N CAPTURES OUT - pktpath over CAPTURES (a bundle, or
# anything pktpath takes) in N shards run by GNU parallel on this machine,
# joined by pktpath merge: OUT.json, and OUT.txt for people. Each shard
# reads every capture and analyses the conversations of its shard; the
# joined report is the one a single run gives. PKTPATH names the binary
# (default: pktpath on PATH). A shard's exit status 2 (an input it could
# not read all of) is passed on by merge, with the shards' warnings.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: shard-parallel.sh N CAPTURES OUT" >&2; exit 2; }
n=$1 captures=$2 out=$3
pktpath=${PKTPATH:-pktpath}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# one job per shard; a shard that wrote its result counts, whatever its status
seq 1 "$n" | parallel --will-cite "'$pktpath' --shard {}/$n --format jsonl '$captures' \
	> '$work'/shard-{}.jsonl || [ \$? -le 2 ] && [ -s '$work'/shard-{}.jsonl ]"
rc=0
"$pktpath" merge --format json "$work"/shard-*.jsonl >"$out.json" || rc=$?
"$pktpath" merge --format text "$work"/shard-*.jsonl >"$out.txt" 2>/dev/null || true
exit "$rc"
