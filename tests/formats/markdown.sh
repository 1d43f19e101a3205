#!/usr/bin/env bash
# --format markdown (for tickets): findings first, a table of the inputs,
# a heading per conversation with its path and findings.
. "$(dirname "$0")/lib.sh" "$@"
need python3

status 0 "$PKTPATH" --format json "$S6"
cp "$TMP/out" "$TMP/s6.json"
status 0 "$PKTPATH" --format markdown "$S6"
m=$TMP/out
head -n 1 "$m" >"$TMP/first"
has "$TMP/first" '^# pktpath report$' "title"
has "$m" '^\*\*[0-9]+ conversations\*\*: [0-9]+ delivered, 1 stopped, 0 partial; client IP lost in 0; [0-9]+ of [0-9]+ packets not used\.$' "summary"
has "$m" '^- \*\*conv [0-9]+\*\* tcp `172\.23\.96\.23:41601 -> 192\.168\.13\.23:80`: forward silent drop: no answer, nothing seen after: stopped after node2/eth0: 3 packets never reached node2/cni0' "finding"
has "$m" '^\| point \| node \| files \| packets \|' "inputs table header"
has "$m" '^\|---\|---\|---\|---:\|' "inputs table alignment row"
has "$m" '^\| node2/cni0 \| node2 \| [^|]*testdata/6-silent-drop/node2/cni0\.pcap \| [0-9]+ \|' "inputs table row"
has "$m" '^\*\*forward\*\* stopped, 3 packets: `node1/pod-centos/eth0` → `node1/veth62c5b120` → `node1/cni0` → `node1/eth0` → `node2/eth0`$' "stopped path"
has "$m" '^- stopped after node2/eth0: 3 packets never reached node2/cni0' "stop item"
has "$m" '^- DNAT 192\.168\.13\.23:80 -> 172\.23\.96\.163:80 .* between node1/veth62c5b120 and node1/cni0$' "NAT item"
has "$m" '^- SNAT 172\.23\.96\.163:80 .* \(reverse\) between node1/eth0 and node1/cni0$' "reverse NAT item"

# order of the sections, one table row per point, a heading per conversation
# (multicast chatter may be summed up instead)
python3 - "$m" "$TMP/s6.json" <<'PY'
import json, re, sys

def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)

md = open(sys.argv[1]).read().split("\n")
doc = json.load(open(sys.argv[2]))
heads = [l for l in md if l.startswith("## ")]
check(heads[:3] == ["## Findings", "## Inputs", "## Conversations"], "sections in order: %s" % heads)
i, c = md.index("## Inputs"), md.index("## Conversations")
rows = [l for l in md[i:c] if l.startswith("| ") and not l.startswith("| point ")]
check(sorted(r.split(" | ")[0][2:] for r in rows) == sorted(p["name"] for p in doc["points"]),
      "one input row per point")
conv = [int(m.group(1)) for m in (re.match(r"^### conv (\d+): ", l) for l in md) if m]
ids = [x["id"] for x in doc["conversations"]]
check(conv == [i for i in ids if i in conv] and len(conv) >= 2, "headings in order: %s" % conv)
for x in doc["conversations"]:
    o = x["origin"]
    if o["sport"] is not None:
        want = "### conv %d: %s `%s:%d -> %s:%d`" % (x["id"], x["proto"], o["src"], o["sport"],
                                                    o["dst"], o["dport"])
        check(want in md, "heading " + want)
PY

# scenario 5: where the client IP was lost
status 0 "$PKTPATH" --format markdown "$S5"
has "$TMP/out" '^- \*\*conv [0-9]+\*\* tcp `203\.0\.113\.7:[0-9]+ -> 47\.100\.0\.10:80`: forward client IP 203\.0\.113\.7 replaced by 10\.0\.0\.180' "client IP finding"
echo PASS
