#!/usr/bin/env bash
# parallel_example.sh PKTPATH TESTDATA BENCHGEN - ctest shard.parallel_example:
# examples/shard-parallel.sh runs the shards with GNU parallel and joins
# them; its report is the one a single run gives, on a lab scenario and on
# the benchmark's small set. 77 (skipped) without GNU parallel
# (tests/deps.sh installs it).
set -euo pipefail
pktpath=$1 testdata=$2 benchgen=$3
here=$(cd "$(dirname "$0")" && pwd)
example=$here/../../examples/shard-parallel.sh
command -v parallel >/dev/null || { echo "GNU parallel missing (tests/deps.sh): skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$benchgen" -q --size-gb 0.005 --concurrency 60 --think-ms 5 --idle-ms 30 --drop-rate 0.01 \
	--seed 3 "$tmp/bench-small"
fail=0
for set in "$testdata/5-external-cluster-policy" "$tmp/bench-small"; do
	for n in 2 3; do
		PKTPATH=$pktpath "$example" "$n" "$set" "$tmp/report"
		"$pktpath" --format json "$set" >"$tmp/whole.json"
		"$pktpath" --format text "$set" >"$tmp/whole.txt"
		for f in json txt; do
			cmp -s "$tmp/whole.$f" "$tmp/report.$f" ||
				{ echo "FAIL: $(basename "$set") N=$n: report.$f differs" >&2; fail=1; }
		done
	done
done
[ "$fail" -eq 0 ] && echo "parallel_example: GNU parallel shards joined equal one run"
exit "$fail"
