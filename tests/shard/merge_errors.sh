#!/usr/bin/env bash
# merge_errors.sh PKTPATH TESTDATA - ctest shard.merge_errors: results that
# are not the shards of one analysis are refused with one line naming the
# file and exit status 2, never merged into a report that would look whole.
set -euo pipefail
pktpath=$1 testdata=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set6=$testdata/6-silent-drop set5=$testdata/5-external-cluster-policy
for k in 1 2 3; do "$pktpath" --shard "$k/3" --format json "$set6" >"$tmp/s$k.json"; done
"$pktpath" --shard 1/2 --format json "$set6" >"$tmp/half.json"
"$pktpath" --shard 3/3 --format json "$set5" >"$tmp/other.json"
"$pktpath" --shard 2/3 --window 0.2 --format json "$set6" >"$tmp/window.json"
"$pktpath" --limit 1 --format json "$set6" >"$tmp/limit.json"
head -c 3000 "$tmp/s1.json" >"$tmp/cut.json"
: >"$tmp/empty.json"
sed 's/"schema_version": 1/"schema_version": 2/' "$tmp/s1.json" >"$tmp/v2.json"
fail=0
# refused CASE "MESSAGE" ARGS...: exit status 2 and MESSAGE on stderr, nothing on stdout
refused() {
	local what=$1 msg=$2 rc=0
	shift 2
	"$pktpath" merge "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	if [ "$rc" -ne 2 ] || ! grep -qF -- "$msg" "$tmp/err" || [ -s "$tmp/out" ]; then
		echo "FAIL: $what: exit $rc, stderr: $(head -2 "$tmp/err")" >&2
		fail=1
	fi
}
refused "a shard missing" "shard 3 of 3 is missing" "$tmp/s1.json" "$tmp/s2.json"
refused "a shard twice" "s2.json: shard 2 of 3, which" "$tmp/s1.json" "$tmp/s2.json" "$tmp/s2.json"
refused "shards of 2 and 3" "half.json: a shard of 2" "$tmp/s1.json" "$tmp/s2.json" "$tmp/half.json"
"$pktpath" --format json "$set6" >"$tmp/whole.json"
refused "two single runs" "whole.json: not a shard" "$tmp/whole.json" "$tmp/whole.json"
refused "a single run and a shard" "whole.json: not a shard" "$tmp/s1.json" "$tmp/whole.json"
refused "another capture set" "other.json: not a shard of the analysis" \
	"$tmp/s1.json" "$tmp/s2.json" "$tmp/other.json"
refused "another --window" "window.json: not a shard of the analysis" "$tmp/s1.json" "$tmp/window.json" "$tmp/s3.json"
refused "--limit" "limit.json: 1 of its 5 conversations" "$tmp/limit.json"
refused "cut short" "cut.json: not a pktpath JSON result: cut short" "$tmp/cut.json"
refused "empty" "empty.json: not a pktpath JSON result: empty" "$tmp/empty.json"
refused "schema 2" "v2.json: schema_version 2" "$tmp/v2.json"
refused "no such file" "nope.json: No such file" "$tmp/nope.json"
refused "an analysis option" "merge: --clock is an option of the analysis" --clock a=1 "$tmp/s1.json"
rc=0
echo '[1, 2]' | "$pktpath" merge >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q 'standard input.*a JSON object expected' "$tmp/err" ||
	{ echo "FAIL: an array on standard input: exit $rc" >&2; fail=1; }
# shards that met an input error: the merged report is still the single
# run's, and the exit status is its 2
printf 'not a capture\n' >"$tmp/text.pcap"
inputs=("node1/eth0=$set6/node1/eth0.pcap" "node2/eth0=$set6/node2/eth0.pcap" "node1/x=$tmp/text.pcap")
rc=0
"$pktpath" --format json "${inputs[@]}" >"$tmp/bad-whole.json" 2>/dev/null || rc=$?
for k in 1 2; do
	"$pktpath" --shard "$k/2" --format json "${inputs[@]}" >"$tmp/bad-$k.json" 2>/dev/null || true
done
mrc=0
"$pktpath" merge --format json "$tmp/bad-1.json" "$tmp/bad-2.json" >"$tmp/bad-merged.json" 2>"$tmp/err" || mrc=$?
if [ "$rc" -ne 2 ] || [ "$mrc" -ne 2 ] || ! cmp -s "$tmp/bad-whole.json" "$tmp/bad-merged.json" ||
	! grep -q 'the shards met 1 input error' "$tmp/err"; then
	echo "FAIL: input errors of the shards: single run exit $rc, merge exit $mrc" >&2
	fail=1
fi
[ "$fail" -eq 0 ] && echo "merge_errors: every bad input refused with its message, input errors passed on"
exit "$fail"
