#!/usr/bin/env bash
# A hostile -i any capture: one conversation whose every packet names a new
# SLL2 interface. It must not make the analysis quadratic (it took 30 s for
# 200,000 packets before points were hashed and routes per direction
# bounded); the timeout catches a hang, it is not a speed test. Every packet
# must still be accounted for.
set -euo pipefail
pktpath=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$(dirname "$0")/sll2_many.py" "$tmp/many.pcap" 200000
timeout 120 "$pktpath" --format json node1/any="$tmp/many.pcap" >"$tmp/out.json"
python3 - "$tmp/out.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
used = sum(p["packets"] for p in r["points"])
assert r["findings"]["read"] == 200000, r["findings"]
assert used + r["findings"]["ignored"] == 200000, (used, r["findings"])
assert r["findings"]["conversations"] == 1, r["findings"]
print("many interfaces: 200000 packets accounted for")
PY
