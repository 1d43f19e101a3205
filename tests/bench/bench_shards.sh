#!/usr/bin/env bash
# bench_shards.sh PKTPATH N SET WORK - run.sh's sharded row: N shards of
# `pktpath --format json SET` at once (as on N machines, here on one), then
# `pktpath merge`, whose JSON goes to stdout. WORK holds the shards' results.
set -euo pipefail
pktpath=$1 n=$2 set=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
pids=()
for k in $(seq 1 "$n"); do
	"$pktpath" --shard "$k/$n" --format json "$set" >"$work/shard-$k.json" &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
"$pktpath" merge --format json "$work"/shard-*.json
