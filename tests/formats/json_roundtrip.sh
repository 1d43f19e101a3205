#!/usr/bin/env bash
# The JSON and JSON Lines reports of every scenario are what jansson writes
# when it parses them and dumps them again (conversations are written by
# json_writer, the rest by jansson: one layout for the whole document).
# Argument 4: the test_json_writer binary, which does the comparison.
. "$(dirname "$0")/lib.sh" "$@"
need python3
WRITER_TEST=$4
[ -x "$WRITER_TEST" ] || fail "test_json_writer missing: $WRITER_TEST"

args=()
for dir in "$TESTDATA"/*/; do
	name=$(basename "$dir")
	status 0 "$PKTPATH" --format json "$dir"
	cp "$TMP/out" "$TMP/$name.json"
	status 0 "$PKTPATH" --format jsonl "$dir"
	cp "$TMP/out" "$TMP/$name.jsonl"
	args+=(json "$TMP/$name.json" jsonl "$TMP/$name.jsonl")
done
# A node folder whose name is not UTF-8 (a customer's bundle): its points
# are named with the text \xff in the points list and in every path alike.
bad=$(printf 'n\377ode1')
mkdir -p "$TMP/bad"
cp -r "$S2/node1" "$TMP/bad/$bad"
cp -r "$S2/node2" "$TMP/bad/node2"
status 0 "$PKTPATH" --format json "$TMP/bad"
cp "$TMP/out" "$TMP/bad.json"
args+=(json "$TMP/bad.json")
python3 - "$TMP/bad.json" <<'PY' || fail "a name that is not UTF-8"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8", errors="strict"))
names = [p.get("name") for p in d["points"]]
bad = "n\\xffode1/eth0"
assert bad in names, names
assert sorted(n.get("name") for n in d["nodes"]) == sorted(["n\\xffode1", "node2"]), d["nodes"]
assert any(bad in dr["path"] for c in d["conversations"] for dr in c["directions"])
PY

[ ${#args[@]} -ge 30 ] || fail "expected 14 scenarios"
"$WRITER_TEST" "${args[@]}" || fail "a report is not in jansson's layout"
echo "ok: every scenario's json and jsonl, and a bundle with a name that is not UTF-8, round-trip through jansson"
