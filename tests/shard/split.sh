#!/usr/bin/env bash
# split.sh PKTPATH - ctest shard.split: a conversation that the analysis
# first meets as two (split_pcap.py) is one in a run over everything; with
# --shard N where the two land in different shards, both shards say so
# (warning shard_split), and pktpath merge shows the two parts with that
# warning once, never silently as one or twice; where they land in one
# shard, the merged report equals the run over everything.
set -euo pipefail
pktpath=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/split_pcap.py" "$tmp/set"
"$pktpath" --format json "$tmp/set" >"$tmp/whole.json"
splits=0 joined=0
for n in 2 3 4 5 6 7; do
	args=()
	for k in $(seq 1 "$n"); do
		"$pktpath" --shard "$k/$n" --format json "$tmp/set" >"$tmp/s$k.json" 2>"$tmp/s$k.err"
		args+=("$tmp/s$k.json")
	done
	"$pktpath" merge --format json "${args[@]}" >"$tmp/merged.json"
	said=$(cat "$tmp"/s*.err | grep -c 'are one conversation' || true)
	python3 - "$tmp/whole.json" "$tmp/merged.json" "$n" "$said" <<'PY'
import json, sys
whole, merged = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
n, said = int(sys.argv[3]), int(sys.argv[4])
assert whole["findings"]["conversations"] == 1, "one conversation in the run over everything"
w = [x for x in merged["warnings"] if x["what"] == "shard_split"]
if said:
    assert said == 2, "N=%d: both shards that hold a part say so (%d did)" % (n, said)
    assert len(w) == 1, "N=%d: the merged report says it once: %s" % (n, w)
    assert "10.0.0.1:40001" in w[0]["message"] and "10.9.9.9:50001" in w[0]["message"], w
    assert merged["findings"]["conversations"] == 2, "N=%d: the two parts are shown" % n
else:
    assert not w and merged == whole, "N=%d: in one shard, merged equals the whole" % n
PY
	if [ "$said" -gt 0 ]; then splits=$((splits + 1)); else joined=$((joined + 1)); fi
	rm -f "$tmp"/s[0-9]*
done
# the data must show both cases, or the test proves nothing
[ "$splits" -gt 0 ] && [ "$joined" -gt 0 ] || { echo "split: N=2..7 gave $splits splits, $joined joined" >&2; exit 1; }
echo "split: $splits shard counts split the conversation and said so, $joined kept it whole"
