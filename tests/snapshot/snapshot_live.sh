#!/usr/bin/env bash
# snapshot_live.sh PKTPATH TEST_TOPO - records the mktopo.sh node afresh
# (mkfixtures.sh: pktpath snapshot, the ip -j directory, the addr file) and
# runs the topology unit test on that recording instead of the checked-in
# fixtures. Needs root.
set -euo pipefail
pktpath=$(realpath "${1:?pktpath binary}") test_topo=$(realpath "${2:?test_topo binary}")
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root to create network namespaces"; exit 77; }
p=pp-lv$$
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/mkfixtures.sh" "$pktpath" "$tmp" "$p"
"$test_topo" "$tmp/node1.snapshot.json" "$tmp/node1-ipj" "$tmp/node1.addr.json" "$p" 2>&1 \
	| grep -v -e "--service-cidr: '" -e "try 'pktpath --help'" -e 'expected usage messages'
