#!/usr/bin/env bash
# ctest: verify.sh must reject a wrong truth. Copies a recorded folder,
# breaks one claim of expected.json at a time (a hop's port, an absent point
# that does see the flow, a NAT boundary moved by one hop, a verdict) and
# expects verify.sh to fail with a FAIL line each time.
# usage: tests/lab/verify_selftest.sh SCENARIO_DIR   (a scenario-2 style folder)
set -euo pipefail
src=${1:?usage: verify_selftest.sh SCENARIO_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v tshark >/dev/null && command -v python3 >/dev/null || exit 77
tmp=$(mktemp -d /tmp/pp-verify-selftest.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp -a "$src" "$tmp/b"
mkdir "$tmp/tshark"
export VERIFY_TSHARK_CACHE=$tmp/tshark # the captures stay the same, only the truth changes
"$here/verify.sh" "$tmp/b" >/dev/null
cp "$tmp/b/expected.json" "$tmp/expected.json"
mutations=(
	'f["forward"]["hops"][3]["dport"] += 1'
	'f["forward"]["absent_at"].append(f["forward"]["hops"][2]["point"])'
	'f["forward"]["nat"][0]["after_hop"] += 1; f["forward"]["nat"][0]["before_hop"] += 1; f["forward"]["nat"][0]["after"] = f["forward"]["hops"][f["forward"]["nat"][0]["after_hop"]]["point"]; f["forward"]["nat"][0]["before"] = f["forward"]["hops"][f["forward"]["nat"][0]["before_hop"]]["point"]'
	'f["reverse"]["hops"].reverse()'
	'f["forward"]["verdict"] = "stopped"; f["forward"]["stopped"] = {"after": f["forward"]["hops"][-1]["point"], "expected_next": f["forward"]["hops"][-2]["point"]}'
)
fail=0
for m in "${mutations[@]}"; do
	python3 - "$tmp/expected.json" "$tmp/b/expected.json" "$m" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
f = e["flows"][0]
exec(sys.argv[3])
json.dump(e, open(sys.argv[2], "w"), indent=2)
PY
	if out=$("$here/verify.sh" "$tmp/b" 2>&1); then
		echo "verify_selftest.sh: verify.sh accepted a wrong truth: $m" >&2
		fail=1
	elif ! grep -q 'FAIL:' <<<"$out"; then
		echo "verify_selftest.sh: verify.sh failed without a FAIL line: $m: $out" >&2
		fail=1
	else
		echo "rejected as expected ($m): $(grep -m1 'FAIL:' <<<"$out")"
	fi
done
exit "$fail"
