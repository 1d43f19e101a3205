#!/usr/bin/env bash
# Progress on stderr for inputs over 100 MB, only when stderr is a terminal:
# a >100 MB set from the benchmark generator, run under a pseudo-terminal
# (script(1)), with stderr in a file and in a pipe, and a small input.
. "$(dirname "$0")/lib.sh" "$@"
need script
[ -x "$BENCHGEN" ] || { echo "SKIP: no benchgen" >&2; exit 77; }

set_dir=$TMP/big
"$BENCHGEN" -q --size-gb 0.12 --concurrency 200 "$set_dir"
size=$(find "$set_dir" -name '*.pcap' -printf '%s\n' | awk '{s += $1} END {print s}')
[ "$size" -gt 100000000 ] || fail "the generated set has only $size bytes"

# on a terminal: "pktpath: reading captures: N of M MB (P%)", erased at the end
on_tty "'$PKTPATH' '$set_dir' >'$TMP/report'" >"$TMP/tty" || fail "pktpath on a terminal"
has "$TMP/tty" 'pktpath: reading captures: [0-9]+ of 1[0-9][0-9] MB \([0-9]+%\)' "progress line on a terminal"
has "$TMP/tty" "${ESC}\\[K" "the progress line is erased"
has "$TMP/report" '^[0-9]+ conversations' "the report is complete"
hasnt "$TMP/report" 'reading captures' "no progress in the report"
# the second read of --write-pcapng shows its own progress
on_tty "'$PKTPATH' --write-pcapng '$TMP/big.pcapng' '$set_dir' >/dev/null" >"$TMP/tty" ||
	fail "pktpath --write-pcapng on a terminal"
has "$TMP/tty" 'pktpath: writing pcapng: [0-9]+ of 1[0-9][0-9] MB' "pcapng progress on a terminal"
rm -f "$TMP/big.pcapng"

# never into a file or a pipe
"$PKTPATH" "$set_dir" >/dev/null 2>"$TMP/err"
[ ! -s "$TMP/err" ] || { show "$TMP/err"; fail "progress into a file"; }
"$PKTPATH" "$set_dir" 2>&1 >/dev/null | cat >"$TMP/err"
[ ! -s "$TMP/err" ] || { show "$TMP/err"; fail "progress into a pipe"; }
# stdout on a terminal, stderr not: still none
on_tty "'$PKTPATH' '$set_dir' 2>'$TMP/err'" >/dev/null
[ ! -s "$TMP/err" ] || { show "$TMP/err"; fail "progress into a file, stdout on a terminal"; }

# small inputs never show progress, even on a terminal
on_tty "'$PKTPATH' '$S6' >/dev/null" >"$TMP/tty"
hasnt "$TMP/tty" 'reading captures' "no progress under 100 MB"
echo PASS
