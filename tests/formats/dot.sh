#!/usr/bin/env bash
# --format dot: valid for Graphviz (dot -Tsvg renders it), one cluster per
# node, stop edges red and dashed, the others not.
. "$(dirname "$0")/lib.sh" "$@"
need dot python3

status 0 "$PKTPATH" --format dot "$S6"
cp "$TMP/out" "$TMP/s6.dot"
d=$TMP/s6.dot
head -n 1 "$d" >"$TMP/first"
has "$TMP/first" '^digraph pktpath \{$' "a digraph"
has "$d" '^  subgraph cluster_[0-9]+ \{$' "clusters"
has "$d" '^    label="node2";$' "a cluster per node"
has "$d" '^  "node2/eth0" -> "node2/cni0" \[label="3 pkts[^"]*stopped"[^]]*color=red' "the stop edge, red"
has "$d" '^  "node1/veth62c5b120" -> "node1/cni0" \[label="[^"]*DNAT 192\.168\.13\.23:80 -> 172\.23\.96\.163:80' "NAT on its edge"
grep -E 'color=red' "$d" | grep -v 'stopped' >"$TMP/red_other" || true
[ ! -s "$TMP/red_other" ] || { show "$TMP/red_other"; fail "red edges that are not stops"; }

dot -Tsvg "$d" >"$TMP/s6.svg" 2>"$TMP/dot.err" || { show "$TMP/dot.err"; fail "dot -Tsvg"; }
[ ! -s "$TMP/dot.err" ] || { show "$TMP/dot.err"; fail "dot warned"; }
status 0 "$PKTPATH" --format dot "$S2"
dot -Tsvg "$TMP/out" >"$TMP/s2.svg" || fail "dot -Tsvg, scenario 2"
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
check(stops[0][0] == "node2/eth0->node2/cni0", "the stop edge leaves node2/eth0: %s" % stops[0][0])
check(stops[0][2] == ["red"], "the stop edge is drawn red: %s" % stops[0][2])
check(all("red" not in e[2] for e in e6 if "stopped" not in e[1]), "other edges are not red")
check(any(e[0] == "node2/eth0->node2/cni0" and "red" not in e[2] for e in e6),
      "the healthy flow's edge beside the stop edge, not red")
e2 = edges(sys.argv[2])
check(e2 and all("red" not in e[2] for e in e2), "no red edge in a healthy scenario")
PY
echo PASS
