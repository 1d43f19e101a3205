#!/usr/bin/env bash
# small_truth.sh BENCHGEN PKTPATH TRUTHCHECK - ctest bench.small_truth:
# pktpath's JSON report of a few-MB generated set against its ground truth.
set -euo pipefail
benchgen=$1 pktpath=$2 truthcheck=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$benchgen" -q --size-gb 0.005 --concurrency 60 --think-ms 5 --idle-ms 30 --drop-rate 0.01 \
	--seed 3 "$tmp/set"
rc=0
"$pktpath" --format json "$tmp/set" >"$tmp/report.json" 2>"$tmp/stderr" || rc=$?
if [ "$rc" -ne 0 ]; then
	echo "small_truth: pktpath exited with status $rc:" >&2
	cat "$tmp/stderr" >&2
	exit 1
fi
"$truthcheck" "$tmp/set/truth.json" "$tmp/report.json"
