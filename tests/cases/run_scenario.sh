#!/usr/bin/env bash
# Runs pktpath on one lab scenario (a capture bundle) and compares its JSON
# with the scenario's expected.json, written by the lab. The options the
# scenario needs (e.g. --vxlan-port 6080) are in its pktpath.args, if any.
# usage: run_scenario.sh PKTPATH EXPECT_CHECK SCENARIO_DIR [extra pktpath args]
set -euo pipefail
pktpath=$1 check=$2 dir=$3
shift 3
args=()
if [ -f "$dir/pktpath.args" ]; then read -ra args <"$dir/pktpath.args"; fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
export TZ=UTC LC_ALL=C
"$pktpath" --format json "${args[@]}" "$@" "$dir" >"$out"
"$check" "$dir/expected.json" "$out"
