#!/usr/bin/env bash
# ctest: verify.sh must reject a wrong truth. Each line of CASES names a
# committed folder and a python statement that breaks one claim of its
# expected.json (e = the document, F(i) = flow i, f = flow 0); the folder is
# copied once (and must verify), then each statement is applied to a fresh
# copy of its expected.json and verify.sh must fail with a FAIL line.
# VERIFY_TSHARK_CACHE makes verify.py decode each capture once.
# usage: tests/lab/verify_selftest.sh TESTDATA_DIR CASES
set -euo pipefail
td=${1:?usage: verify_selftest.sh TESTDATA_DIR CASES}
cases=${2:?usage: verify_selftest.sh TESTDATA_DIR CASES}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v tshark >/dev/null && command -v python3 >/dev/null || exit 77
tmp=$(mktemp -d /tmp/pp-verify-selftest.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/tshark"
export VERIFY_TSHARK_CACHE=$tmp/tshark

fail=0
n=0
while IFS=$'\t' read -r folder m; do
	case $folder in '' | '#'*) continue ;; esac
	if [ ! -d "$tmp/$folder" ]; then
		cp -a "$td/$folder" "$tmp/$folder"
		"$here/verify.sh" "$tmp/$folder" >/dev/null
		cp "$tmp/$folder/expected.json" "$tmp/$folder.expected.json"
	fi
	python3 - "$tmp/$folder.expected.json" "$tmp/$folder/expected.json" "$m" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
F = lambda i: e["flows"][i]
f = F(0)
exec(sys.argv[3])
json.dump(e, open(sys.argv[2], "w"), indent=2)
PY
	n=$((n + 1))
	if out=$("$here/verify.sh" "$tmp/$folder" 2>&1); then
		echo "verify_selftest.sh: $folder: verify.sh accepted a wrong truth: $m" >&2
		fail=1
	elif ! grep -q 'FAIL:' <<<"$out"; then
		echo "verify_selftest.sh: $folder: verify.sh failed without a FAIL line: $m: $out" >&2
		fail=1
	else
		echo "$folder: rejected as expected ($m): $(grep -m1 'FAIL:' <<<"$out" | sed 's/^verify.sh: [^:]*: //')"
	fi
	cp "$tmp/$folder.expected.json" "$tmp/$folder/expected.json"
done <"$cases"
[ "$n" -gt 0 ] || {
	echo "verify_selftest.sh: no case in $cases" >&2
	exit 1
}
echo "verify_selftest.sh: $n wrong truths tried"
exit "$fail"
