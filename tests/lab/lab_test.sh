#!/usr/bin/env bash
# ctest "lab": records one scenario with lab.sh into a temporary directory,
# runs verify.sh on every fresh folder, then pktpath on it, whose findings
# must equal the truth the lab wrote (when PKTPATH and EXPECT_CHECK are
# given), and checks that no namespace of the lab is left behind. Exits 77
# (skip) when not root or a tool is missing.
# usage: tests/lab/lab_test.sh [SCENARIO [PKTPATH EXPECT_CHECK]]
set -euo pipefail
s=${1:-2-cross-node-clusterip}
pktpath=${2:-}
check=${3:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ "$(id -u)" -ne 0 ]; then
	echo "lab_test.sh: not root, skipped"
	exit 77
fi
out=$(mktemp -d /tmp/pp-labtest.XXXXXX)
trap 'rm -rf "$out"' EXIT
# tcpdump can lose the last packet at SIGINT on a loaded machine, and lab.sh
# refuses such a recording: record once more before calling it a failure.
rc=0
for attempt in 1 2; do
	rc=0
	"$here/lab.sh" --no-verify --out "$out" ${pktpath:+--pktpath "$pktpath"} "$s" || rc=$?
	[ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ "$attempt" -eq 1 ] || break
	echo "lab_test.sh: recording failed (exit $rc), recording again" >&2
	rm -rf "${out:?}"/*
done
[ "$rc" -eq 0 ] || exit "$rc"
n=0
for d in "$out"/*/; do
	"$here/verify.sh" "$d"
	if [ -n "$pktpath" ]; then
		"$here/../cases/run_scenario.sh" "$pktpath" "$check" "${d%/}"
	fi
	n=$((n + 1))
done
[ "$n" -gt 0 ] || {
	echo "lab_test.sh: lab.sh wrote nothing into $out" >&2
	exit 1
}
left=
for ns in pp-node1 pp-node2 pp-vpc pp-slb pp-client pp-pod-centos pp-pod-nginx0 pp-pod-nginx1 pp-pod-nginx2; do
	if [ -e "/run/netns/$ns" ]; then left+=" $ns"; fi
done
if [ -n "$left" ]; then
	echo "lab_test.sh: namespaces left behind: $left" >&2
	exit 1
fi
echo "lab_test.sh: $s recorded and verified ($n folders)"
