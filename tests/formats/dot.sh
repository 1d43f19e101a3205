#!/usr/bin/env bash
# --format dot: valid for Graphviz (dot -Tsvg renders it, no warning), one
# cluster per node, top to bottom so that a long path fits a ticket (the
# rendered PNG's size is checked), a stop drawn as a red dashed edge to a
# "not seen at X" box (never to X, which would read as an arrival), the
# client-IP-loss hop marked, each NAT on its edge (a point crossed in and
# out as a loop), many conversations summed up instead of listed.
. "$(dirname "$0")/lib.sh" "$@"
need dot python3

status 0 "$PKTPATH" --format dot "$S6"
cp "$TMP/out" "$TMP/s6.dot"
d=$TMP/s6.dot
head -n 1 "$d" >"$TMP/first"
has "$TMP/first" '^digraph pktpath \{$' "a digraph"
has "$d" '^  rankdir=TB;$' "top to bottom"
has "$d" '^  subgraph cluster_[0-9]+ \{$' "clusters"
has "$d" '^    label="node2";$' "a cluster per node"
has "$d" '^    "node2/cni0" \[label="cni0"\];$' "a point is labelled without its node (the cluster says it)"
has "$d" '^  "node2/eth0" -> "not seen at node2/cni0" \[label="3 pkts stopped\\nconv 4", color=red, fontcolor=red, style=dashed\];$' "the stop edge, red, to a 'not seen at' box"
has "$d" '^  "not seen at node2/cni0" \[shape=octagon, style=dashed, color=red, fontcolor=red\];$' "the 'not seen at' box"
hasnt "$d" '^  "node2/eth0" -> "node2/cni0" \[[^]]*stopped' "no stop edge to the point itself"
has "$d" '^  "node2/eth0" -> "node2/cni0" \[label="7 pkts, 5 back\\nconv 5", dir=both\];$' "the healthy flow's edge, not red"
has "$d" '^  "node1/veth62c5b120" -> "node1/cni0" \[label="[^"]*\\nDNAT 192\.168\.13\.23:80 -> 172\.23\.96\.163:80"' "NAT on its edge"
grep -E 'color=red' "$d" | grep -v 'stopped\|not seen at' >"$TMP/red_other" || true
[ ! -s "$TMP/red_other" ] || { show "$TMP/red_other"; fail "red edges that are not stops"; }

dot -Tsvg "$d" >"$TMP/s6.svg" 2>"$TMP/dot.err" || { show "$TMP/dot.err"; fail "dot -Tsvg"; }
[ ! -s "$TMP/dot.err" ] || { show "$TMP/dot.err"; fail "dot warned"; }
status 0 "$PKTPATH" --format dot "$S2"
dot -Tsvg "$TMP/out" >"$TMP/s2.svg" || fail "dot -Tsvg, scenario 2"

# scenario 5: the client IP is lost where node1/eth0 is crossed in, then out
status 0 "$PKTPATH" --format dot "$S5"
cp "$TMP/out" "$TMP/s5.dot"
has "$TMP/s5.dot" '^  "node1/eth0" -> "node1/eth0" \[label="12 pkts in, then out\\nconv 2\\nDNAT 10\.0\.0\.180:30875 -> 172\.23\.96\.163:80\\nSNAT 203\.0\.113\.7:50501 -> 10\.0\.0\.180:50501\\nclient IP 203\.0\.113\.7 lost here", color=darkorange, fontcolor=darkorange, penwidth=2\.5\];$' "the client-IP-loss hop, marked, with its NAT"
[ "$(grep -c 'darkorange' "$TMP/s5.dot")" = 1 ] || fail "one marked edge in scenario 5"
# ten points in a column: a picture that fits a ticket (was 3376x152 side by side)
dot -Tpng "$TMP/s5.dot" -o "$TMP/s5.png" 2>"$TMP/dot.err" || { show "$TMP/dot.err"; fail "dot -Tpng"; }
python3 - "$TMP/s5.png" <<'PY'
import struct, sys
head = open(sys.argv[1], "rb").read(24)
w, h = struct.unpack(">II", head[16:24])
if not (w <= 800 and h <= 1400 and h > w):
    sys.exit("FAIL: scenario 5's picture is %dx%d, not a column at most 800 wide" % (w, h))
