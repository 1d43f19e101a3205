#!/usr/bin/env bash
# ctest: no report carries a negative hop latency. Runs pktpath on every
# capture folder of testdata/ (with the folder's pktpath.args, if any), as
# JSON (every hops[].latency_us_p50 of every conversation, chatter too) and
# as text (the "latency p50 per hop:" lines), and prints each negative one.
# usage: no_negative_latency.sh PKTPATH TESTDATA_DIR
set -euo pipefail
pktpath=$1 data=$2
export TZ=UTC LC_ALL=C
tmp=$(mktemp -d /tmp/pp-nolat.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
bad=0 n=0
for dir in "$data"/*/; do
	dir=${dir%/}
	[ -n "$(find "$dir/" -name '*.pcap*' -print -quit)" ] || continue
	args=()
	if [ -f "$dir/pktpath.args" ]; then read -ra args <"$dir/pktpath.args"; fi
	"$pktpath" --format json "${args[@]}" "$dir" >"$tmp/r.json"
	"$pktpath" "${args[@]}" "$dir" >"$tmp/r.txt"
	n=$((n + 1))
	if ! python3 - "$tmp/r.json" "${dir##*/}" <<'PY'; then bad=1; fi
import json, sys
r = json.load(open(sys.argv[1]))
neg = [(c["id"], d["dir"], i, h["point"], h["latency_us_p50"]) for c in r["conversations"]
       for d in c["directions"] for i, h in enumerate(d["hops"])
       if isinstance(h.get("latency_us_p50"), (int, float)) and h["latency_us_p50"] < 0]
for c, d, i, p, l in neg:
    print("no_negative_latency.sh: %s: JSON: conversation %d %s hop %d %s: latency_us_p50 %g" % (sys.argv[2], c, d, i, p, l))
sys.exit(1 if neg else 0)
PY
	if grep -nE 'latency p50 per hop:.*(^| )-[0-9]' "$tmp/r.txt" | sed "s|^|no_negative_latency.sh: ${dir##*/}: text line |"; then
		bad=1
	fi
done
[ "$n" -gt 0 ] || {
	echo "no_negative_latency.sh: no capture folder in $data" >&2
	exit 1
}
[ "$bad" = 0 ] && echo "no_negative_latency.sh: $n folders, no negative latency"
exit "$bad"
