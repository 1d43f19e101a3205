#!/usr/bin/env bash
# shapes.sh PKTPATH - ctest bench.shapes: the worst-case shapes of the
# benchmark, small enough for CI, checked for their findings and guarded
# against a return of the quadratic paths with a wide time bound (the
# benchmark, tests/bench/run.sh, measures them; this only catches minutes):
#   one TCP flow at 100 k packets/s with its ACKs, at two nodes: one
#     conversation, both directions delivered, nothing stopped;
#   a path of 40 routed points: the path is whole (40 hops each way) and no
#     limit is reached;
#   a path of 70 points: past the 64 sightings a packet keeps, which the
#     report says (findings.limits.hops) instead of cutting paths silently.
set -euo pipefail
pktpath=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bound=${PP_SHAPES_BOUND:-60}

check() {
	python3 - "$@" <<'PY'
import json, sys
kind, path = sys.argv[1], sys.argv[2]
d = json.load(open(path))
convs = [c for c in d["conversations"]]
lim = d["findings"]["limits"]
def fail(msg):
    print("shapes: %s: %s" % (kind, msg)); sys.exit(1)
if len(convs) != 1:
    fail("%d conversations, want 1" % len(convs))
dirs = {x["dir"]: x for x in convs[0]["directions"]}
for k in ("forward", "reverse"):
    if dirs.get(k, {}).get("verdict") != "delivered" or dirs[k]["stopped"]:
        fail("%s not delivered: %s" % (k, dirs.get(k, {}).get("verdict")))
if kind == "fast" and dirs["forward"]["packets"] < 262144:
    fail("forward has %d packets" % dirs["forward"]["packets"])
if kind == "hops40":
    if len(dirs["forward"]["path"]) != 40 or len(dirs["reverse"]["path"]) != 40:
        fail("paths of %d and %d points, want 40" % (len(dirs["forward"]["path"]), len(dirs["reverse"]["path"])))
    if any(lim.values()):
        fail("a limit reached: %s" % lim)
if kind == "hops70" and lim["hops"] == 0:
    fail("70 points and no limit said: %s" % lim)
print("shapes: %s ok" % kind)
PY
}

run() {
	local name=$1 start end
	shift
	python3 "$here/fastflow.py" "$@" "$tmp/$name"
	start=$(date +%s)
	"$pktpath" --format json "$tmp/$name" >"$tmp/$name.json"
	end=$(date +%s)
	if [ $((end - start)) -gt "$bound" ]; then
		echo "shapes: $name took $((end - start)) s (bound $bound s)"
		exit 1
	fi
	check "$name" "$tmp/$name.json"
}

run fast --packets 262144 --acks
run hops40 --packets 2000 --hops 40 --acks
run hops70 --packets 200 --hops 70 --acks
