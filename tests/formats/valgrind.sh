#!/usr/bin/env bash
# No leak and no invalid access with --write-pcapng and --expect (equal and
# different), under valgrind.
. "$(dirname "$0")/lib.sh" "$@"
need valgrind

vg() {
	valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
		--error-exitcode=99 "$PKTPATH" "$@"
}
"$PKTPATH" --format json "$S5" >"$TMP/s5.json"
"$PKTPATH" --format jsonl "$S6" >"$TMP/s6.jsonl"
status 0 vg --write-pcapng "$TMP/a.pcapng" --expect "$TMP/s5.json" "$S5"
[ -s "$TMP/a.pcapng" ] || fail "no pcapng written"
status 1 vg --format jsonl --write-pcapng "$TMP/b.pcapng" --expect "$TMP/s5.json" "$S6"
has "$TMP/err" '^pktpath: expect: [0-9]+ differences from ' "differences"
status 0 vg --format markdown --expect "$TMP/s6.jsonl" --fail-on snat "$S6"
status 0 vg --write-pcapng "$TMP/c.pcapng" "$TESTDATA/2-cross-node-clusterip-any"
status 2 vg --write-pcapng "$TMP/no/dir/x.pcapng" "$S6"
echo '{"schema_version": 1, "conversations": [1]}' >"$TMP/bad.json"
status 2 vg --expect "$TMP/bad.json" "$S6"
echo PASS
