#!/usr/bin/env bash
# As in tcpdump and tshark: '-' reads a capture from standard input (alone,
# or as POINT=-), --write-pcapng - writes to standard output and nothing
# else, -r FILE and -w FILE are the long forms' aliases, -q prints only the
# findings.
. "$(dirname "$0")/../formats/lib.sh" "$@"
need python3 gzip script
E1=$S6/node1/eth0.pcap
E2=$S6/node2/eth0.pcap

# fed WANT HOW:FILE CMD...: like status, with FILE on standard input as a
# pipe (pipe:), gzip-compressed through a pipe (gzip:) or redirected (file:)
fed() {
	local want=$1 how=${2%%:*} file=${2#*:} got=0
	shift 2
	case $how in
	pipe) cat "$file" | "$@" >"$TMP/out" 2>"$TMP/err" || got=$? ;;
	gzip) gzip -c "$file" | "$@" >"$TMP/out" 2>"$TMP/err" || got=$? ;;
	file) "$@" <"$file" >"$TMP/out" 2>"$TMP/err" || got=$? ;;
	esac
	[ "$got" = "$want" ] || { show "$TMP/err"; fail "exit status $got, not $want: $* < $how:$file"; }
}

# same A B WHAT: two JSON reports hold the same conversations and findings
same() {
	python3 - "$1" "$2" "$3" <<'PY' || fail "$3"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for k in ("conversations", "findings", "nodes"):
    if a[k] != b[k]:
        sys.exit("FAIL: %s: %s differ" % (sys.argv[3], k))
if [p["packets"] for p in a["points"]] != [p["packets"] for p in b["points"]]:
    sys.exit("FAIL: %s: packets per point differ" % sys.argv[3])
PY
}

status 0 "$PKTPATH" --format json node1/eth0="$E1" node2/eth0="$E2"
cp "$TMP/out" "$TMP/ref.json"
[ ! -s "$TMP/err" ] || { show "$TMP/err"; fail "the reference run warned"; }

# a pipe on standard input, as ssh node1 cat p.pcap | pktpath node1/eth0=- ...
fed 0 pipe:"$E1" "$PKTPATH" --format json node1/eth0=- node2/eth0="$E2"
[ ! -s "$TMP/err" ] || { show "$TMP/err"; fail "stdin: warnings"; }
same "$TMP/ref.json" "$TMP/out" "node1/eth0=- from a pipe"
python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))["points"]
sys.exit(0 if p[0]["name"] == "node1/eth0" and p[0]["files"] == ["-"] else "FAIL: point of stdin: %s" % p[0])
' "$TMP/out" || fail "stdin's point and file name"
# compressed on standard input
fed 0 gzip:"$E1" "$PKTPATH" --format json node1/eth0=- node2/eth0="$E2"
same "$TMP/ref.json" "$TMP/out" "node1/eth0=- from gzip"
# a file on standard input (< p.pcap), alone: point and node "stdin"
fed 0 file:"$E1" "$PKTPATH" --format json -
has "$TMP/out" '"name": "stdin"' "a bare - is point stdin"
cp "$TMP/out" "$TMP/stdin.json"
status 0 "$PKTPATH" --format json stdin="$E1"
same "$TMP/out" "$TMP/stdin.json" "- < file is the file"
# -r is the same as naming the input
status 0 "$PKTPATH" --format json -r node1/eth0="$E1" -r node2/eth0="$E2"
same "$TMP/ref.json" "$TMP/out" "-r POINT=FILE"
fed 0 pipe:"$E1" "$PKTPATH" --format json -r node1/eth0=- node2/eth0="$E2"
same "$TMP/ref.json" "$TMP/out" "-r node1/eth0=-"

# standard input that cannot be read: said, exit 2
fed 2 pipe:/dev/null "$PKTPATH" -
has "$TMP/err" '^pktpath: -: nothing came through standard input$' "empty standard input"
[ ! -s "$TMP/out" ] || fail "a report without input"
fed 2 pipe:"$E1" "$PKTPATH" node1/eth0=- node2/eth0=-
has "$TMP/err" '^pktpath: -: standard input given twice \(only one input can come through it\)$' "stdin twice"
on_tty "$PKTPATH -" >"$TMP/tty" 2>&1 || true
has "$TMP/tty" 'pktpath: -: standard input is a terminal: pipe a capture into it' "stdin a terminal"

