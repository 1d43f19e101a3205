#!/usr/bin/env bash
# Nothing silently dropped, on every testdata scenario: pktpath --format json
# on the bundle must account for every packet it read (ppcounts: read =
# sum of points[].packets + sum of ignored; unmatched observations are used
# packets, counted in their points, never under ignored).
# usage: scenarios.sh PKTPATH PPCOUNTS TESTDATA_DIR
set -uo pipefail
pktpath=$1 ppcounts=$2 testdata=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for d in "$testdata"/*/; do
	d=${d%/}
	[ -n "$(find "$d" -name '*.pcap*' -print -quit)" ] || continue
	n=$((n + 1))
	timeout 60 "$pktpath" --format json "$d" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL ${d##*/}: exit $rc: $(head -n 1 "$tmp/err")"
		fail=1
		continue
	fi
	if c=$("$ppcounts" "$tmp/out" 2>"$tmp/cerr"); then
		echo "ok   ${d##*/}: $c"
	else
		echo "FAIL ${d##*/}: $c: $(cat "$tmp/cerr")"
		fail=1
	fi
done
[ $n -gt 0 ] || { echo "no scenario in $testdata: skipped"; exit 77; }
echo "scenarios: $n checked"
exit $fail
