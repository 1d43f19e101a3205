#!/usr/bin/env bash
# --conversation ADDR[:PORT] and --limit N: which conversations are reported.
. "$(dirname "$0")/lib.sh" "$@"
need python3

# origins OUT: "sport verdict-of-forward" per reported conversation, in order
origins() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["conversations"]:
    o = c["origin"]
    print(o["src"], o["sport"], o["dst"], o["dport"], c["directions"][0]["verdict"])
' "$1"
}

status 0 "$PKTPATH" --format json "$S6"
all=$(origins "$TMP/out" | wc -l)
[ "$all" -ge 2 ] || fail "scenario 6 has both flows"

# by source address and port: the dropped flow only
status 0 "$PKTPATH" --format json --conversation 172.23.96.23:41601 "$S6"
[ "$(origins "$TMP/out")" = "172.23.96.23 41601 192.168.13.23 80 stopped" ] ||
	fail "--conversation 172.23.96.23:41601: $(origins "$TMP/out")"
# by an address seen only after DNAT (the backend pod): both TCP flows
status 0 "$PKTPATH" --format json --conversation 172.23.96.163 "$S6"
origins "$TMP/out" >"$TMP/o"
[ "$(wc -l <"$TMP/o")" = 2 ] || { show "$TMP/o"; fail "--conversation 172.23.96.163: 2 flows"; }
has "$TMP/o" '^172\.23\.96\.23 41601 ' "dropped flow by backend address"
has "$TMP/o" '^172\.23\.96\.23 41602 ' "healthy flow by backend address"
# by service address and port
status 0 "$PKTPATH" --format json --conversation 192.168.13.23:80 "$S6"
[ "$(origins "$TMP/out" | wc -l)" = 2 ] || fail "--conversation 192.168.13.23:80: 2 flows"
# nothing matches: an empty report, status 0
status 0 "$PKTPATH" --format json --conversation 192.0.2.1 "$S6"
[ -z "$(origins "$TMP/out")" ] || fail "--conversation 192.0.2.1 matched something"
status 0 "$PKTPATH" --conversation 172.23.96.23:41602 "$S6"
has "$TMP/out" '^conv [0-9]+  tcp 172\.23\.96\.23:41602 ' "text: the healthy flow"
hasnt "$TMP/out" '^conv [0-9]+  tcp 172\.23\.96\.23:41601 ' "text: not the dropped flow"
# IPv6 with brackets (scenario 9 is dual-stack)
status 0 "$PKTPATH" --format json "$TESTDATA/9-dual-stack"
v6=$(python3 -c '
import json, sys
for c in json.load(open(sys.argv[1]))["conversations"]:
    o = c["origin"]
    if ":" in o["src"] and o["sport"] is not None:
        print("%s %s" % (o["src"], o["sport"]))
        break
' "$TMP/out")
[ -n "$v6" ] || fail "scenario 9 has an IPv6 conversation with ports"
status 0 "$PKTPATH" --format json --conversation "[${v6% *}]:${v6#* }" "$TESTDATA/9-dual-stack"
origins "$TMP/out" >"$TMP/o"
[ "$(wc -l <"$TMP/o")" -ge 1 ] || fail "--conversation [${v6% *}]:${v6#* }: nothing"
has "$TMP/o" "^${v6% *} ${v6#* } " "--conversation [IPv6]:PORT"
for bad in 'nonsense' '172.23.96.23:99999' '[fd00::1' '172.23.96.23:'; do
	status 2 "$PKTPATH" --conversation "$bad" "$S6"
	has "$TMP/err" "^pktpath: --conversation: '.*' is not ADDR, ADDR:PORT or \\[ADDR\\]:PORT$" "bad --conversation $bad"
done

# --limit: the most interesting first (stopped before NAT before the rest)
status 0 "$PKTPATH" --format json --limit 1 "$S6"
[ "$(origins "$TMP/out")" = "172.23.96.23 41601 192.168.13.23 80 stopped" ] ||
	fail "--limit 1: $(origins "$TMP/out")"
status 0 "$PKTPATH" --format json --limit 2 "$S6"
origins "$TMP/out" >"$TMP/o"
[ "$(sed -n 1p "$TMP/o")" = "172.23.96.23 41601 192.168.13.23 80 stopped" ] || fail "--limit 2: stop first"
[ "$(sed -n 2p "$TMP/o")" = "172.23.96.23 41602 192.168.13.23 80 delivered" ] || fail "--limit 2: NAT next"
status 0 "$PKTPATH" --format json --limit 1000 "$S6"
[ "$(origins "$TMP/out" | wc -l)" = "$all" ] || fail "--limit above the count"
status 0 "$PKTPATH" --limit 1 "$S6"
[ "$(grep -c '^conv [0-9]' "$TMP/out")" = 1 ] || fail "text --limit 1: one conversation"
status 0 "$PKTPATH" --format jsonl --limit 1 "$S6"
[ "$(grep -c '"type":"conversation"' "$TMP/out")" = 1 ] || fail "jsonl --limit 1"
# --limit with --conversation: filter first, then the limit
status 0 "$PKTPATH" --format json --conversation 172.23.96.23:41602 --limit 1 "$S6"
[ "$(origins "$TMP/out")" = "172.23.96.23 41602 192.168.13.23 80 delivered" ] ||
	fail "--conversation with --limit: $(origins "$TMP/out")"
for bad in abc -1 1x; do
	status 2 "$PKTPATH" --limit "$bad" "$S6"
	has "$TMP/err" "^pktpath: --limit: '$bad' is not a number from 0 to" "bad --limit $bad"
done
echo PASS
