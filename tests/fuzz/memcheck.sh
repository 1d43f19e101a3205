#!/usr/bin/env bash
# valgrind memcheck on a full scenario run: PKTPATH SCENARIO_DIR.
# No error and no definite or indirect leak; the JSON report as usual.
# Exit 77 (skipped) without valgrind or the scenario.
set -euo pipefail
pktpath=$1 dir=$2
command -v valgrind >/dev/null || { echo "valgrind not installed: skipped"; exit 77; }
[ -d "$dir" ] || { echo "no scenario at $dir: skipped"; exit 77; }
out=$(mktemp)
trap 'rm -f "$out" "$out.err"' EXIT
set +e
valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=1 \
	"$pktpath" --format json "$dir" >"$out" 2>"$out.err"
rc=$?
set -e
cat "$out.err"
if [ $rc -ne 0 ]; then
	echo "memcheck: pktpath --format json $dir: exit $rc under valgrind" >&2
	exit 1
fi
grep -q '"schema_version"' "$out" || { echo "memcheck: no JSON report" >&2; exit 1; }
echo "memcheck: $(basename "$dir"): clean"