# --write-pcapng - and -w -: the pcapng on stdout, no report, stderr quiet
status 0 "$PKTPATH" --write-pcapng - "$S6"
cp "$TMP/out" "$TMP/all.pcapng"
[ ! -s "$TMP/err" ] || { show "$TMP/err"; fail "--write-pcapng -: messages"; }
[ "$(head -c 4 "$TMP/all.pcapng" | od -An -tx1 | tr -d ' ')" = 0a0d0d0a ] || fail "stdout starts with a pcapng section header"
hasnt "$TMP/all.pcapng" 'conversations across' "no report in the pcapng"
status 0 "$PKTPATH" -w - "$S6"
cmp -s "$TMP/out" "$TMP/all.pcapng" || fail "-w - is --write-pcapng -"
status 0 "$PKTPATH" -w "$TMP/w.pcapng" "$S6"
cmp -s "$TMP/w.pcapng" "$TMP/all.pcapng" || fail "-w FILE writes what -w - writes"
has "$TMP/out" '^[0-9]+ conversations across' "-w FILE: the report on stdout"
# what it wrote reads back: every packet the analysis read
status 0 "$PKTPATH" --format json "$S6"
read_all=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["findings"]["read"])' "$TMP/out")
status 0 "$PKTPATH" --format json merged="$TMP/all.pcapng"
read_back=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["findings"]["read"])' "$TMP/out")
[ "$read_all" = "$read_back" ] || fail "the pcapng on stdout holds $read_back packets, not $read_all"
# with a report format, or -q: usage error before reading
status 2 "$PKTPATH" --format json -w - "$S6"
has "$TMP/err" "^pktpath: --write-pcapng -: standard output carries the pcapng, there is no room for a report \(--format\): write the pcapng to a file instead$" "-w - with --format"
[ ! -s "$TMP/out" ] || fail "-w - --format json wrote"
status 2 "$PKTPATH" -q -w - "$S6"
has "$TMP/err" '\(-q\)' "-w - with -q"
on_tty "$PKTPATH -w - $S6" >"$TMP/tty" 2>&1 || true
has "$TMP/tty" 'pktpath: --write-pcapng -: standard output is a terminal: pcapng is not written to it' "-w - to a terminal"

# -q: the findings of the text report, one line each, nothing else
status 0 "$PKTPATH" "$S6"
sed -n '/^findings:$/,/^[^ ]/p' "$TMP/out" | sed -n 's/^  //p' >"$TMP/findings"
[ -s "$TMP/findings" ] || { show "$TMP/out"; fail "scenario 6 has findings"; }
status 0 "$PKTPATH" -q "$S6"
cmp -s "$TMP/out" "$TMP/findings" || { show "$TMP/out"; fail "-q: the findings only"; }
has "$TMP/out" '^conv [0-9]+ tcp 172\.23\.96\.23:41601 -> 192\.168\.13\.23:80: forward silent drop: ' "-q: the stop"
status 0 "$PKTPATH" --quiet "$S2"
[ ! -s "$TMP/out" ] || { show "$TMP/out"; fail "-q: nothing when nothing is wrong"; }
status 1 "$PKTPATH" -q --fail-on stop "$S6"
cmp -s "$TMP/out" "$TMP/findings" || fail "-q --fail-on: the findings"
has "$TMP/err" '^pktpath: --fail-on: stop: conv 4 ' "-q --fail-on: why it fails"
status 2 "$PKTPATH" -q --format json "$S6"
has "$TMP/err" '^pktpath: -q prints the findings as text: not with --format json$' "-q with json"
# the README's usage section shows the standard input forms
README=$(dirname "$0")/../../README.md
sed -n '/^## Using it$/,/^## /p' "$README" >"$TMP/usage"
has "$TMP/usage" 'pktpath node1/eth0=- ' "README: POINT=- from ssh"
has "$TMP/usage" '\| pktpath -$' "README: a bare -"
has "$TMP/usage" '-w - ' "README: -w -"
echo PASS
