#!/usr/bin/env bash
# The JSON and JSON Lines reports of every scenario are what jansson writes
# when it parses them and dumps them again (conversations are written by
# json_writer, the rest by jansson: one layout for the whole document).
# Argument 4: the test_json_writer binary, which does the comparison.
. "$(dirname "$0")/lib.sh" "$@"
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
[ ${#args[@]} -ge 28 ] || fail "expected 14 scenarios, found $((${#args[@]} / 4))"
"$WRITER_TEST" "${args[@]}" || fail "a report is not in jansson's layout"
echo "ok: $((${#args[@]} / 4)) scenarios, json and jsonl, round-trip through jansson"
