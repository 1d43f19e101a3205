#!/usr/bin/env bash
# merge_equal.sh PKTPATH TESTDATA BENCHGEN - ctest shard.merge_equal: for
# every scenario of testdata/ and the benchmark's small set (the options of
# tests/bench/small_truth.sh), `pktpath --shard K/N` for K = 1..N joined by
# `pktpath merge` is byte for byte the report of one run over everything,
# for N = 1, 2, 3, 7: JSON and text for every N; Markdown, DOT and JSON
# Lines for N = 3, whose shards are written as JSON Lines and merged from
# standard input. The JSON holds no timing of the run itself, so nothing is
# masked.
set -euo pipefail
pktpath=$1 testdata=$2 benchgen=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$benchgen" -q --size-gb 0.005 --concurrency 60 --think-ms 5 --idle-ms 30 --drop-rate 0.01 \
	--seed 3 "$tmp/bench-small"
fail=0 compared=0
same() { # what expected got
	compared=$((compared + 1))
	if ! cmp -s "$2" "$3"; then
		echo "FAIL: $1 differs from the run over everything:" >&2
		diff "$2" "$3" | head -8 >&2 || true
		fail=1
	fi
}
for set in "$testdata"/*/ "$tmp/bench-small/"; do
	set=${set%/}
	name=$(basename "$set")
	for fmt in json text markdown dot jsonl; do
		"$pktpath" --format "$fmt" "$set" >"$tmp/whole.$fmt" 2>/dev/null || [ $? -le 1 ]
	done
	for n in 1 2 3 7; do
		shards=()
		for k in $(seq 1 "$n"); do
			"$pktpath" --shard "$k/$n" --format json "$set" >"$tmp/shard-$k.json" 2>/dev/null ||
				[ $? -le 1 ]
			shards+=("$tmp/shard-$k.json")
		done
		for fmt in json text; do
			"$pktpath" merge --format "$fmt" "${shards[@]}" >"$tmp/merged.$fmt" || [ $? -le 1 ]
			same "$name N=$n --format $fmt" "$tmp/whole.$fmt" "$tmp/merged.$fmt"
		done
	done
	if [ "$name" = bench-small ]; then
		# the shards share the work: each of two holds a quarter to three
		# quarters of the conversations
		for k in 1 2; do
			"$pktpath" --shard "$k/2" --format json "$set" 2>/dev/null | python3 -c '
import json, sys
f = json.load(sys.stdin)["findings"]["conversations"]
total = int(sys.argv[1])
sys.exit(0 if total / 4 <= f <= 3 * total / 4 else "shard %s of 2 has %d of %d conversations" % (sys.argv[2], f, total))
' "$(grep -c '"type":"conversation"' "$tmp/whole.jsonl" || true)" "$k" || fail=1
		done
	fi
	for k in 1 2 3; do
		"$pktpath" --shard "$k/3" --format jsonl "$set" 2>/dev/null || [ $? -le 1 ]
	done >"$tmp/shards.jsonl"
	for fmt in markdown dot jsonl; do
		"$pktpath" merge --format "$fmt" <"$tmp/shards.jsonl" >"$tmp/merged.$fmt" || [ $? -le 1 ]
		same "$name N=3 from standard input --format $fmt" "$tmp/whole.$fmt" "$tmp/merged.$fmt"
	done
done
[ "$fail" -eq 0 ] || exit 1
echo "merge_equal: $compared sharded and merged reports equal to the run over everything"