print("scenario 5 picture: %dx%d" % (w, h))
PY

python3 - "$TMP/s6.svg" "$TMP/s2.svg" <<'PY'
import sys
import xml.etree.ElementTree as ET

def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)

NS = "{http://www.w3.org/2000/svg}"

def edges(path):
    root = ET.parse(path).getroot()
    check(root.tag == NS + "svg", path + " is SVG")
    out = []
    for g in root.iter(NS + "g"):
        if g.get("class") != "edge":
            continue
        text = " ".join(t.text or "" for t in g.iter(NS + "text"))
        stroke = [p.get("stroke") for p in g.iter(NS + "path")]
        out.append((g.find(NS + "title").text, text, stroke))
    return out

e6 = edges(sys.argv[1])
stops = [e for e in e6 if "stopped" in e[1]]
check(len(stops) == 1, "one stop edge in scenario 6: %s" % stops)
check(stops[0][0] == "node2/eth0->not seen at node2/cni0",
      "the stop edge leaves node2/eth0 for a 'not seen at' box: %s" % stops[0][0])
check(stops[0][2] == ["red"], "the stop edge is drawn red: %s" % stops[0][2])
check(all("red" not in e[2] for e in e6 if "stopped" not in e[1]), "other edges are not red")
check(any(e[0] == "node2/eth0->node2/cni0" and "red" not in e[2] for e in e6),
      "the healthy flow's edge beside the stop edge, not red")
e2 = edges(sys.argv[2])
check(e2 and all("red" not in e[2] for e in e2), "no red edge in a healthy scenario")
PY

# many conversations: counted on the edges, rewrites summed up per kind
[ -x "$BENCHGEN" ] || { echo "SKIP: no benchgen for the many-conversation case" >&2; echo PASS; exit 0; }
"$BENCHGEN" -q --size-gb 0.002 --max-requests 1 --resp-size 400 --concurrency 30 --idle-ms 10 \
	--think-ms 5 "$TMP/many" || fail "benchgen"
status 0 "$PKTPATH" --format dot "$TMP/many"
cp "$TMP/out" "$TMP/many.dot"
n=$(sed -n 's/^  label="\([0-9]*\) conversations";$/\1/p' "$TMP/many.dot")
[ -n "$n" ] && [ "$n" -gt 20 ] || { show "$TMP/many.dot"; fail "the graph says how many conversations"; }
hasnt "$TMP/many.dot" 'conv [0-9]+, conv [0-9]+, conv [0-9]+, conv' "no list of conversation ids"
has "$TMP/many.dot" "\\\\n$n conversations" "an edge counts its conversations"
has "$TMP/many.dot" 'DNAT in [0-9]+ conversations: 192\.168\.13\.23:80 -> [0-9]+ addresses' "the DNATs summed up"
has "$TMP/many.dot" 'SNAT in [0-9]+ conversations: (over )?[0-9]+ addresses -> 10\.0\.0\.180' "the SNATs summed up"
has "$TMP/many.dot" 'client IP lost here \([0-9]+ conversations\)' "client IP loss counted"
dot -Tpng "$TMP/many.dot" -o "$TMP/many.png" || fail "dot -Tpng, many conversations"
python3 - "$TMP/many.png" <<'PY'
import struct, sys
w, h = struct.unpack(">II", open(sys.argv[1], "rb").read(24)[16:24])
if w > 900 or h > 1200:
    sys.exit("FAIL: the many-conversation picture is %dx%d" % (w, h))
PY
echo PASS
