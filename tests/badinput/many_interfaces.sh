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
python3 - "$tmp/many.pcap" <<'PY'
import struct, sys
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 276))
    for i in range(200000):
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, i & 0xffff, 0x4000, 64, 6, 0,
                         bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
        tcp = struct.pack("!HHIIBBHHH", 40000, 80, 1000 + i, 0, 0x50, 0x10, 1000, 0, 0)
        sll2 = struct.pack("!HHIHBB8s", 0x0800, 0, i + 1, 1, 0, 6, b"\x02\0\0\0\0\x01\0\0")
        pkt = sll2 + ip + tcp
        f.write(struct.pack("<IIII", 1700000000 + i // 1000, (i % 1000) * 1000, len(pkt), len(pkt)))
        f.write(pkt)
PY
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
